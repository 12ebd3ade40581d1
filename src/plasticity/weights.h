/*
 * plasticity/weights.h -- the run loop's hooks for reading weights: the
 * periodic flush sweep and weight snapshots between windows, the final
 * snapshots when the run finishes.
 */
#ifndef SLP_PLASTICITY_WEIGHTS_H
#define SLP_PLASTICITY_WEIGHTS_H

#include "sleipnir/sim.h"

/* After a window (sim->now is the start of the next): sweep and record as
 * due.  SLP_EIO when a weight file cannot be written. */
int slp__weights_after_window(slp_sim *sim);

/* When the run finishes: the at_end snapshots, then close and rename the
 * weight files.  SLP_EIO on failure. */
int slp__weights_finish(slp_sim *sim);

#endif /* SLP_PLASTICITY_WEIGHTS_H */
