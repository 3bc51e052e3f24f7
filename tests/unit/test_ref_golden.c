/*
 * test_ref_golden.c -- the reference model on small networks whose traces
 * were worked out by hand from the machine model (docs/machine-model.md).
 * Every expected number is derived in the comment next to it.  Unless a
 * test says otherwise the arch is W=8 S=16 A=24 D=15.
 *
 * Each test runs once per neuron-update path (ref_set_fast: AVX2 vector,
 * portable vector, scalar).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

#include "ref.h"

static int g_fast; /* the neuron-update path of the current run (ref_set_fast) */

static seir_net *mknet(int w, int s, int a, int d)
{
    seir_arch ar = {w, s, a, d};
    seir_net *net = seir_net_new(&ar);
    assert_non_null(net);
    return net;
}

static uint32_t mkprof(seir_net *net, int32_t a_syn, int32_t a_mem, int32_t theta,
                       int32_t v_reset, seir_reset reset, int32_t shift, int32_t bias)
{
    seir_profile p;
    seir_profile_default(&p);
    p.name = (char *)"p";
    p.a_syn = a_syn;
    p.a_mem = a_mem;
    p.theta = theta;
    p.v_reset = v_reset;
    p.reset = reset;
    p.shift = shift;
    p.bias = bias;
    int32_t k = seir_add_profile(net, &p);
    assert_true(k >= 0);
    return (uint32_t)k;
}

static uint32_t mkneurons(seir_net *net, const char *name, uint32_t n, uint32_t prof)
{
    int64_t k = seir_add_neurons(net, name, n, 1, prof);
    assert_true(k >= 0);
    return (uint32_t)k;
}

static uint32_t mkinputs(seir_net *net, uint32_t n, seir_input_kind kind)
{
    int64_t k = seir_add_inputs(net, kind == SEIR_IN_GRADED ? "g" : "in", n, 1, kind);
    assert_true(k >= 0);
    return (uint32_t)k;
}

static void syn(seir_net *net, uint32_t src, uint32_t dst, int32_t w, uint32_t d)
{
    assert_int_equal(seir_add_syn(net, src, dst, w, d), 0);
}
#define IN(c) (SEIR_SRC_INPUT | (c))

static ref_sim *mksim(const seir_net *net)
{
    ref_sim *sim = NULL;
    loom_err e;
    loom_status st = ref_create(net, &sim, &e);
    if (st)
        fail_msg("ref_create: %s", e.msg);
    ref_set_fast(sim, g_fast);
    return sim;
}

/* Runs the whole suite once per path. */
#define BOTH(fn)                                                                            \
    static void fn(void **state);                                                           \
    static void fn##_both(void **state)                                                     \
    {                                                                                       \
        for (g_fast = 2; g_fast >= 0; g_fast--)                                             \
            fn(state);                                                                      \
    }

/* G1: integrate and fire, reset to zero.  a_syn=0 a_mem=4096 theta=10,
 * input weight 4 every step:  v = 4, 8, 12>=10 -> spike, v=0; then 4. */
BOTH(test_integrate_fire)
static void test_integrate_fire(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 15);
    uint32_t p = mkprof(net, 0, 4096, 10, 0, SEIR_RESET_ZERO, 0, 0);
    mkinputs(net, 1, SEIR_IN_SPIKE);
    mkneurons(net, "n", 1, p);
    syn(net, IN(0), 0, 4, 0);
    ref_sim *sim = mksim(net);
    const int32_t v[] = {4, 8, 0, 4, 8, 0};
    const int32_t sp[] = {0, 0, 1, 0, 0, 1};
    for (int t = 0; t < 6; t++) {
        ref_set_input(sim, 0, 1);
        ref_step(sim);
        assert_int_equal(ref_v(sim, 0), v[t]);
        assert_int_equal(ref_i(sim, 0), 4); /* i = decay(i,0) + 4 */
        assert_int_equal(ref_spiked(sim, 0), sp[t]);
    }
    ref_counters c;
    ref_get_counters(sim, &c);
    assert_int_equal(c.steps, 6);
    assert_int_equal(c.syn_events, 6); /* one input synapse per step */
    assert_int_equal(c.spikes, 2);
    assert_int_equal(c.neuron_updates, 6);
    ref_destroy(sim);
    seir_net_free(net);
}

