/*
 * core/rng.c -- counter-based random streams on Random123's Philox4x32-10.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>

#include "core/rng.h"

void slp__rng_init(slp__rng *r, uint64_t seed, slp__rng_purpose purpose,
                   uint64_t entity, uint32_t sub) {
  r->key[0] = (uint32_t)seed;
  r->key[1] = (uint32_t)(seed >> 32);
  r->ctr[0] = 0;
  r->ctr[1] = sub;
  r->ctr[2] = (uint32_t)entity;
  r->ctr[3] = (uint32_t)((entity >> 32) & 0xffffffu) |
              ((uint32_t)purpose << 24);
  r->left = 0;
}

uint64_t slp__rng_u64(slp__rng *r) {
  uint64_t hi = slp__rng_u32(r);
  return (hi << 32) | slp__rng_u32(r);
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

double slp__rng_exponential(slp__rng *r) {
  return -log(slp__rng_uniform_pos(r));
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
    return NAN;
  }
  return NAN;
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
