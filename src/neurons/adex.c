/*
 * neurons/adex.c -- the adaptive exponential integrate-and-fire neuron,
 * with and without a refractory period (Norse's LIFAdEx and LIFAdExRefrac,
 * reference/models.md §8).
 *
 *   tau_mem dv/dt = v_leak - v + delta_T exp((v - v_th)/delta_T) + i - a
 *   tau_syn di/dt = -i
 *   tau_ada da/dt = adaptation_current (v - v_leak) - a
 *   input of weight w (either receptor):  i += w
 *   spike when v > v_th (strict); then v = v_reset, a += adaptation_spike;
 *   adex_refrac: v then stays at v_reset for t_ref (i and a go on).
 *
 * a is in voltage units (subtracted inside the 1/tau_mem bracket, as in
 * Norse), unlike Brette-Gerstner's w, a current.  As in lif_ex the spike is
 * detected at the soft threshold v_th, and delta_T = 0 means "no
 * exponential term" (its limit below threshold) rather than Norse's NaN.
 * No closed form: (v, i, a) are integrated numerically between events,
 * crossings located to the tick (neurons/ode.h).
 *
 * Norse's refractory AdEx adds adaptation_spike for "would-be" spikes while
 * v is clamped (models.md §19.6); with v held at v_reset < v_th no such
 * spike exists in continuous time, so a jumps only at real spikes here.
 * Norse's refractory count rho_reset (steps) is given as the time t_ref.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "neurons/model.h"
#include "neurons/ode.h"
#include "neurons/pop.h"

enum { P_ADAPT_CURRENT, P_ADAPT_SPIKE, P_DELTA_T, P_TAU_ADA, P_TAU_SYN,
       P_TAU_MEM, P_V_LEAK, P_V_TH, P_V_RESET, P_ABS_TOL, P_REL_TOL, P_T_REF,
       P_COUNT };

/* Norse's technical defaults read as SI, as lif.c does: voltages 1 = 1 V
 * (adaptation_spike 0.02 -> 20 mV, delta_T 0.5 -> 500 mV), tau_ada_inv = 2
 * -> tau_ada = 0.5 s; rho_reset = 5 steps of Norse's 1 ms -> t_ref = 5 ms.
 * t_ref comes last so that adex, which has no refractory period, takes the
 * table without it. */
