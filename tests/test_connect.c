/*
 * tests/test_connect.c -- connection rules (src/synapses/connect.c).
 *
 * Networks are described through the public API and their synapses collected
 * through a sink.  Structural tests check exact properties (counts, degrees,
 * distinctness, autapses, order); statistical tests use fixed seeds and
 * tolerances derived from the distribution being tested (stated at each
 * check, usually 5 standard deviations: a correct implementation fails one
 * with probability ~6e-7, so a failure means a bug, not bad luck).  The
 * central test is partition invariance: generating a projection in one range
 * or split into several gives exactly the same synapses.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sleipnir/error.h"
#include "sleipnir/network.h"
#include "core/alloc.h"
#include "network/network.h"
#include "synapses/connect.h"

/*
 * Check records every passing ck_assert (a write to its result pipe), which
 * dominates loops over 10^5 synapses; CHECK only calls into Check on failure.
 */
#define CHECK(cond)                                                           \
  do {                                                                        \
    if (!(cond))                                                              \
      ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #cond);                   \
  } while (0)

/* ---- collecting synapses ---------------------------------------------- */

typedef struct syn {
  uint32_t pre, post; /* local indices */
  double w, d;        /* weight (mV), delay (ms) */
} syn;

/* A growing list of synapses; stops with SLP_ECANCELED after `limit`. */
typedef struct coll {
  syn *v;       /* the synapses, in emission order */
  size_t n;     /* how many */
  size_t cap;   /* capacity of v */
  size_t limit; /* 0: no limit; else fail the limit+1-th synapse */
} coll;

static int collect(void *arg, uint32_t pre, uint32_t post, double w,
                   double delay_ms) {
  coll *c = arg;
  if (c->limit != 0 && c->n >= c->limit)
    return SLP_ECANCELED;
  if (c->n == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 1024;
    syn *v = realloc(c->v, cap * sizeof *v);
    CHECK(v != NULL);
    c->v = v;
    c->cap = cap;
  }
  c->v[c->n++] = (syn){pre, post, w, delay_ms};
  return 0;
}

static void coll_free(coll *c) {
  free(c->v);
  memset(c, 0, sizeof *c);
}

/* Counts only: for large or timed generations. */
static int count_sink(void *arg, uint32_t pre, uint32_t post, double w,
                      double delay_ms) {
  (void)pre;
  (void)post;
  (void)w;
  (void)delay_ms;
  (*(uint64_t *)arg)++;
  return 0;
}

static int gen(const slp_network *net, uint32_t proj, uint64_t seed,
               uint32_t lo, uint32_t hi, coll *c) {
  slp_diag diag;
  memset(&diag, 0, sizeof diag);
  return slp__connect_generate(net, proj, seed, lo, hi, collect, c, &diag);
}

/* All synapses of a projection in one call. */
static void gen_all(const slp_network *net, uint32_t proj, uint64_t seed,
                    coll *c) {
  ck_assert_int_eq(gen(net, proj, seed, 0, UINT32_MAX, c), 0);
}

static int syn_cmp(const void *a, const void *b) {
  const syn *x = a, *y = b;
  if (x->post != y->post)
    return x->post < y->post ? -1 : 1;
  if (x->pre != y->pre)
    return x->pre < y->pre ? -1 : 1;
  if (x->w != y->w)
    return x->w < y->w ? -1 : 1;
  if (x->d != y->d)
    return x->d < y->d ? -1 : 1;
  return 0;
}

static void coll_sort(coll *c) { qsort(c->v, c->n, sizeof *c->v, syn_cmp); }

static int coll_equal(const coll *a, const coll *b) {
  if (a->n != b->n)
    return 0;
  for (size_t i = 0; i < a->n; i++)
    if (a->v[i].pre != b->v[i].pre || a->v[i].post != b->v[i].post ||
        a->v[i].w != b->v[i].w || a->v[i].d != b->v[i].d)
      return 0;
  return 1;
}

/* ---- building networks ------------------------------------------------ */

/* A network with populations "a" (group 0) and "b" (group 1). */
static slp_network *make_net(uint32_t n_a, uint32_t n_b) {
  slp_network *net;
  ck_assert_int_eq(slp_network_create(&net), 0);
  ck_assert_int_eq(slp_network_add_population(net, "a", n_a, "lif", NULL), 0);
  if (n_b > 0)
    ck_assert_int_eq(slp_network_add_population(net, "b", n_b, "lif", NULL),
                     0);
  return net;
}

static slp_dist uniform(double a, double b) {
  slp_dist d = {SLP_DIST_UNIFORM, a, b, -INFINITY, INFINITY};
  return d;
}

static slp_dist clipped_normal(double mean, double sd, double lo, double hi) {
  slp_dist d = {SLP_DIST_NORMAL, mean, sd, lo, hi};
  return d;
}

/* Add a projection from `from` to `to[0..n_to)`; returns its index. */
static uint32_t add_proj(slp_network *net, uint32_t from, const uint32_t *to,
                         size_t n_to, slp_connect_rule rule, double p,
                         uint64_t k, int autapses, int multapses) {
  slp_projection_spec s;
  slp_projection_spec_init(&s);
  s.from = from;
  s.to = to;
  s.n_to = n_to;
  s.rule = rule;
  s.p = p;
  s.k = k;
  s.autapses = autapses;
  s.multapses = multapses;
  s.weight = uniform(-1.0, 2.0);
  s.delay = uniform(0.5, 3.0);
  slp_diag diag;
  ck_assert_msg(slp_network_connect(net, &s, &diag) == 0, "%s",
                diag.message);
  return (uint32_t)(net->n_projs - 1);
}

