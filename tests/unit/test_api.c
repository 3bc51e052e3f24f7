/*
 * test_api.c -- the public C API (include/loom/loom.h) against the
 * internals it wraps: loading with options, the per-layer report, the
 * simulator (step by step = in bulk = the reference model), the float
 * reference's errors, SEIR round trip, and errors as values.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"

#include "loom/loom.h"
#include "ref.h"
#include "seir.h"
#include "seir_text.h"
#include "loom_mem.h"

#define FF "examples/seir/feedforward.seir"
#define RING "examples/seir/ring.seir"

static loom_net *load(const char *path)
{
    loom_err e;
    loom_net *n = NULL;
    loom_status st = loom_net_load(path, NULL, &n, &e);
    if (st)
        fail_msg("%s: %s", path, e.msg);
    return n;
}

static void test_data_root(void **state)
{
    (void)state;
    char root[4096], probe[4200];
    unsetenv("LOOM_DATADIR");
    loom_data_root(root, sizeof root);
    snprintf(probe, sizeof probe, "%s/rtl/loom_top.v", root);
    assert_int_equal(access(probe, R_OK), 0);
    setenv("LOOM_DATADIR", "/some/where", 1);
    assert_string_equal(loom_data_root(root, sizeof root), "/some/where");
    unsetenv("LOOM_DATADIR");
}

static void test_load_errors(void **state)
{
    (void)state;
    loom_err e;
    loom_net *n = (loom_net *)&e;
    assert_int_equal(loom_net_load("no/such/file.seir", NULL, &n, &e), LOOM_E_IO);
    assert_null(n);
    assert_non_null(strstr(e.msg, "no/such/file.seir"));
    assert_int_not_equal(loom_net_load("model.xyz", NULL, &n, &e), LOOM_OK); /* unknown ending */
    assert_non_null(strstr(e.msg, "model.xyz"));
    loom_load_opts o;
    loom_load_opts_default(&o);
    o.board = "no-such-board";
    assert_int_equal(loom_net_load(FF, &o, &n, &e), LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "icebreaker")); /* lists the known boards */
    loom_load_opts_default(&o);
    o.arch_set = 1;
    o.arch = (loom_arch){1, 16, 24, 15}; /* W < 2 */
    assert_int_not_equal(loom_net_load(FF, &o, &n, &e), LOOM_OK);
    assert_non_null(strstr(e.msg, "arch"));
    /* a NULL loom_err is fine */
    assert_int_equal(loom_net_load("no/such/file.seir", NULL, &n, NULL), LOOM_E_IO);
}

static void test_shape_and_report(void **state)
{
    (void)state;
    loom_net *n = load(FF);
    assert_int_equal(loom_net_kind(n), LOOM_KIND_SEIR);
    assert_int_equal(loom_net_inputs(n), 4);
    assert_int_equal(loom_net_neurons(n), 5);
    assert_int_equal(loom_net_outputs(n), 5); /* output o spike; output hidden v */
    char name[64];
    assert_string_equal(loom_net_neuron_name(n, loom_net_output(n, 1), name, sizeof name), "o[1]");
    assert_string_equal(loom_net_neuron_name(n, loom_net_output(n, 4), name, sizeof name), "hidden[2]");
    assert_int_equal(loom_net_output(n, 5), UINT32_MAX);
    loom_arch a;
    loom_net_arch(n, &a);
    assert_int_equal(a.w, 8);
    assert_int_equal(a.a, 24);

    loom_report *r = NULL;
    loom_err e;
    assert_int_equal(loom_net_report(n, NULL, &r, &e), LOOM_OK);
    assert_int_equal(loom_report_layers(r), 2);
    assert_null(loom_report_layer(r, 2));
    const loom_layer *h = loom_report_layer(r, 0), *o = loom_report_layer(r, 1);
    assert_string_equal(h->name, "hidden");
    assert_string_equal(o->name, "o");
    /* count the synapses and weights the slow way, from the parsed net */
    seir_net *sn = NULL;
    assert_int_equal(seir_parse_file(FF, &sn, &e), LOOM_OK);
    uint64_t syn[2] = {0, 0};
    int32_t wmax[2] = {INT32_MIN, INT32_MIN}, wmin[2] = {INT32_MAX, INT32_MAX};
    for (size_t k = 0; k < sn->n_syn; k++) {
        int g = sn->syn[k].dst >= 3;
        syn[g]++;
        if (sn->syn[k].w > wmax[g]) wmax[g] = sn->syn[k].w;
        if (sn->syn[k].w < wmin[g]) wmin[g] = sn->syn[k].w;
    }
    assert_int_equal(h->synapses, syn[0]);
    assert_int_equal(o->synapses, syn[1]);
    assert_int_equal(h->w_max, wmax[0]);
    assert_int_equal(o->w_min, wmin[1]);
    assert_int_equal(h->count, 3);
    assert_int_equal(o->first, 3);
    assert_int_equal(o->outputs, 2);
    assert_int_equal(h->outputs, 3);
    assert_int_equal(h->sources, 4);
    assert_int_equal(o->sources, 3);
    assert_true(o->w_use > 0 && o->w_use <= 1);
    assert_true(loom_report_agreement(r) < 0); /* not NIR */
    assert_non_null(strstr(loom_report_text(r), "neurons"));
    loom_report_free(r);
    seir_net_free(sn);
    loom_net_free(n);
}

