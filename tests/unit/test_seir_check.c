/*
 * test_seir_check.c -- seir_validate, seir_levels and seir_check_acc on
 * nets built with the builder API (the path AIGER, NIR and the generator
 * take): levels of deep chains and hand-made DAGs, cycle naming, the exact
 * edge of the accumulator proof, and the message of every validation rule.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "seir.h"

static seir_net *net_with(uint32_t neurons, const char *name, int is_array)
{
    seir_net *net = seir_net_new(NULL);
    assert_non_null(net);
    seir_profile p;
    seir_profile_default(&p);
    p.name = "p";
    assert_int_equal(seir_add_profile(net, &p), 0);
    if (neurons)
        assert_true(seir_add_neurons(net, name, neurons, is_array, 0) >= 0);
    return net;
}

/* 100k-deep zero-delay chain, synapses listed backwards: level[k] = k. */
static void test_levels_deep_chain(void **state)
{
    (void)state;
    const uint32_t n = 100000;
    seir_net *net = net_with(n, "c", 1);
    for (uint32_t k = n - 1; k > 0; k--)
        assert_int_equal(seir_add_syn(net, k - 1, k, 1, 0), 0);
    uint32_t *level = malloc(n * sizeof *level), nl = 0;
    loom_err e;
    assert_int_equal(seir_levels(net, level, &nl, &e), LOOM_OK);
    assert_int_equal(nl, n);
    for (uint32_t k = 0; k < n; k++)
        if (level[k] != k)
            fail_msg("level[%u] = %u, want %u", k, level[k], k);
    assert_int_equal(seir_validate(net, &e), LOOM_OK);
    free(level);
    seir_net_free(net);
}

/* A small DAG with delayed edges and an input, levels worked out by hand. */
static void test_levels_dag(void **state)
{
    (void)state;
    seir_net *net = net_with(6, "a", 1);
    assert_true(seir_add_inputs(net, "x", 1, 0, SEIR_IN_SPIKE) >= 0);
    seir_add_syn(net, SEIR_SRC_INPUT | 0, 0, 1, 0); /* inputs never raise a level */
    seir_add_syn(net, 0, 2, 1, 0);
    seir_add_syn(net, 1, 2, 1, 0);
    seir_add_syn(net, 2, 3, 1, 1); /* delayed: a[3] stays at level 0 */
    seir_add_syn(net, 3, 4, 1, 0);
    seir_add_syn(net, 2, 5, 1, 0);
    seir_add_syn(net, 4, 5, 1, 0);
    seir_add_syn(net, 5, 0, 1, 3); /* delayed back edge: no cycle */
    /* a0=0 a1=0 a2=1+max(0,0)=1 a3=0 a4=1+0=1 a5=1+max(1,1)=2 */
    const uint32_t want[6] = {0, 0, 1, 0, 1, 2};
    uint32_t level[6], nl;
    loom_err e;
    assert_int_equal(seir_levels(net, level, &nl, &e), LOOM_OK);
    assert_memory_equal(level, want, sizeof want);
    assert_int_equal(nl, 3);
    seir_net_free(net);
    /* the empty net has no levels */
    net = net_with(0, NULL, 0);
    nl = 7;
    assert_int_equal(seir_levels(net, NULL, &nl, &e), LOOM_OK);
    assert_int_equal(nl, 0);
    seir_net_free(net);
}

static void test_cycle_named(void **state)
{
    (void)state;
    /* a -> b, then b -> c -> b: the cycle is b, c (a only leads into it) */
    seir_net *net = net_with(0, NULL, 0);
    seir_add_neurons(net, "a", 1, 0, 0);
    seir_add_neurons(net, "b", 1, 0, 0);
    seir_add_neurons(net, "c", 1, 0, 0);
    seir_add_syn(net, 0, 1, 1, 0);
    seir_add_syn(net, 1, 2, 1, 0);
    seir_add_syn(net, 2, 1, 1, 0); /* closes it: the text ends with c -> b */
    loom_err e;
    size_t at = 99;
    assert_int_equal(seir_levels_ex(net, NULL, NULL, &at, &e), LOOM_E_INVALID);
    assert_string_equal(e.msg, "zero-delay cycle: b -> c -> b");
    assert_int_equal(at, 2);
    assert_int_equal(seir_validate(net, &e), LOOM_E_INVALID);
    assert_string_equal(e.msg, "zero-delay cycle: b -> c -> b");
    seir_net_free(net);
}

