/*
 * tests/test_neurons.c -- the neuron models against closed forms, a fine
 * reference integration, and exactly known crossing times.
 *
 * Single neurons are driven directly through the model interface (the same
 * calls the scheduler makes), with a window context that collects spikes.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neuron_rig.h"
#include "neurons/lif.h"
#include "core/exp_ticks.h"
#include "core/rng.h"
#include "neurons/cuba.h"
#include "neurons/lif_box.h"

/* --- Subthreshold propagation vs RK4 ------------------------------------ */

/* Reference: RK4 in long double on (u, i_e, i_i) with step h ms. */
typedef struct ref {
  long double u, ie, ii, tm, te, ti;
} ref;

static void ref_deriv(const ref *r, long double u, long double ie,
                      long double ii, long double *du, long double *die,
                      long double *dii) {
  *du = (-u + ie + ii) / r->tm;
  *die = -ie / r->te;
  *dii = -ii / r->ti;
}

static void ref_step(ref *r, long double h) {
  long double k1u, k1e, k1i, k2u, k2e, k2i, k3u, k3e, k3i, k4u, k4e, k4i;
  ref_deriv(r, r->u, r->ie, r->ii, &k1u, &k1e, &k1i);
  ref_deriv(r, r->u + h / 2 * k1u, r->ie + h / 2 * k1e, r->ii + h / 2 * k1i,
            &k2u, &k2e, &k2i);
  ref_deriv(r, r->u + h / 2 * k2u, r->ie + h / 2 * k2e, r->ii + h / 2 * k2i,
            &k3u, &k3e, &k3i);
  ref_deriv(r, r->u + h * k3u, r->ie + h * k3e, r->ii + h * k3i, &k4u, &k4e,
            &k4i);
  r->u += h / 6 * (k1u + 2 * k2u + 2 * k3u + k4u);
  r->ie += h / 6 * (k1e + 2 * k2e + 2 * k3e + k4e);
  r->ii += h / 6 * (k1i + 2 * k2i + 2 * k3i + k4i);
}

/* tau_syn_exc / tau_mem ratios, including the equal-tau case and values a
 * hair away from it, where a naive propagator loses digits. */
static const double tau_ratio[] = {0.05, 0.2, 0.5, 0.999999, 1.0, 1.000001,
                                   2.0};

#define N_RATIO (sizeof tau_ratio / sizeof tau_ratio[0])

/* Loop tests over lif run each case in both state forms (lif.h): the
 * epoch form for _i < n, the per-neuron form after. */
static int lif_form(int i, int n) {
  slp__lif_epoch_disabled = i >= n;
  return i % n;
}

/* Teardown: back to the default form (tests may share a process). */
static void lif_form_reset(void) { slp__lif_epoch_disabled = 0; }

START_TEST(test_lif_closed_form_vs_rk4) {
  int j = lif_form(_i, N_RATIO);
  double tm = 10.0, te = tm * tau_ratio[j], ti = 7.0;
  const char *names[] = {"tau_mem", "tau_syn_exc", "tau_syn_inh", "v_leak",
                         "v_th", "v_reset"};
  double values[] = {tm, te, ti, -70.0, 1e9, -80.0};
  rig r;
  rig_init(&r, &slp__model_lif, names, values, 6, -65.0, 1);
  ref x = {-65.0L + 70.0L, 0, 0, tm, te, ti};
  /* Inputs at these ms (exc +, inh -), then samples in between. */
  const double t_in[] = {1.0, 3.25, 3.25, 7.5, 20.0};
  const double w_in[] = {5.0, 2.0, -3.0, 4.0, -1.5};
  const unsigned r_in[] = {0, 0, 1, 0, 1};
  long double t = 0, h = 1e-4L; /* RK4 error ~ (h/tau)^4: far below 1e-10 */
  double max_err = 0;
  size_t next = 0;
  for (int sample = 1; sample <= 300; sample++) {
    double ts = sample * 0.1;
    while (next < 5 && t_in[next] <= ts) {
      while (t + h / 2 < t_in[next]) {
        ref_step(&x, h);
        t += h;
      }
      if (r_in[next] == 0)
        x.ie += w_in[next];
      else
        x.ii += w_in[next];
      rig_input(&r, (slp_tick)llround(t_in[next] * TPM), r_in[next],
                w_in[next]);
      next++;
    }
    while (t + h / 2 < ts) {
      ref_step(&x, h);
      t += h;
    }
    double v = rig_get(&r, "v", (slp_tick)llround(ts * TPM));
    double err = fabs(v - (double)(x.u - 70.0L));
    if (err > max_err)
      max_err = err;
  }
  /* Floating-point propagation is good to ~1e-13 mV here; RK4 with h=1e-4 ms
   * is better than that.  1e-9 mV leaves room for neither to be wrong. */
  ck_assert_msg(max_err < 1e-9, "ratio %g: max |v - v_ref| = %g mV",
                tau_ratio[j], max_err);
  rig_free(&r);
}
END_TEST

