/*
 * tests/norse_trace.h -- reading the traces of Norse itself
 * (tests/data/norse, copied from reference/norse-traces; manifest.json says
 * how each was made): a header of column names, then one row per step.
 * Shared by the test programs that compare with them.
 */
#ifndef SLP_TESTS_NORSE_TRACE_H
#define SLP_TESTS_NORSE_TRACE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_STEPS 1000 /* rows of every trace (T = 1000 steps of 1 ms) */

typedef struct trace {
  size_t rows, cols;  /* data size */
  char names[40][16]; /* column names */
  double *d;          /* rows x cols values */
} trace;

static void trace_load(trace *t, const char *file) {
  char path[1024];
  const char *dir = getenv("srcdir");
  snprintf(path, sizeof path, "%s/tests/data/norse/%s",
           dir && dir[0] ? dir : ".", file);
  FILE *f = fopen(path, "r");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  char line[8192];
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
  memset(t, 0, sizeof *t);
  for (char *tok = strtok(line, ",\r\n"); tok; tok = strtok(NULL, ",\r\n")) {
    ck_assert_uint_lt(t->cols, 40);
    snprintf(t->names[t->cols++], sizeof t->names[0], "%s", tok);
  }
  t->d = malloc(TRACE_STEPS * t->cols * sizeof *t->d);
  ck_assert_ptr_nonnull(t->d);
  while (fgets(line, sizeof line, f) != NULL) {
    ck_assert_uint_lt(t->rows, TRACE_STEPS);
    char *p = line;
    for (size_t c = 0; c < t->cols; c++) {
      char *end;
      t->d[t->rows * t->cols + c] = strtod(p, &end);
      ck_assert_ptr_ne(end, p);
      p = end + 1;
    }
    t->rows++;
  }
  fclose(f);
  ck_assert_uint_eq(t->rows, TRACE_STEPS);
}

/* The column of name + channel ("v", 3 -> "v3"), or -1 if there is none. */
static long trace_find(const trace *t, const char *name, int ch) {
  char want[16];
  snprintf(want, sizeof want, "%s%d", name, ch);
  for (size_t c = 0; c < t->cols; c++)
    if (strcmp(t->names[c], want) == 0)
      return (long)c;
  return -1;
}

/* As trace_find, for a column that must be there. */
static size_t trace_col(const trace *t, const char *name, int ch) {
  long c = trace_find(t, name, ch);
  ck_assert_msg(c >= 0, "no column %s%d", name, ch);
  return (size_t)c;
}

static double at(const trace *t, size_t row, size_t col) {
  return t->d[row * t->cols + col];
}

#endif /* SLP_TESTS_NORSE_TRACE_H */
