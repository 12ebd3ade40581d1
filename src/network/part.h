/*
 * network/part.h -- a target partition: the unit a thread owns.
 *
 * The neurons are split into partitions by target (reference/algorithms.md
 * 7.1, NEST's layout): a partition owns a contiguous slice of every
 * population, every synapse onto those neurons (its own CSR, whose rows are
 * all the network's nodes and whose columns are its own neurons), their
 * plasticity, their queues, and the input sources it emits.  Everything a
 * partition writes during a window is its own; the only shared data are the
 * spike buffers of the window just finished, read by every partition after
 * the barrier (run.c).
 *
 * Results do not depend on the partitioning: every neuron consumes its
 * inputs in the canonical order (tick, source, segment), draws come from
 * streams keyed by entity, and a slice of a population is a population of its
 * own to the models, whose state depends only on its own neurons' inputs.
 */
#ifndef SLP_NETWORK_PART_H
#define SLP_NETWORK_PART_H

#include <stddef.h>
#include <stdint.h>

#include "events/ring.h"
#include "events/wake_map.h"
#include "network/direct.h"
#include "neurons/pop.h"
#include "plasticity/stdp.h"
#include "synapses/csr.h"

/* The most threads (partitions) a simulation runs on. */
#define SLP__MAX_THREADS 512

/* Sources [lo, hi) of input group `input` (index in slp_sim.inputs). */
typedef struct slp__src_range {
  uint32_t input;
  uint32_t lo, hi;
  slp__poisson_wheel wheel; /* its quiet Poisson sources (inputs.h) */
} slp__src_range;

/* Partitions sit in one array, each written by its own thread: each starts
 * on a cache line of its own (and the array is allocated so aligned), or
 * one thread's counters would share a line with the next one's CSR. */
#define SLP__CACHE_LINE 64

typedef struct slp__part {
  _Alignas(SLP__CACHE_LINE) uint32_t index; /* its number, 0 .. n_parts - 1 */
  slp__pop *pops;           /* one slice per population, in population order
                               (a slice may be empty) */
  slp__csr csr;             /* the synapses onto its neurons; seg_pop indexes
                               pops, col the slice; d_min and d_max are the
                               network's, so that every partition agrees on
                               windows and horizons */
  slp__plasticity *plast;   /* plasticity of those synapses, or NULL */
  slp__direct *direct;      /* direct inputs onto its neurons (direct.h) */
  size_t n_direct;          /* number of them */
  slp__src_range *emit;     /* the input sources it emits */
  size_t n_emit;            /* number of ranges */
  slp__ring ring;           /* pending (spike, segment) deliveries */
  slp__wake_map wake;       /* its neurons' wake-ups */
  slp__spikebuf spikes[2];  /* its neurons' spikes, by window parity: the
                               other partitions read one while it fills the
                               other */
  slp__spikebuf shared[2];  /* its sources' spikes that reach other
                               partitions, by window parity */
  slp__spikebuf local;      /* its sources' spikes that reach only it */
  uint64_t events;          /* synaptic events delivered */
  uint64_t input_spikes;    /* source spikes emitted */
  uint64_t exchanged;       /* spikes put in spikes[] and shared[] */
  int err[2];               /* errors of the current and last phase
                               between barriers (run.c) */
} slp__part;

/* Free what part owns (not the struct); n_pops slices. */
void slp__part_free(slp__part *part, size_t n_pops);

#endif /* SLP_NETWORK_PART_H */