/* A long silent gap must neither overflow nor lose the state. */
START_TEST(test_lif_long_gap) {
  const char *names[] = {"tau_mem", "tau_syn_exc", "tau_syn_inh", "v_th"};
  double values[] = {20.0, 0.5, 0.5, 1e9};
  rig r;
  rig_init(&r, &slp__model_lif, names, values, 4, 0.0, 1);
  rig_input(&r, 1 * TPM, 0, 1.0);
  slp_tick far = (slp_tick)2000 * TPM; /* 2 s: 4000 tau_syn */
  double v = rig_get(&r, "v", far);
  ck_assert(isfinite(v));
  /* Exact: K(s) = c (e^{-s/ts} - e^{-s/tm}), c = ts/(ts - tm). */
  double s = 1999.0, c = 0.5 / (0.5 - 20.0);
  double expect = c * (exp(-s / 0.5) - exp(-s / 20.0));
  ck_assert_double_eq_tol(v, expect, 1e-15 + 1e-12 * fabs(expect));
  ck_assert(isfinite(rig_get(&r, "i_exc", far)));
  rig_free(&r);
}
END_TEST

/* --- Exact crossings ------------------------------------------------------ */

/* Tonic drive (v_leak > v_th): ISI = t_ref + tau ln((vL - vr)/(vL - th)). */
START_TEST(test_lif_tonic_isi) {
  const char *names[] = {"tau_mem", "v_leak", "v_th", "v_reset", "t_ref"};
  double values[] = {20.0, -49.0, -50.0, -60.0, 5.0};
  rig r;
  rig_init(&r, &slp__model_lif, names, values, 5, -60.0, 1);
  rig_run_until(&r, (slp_tick)2000 * TPM);
  slp__spikebuf_sort(&r.spikes);
  double isi = 5.0 + 20.0 * log(11.0 / 1.0);
  /* 2000 ms / 52.96 ms per interval after the first: 37 spikes. */
  ck_assert_uint_eq(r.spikes.n, 37);
  /* First spike: from v_reset at t=0, no refractoriness yet. */
  double first = 20.0 * log(11.0);
  ck_assert_int_eq(r.spikes.s[0].t, (slp_tick)ceil(first * TPM));
  for (size_t k = 1; k < r.spikes.n; k++) {
    slp_tick d = r.spikes.s[k].t - r.spikes.s[k - 1].t;
    /* Each spike is the first tick above threshold after the previous
     * spike's tick: within one tick of the analytic interval. */
    ck_assert_msg(llabs(d - (slp_tick)llround(isi * TPM)) <= 1,
                  "isi %lld ticks vs %.3f", (long long)d, isi * TPM);
  }
  rig_free(&r);
}
END_TEST

/* The first time s with w K(s) > th, by bisection in long double. */
static long double crossing_of_kernel(long double w, long double tm,
                                      long double ts, long double th) {
  long double c = ts / (ts - tm), lo = 0, hi = ts * tm / (tm - ts) * logl(tm / ts);
  /* hi: the kernel's peak; the crossing is before it. */
  for (int k = 0; k < 200; k++) {
    long double mid = (lo + hi) / 2;
    long double u = w * c * (expl(-mid / ts) - expl(-mid / tm));
    if (u > th)
      hi = mid;
    else
      lo = mid;
  }
  return hi;
}

/* One input whose current carries v over threshold later. */
START_TEST(test_lif_delayed_crossing) {
  const char *names[] = {"tau_mem", "tau_syn_exc", "v_leak", "v_th",
                         "v_reset"};
  double values[] = {10.0, 5.0, 0.0, 1.0, 0.0};
  rig r;
  rig_init(&r, &slp__model_lif, names, values, 5, 0.0, 1);
  /* The kernel peaks at 0.25 for tau_syn = tau_mem / 2: w = 6 reaches 1.5. */
  rig_input(&r, 1 * TPM, 0, 6.0);
  rig_run_until(&r, 50 * TPM);
  ck_assert_uint_eq(r.spikes.n, 1);
  long double s = crossing_of_kernel(6.0L, 10.0L, 5.0L, 1.0L);
  slp_tick expect = 1 * TPM + (slp_tick)ceill(s * TPM);
  ck_assert_msg(llabs(r.spikes.s[0].t - expect) <= 1, "spike %lld vs %lld",
                (long long)r.spikes.s[0].t, (long long)expect);
  rig_free(&r);
}
END_TEST

/* Grazing: v peaks at th + delta between two inputs and is below threshold
 * again when the next input (inhibition) arrives.  Must fire for any
 * delta > 0 resolvable in time, and must not fire for th - delta. */
static const double graze_delta[] = {1e-3, 1e-6, 1e-9};

