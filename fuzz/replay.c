/*
 * fuzz/replay.c -- run a fuzz target over its corpus without libFuzzer.
 *
 * `make check` links this with fuzz/fuzz_model_file.c and runs every file
 * of $srcdir/fuzz/corpus/model_file/ (srcdir defaults to ".") through
 * LLVMFuzzerTestOneInput(), printing TAP: "ok N - file" per input.  A
 * crash or abort in the target fails the whole program, which is the point:
 * inputs that once broke the loader stay in the corpus as regression tests.
 * Files are run in name order so that the output is the same everywhere.
 * Another target names its own corpus directory with -DFUZZ_CORPUS.
 */
#include "config.h"

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef FUZZ_CORPUS
#define FUZZ_CORPUS "model_file" /* fuzz/corpus/<this> */
#endif

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the whole file at path; NULL on failure. */
static uint8_t *read_all(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  while (buf != NULL) {
    if (n == cap) {
      uint8_t *b = realloc(buf, cap *= 2);
      if (b == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = b;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f)) {
        free(buf);
        buf = NULL;
      }
      break;
    }
  }
  fclose(f);
  *size = n;
  return buf;
}

int main(void) {
  const char *srcdir = getenv("srcdir");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/fuzz/corpus/" FUZZ_CORPUS,
           srcdir && srcdir[0] ? srcdir : ".");
  DIR *d = opendir(dir);
  if (d == NULL) {
    printf("Bail out! cannot open corpus directory %s\n", dir);
    return 1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 64;
      char **nn = realloc(names, cap * sizeof *names);
      if (nn == NULL) {
        printf("Bail out! out of memory\n");
        return 1;
      }
      names = nn;
    }
    names[n] = strdup(e->d_name);
    if (names[n] == NULL) {
      printf("Bail out! out of memory\n");
      return 1;
    }
    n++;
  }
  closedir(d);
  if (n == 0) {
    printf("Bail out! the corpus %s is empty\n", dir);
    return 1;
  }
  qsort(names, n, sizeof *names, name_cmp);
  printf("1..%zu\n", n);
  int failed = 0;
  for (size_t k = 0; k < n; k++) {
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, names[k]);
    struct stat st;
    size_t size = 0;
    uint8_t *data = NULL;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
      data = read_all(path, &size);
    if (data == NULL) {
      printf("not ok %zu - %s (cannot read it)\n", k + 1, names[k]);
      failed = 1;
    } else {
      fflush(stdout); /* a crash below should not eat earlier results */
      int rc = LLVMFuzzerTestOneInput(data, size);
      printf("%sok %zu - %s\n", rc == 0 ? "" : "not ", k + 1, names[k]);
      failed |= rc != 0;
      free(data);
    }
    free(names[k]);
  }
  free(names);
  return failed;
}
