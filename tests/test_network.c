/*
 * tests/test_network.c -- whole networks: the CUBA and Brunel benchmarks'
 * statistics, determinism, and the event accounting invariant.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sleipnir.h"
#include "network/sim.h"

/* What a run produced: spikes per neuron (times) and a hash of the list. */
typedef struct record {
  uint32_t n;          /* neurons */
  uint64_t count;      /* spikes */
  uint64_t hash;       /* FNV-1a over (tick, neuron) in order */
  slp_tick *last;      /* per neuron: last spike tick */
  double *isi_sum;     /* per neuron: sum of ISIs (ms) */
  double *isi_sq;      /* per neuron: sum of squared ISIs */
  uint32_t *isi_n;     /* per neuron: number of ISIs */
  uint64_t *spikes;    /* per neuron: spikes */
  uint64_t bins[4096]; /* population spike count per 1 ms */
} record;

static void on_spike(void *arg, slp_tick t, uint32_t neuron) {
  record *r = arg;
  r->count++;
  const unsigned char *p = (const unsigned char *)&t;
  for (size_t k = 0; k < sizeof t; k++)
    r->hash = (r->hash ^ p[k]) * 1099511628211ULL;
  p = (const unsigned char *)&neuron;
  for (size_t k = 0; k < sizeof neuron; k++)
    r->hash = (r->hash ^ p[k]) * 1099511628211ULL;
  if (r->last[neuron] >= 0) {
    double isi = (double)(t - r->last[neuron]) * 1e-6;
    r->isi_sum[neuron] += isi;
    r->isi_sq[neuron] += isi * isi;
    r->isi_n[neuron]++;
  }
  r->last[neuron] = t;
  r->spikes[neuron]++;
  if (t / 1000000 < 4096)
    r->bins[t / 1000000]++;
}

static void record_init(record *r, uint32_t n) {
  memset(r, 0, sizeof *r);
  r->n = n;
  r->hash = 1469598103934665603ULL;
  r->last = malloc(n * sizeof *r->last);
  r->isi_sum = calloc(n, sizeof *r->isi_sum);
  r->isi_sq = calloc(n, sizeof *r->isi_sq);
  r->isi_n = calloc(n, sizeof *r->isi_n);
  r->spikes = calloc(n, sizeof *r->spikes);
  for (uint32_t k = 0; k < n; k++)
    r->last[k] = -1;
}

static void record_free(record *r) {
  free(r->last);
  free(r->isi_sum);
  free(r->isi_sq);
  free(r->isi_n);
  free(r->spikes);
}

/* Mean CV of the ISIs over neurons with at least 5 intervals. */
static double mean_cv(const record *r) {
  double sum = 0;
  unsigned used = 0;
  for (uint32_t k = 0; k < r->n; k++) {
    if (r->isi_n[k] < 5)
      continue;
    double m = r->isi_sum[k] / r->isi_n[k];
    double var = r->isi_sq[k] / r->isi_n[k] - m * m;
    sum += sqrt(var > 0 ? var : 0) / m;
    used++;
  }
  return used ? sum / used : (double)NAN;
}

/* Load a model (file, or the built-in one when path is NULL) and run it. */
static slp_sim *run_model(const char *path, double time_ms, uint64_t seed,
                          slp_mode mode, record *rec) {
  slp_model *m = NULL;
  slp_diag d;
  int rc;
  if (path == NULL) {
    const char *text = slp_model_default_text();
    rc = slp_model_load(&m, "built-in", text, strlen(text), &d);
  } else {
    char full[1024];
    const char *srcdir = getenv("srcdir");
    snprintf(full, sizeof full, "%s/%s", srcdir ? srcdir : ".", path);
    rc = slp_model_load(&m, full, NULL, 0, &d);
  }
  ck_assert_msg(rc == 0, "load: %s", d.message);
  m->cfg.time_ms = time_ms;
  m->cfg.seed = seed;
  m->cfg.mode = mode;
  m->cfg.spikes_path = NULL;
  slp_sim *sim = NULL;
  rc = slp_sim_create(&sim, m->net, &m->cfg, &d);
  ck_assert_msg(rc == 0, "create: %s", d.message);
  record_init(rec, (uint32_t)slp_network_neuron_count(m->net));
  slp_sim_on_spike(sim, on_spike, rec);
  ck_assert_int_eq(slp_sim_run(sim, (slp_tick)llround(time_ms * 1e6), NULL,
                               NULL), 0);
  slp_model_destroy(m);
  return sim;
}

