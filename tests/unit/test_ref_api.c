/*
 * test_ref_api.c -- the reference model's API contract (errors, input
 * handling, counters, reset) and the benchmark network generator.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

#include "benchnet.h"
#include "ref.h"

static seir_net *small_net(uint32_t n_neurons, seir_reset reset)
{
    seir_net *net = seir_net_new(NULL);
    assert_non_null(net);
    seir_profile p;
    seir_profile_default(&p);
    p.name = (char *)"p";
    p.a_mem = 0;
    p.theta = 5;
    p.reset = reset;
    assert_int_equal(seir_add_profile(net, &p), 0);
    assert_true(seir_add_neurons(net, "n", n_neurons, 1, 0) >= 0);
    return net;
}

static void expect_fail(const seir_net *net, loom_status st, const char *needle)
{
    ref_sim *sim = (ref_sim *)net; /* must be overwritten with NULL */
    loom_err e;
    assert_int_equal(ref_create(net, &sim, &e), st);
    assert_null(sim);
    if (!strstr(e.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", e.msg, needle);
}

static void test_create_errors(void **state)
{
    (void)state;
    /* a zero-delay cycle n[1] -> n[2] -> n[1] is refused, naming a neuron */
    seir_net *net = small_net(3, SEIR_RESET_ZERO);
    assert_int_equal(seir_add_syn(net, 0, 1, 10, 0), 0);
    assert_int_equal(seir_add_syn(net, 1, 2, 10, 0), 0);
    assert_int_equal(seir_add_syn(net, 2, 1, 10, 0), 0);
    expect_fail(net, LOOM_E_INVALID, "cycle through neuron n[1]");
    /* the same loop with a delay is fine */
    net->syn[2].d = 1;
    ref_sim *sim = NULL;
    loom_err e;
    assert_int_equal(ref_create(net, &sim, &e), LOOM_OK);
    ref_destroy(sim);
    /* weight outside W=8 bits */
    net->syn[1].w = 128;
    expect_fail(net, LOOM_E_INVALID, "weight 128 outside W=8 bits");
    net->syn[1].w = -128; /* the most negative weight is fine */
    assert_int_equal(ref_create(net, &sim, &e), LOOM_OK);
    ref_destroy(sim);
    /* delay past D */
    net->syn[1].d = 16;
    expect_fail(net, LOOM_E_INVALID, "delay 16 > D=15");
    net->syn[1].d = 15;
    /* synapse to nowhere */
    net->syn[0].dst = 3;
    expect_fail(net, LOOM_E_INVALID, "target neuron 3 does not exist");
    net->syn[0].dst = 1;
    net->syn[0].src = SEIR_SRC_INPUT | 0;
    expect_fail(net, LOOM_E_INVALID, "source input 0 does not exist");
    net->syn[0].src = 0;
    /* profile ranges */
    net->profiles[0].a_mem = 4097;
    expect_fail(net, LOOM_E_INVALID, "expected decays in 0..4096");
    net->profiles[0].a_mem = 0;
    net->profiles[0].shift = -17;
    expect_fail(net, LOOM_E_INVALID, "shift=-17");
    net->profiles[0].shift = 0;
    net->profiles[0].theta = 40000;
    expect_fail(net, LOOM_E_INVALID, "S=16 bits");
    net->profiles[0].theta = 5;
    /* arch */
    net->arch.a = 33;
    expect_fail(net, LOOM_E_INVALID, "A=33");
    net->arch.a = 24;
    /* initial ring entry past D */
    assert_int_equal(seir_add_ring_init(net, 0, 16, 1), 0);
    expect_fail(net, LOOM_E_INVALID, "initial pending input");
    seir_net_free(net);
}

static void test_empty_net(void **state)
{
    (void)state;
    seir_net *net = seir_net_new(NULL);
    ref_sim *sim = NULL;
    loom_err e;
    assert_int_equal(ref_create(net, &sim, &e), LOOM_OK);
    ref_step(sim);
    uint32_t n = 7;
    ref_spikes(sim, &n);
    assert_int_equal(n, 0);
    assert_int_equal(ref_time(sim), 1);
    ref_set_input(sim, 0, 1); /* no such channel: ignored */
    ref_step(sim);
    ref_destroy(sim);
    ref_destroy(NULL);
    seir_net_free(net);
}

/* Inputs: out-of-range channels are ignored, a spike channel set to any
 * nonzero value carries 1, graded values saturate to 16 bits, values
 * are cleared after each step, and the last set wins. */
static void test_inputs(void **state)
{
    (void)state;
    seir_net *net = small_net(2, SEIR_RESET_NONE); /* a_mem = 0: v = input */
    assert_true(seir_add_inputs(net, "s", 1, 0, SEIR_IN_SPIKE) >= 0);
    assert_true(seir_add_inputs(net, "g", 1, 0, SEIR_IN_GRADED) >= 0);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 0, 0, 3, 0), 0);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 1, 1, 1, 0), 0);
    ref_sim *sim = NULL;
    loom_err e;
    assert_int_equal(ref_create(net, &sim, &e), LOOM_OK);
    ref_set_input(sim, 0, 5);      /* spike channel: carries 1 -> v = 3 */
    ref_set_input(sim, 1, 99999);  /* graded: sat_16 -> 32767 */
    ref_set_input(sim, 2, 1);      /* ignored */
    ref_step(sim);
    assert_int_equal(ref_v(sim, 0), 3);
    assert_int_equal(ref_v(sim, 1), 32767);
    ref_set_input(sim, 1, -99999); /* -> -32768 */
    ref_step(sim);
    assert_int_equal(ref_v(sim, 0), 0); /* cleared after the step */
    assert_int_equal(ref_v(sim, 1), -32768);
    ref_set_input(sim, 1, 40);
    ref_set_input(sim, 1, -2); /* last set wins */
    ref_set_input(sim, 0, 1);
    ref_set_input(sim, 0, 0); /* unset again */
    ref_step(sim);
    assert_int_equal(ref_v(sim, 1), -2);
    assert_int_equal(ref_v(sim, 0), 0);
    /* reading outside the net gives 0 */
    assert_int_equal(ref_v(sim, 2), 0);
    assert_int_equal(ref_i(sim, 99), 0);
    assert_int_equal(ref_pending(sim, 0, 16), 0);
    assert_int_equal(ref_spiked(sim, 5), 0);
    /* inputs set before a reset are dropped by it */
    ref_set_input(sim, 1, 7);
    ref_reset(sim);
    ref_step(sim);
    assert_int_equal(ref_v(sim, 1), 0);
    ref_counters c;
    ref_get_counters(sim, &c);
    assert_int_equal(c.steps, 1);
    assert_int_equal(c.syn_events, 0);
    assert_true(ref_memory_bytes(sim) > 0);
    /* update paths: S=16 allows the vector ones, 0 is always scalar */
    assert_int_equal(ref_set_fast(sim, 0), 0);
    assert_int_equal(ref_set_fast(sim, 1), 1);
    assert_true(ref_set_fast(sim, 2) >= 1);
    ref_destroy(sim);
    /* S=24 does not fit the 32-bit lanes: always scalar */
    net->arch.s = 24;
    assert_int_equal(ref_create(net, &sim, &e), LOOM_OK);
    assert_int_equal(ref_set_fast(sim, 2), 0);
    ref_destroy(sim);
    seir_net_free(net);
}

