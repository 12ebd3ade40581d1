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
       LK_SI, LK_KAPPA0, LK_KAPPA1 };
enum { LS_V, LS_IE, LS_II, LS_RHO };

/*
 * The largest response of u = v - v_leak to a unit current over silent
 * steps: u_n = h_m (p^n - q^n) / (p - q), p = 1 - h_m, q = 1 - h_s, built
 * by its recursion u_{n+1} = p u_n + h_m q^n; it rises, then falls for good.
 */
static double kernel_peak(double hm, double hs) {
  double p = 1 - hm, q = 1 - hs, u = hm, qn = q, best = u;
  for (long n = 1; n < 100000000L; n++) {
    double next = p * u + hm * qn;
    qn *= q;
    if (next <= u && n > 1)
      break;
    u = next;
    if (u > best)
      best = u;
  }
  return best;
}

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
  for (int r = 0; r < 2; r++)
    k[LK_KAPPA0 + r] = kernel_peak(k[LK_HM], k[LK_HS0 + r]);
  return 0;
}

static void lif_start(const double *k, const double *init, double *s) {
  s[LS_V] = init[(int)k[LK_SV]];
  s[LS_IE] = init[(int)k[LK_SE]];
  s[LS_II] = init[(int)k[LK_SI]];
  s[LS_RHO] = 0;
}

/* Silent steps are taken one by one up to this many (Norse's roundings
 * exactly); beyond, in closed form (a few ulps off). */
#define SILENT_STEPPED 32

/* The largest v two currents i[0..1] can carry it to without input, from
 * v: v_leak + max(v - v_leak, 0) + sum over positive currents of kappa_k
 * i_k (inhibition only lowers it). */
static double current_bound(double v, double v_leak, const double *i,
                            const double *kappa) {
  double u = v - v_leak, bound = u > 0 ? u : 0;
  for (int r = 0; r < 2; r++)
    if (i[r] > 0)
      bound += kappa[r] * i[r];
  return v_leak + bound;
}

/* n steps without input of v with two currents (h_m, h_s[0..1]):
 * u_n = p^n u + sum_k h_m i_k (p^n - q_k^n) / (p - q_k) (h_m i_k n
 * p^(n-1) when p = q_k), i_k q_k^n. */
static void currents_silent(double hm, const double *hs, double v_leak,
                            double *v, double *i, uint64_t n) {
  double p = 1 - hm, pn = pow(p, (double)n);
  double u = pn * (*v - v_leak);
  for (int r = 0; r < 2; r++) {
    double q = 1 - hs[r], qn = pow(q, (double)n);
    if (p != q)
      u += hm * i[r] * (pn - qn) / (p - q);
    else
      u += hm * i[r] * (double)n * pow(p, (double)n - 1);
    i[r] *= qn;
  }
  *v = v_leak + u;
}

/* Dormant when not refractory and no future v can pass v_th without input
 * (current_bound), with a margin for the roundings of the closed form. */
static int lif_dormant(const double *k, const double *s) {
  if (isnan(k[LK_VTH]))
    return 1; /* li: never spikes */
  if (s[LS_RHO] > 0)
    return 0;
  return current_bound(s[LS_V], k[LK_VL], &s[LS_IE], &k[LK_KAPPA0]) <
         k[LK_VTH] - 1e-9 * (1 + fabs(k[LK_VTH]));
}

static int lif_step(const double *k, double *s, const double *x);

/* n steps without input (currents_silent). */
static void lif_silent(const double *k, double *s, uint64_t n) {
  if (n <= SILENT_STEPPED) {
    static const double zero[2] = {0, 0};
    for (uint64_t j = 0; j < n; j++)
      lif_step(k, s, zero);
    return;
  }
  currents_silent(k[LK_HM], &k[LK_HS0], k[LK_VL], &s[LS_V], &s[LS_IE], n);
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
  return (double)NAN;
}

