/*
 * network/run.c -- the window loop: the event path of DESIGN.md, one
 * partition (part.h) per thread.
 *
 * Per window [t0, t1), t1 - t0 <= d_min, each partition, in its thread:
 *   1. sorts the (spike, segment) entries arriving in the window into the
 *      canonical order (tick, source, segment) and fans them out through its
 *      CSR segments, one model call per segment; every target thus sees its
 *      inputs in time order, and in the same order whatever the
 *      partitioning;
 *   2. marks the neurons whose wake-ups fall due in the window (they may
 *      cross threshold without input);
 *   3. settles, population by population, the neurons that may still cross
 *      before t1;
 *   4. emits its input sources' spikes of the window;
 *   5. waits at the barrier for every partition to finish the window;
 *   6. reads every partition's spikes of the window and queues, in its own
 *      ring, the deliveries onto its neurons: nothing emitted in a window
 *      arrives before t1, because every delay is at least d_min >= t1 - t0.
 *      Partition 0 also writes the spikes, in (tick, node) order.
 * One barrier per window: the spike buffers alternate by window parity, so
 * a partition fills the next window's while the others still read this one's
 * (a partition two windows ahead would have passed a barrier the slowest has
 * not reached).  The barrier spins (core/barrier.h): windows are short.  Work that reads every partition (state samples, weight
 * snapshots) runs in partition 0 between two extra barriers, in the windows
 * where it is due.
 *
 * In norse mode the sources emit first (step 4 before step 1, with a barrier
 * between), so that an input with a delay shorter than a step reaches the
 * step it falls in; the neurons' spikes are stamped at the end of their
 * step, and windows are at most d_min + dt long, so those still arrive after
 * the window.
 */
#include "config.h"

#include <uv.h>

#include "core/alloc.h"
#include "core/barrier.h"
#include "sleipnir/error.h"
#include "network/dist.h"
#include "network/sim.h"
#include "plasticity/weights.h"
#include "baseline/stepper.h"

static void deliver_event(slp__part *pt, slp__window *win,
                          const slp__event *e) {
  slp__csr *c = &pt->csr;
  uint64_t s = e->seg, lo = c->seg_start[s], hi = c->seg_start[s + 1];
  double scale = e->scale;
  if (c->seg_tag[s] != 0) /* plastic: update the weights it transmits */
    scale *= slp__plasticity_deliver(pt->plast, c, s, e->t, e->scale);
  slp__pop *pop = &pt->pops[c->seg_pop[s]];
  pop->model->deliver(pop, win, e->t, c->seg_receptor[s], &c->col[lo],
                      &c->w[lo], (size_t)(hi - lo), scale);
  pt->events += hi - lo;
}

/* Exact mode: the window's queued deliveries b with the direct inputs'
 * spikes merged in, spike by spike, in the canonical order (tick, then
 * source). */
static int deliver_exact(slp__part *pt, slp__window *win, slp__evbuf *b) {
  for (size_t d = 0; d < pt->n_direct; d++) {
    if (pt->direct[d].n_drives > 0)
      continue; /* taken by its targets (inputs/drive.h): draws nothing */
    int rc = slp__direct_draw_exact(&pt->direct[d], win, &pt->input_spikes);
    if (rc != 0)
      return rc;
  }
  size_t k = 0;
  for (;;) {
    /* The earliest direct spike (few direct inputs: a scan). */
    slp__direct *first = NULL;
    const slp__spike *s = NULL;
    uint32_t node = 0;
    for (size_t d = 0; d < pt->n_direct; d++) {
      uint32_t n;
      const slp__spike *x = slp__direct_peek(&pt->direct[d], &n);
      if (x != NULL &&
          (s == NULL || x->t < s->t || (x->t == s->t && n < node))) {
        first = &pt->direct[d];
        s = x;
        node = n;
      }
    }
    if (s == NULL)
      break;
    for (; k < b->n && (b->ev[k].t < s->t ||
                        (b->ev[k].t == s->t && b->ev[k].src < node));
         k++)
      deliver_event(pt, win, &b->ev[k]);
    slp__direct_deliver_next(first, pt->pops, win);
    pt->events++;
  }
  for (; k < b->n; k++)
    deliver_event(pt, win, &b->ev[k]);
  return win->err;
}

/* The window's queued deliveries, with the direct inputs' batches merged in
 * at their place in the canonical order: at each grid step, after the
 * queued spikes of lower node ids. */
