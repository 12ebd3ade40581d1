/*
 * events/ring.h -- the bucket ring: pending events by arrival window.
 *
 * A calendar queue with a fixed year: buckets of one window width each, as
 * many as cover the largest delay plus one window, so that every synaptic
 * event lands in the ring and the ring never resizes.  Events further ahead
 * (a quiet source's next spike in a wheel, events/wheel.h) wait in a small
 * binary heap and join their window when it comes due.  Neurons' wake-ups
 * have a map of their own (events/wake_map.h).
 *
 * One entry stands for a whole (spike, delay segment) pair, fanned out
 * through the CSR segment on delivery -- never one entry per synapse.
 */
#ifndef SLP_EVENTS_RING_H
#define SLP_EVENTS_RING_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/error.h"
#include "sleipnir/sim.h"

/* One pending event. */
typedef struct slp__event {
  slp_tick t;    /* arrival (or wake-up) tick */
  uint32_t src;  /* source node (spikes) or neuron index (wake-ups) */
  uint32_t seg;  /* CSR segment (spikes) or population (wake-ups) */
  double scale;  /* multiplies the segment's weights (1 for plain spikes);
                    double, so that a per-event weight (Norse's input
                    value in norse mode) reaches the neuron unrounded */
} slp__event;

/* A growable array of events (one bucket). */
typedef struct slp__evbuf {
  slp__event *ev; /* entries */
  size_t n;       /* used */
  size_t cap;     /* allocated */
} slp__evbuf;

/* Room for one more entry.  SLP_ENOMEM on failure. */
int slp__evbuf_grow(slp__evbuf *b);

/* Append e. */
static inline int slp__evbuf_push(slp__evbuf *b, const slp__event *e) {
  if (b->n == b->cap && slp__evbuf_grow(b) != 0)
    return SLP_ENOMEM;
  b->ev[b->n++] = *e;
  return 0;
}
void slp__evbuf_free(slp__evbuf *b);
/* Sort by (t, src, seg): the canonical delivery order. */
void slp__evbuf_sort(slp__evbuf *b);

typedef struct slp__ring {
  slp_tick width;       /* bucket width in ticks: one window */
  double inv_width;     /* 1 / width: the bucket index without a division */
  size_t n_buckets;     /* buckets in the year */
  slp__evbuf *buckets;  /* the year */
  slp_tick base;        /* start tick of the current window */
  size_t cur;           /* bucket index of the current window */
  slp__evbuf far;       /* min-heap by t of events beyond the year */
  slp__evbuf scratch;   /* slp__ring_sort's second buffer */
  uint64_t pushed;      /* events ever pushed */
  uint64_t taken;       /* events handed out by slp__ring_take */
} slp__ring;

/*
 * Make a ring whose windows are `width` ticks starting at tick `start`, with
 * enough buckets that an event up to `horizon` ticks after the current
 * window's start goes into the year (not the heap).
 */
int slp__ring_init(slp__ring *r, slp_tick width, slp_tick horizon,
                   slp_tick start);
void slp__ring_free(slp__ring *r);

/*
 * off / width for off >= 0 (whole windows of `width` ticks in `off` ticks;
 * inv_width = 1 / width), from a floating-point guess corrected to the exact
 * quotient: the guess is off by at most one below 2^52 ticks, and a division
 * costs tens of cycles on the path every spike and wake-up takes.
 */
static inline slp_tick slp__windows_in(slp_tick off, slp_tick width,
                                       double inv_width) {
  if (off >= (slp_tick)1 << 52)
    return off / width;
  slp_tick q = (slp_tick)((double)off * inv_width);
  while (q > 0 && q * width > off)
    q--;
  while (off - q * width >= width)
    q++;
  return q;
}

/* Queue an event beyond the year, in the heap (slp__ring_push's far
 * case). */
int slp__ring_push_far(slp__ring *r, slp_tick t, uint32_t src, uint32_t seg,
                       double scale);

/* Queue the event (t, src, seg, scale); t must be >= the current window's
 * start (SLP_EINVAL).  Inline, and taking the fields rather than an event:
 * a caller's event built on the stack and copied would be stored in 8- and
 * 4-byte parts and read back in 16-byte ones, which the store buffer cannot
 * forward -- a stall on every wake-up and every queued spike. */
static inline int slp__ring_push(slp__ring *r, slp_tick t, uint32_t src,
                                 uint32_t seg, double scale) {
  if (t < r->base)
    return SLP_EINVAL;
  slp_tick ahead = slp__windows_in(t - r->base, r->width, r->inv_width);
  if ((uint64_t)ahead >= r->n_buckets - 1)
    return slp__ring_push_far(r, t, src, seg, scale);
  size_t k = r->cur + (size_t)ahead;
  if (k >= r->n_buckets)
    k -= r->n_buckets;
  slp__evbuf *b = &r->buckets[k];
  if (b->n == b->cap && slp__evbuf_grow(b) != 0)
    return SLP_ENOMEM;
  slp__event *e = &b->ev[b->n++];
  e->t = t;
  e->src = src;
  e->seg = seg;
  e->scale = scale;
  r->pushed++;
  return 0;
}

/*
 * Set *out to the events of the current window [base, base + width),
 * including those that waited in the heap, unsorted.  The caller may sort and
 * read them; they stay valid until slp__ring_advance.  Call once per window.
 * SLP_ENOMEM (nothing lost) if the bucket cannot grow.
 */
int slp__ring_take(slp__ring *r, slp__evbuf **out);

/*
 * Sort the current window's events, as slp__ring_take gave them, into the
 * canonical order (slp__evbuf_sort's).  Large buckets -- input sources
 * queue their spikes source by source, not in time order -- are sorted by
 * tick with a radix sort, which costs a few passes where a comparison sort
 * costs log2(n).
 */
void slp__ring_sort(slp__ring *r, slp__evbuf *b);

/* Drop the current window's events (keeping capacity) and move to the next
 * window. */
void slp__ring_advance(slp__ring *r);

/* Events queued and not yet taken. */
uint64_t slp__ring_pending(const slp__ring *r);

#endif /* SLP_EVENTS_RING_H */
