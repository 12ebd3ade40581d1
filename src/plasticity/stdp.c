/*
 * plasticity/stdp.c -- pair-based STDP at run time (see stdp.h for the
 * algorithm and why it is lazy and pre-triggered).
 *
 * Pairs with a time difference of exactly zero at the synapse do nothing:
 * at a pre spike arriving at t_s, the post spikes that reached the synapse
 * at t <= t_s potentiate with the pre trace *before* this pre spike's jump,
 * and the depression reads the post trace of spikes that reached it at
 * t < t_s only.  So a post spike coinciding with a pre spike pairs with the
 * earlier pre spikes (and, under nearest pairing, with the one before).
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "sleipnir/error.h"
#include "core/alloc.h"
#include "core/compiler.h"
#include "plasticity/stdp.h"
#include "plasticity/stdp_norse.h"
#include "plasticity/weight_rule.h"

/* Ticks per ms, as a double for the exponentials. */
#define TICKS_MS ((double)SLP_TICKS_PER_MS)

/* e^{(t - E)/tau}: the scale of a trace value at tick t, epoch E. */
static double scale_at(slp_tick t, slp_tick E, double tau_ms) {
  return exp((double)(t - E) / (tau_ms * TICKS_MS));
}

/* Whether h has a spike with emission tick in (lo, hi]: among the entries
 * still held, or as the base (the newest dropped one). */
static int has_spike_in(const slp__post_hist *h, slp_tick lo, slp_tick hi) {
  if (slp__hist_base_t(h) > lo && slp__hist_base_t(h) <= hi)
    return 1;
  return slp__hist_count_upto(h, hi) > slp__hist_count_upto(h, lo);
}

/* What one delivery (or flush) of a segment shares between its synapses. */
typedef struct seg_pass {
  slp_tick lo, hi; /* post spikes emitted in (lo, hi] potentiate */
  double xd;       /* the segment's scaled pre trace times e^{-d_d/tau_pre} */
  double gq;       /* e^{-(t_q - E)/tau_post}, t_q = hi: reads the post
                      trace at the pre spike; 0 for a flush (no depression) */
  double m;        /* multiplicity of the pre event */
  double dep;      /* triplet: a2_minus + a3_minus r2 (r2 just before the
                      pre spike); pair rules: 1 */
} seg_pass;

/*
 * One synapse of segment sg (target history h, weight w): potentiation by
 * the post spikes emitted in (ps->lo, ps->hi] in time order, then, for a
 * delivery, the depression of the pre spike by the post spikes emitted
 * before ps->hi.  *xs is the synapse's own scaled pre trace under
 * pre-centred pairing.  Returns the new weight.
 */
static double update(const slp__stdp_proj *P, const slp__stdp_seg *sg,
                     const slp__post_hist *h, double w, const seg_pass *ps,
                     double *xs) {
  const slp_stdp_params *p = &P->p;
  /* The common case: the target has not fired since this synapse's last
   * update, so nothing potentiates and the depression reads the newest
   * spike -- all in the history's header. */
  if (h->newest_t <= ps->lo && h->newest_t < ps->hi) {
    if (ps->gq == 0 || h->newest_t == SLP__HIST_NONE)
      return w;
    if (p->pairing == SLP_STDP_NEAREST_RESTRICTED &&
        sg->t_pre != SLP__STDP_NONE && h->newest_t + sg->d_dend <= sg->t_pre)
      return w;
    return slp__stdp_depress(p, w, ps->m * h->newest_y * ps->gq * ps->dep);
  }
  /* The next most common: exactly one new spike, the newest, strictly
   * before hi -- its potentiation, then the depression it sets up. */
  if ((p->pairing == SLP_STDP_ALL || p->pairing == SLP_STDP_NEAREST_SYMMETRIC) &&
      !p->triplet && h->prev_t <= ps->lo && h->newest_t < ps->hi) {
    if (sg->t_pre != SLP__STDP_NONE)
      w = slp__stdp_potentiate(p, w, ps->xd * h->newest_p);
    if (ps->gq == 0)
      return w;
    return slp__stdp_depress(p, w, ps->m * h->newest_y * ps->gq * ps->dep);
  }
  uint32_t e = h->n;
  while (e > 0 && slp__hist_t(h, e - 1) > ps->hi)
    e--;
  uint32_t b = e;
  while (b > 0 && slp__hist_t(h, b - 1) > ps->lo)
    b--;
  if (b < e && sg->t_pre != SLP__STDP_NONE) {
    switch (p->pairing) {
    case SLP_STDP_ALL:
    case SLP_STDP_NEAREST_SYMMETRIC:
      /* x is the sum of all pre jumps (all) or the last one (symmetric). */
      if (p->triplet) /* r1 (a2+ + a3+ o2), o2 just before the post spike */
        for (uint32_t j = b; j < e; j++)
          w = slp__stdp_potentiate(
              p, w, ps->xd * slp__hist_p(h, j) *
                        (p->a2_plus + p->a3_plus * slp__hist_z(h, j)));
      else
        for (uint32_t j = b; j < e; j++)
          w = slp__stdp_potentiate(p, w, ps->xd * slp__hist_p(h, j));
      break;
    case SLP_STDP_NEAREST_PRE_CENTRED:
      /* The first post spike takes the pre spikes since the last reset and
       * resets the trace; later ones find it at 0. */
      if (*xs != 0) {
        w = slp__stdp_potentiate(p, w, *xs * sg->dpre * slp__hist_p(h, b));
        *xs = 0;
      }
      break;
    case SLP_STDP_NEAREST_RESTRICTED:
      /* Only the first post spike after the last pre spike pairs with it,
       * and only if an earlier flush has not paired one already. */
      if (!has_spike_in(h, sg->t_pre - sg->d_dend, ps->lo))
        w = slp__stdp_potentiate(p, w, ps->xd * slp__hist_p(h, b));
      break;
    }
  }
  if (ps->gq == 0)
    return w;
  /* The latest post spike emitted strictly before hi (coinciding pairs
   * do nothing). */
  uint32_t k = e;
  if (k > 0 && slp__hist_t(h, k - 1) == ps->hi)
    k--;
  slp_tick tl = k > 0 ? slp__hist_t(h, k - 1) : slp__hist_base_t(h);
  if (tl == SLP__HIST_NONE)
    return w;
  /* Restricted: the post spike must come after the previous pre spike. */
  if (p->pairing == SLP_STDP_NEAREST_RESTRICTED &&
      sg->t_pre != SLP__STDP_NONE && tl + sg->d_dend <= sg->t_pre)
    return w;
  double yl = k > 0 ? slp__hist_y(h, k - 1) : slp__hist_base_y(h);
  return slp__stdp_depress(p, w, ps->m * yl * ps->gq * ps->dep);
}

