/*
 * synapses/csr.h -- static synapses in delay-segmented CSR form.
 *
 * Row r holds the outgoing synapses of node r (a neuron or an input source).
 * Each row is split into segments of synapses that share a delay, a receptor
 * and a target population; a spike of r becomes one queue entry per segment,
 * fanned out through the segment on delivery.  Targets inside a segment are
 * ascending, so delivery walks neuron state forward in memory.
 *
 * Per synapse: a uint32 target (local to the segment's population) and a
 * float weight -- 8 bytes.  Per segment: delay, receptor, population, start.
 */
#ifndef SLP_SYNAPSES_CSR_H
#define SLP_SYNAPSES_CSR_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/sim.h"

typedef struct slp__csr {
  uint32_t n_rows;        /* nodes */
  uint64_t n_seg;         /* segments */
  uint64_t n_syn;         /* synapses */
  uint64_t *row_seg;      /* n_rows + 1: row r's segments [row_seg[r], [r+1]) */
  uint64_t *seg_start;    /* n_seg + 1: segment s's synapses [start[s], [s+1]) */
  slp_tick *seg_delay;    /* n_seg: delay in ticks */
  uint16_t *seg_pop;      /* n_seg: target population (runtime index) */
  uint8_t *seg_receptor;  /* n_seg: receptor index */
  uint16_t *seg_tag;      /* n_seg: plastic projection + 1, or 0 (static);
                             plastic synapses never share a segment with
                             others, so a segment is wholly one or the other */
  uint32_t *col;          /* n_syn: target index within its population */
  float *w;               /* n_syn: weight, mV */
  slp_tick d_min;         /* smallest delay (0 when there are no synapses) */
  slp_tick d_max;         /* largest delay */
} slp__csr;

void slp__csr_free(slp__csr *c);

/* Bytes the CSR occupies. */
uint64_t slp__csr_bytes(const slp__csr *c);

/*
 * Building: count, then add, then finish.
 *   1. slp__csr_builder_init(&b, n_rows, n_pops, slice_node0, slice_size)
 *      names the target populations: population q's neurons are the global
 *      nodes [slice_node0[q], slice_node0[q] + slice_size[q]), local index
 *      0, 1, ... in that order (a partition's slice of each population)
 *   2. slp__csr_builder_count(&b, row) once per synapse to come (any order)
 *   3. slp__csr_builder_alloc(&b)
 *   4. slp__csr_builder_add(&b, row, target_node, w, delay, rec, tag) for the
 *      same synapses (any order, but the same order every run: the order of
 *      synapses that agree in row, delay, receptor, tag and target is their
 *      order in the CSR)
 *   5. slp__csr_builder_finish(&b, &csr), which sorts and segments.
 * slp__csr_builder_free releases a builder at any point.
 *
 * Memory: a synapse costs 16 bytes while the CSR is built -- its sort key
 * (delay, receptor, tag packed in 8 bytes) beside the target and weight
 * arrays that become the CSR's own col and w -- and 8 once it is finished.
 * Nothing of the size of the synapses is copied.
 */
/* Delays are packed into 40 bits of the sort key: at most 2^40 - 1 ticks
 * (about 1100 s). */
#define SLP__CSR_MAX_DELAY ((slp_tick)((UINT64_C(1) << 40) - 1))

typedef struct slp__csr_builder {
  uint32_t n_rows;       /* nodes */
  uint32_t n_pops;       /* target populations */
  uint32_t *pop_node0;   /* n_pops: first global node of each population */
  uint32_t *pop_size;    /* n_pops: its neurons */
  uint32_t *by_node;     /* non-empty populations, ascending pop_node0 */
  uint32_t n_by_node;    /* entries of by_node */
  uint64_t *fill;        /* per row: count, then next free slot */
  uint64_t *row_start;   /* n_rows + 1 offsets of the rows' synapses */
  uint64_t *key;         /* per synapse: delay << 24 | receptor << 16 | tag */
  uint32_t *target;      /* per synapse: global target node; the CSR's col */
  float *w;              /* per synapse: weight; the CSR's w */
  uint64_t n_syn;        /* synapses counted */
} slp__csr_builder;

int slp__csr_builder_init(slp__csr_builder *b, uint32_t n_rows,
                          uint32_t n_pops, const uint32_t *slice_node0,
                          const uint32_t *slice_size);
void slp__csr_builder_count(slp__csr_builder *b, uint32_t row);
int slp__csr_builder_alloc(slp__csr_builder *b);
/* One synapse from node row onto global node target, which lies in one of
 * the builder's populations; delay in 1 .. SLP__CSR_MAX_DELAY ticks; tag is
 * the plastic projection + 1, or 0 (static): segments split on it. */
void slp__csr_builder_add(slp__csr_builder *b, uint32_t row, uint32_t target,
                          float w, slp_tick delay, uint8_t rec, uint16_t tag);
int slp__csr_builder_finish(slp__csr_builder *b, slp__csr *out);
void slp__csr_builder_free(slp__csr_builder *b);

#endif /* SLP_SYNAPSES_CSR_H */
