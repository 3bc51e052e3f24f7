/*
 * test_input_max.c -- graded input channels with a declared bound
 * (`input NAME graded max=N`): the text form round-trips, the accumulator
 * proof counts max|x| = N (so a graded synapse can pass A=16), the
 * reference model saturates values to [-N, N], and bad declarations are
 * refused with the line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "ref.h"
#include "seir.h"
#include "seir_text.h"

/* One graded channel bounded by 1400 into a neuron with weight 23, at A=16:
 * bound 23 * 1400 = 32200 <= 32767. */
static const char net16[] = "seir 1\n"
                            "arch W=8 S=16 A=16 D=15\n"
                            "profile p a_syn=0 a_mem=0 theta=32767 reset=none\n"
                            "input err graded max=1400\n"
                            "input s spike\n"
                            "neuron n p\n"
                            "syn err n 23 0\n"
                            "syn s n 1 0\n"
                            "output n v\n";

static seir_net *parse(const char *text, loom_err *e, loom_status *st)
{
    seir_net *net = NULL;
    *st = seir_parse(text, strlen(text), "t.seir", &net, e);
    return net;
}

/* A text that must parse. */
static seir_net *parse_ok(const char *text)
{
    loom_err e;
    loom_status st;
    seir_net *net = parse(text, &e, &st);
    if (st != LOOM_OK)
        fail_msg("seir_parse: %s", e.msg);
    return net;
}

static void test_bound_passes_a16(void **state)
{
    (void)state;
    loom_err e;
    seir_net *net = parse_ok(net16);
    assert_int_equal(seir_input_xmax(net, 0), 1400);
    assert_int_equal(seir_input_xmax(net, 1), 1);
    assert_int_equal(seir_check_acc(net, &e), LOOM_OK);
    /* one more unit of weight crosses the limit: 24 * 1400 + 1 = 33601 */
    net->syn[0].w = 24;
    assert_int_equal(seir_check_acc(net, &e), LOOM_E_INVALID);
    assert_non_null(strstr(e.msg, "33601"));
    seir_net_free(net);
}

static void test_unbounded_fails_a16(void **state)
{
    (void)state;
    char text[sizeof net16];
    strcpy(text, net16);
    char *m = strstr(text, " max=1400");
    memmove(m, m + 9, strlen(m + 9) + 1);
    loom_err e;
    loom_status st;
    /* the parser proves the bound: 23 * 32768 + 1 > 32767 */
    seir_net *net = parse(text, &e, &st);
    assert_int_equal(st, LOOM_E_INVALID);
    assert_null(net);
    assert_non_null(strstr(e.msg, "753665"));
}

static void test_round_trip(void **state)
{
    (void)state;
    loom_err e;
    seir_net *net = parse_ok(net16);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(seir_print(net, f, &e), LOOM_OK);
    fclose(f);
    assert_non_null(strstr(buf, "input err graded max=1400\n"));
    assert_non_null(strstr(buf, "input s spike\n"));
    seir_net *back = parse_ok(buf);
    assert_int_equal(seir_input_xmax(back, 0), 1400);
    free(buf);
    seir_net_free(back);
    seir_net_free(net);
}

static void test_ref_saturates(void **state)
{
    (void)state;
    loom_err e;
    seir_net *net = parse_ok(net16);
    assert_int_equal(seir_input_sat(net, 0, 5000), 1400);
    assert_int_equal(seir_input_sat(net, 0, -5000), -1400);
    assert_int_equal(seir_input_sat(net, 0, 999), 999);
    ref_sim *sim;
    assert_int_equal(ref_create(net, &sim, &e), LOOM_OK);
    const int32_t x[] = {5000, -30000, 1000};
    const int32_t want[] = {1400 * 23, -1400 * 23, 1000 * 23};
    for (int k = 0; k < 3; k++) {
        ref_reset(sim);
        ref_set_input(sim, 0, x[k]);
        ref_step(sim);
        assert_int_equal(ref_v(sim, 0), want[k]);
    }
    ref_destroy(sim);
    seir_net_free(net);
}

static void test_bad_declarations(void **state)
{
    (void)state;
    static const char *bad[] = {"input err graded max=0\n", "input err graded max=32768\n",
                                "input err graded max=\n", "input err graded min=3\n",
                                "input err spike max=3\n"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char text[256];
        snprintf(text, sizeof text, "seir 1\n%s", bad[k]);
        loom_err e;
        loom_status st;
        seir_net *net = parse(text, &e, &st);
        assert_int_not_equal(st, LOOM_OK);
        assert_non_null(strstr(e.msg, ":2"));
        seir_net_free(net);
    }
}

UNIT_MAIN(test_bound_passes_a16, test_unbounded_fails_a16, test_round_trip, test_ref_saturates,
          test_bad_declarations)
