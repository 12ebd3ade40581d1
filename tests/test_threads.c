/*
 * tests/test_threads.c -- results do not depend on the number of threads.
 *
 * reference/algorithms.md 8.5: the same seed on 1, 2, 3, 4 and 7 threads
 * (more threads than cores is fine: the barrier yields) gives byte-identical
 * spike files, state recordings and weight files, on CUBA (exact), Brunel
 * (grid and exact), CUBA + STDP (exact and norse), every kind of input,
 * per-neuron parameters, norse mode, and networks with fewer neurons than
 * threads.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sleipnir.h"
#include "network/sim.h"

/* Everything a run wrote: its output files, concatenated, and its spikes
 * as the callback saw them. */
typedef struct outputs {
  char *bytes;     /* the files' contents, in a fixed order */
  size_t n;        /* their length */
  uint64_t spikes; /* spikes seen by the callback */
  uint64_t hash;   /* FNV-1a over the callback's (tick, neuron) */
  unsigned threads;/* threads the run used */
  slp_sim_stats st;
} outputs;

static void on_spike(void *arg, slp_tick t, uint32_t neuron) {
  outputs *o = arg;
  o->spikes++;
  uint64_t x[2] = {(uint64_t)t, neuron};
  const unsigned char *p = (const unsigned char *)x;
  for (size_t k = 0; k < sizeof x; k++)
    o->hash = (o->hash ^ p[k]) * 1099511628211ULL;
}

static void append_file(outputs *o, const char *path) {
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "no output file %s", path);
  char buf[65536];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
    o->bytes = realloc(o->bytes, o->n + got);
    ck_assert_ptr_nonnull(o->bytes);
    memcpy(o->bytes + o->n, buf, got);
    o->n += got;
  }
  fclose(f);
  remove(path);
}

/* Run model `text` (or the file at `path` under srcdir) for time_ms on
 * `threads` threads in a scratch directory, with the spike file, the
 * model's state and weight recordings, and, for every plastic projection,
 * the final weights read through the API. */
