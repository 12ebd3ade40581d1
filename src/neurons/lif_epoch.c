/*
 * neurons/lif_epoch.c -- the lif model in the epoch form.
 *
 * Between inputs the membrane is a sum of exponentials (cuba.h):
 *
 *   u(t) = (u0 - sum_k c_k i0_k) E_m(s) + sum_k c_k i0_k E_k(s),
 *   i_k(t) = i0_k E_k(s),     E_x(s) = exp(-s / tau_x),  s = t - t0,
 *
 * with c_k = tau_k / (tau_k - tau_m).  Referring every neuron to one epoch t0
 * shared by the population, a neuron is the three coefficients
 *
 *   cm = u0 - sum_k c_k i0_k,    ik[k] = i0_k,
 *
 * and an input w on receptor k at tick t adds w F_k(t) to ik[k] and
 * -c_k w F_m(t) to cm, where F_x(t) = 1 / E_x(t).  The factors depend on the
 * tick only, so all the synapses of a CSR segment (one spike, one tick) share
 * one computation: an input costs a few multiply-adds instead of three exps.
 * The bound of the crossing detector needs u and i at the input tick, which
 * come from the same factors.
 *
 * The factors grow as exp((t - t0) / tau): the epoch moves forward (every
 * neuron's coefficients rescaled once) before they pass exp(EPOCH_SPAN).  A
 * factor exp(x) carries a relative error of about x ulp (x itself is rounded),
 * so keeping x small keeps the propagator as accurate as the per-neuron form's
 * to a few ulp.  The factors come from the membrane's tables of exp over
 * tick offsets (cuba.h, core/exp_ticks.h, within a few parts in 1e15 of
 * exp; populations large enough to pay for them): the wake-up searches
 * alone look at a few hundred thousand ticks a second on CUBA.
 *
 * A refractory neuron is held at v_reset: its currents go on in ik, and its
 * cm is set when the period ends, on the first look at it after that.
 *
 * The form needs c_k finite and moderate: with a tau_k within 1 % of tau_m the
 * per-neuron form (lif.c), which has an expm1 kernel for that case, is used.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "sleipnir/error.h"
#include "neurons/lif.h"

#define NREC SLP__LIF_NREC

/* Move the epoch once factors would reach exp(EPOCH_SPAN). */
#define EPOCH_SPAN 50.0
/* No factor may exceed exp(EPOCH_LIMIT) (doubles overflow past exp(709)). */
#define EPOCH_LIMIT 600.0

int slp__lif_epoch_disabled;

/* A neuron in the epoch form: one cache line, as in the per-neuron form. */
typedef struct ep_neuron {
  double cm;          /* u = cm E_m + sum_k c_k ik[k] E_k (0 while held) */
  double ik[NREC];    /* i_k = ik[k] E_k */
  slp_tick t_ref_end; /* end of the refractory period */
  slp_tick t_check;   /* no crossing happens before this tick */
  slp_tick t_wake;    /* earliest wake-up queued for it, or NEVER */
  uint32_t stamp;     /* serial of the window it was queued to settle in */
  uint32_t held;      /* refractory, cm not yet set (it is at t_ref_end) */
} ep_neuron;

static double tau_min(const slp__cuba *m) {
  double inv = m->inv_tau_m;
  for (int k = 0; k < NREC; k++)
    if (m->inv_tau[k] > inv)
      inv = m->inv_tau[k];
  return 1.0 / inv;
}

int slp__lif_epoch_usable(const slp__lif_consts *c, slp_tick w) {
  /* Per-neuron time constants: no factors the population can share. */
  if (slp__lif_epoch_disabled || c->m_n != NULL)
    return 0;
  for (int k = 0; k < NREC; k++)
    if (c->m.near_equal[k])
      return 0;
  /* Ticks looked at lie within span + window + t_ref of the epoch. */
  double tm = tau_min(&c->m);
  double reach = EPOCH_SPAN * tm +
                 (double)(w + c->t_ref + c->grid) * SLP__MS_PER_TICK;
  return reach <= EPOCH_LIMIT * tm;
}

/* The factors of tick t: E from the membrane's decays (cuba.h: its tables
 * where the population has them, three loads and two multiplies against a
 * call of exp), F = 1 / E. */