/* Brette et al. 2007 CUBA: irregular firing at about 5-6 Hz. */
START_TEST(test_cuba_statistics) {
  record r;
  slp_sim *sim = run_model(NULL, 2000.0, 1, SLP_MODE_EXACT, &r);
  double rate = (double)r.count / 4000.0 / 2.0;
  double cv = mean_cv(&r);
  ck_assert_msg(rate > 5.0 && rate < 6.0, "CUBA rate %.3f Hz", rate);
  /* Irregular (fluctuation-driven) firing: ISI CV well above that of a
   * clock (0) and of the same order as a Poisson process (1). */
  ck_assert_msg(cv > 0.4 && cv < 1.5, "CUBA mean CV %.3f", cv);
  slp_sim_destroy(sim);
  record_free(&r);
}
END_TEST

/* Same seed, same spikes; another seed, other spikes; in both modes. */
START_TEST(test_determinism) {
  slp_mode mode = _i == 0 ? SLP_MODE_EXACT : SLP_MODE_GRID;
  record a, b, c;
  slp_sim *sa = run_model(NULL, 300.0, 7, mode, &a);
  slp_sim *sb = run_model(NULL, 300.0, 7, mode, &b);
  slp_sim *sc = run_model(NULL, 300.0, 8, mode, &c);
  ck_assert_uint_gt(a.count, 1000);
  ck_assert_uint_eq(a.count, b.count);
  ck_assert_uint_eq(a.hash, b.hash);
  ck_assert_uint_ne(a.hash, c.hash);
  slp_sim_destroy(sa);
  slp_sim_destroy(sb);
  slp_sim_destroy(sc);
  record_free(&a);
  record_free(&b);
  record_free(&c);
}
END_TEST

/* Every spike delivers through its whole CSR row: synaptic events equal
 * the sum of the out-degrees of the spikes whose arrival fell before the
 * last processed window's end; nothing is left in the queue that is due. */
START_TEST(test_event_accounting) {
  record r;
  slp_sim *sim = run_model(NULL, 200.0, 3, SLP_MODE_EXACT, &r);
  slp_sim_stats st;
  slp_sim_get_stats(sim, &st);
  /* Recount from the recorded per-neuron spike counts: in CUBA every delay
   * is 0.1 ms = one window, so spikes of the last window are still pending.
   * Each partition holds the synapses onto its neurons. */
  uint64_t expect = 0, pending_events = 0;
  for (uint32_t j = 0; j < sim->n_parts; j++) {
    slp__part *pt = &sim->parts[j];
    const slp__csr *c = &pt->csr;
    for (uint32_t k = 0; k < r.n; k++)
      expect += r.spikes[k] * (c->seg_start[c->row_seg[k + 1]] -
                               c->seg_start[c->row_seg[k]]);
    slp__evbuf *b;
    ck_assert_int_eq(slp__ring_take(&pt->ring, &b), 0);
    for (size_t k = 0; k < b->n; k++)
      pending_events +=
          c->seg_start[b->ev[k].seg + 1] - c->seg_start[b->ev[k].seg];
    ck_assert_uint_eq(slp__ring_pending(&pt->ring), 0);
  }
  ck_assert_uint_eq(st.synaptic_events + pending_events, expect);
  slp_sim_destroy(sim);
  record_free(&r);
}
END_TEST

/* Coefficient of variation of the population count in 1 ms bins over
 * [from, to) ms. */
static double population_cv(const record *r, int from, int to) {
  double s = 0, sq = 0;
  for (int k = from; k < to; k++) {
    s += (double)r->bins[k];
    sq += (double)r->bins[k] * (double)r->bins[k];
  }
  double m = s / (to - from), var = sq / (to - from) - m * m;
  return sqrt(var > 0 ? var : 0) / m;
}

/* Brunel 2000 model A at g = 5, eta = 2: the asynchronous state at about
 * 30 Hz (grid mode, 0.1 ms). */