static outputs run(const char *path, const char *text, double time_ms,
                   int mode, unsigned threads) {
  char dir[] = "/tmp/slp_threadsXXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char old[4096];
  ck_assert_ptr_nonnull(getcwd(old, sizeof old));
  slp_model *m = NULL;
  slp_diag d;
  int rc;
  if (path != NULL) {
    char full[8400];
    const char *srcdir = getenv("srcdir");
    int len = snprintf(full, sizeof full, "%s/%s/%s", old,
                       srcdir ? srcdir : ".", path);
    ck_assert(len > 0 && (size_t)len < sizeof full);
    ck_assert_int_eq(chdir(dir), 0);
    rc = slp_model_load(&m, full, NULL, 0, &d);
  } else {
    ck_assert_int_eq(chdir(dir), 0);
    rc = slp_model_load(&m, "threads.yaml", text, strlen(text), &d);
  }
  ck_assert_msg(rc == 0, "load: %s", d.message);
  if (time_ms > 0)
    m->cfg.time_ms = time_ms;
  if (mode >= 0)
    m->cfg.mode = (slp_mode)mode;
  m->cfg.threads = threads;
  m->cfg.spikes_path = "spikes.bin";
  slp_sim *sim = NULL;
  rc = slp_sim_create(&sim, m->net, &m->cfg, &d);
  ck_assert_msg(rc == 0, "create: %s", d.message);
  for (size_t k = 0; k < m->n_weights; k++) {
    const slp_weight_record *w = &m->weights[k];
    rc = slp_sim_record_weights(sim, w->projection, w->file, w->interval_ms,
                                w->at_end, &d);
    ck_assert_msg(rc == 0, "weights: %s", d.message);
  }
  outputs o;
  memset(&o, 0, sizeof o);
  o.hash = 1469598103934665603ULL;
  slp_sim_on_spike(sim, on_spike, &o);
  /* In two calls, as a caller stepping through a run does. */
  slp_tick end = (slp_tick)llround(m->cfg.time_ms * 1e6);
  ck_assert_int_eq(slp_sim_run(sim, end / 3, NULL, NULL), 0);
  ck_assert_int_eq(slp_sim_run(sim, end, NULL, NULL), 0);
  for (uint32_t proj = 0; proj < 16; proj++) {
    size_t n = 0;
    if (slp_sim_get_weights(sim, proj, NULL, NULL, NULL, 0, &n) != 0)
      continue;
    uint32_t *pre = malloc((n + 1) * sizeof *pre);
    uint32_t *post = malloc((n + 1) * sizeof *post);
    double *w = malloc((n + 1) * sizeof *w);
    ck_assert_int_eq(slp_sim_get_weights(sim, proj, pre, post, w, n, &n), 0);
    size_t add = n * (2 * sizeof(uint32_t) + sizeof(double));
    o.bytes = realloc(o.bytes, o.n + add + 1);
    for (size_t k = 0; k < n; k++) {
      memcpy(o.bytes + o.n, &pre[k], sizeof pre[k]);
      memcpy(o.bytes + o.n + 4, &post[k], sizeof post[k]);
      memcpy(o.bytes + o.n + 8, &w[k], sizeof w[k]);
      o.n += 16;
    }
    slp_weight_summary s;
    ck_assert_int_eq(slp_sim_weight_summary(sim, proj, &s), 0);
    o.bytes = realloc(o.bytes, o.n + 2 * sizeof(double));
    memcpy(o.bytes + o.n, &s.mean, sizeof s.mean);
    memcpy(o.bytes + o.n + 8, &s.sd, sizeof s.sd);
    o.n += 16;
    free(pre);
    free(post);
    free(w);
  }
  ck_assert_int_eq(slp_sim_finish(sim), 0);
  slp_sim_get_stats(sim, &o.st);
  o.threads = o.st.threads;
  slp_sim_destroy(sim);
  append_file(&o, "spikes.bin");
  for (size_t k = 0; k < m->cfg.n_state; k++)
    append_file(&o, m->cfg.state[k].path);
  for (size_t k = 0; k < m->n_weights; k++)
    append_file(&o, m->weights[k].file);
  slp_model_destroy(m);
  ck_assert_int_eq(chdir(old), 0);
  ck_assert_int_eq(rmdir(dir), 0);
  return o;
}

/* Runs on each thread count of `threads` (0-terminated) match the first. */
static void check_same(const char *path, const char *text, double time_ms,
                       int mode, const unsigned *threads,
                       uint64_t min_spikes) {
  outputs ref = run(path, text, time_ms, mode, threads[0]);
  ck_assert_uint_eq(ref.threads, threads[0]);
  ck_assert_msg(ref.spikes >= min_spikes, "only %llu spikes",
                (unsigned long long)ref.spikes);
  for (size_t k = 1; threads[k] != 0; k++) {
    outputs o = run(path, text, time_ms, mode, threads[k]);
    ck_assert_uint_eq(o.threads, threads[k]);
    ck_assert_msg(o.spikes == ref.spikes && o.hash == ref.hash,
                  "%u threads: %llu spikes, 1 thread: %llu", threads[k],
                  (unsigned long long)o.spikes,
                  (unsigned long long)ref.spikes);
    ck_assert_uint_eq(o.n, ref.n);
    ck_assert_msg(memcmp(o.bytes, ref.bytes, ref.n) == 0,
                  "%u threads: the output files differ", threads[k]);
    ck_assert_uint_eq(o.st.synapses, ref.st.synapses);
    ck_assert_uint_eq(o.st.synaptic_events, ref.st.synaptic_events);
    ck_assert_uint_eq(o.st.input_spikes, ref.st.input_spikes);
    free(o.bytes);
  }
  free(ref.bytes);
}

static const unsigned all_counts[] = {1, 2, 3, 4, 7, 0};
static const unsigned few_counts[] = {1, 2, 3, 0};

START_TEST(test_cuba_exact) {
  check_same(NULL, slp_model_default_text(), 300.0, SLP_MODE_EXACT,
             all_counts, 3000);
}
END_TEST

