/*
 * benchnet.c -- the benchmark networks: a table of NETGEN_BENCH recipes
 * (benchnet.h has the recipe, netgen.c the generator).  The parameters below were tuned so that,
 * with Poisson inputs at 0.1 per step, the mean firing rate is about 0.02
 * spikes per neuron per step (20 Hz at 1 ms steps); `loom bench ref`
 * prints the rate it measures.
 */
#include "benchnet.h"
#include "netgen.h"

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

/* The recipe of one benchmark net: the bench shape of netgen.h with the
 * spec's values; the seed is mixed with the kind so the sizes differ in
 * more than their length. */
static loom_status bench_recipe(benchnet_kind kind, uint64_t seed, netgen_recipe *r, loom_err *e)
{
    const benchnet_spec *sp = benchnet_get(kind);
    if (!sp)
        return loom_fail(e, LOOM_E_ARG, "unknown benchmark network kind %d", (int)kind);
    netgen_default(r, NETGEN_BENCH);
    r->seed = seed ^ ((uint64_t)kind << 56);
    r->neurons = sp->n_neurons;
    r->fanout = sp->fanout;
    r->w_exc = sp->w_exc;
    r->w_inh = sp->w_inh;
    r->inh_per_256 = sp->inh_per_256;
    r->w_in = sp->w_in;
    r->theta = sp->theta;
    r->a_mem = sp->a_mem;
    r->shift = sp->shift;
    return LOOM_OK;
}

loom_status benchnet_open(benchnet_kind kind, uint64_t seed, seir_net **skel,
                          benchnet_stream **st, ref_syn_stream *gen, loom_err *e)
{
    *skel = NULL;
    *st = NULL;
    netgen_recipe r;
    loom_status s = bench_recipe(kind, seed, &r, e);
    if (!s && (s = netgen_open(&r, skel, st, gen, e)))
        loom_err_prefix(e, "%s", benchnet_get(kind)->name);
    return s;
}

void benchnet_close(benchnet_stream *st)
{
    netgen_close(st);
}

loom_status benchnet_build(benchnet_kind kind, uint64_t seed, seir_net **out, loom_err *e)
{
    *out = NULL;
    netgen_recipe r;
    loom_status s = bench_recipe(kind, seed, &r, e);
    if (!s && (s = netgen_build(&r, out, e)))
        loom_err_prefix(e, "%s", benchnet_get(kind)->name);
    return s;
}
