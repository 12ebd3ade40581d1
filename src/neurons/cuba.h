/*
 * neurons/cuba.h -- the current-based membrane shared by lif, li and lsnn:
 * its closed-form propagator and the exact threshold-crossing detector.
 *
 * The membrane (reference/models.md §1), in voltage units, u = v - v_leak:
 *
 *   tau_mem du/dt = -u + i_exc + i_inh,        tau_k di_k/dt = -i_k
 *
 * Over s ms without input (Rotter & Diesmann 1999; reference/algorithms.md
 * §2.1):  i_k(s) = i_k E_k,  u(s) = u E_m + sum_k i_k K_k(s),
 * E_m = exp(-s/tau_mem), E_k = exp(-s/tau_k), K_k the current's kernel.
 *
 * The detector finds the first tick at which u exceeds a threshold that is
 * constant (lif) or relaxes exponentially towards a constant (lsnn):
 *
 *   theta(s) = th + cb exp(-s / tau_b)
 *
 * It is tiered (algorithms.md §2.5): a bound that needs no exp says, for most
 * inputs, that no crossing can happen before some tick; only inside the
 * window being processed does a search run: Newton steps from below (never
 * past the first crossing), then bisection guided by rigorous upper bounds of
 * u - theta on an interval, so grazing crossings are never missed.
 *
 * The propagator and the bound run on every synaptic event and are inline;
 * the search is in cuba.c.
 */
#ifndef SLP_NEURONS_CUBA_H
#define SLP_NEURONS_CUBA_H

#include <math.h>
#include <stddef.h>

#include "sleipnir/sim.h"
#include "core/exp_ticks.h"
#include "neurons/pop.h"

/* Receptors of the current-based models: exc, inh. */
#define SLP__CUBA_NREC 2


/* Constants of one population's membrane, derived from its time constants. */
typedef struct slp__cuba {
  double inv_tau_m;                /* 1 / tau_mem, 1/ms */
  double tau_m;                    /* tau_mem, ms */
  double inv_tau[SLP__CUBA_NREC];  /* 1 / tau_k */
  double a[SLP__CUBA_NREC];        /* 1/tau_m - 1/tau_k, from one difference */
  double c[SLP__CUBA_NREC];        /* tau_k / (tau_k - tau_m) = 1/(tau_m a_k) */
  int near_equal[SLP__CUBA_NREC];  /* tau_k within 1 % of tau_m: expm1 form */
  double peak[SLP__CUBA_NREC];     /* time of the maximum of K_k, ms */
  double kappa[SLP__CUBA_NREC];    /* that maximum */
  slp_tick grid;                   /* grid step (grid mode) or 1 */
  size_t n_tab;                    /* grid mode: tables for n < n_tab steps */
  double *tab;                     /* [n][E_m, E_exc, E_inh, K_exc, K_inh] */
  struct slp__exp_ticks *et;       /* exp(-d / tau_x) for tick offsets d:
                                      [0] tau_mem, [1 + k] current k's
                                      (slp__cuba_tabulate), or NULL: exp */
} slp__cuba;

/*
 * Fill c for the given time constants (ms, > 0) and grid step (ticks; > 1
 * tabulates the propagators of whole grid steps).  SLP_ENOMEM on failure,
 * with nothing to free.
 */
int slp__cuba_init(slp__cuba *c, double tau_m, double tau_exc,
                   double tau_inh, slp_tick grid);
/* Free the tables of c (c itself belongs to the caller). */
void slp__cuba_free(slp__cuba *c);

/* Give c tables of its decays over tick offsets (core/exp_ticks.h), which
 * the propagator and the crossing search then use instead of exp: a
 * population's, large enough to pay for them.  SLP_ENOMEM on failure, c
 * unchanged. */
int slp__cuba_tabulate(slp__cuba *c);

/* E_m (x = 0) or E_k (x = 1 + k) over d >= 0 ticks, s = d ms / 1e6. */
static inline double slp__cuba_decay(const slp__cuba *c, int x, slp_tick d,
                                     double s) {
  if (c->et != NULL)
    return slp__exp_ticks_at(&c->et[x], d);
  return exp(-s * (x == 0 ? c->inv_tau_m : c->inv_tau[x - 1]));
}