static void graze(double delta, int expect_spike) {
  const char *names[] = {"tau_mem", "tau_syn_exc", "tau_syn_inh", "v_leak",
                         "v_th", "v_reset"};
  double tm = 10.0, ts = 5.0, th = 1.0;
  double values[] = {tm, ts, 5.0, 0.0, th, 0.0};
  rig r;
  rig_init(&r, &slp__model_lif, names, values, 6, 0.0, 1);
  double peak_t = tm * ts * log(tm / ts) / (tm - ts);
  double kappa = ts / (ts - tm) * (exp(-peak_t / ts) - exp(-peak_t / tm));
  double w = (th + delta) / kappa;
  /* Weights are float: pick w exactly representable so the peak is exact. */
  float wf = (float)w;
  while ((double)wf * kappa <= th + delta / 2 && expect_spike)
    wf = nextafterf(wf, INFINITY);
  while ((double)wf * kappa >= th - delta / 2 && !expect_spike)
    wf = nextafterf(wf, 0.0f);
  rig_input(&r, 1 * TPM, 0, (double)wf);
  /* Inhibition 3 ms after the peak: v is well below threshold by then. */
  rig_input(&r, 1 * TPM + (slp_tick)((peak_t + 3.0) * TPM), 1, -5.0);
  rig_run_until(&r, 100 * TPM);
  ck_assert_msg(r.spikes.n == (expect_spike ? 1u : 0u),
                "delta %g: %zu spikes", delta, r.spikes.n);
  if (expect_spike) {
    /* The spike tick is the first tick with u > th: check it against the
     * closed form, evaluated independently in long double. */
    long double c = 5.0L / (5.0L - 10.0L);
    slp_tick dt = r.spikes.s[0].t - 1 * TPM;
    long double s1 = (long double)dt / TPM, s0 = (long double)(dt - 1) / TPM;
    long double u1 = wf * c * (expl(-s1 / 5.0L) - expl(-s1 / 10.0L));
    long double u0 = wf * c * (expl(-s0 / 5.0L) - expl(-s0 / 10.0L));
    ck_assert_msg(u1 > th - 1e-13 && u0 <= th + 1e-13,
                  "delta %g: u(spike) - th = %Lg, u(spike - 1) - th = %Lg",
                  delta, u1 - th, u0 - th);
  }
  rig_free(&r);
}

START_TEST(test_lif_grazing_fires) { graze(graze_delta[lif_form(_i, 3)], 1); }
END_TEST

START_TEST(test_lif_near_miss_silent) {
  graze(graze_delta[lif_form(_i, 3)], 0);
}
END_TEST

/* The same input split in two at one tick, or split across windows of any
 * length, gives the same spike tick. */
START_TEST(test_lif_partition_independent) {
  const char *names[] = {"tau_mem", "tau_syn_exc", "v_leak", "v_th"};
  double values[] = {10.0, 5.0, 0.0, 1.0};
  slp_tick spike[3];
  const slp_tick windows[3] = {100 * TPM, TPM / 10, 1234567};
  for (int k = 0; k < 3; k++) {
    rig r;
    rig_window = windows[k];
    rig_init(&r, &slp__model_lif, names, values, 4, 0.0, 1);
    rig_window = 100 * TPM;
    if (k == 1) {
      rig_input(&r, 2 * TPM + 17, 0, 3.0);
      rig_input(&r, 2 * TPM + 17, 0, 3.0);
    } else {
      rig_input(&r, 2 * TPM + 17, 0, 6.0);
    }
    rig_run_until(&r, 60 * TPM);
    ck_assert_uint_eq(r.spikes.n, 1);
    spike[k] = r.spikes.s[0].t;
    rig_free(&r);
  }
  ck_assert_int_eq(spike[0], spike[1]);
  ck_assert_int_eq(spike[0], spike[2]);
}
END_TEST

/* Refractoriness: v clamped, the current keeps integrating, and a current
 * that outlasts t_ref fires at the analytic time after t_ref ends. */
START_TEST(test_lif_refractory) {
  lif_form(_i, 1);
  const char *names[] = {"tau_mem", "tau_syn_exc", "v_leak", "v_th",
                         "v_reset", "t_ref"};
  double tm = 10.0, ts = 20.0;
  double values[] = {tm, ts, 0.0, 1.0, 0.0, 2.0};
  rig r;
  rig_init(&r, &slp__model_lif, names, values, 6, 0.0, 1);
  rig_input(&r, 0, 0, 100.0); /* fires almost at once */
  rig_run_until(&r, 200 * TPM);
  slp__spikebuf_sort(&r.spikes);
  ck_assert_uint_ge(r.spikes.n, 2);
  slp_tick t0 = r.spikes.s[0].t;
  /* During refractoriness v stays at v_reset. */
  ck_assert_double_eq(rig_get(&r, "v", t0 + TPM), 0.0);
  /* After t_ref: u(s) = i(t_ref_end) K(s) from u = 0; next crossing. */
  long double i_end = 100.0L * expl(-(long double)t0 / TPM / ts) *
                      expl(-2.0L / ts);
  long double s = crossing_of_kernel(i_end, tm, ts, 1.0L);
  slp_tick expect = t0 + 2 * TPM + (slp_tick)ceill(s * TPM);
  ck_assert_msg(llabs(r.spikes.s[1].t - expect) <= 1, "%lld vs %lld",
                (long long)r.spikes.s[1].t, (long long)expect);
  rig_free(&r);
}
END_TEST

/* Run both forms' rigs r[0], r[1] to tick end: more than min_spikes spikes,
 * the same number, each at the same tick to within one. */
