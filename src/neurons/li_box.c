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
    [P_TAU_MEM] = {"tau_mem", {"tau_m", NULL}, SLP_DIM_TIME, 10.0, -1},
    [P_V_LEAK] = {"v_leak", {"v_rest", NULL}, SLP_DIM_VOLTAGE, 0.0, -1},
};

enum { S_V, S_COUNT };

static const slp__var_desc li_box_state[S_COUNT] = {
    [S_V] = {"v", {NULL}, SLP_DIM_VOLTAGE, 0.0, P_V_LEAK},
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
} li_box_consts;

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

static double decay(const li_box_consts *c, slp_tick d) {
  if (c->tab != NULL && d % c->grid == 0 && (uint64_t)(d / c->grid) < c->n_tab)
    return c->tab[d / c->grid];
  return exp(-(double)d * SLP__MS_PER_TICK * c->inv_tau_m);
}

static void advance(const li_box_consts *c, li_box_neuron *n, slp_tick t) {
  if (t <= n->t_last)
    return;
  n->u *= decay(c, t - n->t_last);
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
    advance(c, n, t);
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

static void li_box_wake(slp__pop *pop, slp__window *win, uint32_t i,
                        slp_tick t) {
  (void)pop;
  (void)win;
  (void)i;
  (void)t;
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
  if (init->grid > 1) {
    c->n_tab = 4096;
    c->tab = slp__malloc(c->n_tab * sizeof *c->tab);
    if (c->tab == NULL) {
      slp__free(c);
      return SLP_ENOMEM;
    }
    for (size_t n = 0; n < c->n_tab; n++)
      c->tab[n] =
          exp(-(double)n * (double)init->grid * SLP__MS_PER_TICK * c->inv_tau_m);
  }
  li_box_neuron *st = slp__malloc((size_t)pop->n * sizeof *st);
  if (st == NULL) {
    slp__free(c->tab);
    slp__free(c);
    return SLP_ENOMEM;
  }
  for (uint32_t k = 0; k < pop->n; k++) {
    st[k].u = init->values[S_V][k] - c->v_leak;
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
  advance(c, &n, t);
  return var == S_V ? n.u + c->v_leak : (double)NAN;
}

static void li_box_destroy(slp__pop *pop) {
  li_box_consts *c = pop->consts;
  if (c != NULL)
    slp__free(c->tab);
  slp__free(c);
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
};