/*
 * One membrane per neuron when a time constant varies per neuron: tau[] are
 * the indices of the membrane's, the exc and the inh current's time
 * constants among the parameters p (their constants) and init's per-neuron
 * values.  NULL when all three are constant, or (with *nomem set) on
 * allocation failure; free with slp__free.  The membranes have no grid
 * tables -- they would take 40 kB a neuron -- and need no slp__cuba_free: a
 * table's entry is the very expression the propagator evaluates without it,
 * so a neuron propagates as a one-neuron population would.
 */
slp__cuba *slp__cuba_per_neuron(const slp__pop_init *init, const double *p,
                                const int tau[3], uint32_t n, int *nomem);

/* expm1(x) / x, continuous at 0. */
static inline double slp__cuba_phi(double x) {
  return x == 0.0 ? 1.0 : expm1(x) / x;
}

/*
 * The response of u to a unit current on receptor k after s ms, given
 * E_m = exp(-s/tau_m) and E_k = exp(-s/tau_k):
 *   K_k(s) = c_k (E_k - E_m) = (s/tau_m) E_m phi(a_k s).
 * The difference form carries an absolute error of about eps*|c_k|, harmless
 * unless tau_k is close to tau_m; there the expm1 form is used while |a_k s|
 * is small (beyond that E_m is tiny and the difference form is fine again,
 * and it cannot overflow as the expm1 form would for long gaps).
 */
static inline double slp__cuba_kernel(const slp__cuba *c, int k, double s,
                                      double em, double ek) {
  double x = c->a[k] * s;
  if (c->near_equal[k] && fabs(x) < 0.5)
    return s * c->inv_tau_m * em * slp__cuba_phi(x);
  return c->c[k] * (ek - em);
}

/* Propagate (u, i) over d >= 0 ticks without input; whole grid steps come
 * from the tables. */
static inline void slp__cuba_prop(const slp__cuba *c, slp_tick d, double *u,
                                  double *i) {
  if (d == 0)
    return;
  if (c->tab != NULL && d % c->grid == 0 &&
      (uint64_t)(d / c->grid) < c->n_tab) {
    const double *t = &c->tab[(size_t)(d / c->grid) * 5];
    *u = *u * t[0] + i[0] * t[3] + i[1] * t[4];
    i[0] *= t[1];
    i[1] *= t[2];
    return;
  }
  double s = (double)d * SLP__MS_PER_TICK;
  double em = slp__cuba_decay(c, 0, d, s);
  double un = *u * em;
  for (int k = 0; k < SLP__CUBA_NREC; k++) {
    double ek = slp__cuba_decay(c, 1 + k, d, s);
    un += i[k] * slp__cuba_kernel(c, k, s, em, ek);
    i[k] *= ek;
  }
  *u = un;
}

/*
 * How long at least (ms) until u can exceed theta(s) = th + cb e^{-s/tau_b}
 * from state (u, i) with no further input; INFINITY if never.  inv_tau_b is
 * not used when cb == 0 (a constant threshold; this is then exactly the
 * plain LIF bound).
 *
 * T0: each current's contribution i_k K_k(s) has the sign of i_k and at most
 * kappa_k |i_k|, and the leak part lies between u and 0, so
 *   U = max(u, 0) + sum_{i_k > 0} kappa_k i_k
 * bounds u for all s >= 0.  The threshold is never below th when cb >= 0,
 * never below th + cb when cb < 0: with U at or under that, never.  With
 * cb > 0 theta(s) stays above U until s_b = tau_b ln(cb / (U - th)).
 * Linear bound: dropping the inhibitory currents only raises u, and with
 * e^-x >= 1 - x and K_k(s) <= s / tau_m the rest stays below
 *   u + s (max(-u, 0) + sum_{i_k > 0} i_k) / tau_m
 * -- the Newton step from below of NEURON's IntFire4, which never passes the
 * first crossing; a decaying threshold (cb > 0) falls no faster than
 * cb (1 - s/tau_b) does, which adds cb / tau_b to the closing speed.
 */
