/*
 * io/model_file.c -- loading a YAML model file into a network and settings.
 *
 * The file (docs/model-file.md) is read whole, parsed into a libyaml
 * document, and then walked section by section: simulation, populations,
 * inputs, projections, record.  The network is built only through the public
 * API of sleipnir/network.h, so a model file can express nothing a C caller
 * could not, and the API's own validation applies to both.
 *
 * Errors: the walk stops at the first problem and reports the file, the
 * 1-based line and column of the offending node, the key path
 * ("populations.exc.params.tau_mem") and a sentence saying what is wrong.
 * Whatever was built is destroyed; the caller gets NULL.
 *
 * The document is a graph, not a tree: a YAML alias may point back at one of
 * its own ancestors.  The walk is therefore never recursive over the
 * document -- every section has a fixed depth -- so a cyclic or
 * exponentially aliased document costs no more than it would unaliased at
 * that depth.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sleipnir/error.h"
#include "sleipnir/io.h"
#include "sleipnir/network.h"
#include "sleipnir/plasticity.h"
#include "sleipnir/sim.h"
#include "core/alloc.h"

/* Key paths longer than this are cut (slp_diag.key holds 128 anyway). */
#define PATH_CAP 256

/* The largest time the tick counter can hold, in ms (2^63 ns, rounded down). */
#define MAX_TIME_MS 9.2e12

/* One tick (1 ns) in ms: a delay or step shorter than this would be 0. */
#define TICK_MS 1e-6

/* What the loader knows about a group it added (the public API does not
 * report sizes back, and range checks want them with a line number). */
typedef struct group_info {
  uint32_t size;      /* neurons or sources */
  int is_pop;         /* 1 for a population, 0 for an input */
  const char *model;  /* populations: the model's name (in the document) */
  slp_dim weight_dim; /* populations: dimension of a weight onto them */
} group_info;

/* The state of one load. */
typedef struct loader {
  const char *file;      /* the model file's name, for messages */
  char *dir;             /* its directory with a trailing '/', or "" */
  yaml_document_t *doc;  /* the parsed document */
  slp_diag *diag;        /* where errors go (never NULL) */
  slp_network *net;      /* the network being built */
  slp_model *model;      /* the result being built */
  group_info *groups;    /* by group id, in the order added */
  size_t n_groups;       /* entries used in groups */
  size_t cap_groups;     /* capacity of groups */
  size_t cap_weights;    /* capacity of model->weights */
} loader;

/* ---------------------------------------------------------------------- */
/* Diagnostics                                                            */
/* ---------------------------------------------------------------------- */

static unsigned to_unsigned(size_t v) {
  return v > UINT32_MAX ? UINT32_MAX : (unsigned)v;
}

/* Control characters (a newline inside a quoted value, say) would break the
 * one-line form of a diagnostic: show them as '?'. */
static void one_line(char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f)
      *s = '?';
}

/* Fill the diag with a message and a key made printable. */
static void put_diag(loader *L, int err, const char *file, unsigned line,
                     unsigned col, const char *key, const char *msg) {
  char k[sizeof L->diag->key];
  snprintf(k, sizeof k, "%s", key ? key : "");
  one_line(k);
  slp_diag_set(L->diag, err, file, line, col, k, "%s", msg);
  one_line(L->diag->message);
}

/*
 * Report err at node `at` (may be NULL: no position) under key path `key`.
 * Returns err so that callers can `return fail(...)`.
 */
