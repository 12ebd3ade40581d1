/*
 * tests/test_poisson_process.c -- Poisson inputs with a time-varying rate,
 * a dead time, or Norse's Bernoulli discretisation (poisson_process.c).
 *
 * Inputs come from model files (so the keys are tested with the process)
 * and are driven window by window through slp__input_*, so that every spike
 * can be checked.  The statistical checks compare counts against their
 * exact means with a band of 5 standard deviations of the count's own
 * distribution (Poisson, binomial or renewal, as stated at each): a correct
 * generator fails such a check with probability below 1e-6 per check, and
 * the seeds are fixed anyway, so a failure means a wrong rate, not bad luck.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sleipnir.h"
#include "inputs/inputs.h"
#include "network/network.h"

/* One millisecond in ticks. */
#define MS 1000000LL

/* All spikes of a run of one input group, in emission order. */
typedef struct train {
  slp__spike *s; /* spikes */
  size_t n;      /* how many */
} train;

/* Emit group g over [0, end) in windows of `window` ticks; every spike must
 * fall in its window and belong to the group. */
static train run_group(const slp__group *g, uint64_t seed, slp_tick grid,
                       slp_tick end, slp_tick window) {
  slp__input in;
  ck_assert_int_eq(slp__input_create(&in, g, 0, seed, grid, 0), 0);
  slp__spikebuf buf = {NULL, 0, 0};
  train tr = {NULL, 0};
  size_t cap = 0;
  for (slp_tick t0 = 0; t0 < end; t0 += window) {
    slp_tick t1 = t0 + window < end ? t0 + window : end;
    buf.n = 0;
    ck_assert_int_eq(slp__input_emit(&in, t0, t1, &buf), 0);
    for (size_t k = 0; k < buf.n; k++) {
      ck_assert(buf.s[k].t >= t0 && buf.s[k].t < t1);
      ck_assert_uint_lt(buf.s[k].node, g->size);
    }
    if (tr.n + buf.n > cap) {
      cap = 2 * (tr.n + buf.n) + 64;
      tr.s = realloc(tr.s, cap * sizeof *tr.s);
      ck_assert_ptr_nonnull(tr.s);
    }
    if (buf.n > 0)
      memcpy(tr.s + tr.n, buf.s, buf.n * sizeof *buf.s);
    tr.n += buf.n;
  }
  ck_assert_uint_eq(in.emitted, tr.n);
  slp__spikebuf_free(&buf);
  slp__input_destroy(&in);
  return tr;
}

/* Spikes of tr in [a, b) ticks. */
static size_t count_in(const train *tr, slp_tick a, slp_tick b) {
  size_t n = 0;
  for (size_t k = 0; k < tr->n; k++)
    n += tr->s[k].t >= a && tr->s[k].t < b;
  return n;
}

/* Every model needs a population; the inputs' lines start at 2. */
#define POP "populations: {n: {size: 1, model: lif}}\n"

static slp_model *load(const char *text) {
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(&m, "inline.yaml", text, strlen(text), &d);
  ck_assert_msg(rc == 0, "load: %s:%u:%u [%s] %s", d.file, d.line, d.column,
                d.key, d.message);
  return m;
}

static const slp__group *named(const slp_model *m, const char *name) {
  uint32_t id;
  ck_assert_int_eq(slp_network_find(m->net, name, &id), 0);
  return &m->net->groups[id];
}

/* |count - mean| < 5 sd. */
static void ck_count(size_t count, double mean, double var, const char *what) {
  ck_assert_msg(fabs((double)count - mean) < 5.0 * sqrt(var) + 1e-9,
                "%s: %zu spikes, expected %g (sd %g)", what, count, mean,
                sqrt(var));
}

/* The path of a file in tests/data. */
static void data_path(char *out, size_t cap, const char *rel) {
  const char *dir = getenv("srcdir");
  snprintf(out, cap, "%s/tests/data/%s", dir && dir[0] ? dir : ".", rel);
}

