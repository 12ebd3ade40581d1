/*
 * sleipnir/plasticity.h -- plastic projections: spike-timing-dependent
 * plasticity (pair-based and triplet STDP) and Tsodyks-Markram short-term
 * plasticity (STP).
 *
 * A projection made plastic with slp_network_set_stdp() changes its weights
 * at every pre and post spike (pair-based STDP, docs/model-file.md,
 * "plasticity").  Traces are per neuron and decayed exactly; the weights of
 * plastic synapses are kept as doubles so that tiny steps are not lost.
 *
 * Conventions (in the frame of the synapse):
 *   - each synaptic delay d splits into an axonal part d_a (the projection's
 *     axonal_delay_ms, default 0) and a dendritic part d_d = d - d_a: a pre
 *     spike at t_pre reaches the synapse at t_pre + d_a, a post spike at
 *     t_post reaches it at t_post + d_d, and the pair's time difference is
 *     dt = (t_post + d_d) - (t_pre + d_a);
 *   - a pair with dt > 0 potentiates, one with dt < 0 depresses, and a pair
 *     with dt == 0 exactly does nothing (neither);
 *   - a spike raises its neuron's trace by a_pre / a_post, so one pair at
 *     dt > 0 changes an additive weight by eta_plus * a_pre * exp(-dt/tau_pre).
 * In the norse integration mode the rule is Norse's stdp_step_linear
 * instead (docs/model-file.md, "In norse mode"): per step of dt the traces
 * decay by 1 - dt/tau and a spike raises them by a dt/tau; a pre spike
 * counts in the step it is delivered in (the whole delay is axonal), a post
 * spike in the step it fired in, and a pre and a post spike of one step
 * both count, in one update; only pairing all, no triplet, no axonal delay.
 */
#ifndef SLEIPNIR_PLASTICITY_H
#define SLEIPNIR_PLASTICITY_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/error.h"
#include "sleipnir/network.h"
#include "sleipnir/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Weight dependence of the updates (Norse's stdp_algorithm names).  With
 * F+(w) and F-(w) the potentiation and depression factors:
 *   ADDITIVE             eta_plus,                    eta_minus
 *   ADDITIVE_STEP        eta_plus  * H(w_max - w),    eta_minus * H(w - w_min)
 *   MULTIPLICATIVE_POW   eta_plus  * (w_max - w)^mu+, eta_minus * (w - w_min)^mu-
 *   MULTIPLICATIVE_RELU  eta_plus  * relu(w_max - w), eta_minus * relu(w - w_min)
 * H(x) is 1 for x > 0 and 0 otherwise; a negative base of the power counts
 * as 0.  mu = 0 is additive, mu = 1 multiplicative (Guetig et al. 2003);
 * mu+ = 0, mu- = 1 is van Rossum et al. 2000's mixed rule. */
typedef enum slp_stdp_algorithm {
  SLP_STDP_ADDITIVE = 0,
  SLP_STDP_ADDITIVE_STEP,
  SLP_STDP_MULTIPLICATIVE_POW,
  SLP_STDP_MULTIPLICATIVE_RELU
} slp_stdp_algorithm;

/* Which spike pairs count (Morrison, Diesmann & Gerstner 2008, Fig. 7). */
typedef enum slp_stdp_pairing {
  SLP_STDP_ALL = 0,             /* all to all: traces add up */
  SLP_STDP_NEAREST_SYMMETRIC,   /* traces are set, not added: each spike
                                   pairs with the nearest partner before it */
  SLP_STDP_NEAREST_PRE_CENTRED, /* the pre trace adds up and is reset by a
                                   post spike; the post trace is set */
  SLP_STDP_NEAREST_RESTRICTED   /* a pair counts only if each spike is the
                                   other's nearest neighbour */
} slp_stdp_pairing;