/* G2: membrane leak truncates toward zero.  a_mem=2048 (x0.5), init v=-5
 * and a second neuron with init v=+5:
 *   -5*2048/4096 = -2.5 -> -2;  -2 -> -1;  -1*0.5 = -0.5 -> 0;  0
 *    5 -> 2 (2.5);  2 -> 1;  1 -> 0 (0.5);  0 */
BOTH(test_leak_truncates)
static void test_leak_truncates(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 15);
    uint32_t p = mkprof(net, 0, 2048, 1000, 0, SEIR_RESET_ZERO, 0, 0);
    mkneurons(net, "n", 2, p);
    assert_int_equal(seir_set_init(net, 0, 0, -5), 0);
    assert_int_equal(seir_set_init(net, 1, 0, 5), 0);
    ref_sim *sim = mksim(net);
    assert_int_equal(ref_v(sim, 0), -5); /* initial state readable at t=0 */
    const int32_t vn[] = {-2, -1, 0, 0}, vp[] = {2, 1, 0, 0};
    for (int t = 0; t < 4; t++) {
        ref_step(sim);
        assert_int_equal(ref_v(sim, 0), vn[t]);
        assert_int_equal(ref_v(sim, 1), vp[t]);
    }
    ref_destroy(sim);
    seir_net_free(net);
}

/* G3: synaptic current.  a_syn=2048 a_mem=4096, one input of weight 100 at
 * t=0, theta out of reach:
 *   i: 100, 50, 25, 12 (12.5), 6, 3, 1 (1.5), 0 (0.5)
 *   v: 100, 150, 175, 187, 193, 196, 197, 197 */
BOTH(test_synaptic_current)
static void test_synaptic_current(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 15);
    uint32_t p = mkprof(net, 2048, 4096, 30000, 0, SEIR_RESET_ZERO, 0, 0);
    mkinputs(net, 1, SEIR_IN_SPIKE);
    mkneurons(net, "n", 1, p);
    syn(net, IN(0), 0, 100, 0);
    ref_sim *sim = mksim(net);
    const int32_t i[] = {100, 50, 25, 12, 6, 3, 1, 0};
    const int32_t v[] = {100, 150, 175, 187, 193, 196, 197, 197};
    for (int t = 0; t < 8; t++) {
        if (t == 0)
            ref_set_input(sim, 0, 1);
        ref_step(sim);
        assert_int_equal(ref_i(sim, 0), i[t]);
        assert_int_equal(ref_v(sim, 0), v[t]);
        assert_int_equal(ref_spiked(sim, 0), 0);
    }
    ref_destroy(sim);
    seir_net_free(net);
}

/* G4: the three reset modes side by side; each neuron gets one input of
 * weight 25 at t=0, theta=10, a_mem=4096, a_syn=0:
 *   subtract: v=25 spike -> 15; 15 spike -> 5; 5; 5
 *   zero (v_reset=0): v=25 spike -> 0; 0; 0; 0
 *   none: v=25 (never spikes); 25; 25; 25 */
BOTH(test_reset_modes)
static void test_reset_modes(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 15);
    uint32_t ps = mkprof(net, 0, 4096, 10, 0, SEIR_RESET_SUBTRACT, 0, 0);
    uint32_t pz = mkprof(net, 0, 4096, 10, 0, SEIR_RESET_ZERO, 0, 0);
    uint32_t pn = mkprof(net, 0, 4096, 10, 0, SEIR_RESET_NONE, 0, 0);
    mkinputs(net, 1, SEIR_IN_SPIKE);
    mkneurons(net, "s", 1, ps);
    mkneurons(net, "z", 1, pz);
    mkneurons(net, "x", 1, pn);
    for (uint32_t n = 0; n < 3; n++)
        syn(net, IN(0), n, 25, 0);
    ref_sim *sim = mksim(net);
    const int32_t vs[] = {15, 5, 5, 5}, ss[] = {1, 1, 0, 0};
    const int32_t vz[] = {0, 0, 0, 0}, sz[] = {1, 0, 0, 0};
    for (int t = 0; t < 4; t++) {
        if (t == 0)
            ref_set_input(sim, 0, 1);
        ref_step(sim);
        assert_int_equal(ref_v(sim, 0), vs[t]);
        assert_int_equal(ref_spiked(sim, 0), ss[t]);
        assert_int_equal(ref_v(sim, 1), vz[t]);
        assert_int_equal(ref_spiked(sim, 1), sz[t]);
        assert_int_equal(ref_v(sim, 2), 25);
        assert_int_equal(ref_spiked(sim, 2), 0);
    }
    ref_destroy(sim);
    seir_net_free(net);
}