static int deliver(slp__part *pt, slp__window *win) {
  slp__evbuf *b;
  int rc = slp__ring_take(&pt->ring, &b);
  if (rc != 0)
    return rc;
  slp__ring_sort(&pt->ring, b);
  if (pt->n_direct > 0 && pt->direct[0].n_steps == 0) /* exact mode */
    return deliver_exact(pt, win, b);
  size_t k = 0;
  if (pt->n_direct > 0) {
    for (size_t d = 0; d < pt->n_direct; d++)
      if (pt->direct[d].n_drives == 0) /* else taken by its targets */
        slp__direct_draw(&pt->direct[d], win, &pt->input_spikes);
    uint32_t n_steps = pt->direct[0].n_steps;
    for (uint32_t s = 0; rc == 0 && s < n_steps; s++) {
      slp_tick t = win->t0 + (slp_tick)s * win->grid;
      for (size_t d = 0; rc == 0 && d < pt->n_direct; d++) {
        if (pt->direct[d].n_drives > 0)
          continue;
        uint32_t node0 = pt->direct[d].in->node0;
        for (; k < b->n && (b->ev[k].t < t ||
                            (b->ev[k].t == t && b->ev[k].src < node0));
             k++)
          deliver_event(pt, win, &b->ev[k]);
        rc = slp__direct_deliver(&pt->direct[d], pt->pops, win, s,
                                 &pt->events);
      }
    }
  }
  for (; rc == 0 && k < b->n; k++)
    deliver_event(pt, win, &b->ev[k]);
  return rc != 0 ? rc : win->err;
}

static int wake(const slp_sim *sim, slp__part *pt, slp__window *win) {
  slp__pops_wake(pt->pops, sim->n_pops, win);
  return win->err;
}

static int settle(const slp_sim *sim, slp__part *pt, slp__window *win) {
  for (size_t p = 0; p < sim->n_pops; p++) {
    slp__pop *pop = &pt->pops[p];
    pop->model->settle(pop, win, pop->settle, pop->n_settle);
    pop->n_settle = 0;
    if (win->err != 0)
      return win->err;
  }
  /* Drives taken by their targets: every spike of the window is taken by
   * now, each one synaptic event. */
  for (size_t d = 0; d < pt->n_direct; d++) {
    uint64_t n = slp__direct_taken(&pt->direct[d]);
    pt->input_spikes += n;
    pt->events += n;
  }
  return 0;
}

/*
 * The partition's sources' spikes of the window: those that reach only
 * this partition stay in pt->local, the others go to the shared buffer of
 * the window's parity for every partition to read.
 */
static int emit_sources(const slp_sim *sim, slp__part *pt,
                        const slp__window *win, unsigned par) {
  slp__spikebuf *loc = &pt->local, *sh = &pt->shared[par];
  size_t before = loc->n;
  for (size_t r = 0; r < pt->n_emit; r++) {
    slp__src_range *e = &pt->emit[r];
    int rc = slp__input_emit_range(&sim->inputs[e->input], &e->wheel, e->lo,
                                   e->hi, win->t0, win->t1, loc);
    if (rc != 0)
      return rc;
  }
  pt->input_spikes += loc->n - before;
  sh->n = 0;
  size_t keep = before;
  for (size_t k = before; k < loc->n; k++) {
    const slp__spike *s = &loc->s[k];
    if (sim->owner[s->node] & SLP__OWNER_LOCAL) {
      loc->s[keep++] = *s;
    } else if (slp__spikebuf_push(sh, s->t, s->node, s->scale) != 0) {
      return SLP_ENOMEM;
    }
  }
  loc->n = keep;
  return 0;
}

