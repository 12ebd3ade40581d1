/*
 * inputs/signed_poisson.c -- Norse's signed_poisson_encode in continuous
 * time (reference/models.md section 13).
 *
 * Source k is a Poisson process of rate f_max |x_k| whose every spike
 * multiplies the synaptic weights it crosses by sign(x_k), through the
 * spike's scale (the per-event weight factor spike_array uses too).  At run
 * time it is a Poisson input with a sign per source (poisson.c); this file
 * turns the encoded values into rates and signs.
 */
#include "config.h"

#include <math.h>

#include "sleipnir/network.h"
#include "core/alloc.h"
#include "inputs/inputs.h"

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
