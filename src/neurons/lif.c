/*
 * neurons/lif.c -- current-based LIF with exponential synaptic currents.
 *
 * The model (Norse's LIF, reference/models.md §1-2), in voltage units:
 *
 *   tau_mem du/dt = -u + i_exc + i_inh          u = v - v_leak
 *   tau_k  di_k/dt = -i_k                        k in {exc, inh}
 *   input of weight w on receptor k:  i_k += w
 *   spike when v > v_th (strict); then v = v_reset, clamped for t_ref while
 *   the currents go on decaying and receiving input.
 *
 * Between inputs the state is propagated in closed form (Rotter & Diesmann
 * 1999; the robust forms of reference/algorithms.md §2.1).  Threshold
 * crossings *between* inputs are found exactly by a tiered detector
 * (algorithms.md §2.5): a bound that needs no exp decides, for most inputs,
 * that no crossing can happen before some tick t_check; only when t_check
 * falls inside the window being processed does a search run, first Newton
 * steps from below (never past the first crossing), then bisection guided by
 * rigorous upper bounds of v on an interval, so grazing crossings -- v above
 * threshold only briefly between two inputs -- are never missed.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "neurons/model.h"
#include "neurons/pop.h"

enum { P_TAU_MEM, P_TAU_SYN_EXC, P_TAU_SYN_INH, P_V_LEAK, P_V_TH, P_V_RESET,
       P_T_REF, P_COUNT };

/* Defaults are Norse's technical defaults, read as SI (DESIGN.md: a bare
 * number is SI), hence v_th = 1 V = 1000 mV. */
static const slp__var_desc lif_params[P_COUNT] = {
    [P_TAU_MEM] = {"tau_mem", {"tau_m", NULL}, SLP_DIM_TIME, 10.0, -1},
    [P_TAU_SYN_EXC] = {"tau_syn_exc", {"tau_syn_E", NULL}, SLP_DIM_TIME, 5.0,
                       -1},
    [P_TAU_SYN_INH] = {"tau_syn_inh", {"tau_syn_I", NULL}, SLP_DIM_TIME, 5.0,
                       -1},
    [P_V_LEAK] = {"v_leak", {"v_rest", NULL}, SLP_DIM_VOLTAGE, 0.0, -1},
    [P_V_TH] = {"v_th", {"v_thresh", NULL}, SLP_DIM_VOLTAGE, 1000.0, -1},
    [P_V_RESET] = {"v_reset", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1},
    [P_T_REF] = {"t_ref", {"tau_refrac", NULL}, SLP_DIM_TIME, 0.0, -1},
};

enum { S_V, S_I_EXC, S_I_INH, S_COUNT };

static const slp__var_desc lif_state[S_COUNT] = {
    [S_V] = {"v", {NULL}, SLP_DIM_VOLTAGE, 0.0, P_V_LEAK},
    [S_I_EXC] = {"i_exc", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1},
    [S_I_INH] = {"i_inh", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1},
};

#define NREC 2
static const char *const lif_receptors[NREC] = {"exc", "inh"};


/* Per-population constants derived from the parameters. */
typedef struct lif_consts {
  double inv_tau_m;       /* 1 / tau_mem, 1/ms */
  double tau_m;           /* tau_mem, ms */
  double inv_tau[NREC];   /* 1 / tau_k */
  double a[NREC];         /* 1/tau_m - 1/tau_k, from one difference */
  double c[NREC];         /* tau_k / (tau_k - tau_m) = 1 / (tau_m a_k) */
  int near_equal[NREC];   /* tau_k within 1 % of tau_m: expm1 form */
  double peak[NREC];      /* time of the maximum of the kernel K_k, ms */
  double kappa[NREC];     /* that maximum */
  double u_th;            /* v_th - v_leak */
  double u_reset;         /* v_reset - v_leak */
  double v_leak;          /* mV */
  slp_tick t_ref;         /* refractory period, ticks */
  slp_tick grid;          /* grid step (grid mode) or 1 */
  size_t n_tab;           /* grid mode: propagators tabulated for n < n_tab */
  double *tab;            /* [n][E_m, E_exc, E_inh, K_exc, K_inh] at n*grid */
} lif_consts;

/*
 * One neuron: exactly one cache line, because events reach neurons in
 * random order and every field is read or written on each event.
 */
