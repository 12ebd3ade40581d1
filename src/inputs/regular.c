/*
 * inputs/regular.c -- deterministic periodic spike trains.
 *
 * A regular group's source k fires at first_k + j * period_k (j = 0, 1, ...;
 * a single spike when the period is infinite, none when first_k is).  This
 * is the run-time side of three model-file types: `regular` (first = phase,
 * period = 1/rate) and the two LIF encoders of lif_encode.c (first and
 * period from the closed form), which differ only in how the two numbers
 * are found.
 *
 * Optional jitter displaces every spike by a uniform draw in
 * [-jitter/2, jitter/2).  The draws come from the source's own Philox stream
 * keyed by (seed, SLP__RNG_JITTER, global node id), one draw per spike in
 * spike order, so a source's train depends on nothing else: not on the other
 * sources, the windows or the threads.  The jitter is at most one period
 * (checked when the group is described), so displaced spikes keep their
 * order and each source's spikes come out in time order.
 *
 * A spike at continuous time x (ns) goes out at the first tick at or after x,
 * or in grid mode at the first grid point at or after that tick -- the rule
 * poisson.c follows.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "sleipnir/network.h"
#include "core/alloc.h"
#include "inputs/inputs.h"

/* Times from 2^63 ns on cannot be ticks: such a spike never comes. */
#define NEVER_NS 9.2e18

/* One millisecond in ns. */
#define NS_PER_MS 1e6

/*
 * The first tick at or after x ns.  x is a sum of products of decimal inputs
 * (phase + j * period), so a time meant to fall on a tick can come out a
 * rounding error above it; within a few ulps of a whole number it is that
 * tick, not the next one.
 */
static slp_tick tick_at_or_after(double x) {
  double r = nearbyint(x);
  if (fabs(x - r) <= 8 * DBL_EPSILON * fabs(x))
    return (slp_tick)r;
  return (slp_tick)ceil(x);
}

/* Set next_t[k] to the tick of source k's next spike that falls at or after
 * time 0, consuming one jitter draw per spike passed. */
static void advance(slp__input *in, uint32_t k) {
  for (;;) {
    uint64_t j = in->index[k];
    double first = in->first_ns[k], period = in->period_ns[k];
    if ((j > 0 && !isfinite(period)) || !(first < NEVER_NS)) {
      in->next_t[k] = SLP__INPUT_NEVER;
      return;
    }
    double x = j == 0 ? first : first + (double)j * period;
    if (!(x < NEVER_NS)) {
      in->next_t[k] = SLP__INPUT_NEVER;
      return;
    }
    if (in->jitter_ns > 0)
      x += (slp__rng_uniform(&in->rng[k]) - 0.5) * in->jitter_ns;
    in->index[k] = j + 1;
    if (x < 0)
      continue; /* displaced before the start: it never fires */
    in->next_t[k] = slp__ceil_grid(tick_at_or_after(x), in->grid);
    return;
  }
}

int slp__regular_create(slp__input *in, const slp__group *g, uint64_t seed,
                        slp_tick t0) {
  size_t n = in->n;
  in->first_ns = slp__malloc(n * sizeof *in->first_ns);
  in->period_ns = slp__malloc(n * sizeof *in->period_ns);
  in->index = slp__malloc(n * sizeof *in->index);
  in->next_t = slp__malloc(n * sizeof *in->next_t);
  in->rng = slp__malloc(n * sizeof *in->rng);
  if (!in->first_ns || !in->period_ns || !in->index || !in->next_t || !in->rng)
    return SLP_ENOMEM;
  in->jitter_ns = g->jitter_ms * NS_PER_MS;
  for (uint32_t k = 0; k < in->n; k++) {
    in->first_ns[k] = g->first_ms[k] * NS_PER_MS;
    in->period_ns[k] = g->period_ms[k] * NS_PER_MS;
    in->index[k] = 0;
    slp__rng_init(&in->rng[k], seed, SLP__RNG_JITTER,
                  (uint64_t)in->node0 + k, 0);
    /* Spikes before the start were never emitted; pass them (and their
     * jitter draws) so that the stream stays aligned with spike indices. */
    do
      advance(in, k);
    while (in->next_t[k] < t0);
  }
  return 0;
}

int slp__regular_emit(slp__input *in, uint32_t lo, uint32_t hi, slp_tick t0,
                      slp_tick t1,
                      slp__spikebuf *out) {
  (void)t0; /* spikes before t0 were emitted by earlier windows */
  for (uint32_t k = lo; k < hi; k++) {
    while (in->next_t[k] < t1) {
      if (slp__spikebuf_push(out, in->next_t[k], in->node0 + k, 1.0) != 0)
        return SLP_ENOMEM;
      advance(in, k);
    }
  }
  return 0;
}

/* ---------------------------------------------------------------------- */
/* The description (sleipnir/network.h)                                   */
/* ---------------------------------------------------------------------- */

int slp_network_add_regular(slp_network *net, const char *name, uint32_t size,
                            const double *rates, size_t n_rates,
                            double phase_ms, double jitter_ms, uint32_t *id) {
  if (rates == NULL || size == 0 || (n_rates != 1 && n_rates != size))
    return SLP_EINVAL;
  if (!(phase_ms >= 0) || !isfinite(phase_ms) || !(jitter_ms >= 0) ||
      !isfinite(jitter_ms))
    return SLP_ERANGE;
  for (size_t k = 0; k < n_rates; k++) {
    if (!(rates[k] >= 0) || !isfinite(rates[k]))
      return SLP_ERANGE;
    /* A longer jitter could swap two spikes of the source. */
    if (rates[k] > 0 && jitter_ms > 1000.0 / rates[k])
      return SLP_ERANGE;
  }
  double *first = slp__malloc((size_t)size * sizeof *first);
  double *period = slp__malloc((size_t)size * sizeof *period);
  if (first == NULL || period == NULL) {
    slp__free(first);
    slp__free(period);
    return SLP_ENOMEM;
  }
  for (uint32_t k = 0; k < size; k++) {
    double hz = rates[n_rates == 1 ? 0 : k];
    first[k] = hz > 0 ? phase_ms : (double)INFINITY;
    period[k] = hz > 0 ? 1000.0 / hz : (double)INFINITY;
  }
  slp__group *g;
  int rc = slp__network_add_group(net, name, size, SLP__GROUP_REGULAR, &g, id);
  if (rc != 0) {
    slp__free(first);
    slp__free(period);
    return rc;
  }
  g->first_ms = first;
  g->period_ms = period;
  g->jitter_ms = jitter_ms;
  return 0;
}
