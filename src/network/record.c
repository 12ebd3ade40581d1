/*
 * network/record.c -- state recordings (see record.h).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "network/network.h"
#include "io/units.h"
#include "network/record.h"
#include "network/dist.h"
#include "network/sim.h"

/* The runtime index of the population named name, or -1 (with *is_input set
 * when the name is an input's). */
static long find_pop(const slp_network *net, const char *name, int *is_input) {
  long p = 0;
  *is_input = 0;
  for (size_t g = 0; g < net->n_groups; g++) {
    const slp__group *gr = &net->groups[g];
    if (strcmp(gr->name, name) == 0) {
      if (gr->kind == SLP__GROUP_POPULATION)
        return p;
      *is_input = 1;
      return -1;
    }
    if (gr->kind == SLP__GROUP_POPULATION)
      p++;
  }
  return -1;
}

static int resolve(slp__state_rec *r, const slp_sim *sim,
                   const slp_network *net, const slp_state_record *in,
                   size_t k, slp_diag *diag) {
  char key[96];
  snprintf(key, sizeof key, "record.state[%zu].population", k);
  int is_input = 0;
  long p = in->population != NULL ? find_pop(net, in->population, &is_input)
                                  : -1;
  if (p < 0)
    return slp_diag_set(diag, SLP_ENOENT, NULL, 0, 0, key,
                        is_input ? "'%s' is an input; only populations have "
                                   "state to record"
                                 : "there is no population named '%s'",
                        in->population != NULL ? in->population : "");
  r->pop = (uint32_t)p;
  const slp__model *m = sim->parts[0].pops[p].model;
  uint32_t pop_n = slp__sim_pop_size(sim, (size_t)p);
  snprintf(key, sizeof key, "record.state[%zu].vars", k);
  if (in->n_vars == 0 || in->n_vars > SLP__MAX_RECORD_VARS)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, key,
                        "give between 1 and %d state variables, not %zu",
                        SLP__MAX_RECORD_VARS, in->n_vars);
  for (size_t v = 0; v < in->n_vars; v++) {
    int idx = slp__model_state_index(m, in->vars[v]);
    if (idx < 0) {
      char names[160] = "";
      for (size_t j = 0; j < m->n_state; j++) {
        size_t len = strlen(names);
        snprintf(names + len, sizeof names - len, "%s%s", j ? ", " : "",
                 m->state[j].name);
      }
      return slp_diag_set(diag, SLP_EKEY, NULL, 0, 0, key,
                          "the model '%s' has no state variable '%s' (it has "
                          "%s)", m->name, in->vars[v], names);
    }
    for (size_t j = 0; j < v; j++)
      if (r->var[j] == idx)
        return slp_diag_set(diag, SLP_EEXIST, NULL, 0, 0, key,
                            "'%s' is recorded twice", m->state[idx].name);
    r->var[v] = idx;
    r->si[v] = slp__units_api_per_si(m->state[idx].dim);
    r->name[v] = m->state[idx].name;
  }
  r->n_vars = in->n_vars;
  snprintf(key, sizeof key, "record.state[%zu].neurons", k);
  r->n_neurons = in->neurons != NULL ? in->n_neurons : pop_n;
  if (r->n_neurons == 0)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, key,
                        "the list of neurons is empty");
  r->neurons = slp__malloc(r->n_neurons * sizeof *r->neurons);
  if (r->neurons == NULL)
    return SLP_ENOMEM;
  for (size_t j = 0; j < r->n_neurons; j++) {
    uint32_t i = in->neurons != NULL ? in->neurons[j] : (uint32_t)j;
    if (i >= pop_n)
      return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, key,
                          "neuron %u is out of range: '%s' has %u neurons "
                          "(0 to %u)", i, in->population, pop_n, pop_n - 1);
    r->neurons[j] = i;
  }
  snprintf(key, sizeof key, "record.state[%zu].interval", k);
  double ticks = nearbyint(in->interval_ms / SLP__MS_PER_TICK);
  if (!(ticks >= 1) || !(ticks < 1e15))
    return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, key,
                        "the sampling interval must be at least 1 ns and "
                        "finite, not %g ms", in->interval_ms);
  r->interval = (slp_tick)ticks;
  if (r->interval % sim->grid != 0)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, key,
                        "in grid mode the sampling interval must be a whole "
                        "number of steps dt = %g ms, not %g ms",
                        (double)sim->grid * SLP__MS_PER_TICK, in->interval_ms);
  r->next = r->interval;
  snprintf(key, sizeof key, "record.state[%zu].file", k);
  if (in->path == NULL || in->path[0] == '\0')
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, key,
                        "the state file name is empty");
  r->path = slp__strdup(in->path);
  return r->path == NULL ? SLP_ENOMEM : 0;
}