/* A 100k ring: found iteratively, the message elides the middle. */
static void test_cycle_long(void **state)
{
    (void)state;
    const uint32_t n = 100000;
    seir_net *net = net_with(n, "r", 1);
    for (uint32_t k = 0; k < n; k++)
        seir_add_syn(net, k, (k + 1) % n, 1, 0);
    loom_err e;
    size_t at = 0;
    assert_int_equal(seir_levels_ex(net, NULL, NULL, &at, &e), LOOM_E_INVALID);
    assert_string_equal(e.msg, "zero-delay cycle: r[0] -> r[1] -> r[2] -> r[3] -> r[4] -> r[5] -> "
                               "... (99991 more) -> r[99997] -> r[99998] -> r[99999] -> r[0]");
    assert_int_equal(at, n - 1);
    seir_net_free(net);
}

/* Bound = sum |w|*max|x| + largest |ring|: exactly 2^(A-1)-1 passes. */
static void test_acc_edge(void **state)
{
    (void)state;
    seir_arch a;
    seir_arch_default(&a); /* A = 24: limit 8388607 */
    a.w = 16;
    seir_net *net = seir_net_new(&a);
    seir_profile p;
    seir_profile_default(&p);
    p.name = "p";
    seir_add_profile(net, &p);
    seir_add_inputs(net, "g", 1, 0, SEIR_IN_GRADED);
    seir_add_inputs(net, "s", 1, 0, SEIR_IN_SPIKE);
    seir_add_neurons(net, "n", 2, 1, 0);
    seir_add_syn(net, SEIR_SRC_INPUT | 0, 1, -255, 3);   /* 255 * 32768 = 8355840 */
    seir_add_syn(net, SEIR_SRC_INPUT | 1, 1, 32000, 0);  /* + 32000      = 8387840 */
    seir_add_syn(net, 0, 1, -767, 1);                    /* + 767        = 8388607 */
    seir_add_syn(net, SEIR_SRC_INPUT | 0, 0, 200, 0);    /* n[0]: 6553600, smaller */
    loom_err e;
    assert_int_equal(seir_check_acc(net, &e), LOOM_OK);
    assert_int_equal(seir_validate(net, &e), LOOM_OK);
    /* one more unit of pending input tips it over */
    seir_add_ring_init(net, 1, 2, -1);
    uint32_t worst = 99;
    assert_int_equal(seir_check_acc_ex(net, &worst, &e), LOOM_E_INVALID);
    assert_int_equal(worst, 1);
    assert_string_equal(e.msg, "neuron n[1]: accumulator bound 8388608 exceeds the limit 8388607 = "
                               "2^(A-1)-1 for A=24 (sum of |w|*max|x| over its synapses 8388607, "
                               "largest initial ring value 1)");
    assert_int_equal(seir_validate(net, &e), LOOM_E_INVALID);
    assert_non_null(strstr(e.msg, "neuron n[1]: accumulator bound 8388608"));
    /* the same bound with one more weight unit instead of the ring */
    net->n_ring_init = 0;
    net->syn[2].w = -768;
    assert_int_equal(seir_check_acc(net, &e), LOOM_E_INVALID);
    assert_non_null(strstr(e.msg, "bound 8388608 exceeds the limit 8388607"));
    seir_net_free(net);
}

/* ---- one rule per case: mutate a valid base net, expect the message ---- */

static seir_net *base(void)
{
    seir_net *net = net_with(0, NULL, 0);
    seir_add_inputs(net, "x", 2, 1, SEIR_IN_SPIKE);
    seir_add_neurons(net, "h", 3, 1, 0);
    seir_add_syn(net, SEIR_SRC_INPUT | 0, 1, 1, 0);
    seir_add_output(net, 2, SEIR_OUT_V);
    return net;
}

