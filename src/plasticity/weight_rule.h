/*
 * plasticity/weight_rule.h -- the weight dependence of STDP updates.
 *
 * One potentiation or depression step, with the factor F+(w) or F-(w) of
 * the projection's algorithm (include/sleipnir/plasticity.h) evaluated on the
 * weight just before the step, and the hard bound applied after it: updates
 * are applied one at a time in the order of their times at the synapse, so
 * that the bounded and multiplicative rules see every intermediate weight
 * (reference/algorithms.md 3.5).  Inline: runs once per (synapse, pair).
 */
#ifndef SLP_PLASTICITY_WEIGHT_RULE_H
#define SLP_PLASTICITY_WEIGHT_RULE_H

#include <math.h>

#include "sleipnir/plasticity.h"

/* x^mu for x >= 0, with the common exponents spared a pow() call. */
static inline double slp__stdp_pow(double x, double mu) {
  if (!(x > 0))
    return mu == 0 ? 1.0 : 0.0; /* 0^0 = 1: mu = 0 is additive */
  if (mu == 0)
    return 1.0;
  if (mu == 1)
    return x;
  return pow(x, mu);
}

static inline double slp__stdp_clamp(const slp_stdp_params *p, double w) {
  if (!p->hardbound)
    return w;
  return w < p->w_min ? p->w_min : w > p->w_max ? p->w_max : w;
}

/* F+(w): the potentiation factor of the projection's algorithm. */
static inline double slp__stdp_fplus(const slp_stdp_params *p, double w) {
  double f = p->eta_plus, room = p->w_max - w;
  switch (p->algorithm) {
  case SLP_STDP_ADDITIVE:
    break;
  case SLP_STDP_ADDITIVE_STEP:
    f = room > 0 ? f : 0;
    break;
  case SLP_STDP_MULTIPLICATIVE_POW:
    f *= slp__stdp_pow(room, p->mu_plus);
    break;
  case SLP_STDP_MULTIPLICATIVE_RELU:
    f *= room > 0 ? room : 0;
    break;
  }
  return f;
}

/* F-(w): the depression factor. */
static inline double slp__stdp_fminus(const slp_stdp_params *p, double w) {
  double f = p->eta_minus, room = w - p->w_min;
  switch (p->algorithm) {
  case SLP_STDP_ADDITIVE:
    break;
  case SLP_STDP_ADDITIVE_STEP:
    f = room > 0 ? f : 0;
    break;
  case SLP_STDP_MULTIPLICATIVE_POW:
    f *= slp__stdp_pow(room, p->mu_minus);
    break;
  case SLP_STDP_MULTIPLICATIVE_RELU:
    f *= room > 0 ? room : 0;
    break;
  }
  return f;
}

/* w after potentiation by trace value x (the pre trace at the post spike). */
static inline double slp__stdp_potentiate(const slp_stdp_params *p, double w,
                                          double x) {
  return slp__stdp_clamp(p, w + slp__stdp_fplus(p, w) * x);
}

/* w after depression by trace value y (the post trace at the pre spike). */
static inline double slp__stdp_depress(const slp_stdp_params *p, double w,
                                       double y) {
  return slp__stdp_clamp(p, w - slp__stdp_fminus(p, w) * y);
}

/* Norse's step with a pre and a post spike (stdp_step_linear): both
 * factors from the weight before it, one bound after -- w + F+(w) x -
 * F-(w) y, summed in Norse's order. */
static inline double slp__stdp_both(const slp_stdp_params *p, double w,
                                    double x, double y) {
  return slp__stdp_clamp(p, w + slp__stdp_fplus(p, w) * x -
                                slp__stdp_fminus(p, w) * y);
}

#endif /* SLP_PLASTICITY_WEIGHT_RULE_H */