/* G5: reset to a nonzero v_reset, with bias.  theta=10 v_reset=-7 bias=3,
 * input weight 12 at t=0 only:
 *   t0: v = 0 + 12 + 3 = 15 -> spike, v = -7
 *   t1..t5: v = -4, -1, 2, 5, 8;  t6: 11 -> spike, v = -7;  t7: -4 */
BOTH(test_vreset_bias)
static void test_vreset_bias(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 15);
    uint32_t p = mkprof(net, 0, 4096, 10, -7, SEIR_RESET_ZERO, 0, 3);
    mkinputs(net, 1, SEIR_IN_SPIKE);
    mkneurons(net, "n", 1, p);
    syn(net, IN(0), 0, 12, 0);
    ref_sim *sim = mksim(net);
    const int32_t v[] = {-7, -4, -1, 2, 5, 8, -7, -4};
    for (int t = 0; t < 8; t++) {
        if (t == 0)
            ref_set_input(sim, 0, 1);
        ref_step(sim);
        assert_int_equal(ref_v(sim, 0), v[t]);
        assert_int_equal(ref_spiked(sim, 0), t == 0 || t == 6);
    }
    ref_destroy(sim);
    seir_net_free(net);
}

/* G6: bias alone with reset=subtract.  bias=5 theta=12 a_mem=4096:
 *   5, 10, 15 -> spike -> 3, 8, 13 -> spike -> 1, 6, 11, 16 -> spike -> 4 */
BOTH(test_bias_subtract)
static void test_bias_subtract(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 15);
    uint32_t p = mkprof(net, 0, 4096, 12, 0, SEIR_RESET_SUBTRACT, 0, 5);
    mkneurons(net, "n", 1, p);
    ref_sim *sim = mksim(net);
    const int32_t v[] = {5, 10, 3, 8, 1, 6, 11, 4};
    const int sp[] = {0, 0, 1, 0, 1, 0, 0, 1};
    for (int t = 0; t < 8; t++) {
        ref_step(sim);
        assert_int_equal(ref_v(sim, 0), v[t]);
        assert_int_equal(ref_spiked(sim, 0), sp[t]);
    }
    ref_destroy(sim);
    seir_net_free(net);
}

/* G7: the input shift.  Four neurons, a_syn=0 a_mem=0 (v = in each step),
 * reset none, fed from one spike channel:
 *   n0 shift -2, w  7: floor(7/4)   =  1
 *   n1 shift -2, w -7: floor(-7/4)  = -2
 *   n2 shift  3, w  5: 5*8          = 40
 *   n3 shift 15, w  2: 2*32768 = 65536 -> sat_16 = 32767
 *   n4 shift 15, w -3: -98304 -> sat_16 = -32768
 *   n5 shift -16, w -1: floor(-1/65536) = -1 */
