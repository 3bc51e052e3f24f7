/*
 * test_stim.c -- the input stimuli of sw/io/stim.c: the portable hash against
 * values computed by an independent implementation (Python, the table of
 * docs/inputs.md), Poisson event sets, CSV parsing and its errors, the .lin
 * binary form (round trip CSV -> .lin -> CSV, truncation, bad headers).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "outw.h"
#include "seir.h"
#include "stim.h"

static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/loom_test_stim_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *tpath(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A net with spike inputs x[0..nspike-1] and graded inputs g[0..ngraded-1]
 * (a single graded channel is the scalar "g"), and one neuron. */
static seir_net *mknet(uint32_t nspike, uint32_t ngraded)
{
    seir_net *net = seir_net_new(NULL);
    assert_non_null(net);
    if (nspike)
        assert_true(seir_add_inputs(net, "x", nspike, 1, SEIR_IN_SPIKE) >= 0);
    if (ngraded)
        assert_true(seir_add_inputs(net, "g", ngraded, ngraded > 1, SEIR_IN_GRADED) >= 0);
    seir_profile p;
    seir_profile_default(&p);
    p.name = "p";
    assert_int_equal(seir_add_profile(net, &p), 0);
    assert_true(seir_add_neurons(net, "n", 1, 0, 0) >= 0);
    return net;
}

/* ---- the hash: values from an independent Python implementation ---- */
static void test_hash_table(void **state)
{
    (void)state;
    static const struct {
        uint64_t seed, t;
        uint32_t c;
        uint64_t z;
    } tab[] = {
        {0x0ull, 0ull, 0u, 0xe220a8397b1dcdafull}, /* = splitmix64's first output for seed 0 */
        {0x1ull, 0ull, 0u, 0x910a2dec89025cc1ull},
        {0x1ull, 0ull, 1u, 0xbeeb8da1658eec67ull},
        {0x1ull, 1ull, 0u, 0x16c3e976bf22dc37ull},
        {0x2aull, 7ull, 3u, 0xc2ae3b40df349e8cull},
        {0x2aull, 1000000ull, 12345u, 0xd13e146ac206a0d8ull},
        {0xffffffffffffffffull, 5ull, 2u, 0x5e03adc37e7c5cf1ull},
        {0x7ull, 0ull, 4294967295u, 0xb467f880351838c1ull},
    };
    for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++)
        assert_true(stim_hash(tab[k].seed, tab[k].t, tab[k].c) == tab[k].z);
}

static void collect(stim_src *s, uint64_t t, stim_event *ev, uint32_t max, uint32_t *n)
{
    loom_err e;
    loom_status st = stim_next(s, t, ev, max, n, &e);
    if (st)
        fail_msg("stim_next: %s", e.msg);
}

/* A Poisson source on net that must open. */
static stim_src *poisson(const seir_net *net, double rate, uint64_t seed)
{
    stim_src *s;
    loom_err e;
    if (stim_poisson(net, rate, seed, &s, &e) != LOOM_OK) fail_msg("stim_poisson: %s", e.msg);
    return s;
}

/* The number of events of steps 0..steps-1 (at most max each). */
static uint32_t count_events(stim_src *s, uint64_t steps, uint32_t max)
{
    stim_event ev[16];
    uint32_t n, total = 0;
    assert_true(max <= 16);
    for (uint64_t t = 0; t < steps; t++) {
        collect(s, t, ev, max, &n);
        total += n;
    }
    return total;
}

/* The Poisson source (rate, seed) on net gives, at each step t < steps,
 * exactly the events want[t][0..nwant[t]-1], and never ends; frees net. */
static void expect_poisson(seir_net *net, double rate, uint64_t seed, uint64_t steps, const stim_event (*want)[4],
                           const uint32_t *nwant)
{
    stim_src *s = poisson(net, rate, seed);
    stim_event ev[4];
    uint32_t n;
    for (uint64_t t = 0; t < steps; t++) {
        collect(s, t, ev, 4, &n);
        assert_int_equal(n, nwant[t]);
        for (uint32_t k = 0; k < n; k++) {
            assert_int_equal(ev[k].channel, want[t][k].channel);
            assert_int_equal(ev[k].value, want[t][k].value);
        }
    }
    assert_true(stim_last_step(s) == UINT64_MAX);
    stim_close(s);
    seir_net_free(net);
}

