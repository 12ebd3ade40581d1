/*
 * inputs/poisson.c -- Poisson spike sources with exact exponential
 * inter-spike intervals.
 *
 * Spike times are continuous (double ms, drawn as sums of exponential
 * intervals) and fall on the first tick at or after them -- or, in grid
 * mode, on the first grid point at or after them.
 */
#include "config.h"

#include <math.h>

#include "core/alloc.h"
#include "inputs/inputs.h"


static void draw_next(slp__input *in, uint32_t k) {
  if (in->rate[k] > 0)
    in->next_ms[k] += slp__rng_exponential(&in->rng[k]) / in->rate[k];
  else
    in->next_ms[k] = INFINITY;
}

int slp__poisson_create(slp__input *in, const slp__group *g, uint64_t seed,
                        slp_tick t0) {
  in->rate = slp__malloc((size_t)in->n * sizeof *in->rate);
  in->next_ms = slp__malloc((size_t)in->n * sizeof *in->next_ms);
  in->rng = slp__malloc((size_t)in->n * sizeof *in->rng);
  if (!in->rate || !in->next_ms || !in->rng)
    return SLP_ENOMEM;
  for (uint32_t k = 0; k < in->n; k++) {
    uint64_t node = (uint64_t)in->node0 + k;
    double hz;
    if (g->rates != NULL) {
      hz = g->rates[k];
    } else {
      slp__rng r;
      slp__rng_init(&r, seed, SLP__RNG_RATE, node, 0);
      hz = slp__dist_draw(&g->rate, &r);
    }
    if (!(hz >= 0) || !isfinite(hz))
      return SLP_ERANGE;
    in->rate[k] = hz * 1e-3; /* per ms */
    slp__rng_init(&in->rng[k], seed, SLP__RNG_SPIKES, node, 0);
    in->next_ms[k] = (double)t0 * SLP__MS_PER_TICK;
    draw_next(in, k);
  }
  return 0;
}

int slp__poisson_emit(slp__input *in, slp_tick t0, slp_tick t1,
                      slp__spikebuf *out) {
  (void)t0; /* spikes before t0 were emitted by earlier windows */
  /* A spike at time x (ms) goes out at tick ceil(x / tick), on the grid. */
  double end_ms = (double)t1 * SLP__MS_PER_TICK;
  for (uint32_t k = 0; k < in->n; k++) {
    while (in->next_ms[k] < end_ms) {
      slp_tick t = slp__ceil_grid(
          (slp_tick)ceil(in->next_ms[k] / SLP__MS_PER_TICK), in->grid);
      if (t >= t1)
        break;
      if (slp__spikebuf_push(out, t, in->node0 + k, 1.0f) != 0)
        return SLP_ENOMEM;
      in->emitted++;
      draw_next(in, k);
    }
  }
  return 0;
}
