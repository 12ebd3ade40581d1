/*
 * cli/progress.c -- the progress line and clean interruption of a run.
 *
 * On a terminal a long run shows one line on stderr, rewritten in place:
 *
 *   [ 42%] 420.0/1000.0 ms simulated, 3.1 s elapsed, ETA 4.3 s
 *
 * The library calls the progress callback between windows, which can be tens
 * of thousands of times per simulated second, so the callback does no more
 * than read a flag and a monotonic clock unless a redraw is due (at most five
 * per second).  The first line appears only after the first interval, so a
 * short run never flickers a line onto the screen.
 *
 * SIGINT and SIGTERM only set a flag; the callback reports it to the library,
 * which stops with SLP_ECANCELED, and main.c then destroys the simulation
 * without finishing it, which removes the half-written spike file.  A second
 * signal gets the default action, so a second Ctrl-C during a long build --
 * which has no callback to notice the flag -- kills the process as usual.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sleipnir.h"
#include "cli/cli.h"

/* Seconds between redraws of the progress line. */
#define PROGRESS_INTERVAL_S 0.2

static volatile sig_atomic_t interrupted;

/* The first signal asks politely; a second one gets the default action
 * (signal() and raise() are async-signal-safe). */
static void on_signal(int sig) {
  if (interrupted) {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  interrupted = 1;
}

int cli_signals_install(void) {
  static const int sigs[] = {SIGINT, SIGTERM};
  for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
    struct sigaction old;
    if (sigaction(sigs[k], NULL, &old) != 0)
      return -1;
    /* A shell starts background jobs with SIGINT ignored so that Ctrl-C
     * reaches only the foreground; keep it that way. */
    if (old.sa_handler == SIG_IGN)
      continue;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    if (sigaction(sigs[k], &sa, NULL) != 0)
      return -1;
  }
  return 0;
}

int cli_interrupted(void) { return interrupted != 0; }

/* Monotonic seconds: wall-clock jumps must not distort the ETA. */
static double now_s(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
    return 0.0;
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_start(cli_progress *p, int quiet) {
  memset(p, 0, sizeof *p);
  p->show = !quiet && isatty(STDERR_FILENO);
  p->start_s = now_s();
  p->next_draw_s = p->start_s + PROGRESS_INTERVAL_S;
}

/* Write the line, padding over whatever longer line was there before. */
static void draw(cli_progress *p, slp_tick now, slp_tick end, double t) {
  double elapsed = t - p->start_s;
  double frac = end > 0 ? (double)now / (double)end : 1.0;
  if (frac > 1.0)
    frac = 1.0;
  char eta[32];
  if (frac > 0.0)
    snprintf(eta, sizeof eta, "%.1f s", elapsed * (1.0 - frac) / frac);
  else
    snprintf(eta, sizeof eta, "?");
  char line[160];
  int n = snprintf(line, sizeof line,
                   "[%3d%%] %.1f/%.1f ms simulated, %.1f s elapsed, ETA %s",
                   (int)(frac * 100.0), (double)now / (double)SLP_TICKS_PER_MS,
                   (double)end / (double)SLP_TICKS_PER_MS, elapsed, eta);
  if (n < 0)
    return;
  if (n >= (int)sizeof line)
    n = (int)sizeof line - 1;
  int pad = p->drawn_len > n ? p->drawn_len - n : 0;
  fprintf(stderr, "\r%s%*s", line, pad, "");
  fflush(stderr);
  p->drawn_len = n;
}

int cli_progress_cb(void *arg, slp_tick now, slp_tick end) {
  cli_progress *p = arg;
  if (interrupted)
    return 1;
  if (!p->show)
    return 0;
  double t = now_s();
  if (t < p->next_draw_s)
    return 0;
  p->next_draw_s = t + PROGRESS_INTERVAL_S;
  draw(p, now, end, t);
  return 0;
}

void cli_progress_clear(cli_progress *p) {
  if (p->drawn_len == 0)
    return;
  fprintf(stderr, "\r%*s\r", p->drawn_len, "");
  fflush(stderr);
  p->drawn_len = 0;
}
