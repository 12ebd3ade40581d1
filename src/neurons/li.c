/*
 * neurons/li.c -- the leaky integrator: a current-based membrane that never
 * spikes (Norse's LI, reference/models.md §3), used as a read-out layer.
 *
 *   tau_mem du/dt = -u + i_exc + i_inh          u = v - v_leak
 *   tau_k  di_k/dt = -i_k                        k in {exc, inh}
 *   input of weight w on receptor k:  i_k += w
 *
 * The membrane is lif's without a threshold, so the closed form is the shared
 * one (cuba.h) and a neuron costs nothing between its inputs: deliver
 * propagates it to the input's tick and adds the weight; there is nothing to
 * settle or wake.  In grid mode inputs arrive on the grid and whole steps are
 * propagated from tables.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "neurons/cuba.h"
#include "neurons/model.h"
#include "neurons/pop.h"

enum { P_TAU_MEM, P_TAU_SYN_EXC, P_TAU_SYN_INH, P_V_LEAK, P_COUNT };

/* Norse's LIParameters technical defaults read as SI, as lif.c does. */
static const slp__var_desc li_params[P_COUNT] = {
    [P_TAU_MEM] = {"tau_mem", {"tau_m", NULL}, SLP_DIM_TIME, 10.0, -1, NULL},
    [P_TAU_SYN_EXC] = {"tau_syn_exc", {"tau_syn_E", NULL}, SLP_DIM_TIME, 5.0,
                       -1, NULL},
    [P_TAU_SYN_INH] = {"tau_syn_inh", {"tau_syn_I", NULL}, SLP_DIM_TIME, 5.0,
                       -1, NULL},
    [P_V_LEAK] = {"v_leak", {"v_rest", NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
};

enum { S_V, S_I_EXC, S_I_INH, S_COUNT };

static const slp__var_desc li_state[S_COUNT] = {
    [S_V] = {"v", {NULL}, SLP_DIM_VOLTAGE, 0.0, P_V_LEAK, NULL},
    /* "i": Norse's single current, when inputs come on receptor exc */
    [S_I_EXC] = {"i_exc", {"i", NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
    [S_I_INH] = {"i_inh", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
};

#define NREC SLP__CUBA_NREC
static const char *const li_receptors[NREC] = {"exc", "inh"};

/* Per-population constants. */
typedef struct li_consts {
  slp__cuba m;    /* the membrane's propagator */
  slp__cuba *m_n; /* each neuron's, when a time constant varies per
                     neuron (slp__cuba_per_neuron), or NULL: m for all */
  double v_leak;  /* mV */
  double *v_leak_n; /* v_leak per neuron, or NULL: v_leak for all (read
                       only at creation and by get) */
} li_consts;

/* Neuron j's resting potential. */
static inline double leak_of(const li_consts *c, uint32_t j) {
  return c->v_leak_n != NULL ? c->v_leak_n[j] : c->v_leak;
}

static void free_consts(li_consts *c) {
  if (c == NULL)
    return;
  slp__free(c->v_leak_n);
  slp__free(c->m_n);
  slp__free(c);
}

/* One neuron: its state at the tick of its last input. */
typedef struct li_neuron {
  double u;        /* v - v_leak at t_last */
  double i[NREC];  /* receptor currents at t_last, mV */
  slp_tick t_last; /* the tick the state refers to */
} li_neuron;

static size_t li_param_group(const char *name, size_t *idx, size_t cap) {
  if (strcmp(name, "tau_syn") != 0 || cap < NREC)
    return 0;
  idx[0] = P_TAU_SYN_EXC;
  idx[1] = P_TAU_SYN_INH;
  return NREC;
}

static int li_check(const double *p, char *why, size_t cap) {
  for (size_t k = 0; k < P_COUNT; k++)
    if (!isfinite(p[k])) {
      snprintf(why, cap, "%s must be finite", li_params[k].name);
      return SLP_ERANGE;
    }
  const int pos[] = {P_TAU_MEM, P_TAU_SYN_EXC, P_TAU_SYN_INH};
  for (size_t k = 0; k < sizeof pos / sizeof pos[0]; k++)
    if (!(p[pos[k]] > 0)) {
      snprintf(why, cap, "%s must be > 0, not %g ms", li_params[pos[k]].name,
               p[pos[k]]);
      return SLP_ERANGE;
    }
  return 0;
}

static void advance(const li_consts *c, li_neuron *n, uint32_t j,
                    slp_tick t) {
  if (t <= n->t_last)
    return;
  slp__cuba_prop(c->m_n != NULL ? &c->m_n[j] : &c->m, t - n->t_last, &n->u,
                 n->i);
  n->t_last = t;
}

static void li_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                       unsigned r, const uint32_t *tgt, const float *w,
                       size_t count, double scale) {
  (void)win; /* a leaky integrator never fires or needs waking */
  const li_consts *c = pop->consts;
  li_neuron *state = pop->state;
  for (size_t k = 0; k < count; k++) {
    li_neuron *n = &state[tgt[k]];
    advance(c, n, tgt[k], t);
    n->i[r] += (double)w[k] * scale;
  }
}

/* Nothing is ever queued: no neuron can fire. */
static void li_settle(slp__pop *pop, slp__window *win, const uint32_t *idx,
                      size_t count) {
  (void)pop;
  (void)win;
  (void)idx;
  (void)count;
}

static void li_wake(slp__pop *pop, slp__window *win, uint32_t i) {
  (void)pop;
  (void)win;
  (void)i;
}

static void li_prime(slp__pop *pop, slp__window *win) {
  (void)pop;
  (void)win;
}

static int li_create(slp__pop *pop, const slp__pop_init *init) {
  const double *p = pop->params;
  li_consts *c = slp__calloc(1, sizeof *c);
  if (c == NULL)
    return SLP_ENOMEM;
  if (slp__cuba_init(&c->m, p[P_TAU_MEM], p[P_TAU_SYN_EXC], p[P_TAU_SYN_INH],
                     init->grid) != 0) {
    slp__free(c);
    return SLP_ENOMEM;
  }
  c->v_leak = p[P_V_LEAK];
  static const int tau[3] = {P_TAU_MEM, P_TAU_SYN_EXC, P_TAU_SYN_INH};
  int nomem = 0;
  c->v_leak_n = slp__param_copy(init, P_V_LEAK, pop->n, &nomem);
  c->m_n = slp__cuba_per_neuron(init, p, tau, pop->n, &nomem);
  li_neuron *st = slp__malloc((size_t)pop->n * sizeof *st);
  if (st == NULL || nomem) {
    slp__free(st);
    slp__cuba_free(&c->m);
    free_consts(c);
    return SLP_ENOMEM;
  }
  for (uint32_t k = 0; k < pop->n; k++) {
    li_neuron *n = &st[k];
    n->u = init->values[S_V][k] - leak_of(c, k);
    n->i[0] = init->values[S_I_EXC][k];
    n->i[1] = init->values[S_I_INH][k];
    n->t_last = init->t0;
  }
  pop->consts = c;
  pop->state = st;
  pop->state_bytes = (size_t)pop->n * sizeof *st;
  return 0;
}

static double li_get(const slp__pop *pop, uint32_t i, int var, slp_tick t) {
  const li_consts *c = pop->consts;
  li_neuron n = ((const li_neuron *)pop->state)[i];
  advance(c, &n, i, t);
  switch (var) {
  case S_V:
    return n.u + leak_of(c, i);
  case S_I_EXC:
    return n.i[0];
  case S_I_INH:
    return n.i[1];
  default:
    return (double)NAN;
  }
}

static void li_destroy(slp__pop *pop) {
  li_consts *c = pop->consts;
  if (c != NULL)
    slp__cuba_free(&c->m);
  free_consts(c);
  slp__free(pop->state);
  pop->consts = pop->state = NULL;
}

/* Norse's LIParameters.bio_default() (models.md §3). */
static int li_preset(const char *name, double *p, double *state,
                     int *state_set) {
  (void)state;
  (void)state_set;
  if (strcmp(name, "bio") != 0)
    return SLP_ENOENT;
  p[P_TAU_SYN_EXC] = p[P_TAU_SYN_INH] = 2.0;
  p[P_TAU_MEM] = 10.0;
  p[P_V_LEAK] = -70.0;
  return 0;
}

const slp__model slp__model_li = {
    .name = "li",
    .params = li_params,
    .n_params = P_COUNT,
    .state = li_state,
    .n_state = S_COUNT,
    .receptors = li_receptors,
    .n_receptors = NREC,
    .param_group = li_param_group,
    .check = li_check,
    .create = li_create,
    .destroy = li_destroy,
    .prime = li_prime,
    .deliver = li_deliver,
    .settle = li_settle,
    .wake = li_wake,
    .get = li_get,
    .preset = li_preset,
    .per_neuron = (1u << P_COUNT) - 1, /* all */
};