static const uint32_t TO_A[] = {0};
static const uint32_t TO_B[] = {1};
static const uint32_t TO_AB[] = {0, 1};
static const uint32_t TO_BA[] = {1, 0};

/* Global id of a post of a projection whose targets are `to`. */
static uint64_t post_gid(const slp_network *net, const uint32_t *to,
                         size_t n_to, uint64_t post) {
  for (size_t t = 0; t < n_to; t++) {
    const slp__group *g = &net->groups[to[t]];
    if (post < g->size)
      return g->first + post;
    post -= g->size;
  }
  ck_abort_msg("post out of range");
  return 0;
}

/* ---- structural checks ------------------------------------------------ */

/*
 * Check a fixed-degree result: every owner (post for indegree, pre for
 * outdegree) has exactly k synapses, emitted in order (non-decreasing other
 * index, strictly increasing without multapses), and no self pair when
 * autapses are off.
 */
static void check_degree(const slp_network *net, uint32_t from,
                         const uint32_t *to, size_t n_to, int indegree,
                         uint64_t k, int autapses, int multapses,
                         const coll *c) {
  uint64_t n_pre = net->groups[from].size;
  uint64_t n_post = 0;
  for (size_t t = 0; t < n_to; t++)
    n_post += net->groups[to[t]].size;
  uint64_t n_own = indegree ? n_post : n_pre;
  ck_assert_uint_eq(c->n, n_own * k);
  uint64_t *deg = calloc(n_own, sizeof *deg);
  ck_assert_ptr_nonnull(deg);
  for (size_t i = 0; i < c->n; i++) {
    const syn *s = &c->v[i];
    CHECK(s->pre < n_pre);
    CHECK(s->post < n_post);
    uint32_t own = indegree ? s->post : s->pre;
    uint32_t other = indegree ? s->pre : s->post;
    deg[own]++;
    if (i > 0) {
      const syn *q = &c->v[i - 1];
      uint32_t qown = indegree ? q->post : q->pre;
      uint32_t qother = indegree ? q->pre : q->post;
      CHECK(own >= qown); /* owners visited in order */
      if (own == qown) {
        if (multapses)
          CHECK(other >= qother);
        else
          CHECK(other > qother); /* distinct and ascending */
      }
    }
    if (!autapses)
      CHECK(net->groups[from].first + s->pre !=
                post_gid(net, to, n_to, s->post));
    CHECK(s->w >= -1.0 && s->w < 2.0);
    CHECK(s->d >= 0.5 && s->d < 3.0);
  }
  for (uint64_t o = 0; o < n_own; o++)
    CHECK(deg[o] == k);
  free(deg);
}

/*
 * Chi-square of the counts per pre (or per post) against a common mean:
 * when each pre is chosen independently per owner with probability q over
 * `trials` owners, each count is Binomial(trials, q), so
 * X = sum (c - mean)^2 / (trials q (1 - q)) has expectation exactly `cells`
 * and variance about 2 cells (the binomial's excess kurtosis adds
 * (1 - 6q(1-q)) / (trials q (1-q)) per cell, negligible here; the fixed
 * total of fixed-degree rules only lowers the variance).  Accept within
 * 5 standard deviations: |X - cells| < 5 sqrt(2 cells).
 */
static void check_chi2(const uint64_t *counts, size_t cells, double trials,
                       double q) {
  double mean = trials * q, var = trials * q * (1 - q), x = 0;
  for (size_t i = 0; i < cells; i++) {
    double dev = (double)counts[i] - mean;
    x += dev * dev / var;
  }
  double bound = 5 * sqrt(2.0 * (double)cells);
  ck_assert_msg(fabs(x - (double)cells) < bound,
                "chi-square %g for %zu cells (bound %g)", x, cells, bound);
}

/* ---- all_to_all, one_to_one ------------------------------------------- */

START_TEST(test_all_to_all) {
  slp_network *net = make_net(30, 40);
  uint32_t ab = add_proj(net, 0, TO_B, 1, SLP_CONNECT_ALL_TO_ALL, 0, 0, 1, 1);
  uint32_t aa = add_proj(net, 0, TO_A, 1, SLP_CONNECT_ALL_TO_ALL, 0, 0, 0, 1);
  uint32_t aab = add_proj(net, 0, TO_AB, 2, SLP_CONNECT_ALL_TO_ALL, 0, 0, 0, 1);
  coll c = {0};
  gen_all(net, ab, 1, &c);
  ck_assert_uint_eq(c.n, 30 * 40);
  for (size_t i = 0; i < c.n; i++) /* every pair once, post-major order */
    CHECK(c.v[i].post == i / 30 && c.v[i].pre == i % 30);
  coll_free(&c);
  gen_all(net, aa, 1, &c);
  ck_assert_uint_eq(c.n, 30 * 29);
  for (size_t i = 0; i < c.n; i++)
    CHECK(c.v[i].pre != c.v[i].post);
  coll_free(&c);
  /* Source among several targets: only its own segment loses the self. */
  gen_all(net, aab, 1, &c);
  ck_assert_uint_eq(c.n, 30 * 70 - 30);
  for (size_t i = 0; i < c.n; i++)
    CHECK(!(c.v[i].post < 30 && c.v[i].pre == c.v[i].post));
  coll_free(&c);
  slp_network_destroy(net);
}
END_TEST

