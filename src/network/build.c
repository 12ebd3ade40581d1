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

#include <uv.h>

#include "core/alloc.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "network/network.h"
#include "network/params_draw.h"
#include "network/dist.h"
#include "network/sim.h"
#include "synapses/connect.h"
#include "neurons/norse_pop.h"
#include "baseline/stepper.h"


/* Draw the initial state of neurons [lo, hi) of population g into
 * per-variable arrays (keyed by neuron, so any slicing draws the same);
 * pv: the population's per-neuron parameters (params_draw.h). */
static int draw_init(const slp__group *g, uint32_t lo, uint32_t hi,
                     uint64_t seed, double **values, double *const *pv,
                     slp_diag *diag) {
  const slp__model *m = g->model;
  uint32_t n = hi - lo;
  for (size_t v = 0; v < m->n_state; v++) {
    values[v] = slp__malloc((n > 0 ? n : 1) * sizeof *values[v]);
    if (values[v] == NULL)
      return SLP_ENOMEM;
    const slp_dist *d = &g->init[v];
    if (!g->init_set[v] && m->state[v].default_from >= 0) {
      double x = g->params[m->state[v].default_from];
      const double *own = pv[m->state[v].default_from]; /* per neuron */
      for (uint32_t k = 0; k < n; k++)
        values[v][k] = own ? own[lo + k] : x;
      continue;
    }
    if (slp__dist_draw_each(d, seed, SLP__RNG_INIT, g->first + lo, n,
                            (uint32_t)v, values[v]) != 0)
      return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, NULL,
                          "populations.%s.init.%s: the clipped normal "
                          "distribution cannot be drawn from (its clip "
                          "range holds too little of it)",
                          g->name, m->state[v].name);
  }
  return 0;
}

/* Where slice p is: neurons [lo, hi) of population g, its model and
 * parameters -- all another rank's slice has (dist.h). */
static void slice_place(const slp__group *g, uint32_t lo, uint32_t hi,
                        slp__pop *p) {
  p->model = g->model;
  p->n = hi - lo;
  p->node0 = (uint32_t)g->first + lo;
  memcpy(p->params, g->params, sizeof p->params);
}

/* Make p the slice [lo, hi) of population g, whose per-neuron parameters
 * are pv (population-indexed; NULL: constant). */
static int make_slice(slp_sim *sim, const slp__group *g, uint32_t lo,
                      uint32_t hi, double *const *pv, slp__pop *p,
                      slp_diag *diag) {
  char why[256];
  slice_place(g, lo, hi, p);
  double *values[SLP__MAX_STATE] = {0};
  int rc = draw_init(g, lo, hi, sim->cfg.seed, values, pv, diag);
  if (rc == 0) {
    slp__pop_init init = {0, sim->grid, {0}, {0}, (uint32_t)g->size};
    for (size_t v = 0; v < SLP__MAX_STATE; v++)
      init.values[v] = values[v];
    for (size_t k = 0; k < SLP__MAX_PARAMS; k++)
      init.param_values[k] = pv[k] != NULL ? pv[k] + lo : NULL;
    if (sim->cfg.mode == SLP_MODE_NORSE) {
      rc = slp__norse_pop_create(p, &init, sim->grid, why, sizeof why);
      if (rc == SLP_EINVAL || rc == SLP_ERANGE)
        rc = slp_diag_set(diag, rc, NULL, 0, 0, NULL, "populations.%s: %s",
                          g->name, why);
    } else {
      rc = p->model->create(p, &init);
    }
  }
  for (size_t v = 0; v < SLP__MAX_STATE; v++)
    slp__free(values[v]);
  return rc;
}

/* A task over this rank's partitions, numbered from part_lo. */
typedef struct shifted {
  slp__task_fn fn;
  void *arg;
  uint32_t lo;
} shifted;

static int shifted_task(void *arg, uint32_t j) {
  shifted *sh = arg;
  return sh->fn(sh->arg, sh->lo + j);
}

/*
 * fn(arg, j) for every partition j: this rank's each on its own thread
 * (core/parallel.h: first touch by the thread that will run it), the other
 * ranks' (which stay empty here, dist.h) on the calling thread.  The code of
 * the lowest-numbered failure, with *failed its partition.
 */
