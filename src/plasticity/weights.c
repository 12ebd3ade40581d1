/*
 * plasticity/weights.c -- reading a plastic projection's weights.
 *
 * Every read first applies the updates still pending (stdp.h: the lazy
 * potentiation waiting for a source's next spike), so what is read is exact
 * at the synapse, not a stale copy.
 */
#include "config.h"

#include "sleipnir/plasticity.h"
#include "network/sim.h"
#include "plasticity/stdp.h"

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