START_TEST(test_one_to_one) {
  slp_network *net = make_net(50, 50);
  uint32_t ab = add_proj(net, 0, TO_B, 1, SLP_CONNECT_ONE_TO_ONE, 0, 0, 1, 1);
  uint32_t aa = add_proj(net, 0, TO_A, 1, SLP_CONNECT_ONE_TO_ONE, 0, 0, 0, 1);
  uint32_t aa1 = add_proj(net, 0, TO_A, 1, SLP_CONNECT_ONE_TO_ONE, 0, 0, 1, 1);
  coll c = {0};
  gen_all(net, ab, 3, &c);
  ck_assert_uint_eq(c.n, 50);
  for (size_t i = 0; i < c.n; i++)
    CHECK(c.v[i].pre == i && c.v[i].post == i);
  coll_free(&c);
  gen_all(net, aa, 3, &c); /* every pair is an autapse */
  ck_assert_uint_eq(c.n, 0);
  coll_free(&c);
  gen_all(net, aa1, 3, &c);
  ck_assert_uint_eq(c.n, 50);
  coll_free(&c);
  slp_network_destroy(net);
}
END_TEST

/* ---- fixed_indegree / fixed_outdegree --------------------------------- */

/*
 * One fixed-degree case, chosen to reach every sampling path (bitmap, hash
 * set, their complements, the whole pool, multapses).  The source is "a";
 * written for fixed_indegree, where the pool is the source.  For
 * fixed_outdegree the pool is the targets, so an a -> b case runs as b -> a
 * (recurrent cases run as written).
 */
typedef struct degree_case {
  uint32_t n_a, n_b;   /* population sizes */
  const uint32_t *to;  /* targets of "a" */
  size_t n_to;         /* number of targets */
  uint64_t k;          /* degree */
  int autapses;        /* allow self pairs */
  int multapses;       /* allow repeated pairs */
} degree_case;

static const degree_case DEGREE_CASES[] = {
    {1000, 300, TO_B, 1, 100, 1, 0},      /* bitmap */
    {1000, 300, TO_B, 1, 990, 1, 0},      /* bitmap, complement */
    {100000, 40, TO_B, 1, 20, 1, 0},      /* hash set */
    {100000, 8, TO_B, 1, 99990, 1, 0},    /* hash set, complement */
    {100000, 8, TO_B, 1, 390, 1, 0},      /* hash set, collisions */
    {100000, 8, TO_B, 1, 99610, 1, 0},    /* ... in the complement */
    {500, 10, TO_A, 1, 100, 0, 0},        /* recurrent, no autapses */
    {500, 10, TO_A, 1, 499, 0, 0},        /* the whole pool but self */
    {500, 10, TO_AB, 2, 50, 0, 0},        /* source among targets */
    {500, 10, TO_BA, 2, 50, 0, 0},        /* ... not first */
    {50, 30, TO_B, 1, 200, 1, 1},         /* multapses, k > n */
    {50, 30, TO_A, 1, 200, 0, 1},         /* multapses, no autapses */
    {1, 5, TO_B, 1, 1, 1, 0},             /* trivial pool */
};

static void degree_case_run(const degree_case *dc, int indegree) {
  slp_network *net = make_net(dc->n_a, dc->n_b);
  const uint32_t *to = dc->to;
  size_t n_to = dc->n_to;
  uint32_t src = 0;
  if (!indegree && to == TO_B) {
    src = 1;
    to = TO_A;
  }
  uint32_t proj = add_proj(net, src, to, n_to,
                           indegree ? SLP_CONNECT_FIXED_INDEGREE
                                    : SLP_CONNECT_FIXED_OUTDEGREE,
                           0, dc->k, dc->autapses, dc->multapses);
  coll c = {0};
  gen_all(net, proj, 11, &c);
  check_degree(net, src, to, n_to, indegree, dc->k, dc->autapses,
               dc->multapses, &c);
  coll_free(&c);
  slp_network_destroy(net);
}

START_TEST(test_fixed_indegree) { degree_case_run(&DEGREE_CASES[_i], 1); }
END_TEST

START_TEST(test_fixed_outdegree) { degree_case_run(&DEGREE_CASES[_i], 0); }
END_TEST

/*
 * Uniformity of the chosen partners: with k of n candidates per owner, each
 * candidate is chosen by an owner with probability q = k/n independently
 * across owners, so its count over the owners is Binomial(owners, q).
 * Both sampling paths (bitmap, hash) and their complements are covered.
 */
static void degree_uniformity(int indegree, uint32_t n_cand, uint32_t n_own,
                              uint64_t k) {
  slp_network *net = indegree ? make_net(n_cand, n_own) : make_net(n_own, n_cand);
  uint32_t proj = add_proj(net, 0, TO_B, 1,
                           indegree ? SLP_CONNECT_FIXED_INDEGREE
                                    : SLP_CONNECT_FIXED_OUTDEGREE,
                           0, k, 1, 0);
  coll c = {0};
  gen_all(net, proj, 5, &c);
  check_degree(net, 0, TO_B, 1, indegree, k, 1, 0, &c);
  uint64_t *counts = calloc(n_cand, sizeof *counts);
  ck_assert_ptr_nonnull(counts);
  for (size_t i = 0; i < c.n; i++)
    counts[indegree ? c.v[i].pre : c.v[i].post]++;
  check_chi2(counts, n_cand, n_own, (double)k / n_cand);
  free(counts);
  coll_free(&c);
  slp_network_destroy(net);
}

