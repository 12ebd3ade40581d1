/*
 * neurons/lif_box.c -- LIF with delta synapses: an input jumps v directly.
 *
 *   tau_mem du/dt = -u          u = v - v_leak
 *   input of weight w:  u += w  (discarded while refractory, as NEST's
 *                                iaf_psc_delta and the Brian2 Brunel example)
 *   spike when v > v_th; then v = v_reset, clamped for t_ref.
 *
 * Crossings happen either at an input (the jump carries v over threshold) or,
 * when v_leak > v_th, by the tonic drive alone, at the closed-form time
 *   s* = tau_mem ln(u0 / u_th)        (u0 < u_th < 0),
 * so t_check is always the exact next crossing, never only a bound.
 *
 * Inputs arriving at the same tick are all applied before the threshold is
 * looked at: whether a neuron fires at tick t depends on the sum of its
 * inputs at t, not on their order (the grid-mode contract, and what NEST
 * does within a step).  The spike is emitted at that tick.
 *
 * In grid mode a window's inputs are first summed per (grid step, neuron)
 * -- delivery is one addition per synaptic event -- and each neuron then
 * takes its steps with input in order at the settle step: one update per
 * target per step with input, as DESIGN.md's grid mode reads.  The sums
 * follow the canonical delivery order, so they do not depend on
 * partitioning.
 *
 * Exact mode keeps each neuron as u at its last update here only when
 * tau_mem varies per neuron; otherwise prime() moves the population to the
 * epoch form of lif_box_epoch.c, one exp per input tick (lif_box.h).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/compiler.h"
#include "inputs/drive.h"
#include "neurons/lif_box.h"
#include "neurons/model.h"

enum { P_TAU_MEM, P_V_LEAK, P_V_TH, P_V_RESET, P_T_REF, P_RESET_METHOD,
       P_COUNT };

/* Norse's reset_method: v = v_reset after a spike, or v = v - v_th. */
enum { RESET_VALUE, RESET_SUBTRACT };
static const char *const reset_methods[] = {"value", "subtract", NULL};