/* CUBA with every inh neuron's v recorded: its 800 neurons fall in slices
 * of fewer than 256 with 4 or more threads, where a model that chose its
 * exp tables by the slice's size (not the population's) recorded other
 * last bits than one thread did. */
START_TEST(test_cuba_state) {
  static char text[8192];
  const char *base = slp_model_default_text();
  ck_assert_uint_lt(strlen(base) + 200, sizeof text);
  snprintf(text, sizeof text,
           "%srecord:\n  state:\n    - {population: inh, vars: [v, i_inh],"
           " neurons: all, interval: 0.5 ms, file: threads_inh_v.bin}\n",
           base);
  check_same(NULL, text, 100.0, SLP_MODE_EXACT, all_counts, 500);
}
END_TEST

START_TEST(test_brunel_grid) {
  check_same("examples/brunel.yaml", NULL, 150.0, SLP_MODE_GRID, all_counts,
             10000);
}
END_TEST

START_TEST(test_brunel_exact) {
  check_same("examples/brunel.yaml", NULL, 100.0, SLP_MODE_EXACT,
             few_counts, 10000);
}
END_TEST

/* Spikes, the weight file of examples/cuba_stdp.yaml and the final weights
 * read back. */
START_TEST(test_cuba_stdp) {
  check_same("examples/cuba_stdp.yaml", NULL, 400.0, -1, all_counts, 3000);
}
END_TEST

/* Norse's stdp_step_linear in norse mode, lazily per partition. */
START_TEST(test_cuba_stdp_norse) {
  check_same("examples/cuba_stdp.yaml", NULL, 200.0, SLP_MODE_NORSE,
             few_counts, 300);
}
END_TEST

START_TEST(test_stp) {
  check_same("examples/stp_regular.yaml", NULL, 0, -1, few_counts, 10);
}
END_TEST

/* Every input kind, queued or (grid mode, `drive`) delivered directly,
 * onto populations cut in uneven slices, with per-neuron parameters and
 * state recordings of neurons in every slice. */
static const char inputs_model[] =
    "simulation: {time: 200 ms, seed: 11}\n"
    "populations:\n"
    "  a: {size: 37, model: lif, params: {tau_mem: 10 ms, tau_syn_exc: 2 ms,"
    " v_leak: -65 mV, v_reset: -65 mV, v_th: {uniform: [-52 mV, -48 mV]}},"
    " init: {v: {uniform: [-70 mV, -55 mV]}}}\n"
    "  b: {size: 5, model: lsnn, params: {tau_mem: [8 ms, 9 ms, 10 ms, 11 ms,"
    " 12 ms]}}\n"
    "inputs:\n"
    "  poi: {type: poisson, size: 20, rate: {uniform: [20 Hz, 80 Hz]}}\n"
    "  steps: {type: poisson, size: 9, rate: {schedule: [[0 ms, 5 Hz],"
    " [50 ms, 90 Hz]]}}\n"
    "  dead: {type: poisson, size: 6, rate: 60 Hz, dead_time: 3 ms}\n"
    "  sgn: {type: signed_poisson, size: 4, value: [-0.5, 0.5, 0.9, -0.2]}\n"
    "  clock: {type: regular, size: 3, rate: 45 Hz, jitter: 1 ms}\n"
    "  drive: {type: poisson, size: 42, rate: 4 kHz}\n"
    "  stim: {type: spike_array, size: 3, spikes: [[1 ms, 5 ms, 5 ms],"
    " [2.5 ms], [40 ms, 41 ms]]}\n"
    "projections:\n"
    "  - {from: poi, to: [a, b], connect: {fixed_probability: 0.3},"
    " weight: 40 mV, delay: 0.5 ms}\n"
    "  - {from: steps, to: a, connect: {fixed_outdegree: 5}, weight: 30 mV,"
    " delay: {uniform: [0.3 ms, 2 ms]}}\n"
    "  - {from: dead, to: [b, a], connect: all_to_all, weight: 10 mV,"
    " delay: 1 ms}\n"
    "  - {from: sgn, to: a, connect: all_to_all, weight: 40 mV, delay: 0.4 ms}\n"
    "  - {from: clock, to: a, connect: {fixed_indegree: 2},"
    " weight: 50 mV, delay: 0.3 ms}\n"
    "  - {from: stim, to: [a, b], connect: all_to_all, weight: 80 mV,"
    " delay: 0.3 ms}\n"
    "  - {from: a, to: [a, b], connect: {fixed_indegree: 4}, weight: 10 mV,"
    " delay: {uniform: [0.3 ms, 3 ms]}}\n"
    "  - {from: b, to: a, connect: all_to_all, weight: -20 mV, delay: 0.6 ms}\n"
    "  - {from: drive, to: [a, b], connect: one_to_one, weight: 2 mV,"
    " delay: 0.5 ms}\n"
    "record:\n"
    "  state:\n"
    "    - {population: a, vars: [v, i_exc], neurons: [0, 9, 18, 27, 36],"
    " interval: 1 ms, file: a.csv}\n"
    "    - {population: b, vars: v, neurons: all, interval: 1 ms,"
    " file: b.bin}\n";

