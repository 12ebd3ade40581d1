/*
 * tests/test_model_file.c -- the YAML model loader and quantities with units.
 *
 * Good files are checked against the network description they must build
 * (read through the internal struct slp_network); bad files, one table row
 * each, must fail with the right code, at the right line, naming the key.
 * Examples are found through $srcdir (set by automake; default ".").
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sleipnir.h"
#include "core/alloc.h"
#include "network/network.h"
#include "neurons/model.h"

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */
/* ---------------------------------------------------------------------- */

/* $srcdir/rel into buf. */
static const char *src_path(char *buf, size_t cap, const char *rel) {
  const char *dir = getenv("srcdir");
  snprintf(buf, cap, "%s/%s", dir && dir[0] ? dir : ".", rel);
  return buf;
}

static int load_inline(slp_model **m, const char *text, slp_diag *d) {
  return slp_model_load(m, "inline.yaml", text, strlen(text), d);
}

/* Load text that must be accepted; fail the test with the diag otherwise. */
static slp_model *must_load(const char *text) {
  slp_model *m = NULL;
  slp_diag d;
  int rc = load_inline(&m, text, &d);
  ck_assert_msg(rc == 0, "load failed: %s %s:%u:%u [%s] %s", slp_err_name(rc),
                d.file, d.line, d.column, d.key, d.message);
  ck_assert_ptr_nonnull(m);
  return m;
}

static const slp__group *group(const slp_model *m, const char *name) {
  uint32_t id;
  ck_assert_msg(slp_network_find(m->net, name, &id) == 0, "no group %s", name);
  return &m->net->groups[id];
}

static double param(const slp__group *g, const char *name) {
  int k = slp__model_param_index(g->model, name);
  ck_assert_msg(k >= 0, "model %s has no parameter %s", g->model->name, name);
  return g->params[k];
}

static const slp_dist *init_of(const slp__group *g, const char *var) {
  int k = slp__model_state_index(g->model, var);
  ck_assert_msg(k >= 0, "model %s has no state %s", g->model->name, var);
  return &g->init[k];
}

#define TOL 1e-9

