/*
 * neurons/lsnn.c -- LIF with an adaptive threshold (Norse's LSNN, Bellec et
 * al. 2018; reference/models.md §6).  Also registered as "alif".
 *
 *   tau_mem du/dt = -u + i_exc + i_inh          u = v - v_leak
 *   tau_k  di_k/dt = -i_k                        k in {exc, inh}
 *   tau_adapt db/dt = v_th - b                   b is the threshold
 *   input of weight w on receptor k:  i_k += w
 *   spike when v > b (strict); then v = v_reset and b += beta.
 *
 * As in Norse's code (not its docstring), b itself is the threshold and
 * relaxes to v_th; it starts at v_th.  Between inputs b = v_th + cb e^{-s/tau_adapt},
 * so the crossing function v - b is a constant plus four exponentials; the
 * shared detector of cuba.h takes the decaying part of the threshold into
 * its bounds (algorithms.md §2.4: a bound against the lowest threshold ahead
 * stays valid), so crossings long after the last input -- the threshold
 * decaying onto a steady v -- are found exactly too.
 *
 * Norse's LSNN step is "jump-last" (models.md §0.5): its input reaches v one
 * step later.  In continuous time an input jumps the current at its tick, as
 * in lif; Norse's step-k input corresponds to an event at (k+1) dt.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "neurons/cuba.h"
#include "neurons/model.h"
#include "neurons/pop.h"

enum { P_TAU_MEM, P_TAU_SYN_EXC, P_TAU_SYN_INH, P_TAU_ADAPT, P_V_LEAK,
       P_V_TH, P_V_RESET, P_BETA, P_COUNT };

/*
 * Norse's LSNNParameters technical defaults read as SI, as lif.c does:
 * tau_adapt_inv = 1/800 is tau_adapt = 800 s (sic, models.md §6), and beta,
 * the threshold's jump, is a voltage like v_th: 1.8 -> 1800 mV.
 */
