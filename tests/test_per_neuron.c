/*
 * tests/test_per_neuron.c -- parameters that vary per neuron.
 *
 * The defining property: a population whose neurons have their own
 * parameters behaves, neuron for neuron, exactly as a set of one-neuron
 * populations with those parameters as constants -- the same spikes to the
 * tick, bitwise -- since each neuron's arithmetic is the same, only where
 * its constants are read from differs.  Both networks get the same input: one
 * Poisson group, source k to neuron k (one_to_one onto the concatenated
 * singletons), and Poisson sources draw from streams keyed by their node id,
 * which is the same in both.
 *
 * Then: drawn values depend on the seed, the neuron and the parameter only;
 * their statistics match the distribution within bounds derived from the
 * sample size; bad input is refused with messages naming the file, line
 * and key, or the population, parameter and neuron.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sleipnir.h"
#include "core/alloc.h"
#include "network/network.h"
#include "network/params_draw.h"
#include "neurons/lif.h"
#include "neurons/lif_box.h"
#include "neurons/model.h"
#include "neurons/pop.h"

#define N 8 /* neurons compared */

/* A growing text buffer for model files. */
typedef struct text {
  char buf[16384];
  size_t len;
} text;

static void put(text *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
  va_end(ap);
  ck_assert(n >= 0 && t->len + (size_t)n < sizeof t->buf);
  t->len += (size_t)n;
}

/* The spikes of a run, in (tick, neuron) order. */
typedef struct spikes {
  slp_tick t[20000];
  uint32_t node[20000];
  size_t n;
} spikes;

static void on_spike(void *arg, slp_tick t, uint32_t neuron) {
  spikes *s = arg;
  ck_assert_uint_lt(s->n, 20000);
  s->t[s->n] = t;
  s->node[s->n] = neuron;
  s->n++;
}

static slp_model *load(const char *yaml, slp_diag *d) {
  slp_model *m = NULL;
  memset(d, 0, sizeof *d);
  int rc = slp_model_load(&m, "inline.yaml", yaml, strlen(yaml), d);
  ck_assert_msg(rc == 0, "load: %s:%u: %s: %s", d->file, d->line, d->key,
                d->message);
  return m;
}

/* Run the model text to its end; its spikes into s. */
static void run(const char *yaml, spikes *s) {
  slp_diag d;
  slp_model *m = load(yaml, &d);
  slp_sim *sim = NULL;
  int rc = slp_sim_create(&sim, m->net, &m->cfg, &d);
  ck_assert_msg(rc == 0, "create: %s", d.message);
  s->n = 0;
  slp_sim_on_spike(sim, on_spike, s);
  ck_assert_int_eq(slp_sim_run(sim, (slp_tick)(m->cfg.time_ms * 1e6), NULL,
                               NULL),
                   0);
  ck_assert_int_eq(slp_sim_finish(sim), 0);
  slp_sim_destroy(sim);
  slp_model_destroy(m);
}

/* The error slp_sim_create() gives for the model text (which loads). */
static int create_error(const char *yaml, slp_diag *d) {
  slp_model *m = load(yaml, d);
  slp_sim *sim = NULL;
  int rc = slp_sim_create(&sim, m->net, &m->cfg, d);
  ck_assert_ptr_null(sim);
  slp_model_destroy(m);
  return rc;
}

/* One parameter given per neuron: its name and N values with their unit. */
typedef struct varying {
  const char *name;
  double v[N];
  const char *unit;
} varying;

/*
 * The two networks: `pop` holds one population of N neurons of `model` with
 * the constant parameters `fixed` (a YAML mapping body) and each `vary`
 * parameter as a per-neuron list; the other holds N one-neuron populations,
 * neuron k with vary[j].v[k] as constants.  The same Poisson drive reaches
 * neuron k in both.
 */
static void networks(text *pop, text *single, const char *head,
                     const char *model, const char *fixed,
                     const varying *vary, size_t nv, const char *weight) {
  text *t[2] = {pop, single};
  for (int w = 0; w < 2; w++) {
    t[w]->len = 0;
    put(t[w], "%s\npopulations:\n", head);
  }
  put(pop, "  p:\n    size: %d\n    model: %s\n    params: {%s", N, model,
      fixed);
  for (size_t j = 0; j < nv; j++) {
    put(pop, "%s%s: [", j || fixed[0] ? ", " : "", vary[j].name);
    for (int k = 0; k < N; k++)
      put(pop, "%s%.17g %s", k ? ", " : "", vary[j].v[k], vary[j].unit);
    put(pop, "]");
  }
  put(pop, "}\n");
  for (int k = 0; k < N; k++) {
    put(single, "  p%d:\n    size: 1\n    model: %s\n    params: {%s", k,
        model, fixed);
    for (size_t j = 0; j < nv; j++)
      put(single, "%s%s: %.17g %s", j || fixed[0] ? ", " : "", vary[j].name,
          vary[j].v[k], vary[j].unit);
    put(single, "}\n");
  }
  for (int w = 0; w < 2; w++)
    put(t[w], "inputs:\n  drive: {type: poisson, size: %d, rate: 2000 Hz}\n"
              "projections:\n  - {from: drive, to: [", N);
  put(pop, "p");
  for (int k = 0; k < N; k++)
    put(single, "%sp%d", k ? ", " : "", k);
  for (int w = 0; w < 2; w++)
    put(t[w], "], connect: one_to_one, weight: %s, delay: 1 ms}\n", weight);
}

