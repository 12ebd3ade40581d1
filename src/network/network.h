/*
 * network/network.h -- the network description behind slp_network.
 *
 * Plain data recorded by the sleipnir/network.h API: what the user asked
 * for, not yet drawn.  slp_sim_create() reads it.
 */
#ifndef SLP_NETWORK_NETWORK_H
#define SLP_NETWORK_NETWORK_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/network.h"
#include "sleipnir/plasticity.h"
#include "neurons/model.h"

typedef enum slp__group_kind {
  SLP__GROUP_POPULATION = 0, /* neurons of a model */
  SLP__GROUP_POISSON,        /* Poisson spike sources */
  SLP__GROUP_SPIKE_ARRAY,    /* sources firing at given times */
  SLP__GROUP_REGULAR,        /* periodic trains (regular, LIF encoders) */
  SLP__GROUP_SIGNED_POISSON, /* Poisson sources with signed weights */
  SLP__GROUP_POISSON_PROCESS /* run time only (slp__input.kind): a Poisson
                                group with a process (poisson_process.c) */
} slp__group_kind;

/* A population or an input. */
typedef struct slp__group {
  char *name;                       /* unique name */
  slp__group_kind kind;             /* what it is */
  uint32_t size;                    /* neurons or sources */
  uint64_t first;                   /* first global neuron id (populations)
                                       or first source index (inputs) */
  const slp__model *model;          /* populations: the neuron model */
  double params[SLP__MAX_PARAMS];   /* populations: parameters, API units
                                       (a parameter that varies per neuron
                                       keeps its last constant here) */
  slp_dist param_dist[SLP__MAX_PARAMS]; /* populations: a parameter drawn
                                       per neuron (kind != CONST), else
                                       unused (network/params_draw.c) */
  double *param_values[SLP__MAX_PARAMS]; /* populations: a parameter given
                                       per neuron, size values (owned), or
                                       NULL */
  slp_dist init[SLP__MAX_STATE];    /* populations: initial state */
  int init_set[SLP__MAX_STATE];     /* populations: init given explicitly */
  slp_dist rate;                    /* poisson: rate distribution, Hz */
  double *rates;                    /* poisson: per-source rates or NULL */
  slp_spike_event *events;          /* spike_array: events, sorted */
  size_t n_events;                  /* spike_array: number of events */
  double *first_ms;                 /* regular: per-source time of spike 0,
                                       ms (INFINITY: never fires) */
  double *period_ms;                /* regular: per-source period, ms
                                       (INFINITY: one spike only) */
  double jitter_ms;                 /* regular: width of the uniform
                                       displacement of each spike, ms */
  float *signs;                     /* signed_poisson: per-source weight
                                       multiplier, -1, 0 or +1 (rates holds
                                       the rates) */
  double *lif_current;              /* lif encoders: per-source current, so
                                       that norse mode can take Norse's
                                       Euler steps instead (or NULL) */
  slp_lif_encoder_params lif_params;/* lif encoders: the encoder's LIF */
  int lif_latency;                  /* lif encoders: first spike only */
  struct slp__process *process;     /* poisson, signed_poisson: a time-
                                       varying rate, a dead time or
                                       Bernoulli steps (poisson_process.c),
                                       or NULL for the plain process */
} slp__group;

/* How a Poisson group departs from the plain process (poisson_process.c):
 * the public slp_poisson_process with its arrays copied. */
typedef struct slp__process {
  int shape;           /* slp_rate_shape */
  double *times_ms;    /* SCHEDULE: segment starts, ascending, [0] == 0 */
  double *rates_hz;    /* SCHEDULE: segment rates, Hz */
  size_t n_segments;   /* SCHEDULE: entries in both */
  double mean_hz;      /* SINUSOID: mean rate */
  double amplitude_hz; /* SINUSOID: amplitude, <= mean */
  double frequency_hz; /* SINUSOID: frequency */
  double phase_rad;    /* SINUSOID: phase at time 0 */
  double dead_time_ms; /* >= 0 */
  double dt_ms;        /* > 0: Bernoulli steps of this length; 0: none */
} slp__process;

/* Free a process and its arrays; NULL is fine. */
void slp__process_free(slp__process *p);

/* A projection as specified (arrays owned). */
typedef struct slp__projection {
  char *name;              /* name or NULL */
  uint32_t from;           /* source group */
  uint32_t *to;            /* target populations */
  size_t n_to;             /* number of target populations */
  uint64_t n_post;         /* total size of the concatenated targets */
  slp_connect_rule rule;   /* connection rule */
  double p;                /* FIXED_PROBABILITY */
  uint64_t k;              /* FIXED_*DEGREE */
  int autapses;            /* allow self-connections */
  int multapses;           /* allow repeated pairs (fixed-degree rules) */
  uint32_t *pairs;         /* LIST: 2 * n_pairs */
  size_t n_pairs;          /* LIST */
  slp_dist weight;         /* mV */
  slp_dist delay;          /* ms */
  unsigned receptor;       /* receptor index (same for every target model) */
  char *receptor_name;     /* as given */
  slp_stdp_params *stdp;   /* plasticity (owned), or NULL: static */
  slp_stp_params *stp;     /* short-term plasticity (owned), or NULL */
} slp__projection;

struct slp_network {
  slp__group *groups;      /* populations and inputs, in order added */
  size_t n_groups;         /* number of groups */
  size_t cap_groups;       /* capacity of groups */
  slp__projection *projs;  /* projections, in order added */
  size_t n_projs;          /* number of projections */
  size_t cap_projs;        /* capacity of projs */
  uint64_t n_neurons;      /* neurons over all populations */
  uint64_t n_sources;      /* sources over all inputs */
};

/*
 * Append an empty group of `kind` named `name` (copied) with `size` members;
 * *out points at it, *id (optional) receives its id.  For the input files
 * (src/inputs/) that describe groups of their own kinds.  Errors as
 * slp_network_add_population().
 */
int slp__network_add_group(slp_network *net, const char *name, uint32_t size,
                           slp__group_kind kind, slp__group **out,
                           uint32_t *id);

#endif /* SLP_NETWORK_NETWORK_H */
