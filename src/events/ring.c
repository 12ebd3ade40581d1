/*
 * events/ring.c -- the bucket ring with a far-future heap (see ring.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sleipnir/error.h"
#include "core/alloc.h"
#include "core/radix.h"
#include "events/ring.h"

/* A bucket's first allocation: ring buckets fill to tens of entries, so
 * starting there saves the first few doublings of every bucket. */
#define EVBUF_FIRST 64

int slp__evbuf_grow(slp__evbuf *b) {
  size_t need = b->n + 1 < EVBUF_FIRST ? EVBUF_FIRST : b->n + 1;
  return slp__grow((void **)&b->ev, &b->cap, need, sizeof *b->ev);
}

void slp__evbuf_free(slp__evbuf *b) {
  slp__free(b->ev);
  memset(b, 0, sizeof *b);
}

static int event_less(const slp__event *a, const slp__event *b) {
  if (a->t != b->t)
    return a->t < b->t;
  if (a->src != b->src)
    return a->src < b->src;
  return a->seg < b->seg;
}

static int event_cmp(const void *pa, const void *pb) {
  const slp__event *a = pa, *b = pb;
  return event_less(a, b) ? -1 : event_less(b, a) ? 1 : 0;
}

/* Insertion sort of ev[0, n): for short or nearly sorted runs. */
static void insertion_sort(slp__event *ev, size_t n) {
  for (size_t i = 1; i < n; i++) {
    slp__event e = ev[i];
    size_t j = i;
    while (j > 0 && event_less(&e, &ev[j - 1])) {
      ev[j] = ev[j - 1];
      j--;
    }
    ev[j] = e;
  }
}

/* Are b's events in canonical order?  With one delay per projection, a
 * bucket holds the entries of one earlier window, pushed in order: then it
 * is sorted already. */
static int is_sorted(const slp__evbuf *b) {
  for (size_t k = 1; k < b->n; k++)
    if (event_less(&b->ev[k], &b->ev[k - 1]))
      return 0;
  return 1;
}

void slp__evbuf_sort(slp__evbuf *b) {
  if (is_sorted(b))
    return;
  /* Buckets are mostly short and often nearly sorted (spikes of one window
   * are pushed in order): insertion sort wins there, qsort elsewhere.  Keys
   * (t, src, seg) are unique per bucket, so stability does not matter. */
  if (b->n < 32) {
    insertion_sort(b->ev, b->n);
    return;
  }
  qsort(b->ev, b->n, sizeof *b->ev, event_cmp);
}

/* Buckets from this size on are radix-sorted (below it qsort's n log n is
 * no more than the radix passes and their counting). */
#define RADIX_MIN 2048

void slp__ring_sort(slp__ring *r, slp__evbuf *b) {
  if (b->n < RADIX_MIN || is_sorted(b)) {
    slp__evbuf_sort(b);
    return;
  }
  slp__evbuf *tmp = &r->scratch;
  if (tmp->cap < b->n &&
      slp__grow((void **)&tmp->ev, &tmp->cap, b->n, sizeof *tmp->ev) != 0) {
    qsort(b->ev, b->n, sizeof *b->ev, event_cmp); /* needs no memory */
    return;
  }
  /* By the tick's offset in the window [base, base + width) -- every event
   * of the current bucket lies there -- stably, so that events end in
   * (t, order pushed). */
  _Static_assert(offsetof(slp__event, t) == 0, "radix.h: tick first");
  if (slp__radix_sort_ticks(b->ev, tmp->ev, b->n, sizeof *b->ev, r->base, 1,
                            (uint64_t)(r->width - 1)) != b->ev) {
    /* The result is in the scratch buffer: the two swap their arrays. */
    slp__event *x = b->ev;
    size_t cap = b->cap;
    b->ev = tmp->ev;
    b->cap = tmp->cap;
    tmp->ev = x;
    tmp->cap = cap;
  }
  /* Events of one tick keep the order they were pushed in: put each such
   * run (mostly of one or two) in (src, seg) order. */
  for (size_t lo = 0; lo < b->n;) {
    size_t hi = lo + 1;
    while (hi < b->n && b->ev[hi].t == b->ev[lo].t)
      hi++;
    if (hi - lo > 1)
      insertion_sort(&b->ev[lo], hi - lo);
    lo = hi;
  }
}

int slp__ring_init(slp__ring *r, slp_tick width, slp_tick horizon,
                   slp_tick start) {
  memset(r, 0, sizeof *r);
  if (width <= 0 || horizon < 0)
    return SLP_EINVAL;
  /* An event at most `horizon` after the window start falls at most
   * horizon / width buckets ahead; one more keeps the current bucket apart. */
  slp_tick ahead = horizon / width + 2;
  if (ahead > (slp_tick)1 << 24)
    ahead = (slp_tick)1 << 24; /* further events simply use the heap */
  r->n_buckets = (size_t)ahead;
  r->buckets = slp__calloc(r->n_buckets, sizeof *r->buckets);
  if (r->buckets == NULL)
    return SLP_ENOMEM;
  r->width = width;
  r->inv_width = 1.0 / (double)width;
  r->base = start;
  return 0;
}

void slp__ring_free(slp__ring *r) {
  if (r->buckets != NULL)
    for (size_t k = 0; k < r->n_buckets; k++)
      slp__evbuf_free(&r->buckets[k]);
  slp__free(r->buckets);
  slp__evbuf_free(&r->far);
  slp__evbuf_free(&r->scratch);
  memset(r, 0, sizeof *r);
}

/* Heap order: earliest (t, src, seg) at the root. */
static void heap_up(slp__evbuf *h, size_t i) {
  slp__event e = h->ev[i];
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!event_less(&e, &h->ev[p]))
      break;
    h->ev[i] = h->ev[p];
    i = p;
  }
  h->ev[i] = e;
}

static void heap_pop(slp__evbuf *h, slp__event *out) {
  *out = h->ev[0];
  slp__event last = h->ev[--h->n];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= h->n)
      break;
    if (c + 1 < h->n && event_less(&h->ev[c + 1], &h->ev[c]))
      c++;
    if (!event_less(&h->ev[c], &last))
      break;
    h->ev[i] = h->ev[c];
    i = c;
  }
  if (h->n > 0)
    h->ev[i] = last;
}

int slp__ring_push_far(slp__ring *r, slp_tick t, uint32_t src, uint32_t seg,
                       double scale) {
  slp__event e = {t, src, seg, scale};
  int rc = slp__evbuf_push(&r->far, &e);
  if (rc == 0) {
    heap_up(&r->far, r->far.n - 1);
    r->pushed++;
  }
  return rc;
}

int slp__ring_take(slp__ring *r, slp__evbuf **out) {
  slp__evbuf *b = &r->buckets[r->cur];
  slp_tick end = r->base + r->width;
  while (r->far.n > 0 && r->far.ev[0].t < end) {
    /* Make room first, so that a failed allocation loses nothing. */
    int rc = slp__grow((void **)&b->ev, &b->cap, b->n + 1, sizeof *b->ev);
    if (rc != 0)
      return rc;
    heap_pop(&r->far, &b->ev[b->n++]);
  }
  r->taken += b->n;
  *out = b;
  return 0;
}

void slp__ring_advance(slp__ring *r) {
  r->buckets[r->cur].n = 0;
  r->cur = (r->cur + 1) % r->n_buckets;
  r->base += r->width;
}

uint64_t slp__ring_pending(const slp__ring *r) {
  return r->pushed - r->taken;
}
