/*
 * cli/main.c -- the `sleipnir` program: load a model, build it, run it.
 *
 *   run [MODEL]   load (or take the built-in CUBA network) -> apply the
 *                 command-line overrides -> slp_sim_create -> slp_sim_run
 *                 with a progress callback -> slp_sim_finish -> summary
 *   info MODEL    load -> slp_sim_create without outputs -> sizes, settings
 *
 * Only the public API (sleipnir.h) is used: the program is also the first
 * proof that the API is enough to drive the engine.  Exit codes follow the
 * contract: 0 success, 1 runtime failure (out of memory, I/O during the run,
 * interrupted), 2 bad command line or bad input, each with a message on
 * stderr.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sleipnir.h"
#include "cli/cli.h"
#include "network/dist.h"

/* What the built-in network is called in diagnostics from the loader. */
#define BUILTIN_PATH "<built-in CUBA>"

/*
 * Exit code for a failure to load or build: the input's fault (2) unless the
 * failure is the machine's (out of memory, an output file that cannot be
 * created, or something the library did not expect).  A model file that
 * cannot be read is the input's fault, hence io_is_input.
 */
static int exit_code_for(int err, int io_is_input) {
  switch (err) {
  case SLP_EPARSE:
  case SLP_EKEY:
  case SLP_EUNIT:
  case SLP_EINVAL:
  case SLP_ERANGE:
  case SLP_ENOENT:
  case SLP_EEXIST:
  case SLP_ELIMIT: /* the model asks for more than the engine can hold */
    return CLI_EXIT_USAGE;
  case SLP_EIO:
    return io_is_input ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME;
  default:
    return CLI_EXIT_RUNTIME;
  }
}

/* Load the model file, or the built-in network when opts has no path. */
static int load_model(const cli_opts *opts, slp_model **out) {
  slp_diag diag;
  memset(&diag, 0, sizeof diag);
  int err;
  if (opts->model_path != NULL) {
    err = slp_model_load(out, opts->model_path, NULL, 0, &diag);
  } else {
    const char *text = slp_model_default_text();
    err = slp_model_load(out, BUILTIN_PATH, text, strlen(text), &diag);
  }
  if (err != 0) {
    cli_print_error(err, &diag,
                    opts->model_path ? opts->model_path : BUILTIN_PATH);
    return exit_code_for(err, 1);
  }
  return 0;
}

/* Let the command line override the model file's settings. */
static void apply_overrides(const cli_opts *opts, slp_sim_config *cfg) {
  if (opts->has_time)
    cfg->time_ms = opts->time_ms;
  if (opts->has_seed)
    cfg->seed = opts->seed;
  if (opts->has_mode)
    cfg->mode = opts->mode;
  if (opts->has_dt)
    cfg->dt_ms = opts->dt_ms;
  if (opts->has_threads)
    cfg->threads = opts->threads;
  if (opts->has_propagator)
    cfg->propagator = opts->propagator;
  if (opts->spikes_path != NULL)
    cfg->spikes_path = opts->spikes_path;
}

/*
 * The end of the run in ticks.  The time must fit the int64 tick count
 * (about 292 years), or llround() would have no defined answer.
 */
static int end_tick_of(const cli_opts *opts, const slp_sim_config *cfg,
                       slp_tick *out) {
  const double max_ms = (double)INT64_MAX / (double)SLP_TICKS_PER_MS;
  /* (--time was checked against the same bound when it was parsed.) */
  if (!isfinite(cfg->time_ms) || cfg->time_ms < 0.0 || cfg->time_ms >= max_ms) {
    slp_diag diag;
    slp_diag_set(&diag, SLP_ERANGE, opts->model_path, 0, 0, "simulation.time",
                 "simulated time %g ms is outside [0, %g) ms", cfg->time_ms,
                 max_ms);
    cli_print_error(SLP_ERANGE, &diag, NULL);
    return CLI_EXIT_USAGE;
  }
  *out = (slp_tick)llround(cfg->time_ms * (double)SLP_TICKS_PER_MS);
  return 0;
}

/* Build the simulation of a loaded model with its (overridden) settings. */
static int build(const cli_opts *opts, slp_model *model, slp_sim **sim) {
  slp_diag diag;
  memset(&diag, 0, sizeof diag);
  int err = slp_sim_create(sim, model->net, &model->cfg, &diag);
  if (err != 0) {
    cli_print_error(err, &diag, opts->model_path);
    return exit_code_for(err, 0);
  }
  /* record.weights of the model file. */
  for (size_t k = 0; k < model->n_weights; k++) {
    const slp_weight_record *r = &model->weights[k];
    err = slp_sim_record_weights(*sim, r->projection, r->file, r->interval_ms,
                                 r->at_end, &diag);
    if (err != 0) {
      cli_print_error(err, &diag, opts->model_path);
      return exit_code_for(err, 0);
    }
  }
  return 0;
}

/* The weight distributions of the plastic projections, at most cap. */
static size_t weight_summaries(const slp_model *model, slp_sim *sim,
                               cli_weights *out, size_t cap) {
  size_t n = 0;
  size_t n_projs = slp_network_projection_count(model->net);
  for (uint32_t k = 0; k < n_projs && n < cap; k++) {
    if (!slp_network_projection_is_plastic(model->net, k))
      continue;
    out[n].name = slp_network_projection_name(model->net, k);
    out[n].index = k;
    if (slp_sim_weight_summary(sim, k, &out[n].s) == 0)
      n++;
  }
  return n;
}

