/*
 * fuzz/fuzz_model_file.c -- libFuzzer target: slp_model_load() on any bytes.
 *
 * Besides "no crash, no leak, no undefined behaviour" (the sanitizers'
 * part), each input checks the loader's contract: success gives a model,
 * failure gives NULL, a known error code and a diagnostic that names the
 * file and says what is wrong in a single line -- with a line number for
 * everything except running out of memory.  A broken contract aborts, which
 * the fuzzer reports like a crash.
 *
 * Built with -fsanitize=fuzzer for fuzzing (`--enable-fuzzing`), and without
 * it, linked with fuzz/replay.c, to replay the corpus in `make check`.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sleipnir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Does the input name a device or a special file?  The model may name
 * CSV files; reading /dev/stdin or a FIFO would block the fuzzer, and
 * /dev/zero or /proc files prove nothing about the parser. */
static int names_special_file(const uint8_t *data, size_t size) {
  static const char *const bad[] = {"/dev", "/proc", "/sys"};
  for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
    size_t n = strlen(bad[b]);
    for (size_t k = 0; k + n <= size; k++)
      if (memcmp(data + k, bad[b], n) == 0)
        return 1;
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (names_special_file(data, size))
    return 0;
  slp_model *m = (slp_model *)&m; /* must be overwritten */
  slp_diag d;
  memset(&d, 0x55, sizeof d); /* must be overwritten */
  int rc = slp_model_load(&m, "fuzz.yaml", (const char *)data, size, &d);
  if (rc == 0) {
    if (m == NULL || m->net == NULL)
      abort();
    if (m->cfg.spikes_path != m->spikes_path)
      abort();
    slp_model_destroy(m);
    return 0;
  }
  if (m != NULL)
    abort();
  if (strcmp(slp_err_name(rc), "SLP_EUNKNOWN") == 0)
    abort();
  size_t n = strnlen(d.message, sizeof d.message);
  if (n == 0 || n == sizeof d.message || strchr(d.message, '\n') != NULL)
    abort();
  if (strnlen(d.file, sizeof d.file) == 0 || strnlen(d.key, sizeof d.key) ==
      sizeof d.key)
    abort();
  if (rc != SLP_ENOMEM && d.line == 0)
    abort();
  return 0;
}
