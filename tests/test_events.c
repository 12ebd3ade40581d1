/*
 * tests/test_events.c -- the bucket ring against a sorted reference, the
 * wake-up map against a list of each item's tick, and the delay-segmented
 * CSR builder.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "events/ring.h"
#include "events/wake_map.h"
#include "synapses/csr.h"

static int ev_cmp(const void *pa, const void *pb) {
  const slp__event *a = pa, *b = pb;
  if (a->t != b->t)
    return a->t < b->t ? -1 : 1;
  if (a->src != b->src)
    return a->src < b->src ? -1 : 1;
  return (a->seg > b->seg) - (a->seg < b->seg);
}

/* Random events (many ties, some far beyond the year) pushed while windows
 * advance come out window by window in exactly the reference order, and the
 * accounting balances. */
START_TEST(test_ring_vs_reference) {
  slp__rng r;
  slp__rng_init(&r, 42, SLP__RNG_SPIKES, (uint64_t)_i, 0);
  const slp_tick width = 1000;
  slp__ring ring;
  ck_assert_int_eq(slp__ring_init(&ring, width, 10 * width, 0), 0);
  enum { N = 5000 };
  slp__event *all = malloc(N * sizeof *all);
  size_t n_all = 0, n_out = 0;
  slp__event *out = malloc(N * sizeof *out);
  for (int w = 0; w < 400; w++) {
    slp_tick base = (slp_tick)w * width;
    /* Push some events at or after the current window start. */
    for (int k = 0; k < 12 && n_all < N; k++) {
      slp__event e = {0, 0, 0, 1.0};
      uint32_t x = slp__rng_u32(&r);
      slp_tick ahead = (x % 8 == 0) ? (slp_tick)slp__rng_below(&r, 200 * width)
                                    : (slp_tick)slp__rng_below(&r, 11 * width);
      e.t = base + ahead / 7 * 7; /* multiples of 7: plenty of ties */
      e.src = slp__rng_u32(&r) % 5;
      e.seg = (uint32_t)n_all; /* unique: a total order */
      ck_assert_int_eq(slp__ring_push(&ring, e.t, e.src, e.seg, e.scale), 0);
      all[n_all++] = e;
    }
    slp__evbuf *b;
    ck_assert_int_eq(slp__ring_take(&ring, &b), 0);
    slp__evbuf_sort(b);
    for (size_t k = 0; k < b->n; k++) {
      ck_assert(b->ev[k].t >= base && b->ev[k].t < base + width);
      out[n_out++] = b->ev[k];
    }
    slp__ring_advance(&ring);
  }
  /* Everything before the last window end came out, in order. */
  slp_tick end = 400 * width;
  size_t n_ref = 0;
  for (size_t k = 0; k < n_all; k++)
    if (all[k].t < end)
      all[n_ref++] = all[k];
  qsort(all, n_ref, sizeof *all, ev_cmp);
  ck_assert_uint_eq(n_out, n_ref);
  for (size_t k = 0; k < n_out; k++) {
    ck_assert_int_eq(out[k].t, all[k].t);
    ck_assert_uint_eq(out[k].seg, all[k].seg);
  }
  ck_assert_uint_eq(ring.pushed, n_out + slp__ring_pending(&ring));
  slp__ring_free(&ring);
  free(all);
  free(out);
}
END_TEST

START_TEST(test_ring_rejects_past) {
  slp__ring ring;
  ck_assert_int_eq(slp__ring_init(&ring, 10, 100, 50), 0);
  slp__event e = {49, 0, 0, 1.0};
  ck_assert_int_eq(slp__ring_push(&ring, e.t, e.src, e.seg, e.scale), SLP_EINVAL);
  e.t = 50;
  ck_assert_int_eq(slp__ring_push(&ring, e.t, e.src, e.seg, e.scale), 0);
  slp__ring_free(&ring);
}
END_TEST

/* A large bucket, pushed in no order (as input sources queue their spikes,
 * source by source), comes out of slp__ring_sort in exactly the canonical
 * (t, src, seg) order: windows whose tick offsets take one, two and three
 * radix passes, with ties in t broken against push order. */