static int for_parts(slp_sim *sim, slp__task_fn fn, void *arg,
                     uint32_t *failed) {
  shifted sh = {fn, arg, sim->part_lo};
  int rc = slp__parallel(sim->part_hi - sim->part_lo, shifted_task, &sh,
                         failed);
  *failed += sim->part_lo;
  for (uint32_t j = 0; rc == 0 && j < sim->n_parts; j++)
    if (j < sim->part_lo || j >= sim->part_hi) {
      rc = fn(arg, j);
      *failed = j;
    }
  return rc;
}

/* The slices of every population for one partition, made by the thread
 * that will run them (first touch). */
typedef struct slice_task {
  slp_sim *sim;
  const slp__group **groups;          /* population q's group */
  double *(*pv)[SLP__MAX_PARAMS];     /* population q's per-neuron values */
  slp_diag *diag;                     /* one per partition */
} slice_task;

static int slices_task(void *arg, uint32_t j) {
  slice_task *t = arg;
  slp_sim *sim = t->sim;
  for (size_t q = 0; q < sim->n_pops; q++) {
    const uint32_t *cut = &sim->cut[q * (sim->n_parts + 1)];
    const slp__group *g = t->groups[q];
    slp__pop *p = &sim->parts[j].pops[q];
    if (j < sim->part_lo || j >= sim->part_hi) {
      slice_place(g, cut[j], cut[j + 1], p); /* another rank's */
      continue;
    }
    int rc = make_slice(sim, g, cut[j], cut[j + 1], t->pv[q], p,
                        &t->diag[j]);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/*
 * The populations, each cut into one slice per partition.  Slices are cut
 * by neuron count (in-degree balancing is left for when a measurement asks
 * for it).  Per-neuron parameters are drawn (and checked) first, for the
 * whole population; then each partition makes its slices in parallel.
 */
static int build_pops(slp_sim *sim, const slp_network *net, slp_diag *diag) {
  size_t n = 0;
  for (size_t k = 0; k < net->n_groups; k++)
    n += net->groups[k].kind == SLP__GROUP_POPULATION;
  if (n > UINT16_MAX)
    return slp_diag_set(diag, SLP_ELIMIT, NULL, 0, 0, "populations",
                        "at most %u populations are supported", UINT16_MAX);
  uint32_t T = sim->n_parts;
  size_t cap = n > 0 ? n : 1;
  sim->cut = slp__calloc(cap * (T + 1), sizeof *sim->cut);
  slice_task t = {sim, slp__calloc(cap, sizeof *t.groups),
                  slp__calloc(cap, sizeof *t.pv),
                  slp__calloc(T, sizeof *t.diag)};
  int rc = sim->cut && t.groups && t.pv && t.diag ? 0 : SLP_ENOMEM;
  for (uint32_t j = 0; rc == 0 && j < T; j++) {
    sim->parts[j].pops = slp__calloc(cap, sizeof(slp__pop));
    if (sim->parts[j].pops == NULL)
      rc = SLP_ENOMEM;
  }
  size_t q = 0;
  for (size_t k = 0; rc == 0 && k < net->n_groups; k++) {
    const slp__group *g = &net->groups[k];
    if (g->kind != SLP__GROUP_POPULATION)
      continue;
    rc = slp__params_draw(g, sim->cfg.seed, sim->cfg.mode, t.pv[q], diag);
    if (rc != 0)
      break;
    t.groups[q] = g;
    uint32_t *cut = &sim->cut[q * (T + 1)];
    for (uint32_t j = 0; j <= T; j++)
      cut[j] = (uint32_t)((uint64_t)g->size * j / T);
    for (uint32_t j = 0; j < T; j++)
      for (uint32_t i = cut[j]; i < cut[j + 1]; i++)
        sim->owner[g->first + i] = (uint16_t)j;
    q++;
  }
  if (rc == 0) {
    /* Counted before the slices are made: a failure leaves them to
     * slp_sim_destroy, which skips slices never made (no model). */
    sim->n_pops = n;
    uint32_t failed;
    rc = for_parts(sim, slices_task, &t, &failed);
    if (rc != 0 && diag != NULL)
      *diag = t.diag[failed];
  }
  for (size_t k = 0; t.pv != NULL && k < n; k++)
    slp__params_free(t.pv[k]);
  slp__free(t.groups);
  slp__free(t.pv);
  slp__free(t.diag);
  return rc;
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

/* Where a projection's post indices go, in one partition. */
typedef struct proj_map {
  slp_sim *sim;              /* the simulation being built */
  slp__csr_builder *b;       /* the partition's builder */
  const slp__projection *p;  /* the projection */
  uint32_t src0;             /* node id of pre index 0 */
  uint64_t to_start[64];     /* post index where each target population begins */
  uint16_t to_pop[64];       /* runtime index of each target population */
  uint32_t to_node0[64];     /* node id of each target population's neuron 0 */
  int fill;                  /* 0: counting pass, 1: filling pass */
  uint32_t index;            /* the projection's index */
  slp_diag *diag;            /* for errors */
  double last_ms;            /* the last delay converted (NAN: none yet), */
  slp_tick last_d;           /* and its ticks: most projections have one
                                delay, converted once, not per synapse */
} proj_map;

/* A delay in ms as ticks on the simulation's grid; 0 if too short. */
static slp_tick delay_ticks(const slp_sim *sim, double ms) {
  double steps = nearbyint(ms / (SLP__MS_PER_TICK * (double)sim->src_grid));
  if (!(steps >= 1) || !(steps < 1e17))
    return 0;
  return (slp_tick)steps * sim->src_grid;
}

/* delay_ticks, remembering the last conversion. */
static inline slp_tick map_delay(proj_map *m, double ms) {
  if (ms != m->last_ms) {
    m->last_ms = ms;
    m->last_d = delay_ticks(m->sim, ms);
  }
  return m->last_d;
}

static int syn_sink(void *arg, uint32_t pre, uint32_t post, double w,
                    double delay_ms) {
  proj_map *m = arg;
  uint32_t row = m->src0 + pre;
  if (!m->fill) {
    slp_tick d = map_delay(m, delay_ms);
    if (d == 0) {
      const char *what = m->sim->src_grid > 1 ? "the grid step dt" : "one tick (1 ns)";
      return slp_diag_set(m->diag, SLP_ERANGE, NULL, 0, 0, NULL,
                          "projection %s: a delay of %g ms is shorter than %s",
                          m->p->name ? m->p->name : "(unnamed)", delay_ms,
                          what);
    }
    if (d > SLP__CSR_MAX_DELAY)
      return slp_diag_set(m->diag, SLP_ERANGE, NULL, 0, 0, NULL,
                          "projection %s: a delay of %g ms is longer than the "
                          "largest a synapse holds (%.6g ms)",
                          m->p->name ? m->p->name : "(unnamed)", delay_ms,
                          (double)SLP__CSR_MAX_DELAY * SLP__MS_PER_TICK);
    slp__csr_builder_count(m->b, row);
    return 0;
  }
  size_t t = 0;
  while (t + 1 < m->p->n_to && post >= m->to_start[t + 1])
    t++;
  uint32_t in_pop = post - (uint32_t)m->to_start[t];
  /* Plastic projections get segments of their own (tagged). */
  uint16_t tag = m->p->stdp != NULL || m->p->stp != NULL
                     ? (uint16_t)(m->index + 1)
                     : 0;
  slp__csr_builder_add(m->b, row, m->to_node0[t] + in_pop, (float)w,
                       map_delay(m, delay_ms), (uint8_t)m->p->receptor, tag);
  return 0;
}

/*
 * The synapses onto partition j's neurons: every projection generated over
 * the partition's slice of each target population (connect.h draws per
 * target, so the synapses are those of an unpartitioned build).
 */
static int build_part_synapses(slp_sim *sim, const slp_network *net,
                               uint32_t j, slp_diag *diag) {
  if (j < sim->part_lo || j >= sim->part_hi) {
    /* Another rank's partition: no synapses here, not even a row index
     * (8 bytes a node, times every partition of every rank). */
    memset(&sim->parts[j].csr, 0, sizeof sim->parts[j].csr);
    return 0;
  }
  slp__csr_builder b;
  uint32_t n_rows = sim->n_neurons + sim->n_sources, T = sim->n_parts;
  uint32_t *node0 = slp__malloc((sim->n_pops + 1) * sizeof *node0);
  uint32_t *size = slp__malloc((sim->n_pops + 1) * sizeof *size);
  if (node0 == NULL || size == NULL) {
    slp__free(node0);
    slp__free(size);
    return SLP_ENOMEM;
  }
  for (size_t q = 0; q < sim->n_pops; q++) {
    node0[q] = sim->parts[j].pops[q].node0;
    size[q] = sim->parts[j].pops[q].n;
  }
  int rc = slp__csr_builder_init(&b, n_rows, (uint32_t)sim->n_pops, node0,
                                 size);
  slp__free(node0);
  slp__free(size);
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
      m.last_ms = (double)NAN;
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
          if (sim->parts[0].pops[q].node0 == g->first)
            m.to_pop[t] = (uint16_t)q;
        start += g->size;
      }
      for (size_t t = 0; rc == 0 && t < p->n_to; t++) {
        const uint32_t *cut = &sim->cut[(size_t)m.to_pop[t] * (T + 1)];
        if (cut[j + 1] > cut[j])
          rc = slp__connect_generate(net, (uint32_t)k, sim->cfg.seed,
                                     (uint32_t)m.to_start[t] + cut[j],
                                     (uint32_t)m.to_start[t] + cut[j + 1],
                                     syn_sink, &m, diag);
      }
    }
  }
  if (rc == 0)
    rc = slp__csr_builder_finish(&b, &sim->parts[j].csr);
  slp__csr_builder_free(&b);
  return rc;
}

