/*
 * loom_mem.h -- the memory steps every layer repeats, once: LOOM_GROW makes
 * room for `need` elements in a malloc'd array whose capacity doubles from
 * a first size; LOOM_FREE frees a list of pointers (a struct's arrays).
 *
 *   if (LOOM_GROW(v->items, v->cap, v->n + 1, 64))
 *       return out_of_memory;
 *   v->items[v->n++] = x;
 *
 * `cap` may be a size_t or a uint32_t (a uint32_t capacity saturates at
 * UINT32_MAX).  Returns 0 (room made, or there was room), or -1 out of
 * memory (or a size past SIZE_MAX bytes) with the array and its capacity
 * unchanged.
 */
#ifndef LOOM_MEM_H
#define LOOM_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static inline int loom_grow_size(void **arr, size_t *cap, size_t need, size_t elem, size_t first)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : (first ? first : 1);
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return -1;
        nc *= 2;
    }
    if (elem && nc > SIZE_MAX / elem)
        return -1; /* the byte count would wrap: a short block, then writes past it */
    void *p = realloc(*arr, nc * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = nc;
    return 0;
}

static inline int loom_grow_u32(void **arr, uint32_t *cap, size_t need, size_t elem, size_t first)
{
    size_t c = *cap;
    if (loom_grow_size(arr, &c, need, elem, first))
        return -1;
    *cap = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
    return 0;
}

#define LOOM_GROW(arr, cap, need, first)                                                      \
    _Generic(&(cap), size_t *: loom_grow_size, uint32_t *: loom_grow_u32)(                   \
        (void **)&(arr), &(cap), (need), sizeof *(arr), (first))

/* Frees p[0..n) (NULL ones too, as free does). */
static inline void loom_free_each(void *const *p, size_t n)
{
    for (size_t k = 0; k < n; k++)
        free(p[k]);
}

/* LOOM_FREE(a, b, c): free(a), free(b), free(c). */
#define LOOM_FREE(...)                                                                            \
    loom_free_each((void *const[]){__VA_ARGS__}, sizeof((void *const[]){__VA_ARGS__}) / sizeof(void *))

#endif
