/*
 * neurons/norse_pop.h -- a population in the `norse` integration mode.
 *
 * Norse mode reproduces Norse's discrete forward-Euler semantics (DESIGN.md,
 * Time).  The mapping, which users and tests rely on: step k covers
 * [k dt, (k+1) dt); the inputs arriving in it are summed per neuron and
 * receptor and are Norse's input value x_k (a weight w with a per-event
 * weight m contributes w m); the state after step k is the state at (k+1) dt;
 * a spike of step k is stamped (k+1) dt.
 *
 * The population keeps the model's tables (names, parameters, receptors) and
 * swaps in operations that sum each window's inputs per step and then take
 * every neuron through the window's steps with the model's Norse step
 * (norse_step.h).  The linear models take the lazy form: a neuron that
 * cannot spike without input (dormant) is left behind until input reaches
 * it, and its owed steps are then applied at once in closed form; the
 * others (ada_lif, the nonlinear models) are stepped every step.
 */
#ifndef SLP_NEURONS_NORSE_POP_H
#define SLP_NEURONS_NORSE_POP_H

#include "neurons/model.h"
#include "neurons/pop.h"

/*
 * Make pop (model, params, n set) a norse-mode population with step dt
 * (ticks) from init.  SLP_ENOMEM; SLP_EINVAL if norse mode does not cover
 * the model; SLP_ERANGE if its parameters do not suit dt (why says which).
 * Afterwards pop->model is a copy of the model's table owned by pop (freed
 * by pop->model->destroy, which restores the original).
 */
int slp__norse_pop_create(slp__pop *pop, const slp__pop_init *init,
                          slp_tick dt, char *why, size_t cap);

/* Test switch: nonzero steps every neuron every step (no lazy form). */
extern int slp__norse_lazy_disabled;

#endif /* SLP_NEURONS_NORSE_POP_H */
