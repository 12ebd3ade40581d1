/*
 * tests/test_record.c -- state recordings: values against the closed form,
 * the sample-time convention, both file formats, and that recording (which
 * cuts the simulation into shorter windows) changes no spike.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sleipnir.h"

/* Load text, run it to the end with the model file's outputs, finish. */
static void run_text(const char *text, uint64_t *spike_hash) {
  slp_model *m = NULL;
  slp_diag d;
  memset(&d, 0, sizeof d);
  int rc = slp_model_load(&m, "test", text, strlen(text), &d);
  ck_assert_msg(rc == 0, "load: %s: %s", d.key, d.message);
  slp_sim *sim = NULL;
  rc = slp_sim_create(&sim, m->net, &m->cfg, &d);
  ck_assert_msg(rc == 0, "create: %s: %s", d.key, d.message);
  ck_assert_int_eq(slp_sim_run(sim, INT64_MAX, NULL, NULL), 0);
  ck_assert_int_eq(slp_sim_finish(sim), 0);
  slp_sim_destroy(sim);
  slp_model_destroy(m);
  if (spike_hash == NULL)
    return;
  /* FNV-1a over the spike file's bytes. */
  FILE *f = fopen("rec_spikes.bin", "rb");
  ck_assert_ptr_nonnull(f);
  uint64_t h = 1469598103934665603ULL;
  int c;
  while ((c = fgetc(f)) != EOF)
    h = (h ^ (unsigned)c) * 1099511628211ULL;
  fclose(f);
  *spike_hash = h;
}

/* One row of a CSV recording with up to 3 variables. */
typedef struct row {
  double t_ms;
  unsigned neuron;
  double v[3];
} row;

/* Read a CSV recording: header check, then rows. */
static size_t read_csv(const char *path, const char *header, row *rows,
                       size_t cap) {
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  char line[512];
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
  line[strcspn(line, "\n")] = '\0';
  ck_assert_str_eq(line, header);
  size_t n = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    ck_assert_uint_lt(n, cap);
    row *r = &rows[n++];
    memset(r, 0, sizeof *r);
    int got = sscanf(line, "%lf,%u,%lf,%lf,%lf", &r->t_ms, &r->neuron, &r->v[0],
                     &r->v[1], &r->v[2]);
    ck_assert_int_ge(got, 3);
  }
  fclose(f);
  return n;
}

/*
 * One LIF neuron (threshold out of reach), one input of w = 2 mV at 1 ms
 * on exc.  Exactly: i(t) = w e^{-s/ts}, v(t) = v_leak + w c (e^{-s/ts} -
 * e^{-s/tm}), s = t - 1 ms, c = ts / (ts - tm).  Sampled every 0.25 ms, with
 * the input at a sample time: the sample at 1 ms is still the resting state
 * (a sample holds the inputs *before* its time).  Values are in volts.
 * Rounding in the engine's propagator is ~1e-16 V; 1e-12 V leaves room.
 */
static void closed_form(const char *mode) {
  char text[1024];
  snprintf(text, sizeof text,
           "simulation: {time: 5 ms, mode: %s, dt: 0.25 ms}\n"
           "populations:\n"
           "  p: {size: 3, model: lif, params: {tau_mem: 10 ms, tau_syn_exc: "
           "4 ms, v_leak: -65 mV, v_th: 100 mV, v_reset: -70 mV}}\n"
           "inputs:\n"
           "  s: {type: spike_array, size: 1, spikes: [[1 ms]]}\n"
           "projections:\n"
           "  - {from: s, to: p, connect: all_to_all, weight: 2 mV, delay: "
           "0.5 ms}\n"
           "record:\n"
           "  state: {population: p, vars: [v, i_exc], neurons: [1], "
           "interval: 0.25 ms, file: rec_state.csv}\n",
           mode);
  run_text(text, NULL);
  row rows[64];
  size_t n = read_csv("rec_state.csv", "time_ms,neuron,v,i_exc", rows, 64);
  ck_assert_uint_eq(n, 20); /* 0.25, 0.5, ..., 5 ms */
  const double tm = 10.0, ts = 4.0, w = 2.0, c = ts / (ts - tm), t_in = 1.5;
  for (size_t k = 0; k < n; k++) {
    double t = 0.25 * (double)(k + 1);
    ck_assert_double_eq_tol(rows[k].t_ms, t, 1e-9);
    ck_assert_uint_eq(rows[k].neuron, 1);
    double s = t - t_in, v = -65.0, i = 0.0;
    if (s > 0) { /* the input arrives at 1.5 ms (1 ms + 0.5 ms delay) */
      i = w * exp(-s / ts);
      v += w * c * (exp(-s / ts) - exp(-s / tm));
    }
    ck_assert_msg(fabs(rows[k].v[0] - v * 1e-3) < 1e-12 &&
                      fabs(rows[k].v[1] - i * 1e-3) < 1e-12,
                  "%s t = %g ms: v %.17g i %.17g, want %.17g %.17g", mode, t,
                  rows[k].v[0], rows[k].v[1], v * 1e-3, i * 1e-3);
  }
  unlink("rec_state.csv");
}

