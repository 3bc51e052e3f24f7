/*
 * benchnet.c -- deterministic generator of the benchmark networks
 * (benchnet.h has the recipe).  The parameters below were tuned so that,
 * with Poisson inputs at 0.1 per step, the mean firing rate is about 0.02
 * spikes per neuron per step (20 Hz at 1 ms steps); `loom bench ref`
 * prints the rate it measures.
 */
#include "benchnet.h"
#include "loom_rng.h"

#include <stdlib.h>
#include <string.h>

static const benchnet_spec specs[] = {
    /* name       N         K    w_exc w_inh inh  w_in theta a_mem shift rate */
    {"bench1k", 1000, 100, 6, -24, 51, 30, 100, 3896, 0, 0.1},
    {"bench10k", 10000, 100, 6, -24, 51, 30, 100, 3896, 0, 0.1},
    {"bench1m", 1000000, 100, 6, -24, 51, 30, 100, 3896, 0, 0.1},
    {"bench100k", 100000, 100, 6, -24, 51, 30, 100, 3896, 0, 0.1},
};

const benchnet_spec *benchnet_get(benchnet_kind kind)
{
    if ((unsigned)kind >= sizeof specs / sizeof specs[0])
        return NULL;
    return &specs[kind];
}

int benchnet_parse(const char *s, benchnet_kind *kind)
{
    if (strncmp(s, "bench", 5) == 0)
        s += 5;
    if (strcmp(s, "1k") == 0)
        *kind = BENCHNET_1K;
    else if (strcmp(s, "10k") == 0)
        *kind = BENCHNET_10K;
    else if (strcmp(s, "100k") == 0)
        *kind = BENCHNET_100K;
    else if (strcmp(s, "1m") == 0 || strcmp(s, "1M") == 0)
        *kind = BENCHNET_1M;
    else
        return -1;
    return 0;
}

/* The generator: input synapses c -> c first, then K recurrent synapses
 * out of each neuron in turn. */
struct benchnet_stream {
    const benchnet_spec *sp;
    uint64_t seed0, st;
    uint32_t D;
    uint32_t *mark; /* mark[m] == n + 1: m already chosen as a target of n */
    uint32_t c;     /* next input channel */
    uint32_t n, k;  /* next neuron and its next synapse */
};

static void gen_rewind(void *ctx)
{
    benchnet_stream *g = ctx;
    g->st = g->seed0;
    g->c = g->n = g->k = 0;
    memset(g->mark, 0, (size_t)g->sp->n_neurons * sizeof *g->mark);
}

static size_t gen_next(void *ctx, seir_syn *buf, size_t cap)
{
    benchnet_stream *g = ctx;
    const benchnet_spec *sp = g->sp;
    const uint32_t N = sp->n_neurons, K = sp->fanout;
    size_t got = 0;
    while (got < cap && g->c < N) {
        buf[got++] = (seir_syn){SEIR_SRC_INPUT | g->c, g->c, sp->w_in, 0};
        g->c++;
    }
    while (got < cap && g->n < N) {
        const uint32_t n = g->n;
        if (g->k == 0)
            g->mark[n] = n + 1;
        if (g->k >= K || g->k + 1 >= N) {
            g->n++;
            g->k = 0;
            continue;
        }
        /* one draw: target from the high 32 bits, inhibitory from bits
         * 8..15, delay from bits 0..7 (redrawn on a repeat) */
        uint64_t r;
        uint32_t m;
        do {
            r = loom_rng_next(&g->st);
            m = (uint32_t)(((r >> 32) * N) >> 32);
        } while (g->mark[m] == n + 1);
        g->mark[m] = n + 1;
        const int inh = ((r >> 8) & 255) < sp->inh_per_256;
        const uint32_t d = 1 + (uint32_t)(((r & 255) * g->D) >> 8);
        buf[got++] = (seir_syn){n, m, inh ? sp->w_inh : sp->w_exc, d};
        g->k++;
    }
    return got;
}

void benchnet_close(benchnet_stream *g)
{
    if (!g)
        return;
    free(g->mark);
    free(g);
}

loom_status benchnet_open(benchnet_kind kind, uint64_t seed, seir_net **skel,
                          benchnet_stream **st, ref_syn_stream *gen, loom_err *e)
{
    *skel = NULL;
    *st = NULL;
    const benchnet_spec *sp = benchnet_get(kind);
    if (!sp)
        return loom_fail(e, LOOM_E_ARG, "unknown benchmark network kind %d", (int)kind);
    const uint32_t N = sp->n_neurons;
    seir_net *net = seir_net_new(NULL);
    benchnet_stream *g = calloc(1, sizeof *g);
    if (!net || !g || !(g->mark = calloc(N, sizeof *g->mark)))
        goto nomem;
    seir_profile p;
    seir_profile_default(&p);
    p.name = (char *)"lif";
    p.a_syn = 0;
    p.a_mem = sp->a_mem;
    p.theta = sp->theta;
    p.v_reset = 0;
    p.reset = SEIR_RESET_ZERO;
    p.shift = sp->shift;
    int32_t prof = seir_add_profile(net, &p);
    if (prof < 0 || seir_add_inputs(net, "in", N, 1, SEIR_IN_SPIKE) < 0 ||
        seir_add_neurons(net, "n", N, 1, (uint32_t)prof) < 0)
        goto nomem;
    g->sp = sp;
    g->D = (uint32_t)net->arch.d;
    g->seed0 = seed ^ ((uint64_t)kind << 56);
    gen_rewind(g);
    *gen = (ref_syn_stream){g, gen_next, gen_rewind};
    *skel = net;
    *st = g;
    return LOOM_OK;
nomem:
    benchnet_close(g);
    seir_net_free(net);
    return loom_fail(e, LOOM_E_NOMEM, "out of memory building %s (%u neurons)", sp->name, N);
}

loom_status benchnet_build(benchnet_kind kind, uint64_t seed, seir_net **out, loom_err *e)
{
    *out = NULL;
    seir_net *net;
    benchnet_stream *g;
    ref_syn_stream gen;
    loom_status st = benchnet_open(kind, seed, &net, &g, &gen, e);
    if (st)
        return st;
    const benchnet_spec *sp = g->sp;
    seir_syn buf[256];
    if (seir_reserve_syn(net, (size_t)sp->n_neurons * (sp->fanout + 1)))
        goto nomem;
    for (size_t n; (n = gen_next(g, buf, 256)) > 0;)
        for (size_t k = 0; k < n; k++)
            if (seir_add_syn(net, buf[k].src, buf[k].dst, buf[k].w, buf[k].d))
                goto nomem;
    benchnet_close(g);
    *out = net;
    return LOOM_OK;
nomem:
    benchnet_close(g);
    seir_net_free(net);
    return loom_fail(e, LOOM_E_NOMEM, "out of memory building %s (%u neurons, %u synapses each)",
                     sp->name, sp->n_neurons, sp->fanout);
}
