/*
 * sleipnir/io.h -- model files and quantities.
 *
 * The model file is YAML (docs/model-file.md).  Loading it builds a
 * slp_network through the public network API and fills a slp_sim_config from
 * its `simulation` and `record` sections.
 */
#ifndef SLEIPNIR_IO_H
#define SLEIPNIR_IO_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/error.h"
#include "sleipnir/network.h"
#include "sleipnir/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What a model file asks for beyond the network: the run settings.  String
 * fields point into storage owned by the slp_model and live as long as it.
 */
/* A weight recording asked for in `record: {weights: ...}` (pass it to
 * slp_sim_record_weights()). */
typedef struct slp_weight_record {
  uint32_t projection; /* projection index */
  char *file;          /* CSV file (owned by the slp_model) */
  double interval_ms;  /* snapshot period, 0: none */
  int at_end;          /* a snapshot at the end of the run */
} slp_weight_record;

typedef struct slp_model {
  slp_network *net;   /* the network (owned by this struct) */
  slp_sim_config cfg; /* simulation settings; cfg.spikes_path from record */
  char *spikes_path;  /* storage behind cfg.spikes_path (or NULL) */
  slp_state_record *state; /* record.state, owned; cfg.state points here */
  slp_weight_record *weights; /* weight recordings (owned), or NULL */
  size_t n_weights;           /* number of them */
} slp_model;

/*
 * Parse the model file at `path` (or, when text is not NULL, the n bytes of
 * text, reported as coming from `path`).  On success *out is a new model;
 * on failure *out is NULL, diag (if given) names the file, line, column, key
 * and the problem, and the result is SLP_EPARSE, SLP_EKEY, SLP_EUNIT,
 * SLP_EINVAL, SLP_ERANGE, SLP_ENOENT, SLP_EEXIST, SLP_EIO or SLP_ENOMEM.
 * Relative file names inside the model (spike_array `file`, `from_file`) are
 * resolved against the model file's directory.
 */
SLP_EXTERN int slp_model_load(slp_model **out, const char *path,
                              const char *text, size_t n, slp_diag *diag);
SLP_EXTERN void slp_model_destroy(slp_model *model);

/*
 * The built-in default network (Brette et al. 2007 CUBA, 4000 LIF neurons),
 * as model-file text (static storage).
 */
SLP_EXTERN const char *slp_model_default_text(void);

/*
 * Parse a quantity such as "20 ms", "-50mV", "0.1 ms", "10 Hz", "1.5e-3" of
 * dimension `dim` into API units (ms, mV, Hz).  A bare number is SI (seconds,
 * volts, hertz).  SLP_EUNIT for a unit of the wrong dimension or an unknown
 * unit, SLP_EPARSE when the text is not a number with an optional unit; diag
 * message says which.
 */
SLP_EXTERN int slp_quantity_parse(const char *text, slp_dim dim, double *out,
                                  slp_diag *diag);

/* ---------------------------------------------------------------------- */
/* Spike data sets, each read into a spike_array-like input               */
/* ---------------------------------------------------------------------- */

/* Sources of an N-MNIST input: the 34 x 34 sensor, two polarities. */
#define SLP_NMNIST_SOURCES (2u * 34u * 34u)

/*
 * Add an input of SLP_NMNIST_SOURCES sources fed by the N-MNIST event files
 * paths[0..n_paths) (n_paths >= 1), presented one after another: file 0
 * starts at time 0, file i + 1 at the start of file i plus the time of its
 * last event plus gap_ms.  Each file is a sequence of 5-byte big-endian
 * records (x, y, polarity in bit 7 of byte 2, 23-bit timestamp in us); a
 * record with y == 240 is a timestamp-overflow marker that adds 2^13 us to
 * every later timestamp (tonic's read_mnist_file).  An event (x, y, p) is a
 * spike of source p * 34 * 34 + y * 34 + x (Norse's and tonic's [2, 34, 34]
 * layout).
 * Errors, with diag (may be NULL) naming the file and what is wrong:
 * SLP_EINVAL (no paths), SLP_ERANGE (gap_ms negative or not finite),
 * SLP_ENOENT or SLP_EIO (a file cannot be read), SLP_EPARSE (a size that is
 * not whole records, an event outside the sensor), SLP_ENOMEM, and those of
 * slp_network_add_spike_array().  Nothing is added on failure.
 */
SLP_EXTERN int slp_network_add_nmnist(slp_network *net, const char *name,
                                      const char *const *paths, size_t n_paths,
                                      double gap_ms, slp_diag *diag,
                                      uint32_t *id);

/*
 * Add an input of `channels` sources fed by samples samples[0..n_samples)
 * of the Spiking Heidelberg Digits style HDF5 file `path`
 * (/spikes/times: one variable-length row of times in seconds per sample;
 * /spikes/units: the matching rows of channel ids; any numeric element
 * types), presented one after another in the order given: the first at
 * time 0, each next one at the start of the previous one plus the time of
 * its last spike plus gap_ms.
 * Errors, with diag naming the file and what is wrong: SLP_EINVAL (no
 * samples), SLP_ERANGE (gap; a sample index beyond the file's rows; a unit
 * >= channels; a time negative or not finite), SLP_ENOENT or SLP_EIO (the
 * file cannot be opened as HDF5, or lacks a dataset), SLP_EPARSE (rows of
 * times and units of different lengths, datasets that are not
 * one-dimensional variable-length arrays), SLP_ENOMEM, SLP_ESTATE (built
 * without HDF5), and those of slp_network_add_spike_array().
 */
SLP_EXTERN int slp_network_add_shd(slp_network *net, const char *name,
                                   uint32_t channels, const char *path,
                                   const uint64_t *samples, size_t n_samples,
                                   double gap_ms, slp_diag *diag,
                                   uint32_t *id);

#ifdef __cplusplus
}
#endif
#endif /* SLEIPNIR_IO_H */