BOTH(test_shift)
static void test_shift(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 15);
    const int32_t shifts[] = {-2, -2, 3, 15, 15, -16};
    const int32_t ws[] = {7, -7, 5, 2, -3, -1};
    const int32_t want[] = {1, -2, 40, 32767, -32768, -1};
    mkinputs(net, 1, SEIR_IN_SPIKE);
    for (uint32_t n = 0; n < 6; n++) {
        uint32_t p = mkprof(net, 0, 0, 1, 0, SEIR_RESET_NONE, shifts[n], 0);
        char name[8] = {'n', (char)('0' + n), 0};
        mkneurons(net, name, 1, p);
        syn(net, IN(0), n, ws[n], 0);
    }
    ref_sim *sim = mksim(net);
    ref_set_input(sim, 0, 1);
    ref_step(sim);
    for (uint32_t n = 0; n < 6; n++) {
        assert_int_equal(ref_i(sim, n), want[n]);
        assert_int_equal(ref_v(sim, n), want[n]);
    }
    ref_step(sim); /* no input: a_syn = a_mem = 0 forget everything */
    for (uint32_t n = 0; n < 6; n++)
        assert_int_equal(ref_v(sim, n), 0);
    ref_destroy(sim);
    seir_net_free(net);
}

/* G8: every delay 0..D with the ring wrapping.  D=3 (R=4).  Neuron k gets
 * the input through delay k (weight 9, a_mem=0, reset none, so v = the
 * input arriving this step).  Input spikes at t = 0, 2, 5, 9:
 *   neuron k sees 9 at t = 0+k, 2+k, 5+k, 9+k and 0 otherwise
 *   (12 steps, three times around the 4-slot ring). */
BOTH(test_delays_wrap)
static void test_delays_wrap(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 3);
    uint32_t p = mkprof(net, 0, 0, 1, 0, SEIR_RESET_NONE, 0, 0);
    mkinputs(net, 1, SEIR_IN_SPIKE);
    mkneurons(net, "n", 4, p);
    for (uint32_t k = 0; k < 4; k++)
        syn(net, IN(0), k, 9, k);
    ref_sim *sim = mksim(net);
    for (int t = 0; t < 16; t++) {
        if (t == 0 || t == 2 || t == 5 || t == 9)
            ref_set_input(sim, 0, 1);
        ref_step(sim);
        for (int k = 0; k < 4; k++) {
            int s = t - k;
            int want = (s == 0 || s == 2 || s == 5 || s == 9) ? 9 : 0;
            assert_int_equal(ref_v(sim, (uint32_t)k), want);
        }
    }
    ref_destroy(sim);
    seir_net_free(net);
}

/* G9: levels.  Declared order c, b, a (indices 0, 1, 2); a -> b -> c with
 * delay 0 and a -> c also with delay 2; the input drives a.  w=10 theta=5
 * a_mem=0: in step 0 all three spike (a at level 0, b level 1, c level 2),
 * c reads 20 (from a and b).  At t=2 c gets a's delayed 10 and spikes alone. */
BOTH(test_levels)
static void test_levels(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 15);
    uint32_t p = mkprof(net, 0, 0, 5, 0, SEIR_RESET_NONE, 0, 0);
    uint32_t pz = mkprof(net, 0, 0, 5, 0, SEIR_RESET_ZERO, 0, 0);
    mkinputs(net, 1, SEIR_IN_SPIKE);
    mkneurons(net, "c", 1, p); /* never spikes: read-out keeps v */
    mkneurons(net, "b", 1, pz);
    mkneurons(net, "a", 1, pz);
    syn(net, IN(0), 2, 10, 0);
    syn(net, 2, 1, 10, 0);
    syn(net, 1, 0, 10, 0);
    syn(net, 2, 0, 10, 0);
    syn(net, 2, 0, 7, 2);
    ref_sim *sim = mksim(net);
    ref_set_input(sim, 0, 1);
    ref_step(sim);
    uint32_t n = 0;
    const uint32_t *s = ref_spikes(sim, &n);
    assert_int_equal(n, 2); /* a and b; c is reset=none */
    assert_int_equal(s[0], 1);
    assert_int_equal(s[1], 2);
    assert_int_equal(ref_v(sim, 0), 20); /* 10 from a + 10 from b */
    assert_int_equal(ref_pending(sim, 0, 1), 7); /* a's delay-2 spike, now 1 step away */
    ref_step(sim);
    assert_int_equal(ref_v(sim, 0), 0);
    ref_step(sim);
    assert_int_equal(ref_v(sim, 0), 7);
    ref_spikes(sim, &n);
    assert_int_equal(n, 0);
    ref_destroy(sim);
    seir_net_free(net);
}

