/*
 * network/build.c -- from a network description to runnable data.
 *
 * Everything random is drawn here from streams keyed by (seed, purpose,
 * entity): initial state per neuron, rates per source, and the synapses per
 * target column (synapses/connect.c).  The CSR is built in two passes over
 * the connection rules -- count, then fill -- so that no intermediate list of
 * all synapses is ever held.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "network/network.h"
#include "network/params_draw.h"
#include "network/sim.h"
#include "synapses/connect.h"
#include "neurons/norse_pop.h"
#include "baseline/stepper.h"


/* Draw the initial state of population g into per-variable arrays. */
static int draw_init(const slp__group *g, uint64_t seed, double **values,
                     double *const *pv, slp_diag *diag) {
  const slp__model *m = g->model;
  for (size_t v = 0; v < m->n_state; v++) {
    values[v] = slp__malloc((size_t)g->size * sizeof *values[v]);
    if (values[v] == NULL)
      return SLP_ENOMEM;
    const slp_dist *d = &g->init[v];
    if (!g->init_set[v] && m->state[v].default_from >= 0) {
      double x = g->params[m->state[v].default_from];
      const double *own = pv[m->state[v].default_from]; /* per neuron */
      for (uint32_t k = 0; k < g->size; k++)
        values[v][k] = own ? own[k] : x;
      continue;
    }
    for (uint32_t k = 0; k < g->size; k++) {
      if (d->kind == SLP_DIST_CONST) {
        values[v][k] = d->a;
        continue;
      }
      slp__rng r;
      slp__rng_init(&r, seed, SLP__RNG_INIT, g->first + k, (uint32_t)v);
      double x = slp__dist_draw(d, &r);
      if (isnan(x))
        return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, NULL,
                            "populations.%s.init.%s: the clipped normal "
                            "distribution cannot be drawn from (its clip "
                            "range holds too little of it)",
                            g->name, m->state[v].name);
      values[v][k] = x;
    }
  }
  return 0;
}

static int build_pops(slp_sim *sim, const slp_network *net, slp_diag *diag) {
  size_t n = 0;
  for (size_t k = 0; k < net->n_groups; k++)
    n += net->groups[k].kind == SLP__GROUP_POPULATION;
  if (n > UINT16_MAX)
    return slp_diag_set(diag, SLP_ELIMIT, NULL, 0, 0, "populations",
                        "at most %u populations are supported", UINT16_MAX);
  sim->pops = slp__calloc(n, sizeof *sim->pops);
  if (sim->pops == NULL && n > 0)
    return SLP_ENOMEM;
  for (size_t k = 0; k < net->n_groups; k++) {
    const slp__group *g = &net->groups[k];
    if (g->kind != SLP__GROUP_POPULATION)
      continue;
    char why[256];
    double *pv[SLP__MAX_PARAMS]; /* per-neuron parameters, checked */
    int rc = slp__params_draw(g, sim->cfg.seed, sim->cfg.mode, pv, diag);
    if (rc != 0)
      return rc;
    slp__pop *p = &sim->pops[sim->n_pops];
    p->model = g->model;
    p->index = (uint32_t)sim->n_pops;
    p->n = g->size;
    p->node0 = (uint32_t)g->first;
    memcpy(p->params, g->params, sizeof p->params);
    double *values[SLP__MAX_STATE] = {0};
    rc = draw_init(g, sim->cfg.seed, values, pv, diag);
    if (rc == 0) {
      slp__pop_init init = {0, sim->grid, {0}, {0}};
      for (size_t v = 0; v < SLP__MAX_STATE; v++)
        init.values[v] = values[v];
      memcpy(init.param_values, pv, sizeof pv);
      if (sim->cfg.mode == SLP_MODE_NORSE) {
        rc = slp__norse_pop_create(p, &init, sim->grid, why, sizeof why);
        if (rc == SLP_EINVAL || rc == SLP_ERANGE)
          rc = slp_diag_set(diag, rc, NULL, 0, 0, NULL,
                            "populations.%s: %s", g->name, why);
      } else {
        rc = p->model->create(p, &init);
      }
    }
    for (size_t v = 0; v < SLP__MAX_STATE; v++)
      slp__free(values[v]);
    slp__params_free(pv);
    if (rc != 0)
      return rc;
    sim->n_pops++;
  }
  return 0;
}

