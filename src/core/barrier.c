/*
 * core/barrier.c -- the spinning barrier (barrier.h).
 */
#include "config.h"

#include <sched.h>

#include "core/barrier.h"

/* Spins before yielding: a pause is some 10-40 ns, so about 20-80 us --
 * longer than a window's imbalance usually is, far shorter than a scheduler
 * time slice. */
#define SPINS 2000

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

void slp__barrier_init(slp__barrier *b, unsigned n, unsigned cores) {
  atomic_init(&b->left, n);
  atomic_init(&b->sense, 0);
  b->n = n;
  b->spins = n <= cores ? SPINS : 0;
}

void slp__barrier_wait(slp__barrier *b, unsigned *sense) {
  unsigned s = !*sense;
  *sense = s;
  if (atomic_fetch_sub_explicit(&b->left, 1, memory_order_acq_rel) == 1) {
    /* Last to arrive: reset for the next round, then release the others. */
    atomic_store_explicit(&b->left, b->n, memory_order_relaxed);
    atomic_store_explicit(&b->sense, s, memory_order_release);
    return;
  }
  for (unsigned k = 0;
       atomic_load_explicit(&b->sense, memory_order_acquire) != s; k++) {
    if (k < b->spins)
      cpu_relax();
    else
      sched_yield();
  }
}
