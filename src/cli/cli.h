/*
 * cli/cli.h -- the pieces of the `sleipnir` program shared between its files.
 *
 * The program is a thin shell over the public API (sleipnir.h): args.c turns
 * the command line into a cli_opts, main.c loads, builds and runs, report.c
 * prints what happened (human text and one JSON object), progress.c draws the
 * progress line and turns SIGINT/SIGTERM into a request to stop.  All printing
 * of the program happens in these files; the library never prints.
 */
#ifndef SLP_CLI_CLI_H
#define SLP_CLI_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "sleipnir.h"

/* Exit codes (DESIGN.md, Contracts: Command line). */
enum {
  CLI_EXIT_OK = 0,      /* success */
  CLI_EXIT_RUNTIME = 1, /* out of memory, I/O failure, interrupted */
  CLI_EXIT_USAGE = 2    /* bad command line or bad input */
};

/* Which subcommand the command line asks for. */
typedef enum cli_command {
  CLI_CMD_HELP = 0, /* --help / -h: print usage, exit 0 */
  CLI_CMD_VERSION,  /* --version: print the version, exit 0 */
  CLI_CMD_RUN,      /* run [MODEL]: simulate and summarise */
  CLI_CMD_INFO      /* info MODEL: build only, print sizes and settings */
} cli_command;

/*
 * The parsed command line.  Each override has a has_ flag because the model
 * file supplies the value otherwise.  Strings point into argv.
 */
typedef struct cli_opts {
  cli_command cmd;         /* what to do */
  const char *model_path;  /* model file, or NULL for the built-in network */
  int has_time;            /* --time given */
  double time_ms;          /* --time, in ms (>= 0, finite) */
  int has_seed;            /* --seed given */
  uint64_t seed;           /* --seed */
  int has_mode;            /* --mode given */
  slp_mode mode;           /* --mode */
  int has_dt;              /* --dt given */
  double dt_ms;            /* --dt, in ms (> 0, finite) */
  int has_propagator;      /* --propagator given */
  slp_propagator propagator; /* --propagator */
  int has_threads;         /* --threads given */
  unsigned threads;        /* --threads (0: all cores) */
  const char *spikes_path; /* --spikes, or NULL to keep the model's setting */
  int json;                /* --json: end stdout with one JSON object */
  int quiet;               /* --quiet: no human summary, no progress line */
} cli_opts;

/* ---- args.c ---------------------------------------------------------- */

/*
 * Parse argv into *opts.  Returns 0, or CLI_EXIT_USAGE after printing the
 * reason and "Try 'sleipnir --help'." on stderr.
 */
int cli_parse_args(int argc, char **argv, cli_opts *opts);

/* Print the full usage text (every option explained) to `out`. */
void cli_print_help(FILE *out);

/* Print "sleipnir: <reason>" and the --help hint on stderr; returns 2. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- report.c -------------------------------------------------------- */

/* The weight distribution of one plastic projection at the end of a run. */
typedef struct cli_weights {
  const char *name;       /* projection name, or NULL */
  uint32_t index;         /* projection index */
  slp_weight_summary s;   /* the distribution */
} cli_weights;

/* What report.c needs to describe a run or a build. */
typedef struct cli_summary {
  const char *model;         /* model file path, or NULL for the built-in */
  const slp_sim_config *cfg; /* the settings the simulation was built with */
  slp_sim_stats stats;       /* figures from slp_sim_get_stats() */
  uint64_t peak_rss_bytes;   /* peak resident memory of the process */
  const cli_weights *weights;/* plastic projections' weights, or NULL */
  size_t n_weights;          /* number of them */
} cli_summary;

/*
 * Print an error in the form "sleipnir: FILE:LINE:COL: KEY: MESSAGE" on
 * stderr, leaving out the parts of diag that are empty or 0.  When diag has
 * no message, slp_strerror(err) stands in; when it names no file,
 * `fallback_file` (may be NULL) does.
 */
void cli_print_error(int err, const slp_diag *diag, const char *fallback_file);

/* The human summary of a finished run, on stdout. */
void cli_report_run_text(const cli_summary *s);

/* The JSON object of a finished run, one line on stdout. */
void cli_report_run_json(const cli_summary *s);

/* The human description of a built network (`info`), on stdout. */
void cli_report_info_text(const cli_summary *s);

/* The JSON object of `info`, one line on stdout. */
void cli_report_info_json(const cli_summary *s);

/* Peak resident set size of this process in bytes (0 if unknown). */
uint64_t cli_peak_rss_bytes(void);

/* ---- progress.c ------------------------------------------------------ */

/* State of the progress line between callbacks. */
typedef struct cli_progress {
  int show;              /* draw the line (stderr is a terminal, not quiet) */
  double start_s;        /* monotonic seconds when the run began */
  double next_draw_s;    /* monotonic seconds of the next allowed redraw */
  int drawn_len;         /* characters of the line now on screen (0: none) */
} cli_progress;

/*
 * Install handlers for SIGINT and SIGTERM that only record the request; the
 * second signal gets the default action, so a hung build can still be
 * killed.  A signal the program was started with ignored stays ignored.
 * Returns 0 or -1 (errno set).
 */
int cli_signals_install(void);

/* Non-zero once SIGINT or SIGTERM has arrived. */
int cli_interrupted(void);

/* Start the progress line (decides whether to draw it at all). */
void cli_progress_start(cli_progress *p, int quiet);

/* slp_progress_fn: draws the line when due; non-zero when interrupted. */
int cli_progress_cb(void *arg, slp_tick now, slp_tick end);

/* Erase the progress line if one is on screen. */
void cli_progress_clear(cli_progress *p);

#endif /* SLP_CLI_CLI_H */
