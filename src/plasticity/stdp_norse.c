/*
 * plasticity/stdp_norse.c -- Norse's stdp_step_linear per event, for the
 * `norse` integration mode (see stdp_norse.h for the mapping of steps).
 *
 * A synapse's weight changes only in the steps where its pre or its post
 * neuron spiked.  Between two updates of a segment, the steps to apply are
 * those stamped in (t_fac, hi]: the post spikes of the target stamped in
 * that range, and the segment's pending pre step, if any -- always the
 * first of them, stamped t_fac + dt (the update that left it pending
 * stopped just before it).  In step order, for one synapse:
 *   - the pre step: if the target spiked in it too, Norse's joint update
 *     w + F+(w) x - F-(w) y m (x, y with both jumps of the step), else
 *     the depression w - F-(w) y m, y the post trace at that step;
 *   - post spikes of later steps: potentiation with the pre trace (no pre
 *     spike between: the segment's trace as it stands).
 * Every step ends with the hard bound, so a weight that starts outside the
 * bounds is brought inside at its first step, as Norse's clamp does.
 */
#include "config.h"

#include <assert.h>
#include <math.h>

#include "sleipnir/error.h"
#include "plasticity/stdp_norse.h"
#include "plasticity/weight_rule.h"

/* Ticks per ms, as a double. */
#define TICKS_MS ((double)SLP_TICKS_PER_MS)

/* f^{-(t - E)/dt}: the scale of a trace value of the step stamped t (t and
 * the epoch E are whole steps). */
static double scale_at(const slp__stdp_proj *P, double f, slp_tick t) {
  return pow(f, -(double)((t - P->epoch) / P->norse_dt));
}

int slp__stdp_norse_setup(slp__stdp_proj *P, const char *name, slp_tick dt,
                          slp_tick horizon, slp_diag *diag) {
  const slp_stdp_params *p = &P->p;
  if (p->triplet)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, "plasticity.rule",
                        "projection %s: norse mode runs Norse's "
                        "stdp_step_linear, which has no triplet rule",
                        name);
  if (p->pairing != SLP_STDP_ALL)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, "plasticity.pairing",
                        "projection %s: norse mode runs Norse's "
                        "stdp_step_linear, which pairs all to all "
                        "(pairing: all), not %s",
                        name, slp_stdp_pairing_name(p->pairing));
  if (p->axonal_delay_ms != 0)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0,
                        "plasticity.axonal_delay",
                        "projection %s: norse mode pairs a pre spike in the "
                        "step it reaches the target, as Norse (which has "
                        "no delays): the whole delay is axonal, so "
                        "axonal_delay does not apply",
                        name);
  double dt_ms = (double)dt / TICKS_MS;
  const double tau[2] = {p->tau_pre_ms, p->tau_post_ms};
  static const char *const key[2] = {"plasticity.tau_pre",
                                     "plasticity.tau_post"};
  /* Stored traces reach f^{-n} for n steps between a spike and the epoch:
   * up to 1.5 horizons back for the pre-trace factor of a post spike (the
   * history kept, stdp.c), half a horizon and a step ahead for the traces;
   * keep them far from overflow (e^709), as exact mode does. */
  const double span[2] = {1.5 * (double)horizon, 0.5 * (double)horizon + dt};
  for (int k = 0; k < 2; k++) {
    if (!(tau[k] > dt_ms))
      return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, key[k],
                          "projection %s: in norse mode %s (%g ms) must be "
                          "longer than dt (%g ms): Norse's trace factor per "
                          "step, 1 - dt/tau, must be positive",
                          name, key[k] + 11, tau[k], dt_ms);
    double f = 1.0 - dt_ms / tau[k];
    if (span[k] / (double)dt * -log(f) > 600)
      return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, key[k],
                          "projection %s: in norse mode %s (%g ms) is too "
                          "short beside the longest time constant or delay "
                          "(plasticity keeps %g ms of post spikes)",
                          name, key[k] + 11, tau[k],
                          1.5 * (double)horizon / TICKS_MS);
  }
  P->norse_dt = dt;
  P->norse_fpre = 1.0 - dt_ms / p->tau_pre_ms;
  P->norse_fpost = 1.0 - dt_ms / p->tau_post_ms;
  P->d_dend_max = 0;
  /* Nothing applied yet: steps stamped <= 0 (before step 0) are done. */
  for (size_t g = 0; g < P->n_segs; g++) {
    slp__stdp_seg *sg = &P->segs[g];
    sg->d_dend = 0;
    sg->dpre = 1.0;
    sg->t_pre = SLP__STDP_NONE;
    sg->t_fac = 0;
    sg->x = 0;
    sg->m_pend = 0;
  }
  return 0;
}

/* What one pass over a segment shares between its synapses. */
typedef struct norse_pass {
  slp_tick lo, hi; /* the steps stamped in (lo, hi] are applied */
  slp_tick tq;     /* the pending pre step's stamp lo + dt, or
                      SLP__STDP_NONE */
  double x;        /* the segment's scaled pre trace (after every pre
                      spike, the pending ones included) */
  double my;       /* m times the factor reading a scaled post trace at
                      step tq (0 without a pending step) */
} norse_pass;

