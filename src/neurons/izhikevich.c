/*
 * neurons/izhikevich.c -- Izhikevich's simple model (Izhikevich 2003,
 * 2004; Norse's Izhikevich, reference/models.md §10), with Norse's named
 * presets.
 *
 *   tau dv/dt = sq v^2 + mn v + bias - u        (v, u in mV, sq in 1/mV)
 *   tau du/dt = a (b v - u)
 *   input of weight w (either receptor):  v += w
 *   spike when v > v_th (strict); then v = c, u += d.
 *
 * Norse writes the model in "model time" tau_inv t: its tau_inv = 250/s
 * makes one of Izhikevich's ms last 4 ms of simulated time; here the rate
 * is given as the time constant tau = 1/tau_inv.  Izhikevich's input
 * current I is part of bias (I = 10 is bias: 150 mV).  Norse's input is a
 * current held for one step; in continuous time an input is a jump of v
 * (a delta synapse, as the box models), and drive that lasts is bias.
 *
 * No closed form: (v, u) are integrated numerically between events, the
 * crossing of v_th located to the tick (neurons/ode.h); v's blow-up lies
 * beyond v_th, so the integration never reaches it.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "neurons/model.h"
#include "neurons/ode.h"
#include "neurons/pop.h"

enum { P_A, P_B, P_C, P_D, P_SQ, P_MN, P_BIAS, P_V_TH, P_TAU, P_ABS_TOL,
       P_REL_TOL, P_COUNT };

/* Norse has no defaults for a, b, c, d; these are its tonic_spiking
 * preset's, so that a population without parameters does something
 * sensible.  sq is per mV; bias, c, d, v_th are voltages (write the unit:
 * bias: 140 mV). */
static const slp__var_desc izh_params[P_COUNT] = {
    [P_A] = {"a", {NULL}, SLP_DIM_NONE, 0.02, -1, NULL},
    [P_B] = {"b", {NULL}, SLP_DIM_NONE, 0.2, -1, NULL},
    [P_C] = {"c", {NULL}, SLP_DIM_VOLTAGE, -65.0, -1, NULL},
    [P_D] = {"d", {NULL}, SLP_DIM_VOLTAGE, 6.0, -1, NULL},
    [P_SQ] = {"sq", {NULL}, SLP_DIM_NONE, 0.04, -1, NULL},
    [P_MN] = {"mn", {NULL}, SLP_DIM_NONE, 5.0, -1, NULL},
    [P_BIAS] = {"bias", {NULL}, SLP_DIM_VOLTAGE, 140.0, -1, NULL},
    [P_V_TH] = {"v_th", {NULL}, SLP_DIM_VOLTAGE, 30.0, -1, NULL},
    [P_TAU] = {"tau", {NULL}, SLP_DIM_TIME, 4.0, -1, NULL},
    [P_ABS_TOL] = {"ode_abs_tol", {NULL}, SLP_DIM_NONE, 1e-6, -1, NULL},
    [P_REL_TOL] = {"ode_rel_tol", {NULL}, SLP_DIM_NONE, 1e-6, -1, NULL},
};

enum { S_V, S_U, S_COUNT };

/* tonic_spiking's initial state (v0 = -70 mV, u0 = b v0). */
static const slp__var_desc izh_state[S_COUNT] = {
    [S_V] = {"v", {NULL}, SLP_DIM_VOLTAGE, -70.0, -1, NULL},
    [S_U] = {"u", {NULL}, SLP_DIM_VOLTAGE, -14.0, -1, NULL},
};

static const char *const izh_receptors[] = {"exc", "inh"};

typedef struct izh_consts {
  slp__ode ode;     /* first: the integrator (ode.h); it points back here */
  double a, b;      /* recovery rate and sensitivity */
  double c, d;      /* reset of v, jump of u, mV */
  double sq, mn;    /* v's quadratic and linear coefficients */
  double bias;      /* mV */
  double inv_tau;   /* tau_inv, 1/ms */
} izh_consts;

static int izh_rhs(double s, const double y[], double dyds[], void *arg) {
  (void)s;
  const izh_consts *c = arg;
  double v = y[S_V], u = y[S_U];
  dyds[S_V] = ((c->sq * v + c->mn) * v + c->bias - u) * c->inv_tau;
  dyds[S_U] = c->a * (c->b * v - u) * c->inv_tau;
  return 0;
}

static void izh_reset(const void *arg, double *y) {
  const izh_consts *c = arg;
  y[S_V] = c->c;
  y[S_U] += c->d;
}

static void izh_jump(const void *arg, double *y, unsigned r, double w) {
  (void)arg;
  (void)r;
  y[S_V] += w;
}

static int izh_check(const double *p, char *why, size_t cap) {
  for (size_t k = 0; k < P_COUNT; k++)
    if (!isfinite(p[k])) {
      snprintf(why, cap, "%s must be finite", izh_params[k].name);
      return SLP_ERANGE;
    }
  const int pos[] = {P_TAU, P_ABS_TOL, P_REL_TOL};
  for (size_t k = 0; k < sizeof pos / sizeof pos[0]; k++)
    if (!(p[pos[k]] > 0)) {
      snprintf(why, cap, "%s must be > 0, not %g", izh_params[pos[k]].name,
               p[pos[k]]);
      return SLP_ERANGE;
    }
  if (!(p[P_C] < p[P_V_TH])) {
    snprintf(why, cap, "c, the reset (%g mV), must be below v_th (%g mV)",
             p[P_C], p[P_V_TH]);
    return SLP_ERANGE;
  }
  return 0;
}

