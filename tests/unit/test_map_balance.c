/*
 * test_map_balance.c -- the mapper's placement balance (compiler/map_balance.h):
 * a hand case where the round-robin deal puts all targets of an input in
 * one core, the constraints (only neurons of one level and one machine
 * profile change places; synapse memory per core; sources of fewer than 4K
 * synapses left as dealt), and on a random net the
 * spread of every source's synapses over the cores, which must fall well
 * below the round-robin deal's while every core keeps its slots per level
 * and profile and the result is the same on every run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "limg.h"
#include "map_balance.h"
#include "mapper.h"
#include "seir.h"

static limg_arch arch_k(uint32_t cores)
{
    limg_arch a;
    seir_arch_default(&a.arch);
    a.cores = cores;
    a.neurons = 16;
    a.syn_words = 32;
    a.profiles = 2;
    a.levels = 4;
    a.max_inputs = 4;
    return a;
}

/* n0..n15, profile 0 for the even ones, 1 (theta_odd; 3 = the same as
 * profile 0) for the odd ones; in0 -> the 8 even neurons (delay 1): on
 * 2 cores a source of 4K = 8 synapses, which map_balance spreads. */
static seir_net *pair_net(int32_t theta_odd)
{
    seir_net *net = seir_net_new(NULL);
    seir_profile p;
    seir_profile_default(&p);
    p.name = "a";
    p.theta = 3;
    assert_int_equal(seir_add_profile(net, &p), 0);
    p.name = "b";
    p.theta = theta_odd;
    assert_int_equal(seir_add_profile(net, &p), 1);
    assert_int_equal(seir_add_inputs(net, "in", 1, 0, SEIR_IN_SPIKE), 0);
    for (uint32_t n = 0; n < 16; n++) {
        char name[8] = {'n', (char)('a' + n), 0};
        assert_int_equal(seir_add_neurons(net, name, 1, 0, n % 2), (int64_t)n);
    }
    for (uint32_t n = 0; n < 16; n += 2)
        assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 0, n, 5, 1), 0);
    return net;
}

/* Round robin puts the even neurons in core 0 (in0's 8 words there, none
 * in core 1); swaps with odd neurons split them 4 + 4. */
static void test_pair_split(void **state)
{
    (void)state;
    seir_net *net = pair_net(3);
    limg_arch a = arch_k(2);
    map_result *m;
    loom_err e;
    assert_int_equal(map_net(net, &a, &m, &e), LOOM_OK);
    assert_int_equal(m->core_used[0], 8);
    assert_int_equal(m->core_used[1], 8);
    assert_int_equal(m->fo_count[0 * m->fan + 0], 4);
    assert_int_equal(m->fo_count[1 * m->fan + 0], 4);
    map_free(m);
    seir_net_free(net);
}

/* The same with the odd neurons of another profile: no neuron can take an
 * even one's place, so the deal stands. */
static void test_profile_kept(void **state)
{
    (void)state;
    seir_net *net = pair_net(5);
    limg_arch a = arch_k(2);
    map_result *m;
    loom_err e;
    assert_int_equal(map_net(net, &a, &m, &e), LOOM_OK);
    for (uint32_t n = 0; n < 16; n++)
        assert_int_equal(m->img->core_of[n], n % 2);
    assert_int_equal(m->fo_count[0 * m->fan + 0], 8);
    map_free(m);
    seir_net_free(net);
}

/* The same with the odd neurons one level up (n0 -> each odd neuron at
 * delay 0): no swap across levels; the level order (evens, then odds)
 * deals the evens 0, 1, 0, 1, ... so in0 is split already. */
static void test_level_kept(void **state)
{
    (void)state;
    seir_net *net = pair_net(3);
    for (uint32_t n = 1; n < 16; n += 2)
        assert_int_equal(seir_add_syn(net, 0, n, 1, 0), 0);
    limg_arch a = arch_k(2);
    map_result *m;
    loom_err e;
    assert_int_equal(map_net(net, &a, &m, &e), LOOM_OK);
    assert_int_equal(m->level_of[0], 0);
    assert_int_equal(m->level_of[1], 1);
    for (uint32_t k = 0; k < 2; k++) {
        assert_int_equal(m->lvl_count[k * 2 + 0], 4);
        assert_int_equal(m->lvl_count[k * 2 + 1], 4);
        assert_int_equal(m->fo_count[k * m->fan + 0], 4);
    }
    map_free(m);
    seir_net_free(net);
}

/* A source of fewer than 4K synapses is left as dealt: in0 -> n0, n2 on
 * 2 cores stays 2 + 0. */
static void test_small_fanout_left(void **state)
{
    (void)state;
    seir_net *net = seir_net_new(NULL);
    seir_profile p;
    seir_profile_default(&p);
    p.name = "a";
    assert_int_equal(seir_add_profile(net, &p), 0);
    assert_int_equal(seir_add_inputs(net, "in", 1, 0, SEIR_IN_SPIKE), 0);
    assert_int_equal(seir_add_neurons(net, "n", 4, 1, 0), 0);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 0, 0, 5, 1), 0);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 0, 2, 5, 1), 0);
    limg_arch a = arch_k(2);
    map_result *m;
    loom_err e;
    assert_int_equal(map_net(net, &a, &m, &e), LOOM_OK);
    assert_int_equal(m->fo_count[0 * m->fan + 0], 2);
    map_free(m);
    seir_net_free(net);
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

