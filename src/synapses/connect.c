/*
 * synapses/connect.c -- connection rules: which synapses a projection has.
 *
 * Skip to slp__connect_generate() at the end for the interface.
 *
 * Reproducibility independent of partitioning is the point of this file.
 * The simulator splits a projection's targets over threads and ranks and
 * calls slp__connect_generate() once per range of posts; every post (or pre
 * for fixed_outdegree, or pair for lists) must get the same synapses whatever
 * range it is generated in.  So every random number is drawn from a stream
 * keyed by the entity that owns it -- (seed, purpose, entity, projection
 * index) -- and each owner's draws are made in an order that depends only on
 * the owner:
 *
 *   all_to_all, one_to_one,        owner = post j: CONNECT stream chooses the
 *   fixed_probability,             pres, WEIGHT and DELAY streams are drawn
 *   fixed_indegree                 in ascending pre order.
 *   fixed_outdegree                owner = pre i: CONNECT chooses k posts among
 *                                  all n_post, WEIGHT/DELAY are drawn in
 *                                  ascending post order for all of them (only
 *                                  those in range are emitted).
 *   list                           owner = pair k: WEIGHT/DELAY streams.
 *
 * Which sampling method a fixed-degree rule uses (bitmap or hash set,
 * selecting the chosen or the complement) is decided from the projection's
 * sizes and the owner's pool size only, never from the range.
 *
 * Calls may run concurrently on the same network: the description is only
 * read and all state lives in the call.
 *
 * Costs: O(synapses generated) per call for every rule but fixed_outdegree,
 * which costs O(n_pre * k) per call because every pre's draws must be made to
 * keep its streams aligned.  No allocation per synapse or per owner: the
 * scratch buffers are sized once per call.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sleipnir/error.h"
#include "sleipnir/network.h"
#include "core/alloc.h"
#include "core/rng.h"
#include "network/network.h"
#include "synapses/connect.h"

/* "This post has no self pre" (or the rule allows autapses). */
#define NO_SELF UINT64_MAX

/*
 * Floyd's algorithm marks its choices in a bitmap when scanning the bitmap
 * (m / 64 words) costs at most a few operations per chosen element, i.e.
 * m <= BITMAP_RATIO * s; otherwise it uses a hash set and sorts the choices.
 */
#define BITMAP_RATIO 256u

/* State of one call: the projection, the sink and the scratch buffers. */
typedef struct gen {
  const slp_network *net;    /* the network */
  const slp__projection *p;  /* the projection being generated */
  uint32_t proj_index;       /* its index: the `sub` of every stream */
  uint64_t seed;             /* the simulation seed */
  uint32_t post_lo, post_hi; /* the range of posts to emit */
  uint64_t n_pre;            /* size of the source group */
  slp__syn_sink sink;        /* where synapses go */
  void *arg;                 /* the sink's argument */
  slp_diag *diag;            /* where problems are described, or NULL */
  char label[160];           /* "projection 'name'" or "projection #N" */
  int draw_w, draw_d;        /* weight / delay is a distribution */
  double w_const, d_const;   /* the value when it is a constant */
  slp__rng rw, rd;           /* the current owner's weight / delay streams */
  int recurrent;             /* autapses are off and the source is among the
                                targets: self pairs must be excluded */
  uint64_t *excl;            /* fixed_outdegree: starts of the segments of
                                `to` that are the source population */
  size_t n_excl;             /* number of such segments */
  /* fixed-degree scratch */
  int use_bitmap;            /* Floyd marks choices in `bits` (else `table`) */
  uint64_t *bits;            /* bitmap over the pool, all zero between owners */
  uint32_t *table;           /* open-addressing set, UINT32_MAX = empty */
  size_t table_size;         /* slots in table (a power of two) */
  unsigned table_shift;      /* 32 - log2(table_size), for the hash */
  uint32_t *sel;             /* the s chosen values (hash path, complement) */
  uint32_t *vals;            /* the owner's k pool indices, ascending */
  uint32_t *tmp;             /* sort scratch, as long as vals */
  uint32_t *cnt;             /* sort bucket counts, one more than vals */
} gen;

/* ---- random helpers --------------------------------------------------- */

