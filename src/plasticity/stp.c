/*
 * plasticity/stp.c -- Tsodyks-Markram short-term plasticity, exact per
 * spike (see stp.h).
 *
 * Between spikes (models.md 15, "exact per event"):
 *   u(t) = u0 e^{-dt/tau_f},   x(t) = 1 - (1 - x0) e^{-dt/tau_d};
 * at a spike: u+ = u- + U (1 - u-), r = u+ x-, x+ = x- - r.
 * For a regular train of period h this converges to
 *   u+ = U / (1 - (1 - U) e^{-h/tau_f}),
 *   x- = (1 - e^{-h/tau_d}) / (1 - (1 - u+) e^{-h/tau_d}),
 * the steady state tests/test_plasticity.c checks.  Times are delivery
 * ticks: all spikes of one segment share its delay, so their differences are
 * those of the emission times.
 */
#include "config.h"

#include <math.h>

#include "plasticity/stp.h"

double slp__stp_spike(const slp_stp_params *p, slp__stp_seg *g, slp_tick t) {
  double u = g->u, x = g->x;
  if (g->t_last != INT64_MIN) {
    double dt_ms = (double)(t - g->t_last) / (double)SLP_TICKS_PER_MS;
    /* tau_f = 0: u has relaxed to 0 by any later spike (dt > 0). */
    u *= p->tau_f_ms > 0 ? exp(-dt_ms / p->tau_f_ms) : (dt_ms > 0 ? 0.0 : 1.0);
    x = 1.0 - (1.0 - x) * exp(-dt_ms / p->tau_d_ms);
  }
  u += p->U * (1.0 - u);
  double r = u * x;
  g->u = u;
  g->x = x - r;
  g->t_last = t;
  return r;
}

/*
 * Norse's stp_step (models.md §15) per event.  The state is kept as it is at
 * the end of the last spike's step; the n spike-free steps since decay it as
 * Norse's steps do, u <- (1 - h_f) u, x <- x + h_d (1 - x), so n at once:
 *   u (1 - h_f)^n,   1 - (1 - x)(1 - h_d)^n,
 * and the spike's own step takes Norse's order, from its start values:
 *   u' = u - h_f u + U (1 - u),  x' = x + h_d (1 - x) - u' x,  out = u' x.
 */
double slp__stp_spike_norse(const slp_stp_params *p, slp__stp_seg *g,
                            slp_tick t, slp_tick dt) {
  double hf = p->tau_f_ms > 0 ? (double)dt / SLP_TICKS_PER_MS / p->tau_f_ms
                              : 1.0;
  double hd = (double)dt / SLP_TICKS_PER_MS / p->tau_d_ms;
  slp_tick k = t / dt; /* the step the spike arrives in */
  double u = g->u, x = g->x;
  /* Steps passed since the last spike's (all of them before the first). */
  double n = g->t_last == INT64_MIN ? (double)k
                                    : (double)(k - g->t_last / dt - 1);
  if (n > 0) {
    u *= pow(1.0 - hf, n);
    x = 1.0 - (1.0 - x) * pow(1.0 - hd, n);
  }
  double up = (u - hf * u) + p->U * (1.0 - u);
  double out = up * x;
  g->u = up;
  g->x = (x + hd * (1.0 - x)) - out;
  g->t_last = t;
  return out;
}
