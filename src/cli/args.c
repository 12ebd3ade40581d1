/*
 * cli/args.c -- the command line of `sleipnir`: parsing and --help.
 *
 *   sleipnir run [MODEL] [--time T] [--seed S]
 *                [--mode exact|grid|dense|clock|norse]
 *                [--dt H] [--propagator exact|euler]
 *                [--threads N] [--spikes FILE] [--json] [--quiet]
 *   sleipnir info MODEL [--json] [--time T] [--seed S] [--mode M] [--dt H]
 *                [--threads N]
 *   sleipnir --help | -h
 *   sleipnir --version
 *
 * The parser is written out by hand rather than with getopt_long(), which
 * is not POSIX: options may come before or after MODEL, take their value as
 * `--opt value` or `--opt=value`, and `--` ends the options.  Quantities use
 * the model file's syntax (slp_quantity_parse), so `--time 300ms`,
 * `--time "0.1 s"` and `--time 0.3` (bare SI seconds) all mean the same as in
 * a model file.  Every rejection is a one-line reason plus the --help hint,
 * exit 2.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sleipnir.h"
#include "cli/cli.h"

/* The options a subcommand can take. */
typedef enum opt_id {
  OPT_TIME,
  OPT_SEED,
  OPT_MODE,
  OPT_DT,
  OPT_THREADS,
  OPT_SPIKES,
  OPT_JSON,
  OPT_QUIET,
  OPT_PROPAGATOR,
  OPT_HELP
} opt_id;

typedef struct opt_desc {
  const char *name; /* long name without the leading "--" */
  opt_id id;        /* which option */
  int has_value;    /* takes a value */
  int in_info;      /* accepted by `info` (run accepts all) */
} opt_desc;

static const opt_desc options[] = {
    {"time", OPT_TIME, 1, 1},       {"seed", OPT_SEED, 1, 1},
    {"mode", OPT_MODE, 1, 1},       {"dt", OPT_DT, 1, 1},
    {"threads", OPT_THREADS, 1, 1}, {"spikes", OPT_SPIKES, 1, 0},
    {"json", OPT_JSON, 0, 1},       {"quiet", OPT_QUIET, 0, 0},
    {"help", OPT_HELP, 0, 1},       {"propagator", OPT_PROPAGATOR, 1, 1},
};

int cli_usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("sleipnir: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputs("\nTry 'sleipnir --help'.\n", stderr);
  va_end(ap);
  return CLI_EXIT_USAGE;
}

void cli_print_help(FILE *out) {
  fputs(
      "Usage: sleipnir run [MODEL] [OPTIONS]\n"
      "       sleipnir info MODEL [--json] [SETTINGS]\n"
      "       sleipnir --help | -h\n"
      "       sleipnir --version\n"
      "\n"
      "Sleipnir simulates sparse spiking neural networks event by event.\n"
      "\n"
      "Commands:\n"
      "  run [MODEL]      Build the network of the YAML model file MODEL and\n"
      "                   simulate it, then print a summary.  Without MODEL,\n"
      "                   run the built-in network (Brette et al. 2007 CUBA,\n"
      "                   4000 LIF neurons).\n"
      "  info MODEL       Validate MODEL and build its network without\n"
      "                   simulating; print neurons, input sources, synapses,\n"
      "                   memory per synapse and in total, and the settings.\n"
      "\n"
      "Settings (override the model file's `simulation` section):\n"
      "  --time T         Simulated time, a quantity as in model files:\n"
      "                   300ms, \"0.1 s\", 10s; a bare number is seconds.\n"
      "  --seed S         Master seed, an unsigned 64-bit integer.  The same\n"
      "                   seed gives the same network and the same spikes on\n"
      "                   any number of threads.\n"
      "  --mode M         Integration mode: exact (inputs at their exact time,\n"
      "                   exact threshold crossings) or grid (arrivals and\n"
      "                   spikes on a time grid of step --dt); or one of the\n"
      "                   baselines that step every neuron every --dt: dense\n"
      "                   (recurrent input as a dense matrix times the spike\n"
      "                   vector, as Norse/PyTorch) or clock (spikes through\n"
      "                   the sparse synapses, as NEST/Brian2); or norse\n"
      "                   (Norse's discrete Euler steps, reproduced).\n"
      "  --dt H           Step for --mode grid, dense, clock (default 0.1ms)\n"
      "                   or norse (default 1ms).\n"
      "  --propagator P   Step of --mode dense/clock: exact (closed form, the\n"
      "                   spikes of grid mode) or euler (forward Euler, Norse).\n"
      "  --threads N      Threads (0, the default: all cores, with at least\n"
      "                   1024 neurons each).  The spikes and every output\n"
      "                   file are the same for any N.\n"
      "\n"
      "Output (run only):\n"
      "  --spikes FILE    Write every spike to FILE (.csv: `time_ms,neuron`;\n"
      "                   .bin: compact binary), overriding the model's\n"
      "                   `record` section.  The file appears only when the\n"
      "                   run completes.\n"
      "  --json           End standard output with one line holding a JSON\n"
      "                   object: neurons, synapses, spikes, synaptic_events,\n"
      "                   sim_time_s, build_wall_s, run_wall_s, events_per_s,\n"
      "                   mean_rate_hz, peak_rss_bytes and more.  (info takes\n"
      "                   --json too.)\n"
      "  --quiet          Print neither the human summary nor the progress\n"
      "                   line (with --json, only the JSON line).\n"
      "\n"
      "  -h, --help       Show this help and exit.\n"
      "  --version        Show the version and exit.\n"
      "\n"
      "Options take their value as `--opt value` or `--opt=value`; `--` ends\n"
      "the options.  On a terminal, run shows a progress line with an ETA;\n"
      "Ctrl-C stops the run cleanly (no spike file is left behind).\n"
      "\n"
      "Exit status: 0 success, 1 runtime failure (out of memory, I/O error,\n"
      "interrupted), 2 bad command line or bad model file.\n"
      "\n"
      "Examples:\n"
      "  sleipnir run --time 1s\n"
      "  sleipnir run net.yaml --seed 7 --spikes spikes.csv --json\n"
      "  sleipnir info net.yaml\n",
      out);
}