/* A build step run for every partition on its own thread. */
typedef struct part_task {
  slp_sim *sim;
  const slp_network *net;
  slp_diag *diag; /* one per partition */
} part_task;

static int synapses_task(void *arg, uint32_t j) {
  part_task *t = arg;
  return build_part_synapses(t->sim, t->net, j, &t->diag[j]);
}

/* Every partition's synapses, each built by its own thread (so that its
 * pages are first touched by the thread that will read them); the delay
 * range is the network's. */
static int build_synapses(slp_sim *sim, const slp_network *net,
                          slp_diag *diag) {
  part_task t = {sim, net, slp__calloc(sim->n_parts, sizeof(slp_diag))};
  if (t.diag == NULL)
    return SLP_ENOMEM;
  uint32_t failed;
  int rc = for_parts(sim, synapses_task, &t, &failed);
  if (rc != 0 && diag != NULL)
    *diag = t.diag[failed];
  slp__free(t.diag);
  slp_tick d_min = 0, d_max = 0;
  for (uint32_t j = 0; rc == 0 && j < sim->n_parts; j++) {
    const slp__csr *c = &sim->parts[j].csr;
    if (c->d_min > 0 && (d_min == 0 || c->d_min < d_min))
      d_min = c->d_min;
    if (c->d_max > d_max)
      d_max = c->d_max;
  }
  if (sim->dist != NULL) { /* the other ranks' synapses (dist.h) */
    rc = slp__dist_agree(sim, rc, diag);
    if (rc == 0)
      rc = slp__dist_synapses(sim, &d_min, &d_max);
  }
  if (rc != 0)
    return rc;
  for (uint32_t j = 0; j < sim->n_parts; j++) {
    sim->parts[j].csr.d_min = d_min;
    sim->parts[j].csr.d_max = d_max;
  }
  return 0;
}