static void factors(const slp__lif_consts *c, slp_tick t,
                    slp__lif_factors *f) {
  slp_tick d = t - c->t0;
  double s = (double)d * SLP__MS_PER_TICK;
  f->t = t;
  for (int j = 0; j < 1 + NREC; j++) {
    f->e[j] = slp__cuba_decay(&c->m, j, d, s);
    f->f[j] = 1.0 / f->e[j];
  }
}

/* u and i at the tick of f from coefficients cm and ik (a neuron not held). */
static inline double state_of(const slp__lif_consts *c, double cm,
                              const double *ik, const slp__lif_factors *f,
                              double *i) {
  double u = cm * f->e[0];
  for (int k = 0; k < NREC; k++) {
    i[k] = ik[k] * f->e[1 + k];
    u += c->m.c[k] * i[k];
  }
  return u;
}

/* u and i of a neuron that is not held, at the tick of f. */
static inline double state_at(const slp__lif_consts *c, const ep_neuron *n,
                              const slp__lif_factors *f, double *i) {
  return state_of(c, n->cm, n->ik, f, i);
}

/* t_check from coefficients cm, ik (a neuron not held) at the tick of f,
 * for neuron threshold u_th -- update_check's common case, from values the
 * caller holds in registers.  Reading them back from the record just after
 * storing one of them would cost a failed store-to-load forwarding (the
 * two currents are loaded as one 16-byte vector). */
static inline slp_tick check_from(const slp__lif_consts *c, double cm,
                                  const double *ik, double u_th,
                                  const slp__lif_factors *f) {
  double i[NREC], u = state_of(c, cm, ik, f, i);
  return slp__cuba_tick_after(f->t,
                              slp__cuba_lin_bound(&c->m, u, i, u_th, 0.0, 0.0));
}

/* The cm that puts u at u_reset (neuron j's) at the tick of f. */
static double reset_cm(const slp__lif_consts *c, const ep_neuron *n,
                       uint32_t j, const slp__lif_factors *f) {
  double u = slp__lif_u_reset(c, j);
  for (int k = 0; k < NREC; k++)
    u -= c->m.c[k] * n->ik[k] * f->e[1 + k];
  return u * f->f[0];
}

/* End a refractory period that is over by tick t (f: factors of some tick,
 * used if it is the period's end). */
static void release(const slp__lif_consts *c, ep_neuron *n, uint32_t j,
                    slp_tick t, const slp__lif_factors *f) {
  if (!n->held || n->t_ref_end > t)
    return;
  slp__lif_factors fr;
  if (f == NULL || f->t != n->t_ref_end) {
    factors(c, n->t_ref_end, &fr);
    f = &fr;
  }
  n->cm = reset_cm(c, n, j, f);
  n->held = 0;
}

/*
 * The state from which the free dynamics start, no earlier than tick t: at
 * t, or at the end of the refractory period if the neuron is held past t.  f
 * holds the factors of t, or NULL.  The neuron must be released up to t.
 */
static slp_tick free_start(const slp__lif_consts *c, const ep_neuron *n,
                           uint32_t j, slp_tick t, const slp__lif_factors *f,
                           double *u, double *i) {
  slp__lif_factors fs;
  if (n->held) {
    t = n->t_ref_end;
    f = NULL;
  }
  if (f == NULL || f->t != t) {
    factors(c, t, &fs);
    f = &fs;
  }
  if (n->held) {
    for (int k = 0; k < NREC; k++)
      i[k] = n->ik[k] * f->e[1 + k];
    *u = slp__lif_u_reset(c, j);
  } else {
    *u = state_at(c, n, f, i);
  }
  return t;
}

/* Recompute n->t_check from the state of neuron n (index j, threshold
 * u_th) at tick t (f: the factors of t, or NULL).  Inline for the common
 * case of an input at f's tick. */
static inline void update_check(const slp__lif_consts *c, ep_neuron *n,
                                uint32_t j, double u_th, slp_tick t,
                                const slp__lif_factors *f) {
  double u, i[NREC];
  slp_tick ts = t;
  if (!n->held && f != NULL && f->t == t)
    u = state_at(c, n, f, i);
  else
    ts = free_start(c, n, j, t, f, &u, i);
  n->t_check = slp__cuba_tick_after(
      ts, slp__cuba_lin_bound(&c->m, u, i, u_th, 0.0, 0.0));
}

/* The first tick in [ta, tb] at which u > u_th, given that there is none
 * before ta (cuba.h). */
