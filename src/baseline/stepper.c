/*
 * baseline/stepper.c -- the dense and clock modes' time-stepped loop
 * (stepper.h).
 *
 * Per window [t0, t1) of sim: the input sources emit their spikes of the
 * window (the same draws as the event path's), then every tick t of the
 * window, in steps of h:
 *   1. every population takes its step to t and adds the inputs due at t
 *      (step_models.c); the ring slot of t is cleared for reuse;
 *   2. the neurons that fired at t are recorded;
 *   3. their spikes, then the sources' spikes at t, are added to the slots
 *      of their arrival ticks t + delay: in dense mode the neurons' part is
 *      the dense product W z (dense.c), in clock mode a CSR fan-out.  Both
 *      add in ascending source order, so both give the same sums.
 * Every delay is a whole number of steps between h and d_max, so a slot is
 * never written for the tick being processed.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "baseline/stepper.h"
#include "core/alloc.h"
#include "network/network.h"
#include "network/sim.h"

int slp__stepper_mode(slp_mode mode) {
  return mode == SLP_MODE_DENSE || mode == SLP_MODE_CLOCK;
}

void slp__stepper_free(slp__stepper *s) {
  if (s == NULL)
    return;
  for (size_t g = 0; g < s->n_groups; g++)
    slp__step_group_free(&s->groups[g]);
  slp__free(s->groups);
  slp__free(s->st.u);
  slp__free(s->st.i[0]);
  slp__free(s->st.i[1]);
  slp__free(s->st.ref_end);
  slp__free(s->acc);
  slp__free(s->z);
  slp__free(s->fired);
  slp__spikebuf_free(&s->in_spikes);
  slp__spikebuf_free(&s->scratch);
  slp__free(s->ys);
  slp__dense_free(&s->dm);
  slp__free(s);
}

uint64_t slp__stepper_dense_bytes(const slp__stepper *s) {
  return s != NULL ? s->dm.bytes : 0;
}

/* 3/4 of the machine's memory: what the dense matrices may take. */
static uint64_t memory_limit(void) {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || size <= 0)
    return UINT64_MAX;
  return (uint64_t)pages * (uint64_t)size / 4 * 3;
}

/* Take over population p's neurons: read their initial state through the
 * model, then free the event path's copy of it. */
static int take_population(slp__stepper *s, slp__pop *pop, const char *name,
                           int euler, slp_diag *diag) {
  slp__step_group *g = &s->groups[s->n_groups];
  char why[256];
  int rc = slp__step_group_init(g, pop->model, pop->params, euler, s->h, why,
                                sizeof why);
  if (rc == SLP_ENOMEM)
    return rc;
  if (rc != 0)
    return slp_diag_set(diag, rc, NULL, 0, 0,
                        rc == SLP_ERANGE ? "simulation.dt" : "simulation.mode",
                        "population '%s': %s", name, why);
  s->n_groups++;
  g->first = pop->node0;
  g->n = pop->n;
  int iv = slp__model_state_index(pop->model, "v");
  int ie = slp__model_state_index(pop->model, "i_exc");
  int ii = slp__model_state_index(pop->model, "i_inh");
  for (uint32_t k = 0; k < pop->n; k++) {
    uint32_t j = pop->node0 + k;
    s->st.u[j] = pop->model->get(pop, k, iv, 0) - g->v_leak;
    s->st.i[0][j] = ie >= 0 ? pop->model->get(pop, k, ie, 0) : 0.0;
    s->st.i[1][j] = ii >= 0 ? pop->model->get(pop, k, ii, 0) : 0.0;
    s->st.ref_end[j] = 0;
  }
  pop->model->destroy(pop);
  pop->state_bytes = (size_t)pop->n * (3 * sizeof(double) + sizeof(slp_tick));
  return 0;
}