/* The constants of parameters p (ode.h's slp__ode_fill). */
static void izh_fill(const double *p, void *out, double *th, slp_tick *t_ref,
                     double *h0) {
  izh_consts *c = out;
  c->a = p[P_A];
  c->b = p[P_B];
  c->c = p[P_C];
  c->d = p[P_D];
  c->sq = p[P_SQ];
  c->mn = p[P_MN];
  c->bias = p[P_BIAS];
  c->inv_tau = 1.0 / p[P_TAU];
  *th = p[P_V_TH];
  *t_ref = 0;
  *h0 = 0.01 * p[P_TAU];
}

static int izh_create(slp__pop *pop, const slp__pop_init *init) {
  static const slp__ode_model kind = {sizeof(izh_consts), S_COUNT, S_V,
                                      P_ABS_TOL, P_REL_TOL, izh_fill,
                                      izh_rhs, izh_reset, izh_jump};
  return slp__ode_create(pop, init, &kind);
}

/* Norse's presets (izhikevich.py; models.md §10): a, b, c, d, mn, bias,
 * tau_inv (as tau = 1000/tau_inv ms), v0, u0.  All have sq = 0.04 and
 * v_th = 30; u0 = b v0 except accomodation's (-16). */
static const struct izh_preset {
  const char *name;
  double a, b, c, d, mn, bias, tau_inv, v0, u0;
} presets[] = {
    {"tonic_spiking", 0.02, 0.2, -65, 6, 5, 140, 250, -70, -14},
    {"phasic_spiking", 0.02, 0.25, -65, 6, 5, 140, 250, -64, -16},
    {"tonic_bursting", 0.02, 0.2, -50, 2, 5, 140, 250, -70, -14},
    {"phasic_bursting", 0.02, 0.25, -55, 0.05, 5, 140, 200, -64, -16},
    {"mixed_mode", 0.02, 0.2, -55, 4, 5, 140, 250, -70, -14},
    {"spike_frequency_adaptation", 0.01, 0.2, -65, 8, 5, 140, 250, -70, -14},
    {"class_1_exc", 0.02, -0.1, -55, 6, 4.1, 108, 250, -60, 6},
    {"class_2_exc", 0.2, 0.26, -65, 0, 5, 140, 250, -64, -16.64},
    {"spike_latency", 0.02, 0.2, -65, 6, 5, 140, 250, -70, -14},
    {"subthreshold_oscillation", 0.05, 0.26, -60, 0, 5, 140, 250, -62,
     -16.12},
    {"resonator", 0.1, 0.26, -60, -1, 5, 140, 250, -62, -16.12},
    {"integrator", 0.02, -0.1, -55, 6, 4.1, 108, 250, -60, 6},
    {"rebound_spike", 0.03, 0.25, -60, 4, 5, 140, 200, -64, -16},
    {"rebound_burst", 0.03, 0.25, -52, 0, 5, 140, 200, -64, -16},
    {"threshold_variability", 0.03, 0.25, -60, 4, 5, 140, 250, -64, -16},
    {"bistability", 0.1, 0.26, -60, 0, 5, 140, 250, -61, -15.86},
    {"dap", 1.0, 0.2, -60, -21, 5, 140, 100, -70, -14},
    {"accomodation", 0.02, 1.0, -55, 4, 5, 140, 500, -65, -16},
    {"inhibition_induced_spiking", -0.02, -1.0, -60, 8, 5, 140, 250, -63.8,
     63.8},
    {"inhibition_induced_bursting", -0.026, -1.0, -45, -2, 5, 140, 250,
     -63.8, 63.8},
};

static int izh_preset(const char *name, double *p, double *state,
                      int *state_set) {
  for (size_t k = 0; k < sizeof presets / sizeof presets[0]; k++) {
    const struct izh_preset *q = &presets[k];
    if (strcmp(name, q->name) != 0)
      continue;
    p[P_A] = q->a;
    p[P_B] = q->b;
    p[P_C] = q->c;
    p[P_D] = q->d;
    p[P_SQ] = 0.04;
    p[P_MN] = q->mn;
    p[P_BIAS] = q->bias;
    p[P_V_TH] = 30.0;
    p[P_TAU] = 1000.0 / q->tau_inv;
    state[S_V] = q->v0;
    state[S_U] = q->u0;
    state_set[S_V] = state_set[S_U] = 1;
    return 0;
  }
  return SLP_ENOENT;
}

const slp__model slp__model_izhikevich = {
    .name = "izhikevich",
    .params = izh_params,
    .n_params = P_COUNT,
    .state = izh_state,
    .n_state = S_COUNT,
    .receptors = izh_receptors,
    .n_receptors = 2,
    .param_group = NULL,
    .check = izh_check,
    .create = izh_create,
    .destroy = slp__ode_destroy,
    .prime = slp__ode_prime,
    .deliver = slp__ode_deliver,
    .settle = slp__ode_settle,
    .wake = slp__ode_wake,
    .get = slp__ode_get,
    .preset = izh_preset,
    .per_neuron = ((1u << P_COUNT) - 1) & ~(1u << P_ABS_TOL | 1u << P_REL_TOL),
    .per_neuron_why = SLP__ODE_TOL_WHY,
};
