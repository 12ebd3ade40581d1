/*
 * network/part.c -- target partitions (part.h): what they own, and where a
 * population's neuron lives.
 */
#include "config.h"

#include "core/alloc.h"
#include "network/sim.h"

void slp__part_free(slp__part *pt, size_t n_pops) {
  for (size_t q = 0; pt->pops != NULL && q < n_pops; q++) {
    slp__pop *p = &pt->pops[q];
    if (p->model != NULL && p->state != NULL)
      p->model->destroy(p);
    slp__free(p->settle);
  }
  slp__free(pt->pops);
  for (size_t k = 0; k < pt->n_direct; k++)
    slp__direct_free(&pt->direct[k]);
  slp__free(pt->direct);
  for (size_t r = 0; r < pt->n_emit; r++)
    slp__poisson_wheel_free(&pt->emit[r].wheel);
  slp__free(pt->emit);
  slp__plasticity_destroy(pt->plast);
  slp__csr_free(&pt->csr);
  slp__ring_free(&pt->ring);
  slp__wake_map_free(&pt->wake);
  for (int k = 0; k < 2; k++) {
    slp__spikebuf_free(&pt->spikes[k]);
    slp__spikebuf_free(&pt->shared[k]);
  }
  slp__spikebuf_free(&pt->local);
}

slp__pop *slp__sim_slice(const slp_sim *sim, size_t q, uint32_t i,
                         uint32_t *local) {
  const uint32_t *cut = &sim->cut[q * (sim->n_parts + 1)];
  uint32_t j = 0;
  while (j + 1 < sim->n_parts && i >= cut[j + 1])
    j++;
  *local = i - cut[j];
  return &sim->parts[j].pops[q];
}

uint32_t slp__sim_pop_size(const slp_sim *sim, size_t q) {
  return sim->cut[q * (sim->n_parts + 1) + sim->n_parts];
}
