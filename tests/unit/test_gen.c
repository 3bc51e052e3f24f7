/*
 * test_gen.c -- `loom gen`'s networks: the NETGEN_CORNERS shape of the one
 * generator (hls_ref/netgen.c).
 *
 * Every property is re-derived here from the net's arrays, independently of
 * the validator: value ranges, the zero-delay DAG and its exact level
 * count, the accumulator bound, the presence of each corner the generator
 * promises, determinism per seed; and, on the reference model, that the
 * corners are actually reached (v saturates at both ends, neurons spike).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "netgen.h"
#include "ref.h"
#include "seir.h"
#include "stim.h"
#include "loom_mem.h"

static int64_t smax_of(int bits) { return ((int64_t)1 << (bits - 1)) - 1; }
static int64_t smin_of(int bits) { return -((int64_t)1 << (bits - 1)); }

/* Longest-path level count of the zero-delay neuron graph; -1 on a cycle. */
static int64_t count_levels(const seir_net *net)
{
    uint32_t N = net->n_neurons;
    uint32_t *indeg = calloc(N, sizeof *indeg), *lvl = calloc(N, sizeof *lvl),
             *queue = malloc(N * sizeof *queue);
    assert_true(indeg && lvl && queue);
    for (size_t k = 0; k < net->n_syn; k++)
        if (!SEIR_IS_INPUT(net->syn[k].src) && net->syn[k].d == 0)
            indeg[net->syn[k].dst]++;
    uint32_t head = 0, tail = 0, maxl = 0;
    for (uint32_t n = 0; n < N; n++)
        if (!indeg[n])
            queue[tail++] = n;
    while (head < tail) { /* O(N * syn): fine for test sizes */
        uint32_t n = queue[head++];
        if (lvl[n] > maxl)
            maxl = lvl[n];
        for (size_t k = 0; k < net->n_syn; k++) {
            const seir_syn *s = &net->syn[k];
            if (SEIR_IS_INPUT(s->src) || s->d != 0 || s->src != n)
                continue;
            if (lvl[n] + 1 > lvl[s->dst])
                lvl[s->dst] = lvl[n] + 1;
            if (--indeg[s->dst] == 0)
                queue[tail++] = s->dst;
        }
    }
    int64_t r = tail == N ? (int64_t)maxl + 1 : -1;
    LOOM_FREE(indeg, lvl, queue);
    return N ? r : 0;
}

/* Checks every rule of the machine model the generator must respect. */
static void check_valid(const seir_net *net, const netgen_recipe *o, uint32_t maxd, uint32_t levels)
{
    const seir_arch *a = &net->arch;
    assert_int_equal(a->w, o->arch.w);
    assert_int_equal(a->s, o->arch.s);
    assert_int_equal(a->a, o->arch.a);
    assert_int_equal(net->n_neurons, o->neurons);
    assert_int_equal(net->n_inputs, o->inputs);
    const int64_t smin = smin_of(a->s), smax = smax_of(a->s);
    for (uint32_t k = 0; k < net->n_profiles; k++) {
        const seir_profile *p = &net->profiles[k];
        assert_in_range(p->a_syn, 0, 4096);
        assert_in_range(p->a_mem, 0, 4096);
        assert_true(p->theta >= smin && p->theta <= smax);
        assert_true(p->v_reset >= smin && p->v_reset <= smax);
        assert_true(p->bias >= smin && p->bias <= smax);
        assert_true(p->shift >= -16 && p->shift <= 15);
        assert_true(p->reset <= SEIR_RESET_NONE);
    }
    int64_t *bound = calloc(net->n_neurons, sizeof *bound);
    int64_t *ring = calloc(net->n_neurons, sizeof *ring);
    assert_true(bound && ring);
    for (size_t k = 0; k < net->n_syn; k++) {
        const seir_syn *s = &net->syn[k];
        assert_true(s->dst < net->n_neurons);
        int64_t xmax = 1;
        if (SEIR_IS_INPUT(s->src)) {
            assert_true(SEIR_SRC_INDEX(s->src) < net->n_inputs);
            if (net->input_kind[SEIR_SRC_INDEX(s->src)] == SEIR_IN_GRADED)
                xmax = 32768;
        } else {
            assert_true(s->src < net->n_neurons);
        }
        assert_true(s->w != 0);
        assert_true(s->w >= smin_of(a->w) && s->w <= smax_of(a->w));
        assert_true(s->d <= maxd);
        bound[s->dst] += (s->w < 0 ? -(int64_t)s->w : s->w) * xmax;
    }
    for (size_t k = 0; k < net->n_ring_init; k++) {
        const seir_ring_init *r = &net->ring_init[k];
        assert_true(r->neuron < net->n_neurons);
        assert_true(r->slot <= (uint32_t)a->d);
        int64_t m = r->value < 0 ? -(int64_t)r->value : r->value;
        if (m > ring[r->neuron])
            ring[r->neuron] = m;
    }
    for (uint32_t n = 0; n < net->n_neurons; n++) {
        assert_true(bound[n] + ring[n] <= smax_of(a->a));
        if (net->init_i) {
            assert_true(net->init_i[n] >= smin && net->init_i[n] <= smax);
            assert_true(net->init_v[n] >= smin && net->init_v[n] <= smax);
        }
    }
    free(bound);
    free(ring);
    for (uint32_t k = 0; k < net->n_outputs; k++)
        assert_true(net->outputs[k].neuron < net->n_neurons);
    assert_int_equal(count_levels(net), levels);
}