/*
 * update()'s last path for the pair rules of pair_loop (all and
 * nearest-symmetric pairing, no triplet): two or more new post spikes, or
 * one at hi.  The same operations, with the ring read directly.
 */
static double pair_general(const slp_stdp_params *p, const slp__post_hist *h,
                           double w, const seg_pass *ps, int has_pre) {
  const slp__hist_entry *E = h->e;
  const uint32_t mask = (1u << h->log_cap) - 1, head = h->head;
  uint32_t e = h->n;
  while (e > 0 && E[(head + e - 1) & mask].t > ps->hi)
    e--;
  uint32_t b = e;
  while (b > 0 && E[(head + b - 1) & mask].t > ps->lo)
    b--;
  if (has_pre)
    for (uint32_t j = b; j < e; j++)
      w = slp__stdp_potentiate(p, w, ps->xd * E[(head + j) & mask].p);
  if (ps->gq == 0)
    return w;
  uint32_t k = e;
  if (k > 0 && E[(head + k - 1) & mask].t == ps->hi)
    k--;
  slp_tick tl = k > 0 ? E[(head + k - 1) & mask].t : slp__hist_base_t(h);
  if (tl == SLP__HIST_NONE)
    return w;
  double yl = k > 0 ? E[(head + k - 1) & mask].y : slp__hist_base_y(h);
  return slp__stdp_depress(p, w, ps->m * yl * ps->gq * ps->dep);
}

/*
 * The loops over a segment's synapses for the pair rules that take the
 * header paths of update() (all and nearest-symmetric pairing, no triplet,
 * no per-synapse trace): those two paths inline, with the weight rule's
 * algorithm and bounds as constants (alg, hard); the other synapses are
 * set aside and go through pair_general() after each chunk of PF_CHUNK, so
 * that the inline loop makes no call (which would spill its constants) and
 * their rings, asked for when they are set aside, have arrived by then.
 * Each synapse's weight depends on its own history only, so the order
 * between synapses is free; the arithmetic is update()'s, operation for
 * operation.  ps->gq is 0 for a flush (potentiation only), > 0 for a
 * delivery.
 */
