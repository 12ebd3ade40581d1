/*
 * io/state_writer.c -- CSV and binary state recordings (see state_writer.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sleipnir/error.h"
#include "core/alloc.h"
#include "io/out_file.h"
#include "io/state_writer.h"

struct slp__state_writer {
  slp__out_file out; /* the file, under its temporary name until closed */
  int binary;        /* 1 for the binary format */
  size_t n;          /* variables per row */
};

static void put_le(unsigned char *p, uint64_t v, int bytes) {
  for (int k = 0; k < bytes; k++)
    p[k] = (unsigned char)(v >> (8 * k));
}

static void header(slp__state_writer *w, const char *const *names) {
  FILE *f = w->out.f;
  if (w->binary) {
    unsigned char n4[4];
    slp__out_check(&w->out, fwrite("SLPSTA01", 1, 8, f) == 8);
    put_le(n4, w->n, 4);
    slp__out_check(&w->out, fwrite(n4, 1, 4, f) == 4);
    for (size_t k = 0; k < w->n; k++) {
      size_t len = strlen(names[k]);
      put_le(n4, len, 4);
      slp__out_check(&w->out, fwrite(n4, 1, 4, f) == 4 &&
                                  fwrite(names[k], 1, len, f) == len);
    }
    return;
  }
  slp__out_check(&w->out, fputs("time_ms,neuron", f) >= 0);
  for (size_t k = 0; k < w->n; k++)
    slp__out_check(&w->out, fprintf(f, ",%s", names[k]) >= 0);
  slp__out_check(&w->out, fputc('\n', f) != EOF);
}

int slp__state_writer_open(slp__state_writer **out, const char *path,
                           const char *key, const char *const *names, size_t n,
                           slp_diag *diag) {
  *out = NULL;
  int binary;
  if (slp__out_ends_with(path, ".csv"))
    binary = 0;
  else if (slp__out_ends_with(path, ".bin"))
    binary = 1;
  else
    return slp_diag_set(diag, SLP_EINVAL, path, 0, 0, key,
                        "unknown state file format: use a name ending in "
                        ".csv or .bin");
  slp__state_writer *w = slp__calloc(1, sizeof *w);
  if (w == NULL)
    return SLP_ENOMEM;
  int rc = slp__out_open(&w->out, path, key, diag);
  if (rc != 0) {
    slp__free(w);
    return rc;
  }
  w->binary = binary;
  w->n = n;
  header(w, names);
  *out = w;
  return 0;
}

int slp__state_writer_row(slp__state_writer *w, slp_tick t, uint32_t neuron,
                          const double *values) {
  FILE *f = w->out.f;
  if (w->binary) {
    unsigned char rec[12 + 8 * SLP__MAX_RECORD_VARS];
    put_le(rec, (uint64_t)t, 8);
    put_le(rec + 8, neuron, 4);
    for (size_t k = 0; k < w->n; k++) {
      uint64_t bits;
      memcpy(&bits, &values[k], sizeof bits);
      put_le(rec + 12 + 8 * k, bits, 8);
    }
    size_t len = 12 + 8 * w->n;
    slp__out_check(&w->out, fwrite(rec, 1, len, f) == len);
  } else {
    slp__out_check(&w->out, fprintf(f, "%lld.%06lld,%u", (long long)(t / 1000000),
                                    (long long)(t % 1000000), neuron) >= 0);
    for (size_t k = 0; k < w->n; k++)
      slp__out_check(&w->out, fprintf(f, ",%.17g", values[k]) >= 0);
    slp__out_check(&w->out, fputc('\n', f) != EOF);
  }
  return w->out.failed ? SLP_EIO : 0;
}

int slp__state_writer_close(slp__state_writer *w) {
  int rc = slp__out_close(&w->out);
  slp__free(w);
  return rc;
}

void slp__state_writer_abort(slp__state_writer *w) {
  if (w == NULL)
    return;
  slp__out_abort(&w->out);
  slp__free(w);
}