START_TEST(test_state_closed_form_exact) { closed_form("exact"); }
END_TEST

START_TEST(test_state_closed_form_grid) { closed_form("grid"); }
END_TEST

/* A small CUBA-style network; in exact mode recording every 0.25 ms cuts
 * its 0.1 ms windows to 62.5 us (in grid mode the interval is 0.3 ms, three
 * steps).  Spikes must not change, byte for byte. */
static const char *const cuba_text =
    "simulation: {time: 200 ms, seed: 3, mode: %s}\n"
    "populations:\n"
    "  e: {size: 320, model: lif, params: {tau_mem: 20 ms, tau_syn_exc: 5 ms,"
    " tau_syn_inh: 10 ms, v_leak: -49 mV, v_th: -50 mV, v_reset: -60 mV,"
    " t_ref: 5 ms}, init: {v: {uniform: [-60 mV, -50 mV]}}}\n"
    "  i: {size: 80, model: lif, params: {tau_mem: 20 ms, tau_syn_exc: 5 ms,"
    " tau_syn_inh: 10 ms, v_leak: -49 mV, v_th: -50 mV, v_reset: -60 mV,"
    " t_ref: 5 ms}, init: {v: {uniform: [-60 mV, -50 mV]}}}\n"
    "projections:\n"
    "  - {from: e, to: [e, i], connect: {fixed_probability: 0.1}, weight: 1 "
    "mV, delay: 0.1 ms}\n"
    "  - {from: i, to: [e, i], connect: {fixed_probability: 0.1}, weight: -6 "
    "mV, delay: 0.1 ms, receptor: inh}\n"
    "record:\n"
    "  spikes: {file: rec_spikes.bin}\n"
    "%s";

static void unchanged(const char *mode, int grid) {
  char text[2048], state[512];
  uint64_t plain, recorded;
  snprintf(text, sizeof text, cuba_text, mode, "");
  run_text(text, &plain);
  snprintf(state, sizeof state,
           "  state:\n"
           "    - {population: e, vars: [v], neurons: all, interval: %s,"
           " file: rec_a.bin}\n"
           "    - {population: i, vars: [v, i_inh], neurons: [0, 79],"
           " interval: 1 ms, file: rec_b.csv}\n",
           grid ? "0.3 ms" : "0.25 ms");
  snprintf(text, sizeof text, cuba_text, mode, state);
  run_text(text, &recorded);
  ck_assert_uint_eq(plain, recorded);
  /* The binary file: header, then 800 (666) samples x 320 neurons. */
  FILE *f = fopen("rec_a.bin", "rb");
  ck_assert_ptr_nonnull(f);
  char magic[8];
  unsigned char n4[4];
  ck_assert_uint_eq(fread(magic, 1, 8, f), 8);
  ck_assert(memcmp(magic, "SLPSTA01", 8) == 0);
  ck_assert_uint_eq(fread(n4, 1, 4, f), 4);
  ck_assert_uint_eq(n4[0], 1);
  ck_assert_uint_eq(fread(n4, 1, 4, f), 4);
  ck_assert_uint_eq(n4[0], 1);
  ck_assert_int_eq(fgetc(f), 'v');
  long start = ftell(f);
  fseek(f, 0, SEEK_END);
  ck_assert_int_eq(ftell(f) - start, (grid ? 666L : 800L) * 320 * (8 + 4 + 8));
  /* Every value a membrane potential (in V) no higher than threshold
   * (-50 mV) in exact mode, where a neuron fires at the tick it crosses;
   * in grid mode it fires at the end of that step, so a sample may catch it
   * above threshold by what it gains in less than a step.  Inhibition can
   * take v below reset: only a sanity bound there. */
  fseek(f, start, SEEK_SET);
  unsigned char rec[20];
  while (fread(rec, 1, sizeof rec, f) == sizeof rec) {
    uint64_t bits = 0;
    for (int k = 0; k < 8; k++)
      bits |= (uint64_t)rec[12 + k] << (8 * k);
    double v;
    memcpy(&v, &bits, sizeof v);
    ck_assert_msg(v > -0.1 && v <= (grid ? -0.049 : -0.05), "v = %.17g V",
                  v);
  }
  fclose(f);
  row rows[512];
  size_t n = read_csv("rec_b.csv", "time_ms,neuron,v,i_inh", rows, 512);
  ck_assert_uint_eq(n, 400); /* 200 samples x 2 neurons */
  ck_assert_uint_eq(rows[0].neuron, 320);
  ck_assert_uint_eq(rows[1].neuron, 399);
  unlink("rec_a.bin");
  unlink("rec_b.csv");
  unlink("rec_spikes.bin");
}