typedef struct lif_neuron {
  double u;          /* v - v_leak at t_last (u_reset while refractory) */
  double i[NREC];    /* receptor currents at t_last, mV */
  slp_tick t_last;   /* the tick the state refers to */
  slp_tick t_ref_end;/* refractory until this tick (<= t_last: not) */
  slp_tick t_check;  /* no crossing happens before this tick */
  slp_tick t_wake;   /* earliest wake-up queued for it, or NEVER */
  uint32_t stamp;    /* serial of the window it was queued to settle in */
  uint32_t pad;      /* keeps the struct 64 bytes */
} lif_neuron;

static size_t lif_param_group(const char *name, size_t *idx, size_t cap) {
  if (strcmp(name, "tau_syn") != 0 || cap < NREC)
    return 0;
  idx[0] = P_TAU_SYN_EXC;
  idx[1] = P_TAU_SYN_INH;
  return NREC;
}

static int lif_check(const double *p, char *why, size_t cap) {
  for (size_t k = 0; k < P_COUNT; k++)
    if (!isfinite(p[k])) {
      snprintf(why, cap, "%s must be finite", lif_params[k].name);
      return SLP_ERANGE;
    }
  const int pos[] = {P_TAU_MEM, P_TAU_SYN_EXC, P_TAU_SYN_INH};
  for (size_t k = 0; k < sizeof pos / sizeof pos[0]; k++)
    if (!(p[pos[k]] > 0)) {
      snprintf(why, cap, "%s must be > 0, not %g ms", lif_params[pos[k]].name,
               p[pos[k]]);
      return SLP_ERANGE;
    }
  if (!(p[P_T_REF] >= 0)) {
    snprintf(why, cap, "t_ref must be >= 0, not %g ms", p[P_T_REF]);
    return SLP_ERANGE;
  }
  if (!(p[P_V_RESET] < p[P_V_TH])) {
    snprintf(why, cap, "v_reset (%g mV) must be below v_th (%g mV)",
             p[P_V_RESET], p[P_V_TH]);
    return SLP_ERANGE;
  }
  return 0;
}

/* expm1(x) / x, continuous at 0. */
static double phi(double x) { return x == 0.0 ? 1.0 : expm1(x) / x; }

/*
 * The response of u to a unit current on receptor k after s ms, given
 * E_m = exp(-s/tau_m) and E_k = exp(-s/tau_k):
 *   K_k(s) = c_k (E_k - E_m) = (s/tau_m) E_m phi(a_k s).
 * The difference form carries an absolute error of about eps*|c_k|, harmless
 * unless tau_k is close to tau_m; there the expm1 form is used while |a_k s|
 * is small (beyond that E_m is tiny and the difference form is fine again,
 * and it cannot overflow as the expm1 form would for long gaps).
 */
static double kernel(const lif_consts *c, int k, double s, double em,
                     double ek) {
  double x = c->a[k] * s;
  if (c->near_equal[k] && fabs(x) < 0.5)
    return s * c->inv_tau_m * em * phi(x);
  return c->c[k] * (ek - em);
}

/* Free (non-refractory) propagation of (u, i) over s ms. */
static void free_prop(const lif_consts *c, double s, double *u, double *i) {
  double em = exp(-s * c->inv_tau_m);
  double un = *u * em;
  for (int k = 0; k < NREC; k++) {
    double ek = exp(-s * c->inv_tau[k]);
    un += i[k] * kernel(c, k, s, em, ek);
    i[k] *= ek;
  }
  *u = un;
}

/* As free_prop, over d ticks, from the grid tables when d is on the grid. */
static void free_prop_ticks(const lif_consts *c, slp_tick d, double *u,
                            double *i) {
  if (d == 0)
    return;
  if (c->tab != NULL && d % c->grid == 0 && (uint64_t)(d / c->grid) < c->n_tab) {
    const double *t = &c->tab[(size_t)(d / c->grid) * 5];
    *u = *u * t[0] + i[0] * t[3] + i[1] * t[4];
    i[0] *= t[1];
    i[1] *= t[2];
    return;
  }
  free_prop(c, (double)d * SLP__MS_PER_TICK, u, i);
}

/* Move neuron n to tick t >= t_last, honouring refractoriness. */
static void advance(const lif_consts *c, lif_neuron *n, slp_tick t) {
  slp_tick d = t - n->t_last;
  if (d <= 0)
    return;
  if (n->t_last < n->t_ref_end) {
    /* v is clamped at v_reset until t_ref_end; currents decay meanwhile. */
    slp_tick dr = (t < n->t_ref_end ? t : n->t_ref_end) - n->t_last;
    double dummy = 0.0;
    free_prop_ticks(c, dr, &dummy, n->i);
    n->u = c->u_reset;
    d -= dr;
  }
  free_prop_ticks(c, d, &n->u, n->i);
  n->t_last = t;
}

