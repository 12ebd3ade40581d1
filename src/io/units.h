/*
 * io/units.h -- the units of quantities (units.c parses them).
 *
 * A bare number in a model file is SI; the API's units are ms, mV and Hz.
 */
#ifndef SLP_IO_UNITS_H
#define SLP_IO_UNITS_H

#include "sleipnir/network.h"

/* API units per SI unit of dimension dim: 1000 for times (ms per s) and
 * voltages (mV per V), 1 otherwise. */
double slp__units_api_per_si(slp_dim dim);

#endif /* SLP_IO_UNITS_H */
