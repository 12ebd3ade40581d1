/*
 * neurons/lif_box_epoch.c -- the lif_box model in the epoch form (exact
 * mode; lif_box.h).
 *
 * Without input u decays as u(t) = u(t') E(t) / E(t'), with
 * E(t) = exp(-(t - t0) / tau_mem) for the population's epoch t0.  A neuron
 * therefore keeps one number, c = u(t) / E(t), which only inputs and spikes
 * change:
 *
 *   input w at tick t:     c += w F(t),          F = 1 / E
 *   the threshold at t:    u(t) = c E(t) > u_th
 *   spike at t, reset:     c = u_reset F(t)      (subtract: c -= v_th F(t))
 *
 * E(t) and F(t) depend on the tick only, so all the synapses of a CSR
 * segment (one spike, one tick) share one exp: a Brunel neuron's thousand
 * recurrent inputs cost a multiply-add each instead of an exp each.  The
 * same-tick rule, refractoriness and tonic crossings are those of the
 * per-neuron form (lif_box.c), step for step.
 *
 * F grows as exp((t - t0) / tau): before a window would reach EPOCH_SPAN
 * time constants past the epoch, the epoch moves to the window's start and
 * every c is rescaled (lif_epoch.c gives the reasoning on accuracy).  A
 * refractory neuron is held: its c is set when the period ends, on the
 * first look at it after that.
 */
#include "config.h"

#include <math.h>

#include "core/alloc.h"
#include "core/compiler.h"
#include "core/exp_ticks.h"
#include "inputs/drive.h"
#include "neurons/lif_box.h"

/* Move the epoch once factors would reach exp(EPOCH_SPAN). */
#define EPOCH_SPAN 50.0
/* No factor may exceed exp(EPOCH_LIMIT) (doubles overflow past exp(709)). */
#define EPOCH_LIMIT 600.0

int slp__box_epoch_disabled;

static slp_tick longest_t_ref(const slp__box_consts *c, uint32_t n) {
  slp_tick t_ref = c->all.t_ref;
  if (c->own != NULL)
    for (uint32_t j = 0; j < n; j++)
      if (c->own[j].t_ref > t_ref)
        t_ref = c->own[j].t_ref;
  return t_ref;
}

/* How far past the epoch a window may end before the epoch moves, for
 * windows of w ticks: EPOCH_SPAN time constants, but never so far that a
 * tick looked at (up to a window and a refractory period further) leaves
 * the factor tables (core/exp_ticks.h).  0: not even one window fits. */
static slp_tick epoch_span(const slp__pop *pop, slp_tick w) {
  const slp__box_consts *c = pop->consts;
  double want = EPOCH_SPAN * c->all.tau_m / SLP__MS_PER_TICK;
  slp_tick room = ((slp_tick)1 << SLP__EXP_TICKS_BITS) - 1 - w -
                  longest_t_ref(c, pop->n);
  slp_tick span = want < (double)room ? (slp_tick)want : room;
  return span >= w ? span : 0;
}

int slp__box_epoch_usable(const slp__pop *pop, slp_tick w) {
  const slp__box_consts *c = pop->consts;
  /* Grid mode sums a step's inputs first (lif_box.c); a per-neuron tau_mem
   * leaves no factor the population shares. */
  if (slp__box_epoch_disabled || c->grid != 1 || c->tau_varies)
    return 0;
  /* Ticks looked at lie within span + window + t_ref of the epoch. */
  double tau = c->all.tau_m;
  double reach = EPOCH_SPAN * tau +
                 (double)(w + longest_t_ref(c, pop->n)) * SLP__MS_PER_TICK;
  return reach <= EPOCH_LIMIT * tau && epoch_span(pop, w) > 0;
}

/* F(t) = exp((t - t0) / tau_mem), from the tables. */
static inline double factor(const slp__box_consts *c, slp_tick t) {
  return slp__exp_ticks_at(c->ft, t - c->t0);
}

/* F(t), keeping the latest tick's: a segment's synapses share it. */
static double factor_at(slp__box_consts *c, slp_tick t) {
  if (c->at_t != t) {
    c->at_t = t;
    c->at_f = factor(c, t);
  }
  return c->at_f;
}

int slp__box_epoch_enter(slp__pop *pop, slp_tick t0, slp_tick w) {
  slp__box_consts *c = pop->consts;
  slp__box_neuron *st = pop->state;
  c->ft = slp__malloc(sizeof *c->ft);
  if (c->ft == NULL)
    return SLP_ENOMEM;
  slp__exp_ticks_init(c->ft, SLP__MS_PER_TICK * c->all.inv_tau_m);
  c->epoch = 1;
  c->t0 = t0;
  c->span = epoch_span(pop, w);
  c->sub_threshold = c->own == NULL && c->all.u_th >= 0;
  c->at_t = -1;
  for (uint32_t j = 0; j < pop->n; j++) {
    slp__box_neuron *n = &st[j];
    n->held = n->t_last < n->t_ref_end;
    if (n->held) {
      n->u = 0.0;
      continue;
    }
    n->u *= factor(c, n->t_last);
  }
  return 0;
}