/* --- li_box and lif_box: v (+ rho) ------------------------------------------ */

enum { BK_HM, BK_VL, BK_VTH, BK_VR, BK_RHO, BK_SUB };
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
  k[BK_SUB] = param(m, p, "reset_method") == 1; /* subtract (lif_box) */
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

/* lif_box_feed_forward_step: v^ = v + h_m((x + v_leak) - v); reset by value
 * (v_reset) or by subtraction (v^ - v_th, Norse's reset_subtract). */
static int lif_box_step(const double *k, double *s, const double *x) {
  double v = s[BS_V];
  double vh = v + k[BK_HM] * (((x[0] + x[1]) + k[BK_VL]) - v);
  int z = vh > k[BK_VTH];
  s[BS_V] = z ? (k[BK_SUB] != 0 ? vh - k[BK_VTH] : k[BK_VR]) : vh;
  if (k[BK_RHO] > 0)
    z = refrac_mask(&s[BS_V], v, z, &s[BS_RHO], k[BK_RHO]);
  return z;
}

/* Box models and iaf: without input v relaxes to v_leak (iaf: stays), so
 * it never passes v_th once v and v_leak are below it. */
static int box_dormant(const double *k, const double *s) {
  if (isnan(k[BK_VTH]))
    return 1; /* li_box */
  return s[BS_RHO] <= 0 && s[BS_V] <= k[BK_VTH] && k[BK_VL] <= k[BK_VTH];
}

static int lif_box_step(const double *k, double *s, const double *x);

