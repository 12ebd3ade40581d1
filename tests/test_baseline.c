/*
 * tests/test_baseline.c -- the dense and clock modes (src/baseline/).
 *
 * What they must do (issue 6): step every neuron every dt and still compute
 * the network the event-driven modes compute.
 *   - With the exact propagator on a network whose inputs and delays sit on
 *     the grid, the spikes are those of grid mode -- and, for lif_box, of
 *     exact mode too (its crossings happen at inputs, hence on the grid).
 *   - dense and clock give identical spikes (same sums, same order).
 *   - The Euler propagator is Norse's step: checked against the closed form
 *     of n Euler steps, and on a network by its mean rate.
 *   - Bad settings are refused with a message naming the key.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sleipnir.h"
#include "baseline/stepper.h"
#include "network/sim.h"

/* ---- running a model text and fingerprinting its spikes ---------------- */

typedef struct record {
  uint64_t count;     /* spikes */
  uint64_t hash;      /* FNV-1a over (tick, neuron) in order */
  slp_tick first_t;   /* first spike tick (-1: none) */
} record;

static void on_spike(void *arg, slp_tick t, uint32_t neuron) {
  record *r = arg;
  if (r->count == 0)
    r->first_t = t;
  r->count++;
  const unsigned char *p = (const unsigned char *)&t;
  for (size_t k = 0; k < sizeof t; k++)
    r->hash = (r->hash ^ p[k]) * 1099511628211ULL;
  p = (const unsigned char *)&neuron;
  for (size_t k = 0; k < sizeof neuron; k++)
    r->hash = (r->hash ^ p[k]) * 1099511628211ULL;
}

/* Run text in mode/propagator to its end; returns the events delivered. */
static uint64_t run_text(const char *text, slp_mode mode, slp_propagator prop,
                         record *rec) {
  slp_model *m = NULL;
  slp_diag d;
  memset(&d, 0, sizeof d);
  int rc = slp_model_load(&m, "baseline", text, strlen(text), &d);
  ck_assert_msg(rc == 0, "load: %s", d.message);
  m->cfg.mode = mode;
  m->cfg.propagator = prop;
  slp_sim *sim = NULL;
  rc = slp_sim_create(&sim, m->net, &m->cfg, &d);
  ck_assert_msg(rc == 0, "create: %s", d.message);
  memset(rec, 0, sizeof *rec);
  rec->hash = 1469598103934665603ULL;
  rec->first_t = -1;
  slp_sim_on_spike(sim, on_spike, rec);
  ck_assert_int_eq(slp_sim_run(sim, (slp_tick)llround(m->cfg.time_ms * 1e6),
                               NULL, NULL), 0);
  slp_sim_stats st;
  slp_sim_get_stats(sim, &st);
  ck_assert_uint_eq(st.spikes, rec->count);
  slp_sim_destroy(sim);
  slp_model_destroy(m);
  return st.synaptic_events;
}

/* A small CUBA-like lif network: exponential currents with two time
 * constants, three delays (all multiples of dt), a refractory period,
 * Poisson drive (drawn on the grid in every mode that has one), no
 * multapses (fixed_probability), so every input sum is a sum of distinct
 * float weights -- exact in double, whatever the order. */
static const char lif_net[] =
    "simulation: {time: 400 ms, seed: 3, mode: grid, dt: 0.1 ms}\n"
    "populations:\n"
    "  exc: {size: 320, model: lif, params: &p {tau_mem: 20 ms,"
    " tau_syn_exc: 5 ms, tau_syn_inh: 10 ms, v_leak: -60 mV, v_th: -50 mV,"
    " v_reset: -60 mV, t_ref: 2 ms}, init: {v: {uniform: [-60 mV, -50 mV]}}}\n"
    "  inh: {size: 80, model: lif, params: *p,"
    " init: {v: {uniform: [-60 mV, -50 mV]}}}\n"
    "inputs:\n"
    "  ext: {type: poisson, size: 400, rate: 900 Hz}\n"
    "projections:\n"
    "  - {from: ext, to: [exc, inh], connect: one_to_one, weight: 4 mV,"
    " delay: 0.1 ms, receptor: exc}\n"
    "  - {from: exc, to: [exc, inh], connect: {fixed_probability: 0.05},"
    " weight: 1.5 mV, delay: 1.5 ms, receptor: exc}\n"
    "  - {from: exc, to: inh, connect: {fixed_probability: 0.05},"
    " weight: 1.0 mV, delay: 0.3 ms, receptor: exc}\n"
    "  - {from: inh, to: [exc, inh], connect: {fixed_probability: 0.1},"
    " weight: -6 mV, delay: 0.5 ms, receptor: inh}\n";

