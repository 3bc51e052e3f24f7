/*
 * test_netgen.c -- the one network generator (hls_ref/netgen.c) is pinned:
 * a few recipes of every shape hash to fixed values, so a change to the
 * order of draws (which would change every `loom gen` seed, every benchmark
 * net and every test net) cannot go unnoticed.  The hashes cover every
 * array of the net, field by field (FNV-1a over little-endian words), not
 * its printed text, so a printer change does not move them.  The values
 * were recorded when the four generators (compiler/gen.c, hls_ref/benchnet.c,
 * tests/support/seir_gen.c, test_ref_diff's random_net) were merged, after
 * checking that the merged generator gives byte-identical nets.
 *
 * Also: the same recipe twice gives the same net, a bench net's synapse
 * stream equals its built net, the stream knob draws from (and advances) the
 * caller's state, and bad recipes fail with LOOM_E_ARG.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "benchnet.h"
#include "netgen.h"
#include "seir.h"

typedef struct fnv {
    uint64_t h;
} fnv;

static void put(fnv *f, uint64_t x)
{
    for (int k = 0; k < 8; k++)
        f->h = (f->h ^ ((x >> (8 * k)) & 255)) * 0x100000001b3ull;
}

static void put_str(fnv *f, const char *s)
{
    put(f, strlen(s));
    for (; *s; s++)
        put(f, (unsigned char)*s);
}

static void put_groups(fnv *f, const seir_group *g, uint32_t n)
{
    put(f, n);
    for (uint32_t k = 0; k < n; k++) {
        put_str(f, g[k].name);
        put(f, g[k].first);
        put(f, g[k].count);
        put(f, (uint64_t)g[k].is_array);
        put(f, g[k].kind);
    }
}

static void put_opt(fnv *f, const int32_t *a, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        put(f, a ? (uint64_t)(int64_t)a[k] : 0);
}

static uint64_t net_hash(const seir_net *net)
{
    fnv f = {0xcbf29ce484222325ull};
    put(&f, (uint64_t)net->arch.w);
    put(&f, (uint64_t)net->arch.s);
    put(&f, (uint64_t)net->arch.a);
    put(&f, (uint64_t)net->arch.d);
    put(&f, net->n_profiles);
    for (uint32_t k = 0; k < net->n_profiles; k++) {
        const seir_profile *p = &net->profiles[k];
        put_str(&f, p->name);
        put(&f, (uint64_t)(int64_t)p->a_syn);
        put(&f, (uint64_t)(int64_t)p->a_mem);
        put(&f, (uint64_t)(int64_t)p->theta);
        put(&f, (uint64_t)(int64_t)p->v_reset);
        put(&f, (uint64_t)p->reset);
        put(&f, (uint64_t)(int64_t)p->shift);
        put(&f, (uint64_t)(int64_t)p->bias);
    }
    put(&f, net->n_inputs);
    for (uint32_t c = 0; c < net->n_inputs; c++)
        put(&f, net->input_kind[c]);
    put_groups(&f, net->input_groups, net->n_input_groups);
    put(&f, net->n_neurons);
    for (uint32_t n = 0; n < net->n_neurons; n++)
        put(&f, net->neuron_profile[n]);
    put_groups(&f, net->neuron_groups, net->n_neuron_groups);
    put(&f, net->n_syn);
    for (size_t k = 0; k < net->n_syn; k++) {
        put(&f, net->syn[k].src);
        put(&f, net->syn[k].dst);
        put(&f, (uint64_t)(int64_t)net->syn[k].w);
        put(&f, net->syn[k].d);
    }
    put(&f, net->n_dense);
    for (uint32_t k = 0; k < net->n_dense; k++) {
        const seir_dense *d = &net->dense[k];
        put(&f, (uint64_t)d->src_is_input);
        put(&f, d->src_first);
        put(&f, d->src_count);
        put(&f, d->dst_first);
        put(&f, d->dst_count);
        put(&f, d->d);
        put(&f, d->syn_first);
        put(&f, d->syn_count);
    }
    put(&f, net->n_outputs);
    for (uint32_t k = 0; k < net->n_outputs; k++) {
        put(&f, net->outputs[k].neuron);
        put(&f, (uint64_t)net->outputs[k].kind);
    }
    put_opt(&f, net->neuron_bias, net->n_neurons);
    put_opt(&f, net->init_i, net->n_neurons);
    put_opt(&f, net->init_v, net->n_neurons);
    put(&f, net->n_ring_init);
    for (size_t k = 0; k < net->n_ring_init; k++) {
        put(&f, net->ring_init[k].neuron);
        put(&f, net->ring_init[k].slot);
        put(&f, (uint64_t)(int64_t)net->ring_init[k].value);
    }
    return f.h;
}

/* Builds r twice, checks both nets hash alike and to `want`, and (except
 * for the ranked shape, whose accumulators may wrap) that the net is valid. */
