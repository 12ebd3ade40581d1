/*
 * neurons/norse_pop.c -- populations stepped as Norse steps them (see
 * norse_pop.h).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "sleipnir/error.h"
#include "neurons/norse_pop.h"
#include "neurons/norse_step.h"

#define NREC 2 /* receptors a Norse step takes (exc, inh) */

int slp__norse_lazy_disabled;

typedef struct norse_rt {
  slp__model ops;              /* the model's tables, norse operations */
  const slp__model *model;     /* the model itself */
  const slp__norse_step *st;   /* its Norse step */
  double k[SLP__NORSE_MAX_K];  /* the step's constants */
  double *kn;                  /* or, when a parameter varies per neuron,
                                  each neuron's: SLP__NORSE_MAX_K per
                                  neuron (NULL: k for all) */
  slp_tick dt;                 /* step, ticks */
  double wdiv;                 /* weights' API unit per Norse unit: 1000
                                  (mV per V) for voltage weights, else 1 */
  double *s;                   /* state, st->n_state doubles per neuron */
  uint32_t n_slots;            /* steps per window */
  double *x;                   /* inputs x[(slot * n + i) * NREC + r] */
  uint64_t *last;              /* per neuron: the steps taken (its state is
                                  the state after step last - 1) */
  uint8_t *dormant;            /* per neuron: behind, and cannot spike
                                  without input (the lazy form) */
  uint64_t *touched;           /* bit i: neuron i has input this window */
} norse_rt;

static void norse_destroy(slp__pop *pop) {
  norse_rt *rt = pop->consts;
  if (rt != NULL) {
    pop->model = rt->model;
    slp__free(rt->s);
    slp__free(rt->kn);
    slp__free(rt->x);
    slp__free(rt->last);
    slp__free(rt->dormant);
    slp__free(rt->touched);
    slp__free(rt);
  }
  pop->consts = pop->state = NULL;
}

/* The window's length is known here: room for its steps' inputs. */
static void norse_prime(slp__pop *pop, slp__window *win) {
  norse_rt *rt = pop->consts;
  rt->n_slots = (uint32_t)((win->t1 - win->t0) / rt->dt);
  rt->x = slp__calloc((size_t)rt->n_slots * pop->n * NREC, sizeof *rt->x);
  if (rt->x == NULL)
    win->err = SLP_ENOMEM;
}

static void norse_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                          unsigned r, const uint32_t *tgt, const float *w,
                          size_t count, double scale) {
  norse_rt *rt = pop->consts;
  /* Step k takes what arrives in [k dt, (k+1) dt). */
  size_t slot = (size_t)((t - win->t0) / rt->dt);
  double *x = &rt->x[slot * pop->n * NREC + r];
  for (size_t k = 0; k < count; k++) {
    uint32_t i = tgt[k];
    x[(size_t)i * NREC] += (double)w[k] / rt->wdiv * scale;
    rt->touched[i >> 6] |= (uint64_t)1 << (i & 63);
  }
}

/* Neuron i's step constants. */
static inline const double *consts_of(const norse_rt *rt, uint32_t i) {
  return rt->kn != NULL ? &rt->kn[(size_t)i * SLP__NORSE_MAX_K] : rt->k;
}

/*
 * Each neuron through the window's steps, in order; a spike of step k is
 * stamped at its end.  The lazy form: a dormant neuron (one that cannot
 * spike without input, norse_step.h) without input this window is left
 * where it is, its steps owed; when input reaches it, the owed steps are
 * taken at once in closed form first.  Neurons are independent within a
 * window, so the order they are taken in changes nothing.
 */
static void norse_settle(slp__pop *pop, slp__window *win, const uint32_t *idx,
                         size_t count) {
  (void)idx; /* the lazy form keeps its own books */
  (void)count;
  norse_rt *rt = pop->consts;
  const slp__norse_step *st = rt->st;
  size_t ns = st->n_state, stride = (size_t)pop->n * NREC;
  uint64_t step0 = (uint64_t)(win->t0 / rt->dt);
  for (uint32_t i = 0; i < pop->n; i++) {
    int input = (rt->touched[i >> 6] >> (i & 63)) & 1;
    double *s = &rt->s[(size_t)i * ns];
    const double *k = consts_of(rt, i);
    if (rt->dormant[i]) {
      if (!input)
        continue;
      st->silent(k, s, step0 - rt->last[i]);
    }
    double *x = &rt->x[(size_t)i * NREC];
    for (uint32_t slot = 0; slot < rt->n_slots; slot++, x += stride) {
      if (st->step(k, s, x))
        slp__pop_emit(pop, win, i, win->t0 + (slp_tick)(slot + 1) * rt->dt);
      x[0] = 0;
      x[1] = 0;
    }
    rt->last[i] = step0 + rt->n_slots;
    rt->dormant[i] = st->dormant != NULL && !slp__norse_lazy_disabled &&
                     st->dormant(k, s);
  }
  memset(rt->touched, 0, ((size_t)pop->n + 63) / 64 * sizeof *rt->touched);
}

static void norse_wake(slp__pop *pop, slp__window *win, uint32_t i) {
  (void)pop; /* never asked for: stepped neurons need no wake-ups */
  (void)win;
  (void)i;
}

/* The state at a step boundary t (a window's end, where recording samples):
 * the state after the steps up to t, the owed ones of a dormant neuron
 * taken on a copy. */
