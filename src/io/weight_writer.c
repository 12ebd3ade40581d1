/*
 * io/weight_writer.c -- CSV weight snapshots (see weight_writer.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "io/weight_writer.h"

struct slp__weight_writer {
  FILE *f;    /* the temporary file */
  char *tmp;  /* its name */
  char *path; /* the final name */
  int failed; /* a write failed */
};

int slp__weight_writer_open(slp__weight_writer **out, const char *path,
                            slp_diag *diag) {
  *out = NULL;
  size_t n = strlen(path);
  if (n < 4 || strcmp(path + n - 4, ".csv") != 0)
    return slp_diag_set(diag, SLP_EINVAL, path, 0, 0, "record.weights.file",
                        "unknown weight file format: use a name ending in "
                        ".csv");
  slp__weight_writer *w = slp__calloc(1, sizeof *w);
  if (w == NULL)
    return SLP_ENOMEM;
  w->path = slp__strdup(path);
  w->tmp = slp__malloc(n + 16);
  if (w->path == NULL || w->tmp == NULL) {
    slp__weight_writer_abort(w);
    return SLP_ENOMEM;
  }
  memcpy(w->tmp, path, n);
  memcpy(w->tmp + n, ".tmp.XXXXXX", 12);
  int fd = mkstemp(w->tmp);
  if (fd < 0) {
    int e = errno;
    w->tmp[0] = '\0';
    slp__weight_writer_abort(w);
    return slp_diag_set(diag, SLP_EIO, path, 0, 0, "record.weights.file",
                        "cannot create the weight file: %s", strerror(e));
  }
  w->f = fdopen(fd, "wb");
  if (w->f == NULL) {
    close(fd);
    slp__weight_writer_abort(w);
    return SLP_ENOMEM;
  }
  setvbuf(w->f, NULL, _IOFBF, 1 << 20);
  if (fputs("time_ms,pre,post,weight\n", w->f) < 0)
    w->failed = 1;
  *out = w;
  return 0;
}

int slp__weight_writer_row(slp__weight_writer *w, slp_tick t, uint32_t pre,
                           uint32_t post, double weight) {
  /* Ticks are ns: six decimals of ms show them exactly; %.17g round-trips
   * a double, so tiny plastic steps survive the file. */
  if (fprintf(w->f, "%lld.%06lld,%u,%u,%.17g\n", (long long)(t / 1000000),
              (long long)(t % 1000000), pre, post, weight) < 0)
    w->failed = 1;
  return w->failed ? SLP_EIO : 0;
}

int slp__weight_writer_close(slp__weight_writer *w) {
  int rc = 0;
  if (fclose(w->f) != 0 || w->failed)
    rc = SLP_EIO;
  w->f = NULL;
  if (rc == 0 && rename(w->tmp, w->path) != 0)
    rc = SLP_EIO;
  if (rc == 0)
    w->tmp[0] = '\0'; /* renamed: nothing to remove */
  slp__weight_writer_abort(w);
  return rc;
}

void slp__weight_writer_abort(slp__weight_writer *w) {
  if (w == NULL)
    return;
  if (w->f != NULL)
    fclose(w->f);
  if (w->tmp != NULL && w->tmp[0] != '\0')
    unlink(w->tmp);
  slp__free(w->tmp);
  slp__free(w->path);
  slp__free(w);
}
