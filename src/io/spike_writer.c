/*
 * io/spike_writer.c -- CSV and binary spike files (see spike_writer.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sleipnir/error.h"
#include "core/alloc.h"
#include "io/spike_writer.h"

struct slp__spike_writer {
  FILE *f;        /* the temporary file */
  char *tmp;      /* its name */
  char *path;     /* the final name */
  int binary;     /* 1 for the binary format */
  int failed;     /* a write failed */
};

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

int slp__spike_writer_open(slp__spike_writer **out, const char *path,
                           slp_diag *diag) {
  *out = NULL;
  int binary;
  if (ends_with(path, ".csv"))
    binary = 0;
  else if (ends_with(path, ".bin") || ends_with(path, ".spk"))
    binary = 1;
  else
    return slp_diag_set(diag, SLP_EINVAL, path, 0, 0, "record.spikes.file",
                        "unknown spike file format: use a name ending in "
                        ".csv or .bin");
  slp__spike_writer *w = slp__calloc(1, sizeof *w);
  if (w == NULL)
    return SLP_ENOMEM;
  size_t n = strlen(path);
  w->path = slp__strdup(path);
  w->tmp = slp__malloc(n + 16);
  if (w->path == NULL || w->tmp == NULL) {
    slp__spike_writer_abort(w);
    return SLP_ENOMEM;
  }
  memcpy(w->tmp, path, n);
  memcpy(w->tmp + n, ".tmp.XXXXXX", 12);
  int fd = mkstemp(w->tmp);
  if (fd < 0) {
    int e = errno;
    w->tmp[0] = '\0';
    slp__spike_writer_abort(w);
    return slp_diag_set(diag, SLP_EIO, path, 0, 0, "record.spikes.file",
                        "cannot create the spike file: %s", strerror(e));
  }
  w->f = fdopen(fd, "wb");
  if (w->f == NULL) {
    close(fd);
    slp__spike_writer_abort(w);
    return SLP_ENOMEM;
  }
  setvbuf(w->f, NULL, _IOFBF, 1 << 20);
  w->binary = binary;
  if (binary)
    fwrite("SLPSPK01", 1, 8, w->f);
  else
    fputs("time_ms,neuron\n", w->f);
  *out = w;
  return 0;
}

int slp__spike_writer_write(slp__spike_writer *w, slp_tick t,
                            uint32_t neuron) {
  if (w->binary) {
    unsigned char rec[12];
    uint64_t u = (uint64_t)t;
    for (int k = 0; k < 8; k++)
      rec[k] = (unsigned char)(u >> (8 * k));
    for (int k = 0; k < 4; k++)
      rec[8 + k] = (unsigned char)(neuron >> (8 * k));
    if (fwrite(rec, 1, sizeof rec, w->f) != sizeof rec)
      w->failed = 1;
  } else {
    /* Ticks are ns: milliseconds with six decimals show them exactly. */
    if (fprintf(w->f, "%lld.%06lld,%u\n", (long long)(t / 1000000),
                (long long)(t % 1000000), neuron) < 0)
      w->failed = 1;
  }
  return w->failed ? SLP_EIO : 0;
}

int slp__spike_writer_close(slp__spike_writer *w) {
  int rc = 0;
  if (fflush(w->f) != 0 || w->failed || fsync(fileno(w->f)) != 0)
    rc = SLP_EIO;
  if (fclose(w->f) != 0)
    rc = SLP_EIO;
  w->f = NULL;
  if (rc == 0 && rename(w->tmp, w->path) != 0)
    rc = SLP_EIO;
  if (rc != 0)
    remove(w->tmp);
  slp__free(w->tmp);
  slp__free(w->path);
  slp__free(w);
  return rc;
}

void slp__spike_writer_abort(slp__spike_writer *w) {
  if (w == NULL)
    return;
  if (w->f != NULL)
    fclose(w->f);
  if (w->tmp != NULL && w->tmp[0] != '\0')
    remove(w->tmp);
  slp__free(w->tmp);
  slp__free(w->path);
  slp__free(w);
}
