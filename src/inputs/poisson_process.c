/*
 * inputs/poisson_process.c -- Poisson sources with a time-varying rate, a
 * dead time, or Norse's Bernoulli discretisation.
 *
 * The plain constant-rate process lives in poisson.c; a Poisson group gets
 * here only when slp_network_set_poisson_process() gave it a process.  Every
 * source draws from its own counter-based stream (seed, SLP__RNG_SPIKES, its
 * node id), so its spikes do not depend on partitioning.
 *
 * Continuous time -- each of these is the exact process, not an
 * approximation on a grid:
 *   - SCHEDULE, by time rescaling: the next spike is where the integral of
 *     the rate since the last one reaches an Exp(1) draw.  The rate is
 *     piecewise constant, so the integral is walked segment by segment.
 *   - SINUSOID, by thinning (Lewis & Shedler 1979): candidates from a
 *     homogeneous process at the bound mean + amplitude, each kept with
 *     probability rate(t) / bound.  The bound is the rate's exact maximum,
 *     so the kept candidates are exactly the inhomogeneous process.
 *   - FIXED with a dead time d: a renewal process whose intervals are
 *     d + Exp(r') with r' = rate / (1 - rate d), so that the mean interval
 *     d + 1/r' is 1/rate and the mean rate the stated one.  It starts in
 *     equilibrium: at a random time the source is inside a dead time with
 *     probability rate d (the fraction of time dead times take), with a
 *     remaining dead time uniform on (0, d); the exponential part is
 *     memoryless.  So the first spike comes after U d (with probability
 *     rate d, else 0) plus Exp(r'), and the rate is the stated one from the
 *     first instant, not only in the long run.
 *
 * Steps (dt > 0, Norse's poisson_encode): step j starts at j dt and holds
 * at most one spike, with probability p_j = min(1, rate(j dt) dt), stamped
 * at j dt.  Only the steps with a spike cost anything:
 *   - FIXED: the gap to the next spike step is geometric with parameter p;
 *   - SCHEDULE: the same within each segment, restarted at a segment's
 *     first step when the gap overshoots it (the steps are independent, so
 *     forgetting the overshoot is exact);
 *   - SINUSOID: geometric gaps at the bound p_max = min(1, (mean +
 *     amplitude) dt), each candidate step kept with probability
 *     p_j / p_max -- every step is then a spike with probability exactly
 *     p_j, independently.
 */
#include "config.h"

#include <math.h>

#include "core/alloc.h"
#include "inputs/inputs.h"

/* A step index that means "no more spikes". */
#define NO_STEP UINT64_MAX

/* Times beyond this (ms) are never reached: 2^63 ticks. */
#define LAST_MS 9.2e12

/* 2 pi (M_PI is not in strict C11). */
#define TWO_PI 6.283185307179586476925

void slp__process_free(slp__process *p) {
  if (p == NULL)
    return;
  slp__free(p->times_ms);
  slp__free(p->rates_hz);
  slp__free(p);
}

/* ---------------------------------------------------------------------- */
/* The description (sleipnir/network.h)                                   */
/* ---------------------------------------------------------------------- */

void slp_poisson_process_init(slp_poisson_process *p) {
  p->shape = SLP_RATE_FIXED;
  p->times_ms = NULL;
  p->rates_hz = NULL;
  p->n_segments = 0;
  p->mean_hz = 0.0;
  p->amplitude_hz = 0.0;
  p->frequency_hz = 0.0;
  p->phase_rad = 0.0;
  p->dead_time_ms = 0.0;
  p->dt_ms = 0.0;
}

static int finite_nonneg(double x) { return x >= 0 && isfinite(x); }