/* Run both networks; the spikes must be equal, tick for tick, and every
 * neuron must fire (or the comparison proves little). */
static void same_spikes(const text *pop, const text *single) {
  static spikes a, b;
  run(pop->buf, &a);
  run(single->buf, &b);
  ck_assert_uint_eq(a.n, b.n);
  int fired[N] = {0};
  for (size_t k = 0; k < a.n; k++) {
    ck_assert_msg(a.t[k] == b.t[k] && a.node[k] == b.node[k],
                  "spike %zu: neuron %u at %lld vs neuron %u at %lld", k,
                  a.node[k], (long long)a.t[k], b.node[k], (long long)b.t[k]);
    ck_assert_uint_lt(a.node[k], N);
    fired[a.node[k]]++;
  }
  /* The neurons differ: their spike counts must too, or the per-neuron
   * values were not used. */
  int distinct = 0;
  for (int k = 0; k < N; k++) {
    ck_assert_msg(fired[k] > 0, "neuron %d never fired", k);
    distinct += k > 0 && fired[k] != fired[k - 1];
  }
  ck_assert_int_gt(distinct, 0);
}

/* Thresholds, resets, leaks and refractory periods per neuron. */
static const varying lif_vary[] = {
    {"v_th", {-50, -49, -48.5, -47, -46, -45.5, -45, -44}, "mV"},
    {"v_reset", {-60, -58, -62, -65, -59, -61, -57, -63}, "mV"},
    {"v_leak", {-49, -48, -47, -49.5, -46, -45, -44.5, -43}, "mV"},
    {"t_ref", {0, 2, 5, 1, 0.5, 3, 0, 4}, "ms"},
};

static const char *const form_head[] = {
    "simulation: {time: 400 ms, seed: 11, mode: exact}",
    "simulation: {time: 400 ms, seed: 11, mode: exact}",
    "simulation: {time: 400 ms, seed: 11, mode: grid, dt: 0.1 ms}",
};

/* _i: 0 lif's epoch form, 1 its per-neuron form, 2 grid mode. */
START_TEST(test_lif_matches_singletons) {
  slp__lif_epoch_disabled = _i == 1;
  text pop, single;
  networks(&pop, &single, form_head[_i], "lif",
           "tau_mem: 20 ms, tau_syn_exc: 5 ms, tau_syn_inh: 10 ms", lif_vary,
           4, "2 mV");
  same_spikes(&pop, &single);
  slp__lif_epoch_disabled = 0;
}
END_TEST

/* Each parameter alone as well: a bug in one accessor cannot hide behind
 * another parameter's effect. */
START_TEST(test_lif_each_param_alone) {
  /* The constants of the others, lif_vary's order. */
  static const char *const fixed[] = {
      "tau_mem: 20 ms, v_reset: -60 mV, v_leak: -49 mV, t_ref: 2 ms",
      "tau_mem: 20 ms, v_th: -50 mV, v_leak: -49 mV, t_ref: 2 ms",
      "tau_mem: 20 ms, v_th: -50 mV, v_reset: -60 mV, t_ref: 2 ms",
      "tau_mem: 20 ms, v_th: -50 mV, v_reset: -60 mV, v_leak: -49 mV",
  };
  text pop, single;
  networks(&pop, &single, form_head[0], "lif", fixed[_i], &lif_vary[_i], 1,
           "2 mV");
  same_spikes(&pop, &single);
}
END_TEST

START_TEST(test_ada_lif_matches_singletons) {
  slp__lif_epoch_disabled = _i == 1;
  static const varying vary[] = {
      {"v_th", {-50, -49, -48.5, -47, -46, -45.5, -45, -44}, "mV"},
      {"beta", {0, 0.5, 1, 2, 3, 0.25, 4, 1.5}, "mV"},
      {"v_leak", {-49, -48, -47, -49.5, -46, -45, -44.5, -43}, "mV"},
  };
  text pop, single;
  networks(&pop, &single, form_head[_i], "ada_lif",
           "tau_mem: 20 ms, tau_syn: 5 ms, tau_adapt: 100 ms, "
           "v_reset: -60 mV",
           vary, 3, "2 mV");
  same_spikes(&pop, &single);
  slp__lif_epoch_disabled = 0;
}
END_TEST

/* The other spiking models, each with parameters that may vary in the
 * event-driven modes; the nonlinear ones take every parameter but the
 * integrator's tolerances, time constants included (each neuron gets its own
 * constants block). */
typedef struct model_case {
  const char *model;  /* model name */
  const char *mode;   /* simulation mapping */
  const char *fixed;  /* constant parameters */
  varying vary[3];    /* three that vary */
  const char *weight; /* drive weight */
} model_case;

#define EXACT "simulation: {time: 200 ms, seed: 3, mode: exact}"
#define GRID "simulation: {time: 200 ms, seed: 3, mode: grid, dt: 0.1 ms}"
#define NORSE "simulation: {time: 300 ms, seed: 3, mode: norse, dt: 1 ms}"

