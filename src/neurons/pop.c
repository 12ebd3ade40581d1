/*
 * neurons/pop.c -- services the scheduler offers to models: settle lists
 * and spike emission (wake-ups are inline, in pop.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/radix.h"
#include "neurons/pop.h"

int slp__spikebuf_push(slp__spikebuf *b, slp_tick t, uint32_t node,
                       double scale) {
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
  if (b->n < 2)
    return; /* also keeps qsort away from a NULL array */
  qsort(b->s, b->n, sizeof *b->s, spike_cmp);
}

int slp__spikebuf_sort_ticks(slp__spikebuf *b, slp_tick t0, slp_tick span,
                             slp_tick grid, slp__spikebuf *tmp) {
  if (b->n < 2)
    return 0;
  uint64_t max_key = (uint64_t)((span - 1) / grid);
  if (tmp->cap < b->n &&
      slp__grow((void **)&tmp->s, &tmp->cap, b->n, sizeof *tmp->s) != 0)
    return SLP_ENOMEM;
  _Static_assert(offsetof(slp__spike, t) == 0, "radix.h: tick first");
  if (slp__radix_sort_ticks(b->s, tmp->s, b->n, sizeof *b->s, t0, grid,
                            max_key) != b->s) {
    /* The result is in tmp: swap the buffers. */
    slp__spike *x = b->s;
    size_t cap = b->cap;
    b->s = tmp->s;
    b->cap = tmp->cap;
    tmp->s = x;
    tmp->cap = cap;
  }
  return 0;
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

void slp__pops_wake(slp__pop *pops, size_t n_pops, slp__window *win) {
  uint64_t *due = slp__wake_map_due(win->wake);
  for (size_t p = 0; p < n_pops; p++) {
    slp__pop *pop = &pops[p];
    uint64_t *words = due + pop->wake0 / 64;
    size_t n_words = ((size_t)pop->n + 63) / 64;
    for (size_t k = 0; k < n_words; k++) {
      uint64_t x = words[k];
      if (x == 0)
        continue;
      words[k] = 0;
      do {
        uint32_t i = (uint32_t)(k * 64 + (size_t)__builtin_ctzll(x));
        x &= x - 1;
        pop->model->wake(pop, win, i);
      } while (x != 0);
    }
  }
}

void slp__pop_emit(slp__pop *pop, slp__window *win, uint32_t i, slp_tick t) {
  if (slp__spikebuf_push(win->spikes, t, pop->node0 + i, 1.0) != 0) {
    win->err = SLP_ENOMEM;
    return;
  }
  pop->spikes++;
}
