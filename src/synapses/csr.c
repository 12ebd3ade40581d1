/*
 * synapses/csr.c -- building the delay-segmented CSR (see csr.h).
 *
 * Two passes over the connection rules (count, then fill) keep the build's
 * peak memory near the final size: rows are placed directly, and only each
 * row is sorted, by (delay, receptor, target), keeping the order synapses
 * were added in among equals so the result never depends on sort internals.
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

int slp__csr_builder_init(slp__csr_builder *b, uint32_t n_rows) {
  memset(b, 0, sizeof *b);
  b->n_rows = n_rows;
  b->fill = slp__calloc((size_t)n_rows + 1, sizeof *b->fill);
  return b->fill ? 0 : SLP_ENOMEM;
}

void slp__csr_builder_count(slp__csr_builder *b, uint32_t row) {
  b->fill[row]++;
  b->n_syn++;
}

int slp__csr_builder_alloc(slp__csr_builder *b) {
  size_t n = (size_t)b->n_syn;
  b->row_start = slp__malloc(((size_t)b->n_rows + 1) * sizeof *b->row_start);
  b->syn = slp__malloc(n * sizeof *b->syn);
  if (!b->row_start || !b->syn)
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
                          uint16_t pop, uint32_t local, float w,
                          slp_tick delay, uint8_t rec) {
  slp__csr_builder_add_tagged(b, row, target, pop, local, w, delay, rec, 0);
}

void slp__csr_builder_add_tagged(slp__csr_builder *b, uint32_t row,
                                 uint32_t target, uint16_t pop, uint32_t local,
                                 float w, slp_tick delay, uint8_t rec,
                                 uint16_t tag) {
  slp__csr_syn *s = &b->syn[b->fill[row]++];
  s->delay = delay;
  s->target = target;
  s->local = local;
  s->w = w;
  s->pop = pop;
  s->rec = rec;
  s->tag = tag;
}

/* One synapse while its row is being sorted. */
typedef struct sortrec {
  slp_tick delay;  /* first key */
  uint8_t rec;     /* second key */
  uint16_t tag;    /* third key: plastic projection + 1, or 0 */
  uint32_t target; /* fourth key (global id: groups populations in order) */
  uint32_t pos;    /* position added: keeps equal keys in insertion order */
} sortrec;

static int sortrec_cmp(const void *pa, const void *pb) {
  const sortrec *a = pa, *b = pb;
  if (a->delay != b->delay)
    return a->delay < b->delay ? -1 : 1;
  if (a->rec != b->rec)
    return a->rec < b->rec ? -1 : 1;
  if (a->tag != b->tag)
    return a->tag < b->tag ? -1 : 1;
  if (a->target != b->target)
    return a->target < b->target ? -1 : 1;
  return (a->pos > b->pos) - (a->pos < b->pos);
}