static const model_case model_cases[] = {
    {"lif_ex", EXACT, "tau_syn: 5 ms, v_leak: -65 mV",
     {{"v_th", {-50, -49, -48, -47, -46, -45, -52, -51}, "mV"},
      {"tau_mem", {10, 12, 14, 16, 8, 9, 11, 13}, "ms"},
      {"v_reset", {-65, -66, -67, -68, -64, -63, -62, -61}, "mV"}},
     "3 mV"},
    {"adex_refrac", EXACT, "preset: bio",
     {{"t_ref", {0, 1, 2, 3, 4, 5, 0.5, 1.5}, "ms"},
      {"adaptation_spike", {0, 0.01, 0.02, 0.05, 0.1, 0.03, 0.04, 0.06},
       "mV"},
      {"tau_ada", {100, 50, 200, 80, 120, 60, 90, 150}, "ms"}},
     "5 mV"},
    {"coba_lif", EXACT, "preset: bio",
     {{"v_thresh", {-50, -52, -54, -51, -53, -55, -49, -56}, "mV"},
      {"tau_syn_exc", {0.3, 0.5, 0.8, 1, 1.2, 0.4, 0.6, 0.9}, "ms"},
      {"g_l", {0.25, 0.2, 0.3, 0.22, 0.27, 0.24, 0.26, 0.21}, ""}},
     "0.3"},
    {"izhikevich", EXACT, "preset: tonic_spiking",
     {{"bias", {140, 141, 142, 143, 139, 138, 144, 145}, "mV"},
      {"d", {6, 5, 4, 7, 8, 2, 3, 6.5}, "mV"},
      {"tau", {4, 5, 3, 4.5, 3.5, 6, 4.2, 5.5}, "ms"}},
     "1 mV"},
    {"iaf", EXACT, "",
     {{"v_th", {10, 12, 14, 16, 18, 11, 13, 15}, "mV"},
      {"v_reset", {0, -1, -2, 1, 2, -3, 3, 0.5}, "mV"},
      {NULL, {0}, NULL}},
     "1 mV"},
    {"lif_box", EXACT, "",
     {{"v_th", {10, 12, 14, 16, 18, 11, 13, 15}, "mV"},
      {"tau_mem", {10, 12, 8, 15, 20, 9, 11, 14}, "ms"},
      {"t_ref", {0, 1, 2, 0.5, 3, 0, 1.5, 2.5}, "ms"}},
     "1 mV"},
    {"lif_box", EXACT, "tau_mem: 10 ms",
     {{"v_th", {10, 12, 14, 16, 18, 11, 13, 15}, "mV"},
      {"v_leak", {0, 1, -1, 2, 0.5, -0.5, 1.5, 0}, "mV"},
      {"t_ref", {0, 1, 2, 0.5, 3, 0, 1.5, 2.5}, "ms"}},
     "1 mV"},
    {"lif_box", GRID, "",
     {{"v_th", {10, 12, 14, 16, 18, 11, 13, 15}, "mV"},
      {"tau_mem", {10, 12, 8, 15, 20, 9, 11, 14}, "ms"},
      {"v_leak", {0, 1, -1, 2, 0.5, -0.5, 1.5, 0}, "mV"}},
     "1 mV"},
    {"lsnn", EXACT, "tau_mem: 10 ms, tau_syn: 5 ms, v_leak: 0 mV",
     {{"v_th", {10, 12, 14, 16, 18, 11, 13, 15}, "mV"},
      {"beta", {0, 1, 2, 0.5, 3, 0.2, 1.5, 2.5}, "mV"},
      {"tau_adapt", {100, 50, 200, 80, 120, 60, 90, 150}, "ms"}},
     "2 mV"},
    {"lsnn", GRID,
     "tau_mem: 10 ms, tau_syn: 5 ms, v_reset: -5 mV, beta: 1 mV",
     {{"v_th", {10, 12, 14, 16, 18, 11, 13, 15}, "mV"},
      {"v_leak", {0, 1, -1, 2, 0.5, -0.5, 1.5, 0}, "mV"},
      {"tau_adapt", {100, 50, 200, 80, 120, 60, 90, 150}, "ms"}},
     "2 mV"},
    {"lsnn", EXACT, "v_reset: -5 mV, beta: 1 mV",
     {{"tau_mem", {20, 15, 25, 10, 30, 18, 22, 12}, "ms"},
      {"tau_syn_exc", {5, 3, 7, 2, 6, 4, 5.5, 20}, "ms"},
      {"v_th", {10, 12, 14, 16, 18, 11, 13, 15}, "mV"}},
     "4 mV"},
    {"lsnn", GRID, "v_reset: -5 mV, beta: 1 mV",
     {{"tau_mem", {15, 20, 12, 25, 10, 30, 18, 22}, "ms"},
      {"tau_syn_exc", {3, 5, 2, 7, 6, 20, 4, 5.5}, "ms"},
      {"v_th", {10, 12, 14, 16, 18, 11, 13, 15}, "mV"}},
     "4 mV"},
    /* Norse mode: any parameter, each neuron with its step's constants. */
    {"ada_lif", NORSE, "v_reset: 0, beta: 0.05",
     {{"tau_adapt", {100, 50, 200, 80, 120, 60, 90, 150}, "ms"},
      {"v_th", {0.30, 0.32, 0.35, 0.28, 0.4, 0.33, 0.31, 0.36}, ""},
      {"tau_syn", {5, 4, 6, 3, 5.5, 2, 7, 4.5}, "ms"}},
     "0.1"},
    {"lsnn", NORSE, "v_reset: 0",
     {{"beta", {0, 0.01, 0.02, 0.05, 0.1, 0.03, 0.04, 0.06}, ""},
      {"v_th", {0.30, 0.32, 0.35, 0.28, 0.4, 0.33, 0.31, 0.36}, ""},
      {"tau_mem", {10, 12, 8, 15, 20, 9, 11, 14}, "ms"}},
     "0.1"},
    {"izhikevich", NORSE, "preset: tonic_spiking",
     {{"bias", {140, 141, 142, 143, 139, 138, 144, 145}, "mV"},
      {"tau", {4, 5, 3, 4.5, 3.5, 6, 4.2, 5.5}, "ms"},
      {"d", {6, 5, 4, 7, 8, 2, 3, 6.5}, "mV"}},
     "5 mV"},
};