static int fail(loader *L, int err, const yaml_node_t *at, const char *key,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(loader *L, int err, const yaml_node_t *at, const char *key,
                const char *fmt, ...) {
  char msg[sizeof L->diag->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  unsigned line = at ? to_unsigned(at->start_mark.line + 1) : 0;
  unsigned col = at ? to_unsigned(at->start_mark.column + 1) : 0;
  put_diag(L, err, L->file, line, col, key, msg);
  return err;
}

/* As fail(), for a problem in another file (a CSV) at a line and column. */
static int fail_at(loader *L, int err, const char *file, unsigned line,
                   unsigned col, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static int fail_at(loader *L, int err, const char *file, unsigned line,
                   unsigned col, const char *key, const char *fmt, ...) {
  char msg[sizeof L->diag->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  put_diag(L, err, file, line, col, key, msg);
  return err;
}

static int oom(loader *L, const yaml_node_t *at, const char *key) {
  return fail(L, SLP_ENOMEM, at, key, "Out of memory while loading the model.");
}

/* ---------------------------------------------------------------------- */
/* Key paths                                                              */
/* ---------------------------------------------------------------------- */

/* dst = base + "." + leaf (or just leaf when base is empty), cut to fit. */
static void path_key(char *dst, const char *base, const char *leaf) {
  size_t nb = strlen(base), nl = strlen(leaf), at = 0;
  if (nb > PATH_CAP - 1)
    nb = PATH_CAP - 1;
  memmove(dst, base, nb);
  at = nb;
  if (nb > 0 && at < PATH_CAP - 1)
    dst[at++] = '.';
  if (nl > PATH_CAP - 1 - at)
    nl = PATH_CAP - 1 - at;
  memcpy(dst + at, leaf, nl);
  dst[at + nl] = '\0';
}

/* dst = base + "[i]", cut to fit. */
static void path_index(char *dst, const char *base, size_t i) {
  char idx[32];
  int n = snprintf(idx, sizeof idx, "[%zu]", i);
  size_t nb = strlen(base), ni = (size_t)n;
  if (nb > PATH_CAP - 1)
    nb = PATH_CAP - 1;
  memmove(dst, base, nb);
  if (ni > PATH_CAP - 1 - nb)
    ni = PATH_CAP - 1 - nb;
  memcpy(dst + nb, idx, ni);
  dst[nb + ni] = '\0';
}

/* ---------------------------------------------------------------------- */
/* Nodes                                                                  */
/* ---------------------------------------------------------------------- */

static yaml_node_t *node(loader *L, yaml_node_item_t i) {
  return yaml_document_get_node(L->doc, i);
}

static const char *node_kind(const yaml_node_t *n) {
  switch (n->type) {
  case YAML_MAPPING_NODE:
    return "a mapping";
  case YAML_SEQUENCE_NODE:
    return "a list";
  case YAML_SCALAR_NODE:
    return "a single value";
  case YAML_NO_NODE:
    break;
  }
  return "empty";
}

/* A YAML null: an empty plain scalar, "~" or "null". */
static int is_null(const yaml_node_t *n) {
  if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return 0;
  const char *s = (const char *)n->data.scalar.value;
  return strcmp(s, "") == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
         strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* A scalar's text, checked to hold no NUL byte (YAML's "\0" escape would
 * otherwise cut it short silently). */
static int text_of(loader *L, const yaml_node_t *n, const char *path,
                   const char *what, const char **out) {
  /* fail() is spelled out as a statement here, not returned, so that the
   * compiler sees *out set on every path that returns 0. */
  if (n->type != YAML_SCALAR_NODE) {
    fail(L, SLP_EPARSE, n, path, "%s must be a single value, not %s.", what,
         node_kind(n));
    return SLP_EPARSE;
  }
  if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
    fail(L, SLP_EPARSE, n, path, "%s contains a NUL character.", what);
    return SLP_EPARSE;
  }
  *out = (const char *)n->data.scalar.value;
  return 0;
}

/* How many items a sequence has. */
static size_t seq_len(const yaml_node_t *n) {
  return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

/* Key node of a mapping pair, and its text (checked by check_map). */
static const char *key_text(loader *L, const yaml_node_pair_t *p) {
  return (const char *)node(L, p->key)->data.scalar.value;
}

typedef struct key_ref {
  const char *text; /* the key */
  size_t pos;       /* its position in the mapping */
} key_ref;

static int key_ref_cmp(const void *a, const void *b) {
  const key_ref *x = a, *y = b;
  int c = strcmp(x->text, y->text);
  if (c != 0)
    return c;
  return (x->pos > y->pos) - (x->pos < y->pos);
}

/*
 * Check that n is a mapping whose keys are plain names, each once.  `what`
 * names it in messages ("populations.exc").  A duplicate is reported at its
 * second occurrence, with the line of the first.
 */
static int check_map(loader *L, const yaml_node_t *n, const char *path,
                     const char *what) {
  if (n->type != YAML_MAPPING_NODE)
    return fail(L, SLP_EPARSE, n, path, "%s must be a mapping of keys to "
                "values, not %s.", what, node_kind(n));
  yaml_node_pair_t *start = n->data.mapping.pairs.start;
  size_t count = (size_t)(n->data.mapping.pairs.top - start);
  for (size_t k = 0; k < count; k++) {
    const yaml_node_t *key = node(L, start[k].key);
    if (key->type != YAML_SCALAR_NODE)
      return fail(L, SLP_EPARSE, key, path, "A key in %s is %s; keys must be "
                  "plain names.", what, node_kind(key));
    if (strlen((const char *)key->data.scalar.value) != key->data.scalar.length)
      return fail(L, SLP_EPARSE, key, path, "A key in %s contains a NUL "
                  "character.", what);
  }
  if (count < 2)
    return 0;
  /* Sorting finds duplicates in O(n log n): populations can number many. */
  key_ref *refs = slp__malloc(count * sizeof *refs);
  if (refs == NULL)
    return oom(L, n, path);
  for (size_t k = 0; k < count; k++) {
    refs[k].text = key_text(L, &start[k]);
    refs[k].pos = k;
  }
  qsort(refs, count, sizeof *refs, key_ref_cmp);
  size_t first = 0, second = SIZE_MAX;
  for (size_t k = 1; k < count; k++)
    if (strcmp(refs[k].text, refs[k - 1].text) == 0 && refs[k].pos < second) {
      second = refs[k].pos;
      first = refs[k - 1].pos;
    }
  slp__free(refs);
  if (second == SIZE_MAX)
    return 0;
  /* Equal keys sort by position, so `first` is the key's first occurrence. */
  const char *dup = key_text(L, &start[second]);
  char kp[PATH_CAP];
  path_key(kp, path, dup);
  const yaml_node_t *at = node(L, start[second].key);
  return fail(L, SLP_EEXIST, at, kp, "The key '%s' appears twice in %s (first "
              "at line %u); each key may be given once.", dup, what,
              to_unsigned(node(L, start[first].key)->start_mark.line + 1));
}

/* "a, b or c" into dst. */
static void join_names(char *dst, size_t cap, const char *const *names,
                       size_t n) {
  size_t at = 0;
  dst[0] = '\0';
  for (size_t k = 0; k < n && at < cap; k++) {
    const char *sep = k == 0 ? "" : k + 1 == n ? " or " : ", ";
    int w = snprintf(dst + at, cap - at, "%s%s", sep, names[k]);
    if (w < 0)
      break;
    at += (size_t)w;
  }
}

/*
 * Pick the known keys of mapping n (already checked): vals[i] and keys[i]
 * receive the value and key nodes of allowed[i], or NULL.  Any other key is
 * SLP_EKEY.  `what` names the mapping in messages.
 */
static int fields(loader *L, const yaml_node_t *n, const char *path,
                  const char *what, const char *const *allowed, size_t n_allowed,
                  yaml_node_t **vals, yaml_node_t **keys) {
  for (size_t i = 0; i < n_allowed; i++) {
    vals[i] = NULL;
    if (keys != NULL)
      keys[i] = NULL;
  }
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top; p++) {
    const char *k = key_text(L, p);
    size_t i = 0;
    while (i < n_allowed && strcmp(allowed[i], k) != 0)
      i++;
    if (i == n_allowed) {
      char kp[PATH_CAP], list[256];
      path_key(kp, path, k);
      join_names(list, sizeof list, allowed, n_allowed);
      return fail(L, SLP_EKEY, node(L, p->key), kp, "Unknown key '%.64s' in "
                  "%s; the keys here are %s.", k, what, list);
    }
    vals[i] = node(L, p->value);
    if (keys != NULL)
      keys[i] = node(L, p->key);
  }
  return 0;
}

/* SLP_EKEY unless val is present. */
static int require(loader *L, const yaml_node_t *val, const yaml_node_t *map,
                   const char *path, const char *what, const char *key,
                   const char *hint) {
  if (val != NULL)
    return 0;
  char kp[PATH_CAP];
  path_key(kp, path, key);
  return fail(L, SLP_EKEY, map, kp, "%s has no '%s'; it is required%s%s.",
              what, key, hint[0] ? " " : "", hint);
}

/* ---------------------------------------------------------------------- */
/* Values                                                                 */
/* ---------------------------------------------------------------------- */

static const char *unit_symbol(slp_dim dim) {
  switch (dim) {
  case SLP_DIM_TIME:
    return " ms";
  case SLP_DIM_VOLTAGE:
    return " mV";
  case SLP_DIM_RATE:
    return " Hz";
  case SLP_DIM_NONE:
    break;
  }
  return "";
}

/*
 * A quantity of dimension dim in API units.  `leaf` is the key's own name,
 * which replaces slp_quantity_parse()'s subject "the value" in its message
 * so that it reads "tau_mem is a time; 'mV' is a voltage unit".
 */
static int quantity(loader *L, const yaml_node_t *n, slp_dim dim,
                    const char *path, const char *leaf, double *out) {
  const char *s = NULL;
  int rc = text_of(L, n, path, leaf, &s);
  if (rc != 0)
    return rc;
  slp_diag d;
  memset(&d, 0, sizeof d);
  rc = slp_quantity_parse(s, dim, out, &d);
  if (rc == 0)
    return 0;
  static const char subject[] = "the value ";
  if (strncmp(d.message, subject, sizeof subject - 1) == 0)
    return fail(L, rc, n, path, "%s %s.", leaf, d.message + sizeof subject - 1);
  return fail(L, rc, n, path, "%s: %s.", leaf, d.message);
}

/*
 * A whole number in [min, max] written in decimal.  Negative and fractional
 * numbers get messages of their own, since those are the likely mistakes.
 */
static int whole(loader *L, const yaml_node_t *n, const char *path,
                 const char *leaf, uint64_t min, uint64_t max, uint64_t *out) {
  const char *s = NULL;
  int rc = text_of(L, n, path, leaf, &s);
  if (rc != 0)
    return rc;
  if (s[0] == '\0')
    return fail(L, SLP_EPARSE, n, path, "%s has no value; it must be a whole "
                "number.", leaf);
  uint64_t v = 0;
  const char *c = s;
  if (*c == '+')
    c++;
  for (; *c >= '0' && *c <= '9'; c++) {
    unsigned d = (unsigned)(*c - '0');
    if (v > (UINT64_MAX - d) / 10)
      return fail(L, SLP_ERANGE, n, path, "%s is too large: it must be at "
                  "most %llu.", leaf, (unsigned long long)max);
    v = v * 10 + d;
  }
  if (*c != '\0' || c == s || (s[0] == '+' && c == s + 1)) {
    char *end;
    double x = strtod(s, &end);
    if (end != s && *end == '\0' && x < 0)
      return fail(L, SLP_ERANGE, n, path, "%s must be at least %llu, not "
                  "'%.40s'.", leaf, (unsigned long long)min, s);
    return fail(L, SLP_EPARSE, n, path, "%s must be a whole number such as "
                "%llu, not '%.40s'.", leaf, (unsigned long long)(min > 0 ? min : 1),
                s);
  }
  if (v < min || v > max)
    return fail(L, SLP_ERANGE, n, path, "%s must be between %llu and %llu, "
                "not %llu.", leaf, (unsigned long long)min,
                (unsigned long long)max, (unsigned long long)v);
  *out = v;
  return 0;
}

/* true/false (YAML 1.2 core schema, any of its spellings). */
static int boolean(loader *L, const yaml_node_t *n, const char *path,
                   const char *leaf, int *out) {
  const char *s = NULL;
  int rc = text_of(L, n, path, leaf, &s);
  if (rc != 0)
    return rc;
  if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
    *out = 1;
    return 0;
  }
  if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
    *out = 0;
    return 0;
  }
  return fail(L, SLP_EPARSE, n, path, "%s must be true or false, not "
              "'%.40s'.", leaf, s);
}

/* Names of populations, inputs and projections: [A-Za-z0-9_]+. */
static int valid_name(const char *s) {
  if (s[0] == '\0')
    return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9') || *s == '_'))
      return 0;
  return 1;
}

static int check_name(loader *L, const yaml_node_t *at, const char *path,
                      const char *what, const char *name) {
  if (valid_name(name))
    return 0;
  if (name[0] == '\0')
    return fail(L, SLP_EINVAL, at, path, "A %s name is empty; names are "
                "letters, digits and '_'.", what);
  return fail(L, SLP_EINVAL, at, path, "The %s name '%.64s' is not valid; "
              "names may contain only letters, digits and '_'.", what, name);
}

/* [a, b]: a list of exactly two quantities. */
static int quantity_pair(loader *L, const yaml_node_t *n, slp_dim dim,
                         const char *path, const char *leaf, const char *form,
                         double *a, double *b) {
  if (n->type != YAML_SEQUENCE_NODE || seq_len(n) != 2)
    return fail(L, SLP_EPARSE, n, path, "%s must be a list of two values, "
                "%s, not %s%s.", leaf, form, node_kind(n),
                n->type == YAML_SEQUENCE_NODE ? " of another length" : "");
  char ip[PATH_CAP];
  path_index(ip, path, 0);
  int rc = quantity(L, node(L, n->data.sequence.items.start[0]), dim, ip,
                    leaf, a);
  if (rc != 0)
    return rc;
  path_index(ip, path, 1);
  return quantity(L, node(L, n->data.sequence.items.start[1]), dim, ip, leaf,
                  b);
}

/*
 * A constant or a distribution of dimension dim:
 *   20 ms | {uniform: [lo, hi]} | {normal: [mean, sd]} [+ clip: [lo, hi]]
 * An unclipped normal has bounds -inf/+inf.
 */
static int distribution(loader *L, const yaml_node_t *n, slp_dim dim,
                        const char *path, const char *leaf, slp_dist *out) {
  if (n->type == YAML_SCALAR_NODE) {
    double v;
    int rc = quantity(L, n, dim, path, leaf, &v);
    if (rc == 0)
      *out = slp_dist_const(v);
    return rc;
  }
  if (n->type != YAML_MAPPING_NODE)
    return fail(L, SLP_EPARSE, n, path, "%s must be a value such as '1 ms' or "
                "a distribution such as {uniform: [lo, hi]} or {normal: [mean, "
                "sd]}, not %s.", leaf, node_kind(n));
  int rc = check_map(L, n, path, leaf);
  if (rc != 0)
    return rc;
  static const char *const keys[] = {"uniform", "normal", "clip"};
  yaml_node_t *v[3], *k[3];
  rc = fields(L, n, path, leaf, keys, 3, v, k);
  if (rc != 0)
    return rc;
  if ((v[0] == NULL) == (v[1] == NULL)) {
    char kp[PATH_CAP];
    path_key(kp, path, v[0] ? "normal" : "uniform");
    return fail(L, SLP_EKEY, v[0] ? k[1] : n, kp, "The distribution of %s "
                "needs exactly one of 'uniform' or 'normal'.", leaf);
  }
  char sub[PATH_CAP];
  slp_dist d = slp_dist_const(0.0);
  const char *u = unit_symbol(dim);
  if (v[0] != NULL) {
    if (v[2] != NULL) {
      path_key(sub, path, "clip");
      return fail(L, SLP_EKEY, k[2], sub, "clip applies only to a normal "
                  "distribution; a uniform one is bounded already.");
    }
    path_key(sub, path, "uniform");
    rc = quantity_pair(L, v[0], dim, sub, leaf, "[low, high]", &d.a, &d.b);
    if (rc != 0)
      return rc;
    d.kind = SLP_DIST_UNIFORM;
    if (d.a > d.b)
      return fail(L, SLP_ERANGE, v[0], sub, "The uniform distribution of %s "
                  "has its low bound (%g%s) above its high bound (%g%s).",
                  leaf, d.a, u, d.b, u);
  } else {
    path_key(sub, path, "normal");
    rc = quantity_pair(L, v[1], dim, sub, leaf, "[mean, sd]", &d.a, &d.b);
    if (rc != 0)
      return rc;
    d.kind = SLP_DIST_NORMAL;
    if (d.b < 0)
      return fail(L, SLP_ERANGE, v[1], sub, "The standard deviation of %s "
                  "must be >= 0, not %g%s.", leaf, d.b, u);
    d.lo = -(double)INFINITY;
    d.hi = (double)INFINITY;
    if (v[2] != NULL) {
      path_key(sub, path, "clip");
      rc = quantity_pair(L, v[2], dim, sub, leaf, "[low, high]", &d.lo, &d.hi);
      if (rc != 0)
        return rc;
      if (d.lo > d.hi)
        return fail(L, SLP_ERANGE, v[2], sub, "The clip range of %s has its "
                    "low bound (%g%s) above its high bound (%g%s).", leaf, d.lo,
                    u, d.hi, u);
    }
  }
  *out = d;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* Files named in the model                                               */
/* ---------------------------------------------------------------------- */

/* A path from the model, resolved against the model file's directory. */
static char *resolve(loader *L, const char *rel) {
  const char *dir = rel[0] == '/' ? "" : L->dir;
  size_t nd = strlen(dir), nr = strlen(rel);
  char *p = slp__malloc(nd + nr + 1);
  if (p != NULL) {
    memcpy(p, dir, nd);
    memcpy(p + nd, rel, nr + 1);
  }
  return p;
}

/* A CSV file being read line by line. */
typedef struct csv {
  FILE *f;           /* the open file */
  char *path;        /* its resolved name (owned) */
  unsigned line;     /* 1-based number of the line in buf */
  int seen_data;     /* a non-blank line has been seen (header check) */
  char buf[1024];    /* the current line, without its end of line */
} csv;

static int csv_open(loader *L, csv *c, const yaml_node_t *at, const char *key,
                    const char *rel) {
  memset(c, 0, sizeof *c);
  if (rel[0] == '\0')
    return fail(L, SLP_EINVAL, at, key, "The file name is empty.");
  c->path = resolve(L, rel);
  if (c->path == NULL)
    return oom(L, at, key);
  c->f = fopen(c->path, "r");
  if (c->f == NULL) {
    int e = errno;
    int rc = fail(L, e == ENOENT ? SLP_ENOENT : SLP_EIO, at, key,
                  "Cannot open '%.200s': %s.", c->path, strerror(e));
    slp__free(c->path);
    c->path = NULL;
    return rc;
  }
  return 0;
}

static void csv_close(csv *c) {
  if (c->f != NULL)
    fclose(c->f);
  slp__free(c->path);
}

/*
 * The next data line into c->buf: blank lines, '#' comments and a header
 * (a first line that starts with a letter) are skipped.  Returns 1 with a
 * line, 0 at the end, or a negative error.
 */
static int csv_next(loader *L, csv *c, const char *key) {
  for (;;) {
    if (fgets(c->buf, sizeof c->buf, c->f) == NULL) {
      if (ferror(c->f))
        return fail_at(L, SLP_EIO, c->path, c->line + 1, 0, key,
                       "Reading '%.200s' failed.", c->path);
      return 0;
    }
    c->line++;
    size_t n = strlen(c->buf);
    if (n > 0 && c->buf[n - 1] == '\n')
      c->buf[--n] = '\0';
    else if (!feof(c->f))
      return fail_at(L, SLP_EPARSE, c->path, c->line, 0, key, "Line %u of "
                     "'%.200s' is longer than %zu characters.", c->line,
                     c->path, sizeof c->buf - 2);
    if (n > 0 && c->buf[n - 1] == '\r')
      c->buf[--n] = '\0';
    const char *s = c->buf;
    while (*s == ' ' || *s == '\t')
      s++;
    if (*s == '\0' || *s == '#')
      continue;
    int header = !c->seen_data &&
                 ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'));
    c->seen_data = 1;
    if (header)
      continue;
    return 1;
  }
}

/*
 * Split c->buf at commas into at most cap trimmed fields; col[k] is the
 * 1-based column of field k.  Returns the number of fields, or cap + 1 when
 * there are more.
 */
static size_t csv_split(csv *c, char **field, unsigned *col, size_t cap) {
  size_t n = 0;
  char *s = c->buf;
  for (;;) {
    while (*s == ' ' || *s == '\t')
      s++;
    if (n == cap)
      return cap + 1;
    field[n] = s;
    col[n] = (unsigned)(s - c->buf) + 1;
    n++;
    char *comma = strchr(s, ',');
    char *end = comma ? comma : s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
      end--;
    char *next = comma ? comma + 1 : NULL;
    *end = '\0';
    if (next == NULL)
      return n;
    s = next;
  }
}

/* A finite decimal number making up the whole field. */
static int csv_number(const char *s, double *out) {
  char *end;
  if (*s == '\0')
    return 0;
  double v = strtod(s, &end);
  if (*end != '\0' || !isfinite(v))
    return 0;
  *out = v;
  return 1;
}

/* A decimal index < limit making up the whole field. */
static int csv_index(const char *s, uint64_t limit, uint64_t *out) {
  uint64_t v = 0;
  if (*s == '\0')
    return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
      return 0;
    v = v * 10 + (uint64_t)(*s - '0');
  }
  if (v >= limit)
    return -1;
  *out = v;
  return 1;
}

/* ---------------------------------------------------------------------- */
/* simulation                                                             */
/* ---------------------------------------------------------------------- */

static int load_simulation(loader *L, const yaml_node_t *n) {
  const char *path = "simulation";
  if (is_null(n))
    return 0;
  int rc = check_map(L, n, path, "simulation");
  if (rc != 0)
    return rc;
  static const char *const keys[] = {"time", "seed", "mode", "dt", "threads",
                                     "propagator"};
  yaml_node_t *v[6];
  rc = fields(L, n, path, "simulation", keys, 6, v, NULL);
  if (rc != 0)
    return rc;
  slp_sim_config *cfg = &L->model->cfg;
  char kp[PATH_CAP];
  if (v[0] != NULL) {
    path_key(kp, path, "time");
    rc = quantity(L, v[0], SLP_DIM_TIME, kp, "time", &cfg->time_ms);
    if (rc != 0)
      return rc;
    if (!(cfg->time_ms > 0) || cfg->time_ms > MAX_TIME_MS)
      return fail(L, SLP_ERANGE, v[0], kp, "time must be > 0 and at most "
                  "292 years, not %g ms.", cfg->time_ms);
  }
  if (v[1] != NULL) {
    uint64_t seed;
    path_key(kp, path, "seed");
    rc = whole(L, v[1], kp, "seed", 0, UINT64_MAX, &seed);
    if (rc != 0)
      return rc;
    cfg->seed = seed;
  }
  if (v[2] != NULL) {
    const char *s = NULL;
    path_key(kp, path, "mode");
    rc = text_of(L, v[2], kp, "mode", &s);
    if (rc != 0)
      return rc;
    if (slp_mode_parse(s, &cfg->mode) != 0)
      return fail(L, SLP_EINVAL, v[2], kp, "mode must be 'dense', 'clock', "
                  "'norse', 'exact' or 'grid', not '%.40s'.", s);
  }
  if (v[3] != NULL) {
    path_key(kp, path, "dt");
    rc = quantity(L, v[3], SLP_DIM_TIME, kp, "dt", &cfg->dt_ms);
    if (rc != 0)
      return rc;
    if (!(cfg->dt_ms >= TICK_MS) || cfg->dt_ms > MAX_TIME_MS)
      return fail(L, SLP_ERANGE, v[3], kp, "dt must be at least 1 ns (the "
                  "time resolution), not %g ms.", cfg->dt_ms);
  }
  if (v[4] != NULL) {
    uint64_t t;
    path_key(kp, path, "threads");
    rc = whole(L, v[4], kp, "threads", 0, UINT32_MAX, &t);
    if (rc != 0)
      return rc;
    cfg->threads = (unsigned)t;
  }
  if (v[5] != NULL) {
    /* The step's propagator of the dense and clock baselines; elsewhere it
     * would mean nothing, and a setting that is silently ignored is a
     * silent default. */
    const char *s = NULL;
    path_key(kp, path, "propagator");
    rc = text_of(L, v[5], kp, "propagator", &s);
    if (rc != 0)
      return rc;
    if (slp_propagator_parse(s, &cfg->propagator) != 0)
      return fail(L, SLP_EINVAL, v[5], kp, "propagator must be 'exact' or "
                  "'euler', not '%.40s'.", s);
    if (cfg->mode != SLP_MODE_DENSE && cfg->mode != SLP_MODE_CLOCK)
      return fail(L, SLP_EINVAL, v[5], kp, "propagator applies to the modes "
                  "'dense' and 'clock' only (set mode: dense or mode: "
                  "clock).");
  }
  return 0;
}

/* ---------------------------------------------------------------------- */
/* Groups                                                                 */
/* ---------------------------------------------------------------------- */

/* Remember a group the network accepted; its id must be n_groups. */
static int note_group(loader *L, uint32_t id, uint32_t size, int is_pop) {
  if (slp__grow((void **)&L->groups, &L->cap_groups, L->n_groups + 1,
                sizeof *L->groups) != 0)
    return SLP_ENOMEM;
  (void)id; /* ids are handed out densely in order: id == L->n_groups */
  L->groups[L->n_groups].size = size;
  L->groups[L->n_groups].is_pop = is_pop;
  L->groups[L->n_groups].model = NULL;
  L->groups[L->n_groups].weight_dim = SLP_DIM_VOLTAGE;
  L->n_groups++;
  return 0;
}

/* Explain a failure of slp_network_add_*(). */
static int add_failed(loader *L, int rc, const yaml_node_t *at,
                      const char *path, const char *name) {
  switch (rc) {
  case SLP_EEXIST:
    return fail(L, rc, at, path, "The name '%s' is already used by a "
                "population or input; names must be unique.", name);
  case SLP_ELIMIT:
    return fail(L, rc, at, path, "Adding '%s' exceeds the limit of "
                "4294967294 neurons (or input sources) in one network.", name);
  case SLP_ENOMEM:
    return oom(L, at, path);
  default:
    return fail(L, rc, at, path, "'%s' was refused: %s.", name,
                slp_strerror(rc));
  }
}

/* params.preset: the name of one of the model's presets. */
static int load_preset(loader *L, uint32_t id, const char *model,
                       const yaml_node_t *v, const char *path) {
  char kp[PATH_CAP];
  path_key(kp, path, "preset");
  const char *name = NULL;
  int rc = text_of(L, v, kp, "preset", &name);
  if (rc != 0)
    return rc;
  rc = slp_network_set_preset(L->net, id, name);
  if (rc == SLP_ENOENT)
    return fail(L, rc, v, kp, "The neuron model '%s' has no preset '%.64s' "
                "(docs/model-file.md lists each model's presets).", model,
                name);
  if (rc != 0)
    return fail(L, rc, v, kp, "The preset '%.64s' was refused: %s.", name,
                slp_strerror(rc));
  return 0;
}

/* params: name -> quantity, with names and dimensions from the model. */
/* A parameter given by name: its value is the index of the name. */
static int choice(loader *L, const yaml_node_t *n, const char *const *names,
                  const char *path, const char *leaf, double *out) {
  const char *s = NULL;
  int rc = text_of(L, n, path, leaf, &s);
  if (rc != 0)
    return rc;
  char list[256] = "";
  for (size_t k = 0; names[k] != NULL; k++) {
    if (strcmp(s, names[k]) == 0) {
      *out = (double)k;
      return 0;
    }
    size_t len = strlen(list);
    snprintf(list + len, sizeof list - len, "%s'%s'", k ? " or " : "",
             names[k]);
  }
  return fail(L, SLP_EINVAL, n, path, "%s must be %s, not '%.40s'.", leaf,
              list, s);
}

/*
 * A parameter given per neuron: a list of `size` quantities, one per neuron
 * in order.  Their ranges are checked with the model's other checks when the
 * simulation is built (the error then names the neuron).
 */
static int param_list(loader *L, uint32_t id, uint32_t size,
                      const yaml_node_t *n, const slp_var_info *info,
                      const char *kp, const char *name) {
  size_t len = seq_len(n);
  if (len != size)
    return fail(L, SLP_EINVAL, n, kp, "%s has a list of %zu values, but the "
                "population has %u neurons; give one value per neuron (or a "
                "constant, or a distribution such as {normal: [mean, sd]}).",
                name, len, size);
  double *v = slp__malloc(len * sizeof *v);
  if (v == NULL)
    return oom(L, n, kp);
  int rc = 0;
  for (size_t k = 0; k < len && rc == 0; k++) {
    char ip[PATH_CAP];
    path_index(ip, kp, k);
    rc = quantity(L, node(L, n->data.sequence.items.start[k]), info->dim, ip,
                  name, &v[k]);
  }
  if (rc == 0) {
    rc = slp_network_set_param_values(L->net, id, name, v, len);
    if (rc != 0)
      rc = fail(L, rc, n, kp, "The values of '%s' were refused: %s.", name,
                slp_strerror(rc));
  }
  slp__free(v);
  return rc;
}

/* One parameter's value: a quantity, a distribution or a per-neuron list. */
static int param_value(loader *L, uint32_t id, uint32_t size,
                       const yaml_node_t *n, const slp_var_info *info,
                       const char *kp, const char *name) {
  if (info->choices != NULL) {
    if (n->type != YAML_SCALAR_NODE)
      return fail(L, SLP_EPARSE, n, kp, "%s is given by name and takes one "
                  "value per population, not %s.", name, node_kind(n));
    double value = 0.0;
    int rc = choice(L, n, info->choices, kp, name, &value);
    if (rc == 0 && (rc = slp_network_set_param(L->net, id, name, value)) != 0)
      rc = fail(L, rc, n, kp, "Setting '%s' failed: %s.", name,
                slp_strerror(rc));
    return rc;
  }
  if (n->type == YAML_SEQUENCE_NODE)
    return param_list(L, id, size, n, info, kp, name);
  slp_dist d;
  int rc = distribution(L, n, info->dim, kp, name, &d);
  if (rc != 0)
    return rc;
  rc = d.kind == SLP_DIST_CONST
           ? slp_network_set_param(L->net, id, name, d.a)
           : slp_network_set_param_dist(L->net, id, name, &d);
  if (rc != 0)
    return fail(L, rc, n, kp, "Setting '%s' failed: %s.", name,
                slp_strerror(rc));
  return 0;
}

static int load_params(loader *L, uint32_t id, uint32_t size,
                       const char *model, const yaml_node_t *n,
                       const char *path) {
  if (is_null(n))
    return 0;
  int rc = check_map(L, n, path, path);
  if (rc != 0)
    return rc;
  size_t count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
  /* Canonical names seen, to catch a name and its alias both given. */
  const char **seen = slp__malloc(count * sizeof *seen);
  if (seen == NULL)
    return oom(L, n, path);
  size_t k = 0;
  /* preset: a named parameter set, applied before the other keys whatever
   * their order, so that they override it. */
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top && rc == 0; p++)
    if (strcmp(key_text(L, p), "preset") == 0)
      rc = load_preset(L, id, model, node(L, p->value), path);
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top && rc == 0; p++, k++) {
    const char *name = key_text(L, p);
    char kp[PATH_CAP];
    path_key(kp, path, name);
    slp_var_info info;
    seen[k] = "";
    if (strcmp(name, "preset") == 0)
      continue;
    if (slp_model_param_info(model, name, &info) != 0) {
      rc = fail(L, SLP_EKEY, node(L, p->key), kp, "The neuron model '%s' has "
                "no parameter '%.64s'.", model, name);
      break;
    }
    seen[k] = info.name;
    for (size_t j = 0; j < k && rc == 0; j++)
      if (strcmp(seen[j], info.name) == 0)
        rc = fail(L, SLP_EEXIST, node(L, p->key), kp, "'%.64s' and '%s' name "
                  "the same parameter of '%s'; give it once.", name,
                  key_text(L, &n->data.mapping.pairs.start[j]), model);
    if (rc != 0)
      break;
    rc = param_value(L, id, size, node(L, p->value), &info, kp, name);
  }
  slp__free(seen);
  return rc;
}

