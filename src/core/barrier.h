/*
 * core/barrier.h -- a barrier for the threads of one run: spin, then sleep.
 *
 * Threads meet once per window (network/run.c), every 0.1 to a few ms of
 * simulated time and often every few microseconds of wall time.  A pthread
 * barrier (uv_barrier_t) puts every waiter to sleep and costs a futex
 * wake-up of several microseconds per meeting; this one (sense-reversing,
 * C11 atomics: reference/algorithms.md 7.1) spins for a while first, which
 * is enough when every thread has a core.  When one has not -- more threads
 * than cores, or a machine shared with other work -- a spinning or yielding
 * waiter would keep the core the late thread needs; so after the spin it
 * sleeps on a futex (Linux; sched_yield elsewhere) and the last to arrive
 * wakes the sleepers.
 */
#ifndef SLP_CORE_BARRIER_H
#define SLP_CORE_BARRIER_H

#include <stdatomic.h>

typedef struct slp__barrier {
  atomic_uint left;     /* threads yet to arrive in this round */
  atomic_uint sense;    /* flips when a round completes (the futex word) */
  atomic_uint sleepers; /* waiters asleep, or about to be */
  unsigned n;           /* threads that meet */
  unsigned spins;       /* busy-wait rounds before sleeping */
} slp__barrier;

/* A barrier for n threads on `cores` cores: with more threads than cores a
 * spinning waiter would hold the core the last arriver needs, so it sleeps
 * at once. */
void slp__barrier_init(slp__barrier *b, unsigned n, unsigned cores);

/* A thread's side of the barrier: zero it before the first wait. */
typedef struct slp__barrier_seat {
  unsigned sense;  /* the round's sense it waits for */
  unsigned spins;  /* its spin budget: halved when spinning was in vain
                      (the others were descheduled: the machine is busy),
                      doubled back when it paid */
} slp__barrier_seat;

/* Wait until all n threads have called it.  Everything a thread wrote
 * before it arrived is visible to every thread after it leaves. */
void slp__barrier_wait(slp__barrier *b, slp__barrier_seat *seat);

#endif /* SLP_CORE_BARRIER_H */
