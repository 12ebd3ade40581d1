/*
 * core/rng.c -- counter-based random streams on Random123's Philox2x64-10.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>

#include <uv.h>

#include "core/rng.h"

/*
 * Exponential variates by the ziggurat (Marsaglia and Tsang 2000; their
 * N = 256 constants R and V): the density e^-x is covered by 256 strips of
 * equal area V -- a base strip holding the tail beyond R, and 255
 * rectangles, each of which lies wholly under the curve up to the right
 * edge of the one above.  A draw picks a strip and a point along it; 98.9 %
 * of points fall in the part under the curve and are the variate, with no
 * log.  The rest are tested against the curve (the wedges) or come from
 * the tail (R plus an exponential).  One 64-bit word per draw: the low 8
 * bits pick the strip, the top 53 the point, so the two are independent
 * (Marsaglia and Tsang's 32-bit version took both from one word).
 */
#define ZIG_N 256 /* the size of slp__zig's arrays */
#define ZIG_R 7.697117470131487
#define ZIG_V 3.949659822581572e-3

slp__zig slp__zig_tables;
_Static_assert(sizeof slp__zig_tables.k / sizeof *slp__zig_tables.k == ZIG_N,
               "slp__zig holds ZIG_N strips");
static uv_once_t zig_once = UV_ONCE_INIT;

static void zig_init(void) {
  slp__zig *z = &slp__zig_tables;
  const double m = 0x1.0p53;
  double x = ZIG_R, right = ZIG_R;
  double q = ZIG_V / exp(-x); /* the base strip's width, tail included */
  z->k[0] = (uint64_t)(x / q * m);
  z->k[1] = 0; /* the top strip: all of it is a wedge */
  z->w[0] = q / m;
  z->w[ZIG_N - 1] = x / m;
  z->f[0] = 1.0;
  z->f[ZIG_N - 1] = exp(-x);
  for (int i = ZIG_N - 2; i >= 1; i--) {
    x = -log(ZIG_V / x + exp(-x)); /* the edge that keeps the area V */
    z->k[i + 1] = (uint64_t)(x / right * m);
    right = x;
    z->f[i] = exp(-x);
    z->w[i] = x / m;
  }
}

void slp__rng_init(slp__rng *r, uint64_t seed, slp__rng_purpose purpose,
                   uint64_t entity, uint32_t sub) {
  /* Every stream starts here, so the tables are ready before any draw
   * without a check per draw. */
  uv_once(&zig_once, zig_init);
  r->key = seed;
  r->ctr[0] = (uint64_t)sub << 32;
  r->ctr[1] = (entity & (((uint64_t)1 << 56) - 1)) | ((uint64_t)purpose << 56);
  r->left = 0;
  r->primed = 0;
}


double slp__rng_uniform(slp__rng *r) {
  return (double)(slp__rng_u64(r) >> 11) * 0x1.0p-53;
}

double slp__rng_uniform_pos(slp__rng *r) {
  return ((double)(slp__rng_u64(r) >> 11) + 1.0) * 0x1.0p-53;
}

uint64_t slp__rng_below(slp__rng *r, uint64_t n) {
  /* Rejection on the top of the range keeps every value equally likely. */
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do
    x = slp__rng_u64(r);
  while (x >= limit);
  return x % n;
}

double slp__rng_normal(slp__rng *r) {
  double u1 = slp__rng_uniform_pos(r);
  double u2 = slp__rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925 * u2);
}

double slp__rng_exponential_rest(slp__rng *r, unsigned i, uint64_t j) {
  const slp__zig *z = &slp__zig_tables;
  for (;;) {
    if (i == 0) /* the tail: memoryless, so R plus an exponential */
      return ZIG_R - log(slp__rng_uniform_pos(r));
    double x = (double)j * z->w[i];
    if (z->f[i] + slp__rng_uniform(r) * (z->f[i - 1] - z->f[i]) < exp(-x))
      return x;
    uint64_t u = slp__rng_u64(r);
    i = (unsigned)(u & (ZIG_N - 1));
    j = u >> 11;
    if (j < z->k[i])
      return (double)j * z->w[i];
  }
}

double slp__dist_draw(const slp_dist *d, slp__rng *r) {
  switch (d->kind) {
  case SLP_DIST_CONST:
    return d->a;
  case SLP_DIST_UNIFORM:
    return d->a + (d->b - d->a) * slp__rng_uniform(r);
  case SLP_DIST_NORMAL:
    for (int tries = 0; tries < 10000; tries++) {
      double x = d->a + d->b * slp__rng_normal(r);
      if (x >= d->lo && x <= d->hi)
        return x;
    }
    return (double)NAN;
  }
  return (double)NAN;
}

int slp__dist_draw_each(const slp_dist *d, uint64_t seed,
                        slp__rng_purpose purpose, uint64_t node0, uint32_t n,
                        uint32_t index, double *out) {
  for (uint32_t k = 0; k < n; k++) {
    if (d->kind == SLP_DIST_CONST) {
      out[k] = d->a;
      continue;
    }
    slp__rng r;
    slp__rng_init(&r, seed, purpose, node0 + k, index);
    out[k] = slp__dist_draw(d, &r);
    if (isnan(out[k]))
      return SLP_ERANGE;
  }
  return 0;
}