static void forms_same_spikes(rig *r, slp_tick end, size_t min_spikes) {
  for (int f = 0; f < 2; f++) {
    rig_run_until(&r[f], end);
    slp__spikebuf_sort(&r[f].spikes);
  }
  ck_assert_uint_gt(r[0].spikes.n, min_spikes);
  ck_assert_uint_eq(r[0].spikes.n, r[1].spikes.n);
  for (size_t k = 0; k < r[0].spikes.n; k++)
    ck_assert_msg(llabs(r[0].spikes.s[k].t - r[1].spikes.s[k].t) <= 1,
                  "spike %zu: %lld vs %lld", k,
                  (long long)r[0].spikes.s[k].t,
                  (long long)r[1].spikes.s[k].t);
}

/*
 * The epoch form and the per-neuron form compute the same trajectory with
 * different roundings: on a tonic neuron with refractoriness, driven by 4000
 * random inputs over 2 s in 1 ms windows (the epoch moves about 20 times),
 * they give the same spikes to a tick and the same v to 1e-9 mV.  Rounding
 * differences are ~1e-13 mV; they move a crossing by more than a tick only
 * if v rises slower than 1e-4 mV/ms there, which this input does not do.
 */
START_TEST(test_lif_forms_agree) {
  const char *names[] = {"tau_mem", "tau_syn_exc", "tau_syn_inh", "v_leak",
                         "v_th", "v_reset", "t_ref"};
  double values[] = {20.0, 5.0, 2.0, -49.0, -50.0, -60.0, 3.0};
  rig r[2];
  for (int f = 0; f < 2; f++) {
    slp__lif_epoch_disabled = f;
    /* Windows of 1 ms, so that an epoch moves within a run of 2 s. */
    rig_window = TPM;
    rig_init(&r[f], &slp__model_lif, names, values, 7, -55.0, 1);
    rig_window = 100 * TPM;
  }
  slp__lif_epoch_disabled = 0;
  uint64_t x = 12345;
  slp_tick t = 0;
  double max_dv = 0;
  for (int k = 0; k < 4000; k++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    t += (slp_tick)((x >> 33) % (1000 * 1000)) + 1; /* up to 1 ms apart */
    unsigned rec = (x >> 20) % 5 == 0;              /* 1 in 5 inhibitory */
    double w = rec ? -4.0 : 1.5 * (double)((x >> 40) % 1000) / 1000.0;
    for (int f = 0; f < 2; f++)
      rig_input(&r[f], t, rec, w);
    double dv = fabs(rig_get(&r[0], "v", t) - rig_get(&r[1], "v", t));
    if (dv > max_dv)
      max_dv = dv;
  }
  forms_same_spikes(r, t + TPM, 20); /* the drive makes it fire */
  ck_assert_msg(max_dv < 1e-9, "max |dv| = %g mV", max_dv);
  rig_free(&r[0]);
  rig_free(&r[1]);
}
END_TEST

/* u(s) of ada_lif without input from (u0, b0): u0 E_m - b0 c_b (E_b - E_m),
 * c_b = tau_b / (tau_b - tau_m) (the adaptation rides as a current -b). */
static long double ada_u(long double u0, long double b0, long double s,
                         long double tm, long double tb) {
  long double em = expl(-s / tm), eb = expl(-s / tb);
  return u0 * em - b0 * tb / (tb - tm) * (eb - em);
}

/*
 * ada_lif (LIF with an adaptation current) firing tonically on its own:
 * each spike resets v and raises b by beta, so the intervals grow.  Each
 * spike against the closed form from the engine's previous spike (the
 * first tick with u > u_th, found by bisection in long double): within one
 * tick, in both state forms (lif.h).
 */
START_TEST(test_ada_lif_adapting_isi) {
  lif_form(_i, 1);
  const char *names[] = {"tau_mem", "tau_syn", "tau_adapt", "v_leak", "v_th",
                         "v_reset", "beta"};
  const long double tm = 20, tb = 100, beta = 0.5, uth = -1, ur = -11;
  double values[] = {20.0, 5.0, 100.0, -49.0, -50.0, -60.0, 0.5};
  rig r;
  rig_init(&r, &slp__model_ada_lif, names, values, 7, -60.0, 1);
  rig_run_until(&r, 1000 * TPM);
  slp__spikebuf_sort(&r.spikes);
  ck_assert_uint_ge(r.spikes.n, 8);
  long double b = 0; /* b just after the previous spike */
  slp_tick prev = 0;
  long double u0 = ur;
  for (size_t k = 0; k < 8; k++) {
    /* First crossing after prev: scan, then bisect to below a tick. */
    long double lo = 0, hi = 0.01L;
    while (ada_u(u0, b, hi, tm, tb) <= uth)
      hi += 0.01L;
    lo = hi - 0.01L;
    while (hi - lo > 1e-12L) {
      long double mid = (lo + hi) / 2;
      if (ada_u(u0, b, mid, tm, tb) > uth)
        hi = mid;
      else
        lo = mid;
    }
    slp_tick expect = prev + (slp_tick)ceill(hi * TPM);
    ck_assert_msg(llabs(r.spikes.s[k].t - expect) <= 1,
                  "spike %zu: %lld vs %lld", k, (long long)r.spikes.s[k].t,
                  (long long)expect);
    long double s_k = (long double)(r.spikes.s[k].t - prev) / TPM;
    b = b * expl(-s_k / tb) + beta;
    prev = r.spikes.s[k].t;
    u0 = ur;
    if (k > 0)
      ck_assert_int_gt(r.spikes.s[k].t - r.spikes.s[k - 1].t,
                       k > 1 ? r.spikes.s[k - 1].t - r.spikes.s[k - 2].t
                             : 0); /* adapting: intervals grow */
  }
  /* b at the end: the remaining spikes' steps, then its decay to 1 s. */
  for (size_t k = 8; k < r.spikes.n; k++) {
    long double s_k = (long double)(r.spikes.s[k].t - prev) / TPM;
    b = b * expl(-s_k / tb) + beta;
    prev = r.spikes.s[k].t;
  }
  slp_tick end = 1000 * TPM;
  b *= expl(-(long double)(end - prev) / TPM / tb);
  ck_assert_double_eq_tol(rig_get(&r, "b", end), (double)b, 1e-9);
  rig_free(&r);
}
END_TEST

