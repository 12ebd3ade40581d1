/*
 * network/direct.h -- input sources delivered without the queue.
 *
 * A Poisson input whose every source has at most one synapse (the usual
 * external drive: one_to_one onto a population) needs none of the queue's
 * machinery: its spikes are drawn straight for their arrival window and
 * handed to their targets.  In grid mode, sources drawn by steps, one batch
 * per step; in exact mode, sources drawn by intervals, spike by spike in
 * tick order.  The spikes and their order are those of the queued path --
 * the same per-source streams, consumed in the same order, and delivered at
 * each tick where the canonical order (tick, source, synapse) puts them --
 * so this is purely a shortcut, chosen by the network's shape, never by
 * partitioning.
 */
#ifndef SLP_NETWORK_DIRECT_H
#define SLP_NETWORK_DIRECT_H

#include <stddef.h>
#include <stdint.h>

#include "inputs/drive.h"
#include "events/wheel.h"
#include "inputs/inputs.h"
#include "neurons/pop.h"
#include "synapses/csr.h"

typedef struct slp__direct {
  slp__input *in;      /* the input group (its streams and positions) */
  uint32_t n;          /* its sources whose synapse is in this partition */
  uint32_t *src;       /* per such source: its index in the group */
  uint32_t *tgt;       /* per source: target, local to its population */
  float *w;            /* per source: weight */
  slp_tick *delay;     /* per source: delay */
  uint16_t *pop;       /* per source: target population */
  uint8_t *rec;        /* per source: receptor */
  uint16_t *count;     /* spikes per (step of the window, source) */
  uint32_t *bt;        /* one step's batch: targets */
  float *bw;           /* one step's batch: weights */
  size_t cap_t, cap_w; /* batch capacities */
  uint32_t n_steps;    /* grid steps per window (grid mode); 0 in exact
                          mode, where spikes are drawn by intervals */
  slp__spikebuf drawn; /* exact mode: the window's spikes by arrival tick,
                          node = the source's index m in this table */
  slp__spikebuf tmp;   /* exact mode: sort scratch */
  size_t next;         /* exact mode: the first of drawn not delivered */
  int wheeled;         /* exact mode: 1 when the sources wait in `wheel`
                          (quiet sources), 0 when every source is looked at
                          every window, -1 before the first window */
  slp__wheel wheel;    /* exact mode, quiet sources: each source (item m
                          of this table) by the arrival tick of its next
                          spike, so that a window draws only the sources
                          with a spike in it */
  slp__drive *drives;  /* exact mode, taken by the targets (pulled): one
                          drive per target population, attached to it */
  uint32_t n_drives;   /* their number; 0 when not pulled */
} slp__direct;

/* Tests set this to send every input through the queue, to prove the two
 * paths give the same spikes.  Never set in the product. */
extern int slp__direct_disabled;

/* Whether input `in` can be delivered directly through csr. */
int slp__direct_eligible(const slp__input *in, const slp__csr *csr);

/* Set d up for the sources of `in` that have their synapse in csr (a
 * partition's); windows of n_steps steps (grid mode).  SLP_ENOMEM on
 * failure. */
int slp__direct_init(slp__direct *d, slp__input *in, const slp__csr *csr,
                     uint32_t n_steps);
void slp__direct_free(slp__direct *d);

/* Draw the spikes arriving in the window of win, one count per (step,
 * source).  Adds the number of spikes to *spikes.  Partitions draw disjoint
 * sources of a shared input: only the sources' own streams are touched. */
void slp__direct_draw(slp__direct *d, const slp__window *win,
                      uint64_t *spikes);

/* Deliver the spikes drawn for step s of the window to pops.  Adds the
 * number of synaptic events to *events.  SLP_ENOMEM on failure. */
int slp__direct_deliver(slp__direct *d, slp__pop *pops, slp__window *win,
                        uint32_t s, uint64_t *events);

/* Whether d's targets can take its spikes themselves (inputs/drive.h) --
 * one source per target neuron, populations whose model pulls a drive, and
 * in grid mode sources whose mean has the group's count table.  The caller
 * checks that d is the only input into those populations. */
int slp__direct_pullable(const slp__direct *d, const slp__pop *pops);

/* Hand d's sources to its target neurons, one drive per target population
 * attached to it (pops[p].drive); d then draws and delivers nothing.
 * SLP_ENOMEM on failure. */
int slp__direct_pull(slp__direct *d, slp__pop *pops);

/* The spikes d's drives took since the last call. */
uint64_t slp__direct_taken(slp__direct *d);

/* Exact mode: draw the spikes arriving in the window of win and sort them
 * by (tick, source); adds their number to *spikes.  SLP_ENOMEM on failure
 * (the window cannot go on). */
int slp__direct_draw_exact(slp__direct *d, const slp__window *win,
                           uint64_t *spikes);

/* Exact mode: the next spike to deliver, or NULL; *node is its source's
 * node id (its place in the canonical order). */
static inline const slp__spike *slp__direct_peek(const slp__direct *d,
                                                 uint32_t *node) {
  if (d->next >= d->drawn.n)
    return NULL;
  const slp__spike *s = &d->drawn.s[d->next];
  *node = d->in->node0 + d->src[s->node];
  return s;
}

/* Exact mode: deliver that spike to its target in pops and move on. */
void slp__direct_deliver_next(slp__direct *d, slp__pop *pops,
                              slp__window *win);

#endif /* SLP_NETWORK_DIRECT_H */
