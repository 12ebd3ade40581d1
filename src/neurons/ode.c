/*
 * neurons/ode.c -- adaptive Runge-Kutta integration between events and the
 * exact-to-the-tick threshold-crossing search (see ode.h).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

#include "sleipnir/error.h"
#include "core/alloc.h"
#include "neurons/ode.h"
#include "neurons/pop.h"

/* Retries with a quartered step when a step leaves the finite numbers
 * (GSL's control accepts a step whose error estimate is NaN). */
#define MAX_RETRIES 60

/* Probes of the crossing search before it falls back to bisection. */
#define HERMITE_PROBES 12

/* What locate() returns besides a tick. */
#define LOCATE_NONE (-1)
#define LOCATE_FAIL INT64_MIN

/* GSL's view of the system: the model's right-hand side, with v clamped
 * while the neuron is refractory. */
static int sys_fn(double s, const double y[], double dyds[], void *arg) {
  const slp__ode *o = arg;
  int rc = o->rhs(s, y, dyds, o->params);
  if (o->frozen)
    dyds[o->iv] = 0.0;
  return rc;
}

int slp__ode_init(slp__ode *o, size_t dim, size_t iv, double th,
                  slp__ode_rhs rhs, void *params, double abs_tol,
                  double rel_tol, double h0) {
  memset(o, 0, sizeof *o);
  if (dim == 0 || dim > SLP__ODE_MAX_DIM || iv >= dim)
    return SLP_EINVAL;
  gsl_set_error_handler_off();
  gsl_odeiv2_system *sys = slp__calloc(1, sizeof *sys);
  if (sys == NULL)
    return SLP_ENOMEM;
  sys->function = sys_fn;
  sys->jacobian = NULL; /* explicit RK: no Jacobian */
  sys->dimension = dim;
  sys->params = o; /* o must not move from here on */
  o->drv = gsl_odeiv2_driver_alloc_y_new(sys, gsl_odeiv2_step_rkck, h0,
                                         abs_tol, rel_tol);
  if (o->drv == NULL) {
    slp__free(sys);
    return SLP_ENOMEM;
  }
  o->sys = sys;
  o->dim = dim;
  o->iv = iv;
  o->th = th;
  o->rhs = rhs;
  o->params = params;
  o->h0 = h0;
  o->grid = 1;
  return 0;
}

void slp__ode_free(slp__ode *o) {
  if (o->drv != NULL)
    gsl_odeiv2_driver_free(o->drv);
  slp__free(o->sys);
  o->drv = NULL;
  o->sys = NULL;
}

static int all_finite(const double *y, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (!isfinite(y[k]))
      return 0;
  return 1;
}

/*
 * One accepted step from *s towards s_end (never past it): y and *s move,
 * fa/fb receive dy/ds at the step's two ends.  0 or SLP_ERANGE (y, *s as
 * they were).
 */
static int step(slp__ode *o, double *s, double s_end, double *h, double *y,
                double *fa, double *fb) {
  gsl_odeiv2_driver *d = o->drv;
  double y0[SLP__ODE_MAX_DIM], s0 = *s;
  memcpy(y0, y, o->dim * sizeof *y);
  for (int tries = 0; tries < MAX_RETRIES; tries++) {
    if (!(*h > 0))
      *h = o->h0;
    /* GSL shortens a step that would pass s_end and leaves *h alone then,
     * so the next window starts with the step size the dynamics want. */
    gsl_odeiv2_evolve_reset(d->e);
    int st = gsl_odeiv2_evolve_apply(d->e, d->c, d->s, o->sys, s, s_end, h,
                                     y);
    if (st == GSL_SUCCESS && all_finite(y, o->dim) && *s > s0) {
      /* rkck takes dy/ds at the start and gives it at the end: the
       * Hermite data come free. */
      memcpy(fa, d->e->dydt_in, o->dim * sizeof *fa);
      memcpy(fb, d->e->dydt_out, o->dim * sizeof *fb);
      o->steps++;
      return 0;
    }
    memcpy(y, y0, o->dim * sizeof *y);
    *s = s0;
    *h = (*h > 0 ? *h : o->h0) * 0.25;
    if (!(*h > 1e-15))
      break;
  }
  return SLP_ERANGE;
}