static void fill_summary(cli_summary *s, const cli_opts *opts,
                         const slp_model *model, const slp_sim *sim) {
  memset(s, 0, sizeof *s);
  s->model = opts->model_path;
  s->cfg = &model->cfg;
  slp_sim_get_stats(sim, &s->stats);
  s->peak_rss_bytes = cli_peak_rss_bytes();
}

/* Report an interruption; the caller destroys the unfinished simulation,
 * which removes its temporary spike file. */
static int interrupted_exit(void) {
  fputs("sleipnir: interrupted\n", stderr);
  return CLI_EXIT_RUNTIME;
}

/* Simulate a built model to its end and finish its outputs. */
static int simulate(const cli_opts *opts, slp_sim *sim, slp_tick end) {
  cli_progress prog;
  cli_progress_start(&prog, opts->quiet);
  int err = slp_sim_run(sim, end, cli_progress_cb, &prog);
  cli_progress_clear(&prog);
  /* A signal that arrives after the last callback still means "stop":
   * the user asked for no output, so none is finished. */
  if (cli_interrupted())
    return interrupted_exit();
  if (err != 0) {
    fprintf(stderr, "sleipnir: simulation failed: %s\n", slp_strerror(err));
    return CLI_EXIT_RUNTIME;
  }
  err = slp_sim_finish(sim);
  if (err != 0) {
    fprintf(stderr, "sleipnir: finishing the outputs failed: %s\n",
            slp_strerror(err));
    return CLI_EXIT_RUNTIME;
  }
  return 0;
}

static int cmd_run(const cli_opts *opts) {
  slp_model *model = NULL;
  slp_sim *sim = NULL;
  slp_tick end = 0;
  /* Before anything can create a temporary file, so that Ctrl-C never
   * leaves one behind. */
  if (cli_signals_install() != 0) {
    fprintf(stderr, "sleipnir: cannot install signal handlers: %s\n",
            strerror(errno));
    return CLI_EXIT_RUNTIME;
  }
  int rc = load_model(opts, &model);
  if (rc == 0) {
    apply_overrides(opts, &model->cfg);
    rc = end_tick_of(opts, &model->cfg, &end);
  }
  if (rc == 0 && opts->has_dt && model->cfg.mode == SLP_MODE_EXACT &&
      !opts->quiet)
    fprintf(stderr, "sleipnir: note: --dt has no effect in %s mode\n",
            slp_mode_name(model->cfg.mode));
  if (rc == 0 && opts->has_propagator && model->cfg.mode != SLP_MODE_DENSE &&
      model->cfg.mode != SLP_MODE_CLOCK && !opts->quiet)
    fprintf(stderr, "sleipnir: note: --propagator has no effect in %s mode\n",
            slp_mode_name(model->cfg.mode));
  if (rc == 0)
    rc = build(opts, model, &sim);
  if (rc == 0 && cli_interrupted())
    rc = interrupted_exit();
  if (rc == 0)
    rc = simulate(opts, sim, end);
  if (rc == 0) {
    cli_summary s;
    static cli_weights w[16];
    fill_summary(&s, opts, model, sim);
    s.weights = w;
    s.n_weights = weight_summaries(model, sim, w, 16);
    if (!opts->quiet)
      cli_report_run_text(&s);
    if (opts->json)
      cli_report_run_json(&s);
  }
  slp_sim_destroy(sim);
  slp_model_destroy(model);
  return rc;
}

static int cmd_info(const cli_opts *opts) {
  slp_model *model = NULL;
  slp_sim *sim = NULL;
  slp_tick end = 0;
  int rc = load_model(opts, &model);
  if (rc == 0) {
    apply_overrides(opts, &model->cfg);
    /* info only measures: nothing may be written. */
    model->cfg.spikes_path = NULL;
    /* Validates the time although nothing runs, so that info vouches for
     * everything `run` will use. */
    rc = end_tick_of(opts, &model->cfg, &end);
  }
  if (rc == 0)
    rc = build(opts, model, &sim);
  if (rc == 0) {
    cli_summary s;
    fill_summary(&s, opts, model, sim);
    if (opts->json)
      cli_report_info_json(&s);
    else
      cli_report_info_text(&s);
  }
  slp_sim_destroy(sim);
  slp_model_destroy(model);
  return rc;
}

static int cli_main(int argc, char **argv) {
  cli_opts opts;
  int rc = cli_parse_args(argc, argv, &opts);
  if (rc != 0)
    return rc;
  switch (opts.cmd) {
  case CLI_CMD_HELP:
    cli_print_help(stdout);
    break;
  case CLI_CMD_VERSION:
    puts("sleipnir " SLP_VERSION_STRING);
    break;
  case CLI_CMD_RUN:
    rc = cmd_run(&opts);
    break;
  case CLI_CMD_INFO:
    rc = cmd_info(&opts);
    break;
  }
  /* A summary lost to a full disk or a closed pipe is a failure too. */
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "sleipnir: cannot write to standard output: %s\n",
            strerror(errno));
    if (rc == 0)
      rc = CLI_EXIT_RUNTIME;
  }
  return rc;
}

/* Under mpirun every rank runs the same command; rank 0 alone prints
 * (network/dist.h). */
int main(int argc, char **argv) {
  if (slp__dist_program_init(&argc, &argv) != 0) {
    fputs("sleipnir: MPI could not start\n", stderr);
    return CLI_EXIT_RUNTIME;
  }
  int rc = cli_main(argc, argv);
  slp__dist_program_finish();
  return rc;
}
