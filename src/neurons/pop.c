/*
 * neurons/pop.c -- services the scheduler offers to models: settle lists,
 * wake-ups and spike emission.
 */
#include "config.h"

#include <stdlib.h>

#include "core/alloc.h"
#include "neurons/pop.h"

int slp__spikebuf_push(slp__spikebuf *b, slp_tick t, uint32_t node,
                       float scale) {
  if (b->n == b->cap) {
    int rc = slp__grow((void **)&b->s, &b->cap, b->n + 1, sizeof *b->s);
    if (rc != 0)
      return rc;
  }
  b->s[b->n].t = t;
  b->s[b->n].node = node;
  b->s[b->n].scale = scale;
  b->s[b->n].seq = (uint32_t)b->n;
  b->n++;
  return 0;
}

static int spike_cmp(const void *pa, const void *pb) {
  const slp__spike *a = pa, *b = pb;
  if (a->t != b->t)
    return a->t < b->t ? -1 : 1;
  if (a->node != b->node)
    return a->node < b->node ? -1 : 1;
  /* One node fires twice at one tick only as a spike_array source with two
   * events at that time: keep the order they were emitted in, so that the
   * weights add up in the same order on every run. */
  return (a->seq > b->seq) - (a->seq < b->seq);
}

void slp__spikebuf_sort(slp__spikebuf *b) {
  qsort(b->s, b->n, sizeof *b->s, spike_cmp);
}

void slp__spikebuf_free(slp__spikebuf *b) {
  slp__free(b->s);
  b->s = NULL;
  b->n = b->cap = 0;
}

void slp__pop_need_settle(slp__pop *pop, slp__window *win, uint32_t i) {
  if (pop->n_settle == pop->cap_settle &&
      slp__grow((void **)&pop->settle, &pop->cap_settle, pop->n_settle + 1,
                sizeof *pop->settle) != 0) {
    win->err = SLP_ENOMEM;
    return;
  }
  pop->settle[pop->n_settle++] = i;
}

void slp__pop_wake_at(slp__pop *pop, slp__window *win, uint32_t i,
                      slp_tick t) {
  slp__event e = {t, i, pop->index, 1.0f, 0};
  int rc = slp__ring_push(win->wake, &e);
  if (rc != 0)
    win->err = rc;
}

void slp__pop_emit(slp__pop *pop, slp__window *win, uint32_t i, slp_tick t) {
  if (slp__spikebuf_push(win->spikes, t, pop->node0 + i, 1.0f) != 0) {
    win->err = SLP_ENOMEM;
    return;
  }
  pop->spikes++;
}
