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
#include <stdlib.h>
#include <string.h>

#include "sleipnir/plasticity.h"
#include "core/alloc.h"
#include "network/dist.h"
#include "network/sim.h"
#include "plasticity/stdp.h"
#include "plasticity/weights.h"

/* One plastic synapse as read, with its place in the unpartitioned CSR:
 * (source row, delay, target node), then partition and position for
 * repeated pairs (which share a target, hence a partition). */
typedef struct wsyn {
  uint32_t pre;   /* local to the projection's source group */
  uint32_t node;  /* target node id */
  slp_tick delay; /* ticks */
  uint64_t pos;   /* partition << 40 | index in its segment order */
  uint32_t post;  /* local to the projection's concatenated targets */
  double w;       /* mV */
} wsyn;

static int wsyn_cmp(const void *pa, const void *pb) {
  const wsyn *a = pa, *b = pb;
  if (a->pre != b->pre)
    return a->pre < b->pre ? -1 : 1;
  if (a->delay != b->delay)
    return a->delay < b->delay ? -1 : 1;
  if (a->node != b->node)
    return a->node < b->node ? -1 : 1;
  return (a->pos > b->pos) - (a->pos < b->pos);
}

/*
 * The weights of plastic projection proj at time `now`, every partition's
 * pending updates applied, in the order one partition would hold them: so
 * that files and sums are the same on any number of threads.  *out (NULL
 * when there are none) is the caller's to free.  SLP_EINVAL if proj is not
 * plastic.
 */
static int collect(slp_sim *sim, uint32_t proj, slp_tick now, wsyn **out,
                   uint64_t *n_out) {
  *out = NULL;
  *n_out = 0;
  uint64_t n = 0;
  for (uint32_t j = 0; j < sim->n_parts; j++) {
    slp__part *pt = &sim->parts[j];
    slp__stdp_proj *P = slp__plasticity_find(pt->plast, proj);
    if (P == NULL)
      return SLP_EINVAL;
    slp__plasticity_flush(pt->plast, &pt->csr, now);
    n += P->n_syn;
  }
  wsyn *v = slp__malloc((n > 0 ? n : 1) * sizeof *v);
  if (v == NULL)
    return SLP_ENOMEM;
  uint64_t at = 0;
  for (uint32_t j = 0; j < sim->n_parts; j++) {
    const slp__part *pt = &sim->parts[j];
    const slp__stdp_proj *P = slp__plasticity_find(pt->plast, proj);
    const slp__csr *c = &pt->csr;
    for (size_t g = 0; g < P->n_segs; g++) {
      const slp__stdp_seg *sg = &P->segs[g];
      uint64_t s = P->seg_csr[g], lo = c->seg_start[s], hi = c->seg_start[s + 1];
      uint32_t node0 = pt->pops[c->seg_pop[s]].node0;
      for (uint64_t k = lo; k < hi; k++, at++)
        v[at] = (wsyn){sg->pre, node0 + c->col[k], c->seg_delay[s],
                       (uint64_t)j << 40 | (sg->w0 + (k - lo)),
                       sg->post0 + c->col[k], P->w[sg->w0 + (k - lo)]};
    }
  }
  /* Across MPI ranks every rank holds its partitions' synapses: all take
   * part, and all get the whole (network/dist.h). */
  int rc = sim->dist != NULL ? slp__dist_gather(sim, (void **)&v, &n,
                                                sizeof *v)
                             : 0;
  if (rc != 0) {
    slp__free(v);
    return rc;
  }
  if (sim->n_parts > 1 && n > 1)
    qsort(v, (size_t)n, sizeof *v, wsyn_cmp);
  *out = v;
  *n_out = n;
  return 0;
}

int slp_sim_get_weights(slp_sim *sim, uint32_t proj, uint32_t *pre,
                        uint32_t *post, double *w, size_t cap, size_t *n) {
  if (n != NULL)
    *n = 0;
  if (sim == NULL)
    return SLP_EINVAL;
  wsyn *v;
  uint64_t count;
  int rc = collect(sim, proj, sim->now, &v, &count);
  if (rc != 0)
    return rc;
  for (uint64_t k = 0; k < count && k < cap; k++) {
    if (pre != NULL)
      pre[k] = v[k].pre;
    if (post != NULL)
      post[k] = v[k].post;
    if (w != NULL)
      w[k] = v[k].w;
  }
  slp__free(v);
  if (n != NULL)
    *n = (size_t)count;
  return 0;
}

