/*
 * sleipnir/sim.h -- building and running a simulation.
 *
 * slp_sim_create() turns a network description into the data the event path
 * runs on (delay-segmented CSR synapses, neuron state, queues), drawing
 * connectivity, weights, delays and initial state from counter-based random
 * streams keyed by (seed, purpose, entity): the same seed gives the same
 * network and the same spikes however the neurons are partitioned.
 *
 * Time is an int64 count of ticks of 1 ns (slp_tick).
 */
#ifndef SLEIPNIR_SIM_H
#define SLEIPNIR_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/error.h"
#include "sleipnir/network.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int64_t slp_tick;
#define SLP_TICKS_PER_MS INT64_C(1000000)

/* How arrival times are quantised and neurons propagated (DESIGN.md, Time). */
typedef enum slp_mode {
  SLP_MODE_EXACT = 0, /* exact ticks, closed form, exact crossings */
  SLP_MODE_GRID,      /* arrivals and spikes on a grid of step dt */
  SLP_MODE_DENSE,     /* baseline: every neuron stepped every dt, recurrent
                         input as a dense matrix times the spike vector */
  SLP_MODE_CLOCK,     /* baseline: every neuron stepped every dt, spikes
                         delivered through the CSR (NEST/Brian2 style) */
  SLP_MODE_NORSE      /* Norse's discrete forward-Euler steps of dt
                         (default 1 ms), reproduced step for step */
} slp_mode;

/*
 * A recording of state variables: every `interval_ms` from time 0 (the first
 * sample at one interval), the values of `vars` of the chosen neurons of one
 * population, as they are after every input that arrived before the sample
 * time, streamed to `path` (.csv or .bin; io/state_writer.h and
 * docs/model-file.md describe the formats).  Values are in SI units.
 * Recording never changes what the simulation computes; windows are cut so
 * that every sample time falls between two (simulation.dt must divide the
 * interval in grid mode).
 */
typedef struct slp_state_record {
  const char *population;  /* population name */
  const char *const *vars; /* state variable names (or aliases), 1..8 */
  size_t n_vars;           /* number of vars */
  const uint32_t *neurons; /* indices within the population; NULL: all */
  size_t n_neurons;        /* entries in neurons (ignored when NULL) */
  double interval_ms;      /* sampling interval, > 0 */
  const char *path;        /* output file */
} slp_state_record;

/* How the dense and clock modes advance a neuron over one step dt. */
typedef enum slp_propagator {
  SLP_PROPAGATOR_EXACT = 0, /* closed-form propagator, exact crossings */
  SLP_PROPAGATOR_EULER      /* forward Euler, threshold at step ends (Norse) */
} slp_propagator;

/* Settings of one run; fill with slp_sim_config_init() first. */
typedef struct slp_sim_config {
  double time_ms;          /* simulated time */
  uint64_t seed;           /* master seed */
  slp_mode mode;           /* integration mode */
  double dt_ms;            /* step of the grid, dense, clock and norse modes;
                              0 (the default): the mode's own, 1 ms for
                              norse (Norse's), else 0.1 ms */
  unsigned threads;        /* worker threads; 0 = all cores */
  const char *spikes_path; /* spike file (.csv or .bin), NULL: none */
  const slp_state_record *state; /* state recordings (borrowed during
                                    slp_sim_create only), or NULL */
  size_t n_state;          /* number of state recordings */
  slp_propagator propagator; /* dense and clock modes: the step's propagator */
} slp_sim_config;

/* Defaults: 1000 ms, seed 1, exact mode, dt the mode's own, threads 0, no
 * files, exact propagator. */
SLP_EXTERN void slp_sim_config_init(slp_sim_config *cfg);

/* The step dt a configuration runs with, in ms (its mode's default when
 * cfg->dt_ms is 0). */
SLP_EXTERN double slp_sim_config_dt(const slp_sim_config *cfg);

/* Parse a mode name ("exact", "grid", "dense", "clock", "norse"):
 * SLP_EINVAL if unknown. */
