/*
 * neurons/norse_step.h -- Norse's discrete step of each neuron model, for
 * the `norse` integration mode (DESIGN.md, Time).
 *
 * Norse advances every model by one explicit Euler step of length dt per
 * call, in an order of operations of its own per model (reference/models.md
 * §0-§10: jump-first or jump-last, threshold on the updated voltage, value
 * reset).  These functions are those steps, operation for operation, on one
 * neuron whose state is a small array of doubles; x holds the step's input
 * per receptor -- the sum of the weights of the inputs that arrived during
 * the step, which is Norse's input value x_k.
 *
 * Voltages arrive in Norse's units (vunit says which), times in ms with dt
 * in ms, so h = dt / tau is Norse's dt * tau_inv.  A refractory period t_ref > 0 is Norse's LIFRefrac
 * masking with rho_reset = t_ref / dt steps.
 */
#ifndef SLP_NEURONS_NORSE_STEP_H
#define SLP_NEURONS_NORSE_STEP_H

#include <stddef.h>
#include <stdint.h>

#include "neurons/model.h"

#define SLP__NORSE_MAX_K 16     /* constants per population */
#define SLP__NORSE_MAX_S 8      /* doubles of state per neuron */

typedef struct slp__norse_step {
  const char *model;            /* the model this step belongs to */
  size_t n_state;               /* doubles of state per neuron */
  double vunit;                 /* API mV per Norse voltage unit: 1000 where
                                   Norse's numbers are volts (v_th = 1), 1
                                   where they are millivolts (Izhikevich's
                                   v = -70) */
  /* Constants k from model m's parameters p and dt (ms): SLP_ERANGE with a
   * sentence in why if the model cannot run in norse mode so. */
  int (*setup)(const slp__model *m, const double *p, double dt, double *k,
               char *why, size_t cap);
  /* The state s of a neuron from its initial values, one per model state
   * variable in the model's order. */
  void (*start)(const double *k, const double *init, double *s);
  /* One step; 1 if the neuron spiked in it. */
  int (*step)(const double *k, double *s, const double *x);
  /* The model's state variable `var` (API units) from s. */
  double (*get)(const double *k, const double *s, int var);
  /* The lazy form, or NULL where every neuron is stepped every step.
   * dormant: with no input the neuron provably never spikes (and is not
   * refractory), so its steps can wait.  silent: n steps without input at
   * once (the closed form, or the steps themselves while n is small, which
   * gives Norse's roundings exactly). */
  int (*dormant)(const double *k, const double *s);
  void (*silent)(const double *k, double *s, uint64_t n);
} slp__norse_step;

/* Norse's step for the model, or NULL if norse mode does not cover it. */
const slp__norse_step *slp__norse_step_find(const slp__model *m);

#endif /* SLP_NEURONS_NORSE_STEP_H */
