/*
 * neurons/lif_ex.c -- exponential integrate-and-fire with an exponentially
 * decaying synaptic current (Norse's LIFEx, reference/models.md §7).
 *
 *   tau_mem dv/dt = v_leak - v + i + delta_T exp((v - v_th) / delta_T)
 *   tau_syn di/dt = -i
 *   input of weight w (either receptor):  i += w
 *   spike when v > v_th (strict); then v = v_reset.
 *
 * As in Norse, the spike is detected at v_th itself -- the exponential's
 * soft threshold -- not at a separate v_peak as in the textbook EIF, so the
 * exponential term contributes at most delta_T before the reset.  There is
 * no closed form: v is integrated numerically between events with the
 * crossing located to the tick (neurons/ode.h).  i is integrated alongside
 * (its error is controlled like v's).
 *
 * delta_T = 0 (Norse's bio_default) makes Norse compute 0 * exp(+-inf),
 * NaN at and above threshold (models.md §19.5).  Here the term is its limit
 * below threshold, 0: the model is then a plain LIF, as the physics says.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "neurons/model.h"
#include "neurons/ode.h"
#include "neurons/pop.h"

enum { P_DELTA_T, P_TAU_SYN, P_TAU_MEM, P_V_LEAK, P_V_TH, P_V_RESET,
       P_ABS_TOL, P_REL_TOL, P_COUNT };

/* Norse's technical defaults read as SI (as lif.c): v_th = 1 V = 1000 mV,
 * delta_T = 0.5 V.  The two tolerances bound the local error of each
 * integration step: abs_tol in the state's API units (mV), rel_tol relative
 * to the state. */
