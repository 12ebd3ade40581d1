/*
 * core/exp_ticks.c -- exp(a d) for tick offsets d, by three tables
 * (exp_ticks.h).
 */
#include "config.h"

#include "core/exp_ticks.h"

void slp__exp_ticks_init(slp__exp_ticks *x, double a) {
  x->a = a;
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < 1024; i++)
      x->t[k][i] = exp(a * (double)((uint64_t)i << (10 * k)));
}