SLP__INLINE void
pair_loop(const slp__stdp_proj *P, const seg_pass *ps,
          const slp__post_hist *hist, const uint32_t *col, double *w,
          float *wf, uint64_t n, int alg, int hard, int deliv, int unit,
          int has_pre) {
  slp_stdp_params p = P->p;
  p.algorithm = alg;
  p.hardbound = hard;
  const slp_tick lo = ps->lo, hi = ps->hi;
  const double xd = ps->xd, m = ps->m, gq = ps->gq, dep = ps->dep;
  /* The targets' histories are scattered: their headers are asked for
   * PF_HEAD synapses ahead (as Auryn prefetches its weights).  The
   * segment's weights (double and float) lie somewhere in arrays of a few
   * MB, last touched at its source's previous spike: their cache lines are
   * asked for PF_ROW synapses ahead. */
  enum { PF_HEAD = 16, PF_ROW = 64, PF_CHUNK = 64 };
  for (uint64_t k = 0; k < PF_ROW && k < n; k += 8)
    __builtin_prefetch(&w[k], 1);
  for (uint64_t k = 0; k < PF_ROW && k < n; k += 16)
    __builtin_prefetch(&wf[k], 1);
  for (uint64_t k = 0; k < PF_HEAD && k < n; k++)
    __builtin_prefetch(&hist[col[k]]);
  uint32_t gen[PF_CHUNK];
  for (uint64_t c0 = 0; c0 < n; c0 += PF_CHUNK) {
    uint64_t c1 = n - c0 > PF_CHUNK ? c0 + PF_CHUNK : n;
    unsigned ng = 0;
    for (uint64_t k = c0 + PF_ROW; k < c1 + PF_ROW && k < n; k += 8)
      __builtin_prefetch(&w[k], 1);
    for (uint64_t k = c0 + PF_ROW; k < c1 + PF_ROW && k < n; k += 16)
      __builtin_prefetch(&wf[k], 1);
    for (uint64_t k = c0; k < c1; k++) {
      if (k + PF_HEAD < n)
        __builtin_prefetch(&hist[col[k + PF_HEAD]]);
      const slp__post_hist *h = &hist[col[k]];
      slp_tick nt = h->newest_t;
      slp_tick pt = h->prev_t;
      if (nt < hi && h->prev2_t <= lo && (pt <= lo || h->n >= 2)) {
        /* At most two new spikes, the newest ones, both in the ring (the
         * header holds what is read of them): as pair_general(). */
        double wk = w[k];
        if (has_pre) {
          if (pt > lo)
            wk = slp__stdp_potentiate(&p, wk, xd * h->prev_p);
          if (nt > lo)
            wk = slp__stdp_potentiate(&p, wk, xd * h->newest_p);
        }
        /* unit: m = dep = 1, by which the products are exact */
        if (deliv && nt != SLP__HIST_NONE)
          wk = slp__stdp_depress(&p, wk, unit ? h->newest_y * gq
                                              : m * h->newest_y * gq * dep);
        w[k] = wk;
        wf[k] = (float)wk;
      } else {
        /* Three new spikes or more, or one at hi (n >= 1): the ring's
         * newest entries will be read (two to a cache line). */
        uint32_t mask = (1u << h->log_cap) - 1, i = h->head + h->n - 1u;
        __builtin_prefetch(&h->e[i & mask]);
        __builtin_prefetch(&h->e[(i - 2u) & mask]);
        __builtin_prefetch(&h->e[(i - 4u) & mask]);
        gen[ng++] = (uint32_t)(k - c0);
      }
    }
    for (unsigned j = 0; j < ng; j++) {
      uint64_t k = c0 + gen[j];
      double wk = pair_general(&P->p, &hist[col[k]], w[k], ps, has_pre);
      w[k] = wk;
      wf[k] = (float)wk;
    }
  }
}

/* pair_loop with the projection's algorithm and bounds, whether this is a
 * delivery (ps->gq > 0) or a flush, whether m = dep = 1 and whether the
 * segment has had a pre spike (the common cases) as constants. */
#define PAIR_LOOP(alg, hard)                                                   \
  do {                                                                         \
    if (sg->t_pre == SLP__STDP_NONE)                                           \
      pair_loop(P, ps, hist, col, w, wf, n, alg, hard, ps->gq != 0, 0, 0); \
    else if (ps->gq == 0)                                                      \
      pair_loop(P, ps, hist, col, w, wf, n, alg, hard, 0, 0, 1);           \
    else if (ps->m == 1 && ps->dep == 1)                                       \
      pair_loop(P, ps, hist, col, w, wf, n, alg, hard, 1, 1, 1);           \
    else                                                                       \
      pair_loop(P, ps, hist, col, w, wf, n, alg, hard, 1, 0, 1);           \
  } while (0)
static void pair_pass(const slp__stdp_proj *P, const slp__stdp_seg *sg,
                      const seg_pass *ps, const slp__post_hist *hist,
                      const uint32_t *col, double *w, float *wf, uint64_t n) {
  if (P->p.algorithm == SLP_STDP_ADDITIVE && P->p.hardbound)
    PAIR_LOOP(SLP_STDP_ADDITIVE, 1);
  else
    PAIR_LOOP(P->p.algorithm, P->p.hardbound);
}
#undef PAIR_LOOP

/* Whether P's segments go through pair_pass. */
static int pair_fast(const slp__stdp_proj *P) {
  return (P->p.pairing == SLP_STDP_ALL ||
          P->p.pairing == SLP_STDP_NEAREST_SYMMETRIC) &&
         !P->p.triplet && P->xs == NULL;
}