/* Queue the deliveries of spike s onto the partition's neurons. */
static int queue_spike(slp__part *pt, const slp__spike *s) {
  const slp__csr *c = &pt->csr;
  for (uint64_t g = c->row_seg[s->node]; g < c->row_seg[s->node + 1]; g++) {
    int rc = slp__ring_push(&pt->ring, s->t + c->seg_delay[g], s->node,
                            (uint32_t)g, s->scale);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* Every partition's source spikes of the window, and the partition's own
 * local ones, into its ring (the ring sorts them on delivery). */
static int dispatch_sources(const slp_sim *sim, slp__part *pt, unsigned par) {
  for (uint32_t j = 0; j < sim->n_parts; j++) {
    const slp__spikebuf *sh = &sim->parts[j].shared[par];
    for (size_t k = 0; k < sh->n; k++) {
      int rc = queue_spike(pt, &sh->s[k]);
      if (rc != 0)
        return rc;
    }
  }
  for (size_t k = 0; k < pt->local.n; k++) {
    int rc = queue_spike(pt, &pt->local.s[k]);
    if (rc != 0)
      return rc;
  }
  pt->local.n = 0;
  return 0;
}

/* Every partition's neuron spikes of the window into the partition's ring;
 * its own neurons' into its plasticity's post histories (in time order per
 * neuron: each buffer is sorted). */
static int dispatch_neurons(const slp_sim *sim, slp__part *pt, unsigned par) {
  for (uint32_t j = 0; j < sim->n_parts; j++) {
    const slp__spikebuf *ns = &sim->parts[j].spikes[par];
    for (size_t k = 0; k < ns->n; k++) {
      const slp__spike *s = &ns->s[k];
      if (j == pt->index && pt->plast != NULL) {
        int rc = slp__plasticity_post_spike(pt->plast, s->node, s->t);
        if (rc != 0)
          return rc;
      }
      int rc = queue_spike(pt, s);
      if (rc != 0)
        return rc;
    }
  }
  return 0;
}

/* Partition 0: the window's neuron spikes, merged from every partition's
 * sorted buffer into (tick, node) order, to the spike file and callback. */
static int record_spikes(slp_sim *sim, unsigned par) {
  enum { FEW = 64 };
  size_t at_few[FEW], *at = at_few;
  uint32_t T = sim->n_parts;
  if (T > FEW && (at = slp__calloc(T, sizeof *at)) == NULL)
    return SLP_ENOMEM;
  for (uint32_t j = 0; j < T; j++)
    at[j] = 0;
  int rc = 0;
  for (;;) {
    const slp__spike *best = NULL;
    uint32_t from = 0;
    for (uint32_t j = 0; j < T; j++) {
      const slp__spikebuf *ns = &sim->parts[j].spikes[par];
      if (at[j] < ns->n) {
        const slp__spike *s = &ns->s[at[j]];
        if (best == NULL || s->t < best->t ||
            (s->t == best->t && s->node < best->node)) {
          best = s;
          from = j;
        }
      }
    }
    if (best == NULL)
      break;
    at[from]++;
    if (best->t >= sim->spike_end)
      continue;
    sim->spike_count++;
    if (sim->writer != NULL &&
        (rc = slp__spike_writer_write(sim->writer, best->t, best->node)) != 0)
      break;
    if (sim->on_spike != NULL)
      sim->on_spike(sim->on_spike_arg, best->t, best->node);
  }
  if (at != at_few)
    slp__free(at);
  return rc;
}

/* Whether partition 0 has work that reads every partition after the window
 * ending at t: a state sample or a weight snapshot.  Every partition asks,
 * between the window's barrier and the serial section (which alone changes
 * the answer). */
static int serial_due(const slp_sim *sim, slp_tick t) {
  for (size_t k = 0; k < sim->n_records; k++)
    if (sim->records[k].next == t && t <= sim->end)
      return 1;
  const slp__plasticity *pl = sim->parts[0].plast;
  for (size_t k = 0; pl != NULL && k < pl->n_rec; k++)
    if (t >= pl->rec[k].next)
      return 1;
  return 0;
}

/* One thread's run: partition pt through the windows up to `until`. */
typedef struct worker {
  _Alignas(SLP__CACHE_LINE) slp_sim *sim; /* a line of its own (part.h) */
  slp__part *pt;
  slp_tick until;
  slp_progress_fn progress;   /* partition 0 only */
  void *progress_arg;
  double last_report;         /* wall clock of the last progress call */
  slp__barrier *barrier;      /* NULL with one partition */
  slp__barrier_seat seat;     /* its side of the barrier */
  unsigned phase;             /* barriers passed: selects the error slot */
  slp_tick now;               /* where this thread stopped */
  uint32_t serial;            /* its window count */
  int result;                 /* why it stopped early, or 0 */
} worker;

/*
 * Errors.  A partition records an error in its slot of the current phase
 * (the stretch between two barriers); after the barrier every partition
 * reads every slot of that phase -- the same values, so all take the same
 * way out and none is left waiting at a barrier.  The slots alternate by
 * phase: a partition already in the next phase writes the other slot while
 * a slow one still reads this one.  A request to stop (the progress
 * callback's) is SLP_ECANCELED in partition 0's slot; a real error wins over
 * it.
 */
static void note(worker *w, int rc) {
  int *slot = &w->pt->err[w->phase & 1u];
  if (rc != 0 && (*slot == 0 || *slot == SLP_ECANCELED))
    *slot = rc;
}

/* The error recorded by any partition in phase `phase`, or 0. */
static int phase_error(const slp_sim *sim, unsigned phase) {
  int e = 0;
  for (uint32_t j = 0; j < sim->n_parts; j++) {
    int x = sim->parts[j].err[phase & 1u];
    if (x != 0 && (e == 0 || e == SLP_ECANCELED))
      e = x;
  }
  return e;
}

/* Meet the other partitions: the error any of them recorded before. */
static int meet(worker *w) {
  if (w->barrier == NULL)
    return 0; /* one partition: its errors stop it where they happen */
  slp__barrier_wait(w->barrier, &w->seat);
  int e = phase_error(w->sim, w->phase);
  w->phase++;
  /* The slot of the new phase was last read before this barrier. */
  w->pt->err[w->phase & 1u] = 0;
  return e;
}

/*
 * Across MPI ranks (dist.h): after the rank's threads met, its lead thread
 * sends the window's spikes and the rank's error word e to the other ranks
 * and receives theirs into the remote partitions' buffers; the threads meet
 * again, and all take the error the ranks agreed on.  The lead thread writes
 * sim->rank_err before that barrier and next after the following window's,
 * which every thread passes only after reading it.
 */
static int across_ranks(worker *w, int e, unsigned par) {
  slp_sim *sim = w->sim;
  if (w->pt->index == sim->part_lo)
    sim->rank_err = slp__dist_exchange(sim, par, e);
  meet(w);
  return sim->rank_err;
}

/* Partition 0, before the window's barrier: report progress, and note a
 * request to stop for every partition to see after it. */
static void report(worker *w, slp_tick t1) {
  if (w->progress == NULL)
    return;
  double now = slp__now_s();
  /* Ask the caller at most ~20 times a second: the callback may be slow
   * (a terminal write) and windows can be microseconds apart. */
  if (now - w->last_report >= 0.05 || t1 >= w->until) {
    w->last_report = now;
    slp_tick at = t1 < w->until ? t1 : w->until;
    if (w->progress(w->progress_arg, at, w->until) != 0)
      note(w, SLP_ECANCELED);
  }
}

static void prime(const slp_sim *sim, slp__part *pt, slp__window *win) {
  for (size_t p = 0; p < sim->n_pops; p++)
    pt->pops[p].model->prime(&pt->pops[p], win);
}

/* One window of one partition, up to the barrier; an error is returned
 * only when every partition stops on it (norse mode's first barrier). */
static int compute(slp_sim *sim, worker *w, slp__window *win, unsigned par,
                   int first) {
  slp__part *pt = w->pt;
  int rc = 0;
  if (first) {
    prime(sim, pt, win);
    rc = win->err;
  }
  if (sim->sources_first) {
    if (rc == 0)
      rc = emit_sources(sim, pt, win, par);
    note(w, rc);
    int e = meet(w);
    if (sim->dist != NULL) /* the other ranks' sources too */
      e = across_ranks(w, w->barrier == NULL ? rc : e, par);
    if (e != 0 && e != SLP_ECANCELED)
      return e;
    if (w->barrier == NULL && rc != 0)
      return rc;
    rc = dispatch_sources(sim, pt, par);
  }
  if (rc == 0)
    rc = deliver(pt, win);
  if (rc == 0)
    rc = wake(sim, pt, win);
  if (rc == 0)
    rc = settle(sim, pt, win);
  if (rc == 0 && !sim->sources_first)
    rc = emit_sources(sim, pt, win, par);
  slp__spikebuf_sort(&pt->spikes[par]);
  pt->exchanged += pt->spikes[par].n + pt->shared[par].n;
  note(w, rc);
  /* Across ranks even a lone partition's error goes through the exchange,
   * so that no rank is left waiting for it. */
  return w->barrier == NULL && sim->dist == NULL ? rc : 0;
}

/* Partition 0's work that reads every partition, between two barriers. */
static int serial_section(slp_sim *sim, worker *w, slp_tick t1) {
  int e = meet(w);
  if (e != 0 && e != SLP_ECANCELED)
    return e;
  if (w->pt->index == sim->part_lo) { /* the rank's lead partition */
    int rc = slp__records_sample(sim, t1);
    /* Across ranks the snapshots gather: every rank takes part. */
    if ((rc == 0 || sim->dist != NULL) && w->pt->plast != NULL) {
      int x = slp__weights_snapshots(sim, t1);
      if (rc == 0)
        rc = x;
    }
    note(w, rc);
    if (w->barrier == NULL && sim->dist == NULL && rc != 0)
      return rc;
  }
  e = meet(w);
  return e != SLP_ECANCELED ? e : 0;
}

/* What one partition does after the window's barrier. */
static int exchange(slp_sim *sim, worker *w, slp_tick t1, unsigned par) {
  slp__part *pt = w->pt;
  int rc = dispatch_neurons(sim, pt, par);
  if (rc == 0 && !sim->sources_first)
    rc = dispatch_sources(sim, pt, par);
  if (rc == 0 && pt->index == sim->part_lo)
    rc = record_spikes(sim, par); /* every rank counts; rank 0 writes */
  slp__ring_advance(&pt->ring);
  slp__wake_map_advance(&pt->wake);
  if (pt->plast != NULL)
    slp__plasticity_tick(pt->plast, &pt->csr, t1);
  note(w, rc);
  if (w->barrier == NULL && sim->dist == NULL && rc != 0)
    return rc;
  return serial_due(sim, t1) ? serial_section(sim, w, t1) : 0;
}

static void run_part(worker *w) {
  slp_sim *sim = w->sim;
  slp__part *pt = w->pt;
  while (w->now < w->until) {
    unsigned par = w->serial & 1u;
    pt->spikes[par].n = 0;
    slp__window win = {w->now, w->now + sim->window, w->serial, sim->grid,
                       &pt->spikes[par], &pt->wake, 0};
    int e = compute(sim, w, &win, par, !sim->primed && w->serial == 0);
    if (e != 0) {
      w->result = e;
      return;
    }
    if (pt->index == sim->part_lo)
      report(w, win.t1);
    e = meet(w);
    if (w->barrier == NULL)
      e = pt->err[0]; /* one partition: its own error, or a stop */
    if (sim->dist != NULL) /* and the other ranks' (dist.h) */
      e = across_ranks(w, e, par);
    if (e != 0 && e != SLP_ECANCELED) {
      w->result = e;
      return;
    }
    int x = exchange(sim, w, win.t1, par);
    w->now = win.t1;
    w->serial++;
    /* A canceled run stops between windows, its state whole. */
    if (x != 0 || e == SLP_ECANCELED) {
      w->result = x != 0 ? x : e;
      return;
    }
  }
}

/* The threads of partitions 1.. wait at this gate until all exist, so that
 * a thread that cannot be created leaves none waiting at a barrier. */
typedef struct gate {
  uv_mutex_t mu;
  uv_cond_t cv;
  int state; /* 0: wait, 1: go, 2: give up */
} gate;

typedef struct thread_arg {
  worker *w;
  gate *g;
} thread_arg;

static void thread_main(void *arg) {
  thread_arg *ta = arg;
  uv_mutex_lock(&ta->g->mu);
  while (ta->g->state == 0)
    uv_cond_wait(&ta->g->cv, &ta->g->mu);
  int go = ta->g->state == 1;
  uv_mutex_unlock(&ta->g->mu);
  if (go)
    run_part(ta->w);
}

static void open_gate(gate *g, int state) {
  uv_mutex_lock(&g->mu);
  g->state = state;
  uv_cond_broadcast(&g->cv);
  uv_mutex_unlock(&g->mu);
}

/* Partitions 1 .. T-1 on threads of their own, partition 0 on the caller's
 * (callbacks run there).  SLP_ENOMEM if the threads cannot be had. */
static int run_threads(slp_sim *sim, worker *w, slp__barrier *barrier) {
  uint32_t T = sim->part_hi - sim->part_lo;
  gate g;
  g.state = 0;
  uv_thread_t *tid = slp__calloc(T, sizeof *tid);
  thread_arg *ta = slp__calloc(T, sizeof *ta);
  if (tid == NULL || ta == NULL || uv_mutex_init(&g.mu) != 0) {
    slp__free(tid);
    slp__free(ta);
    return SLP_ENOMEM;
  }
  /* The cores this rank may count on: its share of the machine's when
   * ranks share one (dist.h), so that oversubscribed threads do not spin. */
  slp__barrier_init(barrier, T, slp__dist_cores(sim));
  if (uv_cond_init(&g.cv) != 0) {
    uv_mutex_destroy(&g.mu);
    slp__free(tid);
    slp__free(ta);
    return SLP_ENOMEM;
  }
  uint32_t made = 1;
  for (; made < T; made++) {
    ta[made] = (thread_arg){&w[made], &g};
    if (uv_thread_create(&tid[made], thread_main, &ta[made]) != 0)
      break;
  }
  open_gate(&g, made == T ? 1 : 2);
  if (made == T)
    run_part(&w[0]);
  for (uint32_t j = 1; j < made; j++)
    uv_thread_join(&tid[j]);
  uv_cond_destroy(&g.cv);
  uv_mutex_destroy(&g.mu);
  slp__free(tid);
  slp__free(ta);
  return made == T ? 0 : SLP_ENOMEM;
}

/* Across ranks (dist.h): a rank that cannot run its windows (no memory, no
 * threads) still takes part in the first exchange, which stops every rank
 * on its error. */
static int not_run(slp_sim *sim, slp_tick until, int rc) {
  if (sim->dist != NULL && sim->now < until)
    slp__dist_exchange(sim, 0, rc);
  return rc;
}

/* Across ranks: an error after the last exchange is one rank's alone; the
 * ranks agree before any of them goes on to write its outputs. */
static int ranks_agree(slp_sim *sim, int rc) {
  if (sim->dist == NULL)
    return rc;
  int x = slp__dist_agree(sim, rc == SLP_ECANCELED ? 0 : rc, NULL);
  if (x == 0)
    x = slp__dist_totals(sim);
  return x != 0 ? x : rc;
}

int slp__sim_run_windows(slp_sim *sim, slp_tick until, slp_progress_fn progress,
                         void *arg) {
  if (sim->stepper != NULL) {
    /* Dense, clock: every neuron, every dt, on one thread (baseline/). */
    double last = slp__now_s();
    while (sim->now < until) {
      int rc = slp__stepper_window(sim);
      if (rc != 0)
        return rc;
      double now = slp__now_s();
      if (progress != NULL && (now - last >= 0.05 || sim->now >= until)) {
        last = now;
        if (progress(arg, sim->now < until ? sim->now : until, until) != 0)
          return SLP_ECANCELED;
      }
    }
    return 0;
  }
  /* This rank's partitions (all of them without MPI, dist.h). */
  uint32_t T = sim->part_hi - sim->part_lo;
  worker *w = slp__calloc_aligned(T, sizeof *w, SLP__CACHE_LINE);
  if (w == NULL)
    return ranks_agree(sim, not_run(sim, until, SLP_ENOMEM));
  slp__barrier barrier;
  for (uint32_t j = 0; j < sim->n_parts; j++)
    sim->parts[j].err[0] = sim->parts[j].err[1] = 0;
  for (uint32_t j = 0; j < T; j++)
    w[j] = (worker){sim, &sim->parts[sim->part_lo + j], until,
                    j == 0 ? progress : NULL, arg, slp__now_s(),
                    T > 1 ? &barrier : NULL, {0, 0}, 0, sim->now,
                    sim->serial, 0};
  int rc = 0;
  if (T > 1 && (rc = run_threads(sim, w, &barrier)) != 0)
    not_run(sim, until, rc);
  else if (T == 1)
    run_part(&w[0]);
  if (rc == 0) {
    /* Every partition went through the same windows.  Errors recorded
     * after the last barrier are in the slots of the last phase. */
    sim->now = w[0].now;
    sim->serial = w[0].serial;
    if (sim->serial > 0)
      sim->primed = 1;
    for (uint32_t j = 0; j < T; j++) {
      int x = w[j].result != 0 ? w[j].result
                               : w[j].pt->err[w[j].phase & 1u];
      if (x != 0 && (rc == 0 || rc == SLP_ECANCELED))
        rc = x;
    }
  }
  slp__free(w);
  return ranks_agree(sim, rc);
}
