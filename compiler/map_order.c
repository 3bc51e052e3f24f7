/*
 * map_order.c -- the slots of a level by decreasing drive (map_order.h).
 */
#include "map_order.h"

#include <math.h>
#include <stdlib.h>

typedef struct drv {
    double d;   /* drive; -INFINITY: never spikes */
    uint32_t n; /* neuron */
} drv;

static int drv_cmp(const void *p, const void *q)
{
    const drv *a = p, *b = q;
    if (a->d != b->d)
        return a->d > b->d ? -1 : 1;
    return a->n < b->n ? -1 : a->n > b->n;
}

loom_status map_order_by_drive(const seir_net *net, const uint32_t *level_of, uint32_t cores, uint32_t *order,
                               loom_err *e)
{
    const uint32_t N = net->n_neurons;
    if (N < 2)
        return LOOM_OK;
    double *sum = calloc(N, sizeof *sum);
    drv *run = malloc((size_t)N * sizeof *run);
    if (!sum || !run) {
        free(sum);
        free(run);
        return loom_fail(e, LOOM_E_NOMEM, "mapper: out of memory (slot order)");
    }
    for (size_t s = 0; s < net->n_syn; s++)
        sum[net->syn[s].dst] += net->syn[s].w;
    for (uint32_t j0 = 0; j0 < N;) {
        uint32_t j1 = j0 + 1;
        while (j1 < N && level_of[order[j1]] == level_of[order[j0]])
            j1++;
        if (j1 - j0 < (uint64_t)MAP_ORDER_MIN_SLOTS * cores) { /* a short level: SEIR order */
            j0 = j1;
            continue;
        }
        for (uint32_t j = j0; j < j1; j++) {
            const uint32_t n = order[j];
            const seir_profile *p = &net->profiles[net->neuron_profile[n]];
            double d = -INFINITY;
            if (p->reset != SEIR_RESET_NONE)
                d = ldexp(sum[n], p->shift) / (p->theta > 0 ? (double)p->theta : 1.0);
            run[j - j0] = (drv){d, n};
        }
        qsort(run, j1 - j0, sizeof *run, drv_cmp);
        for (uint32_t j = j0; j < j1; j++)
            order[j] = run[j - j0].n;
        j0 = j1;
    }
    free(sum);
    free(run);
    return LOOM_OK;
}