double slp__plasticity_deliver(slp__plasticity *pl, slp__csr *csr, uint64_t s,
                              slp_tick T, double scale) {
  unsigned slot = pl->proj_of_tag[csr->seg_tag[s]];
  if (slot & SLP__TAG_STP) {
    slp__stp_proj *Q = &pl->stp[slot & ~SLP__TAG_STP];
    slp__stp_seg *g = &Q->segs[pl->seg_slot[s]];
    return Q->norse_dt > 0 ? slp__stp_spike_norse(&Q->p, g, T, Q->norse_dt)
                           : slp__stp_spike(&Q->p, g, T);
  }
  slp__stdp_proj *P = &pl->projs[slot];
  slp__stdp_seg *sg = &P->segs[pl->seg_slot[s]];
  if (P->norse_dt > 0) {
    slp__stdp_norse_deliver(P, sg, csr, s, T, fabs(scale));
    return 1.0;
  }
  const slp_stdp_params *p = &P->p;
  uint64_t lo = csr->seg_start[s], n = csr->seg_start[s + 1] - lo;
  slp_tick t_s = T - sg->d_dend;
  seg_pass ps;
  ps.lo = sg->t_fac - sg->d_dend;
  ps.hi = t_s - sg->d_dend;
  ps.xd = sg->x * sg->dpre;
  ps.gq = 1.0 / scale_at(ps.hi, P->epoch, p->tau_post_ms);
  /* An input event may stand for m coincident spikes (a grid step's count
   * or a signed spike): m jumps of the trace, m times the depression. */
  ps.m = fabs(scale);
  if (!(ps.gq > 0))
    ps.gq = DBL_MIN; /* a post trace that far back is 0 anyway */
  /* Triplet: the slow pre trace r2 just before this spike. */
  double r2 = sg->t_pre == SLP__STDP_NONE || !p->triplet
                  ? 0.0
                  : sg->x2 * exp(-(double)(t_s - sg->t_pre) /
                                 (p->tau_x_ms * TICKS_MS));
  ps.dep = p->triplet ? p->a2_minus + p->a3_minus * r2 : 1.0;
  double one = p->a_pre * scale_at(t_s, P->epoch, p->tau_pre_ms);
  double jump = ps.m * one;
  const uint32_t *col = &csr->col[lo];
  float *wf = &csr->w[lo];
  double *w = &P->w[sg->w0];
  double *xs = P->xs != NULL ? &P->xs[sg->w0] : NULL;
  double dummy = 0;
  const slp__post_hist *hist = &P->hist[sg->post0];
  if (pair_fast(P))
    pair_pass(P, sg, &ps, hist, col, w, wf, n);
  else
    for (uint64_t k = 0; k < n; k++) {
      if (k + 8 < n)
        __builtin_prefetch(&hist[col[k + 8]]);
      const slp__post_hist *h = &hist[col[k]];
      double wk = update(P, sg, h, w[k], &ps, xs != NULL ? &xs[k] : &dummy);
      w[k] = wk;
      wf[k] = (float)wk;
      if (xs != NULL)
        xs[k] += jump;
    }
  if (p->pairing == SLP_STDP_ALL || p->pairing == SLP_STDP_NEAREST_PRE_CENTRED)
    sg->x += jump;
  else if (ps.m > 0)
    sg->x = one; /* nearest: the trace is set, not added to */
  sg->x2 = r2 + ps.m;
  sg->t_pre = t_s;
  sg->t_fac = t_s;
  return 1.0;
}

int slp__plasticity_post_spike(slp__plasticity *pl, uint32_t node,
                               slp_tick t) {
  for (size_t q = 0; q < pl->n_projs; q++) {
    slp__stdp_proj *P = &pl->projs[q];
    for (size_t k = 0; k < P->n_to; k++) {
      if (node < P->to_node0[k] || node - P->to_node0[k] >= P->to_n[k])
        continue;
      slp__post_hist *h = &P->hist[P->to_off[k] + (node - P->to_node0[k])];
      if (P->norse_dt > 0) {
        double y, pf;
        slp__stdp_norse_post(P, h, t, &y, &pf);
        int rc = slp__hist_push(h, t, y, pf, 0.0);
        if (rc != 0)
          return rc;
        continue;
      }
      double y = P->p.a_post * scale_at(t, P->epoch, P->p.tau_post_ms);
      if (P->p.pairing == SLP_STDP_ALL && h->newest_t != SLP__HIST_NONE)
        y += h->newest_y; /* scaled values add up as they are */
      /* Triplet: the slow post trace o2 just before this spike (each
       * spike raises it by 1). */
      double z = 0;
      if (P->p.triplet && h->n > 0) /* the newest entry is never dropped */
        z = (slp__hist_z(h, h->n - 1) + 1.0) *
            exp(-(double)(t - h->newest_t) / (P->p.tau_y_ms * TICKS_MS));
      int rc = slp__hist_push(h, t, y,
                              1.0 / scale_at(t, P->epoch, P->p.tau_pre_ms), z);
      if (rc != 0)
        return rc;
    }
  }
  return 0;
}

