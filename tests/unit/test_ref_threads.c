/*
 * test_ref_threads.c -- the reference model at scale: ref_set_threads gives
 * the same spikes, state and pending ring for every thread count (also
 * when the count changes between steps), and ref_create_stream builds the
 * same sim as ref_create from the same synapses.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

#include "benchnet.h"
#include "ref.h"
#include "seir_gen.h"

#define NSIM 3

/* Runs the sims side by side for `steps` steps on the same random inputs
 * (about rate_256/256 of the channels a step, graded values in the graded
 * channels) and fails at the first step, neuron or slot where they differ.
 * Before step `switch_at`, sim k runs on threads[k]; from then on on
 * threads2[k]. */
static void run_same(ref_sim **sim, uint32_t nsim, const seir_net *net, uint64_t seed,
                     uint32_t steps, uint32_t rate_256, const uint32_t *threads,
                     const uint32_t *threads2, uint32_t switch_at)
{
    loom_err e;
    for (uint32_t k = 0; k < nsim; k++)
        assert_int_equal(ref_set_threads(sim[k], threads[k], &e), LOOM_OK);
    uint64_t st = seed;
    for (uint32_t t = 0; t < steps; t++) {
        if (t == switch_at)
            for (uint32_t k = 0; k < nsim; k++)
                assert_int_equal(ref_set_threads(sim[k], threads2[k], &e), LOOM_OK);
        for (uint32_t c = 0; c < net->n_inputs; c++) {
            const uint64_t r = loom_rng_next(&st);
            if ((r & 255) >= rate_256)
                continue;
            const int32_t v = net->input_kind[c] == SEIR_IN_GRADED ? (int32_t)(r >> 40) % 2000 - 1000
                                                                  : 1;
            for (uint32_t k = 0; k < nsim; k++)
                ref_set_input(sim[k], c, v);
        }
        for (uint32_t k = 0; k < nsim; k++)
            ref_step(sim[k]);
        uint32_t n0, nk;
        const uint32_t *s0 = ref_spikes(sim[0], &n0);
        for (uint32_t k = 1; k < nsim; k++) {
            const uint32_t *sk = ref_spikes(sim[k], &nk);
            if (n0 != nk || memcmp(s0, sk, n0 * sizeof *s0))
                fail_msg("step %u: sim %u has %u spikes, sim 0 %u (or other neurons)", t, k, nk, n0);
        }
    }
    for (uint32_t n = 0; n < net->n_neurons; n++)
        for (uint32_t k = 1; k < nsim; k++) {
            if (ref_i(sim[k], n) != ref_i(sim[0], n) || ref_v(sim[k], n) != ref_v(sim[0], n))
                fail_msg("neuron %u: sim %u has i=%d v=%d, sim 0 i=%d v=%d", n, k, ref_i(sim[k], n),
                         ref_v(sim[k], n), ref_i(sim[0], n), ref_v(sim[0], n));
            for (uint32_t d = 0; d <= (uint32_t)net->arch.d; d++)
                if (ref_pending(sim[k], n, d) != ref_pending(sim[0], n, d))
                    fail_msg("neuron %u, slot +%u: sim %u pending %d, sim 0 %d", n, d, k,
                             ref_pending(sim[k], n, d), ref_pending(sim[0], n, d));
        }
    ref_counters c0, ck;
    ref_get_counters(sim[0], &c0);
    for (uint32_t k = 1; k < nsim; k++) {
        ref_get_counters(sim[k], &ck);
        assert_int_equal(c0.syn_events, ck.syn_events);
        assert_int_equal(c0.spikes, ck.spikes);
    }
}

static uint64_t spikes_of(const ref_sim *sim)
{
    ref_counters c;
    ref_get_counters(sim, &c);
    return c.spikes;
}

