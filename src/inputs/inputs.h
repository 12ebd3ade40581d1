/*
 * inputs/inputs.h -- spike sources at run time.
 *
 * An input group emits the spikes of its sources window by window, in
 * source order and, per source, in time order.  Its spikes travel through
 * projections exactly like a population's.  Random sources draw from one
 * counter-based stream per source (keyed by seed and the source's node id),
 * so their spikes do not depend on how the network is partitioned.
 */
#ifndef SLP_INPUTS_INPUTS_H
#define SLP_INPUTS_INPUTS_H

#include <stdint.h>

#include "sleipnir/sim.h"
#include "core/rng.h"
#include "events/wheel.h"
#include "network/network.h"
#include "neurons/pop.h"

/* Buckets of the guide table of a Poisson mean's sums, and its flag. */
#define SLP__GUIDE_BITS 10
#define SLP__GUIDE_N (1u << SLP__GUIDE_BITS)
#define SLP__GUIDE_WALK 0x80000000u

typedef struct slp__input {
  slp__group_kind kind;  /* which kind of input group */
  uint32_t node0;        /* global node id of source 0 */
  uint32_t n;            /* sources */
  slp_tick grid;         /* emission grid (grid mode) or 1 */
  /* poisson */
  double *rate;          /* per source, spikes per ms */
  double *next_ms;       /* per source: time of its next spike, ms */
  slp__rng *rng;         /* per source: its stream */
  double *mu;            /* per source: mean spikes per grid step, or 0 for
                            a source drawn by intervals (poisson.c) */
  double *p0;            /* per source: exp(-mu) */
  slp_tick *next_t;      /* per source: poisson drawn by steps, its next
                            undrawn step; regular, the tick of its next
                            spike or SLP__INPUT_NEVER */
  double *cdf;           /* P(N <= n) for one mean, cdf_mu, n < n_cdf */
  double cdf_mu;         /* the mean cdf is for (0: none) */
  uint32_t n_cdf;        /* entries */
  /* guide[b], for u in [b, b + 1) / SLP__GUIDE_N: how many sums lie below
   * the bucket's start, with SLP__GUIDE_WALK set when the bucket also holds
   * a sum (the count then needs a look at the sums). */
  uint32_t guide[SLP__GUIDE_N];
  /* spike_array */
  slp_tick *ev_t;        /* event ticks, ascending */
  uint32_t *ev_src;      /* event sources */
  double *ev_scale;      /* event weight multipliers */
  size_t n_ev;           /* number of events */
  size_t cursor;         /* first event not yet emitted */
  uint64_t emitted;      /* spikes emitted so far */
  int direct;            /* delivered by network/direct.c, not emitted */
  /* regular (also the LIF encoders: deterministic periodic trains) */
  double *first_ns;      /* per source: nominal time of spike 0, ns */
  double *period_ns;     /* per source: period, ns (INFINITY: one spike) */
  uint64_t *index;       /* per source: index of its next spike */
  double jitter_ns;      /* width of the uniform jitter, ns (0: none) */
  /* signed_poisson: a Poisson input whose spikes carry a sign */
  float *sign;           /* per source: weight multiplier of its spikes, or
                            NULL (plain poisson: 1) */
  /* poisson_process: a time-varying rate, a dead time or Bernoulli steps;
   * also uses rate (per ms; with a dead time, the sped-up rate of the
   * exponential part), next_ms, rng and sign */
  const struct slp__process *proc; /* the group's process */
  uint32_t *seg;         /* per source: schedule segment next_ms is in */
  double bound;          /* thinning bound: the largest rate (per ms) or,
                            in steps, the largest step probability */
  slp_tick dt;           /* Bernoulli: step length, ticks (0: continuous) */
  double *prob;          /* Bernoulli, FIXED: per source, step probability */
  uint64_t *step;        /* Bernoulli: per source, the step of its next
                            spike (UINT64_MAX: none) */
} slp__input;

/* next_t of a source that has no spike left. */
#define SLP__INPUT_NEVER INT64_MAX

/* Prepare input group g (sources numbered from node0) for a run starting at
 * tick t0.  SLP_ENOMEM or SLP_ERANGE (a drawn rate is invalid). */
int slp__input_create(slp__input *in, const slp__group *g, uint32_t node0,
                      uint64_t seed, slp_tick grid, slp_tick t0);
void slp__input_destroy(slp__input *in);

/* Append the spikes in [t0, t1) to out and count them in in->emitted.
 * SLP_ENOMEM on failure. */
int slp__input_emit(slp__input *in, slp_tick t0, slp_tick t1,
                    slp__spikebuf *out);

/*
 * Quiet Poisson sources of a range by the window of their next spike.  A
 * source drawn by intervals is otherwise looked at every window: for a
 * thousand 10 Hz sources in 1 ms windows (Song, Miller and Abbott's
 * network) that look was most of the run.  Whether a range uses the wheel
 * is decided at its first window from its rates and the window (under half
 * a spike per source per window); both ways emit the same spikes in the
 * same order.
 */