/*
 * The state from which the free dynamics start: at t_last, or at the end of
 * the refractory period if the neuron is refractory.
 */
static slp_tick free_start(const lif_consts *c, const lif_neuron *n,
                           double *u, double *i) {
  i[0] = n->i[0];
  i[1] = n->i[1];
  if (n->t_last < n->t_ref_end) {
    double dummy = 0.0;
    free_prop_ticks(c, n->t_ref_end - n->t_last, &dummy, i);
    *u = c->u_reset;
    return n->t_ref_end;
  }
  *u = n->u;
  return n->t_last;
}

/*
 * Tier 0 and the linear bound: how long at least (ms) until u can exceed
 * u_th from state (u, i) with no further input; INFINITY if never.
 *
 * T0: each current's contribution i_k K_k(s) has the sign of i_k and at most
 * kappa_k |i_k|, and the leak part lies between u and 0, so
 * max(u, 0) + sum_{i_k > 0} kappa_k i_k bounds u for all s >= 0.
 * Linear bound: dropping the inhibitory currents only raises u, and with
 * e^-x >= 1 - x and K_k(s) <= s / tau_m the rest stays below
 * u + s (max(-u, 0) + sum_{i_k > 0} i_k) / tau_m -- the Newton step from
 * below of NEURON's IntFire4, which never passes the first crossing.
 */
static double lin_bound(const lif_consts *c, double u, const double *i) {
  if (u > c->u_th)
    return 0.0;
  double ipos = 0.0, bound = u > 0 ? u : 0.0;
  for (int k = 0; k < NREC; k++)
    if (i[k] > 0) {
      ipos += i[k];
      bound += c->kappa[k] * i[k];
    }
  if (bound <= c->u_th)
    return INFINITY;
  double slope = ((u < 0 ? -u : 0.0) + ipos) * c->inv_tau_m;
  if (!(slope > 0))
    return INFINITY;
  return (c->u_th - u) / slope;
}

/* s ms after tick t0, rounded down to a tick; NEVER when out of range. */
static slp_tick tick_after(slp_tick t0, double s) {
  double d = floor(s / SLP__MS_PER_TICK);
  if (!(d < 4e18) || (double)(SLP__NEVER - t0) <= d)
    return SLP__NEVER;
  return t0 + (slp_tick)d;
}

/* Recompute n->t_check from the neuron's state. */
static void update_check(const lif_consts *c, lif_neuron *n) {
  double u, i[NREC];
  slp_tick ts = free_start(c, n, &u, i);
  n->t_check = tick_after(ts, lin_bound(c, u, i));
}

/* --- Exact search: the first tick at which u > u_th. --------------------- */

/* The free trajectory from (u0, i0) at tick ts, evaluated s ms later. */
typedef struct traj {
  const lif_consts *c; /* constants */
  slp_tick ts;         /* start tick */
  double u0;           /* u at ts */
  double i0[NREC];     /* currents at ts */
} traj;

/* Values at one point of the trajectory. */
typedef struct point {
  double em;        /* exp(-s / tau_m) */
  double ek[NREC];  /* exp(-s / tau_k) */
  double kk[NREC];  /* K_k(s) */
  double u;         /* u(s) */
} point;

static void eval(const traj *tr, slp_tick t, point *p) {
  const lif_consts *c = tr->c;
  double s = (double)(t - tr->ts) * SLP__MS_PER_TICK;
  p->em = exp(-s * c->inv_tau_m);
  p->u = tr->u0 * p->em;
  for (int k = 0; k < NREC; k++) {
    p->ek[k] = exp(-s * c->inv_tau[k]);
    p->kk[k] = kernel(c, k, s, p->em, p->ek[k]);
    p->u += tr->i0[k] * p->kk[k];
  }
}

/*
 * An upper bound of u on [ta, tb]: every term of u(s) = u0 E_m + sum i_k K_k
 * is monotone (E_m) or unimodal with its peak at `peak` (K_k), so its largest
 * value on an interval is at an end or at the peak.
 */