/* Plasticity (STDP, STP) of one partition's synapses, by its own thread;
 * its window bound goes to window[j]. */
typedef struct plast_task {
  slp_sim *sim;
  const slp_network *net;
  slp_tick *window; /* per partition */
  slp_diag *diag;   /* per partition */
} plast_task;

static int plasticity_task(void *arg, uint32_t j) {
  plast_task *t = arg;
  slp_sim *sim = t->sim;
  slp__part *pt = &sim->parts[j];
  uint32_t *node0 = slp__malloc((sim->n_pops + 1) * sizeof *node0);
  if (node0 == NULL)
    return SLP_ENOMEM;
  for (size_t q = 0; q < sim->n_pops; q++)
    node0[q] = pt->pops[q].node0;
  int rc = slp__plasticity_create(&pt->plast, t->net, &pt->csr, node0,
                                  sim->n_neurons, sim->grid, &t->window[j],
                                  &t->diag[j]);
  slp__free(node0);
  /* Norse mode: Norse's stdp_step_linear and stp_step (plasticity/). */
  if (rc == 0)
    rc = slp__plasticity_set_mode(
        pt->plast, t->net, sim->cfg.mode == SLP_MODE_NORSE ? sim->grid : 0,
        &t->window[j], &t->diag[j]);
  return rc;
}

