/*
 * sleipnir/network.h -- describing a network: populations, inputs, projections.
 *
 * A slp_network is a description, not a running simulation: it records what
 * the user asked for (sizes, models, parameters, connection rules and the
 * distributions weights and delays are drawn from).  Nothing random happens
 * here; slp_sim_create() (sleipnir/sim.h) draws the connectivity and the
 * initial state from the seed, the same way on any number of threads.
 *
 * Units at this API: time in milliseconds, voltage in millivolts, rates in
 * hertz.  (The model file accepts any unit; see docs/model-file.md.)
 *
 * Populations and inputs share one namespace of "groups", numbered from 0 in
 * the order they are added.  Neurons are numbered globally over the
 * populations in the order they were added; input sources are not neurons.
 *
 * Thread safety: a network may be read by several threads at once, but
 * calls that modify it need external synchronisation.
 */
#ifndef SLEIPNIR_NETWORK_H
#define SLEIPNIR_NETWORK_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct slp_network slp_network;

/* Which distribution a value is drawn from. */
typedef enum slp_dist_kind {
  SLP_DIST_CONST = 0, /* always a */
  SLP_DIST_UNIFORM,   /* uniform on [a, b) */
  SLP_DIST_NORMAL     /* normal, mean a, sd b, redrawn until in [lo, hi] */
} slp_dist_kind;

/* A constant or a distribution. */
typedef struct slp_dist {
  slp_dist_kind kind; /* which of the kinds above */
  double a;           /* CONST: value; UNIFORM: low; NORMAL: mean */
  double b;           /* UNIFORM: high; NORMAL: standard deviation */
  double lo;          /* NORMAL only: lower clip bound (-INFINITY: none) */
  double hi;          /* NORMAL only: upper clip bound (+INFINITY: none) */
} slp_dist;

/* A constant distribution with value v (helper for C callers). */
SLP_EXTERN slp_dist slp_dist_const(double v);

/* Physical dimension of a parameter or state variable. */
typedef enum slp_dim {
  SLP_DIM_NONE = 0, /* dimensionless */
  SLP_DIM_TIME,     /* milliseconds at the API */
  SLP_DIM_VOLTAGE,  /* millivolts at the API */
  SLP_DIM_RATE      /* hertz at the API */
} slp_dim;

/* What a neuron model says about one of its parameters or state variables. */
typedef struct slp_var_info {
  const char *name; /* canonical (Norse) name, static storage */
  slp_dim dim;      /* physical dimension */
  double deflt;     /* default value in API units (parameters only) */
  const char *const *choices; /* a parameter given by name: the names,
                                 NULL-ended, its value the index of the one
                                 chosen (reset_method: value, subtract);
                                 NULL for a quantity */
} slp_var_info;

/*
 * Look up a parameter of neuron model `model` ("lif", "lif_box") by its name
 * or one of its aliases (PyNN names such as "tau_m", "v_thresh").  Returns
 * SLP_ENOENT for an unknown model (diag names it) or an unknown parameter.
 */
SLP_EXTERN int slp_model_param_info(const char *model, const char *name,
                                    slp_var_info *out);

/* As slp_model_param_info(), for the state variables usable in `init`. */
SLP_EXTERN int slp_model_state_info(const char *model, const char *name,
                                    slp_var_info *out);

/* The dimension of a synaptic weight onto `model`: SLP_DIM_VOLTAGE (a jump
 * of a current or of v, in mV) for most models, SLP_DIM_NONE for
 * conductance-based ones (coba_lif: a jump of a conductance, in units of
 * its leak conductance g_l).  SLP_DIM_VOLTAGE for an unknown model. */
SLP_EXTERN slp_dim slp_model_weight_dim(const char *model);

/* 1 if `model` names a neuron model this library knows, else 0. */
SLP_EXTERN int slp_model_exists(const char *model);

/*
 * Create an empty network.  *out is NULL on failure (SLP_ENOMEM).
 * Destroy it with slp_network_destroy(), which accepts NULL.
 */
