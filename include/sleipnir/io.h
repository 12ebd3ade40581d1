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

#ifdef __cplusplus
}
#endif
#endif /* SLEIPNIR_IO_H */
