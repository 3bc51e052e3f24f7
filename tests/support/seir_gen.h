/*
 * seir_gen.h -- small random SEIR networks for unit tests.
 *
 * seirgen_net builds, through the seir.h builder, a network that uses every
 * feature of SEIR (random arch, several profiles with every reset mode and
 * corner decays/shifts, spike and graded input groups, array and single
 * groups, dense blocks from inputs and from neurons over whole groups and
 * slices, sparse synapses with delays 0..D, zero-delay chains that stay
 * acyclic, outputs of both kinds, initial i/v and ring contents) and that
 * passes seir_validate: A is raised until the accumulator proof holds.
 * Deterministic per seed (splitmix64, never rand()).
 *
 * Linked into every unit test, so it stays small; the names carry the
 * prefix seirgen_.
 */
#ifndef SEIR_GEN_H
#define SEIR_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "loom_status.h"
#include "seir.h"

typedef struct seirgen_opts {
    uint32_t max_neurons; /* neurons in all, 1.. [48] */
    uint32_t max_inputs;  /* input channels in all, 0.. [12] */
    uint32_t max_syn;     /* sparse synapses, 0.. [160] */
    uint32_t max_dense;   /* dense blocks, 0.. [3] */
} seirgen_opts;

/* Fills *o with the defaults in brackets above. */
void seirgen_opts_default(seirgen_opts *o);

/* splitmix64: advances *state and returns the next 64 random bits. */
uint64_t seirgen_u64(uint64_t *state);

/* A number in [0, n) (n >= 1). */
uint32_t seirgen_below(uint64_t *state, uint32_t n);

/* A number in [lo, hi] (lo <= hi). */
int64_t seirgen_between(uint64_t *state, int64_t lo, int64_t hi);

/* The value of input channel c of net in one step of a random run: none
 * (0) unless a draw below 100 falls under pct, then 1 for a spike channel
 * or a random 16-bit value (maybe 0) for a graded one. */
int32_t seirgen_input(uint64_t *state, const seir_net *net, uint32_t c, uint32_t pct);

/* The canonical text of net (seir_print), malloc'd and NUL-terminated,
 * its length in *len (may be NULL); NULL with *e on failure. */
char *seirgen_text(const seir_net *net, size_t *len, loom_err *e);

/* A new random valid network for `seed` (o NULL: defaults), owned by the
 * caller (seir_net_free).  NULL only when out of memory. */
seir_net *seirgen_net(uint64_t seed, const seirgen_opts *o);

#endif
