/*
 * core/barrier.c -- the spin-then-sleep barrier (barrier.h).
 */
/* syscall() is a GNU/BSD extension, hidden by -std=c11. */
#define _GNU_SOURCE
#include "config.h"

#include <limits.h>
#include <sched.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "core/barrier.h"

/* Spins before sleeping: a pause is some 10-40 ns, so about 20-80 us --
 * longer than a window's imbalance usually is, far shorter than a scheduler
 * time slice.  A seat's budget falls to MIN_SPINS while spinning fails. */
#define SPINS 2000
#define MIN_SPINS 16

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Sleep while *word == value (returns at once if it is not). */
static void sleep_on(atomic_uint *word, unsigned value) {
#if defined(__linux__)
  syscall(SYS_futex, (unsigned *)word, FUTEX_WAIT_PRIVATE, value, NULL, NULL,
          0);
#else
  (void)word;
  (void)value;
  sched_yield();
#endif
}

static void wake_all(atomic_uint *word) {
#if defined(__linux__)
  syscall(SYS_futex, (unsigned *)word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL,
          NULL, 0);
#else
  (void)word;
#endif
}

void slp__barrier_init(slp__barrier *b, unsigned n, unsigned cores) {
  atomic_init(&b->left, n);
  atomic_init(&b->sense, 0);
  atomic_init(&b->sleepers, 0);
  b->n = n;
  b->spins = n <= cores ? SPINS : 0;
}

void slp__barrier_wait(slp__barrier *b, slp__barrier_seat *seat) {
  unsigned s = !seat->sense;
  seat->sense = s;
  if (atomic_fetch_sub_explicit(&b->left, 1, memory_order_acq_rel) == 1) {
    /* Last to arrive: reset for the next round, release the others, and
     * wake those asleep.  The store and the load are sequentially
     * consistent, so a waiter that counted itself after the load sees the
     * new sense in the kernel's check and does not sleep. */
    atomic_store_explicit(&b->left, b->n, memory_order_relaxed);
    atomic_store(&b->sense, s);
    if (atomic_load(&b->sleepers) > 0)
      wake_all(&b->sense);
    return;
  }
  unsigned budget = b->spins == 0 ? 0
                    : seat->spins == 0 ? b->spins
                                       : seat->spins;
  for (unsigned k = 0; k < budget; k++) {
    if (atomic_load_explicit(&b->sense, memory_order_acquire) == s) {
      seat->spins = budget < b->spins / 2 ? 2 * budget : b->spins;
      return;
    }
    cpu_relax();
  }
  seat->spins = budget / 2 > MIN_SPINS ? budget / 2 : MIN_SPINS;
  atomic_fetch_add(&b->sleepers, 1);
  while (atomic_load(&b->sense) != s)
    sleep_on(&b->sense, !s);
  atomic_fetch_sub(&b->sleepers, 1);
}