/* Integrate y from s to s_end (ms), no threshold.  0 or SLP_ERANGE. */
static int integrate_to(slp__ode *o, double *y, double *h, double s,
                        double s_end) {
  double fa[SLP__ODE_MAX_DIM], fb[SLP__ODE_MAX_DIM];
  while (s < s_end) {
    int rc = step(o, &s, s_end, h, y, fa, fb);
    if (rc != 0)
      return rc;
  }
  return 0;
}

int slp__ode_integrate(slp__ode *o, double *y, double *h, slp_tick t0,
                       slp_tick t1) {
  if (t1 <= t0)
    return 0;
  double y0[SLP__ODE_MAX_DIM];
  memcpy(y0, y, o->dim * sizeof *y);
  int rc = integrate_to(o, y, h, 0.0, (double)(t1 - t0) * SLP__MS_PER_TICK);
  if (rc != 0)
    memcpy(y, y0, o->dim * sizeof *y);
  return rc;
}

/* One end of a bracket: time (ms), state, derivative of the state. */
typedef struct point {
  double s;
  double y[SLP__ODE_MAX_DIM];
  double f[SLP__ODE_MAX_DIM];
} point;

/* The cubic Hermite interpolant of v over [a, b] as c0 + c1 x + c2 x^2 +
 * c3 x^3, x in [0, 1]. */
static void hermite(const slp__ode *o, const point *a, const point *b,
                    double c[4]) {
  double dt = b->s - a->s, va = a->y[o->iv], vb = b->y[o->iv];
  double ma = dt * a->f[o->iv], mb = dt * b->f[o->iv];
  c[0] = va;
  c[1] = ma;
  c[2] = -3.0 * va - 2.0 * ma + 3.0 * vb - mb;
  c[3] = 2.0 * va + ma - 2.0 * vb + mb;
}

static double cubic(const double c[4], double x) {
  return ((c[3] * x + c[2]) * x + c[1]) * x + c[0];
}

/*
 * The first x in (0, 1] at which the cubic c exceeds th, given c(0) <= th,
 * or -1 if it never does.  The cubic is cut at its extrema into monotone
 * pieces; the first piece whose end lies above th holds the crossing, found
 * by bisection to the last bit.
 */
static double first_exceedance(const double c[4], double th) {
  double cut[4];
  size_t n = 0;
  /* Roots of c1 + 2 c2 x + 3 c3 x^2 in (0, 1), ascending. */
  double qa = 3.0 * c[3], qb = 2.0 * c[2], qc = c[1];
  if (qa != 0.0) {
    double disc = qb * qb - 4.0 * qa * qc;
    if (disc > 0) {
      double sq = sqrt(disc);
      /* the cancellation-free pair of roots */
      double q = -0.5 * (qb + (qb >= 0 ? sq : -sq));
      double r1 = q / qa, r2 = q != 0.0 ? qc / q : r1;
      if (r1 > r2) {
        double t = r1;
        r1 = r2;
        r2 = t;
      }
      if (r1 > 0 && r1 < 1)
        cut[n++] = r1;
      if (r2 > 0 && r2 < 1 && r2 != r1)
        cut[n++] = r2;
    }
  } else if (qb != 0.0) {
    double r = -qc / qb;
    if (r > 0 && r < 1)
      cut[n++] = r;
  }
  cut[n++] = 1.0;
  double lo = 0.0;
  for (size_t k = 0; k < n; k++) {
    double hi = cut[k];
    if (cubic(c, hi) > th) {
      /* monotone rising on [lo, hi] from <= th to > th */
      for (int it = 0; it < 200 && hi - lo > 0x1p-52 * hi; it++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
          break;
        if (cubic(c, mid) > th)
          hi = mid;
        else
          lo = mid;
      }
      return hi;
    }
    lo = hi;
  }
  return -1.0;
}

/* Whether the Hermite cubic over [a, b] rises above the threshold. */
static int step_exceeds(const slp__ode *o, const point *a, const point *b) {
  double c[4];
  hermite(o, a, b, c);
  return first_exceedance(c, o->th) >= 0;
}

/* Integrate from point a to tick k (ms = k * tick), filling p.  0 or
 * SLP_ERANGE. */
