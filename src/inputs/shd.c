/*
 * inputs/shd.c -- Spiking Heidelberg Digits style HDF5 files as spike
 * sources (reference/ecosystem.md section 2.6).
 *
 * The file holds one row per sample in two one-dimensional datasets of
 * variable-length arrays: /spikes/times (seconds) and /spikes/units
 * (channel ids, 0-699 in SHD).  The element types are whatever the writer
 * chose (h5py writes SHD's as float16 times and uint16 units); both are read
 * through HDF5's conversion into doubles, so any numeric type works, and a
 * unit is then checked to be a whole number below the channel count.  The
 * chosen samples are laid end to end: each starts where the previous one's
 * last spike was, plus the gap.
 *
 * HDF5 prints its error stack to stderr by default; the library never
 * prints, so the automatic printing is off while a file is read (and put
 * back as it was afterwards).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sleipnir/io.h"
#include "core/alloc.h"
#include "inputs/dataset.h"

#ifdef SLP_HAVE_HDF5
#include <hdf5.h>

/* An open dataset of variable-length rows. */
typedef struct rows {
  hid_t set;     /* the dataset */
  hid_t space;   /* its dataspace */
  hsize_t n;     /* rows */
} rows;

static int open_rows(hid_t file, const char *path, const char *name,
                     rows *r, slp_diag *diag) {
  r->set = r->space = H5I_INVALID_HID;
  if (H5Lexists(file, "/spikes", H5P_DEFAULT) <= 0 ||
      H5Lexists(file, name, H5P_DEFAULT) <= 0)
    return slp_diag_set(diag, SLP_ENOENT, path, 0, 0, NULL, "'%s' has no "
                        "dataset %s: it is not a Spiking Heidelberg Digits "
                        "style file.", path, name);
  r->set = H5Dopen2(file, name, H5P_DEFAULT);
  if (r->set < 0)
    return slp_diag_set(diag, SLP_EIO, path, 0, 0, NULL, "'%s': cannot open "
                        "the dataset %s.", path, name);
  r->space = H5Dget_space(r->set);
  hid_t type = H5Dget_type(r->set);
  int ok = r->space >= 0 && type >= 0 &&
           H5Sget_simple_extent_ndims(r->space) == 1 &&
           H5Tget_class(type) == H5T_VLEN;
  if (ok) {
    hid_t base = H5Tget_super(type);
    H5T_class_t c = base >= 0 ? H5Tget_class(base) : H5T_NO_CLASS;
    ok = c == H5T_INTEGER || c == H5T_FLOAT;
    if (base >= 0)
      H5Tclose(base);
  }
  if (type >= 0)
    H5Tclose(type);
  if (!ok)
    return slp_diag_set(diag, SLP_EPARSE, path, 0, 0, NULL, "'%s': %s is not "
                        "a one-dimensional dataset of variable-length rows "
                        "of numbers.", path, name);
  H5Sget_simple_extent_dims(r->space, &r->n, NULL);
  return 0;
}

static void close_rows(rows *r) {
  if (r->space >= 0)
    H5Sclose(r->space);
  if (r->set >= 0)
    H5Dclose(r->set);
}

/* Row `i` of r as doubles into *out (HDF5's memory; the caller reclaims it
 * with free_row). */
static int read_row(const rows *r, hsize_t i, hid_t mem_type, hvl_t *out) {
  hsize_t one = 1;
  hid_t mem = H5Screate_simple(1, &one, NULL);
  if (mem < 0)
    return -1;
  int rc = H5Sselect_hyperslab(r->space, H5S_SELECT_SET, &i, NULL, &one,
                               NULL) < 0 ||
                   H5Dread(r->set, mem_type, mem, r->space, H5P_DEFAULT,
                           out) < 0
               ? -1
               : 0;
  H5Sclose(mem);
  return rc;
}

static void free_row(hid_t mem_type, hvl_t *row) {
  hsize_t one = 1;
  hid_t mem = H5Screate_simple(1, &one, NULL);
  if (mem < 0)
    return;
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(mem_type, mem, H5P_DEFAULT, row);
#else
  H5Dvlen_reclaim(mem_type, mem, H5P_DEFAULT, row);
#endif
  H5Sclose(mem);
}

/* Append sample `s` (its spikes shifted by start_ms) to ev; *last_ms gets
 * its last spike's time from its start. */
