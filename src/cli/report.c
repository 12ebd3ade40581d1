/*
 * cli/report.c -- what `sleipnir` tells the user: summaries and errors.
 *
 * Two forms of every summary: aligned "label  value" lines for people, and
 * one JSON object on a single line for scripts (benchmark harnesses read the
 * last line of stdout).  JSON numbers must round-trip: doubles are printed
 * with %.17g, counts as integers, and a non-finite double (which JSON cannot
 * express) as null.  Strings are escaped, and bytes that are not valid UTF-8
 * (a file name can hold any bytes) become U+FFFD so the line always parses.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "sleipnir.h"
#include "cli/cli.h"

/* How the built-in network is named in the two kinds of output. */
#define BUILTIN_TEXT_NAME "built-in CUBA"
#define BUILTIN_JSON_NAME "built-in"

void cli_print_error(int err, const slp_diag *diag, const char *fallback_file) {
  const char *file = fallback_file;
  const char *key = "";
  const char *message = slp_strerror(err);
  unsigned line = 0, column = 0;
  if (diag != NULL) {
    if (diag->file[0] != '\0')
      file = diag->file;
    key = diag->key;
    if (diag->message[0] != '\0')
      message = diag->message;
    line = diag->line;
    column = diag->column;
  }
  fputs("sleipnir: ", stderr);
  if (file != NULL && file[0] != '\0') {
    fputs(file, stderr);
    if (line != 0) {
      fprintf(stderr, ":%u", line);
      if (column != 0)
        fprintf(stderr, ":%u", column);
    }
    fputs(": ", stderr);
  }
  if (key[0] != '\0')
    fprintf(stderr, "%s: ", key);
  fprintf(stderr, "%s\n", message);
}

uint64_t cli_peak_rss_bytes(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0 || ru.ru_maxrss < 0)
    return 0;
#if defined(__APPLE__)
  return (uint64_t)ru.ru_maxrss; /* macOS reports bytes */
#else
  return (uint64_t)ru.ru_maxrss * 1024u; /* Linux and the BSDs: kilobytes */
#endif
}

/* ---- shared figures --------------------------------------------------- */

/* a / b, or 0 when b is 0 (an empty network, a zero-length run). */
static double ratio(double a, double b) { return b != 0.0 ? a / b : 0.0; }

static double bytes_per_synapse(const slp_sim_stats *st) {
  return ratio((double)st->synapse_bytes, (double)st->synapses);
}

/* Simulated seconds actually reached. */
static double sim_seconds(const slp_sim_stats *st) {
  return (double)st->now / (double)(SLP_TICKS_PER_MS * 1000);
}

static double mean_rate_hz(const slp_sim_stats *st) {
  return ratio(ratio((double)st->spikes, (double)st->neurons), sim_seconds(st));
}

static double events_per_s(const slp_sim_stats *st) {
  return ratio((double)st->synaptic_events, st->run_wall_s);
}

/* ---- human text ------------------------------------------------------- */

/* Format a byte count with a binary unit ("2.44 MiB"). */
static void format_bytes(char *buf, size_t cap, double bytes) {
  static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  size_t u = 0;
  while (bytes >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
    bytes /= 1024.0;
    u++;
  }
  if (u == 0)
    snprintf(buf, cap, "%.0f B", bytes);
  else
    snprintf(buf, cap, "%.2f %s", bytes, units[u]);
}

