/*
 * plasticity/post_history.h -- a neuron's recent spikes and its trace.
 *
 * Lazy, pre-triggered STDP (reference/algorithms.md 3.3) pairs a pre spike
 * with the post spikes that reached the synapse since the synapse's last
 * update, so each postsynaptic neuron keeps its recent spikes: the tick and
 * the post trace just after each.  The oldest entries are dropped once every
 * incoming synapse has used them (plasticity/stdp.c decides when); the last
 * dropped one stays as the "base", so the trace (and the time of the latest
 * spike) can still be read at any later time.  A ring of growable capacity:
 * its length is bounded by the neuron's rate times the retention horizon.
 * The header (one cache line) repeats what a synapse reads of the two
 * newest spikes, so that most updates never touch the ring.
 *
 * Values are stored relative to an epoch E of the owner's choosing (see
 * stdp.c): y holds the post trace times e^{(t - E)/tau_post} and p holds
 * e^{-(t - E)/tau_pre}, so that reading them at another time costs one
 * multiplication by a factor shared by a whole delivery instead of an
 * exponential per synapse.
 */
#ifndef SLP_PLASTICITY_POST_HISTORY_H
#define SLP_PLASTICITY_POST_HISTORY_H

#include <stdint.h>

#include "sleipnir/sim.h"

/* "Before everything": the time of the base of an empty history. */
#define SLP__HIST_NONE INT64_MIN

/* One spike: everything a synapse reads about it, in one cache line's half
 * (lazy STDP reads them together). */
typedef struct slp__hist_entry {
  slp_tick t;  /* spike tick (emission at the soma) */
  double y;    /* post trace just after it, scaled by e^{(t - E)/tau_post} */
  double p;    /* e^{-(t - E)/tau_pre} */
  double z;    /* triplet rule: the slow post trace o2 just before it
                  (unscaled), else 0 */
} slp__hist_entry;

/* 64 bytes, one cache line: a synapse whose target fired at most twice
 * since the synapse's last update reads only this (the two newest spikes'
 * ticks and the traces the pair rules read of them, the tick of the one
 * before).  The base (the newest dropped spike) lives in the ring's spare
 * entry, e[2^log_cap]: only the ring's readers need it. */
typedef struct slp__post_hist {
  slp_tick newest_t;  /* the latest spike, or SLP__HIST_NONE */
  double newest_y;    /* its scaled post trace */
  double newest_p;    /* its pre-trace factor */
  slp_tick prev_t;    /* the spike before it, or SLP__HIST_NONE */
  double prev_p;      /* its pre-trace factor (0 if none) */
  slp_tick prev2_t;   /* the spike before that, or SLP__HIST_NONE */
  slp__hist_entry *e; /* entries, a ring of 2^log_cap, and the base */
  uint32_t head;      /* index of the oldest entry */
  uint16_t n;         /* entries held (the newest is never dropped) */
  uint8_t log_cap;    /* log2 of the capacity */
  uint8_t has_cap;    /* 0 before the first spike: no ring yet */
} slp__post_hist;
_Static_assert(sizeof(slp__post_hist) == 64, "one cache line");

/* Most entries a ring may hold: post spikes within one retention horizon. */
#define SLP__HIST_MAX 32768u

/* Entry k (0 = oldest) of h. */
static inline const slp__hist_entry *slp__hist_at(const slp__post_hist *h,
                                                  uint32_t k) {
  return &h->e[(h->head + k) & ((1u << h->log_cap) - 1)];
}
static inline slp_tick slp__hist_t(const slp__post_hist *h, uint32_t k) {
  return slp__hist_at(h, k)->t;
}
static inline double slp__hist_y(const slp__post_hist *h, uint32_t k) {
  return slp__hist_at(h, k)->y;
}
static inline double slp__hist_p(const slp__post_hist *h, uint32_t k) {
  return slp__hist_at(h, k)->p;
}
static inline double slp__hist_z(const slp__post_hist *h, uint32_t k) {
  return slp__hist_at(h, k)->z;
}

/* The base: the tick of the newest dropped spike (SLP__HIST_NONE if none)
 * and its scaled trace (0 if none). */
static inline slp_tick slp__hist_base_t(const slp__post_hist *h) {
  return h->has_cap ? h->e[(size_t)1 << h->log_cap].t : SLP__HIST_NONE;
}
static inline double slp__hist_base_y(const slp__post_hist *h) {
  return h->has_cap ? h->e[(size_t)1 << h->log_cap].y : 0.0;
}

/* Number of entries with tick <= t (they are the oldest ones): a short
 * backward scan, since reads are nearly always about the latest spikes. */
static inline uint32_t slp__hist_count_upto(const slp__post_hist *h,
                                            slp_tick t) {
  uint32_t k = h->n;
  while (k > 0 && slp__hist_t(h, k - 1) > t)
    k--;
  return k;
}

/* Append a spike at t (later than every entry) with scaled trace y after it,
 * pre-trace factor p and slow trace z.  SLP_ENOMEM when the ring cannot
 * grow, SLP_ELIMIT beyond SLP__HIST_MAX entries. */
int slp__hist_push(slp__post_hist *h, slp_tick t, double y, double p,
                   double z);

/* Move the epoch: multiply every y (and the base's) by fy, every p by fp. */
void slp__hist_rescale(slp__post_hist *h, double fy, double fp);

/* Drop the entries with tick < t (the newest of them becomes the base),
 * except the newest entry of all, which stays. */
void slp__hist_drop_before(slp__post_hist *h, slp_tick t);

/* An empty history. */
void slp__hist_init(slp__post_hist *h);
void slp__hist_free(slp__post_hist *h);

#endif /* SLP_PLASTICITY_POST_HISTORY_H */