static int build_inputs(slp_sim *sim, const slp_network *net,
                        slp_diag *diag) {
  size_t n = net->n_groups - sim->n_pops;
  sim->inputs = slp__calloc(n, sizeof *sim->inputs);
  if (sim->inputs == NULL && n > 0)
    return SLP_ENOMEM;
  for (size_t k = 0; k < net->n_groups; k++) {
    const slp__group *g = &net->groups[k];
    if (g->kind == SLP__GROUP_POPULATION)
      continue;
    slp__group norse_g;
    double *first = NULL, *period = NULL;
    if (sim->cfg.mode == SLP_MODE_NORSE && g->lif_current != NULL) {
      /* Norse's encoder takes Euler steps too: its train, not the exact. */
      first = slp__malloc(g->size * sizeof *first);
      period = slp__malloc(g->size * sizeof *period);
      int rc = first && period ? slp__lif_encoder_norse(g, sim->cfg.dt_ms,
                                                        first, period)
                               : SLP_ENOMEM;
      if (rc != 0) {
        slp__free(first);
        slp__free(period);
        return rc == SLP_ERANGE
                   ? slp_diag_set(diag, rc, NULL, 0, 0, NULL,
                                  "inputs.%s.params.tau_mem: norse mode "
                                  "needs dt no longer than tau_mem",
                                  g->name)
                   : rc;
      }
      norse_g = *g;
      norse_g.first_ms = first;
      norse_g.period_ms = period;
      g = &norse_g;
    }
    int rc = slp__input_create(&sim->inputs[sim->n_inputs], g,
                               sim->n_neurons + (uint32_t)g->first,
                               sim->cfg.seed, sim->src_grid, 0);
    slp__free(first);
    slp__free(period);
    if (rc == SLP_ERANGE)
      return slp_diag_set(diag, rc, NULL, 0, 0, NULL,
                          "inputs.%s.rate: a drawn rate is negative or not "
                          "finite",
                          g->name);
    if (rc != 0)
      return rc;
    sim->n_inputs++;
  }
  return 0;
}

/* Where a projection's post indices go. */
typedef struct proj_map {
  slp_sim *sim;              /* the simulation being built */
  slp__csr_builder *b;       /* the builder */
  const slp__projection *p;  /* the projection */
  uint32_t src0;             /* node id of pre index 0 */
  uint64_t to_start[64];     /* post index where each target population begins */
  uint16_t to_pop[64];       /* runtime index of each target population */
  uint32_t to_node0[64];     /* node id of each target population's neuron 0 */
  int fill;                  /* 0: counting pass, 1: filling pass */
  uint32_t index;            /* the projection's index */
  slp_diag *diag;            /* for errors */
} proj_map;

/* A delay in ms as ticks on the simulation's grid; 0 if too short. */
static slp_tick delay_ticks(const slp_sim *sim, double ms) {
  double steps = nearbyint(ms / (SLP__MS_PER_TICK * (double)sim->src_grid));
  if (!(steps >= 1) || !(steps < 1e17))
    return 0;
  return (slp_tick)steps * sim->src_grid;
}

static int syn_sink(void *arg, uint32_t pre, uint32_t post, double w,
                    double delay_ms) {
  proj_map *m = arg;
  uint32_t row = m->src0 + pre;
  if (!m->fill) {
    if (delay_ticks(m->sim, delay_ms) == 0) {
      const char *what = m->sim->src_grid > 1 ? "the grid step dt" : "one tick (1 ns)";
      return slp_diag_set(m->diag, SLP_ERANGE, NULL, 0, 0, NULL,
                          "projection %s: a delay of %g ms is shorter than %s",
                          m->p->name ? m->p->name : "(unnamed)", delay_ms,
                          what);
    }
    slp__csr_builder_count(m->b, row);
    return 0;
  }
  size_t t = 0;
  while (t + 1 < m->p->n_to && post >= m->to_start[t + 1])
    t++;
  uint32_t local = post - (uint32_t)m->to_start[t];
  /* Plastic projections get segments of their own (tagged). */
  uint16_t tag = m->p->stdp != NULL || m->p->stp != NULL
                     ? (uint16_t)(m->index + 1)
                     : 0;
  slp__csr_builder_add_tagged(m->b, row, m->to_node0[t] + local, m->to_pop[t],
                              local, (float)w, delay_ticks(m->sim, delay_ms),
                              (uint8_t)m->p->receptor, tag);
  return 0;
}

