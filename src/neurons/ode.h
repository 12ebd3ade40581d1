/*
 * neurons/ode.h -- the numerical integrator shared by the nonlinear models
 * (lif_ex, adex, adex_refrac, coba_lif, izhikevich), with threshold-crossing
 * location on a dense-output interpolant.
 *
 * These models have no closed form between inputs (reference/models.md
 * §7-10, algorithms.md §2.7): the state is advanced by GSL's embedded
 * Runge-Kutta Cash-Karp 4(5) pair with per-step error control
 * (gsl_odeiv2_evolve), one step at a time, so that each step's end points
 * can be looked at.  Over a step [sa, sb] the values and derivatives at both
 * ends give a cubic Hermite interpolant of v; its first exceedance of the
 * threshold (found exactly on the cubic: the cubic is split at its extrema
 * into monotone pieces, so a graze inside the step is seen too) is only an
 * estimate.  It is then made exact to the tick by re-integrating the state
 * from the bracket's left end to candidate ticks: each probe either confirms
 * v > threshold (the bracket's right end moves) or not (the left end moves),
 * and the Hermite cubic over the shrinking bracket -- whose error falls as
 * the fourth power of its width -- places the next probe.  The result is the
 * first tick at which the integrated v exceeds the threshold (strict, as
 * Norse's Heaviside), with the state integrated to that very tick.
 *
 * Times inside are ms relative to the start of each advance, so a tick
 * (1e-6 ms) is resolved exactly in double however long the simulation.
 *
 * One workspace per population; it is not thread-safe (one thread per
 * population at a time).
 */
#ifndef SLP_NEURONS_ODE_H
#define SLP_NEURONS_ODE_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/sim.h"
#include "neurons/pop.h"

/* Why the nonlinear models' tolerances are one per population (the models'
 * per_neuron_why, model.h). */
#define SLP__ODE_TOL_WHY                                                    \
  "ode_abs_tol and ode_rel_tol set the error control of the population's "  \
  "one integrator"

/* Largest state dimension of a nonlinear model. */
#define SLP__ODE_MAX_DIM 4

/* The right-hand side dy/ds (s in ms) in GSL's form: return 0 (GSL_SUCCESS),
 * or non-zero when y is outside where the model is defined. */
typedef int (*slp__ode_rhs)(double s, const double y[], double dyds[],
                            void *params);

/* A spike's effect on the state (v <- v_reset, adaptation jumps, ...). */
typedef void (*slp__ode_reset)(const void *params, double *y);

/* An input of weight w on receptor r: its jump of the state. */
typedef void (*slp__ode_jump)(const void *params, double *y, unsigned r,
                              double w);

struct gsl_odeiv2_driver_struct; /* GSL's driver: step, control, evolve */

typedef struct slp__ode {
  size_t dim;                           /* state dimension */
  size_t iv;                            /* index of v in the state */
  double th;                            /* spike when y[iv] > th */
  slp__ode_rhs rhs;                     /* dy/ds */
  void *params;                         /* passed to rhs, reset and jump */
  slp__ode_reset reset;                 /* a spike's effect on the state */
  slp__ode_jump jump;                   /* an input's effect on the state */
  slp_tick t_ref;                       /* v clamped this long after a spike */
  slp_tick grid;                        /* grid step (grid mode) or 1 */
  int frozen;                           /* set: dv/ds = 0 (refractory) */
  struct gsl_odeiv2_driver_struct *drv; /* GSL's step, control and evolve */
  void *sys;                            /* the gsl_odeiv2_system drv uses */
  double h0;                            /* first trial step, ms */
  uint64_t steps;                       /* accepted steps (statistics) */
  uint64_t probes;                      /* crossing probes (statistics) */
  /* Per-neuron parameters (slp__ode_own_params), or own == NULL: params,
   * th, t_ref and h0 above serve every neuron.  Otherwise the operations
   * point those four at neuron i's before touching it. */
  void *own;                            /* n blocks of own_size bytes: each
                                           neuron's model constants */
  size_t own_size;                      /* bytes per block */
  double *own_th;                       /* each neuron's threshold */
  slp_tick *own_t_ref;                  /* each neuron's clamp, ticks */
  double *own_h0;                       /* each neuron's first trial step */
} slp__ode;

/*
 * The model constants of one parameter set, for slp__ode_own_params: fill
 * out (own_size bytes, the model's constants struct) from parameters p (API
 * units) and give the neuron's threshold, clamp (ticks) and first trial
 * step (ms).
 */
typedef void (*slp__ode_fill)(const double *p, void *out, double *th,
                              slp_tick *t_ref, double *h0);

/* What a nonlinear model gives slp__ode_create. */
typedef struct slp__ode_model {
  size_t consts_size;     /* its constants struct, whose first member is the
                             slp__ode */
  size_t dim, iv;         /* state dimension; index of the membrane */
  size_t abs_tol, rel_tol;/* indices of the tolerance parameters */
  slp__ode_fill fill;     /* its constants from parameters */
  slp__ode_rhs rhs;       /* dy/ds */
  slp__ode_reset reset;   /* a spike's effect */
  slp__ode_jump jump;     /* an input's effect */
} slp__ode_model;