START_TEST(test_degree_uniformity) {
  degree_uniformity(1, 200, 2000, 50);    /* bitmap */
  degree_uniformity(1, 200, 2000, 180);   /* bitmap, complement */
  degree_uniformity(1, 20000, 3000, 20);  /* hash set */
  degree_uniformity(0, 200, 2000, 50);
  degree_uniformity(0, 20000, 3000, 20);
}
END_TEST

/*
 * Upper 5-sigma-equivalent bound of a chi-square with `dof` degrees of
 * freedom (Wilson-Hilferty: (X/dof)^(1/3) is close to normal with mean
 * 1 - 2/(9 dof) and variance 2/(9 dof)); exceeded with probability ~3e-7.
 */
static double chi2_upper(double dof) {
  double v = 2.0 / (9.0 * dof);
  double c = 1.0 - v + 5.0 * sqrt(v);
  return dof * c * c * c;
}

/*
 * Whole-subset uniformity, which marginal counts cannot show: with a pool of
 * 6 and k chosen per owner, every k-subset (or, with multapses, every sorted
 * k-tuple with its multinomial weight) must be equally likely.  Pearson's
 * statistic over the outcomes is chi-square with (outcomes - 1) degrees of
 * freedom.  Covers the bitmap path, its complement and multapses, for both
 * rules.
 */
static void subset_uniformity(int indegree, uint64_t k, int multapses) {
  const uint32_t pool = 6, owners = 30000;
  slp_network *net = indegree ? make_net(pool, owners) : make_net(owners, pool);
  uint32_t proj = add_proj(net, 0, TO_B, 1,
                           indegree ? SLP_CONNECT_FIXED_INDEGREE
                                    : SLP_CONNECT_FIXED_OUTDEGREE,
                           0, k, 1, multapses);
  coll c = {0};
  gen_all(net, proj, 99, &c);
  ck_assert_uint_eq(c.n, owners * k);
  /* Outcome of an owner: its sorted partners as a base-6 number. */
  enum { MAX_OUT = 6 * 6 * 6 * 6 * 6 }; /* k <= 5 */
  static uint64_t count[MAX_OUT];
  memset(count, 0, sizeof count);
  for (size_t o = 0; o < owners; o++) {
    size_t code = 0;
    for (size_t q = 0; q < k; q++) {
      const syn *sy = &c.v[o * k + q];
      CHECK((indegree ? sy->post : sy->pre) == o);
      code = code * pool + (indegree ? sy->pre : sy->post);
    }
    CHECK(code < MAX_OUT);
    count[code]++;
  }
  /* Expected probability of a sorted tuple: k! / prod(multiplicity!) / 6^k
   * with multapses; 1 / C(6, k) for each strictly increasing one without. */
  double fact = 1, comb = 1;
  for (size_t q = 0; q < k; q++) {
    fact *= (double)(q + 1);
    comb = comb * (double)(pool - q) / (double)(q + 1);
  }
  double x = 0;
  int outcomes = 0;
  for (size_t code = 0; code < MAX_OUT; code++) {
    uint32_t d[5];
    size_t t = code;
    for (size_t q = k; q-- > 0;) {
      d[q] = (uint32_t)(t % pool);
      t /= pool;
    }
    if (t != 0)
      continue; /* more than k digits */
    int sorted = 1, strict = 1;
    double inv_mult = 1, run = 1; /* 1 / prod(multiplicity!) */
    for (size_t q = 1; q < k; q++) {
      sorted &= d[q] >= d[q - 1];
      strict &= d[q] > d[q - 1];
      run = d[q] == d[q - 1] ? run + 1 : 1;
      inv_mult /= run;
    }
    double prob = 0;
    if (multapses && sorted)
      prob = fact * inv_mult / pow(pool, (double)k);
    else if (!multapses && strict)
      prob = 1.0 / comb;
    if (prob == 0) {
      ck_assert_msg(count[code] == 0, "impossible outcome %zu drawn", code);
      continue;
    }
    double e = owners * prob, dev = (double)count[code] - e;
    x += dev * dev / e;
    outcomes++;
  }
  double bound = chi2_upper(outcomes - 1);
  ck_assert_msg(x < bound, "chi-square %g over %d outcomes (bound %g)", x,
                outcomes, bound);
  coll_free(&c);
  slp_network_destroy(net);
}

START_TEST(test_subset_uniformity) {
  subset_uniformity(1, 3, 0); /* 20 subsets */
  subset_uniformity(1, 4, 0); /* complement: 15 subsets */
  subset_uniformity(1, 3, 1); /* 56 sorted triples */
  subset_uniformity(0, 3, 0);
  subset_uniformity(0, 5, 0);
  subset_uniformity(0, 2, 1);
}
END_TEST

START_TEST(test_degree_impossible) {
  /* k = n passes slp_network_connect, but without autapses only n - 1
   * candidates remain for each neuron of a recurrent projection. */
  slp_network *net = make_net(10, 0);
  slp_projection_spec s;
  slp_projection_spec_init(&s);
  s.name = "rec";
  s.to = TO_A;
  s.n_to = 1;
  s.rule = SLP_CONNECT_FIXED_INDEGREE;
  s.k = 10;
  s.autapses = 0;
  s.multapses = 0;
  ck_assert_int_eq(slp_network_connect(net, &s, NULL), 0);
  s.name = NULL;
  s.rule = SLP_CONNECT_FIXED_OUTDEGREE;
  ck_assert_int_eq(slp_network_connect(net, &s, NULL), 0);
  slp_diag diag;
  uint64_t n = 0;
  memset(&diag, 0, sizeof diag);
  ck_assert_int_eq(slp__connect_generate(net, 0, 1, 0, 10, count_sink, &n,
                                         &diag),
                   SLP_ERANGE);
  ck_assert_ptr_nonnull(strstr(diag.message, "'rec'"));
  memset(&diag, 0, sizeof diag);
  ck_assert_int_eq(slp__connect_generate(net, 1, 1, 0, 10, count_sink, &n,
                                         &diag),
                   SLP_ERANGE);
  ck_assert_ptr_nonnull(strstr(diag.message, "projection #1"));
  ck_assert_uint_eq(n, 0);
  slp_network_destroy(net);
}
END_TEST

