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
#include "events/wake_map.h"
#include "neurons/model.h"

/* "No time": a tick later than any simulation. */
#define SLP__NEVER INT64_MAX

/* Milliseconds per tick (a tick is 1 ns). */
#define SLP__MS_PER_TICK 1e-6
/* Ticks per millisecond, as a double (1e6 is exact in binary; 1e-6 is not). */
#define SLP__TICKS_PER_MS_F 1e6

/* Round a tick up onto the grid (grid == 1: unchanged). */
static inline slp_tick slp__ceil_grid(slp_tick t, slp_tick grid) {
  return grid == 1 ? t : ((t + grid - 1) / grid) * grid;
}

/* How many targets ahead a model's deliver asks for neuron records: far
 * enough to cover a memory latency at a few ns per synapse. */
#define SLP__PREFETCH_AHEAD 8

/* A spike as emitted: tick and global node id. */
typedef struct slp__spike {
  slp_tick t;    /* spike tick */
  uint32_t node; /* neuron (or source) global node id */
  uint32_t seq;  /* push order: breaks ties between equal (t, node) */
  double scale;  /* weight multiplier for the fan-out (1 for neurons) */
} slp__spike;

/* The spikes of one window, in emission order (sorted before use). */
typedef struct slp__spikebuf {
  slp__spike *s; /* entries */
  size_t n;      /* used */
  size_t cap;    /* allocated */
} slp__spikebuf;

int slp__spikebuf_push(slp__spikebuf *b, slp_tick t, uint32_t node,
                       double scale);
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
  slp_tick grid;          /* grid step in ticks (grid mode), else 1 */
  slp__spikebuf *spikes;  /* where neurons put their spikes */
  slp__wake_map *wake;    /* wake-ups of this partition's neurons */
  int err;                /* first error (ENOMEM) met while processing */
};

struct slp__pop {
  const slp__model *model; /* the model */
  uint32_t n;              /* neurons */
  uint32_t node0;          /* global node id of neuron 0 */
  uint32_t wake0;          /* wake-map item of neuron 0 (a multiple of 64) */
  double params[SLP__MAX_PARAMS]; /* parameters, API units (ms, mV) */
  void *state;             /* model-owned per-neuron state */
  void *consts;            /* model-owned derived constants */
  uint32_t *settle;        /* neurons to settle at the end of this window */
  size_t n_settle;         /* used */
  size_t cap_settle;       /* allocated */
  uint64_t spikes;         /* spikes emitted (statistics) */
  size_t state_bytes;      /* bytes of per-neuron state */
  struct slp__drive *drive; /* exact mode: a Poisson drive its neurons take
                               themselves (inputs/drive.h), or NULL; only
                               for models with pulls_drive */
};

/* Queue neuron i of pop for the end-of-window settle step.  The caller
 * guarantees each neuron is queued at most once per window (models keep a
 * stamp).  On allocation failure win->err is set. */
void slp__pop_need_settle(slp__pop *pop, slp__window *win, uint32_t i);

/* Hand the wake-ups due in win (its bucket of win->wake) to the models of
 * pops[0 .. n_pops), population by population, neuron by neuron, clearing
 * the bucket. */
void slp__pops_wake(slp__pop *pops, size_t n_pops, slp__window *win);

/* Emit a spike of neuron i at tick t. */
void slp__pop_emit(slp__pop *pop, slp__window *win, uint32_t i, slp_tick t);

/*
 * After neuron i changed, with no crossing possible before tick t_check:
 * queue it for this window's settle step if a crossing could still be
 * emitted in the window, else make sure its one wake-up is no later than
 * the grid tick at which it could be (events/wake_map.h).
 * *t_wake (the tick of its wake-up, or NEVER) and *stamp (serial of the
 * window it was queued to settle in) live in the model's neuron state.
 * Inline: it runs once per excitatory synaptic event.
 */
static inline void slp__pop_schedule(slp__pop *pop, slp__window *win,
                                     uint32_t i, slp_tick t_check,
                                     slp_tick *t_wake, uint32_t *stamp) {
  if (t_check <= win->t1 - win->grid) {
    /* The settle step places the wake-up again afterwards. */
    if (*stamp != win->serial) {
      *stamp = win->serial;
      slp__pop_need_settle(pop, win, i);
    }
    return;
  }
  slp_tick when =
      t_check == SLP__NEVER ? SLP__NEVER : slp__ceil_grid(t_check, win->grid);
  if (when < *t_wake)
    *t_wake = slp__wake_map_move(win->wake, (size_t)pop->wake0 + i, *t_wake,
                                 when);
}

/*
 * Neuron i's wake-up came due in this window (the scheduler has cleared its
 * bit): queue the neuron for the settle step.
 */
static inline void slp__pop_wake_due(slp__pop *pop, slp__window *win,
                                     uint32_t i, slp_tick *t_wake,
                                     uint32_t *stamp) {
  *t_wake = SLP__NEVER;
  if (*stamp != win->serial) {
    *stamp = win->serial;
    slp__pop_need_settle(pop, win, i);
  }
}

#endif /* SLP_NEURONS_POP_H */
