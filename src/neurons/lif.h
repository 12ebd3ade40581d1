/*
 * neurons/lif.h -- what the two state forms of the lif model share.
 *
 * lif.c holds the model (parameters, checks, the operations table) and the
 * per-neuron form: each neuron keeps (u, i) at the tick of its last update
 * and is propagated from there, three exps per input.
 *
 * lif_epoch.c holds the epoch form, used when the time constants allow it
 * (see slp__lif_epoch_usable): each neuron keeps the coefficients of its
 * exponentials relative to one epoch shared by the population, so that an
 * input costs a few multiply-adds with factors computed once per input tick
 * -- once per CSR segment, not once per synapse.
 *
 * prime() picks the form; both give the same trajectory to rounding.
 */
#ifndef SLP_NEURONS_LIF_H
#define SLP_NEURONS_LIF_H

#include <stdint.h>

#include "neurons/cuba.h"
#include "neurons/pop.h"

#define SLP__LIF_NREC SLP__CUBA_NREC

/* The factors of one tick t relative to the epoch t0: e[0] = E_m, e[1 + k] =
 * E_k, E_x = exp(-(t - t0) / tau_x), and f = 1 / e. */
typedef struct slp__lif_factors {
  slp_tick t;                       /* tick, or -1: none yet */
  double e[1 + SLP__LIF_NREC];      /* decays from the epoch to t */
  double f[1 + SLP__LIF_NREC];      /* their inverses */
} slp__lif_factors;

/* Per-population constants derived from the parameters. */
typedef struct slp__lif_consts {
  slp__cuba m;            /* the membrane: propagator and crossing search */
  double u_th;            /* v_th - v_leak */
  double u_reset;         /* v_reset - v_leak */
  double v_leak;          /* mV */
  slp_tick t_ref;         /* refractory period, ticks (the longest, when
                             it varies per neuron) */
  slp_tick grid;          /* grid step (grid mode) or 1 */
  unsigned slot[SLP__LIF_NREC]; /* receptor -> current: lif {0, 1}; ada_lif
                                   {0, 0} (its current 1 is the adaptation) */
  double spike_jump;      /* added to current 1 at each spike: ada_lif's
                             -beta (b += beta), 0 for lif */
  int ada;                /* ada_lif: state variables v, i, b */
  /* Parameters that vary per neuron (slp__pop_init.param_values), each an
   * array of n indexed by the neuron, or NULL: the constant above for all.
   * Separate arrays, so that the neuron stays one cache line and only the
   * threshold is read on the input path. */
  double *u_th_n;         /* v_th - v_leak */
  double *u_reset_n;      /* v_reset - v_leak */
  double *v_leak_n;       /* v_leak, mV */
  double *jump_n;         /* spike_jump (ada_lif's -beta) */
  slp_tick *t_ref_n;      /* t_ref, ticks */
  slp__cuba *m_n;         /* each neuron's membrane when a time constant
                             varies (no grid tables: each gap is its exps;
                             the population stays in the per-neuron form),
                             or NULL: m for all */
  /* The epoch form (epoch != 0).  The epoch and the factor cache change as
   * the run goes: they belong to the population's partition. */
  int epoch;              /* the state is in the epoch form */
  slp_tick t0;            /* the epoch */
  slp_tick span;          /* move the epoch once a window ends this far
                             after it */
  slp__lif_factors at;    /* factors of the latest input tick */
} slp__lif_consts;

/*
 * A neuron in the per-neuron form: exactly one cache line, because events
 * reach neurons in random order and every field is read or written on each
 * event.
 */
typedef struct slp__lif_neuron {
  double u;               /* v - v_leak at t_last (u_reset while refractory) */
  double i[SLP__LIF_NREC];/* receptor currents at t_last, mV */
  slp_tick t_last;        /* the tick the state refers to */
  slp_tick t_ref_end;     /* refractory until this tick (<= t_last: not) */
  slp_tick t_check;       /* no crossing happens before this tick */
  slp_tick t_wake;        /* earliest wake-up queued for it, or NEVER */
  uint32_t stamp;         /* serial of the window it was queued to settle in */
  uint32_t pad;           /* keeps the struct 64 bytes */
} slp__lif_neuron;

/* Neuron j's membrane, threshold, reset, resting potential, spike jump and
 * refractory period: its own when they vary per neuron, else the
 * population's. */
static inline const slp__cuba *slp__lif_m(const slp__lif_consts *c,
                                          uint32_t j) {
  return c->m_n != NULL ? &c->m_n[j] : &c->m;
}
static inline double slp__lif_u_th(const slp__lif_consts *c, uint32_t j) {
  return c->u_th_n != NULL ? c->u_th_n[j] : c->u_th;
}
static inline double slp__lif_u_reset(const slp__lif_consts *c, uint32_t j) {
  return c->u_reset_n != NULL ? c->u_reset_n[j] : c->u_reset;
}
static inline double slp__lif_v_leak(const slp__lif_consts *c, uint32_t j) {
  return c->v_leak_n != NULL ? c->v_leak_n[j] : c->v_leak;
}
static inline double slp__lif_jump(const slp__lif_consts *c, uint32_t j) {
  return c->jump_n != NULL ? c->jump_n[j] : c->spike_jump;
}
static inline slp_tick slp__lif_t_ref(const slp__lif_consts *c, uint32_t j) {
  return c->t_ref_n != NULL ? c->t_ref_n[j] : c->t_ref;
}

/* May pop (per-neuron form, every neuron at tick t) switch to the epoch form
 * for windows of w ticks? */
int slp__lif_epoch_usable(const slp__lif_consts *c, slp_tick w);

/* Switch pop from the per-neuron form to the epoch form at tick t0, where
 * every neuron's state refers to.  SLP_ENOMEM leaves pop unchanged. */
int slp__lif_epoch_enter(slp__pop *pop, slp_tick t0);

/* The model operations in the epoch form (model.h). */
void slp__lif_epoch_prime(slp__pop *pop, slp__window *win);
void slp__lif_epoch_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                            unsigned r, const uint32_t *tgt, const float *w,
                            size_t count, double scale);
void slp__lif_epoch_settle(slp__pop *pop, slp__window *win,
                           const uint32_t *idx, size_t count);
void slp__lif_epoch_wake(slp__pop *pop, slp__window *win, uint32_t i);
/* v, i_exc or i_inh (var 0, 1, 2) of neuron i at tick t. */
double slp__lif_epoch_get(const slp__pop *pop, uint32_t i, int var,
                          slp_tick t);

/* Test switch: nonzero keeps every population in the per-neuron form. */
extern int slp__lif_epoch_disabled;

#endif /* SLP_NEURONS_LIF_H */
