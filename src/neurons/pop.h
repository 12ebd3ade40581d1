/*
 * neurons/pop.h -- a population at run time, and one window's context.
 *
 * The scheduler hands each model a slp__window describing the window being
 * processed: its bounds, where to put spikes, where to park neurons that may
 * fire later without new input (wake-ups).  Models keep their own state
 * behind slp__pop.state.
 */
#ifndef SLP_NEURONS_POP_H
#define SLP_NEURONS_POP_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/sim.h"
#include "events/ring.h"
#include "neurons/model.h"

/* "No time": a tick later than any simulation. */
#define SLP__NEVER INT64_MAX

/* A spike as emitted: tick and global node id. */
typedef struct slp__spike {
  slp_tick t;    /* spike tick */
  uint32_t node; /* neuron (or source) global node id */
  float scale;   /* weight multiplier for the fan-out (1 for neurons) */
  uint32_t seq;  /* push order: breaks ties between equal (t, node) */
} slp__spike;

/* The spikes of one window, in emission order (sorted before use). */
typedef struct slp__spikebuf {
  slp__spike *s; /* entries */
  size_t n;      /* used */
  size_t cap;    /* allocated */
} slp__spikebuf;

int slp__spikebuf_push(slp__spikebuf *b, slp_tick t, uint32_t node,
                       float scale);
void slp__spikebuf_sort(slp__spikebuf *b);
/*
 * Sort spikes whose ticks lie in [t0, t0 + span) by tick, keeping the order
 * of equal ticks (a stable radix sort on (t - t0) / grid, linear time).
 * Input sources push in node order, so this yields (tick, node) order.
 * tmp is scratch space that grows as needed.  SLP_ENOMEM on failure.
 */
int slp__spikebuf_sort_ticks(slp__spikebuf *b, slp_tick t0, slp_tick span,
                             slp_tick grid, slp__spikebuf *tmp);
void slp__spikebuf_free(slp__spikebuf *b);

struct slp__window {
  slp_tick t0;            /* window start (inclusive) */
  slp_tick t1;            /* window end (exclusive) */
  uint32_t serial;        /* window number, for "seen this window" stamps */
  slp_mode mode;          /* integration mode */
  slp_tick grid;          /* grid step in ticks (grid mode), else 1 */
  slp__spikebuf *spikes;  /* where neurons put their spikes */
  slp__ring *wake;        /* wake-up queue of this partition */
  int err;                /* first error (ENOMEM) met while processing */
};

struct slp__pop {
  const slp__model *model; /* the model */
  uint32_t index;          /* runtime population index (wake-up tag) */
  uint32_t n;              /* neurons */
  uint32_t node0;          /* global node id of neuron 0 */
  double params[SLP__MAX_PARAMS]; /* parameters, API units (ms, mV) */
  void *state;             /* model-owned per-neuron state */
  void *consts;            /* model-owned derived constants */
  uint32_t *settle;        /* neurons to settle at the end of this window */
  size_t n_settle;         /* used */
  size_t cap_settle;       /* allocated */
  uint64_t spikes;         /* spikes emitted (statistics) */
  size_t state_bytes;      /* bytes of per-neuron state */
};

/* Queue neuron i of pop for the end-of-window settle step.  The caller
 * guarantees each neuron is queued at most once per window (models keep a
 * stamp).  On allocation failure win->err is set. */
void slp__pop_need_settle(slp__pop *pop, slp__window *win, uint32_t i);

/* Ask to be woken in the window containing tick t (>= win->t1). */
void slp__pop_wake_at(slp__pop *pop, slp__window *win, uint32_t i,
                      slp_tick t);

/* Emit a spike of neuron i at tick t. */
void slp__pop_emit(slp__pop *pop, slp__window *win, uint32_t i, slp_tick t);

#endif /* SLP_NEURONS_POP_H */
