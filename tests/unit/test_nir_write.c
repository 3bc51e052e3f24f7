/*
 * test_nir_write.c -- NIR out (compiler/nir_write.c, nir_exact.c) and the
 * profile clustering (compiler/nir_cluster.c).
 *
 *  - generated nets (every corner of loom gen: saturation, decays 0 and
 *    4096, shifts -16..15, all resets, graded channels with bounds, own
 *    biases, initial state and ring contents, delays) written as NIR and
 *    read back run exactly like the original on the reference model:
 *    every neuron's spike, i and v, every step, on random input;
 *  - the writer's errors name the file; a bad dt is refused;
 *  - clustering: 45 distinct thresholds into at most 16 profiles, each
 *    neuron's new theta within the spread of its cluster, and nothing
 *    changes when the values fit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "netgen.h"
#include "model.h"
#include "nir.h"
#include "nir_cluster.h"
#include "nir_write.h"
#include "ref.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static void round_trip(uint64_t seed, const seir_arch *arch, int32_t max_delay)
{
    netgen_recipe go;
    netgen_default(&go, NETGEN_CORNERS);
    go.seed = seed;
    go.arch = *arch;
    go.max_delay = max_delay;
    seir_net *a = NULL, *b = NULL;
    nir_graph *g = (nir_graph *)1;
    loom_err e;
    loom_err_clear(&e);
    assert_int_equal(netgen_build(&go, &a, &e), LOOM_OK);
    char path[256];
    snprintf(path, sizeof path, "/tmp/loom_test_nirwrite_%ld.nir", (long)getpid());
    assert_int_equal(nir_write_file(a, 1e-3, path, &e), LOOM_OK);
    model_opts mo;
    model_opts_default(&mo);
    mo.arch.w = 16; /* ignored: the file carries its arch */
    loom_status st = nir_compile_file(path, &mo, &b, &g, &e);
    if (st)
        fail_msg("%s", e.msg);
    assert_null(g); /* no float form */
    assert_int_equal(seir_validate(b, &e), LOOM_OK);
    assert_memory_equal(&a->arch, &b->arch, sizeof a->arch);
    assert_int_equal(a->n_neurons, b->n_neurons);
    assert_int_equal(a->n_inputs, b->n_inputs);
    assert_int_equal(a->n_outputs, b->n_outputs);
    for (uint32_t c = 0; c < a->n_inputs; c++) {
        assert_int_equal(a->input_kind[c], b->input_kind[c]);
        assert_int_equal(seir_input_xmax(a, c), seir_input_xmax(b, c));
    }
    ref_sim *ra, *rb;
    assert_int_equal(ref_create(a, &ra, &e), LOOM_OK);
    assert_int_equal(ref_create(b, &rb, &e), LOOM_OK);
    for (int t = 0; t < 200; t++) {
        for (uint32_t c = 0; c < a->n_inputs; c++) {
            if (rnd() % 4)
                continue;
            int32_t v = a->input_kind[c] == SEIR_IN_GRADED ? (int32_t)(rnd() % 65536) - 32768 : 1;
            ref_set_input(ra, c, v);
            ref_set_input(rb, c, v);
        }
        ref_step(ra);
        ref_step(rb);
        for (uint32_t n = 0; n < a->n_neurons; n++) {
            if (ref_spiked(ra, n) != ref_spiked(rb, n) || ref_v(ra, n) != ref_v(rb, n) ||
                ref_i(ra, n) != ref_i(rb, n))
                fail_msg("seed %llu step %d neuron %u: spike %d/%d v %d/%d i %d/%d", (unsigned long long)seed, t,
                         n, ref_spiked(ra, n), ref_spiked(rb, n), ref_v(ra, n), ref_v(rb, n), ref_i(ra, n),
                         ref_i(rb, n));
        }
    }
    ref_destroy(ra);
    ref_destroy(rb);
    seir_net_free(a);
    seir_net_free(b);
    unlink(path);
}

static void test_round_trip_gen(void **state)
{
    (void)state;
    seir_arch def = {8, 16, 24, 15}, wide = {12, 24, 32, 31}, narrow = {4, 8, 16, 63};
    for (uint64_t s = 1; s <= 2; s++) {
        round_trip(s, &def, -1);
        round_trip(s, &wide, -1);
        round_trip(s, &narrow, 63);
    }
}

static void test_write_errors(void **state)
{
    (void)state;
    seir_net *a = NULL;
    netgen_recipe go;
    netgen_default(&go, NETGEN_CORNERS);
    loom_err e;
    loom_err_clear(&e);
    assert_int_equal(netgen_build(&go, &a, &e), LOOM_OK);
    assert_int_equal(nir_write_file(a, 1e-3, "/nonexistent-dir/x.nir", &e), LOOM_E_IO);
    assert_non_null(strstr(e.msg, "/nonexistent-dir/x.nir"));
    assert_int_equal(nir_write_file(a, 0.0, "/tmp/x.nir", &e), LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "dt"));
    seir_net_free(a);
}

static void test_cluster(void **state)
{
    (void)state;
    enum { N = 45 };
    seir_profile p[N], q[N];
    for (int k = 0; k < N; k++) {
        seir_profile_default(&p[k]);
        p[k].a_mem = 3000 + 20 * k;
        p[k].theta = 1000 + 37 * ((k * 7) % N); /* 45 distinct, unsorted */
        p[k].bias = k;                          /* ignored */
    }
    memcpy(q, p, sizeof p);
    uint32_t nv = 0;
    assert_int_equal(nir_cluster_profiles(q, N, 0, 0, &nv), 0);
    assert_int_equal(nv, N);
    assert_memory_equal(p, q, sizeof p); /* no limit: unchanged */
    assert_int_equal(nir_cluster_profiles(q, N, 64, 0, &nv), 0);
    assert_memory_equal(p, q, sizeof p); /* fits: unchanged */
    for (int mode = 0; mode < NIR_CL_MODES; mode++) {
        memcpy(q, p, sizeof p);
        assert_int_equal(nir_cluster_profiles(q, N, 16, mode, &nv), 0);
        assert_int_equal(nv, N);
        int distinct = 0;
        for (int k = 0; k < N; k++) {
            int seen = 0;
            for (int j = 0; j < k && !seen; j++)
                seen = q[j].theta == q[k].theta && q[j].a_mem == q[k].a_mem && q[j].v_reset == q[k].v_reset &&
                       q[j].a_syn == q[k].a_syn;
            distinct += !seen;
            /* a cluster's value lies within the values it merged: never
             * further than the spread of the input values */
            assert_true(q[k].theta >= 1000 && q[k].theta <= 1000 + 37 * (N - 1));
            assert_true(q[k].a_mem >= 3000 && q[k].a_mem <= 3000 + 20 * (N - 1));
            assert_int_equal(q[k].bias, p[k].bias);
        }
        assert_true(distinct <= 16);
        assert_true(distinct >= 8);
    }
    /* a clearly two-valued layer with noise clusters into its two values */
    for (int k = 0; k < N; k++) {
        seir_profile_default(&q[k]);
        q[k].theta = (k % 2 ? 5000 : 1000) + k % 3;
    }
    assert_int_equal(nir_cluster_profiles(q, N, 2, 0, &nv), 0);
    assert_int_equal(nv, 6);
    for (int k = 0; k < N; k++)
        assert_true(abs(q[k].theta - (k % 2 ? 5001 : 1001)) <= 1);
}

UNIT_MAIN(test_round_trip_gen, test_write_errors, test_cluster)