static slp_tick first_crossing(const slp__lif_consts *c, ep_neuron *n,
                               uint32_t j, slp_tick ta, slp_tick tb,
                               slp_tick *lb) {
  release(c, n, j, ta, NULL);
  slp__cuba_traj tr;
  tr.c = &c->m;
  tr.ts = free_start(c, n, j, ta, NULL, &tr.u0, tr.i0);
  tr.th = slp__lif_u_th(c, j);
  tr.cb = 0.0;
  tr.inv_tau_b = 0.0;
  return slp__cuba_first_crossing(&tr, ta, tb, lb);
}

/* Fire neuron n (index j) at tick t. */
static void fire(slp__pop *pop, slp__window *win, ep_neuron *n, uint32_t j,
                 slp_tick t) {
  const slp__lif_consts *c = pop->consts;
  slp__pop_emit(pop, win, j, t);
  slp_tick t_ref = slp__lif_t_ref(c, j);
  n->t_ref_end = t + t_ref;
  if (t_ref > 0) {
    n->held = 1;
    n->cm = 0.0;
    update_check(c, n, j, slp__lif_u_th(c, j), t, NULL);
    return;
  }
  slp__lif_factors f;
  factors(c, t, &f);
  n->cm = reset_cm(c, n, j, &f);
  if (c->spike_jump != 0) {
    /* ada_lif: current 1 (-b) steps down at the spike; cm follows so that
     * v stays at v_reset at t. */
    double jump = slp__lif_jump(c, j);
    n->ik[1] += jump * f.f[2];
    n->cm -= c->m.c[1] * jump * f.f[0];
  }
  update_check(c, n, j, slp__lif_u_th(c, j), t, &f);
}

/* Fire every crossing at or before tick tb, in order; leave t_check at the
 * next possible one. */
static void fire_through(slp__pop *pop, slp__window *win, ep_neuron *n,
                         uint32_t j, slp_tick tb) {
  const slp__lif_consts *c = pop->consts;
  while (n->t_check <= tb) {
    slp_tick lb, tc = first_crossing(c, n, j, n->t_check, tb, &lb);
    if (tc == SLP__NEVER) {
      n->t_check = lb;
      return;
    }
    fire(pop, win, n, j, slp__ceil_grid(tc, c->grid));
  }
}

static inline void schedule(slp__pop *pop, slp__window *win, ep_neuron *n) {
  slp__pop_schedule(pop, win, (uint32_t)(n - (ep_neuron *)pop->state),
                    n->t_check, &n->t_wake, &n->stamp);
}

/* Move the epoch to the window's start if the window would reach past the
 * span: every coefficient is rescaled by the decay from the old epoch. */
static void keep_epoch(slp__pop *pop, const slp__window *win) {
  slp__lif_consts *c = pop->consts;
  if (win->t1 - c->t0 <= c->span)
    return;
  slp__lif_factors g;
  factors(c, win->t0, &g);
  ep_neuron *st = pop->state;
  for (uint32_t j = 0; j < pop->n; j++) {
    st[j].cm *= g.e[0];
    for (int k = 0; k < NREC; k++)
      st[j].ik[k] *= g.e[1 + k];
  }
  c->t0 = win->t0;
  c->at.t = -1;
}

int slp__lif_epoch_enter(slp__pop *pop, slp_tick t0) {
  slp__lif_consts *c = pop->consts;
  const slp__lif_neuron *old = pop->state;
  ep_neuron *st = slp__malloc((size_t)pop->n * sizeof *st);
  if (st == NULL)
    return SLP_ENOMEM;
  for (uint32_t j = 0; j < pop->n; j++) {
    const slp__lif_neuron *o = &old[j];
    ep_neuron *n = &st[j];
    memset(n, 0, sizeof *n);
    /* At the epoch every factor is 1: cm = u - sum_k c_k i_k. */
    n->cm = o->u;
    for (int k = 0; k < NREC; k++) {
      n->ik[k] = o->i[k];
      n->cm -= c->m.c[k] * o->i[k];
    }
    n->t_ref_end = o->t_ref_end;
    n->held = o->t_ref_end > t0;
    if (n->held)
      n->cm = 0.0;
    n->t_check = o->t_check;
    n->t_wake = o->t_wake;
    n->stamp = o->stamp;
  }
  slp__free(pop->state);
  pop->state = st;
  pop->state_bytes = (size_t)pop->n * sizeof *st;
  c->epoch = 1;
  c->t0 = t0;
  c->span = (slp_tick)(EPOCH_SPAN * tau_min(&c->m) / SLP__MS_PER_TICK);
  c->at.t = -1;
  return 0;
}