/* init: state variable -> value or distribution. */
static int load_init(loader *L, uint32_t id, const char *model,
                     const yaml_node_t *n, const char *path) {
  if (is_null(n))
    return 0;
  int rc = check_map(L, n, path, path);
  if (rc != 0)
    return rc;
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top; p++) {
    const char *name = key_text(L, p);
    char kp[PATH_CAP];
    path_key(kp, path, name);
    slp_var_info info;
    if (slp_model_state_info(model, name, &info) != 0)
      return fail(L, SLP_EKEY, node(L, p->key), kp, "The neuron model '%s' has "
                  "no state variable '%.64s' to initialise.", model, name);
    for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
      slp_var_info other;
      if (slp_model_state_info(model, key_text(L, q), &other) == 0 &&
          strcmp(other.name, info.name) == 0)
        return fail(L, SLP_EEXIST, node(L, p->key), kp, "'%.64s' and '%s' "
                    "name the same state variable; give it once.", name,
                    key_text(L, q));
    }
    slp_dist d;
    rc = distribution(L, node(L, p->value), info.dim, kp, name, &d);
    if (rc != 0)
      return rc;
    rc = slp_network_set_init(L->net, id, name, &d);
    if (rc != 0)
      return fail(L, rc, node(L, p->value), kp, "The initial value of '%s' "
                  "was refused: %s.", name, slp_strerror(rc));
  }
  return 0;
}

static int load_population(loader *L, const yaml_node_t *key,
                           const yaml_node_t *n, const char *name) {
  char path[PATH_CAP], kp[PATH_CAP];
  path_key(path, "populations", name);
  int rc = check_name(L, key, path, "population", name);
  if (rc != 0)
    return rc;
  if ((rc = check_map(L, n, path, path)) != 0)
    return rc;
  static const char *const keys[] = {"size", "model", "params", "init"};
  yaml_node_t *v[4];
  if ((rc = fields(L, n, path, path, keys, 4, v, NULL)) != 0)
    return rc;
  if ((rc = require(L, v[0], n, path, path, "size",
                    "(the number of neurons, e.g. size: 100)")) != 0 ||
      (rc = require(L, v[1], n, path, path, "model",
                    "(the neuron model, e.g. model: lif)")) != 0)
    return rc;
  uint64_t size;
  path_key(kp, path, "size");
  if ((rc = whole(L, v[0], kp, "size", 1, UINT32_MAX - 1, &size)) != 0)
    return rc;
  const char *model = NULL;
  path_key(kp, path, "model");
  if ((rc = text_of(L, v[1], kp, "model", &model)) != 0)
    return rc;
  if (!slp_model_exists(model))
    return fail(L, SLP_ENOENT, v[1], kp, "There is no neuron model "
                "'%.64s' (docs/model-file.md lists the models).", model);
  uint32_t id;
  rc = slp_network_add_population(L->net, name, (uint32_t)size, model, &id);
  if (rc != 0)
    return add_failed(L, rc, key, path, name);
  if (note_group(L, id, (uint32_t)size, 1) != 0)
    return oom(L, n, path);
  L->groups[id].model = model;
  L->groups[id].weight_dim = slp_model_weight_dim(model);
  if (v[2] != NULL) {
    path_key(kp, path, "params");
    if ((rc = load_params(L, id, (uint32_t)size, model, v[2], kp)) != 0)
      return rc;
  }
  if (v[3] != NULL) {
    path_key(kp, path, "init");
    if ((rc = load_init(L, id, model, v[3], kp)) != 0)
      return rc;
  }
  return 0;
}

static int load_populations(loader *L, const yaml_node_t *n,
                            const yaml_node_t *root) {
  if (n == NULL || is_null(n))
    return fail(L, SLP_EKEY, n ? n : root, "populations", "The model has no "
                "populations; it needs a 'populations' section with at least "
                "one population.");
  int rc = check_map(L, n, "populations", "populations");
  if (rc != 0)
    return rc;
  if (n->data.mapping.pairs.top == n->data.mapping.pairs.start)
    return fail(L, SLP_EKEY, n, "populations", "populations is empty; the "
                "model needs at least one population.");
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top; p++)
    if ((rc = load_population(L, node(L, p->key), node(L, p->value),
                              key_text(L, p))) != 0)
      return rc;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* inputs                                                                 */
/* ---------------------------------------------------------------------- */

static int load_poisson(loader *L, const yaml_node_t *key, const char *name,
                        const char *path, uint32_t size, yaml_node_t *rate) {
  char kp[PATH_CAP];
  path_key(kp, path, "rate");
  slp_dist d;
  double *rates = NULL;
  int rc;
  if (rate->type == YAML_SEQUENCE_NODE) {
    size_t n = seq_len(rate);
    if (n != size)
      return fail(L, SLP_EINVAL, rate, kp, "The list of rates has %zu "
                  "entries, but the input has %u sources; give one rate per "
                  "source.", n, size);
    rates = slp__malloc(n * sizeof *rates);
    if (rates == NULL)
      return oom(L, rate, kp);
    for (size_t k = 0; k < n; k++) {
      char ip[PATH_CAP];
      path_index(ip, kp, k);
      const yaml_node_t *item = node(L, rate->data.sequence.items.start[k]);
      rc = quantity(L, item, SLP_DIM_RATE, ip, "rate", &rates[k]);
      if (rc == 0 && rates[k] < 0)
        rc = fail(L, SLP_ERANGE, item, ip, "rate must be >= 0 Hz, not %g Hz.",
                  rates[k]);
      if (rc != 0) {
        slp__free(rates);
        return rc;
      }
    }
  } else {
    if ((rc = distribution(L, rate, SLP_DIM_RATE, kp, "rate", &d)) != 0)
      return rc;
    if (d.kind == SLP_DIST_NORMAL && isinf(d.lo) && d.lo < 0)
      d.lo = 0.0; /* rates are clipped at 0 Hz from below */
    if ((d.kind != SLP_DIST_NORMAL && d.a < 0) ||
        (d.kind == SLP_DIST_NORMAL && d.lo < 0))
      return fail(L, SLP_ERANGE, rate, kp, "rate cannot be negative: %s.",
                  d.kind == SLP_DIST_CONST     ? "the rate is below 0 Hz"
                  : d.kind == SLP_DIST_UNIFORM ? "the low bound is below 0 Hz"
                                               : "the clip range starts below "
                                                 "0 Hz");
  }
  uint32_t id;
  rc = slp_network_add_poisson(L->net, name, size, rates ? NULL : &d, rates,
                               &id);
  slp__free(rates);
  if (rc != 0)
    return add_failed(L, rc, key, path, name);
  if (note_group(L, id, size, 0) != 0)
    return oom(L, key, path);
  return 0;
}

/* Append an event to a growing array. */
static int push_event(slp_spike_event **ev, size_t *n, size_t *cap,
                      double t, uint32_t source, double w) {
  if (slp__grow((void **)ev, cap, *n + 1, sizeof **ev) != 0)
    return SLP_ENOMEM;
  (*ev)[*n].time_ms = t;
  (*ev)[*n].source = source;
  (*ev)[*n].weight = w;
  (*n)++;
  return 0;
}

/* spikes: [[t, ...], ...], one list per source. */
static int spikes_inline(loader *L, const yaml_node_t *n, const char *kp,
                         uint32_t size, slp_spike_event **ev, size_t *n_ev,
                         size_t *cap) {
  if (n->type != YAML_SEQUENCE_NODE)
    return fail(L, SLP_EPARSE, n, kp, "spikes must be a list with one list "
                "of spike times per source, not %s.", node_kind(n));
  if (seq_len(n) != size)
    return fail(L, SLP_EINVAL, n, kp, "spikes has %zu lists, but the input "
                "has %u sources; give one list of times per source.",
                seq_len(n), size);
  for (uint32_t s = 0; s < size; s++) {
    char sp[PATH_CAP];
    path_index(sp, kp, s);
    const yaml_node_t *list = node(L, n->data.sequence.items.start[s]);
    if (list->type != YAML_SEQUENCE_NODE)
      return fail(L, SLP_EPARSE, list, sp, "The spikes of source %u must be "
                  "a list of times such as [1 ms, 5 ms], not %s.", s,
                  node_kind(list));
    for (size_t k = 0; k < seq_len(list); k++) {
      char tp[PATH_CAP];
      path_index(tp, sp, k);
      const yaml_node_t *item = node(L, list->data.sequence.items.start[k]);
      double t;
      int rc = quantity(L, item, SLP_DIM_TIME, tp, "spike time", &t);
      if (rc != 0)
        return rc;
      if (t < 0 || t > MAX_TIME_MS)
        return fail(L, SLP_ERANGE, item, tp, "Spike times must be >= 0 and "
                    "within 292 years, not %g ms.", t);
      if (push_event(ev, n_ev, cap, t, s, 1.0) != 0)
        return oom(L, item, tp);
    }
  }
  return 0;
}

/* file: a CSV of time_ms,source[,weight]. */
static int spikes_csv(loader *L, const yaml_node_t *n, const char *kp,
                      uint32_t size, slp_spike_event **ev, size_t *n_ev,
                      size_t *cap) {
  const char *rel = NULL;
  int rc = text_of(L, n, kp, "file", &rel);
  if (rc != 0)
    return rc;
  csv c;
  if ((rc = csv_open(L, &c, n, kp, rel)) != 0)
    return rc;
  while ((rc = csv_next(L, &c, kp)) == 1) {
    char *f[3];
    unsigned col[3];
    size_t nf = csv_split(&c, f, col, 3);
    double t, w = 1.0;
    uint64_t src;
    int ok;
    if (nf < 2 || nf > 3) {
      rc = fail_at(L, SLP_EPARSE, c.path, c.line, 1, kp, "Line %u has %s "
                   "fields; a spike is 'time_ms,source' or "
                   "'time_ms,source,weight'.", c.line,
                   nf < 2 ? "too few" : "too many");
      break;
    }
    if (!csv_number(f[0], &t)) {
      rc = fail_at(L, SLP_EPARSE, c.path, c.line, col[0], kp, "The time "
                   "'%.40s' on line %u is not a number of milliseconds.", f[0],
                   c.line);
      break;
    }
    if (t < 0 || t > MAX_TIME_MS) {
      rc = fail_at(L, SLP_ERANGE, c.path, c.line, col[0], kp, "The time %g ms "
                   "on line %u is negative or beyond 292 years.", t, c.line);
      break;
    }
    if ((ok = csv_index(f[1], size, &src)) != 1) {
      rc = ok < 0 ? fail_at(L, SLP_ERANGE, c.path, c.line, col[1], kp,
                            "Source %.20s on line %u is out of range: the "
                            "input has %u sources (0 to %u).", f[1], c.line,
                            size, size - 1)
                  : fail_at(L, SLP_EPARSE, c.path, c.line, col[1], kp,
                            "The source '%.40s' on line %u is not a whole "
                            "number.", f[1], c.line);
      break;
    }
    if (nf == 3 && !csv_number(f[2], &w)) {
      rc = fail_at(L, SLP_EPARSE, c.path, c.line, col[2], kp, "The weight "
                   "'%.40s' on line %u is not a number.", f[2], c.line);
      break;
    }
    if (push_event(ev, n_ev, cap, t, (uint32_t)src, w) != 0) {
      rc = fail_at(L, SLP_ENOMEM, c.path, c.line, 0, kp, "Out of memory while "
                   "reading '%.200s'.", c.path);
      break;
    }
  }
  csv_close(&c);
  return rc < 0 ? rc : 0;
}

static int load_spike_array(loader *L, const yaml_node_t *key,
                            const yaml_node_t *map, const char *name,
                            const char *path, uint32_t size,
                            yaml_node_t *spikes, yaml_node_t *file) {
  char kp[PATH_CAP];
  if ((spikes == NULL) == (file == NULL)) {
    path_key(kp, path, spikes ? "file" : "spikes");
    return fail(L, SLP_EKEY, spikes ? file : map, kp, "A spike_array input "
                "takes exactly one of 'spikes' (lists of times) or 'file' "
                "(a CSV of time_ms,source).");
  }
  slp_spike_event *ev = NULL;
  size_t n_ev = 0, cap = 0;
  int rc;
  if (spikes != NULL) {
    path_key(kp, path, "spikes");
    rc = spikes_inline(L, spikes, kp, size, &ev, &n_ev, &cap);
  } else {
    path_key(kp, path, "file");
    rc = spikes_csv(L, file, kp, size, &ev, &n_ev, &cap);
  }
  if (rc == 0) {
    uint32_t id;
    rc = slp_network_add_spike_array(L->net, name, size, ev, n_ev, &id);
    if (rc != 0)
      rc = add_failed(L, rc, key, path, name);
    else if (note_group(L, id, size, 0) != 0)
      rc = oom(L, key, path);
  }
  slp__free(ev);
  return rc;
}

/* Norse's poisson_encode and signed_poisson_encode default f_max. */
#define DEFAULT_F_MAX_HZ 100.0

/*
 * A single value or a list of values of dimension dim into *out (allocated;
 * the caller frees it) and *n_out (1 for a single value).  A list must have
 * `want` entries when want > 0, and at least one otherwise.  Every value
 * must be >= min; `hint` (may be "") follows the message when one is not.
 */
static int value_list(loader *L, const yaml_node_t *n, slp_dim dim,
                      const char *kp, const char *leaf, size_t want,
                      double min, const char *hint, double **out,
                      size_t *n_out) {
  *out = NULL;
  *n_out = 0;
  const char *u = unit_symbol(dim);
  if (n->type == YAML_MAPPING_NODE)
    return fail(L, SLP_EPARSE, n, kp, "%s must be a single value or a list "
                "of values, not a mapping.", leaf);
  if (n->type == YAML_SEQUENCE_NODE) {
    size_t len = seq_len(n);
    if (want > 0 && len != want)
      return fail(L, SLP_EINVAL, n, kp, "%s has a list of %zu values, but "
                  "the input has %zu sources; give one value per source.",
                  leaf, len, want);
    if (len == 0)
      return fail(L, SLP_EINVAL, n, kp, "%s is an empty list; give at least "
                  "one value.", leaf);
  }
  size_t count = n->type == YAML_SEQUENCE_NODE ? seq_len(n) : 1;
  double *v = slp__malloc(count * sizeof *v);
  if (v == NULL)
    return oom(L, n, kp);
  for (size_t k = 0; k < count; k++) {
    char ip[PATH_CAP];
    const yaml_node_t *item = n;
    if (n->type == YAML_SEQUENCE_NODE) {
      path_index(ip, kp, k);
      item = node(L, n->data.sequence.items.start[k]);
    } else {
      snprintf(ip, sizeof ip, "%s", kp);
    }
    int rc = quantity(L, item, dim, ip, leaf, &v[k]);
    if (rc == 0 && !(v[k] >= min))
      rc = fail(L, SLP_ERANGE, item, ip, "%s must be >= %g%s, not %g%s%s%s.",
                leaf, min, u, v[k], u, hint[0] ? "; " : "", hint);
    if (rc != 0) {
      slp__free(v);
      return rc;
    }
  }
  *out = v;
  *n_out = count;
  return 0;
}

/* The largest of n values. */
static double max_of(const double *v, size_t n) {
  double m = -(double)INFINITY;
  for (size_t k = 0; k < n; k++)
    m = v[k] > m ? v[k] : m;
  return m;
}

/* f_max: a rate >= 0, DEFAULT_F_MAX_HZ when absent. */
static int load_f_max(loader *L, const yaml_node_t *n, const char *path,
                      double *out) {
  *out = DEFAULT_F_MAX_HZ;
  if (n == NULL)
    return 0;
  char kp[PATH_CAP];
  path_key(kp, path, "f_max");
  int rc = quantity(L, n, SLP_DIM_RATE, kp, "f_max", out);
  if (rc == 0 && !(*out >= 0))
    rc = fail(L, SLP_ERANGE, n, kp, "f_max must be >= 0 Hz, not %g Hz.", *out);
  return rc;
}

/* Register a group the network accepted, or explain why it did not. */
static int added(loader *L, int rc, const yaml_node_t *key, const char *path,
                 const char *name, uint32_t id, uint32_t size) {
  if (rc != 0)
    return add_failed(L, rc, key, path, name);
  if (note_group(L, id, size, 0) != 0)
    return oom(L, key, path);
  return 0;
}

/* poisson with value (and f_max) instead of rate: rate = f_max * value. */
static int load_poisson_value(loader *L, const yaml_node_t *key,
                              const char *name, const char *path,
                              uint32_t size, const yaml_node_t *value,
                              const yaml_node_t *f_max) {
  char kp[PATH_CAP];
  double hz, *x;
  size_t nx;
  int rc = load_f_max(L, f_max, path, &hz);
  if (rc != 0)
    return rc;
  path_key(kp, path, "value");
  if ((rc = value_list(L, value, SLP_DIM_NONE, kp, "value", size, 0.0,
                       "a value is a rate in units of f_max (use "
                       "signed_poisson for signed values)", &x, &nx)) != 0)
    return rc;
  double *rates = slp__malloc((size_t)size * sizeof *rates);
  if (rates == NULL) {
    slp__free(x);
    return oom(L, value, kp);
  }
  for (uint32_t k = 0; k < size; k++)
    rates[k] = hz * x[nx == 1 ? 0 : k];
  double top = max_of(rates, size);
  slp__free(x);
  if (!isfinite(top)) {
    slp__free(rates);
    return fail(L, SLP_ERANGE, value, kp, "f_max times value overflows.");
  }
  uint32_t id;
  rc = slp_network_add_poisson(L->net, name, size, NULL, rates, &id);
  slp__free(rates);
  return added(L, rc, key, path, name, id, size);
}

