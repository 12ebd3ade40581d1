/*
 * network/network.c -- recording a network description (sleipnir/network.h).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sleipnir/network.h"
#include "core/alloc.h"
#include "network/network.h"

slp_dist slp_dist_const(double v) {
  slp_dist d = {SLP_DIST_CONST, v, 0.0, -HUGE_VAL, HUGE_VAL};
  return d;
}

int slp_network_create(slp_network **out) {
  *out = slp__calloc(1, sizeof **out);
  return *out ? 0 : SLP_ENOMEM;
}

static void group_free(slp__group *g) {
  slp__free(g->name);
  slp__free(g->rates);
  slp__free(g->events);
  slp__free(g->first_ms);
  slp__free(g->period_ms);
  slp__free(g->lif_current);
  slp__free(g->signs);
  slp__process_free(g->process);
  for (size_t k = 0; k < SLP__MAX_PARAMS; k++)
    slp__free(g->param_values[k]);
}

static void proj_free(slp__projection *p) {
  slp__free(p->name);
  slp__free(p->to);
  slp__free(p->pairs);
  slp__free(p->receptor_name);
  slp__free(p->stdp);
  slp__free(p->stp);
}

void slp_network_destroy(slp_network *net) {
  if (net == NULL)
    return;
  for (size_t k = 0; k < net->n_groups; k++)
    group_free(&net->groups[k]);
  for (size_t k = 0; k < net->n_projs; k++)
    proj_free(&net->projs[k]);
  slp__free(net->groups);
  slp__free(net->projs);
  slp__free(net);
}

int slp_network_find(const slp_network *net, const char *name, uint32_t *id) {
  if (name == NULL)
    return SLP_ENOENT;
  for (size_t k = 0; k < net->n_groups; k++)
    if (strcmp(net->groups[k].name, name) == 0) {
      if (id != NULL)
        *id = (uint32_t)k;
      return 0;
    }
  return SLP_ENOENT;
}

/* Append a group with a copy of name; on success *out points at it. */
static int group_add(slp_network *net, const char *name, uint32_t size,
                     slp__group_kind kind, slp__group **out, uint32_t *id) {
  if (name == NULL || name[0] == '\0' || size == 0)
    return SLP_EINVAL;
  if (slp_network_find(net, name, NULL) == 0)
    return SLP_EEXIST;
  if (net->n_groups >= UINT32_MAX - 1)
    return SLP_ELIMIT;
  if (kind == SLP__GROUP_POPULATION && net->n_neurons + size > UINT32_MAX - 1)
    return SLP_ELIMIT;
  if (kind != SLP__GROUP_POPULATION && net->n_sources + size > UINT32_MAX - 1)
    return SLP_ELIMIT;
  int rc = slp__grow((void **)&net->groups, &net->cap_groups,
                     net->n_groups + 1, sizeof *net->groups);
  if (rc != 0)
    return rc;
  slp__group *g = &net->groups[net->n_groups];
  memset(g, 0, sizeof *g);
  g->name = slp__strdup(name);
  if (g->name == NULL)
    return SLP_ENOMEM;
  g->kind = kind;
  g->size = size;
  if (kind == SLP__GROUP_POPULATION) {
    g->first = net->n_neurons;
    net->n_neurons += size;
  } else {
    g->first = net->n_sources;
    net->n_sources += size;
  }
  if (id != NULL)
    *id = (uint32_t)net->n_groups;
  net->n_groups++;
  *out = g;
  return 0;
}

int slp__network_add_group(slp_network *net, const char *name, uint32_t size,
                           slp__group_kind kind, slp__group **out,
                           uint32_t *id) {
  return group_add(net, name, size, kind, out, id);
}

int slp_network_add_population(slp_network *net, const char *name,
                               uint32_t size, const char *model,
                               uint32_t *id) {
  const slp__model *m = slp__model_find(model);
  if (m == NULL)
    return SLP_ENOENT;
  slp__group *g;
  int rc = group_add(net, name, size, SLP__GROUP_POPULATION, &g, id);
  if (rc != 0)
    return rc;
  g->model = m;
  for (size_t k = 0; k < m->n_params; k++)
    g->params[k] = m->params[k].deflt;
  for (size_t k = 0; k < m->n_state; k++)
    g->init[k] = slp_dist_const(m->state[k].deflt);
  return 0;
}

