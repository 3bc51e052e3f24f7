/*
 * test_limits.c -- every count a reader takes from a file is checked against
 * a documented limit (loom_limits.h) before anything is allocated, and the
 * refusal says where and names the limit.  The inputs are the reproducers
 * of issue 15: each of them made the old readers allocate gigabytes (or
 * accept a header that a run then looped over); here each must fail fast
 * with LOOM_E_CAPACITY / LOOM_E_PARSE and a positioned message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#include "aig.h"
#include "limg.h"
#include "loom_limits.h"
#include "seir_text.h"
#include "nir_h5w.h"
#include "nir.h"
#include "nir_int.h"
#include "seir.h"
#include "stim.h"

static const char *HEAD = "seir 1\narch W=8 S=16 A=24 D=3\nprofile p\n";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static loom_status parse(const char *body, loom_err *e, seir_net **net)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", HEAD, body);
    *net = NULL;
    return seir_parse(text, strlen(text), "big.seir", net, e);
}

static void restore_defaults(void)
{
    for (int i = 0; i < LOOM_LIM_COUNT; i++)
        loom_limit_set((loom_limit_id)i, loom_limit_default((loom_limit_id)i));
}

/* issue 15: `neuron g[1000000000] p` grew to 4.5 GB */
static void test_seir_neuron_group(void **state)
{
    (void)state;
    restore_defaults();
    loom_err e;
    seir_net *net;
    double t0 = now_s();
    assert_int_equal(parse("neuron g[1000000000] p\n", &e, &net), LOOM_E_CAPACITY);
    assert_null(net);
    assert_true(now_s() - t0 < 1.0);
    assert_non_null(strstr(e.msg, "big.seir:4:10: "));
    assert_non_null(strstr(e.msg, "limit of 16777216"));
    assert_non_null(strstr(e.msg, "LOOM_MAX_NEURONS"));
}

/* issue 15: `input x[1000000000] spike` was accepted (986 MB, 12 s) */
static void test_seir_input_group(void **state)
{
    (void)state;
    restore_defaults();
    loom_err e;
    seir_net *net;
    assert_int_equal(parse("input x[1000000000] spike\n", &e, &net), LOOM_E_CAPACITY);
    assert_non_null(strstr(e.msg, "big.seir:4:9: "));
    assert_non_null(strstr(e.msg, "LOOM_MAX_INPUTS"));
}

/* the limit counts all groups, and a raised or lowered limit is obeyed */
static void test_seir_total_and_override(void **state)
{
    (void)state;
    loom_limit_set(LOOM_LIM_NEURONS, 10);
    loom_err e;
    seir_net *net;
    assert_int_equal(parse("neuron a[6] p\nneuron b[4] p\n", &e, &net), LOOM_OK);
    assert_int_equal(net->n_neurons, 10);
    seir_net_free(net);
    assert_int_equal(parse("neuron a[6] p\nneuron b[4] p\nneuron c p\n", &e, &net), LOOM_E_CAPACITY);
    assert_non_null(strstr(e.msg, "big.seir:6:8: "));
    assert_non_null(strstr(e.msg, "10 declared before"));
    /* the environment variable, read by loom_limits_init */
    setenv("LOOM_MAX_NEURONS", "3", 1);
    assert_int_equal(loom_limits_init(&e), LOOM_OK);
    assert_int_equal(loom_limit(LOOM_LIM_NEURONS), 3);
    assert_int_equal(parse("neuron a[4] p\n", &e, &net), LOOM_E_CAPACITY);
    setenv("LOOM_MAX_NEURONS", "lots", 1);
    assert_int_equal(loom_limits_init(&e), LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "LOOM_MAX_NEURONS='lots'"));
    assert_int_equal(loom_limit(LOOM_LIM_NEURONS), loom_limit_default(LOOM_LIM_NEURONS));
    unsetenv("LOOM_MAX_NEURONS");
    restore_defaults();
}

/* issue 15: the 28-byte binary AIGER `aig 67108863 67108863 0 1 0` took
 * 665 MB and 39 s (binary inputs take no bytes, so the file size does not
 * bound them) */
