/*
 * inputs/nmnist.c -- N-MNIST event files as spike sources
 * (reference/ecosystem.md section 2.6).
 *
 * A file is a sequence of 5-byte big-endian records:
 *   byte 0: x, byte 1: y, byte 2 bit 7: polarity,
 *   bits 22..0 of bytes 2-4: timestamp in microseconds.
 * The 23-bit timestamp wraps; the recorder writes a record with y == 240 at
 * each wrap of the 2^13 us counter it kept, and the reference reader
 * (Orchard's eventvision.py, tonic's read_mnist_file) adds 2^13 us to every
 * timestamp after such a marker.  The marker is no event.  Events map to
 * sources in the [2, 34, 34] layout Norse and tonic use: p * 34 * 34 +
 * y * 34 + x.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sleipnir/io.h"
#include "core/alloc.h"
#include "inputs/dataset.h"

#define RECORD 5             /* bytes per record */
#define SIDE 34u             /* the sensor is SIDE x SIDE */
#define OVERFLOW_Y 240       /* y of a timestamp-overflow marker */
#define OVERFLOW_US 8192.0   /* what a marker adds to later timestamps */

int slp__nmnist_parse(const unsigned char *buf, size_t n, const char *file,
                      double offset_ms, slp__event_list *out, double *last_ms,
                      slp_diag *diag) {
  *last_ms = 0.0;
  if (n % RECORD != 0)
    return slp_diag_set(diag, SLP_EPARSE, file, 0, 0, NULL, "'%s' is %zu "
                        "bytes long, not a whole number of 5-byte N-MNIST "
                        "records: the file is truncated or not N-MNIST.",
                        file, n);
  double carry_us = 0.0;
  for (size_t at = 0; at < n; at += RECORD) {
    const unsigned char *r = buf + at;
    unsigned x = r[0], y = r[1], p = r[2] >> 7;
    double us = (double)(((uint32_t)(r[2] & 0x7f) << 16) |
                         ((uint32_t)r[3] << 8) | r[4]) + carry_us;
    if (y == OVERFLOW_Y) {
      carry_us += OVERFLOW_US;
      continue;
    }
    if (x >= SIDE || y >= SIDE)
      return slp_diag_set(diag, SLP_EPARSE, file, 0, 0, NULL, "'%s': the "
                          "record at byte %zu has x = %u, y = %u, outside the "
                          "34 x 34 sensor: the file is corrupt or not "
                          "N-MNIST.", file, at, x, y);
    double ms = us * 1e-3;
    if (slp__event_list_push(out, offset_ms + ms, p * SIDE * SIDE + y * SIDE +
                                                      x) != 0)
      return slp_diag_set(diag, SLP_ENOMEM, file, 0, 0, NULL, "out of memory "
                          "reading '%s'", file);
    *last_ms = fmax(*last_ms, ms);
  }
  return 0;
}

/* The whole of file `path` into *buf (allocated) and *n. */
static int read_all(const char *path, unsigned char **buf, size_t *n,
                    slp_diag *diag) {
  *buf = NULL;
  *n = 0;
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    int e = errno;
    return slp_diag_set(diag, e == ENOENT ? SLP_ENOENT : SLP_EIO, path, 0, 0,
                        NULL, "Cannot open '%s': %s.", path, strerror(e));
  }
  size_t cap = 0;
  int rc = 0;
  for (;;) {
    if (slp__grow((void **)buf, &cap, *n + 65536, 1) != 0) {
      rc = slp_diag_set(diag, SLP_ENOMEM, path, 0, 0, NULL, "out of memory "
                        "reading '%s'", path);
      break;
    }
    size_t got = fread(*buf + *n, 1, cap - *n, f);
    *n += got;
    if (got == 0) {
      if (ferror(f))
        rc = slp_diag_set(diag, SLP_EIO, path, 0, 0, NULL, "Reading '%s' "
                          "failed.", path);
      break;
    }
  }
  fclose(f);
  if (rc != 0) {
    slp__free(*buf);
    *buf = NULL;
  }
  return rc;
}

int slp_network_add_nmnist(slp_network *net, const char *name,
                           const char *const *paths, size_t n_paths,
                           double gap_ms, slp_diag *diag, uint32_t *id) {
  if (paths == NULL || n_paths == 0)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, name, "an N-MNIST "
                        "input needs at least one file");
  if (!(gap_ms >= 0) || !isfinite(gap_ms))
    return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, name, "the gap must "
                        "be >= 0 ms, not %g ms", gap_ms);
  slp__event_list ev = {NULL, 0, 0};
  double start = 0.0;
  int rc = 0;
  for (size_t i = 0; i < n_paths && rc == 0; i++) {
    unsigned char *buf;
    size_t n;
    double last;
    if ((rc = read_all(paths[i], &buf, &n, diag)) != 0)
      break;
    rc = slp__nmnist_parse(buf, n, paths[i], start, &ev, &last, diag);
    slp__free(buf);
    start += last + gap_ms;
  }
  if (rc == 0) {
    rc = slp_network_add_spike_array(net, name, SLP_NMNIST_SOURCES, ev.ev,
                                     ev.n, id);
    if (rc != 0)
      slp_diag_set(diag, rc, NULL, 0, 0, name, "the N-MNIST input was "
                   "refused: %s", slp_strerror(rc));
  }
  slp__free(ev.ev);
  return rc;
}
