/*
 * synapses/connect.h -- connection rules: which synapses a projection has.
 *
 * A rule is drawn from counter-based streams keyed by the entity that owns
 * the draw (the post neuron for rules that choose per target, the pre neuron
 * for fixed_outdegree, the pair index for lists), so the same seed yields the
 * same synapses however the targets are split into partitions.
 */
#ifndef SLP_SYNAPSES_CONNECT_H
#define SLP_SYNAPSES_CONNECT_H

#include <stdint.h>

#include "sleipnir/error.h"
#include "sleipnir/network.h"
#include "network/network.h"

/*
 * Receives one synapse: pre index local to the source group, post index
 * local to the projection's concatenated targets, weight (mV) and delay (ms)
 * as drawn.  Return 0 to go on, or a negative SLP_E* code to stop generation
 * (it is passed through).
 */
typedef int (*slp__syn_sink)(void *arg, uint32_t pre, uint32_t post, double w,
                             double delay_ms);

/*
 * Generate the synapses of projection `proj_index` of `net` whose post index
 * lies in [post_lo, post_hi), calling sink for each.  Draws use `seed`.
 * Returns 0, the sink's error, SLP_ENOMEM, or SLP_ERANGE (with diag) when a
 * clipped normal cannot be drawn or a drawn delay is <= 0.
 */
int slp__connect_generate(const slp_network *net, uint32_t proj_index,
                          uint64_t seed, uint32_t post_lo, uint32_t post_hi,
                          slp__syn_sink sink, void *arg, slp_diag *diag);

#endif /* SLP_SYNAPSES_CONNECT_H */
