/*
 * events/wake_map.h -- each neuron's one pending wake-up, as a bit in the
 * bucket of its window.
 *
 * A neuron that may cross threshold without further input asks to be looked
 * at again in the window of the earliest tick its bound allows (pop.h,
 * slp__pop_schedule).  Most excitatory inputs bring that tick earlier; in a
 * queue of wake-up entries each such input leaves a superseded entry behind
 * (on CUBA, 2.1 M of the 7.9 M wake-ups queued in 10 s were stale when
 * they came due).  Here a neuron has at most one wake-up, a bit in the
 * bucket of its window: bringing it earlier clears the old bit and sets the
 * new one, and a window hands out exactly the neurons due in it, scanning
 * one bit per item.  (A bound that moves later leaves the wake-up where it
 * is: the neuron is looked at early and placed again.  Moving it later as
 * well doubled the moves -- 15.2 M against 7.9 M -- and cost more than the
 * early looks it saved.)
 *
 * The year covers a fixed number of windows; a wake-up beyond it is placed
 * in the year's last bucket, so that the neuron is looked at early and
 * placed again.  A caller keeps the tick slp__wake_map_move returned (the
 * one its bit stands for) and hands it back on the next move.
 *
 * Items are numbered by the caller (a partition: each population slice from
 * its own multiple of 64).  One map is written by one thread only.
 */
#ifndef SLP_EVENTS_WAKE_MAP_H
#define SLP_EVENTS_WAKE_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/sim.h"
#include "events/ring.h"

/* "No wake-up": a tick later than any simulation (pop.h's SLP__NEVER). */
#define SLP__WAKE_NONE INT64_MAX

typedef struct slp__wake_map {
  slp_tick width;       /* window width in ticks */
  double inv_width;     /* 1 / width */
  size_t n_buckets;     /* windows in the year */
  size_t words;         /* 64-bit words per bucket */
  uint64_t *bits;       /* n_buckets x words: bit i of a bucket, item i */
  slp_tick base;        /* start tick of the current window */
  size_t cur;           /* its bucket */
} slp__wake_map;

/* A map of n_items items in windows of `width` ticks from tick `start`,
 * with a year of n_buckets windows (>= 2).  SLP_ENOMEM on failure, with
 * nothing to free; SLP_EINVAL on a bad size. */
int slp__wake_map_init(slp__wake_map *m, slp_tick width, size_t n_buckets,
                       size_t n_items, slp_tick start);
void slp__wake_map_free(slp__wake_map *m);

/* The bucket of tick t (>= base, not NONE), clamped to the year's last;
 * *at is set to the tick the bit stands for: t, or the start of the last
 * window when t lies beyond the year. */
static inline size_t slp__wake_map_bucket(const slp__wake_map *m, slp_tick t,
                                          slp_tick *at) {
  slp_tick ahead = slp__windows_in(t - m->base, m->width, m->inv_width);
  *at = t;
  if ((uint64_t)ahead >= m->n_buckets - 1) {
    ahead = (slp_tick)m->n_buckets - 1;
    *at = m->base + ahead * m->width;
  }
  size_t k = m->cur + (size_t)ahead;
  return k >= m->n_buckets ? k - m->n_buckets : k;
}

/*
 * Move item i's wake-up from tick `from` (as returned by an earlier move,
 * or NONE: it has none) to tick `to` (>= the current window's start, or
 * NONE: no wake-up).  Returns the tick to keep: `to`, or an earlier tick
 * when `to` lies beyond the year.  Inline: it runs on most excitatory
 * inputs.
 */
static inline slp_tick slp__wake_map_move(slp__wake_map *m, size_t i,
                                          slp_tick from, slp_tick to) {
  slp_tick at = SLP__WAKE_NONE, unused;
  size_t kt = to == SLP__WAKE_NONE ? SIZE_MAX : slp__wake_map_bucket(m, to, &at);
  size_t word = i >> 6;
  uint64_t bit = (uint64_t)1 << (i & 63);
  if (from != SLP__WAKE_NONE) {
    size_t kf = slp__wake_map_bucket(m, from, &unused);
    if (kf == kt)
      return at;
    m->bits[kf * m->words + word] &= ~bit;
  }
  if (kt != SIZE_MAX)
    m->bits[kt * m->words + word] |= bit;
  return at;
}

/* The current window's bits (words of them); the caller clears each word
 * it has handed out before slp__wake_map_advance. */
static inline uint64_t *slp__wake_map_due(slp__wake_map *m) {
  return &m->bits[m->cur * m->words];
}

/* Move to the next window (the current bucket must be clear). */
static inline void slp__wake_map_advance(slp__wake_map *m) {
  m->cur = m->cur + 1 == m->n_buckets ? 0 : m->cur + 1;
  m->base += m->width;
}

#endif /* SLP_EVENTS_WAKE_MAP_H */
