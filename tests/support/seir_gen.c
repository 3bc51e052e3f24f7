/*
 * seir_gen.c -- random valid networks for tests (see seir_gen.h).
 *
 * The generator keeps validity by construction rather than by retrying:
 * values are drawn inside their ranges, a zero-delay synapse between
 * neurons always goes from a lower to a higher neuron index (so the
 * zero-delay graph is a DAG), weights from graded channels stay small, and
 * A is chosen last, large enough for the accumulator bound it computes
 * here independently of seir_check_acc.
 */
#include "seir_gen.h"

#include <stdio.h>
#include <stdlib.h>

#include "loom_arith.h"
#include "loom_rng.h"
#include "seir_text.h"

void seirgen_opts_default(seirgen_opts *o)
{
    o->max_neurons = 48;
    o->max_inputs = 12;
    o->max_syn = 160;
    o->max_dense = 3;
}

uint64_t seirgen_u64(uint64_t *state)
{
    return loom_rng_next(state);
}

uint32_t seirgen_below(uint64_t *state, uint32_t n)
{
    return (uint32_t)(seirgen_u64(state) % n);
}

int64_t seirgen_between(uint64_t *state, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(seirgen_u64(state) % (uint64_t)(hi - lo + 1));
}

int32_t seirgen_input(uint64_t *state, const seir_net *net, uint32_t c, uint32_t pct)
{
    if (seirgen_below(state, 100) >= pct)
        return 0;
    return net->input_kind[c] == SEIR_IN_GRADED ? (int32_t)seirgen_between(state, -32768, 32767) : 1;
}

char *seirgen_text(const seir_net *net, size_t *len, loom_err *e)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f) {
        loom_fail(e, LOOM_E_NOMEM, "open_memstream failed");
        return NULL;
    }
    loom_status st = seir_print(net, f, e);
    fclose(f);
    if (st) {
        free(buf);
        return NULL;
    }
    if (len)
        *len = n;
    return buf;
}

/* A value of `bits` signed bits, often at a corner. */
static int32_t corner(uint64_t *r, int bits)
{
    switch (seirgen_below(r, 6)) {
    case 0: return (int32_t)loom_max_s(bits);
    case 1: return (int32_t)loom_min_s(bits);
    case 2: return 0;
    default: return (int32_t)seirgen_between(r, loom_min_s(bits), loom_max_s(bits));
    }
}

/* Splits `total` members into 1..max_groups groups. */
static void add_groups(seir_net *net, uint64_t *r, uint32_t total, int inputs)
{
    static const char *stem[4] = {"g", "layer.", "n_", "X"};
    while (total) {
        uint32_t n = 1 + seirgen_below(r, total);
        if (seirgen_below(r, 3) == 0)
            n = total; /* sometimes one big group */
        int is_array = n > 1 || seirgen_below(r, 2);
        char name[32];
        uint32_t id = inputs ? net->n_input_groups : net->n_neuron_groups;
        snprintf(name, sizeof name, "%s%s%u", inputs ? "in_" : "", stem[seirgen_below(r, 4)], id);
        if (inputs)
            seir_add_inputs(net, name, n, is_array,
                            seirgen_below(r, 3) == 0 ? SEIR_IN_GRADED : SEIR_IN_SPIKE);
        else
            seir_add_neurons(net, name, n, is_array, seirgen_below(r, net->n_profiles));
        total -= n;
    }
}

/* A weight for a synapse from src (graded channels get small ones). */
static int32_t weight(const seir_net *net, uint64_t *r, uint32_t src)
{
    if (SEIR_IS_INPUT(src) && net->input_kind[SEIR_SRC_INDEX(src)] == SEIR_IN_GRADED)
        return (int32_t)seirgen_between(r, loom_min_s(net->arch.w < 5 ? net->arch.w : 5),
                                        loom_max_s(net->arch.w < 5 ? net->arch.w : 5));
    return corner(r, net->arch.w);
}

