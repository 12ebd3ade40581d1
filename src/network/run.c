/*
 * network/run.c -- the window loop: the event path of DESIGN.md.
 *
 * Per window [t0, t1), t1 - t0 <= d_min:
 *   1. the (spike, segment) entries arriving in the window are sorted into
 *      the canonical order (tick, source, segment) and fanned out through
 *      their CSR segments, one model call per segment; every target thus
 *      sees its inputs in time order, and in the same order whatever the
 *      partitioning;
 *   2. wake-ups due in the window mark neurons that may cross threshold
 *      without input;
 *   3. each population settles the neurons that may still cross before t1;
 *   4. input sources emit their spikes of the window;
 *   5. the window's spikes, in (tick, node) order, are recorded and queued
 *      for delivery: nothing emitted here arrives before t1, because every
 *      delay is at least d_min >= t1 - t0.
 *
 * In norse mode the sources emit first (step 4 before step 1), so that an
 * input with a delay shorter than a step reaches the step it falls in; the
 * neurons' spikes are stamped at the end of their step, and windows are at
 * most d_min + dt long, so those still arrive after the window.
 */
#include "config.h"

#include "sleipnir/error.h"
#include "network/sim.h"
#include "plasticity/weights.h"
#include "baseline/stepper.h"

static void deliver_event(slp_sim *sim, slp__window *win,
                          const slp__event *e) {
  const slp__csr *c = &sim->csr;
  uint64_t s = e->seg, lo = c->seg_start[s], hi = c->seg_start[s + 1];
  double scale = e->scale;
  if (c->seg_tag[s] != 0) /* plastic: update the weights it transmits */
    scale *= slp__plasticity_deliver(sim->plast, &sim->csr, s, e->t, e->scale);
  slp__pop *pop = &sim->pops[c->seg_pop[s]];
  pop->model->deliver(pop, win, e->t, c->seg_receptor[s], &c->col[lo],
                      &c->w[lo], (size_t)(hi - lo), scale);
  sim->events += hi - lo;
}

/* The window's queued deliveries, with the direct inputs' batches merged in
 * at their place in the canonical order: at each grid step, after the
 * queued spikes of lower node ids. */
static int deliver(slp_sim *sim, slp__window *win) {
  slp__evbuf *b;
  int rc = slp__ring_take(&sim->ring, &b);
  if (rc != 0)
    return rc;
  slp__evbuf_sort(b);
  size_t k = 0;
  if (sim->n_direct > 0) {
    for (size_t d = 0; d < sim->n_direct; d++)
      slp__direct_draw(&sim->direct[d], win, &sim->input_spikes);
    uint32_t n_steps = sim->direct[0].n_steps;
    for (uint32_t s = 0; rc == 0 && s < n_steps; s++) {
      slp_tick t = win->t0 + (slp_tick)s * win->grid;
      for (size_t d = 0; rc == 0 && d < sim->n_direct; d++) {
        uint32_t node0 = sim->direct[d].in->node0;
        for (; k < b->n && (b->ev[k].t < t ||
                            (b->ev[k].t == t && b->ev[k].src < node0));
             k++)
          deliver_event(sim, win, &b->ev[k]);
        rc = slp__direct_deliver(&sim->direct[d], sim->pops, win, s,
                                 &sim->events);
      }
    }
  }
  for (; rc == 0 && k < b->n; k++)
    deliver_event(sim, win, &b->ev[k]);
  return rc != 0 ? rc : win->err;
}

static int wake(slp_sim *sim, slp__window *win) {
  slp__evbuf *b;
  int rc = slp__ring_take(&sim->wake, &b);
  if (rc != 0)
    return rc;
  for (size_t k = 0; k < b->n; k++) {
    slp__pop *pop = &sim->pops[b->ev[k].seg];
    pop->model->wake(pop, win, b->ev[k].src, b->ev[k].t);
  }
  return win->err;
}