static void row(const char *label, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One "label  value" line of a summary. */
static void row(const char *label, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("%-18s", label);
  vprintf(fmt, ap);
  putchar('\n');
  va_end(ap);
}

/* The lines run and info share: what was built, and with which settings. */
static void text_network(const cli_summary *s) {
  const slp_sim_stats *st = &s->stats;
  char bytes[32];
  format_bytes(bytes, sizeof bytes, (double)st->synapse_bytes);
  row("model", "%s", s->model ? s->model : BUILTIN_TEXT_NAME);
  row("neurons", "%" PRIu64, st->neurons);
  row("input sources", "%" PRIu64, st->sources);
  row("synapses", "%" PRIu64 " (%s, %.2f bytes/synapse)", st->synapses, bytes,
      bytes_per_synapse(st));
  if (st->ranks > 1) /* under mpirun (network/dist.h) */
    row("ranks", "%u x %u threads", st->ranks, st->threads);
}

static void text_settings(const slp_sim_config *cfg,
                          const slp_sim_stats *st) {
  if (cfg->mode == SLP_MODE_GRID || cfg->mode == SLP_MODE_NORSE)
    row("mode", "%s (dt %g ms)", slp_mode_name(cfg->mode),
        slp_sim_config_dt(cfg));
  else if (cfg->mode == SLP_MODE_DENSE || cfg->mode == SLP_MODE_CLOCK)
    row("mode", "%s (dt %g ms, %s propagator)", slp_mode_name(cfg->mode),
        slp_sim_config_dt(cfg), slp_propagator_name(cfg->propagator));
  else
    row("mode", "%s", slp_mode_name(cfg->mode));
  row("seed", "%" PRIu64, cfg->seed);
  if (cfg->mode == SLP_MODE_DENSE || cfg->mode == SLP_MODE_CLOCK)
    row("threads", "%u (the %s baseline runs on one)", st->threads,
        slp_mode_name(cfg->mode));
  else if (cfg->threads == 0)
    row("threads", "%u (all cores)", st->threads);
  else
    row("threads", "%u", st->threads);
}

/* The plastic projections' weight distributions: moments, then the
 * histogram as counts per bin of [lo, hi]. */
static void text_weights(const cli_summary *s) {
  for (size_t k = 0; k < s->n_weights; k++) {
    const cli_weights *w = &s->weights[k];
    char name[96];
    if (w->name != NULL)
      snprintf(name, sizeof name, "%.80s", w->name);
    else
      snprintf(name, sizeof name, "#%u", w->index);
    row("weights", "%s: %" PRIu64 " synapses, mean %.6g mV, sd %.6g mV, "
        "range [%.6g, %.6g] mV", name, w->s.n, w->s.mean, w->s.sd, w->s.min,
        w->s.max);
    char hist[SLP_WEIGHT_HIST_BINS * 12 + 1];
    size_t at = 0;
    for (int b = 0; b < SLP_WEIGHT_HIST_BINS && at < sizeof hist; b++) {
      int n = snprintf(hist + at, sizeof hist - at, "%s%" PRIu64,
                       b ? " " : "", w->s.hist[b]);
      if (n < 0)
        break;
      at += (size_t)n;
    }
    row("  histogram", "[%.6g, %.6g] mV in %d bins: %s", w->s.lo, w->s.hi,
        SLP_WEIGHT_HIST_BINS, hist);
  }
}

void cli_report_run_text(const cli_summary *s) {
  const slp_sim_stats *st = &s->stats;
  char mem[32];
  text_network(s);
  text_settings(s->cfg, st);
  row("simulated time", "%g ms", sim_seconds(st) * 1000.0);
  row("spikes", "%" PRIu64 " (mean rate %.4g Hz)", st->spikes,
      mean_rate_hz(st));
  row("input spikes", "%" PRIu64, st->input_spikes);
  row("synaptic events", "%" PRIu64, st->synaptic_events);
  row("build wall time", "%.3f s", st->build_wall_s);
  row("run wall time", "%.3f s", st->run_wall_s);
  row("events/second", "%.4g", events_per_s(st));
  format_bytes(mem, sizeof mem, (double)s->peak_rss_bytes);
  row("peak memory", "%s", mem);
  if (s->cfg->spikes_path != NULL)
    row("spike file", "%s", s->cfg->spikes_path);
  text_weights(s);
}

void cli_report_info_text(const cli_summary *s) {
  const slp_sim_stats *st = &s->stats;
  char state[32], total[32], mem[32];
  text_network(s);
  format_bytes(state, sizeof state, (double)st->state_bytes);
  format_bytes(total, sizeof total,
               (double)st->synapse_bytes + (double)st->state_bytes);
  format_bytes(mem, sizeof mem, (double)s->peak_rss_bytes);
  row("neuron state", "%s", state);
  row("total", "%s (synapses and neuron state)", total);
  row("simulated time", "%g ms", s->cfg->time_ms);
  text_settings(s->cfg, st);
  row("build wall time", "%.3f s", st->build_wall_s);
  row("peak memory", "%s", mem);
}

/* ---- JSON --------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static size_t utf8_seq_len(const unsigned char *s) {
  size_t n;
  unsigned min;
  unsigned cp;
  if (s[0] < 0x80)
    return 1;
  if ((s[0] & 0xe0) == 0xc0) {
    n = 2, min = 0x80, cp = s[0] & 0x1fu;
  } else if ((s[0] & 0xf0) == 0xe0) {
    n = 3, min = 0x800, cp = s[0] & 0x0fu;
  } else if ((s[0] & 0xf8) == 0xf0) {
    n = 4, min = 0x10000, cp = s[0] & 0x07u;
  } else {
    return 0;
  }
  for (size_t k = 1; k < n; k++) {
    if ((s[k] & 0xc0) != 0x80) /* also stops at the terminating NUL */
      return 0;
    cp = (cp << 6) | (s[k] & 0x3fu);
  }
  /* Overlong forms, UTF-16 surrogates and values beyond Unicode. */
  if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
    return 0;
  return n;
}

static void json_string(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  putchar('"');
  while (*p != '\0') {
    if (*p == '"' || *p == '\\') {
      printf("\\%c", *p);
      p++;
    } else if (*p < 0x20) {
      printf("\\u%04x", *p);
      p++;
    } else {
      size_t n = utf8_seq_len(p);
      if (n == 0) {
        fputs("\\ufffd", stdout);
        p++;
      } else {
        fwrite(p, 1, n, stdout);
        p += n;
      }
    }
  }
  putchar('"');
}