static void test_bench10k_threads(void **state)
{
    (void)state;
    seir_net *net = NULL;
    loom_err e;
    assert_int_equal(benchnet_build(BENCHNET_10K, 7, &net, &e), LOOM_OK);
    ref_sim *sim[NSIM];
    for (int k = 0; k < NSIM; k++)
        assert_int_equal(ref_create(net, &sim[k], &e), LOOM_OK);
    const uint32_t t1[NSIM] = {1, 2, 3}, t2[NSIM] = {1, 3, 2};
    run_same(sim, NSIM, net, 11, 200, 26, t1, t2, 100);
    assert_true(spikes_of(sim[0]) > 10000);
    assert_int_equal(ref_threads(sim[0]), 1);
    assert_int_equal(ref_threads(sim[1]), 3);
    assert_int_equal(ref_threads(sim[2]), 2);
    /* out of range */
    assert_int_equal(ref_set_threads(sim[0], 0, &e), LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "expected 1..16"));
    assert_int_equal(ref_set_threads(sim[0], REF_MAX_THREADS + 1, &e), LOOM_E_ARG);
    /* after a reset the threaded sims still agree */
    for (int k = 0; k < NSIM; k++)
        ref_reset(sim[k]);
    run_same(sim, NSIM, net, 12, 60, 26, t2, t1, 30);
    /* back to 1 thread from 3 and 2 (the fan-out laid out source by
     * source again) while another goes from 1 to 3 */
    const uint32_t t3[NSIM] = {3, 1, 1};
    run_same(sim, NSIM, net, 13, 60, 26, t2, t3, 30);
    assert_int_equal(ref_threads(sim[0]), 3);
    assert_int_equal(ref_threads(sim[1]), 1);
    for (int k = 0; k < NSIM; k++)
        ref_destroy(sim[k]);
    seir_net_free(net);
}

/* Random nets using every SEIR feature (several levels of zero-delay
 * chains, profiles, graded inputs, initial state), big enough for blocks. */
static void test_seirgen_threads(void **state)
{
    (void)state;
    netgen_recipe o;
    netgen_default(&o, NETGEN_FEATURES);
    o.neurons = 6000;
    o.inputs = 200;
    o.max_syn = 60000;
    uint32_t used3 = 0;
    uint64_t spikes = 0;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        seir_net *net = seirgen_net(seed, &o);
        assert_non_null(net);
        ref_sim *sim[NSIM];
        loom_err e;
        for (int k = 0; k < NSIM; k++)
            assert_int_equal(ref_create(net, &sim[k], &e), LOOM_OK);
        const uint32_t t1[NSIM] = {1, 2, 3}, t2[NSIM] = {1, 1, 3};
        run_same(sim, NSIM, net, 100 + seed, 60, 60, t1, t2, 30);
        used3 += ref_threads(sim[2]) == 3;
        spikes += ref_threads(sim[2]) == 3 ? spikes_of(sim[0]) : 0;
        for (int k = 0; k < NSIM; k++)
            ref_destroy(sim[k]);
        seir_net_free(net);
    }
    /* the nets above must really have run on 3 threads, not fallen back */
    assert_true(used3 >= 3);
    assert_true(spikes > 1000);
}

/* 64-bit fan-out entries (bits(R*N) + W > 32: bench-10k at W = 16) on 1, 2
 * and 3 threads, with the pending ring of a few neurons read after every
 * step (the caller's thread then waits for the workers' deliveries of the
 * step just run, which it otherwise leaves running) and the thread counts
 * changed between setting a step's inputs and running it. */
static void test_wide_threads(void **state)
{
    (void)state;
    seir_net *net = NULL;
    loom_err e;
    assert_int_equal(benchnet_build(BENCHNET_10K, 5, &net, &e), LOOM_OK);
    ref_sim *narrow = NULL;
    assert_int_equal(ref_create(net, &narrow, &e), LOOM_OK);
    const size_t narrow_bytes = ref_memory_bytes(narrow);
    ref_destroy(narrow);
    net->arch.w = 16;
    ref_sim *sim[NSIM];
    for (int k = 0; k < NSIM; k++)
        assert_int_equal(ref_create(net, &sim[k], &e), LOOM_OK);
    /* the entries really are 8 bytes: 4 more a synapse than at W = 8 */
    assert_true(ref_memory_bytes(sim[0]) >= narrow_bytes + 4 * net->n_syn);
    const uint32_t t1[NSIM] = {1, 2, 3};
    for (int k = 0; k < NSIM; k++)
        assert_int_equal(ref_set_threads(sim[k], t1[k], &e), LOOM_OK);
    uint64_t st = 77;
    for (uint32_t t = 0; t < 150; t++) {
        for (uint32_t c = 0; c < net->n_inputs; c++)
            if ((loom_rng_next(&st) & 255) < 26)
                for (int k = 0; k < NSIM; k++)
                    ref_set_input(sim[k], c, 1);
        if (t == 75) { /* between setting a step's inputs and running it */
            assert_int_equal(ref_set_threads(sim[1], 3, &e), LOOM_OK);
            assert_int_equal(ref_set_threads(sim[2], 2, &e), LOOM_OK);
        }
        for (int k = 0; k < NSIM; k++)
            ref_step(sim[k]);
        for (uint32_t n = 0; n < net->n_neurons; n += 997)
            for (uint32_t d = 0; d <= (uint32_t)net->arch.d; d++)
                for (int k = 1; k < NSIM; k++)
                    if (ref_pending(sim[k], n, d) != ref_pending(sim[0], n, d))
                        fail_msg("step %u, neuron %u, slot +%u: sim %d pending %d, sim 0 %d", t, n,
                                 d, k, ref_pending(sim[k], n, d), ref_pending(sim[0], n, d));
    }
    assert_int_equal(ref_threads(sim[1]), 3);
    assert_int_equal(ref_threads(sim[2]), 2);
    run_same(sim, NSIM, net, 78, 50, 26, t1, t1, 50);
    assert_true(spikes_of(sim[0]) > 5000);
    for (int k = 0; k < NSIM; k++)
        ref_destroy(sim[k]);
    seir_net_free(net);
}