/* ---- fixed_probability ------------------------------------------------ */

START_TEST(test_fixed_probability_stats) {
  const uint32_t n = 1000;
  const double p = 0.1;
  slp_network *net = make_net(n, n);
  uint32_t proj =
      add_proj(net, 0, TO_B, 1, SLP_CONNECT_FIXED_PROBABILITY, p, 0, 1, 1);
  coll c = {0};
  gen_all(net, proj, 2024, &c);
  /* Total ~ Binomial(n^2, p): mean 1e5, sd sqrt(n^2 p (1-p)) = 300;
   * accept within 5 sd. */
  double mean = (double)n * n * p, sd = sqrt((double)n * n * p * (1 - p));
  ck_assert_msg(fabs((double)c.n - mean) < 5 * sd, "%zu synapses", c.n);
  uint64_t *per_pre = calloc(n, sizeof *per_pre);
  uint64_t *per_post = calloc(n, sizeof *per_post);
  ck_assert(per_pre && per_post);
  for (size_t i = 0; i < c.n; i++) {
    per_pre[c.v[i].pre]++;
    per_post[c.v[i].post]++;
    if (i > 0 && c.v[i].post == c.v[i - 1].post) /* no repeated pair */
      CHECK(c.v[i].pre > c.v[i - 1].pre);
  }
  /* Each pre's count is Binomial(n posts, p), likewise each post's. */
  check_chi2(per_pre, n, n, p);
  check_chi2(per_post, n, n, p);
  /* The chi-square would dilute a bias at one position (an off-by-one in
   * the skipping at pre 0 or n-1): bound every cell too.  Per cell
   * |z| < 5.5 fails with probability ~4e-8, ~4e-5 over the 1000 cells. */
  double sdc = sqrt(n * p * (1 - p));
  for (uint32_t i = 0; i < n; i++) {
    CHECK(fabs((double)per_pre[i] - n * p) < 5.5 * sdc);
    CHECK(fabs((double)per_post[i] - n * p) < 5.5 * sdc);
  }
  free(per_pre);
  free(per_post);
  coll_free(&c);
  slp_network_destroy(net);
}
END_TEST

START_TEST(test_fixed_probability_extremes) {
  slp_network *net = make_net(60, 70);
  uint32_t p0 = add_proj(net, 0, TO_B, 1, SLP_CONNECT_FIXED_PROBABILITY, 0.0,
                         0, 1, 1);
  uint32_t p1 = add_proj(net, 0, TO_B, 1, SLP_CONNECT_FIXED_PROBABILITY, 1.0,
                         0, 1, 1);
  uint32_t r1 = add_proj(net, 0, TO_A, 1, SLP_CONNECT_FIXED_PROBABILITY, 1.0,
                         0, 0, 1);
  uint32_t r5 = add_proj(net, 0, TO_A, 1, SLP_CONNECT_FIXED_PROBABILITY, 0.5,
                         0, 0, 1);
  coll c = {0};
  gen_all(net, p0, 1, &c);
  ck_assert_uint_eq(c.n, 0);
  gen_all(net, p1, 1, &c);
  ck_assert_uint_eq(c.n, 60 * 70);
  for (size_t i = 0; i < c.n; i++)
    CHECK(c.v[i].post == i / 60 && c.v[i].pre == i % 60);
  coll_free(&c);
  gen_all(net, r1, 1, &c);
  ck_assert_uint_eq(c.n, 60 * 59);
  coll_free(&c);
  gen_all(net, r5, 1, &c);
  for (size_t i = 0; i < c.n; i++)
    CHECK(c.v[i].pre != c.v[i].post);
  coll_free(&c);
  slp_network_destroy(net);
}
END_TEST

/* ---- lists ------------------------------------------------------------ */

START_TEST(test_list) {
  slp_network *net = make_net(10, 20);
  static const uint32_t pairs[] = {3, 7, 0, 19, 9, 0, 3, 7, 5, 5, 2, 19};
  slp_projection_spec s;
  slp_projection_spec_init(&s);
  s.to = TO_B;
  s.n_to = 1;
  s.rule = SLP_CONNECT_LIST;
  s.pairs = pairs;
  s.n_pairs = 6;
  s.weight = uniform(1.0, 2.0);
  s.delay = slp_dist_const(1.5);
  ck_assert_int_eq(slp_network_connect(net, &s, NULL), 0);
  coll c = {0};
  gen_all(net, 0, 9, &c);
  ck_assert_uint_eq(c.n, 6); /* in list order, repeats kept */
  for (size_t i = 0; i < 6; i++) {
    ck_assert_uint_eq(c.v[i].pre, pairs[2 * i]);
    ck_assert_uint_eq(c.v[i].post, pairs[2 * i + 1]);
    ck_assert(c.v[i].w >= 1.0 && c.v[i].w < 2.0);
    ck_assert(c.v[i].d == 1.5);
  }
  /* Pairs outside the range are left out; those inside keep their list
   * order and their values (weights are drawn per pair). */
  coll part = {0};
  ck_assert_int_eq(gen(net, 0, 9, 5, 19, &part), 0);
  ck_assert_uint_eq(part.n, 3);
  ck_assert(part.v[0].post == 7 && part.v[0].w == c.v[0].w);
  ck_assert(part.v[1].post == 7 && part.v[1].w == c.v[3].w);
  ck_assert(part.v[2].post == 5 && part.v[2].w == c.v[4].w);
  coll_free(&part);
  coll_free(&c);
  slp_network_destroy(net);
}
END_TEST