typedef struct slp_stdp_params {
  slp_stdp_algorithm algorithm; /* weight dependence */
  slp_stdp_pairing pairing;     /* which pairs count */
  double tau_pre_ms;            /* pre trace time constant, ms, > 0 */
  double tau_post_ms;           /* post trace time constant, ms, > 0 */
  double eta_plus;              /* potentiation rate, in weight units (mV) */
  double eta_minus;             /* depression rate, weight units (mV) */
  double a_pre;                 /* pre trace increment */
  double a_post;                /* post trace increment */
  double w_min;                 /* lower bound, mV */
  double w_max;                 /* upper bound, mV */
  double mu_plus;               /* MULTIPLICATIVE_POW exponent of F+ */
  double mu_minus;              /* MULTIPLICATIVE_POW exponent of F- */
  int hardbound;                /* clamp w to [w_min, w_max] after updates */
  double axonal_delay_ms;       /* axonal part of every delay, ms, >= 0 */
  /* Triplet STDP (Pfister & Gerstner 2006, minimal all-to-all model) when
   * triplet != 0: tau_pre/tau_post are tau_+/tau_-, the potentiation of a
   * post spike is eta_plus * r1 * (a2_plus + a3_plus * o2), the depression
   * of a pre spike eta_minus * o1 * (a2_minus + a3_minus * r2), with r2 and
   * o2 the slow traces (tau_x, tau_y) just before the spike; pairing must
   * be SLP_STDP_ALL. */
  int triplet;                  /* 1: triplet rule */
  double tau_x_ms;              /* slow pre trace r2, ms, > 0 */
  double tau_y_ms;              /* slow post trace o2, ms, > 0 */
  double a2_plus, a3_plus;      /* pair and triplet potentiation amplitudes */
  double a2_minus, a3_minus;    /* pair and triplet depression amplitudes */
} slp_stdp_params;

/* Norse's defaults (STDPParameters), with a bare number read as SI:
 * additive, all-to-all, tau_pre = tau_post = 50 ms, eta_plus = eta_minus =
 * 1 mV, a_pre = a_post = 1, w_min = 0, w_max = 1000 mV, mu = 0, hardbound,
 * all of the delay dendritic (axonal_delay_ms = 0, as NEST). */
SLP_EXTERN void slp_stdp_params_init(slp_stdp_params *p);

/* Set p to the triplet rule with a published parameter set (the other
 * fields keep their values; eta_plus = eta_minus = 1 mV, so the amplitudes
 * are in mV).  Sets: "visual_cortex" (Pfister & Gerstner 2006, minimal
 * all-to-all model fitted to visual cortex data: tau_+ = 16.8 ms,
 * tau_- = 33.7 ms, tau_x = 101 ms, tau_y = 125 ms, A2+ = 5e-10,
 * A3+ = 6.2e-3, A2- = 7e-3, A3- = 2.3e-4).  SLP_EINVAL for another name. */
SLP_EXTERN int slp_stdp_triplet_set(slp_stdp_params *p, const char *name);

/* Names as in model files ("additive", "multiplicative_pow", ...;
 * "all", "nearest_symmetric", ...).  SLP_EINVAL for an unknown name. */
SLP_EXTERN int slp_stdp_algorithm_parse(const char *name,
                                        slp_stdp_algorithm *out);
SLP_EXTERN const char *slp_stdp_algorithm_name(slp_stdp_algorithm a);
SLP_EXTERN int slp_stdp_pairing_parse(const char *name,
                                      slp_stdp_pairing *out);
SLP_EXTERN const char *slp_stdp_pairing_name(slp_stdp_pairing p);

/*
 * Make projection `proj` (its index: projections are numbered 0, 1, ... in
 * the order slp_network_connect() added them) plastic with the parameters
 * *p (copied).  SLP_EINVAL with a message in diag (when not NULL) for an
 * unknown projection or a parameter out of range (tau <= 0, a rate, bound,
 * amplitude or exponent not finite, eta < 0, mu < 0, w_min > w_max,
 * axonal_delay_ms < 0).  Whether every delay keeps a dendritic part is
 * checked when the simulation is built.
 */
SLP_EXTERN int slp_network_set_stdp(slp_network *net, uint32_t proj,
                                    const slp_stdp_params *p, slp_diag *diag);

/* Whether projection proj has plasticity (0 also for no such projection). */
SLP_EXTERN int slp_network_projection_is_plastic(const slp_network *net,
                                                 uint32_t proj);