static int build_synapses(slp_sim *sim, const slp_network *net,
                          slp_diag *diag) {
  slp__csr_builder b;
  uint32_t n_rows = sim->n_neurons + sim->n_sources;
  int rc = slp__csr_builder_init(&b, n_rows);
  for (int pass = 0; rc == 0 && pass < 2; pass++) {
    if (pass == 1)
      rc = slp__csr_builder_alloc(&b);
    for (size_t k = 0; rc == 0 && k < net->n_projs; k++) {
      const slp__projection *p = &net->projs[k];
      proj_map m;
      memset(&m, 0, sizeof m);
      m.sim = sim;
      m.b = &b;
      m.p = p;
      m.fill = pass;
      m.index = (uint32_t)k;
      m.diag = diag;
      const slp__group *from = &net->groups[p->from];
      m.src0 = from->kind == SLP__GROUP_POPULATION
                   ? (uint32_t)from->first
                   : sim->n_neurons + (uint32_t)from->first;
      if (p->n_to > 64) {
        rc = slp_diag_set(diag, SLP_ELIMIT, NULL, 0, 0, NULL,
                          "a projection may target at most 64 populations");
        break;
      }
      uint64_t start = 0;
      for (size_t t = 0; t < p->n_to; t++) {
        const slp__group *g = &net->groups[p->to[t]];
        m.to_start[t] = start;
        m.to_node0[t] = (uint32_t)g->first;
        for (size_t q = 0; q < sim->n_pops; q++)
          if (sim->pops[q].node0 == g->first)
            m.to_pop[t] = (uint16_t)q;
        start += g->size;
      }
      rc = slp__connect_generate(net, (uint32_t)k, sim->cfg.seed, 0,
                                 (uint32_t)p->n_post, syn_sink, &m, diag);
    }
  }
  if (rc == 0)
    rc = slp__csr_builder_finish(&b, &sim->csr);
  slp__csr_builder_free(&b);
  return rc;
}

/* STDP for the plastic projections; may shorten the window w. */
static int build_plasticity(slp_sim *sim, const slp_network *net,
                            slp_tick *w, slp_diag *diag) {
  uint32_t *node0 = slp__malloc((sim->n_pops + 1) * sizeof *node0);
  if (node0 == NULL)
    return SLP_ENOMEM;
  for (size_t q = 0; q < sim->n_pops; q++)
    node0[q] = sim->pops[q].node0;
  int rc = slp__plasticity_create(&sim->plast, net, &sim->csr, node0,
                                  sim->n_neurons, sim->grid, w, diag);
  slp__free(node0);
  return rc;
}

/* Inputs whose sources have one synapse each skip the queue (direct.h). */
static int build_direct(slp_sim *sim) {
  sim->direct = slp__calloc(sim->n_inputs, sizeof *sim->direct);
  if (sim->direct == NULL && sim->n_inputs > 0)
    return SLP_ENOMEM;
  for (size_t k = 0; k < sim->n_inputs; k++) {
    slp__input *in = &sim->inputs[k];
    if (!slp__direct_eligible(in, &sim->csr))
      continue;
    int rc = slp__direct_init(&sim->direct[sim->n_direct++], in, &sim->csr,
                              (uint32_t)(sim->window / sim->grid));
    if (rc != 0)
      return rc;
    in->direct = 1;
  }
  return 0;
}