/* Every partition's plasticity; may shorten the window w, to the same
 * length for all: the bound depends on delays and parameters, and the
 * shortest over the partitions is the network's. */
static int build_plasticity(slp_sim *sim, const slp_network *net,
                            slp_tick *w, slp_diag *diag) {
  uint32_t T = sim->n_parts;
  plast_task t = {sim, net, slp__malloc(T * sizeof *t.window),
                  slp__calloc(T, sizeof *t.diag)};
  int rc = t.window != NULL && t.diag != NULL ? 0 : SLP_ENOMEM;
  for (uint32_t j = 0; rc == 0 && j < T; j++)
    t.window[j] = *w;
  uint32_t failed = 0;
  if (rc == 0)
    rc = for_parts(sim, plasticity_task, &t, &failed);
  if (rc != 0 && diag != NULL && t.diag != NULL)
    *diag = t.diag[failed];
  for (uint32_t j = 0; rc == 0 && j < T; j++)
    if (t.window[j] < *w)
      *w = t.window[j];
  slp__free(t.window);
  slp__free(t.diag);
  return rc;
}

/* Whether source k of input `in` has synapses in more than one partition,
 * and the first partition that has some (n_parts: none). */
static uint32_t first_part_of(const slp_sim *sim, uint32_t node, int *spread) {
  if (sim->dist != NULL) /* partitions on other ranks too */
    return slp__dist_first_part(sim, node, spread);
  uint32_t first = sim->n_parts;
  *spread = 0;
  for (uint32_t j = 0; j < sim->n_parts; j++) {
    const slp__csr *c = &sim->parts[j].csr;
    if (c->row_seg[node + 1] == c->row_seg[node])
      continue;
    if (first < sim->n_parts)
      *spread = 1;
    else
      first = j;
  }
  return first;
}

/* Whether input k is the only input group with synapses onto population p
 * in partition pt: a drive its targets take comes last at a tick only then
 * (inputs/drive.h). */
static int only_input_into(const slp_sim *sim, const slp__part *pt, size_t k,
                           uint32_t p) {
  const slp__csr *c = &pt->csr;
  for (size_t q = 0; q < sim->n_inputs; q++) {
    const slp__input *in = &sim->inputs[q];
    for (uint32_t s = 0; q != k && s < in->n; s++)
      for (uint64_t g = c->row_seg[in->node0 + s];
           g < c->row_seg[in->node0 + s + 1]; g++)
        if (c->seg_pop[g] == p)
          return 0;
  }
  return 1;
}

/* In exact and grid mode, direct input k of partition pt is taken by its
 * targets when they can (direct.h).  SLP_ENOMEM on failure. */
static int pull_direct(const slp_sim *sim, slp__part *pt, size_t k,
                       slp__direct *d) {
  if ((sim->cfg.mode != SLP_MODE_EXACT && sim->cfg.mode != SLP_MODE_GRID) ||
      !slp__direct_pullable(d, pt->pops))
    return 0;
  for (uint32_t m = 0; m < d->n; m++)
    if ((m == 0 || d->pop[m] != d->pop[m - 1]) &&
        !only_input_into(sim, pt, k, d->pop[m]))
      return 0;
  return slp__direct_pull(d, pt->pops);
}

/* Inputs whose sources have one synapse each skip the queue (direct.h):
 * each partition draws the sources whose synapse it holds. */