/*
 * Tsodyks-Markram short-term plasticity (models.md 15, Norse's
 * tsodyks_makram): a projection's transmitted weight is w * r with r the
 * fraction of resources released by the spike.  Per presynaptic spike,
 * exactly: u and x relax (u -> 0 with tau_f, x -> 1 with tau_d) since the
 * previous spike, then u += U (1 - u), r = u x, x -= r.  Initially u = 0,
 * x = 1 (so the first spike releases U).  The state depends only on the
 * presynaptic spike train: it is kept once per source (and delay), not per
 * synapse.  tau_f = 0 makes u = U at every spike (pure depression).
 */
typedef struct slp_stp_params {
  double U;          /* utilisation increment, in (0, 1] */
  double tau_f_ms;   /* facilitation time constant, ms, >= 0 */
  double tau_d_ms;   /* recovery (depression) time constant, ms, > 0 */
} slp_stp_params;

/* Norse's defaults: U = 0.45, tau_f = 50 ms, tau_d = 750 ms. */
SLP_EXTERN void slp_stp_params_init(slp_stp_params *p);

/* Make projection proj short-term plastic (instead of STDP: a projection
 * has one rule).  SLP_EINVAL (diag names the parameter) for U outside
 * (0, 1], tau_f < 0, tau_d <= 0 or not finite, an unknown projection, or a
 * projection that already has STDP. */
SLP_EXTERN int slp_network_set_stp(slp_network *net, uint32_t proj,
                                   const slp_stp_params *p, slp_diag *diag);

/* Projections the network holds (the next one added gets this index). */
SLP_EXTERN size_t slp_network_projection_count(const slp_network *net);

/*
 * The synapses of plastic projection `proj` as they stand now: all pending
 * updates are applied first, so the weights are exact at the synapse at
 * time now - d_d (every pre spike delivered so far and every post spike that
 * reached the synapse by then); in norse mode, after every step that ended
 * by now.  Fills up to `cap` entries of pre (local to
 * the projection's source group), post (local to the concatenation of its
 * targets) and w (mV); any of the arrays may be NULL.  *n receives the
 * number of synapses.  Synapses come in (pre, delay, post) order.
 * SLP_EINVAL if proj is not a plastic projection.
 */
SLP_EXTERN int slp_sim_get_weights(slp_sim *sim, uint32_t proj,
                                   uint32_t *pre, uint32_t *post, double *w,
                                   size_t cap, size_t *n);

/* The name of projection proj, or NULL (unnamed or no such projection). */
SLP_EXTERN const char *slp_network_projection_name(const slp_network *net,
                                                   uint32_t proj);

#define SLP_WEIGHT_HIST_BINS 20

/* The distribution of a plastic projection's weights. */
typedef struct slp_weight_summary {
  uint64_t n;        /* synapses */
  double mean;       /* mean weight, mV */
  double sd;         /* standard deviation (population), mV */
  double min, max;   /* extremes, mV */
  double lo, hi;     /* the histogram's range: [w_min, w_max] of the rule
                        (or [min, max] when those coincide) */
  uint64_t hist[SLP_WEIGHT_HIST_BINS]; /* counts in equal bins of [lo, hi];
                                          values outside go to the end bins */
} slp_weight_summary;

/* Summarise the weights of plastic projection proj as they stand now (after
 * the pending updates, as slp_sim_get_weights).  SLP_EINVAL if proj is not
 * plastic. */
SLP_EXTERN int slp_sim_weight_summary(slp_sim *sim, uint32_t proj,
                                      slp_weight_summary *out);

/*
 * Record the weights of plastic projection proj to the CSV file `path`
 * (`time_ms,pre,post,weight`, one line per synapse per snapshot): every
 * interval_ms of simulated time (0: never), taken at the first window
 * boundary at or after each multiple of interval_ms and stamped with that
 * boundary's time; and, if at_end, once more when slp_sim_finish() runs
 * (unless a snapshot was just taken at that time).  Call before
 * slp_sim_run().  The file is written under a temporary name and appears
 * under `path` only when slp_sim_finish() succeeds.  SLP_EINVAL (not a
 * plastic projection, interval_ms < 0, a name not ending in .csv), SLP_EIO
 * (cannot create the file), SLP_ENOMEM; diag says which.
 */
SLP_EXTERN int slp_sim_record_weights(slp_sim *sim, uint32_t proj,
                                      const char *path, double interval_ms,
                                      int at_end, slp_diag *diag);

#ifdef __cplusplus
}
#endif
#endif /* SLEIPNIR_PLASTICITY_H */
