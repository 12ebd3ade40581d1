/*
 * plasticity/stdp.h -- pair-based STDP at run time: lazy, pre-triggered,
 * exact.
 *
 * The algorithm (reference/algorithms.md 3.3, as NEST's stdp_synapse but
 * with exact spike times and flushes instead of access counters):
 *   - every post spike of a target neuron is appended to that neuron's
 *     history (plasticity/post_history.h) with its post trace;
 *   - when a plastic CSR segment is delivered (a pre spike reaching its
 *     targets), each synapse first applies the potentiation of the post
 *     spikes that reached it since its last update (pre trace evaluated at
 *     each), then the depression of this pre spike (post trace just before
 *     it), and only then transmits its weight; the segment's pre trace then
 *     jumps.  The pre trace lives per segment, i.e. per source neuron and
 *     delay, so that segments of one source with different delays each see
 *     the source's spikes in their own order;
 *   - every `horizon` of simulated time, segments whose source has been
 *     silent apply their pending potentiation (a "flush"), after which post
 *     spikes older than the horizon are dropped: memory stays bounded by the
 *     post rate times the horizon however long a source is silent;
 *   - reading weights flushes every segment first.
 *
 * Why lazy pre-triggered rather than eager post-triggered: potentiation of
 * the synapses onto a neuron that fires is deferred to the next spike of
 * each source and done while that source's row is being walked anyway for
 * transmission, so it reads weights in CSR order (sequential, the cache
 * lines transmission loads) instead of one random cache line per incoming
 * synapse per post spike through a transposed index; it also needs no
 * transposed index (4 bytes per synapse).  What it pays instead is one
 * random read per (synapse, pre spike): the target's history header (64
 * bytes, post_history.h), which at the benchmarks' rates (a few Hz) holds
 * everything needed for 9 synapses in 10 -- up to two post spikes since
 * the source's previous spike -- and is prefetched ahead.  For the pair
 * rules the loop over a segment's synapses is inlined with the rule's
 * constants (stdp.c, pair_loop); the rest goes through the ring.  Measured
 * on CUBA + STDP (bench/stdp_cost.py, one thread, interleaved rounds on a
 * shared machine): about 1.35x the static network's run time in exact mode
 * (1.55x before that loop), of which the loop itself is about half and the
 * periodic flushes of silent segments a quarter of that half; the rest is
 * the static code running slower beside STDP's data (1.6 MB of double
 * weights for CUBA's 205k plastic synapses).  The eager path
 * would add a random weight access per (synapse, post spike) on top of the
 * same depression pass, so it was not built; it remains the way to go for
 * rules that need the weight right after a post spike.
 *
 * Exactness needs every post spike that can affect a delivery to be known
 * when the delivery runs: a post spike reaches the synapse d_d after it is
 * emitted, and a delivery at T reads post spikes up to T - 2 d_d, so windows
 * are made no longer than 2 d_d (plasticity shortens them when d_d <
 * d_min / 2; d_d = 0 is refused).
 *
 * Times inside a segment are in the synapse's frame: t_pre, t_fac.  (In
 * norse mode they are Norse's steps instead, and the order of updates is
 * Norse's: plasticity/stdp_norse.h.)
 *
 * Traces are stored scaled to a per-projection epoch E (x e^{(t - E)/tau}),
 * so that a trace read at time t' is the stored value times e^{-(t' - E)/tau}:
 * one exponential per delivered segment serves all its synapses, where the
 * plain form needs one per synapse.  Every sweep moves E to the present and
 * rescales what is stored, which keeps the scaled values within a few
 * hundred e-folds (build checks that the horizon allows it).
 */
#ifndef SLP_PLASTICITY_STDP_H
#define SLP_PLASTICITY_STDP_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/plasticity.h"
#include "network/network.h"
#include "io/weight_writer.h"
#include "plasticity/post_history.h"
#include "plasticity/stp.h"
#include "synapses/csr.h"

/* One plastic CSR segment: one source, one delay, one target population. */
typedef struct slp__stdp_seg {
  uint64_t w0;      /* index of its first synapse in the projection's w */
  slp_tick d_dend;  /* dendritic part of its delay, ticks, > 0 */
  slp_tick t_pre;   /* arrival at the synapse of its last pre spike, or
                       SLP__STDP_NONE */
  slp_tick t_fac;   /* post spikes reaching the synapse up to here have
                       been applied */
  double x;         /* pre trace just after t_pre, scaled by
                       e^{(t_pre - E)/tau_pre} (E: the projection's epoch) */
  union {
    double x2;      /* triplet: slow pre trace r2 just after t_pre */
    double m_pend;  /* norse mode (no triplet there): how many pre spikes
                       of the step stamped t_pre still wait for that step's
                       weight update (0: none; stdp_norse.c) */
  };
  double dpre;      /* e^{-d_d/tau_pre}: carries the pre trace from the
                       emission frame of post spikes to the synapse */
  uint32_t post0;   /* projection-local index of its population's neuron 0 */
  uint32_t pre;     /* its source, local to the projection's source group */
} slp__stdp_seg;

/* "No spike yet", far enough from INT64_MIN that differences stay finite. */
#define SLP__STDP_NONE (INT64_MIN / 4)