static int probe(slp__ode *o, const point *a, int64_t k, double h,
                 point *p) {
  double fa[SLP__ODE_MAX_DIM];
  memcpy(p->y, a->y, o->dim * sizeof *p->y);
  p->s = (double)k * SLP__MS_PER_TICK;
  double s = a->s;
  while (s < p->s) {
    int rc = step(o, &s, p->s, &h, p->y, fa, p->f);
    if (rc != 0)
      return rc;
  }
  o->probes++;
  return 0;
}

/*
 * Over one step from a (v <= th) to b: the first tick k (relative to the
 * advance's start) with a->s < k tick <= b's tick at which the integrated v
 * exceeds th, with its state in *out; LOCATE_NONE if none (the cubic's
 * exceedance was a graze the integration does not confirm); LOCATE_FAIL on
 * breakdown.
 */
static int64_t locate(slp__ode *o, const point *a, const point *b,
                      double h, point *out) {
  const double tick = SLP__MS_PER_TICK;
  point lo = *a, hi = *b;
  /* hi is "confirmed" when the integrated v there is above threshold. */
  int confirmed = hi.y[o->iv] > o->th;
  int64_t klo = (int64_t)floor(lo.s / tick); /* ticks <= klo: v <= th */
  int64_t khi = (int64_t)ceil(hi.s / tick);
  for (int it = 0; it < 200; it++) {
    double c[4];
    hermite(o, &lo, &hi, c);
    double x = first_exceedance(c, o->th);
    if (x < 0 && !confirmed)
      return LOCATE_NONE; /* the graze is not there */
    if (klo + 1 >= khi) {
      /* one candidate tick left: khi */
      if (hi.s != (double)khi * tick) {
        point p;
        if (probe(o, &lo, khi, h, &p) != 0)
          return LOCATE_FAIL;
        if (!(p.y[o->iv] > o->th) && !confirmed)
          return LOCATE_NONE;
        hi = p;
      } else if (!confirmed) {
        return LOCATE_NONE;
      }
      *out = hi;
      return khi;
    }
    int64_t k;
    if (x < 0 || it >= HERMITE_PROBES) {
      k = klo + (khi - klo) / 2; /* bisection: guaranteed progress */
    } else {
      k = (int64_t)ceil((lo.s + x * (hi.s - lo.s)) / tick);
      /* A probe at the estimate's tick confirms it; the tick before it
       * then closes the bracket from below. */
      if (k >= khi)
        k = khi - 1;
      if (k <= klo)
        k = klo + 1;
    }
    point p;
    if (probe(o, &lo, k, h, &p) != 0)
      return LOCATE_FAIL;
    if (p.y[o->iv] > o->th) {
      hi = p;
      khi = k;
      confirmed = 1;
    } else {
      lo = p;
      klo = k;
      if (k == khi - 1 && confirmed && hi.s == (double)khi * tick) {
        *out = hi;
        return khi;
      }
    }
  }
  return LOCATE_FAIL;
}

slp_tick slp__ode_advance(slp__ode *o, double *y, double *h, slp_tick t0,
                          slp_tick t1) {
  if (t1 <= t0)
    return SLP__NEVER;
  double s_end = (double)(t1 - t0) * SLP__MS_PER_TICK;
  point a, b;
  a.s = 0.0;
  memcpy(a.y, y, o->dim * sizeof *y);
  while (a.s < s_end) {
    b = a;
    double hb = *h; /* the step size the step started with, for probes */
    if (step(o, &b.s, s_end, h, b.y, a.f, b.f) != 0)
      return SLP_ERANGE;
    /* A crossing needs v above threshold at the step's end, or a rising
     * interior maximum: the cubic says which.  Most steps end well below
     * threshold, and a bound settles them without the cubic: the Hermite
     * basis functions of the end slopes stay within 4/27 in size. */
    double va = a.y[o->iv], vb = b.y[o->iv], dt = b.s - a.s;
    double bound = (va > vb ? va : vb) +
                   4.0 / 27.0 * dt * (fabs(a.f[o->iv]) + fabs(b.f[o->iv]));
    if (bound > o->th && (vb > o->th || step_exceeds(o, &a, &b))) {
      point p;
      int64_t k = locate(o, &a, &b, hb > 0 ? hb : o->h0, &p);
      if (k == LOCATE_FAIL)
        return SLP_ERANGE;
      if (k >= 0) {
        memcpy(y, p.y, o->dim * sizeof *y);
        return t0 + k;
      }
    }
    a = b;
  }
  memcpy(y, a.y, o->dim * sizeof *y);
  return SLP__NEVER;
}

