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

static void put_all(fnv *f, const int64_t *v, size_t n)
{
    for (size_t k = 0; k < n; k++)
        put(f, (uint64_t)v[k]);
}

static uint64_t net_hash(const seir_net *net)
{
    fnv f = {0xcbf29ce484222325ull};
    put_all(&f, (int64_t[]){net->arch.w, net->arch.s, net->arch.a, net->arch.d}, 4);
    put(&f, net->n_profiles);
    for (uint32_t k = 0; k < net->n_profiles; k++) {
        const seir_profile *p = &net->profiles[k];
        put_str(&f, p->name);
        put_all(&f, (int64_t[]){p->a_syn, p->a_mem, p->theta, p->v_reset, p->reset, p->shift, p->bias}, 7);
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
        const seir_syn *y = &net->syn[k];
        put_all(&f, (int64_t[]){y->src, y->dst, y->w, y->d}, 4);
    }
    put(&f, net->n_dense);
    for (uint32_t k = 0; k < net->n_dense; k++) {
        const seir_dense *d = &net->dense[k];
        put_all(&f, (int64_t[]){d->src_is_input, d->src_first, d->src_count, d->dst_first,
                                d->dst_count, d->d, (int64_t)d->syn_first, (int64_t)d->syn_count}, 8);
    }
    put(&f, net->n_outputs);
    for (uint32_t k = 0; k < net->n_outputs; k++)
        put_all(&f, (int64_t[]){net->outputs[k].neuron, net->outputs[k].kind}, 2);
    put_opt(&f, net->neuron_bias, net->n_neurons);
    put_opt(&f, net->init_i, net->n_neurons);
    put_opt(&f, net->init_v, net->n_neurons);
    put(&f, net->n_ring_init);
    for (size_t k = 0; k < net->n_ring_init; k++) {
        const seir_ring_init *r = &net->ring_init[k];
        put_all(&f, (int64_t[]){r->neuron, r->slot, r->value}, 3);
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

/* The pinned recipes: what `loom gen` is asked in the docs and tests, a
 * small bench net, the unit tests' nets. */
typedef struct pinned {
    const char *what;
    netgen_shape shape;
    uint64_t seed;
    uint32_t neurons, inputs; /* 0: the shape's default */
    int32_t graded, levels, max_delay; /* -2: default */
    seir_arch arch;                    /* W, S, A: 0: default; D: -2: default */
    double density;                    /* 0: default */
    uint32_t max_syn, fanout;          /* 0: default */
    uint64_t hash;
} pinned;

static const pinned pins[] = {
    {"corners seed 7 (loom gen --seed 7)", NETGEN_CORNERS, 7, 0, 0, -2, -2, -2, {0, 0, 0, -2}, 0, 0, 0, 0xf4e7c79409390eecull},
    {"corners seed 3, 300 neurons, graded 5, levels 13, max delay 4", NETGEN_CORNERS, 3, 300, 12, 5, 13, 4, {0, 0, 0, -2}, 0, 0, 0, 0x9fde05e33f411b94ull},
    {"corners seed 4, W=12 S=24 A=32 D=31, levels 20, density 0.3", NETGEN_CORNERS, 4, 0, 0, -2, 20, -2, {12, 24, 32, 31}, 0.3, 0, 0, 0x0620cec2daa9514bull},
    {"bench 300 x 20", NETGEN_BENCH, 11, 300, 0, -2, -2, -2, {0, 0, 0, -2}, 0, 0, 20, 0xe4c27f2a3fc77605ull},
    {"features seed 1", NETGEN_FEATURES, 1, 0, 0, -2, -2, -2, {0, 0, 0, -2}, 0, 0, 0, 0xb3c2fa0cc702e5d6ull},
    {"features seed 2", NETGEN_FEATURES, 2, 0, 0, -2, -2, -2, {0, 0, 0, -2}, 0, 0, 0, 0x1e842e336b0b0f6bull},
    {"features seed 3", NETGEN_FEATURES, 3, 0, 0, -2, -2, -2, {0, 0, 0, -2}, 0, 0, 0, 0xe092ea7e86299850ull},
    {"features seed 5, 12 neurons, 20 synapses", NETGEN_FEATURES, 5, 12, 0, -2, -2, -2, {0, 0, 0, -2}, 0, 20, 0, 0x2bf55ce677453b0eull},
};

static void test_pinned(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof pins / sizeof pins[0]; k++) {
        const pinned *p = &pins[k];
        netgen_recipe r;
        netgen_default(&r, p->shape);
        r.seed = p->seed;
        r.neurons = p->neurons ? p->neurons : r.neurons;
        r.inputs = p->inputs ? p->inputs : r.inputs;
        r.graded = p->graded != -2 ? p->graded : r.graded;
        r.levels = p->levels != -2 ? p->levels : r.levels;
        r.max_delay = p->max_delay != -2 ? p->max_delay : r.max_delay;
        r.arch.w = p->arch.w ? p->arch.w : r.arch.w;
        r.arch.s = p->arch.s ? p->arch.s : r.arch.s;
        r.arch.a = p->arch.a ? p->arch.a : r.arch.a;
        r.arch.d = p->arch.d != -2 ? p->arch.d : r.arch.d;
        r.density = p->density ? p->density : r.density;
        r.max_syn = p->max_syn ? p->max_syn : r.max_syn;
        r.fanout = p->fanout ? p->fanout : r.fanout;
        expect(&r, p->hash, p->what);
    }
}

static void test_bench_stream(void **state)
{
    (void)state;
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
    /* no neurons, for every shape that takes a count; an unknown shape */
    static const struct {
        netgen_shape shape;
        uint32_t neurons;
    } bad[] = {{NETGEN_CORNERS, 0}, {NETGEN_FEATURES, 0}, {NETGEN_BENCH, 0}, {(netgen_shape)9, 64}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        netgen_recipe r;
        netgen_default(&r, NETGEN_CORNERS);
        r.shape = bad[k].shape;
        r.neurons = bad[k].neurons;
        seir_net *net = (seir_net *)&r;
        loom_err e;
        assert_int_equal(netgen_build(&r, &net, &e), LOOM_E_ARG);
        assert_null(net);
        assert_non_null(strstr(e.msg, bad[k].neurons ? "shape" : "neurons"));
    }
    /* only the bench shape streams */
    netgen_recipe r;
    netgen_default(&r, NETGEN_CORNERS);
    seir_net *skel;
    netgen_stream *st;
    ref_syn_stream gen;
    loom_err e;
    assert_int_equal(netgen_open(&r, &skel, &st, &gen, &e), LOOM_E_ARG);
    assert_null(skel);
    assert_null(st);
}

UNIT_MAIN(test_pinned, test_bench_stream, test_ranked_pinned, test_bad_recipes)