static int load_signed_poisson(loader *L, const yaml_node_t *key,
                               const char *name, const char *path,
                               uint32_t size, const yaml_node_t *value,
                               const yaml_node_t *f_max) {
  char kp[PATH_CAP];
  double hz, *x;
  size_t nx;
  int rc = load_f_max(L, f_max, path, &hz);
  if (rc != 0)
    return rc;
  path_key(kp, path, "value");
  if ((rc = value_list(L, value, SLP_DIM_NONE, kp, "value", size,
                       -(double)INFINITY, "", &x, &nx)) != 0)
    return rc;
  for (size_t k = 0; k < nx && rc == 0; k++)
    if (!isfinite(hz * fabs(x[k])))
      rc = fail(L, SLP_ERANGE, value, kp, "f_max times value overflows.");
  uint32_t id = 0;
  if (rc == 0)
    rc = added(L, slp_network_add_signed_poisson(L->net, name, size, x, nx, hz,
                                                 &id),
               key, path, name, id, size);
  slp__free(x);
  return rc;
}

static int load_population_code(loader *L, const yaml_node_t *key,
                                const char *name, const char *path,
                                uint32_t fields, const yaml_node_t *value,
                                const yaml_node_t *scale,
                                const yaml_node_t *f_max) {
  char kp[PATH_CAP];
  double hz, *x, sc = (double)NAN;
  size_t nx;
  int rc = load_f_max(L, f_max, path, &hz);
  if (rc != 0)
    return rc;
  if (scale != NULL) {
    path_key(kp, path, "scale");
    if ((rc = quantity(L, scale, SLP_DIM_NONE, kp, "scale", &sc)) != 0)
      return rc;
    if (!(sc > 0))
      return fail(L, SLP_ERANGE, scale, kp, "scale must be > 0, not %g; leave "
                  "it out for Norse's default, the largest value.", sc);
  }
  path_key(kp, path, "value");
  if ((rc = value_list(L, value, SLP_DIM_NONE, kp, "value", 0,
                       -(double)INFINITY, "", &x, &nx)) != 0)
    return rc;
  if ((uint64_t)nx * fields > UINT32_MAX - 1) {
    slp__free(x);
    return fail(L, SLP_ELIMIT, value, kp, "%zu values of %u fields each make "
                "more than 4294967294 sources.", nx, fields);
  }
  uint32_t id = 0, size = (uint32_t)(nx * fields);
  rc = slp_network_add_population_encoder(L->net, name, fields, x, nx, sc, hz,
                                          &id);
  slp__free(x);
  if (rc == SLP_ERANGE)
    return fail(L, rc, value, kp, "A receptive field's rate overflows: "
                "without 'scale' the scale is the largest value, as in Norse, "
                "and a negative one widens the fields without bound.");
  return added(L, rc, key, path, name, id, size);
}

static int load_regular(loader *L, const yaml_node_t *key, const char *name,
                        const char *path, uint32_t size,
                        const yaml_node_t *rate, const yaml_node_t *phase,
                        const yaml_node_t *jitter) {
  char kp[PATH_CAP];
  double ph = 0.0, jit = 0.0, *hz;
  size_t nh;
  int rc;
  if (phase != NULL) {
    path_key(kp, path, "phase");
    if ((rc = quantity(L, phase, SLP_DIM_TIME, kp, "phase", &ph)) != 0)
      return rc;
    if (!(ph >= 0) || ph > MAX_TIME_MS)
      return fail(L, SLP_ERANGE, phase, kp, "phase must be >= 0 and within "
                  "292 years, not %g ms.", ph);
  }
  if (jitter != NULL) {
    path_key(kp, path, "jitter");
    if ((rc = quantity(L, jitter, SLP_DIM_TIME, kp, "jitter", &jit)) != 0)
      return rc;
    if (!(jit >= 0) || jit > MAX_TIME_MS)
      return fail(L, SLP_ERANGE, jitter, kp, "jitter must be >= 0 and within "
                  "292 years, not %g ms.", jit);
  }
  path_key(kp, path, "rate");
  if ((rc = value_list(L, rate, SLP_DIM_RATE, kp, "rate", size, 0.0, "",
                       &hz, &nh)) != 0)
    return rc;
  double top = max_of(hz, nh);
  if (top > 0 && jit > 1000.0 / top) {
    slp__free(hz);
    path_key(kp, path, "jitter");
    return fail(L, SLP_ERANGE, jitter, kp, "jitter (%g ms) is longer than "
                "the period of the fastest source (%g ms); it may be at most "
                "one period, so that spikes keep their order.", jit,
                1000.0 / top);
  }
  uint32_t id = 0;
  rc = slp_network_add_regular(L->net, name, size, hz, nh, ph, jit, &id);
  slp__free(hz);
  return added(L, rc, key, path, name, id, size);
}

/* The LIF parameters an encoder takes, by canonical (Norse) name. */
static const char *const lif_encoder_params[] = {"tau_mem", "v_leak", "v_th",
                                                 "v_reset"};

/* params of an LIF encoder: the lif model's names and aliases, four of
 * them; *where[i] receives the key node of lif_encoder_params[i] if given. */
static int load_encoder_params(loader *L, const yaml_node_t *n,
                               const char *path, slp_lif_encoder_params *p,
                               const yaml_node_t **where) {
  double *slot[] = {&p->tau_mem, &p->v_leak, &p->v_th, &p->v_reset};
  for (size_t i = 0; i < 4; i++)
    where[i] = NULL;
  if (is_null(n))
    return 0;
  int rc = check_map(L, n, path, path);
  if (rc != 0)
    return rc;
  for (yaml_node_pair_t *q = n->data.mapping.pairs.start;
       q < n->data.mapping.pairs.top; q++) {
    const char *name = key_text(L, q);
    char kp[PATH_CAP];
    path_key(kp, path, name);
    slp_var_info info;
    size_t i = 4;
    if (slp_model_param_info("lif", name, &info) == 0)
      for (i = 0; i < 4 && strcmp(info.name, lif_encoder_params[i]) != 0; i++)
        ;
    if (i == 4)
      return fail(L, SLP_EKEY, node(L, q->key), kp, "The LIF encoder has no "
                  "parameter '%.64s'; its parameters are tau_mem, v_leak, v_th "
                  "and v_reset (or their aliases).", name);
    if (where[i] != NULL)
      return fail(L, SLP_EEXIST, node(L, q->key), kp, "'%.64s' and '%s' name "
                  "the same parameter; give it once.", name,
                  (const char *)where[i]->data.scalar.value);
    where[i] = node(L, q->key);
    if ((rc = quantity(L, node(L, q->value), info.dim, kp, name, slot[i])) != 0)
      return rc;
  }
  return 0;
}

/* init of an LIF encoder: {v: potential at time 0}. */
static int load_encoder_init(loader *L, const yaml_node_t *n, const char *path,
                             slp_lif_encoder_params *p) {
  if (is_null(n))
    return 0;
  int rc = check_map(L, n, path, path);
  if (rc != 0)
    return rc;
  static const char *const keys[] = {"v"};
  yaml_node_t *v[1];
  if ((rc = fields(L, n, path, path, keys, 1, v, NULL)) != 0 || v[0] == NULL)
    return rc;
  char kp[PATH_CAP];
  path_key(kp, path, "v");
  return quantity(L, v[0], SLP_DIM_VOLTAGE, kp, "v", &p->v_init);
}

static int load_lif_encoder(loader *L, const yaml_node_t *key,
                            const yaml_node_t *map, const char *name,
                            const char *path, uint32_t size,
                            slp_lif_encoding encoding,
                            const yaml_node_t *value,
                            const yaml_node_t *params,
                            const yaml_node_t *init) {
  char kp[PATH_CAP];
  slp_lif_encoder_params p;
  slp_lif_encoder_params_init(&p);
  const yaml_node_t *where[4] = {NULL, NULL, NULL, NULL};
  int rc;
  if (params != NULL) {
    path_key(kp, path, "params");
    if ((rc = load_encoder_params(L, params, kp, &p, where)) != 0)
      return rc;
  }
  if (init != NULL) {
    path_key(kp, path, "init");
    if ((rc = load_encoder_init(L, init, kp, &p)) != 0)
      return rc;
  }
  if (!(p.tau_mem > 0)) {
    path_key(kp, path, "params.tau_mem");
    return fail(L, SLP_ERANGE, where[0], kp, "tau_mem must be > 0, not %g ms.",
                p.tau_mem);
  }
  if (!(p.v_reset < p.v_th)) {
    const yaml_node_t *at = where[3] ? where[3] : where[2] ? where[2] : map;
    path_key(kp, path, where[3] || !where[2] ? "params.v_reset"
                                             : "params.v_th");
    return fail(L, SLP_ERANGE, at, kp, "v_reset (%g mV) must be below v_th "
                "(%g mV).", p.v_reset, p.v_th);
  }
  double *x;
  size_t nx;
  path_key(kp, path, "value");
  if ((rc = value_list(L, value, SLP_DIM_VOLTAGE, kp, "value", size,
                       -(double)INFINITY, "", &x, &nx)) != 0)
    return rc;
  uint32_t id = 0;
  rc = slp_network_add_lif_encoder(L->net, name, size, encoding, x, nx, &p,
                                   &id);
  slp__free(x);
  if (rc == SLP_ERANGE)
    return fail(L, rc, value, kp, "v_leak + value is out of range.");
  return added(L, rc, key, path, name, id, size);
}

/* ---------------------------------------------------------------------- */
/* inputs: Poisson processes beyond the constant rate                     */
/* ---------------------------------------------------------------------- */

/* Is `rate` a time-varying rate ({schedule: ...}, {sinusoid: ...} or
 * {file: ...}) rather than a value or a distribution? */
static int rate_varies(loader *L, const yaml_node_t *rate) {
  if (rate == NULL || rate->type != YAML_MAPPING_NODE)
    return 0;
  for (yaml_node_pair_t *p = rate->data.mapping.pairs.start;
       p < rate->data.mapping.pairs.top; p++) {
    const char *k = key_text(L, p);
    if (strcmp(k, "schedule") == 0 || strcmp(k, "sinusoid") == 0 ||
        strcmp(k, "file") == 0)
      return 1;
  }
  return 0;
}

/* A schedule segment (start, rate) appended to the arrays of *pr. */
static int push_segment(double **t, double **r, size_t *n, size_t *cap_t,
                        size_t *cap_r, double t_ms, double hz) {
  if (slp__grow((void **)t, cap_t, *n + 1, sizeof **t) != 0 ||
      slp__grow((void **)r, cap_r, *n + 1, sizeof **r) != 0)
    return SLP_ENOMEM;
  (*t)[*n] = t_ms;
  (*r)[*n] = hz;
  (*n)++;
  return 0;
}

/* schedule: [[start, rate], ...], starts ascending. */
static int schedule_inline(loader *L, const yaml_node_t *n, const char *kp,
                           double **t, double **r, size_t *n_seg) {
  size_t cap_t = 0, cap_r = 0;
  if (n->type != YAML_SEQUENCE_NODE || seq_len(n) == 0)
    return fail(L, SLP_EPARSE, n, kp, "schedule must be a non-empty list of "
                "[start, rate] pairs such as [[0 ms, 5 Hz], [200 ms, 20 Hz]], "
                "not %s.", n->type == YAML_SEQUENCE_NODE ? "an empty list"
                                                         : node_kind(n));
  for (size_t j = 0; j < seq_len(n); j++) {
    char ip[PATH_CAP];
    path_index(ip, kp, j);
    const yaml_node_t *item = node(L, n->data.sequence.items.start[j]);
    if (item->type != YAML_SEQUENCE_NODE || seq_len(item) != 2)
      return fail(L, SLP_EPARSE, item, ip, "Each schedule entry is a pair "
                  "[start, rate] such as [200 ms, 20 Hz].");
    double tm, hz;
    const yaml_node_t *a = node(L, item->data.sequence.items.start[0]);
    const yaml_node_t *b = node(L, item->data.sequence.items.start[1]);
    int rc = quantity(L, a, SLP_DIM_TIME, ip, "start", &tm);
    if (rc == 0)
      rc = quantity(L, b, SLP_DIM_RATE, ip, "rate", &hz);
    if (rc != 0)
      return rc;
    if (!(tm >= 0) || tm > MAX_TIME_MS)
      return fail(L, SLP_ERANGE, a, ip, "A segment's start must be >= 0 and "
                  "within 292 years, not %g ms.", tm);
    if (j > 0 && !(tm > (*t)[j - 1]))
      return fail(L, SLP_ERANGE, a, ip, "The segment starts must ascend: "
                  "%g ms comes after %g ms.", tm, (*t)[j - 1]);
    if (!(hz >= 0) || !isfinite(hz))
      return fail(L, SLP_ERANGE, b, ip, "rate must be >= 0 Hz, not %g Hz.",
                  hz);
    if (push_segment(t, r, n_seg, &cap_t, &cap_r, tm, hz) != 0)
      return oom(L, item, ip);
  }
  return 0;
}

/* file: a CSV of time_ms,rate_hz lines, piecewise constant. */
static int schedule_csv(loader *L, const yaml_node_t *n, const char *kp,
                        double **t, double **r, size_t *n_seg) {
  size_t cap_t = 0, cap_r = 0;
  const char *rel = NULL;
  int rc = text_of(L, n, kp, "file", &rel);
  if (rc != 0)
    return rc;
  csv c;
  if ((rc = csv_open(L, &c, n, kp, rel)) != 0)
    return rc;
  while ((rc = csv_next(L, &c, kp)) == 1) {
    char *f[2];
    unsigned col[2];
    double tm, hz;
    if (csv_split(&c, f, col, 2) != 2) {
      rc = fail_at(L, SLP_EPARSE, c.path, c.line, 1, kp, "Line %u is not "
                   "'time_ms,rate_hz'.", c.line);
      break;
    }
    if (!csv_number(f[0], &tm) || !(tm >= 0) || tm > MAX_TIME_MS) {
      rc = fail_at(L, SLP_EPARSE, c.path, c.line, col[0], kp, "The time "
                   "'%.40s' on line %u is not a number of milliseconds "
                   "between 0 and 292 years.", f[0], c.line);
      break;
    }
    if (*n_seg > 0 && !(tm > (*t)[*n_seg - 1])) {
      rc = fail_at(L, SLP_ERANGE, c.path, c.line, col[0], kp, "The times "
                   "must ascend: %g ms on line %u comes after %g ms.", tm,
                   c.line, (*t)[*n_seg - 1]);
      break;
    }
    if (!csv_number(f[1], &hz) || !(hz >= 0) || !isfinite(hz)) {
      rc = fail_at(L, SLP_ERANGE, c.path, c.line, col[1], kp, "The rate "
                   "'%.40s' on line %u is not a number of Hz >= 0.", f[1],
                   c.line);
      break;
    }
    if (push_segment(t, r, n_seg, &cap_t, &cap_r, tm, hz) != 0) {
      rc = fail_at(L, SLP_ENOMEM, c.path, c.line, 0, kp, "Out of memory "
                   "while reading '%.200s'.", c.path);
      break;
    }
  }
  if (rc == 0 && *n_seg == 0)
    rc = fail_at(L, SLP_EINVAL, c.path, c.line, 0, kp, "'%.200s' has no "
                 "time_ms,rate_hz lines.", c.path);
  csv_close(&c);
  return rc < 0 ? rc : 0;
}

/* sinusoid: {mean, amplitude, frequency, phase}. */
static int load_sinusoid(loader *L, const yaml_node_t *n, const char *kp,
                         slp_poisson_process *pr) {
  int rc = check_map(L, n, kp, kp);
  if (rc != 0)
    return rc;
  static const char *const keys[] = {"mean", "amplitude", "frequency",
                                     "phase"};
  static const slp_dim dims[] = {SLP_DIM_RATE, SLP_DIM_RATE, SLP_DIM_RATE,
                                 SLP_DIM_NONE};
  double *slot[] = {&pr->mean_hz, &pr->amplitude_hz, &pr->frequency_hz,
                    &pr->phase_rad};
  yaml_node_t *v[4];
  if ((rc = fields(L, n, kp, "a sinusoid", keys, 4, v, NULL)) != 0)
    return rc;
  for (size_t i = 0; i < 4; i++) {
    char sp[PATH_CAP];
    path_key(sp, kp, keys[i]);
    if (v[i] == NULL) {
      if (i == 3)
        continue; /* phase defaults to 0 */
      return require(L, v[i], n, kp, "The sinusoid", keys[i],
                     "(mean, amplitude and frequency; phase is optional)");
    }
    if ((rc = quantity(L, v[i], dims[i], sp, keys[i], slot[i])) != 0)
      return rc;
    if (i < 3 && !(*slot[i] >= 0))
      return fail(L, SLP_ERANGE, v[i], sp, "%s must be >= 0 Hz, not %g Hz.",
                  keys[i], *slot[i]);
  }
  if (pr->amplitude_hz > pr->mean_hz) {
    char sp[PATH_CAP];
    path_key(sp, kp, "amplitude");
    return fail(L, SLP_ERANGE, v[1], sp, "The amplitude (%g Hz) exceeds the "
                "mean (%g Hz), so the rate would go below 0 Hz.",
                pr->amplitude_hz, pr->mean_hz);
  }
  return 0;
}