/* Flush segment sg of P: apply the post spikes that reached it up to its
 * synapse time now - d_d, the latest that no undelivered pre spike precedes. */
static void flush_seg(slp__stdp_proj *P, slp__stdp_seg *sg, slp__csr *csr,
                      uint64_t s, slp_tick now) {
  if (P->norse_dt > 0) {
    slp__stdp_norse_flush(P, sg, csr, s, now);
    return;
  }
  slp_tick lim = now - sg->d_dend;
  if (lim <= sg->t_fac)
    return;
  seg_pass ps = {sg->t_fac - sg->d_dend, lim - sg->d_dend, sg->x * sg->dpre,
                 0.0, 1.0, 1.0};
  uint64_t lo = csr->seg_start[s], n = csr->seg_start[s + 1] - lo;
  if (pair_fast(P)) {
    pair_pass(P, sg, &ps, &P->hist[sg->post0], &csr->col[lo], &P->w[sg->w0],
              &csr->w[lo], n);
    sg->t_fac = lim;
    return;
  }
  double dummy = 0;
  for (uint64_t k = 0; k < n; k++) {
    const slp__post_hist *h = &P->hist[sg->post0 + csr->col[lo + k]];
    double *xk = P->xs != NULL ? &P->xs[sg->w0 + k] : &dummy;
    double wk = update(P, sg, h, P->w[sg->w0 + k], &ps, xk);
    P->w[sg->w0 + k] = wk;
    csr->w[lo + k] = (float)wk;
  }
  sg->t_fac = lim;
}

void slp__plasticity_flush(slp__plasticity *pl, slp__csr *csr, slp_tick now) {
  for (size_t q = 0; q < pl->n_projs; q++) {
    slp__stdp_proj *P = &pl->projs[q];
    for (size_t g = 0; g < P->n_segs; g++)
      flush_seg(P, &P->segs[g], csr, P->seg_csr[g], now);
  }
}

/* Ask for the first cache lines of segment g's targets, float and double
 * weights. */
static void prefetch_rows(const slp__stdp_proj *P, const slp__csr *csr,
                          size_t g) {
  uint64_t s = P->seg_csr[g], lo = csr->seg_start[s];
  uint64_t n = csr->seg_start[s + 1] - lo;
  if (n > 64)
    n = 64;
  for (uint64_t k = 0; k < n; k += 16) {
    __builtin_prefetch(&csr->col[lo + k]);
    __builtin_prefetch(&csr->w[lo + k], 1);
  }
  for (uint64_t k = 0; k < n; k += 8)
    __builtin_prefetch(&P->w[P->segs[g].w0 + k], 1);
}

void slp__plasticity_tick(slp__plasticity *pl, slp__csr *csr, slp_tick now) {
  if (now < pl->next_sweep)
    return;
  pl->next_sweep = now + pl->horizon / 2;
  slp_tick old = now - pl->horizon;
  for (size_t q = 0; q < pl->n_projs; q++) {
    slp__stdp_proj *P = &pl->projs[q];
    /* Silent sources apply what is pending (the next one's rows asked for
     * while one is flushed: they were last touched a horizon ago)... */
    size_t gs = 0;
    while (gs < P->n_segs && !(P->segs[gs].t_fac < old))
      gs++;
    while (gs < P->n_segs) {
      size_t next = gs + 1;
      while (next < P->n_segs && !(P->segs[next].t_fac < old))
        next++;
      if (next < P->n_segs)
        prefetch_rows(P, csr, next);
      flush_seg(P, &P->segs[gs], csr, P->seg_csr[gs], now);
      gs = next;
    }
    /* ...so that every segment has applied the post spikes that reached it
     * by now - horizon, and no delivery to come reads a spike emitted
     * before now - horizon - d_d,max except as the latest before its time
     * (the base): those can go. */
    for (uint32_t i = 0; i < P->n_post; i++)
      slp__hist_drop_before(&P->hist[i], old - P->d_dend_max);
    /* Move the epoch to now, so that the scaled traces stay in range. */
    double fy, fx;
    if (P->norse_dt > 0) {
      slp__stdp_norse_epoch(P, now, &fy, &fx);
    } else {
      fy = 1.0 / scale_at(now, P->epoch, P->p.tau_post_ms);
      fx = 1.0 / scale_at(now, P->epoch, P->p.tau_pre_ms);
    }
    for (uint32_t i = 0; i < P->n_post; i++)
      slp__hist_rescale(&P->hist[i], fy, 1.0 / fx);
    for (size_t g = 0; g < P->n_segs; g++)
      P->segs[g].x *= fx;
    for (uint64_t k = 0; P->xs != NULL && k < P->n_syn; k++)
      P->xs[k] *= fx;
    P->epoch = now;
  }
}

