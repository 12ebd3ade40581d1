/*
 * tests/test_inputs.c -- spike sources and Norse's encoders as exact events.
 *
 * Input groups are described through the public API (or a model file), then
 * driven window by window through the internal slp__input_* functions, so
 * that every spike a source emits -- not only its effect on a neuron -- can
 * be checked: its tick against the closed form computed here, its order,
 * its weight factor.  Norse's own outputs come from tests/data/ (copied from
 * the reference traces; see the comments at each use).
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sleipnir.h"
#include "core/rng.h"
#include "inputs/inputs.h"
#include "network/network.h"

/* One millisecond in ticks. */
#define MS 1000000LL

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */
/* ---------------------------------------------------------------------- */

/* All spikes of a run of one input group, in emission order. */
typedef struct train {
  slp__spike *s; /* spikes */
  size_t n;      /* how many */
} train;

/*
 * Emit group g (its sources numbered from node0) over [0, end) in windows of
 * `window` ticks, checking what the run loop relies on: every spike inside
 * its window, sources in order within a window, each source's spikes in time
 * order.
 */
static train run_group(const slp__group *g, uint32_t node0, uint64_t seed,
                       slp_tick grid, slp_tick end, slp_tick window) {
  slp__input in;
  ck_assert_int_eq(slp__input_create(&in, g, node0, seed, grid, 0), 0);
  slp__spikebuf buf = {NULL, 0, 0};
  train tr = {NULL, 0};
  size_t cap = 0;
  for (slp_tick t0 = 0; t0 < end; t0 += window) {
    slp_tick t1 = t0 + window < end ? t0 + window : end;
    buf.n = 0;
    ck_assert_int_eq(slp__input_emit(&in, t0, t1, &buf), 0);
    for (size_t k = 0; k < buf.n; k++) {
      const slp__spike *s = &buf.s[k];
      ck_assert_msg(s->t >= t0 && s->t < t1, "spike at %lld outside [%lld, "
                    "%lld)", (long long)s->t, (long long)t0, (long long)t1);
      ck_assert_uint_ge(s->node, node0);
      ck_assert_uint_lt(s->node, node0 + g->size);
      if (k > 0) {
        const slp__spike *p = &buf.s[k - 1];
        ck_assert_msg(p->node < s->node || (p->node == s->node && p->t <= s->t),
                      "window [%lld, %lld): (%lld, %u) before (%lld, %u)",
                      (long long)t0, (long long)t1, (long long)p->t, p->node,
                      (long long)s->t, s->node);
      }
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

/* The ticks of source `node` in tr, in order; returns how many. */
static size_t ticks_of(const train *tr, uint32_t node, slp_tick *out,
                       size_t cap) {
  size_t n = 0;
  for (size_t k = 0; k < tr->n; k++)
    if (tr->s[k].node == node) {
      if (n < cap)
        out[n] = tr->s[k].t;
      n++;
    }
  return n;
}

static const slp__group *group_of(const slp_network *net, uint32_t id) {
  return &net->groups[id];
}

/* The first tick at or after x ms, computed from the formula's value. */
static slp_tick tick_ceil(double x_ms) {
  return (slp_tick)ceil(x_ms * 1e6);
}

/* |a - b| <= 1 tick. */
#define ck_assert_tick_near(a, b)                                             \
  ck_assert_msg(llabs((long long)(a) - (long long)(b)) <= 1,                  \
                "tick %lld, want %lld (+-1)", (long long)(a), (long long)(b))

/* A CSV from tests/data: rows of numbers after a header line. */
typedef struct table {
  double *v;     /* rows * cols numbers, row-major */
  size_t rows;   /* data rows */
  size_t cols;   /* columns */
} table;

static table read_table(const char *rel) {
  char path[1024];
  const char *dir = getenv("srcdir");
  snprintf(path, sizeof path, "%s/tests/data/%s", dir && dir[0] ? dir : ".",
           rel);
  FILE *f = fopen(path, "r");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  char line[8192];
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
  table t = {NULL, 0, 1};
  for (char *c = line; *c; c++)
    t.cols += *c == ',';
  size_t cap = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    if (line[0] == '\n' || line[0] == '\0')
      continue;
    if ((t.rows + 1) * t.cols > cap) {
      cap = 2 * (t.rows + 1) * t.cols;
      t.v = realloc(t.v, cap * sizeof *t.v);
      ck_assert_ptr_nonnull(t.v);
    }
    char *p = line;
    for (size_t c = 0; c < t.cols; c++) {
      char *end;
      t.v[t.rows * t.cols + c] = strtod(p, &end);
      ck_assert_msg(end != p, "%s: row %zu column %zu", rel, t.rows, c);
      p = end + (*end == ',');
    }
    t.rows++;
  }
  fclose(f);
  ck_assert_uint_gt(t.rows, 0);
  return t;
}

static slp_network *new_net(void) {
  slp_network *net = NULL;
  ck_assert_int_eq(slp_network_create(&net), 0);
  return net;
}

/* ---------------------------------------------------------------------- */
/* regular                                                                */
/* ---------------------------------------------------------------------- */

/* Source k fires at phase + j / rate_k exactly (to the tick), in exact and
 * grid mode, whatever the window length. */
START_TEST(test_regular_times) {
  static const double rates[] = {100.0, 30.0, 0.0, 7.0, 1237.0};
  const double phase = 0.3; /* ms */
  const double T = 1000.0;  /* ms */
  slp_tick grid = _i == 0 ? 1 : 100000; /* exact, or a 0.1 ms grid */
  slp_network *net = new_net();
  uint32_t id;
  ck_assert_int_eq(slp_network_add_regular(net, "reg", 5, rates, 5, phase, 0.0,
                                           &id), 0);
  train tr = run_group(group_of(net, id), 40, 1, grid, (slp_tick)(T * MS),
                       137 * 1000 + 11);
  static slp_tick got[2000];
  for (uint32_t k = 0; k < 5; k++) {
    size_t n = ticks_of(&tr, 40 + k, got, 2000);
    /* How many nominal times phase + j / r fall before T, each rounded up
     * (to the tick, then to the grid). */
    size_t want = rates[k] > 0 ? (size_t)floor((T - phase) * rates[k] / 1e3) + 1
                               : 0;
    ck_assert_msg(n == want, "source %u: %zu spikes, want %zu", k, n, want);
    for (size_t j = 0; j < n; j++) {
      /* Within a tick of the formula, then up onto the grid. */
      slp_tick x = tick_ceil(phase + (double)j * 1e3 / rates[k]);
      slp_tick lo = (x - 1 + grid - 1) / grid * grid;
      slp_tick hi = (x + 1 + grid - 1) / grid * grid;
      ck_assert_msg(got[j] >= lo && got[j] <= hi, "source %u spike %zu at "
                    "%lld, want %lld (+-1 tick, on the grid)", k, j,
                    (long long)got[j], (long long)x);
      ck_assert_int_eq(got[j] % grid, 0);
    }
  }
  free(tr.s);
  slp_network_destroy(net);
}
END_TEST

/* Phases on whole ticks stay on them: 100 Hz from 1 ms is 1, 11, 21 ms
 * to the nanosecond (no rounding error pushes a spike one tick late). */
START_TEST(test_regular_on_tick) {
  const double rate = 100.0;
  slp_network *net = new_net();
  uint32_t id;
  ck_assert_int_eq(slp_network_add_regular(net, "r", 1, &rate, 1, 1.0, 0.0,
                                           &id), 0);
  train tr = run_group(group_of(net, id), 0, 1, 1, 100 * MS, 100000);
  ck_assert_uint_eq(tr.n, 10);
  for (size_t j = 0; j < tr.n; j++)
    ck_assert_int_eq(tr.s[j].t, (slp_tick)(1 + 10 * j) * MS);
  free(tr.s);
  slp_network_destroy(net);
}
END_TEST

/* Jitter: every spike within [-J/2, J/2] of its nominal time, the
 * displacements uniform (mean 0, variance J^2/12 within 5 sigma), each
 * source's train a function of (seed, node id) only. */
START_TEST(test_regular_jitter) {
  const double rate = 100.0, J = 4.0; /* Hz, ms: period 10 ms */
  const uint32_t n_src = 40;
  const double T = 2000.0;
  slp_network *net = new_net();
  uint32_t big, small;
  ck_assert_int_eq(slp_network_add_regular(net, "big", n_src, &rate, 1, 5.0, J,
                                           &big), 0);
  ck_assert_int_eq(slp_network_add_regular(net, "small", 7, &rate, 1, 5.0, J,
                                           &small), 0);
  train a = run_group(group_of(net, big), 100, 9, 1, (slp_tick)(T * MS),
                      100000);
  double sum = 0, sq = 0;
  size_t count = 0;
  static slp_tick got[400];
  for (uint32_t k = 0; k < n_src; k++) {
    size_t n = ticks_of(&a, 100 + k, got, 400);
    ck_assert_uint_eq(n, 200); /* 5 + 10 j < 2000 - J/2: none lost */
    for (size_t j = 0; j < n; j++) {
      double d = (double)got[j] / 1e6 - (5.0 + 10.0 * (double)j);
      ck_assert_msg(d >= -J / 2 - 1e-6 && d <= J / 2 + 1e-6,
                    "source %u spike %zu displaced by %g ms", k, j, d);
      sum += d;
      sq += d * d;
      count++;
    }
  }
  double mean = sum / (double)count, var = sq / (double)count - mean * mean;
  double sd_mean = J / sqrt(12.0 * (double)count);
  ck_assert_msg(fabs(mean) < 5 * sd_mean, "mean displacement %g ms", mean);
  /* The variance of a sample of N uniforms has sd (J^2/12) * sqrt(0.8 / N)
   * (excess kurtosis -1.2). */
  double v0 = J * J / 12.0, sd_var = v0 * sqrt(0.8 / (double)count);
  ck_assert_msg(fabs(var - v0) < 5 * sd_var, "displacement variance %g, want "
                "%g", var, v0);

  /* The same sources (same node ids, same seed) in a smaller group, with
   * other windows: the same trains. */
  train b = run_group(group_of(net, small), 100, 9, 1, (slp_tick)(T * MS),
                      37 * MS / 10);
  static slp_tick other[400];
  for (uint32_t k = 0; k < 7; k++) {
    size_t n = ticks_of(&a, 100 + k, got, 400);
    ck_assert_uint_eq(ticks_of(&b, 100 + k, other, 400), n);
    ck_assert_int_eq(memcmp(got, other, n * sizeof *got), 0);
  }
  /* Another seed moves them. */
  train c = run_group(group_of(net, small), 100, 10, 1, (slp_tick)(T * MS),
                      100000);
  size_t same = 0;
  for (uint32_t k = 0; k < 7; k++) {
    size_t n = ticks_of(&b, 100 + k, got, 400);
    ck_assert_uint_eq(ticks_of(&c, 100 + k, other, 400), n);
    for (size_t j = 0; j < n; j++)
      same += got[j] == other[j];
  }
  ck_assert_msg(same < b.n / 10, "seed 10 repeats %zu of %zu spikes", same,
                b.n);
  free(a.s);
  free(b.s);
  free(c.s);
  slp_network_destroy(net);
}
END_TEST

/* A jitter longer than the period, a negative rate, a wrong count: refused
 * with the network unchanged. */
START_TEST(test_regular_refused) {
  slp_network *net = new_net();
  double r[2] = {100.0, -1.0};
  ck_assert_int_eq(slp_network_add_regular(net, "a", 1, r, 1, 0.0, 10.5, NULL),
                   SLP_ERANGE);
  ck_assert_int_eq(slp_network_add_regular(net, "a", 2, r, 2, 0.0, 0.0, NULL),
                   SLP_ERANGE);
  ck_assert_int_eq(slp_network_add_regular(net, "a", 3, r, 2, 0.0, 0.0, NULL),
                   SLP_EINVAL);
  ck_assert_int_eq(slp_network_add_regular(net, "a", 1, r, 1, -1.0, 0.0, NULL),
                   SLP_ERANGE);
  ck_assert_uint_eq(slp_network_source_count(net), 0);
  ck_assert_int_eq(slp_network_add_regular(net, "a", 1, r, 1, 0.0, 10.0, NULL),
                   0);
  slp_network_destroy(net);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* constant_current_lif and latency                                       */
/* ---------------------------------------------------------------------- */

/* The currents of Norse's reference run (manifest.json), volts. */
static const double norse_currents[7] = {0.5, 1.05, 1.5, 2.0, 4.0, 8.0, 16.0};

/* Norse defaults (v_leak = v_reset = v_init = 0, v_th = 1 V, 10 ms): the
 * train is periodic with T = tau ln(I / (I - v_th)), first spike at T. */
START_TEST(test_lif_encoder_defaults) {
  slp_lif_encoding enc = _i == 0 ? SLP_ENCODE_CONSTANT_CURRENT
                                 : SLP_ENCODE_LATENCY;
  double mv[7];
  for (int k = 0; k < 7; k++)
    mv[k] = norse_currents[k] * 1000.0;
  slp_network *net = new_net();
  uint32_t id;
  ck_assert_int_eq(slp_network_add_lif_encoder(net, "cc", 7, enc, mv, 7, NULL,
                                               &id), 0);
  train tr = run_group(group_of(net, id), 0, 1, 1, 1000 * MS, 250000);
  static slp_tick got[2000];
  for (uint32_t k = 0; k < 7; k++) {
    size_t n = ticks_of(&tr, k, got, 2000);
    double I = norse_currents[k];
    if (I <= 1.0) {
      ck_assert_uint_eq(n, 0); /* v tends to I <= v_th: never fires */
      continue;
    }
    double T = 10.0 * log(I / (I - 1.0));
    size_t want = enc == SLP_ENCODE_LATENCY ? 1 : (size_t)floor(1000.0 / T);
    ck_assert_msg(n == want, "I = %g: %zu spikes, want %zu", I, n, want);
    for (size_t j = 0; j < n; j++)
      ck_assert_tick_near(got[j], tick_ceil((double)(j + 1) * T));
  }
  free(tr.s);
  slp_network_destroy(net);
}
END_TEST

/* The exact first-spike times Norse's reference script recorded next to its
 * trace (manifest.json, exact_first_spike_time_s), to the tick. */
START_TEST(test_lif_encoder_manifest_times) {
  static const double exact_s[7] = {
      NAN, 0.030445224377234223, 0.010986122886681098, 0.006931471805599453,
      0.0028768207245178086, 0.0013353139262452258, 0.0006453852113757117};
  double mv[7];
  for (int k = 0; k < 7; k++)
    mv[k] = norse_currents[k] * 1000.0;
  slp_network *net = new_net();
  uint32_t id;
  ck_assert_int_eq(slp_network_add_lif_encoder(net, "lat", 7,
                                               SLP_ENCODE_LATENCY, mv, 7, NULL,
                                               &id), 0);
  train tr = run_group(group_of(net, id), 0, 1, 1, 1000 * MS, 1000 * MS);
  ck_assert_uint_eq(tr.n, 6);
  for (uint32_t k = 1; k < 7; k++) {
    slp_tick t;
    ck_assert_uint_eq(ticks_of(&tr, k, &t, 1), 1);
    ck_assert_tick_near(t, tick_ceil(exact_s[k] * 1e3));
  }
  free(tr.s);
  slp_network_destroy(net);
}
END_TEST

/* Other parameters: first spike from v_init, then the period from v_reset,
 * both tau ln((v_inf - v0) / (v_inf - v_th)); v_init above threshold fires at
 * time 0. */
START_TEST(test_lif_encoder_params) {
  slp_lif_encoder_params p;
  slp_lif_encoder_params_init(&p);
  p.tau_mem = 20.0;
  p.v_leak = -70.0;
  p.v_th = -55.0;
  p.v_reset = -75.0;
  p.v_init = -65.0;
  double I[3] = {20.0, 14.0, 30.0}; /* v_inf -50, -56, -40 mV */
  slp_network *net = new_net();
  uint32_t id, hot;
  ck_assert_int_eq(slp_network_add_lif_encoder(
                       net, "p", 3, SLP_ENCODE_CONSTANT_CURRENT, I, 3, &p, &id),
                   0);
  p.v_init = -50.0; /* above v_th */
  ck_assert_int_eq(slp_network_add_lif_encoder(
                       net, "hot", 2, SLP_ENCODE_CONSTANT_CURRENT, I, 2, &p,
                       &hot), 0);
  train tr = run_group(group_of(net, id), 0, 1, 1, 500 * MS, 3 * MS);
  static slp_tick got[200];
  for (uint32_t k = 0; k < 3; k++) {
    double vinf = -70.0 + I[k];
    size_t n = ticks_of(&tr, k, got, 200);
    if (vinf <= -55.0) {
      ck_assert_uint_eq(n, 0);
      continue;
    }
    double t1 = 20.0 * log((vinf + 65.0) / (vinf + 55.0));
    double T = 20.0 * log((vinf + 75.0) / (vinf + 55.0));
    ck_assert_uint_eq(n, (size_t)floor((500.0 - t1) / T) + 1);
    for (size_t j = 0; j < n; j++)
      ck_assert_tick_near(got[j], tick_ceil(t1 + (double)j * T));
  }
  train h = run_group(group_of(net, hot), 10, 1, 1, 500 * MS, 3 * MS);
  ck_assert_uint_eq(ticks_of(&h, 11, got, 200), 1); /* v_inf < v_th: once */
  ck_assert_int_eq(got[0], 0);
  size_t n = ticks_of(&h, 10, got, 200);
  double T = 20.0 * log(25.0 / 5.0);
  ck_assert_uint_eq(n, (size_t)floor(500.0 / T) + 1);
  ck_assert_int_eq(got[0], 0);
  ck_assert_tick_near(got[1], tick_ceil(T));
  free(tr.s);
  free(h.s);
  slp_network_destroy(net);
}
END_TEST

/*
 * Norse's own spikes (constant_current_and_latency_encode.csv: cc_z* and
 * lat_z* for the currents above, dt = 1 ms, 1000 steps).
 *
 * Norse does not step the exact solution: its Euler step
 *     v <- v + h (v_inf - v),   h = dt / tau,
 * is v_inf + (1 - h)(v - v_inf), which is the exact solution over dt of a LIF
 * with the time constant tau' = -dt / ln(1 - h) (9.49 ms for 10 ms).  So
 * Norse's spikes are not the exact times rounded up (for I = 1.05 Norse fires
 * at 29 ms, before the exact 30.45 ms), but those of tau', sampled on the
 * grid, with the reset at the end of the step:
 *   - step n's output z_n is v at the end of the step, time (n + 1) dt since
 *     the start, so the first spike is at the first step n with
 *     (n + 1) dt > t1' (strict: Norse tests v > v_th), n1 = floor(t1' / dt);
 *   - the reset happens at that step's end, so the next spike follows after
 *     the first m steps with m dt > T', M = floor(T' / dt) + 1, and so on.
 * Here the engine supplies t1' and T' (its encoder run with tau'); the
 * prediction of every Norse step then has to match the trace exactly.
 */
START_TEST(test_lif_encoder_vs_norse_trace) {
  table t = read_table("constant_current_and_latency_encode.csv");
  ck_assert_uint_eq(t.cols, 2 + 14);
  ck_assert_uint_eq(t.rows, 1000);
  const double dt = 1.0; /* ms */
  slp_lif_encoder_params p;
  slp_lif_encoder_params_init(&p);
  p.tau_mem = -dt / log1p(-dt / 10.0);
  double mv[7];
  for (int k = 0; k < 7; k++)
    mv[k] = norse_currents[k] * 1000.0;
  slp_network *net = new_net();
  uint32_t id;
  ck_assert_int_eq(slp_network_add_lif_encoder(
                       net, "cc", 7, SLP_ENCODE_CONSTANT_CURRENT, mv, 7, &p,
                       &id), 0);
  train tr = run_group(group_of(net, id), 0, 1, 1, 2000 * MS, 500 * MS);
  static slp_tick got[4000];
  for (uint32_t k = 0; k < 7; k++) {
    size_t n = ticks_of(&tr, k, got, 4000);
    long n1 = -1, M = 0;
    if (n >= 2) {
      double t1 = (double)got[0] / 1e6, T = (double)(got[1] - got[0]) / 1e6;
      n1 = (long)floor(t1 / dt);
      M = (long)floor(T / dt) + 1;
    }
    long first_lat = -1, count = 0;
    for (size_t r = 0; r < t.rows; r++) {
      long step = (long)t.v[r * t.cols];
      int cc = t.v[r * t.cols + 2 + k] != 0;
      int lat = t.v[r * t.cols + 9 + k] != 0;
      int want = n1 >= 0 && step >= n1 && (step - n1) % M == 0;
      ck_assert_msg(cc == want, "I = %g, step %ld: Norse %d, predicted %d "
                    "(n1 %ld, M %ld)", norse_currents[k], step, cc, want, n1,
                    M);
      count += cc;
      if (lat) {
        ck_assert_msg(first_lat < 0, "two latency spikes");
        first_lat = step;
      }
    }
    /* The latency encoder keeps exactly the first of those spikes. */
    ck_assert_int_eq(first_lat, n1);
    if (n1 < 0)
      ck_assert_int_eq(count, 0);
  }
  free(tr.s);
  free(t.v);
  slp_network_destroy(net);
}
END_TEST

START_TEST(test_lif_encoder_refused) {
  slp_network *net = new_net();
  slp_lif_encoder_params p;
  slp_lif_encoder_params_init(&p);
  double I = 1500.0;
  p.v_reset = p.v_th;
  ck_assert_int_eq(slp_network_add_lif_encoder(
                       net, "x", 1, SLP_ENCODE_LATENCY, &I, 1, &p, NULL),
                   SLP_ERANGE);
  slp_lif_encoder_params_init(&p);
  p.tau_mem = 0.0;
  ck_assert_int_eq(slp_network_add_lif_encoder(
                       net, "x", 1, SLP_ENCODE_LATENCY, &I, 1, &p, NULL),
                   SLP_ERANGE);
  ck_assert_int_eq(slp_network_add_lif_encoder(
                       net, "x", 2, SLP_ENCODE_LATENCY, &I, 3, NULL, NULL),
                   SLP_EINVAL);
  ck_assert_int_eq(slp_network_add_lif_encoder(net, "x", 1,
                                               (slp_lif_encoding)7, &I, 1,
                                               NULL, NULL),
                   SLP_EINVAL);
  ck_assert_uint_eq(slp_network_source_count(net), 0);
  slp_network_destroy(net);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* poisson from value and f_max, signed_poisson                          */
/* ---------------------------------------------------------------------- */

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

/* |count - mean| within 5 sigma of a Poisson count. */
static void ck_poisson_count(size_t count, double mean, const char *what) {
  ck_assert_msg(fabs((double)count - mean) < 5 * sqrt(mean),
                "%s: %zu spikes, Poisson mean %g", what, count, mean);
}

/* rate = f_max * value, f_max defaulting to Norse's 100 Hz; the counts of
 * the resulting sources are Poisson with that mean. */
START_TEST(test_poisson_value) {
  slp_model *m = load(
      "populations: {n: {size: 1, model: lif}}\n"
      "inputs:\n"
      "  a: {type: poisson, size: 5, value: [0.05, 0.2, 0.5, 0.8, 1.0]}\n"
      "  b: {type: poisson, size: 300, value: 0.25, f_max: 2 kHz}\n");
  const slp__group *a = named(m, "a"), *b = named(m, "b");
  static const double want[5] = {5.0, 20.0, 50.0, 80.0, 100.0};
  ck_assert_ptr_nonnull(a->rates);
  for (int k = 0; k < 5; k++)
    ck_assert_double_eq_tol(a->rates[k], want[k], 1e-12);
  ck_assert_ptr_nonnull(b->rates);
  ck_assert_double_eq_tol(b->rates[299], 500.0, 1e-12);
  /* 300 sources at 500 Hz for 2 s: 300000 spikes expected. */
  train tr = run_group(b, 1, 3, 1, 2000 * MS, 100000);
  ck_poisson_count(tr.n, 300.0 * 500.0 * 2.0, "b");
  /* Each source on its own: 1000 expected. */
  static slp_tick got[4000];
  for (uint32_t k = 0; k < 300; k += 37)
    ck_poisson_count(ticks_of(&tr, 1 + k, got, 4000), 1000.0, "one source");
  free(tr.s);
  slp_model_destroy(m);
}
END_TEST

/* The intervals of Poisson sources in exact mode: exponential variates (a
 * ziggurat, core/rng.c).  1e7 draws against the distribution: a chi-square
 * over 1000 bins of equal probability (mean 999, sd 44.7; bound at 6 sd),
 * the mass beyond the ziggurat's base strip R and far in the tail (each a
 * Poisson count within 5 sd), the mean beyond R, which must be R + 1 (the
 * tail's own draw), and the mean (each within 5 sd). */
START_TEST(test_exponential_variates) {
  enum { BINS = 1000 };
  const size_t n = 10000000;
  const double r_edge = 7.697117470131487; /* the base strip's edge */
  static size_t bin[BINS];
  memset(bin, 0, sizeof bin);
  size_t beyond_r = 0, beyond_12 = 0, bad = 0;
  double sum = 0, excess = 0;
  slp__rng r;
  for (size_t k = 0; k < n; k++) {
    if (k % 1000000 == 0) /* a few streams */
      slp__rng_init(&r, 99, SLP__RNG_SPIKES, k / 1000000, 0);
    double x = slp__rng_exponential(&r);
    bad += !(x >= 0 && isfinite(x)); /* no assertion per draw: Check
                                        reports each through a pipe */
    sum += x;
    beyond_r += x > r_edge;
    excess += x > r_edge ? x - r_edge : 0.0;
    beyond_12 += x > 12.0;
    size_t b = (size_t)((1.0 - exp(-x)) * BINS);
    bin[b < BINS ? b : BINS - 1]++;
  }
  ck_assert_uint_eq(bad, 0);
  double chi2 = 0, expect = (double)n / BINS;
  for (int b = 0; b < BINS; b++)
    chi2 += ((double)bin[b] - expect) * ((double)bin[b] - expect) / expect;
  ck_assert_msg(chi2 < 999.0 + 6 * 44.7, "chi-square %.1f over %d bins",
                chi2, BINS);
  ck_poisson_count(beyond_r, (double)n * exp(-r_edge), "beyond R");
  ck_poisson_count(beyond_12, (double)n * exp(-12.0), "beyond 12");
  ck_assert_double_eq_tol(excess / (double)beyond_r, 1.0,
                          5.0 / sqrt((double)beyond_r));
  ck_assert_double_eq_tol(sum / (double)n, 1.0, 5.0 / sqrt((double)n));
}
END_TEST

/* signed_poisson: Poisson at f_max |x| with the sign of x on every spike.
 * Its spikes are those of a plain Poisson source of the same rate and node
 * (the same stream), so the only difference is the weight factor. */
START_TEST(test_signed_poisson_spikes) {
  slp_model *m = load(
      "populations: {n: {size: 1, model: lif}}\n"
      "inputs:\n"
      "  s: {type: signed_poisson, size: 4, value: [-0.5, 0.8, 0, 0.5],\n"
      "      f_max: 400 Hz}\n"
      "  p: {type: poisson, size: 4, value: 0.5, f_max: 400 Hz}\n");
  const slp__group *s = named(m, "s"), *p = named(m, "p");
  train ts = run_group(s, 7, 5, 1, 3000 * MS, 100000);
  train tp = run_group(p, 7, 5, 1, 3000 * MS, 100000);
  static slp_tick a[3000], b[3000];
  static const double sign[4] = {-1.0, 1.0, 0.0, 1.0};
  for (size_t k = 0; k < ts.n; k++)
    ck_assert_msg(ts.s[k].scale == sign[ts.s[k].node - 7], "node %u: weight "
                  "factor %g", ts.s[k].node, (double)ts.s[k].scale);
  ck_poisson_count(ticks_of(&ts, 7, a, 3000), 200.0 * 3.0, "x = -0.5");
  ck_poisson_count(ticks_of(&ts, 8, a, 3000), 320.0 * 3.0, "x = 0.8");
  ck_assert_uint_eq(ticks_of(&ts, 9, a, 3000), 0);
  /* x = -0.5 and 0.5 at node 7 and 10: the times of plain Poisson sources at
   * 200 Hz on the same nodes. */
  for (uint32_t node = 7; node <= 10; node += 3) {
    size_t n = ticks_of(&ts, node, a, 3000);
    ck_assert_uint_eq(ticks_of(&tp, node, b, 3000), n);
    ck_assert_int_eq(memcmp(a, b, n * sizeof *a), 0);
  }
  /* Same seed, same spikes (in other windows); another seed, others. */
  train again = run_group(s, 7, 5, 1, 3000 * MS, 3 * MS);
  train other = run_group(s, 7, 6, 1, 3000 * MS, 100000);
  ck_assert_uint_eq(again.n, ts.n);
  for (uint32_t node = 7; node < 11; node++) {
    size_t n = ticks_of(&ts, node, a, 3000);
    ck_assert_uint_eq(ticks_of(&again, node, b, 3000), n);
    ck_assert_int_eq(memcmp(a, b, n * sizeof *a), 0);
    size_t n6 = ticks_of(&other, node, b, 3000);
    if (n > 0)
      ck_assert_msg(n6 != n || memcmp(a, b, n * sizeof *a) != 0,
                    "seed 6 gave source %u the spikes of seed 5", node);
  }
  free(ts.s);
  free(tp.s);
  free(again.s);
  free(other.s);
  slp_model_destroy(m);
}
END_TEST

/* Spikes of neuron 0 in a run of the model text. */
static void count_spike(void *arg, slp_tick t, uint32_t neuron) {
  (void)t;
  if (neuron == 0)
    ++*(uint64_t *)arg;
}

static uint64_t neuron_spikes(const char *text) {
  slp_model *m = load(text);
  slp_sim *sim = NULL;
  slp_diag d;
  ck_assert_msg(slp_sim_create(&sim, m->net, &m->cfg, &d) == 0, "%s",
                d.message);
  uint64_t n = 0;
  slp_sim_on_spike(sim, count_spike, &n);
  ck_assert_int_eq(slp_sim_run(sim, (slp_tick)llround(m->cfg.time_ms * 1e6),
                               NULL, NULL), 0);
  slp_sim_destroy(sim);
  slp_model_destroy(m);
  return n;
}

/* The sign reaches the synapse: a LIF driven through an excitatory weight by
 * x = +1 fires (its mean current, 1 kHz * 300 mV * 5 ms, is well above
 * threshold); by x = -1 the same spikes push v below rest and it never
 * fires. */
START_TEST(test_signed_poisson_drives) {
#define SIGNED_MODEL(x)                                                        \
  "simulation: {time: 200 ms, seed: 3}\n"                                      \
  "populations: {n: {size: 1, model: lif}}\n"                                  \
  "inputs: {s: {type: signed_poisson, size: 1, value: " x ", f_max: 1 kHz}}\n" \
  "projections:\n"                                                             \
  "  - {from: s, to: n, connect: all_to_all, weight: 300 mV, delay: 1 ms}\n"
  ck_assert_uint_gt(neuron_spikes(SIGNED_MODEL("1.0")), 10);
  ck_assert_uint_eq(neuron_spikes(SIGNED_MODEL("-1.0")), 0);
#undef SIGNED_MODEL
}
END_TEST

/* ---------------------------------------------------------------------- */
/* population                                                             */
/* ---------------------------------------------------------------------- */

/* population_encode(x, 8) with Norse's default scale (max x = 1): the rates
 * are f_max times Norse's outputs (population_encode_default_scale.csv). */
START_TEST(test_population_vs_norse) {
  table t = read_table("population_encode_default_scale.csv");
  ck_assert_uint_eq(t.cols, 9);
  double x[16];
  ck_assert_uint_le(t.rows, 16);
  for (size_t r = 0; r < t.rows; r++)
    x[r] = t.v[r * t.cols];
  slp_network *net = new_net();
  uint32_t id;
  ck_assert_int_eq(slp_network_add_population_encoder(net, "pc", 8, x, t.rows,
                                                      NAN, 250.0, &id), 0);
  const slp__group *g = group_of(net, id);
  ck_assert_uint_eq(g->size, t.rows * 8);
  for (size_t r = 0; r < t.rows; r++)
    for (size_t i = 0; i < 8; i++)
      ck_assert_msg(fabs(g->rates[r * 8 + i] / 250.0 - t.v[r * t.cols + 1 + i])
                        <= 1e-15,
                    "x = %g field %zu: %.17g, Norse %.17g", x[r], i,
                    g->rates[r * 8 + i] / 250.0, t.v[r * t.cols + 1 + i]);
  free(t.v);
  slp_network_destroy(net);
}
END_TEST

/* An explicit scale, and the default on a single value (scale = x): the
 * formula exp(-scale (x - c_i)^2 / 2) with c_i = i scale / (n - 1); the
 * sources then fire at those rates. */
START_TEST(test_population_scale) {
  slp_model *m = load(
      "populations: {n: {size: 1, model: lif}}\n"
      "inputs:\n"
      "  a: {type: population, size: 5, value: [0.3, 1.7], scale: 2}\n"
      "  b: {type: population, size: 4, value: 0.6, f_max: 1 kHz}\n");
  const slp__group *a = named(m, "a"), *b = named(m, "b");
  ck_assert_uint_eq(a->size, 10);
  ck_assert_uint_eq(b->size, 4);
  static const double xa[2] = {0.3, 1.7};
  for (int j = 0; j < 2; j++)
    for (int i = 0; i < 5; i++) {
      double c = 2.0 * i / 4.0, d = xa[j] - c;
      ck_assert_double_eq_tol(a->rates[j * 5 + i], 100.0 * exp(-d * d),
                              1e-12);
    }
  for (int i = 0; i < 4; i++) {
    double c = 0.6 * i / 3.0, d = 0.6 - c;
    ck_assert_double_eq_tol(b->rates[i], 1000.0 * exp(-0.6 * d * d / 2),
                            1e-9);
  }
  train tr = run_group(b, 0, 2, 1, 2000 * MS, 100000);
  static slp_tick got[4000];
  for (uint32_t i = 0; i < 4; i++)
    ck_poisson_count(ticks_of(&tr, i, got, 4000), b->rates[i] * 2.0, "field");
  free(tr.s);
  slp_model_destroy(m);
}
END_TEST

START_TEST(test_population_refused) {
  slp_network *net = new_net();
  double x[2] = {0.1, 0.9};
  ck_assert_int_eq(slp_network_add_population_encoder(net, "p", 4, x, 2, 0.0,
                                                      100.0, NULL),
                   SLP_ERANGE);
  ck_assert_int_eq(slp_network_add_population_encoder(net, "p", 4, x, 2, NAN,
                                                      -1.0, NULL),
                   SLP_ERANGE);
  ck_assert_int_eq(slp_network_add_population_encoder(net, "p", 0, x, 2, NAN,
                                                      100.0, NULL),
                   SLP_EINVAL);
  ck_assert_int_eq(slp_network_add_population_encoder(
                       net, "p", 2147483648u, x, 2, NAN, 100.0, NULL),
                   SLP_ELIMIT);
  ck_assert_uint_eq(slp_network_source_count(net), 0);
  slp_network_destroy(net);
}
END_TEST

/* ---------------------------------------------------------------------- */

static Suite *suite_inputs(void) {
  Suite *s = suite_create("inputs");
  TCase *tc = tcase_create("regular");
  tcase_add_loop_test(tc, test_regular_times, 0, 2);
  tcase_add_test(tc, test_regular_on_tick);
  tcase_add_test(tc, test_regular_jitter);
  tcase_add_test(tc, test_regular_refused);
  suite_add_tcase(s, tc);
  tc = tcase_create("lif_encoders");
  tcase_add_loop_test(tc, test_lif_encoder_defaults, 0, 2);
  tcase_add_test(tc, test_lif_encoder_manifest_times);
  tcase_add_test(tc, test_lif_encoder_params);
  tcase_add_test(tc, test_lif_encoder_vs_norse_trace);
  tcase_add_test(tc, test_lif_encoder_refused);
  suite_add_tcase(s, tc);
  tc = tcase_create("poisson");
  tcase_add_test(tc, test_poisson_value);
  tcase_add_test(tc, test_exponential_variates);
  tcase_add_test(tc, test_signed_poisson_spikes);
  tcase_add_test(tc, test_signed_poisson_drives);
  suite_add_tcase(s, tc);
  tc = tcase_create("population");
  tcase_add_test(tc, test_population_vs_norse);
  tcase_add_test(tc, test_population_scale);
  tcase_add_test(tc, test_population_refused);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite_inputs());
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
