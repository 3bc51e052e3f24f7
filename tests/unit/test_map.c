/*
 * test_map.c -- the mapper (placement, fan-out tables, synapse packing,
 * capacity refusals, cycle model) and the .limg image file (round trip,
 * checksum, truncation, arch refusal).  Expected values are worked out by
 * hand from docs/memory-map.md, not taken from the code under test.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "limg.h"
#include "loom_map.h"
#include "mapper.h"
#include "seir.h"

static limg_arch small_arch(uint32_t cores)
{
    limg_arch a;
    seir_arch_default(&a.arch);
    a.cores = cores;
    a.neurons = 8;
    a.syn_words = 16;
    a.profiles = 2;
    a.levels = 4;
    a.max_inputs = 4;
    return a;
}

/* Word at bus address addr in img; fails the test when absent. */
static uint32_t word_at(const limg *img, uint32_t addr)
{
    for (size_t s = 0; s < img->n_segs; s++)
        if (addr >= img->segs[s].addr && addr - img->segs[s].addr < img->segs[s].count)
            return img->words[img->segs[s].off + (addr - img->segs[s].addr)];
    fail_msg("no word at 0x%06X", addr);
    return 0;
}

/* A new net with one profile, "lif", the defaults, and `inputs` spike
 * inputs "in". */
static seir_net *lif_net(uint32_t inputs)
{
    seir_net *net = seir_net_new(NULL);
    seir_profile p;
    seir_profile_default(&p);
    p.name = "lif";
    assert_int_equal(seir_add_profile(net, &p), 0);
    assert_int_equal(seir_add_inputs(net, "in", inputs, 0, SEIR_IN_SPIKE), 0);
    return net;
}

/* in -> a (w 5, d 0); a -> b (w -2, d 0); a -> c (w 7, d 3); b -> c (w 1, d 0)
 * levels: a 0, b 1, c 2 (c has a zero-delay input from b). */
static seir_net *chain_net(void)
{
    seir_net *net = seir_net_new(NULL);
    seir_profile p;
    seir_profile_default(&p);
    p.name = "lif";
    p.theta = 3;
    assert_int_equal(seir_add_profile(net, &p), 0);
    assert_int_equal(seir_add_inputs(net, "in", 1, 0, SEIR_IN_SPIKE), 0);
    assert_int_equal(seir_add_neurons(net, "a", 1, 0, 0), 0);
    assert_int_equal(seir_add_neurons(net, "b", 1, 0, 0), 1);
    assert_int_equal(seir_add_neurons(net, "c", 1, 0, 0), 2);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 0, 0, 5, 0), 0);
    assert_int_equal(seir_add_syn(net, 0, 1, -2, 0), 0);
    assert_int_equal(seir_add_syn(net, 0, 2, 7, 3), 0);
    assert_int_equal(seir_add_syn(net, 1, 2, 1, 0), 0);
    assert_int_equal(seir_set_init(net, 2, -4, 9), 0);
    assert_int_equal(seir_add_ring_init(net, 1, 2, 11), 0);
    return net;
}

/* The chain network mapped onto `cores` small cores; must map. */
static map_result *map_chain(uint32_t cores, seir_net **net)
{
    *net = chain_net();
    limg_arch a = small_arch(cores);
    map_result *m;
    loom_err e;
    if (map_net(*net, &a, &m, &e) != LOOM_OK) fail_msg("map_net: %s", e.msg);
    return m;
}

static void test_syn_word(void **state)
{
    (void)state;
    limg_arch a = small_arch(1);
    a.neurons = 256; /* NB = 8 */
    /* dst 5, w -1 (0xFF in 8 bits), d 3: 5 | 0xFF << 8 | 3 << 16 */
    assert_int_equal(map_syn_word(&a, 5, -1, 3), 0x3FF05);
    a.neurons = 100; /* NB = 7 */
    assert_int_equal(map_syn_word(&a, 99, 2, 15), 99 | 2 << 7 | 15 << 15);
    assert_int_equal(limg_ring_log2(&a), 4);
    a.arch.d = 0;
    assert_int_equal(limg_ring_log2(&a), 1);
    assert_int_equal(map_src_id(&a, 0, 3), 4 + 3);
}

