/*
 * tests/test_cli.c -- the `sleipnir` program, run as a user runs it.
 *
 * Every case starts the built program as a child process (posix_spawn) with
 * stdout and stderr captured to files in a fresh mkdtemp directory, then
 * checks the exit code, the messages and the files left behind.  The
 * program is found through $SLEIPNIR_BIN (default ./sleipnir), shipped
 * example models through $srcdir (default .).
 *
 * Cases fall in three groups: the command-line contract (help, version,
 * usage errors, exit 2 with a reason), bad model files (exit 2 with
 * FILE:LINE), and end-to-end runs of tiny models written into the temporary
 * directory (exit 0, the JSON line, the spike file, no temporary files).
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* ---- fixture: a temporary directory per test -------------------------- */

static char tmpdir[512]; /* holds the captured output and the models */
static char outdir[600]; /* tmpdir/out: only what the program writes */

static void setup(void) {
  const char *base = getenv("TMPDIR");
  if (base == NULL || base[0] == '\0')
    base = "/tmp";
  snprintf(tmpdir, sizeof tmpdir, "%s/test_cli.XXXXXX", base);
  ck_assert_msg(mkdtemp(tmpdir) != NULL, "mkdtemp: %s", strerror(errno));
  snprintf(outdir, sizeof outdir, "%s/out", tmpdir);
  ck_assert_int_eq(mkdir(outdir, 0700), 0);
}

/* Remove every file in dir, then dir (two levels are all the tests make). */
static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (d != NULL) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      char path[1024];
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      struct stat st;
      if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
        remove_tree(path);
      else
        unlink(path);
    }
    closedir(d);
  }
  rmdir(dir);
}

static void teardown(void) { remove_tree(tmpdir); }

/* ---- running the program ---------------------------------------------- */

/* What a finished child did. */
typedef struct result {
  int exit_code; /* exit status, or -1 when killed by a signal */
  int signal;    /* the signal that killed it, or 0 */
  char *out;     /* all of stdout, NUL-terminated */
  char *err;     /* all of stderr, NUL-terminated */
} result;

static const char *program(void) {
  const char *bin = getenv("SLEIPNIR_BIN");
  return bin != NULL && bin[0] != '\0' ? bin : "./sleipnir";
}

static const char *srcdir(void) {
  const char *dir = getenv("srcdir");
  return dir != NULL && dir[0] != '\0' ? dir : ".";
}

/* tmpdir/name into buf. */
static const char *tmp_path(char *buf, size_t cap, const char *name) {
  snprintf(buf, cap, "%s/%s", tmpdir, name);
  return buf;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  ck_assert_ptr_nonnull(buf);
  size_t got;
  while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      cap *= 2;
      buf = realloc(buf, cap);
      ck_assert_ptr_nonnull(buf);
    }
  }
  fclose(f);
  buf[n] = '\0';
  return buf;
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
  ck_assert_int_eq(fputs(text, f) >= 0, 1);
  ck_assert_int_eq(fclose(f), 0);
}

/*
 * Start the program with args (NULL-terminated, without argv[0]); stdout
 * goes to `stdout_path` (tmpdir/stdout when NULL), stderr to tmpdir/stderr,
 * stdin is /dev/null.  Returns the child's pid.
 */
static pid_t start(const char *const *args, const char *stdout_path) {
  char out_path[600], err_path[600];
  if (stdout_path == NULL)
    stdout_path = tmp_path(out_path, sizeof out_path, "stdout");
  tmp_path(err_path, sizeof err_path, "stderr");
  char *argv[32];
  size_t n = 0;
  argv[n++] = (char *)program();
  for (; args[n - 1] != NULL && n < 31; n++)
    argv[n] = (char *)args[n - 1];
  argv[n] = NULL;

  posix_spawn_file_actions_t fa;
  ck_assert_int_eq(posix_spawn_file_actions_init(&fa), 0);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, stdout_path,
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err_path,
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  /* A test run in the background inherits SIGINT ignored; the program
   * (rightly) keeps it so, which would defeat test_interrupt. */
  posix_spawnattr_t attr;
  sigset_t dflt;
  ck_assert_int_eq(posix_spawnattr_init(&attr), 0);
  sigemptyset(&dflt);
  sigaddset(&dflt, SIGINT);
  sigaddset(&dflt, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &dflt);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], &fa, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ck_assert_msg(rc == 0, "cannot start %s: %s (set SLEIPNIR_BIN)", argv[0],
                strerror(rc));
  return pid;
}

