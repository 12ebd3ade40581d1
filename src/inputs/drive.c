/*
 * inputs/drive.c -- a Poisson drive taken by its targets (drive.h).
 */
#include "config.h"

#include <string.h>

#include "core/alloc.h"
#include "inputs/drive.h"

int slp__drive_init(slp__drive *d, uint32_t n) {
  memset(d, 0, sizeof *d);
  size_t cap = n > 0 ? n : 1;
  d->next = slp__malloc(cap * sizeof *d->next);
  d->src = slp__calloc(cap, sizeof *d->src);
  if (d->next == NULL || d->src == NULL)
    return SLP_ENOMEM;
  for (uint32_t j = 0; j < n; j++)
    d->next[j] = SLP__NEVER;
  return 0;
}

void slp__drive_attach(slp__drive *d, uint32_t j, const slp__input *in,
                       uint32_t k, float w, slp_tick delay) {
  slp__drive_src *s = &d->src[j];
  s->rng = in->rng[k];
  s->w = w;
  s->delay = delay;
  if (in->grid > 1) { /* drawn by steps: where the source's steps are */
    d->in = in;
    d->grid = in->grid;
    d->next[j] = in->next_t[k];
    return;
  }
  /* A silent source (rate 0) has next_ms INFINITY and is never taken. */
  s->next_ms = in->next_ms[k];
  s->mean_ms = 1.0 / in->rate[k]; /* poisson.c's factor */
  d->next[j] = slp__drive_arrival(s);
}

void slp__drive_free(slp__drive *d) {
  slp__free(d->next);
  slp__free(d->src);
  memset(d, 0, sizeof *d);
}