/*
 * The model operation create() of a nonlinear model: its constants (of the
 * population's parameters, and per neuron when some vary), the integrator
 * and the neurons' initial state.  SLP_ENOMEM, with nothing left to free.
 */
int slp__ode_create(slp__pop *pop, const slp__pop_init *init,
                    const slp__ode_model *m);

/*
 * If any parameter varies per neuron (init->param_values), give each of
 * pop's neurons its own constants: fill() of the population's parameters
 * with the neuron's own values put in.  pop->consts must be set (its first
 * member the slp__ode).  Nothing happens when every parameter is constant.
 * SLP_ENOMEM (freed by slp__ode_destroy).
 */
int slp__ode_own_params(slp__pop *pop, const slp__pop_init *init,
                        size_t own_size, slp__ode_fill fill);

/*
 * Set up o for a dim-dimensional system whose component iv is the membrane
 * potential, held to threshold th.  Local error per step is kept within
 * abs_tol + rel_tol |y| for every component (GSL's standard control).  h0
 * is the first trial step (ms), for neurons that have not stepped yet.
 * Turns GSL's abort-on-error handler off (process-wide: the library must
 * never abort).  SLP_ENOMEM on failure, with nothing to free.
 */
int slp__ode_init(slp__ode *o, size_t dim, size_t iv, double th,
                  slp__ode_rhs rhs, void *params, double abs_tol,
                  double rel_tol, double h0);
/* Free o's workspace (o itself belongs to the caller); safe on a zeroed o. */
void slp__ode_free(slp__ode *o);

/*
 * Integrate y, the state at tick t0, towards tick t1 >= t0, stopping at the
 * first tick in (t0, t1] at which y[iv] > th (y[iv] <= th is assumed at t0;
 * callers fire an above-threshold state themselves).  Returns that tick with
 * y integrated to it, or SLP__NEVER with y at t1.  *h carries the step-size
 * suggestion from one call to the next (ms; <= 0: use o->h0).
 * SLP_ERANGE (negative; y unchanged) if the integration broke down -- the
 * state left the finite numbers, which the models' equations prevent below
 * threshold.
 */
slp_tick slp__ode_advance(slp__ode *o, double *y, double *h, slp_tick t0,
                          slp_tick t1);

/* As slp__ode_advance without looking at the threshold: y from tick t0 to
 * t1.  0 or SLP_ERANGE (y unchanged). */
int slp__ode_integrate(slp__ode *o, double *y, double *h, slp_tick t0,
                       slp_tick t1);

/* One neuron of a nonlinear model; pop->state is an array of these. */
typedef struct slp__ode_neuron {
  double y[SLP__ODE_MAX_DIM]; /* state at t_last */
  double h;                   /* step-size suggestion, ms */
  slp_tick t_last;            /* the tick y refers to */
  slp_tick t_ref_end;         /* v clamped until this tick (<= t_last: not) */
} slp__ode_neuron;

/* Allocate pop->state for pop->n neurons at tick t0, y from init's values
 * (state variable k is y[k]; the model converts them first if it needs).
 * SLP_ENOMEM. */
int slp__ode_neurons_create(slp__pop *pop, const slp__pop_init *init,
                            size_t dim);

/*
 * The operations of a nonlinear population, in the shape of the model
 * table's entries (model.h), so that the models put them in their tables
 * directly.  pop->consts must point to a struct whose first member is the
 * population's slp__ode, allocated with slp__malloc/slp__calloc.
 *
 * These models can fire without input (tonic drive, adaptation rebound), so
 * they are always active: settle advances every neuron to the window's last
 * grid tick each window -- the settle list and wake-ups are not used -- and
 * deliver advances its targets to the input's tick, firing the crossings on
 * the way, before the input's jump.  Inputs at one tick all add up before
 * the threshold is looked at.  A breakdown of the integration (SLP_ERANGE)
 * goes to win->err.
 */
void slp__ode_prime(slp__pop *pop, slp__window *win);
void slp__ode_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                      unsigned r, const uint32_t *tgt, const float *w,
                      size_t n, double scale);
void slp__ode_settle(slp__pop *pop, slp__window *win, const uint32_t *idx,
                     size_t n);
void slp__ode_wake(slp__pop *pop, slp__window *win, uint32_t i);
/* State variable var of neuron i at tick t >= its t_last, without input
 * and ignoring crossings after t_last (for recording and tests). */
double slp__ode_get(const slp__pop *pop, uint32_t i, int var, slp_tick t);
/* Free the workspace, the constants and the neurons. */
void slp__ode_destroy(slp__pop *pop);

#endif /* SLP_NEURONS_ODE_H */