static void test_place_one_core(void **state)
{
    (void)state;
    seir_net *net;
    map_result *m = map_chain(1, &net);
    assert_int_equal(m->n_levels, 3);
    /* one core: slots in level order a, b, c */
    assert_int_equal(m->img->slot_of[0], 0);
    assert_int_equal(m->img->slot_of[1], 1);
    assert_int_equal(m->img->slot_of[2], 2);
    const uint32_t B = LOOM_MAP_CORE_BASE(0);
    assert_int_equal(word_at(m->img, LOOM_REG_N_LEVELS), 3);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_N_USED), 3);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_LEVEL + 0), 1);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_LEVEL + 1), 2);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_LEVEL + 2), 3);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_PROFILE + LOOM_PF_THETA), 3);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_PROFILE + LOOM_PF_A_MEM), 4096);
    assert_int_equal((int32_t)word_at(m->img, B + LOOM_CORE_I + 2), -4);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_V + 2), 9);
    /* ring: slot 1 (b), step 2 -> word (1 << 4) + 2 */
    assert_int_equal(word_at(m->img, B + LOOM_CORE_RING + (1 << 4) + 2), 11);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_RING + (1 << 4) + 3), 0);
    /* fan-out: source ids in = 0, a = 4, b = 5, c = 6; runs in id order:
     * in [0,1), a [1,3), b [3,4), c empty; entry g = 1 + start of g, entry
     * fan = 1 + the end of the last run */
    assert_int_equal(m->fan, 4 + 8);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_FANOUT + 0), 1);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_FANOUT + 1), 2);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_FANOUT + 4), 2);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_FANOUT + 5), 4);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_FANOUT + 6), 5);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_FANOUT + 7), 5);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_FANOUT + 12), 5);
    /* synapse words, NB = 3, W = 8: dst | w << 3 | d << 11 */
    assert_int_equal(word_at(m->img, B + LOOM_CORE_SYN + 0), 0 | 5 << 3);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_SYN + 1), 1 | 0xFE << 3);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_SYN + 2), 2 | 7 << 3 | 3 << 11);
    assert_int_equal(word_at(m->img, B + LOOM_CORE_SYN + 3), 2 | 1 << 3);
    /* the last write restarts time */
    const limg_seg *last = &m->img->segs[m->img->n_segs - 1];
    assert_int_equal(last->addr + last->count - 1, LOOM_REG_TIME);
    /* cycle model (docs/rtl.md), dual-port ring: nothing firing: 2 + inputs
     * 2 + 3 levels x (n + 6), n = 1 */
    assert_true(map_predict_cycles(m, 0, NULL, 0) == 2 + 2 + 3 * (1 + 6));
    /* everything fires every step (so every term is exact), banked ring:
     * inputs max(E + 6, T + 7) = 8 (1 event, 1 word); a level with one
     * slot and a spike of c words ends 13 + c after its start (the update,
     * 7, is shorter, and a's delay-0 word meets no running update): a (2
     * words) 15, b (1) 14, c (no words: its event still passes the core)
     * 12 */
    m->ring_rams = 16;
    assert_true(fabs(map_predict_cycles(m, 1, NULL, 1) - (2 + 8 + 15 + 14 + 12)) < 1e-9);
    /* single-port ring (c = 2): update 2*(n-1) + 10 = 10 (U0..U6) and
     * delivery 2 per level when nothing fires; firing: inputs max(E + 5 +
     * 3h, 2T + 7) = max(1 + 5 + 3, 2*1 + 7) = 9 (the synapse word's stage
     * D0), deliveries max(S + 5 + 3h, 2T + 7 when T > 0): a 11, b 9, c 6 */
    m->port_cycles = 2;
    m->ring_rams = 1;
    assert_true(map_predict_cycles(m, 0, NULL, 0) == 2 + 2 + 3 * (10 + 2));
    assert_true(fabs(map_predict_cycles(m, 1, NULL, 1) - (2 + 9 + (10 + 11) + (10 + 9) + (10 + 6))) < 1e-9);
    map_free(m);
    seir_net_free(net);
}

