/*
 * benchnet.h -- the standard benchmark networks of `make bench`, generated
 * deterministically with the seir.h builder.
 *
 * Every benchmark net is the same recipe at a different size: N LIF neurons
 * (profile "lif": a_syn = 0, a_mem = 3896 ~ 4096*exp(-1/20), reset to zero),
 * N spike input channels in[k] each driving neuron k with weight w_in and
 * delay 0 (fed with Poisson spikes at rate 0.1 per step: 100 Hz at 1 ms
 * steps), and K random recurrent synapses out of every neuron (distinct
 * targets other than itself, chosen uniformly; a fraction of them
 * inhibitory; delays uniform in 1..D): the NETGEN_BENCH shape of the one
 * generator (netgen.h), with the values of the table in benchnet.c.  K = p*N: p = 0.1 for bench-1k and
 * p = 0.01 for bench-10k and p = 0.001 for bench-100k give K = 100; the memory test has 1,000,000
 * neurons and K = 100 (100,000,000 synapses).  The random numbers come from
 * a fixed 64-bit generator (splitmix64), so a (kind, seed) pair gives the
 * same network on every machine.
 */
#ifndef BENCHNET_H
#define BENCHNET_H

#include <stdint.h>

#include "loom_status.h"
#include "ref.h"
#include "seir.h"

typedef enum benchnet_kind {
    BENCHNET_1K = 0,  /* 1,000 neurons, p = 0.1 */
    BENCHNET_10K = 1, /* 10,000 neurons, p = 0.01 */
    BENCHNET_1M = 2,  /* 1,000,000 neurons, 100 synapses each */
    BENCHNET_100K = 3 /* 100,000 neurons, p = 0.001 */
} benchnet_kind;

/* The recipe of one benchmark network (all integers are machine values). */
typedef struct benchnet_spec {
    const char *name;     /* "bench1k", "bench10k", "bench1m", "bench100k" */
    uint32_t n_neurons;   /* N: also the number of input channels */
    uint32_t fanout;      /* K recurrent synapses out of every neuron */
    int32_t w_exc;        /* excitatory recurrent weight */
    int32_t w_inh;        /* inhibitory recurrent weight (negative) */
    uint32_t inh_per_256; /* share of inhibitory synapses, in 1/256 */
    int32_t w_in;         /* input weight */
    int32_t theta;        /* threshold */
    int32_t a_mem;        /* membrane decay */
    int32_t shift;        /* input shift */
    double input_rate;    /* Poisson input rate per step and channel */
} benchnet_spec;

/* The recipe of `kind`; NULL for an unknown kind. */
const benchnet_spec *benchnet_get(benchnet_kind kind);

/* Parses "1k", "10k", "100k" or "1m" (also "bench1k", ...).  Returns 0 and sets
 * *kind, or -1 for anything else. */
int benchnet_parse(const char *s, benchnet_kind *kind);

/* Builds the network of `kind` from `seed`.  On success *out is a new net
 * owned by the caller (free with seir_net_free); the 1M net holds 100M
 * synapses (1.6 GB).  Fails with LOOM_E_NOMEM or LOOM_E_ARG. */
loom_status benchnet_build(benchnet_kind kind, uint64_t seed, seir_net **out, loom_err *e);

/* The same network as a skeleton (neurons, profile, input channels, no
 * synapses) plus a stream of its synapses, in benchnet_build's order, for
 * ref_create_stream: building the 1M net this way never holds the 16-byte
 * synapse list.  On success *skel is owned by the caller (seir_net_free),
 * *gen is filled in and *st must be released with benchnet_close after the
 * last use of *gen.  Fails with LOOM_E_NOMEM or LOOM_E_ARG. */
typedef struct netgen_stream benchnet_stream;
loom_status benchnet_open(benchnet_kind kind, uint64_t seed, seir_net **skel,
                          benchnet_stream **st, ref_syn_stream *gen, loom_err *e);
void benchnet_close(benchnet_stream *st);

#endif
