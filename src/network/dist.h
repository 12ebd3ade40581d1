/*
 * network/dist.h -- the simulation across MPI ranks (issue 7, the MPI half).
 *
 * The target partitions of part.h extended across ranks: with R ranks of T
 * threads there are R*T global partitions and rank r owns partitions
 * [r*T, (r+1)*T) (sim->part_lo, sim->part_hi).  The cut of the populations
 * and the owner map are global and identical on every rank; a rank builds
 * only its own partitions' slices and synapses (the others stay empty:
 * slices without state, an empty CSR), and emits only its own sources.
 *
 * Once per window the lead thread of every rank sends its partitions' spikes
 * of the window (neuron spikes and the source spikes other partitions need)
 * and an error word to every rank (MPI_Allgatherv); the received spikes land
 * in the remote partitions' buffers, so that run.c dispatches and records
 * from them exactly as from its own.  Build steps that need the whole
 * network (delay range, window, which partitions a source reaches) agree
 * through small reductions.
 *
 * Without SLP_WITH_MPI, or with one rank, sim->dist is NULL and none of this
 * runs: every function here is then only the one-process answer.
 */
#ifndef SLP_NETWORK_DIST_H
#define SLP_NETWORK_DIST_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/error.h"
#include "sleipnir/sim.h"

typedef struct slp__dist slp__dist;

/* The program (cli/main.c): MPI_Init when built with MPI, and, on ranks
 * other than 0, standard output and error sent to /dev/null, so that a
 * message or summary is shown once (rank 0 sees every spike and every
 * error).  Returns 0, or non-zero when MPI cannot start. */
int slp__dist_program_init(int *argc, char ***argv);
/* MPI_Finalize when built with MPI and initialised. */
void slp__dist_program_finish(void);

/* This process's rank and the number of ranks (1 without MPI, or when MPI
 * was not initialised: a library user's single process). */
uint32_t slp__dist_ranks(uint32_t *rank);

/* Set sim's rank layout (n_ranks, rank, part_lo, part_hi) for n_parts
 * partitions per rank, and sim->dist when there is more than one rank.
 * Sets sim->n_parts to the global count.  The dense and clock modes run
 * in one process only. */
int slp__dist_layout(slp_sim *sim, uint32_t per_rank, slp_diag *diag);

void slp__dist_free(slp__dist *d);

/* The cores this rank's threads may count on: the machine's, divided among
 * the ranks on it. */
unsigned slp__dist_cores(const slp_sim *sim);

/*
 * Every rank's result of a build step: 0 when all succeeded, else the error
 * of the lowest failing rank, with its diag (file, line, key, message)
 * copied to every rank so that rank 0 shows it.  Once the ranks agreed on a
 * failure, later calls return it without communicating, so that ranks that
 * failed at different steps do not wait for each other.
 */
int slp__dist_agree(slp_sim *sim, int rc, slp_diag *diag);

/* After the partitions' synapses are built: the network's delay range (the
 * minimum positive d_min, the maximum d_max) into *d_min, *d_max; which
 * partitions each source reaches; whether each input's sources can be
 * drawn directly (direct.h); the synapse totals. */
int slp__dist_synapses(slp_sim *sim, slp_tick *d_min, slp_tick *d_max);

/* Source node's first partition holding one of its synapses (n_parts:
 * none), and whether its synapses are in more than one partition. */
uint32_t slp__dist_first_part(const slp_sim *sim, uint32_t node, int *spread);

/* Whether input k's sources are drawn directly on every rank. */
int slp__dist_direct_ok(const slp_sim *sim, size_t k);

/* The shortest window any rank asks for. */
int slp__dist_window(slp_sim *sim, slp_tick *w);

/* The lead thread of each rank, after the window's barrier: send this
 * rank's partitions' spike buffers of parity par and its error word err,
 * receive the others' into the remote partitions' buffers.  Returns the
 * error every rank agrees on: the lowest rank's real error, else
 * SLP_ECANCELED if any rank asked to stop, else 0. */
int slp__dist_exchange(slp_sim *sim, unsigned par, int err);

/* Every rank's array of n elements of `size` bytes, concatenated in rank
 * order, replacing *buf (allocated with slp__malloc) and *n. */
int slp__dist_gather(slp_sim *sim, void **buf, uint64_t *n, size_t size);

/* Recording r's sample at t (network/record.h): every rank reads its own
 * neurons, rank 0 writes them all, in the recording's order. */
struct slp__state_rec;
int slp__dist_sample(slp_sim *sim, struct slp__state_rec *r, slp_tick t);

/* Totals over the ranks of the statistics each rank holds only for its own
 * partitions (synapses, bytes, input spikes, events); recomputed at the end
 * of a build and of a run, read by slp_sim_get_stats. */
int slp__dist_totals(slp_sim *sim);
void slp__dist_stats(const slp_sim *sim, slp_sim_stats *out);

#endif /* SLP_NETWORK_DIST_H */
