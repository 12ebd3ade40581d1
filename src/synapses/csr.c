/*
 * synapses/csr.c -- building the delay-segmented CSR (see csr.h).
 *
 * Two passes over the connection rules (count, then fill) keep the build's
 * peak memory near the final size: rows are placed directly, as three
 * arrays of which two become the CSR, and only each row is sorted, by
 * (delay, receptor, tag, target), keeping the order synapses were added in
 * among equals so the result never depends on sort internals.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sleipnir/error.h"
#include "core/alloc.h"
#include "synapses/csr.h"

void slp__csr_free(slp__csr *c) {
  slp__free(c->row_seg);
  slp__free(c->seg_start);
  slp__free(c->seg_delay);
  slp__free(c->seg_pop);
  slp__free(c->seg_receptor);
  slp__free(c->seg_tag);
  slp__free(c->col);
  slp__free(c->w);
  memset(c, 0, sizeof *c);
}

uint64_t slp__csr_bytes(const slp__csr *c) {
  return (uint64_t)(c->n_rows + 1) * sizeof *c->row_seg +
         (c->n_seg + 1) * sizeof *c->seg_start +
         c->n_seg * (sizeof *c->seg_delay + sizeof *c->seg_pop +
                     sizeof *c->seg_receptor + sizeof *c->seg_tag) +
         c->n_syn * (sizeof *c->col + sizeof *c->w);
}

int slp__csr_builder_init(slp__csr_builder *b, uint32_t n_rows,
                          uint32_t n_pops, const uint32_t *slice_node0,
                          const uint32_t *slice_size) {
  memset(b, 0, sizeof *b);
  b->n_rows = n_rows;
  b->n_pops = n_pops;
  b->fill = slp__calloc((size_t)n_rows + 1, sizeof *b->fill);
  b->pop_node0 = slp__malloc(((size_t)n_pops + 1) * sizeof *b->pop_node0);
  b->pop_size = slp__malloc(((size_t)n_pops + 1) * sizeof *b->pop_size);
  b->by_node = slp__malloc(((size_t)n_pops + 1) * sizeof *b->by_node);
  if (!b->fill || !b->pop_node0 || !b->pop_size || !b->by_node)
    return SLP_ENOMEM;
  for (uint32_t q = 0; q < n_pops; q++) {
    b->pop_node0[q] = slice_node0[q];
    b->pop_size[q] = slice_size[q];
    if (slice_size[q] == 0)
      continue;
    /* Insertion sort: a handful of populations. */
    uint32_t k = b->n_by_node++;
    while (k > 0 && b->pop_node0[b->by_node[k - 1]] > slice_node0[q]) {
      b->by_node[k] = b->by_node[k - 1];
      k--;
    }
    b->by_node[k] = q;
  }
  return 0;
}

void slp__csr_builder_count(slp__csr_builder *b, uint32_t row) {
  b->fill[row]++;
  b->n_syn++;
}

int slp__csr_builder_alloc(slp__csr_builder *b) {
  size_t n = (size_t)b->n_syn;
  b->row_start = slp__malloc(((size_t)b->n_rows + 1) * sizeof *b->row_start);
  b->key = slp__malloc(n * sizeof *b->key);
  b->target = slp__malloc(n * sizeof *b->target);
  b->w = slp__malloc(n * sizeof *b->w);
  if (!b->row_start || (n > 0 && (!b->key || !b->target || !b->w)))
    return SLP_ENOMEM;
  uint64_t off = 0;
  for (uint32_t r = 0; r < b->n_rows; r++) {
    b->row_start[r] = off;
    off += b->fill[r];
    b->fill[r] = b->row_start[r];
  }
  b->row_start[b->n_rows] = off;
  return 0;
}

void slp__csr_builder_add(slp__csr_builder *b, uint32_t row, uint32_t target,
                          float w, slp_tick delay, uint8_t rec, uint16_t tag) {
  uint64_t k = b->fill[row]++;
  b->key[k] = (uint64_t)delay << 24 | (uint64_t)rec << 16 | tag;
  b->target[k] = target;
  b->w[k] = w;
}

static slp_tick key_delay(uint64_t key) { return (slp_tick)(key >> 24); }
static uint8_t key_receptor(uint64_t key) { return (uint8_t)(key >> 16); }
static uint16_t key_tag(uint64_t key) { return (uint16_t)key; }

/* The population holding global node target (the last non-empty one that
 * starts at or before it). */
static uint32_t pop_of(const slp__csr_builder *b, uint32_t target) {
  uint32_t lo = 0, hi = b->n_by_node;
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (b->pop_node0[b->by_node[mid]] <= target)
      lo = mid;
    else
      hi = mid;
  }
  return b->by_node[lo];
}

/* One synapse while its row is being sorted. */
typedef struct sortrec {
  uint64_t key;    /* first key: delay, receptor, tag */
  uint32_t target; /* second key (global id: groups populations in order) */
  uint32_t pos;    /* position added: keeps equal keys in insertion order */
} sortrec;

static int sortrec_cmp(const void *pa, const void *pb) {
  const sortrec *a = pa, *b = pb;
  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  if (a->target != b->target)
    return a->target < b->target ? -1 : 1;
  return (a->pos > b->pos) - (a->pos < b->pos);
}

