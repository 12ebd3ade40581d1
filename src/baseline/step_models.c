/*
 * baseline/step_models.c -- one step dt of a population, for the dense and
 * clock modes (stepper.h): lif and lif_box, exact or forward Euler.
 *
 * Order within a step (from tick t - h to t), the order of grid mode:
 *   1. propagate the state over the step (v clamped at v_reset while
 *      refractory, the currents going on);
 *   2. a crossing inside the step fires at its end, t, and resets v;
 *   3. the inputs arriving at t are added (lif: to the currents, which v
 *      feels only from then on; lif_box: to v, after which a v over
 *      threshold fires at t as well -- the jump crossing).
 *
 * Exact: the closed-form propagators of neurons/cuba.h and lif_box.c, so a
 * step is what the event path computes for a neuron whose inputs sit on the
 * grid.  For lif a crossing inside the step is found even when v is back
 * below threshold at t (a graze): the linear bound of cuba.h rules it out
 * for almost every neuron without a search.  That makes the spikes those of
 * grid mode.
 *
 * Euler: Norse's discrete update (reference/models.md §1), with the input of
 * tick t - h already in the currents:
 *   v <- v + h/tau_mem (v_leak - v + i_exc + i_inh),  i_k <- (1 - h/tau_k) i_k
 * and the threshold looked at only at t.  A refractory period covers every
 * step that starts before it ends (Norse counts it in whole steps).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "baseline/stepper.h"
#include "neurons/pop.h"

/* Parameter value by name; the models' tables name them (lif.c, lif_box.c). */
static double param(const slp__model *m, const double *p, const char *name) {
  int k = slp__model_param_index(m, name);
  return k >= 0 ? p[k] : (double)NAN;
}

int slp__step_group_init(slp__step_group *g, const slp__model *m,
                         const double *p, int euler, slp_tick h, char *why,
                         size_t cap) {
  memset(g, 0, sizeof *g);
  if (strcmp(m->name, "lif") == 0)
    g->kind = SLP__STEP_LIF;
  else if (strcmp(m->name, "lif_box") == 0)
    g->kind = SLP__STEP_LIF_BOX;
  else {
    snprintf(why, cap, "the dense and clock modes step the models lif and "
             "lif_box only, not '%s'", m->name);
    return SLP_EINVAL;
  }
  if (g->kind == SLP__STEP_LIF_BOX && param(m, p, "reset_method") == 1) {
    snprintf(why, cap, "the dense and clock modes reset by value only, not "
             "by reset_method subtract");
    return SLP_EINVAL;
  }
  double hms = (double)h * SLP__MS_PER_TICK;
  double tau_m = param(m, p, "tau_mem");
  double tau_s[2] = {0, 0};
  if (g->kind == SLP__STEP_LIF) {
    tau_s[0] = param(m, p, "tau_syn_exc");
    tau_s[1] = param(m, p, "tau_syn_inh");
  }
  if (euler) {
    /* 1 - h/tau must lie in (0, 1): beyond, forward Euler overshoots the
     * fixed point every step and is no approximation of the ODE at all. */
    const char *names[3] = {"tau_mem", "tau_syn_exc", "tau_syn_inh"};
    double taus[3] = {tau_m, tau_s[0], tau_s[1]};
    size_t n_tau = g->kind == SLP__STEP_LIF ? 3 : 1;
    for (size_t k = 0; k < n_tau; k++)
      if (!(hms < taus[k])) {
        snprintf(why, cap, "the Euler propagator needs dt below every time "
                 "constant, but dt = %g ms and %s = %g ms", hms, names[k],
                 taus[k]);
        return SLP_ERANGE;
      }
  }
  g->euler = euler;
  g->h = h;
  g->v_leak = param(m, p, "v_leak");
  g->u_th = param(m, p, "v_th") - g->v_leak;
  g->u_reset = param(m, p, "v_reset") - g->v_leak;
  g->t_ref = (slp_tick)llround(param(m, p, "t_ref") / SLP__MS_PER_TICK);
  g->inv_tau_m = 1.0 / tau_m;
  if (euler) {
    g->hm = hms / tau_m;
    g->pm = 1.0 - g->hm;
    for (int k = 0; k < 2; k++)
      g->ps[k] = tau_s[k] > 0 ? 1.0 - hms / tau_s[k] : 0.0;
  } else {
    g->pm = exp(-hms / tau_m);
    if (g->kind == SLP__STEP_LIF) {
      if (slp__cuba_init(&g->m, tau_m, tau_s[0], tau_s[1], h) != 0)
        return SLP_ENOMEM;
      g->has_m = 1;
    }
  }
  return 0;
}

void slp__step_group_free(slp__step_group *g) {
  if (g->has_m)
    slp__cuba_free(&g->m);
  g->has_m = 0;
}