START_TEST(test_brunel_ai) {
  record r;
  slp_sim *sim = run_model("examples/brunel.yaml", 300.0, 1, SLP_MODE_GRID, &r);
  double rate = (double)r.count / 12500.0 / 0.3;
  double cv = mean_cv(&r);
  ck_assert_msg(rate > 20.0 && rate < 45.0, "Brunel rate %.2f Hz", rate);
  /* Asynchronous: independent neurons at ~30 Hz put ~400 spikes in a 1 ms
   * bin, a count CV of 1/sqrt(400) = 0.05; a synchronous state (Brunel's SR)
   * has near-silent troughs and a CV of order 1.  0.5 separates the two
   * with room for the finite-size correlations of an AI network. */
  double pcv = population_cv(&r, 50, 300);
  ck_assert_msg(pcv < 0.5, "Brunel population CV %.3f: synchronous", pcv);
  fprintf(stderr, "# Brunel: %.2f Hz, ISI CV %.3f, population CV %.3f\n",
          rate, cv, pcv);
  slp_sim_destroy(sim);
  record_free(&r);
}
END_TEST

/* A small Brunel-like network, in parts: its populations, its external
 * drive's synapses, and its recurrent projections. */
#define SMALL_BRUNEL_POPS \
    "populations:\n" \
    "  exc: {size: 400, model: lif_box, params: {tau_mem: 20 ms, v_th: 20 mV," \
    " v_reset: 10 mV, t_ref: 2 ms}, init: {v: {uniform: [0 mV, 20 mV]}}}\n" \
    "  inh: {size: 100, model: lif_box, params: {tau_mem: 20 ms, v_th: 20 mV," \
    " v_reset: 10 mV, t_ref: 2 ms}, init: {v: {uniform: [0 mV, 20 mV]}}}\n"
#define SMALL_BRUNEL_EXT_SYNAPSES \
    "  - {from: ext, to: [exc, inh], connect: one_to_one, weight: 0.2 mV," \
    " delay: 1.5 ms}\n"
#define SMALL_BRUNEL_RECURRENT \
    "  - {from: exc, to: [exc, inh], connect: {fixed_indegree: 40}," \
    " weight: 0.2 mV, delay: 1.5 ms}\n" \
    "  - {from: inh, to: [exc, inh], connect: {fixed_indegree: 10}," \
    " weight: -1.0 mV, delay: 0.5 ms}\n"

/* Its external drive is delivered directly (no queue), unless
 * slp__direct_disabled. */
#define SMALL_BRUNEL_BODY \
    SMALL_BRUNEL_POPS \
    "inputs:\n" \
    "  ext: {type: poisson, size: 500, rate: 25 kHz}\n" \
    "  quiet: {type: poisson, size: 500, rate: 3 kHz}\n" \
    "projections:\n" \
    SMALL_BRUNEL_EXT_SYNAPSES \
    "  - {from: quiet, to: [exc, inh], connect: one_to_one, weight: -0.1 mV," \
    " delay: 0.7 ms}\n" \
    SMALL_BRUNEL_RECURRENT

/* The same with the external drive alone: in exact mode its targets take
 * its spikes themselves (inputs/drive.h). */
#define SMALL_BRUNEL_ONE_DRIVE \
    SMALL_BRUNEL_POPS \
    "inputs:\n" \
    "  ext: {type: poisson, size: 500, rate: 22 kHz}\n" \
    "projections:\n" \
    SMALL_BRUNEL_EXT_SYNAPSES \
    SMALL_BRUNEL_RECURRENT

/* As SMALL_BRUNEL_BODY, its second input quiet: 200 Hz, a tenth of a spike
 * per window, so that its sources wait in a wheel (direct.h). */
#define SMALL_BRUNEL_QUIET \
    SMALL_BRUNEL_POPS \
    "inputs:\n" \
    "  ext: {type: poisson, size: 500, rate: 25 kHz}\n" \
    "  quiet: {type: poisson, size: 500, rate: 200 Hz}\n" \
    "projections:\n" \
    SMALL_BRUNEL_EXT_SYNAPSES \
    "  - {from: quiet, to: [exc, inh], connect: one_to_one, weight: 3 mV," \
    " delay: 0.7 ms}\n" \
    SMALL_BRUNEL_RECURRENT

