/*
 * core/exp_ticks.h -- exp(a d) for tick offsets d, by three tables.
 *
 * The epoch forms of the neuron models (neurons/lif_box.h) need
 * F(t) = exp((t - t0) / tau) at every input tick; a Brunel network's
 * external drive alone brings 2.5e8 distinct ticks per simulated second.
 * With d split into three 10-bit digits, exp(a d) is the product of three
 * table entries, each exp of its digit's value: two multiplies and three
 * loads from 24 KB, against libm's exp and its call.  Beside exp(a d)
 * called directly, the result carries the entries' roundings (their
 * arguments' too, which exp magnifies by a d, as it does the direct call's)
 * and two rounded products: a few parts in 1e15, far below anything the
 * model's arithmetic around it resolves.  Offsets outside [0, 2^30) take
 * libm's exp.
 */
#ifndef SLP_CORE_EXP_TICKS_H
#define SLP_CORE_EXP_TICKS_H

#include <math.h>
#include <stdint.h>

/* The tables cover offsets below 2^SLP__EXP_TICKS_BITS (1.07 s of ticks). */
#define SLP__EXP_TICKS_BITS 30

/* Populations smaller than this call exp instead: 24 kB of tables per time
 * constant, and 3072 exps to fill them, would outweigh what they save. */
#define SLP__EXP_TICKS_MIN_NEURONS 256

typedef struct slp__exp_ticks {
  double a;            /* the rate: exp(a d) */
  double t[3][1024];   /* t[k][i] = exp(a i 2^(10 k)) */
} slp__exp_ticks;

/* Fill the tables for rate a (per tick). */
void slp__exp_ticks_init(slp__exp_ticks *x, double a);

static inline double slp__exp_ticks_at(const slp__exp_ticks *x, int64_t d) {
  if ((uint64_t)d >> SLP__EXP_TICKS_BITS != 0)
    return exp(x->a * (double)d);
  uint64_t u = (uint64_t)d;
  return x->t[2][u >> 20] * x->t[1][(u >> 10) & 1023] * x->t[0][u & 1023];
}

#endif /* SLP_CORE_EXP_TICKS_H */
