/*
 * fuzz/fuzz_nmnist.c -- libFuzzer target: the N-MNIST event parser on any
 * bytes.
 *
 * Besides "no crash, no leak, no undefined behaviour" (the sanitizers'
 * part), each input checks the parser's contract: the bytes are parsed iff
 * their length is a whole number of 5-byte records and every event is on
 * the 34 x 34 sensor; then there is one event per record that is not an
 * overflow marker, each on a valid source, at a time no earlier than the
 * offset, and none later than the reported last time; otherwise the error
 * is SLP_EPARSE with a one-line message naming the file.  A broken contract
 * aborts, which the fuzzer reports like a crash.
 *
 * Built with -fsanitize=fuzzer for fuzzing (`--enable-fuzzing`), and without
 * it, linked with fuzz/replay.c, to replay fuzz/corpus/nmnist in
 * `make check`.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sleipnir.h"
#include "inputs/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* The parser's own verdict, worked out independently of it. */
  int valid = size % 5 == 0;
  size_t events = 0;
  for (size_t at = 0; valid && at < size; at += 5) {
    if (data[at + 1] == 240)
      continue;
    valid = data[at] < 34 && data[at + 1] < 34;
    events++;
  }
  slp__event_list ev = {NULL, 0, 0};
  double last = -1.0, offset = 10.0;
  slp_diag d;
  memset(&d, 0x55, sizeof d); /* must be overwritten on failure */
  int rc = slp__nmnist_parse(data, size, "fuzz.bin", offset, &ev, &last, &d);
  if (rc == SLP_ENOMEM) {
    slp__free(ev.ev);
    return 0;
  }
  if ((rc == 0) != valid)
    abort();
  if (rc == 0) {
    if (ev.n != events || !(last >= 0))
      abort();
    for (size_t k = 0; k < ev.n; k++)
      if (ev.ev[k].source >= SLP_NMNIST_SOURCES ||
          !(ev.ev[k].time_ms >= offset) ||
          ev.ev[k].time_ms > offset + last || ev.ev[k].weight != 1.0)
        abort();
  } else {
    size_t n = strnlen(d.message, sizeof d.message);
    if (rc != SLP_EPARSE || n == 0 || n == sizeof d.message ||
        strchr(d.message, '\n') != NULL || strstr(d.message, "fuzz.bin") ==
                                               NULL ||
        strcmp(d.file, "fuzz.bin") != 0)
      abort();
  }
  slp__free(ev.ev);
  return 0;
}
