/*
 * loom_arith.h -- the machine arithmetic, written once.
 *
 * These few inline functions ARE the integer semantics of the machine model
 * (docs/machine-model.md): saturation to B signed bits, decay truncating
 * toward zero, the input shift (left multiply / arithmetic floor right
 * shift), and accumulator wrapping modulo 2^A.  The reference model, the
 * quantizer, the mapper's proofs and the tests all include this header, so
 * there is exactly one host-side definition of the arithmetic.
 *
 * Ranges the callers guarantee (checked by seir_arch_check and the SEIR
 * validator): 2 <= bits <= 32 for saturation and wrapping, decay factors in
 * [0, 4096], shifts in [-16, 15], operands within 32-bit signed range.  All
 * intermediate values fit int64_t under those ranges.
 */
#ifndef LOOM_ARITH_H
#define LOOM_ARITH_H

#include <stdint.h>

/* The decay denominator: a factor of LOOM_DECAY_ONE means "no leak". */
#define LOOM_DECAY_ONE 4096

/* Largest and smallest value of a signed `bits`-bit integer. */
static inline int64_t loom_max_s(int bits) { return ((int64_t)1 << (bits - 1)) - 1; }
static inline int64_t loom_min_s(int bits) { return -((int64_t)1 << (bits - 1)); }

/* sat_B(x): clamp x to the signed `bits`-bit range. */
static inline int64_t loom_sat(int64_t x, int bits)
{
    const int64_t hi = loom_max_s(bits), lo = loom_min_s(bits);
    return x > hi ? hi : (x < lo ? lo : x);
}

/* decay(x, a) = (x * a) / 4096, truncated toward zero (C division), so a
 * leak never drives a value past zero. */
static inline int64_t loom_decay(int64_t x, int32_t a)
{
    return (x * (int64_t)a) / LOOM_DECAY_ONE;
}

/* shift >= 0: a * 2^shift; shift < 0: floor(a / 2^-shift), written without
 * relying on the implementation-defined >> of negative numbers. */
static inline int64_t loom_shift(int64_t a, int shift)
{
    if (shift >= 0)
        return a * ((int64_t)1 << shift);
    const int s = -shift;
    return a >= 0 ? (a >> s) : -(((-a) - 1) >> s) - 1;
}

/* Two's-complement wrap of x to `bits` bits (the accumulator's modulo 2^A
 * arithmetic), returned sign-extended. */
static inline int64_t loom_wrap(int64_t x, int bits)
{
    const uint64_t m = (bits >= 64) ? ~(uint64_t)0 : (((uint64_t)1 << bits) - 1);
    uint64_t u = (uint64_t)x & m;
    if (bits < 64 && (u >> (bits - 1)) & 1)
        u |= ~m;
    return (int64_t)u;
}

#endif