/* lif, exact propagator: clock and dense give grid mode's spikes, and the
 * same number of synaptic events. */
START_TEST(test_lif_exact_equals_grid) {
  record g, c, d;
  run_text(lif_net, SLP_MODE_GRID, SLP_PROPAGATOR_EXACT, &g);
  uint64_t ec = run_text(lif_net, SLP_MODE_CLOCK, SLP_PROPAGATOR_EXACT, &c);
  uint64_t ed = run_text(lif_net, SLP_MODE_DENSE, SLP_PROPAGATOR_EXACT, &d);
  /* An active network, not a silent one that agrees trivially. */
  ck_assert_msg(g.count > 2000, "only %llu spikes",
                (unsigned long long)g.count);
  ck_assert_uint_eq(c.count, g.count);
  ck_assert_uint_eq(c.hash, g.hash);
  ck_assert_uint_eq(d.count, g.count);
  ck_assert_uint_eq(d.hash, g.hash);
  ck_assert_uint_eq(ec, ed);
  ck_assert_uint_gt(ec, 10 * c.count);
}
END_TEST

/* The lif_box network: a spike_array drive on the grid (written out here
 * from a fixed LCG), delta synapses.  Crossings happen only at inputs, so
 * exact mode puts them on the grid too. */
static char *box_net(const char *params) {
  size_t cap = 1 << 20, n = 0;
  char *t = malloc(cap);
  ck_assert_ptr_nonnull(t);
  n += (size_t)snprintf(t + n, cap - n,
      "simulation: {time: 300 ms, seed: 9, mode: grid, dt: 0.1 ms}\n"
      "populations:\n"
      "  exc: {size: 200, model: lif_box, params: &p {%s},"
      " init: {v: {uniform: [0 mV, 15 mV]}}}\n"
      "  inh: {size: 50, model: lif_box, params: *p,"
      " init: {v: {uniform: [0 mV, 15 mV]}}}\n"
      "inputs:\n"
      "  stim: {type: spike_array, size: 250, spikes: [", params);
  uint64_t x = 12345;
  for (int s = 0; s < 250; s++) {
    n += (size_t)snprintf(t + n, cap - n, "%s[", s ? ", " : "");
    int steps = 0;
    for (int k = 0; k < 60; k++) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      steps += 1 + (int)((x >> 33) % 100); /* gaps of 0.1 .. 10 ms */
      if (steps >= 3000)
        break;
      n += (size_t)snprintf(t + n, cap - n, "%s%d.%d ms", k ? ", " : "",
                            steps / 10, steps % 10);
    }
    n += (size_t)snprintf(t + n, cap - n, "]");
  }
  n += (size_t)snprintf(t + n, cap - n,
      "]}\n"
      "projections:\n"
      "  - {from: stim, to: [exc, inh], connect: one_to_one, weight: 6 mV,"
      " delay: 0.2 ms}\n"
      "  - {from: exc, to: [exc, inh], connect: {fixed_probability: 0.1},"
      " weight: 0.75 mV, delay: 1.5 ms}\n"
      "  - {from: inh, to: [exc, inh], connect: {fixed_probability: 0.2},"
      " weight: -2.5 mV, delay: 0.8 ms, receptor: inh}\n");
  ck_assert_uint_lt(n, cap - 1);
  return t;
}

