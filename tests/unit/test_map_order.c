/*
 * test_map_order.c -- the order of the slots inside a level (map_order.h):
 * by decreasing drive (sum of the incoming weights, times 2^shift, over
 * theta), neurons that never spike (reset none) last, ties in SEIR order,
 * levels kept in order; a level of fewer than MAP_ORDER_MIN_SLOTS (32)
 * neurons a core kept in SEIR order.  Expected slots worked out by hand
 * below.
 */
#include <stddef.h>
#include <stdint.h>

#include "unit.h"

#include "map_order.h"
#include "mapper.h"
#include "seir.h"

#define NF 57           /* filler neurons: level 0 has 7 + NF = 64 */
#define NN (8 + NF)

static limg_arch arch(uint32_t cores)
{
    limg_arch a;
    seir_arch_default(&a.arch);
    a.cores = cores;
    a.neurons = 128;
    a.syn_words = 32;
    a.profiles = 4;
    a.levels = 4;
    a.max_inputs = 4;
    return a;
}

/* Profiles: lif (theta 10), ro (theta 10, reset none), hi (theta 2),
 * sh (theta 10, shift 2).  Level 0, with the drive of each:
 *   n0 lif  in w 2                      0.2
 *   n1 lif  in w 9                      0.9
 *   n2 ro   in w 50                     never spikes: last
 *   n3 lif  in w -5, n1 -> n3 w 6 d 1   0.1
 *   n4 lif  in w 9                      0.9 (tie with n1: after it)
 *   n5 hi   in w 1                      0.5
 *   n6 sh   in w 1                      4 * 1 / 10 = 0.4
 *   f[0..NF) (n8..) lif, no synapses  0 (SEIR order, after n3, before n2)
 * Level 1: n7 lif, n0 -> n7 w 100 d 0  (the strongest, but a level later). */
static seir_net *order_net(void)
{
    seir_net *net = seir_net_new(NULL);
    seir_profile p;
    seir_profile_default(&p);
    p.name = "lif";
    p.theta = 10;
    assert_int_equal(seir_add_profile(net, &p), 0);
    p.name = "ro";
    p.reset = SEIR_RESET_NONE;
    assert_int_equal(seir_add_profile(net, &p), 1);
    p.name = "hi";
    p.reset = SEIR_RESET_ZERO;
    p.theta = 2;
    assert_int_equal(seir_add_profile(net, &p), 2);
    p.name = "sh";
    p.theta = 10;
    p.shift = 2;
    assert_int_equal(seir_add_profile(net, &p), 3);
    assert_int_equal(seir_add_inputs(net, "in", 1, 0, SEIR_IN_SPIKE), 0);
    static const uint32_t prof[8] = {0, 0, 1, 0, 0, 2, 3, 0};
    for (uint32_t n = 0; n < 8; n++) {
        char name[8] = "n0";
        name[1] = (char)('0' + n);
        assert_int_equal(seir_add_neurons(net, name, 1, 0, prof[n]), (int64_t)n);
    }
    static const int32_t win[7] = {2, 9, 50, -5, 9, 1, 1};
    for (uint32_t n = 0; n < 7; n++)
        assert_true(seir_add_syn(net, SEIR_SRC_INPUT | 0, n, win[n], 0) >= 0);
    assert_true(seir_add_syn(net, 1, 3, 6, 1) >= 0);
    assert_true(seir_add_syn(net, 0, 7, 100, 0) >= 0);
    assert_int_equal(seir_add_neurons(net, "f", NF, 1, 0), 8);
    return net;
}

/* The slot of each neuron on one core: n1 n4 n5 n6 n0 n3 f[0..NF) n2, then
 * n7. */
static uint32_t one_core_slot(uint32_t n)
{
    static const uint32_t slot[8] = {4, 0, 6 + NF, 5, 1, 2, 3, 7 + NF};
    return n < 8 ? slot[n] : 6 + (n - 8);
}

static void test_order_one_core(void **state)
{
    (void)state;
    seir_net *net = order_net();
    limg_arch a = arch(1);
    map_result *m;
    loom_err e;
    if (map_net(net, &a, &m, &e) != LOOM_OK)
        fail_msg("map_net: %s", e.msg);
    assert_int_equal(m->n_levels, 2);
    for (uint32_t n = 0; n < NN; n++) {
        assert_int_equal(m->img->core_of[n], 0);
        if (m->img->slot_of[n] != one_core_slot(n))
            fail_msg("neuron n%u in slot %u, expected %u", n, m->img->slot_of[n], one_core_slot(n));
    }
    map_free(m);
    seir_net_free(net);
}

static void test_order_two_cores(void **state)
{
    (void)state;
    seir_net *net = order_net();
    limg_arch a = arch(2);
    map_result *m;
    loom_err e;
    if (map_net(net, &a, &m, &e) != LOOM_OK)
        fail_msg("map_net: %s", e.msg);
    /* level 0 has 64 = 32 per core: whatever the cores, each core's slots
     * of level 0 run by decreasing drive (n2 last) and its level-1 slot
     * comes after them */
    for (uint32_t x = 0; x < NN; x++)
        for (uint32_t y = 0; y < NN; y++)
            if (m->img->core_of[x] == m->img->core_of[y] && one_core_slot(x) < one_core_slot(y))
                assert_true(m->img->slot_of[x] < m->img->slot_of[y]);
    map_free(m);
    seir_net_free(net);
}

static void test_order_short_level(void **state)
{
    (void)state;
    seir_net *net = order_net();
    limg_arch a = arch(4);
    map_result *m;
    loom_err e;
    if (map_net(net, &a, &m, &e) != LOOM_OK)
        fail_msg("map_net: %s", e.msg);
    /* 64 neurons in level 0, fewer than 32 a core on 4 cores: SEIR order
     * inside every core's level */
    assert_true(7 + NF < MAP_ORDER_MIN_SLOTS * 4);
    for (uint32_t x = 0; x < NN; x++)
        for (uint32_t y = x + 1; y < NN; y++)
            if (m->img->core_of[x] == m->img->core_of[y] && x != 7 && y != 7)
                assert_true(m->img->slot_of[x] < m->img->slot_of[y]);
    map_free(m);
    seir_net_free(net);
}

UNIT_MAIN(test_order_one_core, test_order_two_cores, test_order_short_level)