/* rate: {schedule: ...} | {sinusoid: ...} | {file: ...} into pr; the
 * schedule's arrays are allocated into *t and *r (the caller frees). */
static int load_rate_shape(loader *L, const yaml_node_t *rate,
                           const char *path, slp_poisson_process *pr,
                           double **t, double **r) {
  char kp[PATH_CAP];
  path_key(kp, path, "rate");
  int rc = check_map(L, rate, kp, kp);
  if (rc != 0)
    return rc;
  static const char *const keys[] = {"schedule", "sinusoid", "file"};
  yaml_node_t *v[3];
  if ((rc = fields(L, rate, kp, "a time-varying rate", keys, 3, v, NULL)) != 0)
    return rc;
  if ((v[0] != NULL) + (v[1] != NULL) + (v[2] != NULL) != 1)
    return fail(L, SLP_EKEY, rate, kp, "A time-varying rate takes exactly "
                "one of 'schedule', 'sinusoid' or 'file'.");
  char sp[PATH_CAP];
  if (v[1] != NULL) {
    path_key(sp, kp, "sinusoid");
    pr->shape = SLP_RATE_SINUSOID;
    return load_sinusoid(L, v[1], sp, pr);
  }
  pr->shape = SLP_RATE_SCHEDULE;
  path_key(sp, kp, v[0] != NULL ? "schedule" : "file");
  rc = v[0] != NULL ? schedule_inline(L, v[0], sp, t, r, &pr->n_segments)
                    : schedule_csv(L, v[2], sp, t, r, &pr->n_segments);
  pr->times_ms = *t;
  pr->rates_hz = *r;
  return rc;
}

/*
 * The process keys of a Poisson input added as group `id`: a time-varying
 * `rate` (poisson only; vrate NULL otherwise), `dead_time` (poisson only),
 * `discretisation` and `dt`.  Nothing to do when none is given.
 */
static int load_process(loader *L, uint32_t id, const yaml_node_t *map,
                        const char *path, const yaml_node_t *vrate,
                        const yaml_node_t *dead, const yaml_node_t *disc,
                        const yaml_node_t *dt) {
  if (vrate == NULL && dead == NULL && disc == NULL && dt == NULL)
    return 0;
  char kp[PATH_CAP];
  slp_poisson_process pr;
  slp_poisson_process_init(&pr);
  double *t = NULL, *r = NULL;
  int rc = 0, bernoulli = 0;
  if (disc != NULL) {
    const char *what = NULL;
    path_key(kp, path, "discretisation");
    if ((rc = text_of(L, disc, kp, "discretisation", &what)) != 0)
      return rc;
    if (strcmp(what, "bernoulli") == 0)
      bernoulli = 1;
    else if (strcmp(what, "continuous") != 0)
      return fail(L, SLP_EINVAL, disc, kp, "discretisation must be "
                  "'continuous' (exact spike times, the default) or "
                  "'bernoulli' (Norse's: at most one spike per step of dt), "
                  "not '%.40s'.", what);
  }
  if (dt != NULL) {
    path_key(kp, path, "dt");
    if (!bernoulli)
      return fail(L, SLP_EKEY, dt, kp, "dt is the step of the Bernoulli "
                  "discretisation; it goes with 'discretisation: "
                  "bernoulli'.");
    if ((rc = quantity(L, dt, SLP_DIM_TIME, kp, "dt", &pr.dt_ms)) != 0)
      return rc;
    if (!(pr.dt_ms >= TICK_MS) || pr.dt_ms > MAX_TIME_MS)
      return fail(L, SLP_ERANGE, dt, kp, "dt must be at least 1 ns and "
                  "within 292 years, not %g ms.", pr.dt_ms);
  } else if (bernoulli) {
    pr.dt_ms = 1.0; /* Norse's poisson_encode default, dt = 0.001 s */
  }
  if (dead != NULL) {
    path_key(kp, path, "dead_time");
    if (vrate != NULL || bernoulli)
      return fail(L, SLP_EKEY, dead, kp, "dead_time works only with a "
                  "constant rate per source in continuous time, not with %s.",
                  vrate != NULL ? "a time-varying rate"
                                : "discretisation: bernoulli");
    if ((rc = quantity(L, dead, SLP_DIM_TIME, kp, "dead_time",
                       &pr.dead_time_ms)) != 0)
      return rc;
    if (!(pr.dead_time_ms >= 0) || pr.dead_time_ms > MAX_TIME_MS)
      return fail(L, SLP_ERANGE, dead, kp, "dead_time must be >= 0 and "
                  "within 292 years, not %g ms.", pr.dead_time_ms);
  }
  if (vrate == NULL && !bernoulli && pr.dead_time_ms == 0)
    return 0; /* the plain process, drawn as poisson.c draws it */
  if (vrate != NULL && (rc = load_rate_shape(L, vrate, path, &pr, &t, &r)) != 0)
    goto done;
  rc = slp_network_set_poisson_process(L->net, id, &pr);
  if (rc == SLP_ERANGE && dead != NULL) {
    path_key(kp, path, "dead_time");
    rc = fail(L, rc, dead, kp, "With a dead time of %g ms no source can fire "
              "at %g Hz or more (one spike per dead time); a rate reaches "
              "that.", pr.dead_time_ms, 1000.0 / pr.dead_time_ms);
  } else if (rc != 0) {
    rc = fail(L, rc, map, path, "The Poisson process was refused: %s.",
              slp_strerror(rc));
  }
done:
  slp__free(t);
  slp__free(r);
  return rc;
}

/* ---------------------------------------------------------------------- */
/* inputs: spike data sets (N-MNIST, Spiking Heidelberg Digits)           */
/* ---------------------------------------------------------------------- */

/* A reader's diag (naming the data file) re-reported at the model's `file`
 * key, so that the message names both the model line and the data file. */
static int reader_failed(loader *L, int rc, const yaml_node_t *at,
                         const char *kp) {
  char msg[sizeof L->diag->message];
  snprintf(msg, sizeof msg, "%s", L->diag->message[0]
                                      ? L->diag->message
                                      : slp_strerror(rc));
  return fail(L, rc, at, kp, "%s", msg);
}

/* gap: a time >= 0, 0 when absent. */
static int load_gap(loader *L, const yaml_node_t *n, const char *path,
                    double *out) {
  *out = 0.0;
  if (n == NULL)
    return 0;
  char kp[PATH_CAP];
  path_key(kp, path, "gap");
  int rc = quantity(L, n, SLP_DIM_TIME, kp, "gap", out);
  if (rc == 0 && (!(*out >= 0) || *out > MAX_TIME_MS))
    rc = fail(L, SLP_ERANGE, n, kp, "gap must be >= 0 and within 292 years, "
              "not %g ms.", *out);
  return rc;
}

static int load_nmnist(loader *L, const yaml_node_t *key,
                       const yaml_node_t *map, const char *name,
                       const char *path, uint32_t size,
                       const yaml_node_t *file, const yaml_node_t *gap) {
  char kp[PATH_CAP];
  int rc = require(L, file, map, path, path, "file",
                   "(an N-MNIST event file, or a list of them)");
  if (rc != 0)
    return rc;
  if (size != SLP_NMNIST_SOURCES) {
    path_key(kp, path, "size");
    return fail(L, SLP_EINVAL, map, kp, "An nmnist input has 2 x 34 x 34 = "
                "%u sources (polarity, y, x), not %u.", SLP_NMNIST_SOURCES,
                size);
  }
  double gap_ms;
  if ((rc = load_gap(L, gap, path, &gap_ms)) != 0)
    return rc;
  path_key(kp, path, "file");
  size_t n = file->type == YAML_SEQUENCE_NODE ? seq_len(file) : 1;
  if (n == 0)
    return fail(L, SLP_EINVAL, file, kp, "file is an empty list; give at "
                "least one N-MNIST file.");
  char **paths = slp__calloc(n, sizeof *paths);
  if (paths == NULL)
    return oom(L, file, kp);
  for (size_t i = 0; i < n && rc == 0; i++) {
    char ip[PATH_CAP];
    const yaml_node_t *item = file;
    snprintf(ip, sizeof ip, "%s", kp);
    if (file->type == YAML_SEQUENCE_NODE) {
      path_index(ip, kp, i);
      item = node(L, file->data.sequence.items.start[i]);
    }
    const char *rel = NULL;
    if ((rc = text_of(L, item, ip, "file", &rel)) != 0)
      break;
    if (rel[0] == '\0') {
      rc = fail(L, SLP_EINVAL, item, ip, "The file name is empty.");
      break;
    }
    if ((paths[i] = resolve(L, rel)) == NULL)
      rc = oom(L, item, ip);
  }
  uint32_t id = 0;
  if (rc == 0) {
    rc = slp_network_add_nmnist(L->net, name, (const char *const *)paths, n,
                                gap_ms, L->diag, &id);
    rc = rc == 0 ? added(L, rc, key, path, name, id, size)
                 : reader_failed(L, rc, file, kp);
  }
  for (size_t i = 0; i < n; i++)
    slp__free(paths[i]);
  slp__free(paths);
  return rc;
}

static int load_shd(loader *L, const yaml_node_t *key, const yaml_node_t *map,
                    const char *name, const char *path, uint32_t size,
                    const yaml_node_t *file, const yaml_node_t *samples,
                    const yaml_node_t *gap) {
  char kp[PATH_CAP];
  int rc = require(L, file, map, path, path, "file",
                   "(a Spiking Heidelberg Digits style HDF5 file)");
  if (rc == 0)
    rc = require(L, samples, map, path, path, "samples",
                 "(the sample indices to present, e.g. samples: [0, 3, 5])");
  double gap_ms;
  if (rc != 0 || (rc = load_gap(L, gap, path, &gap_ms)) != 0)
    return rc;
  path_key(kp, path, "samples");
  size_t n = samples->type == YAML_SEQUENCE_NODE ? seq_len(samples) : 1;
  if (n == 0)
    return fail(L, SLP_EINVAL, samples, kp, "samples is an empty list; give "
                "at least one sample index.");
  uint64_t *idx = slp__malloc(n * sizeof *idx);
  if (idx == NULL)
    return oom(L, samples, kp);
  for (size_t i = 0; i < n && rc == 0; i++) {
    char ip[PATH_CAP];
    const yaml_node_t *item = samples;
    snprintf(ip, sizeof ip, "%s", kp);
    if (samples->type == YAML_SEQUENCE_NODE) {
      path_index(ip, kp, i);
      item = node(L, samples->data.sequence.items.start[i]);
    }
    rc = whole(L, item, ip, "A sample index", 0, UINT64_MAX - 1, &idx[i]);
  }
  const char *rel = NULL;
  char *full = NULL;
  path_key(kp, path, "file");
  if (rc == 0 && (rc = text_of(L, file, kp, "file", &rel)) == 0) {
    if (rel[0] == '\0')
      rc = fail(L, SLP_EINVAL, file, kp, "The file name is empty.");
    else if ((full = resolve(L, rel)) == NULL)
      rc = oom(L, file, kp);
  }
  uint32_t id = 0;
  if (rc == 0) {
    rc = slp_network_add_shd(L->net, name, size, full, idx, n, gap_ms,
                             L->diag, &id);
    rc = rc == 0 ? added(L, rc, key, path, name, id, size)
                 : reader_failed(L, rc, file, kp);
  }
  slp__free(full);
  slp__free(idx);
  return rc;
}

/* Keys of an input, as indices into input_keys. */
enum {
  K_TYPE, K_SIZE, K_RATE, K_SPIKES, K_FILE, K_VALUE, K_F_MAX, K_PHASE,
  K_JITTER, K_PARAMS, K_INIT, K_SCALE, K_DEAD_TIME, K_DISCRETISATION, K_DT,
  K_SAMPLES, K_GAP, K_COUNT
};

static const char *const input_keys[K_COUNT] = {
    "type",  "size",   "rate",   "spikes", "file", "value",
    "f_max", "phase",  "jitter", "params", "init", "scale",
    "dead_time", "discretisation", "dt", "samples", "gap"};

/* The input types, as indices into input_types. */
enum {
  T_POISSON, T_SPIKE_ARRAY, T_REGULAR, T_CONSTANT_CURRENT_LIF, T_LATENCY,
  T_SIGNED_POISSON, T_POPULATION, T_NMNIST, T_SHD
};

/* The input types and the keys each takes, in the order of the T_ names. */
static const struct {
  const char *name;  /* the value of type: */
  const char *what;  /* how messages name such an input */
  int keys[12];      /* its keys (indices into input_keys), -1 ends */
} input_types[] = {
    {"poisson", "a poisson input",
     {K_TYPE, K_SIZE, K_RATE, K_VALUE, K_F_MAX, K_DEAD_TIME, K_DISCRETISATION,
      K_DT, -1}},
    {"spike_array", "a spike_array input", {K_TYPE, K_SIZE, K_SPIKES, K_FILE, -1}},
    {"regular", "a regular input", {K_TYPE, K_SIZE, K_RATE, K_PHASE, K_JITTER, -1}},
    {"constant_current_lif", "a constant_current_lif input",
     {K_TYPE, K_SIZE, K_VALUE, K_PARAMS, K_INIT, -1}},
    {"latency", "a latency input", {K_TYPE, K_SIZE, K_VALUE, K_PARAMS, K_INIT, -1}},
    {"signed_poisson", "a signed_poisson input",
     {K_TYPE, K_SIZE, K_VALUE, K_F_MAX, K_DISCRETISATION, K_DT, -1}},
    {"population", "a population input",
     {K_TYPE, K_SIZE, K_VALUE, K_SCALE, K_F_MAX, K_DISCRETISATION, K_DT, -1}},
    {"nmnist", "an nmnist input", {K_TYPE, K_SIZE, K_FILE, K_GAP, -1}},
    {"shd", "an shd input", {K_TYPE, K_SIZE, K_FILE, K_SAMPLES, K_GAP, -1}},
};

#define N_INPUT_TYPES (sizeof input_types / sizeof input_types[0])

static int load_input(loader *L, const yaml_node_t *key, const yaml_node_t *n,
                      const char *name) {
  char path[PATH_CAP], kp[PATH_CAP];
  path_key(path, "inputs", name);
  int rc = check_name(L, key, path, "input", name);
  if (rc != 0)
    return rc;
  if ((rc = check_map(L, n, path, path)) != 0)
    return rc;
  yaml_node_t *v[K_COUNT], *k[K_COUNT];
  if ((rc = fields(L, n, path, path, input_keys, K_COUNT, v, k)) != 0)
    return rc;
  if ((rc = require(L, v[K_TYPE], n, path, path, "type",
                    "(poisson, spike_array, regular, constant_current_lif, "
                    "latency, nmnist, shd, signed_poisson or population)")) != 0)
    return rc;
  const char *type = NULL;
  path_key(kp, path, "type");
  if ((rc = text_of(L, v[K_TYPE], kp, "type", &type)) != 0)
    return rc;
  size_t t = 0;
  while (t < N_INPUT_TYPES && strcmp(type, input_types[t].name) != 0)
    t++;
  if (t == N_INPUT_TYPES)
    return fail(L, SLP_EINVAL, v[K_TYPE], kp, "The input type must be "
                "'poisson', 'spike_array', 'regular', 'constant_current_lif', "
                "'latency', 'nmnist', 'shd', 'signed_poisson' or 'population', "
                "not '%.40s'.",
                type);
  /* Now that the type is known, check its keys again more narrowly, so that
   * `spikes:` on a poisson input is an unknown key, not silently ignored. */
  const char *allowed[K_COUNT];
  size_t n_allowed = 0;
  for (const int *i = input_types[t].keys; *i >= 0; i++)
    allowed[n_allowed++] = input_keys[*i];
  yaml_node_t *w[K_COUNT];
  if ((rc = fields(L, n, path, input_types[t].what, allowed, n_allowed, w,
                   NULL)) != 0)
    return rc;
  if ((rc = require(L, v[K_SIZE], n, path, path, "size",
                    t == T_POPULATION
                        ? "(the number of receptive fields per value)"
                        : "(the number of sources)")) != 0)
    return rc;
  uint64_t size;
  path_key(kp, path, "size");
  if ((rc = whole(L, v[K_SIZE], kp, "size", 1, UINT32_MAX - 1, &size)) != 0)
    return rc;
  uint32_t sz = (uint32_t)size;
  switch (t) {
  case T_POISSON:
    if (v[K_VALUE] != NULL) {
      if (v[K_RATE] != NULL) {
        path_key(kp, path, "rate");
        return fail(L, SLP_EKEY, k[K_RATE], kp, "A poisson input takes "
                    "either 'rate' or 'value' (with f_max), not both.");
      }
      rc = load_poisson_value(L, key, name, path, sz, v[K_VALUE],
                              v[K_F_MAX]);
      return rc ? rc : load_process(L, (uint32_t)(L->n_groups - 1), n, path,
                                    NULL, v[K_DEAD_TIME],
                                    v[K_DISCRETISATION], v[K_DT]);
    }
    if (v[K_F_MAX] != NULL) {
      path_key(kp, path, "f_max");
      return fail(L, SLP_EKEY, k[K_F_MAX], kp, "f_max goes with 'value' "
                  "(rate = f_max * value); with 'rate' it means nothing.");
    }
    if ((rc = require(L, v[K_RATE], n, path, path, "rate",
                      "(e.g. rate: 10 Hz, or value: 0.5 with f_max)")) != 0)
      return rc;
    if (rate_varies(L, v[K_RATE])) {
      /* The sources start at 0 Hz; the process gives them their rate. */
      uint32_t id = 0;
      slp_dist zero = slp_dist_const(0.0);
      rc = added(L, slp_network_add_poisson(L->net, name, sz, &zero, NULL,
                                            &id),
                 key, path, name, id, sz);
      return rc ? rc : load_process(L, id, n, path, v[K_RATE],
                                    v[K_DEAD_TIME], v[K_DISCRETISATION],
                                    v[K_DT]);
    }
    rc = load_poisson(L, key, name, path, sz, v[K_RATE]);
    return rc ? rc : load_process(L, (uint32_t)(L->n_groups - 1), n, path,
                                  NULL, v[K_DEAD_TIME], v[K_DISCRETISATION],
                                  v[K_DT]);
  case T_SPIKE_ARRAY:
    return load_spike_array(L, key, n, name, path, sz, v[K_SPIKES],
                            v[K_FILE]);
  case T_REGULAR:
    if ((rc = require(L, v[K_RATE], n, path, path, "rate",
                      "(e.g. rate: 10 Hz)")) != 0)
      return rc;
    return load_regular(L, key, name, path, sz, v[K_RATE], v[K_PHASE],
                        v[K_JITTER]);
  case T_CONSTANT_CURRENT_LIF:
  case T_LATENCY:
    if ((rc = require(L, v[K_VALUE], n, path, path, "value",
                      "(the input current, e.g. value: 1.5)")) != 0)
      return rc;
    return load_lif_encoder(L, key, n, name, path, sz,
                            t == T_CONSTANT_CURRENT_LIF
                                ? SLP_ENCODE_CONSTANT_CURRENT
                                : SLP_ENCODE_LATENCY,
                            v[K_VALUE], v[K_PARAMS], v[K_INIT]);
  case T_SIGNED_POISSON:
    if ((rc = require(L, v[K_VALUE], n, path, path, "value",
                      "(e.g. value: -0.5)")) != 0)
      return rc;
    rc = load_signed_poisson(L, key, name, path, sz, v[K_VALUE],
                             v[K_F_MAX]);
    return rc ? rc : load_process(L, (uint32_t)(L->n_groups - 1), n, path,
                                  NULL, NULL, v[K_DISCRETISATION], v[K_DT]);
  case T_NMNIST:
    return load_nmnist(L, key, n, name, path, sz, v[K_FILE], v[K_GAP]);
  case T_SHD:
    return load_shd(L, key, n, name, path, sz, v[K_FILE], v[K_SAMPLES],
                    v[K_GAP]);
  default: /* T_POPULATION */
    if ((rc = require(L, v[K_VALUE], n, path, path, "value",
                      "(the value or values to encode)")) != 0)
      return rc;
    rc = load_population_code(L, key, name, path, sz, v[K_VALUE],
                              v[K_SCALE], v[K_F_MAX]);
    return rc ? rc : load_process(L, (uint32_t)(L->n_groups - 1), n, path,
                                  NULL, NULL, v[K_DISCRETISATION], v[K_DT]);
  }
}