static void expect(const netgen_recipe *r, uint64_t want, const char *what)
{
    uint64_t h[2];
    for (int k = 0; k < 2; k++) {
        seir_net *net;
        loom_err e;
        if (netgen_build(r, &net, &e))
            fail_msg("%s: %s", what, e.msg);
        if (r->shape != NETGEN_RANKED && seir_validate(net, &e)) /* ranked nets may wrap */
            fail_msg("%s: invalid net: %s", what, e.msg);
        h[k] = net_hash(net);
        seir_net_free(net);
    }
    if (h[0] != h[1])
        fail_msg("%s: the same recipe gave two nets (%016llx, %016llx)", what,
                 (unsigned long long)h[0], (unsigned long long)h[1]);
    if (h[0] != want)
        fail_msg("%s: hash %016llx, pinned %016llx: the generator's draws changed", what,
                 (unsigned long long)h[0], (unsigned long long)want);
}

static void test_corners_pinned(void **state)
{
    (void)state;
    netgen_recipe r;
    netgen_default(&r, NETGEN_CORNERS);
    r.seed = 7; /* loom gen --seed 7 */
    expect(&r, 0xf4e7c79409390eecull, "corners seed 7");
    r.seed = 3; /* --neurons 300 --inputs 12 --graded 5 --levels 13 --max-delay 4 */
    r.neurons = 300;
    r.inputs = 12;
    r.graded = 5;
    r.levels = 13;
    r.max_delay = 4;
    expect(&r, 0x9fde05e33f411b94ull, "corners seed 3, 300 neurons");
    netgen_default(&r, NETGEN_CORNERS);
    r.seed = 4; /* --arch W=12,S=24,A=32,D=31 --levels 20 */
    r.arch = (seir_arch){.w = 12, .s = 24, .a = 32, .d = 31};
    r.levels = 20;
    r.density = 0.3;
    expect(&r, 0x0620cec2daa9514bull, "corners seed 4, D=31");
}

static void test_bench_pinned(void **state)
{
    (void)state;
    netgen_recipe r;
    netgen_default(&r, NETGEN_BENCH);
    r.seed = 11;
    r.neurons = 300;
    r.fanout = 20;
    expect(&r, 0xe4c27f2a3fc77605ull, "bench 300 x 20");
    seir_net *net;
    loom_err e;
    assert_int_equal(benchnet_build(BENCHNET_1K, 1, &net, &e), LOOM_OK);
    assert_int_equal(net->n_syn, 1000 * 101);
    const uint64_t h = net_hash(net);
    if (h != 0x20234fc0232bdce3ull)
        fail_msg("bench1k seed 1: hash %016llx changed", (unsigned long long)h);

    /* the stream gives the built net's synapses, again after a rewind */
    seir_net *skel;
    benchnet_stream *st;
    ref_syn_stream gen;
    assert_int_equal(benchnet_open(BENCHNET_1K, 1, &skel, &st, &gen, &e), LOOM_OK);
    assert_int_equal(skel->n_syn, 0);
    assert_int_equal(skel->n_neurons, net->n_neurons);
    for (int pass = 0; pass < 2; pass++) {
        seir_syn buf[333];
        size_t at = 0;
        for (size_t n; (n = gen.next(gen.ctx, buf, 333)) > 0; at += n) {
            assert_true(at + n <= net->n_syn);
            assert_memory_equal(buf, &net->syn[at], n * sizeof *buf);
        }
        assert_int_equal(at, net->n_syn);
        gen.rewind(gen.ctx);
    }
    benchnet_close(st);
    seir_net_free(skel);
    seir_net_free(net);
}

