/*
 * core/alloc.h -- the library's one allocation layer.
 *
 * All memory of the library goes through these functions.  With jemalloc
 * (the default build) they call mallocx/sdallocx, so jemalloc serves the
 * engine without interposing on malloc() for the rest of the process; with
 * --without-jemalloc they are the C library's allocator, which sanitizers and
 * valgrind can see.  Sizes of 0 are allowed and return a unique pointer.
 */
#ifndef SLP_CORE_ALLOC_H
#define SLP_CORE_ALLOC_H

#include <stddef.h>

void *slp__malloc(size_t size);
void *slp__calloc(size_t count, size_t size);
/* Zeroed, aligned to `align` (a power of two, at most a page): for arrays
 * whose elements different threads write, one cache line apart.  Freed
 * with slp__free. */
void *slp__calloc_aligned(size_t count, size_t size, size_t align);
void *slp__realloc(void *ptr, size_t size);
void slp__free(void *ptr);
char *slp__strdup(const char *s);

/*
 * Grow an array *ptr of *cap elements of `elem` bytes so that it holds at
 * least `need` elements (capacity doubles).  Returns 0 or SLP_ENOMEM, in which
 * case *ptr and *cap are unchanged.
 */
int slp__grow(void **ptr, size_t *cap, size_t need, size_t elem);

/* Test hook: make the n-th allocation from now fail (0 disables). */
void slp__alloc_fail_after(unsigned long n);

#endif /* SLP_CORE_ALLOC_H */