/* Wait for pid, at most timeout_s seconds (then kill it and fail). */
static void wait_child(pid_t pid, double timeout_s, result *r) {
  int status = 0;
  struct timespec nap = {0, 10 * 1000 * 1000};
  for (double waited = 0.0;; waited += 0.01) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid)
      break;
    ck_assert_msg(w == 0 || errno == EINTR, "waitpid: %s", strerror(errno));
    if (waited > timeout_s) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ck_abort_msg("the program did not finish within %.0f s", timeout_s);
    }
    nanosleep(&nap, NULL);
  }
  r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  char path[600];
  r->out = read_file(tmp_path(path, sizeof path, "stdout"));
  r->err = read_file(tmp_path(path, sizeof path, "stderr"));
  if (r->out == NULL)
    r->out = calloc(1, 1);
  if (r->err == NULL)
    r->err = calloc(1, 1);
}

/* Run the program to completion. */
static void run(const char *const *args, result *r) {
  wait_child(start(args, NULL), 60.0, r);
}

static void result_free(result *r) {
  free(r->out);
  free(r->err);
}

#define RUN(r, ...)                                                           \
  do {                                                                        \
    const char *const args_[] = {__VA_ARGS__, NULL};                          \
    run(args_, (r));                                                          \
  } while (0)

/* Assert a clean exit with `code`, with stderr shown when it is not. */
#define ASSERT_EXIT(r, code)                                                  \
  ck_assert_msg((r)->signal == 0 && (r)->exit_code == (code),                 \
                "exit %d (signal %d), expected %d; stderr:\n%s",              \
                (r)->exit_code, (r)->signal, (code), (r)->err)

#define ASSERT_HAS(text, needle)                                              \
  ck_assert_msg(strstr((text), (needle)) != NULL,                             \
                "expected \"%s\" in:\n%s", (needle), (text))

/* ---- reading the output ----------------------------------------------- */

/* The last non-empty line of text (in a static buffer). */
static const char *last_line(const char *text) {
  static char line[8192];
  size_t n = strlen(text);
  while (n > 0 && text[n - 1] == '\n')
    n--;
  size_t b = n;
  while (b > 0 && text[b - 1] != '\n')
    b--;
  size_t len = n - b < sizeof line - 1 ? n - b : sizeof line - 1;
  memcpy(line, text + b, len);
  line[len] = '\0';
  return line;
}

static size_t count_lines(const char *text) {
  size_t n = 0;
  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

/*
 * A small JSON validator (RFC 8259 grammar, no semantics): enough to prove
 * that the --json line is one well-formed object a script can parse.
 */
static const char *json_value(const char *p);

static const char *json_ws(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

static const char *json_string(const char *p) {
  if (*p++ != '"')
    return NULL;
  for (; *p != '"'; p++) {
    if ((unsigned char)*p < 0x20)
      return NULL;
    if (*p == '\\') {
      p++;
      if (*p == 'u') {
        for (int k = 1; k <= 4; k++)
          if (strchr("0123456789abcdefABCDEF", p[k]) == NULL || p[k] == '\0')
            return NULL;
        p += 4;
      } else if (*p == '\0' || strchr("\"\\/bfnrt", *p) == NULL) {
        return NULL;
      }
    }
  }
  return p + 1;
}

static const char *json_number(const char *p) {
  const char *s = p;
  if (*p == '-')
    p++;
  if (*p == '0')
    p++;
  else if (*p >= '1' && *p <= '9')
    while (*p >= '0' && *p <= '9')
      p++;
  else
    return NULL;
  if (*p == '.') {
    if (*++p < '0' || *p > '9')
      return NULL;
    while (*p >= '0' && *p <= '9')
      p++;
  }
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-')
      p++;
    if (*p < '0' || *p > '9')
      return NULL;
    while (*p >= '0' && *p <= '9')
      p++;
  }
  return p > s ? p : NULL;
}

static const char *json_members(const char *p, char open, char close,
                                 int keyed) {
  if (*p++ != open)
    return NULL;
  p = json_ws(p);
  if (*p == close)
    return p + 1;
  for (;;) {
    if (keyed) {
      if ((p = json_string(p)) == NULL)
        return NULL;
      p = json_ws(p);
      if (*p++ != ':')
        return NULL;
    }
    if ((p = json_value(json_ws(p))) == NULL)
      return NULL;
    p = json_ws(p);
    if (*p == close)
      return p + 1;
    if (*p++ != ',')
      return NULL;
    p = json_ws(p);
  }
}

static const char *json_value(const char *p) {
  switch (*p) {
  case '{':
    return json_members(p, '{', '}', 1);
  case '[':
    return json_members(p, '[', ']', 0);
  case '"':
    return json_string(p);
  case 't':
    return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
  case 'f':
    return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
  case 'n':
    return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
  default:
    return json_number(p);
  }
}

/* Assert that line is exactly one JSON object. */
static void assert_json_object(const char *line) {
  ck_assert_msg(line[0] == '{', "not a JSON object: %s", line);
  const char *end = json_value(line);
  ck_assert_msg(end != NULL && *json_ws(end) == '\0', "malformed JSON: %s",
                line);
}

/* The number stored under "key" in a flat JSON object (the field must be
 * present and numeric). */
static double json_get(const char *json, const char *key) {
  char pat[128];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(json, pat);
  ck_assert_msg(p != NULL, "no \"%s\" in %s", key, json);
  p += strlen(pat);
  char *end = NULL;
  double v = strtod(p, &end);
  ck_assert_msg(end != p, "\"%s\" is not a number in %s", key, json);
  return v;
}

/* The names in dir, sorted and joined with spaces (static buffer). */
static const char *list_dir(const char *dir) {
  static char names[4096];
  char entries[64][256];
  size_t n = 0;
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 64)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      snprintf(entries[n++], sizeof entries[0], "%s", e->d_name);
  closedir(d);
  qsort(entries, n, sizeof entries[0],
        (int (*)(const void *, const void *))strcmp);
  names[0] = '\0';
  for (size_t k = 0; k < n; k++) {
    if (k > 0)
      strncat(names, " ", sizeof names - strlen(names) - 1);
    strncat(names, entries[k], sizeof names - strlen(names) - 1);
  }
  return names;
}