/* lif_box, exact propagator: exact == grid == clock == dense. */
START_TEST(test_lif_box_exact_equals_event_modes) {
  char *text = box_net("tau_mem: 20 ms, v_th: 20 mV, v_reset: 10 mV,"
                       " t_ref: 2 ms");
  record x, g, c, d;
  run_text(text, SLP_MODE_EXACT, SLP_PROPAGATOR_EXACT, &x);
  run_text(text, SLP_MODE_GRID, SLP_PROPAGATOR_EXACT, &g);
  run_text(text, SLP_MODE_CLOCK, SLP_PROPAGATOR_EXACT, &c);
  run_text(text, SLP_MODE_DENSE, SLP_PROPAGATOR_EXACT, &d);
  ck_assert_msg(x.count > 1000, "only %llu spikes",
                (unsigned long long)x.count);
  ck_assert_uint_eq(g.count, x.count);
  ck_assert_uint_eq(g.hash, x.hash);
  ck_assert_uint_eq(c.count, x.count);
  ck_assert_uint_eq(c.hash, x.hash);
  ck_assert_uint_eq(d.count, x.count);
  ck_assert_uint_eq(d.hash, x.hash);
  free(text);
}
END_TEST

/* lif_box with v_leak above threshold fires tonically, between inputs:
 * grid mode rounds those crossings up to the grid, and so do the steppers
 * (v is monotone between inputs, so "above threshold at the step's end"
 * is "crossed inside the step"). */
START_TEST(test_lif_box_tonic_equals_grid) {
  char *text = box_net("tau_mem: 20 ms, v_leak: 22 mV, v_th: 20 mV,"
                       " v_reset: 10 mV, t_ref: 0.5 ms");
  record g, c, d;
  run_text(text, SLP_MODE_GRID, SLP_PROPAGATOR_EXACT, &g);
  run_text(text, SLP_MODE_CLOCK, SLP_PROPAGATOR_EXACT, &c);
  run_text(text, SLP_MODE_DENSE, SLP_PROPAGATOR_EXACT, &d);
  ck_assert_msg(g.count > 1000, "only %llu spikes",
                (unsigned long long)g.count);
  ck_assert_uint_eq(c.count, g.count);
  ck_assert_uint_eq(c.hash, g.hash);
  ck_assert_uint_eq(d.hash, g.hash);
  free(text);
}
END_TEST

/*
 * Euler on the network: dense == clock exactly, and the mean rate agrees
 * with the exact propagator's.  The bound: the two runs are different
 * (chaotic) trajectories of the same network, so their counts differ by
 * noise -- for irregular firing about Poisson, sd sqrt(n_a + n_b) -- plus
 * Euler's systematic error.  Forward Euler keeps the fixed points and the
 * area of every PSP (sum_k h (1 - h/tau)^k = tau), so what it changes is
 * the PSP's shape, by O(h/tau) relative: with h = 0.1 ms and the shortest
 * tau 5 ms, 2 %.  Allowed: 4 sd + 2 % of the count (a broken Euler step,
 * e.g. currents that do not decay, changes the rate many times over).
 */
START_TEST(test_euler_rate_matches_exact) {
  record x, c, d;
  run_text(lif_net, SLP_MODE_CLOCK, SLP_PROPAGATOR_EXACT, &x);
  uint64_t ec = run_text(lif_net, SLP_MODE_CLOCK, SLP_PROPAGATOR_EULER, &c);
  uint64_t ed = run_text(lif_net, SLP_MODE_DENSE, SLP_PROPAGATOR_EULER, &d);
  ck_assert_uint_eq(c.hash, d.hash);
  ck_assert_uint_eq(c.count, d.count);
  ck_assert_uint_eq(ec, ed);
  /* Euler really is another propagator: the trajectories part. */
  ck_assert_uint_ne(c.hash, x.hash);
  double na = (double)x.count, nb = (double)c.count;
  double tol = 4.0 * sqrt(na + nb) + 0.02 * na;
  fprintf(stderr, "# lif net: exact %.0f spikes, Euler %.0f (tolerance %.0f)\n",
          na, nb, tol);
  ck_assert_msg(fabs(na - nb) <= tol, "exact %.0f vs Euler %.0f spikes "
                "(tolerance %.0f)", na, nb, tol);
}
END_TEST

/* One lif neuron, one input of weight w arriving at tick h: its membrane
 * after n more steps against the closed forms.  Euler (reference/models.md
 * §1, lazy Euler-compatible form): u_n = h_m w (p^n - q^n) / (p - q) with
 * p = 1 - h/tau_m, q = 1 - h/tau_s.  Exact: u = w K(n h).  Tolerance: n
 * steps of rounding, each a few ulps of numbers of order w. */
