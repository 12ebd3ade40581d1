/*
 * neurons/cuba.c -- the current-based membrane's constants and the exact
 * search for threshold crossings (see cuba.h for the model and the tiers).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "sleipnir/error.h"
#include "neurons/cuba.h"

/* The kernel's maximum: at s* = tau_m tau_k ln(tau_k/tau_m)/(tau_k - tau_m)
 * (s* = tau when they are equal). */
static void kernel_peak(slp__cuba *c, int k) {
  double tm = c->tau_m, tk = 1.0 / c->inv_tau[k];
  double s = c->near_equal[k] ? tm * tk * log1p((tk - tm) / tm) / (tk - tm)
                              : tm * tk * log(tk / tm) / (tk - tm);
  if (tk == tm)
    s = tm;
  c->peak[k] = s;
  c->kappa[k] = slp__cuba_kernel(c, k, s, exp(-s / tm), exp(-s / tk));
}

int slp__cuba_init(slp__cuba *c, double tau_m, double tau_exc,
                   double tau_inh, slp_tick grid) {
  memset(c, 0, sizeof *c);
  c->tau_m = tau_m;
  c->inv_tau_m = 1.0 / tau_m;
  const double tk[SLP__CUBA_NREC] = {tau_exc, tau_inh};
  for (int k = 0; k < SLP__CUBA_NREC; k++) {
    double diff = tk[k] - tau_m; /* a_k and c_k from the same difference */
    c->inv_tau[k] = 1.0 / tk[k];
    c->a[k] = diff / (tau_m * tk[k]);
    c->near_equal[k] = fabs(diff) < 0.01 * tk[k];
    c->c[k] = c->near_equal[k] ? 0.0 : tk[k] / diff;
    kernel_peak(c, k);
  }
  c->grid = grid;
  if (grid > 1) {
    /* Grid mode: propagators for gaps of n steps, n < n_tab. */
    c->n_tab = 1024;
    c->tab = slp__malloc(c->n_tab * 5 * sizeof *c->tab);
    if (c->tab == NULL)
      return SLP_ENOMEM;
    for (size_t n = 0; n < c->n_tab; n++) {
      double s = (double)n * (double)grid * SLP__MS_PER_TICK;
      double *t = &c->tab[n * 5];
      t[0] = exp(-s * c->inv_tau_m);
      for (int k = 0; k < SLP__CUBA_NREC; k++) {
        t[1 + k] = exp(-s * c->inv_tau[k]);
        t[3 + k] = slp__cuba_kernel(c, k, s, t[0], t[1 + k]);
      }
    }
  }
  return 0;
}

void slp__cuba_free(slp__cuba *c) {
  slp__free(c->tab);
  c->tab = NULL;
  slp__free(c->et);
  c->et = NULL;
}

int slp__cuba_tabulate(slp__cuba *c) {
  struct slp__exp_ticks *et = slp__malloc((1 + SLP__CUBA_NREC) * sizeof *et);
  if (et == NULL)
    return SLP_ENOMEM;
  slp__exp_ticks_init(&et[0], -SLP__MS_PER_TICK * c->inv_tau_m);
  for (int k = 0; k < SLP__CUBA_NREC; k++)
    slp__exp_ticks_init(&et[1 + k], -SLP__MS_PER_TICK * c->inv_tau[k]);
  c->et = et;
  return 0;
}

slp__cuba *slp__cuba_per_neuron(const slp__pop_init *init, const double *p,
                                const int tau[3], uint32_t n, int *nomem) {
  const double *const *pv = init->param_values;
  if (pv[tau[0]] == NULL && pv[tau[1]] == NULL && pv[tau[2]] == NULL)
    return NULL;
  slp__cuba *m = slp__malloc((size_t)n * sizeof *m);
  if (m == NULL) {
    *nomem = 1;
    return NULL;
  }
  for (uint32_t j = 0; j < n; j++) {
    double t[3];
    for (int k = 0; k < 3; k++)
      t[k] = pv[tau[k]] ? pv[tau[k]][j] : p[tau[k]];
    slp__cuba_init(&m[j], t[0], t[1], t[2], 1); /* grid 1: cannot fail */
  }
  return m;
}

