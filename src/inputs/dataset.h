/*
 * inputs/dataset.h -- spike data sets read into spike_array inputs
 * (nmnist.c, shd.c): the event list they fill, and the N-MNIST parser that
 * the fuzz target drives directly.
 */
#ifndef SLP_INPUTS_DATASET_H
#define SLP_INPUTS_DATASET_H

#include <stddef.h>

#include "sleipnir/error.h"
#include "sleipnir/network.h"
#include "core/alloc.h"

/* Events being collected for slp_network_add_spike_array(). */
typedef struct slp__event_list {
  slp_spike_event *ev; /* events, in the order read */
  size_t n;            /* how many */
  size_t cap;          /* capacity of ev */
} slp__event_list;

/* Append a plain spike of `source` at t_ms.  SLP_ENOMEM on failure. */
static inline int slp__event_list_push(slp__event_list *l, double t_ms,
                                       uint32_t source) {
  if (slp__grow((void **)&l->ev, &l->cap, l->n + 1, sizeof *l->ev) != 0)
    return SLP_ENOMEM;
  l->ev[l->n].time_ms = t_ms;
  l->ev[l->n].source = source;
  l->ev[l->n].weight = 1.0;
  l->n++;
  return 0;
}

/*
 * Parse the n bytes of one N-MNIST file (named `file` in messages) and
 * append its events, shifted by offset_ms, to out; *last_ms receives the
 * time of its last event from the file's start (0 without events).
 * SLP_EPARSE (with diag) for a size that is not whole records or an event
 * outside the sensor, SLP_ENOMEM.  Never reads outside buf.
 */
int slp__nmnist_parse(const unsigned char *buf, size_t n, const char *file,
                      double offset_ms, slp__event_list *out, double *last_ms,
                      slp_diag *diag);

#endif /* SLP_INPUTS_DATASET_H */
