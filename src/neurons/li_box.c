/*
 * neurons/li_box.c -- the leaky integrator with delta input: no synaptic
 * current, no spikes (Norse's LIBox, reference/models.md §4).
 *
 *   tau_mem du/dt = -u          u = v - v_leak
 *   input of weight w:  u += w
 *
 * Norse holds its input x_k constant over one step of dt (a box current:
 * v += dt/tau_mem (v_leak - v + x_k) per Euler step); an event carries the
 * Dirac limit of that box, a jump of w = x_k dt / tau_mem (models.md §4,
 * "event mapping").  Between inputs v relaxes to v_leak in closed form; in
 * grid mode whole steps come from a table.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "neurons/model.h"
#include "neurons/pop.h"

enum { P_TAU_MEM, P_V_LEAK, P_COUNT };

/* Norse's LIBoxParameters technical defaults read as SI, as lif.c does. */
static const slp__var_desc li_box_params[P_COUNT] = {
    [P_TAU_MEM] = {"tau_mem", {"tau_m", NULL}, SLP_DIM_TIME, 10.0, -1, NULL},
    [P_V_LEAK] = {"v_leak", {"v_rest", NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
};

enum { S_V, S_COUNT };

static const slp__var_desc li_box_state[S_COUNT] = {
    [S_V] = {"v", {NULL}, SLP_DIM_VOLTAGE, 0.0, P_V_LEAK, NULL},
};

/* Both receptors jump v by the signed weight; they exist so that projections
 * written for the current-based models (receptor: inh) run unchanged. */
static const char *const li_box_receptors[] = {"exc", "inh"};

typedef struct li_box_consts {
  double inv_tau_m;  /* 1 / tau_mem, 1/ms */
  double v_leak;     /* mV */
  slp_tick grid;     /* grid step (grid mode) or 1 */
  size_t n_tab;      /* grid mode: exp(-n grid / tau_m) for n < n_tab */
  double *tab;       /* that table */
  double *inv_tau_n; /* 1 / tau_mem per neuron, or NULL: inv_tau_m for all
                        (then no table: each decay is its exp) */
  double *v_leak_n;  /* v_leak per neuron, or NULL: v_leak for all */
} li_box_consts;

static void free_consts(li_box_consts *c) {
  if (c == NULL)
    return;
  slp__free(c->tab);
  slp__free(c->inv_tau_n);
  slp__free(c->v_leak_n);
  slp__free(c);
}

/* Neuron j's resting potential. */
static inline double leak_of(const li_box_consts *c, uint32_t j) {
  return c->v_leak_n != NULL ? c->v_leak_n[j] : c->v_leak;
}

typedef struct li_box_neuron {
  double u;        /* v - v_leak at t_last */
  slp_tick t_last; /* the tick the state refers to */
} li_box_neuron;

static int li_box_check(const double *p, char *why, size_t cap) {
  for (size_t k = 0; k < P_COUNT; k++)
    if (!isfinite(p[k])) {
      snprintf(why, cap, "%s must be finite", li_box_params[k].name);
      return SLP_ERANGE;
    }
  if (!(p[P_TAU_MEM] > 0)) {
    snprintf(why, cap, "tau_mem must be > 0, not %g ms", p[P_TAU_MEM]);
    return SLP_ERANGE;
  }
  return 0;
}

/* The decay of neuron j over d ticks: the table's entry is the same
 * product exp(-(d ms) / tau) rounds to, so both ways give the same bits. */
static double decay(const li_box_consts *c, uint32_t j, slp_tick d) {
  if (c->tab != NULL && d % c->grid == 0 && (uint64_t)(d / c->grid) < c->n_tab)
    return c->tab[d / c->grid];
  double inv = c->inv_tau_n != NULL ? c->inv_tau_n[j] : c->inv_tau_m;
  return exp(-(double)d * SLP__MS_PER_TICK * inv);
}

static void advance(const li_box_consts *c, li_box_neuron *n, uint32_t j,
                    slp_tick t) {
  if (t <= n->t_last)
    return;
  n->u *= decay(c, j, t - n->t_last);
  n->t_last = t;
}

static void li_box_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                           unsigned r, const uint32_t *tgt, const float *w,
                           size_t count, double scale) {
  (void)win; /* never fires or needs waking */
  (void)r;   /* every receptor jumps v */
  const li_box_consts *c = pop->consts;
  li_box_neuron *state = pop->state;
  for (size_t k = 0; k < count; k++) {
    li_box_neuron *n = &state[tgt[k]];
    advance(c, n, tgt[k], t);
    n->u += (double)w[k] * scale;
  }
}

/* Nothing is ever queued: no neuron can fire. */
static void li_box_settle(slp__pop *pop, slp__window *win,
                          const uint32_t *idx, size_t count) {
  (void)pop;
  (void)win;
  (void)idx;
  (void)count;
}

static void li_box_wake(slp__pop *pop, slp__window *win, uint32_t i) {
  (void)pop;
  (void)win;
  (void)i;
}

static void li_box_prime(slp__pop *pop, slp__window *win) {
  (void)pop;
  (void)win;
}

static int li_box_create(slp__pop *pop, const slp__pop_init *init) {
  const double *p = pop->params;
  li_box_consts *c = slp__calloc(1, sizeof *c);
  if (c == NULL)
    return SLP_ENOMEM;
  c->inv_tau_m = 1.0 / p[P_TAU_MEM];
  c->v_leak = p[P_V_LEAK];
  c->grid = init->grid;
  int nomem = 0;
  c->v_leak_n = slp__param_copy(init, P_V_LEAK, pop->n, &nomem);
  c->inv_tau_n = slp__param_copy(init, P_TAU_MEM, pop->n, &nomem);
  if (nomem) {
    free_consts(c);
    return SLP_ENOMEM;
  }
  if (c->inv_tau_n != NULL)
    for (uint32_t k = 0; k < pop->n; k++)
      c->inv_tau_n[k] = 1.0 / c->inv_tau_n[k];
  if (init->grid > 1 && c->inv_tau_n == NULL) {
    c->n_tab = 4096;
    c->tab = slp__malloc(c->n_tab * sizeof *c->tab);
    if (c->tab == NULL) {
      free_consts(c);
      return SLP_ENOMEM;
    }
    for (size_t n = 0; n < c->n_tab; n++)
      c->tab[n] =
          exp(-(double)n * (double)init->grid * SLP__MS_PER_TICK * c->inv_tau_m);
  }
  li_box_neuron *st = slp__malloc((size_t)pop->n * sizeof *st);
  if (st == NULL) {
    free_consts(c);
    return SLP_ENOMEM;
  }
  for (uint32_t k = 0; k < pop->n; k++) {
    st[k].u = init->values[S_V][k] - leak_of(c, k);
    st[k].t_last = init->t0;
  }
  pop->consts = c;
  pop->state = st;
  pop->state_bytes = (size_t)pop->n * sizeof *st;
  return 0;
}

static double li_box_get(const slp__pop *pop, uint32_t i, int var,
                         slp_tick t) {
  const li_box_consts *c = pop->consts;
  li_box_neuron n = ((const li_box_neuron *)pop->state)[i];
  advance(c, &n, i, t);
  return var == S_V ? n.u + leak_of(c, i) : (double)NAN;
}

static void li_box_destroy(slp__pop *pop) {
  free_consts(pop->consts);
  slp__free(pop->state);
  pop->consts = pop->state = NULL;
}

const slp__model slp__model_li_box = {
    .name = "li_box",
    .params = li_box_params,
    .n_params = P_COUNT,
    .state = li_box_state,
    .n_state = S_COUNT,
    .receptors = li_box_receptors,
    .n_receptors = 2,
    .check = li_box_check,
    .create = li_box_create,
    .destroy = li_box_destroy,
    .prime = li_box_prime,
    .deliver = li_box_deliver,
    .settle = li_box_settle,
    .wake = li_box_wake,
    .get = li_box_get,
    .per_neuron = 1u << P_TAU_MEM | 1u << P_V_LEAK, /* all */
};
