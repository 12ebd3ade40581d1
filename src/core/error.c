/*
 * core/error.c -- result code names and messages, and diagnostics.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sleipnir/error.h"

const char *slp_strerror(int err) {
  switch (err) {
  case SLP_OK:
    return "success";
#define SLP__ERR_MSG(name, value, msg)                                        \
  case SLP_##name:                                                            \
    return msg;
    SLP_ERRNO_MAP(SLP__ERR_MSG)
#undef SLP__ERR_MSG
  default:
    return "unknown error";
  }
}

const char *slp_err_name(int err) {
  switch (err) {
  case SLP_OK:
    return "SLP_OK";
#define SLP__ERR_NAME(name, value, msg)                                       \
  case SLP_##name:                                                            \
    return "SLP_" #name;
    SLP_ERRNO_MAP(SLP__ERR_NAME)
#undef SLP__ERR_NAME
  default:
    return "SLP_EUNKNOWN";
  }
}

static void copy_str(char *dst, size_t cap, const char *src) {
  if (src == NULL) {
    dst[0] = '\0';
    return;
  }
  size_t n = strlen(src);
  if (n >= cap)
    n = cap - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

int slp_diag_set(slp_diag *diag, int err, const char *file, unsigned line,
                 unsigned column, const char *key, const char *fmt, ...) {
  if (diag == NULL)
    return err;
  copy_str(diag->file, sizeof diag->file, file);
  copy_str(diag->key, sizeof diag->key, key);
  diag->line = line;
  diag->column = column;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(diag->message, sizeof diag->message, fmt, ap);
  va_end(ap);
  return err;
}
