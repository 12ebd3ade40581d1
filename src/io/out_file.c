/*
 * io/out_file.c -- outputs written under a temporary name (see out_file.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "io/out_file.h"

int slp__out_ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

int slp__out_open(slp__out_file *o, const char *path, const char *key,
                  slp_diag *diag) {
  memset(o, 0, sizeof *o);
  size_t n = strlen(path);
  o->path = slp__strdup(path);
  o->tmp = slp__malloc(n + 16);
  if (o->path == NULL || o->tmp == NULL) {
    slp__out_abort(o);
    return SLP_ENOMEM;
  }
  memcpy(o->tmp, path, n);
  memcpy(o->tmp + n, ".tmp.XXXXXX", 12);
  int fd = mkstemp(o->tmp);
  if (fd < 0) {
    int e = errno;
    o->tmp[0] = '\0';
    slp__out_abort(o);
    return slp_diag_set(diag, SLP_EIO, path, 0, 0, key,
                        "cannot create the output file: %s", strerror(e));
  }
  o->f = fdopen(fd, "wb");
  if (o->f == NULL) {
    close(fd);
    slp__out_abort(o);
    return SLP_ENOMEM;
  }
  setvbuf(o->f, NULL, _IOFBF, 1 << 20);
  return 0;
}

int slp__out_close(slp__out_file *o) {
  int rc = 0;
  if (fflush(o->f) != 0 || o->failed || fsync(fileno(o->f)) != 0)
    rc = SLP_EIO;
  if (fclose(o->f) != 0)
    rc = SLP_EIO;
  o->f = NULL;
  if (rc == 0 && rename(o->tmp, o->path) != 0)
    rc = SLP_EIO;
  if (rc != 0)
    remove(o->tmp);
  slp__free(o->tmp);
  slp__free(o->path);
  memset(o, 0, sizeof *o);
  return rc;
}

void slp__out_abort(slp__out_file *o) {
  if (o->f != NULL)
    fclose(o->f);
  if (o->tmp != NULL && o->tmp[0] != '\0')
    remove(o->tmp);
  slp__free(o->tmp);
  slp__free(o->path);
  memset(o, 0, sizeof *o);
}