static inline double slp__cuba_lin_bound(const slp__cuba *c, double u,
                                         const double *i, double th,
                                         double cb, double inv_tau_b) {
  double lo = cb < 0 ? th + cb : th; /* theta's lowest value from here on */
  if (u > th + cb)
    return 0.0;
  double ipos = 0.0, bound = u > 0 ? u : 0.0;
  for (int k = 0; k < SLP__CUBA_NREC; k++)
    if (i[k] > 0) {
      ipos += i[k];
      bound += c->kappa[k] * i[k];
    }
  if (bound <= lo)
    return HUGE_VAL;
  double slope = ((u < 0 ? -u : 0.0) + ipos) * c->inv_tau_m;
  if (cb <= 0) {
    if (!(slope > 0))
      return HUGE_VAL;
    return (lo - u) / slope;
  }
  double s_lin = (th + cb - u) / (slope + cb * inv_tau_b);
  double s_b = bound - th < cb ? log(cb / (bound - th)) / inv_tau_b : 0.0;
  return s_lin > s_b ? s_lin : s_b;
}

/*
 * A second lower bound on the crossing time (ms) for a constant threshold
 * th, tighter than the linear one far below a threshold that the leak
 * alone approaches (tonic drive, v_leak > v_th: th < 0) -- where the linear
 * bound creeps up on the crossing in many short steps.  The envelope
 *   u(s) <= u E_m(s) + B,   B = sum_{i_k > 0} kappa_k i_k,
 * holds for all s >= 0 (T0 above); for u < 0 it rises monotonically to B,
 * so it reaches th no sooner than
 *   s_e = tau_m ln(u / (th - B))   when u < th - B < 0,
 * and never when th - B >= 0.  The logarithm's rounding and the envelope's
 * are far below the margin taken off (a relative 1e-9 and 1 ps, against
 * 1-tick resolution).  0 when it says nothing.
 */
static inline double slp__cuba_exp_bound(const slp__cuba *c, double u,
                                         const double *i, double th) {
  if (!(u < 0))
    return 0.0;
  double d = th;
  for (int k = 0; k < SLP__CUBA_NREC; k++)
    if (i[k] > 0)
      d -= c->kappa[k] * i[k];
  if (d >= 0)
    return HUGE_VAL;
  if (!(u < d))
    return 0.0;
  double s = c->tau_m * log(u / d) * (1.0 - 1e-9) - 1e-9;
  return s > 0 ? s : 0.0;
}

/* s ms after tick t0, rounded down to a tick; NEVER when out of range. */
static inline slp_tick slp__cuba_tick_after(slp_tick t0, double s) {
  /* Once per input: a multiply, and truncation (= floor for d >= 0). */
  double d = s > 0 ? s * SLP__TICKS_PER_MS_F : 0.0;
  if (!(d < 4e18))
    return SLP__NEVER;
  slp_tick n = (slp_tick)d;
  return n >= SLP__NEVER - t0 ? SLP__NEVER : t0 + n;
}

/* A free trajectory: the state at tick ts and the threshold it is held to. */
typedef struct slp__cuba_traj {
  const slp__cuba *c;          /* membrane constants */
  slp_tick ts;                 /* start tick */
  double u0;                   /* u at ts */
  double i0[SLP__CUBA_NREC];   /* currents at ts */
  double th;                   /* threshold: constant part (v_th - v_leak) */
  double cb;                   /* threshold: decaying part at ts (0: none) */
  double inv_tau_b;            /* its decay rate, 1/ms */
} slp__cuba_traj;

/*
 * The first tick in [ta, tb] at which u > theta on the trajectory tr, given
 * that there is none before ta (ta >= tr->ts).  Returns it, or NEVER with
 * *lb set to a tick before which no crossing can happen (> tb, possibly
 * NEVER).
 */
slp_tick slp__cuba_first_crossing(const slp__cuba_traj *tr, slp_tick ta,
                                  slp_tick tb, slp_tick *lb);

#endif /* SLP_NEURONS_CUBA_H */
