/*
 * network/sim.c -- the simulation's lifecycle and statistics
 * (sleipnir/sim.h).
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "network/dist.h"
#include "network/sim.h"
#include "plasticity/weights.h"
#include "baseline/stepper.h"

double slp__now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void slp_sim_destroy(slp_sim *sim) {
  if (sim == NULL)
    return;
  slp__spike_writer_abort(sim->writer);
  slp__records_free(sim);
  slp__stepper_free(sim->stepper);
  for (uint32_t j = 0; sim->parts != NULL && j < sim->n_parts; j++)
    slp__part_free(&sim->parts[j], sim->n_pops);
  slp__free(sim->parts);
  slp__free(sim->cut);
  slp__free(sim->owner);
  slp__dist_free(sim->dist);
  for (size_t k = 0; k < sim->n_inputs; k++)
    slp__input_destroy(&sim->inputs[k]);
  slp__free(sim->inputs);
  slp__free(sim->spikes_path);
  slp__free(sim);
}

int slp_sim_create(slp_sim **out, const slp_network *net,
                   const slp_sim_config *cfg, slp_diag *diag) {
  *out = NULL;
  if (net == NULL || cfg == NULL)
    return SLP_EINVAL;
  double t_start = slp__now_s();
  slp_sim *sim = slp__calloc(1, sizeof *sim);
  if (sim == NULL)
    return SLP_ENOMEM;
  sim->cfg = *cfg;
  sim->cfg.spikes_path = NULL;
  if (cfg->spikes_path != NULL) {
    sim->spikes_path = slp__strdup(cfg->spikes_path);
    if (sim->spikes_path == NULL) {
      slp_sim_destroy(sim);
      return SLP_ENOMEM;
    }
    sim->cfg.spikes_path = sim->spikes_path;
  }
  int rc = slp__sim_build(sim, net, diag);
  /* Rank 0 receives every spike and writes the file (dist.h). */
  if (rc == 0 && sim->spikes_path != NULL && sim->rank == 0)
    rc = slp__spike_writer_open(&sim->writer, sim->spikes_path, diag);
  if (rc == 0)
    rc = slp__records_open(sim, diag);
  if (sim->dist != NULL) { /* every rank built, or none runs */
    rc = slp__dist_agree(sim, rc, diag);
    if (rc == 0)
      rc = slp__dist_totals(sim);
  }
  if (rc != 0) {
    slp_sim_destroy(sim);
    return rc;
  }
  sim->build_wall_s = slp__now_s() - t_start;
  *out = sim;
  return 0;
}

int slp_sim_run(slp_sim *sim, slp_tick until, slp_progress_fn progress,
                void *arg) {
  if (sim->failed)
    return SLP_ESTATE;
  if (until > sim->end)
    until = sim->end;
  double t_start = slp__now_s();
  int rc = slp__sim_run_windows(sim, until, progress, arg);
  /* A canceled run stops between windows with its state whole. */
  if (rc != 0 && rc != SLP_ECANCELED)
    sim->failed = 1;
  sim->run_wall_s += slp__now_s() - t_start;
  return rc;
}

int slp_sim_finish(slp_sim *sim) {
  int rc = slp__records_finish(sim);
  int rw = sim->parts[0].plast != NULL ? slp__weights_finish(sim) : 0;
  if (rc == 0)
    rc = rw;
  if (sim->writer == NULL)
    return rc;
  slp__spike_writer *w = sim->writer;
  sim->writer = NULL;
  int rs = slp__spike_writer_close(w);
  return rc != 0 ? rc : rs;
}

void slp_sim_get_stats(const slp_sim *sim, slp_sim_stats *out) {
  memset(out, 0, sizeof *out);
  out->neurons = sim->n_neurons;
  out->sources = sim->n_sources;
  out->threads = sim->n_parts;
  out->ranks = 1;
  /* Plastic synapses: their double weights, traces and spike histories;
   * the dense mode's matrices. */
  out->synapse_bytes = slp__stepper_dense_bytes(sim->stepper);
  for (uint32_t j = 0; j < sim->n_parts; j++) {
    const slp__part *pt = &sim->parts[j];
    out->synapses += pt->csr.n_syn;
    out->synapse_bytes += slp__csr_bytes(&pt->csr) +
                          slp__plasticity_bytes(pt->plast);
    for (size_t q = 0; q < sim->n_pops; q++)
      out->state_bytes += pt->pops[q].state_bytes;
    out->input_spikes += pt->input_spikes;
    out->synaptic_events += pt->events;
    out->exchanged += pt->exchanged;
  }
  out->windows = sim->serial;
  out->window = sim->window;
  out->spikes = sim->spike_count;
  out->now = sim->now < sim->end ? sim->now : sim->end;
  out->build_wall_s = sim->build_wall_s;
  out->run_wall_s = sim->run_wall_s;
  if (sim->n_ranks > 1) /* totals over the ranks (dist.h) */
    slp__dist_stats(sim, out);
}

void slp_sim_on_spike(slp_sim *sim, slp_spike_fn fn, void *arg) {
  sim->on_spike = fn;
  sim->on_spike_arg = arg;
}
