/*
 * tests/neuron_rig.h -- one neuron of a model, driven by hand through the
 * model interface (the same calls the scheduler makes), with a window
 * context that collects its spikes.  Shared by the neuron test programs.
 */
#ifndef SLP_TESTS_NEURON_RIG_H
#define SLP_TESTS_NEURON_RIG_H

#include <check.h>
#include <string.h>

#include "core/alloc.h"
#include "neurons/model.h"
#include "neurons/pop.h"

#define TPM 1000000 /* ticks per ms */

/* The window of the rigs made next: 100 ms unless a test says otherwise
 * (and puts it back). */
static slp_tick rig_window = 100 * TPM;

/* One neuron of a model, driven by hand. */
typedef struct rig {
  slp__pop pop;
  slp__wake_map wake;
  slp__spikebuf spikes;
  slp__window win;
  slp_tick window;
} rig;

/*
 * Parameters: the model's defaults, then names[k] = values[k].  State: each
 * variable's default (the parameter it defaults to, or its own), then
 * snames[k] = svalues[k].
 */
static void rig_init_state(rig *r, const slp__model *m,
                           const char *const *names, const double *values,
                           size_t n, const char *const *snames,
                           const double *svalues, size_t ns, slp_tick grid) {
  memset(r, 0, sizeof *r);
  r->pop.model = m;
  r->pop.n = 1;
  for (size_t k = 0; k < m->n_params; k++)
    r->pop.params[k] = m->params[k].deflt;
  for (size_t k = 0; k < n; k++) {
    int idx = slp__model_param_index(m, names[k]);
    ck_assert_int_ge(idx, 0);
    r->pop.params[idx] = values[k];
  }
  char why[256];
  ck_assert_int_eq(m->check(r->pop.params, why, sizeof why), 0);
  double state[SLP__MAX_STATE] = {0};
  for (size_t k = 0; k < m->n_state; k++)
    state[k] = m->state[k].default_from >= 0
                   ? r->pop.params[m->state[k].default_from]
                   : m->state[k].deflt;
  for (size_t k = 0; k < ns; k++) {
    int idx = slp__model_state_index(m, snames[k]);
    ck_assert_int_ge(idx, 0);
    state[idx] = svalues[k];
  }
  slp__pop_init init = {0, grid, {0}, {0}, 0};
  for (size_t k = 0; k < m->n_state; k++)
    init.values[k] = &state[k];
  ck_assert_int_eq(m->create(&r->pop, &init), 0);
  r->window = rig_window;
  ck_assert_int_eq(slp__wake_map_init(&r->wake, r->window, 64, 1, 0), 0);
  r->win.t0 = 0;
  r->win.t1 = r->window;
  r->win.serial = 0;
  r->win.grid = grid;
  r->win.spikes = &r->spikes;
  r->win.wake = &r->wake;
  m->prime(&r->pop, &r->win);
}

/* As rig_init_state, with v = v0 and every other state variable 0. */
static void rig_init(rig *r, const slp__model *m, const char *const *names,
                     const double *values, size_t n, double v0,
                     slp_tick grid) {
  const char *snames[SLP__MAX_STATE] = {"v"};
  double svalues[SLP__MAX_STATE] = {v0};
  size_t ns = 1;
  for (size_t k = 0; k < m->n_state; k++)
    if (strcmp(m->state[k].name, "v") != 0) {
      snames[ns] = m->state[k].name; /* every other variable starts at 0 */
      svalues[ns++] = 0.0;
    }
  rig_init_state(r, m, names, values, n, (const char *const *)snames, svalues,
                 ns, grid);
}

static void rig_free(rig *r) {
  r->pop.model->destroy(&r->pop);
  slp__free(r->pop.settle);
  slp__wake_map_free(&r->wake);
  slp__spikebuf_free(&r->spikes);
}

/* Close the current window (settle, wake-ups) and open the next. */
static void rig_next_window(rig *r) {
  slp__pop *p = &r->pop;
  slp__pops_wake(p, 1, &r->win);
  p->model->settle(p, &r->win, p->settle, p->n_settle);
  p->n_settle = 0;
  ck_assert_int_eq(r->win.err, 0);
  slp__wake_map_advance(&r->wake);
  r->win.t0 = r->win.t1;
  r->win.t1 += r->window;
  r->win.serial++;
}

/* Deliver one input at tick t (moving windows forward as needed). */
static void rig_input(rig *r, slp_tick t, unsigned rec, double w) {
  while (t >= r->win.t1)
    rig_next_window(r);
  uint32_t tgt = 0;
  float wf = (float)w;
  r->pop.model->deliver(&r->pop, &r->win, t, rec, &tgt, &wf, 1, 1.0f);
}

/* Close every window that starts before t. */
static void rig_run_until(rig *r, slp_tick t) {
  while (r->win.t0 < t)
    rig_next_window(r);
}

static double rig_get(rig *r, const char *var, slp_tick t) {
  int v = slp__model_state_index(r->pop.model, var);
  ck_assert_int_ge(v, 0);
  return r->pop.model->get(&r->pop, 0, v, t);
}

#endif /* SLP_TESTS_NEURON_RIG_H */