slp__stdp_proj *slp__plasticity_find(slp__plasticity *pl, uint32_t proj) {
  for (size_t q = 0; pl != NULL && q < pl->n_projs; q++)
    if (pl->projs[q].index == proj)
      return &pl->projs[q];
  return NULL;
}

uint64_t slp__plasticity_bytes(const slp__plasticity *pl) {
  uint64_t b = 0;
  for (size_t q = 0; pl != NULL && q < pl->n_stp; q++)
    b += pl->stp[q].n_segs * sizeof *pl->stp[q].segs;
  for (size_t q = 0; pl != NULL && q < pl->n_projs; q++) {
    const slp__stdp_proj *P = &pl->projs[q];
    b += P->n_syn * sizeof *P->w + P->n_segs * (sizeof *P->segs +
                                                sizeof *P->seg_csr);
    if (P->xs != NULL)
      b += P->n_syn * sizeof *P->xs;
    for (uint32_t i = 0; i < P->n_post; i++)
      b += sizeof P->hist[i] +
           (P->hist[i].has_cap ? ((uint64_t)1 << P->hist[i].log_cap) + 1
                               : 0) *
               sizeof(slp__hist_entry);
  }
  return b;
}

void slp__plasticity_destroy(slp__plasticity *pl) {
  if (pl == NULL)
    return;
  for (size_t q = 0; q < pl->n_projs; q++) {
    slp__stdp_proj *P = &pl->projs[q];
    for (uint32_t i = 0; P->hist != NULL && i < P->n_post; i++)
      slp__hist_free(&P->hist[i]);
    slp__free(P->hist);
    slp__free(P->segs);
    slp__free(P->seg_csr);
    slp__free(P->w);
    slp__free(P->xs);
  }
  slp__free(pl->projs);
  for (size_t q = 0; q < pl->n_stp; q++)
    slp__free(pl->stp[q].segs);
  slp__free(pl->stp);
  slp__free(pl->seg_slot);
  slp__free(pl->proj_of_tag);
  for (size_t k = 0; k < pl->n_rec; k++)
    slp__weight_writer_abort(pl->rec[k].out);
  slp__free(pl->rec);
  slp__free(pl);
}

/* Set up projection P (network projection index k) from the CSR. */
static int build_proj(slp__stdp_proj *P, const slp_network *net, uint32_t k,
                      slp__csr *csr, const uint32_t *pop_node0,
                      uint32_t *seg_slot, uint32_t n_neurons, slp_tick grid,
                      slp_tick *window, slp_diag *diag) {
  const slp__projection *pr = &net->projs[k];
  P->p = *pr->stdp;
  P->index = k;
  if (pr->n_to > 64)
    return slp_diag_set(diag, SLP_ELIMIT, NULL, 0, 0, NULL,
                        "a projection may target at most 64 populations");
  uint64_t off = 0;
  for (size_t t = 0; t < pr->n_to; t++) {
    const slp__group *g = &net->groups[pr->to[t]];
    P->to_node0[t] = (uint32_t)g->first;
    P->to_n[t] = g->size;
    P->to_off[t] = (uint32_t)off;
    off += g->size;
  }
  P->n_to = pr->n_to;
  P->n_post = (uint32_t)off;
  const slp__group *from = &net->groups[pr->from];
  uint32_t src0 = from->kind == SLP__GROUP_POPULATION
                      ? (uint32_t)from->first
                      : n_neurons + (uint32_t)from->first;
  uint16_t tag = (uint16_t)(k + 1);
  for (uint64_t s = 0; s < csr->n_seg; s++)
    if (csr->seg_tag[s] == tag) {
      P->n_segs++;
      P->n_syn += csr->seg_start[s + 1] - csr->seg_start[s];
    }
  P->hist = slp__calloc_aligned(P->n_post > 0 ? P->n_post : 1,
                                sizeof *P->hist, 64);
  P->segs = slp__calloc_aligned(P->n_segs > 0 ? P->n_segs : 1,
                                sizeof *P->segs, 64);
  P->seg_csr = slp__malloc((P->n_segs > 0 ? P->n_segs : 1) * sizeof *P->seg_csr);
  P->w = slp__malloc((P->n_syn > 0 ? P->n_syn : 1) * sizeof *P->w);
  if (P->p.pairing == SLP_STDP_NEAREST_PRE_CENTRED)
    P->xs = slp__calloc(P->n_syn > 0 ? P->n_syn : 1, sizeof *P->xs);
  if (!P->hist || !P->segs || !P->seg_csr || !P->w ||
      (P->p.pairing == SLP_STDP_NEAREST_PRE_CENTRED && !P->xs))
    return SLP_ENOMEM;
  for (uint32_t i = 0; i < P->n_post; i++)
    slp__hist_init(&P->hist[i]);
  double da_ticks = nearbyint(P->p.axonal_delay_ms * TICKS_MS);
  size_t g = 0;
  uint64_t w0 = 0;
  for (uint32_t r = 0; r < csr->n_rows; r++)
    for (uint64_t s = csr->row_seg[r]; s < csr->row_seg[r + 1]; s++) {
      if (csr->seg_tag[s] != tag)
        continue;
      slp__stdp_seg *sg = &P->segs[g];
      slp_tick dd = csr->seg_delay[s] - (slp_tick)da_ticks;
      /* Exactness: a delivery at T reads post spikes emitted up to
       * T - 2 d_d, which must precede the window (stdp.h).  A delay that
       * does not allow it is an error of the exact frame only (norse mode
       * has no dendritic delay): slp__plasticity_set_mode reports it. */
      slp_tick wmax = (2 * dd / grid) * grid;
      if (P->bad_kind == 0 && (!(dd > 0) || wmax < grid)) {
        P->bad_kind = dd > 0 ? 2 : 1;
        P->bad_delay = dd > 0 ? dd : csr->seg_delay[s];
      }
      if (wmax >= grid && wmax < *window)
        *window = wmax;
      if (dd > P->d_dend_max)
        P->d_dend_max = dd;
      sg->w0 = w0;
      sg->d_dend = dd;
      sg->t_pre = SLP__STDP_NONE;
      sg->t_fac = SLP__STDP_NONE;
      sg->x = 0;
      sg->x2 = 0;
      sg->dpre = exp(-(double)dd / (P->p.tau_pre_ms * TICKS_MS));
      sg->pre = r - src0;
      sg->post0 = 0;
      /* The segment's population may be a slice of a target (a
       * partition's, network/part.h): its neuron 0 lies inside it. */
      uint32_t node0 = pop_node0[csr->seg_pop[s]];
      for (size_t t = 0; t < P->n_to; t++)
        if (node0 >= P->to_node0[t] && node0 - P->to_node0[t] < P->to_n[t])
          sg->post0 = P->to_off[t] + (node0 - P->to_node0[t]);
      uint64_t lo = csr->seg_start[s], hi = csr->seg_start[s + 1];
      for (uint64_t q = lo; q < hi; q++)
        P->w[w0 + (q - lo)] = (double)csr->w[q];
      w0 += hi - lo;
      P->seg_csr[g] = s;
      seg_slot[s] = (uint32_t)g;
      g++;
    }
  return 0;
}