int slp_sim_weight_summary(slp_sim *sim, uint32_t proj,
                           slp_weight_summary *out) {
  memset(out, 0, sizeof *out);
  if (sim == NULL)
    return SLP_EINVAL;
  wsyn *v;
  uint64_t n;
  int rc = collect(sim, proj, sim->now, &v, &n);
  if (rc != 0)
    return rc;
  const slp__stdp_proj *P = slp__plasticity_find(sim->parts[0].plast, proj);
  out->n = n;
  if (n == 0) {
    slp__free(v);
    return 0;
  }
  /* Two passes: the mean first, then squared deviations from it, so that
   * the sd of weights far from 0 does not cancel catastrophically. */
  double sum = 0, lo = v[0].w, hi = v[0].w;
  for (uint64_t k = 0; k < n; k++) {
    sum += v[k].w;
    lo = fmin(lo, v[k].w);
    hi = fmax(hi, v[k].w);
  }
  double mean = sum / (double)n, ss = 0;
  for (uint64_t k = 0; k < n; k++)
    ss += (v[k].w - mean) * (v[k].w - mean);
  out->mean = mean;
  out->sd = sqrt(ss / (double)n);
  out->min = lo;
  out->max = hi;
  out->lo = P->p.w_min;
  out->hi = P->p.w_max;
  if (!(out->hi > out->lo)) {
    out->lo = lo;
    out->hi = hi;
  }
  double width = (out->hi - out->lo) / SLP_WEIGHT_HIST_BINS;
  for (uint64_t k = 0; k < n; k++) {
    double b = width > 0 ? floor((v[k].w - out->lo) / width) : 0;
    int bin = b < 0 ? 0 : b >= SLP_WEIGHT_HIST_BINS ? SLP_WEIGHT_HIST_BINS - 1
                                                    : (int)b;
    out->hist[bin]++;
  }
  slp__free(v);
  return 0;
}

int slp_sim_record_weights(slp_sim *sim, uint32_t proj, const char *path,
                           double interval_ms, int at_end, slp_diag *diag) {
  if (sim == NULL || slp__plasticity_find(sim->parts[0].plast, proj) == NULL)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0,
                        "record.weights.projection",
                        "weights can be recorded only for a plastic "
                        "projection");
  if (!(interval_ms >= 0) || !(interval_ms < 9.2e12) || path == NULL)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0,
                        "record.weights.interval",
                        "the recording interval must be >= 0 and finite");
  /* Recordings live with partition 0's plasticity; they read every
   * partition's weights (collect). */
  slp__plasticity *pl = sim->parts[0].plast;
  size_t cap = pl->n_rec;
  slp__weight_rec *r = slp__malloc((cap + 1) * sizeof *r);
  if (r == NULL)
    return SLP_ENOMEM;
  slp__weight_rec *nr = &r[pl->n_rec];
  memset(nr, 0, sizeof *nr);
  /* Rank 0 writes the file; the other ranks only take part in collecting
   * the weights (network/dist.h). */
  nr->mirror = sim->rank != 0;
  int rc = nr->mirror ? 0 : slp__weight_writer_open(&nr->out, path, diag);
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

/* Write the weights of r's projection as they stand at t. */
static int snapshot(slp_sim *sim, slp__weight_rec *r, slp_tick t) {
  wsyn *v;
  uint64_t n;
  int rc = collect(sim, r->proj, t, &v, &n);
  for (uint64_t k = 0; rc == 0 && r->out != NULL && k < n; k++)
    rc = slp__weight_writer_row(r->out, t, v[k].pre, v[k].post, v[k].w);
  slp__free(v);
  if (rc == 0)
    r->last = t;
  return rc;
}

int slp__weights_snapshots(slp_sim *sim, slp_tick t) {
  slp__plasticity *pl = sim->parts[0].plast;
  int err = 0;
  for (size_t k = 0; k < pl->n_rec; k++) {
    slp__weight_rec *r = &pl->rec[k];
    if (t < r->next)
      continue;
    int rc = snapshot(sim, r, t);
    /* Across MPI ranks every rank takes part in every snapshot, even
     * after an error (network/dist.h). */
    if (rc != 0 && sim->dist == NULL)
      return rc;
    if (err == 0)
      err = rc;
    while (r->next <= t)
      r->next += r->interval;
  }
  return err;
}

int slp__weights_finish(slp_sim *sim) {
  slp__plasticity *pl = sim->parts[0].plast;
  int rc = 0;
  for (size_t k = 0; k < pl->n_rec; k++) {
    slp__weight_rec *r = &pl->rec[k];
    if (r->out == NULL && !r->mirror)
      continue;
    if ((rc == 0 || sim->dist != NULL) && r->at_end && r->last != sim->now) {
      int x = snapshot(sim, r, sim->now);
      if (rc == 0)
        rc = x;
    }
    if (r->out == NULL) {
      /* another rank's file */
    } else if (rc == 0) {
      rc = slp__weight_writer_close(r->out);
    } else {
      slp__weight_writer_abort(r->out);
    }
    r->out = NULL;
    r->mirror = 0;
  }
  return rc;
}
