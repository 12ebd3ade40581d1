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
 *   5. the window's spikes, sorted by (tick, node), are recorded and queued
 *      for delivery: nothing emitted here arrives before t1, because every
 *      delay is at least d_min >= t1 - t0.
 */
#include "config.h"

#include "sleipnir/error.h"
#include "network/sim.h"

static int deliver(slp_sim *sim, slp__window *win) {
  slp__evbuf *b;
  int rc = slp__ring_take(&sim->ring, &b);
  if (rc != 0)
    return rc;
  slp__evbuf_sort(b);
  const slp__csr *c = &sim->csr;
  for (size_t k = 0; k < b->n; k++) {
    const slp__event *e = &b->ev[k];
    uint64_t s = e->seg, lo = c->seg_start[s], hi = c->seg_start[s + 1];
    slp__pop *pop = &sim->pops[c->seg_pop[s]];
    pop->model->deliver(pop, win, e->t, c->seg_receptor[s], &c->col[lo],
                        &c->w[lo], (size_t)(hi - lo), e->scale);
    sim->events += hi - lo;
  }
  return win->err;
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

/* Record the window's neuron spikes and queue every spike's deliveries. */
static int dispatch(slp_sim *sim) {
  slp__spikebuf *sb = &sim->spikes;
  slp__spikebuf_sort(sb);
  const slp__csr *c = &sim->csr;
  for (size_t k = 0; k < sb->n; k++) {
    const slp__spike *s = &sb->s[k];
    if (s->node < sim->n_neurons && s->t < sim->end) {
      sim->spike_count++;
      if (sim->writer != NULL) {
        int rc = slp__spike_writer_write(sim->writer, s->t, s->node);
        if (rc != 0)
          return rc;
      }
      if (sim->on_spike != NULL)
        sim->on_spike(sim->on_spike_arg, s->t, s->node);
    }
    for (uint64_t g = c->row_seg[s->node]; g < c->row_seg[s->node + 1]; g++) {
      slp__event e = {s->t + c->seg_delay[g], s->node, (uint32_t)g, s->scale,
                      0};
      int rc = slp__ring_push(&sim->ring, &e);
      if (rc != 0)
        return rc;
    }
  }
  sb->n = 0;
  return 0;
}

int slp__sim_step(slp_sim *sim) {
  slp__window win = {sim->now, sim->now + sim->window, sim->serial,
                     sim->cfg.mode, sim->grid, &sim->spikes, &sim->wake, 0};
  if (!sim->primed) {
    for (size_t p = 0; p < sim->n_pops; p++)
      sim->pops[p].model->prime(&sim->pops[p], &win);
    sim->primed = 1;
    if (win.err != 0)
      return win.err;
  }
  int rc = deliver(sim, &win);
  if (rc == 0)
    rc = wake(sim, &win);
  for (size_t p = 0; rc == 0 && p < sim->n_pops; p++) {
    slp__pop *pop = &sim->pops[p];
    pop->model->settle(pop, &win, pop->settle, pop->n_settle);
    pop->n_settle = 0;
    rc = win.err;
  }
  for (size_t k = 0; rc == 0 && k < sim->n_inputs; k++) {
    uint64_t before = sim->inputs[k].emitted;
    rc = slp__input_emit(&sim->inputs[k], win.t0, win.t1, &sim->spikes);
    sim->input_spikes += sim->inputs[k].emitted - before;
  }
  if (rc == 0)
    rc = dispatch(sim);
  if (rc != 0)
    return rc;
  slp__ring_advance(&sim->ring);
  slp__ring_advance(&sim->wake);
  sim->now = win.t1;
  sim->serial++;
  return 0;
}