static int build_direct(slp_sim *sim) {
  for (uint32_t j = 0; j < sim->n_parts; j++) {
    sim->parts[j].direct = slp__calloc(sim->n_inputs > 0 ? sim->n_inputs : 1,
                                       sizeof(slp__direct));
    if (sim->parts[j].direct == NULL)
      return SLP_ENOMEM;
  }
  for (size_t k = 0; k < sim->n_inputs; k++) {
    slp__input *in = &sim->inputs[k];
    int ok = 1;
    for (uint32_t j = sim->part_lo; ok && j < sim->part_hi; j++)
      ok = slp__direct_eligible(in, &sim->parts[j].csr);
    if (ok && sim->dist != NULL) /* and on the other ranks */
      ok = slp__dist_direct_ok(sim, k);
    for (uint32_t s = 0; ok && s < in->n; s++) {
      int spread;
      first_part_of(sim, in->node0 + s, &spread);
      ok = !spread;
    }
    if (!ok)
      continue;
    for (uint32_t j = sim->part_lo; j < sim->part_hi; j++) {
      slp__part *pt = &sim->parts[j];
      slp__direct d;
      int rc = slp__direct_init(&d, in, &pt->csr,
                                (uint32_t)(sim->window / sim->grid));
      if (rc == 0 && d.n > 0)
        rc = pull_direct(sim, pt, k, &d);
      if (rc != 0 || d.n == 0) {
        slp__direct_free(&d);
        if (rc != 0)
          return rc;
        continue;
      }
      pt->direct[pt->n_direct++] = d;
    }
    in->direct = 1;
  }
  return 0;
}

/* Append sources [lo, hi) of input k to partition j's emission ranges. */
static int add_range(slp__part *pt, uint32_t k, uint32_t lo, uint32_t hi,
                     size_t *cap) {
  if (pt->n_emit > 0) {
    slp__src_range *last = &pt->emit[pt->n_emit - 1];
    if (last->input == k && last->hi == lo) {
      last->hi = hi;
      return 0;
    }
  }
  if (slp__grow((void **)&pt->emit, cap, pt->n_emit + 1, sizeof *pt->emit))
    return SLP_ENOMEM;
  slp__src_range *r = &pt->emit[pt->n_emit++];
  r->input = k;
  r->lo = lo;
  r->hi = hi;
  slp__poisson_wheel_init(&r->wheel);
  return 0;
}

/*
 * Who emits each queued source: the first partition that holds one of its
 * synapses (a source onto one partition is then emitted where it is
 * delivered and never crosses to the others), or, for a source without
 * synapses, a share by count.  A spike_array group is emitted whole by
 * partition 0: its events are one sorted list.
 */
static int assign_sources(slp_sim *sim) {
  uint32_t T = sim->n_parts;
  size_t *cap = slp__calloc(T, sizeof *cap);
  if (cap == NULL)
    return SLP_ENOMEM;
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < sim->n_inputs; k++) {
    const slp__input *in = &sim->inputs[k];
    if (in->direct)
      continue;
    int whole = in->kind != SLP__GROUP_POISSON &&
                in->kind != SLP__GROUP_SIGNED_POISSON &&
                in->kind != SLP__GROUP_POISSON_PROCESS &&
                in->kind != SLP__GROUP_REGULAR;
    uint32_t run_lo = 0, run_part = 0;
    for (uint32_t s = 0; rc == 0 && s < in->n; s++) {
      int spread;
      uint32_t node = in->node0 + s;
      uint32_t first = first_part_of(sim, node, &spread);
      uint32_t part = whole ? 0
                      : first < T ? first
                                  : (uint32_t)((uint64_t)s * T / in->n);
      sim->owner[node] = (uint16_t)part;
      if (!spread && (first == part || first == T))
        sim->owner[node] |= SLP__OWNER_LOCAL;
      if (s > 0 && part != run_part) {
        rc = add_range(&sim->parts[run_part], (uint32_t)k, run_lo, s,
                       &cap[run_part]);
        run_lo = s;
      }
      run_part = part;
    }
    if (rc == 0 && in->n > 0)
      rc = add_range(&sim->parts[run_part], (uint32_t)k, run_lo, in->n,
                     &cap[run_part]);
  }
  slp__free(cap);
  return rc;
}

/* Every partition's queues: the ring of deliveries, and the wake-up map,
 * whose items are the partition's neurons, each population slice from a
 * multiple of 64 (pop.h). */
