/*
 * core/alloc.c -- the allocation layer (see alloc.h for why it exists).
 */
/* ffs(), which jemalloc's MALLOCX_ALIGN expands to, is POSIX, hidden by
 * -std=c11. */
#define _DEFAULT_SOURCE
#include "config.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef SLP_USE_JEMALLOC
#include <strings.h>

#include <jemalloc/jemalloc.h>
#endif

#include "sleipnir/error.h"
#include "core/alloc.h"

/* Countdown for fault injection; 0 means "never fail".  Atomic: the build
 * allocates from one thread per partition (core/parallel.h). */
static atomic_ulong fail_countdown;

static int injected_failure(void) {
  unsigned long c = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
  while (c != 0)
    if (atomic_compare_exchange_weak(&fail_countdown, &c, c - 1))
      return c == 1;
  return 0;
}

void slp__alloc_fail_after(unsigned long n) { atomic_store(&fail_countdown, n); }

void *slp__malloc(size_t size) {
  if (injected_failure())
    return NULL;
  if (size == 0)
    size = 1; /* jemalloc forbids 0; malloc(0) may return NULL */
#ifdef SLP_USE_JEMALLOC
  return mallocx(size, 0);
#else
  return malloc(size);
#endif
}

void *slp__calloc(size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size)
    return NULL;
  if (injected_failure())
    return NULL;
  size_t total = count * size;
  if (total == 0)
    total = 1;
#ifdef SLP_USE_JEMALLOC
  return mallocx(total, MALLOCX_ZERO);
#else
  return calloc(1, total);
#endif
}

void *slp__calloc_aligned(size_t count, size_t size, size_t align) {
  if (size != 0 && count > SIZE_MAX / size)
    return NULL;
  if (injected_failure())
    return NULL;
  size_t total = count * size;
  /* A multiple of the alignment, as aligned_alloc requires. */
  total = total == 0 ? align : (total + align - 1) / align * align;
#ifdef SLP_USE_JEMALLOC
  return mallocx(total, MALLOCX_ALIGN(align) | MALLOCX_ZERO);
#else
  void *p = aligned_alloc(align, total);
  if (p != NULL)
    memset(p, 0, total);
  return p;
#endif
}

void *slp__realloc(void *ptr, size_t size) {
  if (ptr == NULL)
    return slp__malloc(size);
  if (injected_failure())
    return NULL;
  if (size == 0)
    size = 1;
#ifdef SLP_USE_JEMALLOC
  return rallocx(ptr, size, 0);
#else
  return realloc(ptr, size);
#endif
}

void slp__free(void *ptr) {
  if (ptr == NULL)
    return;
#ifdef SLP_USE_JEMALLOC
  dallocx(ptr, 0);
#else
  free(ptr);
#endif
}

char *slp__strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *copy = slp__malloc(n);
  if (copy != NULL)
    memcpy(copy, s, n);
  return copy;
}

int slp__grow(void **ptr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return 0;
  size_t ncap = *cap ? *cap : 8;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2 / elem)
      return SLP_ENOMEM;
    ncap *= 2;
  }
  void *p = slp__realloc(*ptr, ncap * elem);
  if (p == NULL)
    return SLP_ENOMEM;
  *ptr = p;
  *cap = ncap;
  return 0;
}
