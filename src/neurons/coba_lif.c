/*
 * neurons/coba_lif.c -- conductance-based LIF with exponentially decaying
 * excitatory and inhibitory conductances (Norse's CobaLIF,
 * reference/models.md §9).
 *
 *   c_m dv/dt = g_l (v_rest - v) + g_e (e_rev_E - v) + g_i (e_rev_I - v)
 *   tau_syn_exc dg_e/dt = -g_e,     tau_syn_inh dg_i/dt = -g_i
 *   input of weight w on receptor exc: g_e += w if w > 0, g_i -= w if w < 0
 *     (Norse's rule: the sign of the input picks the channel);
 *   on receptor inh: g_i += |w|
 *   spike when v > v_thresh (strict); then v = v_reset.
 *
 * Units: Norse's c_m_inv (1/C) is given as c_m = 1/c_m_inv, a time (with
 * the conductances dimensionless, c_m / g_l is the membrane time constant).
 * v is linear in itself but its coefficients vary in time; with two time
 * constants there is no closed form (models.md §9, algorithms.md §2.8), so
 * (v, g_e, g_i) are integrated numerically, crossings located to the tick
 * (neurons/ode.h).  With non-negative conductances v relaxes towards a
 * moving convex combination of v_rest, e_rev_E and e_rev_I, so it never
 * leaves the interval they (and its start) span.
 *
 * Norse's recurrent coba_lif_step drops its input spikes (models.md §19.1);
 * here every input acts, as its feed-forward step and the physics say.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "neurons/model.h"
#include "neurons/ode.h"
#include "neurons/pop.h"

enum { P_TAU_SYN_EXC, P_TAU_SYN_INH, P_C_M, P_G_L, P_E_REV_I, P_E_REV_E,
       P_V_REST, P_V_RESET, P_V_THRESH, P_ABS_TOL, P_REL_TOL, P_COUNT };

/* Norse's technical CobaLIFParameters read as SI (DESIGN.md: a bare number
 * is SI): tau_syn_*_inv = 0.2 -> 5 s, c_m_inv = 5 -> c_m = 0.2 s, voltages
 * in volts (e_rev_I = -100 -> -100 V).  They only make sense as Norse uses
 * them, in steps of dt; a model file will normally give its own values or
 * preset: bio. */
static const slp__var_desc coba_params[P_COUNT] = {
    [P_TAU_SYN_EXC] = {"tau_syn_exc", {"tau_syn_E", NULL}, SLP_DIM_TIME,
                       5000.0, -1, NULL},
    [P_TAU_SYN_INH] = {"tau_syn_inh", {"tau_syn_I", NULL}, SLP_DIM_TIME,
                       5000.0, -1, NULL},
    [P_C_M] = {"c_m", {NULL}, SLP_DIM_TIME, 200.0, -1, NULL},
    [P_G_L] = {"g_l", {NULL}, SLP_DIM_NONE, 0.25, -1, NULL},
    [P_E_REV_I] = {"e_rev_I", {NULL}, SLP_DIM_VOLTAGE, -100000.0, -1, NULL},
    [P_E_REV_E] = {"e_rev_E", {NULL}, SLP_DIM_VOLTAGE, 60000.0, -1, NULL},
    [P_V_REST] = {"v_rest", {"v_leak", NULL}, SLP_DIM_VOLTAGE, -20000.0, -1,
                  NULL},
    [P_V_RESET] = {"v_reset", {NULL}, SLP_DIM_VOLTAGE, -70000.0, -1, NULL},
    [P_V_THRESH] = {"v_thresh", {"v_th", NULL}, SLP_DIM_VOLTAGE, -10000.0,
                    -1, NULL},
    [P_ABS_TOL] = {"ode_abs_tol", {NULL}, SLP_DIM_NONE, 1e-6, -1, NULL},
    [P_REL_TOL] = {"ode_rel_tol", {NULL}, SLP_DIM_NONE, 1e-6, -1, NULL},
};

enum { S_V, S_G_E, S_G_I, S_COUNT };

static const slp__var_desc coba_state[S_COUNT] = {
    [S_V] = {"v", {NULL}, SLP_DIM_VOLTAGE, 0.0, P_V_REST, NULL},
    [S_G_E] = {"g_e", {NULL}, SLP_DIM_NONE, 0.0, -1, NULL},
    [S_G_I] = {"g_i", {NULL}, SLP_DIM_NONE, 0.0, -1, NULL},
};

static const char *const coba_receptors[] = {"exc", "inh"};

typedef struct coba_consts {
  slp__ode ode;      /* first: the integrator (ode.h); it points back here */
  double inv_c_m;    /* c_m_inv, 1/ms */
  double g_l;        /* leak conductance */
  double e_e, e_i;   /* reversal potentials, mV */
  double v_rest;     /* mV */
  double v_reset;    /* mV */
  double inv_tau_e;  /* 1/ms */
  double inv_tau_i;  /* 1/ms */
} coba_consts;