/* The router sends one spike a cycle for the whole array (loom_router.v),
 * so the cores' spikes of one slot position queue for it.  4 cores, level
 * 0: a_k in core k slot 0, each firing every step with one word to b_k
 * (level 1, same core, never fires), SEIR order, so the spikes go out
 * a_0, a_1, a_2, a_3 and core k gets its word's spike k + 1 cycles on:
 * core 3's last word ends 13 + 4 cycles after the level's start (4 - 1
 * cycles of router ahead of its one word), the level 17, b's 1 + 6, the
 * input phase 0 (no input words: the lanes overlap the update), START
 * and FIN 2: 26, the cycles the RTL takes (loom cosim, config c4).
 * Without the synapses a and b make one level of 2 slots a core, and
 * every spike is without words: the router still sends each, the last 3
 * cycles after the first, so the last core's event passes at C = 4 - 2
 * and the level takes 13 + 2: 2 + 15 = 17, again the RTL's cycles (the
 * model without the router: 14 and 23). */
/* test_predict_router's net on 4 cores: a_k (slot 0 of core k, level 0)
 * with one word to b_k (level 1) when `words`, an input to a_0. */
static map_result *pairs_net(int words, seir_net **out)
{
    seir_net *net = lif_net(1);
    assert_int_equal(seir_add_neurons(net, "a", 4, 1, 0), 0);
    assert_int_equal(seir_add_neurons(net, "b", 4, 1, 0), 4);
    for (uint32_t k = 0; k < 4 && words; k++)
        assert_int_equal(seir_add_syn(net, k, 4 + k, 1, 0), 0);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 0, 0, 1, 1), 0);
    limg_arch a = small_arch(4);
    map_result *m;
    loom_err e;
    if (map_net(net, &a, &m, &e) != LOOM_OK)
        fail_msg("map_net: %s", e.msg);
    for (uint32_t k = 0; k < 4; k++) {
        assert_int_equal(m->img->core_of[k], k);
        assert_int_equal(m->img->core_of[4 + k], k);
    }
    *out = net;
    return m;
}

static void test_predict_router(void **state)
{
    (void)state;
    for (int words = 1; words >= 0; words--) {
        seir_net *net;
        map_result *m = pairs_net(words, &net);
        const double rate[8] = {1, 1, 1, 1, 0, 0, 0, 0};
        assert_true(fabs(map_predict_cycles(m, 0, rate, 0) - (words ? 26 : 17)) < 1e-9);
        map_free(m);
        seir_net_free(net);
    }
}

/* The net of test_predict_lead: 4 cores, level 0 a_k in core k slot 0
 * (then `fill` silent slots f a core), level 1 b_k; a_k -> b_k 4 words at
 * delay 0, every input channel (3) -> a_k 4 words at delay d_in. */
static map_result *lead_net(uint32_t fill, uint32_t d_in, seir_net **net)
{
    *net = lif_net(3);
    assert_int_equal(seir_add_neurons(*net, "a", 4, 0, 0), 0);
    if (fill)
        assert_int_equal(seir_add_neurons(*net, "f", 4 * fill, 0, 0), 4);
    assert_int_equal(seir_add_neurons(*net, "b", 4, 0, 0), 4 + 4 * fill);
    for (uint32_t k = 0; k < 4; k++)
        for (uint32_t w = 0; w < 4; w++) {
            assert_int_equal(seir_add_syn(*net, k, 4 + 4 * fill + k, 1, 0), 0);
            for (uint32_t c = 0; c < 3; c++)
                assert_int_equal(seir_add_syn(*net, SEIR_SRC_INPUT | c, k, 1, d_in), 0);
        }
    limg_arch a = small_arch(4);
    map_result *m;
    loom_err e;
    if (map_net(*net, &a, &m, &e) != LOOM_OK)
        fail_msg("map_net: %s", e.msg);
    for (uint32_t k = 0; k < 4; k++) {
        assert_int_equal(m->img->core_of[k], k);
        assert_int_equal(m->img->slot_of[k], 0);
        assert_int_equal(m->img->core_of[4 + 4 * fill + k], k);
    }
    return m;
}