START_TEST(test_recording_changes_no_spike_exact) { unchanged("exact", 0); }
END_TEST

START_TEST(test_recording_changes_no_spike_grid) { unchanged("grid", 1); }
END_TEST

/* The file appears under its name only when the run is finished; a run
 * destroyed unfinished leaves nothing behind. */
START_TEST(test_state_file_atomic) {
  const char *text =
      "simulation: {time: 2 ms}\n"
      "populations: {p: {size: 2, model: lif}}\n"
      "record: {state: {population: p, vars: v, interval: 1 ms, file: "
      "rec_atomic.csv}}\n";
  slp_model *m = NULL;
  slp_diag d;
  memset(&d, 0, sizeof d);
  ck_assert_int_eq(slp_model_load(&m, "t", text, strlen(text), &d), 0);
  slp_sim *sim = NULL;
  ck_assert_int_eq(slp_sim_create(&sim, m->net, &m->cfg, &d), 0);
  ck_assert_int_eq(slp_sim_run(sim, INT64_MAX, NULL, NULL), 0);
  ck_assert_int_ne(access("rec_atomic.csv", F_OK), 0);
  slp_sim_destroy(sim); /* not finished */
  ck_assert_int_ne(access("rec_atomic.csv", F_OK), 0);
  ck_assert_int_eq(slp_sim_create(&sim, m->net, &m->cfg, &d), 0);
  ck_assert_int_eq(slp_sim_run(sim, INT64_MAX, NULL, NULL), 0);
  ck_assert_int_eq(slp_sim_finish(sim), 0);
  ck_assert_int_eq(access("rec_atomic.csv", F_OK), 0);
  slp_sim_destroy(sim);
  slp_model_destroy(m);
  unlink("rec_atomic.csv");
}
END_TEST

/* Errors only the built simulation can see: an interval that is not whole
 * grid steps, and one with no window length to cut into. */
START_TEST(test_state_interval_errors) {
  const char *grid =
      "simulation: {time: 2 ms, mode: grid, dt: 0.1 ms}\n"
      "populations: {p: {size: 2, model: lif}}\n"
      "record: {state: {population: p, vars: v, interval: 0.25 ms, file: "
      "rec_bad.csv}}\n";
  const char *prime =
      "simulation: {time: 2 ms}\n"
      "populations: {p: {size: 2, model: lif}}\n"
      "projections: [{from: p, to: p, connect: all_to_all, weight: 1 mV, "
      "delay: 0.1 ms}]\n"
      "record: {state: {population: p, vars: v, interval: 1000003 ns, file: "
      "rec_bad.csv}}\n";
  const char *texts[] = {grid, prime};
  const char *want[] = {"whole number of steps", "rounder interval"};
  for (int k = 0; k < 2; k++) {
    slp_model *m = NULL;
    slp_diag d;
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(slp_model_load(&m, "t", texts[k], strlen(texts[k]), &d),
                     0);
    slp_sim *sim = NULL;
    ck_assert_int_eq(slp_sim_create(&sim, m->net, &m->cfg, &d), SLP_EINVAL);
    ck_assert_ptr_null(sim);
    ck_assert_msg(strstr(d.message, want[k]) != NULL, "%s", d.message);
    ck_assert_msg(strncmp(d.key, "record.state", 12) == 0, "%s", d.key);
    slp_model_destroy(m);
    ck_assert_int_ne(access("rec_bad.csv", F_OK), 0);
  }
}
END_TEST

static Suite *suite_record(void) {
  Suite *s = suite_create("record");
  TCase *tc = tcase_create("state");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_state_closed_form_exact);
  tcase_add_test(tc, test_state_closed_form_grid);
  tcase_add_test(tc, test_recording_changes_no_spike_exact);
  tcase_add_test(tc, test_recording_changes_no_spike_grid);
  tcase_add_test(tc, test_state_file_atomic);
  tcase_add_test(tc, test_state_interval_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite_record());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
