/*
 * io/out_file.h -- an output file that appears under its name only when it
 * is complete.
 *
 * Outputs are written under a temporary name in the same directory
 * ("NAME.tmp.XXXXXX") and renamed by slp__out_close() after a flush and an
 * fsync: a reader never sees a half-written file under the real name, and a
 * failed or interrupted run leaves none (DESIGN.md, Contracts).
 */
#ifndef SLP_IO_OUT_FILE_H
#define SLP_IO_OUT_FILE_H

#include <stdio.h>

#include "sleipnir/error.h"

typedef struct slp__out_file {
  FILE *f;     /* the temporary file, fully buffered */
  char *tmp;   /* its name */
  char *path;  /* the final name */
  int failed;  /* a write failed: close reports SLP_EIO */
} slp__out_file;

/* 1 if s ends with suffix. */
int slp__out_ends_with(const char *s, const char *suffix);

/* Create the temporary file for path.  SLP_EIO with diag naming `key` (the
 * model-file key the name came from) when it cannot be created; SLP_ENOMEM.
 * On failure o holds nothing to release. */
int slp__out_open(slp__out_file *o, const char *path, const char *key,
                  slp_diag *diag);

/* Note the result of a write (fwrite count, fprintf result) in o->failed. */
static inline void slp__out_check(slp__out_file *o, int ok) {
  if (!ok)
    o->failed = 1;
}

/* Flush, sync, close and rename into place; releases o whatever the result
 * (on failure the temporary file is removed).  SLP_EIO on failure. */
int slp__out_close(slp__out_file *o);

/* Remove the temporary file and release o (a zeroed o is fine). */
void slp__out_abort(slp__out_file *o);

#endif /* SLP_IO_OUT_FILE_H */