static int load_inputs(loader *L, const yaml_node_t *n) {
  if (is_null(n))
    return 0;
  int rc = check_map(L, n, "inputs", "inputs");
  if (rc != 0)
    return rc;
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top; p++)
    if ((rc = load_input(L, node(L, p->key), node(L, p->value),
                         key_text(L, p))) != 0)
      return rc;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* projections                                                            */
/* ---------------------------------------------------------------------- */

/* A projection's connection list being collected. */
typedef struct pair_list {
  uint32_t *v;   /* pre, post, pre, post, ... */
  size_t n;      /* pairs */
  size_t cap;    /* capacity in pairs */
} pair_list;

static int push_pair(pair_list *pl, uint32_t pre, uint32_t post) {
  if (pl->n == pl->cap) {
    size_t cap = pl->cap ? 2 * pl->cap : 64;
    if (cap > SIZE_MAX / (2 * sizeof *pl->v))
      return SLP_ENOMEM;
    uint32_t *v = slp__realloc(pl->v, cap * 2 * sizeof *v);
    if (v == NULL)
      return SLP_ENOMEM;
    pl->v = v;
    pl->cap = cap;
  }
  pl->v[2 * pl->n] = pre;
  pl->v[2 * pl->n + 1] = post;
  pl->n++;
  return 0;
}

/* from_list: [[pre, post], ...]. */
static int pairs_inline(loader *L, const yaml_node_t *n, const char *kp,
                        uint64_t n_pre, uint64_t n_post, pair_list *pl) {
  if (n->type != YAML_SEQUENCE_NODE)
    return fail(L, SLP_EPARSE, n, kp, "from_list must be a list of [pre, "
                "post] pairs, not %s.", node_kind(n));
  for (size_t k = 0; k < seq_len(n); k++) {
    char ip[PATH_CAP];
    path_index(ip, kp, k);
    const yaml_node_t *pair = node(L, n->data.sequence.items.start[k]);
    if (pair->type != YAML_SEQUENCE_NODE || seq_len(pair) != 2)
      return fail(L, SLP_EPARSE, pair, ip, "Each entry of from_list must be a "
                  "pair [pre, post] of neuron indices.");
    uint64_t pre, post;
    const yaml_node_t *a = node(L, pair->data.sequence.items.start[0]);
    const yaml_node_t *b = node(L, pair->data.sequence.items.start[1]);
    int rc = whole(L, a, ip, "the pre index", 0, UINT32_MAX, &pre);
    if (rc == 0)
      rc = whole(L, b, ip, "the post index", 0, UINT32_MAX, &post);
    if (rc != 0)
      return rc;
    if (pre >= n_pre)
      return fail(L, SLP_ERANGE, a, ip, "The pre index %llu is out of range: "
                  "the source has %llu neurons or sources (0 to %llu).",
                  (unsigned long long)pre, (unsigned long long)n_pre,
                  (unsigned long long)(n_pre - 1));
    if (post >= n_post)
      return fail(L, SLP_ERANGE, b, ip, "The post index %llu is out of range: "
                  "the targets have %llu neurons (0 to %llu).",
                  (unsigned long long)post, (unsigned long long)n_post,
                  (unsigned long long)(n_post - 1));
    if (push_pair(pl, (uint32_t)pre, (uint32_t)post) != 0)
      return oom(L, pair, ip);
  }
  return 0;
}

/* from_file: a CSV of pre,post. */
static int pairs_csv(loader *L, const yaml_node_t *n, const char *kp,
                     uint64_t n_pre, uint64_t n_post, pair_list *pl) {
  const char *rel = NULL;
  int rc = text_of(L, n, kp, "from_file", &rel);
  if (rc != 0)
    return rc;
  csv c;
  if ((rc = csv_open(L, &c, n, kp, rel)) != 0)
    return rc;
  while ((rc = csv_next(L, &c, kp)) == 1) {
    char *f[2];
    unsigned col[2];
    size_t nf = csv_split(&c, f, col, 2);
    uint64_t idx[2], lim[2] = {n_pre, n_post};
    static const char *const what[] = {"pre", "post"};
    if (nf != 2) {
      rc = fail_at(L, SLP_EPARSE, c.path, c.line, 1, kp, "Line %u has %s "
                   "fields; a connection is 'pre,post'.", c.line,
                   nf < 2 ? "too few" : "too many");
      break;
    }
    for (int j = 0; j < 2 && rc == 1; j++) {
      int ok = csv_index(f[j], lim[j], &idx[j]);
      if (ok < 0)
        rc = fail_at(L, SLP_ERANGE, c.path, c.line, col[j], kp, "The %s index "
                     "%.20s on line %u is out of range (0 to %llu).", what[j],
                     f[j], c.line, (unsigned long long)(lim[j] - 1));
      else if (ok == 0)
        rc = fail_at(L, SLP_EPARSE, c.path, c.line, col[j], kp, "The %s index "
                     "'%.40s' on line %u is not a whole number.", what[j],
                     f[j], c.line);
    }
    if (rc != 1)
      break;
    if (push_pair(pl, (uint32_t)idx[0], (uint32_t)idx[1]) != 0) {
      rc = fail_at(L, SLP_ENOMEM, c.path, c.line, 0, kp, "Out of memory while "
                   "reading '%.200s'.", c.path);
      break;
    }
  }
  csv_close(&c);
  return rc < 0 ? rc : 0;
}

/* The rules that may appear as keys of `connect`. */
static const char *const rule_names[] = {
    "all_to_all",     "one_to_one", "fixed_probability", "fixed_indegree",
    "fixed_outdegree", "from_list", "from_file"};
static const slp_connect_rule rule_ids[] = {
    SLP_CONNECT_ALL_TO_ALL,     SLP_CONNECT_ONE_TO_ONE,
    SLP_CONNECT_FIXED_PROBABILITY, SLP_CONNECT_FIXED_INDEGREE,
    SLP_CONNECT_FIXED_OUTDEGREE, SLP_CONNECT_LIST, SLP_CONNECT_LIST};
#define N_RULES (sizeof rule_names / sizeof rule_names[0])

/* connect: a rule name, or {rule: arg, autapses: .., multapses: ..}. */
static int load_connect(loader *L, const yaml_node_t *n, const char *path,
                        uint64_t n_pre, uint64_t n_post,
                        slp_projection_spec *spec, pair_list *pl) {
  int rc;
  if (n->type == YAML_SCALAR_NODE) {
    const char *s = NULL;
    if ((rc = text_of(L, n, path, "connect", &s)) != 0)
      return rc;
    for (size_t r = 0; r < 2; r++)
      if (strcmp(s, rule_names[r]) == 0) {
        spec->rule = rule_ids[r];
        return 0;
      }
    return fail(L, SLP_EINVAL, n, path, "The connection rule '%.40s' is not "
                "known; write one_to_one, all_to_all, or a mapping such as "
                "{fixed_probability: 0.1}.", s);
  }
  if ((rc = check_map(L, n, path, "connect")) != 0)
    return rc;
  const char *keys[N_RULES + 2];
  for (size_t r = 0; r < N_RULES; r++)
    keys[r] = rule_names[r];
  keys[N_RULES] = "autapses";
  keys[N_RULES + 1] = "multapses";
  yaml_node_t *v[N_RULES + 2], *k[N_RULES + 2];
  if ((rc = fields(L, n, path, "connect", keys, N_RULES + 2, v, k)) != 0)
    return rc;
  size_t rule = N_RULES, given = 0;
  for (size_t r = 0; r < N_RULES; r++)
    if (v[r] != NULL) {
      given++;
      if (given == 2) {
        char kp[PATH_CAP];
        path_key(kp, path, rule_names[r]);
        return fail(L, SLP_EINVAL, k[r], kp, "connect gives two rules, '%s' "
                    "and '%s'; a projection has exactly one.",
                    rule_names[rule], rule_names[r]);
      }
      rule = r;
    }
  if (rule == N_RULES)
    return fail(L, SLP_EKEY, n, path, "connect has no rule; give one of "
                "fixed_probability, fixed_indegree, fixed_outdegree, "
                "from_list, from_file, all_to_all or one_to_one.");
  spec->rule = rule_ids[rule];
  char kp[PATH_CAP];
  path_key(kp, path, rule_names[rule]);
  const yaml_node_t *arg = v[rule];
  switch (spec->rule) {
  case SLP_CONNECT_ALL_TO_ALL:
  case SLP_CONNECT_ONE_TO_ONE: {
    int on = 1;
    if (!is_null(arg) && (rc = boolean(L, arg, kp, rule_names[rule], &on)) != 0)
      return rc;
    if (!on)
      return fail(L, SLP_EINVAL, arg, kp, "%s: false does not say which rule "
                  "to use; give the rule you want instead.", rule_names[rule]);
    break;
  }
  case SLP_CONNECT_FIXED_PROBABILITY:
    if ((rc = quantity(L, arg, SLP_DIM_NONE, kp, "fixed_probability",
                       &spec->p)) != 0)
      return rc;
    if (!(spec->p >= 0 && spec->p <= 1))
      return fail(L, SLP_ERANGE, arg, kp, "fixed_probability is a "
                  "probability and must be between 0 and 1, not %g.", spec->p);
    break;
  case SLP_CONNECT_FIXED_INDEGREE:
  case SLP_CONNECT_FIXED_OUTDEGREE:
    if ((rc = whole(L, arg, kp, rule_names[rule], 0, UINT32_MAX, &spec->k)) != 0)
      return rc;
    break;
  case SLP_CONNECT_LIST:
    if (strcmp(rule_names[rule], "from_list") == 0)
      rc = pairs_inline(L, arg, kp, n_pre, n_post, pl);
    else
      rc = pairs_csv(L, arg, kp, n_pre, n_post, pl);
    if (rc != 0)
      return rc;
    spec->pairs = pl->v;
    spec->n_pairs = pl->n;
    break;
  }
  if (v[N_RULES] != NULL) {
    path_key(kp, path, "autapses");
    if ((rc = boolean(L, v[N_RULES], kp, "autapses", &spec->autapses)) != 0)
      return rc;
  }
  if (v[N_RULES + 1] != NULL) {
    path_key(kp, path, "multapses");
    if (spec->rule != SLP_CONNECT_FIXED_INDEGREE &&
        spec->rule != SLP_CONNECT_FIXED_OUTDEGREE)
      return fail(L, SLP_EKEY, k[N_RULES + 1], kp, "multapses applies only to "
                  "fixed_indegree and fixed_outdegree, not to %s.",
                  rule_names[rule]);
    if ((rc = boolean(L, v[N_RULES + 1], kp, "multapses", &spec->multapses)) != 0)
      return rc;
  }
  return 0;
}

/* A delay that could be <= 0 (or shorter than a tick) is refused here, with
 * the line, rather than later by the network without one. */
static int check_delay(loader *L, const yaml_node_t *n, const char *kp,
                       const slp_dist *d) {
  switch (d->kind) {
  case SLP_DIST_CONST:
    if (!(d->a >= TICK_MS))
      return fail(L, SLP_ERANGE, n, kp, "delay must be > 0 (at least 1 ns), "
                  "but it is %g ms.", d->a);
    break;
  case SLP_DIST_UNIFORM:
    if (!(d->a >= TICK_MS))
      return fail(L, SLP_ERANGE, n, kp, "The low bound of a uniform delay "
                  "must be > 0 (at least 1 ns), but it is %g ms.", d->a);
    break;
  case SLP_DIST_NORMAL:
    if (!(d->lo >= TICK_MS) && !(d->b == 0 && d->a >= TICK_MS))
      return fail(L, SLP_ERANGE, n, kp, "A normal delay needs clip: [low, "
                  "high] with low > 0, so that no delay is zero or negative.");
    break;
  }
  return 0;
}

/* A group reference by name (from/to). */
static int group_ref(loader *L, const yaml_node_t *n, const char *kp,
                     const char *leaf, uint32_t *id) {
  const char *s = NULL;
  int rc = text_of(L, n, kp, leaf, &s);
  if (rc != 0)
    return rc;
  if (slp_network_find(L->net, s, id) != 0)
    return fail(L, SLP_ENOENT, n, kp, "There is no population or input "
                "named '%.64s'.", s);
  return 0;
}

/*
 * plasticity: {rule: stdp, ...} on projection `proj` (docs/model-file.md).
 * Algorithm names beyond Norse's four are presets of multiplicative_pow:
 * multiplicative (mu = 1) and van_rossum (mu_plus = 0, mu_minus = 1).
 */
enum {
  PL_RULE, PL_ALGORITHM, PL_PAIRING, PL_TAU_PRE, PL_TAU_POST, PL_ETA_PLUS,
  PL_ETA_MINUS, PL_A_PRE, PL_A_POST, PL_W_MIN, PL_W_MAX, PL_MU, PL_MU_PLUS,
  PL_MU_MINUS, PL_HARDBOUND, PL_AXONAL_DELAY, PL_STDP_COUNT,
  /* triplet only */
  PL_SET = PL_STDP_COUNT, PL_TAU_X, PL_TAU_Y, PL_A2_PLUS, PL_A3_PLUS,
  PL_A2_MINUS, PL_A3_MINUS, PL_TRIPLET_END,
  /* tsodyks_markram */
  PL_U = PL_TRIPLET_END, PL_TAU_F, PL_TAU_D, PL_TAU_FAC, PL_TAU_REC, PL_COUNT
};
static const char *const plasticity_keys[PL_COUNT] = {
    "rule",      "algorithm", "pairing",  "tau_pre",      "tau_post",
    "eta_plus",  "eta_minus", "a_pre",    "a_post",       "w_min",
    "w_max",     "mu",        "mu_plus",  "mu_minus",     "hardbound",
    "axonal_delay", "set",    "tau_x",    "tau_y",        "a2_plus",
    "a3_plus",   "a2_minus",  "a3_minus", "U",            "tau_f",
    "tau_d",     "tau_fac",   "tau_rec"};

/* rule: tsodyks_markram {U, tau_f (tau_fac), tau_d (tau_rec)}: v holds the
 * plasticity mapping's values by key. */