START_TEST(test_every_input) {
  check_same(NULL, inputs_model, 0, -1, all_counts, 50);
}
END_TEST

START_TEST(test_every_input_grid) {
  check_same(NULL, inputs_model, 0, SLP_MODE_GRID, few_counts, 50);
  /* ... and `drive` did take the direct path, in every partition. */
  slp_model *m = NULL;
  slp_diag d;
  ck_assert_int_eq(slp_model_load(&m, "t.yaml", inputs_model,
                                  strlen(inputs_model), &d), 0);
  /* Without the model's recordings (their files), which stay the
   * model's to free. */
  slp_sim_config cfg = m->cfg;
  cfg.mode = SLP_MODE_GRID;
  cfg.threads = 3;
  cfg.state = NULL;
  cfg.n_state = 0;
  slp_sim *sim = NULL;
  ck_assert_int_eq(slp_sim_create(&sim, m->net, &cfg, &d), 0);
  for (uint32_t j = 0; j < 3; j++)
    ck_assert_uint_eq(sim->parts[j].n_direct, 1);
  slp_sim_destroy(sim);
  slp_model_destroy(m);
}
END_TEST

START_TEST(test_norse_mode) {
  check_same(NULL, inputs_model, 0, SLP_MODE_NORSE, few_counts, 20);
}
END_TEST

/* Fewer neurons than threads: most slices are empty. */
static const char tiny_model[] =
    "simulation: {time: 100 ms, seed: 3}\n"
    "populations:\n"
    "  x: {size: 2, model: lif, params: {v_leak: 20 mV, v_th: 10 mV}}\n"
    "  y: {size: 1, model: lif}\n"
    "projections:\n"
    "  - {from: x, to: y, connect: all_to_all, weight: 8 mV, delay: 1 ms}\n"
    "  - {from: y, to: x, connect: all_to_all, weight: -3 mV, delay: 2 ms}\n";

START_TEST(test_more_threads_than_neurons) {
  check_same(NULL, tiny_model, 0, -1, all_counts, 10);
}
END_TEST

/* A progress callback that stops the run: it stops between windows, with
 * the state whole, and running on gives the spikes of an unbroken run. */
static int stop_once(void *arg, slp_tick now, slp_tick until) {
  (void)until;
  int *calls = arg;
  return now > 50 * 1000000 && (*calls)++ == 0;
}