static const char one_lif[] =
    "simulation: {time: 30 ms, mode: clock, dt: 0.25 ms}\n"
    "populations:\n"
    "  n: {size: 1, model: lif, params: {tau_mem: 10 ms, tau_syn_exc: 4 ms,"
    " v_leak: 0 mV, v_th: 1000 mV}}\n"
    "inputs:\n"
    "  s: {type: spike_array, size: 1, spikes: [[0 ms]]}\n"
    "projections:\n"
    "  - {from: s, to: n, connect: one_to_one, weight: 3 mV, delay: 0.25 ms}\n";

START_TEST(test_single_neuron_closed_forms) {
  int euler = _i;
  slp_model *m = NULL;
  slp_diag d;
  ck_assert_int_eq(slp_model_load(&m, "one", one_lif, strlen(one_lif), &d), 0);
  m->cfg.propagator = euler ? SLP_PROPAGATOR_EULER : SLP_PROPAGATOR_EXACT;
  slp_sim *sim = NULL;
  ck_assert_int_eq(slp_sim_create(&sim, m->net, &m->cfg, &d), 0);
  const double h = 0.25, w = 3.0, tm = 10.0, ts = 4.0;
  const slp_tick H = 250000;
  double worst = 0;
  /* Step by step: the window is the smallest delay, H.  Running to `until`
   * processes the ticks before it; the input arrives at tick H, so after
   * the tick until - H the neuron has taken until/H - 2 steps since. */
  for (slp_tick until = 2 * H; until <= 100 * H; until += H) {
    ck_assert_int_eq(slp_sim_run(sim, until, NULL, NULL), 0);
    int n = (int)(until / H) - 2;
    double u = sim->stepper->st.u[0], want;
    if (euler) {
      double p = 1 - h / tm, q = 1 - h / ts;
      want = h / tm * w * (pow(p, n) - pow(q, n)) / (p - q);
    } else {
      double s = n * h;
      want = w * ts / (ts - tm) * (exp(-s / ts) - exp(-s / tm));
    }
    double err = fabs(u - want);
    if (err > worst)
      worst = err;
  }
  ck_assert_msg(worst < 1e-12, "%s: worst |u - closed form| = %g mV",
                euler ? "Euler" : "exact", worst);
  slp_sim_destroy(sim);
  slp_model_destroy(m);
}
END_TEST

/*
 * A graze: one input whose PSP peaks just above threshold between two grid
 * points and is below it again at both.  With tau_mem = 2 tau_syn = 10 ms,
 * K(s) = e^{-s/10} - e^{-s/5} peaks at s = 10 ln 2 = 6.93 ms with 1/4;
 * K(6) = 0.2476, K(7) = 0.249988.  With w = 20 mV / 0.249995, w K is above
 * 20 mV only for s in about (6.87, 6.99) ms.  The input arrives at 1 ms
 * (dt = 1 ms), so grid mode fires once, at the grid point after the
 * crossing, 8 ms; the steppers must find the same spike although v is
 * below threshold at every step's end.
 */
static const char graze[] =
    "simulation: {time: 30 ms, mode: grid, dt: 1 ms}\n"
    "populations:\n"
    "  n: {size: 1, model: lif, params: {tau_mem: 10 ms, tau_syn_exc: 5 ms,"
    " v_leak: 0 mV, v_th: 20 mV, v_reset: 0 mV}}\n"
    "inputs:\n"
    "  s: {type: spike_array, size: 1, spikes: [[0 ms]]}\n"
    "projections:\n"
    "  - {from: s, to: n, connect: one_to_one, weight: 80.0016000320006 mV,"
    " delay: 1 ms}\n";

START_TEST(test_graze_found) {
  slp_mode modes[3] = {SLP_MODE_GRID, SLP_MODE_CLOCK, SLP_MODE_DENSE};
  for (int k = 0; k < 3; k++) {
    record r;
    run_text(graze, modes[k], SLP_PROPAGATOR_EXACT, &r);
    ck_assert_msg(r.count == 1 && r.first_t == 8 * SLP_TICKS_PER_MS,
                  "%s: %llu spikes, first at %lld ticks", slp_mode_name(modes[k]),
                  (unsigned long long)r.count, (long long)r.first_t);
  }
}
END_TEST