/* One plastic projection. */
typedef struct slp__stdp_proj {
  slp_stdp_params p;       /* its parameters */
  uint32_t index;          /* its index among the network's projections */
  uint32_t n_post;         /* target neurons (concatenated populations) */
  slp__post_hist *hist;    /* n_post: recent post spikes of each target */
  slp__stdp_seg *segs;     /* its segments, in CSR (row) order */
  uint64_t *seg_csr;       /* per segment: CSR segment id */
  size_t n_segs;           /* number of segments */
  double *w;               /* n_syn weights, mV, in segment order */
  double *xs;              /* pre-centred pairing: per-synapse pre trace
                              (reset by post spikes), scaled as segs' x;
                              else NULL */
  slp_tick epoch;          /* E: traces are stored relative to it (stdp.c) */
  slp_tick norse_dt;       /* norse mode: Norse's step (ticks), times are
                              step stamps and d_d = 0 (stdp_norse.c); else 0 */
  double norse_fpre;       /* norse mode: 1 - dt/tau_pre, the pre trace's
                              factor per step */
  double norse_fpost;      /* norse mode: 1 - dt/tau_post */
  slp_tick bad_delay;      /* exact/grid: the first delay that leaves too
                              short a dendritic part (bad_kind 1), or that
                              dendritic part (bad_kind 2), reported by
                              slp__plasticity_set_mode */
  int bad_kind;            /* 0 none, 1 no dendritic part, 2 shorter than
                              half the grid step */
  uint64_t n_syn;          /* synapses */
  slp_tick d_dend_max;     /* largest dendritic delay */
  size_t n_to;             /* target populations */
  uint32_t to_node0[64];   /* each target population's first node id */
  uint32_t to_n[64];       /* its size */
  uint32_t to_off[64];     /* its offset among the projection's targets */
} slp__stdp_proj;

/* A weight recording (plasticity/weights.c). */
typedef struct slp__weight_rec {
  uint32_t proj;             /* network index of the projection */
  slp__weight_writer *out;   /* its file */
  slp_tick interval;         /* snapshot period, 0: none */
  slp_tick next;             /* tick of the next periodic snapshot */
  slp_tick last;             /* tick of the last snapshot, or -1 */
  int at_end;                /* a snapshot when the run finishes */
  int mirror;                /* out is NULL: another MPI rank writes the
                                file, this one takes part in collecting
                                the weights (network/dist.h) */
} slp__weight_rec;

typedef struct slp__plasticity {
  slp__stdp_proj *projs;   /* plastic projections */
  size_t n_projs;          /* number of them */
  uint32_t *seg_slot;      /* per CSR segment: its index in its projection's
                              segs (plastic segments only) */
  uint16_t *proj_of_tag;   /* per CSR tag (network projection + 1): index
                              in projs, or in stp with SLP__TAG_STP set */
  slp__stp_proj *stp;      /* short-term plastic projections */
  size_t n_stp;            /* number of them */
  slp_tick horizon;        /* post spikes older than this (plus d_d) are
                              dropped once flushed */
  double horizon_ms;       /* the same in ms, as computed */
  slp_tick next_sweep;     /* when the next flush sweep runs */
  slp__weight_rec *rec;    /* weight recordings */
  size_t n_rec;            /* number of them */
} slp__plasticity;

/*
 * Build the plasticity (STDP and STP) of the network's projections over csr
 * (whose segments carry tag = projection + 1); pop_node0[q] is the first
 * node id of runtime population q, and input sources are numbered after the
 * n_neurons neurons.  *window is
 * shortened as exactness needs (see above), to a multiple of grid.  Errors:
 * SLP_ELIMIT, SLP_ENOMEM.  On failure *out is NULL.  What depends on the
 * integration mode (the frame of the times, delay checks) is settled by
 * slp__plasticity_set_mode, which must follow.
 */
int slp__plasticity_create(slp__plasticity **out, const slp_network *net,
                           slp__csr *csr, const uint32_t *pop_node0,
                           uint32_t n_neurons, slp_tick grid,
                           slp_tick *window, slp_diag *diag);

/*
 * The integration mode of pl (pl may be NULL: nothing to do): norse_dt is
 * Norse's step in ticks in norse mode (STDP then runs Norse's
 * stdp_step_linear, stdp_norse.h, and STP Norse's stp_step), 0 in the
 * other modes (exact frame, delays split as stdp.h says).  *window is
 * shortened as the mode needs.  Errors with diag: SLP_ERANGE (a delay
 * without dendritic part or too short for the grid; in norse mode a time
 * constant not longer than dt), SLP_EINVAL (in norse mode, a rule or key
 * Norse's STDP does not have).
 */
int slp__plasticity_set_mode(slp__plasticity *pl, const slp_network *net,
                             slp_tick norse_dt, slp_tick *window,
                             slp_diag *diag);
void slp__plasticity_destroy(slp__plasticity *pl);

/* proj_of_tag entries of short-term plastic projections. */
#define SLP__TAG_STP 0x8000u

/* A plastic segment s is delivered at tick T with weight multiplier scale:
 * STDP updates its weights (and their float copies in csr->w) before they
 * are transmitted; short-term plasticity returns the fraction released,
 * which multiplies them.  Returns the extra multiplier (1 for STDP). */
double slp__plasticity_deliver(slp__plasticity *pl, slp__csr *csr, uint64_t s,
                              slp_tick T, double scale);

/* Neuron `node` spiked at t (spikes come in time order).  SLP_ENOMEM. */
int slp__plasticity_post_spike(slp__plasticity *pl, uint32_t node, slp_tick t);

/* Between windows, `now` being the start of the next one: the periodic
 * flush sweep when it is due. */
void slp__plasticity_tick(slp__plasticity *pl, slp__csr *csr, slp_tick now);

/* Apply every pending update that the state at `now` allows (all segments
 * flushed to now - d_d). */
void slp__plasticity_flush(slp__plasticity *pl, slp__csr *csr, slp_tick now);

/* The projection with network index proj, or NULL if it is not plastic. */
slp__stdp_proj *slp__plasticity_find(slp__plasticity *pl, uint32_t proj);

/* Bytes of plasticity state (weights, traces, histories). */
uint64_t slp__plasticity_bytes(const slp__plasticity *pl);

#endif /* SLP_PLASTICITY_STDP_H */