/* Puts row [lo, lo + len) in (key, target, insertion) order, in place. */
static void sort_row(slp__csr_builder *b, uint64_t lo, size_t len,
                     sortrec *tmp, float *tmp_w) {
  uint64_t *key = &b->key[lo];
  uint32_t *target = &b->target[lo];
  float *w = &b->w[lo];
  int sorted = 1;
  for (size_t k = 1; k < len && sorted; k++)
    sorted = key[k - 1] < key[k] ||
             (key[k - 1] == key[k] && target[k - 1] <= target[k]);
  /* Rules that generate target by target add rows in order already. */
  if (sorted)
    return;
  for (size_t k = 0; k < len; k++)
    tmp[k] = (sortrec){key[k], target[k], (uint32_t)k};
  qsort(tmp, len, sizeof *tmp, sortrec_cmp);
  memcpy(tmp_w, w, len * sizeof *w);
  for (size_t k = 0; k < len; k++) {
    key[k] = tmp[k].key;
    target[k] = tmp[k].target;
    w[k] = tmp_w[tmp[k].pos];
  }
}

/* Segment arrays grown together. */
typedef struct segs {
  size_t cap, n;
  uint64_t *start;
  slp_tick *delay;
  uint16_t *pop;
  uint8_t *rec;
  uint16_t *tag;
} segs;

static int segs_push(segs *s, uint64_t start, uint64_t key, uint16_t pop) {
  if (s->n + 2 > s->cap) {
    size_t c[5] = {s->cap, s->cap, s->cap, s->cap, s->cap};
    if (slp__grow((void **)&s->start, &c[0], s->n + 2, sizeof *s->start) ||
        slp__grow((void **)&s->delay, &c[1], s->n + 2, sizeof *s->delay) ||
        slp__grow((void **)&s->pop, &c[2], s->n + 2, sizeof *s->pop) ||
        slp__grow((void **)&s->rec, &c[3], s->n + 2, sizeof *s->rec) ||
        slp__grow((void **)&s->tag, &c[4], s->n + 2, sizeof *s->tag))
      return SLP_ENOMEM;
    s->cap = c[0];
  }
  s->start[s->n] = start;
  s->delay[s->n] = key_delay(key);
  s->pop[s->n] = pop;
  s->rec[s->n] = key_receptor(key);
  s->tag[s->n] = key_tag(key);
  s->n++;
  return 0;
}

static void segs_free(segs *s) {
  slp__free(s->start);
  slp__free(s->delay);
  slp__free(s->pop);
  slp__free(s->rec);
  slp__free(s->tag);
}

/*
 * Sorts each row, cuts it into segments and turns the targets into local
 * indices in place: the builder's target and weight arrays become the CSR's
 * col and w, so the finish allocates only the segments and one row's
 * scratch.
 */
int slp__csr_builder_finish(slp__csr_builder *b, slp__csr *out) {
  memset(out, 0, sizeof *out);
  uint64_t n = b->n_syn;
  out->n_rows = b->n_rows;
  out->row_seg = slp__malloc(((size_t)b->n_rows + 1) * sizeof *out->row_seg);
  uint64_t max_row = 0;
  for (uint32_t r = 0; r < b->n_rows; r++) {
    uint64_t len = b->row_start[r + 1] - b->row_start[r];
    if (len > max_row)
      max_row = len;
  }
  sortrec *tmp = slp__malloc((size_t)max_row * sizeof *tmp + 1);
  float *tmp_w = slp__malloc((size_t)max_row * sizeof *tmp_w + 1);
  segs sg = {0};
  int rc = 0;
  if (!out->row_seg || !tmp || !tmp_w) {
    rc = SLP_ENOMEM;
    goto done;
  }
  for (uint32_t r = 0; r < b->n_rows; r++) {
    uint64_t lo = b->row_start[r], hi = b->row_start[r + 1];
    out->row_seg[r] = sg.n;
    sort_row(b, lo, (size_t)(hi - lo), tmp, tmp_w);
    uint32_t pop = 0, node0 = 0, end = 0;
    for (uint64_t k = lo; k < hi; k++) {
      uint32_t t = b->target[k];
      int new_pop = k == lo || t >= end || t < node0;
      if (new_pop) {
        pop = pop_of(b, t);
        node0 = b->pop_node0[pop];
        end = node0 + b->pop_size[pop];
      }
      if (new_pop || b->key[k] != b->key[k - 1]) {
        rc = segs_push(&sg, k, b->key[k], (uint16_t)pop);
        if (rc != 0)
          goto done;
        slp_tick d = key_delay(b->key[k]);
        if (out->d_min == 0 || d < out->d_min)
          out->d_min = d;
        if (d > out->d_max)
          out->d_max = d;
      }
      b->target[k] = t - node0;
    }
  }
  out->row_seg[b->n_rows] = sg.n;
  if (segs_push(&sg, n, 0, 0) != 0) { /* the end sentinel */
    rc = SLP_ENOMEM;
    goto done;
  }
  sg.n--;
  out->n_syn = n;
  out->n_seg = sg.n;
  out->seg_start = sg.start;
  out->seg_delay = sg.delay;
  out->seg_pop = sg.pop;
  out->seg_receptor = sg.rec;
  out->seg_tag = sg.tag;
  out->col = b->target;
  out->w = b->w;
  b->target = NULL;
  b->w = NULL;
  slp__free(b->key);
  b->key = NULL;
  sg = (segs){0};
done:
  slp__free(tmp);
  slp__free(tmp_w);
  segs_free(&sg);
  if (rc != 0)
    slp__csr_free(out);
  return rc;
}

void slp__csr_builder_free(slp__csr_builder *b) {
  slp__free(b->fill);
  slp__free(b->row_start);
  slp__free(b->key);
  slp__free(b->target);
  slp__free(b->w);
  slp__free(b->pop_node0);
  slp__free(b->pop_size);
  slp__free(b->by_node);
  memset(b, 0, sizeof *b);
}