/* --- Exact search: the first tick at which u > theta. --------------------- */

/* Values at one point of the trajectory. */
typedef struct point {
  double em;                  /* exp(-s / tau_m) */
  double ek[SLP__CUBA_NREC];  /* exp(-s / tau_k) */
  double kk[SLP__CUBA_NREC];  /* K_k(s) */
  double eb;                  /* exp(-s / tau_b), 1 without a decaying part */
  double u;                   /* u(s) */
  double th;                  /* theta(s) */
} point;

static void eval(const slp__cuba_traj *tr, slp_tick t, point *p) {
  const slp__cuba *c = tr->c;
  if (t == tr->ts) {
    /* The start, where every search begins: exp(0) = 1 and K_k(0) = 0
     * exactly, without five calls. */
    p->em = 1.0;
    p->u = tr->u0;
    for (int k = 0; k < SLP__CUBA_NREC; k++) {
      p->ek[k] = 1.0;
      p->kk[k] = 0.0;
    }
    p->eb = 1.0;
    p->th = tr->th + tr->cb;
    return;
  }
  slp_tick d = t - tr->ts;
  double s = (double)d * SLP__MS_PER_TICK;
  p->em = slp__cuba_decay(c, 0, d, s);
  p->u = tr->u0 * p->em;
  for (int k = 0; k < SLP__CUBA_NREC; k++) {
    p->ek[k] = slp__cuba_decay(c, 1 + k, d, s);
    p->kk[k] = slp__cuba_kernel(c, k, s, p->em, p->ek[k]);
    p->u += tr->i0[k] * p->kk[k];
  }
  if (tr->cb != 0.0) {
    p->eb = exp(-s * tr->inv_tau_b);
    p->th = tr->th + tr->cb * p->eb;
  } else {
    p->eb = 1.0;
    p->th = tr->th;
  }
}

/*
 * An upper bound of u - theta on [ta, tb]: every term of u(s) = u0 E_m +
 * sum i_k K_k is monotone (E_m) or unimodal with its peak at `peak` (K_k), so
 * its largest value on an interval is at an end or at the peak; theta is
 * monotone, so its smallest value is at an end.
 */
