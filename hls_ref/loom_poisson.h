/*
 * loom_poisson.h -- the portable Poisson input generator of docs/inputs.md:
 * the value of input channel c at step t is a pure function of (seed, t, c),
 * so the same seed gives the same input in every tool and language (loom sim,
 * loom run, the bench, the reports, the virtual board's host).
 *
 * Channel c fires at step t iff the top 53 bits of loom_poisson_hash(seed,
 * t, c) are below floor(rate * 2^53).  A graded channel that fires carries
 * the low 16 bits of the same hash as a signed value (0 if they are zero).
 */
#ifndef LOOM_POISSON_H
#define LOOM_POISSON_H

#include <stdint.h>

#include "loom_rng.h"

/* The 64-bit mix of (seed, t, c). */
static inline uint64_t loom_poisson_hash(uint64_t seed, uint64_t t, uint32_t c)
{
    return loom_mix64(seed + LOOM_RNG_GAMMA * ((t << 32) + (uint64_t)c + 1));
}

/* floor(rate * 2^53) for a rate in [0, 1]: exact, since rate*2^53 only
 * scales the exponent. */
static inline uint64_t loom_poisson_threshold(double rate)
{
    return (uint64_t)(rate * 9007199254740992.0);
}

/* The value of channel c at step t (0: no event): 1 for a spike channel,
 * the low 16 bits of the hash for a graded one. */
static inline int32_t loom_poisson_value(uint64_t seed, uint64_t thresh, uint64_t t, uint32_t c,
                                         int graded)
{
    uint64_t z = loom_poisson_hash(seed, t, c);
    if ((z >> 11) >= thresh)
        return 0;
    return graded ? (int32_t)(int16_t)(uint16_t)(z & 0xffff) : 1;
}

#endif