/* ---- weights and delays ----------------------------------------------- */

START_TEST(test_weights_uniform) {
  slp_network *net = make_net(300, 300);
  slp_projection_spec s;
  slp_projection_spec_init(&s);
  s.to = TO_B;
  s.n_to = 1;
  s.weight = uniform(0.5, 1.5);
  s.delay = uniform(1.0, 3.0);
  ck_assert_int_eq(slp_network_connect(net, &s, NULL), 0);
  coll c = {0};
  gen_all(net, 0, 77, &c);
  ck_assert_uint_eq(c.n, 90000);
  double sw = 0, sd = 0;
  for (size_t i = 0; i < c.n; i++) {
    CHECK(c.v[i].w >= 0.5 && c.v[i].w < 1.5);
    CHECK(c.v[i].d >= 1.0 && c.v[i].d < 3.0);
    sw += c.v[i].w;
    sd += c.v[i].d;
  }
  /* The mean of N uniforms on [a, b) has sd (b - a) / sqrt(12 N);
   * accept within 5 sd. */
  double n = (double)c.n;
  ck_assert(fabs(sw / n - 1.0) < 5 * 1.0 / sqrt(12 * n));
  ck_assert(fabs(sd / n - 2.0) < 5 * 2.0 / sqrt(12 * n));
  coll_free(&c);
  slp_network_destroy(net);
}
END_TEST

START_TEST(test_weights_clipped_normal) {
  slp_network *net = make_net(300, 300);
  slp_projection_spec s;
  slp_projection_spec_init(&s);
  s.to = TO_B;
  s.n_to = 1;
  s.weight = clipped_normal(1.0, 1.0, 0.5, 1.5);
  s.delay = clipped_normal(2.0, 1.0, 0.1, 2.5);
  ck_assert_int_eq(slp_network_connect(net, &s, NULL), 0);
  coll c = {0};
  gen_all(net, 0, 78, &c);
  double sw = 0;
  for (size_t i = 0; i < c.n; i++) {
    CHECK(c.v[i].w >= 0.5 && c.v[i].w <= 1.5);
    CHECK(c.v[i].d >= 0.1 && c.v[i].d <= 2.5);
    sw += c.v[i].w;
  }
  /* Clipped symmetrically at +-c sd around the mean: the mean is 1 and the
   * variance sd^2 (1 - 2 c phi(c) / (2 Phi(c) - 1)) (truncated normal);
   * accept the sample mean within 5 of its standard errors. */
  double cc = 0.5, phi = exp(-cc * cc / 2) / sqrt(2 * 3.14159265358979323846);
  double var = 1 - 2 * cc * phi / erf(cc / sqrt(2.0));
  double n = (double)c.n;
  ck_assert(fabs(sw / n - 1.0) < 5 * sqrt(var / n));
  coll_free(&c);
  slp_network_destroy(net);
}
END_TEST

START_TEST(test_bad_draws) {
  slp_network *net = make_net(20, 20);
  slp_projection_spec s;
  slp_projection_spec_init(&s);
  s.name = "impossible";
  s.to = TO_B;
  s.n_to = 1;
  /* 50 sd above the mean: 10000 rejections cannot find a value. */
  s.weight = clipped_normal(0.0, 1.0, 50.0, 60.0);
  ck_assert_int_eq(slp_network_connect(net, &s, NULL), 0);
  slp_diag diag;
  memset(&diag, 0, sizeof diag);
  uint64_t n = 0;
  ck_assert_int_eq(slp__connect_generate(net, 0, 1, 0, 20, count_sink, &n,
                                         &diag),
                   SLP_ERANGE);
  ck_assert_ptr_nonnull(strstr(diag.message, "'impossible'"));
  ck_assert_ptr_nonnull(strstr(diag.message, "weight"));
  /* A delay <= 0 cannot get through slp_network_connect; plant one to check
   * the generator's own guard. */
  s.name = NULL;
  s.weight = slp_dist_const(1.0);
  ck_assert_int_eq(slp_network_connect(net, &s, NULL), 0);
  net->projs[1].delay = uniform(-1.0, 1.0);
  memset(&diag, 0, sizeof diag);
  ck_assert_int_eq(slp__connect_generate(net, 1, 1, 0, 20, count_sink, &n,
                                         &diag),
                   SLP_ERANGE);
  ck_assert_ptr_nonnull(strstr(diag.message, "projection #1"));
  ck_assert_ptr_nonnull(strstr(diag.message, "delay"));
  net->projs[1].delay = slp_dist_const(0.0);
  ck_assert_int_eq(slp__connect_generate(net, 1, 1, 0, 20, count_sink, &n,
                                         &diag),
                   SLP_ERANGE);
  slp_network_destroy(net);
}
END_TEST

/* ---- reproducibility -------------------------------------------------- */