static const char *const small_brunel[] = {
    "simulation: {time: 200 ms, seed: 5, mode: grid, dt: 0.1 ms}\n"
    SMALL_BRUNEL_BODY,
    "simulation: {time: 200 ms, seed: 5, mode: exact}\n" SMALL_BRUNEL_BODY,
    "simulation: {time: 200 ms, seed: 5, mode: exact}\n"
    SMALL_BRUNEL_ONE_DRIVE,
    "simulation: {time: 200 ms, seed: 5, mode: exact}\n" SMALL_BRUNEL_QUIET,
    "simulation: {time: 200 ms, seed: 5, mode: grid, dt: 0.1 ms}\n"
    SMALL_BRUNEL_ONE_DRIVE};

static slp_sim *run_text(const char *text, record *rec) {
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(&m, "small_brunel", text, strlen(text), &d);
  ck_assert_msg(rc == 0, "load: %s", d.message);
  slp_sim *sim = NULL;
  rc = slp_sim_create(&sim, m->net, &m->cfg, &d);
  ck_assert_msg(rc == 0, "create: %s", d.message);
  record_init(rec, (uint32_t)slp_network_neuron_count(m->net));
  slp_sim_on_spike(sim, on_spike, rec);
  ck_assert_int_eq(slp_sim_run(sim, (slp_tick)llround(m->cfg.time_ms * 1e6),
                               NULL, NULL), 0);
  slp_model_destroy(m);
  return sim;
}

/* Inputs delivered directly give exactly the spikes of the queued path:
 * the same streams, consumed in the same order, delivered in the canonical
 * order -- here with two direct inputs of different delays, interleaved
 * with recurrent spikes of several delays; _i: grid mode (counts per
 * step), exact mode (spike by spike, merged), exact mode with one drive
 * (taken by its targets), exact mode with a quiet input (its sources in a
 * wheel by their next spike), and grid mode with one drive (its counts
 * drawn by its targets as they take each step). */
/* Input groups delivered directly. */
static size_t n_direct(const slp_sim *sim) {
  size_t n = 0;
  for (size_t k = 0; k < sim->n_inputs; k++)
    n += sim->inputs[k].direct != 0;
  return n;
}

START_TEST(test_direct_equals_queued) {
  record a, b;
  slp_sim *sa = run_text(small_brunel[_i], &a);
  /* the shortcut was really taken */
  int pulled = _i == 2 || _i == 4;
  ck_assert_uint_eq(n_direct(sa), _i == 2 || _i == 4 ? 1 : 2);
  for (size_t p = 0; p < sa->n_pops; p++) /* taken by the targets or not */
    ck_assert((sa->parts[0].pops[p].drive != NULL) == pulled);
  if (_i == 3) { /* the busy input looked at every window, the quiet one
                    from its wheel */
    ck_assert_int_eq(sa->parts[0].direct[0].wheeled, 0);
    ck_assert_int_eq(sa->parts[0].direct[1].wheeled, 1);
  }
  slp__direct_disabled = 1;
  slp_sim *sb = run_text(small_brunel[_i], &b);
  slp__direct_disabled = 0;
  ck_assert_uint_eq(n_direct(sb), 0);
  ck_assert_uint_gt(a.count, 1000);
  ck_assert_uint_eq(a.count, b.count);
  ck_assert_uint_eq(a.hash, b.hash);
  slp_sim_stats x, y;
  slp_sim_get_stats(sa, &x);
  slp_sim_get_stats(sb, &y);
  ck_assert_uint_eq(x.synaptic_events, y.synaptic_events);
  slp_sim_destroy(sa);
  slp_sim_destroy(sb);
  record_free(&a);
  record_free(&b);
}
END_TEST

/* Quiet Poisson sources wait in a wheel by their next spike (inputs.h):
 * the same spikes as looking at every source every window -- queued
 * sources with many synapses each, in exact and in grid mode. */