static slp__group *population(slp_network *net, uint32_t pop) {
  if (pop >= net->n_groups || net->groups[pop].kind != SLP__GROUP_POPULATION)
    return NULL;
  return &net->groups[pop];
}

/* Parameter k of g is one constant again: drop any per-neuron form. */
static void param_make_constant(slp__group *g, size_t k) {
  slp__free(g->param_values[k]);
  g->param_values[k] = NULL;
  g->param_dist[k] = slp_dist_const(g->params[k]);
}

/* The indices `param` names in g's model (one, or a group such as
 * "tau_syn"): how many, 0 if none. */
static size_t param_indices(const slp__group *g, const char *param,
                            size_t idx[SLP__MAX_PARAMS]) {
  int k = slp__model_param_index(g->model, param);
  if (k >= 0) {
    idx[0] = (size_t)k;
    return 1;
  }
  return g->model->param_group
             ? g->model->param_group(param, idx, SLP__MAX_PARAMS)
             : 0;
}

int slp_network_set_param(slp_network *net, uint32_t pop, const char *param,
                          double value) {
  slp__group *g = population(net, pop);
  if (g == NULL || param == NULL)
    return SLP_EINVAL;
  size_t idx[SLP__MAX_PARAMS];
  size_t n = param_indices(g, param, idx);
  if (n == 0)
    return SLP_ENOENT;
  for (size_t j = 0; j < n; j++) {
    g->params[idx[j]] = value;
    param_make_constant(g, idx[j]);
  }
  return 0;
}

static int dist_valid(const slp_dist *d) {
  switch (d->kind) {
  case SLP_DIST_CONST:
    return isfinite(d->a);
  case SLP_DIST_UNIFORM:
    return isfinite(d->a) && isfinite(d->b) && d->a <= d->b;
  case SLP_DIST_NORMAL:
    return isfinite(d->a) && isfinite(d->b) && d->b >= 0 && d->lo <= d->hi &&
           !isnan(d->lo) && !isnan(d->hi);
  }
  return 0;
}

int slp_network_set_param_dist(slp_network *net, uint32_t pop,
                               const char *param, const slp_dist *value) {
  slp__group *g = population(net, pop);
  if (g == NULL || param == NULL || value == NULL)
    return SLP_EINVAL;
  size_t idx[SLP__MAX_PARAMS];
  size_t n = param_indices(g, param, idx);
  if (n == 0)
    return SLP_ENOENT;
  if (!dist_valid(value))
    return SLP_ERANGE;
  if (value->kind == SLP_DIST_CONST)
    return slp_network_set_param(net, pop, param, value->a);
  /* A draw of a name (reset_method) would pick a meaningless index. */
  for (size_t j = 0; j < n; j++)
    if (g->model->params[idx[j]].choices != NULL)
      return SLP_EINVAL;
  for (size_t j = 0; j < n; j++) {
    param_make_constant(g, idx[j]);
    g->param_dist[idx[j]] = *value;
  }
  return 0;
}

int slp_network_set_param_values(slp_network *net, uint32_t pop,
                                 const char *param, const double *values,
                                 size_t n_values) {
  slp__group *g = population(net, pop);
  if (g == NULL || param == NULL || values == NULL || n_values != g->size)
    return SLP_EINVAL;
  size_t idx[SLP__MAX_PARAMS];
  size_t n = param_indices(g, param, idx);
  if (n == 0)
    return SLP_ENOENT;
  for (size_t j = 0; j < n; j++)
    if (g->model->params[idx[j]].choices != NULL)
      return SLP_EINVAL;
  for (size_t i = 0; i < n_values; i++)
    if (!isfinite(values[i]))
      return SLP_ERANGE;
  /* All copies first: a failed call leaves the population as it was. */
  double *copy[SLP__MAX_PARAMS] = {0};
  for (size_t j = 0; j < n; j++) {
    copy[j] = slp__malloc(n_values * sizeof *copy[j]);
    if (copy[j] == NULL) {
      for (size_t q = 0; q < j; q++)
        slp__free(copy[q]);
      return SLP_ENOMEM;
    }
    memcpy(copy[j], values, n_values * sizeof *copy[j]);
  }
  for (size_t j = 0; j < n; j++) {
    param_make_constant(g, idx[j]);
    g->param_values[idx[j]] = copy[j];
  }
  return 0;
}