/* End a refractory period that is over by tick t: c is u_reset at its end. */
static void release(slp__box_consts *c, const slp__box_own *o,
                    slp__box_neuron *n, slp_tick t) {
  if (!n->held || t < n->t_ref_end)
    return;
  n->u = o->u_reset * factor(c, n->t_ref_end);
  n->held = 0;
}

/* t_check from the state at tick t = n->t_last, where F(t) = f and
 * u(t) = c / f (not held).  As the per-neuron form's update_check, with
 * u > u_th taken as c > u_th F(t): no division where the threshold is
 * above the leak, as it is unless the neuron fires tonically. */
static inline void check_at(const slp__box_own *o, slp__box_neuron *n,
                            double f) {
  if (n->held)
    n->t_check = slp__box_free_crossing(o, n->t_ref_end, o->u_reset);
  else if (n->u > o->u_th * f)
    n->t_check = n->t_last; /* a jump carried it over: fires at this tick */
  else if (o->u_th < 0)
    n->t_check = slp__box_free_crossing(o, n->t_last, n->u / f);
  else
    n->t_check = SLP__NEVER; /* relaxes towards v_leak <= v_th */
}

/* Fire neuron n (index j) at tick t. */
static void fire(slp__pop *pop, slp__window *win, slp__box_neuron *n,
                 uint32_t j, slp_tick t) {
  slp__box_consts *c = pop->consts;
  const slp__box_own *o = slp__box_own_of(c, j);
  release(c, o, n, t);
  slp__pop_emit(pop, win, j, t);
  double f = factor_at(c, t);
  if (c->subtract) /* t_ref is 0: never held */
    n->u -= o->v_th * f;
  else if (o->t_ref > 0)
    n->held = 1;
  else
    n->u = o->u_reset * f;
  n->t_last = t;
  n->t_ref_end = t + o->t_ref;
  check_at(o, n, f);
}

static void schedule(slp__pop *pop, slp__window *win, slp__box_neuron *n) {
  slp__pop_schedule(pop, win, (uint32_t)(n - (slp__box_neuron *)pop->state),
                    n->t_check, &n->t_wake, &n->stamp);
}

/* Move the epoch to the window's start if the window would reach past the
 * span: every c is rescaled by the decay from the old epoch. */
static void keep_epoch(slp__pop *pop, const slp__window *win) {
  slp__box_consts *c = pop->consts;
  if (win->t1 - c->t0 <= c->span)
    return;
  double g = 1.0 / factor(c, win->t0);
  slp__box_neuron *st = pop->state;
  for (uint32_t j = 0; j < pop->n; j++)
    if (!st[j].held)
      st[j].u *= g;
  c->t0 = win->t0;
  c->at_t = -1;
}

/* What apply's common case needs, read once per call of a model
 * operation and kept in registers: through the neuron pointers the
 * compiler could not tell that stores to a neuron leave them alone. */
typedef struct fast_case {
  int on;      /* c->sub_threshold */
  double u_th; /* the population's v_th - v_leak */
} fast_case;

static inline fast_case fast_of(const slp__box_consts *c) {
  fast_case k = {c->sub_threshold, c->all.u_th};
  return k;
}

/* An input (or a tick's sum) x at tick t to neuron n (index j), F(t) = f:
 * crossings pending before it fire first, but a jump crossing at this very
 * tick waits for the tick's other inputs.  Returns whether t_check may have
 * moved (0: it stayed NEVER, and so did the neuron's schedule). */
SLP__INLINE int apply(slp__pop *pop, slp__window *win, slp__box_neuron *n,
                      uint32_t j, slp_tick t, double x, double f,
                      fast_case fast) {
  if (fast.on && n->t_check == SLP__NEVER && !n->held) {
    /* The common case, in a few instructions: nothing pending, not
     * refractory (a neuron that is not held has t_ref_end <= t_last <= t),
     * and below a threshold the leak never reaches -- check_at's second
     * test is the only one that can hold. */
    if (t > n->t_last)
      n->t_last = t;
    double u = n->u + x * f;
    n->u = u;
    if (!(u > fast.u_th * f))
      return 0;
    n->t_check = n->t_last;
    return 1;
  }
  slp__box_consts *c = pop->consts;
  while (n->t_check <= t && !(n->t_check == t && n->t_last == t))
    fire(pop, win, n, j, n->t_check);
  if (t > n->t_last)
    n->t_last = t;
  if (t >= n->t_ref_end) { /* else refractory: discarded, t_check stands */
    const slp__box_own *o = slp__box_own_of(c, j);
    release(c, o, n, t);
    n->u += x * f;
    check_at(o, n, f);
  }
  return 1;
}