int slp__records_create(slp_sim *sim, const slp_network *net,
                        const slp_sim_config *cfg, slp_diag *diag) {
  if (cfg->n_state == 0)
    return 0;
  sim->records = slp__calloc(cfg->n_state, sizeof *sim->records);
  if (sim->records == NULL)
    return SLP_ENOMEM;
  sim->n_records = cfg->n_state;
  for (size_t k = 0; k < cfg->n_state; k++) {
    int rc = resolve(&sim->records[k], sim, net, &cfg->state[k], k, diag);
    if (rc != 0)
      return rc;
  }
  return 0;
}

static slp_tick gcd(slp_tick a, slp_tick b) {
  while (b != 0) {
    slp_tick t = a % b;
    a = b;
    b = t;
  }
  return a;
}

int slp__records_fit_window(const slp_sim *sim, slp_tick *w, slp_diag *diag) {
  if (sim->n_records == 0)
    return 0;
  slp_tick g = 0;
  for (size_t k = 0; k < sim->n_records; k++)
    g = gcd(g, sim->records[k].interval);
  /* Windows of g / m for the smallest m that makes them short enough and
   * whole steps; give up if that means windows far shorter than needed
   * (a sampling interval with no suitable divisor, such as a prime number
   * of ticks), which would make the run crawl. */
  slp_tick steps = g / sim->grid;
  slp_tick m0 = (g + *w - 1) / *w;
  for (slp_tick m = m0; m <= 64 * m0 && m <= steps; m++)
    if (steps % m == 0) {
      *w = g / m;
      return 0;
    }
  return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, "record.state",
                      "the sampling interval %g ms cannot be cut into "
                      "simulation windows of at most %g ms (the shortest "
                      "delay); choose a rounder interval",
                      (double)g * SLP__MS_PER_TICK,
                      (double)*w * SLP__MS_PER_TICK);
}

int slp__records_open(slp_sim *sim, slp_diag *diag) {
  for (size_t k = 0; k < sim->n_records; k++) {
    slp__state_rec *r = &sim->records[k];
    char key[96];
    snprintf(key, sizeof key, "record.state[%zu].file", k);
    if (sim->rank != 0)
      continue; /* rank 0 writes every sample (network/dist.h) */
    int rc = slp__state_writer_open(&r->w, r->path, key, r->name, r->n_vars,
                                    diag);
    if (rc != 0)
      return rc;
  }
  return 0;
}

int slp__records_sample(slp_sim *sim, slp_tick t) {
  int err = 0;
  for (size_t k = 0; k < sim->n_records; k++) {
    slp__state_rec *r = &sim->records[k];
    if (r->next != t || t > sim->end)
      continue;
    if (sim->dist != NULL) {
      /* Neurons on several ranks (network/dist.h): every rank takes part
       * in every sample, even after an error, which the next exchange
       * tells them all. */
      int x = slp__dist_sample(sim, r, t);
      if (err == 0)
        err = x;
      r->next += r->interval;
      continue;
    }
    double val[SLP__MAX_RECORD_VARS];
    for (size_t j = 0; j < r->n_neurons; j++) {
      uint32_t i;
      const slp__pop *pop = slp__sim_slice(sim, r->pop, r->neurons[j], &i);
      for (size_t v = 0; v < r->n_vars; v++)
        val[v] = pop->model->get(pop, i, r->var[v], t) / r->si[v];
      int rc = slp__state_writer_row(r->w, t, pop->node0 + i, val);
      if (rc != 0)
        return rc;
    }
    r->next += r->interval;
  }
  return err;
}

int slp__records_finish(slp_sim *sim) {
  int rc = 0;
  for (size_t k = 0; k < sim->n_records; k++) {
    slp__state_rec *r = &sim->records[k];
    if (r->w == NULL)
      continue;
    int rk = slp__state_writer_close(r->w);
    r->w = NULL;
    if (rc == 0)
      rc = rk;
  }
  return rc;
}

void slp__records_free(slp_sim *sim) {
  for (size_t k = 0; k < sim->n_records; k++) {
    slp__state_rec *r = &sim->records[k];
    slp__state_writer_abort(r->w);
    slp__free(r->neurons);
    slp__free(r->path);
  }
  slp__free(sim->records);
  sim->records = NULL;
  sim->n_records = 0;
}
