/*
 * tests/test_plasticity.c -- pair-based STDP: the window against closed
 * forms for every weight dependence and both delay conventions, the lazy
 * implementation against a brute-force pair sum for every pairing, bounds,
 * bounded history under a silent presynaptic neuron, determinism, the
 * direct-input path, and model-file errors for every key.
 *
 * The rig: a presynaptic spike_array source feeds one lif_box neuron
 * through the plastic projection; a second spike_array ("drive") makes the
 * neuron fire exactly when wanted (a 1000 mV jump of v over a 10 mV
 * threshold fires at the arrival tick).  The plastic weights stay far below
 * threshold, so they never cause a spike themselves.  Post spike times are
 * taken from the spike callback, pre times from the rounding the source
 * applies (nearest tick), so every expected value uses the same integer
 * ticks the engine does.
 */
#include "config.h"

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sleipnir.h"
#include "network/sim.h"
#include "plasticity/stdp.h"

#define MS SLP_TICKS_PER_MS
#define MAX_POST 4096

typedef struct posts {
  slp_tick t[MAX_POST]; /* post spike ticks, in order */
  size_t n;             /* how many */
} posts;

static void on_spike(void *arg, slp_tick t, uint32_t neuron) {
  posts *p = arg;
  (void)neuron;
  if (p->n < MAX_POST)
    p->t[p->n++] = t;
}

static slp_tick tick_of(double ms) { return (slp_tick)llround(ms * 1e6); }

/* One pre source, one post neuron, a drive; the plastic projection is
 * projection 0. */
typedef struct rig {
  slp_network *net;
  slp_sim *sim;
  posts post;
} rig;

static void rig_build(rig *r, const slp_stdp_params *p, const double *pre_ms,
                      size_t n_pre, const double *post_ms, size_t n_post,
                      double delay_ms, double w0, slp_mode mode,
                      double time_ms) {
  memset(r, 0, sizeof *r);
  ck_assert_int_eq(slp_network_create(&r->net), 0);
  uint32_t pop, pre, drive;
  ck_assert_int_eq(slp_network_add_population(r->net, "post", 1, "lif_box",
                                              &pop), 0);
  slp_network_set_param(r->net, pop, "tau_mem", 10.0);
  slp_network_set_param(r->net, pop, "v_th", 10.0);
  slp_network_set_param(r->net, pop, "v_reset", 0.0);
  slp_spike_event *ev = malloc((n_pre + n_post + 1) * sizeof *ev);
  for (size_t k = 0; k < n_pre; k++)
    ev[k] = (slp_spike_event){pre_ms[k], 0, 1.0};
  ck_assert_int_eq(slp_network_add_spike_array(r->net, "pre", 1, ev, n_pre,
                                               &pre), 0);
  /* The drive arrives 1 ms after it is sent: send it 1 ms early. */
  for (size_t k = 0; k < n_post; k++)
    ev[k] = (slp_spike_event){post_ms[k] - 1.0, 0, 1.0};
  ck_assert_int_eq(slp_network_add_spike_array(r->net, "drive", 1, ev, n_post,
                                               &drive), 0);
  free(ev);
  slp_projection_spec s;
  slp_projection_spec_init(&s);
  s.from = pre;
  s.to = &pop;
  s.n_to = 1;
  s.rule = SLP_CONNECT_ONE_TO_ONE;
  s.weight = slp_dist_const(w0);
  s.delay = slp_dist_const(delay_ms);
  slp_diag d;
  ck_assert_int_eq(slp_network_connect(r->net, &s, &d), 0);
  ck_assert_int_eq(slp_network_set_stdp(r->net, 0, p, &d), 0);
  s.from = drive;
  s.weight = slp_dist_const(1000.0);
  s.delay = slp_dist_const(1.0);
  ck_assert_int_eq(slp_network_connect(r->net, &s, &d), 0);
  slp_sim_config cfg;
  slp_sim_config_init(&cfg);
  cfg.time_ms = time_ms;
  cfg.mode = mode;
  int rc = slp_sim_create(&r->sim, r->net, &cfg, &d);
  ck_assert_msg(rc == 0, "%s", d.message);
  slp_sim_on_spike(r->sim, on_spike, &r->post);
}

static void rig_free(rig *r) {
  slp_sim_destroy(r->sim);
  slp_network_destroy(r->net);
}

static double rig_weight(rig *r) {
  double w = NAN;
  size_t n = 0;
  ck_assert_int_eq(slp_sim_get_weights(r->sim, 0, NULL, NULL, &w, 1, &n), 0);
  ck_assert_uint_eq(n, 1);
  return w;
}

/* Run to the end and return the final weight; checks that the post neuron
 * fired exactly n_post times. */
static double rig_run(rig *r, size_t n_post, slp_tick end) {
  ck_assert_int_eq(slp_sim_run(r->sim, end, NULL, NULL), 0);
  ck_assert_uint_eq(r->post.n, n_post);
  return rig_weight(r);
}

/* ---------------------------------------------------------------------- */
/* The STDP window                                                        */
/* ---------------------------------------------------------------------- */

/* The closed form of one pair's effect on w0 at synapse time difference
 * dt (ticks): one potentiation step with x = a_pre e^{-dt/tau_pre} (dt > 0),
 * one depression step with y = a_post e^{dt/tau_post} (dt < 0), none at 0. */
static double one_pair(const slp_stdp_params *p, double w0, slp_tick dt) {
  double dtm = (double)dt / (double)MS;
  double w = w0;
  if (dt > 0) {
    double room = p->w_max - w0, f = p->eta_plus;
    if (p->algorithm == SLP_STDP_ADDITIVE_STEP)
      f = room > 0 ? f : 0;
    if (p->algorithm == SLP_STDP_MULTIPLICATIVE_POW)
      f *= pow(fmax(room, 0), p->mu_plus);
    if (p->algorithm == SLP_STDP_MULTIPLICATIVE_RELU)
      f *= fmax(room, 0);
    w = w0 + f * p->a_pre * exp(-dtm / p->tau_pre_ms);
  } else if (dt < 0) {
    double room = w0 - p->w_min, f = p->eta_minus;
    if (p->algorithm == SLP_STDP_ADDITIVE_STEP)
      f = room > 0 ? f : 0;
    if (p->algorithm == SLP_STDP_MULTIPLICATIVE_POW)
      f *= pow(fmax(room, 0), p->mu_minus);
    if (p->algorithm == SLP_STDP_MULTIPLICATIVE_RELU)
      f *= fmax(room, 0);
    w = w0 - f * p->a_post * exp(dtm / p->tau_post_ms);
  }
  if (p->hardbound)
    w = fmin(fmax(w, p->w_min), p->w_max);
  return w;
}

/*
 * Sweep the pair time difference over +-5 tau (and 0, +-1 tick) for rule p
 * with delay d split d_a + d_d, in `mode`.  The engine evaluates the same
 * formula on the same integer ticks, so the only differences are rounding
 * in exp() and the additions: a few ulp of w, i.e. 1e-12 relative to the
 * change is a wide margin while any real error (a wrong frame, a lost
 * update, a trace off by one spike) is orders of magnitude larger.
 */
static void sweep(const slp_stdp_params *p, double w0, double delay_ms,
                  slp_mode mode, double step_ms) {
  double da = p->axonal_delay_ms, dd = delay_ms - da;
  double t_pre_ms = 200.000123; /* off any grid in exact mode */
  if (mode == SLP_MODE_GRID)
    t_pre_ms = 200.0;
  for (double off = -100.0; off <= 100.0 + 1e-9; off += step_ms) {
    for (int extra = -1; extra <= 1; extra++) {
      if (extra != 0 && fabs(off) > 1e-9)
        continue;
      /* The post spike that meets the pre spike at the synapse at dt =
       * off (+- one tick, exact mode only). */
      double t_post_ms = t_pre_ms + da - dd + off;
      if (mode == SLP_MODE_EXACT)
        t_post_ms += extra * 1e-6;
      else if (extra != 0)
        continue;
      rig r;
      rig_build(&r, p, &t_pre_ms, 1, &t_post_ms, 1, delay_ms, w0, mode,
                500.0);
      double w = rig_run(&r, 1, tick_of(500.0));
      slp_tick dt = (r.post.t[0] + tick_of(dd)) - (tick_of(t_pre_ms) + tick_of(da));
      double want = one_pair(p, w0, dt);
      double tol = 1e-12 * fabs(want - w0) + 8 * DBL_EPSILON * fabs(w0);
      ck_assert_msg(fabs(w - want) <= tol,
                    "%s dt=%lld ticks: w=%.17g want %.17g (w0 %g)",
                    slp_stdp_algorithm_name(p->algorithm), (long long)dt, w,
                    want, w0);
      if (dt == 0)
        ck_assert_double_eq(w, w0); /* coinciding pair: nothing */
      rig_free(&r);
    }
  }
}