/* --- Delta synapses -------------------------------------------------------- */

START_TEST(test_box_jump_and_decay) {
  const char *names[] = {"tau_mem", "v_leak", "v_th", "v_reset"};
  double values[] = {20.0, 0.0, 20.0, 10.0};
  rig r;
  rig_init(&r, &slp__model_lif_box, names, values, 4, 0.0, 1);
  rig_input(&r, 1 * TPM, 0, 5.0);
  ck_assert_double_eq_tol(rig_get(&r, "v", 1 * TPM), 5.0, 1e-12);
  ck_assert_double_eq_tol(rig_get(&r, "v", 21 * TPM), 5.0 * exp(-1.0),
                          1e-12);
  rig_free(&r);
}
END_TEST

/* Same-tick inputs are summed before the threshold is looked at. */
START_TEST(test_box_same_tick_sum) {
  const char *names[] = {"tau_mem", "v_leak", "v_th", "v_reset", "t_ref"};
  double values[] = {20.0, 0.0, 20.0, 10.0, 2.0};
  rig r;
  rig_init(&r, &slp__model_lif_box, names, values, 5, 15.0, 1);
  rig_input(&r, 3 * TPM, 0, 10.0); /* 25 > 20 alone ...        */
  rig_input(&r, 3 * TPM, 1, -8.0); /* ... but 17 with this one */
  rig_run_until(&r, 200 * TPM);
  ck_assert_uint_eq(r.spikes.n, 0);
  rig_input(&r, 250 * TPM, 0, 30.0);
  rig_input(&r, 250 * TPM + 1, 0, 30.0); /* refractory: discarded */
  rig_run_until(&r, 400 * TPM);
  ck_assert_uint_eq(r.spikes.n, 1);
  ck_assert_int_eq(r.spikes.s[0].t, 250 * TPM);
  ck_assert_double_eq_tol(rig_get(&r, "v", 252 * TPM), 10.0, 1e-12);
  rig_free(&r);
}
END_TEST

START_TEST(test_box_tonic) {
  const char *names[] = {"tau_mem", "v_leak", "v_th", "v_reset", "t_ref"};
  double values[] = {10.0, 30.0, 20.0, 0.0, 2.0};
  rig r;
  rig_init(&r, &slp__model_lif_box, names, values, 5, 0.0, 1);
  rig_run_until(&r, 1000 * TPM);
  slp__spikebuf_sort(&r.spikes);
  double isi = 2.0 + 10.0 * log(30.0 / 10.0);
  ck_assert_uint_ge(r.spikes.n, 10);
  for (size_t k = 1; k < r.spikes.n; k++) {
    slp_tick d = r.spikes.s[k].t - r.spikes.s[k - 1].t;
    ck_assert(llabs(d - (slp_tick)llround(isi * TPM)) <= 1);
  }
  rig_free(&r);
}
END_TEST

/*
 * lif_box's two forms of exact mode (lif_box.h) compute the same trajectory
 * with different roundings: on 4000 random inputs over ~2 s in 1 ms windows
 * (the epoch moves twice), they give the same spikes to a tick and the same
 * v to 1e-9 mV -- with value reset and refractoriness, tonic drive
 * (v_leak > v_th), and reset by subtraction.  Rounding differences are
 * ~1e-13 mV; a jump lands that close to threshold with probability ~1e-13.
 */