static void test_stream_equals_array(void **state)
{
    (void)state;
    loom_err e;
    seir_net *net = NULL, *skel = NULL;
    benchnet_stream *g = NULL;
    ref_syn_stream gen;
    assert_int_equal(benchnet_build(BENCHNET_1K, 3, &net, &e), LOOM_OK);
    assert_int_equal(benchnet_open(BENCHNET_1K, 3, &skel, &g, &gen, &e), LOOM_OK);
    assert_int_equal(skel->n_syn, 0);
    ref_sim *sim[2];
    assert_int_equal(ref_create(net, &sim[0], &e), LOOM_OK);
    assert_int_equal(ref_create_stream(skel, &gen, &sim[1], &e), LOOM_OK);
    assert_int_equal(ref_memory_bytes(sim[0]), ref_memory_bytes(sim[1]));
    const uint32_t t[2] = {1, 1};
    run_same(sim, 2, net, 5, 400, 26, t, t, 400);
    ref_destroy(sim[0]);
    ref_destroy(sim[1]);
    benchnet_close(g);
    seir_net_free(skel);
    seir_net_free(net);
}

/* An array served in chunks of 2 through the stream interface. */
typedef struct arr_stream {
    const seir_syn *syn;
    size_t n, at;
} arr_stream;

static size_t arr_next(void *ctx, seir_syn *buf, size_t cap)
{
    arr_stream *a = ctx;
    size_t k = 0;
    while (k < cap && k < 2 && a->at < a->n)
        buf[k++] = a->syn[a->at++];
    return k;
}

static void arr_rewind(void *ctx) { ((arr_stream *)ctx)->at = 0; }

static void test_stream_checked(void **state)
{
    (void)state;
    seir_net *net = seir_net_new(NULL);
    assert_non_null(net);
    seir_profile p;
    seir_profile_default(&p);
    p.name = (char *)"p";
    assert_int_equal(seir_add_profile(net, &p), 0);
    assert_true(seir_add_neurons(net, "n", 3, 1, 0) >= 0);
    seir_syn syn[5] = {{0, 1, 5, 1}, {1, 2, 5, 0}, {2, 0, 5, 3}, {0, 2, 5, 2}, {1, 0, 200, 1}};
    arr_stream a = {syn, 5, 0};
    const ref_syn_stream gen = {&a, arr_next, arr_rewind};
    ref_sim *sim = (ref_sim *)net;
    loom_err e;
    /* a stream is checked like a list: the bad weight is refused, by index */
    assert_int_equal(ref_create_stream(net, &gen, &sim, &e), LOOM_E_INVALID);
    assert_null(sim);
    assert_non_null(strstr(e.msg, "synapse 4 to n[0]: weight 200 outside W=8 bits"));
    /* and a zero-delay cycle read through several chunks is found */
    syn[4].w = 5;
    syn[2].d = 0;
    syn[3].src = 2;
    syn[3].dst = 1;
    syn[3].d = 0;
    assert_int_equal(ref_create_stream(net, &gen, &sim, &e), LOOM_E_INVALID);
    assert_non_null(strstr(e.msg, "cycle through neuron"));
    syn[3].d = 1;
    assert_int_equal(ref_create_stream(net, &gen, &sim, &e), LOOM_OK);
    ref_set_input(sim, 0, 1);
    ref_step(sim);
    assert_int_equal(ref_time(sim), 1);
    ref_destroy(sim);
    seir_net_free(net);
}

UNIT_MAIN(test_bench10k_threads, test_seirgen_threads, test_wide_threads, test_stream_equals_array,
          test_stream_checked)
