/*
 * inputs/drive.h -- a Poisson drive taken by its targets (exact mode).
 *
 * A one-to-one Poisson input onto a population (Brunel's external drive,
 * 20 kHz onto every neuron) outnumbers every other spike of a run.
 * Delivered as other spikes are, each window's spikes are drawn, sorted by
 * tick and merged into the queued deliveries (exact mode), or counted per
 * step into a table and added to the step sums in a pass of their own
 * (grid mode; network/direct.c).  Taken by its targets instead, each neuron
 * draws its own source's spikes when it needs them -- no buffer, no sort,
 * no merge, and the source's stream is read where the neuron is updated:
 *  - exact mode: the next spike before an input at a later tick, and the
 *    rest at the end of the window;
 *  - grid mode: the step's count as the neuron takes the step (its
 *    settle step walks every neuron with a drive, every window).
 *
 * The neuron still sees its inputs in the canonical order (tick, then
 * source): the drive is the only input group into the population (checked
 * when it is set up, network/build.c), and input sources' node ids follow
 * every neuron's, so at one tick the drive comes after every other input.
 * Spikes, arrival ticks and the stream's draws are poisson.c's, so the
 * results are those of the queued path, bit for bit.
 */
#ifndef SLP_INPUTS_DRIVE_H
#define SLP_INPUTS_DRIVE_H

#include <stdint.h>

#include "core/compiler.h"
#include "inputs/inputs.h"

/* One neuron's source: its stream and its synapse.  The group's own entries
 * for the source (in->rng, in->next_ms, in->next_t) are not used once
 * copied here. */
typedef struct slp__drive_src {
  slp__rng rng;   /* the source's stream */
  float w;        /* its synapse's weight */
  double next_ms; /* exact mode: emission time of its next spike, ms
                     (INFINITY: none) */
  double mean_ms; /* exact mode: mean interval, 1 / rate (a rate of 0 is
                     never taken) */
  slp_tick delay; /* its synapse's delay, ticks */
} slp__drive_src;

typedef struct slp__drive {
  slp_tick *next;      /* per neuron of the population (partition slice),
                          or SLP__NEVER (none, or no source): exact mode,
                          the arrival tick of its next drive spike; grid
                          mode, the emission tick of its source's next
                          undrawn step */
  slp__drive_src *src; /* per neuron: its source */
  uint64_t taken;      /* spikes taken since the scheduler last looked */
  const slp__input *in; /* grid mode: the group, whose count table every
                           source's mean has; NULL in exact mode */
  slp_tick grid;       /* grid mode: the step; 0 in exact mode */
} slp__drive;

/* The arrival tick of s's next spike: poisson.c's emission tick (the first
 * tick at or after the spike time) plus the delay. */
static inline slp_tick slp__drive_arrival(const slp__drive_src *s) {
  if (!(s->next_ms < 9e12))
    return SLP__NEVER; /* INFINITY: the source has stopped */
  return slp__poisson_tick(s->next_ms) + s->delay;
}

/* Exact mode: neuron j takes its next drive spike (at d->next[j]): returns
 * the weight, and draws the spike after, as poisson.c's draw_next. */
SLP__INLINE float slp__drive_take(slp__drive *d, uint32_t j) {
  slp__drive_src *s = &d->src[j];
  s->next_ms += slp__rng_exponential(&s->rng) * s->mean_ms;
  d->next[j] = slp__drive_arrival(s);
  d->taken++;
  return s->w;
}

/* Grid mode: the number of neuron j's drive spikes arriving at grid tick t
 * (the steps of a neuron are taken in order, each once), drawn as
 * network/direct.c draws a step's count: none for a step its source emits
 * before it started, else one draw from the table. */
static inline uint32_t slp__drive_count(slp__drive *d, uint32_t j,
                                        slp_tick t) {
  slp__drive_src *s = &d->src[j];
  if (t - s->delay != d->next[j])
    return 0;
  d->next[j] += d->grid;
  uint32_t x = slp__poisson_count_tabled(d->in, slp__rng_u32(&s->rng));
  d->taken += x;
  return x;
}

/* A drive for n neurons, none with a source yet.  SLP_ENOMEM on failure. */
int slp__drive_init(slp__drive *d, uint32_t n);
/* Give neuron j source k of Poisson group in, through a synapse of weight
 * w and delay `delay`.  In grid mode (in->grid > 1) the source's mean must
 * be the one the group's count table is for. */
void slp__drive_attach(slp__drive *d, uint32_t j, const slp__input *in,
                       uint32_t k, float w, slp_tick delay);
void slp__drive_free(slp__drive *d);

#endif /* SLP_INPUTS_DRIVE_H */
