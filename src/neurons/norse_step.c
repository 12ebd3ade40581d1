/*
 * neurons/norse_step.c -- Norse's per-step updates (see norse_step.h).
 *
 * Each step follows reference/models.md's statement of Norse's code, in its
 * order: jump-first models add the step's input to the current before the
 * voltage update (LIF, LI, the box models, IAF), LSNN adds it after
 * (jump-last).  The threshold is strict (v > v_th) on the updated voltage,
 * and the reset is by value.  Two receptors (exc, inh) are two currents with
 * their own tau_syn; Norse's single current is their sum when the taus are
 * equal.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sleipnir/error.h"
#include "neurons/norse_step.h"

/* Look a parameter or state variable up by name (the models name them so). */
static double param(const slp__model *m, const double *p, const char *name) {
  int i = slp__model_param_index(m, name);
  return i >= 0 ? p[i] : (double)NAN;
}

static double state_index(const slp__model *m, const char *name) {
  return (double)slp__model_state_index(m, name);
}

/* h = dt / tau must keep Euler's factor 1 - h in [0, 1): beyond that the
 * discrete model oscillates or explodes, which Norse would compute but
 * nobody means. */
static int step_ratio(const char *what, double tau, double dt, double *h,
                      char *why, size_t cap) {
  *h = dt / tau;
  if (!(*h > 0 && *h <= 1)) {
    snprintf(why, cap, "norse mode needs dt (%g ms) no longer than %s "
             "(%g ms)", dt, what, tau);
    return SLP_ERANGE;
  }
  return 0;
}

/* The refractory period as Norse's rho_reset: a whole number of steps. */
static int refractory_steps(double t_ref, double dt, double *rho, char *why,
                            size_t cap) {
  double steps = t_ref / dt;
  *rho = nearbyint(steps);
  if (!(t_ref >= 0) || fabs(steps - *rho) > 1e-9 * (1 + steps)) {
    snprintf(why, cap, "norse mode counts the refractory period in steps: "
             "t_ref (%g ms) must be a whole number of dt (%g ms)", t_ref, dt);
    return SLP_ERANGE;
  }
  return 0;
}

/* Norse's LIFRefrac masking around a step (models.md §2): while rho > 0 the
 * voltage stays at its start-of-step value and no spike is let out; rho
 * counts down and is set to rho_reset by a spike. */
static int refrac_mask(double *v, double v_old, int z, double *rho,
                       double rho_reset) {
  int m = *rho > 0;
  if (m)
    *v = v_old;
  int z_out = m ? 0 : z;
  *rho = z_out ? rho_reset : fmax(*rho - (double)m, 0.0);
  return z_out;
}

/* --- lif and li: v, i_exc, i_inh (+ rho) ------------------------------------ */

enum { LK_HM, LK_HS0, LK_HS1, LK_VL, LK_VTH, LK_VR, LK_RHO, LK_SV, LK_SE,
       LK_SI };
enum { LS_V, LS_IE, LS_II, LS_RHO };

static int lif_setup(const slp__model *m, const double *p, double dt,
                     double *k, char *why, size_t cap) {
  int rc = step_ratio("tau_mem", param(m, p, "tau_mem"), dt, &k[LK_HM], why,
                      cap);
  if (rc == 0)
    rc = step_ratio("tau_syn_exc", param(m, p, "tau_syn_exc"), dt, &k[LK_HS0],
                    why, cap);
  if (rc == 0)
    rc = step_ratio("tau_syn_inh", param(m, p, "tau_syn_inh"), dt, &k[LK_HS1],
                    why, cap);
  if (rc != 0)
    return rc;
  k[LK_VL] = param(m, p, "v_leak");
  k[LK_VTH] = param(m, p, "v_th");   /* NaN for li: never fires */
  k[LK_VR] = param(m, p, "v_reset");
  double t_ref = param(m, p, "t_ref");
  k[LK_RHO] = 0;
  if (!isnan(t_ref) && (rc = refractory_steps(t_ref, dt, &k[LK_RHO], why,
                                              cap)) != 0)
    return rc;
  k[LK_SV] = state_index(m, "v");
  k[LK_SE] = state_index(m, "i_exc");
  k[LK_SI] = state_index(m, "i_inh");
  return 0;
}