static seir_net *make(const netgen_recipe *o)
{
    seir_net *net;
    loom_err e;
    if (netgen_build(o, &net, &e) != LOOM_OK)
        fail_msg("netgen_build: %s", e.msg);
    return net;
}

static void test_defaults_cover_corners(void **state)
{
    (void)state;
    netgen_recipe o;
    netgen_default(&o, NETGEN_CORNERS);
    for (uint64_t seed = 1; seed <= 20; seed++) {
        o.seed = seed;
        seir_net *net = make(&o);
        check_valid(net, &o, 15, 8);
        int a0 = 0, a4096 = 0, shl15 = 0, shr16 = 0, resets[3] = {0}, thmax = 0;
        for (uint32_t k = 0; k < net->n_profiles; k++) {
            const seir_profile *p = &net->profiles[k];
            a0 |= p->a_syn == 0 || p->a_mem == 0;
            a4096 |= p->a_syn == 4096 || p->a_mem == 4096;
            shl15 |= p->shift == 15;
            shr16 |= p->shift == -16;
            resets[p->reset] = 1;
            thmax |= p->theta == 32767;
        }
        assert_true(a0 && a4096 && shl15 && shr16 && thmax);
        assert_true(resets[0] && resets[1] && resets[2]);
        uint32_t graded = 0;
        for (uint32_t c = 0; c < net->n_inputs; c++)
            graded += net->input_kind[c] == SEIR_IN_GRADED;
        assert_int_equal(graded, 2);
        int d0 = 0, dmax = 0, wmin = 0, wmax = 0, from_graded = 0;
        for (size_t k = 0; k < net->n_syn; k++) {
            const seir_syn *s = &net->syn[k];
            d0 |= s->d == 0;
            dmax |= s->d == 15;
            wmin |= s->w == -128;
            wmax |= s->w == 127;
            from_graded |= SEIR_IS_INPUT(s->src) && net->input_kind[SEIR_SRC_INDEX(s->src)];
        }
        assert_true(d0 && dmax && wmin && wmax && from_graded);
        assert_true(net->n_dense >= 1);
        assert_true(net->n_ring_init >= 1);
        assert_non_null(net->init_i);
        int ospike = 0, ov = 0;
        for (uint32_t k = 0; k < net->n_outputs; k++) {
            ospike |= net->outputs[k].kind == SEIR_OUT_SPIKE;
            ov |= net->outputs[k].kind == SEIR_OUT_V;
        }
        assert_true(ospike && ov);
        seir_net_free(net);
    }
}

static int nets_equal(const seir_net *x, const seir_net *y)
{
    if (x->n_syn != y->n_syn || x->n_neurons != y->n_neurons || x->n_profiles != y->n_profiles ||
        x->n_outputs != y->n_outputs || x->n_ring_init != y->n_ring_init)
        return 0;
    if (memcmp(x->syn, y->syn, x->n_syn * sizeof *x->syn))
        return 0;
    for (uint32_t k = 0; k < x->n_profiles; k++) {
        const seir_profile *p = &x->profiles[k], *q = &y->profiles[k];
        if (p->a_syn != q->a_syn || p->a_mem != q->a_mem || p->theta != q->theta ||
            p->v_reset != q->v_reset || p->reset != q->reset || p->shift != q->shift ||
            p->bias != q->bias || strcmp(p->name, q->name))
            return 0;
    }
    if (memcmp(x->outputs, y->outputs, x->n_outputs * sizeof *x->outputs))
        return 0;
    return 1;
}

static void test_deterministic(void **state)
{
    (void)state;
    netgen_recipe o;
    netgen_default(&o, NETGEN_CORNERS);
    o.seed = 77;
    seir_net *a = make(&o), *b = make(&o);
    assert_true(nets_equal(a, b));
    o.seed = 78;
    seir_net *c = make(&o);
    assert_false(nets_equal(a, c));
    seir_net_free(a);
    seir_net_free(b);
    seir_net_free(c);
}

