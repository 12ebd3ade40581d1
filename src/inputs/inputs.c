/*
 * inputs/inputs.c -- dispatch to the kinds of input group.
 */
#include "config.h"

#include <string.h>

#include "core/alloc.h"
#include "inputs/inputs.h"

int slp__input_create(slp__input *in, const slp__group *g, uint32_t node0,
                      uint64_t seed, slp_tick grid, slp_tick t0) {
  memset(in, 0, sizeof *in);
  in->kind = g->kind;
  in->node0 = node0;
  in->n = g->size;
  in->grid = grid;
  int rc;
  if (g->process != NULL) {
    in->kind = SLP__GROUP_POISSON_PROCESS;
    rc = slp__process_create(in, g, seed, t0);
    if (rc != 0)
      slp__input_destroy(in);
    return rc;
  }
  switch (g->kind) {
  case SLP__GROUP_POISSON:
  case SLP__GROUP_SIGNED_POISSON:
    rc = slp__poisson_create(in, g, seed, t0);
    break;
  case SLP__GROUP_REGULAR:
    rc = slp__regular_create(in, g, seed, t0);
    break;
  default:
    rc = slp__spike_array_create(in, g, t0);
    break;
  }
  if (rc != 0)
    slp__input_destroy(in);
  return rc;
}

void slp__input_destroy(slp__input *in) {
  slp__free(in->rate);
  slp__free(in->next_ms);
  slp__free(in->rng);
  slp__free(in->mu);
  slp__free(in->p0);
  slp__free(in->next_t);
  slp__free(in->cdf);
  slp__free(in->ev_t);
  slp__free(in->ev_src);
  slp__free(in->ev_scale);
  slp__free(in->first_ns);
  slp__free(in->period_ns);
  slp__free(in->index);
  slp__free(in->sign);
  slp__free(in->seg);
  slp__free(in->prob);
  slp__free(in->step);
  memset(in, 0, sizeof *in);
}

int slp__input_emit_range(slp__input *in, slp__poisson_wheel *w, uint32_t lo,
                          uint32_t hi, slp_tick t0, slp_tick t1,
                          slp__spikebuf *out) {
  switch (in->kind) {
  case SLP__GROUP_POISSON:
  case SLP__GROUP_SIGNED_POISSON:
    return slp__poisson_emit(in, w, lo, hi, t0, t1, out);
  case SLP__GROUP_REGULAR:
    return slp__regular_emit(in, lo, hi, t0, t1, out);
  case SLP__GROUP_POISSON_PROCESS:
    return slp__process_emit(in, lo, hi, t0, t1, out);
  default:
    return slp__spike_array_emit(in, t0, t1, out);
  }
}

int slp__input_emit(slp__input *in, slp_tick t0, slp_tick t1,
                    slp__spikebuf *out) {
  size_t before = out->n;
  int rc = slp__input_emit_range(in, NULL, 0, in->n, t0, t1, out);
  in->emitted += out->n - before;
  return rc;
}

int slp__input_copy_signs(slp__input *in, const slp__group *g) {
  if (g->signs == NULL)
    return 0;
  in->sign = slp__malloc(in->n * sizeof *in->sign);
  if (in->sign == NULL)
    return SLP_ENOMEM;
  for (uint32_t k = 0; k < in->n; k++)
    in->sign[k] = g->signs[k];
  return 0;
}
