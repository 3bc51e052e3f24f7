/*
 * loom_cmp.h -- lexicographic comparison of unsigned keys, for qsort and
 * bsearch comparators: a comparator lists its fields once, most significant
 * first, instead of spelling an if-chain per field:
 *
 *     const skey *x = a, *y = b;
 *     return LOOM_CMP_KEYS(x, y, src_node, d, syn);
 *
 * Every field must be an unsigned integer of at most 64 bits.
 */
#ifndef LOOM_CMP_H
#define LOOM_CMP_H

#include <stddef.h>
#include <stdint.h>

/* -1, 0 or 1 as x[0..n-1] sorts before, with or after y[0..n-1]. */
static inline int loom_cmp_lex(const uint64_t *x, const uint64_t *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

#define LOOM_CMP_F1_(p, f) (uint64_t)(p)->f
#define LOOM_CMP_MAP_(p, ...) LOOM_CMP_SEL_(__VA_ARGS__, LOOM_CMP_4_, LOOM_CMP_3_, LOOM_CMP_2_, LOOM_CMP_1_, _)(p, __VA_ARGS__)
#define LOOM_CMP_SEL_(a, b, c, d, m, ...) m
#define LOOM_CMP_1_(p, a) LOOM_CMP_F1_(p, a)
#define LOOM_CMP_2_(p, a, b) LOOM_CMP_F1_(p, a), LOOM_CMP_F1_(p, b)
#define LOOM_CMP_3_(p, a, b, c) LOOM_CMP_F1_(p, a), LOOM_CMP_F1_(p, b), LOOM_CMP_F1_(p, c)
#define LOOM_CMP_4_(p, a, b, c, d) LOOM_CMP_F1_(p, a), LOOM_CMP_F1_(p, b), LOOM_CMP_F1_(p, c), LOOM_CMP_F1_(p, d)

/* Compares the fields named (one to four) of *x and *y, in that order. */
#define LOOM_CMP_KEYS(x, y, ...)                                                                              \
    loom_cmp_lex((const uint64_t[]){LOOM_CMP_MAP_(x, __VA_ARGS__)}, (const uint64_t[]){LOOM_CMP_MAP_(y, __VA_ARGS__)}, \
                 sizeof((const uint64_t[]){LOOM_CMP_MAP_(x, __VA_ARGS__)}) / sizeof(uint64_t))

#endif
