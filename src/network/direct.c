/*
 * network/direct.c -- input sources delivered without the queue (direct.h).
 */
#include "config.h"

#include <string.h>

#include "core/alloc.h"
#include "network/direct.h"

int slp__direct_disabled = 0;

int slp__direct_eligible(const slp__input *in, const slp__csr *csr) {
  if (slp__direct_disabled || in->kind != SLP__GROUP_POISSON)
    return 0;
  int exact = in->grid == 1; /* every source drawn by intervals */
  for (uint32_t k = 0; k < in->n; k++) {
    uint32_t node = in->node0 + k;
    uint64_t s0 = csr->row_seg[node], s1 = csr->row_seg[node + 1];
    if (s1 == s0)
      continue; /* no synapse: its spikes go nowhere */
    if (s1 - s0 != 1 || csr->seg_start[s0 + 1] - csr->seg_start[s0] != 1)
      return 0;
    if (csr->seg_tag[s0] != 0)
      return 0; /* plastic: its deliveries update weights (plasticity/) */
    if (!exact && !(in->mu[k] > 0))
      return 0; /* drawn by intervals in grid mode: the queued path */
  }
  return 1;
}

int slp__direct_init(slp__direct *d, slp__input *in, const slp__csr *csr,
                     uint32_t n_steps) {
  memset(d, 0, sizeof *d);
  d->in = in;
  d->wheeled = -1; /* decided at the first window */
  int exact = in->grid == 1; /* spikes drawn one by one: no step counts */
  d->n_steps = exact ? 0 : n_steps;
  /* The sources with their synapse here: the partition draws only those. */
  size_t n = 0;
  for (uint32_t k = 0; k < in->n; k++)
    n += csr->row_seg[in->node0 + k + 1] != csr->row_seg[in->node0 + k];
  size_t cap = n > 0 ? n : 1;
  d->src = slp__malloc(cap * sizeof *d->src);
  d->tgt = slp__malloc(cap * sizeof *d->tgt);
  d->w = slp__malloc(cap * sizeof *d->w);
  d->delay = slp__malloc(cap * sizeof *d->delay);
  d->pop = slp__malloc(cap * sizeof *d->pop);
  d->rec = slp__malloc(cap * sizeof *d->rec);
  d->count = slp__calloc(cap * (exact ? 1 : n_steps), sizeof *d->count);
  if (!d->src || !d->tgt || !d->w || !d->delay || !d->pop || !d->rec ||
      !d->count)
    return SLP_ENOMEM;
  for (uint32_t k = 0; k < in->n; k++) {
    uint32_t node = in->node0 + k;
    uint64_t s = csr->row_seg[node];
    if (csr->row_seg[node + 1] == s)
      continue;
    uint64_t j = csr->seg_start[s];
    size_t m = d->n++;
    d->src[m] = k;
    d->tgt[m] = csr->col[j];
    d->w[m] = csr->w[j];
    d->delay[m] = csr->seg_delay[s];
    d->pop[m] = csr->seg_pop[s];
    d->rec[m] = csr->seg_receptor[s];
  }
  return 0;
}

int slp__direct_pullable(const slp__direct *d, const slp__pop *pops) {
  /* Grid mode: each neuron draws its step counts from the group's table,
   * so every source must have the mean the table is for. */
  for (uint32_t m = 0; d->n_steps != 0 && m < d->n; m++)
    if (!(d->in->cdf_mu > 0) || d->in->mu[d->src[m]] != d->in->cdf_mu)
      return 0;
  for (uint32_t m = 0; m < d->n; m++)
    if (!pops[d->pop[m]].model->pulls_drive)
      return 0;
  /* One source per neuron: a one_to_one projection's sources are in
   * target order, so a repeated target is one not after its predecessor. */
  for (uint32_t m = 1; m < d->n; m++)
    if (d->pop[m] == d->pop[m - 1] && d->tgt[m] <= d->tgt[m - 1])
      return 0;
  return 1;
}

int slp__direct_pull(slp__direct *d, slp__pop *pops) {
  /* The target populations, each once: runs of sources (one_to_one onto a
   * list of populations gives one run per population). */
  uint32_t n_runs = 0;
  for (uint32_t m = 0; m < d->n; m++)
    n_runs += m == 0 || d->pop[m] != d->pop[m - 1];
  d->drives = slp__calloc(n_runs > 0 ? n_runs : 1, sizeof *d->drives);
  if (d->drives == NULL)
    return SLP_ENOMEM;
  for (uint32_t m = 0; m < d->n; m++) {
    slp__pop *p = &pops[d->pop[m]];
    if (m == 0 || d->pop[m] != d->pop[m - 1]) {
      if (p->drive != NULL)
        return SLP_EINVAL; /* the caller's check: one drive per population */
      slp__drive *dr = &d->drives[d->n_drives++];
      if (slp__drive_init(dr, p->n) != 0)
        return SLP_ENOMEM;
      p->drive = dr;
    }
    slp__drive_attach(p->drive, d->tgt[m], d->in, d->src[m], d->w[m],
                      d->delay[m]);
  }
  return 0;
}