/* Write text to dir/name; the path goes to buf. */
static void write_file(char *buf, size_t cap, const char *dir,
                       const char *name, const char *text) {
  snprintf(buf, cap, "%s/%s", dir, name);
  FILE *f = fopen(buf, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
  ck_assert_int_eq(fclose(f), 0);
}

/* A scratch directory per test, removed with its files in teardown. */
static char tmpdir[64];
static char tmpfiles[8][320];
static int n_tmpfiles;

static void tmp_setup(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/slp_model_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
  n_tmpfiles = 0;
}

static void tmp_teardown(void) {
  for (int k = 0; k < n_tmpfiles; k++)
    remove(tmpfiles[k]);
  rmdir(tmpdir);
}

static const char *tmp_write(const char *name, const char *text) {
  ck_assert_int_lt(n_tmpfiles, 8);
  char *buf = tmpfiles[n_tmpfiles++];
  write_file(buf, sizeof tmpfiles[0], tmpdir, name, text);
  return buf;
}

/* ---------------------------------------------------------------------- */
/* Quantities                                                             */
/* ---------------------------------------------------------------------- */

static const struct {
  const char *text;
  slp_dim dim;
  double want; /* API units */
} good_quantities[] = {
    {"20 ms", SLP_DIM_TIME, 20.0},
    {"0.02 s", SLP_DIM_TIME, 20.0},
    {"1.5e-3", SLP_DIM_TIME, 1.5}, /* bare number: seconds */
    {"0.01", SLP_DIM_TIME, 10.0},
    {"-50mV", SLP_DIM_VOLTAGE, -50.0},
    {"1.0", SLP_DIM_VOLTAGE, 1000.0}, /* bare number: volts */
    {"20 kHz", SLP_DIM_RATE, 20000.0},
    {"100 us", SLP_DIM_TIME, 0.1},
    {"5 \xc2\xb5s", SLP_DIM_TIME, 0.005},
    {"250 ns", SLP_DIM_TIME, 0.00025},
    {"2 min", SLP_DIM_TIME, 120000.0},
    {"1 V", SLP_DIM_VOLTAGE, 1000.0},
    {"500 uV", SLP_DIM_VOLTAGE, 0.5},
    {"3 MHz", SLP_DIM_RATE, 3e6},
    {"10", SLP_DIM_RATE, 10.0},
    {"  7 Hz\t", SLP_DIM_RATE, 7.0},
    {"0.25", SLP_DIM_NONE, 0.25},
    {"300ms", SLP_DIM_TIME, 300.0},
};

START_TEST(test_quantity_good) {
  double v = -1;
  slp_diag d;
  int rc = slp_quantity_parse(good_quantities[_i].text, good_quantities[_i].dim,
                              &v, &d);
  ck_assert_msg(rc == 0, "'%s': %s", good_quantities[_i].text, d.message);
  ck_assert_double_eq_tol(v, good_quantities[_i].want,
                          1e-12 * fabs(good_quantities[_i].want) + 1e-15);
}
END_TEST

static const struct {
  const char *text;
  slp_dim dim;
  int err;
  const char *msg; /* part of the message */
} bad_quantities[] = {
    {"20 mV", SLP_DIM_TIME, SLP_EUNIT, "'mV' is a voltage unit"},
    {"20 ms", SLP_DIM_VOLTAGE, SLP_EUNIT, "'ms' is a time unit"},
    {"5 Hz", SLP_DIM_NONE, SLP_EUNIT, "plain number"},
    {"20 parsecs", SLP_DIM_TIME, SLP_EUNIT, "'parsecs' is not a unit"},
    {"20 Ms", SLP_DIM_TIME, SLP_EUNIT, "'Ms' is not a unit"},
    {"mV", SLP_DIM_VOLTAGE, SLP_EPARSE, "no number"},
    {"", SLP_DIM_TIME, SLP_EPARSE, "empty"},
    {"   ", SLP_DIM_TIME, SLP_EPARSE, "empty"},
    {"abc", SLP_DIM_TIME, SLP_EPARSE, "not a number"},
    {"inf ms", SLP_DIM_TIME, SLP_EPARSE, "finite"},
    {"nan", SLP_DIM_VOLTAGE, SLP_EPARSE, "finite"},
    {"1e999 s", SLP_DIM_TIME, SLP_EPARSE, "finite"},
    {"1e308 min", SLP_DIM_TIME, SLP_EPARSE, "too large"},
    {"20 ms x", SLP_DIM_TIME, SLP_EPARSE, "unexpected text 'x'"},
};

START_TEST(test_quantity_bad) {
  double v = 42.0;
  slp_diag d;
  memset(&d, 0, sizeof d);
  int rc = slp_quantity_parse(bad_quantities[_i].text, bad_quantities[_i].dim,
                              &v, &d);
  ck_assert_msg(rc == bad_quantities[_i].err, "'%s': got %s, want %s",
                bad_quantities[_i].text, slp_err_name(rc),
                slp_err_name(bad_quantities[_i].err));
  ck_assert_msg(strstr(d.message, bad_quantities[_i].msg) != NULL,
                "'%s': message '%s' lacks '%s'", bad_quantities[_i].text,
                d.message, bad_quantities[_i].msg);
  ck_assert_double_eq(v, 42.0); /* untouched on failure */
  /* A NULL diag is allowed. */
  ck_assert_int_eq(slp_quantity_parse(bad_quantities[_i].text,
                                      bad_quantities[_i].dim, &v, NULL),
                   bad_quantities[_i].err);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Good models                                                            */
/* ---------------------------------------------------------------------- */

static void check_cuba_network(const slp_model *m) {
  ck_assert_uint_eq(slp_network_neuron_count(m->net), 4000);
  ck_assert_uint_eq(slp_network_source_count(m->net), 0);
  ck_assert_uint_eq(m->net->n_groups, 2);
  static const char *const names[] = {"exc", "inh"};
  static const uint32_t sizes[] = {3200, 800};
  for (int k = 0; k < 2; k++) {
    const slp__group *g = &m->net->groups[k];
    ck_assert_str_eq(g->name, names[k]);
    ck_assert_uint_eq(g->size, sizes[k]);
    ck_assert_str_eq(g->model->name, "lif");
    ck_assert_double_eq_tol(param(g, "tau_mem"), 20.0, TOL);
    ck_assert_double_eq_tol(param(g, "tau_syn_exc"), 5.0, TOL);
    ck_assert_double_eq_tol(param(g, "tau_syn_inh"), 10.0, TOL);
    ck_assert_double_eq_tol(param(g, "v_leak"), -49.0, TOL);
    ck_assert_double_eq_tol(param(g, "v_th"), -50.0, TOL);
    ck_assert_double_eq_tol(param(g, "v_reset"), -60.0, TOL);
    ck_assert_double_eq_tol(param(g, "t_ref"), 5.0, TOL);
    const slp_dist *v = init_of(g, "v");
    ck_assert_int_eq(v->kind, SLP_DIST_UNIFORM);
    ck_assert_double_eq_tol(v->a, -60.0, TOL);
    ck_assert_double_eq_tol(v->b, -50.0, TOL);
    ck_assert_int_eq(g->init_set[slp__model_state_index(g->model, "v")], 1);
  }
  ck_assert_uint_eq(m->net->n_projs, 2);
  static const double weights[] = {1.62, -9.0};
  static const char *const receptors[] = {"exc", "inh"};
  for (uint32_t k = 0; k < 2; k++) {
    const slp__projection *p = &m->net->projs[k];
    ck_assert_uint_eq(p->from, k);
    ck_assert_uint_eq(p->n_to, 2);
    ck_assert_uint_eq(p->to[0], 0);
    ck_assert_uint_eq(p->to[1], 1);
    ck_assert_uint_eq(p->n_post, 4000);
    ck_assert_int_eq(p->rule, SLP_CONNECT_FIXED_PROBABILITY);
    ck_assert_double_eq_tol(p->p, 0.02, TOL);
    ck_assert_int_eq(p->weight.kind, SLP_DIST_CONST);
    ck_assert_double_eq_tol(p->weight.a, weights[k], TOL);
    ck_assert_int_eq(p->delay.kind, SLP_DIST_CONST);
    ck_assert_double_eq_tol(p->delay.a, 0.1, TOL);
    ck_assert_str_eq(p->receptor_name, receptors[k]);
    ck_assert_uint_eq(p->receptor, k); /* lif: exc = 0, inh = 1 */
  }
  ck_assert_double_eq_tol(m->cfg.time_ms, 1000.0, TOL);
  ck_assert_uint_eq(m->cfg.seed, 1);
  ck_assert_int_eq(m->cfg.mode, SLP_MODE_EXACT);
}

START_TEST(test_cuba_example) {
  char path[512];
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(&m, src_path(path, sizeof path, "examples/cuba.yaml"),
                          NULL, 0, &d);
  ck_assert_msg(rc == 0, "%s:%u: %s", d.file, d.line, d.message);
  check_cuba_network(m);
  ck_assert_ptr_nonnull(m->cfg.spikes_path);
  ck_assert_ptr_eq(m->cfg.spikes_path, m->spikes_path);
  ck_assert_str_eq(m->spikes_path, "cuba_spikes.csv");
  slp_model_destroy(m);
}
END_TEST

START_TEST(test_default_model_is_cuba) {
  slp_model *m = must_load(slp_model_default_text());
  check_cuba_network(m);
  ck_assert_ptr_null(m->cfg.spikes_path); /* no record section */
  ck_assert_ptr_null(m->spikes_path);
  slp_model_destroy(m);
}
END_TEST

START_TEST(test_brunel_example) {
  char path[512];
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(
      &m, src_path(path, sizeof path, "examples/brunel.yaml"), NULL, 0, &d);
  ck_assert_msg(rc == 0, "%s:%u: %s", d.file, d.line, d.message);
  ck_assert_uint_eq(slp_network_neuron_count(m->net), 12500);
  ck_assert_uint_eq(slp_network_source_count(m->net), 12500);
  const slp__group *exc = group(m, "exc"), *inh = group(m, "inh");
  ck_assert_uint_eq(exc->size, 10000);
  ck_assert_uint_eq(inh->size, 2500);
  ck_assert_str_eq(exc->model->name, "lif_box");
  ck_assert_double_eq_tol(param(inh, "tau_mem"), 20.0, TOL);
  ck_assert_double_eq_tol(param(inh, "v_th"), 20.0, TOL);
  ck_assert_double_eq_tol(param(inh, "v_reset"), 0.0, TOL);
  ck_assert_double_eq_tol(param(inh, "t_ref"), 2.0, TOL);
  ck_assert_int_eq(init_of(exc, "v")->kind, SLP_DIST_CONST);
  ck_assert_double_eq_tol(init_of(exc, "v")->a, 0.0, TOL);
  const slp__group *ext = group(m, "ext");
  ck_assert_int_eq(ext->kind, SLP__GROUP_POISSON);
  ck_assert_uint_eq(ext->size, 12500);
  ck_assert_ptr_null(ext->rates);
  ck_assert_int_eq(ext->rate.kind, SLP_DIST_CONST);
  ck_assert_double_eq_tol(ext->rate.a, 20000.0, TOL);
  ck_assert_uint_eq(m->net->n_projs, 3);
  const slp__projection *p = m->net->projs;
  ck_assert_int_eq(p[0].rule, SLP_CONNECT_ONE_TO_ONE);
  ck_assert_uint_eq(p[0].n_post, 12500);
  ck_assert_int_eq(p[1].rule, SLP_CONNECT_FIXED_INDEGREE);
  ck_assert_uint_eq(p[1].k, 1000);
  ck_assert_double_eq_tol(p[1].weight.a, 0.1, TOL);
  ck_assert_int_eq(p[2].rule, SLP_CONNECT_FIXED_INDEGREE);
  ck_assert_uint_eq(p[2].k, 250);
  ck_assert_double_eq_tol(p[2].weight.a, -0.5, TOL);
  ck_assert_str_eq(p[2].receptor_name, "inh");
  for (int k = 0; k < 3; k++)
    ck_assert_double_eq_tol(p[k].delay.a, 1.5, TOL);
  ck_assert_int_eq(m->cfg.mode, SLP_MODE_GRID);
  ck_assert_double_eq_tol(m->cfg.dt_ms, 0.1, TOL);
  ck_assert_double_eq_tol(m->cfg.time_ms, 1000.0, TOL);
  ck_assert_str_eq(m->cfg.spikes_path, "brunel_spikes.csv");
  slp_model_destroy(m);
}
END_TEST

/* Every form the file accepts, once. */
static const char every_form[] =
    "simulation: {time: 300 ms, seed: 18446744073709551615, mode: grid,\n"
    "             dt: 0.05 ms, threads: 4}\n"
    "populations:\n"
    "  a:\n"
    "    size: 5\n"
    "    model: lif\n"
    "    params: {tau_syn: 4 ms, tau_mem: 0.01, v_th: 1.0, tau_refrac: 2 ms}\n"
    "    init:\n"
    "      v: {normal: [-55 mV, 2 mV], clip: [-70 mV, -50 mV]}\n"
    "      i_exc: {normal: [0 mV, 0.5 mV]}\n"
    "  b_2:\n"
    "    size: 3\n"
    "    model: lif_box\n"
    "    params:\n"
    "    init: {v: -0.065}\n"
    "inputs:\n"
    "  list_rates: {type: poisson, size: 3, rate: [1 Hz, 2 kHz, 0]}\n"
    "  drawn: {type: poisson, size: 2, rate: {normal: [10 Hz, 5 Hz]}}\n"
    "  stim:\n"
    "    type: spike_array\n"
    "    size: 2\n"
    "    spikes: [[5 ms, 1 ms], [2.5 ms]]\n"
    "projections:\n"
    "  - from: stim\n"
    "    to: [a, b_2]\n"
    "    connect: {from_list: [[0, 0], [1, 7]]}\n"
    "    weight: {uniform: [0.5 mV, 1 mV]}\n"
    "    delay: {normal: [1 ms, 0.2 ms], clip: [0.5 ms, 2 ms]}\n"
    "  - name: rec\n"
    "    from: a\n"
    "    to: a\n"
    "    connect: {fixed_outdegree: 2, autapses: false, multapses: false}\n"
    "    weight: -0.5 mV\n"
    "    delay: {uniform: [1 ms, 2 ms]}\n"
    "    receptor: inh\n"
    "  - from: list_rates\n"
    "    to: b_2\n"
    "    connect: {all_to_all: true, autapses: false}\n"
    "    weight: 1 mV\n"
    "    delay: 1 ms\n"
    "record: {spikes: {file: out/spikes.csv}}\n";

START_TEST(test_every_form) {
  slp_model *m = must_load(every_form);
  ck_assert_double_eq_tol(m->cfg.time_ms, 300.0, TOL);
  ck_assert_uint_eq(m->cfg.seed, UINT64_MAX);
  ck_assert_int_eq(m->cfg.mode, SLP_MODE_GRID);
  ck_assert_double_eq_tol(m->cfg.dt_ms, 0.05, TOL);
  ck_assert_uint_eq(m->cfg.threads, 4);
  ck_assert_str_eq(m->cfg.spikes_path, "out/spikes.csv"); /* not resolved */

  const slp__group *a = group(m, "a");
  ck_assert_double_eq_tol(param(a, "tau_syn_exc"), 4.0, TOL); /* tau_syn */
  ck_assert_double_eq_tol(param(a, "tau_syn_inh"), 4.0, TOL);
  ck_assert_double_eq_tol(param(a, "tau_mem"), 10.0, TOL);    /* 0.01 s */
  ck_assert_double_eq_tol(param(a, "v_th"), 1000.0, TOL);     /* 1.0 V */
  ck_assert_double_eq_tol(param(a, "t_ref"), 2.0, TOL);       /* PyNN alias */
  const slp_dist *v = init_of(a, "v");
  ck_assert_int_eq(v->kind, SLP_DIST_NORMAL);
  ck_assert_double_eq_tol(v->a, -55.0, TOL);
  ck_assert_double_eq_tol(v->b, 2.0, TOL);
  ck_assert_double_eq_tol(v->lo, -70.0, TOL);
  ck_assert_double_eq_tol(v->hi, -50.0, TOL);
  const slp_dist *i = init_of(a, "i_exc");
  ck_assert_int_eq(i->kind, SLP_DIST_NORMAL);
  ck_assert(isinf(i->lo) && i->lo < 0);
  ck_assert(isinf(i->hi) && i->hi > 0);
  const slp__group *b = group(m, "b_2");
  ck_assert_double_eq_tol(init_of(b, "v")->a, -65.0, TOL);
  ck_assert_double_eq_tol(param(b, "tau_mem"),
                          b->model->params[slp__model_param_index(b->model,
                                                                  "tau_mem")]
                              .deflt,
                          TOL); /* empty params: defaults */

  const slp__group *lr = group(m, "list_rates");
  ck_assert_ptr_nonnull(lr->rates);
  ck_assert_double_eq_tol(lr->rates[0], 1.0, TOL);
  ck_assert_double_eq_tol(lr->rates[1], 2000.0, TOL);
  ck_assert_double_eq_tol(lr->rates[2], 0.0, TOL);
  const slp__group *dr = group(m, "drawn");
  ck_assert_int_eq(dr->rate.kind, SLP_DIST_NORMAL);
  ck_assert_double_eq(dr->rate.lo, 0.0); /* rates clipped at 0 Hz */
  ck_assert(isinf(dr->rate.hi));
  const slp__group *st = group(m, "stim");
  ck_assert_uint_eq(st->n_events, 3);
  ck_assert_double_eq_tol(st->events[0].time_ms, 1.0, TOL);
  ck_assert_uint_eq(st->events[0].source, 0);
  ck_assert_double_eq_tol(st->events[1].time_ms, 2.5, TOL);
  ck_assert_uint_eq(st->events[1].source, 1);
  ck_assert_double_eq_tol(st->events[2].weight, 1.0, TOL);

  ck_assert_uint_eq(m->net->n_projs, 3);
  const slp__projection *p = m->net->projs;
  ck_assert_int_eq(p[0].rule, SLP_CONNECT_LIST);
  ck_assert_uint_eq(p[0].n_pairs, 2);
  ck_assert_uint_eq(p[0].pairs[2], 1);
  ck_assert_uint_eq(p[0].pairs[3], 7);
  ck_assert_uint_eq(p[0].n_post, 8);
  ck_assert_int_eq(p[0].weight.kind, SLP_DIST_UNIFORM);
  ck_assert_int_eq(p[0].delay.kind, SLP_DIST_NORMAL);
  ck_assert_double_eq_tol(p[0].delay.lo, 0.5, TOL);
  ck_assert_str_eq(p[0].receptor_name, "exc"); /* the default */
  ck_assert_str_eq(p[1].name, "rec");
  ck_assert_int_eq(p[1].rule, SLP_CONNECT_FIXED_OUTDEGREE);
  ck_assert_uint_eq(p[1].k, 2);
  ck_assert_int_eq(p[1].autapses, 0);
  ck_assert_int_eq(p[1].multapses, 0);
  ck_assert_int_eq(p[2].rule, SLP_CONNECT_ALL_TO_ALL);
  ck_assert_int_eq(p[2].autapses, 0);
  slp_model_destroy(m);
}
END_TEST

/* Every encoder type, with units and aliases, builds the description its
 * keys say: times from the closed forms, rates from f_max and the values. */
static const char encoder_inputs[] =
      "populations:\n  exc: {size: 10, model: lif}\n"
      "inputs:\n"
      "  reg: {type: regular, size: 3, rate: [10 Hz, 0.2 kHz, 0], phase: 2 ms,\n"
      "        jitter: 500 us}\n"
      "  reg1: {type: regular, size: 2, rate: 50}\n"
      "  cc: {type: constant_current_lif, size: 2, value: [1.5, 800 mV],\n"
      "       params: {tau_m: 20 ms, v_thresh: 0.5, v_reset: -0.1}}\n"
      "  lat: {type: latency, size: 1, value: 2, init: {v: 0.25}}\n"
      "  pv: {type: poisson, size: 2, value: [0.5, 1.5]}\n"
      "  pf: {type: poisson, size: 2, value: 0.5, f_max: 1 kHz}\n"
      "  sp: {type: signed_poisson, size: 3, value: [-0.5, 0, 2], f_max: 50 Hz}\n"
      "  pop: {type: population, size: 3, value: [0, 1], scale: 2,\n"
      "        f_max: 10 Hz}\n";

START_TEST(test_encoder_inputs) {
  slp_model *m = must_load(encoder_inputs);
  const slp__group *g = group(m, "reg");
  ck_assert_int_eq(g->kind, SLP__GROUP_REGULAR);
  ck_assert_double_eq_tol(g->first_ms[0], 2.0, TOL);
  ck_assert_double_eq_tol(g->period_ms[0], 100.0, TOL);
  ck_assert_double_eq_tol(g->period_ms[1], 5.0, TOL);
  ck_assert(isinf(g->first_ms[2])); /* 0 Hz: silent */
  ck_assert_double_eq_tol(g->jitter_ms, 0.5, TOL);
  g = group(m, "reg1"); /* bare number: Hz; phase and jitter 0 */
  ck_assert_double_eq_tol(g->first_ms[1], 0.0, TOL);
  ck_assert_double_eq_tol(g->period_ms[1], 20.0, TOL);
  ck_assert_double_eq(g->jitter_ms, 0.0);
  /* v tends to I (v_leak 0); from 0 to v_th = 500 mV, then from -100 mV. */
  g = group(m, "cc");
  ck_assert_double_eq_tol(g->first_ms[0], 20.0 * log(1500.0 / 1000.0), 1e-12);
  ck_assert_double_eq_tol(g->period_ms[0], 20.0 * log(1600.0 / 1000.0), 1e-12);
  ck_assert_double_eq_tol(g->first_ms[1], 20.0 * log(800.0 / 300.0), 1e-12);
  ck_assert_double_eq_tol(g->period_ms[1], 20.0 * log(900.0 / 300.0), 1e-12);
  /* Norse defaults, from v = 250 mV: one spike. */
  g = group(m, "lat");
  ck_assert_double_eq_tol(g->first_ms[0], 10.0 * log(1750.0 / 1000.0), 1e-12);
  ck_assert(isinf(g->period_ms[0]));
  g = group(m, "pv"); /* f_max defaults to Norse's 100 Hz */
  ck_assert_int_eq(g->kind, SLP__GROUP_POISSON);
  ck_assert_double_eq_tol(g->rates[0], 50.0, TOL);
  ck_assert_double_eq_tol(g->rates[1], 150.0, TOL);
  g = group(m, "pf");
  ck_assert_double_eq_tol(g->rates[1], 500.0, TOL);
  g = group(m, "sp");
  ck_assert_int_eq(g->kind, SLP__GROUP_SIGNED_POISSON);
  ck_assert_double_eq_tol(g->rates[0], 25.0, TOL);
  ck_assert_double_eq_tol(g->rates[1], 0.0, TOL);
  ck_assert_double_eq_tol(g->rates[2], 100.0, TOL);
  ck_assert(g->signs[0] == -1.0f && g->signs[1] == 0.0f && g->signs[2] == 1.0f);
  g = group(m, "pop"); /* 2 values x 3 fields, centres 0, 1, 2 */
  ck_assert_uint_eq(g->size, 6);
  ck_assert_double_eq_tol(g->rates[0], 10.0, TOL);             /* x 0, c 0 */
  ck_assert_double_eq_tol(g->rates[2], 10.0 * exp(-4.0), TOL); /* x 0, c 2 */
  ck_assert_double_eq_tol(g->rates[4], 10.0, TOL);             /* x 1, c 1 */
  ck_assert_uint_eq(slp_network_source_count(m->net), 3 + 2 + 2 + 1 + 2 + 2 +
                                                          3 + 6);
  slp_model_destroy(m);
}
END_TEST

/* A model file with a spike CSV and a connection CSV next to it, loaded by
 * path from another directory: relative names follow the model file. */
START_TEST(test_csv_files) {
  tmp_write("stim.csv", "time_ms,source,weight\r\n"
                        "\r\n"
                        "2.5, 1\r\n"
                        "# a comment\r\n"
                        "1,0,0.5\r\n"
                        "1 , 2 , -2\r\n");
  tmp_write("pairs.csv", "pre,post\n0,0\n2,9\n");
  const char *model = tmp_write(
      "model.yaml", "populations: {p: {size: 10, model: lif}}\n"
                    "inputs:\n"
                    "  rec: {type: spike_array, size: 3, file: stim.csv}\n"
                    "projections:\n"
                    "  - {from: rec, to: p, connect: {from_file: pairs.csv},\n"
                    "     weight: 1 mV, delay: 1 ms}\n");
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(&m, model, NULL, 0, &d);
  ck_assert_msg(rc == 0, "%s:%u: [%s] %s", d.file, d.line, d.key, d.message);
  const slp__group *g = group(m, "rec");
  ck_assert_uint_eq(g->n_events, 3);
  ck_assert_double_eq_tol(g->events[0].time_ms, 1.0, TOL);
  ck_assert_uint_eq(g->events[0].source, 0);
  ck_assert_double_eq_tol(g->events[0].weight, 0.5, TOL);
  ck_assert_uint_eq(g->events[1].source, 2);
  ck_assert_double_eq_tol(g->events[1].weight, -2.0, TOL);
  ck_assert_double_eq_tol(g->events[2].time_ms, 2.5, TOL);
  ck_assert_double_eq_tol(g->events[2].weight, 1.0, TOL);
  const slp__projection *p = &m->net->projs[0];
  ck_assert_int_eq(p->rule, SLP_CONNECT_LIST);
  ck_assert_uint_eq(p->n_pairs, 2);
  ck_assert_uint_eq(p->pairs[2], 2);
  ck_assert_uint_eq(p->pairs[3], 9);
  slp_model_destroy(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Bad models                                                             */
/* ---------------------------------------------------------------------- */

#define POP "populations:\n  exc: {size: 10, model: lif}\n" /* 2 lines */
#define PROJ(connect, weight, delay)                                          \
  "projections:\n"                                                            \
  "  - from: exc\n"                                                           \
  "    to: exc\n"                                                             \
  "    connect: " connect "\n"                                                \
  "    weight: " weight "\n"                                                  \
  "    delay: " delay "\n" /* lines 3..8 after POP */

static const struct {
  const char *name;
  const char *text;
  int err;
  unsigned line;   /* 1-based */
  const char *key; /* part of diag.key, or NULL when there is none */
  const char *msg; /* part of the message */
} bad_models[] = {
    {"unclosed bracket",
     "populations:\n  exc: {size: 10, model: lif, params: {tau_mem: [20 ms}\n"
     "inputs: {}\n",
     SLP_EPARSE, 2, NULL, "expected ',' or ']'"},
    {"unknown top-level key", POP "simulaton: {time: 1 s}\n", SLP_EKEY, 3,
     "simulaton", "Unknown key 'simulaton'"},
    {"unknown param",
     "populations:\n  exc:\n    size: 10\n    model: lif\n"
     "    params: {tau_mem: 10 ms, tau_foo: 3 ms}\n",
     SLP_EKEY, 5, "populations.exc.params.tau_foo", "no parameter 'tau_foo'"},
    {"param of the other model",
     "populations:\n  exc: {size: 10, model: lif_box,\n"
     "        params: {tau_syn: 3 ms}}\n",
     SLP_EKEY, 3, "params.tau_syn", "'lif_box' has no parameter"},
    {"wrong unit",
     "populations:\n  exc:\n    size: 10\n    model: lif\n    params:\n"
     "      tau_mem: 20 mV\n",
     SLP_EUNIT, 6, "populations.exc.params.tau_mem",
     "tau_mem is a time; 'mV' is a voltage unit"},
    {"unit without number", POP PROJ("all_to_all", "mV", "1 ms"), SLP_EPARSE,
     7, "projections[0].weight", "no number"},
    {"unknown unit", POP PROJ("all_to_all", "1 mA", "1 ms"), SLP_EUNIT, 7,
     "weight", "'mA' is not a unit"},
    {"negative delay", POP PROJ("all_to_all", "1 mV", "-1 ms"), SLP_ERANGE, 8,
     "projections[0].delay", "delay must be > 0"},
    {"zero delay", POP PROJ("all_to_all", "1 mV", "0 ms"), SLP_ERANGE, 8,
     "projections[0].delay", "delay must be > 0"},
    {"uniform delay reaching zero", POP
     PROJ("all_to_all", "1 mV", "{uniform: [0 ms, 1 ms]}"), SLP_ERANGE, 8,
     "delay", "low bound"},
    {"unclipped normal delay", POP
     PROJ("all_to_all", "1 mV", "{normal: [1 ms, 0.1 ms]}"), SLP_ERANGE, 8,
     "delay", "clip"},
    {"unknown key in a projection",
     POP PROJ("all_to_all", "1 mV", "1 ms") "    wieght: 2 mV\n", SLP_EKEY, 9,
     "projections[0].wieght", "Unknown key 'wieght'"},
    {"unknown population in to",
     POP "projections:\n  - from: exc\n    to: [exc,\n         inhh]\n"
     "    connect: all_to_all\n    weight: 1 mV\n    delay: 1 ms\n",
     SLP_ENOENT, 6, "projections[0].to[1]", "'inhh'"},
    {"unknown population in from",
     POP "projections:\n  - {from: exd, to: exc, connect: all_to_all,\n"
     "     weight: 1 mV, delay: 1 ms}\n",
     SLP_ENOENT, 4, "projections[0].from", "'exd'"},
    {"input as a target",
     POP "inputs: {ext: {type: poisson, size: 10, rate: 5 Hz}}\n"
     "projections:\n  - {from: exc, to: ext, connect: one_to_one,\n"
     "     weight: 1 mV, delay: 1 ms}\n",
     SLP_EINVAL, 5, "projections[0].to", "is an input"},
    {"unknown model", "populations:\n  exc: {size: 10,\n    model: lif_foo}\n",
     SLP_ENOENT, 3, "populations.exc.model", "'lif_foo'"},
    {"missing size", "populations:\n  exc:\n    model: lif\n", SLP_EKEY, 3,
     "populations.exc.size", "no 'size'"},
    {"zero size", "populations:\n  exc:\n    model: lif\n    size: 0\n",
     SLP_ERANGE, 4, "populations.exc.size", "between 1 and"},
    {"fractional size", "populations:\n  exc: {model: lif, size: 2.5}\n",
     SLP_EPARSE, 2, "populations.exc.size", "whole number"},
    {"missing model", "populations:\n  exc: {size: 3}\n", SLP_EKEY, 2,
     "populations.exc.model", "no 'model'"},
    {"duplicate population name",
     "populations:\n  exc: {size: 10, model: lif}\n  inh: {size: 1, model: lif}\n"
     "  exc: {size: 5, model: lif}\n",
     SLP_EEXIST, 4, "populations.exc", "appears twice"},
    {"duplicate key", POP "simulation:\n  time: 1 s\n  seed: 3\n  time: 2 s\n",
     SLP_EEXIST, 6, "simulation.time", "first at line 4"},
    {"input named like a population",
     POP "inputs:\n  exc: {type: poisson, size: 1, rate: 1 Hz}\n", SLP_EEXIST, 4,
     "inputs.exc", "already used"},
    {"bad population name", "populations:\n  e-x: {size: 1, model: lif}\n",
     SLP_EINVAL, 2, "populations.e-x", "letters, digits and '_'"},
    {"alias and name both given",
     "populations:\n  exc: {size: 1, model: lif,\n"
     "        params: {tau_m: 10 ms, tau_mem: 20 ms}}\n",
     SLP_EEXIST, 3, "params.tau_mem", "same parameter"},
    {"unknown state variable",
     "populations:\n  exc: {size: 1, model: lif, init: {w: 1 mV}}\n", SLP_EKEY,
     2, "populations.exc.init.w", "no state variable 'w'"},
    {"uniform bounds reversed",
     "populations:\n  exc: {size: 1, model: lif,\n"
     "        init: {v: {uniform: [-50 mV, -60 mV]}}}\n",
     SLP_ERANGE, 3, "init.v.uniform", "above its high bound"},
    {"uniform and normal both",
     "populations:\n  exc: {size: 1, model: lif,\n"
     "        init: {v: {uniform: [-60 mV, -50 mV], normal: [0 mV, 1 mV]}}}\n",
     SLP_EKEY, 3, "init.v", "exactly one of"},
    {"negative sd",
     "populations:\n  exc: {size: 1, model: lif,\n"
     "        init: {v: {normal: [0 mV, -1 mV]}}}\n",
     SLP_ERANGE, 3, "init.v.normal", "standard deviation"},
    {"from_list index out of range",
     POP "projections:\n  - from: exc\n    to: exc\n    connect:\n"
     "      from_list: [[0, 1],\n                  [3, 10]]\n"
     "    weight: 1 mV\n    delay: 1 ms\n",
     SLP_ERANGE, 8, "projections[0].connect.from_list[1]", "post index 10"},
    {"from_list pre out of range",
     POP "projections:\n  - from: exc\n    to: exc\n"
     "    connect: {from_list: [[10, 1]]}\n    weight: 1 mV\n    delay: 1 ms\n",
     SLP_ERANGE, 6, "from_list[0]", "pre index 10"},
    {"multapses with fixed_probability",
     POP PROJ("{fixed_probability: 0.1, multapses: false}", "1 mV", "1 ms"),
     SLP_EKEY, 6, "projections[0].connect.multapses", "only to fixed_indegree"},
    {"two rules", POP PROJ("{fixed_probability: 0.1, fixed_indegree: 2}",
                           "1 mV", "1 ms"),
     SLP_EINVAL, 6, "connect.fixed_indegree", "two rules"},
    {"no rule", POP PROJ("{autapses: false}", "1 mV", "1 ms"), SLP_EKEY, 6,
     "projections[0].connect", "no rule"},
    {"unknown rule", POP PROJ("some_to_some", "1 mV", "1 ms"), SLP_EINVAL, 6,
     "projections[0].connect", "'some_to_some'"},
    {"probability above 1", POP PROJ("{fixed_probability: 1.5}", "1 mV",
                                     "1 ms"),
     SLP_ERANGE, 6, "connect.fixed_probability", "between 0 and 1"},
    {"probability with a unit", POP PROJ("{fixed_probability: 5 Hz}", "1 mV",
                                         "1 ms"),
     SLP_EUNIT, 6, "connect.fixed_probability", "plain number"},
    {"negative in-degree", POP PROJ("{fixed_indegree: -3}", "1 mV", "1 ms"),
     SLP_ERANGE, 6, "connect.fixed_indegree", "at least 0"},
    {"in-degree too large without multapses",
     POP PROJ("{fixed_indegree: 11, multapses: false}", "1 mV", "1 ms"),
     SLP_ERANGE, 4, "projections[0]", "exceeds"},
    {"unknown receptor",
     POP PROJ("all_to_all", "1 mV", "1 ms") "    receptor: gaba\n", SLP_ENOENT,
     4, "projections[0]", "no receptor 'gaba'"},
    {"one_to_one size mismatch",
     POP "inputs: {ext: {type: poisson, size: 11, rate: 5 Hz}}\n"
     "projections:\n  - {from: ext, to: exc, connect: one_to_one,\n"
     "     weight: 1 mV, delay: 1 ms}\n",
     SLP_EINVAL, 5, "projections[0]", "one_to_one needs equal sizes"},
    {"missing weight",
     POP "projections:\n  - {from: exc, to: exc, connect: all_to_all,\n"
     "     delay: 1 ms}\n",
     SLP_EKEY, 4, "projections[0].weight", "no 'weight'"},
    {"projections not a list", POP "projections: {from: exc}\n", SLP_EPARSE, 3,
     "projections", "must be a list"},
    {"no populations", "simulation: {time: 1 s}\n", SLP_EKEY, 1, "populations",
     "no populations"},
    {"empty file", "", SLP_EPARSE, 1, NULL, "empty"},
    {"top level a list", "- 1\n- 2\n", SLP_EPARSE, 1, NULL, "mapping"},
    {"two documents", POP "---\n" POP, SLP_EPARSE, 4, NULL, "more than one"},
    {"bad mode", POP "simulation: {time: 1 s,\n  mode: fast}\n", SLP_EINVAL, 4,
     "simulation.mode", "'exact' or 'grid'"},
    {"negative seed", POP "simulation: {seed: -1}\n", SLP_ERANGE, 3,
     "simulation.seed", "at least 0"},
    {"seed above 2^64-1", POP "simulation: {seed: 18446744073709551616}\n",
     SLP_ERANGE, 3, "simulation.seed", "too large"},
    {"zero time", POP "simulation: {time: 0 s}\n", SLP_ERANGE, 3,
     "simulation.time", "> 0"},
    {"time in volts", POP "simulation: {time: 1 V}\n", SLP_EUNIT, 3,
     "simulation.time", "time is a time; 'V' is a voltage unit"},
    {"unknown input type", POP "inputs:\n  x: {type: dc, size: 1}\n",
     SLP_EINVAL, 4, "inputs.x.type", "'signed_poisson' or 'population'"},
    {"poisson without rate", POP "inputs:\n  x: {type: poisson, size: 1}\n",
     SLP_EKEY, 4, "inputs.x.rate", "no 'rate'"},
    {"key of the other input type",
     POP "inputs:\n  x: {type: poisson, size: 1, rate: 1 Hz,\n"
     "     spikes: [[1 ms]]}\n",
     SLP_EKEY, 5, "inputs.x.spikes", "Unknown key 'spikes'"},
    {"negative rate", POP "inputs:\n  x: {type: poisson, size: 1,\n"
                          "     rate: -1 Hz}\n",
     SLP_ERANGE, 5, "inputs.x.rate", "negative"},
    {"rate list of the wrong length",
     POP "inputs:\n  x: {type: poisson, size: 3, rate: [1 Hz, 2 Hz]}\n",
     SLP_EINVAL, 4, "inputs.x.rate", "3 sources"},
    {"spikes of the wrong count",
     POP "inputs:\n  s: {type: spike_array, size: 2, spikes: [[1 ms]]}\n",
     SLP_EINVAL, 4, "inputs.s.spikes", "2 sources"},
    {"negative spike time",
     POP "inputs:\n  s:\n    type: spike_array\n    size: 2\n"
     "    spikes: [[1 ms, 2 ms],\n             [-3 ms]]\n",
     SLP_ERANGE, 8, "inputs.s.spikes[1][0]", ">= 0"},
    {"spikes and file both",
     POP "inputs:\n  s: {type: spike_array, size: 1, spikes: [[1 ms]],\n"
     "      file: x.csv}\n",
     SLP_EKEY, 5, "inputs.s.file", "exactly one of"},
    {"spike file missing",
     POP "inputs:\n  s: {type: spike_array, size: 1,\n"
     "      file: no_such_file.csv}\n",
     SLP_ENOENT, 5, "inputs.s.file", "no_such_file.csv"},
    {"regular without rate", POP "inputs:\n  r: {type: regular, size: 2}\n",
     SLP_EKEY, 4, "inputs.r.rate", "no 'rate'"},
    {"regular negative rate in a list",
     POP "inputs:\n  r: {type: regular, size: 2,\n      rate: [1 Hz, -2 Hz]}\n",
     SLP_ERANGE, 5, "inputs.r.rate[1]", ">= 0"},
    {"regular rate list of the wrong length",
     POP "inputs:\n  r: {type: regular, size: 3, rate: [1 Hz, 2 Hz]}\n",
     SLP_EINVAL, 4, "inputs.r.rate", "3 sources"},
    {"regular phase in volts",
     POP "inputs:\n  r: {type: regular, size: 1, rate: 1 Hz,\n"
     "      phase: 2 mV}\n",
     SLP_EUNIT, 5, "inputs.r.phase", "phase is a time"},
    {"regular negative jitter",
     POP "inputs:\n  r: {type: regular, size: 1, rate: 1 Hz, jitter: -1 ms}\n",
     SLP_ERANGE, 4, "inputs.r.jitter", ">= 0"},
    {"regular jitter longer than the period",
     POP "inputs:\n  r: {type: regular, size: 2, rate: [10 Hz, 200 Hz],\n"
     "      jitter: 6 ms}\n",
     SLP_ERANGE, 5, "inputs.r.jitter", "at most one period"},
    {"regular with a key of another type",
     POP "inputs:\n  r: {type: regular, size: 1, rate: 1 Hz,\n"
     "      value: 0.5}\n",
     SLP_EKEY, 5, "inputs.r.value", "Unknown key 'value'"},
    {"constant_current_lif without value",
     POP "inputs:\n  c: {type: constant_current_lif, size: 1}\n", SLP_EKEY, 4,
     "inputs.c.value", "no 'value'"},
    {"constant_current_lif value in ms",
     POP "inputs:\n  c: {type: constant_current_lif, size: 1, value: 3 ms}\n",
     SLP_EUNIT, 4, "inputs.c.value", "value is a voltage"},
    {"constant_current_lif value list of the wrong length",
     POP "inputs:\n  c: {type: constant_current_lif, size: 2,\n"
     "      value: [1, 2, 3]}\n",
     SLP_EINVAL, 5, "inputs.c.value", "2 sources"},
    {"constant_current_lif synaptic parameter",
     POP "inputs:\n  c: {type: constant_current_lif, size: 1, value: 2,\n"
     "      params: {tau_syn_exc: 5 ms}}\n",
     SLP_EKEY, 5, "inputs.c.params.tau_syn_exc", "no parameter 'tau_syn_exc'"},
    {"constant_current_lif parameter and its alias",
     POP "inputs:\n  c: {type: constant_current_lif, size: 1, value: 2,\n"
     "      params: {tau_mem: 5 ms, tau_m: 6 ms}}\n",
     SLP_EEXIST, 5, "inputs.c.params.tau_m", "same parameter"},
    {"constant_current_lif reset above threshold",
     POP "inputs:\n  c: {type: constant_current_lif, size: 1, value: 2,\n"
     "      params: {v_th: 0.5,\n               v_reset: 0.6}}\n",
     SLP_ERANGE, 6, "inputs.c.params.v_reset", "below v_th"},
    {"latency zero tau_mem",
     POP "inputs:\n  l: {type: latency, size: 1, value: 2,\n"
     "      params: {tau_mem: 0 ms}}\n",
     SLP_ERANGE, 5, "inputs.l.params.tau_mem", "> 0"},
    {"latency unknown init variable",
     POP "inputs:\n  l: {type: latency, size: 1, value: 2,\n"
     "      init: {i: 0.1}}\n",
     SLP_EKEY, 5, "inputs.l.init.i", "Unknown key 'i'"},
    {"latency with f_max",
     POP "inputs:\n  l: {type: latency, size: 1, value: 2, f_max: 1 Hz}\n",
     SLP_EKEY, 4, "inputs.l.f_max", "Unknown key 'f_max'"},
    {"poisson with rate and value",
     POP "inputs:\n  p: {type: poisson, size: 1, value: 0.5,\n"
     "      rate: 1 Hz}\n",
     SLP_EKEY, 5, "inputs.p.rate", "not both"},
    {"poisson f_max without value",
     POP "inputs:\n  p: {type: poisson, size: 1, rate: 1 Hz,\n"
     "      f_max: 1 kHz}\n",
     SLP_EKEY, 5, "inputs.p.f_max", "goes with 'value'"},
    {"poisson negative value",
     POP "inputs:\n  p: {type: poisson, size: 2,\n      value: [0.5, -0.1]}\n",
     SLP_ERANGE, 5, "inputs.p.value[1]", "signed_poisson"},
    {"poisson value list of the wrong length",
     POP "inputs:\n  p: {type: poisson, size: 1, value: [0.5, 0.1]}\n",
     SLP_EINVAL, 4, "inputs.p.value", "1 sources"},
    {"poisson negative f_max",
     POP "inputs:\n  p: {type: poisson, size: 1, value: 0.5,\n"
     "      f_max: -1 Hz}\n",
     SLP_ERANGE, 5, "inputs.p.f_max", ">= 0 Hz"},
    {"poisson value with a unit",
     POP "inputs:\n  p: {type: poisson, size: 1, value: 0.5 Hz}\n",
     SLP_EUNIT, 4, "inputs.p.value", "value"},
    {"signed_poisson without value",
     POP "inputs:\n  s: {type: signed_poisson, size: 1, f_max: 1 Hz}\n",
     SLP_EKEY, 4, "inputs.s.value", "no 'value'"},
    {"signed_poisson f_max in ms",
     POP "inputs:\n  s: {type: signed_poisson, size: 1, value: -1,\n"
     "      f_max: 1 ms}\n",
     SLP_EUNIT, 5, "inputs.s.f_max", "f_max is a rate"},
    {"signed_poisson with rate",
     POP "inputs:\n  s: {type: signed_poisson, size: 1, value: -1,\n"
     "      rate: 1 Hz}\n",
     SLP_EKEY, 5, "inputs.s.rate", "Unknown key 'rate'"},
    {"population without value",
     POP "inputs:\n  q: {type: population, size: 8}\n", SLP_EKEY, 4,
     "inputs.q.value", "no 'value'"},
    {"population zero scale",
     POP "inputs:\n  q: {type: population, size: 8, value: 0.5,\n"
     "      scale: 0}\n",
     SLP_ERANGE, 5, "inputs.q.scale", "> 0"},
    {"population empty value list",
     POP "inputs:\n  q: {type: population, size: 8, value: []}\n", SLP_EINVAL,
     4, "inputs.q.value", "empty"},
    {"population value as a mapping",
     POP "inputs:\n  q: {type: population, size: 8, value: {a: 1}}\n",
     SLP_EPARSE, 4, "inputs.q.value", "not a mapping"},
    {"population with phase",
     POP "inputs:\n  q: {type: population, size: 8, value: 1,\n"
     "      phase: 1 ms}\n",
     SLP_EKEY, 5, "inputs.q.phase", "Unknown key 'phase'"},
    {"unknown record key", POP "record: {voltage: {file: v.csv}}\n", SLP_EKEY,
     3, "record.voltage", "Unknown key 'voltage'"},
    {"reset_method by an unknown name",
     "populations:\n  b: {size: 2, model: lif_box, params: {reset_method: "
     "zero}}\n",
     SLP_EINVAL, 2, "populations.b.params.reset_method",
     "'value' or 'subtract', not 'zero'"},
    {"state without population", POP "record: {state: {file: v.csv}}\n",
     SLP_EKEY, 3, "record.state.population", "no 'population'"},
#define STATE(x) POP "record:\n  state: {population: exc, vars: [v], " x "}\n"
    {"state: unknown variable",
     POP "record: {state: {population: exc, vars: [v, q], interval: 1 ms, "
         "file: v.csv}}\n",
     SLP_EKEY, 3, "record.state.vars[1]", "no state variable 'q'"},
    {"state: unknown population",
     POP "record: {state: {population: nope, vars: v, interval: 1 ms, "
         "file: v.csv}}\n",
     SLP_ENOENT, 3, "record.state.population", "named 'nope'"},
    {"state: an input", POP "inputs: {ext: {type: poisson, size: 2, rate: 1 "
     "Hz}}\nrecord: {state: {population: ext, vars: v, interval: 1 ms, "
     "file: v.csv}}\n",
     SLP_EINVAL, 4, "record.state.population", "only populations"},
    {"state: neuron out of range",
     STATE("neurons: [0, 10], interval: 1 ms, file: v.csv"), SLP_ERANGE, 4,
     "record.state.neurons[1]", "between 0 and 9"},
    {"state: negative interval", STATE("interval: -1 ms, file: v.csv"),
     SLP_ERANGE, 4, "record.state.interval", "at least 1 ns"},
    {"state: interval without unit", STATE("interval: 1 mm, file: v.csv"),
     SLP_EUNIT, 4, "record.state.interval", "interval is a time"},
    {"state: file format", STATE("interval: 1 ms, file: v.txt"), SLP_EINVAL, 4,
     "record.state.file", "*.csv or *.bin"},
    {"state: second of a list",
     POP "record:\n  state:\n    - {population: exc, vars: v, interval: 1 ms, "
         "file: a.csv}\n    - {population: exc, vars: [w], interval: 1 ms, "
         "file: b.csv}\n",
     SLP_EKEY, 6, "record.state[1].vars[0]", "no state variable 'w'"},
    {"record without file", POP "record: {spikes: {}}\n", SLP_EKEY, 3,
     "record.spikes.file", "no 'file'"},
    {"NUL in a value", POP "simulation: {mode: \"exa\\0ct\"}\n", SLP_EPARSE, 3,
     "simulation.mode", "NUL"},
    {"tab indentation", "populations:\n\texc: {size: 1, model: lif}\n",
     SLP_EPARSE, 2, NULL, "cannot start any token"},
    {"invalid UTF-8", "populations:\n  \xff: 1\n", SLP_EPARSE, 2, NULL,
     "UTF-8"},
    {"self-referencing alias", "populations: &a\n  exc: *a\n", SLP_EKEY, 2,
     "populations.exc.exc", "Unknown key 'exc'"},
    {"non-scalar key", "populations:\n  ? [a, b]\n  : 1\n", SLP_EPARSE, 2,
     "populations", "keys must be plain names"},
};

START_TEST(test_bad_model) {
  slp_model *m = (slp_model *)&m; /* must become NULL */
  slp_diag d;
  memset(&d, 0x55, sizeof d); /* must be overwritten */
  int rc = load_inline(&m, bad_models[_i].text, &d);
  const char *name = bad_models[_i].name;
  ck_assert_msg(rc == bad_models[_i].err, "%s: got %s, want %s (%u: [%.128s] "
                "%.512s)", name, slp_err_name(rc),
                slp_err_name(bad_models[_i].err), d.line, d.key, d.message);
  ck_assert_msg(m == NULL, "%s: *out not NULL after failure", name);
  ck_assert_msg(strcmp(d.file, "inline.yaml") == 0, "%s: file '%s'", name,
                d.file);
  ck_assert_msg(d.line == bad_models[_i].line, "%s: line %u, want %u (%s)",
                name, d.line, bad_models[_i].line, d.message);
  ck_assert_msg(d.column > 0, "%s: no column", name);
  if (bad_models[_i].key != NULL)
    ck_assert_msg(strstr(d.key, bad_models[_i].key) != NULL,
                  "%s: key '%s' lacks '%s'", name, d.key, bad_models[_i].key);
  ck_assert_msg(strstr(d.message, bad_models[_i].msg) != NULL,
                "%s: message '%s' lacks '%s'", name, d.message,
                bad_models[_i].msg);
  size_t n = strlen(d.message);
  ck_assert_msg(n > 0 && d.message[n - 1] != '\n', "%s: message ends badly",
                name);
  /* The same input with no diag fails the same way, quietly. */
  ck_assert_int_eq(load_inline(&m, bad_models[_i].text, NULL),
                   bad_models[_i].err);
  ck_assert_ptr_null(m);
}
END_TEST

/* A bad line in a spike CSV is reported in the CSV, by line and column,
 * under the key that named the file. */
static const struct {
  const char *csv;
  int err;
  unsigned line, column;
  const char *msg;
} bad_csvs[] = {
    {"time_ms,source\n1.0,0\n2.0,x\n", SLP_EPARSE, 3, 5, "'x'"},
    {"1.0,0\n\n2.0,5\n", SLP_ERANGE, 3, 5, "out of range"},
    {"1.0,0\nabc,1\n", SLP_EPARSE, 2, 1, "'abc'"},
    {"1.0\n", SLP_EPARSE, 1, 1, "too few"},
    {"1.0,0,1,2\n", SLP_EPARSE, 1, 1, "too many"},
    {"-1,0\n", SLP_ERANGE, 1, 1, "negative"},
    {"1,0,w\n", SLP_EPARSE, 1, 5, "weight"},
};

START_TEST(test_bad_csv) {
  const char *csv = tmp_write("stim.csv", bad_csvs[_i].csv);
  const char *model = tmp_write(
      "model.yaml", "populations: {p: {size: 1, model: lif}}\n"
                    "inputs:\n"
                    "  rec: {type: spike_array, size: 2, file: stim.csv}\n");
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(&m, model, NULL, 0, &d);
  ck_assert_msg(rc == bad_csvs[_i].err, "got %s: %s", slp_err_name(rc),
                d.message);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(d.file, csv);
  ck_assert_uint_eq(d.line, bad_csvs[_i].line);
  ck_assert_uint_eq(d.column, bad_csvs[_i].column);
  ck_assert_str_eq(d.key, "inputs.rec.file");
  ck_assert_msg(strstr(d.message, bad_csvs[_i].msg) != NULL, "message '%s'",
                d.message);
}
END_TEST

START_TEST(test_bad_pairs_csv) {
  const char *csv = tmp_write("pairs.csv", "pre,post\n0,1\n1,4\n");
  const char *model = tmp_write(
      "model.yaml", "populations: {p: {size: 4, model: lif}}\n"
                    "projections:\n"
                    "  - {from: p, to: p, connect: {from_file: pairs.csv},\n"
                    "     weight: 1 mV, delay: 1 ms}\n");
  slp_model *m = NULL;
  slp_diag d;
  ck_assert_int_eq(slp_model_load(&m, model, NULL, 0, &d), SLP_ERANGE);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(d.file, csv);
  ck_assert_uint_eq(d.line, 3);
  ck_assert_str_eq(d.key, "projections[0].connect.from_file");
  ck_assert_msg(strstr(d.message, "post index 4") != NULL, "%s", d.message);
}
END_TEST

START_TEST(test_file_errors) {
  slp_model *m = (slp_model *)&m;
  slp_diag d;
  ck_assert_int_eq(slp_model_load(&m, "/nonexistent/model.yaml", NULL, 0, &d),
                   SLP_ENOENT);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(d.file, "/nonexistent/model.yaml");
  ck_assert_msg(strstr(d.message, "Cannot open") != NULL, "%s", d.message);
  ck_assert_int_eq(slp_model_load(&m, NULL, NULL, 0, &d), SLP_EINVAL);
  ck_assert_int_eq(slp_model_load(NULL, "x.yaml", "", 0, &d), SLP_EINVAL);
  /* Text without a name is reported as "<text>". */
  ck_assert_int_eq(slp_model_load(&m, NULL, "foo: 1", 6, &d), SLP_EKEY);
  ck_assert_str_eq(d.file, "<text>");
  /* Only n bytes of text are read: the rest would be an unknown key. */
  const char *t = POP "foo: 1\n";
  ck_assert_int_eq(slp_model_load(&m, "x.yaml", t, strlen(POP), &d), 0);
  slp_model_destroy(m);
  slp_model_destroy(NULL);
}
END_TEST

/* Every allocation the loader makes may fail: the result is SLP_ENOMEM
 * (never a crash, a leak or a half-built model), and after enough
 * successes the load goes through. */
START_TEST(test_out_of_memory) {
  const char *text = _i == 0 ? every_form : encoder_inputs;
  int done = 0;
  unsigned long n;
  for (n = 1; n < 10000 && !done; n++) {
    slp_model *m = NULL;
    slp_diag d;
    slp__alloc_fail_after(n);
    int rc = load_inline(&m, text, &d);
    slp__alloc_fail_after(0);
    if (rc == 0) {
      ck_assert_ptr_nonnull(m);
      slp_model_destroy(m);
      done = 1;
    } else {
      ck_assert_msg(rc == SLP_ENOMEM, "allocation %lu: %s %s", n,
                    slp_err_name(rc), d.message);
      ck_assert_ptr_null(m);
    }
  }
  ck_assert(done);
  /* The model takes dozens of allocations; succeeding at once would mean
   * the injection never reached the loader. */
  ck_assert_uint_gt(n, 20);
}
END_TEST

/* ---------------------------------------------------------------------- */

Suite *suite_model_file(void);

Suite *suite_model_file(void) {
  Suite *s = suite_create("model_file");
  TCase *tc = tcase_create("quantity");
  tcase_add_loop_test(tc, test_quantity_good, 0,
                      (int)(sizeof good_quantities / sizeof good_quantities[0]));
  tcase_add_loop_test(tc, test_quantity_bad, 0,
                      (int)(sizeof bad_quantities / sizeof bad_quantities[0]));
  suite_add_tcase(s, tc);

  tc = tcase_create("good");
  tcase_add_test(tc, test_cuba_example);
  tcase_add_test(tc, test_default_model_is_cuba);
  tcase_add_test(tc, test_brunel_example);
  tcase_add_test(tc, test_every_form);
  tcase_add_test(tc, test_encoder_inputs);
  tcase_add_test(tc, test_file_errors);
  tcase_add_loop_test(tc, test_out_of_memory, 0, 2);
  suite_add_tcase(s, tc);

  tc = tcase_create("bad");
  tcase_add_loop_test(tc, test_bad_model, 0,
                      (int)(sizeof bad_models / sizeof bad_models[0]));
  suite_add_tcase(s, tc);

  tc = tcase_create("files");
  tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
  tcase_add_test(tc, test_csv_files);
  tcase_add_loop_test(tc, test_bad_csv, 0,
                      (int)(sizeof bad_csvs / sizeof bad_csvs[0]));
  tcase_add_test(tc, test_bad_pairs_csv);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite_model_file());
  srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY chooses */
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
