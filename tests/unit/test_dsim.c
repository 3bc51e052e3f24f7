/*
 * test_dsim.c -- the change-driven simulation (check/dsim.h) against the
 * reference model, neuron by neuron and step by step: random memoryless
 * nets (cycles, saturation, accumulator wrap, shifts, every reset mode,
 * neuron biases, input synapses of delay 0) from the empty state, and
 * pipelined AIGER lowerings from the settled state, which must agree with
 * the reference model on every neuron from step L (the latency) on.  Plus
 * the nets it refuses.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "aig.h"
#include "dsim.h"
#include "ref.h"

static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return n ? (uint32_t)(rs % n) : 0;
}

/* A random memoryless net: N neurons in P profiles, K synapses each into
 * a neuron, C spike inputs. */
static seir_net *random_net(uint32_t N, uint32_t C, uint32_t K, int D, int A, int S, int W)
{
    seir_arch a = {.w = W, .s = S, .a = A, .d = D};
    seir_net *net = seir_net_new(&a);
    assert_non_null(net);
    const int64_t smax = ((int64_t)1 << (S - 1)) - 1;
    const uint32_t P = 1 + rnd(4);
    for (uint32_t p = 0; p < P; p++) {
        seir_profile q;
        seir_profile_default(&q);
        char name[8];
        snprintf(name, sizeof name, "p%u", p);
        q.name = name;
        q.a_syn = q.a_mem = 0;
        q.theta = (int32_t)rnd(5) - 1;
        q.v_reset = 0;
        q.reset = (seir_reset)rnd(3);
        q.shift = (int)rnd(5) - 2;
        q.bias = (int32_t)rnd(5) - 2;
        if (q.theta > smax)
            q.theta = (int32_t)smax;
        assert_true(seir_add_profile(net, &q) >= 0);
    }
    if (C)
        assert_true(seir_add_inputs(net, "in", C, 1, SEIR_IN_SPIKE) >= 0);
    for (uint32_t n = 0; n < N; n++) {
        char name[16];
        snprintf(name, sizeof name, "n%u", n);
        assert_true(seir_add_neurons(net, name, 1, 0, rnd(P)) >= 0);
        if (rnd(3) == 0)
            assert_int_equal(seir_set_bias(net, n, (int32_t)rnd(3) - 1), 0);
    }
    const int32_t wmax = (1 << (W - 1)) - 1;
    for (uint32_t n = 0; n < N; n++)
        for (uint32_t k = 0; k < K; k++) {
            int in = C && rnd(3) == 0;
            uint32_t src = in ? SEIR_SRC_INPUT | rnd(C) : rnd(N);
            int32_t w = (int32_t)rnd(2 * (uint32_t)wmax + 1) - wmax;
            uint32_t d = in ? rnd((uint32_t)D + 1) : 1 + rnd((uint32_t)D);
            assert_int_equal(seir_add_syn(net, src, n, w, d), 0);
        }
    return net;
}

/* Runs ref and dsim side by side; every neuron's spike must agree in every
 * step >= from. */
static void compare(const seir_net *net, dsim *ds, uint32_t steps, uint32_t from, double rate)
{
    ref_sim *sim;
    loom_err e;
    if (ref_create(net, &sim, &e))
        fail_msg("ref_create: %s", e.msg);
    for (uint32_t t = 0; t < steps; t++) {
        for (uint32_t c = 0; c < net->n_inputs; c++) {
            int x = rnd(1000) < rate * 1000;
            ref_set_input(sim, c, x);
            dsim_set_input(ds, c, x);
        }
        ref_step(sim);
        if (dsim_step(ds, &e))
            fail_msg("dsim_step: %s", e.msg);
        if (t < from)
            continue;
        for (uint32_t n = 0; n < net->n_neurons; n++)
            if (ref_spiked(sim, n) != dsim_spiked(ds, n))
                fail_msg("step %u neuron %u: ref %d, dsim %d", t, n, ref_spiked(sim, n),
                         dsim_spiked(ds, n));
    }
    ref_destroy(sim);
}

static void test_random_nets(void **state)
{
    (void)state;
    for (int round = 0; round < 60; round++) {
        int A = 4 + (int)rnd(8), S = 4 + (int)rnd(8), W = 2 + (int)rnd(6), D = 1 + (int)rnd(8);
        uint32_t N = 1 + rnd(60), C = rnd(6), K = rnd(5);
        seir_net *net = random_net(N, C, K, D, A, S, W);
        const char *why;
        assert_true(dsim_supports(net, &why));
        dsim *ds;
        loom_err e;
        if (dsim_create(net, &ds, &e))
            fail_msg("dsim_create: %s", e.msg);
        compare(net, ds, 150, 0, round % 2 ? 0.5 : 0.1);
        assert_true(dsim_evaluations(ds) >= N);
        dsim_destroy(ds);
        seir_net_free(net);
    }
}