/* --- The model operations. ------------------------------------------------ */

void slp__lif_epoch_prime(slp__pop *pop, slp__window *win) {
  ep_neuron *st = pop->state;
  for (uint32_t j = 0; j < pop->n; j++)
    schedule(pop, win, &st[j]);
}

void slp__lif_epoch_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                            unsigned r, const uint32_t *tgt, const float *w,
                            size_t count, double scale) {
  slp__lif_consts *c = pop->consts;
  ep_neuron *st = pop->state;
  keep_epoch(pop, win);
  if (c->at.t != t)
    factors(c, t, &c->at);
  const slp__lif_factors *f = &c->at;
  unsigned cur = c->slot[r]; /* the current the receptor feeds */
  double fk = f->f[1 + cur], fm = c->m.c[cur] * f->f[0];
  /* The threshold: one for all, or each neuron's (read once here, so that
   * the loop keeps them in registers). */
  const double *u_th_n = c->u_th_n, u_th = c->u_th;
  for (size_t k = 0; k < count; k++) {
    /* Targets are known ahead: ask for their records early, so that a
     * population larger than the cache does not wait on each one. */
    if (k + SLP__PREFETCH_AHEAD < count)
      __builtin_prefetch(&st[tgt[k + SLP__PREFETCH_AHEAD]], 1);
    ep_neuron *n = &st[tgt[k]];
    /* Crossings up to the input's tick come first: the neuron fires before
     * the input is applied when the crossing tick is <= the input tick. */
    if (n->t_check <= t)
      fire_through(pop, win, n, tgt[k], t);
    if (n->held) /* rare: refractory neurons only */
      release(c, n, tgt[k], t, f);
    double x = (double)w[k] * scale;
    double ik[NREC];
    for (int q = 0; q < NREC; q++)
      ik[q] = n->ik[q];
    ik[cur] += x * fk;
    n->ik[cur] = ik[cur];
    double cm = n->cm;
    if (!n->held)
      n->cm = cm -= x * fm;
    /* An input that lowers the trajectory everywhere (x <= 0: its kernel
     * is >= 0) leaves t_check a valid bound and the neuron's schedule as it
     * was; only a raise needs a new bound. */
    if (x > 0) {
      double th = u_th_n ? u_th_n[tgt[k]] : u_th;
      if (n->held)
        update_check(c, n, tgt[k], th, t, f);
      else
        n->t_check = check_from(c, cm, ik, th, f);
      schedule(pop, win, n);
    }
  }
}

void slp__lif_epoch_settle(slp__pop *pop, slp__window *win,
                           const uint32_t *idx, size_t count) {
  const slp__lif_consts *c = pop->consts;
  ep_neuron *st = pop->state;
  keep_epoch(pop, win);
  slp_tick last = win->t1 - c->grid; /* latest crossing emitted this window */
  for (size_t k = 0; k < count; k++) {
    ep_neuron *n = &st[idx[k]];
    fire_through(pop, win, n, idx[k], last);
    n->stamp = win->serial;
    schedule(pop, win, n);
  }
}

void slp__lif_epoch_wake(slp__pop *pop, slp__window *win, uint32_t i) {
  ep_neuron *n = &((ep_neuron *)pop->state)[i];
  slp__pop_wake_due(pop, win, i, &n->t_wake, &n->stamp);
}

double slp__lif_epoch_get(const slp__pop *pop, uint32_t i, int var,
                          slp_tick t) {
  const slp__lif_consts *c = pop->consts;
  ep_neuron n = ((const ep_neuron *)pop->state)[i];
  release(c, &n, i, t, NULL);
  slp__lif_factors f;
  factors(c, t, &f);
  double u, cur[NREC];
  if (n.held) {
    u = slp__lif_u_reset(c, i);
    for (int k = 0; k < NREC; k++)
      cur[k] = n.ik[k] * f.e[1 + k];
  } else {
    u = state_at(c, &n, &f, cur);
  }
  switch (var) {
  case 0:
    return u + slp__lif_v_leak(c, i);
  case 1:
    return cur[0];
  case 2: /* ada_lif: b, kept as -b */
    return c->ada ? -cur[1] : cur[1];
  default:
    return (double)NAN;
  }
}
