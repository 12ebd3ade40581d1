/*
 * plasticity/weights.h -- the run loop's hooks for reading weights: weight
 * snapshots between windows, the final snapshots when the run finishes.
 */
#ifndef SLP_PLASTICITY_WEIGHTS_H
#define SLP_PLASTICITY_WEIGHTS_H

#include "sleipnir/sim.h"

/* After the window ending at t, every partition stopped: the snapshots due.
 * SLP_EIO when a weight file cannot be written, SLP_ENOMEM. */
int slp__weights_snapshots(slp_sim *sim, slp_tick t);

/* When the run finishes: the at_end snapshots, then close and rename the
 * weight files.  SLP_EIO on failure. */
int slp__weights_finish(slp_sim *sim);

#endif /* SLP_PLASTICITY_WEIGHTS_H */