int slp__stepper_build(slp_sim *sim, const slp_network *net,
                       slp_diag *diag) {
  /* The baselines step their own copy of the state and deliver through
   * their own buffers: what the event path offers besides (recording a
   * model's state, plastic synapses) they do not have. */
  if (sim->n_records > 0)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, "record.state",
                        "state recording is not available in the %s mode",
                        slp_mode_name(sim->cfg.mode));
  if (sim->parts[0].plast != NULL)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, "simulation.mode",
                        "plastic projections do not run in the %s mode",
                        slp_mode_name(sim->cfg.mode));
  slp__stepper *s = slp__calloc(1, sizeof *s);
  if (s == NULL)
    return SLP_ENOMEM;
  sim->stepper = s;
  s->dense = sim->cfg.mode == SLP_MODE_DENSE;
  s->h = sim->grid;
  s->n = sim->n_neurons;
  size_t n = s->n ? s->n : 1;
  s->groups = slp__calloc(sim->n_pops ? sim->n_pops : 1, sizeof *s->groups);
  s->st.u = slp__malloc(n * sizeof *s->st.u);
  s->st.i[0] = slp__malloc(n * sizeof *s->st.i[0]);
  s->st.i[1] = slp__malloc(n * sizeof *s->st.i[1]);
  s->st.ref_end = slp__malloc(n * sizeof *s->st.ref_end);
  /* A neuron fires at most twice per step (lif_box: tonic, then jump). */
  s->fired = slp__malloc(2 * n * sizeof *s->fired);
  s->n_slots = (uint32_t)(sim->parts[0].csr.d_max / s->h + 1);
  s->acc = slp__calloc((size_t)s->n_slots * 2 * n, sizeof *s->acc);
  if (!s->groups || !s->st.u || !s->st.i[0] || !s->st.i[1] ||
      !s->st.ref_end || !s->fired || !s->acc)
    return SLP_ENOMEM;
  s->bytes = n * (3 * sizeof(double) + sizeof(slp_tick) + 2 * sizeof(uint32_t)) +
             (uint64_t)s->n_slots * 2 * n * sizeof(double);
  int euler = sim->cfg.propagator == SLP_PROPAGATOR_EULER;
  size_t p = 0;
  for (size_t k = 0; k < net->n_groups; k++) {
    if (net->groups[k].kind != SLP__GROUP_POPULATION)
      continue;
    int rc = take_population(s, &sim->parts[0].pops[p++], net->groups[k].name, euler,
                             diag);
    if (rc != 0)
      return rc;
  }
  if (s->dense) {
    uint32_t *node0 = slp__malloc((sim->n_pops ? sim->n_pops : 1) *
                                  sizeof *node0);
    s->z = slp__calloc(n, sizeof *s->z);
    if (node0 == NULL || s->z == NULL) {
      slp__free(node0);
      return SLP_ENOMEM;
    }
    for (size_t k = 0; k < sim->n_pops; k++)
      node0[k] = sim->parts[0].pops[k].node0;
    s->bytes += n * sizeof *s->z;
    int rc = slp__dense_build(&s->dm, &sim->parts[0].csr, s->n, node0, memory_limit(),
                              diag);
    slp__free(node0);
    if (rc != 0)
      return rc;
    s->ys = slp__calloc(s->dm.n_mat ? s->dm.n_mat : 1, sizeof *s->ys);
    if (s->ys == NULL)
      return SLP_ENOMEM;
  }
  return 0;
}

/* The input sums of the slot of tick t, receptor r. */
static double *slot_of(const slp__stepper *s, slp_tick t, unsigned r) {
  size_t slot = (size_t)((uint64_t)(t / s->h) % s->n_slots);
  return &s->acc[(slot * 2 + r) * (size_t)(s->n ? s->n : 1)];
}

/* Fan a spike of node `node` at tick t out through its CSR row, with
 * weights times scale.  Counts the events that arrive before the end. */