/* ---- models ------------------------------------------------------------ */

/*
 * Ten LIF neurons whose resting potential lies above threshold, so they fire
 * tonically with no input (every 10 ms * ln 2 = 6.9 ms from reset), and a
 * one-to-one projection so that the network has synapses to count.
 */
static const char tonic_model[] =
    "# ten tonically firing neurons\n"
    "populations:\n"
    "  tonic:\n"
    "    size: 10\n"
    "    model: lif\n"
    "    params:\n"
    "      tau_mem: 10 ms\n"
    "      v_leak: 20 mV\n"
    "      v_th: 10 mV\n"
    "      v_reset: 0 mV\n"
    "    init:\n"
    "      v: 0 mV\n"
    "projections:\n"
    "  - from: tonic\n"
    "    to: tonic\n"
    "    connect: one_to_one\n"
    "    weight: 0.5 mV\n"
    "    delay: 1 ms\n"
    "simulation:\n"
    "  time: 50 ms\n";

/* Write `text` as tmpdir/name and return its path in buf. */
static const char *model_file(char *buf, size_t cap, const char *name,
                              const char *text) {
  tmp_path(buf, cap, name);
  write_file(buf, text);
  return buf;
}

/* tonic_model with the first occurrence of `from` replaced by `to`. */
static const char *tonic_variant(char *buf, size_t cap, const char *name,
                                 const char *from, const char *to) {
  const char *at = strstr(tonic_model, from);
  ck_assert_ptr_nonnull(at);
  char text[4096];
  snprintf(text, sizeof text, "%.*s%s%s", (int)(at - tonic_model),
           tonic_model, to, at + strlen(from));
  return model_file(buf, cap, name, text);
}

/* ---- the command-line contract ---------------------------------------- */

START_TEST(test_help) {
  static const char *const forms[] = {"--help", "-h"};
  for (size_t k = 0; k < 2; k++) {
    result r;
    RUN(&r, forms[k]);
    ASSERT_EXIT(&r, 0);
    ASSERT_HAS(r.out, "Usage: sleipnir run");
    ASSERT_HAS(r.out, "sleipnir info MODEL");
    static const char *const opts[] = {"--time", "--seed", "--mode", "--dt",
                                       "--threads", "--spikes", "--json",
                                       "--quiet", "--version", "--help"};
    for (size_t j = 0; j < sizeof opts / sizeof opts[0]; j++)
      ASSERT_HAS(r.out, opts[j]);
    ck_assert_str_eq(r.err, "");
    result_free(&r);
  }
  /* help after a subcommand is help too */
  result r;
  RUN(&r, "run", "--help");
  ASSERT_EXIT(&r, 0);
  ASSERT_HAS(r.out, "Usage:");
  result_free(&r);
}
END_TEST

START_TEST(test_version) {
  result r;
  RUN(&r, "--version");
  ASSERT_EXIT(&r, 0);
  ck_assert_str_eq(r.out, "sleipnir 0.1.0\n");
  ck_assert_str_eq(r.err, "");
  result_free(&r);
}
END_TEST

START_TEST(test_no_arguments) {
  result r;
  const char *const args[] = {NULL};
  run(args, &r);
  ASSERT_EXIT(&r, 2);
  ASSERT_HAS(r.err, "Try 'sleipnir --help'.");
  ck_assert_str_eq(r.out, "");
  result_free(&r);
}
END_TEST

/* A command line that must be refused, and what the reason must mention. */
typedef struct usage_case {
  const char *args[6]; /* NULL-terminated */
  const char *needle;  /* expected in stderr */
} usage_case;

