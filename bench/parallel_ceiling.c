/*
 * bench/parallel_ceiling.c -- how much faster two threads can be on this
 * machine, for work like the simulator's: random read-modify-writes over a
 * working set the size of a network's neuron state (8 MiB per thread, in
 * L3 but not in L2), each thread on its own array.  No synchronisation at
 * all: the ratio is the machine's ceiling for the engine's speedup.
 *
 *   cc -O2 -pthread bench/parallel_ceiling.c -o parallel_ceiling
 *   ./parallel_ceiling     (bench/threads.py builds and runs it)
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define WORDS (1u << 20) /* 8 MiB of doubles */
#define STEPS 100000000L

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void *work(void *arg) {
  double *x = malloc(WORDS * sizeof *x);
  if (x == NULL)
    return NULL;
  for (unsigned i = 0; i < WORDS; i++)
    x[i] = i;
  uint64_t s = (uintptr_t)arg * 7 + 1;
  double acc = 0;
  for (long i = 0; i < STEPS; i++) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    unsigned k = (unsigned)(s >> 44) & (WORDS - 1);
    x[k] += 1.0;
    acc += x[(k * 7) & (WORDS - 1)];
  }
  free(x);
  static volatile double sink;
  sink = acc;
  return arg;
}

int main(void) {
  double t0 = now();
  work((void *)1);
  double t1 = now();
  pthread_t a, b;
  pthread_create(&a, NULL, work, (void *)2);
  pthread_create(&b, NULL, work, (void *)3);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  double t2 = now();
  printf("{\"one_s\": %.4f, \"two_s\": %.4f, \"ceiling\": %.3f}\n", t1 - t0,
         t2 - t1, 2.0 * (t1 - t0) / (t2 - t1));
  return 0;
}
