/*
 * network/sim.h -- the simulation behind slp_sim.
 *
 * build.c turns a network description into this (CSR, populations, inputs,
 * queues); run.c advances it window by window; sim.c holds the lifecycle and
 * the statistics.
 */
#ifndef SLP_NETWORK_SIM_H
#define SLP_NETWORK_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/sim.h"
#include "events/ring.h"
#include "inputs/inputs.h"
#include "io/spike_writer.h"
#include "network/direct.h"
#include "network/part.h"
#include "network/record.h"
#include "neurons/pop.h"
#include "plasticity/stdp.h"
#include "synapses/csr.h"

struct slp_sim {
  slp_sim_config cfg;       /* settings (spikes_path points to spikes_path) */
  char *spikes_path;        /* owned copy of the spike file name */
  slp_tick end;             /* configured end of the simulation */
  slp_tick spike_end;       /* spikes before this tick are the run's: end,
                               or end + 1 in norse mode, whose last step's
                               spikes are stamped at end */
  slp_tick window;          /* window length W <= d_min */
  slp_tick grid;            /* grid step (grid mode) or 1; norse mode: dt */
  slp_tick src_grid;        /* what source spikes and delays are quantised
                               to: the grid step in grid mode, else 1 (norse
                               mode bins arrivals into its steps) */
  int sources_first;        /* norse mode: sources emit at a window's start,
                               so that inputs with delays shorter than a
                               step reach the step they fall in */
  uint32_t n_neurons;       /* neurons (node ids 0 .. n_neurons-1) */
  uint32_t n_sources;       /* input sources (node ids after the neurons) */
  size_t n_pops;            /* populations, in description order */
  uint32_t n_parts;         /* target partitions, all ranks' (part.h) */
  uint32_t part_lo, part_hi;/* this rank's: the ones its threads run
                               (the others are empty, dist.h) */
  uint32_t rank, n_ranks;   /* MPI rank and ranks; 0 and 1 without MPI */
  struct slp__dist *dist;   /* the exchange across ranks, or NULL */
  int rank_err;             /* the error the ranks agreed on at the last
                               exchange (run.c) */
  slp__part *parts;         /* the partitions */
  uint32_t *cut;            /* population q's slice in partition j is its
                               neurons [cut[q (n_parts + 1) + j], [.. + 1]) */
  uint16_t *owner;          /* per node: the partition that owns the neuron
                               or emits the source; SLP__OWNER_LOCAL set on a
                               source whose synapses all lie in it */
  slp__input *inputs;       /* input groups (direct ones are drawn by the
                               partitions that hold their synapses, the
                               others emitted by source ranges, part.h) */
  size_t n_inputs;          /* number of input groups */
  slp__spike_writer *writer;/* spike file, or NULL */
  slp__state_rec *records;  /* state recordings */
  size_t n_records;         /* number of them */
  slp_spike_fn on_spike;    /* spike callback, or NULL */
  void *on_spike_arg;       /* its argument */
  slp_tick now;             /* start of the next window */
  uint32_t serial;          /* windows processed */
  int primed;               /* populations primed for the first window */
  int failed;               /* a run failed: the state is unusable */
  uint64_t spike_count;     /* neuron spikes before `end` */
  double build_wall_s;      /* seconds in slp_sim_create */
  double run_wall_s;        /* seconds in slp_sim_run */
  struct slp__stepper *stepper; /* dense and clock modes (baseline/), else
                                   NULL */
};

/* sim->owner: the partition index bits, and the "all its synapses are in
 * its partition" flag of a source. */
#define SLP__OWNER_PART 0x7fffu
#define SLP__OWNER_LOCAL 0x8000u

/* The slice of population q holding its neuron i; *local receives i's index
 * in the slice. */
slp__pop *slp__sim_slice(const slp_sim *sim, size_t q, uint32_t i,
                         uint32_t *local);

/* Population q's size and first node id. */
uint32_t slp__sim_pop_size(const slp_sim *sim, size_t q);

/* Build sim from net; diag explains SLP_ERANGE/SLP_EINVAL.  Fills everything
 * but the writer. */
int slp__sim_build(slp_sim *sim, const slp_network *net, slp_diag *diag);

/* Run the windows up to `until` (run.c): SLP_ECANCELED when progress asked
 * to stop (the state is whole), another error when the run failed. */
int slp__sim_run_windows(slp_sim *sim, slp_tick until,
                         slp_progress_fn progress, void *arg);

/* Seconds on a monotonic clock. */
double slp__now_s(void);

#endif /* SLP_NETWORK_SIM_H */