/* The checks of slp_network_set_poisson_process() on p alone. */
static int process_valid(const slp_poisson_process *p) {
  if (!finite_nonneg(p->dead_time_ms) || !finite_nonneg(p->dt_ms) ||
      p->dead_time_ms > LAST_MS || p->dt_ms > LAST_MS)
    return SLP_ERANGE;
  if (p->dt_ms > 0 && p->dt_ms < SLP__MS_PER_TICK)
    return SLP_ERANGE; /* a step shorter than a tick */
  if (p->dead_time_ms > 0 && (p->shape != SLP_RATE_FIXED || p->dt_ms > 0))
    return SLP_EINVAL;
  switch (p->shape) {
  case SLP_RATE_FIXED:
    return 0;
  case SLP_RATE_SCHEDULE:
    if (p->n_segments == 0 || p->times_ms == NULL || p->rates_hz == NULL)
      return SLP_EINVAL;
    for (size_t j = 0; j < p->n_segments; j++) {
      if (!finite_nonneg(p->times_ms[j]) || p->times_ms[j] > LAST_MS ||
          !finite_nonneg(p->rates_hz[j]))
        return SLP_ERANGE;
      if (j > 0 && !(p->times_ms[j] > p->times_ms[j - 1]))
        return SLP_ERANGE;
    }
    return 0;
  case SLP_RATE_SINUSOID:
    if (!finite_nonneg(p->mean_hz) || !finite_nonneg(p->amplitude_hz) ||
        !finite_nonneg(p->frequency_hz) || !isfinite(p->phase_rad) ||
        p->amplitude_hz > p->mean_hz || !isfinite(p->mean_hz +
                                                  p->amplitude_hz))
      return SLP_ERANGE;
    return 0;
  }
  return SLP_EINVAL;
}

/* The largest rate group g's sources can have, Hz, as far as the
 * description tells (an unclipped normal: 0, checked when drawn). */
static double group_max_hz(const slp__group *g) {
  double top = 0.0;
  if (g->rates != NULL) {
    for (uint32_t k = 0; k < g->size; k++)
      top = fmax(top, g->rates[k]);
    return top;
  }
  switch (g->rate.kind) {
  case SLP_DIST_CONST:
    return g->rate.a;
  case SLP_DIST_UNIFORM:
    return g->rate.b;
  default:
    return isfinite(g->rate.hi) ? g->rate.hi : 0.0;
  }
}

int slp_network_set_poisson_process(slp_network *net, uint32_t input,
                                    const slp_poisson_process *p) {
  if (net == NULL || p == NULL)
    return SLP_EINVAL;
  if (input >= net->n_groups)
    return SLP_ENOENT;
  slp__group *g = &net->groups[input];
  if (g->kind != SLP__GROUP_POISSON && g->kind != SLP__GROUP_SIGNED_POISSON)
    return SLP_EINVAL;
  if (p->shape != SLP_RATE_FIXED && g->kind == SLP__GROUP_SIGNED_POISSON)
    return SLP_EINVAL;
  int rc = process_valid(p);
  if (rc != 0)
    return rc;
  if (p->dead_time_ms > 0 && !(group_max_hz(g) * 1e-3 * p->dead_time_ms < 1.0))
    return SLP_ERANGE;
  slp__process *q = slp__calloc(1, sizeof *q);
  if (q == NULL)
    return SLP_ENOMEM;
  q->shape = (int)p->shape;
  if (p->shape == SLP_RATE_SCHEDULE) {
    /* A schedule that starts late gets a silent first segment, so that
     * every time from 0 on is in some segment. */
    size_t lead = p->times_ms[0] > 0, n = p->n_segments + lead;
    q->times_ms = slp__malloc(n * sizeof *q->times_ms);
    q->rates_hz = slp__malloc(n * sizeof *q->rates_hz);
    if (q->times_ms == NULL || q->rates_hz == NULL) {
      slp__process_free(q);
      return SLP_ENOMEM;
    }
    q->times_ms[0] = 0.0;
    q->rates_hz[0] = 0.0;
    for (size_t j = 0; j < p->n_segments; j++) {
      q->times_ms[j + lead] = p->times_ms[j];
      q->rates_hz[j + lead] = p->rates_hz[j];
    }
    q->n_segments = n;
  }
  q->mean_hz = p->mean_hz;
  q->amplitude_hz = p->amplitude_hz;
  q->frequency_hz = p->frequency_hz;
  q->phase_rad = p->phase_rad;
  q->dead_time_ms = p->dead_time_ms;
  q->dt_ms = p->dt_ms;
  slp__process_free(g->process);
  g->process = q;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* Rates                                                                  */
/* ---------------------------------------------------------------------- */

/* The segment of the schedule that time t_ms is in (segment 0 starts at 0). */
static uint32_t segment_at(const slp__process *p, double t_ms) {
  size_t lo = 0, hi = p->n_segments; /* times_ms[lo] <= t < times_ms[hi] */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (p->times_ms[mid] <= t_ms)
      lo = mid;
    else
      hi = mid;
  }
  return (uint32_t)lo;
}

