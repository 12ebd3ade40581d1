/*
 * fuzz/fuzz_shd.c -- libFuzzer target: the SHD (HDF5) reader on any bytes.
 *
 * The bytes are written to a temporary file and read as an SHD file with
 * samples 0 and 1 onto 700 channels.  The contract (sleipnir/io.h): success,
 * or one of the documented errors with a one-line message -- never a crash,
 * a leak or undefined behaviour (the sanitizers' part).  A broken contract
 * aborts, which the fuzzer reports like a crash.
 *
 * The HDF5 file format is parsed by libhdf5, not by us, and live fuzzing
 * finds that library's own defects: within seconds, a heap overflow in
 * Debian 12's libhdf5 1.10 reading a damaged global heap (H5HG_read, under
 * H5Dread's variable-length conversion) -- a crash inside the library on a
 * deliberately corrupted file, which Sleipnir cannot prevent short of
 * parsing HDF5 itself.  So `make check` replays fuzz/corpus/shd (a valid
 * file and truncated, damaged and foreign ones, which must all give a clean
 * error) and live runs are left to `--enable-fuzzing` builds by hand.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sleipnir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[] = "/tmp/sleipnir-fuzz-shd-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0)
    return 0;
  FILE *f = fdopen(fd, "wb");
  if (f == NULL) {
    close(fd);
    unlink(path);
    return 0;
  }
  size_t put = fwrite(data, 1, size, f);
  fclose(f);
  if (put != size) {
    unlink(path);
    return 0;
  }
  slp_network *net = NULL;
  if (slp_network_create(&net) != 0) {
    unlink(path);
    return 0;
  }
  const uint64_t samples[2] = {0, 1};
  slp_diag d;
  memset(&d, 0x55, sizeof d); /* must be overwritten on failure */
  uint32_t id;
  int rc = slp_network_add_shd(net, "d", 700, path, samples, 2, 10.0, &d, &id);
  unlink(path);
  slp_network_destroy(net);
  if (rc == 0 || rc == SLP_ENOMEM)
    return 0;
  static const int documented[] = {SLP_EINVAL, SLP_ERANGE, SLP_ENOENT,
                                   SLP_EIO,    SLP_EPARSE, SLP_ESTATE};
  int known = 0;
  for (size_t k = 0; k < sizeof documented / sizeof documented[0]; k++)
    known |= rc == documented[k];
  size_t n = strnlen(d.message, sizeof d.message);
  if (!known || n == 0 || n == sizeof d.message ||
      strchr(d.message, '\n') != NULL)
    abort();
  return 0;
}