static double upper_bound(const traj *tr, slp_tick ta, const point *pa,
                          slp_tick tb, const point *pb) {
  const lif_consts *c = tr->c;
  double b = tr->u0 > 0 ? tr->u0 * pa->em : tr->u0 * pb->em;
  double sa = (double)(ta - tr->ts) * SLP__MS_PER_TICK;
  double sb = (double)(tb - tr->ts) * SLP__MS_PER_TICK;
  for (int k = 0; k < NREC; k++) {
    double ik = tr->i0[k];
    if (ik > 0) {
      double kmax;
      if (c->peak[k] <= sa)
        kmax = pa->kk[k];
      else if (c->peak[k] >= sb)
        kmax = pb->kk[k];
      else
        kmax = c->kappa[k];
      b += ik * kmax;
    } else {
      b += ik * (pa->kk[k] < pb->kk[k] ? pa->kk[k] : pb->kk[k]);
    }
  }
  return b;
}

/*
 * Is u strictly increasing on [ta, tb]?  u' is a sum of three exponentials
 * E_m, E_exc, E_inh with constant coefficients; each term is monotone, so the
 * smaller end value of each bounds it from below.  Not used when a tau_k is
 * close to tau_m (the coefficients would be huge and cancel).
 */
static int increasing(const traj *tr, const point *pa, const point *pb) {
  const lif_consts *c = tr->c;
  double am = -tr->u0;
  for (int k = 0; k < NREC; k++) {
    if (c->near_equal[k])
      return 0;
    am += tr->i0[k] * c->c[k];
  }
  am *= c->inv_tau_m;
  double lo = fmin(am * pa->em, am * pb->em);
  for (int k = 0; k < NREC; k++) {
    double ak = -tr->i0[k] * c->c[k] * c->inv_tau[k];
    lo += fmin(ak * pa->ek[k], ak * pb->ek[k]);
  }
  return lo > 0;
}

/*
 * The first tick in [ta, tb] at which u > u_th, where u is increasing on
 * [ta, tb], u(ta) <= u_th < u(tb): bisection on ticks with secant guesses.
 */
static slp_tick solve_increasing(const traj *tr, slp_tick ta, double ua,
                                 slp_tick tb, double ub) {
  double th = tr->c->u_th;
  int side = 0;
  while (tb - ta > 1) {
    /* Illinois-modified regula falsi keeps the guesses moving on both ends. */
    double f = (th - ua) / (ub - ua);
    slp_tick m = ta + (slp_tick)((double)(tb - ta) * f);
    if (m <= ta)
      m = ta + 1;
    if (m >= tb)
      m = tb - 1;
    point pm;
    eval(tr, m, &pm);
    if (pm.u > th) {
      tb = m;
      ub = pm.u;
      if (side == -1)
        ua = th - (th - ua) * 0.5;
      side = -1;
    } else {
      ta = m;
      ua = pm.u;
      if (side == 1)
        ub = th + (ub - th) * 0.5;
      side = 1;
    }
  }
  return tb;
}

/*
 * Depth-first search for the first tick in [ta, tb] with u > u_th, knowing
 * there is none before ta.  Intervals whose upper bound stays at or below
 * threshold are discarded whole; a single-tick interval is decided by its
 * ends (an excursion above threshold shorter than 1 ns between two ticks is
 * below the time resolution).
 */
static slp_tick search(const traj *tr, slp_tick ta, const point *pa,
                       slp_tick tb, const point *pb, int depth) {
  double th = tr->c->u_th;
  if (pa->u > th)
    return ta;
  if (tb - ta <= 1)
    return pb->u > th ? tb : SLP__NEVER;
  if (upper_bound(tr, ta, pa, tb, pb) <= th)
    return SLP__NEVER;
  if (pb->u > th && increasing(tr, pa, pb))
    return solve_increasing(tr, ta, pa->u, tb, pb->u);
  if (depth > 80)
    return pb->u > th ? tb : SLP__NEVER; /* cannot happen: 2^80 ticks */
  slp_tick m = ta + (tb - ta) / 2;
  point pm;
  eval(tr, m, &pm);
  slp_tick r = search(tr, ta, pa, m, &pm, depth + 1);
  if (r != SLP__NEVER)
    return r;
  return search(tr, m, &pm, tb, pb, depth + 1);
}

/*
 * The first tick in [ta, tb] at which u > u_th, given that there is none
 * before ta (ta >= the free start).  Returns it, or NEVER with *lb set to a
 * tick before which no crossing can happen (> tb, possibly NEVER).
 */