/* Neuron n (index j) takes its drive spikes arriving before tick `until`
 * (inputs/drive.h), each as a delivery of its own. */
SLP__INLINE void take_drive(slp__pop *pop, slp__window *win,
                            slp__box_neuron *n, uint32_t j, slp_tick until,
                            fast_case fast) {
  slp__drive *d = pop->drive;
  while (d->next[j] < until) {
    slp_tick t = d->next[j];
    double x = (double)slp__drive_take(d, j);
    apply(pop, win, n, j, t, x, factor(pop->consts, t), fast);
  }
}

/* Input x at tick t (F(t) = f) to neuron j, its drive (d, or NULL: none)
 * taken up to t first. */
SLP__INLINE void deliver_one(slp__pop *pop, slp__window *win,
                             slp__box_neuron *st, slp__drive *d, uint32_t j,
                             slp_tick t, double x, double f, fast_case fast) {
  slp__box_neuron *n = &st[j];
  if (d != NULL && d->next[j] < t)
    take_drive(pop, win, n, j, t, fast); /* f stays that of t */
  if (apply(pop, win, n, j, t, x, f, fast))
    schedule(pop, win, n);
}

void slp__box_epoch_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                            const uint32_t *tgt, const float *w, size_t count,
                            double scale) {
  slp__box_consts *c = pop->consts;
  slp__box_neuron *st = pop->state;
  slp__drive *d = pop->drive;
  keep_epoch(pop, win);
  double f = factor_at(c, t);
  fast_case fast = fast_of(c);
  /* Targets are known ahead: their records (and drives) are asked for
   * early, as in lif_epoch.c -- in a loop of its own up to the last
   * target that has one that far ahead, so that the common loop tests
   * nothing more. */
  size_t k = 0, ahead = count > SLP__PREFETCH_AHEAD
                            ? count - SLP__PREFETCH_AHEAD : 0;
  if (d != NULL) {
    for (; k < ahead; k++) {
      uint32_t a = tgt[k + SLP__PREFETCH_AHEAD];
      __builtin_prefetch(&st[a], 1);
      __builtin_prefetch(&d->next[a], 1);
      __builtin_prefetch(&d->src[a], 1);
      deliver_one(pop, win, st, d, tgt[k], t, (double)w[k] * scale, f, fast);
    }
    for (; k < count; k++)
      deliver_one(pop, win, st, d, tgt[k], t, (double)w[k] * scale, f, fast);
    return;
  }
  for (; k < ahead; k++) {
    __builtin_prefetch(&st[tgt[k + SLP__PREFETCH_AHEAD]], 1);
    deliver_one(pop, win, st, NULL, tgt[k], t, (double)w[k] * scale, f,
                fast);
  }
  for (; k < count; k++)
    deliver_one(pop, win, st, NULL, tgt[k], t, (double)w[k] * scale, f,
                fast);
}

/* Neuron n (index j) at the window's end: what crosses by `last` fires. */
static void settle_neuron(slp__pop *pop, slp__window *win, slp__box_neuron *n,
                          uint32_t j, slp_tick last) {
  while (n->t_check <= last)
    fire(pop, win, n, j, n->t_check);
  n->stamp = win->serial;
  schedule(pop, win, n);
}

void slp__box_epoch_settle(slp__pop *pop, slp__window *win,
                           const uint32_t *idx, size_t count) {
  keep_epoch(pop, win);
  slp__box_neuron *st = pop->state;
  slp_tick last = win->t1 - 1; /* latest crossing emitted this window */
  slp__drive *d = pop->drive;
  if (d != NULL) {
    /* Every neuron takes the rest of its window's drive, queued or not. */
    fast_case fast = fast_of(pop->consts);
    for (uint32_t j = 0; j < pop->n; j++) {
      if (d->next[j] <= last)
        take_drive(pop, win, &st[j], j, last + 1, fast);
      settle_neuron(pop, win, &st[j], j, last);
    }
    return;
  }
  for (size_t k = 0; k < count; k++)
    settle_neuron(pop, win, &st[idx[k]], idx[k], last);
}

double slp__box_epoch_v(const slp__pop *pop, uint32_t i, slp_tick t) {
  const slp__box_consts *c = pop->consts;
  const slp__box_neuron *n = &((const slp__box_neuron *)pop->state)[i];
  const slp__box_own *o = slp__box_own_of(c, i);
  if (t < n->t_last)
    t = n->t_last; /* as the per-neuron form: the state at its last update */
  double u;
  if (n->held && t <= n->t_ref_end)
    u = o->u_reset;
  else if (n->held)
    u = o->u_reset *
        exp(-(double)(t - n->t_ref_end) * SLP__MS_PER_TICK * o->inv_tau_m);
  else
    u = n->u *
        exp(-(double)(t - c->t0) * SLP__MS_PER_TICK * c->all.inv_tau_m);
  return u + o->v_leak;
}