START_TEST(test_box_forms_agree) {
  const char *names[] = {"tau_mem", "v_leak", "v_th", "v_reset", "t_ref",
                         "reset_method"};
  const double cases[3][6] = {{20.0, 0.0, 20.0, 10.0, 2.0, 0.0},
                              {20.0, 25.0, 20.0, 10.0, 2.0, 0.0},
                              {20.0, 0.0, 20.0, 0.0, 0.0, 1.0}};
  double values[6];
  memcpy(values, cases[_i], sizeof values);
  rig r[2];
  for (int f = 0; f < 2; f++) {
    slp__box_epoch_disabled = f;
    rig_window = TPM; /* 1 ms windows, as in test_lif_forms_agree */
    rig_init(&r[f], &slp__model_lif_box, names, values, 6, 5.0, 1);
    rig_window = 100 * TPM;
  }
  slp__box_epoch_disabled = 0;
  ck_assert(((slp__box_consts *)r[0].pop.consts)->epoch);
  ck_assert(!((slp__box_consts *)r[1].pop.consts)->epoch);
  uint64_t x = 977;
  slp_tick t = 0;
  double max_dv = 0;
  for (int k = 0; k < 4000; k++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    t += (slp_tick)((x >> 33) % (1000 * 1000)); /* up to 1 ms; 0: same tick */
    double w = (double)((x >> 40) % 1200) / 100.0 - 4.0; /* -4 .. 8 mV */
    for (int f = 0; f < 2; f++)
      rig_input(&r[f], t, 0, w);
    double dv = fabs(rig_get(&r[0], "v", t) - rig_get(&r[1], "v", t));
    if (dv > max_dv)
      max_dv = dv;
  }
  forms_same_spikes(r, t + TPM, 50);
  ck_assert_msg(max_dv < 1e-9, "max |dv| = %g mV", max_dv);
  rig_free(&r[0]);
  rig_free(&r[1]);
}
END_TEST

/* Grid mode sums a step's inputs before the neuron sees them; on inputs
 * that fall on the grid anyway this must change nothing against the
 * event-by-event path of exact mode: same spikes, same membrane (to the
 * rounding of summing a step's weights first, a few ulps of 20 mV). */
START_TEST(test_box_grid_sums_match_events) {
  const char *names[] = {"tau_mem", "v_leak", "v_th", "v_reset", "t_ref"};
  double values[] = {20.0, 0.0, 20.0, 10.0, 2.0};
  const slp_tick step = TPM / 10; /* 0.1 ms */
  rig ev, gr;
  rig_init(&ev, &slp__model_lif_box, names, values, 5, 5.0, 1);
  rig_init(&gr, &slp__model_lif_box, names, values, 5, 5.0, step);
  ck_assert_int_eq(gr.window % step, 0);
  uint64_t x = 88172645463325252ULL; /* xorshift: a fixed input pattern */
  slp_tick t = step;
  for (int k = 0; k < 20000; k++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    t += (slp_tick)(x % 4) * step;    /* 0: another input at this step */
    double w = ((double)((x >> 40) % 13) - 4.0) * 0.5; /* -2 .. 4 mV */
    rig_input(&ev, t, 0, w);
    rig_input(&gr, t, 0, w);
  }
  rig_run_until(&ev, t + 2 * ev.window);
  rig_run_until(&gr, t + 2 * gr.window);
  slp__spikebuf_sort(&ev.spikes);
  slp__spikebuf_sort(&gr.spikes);
  ck_assert_uint_gt(ev.spikes.n, 100);
  ck_assert_uint_eq(ev.spikes.n, gr.spikes.n);
  for (size_t k = 0; k < ev.spikes.n; k++)
    ck_assert_int_eq(ev.spikes.s[k].t, gr.spikes.s[k].t);
  slp_tick end = t + 2 * ev.window;
  ck_assert_double_eq_tol(rig_get(&ev, "v", end), rig_get(&gr, "v", end),
                          1e-9);
  rig_free(&ev);
  rig_free(&gr);
}
END_TEST

/* The epoch form's factors come from tables (core/exp_ticks.h): against
 * exp(a d) called directly, within the magnification a d of the argument's
 * rounding plus a few roundings (a d up to 50 here: 1e-13 relative holds
 * with room, 1e-11 would not catch a wrong digit, which is off by far
 * more); outside the tables' range, exp itself. */
START_TEST(test_exp_ticks_tables) {
  static slp__exp_ticks x;
  double a = 1e-6 / 20.0; /* per tick, tau 20 ms */
  slp__exp_ticks_init(&x, a);
  uint64_t r = 88172645463325252ULL;
  for (int k = 0; k < 100000; k++) {
    r ^= r << 13, r ^= r >> 7, r ^= r << 17;
    int64_t d = (int64_t)(r % ((uint64_t)1 << SLP__EXP_TICKS_BITS));
    if (k < 4) /* the digits' edges */
      d = (int64_t[]){0, 1023, 1024, ((int64_t)1 << 30) - 1}[k];
    double want = exp(a * (double)d);
    ck_assert_msg(fabs(slp__exp_ticks_at(&x, d) / want - 1.0) < 1e-13,
                  "d = %lld", (long long)d);
  }
  int64_t outside[] = {-1, -123456789, (int64_t)1 << 30, (int64_t)3 << 31};
  for (int k = 0; k < 4; k++)
    ck_assert_double_eq(slp__exp_ticks_at(&x, outside[k]),
                        exp(a * (double)outside[k]));
}
END_TEST

/* Grid mode takes a busy source's step as one call with a count
 * (deliver_counts, network/direct.c): the same sums, bit for bit, as the
 * copies delivered one by one after the step's other inputs.  Copies far
 * below the sum's last bit make the order of roundings show: adding
 * count * w at once would differ. */