/* G10: a 1000-neuron zero-delay chain propagates one input spike through
 * every neuron in ONE step.  The chain runs from the last index to the
 * first (n[999] -> n[998] -> ... -> n[0]), so level order is the reverse
 * of index order; w=10 theta=5 a_mem=0.  Step 0: all 1000 spike; step 1:
 * none. */
BOTH(test_deep_chain)
static void test_deep_chain(void **state)
{
    (void)state;
    const uint32_t N = 1000;
    seir_net *net = mknet(8, 16, 24, 15);
    uint32_t p = mkprof(net, 0, 0, 5, 0, SEIR_RESET_ZERO, 0, 0);
    mkinputs(net, 1, SEIR_IN_SPIKE);
    mkneurons(net, "n", N, p);
    syn(net, IN(0), N - 1, 10, 0);
    for (uint32_t k = N - 1; k > 0; k--)
        syn(net, k, k - 1, 10, 0);
    ref_sim *sim = mksim(net);
    ref_set_input(sim, 0, 1);
    ref_step(sim);
    uint32_t n = 0;
    const uint32_t *s = ref_spikes(sim, &n);
    assert_int_equal(n, N);
    for (uint32_t k = 0; k < N; k++)
        assert_int_equal(s[k], k); /* ascending SEIR numbering */
    ref_step(sim);
    ref_spikes(sim, &n);
    assert_int_equal(n, 0);
    ref_counters c;
    ref_get_counters(sim, &c);
    assert_int_equal(c.syn_events, N); /* 1 input + 999 chain synapses */
    ref_destroy(sim);
    seir_net_free(net);
}

/* G11: graded channels.  n0 <- g0 with w=3, n1 <- g1 with w=127, a_syn=0,
 * a_mem=4096, reset none.
 *   t0: g0=-300 -> in = -900, v0 = -900;  g1 = 32767 -> a = 4161409 (fits
 *       24 bits), in = sat_16 = 32767, v1 = 32767
 *   t1: g0=-32768 -> a = -98304, in = -32768, v0 = sat(-900-32768) = -32768
 *       g1 = 0 (no event) -> v1 stays 32767
 *   t2: g0 = 5 -> in 15, v0 = -32753 */
BOTH(test_graded)
static void test_graded(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 15);
    uint32_t p = mkprof(net, 0, 4096, 1, 0, SEIR_RESET_NONE, 0, 0);
    mkinputs(net, 2, SEIR_IN_GRADED);
    mkneurons(net, "n", 2, p);
    syn(net, IN(0), 0, 3, 0);
    syn(net, IN(1), 1, 127, 0);
    ref_sim *sim = mksim(net);
    ref_set_input(sim, 0, -300);
    ref_set_input(sim, 1, 32767);
    ref_step(sim);
    assert_int_equal(ref_v(sim, 0), -900);
    assert_int_equal(ref_v(sim, 1), 32767);
    ref_set_input(sim, 0, -32768);
    ref_step(sim);
    assert_int_equal(ref_i(sim, 0), -32768);
    assert_int_equal(ref_v(sim, 0), -32768);
    assert_int_equal(ref_v(sim, 1), 32767);
    ref_set_input(sim, 0, 5);
    ref_step(sim);
    assert_int_equal(ref_v(sim, 0), -32753);
    ref_counters c;
    ref_get_counters(sim, &c);
    assert_int_equal(c.syn_events, 4); /* zero values deliver nothing */
    ref_destroy(sim);
    seir_net_free(net);
}

/* G12: saturation of i and v, and of the subtract reset.
 * n0: a_syn=4096 a_mem=0, graded input 20000 with w=1 at t0 and t1:
 *     i = 20000, then 40000 -> 32767; v = i each step (a_mem=0).
 * n1: a_syn=0 a_mem=4096 bias=-20000, no input: v = -20000, -40000 ->
 *     -32768, stays -32768.
 * n2: reset=subtract theta=-30000 bias=-20000 a_mem=4096: t0 v=-20000 >=
 *     theta -> spike, v = sat(-20000 + 30000) = 10000; t1: v = -10000 ->
 *     spike, v = 20000; t2: v = 0 -> spike, 30000; t3: 10000 -> spike,
 *     v = sat(10000 + 30000) = 32767. */