/* ---- refusals ---------------------------------------------------------- */

/* Build text in mode; expect err, with `key` and `words` in the diag. */
static void expect_build_error(const char *text, slp_mode mode,
                               slp_propagator prop, int err, const char *key,
                               const char *words) {
  slp_model *m = NULL;
  slp_diag d;
  memset(&d, 0, sizeof d);
  ck_assert_int_eq(slp_model_load(&m, "bad", text, strlen(text), &d), 0);
  m->cfg.mode = mode;
  m->cfg.propagator = prop;
  slp_sim *sim = (slp_sim *)&d; /* must come back NULL */
  int rc = slp_sim_create(&sim, m->net, &m->cfg, &d);
  ck_assert_int_eq(rc, err);
  ck_assert_ptr_null(sim);
  ck_assert_str_eq(d.key, key);
  ck_assert_msg(strstr(d.message, words) != NULL, "message: %s", d.message);
  slp_model_destroy(m);
}

START_TEST(test_refusals) {
  /* A model the steppers do not know. */
  expect_build_error(
      "populations: {a: {size: 10, model: lsnn}}\n", SLP_MODE_CLOCK,
      SLP_PROPAGATOR_EXACT, SLP_EINVAL, "simulation.mode",
      "population 'a': the dense and clock modes step the models lif and "
      "lif_box only, not 'lsnn'");
  /* Euler with dt not below a time constant. */
  expect_build_error(
      "simulation: {dt: 2 ms}\n"
      "populations: {a: {size: 10, model: lif, params: {tau_syn_inh: 2 ms}}}\n",
      SLP_MODE_DENSE, SLP_PROPAGATOR_EULER, SLP_ERANGE, "simulation.dt",
      "tau_syn_inh = 2 ms");
  /* A dense matrix beyond any memory: 300000^2 floats = 360 GB. */
  expect_build_error(
      "populations: {a: {size: 300000, model: lif_box}}\n"
      "projections: [{from: a, to: a, connect: one_to_one, weight: 1 mV,"
      " delay: 1 ms}]\n",
      SLP_MODE_DENSE, SLP_PROPAGATOR_EXACT, SLP_ELIMIT, "simulation.mode",
      "use mode clock");
  /* What the event path has and the baselines do not: state recording and
   * plastic synapses. */
  expect_build_error(
      "populations: {a: {size: 10, model: lif}}\n"
      "record: {state: {population: a, vars: v, interval: 1 ms, file: "
      "never.csv}}\n",
      SLP_MODE_CLOCK, SLP_PROPAGATOR_EXACT, SLP_EINVAL, "record.state",
      "not available in the clock mode");
  expect_build_error(
      "populations: {a: {size: 10, model: lif}}\n"
      "projections: [{name: aa, from: a, to: a, connect: all_to_all, "
      "weight: 1 mV, delay: 1 ms, plasticity: {rule: stdp, w_max: 2 mV}}]\n",
      SLP_MODE_DENSE, SLP_PROPAGATOR_EXACT, SLP_EINVAL, "simulation.mode",
      "plastic projections do not run in the dense mode");
}
END_TEST

/* Model-file keys: file, line and key of every mistake. */
static void expect_load_error(const char *text, unsigned line,
                              const char *key, const char *words) {
  slp_model *m = NULL;
  slp_diag d;
  memset(&d, 0, sizeof d);
  int rc = slp_model_load(&m, "keys.yaml", text, strlen(text), &d);
  ck_assert_int_eq(rc, SLP_EINVAL);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(d.file, "keys.yaml");
  ck_assert_uint_eq(d.line, line);
  ck_assert_str_eq(d.key, key);
  ck_assert_msg(strstr(d.message, words) != NULL, "message: %s", d.message);
}

