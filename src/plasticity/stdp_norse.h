/*
 * plasticity/stdp_norse.h -- pair-based STDP in the `norse` integration
 * mode: Norse's stdp_step_linear (reference/models.md 14), per event.
 *
 * Norse takes, in every step k, from the step's spikes z_pre, z_post:
 *   x <- x + h_pre (-x + a_pre z_pre),  y <- y + h_post (-y + a_post z_post)
 *   w <- w + F+(w) z_post x - F-(w) y z_pre,  then the hard bound,
 * with h = dt/tau, both F evaluated on the weight before the step and the
 * traces already holding the step's own spikes.  So a pre and a post spike
 * of one step both count, each with the other's jump in the trace
 * (additive net change (eta_plus - eta_minus) h a), in one update.
 *
 * Here the spikes of step k are: a pre spike delivered in [k dt, (k+1) dt)
 * -- the step whose input it is, Norse's z_pre of the target's layer --
 * and a post spike of step k, stamped (k+1) dt.  The whole delay counts as
 * axonal (Norse has no delays; axonal_delay is refused).  Times are kept as
 * step stamps: step k is (k+1) dt, so post spikes keep their own stamps and
 * a pre spike of step k is stamped (k+1) dt too.
 *
 * It stays lazy and pre-triggered (stdp.h): traces per neuron, a weight
 * changes only in steps where one of its neurons spiked, and the silent
 * steps between are one power: x (1 - h)^n.  The pre trace of a segment
 * and the post history (post_history.h) are stored scaled to the epoch E
 * as in exact mode, with (1 - h)^{-(t - E)/dt} in place of e^{(t - E)/tau}.
 * What changes is the order: a synapse transmits the weight of the end of
 * the previous step (Norse's layer runs before its STDP step), and the
 * update of a pre spike's own step waits until the post spikes of that
 * step are known -- it is applied at the segment's next delivery or flush
 * ("pending", seg->m_pend).  Post spikes of the step before a delivery must
 * be known when it runs, so windows are one step long.
 */
#ifndef SLP_PLASTICITY_STDP_NORSE_H
#define SLP_PLASTICITY_STDP_NORSE_H

#include "plasticity/stdp.h"

/* Set up P for norse mode with step dt (ticks) and the plasticity's
 * horizon (ticks): SLP_EINVAL for what Norse's rule does not have (the
 * triplet rule, nearest pairings, an axonal delay), SLP_ERANGE for a time
 * constant not longer than dt or too short beside the horizon; diag names
 * the projection (name) and key. */
int slp__stdp_norse_setup(slp__stdp_proj *P, const char *name, slp_tick dt,
                          slp_tick horizon, slp_diag *diag);

/* A pre spike of multiplicity m delivered through segment sg (CSR segment
 * s) at tick T: the weights are brought to the end of the previous step
 * (they are then transmitted) and the spike joins its step. */
void slp__stdp_norse_deliver(slp__stdp_proj *P, slp__stdp_seg *sg,
                             slp__csr *csr, uint64_t s, slp_tick T, double m);

/* Apply the steps of sg that every spike known at window boundary `now`
 * completes (those before now). */
void slp__stdp_norse_flush(slp__stdp_proj *P, slp__stdp_seg *sg,
                           slp__csr *csr, uint64_t s, slp_tick now);

/* The history values of a post spike stamped t of a neuron whose history
 * is h: the scaled post trace after it (*y) and the pre-trace factor (*p). */
void slp__stdp_norse_post(const slp__stdp_proj *P, const slp__post_hist *h,
                          slp_tick t, double *y, double *p);

/* Factors moving the epoch of P to now: *fy for post traces, *fx for pre
 * traces (stored values are multiplied by them, post-trace factors p
 * divided by *fx). */
void slp__stdp_norse_epoch(const slp__stdp_proj *P, slp_tick now, double *fy,
                           double *fx);

#endif /* SLP_PLASTICITY_STDP_NORSE_H */