/* The sinusoid's rate at t_ms, per ms (never below 0: amplitude <= mean,
 * the max() only absorbs rounding). */
static double sinusoid_at(const slp__process *p, double t_ms) {
  double hz = p->mean_hz + p->amplitude_hz *
                               sin(TWO_PI * p->frequency_hz * t_ms * 1e-3 +
                                   p->phase_rad);
  return fmax(hz, 0.0) * 1e-3;
}

/* ---------------------------------------------------------------------- */
/* Continuous time                                                        */
/* ---------------------------------------------------------------------- */

/* Move next_ms[k] from the last spike (or the start) to the next spike. */
static void next_continuous(slp__input *in, uint32_t k) {
  const slp__process *p = in->proc;
  slp__rng *r = &in->rng[k];
  double t = in->next_ms[k];
  switch (p->shape) {
  case SLP_RATE_SCHEDULE: {
    double e = slp__rng_exponential(r); /* integrated rate still to cover */
    uint32_t s = in->seg[k];
    for (;;) {
      double rate = p->rates_hz[s] * 1e-3;
      double end = s + 1 < p->n_segments ? p->times_ms[s + 1] : (double)INFINITY;
      if (rate > 0 && e / rate < end - t) {
        t += e / rate;
        break;
      }
      if (isinf(end)) {
        t = (double)INFINITY;
        break;
      }
      e = fmax(0.0, e - rate * (end - t)); /* >= 0 up to rounding */
      t = end;
      s++;
    }
    in->seg[k] = s;
    break;
  }
  case SLP_RATE_SINUSOID:
    if (!(in->bound > 0)) {
      t = (double)INFINITY;
      break;
    }
    do
      t += slp__rng_exponential(r) / in->bound;
    while (t < LAST_MS &&
           slp__rng_uniform(r) * in->bound >= sinusoid_at(p, t));
    break;
  default: /* FIXED, with a dead time */
    t = in->rate[k] > 0
            ? t + p->dead_time_ms + slp__rng_exponential(r) / in->rate[k]
            : (double)INFINITY;
    break;
  }
  in->next_ms[k] = t < LAST_MS ? t : (double)INFINITY;
}

/* The first spike of a FIXED source with a dead time, from t0_ms: the
 * equilibrium start (see the top of the file).  stated: the rate, per ms. */
static void first_dead_time(slp__input *in, uint32_t k, double stated,
                            double t0_ms) {
  slp__rng *r = &in->rng[k];
  double d = in->proc->dead_time_ms, t = t0_ms;
  if (!(in->rate[k] > 0)) {
    in->next_ms[k] = (double)INFINITY;
    return;
  }
  double u = slp__rng_uniform(r), v = slp__rng_uniform(r);
  if (u < stated * d)
    t += v * d;
  t += slp__rng_exponential(r) / in->rate[k];
  in->next_ms[k] = t < LAST_MS ? t : (double)INFINITY;
}

/* ---------------------------------------------------------------------- */
/* Steps                                                                  */
/* ---------------------------------------------------------------------- */

/* A geometric gap on {1, 2, ...} with success probability prob, or NO_STEP
 * when there is no success in any representable number of steps. */
