/*
 * sleipnir/error.h -- result codes and diagnostics.
 *
 * Every fallible function of the library returns an int: 0 (SLP_OK) on
 * success or one of the negative SLP_E* codes below.  Parsers and validators
 * additionally fill a caller-provided slp_diag with the file, line, column
 * and key of the problem, so that a user is told exactly where to look.
 */
#ifndef SLEIPNIR_ERROR_H
#define SLEIPNIR_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SLP_EXTERN __attribute__((visibility("default")))
#else
#define SLP_EXTERN
#endif

/*
 * The one list of result codes.  Codes are ABI: never renumber, only append.
 * XX(name, value, message)
 */
#define SLP_ERRNO_MAP(XX)                                                     \
  XX(EINVAL, -1, "invalid argument")                                          \
  XX(ENOMEM, -2, "out of memory")                                             \
  XX(EIO, -3, "input/output error")                                           \
  XX(EPARSE, -4, "malformed model file")                                      \
  XX(EUNIT, -5, "missing or wrong unit")                                      \
  XX(EKEY, -6, "unknown or missing key")                                      \
  XX(ENOENT, -7, "no such name")                                              \
  XX(ERANGE, -8, "value out of range")                                        \
  XX(EEXIST, -9, "name already defined")                                      \
  XX(ELIMIT, -10, "size limit exceeded")                                      \
  XX(ESTATE, -11, "operation not allowed in this state")                      \
  XX(ECANCELED, -12, "operation canceled")

typedef enum slp_errno {
  SLP_OK = 0,
#define SLP__ERR_ENUM(name, value, msg) SLP_##name = (value),
  SLP_ERRNO_MAP(SLP__ERR_ENUM)
#undef SLP__ERR_ENUM
} slp_errno;

/* A human-readable message for a result code; never NULL. */
SLP_EXTERN const char *slp_strerror(int err);

/* The symbolic name of a result code ("SLP_EINVAL"); never NULL. */
SLP_EXTERN const char *slp_err_name(int err);

/*
 * Where and why an input was rejected.  Filled by parsers and validators when
 * the caller passes a non-NULL pointer; fields that do not apply are empty
 * strings or 0.  A message never ends with a newline.
 */
typedef struct slp_diag {
  char file[256];    /* the file the problem is in, or "" for API calls */
  unsigned line;     /* 1-based line, 0 when unknown */
  unsigned column;   /* 1-based column, 0 when unknown */
  char key[128];     /* the key path, e.g. "populations.exc.params.tau_mem" */
  char message[512]; /* what is wrong, in a full sentence */
} slp_diag;

/*
 * Fill diag (if not NULL) and return err.  file, key may be NULL.  Used by the
 * library's own validators and available to tools built on it.
 */
SLP_EXTERN int slp_diag_set(slp_diag *diag, int err, const char *file,
                            unsigned line, unsigned column, const char *key,
                            const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

#ifdef __cplusplus
}
#endif
#endif /* SLEIPNIR_ERROR_H */
