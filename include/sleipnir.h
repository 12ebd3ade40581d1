/*
 * sleipnir.h -- the one header users of libsleipnir include.
 *
 * Sleipnir is an event-driven engine for sparse spiking neural networks:
 * spikes are timestamped events, synapses are delay-segmented CSR matrices,
 * neurons are updated in closed form only when input reaches them, and
 * threshold crossings between inputs are found exactly.
 */
#ifndef SLEIPNIR_H
#define SLEIPNIR_H

#include "sleipnir/error.h"
#include "sleipnir/network.h"
#include "sleipnir/sim.h"
#include "sleipnir/io.h"
#include "sleipnir/plasticity.h"

#define SLP_VERSION_STRING "0.1.0"

#endif /* SLEIPNIR_H */