static int coba_rhs(double s, const double y[], double dyds[], void *arg) {
  (void)s;
  const coba_consts *c = arg;
  double v = y[S_V], ge = y[S_G_E], gi = y[S_G_I];
  dyds[S_V] = (c->g_l * (c->v_rest - v) + ge * (c->e_e - v) +
               gi * (c->e_i - v)) * c->inv_c_m;
  dyds[S_G_E] = -ge * c->inv_tau_e;
  dyds[S_G_I] = -gi * c->inv_tau_i;
  return 0;
}

static void coba_reset(const void *arg, double *y) {
  const coba_consts *c = arg;
  y[S_V] = c->v_reset;
}

static void coba_jump(const void *arg, double *y, unsigned r, double w) {
  (void)arg;
  if (r == 0 && w >= 0)
    y[S_G_E] += w;
  else
    y[S_G_I] += fabs(w);
}

static size_t coba_param_group(const char *name, size_t *idx, size_t cap) {
  if (strcmp(name, "tau_syn") != 0 || cap < 2)
    return 0;
  idx[0] = P_TAU_SYN_EXC;
  idx[1] = P_TAU_SYN_INH;
  return 2;
}

static int coba_check(const double *p, char *why, size_t cap) {
  for (size_t k = 0; k < P_COUNT; k++)
    if (!isfinite(p[k])) {
      snprintf(why, cap, "%s must be finite", coba_params[k].name);
      return SLP_ERANGE;
    }
  const int pos[] = {P_TAU_SYN_EXC, P_TAU_SYN_INH, P_C_M, P_ABS_TOL,
                     P_REL_TOL};
  for (size_t k = 0; k < sizeof pos / sizeof pos[0]; k++)
    if (!(p[pos[k]] > 0)) {
      snprintf(why, cap, "%s must be > 0, not %g", coba_params[pos[k]].name,
               p[pos[k]]);
      return SLP_ERANGE;
    }
  if (!(p[P_G_L] >= 0)) {
    snprintf(why, cap, "g_l must be >= 0, not %g", p[P_G_L]);
    return SLP_ERANGE;
  }
  if (!(p[P_V_RESET] < p[P_V_THRESH])) {
    snprintf(why, cap, "v_reset (%g mV) must be below v_thresh (%g mV)",
             p[P_V_RESET], p[P_V_THRESH]);
    return SLP_ERANGE;
  }
  return 0;
}

/* The constants of parameters p (ode.h's slp__ode_fill). */
static void coba_fill(const double *p, void *out, double *th,
                      slp_tick *t_ref, double *h0) {
  coba_consts *c = out;
  c->inv_c_m = 1.0 / p[P_C_M];
  c->g_l = p[P_G_L];
  c->e_e = p[P_E_REV_E];
  c->e_i = p[P_E_REV_I];
  c->v_rest = p[P_V_REST];
  c->v_reset = p[P_V_RESET];
  c->inv_tau_e = 1.0 / p[P_TAU_SYN_EXC];
  c->inv_tau_i = 1.0 / p[P_TAU_SYN_INH];
  double tmin = fmin(p[P_TAU_SYN_EXC], p[P_TAU_SYN_INH]);
  if (p[P_G_L] > 0)
    tmin = fmin(tmin, p[P_C_M] / p[P_G_L]);
  *th = p[P_V_THRESH];
  *t_ref = 0;
  *h0 = 0.01 * tmin;
}

static int coba_create(slp__pop *pop, const slp__pop_init *init) {
  static const slp__ode_model kind = {sizeof(coba_consts), S_COUNT, S_V,
                                      P_ABS_TOL, P_REL_TOL, coba_fill,
                                      coba_rhs, coba_reset, coba_jump};
  return slp__ode_create(pop, init, &kind);
}

/* Norse's coba_lif.default_bio_parameters (the rest technical), read as ms
 * and mV as bio parameters are, and default_bio_state's v = -65 mV. */
static int coba_preset(const char *name, double *p, double *state,
                       int *state_set) {
  if (strcmp(name, "bio") != 0)
    return SLP_ENOENT;
  p[P_TAU_SYN_EXC] = 0.3;
  p[P_TAU_SYN_INH] = 0.5;
  p[P_C_M] = 0.2;
  p[P_G_L] = 0.25;
  p[P_E_REV_E] = 0.0;
  p[P_E_REV_I] = -70.0;
  p[P_V_THRESH] = -50.0;
  p[P_V_RESET] = -65.0;
  p[P_V_REST] = -65.0;
  state[S_V] = -65.0;
  state_set[S_V] = 1;
  return 0;
}

const slp__model slp__model_coba_lif = {
    .name = "coba_lif",
    .params = coba_params,
    .n_params = P_COUNT,
    .state = coba_state,
    .n_state = S_COUNT,
    .receptors = coba_receptors,
    .n_receptors = 2,
    .param_group = coba_param_group,
    .check = coba_check,
    .create = coba_create,
    .destroy = slp__ode_destroy,
    .prime = slp__ode_prime,
    .deliver = slp__ode_deliver,
    .settle = slp__ode_settle,
    .wake = slp__ode_wake,
    .get = slp__ode_get,
    .preset = coba_preset,
    .conductance_weights = 1,
    .per_neuron = ((1u << P_COUNT) - 1) & ~(1u << P_ABS_TOL | 1u << P_REL_TOL),
    .per_neuron_why = SLP__ODE_TOL_WHY,
};