static int load_stp(loader *L, const yaml_node_t *n, const char *path,
                    uint32_t proj, yaml_node_t **v) {
  char kp[PATH_CAP];
  for (size_t k = 1; k < PL_TRIPLET_END; k++)
    if (v[k] != NULL) {
      path_key(kp, path, plasticity_keys[k]);
      return fail(L, SLP_EKEY, v[k], kp, "%s is a key of rule stdp or "
                  "triplet; rule "
                  "tsodyks_markram takes U, tau_f (or tau_fac) and tau_d (or "
                  "tau_rec).", plasticity_keys[k]);
    }
  static const int pairs[2][2] = {{PL_TAU_F, PL_TAU_FAC}, {PL_TAU_D, PL_TAU_REC}};
  for (size_t k = 0; k < 2; k++)
    if (v[pairs[k][0]] != NULL && v[pairs[k][1]] != NULL) {
      path_key(kp, path, plasticity_keys[pairs[k][1]]);
      return fail(L, SLP_EKEY, v[pairs[k][1]], kp, "%s and %s name the same "
                  "time constant; give one.", plasticity_keys[pairs[k][0]],
                  plasticity_keys[pairs[k][1]]);
    }
  slp_stp_params p;
  slp_stp_params_init(&p);
  int rc = 0;
  const yaml_node_t *at[3] = {v[PL_U], NULL, NULL};
  if (v[PL_U] != NULL) {
    path_key(kp, path, "U");
    rc = quantity(L, v[PL_U], SLP_DIM_NONE, kp, "U", &p.U);
  }
  for (size_t k = 0; rc == 0 && k < 2; k++) {
    int key = v[pairs[k][0]] != NULL ? pairs[k][0] : pairs[k][1];
    if (v[key] == NULL)
      continue;
    at[1 + k] = v[key];
    path_key(kp, path, plasticity_keys[key]);
    rc = quantity(L, v[key], SLP_DIM_TIME, kp, plasticity_keys[key],
                  k == 0 ? &p.tau_f_ms : &p.tau_d_ms);
  }
  if (rc != 0)
    return rc;
  slp_diag d;
  memset(&d, 0, sizeof d);
  rc = slp_network_set_stp(L->net, proj, &p, &d);
  if (rc == SLP_ENOMEM)
    return oom(L, n, path);
  if (rc != 0) {
    int which = !strcmp(d.key, "U") ? 0 : !strcmp(d.key, "tau_f") ? 1 : 2;
    const yaml_node_t *where = at[which] != NULL ? at[which] : n;
    path_key(kp, path, d.key[0] ? d.key : "rule");
    return fail(L, rc, where, kp, "%s.", d.message);
  }
  return 0;
}

static int load_plasticity(loader *L, const yaml_node_t *n, const char *path,
                           uint32_t proj) {
  int rc = check_map(L, n, path, path);
  yaml_node_t *v[PL_COUNT];
  if (rc != 0 ||
      (rc = fields(L, n, path, path, plasticity_keys, PL_COUNT, v, NULL)) != 0 ||
      (rc = require(L, v[PL_RULE], n, path, path, "rule",
                    "(e.g. rule: stdp)")) != 0)
    return rc;
  char kp[PATH_CAP];
  const char *s = NULL;
  path_key(kp, path, "rule");
  if ((rc = text_of(L, v[PL_RULE], kp, "rule", &s)) != 0)
    return rc;
  if (strcmp(s, "tsodyks_markram") == 0 || strcmp(s, "tsodyks_makram") == 0)
    return load_stp(L, n, path, proj, v);
  int triplet = strcmp(s, "triplet") == 0;
  if (strcmp(s, "stdp") != 0 && !triplet)
    return fail(L, SLP_EINVAL, v[PL_RULE], kp, "Unknown plasticity rule "
                "'%.40s'; the rules are stdp (pair-based STDP), triplet "
                "(Pfister & Gerstner 2006) and tsodyks_markram (short-term "
                "plasticity).", s);
  for (size_t k = triplet ? PL_TRIPLET_END : PL_STDP_COUNT; k < PL_COUNT; k++)
    if (v[k] != NULL) {
      path_key(kp, path, plasticity_keys[k]);
      return fail(L, SLP_EKEY, v[k], kp, "%s is not a key of rule %s.",
                  plasticity_keys[k], triplet ? "triplet" : "stdp");
    }
  slp_stdp_params p;
  slp_stdp_params_init(&p);
  if (triplet) {
    const char *set = "visual_cortex";
    if (v[PL_SET] != NULL) {
      path_key(kp, path, "set");
      if ((rc = text_of(L, v[PL_SET], kp, "set", &set)) != 0)
        return rc;
    }
    if (slp_stdp_triplet_set(&p, set) != 0)
      return fail(L, SLP_EINVAL, v[PL_SET], kp, "Unknown triplet parameter "
                  "set '%.40s'; the sets are visual_cortex (Pfister & "
                  "Gerstner 2006, minimal all-to-all model).", set);
  }
  if (v[PL_ALGORITHM] != NULL) {
    path_key(kp, path, "algorithm");
    if ((rc = text_of(L, v[PL_ALGORITHM], kp, "algorithm", &s)) != 0)
      return rc;
    if (strcmp(s, "multiplicative") == 0) {
      p.algorithm = SLP_STDP_MULTIPLICATIVE_POW;
      p.mu_plus = p.mu_minus = 1.0;
    } else if (strcmp(s, "van_rossum") == 0) {
      p.algorithm = SLP_STDP_MULTIPLICATIVE_POW;
      p.mu_plus = 0.0;
      p.mu_minus = 1.0;
    } else if (slp_stdp_algorithm_parse(s, &p.algorithm) != 0) {
      return fail(L, SLP_EINVAL, v[PL_ALGORITHM], kp, "Unknown STDP algorithm "
                  "'%.40s'; the algorithms are additive, additive_step, "
                  "multiplicative_pow, multiplicative_relu, multiplicative "
                  "and van_rossum.", s);
    }
  }
  if (v[PL_PAIRING] != NULL) {
    path_key(kp, path, "pairing");
    if ((rc = text_of(L, v[PL_PAIRING], kp, "pairing", &s)) != 0)
      return rc;
    if (slp_stdp_pairing_parse(s, &p.pairing) != 0)
      return fail(L, SLP_EINVAL, v[PL_PAIRING], kp, "Unknown STDP pairing "
                  "'%.40s'; the pairings are all, nearest_symmetric, "
                  "nearest_pre_centred and nearest_restricted.", s);
  }
  static const struct {
    int key;
    slp_dim dim;
    size_t off;
  } q[] = {
      {PL_TAU_PRE, SLP_DIM_TIME, offsetof(slp_stdp_params, tau_pre_ms)},
      {PL_TAU_POST, SLP_DIM_TIME, offsetof(slp_stdp_params, tau_post_ms)},
      {PL_ETA_PLUS, SLP_DIM_VOLTAGE, offsetof(slp_stdp_params, eta_plus)},
      {PL_ETA_MINUS, SLP_DIM_VOLTAGE, offsetof(slp_stdp_params, eta_minus)},
      {PL_A_PRE, SLP_DIM_NONE, offsetof(slp_stdp_params, a_pre)},
      {PL_A_POST, SLP_DIM_NONE, offsetof(slp_stdp_params, a_post)},
      {PL_W_MIN, SLP_DIM_VOLTAGE, offsetof(slp_stdp_params, w_min)},
      {PL_W_MAX, SLP_DIM_VOLTAGE, offsetof(slp_stdp_params, w_max)},
      {PL_MU, SLP_DIM_NONE, offsetof(slp_stdp_params, mu_plus)},
      {PL_MU_PLUS, SLP_DIM_NONE, offsetof(slp_stdp_params, mu_plus)},
      {PL_MU_MINUS, SLP_DIM_NONE, offsetof(slp_stdp_params, mu_minus)},
      {PL_AXONAL_DELAY, SLP_DIM_TIME,
       offsetof(slp_stdp_params, axonal_delay_ms)},
      {PL_TAU_X, SLP_DIM_TIME, offsetof(slp_stdp_params, tau_x_ms)},
      {PL_TAU_Y, SLP_DIM_TIME, offsetof(slp_stdp_params, tau_y_ms)},
      {PL_A2_PLUS, SLP_DIM_NONE, offsetof(slp_stdp_params, a2_plus)},
      {PL_A3_PLUS, SLP_DIM_NONE, offsetof(slp_stdp_params, a3_plus)},
      {PL_A2_MINUS, SLP_DIM_NONE, offsetof(slp_stdp_params, a2_minus)},
      {PL_A3_MINUS, SLP_DIM_NONE, offsetof(slp_stdp_params, a3_minus)},
  };
  for (size_t k = 0; k < sizeof q / sizeof q[0]; k++) {
    if (v[q[k].key] == NULL)
      continue;
    const char *leaf = plasticity_keys[q[k].key];
    double x;
    path_key(kp, path, leaf);
    if ((rc = quantity(L, v[q[k].key], q[k].dim, kp, leaf, &x)) != 0)
      return rc;
    *(double *)(void *)((char *)&p + q[k].off) = x;
    if (q[k].key == PL_MU) /* mu sets both exponents */
      p.mu_minus = x;
  }
  if (v[PL_HARDBOUND] != NULL) {
    path_key(kp, path, "hardbound");
    if ((rc = boolean(L, v[PL_HARDBOUND], kp, "hardbound", &p.hardbound)) != 0)
      return rc;
  }
  slp_diag d;
  memset(&d, 0, sizeof d);
  rc = slp_network_set_stdp(L->net, proj, &p, &d);
  if (rc == SLP_ENOMEM)
    return oom(L, n, path);
  if (rc != 0) {
    /* Point at the key the check names, when it was given. */
    const yaml_node_t *at = n;
    for (size_t k = 0; k < PL_COUNT; k++)
      if (v[k] != NULL && strcmp(d.key, plasticity_keys[k]) == 0)
        at = v[k];
    if (at == n && strcmp(d.key, "w_min") == 0 && v[PL_W_MAX] != NULL)
      at = v[PL_W_MAX];
    const char *key = d.key[0] ? d.key : "rule";
    if (at == n && strncmp(d.key, "mu_", 3) == 0 && v[PL_MU] != NULL) {
      at = v[PL_MU]; /* the exponent came from mu */
      key = "mu";
    }
    path_key(kp, path, key);
    return fail(L, rc, at, kp, "%s.", d.message);
  }
  return 0;
}

static int load_projection(loader *L, size_t index, const yaml_node_t *n) {
  char path[PATH_CAP], kp[PATH_CAP];
  path_index(path, "projections", index);
  int rc = check_map(L, n, path, path);
  if (rc != 0)
    return rc;
  static const char *const keys[] = {"name",   "from",  "to",      "connect",
                                     "weight", "delay", "receptor",
                                     "plasticity"};
  yaml_node_t *v[8];
  if ((rc = fields(L, n, path, path, keys, 8, v, NULL)) != 0)
    return rc;
  if ((rc = require(L, v[1], n, path, path, "from", "")) != 0 ||
      (rc = require(L, v[2], n, path, path, "to", "")) != 0 ||
      (rc = require(L, v[3], n, path, path, "connect",
                    "(e.g. connect: {fixed_probability: 0.1})")) != 0 ||
      (rc = require(L, v[4], n, path, path, "weight", "(e.g. weight: 1 mV)")) !=
          0 ||
      (rc = require(L, v[5], n, path, path, "delay", "(e.g. delay: 1 ms)")) !=
          0)
    return rc;
  slp_projection_spec spec;
  slp_projection_spec_init(&spec);
  if (v[0] != NULL) {
    path_key(kp, path, "name");
    if ((rc = text_of(L, v[0], kp, "name", &spec.name)) != 0 ||
        (rc = check_name(L, v[0], kp, "projection", spec.name)) != 0)
      return rc;
  }
  path_key(kp, path, "from");
  if ((rc = group_ref(L, v[1], kp, "from", &spec.from)) != 0)
    return rc;
  /* to: one name or a list of them, concatenated in order. */
  path_key(kp, path, "to");
  const yaml_node_t *to = v[2];
  size_t n_to = to->type == YAML_SEQUENCE_NODE ? seq_len(to) : 1;
  if (to->type == YAML_MAPPING_NODE || n_to == 0)
    return fail(L, SLP_EPARSE, to, kp, "to must name a population or list "
                "populations, not be %s.", n_to == 0 ? "an empty list" :
                node_kind(to));
  uint32_t *ids = slp__malloc(n_to * sizeof *ids);
  if (ids == NULL)
    return oom(L, to, kp);
  pair_list pl = {NULL, 0, 0};
  uint64_t n_post = 0;
  for (size_t k = 0; k < n_to && rc == 0; k++) {
    char ip[PATH_CAP];
    const yaml_node_t *item = to;
    if (to->type == YAML_SEQUENCE_NODE) {
      path_index(ip, kp, k);
      item = node(L, to->data.sequence.items.start[k]);
    } else {
      path_key(ip, path, "to");
    }
    rc = group_ref(L, item, ip, "to", &ids[k]);
    if (rc == 0 && !L->groups[ids[k]].is_pop)
      rc = fail(L, SLP_EINVAL, item, ip, "'%s' is an input; only populations "
                "can be targets of a projection.",
                (const char *)item->data.scalar.value);
    if (rc == 0)
      n_post += L->groups[ids[k]].size;
  }
  spec.to = ids;
  spec.n_to = n_to;
  if (rc == 0) {
    path_key(kp, path, "connect");
    rc = load_connect(L, v[3], kp, L->groups[spec.from].size, n_post, &spec,
                      &pl);
  }
  if (rc == 0) {
    /* A weight is a voltage, or a conductance (a plain number) onto
     * conductance-based models; one projection cannot mix the two. */
    slp_dim wdim = L->groups[ids[0]].weight_dim;
    for (size_t k = 1; k < n_to && rc == 0; k++)
      if (L->groups[ids[k]].weight_dim != wdim)
        rc = fail(L, SLP_EINVAL, to, kp, "to mixes conductance-based and "
                  "current-based populations, whose weights differ in "
                  "kind; use one projection for each.");
    path_key(kp, path, "weight");
    if (rc == 0)
      rc = distribution(L, v[4], wdim, kp, "weight", &spec.weight);
  }
  if (rc == 0) {
    path_key(kp, path, "delay");
    rc = distribution(L, v[5], SLP_DIM_TIME, kp, "delay", &spec.delay);
    if (rc == 0)
      rc = check_delay(L, v[5], kp, &spec.delay);
  }
  if (rc == 0 && v[6] != NULL) {
    path_key(kp, path, "receptor");
    if ((rc = text_of(L, v[6], kp, "receptor", &spec.receptor)) == 0 &&
        spec.receptor[0] == '\0')
      rc = fail(L, SLP_EINVAL, v[6], kp, "receptor is empty; name one such "
                "as exc or inh.");
  }
  if (rc == 0) {
    /* The network checks what needs the whole picture (receptors of the
     * target models, degrees against sizes); its diag has no position. */
    slp_diag d;
    memset(&d, 0, sizeof d);
    rc = slp_network_connect(L->net, &spec, &d);
    if (rc == SLP_ENOMEM)
      rc = oom(L, n, path);
    else if (rc != 0)
      rc = fail(L, rc, n, path, "%s", d.message[0] ? d.message :
                slp_strerror(rc));
  }
  if (rc == 0 && v[7] != NULL) {
    path_key(kp, path, "plasticity");
    rc = load_plasticity(L, v[7], kp,
                         (uint32_t)(slp_network_projection_count(L->net) - 1));
  }
  slp__free(ids);
  slp__free(pl.v);
  return rc;
}