static const slp__var_desc lif_ex_params[P_COUNT] = {
    [P_DELTA_T] = {"delta_T", {NULL}, SLP_DIM_VOLTAGE, 500.0, -1, NULL},
    [P_TAU_SYN] = {"tau_syn", {NULL}, SLP_DIM_TIME, 5.0, -1, NULL},
    [P_TAU_MEM] = {"tau_mem", {"tau_m", NULL}, SLP_DIM_TIME, 10.0, -1, NULL},
    [P_V_LEAK] = {"v_leak", {"v_rest", NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [P_V_TH] = {"v_th", {"v_thresh", NULL}, SLP_DIM_VOLTAGE, 1000.0, -1, NULL},
    [P_V_RESET] = {"v_reset", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [P_ABS_TOL] = {"ode_abs_tol", {NULL}, SLP_DIM_NONE, 1e-6, -1, NULL},
    [P_REL_TOL] = {"ode_rel_tol", {NULL}, SLP_DIM_NONE, 1e-6, -1, NULL},
};

enum { S_V, S_I, S_COUNT };

/* Norse's LIFEx modules start at v = v_leak, i = 0. */
static const slp__var_desc lif_ex_state[S_COUNT] = {
    [S_V] = {"v", {NULL}, SLP_DIM_VOLTAGE, 0.0, P_V_LEAK, NULL},
    [S_I] = {"i", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
};

/* Both receptors add to the one current (weights carry the sign); they
 * exist so that projections written for lif (receptor: inh) run unchanged. */
static const char *const lif_ex_receptors[] = {"exc", "inh"};

typedef struct lif_ex_consts {
  slp__ode ode;       /* first: the integrator (ode.h); it points back here */
  double inv_tau_m;   /* 1/ms */
  double inv_tau_s;   /* 1/ms */
  double v_leak;      /* mV */
  double v_th;        /* mV */
  double v_reset;     /* mV */
  double delta_t;     /* mV; 0: no exponential term */
  double inv_delta_t; /* 1/mV (0 when delta_t is 0) */
} lif_ex_consts;

/* delta_T exp((v - v_th)/delta_T), its exponent capped: above v_th + 50
 * delta_T only trial steps past a crossing go, and the cap keeps them
 * finite so that the step control can reject them. */
static inline double exp_term(double v, double v_th, double delta_t,
                              double inv_delta_t) {
  if (delta_t == 0.0)
    return 0.0;
  double x = (v - v_th) * inv_delta_t;
  return delta_t * exp(x < 50.0 ? x : 50.0);
}

static int lif_ex_rhs(double s, const double y[], double dyds[], void *arg) {
  (void)s;
  const lif_ex_consts *c = arg;
  double v = y[S_V], i = y[S_I];
  dyds[S_V] = (c->v_leak - v + i + exp_term(v, c->v_th, c->delta_t,
                                            c->inv_delta_t)) * c->inv_tau_m;
  dyds[S_I] = -i * c->inv_tau_s;
  return 0;
}

static void lif_ex_reset(const void *arg, double *y) {
  const lif_ex_consts *c = arg;
  y[S_V] = c->v_reset;
}

static void lif_ex_jump(const void *arg, double *y, unsigned r, double w) {
  (void)arg;
  (void)r;
  y[S_I] += w;
}

static int lif_ex_check(const double *p, char *why, size_t cap) {
  for (size_t k = 0; k < P_COUNT; k++)
    if (!isfinite(p[k])) {
      snprintf(why, cap, "%s must be finite", lif_ex_params[k].name);
      return SLP_ERANGE;
    }
  const int pos[] = {P_TAU_SYN, P_TAU_MEM, P_ABS_TOL, P_REL_TOL};
  for (size_t k = 0; k < sizeof pos / sizeof pos[0]; k++)
    if (!(p[pos[k]] > 0)) {
      snprintf(why, cap, "%s must be > 0, not %g", lif_ex_params[pos[k]].name,
               p[pos[k]]);
      return SLP_ERANGE;
    }
  if (!(p[P_DELTA_T] >= 0)) {
    snprintf(why, cap, "delta_T must be >= 0, not %g mV", p[P_DELTA_T]);
    return SLP_ERANGE;
  }
  if (!(p[P_V_RESET] < p[P_V_TH])) {
    snprintf(why, cap, "v_reset (%g mV) must be below v_th (%g mV)",
             p[P_V_RESET], p[P_V_TH]);
    return SLP_ERANGE;
  }
  return 0;
}

/* The constants of parameters p (ode.h's slp__ode_fill). */
static void lif_ex_fill(const double *p, void *out, double *th,
                        slp_tick *t_ref, double *h0) {
  lif_ex_consts *c = out;
  c->inv_tau_m = 1.0 / p[P_TAU_MEM];
  c->inv_tau_s = 1.0 / p[P_TAU_SYN];
  c->v_leak = p[P_V_LEAK];
  c->v_th = p[P_V_TH];
  c->v_reset = p[P_V_RESET];
  c->delta_t = p[P_DELTA_T];
  c->inv_delta_t = c->delta_t > 0 ? 1.0 / c->delta_t : 0.0;
  *th = c->v_th;
  *t_ref = 0;
  *h0 = 0.01 * fmin(p[P_TAU_MEM], p[P_TAU_SYN]);
}

static int lif_ex_create(slp__pop *pop, const slp__pop_init *init) {
  static const slp__ode_model kind = {sizeof(lif_ex_consts), S_COUNT, S_V,
                                      P_ABS_TOL, P_REL_TOL, lif_ex_fill,
                                      lif_ex_rhs, lif_ex_reset, lif_ex_jump};
  return slp__ode_create(pop, init, &kind);
}

/* Norse's bio_default(): ms and mV. */
static int lif_ex_preset(const char *name, double *p, double *state,
                         int *state_set) {
  if (strcmp(name, "bio") != 0)
    return SLP_ENOENT;
  p[P_DELTA_T] = 0.0;
  p[P_TAU_SYN] = 2.0;
  p[P_TAU_MEM] = 10.0;
  p[P_V_LEAK] = -70.0;
  p[P_V_TH] = -55.0;
  p[P_V_RESET] = -70.0;
  (void)state;
  (void)state_set; /* v starts at v_leak anyway */
  return 0;
}

const slp__model slp__model_lif_ex = {
    .name = "lif_ex",
    .params = lif_ex_params,
    .n_params = P_COUNT,
    .state = lif_ex_state,
    .n_state = S_COUNT,
    .receptors = lif_ex_receptors,
    .n_receptors = 2,
    .param_group = NULL,
    .check = lif_ex_check,
    .create = lif_ex_create,
    .destroy = slp__ode_destroy,
    .prime = slp__ode_prime,
    .deliver = slp__ode_deliver,
    .settle = slp__ode_settle,
    .wake = slp__ode_wake,
    .get = slp__ode_get,
    .preset = lif_ex_preset,
    .per_neuron = ((1u << P_COUNT) - 1) & ~(1u << P_ABS_TOL | 1u << P_REL_TOL),
    .per_neuron_why = SLP__ODE_TOL_WHY,
};
