/*
 * inputs/spike_array.c -- sources that fire at given times, each spike
 * optionally with a weight that multiplies the synaptic weights.
 */
#include "config.h"

#include <math.h>

#include "core/alloc.h"
#include "inputs/inputs.h"


int slp__spike_array_create(slp__input *in, const slp__group *g,
                            slp_tick t0) {
  size_t n = g->n_events;
  in->ev_t = slp__malloc(n * sizeof *in->ev_t);
  in->ev_src = slp__malloc(n * sizeof *in->ev_src);
  in->ev_scale = slp__malloc(n * sizeof *in->ev_scale);
  if (!in->ev_t || !in->ev_src || !in->ev_scale)
    return SLP_ENOMEM;
  /* Events are sorted by (time, source) in the description; rounding to
   * ticks keeps that order. */
  for (size_t k = 0; k < n; k++) {
    slp_tick t = (slp_tick)llround(g->events[k].time_ms / SLP__MS_PER_TICK);
    in->ev_t[k] = slp__ceil_grid(t, in->grid);
    in->ev_src[k] = g->events[k].source;
    in->ev_scale[k] = g->events[k].weight;
  }
  in->n_ev = n;
  /* Events before the start never fire. */
  while (in->cursor < n && in->ev_t[in->cursor] < t0)
    in->cursor++;
  return 0;
}

int slp__spike_array_emit(slp__input *in, slp_tick t0, slp_tick t1,
                          slp__spikebuf *out) {
  (void)t0;
  while (in->cursor < in->n_ev && in->ev_t[in->cursor] < t1) {
    size_t k = in->cursor;
    if (slp__spikebuf_push(out, in->ev_t[k], in->node0 + in->ev_src[k],
                           in->ev_scale[k]) != 0)
      return SLP_ENOMEM;
    in->cursor++;
  }
  return 0;
}