static int build_queues(slp_sim *sim, slp_tick w) {
  /* Wake-ups are often a few to tens of ms ahead (the linear bound of a
   * neuron far below threshold); one beyond the year is placed in its last
   * window and looked at early.  A year of 12.8 ms (at least 64 windows)
   * keeps the map small -- CUBA's 4000 neurons in 128 buckets of a bit
   * each, 64 kB -- where 64 ms took 322 kB of a 1 MB L2: with 1 MB of
   * cache modelled (cachegrind), CUBA misses 17 % less for 0.6 % fewer
   * instructions; at 6.4 ms the early looks cost 4 % more instructions. */
  slp_tick year = 128 * SLP_TICKS_PER_MS / 10;
  if (year / w > 65536)
    year = 65536 * w;
  if (year < 64 * w)
    year = 64 * w;
  for (uint32_t j = 0; j < sim->n_parts; j++) {
    slp__part *pt = &sim->parts[j];
    pt->index = j;
    size_t items = 0;
    for (size_t q = 0; q < sim->n_pops; q++) {
      if (items > UINT32_MAX)
        return SLP_ENOMEM; /* more neurons than a partition can number */
      pt->pops[q].wake0 = (uint32_t)items;
      items += ((size_t)pt->pops[q].n + 63) / 64 * 64;
    }
    int rc = slp__ring_init(&pt->ring, w, pt->csr.d_max + w, 0);
    if (rc == 0)
      rc = slp__wake_map_init(&pt->wake, w, (size_t)(year / w), items, 0);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* Neurons per thread below which "all cores" takes fewer: a thread's
 * share of a window must outweigh meeting the others once per window. */
#define AUTO_MIN_NEURONS 1024

/* The number of partitions: cfg->threads, or for 0 all cores (one per
 * AUTO_MIN_NEURONS neurons at most); the dense and clock baselines step one
 * array and run on one. */
static uint32_t n_parts_for(const slp_sim_config *cfg, uint32_t n_neurons) {
  if (slp__stepper_mode(cfg->mode))
    return 1;
  unsigned t = cfg->threads;
  if (t == 0) {
    t = uv_available_parallelism();
    if (t > n_neurons / AUTO_MIN_NEURONS)
      t = n_neurons / AUTO_MIN_NEURONS;
  }
  if (t < 1)
    t = 1;
  /* All cores of a very large machine: as many as are supported. */
  return t > SLP__MAX_THREADS ? SLP__MAX_THREADS : t;
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
  if (sim->cfg.threads > SLP__MAX_THREADS)
    return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, "simulation.threads",
                        "at most %d threads are supported, not %u",
                        SLP__MAX_THREADS, sim->cfg.threads);
  /* n_parts partitions per rank (dist.h). */
  int rc = slp__dist_layout(sim, n_parts_for(&sim->cfg, sim->n_neurons), diag);
  if (rc != 0)
    return rc;
  sim->parts = slp__calloc_aligned(sim->n_parts, sizeof *sim->parts,
                                   SLP__CACHE_LINE);
  sim->owner = slp__calloc((size_t)sim->n_neurons + sim->n_sources + 1,
                           sizeof *sim->owner);
  if (sim->parts == NULL || sim->owner == NULL)
    return SLP_ENOMEM;
  rc = build_pops(sim, net, diag);
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
  slp_tick w = sim->parts[0].csr.d_min;
  if (w == 0) {
    w = SLP_TICKS_PER_MS;
    if (sim->grid > 1)
      w = w / sim->grid > 0 ? (w / sim->grid) * sim->grid : sim->grid;
  } else if (sim->cfg.mode == SLP_MODE_NORSE) {
    /* Whole steps; a neuron's spike is stamped at the end of its step, so a
     * window may reach d_min past its first step's end (run.c). */
    w = ((sim->grid + w) / sim->grid) * sim->grid;
  }
  rc = build_plasticity(sim, net, &w, diag);
  if (sim->dist != NULL) { /* the shortest window of any rank (dist.h) */
    rc = slp__dist_agree(sim, rc, diag);
    if (rc == 0)
      rc = slp__dist_window(sim, &w);
  }
  if (rc != 0)
    return rc;
  /* Recording cuts windows so that sample times fall between them. */
  if ((rc = slp__records_fit_window(sim, &w, diag)) != 0)
    return rc;
  sim->window = w;
  if (slp__stepper_mode(sim->cfg.mode))
    return slp__stepper_build(sim, net, diag); /* baseline/stepper.h */
  rc = build_queues(sim, w);
  if (rc == 0)
    rc = build_direct(sim);
  if (rc == 0)
    rc = assign_sources(sim);
  return rc;
}