START_TEST(test_box_counts_equal_copies) {
  const char *names[] = {"tau_mem", "v_leak", "v_th", "v_reset", "t_ref"};
  double values[] = {20.0, 0.0, 20.0, 10.0, 2.0};
  const slp_tick step = TPM / 10;
  rig one, cnt;
  rig_init(&one, &slp__model_lif_box, names, values, 5, 5.0, step);
  rig_init(&cnt, &slp__model_lif_box, names, values, 5, 5.0, step);
  ck_assert(cnt.pop.model->deliver_counts != NULL);
  const slp__box_consts *sums_one = one.pop.consts, *sums_cnt = cnt.pop.consts;
  uint64_t x = 2463534242ULL; /* xorshift: a fixed input pattern */
  slp_tick t = step;
  for (int k = 0; k < 20000; k++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    t += (slp_tick)(1 + x % 3) * step;
    double lead = ((double)((x >> 8) % 1000) - 300.0) * 1.7e-3; /* mV */
    /* 1e-12 .. 3e-5 mV: many far enough below the lead's ulp to round */
    float w = (float)((double)((x >> 20) % 1000 + 1) * 1e-12 *
                      (double)(1u << ((x >> 32) % 16)));
    uint16_t n = (uint16_t)((x >> 40) % 10);
    rig_input(&one, t, 0, lead);
    rig_input(&cnt, t, 0, lead);
    for (uint16_t j = 0; j < n; j++)
      rig_input(&one, t, 0, (double)w);
    uint32_t tgt = 0;
    ck_assert_int_eq(cnt.pop.model->deliver_counts(&cnt.pop, &cnt.win, t, 0,
                                                   &tgt, &w, &n, 1),
                     0);
    /* The step's sum, bit for bit (the membrane would hide a last-bit
     * difference of the sum in its own rounding). */
    size_t slot = (size_t)((t - one.win.t0) / step);
    ck_assert_double_eq(sums_one->acc[slot], sums_cnt->acc[slot]);
  }
  rig_run_until(&one, t + 2 * one.window);
  rig_run_until(&cnt, t + 2 * cnt.window);
  ck_assert_uint_gt(one.spikes.n, 100);
  ck_assert_uint_eq(one.spikes.n, cnt.spikes.n);
  for (size_t k = 0; k < one.spikes.n; k++)
    ck_assert_int_eq(one.spikes.s[k].t, cnt.spikes.s[k].t);
  ck_assert_double_eq(rig_get(&one, "v", t), rig_get(&cnt, "v", t));
  rig_free(&one);
  rig_free(&cnt);
}
END_TEST

/* Grid mode: the crossing is found exactly and emitted on the next grid
 * point. */
START_TEST(test_lif_grid_emission) {
  const char *names[] = {"tau_mem", "tau_syn_exc", "v_leak", "v_th"};
  double values[] = {10.0, 5.0, 0.0, 1.0};
  slp_tick h = TPM / 10;
  rig r;
  rig_init(&r, &slp__model_lif, names, values, 4, 0.0, h);
  rig_input(&r, 1 * TPM, 0, 6.0);
  rig_run_until(&r, 50 * TPM);
  ck_assert_uint_eq(r.spikes.n, 1);
  long double s = crossing_of_kernel(6.0L, 10.0L, 5.0L, 1.0L);
  slp_tick exact = 1 * TPM + (slp_tick)ceill(s * TPM);
  slp_tick expect = ((exact + h - 1) / h) * h;
  ck_assert_int_eq(r.spikes.s[0].t, expect);
  rig_free(&r);
}
END_TEST

/* reset_method subtract (Norse's reset_subtract): a spike takes v_th off v
 * instead of setting v_reset, so an input far above threshold fires as often
 * as v_th fits into it, all at its tick, and the rest stays. */
START_TEST(test_box_reset_subtract) {
  const char *names[] = {"tau_mem", "v_leak", "v_th", "v_reset",
                         "reset_method"};
  double values[] = {20.0, 0.0, 20.0, 0.0, 1.0};
  rig r;
  rig_init(&r, &slp__model_lif_box, names, values, 5, 0.0, 1);
  rig_input(&r, 1 * TPM, 0, 25.0);
  rig_run_until(&r, 2 * TPM);
  ck_assert_uint_eq(r.spikes.n, 1);
  ck_assert_double_eq_tol(rig_get(&r, "v", 1 * TPM), 5.0, 1e-12);
  /* The rig's windows are 100 ms: the next input goes in the next one. */
  rig_input(&r, 110 * TPM, 0, 50.0); /* v = 5 e^{-109/20} + 50 */
  rig_run_until(&r, 111 * TPM);
  ck_assert_uint_eq(r.spikes.n, 3); /* two more, both at 110 ms */
  ck_assert_int_eq(r.spikes.s[1].t, 110 * TPM);
  ck_assert_int_eq(r.spikes.s[2].t, 110 * TPM);
  ck_assert_double_eq_tol(rig_get(&r, "v", 110 * TPM),
                          5.0 * exp(-109.0 / 20.0) + 50.0 - 40.0, 1e-12);
  rig_free(&r);
  /* The same input with value reset: one spike, v back at v_reset. */
  values[4] = 0.0;
  rig_init(&r, &slp__model_lif_box, names, values, 5, 0.0, 1);
  rig_input(&r, 110 * TPM, 0, 50.0);
  rig_run_until(&r, 111 * TPM);
  ck_assert_uint_eq(r.spikes.n, 1);
  ck_assert_double_eq_tol(rig_get(&r, "v", 110 * TPM), 0.0, 1e-12);
  rig_free(&r);
}
END_TEST