/* ---------------------------------------------------------------------- */
/* Schedules                                                              */
/* ---------------------------------------------------------------------- */

/* The schedule of tests/data/rate_schedule.csv, written inline. */
#define SCHEDULE "[[0 ms, 5 Hz], [200 ms, 40 Hz], [500 ms, 0 Hz], " \
                 "[700 ms, 100 Hz]]"
static const double seg_ms[5] = {0, 200, 500, 700, 1000};
static const double seg_hz[4] = {5, 40, 0, 100};

/* The count in each segment of a piecewise-constant schedule is Poisson with
 * mean n * rate * length (300 sources: 300, 3600, 0, 9000); the silent
 * segment has none at all.  The same schedule from a CSV file gives the very
 * same spikes, and so does a different window length. */
START_TEST(test_schedule_counts) {
  char path[1024], text[2048];
  data_path(path, sizeof path, "rate_schedule.csv");
  snprintf(text, sizeof text,
           POP "inputs:\n"
           "  a: {type: poisson, size: 300, rate: {schedule: " SCHEDULE "}}\n"
           "  b: {type: poisson, size: 300, rate: {file: '%s'}}\n", path);
  slp_model *m = load(text);
  train a = run_group(named(m, "a"), 9, 1, 1000 * MS, 3 * MS);
  for (int j = 0; j < 4; j++) {
    double mean = 300.0 * seg_hz[j] * (seg_ms[j + 1] - seg_ms[j]) * 1e-3;
    size_t got = count_in(&a, (slp_tick)(seg_ms[j] * MS),
                          (slp_tick)(seg_ms[j + 1] * MS));
    if (mean == 0)
      ck_assert_uint_eq(got, 0);
    else
      ck_count(got, mean, mean, "schedule segment");
  }
  train b = run_group(named(m, "b"), 9, 1, 1000 * MS, 17 * MS);
  ck_assert_uint_eq(a.n, b.n);
  /* Same seed, same node ids: the same spikes, however the run is cut into
   * windows.  The emission order differs (by source within a window), so
   * the trains are compared through an order-free sum of per-spike hashes
   * (and their counts, above). */
  uint64_t ha = 0, hb = 0;
  for (size_t k = 0; k < a.n; k++) {
    ha += ((uint64_t)a.s[k].t * 2654435761u) ^ a.s[k].node;
    hb += ((uint64_t)b.s[k].t * 2654435761u) ^ b.s[k].node;
  }
  ck_assert_uint_eq(ha, hb);
  /* Another seed: other spikes. */
  train c = run_group(named(m, "a"), 10, 1, 1000 * MS, 3 * MS);
  uint64_t hc = 0;
  for (size_t k = 0; k < c.n; k++)
    hc += ((uint64_t)c.s[k].t * 2654435761u) ^ c.s[k].node;
  ck_assert_uint_ne(ha, hc);
  free(a.s);
  free(b.s);
  free(c.s);
  slp_model_destroy(m);
}
END_TEST