/* The overlapped input phase runs while the first level updates, and its
 * slot 0 goes before the input words: a spike there is LEAD = E[max T]
 * cycles ahead of the level's start in the model, its words in the
 * core's stream right behind the input words.  lead_net, every input
 * firing (T = 12 words a core, at delay 1: no bound), every a: START and
 * FIN 2, the lanes 12, level 1 (b, one slot) 1 + 6.  Level 0, one slot:
 * core 3's spike, behind 3 others at the router, leaves at -12 + 4, but
 * its stream has 12 - LEAD_WORDS = 6 input words to go: its 4 words end
 * at V = 6 + 4, C = -12 + 10 - 1 = -3, the level 13 + C = 10 (its update
 * 1 + 6): 31 in all, the RTL's cycles (loom cosim, config c4; the model
 * without the lead: 41).  With 2 silent slots after a (fill 2), those
 * issue after the input words, just as the spikes' delay-0 words reach
 * D1: core k's spike has umax - 1 - max(0, 9 - 12 + k) = 2 slots to meet,
 * each delays the level a cycle (X = 2): 12 + 2 + 12 + 7 = 33, again the
 * RTL's.  With the input synapses at delay 0, slot 0 is below every
 * core's bound: it waits for the input words, written BOUND_HOLD = 3
 * cycles after their stream's end, so nothing leads and every spike is 3
 * cycles late: level 0 takes 13 + 7 + 3 = 23, 2 + 12 + 23 + 7 = 44 (the
 * RTL's). */
static void test_predict_lead(void **state)
{
    (void)state;
    static const struct {
        uint32_t fill, d_in;
        double cycles;
    } cases[] = {{0, 1, 31}, {2, 1, 33}, {0, 0, 44}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        seir_net *net;
        map_result *m = lead_net(cases[i].fill, cases[i].d_in, &net);
        double rate[16] = {1, 1, 1, 1};
        const double got = map_predict_cycles(m, 1, rate, 0);
        if (fabs(got - cases[i].cycles) > 1e-9)
            fail_msg("fill %u d_in %u: %.6f cycles, want %.0f", cases[i].fill, cases[i].d_in, got,
                     cases[i].cycles);
        map_free(m);
        seir_net_free(net);
    }
}

/* The gain spread (rate_gain_sd): the step's rates scaled by a gain of
 * mean 1, variance sd^2.  sd = 3, past sqrt(3): two points, a quiet step
 * (gain 0) and a burst (1 + sd^2 = 10, weight 1 / (1 + sd^2) = 0.1), so
 * test_predict_router's net with every a at rate 0.1 takes 0.9 of its
 * quiet 16 cycles (2 + 7 + 7) and 0.1 of its 26 with every a firing: 17.
 * (The Gauss-Hermite nodes 1 -+ sqrt(3) sd, the low one clipped at 0,
 * gave a mean gain of 2/3 + (1 + sqrt(3) sd) / 6 = 1.70 here.) */
static void test_predict_gain(void **state)
{
    (void)state;
    seir_net *net;
    map_result *m = pairs_net(1, &net);
    const double rate[8] = {0.1, 0.1, 0.1, 0.1, 0, 0, 0, 0};
    m->rate_gain_sd = 3;
    assert_true(fabs(map_predict_cycles(m, 0, rate, 0) - 17) < 1e-9);
    map_free(m);
    seir_net_free(net);
}

