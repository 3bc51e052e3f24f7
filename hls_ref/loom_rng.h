/*
 * loom_rng.h -- the one pseudo-random generator of Loom: splitmix64
 * (Steele, Lea, Flood 2014).  Small, portable and well mixed; every tool
 * that draws random numbers (loom gen, the benchmark nets, the blimp plant's
 * sensor noise, CMA-ES, the test generators, the Poisson input of
 * loom_poisson.h) uses these functions, so a seed means the same thing
 * everywhere.
 */
#ifndef LOOM_RNG_H
#define LOOM_RNG_H

#include <stdint.h>

#define LOOM_RNG_GAMMA 0x9E3779B97F4A7C15ull

/* The splitmix64 output function (a bijection of 64-bit words). */
static inline uint64_t loom_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* splitmix64 as a hash: the output for state x (a stateless draw). */
static inline uint64_t loom_splitmix64(uint64_t x) { return loom_mix64(x + LOOM_RNG_GAMMA); }

/* The next number of the splitmix64 stream whose state is *state. */
static inline uint64_t loom_rng_next(uint64_t *state) { return loom_mix64(*state += LOOM_RNG_GAMMA); }

#endif