START_TEST(test_models_match_singletons) {
  const model_case *c = &model_cases[_i];
  size_t nv = c->vary[2].name != NULL ? 3 : 2;
  /* A varying tau_mem keeps a lif_box population in exact mode's
   * per-neuron form, which its one-neuron populations must then use too
   * (the epoch form agrees with it to a tick, not bitwise: test_neurons). */
  for (size_t k = 0; k < nv; k++)
    if (strcmp(c->model, "lif_box") == 0 &&
        strcmp(c->vary[k].name, "tau_mem") == 0)
      slp__box_epoch_disabled = 1;
  text pop, single;
  networks(&pop, &single, c->mode, c->model, c->fixed, c->vary, nv,
           c->weight);
  same_spikes(&pop, &single);
  slp__box_epoch_disabled = 0;
}
END_TEST

/*
 * The leaky integrators never spike: compare their state instead.  A
 * population of N with per-neuron values and N one-neuron populations are
 * created and driven through the model interface itself (the calls the
 * scheduler makes), the same inputs at the same ticks, and v is read back;
 * it must be equal bitwise.  _i: exact (grid 1) or a 0.1 ms grid.
 */
static void integrator_case(const char *model, const varying *vary, size_t nv,
                            slp_tick grid) {
  const slp__model *m = slp__model_find(model);
  ck_assert_ptr_nonnull(m);
  slp__pop pop[1 + N];
  memset(pop, 0, sizeof pop);
  int kv[4];
  for (size_t j = 0; j < nv; j++) {
    kv[j] = slp__model_param_index(m, vary[j].name);
    ck_assert_int_ge(kv[j], 0);
  }
  for (int q = 0; q <= N; q++) {
    /* q == 0: the population; q > 0: neuron q - 1 alone. */
    slp__pop *p = &pop[q];
    p->model = m;
    p->n = q == 0 ? N : 1;
    for (size_t k = 0; k < m->n_params; k++)
      p->params[k] = m->params[k].deflt;
    slp__pop_init init = {0, grid, {0}, {0}, 0};
    double state[SLP__MAX_STATE][N];
    for (size_t j = 0; j < nv; j++) {
      if (q == 0)
        init.param_values[kv[j]] = vary[j].v;
      else
        p->params[kv[j]] = vary[j].v[q - 1];
    }
    for (size_t v = 0; v < m->n_state; v++) {
      int from = m->state[v].default_from;
      for (uint32_t i = 0; i < p->n; i++)
        state[v][i] = from < 0 ? m->state[v].deflt
                      : q == 0 && init.param_values[from]
                          ? init.param_values[from][i]
                          : p->params[from];
      init.values[v] = state[v];
    }
    ck_assert_int_eq(m->create(p, &init), 0);
  }
  uint32_t all[N], zero[1] = {0};
  float w[N];
  for (uint32_t i = 0; i < N; i++) {
    all[i] = i;
    w[i] = 1.5f;
  }
  slp__window win;
  memset(&win, 0, sizeof win);
  win.grid = grid;
  for (int e = 1; e <= 40; e++) {
    slp_tick t = (slp_tick)e * 700000 / grid * grid; /* every 0.7 ms */
    unsigned r = e % 3 == 0 ? 1u : 0u;
    m->deliver(&pop[0], &win, t, r, all, w, N, e % 3 == 0 ? -1.0 : 1.0);
    for (int q = 1; q <= N; q++)
      m->deliver(&pop[q], &win, t, r, zero, w, 1, e % 3 == 0 ? -1.0 : 1.0);
  }
  int differ = 0;
  for (int k = 0; k < 3; k++) {
    slp_tick t = 30 * 1000000 + (slp_tick)k * 5 * 1000000;
    for (uint32_t i = 0; i < N; i++) {
      double a = m->get(&pop[0], i, 0, t), b = m->get(&pop[1 + i], 0, 0, t);
      ck_assert_msg(a == b, "%s neuron %u at %lld: %.17g vs %.17g", model, i,
                    (long long)t, a, b);
      differ += i > 0 && a != m->get(&pop[0], i - 1, 0, t);
    }
  }
  ck_assert_int_gt(differ, 0);
  for (int q = 0; q <= N; q++)
    m->destroy(&pop[q]);
}

START_TEST(test_li_matches_singletons) {
  static const varying vary[] = {
      {"v_leak", {-70, -65, -60, -68, -62, -66, -64, -61}, "mV"},
      {"tau_mem", {10, 12, 8, 15, 20, 9, 11, 14}, "ms"},
      {"tau_syn_exc", {5, 3, 7, 2, 6, 4, 5.5, 20}, "ms"},
      {"tau_syn_inh", {10, 8, 12, 9, 11, 10.5, 7, 20}, "ms"}};
  integrator_case("li", vary, 4, _i ? 100000 : 1);
}
END_TEST

