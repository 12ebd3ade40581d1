/*
 * neurons/lif_box.h -- what the two state forms of the lif_box model share.
 *
 * lif_box.c holds the model (parameters, checks, the operations table),
 * grid mode, and the per-neuron form of exact mode: each neuron keeps u at
 * the tick of its last update, one exp per input.
 *
 * lif_box_epoch.c holds the epoch form of exact mode, used when tau_mem is
 * one for the population (slp__box_epoch_usable): u(t) = c E(t) with
 * E(t) = exp(-(t - t0) / tau_mem) for an epoch t0 shared by the
 * population, so that an input of weight w at tick t adds w / E(t) to c --
 * one exp per input tick (per CSR segment: a spike's thousand synapses
 * share it), not one per synapse.
 *
 * Both give the same trajectory to rounding.
 */
#ifndef SLP_NEURONS_LIF_BOX_H
#define SLP_NEURONS_LIF_BOX_H

#include <math.h>
#include <stdint.h>

#include "neurons/pop.h"

/* What one parameter set gives: the population's, or a neuron's own. */
typedef struct slp__box_own {
  double inv_tau_m;  /* 1 / tau_mem, 1/ms */
  double tau_m;      /* ms */
  double u_th;       /* v_th - v_leak */
  double u_reset;    /* v_reset - v_leak */
  double v_th;       /* mV: what reset_method subtract takes off */
  double v_leak;     /* mV */
  slp_tick t_ref;    /* refractory period, ticks */
} slp__box_own;

typedef struct slp__box_consts {
  slp__box_own all;  /* the population's parameters */
  slp__box_own *own; /* each neuron's, when a parameter varies per neuron,
                        or NULL: all for every neuron */
  int subtract;      /* reset_method subtract */
  slp_tick grid;     /* grid step (grid mode) or 1 */
  double inv_grid;   /* 1 / grid */
  size_t n_tab;      /* grid mode: exp(-n grid / tau_m) for n < n_tab (no
                        table when tau_mem varies per neuron) */
  double *tab;       /* that table */
  uint32_t n_slots;  /* grid mode: grid steps per window */
  double *acc;       /* grid mode: input sums, acc[slot * n + neuron] */
  uint8_t *mark;      /* grid mode: mark[i] = 1 when neuron i has input or
                        is queued to settle in this window */
  int tau_varies;    /* tau_mem is a per-neuron parameter */
  /* The epoch form (lif_box_epoch.c), exact mode: */
  int epoch;         /* in use */
  slp_tick t0;       /* the epoch */
  slp_tick span;     /* move the epoch once a window ends this far past */
  int sub_threshold; /* v_leak <= v_th for every neuron, one parameter
                        set: nothing crosses without an input */
  slp_tick at_t;     /* tick of at_f, or -1 */
  double at_f;       /* F(at_t) = exp((at_t - t0) / tau_mem) */
  struct slp__exp_ticks *ft; /* F's tables (core/exp_ticks.h) */
} slp__box_consts;

typedef struct slp__box_neuron {
  double u;           /* v - v_leak at t_last; in the epoch form the
                         coefficient c of u(t) = c E(t) (see held) */
  slp_tick t_last;    /* the tick the state refers to; in the epoch form
                         the tick of the last input or spike */
  slp_tick t_ref_end; /* refractory until this tick (<= t_last: not) */
  slp_tick t_check;   /* the next crossing tick, or NEVER */
  slp_tick t_wake;    /* earliest wake-up queued, or NEVER */
  uint32_t stamp;     /* window serial when queued to settle */
  uint32_t held;      /* epoch form: refractory, u not yet set (it is
                         u_reset at t_ref_end); 48 bytes in all */
} slp__box_neuron;


/* Neuron j's parameters. */
static inline const slp__box_own *slp__box_own_of(const slp__box_consts *c,
                                                  uint32_t j) {
  return c->own != NULL ? &c->own[j] : &c->all;
}

/* The first tick at which u > u_th with no input, from u (<= u_th) at tick
 * ts, or NEVER. */
static inline slp_tick slp__box_free_crossing(const slp__box_own *o,
                                              slp_tick ts, double u) {
  if (!(o->u_th < 0))
    return SLP__NEVER; /* relaxes towards v_leak <= v_th */
  /* Tonic: u(s) = u e^{-s/tau} rises to 0 > u_th; first tick with u > u_th. */
  double s = o->tau_m * log(u / o->u_th);
  double d = ceil(s / SLP__MS_PER_TICK);
  if (!(d < 4e18))
    return SLP__NEVER;
  slp_tick t = ts + (slp_tick)d;
  /* The tick closest to the root may round either way: make sure u is
   * really above threshold at the chosen tick. */
  if (u * exp(-(double)(t - ts) * SLP__MS_PER_TICK * o->inv_tau_m) <= o->u_th)
    t++;
  return t;
}

/* Tests set this to keep exact mode in the per-neuron form. */
extern int slp__box_epoch_disabled;

/* Can the population use the epoch form, with windows of w ticks? */
int slp__box_epoch_usable(const slp__pop *pop, slp_tick w);
/* Switch the population's neurons to the epoch form, epoch t0, windows of
 * w ticks.  SLP_ENOMEM on failure (the population stays as it was). */
int slp__box_epoch_enter(slp__pop *pop, slp_tick t0, slp_tick w);
/* The model operations in the epoch form. */
void slp__box_epoch_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                            const uint32_t *tgt, const float *w, size_t count,
                            double scale);
void slp__box_epoch_settle(slp__pop *pop, slp__window *win,
                           const uint32_t *idx, size_t count);
/* v of neuron i at tick t (mV). */
double slp__box_epoch_v(const slp__pop *pop, uint32_t i, slp_tick t);

#endif /* SLP_NEURONS_LIF_BOX_H */
