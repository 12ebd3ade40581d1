/*
 * io/units.c -- quantities with units: "20 ms", "-50mV", "10 kHz", "0.01".
 *
 * Every physical value of a model file goes through slp_quantity_parse(), as
 * does the command line (`--time 300ms`).  A value is a number in strtod
 * syntax, optionally followed by spaces and a unit; it comes back in the
 * units of the C API (ms, mV, Hz).  A bare number is SI -- seconds, volts,
 * hertz -- which is the DESIGN.md contract that lets Norse's dimensionless
 * parameters (`tau_mem: 0.01`, `v_th: 1.0`) mean what they mean in Norse.
 *
 * Messages speak of "the value" as their subject; the model-file loader
 * replaces that phrase with the key's name ("tau_mem is a time; ...").
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sleipnir/error.h"
#include "sleipnir/io.h"
#include "sleipnir/network.h"
#include "io/units.h"

/*
 * One unit.  The value in API units is number * mul / div; sub-units divide
 * rather than multiply by a fraction so that "100 us" gives exactly the
 * double nearest 0.1 (100 * 1e-3 need not).
 */
typedef struct unit {
  const char *name; /* as written after the number */
  slp_dim dim;      /* what it measures */
  double mul;       /* factor to the API unit ... */
  double div;       /* ... and divisor */
} unit;

/* "\xc2\xb5" is MICRO SIGN, "\xce\xbc" GREEK SMALL LETTER MU: keyboards give
 * either, and they look the same. */
static const unit units[] = {
    {"s", SLP_DIM_TIME, 1000.0, 1.0},
    {"ms", SLP_DIM_TIME, 1.0, 1.0},
    {"us", SLP_DIM_TIME, 1.0, 1e3},
    {"\xc2\xb5s", SLP_DIM_TIME, 1.0, 1e3},
    {"\xce\xbcs", SLP_DIM_TIME, 1.0, 1e3},
    {"ns", SLP_DIM_TIME, 1.0, 1e6},
    {"min", SLP_DIM_TIME, 60000.0, 1.0},
    {"V", SLP_DIM_VOLTAGE, 1000.0, 1.0},
    {"mV", SLP_DIM_VOLTAGE, 1.0, 1.0},
    {"uV", SLP_DIM_VOLTAGE, 1.0, 1e3},
    {"\xc2\xb5V", SLP_DIM_VOLTAGE, 1.0, 1e3},
    {"\xce\xbcV", SLP_DIM_VOLTAGE, 1.0, 1e3},
    {"Hz", SLP_DIM_RATE, 1.0, 1.0},
    {"kHz", SLP_DIM_RATE, 1000.0, 1.0},
    {"MHz", SLP_DIM_RATE, 1e6, 1.0},
};

double slp__units_api_per_si(slp_dim dim) {
  switch (dim) {
  case SLP_DIM_TIME:    /* s -> ms */
  case SLP_DIM_VOLTAGE: /* V -> mV */
    return 1000.0;
  case SLP_DIM_RATE: /* Hz -> Hz */
  case SLP_DIM_NONE:
    return 1.0;
  }
  return 1.0;
}

/* "a time", "a voltage", ... for messages. */
static const char *dim_noun(slp_dim dim) {
  switch (dim) {
  case SLP_DIM_TIME:
    return "a time";
  case SLP_DIM_VOLTAGE:
    return "a voltage";
  case SLP_DIM_RATE:
    return "a rate";
  case SLP_DIM_NONE:
    return "a plain number";
  }
  return "a plain number";
}

/* What to suggest in a message: a well-formed example and the units. */
static const char *dim_example(slp_dim dim) {
  switch (dim) {
  case SLP_DIM_TIME:
    return "'20 ms'";
  case SLP_DIM_VOLTAGE:
    return "'-50 mV'";
  case SLP_DIM_RATE:
    return "'10 Hz'";
  case SLP_DIM_NONE:
    return "'0.5'";
  }
  return "'0.5'";
}

static const char *dim_units(slp_dim dim) {
  switch (dim) {
  case SLP_DIM_TIME:
    return "s, ms, us, ns or min";
  case SLP_DIM_VOLTAGE:
    return "V, mV or uV";
  case SLP_DIM_RATE:
    return "Hz, kHz or MHz";
  case SLP_DIM_NONE:
    return "no unit";
  }
  return "no unit";
}

