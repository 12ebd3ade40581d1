/*
 * plasticity/post_history.c -- growing and trimming a neuron's spike ring
 * (see post_history.h).
 */
#include "config.h"

#include <string.h>

#include "sleipnir/error.h"
#include "core/alloc.h"
#include "plasticity/post_history.h"

int slp__hist_push(slp__post_hist *h, slp_tick t, double y, double p,
                   double z) {
  uint32_t cap = h->has_cap ? 1u << h->log_cap : 0;
  if (h->n == cap) {
    uint32_t log_cap = h->has_cap ? h->log_cap + 1u : 2u;
    if ((1u << log_cap) > SLP__HIST_MAX)
      return SLP_ELIMIT;
    /* One more entry: the base, after the ring. */
    slp__hist_entry *ne =
        slp__malloc((((size_t)1 << log_cap) + 1) * sizeof *ne);
    if (ne == NULL)
      return SLP_ENOMEM;
    /* Unroll the ring so that the oldest entry is at 0. */
    for (uint32_t k = 0; k < h->n; k++)
      ne[k] = *slp__hist_at(h, k);
    ne[(size_t)1 << log_cap] =
        h->has_cap ? h->e[cap]
                   : (slp__hist_entry){SLP__HIST_NONE, 0.0, 0.0, 0.0};
    slp__free(h->e);
    h->e = ne;
    h->head = 0;
    h->log_cap = (uint8_t)log_cap;
    h->has_cap = 1;
  }
  uint32_t mask = (1u << h->log_cap) - 1;
  h->e[(h->head + h->n) & mask] = (slp__hist_entry){t, y, p, z};
  h->n++;
  h->prev2_t = h->prev_t;
  h->prev_t = h->newest_t;
  h->prev_p = h->newest_p;
  h->newest_t = t;
  h->newest_y = y;
  h->newest_p = p;
  return 0;
}

void slp__hist_rescale(slp__post_hist *h, double fy, double fp) {
  for (uint32_t k = 0; k < h->n; k++) {
    slp__hist_entry *e = &h->e[(h->head + k) & ((1u << h->log_cap) - 1)];
    e->y *= fy;
    e->p *= fp;
  }
  if (h->has_cap)
    h->e[(size_t)1 << h->log_cap].y *= fy; /* the base */
  h->newest_y *= fy;
  h->newest_p *= fp;
  h->prev_p *= fp;
}

void slp__hist_drop_before(slp__post_hist *h, slp_tick t) {
  uint32_t mask = (1u << h->log_cap) - 1;
  while (h->n > 1 && h->e[h->head].t < t) {
    h->e[mask + 1] = h->e[h->head]; /* the base */
    h->head = (h->head + 1) & mask;
    h->n--;
  }
}

void slp__hist_init(slp__post_hist *h) {
  memset(h, 0, sizeof *h);
  h->newest_t = SLP__HIST_NONE;
  h->prev_t = SLP__HIST_NONE;
  h->prev2_t = SLP__HIST_NONE;
}

void slp__hist_free(slp__post_hist *h) {
  slp__free(h->e);
  slp__hist_init(h);
}