/* Every rule and its variants, on a network with a recurrent part. */
static slp_network *invariance_net(uint32_t *n_proj) {
  slp_network *net = make_net(400, 300);
  static const uint32_t pairs[] = {0, 5, 399, 699, 10, 350, 10, 350, 7, 0};
  add_proj(net, 0, TO_AB, 2, SLP_CONNECT_ALL_TO_ALL, 0, 0, 0, 1);
  add_proj(net, 0, TO_A, 1, SLP_CONNECT_ONE_TO_ONE, 0, 0, 1, 1);
  add_proj(net, 0, TO_AB, 2, SLP_CONNECT_FIXED_PROBABILITY, 0.05, 0, 0, 1);
  add_proj(net, 0, TO_AB, 2, SLP_CONNECT_FIXED_PROBABILITY, 1.0, 0, 1, 1);
  add_proj(net, 0, TO_AB, 2, SLP_CONNECT_FIXED_INDEGREE, 0, 30, 0, 0);
  add_proj(net, 0, TO_AB, 2, SLP_CONNECT_FIXED_INDEGREE, 0, 390, 0, 0);
  add_proj(net, 0, TO_AB, 2, SLP_CONNECT_FIXED_INDEGREE, 0, 30, 1, 1);
  add_proj(net, 0, TO_AB, 2, SLP_CONNECT_FIXED_OUTDEGREE, 0, 40, 0, 0);
  add_proj(net, 0, TO_BA, 2, SLP_CONNECT_FIXED_OUTDEGREE, 0, 680, 0, 0);
  add_proj(net, 0, TO_AB, 2, SLP_CONNECT_FIXED_OUTDEGREE, 0, 40, 1, 1);
  /* A large source puts fixed_indegree on its hash-set path. */
  ck_assert_int_eq(slp_network_add_population(net, "c", 100000, "lif", NULL),
                   0);
  add_proj(net, 2, TO_AB, 2, SLP_CONNECT_FIXED_INDEGREE, 0, 20, 1, 0);
  slp_projection_spec s;
  slp_projection_spec_init(&s);
  s.to = TO_AB;
  s.n_to = 2;
  s.rule = SLP_CONNECT_LIST;
  s.pairs = pairs;
  s.n_pairs = 5;
  s.weight = clipped_normal(0.0, 1.0, -1.0, 2.0);
  s.delay = clipped_normal(1.0, 0.5, 0.2, 5.0);
  ck_assert_int_eq(slp_network_connect(net, &s, NULL), 0);
  *n_proj = (uint32_t)net->n_projs;
  return net;
}

START_TEST(test_partition_invariance) {
  uint32_t n_proj;
  slp_network *net = invariance_net(&n_proj);
  const uint32_t n = 700;
  /* Cuts inside a population, at its border and uneven. */
  static const uint32_t cuts[][2] = {{1, 2}, {123, 400}, {399, 401},
                                     {350, 699}};
  for (uint32_t proj = 0; proj < n_proj; proj++) {
    coll whole = {0};
    ck_assert_int_eq(gen(net, proj, 42, 0, n, &whole), 0);
    ck_assert_uint_gt(whole.n, 0);
    coll_sort(&whole);
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
      coll parts = {0};
      uint32_t a = cuts[c][0], b = cuts[c][1];
      ck_assert_int_eq(gen(net, proj, 42, 0, a, &parts), 0);
      ck_assert_int_eq(gen(net, proj, 42, a, b, &parts), 0);
      ck_assert_int_eq(gen(net, proj, 42, b, n, &parts), 0);
      coll_sort(&parts);
      ck_assert_msg(coll_equal(&whole, &parts),
                    "projection %u split at %u, %u differs", proj, a, b);
      coll_free(&parts);
    }
    /* Many small uneven ranges (1, 2, 3, ... posts): single posts and
     * borders everywhere, yet few enough calls to keep fixed_outdegree,
     * which draws every pre's synapses in each call, cheap. */
    coll single = {0};
    for (uint32_t j = 0, len = 1; j < n; j += len, len++)
      CHECK(gen(net, proj, 42, j, j + len, &single) == 0);
    coll_sort(&single);
    ck_assert_msg(coll_equal(&whole, &single), "projection %u in small ranges",
                  proj);
    coll_free(&single);
    coll_free(&whole);
  }
  slp_network_destroy(net);
}
END_TEST

START_TEST(test_seeds) {
  uint32_t n_proj;
  slp_network *net = invariance_net(&n_proj);
  for (uint32_t proj = 0; proj < n_proj; proj++) {
    coll a = {0}, b = {0}, c = {0};
    gen_all(net, proj, 7, &a);
    gen_all(net, proj, 7, &b);
    gen_all(net, proj, 8, &c);
    /* Same seed: the same synapses in the same order. */
    ck_assert(coll_equal(&a, &b));
    /* Another seed: different (weights are random for every rule, so even
     * the deterministic rules differ). */
    ck_assert_msg(!coll_equal(&a, &c), "projection %u ignores the seed",
                  proj);
    coll_free(&a);
    coll_free(&b);
    coll_free(&c);
  }
  slp_network_destroy(net);
}
END_TEST

/* ---- ranges, errors, resources ---------------------------------------- */

START_TEST(test_ranges) {
  slp_network *net = make_net(10, 20);
  uint32_t proj = add_proj(net, 0, TO_B, 1, SLP_CONNECT_ALL_TO_ALL, 0, 0, 1, 1);
  coll c = {0};
  ck_assert_int_eq(gen(net, proj, 1, 5, 5, &c), 0);   /* empty */
  ck_assert_int_eq(gen(net, proj, 1, 9, 3, &c), 0);   /* reversed */
  ck_assert_int_eq(gen(net, proj, 1, 20, 30, &c), 0); /* past the end */
  ck_assert_uint_eq(c.n, 0);
  ck_assert_int_eq(gen(net, proj, 1, 18, 1000, &c), 0); /* clamped */
  ck_assert_uint_eq(c.n, 20);
  coll_free(&c);
  ck_assert_int_eq(gen(net, 99, 1, 0, 20, &c), SLP_EINVAL);
  slp_network_destroy(net);
}
END_TEST

