/*
 * core/radix.h -- a stable radix sort of records by tick.
 *
 * The event ring's buckets (events/ring.c) and the spike buffers
 * (neurons/pop.c) hold records that begin with their tick and arrive in
 * runs sorted by something else (source by source): a few linear passes
 * put them in tick order where a comparison sort costs log2(n) each.
 */
#ifndef SLP_CORE_RADIX_H
#define SLP_CORE_RADIX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sleipnir/sim.h"

enum { SLP__RADIX_BITS = 11, SLP__RADIX = 1 << SLP__RADIX_BITS };

/* The digit at `shift` of a record's key (t - t0) / grid. */
static inline size_t slp__radix_digit(const unsigned char *rec, slp_tick t0,
                                      slp_tick grid, unsigned shift) {
  slp_tick t;
  memcpy(&t, rec, sizeof t);
  uint64_t key = (uint64_t)(t - t0);
  if (grid != 1)
    key /= (uint64_t)grid;
  return (size_t)((key >> shift) & (SLP__RADIX - 1));
}

/*
 * Sort the n records of `size` bytes at a, each beginning with an slp_tick
 * t, by the key (t - t0) / grid (every key <= max_key); records with equal
 * keys keep their order.  tmp has room for n records.  Returns the buffer
 * that holds the result: a, or tmp after an odd number of passes.  Inline,
 * so that size and grid are constants where it is called.  11-bit digits:
 * a 1.5 ms window of 1 ns ticks takes two passes, a window of up to 2048
 * grid steps one.
 */
static inline void *slp__radix_sort_ticks(void *a, void *tmp, size_t n,
                                          size_t size, slp_tick t0,
                                          slp_tick grid, uint64_t max_key) {
  size_t count[SLP__RADIX];
  unsigned char *src = a, *dst = tmp;
  for (unsigned shift = 0; shift < 64 && (max_key >> shift) != 0;
       shift += SLP__RADIX_BITS) {
    memset(count, 0, sizeof count);
    for (size_t k = 0; k < n; k++)
      count[slp__radix_digit(src + k * size, t0, grid, shift)]++;
    size_t sum = 0;
    for (size_t d = 0; d < SLP__RADIX; d++) {
      size_t c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (size_t k = 0; k < n; k++) {
      size_t d = slp__radix_digit(src + k * size, t0, grid, shift);
      memcpy(dst + count[d]++ * size, src + k * size, size);
    }
    unsigned char *x = src;
    src = dst;
    dst = x;
  }
  return src;
}

#endif /* SLP_CORE_RADIX_H */
