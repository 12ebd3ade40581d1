/*
 * io/spike_writer.h -- spike files, streamed as the run goes.
 *
 * Formats, chosen by the file name's extension:
 *   .csv  text: a header line "time_ms,neuron", then one line per spike with
 *         the time in ms to six decimals -- exactly the tick (1 ns) -- and
 *         the global neuron index;
 *   .bin  (or .spk) binary: the 8-byte magic "SLPSPK01", then one 12-byte
 *         little-endian record per spike: int64 tick, uint32 neuron.
 * The file is written under a temporary name in the same directory and
 * renamed to its final name only by slp__spike_writer_close(): a reader never
 * sees a half-written file under the real name.
 */
#ifndef SLP_IO_SPIKE_WRITER_H
#define SLP_IO_SPIKE_WRITER_H

#include <stdint.h>

#include "sleipnir/sim.h"

typedef struct slp__spike_writer slp__spike_writer;

/* SLP_EIO (diag says why) when the temporary file cannot be created,
 * SLP_EINVAL for an unknown extension. */
int slp__spike_writer_open(slp__spike_writer **out, const char *path,
                           slp_diag *diag);
int slp__spike_writer_write(slp__spike_writer *w, slp_tick t, uint32_t neuron);
/* Flush, sync and rename into place; frees w whatever the result. */
int slp__spike_writer_close(slp__spike_writer *w);
/* Remove the temporary file and free w (NULL is fine). */
void slp__spike_writer_abort(slp__spike_writer *w);

#endif /* SLP_IO_SPIKE_WRITER_H */