static void additive_params(slp_stdp_params *p) {
  slp_stdp_params_init(p);
  p->tau_pre_ms = 20.0;
  p->tau_post_ms = 30.0;
  p->eta_plus = 0.01;
  p->eta_minus = 0.012;
  p->a_pre = 1.5;
  p->a_post = 0.7;
  p->hardbound = 0;
}

START_TEST(window_additive_dendritic) {
  /* NEST's convention: all of the 2 ms delay dendritic. */
  slp_stdp_params p;
  additive_params(&p);
  sweep(&p, 1.0, 2.0, SLP_MODE_EXACT, 2.5);
}
END_TEST

START_TEST(window_additive_axonal) {
  /* Mostly axonal (1.5 of 2 ms): the curve moves by d_d - d_a = -1 ms in
   * emission times, which the sweep's frame accounts for. */
  slp_stdp_params p;
  additive_params(&p);
  p.axonal_delay_ms = 1.5;
  sweep(&p, 1.0, 2.0, SLP_MODE_EXACT, 2.5);
}
END_TEST

START_TEST(window_additive_grid) {
  slp_stdp_params p;
  additive_params(&p);
  p.axonal_delay_ms = 0.5;
  sweep(&p, 1.0, 2.0, SLP_MODE_GRID, 5.0);
}
END_TEST

