/*
 * events/wheel.c -- items by the window of their next event (wheel.h).
 */
#include "config.h"

#include <string.h>

#include "sleipnir/error.h"
#include "core/alloc.h"
#include "events/wheel.h"

int slp__wheel_pays(double per_window) { return per_window < 0.5; }

int slp__wheel_init(slp__wheel *w, uint32_t n, slp_tick width,
                    double per_window, slp_tick t0) {
  memset(w, 0, sizeof *w);
  w->n = n;
  double year = 4.0 / (per_window > 0 ? per_window : 1.0);
  slp_tick windows =
      year < 64.0 ? 64 : year > 65536.0 ? 65536 : (slp_tick)year;
  w->due = slp__calloc(((size_t)n + 63) / 64 + 1, sizeof *w->due);
  w->items = slp__malloc(((size_t)n + 1) * sizeof *w->items);
  if (w->due == NULL || w->items == NULL ||
      slp__ring_init(&w->ring, width, windows * width, t0) != 0)
    return SLP_ENOMEM;
  return 0;
}

void slp__wheel_free(slp__wheel *w) {
  slp__ring_free(&w->ring);
  slp__free(w->due);
  slp__free(w->items);
  memset(w, 0, sizeof *w);
}

int slp__wheel_take(slp__wheel *w, const uint32_t **items, size_t *n) {
  slp__evbuf *b;
  int rc = slp__ring_take(&w->ring, &b);
  if (rc != 0)
    return rc;
  for (size_t q = 0; q < b->n; q++)
    w->due[b->ev[q].src >> 6] |= (uint64_t)1 << (b->ev[q].src & 63);
  size_t m = 0;
  for (uint32_t word = 0; word < (w->n + 63) / 64; word++) {
    for (uint64_t bits = w->due[word]; bits != 0; bits &= bits - 1)
      w->items[m++] = word * 64 + (uint32_t)__builtin_ctzll(bits);
    w->due[word] = 0;
  }
  slp__ring_advance(&w->ring);
  *items = w->items;
  *n = m;
  return 0;
}