static void test_place_two_cores(void **state)
{
    (void)state;
    seir_net *net;
    map_result *m = map_chain(2, &net);
    /* round robin in level order: a -> core 0, b -> core 1, c -> core 0 */
    assert_int_equal(m->img->core_of[0], 0);
    assert_int_equal(m->img->core_of[1], 1);
    assert_int_equal(m->img->core_of[2], 0);
    assert_int_equal(m->img->slot_of[2], 1);
    assert_int_equal(m->core_used[0], 2);
    assert_int_equal(m->core_used[1], 1);
    /* core 0 holds in->a, a->c, b->c; core 1 holds a->b */
    assert_int_equal(m->core_syn[0], 3);
    assert_int_equal(m->core_syn[1], 1);
    /* level table of core 1: level 0 ends at 0, level 1 at 1, level 2 at 1 */
    const uint32_t B1 = LOOM_MAP_CORE_BASE(1);
    assert_int_equal(word_at(m->img, B1 + LOOM_CORE_LEVEL + 0), 0);
    assert_int_equal(word_at(m->img, B1 + LOOM_CORE_LEVEL + 1), 1);
    assert_int_equal(word_at(m->img, B1 + LOOM_CORE_LEVEL + 2), 1);
    /* b is core 1 slot 0: source id 4 + 8 + 0 = 12 feeds c in core 0 */
    const uint32_t B0 = LOOM_MAP_CORE_BASE(0);
    assert_int_equal(word_at(m->img, B0 + LOOM_CORE_FANOUT + 13) -
                     word_at(m->img, B0 + LOOM_CORE_FANOUT + 12), 1);
    assert_int_equal(word_at(m->img, B1 + LOOM_CORE_FANOUT + 13) -
                     word_at(m->img, B1 + LOOM_CORE_FANOUT + 12), 0);
    /* cycle model, K > 1, dual-port: the lanes overlap the first level's
     * update, E[max T] more (2 cycles of lane latency less 2 of update,
     * in the steps with words), so `in` (1 word, core 0) adds 1 cycle
     * when it fires; its word is delay-0 into a, slot 0 of the one-slot
     * first level, so the lane's bound holds that slot until the word is
     * written, BOUND_HOLD = 3 cycles more: 4 when it always fires (the
     * RTL's 16 -> 20 cycles on such a net, config c4), 2 at rate 1/2;
     * single-port, each core scans its own events first: 2 without
     * events, else the busiest core's c*T + 6 */
    const double idle = map_predict_cycles(m, 0, NULL, 0);
    assert_true(fabs(map_predict_cycles(m, 1, NULL, 0) - idle - 4) < 1e-9);
    assert_true(fabs(map_predict_cycles(m, 0.5, NULL, 0) - idle - 2) < 1e-9);
    m->port_cycles = 2;
    const double idle2 = map_predict_cycles(m, 0, NULL, 0);
    assert_true(fabs(map_predict_cycles(m, 1, NULL, 0) - idle2 - (2 * 1 + 6 - 2)) < 1e-9);
    m->port_cycles = 1;
    map_free(m);
    seir_net_free(net);
}

/* in0 -> n0 (core 0, 1 word), in1 -> n1 twice (core 1, 2 words), nothing
 * fires: E[max T] at input rate 1/2 is 2 (in1 firing, 1/2) + 1 (only in0,
 * 1/4) = 1.25.  Dual-port (the lanes overlap the update): E[max T], 1.25
 * over no input at all, 2 at rate 1.  Single-port
 * (the lanes first): both silent 2 (1/4), in1 firing 2 + 6 = 8 (1/2), only
 * in0 1 + 6 = 7 (1/4): 6.25, 4.25 over no input. */
static void test_predict_input_lanes(void **state)
{
    (void)state;
    seir_net *net = lif_net(2);
    assert_int_equal(seir_add_neurons(net, "n", 2, 0, 0), 0);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 0, 0, 5, 1), 0);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 1, 1, 5, 1), 0);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 1, 1, 3, 2), 0);
    limg_arch a = small_arch(2);
    map_result *m;
    loom_err e;
    assert_int_equal(map_net(net, &a, &m, &e), LOOM_OK);
    assert_int_equal(m->img->core_of[0], 0);
    assert_int_equal(m->img->core_of[1], 1);
    const double idle = map_predict_cycles(m, 0, NULL, 0);
    assert_true(fabs(map_predict_cycles(m, 0.5, NULL, 0) - idle - 1.25) < 1e-9);
    assert_true(fabs(map_predict_cycles(m, 1, NULL, 0) - idle - 2) < 1e-9);
    /* single-port ring (c = 2; the last write a cycle after its read, the
     * synapse word a cycle in D0 before it): in1 firing 2*2 + 6 = 10, in0
     * alone 8 */
    m->port_cycles = 2;
    const double idle2 = map_predict_cycles(m, 0, NULL, 0);
    assert_true(fabs(map_predict_cycles(m, 0.5, NULL, 0) - idle2 - (0.5 * 8 + 0.25 * 6)) < 1e-9);
    map_free(m);
    seir_net_free(net);
}