BOTH(test_saturation)
static void test_saturation(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 15);
    uint32_t p0 = mkprof(net, 4096, 0, 1, 0, SEIR_RESET_NONE, 0, 0);
    uint32_t p1 = mkprof(net, 0, 4096, 1, 0, SEIR_RESET_NONE, 0, -20000);
    uint32_t p2 = mkprof(net, 0, 4096, -30000, 0, SEIR_RESET_SUBTRACT, 0, -20000);
    mkinputs(net, 1, SEIR_IN_GRADED);
    mkneurons(net, "a", 1, p0);
    mkneurons(net, "b", 1, p1);
    mkneurons(net, "c", 1, p2);
    syn(net, IN(0), 0, 1, 0);
    ref_sim *sim = mksim(net);
    const int32_t i0[] = {20000, 32767, 32767, 32767};
    const int32_t v1[] = {-20000, -32768, -32768, -32768};
    const int32_t v2[] = {10000, 20000, 30000, 32767};
    for (int t = 0; t < 4; t++) {
        if (t < 2)
            ref_set_input(sim, 0, 20000);
        ref_step(sim);
        assert_int_equal(ref_i(sim, 0), i0[t]);
        assert_int_equal(ref_v(sim, 0), i0[t]);
        assert_int_equal(ref_v(sim, 1), v1[t]);
        assert_int_equal(ref_v(sim, 2), v2[t]);
        assert_int_equal(ref_spiked(sim, 2), 1);
    }
    ref_destroy(sim);
    seir_net_free(net);
}

/* G13: the accumulator wraps modulo 2^A.  A=8 (-128..127), two spike
 * channels with w=100 into one neuron: 200 -> 200 - 256 = -56.  Graded
 * channel x=3, w=-50: -150 -> -150 + 256 = 106.  (Such a net fails the
 * validator's no-wrap proof, but the model itself just wraps.) */
BOTH(test_acc_wrap)
static void test_acc_wrap(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 8, 15);
    uint32_t p = mkprof(net, 0, 0, 1, 0, SEIR_RESET_NONE, 0, 0);
    mkinputs(net, 2, SEIR_IN_SPIKE);
    mkinputs(net, 1, SEIR_IN_GRADED);
    mkneurons(net, "n", 2, p);
    syn(net, IN(0), 0, 100, 0);
    syn(net, IN(1), 0, 100, 0);
    syn(net, IN(2), 1, -50, 1);
    ref_sim *sim = mksim(net);
    ref_set_input(sim, 0, 1);
    ref_set_input(sim, 1, 1);
    ref_set_input(sim, 2, 3);
    ref_step(sim);
    assert_int_equal(ref_v(sim, 0), -56);
    assert_int_equal(ref_pending(sim, 1, 0), 106); /* arrives next step */
    ref_step(sim);
    assert_int_equal(ref_v(sim, 1), 106);
    ref_destroy(sim);
    seir_net_free(net);
}

/* G14: initial state.  init i=7 v=3, a_syn=2048 a_mem=4096; pending input
 * 40 at step 2 and -3 at step 0 (A=24, no wrap):
 *   t0: a=-3, i = decay(7)=3 (3.5) + -3 = 0, v = 3 + 0 = 3
 *   t1: i = 0, v = 3
 *   t2: i = 0 + 40 = 40, v = 43
 *   t3: i = 20, v = 63 */