int slp__csr_builder_finish(slp__csr_builder *b, slp__csr *out) {
  memset(out, 0, sizeof *out);
  uint64_t n = b->n_syn;
  out->n_rows = b->n_rows;
  out->n_syn = n;
  out->row_seg = slp__malloc(((size_t)b->n_rows + 1) * sizeof *out->row_seg);
  out->col = slp__malloc((size_t)n * sizeof *out->col);
  out->w = slp__malloc((size_t)n * sizeof *out->w);
  uint64_t max_row = 0;
  for (uint32_t r = 0; r < b->n_rows; r++) {
    uint64_t len = b->row_start[r + 1] - b->row_start[r];
    if (len > max_row)
      max_row = len;
  }
  sortrec *tmp = slp__malloc((size_t)max_row * sizeof *tmp);
  /* Segments: at most one per synapse; shrunk at the end. */
  size_t seg_cap = 0, n_seg = 0;
  uint64_t *seg_start = NULL;
  slp_tick *seg_delay = NULL;
  uint16_t *seg_pop = NULL;
  uint8_t *seg_rec = NULL;
  uint16_t *seg_tag = NULL;
  int rc = 0;
  if (!out->row_seg || !out->col || !out->w || !tmp) {
    rc = SLP_ENOMEM;
    goto fail;
  }
  out->d_min = 0;
  out->d_max = 0;
  for (uint32_t r = 0; r < b->n_rows; r++) {
    uint64_t lo = b->row_start[r], hi = b->row_start[r + 1];
    size_t len = (size_t)(hi - lo);
    out->row_seg[r] = n_seg;
    const slp__csr_syn *row = &b->syn[lo];
    int sorted = 1;
    for (size_t k = 0; k < len; k++) {
      tmp[k].delay = row[k].delay;
      tmp[k].rec = row[k].rec;
      tmp[k].tag = row[k].tag;
      tmp[k].target = row[k].target;
      tmp[k].pos = (uint32_t)k;
      if (k > 0 && sorted && sortrec_cmp(&tmp[k - 1], &tmp[k]) > 0)
        sorted = 0;
    }
    /* Rules that generate target by target add rows in order already. */
    if (!sorted)
      qsort(tmp, len, sizeof *tmp, sortrec_cmp);
    for (size_t k = 0; k < len; k++) {
      const slp__csr_syn *src = &row[tmp[k].pos];
      uint64_t dst = lo + k;
      uint16_t pop = src->pop;
      int new_seg = k == 0 || tmp[k].delay != tmp[k - 1].delay ||
                    tmp[k].rec != tmp[k - 1].rec ||
                    tmp[k].tag != tmp[k - 1].tag ||
                    pop != row[tmp[k - 1].pos].pop;
      if (new_seg) {
        if (n_seg + 2 > seg_cap) {
          size_t c1 = seg_cap, c2 = seg_cap, c3 = seg_cap, c4 = seg_cap,
                 c5 = seg_cap;
          if (slp__grow((void **)&seg_start, &c1, n_seg + 2,
                        sizeof *seg_start) != 0 ||
              slp__grow((void **)&seg_delay, &c2, n_seg + 2,
                        sizeof *seg_delay) != 0 ||
              slp__grow((void **)&seg_pop, &c3, n_seg + 2,
                        sizeof *seg_pop) != 0 ||
              slp__grow((void **)&seg_rec, &c4, n_seg + 2,
                        sizeof *seg_rec) != 0 ||
              slp__grow((void **)&seg_tag, &c5, n_seg + 2,
                        sizeof *seg_tag) != 0) {
            rc = SLP_ENOMEM;
            goto fail;
          }
          seg_cap = c1;
        }
        seg_start[n_seg] = dst;
        seg_delay[n_seg] = tmp[k].delay;
        seg_pop[n_seg] = pop;
        seg_rec[n_seg] = tmp[k].rec;
        seg_tag[n_seg] = tmp[k].tag;
        n_seg++;
        if (out->d_min == 0 || tmp[k].delay < out->d_min)
          out->d_min = tmp[k].delay;
        if (tmp[k].delay > out->d_max)
          out->d_max = tmp[k].delay;
      }
      out->col[dst] = src->local;
      out->w[dst] = src->w;
    }
  }
  out->row_seg[b->n_rows] = n_seg;
  if (seg_start == NULL &&
      slp__grow((void **)&seg_start, &seg_cap, 1, sizeof *seg_start)) {
    rc = SLP_ENOMEM;
    goto fail;
  }
  seg_start[n_seg] = n;
  out->n_seg = n_seg;
  out->seg_start = seg_start;
  out->seg_delay = seg_delay;
  out->seg_pop = seg_pop;
  out->seg_receptor = seg_rec;
  out->seg_tag = seg_tag;
  slp__free(tmp);
  return 0;
fail:
  slp__free(tmp);
  slp__free(seg_start);
  slp__free(seg_delay);
  slp__free(seg_pop);
  slp__free(seg_rec);
  slp__free(seg_tag);
  slp__csr_free(out);
  return rc;
}

void slp__csr_builder_free(slp__csr_builder *b) {
  slp__free(b->fill);
  slp__free(b->row_start);
  slp__free(b->syn);
  memset(b, 0, sizeof *b);
}