SLP_EXTERN int slp_network_create(slp_network **out);
SLP_EXTERN void slp_network_destroy(slp_network *net);

/*
 * Add a population of `size` neurons of model `model` with the model's
 * default parameters and initial state.  `name` is copied; it must be unique
 * among groups.  *id (optional) receives the group id.
 * Errors: SLP_EINVAL (size 0, empty name), SLP_EEXIST, SLP_ENOENT (model),
 * SLP_ELIMIT (more than 2^32-1 neurons in total), SLP_ENOMEM.
 */
SLP_EXTERN int slp_network_add_population(slp_network *net, const char *name,
                                          uint32_t size, const char *model,
                                          uint32_t *id);

/*
 * Set parameter `param` (name or alias) of population `pop` to `value`, in
 * API units.  Values are checked when the simulation is created (so that
 * parameters may be given in any order); SLP_ENOENT for an unknown name.
 * Replaces a per-neuron form set by the two calls below.
 */
SLP_EXTERN int slp_network_set_param(slp_network *net, uint32_t pop,
                                     const char *param, double value);

/*
 * Let parameter `param` (name, alias, or a group name such as "tau_syn") of
 * population `pop` vary per neuron: each neuron draws its own value from
 * `value` (API units) when the simulation is created, out of a random
 * stream keyed by (seed, neuron, parameter) alone -- the same values on any
 * number of threads, whatever else the network holds.  A constant `value`
 * is slp_network_set_param().  Replaces any earlier value or list of the
 * parameter; a later slp_network_set_param() makes it constant again.
 * Drawn values are checked like constants when the simulation is created
 * (the error names the population, the parameter and the neuron); which
 * parameters of which models may vary is in docs/model-file.md (the others
 * are refused then, with the reason).
 * Errors: SLP_EINVAL (bad pop, NULL argument, a parameter given by name
 * such as reset_method), SLP_ENOENT (unknown parameter), SLP_ERANGE (an
 * invalid distribution: not finite, uniform low > high, sd < 0, clip low >
 * high).
 */
SLP_EXTERN int slp_network_set_param_dist(slp_network *net, uint32_t pop,
                                          const char *param,
                                          const slp_dist *value);

/*
 * Give parameter `param` of population `pop` one value per neuron: values[k]
 * (API units) for neuron k; n must be the population's size.  The array is
 * copied.  Otherwise as slp_network_set_param_dist().
 * Errors: SLP_EINVAL (bad pop, NULL argument, n not the population's size,
 * a parameter given by name), SLP_ENOENT (unknown parameter), SLP_ERANGE (a
 * value not finite), SLP_ENOMEM; on error the population is unchanged.
 */
SLP_EXTERN int slp_network_set_param_values(slp_network *net, uint32_t pop,
                                            const char *param,
                                            const double *values, size_t n);

/* Set the initial value of state variable `var` ("v", "i_exc", ...). */
SLP_EXTERN int slp_network_set_init(slp_network *net, uint32_t pop,
                                    const char *var, const slp_dist *value);

/*
 * Apply the model's named preset `preset` to population `pop`: the
 * parameters it names (and the initial state it names, as constants) are
 * overwritten; set explicit values after it to override them.  Presets:
 * izhikevich's firing patterns ("tonic_spiking", ...), "bio" (Norse's
 * bio_default) for lif_ex, adex, adex_refrac and coba_lif; see
 * docs/model-file.md.  SLP_ENOENT if the model has no such preset (the
 * population is then unchanged), SLP_EINVAL for a bad pop or NULL name.
 */
SLP_EXTERN int slp_network_set_preset(slp_network *net, uint32_t pop,
                                      const char *preset);

/*
 * Add `size` Poisson spike sources.  Source k fires at rate rates[k] Hz when
 * `rates` has `size` entries, or at a rate drawn from `rate` (one draw per
 * source) when `rates` is NULL.  Inter-spike intervals are exact exponential
 * draws (no time grid).
 */