/* Record a neuron spike and queue a spike's deliveries. */
static int dispatch_one(slp_sim *sim, const slp__spike *s) {
  const slp__csr *c = &sim->csr;
  if (s->node < sim->n_neurons && s->t < sim->spike_end) {
    sim->spike_count++;
    if (sim->writer != NULL) {
      int rc = slp__spike_writer_write(sim->writer, s->t, s->node);
      if (rc != 0)
        return rc;
    }
    if (sim->on_spike != NULL)
      sim->on_spike(sim->on_spike_arg, s->t, s->node);
  }
  if (sim->plast != NULL && s->node < sim->n_neurons) {
    int rc = slp__plasticity_post_spike(sim->plast, s->node, s->t);
    if (rc != 0)
      return rc;
  }
  for (uint64_t g = c->row_seg[s->node]; g < c->row_seg[s->node + 1]; g++) {
    slp__event e = {s->t + c->seg_delay[g], s->node, (uint32_t)g, s->scale};
    int rc = slp__ring_push(&sim->ring, &e);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/*
 * Record the window's neuron spikes and queue every spike's deliveries, in
 * (tick, node) order: neuron spikes (few, any order: sorted here) merged
 * with source spikes (many, pushed in node order: radix-sorted by tick).
 * Neurons have lower node ids than sources, so they go first on ties.
 */
static int dispatch(slp_sim *sim, const slp__window *win) {
  slp__spikebuf *ns = &sim->spikes, *is = &sim->in_spikes;
  slp__spikebuf_sort(ns);
  int rc = slp__spikebuf_sort_ticks(is, win->t0, win->t1 - win->t0,
                                    sim->src_grid,
                                    &sim->scratch);
  size_t a = 0, b = 0;
  while (rc == 0 && (a < ns->n || b < is->n)) {
    if (b >= is->n || (a < ns->n && ns->s[a].t <= is->s[b].t))
      rc = dispatch_one(sim, &ns->s[a++]);
    else
      rc = dispatch_one(sim, &is->s[b++]);
  }
  ns->n = 0;
  is->n = 0;
  return rc;
}

/* The input sources' spikes of the window (but the direct inputs'). */
static int emit_sources(slp_sim *sim, const slp__window *win) {
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < sim->n_inputs; k++) {
    if (sim->inputs[k].direct)
      continue;
    uint64_t before = sim->inputs[k].emitted;
    rc = slp__input_emit(&sim->inputs[k], win->t0, win->t1, &sim->in_spikes);
    sim->input_spikes += sim->inputs[k].emitted - before;
  }
  return rc;
}

int slp__sim_step(slp_sim *sim) {
  if (sim->stepper != NULL)
    return slp__stepper_window(sim); /* dense, clock: every neuron, every dt */
  slp__window win = {sim->now, sim->now + sim->window, sim->serial,
                     sim->grid, &sim->spikes, &sim->wake, 0};
  if (!sim->primed) {
    for (size_t p = 0; p < sim->n_pops; p++)
      sim->pops[p].model->prime(&sim->pops[p], &win);
    sim->primed = 1;
    if (win.err != 0)
      return win.err;
  }
  int rc = 0;
  if (sim->sources_first) {
    rc = emit_sources(sim, &win);
    if (rc == 0)
      rc = dispatch(sim, &win);
  }
  if (rc == 0)
    rc = deliver(sim, &win);
  if (rc == 0)
    rc = wake(sim, &win);
  for (size_t p = 0; rc == 0 && p < sim->n_pops; p++) {
    slp__pop *pop = &sim->pops[p];
    pop->model->settle(pop, &win, pop->settle, pop->n_settle);
    pop->n_settle = 0;
    rc = win.err;
  }
  if (rc == 0 && !sim->sources_first)
    rc = emit_sources(sim, &win);
  if (rc == 0)
    rc = dispatch(sim, &win);
  if (rc != 0)
    return rc;
  slp__ring_advance(&sim->ring);
  slp__ring_advance(&sim->wake);
  sim->now = win.t1;
  sim->serial++;
  if (sim->plast != NULL)
    return slp__weights_after_window(sim);
  return 0;
}