typedef struct slp__poisson_wheel {
  int state;        /* -1: undecided; 0: every source every window; 1: wheel */
  slp__wheel wheel; /* state 1: source k (item k - lo) by the emission tick
                       of its next spike */
} slp__poisson_wheel;

/* Tests set this to look at every source every window, to prove the two
 * ways give the same spikes.  Never set in the product. */
extern int slp__poisson_wheel_disabled;

/* A wheel, undecided. */
void slp__poisson_wheel_init(slp__poisson_wheel *w);
void slp__poisson_wheel_free(slp__poisson_wheel *w);

/* As slp__input_emit, for sources [lo, hi) only (a spike_array group emits
 * whole), without counting: partitions emit disjoint ranges of one group at
 * once, each touching only its sources' state.  w: the range's wheel for
 * Poisson sources, or NULL (every source looked at every window); the same
 * w for the same range every window. */
int slp__input_emit_range(slp__input *in, slp__poisson_wheel *w, uint32_t lo,
                          uint32_t hi, slp_tick t0, slp_tick t1,
                          slp__spikebuf *out);

/* The Poisson and spike_array halves (poisson.c, spike_array.c). */
int slp__poisson_create(slp__input *in, const slp__group *g, uint64_t seed,
                        slp_tick t0);
int slp__poisson_emit(slp__input *in, slp__poisson_wheel *w, uint32_t lo,
                      uint32_t hi, slp_tick t0,
                      slp_tick t1,
                      slp__spikebuf *out);
/* A Poisson source drawn by intervals: push its spikes emitted before tick
 * t1 (those not pushed yet) to out, each as (tick + shift, id, its sign or
 * 1), and count them in *n.  SLP_ENOMEM (the spike not taken) on failure. */
int slp__poisson_emit_source(slp__input *in, uint32_t k, slp_tick t1,
                             slp_tick shift, uint32_t id, slp__spikebuf *out,
                             uint64_t *n);
/* The tick of a Poisson spike at time ms (>= 0, below 9e12): the first tick
 * at or after it.  Inline and without libm's ceil: a busy drive takes it
 * once per spike (inputs/drive.h). */
static inline slp_tick slp__poisson_tick(double ms) {
  double x = ms * SLP__TICKS_PER_MS_F;
  slp_tick t = (slp_tick)x; /* x >= 0: truncation is the floor */
  return t + ((double)t < x);
}

/* A Poisson source drawn by grid steps: the number of spikes at its next
 * undrawn step (in->next_t[k]), which it moves one step on. */
uint32_t slp__poisson_step_count(slp__input *in, uint32_t k);

/*
 * The count a step draws from the 32 random bits `bits` when the source's
 * mean has the table (mu[k] == cdf_mu): the number of sums P(N <= n) below
 * u (they ascend).  The guide table (Chen and Asau 1974) gives how many lie
 * below the start of u's bucket; in most buckets no sum lies inside, and
 * that is the count, with no look at u at all.  Otherwise a walk of a step
 * or two finishes it.  Inline: a busy drive draws one per source per step.
 */
static inline uint32_t slp__poisson_count_tabled(const slp__input *in,
                                                 uint32_t bits) {
  uint32_t g = in->guide[bits >> (32 - SLP__GUIDE_BITS)];
  if (!(g & SLP__GUIDE_WALK))
    return g;
  double u = ((double)bits + 0.5) * 0x1.0p-32;
  const double *cdf = in->cdf;
  uint32_t n = g & ~SLP__GUIDE_WALK;
  while (n + 1 < in->n_cdf && u > cdf[n])
    n++;
  return n;
}
int slp__spike_array_create(slp__input *in, const slp__group *g, slp_tick t0);
int slp__spike_array_emit(slp__input *in, slp_tick t0, slp_tick t1,
                          slp__spikebuf *out);

/* The regular half (regular.c). */
/* A LIF encoder's train as Norse's Euler steps of dt_ms give it (norse
 * mode): first and period, ms, per source (g->lif_current non-NULL).
 * SLP_ERANGE if dt_ms is longer than the encoder's tau_mem. */
int slp__lif_encoder_norse(const slp__group *g, double dt_ms, double *first,
                           double *period);
/* signed_poisson: in->sign from the group's per-source signs, if it has
 * them.  SLP_ENOMEM. */
int slp__input_copy_signs(slp__input *in, const slp__group *g);
int slp__regular_create(slp__input *in, const slp__group *g, uint64_t seed,
                        slp_tick t0);
int slp__regular_emit(slp__input *in, uint32_t lo, uint32_t hi, slp_tick t0,
                      slp_tick t1,
                      slp__spikebuf *out);

/* Poisson groups with a process (poisson_process.c). */
int slp__process_create(slp__input *in, const slp__group *g, uint64_t seed,
                        slp_tick t0);
int slp__process_emit(slp__input *in, uint32_t lo, uint32_t hi, slp_tick t0,
                      slp_tick t1,
                      slp__spikebuf *out);

#endif /* SLP_INPUTS_INPUTS_H */
