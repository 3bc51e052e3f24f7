/*
 * benchnet.c -- deterministic generator of the benchmark networks
 * (benchnet.h has the recipe).  The parameters below were tuned so that,
 * with Poisson inputs at 0.1 per step, the mean firing rate is about 0.02
 * spikes per neuron per step (20 Hz at 1 ms steps); `loom bench ref`
 * prints the rate it measures.
 */
#include "benchnet.h"

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

/* splitmix64: a tiny, well-mixed, portable generator. */
static uint64_t next_u64(uint64_t *st)
{
    uint64_t z = (*st += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

loom_status benchnet_build(benchnet_kind kind, uint64_t seed, seir_net **out, loom_err *e)
{
    *out = NULL;
    const benchnet_spec *sp = benchnet_get(kind);
    if (!sp)
        return loom_fail(e, LOOM_E_ARG, "unknown benchmark network kind %d", (int)kind);
    const uint32_t N = sp->n_neurons, K = sp->fanout;
    seir_net *net = seir_net_new(NULL);
    uint32_t *mark = calloc(N, sizeof *mark);
    if (!net || !mark)
        goto nomem;
    const uint32_t D = (uint32_t)net->arch.d;

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
        seir_add_neurons(net, "n", N, 1, (uint32_t)prof) < 0 ||
        seir_reserve_syn(net, (size_t)N * (K + 1)))
        goto nomem;

    uint64_t st = seed ^ ((uint64_t)kind << 56);
    for (uint32_t c = 0; c < N; c++)
        if (seir_add_syn(net, SEIR_SRC_INPUT | c, c, sp->w_in, 0))
            goto nomem;
    for (uint32_t n = 0; n < N; n++) {
        /* mark[m] == n + 1: m already chosen as a target of n */
        mark[n] = n + 1;
        for (uint32_t k = 0; k < K && k + 1 < N; k++) {
            /* one draw: target from the high 32 bits, inhibitory from
             * bits 8..15, delay from bits 0..7 (redrawn on a repeat) */
            uint64_t r;
            uint32_t m;
            do {
                r = next_u64(&st);
                m = (uint32_t)(((r >> 32) * N) >> 32);
            } while (mark[m] == n + 1);
            mark[m] = n + 1;
            const int inh = ((r >> 8) & 255) < sp->inh_per_256;
            const uint32_t d = 1 + (uint32_t)(((r & 255) * D) >> 8);
            if (seir_add_syn(net, n, m, inh ? sp->w_inh : sp->w_exc, d))
                goto nomem;
        }
    }
    free(mark);
    *out = net;
    return LOOM_OK;
nomem:
    free(mark);
    seir_net_free(net);
    return loom_fail(e, LOOM_E_NOMEM, "out of memory building %s (%u neurons, %u synapses each)",
                     sp->name, N, K);
}