/* v_n = v_leak + p^n (v - v_leak) without input. */
static void box_silent(const double *k, double *s, uint64_t n) {
  if (n <= SILENT_STEPPED) {
    static const double zero[2] = {0, 0};
    for (uint64_t j = 0; j < n; j++)
      lif_box_step(k, s, zero);
    return;
  }
  s[BS_V] = k[BK_VL] + pow(1 - k[BK_HM], (double)n) * (s[BS_V] - k[BK_VL]);
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

static int iaf_dormant(const double *k, const double *s) {
  return s[0] <= k[IK_VTH];
}

/* Without input iaf's v does not move. */
static void iaf_silent(const double *k, double *s, uint64_t n) {
  (void)k;
  (void)s;
  (void)n;
}

/* --- lsnn: v, i_exc, i_inh, b ------------------------------------------------ */

enum { SK_HM, SK_HS0, SK_HS1, SK_HB, SK_VL, SK_VTH, SK_VR, SK_BETA, SK_SV,
       SK_SE, SK_SI, SK_SB, SK_KAPPA0, SK_KAPPA1 };
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
  for (int r = 0; r < 2; r++)
    k[SK_KAPPA0 + r] = kernel_peak(k[SK_HM], k[SK_HS0 + r]);
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

/* Dormant when v cannot pass the threshold on the currents it has: b only
 * relaxes towards v_th without spikes, so it never falls below the smaller
 * of b and v_th; the bound on v is lif's. */
static int lsnn_dormant(const double *k, const double *s) {
  double floor_b = s[SS_B] < k[SK_VTH] ? s[SS_B] : k[SK_VTH];
  return current_bound(s[SS_V], k[SK_VL], &s[SS_IE], &k[SK_KAPPA0]) <
         floor_b - 1e-9 * (1 + fabs(floor_b));
}

/* n steps without input: v and the currents as lif's (the input's place in
 * the step does not matter when there is none), b relaxing to v_th. */
static void lsnn_silent(const double *k, double *s, uint64_t n) {
  if (n <= SILENT_STEPPED) {
    static const double zero[2] = {0, 0};
    for (uint64_t j = 0; j < n; j++)
      lsnn_step(k, s, zero);
    return;
  }
  currents_silent(k[SK_HM], &k[SK_HS0], k[SK_VL], &s[SS_V], &s[SS_IE], n);
  s[SS_B] = k[SK_VTH] + (s[SS_B] - k[SK_VTH]) * pow(1 - k[SK_HB], (double)n);
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
  return (double)NAN;
}

/* --- ada_lif: v, i, b ------------------------------------------------------ */

enum { DK_HM, DK_HS, DK_HB, DK_VL, DK_VTH, DK_VR, DK_BETA, DK_SV, DK_SI,
       DK_SB };
enum { DS_V, DS_I, DS_B };

static int ada_setup(const slp__model *m, const double *p, double dt,
                     double *k, char *why, size_t cap) {
  int rc = step_ratio("tau_mem", param(m, p, "tau_mem"), dt, &k[DK_HM], why,
                      cap);
  if (rc == 0)
    rc = step_ratio("tau_syn", param(m, p, "tau_syn"), dt, &k[DK_HS], why,
                    cap);
  if (rc == 0)
    rc = step_ratio("tau_adapt", param(m, p, "tau_adapt"), dt, &k[DK_HB], why,
                    cap);
  k[DK_VL] = param(m, p, "v_leak");
  k[DK_VTH] = param(m, p, "v_th");
  k[DK_VR] = param(m, p, "v_reset");
  k[DK_BETA] = param(m, p, "beta");
  k[DK_SV] = state_index(m, "v");
  k[DK_SI] = state_index(m, "i");
  k[DK_SB] = state_index(m, "b");
  return rc;
}

static void ada_start(const double *k, const double *init, double *s) {
  s[DS_V] = init[(int)k[DK_SV]];
  s[DS_I] = init[(int)k[DK_SI]];
  s[DS_B] = init[(int)k[DK_SB]];
}

/* ada_lif_step, jump-last: v^ = v + h_m((v_leak - v) + i - b) from the old
 * i and b; i^ = (1 - h_s) i; b^ = (1 - h_b) b; z = v^ > v_th; the reset
 * subtracts v_th - v_reset; b' = b^ + beta z; the input joins i last. */
static int ada_step(const double *k, double *s, const double *x) {
  double v = s[DS_V], i = s[DS_I], b = s[DS_B];
  double vh = v + k[DK_HM] * (((k[DK_VL] - v) + i) - b);
  int z = vh > k[DK_VTH];
  s[DS_V] = z ? vh - (k[DK_VTH] - k[DK_VR]) : vh;
  s[DS_I] = (1 - k[DK_HS]) * i + (x[0] + x[1]);
  s[DS_B] = z ? (1 - k[DK_HB]) * b + k[DK_BETA] : (1 - k[DK_HB]) * b;
  return z;
}

static double ada_get(const double *k, const double *s, int var) {
  if (var == (int)k[DK_SV])
    return s[DS_V];
  if (var == (int)k[DK_SI])
    return s[DS_I];
  if (var == (int)k[DK_SB])
    return s[DS_B];
  return (double)NAN;
}

/* --- lif_ex: v, i --------------------------------------------------------- */

enum { EK_HM, EK_HS, EK_VL, EK_VTH, EK_VR, EK_DT, EK_SV, EK_SI };
enum { ES_V, ES_I };

static int lif_ex_setup(const slp__model *m, const double *p, double dt,
                        double *k, char *why, size_t cap) {
  int rc = step_ratio("tau_mem", param(m, p, "tau_mem"), dt, &k[EK_HM], why,
                      cap);
  if (rc == 0)
    rc = step_ratio("tau_syn", param(m, p, "tau_syn"), dt, &k[EK_HS], why,
                    cap);
  k[EK_VL] = param(m, p, "v_leak");
  k[EK_VTH] = param(m, p, "v_th");
  k[EK_VR] = param(m, p, "v_reset");
  k[EK_DT] = param(m, p, "delta_T");
  k[EK_SV] = state_index(m, "v");
  k[EK_SI] = state_index(m, "i");
  return rc;
}

static void two_start(const double *k, const double *init, double *s) {
  /* v and its partner (i, or u) by the indices setup stored at 6 and 7 */
  s[0] = init[(int)k[6]];
  s[1] = init[(int)k[7]];
}

static double two_get(const double *k, const double *s, int var) {
  if (var == (int)k[6])
    return s[0];
  if (var == (int)k[7])
    return s[1];
  return (double)NAN;
}

/* The exponential term, from the old v; 0 when delta_T is 0, where Norse
 * computes 0 exp(+-inf) -- NaN at or above threshold (models.md §7): the
 * physics' limit (pure LIF) is kept here, as in the event-driven model. */
static double ex_term(double v, double v_th, double delta_t) {
  return delta_t > 0 ? delta_t * exp((v - v_th) / delta_t) : 0.0;
}

/* lif_ex_feed_forward_step: i+ = i + x; v^ = v + h_m(v_leak - v + i+ +
 * delta_T exp((v - v_th)/delta_T)); i' = (1 - h_s) i+; value reset. */
static int lif_ex_step(const double *k, double *s, const double *x) {
  double v = s[ES_V], i = s[ES_I] + (x[0] + x[1]);
  double vh = v + k[EK_HM] * (((k[EK_VL] - v) + i) +
                              ex_term(v, k[EK_VTH], k[EK_DT]));
  s[ES_I] = i - k[EK_HS] * i;
  int z = vh > k[EK_VTH];
  s[ES_V] = z ? k[EK_VR] : vh;
  return z;
}

/* --- adex and adex_refrac: v, i, a (+ rho) --------------------------------- */

enum { AK_HM, AK_HS, AK_HA, AK_VL, AK_VTH, AK_VR, AK_DT, AK_KA, AK_BA,
       AK_RHO, AK_SV, AK_SI, AK_SA };
enum { AS_V, AS_I, AS_A, AS_RHO };

static int adex_setup(const slp__model *m, const double *p, double dt,
                      double *k, char *why, size_t cap) {
  int rc = step_ratio("tau_mem", param(m, p, "tau_mem"), dt, &k[AK_HM], why,
                      cap);
  if (rc == 0)
    rc = step_ratio("tau_syn", param(m, p, "tau_syn"), dt, &k[AK_HS], why,
                    cap);
  if (rc == 0)
    rc = step_ratio("tau_ada", param(m, p, "tau_ada"), dt, &k[AK_HA], why,
                    cap);
  if (rc != 0)
    return rc;
  k[AK_VL] = param(m, p, "v_leak");
  k[AK_VTH] = param(m, p, "v_th");
  k[AK_VR] = param(m, p, "v_reset");
  k[AK_DT] = param(m, p, "delta_T");
  k[AK_KA] = param(m, p, "adaptation_current");
  k[AK_BA] = param(m, p, "adaptation_spike");
  double t_ref = param(m, p, "t_ref");
  k[AK_RHO] = 0;
  if (!isnan(t_ref) && (rc = refractory_steps(t_ref, dt, &k[AK_RHO], why,
                                              cap)) != 0)
    return rc;
  k[AK_SV] = state_index(m, "v");
  k[AK_SI] = state_index(m, "i");
  k[AK_SA] = state_index(m, "a");
  return 0;
}

static void adex_start(const double *k, const double *init, double *s) {
  s[AS_V] = init[(int)k[AK_SV]];
  s[AS_I] = init[(int)k[AK_SI]];
  s[AS_A] = init[(int)k[AK_SA]];
  s[AS_RHO] = 0;
}

/* lif_adex_feed_forward_step, all right-hand sides from the old v and a;
 * with a refractory period, LIFAdExRefrac's masking -- where a comes from
 * the unmasked step, so a spike held back still adds adaptation_spike
 * (Norse's quirk, models.md §8, kept: this mode is Norse's behaviour). */
static int adex_step(const double *k, double *s, const double *x) {
  double v = s[AS_V], a = s[AS_A], i = s[AS_I] + (x[0] + x[1]);
  double vh = v + k[AK_HM] * ((((k[AK_VL] - v) +
                                ex_term(v, k[AK_VTH], k[AK_DT])) + i) - a);
  s[AS_I] = i - k[AK_HS] * i;
  double ah = a + k[AK_HA] * (k[AK_KA] * (v - k[AK_VL]) - a);
  int z = vh > k[AK_VTH];
  s[AS_V] = z ? k[AK_VR] : vh;
  s[AS_A] = z ? ah + k[AK_BA] : ah;
  if (k[AK_RHO] > 0)
    z = refrac_mask(&s[AS_V], v, z, &s[AS_RHO], k[AK_RHO]);
  return z;
}

static double adex_get(const double *k, const double *s, int var) {
  if (var == (int)k[AK_SV])
    return s[AS_V];
  if (var == (int)k[AK_SI])
    return s[AS_I];
  if (var == (int)k[AK_SA])
    return s[AS_A];
  return (double)NAN;
}

/* --- coba_lif: v, g_e, g_i ------------------------------------------------- */

enum { CK_HE, CK_HI, CK_HC, CK_GL, CK_EI, CK_EE, CK_VREST, CK_VR, CK_VTH,
       CK_SV, CK_SE, CK_SI };
enum { CS_V, CS_GE, CS_GI };

static int coba_setup(const slp__model *m, const double *p, double dt,
                      double *k, char *why, size_t cap) {
  int rc = step_ratio("tau_syn_exc", param(m, p, "tau_syn_exc"), dt,
                      &k[CK_HE], why, cap);
  if (rc == 0)
    rc = step_ratio("tau_syn_inh", param(m, p, "tau_syn_inh"), dt, &k[CK_HI],
                    why, cap);
  if (rc != 0)
    return rc;
  k[CK_HC] = dt / param(m, p, "c_m"); /* Norse's dt * c_m_inv */
  k[CK_GL] = param(m, p, "g_l");
  k[CK_EI] = param(m, p, "e_rev_I");
  k[CK_EE] = param(m, p, "e_rev_E");
  k[CK_VREST] = param(m, p, "v_rest");
  k[CK_VR] = param(m, p, "v_reset");
  k[CK_VTH] = param(m, p, "v_thresh");
  k[CK_SV] = state_index(m, "v");
  k[CK_SE] = state_index(m, "g_e");
  k[CK_SI] = state_index(m, "g_i");
  return 0;
}

static void coba_start(const double *k, const double *init, double *s) {
  s[CS_V] = init[(int)k[CK_SV]];
  s[CS_GE] = init[(int)k[CK_SE]];
  s[CS_GI] = init[(int)k[CK_SI]];
}

/* coba_lif_feed_forward_step: the sign of the exc input picks the channel
 * (Norse's rule), the inh receptor adds to g_i as in the event-driven
 * model; the conductances decay before v's update, which uses them. */
static int coba_step(const double *k, double *s, const double *x) {
  double v = s[CS_V];
  double ge = s[CS_GE] + fmax(x[0], 0.0);
  double gi = s[CS_GI] + fmax(-x[0], 0.0) + fabs(x[1]);
  ge = (1 - k[CK_HE]) * ge;
  gi = (1 - k[CK_HI]) * gi;
  double vh = v + k[CK_HC] * ((k[CK_GL] * (k[CK_VREST] - v) +
                               ge * (k[CK_EE] - v)) + gi * (k[CK_EI] - v));
  s[CS_GE] = ge;
  s[CS_GI] = gi;
  int z = vh > k[CK_VTH];
  s[CS_V] = z ? k[CK_VR] : vh;
  return z;
}

static double coba_get(const double *k, const double *s, int var) {
  if (var == (int)k[CK_SV])
    return s[CS_V];
  if (var == (int)k[CK_SE])
    return s[CS_GE];
  if (var == (int)k[CK_SI])
    return s[CS_GI];
  return (double)NAN;
}

/* --- izhikevich: v, u (in Norse's numbers, mV) ------------------------------ */

enum { ZK_H, ZK_A, ZK_B, ZK_C, ZK_D, ZK_SQ, ZK_SV, ZK_SU, ZK_MN, ZK_BIAS,
       ZK_VTH };

static int izh_setup(const slp__model *m, const double *p, double dt,
                     double *k, char *why, size_t cap) {
  int rc = step_ratio("tau", param(m, p, "tau"), dt, &k[ZK_H], why, cap);
  k[ZK_A] = param(m, p, "a");
  k[ZK_B] = param(m, p, "b");
  k[ZK_C] = param(m, p, "c");
  k[ZK_D] = param(m, p, "d");
  k[ZK_SQ] = param(m, p, "sq");
  k[ZK_MN] = param(m, p, "mn");
  k[ZK_BIAS] = param(m, p, "bias");
  k[ZK_VTH] = param(m, p, "v_th");
  k[ZK_SV] = state_index(m, "v");
  k[ZK_SU] = state_index(m, "u");
  return rc;
}

/* izhikevich_feed_forward_step, simultaneous Euler from the old state:
 * v^ = v + h (sq v^2 + mn v + bias - u + I); u^ = u + h a (b v - u);
 * on a spike v = c, u = u^ + d. */
static int izh_step(const double *k, double *s, const double *x) {
  double v = s[0], u = s[1], in = x[0] + x[1];
  double vh = v + k[ZK_H] * ((((k[ZK_SQ] * (v * v) + k[ZK_MN] * v) +
                               k[ZK_BIAS]) - u) + in);
  double uh = u + (k[ZK_H] * k[ZK_A]) * (k[ZK_B] * v - u);
  int z = vh > k[ZK_VTH];
  s[0] = z ? k[ZK_C] : vh;
  s[1] = z ? uh + k[ZK_D] : uh;
  return z;
}

static const slp__norse_step steps[] = {
    {"lif", 4, 1000, lif_setup, lif_start, lif_step, lif_get, lif_dormant,
     lif_silent},
    {"li", 4, 1000, lif_setup, lif_start, lif_step, lif_get, lif_dormant,
     lif_silent},
    {"lif_box", 2, 1000, box_setup, box_start, lif_box_step, box_get,
     box_dormant, box_silent},
    {"li_box", 2, 1000, box_setup, box_start, li_box_step, box_get,
     box_dormant, box_silent},
    {"iaf", 2, 1000, iaf_setup, box_start, iaf_step, box_get, iaf_dormant,
     iaf_silent},
    {"lsnn", 4, 1000, lsnn_setup, lsnn_start, lsnn_step, lsnn_get,
     lsnn_dormant, lsnn_silent},
    {"ada_lif", 3, 1000, ada_setup, ada_start, ada_step, ada_get, NULL, NULL},
    {"lif_ex", 2, 1000, lif_ex_setup, two_start, lif_ex_step, two_get, NULL, NULL},
    {"adex", 4, 1000, adex_setup, adex_start, adex_step, adex_get, NULL, NULL},
    {"adex_refrac", 4, 1000, adex_setup, adex_start, adex_step, adex_get, NULL, NULL},
    {"coba_lif", 3, 1000, coba_setup, coba_start, coba_step, coba_get, NULL, NULL},
    {"izhikevich", 2, 1, izh_setup, two_start, izh_step, two_get, NULL, NULL},
};

const slp__norse_step *slp__norse_step_find(const slp__model *m) {
  for (size_t j = 0; j < sizeof steps / sizeof steps[0]; j++)
    if (strcmp(steps[j].model, m->name) == 0)
      return &steps[j];
  return NULL;
}