static void test_poisson_events(void **state)
{
    (void)state;
    /* rate 0.25, seed 9, 4 spike channels: firing sets from Python */
    static const stim_event want[6][4] = {{{0}}, {{0}}, {{0, 1}, {1, 1}, {3, 1}}, {{1, 1}, {3, 1}}, {{3, 1}}, {{0, 1}}};
    static const uint32_t nwant[6] = {0, 0, 3, 2, 1, 1};
    expect_poisson(mknet(4, 0), 0.25, 9, 6, want, nwant);
}

static void test_poisson_graded(void **state)
{
    (void)state;
    /* rate 0.5, seed 5: x[0], x[1] spike, g graded (low 16 bits of the hash) */
    static const stim_event want[5][4] = {
        {{0, 1}, {2, -16057}}, {{1, 1}, {2, 3368}}, {{0, 1}}, {{0, 1}}, {{0, 1}, {2, 3753}}};
    static const uint32_t nwant[5] = {2, 2, 1, 1, 2};
    expect_poisson(mknet(2, 1), 0.5, 5, 5, want, nwant);
}

static void test_poisson_graded_bounded(void **state)
{
    (void)state;
    /* the draws of test_poisson_graded with g declared max=4000: -16057
     * comes saturated, in bound values unchanged, so the events pass the
     * CSV and .lin readers' bound check (a saved Poisson stimulus replays) */
    seir_net *net = mknet(2, 1);
    assert_int_equal(seir_set_input_max(net, 2, 1, 4000), 0);
    static const stim_event want[5][4] = {
        {{0, 1}, {2, -4000}}, {{1, 1}, {2, 3368}}, {{0, 1}}, {{0, 1}}, {{0, 1}, {2, 3753}}};
    static const uint32_t nwant[5] = {2, 2, 1, 1, 2};
    expect_poisson(net, 0.5, 5, 5, want, nwant);
}

static void test_poisson_rate_bounds(void **state)
{
    (void)state;
    seir_net *net = mknet(16, 0);
    stim_src *s = poisson(net, 0.0, 3);
    assert_int_equal(count_events(s, 100, 16), 0);
    stim_close(s);
    /* at most 16 a step, so 1600 in 100 steps means all 16 every step */
    s = poisson(net, 1.0, 3);
    assert_int_equal(count_events(s, 100, 16), 1600);
    stim_close(s);
    /* a rate of 0.1 over 16 x 2000 draws: mean 3200, sd ~54 */
    s = poisson(net, 0.1, 11);
    assert_in_range(count_events(s, 2000, 16), 3000, 3400);
    stim_close(s);
    loom_err e;
    assert_int_equal(stim_poisson(net, 1.5, 3, &s, &e), LOOM_E_ARG);
    assert_null(s);
    assert_int_equal(stim_poisson(net, -0.1, 3, &s, &e), LOOM_E_ARG);
    seir_net_free(net);
}

static void test_csv_read(void **state)
{
    (void)state;
    seir_net *net = mknet(4, 2);
    const char *p = tpath("in.csv");
    write_text(p, "step,channel,value\n"
                  "# a comment line\n"
                  "\n"
                  "0, 1, 1\n"
                  "0,g[1],-300   # graded by name\n"
                  "2,x[3],1\n"
                  "2,0,0\n"
                  "2,4,32767\r\n"
                  "7,x[0],1\n");
    stim_src *s;
    loom_err e;
    if (stim_open_file(net, p, &s, &e))
        fail_msg("%s", e.msg);
    assert_true(stim_last_step(s) == 7);
    stim_event ev[6];
    uint32_t n;
    collect(s, 0, ev, 6, &n);
    assert_int_equal(n, 2);
    assert_int_equal(ev[0].channel, 1);
    assert_int_equal(ev[0].value, 1);
    assert_int_equal(ev[1].channel, 5);
    assert_int_equal(ev[1].value, -300);
    collect(s, 1, ev, 6, &n);
    assert_int_equal(n, 0);
    collect(s, 2, ev, 6, &n);
    assert_int_equal(n, 2); /* the zero value is not an event */
    assert_int_equal(ev[0].channel, 3);
    assert_int_equal(ev[1].channel, 4);
    assert_int_equal(ev[1].value, 32767);
    collect(s, 6, ev, 6, &n);
    assert_int_equal(n, 0);
    collect(s, 7, ev, 6, &n);
    assert_int_equal(n, 1);
    assert_int_equal(ev[0].channel, 0);
    collect(s, 8, ev, 6, &n);
    assert_int_equal(n, 0);
    stim_close(s);
    seir_net_free(net);
}