/* A random pipelined AIG: I inputs, A gates, O outputs, long paths when
 * deep. */
static void pipelined(uint32_t I, uint32_t A, uint32_t O, int D, int deep, seir_net **net,
                      aig_lowering **low, aig_file **f)
{
    size_t cap = 64 + 40 * (size_t)(I + A + O), n = 0;
    char *s = malloc(cap);
    const uint32_t M = I + A;
    n += (size_t)sprintf(s + n, "aag %u %u 0 %u %u\n", M, I, O, A);
    for (uint32_t k = 0; k < I; k++)
        n += (size_t)sprintf(s + n, "%u\n", 2 * (k + 1));
    for (uint32_t k = 0; k < O; k++)
        n += (size_t)sprintf(s + n, "%u\n", rnd(2 * M + 2));
    for (uint32_t k = 0; k < A; k++) {
        uint32_t lhs = 2 * (I + k + 1), a = deep ? lhs - 1 - rnd(lhs < 6 ? lhs : 6) : rnd(lhs);
        n += (size_t)sprintf(s + n, "%u %u %u\n", lhs, a, rnd(lhs));
    }
    loom_err e;
    if (aig_read_mem((const uint8_t *)s, n, "p.aag", f, &e))
        fail_msg("read: %s", e.msg);
    model_opts o;
    model_opts_default(&o);
    o.pipeline = 1;
    o.quiet = 1;
    o.arch.d = D;
    if (aig_lower(*f, "p.aag", &o, net, low, &e))
        fail_msg("lower: %s\n%s", e.msg, s);
    free(s);
}

static void test_settled_pipeline(void **state)
{
    (void)state;
    static const int ds[] = {1, 2, 3, 15};
    for (int round = 0; round < 40; round++) {
        seir_net *net;
        aig_lowering *low;
        aig_file *f;
        pipelined(1 + rnd(10), rnd(150), 1 + rnd(8), ds[round % 4], round % 2, &net, &low, &f);
        dsim *ds_;
        loom_err e;
        if (dsim_create(net, &ds_, &e) || dsim_settle(ds_, &e))
            fail_msg("dsim: %s", e.msg);
        /* from step max(L, depth + 1) every neuron (stage <= L for those the
         * outputs use, <= depth + 1 for any gate) has left the fill */
        uint32_t from = low->latency > low->depth + 1 ? low->latency : low->depth + 1;
        compare(net, ds_, 3 * from + 20, from, 0.5);
        dsim_destroy(ds_);
        seir_net_free(net);
        aig_lowering_free(low);
        aig_file_free(f);
    }
}

static void test_refusals(void **state)
{
    (void)state;
    loom_err e;
    dsim *ds;
    const char *why;
    /* state kept between steps */
    seir_net *net = random_net(4, 1, 2, 3, 16, 16, 8);
    net->profiles[0].a_mem = 100;
    assert_false(dsim_supports(net, &why));
    assert_non_null(strstr(why, "a_mem"));
    assert_int_equal(dsim_create(net, &ds, &e), LOOM_E_UNSUPPORTED);
    assert_non_null(strstr(e.msg, "memoryless"));
    assert_null(ds);
    seir_net_free(net);
    /* a zero-delay synapse between neurons */
    net = random_net(4, 0, 1, 3, 16, 16, 8);
    assert_int_equal(seir_add_syn(net, 0, 1, 1, 0), 0);
    assert_false(dsim_supports(net, &why));
    assert_non_null(strstr(why, "delay 0"));
    seir_net_free(net);
    /* a cycle: runs from the empty state, but has no settled state */
    net = random_net(3, 0, 0, 3, 16, 16, 8);
    assert_int_equal(seir_add_syn(net, 0, 1, 1, 1), 0);
    assert_int_equal(seir_add_syn(net, 1, 0, 1, 2), 0);
    if (dsim_create(net, &ds, &e))
        fail_msg("dsim_create: %s", e.msg);
    assert_int_equal(dsim_settle(ds, &e), LOOM_E_UNSUPPORTED);
    assert_non_null(strstr(e.msg, "cycle through 2 neurons"));
    compare(net, ds, 20, 0, 0);
    /* settling is for step 0 only */
    assert_int_equal(dsim_settle(ds, &e), LOOM_E_ARG);
    dsim_destroy(ds);
    seir_net_free(net);
}

UNIT_MAIN(test_random_nets, test_settled_pipeline, test_refusals)