int slp__sim_build(slp_sim *sim, const slp_network *net, slp_diag *diag) {
  if (!(sim->cfg.time_ms >= 0) || !isfinite(sim->cfg.time_ms) ||
      sim->cfg.time_ms > 9.2e12)
    return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, "simulation.time",
                        "the simulation time must be >= 0 and finite");
  sim->cfg.dt_ms = slp_sim_config_dt(&sim->cfg);
  int norse = sim->cfg.mode == SLP_MODE_NORSE;
  if (sim->cfg.mode == SLP_MODE_GRID || slp__stepper_mode(sim->cfg.mode) ||
      norse) {
    double g = nearbyint(sim->cfg.dt_ms / SLP__MS_PER_TICK);
    if (!(g >= 1) || !(g < 1e15))
      return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, "simulation.dt",
                          "the grid step dt must be at least 1 ns, not %g ms",
                          sim->cfg.dt_ms);
    sim->grid = (slp_tick)g;
  } else {
    sim->grid = 1;
  }
  /* Norse mode keeps source spikes and delays at the tick and bins the
   * arrivals into its steps. */
  sim->src_grid = norse ? 1 : sim->grid;
  sim->sources_first = norse;
  sim->end = (slp_tick)llround(sim->cfg.time_ms / SLP__MS_PER_TICK);
  sim->spike_end = norse ? sim->end + 1 : sim->end;
  if (net->n_neurons + net->n_sources > UINT32_MAX - 1)
    return SLP_ELIMIT;
  sim->n_neurons = (uint32_t)net->n_neurons;
  sim->n_sources = (uint32_t)net->n_sources;
  int rc = build_pops(sim, net, diag);
  if (rc == 0)
    rc = slp__records_create(sim, net, &sim->cfg, diag);
  if (rc == 0)
    rc = build_inputs(sim, net, diag);
  if (rc == 0)
    rc = build_synapses(sim, net, diag);
  if (rc != 0)
    return rc;
  /* Windows no longer than the smallest delay: nothing sent inside a window
   * can arrive inside it.  Without synapses any length works; 1 ms (or the
   * grid step multiple nearest it) keeps wake-ups and output flowing. */
  slp_tick w = sim->csr.d_min;
  if (w == 0) {
    w = SLP_TICKS_PER_MS;
    if (sim->grid > 1)
      w = w / sim->grid > 0 ? (w / sim->grid) * sim->grid : sim->grid;
  } else if (sim->cfg.mode == SLP_MODE_NORSE) {
    /* Whole steps; a neuron's spike is stamped at the end of its step, so a
     * window may reach d_min past its first step's end (run.c). */
    w = ((sim->grid + w) / sim->grid) * sim->grid;
  }
  int stdp = 0;
  for (size_t k = 0; k < net->n_projs; k++)
    stdp |= net->projs[k].stdp != NULL;
  if (sim->cfg.mode == SLP_MODE_NORSE && stdp)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, "simulation.mode",
                        "STDP does not run in norse mode yet");
  rc = build_plasticity(sim, net, &w, diag);
  if (rc != 0)
    return rc;
  if (sim->cfg.mode == SLP_MODE_NORSE && sim->plast != NULL)
    for (size_t q = 0; q < sim->plast->n_stp; q++)
      sim->plast->stp[q].norse_dt = sim->grid; /* Norse's stp_step */
  /* Recording cuts windows so that sample times fall between them. */
  if ((rc = slp__records_fit_window(sim, &w, diag)) != 0)
    return rc;
  sim->window = w;
  if (slp__stepper_mode(sim->cfg.mode))
    return slp__stepper_build(sim, net, diag); /* baseline/stepper.h */
  rc = slp__ring_init(&sim->ring, w, sim->csr.d_max + w, 0);
  /* Wake-ups are often tens of ms ahead (the linear bound of a neuron far
   * below threshold): a year of ~0.5 s keeps them out of the heap. */
  slp_tick year = 500 * SLP_TICKS_PER_MS;
  if (year / w > 65536)
    year = 65536 * w;
  if (year < 64 * w)
    year = 64 * w;
  if (rc == 0)
    rc = slp__ring_init(&sim->wake, w, year, 0);
  if (rc == 0)
    rc = build_direct(sim);
  return rc;
}