START_TEST(test_model_file_keys) {
  const char *pops = "populations: {a: {size: 1, model: lif}}\n";
  char text[512];
  snprintf(text, sizeof text,
           "simulation:\n  mode: clock\n  propagator: rk4\n%s", pops);
  expect_load_error(text, 3, "simulation.propagator",
                    "propagator must be 'exact' or 'euler', not 'rk4'");
  snprintf(text, sizeof text,
           "simulation:\n  mode: grid\n  propagator: euler\n%s", pops);
  expect_load_error(text, 3, "simulation.propagator",
                    "applies to the modes 'dense' and 'clock' only");
  snprintf(text, sizeof text, "simulation:\n  mode: dens\n%s", pops);
  expect_load_error(text, 2, "simulation.mode",
                    "'dense', 'clock', 'norse', 'exact' or 'grid', not 'dens'");
  /* And the good ones load. */
  slp_model *m = NULL;
  slp_diag d;
  snprintf(text, sizeof text,
           "simulation: {mode: dense, propagator: euler}\n%s", pops);
  ck_assert_int_eq(slp_model_load(&m, "ok", text, strlen(text), &d), 0);
  ck_assert_int_eq(m->cfg.mode, SLP_MODE_DENSE);
  ck_assert_int_eq(m->cfg.propagator, SLP_PROPAGATOR_EULER);
  slp_model_destroy(m);
}
END_TEST

/* The program: --mode dense on a model it cannot step exits 2, naming the
 * file and the key; --propagator euler in clock mode runs. */
START_TEST(test_cli) {
  const char *bin = getenv("SLEIPNIR_BIN");
  if (bin == NULL || bin[0] == '\0')
    bin = "./sleipnir";
  char dir[] = "/tmp/test_baseline.XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char model[256], err[256], cmd[1024];
  snprintf(model, sizeof model, "%s/m.yaml", dir);
  snprintf(err, sizeof err, "%s/err.txt", dir);
  FILE *f = fopen(model, "w");
  ck_assert_ptr_nonnull(f);
  fputs("simulation: {time: 20 ms}\n"
        "populations: {a: {size: 10, model: lsnn}, b: {size: 10, model: lif}}\n",
        f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "'%s' run '%s' --mode dense --quiet 2>'%s'", bin,
           model, err);
  int st = system(cmd);
  ck_assert(WIFEXITED(st));
  ck_assert_int_eq(WEXITSTATUS(st), 2);
  f = fopen(err, "r");
  ck_assert_ptr_nonnull(f);
  char msg[1024] = "";
  size_t got = fread(msg, 1, sizeof msg - 1, f);
  msg[got] = '\0';
  fclose(f);
  ck_assert_msg(strstr(msg, model) != NULL && strstr(msg, "simulation.mode") &&
                    strstr(msg, "'lsnn'"),
                "stderr: %s", msg);
  snprintf(cmd, sizeof cmd,
           "'%s' run --time 20ms --mode clock --propagator euler --quiet "
           "--json >'%s'",
           bin, err);
  st = system(cmd);
  ck_assert(WIFEXITED(st));
  ck_assert_int_eq(WEXITSTATUS(st), 0);
  f = fopen(err, "r");
  ck_assert_ptr_nonnull(f);
  got = fread(msg, 1, sizeof msg - 1, f);
  msg[got] = '\0';
  fclose(f);
  ck_assert_msg(strstr(msg, "\"mode\":\"clock\"") &&
                    strstr(msg, "\"propagator\":\"euler\""),
                "stdout: %s", msg);
  unlink(model);
  unlink(err);
  rmdir(dir);
}
END_TEST

static Suite *suite_baseline(void) {
  Suite *s = suite_create("baseline");
  TCase *tc = tcase_create("agreement");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_lif_exact_equals_grid);
  tcase_add_test(tc, test_lif_box_exact_equals_event_modes);
  tcase_add_test(tc, test_lif_box_tonic_equals_grid);
  tcase_add_test(tc, test_euler_rate_matches_exact);
  tcase_add_loop_test(tc, test_single_neuron_closed_forms, 0, 2);
  tcase_add_test(tc, test_graze_found);
  suite_add_tcase(s, tc);
  tc = tcase_create("refusals");
  tcase_add_test(tc, test_refusals);
  tcase_add_test(tc, test_model_file_keys);
  tcase_add_test(tc, test_cli);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite_baseline());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