START_TEST(test_li_box_matches_singletons) {
  static const varying vary[] = {
      {"v_leak", {-70, -65, -60, -68, -62, -66, -64, -61}, "mV"},
      {"tau_mem", {10, 12, 8, 15, 20, 9, 11, 14}, "ms"}};
  integrator_case("li_box", vary, 2, _i ? 100000 : 1);
}
END_TEST

/* Norse mode takes every parameter per neuron, time constants included. */
START_TEST(test_norse_lif_matches_singletons) {
  static const varying vary[] = {
      {"v_th", {0.30, 0.32, 0.35, 0.28, 0.4, 0.33, 0.31, 0.36}, ""},
      {"tau_mem", {10, 12, 8, 15, 20, 9, 11, 14}, "ms"},
      {"tau_syn_exc", {5, 4, 6, 3, 5.5, 2, 7, 4.5}, "ms"},
      {"v_leak", {0, 0.01, -0.02, 0.03, 0, -0.01, 0.02, 0.05}, ""},
  };
  text pop, single;
  networks(&pop, &single,
           "simulation: {time: 400 ms, seed: 5, mode: norse, dt: 1 ms}", "lif",
           "v_reset: 0", vary, 4, "0.1");
  same_spikes(&pop, &single);
}
END_TEST

/* Varying time constants put lif on its per-neuron form, each neuron with
 * a membrane of its own; the one-neuron populations are kept on that form
 * too (the epoch form agrees with it to a tick, not bitwise: test_neurons).
 * _i: exact, grid (whose one-neuron populations read tables the per-neuron
 * membranes do without). */
START_TEST(test_lif_taus_match_singletons) {
  static const varying vary[] = {
      {"tau_mem", {20, 15, 25, 10, 30, 18, 22, 12}, "ms"},
      {"tau_syn_exc", {5, 3, 7, 2, 6, 4, 5.5, 20}, "ms"},
      {"tau_syn_inh", {10, 8, 12, 9, 11, 10.5, 7, 20}, "ms"},
      {"v_th", {-50, -49, -48.5, -47, -46, -45.5, -45, -44}, "mV"},
  };
  slp__lif_epoch_disabled = 1;
  text pop, single;
  networks(&pop, &single, form_head[1 + _i], "lif",
           "v_leak: -49 mV, v_reset: -60 mV, t_ref: 2 ms", vary, 4, "2 mV");
  same_spikes(&pop, &single);
  slp__lif_epoch_disabled = 0;
}
END_TEST

START_TEST(test_ada_lif_taus_match_singletons) {
  static const varying vary[] = {
      {"tau_mem", {20, 15, 25, 10, 30, 18, 22, 12}, "ms"},
      {"tau_adapt", {100, 50, 200, 80, 120, 60, 90, 150}, "ms"},
  };
  slp__lif_epoch_disabled = 1;
  text pop, single;
  networks(&pop, &single, form_head[1 + _i], "ada_lif",
           "tau_syn: 5 ms, v_leak: -49 mV, v_th: -50 mV, v_reset: -60 mV, "
           "beta: 1 mV",
           vary, 2, "2 mV");
  same_spikes(&pop, &single);
  slp__lif_epoch_disabled = 0;
}
END_TEST

/* A parameter that cannot vary is refused in the event modes, with the
 * reason and the list of those that can. */
START_TEST(test_tolerance_refused_with_reason) {
  slp_diag d;
  int rc = create_error("populations:\n  p:\n    size: 3\n"
                        "    model: izhikevich\n"
                        "    params: {ode_abs_tol: [1e-6, 1e-7, 1e-8]}\n",
                        &d);
  ck_assert_int_eq(rc, SLP_EINVAL);
  ck_assert_msg(strstr(d.message, "populations.p.params.ode_abs_tol") &&
                    strstr(d.message, "'izhikevich'") &&
                    strstr(d.message, "one integrator") &&
                    strstr(d.message, "may vary per neuron: a, b, c, d, sq, "
                                      "mn, bias, v_th, tau ("),
                "%s", d.message);
}
END_TEST

/* The clock-driven baselines step one parameter set per population. */
START_TEST(test_baseline_refuses) {
  slp_diag d;
  int rc = create_error("simulation: {mode: clock}\npopulations:\n  p:\n"
                        "    size: 2\n    model: lif\n"
                        "    params: {v_th: {uniform: [10 mV, 20 mV]}}\n",
                        &d);
  ck_assert_int_eq(rc, SLP_EINVAL);
  ck_assert_msg(strstr(d.message, "populations.p.params.v_th") &&
                    strstr(d.message, "clock mode"),
                "%s", d.message);
}
END_TEST

/* --- Draws ---------------------------------------------------------------- */

/* A network with one population of n lif neurons; v_th drawn from d. */
static slp_network *drawn_net(uint32_t n, const slp_dist *d, uint32_t *id) {
  slp_network *net = NULL;
  ck_assert_int_eq(slp_network_create(&net), 0);
  ck_assert_int_eq(slp_network_add_population(net, "p", n, "lif", id), 0);
  ck_assert_int_eq(slp_network_set_param(net, *id, "v_reset", -1e9), 0);
  ck_assert_int_eq(slp_network_set_param_dist(net, *id, "v_th", d), 0);
  return net;
}