START_TEST(test_poisson_wheel_equals_scan) {
  static const char *const modes[] = {"exact", "grid"};
  char text[2048];
  snprintf(text, sizeof text,
           "simulation: {time: 300 ms, seed: 11, mode: %s}\n"
           "populations:\n"
           "  n: {size: 50, model: lif, params: {tau_mem: 20 ms, tau_syn: 5 ms,"
           " v_leak: -70 mV, v_th: -54 mV, v_reset: -60 mV},"
           " init: {v: -70 mV}}\n"
           "inputs:\n"
           "  slow: {type: poisson, size: 1000, rate: {uniform: [1 Hz, 40 Hz]}}\n"
           "projections:\n"
           "  - {from: slow, to: n, connect: {fixed_probability: 0.3},"
           " weight: 1.2 mV, delay: 0.5 ms}\n"
           "  - {from: n, to: n, connect: {fixed_probability: 0.2},"
           " weight: 0.5 mV, delay: 1 ms}\n",
           modes[_i]);
  record a, b;
  slp_sim *sa = run_text(text, &a);
  ck_assert_int_eq(sa->parts[0].emit[0].wheel.state, 1); /* really used */
  slp__poisson_wheel_disabled = 1;
  slp_sim *sb = run_text(text, &b);
  slp__poisson_wheel_disabled = 0;
  ck_assert_int_eq(sb->parts[0].emit[0].wheel.state, 0);
  ck_assert_uint_gt(a.count, 100);
  ck_assert_uint_eq(a.count, b.count);
  ck_assert_uint_eq(a.hash, b.hash);
  slp_sim_destroy(sa);
  slp_sim_destroy(sb);
  record_free(&a);
  record_free(&b);
}
END_TEST

/* A busy Poisson source in grid mode is drawn per step: its counts follow
 * Poisson(mu); and the table lookup returns what the recurrence would. */
START_TEST(test_poisson_step_counts) {
  slp__group g;
  memset(&g, 0, sizeof g);
  g.kind = SLP__GROUP_POISSON;
  g.size = 1000;
  g.rate.kind = SLP_DIST_CONST;
  g.rate.a = 20000.0; /* Hz: mu = 2 per 0.1 ms step */
  slp__input in;
  ck_assert_int_eq(slp__input_create(&in, &g, 0, 11, 100000, 0), 0);
  ck_assert_double_eq_tol(in.mu[0], 2.0, 1e-12);
  enum { STEPS = 1000 };
  uint32_t *first = malloc((size_t)g.size * STEPS * sizeof *first);
  double sum = 0, sq = 0, zeros = 0;
  for (uint32_t k = 0; k < g.size; k++)
    for (uint32_t s = 0; s < STEPS; s++) {
      uint32_t x = slp__poisson_step_count(&in, k);
      first[(size_t)k * STEPS + s] = x;
      sum += x;
      sq += (double)x * x;
      zeros += x == 0;
    }
  double n = (double)g.size * STEPS, mean = sum / n, var = sq / n - mean * mean;
  /* 5 standard errors: sd(mean) = sqrt(mu/n); sd(var) ~ sqrt((mu + 2 mu^2)
   * / n) for a Poisson sample; sd(P0) = sqrt(p (1 - p) / n). */
  ck_assert_msg(fabs(mean - 2.0) < 5 * sqrt(2.0 / n), "mean %g", mean);
  ck_assert_msg(fabs(var - 2.0) < 5 * sqrt(10.0 / n), "variance %g", var);
  double p0 = exp(-2.0);
  ck_assert_msg(fabs(zeros / n - p0) < 5 * sqrt(p0 * (1 - p0) / n),
                "P(0) %g", zeros / n);
  /* The same streams again without the table: the same counts. */
  slp__input_destroy(&in);
  ck_assert_int_eq(slp__input_create(&in, &g, 0, 11, 100000, 0), 0);
  in.cdf_mu = -1.0;
  for (uint32_t k = 0; k < g.size; k++)
    for (uint32_t s = 0; s < STEPS; s++)
      ck_assert_uint_eq(slp__poisson_step_count(&in, k),
                        first[(size_t)k * STEPS + s]);
  slp__input_destroy(&in);
  free(first);
}
END_TEST

static Suite *suite_network(void) {
  Suite *s = suite_create("network");
  TCase *tc = tcase_create("cuba");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_cuba_statistics);
  tcase_add_loop_test(tc, test_determinism, 0, 2);
  tcase_add_test(tc, test_event_accounting);
  suite_add_tcase(s, tc);
  tc = tcase_create("brunel");
  tcase_set_timeout(tc, 900);
  tcase_add_test(tc, test_brunel_ai);
  tcase_add_loop_test(tc, test_direct_equals_queued, 0, 5);
  tcase_add_loop_test(tc, test_poisson_wheel_equals_scan, 0, 2);
  tcase_add_test(tc, test_poisson_step_counts);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite_network());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