static slp_tick first_crossing(const lif_consts *c, const lif_neuron *n,
                               slp_tick ta, slp_tick tb, slp_tick *lb) {
  traj tr;
  tr.c = c;
  tr.ts = free_start(c, n, &tr.u0, tr.i0);
  if (ta < tr.ts)
    ta = tr.ts;
  *lb = SLP__NEVER;
  if (ta > tb) {
    *lb = ta;
    return SLP__NEVER;
  }
  /* Newton steps from below: cheap and safe, they usually show that the
   * crossing (if any) is beyond tb. */
  point p;
  eval(&tr, ta, &p);
  for (int iter = 0; iter < 4; iter++) {
    if (p.u > c->u_th)
      return ta;
    double i[NREC] = {tr.i0[0] * p.ek[0], tr.i0[1] * p.ek[1]};
    slp_tick next = tick_after(ta, lin_bound(c, p.u, i));
    if (next > tb) {
      *lb = next;
      return SLP__NEVER;
    }
    if (next == ta)
      break;
    ta = next;
    eval(&tr, ta, &p);
  }
  point pb;
  eval(&tr, tb, &pb);
  slp_tick r = search(&tr, ta, &p, tb, &pb, 0);
  if (r == SLP__NEVER)
    *lb = tb + 1;
  return r;
}

/* --- The model operations. ------------------------------------------------ */

static void fire(slp__pop *pop, slp__window *win, lif_neuron *n,
                 slp_tick t) {
  const lif_consts *c = pop->consts;
  advance(c, n, t);
  slp__pop_emit(pop, win, (uint32_t)(n - (lif_neuron *)pop->state), t);
  n->u = c->u_reset;
  n->t_ref_end = t + c->t_ref;
  update_check(c, n);
}

/* Settle n this window or wake it when it may fire (pop.h). */
static void schedule(slp__pop *pop, slp__window *win, lif_neuron *n) {
  slp__pop_schedule(pop, win, (uint32_t)(n - (lif_neuron *)pop->state),
                    n->t_check, &n->t_wake, &n->stamp);
}

static void lif_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                        unsigned r, const uint32_t *tgt, const float *w,
                        size_t count, float scale) {
  const lif_consts *c = pop->consts;
  lif_neuron *state = pop->state;
  for (size_t k = 0; k < count; k++) {
    lif_neuron *n = &state[tgt[k]];
    /* Crossings up to the input's tick come first: the neuron fires before
     * the input is applied when the crossing tick is <= the input tick. */
    while (n->t_check <= t) {
      slp_tick lb, tc = first_crossing(c, n, n->t_check, t, &lb);
      if (tc == SLP__NEVER) {
        n->t_check = lb;
        break;
      }
      fire(pop, win, n, slp__ceil_grid(tc, c->grid));
    }
    advance(c, n, t);
    n->i[r] += (double)(w[k] * scale);
    update_check(c, n);
    schedule(pop, win, n);
  }
}

static void lif_settle(slp__pop *pop, slp__window *win, const uint32_t *idx,
                       size_t count) {
  const lif_consts *c = pop->consts;
  lif_neuron *state = pop->state;
  slp_tick last = win->t1 - c->grid; /* latest crossing emitted this window */
  for (size_t k = 0; k < count; k++) {
    lif_neuron *n = &state[idx[k]];
    while (n->t_check <= last) {
      slp_tick lb, tc = first_crossing(c, n, n->t_check, last, &lb);
      if (tc == SLP__NEVER) {
        n->t_check = lb;
        break;
      }
      fire(pop, win, n, slp__ceil_grid(tc, c->grid));
    }
    n->stamp = win->serial;
    schedule(pop, win, n);
  }
}

static void lif_wake(slp__pop *pop, slp__window *win, uint32_t i,
                     slp_tick t) {
  lif_neuron *n = &((lif_neuron *)pop->state)[i];
  slp__pop_wake_due(pop, win, i, t, &n->t_wake, &n->stamp);
}

/* The kernel's maximum: at s* = tau_m tau_k ln(tau_k/tau_m)/(tau_k - tau_m)
 * (s* = tau when they are equal). */
static void kernel_peak(lif_consts *c, int k) {
  double tm = c->tau_m, tk = 1.0 / c->inv_tau[k];
  double s = c->near_equal[k] ? tm * tk * log1p((tk - tm) / tm) / (tk - tm)
                              : tm * tk * log(tk / tm) / (tk - tm);
  if (tk == tm)
    s = tm;
  c->peak[k] = s;
  c->kappa[k] = kernel(c, k, s, exp(-s / tm), exp(-s / tk));
}