int slp_network_set_init(slp_network *net, uint32_t pop, const char *var,
                         const slp_dist *value) {
  slp__group *g = population(net, pop);
  if (g == NULL || var == NULL || value == NULL)
    return SLP_EINVAL;
  int k = slp__model_state_index(g->model, var);
  if (k < 0)
    return SLP_ENOENT;
  if (!dist_valid(value))
    return SLP_ERANGE;
  g->init[k] = *value;
  g->init_set[k] = 1;
  return 0;
}

int slp_network_set_preset(slp_network *net, uint32_t pop,
                           const char *preset) {
  slp__group *g = population(net, pop);
  if (g == NULL || preset == NULL)
    return SLP_EINVAL;
  if (g->model->preset == NULL)
    return SLP_ENOENT;
  /* Into copies first: an unknown name leaves the population as it was. */
  double params[SLP__MAX_PARAMS], state[SLP__MAX_STATE] = {0};
  int state_set[SLP__MAX_STATE] = {0};
  memcpy(params, g->params, sizeof params);
  /* A parameter varying per neuron is marked NAN: if the preset sets it, it
   * becomes that constant; if not, it keeps varying. */
  int varies[SLP__MAX_PARAMS] = {0};
  for (size_t k = 0; k < g->model->n_params; k++) {
    varies[k] = g->param_values[k] != NULL ||
                g->param_dist[k].kind != SLP_DIST_CONST;
    if (varies[k])
      params[k] = (double)NAN;
  }
  int rc = g->model->preset(preset, params, state, state_set);
  if (rc != 0)
    return rc;
  for (size_t k = 0; k < g->model->n_params; k++) {
    if (!varies[k])
      continue;
    if (isnan(params[k])) {
      params[k] = g->params[k];
    } else {
      g->params[k] = params[k];
      param_make_constant(g, k);
    }
  }
  memcpy(g->params, params, sizeof params);
  for (size_t k = 0; k < g->model->n_state; k++)
    if (state_set[k]) {
      g->init[k] = slp_dist_const(state[k]);
      g->init_set[k] = 1;
    }
  return 0;
}

int slp_network_add_poisson(slp_network *net, const char *name, uint32_t size,
                            const slp_dist *rate, const double *rates,
                            uint32_t *id) {
  if ((rate == NULL) == (rates == NULL))
    return SLP_EINVAL;
  if (rate != NULL && (!dist_valid(rate) ||
                       (rate->kind == SLP_DIST_CONST && rate->a < 0) ||
                       (rate->kind == SLP_DIST_UNIFORM && rate->a < 0)))
    return SLP_ERANGE;
  if (rates != NULL)
    for (uint32_t k = 0; k < size; k++)
      if (!(rates[k] >= 0) || !isfinite(rates[k]))
        return SLP_ERANGE;
  double *copy = NULL;
  if (rates != NULL) {
    copy = slp__malloc(size * sizeof *copy);
    if (copy == NULL)
      return SLP_ENOMEM;
    memcpy(copy, rates, size * sizeof *copy);
  }
  slp__group *g;
  int rc = group_add(net, name, size, SLP__GROUP_POISSON, &g, id);
  if (rc != 0) {
    slp__free(copy);
    return rc;
  }
  g->rates = copy;
  if (rate != NULL)
    g->rate = *rate;
  return 0;
}

static int event_cmp(const void *a, const void *b) {
  const slp_spike_event *x = a, *y = b;
  if (x->time_ms != y->time_ms)
    return x->time_ms < y->time_ms ? -1 : 1;
  return (x->source > y->source) - (x->source < y->source);
}