/*
 * Uniform integer on [0, n), 1 <= n <= 2^32-1, without bias (Lemire's
 * multiply-and-reject: one 32-bit draw and no division in the common case,
 * which matters because Floyd's algorithm makes one draw per synapse).
 */
static uint32_t below32(slp__rng *r, uint32_t n) {
  uint64_t x = (uint64_t)slp__rng_u32(r) * n;
  uint32_t low = (uint32_t)x;
  if (low < n) {
    uint32_t t = (0u - n) % n; /* 2^32 mod n: the biased low values */
    while (low < t) {
      x = (uint64_t)slp__rng_u32(r) * n;
      low = (uint32_t)x;
    }
  }
  return (uint32_t)(x >> 32);
}

static unsigned ctz64(uint64_t x) {
#if defined(__GNUC__)
  return (unsigned)__builtin_ctzll(x);
#else
  unsigned n = 0;
  while (!(x & 1u)) {
    x >>= 1;
    n++;
  }
  return n;
#endif
}

/*
 * Sort v[0..n) ascending; values lie in [0, m) and are (close to) uniform, so
 * distributing them into n buckets by value leaves O(1) elements per bucket
 * and the whole sort is O(n) expected.  A final insertion sort over the
 * bucketed array orders each bucket (elements never leave their bucket).
 * tmp has n entries, cnt n + 1.
 */
static void sort_uniform(uint32_t *v, size_t n, uint64_t m, uint32_t *tmp,
                         uint32_t *cnt) {
  if (n < 2)
    return;
  /* Bucket b = floor(v mul / 2^32), mul = floor(n 2^32 / m): monotone in v,
   * which is all bucketing needs, and below n for v < m; a multiply and a
   * shift (values and counts are below 2^32). */
  uint64_t mul = ((uint64_t)n << 32) / m;
  memset(cnt, 0, (n + 1) * sizeof *cnt);
  for (size_t i = 0; i < n; i++)
    cnt[(((uint64_t)v[i] * mul) >> 32) + 1]++;
  for (size_t b = 1; b <= n; b++)
    cnt[b] += cnt[b - 1];
  for (size_t i = 0; i < n; i++)
    tmp[cnt[((uint64_t)v[i] * mul) >> 32]++] = v[i];
  for (size_t i = 1; i < n; i++) {
    uint32_t x = tmp[i];
    size_t j = i;
    while (j > 0 && tmp[j - 1] > x) {
      tmp[j] = tmp[j - 1];
      j--;
    }
    tmp[j] = x;
  }
  memcpy(v, tmp, n * sizeof *v);
}

/* Insert x into the hash set; 1 if it was new, 0 if already there. */
static int set_insert(gen *g, uint32_t x) {
  size_t mask = g->table_size - 1;
  size_t h = (size_t)((uint32_t)(x * 0x9E3779B1u) >> g->table_shift) & mask;
  while (g->table[h] != UINT32_MAX) {
    if (g->table[h] == x)
      return 0;
    h = (h + 1) & mask;
  }
  g->table[h] = x;
  return 1;
}

/*
 * Choose k distinct pool indices out of [0, m) uniformly, k <= m <= 2^32-1,
 * and write them to g->vals in ascending order.  When k > m / 2 the m - k
 * indices *not* taken are chosen instead, so k close to m costs O(m) = O(k).
 * The s = min(k, m - k) choices are made with Floyd's algorithm (exactly s
 * draws, each a uniform integer), which only needs a membership test.
 */
