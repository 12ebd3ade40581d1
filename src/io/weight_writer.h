/*
 * io/weight_writer.h -- snapshots of a plastic projection's weights.
 *
 * A CSV stream `time_ms,pre,post,weight` (pre local to the projection's
 * source group, post to the concatenation of its targets), one line per
 * synapse per snapshot, written under a temporary name and renamed when the
 * run finishes -- nothing half-written under the final name.
 */
#ifndef SLP_IO_WEIGHT_WRITER_H
#define SLP_IO_WEIGHT_WRITER_H

#include <stdint.h>

#include "sleipnir/error.h"
#include "sleipnir/sim.h"

typedef struct slp__weight_writer slp__weight_writer;

/* Create the temporary file for `path` (which must end in .csv).
 * SLP_EINVAL (format), SLP_EIO (diag names the file), SLP_ENOMEM. */
int slp__weight_writer_open(slp__weight_writer **out, const char *path,
                            slp_diag *diag);

/* One synapse of the snapshot at tick t.  SLP_EIO once a write failed. */
int slp__weight_writer_row(slp__weight_writer *w, slp_tick t, uint32_t pre,
                           uint32_t post, double weight);

/* Close and rename to the final name; frees w.  SLP_EIO on failure (the
 * temporary file is removed). */
int slp__weight_writer_close(slp__weight_writer *w);

/* Remove the temporary file and free w (NULL is fine). */
void slp__weight_writer_abort(slp__weight_writer *w);

#endif /* SLP_IO_WEIGHT_WRITER_H */