/* Opens `text` as CSV and reads steps 0..19; returns the first error. */
static loom_status csv_error(const char *text, loom_err *e)
{
    seir_net *net = mknet(4, 1);
    const char *p = tpath("bad.csv");
    write_text(p, text);
    stim_src *s;
    loom_status st = stim_open_file(net, p, &s, e);
    stim_event ev[5];
    uint32_t n;
    for (uint64_t t = 0; !st && t < 20; t++)
        st = stim_next(s, t, ev, 5, &n, e);
    if (s)
        stim_close(s);
    seir_net_free(net);
    return st;
}

static void expect_csv_error(const char *text, const char *where, const char *what)
{
    loom_err e;
    loom_status st = csv_error(text, &e);
    if (st == LOOM_OK)
        fail_msg("accepted: %s", text);
    char full[300];
    snprintf(full, sizeof full, "%s/bad.csv:%s:", tmpdir, where);
    if (!strstr(e.msg, full) || !strstr(e.msg, what))
        fail_msg("message '%s' lacks '%s' or '%s'", e.msg, full, what);
}

static void test_csv_errors(void **state)
{
    (void)state;
    expect_csv_error("0,0,1\n1,1\n", "2", "expected 3 fields");
    expect_csv_error("0,0,1\n\n# c\n1,0,1,4\n", "4", "expected 3 fields");
    expect_csv_error("step,channel,value\n3,0,1\n2,0,1\n", "3", "must not decrease");
    expect_csv_error("0,y[1],1\n", "1", "unknown input channel 'y[1]'");
    expect_csv_error("0,x[4],1\n", "1", "out of range");
    expect_csv_error("0,x,1\n", "1", "is an array");
    expect_csv_error("0,g[0],1\n", "1", "a single channel");
    expect_csv_error("0,9,1\n", "1", "does not exist");
    expect_csv_error("0,0,2\n", "1", "expected 0 or 1");
    expect_csv_error("0,g,40000\n", "1", "expected -32768..32767");
    expect_csv_error("0,0,1\n0,x[0],1\n", "2", "appears twice");
    expect_csv_error("-1,0,1\n", "1", "step '-1'");
    expect_csv_error("0,0,one\n", "1", "value 'one'");
    expect_csv_error("1,0,1\nx,0,1\n", "2", "step 'x'");
    loom_err e;
    seir_net *net = mknet(1, 0);
    stim_src *s;
    assert_int_equal(stim_open_file(net, tpath("missing.csv"), &s, &e), LOOM_E_IO);
    assert_non_null(strstr(e.msg, "missing.csv"));
    assert_null(s);
    seir_net_free(net);
}

