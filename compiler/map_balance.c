/*
 * map_balance.c -- swaps neurons between cores so that every source's
 * synapses split evenly over them (map_balance.h).
 *
 * c[s][k] counts the synapses from source s (a neuron n, or input channel
 * j as source N + j) to the neurons in core k.  Moving a neuron a from core
 * x to core y changes the cost sum c^2 by 2 * sum over a's in-synapses of
 * (c[s][y] - c[s][x] + 1): its gain toward y.  A pass computes every
 * neuron's gain toward every core, then for each pair of cores (x, y) and
 * each group of interchangeable neurons (same level, same machine profile)
 * takes the neurons of x eager to go to y, most eager first, and tries
 * each against the 8 first (most eager) of y's neurons left, by the exact
 * change (made on the counts, then undone); the best pair that lowers the
 * cost and keeps both cores' synapses within syn_words is swapped.  Passes
 * repeat until one gains nothing, 200 have run or the work budget (64
 * synapse visits per synapse, 2^27 at least; a pass's gains take K per
 * synapse) is spent.
 */
#include "map_balance.h"

#include <stdlib.h>

#include "loom_mem.h"

typedef struct bal {
    uint32_t N, K, S;        /* neurons, cores, sources (N + inputs) */
    const uint32_t *in_off;  /* [N+1] in-synapses of neuron n: in_src[in_off[n]..in_off[n+1]) */
    const uint32_t *in_src;  /* source of each in-synapse */
    int64_t *cnt;            /* [S*K] c[s][k] */
    uint64_t *csyn;          /* [K] synapses per core */
    uint32_t *deg;           /* [N] synapses to neuron n (all sources) */
    uint32_t *core_of;
} bal;

/* Moves neuron a to core y on the counts; returns the change of sum c^2. */
static int64_t move(bal *b, uint32_t a, uint32_t y)
{
    const uint32_t x = b->core_of[a], K = b->K;
    int64_t d = 0;
    for (uint32_t i = b->in_off[a]; i < b->in_off[a + 1]; i++) {
        int64_t *c = &b->cnt[(size_t)b->in_src[i] * K];
        d += 2 * (c[y] - c[x] + 1);
        c[x]--;
        c[y]++;
    }
    b->csyn[x] -= b->deg[a];
    b->csyn[y] += b->deg[a];
    b->core_of[a] = y;
    return d;
}

typedef struct cand {
    int64_t gain;
    uint32_t n;
} cand;

static int cand_cmp(const void *p, const void *q)
{
    const cand *a = p, *b = q;
    if (a->gain != b->gain)
        return a->gain < b->gain ? -1 : 1;
    return a->n < b->n ? -1 : a->n > b->n;
}

typedef struct key {
    uint64_t k;
    uint32_t n;
} key;

static int key_cmp(const void *p, const void *q)
{
    const key *a = p, *b = q;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    return a->n < b->n ? -1 : a->n > b->n;
}

