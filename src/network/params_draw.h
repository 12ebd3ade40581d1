/*
 * network/params_draw.h -- the values of parameters that vary per neuron.
 *
 * A population may give any parameter as a distribution or a list of
 * per-neuron values instead of a constant (network.h: slp__group's
 * param_dist and param_values).  Building a simulation turns those into one
 * array per varying parameter, checks every neuron's parameters as the
 * model checks constants, and hands the arrays to the model's create()
 * through slp__pop_init.param_values.
 */
#ifndef SLP_NETWORK_PARAMS_DRAW_H
#define SLP_NETWORK_PARAMS_DRAW_H

#include <stdint.h>

#include "sleipnir/error.h"
#include "sleipnir/sim.h"
#include "network/network.h"

/*
 * For population g in mode `mode`: values[k] receives g->size values of
 * parameter k when it varies per neuron (owned by the caller, free with
 * slp__params_free), NULL when it is constant.  A drawn value comes from the
 * stream (seed, SLP__RNG_PARAM, global neuron id, k): it depends on nothing
 * but the seed, the neuron and the parameter.  Then every neuron's
 * parameters -- the constants, or the constants with its own values put in
 * -- pass the model's check.
 * Errors (diag names the population, the parameter and the neuron):
 * SLP_EINVAL a parameter varies that the model (or the mode) takes as one
 * value per population; SLP_ERANGE a neuron's values fail the model's check,
 * or a clipped normal cannot be drawn from; SLP_ENOMEM.  On error every
 * values[k] is NULL.
 */
int slp__params_draw(const slp__group *g, uint64_t seed, slp_mode mode,
                     double *values[SLP__MAX_PARAMS], slp_diag *diag);

/* Free what slp__params_draw() allocated; the entries become NULL. */
void slp__params_free(double *values[SLP__MAX_PARAMS]);

#endif /* SLP_NETWORK_PARAMS_DRAW_H */