enum { RN = 400, RIN = 40, RFAN = 20, RK = 4 };

/* 400 neurons of two profiles, 40 inputs (each to 5 neurons), 20 random
 * targets per neuron (delays 1..15), and zero-delay synapses from neurons
 * 0..9 to 390..399 (a second level). */
static seir_net *random_net(void)
{
    seir_net *net = seir_net_new(NULL);
    seir_profile p;
    seir_profile_default(&p);
    p.name = "a";
    assert_int_equal(seir_add_profile(net, &p), 0);
    p.name = "b";
    p.theta = p.theta + 1;
    assert_int_equal(seir_add_profile(net, &p), 1);
    assert_int_equal(seir_add_inputs(net, "in", RIN, 1, SEIR_IN_SPIKE), 0);
    assert_true(seir_add_neurons(net, "x", RN / 2, 1, 0) == 0);
    assert_true(seir_add_neurons(net, "y", RN / 2, 1, 1) == RN / 2);
    uint64_t s = 7;
    for (uint32_t c = 0; c < RIN; c++)
        for (uint32_t j = 0; j < 5; j++)
            assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | c, (uint32_t)(rng_next(&s) % RN), 3, 0), 0);
    for (uint32_t n = 0; n < RN; n++)
        for (uint32_t j = 0; j < RFAN; j++)
            assert_int_equal(seir_add_syn(net, n, (uint32_t)(rng_next(&s) % RN), 1,
                                          1 + (uint32_t)(rng_next(&s) % 15)),
                             0);
    for (uint32_t n = 0; n < 10; n++)
        assert_int_equal(seir_add_syn(net, n, 390 + n, 1, 0), 0);
    return net;
}

/* sum over sources and cores of (c[s][k] - mean_s)^2, times K */
static double spread(const seir_net *net, const uint32_t *core_of)
{
    const uint32_t S = RN + RIN;
    uint32_t *c = calloc((size_t)S * RK, sizeof *c);
    assert_non_null(c);
    for (size_t i = 0; i < net->n_syn; i++) {
        const seir_syn *y = &net->syn[i];
        const uint32_t src = SEIR_IS_INPUT(y->src) ? RN + SEIR_SRC_INDEX(y->src) : y->src;
        c[(size_t)src * RK + core_of[y->dst]]++;
    }
    double v = 0;
    for (uint32_t s = 0; s < S; s++) {
        double sum = 0, sq = 0;
        for (uint32_t k = 0; k < RK; k++) {
            sum += c[(size_t)s * RK + k];
            sq += (double)c[(size_t)s * RK + k] * c[(size_t)s * RK + k];
        }
        v += RK * sq - sum * sum;
    }
    free(c);
    return v;
}

static void test_random_spread(void **state)
{
    (void)state;
    seir_net *net = random_net();
    uint32_t level[RN], n_levels, deal[RN], c1[RN], c2[RN];
    loom_err e;
    assert_int_equal(seir_levels(net, level, &n_levels, &e), LOOM_OK);
    assert_int_equal(n_levels, 2);
    uint32_t *pcls = map_profile_class(net);
    assert_non_null(pcls);
    /* the round-robin deal of the mapper: level order, SEIR order inside */
    uint32_t j = 0;
    for (uint32_t l = 0; l < n_levels; l++)
        for (uint32_t n = 0; n < RN; n++)
            if (level[n] == l)
                deal[n] = j++ % RK;
    uint32_t syn[RK] = {0};
    for (size_t i = 0; i < net->n_syn; i++)
        syn[deal[net->syn[i].dst]]++;
    uint32_t cap = 0;
    for (uint32_t k = 0; k < RK; k++)
        cap = syn[k] > cap ? syn[k] : cap;
    cap += 4; /* a tight synapse memory */
    memcpy(c1, deal, sizeof deal);
    memcpy(c2, deal, sizeof deal);
    assert_int_equal(map_balance(net, level, pcls, RK, cap, c1, &e), LOOM_OK);
    assert_int_equal(map_balance(net, level, pcls, RK, cap, c2, &e), LOOM_OK);
    assert_memory_equal(c1, c2, sizeof c1);
    const double before = spread(net, deal), after = spread(net, c1);
    print_message("spread %.0f -> %.0f\n", before, after);
    assert_true(after <= 0.7 * before);
    /* every core keeps its neurons per (level, profile); synapses fit */
    uint32_t cnt[2][2][RK] = {{{0}}}, cnt1[2][2][RK] = {{{0}}};
    uint32_t syn1[RK] = {0};
    for (uint32_t n = 0; n < RN; n++) {
        const uint32_t pr = pcls[net->neuron_profile[n]] != 0;
        cnt[level[n]][pr][deal[n]]++;
        cnt1[level[n]][pr][c1[n]]++;
    }
    assert_memory_equal(cnt, cnt1, sizeof cnt);
    for (size_t i = 0; i < net->n_syn; i++)
        syn1[c1[net->syn[i].dst]]++;
    for (uint32_t k = 0; k < RK; k++)
        assert_true(syn1[k] <= cap);
    free(pcls);
    seir_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pair_split),
        cmocka_unit_test(test_profile_kept),
        cmocka_unit_test(test_level_kept),
        cmocka_unit_test(test_small_fanout_left),
        cmocka_unit_test(test_random_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