int slp_network_add_spike_array(slp_network *net, const char *name,
                                uint32_t size, const slp_spike_event *events,
                                size_t n, uint32_t *id) {
  if (n > 0 && events == NULL)
    return SLP_EINVAL;
  for (size_t k = 0; k < n; k++)
    if (!(events[k].time_ms >= 0) || !isfinite(events[k].time_ms) ||
        events[k].time_ms > 9.2e12 || events[k].source >= size ||
        !isfinite(events[k].weight))
      return SLP_ERANGE;
  slp_spike_event *copy = slp__malloc(n * sizeof *copy);
  if (copy == NULL)
    return SLP_ENOMEM;
  if (n > 0)
    memcpy(copy, events, n * sizeof *copy);
  /* Stable order by (time, source) so that equal-time events of a source
   * keep their relative order from the file. */
  qsort(copy, n, sizeof *copy, event_cmp);
  slp__group *g;
  int rc = group_add(net, name, size, SLP__GROUP_SPIKE_ARRAY, &g, id);
  if (rc != 0) {
    slp__free(copy);
    return rc;
  }
  g->events = copy;
  g->n_events = n;
  return 0;
}

void slp_projection_spec_init(slp_projection_spec *spec) {
  memset(spec, 0, sizeof *spec);
  spec->rule = SLP_CONNECT_ALL_TO_ALL;
  spec->autapses = 1;
  spec->multapses = 1;
  spec->weight = slp_dist_const(0.0);
  spec->delay = slp_dist_const(1.0);
  spec->receptor = NULL;
}

/* Can a delay distribution produce a value <= 0? */
static int delay_can_be_nonpositive(const slp_dist *d) {
  switch (d->kind) {
  case SLP_DIST_CONST:
    return !(d->a > 0);
  case SLP_DIST_UNIFORM:
    return !(d->a > 0);
  case SLP_DIST_NORMAL:
    return !(d->lo > 0) && !(d->b == 0 && d->a > 0);
  }
  return 1;
}