static void test_aiger_header(void **state)
{
    (void)state;
    restore_defaults();
    const char *f = "aig 67108863 67108863 0 1 0\n2\n";
    loom_err e;
    aig_file *a = NULL;
    double t0 = now_s();
    assert_int_equal(aig_read_mem((const uint8_t *)f, strlen(f), "big.aig", &a, &e), LOOM_E_CAPACITY);
    assert_null(a);
    assert_true(now_s() - t0 < 1.0);
    assert_non_null(strstr(e.msg, "big.aig"));
    assert_non_null(strstr(e.msg, "offset 0"));
    assert_non_null(strstr(e.msg, "limit of 4194304"));
    assert_non_null(strstr(e.msg, "LOOM_MAX_AIG_VARS"));
    /* under the limit it is read */
    loom_limit_set(LOOM_LIM_AIG_VARS, 1u << 26);
    const char *g = "aig 1000 1000 0 1 0\n2\n";
    assert_int_equal(aig_read_mem((const uint8_t *)g, strlen(g), "ok.aig", &a, &e), LOOM_OK);
    aig_file_free(a);
    restore_defaults();
}

/* A valid .limg with header field k (12..17) replaced and the CRC fixed up. */
static void write_limg_with(const char *path, int field, uint32_t value)
{
    limg_arch a;
    seir_arch_default(&a.arch);
    a.cores = 1;
    a.neurons = 8;
    a.syn_words = 16;
    a.profiles = 2;
    a.levels = 4;
    a.max_inputs = 4;
    limg *img = limg_new(&a, 2, 1, 1);
    assert_non_null(img);
    img->slot_of[1] = 1;
    img->n_levels = 1;
    assert_int_equal(limg_put(img, 0x10, 7), 0);
    loom_err e;
    assert_int_equal(limg_write(img, path, &e), LOOM_OK);
    limg_free(img);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(n > 80 && n < sizeof buf);
    for (int b = 0; b < 4; b++)
        buf[field * 4 + b] = (uint8_t)(value >> (8 * b));
    uint32_t crc = limg_crc32(0, buf, n - 4);
    for (int b = 0; b < 4; b++)
        buf[n - 4 + b] = (uint8_t)(crc >> (8 * b));
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
}

/* issue 15: n_inputs = 1e8 with a valid CRC was accepted (the run then
 * never finished), and n_levels = 0xFFFFFFF0 too */