static void sample_distinct(gen *g, slp__rng *r, uint64_t m, uint64_t k) {
  uint32_t *out = g->vals;
  if (k == m) {
    for (uint64_t x = 0; x < m; x++)
      out[x] = (uint32_t)x;
    return;
  }
  int complement = m - k < k;
  uint64_t s = complement ? m - k : k;
  if (g->use_bitmap) {
    for (uint64_t j = m - s; j < m; j++) {
      uint32_t t = below32(r, (uint32_t)(j + 1));
      uint64_t bit = (uint64_t)1 << (t & 63);
      if (g->bits[t >> 6] & bit)
        g->bits[j >> 6] |= (uint64_t)1 << (j & 63);
      else
        g->bits[t >> 6] |= bit;
    }
    /* Read the marked (or unmarked) indices in order, clearing as we go so
     * the bitmap is zero for the next owner. */
    size_t words = (size_t)((m + 63) / 64), n = 0;
    for (size_t w = 0; w < words; w++) {
      uint64_t word = g->bits[w];
      g->bits[w] = 0;
      if (complement) {
        word = ~word;
        if (w == words - 1 && (m & 63))
          word &= ((uint64_t)1 << (m & 63)) - 1;
      }
      while (word) {
        out[n++] = (uint32_t)((uint64_t)w * 64 + ctz64(word));
        word &= word - 1;
      }
    }
    return;
  }
  uint32_t *sel = complement ? g->sel : out;
  size_t n = 0;
  for (uint64_t j = m - s; j < m; j++) {
    uint32_t t = below32(r, (uint32_t)(j + 1));
    if (set_insert(g, t))
      sel[n++] = t;
    else {
      set_insert(g, (uint32_t)j); /* j is larger than anything chosen */
      sel[n++] = (uint32_t)j;
    }
  }
  memset(g->table, 0xff, g->table_size * sizeof *g->table);
  sort_uniform(sel, n, m, g->tmp, g->cnt);
  if (complement) {
    size_t c = 0, o = 0;
    for (uint64_t x = 0; x < m; x++) {
      if (c < n && sel[c] == x)
        c++;
      else
        out[o++] = (uint32_t)x;
    }
  }
}

/* k independent uniform pool indices (multapses allowed), ascending. */
static void sample_multi(gen *g, slp__rng *r, uint64_t m, uint64_t k) {
  for (uint64_t c = 0; c < k; c++)
    g->vals[c] = below32(r, (uint32_t)m);
  sort_uniform(g->vals, (size_t)k, m, g->tmp, g->cnt);
}

/* ---- emitting --------------------------------------------------------- */

/* Start the weight and delay streams of an owner. */
static void start_owner(gen *g, uint64_t entity) {
  if (g->draw_w)
    slp__rng_init(&g->rw, g->seed, SLP__RNG_WEIGHT, entity, g->proj_index);
  if (g->draw_d)
    slp__rng_init(&g->rd, g->seed, SLP__RNG_DELAY, entity, g->proj_index);
}

static int bad_dist(gen *g, const char *what, const slp_dist *d) {
  return slp_diag_set(g->diag, SLP_ERANGE, NULL, 0, 0, g->label,
                      "%s: no %s could be drawn from the normal distribution "
                      "(mean %g, sd %g) clipped to [%g, %g]: the clip window "
                      "holds too little of it",
                      g->label, what, d->a, d->b, d->lo, d->hi);
}

static int bad_delay(gen *g, double d) {
  return slp_diag_set(g->diag, SLP_ERANGE, NULL, 0, 0, g->label,
                      "%s: a delay of %g ms was drawn, but delays must be > 0",
                      g->label, d);
}

/*
 * Draw the weight and delay of the owner's next synapse and, if `emit`,
 * hand it to the sink.  Draws happen whether or not the synapse is emitted:
 * that keeps an owner's streams aligned across ranges.
 */
static int draw_emit(gen *g, uint32_t pre, uint32_t post, int emit) {
  double w = g->w_const, d = g->d_const;
  if (g->draw_w) {
    w = slp__dist_draw(&g->p->weight, &g->rw);
    if (isnan(w))
      return bad_dist(g, "weight", &g->p->weight);
  }
  if (g->draw_d) {
    d = slp__dist_draw(&g->p->delay, &g->rd);
    if (!(d > 0))
      return isnan(d) ? bad_dist(g, "delay", &g->p->delay) : bad_delay(g, d);
  }
  return emit ? g->sink(g->arg, pre, post, w, d) : 0;
}

/* ---- rules owned by the post ------------------------------------------ */

/* What a post-owned rule does for post j; `self` is the pre that is the same
 * neuron as j when self pairs are excluded, else NO_SELF. */
typedef int (*post_fn)(gen *g, uint32_t j, uint64_t self);

static int all_pres(gen *g, uint32_t j, uint64_t self) {
  start_owner(g, j);
  for (uint64_t pre = 0; pre < g->n_pre; pre++) {
    if (pre == self)
      continue;
    int rc = draw_emit(g, (uint32_t)pre, j, 1);
    if (rc != 0)
      return rc;
  }
  return 0;
}