/* Set up short-term plastic projection Q (network index k): one state per
 * segment, starting at u = 0, x = 1. */
static int build_stp(slp__stp_proj *Q, const slp_network *net, uint32_t k,
                     const slp__csr *csr, uint32_t *seg_slot) {
  Q->p = *net->projs[k].stp;
  Q->index = k;
  uint16_t tag = (uint16_t)(k + 1);
  for (uint64_t s = 0; s < csr->n_seg; s++)
    Q->n_segs += csr->seg_tag[s] == tag;
  Q->segs = slp__malloc((Q->n_segs > 0 ? Q->n_segs : 1) * sizeof *Q->segs);
  if (Q->segs == NULL)
    return SLP_ENOMEM;
  size_t g = 0;
  for (uint64_t s = 0; s < csr->n_seg; s++)
    if (csr->seg_tag[s] == tag) {
      Q->segs[g] = (slp__stp_seg){INT64_MIN, 0.0, 1.0};
      seg_slot[s] = (uint32_t)g++;
    }
  return 0;
}

int slp__plasticity_create(slp__plasticity **out, const slp_network *net,
                           slp__csr *csr, const uint32_t *pop_node0,
                           uint32_t n_neurons, slp_tick grid,
                           slp_tick *window, slp_diag *diag) {
  *out = NULL;
  size_t n = 0, n_stp = 0;
  double tau_max = 0;
  for (size_t k = 0; k < net->n_projs; k++) {
    n_stp += net->projs[k].stp != NULL;
    if (net->projs[k].stdp != NULL) {
      n++;
      const slp_stdp_params *sp = net->projs[k].stdp;
      tau_max = fmax(tau_max, fmax(sp->tau_pre_ms, sp->tau_post_ms));
      if (sp->triplet)
        tau_max = fmax(tau_max, fmax(sp->tau_x_ms, sp->tau_y_ms));
    }
  }
  if (n + n_stp == 0)
    return 0;
  if (net->n_projs >= UINT16_MAX || csr->n_seg >= UINT32_MAX)
    return slp_diag_set(diag, SLP_ELIMIT, NULL, 0, 0, NULL,
                        "too many projections or segments for plasticity");
  slp__plasticity *pl = slp__calloc(1, sizeof *pl);
  if (pl == NULL)
    return SLP_ENOMEM;
  pl->projs = slp__calloc(n > 0 ? n : 1, sizeof *pl->projs);
  pl->stp = slp__calloc(n_stp > 0 ? n_stp : 1, sizeof *pl->stp);
  pl->seg_slot = slp__calloc(csr->n_seg > 0 ? csr->n_seg : 1,
                             sizeof *pl->seg_slot);
  pl->proj_of_tag = slp__calloc(net->n_projs + 1, sizeof *pl->proj_of_tag);
  int rc = pl->projs && pl->stp && pl->seg_slot && pl->proj_of_tag
               ? 0
               : SLP_ENOMEM;
  for (size_t k = 0; rc == 0 && k < net->n_projs; k++) {
    if (net->projs[k].stp != NULL) {
      pl->proj_of_tag[k + 1] = (uint16_t)(pl->n_stp | SLP__TAG_STP);
      rc = build_stp(&pl->stp[pl->n_stp++], net, (uint32_t)k, csr,
                     pl->seg_slot);
      continue;
    }
    if (net->projs[k].stdp == NULL)
      continue;
    pl->proj_of_tag[k + 1] = (uint16_t)pl->n_projs;
    rc = build_proj(&pl->projs[pl->n_projs++], net, (uint32_t)k, csr,
                    pop_node0, pl->seg_slot, n_neurons, grid, window, diag);
  }
  if (rc != 0) {
    slp__plasticity_destroy(pl);
    return rc;
  }
  /* The horizon trades memory (post spikes kept: rate x horizon) against
   * sweeps (one pass over the plastic segments per half horizon).  Ten time
   * constants keep the sweep rare; four maximal delays keep it beyond
   * every delivery in flight (the trimming argument in
   * slp__plasticity_tick needs more than 2 d_max). */
  double h_ms = fmax(fmax(10 * tau_max, 1.0),
                     4.0 * (double)csr->d_max / TICKS_MS);
  pl->horizon = (slp_tick)(h_ms * TICKS_MS);
  pl->horizon_ms = h_ms;
  pl->next_sweep = pl->horizon / 2;
  *out = pl;
  return 0;
}