SLP_EXTERN int slp_mode_parse(const char *name, slp_mode *out);
SLP_EXTERN const char *slp_mode_name(slp_mode mode);

/* Parse a propagator name ("exact", "euler"): SLP_EINVAL if unknown. */
SLP_EXTERN int slp_propagator_parse(const char *name, slp_propagator *out);
SLP_EXTERN const char *slp_propagator_name(slp_propagator p);

typedef struct slp_sim slp_sim;

/*
 * Build a simulation of `net` (borrowed only during the call).  Fails with
 * SLP_EINVAL/SLP_ERANGE (diag says which parameter or projection, and why),
 * SLP_ENOMEM, or SLP_EIO when an output file cannot be created.  *out is NULL
 * on failure.  Output files (spikes, state recordings) appear under their
 * names only when slp_sim_finish() succeeds.
 *
 * Under MPI (a library built --with-mpi, MPI_Init called by the program)
 * the simulation spans all ranks of MPI_COMM_WORLD: every rank makes the same
 * calls in the same order (create, record_weights, run, get_weights,
 * weight_summary, finish, destroy), each holds its share of the network, and
 * rank 0 writes the output files.  Without MPI_Init it is one process.
 */
SLP_EXTERN int slp_sim_create(slp_sim **out, const slp_network *net,
                              const slp_sim_config *cfg, slp_diag *diag);

/* Destroy a simulation (NULL is fine); an unfinished spike file is removed. */
SLP_EXTERN void slp_sim_destroy(slp_sim *sim);

/*
 * Called between windows with the simulated time reached; return non-zero to
 * stop the run (slp_sim_run() then returns SLP_ECANCELED).
 */
typedef int (*slp_progress_fn)(void *arg, slp_tick now, slp_tick end);

/*
 * Advance the simulation to `until` ticks (at most the configured time).
 * Spikes are streamed to the spike file as windows complete.  `progress`
 * may be NULL; it is called about 20 times a second of wall time.
 */
SLP_EXTERN int slp_sim_run(slp_sim *sim, slp_tick until,
                           slp_progress_fn progress, void *arg);

/* Flush and close outputs, renaming them to their final names. */
SLP_EXTERN int slp_sim_finish(slp_sim *sim);

/* Figures of a simulation so far. */
typedef struct slp_sim_stats {
  uint64_t neurons;         /* neurons simulated */
  uint64_t sources;         /* input sources */
  uint64_t synapses;        /* synapses stored */
  uint64_t synapse_bytes;   /* bytes the synapse store takes */
  uint64_t state_bytes;     /* bytes of neuron state */
  uint64_t spikes;          /* neuron spikes emitted */
  uint64_t input_spikes;    /* spikes emitted by input sources (of an
                               input delivered directly, one synapse per
                               source: those that arrived -- the spikes of
                               its last delay before the end are not
                               counted) */
  uint64_t synaptic_events; /* synaptic events delivered */
  slp_tick now;             /* simulated time reached */
  double build_wall_s;      /* wall seconds spent in slp_sim_create */
  double run_wall_s;        /* wall seconds spent in slp_sim_run */
  unsigned threads;         /* threads the run uses (target partitions),
                               per rank */
  unsigned ranks;           /* MPI ranks (1 without MPI) */
  uint64_t windows;         /* windows run (the threads meet once each) */
  slp_tick window;          /* window length, ticks */
  uint64_t exchanged;       /* spikes the partitions handed to each other
                               (every neuron spike, and the source spikes
                               with targets in more than one partition) */
} slp_sim_stats;

SLP_EXTERN void slp_sim_get_stats(const slp_sim *sim, slp_sim_stats *out);

/*
 * Receive every neuron spike as the run goes, in (tick, neuron) order, in
 * addition to the spike file.  `fn` must not call back into the simulation.
 */
typedef void (*slp_spike_fn)(void *arg, slp_tick t, uint32_t neuron);
SLP_EXTERN void slp_sim_on_spike(slp_sim *sim, slp_spike_fn fn, void *arg);

#ifdef __cplusplus
}
#endif
#endif /* SLEIPNIR_SIM_H */