START_TEST(test_ring_sort_large) {
  const slp_tick widths[] = {1000, 1500000, (slp_tick)1 << 30};
  slp_tick width = widths[_i];
  slp__rng r;
  slp__rng_init(&r, 7, SLP__RNG_SPIKES, (uint64_t)_i, 0);
  slp__ring ring;
  ck_assert_int_eq(slp__ring_init(&ring, width, width, 0), 0);
  for (int w = 0; w < 3; w++) { /* reuse of the scratch buffer */
    enum { N = 20000 };
    slp__event *ref = malloc(N * sizeof *ref);
    slp_tick base = ring.base;
    for (size_t k = 0; k < N; k++) {
      /* Few distinct ticks in the narrow window (long runs of ties), and
       * src descending within a tick for part of them. */
      slp__event e = {base + (slp_tick)slp__rng_below(&r, (uint64_t)width),
                      (uint32_t)(N - k) % 97, (uint32_t)slp__rng_below(&r, 4),
                      1.0};
      ck_assert_int_eq(slp__ring_push(&ring, e.t, e.src, e.seg, e.scale), 0);
      ref[k] = e;
    }
    slp__evbuf *b;
    ck_assert_int_eq(slp__ring_take(&ring, &b), 0);
    ck_assert_uint_eq(b->n, N);
    slp__ring_sort(&ring, b);
    qsort(ref, N, sizeof *ref, ev_cmp);
    for (size_t k = 0; k < N; k++) {
      ck_assert_int_eq(b->ev[k].t, ref[k].t);
      ck_assert_uint_eq(b->ev[k].src, ref[k].src);
      ck_assert_uint_eq(b->ev[k].seg, ref[k].seg);
    }
    slp__ring_advance(&ring);
    free(ref);
  }
  slp__ring_free(&ring);
}
END_TEST

/* Rows are split into segments by (delay, receptor, population), targets
 * ascend inside a segment, equal synapses keep their insertion order, and a
 * static synapse costs 8 bytes. */
START_TEST(test_csr_segments) {
  slp__csr_builder b;
  /* Population 0: nodes 0-3; population 1: nodes 4-5. */
  const uint32_t node0[] = {0, 4}, size[] = {4, 2};
  ck_assert_int_eq(slp__csr_builder_init(&b, 3, 2, node0, size), 0);
  /* row, target node, pop, local, w, delay, receptor */
  struct { uint32_t row, tgt; uint16_t pop; uint32_t loc; float w;
           slp_tick d; uint8_t rec; } s[] = {
      {0, 5, 1, 1, 1.0f, 20, 0}, {0, 2, 0, 2, 2.0f, 10, 0},
      {0, 1, 0, 1, 3.0f, 10, 0}, {0, 1, 0, 1, 4.0f, 10, 0},
      {0, 4, 1, 0, 5.0f, 10, 0}, {0, 3, 0, 3, 6.0f, 10, 1},
      {2, 0, 0, 0, 7.0f, 30, 0}};
  size_t n = sizeof s / sizeof s[0];
  for (size_t k = 0; k < n; k++)
    slp__csr_builder_count(&b, s[k].row);
  ck_assert_int_eq(slp__csr_builder_alloc(&b), 0);
  for (size_t k = 0; k < n; k++)
    slp__csr_builder_add(&b, s[k].row, s[k].tgt, s[k].w, s[k].d, s[k].rec, 0);
  slp__csr c;
  ck_assert_int_eq(slp__csr_builder_finish(&b, &c), 0);
  slp__csr_builder_free(&b);
  ck_assert_uint_eq(c.n_syn, 7);
  /* Row 0: (10, exc, pop0) {1, 1, 2}, (10, exc, pop1) {4}, (10, inh, pop0)
   * {3}, (20, exc, pop1) {5}; row 1 empty; row 2: one segment. */
  ck_assert_uint_eq(c.row_seg[1] - c.row_seg[0], 4);
  ck_assert_uint_eq(c.row_seg[2] - c.row_seg[1], 0);
  ck_assert_uint_eq(c.row_seg[3] - c.row_seg[2], 1);
  uint64_t s0 = c.row_seg[0];
  ck_assert_int_eq(c.seg_delay[s0], 10);
  ck_assert_uint_eq(c.seg_start[s0 + 1] - c.seg_start[s0], 3);
  const float w0[] = {3.0f, 4.0f, 2.0f}; /* target 1 twice, in order added */
  for (int k = 0; k < 3; k++)
    ck_assert(c.w[c.seg_start[s0] + (uint64_t)k] == w0[k]);
  /* Targets become local to their population: s[].loc in CSR order. */
  const uint32_t col0[] = {1, 1, 2, 0, 3, 1};
  for (int k = 0; k < 6; k++)
    ck_assert_uint_eq(c.col[c.seg_start[s0] + (uint64_t)k], col0[k]);
  ck_assert_uint_eq(c.col[c.seg_start[c.row_seg[2]]], 0);
  ck_assert_uint_eq(c.seg_pop[s0], 0);
  ck_assert_uint_eq(c.seg_pop[s0 + 1], 1);
  ck_assert_uint_eq(c.seg_pop[s0 + 2], 0);
  ck_assert_uint_eq(c.seg_pop[s0 + 3], 1);
  ck_assert_uint_eq(c.seg_receptor[s0 + 2], 1);
  ck_assert_int_eq(c.seg_delay[s0 + 3], 20);
  ck_assert_int_eq(c.d_min, 10);
  ck_assert_int_eq(c.d_max, 30);
  ck_assert_uint_eq(sizeof c.col[0] + sizeof c.w[0], 8);
  slp__csr_free(&c);
}
END_TEST