static int one_to_one(gen *g, uint32_t j, uint64_t self) {
  if (self == j)
    return 0;
  start_owner(g, j);
  return draw_emit(g, j, j, 1);
}

/*
 * Each pair with probability p, independently: the gaps between chosen pres
 * are geometric, floor(log U / log(1 - p)) with U uniform on (0, 1], so the
 * cost is one draw per synapse rather than one per candidate.  The self pair
 * is drawn like any other and then dropped, so the other pairs of the post do
 * not depend on the autapse setting.
 */
static int fixed_probability(gen *g, uint32_t j, uint64_t self) {
  double p = g->p->p;
  if (!(p > 0))
    return 0;
  if (p >= 1)
    return all_pres(g, j, self);
  start_owner(g, j);
  slp__rng r;
  slp__rng_init(&r, g->seed, SLP__RNG_CONNECT, j, g->proj_index);
  double lq = log1p(-p); /* < 0 */
  double n_pre = (double)g->n_pre, pos = -1.0;
  for (;;) {
    /* pos is an integer below 2^32 and the comparison is made in double, so
     * a huge (or infinite) gap for tiny p simply ends the post. */
    pos += floor(log(slp__rng_uniform_pos(&r)) / lq) + 1.0;
    if (!(pos < n_pre))
      return 0;
    uint32_t pre = (uint32_t)pos;
    if (pre == self)
      continue;
    int rc = draw_emit(g, pre, j, 1);
    if (rc != 0)
      return rc;
  }
}