SLP_EXTERN int slp_network_add_poisson(slp_network *net, const char *name,
                                       uint32_t size, const slp_dist *rate,
                                       const double *rates, uint32_t *id);

/* One scheduled spike of a spike_array source. */
typedef struct slp_spike_event {
  double time_ms;  /* when the source fires (rounded to the tick) */
  uint32_t source; /* source index within the input, < size */
  double weight;   /* multiplies the synaptic weight; 1 for a plain spike */
} slp_spike_event;

/*
 * Add `size` sources that fire at given times.  `events` (n of them, any
 * order) is copied.  Times must be >= 0; SLP_ERANGE otherwise.
 */
SLP_EXTERN int slp_network_add_spike_array(slp_network *net, const char *name,
                                           uint32_t size,
                                           const slp_spike_event *events,
                                           size_t n, uint32_t *id);

/*
 * Add `size` regular (periodic) sources.  Source k fires at
 * phase_ms + j / rate_k (j = 0, 1, ...), where rate_k is rates[k] Hz when
 * n_rates == size, or rates[0] for every source when n_rates == 1; a rate of
 * 0 Hz is a silent source.  With jitter_ms > 0 every spike is displaced by
 * an independent uniform draw from [-jitter_ms/2, jitter_ms/2) out of the
 * source's own random stream (keyed by the seed and the source); a spike
 * displaced before time 0 is dropped.  The jitter may be at most the
 * shortest period, so that each source's spikes keep their order.
 * Errors: SLP_EINVAL (n_rates neither 1 nor size, rates NULL), SLP_ERANGE
 * (a rate negative or not finite, phase or jitter negative or not finite,
 * jitter longer than a period), and those of slp_network_add_population().
 */
SLP_EXTERN int slp_network_add_regular(slp_network *net, const char *name,
                                       uint32_t size, const double *rates,
                                       size_t n_rates, double phase_ms,
                                       double jitter_ms, uint32_t *id);

/* Which spikes an LIF encoder emits (Norse's encode.py). */
typedef enum slp_lif_encoding {
  SLP_ENCODE_CONSTANT_CURRENT = 0, /* every spike: constant_current_lif_encode */
  SLP_ENCODE_LATENCY               /* the first spike: spike_latency_lif_encode */
} slp_lif_encoding;

/* The LIF an encoder simulates, in API units (ms, mV). */
typedef struct slp_lif_encoder_params {
  double tau_mem; /* membrane time constant, ms, > 0 */
  double v_leak;  /* resting potential, mV */
  double v_th;    /* threshold, mV: a spike when v > v_th */
  double v_reset; /* potential after a spike, mV, < v_th */
  double v_init;  /* potential at time 0, mV (Norse: 0, not v_leak) */
} slp_lif_encoder_params;

/* Norse's LIFParameters() defaults: tau_mem 10 ms, v_leak 0, v_th 1 V
 * (1000 mV), v_reset 0, and v_init 0. */
SLP_EXTERN void slp_lif_encoder_params_init(slp_lif_encoder_params *p);

/*
 * Add `size` sources, each the spike train of a leaky integrate-and-fire
 * neuron without synaptic current driven by a constant input: values[k]
 * (mV, Norse's current I: v tends to v_leak + I) for source k when
 * n_values == size, values[0] for all when n_values == 1.  Spike times are
 * the exact closed form (docs/model-file.md, `constant_current_lif`): the
 * first at tau_mem ln((v_leak + I - v_init) / (v_leak + I - v_th)), the
 * following ones tau_mem ln((v_leak + I - v_reset) / (v_leak + I - v_th))
 * apart; none when v_leak + I <= v_th (and v_init <= v_th).  `p` NULL means
 * the defaults.  SLP_ENCODE_LATENCY keeps only the first spike.
 * Errors: SLP_EINVAL (n_values neither 1 nor size, values NULL, unknown
 * encoding), SLP_ERANGE (a value not finite, tau_mem <= 0, v_reset >= v_th,
 * a parameter not finite), and those of slp_network_add_population().
 */