/* slp__windows_in is the exact quotient, on both sides of each multiple
 * and far beyond where a double holds every tick. */
START_TEST(test_windows_in_exact) {
  slp__rng r;
  slp__rng_init(&r, 7, SLP__RNG_SPIKES, 0, 0);
  const slp_tick widths[] = {1, 3, 1000, 100000, 1234567, 1500000};
  for (size_t k = 0; k < sizeof widths / sizeof *widths; k++) {
    slp_tick w = widths[k];
    double inv = 1.0 / (double)w;
    for (int j = 0; j < 20000; j++) {
      uint64_t x = slp__rng_u64(&r);
      slp_tick off = j % 3 == 0 ? (slp_tick)(x >> 1)
                                : (slp_tick)(x >> (11 + j % 40));
      if (j % 5 == 0) /* next to a multiple */
        off = off / w * w - (j % 2);
      if (off < 0)
        off = 0;
      ck_assert_int_eq(slp__windows_in(off, w, inv), off / w);
    }
  }
}
END_TEST

/* Random moves of 150 items (earlier, later, to nowhere, beyond the year)
 * while windows advance: each window's bucket holds exactly the items whose
 * kept tick falls in it, and a kept tick is the asked one within the year,
 * the start of the year's last window beyond it. */
START_TEST(test_wake_map_vs_list) {
  enum { N = 150, YEAR = 16 };
  const slp_tick width = 1000;
  slp__wake_map m;
  ck_assert_int_eq(slp__wake_map_init(&m, width, YEAR, N, 0), 0);
  ck_assert_uint_eq(m.words, 3);
  slp_tick kept[N];
  for (int i = 0; i < N; i++)
    kept[i] = SLP__WAKE_NONE;
  slp__rng r;
  slp__rng_init(&r, 11, SLP__RNG_SPIKES, (uint64_t)_i, 0);
  size_t handed = 0;
  for (int w = 0; w < 300; w++) {
    slp_tick base = (slp_tick)w * width;
    for (int k = 0; k < 40; k++) {
      int i = (int)slp__rng_below(&r, N);
      uint32_t kind = slp__rng_u32(&r) % 8;
      slp_tick to = kind == 0   ? SLP__WAKE_NONE
                    : kind == 1 ? base + (slp_tick)slp__rng_below(&r, 50 * width)
                                : base + (slp_tick)slp__rng_below(&r, YEAR * width);
      slp_tick at = slp__wake_map_move(&m, (size_t)i, kept[i], to);
      if (to == SLP__WAKE_NONE || to < base + (YEAR - 1) * width)
        ck_assert_int_eq(at, to);
      else
        ck_assert_int_eq(at, base + (YEAR - 1) * width);
      kept[i] = at;
    }
    uint64_t *due = slp__wake_map_due(&m);
    for (int i = 0; i < N; i++) {
      int bit = (int)((due[i / 64] >> (i % 64)) & 1);
      int in_window = kept[i] >= base && kept[i] < base + width;
      ck_assert_int_eq(bit, in_window);
      if (bit) {
        kept[i] = SLP__WAKE_NONE; /* handed out: as pop.h's wake_due */
        handed++;
      }
    }
    for (size_t q = 0; q < m.words; q++)
      due[q] = 0;
    slp__wake_map_advance(&m);
  }
  ck_assert_uint_gt(handed, 500); /* the test saw plenty come due */
  slp__wake_map_free(&m);
}
END_TEST

static Suite *suite_events(void) {
  Suite *s = suite_create("events");
  TCase *tc = tcase_create("ring");
  tcase_add_loop_test(tc, test_ring_vs_reference, 0, 20);
  tcase_add_test(tc, test_ring_rejects_past);
  tcase_add_loop_test(tc, test_ring_sort_large, 0, 3);
  tcase_add_test(tc, test_windows_in_exact);
  tcase_add_loop_test(tc, test_wake_map_vs_list, 0, 4);
  suite_add_tcase(s, tc);
  tc = tcase_create("csr");
  tcase_add_test(tc, test_csr_segments);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite_events());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