static int read_sample(const char *path, const rows *times,
                       const rows *units, hid_t mem_type, uint64_t s,
                       uint32_t channels, double start_ms,
                       slp__event_list *ev, double *last_ms, slp_diag *diag) {
  hvl_t t = {0, NULL}, u = {0, NULL};
  int rc = 0;
  *last_ms = 0.0;
  if (read_row(times, s, mem_type, &t) != 0 ||
      read_row(units, s, mem_type, &u) != 0) {
    rc = slp_diag_set(diag, SLP_EIO, path, 0, 0, NULL, "'%s': cannot read "
                      "sample %llu: the file is truncated or corrupt.", path,
                      (unsigned long long)s);
  } else if (t.len != u.len) {
    rc = slp_diag_set(diag, SLP_EPARSE, path, 0, 0, NULL, "'%s': sample %llu "
                      "has %zu times but %zu units.", path,
                      (unsigned long long)s, t.len, u.len);
  }
  const double *tv = t.p, *uv = u.p;
  for (size_t k = 0; rc == 0 && k < t.len; k++) {
    double ms = tv[k] * 1e3; /* SHD's times are in seconds */
    if (!(ms >= 0) || !isfinite(ms)) {
      rc = slp_diag_set(diag, SLP_ERANGE, path, 0, 0, NULL, "'%s': spike %zu "
                        "of sample %llu is at %g s; times must be >= 0 and "
                        "finite.", path, k, (unsigned long long)s, tv[k]);
    } else if (!(uv[k] >= 0) || uv[k] >= channels || uv[k] != floor(uv[k])) {
      rc = slp_diag_set(diag, SLP_ERANGE, path, 0, 0, NULL, "'%s': spike %zu "
                        "of sample %llu is on unit %g, but the input has %u "
                        "channels (0 to %u).", path, k, (unsigned long long)s,
                        uv[k], channels, channels - 1);
    } else if (slp__event_list_push(ev, start_ms + ms, (uint32_t)uv[k]) != 0) {
      rc = slp_diag_set(diag, SLP_ENOMEM, path, 0, 0, NULL, "out of memory "
                        "reading '%s'", path);
    } else {
      *last_ms = fmax(*last_ms, ms);
    }
  }
  if (t.p != NULL)
    free_row(mem_type, &t);
  if (u.p != NULL)
    free_row(mem_type, &u);
  return rc;
}

/* Read the samples into ev with HDF5's error printing off. */
static int read_shd(const char *path, uint32_t channels,
                    const uint64_t *samples, size_t n_samples, double gap_ms,
                    slp__event_list *ev, slp_diag *diag) {
  FILE *probe = fopen(path, "rb");
  if (probe == NULL) {
    int e = errno;
    return slp_diag_set(diag, e == ENOENT ? SLP_ENOENT : SLP_EIO, path, 0, 0,
                        NULL, "Cannot open '%s': %s.", path, strerror(e));
  }
  fclose(probe);
  if (H5Fis_hdf5(path) <= 0)
    return slp_diag_set(diag, SLP_EIO, path, 0, 0, NULL, "'%s' is not an "
                        "HDF5 file (or its header is damaged).", path);
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0)
    return slp_diag_set(diag, SLP_EIO, path, 0, 0, NULL, "'%s': HDF5 cannot "
                        "open it; the file is truncated or corrupt.", path);
  rows times, units;
  hid_t mem_type = H5Tvlen_create(H5T_NATIVE_DOUBLE);
  int rc = open_rows(file, path, "/spikes/times", &times, diag);
  units.set = units.space = H5I_INVALID_HID;
  if (rc == 0)
    rc = open_rows(file, path, "/spikes/units", &units, diag);
  if (rc == 0 && times.n != units.n)
    rc = slp_diag_set(diag, SLP_EPARSE, path, 0, 0, NULL, "'%s' has %llu rows "
                      "of times but %llu rows of units.", path,
                      (unsigned long long)times.n,
                      (unsigned long long)units.n);
  if (rc == 0 && mem_type < 0)
    rc = slp_diag_set(diag, SLP_ENOMEM, path, 0, 0, NULL, "out of memory "
                      "reading '%s'", path);
  double start = 0.0;
  for (size_t i = 0; rc == 0 && i < n_samples; i++) {
    double last;
    if (samples[i] >= times.n) {
      rc = slp_diag_set(diag, SLP_ERANGE, path, 0, 0, NULL, "'%s' has %llu "
                        "samples (0 to %llu); there is no sample %llu.", path,
                        (unsigned long long)times.n,
                        (unsigned long long)times.n - 1,
                        (unsigned long long)samples[i]);
      break;
    }
    rc = read_sample(path, &times, &units, mem_type, samples[i], channels,
                     start, ev, &last, diag);
    start += last + gap_ms;
  }
  if (mem_type >= 0)
    H5Tclose(mem_type);
  close_rows(&units);
  close_rows(&times);
  H5Fclose(file);
  return rc;
}
#endif /* SLP_HAVE_HDF5 */

int slp_network_add_shd(slp_network *net, const char *name,
                        uint32_t channels, const char *path,
                        const uint64_t *samples, size_t n_samples,
                        double gap_ms, slp_diag *diag, uint32_t *id) {
  if (path == NULL || samples == NULL || n_samples == 0 || channels == 0)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, name, "an SHD input "
                        "needs a file, channels and at least one sample");
  if (!(gap_ms >= 0) || !isfinite(gap_ms))
    return slp_diag_set(diag, SLP_ERANGE, NULL, 0, 0, name, "the gap must "
                        "be >= 0 ms, not %g ms", gap_ms);
#ifdef SLP_HAVE_HDF5
  slp__event_list ev = {NULL, 0, 0};
  H5E_auto2_t old_func;
  void *old_data;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  int rc = read_shd(path, channels, samples, n_samples, gap_ms, &ev, diag);
  H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
  if (rc == 0) {
    rc = slp_network_add_spike_array(net, name, channels, ev.ev, ev.n, id);
    if (rc != 0)
      slp_diag_set(diag, rc, NULL, 0, 0, name, "the SHD input was refused: "
                   "%s", slp_strerror(rc));
  }
  slp__free(ev.ev);
  return rc;
#else
  (void)net;
  (void)id;
  return slp_diag_set(diag, SLP_ESTATE, path, 0, 0, NULL, "cannot read '%s': "
                      "this Sleipnir was built without HDF5 (install the "
                      "Debian package libhdf5-dev and configure again)",
                      path);
#endif
}