int slp__ode_neurons_create(slp__pop *pop, const slp__pop_init *init,
                            size_t dim) {
  slp__ode_neuron *st = slp__calloc(pop->n, sizeof *st);
  if (st == NULL)
    return SLP_ENOMEM;
  for (uint32_t i = 0; i < pop->n; i++) {
    for (size_t k = 0; k < dim; k++)
      st[i].y[k] = init->values[k][i];
    st[i].h = 0.0; /* the model's first trial step */
    st[i].t_last = init->t0;
    st[i].t_ref_end = init->t0;
  }
  pop->state = st;
  pop->state_bytes = (size_t)pop->n * sizeof *st;
  return 0;
}

int slp__ode_own_params(slp__pop *pop, const slp__pop_init *init,
                        size_t own_size, slp__ode_fill fill) {
  slp__ode *o = pop->consts;
  const slp__model *m = pop->model;
  if (!slp__params_vary(init, m->n_params))
    return 0;
  o->own = slp__calloc(pop->n, own_size);
  o->own_th = slp__malloc((size_t)pop->n * sizeof *o->own_th);
  o->own_t_ref = slp__malloc((size_t)pop->n * sizeof *o->own_t_ref);
  o->own_h0 = slp__malloc((size_t)pop->n * sizeof *o->own_h0);
  if (!o->own || !o->own_th || !o->own_t_ref || !o->own_h0)
    return SLP_ENOMEM;
  o->own_size = own_size;
  for (uint32_t i = 0; i < pop->n; i++) {
    double p[SLP__MAX_PARAMS];
    slp__params_of(init, pop->params, m->n_params, i, p);
    fill(p, (char *)o->own + (size_t)i * own_size, &o->own_th[i],
         &o->own_t_ref[i], &o->own_h0[i]);
  }
  return 0;
}

/* Point o at neuron i's constants when they vary per neuron.  Inline and a
 * predictable branch: populations without per-neuron parameters pay one
 * test per neuron visited. */
static inline void use_neuron(slp__ode *o, uint32_t i) {
  if (o->own == NULL)
    return;
  o->params = (char *)o->own + (size_t)i * o->own_size;
  o->th = o->own_th[i];
  o->t_ref = o->own_t_ref[i];
  o->h0 = o->own_h0[i];
}

/* Fire neuron i at tick tc (its state integrated to tc): emit on the grid,
 * reset, clamp. */
static void fire(slp__ode *o, slp__pop *pop, slp__window *win, uint32_t i,
                 slp__ode_neuron *n, slp_tick tc) {
  slp__pop_emit(pop, win, i, slp__ceil_grid(tc, o->grid));
  o->reset(o->params, n->y);
  n->t_ref_end = tc + o->t_ref;
}

/*
 * Move neuron i to tick t, firing every crossing at a tick <= t.  With
 * fire_now, a state above threshold at t_last (an input jumped v there, or
 * it was initialised so) fires at t_last first.
 */
static int run(slp__ode *o, slp__pop *pop, slp__window *win, uint32_t i,
               slp__ode_neuron *n, slp_tick t, int fire_now) {
  if (fire_now && n->t_ref_end <= n->t_last && n->y[o->iv] > o->th)
    fire(o, pop, win, i, n, n->t_last);
  while (n->t_last < t) {
    if (n->t_ref_end > n->t_last) {
      slp_tick e = n->t_ref_end < t ? n->t_ref_end : t;
      o->frozen = 1;
      int rc = slp__ode_integrate(o, n->y, &n->h, n->t_last, e);
      o->frozen = 0;
      if (rc != 0)
        return rc;
      n->t_last = e;
      continue;
    }
    slp_tick tc = slp__ode_advance(o, n->y, &n->h, n->t_last, t);
    if (tc < 0)
      return (int)tc;
    if (tc == SLP__NEVER) {
      n->t_last = t;
      break;
    }
    n->t_last = tc;
    fire(o, pop, win, i, n, tc);
  }
  return 0;
}

