/*
 * core/barrier.h -- a barrier for the threads of one run, spinning first.
 *
 * Threads meet once per window (network/run.c), every 0.1 to a few ms of
 * simulated time and often every few microseconds of wall time.  A pthread
 * barrier (uv_barrier_t) puts waiters to sleep and costs a futex wake-up of
 * several microseconds per meeting; this one spins for a while first
 * (sense-reversing, C11 atomics: reference/algorithms.md 7.1), then yields
 * the core, so that more threads than cores (tests run 4 threads on 2) still
 * make progress.
 */
#ifndef SLP_CORE_BARRIER_H
#define SLP_CORE_BARRIER_H

#include <stdatomic.h>

typedef struct slp__barrier {
  atomic_uint left;   /* threads yet to arrive in this round */
  atomic_uint sense;  /* flips when a round completes */
  unsigned n;         /* threads that meet */
  unsigned spins;     /* busy-wait rounds before yielding */
} slp__barrier;

/* A barrier for n threads on `cores` cores: with more threads than cores a
 * spinning waiter would hold the core the last arriver needs, so it yields
 * at once. */
void slp__barrier_init(slp__barrier *b, unsigned n, unsigned cores);

/* Wait until all n threads have called it.  *sense is the caller's own,
 * 0 before its first wait.  Everything a thread wrote before it arrived is
 * visible to every thread after it leaves. */
void slp__barrier_wait(slp__barrier *b, unsigned *sense);

#endif /* SLP_CORE_BARRIER_H */