SLP_EXTERN int slp_network_add_lif_encoder(slp_network *net, const char *name,
                                           uint32_t size,
                                           slp_lif_encoding encoding,
                                           const double *values,
                                           size_t n_values,
                                           const slp_lif_encoder_params *p,
                                           uint32_t *id);

/*
 * Add `size` signed Poisson sources (Norse's signed_poisson_encode in
 * continuous time): source k fires at rate f_max_hz * |x_k| and each of its
 * spikes multiplies the synaptic weights by sign(x_k), where x_k is
 * values[k] (n_values == size) or values[0] (n_values == 1).
 * Errors: SLP_EINVAL (n_values, values NULL), SLP_ERANGE (a value or f_max
 * not finite, f_max < 0), and those of slp_network_add_population().
 */
SLP_EXTERN int slp_network_add_signed_poisson(slp_network *net,
                                              const char *name, uint32_t size,
                                              const double *values,
                                              size_t n_values, double f_max_hz,
                                              uint32_t *id);

/*
 * Add a population code (Norse's population_encode feeding Poisson sources):
 * each of the n_values values x_j is seen by `fields` Gaussian receptive
 * fields with centres c_i = i * scale / (fields - 1), and field i of value j
 * is a Poisson source (index j * fields + i) firing at
 * f_max_hz * exp(-scale * (x_j - c_i)^2 / 2).  scale NAN means Norse's
 * default, the largest of the values.  The group has n_values * fields
 * sources.
 * Errors: SLP_EINVAL (fields or n_values 0, values NULL), SLP_ERANGE (a
 * value not finite, an explicit scale <= 0 or not finite, f_max < 0 or not
 * finite, a rate that overflows), SLP_ELIMIT (too many sources), and those of
 * slp_network_add_population().
 */
SLP_EXTERN int slp_network_add_population_encoder(slp_network *net,
                                                  const char *name,
                                                  uint32_t fields,
                                                  const double *values,
                                                  size_t n_values,
                                                  double scale,
                                                  double f_max_hz,
                                                  uint32_t *id);

/* How the rate of a Poisson input changes with time. */
typedef enum slp_rate_shape {
  SLP_RATE_FIXED = 0,  /* each source keeps the rate it was added with */
  SLP_RATE_SCHEDULE,   /* piecewise constant, the same for every source */
  SLP_RATE_SINUSOID    /* mean + amplitude sin(2 pi f t + phase) */
} slp_rate_shape;

/* A Poisson input's process beyond the plain constant-rate one. */
typedef struct slp_poisson_process {
  slp_rate_shape shape;    /* how the rate varies */
  const double *times_ms;  /* SCHEDULE: segment j starts at times_ms[j]
                              (ascending; the rate is 0 before times_ms[0]);
                              the last segment never ends */
  const double *rates_hz;  /* SCHEDULE: the rate of segment j, Hz, >= 0 */
  size_t n_segments;       /* SCHEDULE: entries in both, >= 1 */
  double mean_hz;          /* SINUSOID: mean rate, Hz */
  double amplitude_hz;     /* SINUSOID: amplitude, 0 <= amplitude <= mean */
  double frequency_hz;     /* SINUSOID: frequency, Hz, >= 0 */
  double phase_rad;        /* SINUSOID: phase at time 0, radians */
  double dead_time_ms;     /* no spike sooner than this after the last one;
                              the exponential part is sped up so that the
                              mean rate stays the stated one (FIXED only) */
  double dt_ms;            /* > 0: Norse's discretisation -- at most one
                              spike per step of dt_ms, at the step's start,
                              with probability min(1, rate * dt); 0: exact
                              continuous time */
} slp_poisson_process;

/* The plain process: FIXED, no dead time, continuous time. */
SLP_EXTERN void slp_poisson_process_init(slp_poisson_process *p);