static const usage_case usage_cases[] = {
    {{"run", "--bogus"}, "--bogus"},
    {{"--bogus"}, "--bogus"},
    {{"frobnicate"}, "frobnicate"},
    {{"run", "-x"}, "-x"},
    {{"run", "--time"}, "--time"},
    {{"run", "--time", "5 parsecs"}, "parsecs"},
    {{"run", "--time=5 parsecs"}, "parsecs"},
    {{"run", "--time", "5 mV"}, "--time"},
    {{"run", "--time", "-5ms"}, "--time"},
    {{"run", "--time", "nan"}, "--time"},
    {{"run", "--time", "1e30 s"}, "--time"},
    {{"run", "--dt", "0 ms"}, "--dt"},
    {{"run", "--mode", "fast"}, "fast"},
    {{"run", "--mode=fast"}, "fast"},
    {{"run", "--mode"}, "--mode"},
    {{"run", "--seed", "-1"}, "--seed"},
    {{"run", "--seed", "12x"}, "--seed"},
    {{"run", "--seed", ""}, "--seed"},
    {{"run", "--seed", "18446744073709551616"}, "--seed"},
    {{"run", "--threads", "-1"}, "--threads"},
    {{"run", "--threads", "two"}, "--threads"},
    {{"run", "--threads", "99999999999"}, "--threads"},
    {{"run", "--spikes"}, "--spikes"},
    {{"run", "--json=yes"}, "--json"},
    {{"run", "a.yaml", "b.yaml"}, "b.yaml"},
    {{"info"}, "MODEL"},
    {{"info", "a.yaml", "--spikes", "x.csv"}, "--spikes"},
};

START_TEST(test_usage_errors) {
  const usage_case *c = &usage_cases[_i];
  result r;
  run(c->args, &r);
  ck_assert_msg(r.signal == 0 && r.exit_code == 2,
                "case %d: exit %d (signal %d), expected 2; stderr:\n%s", _i,
                r.exit_code, r.signal, r.err);
  ck_assert_msg(strncmp(r.err, "sleipnir: ", 10) == 0, "case %d: %s", _i,
                r.err);
  ASSERT_HAS(r.err, c->needle);
  ASSERT_HAS(r.err, "Try 'sleipnir --help'.");
  ck_assert_msg(count_lines(r.err) == 2, "case %d: not one reason:\n%s", _i,
                r.err);
  ck_assert_str_eq(r.out, "");
  result_free(&r);
}
END_TEST

/* Both `--opt value` and `--opt=value`, and options before MODEL. */
START_TEST(test_option_forms) {
  char model[600];
  model_file(model, sizeof model, "tonic.yaml", tonic_model);
  const char *const forms[][6] = {
      {"run", model, "--time", "20ms", "--json", NULL},
      {"run", model, "--time=20 ms", "--json", NULL},
      {"run", "--time", "0.02", "--json", model, NULL},
      {"run", "--json", "--time=20000us", "--", model, NULL},
  };
  for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
    result r;
    run(forms[k], &r);
    ASSERT_EXIT(&r, 0);
    const char *json = last_line(r.out);
    assert_json_object(json);
    ck_assert_double_eq_tol(json_get(json, "sim_time_s"), 0.02, 1e-12);
    result_free(&r);
  }
}
END_TEST

/* ---- bad input ---------------------------------------------------------- */

START_TEST(test_missing_model) {
  char path[600];
  tmp_path(path, sizeof path, "no-such-model.yaml");
  result r;
  RUN(&r, "run", path);
  ASSERT_EXIT(&r, 2);
  ASSERT_HAS(r.err, "sleipnir: ");
  ASSERT_HAS(r.err, path);
  ck_assert_str_eq(r.out, "");
  result_free(&r);

  RUN(&r, "info", path);
  ASSERT_EXIT(&r, 2);
  ASSERT_HAS(r.err, path);
  result_free(&r);
}
END_TEST

START_TEST(test_unknown_key) {
  char path[600], where[700];
  /* line 4 of the file */
  tonic_variant(path, sizeof path, "typo.yaml", "size: 10", "sise: 10");
  snprintf(where, sizeof where, "%s:4:", path);
  result r;
  RUN(&r, "run", path);
  ASSERT_EXIT(&r, 2);
  ASSERT_HAS(r.err, where);
  ASSERT_HAS(r.err, "sise");
  ck_assert_str_eq(r.out, "");
  result_free(&r);

  RUN(&r, "info", path);
  ASSERT_EXIT(&r, 2);
  ASSERT_HAS(r.err, where);
  result_free(&r);
}
END_TEST

START_TEST(test_wrong_unit) {
  char path[600], where[700];
  tonic_variant(path, sizeof path, "unit.yaml", "tau_mem: 10 ms",
                "tau_mem: 10 mV");
  snprintf(where, sizeof where, "%s:7:", path);
  result r;
  RUN(&r, "run", path);
  ASSERT_EXIT(&r, 2);
  ASSERT_HAS(r.err, where);
  ASSERT_HAS(r.err, "tau_mem");
  result_free(&r);
}
END_TEST

