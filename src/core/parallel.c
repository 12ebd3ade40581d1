/*
 * core/parallel.c -- one thread per task (parallel.h).
 */
#include "config.h"

#include <uv.h>

#include "core/alloc.h"
#include "core/parallel.h"
#include "sleipnir/error.h"

typedef struct task {
  slp__task_fn fn;
  void *arg;
  uint32_t j;
  int rc;
} task;

static void task_main(void *p) {
  task *t = p;
  t->rc = t->fn(t->arg, t->j);
}

int slp__parallel(uint32_t n, slp__task_fn fn, void *arg, uint32_t *failed) {
  *failed = 0;
  if (n == 0)
    return 0;
  task *t = slp__calloc(n, sizeof *t);
  uv_thread_t *tid = slp__calloc(n, sizeof *tid);
  if (t == NULL || tid == NULL) {
    slp__free(t);
    slp__free(tid);
    return SLP_ENOMEM;
  }
  uint32_t made = 1;
  for (uint32_t j = 0; j < n; j++)
    t[j] = (task){fn, arg, j, 0};
  for (; made < n; made++)
    if (uv_thread_create(&tid[made], task_main, &t[made]) != 0)
      break;
  /* Tasks are independent: those started finish either way. */
  if (made == n)
    task_main(&t[0]);
  for (uint32_t j = 1; j < made; j++)
    uv_thread_join(&tid[j]);
  int rc = made == n ? 0 : SLP_ENOMEM;
  for (uint32_t j = 0; rc == 0 && j < n; j++)
    if (t[j].rc != 0) {
      rc = t[j].rc;
      *failed = j;
    }
  slp__free(t);
  slp__free(tid);
  return rc;
}