/* K > 1: the top NB+1 bits of input channel c's fan-out entry in core k
 * hold 1 + the lowest slot c's delay-0 synapses reach there (0: none),
 * below them the entry itself.  n0, n2 on core 0 (slots 0, 1), n1 on core
 * 1; in0 -> n2 and in0 -> n0 at delay 0, in0 -> n1 at delay 2, in1 -> n2
 * at delay 1. */
static void test_fanout_low_slot(void **state)
{
    (void)state;
    seir_net *net = lif_net(2);
    assert_int_equal(seir_add_neurons(net, "n", 3, 0, 0), 0);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 0, 2, 5, 0), 0);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 0, 0, 5, 0), 0);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 0, 1, 5, 2), 0);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 1, 2, 5, 1), 0);
    limg_arch a = small_arch(2);
    map_result *m;
    loom_err e;
    assert_int_equal(map_net(net, &a, &m, &e), LOOM_OK);
    assert_int_equal(m->img->core_of[0], 0);
    assert_int_equal(m->img->core_of[1], 1);
    assert_int_equal(m->img->core_of[2], 0);
    const uint32_t sh = 32 - (limg_slot_bits(&a) + 1), low = (1u << sh) - 1;
    const uint32_t B0 = LOOM_MAP_CORE_BASE(0), B1 = LOOM_MAP_CORE_BASE(1);
    const uint32_t slot0 = m->img->slot_of[0], slot2 = m->img->slot_of[2];
    const uint32_t lo0 = slot0 < slot2 ? slot0 : slot2;
    assert_int_equal(word_at(m->img, B0 + LOOM_CORE_FANOUT + 0) >> sh, lo0 + 1);
    assert_int_equal(word_at(m->img, B0 + LOOM_CORE_FANOUT + 0) & low, 1);
    assert_int_equal(word_at(m->img, B0 + LOOM_CORE_FANOUT + 1) >> sh, 0); /* delay 1 only */
    assert_int_equal(word_at(m->img, B0 + LOOM_CORE_FANOUT + 1) & low, 3);
    assert_int_equal(word_at(m->img, B1 + LOOM_CORE_FANOUT + 0) >> sh, 0); /* delay 2 only */
    assert_int_equal(word_at(m->img, B1 + LOOM_CORE_FANOUT + 2) >> sh, 0); /* not an input */
    map_free(m);
    seir_net_free(net);
    /* one core: no top bits */
    net = lif_net(1);
    assert_int_equal(seir_add_neurons(net, "n", 2, 0, 0), 0);
    assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | 0, 1, 5, 0), 0);
    a = small_arch(1);
    assert_int_equal(map_net(net, &a, &m, &e), LOOM_OK);
    assert_int_equal(word_at(m->img, LOOM_MAP_CORE_BASE(0) + LOOM_CORE_FANOUT + 0), 1);
    map_free(m);
    seir_net_free(net);
}

static void expect_refusal(seir_net *net, const limg_arch *a, loom_status st, const char *text)
{
    map_result *m = NULL;
    loom_err e;
    assert_int_equal(map_net(net, a, &m, &e), st);
    assert_null(m);
    if (!strstr(e.msg, text))
        fail_msg("message '%s' lacks '%s'", e.msg, text);
}