START_TEST(test_zero_delay) {
  char path[600];
  tonic_variant(path, sizeof path, "zero.yaml", "delay: 1 ms", "delay: 0 ms");
  result r;
  RUN(&r, "run", path);
  ASSERT_EXIT(&r, 2);
  ASSERT_HAS(r.err, path);
  ASSERT_HAS(r.err, "delay");
  ck_assert_str_eq(r.out, "");
  result_free(&r);
}
END_TEST

/* Inputs that are not models at all: refused with 2, never a crash. */
START_TEST(test_garbage_models) {
  static const char *const texts[] = {
      "",
      "populations: [unclosed\n",
      "\x01\x02\xff\xfe garbage\n",
      "- just\n- a\n- list\n",
      "populations:\n  p:\n    size: -3\n    model: lif\n",
      "populations:\n  p:\n    size: 99999999999999999999\n    model: lif\n",
      "populations:\n  p:\n    size: 10\n    model: no_such_model\n",
      "populations:\n  p: &a\n    size: 10\n    model: lif\n    x: *a\n",
  };
  for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
    char path[600];
    model_file(path, sizeof path, "garbage.yaml", texts[k]);
    result r;
    RUN(&r, "run", path, "--quiet");
    ck_assert_msg(r.signal == 0 && r.exit_code == 2,
                  "text %zu: exit %d (signal %d); stderr:\n%s", k, r.exit_code,
                  r.signal, r.err);
    ck_assert_msg(strncmp(r.err, "sleipnir: ", 10) == 0, "text %zu: %s", k,
                  r.err);
    result_free(&r);
  }
  /* a directory is not a model file either */
  result r;
  RUN(&r, "run", tmpdir);
  ASSERT_EXIT(&r, 2);
  ASSERT_HAS(r.err, tmpdir);
  result_free(&r);
}
END_TEST

/* The nonlinear models from a model file, presets included: three tonic
 * Izhikevich neurons (tonic_spiking, I = 14: 11 spikes in 1 s, see
 * tests/test_nonlinear.c) drive a conductance-based population.  The
 * Izhikevich neurons are identical, so their spike counts are equal. */
static const char nonlinear_model[] =
    "populations:\n"
    "  izh:\n"
    "    size: 3\n"
    "    model: izhikevich\n"
    "    params: {preset: tonic_spiking, bias: 154 mV}\n"
    "  coba:\n"
    "    size: 2\n"
    "    model: coba_lif\n"
    "    params: {bias_free: 1}\n"
    "projections:\n"
    "  - {from: izh, to: coba, connect: all_to_all, weight: 2, delay: 1 ms}\n"
    "simulation: {time: 1 s}\n";

START_TEST(test_nonlinear_presets) {
  char model[600];
  /* first the bad key, reported with file, line and key, exit 2 */
  model_file(model, sizeof model, "nl.yaml", nonlinear_model);
  char where[700];
  snprintf(where, sizeof where, "%s:9:", model);
  result r;
  RUN(&r, "run", model, "--quiet");
  ASSERT_EXIT(&r, 2);
  ASSERT_HAS(r.err, where);
  ASSERT_HAS(r.err, "bias_free");
  result_free(&r);

  /* an unknown preset: file, line, key, exit 2, nothing written */
  char text[sizeof nonlinear_model + 64], spikes[700];
  snprintf(spikes, sizeof spikes, "%s/out.csv", outdir);
  const char *good = "{preset: bio}";
  const char *cut = strstr(nonlinear_model, "{bias_free: 1}");
  snprintf(text, sizeof text, "%.*s%s%s", (int)(cut - nonlinear_model),
           nonlinear_model, good, cut + strlen("{bias_free: 1}"));
  char *at = strstr(text, "tonic_spiking");
  memcpy(at, "tonic_spoking", 13);
  model_file(model, sizeof model, "nl.yaml", text);
  snprintf(where, sizeof where, "%s:5:", model);
  RUN(&r, "run", model, "--spikes", spikes, "--quiet");
  ASSERT_EXIT(&r, 2);
  ASSERT_HAS(r.err, where);
  ASSERT_HAS(r.err, "populations.izh.params.preset");
  ASSERT_HAS(r.err, "tonic_spoking");
  ck_assert_str_eq(list_dir(outdir), "");
  result_free(&r);

  /* the good model runs */
  memcpy(at, "tonic_spiking", 13);
  model_file(model, sizeof model, "nl.yaml", text);
  RUN(&r, "run", model, "--spikes", spikes, "--json", "--quiet");
  ASSERT_EXIT(&r, 0);
  const char *json = last_line(r.out);
  double n_spikes = json_get(json, "spikes");
  char *csv = read_file(spikes);
  ck_assert_ptr_nonnull(csv);
  size_t per[5] = {0};
  for (const char *l = strchr(csv, '\n'); l != NULL && l[1] != '\0';
       l = strchr(l + 1, '\n')) {
    const char *comma = strchr(l + 1, ',');
    ck_assert_ptr_nonnull(comma);
    unsigned long node = strtoul(comma + 1, NULL, 10);
    ck_assert_uint_lt(node, 5);
    per[node]++;
  }
  ck_assert_uint_eq(per[0], 11);
  ck_assert_uint_eq(per[1], 11);
  ck_assert_uint_eq(per[2], 11);
  /* 33 inputs of conductance 2 (bio: tau_syn_exc 0.3 ms, c_m 0.2 ms, from
   * -65 mV towards e_rev_E = 0 mV) each carry v over v_thresh = -50 mV */
  ck_assert_uint_gt(per[3], 0);
  ck_assert_uint_eq(per[3], per[4]);
  ck_assert_double_eq(n_spikes, (double)(per[0] * 3 + per[3] * 2));
  free(csv);
  result_free(&r);
}
END_TEST