static const char *unit_kind(slp_dim dim) {
  switch (dim) {
  case SLP_DIM_TIME:
    return "a time unit";
  case SLP_DIM_VOLTAGE:
    return "a voltage unit";
  case SLP_DIM_RATE:
    return "a rate unit";
  case SLP_DIM_NONE:
    return "not a unit";
  }
  return "not a unit";
}

static const unit *unit_find(const char *s, size_t n) {
  for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
    if (strlen(units[k].name) == n && memcmp(units[k].name, s, n) == 0)
      return &units[k];
  return NULL;
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int slp_quantity_parse(const char *text, slp_dim dim, double *out,
                       slp_diag *diag) {
  if (text == NULL || out == NULL)
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, NULL,
                        "no text to parse as a quantity");
  const char *s = text;
  while (is_space(*s))
    s++;
  const char *end = s + strlen(s);
  while (end > s && is_space(end[-1]))
    end--;
  int len = end - s > 60 ? 60 : (int)(end - s); /* how much to quote */
  if (s == end)
    return slp_diag_set(diag, SLP_EPARSE, NULL, 0, 0, NULL,
                        "the value is empty; expected %s such as %s",
                        dim_noun(dim), dim_example(dim));

  /* strtod would skip leading space itself; we trimmed it.  It also accepts
   * "inf" and "nan", which are rejected below as not finite. */
  char *num_end;
  double v = strtod(s, &num_end);
  if (num_end == s) {
    const char *w = s;
    while (w < end && !is_space(*w))
      w++;
    if (unit_find(s, (size_t)(w - s)) != NULL)
      return slp_diag_set(diag, SLP_EPARSE, NULL, 0, 0, NULL,
                          "the value '%.*s' has a unit but no number; write "
                          "it like %s",
                          len, s, dim_example(dim));
    return slp_diag_set(diag, SLP_EPARSE, NULL, 0, 0, NULL,
                        "the value '%.*s' is not a number; expected %s such "
                        "as %s",
                        len, s, dim_noun(dim), dim_example(dim));
  }
  if (!isfinite(v))
    return slp_diag_set(diag, SLP_EPARSE, NULL, 0, 0, NULL,
                        "the value '%.*s' is not a finite number", len, s);

  /* The unit: the next run of non-space characters. */
  const char *u = num_end;
  while (u < end && is_space(*u))
    u++;
  const char *u_end = u;
  while (u_end < end && !is_space(*u_end))
    u_end++;
  if (u_end < end) {
    const char *rest = u_end;
    while (is_space(*rest))
      rest++;
    return slp_diag_set(diag, SLP_EPARSE, NULL, 0, 0, NULL,
                        "the value '%.*s' has unexpected text '%.*s' after "
                        "its unit",
                        len, s, (int)(end - rest > 40 ? 40 : end - rest),
                        rest);
  }

  double scaled;
  if (u == end) {
    scaled = v * slp__units_api_per_si(dim);
  } else {
    int ulen = (int)(u_end - u > 40 ? 40 : u_end - u);
    const unit *un = unit_find(u, (size_t)(u_end - u));
    if (un == NULL) {
      if (dim == SLP_DIM_NONE)
        return slp_diag_set(diag, SLP_EUNIT, NULL, 0, 0, NULL,
                            "the value is a plain number; '%.*s' after it is "
                            "not understood",
                            ulen, u);
      return slp_diag_set(diag, SLP_EUNIT, NULL, 0, 0, NULL,
                          "the value is %s; '%.*s' is not a unit (use %s)",
                          dim_noun(dim), ulen, u, dim_units(dim));
    }
    if (un->dim != dim) {
      if (dim == SLP_DIM_NONE)
        return slp_diag_set(diag, SLP_EUNIT, NULL, 0, 0, NULL,
                            "the value is a plain number; '%s' is %s (write "
                            "the number without a unit)",
                            un->name, unit_kind(un->dim));
      return slp_diag_set(diag, SLP_EUNIT, NULL, 0, 0, NULL,
                          "the value is %s; '%s' is %s (use %s)",
                          dim_noun(dim), un->name, unit_kind(un->dim),
                          dim_units(dim));
    }
    scaled = v * un->mul / un->div;
  }
  if (!isfinite(scaled))
    return slp_diag_set(diag, SLP_EPARSE, NULL, 0, 0, NULL,
                        "the value '%.*s' is too large", len, s);
  *out = scaled;
  return 0;
}
