/*
 * neurons/model.c -- the registry of neuron models and name lookup.
 */
#include "config.h"

#include <string.h>

#include "sleipnir/network.h"
#include "core/alloc.h"
#include "neurons/model.h"

static const slp__model *const models[] = {
    &slp__model_lif, &slp__model_lif_box, &slp__model_li,
    &slp__model_li_box, &slp__model_iaf, &slp__model_lsnn, &slp__model_ada_lif,
    &slp__model_lif_ex, &slp__model_adex, &slp__model_adex_refrac,
    &slp__model_coba_lif, &slp__model_izhikevich};

/* Other names of a model: the model keeps its canonical name. */
static const struct {
  const char *name;        /* the other name */
  const slp__model *model; /* the model it stands for */
} aliases[] = {{"alif", &slp__model_lsnn}};

const slp__model *slp__model_find(const char *name) {
  if (name == NULL)
    return NULL;
  for (size_t k = 0; k < sizeof models / sizeof models[0]; k++)
    if (strcmp(models[k]->name, name) == 0)
      return models[k];
  for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
    if (strcmp(aliases[k].name, name) == 0)
      return aliases[k].model;
  return NULL;
}

static int var_index(const slp__var_desc *v, size_t n, const char *name) {
  for (size_t k = 0; k < n; k++) {
    if (strcmp(v[k].name, name) == 0)
      return (int)k;
    for (size_t a = 0; a < SLP__MAX_ALIASES && v[k].aliases[a]; a++)
      if (strcmp(v[k].aliases[a], name) == 0)
        return (int)k;
  }
  return -1;
}

int slp__model_param_index(const slp__model *m, const char *name) {
  return var_index(m->params, m->n_params, name);
}

int slp__model_state_index(const slp__model *m, const char *name) {
  return var_index(m->state, m->n_state, name);
}

int slp__model_receptor_index(const slp__model *m, const char *name) {
  for (size_t k = 0; k < m->n_receptors; k++)
    if (strcmp(m->receptors[k], name) == 0)
      return (int)k;
  return -1;
}

int slp_model_exists(const char *model) {
  return slp__model_find(model) != NULL;
}

slp_dim slp_model_weight_dim(const char *model) {
  const slp__model *m = slp__model_find(model);
  return m != NULL && m->conductance_weights ? SLP_DIM_NONE : SLP_DIM_VOLTAGE;
}

static int info(const slp__var_desc *d, slp_var_info *out) {
  if (out != NULL) {
    out->name = d->name;
    out->dim = d->dim;
    out->deflt = d->deflt;
    out->choices = d->choices;
  }
  return 0;
}

int slp_model_param_info(const char *model, const char *name,
                         slp_var_info *out) {
  const slp__model *m = slp__model_find(model);
  if (m == NULL || name == NULL)
    return SLP_ENOENT;
  int k = slp__model_param_index(m, name);
  if (k >= 0)
    return info(&m->params[k], out);
  /* Group names ("tau_syn") stand for several parameters of one dimension. */
  size_t idx[SLP__MAX_PARAMS];
  if (m->param_group != NULL &&
      m->param_group(name, idx, SLP__MAX_PARAMS) > 0) {
    info(&m->params[idx[0]], out);
    if (out != NULL)
      out->name = name;
    return 0;
  }
  return SLP_ENOENT;
}

int slp_model_state_info(const char *model, const char *name,
                         slp_var_info *out) {
  const slp__model *m = slp__model_find(model);
  if (m == NULL || name == NULL)
    return SLP_ENOENT;
  int k = slp__model_state_index(m, name);
  if (k < 0)
    return SLP_ENOENT;
  return info(&m->state[k], out);
}

int slp__params_vary(const slp__pop_init *init, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (init->param_values[k] != NULL)
      return 1;
  return 0;
}

void slp__params_of(const slp__pop_init *init, const double *p, size_t n,
                    uint32_t i, double *q) {
  for (size_t k = 0; k < n; k++)
    q[k] = init->param_values[k] != NULL ? init->param_values[k][i] : p[k];
}

double *slp__param_copy(const slp__pop_init *init, size_t k, uint32_t n,
                        int *nomem) {
  const double *own = init->param_values[k];
  if (own == NULL)
    return NULL;
  double *copy = slp__malloc((size_t)n * sizeof *copy);
  if (copy == NULL) {
    *nomem = 1;
    return NULL;
  }
  memcpy(copy, own, (size_t)n * sizeof *copy);
  return copy;
}