/* Every model shipped in examples/ must at least validate and build. */
START_TEST(test_examples_validate) {
  char dir[600];
  snprintf(dir, sizeof dir, "%s/examples", srcdir());
  DIR *d = opendir(dir);
  if (d == NULL)
    return; /* an out-of-tree test run without the sources */
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0)
      continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    result r;
    RUN(&r, "info", path, "--json");
    ASSERT_EXIT(&r, 0);
    assert_json_object(last_line(r.out));
    result_free(&r);
  }
  closedir(d);
}
END_TEST

/* ---- end to end (needs the engine) ------------------------------------ */

START_TEST(test_run_tonic) {
  char model[600], spikes[700];
  model_file(model, sizeof model, "tonic.yaml", tonic_model);
  snprintf(spikes, sizeof spikes, "%s/out.csv", outdir);
  result r;
  RUN(&r, "run", model, "--spikes", spikes, "--json", "--quiet");
  ASSERT_EXIT(&r, 0);
  /* --json --quiet: the JSON line and nothing else */
  ck_assert_msg(count_lines(r.out) == 1, "stdout:\n%s", r.out);
  const char *json = last_line(r.out);
  assert_json_object(json);
  static const char *const keys[] = {
      "neurons", "synapses", "spikes", "synaptic_events", "sim_time_s",
      "build_wall_s", "run_wall_s", "events_per_s", "mean_rate_hz",
      "peak_rss_bytes", "seed", "threads", "input_spikes", "sources",
      "synapse_bytes", "bytes_per_synapse"};
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
    json_get(json, keys[k]);
  ASSERT_HAS(json, "\"mode\":\"exact\"");
  ASSERT_HAS(json, "\"model\":\"");
  ASSERT_HAS(json, "\"spikes_file\":\"");
  ck_assert_double_eq(json_get(json, "neurons"), 10.0);
  ck_assert_double_eq(json_get(json, "synapses"), 10.0);
  ck_assert_double_eq_tol(json_get(json, "sim_time_s"), 0.05, 1e-12);
  double n_spikes = json_get(json, "spikes");
  /* 50 ms / 6.9 ms per period: 7 spikes each, give or take one */
  ck_assert_msg(n_spikes >= 60 && n_spikes <= 80, "spikes %g", n_spikes);
  ck_assert_double_eq_tol(json_get(json, "mean_rate_hz"),
                          n_spikes / 10.0 / 0.05, 1e-9);
  ck_assert_double_gt(json_get(json, "synaptic_events"), 0.0);
  ck_assert_double_gt(json_get(json, "peak_rss_bytes"), 0.0);
  ck_assert_str_eq(r.err, "");

  /* the spike file: header, one line per spike, and no temporary left */
  char *csv = read_file(spikes);
  ck_assert_msg(csv != NULL, "no spike file %s", spikes);
  ck_assert_msg(strncmp(csv, "time_ms,neuron\n", 15) == 0, "header: %.40s",
                csv);
  ck_assert_double_eq((double)(count_lines(csv) - 1), n_spikes);
  ck_assert_str_eq(list_dir(outdir), "out.csv");
  free(csv);
  result_free(&r);
}
END_TEST

START_TEST(test_time_override) {
  char model[600];
  model_file(model, sizeof model, "tonic.yaml", tonic_model);
  result r;
  RUN(&r, "run", model, "--time", "20ms", "--json", "--quiet");
  ASSERT_EXIT(&r, 0);
  const char *json = last_line(r.out);
  assert_json_object(json);
  ck_assert_double_eq_tol(json_get(json, "sim_time_s"), 0.02, 1e-12);
  double n_spikes = json_get(json, "spikes");
  ck_assert_msg(n_spikes >= 20 && n_spikes <= 40, "spikes %g", n_spikes);
  result_free(&r);
}
END_TEST