/*
 * Parse a decimal unsigned integer no larger than max.  Strict: no sign, no
 * blanks, no trailing characters (strtoull alone would accept " -1" as a
 * huge number).
 */
static int parse_uint(const char *text, uint64_t max, uint64_t *out) {
  if (text[0] < '0' || text[0] > '9')
    return -1;
  errno = 0;
  char *end = NULL;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || v > max)
    return -1;
  *out = (uint64_t)v;
  return 0;
}

/* Parse a time quantity for option `name` into ms. */
static int parse_time(const char *name, const char *text, double *out_ms) {
  slp_diag diag;
  memset(&diag, 0, sizeof diag);
  int rc = slp_quantity_parse(text, SLP_DIM_TIME, out_ms, &diag);
  if (rc != 0)
    return cli_usage_error("invalid --%s '%s': %s", name, text,
                           diag.message[0] ? diag.message : slp_strerror(rc));
  /* The bound keeps the end of the run inside the int64 tick count. */
  const double max_ms = (double)INT64_MAX / (double)SLP_TICKS_PER_MS;
  if (!isfinite(*out_ms) || *out_ms < 0.0 || *out_ms >= max_ms)
    return cli_usage_error("invalid --%s '%s': expected a time from 0 to "
                           "%.0f s",
                           name, text, max_ms / 1000.0);
  return 0;
}

/* Store the value of one option. */
static int apply_option(const opt_desc *o, const char *value, cli_opts *opts) {
  uint64_t v = 0;
  switch (o->id) {
  case OPT_TIME:
    opts->has_time = 1;
    return parse_time(o->name, value, &opts->time_ms);
  case OPT_DT:
    opts->has_dt = 1;
    if (parse_time(o->name, value, &opts->dt_ms) != 0)
      return CLI_EXIT_USAGE;
    if (opts->dt_ms <= 0.0)
      return cli_usage_error("invalid --dt '%s': the step must be > 0", value);
    return 0;
  case OPT_SEED:
    if (parse_uint(value, UINT64_MAX, &v) != 0)
      return cli_usage_error("invalid --seed '%s': expected an integer from 0 "
                             "to 18446744073709551615",
                             value);
    opts->has_seed = 1;
    opts->seed = v;
    return 0;
  case OPT_THREADS:
    if (parse_uint(value, UINT_MAX, &v) != 0)
      return cli_usage_error("invalid --threads '%s': expected an integer "
                             ">= 0 (0: all cores)",
                             value);
    opts->has_threads = 1;
    opts->threads = (unsigned)v;
    return 0;
  case OPT_MODE:
    if (slp_mode_parse(value, &opts->mode) != 0)
      return cli_usage_error("invalid --mode '%s': expected exact, grid, "
                             "norse, dense or clock",
                             value);
    opts->has_mode = 1;
    return 0;
  case OPT_PROPAGATOR:
    if (slp_propagator_parse(value, &opts->propagator) != 0)
      return cli_usage_error("invalid --propagator '%s': expected exact or "
                             "euler",
                             value);
    opts->has_propagator = 1;
    return 0;
  case OPT_SPIKES:
    if (value[0] == '\0')
      return cli_usage_error("invalid --spikes '': expected a file name");
    opts->spikes_path = value;
    return 0;
  case OPT_JSON:
    opts->json = 1;
    return 0;
  case OPT_QUIET:
    opts->quiet = 1;
    return 0;
  case OPT_HELP:
    opts->cmd = CLI_CMD_HELP;
    return 0;
  }
  return 0;
}