START_TEST(window_rules) {
  /* Each weight dependence, with hard bounds, at weights where the factor
   * matters (and one where the bound clips). */
  static const struct {
    slp_stdp_algorithm a;
    double mu_plus, mu_minus, w0;
  } cases[] = {
      {SLP_STDP_ADDITIVE_STEP, 0, 0, 0.5},
      {SLP_STDP_ADDITIVE_STEP, 0, 0, 2.0},  /* at w_max: no potentiation */
      {SLP_STDP_MULTIPLICATIVE_POW, 0.5, 0.5, 0.75},
      {SLP_STDP_MULTIPLICATIVE_POW, 1, 1, 1.25},   /* multiplicative */
      {SLP_STDP_MULTIPLICATIVE_POW, 0, 1, 1.25},   /* van Rossum */
      {SLP_STDP_MULTIPLICATIVE_RELU, 0, 0, 0.25},
      {SLP_STDP_ADDITIVE, 0, 0, 1.9921875},        /* clipped at w_max */
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    slp_stdp_params p;
    additive_params(&p);
    p.hardbound = 1;
    p.w_min = 0.0;
    p.w_max = 2.0;
    p.eta_plus = 0.2;
    p.eta_minus = 0.25;
    p.algorithm = cases[c].a;
    p.mu_plus = cases[c].mu_plus;
    p.mu_minus = cases[c].mu_minus;
    sweep(&p, cases[c].w0, 1.0, SLP_MODE_EXACT, 12.5);
  }
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Lazy vs brute force                                                    */
/* ---------------------------------------------------------------------- */

static uint64_t lcg(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return *s >> 11;
}

/* Poisson-like train at rate hz over [t0, t1) ms, on random ticks. */
static size_t train(uint64_t *seed, double hz, double t0, double t1,
                    double *out, size_t cap) {
  size_t n = 0;
  double t = t0;
  for (;;) {
    double u = ((double)lcg(seed) + 0.5) / 9007199254740992.0;
    t += -log(u) * 1000.0 / hz;
    if (t >= t1 || n == cap)
      return n;
    out[n++] = round(t * 1e6) / 1e6;
  }
}

/*
 * The additive weight change of all pairs of pre (synapse times a[]) and
 * post (synapse times b[]) under `pairing`, enumerated pair by pair from the
 * definitions (reference/algorithms.md 3.1):
 *   all:        every pair;
 *   symmetric:  each post with the last pre before it, each pre with the
 *               last post before it;
 *   pre-centred: each post with every pre since the previous post; each pre
 *               with the last post before it;
 *   restricted: (pre, post) only if the pre is the last before the post and
 *               the post the first after the pre; likewise (post, pre).
 * Times are distinct (random ticks), so "before" is strict.
 */
static double pair_sum(const slp_stdp_params *p, const slp_tick *a, size_t na,
                       const slp_tick *b, size_t nb) {
  double sum = 0;
  for (size_t i = 0; i < na; i++)
    for (size_t j = 0; j < nb; j++) {
      slp_tick dt = b[j] - a[i];
      int ltp = dt > 0, ltd = dt < 0, take = 0;
      /* last pre before post j, first post after pre i, ... */
      size_t last_pre = SIZE_MAX, last_post = SIZE_MAX;
      for (size_t k = 0; k < na; k++)
        if (a[k] < b[j])
          last_pre = k;
      for (size_t k = 0; k < nb; k++)
        if (b[k] < a[i])
          last_post = k;
      size_t first_post_after = SIZE_MAX, first_pre_after = SIZE_MAX;
      for (size_t k = nb; k-- > 0;)
        if (b[k] > a[i])
          first_post_after = k;
      for (size_t k = na; k-- > 0;)
        if (a[k] > b[j])
          first_pre_after = k;
      switch (p->pairing) {
      case SLP_STDP_ALL:
        take = 1;
        break;
      case SLP_STDP_NEAREST_SYMMETRIC:
        take = ltp ? last_pre == i : last_post == j;
        break;
      case SLP_STDP_NEAREST_PRE_CENTRED:
        take = ltp ? (j == 0 || b[j - 1] < a[i]) : last_post == j;
        break;
      case SLP_STDP_NEAREST_RESTRICTED:
        take = ltp ? last_pre == i && first_post_after == j
                   : last_post == j && first_pre_after == i;
        break;
      }
      if (!take)
        continue;
      double dtm = (double)dt / (double)MS;
      if (ltp)
        sum += p->eta_plus * p->a_pre * exp(-dtm / p->tau_pre_ms);
      if (ltd)
        sum -= p->eta_minus * p->a_post * exp(dtm / p->tau_post_ms);
    }
  return sum;
}

static void brute_force(slp_stdp_pairing pairing, double axonal,
                        uint64_t seed) {
  slp_stdp_params p;
  additive_params(&p);
  p.pairing = pairing;
  p.axonal_delay_ms = axonal;
  static double pre_ms[400], post_ms[400];
  size_t na = train(&seed, 20.0, 5.0, 3000.0, pre_ms, 400);
  size_t nb = train(&seed, 15.0, 5.0, 3000.0, post_ms, 400);
  /* Keep post spikes 2 ms apart at least (the drive must not land inside
   * the neuron's own spike). */
  size_t m = 0;
  for (size_t k = 0; k < nb; k++)
    if (m == 0 || post_ms[k] - post_ms[m - 1] > 2.0)
      post_ms[m++] = post_ms[k];
  nb = m;
  double delay = 3.0, dd = delay - axonal;
  rig r;
  rig_build(&r, &p, pre_ms, na, post_ms, nb, delay, 1.0, SLP_MODE_EXACT,
            3100.0);
  double w = rig_run(&r, nb, tick_of(3100.0));
  slp_tick a[400], b[400];
  for (size_t k = 0; k < na; k++)
    a[k] = tick_of(pre_ms[k]) + tick_of(axonal);
  for (size_t k = 0; k < nb; k++)
    b[k] = r.post.t[k] + tick_of(dd);
  double want = 1.0 + pair_sum(&p, a, na, b, nb);
  /* Hundreds of additions of terms <= 0.015 each: rounding accumulates to a
   * few 1e-16 per term; 1e-12 absolute is loose for that and tight for any
   * missed or extra pair (>= 1e-5 for pairs within 5 tau). */
  ck_assert_msg(fabs(w - want) <= 1e-12, "%s: w=%.17g want %.17g (%zu pre, "
                "%zu post)", slp_stdp_pairing_name(pairing), w, want, na, nb);
  ck_assert(fabs(want - 1.0) > 1e-3); /* the trains did interact */
  rig_free(&r);
}

START_TEST(brute_all) { brute_force(SLP_STDP_ALL, 0.0, 11); brute_force(SLP_STDP_ALL, 2.0, 12); }
END_TEST
START_TEST(brute_symmetric) { brute_force(SLP_STDP_NEAREST_SYMMETRIC, 0.0, 13); brute_force(SLP_STDP_NEAREST_SYMMETRIC, 1.0, 14); }
END_TEST
START_TEST(brute_pre_centred) { brute_force(SLP_STDP_NEAREST_PRE_CENTRED, 0.0, 15); brute_force(SLP_STDP_NEAREST_PRE_CENTRED, 2.5, 16); }
END_TEST
START_TEST(brute_restricted) { brute_force(SLP_STDP_NEAREST_RESTRICTED, 0.0, 17); brute_force(SLP_STDP_NEAREST_RESTRICTED, 1.5, 18); }
END_TEST

/*
 * Triplet rule against its definition (Pfister & Gerstner 2006, minimal
 * all-to-all model): every (pre, post) pair at dt > 0 potentiates by
 * eta+ a_pre e^{-dt/tau+} (A2+ + A3+ o2), o2 = sum over earlier post spikes
 * of e^{-(t_post - t_k)/tau_y}; every pair at dt < 0 depresses by
 * eta- a_post e^{dt/tau-} (A2- + A3- r2), r2 likewise over earlier pre
 * spikes with tau_x.  Additive without bounds, the sum is order-free: the
 * same 1e-12 argument as brute_force.
 */
static void brute_triplet(double axonal, uint64_t seed) {
  slp_stdp_params p;
  slp_stdp_params_init(&p);
  ck_assert_int_eq(slp_stdp_triplet_set(&p, "visual_cortex"), 0);
  p.hardbound = 0;
  p.a2_plus = 5e-3; /* the published 5e-10 would make LTP all triplet */
  p.a_pre = 1.25;
  p.a_post = 0.8;
  p.axonal_delay_ms = axonal;
  static double pre_ms[400], post_ms[400];
  size_t na = train(&seed, 20.0, 5.0, 3000.0, pre_ms, 400);
  size_t nb = train(&seed, 15.0, 5.0, 3000.0, post_ms, 400), m = 0;
  for (size_t k = 0; k < nb; k++)
    if (m == 0 || post_ms[k] - post_ms[m - 1] > 2.0)
      post_ms[m++] = post_ms[k];
  nb = m;
  double delay = 2.0, dd = delay - axonal;
  rig r;
  rig_build(&r, &p, pre_ms, na, post_ms, nb, delay, 1.0, SLP_MODE_EXACT,
            3100.0);
  double w = rig_run(&r, nb, tick_of(3100.0));
  static slp_tick a[400], b[400];
  for (size_t k = 0; k < na; k++)
    a[k] = tick_of(pre_ms[k]) + tick_of(axonal);
  for (size_t k = 0; k < nb; k++)
    b[k] = r.post.t[k] + tick_of(dd);
  double want = 1.0;
  for (size_t j = 0; j < nb; j++) {
    double o2 = 0;
    for (size_t k = 0; k < j; k++)
      o2 += exp(-(double)(b[j] - b[k]) / (double)MS / p.tau_y_ms);
    for (size_t i = 0; i < na; i++)
      if (a[i] < b[j])
        want += p.eta_plus * p.a_pre *
                exp(-(double)(b[j] - a[i]) / (double)MS / p.tau_pre_ms) *
                (p.a2_plus + p.a3_plus * o2);
  }
  for (size_t i = 0; i < na; i++) {
    double r2 = 0;
    for (size_t k = 0; k < i; k++)
      r2 += exp(-(double)(a[i] - a[k]) / (double)MS / p.tau_x_ms);
    for (size_t j = 0; j < nb; j++)
      if (b[j] < a[i])
        want -= p.eta_minus * p.a_post *
                exp(-(double)(a[i] - b[j]) / (double)MS / p.tau_post_ms) *
                (p.a2_minus + p.a3_minus * r2);
  }
  ck_assert_msg(fabs(w - want) <= 1e-12, "triplet: w=%.17g want %.17g", w,
                want);
  ck_assert(fabs(want - 1.0) > 1e-3);
  rig_free(&r);
}

START_TEST(brute_triplet_all) { brute_triplet(0.0, 21); brute_triplet(1.5, 22); }
END_TEST

START_TEST(triplet_model_file) {
  const char *head =
      "populations: {post: {size: 2, model: lif_box}}\n"
      "projections:\n"
      "  - from: post\n"
      "    to: post\n"
      "    connect: one_to_one\n"
      "    weight: 1 mV\n"
      "    delay: 1 ms\n"
      "    plasticity:\n"
      "      rule: triplet\n";
  char text[1024];
  slp_model *m = NULL;
  slp_diag d;
  /* Defaults: the visual-cortex set. */
  snprintf(text, sizeof text, "%s", head);
  ck_assert_int_eq(slp_model_load(&m, "ok.yaml", text, strlen(text), &d), 0);
  const slp_stdp_params *p = m->net->projs[0].stdp;
  ck_assert_int_eq(p->triplet, 1);
  ck_assert_double_eq(p->tau_pre_ms, 16.8);
  ck_assert_double_eq(p->tau_post_ms, 33.7);
  ck_assert_double_eq(p->tau_x_ms, 101.0);
  ck_assert_double_eq(p->tau_y_ms, 125.0);
  ck_assert_double_eq(p->a2_plus, 5e-10);
  ck_assert_double_eq(p->a3_plus, 6.2e-3);
  ck_assert_double_eq(p->a2_minus, 7e-3);
  ck_assert_double_eq(p->a3_minus, 2.3e-4);
  slp_model_destroy(m);
  snprintf(text, sizeof text, "%s      set: visual_cortex\n      tau_x: 0.2\n"
           "      a3_minus: 0.001\n", head);
  ck_assert_int_eq(slp_model_load(&m, "ok.yaml", text, strlen(text), &d), 0);
  ck_assert_double_eq_tol(m->net->projs[0].stdp->tau_x_ms, 200.0, 1e-9);
  ck_assert_double_eq(m->net->projs[0].stdp->a3_minus, 0.001);
  slp_model_destroy(m);
  static const struct {
    const char *lines;
    int rc;
    const char *key;
  } bad_t[] = {
      {"      set: hippocampus_guess\n", SLP_EINVAL, "set"},
      {"      tau_y: 0 ms\n", SLP_EINVAL, "tau_y"},
      {"      tau_x: 5 mV\n", SLP_EUNIT, "tau_x"},
      {"      a2_plus: -1\n", SLP_EINVAL, "a2_plus"},
      {"      a3_plus: x\n", SLP_EPARSE, "a3_plus"},
      {"      pairing: nearest_symmetric\n", SLP_EINVAL, "pairing"},
      {"      U: 0.5\n", SLP_EKEY, "U"},
  };
  for (size_t k = 0; k < sizeof bad_t / sizeof bad_t[0]; k++) {
    snprintf(text, sizeof text, "%s%s", head, bad_t[k].lines);
    int rc = slp_model_load(&m, "bad.yaml", text, strlen(text), &d);
    ck_assert_msg(rc == bad_t[k].rc, "case %zu: rc %d (%s)", k, rc, d.message);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(d.key, bad_t[k].key) != NULL, "case %zu: key %s", k,
                  d.key);
    ck_assert_uint_eq(d.line, 10);
  }
  /* A triplet key under rule stdp is refused. */
  snprintf(text, sizeof text, "%s",
           "populations: {post: {size: 2, model: lif_box}}\n"
           "projections:\n"
           "  - {from: post, to: post, connect: one_to_one, weight: 1 mV,\n"
           "     delay: 1 ms, plasticity: {rule: stdp, tau_x: 100 ms}}\n");
  ck_assert_int_eq(slp_model_load(&m, "bad.yaml", text, strlen(text), &d),
                   SLP_EKEY);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Bounds, history, tiny steps                                            */
/* ---------------------------------------------------------------------- */

START_TEST(bounds_respected) {
  /* Large steps that would cross both bounds many times over. */
  slp_stdp_params p;
  additive_params(&p);
  p.hardbound = 1;
  p.w_min = 0.5;
  p.w_max = 1.5;
  p.eta_plus = 0.4;
  p.eta_minus = 0.45;
  uint64_t seed = 99;
  static double pre_ms[400], post_ms[400];
  size_t na = train(&seed, 30.0, 5.0, 2000.0, pre_ms, 400);
  size_t nb = train(&seed, 25.0, 5.0, 2000.0, post_ms, 400), m = 0;
  for (size_t k = 0; k < nb; k++)
    if (m == 0 || post_ms[k] - post_ms[m - 1] > 2.0)
      post_ms[m++] = post_ms[k];
  rig r;
  rig_build(&r, &p, pre_ms, na, post_ms, m, 1.0, 1.0, SLP_MODE_EXACT, 2000.0);
  int hit_lo = 0, hit_hi = 0;
  for (int k = 1; k <= 200; k++) {
    ck_assert_int_eq(slp_sim_run(r.sim, tick_of(10.0 * k), NULL, NULL), 0);
    double w = rig_weight(&r);
    ck_assert(w >= p.w_min && w <= p.w_max);
    hit_lo |= w == p.w_min;
    hit_hi |= w == p.w_max;
  }
  ck_assert(hit_lo && hit_hi); /* both bounds were actually reached */
  rig_free(&r);
}
END_TEST

START_TEST(silent_pre_bounded_history) {
  /* One pre spike, then silence for 60 s while the post neuron fires at
   * 50 Hz; then a second pre spike.  The post history must stay bounded by
   * the rate times the horizon, and the weight must equal the pair sum
   * (flushes lose nothing). */
  slp_stdp_params p;
  additive_params(&p);
  double pre_ms[2] = {10.0, 60000.0};
  size_t nb = 0;
  static double post_ms[3100];
  for (double t = 30.0; t < 61000.0; t += 20.0)
    post_ms[nb++] = t + 0.0005;
  rig r;
  rig_build(&r, &p, pre_ms, 2, post_ms, nb, 1.0, 1.0, SLP_MODE_EXACT, 61000.0);
  /* One target neuron: its partition holds the synapses. */
  uint32_t part = r.sim->owner[0] & SLP__OWNER_PART;
  slp__stdp_proj *P = slp__plasticity_find(r.sim->parts[part].plast, 0);
  ck_assert_ptr_nonnull(P);
  double horizon_ms = (double)r.sim->parts[part].plast->horizon / (double)MS;
  uint32_t bound = (uint32_t)(50.0 * (1.5 * horizon_ms + 2.0) / 1000.0) + 2;
  uint32_t peak = 0;
  for (int k = 1; k <= 61; k++) {
    ck_assert_int_eq(slp_sim_run(r.sim, tick_of(1000.0 * k), NULL, NULL), 0);
    if (P->hist[0].n > peak)
      peak = P->hist[0].n;
  }
  ck_assert_msg(peak <= bound, "history held %u spikes (bound %u)", peak,
                bound);
  ck_assert_uint_eq(r.post.n, nb);
  double w = rig_weight(&r);
  static slp_tick b[3100];
  slp_tick a[2] = {tick_of(10.0), tick_of(60000.0)};
  for (size_t k = 0; k < nb; k++)
    b[k] = r.post.t[k] + tick_of(1.0);
  double want = 1.0 + pair_sum(&p, a, 2, b, nb);
  ck_assert_msg(fabs(w - want) <= 1e-12, "w=%.17g want %.17g", w, want);
  rig_free(&r);
}
END_TEST

START_TEST(post_history_header) {
  /* The header holds the two newest spikes (tick, traces) and the tick of
   * the third; the base (newest dropped spike) lives in the ring's spare
   * entry and survives growth and rescaling. */
  slp__post_hist h;
  slp__hist_init(&h);
  ck_assert(h.newest_t == SLP__HIST_NONE && h.prev_t == SLP__HIST_NONE &&
            h.prev2_t == SLP__HIST_NONE);
  ck_assert(slp__hist_base_t(&h) == SLP__HIST_NONE);
  ck_assert(slp__hist_base_y(&h) == 0.0);
  for (int k = 1; k <= 11; k++) /* grows the ring 4 -> 8 -> 16 */
    ck_assert_int_eq(slp__hist_push(&h, 10 * k, k, 100.0 + k, 0.0), 0);
  ck_assert_uint_eq(h.n, 11);
  ck_assert(h.newest_t == 110 && h.prev_t == 100 && h.prev2_t == 90);
  ck_assert(h.newest_y == 11.0 && h.newest_p == 111.0 && h.prev_p == 110.0);
  ck_assert(slp__hist_base_t(&h) == SLP__HIST_NONE);
  /* Drop the spikes before 45: 10..40 go, 40 is the base. */
  slp__hist_drop_before(&h, 45);
  ck_assert_uint_eq(h.n, 7);
  ck_assert(slp__hist_t(&h, 0) == 50);
  ck_assert(slp__hist_base_t(&h) == 40 && slp__hist_base_y(&h) == 4.0);
  /* The ring wraps, then grows (unrolled): the base stays. */
  for (int k = 12; k <= 21; k++)
    ck_assert_int_eq(slp__hist_push(&h, 10 * k, k, 100.0 + k, 0.0), 0);
  ck_assert_uint_eq(h.n, 17);
  ck_assert_uint_eq(h.log_cap, 5);
  ck_assert(slp__hist_base_t(&h) == 40 && slp__hist_base_y(&h) == 4.0);
  ck_assert(slp__hist_t(&h, 16) == 210 && slp__hist_p(&h, 15) == 120.0);
  /* Rescaling: every y (the base's too) by fy, every p (prev_p too) by fp,
   * the header's copies equal to the ring's. */
  slp__hist_rescale(&h, 0.5, 0.25);
  ck_assert(slp__hist_base_y(&h) == 2.0);
  ck_assert(h.newest_y == slp__hist_y(&h, 16) && h.newest_y == 10.5);
  ck_assert(h.newest_p == slp__hist_p(&h, 16));
  ck_assert(h.prev_p == slp__hist_p(&h, 15) && h.prev_p == 30.0);
  /* The newest entry is never dropped; the one before becomes the base. */
  slp__hist_drop_before(&h, 1000);
  ck_assert_uint_eq(h.n, 1);
  ck_assert(slp__hist_base_t(&h) == 200 && slp__hist_base_y(&h) == 10.0);
  ck_assert(h.newest_t == 210 && h.prev_t == 200 && h.prev2_t == 190);
  slp__hist_free(&h);
  ck_assert(slp__hist_base_t(&h) == SLP__HIST_NONE);
}
END_TEST

START_TEST(tiny_steps_kept) {
  /* 5e-10 potentiation on w = 1 (below float resolution there): 1000
   * pairs must add up to 1000 steps. */
  slp_stdp_params p;
  additive_params(&p);
  p.eta_plus = 5e-10;
  p.eta_minus = 0;
  p.a_pre = 1.0;
  static double pre_ms[1000], post_ms[1000];
  for (int k = 0; k < 1000; k++) {
    pre_ms[k] = 10.0 + 500.0 * k;
    post_ms[k] = pre_ms[k] + 5.0;
  }
  rig r;
  rig_build(&r, &p, pre_ms, 1000, post_ms, 1000, 1.0, 1.0, SLP_MODE_EXACT,
            500100.0);
  double w = rig_run(&r, 1000, tick_of(500100.0));
  /* Each pair: 5e-10 e^{-(5 + 1)/20} (dendritic 1 ms); cross terms over
   * 500 ms are e^{-25}-small. */
  double step = 5e-10 * exp(-6.0 / 20.0), want = 1.0 + 1000 * step;
  ck_assert_msg(fabs(w - want) <= 1e-6 * 1000 * step, "w-1 = %.6g, want %.6g",
                w - 1.0, want - 1.0);
  rig_free(&r);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Networks: determinism, input sources                                   */
/* ---------------------------------------------------------------------- */

static const char *net_text =
    "populations:\n"
    "  exc:\n"
    "    size: 400\n"
    "    model: lif\n"
    "    params: {tau_mem: 20 ms, tau_syn_exc: 5 ms, tau_syn_inh: 10 ms,\n"
    "             v_leak: -49 mV, v_th: -50 mV, v_reset: -60 mV, t_ref: 5 ms}\n"
    "    init: {v: {uniform: [-60 mV, -50 mV]}}\n"
    "  inh:\n"
    "    size: 100\n"
    "    model: lif\n"
    "    params: {tau_mem: 20 ms, tau_syn_exc: 5 ms, tau_syn_inh: 10 ms,\n"
    "             v_leak: -49 mV, v_th: -50 mV, v_reset: -60 mV, t_ref: 5 ms}\n"
    "    init: {v: {uniform: [-60 mV, -50 mV]}}\n"
    "inputs:\n"
    "  noise: {type: poisson, size: 400, rate: 20 Hz}\n"
    "projections:\n"
    "  - {name: ee, from: exc, to: exc, connect: {fixed_probability: 0.1},\n"
    "     weight: 1.62 mV, delay: {uniform: [0.5 ms, 2 ms]}, receptor: exc,\n"
    "     plasticity: {rule: stdp, tau_pre: 20 ms, tau_post: 20 ms,\n"
    "                  eta_plus: 0.0324 mV, eta_minus: 0.034 mV,\n"
    "                  w_max: 3.24 mV, axonal_delay: 0.2 ms}}\n"
    "  - {from: exc, to: inh, connect: {fixed_probability: 0.1},\n"
    "     weight: 1.62 mV, delay: 0.5 ms, receptor: exc}\n"
    "  - {from: inh, to: [exc, inh], connect: {fixed_probability: 0.1},\n"
    "     weight: -9 mV, delay: 0.5 ms, receptor: inh}\n"
    "  - {name: in, from: noise, to: exc, connect: one_to_one,\n"
    "     weight: 2 mV, delay: 0.5 ms, receptor: exc,\n"
    "     plasticity: {rule: stdp, algorithm: multiplicative, w_max: 4 mV,\n"
    "                  eta_plus: 0.01 mV, eta_minus: 0.01 mV}}\n";

typedef struct net_run {
  posts spikes;
  size_t n_w[2];
  double *w[2];
  size_t n_direct;
} net_run;

static void run_net(const char *mode, net_run *out) {
  char text[4096];
  snprintf(text, sizeof text, "simulation: {time: 300 ms, seed: 7, mode: "
           "%s}\n%s", mode, net_text);
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(&m, "net.yaml", text, strlen(text), &d);
  ck_assert_msg(rc == 0, "%s: %s", d.key, d.message);
  slp_sim *sim = NULL;
  rc = slp_sim_create(&sim, m->net, &m->cfg, &d);
  ck_assert_msg(rc == 0, "%s", d.message);
  memset(out, 0, sizeof *out);
  slp_sim_on_spike(sim, on_spike, &out->spikes);
  ck_assert_int_eq(slp_sim_run(sim, tick_of(300.0), NULL, NULL), 0);
  out->n_direct = 0;
  for (size_t k = 0; k < sim->n_inputs; k++)
    out->n_direct += sim->inputs[k].direct != 0;
  for (uint32_t k = 0; k < 2; k++) {
    uint32_t proj = k == 0 ? 0 : 3;
    size_t n = 0;
    ck_assert_int_eq(slp_sim_get_weights(sim, proj, NULL, NULL, NULL, 0, &n),
                     0);
    out->w[k] = malloc(n * sizeof *out->w[k]);
    out->n_w[k] = n;
    ck_assert_int_eq(
        slp_sim_get_weights(sim, proj, NULL, NULL, out->w[k], n, &n), 0);
  }
  /* A static projection has no plastic weights to read. */
  size_t n = 0;
  ck_assert_int_eq(slp_sim_get_weights(sim, 1, NULL, NULL, NULL, 0, &n),
                   SLP_EINVAL);
  slp_sim_destroy(sim);
  slp_model_destroy(m);
}

static void net_run_free(net_run *r) {
  free(r->w[0]);
  free(r->w[1]);
}

static void check_determinism(const char *mode) {
  static net_run a, b;
  run_net(mode, &a);
  run_net(mode, &b);
  ck_assert_uint_gt(a.spikes.n, 100);
  ck_assert_uint_eq(a.spikes.n, b.spikes.n);
  ck_assert(memcmp(a.spikes.t, b.spikes.t, a.spikes.n * sizeof(slp_tick)) == 0);
  int changed = 0;
  for (int k = 0; k < 2; k++) {
    ck_assert_uint_eq(a.n_w[k], b.n_w[k]);
    ck_assert(memcmp(a.w[k], b.w[k], a.n_w[k] * sizeof(double)) == 0);
    for (size_t j = 0; j < a.n_w[k]; j++) {
      double w0 = k == 0 ? 1.62 : 2.0;
      ck_assert(a.w[k][j] >= 0 && a.w[k][j] <= (k == 0 ? 3.24 : 4.0));
      changed += fabs(a.w[k][j] - (double)(float)w0) > 1e-9;
    }
  }
  ck_assert_int_gt(changed, 100); /* learning happened */
  /* The plastic Poisson input must go through the queue (grid mode would
   * otherwise deliver it directly, without plasticity). */
  ck_assert_uint_eq(a.n_direct, 0);
  net_run_free(&a);
  net_run_free(&b);
}

START_TEST(determinism_exact) { check_determinism("exact"); }
END_TEST
START_TEST(determinism_grid) { check_determinism("grid"); }
END_TEST

/* ---------------------------------------------------------------------- */
/* Model-file keys                                                        */
/* ---------------------------------------------------------------------- */

static const char *file_head =
    "populations: {post: {size: 2, model: lif_box}}\n"
    "inputs: {pre: {type: poisson, size: 2, rate: 10 Hz}}\n"
    "projections:\n"
    "  - from: pre\n"
    "    to: post\n"
    "    connect: one_to_one\n"
    "    weight: 1 mV\n"
    "    delay: 1 ms\n"
    "    plasticity:\n"
    "      rule: stdp\n";

START_TEST(model_file_keys) {
  char text[2048];
  snprintf(text, sizeof text, "%s%s", file_head,
           "      algorithm: multiplicative_pow\n"
           "      pairing: nearest_pre_centered\n"
           "      tau_pre: 16.8 ms\n      tau_post: 0.0337\n"
           "      eta_plus: 0.5 mV\n      eta_minus: 0.25 mV\n"
           "      a_pre: 2\n      a_post: 0.5\n"
           "      w_min: -1 mV\n      w_max: 3 mV\n"
           "      mu: 0.5\n      mu_minus: 0.75\n"
           "      hardbound: false\n      axonal_delay: 0.25 ms\n");
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(&m, "ok.yaml", text, strlen(text), &d);
  ck_assert_msg(rc == 0, "%s: %s", d.key, d.message);
  const slp_stdp_params *p = m->net->projs[0].stdp;
  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(p->algorithm, SLP_STDP_MULTIPLICATIVE_POW);
  ck_assert_int_eq(p->pairing, SLP_STDP_NEAREST_PRE_CENTRED);
  ck_assert_double_eq_tol(p->tau_pre_ms, 16.8, 1e-12);
  ck_assert_double_eq_tol(p->tau_post_ms, 33.7, 1e-12);
  ck_assert_double_eq_tol(p->eta_plus, 0.5, 1e-15);
  ck_assert_double_eq_tol(p->eta_minus, 0.25, 1e-15);
  ck_assert_double_eq(p->a_pre, 2.0);
  ck_assert_double_eq(p->a_post, 0.5);
  ck_assert_double_eq_tol(p->w_min, -1.0, 1e-15);
  ck_assert_double_eq_tol(p->w_max, 3.0, 1e-15);
  ck_assert_double_eq(p->mu_plus, 0.5);
  ck_assert_double_eq(p->mu_minus, 0.75);
  ck_assert_int_eq(p->hardbound, 0);
  ck_assert_double_eq_tol(p->axonal_delay_ms, 0.25, 1e-15);
  slp_model_destroy(m);
  /* The presets. */
  snprintf(text, sizeof text, "%s      algorithm: van_rossum\n", file_head);
  ck_assert_int_eq(slp_model_load(&m, "ok.yaml", text, strlen(text), &d), 0);
  ck_assert_double_eq(m->net->projs[0].stdp->mu_plus, 0.0);
  ck_assert_double_eq(m->net->projs[0].stdp->mu_minus, 1.0);
  slp_model_destroy(m);
}
END_TEST

/* One bad value per key: the error names the key and its line (11: the
 * first line after `rule`), and the load fails with the right code. */
static const struct {
  const char *lines; /* appended after "rule: stdp" */
  int rc;
  const char *key;
  unsigned line;
} bad[] = {
    {"      algorithm: hebbian\n", SLP_EINVAL, "algorithm", 11},
    {"      pairing: nearest\n", SLP_EINVAL, "pairing", 11},
    {"      tau_pre: 20 mV\n", SLP_EUNIT, "tau_pre", 11},
    {"      tau_pre: 0 ms\n", SLP_EINVAL, "tau_pre", 11},
    {"      tau_post: -5 ms\n", SLP_EINVAL, "tau_post", 11},
    {"      eta_plus: 1 ms\n", SLP_EUNIT, "eta_plus", 11},
    {"      eta_minus: -0.1 mV\n", SLP_EINVAL, "eta_minus", 11},
    {"      a_pre: 1 mV\n", SLP_EUNIT, "a_pre", 11},
    {"      a_post: [1, 2]\n", SLP_EPARSE, "a_post", 11},
    {"      w_min: 2 mV\n      w_max: 1 mV\n", SLP_EINVAL, "w_max", 12},
    {"      w_max: 1 Hz\n", SLP_EUNIT, "w_max", 11},
    {"      mu: -1\n", SLP_EINVAL, "mu", 11},
    {"      mu_plus: abc\n", SLP_EPARSE, "mu_plus", 11},
    {"      mu_minus: -0.5\n", SLP_EINVAL, "mu_minus", 11},
    {"      hardbound: maybe\n", SLP_EPARSE, "hardbound", 11},
    {"      axonal_delay: -1 ms\n", SLP_EINVAL, "axonal_delay", 11},
    {"      learning_rate: 1\n", SLP_EKEY, "learning_rate", 11},
};

START_TEST(model_file_bad_key) {
  int i = _i;
  char text[2048];
  snprintf(text, sizeof text, "%s%s", file_head, bad[i].lines);
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(&m, "bad.yaml", text, strlen(text), &d);
  ck_assert_msg(rc == bad[i].rc, "case %d: rc %d (%s)", i, rc, d.message);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(d.file, "bad.yaml");
  ck_assert_msg(strstr(d.key, bad[i].key) != NULL, "case %d: key '%s'", i,
                d.key);
  ck_assert_msg(d.line == bad[i].line, "case %d: line %u, want %u (%s)", i,
                d.line, bad[i].line, d.message);
}
END_TEST

START_TEST(model_file_bad_rule) {
  const char *texts[] = {
      "populations: {post: {size: 2, model: lif_box}}\n"
      "projections:\n"
      "  - {from: post, to: post, connect: one_to_one, weight: 1 mV,\n"
      "     delay: 1 ms, plasticity: {rule: triplet_magic}}\n",
      "populations: {post: {size: 2, model: lif_box}}\n"
      "projections:\n"
      "  - {from: post, to: post, connect: one_to_one, weight: 1 mV,\n"
      "     delay: 1 ms, plasticity: {tau_pre: 20 ms}}\n",
  };
  const char *keys[] = {"rule", "rule"};
  for (int k = 0; k < 2; k++) {
    slp_model *m = NULL;
    slp_diag d;
    int rc = slp_model_load(&m, "bad.yaml", texts[k], strlen(texts[k]), &d);
    ck_assert_int_ne(rc, 0);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(d.key, keys[k]) != NULL, "key '%s'", d.key);
    ck_assert_uint_eq(d.line, 4);
  }
}
END_TEST

START_TEST(axonal_delay_too_long) {
  /* An axonal delay that leaves no dendritic part is refused at build. */
  slp_stdp_params p;
  additive_params(&p);
  p.axonal_delay_ms = 1.0;
  rig r;
  memset(&r, 0, sizeof r);
  ck_assert_int_eq(slp_network_create(&r.net), 0);
  uint32_t pop, pre;
  slp_network_add_population(r.net, "post", 1, "lif_box", &pop);
  slp_spike_event ev = {1.0, 0, 1.0};
  slp_network_add_spike_array(r.net, "pre", 1, &ev, 1, &pre);
  slp_projection_spec s;
  slp_projection_spec_init(&s);
  s.from = pre;
  s.to = &pop;
  s.n_to = 1;
  s.rule = SLP_CONNECT_ONE_TO_ONE;
  s.delay = slp_dist_const(1.0);
  slp_diag d;
  ck_assert_int_eq(slp_network_connect(r.net, &s, &d), 0);
  ck_assert_int_eq(slp_network_set_stdp(r.net, 0, &p, &d), 0);
  slp_sim_config cfg;
  slp_sim_config_init(&cfg);
  ck_assert_int_eq(slp_sim_create(&r.sim, r.net, &cfg, &d), SLP_ERANGE);
  ck_assert_ptr_null(r.sim);
  ck_assert_ptr_nonnull(strstr(d.message, "axonal"));
  ck_assert_int_eq(slp_network_set_stdp(r.net, 5, &p, &d), SLP_EINVAL);
  slp_network_destroy(r.net);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Weight recording                                                       */
/* ---------------------------------------------------------------------- */

START_TEST(record_weights_csv) {
  /* Snapshots every 100 ms and at the end of a 450 ms run: rows at 100,
   * 200, 300, 400 ms (window boundaries, 1 ms windows) and 450 ms; the last
   * equals what slp_sim_get_weights reads, to the last bit (%.17g). */
  slp_stdp_params p;
  additive_params(&p);
  double pre_ms[] = {50.0, 150.0, 250.0, 350.0};
  double post_ms[] = {55.0, 140.0, 260.5, 345.0};
  rig r;
  rig_build(&r, &p, pre_ms, 4, post_ms, 4, 1.0, 1.0, SLP_MODE_EXACT, 450.0);
  char path[] = "test_plasticity_w.csv";
  remove(path);
  slp_diag d;
  ck_assert_int_eq(slp_sim_record_weights(r.sim, 0, path, 100.0, 1, &d), 0);
  ck_assert_int_eq(slp_sim_record_weights(r.sim, 0, "w.txt", 100.0, 1, &d),
                   SLP_EINVAL);
  ck_assert_int_eq(slp_sim_record_weights(r.sim, 1, path, 100.0, 1, &d),
                   SLP_EINVAL); /* the drive is static */
  ck_assert_int_eq(slp_sim_run(r.sim, tick_of(450.0), NULL, NULL), 0);
  FILE *f = fopen(path, "r");
  ck_assert_ptr_null(f); /* not before finish */
  double w_end = rig_weight(&r);
  ck_assert_int_eq(slp_sim_finish(r.sim), 0);
  f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  char line[256];
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
  ck_assert_str_eq(line, "time_ms,pre,post,weight\n");
  double want_t[] = {100.0, 200.0, 300.0, 400.0, 450.0}, last = NAN;
  int rows = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    double t, w;
    unsigned pre, post;
    ck_assert_int_eq(sscanf(line, "%lf,%u,%u,%lf", &t, &pre, &post, &w), 4);
    ck_assert_int_lt(rows, 5);
    ck_assert_double_eq(t, want_t[rows]);
    ck_assert_uint_eq(pre, 0);
    ck_assert_uint_eq(post, 0);
    last = w;
    rows++;
  }
  fclose(f);
  ck_assert_int_eq(rows, 5);
  ck_assert_double_eq(last, w_end);
  ck_assert(fabs(w_end - 1.0) > 1e-3);
  remove(path);
  rig_free(&r);
}
END_TEST

static const char *rec_head =
    "populations: {post: {size: 2, model: lif_box}}\n"
    "inputs: {pre: {type: poisson, size: 2, rate: 10 Hz}}\n"
    "projections:\n"
    "  - {name: p, from: pre, to: post, connect: one_to_one, weight: 1 mV,\n"
    "     delay: 1 ms, plasticity: {rule: stdp}}\n"
    "  - {name: s, from: pre, to: post, connect: one_to_one, weight: 1 mV,\n"
    "     delay: 1 ms}\n"
    "record:\n"
    "  weights:\n";

static const struct {
  const char *lines;
  int rc;
  const char *key;
  unsigned line;
} bad_rec[] = {
    {"    {projection: q, file: w.csv}\n", SLP_ENOENT, "projection", 10},
    {"    {projection: s, file: w.csv}\n", SLP_EINVAL, "projection", 10},
    {"    {projection: p, file: w.bin}\n", SLP_EINVAL, "file", 10},
    {"    {projection: p}\n", SLP_EKEY, "file", 10},
    {"    {file: w.csv}\n", SLP_EKEY, "projection", 10},
    {"    {projection: p, file: w.csv, interval: 0 ms}\n", SLP_ERANGE,
     "interval", 10},
    {"    {projection: p, file: w.csv, interval: 1 mV}\n", SLP_EUNIT,
     "interval", 10},
    {"    {projection: p, file: w.csv, at_end: often}\n", SLP_EPARSE,
     "at_end", 10},
    {"    {projection: p, file: w.csv, every: 1 ms}\n", SLP_EKEY, "every", 10},
    {"    - {projection: p, file: w.csv}\n    - {projection: x, file: v.csv}\n",
     SLP_ENOENT, "record.weights[1].projection", 11},
};

START_TEST(model_file_bad_record) {
  int i = _i;
  char text[2048];
  snprintf(text, sizeof text, "%s%s", rec_head, bad_rec[i].lines);
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(&m, "bad.yaml", text, strlen(text), &d);
  ck_assert_msg(rc == bad_rec[i].rc, "case %d: rc %d (%s)", i, rc, d.message);
  ck_assert_ptr_null(m);
  ck_assert_msg(strstr(d.key, bad_rec[i].key) != NULL, "case %d: key '%s'", i,
                d.key);
  ck_assert_msg(d.line == bad_rec[i].line, "case %d: line %u (%s)", i, d.line,
                d.message);
}
END_TEST

START_TEST(model_file_record_ok) {
  char text[2048];
  snprintf(text, sizeof text, "%s%s", rec_head,
           "    - {projection: p, file: a.csv, interval: 100 ms}\n"
           "    - {projection: p, file: b.csv, at_end: false, interval: 2}\n");
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(&m, "ok.yaml", text, strlen(text), &d);
  ck_assert_msg(rc == 0, "%s", d.message);
  ck_assert_uint_eq(m->n_weights, 2);
  ck_assert_uint_eq(m->weights[0].projection, 0);
  ck_assert_str_eq(m->weights[0].file, "a.csv");
  ck_assert_double_eq_tol(m->weights[0].interval_ms, 100.0, 1e-12);
  ck_assert_int_eq(m->weights[0].at_end, 1);
  ck_assert_double_eq_tol(m->weights[1].interval_ms, 2000.0, 1e-9);
  ck_assert_int_eq(m->weights[1].at_end, 0);
  slp_model_destroy(m);
}
END_TEST

START_TEST(weight_summary) {
  /* The summary of the network run equals moments computed here from the
   * weights read back. */
  char text[4096];
  snprintf(text, sizeof text, "simulation: {time: 200 ms, seed: 3}\n%s",
           net_text);
  slp_model *m = NULL;
  slp_diag d;
  ck_assert_int_eq(slp_model_load(&m, "net.yaml", text, strlen(text), &d), 0);
  slp_sim *sim = NULL;
  ck_assert_int_eq(slp_sim_create(&sim, m->net, &m->cfg, &d), 0);
  ck_assert_int_eq(slp_sim_run(sim, tick_of(200.0), NULL, NULL), 0);
  slp_weight_summary ws;
  ck_assert_int_eq(slp_sim_weight_summary(sim, 0, &ws), 0);
  size_t n = 0;
  slp_sim_get_weights(sim, 0, NULL, NULL, NULL, 0, &n);
  double *w = malloc(n * sizeof *w);
  slp_sim_get_weights(sim, 0, NULL, NULL, w, n, &n);
  double sum = 0, ss = 0;
  uint64_t total = 0;
  for (size_t k = 0; k < n; k++)
    sum += w[k];
  for (size_t k = 0; k < n; k++)
    ss += (w[k] - sum / (double)n) * (w[k] - sum / (double)n);
  for (int b = 0; b < SLP_WEIGHT_HIST_BINS; b++)
    total += ws.hist[b];
  ck_assert_uint_eq(ws.n, n);
  ck_assert_uint_eq(total, n);
  /* Same sums in the same order: equal to rounding of the final division. */
  ck_assert_double_eq_tol(ws.mean, sum / (double)n, 1e-12);
  ck_assert_double_eq_tol(ws.sd, sqrt(ss / (double)n), 1e-12);
  ck_assert(ws.sd > 0);
  ck_assert_double_eq(ws.lo, 0.0);
  ck_assert_double_eq_tol(ws.hi, 3.24, 1e-12);
  free(w);
  ck_assert_int_eq(slp_sim_weight_summary(sim, 1, &ws), SLP_EINVAL);
  slp_sim_destroy(sim);
  slp_model_destroy(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Tsodyks-Markram short-term plasticity                                  */
/* ---------------------------------------------------------------------- */

/*
 * A regular train of n spikes (period h) through a short-term plastic
 * projection of weight w onto a leaky integrator with a very long time
 * constant.  Checks (1) the state after the last spike against the
 * steady-state closed forms of stp.c (u+ and x- of a periodic train; the
 * recursion converges geometrically, with factors below 0.85 per spike for
 * these parameters, so after 300 spikes the distance is < 1e-20 and the
 * comparison is to rounding: 1e-12 relative), and (2) the transmitted
 * jumps: v equals w * sum r_k from the recursion evaluated here, to the
 * leak over the run (t/tau_mem = 6 s / 1e12 ms ~ 6e-9, so 1e-7 relative).
 */
static void stp_train(double U, double tau_f, double tau_d, double h_ms) {
  slp_network *net = NULL;
  ck_assert_int_eq(slp_network_create(&net), 0);
  uint32_t pop, src;
  ck_assert_int_eq(slp_network_add_population(net, "li", 1, "li_box", &pop), 0);
  slp_network_set_param(net, pop, "tau_mem", 1e12);
  enum { N = 300 };
  static slp_spike_event ev[N];
  for (int k = 0; k < N; k++)
    ev[k] = (slp_spike_event){5.0 + h_ms * k, 0, 1.0};
  ck_assert_int_eq(slp_network_add_spike_array(net, "train", 1, ev, N, &src), 0);
  slp_projection_spec s;
  slp_projection_spec_init(&s);
  s.from = src;
  s.to = &pop;
  s.n_to = 1;
  s.rule = SLP_CONNECT_ONE_TO_ONE;
  s.weight = slp_dist_const(2.0);
  s.delay = slp_dist_const(1.0);
  slp_diag d;
  ck_assert_int_eq(slp_network_connect(net, &s, &d), 0);
  slp_stp_params p = {U, tau_f, tau_d};
  ck_assert_int_eq(slp_network_set_stp(net, 0, &p, &d), 0);
  slp_stdp_params sp;
  slp_stdp_params_init(&sp);
  ck_assert_int_eq(slp_network_set_stdp(net, 0, &sp, &d), SLP_EINVAL);
  slp_sim_config cfg;
  slp_sim_config_init(&cfg);
  double end_ms = 5.0 + h_ms * N + 10.0;
  cfg.time_ms = end_ms;
  slp_sim *sim = NULL;
  ck_assert_int_eq(slp_sim_create(&sim, net, &cfg, &d), 0);
  ck_assert_int_eq(slp_sim_run(sim, tick_of(end_ms), NULL, NULL), 0);
  /* (1) steady state */
  const slp__plasticity *pl = sim->parts[0].plast;
  for (uint32_t j = 0; j < sim->n_parts; j++) /* the one holding it */
    if (sim->parts[j].plast->stp[0].n_segs > 0)
      pl = sim->parts[j].plast;
  const slp__stp_seg *g = &pl->stp[0].segs[0];
  double eh_f = tau_f > 0 ? exp(-h_ms / tau_f) : 0, eh_d = exp(-h_ms / tau_d);
  double u_inf = U / (1 - (1 - U) * eh_f);
  double x_inf = (1 - eh_d) / (1 - (1 - u_inf) * eh_d);
  ck_assert_msg(fabs(g->u - u_inf) <= 1e-12 * u_inf, "u %.17g vs %.17g", g->u,
                u_inf);
  double x_minus = g->x / (1 - g->u);
  ck_assert_msg(fabs(x_minus - x_inf) <= 1e-12 * x_inf, "x %.17g vs %.17g",
                x_minus, x_inf);
  /* (2) what was transmitted */
  double u = 0, x = 1, sum = 0;
  for (int k = 0; k < N; k++) {
    if (k > 0) {
      u *= eh_f;
      x = 1 - (1 - x) * eh_d;
    }
    u += U * (1 - u);
    sum += u * x;
    x -= u * x;
  }
  uint32_t i;
  slp__pop *P = slp__sim_slice(sim, 0, 0, &i);
  int var = slp__model_state_index(P->model, "v");
  double v = P->model->get(P, i, var, tick_of(end_ms));
  ck_assert_msg(fabs(v - 2.0 * sum) <= 1e-7 * 2.0 * sum, "v %.17g vs %.17g", v,
                2.0 * sum);
  /* The first spike releases U, so the train did change something. */
  ck_assert(fabs(sum - N * U) > 1e-3 * N * U);
  slp_sim_destroy(sim);
  slp_network_destroy(net);
}

START_TEST(stp_depressing) { stp_train(0.45, 50.0, 750.0, 20.0); }
END_TEST
START_TEST(stp_facilitating) { stp_train(0.15, 750.0, 50.0, 20.0); }
END_TEST
START_TEST(stp_no_facilitation) { stp_train(0.5, 0.0, 200.0, 10.0); }
END_TEST

START_TEST(stp_model_file) {
  const char *head =
      "populations: {post: {size: 2, model: lif_box}}\n"
      "projections:\n"
      "  - from: post\n"
      "    to: post\n"
      "    connect: one_to_one\n"
      "    weight: 1 mV\n"
      "    delay: 1 ms\n"
      "    plasticity:\n"
      "      rule: tsodyks_markram\n";
  char text[1024];
  snprintf(text, sizeof text, "%s      U: 0.15\n      tau_fac: 750 ms\n"
           "      tau_d: 0.05\n", head);
  slp_model *m = NULL;
  slp_diag d;
  ck_assert_int_eq(slp_model_load(&m, "ok.yaml", text, strlen(text), &d), 0);
  ck_assert_ptr_nonnull(m->net->projs[0].stp);
  ck_assert_double_eq(m->net->projs[0].stp->U, 0.15);
  ck_assert_double_eq_tol(m->net->projs[0].stp->tau_f_ms, 750.0, 1e-12);
  ck_assert_double_eq_tol(m->net->projs[0].stp->tau_d_ms, 50.0, 1e-12);
  slp_model_destroy(m);
  static const struct {
    const char *lines;
    int rc;
    const char *key;
  } bad_stp[] = {
      {"      U: 1.5\n", SLP_EINVAL, "U"},
      {"      U: 0\n", SLP_EINVAL, "U"},
      {"      tau_d: 0 ms\n", SLP_EINVAL, "tau_d"},
      {"      tau_rec: 1 mV\n", SLP_EUNIT, "tau_rec"},
      {"      tau_f: -1 ms\n", SLP_EINVAL, "tau_f"},
      {"      tau_f: 1 ms\n      tau_fac: 2 ms\n", SLP_EKEY, "tau_fac"},
      {"      tau_pre: 20 ms\n", SLP_EKEY, "tau_pre"},
      {"      u0: 1\n", SLP_EKEY, "u0"},
  };
  for (size_t k = 0; k < sizeof bad_stp / sizeof bad_stp[0]; k++) {
    snprintf(text, sizeof text, "%s%s", head, bad_stp[k].lines);
    int rc = slp_model_load(&m, "bad.yaml", text, strlen(text), &d);
    ck_assert_msg(rc == bad_stp[k].rc, "case %zu: rc %d (%s)", k, rc,
                  d.message);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(d.key, bad_stp[k].key) != NULL, "case %zu: key %s",
                  k, d.key);
    ck_assert_msg(d.line >= 10, "case %zu: line %u", k, d.line);
  }
  /* An stdp key under stdp is fine, an STP key is not. */
  snprintf(text, sizeof text, "%s",
           "populations: {post: {size: 2, model: lif_box}}\n"
           "projections:\n"
           "  - {from: post, to: post, connect: one_to_one, weight: 1 mV,\n"
           "     delay: 1 ms, plasticity: {rule: stdp, U: 0.5}}\n");
  ck_assert_int_eq(slp_model_load(&m, "bad.yaml", text, strlen(text), &d),
                   SLP_EKEY);
  ck_assert_ptr_nonnull(strstr(d.key, "U"));
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Examples                                                               */
/* ---------------------------------------------------------------------- */

static slp_model *load_example(const char *rel) {
  const char *dir = getenv("srcdir");
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir && dir[0] ? dir : ".", rel);
  slp_model *m = NULL;
  slp_diag d;
  int rc = slp_model_load(&m, path, NULL, 0, &d);
  ck_assert_msg(rc == 0, "%s:%u: %s", path, d.line, d.message);
  return m;
}

typedef struct two_posts {
  posts by[2];
} two_posts;

static void on_spike2(void *arg, slp_tick t, uint32_t neuron) {
  two_posts *p = arg;
  if (neuron < 2)
    on_spike(&p->by[neuron], t, neuron);
}

START_TEST(example_stp_regular) {
  /* What examples/stp_regular.yaml says it shows: the depressing synapse's
   * neuron fires at 1 and 51 ms only; the facilitating one at 51, 101, ...,
   * 951 ms (19 spikes). */
  slp_model *m = load_example("examples/stp_regular.yaml");
  m->cfg.spikes_path = NULL;
  slp_sim *sim = NULL;
  slp_diag d;
  ck_assert_int_eq(slp_sim_create(&sim, m->net, &m->cfg, &d), 0);
  static two_posts tp;
  memset(&tp, 0, sizeof tp);
  slp_sim_on_spike(sim, on_spike2, &tp);
  ck_assert_int_eq(slp_sim_run(sim, tick_of(1000.0), NULL, NULL), 0);
  ck_assert_uint_eq(tp.by[0].n, 2);
  ck_assert_int_eq(tp.by[0].t[0], tick_of(1.0));
  ck_assert_int_eq(tp.by[0].t[1], tick_of(51.0));
  ck_assert_uint_eq(tp.by[1].n, 19);
  for (size_t k = 0; k < tp.by[1].n; k++)
    ck_assert_int_eq(tp.by[1].t[k], tick_of(51.0 + 50.0 * (double)k));
  slp_sim_destroy(sim);
  slp_model_destroy(m);
}
END_TEST

START_TEST(examples_stdp_build) {
  /* The STDP examples load and build (running them is for sleipnir run:
   * the Song example simulates 900 s). */
  const char *files[] = {"examples/cuba_stdp.yaml",
                         "examples/song2000_stdp.yaml"};
  for (int k = 0; k < 2; k++) {
    slp_model *m = load_example(files[k]);
    ck_assert_uint_eq(m->n_weights, 1);
    slp_sim *sim = NULL;
    slp_diag d;
    int rc = slp_sim_create(&sim, m->net, &m->cfg, &d);
    ck_assert_msg(rc == 0, "%s: %s", files[k], d.message);
    ck_assert_ptr_nonnull(sim->parts[0].plast);
    for (size_t j = 0; j < sim->n_inputs; j++)
      ck_assert_int_eq(sim->inputs[j].direct, 0);
    slp_sim_destroy(sim);
    slp_model_destroy(m);
  }
}
END_TEST

/* ---------------------------------------------------------------------- */
/* The program                                                            */
/* ---------------------------------------------------------------------- */

/* Run `sleipnir ARGS` through the shell, stdout to out (cap bytes), stderr
 * to err; returns the exit status. */
static int run_cli(const char *args, char *out, size_t cap, char *err,
                   size_t ecap) {
  const char *bin = getenv("SLEIPNIR_BIN");
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "'%s' %s 2>test_plasticity_cli.err",
           bin && bin[0] ? bin : "./sleipnir", args);
  FILE *f = popen(cmd, "r");
  ck_assert_ptr_nonnull(f);
  size_t n = fread(out, 1, cap - 1, f);
  out[n] = '\0';
  int st = pclose(f);
  FILE *e = fopen("test_plasticity_cli.err", "r");
  size_t m = e != NULL ? fread(err, 1, ecap - 1, e) : 0;
  err[m] = '\0';
  if (e != NULL)
    fclose(e);
  remove("test_plasticity_cli.err");
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(cli_weights) {
  FILE *f = fopen("test_plasticity_cli.yaml", "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "simulation: {time: 100 ms, seed: 5}\n%s"
             "record:\n"
             "  weights: {projection: ee, file: test_plasticity_cli_w.csv,\n"
             "            interval: 50 ms}\n", net_text);
  fclose(f);
  static char out[65536], err[4096];
  int rc = run_cli("run test_plasticity_cli.yaml --json --quiet", out,
                   sizeof out, err, sizeof err);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  ck_assert_ptr_nonnull(strstr(out, "\"weights\":[{\"projection\":\"ee\""));
  ck_assert_ptr_nonnull(strstr(out, "{\"projection\":\"in\""));
  ck_assert_ptr_nonnull(strstr(out, "\"hist\":["));
  FILE *w = fopen("test_plasticity_cli_w.csv", "r");
  ck_assert_ptr_nonnull(w); /* renamed into place */
  char line[128];
  ck_assert_ptr_nonnull(fgets(line, sizeof line, w));
  ck_assert_str_eq(line, "time_ms,pre,post,weight\n");
  fclose(w);
  remove("test_plasticity_cli_w.csv");
  /* A bad key: exit 2, the file, line and key on stderr, no weight file. */
  f = fopen("test_plasticity_cli.yaml", "w");
  fprintf(f, "%s",
          "populations: {post: {size: 2, model: lif_box}}\n"
          "projections:\n"
          "  - {name: p, from: post, to: post, connect: one_to_one,\n"
          "     weight: 1 mV, delay: 1 ms,\n"
          "     plasticity: {rule: stdp, tau_pre: -3 ms}}\n"
          "record: {weights: {projection: p, file: test_plasticity_cli_w.csv}}\n");
  fclose(f);
  rc = run_cli("run test_plasticity_cli.yaml --quiet", out, sizeof out, err,
               sizeof err);
  ck_assert_int_eq(rc, 2);
  ck_assert_msg(strstr(err, "test_plasticity_cli.yaml:5:") != NULL &&
                    strstr(err, "tau_pre") != NULL,
                "stderr: %s", err);
  ck_assert_ptr_null(fopen("test_plasticity_cli_w.csv", "r"));
  remove("test_plasticity_cli.yaml");
}
END_TEST

static Suite *suite_plasticity(void) {
  Suite *s = suite_create("plasticity");
  TCase *tc = tcase_create("window");
  tcase_add_test(tc, window_additive_dendritic);
  tcase_add_test(tc, window_additive_axonal);
  tcase_add_test(tc, window_additive_grid);
  tcase_add_test(tc, window_rules);
  suite_add_tcase(s, tc);
  tc = tcase_create("brute_force");
  tcase_add_test(tc, brute_all);
  tcase_add_test(tc, brute_symmetric);
  tcase_add_test(tc, brute_pre_centred);
  tcase_add_test(tc, brute_restricted);
  tcase_add_test(tc, brute_triplet_all);
  tcase_add_test(tc, triplet_model_file);
  suite_add_tcase(s, tc);
  tc = tcase_create("state");
  tcase_add_test(tc, bounds_respected);
  tcase_add_test(tc, silent_pre_bounded_history);
  tcase_add_test(tc, tiny_steps_kept);
  tcase_add_test(tc, post_history_header);
  suite_add_tcase(s, tc);
  tc = tcase_create("network");
  tcase_add_test(tc, determinism_exact);
  tcase_add_test(tc, determinism_grid);
  suite_add_tcase(s, tc);
  tc = tcase_create("model_file");
  tcase_add_test(tc, model_file_keys);
  tcase_add_loop_test(tc, model_file_bad_key, 0,
                      (int)(sizeof bad / sizeof bad[0]));
  tcase_add_test(tc, model_file_bad_rule);
  tcase_add_test(tc, axonal_delay_too_long);
  suite_add_tcase(s, tc);
  tc = tcase_create("stp");
  tcase_add_test(tc, stp_depressing);
  tcase_add_test(tc, stp_facilitating);
  tcase_add_test(tc, stp_no_facilitation);
  tcase_add_test(tc, stp_model_file);
  suite_add_tcase(s, tc);
  tc = tcase_create("examples");
  tcase_add_test(tc, example_stp_regular);
  tcase_add_test(tc, examples_stdp_build);
  suite_add_tcase(s, tc);
  tc = tcase_create("record");
  tcase_add_test(tc, record_weights_csv);
  tcase_add_loop_test(tc, model_file_bad_record, 0,
                      (int)(sizeof bad_rec / sizeof bad_rec[0]));
  tcase_add_test(tc, model_file_record_ok);
  tcase_add_test(tc, weight_summary);
  tcase_add_test(tc, cli_weights);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite_plasticity());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