static const slp__var_desc adex_params[P_COUNT] = {
    [P_ADAPT_CURRENT] = {"adaptation_current", {NULL}, SLP_DIM_NONE, 4.0,
                         -1, NULL},
    [P_ADAPT_SPIKE] = {"adaptation_spike", {NULL}, SLP_DIM_VOLTAGE, 20.0, -1,
                       NULL},
    [P_DELTA_T] = {"delta_T", {NULL}, SLP_DIM_VOLTAGE, 500.0, -1, NULL},
    [P_TAU_ADA] = {"tau_ada", {"tau_w", NULL}, SLP_DIM_TIME, 500.0, -1, NULL},
    [P_TAU_SYN] = {"tau_syn", {NULL}, SLP_DIM_TIME, 5.0, -1, NULL},
    [P_TAU_MEM] = {"tau_mem", {"tau_m", NULL}, SLP_DIM_TIME, 10.0, -1, NULL},
    [P_V_LEAK] = {"v_leak", {"v_rest", NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [P_V_TH] = {"v_th", {"v_thresh", NULL}, SLP_DIM_VOLTAGE, 1000.0, -1, NULL},
    [P_V_RESET] = {"v_reset", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [P_ABS_TOL] = {"ode_abs_tol", {NULL}, SLP_DIM_NONE, 1e-6, -1, NULL},
    [P_REL_TOL] = {"ode_rel_tol", {NULL}, SLP_DIM_NONE, 1e-6, -1, NULL},
    [P_T_REF] = {"t_ref", {"tau_refrac", NULL}, SLP_DIM_TIME, 5.0, -1, NULL},
};

enum { S_V, S_I, S_A, S_COUNT };

/* Norse's modules start at v = v_leak, i = 0, a = 0. */
static const slp__var_desc adex_state[S_COUNT] = {
    [S_V] = {"v", {NULL}, SLP_DIM_VOLTAGE, 0.0, P_V_LEAK, NULL},
    [S_I] = {"i", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [S_A] = {"a", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
};

/* Both receptors add to the one current (weights carry the sign). */
static const char *const adex_receptors[] = {"exc", "inh"};

typedef struct adex_consts {
  slp__ode ode;       /* first: the integrator (ode.h); it points back here */
  double inv_tau_m;   /* 1/ms */
  double inv_tau_s;   /* 1/ms */
  double inv_tau_a;   /* 1/ms */
  double kappa;       /* adaptation_current */
  double a_jump;      /* adaptation_spike, mV */
  double v_leak;      /* mV */
  double v_th;        /* mV */
  double v_reset;     /* mV */
  double delta_t;     /* mV; 0: no exponential term */
  double inv_delta_t; /* 1/mV (0 when delta_t is 0) */
} adex_consts;

static int adex_rhs(double s, const double y[], double dyds[], void *arg) {
  (void)s;
  const adex_consts *c = arg;
  double v = y[S_V], i = y[S_I], a = y[S_A], ex = 0.0;
  if (c->delta_t != 0.0) {
    /* capped as in lif_ex: only rejected trial steps go this far */
    double x = (v - c->v_th) * c->inv_delta_t;
    ex = c->delta_t * exp(x < 50.0 ? x : 50.0);
  }
  dyds[S_V] = (c->v_leak - v + ex + i - a) * c->inv_tau_m;
  dyds[S_I] = -i * c->inv_tau_s;
  dyds[S_A] = (c->kappa * (v - c->v_leak) - a) * c->inv_tau_a;
  return 0;
}

static void adex_reset(const void *arg, double *y) {
  const adex_consts *c = arg;
  y[S_V] = c->v_reset;
  y[S_A] += c->a_jump;
}

static void adex_jump(const void *arg, double *y, unsigned r, double w) {
  (void)arg;
  (void)r;
  y[S_I] += w;
}

static int check(const double *p, size_t n_params, char *why, size_t cap) {
  for (size_t k = 0; k < n_params; k++)
    if (!isfinite(p[k])) {
      snprintf(why, cap, "%s must be finite", adex_params[k].name);
      return SLP_ERANGE;
    }
  const int pos[] = {P_TAU_ADA, P_TAU_SYN, P_TAU_MEM, P_ABS_TOL, P_REL_TOL};
  for (size_t k = 0; k < sizeof pos / sizeof pos[0]; k++)
    if (!(p[pos[k]] > 0)) {
      snprintf(why, cap, "%s must be > 0, not %g", adex_params[pos[k]].name,
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
  if (n_params > P_T_REF && !(p[P_T_REF] >= 0)) {
    snprintf(why, cap, "t_ref must be >= 0, not %g ms", p[P_T_REF]);
    return SLP_ERANGE;
  }
  return 0;
}

static int adex_check(const double *p, char *why, size_t cap) {
  return check(p, P_T_REF, why, cap);
}

static int adex_refrac_check(const double *p, char *why, size_t cap) {
  return check(p, P_COUNT, why, cap);
}

/* The constants of parameters p (ode.h's slp__ode_fill), without or with
 * the refractory period. */
static void fill(const double *p, void *out, double *th, slp_tick *t_ref,
                 double *h0) {
  adex_consts *c = out;
  c->inv_tau_m = 1.0 / p[P_TAU_MEM];
  c->inv_tau_s = 1.0 / p[P_TAU_SYN];
  c->inv_tau_a = 1.0 / p[P_TAU_ADA];
  c->kappa = p[P_ADAPT_CURRENT];
  c->a_jump = p[P_ADAPT_SPIKE];
  c->v_leak = p[P_V_LEAK];
  c->v_th = p[P_V_TH];
  c->v_reset = p[P_V_RESET];
  c->delta_t = p[P_DELTA_T];
  c->inv_delta_t = c->delta_t > 0 ? 1.0 / c->delta_t : 0.0;
  *th = c->v_th;
  *t_ref = 0;
  *h0 = 0.01 * fmin(p[P_TAU_MEM], fmin(p[P_TAU_SYN], p[P_TAU_ADA]));
}

static void fill_refrac(const double *p, void *out, double *th,
                        slp_tick *t_ref, double *h0) {
  fill(p, out, th, t_ref, h0);
  *t_ref = (slp_tick)llround(p[P_T_REF] / SLP__MS_PER_TICK);
}

static int adex_create(slp__pop *pop, const slp__pop_init *init) {
  static const slp__ode_model kind = {sizeof(adex_consts), S_COUNT, S_V,
                                      P_ABS_TOL, P_REL_TOL, fill, adex_rhs,
                                      adex_reset, adex_jump};
  return slp__ode_create(pop, init, &kind);
}

/* adex with Norse's refractory clamp (fill_refrac). */
static int adex_refrac_create(slp__pop *pop, const slp__pop_init *init) {
  static const slp__ode_model kind = {sizeof(adex_consts), S_COUNT, S_V,
                                      P_ABS_TOL, P_REL_TOL, fill_refrac,
                                      adex_rhs, adex_reset, adex_jump};
  return slp__ode_create(pop, init, &kind);
}

/* Norse's bio_default() (lifAdEx): ms and mV. */
static int adex_preset(const char *name, double *p, double *state,
                       int *state_set) {
  (void)state;
  (void)state_set; /* v starts at v_leak anyway */
  if (strcmp(name, "bio") != 0)
    return SLP_ENOENT;
  p[P_ADAPT_CURRENT] = 0.0;
  p[P_ADAPT_SPIKE] = 0.01;
  p[P_DELTA_T] = 2.0;
  p[P_TAU_ADA] = 100.0;
  p[P_TAU_SYN] = 2.0;
  p[P_TAU_MEM] = 10.0;
  p[P_V_LEAK] = -70.0;
  p[P_V_TH] = -55.0;
  p[P_V_RESET] = -70.0;
  return 0;
}

const slp__model slp__model_adex = {
    .name = "adex",
    .params = adex_params,
    .n_params = P_T_REF, /* all but t_ref */
    .state = adex_state,
    .n_state = S_COUNT,
    .receptors = adex_receptors,
    .n_receptors = 2,
    .param_group = NULL,
    .check = adex_check,
    .create = adex_create,
    .destroy = slp__ode_destroy,
    .prime = slp__ode_prime,
    .deliver = slp__ode_deliver,
    .settle = slp__ode_settle,
    .wake = slp__ode_wake,
    .get = slp__ode_get,
    .preset = adex_preset,
    .per_neuron = ((1u << P_T_REF) - 1) & ~(1u << P_ABS_TOL | 1u << P_REL_TOL),
    .per_neuron_why = SLP__ODE_TOL_WHY,
};

const slp__model slp__model_adex_refrac = {
    .name = "adex_refrac",
    .params = adex_params,
    .n_params = P_COUNT,
    .state = adex_state,
    .n_state = S_COUNT,
    .receptors = adex_receptors,
    .n_receptors = 2,
    .param_group = NULL,
    .check = adex_refrac_check,
    .create = adex_refrac_create,
    .destroy = slp__ode_destroy,
    .prime = slp__ode_prime,
    .deliver = slp__ode_deliver,
    .settle = slp__ode_settle,
    .wake = slp__ode_wake,
    .get = slp__ode_get,
    .preset = adex_preset,
    .per_neuron = ((1u << P_COUNT) - 1) & ~(1u << P_ABS_TOL | 1u << P_REL_TOL),
    .per_neuron_why = SLP__ODE_TOL_WHY,
};
