/*
 * inputs/drive.h -- a Poisson drive taken by its targets (exact mode).
 *
 * A one-to-one Poisson input onto a population (Brunel's external drive,
 * 20 kHz onto every neuron) outnumbers every other spike of an exact-mode
 * run.  Delivered as other spikes are, each window's spikes are drawn,
 * sorted by tick and merged into the queued deliveries (network/direct.c).
 * Taken by its targets instead, each neuron draws its own source's next
 * spike when it needs it: before an input at a later tick, and at the end
 * of the window -- no buffer, no sort, no merge, and the source's stream is
 * read where the neuron is updated.
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

#include "inputs/inputs.h"

/* One neuron's source: its stream and its synapse.  The group's own entries
 * for the source (in->rng, in->next_ms) are not used once copied here. */
typedef struct slp__drive_src {
  slp__rng rng;   /* the source's stream */
  float w;        /* its synapse's weight */
  double next_ms; /* emission time of its next spike, ms (INFINITY: none) */
  double mean_ms; /* mean interval, 1 / rate (a rate of 0 is never taken) */
  slp_tick delay; /* its synapse's delay, ticks */
} slp__drive_src;

typedef struct slp__drive {
  slp_tick *next;      /* per neuron of the population (partition slice):
                          arrival tick of its next drive spike, or
                          SLP__NEVER (none, or no source) */
  slp__drive_src *src; /* per neuron: its source */
  uint64_t taken;      /* spikes taken since the scheduler last looked */
} slp__drive;

/* The arrival tick of s's next spike: poisson.c's emission tick (the first
 * tick at or after the spike time) plus the delay. */
static inline slp_tick slp__drive_arrival(const slp__drive_src *s) {
  if (!(s->next_ms < 9e12))
    return SLP__NEVER; /* INFINITY: the source has stopped */
  return slp__poisson_tick(s->next_ms) + s->delay;
}

/* Neuron j takes its next drive spike (at d->next[j]): returns the weight,
 * and draws the spike after, as poisson.c's draw_next. */
static inline float slp__drive_take(slp__drive *d, uint32_t j) {
  slp__drive_src *s = &d->src[j];
  s->next_ms += slp__rng_exponential(&s->rng) * s->mean_ms;
  d->next[j] = slp__drive_arrival(s);
  d->taken++;
  return s->w;
}

/* A drive for n neurons, none with a source yet.  SLP_ENOMEM on failure. */
int slp__drive_init(slp__drive *d, uint32_t n);
/* Give neuron j source k of Poisson group in, through a synapse of weight
 * w and delay `delay`. */
void slp__drive_attach(slp__drive *d, uint32_t j, const slp__input *in,
                       uint32_t k, float w, slp_tick delay);
void slp__drive_free(slp__drive *d);

#endif /* SLP_INPUTS_DRIVE_H */