START_TEST(test_sink_error) {
  uint32_t n_proj;
  slp_network *net = invariance_net(&n_proj);
  for (uint32_t proj = 0; proj < n_proj; proj++) {
    coll c = {0};
    c.limit = 3;
    ck_assert_int_eq(gen(net, proj, 1, 0, 700, &c), SLP_ECANCELED);
    ck_assert_uint_eq(c.n, 3);
    coll_free(&c);
  }
  slp_network_destroy(net);
}
END_TEST

START_TEST(test_alloc_failure) {
  /* Fail each allocation of the degree rules in turn: SLP_ENOMEM, nothing
   * emitted, nothing leaked (valgrind), and success once none fails. */
  uint32_t n_proj;
  slp_network *net = invariance_net(&n_proj);
  for (uint32_t proj = 4; proj <= 10; proj++) { /* the degree rules */
    int ok = 0;
    for (unsigned long f = 1; f < 20 && !ok; f++) {
      uint64_t n = 0;
      slp__alloc_fail_after(f);
      int rc = slp__connect_generate(net, proj, 1, 0, 700, count_sink, &n,
                                     NULL);
      slp__alloc_fail_after(0);
      if (rc == 0)
        ok = 1;
      else {
        ck_assert_int_eq(rc, SLP_ENOMEM);
        ck_assert_uint_eq(n, 0);
      }
    }
    ck_assert(ok);
  }
  slp_network_destroy(net);
}
END_TEST

START_TEST(test_large_sizes) {
  /* Indices near 2^32: the description holds no per-neuron memory, and
   * every rule's cost is in synapses, so this is cheap. */
  const uint32_t big = UINT32_MAX - 10;
  slp_network *net = make_net(big, 5);
  uint32_t fp = add_proj(net, 0, TO_B, 1, SLP_CONNECT_FIXED_PROBABILITY, 1e-6,
                         0, 1, 1);
  uint32_t fi = add_proj(net, 0, TO_B, 1, SLP_CONNECT_FIXED_INDEGREE, 0, 1000,
                         1, 0);
  uint32_t fo = add_proj(net, 1, TO_A, 1, SLP_CONNECT_FIXED_OUTDEGREE, 0, 1000,
                         1, 0);
  uint32_t a2a = add_proj(net, 1, TO_A, 1, SLP_CONNECT_ALL_TO_ALL, 0, 0, 1, 1);
  coll c = {0};
  gen_all(net, fp, 3, &c);
  /* Binomial(5 * big, 1e-6): mean ~21475, sd ~146.5; within 5 sd. */
  double mean = 5.0 * big * 1e-6;
  ck_assert(fabs((double)c.n - mean) < 5 * sqrt(mean * (1 - 1e-6)));
  for (size_t i = 0; i < c.n; i++)
    CHECK(c.v[i].pre < big);
  coll_free(&c);
  gen_all(net, fi, 3, &c);
  check_degree(net, 0, TO_B, 1, 1, 1000, 1, 0, &c);
  coll_free(&c);
  gen_all(net, fo, 3, &c);
  check_degree(net, 1, TO_A, 1, 0, 1000, 1, 0, &c);
  coll_free(&c);
  ck_assert_int_eq(gen(net, a2a, 3, big - 4, UINT32_MAX, &c), 0);
  ck_assert_uint_eq(c.n, 4 * 5);
  ck_assert_uint_eq(c.v[c.n - 1].post, big - 1);
  coll_free(&c);
  slp_network_destroy(net);
}
END_TEST

Suite *suite_connect(void);

Suite *suite_connect(void) {
  Suite *s = suite_create("connect");
  TCase *tc = tcase_create("rules");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_all_to_all);
  tcase_add_test(tc, test_one_to_one);
  int n_cases = (int)(sizeof DEGREE_CASES / sizeof DEGREE_CASES[0]);
  tcase_add_loop_test(tc, test_fixed_indegree, 0, n_cases);
  tcase_add_loop_test(tc, test_fixed_outdegree, 0, n_cases);
  tcase_add_test(tc, test_degree_uniformity);
  tcase_add_test(tc, test_subset_uniformity);
  tcase_add_test(tc, test_degree_impossible);
  tcase_add_test(tc, test_fixed_probability_stats);
  tcase_add_test(tc, test_fixed_probability_extremes);
  tcase_add_test(tc, test_list);
  tcase_add_test(tc, test_weights_uniform);
  tcase_add_test(tc, test_weights_clipped_normal);
  tcase_add_test(tc, test_bad_draws);
  suite_add_tcase(s, tc);
  TCase *rep = tcase_create("reproducibility");
  tcase_set_timeout(rep, 60);
  tcase_add_test(rep, test_partition_invariance);
  tcase_add_test(rep, test_seeds);
  suite_add_tcase(s, rep);
  TCase *res = tcase_create("resources");
  tcase_set_timeout(res, 60);
  tcase_add_test(res, test_ranges);
  tcase_add_test(res, test_sink_error);
  tcase_add_test(res, test_alloc_failure);
  tcase_add_test(res, test_large_sizes);
  suite_add_tcase(s, res);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite_connect());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