static void lif_start(const double *k, const double *init, double *s) {
  s[LS_V] = init[(int)k[LK_SV]];
  s[LS_IE] = init[(int)k[LK_SE]];
  s[LS_II] = init[(int)k[LK_SI]];
  s[LS_RHO] = 0;
}

/* lif_feed_forward_step, jump-first: i+ = i + x; v^ = v + h_m((v_leak - v)
 * + i+); i' = i+ - h_s i+; z = v^ > v_th; v' = v_reset on a spike. */
static int lif_step(const double *k, double *s, const double *x) {
  double v = s[LS_V];
  double ie = s[LS_IE] + x[0], ii = s[LS_II] + x[1];
  double vh = v + k[LK_HM] * ((k[LK_VL] - v) + (ie + ii));
  s[LS_IE] = ie - k[LK_HS0] * ie;
  s[LS_II] = ii - k[LK_HS1] * ii;
  int z = vh > k[LK_VTH];
  s[LS_V] = z ? k[LK_VR] : vh;
  if (k[LK_RHO] > 0)
    z = refrac_mask(&s[LS_V], v, z, &s[LS_RHO], k[LK_RHO]);
  return z;
}

static double lif_get(const double *k, const double *s, int var) {
  if (var == (int)k[LK_SV])
    return s[LS_V];
  if (var == (int)k[LK_SE])
    return s[LS_IE];
  if (var == (int)k[LK_SI])
    return s[LS_II];
  return NAN;
}

/* --- li_box and lif_box: v (+ rho) ------------------------------------------ */

enum { BK_HM, BK_VL, BK_VTH, BK_VR, BK_RHO };
enum { BS_V, BS_RHO };

static int box_setup(const slp__model *m, const double *p, double dt,
                     double *k, char *why, size_t cap) {
  int rc = step_ratio("tau_mem", param(m, p, "tau_mem"), dt, &k[BK_HM], why,
                      cap);
  if (rc != 0)
    return rc;
  k[BK_VL] = param(m, p, "v_leak");
  k[BK_VTH] = param(m, p, "v_th"); /* NaN for li_box */
  k[BK_VR] = param(m, p, "v_reset");
  double t_ref = param(m, p, "t_ref");
  k[BK_RHO] = 0;
  if (!isnan(t_ref))
    rc = refractory_steps(t_ref, dt, &k[BK_RHO], why, cap);
  return rc;
}

static void box_start(const double *k, const double *init, double *s) {
  (void)k;
  s[BS_V] = init[0]; /* v is the box models' only state variable */
  s[BS_RHO] = 0;
}

/* li_box_feed_forward_step: v' = v + h_m((v_leak - v) + x). */
static int li_box_step(const double *k, double *s, const double *x) {
  double v = s[BS_V];
  s[BS_V] = v + k[BK_HM] * ((k[BK_VL] - v) + (x[0] + x[1]));
  return 0;
}

/* lif_box_feed_forward_step: v^ = v + h_m((x + v_leak) - v); value reset. */
static int lif_box_step(const double *k, double *s, const double *x) {
  double v = s[BS_V];
  double vh = v + k[BK_HM] * (((x[0] + x[1]) + k[BK_VL]) - v);
  int z = vh > k[BK_VTH];
  s[BS_V] = z ? k[BK_VR] : vh;
  if (k[BK_RHO] > 0)
    z = refrac_mask(&s[BS_V], v, z, &s[BS_RHO], k[BK_RHO]);
  return z;
}

static double box_get(const double *k, const double *s, int var) {
  (void)k;
  return var == 0 ? s[BS_V] : (double)NAN;
}

/* --- iaf: v ------------------------------------------------------------------ */

enum { IK_VTH, IK_VR };

static int iaf_setup(const slp__model *m, const double *p, double dt,
                     double *k, char *why, size_t cap) {
  (void)dt; /* Norse's IAF ignores dt: an input is a voltage increment */
  (void)why;
  (void)cap;
  k[IK_VTH] = param(m, p, "v_th");
  k[IK_VR] = param(m, p, "v_reset");
  return 0;
}