/* One synapse: the steps of ps on weight w of a synapse onto the neuron
 * whose history is h.  Returns the new weight. */
static double update(const slp_stdp_params *p, const slp__post_hist *h,
                     double w, const norse_pass *ps) {
  w = slp__stdp_clamp(p, w);
  /* The common case: no post spike in the range -- only the pre step's
   * depression, by the newest post spike's trace. */
  if (h->newest_t <= ps->lo) {
    if (ps->tq == SLP__STDP_NONE || h->newest_t == SLP__HIST_NONE)
      return w;
    return slp__stdp_depress(p, w, h->newest_y * ps->my);
  }
  uint32_t e = h->n;
  while (e > 0 && slp__hist_t(h, e - 1) > ps->hi)
    e--;
  uint32_t j = e;
  while (j > 0 && slp__hist_t(h, j - 1) > ps->lo)
    j--;
  if (ps->tq != SLP__STDP_NONE) {
    if (j < e && slp__hist_t(h, j) == ps->tq) {
      w = slp__stdp_both(p, w, ps->x * slp__hist_p(h, j),
                         slp__hist_y(h, j) * ps->my);
      j++;
    } else {
      /* The post trace at the pre step: from the latest spike before it,
       * at or before lo (held, or the base). */
      slp_tick tl = j > 0 ? slp__hist_t(h, j - 1) : slp__hist_base_t(h);
      double yl = j > 0 ? slp__hist_y(h, j - 1) : slp__hist_base_y(h);
      if (tl != SLP__HIST_NONE)
        w = slp__stdp_depress(p, w, yl * ps->my);
    }
  }
  for (; j < e; j++)
    w = slp__stdp_potentiate(p, w, ps->x * slp__hist_p(h, j));
  return w;
}

/* Apply the steps of sg stamped in (sg->t_fac, hi] to all its synapses. */
static void apply(slp__stdp_proj *P, slp__stdp_seg *sg, slp__csr *csr,
                  uint64_t s, slp_tick hi) {
  const slp_stdp_params *p = &P->p;
  assert(sg->m_pend == 0 || sg->t_pre == sg->t_fac + P->norse_dt);
  norse_pass ps = {sg->t_fac, hi, SLP__STDP_NONE, sg->x, 0.0};
  if (sg->m_pend > 0) {
    ps.tq = sg->t_pre; /* = t_fac + dt */
    ps.my = sg->m_pend / scale_at(P, P->norse_fpost, sg->t_pre);
  }
  uint64_t lo = csr->seg_start[s], n = csr->seg_start[s + 1] - lo;
  const uint32_t *col = &csr->col[lo];
  float *wf = &csr->w[lo];
  double *w = &P->w[sg->w0];
  const slp__post_hist *hist = &P->hist[sg->post0];
  for (uint64_t k = 0; k < n; k++) {
    if (k + 8 < n)
      __builtin_prefetch(&hist[col[k + 8]]);
    double wk = update(p, &hist[col[k]], w[k], &ps);
    w[k] = wk;
    wf[k] = (float)wk;
  }
  sg->m_pend = 0;
  sg->t_fac = hi;
}

void slp__stdp_norse_deliver(slp__stdp_proj *P, slp__stdp_seg *sg,
                             slp__csr *csr, uint64_t s, slp_tick T, double m) {
  slp_tick dt = P->norse_dt;
  /* The delivery's step k starts at hi = k dt: every earlier step (stamped
   * <= hi) is complete, its post spikes known (windows of one step). */
  slp_tick hi = (T / dt) * dt;
  if (hi > sg->t_fac)
    apply(P, sg, csr, s, hi);
  /* The spike joins step k (stamped hi + dt): its trace jump now, its
   * weight update once the step's post spikes are known.  A second spike
   * of the segment in the same step adds to it, as Norse's z_pre = 2. */
  sg->m_pend += m;
  sg->x += m * P->p.a_pre * (1.0 - P->norse_fpre) *
           scale_at(P, P->norse_fpre, hi + dt);
  sg->t_pre = hi + dt;
}

void slp__stdp_norse_flush(slp__stdp_proj *P, slp__stdp_seg *sg,
                           slp__csr *csr, uint64_t s, slp_tick now) {
  slp_tick hi = (now / P->norse_dt) * P->norse_dt;
  if (hi > sg->t_fac)
    apply(P, sg, csr, s, hi);
}

void slp__stdp_norse_post(const slp__stdp_proj *P, const slp__post_hist *h,
                          slp_tick t, double *y, double *p) {
  /* Norse's jump h a_post; the scaled traces of all-to-all pairing add. */
  *y = P->p.a_post * (1.0 - P->norse_fpost) *
       scale_at(P, P->norse_fpost, t);
  if (h->newest_t != SLP__HIST_NONE)
    *y += h->newest_y;
  *p = 1.0 / scale_at(P, P->norse_fpre, t);
}

void slp__stdp_norse_epoch(const slp__stdp_proj *P, slp_tick now, double *fy,
                           double *fx) {
  *fy = 1.0 / scale_at(P, P->norse_fpost, now);
  *fx = 1.0 / scale_at(P, P->norse_fpre, now);
}