int slp_network_connect(slp_network *net, const slp_projection_spec *s,
                        slp_diag *diag) {
  if (s == NULL)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, NULL, "no projection");
  const char *key = s->name && s->name[0] ? s->name : "projection";
  if (s->name != NULL && s->name[0] != '\0')
    for (size_t k = 0; k < net->n_projs; k++)
      if (net->projs[k].name && strcmp(net->projs[k].name, s->name) == 0)
        return slp_diag_set(diag, SLP_EEXIST, NULL, 0, 0, key,
                            "a projection named '%s' already exists", s->name);
  if (s->from >= net->n_groups)
    return slp_diag_set(diag, SLP_ENOENT, NULL, 0, 0, key,
                        "unknown source group %u", s->from);
  if (s->n_to == 0 || s->to == NULL)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, key,
                        "a projection needs at least one target population");
  const char *rname = s->receptor ? s->receptor : "exc";
  uint64_t n_post = 0;
  int receptor = -1;
  for (size_t k = 0; k < s->n_to; k++) {
    if (s->to[k] >= net->n_groups)
      return slp_diag_set(diag, SLP_ENOENT, NULL, 0, 0, key,
                          "unknown target group %u", s->to[k]);
    const slp__group *g = &net->groups[s->to[k]];
    if (g->kind != SLP__GROUP_POPULATION)
      return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, key,
                          "'%s' is an input, not a population: inputs cannot "
                          "receive synapses", g->name);
    int r = slp__model_receptor_index(g->model, rname);
    if (r < 0)
      return slp_diag_set(diag, SLP_ENOENT, NULL, 0, 0, key,
                          "model '%s' of population '%s' has no receptor '%s'",
                          g->model->name, g->name, rname);
    if (receptor >= 0 && r != receptor)
      return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, key,
                          "receptor '%s' has different indices in the target "
                          "populations' models", rname);
    receptor = r;
    n_post += g->size;
  }
  uint64_t n_pre = net->groups[s->from].size;
  switch (s->rule) {
  case SLP_CONNECT_ALL_TO_ALL:
    break;
  case SLP_CONNECT_ONE_TO_ONE:
    if (n_pre != n_post)
      return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, key,
                          "one_to_one needs equal sizes, but the source has "
                          "%llu and the targets %llu",
                          (unsigned long long)n_pre,
                          (unsigned long long)n_post);
    break;
  case SLP_CONNECT_FIXED_PROBABILITY:
    if (!(s->p >= 0 && s->p <= 1))
      return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, key,
                          "fixed_probability must be in [0, 1], not %g", s->p);
    break;
  case SLP_CONNECT_FIXED_INDEGREE:
  case SLP_CONNECT_FIXED_OUTDEGREE: {
    int in = s->rule == SLP_CONNECT_FIXED_INDEGREE;
    uint64_t pool = in ? n_pre : n_post;
    if (!s->multapses && s->k > pool)
      return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, key,
                          "%s %llu exceeds the %llu candidates and multapses "
                          "are off",
                          in ? "fixed_indegree" : "fixed_outdegree",
                          (unsigned long long)s->k, (unsigned long long)pool);
    if (s->k > 0 && pool == 0)
      return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, key,
                          "no candidates to connect");
    if (s->k > UINT32_MAX)
      return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, key,
                          "degree %llu is too large",
                          (unsigned long long)s->k);
    break;
  }
  case SLP_CONNECT_LIST:
    if (s->n_pairs > 0 && s->pairs == NULL)
      return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, key, "no pairs");
    for (size_t k = 0; k < s->n_pairs; k++) {
      if (s->pairs[2 * k] >= n_pre)
        return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, key,
                            "pair %zu: source index %u is out of range "
                            "(the source has %llu)",
                            k, s->pairs[2 * k], (unsigned long long)n_pre);
      if (s->pairs[2 * k + 1] >= n_post)
        return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, key,
                            "pair %zu: target index %u is out of range "
                            "(the targets have %llu)",
                            k, s->pairs[2 * k + 1], (unsigned long long)n_post);
    }
    break;
  default:
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, key,
                        "unknown connection rule %d", (int)s->rule);
  }
  if (!dist_valid(&s->weight))
    return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, key,
                        "the weight distribution is invalid");
  if (!dist_valid(&s->delay))
    return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, key,
                        "the delay distribution is invalid");
  if (delay_can_be_nonpositive(&s->delay))
    return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, key,
                        "delays must be > 0 (a normal delay needs a clip "
                        "bound above 0)");
  int rc = slp__grow((void **)&net->projs, &net->cap_projs, net->n_projs + 1,
                     sizeof *net->projs);
  if (rc != 0)
    return rc;
  slp__projection p;
  memset(&p, 0, sizeof p);
  p.from = s->from;
  p.n_to = s->n_to;
  p.n_post = n_post;
  p.rule = s->rule;
  p.p = s->p;
  p.k = s->k;
  p.autapses = s->autapses != 0;
  p.multapses = s->multapses != 0;
  p.n_pairs = s->rule == SLP_CONNECT_LIST ? s->n_pairs : 0;
  p.weight = s->weight;
  p.delay = s->delay;
  p.receptor = (unsigned)receptor;
  p.name = s->name && s->name[0] ? slp__strdup(s->name) : NULL;
  p.receptor_name = slp__strdup(rname);
  p.to = slp__malloc(s->n_to * sizeof *p.to);
  p.pairs = slp__malloc(2 * p.n_pairs * sizeof *p.pairs);
  if ((s->name && s->name[0] && p.name == NULL) || p.receptor_name == NULL ||
      p.to == NULL || p.pairs == NULL) {
    proj_free(&p);
    return SLP_ENOMEM;
  }
  memcpy(p.to, s->to, s->n_to * sizeof *p.to);
  if (p.n_pairs > 0)
    memcpy(p.pairs, s->pairs, 2 * p.n_pairs * sizeof *p.pairs);
  net->projs[net->n_projs++] = p;
  return 0;
}

uint64_t slp_network_neuron_count(const slp_network *net) {
  return net->n_neurons;
}

uint64_t slp_network_source_count(const slp_network *net) {
  return net->n_sources;
}