static void m_weight(seir_net *n) { n->syn[0].w = 128; }
static void m_weight_neg(seir_net *n) { n->syn[0].w = -129; }
static void m_delay(seir_net *n) { n->syn[0].d = 16; }
static void m_dst(seir_net *n) { n->syn[0].dst = 3; }
static void m_src(seir_net *n) { n->syn[0].src = SEIR_SRC_INPUT | 2; }
static void m_arch(seir_net *n) { n->arch.w = 1; }
static void m_arch_d(seir_net *n) { n->arch.d = 256; }
static void m_asyn(seir_net *n) { n->profiles[0].a_syn = 5000; }
static void m_amem(seir_net *n) { n->profiles[0].a_mem = -1; }
static void m_theta(seir_net *n) { n->profiles[0].theta = 40000; }
static void m_vreset(seir_net *n) { n->profiles[0].v_reset = -32769; }
static void m_shift(seir_net *n) { n->profiles[0].shift = -17; }
static void m_reset(seir_net *n) { n->profiles[0].reset = (seir_reset)7; }
static void m_gname(seir_net *n) { n->neuron_groups[0].name[0] = '1'; }
static void m_pname(seir_net *n) { n->profiles[0].name[0] = '-'; }
static void m_dupgroup(seir_net *n) { seir_add_neurons(n, "x", 1, 0, 0); }
static void m_dupprof(seir_net *n)
{
    seir_profile p;
    seir_profile_default(&p);
    p.name = "p";
    seir_add_profile(n, &p);
}
static void m_prof_of(seir_net *n) { n->neuron_profile[1] = 5; }
static void m_out(seir_net *n) { n->outputs[0].neuron = 9; }
static void m_init(seir_net *n) { seir_set_init(n, 2, 0, 32768); }
static void m_ring_slot(seir_net *n) { seir_add_ring_init(n, 0, 16, 1); }
static void m_ring_dup(seir_net *n)
{
    seir_add_ring_init(n, 0, 3, 1);
    seir_add_ring_init(n, 1, 3, 1);
    n->ring_init[1].neuron = 0; /* the builder merges; a hand-made list may not */
}
static void m_tiling(seir_net *n) { n->neuron_groups[0].count = 2; }

typedef struct vcase {
    void (*mutate)(seir_net *);
    const char *msg; /* expected prefix of the message */
} vcase;

static const vcase vcases[] = {
    {m_weight, "synapse 0 (x[0] -> h[1]): weight 128 outside W=8 bits (-128..127)"},
    {m_weight_neg, "synapse 0 (x[0] -> h[1]): weight -129 outside W=8 bits"},
    {m_delay, "synapse 0 (x[0] -> h[1]): delay 16 out of range 0..15 (D=15)"},
    {m_dst, "synapse 0 (x[0] -> #3): destination does not exist (the net has 2 inputs and 3 neurons)"},
    {m_src, "synapse 0 (#in2 -> h[1]): source does not exist"},
    {m_arch, "arch W=1 out of range: weight bits must be 2..16"},
    {m_arch_d, "arch D=256 out of range: max delay must be 0..255"},
    {m_asyn, "profile 'p': a_syn=5000 out of range 0..4096"},
    {m_amem, "profile 'p': a_mem=-1 out of range 0..4096"},
    {m_theta, "profile 'p': theta=40000 outside S=16 bits (-32768..32767)"},
    {m_vreset, "profile 'p': v_reset=-32769 outside S=16 bits"},
    {m_shift, "profile 'p': shift=-17 out of range -16..15"},
    {m_reset, "profile 'p': unknown reset mode 7"},
    {m_gname, "neuron group 0: invalid name '1'"},
    {m_pname, "profile 0: invalid name '-'"},
    {m_dupgroup, "duplicate name 'x'"},
    {m_dupprof, "duplicate name 'p' (profile and profile)"},
    {m_prof_of, "neuron group 'h': neuron 1 has profile 5, its group says 0"},
    {m_out, "output 0: neuron 9 does not exist (3 neurons)"},
    {m_init, "neuron h[2]: initial v=32768 outside S=16 bits"},
    {m_ring_slot, "neuron h[0]: ring init slot 16 out of range 0..15 (D=15)"},
    {m_ring_dup, "neuron h[0]: two ring init entries for slot 3"},
    {m_tiling, "neuron groups cover 2 neurons, the net has 3"},
};

static void test_validate_rules(void **state)
{
    (void)state;
    loom_err e;
    seir_net *ok = base();
    assert_int_equal(seir_validate(ok, &e), LOOM_OK);
    seir_net_free(ok);
    for (size_t k = 0; k < sizeof vcases / sizeof vcases[0]; k++) {
        seir_net *net = base();
        vcases[k].mutate(net);
        loom_status st = seir_validate(net, &e);
        if (st != LOOM_E_INVALID || strncmp(e.msg, vcases[k].msg, strlen(vcases[k].msg)) != 0)
            fail_msg("case %zu: status %d \"%s\", want \"%s...\"", k, st, st ? e.msg : "ok",
                     vcases[k].msg);
        seir_net_free(net);
    }
}

UNIT_MAIN(test_levels_deep_chain, test_levels_dag, test_cycle_named, test_cycle_long,
          test_acc_edge, test_validate_rules)