loom_status map_balance(const seir_net *net, const uint32_t *level_of, const uint32_t *pcls, uint32_t K,
                        uint32_t syn_words, uint32_t *core_of, loom_err *e)
{
    const uint32_t N = net->n_neurons;
    if (K < 2 || N < 2 || net->n_syn == 0)
        return LOOM_OK;
    bal b = {.N = N, .K = K, .S = N + net->n_inputs};
    uint32_t *in_off = calloc((size_t)N + 1, sizeof *in_off);
    uint32_t *in_src = malloc(net->n_syn * sizeof *in_src);
    uint32_t *fill = calloc((size_t)N + 1, sizeof *fill);
    uint32_t *work = malloc((size_t)N * sizeof *work);
    int64_t *gain = malloc((size_t)N * K * sizeof *gain);
    key *grp = malloc((size_t)N * sizeof *grp);
    cand *ca = malloc((size_t)N * sizeof *ca), *cb = malloc((size_t)N * sizeof *cb);
    b.cnt = calloc((size_t)b.S * K, sizeof *b.cnt);
    b.csyn = calloc(K, sizeof *b.csyn);
    b.deg = calloc(N, sizeof *b.deg);
    uint32_t *fan = calloc((size_t)b.S, sizeof *fan);
    if (!in_off || !in_src || !fill || !work || !gain || !grp || !ca || !cb || !b.cnt || !b.csyn || !b.deg ||
        !fan) {
        LOOM_FREE(in_off, in_src, fill, work, gain, grp, ca, cb, b.cnt, b.csyn, b.deg, fan);
        return loom_fail(e, LOOM_E_NOMEM, "mapper: out of memory (placement)");
    }
    /* sources with fewer than 4K synapses are left out (see the header) */
    for (size_t s = 0; s < net->n_syn; s++) {
        const seir_syn *y = &net->syn[s];
        fan[SEIR_IS_INPUT(y->src) ? N + SEIR_SRC_INDEX(y->src) : y->src]++;
    }
    for (size_t s = 0; s < net->n_syn; s++) {
        const seir_syn *y = &net->syn[s];
        b.deg[y->dst]++;
        if (fan[SEIR_IS_INPUT(y->src) ? N + SEIR_SRC_INDEX(y->src) : y->src] >= 4 * K)
            in_off[y->dst + 1]++;
    }
    for (uint32_t n = 0; n < N; n++)
        in_off[n + 1] += in_off[n];
    for (size_t s = 0; s < net->n_syn; s++) {
        const seir_syn *y = &net->syn[s];
        const uint32_t src = SEIR_IS_INPUT(y->src) ? N + SEIR_SRC_INDEX(y->src) : y->src;
        if (fan[src] >= 4 * K)
            in_src[in_off[y->dst] + fill[y->dst]++] = src;
    }
    free(fan);
    b.in_off = in_off;
    b.in_src = in_src;
    /* work on a copy: core_of changes only when everything went well */
    for (uint32_t n = 0; n < N; n++)
        work[n] = core_of[n];
    b.core_of = work;
    for (uint32_t n = 0; n < N; n++) {
        b.csyn[work[n]] += b.deg[n];
        for (uint32_t i = in_off[n]; i < in_off[n + 1]; i++)
            b.cnt[(size_t)in_src[i] * K + work[n]]++;
    }
    /* groups of interchangeable neurons: (level, machine profile) */
    for (uint32_t n = 0; n < N; n++)
        grp[n] = (key){((uint64_t)level_of[n] << 32) | pcls[net->neuron_profile[n]], n};
    qsort(grp, N, sizeof *grp, key_cmp);

    /* synapse visits allowed: 64 per synapse, 2^27 at least */
    int64_t work_left = (int64_t)net->n_syn * 64 > ((int64_t)1 << 27) ? (int64_t)net->n_syn * 64 : ((int64_t)1 << 27);
    const uint32_t M = 8;
    for (int pass = 0; pass < 200 && work_left > 0; pass++) {
        work_left -= (int64_t)in_off[N] * K; /* the gains */
        for (uint32_t n = 0; n < N; n++) {
            const uint32_t x = work[n];
            int64_t *g = &gain[(size_t)n * K];
            for (uint32_t k = 0; k < K; k++)
                g[k] = 0;
            for (uint32_t i = in_off[n]; i < in_off[n + 1]; i++) {
                const int64_t *c = &b.cnt[(size_t)in_src[i] * K];
                for (uint32_t k = 0; k < K; k++)
                    g[k] += c[k] - c[x] + 1;
            }
        }
        int64_t won = 0;
        for (uint32_t g0 = 0; g0 < N;) {
            uint32_t g1 = g0 + 1;
            while (g1 < N && grp[g1].k == grp[g0].k)
                g1++;
            for (uint32_t x = 0; x < K; x++)
                for (uint32_t y = x + 1; y < K; y++) {
                    uint32_t na = 0, nb = 0;
                    for (uint32_t i = g0; i < g1; i++) {
                        const uint32_t n = grp[i].n;
                        if (work[n] == x && gain[(size_t)n * K + y] < 0)
                            ca[na++] = (cand){gain[(size_t)n * K + y], n};
                        else if (work[n] == y)
                            cb[nb++] = (cand){gain[(size_t)n * K + x], n};
                    }
                    if (!na || !nb)
                        continue;
                    qsort(ca, na, sizeof *ca, cand_cmp);
                    qsort(cb, nb, sizeof *cb, cand_cmp);
                    /* each of x's candidates, best first, against the
                     * first M unused candidates of y */
                    uint32_t lo = 0;
                    for (uint32_t i = 0; i < na && lo < nb && work_left > 0; i++) {
                        const uint32_t a = ca[i].n;
                        int64_t best = 0;
                        uint32_t bj = UINT32_MAX;
                        for (uint32_t j = lo; j < nb && j < lo + M; j++) {
                            const uint32_t c = cb[j].n;
                            if (work[c] != y || ca[i].gain + cb[j].gain >= 0)
                                continue;
                            const int64_t d = move(&b, a, y) + move(&b, c, x);
                            if (d < best && b.csyn[x] <= syn_words && b.csyn[y] <= syn_words) {
                                best = d;
                                bj = j;
                            }
                            move(&b, c, y);
                            move(&b, a, x);
                            work_left -= 2 * (int64_t)(in_off[a + 1] - in_off[a] + in_off[c + 1] - in_off[c]) + 2;
                        }
                        if (bj == UINT32_MAX)
                            continue;
                        won -= move(&b, a, y) + move(&b, cb[bj].n, x);
                        cb[bj] = cb[lo++]; /* the partner leaves y's list */
                    }
                }
            g0 = g1;
        }
        if (won == 0)
            break;
    }
    for (uint32_t n = 0; n < N; n++)
        core_of[n] = work[n];
    LOOM_FREE(in_off, in_src, fill, work, gain, grp, ca, cb, b.cnt, b.csyn, b.deg);
    return LOOM_OK;
}