static void test_limg_fields(void **state)
{
    (void)state;
    char path[] = "/tmp/loom_limits_XXXXXX";
    unit_tmpfile(path);
    loom_err e;
    limg *img = NULL;
    write_limg_with(path, 13, 1);
    assert_int_equal(limg_read(path, &img, &e), LOOM_OK); /* the unmodified image reads */
    limg_free(img);
    static const struct {
        int field;
        uint32_t value;
        const char *msg;
    } bad[] = {
        {13, 100000000u, "byte 52: n_inputs = 100000000 exceeds"},
        {13, 1000000000u, "byte 52: n_inputs = 1000000000 exceeds"},
        {14, 0xFFFFFFF0u, "byte 56: n_levels = 4294967280 exceeds"},
        {12, 9, "byte 48: n_neurons = 9 exceeds"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        write_limg_with(path, bad[k].field, bad[k].value);
        img = NULL;
        assert_int_equal(limg_read(path, &img, &e), LOOM_E_PARSE);
        assert_null(img);
        assert_non_null(strstr(e.msg, path));
        if (!strstr(e.msg, bad[k].msg))
            fail_msg("case %zu: '%s' lacks '%s'", k, e.msg, bad[k].msg);
    }
    unlink(path);
}

static seir_net *two_inputs(void)
{
    seir_net *net;
    loom_err e;
    assert_int_equal(parse("input x[2] spike\nneuron n p\nsyn x[0] n 1\n", &e, &net), LOOM_OK);
    return net;
}

/* a stimulus step beyond the limit would make the default --steps endless */
static void test_stim_steps(void **state)
{
    (void)state;
    restore_defaults();
    seir_net *net = two_inputs();
    char path[] = "/tmp/loom_limits_XXXXXX.csv";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    const char *csv = "step,channel,value\n0,0,1\n  99999999999999,1,1\n";
    assert_int_equal(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
    close(fd);
    stim_src *s = NULL;
    loom_err e;
    assert_int_equal(stim_open_file(net, path, &s, &e), LOOM_E_CAPACITY);
    assert_null(s);
    char want[128];
    snprintf(want, sizeof want, "%s:3:3: step 99999999999999 exceeds the limit of 1073741824", path);
    if (!strstr(e.msg, want))
        fail_msg("'%s' lacks '%s'", e.msg, want);
    assert_non_null(strstr(e.msg, "LOOM_MAX_STEPS"));
    unlink(path);

    /* .lin: the header's last step and a record's step */
    char lpath[] = "/tmp/loom_limits_XXXXXX.lin";
    fd = mkstemps(lpath, 4);
    assert_true(fd >= 0);
    close(fd);
    stim_writer *w;
    assert_int_equal(stim_writer_open(lpath, 2, &w, &e), LOOM_OK);
    stim_event ev = {0, 1};
    assert_int_equal(stim_writer_step(w, 5, &ev, 1, &e), LOOM_OK);
    assert_int_equal(stim_writer_step(w, (uint64_t)1 << 40, &ev, 1, &e), LOOM_OK);
    assert_int_equal(stim_writer_close(w, &e), LOOM_OK);
    assert_int_equal(stim_open_file(net, lpath, &s, &e), LOOM_E_CAPACITY);
    assert_non_null(strstr(e.msg, "byte offset 16: last step 1099511627776 exceeds"));
    loom_limit_set(LOOM_LIM_STEPS, (uint64_t)1 << 50); /* the header passes; lower the limit again */
    assert_int_equal(stim_open_file(net, lpath, &s, &e), LOOM_OK);
    loom_limit_set(LOOM_LIM_STEPS, 100);
    stim_event out[2];
    uint32_t n;
    /* the reader looks one record ahead, so the step-5 call already meets it */
    loom_status st = stim_next(s, 5, out, 2, &n, &e);
    assert_int_equal(st, LOOM_E_CAPACITY);
    assert_non_null(strstr(e.msg, "byte offset 42: step 1099511627776 exceeds the limit of 100"));
    stim_close(s);
    unlink(lpath);
    seir_net_free(net);
    restore_defaults();
}

/* NIR: node shapes and datasets against the neuron and tensor limits */
static void test_nir_shapes(void **state)
{
    (void)state;
    char path[] = "/tmp/loom_limits_XXXXXX.nir";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    close(fd);
    hid_t f;
    hid_t g = h5w_open(path, &f);
    h5w_io(g, "input", "Input", 200);
    h5w_io(g, "output", "Output", 200);
    const char *ed[] = {"input", "output"};
    h5w_close(g, f, 1, ed);
    loom_err e;
    nir_graph *gr = NULL;
    restore_defaults();
    assert_int_equal(nir_read_file(path, &gr, &e), LOOM_OK);
    nir_graph_free(gr);
    loom_limit_set(LOOM_LIM_NEURONS, 100);
    gr = NULL;
    assert_int_equal(nir_read_file(path, &gr, &e), LOOM_E_CAPACITY);
    assert_null(gr);
    assert_non_null(strstr(e.msg, "node 'input' (Input) has 200 elements, more than the limit of 100"));
    assert_non_null(strstr(e.msg, "LOOM_MAX_NEURONS"));
    restore_defaults();

    /* a weight dataset larger than the tensor limit */
    g = h5w_open(path, &f);
    h5w_io(g, "input", "Input", 3);
    h5w_io(g, "output", "Output", 2);
    hid_t n = h5w_node(g, "lin", "Linear");
    double w[6] = {1, 2, 3, 4, 5, 6};
    h5w_mat(n, "weight", 2, 3, w);
    H5Gclose(n);
    const char *ed2[] = {"input", "lin", "lin", "output"};
    h5w_close(g, f, 2, ed2);
    gr = NULL;
    assert_int_equal(nir_read_file(path, &gr, &e), LOOM_OK);
    nir_graph_free(gr);
    loom_limit_set(LOOM_LIM_TENSOR, 5);
    gr = NULL;
    assert_int_equal(nir_read_file(path, &gr, &e), LOOM_E_CAPACITY);
    assert_non_null(strstr(e.msg, "dataset 'weight' has more than the limit of 5 elements"));
    assert_non_null(strstr(e.msg, "LOOM_MAX_TENSOR"));
    restore_defaults();
    unlink(path);
}

UNIT_MAIN(test_seir_neuron_group, test_seir_input_group, test_seir_total_and_override,
          test_aiger_header, test_limg_fields, test_stim_steps, test_nir_shapes)