static double norse_get(const slp__pop *pop, uint32_t i, int var,
                        slp_tick t) {
  const norse_rt *rt = pop->consts;
  const double *s = &rt->s[(size_t)i * rt->st->n_state];
  double owed[SLP__NORSE_MAX_S];
  uint64_t now = (uint64_t)(t / rt->dt);
  if (rt->dormant[i] && now > rt->last[i]) {
    /* A dormant neuron's steps are owed: take them on a copy. */
    memcpy(owed, s, rt->st->n_state * sizeof *owed);
    rt->st->silent(consts_of(rt, i), owed, now - rt->last[i]);
    s = owed;
  }
  double x = rt->st->get(consts_of(rt, i), s, var);
  return rt->model->state[var].dim == SLP_DIM_VOLTAGE ? x * rt->st->vunit : x;
}

/*
 * When a parameter varies per neuron (init->param_values), each neuron gets
 * the step's constants of its own parameters in rt->kn: Norse's step is the
 * same function of any parameter set, so every parameter of every model may
 * vary here.  p holds the population's parameters in the step's units.
 */
static int per_neuron_consts(norse_rt *rt, uint32_t n, const double *p,
                             const slp__pop_init *init, double dt_ms,
                             char *why, size_t cap) {
  const slp__model *m = rt->model;
  if (!slp__params_vary(init, m->n_params))
    return 0;
  rt->kn = slp__calloc((size_t)n * SLP__NORSE_MAX_K, sizeof *rt->kn);
  if (rt->kn == NULL)
    return SLP_ENOMEM;
  for (uint32_t i = 0; i < n; i++) {
    double q[SLP__MAX_PARAMS];
    for (size_t j = 0; j < m->n_params; j++) {
      const double *own = init->param_values[j];
      q[j] = own == NULL ? p[j]
             : m->params[j].dim == SLP_DIM_VOLTAGE ? own[i] / rt->st->vunit
                                                   : own[i];
    }
    char sub[200];
    int rc = rt->st->setup(m, q, dt_ms, &rt->kn[(size_t)i * SLP__NORSE_MAX_K],
                           sub, sizeof sub);
    if (rc != 0) {
      snprintf(why, cap, "neuron %u: %s", i, sub);
      return rc;
    }
  }
  /* Neuron 0's constants stand for the population where one set is read. */
  memcpy(rt->k, rt->kn, sizeof rt->k);
  return 0;
}

int slp__norse_pop_create(slp__pop *pop, const slp__pop_init *init,
                          slp_tick dt, char *why, size_t cap) {
  const slp__norse_step *st = slp__norse_step_find(pop->model);
  if (st == NULL) {
    snprintf(why, cap, "norse mode does not cover the model '%s' yet",
             pop->model->name);
    return SLP_EINVAL;
  }
  norse_rt *rt = slp__calloc(1, sizeof *rt);
  if (rt == NULL)
    return SLP_ENOMEM;
  rt->model = pop->model;
  rt->st = st;
  rt->dt = dt;
  /* The steps run in Norse's units -- volts, as a bare number in the model
   * file means, or Izhikevich's millivolts -- so that every sum and
   * threshold test rounds as Norse's do; times stay in ms (only their ratios
   * enter). */
  const slp__model *m = pop->model;
  double p[SLP__MAX_PARAMS];
  for (size_t j = 0; j < m->n_params; j++)
    p[j] = m->params[j].dim == SLP_DIM_VOLTAGE ? pop->params[j] / st->vunit
                                               : pop->params[j];
  rt->wdiv = m->conductance_weights ? 1.0 : st->vunit;
  int rc = per_neuron_consts(rt, pop->n, p, init, (double)dt * SLP__MS_PER_TICK,
                             why, cap);
  if (rc == 0 && rt->kn == NULL)
    rc = st->setup(m, p, (double)dt * SLP__MS_PER_TICK, rt->k, why, cap);
  if (rc != 0) {
    slp__free(rt->kn);
    slp__free(rt);
    return rc;
  }
  rt->s = slp__malloc((size_t)pop->n * st->n_state * sizeof *rt->s);
  rt->last = slp__calloc(pop->n, sizeof *rt->last);
  rt->dormant = slp__calloc(pop->n, sizeof *rt->dormant);
  rt->touched = slp__calloc(((size_t)pop->n + 63) / 64, sizeof *rt->touched);
  if (rt->s == NULL || rt->last == NULL || rt->dormant == NULL ||
      rt->touched == NULL) {
    slp__free(rt->s);
    slp__free(rt->last);
    slp__free(rt->dormant);
    slp__free(rt->touched);
    slp__free(rt->kn);
    slp__free(rt);
    return SLP_ENOMEM;
  }
  for (uint32_t i = 0; i < pop->n; i++) {
    double v[SLP__MAX_STATE] = {0};
    for (size_t j = 0; j < m->n_state; j++)
      v[j] = m->state[j].dim == SLP_DIM_VOLTAGE ? init->values[j][i] / st->vunit
                                                : init->values[j][i];
    st->start(consts_of(rt, i), v, &rt->s[(size_t)i * st->n_state]);
  }
  rt->ops = *pop->model;
  rt->ops.create = NULL;
  rt->ops.destroy = norse_destroy;
  rt->ops.prime = norse_prime;
  rt->ops.deliver = norse_deliver;
  rt->ops.settle = norse_settle;
  rt->ops.wake = norse_wake;
  rt->ops.get = norse_get;
  pop->consts = rt;
  pop->state = rt->s;
  pop->state_bytes = (size_t)pop->n * st->n_state * sizeof *rt->s;
  pop->model = &rt->ops;
  return 0;
}
