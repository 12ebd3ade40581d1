/*
 * plasticity/stp.h -- Tsodyks-Markram short-term plasticity at run time.
 *
 * Exact per spike (reference/models.md 15, algorithms.md 3.4): the state
 * (u, x) of a presynaptic spike train relaxes in closed form between spikes,
 * and each spike releases r = u+ x-, which scales the weights it transmits.
 * The state depends only on the presynaptic train and the projection's
 * shared parameters, so it is kept once per CSR segment (one source, one
 * delay) -- never per synapse -- and updated once per delivery, before the
 * fan-out: the cost is one update per spike, not per synaptic event.
 */
#ifndef SLP_PLASTICITY_STP_H
#define SLP_PLASTICITY_STP_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/plasticity.h"

/* The state of one segment. */
typedef struct slp__stp_seg {
  slp_tick t_last; /* tick of the last spike (at the soma), or INT64_MIN */
  double u;        /* utilisation just after it */
  double x;        /* resources just after it */
} slp__stp_seg;

/* One short-term plastic projection. */
typedef struct slp__stp_proj {
  slp_stp_params p;    /* its parameters */
  uint32_t index;      /* its index among the network's projections */
  slp__stp_seg *segs;  /* its segments' states */
  slp_tick norse_dt;   /* norse mode: Norse's step dt (ticks), else 0 */
  size_t n_segs;       /* number of them */
} slp__stp_proj;

/* A spike delivered at tick t through segment state g: advance the state
 * and return the fraction released (the weight multiplier). */
double slp__stp_spike(const slp_stp_params *p, slp__stp_seg *g, slp_tick t);

/* As slp__stp_spike, with Norse's discrete steps of dt ticks (norse mode):
 * the spike counts in the step it arrives in. */
double slp__stp_spike_norse(const slp_stp_params *p, slp__stp_seg *g,
                            slp_tick t, slp_tick dt);

#endif /* SLP_PLASTICITY_STP_H */
