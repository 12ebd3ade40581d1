/*
 * network/record.h -- state recordings: which variables of which neurons,
 * when, and where (slp_state_record in sleipnir/sim.h).
 *
 * Samples are taken between windows: at a window's end every input that
 * arrived before it has been applied and every crossing before it has fired,
 * so a model's get() gives the state there without touching it.  The window
 * length is chosen so that every sample time is a window end.
 */
#ifndef SLP_NETWORK_RECORD_H
#define SLP_NETWORK_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/network.h"
#include "sleipnir/sim.h"
#include "io/state_writer.h"

/* One recording, resolved against the built simulation. */
typedef struct slp__state_rec {
  uint32_t pop;                          /* runtime population index */
  size_t n_vars;                         /* variables per row */
  int var[SLP__MAX_RECORD_VARS];         /* the model's state indices */
  double si[SLP__MAX_RECORD_VARS];       /* API units per SI unit */
  const char *name[SLP__MAX_RECORD_VARS];/* canonical names (static) */
  uint32_t *neurons;                     /* indices within the population */
  size_t n_neurons;                      /* number of them */
  slp_tick interval;                     /* sampling interval, ticks */
  slp_tick next;                         /* next sample tick */
  char *path;                            /* output file */
  slp__state_writer *w;                  /* open writer, or NULL */
} slp__state_rec;

struct slp_sim;

/* Resolve cfg's recordings against net and the populations of sim (built),
 * with diag naming "record.state[k]...." on bad input. */
int slp__records_create(struct slp_sim *sim, const slp_network *net,
                        const slp_sim_config *cfg, slp_diag *diag);

/* The longest window <= *w (a multiple of grid) that every sampling interval
 * is a whole number of; SLP_EINVAL (diag says why) if only a tiny one is. */
int slp__records_fit_window(const struct slp_sim *sim, slp_tick *w,
                            slp_diag *diag);

/* Open the output files.  SLP_EIO/SLP_EINVAL with diag on failure. */
int slp__records_open(struct slp_sim *sim, slp_diag *diag);

/* After the window ending at t: write the samples due at t.  Reads every
 * partition: the caller has them all stopped. */
int slp__records_sample(struct slp_sim *sim, slp_tick t);

/* Close the files into place (SLP_EIO if one fails); abort or free. */
int slp__records_finish(struct slp_sim *sim);
void slp__records_free(struct slp_sim *sim);

#endif /* SLP_NETWORK_RECORD_H */
