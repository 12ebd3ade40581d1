/*
 * neurons/iaf.c -- integrate-and-fire without leak (Norse's IAF,
 * reference/models.md §5).
 *
 *   dv/dt = sum_j w_j delta(t - t_j)     (an input is a voltage increment)
 *   spike when v > v_th (strict); then v = v_reset.
 *
 * With no leak and no synaptic current v is constant between inputs, so the
 * exact crossing time is always the tick of the input whose jump carried v
 * over threshold: nothing can cross between inputs, and a neuron below
 * threshold is dormant until its next input.
 *
 * Inputs arriving at the same tick are all applied before the threshold is
 * looked at (as in lif_box): whether a neuron fires at tick t depends on the
 * sum of its inputs at t, not on their order.  Norse applies each step's
 * summed input the same way, and ignores dt (models.md §5), so this model
 * reproduces Norse's IAF step for step when its input x_k arrives at k dt.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "neurons/model.h"
#include "neurons/pop.h"

enum { P_V_TH, P_V_RESET, P_COUNT };

/* Norse's IAFParameters technical defaults read as SI (v_th = 1 V), as
 * lif.c does. */
static const slp__var_desc iaf_params[P_COUNT] = {
    [P_V_TH] = {"v_th", {"v_thresh", NULL}, SLP_DIM_VOLTAGE, 1000.0, -1, NULL},
    [P_V_RESET] = {"v_reset", {NULL}, SLP_DIM_VOLTAGE, 0.0, -1, NULL},
};

enum { S_V, S_COUNT };

/* Norse's IAF modules start at v = v_reset. */
static const slp__var_desc iaf_state[S_COUNT] = {
    [S_V] = {"v", {NULL}, SLP_DIM_VOLTAGE, 0.0, P_V_RESET, NULL},
};

/* Both receptors jump v by the signed weight; they exist so that projections
 * written for the current-based models (receptor: inh) run unchanged. */
static const char *const iaf_receptors[] = {"exc", "inh"};

typedef struct iaf_consts {
  double v_th;    /* mV */
  double v_reset; /* mV */
  slp_tick grid;  /* grid step (grid mode) or 1 */
  double *v_th_n;    /* v_th per neuron, or NULL: v_th for all */
  double *v_reset_n; /* v_reset per neuron, or NULL: v_reset for all */
} iaf_consts;

/* Neuron j's threshold and reset. */
static inline double th_of(const iaf_consts *c, uint32_t j) {
  return c->v_th_n != NULL ? c->v_th_n[j] : c->v_th;
}
static inline double reset_of(const iaf_consts *c, uint32_t j) {
  return c->v_reset_n != NULL ? c->v_reset_n[j] : c->v_reset;
}

static void free_consts(iaf_consts *c) {
  if (c == NULL)
    return;
  slp__free(c->v_th_n);
  slp__free(c->v_reset_n);
  slp__free(c);
}

typedef struct iaf_neuron {
  double v;          /* membrane potential, mV */
  slp_tick t_last;   /* tick of the last input */
  slp_tick t_check;  /* the tick it fires at (v > v_th), or NEVER */
  slp_tick t_wake;   /* earliest wake-up queued, or NEVER */
  uint32_t stamp;    /* window serial when queued to settle */
  uint32_t pad;      /* 40 bytes in all */
} iaf_neuron;

static int iaf_check(const double *p, char *why, size_t cap) {
  for (size_t k = 0; k < P_COUNT; k++)
    if (!isfinite(p[k])) {
      snprintf(why, cap, "%s must be finite", iaf_params[k].name);
      return SLP_ERANGE;
    }
  if (!(p[P_V_RESET] < p[P_V_TH])) {
    snprintf(why, cap, "v_reset (%g mV) must be below v_th (%g mV)",
             p[P_V_RESET], p[P_V_TH]);
    return SLP_ERANGE;
  }
  return 0;
}

/* Above threshold: fires at the tick of the jump that took it there. */
static void update_check(const iaf_consts *c, iaf_neuron *n, uint32_t j) {
  n->t_check = n->v > th_of(c, j) ? n->t_last : SLP__NEVER;
}

static void fire(slp__pop *pop, slp__window *win, iaf_neuron *n, slp_tick t) {
  const iaf_consts *c = pop->consts;
  uint32_t j = (uint32_t)(n - (iaf_neuron *)pop->state);
  slp__pop_emit(pop, win, j, t);
  n->v = reset_of(c, j);
  n->t_check = SLP__NEVER; /* v_reset < v_th */
}

/* Settle n this window or wake it when it may fire (pop.h). */
static void schedule(slp__pop *pop, slp__window *win, iaf_neuron *n) {
  slp__pop_schedule(pop, win, (uint32_t)(n - (iaf_neuron *)pop->state),
                    n->t_check, &n->t_wake, &n->stamp);
}

