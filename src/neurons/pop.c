/*
 * neurons/pop.c -- services the scheduler offers to models: settle lists,
 * wake-ups and spike emission.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
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
  /* 11-bit digits: a 1.5 ms window of 1 ns ticks needs two passes, a grid
   * window of up to 2048 steps one. */
  enum { BITS = 11, RADIX = 1 << BITS };
  size_t count[RADIX];
  slp__spike *src = b->s, *dst = tmp->s;
  for (unsigned shift = 0; shift < 64 && (max_key >> shift) != 0;
       shift += BITS) {
    memset(count, 0, sizeof count);
    for (size_t k = 0; k < b->n; k++)
      count[((uint64_t)((src[k].t - t0) / grid) >> shift) & (RADIX - 1)]++;
    size_t sum = 0;
    for (size_t d = 0; d < RADIX; d++) {
      size_t c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (size_t k = 0; k < b->n; k++)
      dst[count[((uint64_t)((src[k].t - t0) / grid) >> shift) &
                (RADIX - 1)]++] = src[k];
    slp__spike *x = src;
    src = dst;
    dst = x;
  }
  if (src != b->s) {
    /* An odd number of passes left the result in tmp: swap the buffers. */
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

void slp__pop_wake_at(slp__pop *pop, slp__window *win, uint32_t i,
                      slp_tick t) {
  slp__event e = {t, i, pop->index, 1.0};
  int rc = slp__ring_push(win->wake, &e);
  if (rc != 0)
    win->err = rc;
}

void slp__pop_emit(slp__pop *pop, slp__window *win, uint32_t i, slp_tick t) {
  if (slp__spikebuf_push(win->spikes, t, pop->node0 + i, 1.0) != 0) {
    win->err = SLP_ENOMEM;
    return;
  }
  pop->spikes++;
}