/* A random contiguous part of one group: [*first, *first + *count). */
static void pick_range(const seir_group *g, uint32_t ng, uint64_t *r, uint32_t *first,
                       uint32_t *count)
{
    const seir_group *x = &g[seirgen_below(r, ng)];
    if (seirgen_below(r, 2)) {
        *first = x->first;
        *count = x->count;
        return;
    }
    uint32_t a = seirgen_below(r, x->count);
    *first = x->first + a;
    *count = 1 + seirgen_below(r, x->count - a);
}

seir_net *seirgen_net(uint64_t seed, const seirgen_opts *o)
{
    seirgen_opts def;
    if (!o) {
        seirgen_opts_default(&def);
        o = &def;
    }
    uint64_t rs = seed * 0xD1B54A32D192ED03ull + 1, *r = &rs;
    static const int dchoice[7] = {0, 1, 2, 3, 7, 15, 255};
    /* one draw per statement: the order of evaluation inside an initializer
     * list or an argument list is unspecified, and a seed must give the same
     * net with every compiler */
    seir_arch arch;
    arch.w = (int)seirgen_between(r, 2, 16);
    arch.s = (int)seirgen_between(r, 4, 32);
    arch.a = 32;
    arch.d = dchoice[seirgen_below(r, 7)];
    seir_net *net = seir_net_new(&arch);
    if (!net)
        return NULL;
    const int S = arch.s, D = arch.d;

    uint32_t np = 1 + seirgen_below(r, 4);
    for (uint32_t k = 0; k < np; k++) {
        seir_profile p;
        char name[32];
        snprintf(name, sizeof name, k % 2 ? "lif%u" : "p.%u", k);
        p.name = name;
        static const int32_t decays[5] = {0, 4096, 1, 4095, 3900};
        p.a_syn = seirgen_below(r, 2) ? decays[seirgen_below(r, 5)] : (int32_t)seirgen_between(r, 0, 4096);
        p.a_mem = seirgen_below(r, 2) ? decays[seirgen_below(r, 5)] : (int32_t)seirgen_between(r, 0, 4096);
        p.theta = corner(r, S);
        p.v_reset = corner(r, S);
        p.reset = (seir_reset)((k + seirgen_below(r, 3)) % 3);
        p.shift = (int32_t)seirgen_between(r, -16, 15);
        p.bias = seirgen_below(r, 2) ? 0 : corner(r, S);
        if (seir_add_profile(net, &p) < 0)
            goto oom;
    }
    uint32_t ni = o->max_inputs ? seirgen_below(r, o->max_inputs + 1) : 0;
    uint32_t nn = 1 + seirgen_below(r, o->max_neurons);
    /* interleaving does not matter for numbering; inputs first keeps it simple */
    add_groups(net, r, ni, 1);
    add_groups(net, r, nn, 0);
    if (net->n_inputs != ni || net->n_neurons != nn)
        goto oom;

    /* dense blocks and sparse synapses, mixed in the synapse array */
    uint32_t nd = o->max_dense ? seirgen_below(r, o->max_dense + 1) : 0;
    uint32_t ns = o->max_syn ? seirgen_below(r, o->max_syn + 1) : 0;
    uint32_t dense_at = ns ? seirgen_below(r, ns + 1) : 0;
    for (uint32_t k = 0; k <= ns; k++) {
        for (uint32_t b = 0; k == dense_at && b < nd; b++) {
            int from_in = ni && seirgen_below(r, 2);
            uint32_t sf, sc, df, dc, d = (uint32_t)seirgen_between(r, 0, D);
            if (from_in)
                pick_range(net->input_groups, net->n_input_groups, r, &sf, &sc);
            else
                pick_range(net->neuron_groups, net->n_neuron_groups, r, &sf, &sc);
            pick_range(net->neuron_groups, net->n_neuron_groups, r, &df, &dc);
            if (!from_in && d == 0 && sf + sc > df) {
                if (D == 0)
                    continue;
                d = 1 + seirgen_below(r, (uint32_t)D);
            }
            int32_t *w = malloc((size_t)sc * dc * sizeof *w);
            if (!w)
                goto oom;
            for (size_t j = 0; j < (size_t)sc * dc; j++)
                w[j] = seirgen_below(r, 5) < 2
                           ? 0
                           : weight(net, r, (from_in ? SEIR_SRC_INPUT : 0) | (sf + (uint32_t)(j % sc)));
            int fail = seir_add_dense(net, from_in, sf, sc, df, dc, d, w);
            free(w);
            if (fail)
                goto oom;
        }
        if (k == ns)
            break;
        uint32_t src = ni && seirgen_below(r, 3) == 0 ? SEIR_SRC_INPUT | seirgen_below(r, ni)
                                                      : seirgen_below(r, nn);
        uint32_t dst = seirgen_below(r, nn), d = (uint32_t)seirgen_between(r, 0, D);
        if (!SEIR_IS_INPUT(src) && d == 0 && src >= dst) {
            if (D > 0)
                d = 1 + seirgen_below(r, (uint32_t)D);
            else if (src > dst) {
                uint32_t t = src;
                src = dst, dst = t;
            } else
                continue;
        }
        if (seir_add_syn(net, src, dst, weight(net, r, src), d))
            goto oom;
    }

    /* outputs: a few runs over groups and slices */
    for (uint32_t k = seirgen_below(r, 5); k > 0; k--) {
        uint32_t f, c;
        pick_range(net->neuron_groups, net->n_neuron_groups, r, &f, &c);
        seir_out_kind kind = seirgen_below(r, 2) ? SEIR_OUT_V : SEIR_OUT_SPIKE;
        for (uint32_t j = 0; j < c; j++)
            if (seir_add_output(net, f + j, kind))
                goto oom;
    }
    /* initial state */
    if (seirgen_below(r, 3)) {
        for (uint32_t k = seirgen_below(r, nn + 1); k > 0; k--) {
            uint32_t n = seirgen_below(r, nn);
            int32_t i0 = corner(r, S);
            int32_t v0 = corner(r, S);
            if (seir_set_init(net, n, i0, v0))
                goto oom;
        }
        for (uint32_t k = seirgen_below(r, 8); k > 0; k--) {
            uint32_t n = seirgen_below(r, nn);
            uint32_t slot = (uint32_t)seirgen_between(r, 0, D);
            int32_t val = (int32_t)seirgen_between(r, -1000, 1000);
            if (seir_add_ring_init(net, n, slot, val))
                goto oom;
        }
    }

    /* per-neuron biases on top of the profile's, the sum kept in S bits */
    if (seirgen_below(r, 3) == 0) {
        for (uint32_t k = seirgen_below(r, nn + 1); k > 0; k--) {
            uint32_t n = seirgen_below(r, nn);
            int64_t pb = net->profiles[net->neuron_profile[n]].bias;
            int64_t b = (int64_t)corner(r, S) - pb;
            if (b < loom_min_s(S) || b > loom_max_s(S))
                b = -pb / 2;
            if (seir_set_bias(net, n, (int32_t)b))
                goto oom;
        }
    }

    /* smallest A (at least a random floor) that proves no accumulator wraps */
    uint64_t *bound = calloc(nn, sizeof *bound);
    if (!bound)
        goto oom;
    for (size_t k = 0; k < net->n_syn; k++) {
        const seir_syn *s = &net->syn[k];
        uint64_t x = SEIR_IS_INPUT(s->src) && net->input_kind[SEIR_SRC_INDEX(s->src)] == SEIR_IN_GRADED
                         ? 32768 : 1;
        bound[s->dst] += (uint64_t)llabs(s->w) * x;
    }
    uint64_t worst = 0;
    for (uint32_t n = 0; n < nn; n++) {
        uint64_t ring = 0;
        for (size_t k = 0; k < net->n_ring_init; k++)
            if (net->ring_init[k].neuron == n && (uint64_t)llabs(net->ring_init[k].value) > ring)
                ring = (uint64_t)llabs(net->ring_init[k].value);
        if (bound[n] + ring > worst)
            worst = bound[n] + ring;
    }
    free(bound);
    int a = (int)seirgen_between(r, 4, 32);
    while (a < 32 && (uint64_t)loom_max_s(a) < worst)
        a++;
    net->arch.a = a;
    return net;
oom:
    seir_net_free(net);
    return NULL;
}