static uint64_t geometric(slp__rng *r, double prob) {
  if (prob >= 1.0)
    return 1;
  if (!(prob > 0))
    return NO_STEP;
  double g = 1.0 + floor(log(slp__rng_uniform_pos(r)) / log1p(-prob));
  return g < 0x1.0p62 ? (uint64_t)g : NO_STEP;
}

/* The first step starting at or after tick t. */
static uint64_t step_at_or_after(slp_tick t, slp_tick dt) {
  return t <= 0 ? 0 : (uint64_t)((t + dt - 1) / dt);
}

/* The step probability at rate hz: Norse's rate * dt, at most 1. */
static double step_prob(double hz, double dt_ms) {
  return fmin(1.0, hz * dt_ms * 1e-3);
}

/* The first spike step of source k at or after step j, or NO_STEP. */
static uint64_t next_step(slp__input *in, uint32_t k, uint64_t j) {
  const slp__process *p = in->proc;
  slp__rng *r = &in->rng[k];
  uint64_t last = (uint64_t)(INT64_MAX / in->dt); /* steps with a tick */
  uint64_t g;
  if (j > last)
    return NO_STEP;
  switch (p->shape) {
  case SLP_RATE_SCHEDULE: {
    uint32_t s = in->seg[k];
    for (;;) {
      /* Skip the segments that hold no step from j on. */
      while (s + 1 < p->n_segments &&
             step_at_or_after((slp_tick)llround(p->times_ms[s + 1] /
                                                SLP__MS_PER_TICK),
                              in->dt) <= j)
        s++;
      uint64_t end = s + 1 < p->n_segments
                         ? step_at_or_after(
                               (slp_tick)llround(p->times_ms[s + 1] /
                                                 SLP__MS_PER_TICK),
                               in->dt)
                         : NO_STEP;
      g = geometric(r, step_prob(p->rates_hz[s], p->dt_ms));
      if (g != NO_STEP && g - 1 < end - j) {
        in->seg[k] = s;
        j += g - 1;
        return j <= last ? j : NO_STEP;
      }
      if (end == NO_STEP || end > last)
        return NO_STEP;
      j = end; /* the overshoot is forgotten: steps are independent */
    }
  }
  case SLP_RATE_SINUSOID:
    for (;;) {
      g = geometric(r, in->bound);
      if (g == NO_STEP || g - 1 > last - j)
        return NO_STEP;
      j += g - 1;
      double t_ms = (double)j * p->dt_ms;
      if (slp__rng_uniform(r) * in->bound <
          step_prob(sinusoid_at(p, t_ms) * 1e3, p->dt_ms))
        return j;
      if (j == last)
        return NO_STEP;
      j++;
    }
  default: /* FIXED */
    g = geometric(r, in->prob[k]);
    if (g == NO_STEP || g - 1 > last - j)
      return NO_STEP;
    return j + g - 1;
  }
}

/* ---------------------------------------------------------------------- */
/* Run time                                                               */
/* ---------------------------------------------------------------------- */

