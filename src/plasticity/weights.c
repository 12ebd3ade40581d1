/*
 * plasticity/weights.c -- reading a plastic projection's weights.
 *
 * Reading, summarising and recording weights.  Every read first applies the
 * updates still pending (stdp.h: the lazy potentiation waiting for a
 * source's next spike), so what is read is exact at the synapse, not a
 * stale copy.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sleipnir/plasticity.h"
#include "core/alloc.h"
#include "network/sim.h"
#include "plasticity/stdp.h"
#include "plasticity/weights.h"

int slp_sim_get_weights(slp_sim *sim, uint32_t proj, uint32_t *pre,
                        uint32_t *post, double *w, size_t cap, size_t *n) {
  if (n != NULL)
    *n = 0;
  slp__stdp_proj *P = sim != NULL ? slp__plasticity_find(sim->plast, proj)
                                  : NULL;
  if (P == NULL)
    return SLP_EINVAL;
  slp__plasticity_flush(sim->plast, &sim->csr, sim->now);
  const slp__csr *c = &sim->csr;
  size_t at = 0;
  for (size_t g = 0; g < P->n_segs; g++) {
    const slp__stdp_seg *sg = &P->segs[g];
    uint64_t s = P->seg_csr[g], lo = c->seg_start[s], hi = c->seg_start[s + 1];
    for (uint64_t k = lo; k < hi && at < cap; k++, at++) {
      if (pre != NULL)
        pre[at] = sg->pre;
      if (post != NULL)
        post[at] = sg->post0 + c->col[k];
      if (w != NULL)
        w[at] = P->w[sg->w0 + (k - lo)];
    }
  }
  if (n != NULL)
    *n = (size_t)P->n_syn;
  return 0;
}

int slp_sim_weight_summary(slp_sim *sim, uint32_t proj,
                           slp_weight_summary *out) {
  memset(out, 0, sizeof *out);
  slp__stdp_proj *P = sim != NULL ? slp__plasticity_find(sim->plast, proj)
                                  : NULL;
  if (P == NULL)
    return SLP_EINVAL;
  slp__plasticity_flush(sim->plast, &sim->csr, sim->now);
  out->n = P->n_syn;
  if (P->n_syn == 0)
    return 0;
  /* Two passes: the mean first, then squared deviations from it, so that
   * the sd of weights far from 0 does not cancel catastrophically. */
  double sum = 0, lo = P->w[0], hi = P->w[0];
  for (uint64_t k = 0; k < P->n_syn; k++) {
    sum += P->w[k];
    lo = fmin(lo, P->w[k]);
    hi = fmax(hi, P->w[k]);
  }
  double mean = sum / (double)P->n_syn, ss = 0;
  for (uint64_t k = 0; k < P->n_syn; k++)
    ss += (P->w[k] - mean) * (P->w[k] - mean);
  out->mean = mean;
  out->sd = sqrt(ss / (double)P->n_syn);
  out->min = lo;
  out->max = hi;
  out->lo = P->p.w_min;
  out->hi = P->p.w_max;
  if (!(out->hi > out->lo)) {
    out->lo = lo;
    out->hi = hi;
  }
  double width = (out->hi - out->lo) / SLP_WEIGHT_HIST_BINS;
  for (uint64_t k = 0; k < P->n_syn; k++) {
    double b = width > 0 ? floor((P->w[k] - out->lo) / width) : 0;
    int bin = b < 0 ? 0 : b >= SLP_WEIGHT_HIST_BINS ? SLP_WEIGHT_HIST_BINS - 1
                                                    : (int)b;
    out->hist[bin]++;
  }
  return 0;
}

int slp_sim_record_weights(slp_sim *sim, uint32_t proj, const char *path,
                           double interval_ms, int at_end, slp_diag *diag) {
  if (sim == NULL || slp__plasticity_find(sim->plast, proj) == NULL)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0,
                        "record.weights.projection",
                        "weights can be recorded only for a plastic "
                        "projection");
  if (!(interval_ms >= 0) || !(interval_ms < 9.2e12) || path == NULL)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0,
                        "record.weights.interval",
                        "the recording interval must be >= 0 and finite");
  slp__plasticity *pl = sim->plast;
  size_t cap = pl->n_rec;
  slp__weight_rec *r = slp__malloc((cap + 1) * sizeof *r);
  if (r == NULL)
    return SLP_ENOMEM;
  slp__weight_rec *nr = &r[pl->n_rec];
  memset(nr, 0, sizeof *nr);
  int rc = slp__weight_writer_open(&nr->out, path, diag);
  if (rc != 0) {
    slp__free(r);
    return rc;
  }
  for (size_t k = 0; k < pl->n_rec; k++)
    r[k] = pl->rec[k];
  nr->proj = proj;
  nr->interval = (slp_tick)llround(interval_ms * (double)SLP_TICKS_PER_MS);
  nr->next = nr->interval > 0 ? sim->now + nr->interval : SLP__NEVER;
  nr->last = -1;
  nr->at_end = at_end != 0;
  slp__free(pl->rec);
  pl->rec = r;
  pl->n_rec++;
  return 0;
}

/* Write the weights of r's projection as they stand at sim->now. */
static int snapshot(slp_sim *sim, slp__weight_rec *r) {
  slp__stdp_proj *P = slp__plasticity_find(sim->plast, r->proj);
  slp__plasticity_flush(sim->plast, &sim->csr, sim->now);
  const slp__csr *c = &sim->csr;
  for (size_t g = 0; g < P->n_segs; g++) {
    const slp__stdp_seg *sg = &P->segs[g];
    uint64_t s = P->seg_csr[g], lo = c->seg_start[s], hi = c->seg_start[s + 1];
    for (uint64_t k = lo; k < hi; k++) {
      int rc = slp__weight_writer_row(r->out, sim->now, sg->pre,
                                      sg->post0 + c->col[k],
                                      P->w[sg->w0 + (k - lo)]);
      if (rc != 0)
        return rc;
    }
  }
  r->last = sim->now;
  return 0;
}

int slp__weights_after_window(slp_sim *sim) {
  slp__plasticity *pl = sim->plast;
  slp__plasticity_tick(pl, &sim->csr, sim->now);
  for (size_t k = 0; k < pl->n_rec; k++) {
    slp__weight_rec *r = &pl->rec[k];
    if (sim->now < r->next)
      continue;
    int rc = snapshot(sim, r);
    if (rc != 0)
      return rc;
    while (r->next <= sim->now)
      r->next += r->interval;
  }
  return 0;
}

int slp__weights_finish(slp_sim *sim) {
  slp__plasticity *pl = sim->plast;
  int rc = 0;
  for (size_t k = 0; k < pl->n_rec; k++) {
    slp__weight_rec *r = &pl->rec[k];
    if (r->out == NULL)
      continue;
    if (rc == 0 && r->at_end && r->last != sim->now)
      rc = snapshot(sim, r);
    if (rc == 0) {
      rc = slp__weight_writer_close(r->out);
    } else {
      slp__weight_writer_abort(r->out);
    }
    r->out = NULL;
  }
  return rc;
}