/* A schedule that starts late is silent before its first segment. */
START_TEST(test_schedule_late_start) {
  slp_model *m = load(POP "inputs:\n"
                      "  a: {type: poisson, size: 100, rate: {schedule: "
                      "[[50 ms, 200 Hz]]}}\n");
  train a = run_group(named(m, "a"), 1, 1, 100 * MS, 10 * MS);
  ck_assert_uint_eq(count_in(&a, 0, 50 * MS), 0);
  ck_count(a.n, 100 * 200 * 0.05, 100 * 200 * 0.05, "after the start");
  free(a.s);
  slp_model_destroy(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Sinusoid                                                               */
/* ---------------------------------------------------------------------- */

/* rate(t) = 50 + 40 sin(2 pi 5 Hz t + phase).  Over 2 s (10 periods), the
 * count in each tenth of a period, summed over periods, is Poisson with mean
 * n * 10 * integral of the rate over that bin (closed form below). */
START_TEST(test_sinusoid_phase_bins) {
  slp_model *m = load(POP "inputs:\n"
                      "  a: {type: poisson, size: 400, rate: {sinusoid: "
                      "{mean: 50 Hz, amplitude: 40 Hz, frequency: 5 Hz, "
                      "phase: 0.5}}}\n");
  train a = run_group(named(m, "a"), 4, 1, 2000 * MS, 7 * MS);
  const double w = 2 * 3.14159265358979323846 * 5.0, period = 0.2;
  size_t bins[10] = {0};
  for (size_t k = 0; k < a.n; k++) {
    double t = (double)a.s[k].t * 1e-9;
    int b = (int)(fmod(t, period) / period * 10);
    bins[b < 10 ? b : 9]++;
  }
  for (int b = 0; b < 10; b++) {
    double t0 = b * period / 10, t1 = (b + 1) * period / 10;
    double integral = 50.0 * (t1 - t0) -
                      40.0 / w * (cos(w * t1 + 0.5) - cos(w * t0 + 0.5));
    double mean = 400 * 10 * integral;
    ck_count(bins[b], mean, mean, "phase bin");
  }
  free(a.s);
  slp_model_destroy(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Dead time                                                              */
/* ---------------------------------------------------------------------- */

/* 100 Hz with a 2 ms dead time: no interval shorter than 2 ms (less the one
 * tick a spike may be rounded by); the mean rate is the stated one, from the
 * start (the first 20 ms alone) and overall; the intervals minus the dead
 * time have the mean 1/r' = (1 - rate d) / rate = 8 ms of the sped-up
 * exponential.  A renewal count has variance CV^2 * mean with CV^2 =
 * (1 - rate d)^2 = 0.64 asymptotically; the Poisson variance (larger) is
 * used as the band. */
START_TEST(test_dead_time) {
  slp_model *m = load(POP "inputs:\n"
                      "  a: {type: poisson, size: 1000, rate: 100 Hz, "
                      "dead_time: 2 ms}\n");
  train a = run_group(named(m, "a"), 5, 1, 1000 * MS, 10 * MS);
  ck_count(a.n, 1000 * 100.0, 1000 * 100.0, "all");
  double early = 1000 * 100.0 * 0.02;
  ck_count(count_in(&a, 0, 20 * MS), early, early, "first 20 ms");
  slp_tick *last = malloc(1000 * sizeof *last);
  ck_assert_ptr_nonnull(last);
  for (int k = 0; k < 1000; k++)
    last[k] = -1;
  double sum = 0, sum2 = 0;
  size_t n = 0;
  for (size_t k = 0; k < a.n; k++) {
    uint32_t s = a.s[k].node;
    if (last[s] >= 0) {
      slp_tick isi = a.s[k].t - last[s];
      ck_assert_msg(isi >= 2 * MS - 1, "interval %lld ticks", (long long)isi);
      double x = (double)isi / MS - 2.0;
      sum += x;
      sum2 += x * x;
      n++;
    }
    last[s] = a.s[k].t;
  }
  double mean = sum / (double)n;
  /* The excess is exponential: sd 8 ms per interval; 5 sd of the mean. */
  ck_assert_msg(fabs(mean - 8.0) < 5 * 8.0 / sqrt((double)n),
                "mean excess %g ms over %zu intervals", mean, n);
  /* An exponential's second moment is 2 mean^2 (128 ms^2); its own sd is
   * sqrt(24 - 4) 64 = 286 ms^2 per interval. */
  ck_assert_msg(fabs(sum2 / (double)n - 128.0) < 5 * 286.2 / sqrt((double)n),
                "second moment %g", sum2 / (double)n);
  free(last);
  free(a.s);
  slp_model_destroy(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Bernoulli steps (Norse's poisson_encode)                               */
/* ---------------------------------------------------------------------- */

/* Per step and source at most one spike, on the step's start. */
static void ck_steps(const train *tr, uint32_t size, slp_tick dt) {
  slp_tick *last = malloc(size * sizeof *last);
  ck_assert_ptr_nonnull(last);
  for (uint32_t k = 0; k < size; k++)
    last[k] = -1;
  for (size_t k = 0; k < tr->n; k++) {
    ck_assert_msg(tr->s[k].t % dt == 0, "spike at %lld, off the steps",
                  (long long)tr->s[k].t);
    ck_assert_msg(tr->s[k].t > last[tr->s[k].node], "two spikes in a step");
    last[tr->s[k].node] = tr->s[k].t;
  }
  free(last);
}

/* Norse's reference: poisson_encode([0.05, 0.2, 0.5, 0.8, 1.0], 1000,
 * f_max=100, dt=1e-3) (tests/data/poisson_encode.csv, copied from the
 * reference traces).  Torch's generator is not Sleipnir's, so the spikes
 * differ; what must agree is the law: per element a count Binomial(1000, p)
 * with p = f_max dt x.  Both Norse's counts and ours are checked against it,
 * and ours against Norse's (the difference of two independent binomials has
 * twice the variance). */
START_TEST(test_bernoulli_vs_norse) {
  char path[1024];
  data_path(path, sizeof path, "poisson_encode.csv");
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  char line[256];
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
  size_t norse[5] = {0}, steps = 0;
  int step, z[5];
  double t_end;
  while (fscanf(f, "%d,%lf,%d,%d,%d,%d,%d", &step, &t_end, &z[0], &z[1], &z[2],
                &z[3], &z[4]) == 7) {
    ck_assert_int_eq(step, (int)steps);
    for (int k = 0; k < 5; k++) {
      ck_assert(z[k] == 0 || z[k] == 1); /* one spike per step at most */
      norse[k] += (size_t)z[k];
    }
    steps++;
  }
  fclose(f);
  ck_assert_uint_eq(steps, 1000);
  /* 400 copies of the five values, so that our side has the power to see
   * a wrong p; Norse's single copy is checked with its own (wider) band. */
  static char text[16384];
  int at = snprintf(text, sizeof text,
                    POP "inputs:\n  a: {type: poisson, size: 2000, "
                    "discretisation: bernoulli, value: [");
  for (int k = 0; k < 2000; k++)
    at += snprintf(text + at, sizeof text - (size_t)at, "%s%g", k ? "," : "",
                   (double[]){0.05, 0.2, 0.5, 0.8, 1.0}[k % 5]);
  snprintf(text + at, sizeof text - (size_t)at, "]}\n");
  slp_model *m = load(text);
  train a = run_group(named(m, "a"), 1234, 1, 1000 * MS, 5 * MS);
  ck_steps(&a, 2000, MS);
  size_t ours[5] = {0};
  for (size_t k = 0; k < a.n; k++)
    ours[a.s[k].node % 5]++;
  for (int k = 0; k < 5; k++) {
    double p = 0.1 * (double[]){0.05, 0.2, 0.5, 0.8, 1.0}[k];
    double mean = 1000 * p, var = 1000 * p * (1 - p);
    ck_count(norse[k], mean, var, "Norse's count");
    ck_count(ours[k], 400 * mean, 400 * var, "our count");
    double diff = (double)ours[k] / 400.0 - (double)norse[k];
    ck_assert_msg(fabs(diff) < 5 * sqrt(var * (1 + 1.0 / 400)),
                  "value %d: our mean count %g, Norse's %zu", k,
                  (double)ours[k] / 400.0, norse[k]);
  }
  free(a.s);
  slp_model_destroy(m);
}
END_TEST

/* p = rate dt >= 1 spikes at every step (Norse does not clip either: its
 * U < p holds always); p = 0 never. */
START_TEST(test_bernoulli_extremes) {
  slp_model *m = load(POP "inputs:\n"
                      "  a: {type: poisson, size: 3, rate: [2 kHz, 1 kHz, 0 Hz],"
                      " discretisation: bernoulli, dt: 0.5 ms}\n");
  train a = run_group(named(m, "a"), 2, 1, 100 * MS, 3 * MS);
  ck_steps(&a, 3, MS / 2);
  /* Source 0 (p = 1) fires at all 200 steps, 1 (p = 0.5) about half. */
  size_t n0 = 0, n2 = 0;
  for (size_t k = 0; k < a.n; k++) {
    n0 += a.s[k].node == 0;
    n2 += a.s[k].node == 2;
  }
  ck_assert_uint_eq(n0, 200);
  ck_assert_uint_eq(n2, 0);
  ck_count(a.n - n0, 100, 50, "p = 0.5");
  free(a.s);
  slp_model_destroy(m);
}
END_TEST

/* Steps with a schedule and a sinusoid: per step rate(j dt) dt, counts per
 * segment and phase bin Binomial(n * steps, p); signed sources keep their
 * sign. */
START_TEST(test_bernoulli_varying) {
  slp_model *m = load(
      POP "inputs:\n"
      "  a: {type: poisson, size: 200, discretisation: bernoulli, "
      "rate: {schedule: " SCHEDULE "}}\n"
      "  b: {type: poisson, size: 200, discretisation: bernoulli, dt: 2 ms, "
      "rate: {sinusoid: {mean: 100 Hz, amplitude: 100 Hz, frequency: 10 Hz}}}\n"
      "  c: {type: signed_poisson, size: 2, value: [-1, 1], f_max: 300 Hz, "
      "discretisation: bernoulli}\n"
      "  d: {type: population, size: 4, value: 1.0, f_max: 500 Hz, "
      "discretisation: bernoulli, dt: 2 ms}\n"
      "  e: {type: poisson, size: 4, rate: 500 Hz, discretisation: "
      "continuous, dead_time: 0 ms}\n");
  train a = run_group(named(m, "a"), 3, 1, 1000 * MS, 9 * MS);
  ck_steps(&a, 200, MS);
  for (int j = 0; j < 4; j++) {
    double p = seg_hz[j] * 1e-3, n = 200 * (seg_ms[j + 1] - seg_ms[j]);
    size_t got = count_in(&a, (slp_tick)(seg_ms[j] * MS),
                          (slp_tick)(seg_ms[j + 1] * MS));
    ck_count(got, n * p, n * p * (1 - p) + 1e-12, "bernoulli segment");
  }
  /* b: steps of 2 ms at times 0, 2, ..., each with p = 0.2 (1 + sin(2 pi 10
   * t)): step j's phase is j mod 50. */
  train b = run_group(named(m, "b"), 3, 1, 1000 * MS, 9 * MS);
  ck_steps(&b, 200, 2 * MS);
  size_t by_phase[50] = {0};
  for (size_t k = 0; k < b.n; k++)
    by_phase[(b.s[k].t / (2 * MS)) % 50]++;
  for (int j = 0; j < 50; j += 7) {
    double p = 0.2 * (1 + sin(2 * 3.14159265358979323846 * 10 * j * 0.002));
    double n = 200 * 10; /* sources times the 10 periods in 1 s */
    ck_count(by_phase[j], n * p, n * p * (1 - p) + 1e-12, "phase step");
  }
  slp__input in;
  ck_assert_int_eq(slp__input_create(&in, named(m, "c"), 0, 1, 1, 0), 0);
  slp__spikebuf buf = {NULL, 0, 0};
  ck_assert_int_eq(slp__input_emit(&in, 0, 200 * MS, &buf), 0);
  ck_assert_uint_gt(buf.n, 0);
  for (size_t k = 0; k < buf.n; k++)
    ck_assert(buf.s[k].scale == (buf.s[k].node == 0 ? -1.0 : 1.0));
  slp__spikebuf_free(&buf);
  slp__input_destroy(&in);
  /* d: Norse's population code into Bernoulli steps of 2 ms.  Centres 0,
   * 1/3, 2/3, 1 with scale 1: field i fires with p = 500 Hz * 2 ms *
   * exp(-(1 - c_i)^2 / 2) per step, Binomial(500 steps, p). */
  train d = run_group(named(m, "d"), 3, 1, 1000 * MS, 9 * MS);
  ck_steps(&d, 4, 2 * MS);
  for (uint32_t i = 0; i < 4; i++) {
    double c = i / 3.0, p = fmin(1.0, exp(-(1 - c) * (1 - c) / 2));
    size_t got = 0;
    for (size_t k = 0; k < d.n; k++)
      got += d.s[k].node == i;
    ck_count(got, 500 * p, 500 * p * (1 - p) + 1e-12, "population field");
  }
  /* e: the explicit defaults keep the plain process (no process at all). */
  ck_assert_ptr_null(named(m, "e")->process);
  ck_assert_ptr_nonnull(named(m, "d")->process);
  free(d.s);
  free(a.s);
  free(b.s);
  slp_model_destroy(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Bad input                                                              */
/* ---------------------------------------------------------------------- */

/* Each model is refused with the error, key and line given. */
static const struct bad_case {
  const char *text; /* the model, line 3 holds the input */
  int err;          /* the error */
  const char *key;  /* the key path */
} bad_cases[] = {
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: {sinusoid: {mean: 5 Hz, "
     "amplitude: 6 Hz, frequency: 1 Hz}}}\n",
     SLP_ERANGE, "inputs.a.rate.sinusoid.amplitude"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: {sinusoid: {mean: 5 Hz, "
     "frequency: 1 Hz}}}\n",
     SLP_EKEY, "inputs.a.rate.sinusoid.amplitude"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: {schedule: [[0 ms, 5 Hz], "
     "[0 ms, 6 Hz]]}}\n",
     SLP_ERANGE, "inputs.a.rate.schedule[1]"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: {schedule: [[0 ms, -5 "
     "Hz]]}}\n",
     SLP_ERANGE, "inputs.a.rate.schedule[0]"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: {schedule: [5 Hz]}}\n",
     SLP_EPARSE, "inputs.a.rate.schedule[0]"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: {schedule: [[0 ms, 5 Hz]], "
     "sinusoid: {mean: 1 Hz, amplitude: 0 Hz, frequency: 1 Hz}}}\n",
     SLP_EKEY, "inputs.a.rate"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: {schedule: [[0 ms, 5 Hz]]},"
     " dead_time: 1 ms}\n",
     SLP_EKEY, "inputs.a.dead_time"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: 5 Hz, dead_time: 1 ms, "
     "discretisation: bernoulli}\n",
     SLP_EKEY, "inputs.a.dead_time"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: 600 Hz, dead_time: 2 ms}\n",
     SLP_ERANGE, "inputs.a.dead_time"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: 5 Hz, dead_time: -2 ms}\n",
     SLP_ERANGE, "inputs.a.dead_time"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: 5 Hz, dead_time: 2 mV}\n",
     SLP_EUNIT, "inputs.a.dead_time"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: 5 Hz, dt: 2 ms}\n",
     SLP_EKEY, "inputs.a.dt"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: 5 Hz, discretisation: "
     "euler}\n",
     SLP_EINVAL, "inputs.a.discretisation"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: 5 Hz, discretisation: "
     "bernoulli, dt: 0 ms}\n",
     SLP_ERANGE, "inputs.a.dt"},
    {POP "inputs:\n  a: {type: signed_poisson, size: 2, value: 0.5, "
     "dead_time: 1 ms}\n",
     SLP_EKEY, "inputs.a.dead_time"},
    {POP "inputs:\n  a: {type: poisson, size: 2, rate: {file: "
     "no_such_rates.csv}}\n",
     SLP_ENOENT, "inputs.a.rate.file"},
};

START_TEST(test_bad_input) {
  const struct bad_case *c = &bad_cases[_i];
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(&m, "bad.yaml", c->text, strlen(c->text), &d);
  ck_assert_msg(rc == c->err, "case %d: %s (%s) [%s] %s", _i, slp_err_name(rc),
                slp_err_name(c->err), d.key, d.message);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(d.file, "bad.yaml");
  ck_assert_uint_eq(d.line, 3);
  ck_assert_msg(strcmp(d.key, c->key) == 0, "case %d: key %s, want %s", _i,
                d.key, c->key);
  ck_assert(d.message[0] != '\0');
}
END_TEST

/* A rate file whose times go back names the file and the line. */
START_TEST(test_bad_rate_file) {
  char path[1024], text[1400];
  data_path(path, sizeof path, "rate_schedule_unordered.csv");
  snprintf(text, sizeof text,
           POP "inputs:\n  a: {type: poisson, size: 2, rate: {file: '%s'}}\n",
           path);
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(&m, "bad.yaml", text, strlen(text), &d);
  ck_assert_int_eq(rc, SLP_ERANGE);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(d.file, path);
  ck_assert_uint_eq(d.line, 4); /* the CSV's line */
  ck_assert_ptr_nonnull(strstr(d.message, "ascend"));
}
END_TEST

/* The API refuses what the model file cannot express. */
START_TEST(test_api_refused) {
  slp_network *net = NULL;
  ck_assert_int_eq(slp_network_create(&net), 0);
  uint32_t sp, arr;
  double x = 0.5;
  ck_assert_int_eq(
      slp_network_add_signed_poisson(net, "s", 1, &x, 1, 10.0, &sp), 0);
  ck_assert_int_eq(slp_network_add_spike_array(net, "r", 1, NULL, 0, &arr), 0);
  slp_poisson_process p;
  slp_poisson_process_init(&p);
  p.shape = SLP_RATE_SINUSOID;
  p.mean_hz = 1;
  ck_assert_int_eq(slp_network_set_poisson_process(net, sp, &p), SLP_EINVAL);
  ck_assert_int_eq(slp_network_set_poisson_process(net, arr, &p), SLP_EINVAL);
  ck_assert_int_eq(slp_network_set_poisson_process(net, 99, &p), SLP_ENOENT);
  p.shape = SLP_RATE_SCHEDULE;
  ck_assert_int_eq(slp_network_set_poisson_process(net, sp, &p), SLP_EINVAL);
  slp_poisson_process_init(&p);
  p.dt_ms = NAN;
  ck_assert_int_eq(slp_network_set_poisson_process(net, sp, &p), SLP_ERANGE);
  slp_network_destroy(net);
}
END_TEST

static Suite *suite_poisson_process(void) {
  Suite *s = suite_create("poisson_process");
  TCase *tc = tcase_create("continuous");
  tcase_add_test(tc, test_schedule_counts);
  tcase_add_test(tc, test_schedule_late_start);
  tcase_add_test(tc, test_sinusoid_phase_bins);
  tcase_add_test(tc, test_dead_time);
  suite_add_tcase(s, tc);
  tc = tcase_create("bernoulli");
  tcase_add_test(tc, test_bernoulli_vs_norse);
  tcase_add_test(tc, test_bernoulli_extremes);
  tcase_add_test(tc, test_bernoulli_varying);
  suite_add_tcase(s, tc);
  tc = tcase_create("refused");
  tcase_add_loop_test(tc, test_bad_input, 0,
                      (int)(sizeof bad_cases / sizeof bad_cases[0]));
  tcase_add_test(tc, test_bad_rate_file);
  tcase_add_test(tc, test_api_refused);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite_poisson_process());
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