static void test_refusals(void **state)
{
    (void)state;
    seir_net *net = chain_net();
    limg_arch a = small_arch(1);
    a.syn_words = 3;
    expect_refusal(net, &a, LOOM_E_CAPACITY, "core 0 needs 4 synapse words, 3 available (it needs 2 cores of this size)");
    a = small_arch(1);
    a.neurons = 2;
    expect_refusal(net, &a, LOOM_E_CAPACITY, "needs 3 neuron slots");
    a = small_arch(1);
    a.levels = 2;
    expect_refusal(net, &a, LOOM_E_CAPACITY, "3 levels");
    a = small_arch(1);
    a.max_inputs = 0;
    loom_err e;
    assert_int_equal(limg_arch_check(&a, &e), LOOM_E_ARG);
    a = small_arch(1);
    a.arch.s = 24;
    expect_refusal(net, &a, LOOM_E_INVALID, "S=16, the build S=24");
    /* delay 3 on a ring of D=2: one relay neuron (seir_relay.h); D=0 has
     * no delay to chain */
    a = small_arch(1);
    a.arch.d = 2;
    {
        map_result *m = NULL;
        assert_int_equal(map_net(net, &a, &m, &e), LOOM_OK);
        assert_int_equal(m->n_neurons, net->n_neurons + 1);
        map_free(m);
    }
    a.arch.d = 0;
    expect_refusal(net, &a, LOOM_E_CAPACITY, "a machine with D=0 has no delays to chain");
    /* a third profile on one core */
    seir_profile p;
    seir_profile_default(&p);
    p.name = "p2";
    seir_add_profile(net, &p);
    p.name = "p3";
    p.bias = 5; /* differs only in bias: the same machine profile as p2 */
    seir_add_profile(net, &p);
    seir_add_neurons(net, "x", 1, 0, 1);
    seir_add_neurons(net, "y", 1, 0, 2);
    a = small_arch(1);
    {
        map_result *m = NULL;
        assert_int_equal(map_net(net, &a, &m, &e), LOOM_OK);
        assert_int_equal(m->core_profiles[0], 2);
        map_free(m);
    }
    p.name = "p4";
    p.theta = 9;
    seir_add_profile(net, &p);
    seir_add_neurons(net, "z", 1, 0, 3);
    expect_refusal(net, &a, LOOM_E_CAPACITY, "core 0 needs 3 neuron profiles, 2 available");
    seir_net_free(net);
}

static void test_limg_file(void **state)
{
    (void)state;
    seir_net *net = chain_net();
    seir_add_output(net, 2, SEIR_OUT_V);
    limg_arch a = small_arch(2);
    map_result *m;
    loom_err e;
    assert_int_equal(map_net(net, &a, &m, &e), LOOM_OK);
    char path[] = "/tmp/test_map_XXXXXX";
    unit_tmpfile(path);
    assert_int_equal(limg_write(m->img, path, &e), LOOM_OK);
    limg *r;
    assert_int_equal(limg_read(path, &r, &e), LOOM_OK);
    assert_int_equal(limg_arch_cmp(&r->arch, &a), 0);
    assert_int_equal(r->n_neurons, 3);
    assert_int_equal(r->n_levels, 3);
    assert_int_equal(r->n_outputs, 1);
    assert_int_equal(r->out_neuron[0], 2);
    assert_int_equal(r->out_kind[0], SEIR_OUT_V);
    assert_int_equal(r->n_segs, m->img->n_segs);
    assert_int_equal(r->n_words, m->img->n_words);
    assert_memory_equal(r->words, m->img->words, r->n_words * sizeof *r->words);
    for (uint32_t n = 0; n < 3; n++) {
        assert_int_equal(r->core_of[n], m->img->core_of[n]);
        assert_int_equal(r->slot_of[n], m->img->slot_of[n]);
    }
    /* another build refuses it, naming both configs */
    limg_arch b = small_arch(4);
    assert_int_equal(limg_check_arch(r, &b, &e), LOOM_E_CAPACITY);
    assert_non_null(strstr(e.msg, "cores=2"));
    assert_non_null(strstr(e.msg, "cores=4"));
    limg_free(r);

    /* CRC-32 check value of "123456789" */
    assert_int_equal(limg_crc32(0, "123456789", 9), 0xCBF43926u);

    /* one flipped bit in a word: checksum error */
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, len - 12, SEEK_SET);
    int c = fgetc(f);
    fseek(f, len - 12, SEEK_SET);
    fputc(c ^ 0x10, f);
    fclose(f);
    assert_int_equal(limg_read(path, &r, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "checksum"));
    /* truncated: size error names the byte */
    assert_int_equal(truncate(path, len - 6), 0);
    assert_int_equal(limg_read(path, &r, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "bytes"));
    /* not an image */
    f = fopen(path, "wb");
    fputs("this is not an image at all, but long enough to hold a header ........", f);
    fclose(f);
    assert_int_equal(limg_read(path, &r, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "magic"));
    unlink(path);
    map_free(m);
    seir_net_free(net);
}

UNIT_MAIN(test_syn_word, test_place_one_core, test_place_two_cores, test_predict_router, test_predict_lead,
          test_predict_gain, test_predict_input_lanes, test_fanout_low_slot,
          test_refusals,
          test_limg_file)
