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
  if (h->n == h->cap) {
    uint32_t cap = h->cap == 0 ? 4 : 2 * h->cap;
    if (cap < h->cap)
      return SLP_ENOMEM;
    slp_tick *nt = slp__malloc((size_t)cap * sizeof *nt);
    double *ny = slp__malloc((size_t)cap * sizeof *ny);
    double *np = slp__malloc((size_t)cap * sizeof *np);
    double *nz = slp__malloc((size_t)cap * sizeof *nz);
    if (nt == NULL || ny == NULL || np == NULL || nz == NULL) {
      slp__free(nt);
      slp__free(ny);
      slp__free(np);
      slp__free(nz);
      return SLP_ENOMEM;
    }
    /* Unroll the ring so that the oldest entry is at 0. */
    for (uint32_t k = 0; k < h->n; k++) {
      nt[k] = slp__hist_t(h, k);
      ny[k] = slp__hist_y(h, k);
      np[k] = slp__hist_p(h, k);
      nz[k] = slp__hist_z(h, k);
    }
    slp__free(h->t);
    slp__free(h->y);
    slp__free(h->p);
    slp__free(h->z);
    h->t = nt;
    h->y = ny;
    h->p = np;
    h->z = nz;
    h->head = 0;
    h->cap = cap;
  }
  uint32_t at = (h->head + h->n) & (h->cap - 1);
  h->t[at] = t;
  h->y[at] = y;
  h->p[at] = p;
  h->z[at] = z;
  h->n++;
  return 0;
}

void slp__hist_rescale(slp__post_hist *h, double fy, double fp) {
  for (uint32_t k = 0; k < h->n; k++) {
    uint32_t at = (h->head + k) & (h->cap - 1);
    h->y[at] *= fy;
    h->p[at] *= fp;
  }
  h->base_y *= fy;
}

void slp__hist_drop_before(slp__post_hist *h, slp_tick t) {
  while (h->n > 0 && h->t[h->head] < t) {
    h->base_t = h->t[h->head];
    h->base_y = h->y[h->head];
    h->base_z = h->z[h->head];
    h->head = (h->head + 1) & (h->cap - 1);
    h->n--;
  }
}

void slp__hist_free(slp__post_hist *h) {
  slp__free(h->t);
  slp__free(h->y);
  slp__free(h->p);
  slp__free(h->z);
  memset(h, 0, sizeof *h);
  h->base_t = SLP__HIST_NONE;
}