static int load_projections(loader *L, const yaml_node_t *n) {
  if (is_null(n))
    return 0;
  if (n->type != YAML_SEQUENCE_NODE)
    return fail(L, SLP_EPARSE, n, "projections", "projections must be a list "
                "(each entry starting with '- '), not %s.", node_kind(n));
  for (size_t k = 0; k < seq_len(n); k++) {
    int rc = load_projection(L, k, node(L, n->data.sequence.items.start[k]));
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* ---------------------------------------------------------------------- */
/* record                                                                 */
/* ---------------------------------------------------------------------- */

/* A copy of s, or NULL (out of memory). */
static char *copy_text(const char *s) { return slp__strdup(s); }

/* Free what a const pointer of the model points to (the model owns it). */
static void free_owned(const void *p) { slp__free((void *)(uintptr_t)p); }

static void free_state_record(slp_state_record *r) {
  free_owned(r->population);
  if (r->vars != NULL)
    for (size_t v = 0; v < r->n_vars; v++)
      free_owned(r->vars[v]);
  free_owned(r->vars);
  free_owned(r->neurons);
  free_owned(r->path);
}

/* record.state[k].vars: a name or a list of names of the model's state. */
static int load_state_vars(loader *L, const yaml_node_t *n, const char *kp,
                           const char *model, slp_state_record *r) {
  size_t count = n->type == YAML_SEQUENCE_NODE ? seq_len(n) : 1;
  if (count == 0 || count > 8)
    return fail(L, SLP_EINVAL, n, kp, "vars must name between 1 and 8 state "
                "variables, not %zu.", count);
  const char **vars = slp__calloc(count, sizeof *vars);
  if (vars == NULL)
    return oom(L, n, kp);
  r->vars = vars;
  for (size_t k = 0; k < count; k++) {
    const yaml_node_t *item =
        n->type == YAML_SEQUENCE_NODE ? node(L, n->data.sequence.items.start[k])
                                      : n;
    char ip[PATH_CAP];
    if (n->type == YAML_SEQUENCE_NODE)
      path_index(ip, kp, k);
    else
      snprintf(ip, sizeof ip, "%s", kp);
    const char *s = NULL;
    int rc = text_of(L, item, ip, "a state variable", &s);
    if (rc != 0)
      return rc;
    slp_var_info info;
    if (slp_model_state_info(model, s, &info) != 0)
      return fail(L, SLP_EKEY, item, ip, "The neuron model '%s' has no state "
                  "variable '%.64s' to record.", model, s);
    for (size_t j = 0; j < k; j++) {
      slp_var_info other;
      if (slp_model_state_info(model, vars[j], &other) == 0 &&
          strcmp(other.name, info.name) == 0)
        return fail(L, SLP_EEXIST, item, ip, "'%.64s' is recorded twice.", s);
    }
    if ((vars[k] = copy_text(s)) == NULL)
      return oom(L, item, ip);
    r->n_vars = k + 1;
  }
  return 0;
}

/* record.state[k].neurons: all, or a list of indices in the population. */
static int load_state_neurons(loader *L, const yaml_node_t *n, const char *kp,
                              uint32_t size, slp_state_record *r) {
  if (n->type == YAML_SCALAR_NODE &&
      strcmp((const char *)n->data.scalar.value, "all") == 0)
    return 0;
  if (n->type != YAML_SEQUENCE_NODE || seq_len(n) == 0)
    return fail(L, SLP_EPARSE, n, kp, "neurons must be 'all' or a non-empty "
                "list of neuron indices such as [0, 5, 9].");
  size_t count = seq_len(n);
  uint32_t *idx = slp__malloc(count * sizeof *idx);
  if (idx == NULL)
    return oom(L, n, kp);
  r->neurons = idx;
  r->n_neurons = count;
  for (size_t k = 0; k < count; k++) {
    char ip[PATH_CAP];
    path_index(ip, kp, k);
    uint64_t v;
    int rc = whole(L, node(L, n->data.sequence.items.start[k]), ip,
                   "a neuron index", 0, size - 1, &v);
    if (rc != 0)
      return rc;
    idx[k] = (uint32_t)v;
  }
  return 0;
}

/* record.state[k]: one recording. */
static int load_state_record(loader *L, const yaml_node_t *n, const char *path,
                             slp_state_record *r) {
  int rc = check_map(L, n, path, path);
  if (rc != 0)
    return rc;
  static const char *const keys[] = {"population", "vars", "neurons",
                                     "interval", "file"};
  yaml_node_t *v[5];
  if ((rc = fields(L, n, path, path, keys, 5, v, NULL)) != 0 ||
      (rc = require(L, v[0], n, path, path, "population",
                    "(e.g. population: exc)")) != 0 ||
      (rc = require(L, v[1], n, path, path, "vars", "(e.g. vars: [v])")) != 0 ||
      (rc = require(L, v[3], n, path, path, "interval",
                    "(e.g. interval: 1 ms)")) != 0 ||
      (rc = require(L, v[4], n, path, path, "file",
                    "(e.g. file: state.csv)")) != 0)
    return rc;
  char kp[PATH_CAP];
  path_key(kp, path, "population");
  uint32_t id;
  if ((rc = group_ref(L, v[0], kp, "population", &id)) != 0)
    return rc;
  if (!L->groups[id].is_pop)
    return fail(L, SLP_EINVAL, v[0], kp, "'%s' is an input; only populations "
                "have state to record.", (const char *)v[0]->data.scalar.value);
  if ((r->population = copy_text((const char *)v[0]->data.scalar.value)) ==
      NULL)
    return oom(L, v[0], kp);
  path_key(kp, path, "vars");
  if ((rc = load_state_vars(L, v[1], kp, L->groups[id].model, r)) != 0)
    return rc;
  if (v[2] != NULL) {
    path_key(kp, path, "neurons");
    if ((rc = load_state_neurons(L, v[2], kp, L->groups[id].size, r)) != 0)
      return rc;
  }
  path_key(kp, path, "interval");
  if ((rc = quantity(L, v[3], SLP_DIM_TIME, kp, "interval",
                     &r->interval_ms)) != 0)
    return rc;
  if (!(r->interval_ms >= TICK_MS) || !(r->interval_ms <= MAX_TIME_MS))
    return fail(L, SLP_ERANGE, v[3], kp, "The sampling interval must be at "
                "least 1 ns, not %g ms.", r->interval_ms);
  path_key(kp, path, "file");
  const char *s = NULL;
  if ((rc = text_of(L, v[4], kp, "file", &s)) != 0)
    return rc;
  size_t len = strlen(s);
  if (!(len > 4 && (strcmp(s + len - 4, ".csv") == 0 ||
                    strcmp(s + len - 4, ".bin") == 0)))
    return fail(L, SLP_EINVAL, v[4], kp, "The state file must be named "
                "*.csv or *.bin, not '%.64s'.", s);
  if ((r->path = copy_text(s)) == NULL)
    return oom(L, v[4], kp);
  return 0;
}

/* record.state: a recording or a list of them. */
static int load_state_records(loader *L, const yaml_node_t *n) {
  size_t count = n->type == YAML_SEQUENCE_NODE ? seq_len(n) : 1;
  if (n->type != YAML_SEQUENCE_NODE && n->type != YAML_MAPPING_NODE)
    return fail(L, SLP_EPARSE, n, "record.state", "record.state must be a "
                "recording ({population: ..., vars: ..., interval: ..., "
                "file: ...}) or a list of them, not %s.", node_kind(n));
  slp_model *m = L->model;
  m->state = slp__calloc(count > 0 ? count : 1, sizeof *m->state);
  if (m->state == NULL)
    return oom(L, n, "record.state");
  for (size_t k = 0; k < count; k++) {
    char path[PATH_CAP];
    const yaml_node_t *item = n;
    snprintf(path, sizeof path, "record.state");
    if (n->type == YAML_SEQUENCE_NODE) {
      path_index(path, "record.state", k);
      item = node(L, n->data.sequence.items.start[k]);
    }
    m->cfg.n_state = k + 1;
    int rc = load_state_record(L, item, path, &m->state[k]);
    if (rc != 0)
      return rc;
  }
  m->cfg.state = m->state;
  return 0;
}

/* One entry of record.weights: {projection, file, interval, at_end}. */
static int load_weight_record(loader *L, const yaml_node_t *n,
                              const char *path) {
  int rc = check_map(L, n, path, path);
  if (rc != 0)
    return rc;
  static const char *const keys[] = {"projection", "file", "interval",
                                     "at_end"};
  yaml_node_t *v[4];
  if ((rc = fields(L, n, path, path, keys, 4, v, NULL)) != 0 ||
      (rc = require(L, v[0], n, path, path, "projection",
                    "(the name of a plastic projection)")) != 0 ||
      (rc = require(L, v[1], n, path, path, "file",
                    "(e.g. file: weights.csv)")) != 0)
    return rc;
  char kp[PATH_CAP];
  const char *name = NULL, *file = NULL;
  path_key(kp, path, "projection");
  if ((rc = text_of(L, v[0], kp, "projection", &name)) != 0)
    return rc;
  size_t n_projs = slp_network_projection_count(L->net), k = 0;
  for (; k < n_projs; k++) {
    const char *pn = slp_network_projection_name(L->net, (uint32_t)k);
    if (pn != NULL && strcmp(pn, name) == 0)
      break;
  }
  if (k == n_projs)
    return fail(L, SLP_ENOENT, v[0], kp, "There is no projection named "
                "'%.64s'.", name);
  slp_weight_record r = {(uint32_t)k, NULL, 0.0, 1};
  if (!slp_network_projection_is_plastic(L->net, (uint32_t)k))
    return fail(L, SLP_EINVAL, v[0], kp, "Projection '%.64s' is not plastic "
                "(it has no plasticity); only plastic weights change.", name);
  path_key(kp, path, "file");
  if ((rc = text_of(L, v[1], kp, "file", &file)) != 0)
    return rc;
  size_t len = strlen(file);
  if (len < 4 || strcmp(file + len - 4, ".csv") != 0)
    return fail(L, SLP_EINVAL, v[1], kp, "The weight file must be a .csv "
                "file, not '%.64s'.", file);
  if (v[2] != NULL) {
    path_key(kp, path, "interval");
    if ((rc = quantity(L, v[2], SLP_DIM_TIME, kp, "interval",
                       &r.interval_ms)) != 0)
      return rc;
    if (!(r.interval_ms > 0) || !(r.interval_ms <= MAX_TIME_MS))
      return fail(L, SLP_ERANGE, v[2], kp, "interval must be > 0 and at most "
                  "%g ms.", MAX_TIME_MS);
  }
  if (v[3] != NULL) {
    path_key(kp, path, "at_end");
    if ((rc = boolean(L, v[3], kp, "at_end", &r.at_end)) != 0)
      return rc;
  }
  if (rc == 0 && slp__grow((void **)&L->model->weights, &L->cap_weights,
                           L->model->n_weights + 1,
                           sizeof *L->model->weights) != 0)
    return oom(L, n, path);
  r.file = slp__strdup(file);
  if (r.file == NULL)
    return oom(L, n, path);
  L->model->weights[L->model->n_weights++] = r;
  return 0;
}

/* record.weights: one recording or a list of them. */
static int load_record_weights(loader *L, const yaml_node_t *n) {
  if (n->type != YAML_SEQUENCE_NODE)
    return load_weight_record(L, n, "record.weights");
  for (size_t k = 0; k < seq_len(n); k++) {
    char path[PATH_CAP];
    path_index(path, "record.weights", k);
    int rc = load_weight_record(L, node(L, n->data.sequence.items.start[k]),
                                path);
    if (rc != 0)
      return rc;
  }
  return 0;
}

static int load_record(loader *L, const yaml_node_t *n) {
  if (is_null(n))
    return 0;
  int rc = check_map(L, n, "record", "record");
  if (rc != 0)
    return rc;
  static const char *const keys[] = {"spikes", "state", "weights"};
  yaml_node_t *v[3];
  if ((rc = fields(L, n, "record", "record", keys, 3, v, NULL)) != 0)
    return rc;
  if (v[1] != NULL && (rc = load_state_records(L, v[1])) != 0)
    return rc;
  if (v[2] != NULL && (rc = load_record_weights(L, v[2])) != 0)
    return rc;
  if (v[0] == NULL)
    return 0;
  const char *path = "record.spikes";
  if ((rc = check_map(L, v[0], path, path)) != 0)
    return rc;
  static const char *const sk[] = {"file"};
  yaml_node_t *f[1];
  if ((rc = fields(L, v[0], path, path, sk, 1, f, NULL)) != 0 ||
      (rc = require(L, f[0], v[0], path, path, "file",
                    "(e.g. file: spikes.csv)")) != 0)
    return rc;
  const char *s = NULL;
  if ((rc = text_of(L, f[0], "record.spikes.file", "file", &s)) != 0)
    return rc;
  if (s[0] == '\0')
    return fail(L, SLP_EINVAL, f[0], "record.spikes.file", "The spike file "
                "name is empty.");
  /* Relative to the working directory, not the model: outputs go where the
   * user runs, while inputs travel with the model. */
  L->model->spikes_path = slp__strdup(s);
  if (L->model->spikes_path == NULL)
    return oom(L, f[0], "record.spikes.file");
  L->model->cfg.spikes_path = L->model->spikes_path;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* The document                                                           */
/* ---------------------------------------------------------------------- */

/* Translate a libyaml error into the diag. */
static int yaml_failed(loader *L, const yaml_parser_t *p, const char *text,
                       size_t n) {
  if (p->error == YAML_MEMORY_ERROR)
    return fail(L, SLP_ENOMEM, NULL, NULL, "Out of memory while parsing YAML.");
  const char *problem = p->problem ? p->problem : "unknown problem";
  if (p->error == YAML_READER_ERROR) {
    /* The reader reports a byte offset, not a line: count the lines. */
    size_t line = 1, col = 1, end = p->problem_offset < n ? p->problem_offset : n;
    for (size_t k = 0; k < end; k++) {
      if (text[k] == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return fail_at(L, SLP_EPARSE, L->file, to_unsigned(line), to_unsigned(col),
                   NULL, "The file is not valid text: %s (byte %zu).", problem,
                   p->problem_offset);
  }
  unsigned line = to_unsigned(p->problem_mark.line + 1);
  unsigned col = to_unsigned(p->problem_mark.column + 1);
  if (p->context != NULL)
    return fail_at(L, SLP_EPARSE, L->file, line, col, NULL, "YAML syntax "
                   "error: %s (%s, from line %u, column %u).",
                   problem, p->context,
                   to_unsigned(p->context_mark.line + 1),
                   to_unsigned(p->context_mark.column + 1));
  return fail_at(L, SLP_EPARSE, L->file, line, col, NULL, "YAML syntax error: "
                 "%s.", problem);
}

/* Build the model from the root mapping. */
static int load_root(loader *L, const yaml_node_t *root) {
  int rc = check_map(L, root, "", "The top level of a model file");
  if (rc != 0)
    return rc;
  static const char *const keys[] = {"simulation", "populations", "inputs",
                                     "projections", "record"};
  yaml_node_t *v[5];
  if ((rc = fields(L, root, "", "the top level of the model", keys, 5, v,
                   NULL)) != 0)
    return rc;
  if ((v[0] != NULL && (rc = load_simulation(L, v[0])) != 0) ||
      (rc = load_populations(L, v[1], root)) != 0 ||
      (v[2] != NULL && (rc = load_inputs(L, v[2])) != 0) ||
      (v[3] != NULL && (rc = load_projections(L, v[3])) != 0) ||
      (v[4] != NULL && (rc = load_record(L, v[4])) != 0))
    return rc;
  return 0;
}

/* Parse text (n bytes) and build L->model from it. */
static int load_text(loader *L, const char *text, size_t n) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser))
    return fail(L, SLP_ENOMEM, NULL, NULL, "Out of memory while parsing YAML.");
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
  yaml_document_t doc;
  if (!yaml_parser_load(&parser, &doc)) {
    int rc = yaml_failed(L, &parser, text, n);
    yaml_parser_delete(&parser);
    return rc;
  }
  int rc = 0;
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  /* A second document would be ignored silently: refuse it.  Loading it
   * also finds syntax errors after the first document's end. */
  yaml_document_t extra;
  if (!yaml_parser_load(&parser, &extra)) {
    rc = yaml_failed(L, &parser, text, n);
  } else {
    yaml_node_t *r2 = yaml_document_get_root_node(&extra);
    if (r2 != NULL)
      rc = fail_at(L, SLP_EPARSE, L->file,
                   to_unsigned(r2->start_mark.line + 1),
                   to_unsigned(r2->start_mark.column + 1), NULL, "The file "
                   "holds more than one YAML document; a model file is one.");
    yaml_document_delete(&extra);
  }
  if (rc == 0 && (root == NULL || is_null(root)))
    rc = fail_at(L, SLP_EPARSE, L->file, 1, 1, NULL, "The model file is "
                 "empty; it needs at least a 'populations' section.");
  if (rc == 0) {
    L->doc = &doc;
    rc = load_root(L, root);
    L->doc = NULL;
  }
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  return rc;
}

/* Read a whole file into a NUL-terminated buffer. */
static int read_file(loader *L, const char *path, char **out, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    int e = errno;
    return fail_at(L, e == ENOENT ? SLP_ENOENT : SLP_EIO, path, 0, 0, NULL,
                   "Cannot open the model file '%.200s': %s.", path,
                   strerror(e));
  }
  size_t cap = 4096, len = 0;
  char *buf = slp__malloc(cap);
  int rc = buf ? 0 : SLP_ENOMEM;
  while (rc == 0) {
    if (len + 1 >= cap) {
      char *b = cap > SIZE_MAX / 2 ? NULL : slp__realloc(buf, cap * 2);
      if (b == NULL) {
        rc = SLP_ENOMEM;
        break;
      }
      buf = b;
      cap *= 2;
    }
    size_t got = fread(buf + len, 1, cap - 1 - len, f);
    len += got;
    if (got == 0) {
      if (ferror(f)) {
        int e = errno;
        rc = fail_at(L, SLP_EIO, path, 0, 0, NULL, "Cannot read the model "
                     "file '%.200s': %s.", path, strerror(e));
      }
      break;
    }
  }
  fclose(f);
  if (rc == SLP_ENOMEM)
    rc = fail_at(L, rc, path, 0, 0, NULL, "Out of memory while reading the "
                 "model file '%.200s'.", path);
  if (rc != 0) {
    slp__free(buf);
    return rc;
  }
  buf[len] = '\0';
  *out = buf;
  *n = len;
  return 0;
}

int slp_model_load(slp_model **out, const char *path, const char *text,
                   size_t n, slp_diag *diag) {
  slp_diag scratch;
  if (diag == NULL)
    diag = &scratch;
  memset(diag, 0, sizeof *diag);
  if (out == NULL || (path == NULL && text == NULL))
    return slp_diag_set(diag, SLP_EINVAL, path, 0, 0, NULL, "slp_model_load "
                        "needs somewhere to put the model and a file name or "
                        "text.");
  *out = NULL;

  loader L;
  memset(&L, 0, sizeof L);
  L.file = path != NULL ? path : "<text>";
  L.diag = diag;

  /* Relative paths inside the model are relative to its directory. */
  const char *slash = path != NULL ? strrchr(path, '/') : NULL;
  size_t dir_len = slash != NULL ? (size_t)(slash - path) + 1 : 0;
  L.dir = slp__malloc(dir_len + 1);
  if (L.dir == NULL)
    return fail_at(&L, SLP_ENOMEM, L.file, 0, 0, NULL, "Out of memory.");
  if (dir_len > 0)
    memcpy(L.dir, path, dir_len);
  L.dir[dir_len] = '\0';

  char *owned = NULL;
  int rc = 0;
  if (text == NULL)
    rc = read_file(&L, path, &owned, &n);
  if (rc == 0) {
    L.model = slp__calloc(1, sizeof *L.model);
    if (L.model == NULL)
      rc = fail_at(&L, SLP_ENOMEM, L.file, 0, 0, NULL, "Out of memory.");
  }
  if (rc == 0) {
    slp_sim_config_init(&L.model->cfg);
    if (slp_network_create(&L.net) != 0)
      rc = fail_at(&L, SLP_ENOMEM, L.file, 0, 0, NULL, "Out of memory.");
    L.model->net = L.net;
  }
  if (rc == 0)
    rc = load_text(&L, text != NULL ? text : owned, n);
  slp__free(owned);
  slp__free(L.dir);
  slp__free(L.groups);
  if (rc != 0) {
    slp_model_destroy(L.model); /* and the network, which it owns by now */
    return rc;
  }
  *out = L.model;
  return 0;
}

void slp_model_destroy(slp_model *model) {
  if (model == NULL)
    return;
  slp_network_destroy(model->net);
  slp__free(model->spikes_path);
  if (model->state != NULL)
    for (size_t k = 0; k < model->cfg.n_state; k++)
      free_state_record(&model->state[k]);
  slp__free(model->state);
  for (size_t k = 0; k < model->n_weights; k++)
    slp__free(model->weights[k].file);
  slp__free(model->weights);
  slp__free(model);
}
