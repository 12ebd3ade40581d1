/*
 * inputs/poisson.c -- Poisson spike sources.
 *
 * A source is drawn one of two ways, both exact Poisson processes:
 *   - by intervals: spike times are continuous (double ms, sums of
 *     exponential intervals) and fall on the first tick at or after them --
 *     or, in grid mode, on the first grid point at or after them;
 *   - by steps (grid mode, busy sources): the number of spikes falling on
 *     each grid point -- those in the step that ends there -- is drawn
 *     directly, Poisson with mean mu = rate * dt, by inversion.  This is the
 *     same process on the grid at one uniform per step instead of one
 *     exponential per spike.
 * Which way is fixed per source by its rate and dt (steps when
 * STEP_MU_MIN <= mu <= STEP_MU_MAX), so a network always gets the same
 * spikes.  Signed sources (signed_poisson: each spike scales its weights by
 * the source's sign) are always drawn by intervals, so that their spikes are
 * those of an unsigned source in exact mode.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "inputs/inputs.h"

/* Below this mean a step draw costs more than the spikes it finds; above
 * the other bound exp(-mu) nears the bottom of the double range. */
#define STEP_MU_MIN 0.25
#define STEP_MU_MAX 500.0

static void draw_next(slp__input *in, uint32_t k) {
  /* Times the mean interval, not over the rate: 1 / rate does not wait for
   * the draw.  inputs/drive.h keeps that quotient per source. */
  if (in->rate[k] > 0)
    in->next_ms[k] += slp__rng_exponential(&in->rng[k]) * (1.0 / in->rate[k]);
  else
    in->next_ms[k] = HUGE_VAL;
}

/*
 * Inversion: the smallest n with u <= P(N <= n), the terms summed by the
 * recurrence p_n = p_{n-1} mu / n until it underflows.  A 32-bit uniform
 * resolves the distribution to 2^-32, far below anything measurable.
 * Sources whose mean has a table (most inputs have one rate) look the sums
 * up instead of recomputing them (slp__poisson_count_tabled): the table
 * holds the very same sums, so the result is the same.
 */
uint32_t slp__poisson_step_count(slp__input *in, uint32_t k) {
  uint32_t bits = slp__rng_u32(&in->rng[k]);
  double mu = in->mu[k];
  in->next_t[k] += in->grid;
  if (mu == in->cdf_mu)
    return slp__poisson_count_tabled(in, bits);
  double u = ((double)bits + 0.5) * 0x1.0p-32;
  uint32_t n = 0;
  double p = in->p0[k], cdf = p;
  while (u > cdf && p > 0) {
    n++;
    p *= mu / n;
    cdf += p;
  }
  return n;
}

/* The table of P(N <= n) for mean mu: the sums of slp__poisson_step_count,
 * up to and including the first whose term underflowed. */
static int make_cdf(slp__input *in, double mu) {
  double p = exp(-mu), cdf = p;
  size_t n = 1, cap = 0;
  for (;; n++) {
    if (slp__grow((void **)&in->cdf, &cap, n, sizeof *in->cdf) != 0)
      return SLP_ENOMEM;
    in->cdf[n - 1] = cdf;
    if (!(p > 0))
      break;
    p *= mu / (double)n;
    cdf += p;
  }
  in->n_cdf = (uint32_t)n;
  in->cdf_mu = mu;
  /* guide[b]: the sums below b / N (never past the last entry, where the
   * walk stops anyway), flagged unless the bucket's every u lies at or
   * below the next sum (then that is the count: the walk would not move). */
  uint32_t j = 0;
  for (uint32_t b = 0; b < SLP__GUIDE_N; b++) {
    while (j + 1 < in->n_cdf && in->cdf[j] < (double)b / SLP__GUIDE_N)
      j++;
    int settled = j + 1 == in->n_cdf ||
                  in->cdf[j] >= (double)(b + 1) / SLP__GUIDE_N;
    in->guide[b] = settled ? j : j | SLP__GUIDE_WALK;
  }
  return 0;
}

int slp__poisson_create(slp__input *in, const slp__group *g, uint64_t seed,
                        slp_tick t0) {
  size_t n = in->n;
  in->rate = slp__malloc(n * sizeof *in->rate);
  in->next_ms = slp__malloc(n * sizeof *in->next_ms);
  in->rng = slp__malloc(n * sizeof *in->rng);
  in->mu = slp__calloc(n, sizeof *in->mu);
  in->p0 = slp__calloc(n, sizeof *in->p0);
  in->next_t = slp__calloc(n, sizeof *in->next_t);
  if (!in->rate || !in->next_ms || !in->rng || !in->mu || !in->p0 ||
      !in->next_t)
    return SLP_ENOMEM;
  if (slp__input_copy_signs(in, g) != 0)
    return SLP_ENOMEM;
  double step_ms = (double)in->grid * SLP__MS_PER_TICK;
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
    double mu = in->rate[k] * step_ms;
    if (in->grid > 1 && in->sign == NULL && mu >= STEP_MU_MIN &&
        mu <= STEP_MU_MAX) {
      in->mu[k] = mu;
      in->p0[k] = exp(-mu);
      if (in->cdf_mu == 0 && make_cdf(in, mu) != 0)
        return SLP_ENOMEM;
      in->next_t[k] = slp__ceil_grid(t0, in->grid) + in->grid;
      in->next_ms[k] = HUGE_VAL;
      continue;
    }
    in->next_ms[k] = (double)t0 * SLP__MS_PER_TICK;
    draw_next(in, k);
  }
  return 0;
}