static inline void fire(uint32_t j, slp_tick t, const slp__step_group *g,
                        slp__step_state *st, uint32_t *fired,
                        size_t *n_fired) {
  st->u[j] = g->u_reset;
  st->ref_end[j] = t + g->t_ref;
  fired[(*n_fired)++] = j;
}

/* lif, exact: the closed form over the step, crossings found exactly. */
static void lif_exact(const slp__step_group *g, slp__step_state *st,
                      slp_tick t, const double *in_e, const double *in_i,
                      uint32_t *fired, size_t *n_fired) {
  const slp__cuba *m = &g->m;
  slp_tick ta0 = t - g->h;
  for (uint32_t j = g->first; j < g->first + g->n; j++) {
    double u = st->u[j], i[2] = {st->i[0][j], st->i[1][j]};
    int spike = 0;
    if (t == 0) {
      spike = u > g->u_th;
    } else {
      slp_tick ta = ta0;
      if (st->ref_end[j] > ta) {
        /* v is held at v_reset until ref_end; the currents decay. */
        slp_tick te = st->ref_end[j] < t ? st->ref_end[j] : t;
        double dummy = 0.0;
        slp__cuba_prop(m, te - ta, &dummy, i);
        u = g->u_reset;
        ta = te;
      }
      if (ta < t) {
        double u0 = u, i0[2] = {i[0], i[1]};
        slp__cuba_prop(m, t - ta, &u, i);
        if (u > g->u_th) {
          spike = 1;
        } else if (slp__cuba_lin_bound(m, u0, i0, g->u_th, 0.0, 0.0) <
                   (double)(t - ta) * SLP__MS_PER_TICK) {
          /* Below threshold at t, but it might have been above in between:
           * search the step as the event path does. */
          slp__cuba_traj tr = {m, ta, u0, {i0[0], i0[1]}, g->u_th, 0.0, 0.0};
          slp_tick lb;
          spike = slp__cuba_first_crossing(&tr, ta, t, &lb) != SLP__NEVER;
        }
      }
    }
    st->u[j] = u;
    if (spike)
      fire(j, t, g, st, fired, n_fired);
    st->i[0][j] = i[0] + in_e[j];
    st->i[1][j] = i[1] + in_i[j];
  }
}

/* lif, Euler: Norse's step. */
static void lif_euler(const slp__step_group *g, slp__step_state *st,
                      slp_tick t, const double *in_e, const double *in_i,
                      uint32_t *fired, size_t *n_fired) {
  for (uint32_t j = g->first; j < g->first + g->n; j++) {
    double u = st->u[j], ie = st->i[0][j], ii = st->i[1][j];
    if (t > 0) {
      if (st->ref_end[j] > t - g->h)
        u = g->u_reset;
      else
        u = u + g->hm * (ie + ii - u);
      ie *= g->ps[0];
      ii *= g->ps[1];
    }
    st->u[j] = u;
    if (u > g->u_th)
      fire(j, t, g, st, fired, n_fired);
    st->i[0][j] = ie + in_e[j];
    st->i[1][j] = ii + in_i[j];
  }
}

/* lif_box, exact or Euler: only the decay factor differs. */
static void box_step(const slp__step_group *g, slp__step_state *st,
                     slp_tick t, const double *in_e, const double *in_i,
                     uint32_t *fired, size_t *n_fired) {
  slp_tick ta = t - g->h;
  for (uint32_t j = g->first; j < g->first + g->n; j++) {
    double u = st->u[j];
    slp_tick re = st->ref_end[j];
    if (t > 0) {
      if (re >= t || (g->euler && re > ta))
        u = g->u_reset;
      else if (re > ta) /* refractory ends inside the step */
        u = g->u_reset *
            exp(-(double)(t - re) * SLP__MS_PER_TICK * g->inv_tau_m);
      else
        u *= g->pm;
    }
    st->u[j] = u;
    /* A tonic crossing (v_leak above v_th) inside the step: u is monotone
     * between inputs, so above threshold at t iff it crossed. */
    if (u > g->u_th) {
      fire(j, t, g, st, fired, n_fired);
      u = g->u_reset;
    }
    double x = in_e[j] + in_i[j];
    if (x != 0 && t >= st->ref_end[j]) {
      /* Inputs during the refractory period are discarded (lif_box.c). */
      u += x;
      st->u[j] = u;
      if (u > g->u_th)
        fire(j, t, g, st, fired, n_fired);
    }
  }
}

void slp__step_group_advance(const slp__step_group *g, slp__step_state *st,
                             slp_tick t, const double *in_exc,
                             const double *in_inh, uint32_t *fired,
                             size_t *n_fired) {
  if (g->kind == SLP__STEP_LIF_BOX)
    box_step(g, st, t, in_exc, in_inh, fired, n_fired);
  else if (g->euler)
    lif_euler(g, st, t, in_exc, in_inh, fired, n_fired);
  else
    lif_exact(g, st, t, in_exc, in_inh, fired, n_fired);
}
