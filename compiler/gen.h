/*
 * gen.h -- random SEIR networks for tests, co-simulation and demos
 * (`loom gen`).
 *
 * gen_net builds a VALID network (it passes seir_validate) that is fully
 * determined by the options, the seed included: the generator uses its own
 * 64-bit PRNG (splitmix64), never rand(), and no floating point beyond the
 * density threshold, so a seed replays the same net on every run.
 *
 * With the defaults a net exercises every corner of the machine model:
 * decays 0 and 4096, shifts -16 and +15 and in between, all three reset
 * modes, thetas / biases / initial states at both ends of the S-bit range
 * (so i and v saturate both ways), weights at both ends of the W-bit range,
 * delays 0..D, a deep zero-delay chain through `levels` neurons (DAG by
 * construction: a zero-delay synapse always goes from a lower to a higher
 * neuron index), graded input channels, initial ring contents, dense blocks
 * next to sparse synapses, and outputs of both kinds.  Weights are clamped
 * per target neuron so that seir_check_acc's accumulator bound holds.
 */
#ifndef GEN_H
#define GEN_H

#include <stdint.h>

#include "loom_status.h"
#include "seir.h"

typedef struct gen_opts {
    uint64_t seed;      /* PRNG seed; any value [1] */
    uint32_t neurons;   /* neuron count, >= 1 [64] */
    uint32_t inputs;    /* input channels, >= 0 [8] */
    double density;     /* probability of a sparse synapse per (source, target) pair, 0..1 [0.1] */
    int32_t max_delay;  /* largest synapse delay, 0..arch.d; -1 = arch.d [-1] */
    seir_arch arch;     /* W/S/A/D of the net [defaults of seir.h] */
    int32_t graded;     /* graded channels among the inputs; -1 = inputs/4 (>= 1 when inputs >= 2) [-1] */
    int32_t levels;     /* length of the deepest zero-delay chain, 1..neurons; -1 = min(neurons, 8) [-1] */
} gen_opts;

/* Fills *o with the defaults above. */
void gen_opts_default(gen_opts *o);

/* Builds a random network.  On success *out is a new net owned by the
 * caller.  Fails with LOOM_E_ARG naming the option when an option is out of
 * range (neurons 0, density outside 0..1, max_delay > arch.d, graded >
 * inputs, levels > neurons, bad arch), LOOM_E_NOMEM on OOM; *out is NULL
 * then. */
loom_status gen_net(const gen_opts *o, seir_net **out, loom_err *e);

#endif