/*
 * Handle argv[*i], a "--name" or "--name=value" argument; consumes the next
 * argument when the value is separate.
 */
static int parse_long_option(int argc, char **argv, int *i, cli_opts *opts,
                             const char *command) {
  const char *arg = argv[*i] + 2;
  const char *eq = strchr(arg, '=');
  size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
  const opt_desc *o = NULL;
  for (size_t k = 0; k < sizeof options / sizeof options[0]; k++)
    if (strlen(options[k].name) == len &&
        strncmp(options[k].name, arg, len) == 0)
      o = &options[k];
  if (o == NULL)
    return cli_usage_error("unknown option '--%.*s'", (int)len, arg);
  if (opts->cmd == CLI_CMD_INFO && !o->in_info)
    return cli_usage_error("option '--%s' is not an option of '%s'", o->name,
                           command);
  const char *value = NULL;
  if (!o->has_value) {
    if (eq != NULL)
      return cli_usage_error("option '--%s' takes no value", o->name);
  } else if (eq != NULL) {
    value = eq + 1;
  } else if (*i + 1 < argc) {
    value = argv[++*i];
  } else {
    return cli_usage_error("option '--%s' needs a value", o->name);
  }
  return apply_option(o, value, opts);
}

int cli_parse_args(int argc, char **argv, cli_opts *opts) {
  memset(opts, 0, sizeof *opts);
  if (argc < 2 || argv[1] == NULL)
    return cli_usage_error("missing command (run or info)");
  const char *command = argv[1];
  if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0) {
    opts->cmd = CLI_CMD_HELP;
    return 0;
  }
  if (strcmp(command, "--version") == 0) {
    opts->cmd = CLI_CMD_VERSION;
    return 0;
  }
  if (strcmp(command, "run") == 0)
    opts->cmd = CLI_CMD_RUN;
  else if (strcmp(command, "info") == 0)
    opts->cmd = CLI_CMD_INFO;
  else if (command[0] == '-')
    return cli_usage_error("unknown option '%s'", command);
  else
    return cli_usage_error("unknown command '%s' (expected run or info)",
                           command);

  int positional_only = 0;
  int n_positional = 0;
  for (int i = 2; i < argc; i++) {
    const char *arg = argv[i];
    int rc = 0;
    if (!positional_only && strcmp(arg, "--") == 0) {
      positional_only = 1;
      continue;
    }
    if (!positional_only && strcmp(arg, "-h") == 0) {
      opts->cmd = CLI_CMD_HELP;
    } else if (!positional_only && arg[0] == '-' && arg[1] == '-') {
      rc = parse_long_option(argc, argv, &i, opts, command);
    } else if (!positional_only && arg[0] == '-' && arg[1] != '\0') {
      rc = cli_usage_error("unknown option '%s'", arg);
    } else if (n_positional++ == 0) {
      if (arg[0] == '\0')
        return cli_usage_error("empty MODEL file name");
      opts->model_path = arg;
    } else {
      rc = cli_usage_error("unexpected argument '%s' (only one MODEL)", arg);
    }
    if (rc != 0)
      return rc;
    /* --help anywhere wins over the rest of the line, right or wrong. */
    if (opts->cmd == CLI_CMD_HELP)
      return 0;
  }
  if (opts->cmd == CLI_CMD_INFO && opts->model_path == NULL)
    return cli_usage_error("'info' needs a MODEL file");
  return 0;
}
