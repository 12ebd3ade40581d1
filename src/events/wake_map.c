/*
 * events/wake_map.c -- the wake-up map's storage (see wake_map.h).
 */
#include "config.h"

#include <string.h>

#include "sleipnir/error.h"
#include "core/alloc.h"
#include "events/wake_map.h"

int slp__wake_map_init(slp__wake_map *m, slp_tick width, size_t n_buckets,
                       size_t n_items, slp_tick start) {
  memset(m, 0, sizeof *m);
  if (width <= 0 || n_buckets < 2)
    return SLP_EINVAL;
  m->words = (n_items + 63) / 64;
  if (m->words > 0 && n_buckets > SIZE_MAX / sizeof *m->bits / m->words)
    return SLP_ENOMEM;
  if (m->words > 0) {
    m->bits = slp__calloc(n_buckets * m->words, sizeof *m->bits);
    if (m->bits == NULL)
      return SLP_ENOMEM;
  }
  m->width = width;
  m->inv_width = 1.0 / (double)width;
  m->n_buckets = n_buckets;
  m->base = start;
  return 0;
}

void slp__wake_map_free(slp__wake_map *m) {
  slp__free(m->bits);
  memset(m, 0, sizeof *m);
}