static void iaf_deliver(slp__pop *pop, slp__window *win, slp_tick t,
                        unsigned r, const uint32_t *tgt, const float *w,
                        size_t count, double scale) {
  (void)r; /* every receptor jumps v */
  const iaf_consts *c = pop->consts;
  iaf_neuron *state = pop->state;
  for (size_t k = 0; k < count; k++) {
    iaf_neuron *n = &state[tgt[k]];
    /* A crossing at an earlier tick fires before this input; one at this
     * very tick waits for the tick's other inputs. */
    if (n->t_check < t)
      fire(pop, win, n, slp__ceil_grid(n->t_check, c->grid));
    n->v += (double)w[k] * scale;
    n->t_last = t;
    update_check(c, n, tgt[k]);
    schedule(pop, win, n);
  }
}

static void iaf_settle(slp__pop *pop, slp__window *win, const uint32_t *idx,
                       size_t count) {
  const iaf_consts *c = pop->consts;
  iaf_neuron *state = pop->state;
  slp_tick last = win->t1 - c->grid;
  for (size_t k = 0; k < count; k++) {
    iaf_neuron *n = &state[idx[k]];
    if (n->t_check <= last)
      fire(pop, win, n, slp__ceil_grid(n->t_check, c->grid));
    n->stamp = win->serial;
    schedule(pop, win, n);
  }
}

static void iaf_wake(slp__pop *pop, slp__window *win, uint32_t i) {
  iaf_neuron *n = &((iaf_neuron *)pop->state)[i];
  slp__pop_wake_due(pop, win, i, &n->t_wake, &n->stamp);
}

static int iaf_create(slp__pop *pop, const slp__pop_init *init) {
  const double *p = pop->params;
  iaf_consts *c = slp__calloc(1, sizeof *c);
  if (c == NULL)
    return SLP_ENOMEM;
  c->v_th = p[P_V_TH];
  c->v_reset = p[P_V_RESET];
  c->grid = init->grid;
  int nomem = 0;
  c->v_th_n = slp__param_copy(init, P_V_TH, pop->n, &nomem);
  c->v_reset_n = slp__param_copy(init, P_V_RESET, pop->n, &nomem);
  iaf_neuron *st = slp__malloc((size_t)pop->n * sizeof *st);
  if (st == NULL || nomem) {
    slp__free(st);
    free_consts(c);
    return SLP_ENOMEM;
  }
  for (uint32_t k = 0; k < pop->n; k++) {
    iaf_neuron *n = &st[k];
    memset(n, 0, sizeof *n);
    n->v = init->values[S_V][k];
    n->t_last = init->t0;
    n->t_wake = SLP__NEVER;
    n->stamp = UINT32_MAX;
    update_check(c, n, k); /* an initial v above v_th fires at t0 */
  }
  pop->consts = c;
  pop->state = st;
  pop->state_bytes = (size_t)pop->n * sizeof *st;
  return 0;
}

static void iaf_prime(slp__pop *pop, slp__window *win) {
  iaf_neuron *st = pop->state;
  for (uint32_t k = 0; k < pop->n; k++)
    schedule(pop, win, &st[k]);
}

/* v is constant between inputs; a pending crossing has not been reset yet. */
static double iaf_get(const slp__pop *pop, uint32_t i, int var, slp_tick t) {
  const iaf_consts *c = pop->consts;
  const iaf_neuron *n = &((const iaf_neuron *)pop->state)[i];
  if (var != S_V)
    return (double)NAN;
  return n->t_check < t ? reset_of(c, i) : n->v;
}

static void iaf_destroy(slp__pop *pop) {
  free_consts(pop->consts);
  slp__free(pop->state);
  pop->consts = pop->state = NULL;
}

/* Norse's IAFParameters.bio_default() (models.md §5); Norse's modules start
 * at v_reset, which is v's default already. */
static int iaf_preset(const char *name, double *p, double *state,
                      int *state_set) {
  (void)state;
  (void)state_set;
  if (strcmp(name, "bio") != 0)
    return SLP_ENOENT;
  p[P_V_RESET] = -70.0;
  p[P_V_TH] = -55.0;
  return 0;
}

const slp__model slp__model_iaf = {
    .name = "iaf",
    .params = iaf_params,
    .n_params = P_COUNT,
    .state = iaf_state,
    .n_state = S_COUNT,
    .receptors = iaf_receptors,
    .n_receptors = 2,
    .check = iaf_check,
    .create = iaf_create,
    .destroy = iaf_destroy,
    .prime = iaf_prime,
    .deliver = iaf_deliver,
    .settle = iaf_settle,
    .wake = iaf_wake,
    .get = iaf_get,
    .preset = iaf_preset,
    .per_neuron = 1u << P_V_TH | 1u << P_V_RESET, /* all */
};