static const slp__var_desc box_params[P_COUNT] = {
    [P_TAU_MEM] = {"tau_mem", {"tau_m", NULL}, SLP_DIM_TIME, 10.0, -1, NULL},
    [P_V_LEAK] = {"v_leak", {"v_rest", NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [P_V_TH] = {"v_th", {"v_thresh", NULL}, SLP_DIM_VOLTAGE, 1000.0, -1, NULL},
    [P_V_RESET] = {"v_reset", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [P_T_REF] = {"t_ref", {"tau_refrac", NULL}, SLP_DIM_TIME, 0.0, -1, NULL},
    [P_RESET_METHOD] = {"reset_method", {NULL}, SLP_DIM_NONE, RESET_VALUE, -1,
                        reset_methods},
};

enum { S_V, S_COUNT };

static const slp__var_desc box_state[S_COUNT] = {
    [S_V] = {"v", {NULL}, SLP_DIM_VOLTAGE, 0.0, P_V_LEAK, NULL},
};

/* Both receptors jump v; they exist so that projections written for the
 * current-based LIF (receptor: inh) run unchanged. */
static const char *const box_receptors[] = {"exc", "inh"};


static int box_check(const double *p, char *why, size_t cap) {
  for (size_t k = 0; k < P_COUNT; k++)
    if (!isfinite(p[k])) {
      snprintf(why, cap, "%s must be finite", box_params[k].name);
      return SLP_ERANGE;
    }
  if (!(p[P_TAU_MEM] > 0)) {
    snprintf(why, cap, "tau_mem must be > 0, not %g ms", p[P_TAU_MEM]);
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
  if (p[P_RESET_METHOD] == RESET_SUBTRACT) {
    /* Each spike lowers v by v_th: only a positive v_th brings it back
     * below threshold; held at what value during t_ref is not defined. */
    if (!(p[P_V_TH] > 0)) {
      snprintf(why, cap, "reset_method subtract lowers v by v_th at each "
               "spike, so v_th must be > 0, not %g mV", p[P_V_TH]);
      return SLP_ERANGE;
    }
    if (p[P_T_REF] != 0) {
      snprintf(why, cap, "reset_method subtract has no refractory period: "
               "t_ref must be 0, not %g ms", p[P_T_REF]);
      return SLP_ERANGE;
    }
  }
  return 0;
}

/* exp(-d / tau_m) for neuron j: the table's entries are that very
 * expression's value, so both ways give the same bits. */
SLP__INLINE double decay(const slp__box_consts *c, const slp__box_own *o,
                    slp_tick d) {
  if (c->tab != NULL && d < (slp_tick)1 << 52) {
    /* Whole steps come from the table.  The step count by a multiply
     * (rounded, then checked): two divisions here would cost more than the
     * rest of an input's update. */
    slp_tick k = (slp_tick)((double)d * c->inv_grid + 0.5);
    if (k * c->grid == d && (uint64_t)k < c->n_tab)
      return c->tab[k];
  }
  return exp(-(double)d * SLP__MS_PER_TICK * o->inv_tau_m);
}

/* Move neuron n, whose parameters are o, to tick t. */
SLP__INLINE void advance(const slp__box_consts *c, const slp__box_own *o,
                    slp__box_neuron *n, slp_tick t) {
  if (t <= n->t_last)
    return;
  if (n->t_last < n->t_ref_end) {
    if (t <= n->t_ref_end) {
      n->u = o->u_reset;
      n->t_last = t;
      return;
    }
    n->u = o->u_reset;
    n->t_last = n->t_ref_end;
  }
  n->u *= decay(c, o, t - n->t_last);
  n->t_last = t;
}

/* The next crossing from the current state (parameters o), assuming no
 * input. */
SLP__INLINE void update_check(const slp__box_own *o, slp__box_neuron *n) {
  slp_tick ts = n->t_last;
  double u = n->u;
  if (n->t_last < n->t_ref_end) {
    ts = n->t_ref_end;
    u = o->u_reset;
  } else if (u > o->u_th) {
    n->t_check = ts; /* a jump carried it over: fires at this tick */
    return;
  }
  n->t_check = slp__box_free_crossing(o, ts, u);
}

static void fire(slp__pop *pop, slp__window *win, slp__box_neuron *n,
                 slp_tick t) {
  const slp__box_consts *c = pop->consts;
  uint32_t j = (uint32_t)(n - (slp__box_neuron *)pop->state);
  const slp__box_own *o = slp__box_own_of(c, j);
  advance(c, o, n, t);
  slp__pop_emit(pop, win, j, t);
  n->u = c->subtract ? n->u - o->v_th : o->u_reset;
  n->t_ref_end = t + o->t_ref;
  update_check(o, n);
}

/* Settle n this window or wake it when it may fire (pop.h). */
static void schedule(slp__pop *pop, slp__window *win, slp__box_neuron *n) {
  slp__pop_schedule(pop, win, (uint32_t)(n - (slp__box_neuron *)pop->state),
                    n->t_check, &n->t_wake, &n->stamp);
}

/* An input (or the sum of a tick's inputs) of weight w at tick t to neuron
 * n (index j): crossings pending before it fire first, unless it is a jump
 * crossing at this very tick, which waits for the tick's other inputs. */
SLP__INLINE void apply_input(slp__pop *pop, slp__window *win, slp__box_neuron *n,
                        uint32_t j, slp_tick t, double w) {
  const slp__box_consts *c = pop->consts;
  while (n->t_check <= t && !(n->t_check == t && n->t_last == t))
    fire(pop, win, n, slp__ceil_grid(n->t_check, c->grid));
  const slp__box_own *o = slp__box_own_of(c, j);
  advance(c, o, n, t);
  if (t >= n->t_ref_end)
    n->u += w;
  update_check(o, n);
}

/* Exact mode: neuron n (index j) takes its drive spikes arriving before
 * tick `until` (inputs/drive.h), each as a delivery of its own. */
static void take_drive(slp__pop *pop, slp__window *win, slp__box_neuron *n,
                       uint32_t j, slp_tick until) {
  slp__drive *d = pop->drive;
  while (d->next[j] < until) {
    slp_tick t = d->next[j];
    apply_input(pop, win, n, j, t, (double)slp__drive_take(d, j));
  }
}

static void box_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                        unsigned r, const uint32_t *tgt, const float *w,
                        size_t count, double scale) {
  (void)r; /* every receptor jumps v */
  slp__box_consts *c = pop->consts;
  slp__box_neuron *state = pop->state;
  if (c->epoch) {
    slp__box_epoch_deliver(pop, win, t, tgt, w, count, scale);
    return;
  }
  if (c->acc != NULL) {
    /* Two plain stores per event: the sum, and the neuron's mark.  A byte
     * per neuron, not a bit: setting a bit would read back the word the
     * previous target (often a near neighbour) just wrote, and chain the
     * events one after the other. */
    double *restrict acc = &c->acc[(size_t)((t - win->t0) / c->grid) * pop->n];
    uint8_t *restrict mark = c->mark;
    if (pop->drive != NULL) {
      /* With a drive taken by its targets every neuron settles every
       * window (box_settle): no marks. */
      for (size_t k = 0; k < count; k++)
        acc[tgt[k]] += (double)w[k] * scale;
    } else if (scale == 1.0) {
      for (size_t k = 0; k < count; k++) {
        uint32_t i = tgt[k];
        acc[i] += (double)w[k];
        mark[i] = 1;
      }
    } else {
      for (size_t k = 0; k < count; k++) {
        uint32_t i = tgt[k];
        acc[i] += (double)w[k] * scale;
        mark[i] = 1;
      }
    }
    return;
  }
  for (size_t k = 0; k < count; k++) {
    slp__box_neuron *n = &state[tgt[k]];
    if (pop->drive != NULL && pop->drive->next[tgt[k]] < t)
      take_drive(pop, win, n, tgt[k], t);
    apply_input(pop, win, n, tgt[k], t, (double)w[k] * scale);
    schedule(pop, win, n);
  }
}

/* Grid mode: sum a plus x copies of w, one after the other as single
 * deliveries would add them.  Adding w * 0.0 changes no sum (a zero added
 * to a sum that started at +0.0), so the first four copies are added
 * whatever the count, each times 1 or 0, without a branch that random
 * counts would mispredict. */
SLP__INLINE double add_copies(double a, double w, uint32_t x) {
  static const double keep[2] = {0.0, 1.0};
  a += w * keep[x > 0];
  a += w * keep[x > 1];
  a += w * keep[x > 2];
  a += w * keep[x > 3];
  for (uint32_t j = 4; j < x; j++)
    a += w;
  return a;
}

/* Grid mode: add count[k] copies of w[k] to the sums. */
static int box_deliver_counts(slp__pop *pop, slp__window *win, slp_tick t,
                              unsigned r, const uint32_t *tgt, const float *w,
                              const uint16_t *count, size_t n) {
  (void)r;
  slp__box_consts *c = pop->consts;
  if (c->acc == NULL)
    return -1;
  double *restrict acc = &c->acc[(size_t)((t - win->t0) / c->grid) * pop->n];
  uint8_t *restrict mark = c->mark;
  for (size_t k = 0; k < n; k++) {
    uint32_t i = tgt[k], x = count[k];
    acc[i] = add_copies(acc[i], (double)w[k], x);
    mark[i] |= x != 0;
  }
  return 0;
}

/* How many neurons ahead the settle walk asks for step sums. */
#define SETTLE_AHEAD 32

/* Settle neuron i: take its summed inputs step by step (grid mode), fire
 * what crosses before the window ends, and schedule what may fire later. */
static void settle_one(slp__pop *pop, slp__window *win, uint32_t i) {
  const slp__box_consts *c = pop->consts;
  slp__box_neuron *n = &((slp__box_neuron *)pop->state)[i];
  slp__drive *d = pop->drive;
  if (c->acc != NULL) {
    const slp__box_own *o = slp__box_own_of(c, i);
    /* exp(-grid / tau_m), when one for all (else 0: never the short cut) */
    double step = c->tab != NULL ? c->tab[1] : 0.0;
    double *acc = &c->acc[i];
    slp_tick t = win->t0;
    for (uint32_t s = 0; s < c->n_slots; s++, acc += pop->n, t += c->grid) {
      double x = *acc;
      if (d != NULL) {
        /* The drive's copies come last in the step (inputs/drive.h), one
         * after the other as box_deliver_counts would add them. */
        x = add_copies(x, (double)d->src[i].w, slp__drive_count(d, i, t));
      }
      if (x == 0)
        continue; /* a zero sum changes nothing: skipping it is exact */
      *acc = 0;
      if (n->t_check == SLP__NEVER && n->t_last >= n->t_ref_end &&
          n->t_last == t - c->grid && step != 0.0) {
        /* The busy neuron's step: awake, nothing pending, input one step
         * ago -- apply_input's arithmetic, without its cases. */
        n->u = n->u * step + x;
        n->t_last = t;
        n->t_check = n->u > o->u_th ? t
                                    : slp__box_free_crossing(o, t, n->u);
        continue;
      }
      apply_input(pop, win, n, i, t, x);
    }
  }
  slp_tick last = win->t1 - c->grid;
  if (d != NULL && d->grid == 0 && d->next[i] <= last) /* exact mode */
    take_drive(pop, win, n, i, last + 1);
  while (n->t_check <= last)
    fire(pop, win, n, slp__ceil_grid(n->t_check, c->grid));
  n->stamp = win->serial;
  schedule(pop, win, n);
}

static void box_settle(slp__pop *pop, slp__window *win, const uint32_t *idx,
                       size_t count) {
  const slp__box_consts *c = pop->consts;
  if (c->epoch) {
    slp__box_epoch_settle(pop, win, idx, count);
    return;
  }
  if (c->acc == NULL && pop->drive != NULL) {
    /* Every neuron takes the rest of its window's drive, queued or not. */
    for (uint32_t i = 0; i < pop->n; i++)
      settle_one(pop, win, i);
    return;
  }
  if (c->acc == NULL) {
    for (size_t k = 0; k < count; k++)
      settle_one(pop, win, idx[k]);
    return;
  }
  /* Grid mode: the queued neurons join those with input among the marks,
   * which are then walked in memory order -- the accumulator rows stream,
   * and the order neurons settle in changes nothing but the order spikes are
   * pushed (sorted before use).  Eight marks at a time: most words of a
   * quiet population are zero. */
  uint8_t *mark = c->mark;
  if (pop->drive != NULL) {
    /* Every neuron takes its window's drive, step by step: all settle, and
     * nothing marks them (the drive is the only input group, so no counts
     * arrive through box_deliver_counts either). */
    for (uint32_t i = 0; i < pop->n; i++) {
      /* The step sums are rows of a table, one per step: ask for each
       * row's line a few lines ahead -- more streams than the hardware
       * follows by itself. */
      if ((i & 7) == 0 && i + SETTLE_AHEAD < pop->n)
        for (uint32_t q = 0; q < c->n_slots; q++)
          __builtin_prefetch(&c->acc[(size_t)q * pop->n + i + SETTLE_AHEAD],
                             1);
      settle_one(pop, win, i);
    }
    return;
  }
  for (size_t k = 0; k < count; k++)
    mark[idx[k]] = 1;
  for (uint32_t base = 0; base < pop->n; base += 8) {
    uint64_t bits;
    memcpy(&bits, &mark[base], sizeof bits);
    if (bits == 0)
      continue;
    for (uint32_t i = base; i < base + 8; i++)
      if (mark[i] != 0) {
        mark[i] = 0;
        settle_one(pop, win, i);
      }
  }
}

static void box_wake(slp__pop *pop, slp__window *win, uint32_t i) {
  slp__box_neuron *n = &((slp__box_neuron *)pop->state)[i];
  slp__pop_wake_due(pop, win, i, &n->t_wake, &n->stamp);
}

/* The constants of parameter set p. */
static void own_fill(const double *p, slp__box_own *o) {
  o->tau_m = p[P_TAU_MEM];
  o->inv_tau_m = 1.0 / p[P_TAU_MEM];
  o->v_leak = p[P_V_LEAK];
  o->u_th = p[P_V_TH] - p[P_V_LEAK];
  o->u_reset = p[P_V_RESET] - p[P_V_LEAK];
  o->v_th = p[P_V_TH];
  o->t_ref = (slp_tick)llround(p[P_T_REF] / SLP__MS_PER_TICK);
}

static int box_create(slp__pop *pop, const slp__pop_init *init) {
  const double *p = pop->params;
  slp__box_consts *c = slp__calloc(1, sizeof *c);
  if (c == NULL)
    return SLP_ENOMEM;
  own_fill(p, &c->all);
  c->subtract = p[P_RESET_METHOD] == RESET_SUBTRACT;
  c->tau_varies = init->param_values[P_TAU_MEM] != NULL;
  c->grid = init->grid;
  c->inv_grid = 1.0 / (double)init->grid;
  if (slp__params_vary(init, P_COUNT)) {
    c->own = slp__malloc((size_t)pop->n * sizeof *c->own);
    if (c->own == NULL) {
      slp__free(c);
      return SLP_ENOMEM;
    }
    for (uint32_t k = 0; k < pop->n; k++) {
      double q[P_COUNT];
      slp__params_of(init, p, P_COUNT, k, q);
      own_fill(q, &c->own[k]);
    }
  }
  if (init->grid > 1 && init->param_values[P_TAU_MEM] == NULL) {
    c->n_tab = 4096;
    c->tab = slp__malloc(c->n_tab * sizeof *c->tab);
    if (c->tab == NULL) {
      slp__free(c->own);
      slp__free(c);
      return SLP_ENOMEM;
    }
    for (size_t n = 0; n < c->n_tab; n++)
      c->tab[n] = exp(-(double)n * (double)init->grid * SLP__MS_PER_TICK *
                      c->all.inv_tau_m);
  }
  slp__box_neuron *st = slp__malloc((size_t)pop->n * sizeof *st);
  if (st == NULL) {
    slp__free(c->tab);
    slp__free(c->own);
    slp__free(c);
    return SLP_ENOMEM;
  }
  for (uint32_t k = 0; k < pop->n; k++) {
    slp__box_neuron *n = &st[k];
    memset(n, 0, sizeof *n);
    n->u = init->values[S_V][k] - slp__box_own_of(c, k)->v_leak;
    n->t_last = init->t0;
    n->t_ref_end = init->t0;
    n->t_wake = SLP__NEVER;
    n->stamp = UINT32_MAX;
    update_check(slp__box_own_of(c, k), n);
  }
  pop->consts = c;
  pop->state = st;
  pop->state_bytes = (size_t)pop->n * sizeof *st;
  return 0;
}

static void box_prime(slp__pop *pop, slp__window *win) {
  slp__box_consts *c = pop->consts;
  slp__box_neuron *st = pop->state;
  if (!c->epoch && slp__box_epoch_usable(pop, win->t1 - win->t0)) {
    if (slp__box_epoch_enter(pop, win->t0, win->t1 - win->t0) != 0) {
      win->err = SLP_ENOMEM;
      return;
    }
    for (uint32_t k = 0; k < pop->n; k++)
      schedule(pop, win, &st[k]);
    return;
  }
  if (c->grid > 1 && c->acc == NULL) {
    /* Every window has the length of the first (the scheduler's W). */
    slp_tick span = win->t1 - win->t0;
    c->n_slots = (uint32_t)((span + c->grid - 1) / c->grid);
    c->acc = slp__calloc((size_t)c->n_slots * pop->n, sizeof *c->acc);
    /* Whole words of marks, for the settle step's eight at a time. */
    c->mark = slp__calloc(((size_t)pop->n + 7) / 8 * 8, sizeof *c->mark);
    if (c->acc == NULL || c->mark == NULL) {
      win->err = SLP_ENOMEM;
      return;
    }
  }
  for (uint32_t k = 0; k < pop->n; k++)
    schedule(pop, win, &st[k]);
}

static double box_get(const slp__pop *pop, uint32_t i, int var, slp_tick t) {
  const slp__box_consts *c = pop->consts;
  if (c->epoch)
    return var == S_V ? slp__box_epoch_v(pop, i, t) : (double)NAN;
  slp__box_neuron n = ((const slp__box_neuron *)pop->state)[i];
  const slp__box_own *o = slp__box_own_of(c, i);
  advance(c, o, &n, t);
  return var == S_V ? n.u + o->v_leak : (double)NAN;
}

static void box_destroy(slp__pop *pop) {
  slp__box_consts *c = pop->consts;
  if (c != NULL) {
    slp__free(c->tab);
    slp__free(c->own);
    slp__free(c->acc);
    slp__free(c->mark);
    slp__free(c->ft);
  }
  slp__free(c);
  slp__free(pop->state);
  pop->consts = pop->state = NULL;
}

const slp__model slp__model_lif_box = {
    .name = "lif_box",
    .params = box_params,
    .n_params = P_COUNT,
    .state = box_state,
    .n_state = S_COUNT,
    .receptors = box_receptors,
    .n_receptors = 2,
    .check = box_check,
    .create = box_create,
    .destroy = box_destroy,
    .prime = box_prime,
    .deliver = box_deliver,
    .deliver_counts = box_deliver_counts,
    .pulls_drive = 1,
    .settle = box_settle,
    .wake = box_wake,
    .get = box_get,
    /* All but reset_method, a name (a per-neuron choice is refused when it
     * is given). */
    .per_neuron = ((1u << P_COUNT) - 1) & ~(1u << P_RESET_METHOD),
};