/* The spike list is ascending in SEIR numbering even when the model
 * reorders neurons internally (two profiles interleaved, two levels). */
static void test_spike_order(void **state)
{
    (void)state;
    seir_net *net = seir_net_new(NULL);
    seir_profile p;
    seir_profile_default(&p);
    p.name = (char *)"a";
    p.a_mem = 0;
    p.theta = 5;
    assert_int_equal(seir_add_profile(net, &p), 0);
    p.name = (char *)"b";
    p.reset = SEIR_RESET_SUBTRACT;
    assert_int_equal(seir_add_profile(net, &p), 1);
    const uint32_t N = 300;
    for (uint32_t k = 0; k < N; k++) {
        char name[16];
        snprintf(name, sizeof name, "x%u", k);
        assert_true(seir_add_neurons(net, name, 1, 0, k % 3 == 0) >= 0);
    }
    assert_true(seir_add_inputs(net, "in", 1, 0, SEIR_IN_SPIKE) >= 0);
    /* the input drives the odd neurons; each odd neuron drives the next
     * even one through delay 0, so evens are level 1 */
    for (uint32_t k = 1; k < N; k += 2) {
        assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT, k, 10, 0), 0);
        if (k + 1 < N)
            assert_int_equal(seir_add_syn(net, k, k + 1, 10, 0), 0);
    }
    ref_sim *sim = NULL;
    loom_err e;
    assert_int_equal(ref_create(net, &sim, &e), LOOM_OK);
    ref_set_input(sim, 0, 1);
    ref_step(sim);
    uint32_t n = 0;
    const uint32_t *s = ref_spikes(sim, &n);
    assert_int_equal(n, N - 1); /* every neuron but x0 */
    for (uint32_t k = 0; k < n; k++)
        assert_int_equal(s[k], k + 1);
    for (uint32_t k = 0; k < N; k++)
        assert_int_equal(ref_spiked(sim, k), k != 0);
    ref_destroy(sim);
    seir_net_free(net);
}