int slp__poisson_emit_source(slp__input *in, uint32_t k, slp_tick t1,
                             slp_tick shift, uint32_t id, slp__spikebuf *out,
                             uint64_t *n) {
  /* A spike at time x (ms) goes out at tick ceil(x / tick), on the grid. */
  double end_ms = (double)t1 * SLP__MS_PER_TICK;
  while (in->next_ms[k] < end_ms) {
    slp_tick t = slp__ceil_grid(slp__poisson_tick(in->next_ms[k]), in->grid);
    if (t >= t1)
      break;
    double scale = in->sign != NULL ? (double)in->sign[k] : 1.0;
    if (slp__spikebuf_push(out, t + shift, id, scale) != 0)
      return SLP_ENOMEM;
    (*n)++;
    draw_next(in, k);
  }
  return 0;
}

int slp__poisson_wheel_disabled = 0;

void slp__poisson_wheel_init(slp__poisson_wheel *w) {
  memset(w, 0, sizeof *w);
  w->state = -1;
}

void slp__poisson_wheel_free(slp__poisson_wheel *w) {
  if (w->state == 1)
    slp__wheel_free(&w->wheel);
  slp__poisson_wheel_init(w);
}

/* The tick source k's next spike is emitted at (on the grid), or -1. */
static slp_tick next_emission(const slp__input *in, uint32_t k) {
  double ms = in->next_ms[k];
  return ms < 9e12 ? slp__ceil_grid(slp__poisson_tick(ms), in->grid) : -1;
}

/* Decide at the first window whether sources [lo, hi) go in the wheel,
 * and put them there.  SLP_ENOMEM on failure. */
static int wheel_start(slp__input *in, slp__poisson_wheel *w, uint32_t lo,
                       uint32_t hi, slp_tick t0, slp_tick t1) {
  double w_ms = (double)(t1 - t0) * SLP__MS_PER_TICK, per = 0;
  for (uint32_t k = lo; k < hi; k++)
    per += in->mu[k] > 0 ? 1.0 : in->rate[k] * w_ms; /* by steps: busy */
  per = hi > lo ? per / (double)(hi - lo) : 1.0;
  w->state = slp__wheel_pays(per) && !slp__poisson_wheel_disabled;
  if (w->state == 0)
    return 0;
  if (slp__wheel_init(&w->wheel, hi - lo, t1 - t0, per, t0) != 0)
    return SLP_ENOMEM;
  for (uint32_t k = lo; k < hi; k++) {
    slp_tick t = next_emission(in, k);
    if (t >= 0 && slp__wheel_put(&w->wheel, t, k - lo) != 0)
      return SLP_ENOMEM;
  }
  return 0;
}

/* Source k's spikes before t1 (drawn by steps or by intervals). */
static int emit_one(slp__input *in, uint32_t k, slp_tick t1,
                    slp__spikebuf *out) {
  if (in->mu[k] > 0) {
    while (in->next_t[k] < t1) {
      slp_tick t = in->next_t[k];
      for (uint32_t c = slp__poisson_step_count(in, k); c > 0; c--) {
        if (slp__spikebuf_push(out, t, in->node0 + k, 1.0) != 0)
          return SLP_ENOMEM;
      }
    }
    return 0;
  }
  uint64_t n = 0;
  return slp__poisson_emit_source(in, k, t1, 0, in->node0 + k, out, &n);
}

int slp__poisson_emit(slp__input *in, slp__poisson_wheel *w, uint32_t lo,
                      uint32_t hi, slp_tick t0, slp_tick t1,
                      slp__spikebuf *out) {
  if (w != NULL && w->state < 0 && wheel_start(in, w, lo, hi, t0, t1) != 0)
    return SLP_ENOMEM;
  if (w == NULL || w->state == 0) {
    /* spikes before t0 were emitted by earlier windows */
    for (uint32_t k = lo; k < hi; k++)
      if (emit_one(in, k, t1, out) != 0)
        return SLP_ENOMEM;
    return 0;
  }
  /* The window's sources from the wheel, in source order, as the loop
   * above takes them; each goes back in at its next spike. */
  const uint32_t *items;
  size_t n;
  if (slp__wheel_take(&w->wheel, &items, &n) != 0)
    return SLP_ENOMEM;
  for (size_t q = 0; q < n; q++) {
    uint32_t k = lo + items[q];
    if (emit_one(in, k, t1, out) != 0)
      return SLP_ENOMEM;
    slp_tick t = next_emission(in, k);
    if (t >= 0 && slp__wheel_put(&w->wheel, t, items[q]) != 0)
      return SLP_ENOMEM;
  }
  return 0;
}