void slp__ode_prime(slp__pop *pop, slp__window *win) {
  (void)pop;
  (void)win; /* always active: settle visits every neuron anyway */
}

void slp__ode_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                      unsigned r, const uint32_t *tgt, const float *w,
                      size_t count, double scale) {
  slp__ode *o = pop->consts;
  slp__ode_neuron *st = pop->state;
  for (size_t k = 0; k < count; k++) {
    slp__ode_neuron *n = &st[tgt[k]];
    use_neuron(o, tgt[k]);
    /* Crossings up to the input's tick come first; inputs at the tick the
     * neuron is at add up before the threshold is looked at. */
    int rc = run(o, pop, win, tgt[k], n, t, t > n->t_last);
    if (rc != 0 && win->err == 0)
      win->err = rc;
    o->jump(o->params, n->y, r, (double)w[k] * scale);
  }
}

void slp__ode_settle(slp__pop *pop, slp__window *win, const uint32_t *idx,
                     size_t count) {
  (void)idx;
  (void)count; /* every neuron, not only queued ones: none are queued */
  slp__ode *o = pop->consts;
  slp__ode_neuron *st = pop->state;
  slp_tick last = win->t1 - o->grid; /* latest spike tick of this window */
  for (uint32_t i = 0; i < pop->n; i++) {
    use_neuron(o, i);
    int rc = run(o, pop, win, i, &st[i], last, 1);
    if (rc != 0 && win->err == 0)
      win->err = rc;
  }
}

void slp__ode_wake(slp__pop *pop, slp__window *win, uint32_t i) {
  (void)pop; /* no wake-ups are ever queued */
  (void)win;
  (void)i;
}

double slp__ode_get(const slp__pop *pop, uint32_t i, int var, slp_tick t) {
  slp__ode *o = pop->consts;
  slp__ode_neuron n = ((const slp__ode_neuron *)pop->state)[i];
  if (var < 0 || (size_t)var >= o->dim)
    return (double)NAN;
  use_neuron(o, i);
  if (n.t_ref_end > n.t_last) {
    slp_tick e = n.t_ref_end < t ? n.t_ref_end : t;
    o->frozen = 1;
    int rc = slp__ode_integrate(o, n.y, &n.h, n.t_last, e);
    o->frozen = 0;
    if (rc != 0)
      return (double)NAN;
    n.t_last = e;
  }
  if (slp__ode_integrate(o, n.y, &n.h, n.t_last, t) != 0)
    return (double)NAN;
  return n.y[var];
}

int slp__ode_create(slp__pop *pop, const slp__pop_init *init,
                    const slp__ode_model *m) {
  const double *p = pop->params;
  slp__ode *o = slp__calloc(1, m->consts_size);
  if (o == NULL)
    return SLP_ENOMEM;
  double th, h0;
  slp_tick t_ref;
  m->fill(p, o, &th, &t_ref, &h0);
  int rc = slp__ode_init(o, m->dim, m->iv, th, m->rhs, o, p[m->abs_tol],
                         p[m->rel_tol], h0);
  if (rc != 0) {
    slp__free(o);
    return rc;
  }
  o->reset = m->reset;
  o->jump = m->jump;
  o->grid = init->grid;
  o->t_ref = t_ref;
  pop->consts = o;
  if ((rc = slp__ode_own_params(pop, init, m->consts_size, m->fill)) != 0 ||
      (rc = slp__ode_neurons_create(pop, init, m->dim)) != 0) {
    slp__ode_destroy(pop);
    return rc;
  }
  return 0;
}

void slp__ode_destroy(slp__pop *pop) {
  slp__ode *o = pop->consts;
  if (o != NULL) {
    slp__ode_free(o);
    slp__free(o->own);
    slp__free(o->own_th);
    slp__free(o->own_t_ref);
    slp__free(o->own_h0);
    slp__free(o);
  }
  slp__free(pop->state);
  pop->consts = pop->state = NULL;
}
