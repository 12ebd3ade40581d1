/*
 * io/spike_writer.c -- CSV and binary spike files (see spike_writer.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sleipnir/error.h"
#include "core/alloc.h"
#include "io/out_file.h"
#include "io/spike_writer.h"

struct slp__spike_writer {
  slp__out_file out; /* the file, under its temporary name until closed */
  int binary;        /* 1 for the binary format */
};

int slp__spike_writer_open(slp__spike_writer **out, const char *path,
                           slp_diag *diag) {
  *out = NULL;
  int binary;
  if (slp__out_ends_with(path, ".csv"))
    binary = 0;
  else if (slp__out_ends_with(path, ".bin") || slp__out_ends_with(path, ".spk"))
    binary = 1;
  else
    return slp_diag_set(diag, SLP_EINVAL, path, 0, 0, "record.spikes.file",
                        "unknown spike file format: use a name ending in "
                        ".csv or .bin");
  slp__spike_writer *w = slp__calloc(1, sizeof *w);
  if (w == NULL)
    return SLP_ENOMEM;
  int rc = slp__out_open(&w->out, path, "record.spikes.file", diag);
  if (rc != 0) {
    slp__free(w);
    return rc;
  }
  w->binary = binary;
  FILE *f = w->out.f;
  if (binary)
    slp__out_check(&w->out, fwrite("SLPSPK01", 1, 8, f) == 8);
  else
    slp__out_check(&w->out, fputs("time_ms,neuron\n", f) >= 0);
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
    slp__out_check(&w->out, fwrite(rec, 1, sizeof rec, w->out.f) ==
                                sizeof rec);
  } else {
    /* Ticks are ns: milliseconds with six decimals show them exactly. */
    slp__out_check(&w->out,
                   fprintf(w->out.f, "%lld.%06lld,%u\n",
                           (long long)(t / 1000000), (long long)(t % 1000000),
                           neuron) >= 0);
  }
  return w->out.failed ? SLP_EIO : 0;
}

int slp__spike_writer_close(slp__spike_writer *w) {
  int rc = slp__out_close(&w->out);
  slp__free(w);
  return rc;
}

void slp__spike_writer_abort(slp__spike_writer *w) {
  if (w == NULL)
    return;
  slp__out_abort(&w->out);
  slp__free(w);
}
