/*
 * events/wheel.h -- items by the window of their next event, handed out in
 * item order.
 *
 * Quiet Poisson sources (inputs/poisson.c, network/direct.c) have a spike
 * in few windows; looking at each of them every window cost more than
 * their spikes.  A wheel keeps each item in the ring bucket of the window
 * its next event falls in, and hands out a window's items sorted by index,
 * so that a caller that used to go through every item in order still
 * meets the ones with something to do in that order.
 */
#ifndef SLP_EVENTS_WHEEL_H
#define SLP_EVENTS_WHEEL_H

#include <stddef.h>
#include <stdint.h>

#include "events/ring.h"

typedef struct slp__wheel {
  slp__ring ring;  /* each item (src: its index) by its next event's tick */
  uint64_t *due;   /* bit i: item i is due in the window being taken */
  uint32_t *items; /* the window's items, ascending */
  uint32_t n;      /* items */
} slp__wheel;

/*
 * Whether items with `per_window` events in a window, on average, are
 * cheaper in a wheel than looked at every window: under half an event per
 * item per window.
 */
int slp__wheel_pays(double per_window);

/* A wheel of n items in windows of `width` ticks from tick t0, for items
 * with `per_window` events per window on average (its year: four mean
 * intervals, at least 64 windows, at most 2^16).  SLP_ENOMEM on failure. */
int slp__wheel_init(slp__wheel *w, uint32_t n, slp_tick width,
                    double per_window, slp_tick t0);
void slp__wheel_free(slp__wheel *w);

/* Item i's next event is at tick t (>= the current window's start). */
static inline int slp__wheel_put(slp__wheel *w, slp_tick t, uint32_t i) {
  return slp__ring_push(&w->ring, t, i, 0, 1.0);
}

/* The current window's items, ascending: *items and *n.  The wheel moves
 * to the next window, so the caller puts each item back at its next
 * event.  SLP_ENOMEM (nothing taken, the wheel as it was) on failure. */
int slp__wheel_take(slp__wheel *w, const uint32_t **items, size_t *n);

#endif /* SLP_EVENTS_WHEEL_H */