static void test_benchnet(void **state)
{
    (void)state;
    benchnet_kind k;
    assert_int_equal(benchnet_parse("1k", &k), 0);
    assert_int_equal(k, BENCHNET_1K);
    assert_int_equal(benchnet_parse("bench10k", &k), 0);
    assert_int_equal(k, BENCHNET_10K);
    assert_int_equal(benchnet_parse("1m", &k), 0);
    assert_int_equal(k, BENCHNET_1M);
    assert_int_equal(benchnet_parse("2k", &k), -1);
    assert_null(benchnet_get((benchnet_kind)7));

    seir_net *a = NULL, *b = NULL, *c = NULL;
    loom_err e;
    assert_int_equal(benchnet_build(BENCHNET_1K, 1, &a, &e), LOOM_OK);
    assert_int_equal(benchnet_build(BENCHNET_1K, 1, &b, &e), LOOM_OK);
    assert_int_equal(benchnet_build(BENCHNET_1K, 2, &c, &e), LOOM_OK);
    const benchnet_spec *sp = benchnet_get(BENCHNET_1K);
    assert_int_equal(a->n_neurons, 1000);
    assert_int_equal(a->n_inputs, 1000);
    assert_int_equal(a->n_syn, 1000 + 1000 * 100);
    assert_int_equal(a->profiles[0].a_mem, 3896);
    /* same seed, same net; another seed, another net */
    assert_memory_equal(a->syn, b->syn, a->n_syn * sizeof *a->syn);
    assert_true(memcmp(a->syn, c->syn, a->n_syn * sizeof *a->syn) != 0);
    /* recipe: input k -> neuron k; K distinct non-self targets, delays 1..D */
    uint8_t *seen = calloc(1000, 1);
    size_t inh = 0;
    for (uint32_t n = 0; n < 1000; n++) {
        const seir_syn *y = &a->syn[n];
        assert_int_equal(y->src, SEIR_SRC_INPUT | n);
        assert_int_equal(y->dst, n);
        assert_int_equal(y->w, sp->w_in);
    }
    for (uint32_t n = 0; n < 1000; n++) {
        memset(seen, 0, 1000);
        for (uint32_t j = 0; j < 100; j++) {
            const seir_syn *y = &a->syn[1000 + (size_t)n * 100 + j];
            assert_int_equal(y->src, n);
            assert_true(y->dst != n);
            assert_false(seen[y->dst]);
            seen[y->dst] = 1;
            assert_true(y->d >= 1 && y->d <= 15);
            assert_true(y->w == sp->w_exc || y->w == sp->w_inh);
            inh += y->w == sp->w_inh;
        }
    }
    free(seen);
    /* 51/256 = 19.9% inhibitory: 19,922 expected of 100,000 */
    assert_true(inh > 19000 && inh < 21000);
    ref_sim *sim = NULL;
    assert_int_equal(ref_create(a, &sim, &e), LOOM_OK);
    ref_destroy(sim);
    seir_net_free(a);
    seir_net_free(b);
    seir_net_free(c);
}

UNIT_MAIN(test_create_errors, test_empty_net, test_inputs, test_spike_order, test_benchnet)