/*
 * The JSON object is written field by field; `first` tracks the separator.
 */
typedef struct json_obj {
  int first; /* no field written yet */
} json_obj;

static void json_key(json_obj *o, const char *key) {
  fputs(o->first ? "{" : ",", stdout);
  o->first = 0;
  json_string(key);
  putchar(':');
}

static void json_u64(json_obj *o, const char *key, uint64_t v) {
  json_key(o, key);
  printf("%" PRIu64, v);
}

static void json_double(json_obj *o, const char *key, double v) {
  json_key(o, key);
  if (isfinite(v))
    printf("%.17g", v);
  else
    fputs("null", stdout);
}

static void json_str(json_obj *o, const char *key, const char *v) {
  json_key(o, key);
  if (v != NULL)
    json_string(v);
  else
    fputs("null", stdout);
}

static void json_end(json_obj *o) {
  fputs(o->first ? "{}\n" : "}\n", stdout);
}

/* The fields run and info share. */
static void json_network(json_obj *o, const cli_summary *s) {
  const slp_sim_stats *st = &s->stats;
  json_str(o, "model", s->model ? s->model : BUILTIN_JSON_NAME);
  json_str(o, "mode", slp_mode_name(s->cfg->mode));
  json_str(o, "propagator", slp_propagator_name(s->cfg->propagator));
  json_double(o, "dt_s", slp_sim_config_dt(s->cfg) / 1000.0);
  json_u64(o, "seed", s->cfg->seed);
  json_u64(o, "threads", st->threads);
  json_u64(o, "ranks", st->ranks > 0 ? st->ranks : 1);
  json_u64(o, "neurons", st->neurons);
  json_u64(o, "sources", st->sources);
  json_u64(o, "synapses", st->synapses);
  json_u64(o, "synapse_bytes", st->synapse_bytes);
  json_double(o, "bytes_per_synapse", bytes_per_synapse(st));
  json_u64(o, "state_bytes", st->state_bytes);
}

/* "weights": one object per plastic projection. */
static void json_weights(json_obj *o, const cli_summary *s) {
  json_key(o, "weights");
  putchar('[');
  for (size_t k = 0; k < s->n_weights; k++) {
    const cli_weights *w = &s->weights[k];
    json_obj e = {1};
    if (k > 0)
      putchar(',');
    json_str(&e, "projection", w->name);
    json_u64(&e, "index", w->index);
    json_u64(&e, "synapses", w->s.n);
    json_double(&e, "mean", w->s.mean);
    json_double(&e, "sd", w->s.sd);
    json_double(&e, "min", w->s.min);
    json_double(&e, "max", w->s.max);
    json_double(&e, "hist_lo", w->s.lo);
    json_double(&e, "hist_hi", w->s.hi);
    json_key(&e, "hist");
    putchar('[');
    for (int b = 0; b < SLP_WEIGHT_HIST_BINS; b++)
      printf("%s%" PRIu64, b ? "," : "", w->s.hist[b]);
    putchar(']');
    putchar('}');
  }
  putchar(']');
}

void cli_report_run_json(const cli_summary *s) {
  const slp_sim_stats *st = &s->stats;
  json_obj o = {1};
  json_network(&o, s);
  json_u64(&o, "spikes", st->spikes);
  json_u64(&o, "input_spikes", st->input_spikes);
  json_u64(&o, "synaptic_events", st->synaptic_events);
  json_double(&o, "sim_time_s", sim_seconds(st));
  json_double(&o, "build_wall_s", st->build_wall_s);
  json_double(&o, "run_wall_s", st->run_wall_s);
  json_double(&o, "events_per_s", events_per_s(st));
  json_u64(&o, "windows", st->windows);
  json_double(&o, "window_s", (double)st->window * 1e-9);
  json_u64(&o, "exchanged_spikes", st->exchanged);
  json_double(&o, "mean_rate_hz", mean_rate_hz(st));
  json_u64(&o, "peak_rss_bytes", s->peak_rss_bytes);
  json_str(&o, "spikes_file", s->cfg->spikes_path);
  json_weights(&o, s);
  json_end(&o);
}

void cli_report_info_json(const cli_summary *s) {
  const slp_sim_stats *st = &s->stats;
  json_obj o = {1};
  json_network(&o, s);
  json_u64(&o, "total_bytes", st->synapse_bytes + st->state_bytes);
  json_double(&o, "sim_time_s", s->cfg->time_ms / 1000.0);
  json_double(&o, "build_wall_s", st->build_wall_s);
  json_u64(&o, "peak_rss_bytes", s->peak_rss_bytes);
  json_end(&o);
}