/* The membrane with decay tables (slp__cuba_tabulate, populations of 256
 * neurons and more) against the one calling exp: over random states and
 * gaps, the propagated state agrees to 1e-12 mV (the tables are within a
 * few parts in 1e15 of exp, on states of tens of mV), and the crossing
 * search finds the same first tick, to within one, or none in both --
 * tonic drive, a rising current, inhibition and plain decay alike. */
START_TEST(test_cuba_tables_agree) {
  slp__cuba plain, tab;
  ck_assert_int_eq(slp__cuba_init(&plain, 20.0, 5.0, 10.0, 1), 0);
  ck_assert_int_eq(slp__cuba_init(&tab, 20.0, 5.0, 10.0, 1), 0);
  ck_assert_int_eq(slp__cuba_tabulate(&tab), 0);
  ck_assert_ptr_nonnull(tab.et);
  slp__rng r;
  slp__rng_init(&r, 3, SLP__RNG_SPIKES, 0, 0);
  int crossings = 0;
  for (int k = 0; k < 20000; k++) {
    double u0 = -15.0 + 14.0 * slp__rng_uniform(&r);
    double i0[2] = {30.0 * slp__rng_uniform(&r),
                    -20.0 * slp__rng_uniform(&r)};
    double th = k % 2 ? -1.0 : 1.0; /* tonic (v_leak above v_th), or not */
    slp_tick gap = (slp_tick)slp__rng_below(&r, 80 * TPM);
    double ua = u0, ub = u0, ia[2] = {i0[0], i0[1]}, ib[2] = {i0[0], i0[1]};
    slp__cuba_prop(&plain, gap, &ua, ia);
    slp__cuba_prop(&tab, gap, &ub, ib);
    ck_assert_double_eq_tol(ua, ub, 1e-12);
    ck_assert_double_eq_tol(ia[0], ib[0], 1e-12);
    ck_assert_double_eq_tol(ia[1], ib[1], 1e-12);
    slp__cuba_traj ta = {&plain, 0, u0, {i0[0], i0[1]}, th, 0.0, 0.0};
    slp__cuba_traj tb = ta;
    tb.c = &tab;
    slp_tick lba, lbb, end = 50 * TPM;
    slp_tick xa = slp__cuba_first_crossing(&ta, 0, end, &lba);
    slp_tick xb = slp__cuba_first_crossing(&tb, 0, end, &lbb);
    ck_assert((xa == SLP__NEVER) == (xb == SLP__NEVER));
    if (xa != SLP__NEVER) {
      ck_assert_int_le(llabs(xa - xb), 1);
      crossings++;
    }
  }
  ck_assert_int_gt(crossings, 2000); /* both kinds of case were met */
  ck_assert_int_lt(crossings, 18000);
  slp__cuba_free(&plain);
  slp__cuba_free(&tab);
}
END_TEST

static Suite *suite_neurons(void) {
  Suite *s = suite_create("neurons");
  TCase *tc = tcase_create("lif_propagation");
  tcase_add_loop_test(tc, test_lif_closed_form_vs_rk4, 0, 2 * N_RATIO);
  tcase_add_test(tc, test_lif_long_gap);
  tcase_add_checked_fixture(tc, NULL, lif_form_reset);
  suite_add_tcase(s, tc);
  tc = tcase_create("lif_crossings");
  tcase_add_test(tc, test_lif_tonic_isi);
  tcase_add_test(tc, test_lif_delayed_crossing);
  tcase_add_loop_test(tc, test_lif_grazing_fires, 0, 6);
  tcase_add_loop_test(tc, test_lif_near_miss_silent, 0, 6);
  tcase_add_test(tc, test_lif_partition_independent);
  tcase_add_loop_test(tc, test_lif_refractory, 0, 2);
  tcase_add_test(tc, test_lif_forms_agree);
  tcase_add_test(tc, test_cuba_tables_agree);
  tcase_add_loop_test(tc, test_ada_lif_adapting_isi, 0, 2);
  tcase_add_test(tc, test_lif_grid_emission);
  tcase_add_checked_fixture(tc, NULL, lif_form_reset);
  suite_add_tcase(s, tc);
  tc = tcase_create("lif_box");
  tcase_add_test(tc, test_box_jump_and_decay);
  tcase_add_test(tc, test_box_same_tick_sum);
  tcase_add_test(tc, test_box_tonic);
  tcase_add_test(tc, test_box_grid_sums_match_events);
  tcase_add_test(tc, test_box_counts_equal_copies);
  tcase_add_test(tc, test_exp_ticks_tables);
  tcase_add_test(tc, test_box_reset_subtract);
  tcase_add_loop_test(tc, test_box_forms_agree, 0, 3);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite_neurons());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