int slp__process_create(slp__input *in, const slp__group *g, uint64_t seed,
                        slp_tick t0) {
  const slp__process *p = g->process;
  size_t n = in->n;
  in->proc = p;
  in->rate = slp__calloc(n, sizeof *in->rate);
  in->next_ms = slp__calloc(n, sizeof *in->next_ms);
  in->rng = slp__malloc(n * sizeof *in->rng);
  in->seg = slp__calloc(n, sizeof *in->seg);
  if (!in->rate || !in->next_ms || !in->rng || !in->seg)
    return SLP_ENOMEM;
  if (slp__input_copy_signs(in, g) != 0)
    return SLP_ENOMEM;
  if (p->dt_ms > 0) {
    in->dt = (slp_tick)llround(p->dt_ms / SLP__MS_PER_TICK);
    in->step = slp__malloc(n * sizeof *in->step);
    in->prob = slp__calloc(n, sizeof *in->prob);
    if (in->step == NULL || in->prob == NULL)
      return SLP_ENOMEM;
  }
  if (p->shape == SLP_RATE_SINUSOID)
    in->bound = p->dt_ms > 0 ? step_prob(p->mean_hz + p->amplitude_hz,
                                         p->dt_ms)
                             : (p->mean_hz + p->amplitude_hz) * 1e-3;
  double t0_ms = (double)t0 * SLP__MS_PER_TICK;
  uint64_t j0 = in->dt > 0 ? step_at_or_after(t0, in->dt) : 0;
  for (uint32_t k = 0; k < in->n; k++) {
    uint64_t node = (uint64_t)in->node0 + k;
    double hz = 0.0;
    if (p->shape == SLP_RATE_FIXED) {
      if (g->rates != NULL) {
        hz = g->rates[k];
      } else {
        slp__rng r;
        slp__rng_init(&r, seed, SLP__RNG_RATE, node, 0);
        hz = slp__dist_draw(&g->rate, &r);
      }
      if (!(hz >= 0) || !isfinite(hz))
        return SLP_ERANGE;
    }
    slp__rng_init(&in->rng[k], seed, SLP__RNG_SPIKES, node, 0);
    if (p->shape == SLP_RATE_SCHEDULE)
      in->seg[k] = segment_at(p, in->dt > 0 ? (double)j0 * p->dt_ms : t0_ms);
    if (in->dt > 0) {
      in->prob[k] = step_prob(hz, p->dt_ms);
      in->step[k] = next_step(in, k, j0);
      continue;
    }
    double stated = hz * 1e-3; /* per ms */
    if (p->shape == SLP_RATE_FIXED && p->dead_time_ms > 0) {
      /* The exponential part must make up for the dead time; a rate the
       * dead time forbids (one spike per dead time or more) is an error. */
      if (!(stated * p->dead_time_ms < 1.0))
        return SLP_ERANGE;
      in->rate[k] = stated / (1.0 - stated * p->dead_time_ms);
      first_dead_time(in, k, stated, t0_ms);
      continue;
    }
    in->rate[k] = stated;
    in->next_ms[k] = t0_ms;
    if (p->shape == SLP_RATE_FIXED)
      in->next_ms[k] =
          stated > 0 ? t0_ms + slp__rng_exponential(&in->rng[k]) / stated
                     : (double)INFINITY;
    else
      next_continuous(in, k);
  }
  return 0;
}

int slp__process_emit(slp__input *in, uint32_t lo, uint32_t hi, slp_tick t0,
                      slp_tick t1,
                      slp__spikebuf *out) {
  (void)t0; /* spikes before t0 were emitted by earlier windows */
  double end_ms = (double)t1 * SLP__MS_PER_TICK;
  for (uint32_t k = lo; k < hi; k++) {
    double scale = in->sign != NULL ? (double)in->sign[k] : 1.0;
    if (in->dt > 0) {
      while (in->step[k] != NO_STEP) {
        slp_tick t = slp__ceil_grid((slp_tick)in->step[k] * in->dt, in->grid);
        if (t >= t1)
          break;
        if (slp__spikebuf_push(out, t, in->node0 + k, scale) != 0)
          return SLP_ENOMEM;
        in->step[k] = in->step[k] < UINT64_MAX - 1
                          ? next_step(in, k, in->step[k] + 1)
                          : NO_STEP;
      }
      continue;
    }
    /* A spike at time x (ms) goes out at tick ceil(x / tick), on the grid,
     * as in poisson.c. */
    while (in->next_ms[k] < end_ms) {
      slp_tick t = slp__ceil_grid(
          (slp_tick)ceil(in->next_ms[k] / SLP__MS_PER_TICK), in->grid);
      if (t >= t1)
        break;
      if (slp__spikebuf_push(out, t, in->node0 + k, scale) != 0)
        return SLP_ENOMEM;
      next_continuous(in, k);
    }
  }
  return 0;
}