static double upper_bound(const slp__cuba_traj *tr, slp_tick ta,
                          const point *pa, slp_tick tb, const point *pb) {
  const slp__cuba *c = tr->c;
  double b = tr->u0 > 0 ? tr->u0 * pa->em : tr->u0 * pb->em;
  double sa = (double)(ta - tr->ts) * SLP__MS_PER_TICK;
  double sb = (double)(tb - tr->ts) * SLP__MS_PER_TICK;
  for (int k = 0; k < SLP__CUBA_NREC; k++) {
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
  return b - (pa->th < pb->th ? pa->th : pb->th);
}

/*
 * Is u - theta strictly increasing on [ta, tb]?  u' is a sum of three
 * exponentials E_m, E_exc, E_inh with constant coefficients and -theta' =
 * (cb / tau_b) E_b; each term is monotone, so the smaller end value of each
 * bounds it from below.  Not used when a tau_k is close to tau_m (the
 * coefficients would be huge and cancel).
 */
static int increasing(const slp__cuba_traj *tr, const point *pa,
                      const point *pb) {
  const slp__cuba *c = tr->c;
  double am = -tr->u0;
  for (int k = 0; k < SLP__CUBA_NREC; k++) {
    if (c->near_equal[k])
      return 0;
    am += tr->i0[k] * c->c[k];
  }
  am *= c->inv_tau_m;
  double lo = fmin(am * pa->em, am * pb->em);
  for (int k = 0; k < SLP__CUBA_NREC; k++) {
    double ak = -tr->i0[k] * c->c[k] * c->inv_tau[k];
    lo += fmin(ak * pa->ek[k], ak * pb->ek[k]);
  }
  if (tr->cb != 0.0) {
    double ab = tr->cb * tr->inv_tau_b;
    lo += fmin(ab * pa->eb, ab * pb->eb);
  }
  return lo > 0;
}

/*
 * The first tick in [ta, tb] at which g = u - theta > 0, where g is
 * increasing on [ta, tb], g(ta) <= 0 < g(tb): bisection on ticks with secant
 * guesses.
 */
static slp_tick solve_increasing(const slp__cuba_traj *tr, slp_tick ta,
                                 double ga, slp_tick tb, double gb) {
  int side = 0;
  while (tb - ta > 1) {
    /* Illinois-modified regula falsi keeps the guesses moving on both ends. */
    double f = -ga / (gb - ga);
    slp_tick m = ta + (slp_tick)((double)(tb - ta) * f);
    if (m <= ta)
      m = ta + 1;
    if (m >= tb)
      m = tb - 1;
    point pm;
    eval(tr, m, &pm);
    double gm = pm.u - pm.th;
    if (pm.u > pm.th) {
      tb = m;
      gb = gm;
      if (side == -1)
        ga *= 0.5;
      side = -1;
    } else {
      ta = m;
      ga = gm;
      if (side == 1)
        gb *= 0.5;
      side = 1;
    }
  }
  return tb;
}

/*
 * Depth-first search for the first tick in [ta, tb] with u > theta, knowing
 * there is none before ta.  Intervals whose upper bound stays at or below
 * threshold are discarded whole; a single-tick interval is decided by its
 * ends (an excursion above threshold shorter than 1 ns between two ticks is
 * below the time resolution).
 */
static slp_tick search(const slp__cuba_traj *tr, slp_tick ta, const point *pa,
                       slp_tick tb, const point *pb, int depth) {
  if (pa->u > pa->th)
    return ta;
  if (tb - ta <= 1)
    return pb->u > pb->th ? tb : SLP__NEVER;
  if (upper_bound(tr, ta, pa, tb, pb) <= 0)
    return SLP__NEVER;
  if (pb->u > pb->th && increasing(tr, pa, pb))
    return solve_increasing(tr, ta, pa->u - pa->th, tb, pb->u - pb->th);
  if (depth > 80)
    return pb->u > pb->th ? tb : SLP__NEVER; /* cannot happen: 2^80 ticks */
  slp_tick m = ta + (tb - ta) / 2;
  point pm;
  eval(tr, m, &pm);
  slp_tick r = search(tr, ta, pa, m, &pm, depth + 1);
  if (r != SLP__NEVER)
    return r;
  return search(tr, m, &pm, tb, pb, depth + 1);
}

slp_tick slp__cuba_first_crossing(const slp__cuba_traj *tr, slp_tick ta,
                                  slp_tick tb, slp_tick *lb) {
  const slp__cuba *c = tr->c;
  if (ta < tr->ts)
    ta = tr->ts;
  *lb = SLP__NEVER;
  if (ta > tb) {
    *lb = ta;
    return SLP__NEVER;
  }
  /* Newton steps from below: cheap and safe, they usually show that the
   * crossing (if any) is beyond tb. */
  point p;
  eval(tr, ta, &p);
  for (int iter = 0; iter < 4; iter++) {
    if (p.u > p.th)
      return ta;
    double i[SLP__CUBA_NREC] = {tr->i0[0] * p.ek[0], tr->i0[1] * p.ek[1]};
    slp_tick next = slp__cuba_tick_after(
        ta, slp__cuba_lin_bound(c, p.u, i, tr->th, tr->cb * p.eb,
                                tr->inv_tau_b));
    if (next > tb) {
      /* A constant threshold: the envelope bound may see further. */
      if (tr->cb == 0.0) {
        slp_tick far = slp__cuba_tick_after(
            ta, slp__cuba_exp_bound(c, p.u, i, tr->th));
        if (far > next)
          next = far;
      }
      *lb = next;
      return SLP__NEVER;
    }
    if (next == ta)
      break;
    ta = next;
    eval(tr, ta, &p);
  }
  point pb;
  eval(tr, tb, &pb);
  slp_tick r = search(tr, ta, &p, tb, &pb, 0);
  if (r == SLP__NEVER)
    *lb = tb + 1;
  return r;
}
