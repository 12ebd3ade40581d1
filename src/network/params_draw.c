/*
 * network/params_draw.c -- per-neuron parameter values: drawn, copied,
 * checked (params_draw.h).
 *
 * Each neuron's value of a drawn parameter comes from a stream of its own,
 * keyed by (seed, SLP__RNG_PARAM, neuron id, parameter index): never one
 * sequential stream over the population, so that values do not depend on
 * how populations are split into slices between threads, nor on which
 * other parameters vary.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "baseline/stepper.h"
#include "network/params_draw.h"

void slp__params_free(double *values[SLP__MAX_PARAMS]) {
  for (size_t k = 0; k < SLP__MAX_PARAMS; k++) {
    slp__free(values[k]);
    values[k] = NULL;
  }
}

static int param_varies(const slp__group *g, size_t k) {
  return g->param_values[k] != NULL || g->param_dist[k].kind != SLP_DIST_CONST;
}

/* The names of the parameters of m in mask, ", "-separated ("none"). */
static void list_params(const slp__model *m, uint32_t mask, char *out,
                        size_t cap) {
  size_t len = 0;
  out[0] = '\0';
  for (size_t k = 0; k < m->n_params; k++)
    if (mask & (UINT32_C(1) << k)) {
      snprintf(out + len, cap - len, "%s%s", len ? ", " : "",
               m->params[k].name);
      len = strlen(out);
      if (len + 1 >= cap)
        break;
    }
  if (len == 0)
    snprintf(out, cap, "none");
}

/* Refuse a varying parameter the model or the mode cannot take per neuron. */
static int check_allowed(const slp__group *g, slp_mode mode, slp_diag *diag) {
  const slp__model *m = g->model;
  /* Norse mode computes its step's constants per neuron when any parameter
   * varies (norse_pop.c); the clock-driven baselines step one parameter set
   * per population. */
  int baseline = slp__stepper_mode(mode);
  uint32_t allowed = mode == SLP_MODE_NORSE ? UINT32_MAX
                     : baseline            ? 0
                                           : m->per_neuron;
  for (size_t k = 0; k < m->n_params; k++) {
    if (!param_varies(g, k) || (allowed & (UINT32_C(1) << k)))
      continue;
    if (baseline)
      return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, NULL,
                          "populations.%s.params.%s: the %s mode takes every "
                          "parameter as one value per population; give it a "
                          "constant, or use the exact, grid or norse mode",
                          g->name, m->params[k].name, slp_mode_name(mode));
    char can[256];
    list_params(m, m->per_neuron, can, sizeof can);
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, NULL,
                        "populations.%s.params.%s: the model '%s' cannot take "
                        "%s per neuron in the %s mode (%s); parameters that "
                        "may vary per neuron: %s (any, in the norse mode)",
                        g->name, m->params[k].name, m->name,
                        m->params[k].name, slp_mode_name(mode),
                        m->per_neuron_why ? m->per_neuron_why
                                          : "its constants are shared by the "
                                            "population",
                        can);
  }
  return 0;
}

/* values[k] for every varying k: copied from the list, or drawn. */
static int fill(const slp__group *g, uint64_t seed,
                double *values[SLP__MAX_PARAMS], slp_diag *diag) {
  const slp__model *m = g->model;
  for (size_t k = 0; k < m->n_params; k++) {
    if (!param_varies(g, k))
      continue;
    values[k] = slp__malloc((size_t)g->size * sizeof *values[k]);
    if (values[k] == NULL)
      return SLP_ENOMEM;
    if (g->param_values[k] != NULL) {
      memcpy(values[k], g->param_values[k],
             (size_t)g->size * sizeof *values[k]);
      continue;
    }
    if (slp__dist_draw_each(&g->param_dist[k], seed, SLP__RNG_PARAM,
                            g->first, g->size, (uint32_t)k, values[k]) != 0)
      return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, NULL,
                          "populations.%s.params.%s: the clipped normal "
                          "distribution cannot be drawn from (its clip "
                          "range holds too little of it)",
                          g->name, m->params[k].name);
  }
  return 0;
}

/* The varying parameter the check's sentence `why` is about: the first
 * whose name it mentions, else the first that varies. */
static size_t blamed(const slp__model *m, double *values[SLP__MAX_PARAMS],
                     const char *why) {
  size_t first = SIZE_MAX;
  for (size_t k = 0; k < m->n_params; k++) {
    if (values[k] == NULL)
      continue;
    if (first == SIZE_MAX)
      first = k;
    const char *s = strstr(why, m->params[k].name);
    size_t len = strlen(m->params[k].name);
    /* A whole word: "v_th" is not blamed for "v_thresh". */
    if (s != NULL && (s[len] == '\0' || s[len] == ' ' || s[len] == ','))
      return k;
  }
  return first;
}

/* Every neuron's parameters through the model's check. */
static int check_neurons(const slp__group *g, double *values[SLP__MAX_PARAMS],
                         slp_diag *diag) {
  const slp__model *m = g->model;
  char why[256];
  size_t vary[SLP__MAX_PARAMS], nv = 0;
  for (size_t k = 0; k < m->n_params; k++)
    if (values[k] != NULL)
      vary[nv++] = k;
  double p[SLP__MAX_PARAMS];
  memcpy(p, g->params, sizeof p);
  if (nv == 0) {
    int rc = m->check(p, why, sizeof why);
    return rc == 0 ? 0
                   : slp_diag_set(diag, rc, NULL, 0, 0, NULL,
                                  "populations.%s.params: %s", g->name, why);
  }
  for (uint32_t i = 0; i < g->size; i++) {
    for (size_t j = 0; j < nv; j++)
      p[vary[j]] = values[vary[j]][i];
    int rc = m->check(p, why, sizeof why);
    if (rc != 0)
      return slp_diag_set(diag, rc, NULL, 0, 0, NULL,
                          "populations.%s.params.%s: neuron %u: %s", g->name,
                          m->params[blamed(m, values, why)].name, i, why);
  }
  return 0;
}

int slp__params_draw(const slp__group *g, uint64_t seed, slp_mode mode,
                     double *values[SLP__MAX_PARAMS], slp_diag *diag) {
  for (size_t k = 0; k < SLP__MAX_PARAMS; k++)
    values[k] = NULL;
  int rc = check_allowed(g, mode, diag);
  if (rc == 0)
    rc = fill(g, seed, values, diag);
  if (rc == 0)
    rc = check_neurons(g, values, diag);
  if (rc != 0)
    slp__params_free(values);
  return rc;
}