static void fan_out(slp_sim *sim, uint32_t node, slp_tick t, float scale) {
  const slp__csr *c = &sim->parts[0].csr;
  const slp__stepper *s = sim->stepper;
  for (uint64_t g = c->row_seg[node]; g < c->row_seg[node + 1]; g++) {
    slp_tick ta = t + c->seg_delay[g];
    double *y = slot_of(s, ta, c->seg_receptor[g]) +
                sim->parts[0].pops[c->seg_pop[g]].node0;
    uint64_t lo = c->seg_start[g], hi = c->seg_start[g + 1];
    for (uint64_t k = lo; k < hi; k++)
      y[c->col[k]] += (double)(c->w[k] * scale);
    if (ta < sim->end)
      sim->parts[0].events += hi - lo;
  }
}

/* Dense mode: the neurons' spikes of tick t through the matrices. */
static void dense_out(slp_sim *sim, slp_tick t) {
  slp__stepper *s = sim->stepper;
  const slp__dense *d = &s->dm;
  const slp__csr *c = &sim->parts[0].csr;
  for (size_t m = 0; m < d->n_mat; m++)
    s->ys[m] = slot_of(s, t + d->delay[m], d->rec[m]);
  slp__dense_gemv(d, s->z, s->ys);
  for (size_t k = 0; k < s->n_fired; k++) {
    uint32_t j = s->fired[k];
    s->z[j] = 0.0;
    /* The synaptic events these spikes are, due before the end, counted as
     * clock mode counts them: the figure compares like with like. */
    for (uint64_t g = c->row_seg[j]; g < c->row_seg[j + 1]; g++)
      if (t + c->seg_delay[g] < sim->end)
        sim->parts[0].events += c->seg_start[g + 1] - c->seg_start[g];
  }
}

/* Record neuron j's spike at t. */
static int record(slp_sim *sim, slp_tick t, uint32_t j) {
  if (t >= sim->end)
    return 0;
  sim->spike_count++;
  if (sim->writer != NULL) {
    int rc = slp__spike_writer_write(sim->writer, t, j);
    if (rc != 0)
      return rc;
  }
  if (sim->on_spike != NULL)
    sim->on_spike(sim->on_spike_arg, t, j);
  return 0;
}

int slp__stepper_window(slp_sim *sim) {
  slp__stepper *s = sim->stepper;
  slp_tick t0 = sim->now, t1 = sim->now + sim->window;
  slp__spikebuf *is = &s->in_spikes;
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < sim->n_inputs; k++) {
    uint64_t before = sim->inputs[k].emitted;
    rc = slp__input_emit(&sim->inputs[k], t0, t1, is);
    sim->parts[0].input_spikes += sim->inputs[k].emitted - before;
  }
  if (rc == 0)
    rc = slp__spikebuf_sort_ticks(is, t0, t1 - t0, s->h, &s->scratch);
  size_t b = 0;
  for (slp_tick t = t0; rc == 0 && t < t1; t += s->h) {
    double *in_e = slot_of(s, t, 0), *in_i = slot_of(s, t, 1);
    s->n_fired = 0;
    for (size_t g = 0; g < s->n_groups; g++)
      slp__step_group_advance(&s->groups[g], &s->st, t, in_e, in_i, s->fired,
                              &s->n_fired);
    memset(in_e, 0, (size_t)s->n * sizeof *in_e);
    memset(in_i, 0, (size_t)s->n * sizeof *in_i);
    for (size_t k = 0; rc == 0 && k < s->n_fired; k++)
      rc = record(sim, t, s->fired[k]);
    if (s->dense) {
      for (size_t k = 0; k < s->n_fired; k++)
        s->z[s->fired[k]] += 1.0;
      dense_out(sim, t);
    } else {
      for (size_t k = 0; k < s->n_fired; k++)
        fan_out(sim, s->fired[k], t, 1.0f);
    }
    for (; b < is->n && is->s[b].t <= t; b++)
      fan_out(sim, is->s[b].node, is->s[b].t, is->s[b].scale);
  }
  is->n = 0;
  if (rc != 0)
    return rc;
  sim->now = t1;
  sim->serial++;
  return 0;
}