/* loom_sim_run == the same steps by hand == ref_sim directly. */
static void test_sim(void **state)
{
    (void)state;
    loom_net *n = load(RING);
    uint32_t ni = loom_net_inputs(n), nn = loom_net_neurons(n);
    enum { T = 300 };
    int32_t *x = calloc((size_t)T * (ni ? ni : 1), sizeof *x);
    uint8_t *spk = calloc((size_t)T * nn, 1);
    int32_t *v = calloc((size_t)T * nn, sizeof *v);
    assert_true(x && spk && v);
    uint64_t h = 12345;
    for (size_t k = 0; k < (size_t)T * ni; k++) {
        h = h * 6364136223846793005ull + 1442695040888963407ull;
        x[k] = loom_net_input_graded(n, (uint32_t)(k % ni)) ? (int32_t)(h >> 48) - 32768 : (h >> 60) < 3;
    }
    loom_sim *s = NULL;
    loom_err e;
    assert_int_equal(loom_sim_new(n, &s, &e), LOOM_OK);
    assert_int_equal(loom_sim_run(s, x, T, ni, spk, v, &e), LOOM_OK);
    assert_int_equal(loom_sim_time(s), T);
    assert_int_equal(loom_sim_run(s, x, T, ni + 1, NULL, NULL, &e), LOOM_E_ARG);
    assert_int_equal(loom_sim_set_input(s, ni, 1, &e), LOOM_E_ARG);
    assert_int_equal(loom_sim_set_input(s, 0, 2, &e), LOOM_E_ARG); /* spike channels: 0/1 */
    assert_non_null(strstr(e.msg, "channel 0"));
    int32_t x0 = x[0];
    x[0] = 2;
    assert_int_equal(loom_sim_run(s, x, T, ni, NULL, NULL, &e), LOOM_E_ARG);
    x[0] = x0;

    seir_net *sn = NULL;
    ref_sim *ref = NULL;
    assert_int_equal(seir_parse_file(RING, &sn, &e), LOOM_OK);
    assert_int_equal(ref_create(sn, &ref, &e), LOOM_OK);
    loom_sim_reset(s);
    uint64_t total = 0;
    for (uint32_t t = 0; t < T; t++) {
        for (uint32_t c = 0; c < ni; c++) {
            assert_int_equal(loom_sim_set_input(s, c, x[t * ni + c], &e), LOOM_OK);
            ref_set_input(ref, c, x[t * ni + c]);
        }
        loom_sim_step(s);
        ref_step(ref);
        const uint32_t *list;
        uint32_t cnt = loom_sim_spikes(s, &list), rc;
        const uint32_t *rl = ref_spikes(ref, &rc);
        assert_int_equal(cnt, rc);
        assert_memory_equal(list, rl, cnt * sizeof *list);
        for (uint32_t k = 0; k < nn; k++) {
            assert_int_equal(loom_sim_spiked(s, k), spk[t * nn + k]);
            assert_int_equal(loom_sim_v(s, k), v[t * nn + k]);
            assert_int_equal(loom_sim_v(s, k), ref_v(ref, k));
            assert_int_equal(loom_sim_i(s, k), ref_i(ref, k));
        }
        total += cnt;
    }
    assert_true(total > 0);
    ref_destroy(ref);
    seir_net_free(sn);
    loom_sim_free(s);
    LOOM_FREE(x, spk, v);
    loom_net_free(n);
}