uint64_t slp__direct_taken(slp__direct *d) {
  uint64_t n = 0;
  for (uint32_t k = 0; k < d->n_drives; k++) {
    n += d->drives[k].taken;
    d->drives[k].taken = 0;
  }
  return n;
}

void slp__direct_free(slp__direct *d) {
  if (d->wheeled == 1)
    slp__wheel_free(&d->wheel);
  for (uint32_t k = 0; k < d->n_drives; k++)
    slp__drive_free(&d->drives[k]);
  slp__free(d->drives);
  slp__free(d->src);
  slp__free(d->tgt);
  slp__free(d->w);
  slp__free(d->delay);
  slp__free(d->pop);
  slp__free(d->rec);
  slp__free(d->count);
  slp__free(d->bt);
  slp__free(d->bw);
  slp__spikebuf_free(&d->drawn);
  slp__spikebuf_free(&d->tmp);
  memset(d, 0, sizeof *d);
}

void slp__direct_draw(slp__direct *d, const slp__window *win,
                      uint64_t *spikes) {
  slp__input *in = d->in;
  uint64_t total = 0;
  /* Source by source, so that each stream stays in cache while it is
   * drawn; a source's steps are drawn in order, as the queued path does. */
  for (uint32_t m = 0; m < d->n; m++) {
    uint32_t k = d->src[m];
    uint16_t *c = &d->count[m];
    slp_tick te = win->t0 - d->delay[m]; /* emission of the first arrival */
    if (in->mu[k] == in->cdf_mu && in->next_t[k] == te) {
      /* The usual case, a source with the shared mean, drawn up to here:
       * every step of the window draws, from the table. */
      slp__rng *r = &in->rng[k];
      for (uint32_t s = 0; s < d->n_steps; s++) {
        uint32_t x = slp__poisson_count_tabled(in, slp__rng_u32(r));
        c[(size_t)s * d->n] = (uint16_t)x;
        total += x;
      }
      in->next_t[k] += (slp_tick)d->n_steps * win->grid;
      continue;
    }
    for (uint32_t s = 0; s < d->n_steps; s++, te += win->grid) {
      uint32_t x = te == in->next_t[k] ? slp__poisson_step_count(in, k) : 0;
      /* Below the tail's underflow (mu <= 500): never near 65535. */
      c[(size_t)s * d->n] = (uint16_t)x;
      total += x;
    }
  }
  *spikes += total;
}

/* Deliver the copies of sources lo .. hi - 1 (one population and receptor)
 * at tick t, one batch: each source's copies of its one synapse. */
static int deliver_run(slp__direct *d, slp__pop *tp, slp__window *win,
                       slp_tick t, uint32_t lo, uint32_t hi, const uint16_t *c,
                       uint64_t *events) {
  unsigned r = d->rec[lo];
  size_t n = 0;
  for (uint32_t k = lo; k < hi; k++)
    n += c[k];
  if (n == 0)
    return 0;
  *events += n;
  if (tp->model->deliver_counts != NULL &&
      tp->model->deliver_counts(tp, win, t, r, &d->tgt[lo], &d->w[lo],
                                &c[lo], hi - lo) == 0)
    return 0;
  /* Room for every copy, plus BURST - 1 past the end for the
   * unconditional writes below. */
  enum { BURST = 4 };
  if (slp__grow((void **)&d->bt, &d->cap_t, n + BURST, sizeof *d->bt) != 0 ||
      slp__grow((void **)&d->bw, &d->cap_w, n + BURST, sizeof *d->bw) != 0)
    return SLP_ENOMEM;
  uint32_t *restrict bt = d->bt;
  float *restrict bw = d->bw;
  n = 0;
  for (uint32_t k = lo; k < hi; k++) {
    /* Counts are random, so a loop over them mispredicts its exit;
     * writing BURST copies whatever the count and keeping c of them does
     * not. */
    uint32_t x = c[k];
    for (int j = 0; j < BURST; j++) {
      bt[n + (size_t)j] = d->tgt[k];
      bw[n + (size_t)j] = d->w[k];
    }
    for (uint32_t j = BURST; j < x; j++) {
      bt[n + j] = d->tgt[k];
      bw[n + j] = d->w[k];
    }
    n += x;
  }
  tp->model->deliver(tp, win, t, r, bt, bw, n, 1.0);
  return 0;
}