/* The drawn values of parameter k (an array of g's size, owned). */
static double *draw(const slp_network *net, uint32_t id, int k,
                    uint64_t seed) {
  double *pv[SLP__MAX_PARAMS];
  slp_diag d;
  int rc = slp__params_draw(&net->groups[id], seed, SLP_MODE_EXACT, pv, &d);
  ck_assert_msg(rc == 0, "%s", d.message);
  double *out = pv[k];
  pv[k] = NULL;
  slp__params_free(pv);
  ck_assert_ptr_nonnull(out);
  return out;
}

START_TEST(test_draws_reproducible) {
  slp_dist d = {SLP_DIST_NORMAL, -50.0, 2.0, -INFINITY, INFINITY};
  uint32_t id, id2;
  slp_network *a = drawn_net(100, &d, &id);
  int k = slp__model_param_index(a->groups[id].model, "v_th");
  double *x = draw(a, id, k, 42), *y = draw(a, id, k, 42);
  double *z = draw(a, id, k, 43);
  ck_assert_mem_eq(x, y, 100 * sizeof *x);
  size_t differ = 0;
  for (int i = 0; i < 100; i++)
    differ += x[i] != z[i];
  ck_assert_uint_eq(differ, 100); /* a continuous draw: never equal */
  /* Nothing but (seed, neuron, parameter): a smaller population gives the
   * same first values, and another parameter varying too changes none. */
  slp_network *b = drawn_net(37, &d, &id2);
  slp_dist leak = {SLP_DIST_UNIFORM, -1.0, 1.0, 0, 0};
  ck_assert_int_eq(slp_network_set_param_dist(b, id2, "v_leak", &leak), 0);
  double *w = draw(b, id2, k, 42);
  ck_assert_mem_eq(x, w, 37 * sizeof *x);
  slp__free(x);
  slp__free(y);
  slp__free(z);
  slp__free(w);
  slp_network_destroy(a);
  slp_network_destroy(b);
}
END_TEST

#define NS 20000 /* sample size for the statistics */

/*
 * Sample mean and variance against the distribution's: with NS draws the
 * mean's standard error is sd / sqrt(NS) and the variance's about
 * var sqrt(2 / (NS - 1)) (normal) -- 6 of them is a bound a correct draw
 * exceeds with probability ~2e-9, and the seed is fixed.
 */
START_TEST(test_draw_statistics) {
  uint32_t id;
  slp_dist nd = {SLP_DIST_NORMAL, -50.0, 2.0, -INFINITY, INFINITY};
  slp_network *net = drawn_net(NS, &nd, &id);
  int k = slp__model_param_index(net->groups[id].model, "v_th");
  double *x = draw(net, id, k, 7);
  double mean = 0, var = 0;
  for (int i = 0; i < NS; i++)
    mean += x[i];
  mean /= NS;
  for (int i = 0; i < NS; i++)
    var += (x[i] - mean) * (x[i] - mean);
  var /= NS - 1;
  ck_assert_double_le(fabs(mean - -50.0), 6 * 2.0 / sqrt(NS));
  ck_assert_double_le(fabs(var - 4.0), 6 * 4.0 * sqrt(2.0 / (NS - 1)));
  slp__free(x);

  /* Uniform on [a, b): every value inside; mean (a+b)/2 with standard error
   * (b-a)/sqrt(12 NS); variance (b-a)^2/12 with standard error
   * (b-a)^2 sqrt(1/180 / NS) (the fourth central moment (b-a)^4/80). */
  slp_dist ud = {SLP_DIST_UNIFORM, -55.0, -45.0, 0, 0};
  ck_assert_int_eq(slp_network_set_param_dist(net, id, "v_th", &ud), 0);
  x = draw(net, id, k, 7);
  mean = var = 0;
  for (int i = 0; i < NS; i++) {
    ck_assert(x[i] >= -55.0 && x[i] < -45.0);
    mean += x[i];
  }
  mean /= NS;
  for (int i = 0; i < NS; i++)
    var += (x[i] - mean) * (x[i] - mean);
  var /= NS - 1;
  ck_assert_double_le(fabs(mean - -50.0), 6 * 10.0 / sqrt(12.0 * NS));
  ck_assert_double_le(fabs(var - 100.0 / 12), 6 * 100.0 * sqrt(1.0 / 180 / NS));
  slp__free(x);

  /* A clipped normal stays in its clip range. */
  slp_dist cd = {SLP_DIST_NORMAL, -50.0, 5.0, -52.0, -49.0};
  ck_assert_int_eq(slp_network_set_param_dist(net, id, "v_th", &cd), 0);
  x = draw(net, id, k, 7);
  for (int i = 0; i < NS; i++)
    ck_assert(x[i] >= -52.0 && x[i] <= -49.0);
  slp__free(x);
  slp_network_destroy(net);
}
END_TEST

/* --- The C API ------------------------------------------------------------ */