static void test_float_and_save(void **state)
{
    (void)state;
    loom_net *n = load(FF);
    loom_err e;
    int32_t x[8] = {0, 1, 0, 1, 1, 0, 1, 0};
    uint8_t spk[10];
    assert_int_equal(loom_net_sim_float(n, x, 2, 4, spk, NULL, &e), LOOM_E_UNSUPPORTED);
    /* SEIR out, SEIR back in: the same net */
    char path[] = "/tmp/test_api_XXXXXX.seir";
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(loom_net_save_seir(n, path, &e), LOOM_OK);
    loom_net *m = load(path);
    remove(path);
    uint8_t a[2 * 5], b[2 * 5];
    loom_sim *sa, *sb;
    assert_int_equal(loom_sim_new(n, &sa, &e), LOOM_OK);
    assert_int_equal(loom_sim_new(m, &sb, &e), LOOM_OK);
    assert_int_equal(loom_sim_run(sa, x, 2, 4, a, NULL, &e), LOOM_OK);
    assert_int_equal(loom_sim_run(sb, x, 2, 4, b, NULL, &e), LOOM_OK);
    assert_memory_equal(a, b, sizeof a);
    loom_sim_free(sa);
    loom_sim_free(sb);
    assert_int_equal(loom_net_save_seir(n, "/nonexistent-dir/x.seir", &e), LOOM_E_IO);
    loom_net_free(m);
    loom_net_free(n);
}

/* A virtual board (the hx8k-breakout's RTL behind build/bin/loom vboard):
 * loom_board_run and loom_board_step spike exactly as the simulator. */
static void test_vboard(void **state)
{
    (void)state;
    loom_err e;
    loom_vboard *vb = NULL;
    loom_status st = loom_vboard_start("hx8k-breakout", 0, &vb, &e);
    if (st)
        fail_msg("vboard: %s", e.msg);
    loom_board *b = NULL;
    if (loom_board_open(loom_vboard_port(vb), 0, &b, &e))
        fail_msg("open %s: %s", loom_vboard_port(vb), e.msg);
    loom_arch a;
    uint32_t cores, per;
    loom_board_arch(b, &a, &cores, &per);
    assert_int_equal(a.a, 24);
    assert_int_equal(cores * per, 64);
    loom_net *n = load(FF);
    enum { T = 120 };
    int32_t x[T * 4];
    uint8_t want[T * 5], got[T * 5];
    for (int k = 0; k < T * 4; k++)
        x[k] = (k * 7 + k / 4) % 5 == 0;
    loom_sim *s = NULL;
    assert_int_equal(loom_sim_new(n, &s, &e), LOOM_OK);
    assert_int_equal(loom_sim_run(s, x, T, 4, want, NULL, &e), LOOM_OK);
    int fired = 0;
    for (int k = 0; k < T * 5; k++)
        fired += want[k];
    assert_true(fired > 20);
    assert_int_equal(loom_board_run(b, x, 1, 4, got, &e), LOOM_E_ARG); /* nothing loaded */
    if (loom_board_load(b, n, &e) || loom_board_run(b, x, T, 4, got, &e))
        fail_msg("run: %s", e.msg);
    assert_memory_equal(got, want, sizeof want);
    /* again from t = 0, one closed-loop step at a time */
    if (loom_board_load(b, n, &e))
        fail_msg("load: %s", e.msg);
    memset(got, 9, sizeof got);
    for (int t = 0; t < T; t++)
        if (loom_board_step(b, x + 4 * t, 4, got + 5 * t, &e))
            fail_msg("step %d: %s", t, e.msg);
    assert_memory_equal(got, want, sizeof want);
    assert_int_equal(loom_board_step(b, x, 3, got, &e), LOOM_E_ARG);
    loom_sim_free(s);
    loom_net_free(n);
    loom_board_close(b);
    loom_vboard_stop(vb);
    assert_int_equal(loom_vboard_start("no-such-board", 0, &vb, &e), LOOM_E_ARG);
}

UNIT_MAIN(test_data_root, test_load_errors, test_shape_and_report, test_sim, test_float_and_save,
          test_vboard)
