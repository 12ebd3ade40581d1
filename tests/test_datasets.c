/*
 * tests/test_datasets.c -- spike data sets as inputs: N-MNIST event files
 * and Spiking Heidelberg Digits style HDF5 (inputs/nmnist.c, inputs/shd.c).
 *
 * The fixtures are written here, byte by byte (N-MNIST) or through HDF5
 * with the element types h5py gives SHD (float16 times, uint16 units), into
 * a fresh temporary directory; nothing is downloaded.  Round trips check
 * every event's source and tick against what was written; broken files
 * must give the error, the file's name and the model's key and line --
 * and, through the program, exit code 2.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef SLP_HAVE_HDF5
#include <hdf5.h>
#endif

#include "sleipnir.h"
#include "inputs/dataset.h"
#include "inputs/inputs.h"
#include "network/network.h"

/* One millisecond in ticks. */
#define MS 1000000LL

static char dir[64]; /* the temporary directory of the running test */

static void make_dir(void) {
  snprintf(dir, sizeof dir, "/tmp/slp-datasets-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Remove the files the test wrote and the directory. */
static void remove_dir(void) {
  static const char *const names[] = {"a.bin", "b.bin", "cut.bin", "bad.bin",
                                      "d.h5", "cut.h5", "nounits.h5",
                                      "m.yaml", "err.txt"};
  char p[128];
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    snprintf(p, sizeof p, "%s/%s", dir, names[k]);
    remove(p);
  }
  rmdir(dir);
}

static void path_in(char *out, size_t cap, const char *name) {
  snprintf(out, cap, "%s/%s", dir, name);
}

static void write_file(const char *name, const void *bytes, size_t n) {
  char p[128];
  path_in(p, sizeof p, name);
  FILE *f = fopen(p, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
  ck_assert_int_eq(fclose(f), 0);
}

/* Load model text; on failure return the error with *d filled. */
static int try_load(const char *text, slp_model **m, slp_diag *d) {
  *m = NULL;
  memset(d, 0, sizeof *d);
  return slp_model_load(m, "m.yaml", text, strlen(text), d);
}

/* All events of group g, emitted in one window. */
static slp__spikebuf emit_all(const slp__group *g) {
  slp__input in;
  ck_assert_int_eq(slp__input_create(&in, g, 0, 1, 1, 0), 0);
  slp__spikebuf buf = {NULL, 0, 0};
  ck_assert_int_eq(slp__input_emit(&in, 0, 100000 * MS, &buf), 0);
  slp__input_destroy(&in);
  return buf;
}

static const slp__group *named(const slp_model *m, const char *name) {
  uint32_t id;
  ck_assert_int_eq(slp_network_find(m->net, name, &id), 0);
  return &m->net->groups[id];
}

/* ---------------------------------------------------------------------- */
/* N-MNIST                                                                */
/* ---------------------------------------------------------------------- */

/* A 5-byte record. */
static void record(unsigned char *r, unsigned x, unsigned y, unsigned p,
                   uint32_t us) {
  r[0] = (unsigned char)x;
  r[1] = (unsigned char)y;
  r[2] = (unsigned char)((p << 7) | ((us >> 16) & 0x7f));
  r[3] = (unsigned char)(us >> 8);
  r[4] = (unsigned char)us;
}

/* File a: three events, an overflow marker, one more (its timestamp
 * 100 us + 2^13 us after the marker).  File b: one event at 0 and one at
 * the largest 23-bit timestamp. */
static void write_nmnist_fixtures(void) {
  unsigned char a[25], b[10];
  record(a, 0, 0, 0, 1000);          /* source 0 at 1 ms */
  record(a + 5, 33, 33, 1, 2500);    /* 1156 + 33*34 + 33 = 2311, 2.5 ms */
  record(a + 10, 5, 2, 0, 2500);     /* 2*34 + 5 = 73, 2.5 ms */
  record(a + 15, 0, 240, 0, 0);      /* overflow marker */
  record(a + 20, 1, 0, 1, 100);      /* 1157 at 8.292 ms */
  write_file("a.bin", a, sizeof a);
  record(b, 2, 3, 1, 0);             /* 1156 + 3*34 + 2 = 1260 at 0 */
  record(b + 5, 0, 1, 0, 0x7fffff);  /* 34 at 8388.607 ms */
  write_file("b.bin", b, sizeof b);
}

START_TEST(test_nmnist_round_trip) {
  make_dir();
  write_nmnist_fixtures();
  char text[1024];
  snprintf(text, sizeof text,
           "populations: {n: {size: 1, model: lif}}\n"
           "inputs:\n"
           "  d: {type: nmnist, size: 2312, file: ['%s/a.bin', '%s/b.bin'], "
           "gap: 100 ms}\n", dir, dir);
  slp_model *m;
  slp_diag d;
  int rc = try_load(text, &m, &d);
  ck_assert_msg(rc == 0, "%s:%u [%s] %s", d.file, d.line, d.key, d.message);
  slp__spikebuf buf = emit_all(named(m, "d"));
  /* b starts at a's last event (8.292 ms) plus the 100 ms gap. */
  static const struct {
    slp_tick t;
    uint32_t node;
  } want[] = {{1 * MS, 0},      {2500000, 73},
              {2500000, 2311},  {8292000, 1157},
              {108292000, 1260}, {108292000 + 8388607000LL, 34}};
  ck_assert_uint_eq(buf.n, 6);
  for (size_t k = 0; k < 6; k++) {
    ck_assert_int_eq(buf.s[k].t, want[k].t);
    ck_assert_uint_eq(buf.s[k].node, want[k].node);
    ck_assert(buf.s[k].scale == 1.0);
  }
  slp__spikebuf_free(&buf);
  slp_model_destroy(m);
  remove_dir();
}
END_TEST

/* A model's nmnist input over file `name`; expects err, the file's name in
 * the message, and the model's key and line. */
static void ck_nmnist_refused(const char *name, int size, int err,
                              const char *key, const char *needle) {
  char text[1024];
  snprintf(text, sizeof text,
           "populations: {n: {size: 1, model: lif}}\n"
           "inputs:\n"
           "  d: {type: nmnist, size: %d, file: '%s/%s'}\n", size, dir, name);
  slp_model *m;
  slp_diag d;
  int rc = try_load(text, &m, &d);
  ck_assert_msg(rc == err, "%s: %s, want %s: %s", name, slp_err_name(rc),
                slp_err_name(err), d.message);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(d.file, "m.yaml");
  ck_assert_uint_eq(d.line, 3);
  ck_assert_str_eq(d.key, key);
  ck_assert_msg(strstr(d.message, needle) != NULL, "'%s' not in: %s", needle,
                d.message);
}

/* A truncated file, an event off the sensor, a missing file, a wrong size:
 * each refused with what is wrong and where. */
START_TEST(test_nmnist_refused) {
  make_dir();
  write_nmnist_fixtures();
  unsigned char cut[12], bad[10];
  record(cut, 1, 1, 0, 5);
  record(cut + 5, 1, 1, 0, 6);
  cut[10] = cut[11] = 7; /* two bytes of a third record */
  write_file("cut.bin", cut, sizeof cut);
  record(bad, 1, 1, 0, 5);
  record(bad + 5, 34, 2, 0, 9); /* x = 34: off the 34 x 34 sensor */
  write_file("bad.bin", bad, sizeof bad);
  ck_nmnist_refused("cut.bin", 2312, SLP_EPARSE, "inputs.d.file",
                    "cut.bin' is 12 bytes long, not a whole number");
  ck_nmnist_refused("bad.bin", 2312, SLP_EPARSE, "inputs.d.file",
                    "record at byte 5 has x = 34");
  ck_nmnist_refused("none.bin", 2312, SLP_ENOENT, "inputs.d.file",
                    "none.bin");
  ck_nmnist_refused("a.bin", 100, SLP_EINVAL, "inputs.d.size", "2312");
  remove_dir();
}
END_TEST

/* The parser alone on every prefix of a valid file: whole records parse,
 * any other length is refused -- never a read past the end (run under the
 * sanitizers in CI). */
START_TEST(test_nmnist_prefixes) {
  unsigned char buf[25];
  record(buf, 0, 0, 0, 1);
  record(buf + 5, 1, 240, 0, 0);
  record(buf + 10, 2, 2, 1, 3);
  record(buf + 15, 3, 3, 0, 4);
  record(buf + 20, 4, 4, 1, 5);
  for (size_t n = 0; n <= sizeof buf; n++) {
    unsigned char *copy = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, buf, n);
    slp__event_list ev = {NULL, 0, 0};
    double last;
    slp_diag d;
    int rc = slp__nmnist_parse(copy, n, "x", 0.0, &ev, &last, &d);
    ck_assert_int_eq(rc, n % 5 == 0 ? 0 : SLP_EPARSE);
    if (rc == 0)
      ck_assert_uint_eq(ev.n, n / 5 - (n >= 10)); /* the marker is no event */
    slp__free(ev.ev);
    free(copy);
  }
}
END_TEST

/* The program exits with 2 and names the file on a broken data file. */
START_TEST(test_nmnist_cli_exit) {
  make_dir();
  unsigned char cut[7] = {1, 2, 3, 4, 5, 6, 7};
  write_file("cut.bin", cut, sizeof cut);
  char text[512], model[128], cmd[512], err[1024] = "";
  snprintf(text, sizeof text,
           "populations: {n: {size: 1, model: lif}}\n"
           "inputs:\n  d: {type: nmnist, size: 2312, file: cut.bin}\n");
  write_file("m.yaml", text, strlen(text));
  path_in(model, sizeof model, "m.yaml");
  const char *bin = getenv("SLEIPNIR_BIN");
  snprintf(cmd, sizeof cmd, "'%s' info '%s' > /dev/null 2> '%s/err.txt'",
           bin && bin[0] ? bin : "./sleipnir", model, dir);
  int status = system(cmd);
  ck_assert(WIFEXITED(status));
  ck_assert_int_eq(WEXITSTATUS(status), 2);
  char errp[128];
  path_in(errp, sizeof errp, "err.txt");
  FILE *f = fopen(errp, "r");
  ck_assert_ptr_nonnull(f);
  size_t got = fread(err, 1, sizeof err - 1, f);
  err[got] = '\0';
  fclose(f);
  ck_assert_msg(strstr(err, "cut.bin") && strstr(err, "m.yaml:3"),
                "stderr: %s", err);
  remove_dir();
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Spiking Heidelberg Digits                                              */
/* ---------------------------------------------------------------------- */

#ifdef SLP_HAVE_HDF5
/* Three samples as h5py writes SHD: float16 times (seconds; these are exact
 * in float16), uint16 units, uint8 labels. */
static const float shd_t[3][3] = {{0.5f, 0.25f, 0.75f}, {0.125f, 0, 0},
                                  {0.0f, 1.5f, 0}};
static const uint16_t shd_u[3][3] = {{3, 0, 699}, {7, 0, 0}, {1, 2, 0}};
static const size_t shd_len[3] = {3, 1, 2};

/* Write d.h5; with_units 0 leaves /spikes/units out. */
static void write_shd(const char *name, int with_units) {
  char p[128];
  path_in(p, sizeof p, name);
  hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ck_assert(f >= 0);
  hid_t g = H5Gcreate2(f, "/spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  /* IEEE half precision: sign at 15, exponent 10..14 (bias 15), mantissa
   * 0..9 -- h5py's float16. */
  hid_t half = H5Tcopy(H5T_IEEE_F32LE);
  H5Tset_fields(half, 15, 10, 5, 0, 10);
  H5Tset_size(half, 2);
  H5Tset_ebias(half, 15);
  hid_t vt = H5Tvlen_create(half), vu = H5Tvlen_create(H5T_STD_U16LE);
  hid_t mt = H5Tvlen_create(H5T_NATIVE_FLOAT);
  hid_t mu = H5Tvlen_create(H5T_NATIVE_UINT16);
  hsize_t three = 3;
  hid_t sp = H5Screate_simple(1, &three, NULL);
  hvl_t rt[3], ru[3];
  for (int k = 0; k < 3; k++) {
    rt[k].len = ru[k].len = shd_len[k];
    rt[k].p = (void *)shd_t[k];
    ru[k].p = (void *)shd_u[k];
  }
  hid_t dt = H5Dcreate2(f, "/spikes/times", vt, sp, H5P_DEFAULT, H5P_DEFAULT,
                        H5P_DEFAULT);
  ck_assert(H5Dwrite(dt, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, rt) >= 0);
  H5Dclose(dt);
  if (with_units) {
    hid_t du = H5Dcreate2(f, "/spikes/units", vu, sp, H5P_DEFAULT,
                          H5P_DEFAULT, H5P_DEFAULT);
    ck_assert(H5Dwrite(du, mu, H5S_ALL, H5S_ALL, H5P_DEFAULT, ru) >= 0);
    H5Dclose(du);
  }
  static const uint8_t labels[3] = {4, 19, 0};
  hid_t dl = H5Dcreate2(f, "/labels", H5T_STD_U8LE, sp, H5P_DEFAULT,
                        H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(dl, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels);
  H5Dclose(dl);
  H5Sclose(sp);
  H5Tclose(vt);
  H5Tclose(vu);
  H5Tclose(mt);
  H5Tclose(mu);
  H5Tclose(half);
  H5Gclose(g);
  ck_assert(H5Fclose(f) >= 0);
}

/* Samples [2, 0] with a 100 ms gap: sample 2 at 0 (spikes at 0 and
 * 1500 ms), sample 0 from 1600 ms (its spikes at +500, +250, +750 ms). */
START_TEST(test_shd_round_trip) {
  make_dir();
  write_shd("d.h5", 1);
  char text[1024];
  snprintf(text, sizeof text,
           "populations: {n: {size: 1, model: lif}}\n"
           "inputs:\n"
           "  d: {type: shd, size: 700, file: '%s/d.h5', samples: [2, 0], "
           "gap: 100 ms}\n", dir);
  slp_model *m;
  slp_diag d;
  int rc = try_load(text, &m, &d);
  ck_assert_msg(rc == 0, "%s:%u [%s] %s", d.file, d.line, d.key, d.message);
  slp__spikebuf buf = emit_all(named(m, "d"));
  static const struct {
    slp_tick t;
    uint32_t node;
  } want[] = {{0, 1}, {1500 * MS, 2}, {1850 * MS, 0}, {2100 * MS, 3},
              {2350 * MS, 699}};
  ck_assert_uint_eq(buf.n, 5);
  for (size_t k = 0; k < 5; k++) {
    ck_assert_int_eq(buf.s[k].t, want[k].t);
    ck_assert_uint_eq(buf.s[k].node, want[k].node);
  }
  slp__spikebuf_free(&buf);
  slp_model_destroy(m);
  remove_dir();
}
END_TEST

static void ck_shd_refused(const char *file, int size, const char *samples,
                           int err, const char *key, const char *needle) {
  char text[1024];
  snprintf(text, sizeof text,
           "populations: {n: {size: 1, model: lif}}\n"
           "inputs:\n"
           "  d: {type: shd, size: %d, file: '%s/%s', samples: %s}\n", size,
           dir, file, samples);
  slp_model *m;
  slp_diag d;
  int rc = try_load(text, &m, &d);
  ck_assert_msg(rc == err, "%s: %s, want %s: %s", file, slp_err_name(rc),
                slp_err_name(err), d.message);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(d.file, "m.yaml");
  ck_assert_uint_eq(d.line, 3);
  ck_assert_str_eq(d.key, key);
  ck_assert_msg(strstr(d.message, needle) != NULL, "'%s' not in: %s", needle,
                d.message);
}

/* A sample beyond the file, a unit beyond the channels, a truncated file,
 * a file that is not HDF5, a missing dataset, a missing file. */
START_TEST(test_shd_refused) {
  make_dir();
  write_shd("d.h5", 1);
  write_shd("nounits.h5", 0);
  /* The first half of d.h5: its superblock is intact, what it points to is
   * gone. */
  char p[128];
  path_in(p, sizeof p, "d.h5");
  FILE *f = fopen(p, "rb");
  ck_assert_ptr_nonnull(f);
  static unsigned char bytes[1 << 16];
  size_t n = fread(bytes, 1, sizeof bytes, f);
  fclose(f);
  ck_assert_uint_gt(n, 1000);
  write_file("cut.h5", bytes, n / 2);
  unsigned char junk[10] = {0};
  write_file("bad.bin", junk, sizeof junk);
  ck_shd_refused("d.h5", 700, "[0, 3]", SLP_ERANGE, "inputs.d.file",
                 "no sample 3");
  ck_shd_refused("d.h5", 699, "[0]", SLP_ERANGE, "inputs.d.file",
                 "unit 699, but the input has 699 channels");
  ck_shd_refused("cut.h5", 700, "[0, 1, 2]", SLP_EIO, "inputs.d.file",
                 "cut.h5");
  ck_shd_refused("bad.bin", 700, "[0]", SLP_EIO, "inputs.d.file",
                 "is not an HDF5 file");
  ck_shd_refused("nounits.h5", 700, "[0]", SLP_ENOENT, "inputs.d.file",
                 "no dataset /spikes/units");
  ck_shd_refused("none.h5", 700, "[0]", SLP_ENOENT, "inputs.d.file",
                 "none.h5");
  ck_shd_refused("d.h5", 700, "[-1]", SLP_ERANGE, "inputs.d.samples[0]",
                 "at least 0");
  remove_dir();
}
END_TEST
#endif /* SLP_HAVE_HDF5 */

static Suite *suite_datasets(void) {
  Suite *s = suite_create("datasets");
  TCase *tc = tcase_create("nmnist");
  tcase_add_test(tc, test_nmnist_round_trip);
  tcase_add_test(tc, test_nmnist_refused);
  tcase_add_test(tc, test_nmnist_prefixes);
  tcase_add_test(tc, test_nmnist_cli_exit);
  suite_add_tcase(s, tc);
#ifdef SLP_HAVE_HDF5
  tc = tcase_create("shd");
  tcase_add_test(tc, test_shd_round_trip);
  tcase_add_test(tc, test_shd_refused);
  suite_add_tcase(s, tc);
#endif
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite_datasets());
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
