/*
 * inputs/lif_encode.c -- Norse's constant-current LIF and latency encoders
 * as exact spike times (reference/models.md section 13).
 *
 * Norse's constant_current_lif_encode(I) repeats lif_current_encoder, the
 * LIF without synaptic current, from v = 0 (not v_leak):
 *     tau_mem dv/dt = v_leak - v + I,   spike when v > v_th, then v = v_reset,
 * so I is in voltage units (v tends to v_inf = v_leak + I, no membrane
 * resistance) and there is no refractory period.  In continuous time
 *     v(t) = v_inf + (v_0 - v_inf) e^{-t / tau_mem},
 * which reaches v_th (when v_inf > v_th) after
 *     tau_mem ln((v_inf - v_0) / (v_inf - v_th)),
 * so the first spike comes at that time from v_0 = v_init and every later one
 * the same formula with v_0 = v_reset after its predecessor: a periodic train.
 * spike_latency_lif_encode keeps the first spike only.  Nothing is stepped;
 * the run time (regular.c) emits first + j * period.
 *
 * In norse mode the train is Norse's instead: Euler steps of dt, a spike of
 * step k at k dt (where the next layer takes it, in the same step), still
 * periodic once v has been reset.
 */
#include "config.h"

#include <math.h>

#include "sleipnir/network.h"
#include "core/alloc.h"
#include "network/network.h"
#include "inputs/inputs.h"

void slp_lif_encoder_params_init(slp_lif_encoder_params *p) {
  /* LIFParameters(): tau_mem_inv = 100 1/s, v_leak = 0, v_th = 1 (a bare
   * number is volts here), v_reset = 0; the encoder starts from v = 0. */
  p->tau_mem = 10.0;
  p->v_leak = 0.0;
  p->v_th = 1000.0;
  p->v_reset = 0.0;
  p->v_init = 0.0;
}

/*
 * Time of the first spike and the period (ms) for input I.  Either is
 * INFINITY when there is none.  The log is taken as log1p of
 * (v_th - v_0) / (v_inf - v_th), the same ratio minus one, which keeps its
 * precision when v_inf is far above threshold (short intervals).
 */
static void lif_times(const slp_lif_encoder_params *p, double I, double *first,
                      double *period) {
  double v_inf = p->v_leak + I;
  *first = HUGE_VAL;
  *period = HUGE_VAL;
  if (p->v_init > p->v_th)
    *first = 0.0; /* starts above threshold: the condition holds at once */
  else if (v_inf > p->v_th)
    *first = p->tau_mem * log1p((p->v_th - p->v_init) / (v_inf - p->v_th));
  if (isfinite(*first) && v_inf > p->v_th)
    *period = p->tau_mem * log1p((p->v_th - p->v_reset) / (v_inf - p->v_th));
}

static int params_valid(const slp_lif_encoder_params *p) {
  return p->tau_mem > 0 && isfinite(p->tau_mem) && isfinite(p->v_leak) &&
         isfinite(p->v_th) && isfinite(p->v_reset) && isfinite(p->v_init) &&
         p->v_reset < p->v_th;
}

int slp_network_add_lif_encoder(slp_network *net, const char *name,
                                uint32_t size, slp_lif_encoding encoding,
                                const double *values, size_t n_values,
                                const slp_lif_encoder_params *p,
                                uint32_t *id) {
  slp_lif_encoder_params defaults;
  if (p == NULL) {
    slp_lif_encoder_params_init(&defaults);
    p = &defaults;
  }
  if (values == NULL || size == 0 || (n_values != 1 && n_values != size) ||
      (encoding != SLP_ENCODE_CONSTANT_CURRENT &&
       encoding != SLP_ENCODE_LATENCY))
    return SLP_EINVAL;
  if (!params_valid(p))
    return SLP_ERANGE;
  for (size_t k = 0; k < n_values; k++)
    if (!isfinite(values[k]) || !isfinite(p->v_leak + values[k]))
      return SLP_ERANGE;
  double *first = slp__malloc((size_t)size * sizeof *first);
  double *period = slp__malloc((size_t)size * sizeof *period);
  if (first == NULL || period == NULL) {
    slp__free(first);
    slp__free(period);
    return SLP_ENOMEM;
  }
  for (uint32_t k = 0; k < size; k++) {
    lif_times(p, values[n_values == 1 ? 0 : k], &first[k], &period[k]);
    if (encoding == SLP_ENCODE_LATENCY)
      period[k] = HUGE_VAL; /* infinite refractoriness after spike 0 */
  }
  slp__group *g;
  int rc = slp__network_add_group(net, name, size, SLP__GROUP_REGULAR, &g, id);
  if (rc != 0) {
    slp__free(first);
    slp__free(period);
    return rc;
  }
  g->first_ms = first;
  g->period_ms = period;
  g->jitter_ms = 0.0;
  g->lif_current = slp__malloc((size_t)size * sizeof *g->lif_current);
  if (g->lif_current == NULL)
    return SLP_ENOMEM; /* the group stays, complete but for norse mode */
  for (uint32_t k = 0; k < size; k++)
    g->lif_current[k] = values[n_values == 1 ? 0 : k];
  g->lif_params = *p;
  g->lif_latency = encoding == SLP_ENCODE_LATENCY;
  return 0;
}

/*
 * Norse's steps of lif_current_encoder from v: v <- v + h ((v_leak - v) + I)
 * (h = dt / tau_mem), in Norse's units (volts); the index of the first step
 * whose v exceeds v_th, or -1 if none within `cap` steps (v_inf <= v_th
 * never gets there; above it, the distance to v_inf shrinks by 1 - h a step,
 * so the cap is only met by a crossing too shallow to matter).
 */
static double euler_first_step(const slp_lif_encoder_params *p, double I,
                               double h, double v) {
  double vl = p->v_leak / 1000.0, vth = p->v_th / 1000.0, x = I / 1000.0;
  if (!(vl + x > vth) && !(v > vth))
    return -1;
  for (long j = 0; j < 100000000L; j++) {
    v = v + h * ((vl - v) + x);
    if (v > vth)
      return (double)j;
  }
  return -1;
}

int slp__lif_encoder_norse(const slp__group *g, double dt_ms, double *first,
                           double *period) {
  const slp_lif_encoder_params *p = &g->lif_params;
  double h = dt_ms / p->tau_mem;
  if (!(h > 0 && h <= 1))
    return SLP_ERANGE;
  for (uint32_t k = 0; k < g->size; k++) {
    double I = g->lif_current[k];
    double j0 = euler_first_step(p, I, h, p->v_init / 1000.0);
    first[k] = j0 < 0 ? (double)INFINITY : j0 * dt_ms;
    /* After a spike v is v_reset; the next step is the first update. */
    double j1 = g->lif_latency || j0 < 0
                    ? -1
                    : euler_first_step(p, I, h, p->v_reset / 1000.0);
    period[k] = j1 < 0 ? (double)INFINITY : (j1 + 1) * dt_ms;
  }
  return 0;
}