static void test_arch_configs(void **state)
{
    (void)state;
    static const struct {
        seir_arch arch;
        int32_t maxd, levels;
        uint32_t neurons, inputs;
        double density;
    } cfg[] = {
        {{8, 16, 24, 15}, -1, -1, 200, 20, 0.1},
        {{8, 16, 24, 0}, -1, 5, 50, 4, 0.2},     /* D = 0: every synapse zero-delay */
        {{12, 24, 32, 31}, 20, 30, 120, 10, 0.05},
        {{8, 16, 12, 3}, -1, -1, 80, 8, 0.5},    /* a tight accumulator: weights clamped */
        {{4, 4, 8, 1}, -1, 2, 16, 3, 0.3},       /* the smallest widths */
        {{8, 16, 24, 15}, -1, 1, 1, 0, 0.5},     /* one neuron, no inputs */
    };
    for (size_t k = 0; k < sizeof cfg / sizeof cfg[0]; k++) {
        for (uint64_t seed = 1; seed <= 5; seed++) {
            netgen_recipe o;
            netgen_default(&o, NETGEN_CORNERS);
            o.seed = seed * 1000 + k;
            o.arch = cfg[k].arch;
            o.max_delay = cfg[k].maxd;
            o.levels = cfg[k].levels;
            o.neurons = cfg[k].neurons;
            o.inputs = cfg[k].inputs;
            o.density = cfg[k].density;
            seir_net *net = make(&o);
            uint32_t maxd = cfg[k].maxd >= 0 ? (uint32_t)cfg[k].maxd : (uint32_t)cfg[k].arch.d;
            uint32_t lv = cfg[k].levels > 0 ? (uint32_t)cfg[k].levels
                                            : (cfg[k].neurons < 8 ? cfg[k].neurons : 8);
            check_valid(net, &o, maxd, lv);
            seir_net_free(net);
        }
    }
}

static void test_bad_options(void **state)
{
    (void)state;
    netgen_recipe o;
    seir_net *net;
    loom_err e;
    netgen_default(&o, NETGEN_CORNERS);
    o.neurons = 0;
    assert_int_equal(netgen_build(&o, &net, &e), LOOM_E_ARG);
    assert_null(net);
    assert_non_null(strstr(e.msg, "neurons"));
    netgen_default(&o, NETGEN_CORNERS);
    o.levels = 65;
    assert_int_equal(netgen_build(&o, &net, &e), LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "levels"));
    netgen_default(&o, NETGEN_CORNERS);
    o.max_delay = 16;
    assert_int_equal(netgen_build(&o, &net, &e), LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "max delay"));
    netgen_default(&o, NETGEN_CORNERS);
    o.graded = 9;
    assert_int_equal(netgen_build(&o, &net, &e), LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "graded"));
    netgen_default(&o, NETGEN_CORNERS);
    o.density = 1.5;
    assert_int_equal(netgen_build(&o, &net, &e), LOOM_E_ARG);
    netgen_default(&o, NETGEN_CORNERS);
    o.arch.w = 1;
    assert_int_equal(netgen_build(&o, &net, &e), LOOM_E_INVALID);
    assert_non_null(strstr(e.msg, "W=1"));
}

/* On the reference model, generated nets reach the corners: some v at the
 * top and some at the bottom of the S range, and spikes. */
static void test_corners_reached(void **state)
{
    (void)state;
    int top = 0, bottom = 0;
    uint64_t spikes = 0;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        netgen_recipe o;
        netgen_default(&o, NETGEN_CORNERS);
        o.seed = seed;
        seir_net *net = make(&o);
        ref_sim *sim;
        stim_src *src;
        loom_err e;
        if (ref_create(net, &sim, &e))
            fail_msg("ref_create: %s", e.msg);
        assert_int_equal(stim_poisson(net, 0.2, seed, &src, &e), LOOM_OK);
        stim_event ev[8];
        for (uint64_t t = 0; t < 200; t++) {
            uint32_t n;
            assert_int_equal(stim_next(src, t, ev, 8, &n, &e), LOOM_OK);
            for (uint32_t k = 0; k < n; k++)
                ref_set_input(sim, ev[k].channel, ev[k].value);
            ref_step(sim);
            for (uint32_t m = 0; m < net->n_neurons; m++) {
                top |= ref_v(sim, m) == 32767;
                bottom |= ref_v(sim, m) == -32768;
            }
        }
        ref_counters c;
        ref_get_counters(sim, &c);
        spikes += c.spikes;
        ref_destroy(sim);
        stim_close(src);
        seir_net_free(net);
    }
    assert_true(top);
    assert_true(bottom);
    assert_true(spikes > 100);
}

UNIT_MAIN(test_defaults_cover_corners, test_deterministic, test_arch_configs, test_bad_options,
          test_corners_reached)