/* Without --quiet: the human summary first, the JSON object last. */
START_TEST(test_summary_then_json) {
  char model[600];
  model_file(model, sizeof model, "tonic.yaml", tonic_model);
  result r;
  RUN(&r, "run", model, "--json");
  ASSERT_EXIT(&r, 0);
  ck_assert_msg(count_lines(r.out) > 5, "stdout:\n%s", r.out);
  static const char *const labels[] = {
      "neurons", "synapses", "mode", "simulated time", "spikes", "mean rate",
      "synaptic events", "build wall", "run wall", "events/second",
      "peak memory"};
  for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++)
    ASSERT_HAS(r.out, labels[k]);
  ASSERT_HAS(r.out, model);
  ck_assert_msg(r.out[0] != '{', "JSON came first:\n%s", r.out);
  assert_json_object(last_line(r.out));
  ck_assert_str_eq(r.err, ""); /* no progress line: stderr is no terminal */
  result_free(&r);

  /* and without --json there is no JSON at all */
  RUN(&r, "run", model);
  ASSERT_EXIT(&r, 0);
  ck_assert_ptr_null(strchr(r.out, '{'));
  result_free(&r);

  /* --quiet alone prints nothing */
  RUN(&r, "run", model, "--quiet");
  ASSERT_EXIT(&r, 0);
  ck_assert_str_eq(r.out, "");
  result_free(&r);
}
END_TEST

START_TEST(test_grid_mode) {
  char model[600];
  model_file(model, sizeof model, "tonic.yaml", tonic_model);
  result r;
  RUN(&r, "run", model, "--mode", "grid", "--dt", "0.1ms", "--seed", "7",
      "--threads", "1", "--json", "--quiet");
  ASSERT_EXIT(&r, 0);
  const char *json = last_line(r.out);
  assert_json_object(json);
  ASSERT_HAS(json, "\"mode\":\"grid\"");
  ck_assert_double_eq(json_get(json, "seed"), 7.0);
  ck_assert_double_eq(json_get(json, "threads"), 1.0);
  ck_assert_double_gt(json_get(json, "spikes"), 0.0);
  result_free(&r);
}
END_TEST

START_TEST(test_info) {
  char model[600];
  model_file(model, sizeof model, "tonic.yaml", tonic_model);
  result r;
  RUN(&r, "info", model);
  ASSERT_EXIT(&r, 0);
  /* the synapse count on the synapses line */
  const char *line = strstr(r.out, "synapses");
  ck_assert_msg(line != NULL, "stdout:\n%s", r.out);
  line += strlen("synapses");
  while (*line == ' ')
    line++;
  ck_assert_msg(strncmp(line, "10", 2) == 0 && (line[2] < '0' || line[2] > '9'),
                "stdout:\n%s", r.out);
  ASSERT_HAS(r.out, "neurons");
  ASSERT_HAS(r.out, "bytes/synapse");
  ASSERT_HAS(r.out, "exact");
  ck_assert_str_eq(list_dir(outdir), ""); /* info writes nothing */
  result_free(&r);

  RUN(&r, "info", model, "--json");
  ASSERT_EXIT(&r, 0);
  ck_assert_msg(count_lines(r.out) == 1, "stdout:\n%s", r.out);
  const char *json = last_line(r.out);
  assert_json_object(json);
  ck_assert_double_eq(json_get(json, "neurons"), 10.0);
  ck_assert_double_eq(json_get(json, "synapses"), 10.0);
  /* (the 8-bytes-per-synapse budget is for large networks; ten synapses
   * are dominated by per-row overhead) */
  ck_assert_double_gt(json_get(json, "synapse_bytes"), 0.0);
  ck_assert_double_eq_tol(json_get(json, "bytes_per_synapse"),
                          json_get(json, "synapse_bytes") / 10.0, 1e-9);
  ck_assert_double_eq_tol(json_get(json, "sim_time_s"), 0.05, 1e-12);
  result_free(&r);
}
END_TEST

START_TEST(test_builtin) {
  result r;
  char spikes[700], field[800];
  snprintf(spikes, sizeof spikes, "%s/builtin.csv", outdir);
  snprintf(field, sizeof field, "\"spikes_file\":\"%s\"", spikes);
  RUN(&r, "run", "--time", "10ms", "--spikes", spikes, "--json", "--quiet");
  ASSERT_EXIT(&r, 0);
  const char *json = last_line(r.out);
  assert_json_object(json);
  ASSERT_HAS(json, "\"model\":\"built-in\"");
  ASSERT_HAS(json, field);
  ck_assert_double_eq(json_get(json, "neurons"), 4000.0);
  ck_assert_double_gt(json_get(json, "synapses"), 0.0);
  ck_assert_double_eq_tol(json_get(json, "sim_time_s"), 0.01, 1e-12);
  result_free(&r);
}
END_TEST