/* iaf_feed_forward_step: v^ = v + x; value reset. */
static int iaf_step(const double *k, double *s, const double *x) {
  double vh = s[0] + (x[0] + x[1]);
  int z = vh > k[IK_VTH];
  s[0] = z ? k[IK_VR] : vh;
  return z;
}

/* --- lsnn: v, i_exc, i_inh, b ------------------------------------------------ */

enum { SK_HM, SK_HS0, SK_HS1, SK_HB, SK_VL, SK_VTH, SK_VR, SK_BETA, SK_SV,
       SK_SE, SK_SI, SK_SB };
enum { SS_V, SS_IE, SS_II, SS_B };

static int lsnn_setup(const slp__model *m, const double *p, double dt,
                      double *k, char *why, size_t cap) {
  int rc = step_ratio("tau_mem", param(m, p, "tau_mem"), dt, &k[SK_HM], why,
                      cap);
  if (rc == 0)
    rc = step_ratio("tau_syn_exc", param(m, p, "tau_syn_exc"), dt, &k[SK_HS0],
                    why, cap);
  if (rc == 0)
    rc = step_ratio("tau_syn_inh", param(m, p, "tau_syn_inh"), dt, &k[SK_HS1],
                    why, cap);
  if (rc == 0)
    rc = step_ratio("tau_adapt", param(m, p, "tau_adapt"), dt, &k[SK_HB], why,
                    cap);
  if (rc != 0)
    return rc;
  k[SK_VL] = param(m, p, "v_leak");
  k[SK_VTH] = param(m, p, "v_th");
  k[SK_VR] = param(m, p, "v_reset");
  k[SK_BETA] = param(m, p, "beta");
  k[SK_SV] = state_index(m, "v");
  k[SK_SE] = state_index(m, "i_exc");
  k[SK_SI] = state_index(m, "i_inh");
  k[SK_SB] = state_index(m, "b");
  return 0;
}

static void lsnn_start(const double *k, const double *init, double *s) {
  s[SS_V] = init[(int)k[SK_SV]];
  s[SS_IE] = init[(int)k[SK_SE]];
  s[SS_II] = init[(int)k[SK_SI]];
  s[SS_B] = init[(int)k[SK_SB]];
}

/* lsnn_feed_forward_step, jump-last: v^ = v + h_m((v_leak - v) + i) with the
 * old i; i^ = i - h_s i; b^ = b + h_b (v_th - b); z = v^ > b^; the input
 * joins i after the threshold; b' = b^ + beta z. */
static int lsnn_step(const double *k, double *s, const double *x) {
  double v = s[SS_V], ie = s[SS_IE], ii = s[SS_II], b = s[SS_B];
  double vh = v + k[SK_HM] * ((k[SK_VL] - v) + (ie + ii));
  double bh = b + k[SK_HB] * (k[SK_VTH] - b);
  int z = vh > bh;
  s[SS_V] = z ? k[SK_VR] : vh;
  s[SS_IE] = (ie - k[SK_HS0] * ie) + x[0];
  s[SS_II] = (ii - k[SK_HS1] * ii) + x[1];
  s[SS_B] = z ? bh + k[SK_BETA] : bh;
  return z;
}

static double lsnn_get(const double *k, const double *s, int var) {
  if (var == (int)k[SK_SV])
    return s[SS_V];
  if (var == (int)k[SK_SE])
    return s[SS_IE];
  if (var == (int)k[SK_SI])
    return s[SS_II];
  if (var == (int)k[SK_SB])
    return s[SS_B];
  return NAN;
}

static const slp__norse_step steps[] = {
    {"lif", 4, lif_setup, lif_start, lif_step, lif_get},
    {"li", 4, lif_setup, lif_start, lif_step, lif_get},
    {"lif_box", 2, box_setup, box_start, lif_box_step, box_get},
    {"li_box", 2, box_setup, box_start, li_box_step, box_get},
    {"iaf", 1, iaf_setup, box_start, iaf_step, box_get},
    {"lsnn", 4, lsnn_setup, lsnn_start, lsnn_step, lsnn_get},
};

const slp__norse_step *slp__norse_step_find(const slp__model *m) {
  for (size_t j = 0; j < sizeof steps / sizeof steps[0]; j++)
    if (strcmp(steps[j].model, m->name) == 0)
      return &steps[j];
  return NULL;
}