int slp__direct_deliver(slp__direct *d, slp__pop *pops, slp__window *win,
                        uint32_t s, uint64_t *events) {
  const uint16_t *c = &d->count[(size_t)s * d->n];
  slp_tick t = win->t0 + (slp_tick)s * win->grid;
  uint32_t k = 0;
  while (k < d->n) {
    /* A run of sources into one (population, receptor): one batch. */
    uint32_t lo = k;
    for (; k < d->n && d->pop[k] == d->pop[lo] && d->rec[k] == d->rec[lo];
         k++)
      ;
    int rc = deliver_run(d, &pops[d->pop[lo]], win, t, lo, k, c, events);
    if (rc != 0)
      return rc;
  }
  return win->err;
}

/* Exact mode: source m's spikes arriving before the window's end t1, and
 * (wheel) the source back in the wheel at its next spike's arrival. */
static int draw_source(slp__direct *d, uint32_t m, slp_tick t1,
                       uint64_t *spikes) {
  slp__input *in = d->in;
  uint32_t k = d->src[m];
  /* Arrivals in [t0, t1): emissions before t1 - delay not yet drawn. */
  if (slp__poisson_emit_source(in, k, t1 - d->delay[m], d->delay[m], m,
                               &d->drawn, spikes) != 0)
    return SLP_ENOMEM;
  if (d->wheeled != 1 || !(in->next_ms[k] < 9e12))
    return 0; /* every source drawn every window, or a silent one */
  return slp__wheel_put(&d->wheel,
                        slp__poisson_tick(in->next_ms[k]) + d->delay[m], m);
}

/*
 * Quiet sources -- under half a spike per window on average, say 10 Hz in
 * 1 ms windows -- wait in a wheel by their next arrival, so that a window
 * costs its spikes, not a look at every source: a look per source per
 * window was most of the drive's cost.  The choice depends on the rates
 * and the window only, and both ways draw the same spikes in the same
 * order.  SLP_ENOMEM on failure.
 */
static int wheel_start(slp__direct *d, const slp__window *win) {
  slp__input *in = d->in;
  double w_ms = (double)(win->t1 - win->t0) * SLP__MS_PER_TICK, per = 0;
  for (uint32_t m = 0; m < d->n; m++)
    per += in->rate[d->src[m]] * w_ms;
  per = d->n > 0 ? per / (double)d->n : 1.0;
  d->wheeled = slp__wheel_pays(per);
  if (!d->wheeled)
    return 0;
  if (slp__wheel_init(&d->wheel, d->n, win->t1 - win->t0, per, win->t0) != 0)
    return SLP_ENOMEM;
  for (uint32_t m = 0; m < d->n; m++) {
    double ms = in->next_ms[d->src[m]];
    if (ms < 9e12 && slp__wheel_put(&d->wheel, slp__poisson_tick(ms) +
                                                   d->delay[m], m) != 0)
      return SLP_ENOMEM;
  }
  return 0;
}

int slp__direct_draw_exact(slp__direct *d, const slp__window *win,
                           uint64_t *spikes) {
  d->drawn.n = 0;
  d->next = 0;
  if (d->wheeled < 0 && wheel_start(d, win) != 0)
    return SLP_ENOMEM;
  /* Source by source, in order: a tick's spikes stay in source order
   * through the stable sort, which is the canonical order among them. */
  if (d->wheeled) {
    const uint32_t *items;
    size_t n;
    if (slp__wheel_take(&d->wheel, &items, &n) != 0)
      return SLP_ENOMEM;
    for (size_t q = 0; q < n; q++)
      if (draw_source(d, items[q], win->t1, spikes) != 0)
        return SLP_ENOMEM;
  } else {
    for (uint32_t m = 0; m < d->n; m++)
      if (draw_source(d, m, win->t1, spikes) != 0)
        return SLP_ENOMEM;
  }
  return slp__spikebuf_sort_ticks(&d->drawn, win->t0, win->t1 - win->t0, 1,
                                  &d->tmp);
}

void slp__direct_deliver_next(slp__direct *d, slp__pop *pops,
                              slp__window *win) {
  const slp__spike *s = &d->drawn.s[d->next++];
  uint32_t m = s->node;
  slp__pop *p = &pops[d->pop[m]];
  p->model->deliver(p, win, s->t, d->rec[m], &d->tgt[m], &d->w[m], 1,
                    s->scale);
}
