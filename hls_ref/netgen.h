/*
 * netgen.h -- the one network generator of Loom: `loom gen`, the benchmark
 * nets of `make bench` (benchnet.h) and the unit tests' random nets
 * (tests/support/seir_gen.h, test_ref_diff) are all recipes for netgen_build.
 *
 * A recipe names a shape and the knobs that shape reads; every shape draws
 * from one splitmix64 stream (loom_rng.h), never rand(), in a fixed order,
 * so a recipe gives the same network on every machine and compiler.  The
 * shapes:
 *   NETGEN_CORNERS   `loom gen`: a VALID net (it passes seir_validate) at a
 *                    given arch that exercises every corner of the machine
 *                    model: decays 0 and 4096, shifts -16 and +15, all reset
 *                    modes, values at both ends of the S- and W-bit ranges,
 *                    delays 0..D, a deep zero-delay chain through `levels`
 *                    neurons (a zero-delay synapse always goes from a lower
 *                    to a higher neuron band), graded inputs, initial ring
 *                    contents, dense blocks next to sparse synapses
 *                    (probability `density` per pair), outputs of both kinds.
 *                    Weights are clamped per target so seir_check_acc holds.
 *   NETGEN_BENCH     the benchmark recipe: `neurons` LIF neurons (profile
 *                    "lif", a_syn 0, reset to zero), as many spike inputs,
 *                    in[k] -> neuron k with weight w_in and delay 0, then
 *                    `fanout` recurrent synapses out of every neuron to
 *                    distinct random targets other than itself, a share
 *                    inh_per_256/256 of them inhibitory, delays 1..arch.d.
 *                    Also available as a synapse stream (netgen_open).
 *   NETGEN_FEATURES  small nets for unit tests that use every feature of
 *                    SEIR: a random arch, several profiles, spike and graded
 *                    input groups, array and single groups, dense blocks over
 *                    whole groups and slices, sparse synapses, acyclic
 *                    zero-delay chains, outputs, initial state, per-neuron
 *                    biases; at most `neurons` neurons, `inputs` channels,
 *                    `max_syn` sparse synapses and `max_dense` dense blocks.
 *                    A is raised last until the accumulator proof holds.
 *   NETGEN_RANKED    nets for the reference model's differential test: a
 *                    random arch (any A: accumulators may wrap), 1..150
 *                    neurons in random groups, single inputs, zero-delay
 *                    synapses going up a random ranking (a DAG whose level
 *                    order differs from the index order); `wide` forces
 *                    W=16, D=255 and 260..300 neurons (64-bit fan-out).
 *
 * Seeding: the stream starts at `seed` (NETGEN_FEATURES first mixes it as
 * seed * 0xD1B54A32D192ED03 + 1), or, when `stream` is set, the generator
 * draws from *stream and leaves it advanced (a test that interleaves its
 * own draws with the generator's).  NETGEN_BENCH always starts at `seed`
 * (its synapse stream rewinds).
 */
#ifndef NETGEN_H
#define NETGEN_H

#include <stdint.h>

#include "loom_rng.h"
#include "loom_status.h"
#include "ref.h"
#include "seir.h"

typedef enum netgen_shape {
    NETGEN_CORNERS = 0,
    NETGEN_BENCH = 1,
    NETGEN_FEATURES = 2,
    NETGEN_RANKED = 3
} netgen_shape;

/* A recipe; [defaults of netgen_default] per shape. */
typedef struct netgen_recipe {
    netgen_shape shape;
    uint64_t seed;       /* the stream's start [1] */
    uint64_t *stream;    /* draw from *stream instead (seed unused) [NULL] */
    uint32_t neurons;    /* CORNERS, BENCH: neuron count [64, 1000]; FEATURES: at most [48] */
    uint32_t inputs;     /* CORNERS: channels [8]; FEATURES: at most [12] */
    seir_arch arch;      /* CORNERS, BENCH: W/S/A/D of the net [defaults of seir.h] */
    /* CORNERS */
    double density;      /* probability of a sparse synapse per (source, target) pair, 0..1 [0.1] */
    int32_t max_delay;   /* largest synapse delay, 0..arch.d; -1 = arch.d [-1] */
    int32_t graded;      /* graded channels among the inputs; -1 = inputs/4 (>= 1 when inputs >= 2) [-1] */
    int32_t levels;      /* deepest zero-delay chain, 1..neurons; -1 = min(neurons, 8) [-1] */
    /* FEATURES */
    uint32_t max_syn;    /* sparse synapses, at most [160] */
    uint32_t max_dense;  /* dense blocks, at most [3] */
    /* RANKED */
    int wide;            /* W=16, D=255, 260..300 neurons [0] */
    /* BENCH (machine values) */
    uint32_t fanout;     /* recurrent synapses out of every neuron [100] */
    int32_t w_exc;       /* excitatory recurrent weight [6] */
    int32_t w_inh;       /* inhibitory recurrent weight [-24] */
    uint32_t inh_per_256; /* share of inhibitory synapses, in 1/256 [51] */
    int32_t w_in;        /* input weight [30] */
    int32_t theta;       /* threshold [100] */
    int32_t a_mem;       /* membrane decay [3896] */
    int32_t shift;       /* input shift [0] */
} netgen_recipe;

/* Fills *r with the defaults of `shape`. */
void netgen_default(netgen_recipe *r, netgen_shape shape);

/* Builds the network of recipe r.  On success *out is a new net owned by
 * the caller (seir_net_free).  Fails with LOOM_E_ARG naming the knob when
 * one is out of range, LOOM_E_NOMEM on OOM; *out is NULL then. */
loom_status netgen_build(const netgen_recipe *r, seir_net **out, loom_err *e);

/* A NETGEN_BENCH net as a skeleton (neurons, profile, input channels, no
 * synapses) plus a stream of its synapses in netgen_build's order, for
 * ref_create_stream: the 100M-synapse list is never held.  *skel is owned
 * by the caller; *st must be released with netgen_close after the last use
 * of *gen.  Fails with LOOM_E_ARG for another shape, LOOM_E_NOMEM. */
typedef struct netgen_stream netgen_stream;
loom_status netgen_open(const netgen_recipe *r, seir_net **skel, netgen_stream **st,
                        ref_syn_stream *gen, loom_err *e);
void netgen_close(netgen_stream *st);

/* The generator's draws, for callers that draw next to it: a number in
 * [0, n) (n >= 1), in [lo, hi] (lo <= hi), and 1 with probability num/den. */
uint32_t netgen_below(uint64_t *s, uint32_t n);
int64_t netgen_between(uint64_t *s, int64_t lo, int64_t hi);
int netgen_chance(uint64_t *s, uint32_t num, uint32_t den);

#endif