static int lif_create(slp__pop *pop, const slp__pop_init *init) {
  const double *p = pop->params;
  lif_consts *c = slp__calloc(1, sizeof *c);
  if (c == NULL)
    return SLP_ENOMEM;
  c->tau_m = p[P_TAU_MEM];
  c->inv_tau_m = 1.0 / p[P_TAU_MEM];
  const double tk[NREC] = {p[P_TAU_SYN_EXC], p[P_TAU_SYN_INH]};
  for (int k = 0; k < NREC; k++) {
    double diff = tk[k] - c->tau_m; /* a_k and c_k from the same difference */
    c->inv_tau[k] = 1.0 / tk[k];
    c->a[k] = diff / (c->tau_m * tk[k]);
    c->near_equal[k] = fabs(diff) < 0.01 * tk[k];
    c->c[k] = c->near_equal[k] ? 0.0 : tk[k] / diff;
    kernel_peak(c, k);
  }
  c->v_leak = p[P_V_LEAK];
  c->u_th = p[P_V_TH] - p[P_V_LEAK];
  c->u_reset = p[P_V_RESET] - p[P_V_LEAK];
  c->t_ref = (slp_tick)llround(p[P_T_REF] / SLP__MS_PER_TICK);
  c->grid = init->grid;
  if (init->grid > 1) {
    /* Grid mode: propagators for gaps of n steps, n < n_tab. */
    c->n_tab = 1024;
    c->tab = slp__malloc(c->n_tab * 5 * sizeof *c->tab);
    if (c->tab == NULL) {
      slp__free(c);
      return SLP_ENOMEM;
    }
    for (size_t n = 0; n < c->n_tab; n++) {
      double s = (double)n * (double)init->grid * SLP__MS_PER_TICK;
      double *t = &c->tab[n * 5];
      t[0] = exp(-s * c->inv_tau_m);
      for (int k = 0; k < NREC; k++) {
        t[1 + k] = exp(-s * c->inv_tau[k]);
        t[3 + k] = kernel(c, k, s, t[0], t[1 + k]);
      }
    }
  }
  lif_neuron *st = slp__malloc((size_t)pop->n * sizeof *st);
  if (st == NULL) {
    slp__free(c->tab);
    slp__free(c);
    return SLP_ENOMEM;
  }
  for (uint32_t k = 0; k < pop->n; k++) {
    lif_neuron *n = &st[k];
    memset(n, 0, sizeof *n);
    n->u = init->values[S_V][k] - c->v_leak;
    n->i[0] = init->values[S_I_EXC][k];
    n->i[1] = init->values[S_I_INH][k];
    n->t_last = init->t0;
    n->t_ref_end = init->t0;
    n->t_wake = SLP__NEVER;
    n->stamp = UINT32_MAX;
    update_check(c, n);
  }
  pop->consts = c;
  pop->state = st;
  pop->state_bytes = (size_t)pop->n * sizeof *st;
  return 0;
}

static void lif_prime(slp__pop *pop, slp__window *win) {
  lif_neuron *st = pop->state;
  for (uint32_t k = 0; k < pop->n; k++)
    schedule(pop, win, &st[k]);
}

static double lif_get(const slp__pop *pop, uint32_t i, int var, slp_tick t) {
  const lif_consts *c = pop->consts;
  lif_neuron n = ((const lif_neuron *)pop->state)[i];
  advance(c, &n, t);
  switch (var) {
  case S_V:
    return n.u + c->v_leak;
  case S_I_EXC:
    return n.i[0];
  case S_I_INH:
    return n.i[1];
  default:
    return NAN;
  }
}

static void lif_destroy(slp__pop *pop) {
  lif_consts *c = pop->consts;
  if (c != NULL)
    slp__free(c->tab);
  slp__free(c);
  slp__free(pop->state);
  pop->consts = pop->state = NULL;
}

const slp__model slp__model_lif = {
    .name = "lif",
    .params = lif_params,
    .n_params = P_COUNT,
    .state = lif_state,
    .n_state = S_COUNT,
    .receptors = lif_receptors,
    .n_receptors = NREC,
    .param_group = lif_param_group,
    .check = lif_check,
    .create = lif_create,
    .destroy = lif_destroy,
    .prime = lif_prime,
    .deliver = lif_deliver,
    .settle = lif_settle,
    .wake = lif_wake,
    .get = lif_get,
};
