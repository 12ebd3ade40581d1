/*
 * inputs/population.c -- Norse's population_encode feeding Poisson sources
 * (reference/models.md section 13).
 *
 * population_encode(x, out_features, scale=None) with its defaults
 * (kernel gaussian_rbf with sigma 1, distance the squared difference):
 *     scale <- max(x) over the whole input when not given,
 *     c_i    = linspace(0, scale, out_features)_i,
 *     y_ij   = exp(-scale (x_j - c_i)^2 / 2).
 * Norse multiplies the squared distance by the scale (section 19, quirk 9),
 * so the fields narrow as the range widens; that is kept.  Each y_ij times
 * f_max is the rate of one Poisson source (poisson.c), laid out as Norse's
 * output x.shape + (out_features,): source j * fields + i.
 */
#include "config.h"

#include <math.h>

#include "sleipnir/network.h"
#include "core/alloc.h"
#include "network/network.h"

/*
 * Centre i of `fields` spread evenly over [0, scale] (torch.linspace).  Taken
 * as i * (scale / (fields - 1)), the order of operations that reproduces
 * Norse's recorded outputs (population_encode_default_scale.csv) bit for
 * bit.
 */
static double centre(uint32_t i, uint32_t fields, double scale) {
  if (fields == 1)
    return 0.0; /* linspace(0, scale, 1) is [0] */
  return (double)i * (scale / (double)(fields - 1));
}

int slp_network_add_population_encoder(slp_network *net, const char *name,
                                       uint32_t fields, const double *values,
                                       size_t n_values, double scale,
                                       double f_max_hz, uint32_t *id) {
  if (values == NULL || fields == 0 || n_values == 0)
    return SLP_EINVAL;
  if (!(f_max_hz >= 0) || !isfinite(f_max_hz))
    return SLP_ERANGE;
  if (!isnan(scale) && (!(scale > 0) || !isfinite(scale)))
    return SLP_ERANGE;
  if ((uint64_t)n_values * fields > UINT32_MAX - 1 ||
      n_values > UINT32_MAX)
    return SLP_ELIMIT;
  double top = -HUGE_VAL;
  for (size_t j = 0; j < n_values; j++) {
    if (!isfinite(values[j]))
      return SLP_ERANGE;
    top = values[j] > top ? values[j] : top;
  }
  if (isnan(scale))
    scale = top; /* Norse's default, even when it is 0 or negative */
  uint32_t size = (uint32_t)(n_values * fields);
  double *rates = slp__malloc((size_t)size * sizeof *rates);
  if (rates == NULL)
    return SLP_ENOMEM;
  for (size_t j = 0; j < n_values; j++)
    for (uint32_t i = 0; i < fields; i++) {
      double d = values[j] - centre(i, fields, scale);
      /* gaussian_rbf(euclidean_distance(x, c) * scale), sigma 1 */
      double r = f_max_hz * exp(-(d * d * scale) / 2.0);
      if (!isfinite(r)) {
        /* Only a negative default scale widens a field above 1. */
        slp__free(rates);
        return SLP_ERANGE;
      }
      rates[j * fields + i] = r;
    }
  slp__group *g;
  int rc = slp__network_add_group(net, name, size, SLP__GROUP_POISSON, &g, id);
  if (rc != 0) {
    slp__free(rates);
    return rc;
  }
  g->rates = rates;
  return 0;
}