START_TEST(test_cancel_and_resume) {
  outputs ref = run(NULL, slp_model_default_text(), 200.0, SLP_MODE_EXACT, 1);
  slp_model *m = NULL;
  slp_diag d;
  const char *text = slp_model_default_text();
  ck_assert_int_eq(slp_model_load(&m, "built-in", text, strlen(text), &d), 0);
  m->cfg.time_ms = 200.0;
  m->cfg.threads = 3;
  m->cfg.spikes_path = NULL;
  slp_sim *sim = NULL;
  ck_assert_int_eq(slp_sim_create(&sim, m->net, &m->cfg, &d), 0);
  outputs o;
  memset(&o, 0, sizeof o);
  o.hash = 1469598103934665603ULL;
  slp_sim_on_spike(sim, on_spike, &o);
  int calls = 0;
  slp_tick end = 200 * 1000000;
  /* Progress is reported every 50 ms of wall time and at the run's end: a
   * run to 3/4 of the way stops by then however fast the machine is. */
  slp_tick part = end / 4 * 3;
  ck_assert_int_eq(slp_sim_run(sim, part, stop_once, &calls), SLP_ECANCELED);
  slp_sim_stats st;
  slp_sim_get_stats(sim, &st);
  ck_assert(st.now > 50 * 1000000 && st.now <= part);
  ck_assert_int_eq(slp_sim_run(sim, end, stop_once, &calls), 0);
  ck_assert_uint_eq(o.spikes, ref.spikes);
  ck_assert_uint_eq(o.hash, ref.hash);
  slp_sim_destroy(sim);
  slp_model_destroy(m);
  free(ref.bytes);
}
END_TEST

/* The partitions between them hold each neuron once and every synapse
 * once, and no source has synapses outside its emitter unless marked. */
START_TEST(test_partition_covers_network) {
  slp_model *m = NULL;
  slp_diag d;
  ck_assert_int_eq(slp_model_load(&m, "t.yaml", inputs_model,
                                  strlen(inputs_model), &d), 0);
  slp_sim_config cfg = m->cfg; /* without the recordings, as above */
  cfg.state = NULL;
  cfg.n_state = 0;
  uint64_t syn1 = 0;
  for (unsigned T = 1; T <= 5; T++) {
    cfg.threads = T;
    slp_sim *sim = NULL;
    ck_assert_int_eq(slp_sim_create(&sim, m->net, &cfg, &d), 0);
    ck_assert_uint_eq(sim->n_parts, T);
    uint64_t syn = 0;
    for (size_t q = 0; q < sim->n_pops; q++) {
      uint32_t n = 0;
      for (uint32_t j = 0; j < T; j++) {
        const slp__pop *p = &sim->parts[j].pops[q];
        ck_assert_uint_eq(p->node0, sim->parts[0].pops[q].node0 + n);
        for (uint32_t i = 0; i < p->n; i++)
          ck_assert_uint_eq(sim->owner[p->node0 + i], j);
        n += p->n;
      }
      ck_assert_uint_eq(n, slp__sim_pop_size(sim, q));
    }
    for (uint32_t j = 0; j < T; j++) {
      const slp__csr *c = &sim->parts[j].csr;
      syn += c->n_syn;
      for (uint32_t node = sim->n_neurons;
           node < sim->n_neurons + sim->n_sources; node++)
        if ((sim->owner[node] & SLP__OWNER_LOCAL) &&
            (sim->owner[node] & SLP__OWNER_PART) != j)
          ck_assert_uint_eq(c->row_seg[node + 1], c->row_seg[node]);
    }
    if (T == 1)
      syn1 = syn;
    ck_assert_uint_eq(syn, syn1);
    slp_sim_destroy(sim);
  }
  ck_assert_uint_gt(syn1, 100);
  slp_model_destroy(m);
}
END_TEST

/* Two cases: whole benchmark networks, and small networks that go through
 * every feature (.ci/run runs the latter under ThreadSanitizer). */
static Suite *threads_suite(void) {
  Suite *s = suite_create("threads");
  TCase *tc = tcase_create("networks");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_cuba_exact);
  tcase_add_test(tc, test_cuba_state);
  tcase_add_test(tc, test_brunel_grid);
  tcase_add_test(tc, test_brunel_exact);
  tcase_add_test(tc, test_cuba_stdp);
  tcase_add_test(tc, test_cuba_stdp_norse);
  suite_add_tcase(s, tc);
  tc = tcase_create("features");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_stp);
  tcase_add_test(tc, test_every_input);
  tcase_add_test(tc, test_every_input_grid);
  tcase_add_test(tc, test_norse_mode);
  tcase_add_test(tc, test_more_threads_than_neurons);
  tcase_add_test(tc, test_cancel_and_resume);
  tcase_add_test(tc, test_partition_covers_network);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(threads_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
