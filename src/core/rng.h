/*
 * core/rng.h -- counter-based random streams (Random123 Philox2x64-10).
 *
 * A stream is a pure function of (seed, purpose, entity, sub): nothing is
 * carried between entities, so the numbers a neuron, a source or a synapse
 * column gets do not depend on the order entities are visited in, nor on how
 * they are split between threads or ranks.  Never share a stream between two
 * entities; create one per entity where it is needed.
 *
 * Philox2x64 rather than Philox4x32: the same ten rounds give 128 bits
 * either way, but a round of the 64-bit form is two 64x64->128-bit
 * multiplies, which x86-64 does in one instruction each, where the 32-bit
 * form needs four multiplies and the shifts to split them -- measured here
 * at 3.5 against 5.3-6.4 ns per 64 random bits.  Both pass BigCrush with ten
 * rounds (Salmon et al. 2011).
 */
#ifndef SLP_CORE_RNG_H
#define SLP_CORE_RNG_H

#include <stdint.h>
#include <string.h>

#include <Random123/philox.h>

#include "sleipnir/network.h"
#include "core/compiler.h"

/* What the numbers are for: part of the key, so that streams never overlap. */
typedef enum slp__rng_purpose {
  SLP__RNG_CONNECT = 1, /* which synapses exist */
  SLP__RNG_WEIGHT = 2,  /* synaptic weights */
  SLP__RNG_DELAY = 3,   /* synaptic delays */
  SLP__RNG_INIT = 4,    /* initial state of neurons */
  SLP__RNG_SPIKES = 5,  /* spike times of stochastic sources */
  SLP__RNG_RATE = 6,    /* per-source rates drawn from distributions */
  SLP__RNG_JITTER = 7,  /* displacements of regular sources' spikes */
  SLP__RNG_PARAM = 8    /* per-neuron parameters drawn from distributions
                           (sub: the parameter's index in the model) */
} slp__rng_purpose;

/* One stream.  Plain value; copying it forks the stream. */
typedef struct slp__rng {
  uint64_t key;      /* the seed */
  uint64_t ctr[2];   /* the next block to compute: block counter (low 32
                        bits) | sub << 32, and entity | purpose << 56 */
  uint32_t buf[4];   /* the current block's output, as 32-bit words */
  uint32_t ahead[4]; /* the block after it, computed before it is needed */
  unsigned left;     /* unread words in buf */
  unsigned primed;   /* ahead holds a block */
} slp__rng;

/*
 * Start the stream for (seed, purpose, entity, sub).  entity < 2^56;
 * sub distinguishes several streams of one entity (e.g. a projection index).
 */
void slp__rng_init(slp__rng *r, uint64_t seed, slp__rng_purpose purpose,
                   uint64_t entity, uint32_t sub);

/* The block at the stream's counter into out, and the counter on. */
static inline void slp__rng_block(slp__rng *r, uint32_t out[4]) {
  philox2x64_ctr_t c = {{r->ctr[0], r->ctr[1]}};
  philox2x64_key_t k = {{r->key}};
  philox2x64_ctr_t o = philox2x64(c, k);
  out[0] = (uint32_t)o.v[0];
  out[1] = (uint32_t)(o.v[0] >> 32);
  out[2] = (uint32_t)o.v[1];
  out[3] = (uint32_t)(o.v[1] >> 32);
  /* 2^32 blocks per stream (2^34 words), counted in the low half only: if
   * the count ever wrapped, the stream would repeat, not run into the
   * next sub-stream's. */
  r->ctr[0] = (r->ctr[0] & ~(uint64_t)0xffffffffu) |
              (uint32_t)(r->ctr[0] + 1);
}

/* The stream's next block into buf.  The block after it is computed now,
 * ahead of need: a block costs a chain of ten dependent rounds (~50
 * cycles), which a draw waiting on it would sit through -- a Poisson
 * drive draws one interval per spike and uses it at once.  Computed one
 * block early, its rounds overlap whatever the caller does next.  The
 * blocks and their order are the same either way.  Inline: a busy drive
 * draws per source per grid step. */
static inline void slp__rng_refill(slp__rng *r) {
  if (!r->primed) {
    slp__rng_block(r, r->ahead);
    r->primed = 1;
  }
  memcpy(r->buf, r->ahead, sizeof r->buf);
  r->left = 4;
  slp__rng_block(r, r->ahead);
}

static inline uint32_t slp__rng_u32(slp__rng *r) {
  if (r->left == 0)
    slp__rng_refill(r);
  return r->buf[--r->left];
}
/* Two words, the first drawn as the high half.  Drawn only this way (a
 * Poisson source's intervals), a stream always has 0, 2 or 4 words left:
 * both come from one look at buf. */
static inline uint64_t slp__rng_u64(slp__rng *r) {
  if (r->left == 0)
    slp__rng_refill(r);
  if (r->left >= 2) {
    r->left -= 2;
    return ((uint64_t)r->buf[r->left + 1] << 32) | r->buf[r->left];
  }
  uint64_t hi = slp__rng_u32(r);
  return (hi << 32) | slp__rng_u32(r);
}
/* Uniform on [0, 1) with 53 random bits. */
double slp__rng_uniform(slp__rng *r);
/* Uniform on (0, 1]: safe to take the log of. */
double slp__rng_uniform_pos(slp__rng *r);
/* Uniform integer on [0, n), n > 0, without modulo bias. */
uint64_t slp__rng_below(slp__rng *r, uint64_t n);
/* Standard normal (Box-Muller; two uniforms per draw, no cached state). */
double slp__rng_normal(slp__rng *r);
/* The ziggurat's tables (rng.c), ready once any stream is initialised. */
typedef struct slp__zig {
  uint64_t k[256]; /* points of strip i below k[i] are under the curve */
  double w[256];   /* strip i's width / 2^53 */
  double f[256];   /* e^-x at strip i's right edge (f[0]: 1, the top) */
} slp__zig;
extern slp__zig slp__zig_tables;

/* The rest of a draw whose first point (strip i, point j) was not under
 * the curve. */
double slp__rng_exponential_rest(slp__rng *r, unsigned i, uint64_t j);

/* Exponential with mean 1 (a ziggurat, rng.c).  Inline: Poisson sources
 * draw one per spike, and 98.9 % of draws end here. */
SLP__INLINE double slp__rng_exponential(slp__rng *r) {
  uint64_t u = slp__rng_u64(r);
  unsigned i = (unsigned)(u & 255);
  uint64_t j = u >> 11;
  if (j < slp__zig_tables.k[i])
    return (double)j * slp__zig_tables.w[i];
  return slp__rng_exponential_rest(r, i, j);
}

/*
 * Draw d for n entities node0 .. node0 + n - 1, each from its own stream
 * (seed, purpose, entity, index), into out.  SLP_ERANGE when a clipped
 * normal cannot be drawn from (its clip range holds too little of it).
 */
int slp__dist_draw_each(const slp_dist *d, uint64_t seed,
                        slp__rng_purpose purpose, uint64_t node0, uint32_t n,
                        uint32_t index, double *out);

/*
 * Draw from d.  A clipped normal is redrawn until it falls in [lo, hi];
 * after 10000 rejections the result is NAN (callers report it: the clip
 * window holds too little of the distribution).
 */
double slp__dist_draw(const slp_dist *d, slp__rng *r);

#endif /* SLP_CORE_RNG_H */
