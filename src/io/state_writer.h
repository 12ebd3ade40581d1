/*
 * io/state_writer.h -- state recordings, streamed as the run goes.
 *
 * Formats, chosen by the file name's extension:
 *   .csv  text: a header "time_ms,neuron,<var>,..." then one line per sample
 *         and neuron: the time in ms with six decimals (exactly the tick),
 *         the global neuron index, and each variable in SI units (volts,
 *         seconds, hertz) with 17 significant digits, so that a value read
 *         back is the double that was written;
 *   .bin  binary, little-endian: the 8-byte magic "SLPSTA01", uint32 n_vars,
 *         per variable a uint32 length and its name (no terminator), then
 *         one record per sample and neuron: int64 tick, uint32 neuron,
 *         n_vars float64 values in SI units.
 * Written under a temporary name and renamed when closed (out_file.h).
 */
#ifndef SLP_IO_STATE_WRITER_H
#define SLP_IO_STATE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/sim.h"

/* Variables per recording at most (a model has at most this many). */
#define SLP__MAX_RECORD_VARS 8

typedef struct slp__state_writer slp__state_writer;

/* Open path for n <= SLP__MAX_RECORD_VARS variables named names[].  SLP_EINVAL for an
 * unknown extension and SLP_EIO when the file cannot be created (diag names
 * `key`); SLP_ENOMEM. */
int slp__state_writer_open(slp__state_writer **out, const char *path,
                           const char *key, const char *const *names, size_t n,
                           slp_diag *diag);
/* One row: tick, global neuron index, n values (SI).  SLP_EIO on failure. */
int slp__state_writer_row(slp__state_writer *w, slp_tick t, uint32_t neuron,
                          const double *values);
/* Flush, sync and rename into place; frees w whatever the result. */
int slp__state_writer_close(slp__state_writer *w);
/* Remove the temporary file and free w (NULL is fine). */
void slp__state_writer_abort(slp__state_writer *w);

#endif /* SLP_IO_STATE_WRITER_H */