START_TEST(test_api_errors) {
  slp_network *net = NULL;
  uint32_t id;
  ck_assert_int_eq(slp_network_create(&net), 0);
  ck_assert_int_eq(slp_network_add_population(net, "p", 3, "lif", &id), 0);
  double v[3] = {1, 2, 3};
  ck_assert_int_eq(slp_network_set_param_values(net, id, "v_th", v, 2),
                   SLP_EINVAL);
  ck_assert_int_eq(slp_network_set_param_values(net, id, "nope", v, 3),
                   SLP_ENOENT);
  ck_assert_int_eq(slp_network_set_param_values(net, id + 1, "v_th", v, 3),
                   SLP_EINVAL);
  ck_assert_int_eq(slp_network_set_param_values(net, id, "reset_method", v,
                                                3),
                   SLP_ENOENT); /* lif has none */
  double bad[3] = {1, NAN, 3};
  ck_assert_int_eq(slp_network_set_param_values(net, id, "v_th", bad, 3),
                   SLP_ERANGE);
  slp_dist d = {SLP_DIST_UNIFORM, 5.0, 1.0, 0, 0};
  ck_assert_int_eq(slp_network_set_param_dist(net, id, "v_th", &d),
                   SLP_ERANGE);
  d = (slp_dist){SLP_DIST_NORMAL, 5.0, -1.0, -INFINITY, INFINITY};
  ck_assert_int_eq(slp_network_set_param_dist(net, id, "v_th", &d),
                   SLP_ERANGE);
  /* A group name sets each of its parameters per neuron. */
  ck_assert_int_eq(slp_network_set_param_values(net, id, "tau_syn", v, 3), 0);
  const slp__group *g = &net->groups[id];
  int ke = slp__model_param_index(g->model, "tau_syn_exc");
  int ki = slp__model_param_index(g->model, "tau_syn_inh");
  ck_assert_ptr_nonnull(g->param_values[ke]);
  ck_assert_ptr_nonnull(g->param_values[ki]);
  ck_assert_double_eq(g->param_values[ki][2], 3.0);
  /* A constant afterwards replaces the list. */
  ck_assert_int_eq(slp_network_set_param(net, id, "tau_syn_exc", 4.0), 0);
  ck_assert_ptr_null(g->param_values[ke]);
  ck_assert_ptr_nonnull(g->param_values[ki]);
  slp_network_destroy(net);
}
END_TEST

/* A preset overrides what it sets, per-neuron values included, and leaves
 * the others varying. */
START_TEST(test_preset_overrides) {
  slp_network *net = NULL;
  uint32_t id;
  ck_assert_int_eq(slp_network_create(&net), 0);
  ck_assert_int_eq(slp_network_add_population(net, "p", 3, "lif", &id), 0);
  double v[3] = {-55, -54, -53}, r[3] = {1, 2, 3};
  ck_assert_int_eq(slp_network_set_param_values(net, id, "v_th", v, 3), 0);
  ck_assert_int_eq(slp_network_set_param_values(net, id, "t_ref", r, 3), 0);
  ck_assert_int_eq(slp_network_set_preset(net, id, "bio"), 0);
  const slp__group *g = &net->groups[id];
  int kth = slp__model_param_index(g->model, "v_th");
  int kref = slp__model_param_index(g->model, "t_ref");
  ck_assert_ptr_null(g->param_values[kth]);
  ck_assert_double_eq(g->params[kth], -55.0);
  ck_assert_ptr_nonnull(g->param_values[kref]);
  slp_network_destroy(net);
}
END_TEST

/* --- Model-file errors ---------------------------------------------------- */

typedef struct file_case {
  const char *params; /* the params mapping of a 4-neuron lif population */
  int err;            /* the loader's result */
  unsigned line;      /* where it points (the params line is line 5) */
  const char *key;    /* the key it names */
  const char *says;   /* a phrase of the message */
} file_case;

static const file_case file_cases[] = {
    {"{v_th: [1 mV, 2 mV, 3 mV]}", SLP_EINVAL, 5, "populations.p.params.v_th",
     "list of 3 values, but the population has 4 neurons"},
    {"{v_th: [1 mV, 2 mV, 3 mV, 4 ms]}", SLP_EUNIT, 5,
     "populations.p.params.v_th[3]", "v_th"},
    {"{v_th: {normal: [1 mV]}}", SLP_EPARSE, 5,
     "populations.p.params.v_th.normal", "list of two values"},
    {"{v_th: {uniform: [5 mV, 1 mV]}}", SLP_ERANGE, 5,
     "populations.p.params.v_th.uniform", "low bound"},
    {"{v_th: {poisson: 3}}", SLP_EKEY, 5, "populations.p.params.v_th.poisson",
     "poisson"},
    {"{v_th: {normal: [1 mV, -1 mV]}}", SLP_ERANGE, 5,
     "populations.p.params.v_th.normal", "standard deviation"},
};

START_TEST(test_model_file_errors) {
  const file_case *c = &file_cases[_i];
  char yaml[512];
  snprintf(yaml, sizeof yaml,
           "populations:\n  p:\n    size: 4\n    model: lif\n"
           "    params: %s\n",
           c->params);
  slp_model *m = NULL;
  slp_diag d;
  memset(&d, 0, sizeof d);
  int rc = slp_model_load(&m, "inline.yaml", yaml, strlen(yaml), &d);
  ck_assert_ptr_null(m);
  ck_assert_msg(rc == c->err, "%s: %s (%s)", c->params, slp_err_name(rc),
                d.message);
  ck_assert_str_eq(d.file, "inline.yaml");
  ck_assert_uint_eq(d.line, c->line);
  ck_assert_str_eq(d.key, c->key);
  ck_assert_msg(strstr(d.message, c->says) != NULL, "%s", d.message);
}
END_TEST

/* A parameter given by name cannot vary: a clear error, not a silent
 * choice. */
