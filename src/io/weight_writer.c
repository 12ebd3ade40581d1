/*
 * io/weight_writer.c -- CSV weight snapshots (see weight_writer.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "io/out_file.h"
#include "io/weight_writer.h"

struct slp__weight_writer {
  slp__out_file out; /* the file, under its temporary name until closed */
};

int slp__weight_writer_open(slp__weight_writer **out, const char *path,
                            slp_diag *diag) {
  *out = NULL;
  if (!slp__out_ends_with(path, ".csv"))
    return slp_diag_set(diag, SLP_EINVAL, path, 0, 0, "record.weights.file",
                        "unknown weight file format: use a name ending in "
                        ".csv");
  slp__weight_writer *w = slp__calloc(1, sizeof *w);
  if (w == NULL)
    return SLP_ENOMEM;
  int rc = slp__out_open(&w->out, path, "record.weights.file", diag);
  if (rc != 0) {
    slp__free(w);
    return rc;
  }
  slp__out_check(&w->out, fputs("time_ms,pre,post,weight\n", w->out.f) >= 0);
  *out = w;
  return 0;
}

int slp__weight_writer_row(slp__weight_writer *w, slp_tick t, uint32_t pre,
                           uint32_t post, double weight) {
  /* Ticks are ns: six decimals of ms show them exactly; %.17g round-trips
   * a double, so tiny plastic steps survive the file. */
  slp__out_check(&w->out,
                 fprintf(w->out.f, "%lld.%06lld,%u,%u,%.17g\n",
                         (long long)(t / 1000000), (long long)(t % 1000000),
                         pre, post, weight) >= 0);
  return w->out.failed ? SLP_EIO : 0;
}

int slp__weight_writer_close(slp__weight_writer *w) {
  int rc = slp__out_close(&w->out);
  slp__free(w);
  return rc;
}

void slp__weight_writer_abort(slp__weight_writer *w) {
  if (w == NULL)
    return;
  slp__out_abort(&w->out);
  slp__free(w);
}