static const slp__var_desc lsnn_params[P_COUNT] = {
    [P_TAU_MEM] = {"tau_mem", {"tau_m", NULL}, SLP_DIM_TIME, 10.0, -1, NULL},
    [P_TAU_SYN_EXC] = {"tau_syn_exc", {"tau_syn_E", NULL}, SLP_DIM_TIME, 5.0,
                       -1, NULL},
    [P_TAU_SYN_INH] = {"tau_syn_inh", {"tau_syn_I", NULL}, SLP_DIM_TIME, 5.0,
                       -1, NULL},
    [P_TAU_ADAPT] = {"tau_adapt", {NULL}, SLP_DIM_TIME, 800000.0, -1, NULL},
    [P_V_LEAK] = {"v_leak", {"v_rest", NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [P_V_TH] = {"v_th", {"v_thresh", NULL}, SLP_DIM_VOLTAGE, 1000.0, -1, NULL},
    [P_V_RESET] = {"v_reset", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [P_BETA] = {"beta", {NULL}, SLP_DIM_VOLTAGE, 1800.0, -1, NULL},
};

enum { S_V, S_I_EXC, S_I_INH, S_B, S_COUNT };

/* Norse's LSNN modules start at v = v_leak, i = 0, b = v_th. */
static const slp__var_desc lsnn_state[S_COUNT] = {
    [S_V] = {"v", {NULL}, SLP_DIM_VOLTAGE, 0.0, P_V_LEAK, NULL},
    /* "i": Norse's single current, when inputs come on receptor exc */
    [S_I_EXC] = {"i_exc", {"i", NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [S_I_INH] = {"i_inh", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [S_B] = {"b", {NULL}, SLP_DIM_VOLTAGE, 0.0, P_V_TH, NULL},
};

#define NREC SLP__CUBA_NREC
static const char *const lsnn_receptors[NREC] = {"exc", "inh"};

/* What one parameter set gives besides the membrane's propagator: the
 * population's, or a neuron's own. */
typedef struct lsnn_own {
  double inv_tau_b;   /* 1 / tau_adapt, 1/ms */
  double u_th;        /* v_th - v_leak: where b relaxes to, relative to v_leak */
  double u_reset;     /* v_reset - v_leak */
  double v_leak;      /* mV */
  double v_th;        /* mV */
  double beta;        /* threshold jump per spike, mV */
} lsnn_own;

/* Per-population constants derived from the parameters. */
typedef struct lsnn_consts {
  slp__cuba m;        /* the membrane: propagator and crossing search */
  slp__cuba *m_n;     /* each neuron's, when a time constant varies per
                         neuron (slp__cuba_per_neuron), or NULL: m */
  lsnn_own all;       /* the population's parameters */
  lsnn_own *own;      /* each neuron's, when a parameter varies per neuron,
                         or NULL: all for every neuron (a separate array:
                         the neuron stays one cache line) */
  slp_tick grid;      /* grid step (grid mode) or 1 */
  double *tab_b;      /* grid mode: exp(-n grid / tau_adapt), n < m.n_tab
                         (none when tau_adapt varies per neuron) */
} lsnn_consts;

/* Neuron j's parameters and membrane. */
static inline const lsnn_own *own_of(const lsnn_consts *c, uint32_t j) {
  return c->own != NULL ? &c->own[j] : &c->all;
}
static inline const slp__cuba *m_of(const lsnn_consts *c, uint32_t j) {
  return c->m_n != NULL ? &c->m_n[j] : &c->m;
}

/* The constants of parameter set p. */
static void own_fill(const double *p, lsnn_own *o) {
  o->inv_tau_b = 1.0 / p[P_TAU_ADAPT];
  o->v_leak = p[P_V_LEAK];
  o->v_th = p[P_V_TH];
  o->u_th = p[P_V_TH] - p[P_V_LEAK];
  o->u_reset = p[P_V_RESET] - p[P_V_LEAK];
  o->beta = p[P_BETA];
}

/* One neuron: one cache line, as lif's. */
typedef struct lsnn_neuron {
  double u;          /* v - v_leak at t_last */
  double i[NREC];    /* receptor currents at t_last, mV */
  double cb;         /* b - v_th at t_last, mV */
  slp_tick t_last;   /* the tick the state refers to */
  slp_tick t_check;  /* no crossing happens before this tick */
  slp_tick t_wake;   /* earliest wake-up queued for it, or NEVER */
  uint32_t stamp;    /* serial of the window it was queued to settle in */
  uint32_t pad;      /* keeps the struct 64 bytes */
} lsnn_neuron;

static size_t lsnn_param_group(const char *name, size_t *idx, size_t cap) {
  if (strcmp(name, "tau_syn") != 0 || cap < NREC)
    return 0;
  idx[0] = P_TAU_SYN_EXC;
  idx[1] = P_TAU_SYN_INH;
  return NREC;
}

static int lsnn_check(const double *p, char *why, size_t cap) {
  for (size_t k = 0; k < P_COUNT; k++)
    if (!isfinite(p[k])) {
      snprintf(why, cap, "%s must be finite", lsnn_params[k].name);
      return SLP_ERANGE;
    }
  const int pos[] = {P_TAU_MEM, P_TAU_SYN_EXC, P_TAU_SYN_INH, P_TAU_ADAPT};
  for (size_t k = 0; k < sizeof pos / sizeof pos[0]; k++)
    if (!(p[pos[k]] > 0)) {
      snprintf(why, cap, "%s must be > 0, not %g ms",
               lsnn_params[pos[k]].name, p[pos[k]]);
      return SLP_ERANGE;
    }
  if (!(p[P_V_RESET] < p[P_V_TH])) {
    snprintf(why, cap, "v_reset (%g mV) must be below v_th (%g mV)",
             p[P_V_RESET], p[P_V_TH]);
    return SLP_ERANGE;
  }
  if (!(p[P_BETA] >= 0)) {
    snprintf(why, cap, "beta must be >= 0, not %g mV", p[P_BETA]);
    return SLP_ERANGE;
  }
  return 0;
}

/* exp(-d / tau_adapt) for d ticks (neuron j's), from the table on whole
 * grid steps: its entries are that very expression's value. */
static double decay_b(const lsnn_consts *c, uint32_t j, slp_tick d) {
  if (c->tab_b != NULL && d % c->grid == 0 &&
      (uint64_t)(d / c->grid) < c->m.n_tab)
    return c->tab_b[d / c->grid];
  return exp(-(double)d * SLP__MS_PER_TICK * own_of(c, j)->inv_tau_b);
}

/* Move neuron n (index j) to tick t >= t_last. */
static void advance(const lsnn_consts *c, lsnn_neuron *n, uint32_t j,
                    slp_tick t) {
  slp_tick d = t - n->t_last;
  if (d <= 0)
    return;
  slp__cuba_prop(m_of(c, j), d, &n->u, n->i);
  if (n->cb != 0.0)
    n->cb *= decay_b(c, j, d);
  n->t_last = t;
}

/* Recompute n->t_check from the neuron's state. */
static void update_check(const lsnn_consts *c, lsnn_neuron *n, uint32_t j) {
  const lsnn_own *o = own_of(c, j);
  n->t_check = slp__cuba_tick_after(
      n->t_last,
      slp__cuba_lin_bound(m_of(c, j), n->u, n->i, o->u_th, n->cb,
                          o->inv_tau_b));
}

/*
 * The first tick in [ta, tb] at which v > b, given that there is none before
 * ta.  Returns it, or NEVER with *lb set to a tick before which no crossing
 * can happen.
 */
static slp_tick first_crossing(const lsnn_consts *c, const lsnn_neuron *n,
                               uint32_t j, slp_tick ta, slp_tick tb,
                               slp_tick *lb) {
  const lsnn_own *o = own_of(c, j);
  slp__cuba_traj tr;
  tr.c = m_of(c, j);
  tr.ts = n->t_last;
  tr.u0 = n->u;
  tr.i0[0] = n->i[0];
  tr.i0[1] = n->i[1];
  tr.th = o->u_th;
  tr.cb = n->cb;
  tr.inv_tau_b = o->inv_tau_b;
  return slp__cuba_first_crossing(&tr, ta, tb, lb);
}

static void fire(slp__pop *pop, slp__window *win, lsnn_neuron *n,
                 slp_tick t) {
  const lsnn_consts *c = pop->consts;
  uint32_t j = (uint32_t)(n - (lsnn_neuron *)pop->state);
  advance(c, n, j, t);
  slp__pop_emit(pop, win, j, t);
  n->u = own_of(c, j)->u_reset;
  n->cb += own_of(c, j)->beta;
  update_check(c, n, j);
  /* At most one spike per tick: only a threshold initialised below v_reset
   * could be crossed again at once, and beta lifts it spike by spike. */
  if (n->t_check <= t)
    n->t_check = t + 1;
}

/* Fire every crossing at or before tick tb, in order; leave t_check at the
 * next possible one. */
static void fire_through(slp__pop *pop, slp__window *win, lsnn_neuron *n,
                         slp_tick tb) {
  const lsnn_consts *c = pop->consts;
  uint32_t j = (uint32_t)(n - (lsnn_neuron *)pop->state);
  while (n->t_check <= tb) {
    slp_tick lb, tc = first_crossing(c, n, j, n->t_check, tb, &lb);
    if (tc == SLP__NEVER) {
      n->t_check = lb;
      return;
    }
    fire(pop, win, n, slp__ceil_grid(tc, c->grid));
  }
}

/* Settle n this window or wake it when it may fire (pop.h). */
static void schedule(slp__pop *pop, slp__window *win, lsnn_neuron *n) {
  slp__pop_schedule(pop, win, (uint32_t)(n - (lsnn_neuron *)pop->state),
                    n->t_check, &n->t_wake, &n->stamp);
}

static void lsnn_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                         unsigned r, const uint32_t *tgt, const float *w,
                         size_t count, double scale) {
  const lsnn_consts *c = pop->consts;
  lsnn_neuron *state = pop->state;
  for (size_t k = 0; k < count; k++) {
    lsnn_neuron *n = &state[tgt[k]];
    /* Crossings up to the input's tick come first: the neuron fires before
     * the input is applied when the crossing tick is <= the input tick. */
    fire_through(pop, win, n, t);
    advance(c, n, tgt[k], t);
    n->i[r] += (double)w[k] * scale;
    update_check(c, n, tgt[k]);
    schedule(pop, win, n);
  }
}

static void lsnn_settle(slp__pop *pop, slp__window *win, const uint32_t *idx,
                        size_t count) {
  const lsnn_consts *c = pop->consts;
  lsnn_neuron *state = pop->state;
  slp_tick last = win->t1 - c->grid; /* latest crossing emitted this window */
  for (size_t k = 0; k < count; k++) {
    lsnn_neuron *n = &state[idx[k]];
    fire_through(pop, win, n, last);
    n->stamp = win->serial;
    schedule(pop, win, n);
  }
}

static void lsnn_wake(slp__pop *pop, slp__window *win, uint32_t i) {
  lsnn_neuron *n = &((lsnn_neuron *)pop->state)[i];
  slp__pop_wake_due(pop, win, i, &n->t_wake, &n->stamp);
}

static void free_consts(lsnn_consts *c) {
  slp__cuba_free(&c->m);
  slp__free(c->tab_b);
  slp__free(c->own);
  slp__free(c->m_n);
  slp__free(c);
}

static int lsnn_create(slp__pop *pop, const slp__pop_init *init) {
  const double *p = pop->params;
  lsnn_consts *c = slp__calloc(1, sizeof *c);
  if (c == NULL)
    return SLP_ENOMEM;
  if (slp__cuba_init(&c->m, p[P_TAU_MEM], p[P_TAU_SYN_EXC], p[P_TAU_SYN_INH],
                     init->grid) != 0) {
    slp__free(c);
    return SLP_ENOMEM;
  }
  own_fill(p, &c->all);
  c->grid = init->grid;
  static const int tau[3] = {P_TAU_MEM, P_TAU_SYN_EXC, P_TAU_SYN_INH};
  int nomem = 0;
  c->m_n = slp__cuba_per_neuron(init, p, tau, pop->n, &nomem);
  if (nomem) {
    free_consts(c);
    return SLP_ENOMEM;
  }
  if (slp__params_vary(init, P_COUNT)) {
    c->own = slp__malloc((size_t)pop->n * sizeof *c->own);
    if (c->own == NULL) {
      free_consts(c);
      return SLP_ENOMEM;
    }
    for (uint32_t k = 0; k < pop->n; k++) {
      double q[P_COUNT];
      slp__params_of(init, p, P_COUNT, k, q);
      own_fill(q, &c->own[k]);
    }
  }
  if (c->m.tab != NULL && init->param_values[P_TAU_ADAPT] == NULL) {
    c->tab_b = slp__malloc(c->m.n_tab * sizeof *c->tab_b);
    if (c->tab_b == NULL) {
      free_consts(c);
      return SLP_ENOMEM;
    }
    for (size_t n = 0; n < c->m.n_tab; n++)
      c->tab_b[n] = exp(-(double)n * (double)init->grid * SLP__MS_PER_TICK *
                        c->all.inv_tau_b);
  }
  lsnn_neuron *st = slp__malloc((size_t)pop->n * sizeof *st);
  if (st == NULL) {
    free_consts(c);
    return SLP_ENOMEM;
  }
  for (uint32_t k = 0; k < pop->n; k++) {
    lsnn_neuron *n = &st[k];
    memset(n, 0, sizeof *n);
    n->u = init->values[S_V][k] - own_of(c, k)->v_leak;
    n->i[0] = init->values[S_I_EXC][k];
    n->i[1] = init->values[S_I_INH][k];
    n->cb = init->values[S_B][k] - own_of(c, k)->v_th;
    n->t_last = init->t0;
    n->t_wake = SLP__NEVER;
    n->stamp = UINT32_MAX;
    update_check(c, n, k);
  }
  pop->consts = c;
  pop->state = st;
  pop->state_bytes = (size_t)pop->n * sizeof *st;
  return 0;
}

static void lsnn_prime(slp__pop *pop, slp__window *win) {
  lsnn_neuron *st = pop->state;
  for (uint32_t k = 0; k < pop->n; k++)
    schedule(pop, win, &st[k]);
}

static double lsnn_get(const slp__pop *pop, uint32_t i, int var, slp_tick t) {
  const lsnn_consts *c = pop->consts;
  lsnn_neuron n = ((const lsnn_neuron *)pop->state)[i];
  advance(c, &n, i, t);
  switch (var) {
  case S_V:
    return n.u + own_of(c, i)->v_leak;
  case S_I_EXC:
    return n.i[0];
  case S_I_INH:
    return n.i[1];
  case S_B:
    return n.cb + own_of(c, i)->v_th;
  default:
    return (double)NAN;
  }
}

static void lsnn_destroy(slp__pop *pop) {
  if (pop->consts != NULL)
    free_consts(pop->consts);
  slp__free(pop->state);
  pop->consts = pop->state = NULL;
}

/* Norse's LSNNParameters.bio_default() (models.md §6); b starts at v_th,
 * its default already. */
static int lsnn_preset(const char *name, double *p, double *state,
                       int *state_set) {
  (void)state;
  (void)state_set;
  if (strcmp(name, "bio") != 0)
    return SLP_ENOENT;
  p[P_TAU_SYN_EXC] = p[P_TAU_SYN_INH] = 2.0;
  p[P_TAU_MEM] = 10.0;
  p[P_TAU_ADAPT] = 100.0;
  p[P_V_LEAK] = -70.0;
  p[P_V_TH] = -55.0;
  p[P_V_RESET] = -70.0;
  p[P_BETA] = 0.5;
  return 0;
}

const slp__model slp__model_lsnn = {
    .name = "lsnn",
    .params = lsnn_params,
    .n_params = P_COUNT,
    .state = lsnn_state,
    .n_state = S_COUNT,
    .receptors = lsnn_receptors,
    .n_receptors = NREC,
    .param_group = lsnn_param_group,
    .check = lsnn_check,
    .create = lsnn_create,
    .destroy = lsnn_destroy,
    .prime = lsnn_prime,
    .deliver = lsnn_deliver,
    .settle = lsnn_settle,
    .wake = lsnn_wake,
    .get = lsnn_get,
    .preset = lsnn_preset,
    .per_neuron = (1u << P_COUNT) - 1, /* all */
};