/* Exactly k pres, chosen among all pres but the self one (if excluded). */
static int fixed_indegree(gen *g, uint32_t j, uint64_t self) {
  uint64_t k = g->p->k;
  if (k == 0)
    return 0;
  uint64_t m = g->n_pre - (self != NO_SELF);
  slp__rng r;
  slp__rng_init(&r, g->seed, SLP__RNG_CONNECT, j, g->proj_index);
  if (g->p->multapses)
    sample_multi(g, &r, m, k);
  else
    sample_distinct(g, &r, m, k);
  start_owner(g, j);
  for (uint64_t c = 0; c < k; c++) {
    uint64_t x = g->vals[c];
    uint32_t pre = (uint32_t)(x + (x >= self)); /* skip the self pre */
    int rc = draw_emit(g, pre, j, 1);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/*
 * Visit the posts of [post_lo, post_hi), walking the segments of p->to to
 * know which posts are the source neurons themselves.
 */
static int for_posts(gen *g, post_fn fn) {
  const slp__projection *p = g->p;
  uint64_t off = 0;
  for (size_t t = 0; t < p->n_to && off < g->post_hi; t++) {
    uint64_t size = g->net->groups[p->to[t]].size;
    uint64_t a = off > g->post_lo ? off : g->post_lo;
    uint64_t b = off + size < g->post_hi ? off + size : g->post_hi;
    int self_seg = g->recurrent && p->to[t] == p->from;
    for (uint64_t j = a; j < b; j++) {
      int rc = fn(g, (uint32_t)j, self_seg ? j - off : NO_SELF);
      if (rc != 0)
        return rc;
    }
    off += size;
  }
  return 0;
}

/* ---- rules owned by the pre or the pair ------------------------------- */

/*
 * Each pre chooses exactly k posts among all n_post (minus the posts that are
 * itself, when excluded).  All k weights and delays are drawn in ascending
 * post order; posts beyond the range end the pre early since nothing after
 * them is emitted.
 */
static int fixed_outdegree(gen *g) {
  uint64_t k = g->p->k;
  if (k == 0)
    return 0;
  uint64_t m = g->p->n_post - g->n_excl;
  for (uint64_t i = 0; i < g->n_pre; i++) {
    slp__rng r;
    slp__rng_init(&r, g->seed, SLP__RNG_CONNECT, i, g->proj_index);
    if (g->p->multapses)
      sample_multi(g, &r, m, k);
    else
      sample_distinct(g, &r, m, k);
    start_owner(g, i);
    for (uint64_t c = 0; c < k; c++) {
      /* Map the pool index to a post: step over each excluded post (the
       * segment start + i, ascending) at or below it. */
      uint64_t post = g->vals[c];
      for (size_t e = 0; e < g->n_excl && post >= g->excl[e] + i; e++)
        post++;
      if (post >= g->post_hi)
        break;
      int rc = draw_emit(g, (uint32_t)i, (uint32_t)post, post >= g->post_lo);
      if (rc != 0)
        return rc;
    }
  }
  return 0;
}

static int list(gen *g) {
  const slp__projection *p = g->p;
  for (size_t k = 0; k < p->n_pairs; k++) {
    uint32_t post = p->pairs[2 * k + 1];
    if (post < g->post_lo || post >= g->post_hi)
      continue;
    start_owner(g, k);
    int rc = draw_emit(g, p->pairs[2 * k], post, 1);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* ---- setup ------------------------------------------------------------ */

/*
 * Size the fixed-degree scratch for pools of at most m_max and degree k.
 * The bitmap-or-hash choice depends on (m_max, k) only: the same for every
 * owner of the projection, whatever the range.
 */
static int alloc_degree(gen *g, uint64_t m_max, uint64_t k) {
  g->vals = slp__malloc((size_t)k * sizeof *g->vals);
  g->tmp = slp__malloc((size_t)k * sizeof *g->tmp);
  g->cnt = slp__malloc(((size_t)k + 1) * sizeof *g->cnt);
  if (g->vals == NULL || g->tmp == NULL || g->cnt == NULL)
    return SLP_ENOMEM;
  if (g->p->multapses)
    return 0;
  uint64_t s = k < m_max - k ? k : m_max - k;
  if (s == 0)
    return 0; /* every owner takes its whole pool (or nothing) */
  g->use_bitmap = m_max <= (uint64_t)BITMAP_RATIO * s;
  if (g->use_bitmap) {
    g->bits = slp__calloc((size_t)((m_max + 63) / 64), sizeof *g->bits);
    return g->bits ? 0 : SLP_ENOMEM;
  }
  /* Load factor <= 1/2 keeps linear probing short. */
  unsigned bits = 1;
  while (((uint64_t)1 << bits) < 2 * s)
    bits++;
  g->table_size = (size_t)1 << bits;
  g->table_shift = 32 - bits;
  g->table = slp__malloc(g->table_size * sizeof *g->table);
  g->sel = slp__malloc((size_t)s * sizeof *g->sel);
  if (g->table == NULL || g->sel == NULL)
    return SLP_ENOMEM;
  memset(g->table, 0xff, g->table_size * sizeof *g->table);
  return 0;
}

static void gen_free(gen *g) {
  slp__free(g->excl);
  slp__free(g->bits);
  slp__free(g->table);
  slp__free(g->sel);
  slp__free(g->vals);
  slp__free(g->tmp);
  slp__free(g->cnt);
}

/* Can every owner get k partners out of `pool` candidates? */
static int degree_range(gen *g, const char *rule, uint64_t k, uint64_t pool,
                        int multapses) {
  if (multapses ? (k > 0 && pool == 0) : k > pool)
    return slp_diag_set(g->diag, SLP_ERANGE, NULL, 0, 0, g->label,
                        "%s: %s %llu is impossible: only %llu candidates "
                        "remain%s%s",
                        g->label, rule, (unsigned long long)k,
                        (unsigned long long)pool,
                        g->recurrent ? " when a neuron may not connect to "
                                       "itself (autapses are off)"
                                     : "",
                        multapses ? "" : " and multapses are off");
  if (k > UINT32_MAX)
    return slp_diag_set(g->diag, SLP_ERANGE, NULL, 0, 0, g->label,
                        "%s: degree %llu is too large", g->label,
                        (unsigned long long)k);
  return 0;
}

static int generate(gen *g) {
  const slp__projection *p = g->p;
  const slp_network *net = g->net;
  if (!g->draw_w && isnan(g->w_const))
    return slp_diag_set(g->diag, SLP_ERANGE, NULL, 0, 0, g->label,
                        "%s: the weight is not a number", g->label);
  if (!g->draw_d && !(g->d_const > 0))
    return bad_delay(g, g->d_const);
  int self_in_to = 0;
  for (size_t t = 0; t < p->n_to; t++)
    self_in_to += p->to[t] == p->from;
  g->recurrent = !p->autapses && self_in_to > 0 &&
                 net->groups[p->from].kind == SLP__GROUP_POPULATION;
  switch (p->rule) {
  case SLP_CONNECT_ALL_TO_ALL:
    return for_posts(g, all_pres);
  case SLP_CONNECT_ONE_TO_ONE:
    if (g->n_pre != p->n_post)
      return slp_diag_set(g->diag, SLP_EINVAL, NULL, 0, 0, g->label,
                          "%s: one_to_one needs equal sizes", g->label);
    return for_posts(g, one_to_one);
  case SLP_CONNECT_FIXED_PROBABILITY:
    if (!(p->p >= 0 && p->p <= 1))
      return slp_diag_set(g->diag, SLP_ERANGE, NULL, 0, 0, g->label,
                          "%s: probability %g is not in [0, 1]", g->label,
                          p->p);
    return for_posts(g, fixed_probability);
  case SLP_CONNECT_FIXED_INDEGREE: {
    /* The smallest pool (a post that is a source neuron) must hold k. */
    uint64_t pool = g->n_pre - (g->recurrent ? 1 : 0);
    int rc = degree_range(g, "fixed_indegree", p->k, pool, p->multapses);
    if (rc == 0 && p->k > 0)
      rc = alloc_degree(g, g->n_pre, p->k);
    return rc != 0 ? rc : for_posts(g, fixed_indegree);
  }
  case SLP_CONNECT_FIXED_OUTDEGREE: {
    if (g->recurrent) {
      /* Pre i is post excl[e] + i of every segment that is the source. */
      g->excl = slp__malloc((size_t)self_in_to * sizeof *g->excl);
      if (g->excl == NULL)
        return SLP_ENOMEM;
      uint64_t off = 0;
      for (size_t t = 0; t < p->n_to; t++) {
        if (p->to[t] == p->from)
          g->excl[g->n_excl++] = off;
        off += net->groups[p->to[t]].size;
      }
    }
    uint64_t pool = p->n_post - g->n_excl;
    int rc = degree_range(g, "fixed_outdegree", p->k, pool, p->multapses);
    if (rc == 0 && p->k > 0)
      rc = alloc_degree(g, pool, p->k);
    return rc != 0 ? rc : fixed_outdegree(g);
  }
  case SLP_CONNECT_LIST:
    return list(g);
  }
  return slp_diag_set(g->diag, SLP_EINVAL, NULL, 0, 0, g->label,
                      "%s: unknown connection rule %d", g->label,
                      (int)p->rule);
}

/* ---- the interface ---------------------------------------------------- */

int slp__connect_generate(const slp_network *net, uint32_t proj_index,
                          uint64_t seed, uint32_t post_lo, uint32_t post_hi,
                          slp__syn_sink sink, void *arg, slp_diag *diag) {
  if (net == NULL || sink == NULL || proj_index >= net->n_projs)
    return SLP_EINVAL;
  gen g;
  memset(&g, 0, sizeof g);
  g.net = net;
  g.p = &net->projs[proj_index];
  g.proj_index = proj_index;
  g.seed = seed;
  g.sink = sink;
  g.arg = arg;
  g.diag = diag;
  g.n_pre = net->groups[g.p->from].size;
  if (g.p->name != NULL)
    snprintf(g.label, sizeof g.label, "projection '%s'", g.p->name);
  else
    snprintf(g.label, sizeof g.label, "projection #%u", proj_index);
  /* Post indices are uint32 at the sink. */
  if (g.p->n_post > UINT32_MAX)
    return slp_diag_set(diag, SLP_ELIMIT, NULL, 0, 0, g.label,
                        "%s: its targets have %llu neurons, more than 2^32-1",
                        g.label, (unsigned long long)g.p->n_post);
  g.post_lo = post_lo;
  g.post_hi = post_hi < g.p->n_post ? post_hi : (uint32_t)g.p->n_post;
  if (g.post_lo >= g.post_hi)
    return 0;
  g.draw_w = g.p->weight.kind != SLP_DIST_CONST;
  g.draw_d = g.p->delay.kind != SLP_DIST_CONST;
  g.w_const = g.p->weight.a;
  g.d_const = g.p->delay.a;
  int rc = generate(&g);
  gen_free(&g);
  return rc;
}