START_TEST(test_choice_cannot_vary) {
  const char *yaml = "populations:\n  p:\n    size: 2\n    model: lif_box\n"
                     "    params: {reset_method: [value, subtract]}\n";
  slp_model *m = NULL;
  slp_diag d;
  memset(&d, 0, sizeof d);
  int rc = slp_model_load(&m, "inline.yaml", yaml, strlen(yaml), &d);
  ck_assert_ptr_null(m);
  ck_assert_int_eq(rc, SLP_EPARSE);
  ck_assert_uint_eq(d.line, 5);
  ck_assert_msg(strstr(d.message, "one value per population"), "%s",
                d.message);
}
END_TEST

/* Values out of range are found when the simulation is built, naming the
 * population, the parameter and the neuron. */
START_TEST(test_out_of_range_names_neuron) {
  slp_diag d;
  int rc = create_error(
      "populations:\n  p:\n    size: 4\n    model: lif\n"
      "    params: {v_reset: -60 mV, v_th: [-50 mV, -55 mV, -70 mV, -40 mV]}\n",
      &d);
  ck_assert_int_eq(rc, SLP_ERANGE);
  ck_assert_msg(strstr(d.message, "populations.p.params.v_th: neuron 2:") &&
                    strstr(d.message, "must be below v_th (-70 mV)"),
                "%s", d.message);
  rc = create_error("populations:\n  p:\n    size: 3\n    model: lif\n"
                    "    params: {t_ref: [1 ms, -2 ms, 0 ms]}\n",
                    &d);
  ck_assert_int_eq(rc, SLP_ERANGE);
  ck_assert_msg(strstr(d.message, "populations.p.params.t_ref: neuron 1:"),
                "%s", d.message);
  /* A drawn value too: a uniform threshold reaching below the reset. */
  rc = create_error("populations:\n  p:\n    size: 1000\n    model: lif\n"
                    "    params: {v_reset: -60 mV, "
                    "v_th: {uniform: [-61 mV, -50 mV]}}\n",
                    &d);
  ck_assert_int_eq(rc, SLP_ERANGE);
  ck_assert_msg(strstr(d.message, "populations.p.params.v_th: neuron "),
                "%s", d.message);
  /* A clip range the normal cannot be drawn from. */
  rc = create_error("populations:\n  p:\n    size: 2\n    model: lif\n"
                    "    params: {v_th: {normal: [0 mV, 1 mV], "
                    "clip: [100 mV, 101 mV]}}\n",
                    &d);
  ck_assert_int_eq(rc, SLP_ERANGE);
  ck_assert_msg(strstr(d.message, "populations.p.params.v_th: the clipped"),
                "%s", d.message);
}
END_TEST

/* v defaults to v_leak: to each neuron's own when v_leak varies. */
START_TEST(test_v_defaults_to_own_leak) {
  slp_diag d;
  slp_model *m = load("simulation: {time: 1 ms}\n"
                      "populations:\n  p:\n    size: 3\n    model: lif\n"
                      "    params: {v_leak: [-70 mV, -65 mV, -60 mV], "
                      "v_th: -50 mV, v_reset: -80 mV}\n",
                      &d);
  slp_sim *sim = NULL;
  ck_assert_int_eq(slp_sim_create(&sim, m->net, &m->cfg, &d), 0);
  slp_sim_stats st;
  ck_assert_int_eq(slp_sim_run(sim, 1000000, NULL, NULL), 0);
  slp_sim_get_stats(sim, &st);
  ck_assert_uint_eq(st.spikes, 0); /* at rest, each at its own v_leak */
  slp_sim_destroy(sim);
  slp_model_destroy(m);
}
END_TEST

static Suite *suite_per_neuron(void) {
  Suite *s = suite_create("per_neuron");
  TCase *tc = tcase_create("singletons");
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, test_lif_matches_singletons, 0, 3);
  tcase_add_loop_test(tc, test_lif_each_param_alone, 0, 4);
  tcase_add_loop_test(tc, test_ada_lif_matches_singletons, 0, 3);
  tcase_add_loop_test(tc, test_models_match_singletons, 0,
                      sizeof model_cases / sizeof model_cases[0]);
  tcase_add_loop_test(tc, test_li_matches_singletons, 0, 2);
  tcase_add_loop_test(tc, test_li_box_matches_singletons, 0, 2);
  tcase_add_test(tc, test_norse_lif_matches_singletons);
  tcase_add_loop_test(tc, test_lif_taus_match_singletons, 0, 2);
  tcase_add_loop_test(tc, test_ada_lif_taus_match_singletons, 0, 2);
  tcase_add_test(tc, test_tolerance_refused_with_reason);
  tcase_add_test(tc, test_baseline_refuses);
  suite_add_tcase(s, tc);
  tc = tcase_create("draws");
  tcase_add_test(tc, test_draws_reproducible);
  tcase_add_test(tc, test_draw_statistics);
  suite_add_tcase(s, tc);
  tc = tcase_create("input");
  tcase_add_test(tc, test_api_errors);
  tcase_add_test(tc, test_preset_overrides);
  tcase_add_loop_test(tc, test_model_file_errors, 0,
                      sizeof file_cases / sizeof file_cases[0]);
  tcase_add_test(tc, test_choice_cannot_vary);
  tcase_add_test(tc, test_out_of_range_names_neuron);
  tcase_add_test(tc, test_v_defaults_to_own_leak);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite_per_neuron());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