BOTH(test_initial_state)
static void test_initial_state(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 15);
    uint32_t p = mkprof(net, 2048, 4096, 1000, 0, SEIR_RESET_ZERO, 0, 0);
    mkneurons(net, "n", 1, p);
    assert_int_equal(seir_set_init(net, 0, 7, 3), 0);
    assert_int_equal(seir_add_ring_init(net, 0, 2, 40), 0);
    assert_int_equal(seir_add_ring_init(net, 0, 0, -3), 0);
    ref_sim *sim = mksim(net);
    assert_int_equal(ref_i(sim, 0), 7);
    assert_int_equal(ref_v(sim, 0), 3);
    assert_int_equal(ref_pending(sim, 0, 0), -3);
    assert_int_equal(ref_pending(sim, 0, 1), 0);
    assert_int_equal(ref_pending(sim, 0, 2), 40);
    const int32_t i[] = {0, 0, 40, 20}, v[] = {3, 3, 43, 63};
    for (int t = 0; t < 4; t++) {
        ref_step(sim);
        assert_int_equal(ref_i(sim, 0), i[t]);
        assert_int_equal(ref_v(sim, 0), v[t]);
        if (t == 0)
            assert_int_equal(ref_pending(sim, 0, 1), 40);
    }
    /* reset brings back t=0 and the initial state, ring included */
    ref_reset(sim);
    assert_int_equal(ref_time(sim), 0);
    assert_int_equal(ref_i(sim, 0), 7);
    assert_int_equal(ref_v(sim, 0), 3);
    assert_int_equal(ref_pending(sim, 0, 2), 40);
    ref_step(sim);
    assert_int_equal(ref_v(sim, 0), 3);
    ref_destroy(sim);
    seir_net_free(net);
}

/* G15: a two-neuron loop through delays.  a -> b (d=2), b -> a (d=1), w=10
 * theta=5 a_mem=0; the input kicks a at t=0.  a spikes at 0, b at 2, a at
 * 3, b at 5, a at 6, ...: a at t = 0 mod 3, b at t = 2 mod 3. */
BOTH(test_delay_loop)
static void test_delay_loop(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 15);
    uint32_t p = mkprof(net, 0, 0, 5, 0, SEIR_RESET_ZERO, 0, 0);
    mkinputs(net, 1, SEIR_IN_SPIKE);
    mkneurons(net, "a", 1, p);
    mkneurons(net, "b", 1, p);
    syn(net, IN(0), 0, 10, 0);
    syn(net, 0, 1, 10, 2);
    syn(net, 1, 0, 10, 1);
    ref_sim *sim = mksim(net);
    for (int t = 0; t < 40; t++) {
        if (t == 0)
            ref_set_input(sim, 0, 1);
        ref_step(sim);
        assert_int_equal(ref_spiked(sim, 0), t % 3 == 0);
        assert_int_equal(ref_spiked(sim, 1), t % 3 == 2);
    }
    ref_destroy(sim);
    seir_net_free(net);
}

/* G16: the LIF of the benchmarks, step by step.  a_mem=3896, theta=100,
 * input weight 30 every step (a_syn=0 so i=30):
 *   v1 = 30
 *   v2 = 30*3896/4096 = 28.53 -> 28, +30 = 58
 *   v3 = 58*3896/4096 = 55.16 -> 55, +30 = 85
 *   v4 = 85*3896/4096 = 80.85 -> 80, +30 = 110 >= 100 -> spike, 0
 *   v5 = 30 */
BOTH(test_bench_lif)
static void test_bench_lif(void **state)
{
    (void)state;
    seir_net *net = mknet(8, 16, 24, 15);
    uint32_t p = mkprof(net, 0, 3896, 100, 0, SEIR_RESET_ZERO, 0, 0);
    mkinputs(net, 1, SEIR_IN_SPIKE);
    mkneurons(net, "n", 1, p);
    syn(net, IN(0), 0, 30, 0);
    ref_sim *sim = mksim(net);
    const int32_t v[] = {30, 58, 85, 0, 30};
    for (int t = 0; t < 5; t++) {
        ref_set_input(sim, 0, 1);
        ref_step(sim);
        assert_int_equal(ref_v(sim, 0), v[t]);
        assert_int_equal(ref_spiked(sim, 0), t == 3);
    }
    ref_destroy(sim);
    seir_net_free(net);
}

UNIT_MAIN(test_integrate_fire_both, test_leak_truncates_both, test_synaptic_current_both,
          test_reset_modes_both, test_vreset_bias_both, test_bias_subtract_both, test_shift_both,
          test_delays_wrap_both, test_levels_both, test_deep_chain_both, test_graded_both,
          test_saturation_both, test_acc_wrap_both, test_initial_state_both, test_delay_loop_both,
          test_bench_lif_both)