/* Reads every event of src for steps 0..last into a CSV writer. */
static void copy_to_csv(stim_src *src, const char *out, uint64_t last)
{
    loom_err e;
    outw *w;
    assert_int_equal(outw_inputs_open(out, &w, &e), LOOM_OK);
    stim_event ev[8];
    uint32_t n;
    for (uint64_t t = 0; t <= last; t++) {
        collect(src, t, ev, 8, &n);
        assert_int_equal(outw_inputs_step(w, t, ev, n, &e), LOOM_OK);
    }
    assert_int_equal(outw_close(w, &e), LOOM_OK);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 16) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static void test_lin_roundtrip(void **state)
{
    (void)state;
    seir_net *net = mknet(3, 2);
    const char *csv = tpath("a.csv"), *lin = tpath("a.lin"), *back = tpath("b.csv");
    const char *canon = "step,channel,value\n"
                        "0,0,1\n0,3,-32768\n"
                        "4,1,1\n4,2,1\n4,4,32767\n"
                        "100000,3,-1\n";
    write_text(csv, "# sparse events, by name and index\n"
                    "0,g[0],-32768\n0,x[0],1\n4,g[1],32767\n4,1,1\n4,x[2],1\n4,0,0\n100000,3,-1\n");
    loom_err e;
    stim_src *src;
    assert_int_equal(stim_open_file(net, csv, &src, &e), LOOM_OK);
    stim_writer *w;
    assert_int_equal(stim_writer_open(lin, net->n_inputs, &w, &e), LOOM_OK);
    stim_event ev[8];
    uint32_t n;
    for (uint64_t t = 0; t <= 100000; t++) {
        collect(src, t, ev, 8, &n);
        assert_int_equal(stim_writer_step(w, t, ev, n, &e), LOOM_OK);
    }
    assert_int_equal(stim_writer_close(w, &e), LOOM_OK);
    stim_close(src);

    /* size: 24 header + 3 records (12 + 6 per event: 2, 3, 1 events) + 12 end */
    size_t len;
    char *bin = slurp(lin, &len);
    assert_int_equal(len, 24 + (12 + 12) + (12 + 18) + (12 + 6) + 12);
    assert_memory_equal(bin, "LLIN\x01\x00\x00\x00\x05\x00\x00\x00", 12);
    assert_int_equal((unsigned char)bin[16], 100000 & 0xff); /* last step patched in */
    free(bin);

    assert_int_equal(stim_open_file(net, lin, &src, &e), LOOM_OK);
    assert_true(stim_last_step(src) == 100000);
    copy_to_csv(src, back, 100000);
    stim_close(src);
    char *txt = slurp(back, &len);
    assert_string_equal(txt, canon);
    free(txt);
    seir_net_free(net);
}

static void write_bin(const char *path, const char *bin, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bin, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Opens a .lin file and reads steps 0..4: the first failure, or LOOM_OK. */
static loom_status read_lin(const seir_net *net, const char *lin, loom_err *e)
{
    stim_src *s = NULL;
    stim_event got[2];
    uint32_t n;
    loom_status st = stim_open_file(net, lin, &s, e);
    for (uint64_t t = 0; !st && t < 5; t++)
        st = stim_next(s, t, got, 2, &n, e);
    if (s)
        stim_close(s);
    return st;
}

static void test_lin_errors(void **state)
{
    (void)state;
    seir_net *net = mknet(2, 0);
    const char *lin = tpath("t.lin");
    loom_err e;
    stim_writer *w;
    assert_int_equal(stim_writer_open(lin, 2, &w, &e), LOOM_OK);
    stim_event ev[2] = {{0, 1}, {1, 1}};
    assert_int_equal(stim_writer_step(w, 3, ev, 2, &e), LOOM_OK);
    assert_int_equal(stim_writer_step(w, 3, ev, 1, &e), LOOM_E_ARG); /* not increasing */
    assert_int_equal(stim_writer_close(w, &e), LOOM_OK);
    size_t len;
    char *bin = slurp(lin, &len);
    assert_int_equal(len, 24 + 12 + 12 + 12);

    /* truncated inside the second event */
    write_bin(lin, bin, 24 + 12 + 8);
    assert_int_equal(read_lin(net, lin, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "truncated at byte offset 44"));

    /* no end record */
    write_bin(lin, bin, 24 + 24);
    assert_int_equal(read_lin(net, lin, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "truncated at byte offset 48"));

    /* bad magic, wrong channel count (both refused on opening), bad spike value */
    stim_src *s;
    bin[0] = 'X';
    write_bin(lin, bin, len);
    assert_int_equal(stim_open_file(net, lin, &s, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "magic"));
    bin[0] = 'L';
    bin[8] = 3;
    write_bin(lin, bin, len);
    assert_int_equal(stim_open_file(net, lin, &s, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "3 channels"));
    bin[8] = 2;
    bin[24 + 12 + 4] = 2; /* first event value 2 on a spike channel */
    write_bin(lin, bin, len);
    assert_int_equal(read_lin(net, lin, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "byte offset 36"));
    assert_non_null(strstr(e.msg, "expected 0 or 1"));
    free(bin);
    seir_net_free(net);
}

UNIT_MAIN_WITH(setup_dir, teardown_dir, test_hash_table, test_poisson_events,
               test_poisson_graded, test_poisson_graded_bounded, test_poisson_rate_bounds, test_csv_read, test_csv_errors,
               test_lin_roundtrip,
               test_lin_errors)
