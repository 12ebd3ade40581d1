/*
 * core/parallel.h -- run one task per partition, each on its own thread.
 *
 * For the build: each partition's synapses, slices and queues are made by
 * the thread that will run them, so that their pages are first touched, and
 * placed, where they are used (reference/algorithms.md 7.1).
 */
#ifndef SLP_CORE_PARALLEL_H
#define SLP_CORE_PARALLEL_H

#include <stdint.h>

/* A task: the work of partition j; returns 0 or an SLP_E* code. */
typedef int (*slp__task_fn)(void *arg, uint32_t j);

/*
 * Run fn(arg, j) for j = 0 .. n-1, task 0 on the calling thread and the
 * others on threads of their own, and wait for all.  Returns the code of
 * the lowest-numbered task that failed (so the error reported does not
 * depend on timing), or SLP_ENOMEM if threads cannot be had (then no task
 * ran).
 */
int slp__parallel(uint32_t n, slp__task_fn fn, void *arg, uint32_t *failed);

#endif /* SLP_CORE_PARALLEL_H */
