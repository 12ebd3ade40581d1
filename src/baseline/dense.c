/*
 * baseline/dense.c -- the dense recurrent weight matrices of the dense mode.
 *
 * What Norse and PyTorch do every step (reference/algorithms.md §5.3): the
 * recurrent input is W z, a dense N x N matrix times the 0/1 spike vector,
 * N^2 multiply-adds whatever the activity.  Sleipnir's synapses carry
 * delays and receptors, so there is one matrix per (delay, receptor) pair
 * that occurs among the neurons' synapses, built from the same CSR as the
 * event path's (the same random connectivity and weights).  A matrix has a
 * row for each neuron with a synapse of its kind only: with excitatory and
 * inhibitory neurons (Dale's law) that is two matrices of N_exc x N and
 * N_inh x N -- what one writes in PyTorch with a Linear layer per
 * population -- not two of N x N.  Synapses that share (source, target,
 * delay, receptor) add up in one entry.
 *
 * Storage is source-major, w[src * n + tgt]: the product is then a sum of
 * scaled rows (axpy), which vectorises without reassociating any sum, so
 * every target's input is added up in ascending source order -- the order
 * of the clock mode's CSR fan-out, hence the same result.
 */
#include "config.h"

#include <string.h>

#include "baseline/stepper.h"
#include "core/alloc.h"

/* Index of the matrix for (delay, rec), adding it if new; -1 on ENOMEM. */
static long mat_index(slp__dense *d, slp_tick delay, uint8_t rec,
                      size_t *cap) {
  for (size_t m = 0; m < d->n_mat; m++)
    if (d->delay[m] == delay && d->rec[m] == rec)
      return (long)m;
  if (d->n_mat == *cap) {
    size_t c = *cap ? 2 * *cap : 4;
    slp_tick *nd = slp__realloc(d->delay, c * sizeof *nd);
    if (nd == NULL)
      return -1;
    d->delay = nd;
    uint8_t *nr = slp__realloc(d->rec, c * sizeof *nr);
    if (nr == NULL)
      return -1;
    d->rec = nr;
    *cap = c;
  }
  d->delay[d->n_mat] = delay;
  d->rec[d->n_mat] = rec;
  return (long)d->n_mat++;
}

/* The row of source r in matrix m (rows are added in ascending r). */
static uint32_t row_index(const slp__dense *d, size_t m, uint32_t r) {
  uint32_t lo = 0, hi = d->n_src[m];
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (d->src[m][mid] < r)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int slp__dense_build(slp__dense *d, const slp__csr *csr, uint32_t n,
                     const uint32_t *pop_node0, uint64_t limit,
                     slp_diag *diag) {
  memset(d, 0, sizeof *d);
  d->n = n;
  size_t cap = 0;
  /* Which (delay, receptor) pairs occur: one pass over the segments. */
  for (uint32_t r = 0; r < n; r++)
    for (uint64_t s = csr->row_seg[r]; s < csr->row_seg[r + 1]; s++)
      if (mat_index(d, csr->seg_delay[s], csr->seg_receptor[s], &cap) < 0)
        return SLP_ENOMEM;
  size_t nm = d->n_mat ? d->n_mat : 1;
  d->w = slp__calloc(nm, sizeof *d->w);
  d->src = slp__calloc(nm, sizeof *d->src);
  d->n_src = slp__calloc(nm, sizeof *d->n_src);
  if (d->w == NULL || d->src == NULL || d->n_src == NULL)
    return SLP_ENOMEM;
  /* Which sources each matrix has rows for, ascending (rows are visited
   * in order); a source is listed once per matrix however many segments it
   * has there. */
  size_t *caps = slp__calloc(nm, sizeof *caps);
  if (caps == NULL)
    return SLP_ENOMEM;
  for (uint32_t r = 0; r < n; r++)
    for (uint64_t s = csr->row_seg[r]; s < csr->row_seg[r + 1]; s++) {
      size_t m = (size_t)mat_index(d, csr->seg_delay[s],
                                   csr->seg_receptor[s], &cap);
      uint32_t k = d->n_src[m];
      if (k > 0 && d->src[m][k - 1] == r)
        continue;
      if (slp__grow((void **)&d->src[m], &caps[m], (size_t)k + 1,
                    sizeof *d->src[m]) != 0) {
        slp__free(caps);
        return SLP_ENOMEM;
      }
      d->src[m][k] = r;
      d->n_src[m] = k + 1;
    }
  slp__free(caps);
  /* Refuse before allocating the weights. */
  double bytes = 0;
  for (size_t m = 0; m < d->n_mat; m++)
    bytes += (double)d->n_src[m] * (double)n * sizeof(float);
  if (bytes > (double)limit || bytes > (double)SIZE_MAX / 2)
    return slp_diag_set(
        diag, SLP_ELIMIT, NULL, 0, 0, "simulation.mode",
        "dense mode needs %zu dense weight matrices (one per delay and "
        "receptor) of %u columns, %.3g GiB, more than the %.3g GiB it may "
        "use (3/4 of this machine's memory); use mode clock, or a smaller "
        "network",
        d->n_mat, n, bytes / 1073741824.0, (double)limit / 1073741824.0);
  for (size_t m = 0; m < d->n_mat; m++) {
    size_t per = (size_t)d->n_src[m] * n;
    d->w[m] = slp__calloc(per ? per : 1, sizeof(float));
    if (d->w[m] == NULL)
      return SLP_ENOMEM;
  }
  d->bytes = (uint64_t)bytes;
  for (uint32_t r = 0; r < n; r++)
    for (uint64_t s = csr->row_seg[r]; s < csr->row_seg[r + 1]; s++) {
      size_t m = (size_t)mat_index(d, csr->seg_delay[s],
                                   csr->seg_receptor[s], &cap);
      float *row = d->w[m] + (size_t)row_index(d, m, r) * n;
      uint32_t node0 = pop_node0[csr->seg_pop[s]];
      for (uint64_t k = csr->seg_start[s]; k < csr->seg_start[s + 1]; k++)
        row[node0 + csr->col[k]] += csr->w[k];
    }
  return 0;
}

void slp__dense_free(slp__dense *d) {
  for (size_t m = 0; d->w != NULL && m < d->n_mat; m++)
    slp__free(d->w[m]);
  for (size_t m = 0; d->src != NULL && m < d->n_mat; m++)
    slp__free(d->src[m]);
  slp__free(d->w);
  slp__free(d->src);
  slp__free(d->n_src);
  slp__free(d->delay);
  slp__free(d->rec);
  memset(d, 0, sizeof *d);
}

/* y += a x over n entries: the whole cost of the dense mode, so it is
 * compiled for vectorisation (GCC's -O2 does not vectorise it; -O3's vector
 * code does the same multiplications and additions in the same order). */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("O3")))
#endif
static void axpy(double *restrict y, const float *restrict x, double a,
                 size_t n) {
  for (size_t k = 0; k < n; k++)
    y[k] += (double)x[k] * a;
}

void slp__dense_gemv(const slp__dense *d, const double *z, double *const *ys) {
  size_t n = d->n;
  for (size_t m = 0; m < d->n_mat; m++) {
    const float *w = d->w[m];
    const uint32_t *src = d->src[m];
    double *y = ys[m];
    for (size_t k = 0; k < d->n_src[m]; k++)
      axpy(y, w + k * n, z[src[k]], n);
  }
}