/* The same seed gives the same spikes, whatever the thread count. */
START_TEST(test_reproducible) {
  char a[700], b[700], c[700];
  snprintf(a, sizeof a, "%s/a.csv", outdir);
  snprintf(b, sizeof b, "%s/b.csv", outdir);
  snprintf(c, sizeof c, "%s/c.csv", outdir);
  result r;
  RUN(&r, "run", "--time", "50ms", "--seed", "3", "--threads", "1",
      "--spikes", a, "--quiet");
  ASSERT_EXIT(&r, 0);
  result_free(&r);
  RUN(&r, "run", "--time", "50ms", "--seed", "3", "--threads", "2",
      "--spikes", b, "--quiet");
  ASSERT_EXIT(&r, 0);
  result_free(&r);
  RUN(&r, "run", "--time", "50ms", "--seed=4", "--threads", "1",
      "--spikes", c, "--quiet");
  ASSERT_EXIT(&r, 0);
  result_free(&r);
  char *ta = read_file(a), *tb = read_file(b), *tc = read_file(c);
  ck_assert_ptr_nonnull(ta);
  ck_assert_ptr_nonnull(tb);
  ck_assert_ptr_nonnull(tc);
  ck_assert_msg(count_lines(ta) > 1, "no spikes in 50 ms of the CUBA network");
  ck_assert_msg(strcmp(ta, tb) == 0, "1 and 2 threads differ");
  ck_assert_msg(strcmp(ta, tc) != 0, "seeds 3 and 4 gave the same spikes");
  free(ta);
  free(tb);
  free(tc);
}
END_TEST

/* Ctrl-C: exit 1, "interrupted", and no spike file (not even a temporary). */
START_TEST(test_interrupt) {
  char spikes[700];
  snprintf(spikes, sizeof spikes, "%s/long.csv", outdir);
  const char *const args[] = {"run", "--time", "1000s", "--spikes", spikes,
                              "--quiet", NULL};
  pid_t pid = start(args, NULL);
  struct timespec wait = {0, 500 * 1000 * 1000};
  nanosleep(&wait, NULL);
  ck_assert_int_eq(kill(pid, SIGINT), 0);
  result r;
  wait_child(pid, 20.0, &r);
  ASSERT_EXIT(&r, 1);
  ASSERT_HAS(r.err, "interrupted");
  ck_assert_str_eq(list_dir(outdir), "");
  ck_assert_str_eq(r.out, "");
  result_free(&r);
}
END_TEST

/* Runtime failures exit 1: an output that cannot be written. */
START_TEST(test_unwritable_output) {
  char model[600], spikes[700];
  model_file(model, sizeof model, "tonic.yaml", tonic_model);
  snprintf(spikes, sizeof spikes, "%s/no-such-dir/out.csv", outdir);
  result r;
  RUN(&r, "run", model, "--spikes", spikes, "--quiet");
  ASSERT_EXIT(&r, 1);
  ASSERT_HAS(r.err, "sleipnir: ");
  result_free(&r);

  /* a summary that cannot be written is a failure too */
  if (access("/dev/full", W_OK) == 0) {
    const char *const args[] = {"--version", NULL};
    wait_child(start(args, "/dev/full"), 60.0, &r);
    ASSERT_EXIT(&r, 1);
    ASSERT_HAS(r.err, "standard output");
    result_free(&r);
  }
}
END_TEST

Suite *suite_cli(void);

Suite *suite_cli(void) {
  Suite *s = suite_create("cli");

  TCase *tc = tcase_create("usage");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_help);
  tcase_add_test(tc, test_version);
  tcase_add_test(tc, test_no_arguments);
  tcase_add_loop_test(tc, test_usage_errors, 0,
                      (int)(sizeof usage_cases / sizeof usage_cases[0]));
  tcase_set_timeout(tc, 30);
  suite_add_tcase(s, tc);

  tc = tcase_create("bad_input");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_missing_model);
  tcase_add_test(tc, test_unknown_key);
  tcase_add_test(tc, test_wrong_unit);
  tcase_add_test(tc, test_zero_delay);
  tcase_add_test(tc, test_garbage_models);
  tcase_add_test(tc, test_nonlinear_presets);
  tcase_add_test(tc, test_examples_validate);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);

  tc = tcase_create("end_to_end");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_option_forms);
  tcase_add_test(tc, test_run_tonic);
  tcase_add_test(tc, test_time_override);
  tcase_add_test(tc, test_summary_then_json);
  tcase_add_test(tc, test_grid_mode);
  tcase_add_test(tc, test_info);
  tcase_add_test(tc, test_builtin);
  tcase_add_test(tc, test_reproducible);
  tcase_add_test(tc, test_interrupt);
  tcase_add_test(tc, test_unwritable_output);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite_cli());
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