/*
 * Give Poisson input `input` (added by slp_network_add_poisson,
 * slp_network_add_signed_poisson or slp_network_add_population_encoder) the
 * process `p` (copied).  A SCHEDULE or SINUSOID replaces the rates the
 * sources were added with (not on signed inputs).  Every spike stays an
 * independent draw from the source's own stream.
 * Errors: SLP_ENOENT (no such input), SLP_EINVAL (not a Poisson input, a
 * shape on a signed input, a dead time with a varying rate or
 * with dt_ms > 0, schedule arrays missing), SLP_ERANGE (a time, rate,
 * amplitude, frequency, dead time or dt negative or not finite, times not
 * ascending, amplitude > mean), SLP_ENOMEM.  A rate that a dead time cannot
 * reach (rate * dead time >= 1) is SLP_ERANGE when the simulation is created.
 */
SLP_EXTERN int slp_network_set_poisson_process(slp_network *net,
                                               uint32_t input,
                                               const slp_poisson_process *p);

/* Find a group (population or input) by name: SLP_ENOENT if there is none. */
SLP_EXTERN int slp_network_find(const slp_network *net, const char *name,
                                uint32_t *id);

/* How projections choose their synapses. */
typedef enum slp_connect_rule {
  SLP_CONNECT_ALL_TO_ALL = 0,   /* every pre to every post */
  SLP_CONNECT_ONE_TO_ONE,       /* pre k to post k; sizes must match */
  SLP_CONNECT_FIXED_PROBABILITY,/* each pair independently with p */
  SLP_CONNECT_FIXED_INDEGREE,   /* each post gets exactly k pres */
  SLP_CONNECT_FIXED_OUTDEGREE,  /* each pre gets exactly k posts */
  SLP_CONNECT_LIST              /* explicit (pre, post) pairs */
} slp_connect_rule;

/*
 * One projection.  `to` lists populations taken as the concatenation of
 * their neurons in that order; `from` is a population or an input.  Indices in
 * `pairs` are local: pre within `from`, post within the concatenated `to`.
 * Weights are in mV (the jump of the receptor's current or of v) and keep
 * their sign; delays in ms and must be > 0.
 */
typedef struct slp_projection_spec {
  const char *name;        /* optional (NULL or ""), unique when given */
  uint32_t from;           /* source group id */
  const uint32_t *to;      /* target population ids */
  size_t n_to;             /* number of entries in to, >= 1 */
  slp_connect_rule rule;   /* connection rule */
  double p;                /* FIXED_PROBABILITY: probability in [0, 1] */
  uint64_t k;              /* FIXED_INDEGREE/OUTDEGREE: degree */
  int autapses;            /* allow i -> i when pre and post overlap */
  int multapses;           /* fixed-degree rules: allow repeated pairs */
  const uint32_t *pairs;   /* LIST: 2*n_pairs entries, pre then post */
  size_t n_pairs;          /* LIST: number of pairs */
  slp_dist weight;         /* synaptic weight, mV */
  slp_dist delay;          /* synaptic delay, ms, > 0 */
  const char *receptor;    /* receptor name; NULL means "exc" */
} slp_projection_spec;

/* Defaults for a spec: all_to_all, autapses and multapses on, weight 0,
 * delay 1 ms, receptor "exc". */
SLP_EXTERN void slp_projection_spec_init(slp_projection_spec *spec);

/*
 * Add a projection.  The spec and the arrays it points to are copied.
 * Validation that needs no randomness happens here (SLP_EINVAL with a
 * message in diag when diag is not NULL): unknown groups, a target that is
 * an input, p outside [0, 1], k larger than possible without multapses,
 * list indices out of range, delays that can be <= 0, unknown receptor.
 */
SLP_EXTERN int slp_network_connect(slp_network *net,
                                   const slp_projection_spec *spec,
                                   slp_diag *diag);

/* Totals of what the network describes. */
SLP_EXTERN uint64_t slp_network_neuron_count(const slp_network *net);
SLP_EXTERN uint64_t slp_network_source_count(const slp_network *net);

#ifdef __cplusplus
}
#endif
#endif /* SLEIPNIR_NETWORK_H */