static void test_features_pinned(void **state)
{
    (void)state;
    static const uint64_t want[3] = {0xb3c2fa0cc702e5d6ull, 0x1e842e336b0b0f6bull, 0xe092ea7e86299850ull};
    netgen_recipe r;
    netgen_default(&r, NETGEN_FEATURES);
    for (uint64_t s = 1; s <= 3; s++) {
        r.seed = s;
        expect(&r, want[s - 1], "features");
    }
    r.seed = 5;
    r.neurons = 12;
    r.max_syn = 20;
    expect(&r, 0x2bf55ce677453b0eull, "features 12 neurons");
}

static void test_ranked_pinned(void **state)
{
    (void)state;
    netgen_recipe r;
    netgen_default(&r, NETGEN_RANKED);
    uint64_t s = 12345, s2 = 12345;
    r.stream = &s;
    seir_net *a, *b;
    loom_err e;
    assert_int_equal(netgen_build(&r, &a, &e), LOOM_OK);
    assert_true(s != 12345); /* the caller's state moved on */
    assert_int_equal(netgen_build(&r, &b, &e), LOOM_OK);
    const uint64_t ha = net_hash(a), hb = net_hash(b);
    if (ha != 0x0136f97712417784ull || hb != 0x5f33c80225c4f564ull)
        fail_msg("ranked 12345: hashes %016llx %016llx changed", (unsigned long long)ha,
                 (unsigned long long)hb);
    seir_net_free(a);
    seir_net_free(b);
    /* the same stream from the same state gives the same first net */
    r.stream = &s2;
    assert_int_equal(netgen_build(&r, &a, &e), LOOM_OK);
    assert_true(net_hash(a) == ha);
    seir_net_free(a);
    r.stream = NULL; /* a seed is a state too */
    r.seed = 12345;
    assert_int_equal(netgen_build(&r, &a, &e), LOOM_OK);
    assert_true(net_hash(a) == ha);
    seir_net_free(a);
    r.seed = 4242;
    r.wide = 1;
    expect(&r, 0x659fa20be4f54e2bull, "ranked wide");
}

static void test_bad_recipes(void **state)
{
    (void)state;
    netgen_recipe r;
    seir_net *net = (seir_net *)&r;
    loom_err e;
    netgen_default(&r, NETGEN_CORNERS);
    r.neurons = 0;
    assert_int_equal(netgen_build(&r, &net, &e), LOOM_E_ARG);
    assert_null(net);
    assert_non_null(strstr(e.msg, "neurons"));
    netgen_default(&r, NETGEN_FEATURES);
    r.neurons = 0;
    assert_int_equal(netgen_build(&r, &net, &e), LOOM_E_ARG);
    netgen_default(&r, NETGEN_BENCH);
    r.neurons = 0;
    assert_int_equal(netgen_build(&r, &net, &e), LOOM_E_ARG);
    r.shape = (netgen_shape)9;
    assert_int_equal(netgen_build(&r, &net, &e), LOOM_E_ARG);
    /* only the bench shape streams */
    netgen_default(&r, NETGEN_CORNERS);
    seir_net *skel;
    netgen_stream *st;
    ref_syn_stream gen;
    assert_int_equal(netgen_open(&r, &skel, &st, &gen, &e), LOOM_E_ARG);
    assert_null(skel);
    assert_null(st);
}

UNIT_MAIN(test_corners_pinned, test_bench_pinned, test_features_pinned, test_ranked_pinned,
          test_bad_recipes)