/* The projection's name for messages. */
static const char *proj_name(const slp_network *net, const slp__stdp_proj *P) {
  const char *name = net->projs[P->index].name;
  return name != NULL ? name : "(unnamed)";
}

/* The exact frame's checks: every delay keeps a dendritic part long enough
 * for the grid, and the scaled traces stay in range. */
static int check_exact(const slp__plasticity *pl, const slp_network *net,
                       slp_diag *diag) {
  for (size_t q = 0; q < pl->n_projs; q++) {
    const slp__stdp_proj *P = &pl->projs[q];
    if (P->bad_kind == 1)
      return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, NULL,
                          "projection %s: the axonal delay %g ms leaves no "
                          "dendritic part of a delay of %g ms; it must be "
                          "shorter than every delay",
                          proj_name(net, P), P->p.axonal_delay_ms,
                          (double)P->bad_delay / TICKS_MS);
    if (P->bad_kind == 2)
      return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, NULL,
                          "projection %s: the dendritic part of a delay "
                          "(%g ms) must be at least half the grid step",
                          proj_name(net, P),
                          (double)P->bad_delay / TICKS_MS);
  }
  /* Scaled traces (stdp.h) of spikes kept up to 1.5 horizons plus a
   * dendritic delay before the epoch reach e^{that / tau_pre}: keep it far
   * from overflow (e^709). */
  double h_ms = pl->horizon_ms;
  for (size_t q = 0; q < pl->n_projs; q++) {
    const slp__stdp_proj *P = &pl->projs[q];
    double span = 1.5 * h_ms + (double)P->d_dend_max / TICKS_MS;
    if (span / P->p.tau_pre_ms > 600)
      return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, NULL,
                          "projection %s: tau_pre (%g ms) is too short beside "
                          "the longest time constant or delay (plasticity "
                          "keeps %g ms of post spikes; it must be at most "
                          "600 tau_pre)",
                          proj_name(net, P), P->p.tau_pre_ms, span);
  }
  return 0;
}

int slp__plasticity_set_mode(slp__plasticity *pl, const slp_network *net,
                             slp_tick norse_dt, slp_tick *window,
                             slp_diag *diag) {
  if (pl == NULL)
    return 0;
  if (norse_dt == 0)
    return check_exact(pl, net, diag);
  for (size_t q = 0; q < pl->n_stp; q++)
    pl->stp[q].norse_dt = norse_dt; /* Norse's stp_step */
  for (size_t q = 0; q < pl->n_projs; q++) {
    int rc = slp__stdp_norse_setup(&pl->projs[q], proj_name(net, &pl->projs[q]),
                                   norse_dt, pl->horizon, diag);
    if (rc != 0)
      return rc;
  }
  /* A delivery transmits the weight after every earlier step, which needs
   * the post spikes of the step before it: windows of one step. */
  if (pl->n_projs > 0)
    *window = norse_dt;
  return 0;
}
