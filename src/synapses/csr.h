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
 *   1. slp__csr_builder_init(&b, n_rows)
 *   2. slp__csr_builder_count(&b, row) once per synapse to come (any order)
 *   3. slp__csr_builder_alloc(&b)
 *   4. slp__csr_builder_add(&b, row, target_node, pop, local, w, delay, rec)
 *      for the same synapses (any order, but the same order every run: the
 *      order of synapses that agree in row, delay, receptor and target is
 *      their order in the CSR)
 *   5. slp__csr_builder_finish(&b, &csr), which sorts and segments.
 * slp__csr_builder_free releases a builder at any point.
 */
/* One synapse as added: one record, so that adding one (a random row)
 * writes one cache line, not six. */
typedef struct slp__csr_syn {
  slp_tick delay;   /* delay ticks */
  uint32_t target;  /* target global neuron id */
  uint32_t local;   /* index within its population */
  float w;          /* weight */
  uint16_t pop;     /* target population */
  uint8_t rec;      /* receptor */
  uint16_t tag;     /* plastic projection + 1, or 0 */
} slp__csr_syn;

typedef struct slp__csr_builder {
  uint32_t n_rows;       /* nodes */
  uint64_t *fill;        /* per row: count, then next free slot */
  uint64_t *row_start;   /* n_rows + 1 offsets of the rows' synapses */
  slp__csr_syn *syn;     /* the synapses, row by row */
  uint64_t n_syn;        /* synapses counted */
} slp__csr_builder;

int slp__csr_builder_init(slp__csr_builder *b, uint32_t n_rows);
void slp__csr_builder_count(slp__csr_builder *b, uint32_t row);
int slp__csr_builder_alloc(slp__csr_builder *b);
void slp__csr_builder_add(slp__csr_builder *b, uint32_t row, uint32_t target,
                          uint16_t pop, uint32_t local, float w,
                          slp_tick delay, uint8_t rec);
/* As slp__csr_builder_add, for a synapse of plastic projection tag - 1
 * (tag 0: static).  Segments split on the tag. */
void slp__csr_builder_add_tagged(slp__csr_builder *b, uint32_t row,
                                 uint32_t target, uint16_t pop, uint32_t local,
                                 float w, slp_tick delay, uint8_t rec,
                                 uint16_t tag);
int slp__csr_builder_finish(slp__csr_builder *b, slp__csr *out);
void slp__csr_builder_free(slp__csr_builder *b);

#endif /* SLP_SYNAPSES_CSR_H */
