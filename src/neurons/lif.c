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
 * threshold only briefly between two inputs -- are never missed.  The
 * propagator and the detector are shared with li and lsnn (cuba.h).
 *
 * This file keeps each neuron's state at its last update (the per-neuron
 * form); prime() switches a population to the cheaper epoch form of
 * lif_epoch.c when its time constants allow (lif.h).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "neurons/cuba.h"
#include "neurons/lif.h"
#include "neurons/model.h"
#include "neurons/pop.h"

enum { P_TAU_MEM, P_TAU_SYN_EXC, P_TAU_SYN_INH, P_V_LEAK, P_V_TH, P_V_RESET,
       P_T_REF, P_COUNT };

/* Defaults are Norse's technical defaults, read as SI (DESIGN.md: a bare
 * number is SI), hence v_th = 1 V = 1000 mV. */
static const slp__var_desc lif_params[P_COUNT] = {
    [P_TAU_MEM] = {"tau_mem", {"tau_m", NULL}, SLP_DIM_TIME, 10.0, -1, NULL},
    [P_TAU_SYN_EXC] = {"tau_syn_exc", {"tau_syn_E", NULL}, SLP_DIM_TIME, 5.0,
                       -1, NULL},
    [P_TAU_SYN_INH] = {"tau_syn_inh", {"tau_syn_I", NULL}, SLP_DIM_TIME, 5.0,
                       -1, NULL},
    [P_V_LEAK] = {"v_leak", {"v_rest", NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [P_V_TH] = {"v_th", {"v_thresh", NULL}, SLP_DIM_VOLTAGE, 1000.0, -1, NULL},
    [P_V_RESET] = {"v_reset", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [P_T_REF] = {"t_ref", {"tau_refrac", NULL}, SLP_DIM_TIME, 0.0, -1, NULL},
};

enum { S_V, S_I_EXC, S_I_INH, S_COUNT };

static const slp__var_desc lif_state[S_COUNT] = {
    [S_V] = {"v", {NULL}, SLP_DIM_VOLTAGE, 0.0, P_V_LEAK, NULL},
    /* "i": Norse's single current, when inputs come on receptor exc */
    [S_I_EXC] = {"i_exc", {"i", NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [S_I_INH] = {"i_inh", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
};

#define NREC SLP__LIF_NREC
static const char *const lif_receptors[NREC] = {"exc", "inh"};


typedef slp__lif_consts lif_consts;
typedef slp__lif_neuron lif_neuron;

static size_t lif_param_group(const char *name, size_t *idx, size_t cap) {
  if (strcmp(name, "tau_syn") != 0 || cap < NREC)
    return 0;
  idx[0] = P_TAU_SYN_EXC;
  idx[1] = P_TAU_SYN_INH;
  return NREC;
}

/* What lif and ada_lif ask of their parameters: all finite, the three time
 * constants tau[] positive, v_reset below v_th. */
static int check_membrane(const double *p, const slp__var_desc *d, size_t n,
                          const int tau[3], int v_reset, int v_th, char *why,
                          size_t cap) {
  for (size_t k = 0; k < n; k++)
    if (!isfinite(p[k])) {
      snprintf(why, cap, "%s must be finite", d[k].name);
      return SLP_ERANGE;
    }
  for (size_t k = 0; k < 3; k++)
    if (!(p[tau[k]] > 0)) {
      snprintf(why, cap, "%s must be > 0, not %g ms", d[tau[k]].name,
               p[tau[k]]);
      return SLP_ERANGE;
    }
  if (!(p[v_reset] < p[v_th])) {
    snprintf(why, cap, "v_reset (%g mV) must be below v_th (%g mV)",
             p[v_reset], p[v_th]);
    return SLP_ERANGE;
  }
  return 0;
}

static int lif_check(const double *p, char *why, size_t cap) {
  static const int tau[3] = {P_TAU_MEM, P_TAU_SYN_EXC, P_TAU_SYN_INH};
  int rc = check_membrane(p, lif_params, P_COUNT, tau, P_V_RESET, P_V_TH, why,
                          cap);
  if (rc == 0 && !(p[P_T_REF] >= 0)) {
    snprintf(why, cap, "t_ref must be >= 0, not %g ms", p[P_T_REF]);
    return SLP_ERANGE;
  }
  return rc;
}

/* Move neuron n (index j) to tick t >= t_last, honouring refractoriness. */
static void advance(const lif_consts *c, lif_neuron *n, uint32_t j,
                    slp_tick t) {
  slp_tick d = t - n->t_last;
  if (d <= 0)
    return;
  if (n->t_last < n->t_ref_end) {
    /* v is clamped at v_reset until t_ref_end; currents decay meanwhile. */
    slp_tick dr = (t < n->t_ref_end ? t : n->t_ref_end) - n->t_last;
    double dummy = 0.0;
    slp__cuba_prop(slp__lif_m(c, j), dr, &dummy, n->i);
    n->u = slp__lif_u_reset(c, j);
    d -= dr;
  }
  slp__cuba_prop(slp__lif_m(c, j), d, &n->u, n->i);
  n->t_last = t;
}

/*
 * The state from which the free dynamics start: at t_last, or at the end of
 * the refractory period if the neuron is refractory.
 */
static slp_tick free_start(const lif_consts *c, const lif_neuron *n,
                           uint32_t j, double *u, double *i) {
  i[0] = n->i[0];
  i[1] = n->i[1];
  if (n->t_last < n->t_ref_end) {
    double dummy = 0.0;
    slp__cuba_prop(slp__lif_m(c, j), n->t_ref_end - n->t_last, &dummy, i);
    *u = slp__lif_u_reset(c, j);
    return n->t_ref_end;
  }
  *u = n->u;
  return n->t_last;
}

/* Recompute n->t_check (neuron j) from the neuron's state. */
static void update_check(const lif_consts *c, lif_neuron *n, uint32_t j) {
  double u, i[NREC];
  slp_tick ts = free_start(c, n, j, &u, i);
  n->t_check = slp__cuba_tick_after(
      ts, slp__cuba_lin_bound(slp__lif_m(c, j), u, i, slp__lif_u_th(c, j),
                              0.0, 0.0));
}

/*
 * The first tick in [ta, tb] at which u > u_th, given that there is none
 * before ta.  Returns it, or NEVER with *lb set to a tick before which no
 * crossing can happen (> tb, possibly NEVER).
 */
static slp_tick first_crossing(const lif_consts *c, const lif_neuron *n,
                               uint32_t j, slp_tick ta, slp_tick tb,
                               slp_tick *lb) {
  slp__cuba_traj tr;
  tr.c = slp__lif_m(c, j);
  tr.ts = free_start(c, n, j, &tr.u0, tr.i0);
  tr.th = slp__lif_u_th(c, j);
  tr.cb = 0.0;
  tr.inv_tau_b = 0.0;
  return slp__cuba_first_crossing(&tr, ta, tb, lb);
}

/* --- The model operations. ------------------------------------------------ */

/* Fire neuron n (index j) at tick t. */
static void fire(slp__pop *pop, slp__window *win, lif_neuron *n, uint32_t j,
                 slp_tick t) {
  const lif_consts *c = pop->consts;
  advance(c, n, j, t);
  slp__pop_emit(pop, win, j, t);
  n->u = slp__lif_u_reset(c, j);
  n->t_ref_end = t + slp__lif_t_ref(c, j);
  n->i[1] += slp__lif_jump(c, j); /* ada_lif: the adaptation steps up */
  update_check(c, n, j);
}

/* Fire every crossing at or before tick tb, in order; leave t_check at the
 * next possible one. */
static void fire_through(slp__pop *pop, slp__window *win, lif_neuron *n,
                         uint32_t j, slp_tick tb) {
  const lif_consts *c = pop->consts;
  while (n->t_check <= tb) {
    slp_tick lb, tc = first_crossing(c, n, j, n->t_check, tb, &lb);
    if (tc == SLP__NEVER) {
      n->t_check = lb;
      return;
    }
    fire(pop, win, n, j, slp__ceil_grid(tc, c->grid));
  }
}

/* Settle n this window or wake it when it may fire (pop.h). */
static void schedule(slp__pop *pop, slp__window *win, lif_neuron *n) {
  slp__pop_schedule(pop, win, (uint32_t)(n - (lif_neuron *)pop->state),
                    n->t_check, &n->t_wake, &n->stamp);
}

static void lif_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                        unsigned r, const uint32_t *tgt, const float *w,
                        size_t count, double scale) {
  const lif_consts *c = pop->consts;
  if (c->epoch) {
    slp__lif_epoch_deliver(pop, win, t, r, tgt, w, count, scale);
    return;
  }
  lif_neuron *state = pop->state;
  unsigned cur = c->slot[r]; /* the current the receptor feeds */
  for (size_t k = 0; k < count; k++) {
    lif_neuron *n = &state[tgt[k]];
    /* Crossings up to the input's tick come first: the neuron fires before
     * the input is applied when the crossing tick is <= the input tick. */
    fire_through(pop, win, n, tgt[k], t);
    advance(c, n, tgt[k], t);
    n->i[cur] += (double)w[k] * scale;
    update_check(c, n, tgt[k]);
    schedule(pop, win, n);
  }
}

static void lif_settle(slp__pop *pop, slp__window *win, const uint32_t *idx,
                       size_t count) {
  const lif_consts *c = pop->consts;
  if (c->epoch) {
    slp__lif_epoch_settle(pop, win, idx, count);
    return;
  }
  lif_neuron *state = pop->state;
  slp_tick last = win->t1 - c->grid; /* latest crossing emitted this window */
  for (size_t k = 0; k < count; k++) {
    lif_neuron *n = &state[idx[k]];
    fire_through(pop, win, n, idx[k], last);
    n->stamp = win->serial;
    schedule(pop, win, n);
  }
}

static void lif_wake(slp__pop *pop, slp__window *win, uint32_t i) {
  const lif_consts *c = pop->consts;
  if (c->epoch) {
    slp__lif_epoch_wake(pop, win, i);
    return;
  }
  lif_neuron *n = &((lif_neuron *)pop->state)[i];
  slp__pop_wake_due(pop, win, i, &n->t_wake, &n->stamp);
}

/* Free c and the per-neuron arrays it holds. */
static void free_consts(lif_consts *c) {
  if (c == NULL)
    return;
  slp__free(c->u_th_n);
  slp__free(c->u_reset_n);
  slp__free(c->v_leak_n);
  slp__free(c->jump_n);
  slp__free(c->t_ref_n);
  slp__free(c->m_n);
  slp__free(c);
}

/* Which parameter of a lif-like model is which (-1: it has none). */
typedef struct own_index {
  int v_leak, v_th, v_reset, t_ref, beta;
  int tau[3]; /* membrane, then current 0's and current 1's */
} own_index;

/*
 * c's per-neuron arrays (lif.h) for the parameters of p that vary in init:
 * threshold and reset are relative to v_leak, so any of the three varying
 * gives each neuron its u_th and u_reset.  The values are copied (the
 * arrays of init live only through create()).  SLP_ENOMEM.
 */
static int own_params(lif_consts *c, uint32_t n, const slp__pop_init *init,
                      const double *p, own_index x) {
  const double *const *pv = init->param_values;
  int volt = pv[x.v_leak] != NULL || pv[x.v_th] != NULL ||
             pv[x.v_reset] != NULL;
  if (volt) {
    c->u_th_n = slp__malloc((size_t)n * sizeof *c->u_th_n);
    c->u_reset_n = slp__malloc((size_t)n * sizeof *c->u_reset_n);
    c->v_leak_n = slp__malloc((size_t)n * sizeof *c->v_leak_n);
    if (!c->u_th_n || !c->u_reset_n || !c->v_leak_n)
      return SLP_ENOMEM;
    for (uint32_t j = 0; j < n; j++) {
      double leak = pv[x.v_leak] ? pv[x.v_leak][j] : p[x.v_leak];
      c->v_leak_n[j] = leak;
      c->u_th_n[j] = (pv[x.v_th] ? pv[x.v_th][j] : p[x.v_th]) - leak;
      c->u_reset_n[j] = (pv[x.v_reset] ? pv[x.v_reset][j] : p[x.v_reset]) -
                        leak;
    }
  }
  if (x.t_ref >= 0 && pv[x.t_ref] != NULL) {
    c->t_ref_n = slp__malloc((size_t)n * sizeof *c->t_ref_n);
    if (c->t_ref_n == NULL)
      return SLP_ENOMEM;
    c->t_ref = 0; /* the longest: the epoch form's reach depends on it */
    for (uint32_t j = 0; j < n; j++) {
      c->t_ref_n[j] = (slp_tick)llround(pv[x.t_ref][j] / SLP__MS_PER_TICK);
      if (c->t_ref_n[j] > c->t_ref)
        c->t_ref = c->t_ref_n[j];
    }
  }
  int nomem = 0;
  c->m_n = slp__cuba_per_neuron(init, p, x.tau, n, &nomem);
  if (nomem)
    return SLP_ENOMEM;
  if (x.beta >= 0 && pv[x.beta] != NULL) {
    c->jump_n = slp__malloc((size_t)n * sizeof *c->jump_n);
    if (c->jump_n == NULL)
      return SLP_ENOMEM;
    for (uint32_t j = 0; j < n; j++)
      c->jump_n[j] = -pv[x.beta][j];
    c->spike_jump = 1.0; /* nonzero: the epoch form applies jumps */
  }
  return 0;
}

/*
 * The population's runtime from its constants c (filled but for the
 * membrane) and time constants: the membrane, then every neuron at init's
 * tick with v, current 0 = i0 and current 1 = sign1 * i1 (ada_lif keeps its
 * adaptation b as the current -b).  Frees c on failure.
 */
static int make_pop(slp__pop *pop, const slp__pop_init *init, lif_consts *c,
                    const double tau[3], const double *v, const double *i0,
                    const double *i1, double sign1) {
  c->grid = init->grid;
  if (slp__cuba_init(&c->m, tau[0], tau[1], tau[2], init->grid) != 0) {
    free_consts(c);
    return SLP_ENOMEM;
  }
  /* The membrane's decay tables (also the epoch form's factors), by the
   * population's size, not the slice's: tables and exp differ in the last
   * bits, and results must not depend on the partitioning. */
  uint32_t size = init->pop_size > 0 ? init->pop_size : pop->n;
  if (size >= SLP__EXP_TICKS_MIN_NEURONS && slp__cuba_tabulate(&c->m) != 0) {
    slp__cuba_free(&c->m);
    free_consts(c);
    return SLP_ENOMEM;
  }
  lif_neuron *st = slp__malloc((size_t)pop->n * sizeof *st);
  if (st == NULL) {
    slp__cuba_free(&c->m);
    free_consts(c);
    return SLP_ENOMEM;
  }
  for (uint32_t k = 0; k < pop->n; k++) {
    lif_neuron *n = &st[k];
    memset(n, 0, sizeof *n);
    n->u = v[k] - slp__lif_v_leak(c, k);
    n->i[0] = i0[k];
    n->i[1] = sign1 * i1[k];
    n->t_last = init->t0;
    n->t_ref_end = init->t0;
    n->t_wake = SLP__NEVER;
    n->stamp = UINT32_MAX;
    update_check(c, n, k);
  }
  pop->consts = c;
  pop->state = st;
  pop->state_bytes = (size_t)pop->n * sizeof *st;
  return 0;
}

static int lif_create(slp__pop *pop, const slp__pop_init *init) {
  const double *p = pop->params;
  lif_consts *c = slp__calloc(1, sizeof *c);
  if (c == NULL)
    return SLP_ENOMEM;
  c->v_leak = p[P_V_LEAK];
  c->u_th = p[P_V_TH] - p[P_V_LEAK];
  c->u_reset = p[P_V_RESET] - p[P_V_LEAK];
  c->t_ref = (slp_tick)llround(p[P_T_REF] / SLP__MS_PER_TICK);
  c->slot[0] = 0;
  c->slot[1] = 1;
  own_index x = {P_V_LEAK, P_V_TH, P_V_RESET, P_T_REF, -1,
                 {P_TAU_MEM, P_TAU_SYN_EXC, P_TAU_SYN_INH}};
  if (own_params(c, pop->n, init, p, x) != 0) {
    free_consts(c);
    return SLP_ENOMEM;
  }
  const double tau[3] = {p[P_TAU_MEM], p[P_TAU_SYN_EXC], p[P_TAU_SYN_INH]};
  return make_pop(pop, init, c, tau, init->values[S_V],
                  init->values[S_I_EXC], init->values[S_I_INH], 1.0);
}

/* Switch to the epoch form when the time constants and the window allow it
 * (lif.h): every neuron still refers to the first window's start. */
static void lif_prime(slp__pop *pop, slp__window *win) {
  const lif_consts *c = pop->consts;
  if (slp__lif_epoch_usable(c, win->t1 - win->t0)) {
    int rc = slp__lif_epoch_enter(pop, win->t0);
    if (rc != 0) {
      win->err = rc;
      return;
    }
    slp__lif_epoch_prime(pop, win);
    return;
  }
  lif_neuron *st = pop->state;
  for (uint32_t k = 0; k < pop->n; k++)
    schedule(pop, win, &st[k]);
}

static double lif_get(const slp__pop *pop, uint32_t i, int var, slp_tick t) {
  const lif_consts *c = pop->consts;
  if (c->epoch)
    return slp__lif_epoch_get(pop, i, var, t);
  lif_neuron n = ((const lif_neuron *)pop->state)[i];
  advance(c, &n, i, t);
  switch (var) {
  case S_V:
    return n.u + slp__lif_v_leak(c, i);
  case S_I_EXC:
    return n.i[0];
  case S_I_INH: /* ada_lif: b, the adaptation current, kept as -b */
    return c->ada ? -n.i[1] : n.i[1];
  default:
    return (double)NAN;
  }
}

static void lif_destroy(slp__pop *pop) {
  lif_consts *c = pop->consts;
  if (c != NULL)
    slp__cuba_free(&c->m);
  free_consts(c);
  slp__free(pop->state);
  pop->consts = pop->state = NULL;
}

/* Norse's LIFParameters.bio_default() (models.md §1): ms and mV; a module
 * starts at v_leak, which is v's default already. */
static int lif_preset(const char *name, double *p, double *state,
                      int *state_set) {
  (void)state;
  (void)state_set;
  if (strcmp(name, "bio") != 0)
    return SLP_ENOENT;
  p[P_TAU_SYN_EXC] = p[P_TAU_SYN_INH] = 2.0;
  p[P_TAU_MEM] = 10.0;
  p[P_V_LEAK] = -70.0;
  p[P_V_TH] = -55.0;
  p[P_V_RESET] = -70.0;
  return 0;
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
    .preset = lif_preset,
    .per_neuron = (1u << P_COUNT) - 1, /* all */
};

/* --- ada_lif: LIF with an adaptation current ------------------------------ */

/*
 * Norse's ada_lif_step (models.md §6) in continuous time:
 *
 *   tau_mem du/dt = -u + i - b,   tau_syn di/dt = -i,   tau_adapt db/dt = -b
 *   input of weight w (either receptor): i += w;  spike: v = v_reset, b += beta
 *
 * b is a current that only lowers u, so it rides in lif's second current as
 * -b with time constant tau_adapt: the propagator, the bounds (which drop
 * negative currents) and the crossing search are lif's.  Norse resets by
 * subtracting v_th - v_reset; at an exact crossing v is v_th, so that is
 * v_reset too (in norse mode the subtraction is taken as Norse takes it).
 */
enum { A_TAU_MEM, A_TAU_SYN, A_TAU_ADAPT, A_V_LEAK, A_V_TH, A_V_RESET, A_BETA,
       A_COUNT };

static const slp__var_desc ada_params[A_COUNT] = {
    [A_TAU_MEM] = {"tau_mem", {"tau_m", NULL}, SLP_DIM_TIME, 10.0, -1, NULL},
    [A_TAU_SYN] = {"tau_syn", {NULL}, SLP_DIM_TIME, 5.0, -1, NULL},
    [A_TAU_ADAPT] = {"tau_adapt", {NULL}, SLP_DIM_TIME, 800000.0, -1, NULL},
    [A_V_LEAK] = {"v_leak", {"v_rest", NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [A_V_TH] = {"v_th", {"v_thresh", NULL}, SLP_DIM_VOLTAGE, 1000.0, -1, NULL},
    [A_V_RESET] = {"v_reset", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [A_BETA] = {"beta", {NULL}, SLP_DIM_VOLTAGE, 1800.0, -1, NULL},
};

enum { AS_V, AS_I, AS_B, AS_COUNT };

static const slp__var_desc ada_state[AS_COUNT] = {
    [AS_V] = {"v", {NULL}, SLP_DIM_VOLTAGE, 0.0, A_V_LEAK, NULL},
    [AS_I] = {"i", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [AS_B] = {"b", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
};

static int ada_check(const double *p, char *why, size_t cap) {
  static const int tau[3] = {A_TAU_MEM, A_TAU_SYN, A_TAU_ADAPT};
  int rc = check_membrane(p, ada_params, A_COUNT, tau, A_V_RESET, A_V_TH, why,
                          cap);
  if (rc == 0 && !(p[A_BETA] >= 0)) {
    snprintf(why, cap, "beta must be >= 0, not %g mV", p[A_BETA]);
    return SLP_ERANGE;
  }
  return rc;
}

static int ada_create(slp__pop *pop, const slp__pop_init *init) {
  const double *p = pop->params;
  lif_consts *c = slp__calloc(1, sizeof *c);
  if (c == NULL)
    return SLP_ENOMEM;
  c->v_leak = p[A_V_LEAK];
  c->u_th = p[A_V_TH] - p[A_V_LEAK];
  c->u_reset = p[A_V_RESET] - p[A_V_LEAK];
  c->t_ref = 0;
  c->slot[0] = c->slot[1] = 0; /* both receptors feed i */
  c->spike_jump = -p[A_BETA];
  c->ada = 1;
  own_index x = {A_V_LEAK, A_V_TH, A_V_RESET, -1, A_BETA,
                 {A_TAU_MEM, A_TAU_SYN, A_TAU_ADAPT}};
  if (own_params(c, pop->n, init, p, x) != 0) {
    free_consts(c);
    return SLP_ENOMEM;
  }
  const double tau[3] = {p[A_TAU_MEM], p[A_TAU_SYN], p[A_TAU_ADAPT]};
  return make_pop(pop, init, c, tau, init->values[AS_V], init->values[AS_I],
                  init->values[AS_B], -1.0);
}

const slp__model slp__model_ada_lif = {
    .name = "ada_lif",
    .params = ada_params,
    .n_params = A_COUNT,
    .state = ada_state,
    .n_state = AS_COUNT,
    .receptors = lif_receptors,
    .n_receptors = NREC,
    .param_group = NULL,
    .check = ada_check,
    .create = ada_create,
    .destroy = lif_destroy,
    .prime = lif_prime,
    .deliver = lif_deliver,
    .settle = lif_settle,
    .wake = lif_wake,
    .get = lif_get,
    .per_neuron = (1u << A_COUNT) - 1, /* all */
};
