/*
 * inputs/signed_poisson.c -- Norse's signed_poisson_encode in continuous
 * time (reference/models.md section 13).
 *
 * Source k is a Poisson process of rate f_max |x_k| whose every spike
 * multiplies the synaptic weights it crosses by sign(x_k), through the
 * spike's scale (the per-event weight factor spike_array uses too).  The
 * intervals are exact exponential draws as in poisson.c, from the same kind
 * of stream: (seed, SLP__RNG_SPIKES, global node id).  The pattern is
 * repeated here rather than shared so that poisson.c stays as it is.
 */
#include "config.h"

#include <math.h>

#include "sleipnir/network.h"
#include "core/alloc.h"
#include "inputs/inputs.h"

/* Add an exponential interval to source k's clock (rate in 1/ms). */
static void draw_next(slp__input *in, uint32_t k) {
  if (in->rate[k] > 0)
    in->next_ms[k] += slp__rng_exponential(&in->rng[k]) / in->rate[k];
  else
    in->next_ms[k] = INFINITY;
}

int slp__signed_poisson_create(slp__input *in, const slp__group *g,
                               uint64_t seed, slp_tick t0) {
  size_t n = in->n;
  in->rate = slp__malloc(n * sizeof *in->rate);
  in->next_ms = slp__malloc(n * sizeof *in->next_ms);
  in->rng = slp__malloc(n * sizeof *in->rng);
  in->sign = slp__malloc(n * sizeof *in->sign);
  if (!in->rate || !in->next_ms || !in->rng || !in->sign)
    return SLP_ENOMEM;
  for (uint32_t k = 0; k < in->n; k++) {
    in->rate[k] = g->rates[k] * 1e-3; /* per ms */
    in->sign[k] = g->signs[k];
    slp__rng_init(&in->rng[k], seed, SLP__RNG_SPIKES, (uint64_t)in->node0 + k,
                  0);
    in->next_ms[k] = (double)t0 * SLP__MS_PER_TICK;
    draw_next(in, k);
  }
  return 0;
}

int slp__signed_poisson_emit(slp__input *in, slp_tick t0, slp_tick t1,
                             slp__spikebuf *out) {
  (void)t0; /* spikes before t0 were emitted by earlier windows */
  /* A spike at time x (ms) goes out at tick ceil(x / tick), on the grid. */
  double end_ms = (double)t1 * SLP__MS_PER_TICK;
  for (uint32_t k = 0; k < in->n; k++) {
    while (in->next_ms[k] < end_ms) {
      slp_tick t = slp__ceil_grid(
          (slp_tick)ceil(in->next_ms[k] / SLP__MS_PER_TICK), in->grid);
      if (t >= t1)
        break;
      if (slp__spikebuf_push(out, t, in->node0 + k, in->sign[k]) != 0)
        return SLP_ENOMEM;
      in->emitted++;
      draw_next(in, k);
    }
  }
  return 0;
}

/* ---------------------------------------------------------------------- */
/* The description (sleipnir/network.h)                                   */
/* ---------------------------------------------------------------------- */

int slp_network_add_signed_poisson(slp_network *net, const char *name,
                                   uint32_t size, const double *values,
                                   size_t n_values, double f_max_hz,
                                   uint32_t *id) {
  if (values == NULL || size == 0 || (n_values != 1 && n_values != size))
    return SLP_EINVAL;
  if (!(f_max_hz >= 0) || !isfinite(f_max_hz))
    return SLP_ERANGE;
  for (size_t k = 0; k < n_values; k++)
    if (!isfinite(values[k]) || !isfinite(f_max_hz * fabs(values[k])))
      return SLP_ERANGE;
  double *rates = slp__malloc((size_t)size * sizeof *rates);
  float *signs = slp__malloc((size_t)size * sizeof *signs);
  if (rates == NULL || signs == NULL) {
    slp__free(rates);
    slp__free(signs);
    return SLP_ENOMEM;
  }
  for (uint32_t k = 0; k < size; k++) {
    double x = values[n_values == 1 ? 0 : k];
    rates[k] = f_max_hz * fabs(x);
    signs[k] = x > 0 ? 1.0f : x < 0 ? -1.0f : 0.0f;
  }
  slp__group *g;
  int rc = slp__network_add_group(net, name, size, SLP__GROUP_SIGNED_POISSON,
                                  &g, id);
  if (rc != 0) {
    slp__free(rates);
    slp__free(signs);
    return rc;
  }
  g->rates = rates;
  g->signs = signs;
  return 0;
}
