/*
 * ref.c -- the bit-exact reference model (docs/machine-model.md).
 *
 * Layout.  At ref_create the network is compiled into a private form:
 *
 *   - Neurons are renumbered internally, sorted by (level, profile) with the
 *     SEIR order kept inside each class (a stable sort), so one timestep is a
 *     series of "runs" of neurons sharing a level and a profile, and each run
 *     is a tight loop over structure-of-arrays state with the profile's
 *     parameters hoisted.  int_of[] and seir_of[] map between numberings;
 *     for most networks (one level, one profile) the map is the identity.
 *
 *   - The accumulator rings are one array ring[slot][neuron] of R = D+1
 *     slots.  Values are kept as uint32_t and wrap modulo 2^32; reading a
 *     slot sign-extends its low A bits (loom_wrap).  Because 2^A divides
 *     2^32, "add modulo 2^32, then reduce modulo 2^A" equals "add modulo
 *     2^A" at every step, so this is exactly the machine's A-bit
 *     accumulator whatever the delivery order.
 *
 *   - Fan-out is CSR per source (neurons and input channels separately).
 *     An entry packs the target's ring position pos = d*N + dst (so a
 *     delivery at step t adds to ring[(t mod R)*N + pos], minus R*N when
 *     that passes the end) and the weight, offset by 2^(W-1) so that it is
 *     unsigned: entry = pos << W | (w + 2^(W-1)).  Entries are 32 bits when
 *     that fits (bits(R*N) + W <= 32: every network up to 1M neurons with
 *     the default arch) and 64 bits otherwise.  Within one source, entries
 *     are sorted ascending, i.e. by delay then target, so a spike walks the
 *     ring forward.
 *
 *   - Target blocks (choose_blocks): on nets of 2,048 neurons and more the
 *     internal neurons form up to 16 blocks of a multiple of 64 neurons, and
 *     each neuron's list is grouped by target block (ascending within a
 *     block); bo[] holds where each block's part starts.  They are the unit
 *     that threads share out (ref_set_threads, step_part): a thread owns
 *     whole blocks, updates their neurons and delivers every spike's part
 *     for them, so nothing is written by two threads, and since ring
 *     additions are modulo 2^32 the result is the same for any thread count.
 *     On T > 1 threads the neurons' fan-out is laid out thread by thread
 *     (relayout, toff), so a thread reads only lines of its own.
 *
 *   - ref_create_stream reads the synapses from a stream (four passes:
 *     check, levels, count, fill) so that a big net is built without its
 *     synapse list.
 *
 * One step: deliver the inputs set for this step; then, level by level,
 * update every neuron of the level (reading and clearing its current slot)
 * and deliver the spikes of that level.  A zero-delay synapse from a level-L
 * neuron always targets a higher level, and a delay d >= 1 lands in another
 * slot than the current one, so delivering after the whole level is the
 * same as delivering right after each spike.  ref_step never allocates.
 *
 * Speed.  Every neuron is updated every step, so the update loop matters as
 * much as delivery: for S <= 20 it runs 8 neurons at a time in 32-bit
 * lanes (see "the vector path" below; ref_set_fast selects a path, and the
 * tests run all of them).  Delivery prefetches the fan-out lists of the
 * spikes a few places ahead.
 */
#include "ref.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "loom_arith.h"
#include "loom_mem.h"

#define REF_MAX_BLOCKS 16u

/* A run of consecutive internal neurons with one level and one profile. */
typedef struct ref_run {
    uint32_t lo, hi;
    uint32_t profile;
} ref_run;

/* One thread's share of a step. */
typedef struct ref_thr {
    struct ref_sim *s;
    uint32_t id, b0, b1, lo, hi;
    uint64_t events;            /* deliveries since the threads started or the last reset */
    atomic_uint done;           /* a worker: the generation (go) it has finished */
    pthread_t th;
#ifdef REF_PROF
    uint64_t prof_wait_ns, prof_part_ns, prof_in_ns, prof_sleeps, prof_waits; /* thread CPU time */
#endif
    char pad[64];               /* keeps threads' counters on their own lines */
} ref_thr;

struct ref_sim {
    seir_arch arch;
    uint32_t n_neurons, n_inputs, n_profiles, R;
    uint64_t fm;                /* 2^64 / n_neurons rounded up (mod_n) */
    size_t ring_len;            /* R * n_neurons */
    seir_profile *prof;         /* [n_profiles] (names not copied) */

    uint32_t *seir_of;          /* internal -> SEIR index */
    uint32_t *int_of;           /* SEIR -> internal index */
    int identity;               /* seir_of[k] == k for all k */

    uint32_t n_levels, n_runs;
    uint32_t *level_run;        /* [n_levels+1]: runs of level l are [level_run[l], level_run[l+1]) */
    ref_run *runs;

    /* fan-out: source k's entries are [off[k], off[k+1]) */
    int wide;                   /* entries are uint64_t */
    int wbits;
    uint64_t wbias;
    size_t *n_off, *in_off;     /* [n_neurons+1], [n_inputs+1] */
    void *n_fan, *in_fan;       /* uint32_t[] or uint64_t[] */
    uint8_t *in_graded;         /* [n_inputs] */
    int32_t *in_max;            /* [n_inputs] declared bound of a graded channel, 0: none */

    int32_t *nb;                /* NULL or [n_neurons] internal order: each neuron's
                                   own bias, added to its profile's */

    /* target blocks: internal neurons [b*bsz, min((b+1)*bsz, N)) form block
     * b; neuron src's entries into block b are [bo[src*nblk+b],
     * bo[src*nblk+b+1]) (sorted by delay, then target, within a block).  bo
     * is NULL (one block, use n_off) when the table would not fit 32 bits. */
    uint32_t nblk, bsz;
    uint32_t *bo;
    /* on T > 1 threads (lay_t = T), n_fan is laid out thread by thread:
     * thread t's stretches of every list (its blocks [lay_b[t], lay_b[t+1])),
     * neuron by neuron, then thread t+1's; thread t's stretch of neuron m's
     * list is [toff[t*(N+1) + m], toff[t*(N+1) + m + 1]).  So a thread reads
     * only its own lines of the fan-out and its own offset table (4 bytes a
     * neuron).  lay_t = 1: n_fan is source by source (n_off, bo). */
    uint32_t *toff;
    size_t toff_bytes;
    uint32_t lay_t;
    uint32_t lay_b[REF_MAX_THREADS + 1];
    /* on T > 1 threads: the channels set for the next step by owner, those
     * of thread t (all of whose targets it owns) at in_tl[t * n_inputs ..
     * + in_tn[t]), those with targets on several threads at t = T; in_own[c]
     * is c's owner (T: several) */
    uint8_t *in_own;
    uint32_t *in_tl;
    uint32_t in_tn[REF_MAX_THREADS + 1];
    size_t in_tl_bytes;

    /* threads: thread t owns blocks [thr[t].b0, thr[t].b1) = neurons
     * [thr[t].lo, thr[t].hi); in a step of parity p (t mod 2) its spikes of
     * level l are spk_thr[p*N + lvs[p][t*(L+1) + l] .. p*N + lvs[p][t*(L+1)
     * + l + 1]) (two sets, so that a thread may start the next step while
     * another still delivers this one's spikes) */
    uint32_t nthr;
    struct ref_thr *thr;        /* [REF_MAX_THREADS] */
    uint32_t *lvs;              /* [2][REF_MAX_THREADS * (n_levels + 1)] */
    uint32_t *spk_thr;          /* [2][n_neurons] */
    struct {
        pthread_mutex_t mu;
        pthread_cond_t cv;
        atomic_uint arrived, gen;
        atomic_uint count;      /* threads that meet at the barrier */
        atomic_uint go;         /* generation of the step the workers are to run */
    } bar;                      /* see bar_wait, wait_for */
    uint32_t *cur_slot;         /* the slot of the step being run */
    uint64_t cur_t;             /* its step index */
    int quit, bar_ok;

    /* initial state */
    int32_t *i0, *v0;           /* [n_neurons] internal order */
    size_t n_ring0;
    seir_ring_init *ring0;      /* neuron already internal */

    /* state */
    uint64_t t;
    int32_t *i, *v;             /* [n_neurons] internal order */
    uint32_t *ring;             /* [R][n_neurons] */
    int32_t *in_val;            /* [n_inputs] values for the next step (of listed channels) */
    uint32_t *in_list;          /* channels set for the next step */
    uint32_t *in_stamp;         /* [n_inputs] == in_gen: channel is in in_list */
    uint32_t n_in_list, in_gen;
    uint32_t *spk_int;          /* spikes of this step, internal, by level */
    uint32_t *spk_out;          /* spikes of the last step, SEIR, ascending */
    uint32_t *spk_tmp;          /* radix-sort scratch */
    uint32_t n_spk;

    int vec;                    /* neuron updates: 0 scalar, 1 vector, 2 AVX2 vector */
    ref_counters cnt;
    size_t bytes;
};

static void *xalloc(ref_sim *s, size_t n, size_t size, int zero)
{
    if (n == 0)
        n = 1;
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = zero ? calloc(n, size) : malloc(n * size);
    if (p)
        s->bytes += n * size;
    return p;
}

static void stop_threads(ref_sim *s, void *buf);

void ref_destroy(ref_sim *s)
{
    if (!s)
        return;
    stop_threads(s, NULL);
    if (s->bar_ok) {
        pthread_mutex_destroy(&s->bar.mu);
        pthread_cond_destroy(&s->bar.cv);
    }
    LOOM_FREE(s->bo, s->toff, s->in_own, s->in_tl, s->thr, s->lvs, s->spk_thr, s->prof, s->seir_of, s->int_of, s->level_run, s->runs,
              s->n_off, s->in_off, s->n_fan, s->in_fan, s->in_graded, s->in_max, s->nb, s->i0, s->v0,
              s->ring0, s->i, s->v, s->ring, s->in_val, s->in_list, s->in_stamp, s->spk_int, s->spk_out,
              s->spk_tmp, s);
}

/* The synapses of a net, from net->syn or from a stream, one at a time:
 * it_start, then it_next until NULL.  it->k is the index of the synapse
 * last returned. */
#define REF_IT_BUF 512
typedef struct syn_it {
    const seir_syn *arr;
    size_t n_arr;
    const ref_syn_stream *st;
    size_t len, at, k;
    seir_syn buf[REF_IT_BUF];
} syn_it;

static void it_start(syn_it *it)
{
    it->len = it->at = 0;
    it->k = (size_t)-1;
    if (it->st)
        it->st->rewind(it->st->ctx);
}

static inline const seir_syn *it_next(syn_it *it)
{
    if (!it->st) {
        if (it->k + 1 >= it->n_arr)
            return NULL;
        return &it->arr[++it->k];
    }
    if (it->at == it->len) {
        it->len = it->st->next(it->st->ctx, it->buf, REF_IT_BUF);
        it->at = 0;
        if (it->len == 0)
            return NULL;
    }
    it->k++;
    return &it->buf[it->at++];
}

/* Checks what the step loop relies on for memory safety and exactness (the
 * full rule set is seir_validate's): arch ranges, profile ranges, synapse
 * endpoints, weights in W bits, delays <= D, initial ring entries. */
static loom_status check_net(const seir_net *net, syn_it *it, size_t *n_syn, loom_err *e)
{
    char nb[96];
    if (seir_arch_check(&net->arch, e))
        return LOOM_E_INVALID;
    const seir_arch *a = &net->arch;
    for (uint32_t p = 0; p < net->n_profiles; p++) {
        const seir_profile *q = &net->profiles[p];
        const char *pn = q->name ? q->name : "?";
        if (q->a_syn < 0 || q->a_syn > LOOM_DECAY_ONE || q->a_mem < 0 || q->a_mem > LOOM_DECAY_ONE)
            return loom_fail(e, LOOM_E_INVALID,
                             "profile %s: a_syn=%d a_mem=%d, expected decays in 0..4096", pn,
                             q->a_syn, q->a_mem);
        if (q->shift < -16 || q->shift > 15)
            return loom_fail(e, LOOM_E_INVALID, "profile %s: shift=%d, expected -16..15", pn,
                             q->shift);
        if (q->reset != SEIR_RESET_ZERO && q->reset != SEIR_RESET_SUBTRACT &&
            q->reset != SEIR_RESET_NONE)
            return loom_fail(e, LOOM_E_INVALID, "profile %s: unknown reset mode %d", pn,
                             (int)q->reset);
        if (q->theta < loom_min_s(a->s) || q->theta > loom_max_s(a->s) ||
            q->v_reset < loom_min_s(a->s) || q->v_reset > loom_max_s(a->s) ||
            q->bias < loom_min_s(a->s) || q->bias > loom_max_s(a->s))
            return loom_fail(e, LOOM_E_INVALID,
                             "profile %s: theta/v_reset/bias must fit S=%d bits", pn, a->s);
    }
    for (uint32_t n = 0; n < net->n_neurons; n++) {
        if (net->neuron_profile[n] >= net->n_profiles)
            return loom_fail(e, LOOM_E_INVALID, "neuron %s: profile index %u out of range",
                             seir_neuron_name(net, n, nb, sizeof nb), net->neuron_profile[n]);
        const int64_t b = seir_bias_of(net, n);
        if (b < loom_min_s(a->s) || b > loom_max_s(a->s))
            return loom_fail(e, LOOM_E_INVALID, "neuron %s: bias %lld (profile + own) must fit S=%d bits",
                             seir_neuron_name(net, n, nb, sizeof nb), (long long)b, a->s);
    }
    it_start(it);
    for (const seir_syn *y; (y = it_next(it));) {
        const size_t k = it->k;
        uint32_t si = SEIR_SRC_INDEX(y->src);
        if (SEIR_IS_INPUT(y->src) ? si >= net->n_inputs : si >= net->n_neurons)
            return loom_fail(e, LOOM_E_INVALID, "synapse %zu: source %s%u does not exist", k,
                             SEIR_IS_INPUT(y->src) ? "input " : "neuron ", si);
        if (y->dst >= net->n_neurons)
            return loom_fail(e, LOOM_E_INVALID, "synapse %zu: target neuron %u does not exist",
                             k, y->dst);
        if (y->w < loom_min_s(a->w) || y->w > loom_max_s(a->w))
            return loom_fail(e, LOOM_E_INVALID,
                             "synapse %zu to %s: weight %d outside W=%d bits", k,
                             seir_neuron_name(net, y->dst, nb, sizeof nb), y->w, a->w);
        if (y->d > (uint32_t)a->d)
            return loom_fail(e, LOOM_E_INVALID, "synapse %zu to %s: delay %u > D=%d", k,
                             seir_neuron_name(net, y->dst, nb, sizeof nb), y->d, a->d);
    }
    *n_syn = it->k + 1;
    for (size_t k = 0; k < net->n_ring_init; k++) {
        const seir_ring_init *r = &net->ring_init[k];
        if (r->neuron >= net->n_neurons || r->slot > (uint32_t)a->d)
            return loom_fail(e, LOOM_E_INVALID,
                             "initial pending input %zu: neuron %u / step %u out of range "
                             "(expected neuron < %u, step <= D=%d)",
                             k, r->neuron, r->slot, net->n_neurons, a->d);
    }
    return LOOM_OK;
}

/* level[n] by Kahn's algorithm over zero-delay neuron->neuron synapses.
 * Fails naming a neuron on a cycle. */
static loom_status compute_levels(const seir_net *net, syn_it *it, uint32_t *level,
                                  uint32_t *n_levels, loom_err *e)
{
    const uint32_t N = net->n_neurons;
    loom_status st = LOOM_OK;
    size_t *off = calloc((size_t)N + 1, sizeof *off);
    uint32_t *indeg = calloc(N ? N : 1, sizeof *indeg);
    uint32_t *queue = malloc((N ? N : 1) * sizeof *queue);
    size_t n0 = 0;
    it_start(it);
    for (const seir_syn *y; (y = it_next(it));)
        n0 += !SEIR_IS_INPUT(y->src) && y->d == 0;
    if (n0 == 0) { /* no zero-delay neuron synapses: one level */
        for (uint32_t n = 0; n < N; n++)
            level[n] = 0;
        *n_levels = N ? 1 : 0;
        goto out;
    }
    uint32_t *adj = malloc(n0 * sizeof *adj);
    if (!off || !indeg || !queue || !adj) {
        free(adj);
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory computing levels of %u neurons", N);
        goto out;
    }
    it_start(it);
    for (const seir_syn *y; (y = it_next(it));) {
        if (!SEIR_IS_INPUT(y->src) && y->d == 0) {
            off[y->src + 1]++;
            indeg[y->dst]++;
        }
    }
    for (uint32_t n = 0; n < N; n++)
        off[n + 1] += off[n];
    /* place edges, using level[] as each source's fill count */
    for (uint32_t n = 0; n < N; n++)
        level[n] = 0;
    it_start(it);
    for (const seir_syn *y; (y = it_next(it));) {
        if (!SEIR_IS_INPUT(y->src) && y->d == 0)
            adj[off[y->src] + level[y->src]++] = y->dst;
    }
    for (uint32_t n = 0; n < N; n++)
        level[n] = 0;
    uint32_t qh = 0, qt = 0, maxl = 0;
    for (uint32_t n = 0; n < N; n++)
        if (indeg[n] == 0)
            queue[qt++] = n;
    while (qh < qt) {
        uint32_t n = queue[qh++];
        if (level[n] + 1 > maxl)
            maxl = level[n] + 1;
        for (size_t k = off[n]; k < off[n + 1]; k++) {
            uint32_t m = adj[k];
            if (level[n] + 1 > level[m])
                level[m] = level[n] + 1;
            if (--indeg[m] == 0)
                queue[qt++] = m;
        }
    }
    if (qt < N) {
        free(adj);
        /* Every neuron left has a zero-delay predecessor that is also left;
         * walking predecessors from one of them must revisit a neuron. */
        uint32_t start = 0;
        while (indeg[start] == 0)
            start++;
        char nb[96];
        st = loom_fail(e, LOOM_E_INVALID,
                       "zero-delay synapses form a cycle through neuron %s "
                       "(expected a DAG: every cycle needs a delay >= 1)",
                       seir_neuron_name(net, start, nb, sizeof nb));
        goto out;
    }
    *n_levels = N ? maxl : 0;
    free(adj);
out:
    free(off);
    free(indeg);
    free(queue);
    return st;
}

/* Sorts a[0..n) ascending: quicksort (median of three, recursing into the
 * smaller side) with insertion sort for short ranges.  Fan-out lists are
 * short (tens to hundreds of entries), so this runs in cache. */
#define REF_DEFINE_SORT(name, T)                                                            \
    static void name(T *a, size_t n)                                                        \
    {                                                                                       \
        while (n > 16) {                                                                    \
            T x = a[0], y = a[n / 2], z = a[n - 1], piv;                                    \
            piv = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));    \
            size_t i = 0, j = n - 1;                                                        \
            for (;;) {                                                                      \
                while (a[i] < piv)                                                          \
                    i++;                                                                    \
                while (a[j] > piv)                                                          \
                    j--;                                                                    \
                if (i >= j)                                                                 \
                    break;                                                                  \
                T t = a[i];                                                                 \
                a[i++] = a[j];                                                              \
                a[j--] = t;                                                                 \
            }                                                                               \
            /* [0, j] <= piv <= [j+1, n) */                                                 \
            if (j + 1 < n - j - 1) {                                                        \
                name(a, j + 1);                                                             \
                a += j + 1;                                                                 \
                n -= j + 1;                                                                 \
            } else {                                                                        \
                name(a + j + 1, n - j - 1);                                                 \
                n = j + 1;                                                                  \
            }                                                                               \
        }                                                                                   \
        for (size_t i = 1; i < n; i++) {                                                    \
            T x = a[i];                                                                     \
            size_t k = i;                                                                   \
            while (k > 0 && a[k - 1] > x) {                                                 \
                a[k] = a[k - 1];                                                            \
                k--;                                                                        \
            }                                                                               \
            a[k] = x;                                                                       \
        }                                                                                   \
    }
REF_DEFINE_SORT(sort_u32, uint32_t)
REF_DEFINE_SORT(sort_u64, uint64_t)

/* Reorders each neuron's (sorted) fan-out list by target block, keeping
 * the order within a block, and fills bo.  tmp holds the longest list. */
#define REF_DEFINE_BLOCKS(name, T)                                                          \
    static void name(ref_sim *s, T *fan, T *tmp)                                            \
    {                                                                                       \
        const uint32_t nb = s->nblk, N = s->n_neurons;                                        \
        const int wb = s->wbits;                                                            \
        for (uint32_t src = 0; src < N; src++) {                                            \
            const size_t f = s->n_off[src], l = s->n_off[src + 1];                          \
            uint32_t c[REF_MAX_BLOCKS + 1] = {0};                                           \
            for (size_t k = f; k < l; k++)                                                  \
                c[(uint32_t)((uint64_t)(fan[k] >> wb) % N) / s->bsz + 1]++;                 \
            for (uint32_t b = 0; b < nb; b++) {                                             \
                c[b + 1] += c[b];                                                           \
                s->bo[(size_t)src * nb + b] = (uint32_t)(f + c[b]);                         \
            }                                                                               \
            for (size_t k = f; k < l; k++)                                                  \
                tmp[c[(uint32_t)((uint64_t)(fan[k] >> wb) % N) / s->bsz]++] = fan[k];       \
            memcpy(fan + f, tmp, (l - f) * sizeof *fan);                                    \
        }                                                                                   \
        s->bo[(size_t)N * nb] = (uint32_t)s->n_off[N];                                      \
    }
REF_DEFINE_BLOCKS(blocks_u32, uint32_t)
REF_DEFINE_BLOCKS(blocks_u64, uint64_t)

/* Builds the CSR fan-out of neurons (n_off/n_fan) and of input channels
 * (in_off/in_fan): count per source, scatter the packed entries, then sort
 * each source's list so it comes out ascending (by delay, then target),
 * and group each neuron's list by target block.  Two passes over the
 * synapses in all: this matters for 10^8 synapses, which may come from a
 * stream (then nothing but the fan-out itself is ever held). */
static loom_status build_fanout(ref_sim *s, const seir_net *net, syn_it *it, size_t n_syn,
                                loom_err *e)
{
    const size_t N = s->n_neurons;
    const size_t esz = s->wide ? sizeof(uint64_t) : sizeof(uint32_t);
    s->n_off = xalloc(s, (size_t)net->n_neurons + 1, sizeof *s->n_off, 1);
    s->in_off = xalloc(s, (size_t)net->n_inputs + 1, sizeof *s->in_off, 1);
    if (!s->n_off || !s->in_off)
        goto nomem;
    size_t *const noff = s->n_off, *const ioff = s->in_off;
    it_start(it);
    for (const seir_syn *y; (y = it_next(it));) {
        const uint32_t src = y->src;
        if (SEIR_IS_INPUT(src))
            ioff[SEIR_SRC_INDEX(src) + 1]++;
        else
            noff[s->int_of[src] + 1]++;
    }
    for (uint32_t k = 0; k < net->n_neurons; k++)
        noff[k + 1] += noff[k];
    for (uint32_t k = 0; k < net->n_inputs; k++)
        ioff[k + 1] += ioff[k];
    s->n_fan = xalloc(s, noff[net->n_neurons], esz, 0);
    s->in_fan = xalloc(s, ioff[net->n_inputs], esz, 0);
    if (!s->n_fan || !s->in_fan)
        goto nomem;
    /* off[src] serves as src's fill cursor; afterwards off[src] is the end
     * of src's list, i.e. the start of src+1's */
    it_start(it);
    for (const seir_syn *y; (y = it_next(it));) {
        const uint64_t pos = (uint64_t)y->d * N + s->int_of[y->dst];
        const uint64_t ent = (pos << s->wbits) | (uint64_t)((int64_t)y->w + (int64_t)s->wbias);
        void *fan;
        size_t at;
        if (SEIR_IS_INPUT(y->src)) {
            fan = s->in_fan;
            at = ioff[SEIR_SRC_INDEX(y->src)]++;
        } else {
            fan = s->n_fan;
            at = noff[s->int_of[y->src]]++;
        }
        if (s->wide)
            ((uint64_t *)fan)[at] = ent;
        else
            ((uint32_t *)fan)[at] = (uint32_t)ent;
    }
    size_t longest = 0;
    for (int kind = 0; kind < 2; kind++) {
        size_t *off = kind ? ioff : noff;
        void *fan = kind ? s->in_fan : s->n_fan;
        const uint32_t n_src = kind ? net->n_inputs : net->n_neurons;
        for (uint32_t k = n_src; k > 0; k--)
            off[k] = off[k - 1];
        off[0] = 0;
        for (uint32_t k = 0; k < n_src; k++) {
            const size_t len = off[k + 1] - off[k];
            if (!kind && len > longest)
                longest = len;
            if (s->wide)
                sort_u64((uint64_t *)fan + off[k], len);
            else
                sort_u32((uint32_t *)fan + off[k], len);
        }
    }
    if (s->nblk > 1 && noff[N] <= UINT32_MAX) {
        s->bo = xalloc(s, N * s->nblk + 1, sizeof *s->bo, 0);
        void *tmp = malloc((longest ? longest : 1) * esz);
        if (!s->bo || !tmp) {
            free(tmp);
            goto nomem;
        }
        if (s->wide)
            blocks_u64(s, s->n_fan, tmp);
        else
            blocks_u32(s, s->n_fan, tmp);
        free(tmp);
    } else {
        s->nblk = 1;
        s->bsz = (uint32_t)N;
    }
    return LOOM_OK;
nomem:
    return loom_fail(e, LOOM_E_NOMEM, "out of memory building the fan-out of %zu synapses",
                     n_syn);
}

static int bits_for(uint64_t x) /* bits needed to hold values 0..x-1 */
{
    int b = 0;
    while (b < 64 && ((uint64_t)1 << b) < x)
        b++;
    return b;
}

loom_status ref_create(const seir_net *net, ref_sim **out, loom_err *e)
{
    return ref_create_stream(net, NULL, out, e);
}

/* Target blocks: the unit threads share out.  REF_MAX_BLOCKS blocks of a
 * multiple of 64 neurons (so threads never share a cache line of state or
 * ring) on nets of REF_MIN_BLOCK_NEURONS neurons a block and more, one
 * block below.  One thread delivers a spike's whole list in one go, so
 * the blocks cost a single thread nothing but the bo table (64 bytes a
 * neuron). */
#ifndef REF_MIN_BLOCK_NEURONS
#define REF_MIN_BLOCK_NEURONS 1024u
#endif
static void choose_blocks(ref_sim *s)
{
    const uint32_t N = s->n_neurons;
    const uint64_t nb = N / REF_MIN_BLOCK_NEURONS < REF_MAX_BLOCKS ? N / REF_MIN_BLOCK_NEURONS
                                                                  : REF_MAX_BLOCKS;
    const uint64_t bsz = nb > 1 ? ((N + nb - 1) / nb + 63) / 64 * 64 : N;
    if (nb <= 1 || bsz == 0 || bsz >= N) {
        s->nblk = 1;
        s->bsz = N ? N : 1;
        return;
    }
    s->bsz = (uint32_t)bsz;
    s->nblk = (uint32_t)((N + bsz - 1) / bsz);
}

loom_status ref_create_stream(const seir_net *net, const ref_syn_stream *stream, ref_sim **out,
                              loom_err *e)
{
    *out = NULL;
    if (!net)
        return loom_fail(e, LOOM_E_ARG, "ref_create: no network");
    syn_it *it = malloc(sizeof *it);
    if (!it)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    it->arr = net->syn;
    it->n_arr = stream ? 0 : net->n_syn;
    it->st = stream;
    size_t n_syn = 0;
    loom_status st = check_net(net, it, &n_syn, e);
    if (st) {
        free(it);
        return st;
    }
    ref_sim *s = calloc(1, sizeof *s);
    if (!s) {
        free(it);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    s->bytes = sizeof *s;
    const uint32_t N = net->n_neurons;
    s->arch = net->arch;
    s->n_neurons = N;
    s->n_inputs = net->n_inputs;
    s->n_profiles = net->n_profiles;
    s->R = (uint32_t)net->arch.d + 1;
    s->ring_len = (size_t)s->R * N;
    s->wbits = net->arch.w;
    s->wbias = (uint64_t)1 << (net->arch.w - 1);
    s->wide = bits_for(s->ring_len) + s->wbits > 32;
    s->fm = N > 1 ? UINT64_MAX / N + 1 : 0;
    choose_blocks(s);

    uint32_t *level = NULL;
    s->prof = xalloc(s, net->n_profiles, sizeof *s->prof, 0);
    s->seir_of = xalloc(s, N, sizeof *s->seir_of, 0);
    s->int_of = xalloc(s, N, sizeof *s->int_of, 0);
    level = malloc((N ? N : 1) * sizeof *level);
    if (!s->prof || !s->seir_of || !s->int_of || !level)
        goto nomem;
    for (uint32_t p = 0; p < net->n_profiles; p++) {
        s->prof[p] = net->profiles[p];
        s->prof[p].name = NULL;
    }
    if ((st = compute_levels(net, it, level, &s->n_levels, e)))
        goto fail;

    /* Order neurons by (level, profile), keeping SEIR order within each
     * class: a stable counting sort by profile, then one by level. */
    {
        const uint32_t P = net->n_profiles, L = s->n_levels;
        size_t *cp = calloc((size_t)P + 1, sizeof *cp);
        size_t *cl = calloc((size_t)L + 1, sizeof *cl);
        uint32_t *by_prof = malloc((N ? N : 1) * sizeof *by_prof);
        if (!cp || !cl || !by_prof) {
            LOOM_FREE(cp, cl, by_prof);
            goto nomem;
        }
        for (uint32_t n = 0; n < N; n++) {
            cp[net->neuron_profile[n] + 1]++;
            cl[level[n] + 1]++;
        }
        for (uint32_t k = 0; k < P; k++)
            cp[k + 1] += cp[k];
        for (uint32_t k = 0; k < L; k++)
            cl[k + 1] += cl[k];
        for (uint32_t n = 0; n < N; n++)
            by_prof[cp[net->neuron_profile[n]]++] = n;
        for (uint32_t k = 0; k < N; k++) {
            const uint32_t n = by_prof[k];
            const uint32_t at = (uint32_t)cl[level[n]]++;
            s->seir_of[at] = n;
            s->int_of[n] = at;
        }
        LOOM_FREE(cp, cl, by_prof);
        /* runs: maximal stretches with one level and one profile */
        uint32_t nruns = 0;
        s->identity = 1;
        for (uint32_t k = 0; k < N; k++) {
            const uint32_t n = s->seir_of[k], m = k ? s->seir_of[k - 1] : 0;
            nruns += k == 0 || level[n] != level[m] ||
                     net->neuron_profile[n] != net->neuron_profile[m];
            s->identity &= n == k;
        }
        s->runs = xalloc(s, nruns, sizeof *s->runs, 0);
        s->level_run = xalloc(s, (size_t)L + 1, sizeof *s->level_run, 1);
        if (!s->runs || !s->level_run)
            goto nomem;
        uint32_t r = 0;
        for (uint32_t k = 0; k < N; k++) {
            const uint32_t n = s->seir_of[k], m = k ? s->seir_of[k - 1] : 0;
            if (k == 0 || level[n] != level[m] || net->neuron_profile[n] != net->neuron_profile[m]) {
                s->runs[r].lo = k;
                s->runs[r].profile = net->neuron_profile[n];
                r++;
            }
            s->runs[r - 1].hi = k + 1;
            s->level_run[level[n] + 1] = r;
        }
        for (uint32_t l = 0; l < L; l++) /* (every level has a neuron; be safe) */
            if (s->level_run[l + 1] < s->level_run[l])
                s->level_run[l + 1] = s->level_run[l];
        s->n_runs = nruns;
    }
    free(level);
    level = NULL;

    if ((st = build_fanout(s, net, it, n_syn, e)))
        goto fail;
    free(it);
    it = NULL;

    s->in_graded = xalloc(s, net->n_inputs, 1, 0);
    s->in_max = xalloc(s, net->n_inputs, sizeof *s->in_max, 1);
    s->i0 = xalloc(s, N, sizeof *s->i0, 1);
    s->v0 = xalloc(s, N, sizeof *s->v0, 1);
    s->ring0 = xalloc(s, net->n_ring_init, sizeof *s->ring0, 0);
    s->i = xalloc(s, N, sizeof *s->i, 0);
    s->v = xalloc(s, N, sizeof *s->v, 0);
    s->ring = xalloc(s, s->ring_len, sizeof *s->ring, 1);
    s->in_val = xalloc(s, net->n_inputs, sizeof *s->in_val, 1);
    s->in_list = xalloc(s, net->n_inputs, sizeof *s->in_list, 0);
    s->in_stamp = xalloc(s, net->n_inputs, sizeof *s->in_stamp, 1);
    s->spk_int = xalloc(s, N, sizeof *s->spk_int, 0);
    s->spk_out = xalloc(s, N, sizeof *s->spk_out, 0);
    s->spk_tmp = xalloc(s, N, sizeof *s->spk_tmp, 0);
    s->spk_thr = xalloc(s, 2 * (size_t)N, sizeof *s->spk_thr, 0);
    s->thr = xalloc(s, REF_MAX_THREADS, sizeof *s->thr, 1);
    s->lvs = xalloc(s, 2 * (size_t)REF_MAX_THREADS * (s->n_levels + 1), sizeof *s->lvs, 1);
    if (!s->spk_thr || !s->thr || !s->lvs)
        goto nomem;
    if (pthread_mutex_init(&s->bar.mu, NULL))
        goto nomem;
    if (pthread_cond_init(&s->bar.cv, NULL)) {
        pthread_mutex_destroy(&s->bar.mu);
        goto nomem;
    }
    s->bar_ok = 1;
    s->nthr = 1;
    s->thr[0].s = s;
    s->thr[0].b1 = s->nblk;
    s->thr[0].hi = N;
    if (!s->in_graded || !s->in_max || !s->i0 || !s->v0 || !s->ring0 || !s->i || !s->v || !s->ring ||
        !s->in_val || !s->in_list || !s->in_stamp || !s->spk_int || !s->spk_out || !s->spk_tmp)
        goto nomem;
    for (uint32_t c = 0; c < net->n_inputs; c++)
    {
        s->in_graded[c] = net->input_kind[c] == SEIR_IN_GRADED;
        s->in_max[c] = net->input_max && s->in_graded[c] ? net->input_max[c] : 0;
    }
    if (net->neuron_bias) {
        s->nb = xalloc(s, N, sizeof *s->nb, 0);
        if (!s->nb)
            goto nomem;
        for (uint32_t n = 0; n < N; n++)
            s->nb[s->int_of[n]] = net->neuron_bias[n];
    }
    for (uint32_t n = 0; n < N; n++) {
        s->i0[s->int_of[n]] = net->init_i ? net->init_i[n] : 0;
        s->v0[s->int_of[n]] = net->init_v ? net->init_v[n] : 0;
    }
    s->n_ring0 = net->n_ring_init;
    for (size_t k = 0; k < net->n_ring_init; k++) {
        s->ring0[k] = net->ring_init[k];
        s->ring0[k].neuron = s->int_of[net->ring_init[k].neuron];
    }
    ref_set_fast(s, 2);
    ref_reset(s);
    *out = s;
    return LOOM_OK;
nomem:
    st = loom_fail(e, LOOM_E_NOMEM, "out of memory building the reference model (%u neurons, %zu synapses)",
                   N, n_syn);
fail:
    free(it);
    free(level);
    ref_destroy(s);
    return st;
}

/* Empties the input list for the next step: in_stamp[c] == in_gen marks
 * the channels listed, so nothing is cleared channel by channel. */
static void next_inputs(ref_sim *s)
{
    s->n_in_list = 0;
    memset(s->in_tn, 0, sizeof s->in_tn);
    if (++s->in_gen == 0) {
        memset(s->in_stamp, 0, s->n_inputs * sizeof *s->in_stamp);
        s->in_gen = 1;
    }
}

static void sync_threads(ref_sim *s);

void ref_reset(ref_sim *s)
{
    sync_threads(s);
    const size_t N = s->n_neurons;
    s->t = 0;
    memcpy(s->i, s->i0, N * sizeof *s->i);
    memcpy(s->v, s->v0, N * sizeof *s->v);
    memset(s->ring, 0, s->ring_len * sizeof *s->ring);
    for (size_t k = 0; k < s->n_ring0; k++)
        s->ring[(size_t)s->ring0[k].slot * N + s->ring0[k].neuron] += (uint32_t)s->ring0[k].value;
    next_inputs(s);
    s->n_spk = 0;
    memset(&s->cnt, 0, sizeof s->cnt);
    for (uint32_t t = 0; t < REF_MAX_THREADS; t++)
        s->thr[t].events = 0;
}

void ref_set_input(ref_sim *s, uint32_t c, int32_t value)
{
    if (c >= s->n_inputs)
        return;
    if (s->in_graded[c])
        value = s->in_max[c] ? (value > s->in_max[c] ? s->in_max[c]
                                : (value < -s->in_max[c] ? -s->in_max[c] : value))
                             : (int32_t)loom_sat(value, 16);
    else
        value = value != 0;
    s->in_val[c] = value;
    if (s->in_stamp[c] != s->in_gen) {
        s->in_stamp[c] = s->in_gen;
        s->in_list[s->n_in_list++] = c;
        if (s->nthr > 1) {
            const uint32_t o = s->in_own[c];
            s->in_tl[(size_t)o * s->n_inputs + s->in_tn[o]++] = c;
        }
    }
}

/* Adds x * w of every entry in [first, last) into the ring for step t. */
static inline void deliver(const ref_sim *s, const void *fan, size_t first, size_t last,
                           uint32_t *ring_base, uint32_t x, const int wide)
{
    /* ring_base = ring + (t mod R) * N; targets at or past the end of the
     * ring wrap around by RN. */
    uint32_t *const ring = s->ring;
    const size_t RN = s->ring_len;
    const size_t base = (size_t)(ring_base - ring);
    const int wb = s->wbits;
    const uint32_t wmask = (uint32_t)(((uint64_t)1 << wb) - 1);
    const uint32_t wbias = (uint32_t)s->wbias;
    if (wide) {
        const uint64_t *f = (const uint64_t *)fan;
        for (size_t k = first; k < last; k++) {
            uint64_t ent = f[k];
            size_t p = (size_t)(ent >> wb) + base;
            p -= p >= RN ? RN : 0;
            ring[p] += ((uint32_t)ent & wmask) * x - wbias * x;
        }
    } else {
        const uint32_t *f = (const uint32_t *)fan;
        if (x == 1) {
            for (size_t k = first; k < last; k++) {
                uint32_t ent = f[k];
                size_t p = (size_t)(ent >> wb) + base;
                p -= p >= RN ? RN : 0;
                ring[p] += (ent & wmask) - wbias;
            }
        } else {
            for (size_t k = first; k < last; k++) {
                uint32_t ent = f[k];
                size_t p = (size_t)(ent >> wb) + base;
                p -= p >= RN ? RN : 0;
                ring[p] += ((ent & wmask) - wbias) * x;
            }
        }
    }
}

/* A spike's fan-out list (a few hundred bytes) starts at a random place
 * in a table far larger than the caches: fetching the lists of the spikes
 * a few places ahead hides most of that latency.  The list's bounds (n_off
 * or toff, a random line of a table of 0.4-0.8 MB at 100k) are fetched
 * further ahead still, so that the list's prefetch does not wait for them
 * (bench-100k, 1 and 2 threads: 1.15-1.34x the events per CPU second
 * without, index distances 8-24 alike).  On T threads
 * each thread's stretch of a list is about 1/T of it, so the list's
 * distance is 4T spikes, the same in entries, and the bounds' 12 more.
 * (Measured before the lists' prefetch worked, see prefetch_fan: the
 * bounds' gain stands; the distances are reasoned, not tuned: 2 or 8
 * instead of 4 measured within the noise, +-8 %, at load 4.) */
#ifndef REF_PREFETCH_AHEAD
#define REF_PREFETCH_AHEAD 4
#endif
#ifndef REF_PREFETCH_INDEX
#define REF_PREFETCH_INDEX 16
#endif

static inline void prefetch_line(const void *p)
{
#if defined(__GNUC__)
    __builtin_prefetch(p, 0, 3);
#else
    (void)p;
#endif
}

/* Prefetches every 64-byte line of entries [f, l), from the line holding
 * f (so that the last line is not missed when f sits late in its line).
 * The loop runs on integer addresses: written as a pointer loop (p < end,
 * p += 64) GCC 12 -O2 deleted it as dead code once inlined here (no
 * prefetch instruction in ref.o; -fno-tree-dce kept it), so the lists were
 * never prefetched before 7 Dec 2026.  Now: bench-100k 2.0-2.3x events per
 * CPU second on 1 thread, bench-10k 1.15-1.25x, bench-1m 1.26x. */
static inline void prefetch_fan(const ref_sim *s, size_t f, size_t l)
{
#if defined(__GNUC__)
    const size_t esz = s->wide ? 8 : 4;
    const uintptr_t end = (uintptr_t)((const char *)s->n_fan + l * esz);
    for (uintptr_t a = (uintptr_t)((const char *)s->n_fan + f * esz) & ~(uintptr_t)63; a < end;
         a += 64)
        __builtin_prefetch((const void *)a, 0, 3);
#else
    (void)s;
    (void)f;
    (void)l;
#endif
}

/* Updates neurons [lo, hi) of one profile reading slot[]; appends spikers
 * (internal indices) to spk; returns the new spike count.  mode is the
 * reset mode, a compile-time constant at each call site. */
static inline uint32_t update_run(ref_sim *restrict s, uint32_t *restrict slot, uint32_t lo,
                                  uint32_t hi, const seir_profile *p, uint32_t *restrict spk,
                                  uint32_t k, const int mode)
{
    int32_t *restrict I = s->i, *restrict V = s->v;
    const int32_t *restrict NB = s->nb;
    const int A = s->arch.a, S = s->arch.s, sh = p->shift;
    const int32_t a_syn = p->a_syn, a_mem = p->a_mem;
    const int64_t theta = p->theta, v_reset = p->v_reset, bias = p->bias;
    for (uint32_t n = lo; n < hi; n++) {
        const int64_t a = loom_wrap((int64_t)slot[n], A);
        slot[n] = 0;
        const int64_t in = loom_sat(loom_shift(a, sh), S);
        const int64_t i = loom_sat(loom_decay(I[n], a_syn) + in, S);
        int64_t v = loom_sat(loom_decay(V[n], a_mem) + i + bias + (NB ? NB[n] : 0), S);
        I[n] = (int32_t)i;
        if (mode != SEIR_RESET_NONE) {
            const int fire = v >= theta;
            if (mode == SEIR_RESET_ZERO)
                v = fire ? v_reset : v;
            else
                v = fire ? loom_sat(v - theta, S) : v;
            spk[k] = n;
            k += (uint32_t)fire;
        }
        V[n] = (int32_t)v;
    }
    return k;
}

/* ---- the vector path --------------------------------------------------
 *
 * When S <= 20 every intermediate of a neuron update fits int32_t exactly
 * (|x * a| <= 2^19 * 4096 = 2^31 for a decay, sums of four S-bit values),
 * so 8 neurons can be updated at once in 32-bit lanes (GCC/Clang vector
 * extensions; AVX2 when the CPU has it, chosen once at ref_create).  Each
 * operation below is the lane-wise form of a loom_arith.h function and is
 * checked against the scalar path (update_run) by tests/unit/test_ref_diff.c:
 *   sext:   loom_wrap(u, A)                 (u << (32-A)) >> (32-A)
 *   shl:    loom_sat(loom_shift(a, sh), S)  clamp a to the inputs whose
 *                                           product fits, then a << sh
 *   sar:    loom_shift(a, -s)               arithmetic >> (floor)
 *   decay:  loom_decay(x, a)                p = x*a; (p + (p<0 ? 4095 : 0)) >> 12
 *   sat:    loom_sat(x, S)                  compare-and-select
 */
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__) || defined(__aarch64__))
#define REF_HAVE_VEC 1
typedef int32_t ref_v8i __attribute__((vector_size(32)));
typedef uint32_t ref_v8u __attribute__((vector_size(32)));

/* Macros rather than functions: 32-byte vectors passed by value trip the
 * x86-64 psABI warning when AVX is off. */
#define VSEL(m, a, b) (((m) & (a)) | (~(m) & (b)))
#define VSAT(x, lo, hi) VSAT2(VSEL((x) > (hi), (hi), (x)), (lo))
#define VSAT2(y, lo) __extension__({ ref_v8i y_ = (y); VSEL(y_ < (lo), (lo), y_); })
#define VDECAY(x, a) __extension__({ ref_v8i p_ = (x) * (a); (p_ + ((p_ >> 31) & 4095)) >> 12; })

static inline __attribute__((always_inline)) uint32_t
vec_run_body(ref_sim *restrict s, uint32_t *restrict slot, uint32_t lo, uint32_t hi,
             const seir_profile *p, uint32_t *restrict spk, uint32_t k, const int mode)
{
    int32_t *restrict I = s->i, *restrict V = s->v;
    const int32_t *restrict NB = s->nb;
    const int S = s->arch.s, sh = p->shift;
    const int ash = 32 - s->arch.a;
    const int32_t smax = (int32_t)loom_max_s(S), smin = (int32_t)loom_min_s(S);
    const ref_v8i vmax = {smax, smax, smax, smax, smax, smax, smax, smax};
    const ref_v8i vmin = vmax - vmax + smin;
    const ref_v8i zero = vmax - vmax;
    const ref_v8i asyn = zero + p->a_syn, amem = zero + p->a_mem;
    const ref_v8i theta = zero + p->theta, vres = zero + p->v_reset, bias = zero + p->bias;
    /* left shift: inputs above hi_in / below lo_in saturate */
    const int32_t hi_in = sh >= 0 ? smax >> sh : 0;
    const int32_t lo_in = sh >= 0 ? -(int32_t)(((uint32_t)1 << (S - 1)) >> sh) : 0;
    const ref_v8i vhi_in = zero + hi_in, vlo_in = zero + lo_in;
    const ref_v8u ushift = {0, 0, 0, 0, 0, 0, 0, 0};
    const int rs = sh < 0 ? -sh : 0;
    uint32_t n = lo;
    for (; n + 8 <= hi; n += 8) {
        ref_v8u u;
        memcpy(&u, slot + n, sizeof u);
        memset(slot + n, 0, sizeof u);
        const ref_v8i a = (ref_v8i)(u << (ushift + (uint32_t)ash)) >> ash;
        ref_v8i in;
        if (sh >= 0) {
            const ref_v8i l = (ref_v8i)((ref_v8u)a << (ushift + (uint32_t)sh));
            in = VSEL(a > vhi_in, vmax, VSEL(a < vlo_in, vmin, l));
        } else {
            in = VSAT(a >> rs, vmin, vmax);
        }
        ref_v8i i, v;
        memcpy(&i, I + n, sizeof i);
        memcpy(&v, V + n, sizeof v);
        i = VSAT(VDECAY(i, asyn) + in, vmin, vmax);
        if (NB) {
            ref_v8i b;
            memcpy(&b, NB + n, sizeof b);
            v = VSAT(VDECAY(v, amem) + i + bias + b, vmin, vmax);
        } else {
            v = VSAT(VDECAY(v, amem) + i + bias, vmin, vmax);
        }
        memcpy(I + n, &i, sizeof i);
        if (mode != SEIR_RESET_NONE) {
            const ref_v8i fire = v >= theta;
            if (mode == SEIR_RESET_ZERO)
                v = VSEL(fire, vres, v);
            else
                v = VSEL(fire, VSAT(v - theta, vmin, vmax), v);
            uint64_t any[4];
            memcpy(any, &fire, sizeof any);
            if (any[0] | any[1] | any[2] | any[3])
                for (int j = 0; j < 8; j++) {
                    spk[k] = n + (uint32_t)j;
                    k += (uint32_t)fire[j] & 1u;
                }
        }
        memcpy(V + n, &v, sizeof v);
    }
    if (n < hi)
        k = update_run(s, slot, n, hi, p, spk, k, mode);
    return k;
}

/* vec_run_body with the reset mode as a constant, so that each mode gets a
 * loop of its own; the body of every vec_run_* (one per instruction set). */
#define VEC_RUN_BY_RESET(s, slot, lo, hi, p, spk, k)                                             \
    ((p)->reset == SEIR_RESET_ZERO       ? vec_run_body(s, slot, lo, hi, p, spk, k, SEIR_RESET_ZERO)     \
     : (p)->reset == SEIR_RESET_SUBTRACT ? vec_run_body(s, slot, lo, hi, p, spk, k, SEIR_RESET_SUBTRACT) \
                                         : vec_run_body(s, slot, lo, hi, p, spk, k, SEIR_RESET_NONE))

static uint32_t vec_run_generic(ref_sim *s, uint32_t *slot, uint32_t lo, uint32_t hi,
                                const seir_profile *p, uint32_t *spk, uint32_t k)
{
    return VEC_RUN_BY_RESET(s, slot, lo, hi, p, spk, k);
}

#if defined(__x86_64__) || defined(__i386__)
#define REF_HAVE_AVX2 1
__attribute__((target("avx2"))) static uint32_t vec_run_avx2(ref_sim *s, uint32_t *slot,
                                                             uint32_t lo, uint32_t hi,
                                                             const seir_profile *p,
                                                             uint32_t *spk, uint32_t k)
{
    return VEC_RUN_BY_RESET(s, slot, lo, hi, p, spk, k);
}
#endif
#endif

/* Synchronisation.  A waiter spins a while (a step of a large net is a
 * millisecond or less, and a sleep and a wake-up cost tens of microseconds
 * on a busy machine), then sleeps on bar.cv; post changes a value under
 * bar.mu and wakes the sleepers.  Three uses:
 *   - bar.go: the caller's thread starts a step (or asks the workers to quit);
 *   - bar_wait: all threads meet after each level's updates (the only point
 *     of a step where a thread waits for the others);
 *   - thr[t].done: worker t has finished a step.  The caller's thread does
 *     not wait for it at the end of ref_step but only when it next needs
 *     the workers' results (sync_threads: counters, pending ring, reset,
 *     thread changes); a worker still delivering step t writes only its own
 *     blocks, which the caller's thread does not touch in step t + 1, and
 *     reads the spike lists of step t, which are kept apart from those of
 *     step t + 1 (two sets, by step parity). */
#ifndef REF_SPIN
#define REF_SPIN 1000
#endif

#ifdef REF_PROF
#include <time.h>
static uint64_t prof_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
/* thread t's CPU time in waits, in step_part, and its sleeps and waits */
void ref_prof_get(const ref_sim *s, uint32_t t, uint64_t out[5]);
#endif

/* Waits until (*a != v) == ne. */
static void wait_until(ref_sim *s, atomic_uint *a, unsigned v, int ne, ref_thr *th)
{
#ifdef REF_PROF
    const uint64_t p0 = prof_ns();
    th->prof_waits++;
#else
    (void)th;
#endif
    for (int i = 0; i < REF_SPIN; i++) {
        if ((atomic_load_explicit(a, memory_order_acquire) != v) == ne)
            goto out;
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
        __builtin_ia32_pause();
#endif
    }
    pthread_mutex_lock(&s->bar.mu);
    while ((atomic_load_explicit(a, memory_order_acquire) != v) != ne)
        pthread_cond_wait(&s->bar.cv, &s->bar.mu);
    pthread_mutex_unlock(&s->bar.mu);
#ifdef REF_PROF
    th->prof_sleeps++;
#endif
out:
#ifdef REF_PROF
    th->prof_wait_ns += prof_ns() - p0;
#endif
    return;
}

static void post(ref_sim *s, atomic_uint *a, unsigned v)
{
    pthread_mutex_lock(&s->bar.mu);
    atomic_store_explicit(a, v, memory_order_release);
    pthread_cond_broadcast(&s->bar.cv);
    pthread_mutex_unlock(&s->bar.mu);
}

/* Waits until all s->bar.count threads have arrived. */
static void bar_wait(ref_sim *s, ref_thr *th)
{
    const unsigned g = atomic_load_explicit(&s->bar.gen, memory_order_acquire);
    if (atomic_fetch_add_explicit(&s->bar.arrived, 1, memory_order_acq_rel) + 1 ==
        atomic_load_explicit(&s->bar.count, memory_order_acquire)) {
        atomic_store_explicit(&s->bar.arrived, 0, memory_order_relaxed);
        post(s, &s->bar.gen, g + 1);
        return;
    }
    wait_until(s, &s->bar.gen, g, 1, th);
}

/* Waits until every worker has finished the last step started. */
static void sync_threads(ref_sim *s)
{
    if (s->nthr <= 1)
        return;
    const unsigned g = atomic_load_explicit(&s->bar.go, memory_order_acquire);
    for (uint32_t t = 1; t < s->nthr; t++)
        wait_until(s, &s->thr[t].done, g, 0, &s->thr[0]);
}

/* Updates the neurons of level l in [lo, hi) (runs clipped to it),
 * appending spikers to spk at k; returns the new k. */
static uint32_t update_level(ref_sim *s, uint32_t *slot, uint32_t l, uint32_t lo, uint32_t hi,
                             uint32_t *spk, uint32_t k)
{
    for (uint32_t r = s->level_run[l]; r < s->level_run[l + 1]; r++) {
        const ref_run *run = &s->runs[r];
        const uint32_t a = run->lo > lo ? run->lo : lo, b = run->hi < hi ? run->hi : hi;
        if (a >= b)
            continue;
        const seir_profile *p = &s->prof[run->profile];
#ifdef REF_HAVE_VEC
        if (s->vec) {
#ifdef REF_HAVE_AVX2
            if (s->vec == 2)
                k = vec_run_avx2(s, slot, a, b, p, spk, k);
            else
#endif
                k = vec_run_generic(s, slot, a, b, p, spk, k);
            continue;
        }
#endif
        switch (p->reset) {
        case SEIR_RESET_ZERO:
            k = update_run(s, slot, a, b, p, spk, k, SEIR_RESET_ZERO);
            break;
        case SEIR_RESET_SUBTRACT:
            k = update_run(s, slot, a, b, p, spk, k, SEIR_RESET_SUBTRACT);
            break;
        default:
            k = update_run(s, slot, a, b, p, spk, k, SEIR_RESET_NONE);
            break;
        }
    }
    return k;
}

/* Delivers the spikes spk[0..n): their whole lists (tid < 0), or thread
 * tid's stretch of each list (its blocks: [toff[tid*(N+1) + m],
 * toff[tid*(N+1) + m + 1]) for spike m, in the thread-major layout);
 * returns the events. */
static uint64_t deliver_spikes(const ref_sim *s, uint32_t *slot, const uint32_t *spk, uint32_t n,
                               int tid)
{
    uint64_t events = 0;
    const uint32_t *const tb = tid >= 0 ? s->toff + (size_t)tid * (s->n_neurons + 1) : NULL;
    const uint32_t ahead = REF_PREFETCH_AHEAD * (tb ? s->nthr : 1);
    const uint32_t ahead_ix = ahead + (REF_PREFETCH_INDEX - REF_PREFETCH_AHEAD);
    for (uint32_t j = 0; j < n; j++) {
        if (j + ahead_ix < n) {
            const uint32_t q = spk[j + ahead_ix];
            prefetch_line(tb ? (const void *)&tb[q] : (const void *)&s->n_off[q]);
        }
        if (j + ahead < n) {
            const uint32_t q = spk[j + ahead];
            if (tb)
                prefetch_fan(s, tb[q], tb[q + 1]);
            else
                prefetch_fan(s, s->n_off[q], s->n_off[q + 1]);
        }
        const uint32_t m = spk[j];
        size_t f, e;
        if (tb) {
            f = tb[m];
            e = tb[m + 1];
        } else {
            f = s->n_off[m];
            e = s->n_off[m + 1];
        }
        events += e - f;
        if (s->wide)
            deliver(s, s->n_fan, f, e, slot, 1, 1);
        else
            deliver(s, s->n_fan, f, e, slot, 1, 0);
    }
    return events;
}

/* pos mod N for pos < 2^32 (Lemire's fastmod; fm = 2^64 / N rounded up). */
static inline uint32_t mod_n(const ref_sim *s, uint64_t pos)
{
#ifdef __SIZEOF_INT128__
    if (!s->wide)
        return (uint32_t)(((unsigned __int128)(s->fm * pos) * s->n_neurons) >> 64);
#endif
    return (uint32_t)(pos % s->n_neurons);
}

/* Delivers the inputs of the channels list[0..n): all their entries when
 * [lo, hi) is every neuron, else only those whose target is in [lo, hi);
 * returns the events. */
static uint64_t deliver_inputs(const ref_sim *s, uint32_t *slot, const uint32_t *list, uint32_t n,
                               uint32_t lo, uint32_t hi)
{
    uint64_t events = 0;
    const int all = lo == 0 && hi == s->n_neurons;
    uint32_t *const ring = s->ring;
    const size_t RN = s->ring_len, base = (size_t)(slot - ring);
    const int wb = s->wbits;
    const uint64_t wmask = ((uint64_t)1 << wb) - 1;
    const uint32_t wbias = (uint32_t)s->wbias;
    for (uint32_t j = 0; j < n; j++) {
        const uint32_t c = list[j];
        const int32_t x = s->in_val[c];
        if (x == 0)
            continue;
        const size_t f = s->in_off[c], l = s->in_off[c + 1];
        if (all) {
            events += l - f;
            if (s->wide)
                deliver(s, s->in_fan, f, l, slot, (uint32_t)x, 1);
            else
                deliver(s, s->in_fan, f, l, slot, (uint32_t)x, 0);
            continue;
        }
        for (size_t k = f; k < l; k++) {
            const uint64_t ent = s->wide ? ((const uint64_t *)s->in_fan)[k]
                                         : ((const uint32_t *)s->in_fan)[k];
            const uint64_t pos = ent >> wb;
            if (mod_n(s, pos) - lo >= hi - lo)
                continue;
            size_t p = (size_t)pos + base;
            p -= p >= RN ? RN : 0;
            ring[p] += ((uint32_t)(ent & wmask) - wbias) * (uint32_t)x;
            events++;
        }
    }
    return events;
}

/* One thread's share of a step on several threads: deliver the inputs
 * into the thread's blocks; then level by level, update the thread's
 * neurons and (after every thread has) deliver every thread's spikes of
 * the level into the thread's blocks.  Only the thread owning a neuron
 * writes its ring entries and state, and additions modulo 2^32 commute, so
 * the result does not depend on the number of threads. */
static void step_part(ref_sim *s, ref_thr *th, uint32_t *slot, uint64_t t)
{
#ifdef REF_PROF
    const uint64_t p0 = prof_ns();
#endif
    const uint32_t L1 = s->n_levels + 1, T = s->nthr;
    const size_t par = (size_t)(t & 1);
    const uint32_t *const lvp = s->lvs + par * REF_MAX_THREADS * L1;
    uint32_t *const lv = s->lvs + par * REF_MAX_THREADS * L1 + (size_t)th->id * L1;
    uint32_t *const spk = s->spk_thr + par * s->n_neurons;
    /* the channels whose targets are all the thread's own, then those with
     * targets on several threads (every thread scans these) */
    const uint32_t T1 = s->nthr;
    uint64_t events = deliver_inputs(s, slot, s->in_tl + (size_t)th->id * s->n_inputs,
                                     s->in_tn[th->id], 0, s->n_neurons);
    events += deliver_inputs(s, slot, s->in_tl + (size_t)T1 * s->n_inputs, s->in_tn[T1], th->lo,
                             th->hi);
#ifdef REF_PROF
    th->prof_in_ns += prof_ns() - p0;
#endif
    uint32_t k = th->lo;
    lv[0] = k;
    for (uint32_t l = 0; l < s->n_levels; l++) {
        k = update_level(s, slot, l, th->lo, th->hi, spk, k);
        lv[l + 1] = k;
        bar_wait(s, th);
        for (uint32_t u = 0; u < T; u++) {
            const uint32_t f = lvp[u * L1 + l];
            events += deliver_spikes(s, slot, spk + f, lvp[u * L1 + l + 1] - f, (int)th->id);
        }
    }
    th->events += events;
#ifdef REF_PROF
    th->prof_part_ns += prof_ns() - p0;
#endif
}

static void *worker(void *arg)
{
    ref_thr *th = arg;
    ref_sim *s = th->s;
    unsigned seen = atomic_load_explicit(&th->done, memory_order_acquire);
    for (;;) {
        wait_until(s, &s->bar.go, seen, 1, th);
        seen++; /* the caller's thread starts a step only after this
                 * thread has passed the previous one's first barrier */
        if (s->quit)
            break;
        step_part(s, th, s->cur_slot, s->cur_t);
        post(s, &th->done, seen);
    }
    return NULL;
}

/* Copies n_fan into dst in the other layout: source by source (to_src)
 * from thread by thread (lay_t regions, toff), or thread by thread from
 * source by source (regions lay_b, filling toff).  Both keep each
 * stretch's order, so every delivery adds the same entries in the same
 * order. */
static void relayout(ref_sim *s, void *dst, int to_src)
{
    const size_t N = s->n_neurons, esz = s->wide ? 8 : 4, nb = s->nblk;
    const char *src = s->n_fan;
    char *d = dst;
    size_t pos = 0;
    for (uint32_t t = 0; t < s->lay_t; t++) {
        uint32_t *const to = s->toff + t * (N + 1);
        const uint32_t b0 = s->lay_b[t], b1 = s->lay_b[t + 1];
        for (size_t m = 0; m < N; m++) {
            /* bo[m*nb + nb] is bo[(m+1)*nb]: the end of m's list */
            const size_t f = s->bo[m * nb + b0], l = s->bo[m * nb + b1];
            if (to_src) {
                memcpy(d + f * esz, src + (size_t)to[m] * esz, (l - f) * esz);
            } else {
                to[m] = (uint32_t)pos;
                memcpy(d + pos * esz, src + f * esz, (l - f) * esz);
                pos += l - f;
            }
        }
        if (!to_src)
            to[N] = (uint32_t)pos;
    }
    free(s->n_fan);
    s->n_fan = dst;
}

/* Stops the workers; buf (the size of n_fan, or NULL when the sim is being
 * destroyed) takes the fan-out back to the layout source by source. */
static void stop_threads(ref_sim *s, void *buf)
{
    if (buf && s->lay_t > 1) {
        if (s->nthr > 1)
            sync_threads(s);
        relayout(s, buf, 1);
        s->lay_t = 1;
    } else {
        free(buf);
    }
    if (!s->thr || s->nthr <= 1)
        return;
    sync_threads(s);
    for (uint32_t t = 0; t < s->nthr; t++) {
        s->cnt.syn_events += s->thr[t].events;
        s->thr[t].events = 0;
    }
    s->quit = 1;
    post(s, &s->bar.go, atomic_load_explicit(&s->bar.go, memory_order_acquire) + 1);
    for (uint32_t t = 1; t < s->nthr; t++)
        pthread_join(s->thr[t].th, NULL);
    s->quit = 0;
    s->nthr = 1;
    s->thr[0].b0 = 0;
    s->thr[0].b1 = s->nblk;
    s->thr[0].lo = 0;
    s->thr[0].hi = s->n_neurons;
}

loom_status ref_set_threads(ref_sim *s, uint32_t threads, loom_err *e)
{
    if (threads < 1 || threads > REF_MAX_THREADS)
        return loom_fail(e, LOOM_E_ARG, "ref_set_threads: %u threads, expected 1..%d", threads,
                         REF_MAX_THREADS);
    const size_t fan_bytes = s->n_off[s->n_neurons] * (s->wide ? 8 : 4);
    void *buf = NULL;
    if (s->lay_t > 1 && !(buf = malloc(fan_bytes ? fan_bytes : 1)))
        return loom_fail(e, LOOM_E_NOMEM, "ref_set_threads: out of memory for the fan-out's "
                         "layout (%zu bytes)", fan_bytes);
    stop_threads(s, buf);
    const uint32_t T = threads < s->nblk ? threads : s->nblk;
    if (T <= 1)
        return LOOM_OK;
    const unsigned g = atomic_load_explicit(&s->bar.go, memory_order_acquire);
    for (uint32_t t = 0; t < T; t++) {
        ref_thr *th = &s->thr[t];
        th->s = s;
        th->id = t;
        th->b0 = (uint32_t)((uint64_t)t * s->nblk / T);
        th->b1 = (uint32_t)((uint64_t)(t + 1) * s->nblk / T);
        th->lo = th->b0 * s->bsz < s->n_neurons ? th->b0 * s->bsz : s->n_neurons;
        th->hi = th->b1 * s->bsz < s->n_neurons ? th->b1 * s->bsz : s->n_neurons;
        atomic_store_explicit(&th->done, g, memory_order_release);
    }
    const size_t N = s->n_neurons, tw = (size_t)T + 1;
    free(s->toff);
    s->bytes -= s->toff_bytes;
    s->toff_bytes = 0;
    s->toff = xalloc(s, (N + 1) * T, sizeof *s->toff, 0);
    if (!s->toff)
        return loom_fail(e, LOOM_E_NOMEM, "ref_set_threads: out of memory for %u threads' lists "
                         "(%zu neurons)", T, N);
    s->toff_bytes = (N + 1) * T * sizeof *s->toff;
    /* input channels by owner */
    const size_t NI = s->n_inputs;
    LOOM_FREE(s->in_own, s->in_tl);
    s->bytes -= s->in_tl_bytes;
    s->in_tl_bytes = 0;
    s->in_own = xalloc(s, NI, 1, 0);
    s->in_tl = xalloc(s, NI * tw, sizeof *s->in_tl, 0);
    if (!s->in_own || !s->in_tl)
        return loom_fail(e, LOOM_E_NOMEM, "ref_set_threads: out of memory for %u threads' input "
                         "lists (%zu channels)", T, NI);
    s->in_tl_bytes = (NI ? NI : 1) * (1 + tw * sizeof *s->in_tl);
    for (size_t c = 0; c < NI; c++) {
        uint32_t o = T + 1; /* none yet */
        for (size_t k = s->in_off[c]; k < s->in_off[c + 1] && o != T; k++) {
            const uint64_t ent = s->wide ? ((const uint64_t *)s->in_fan)[k]
                                         : ((const uint32_t *)s->in_fan)[k];
            const uint32_t b = mod_n(s, ent >> s->wbits) / s->bsz;
            uint32_t t = 0;
            while (t + 1 < T && b >= s->thr[t].b1)
                t++;
            o = o == T + 1 || o == t ? t : T;
        }
        s->in_own[c] = (uint8_t)(o == T + 1 ? 0 : o);
    }
    memset(s->in_tn, 0, sizeof s->in_tn);
    for (uint32_t j = 0; j < s->n_in_list; j++) { /* channels already set */
        const uint32_t c = s->in_list[j], o = s->in_own[c];
        s->in_tl[(size_t)o * NI + s->in_tn[o]++] = c;
    }
    s->nthr = T;
    atomic_store_explicit(&s->bar.count, T, memory_order_release);
    for (uint32_t t = 1; t < T; t++)
        if (pthread_create(&s->thr[t].th, NULL, worker, &s->thr[t])) {
            /* stop the workers started so far (they wait for a step) */
            atomic_store_explicit(&s->bar.count, t, memory_order_release);
            s->nthr = t;
            stop_threads(s, NULL);
            return loom_fail(e, LOOM_E_IO, "ref_set_threads: cannot start thread %u of %u", t, T);
        }
    /* the fan-out thread by thread (the workers wait for a step) */
    if (!(buf = malloc(fan_bytes ? fan_bytes : 1))) {
        stop_threads(s, NULL);
        return loom_fail(e, LOOM_E_NOMEM, "ref_set_threads: out of memory for the fan-out's "
                         "layout (%zu bytes)", fan_bytes);
    }
    s->lay_t = T;
    for (uint32_t t = 0; t < T; t++)
        s->lay_b[t] = s->thr[t].b0;
    s->lay_b[T] = s->nblk;
    relayout(s, buf, 0);
    return LOOM_OK;
}

uint32_t ref_threads(const ref_sim *s) { return s->nthr; }

#ifdef REF_PROF
void ref_prof_get(const ref_sim *s, uint32_t t, uint64_t out[5])
{
    out[4] = s->thr[t].prof_in_ns;
    out[0] = s->thr[t].prof_wait_ns;
    out[1] = s->thr[t].prof_part_ns;
    out[2] = s->thr[t].prof_sleeps;
    out[3] = s->thr[t].prof_waits;
}
#endif

/* Sorts spk_out[0..n) ascending (LSD radix, 8 bits a pass, scratch spk_tmp). */
static void sort_spikes(ref_sim *s, uint32_t n)
{
    if (n < 48) {
        uint32_t *a = s->spk_out;
        for (uint32_t j = 1; j < n; j++) {
            uint32_t x = a[j], m = j;
            while (m > 0 && a[m - 1] > x) {
                a[m] = a[m - 1];
                m--;
            }
            a[m] = x;
        }
        return;
    }
    uint32_t *src = s->spk_out, *dst = s->spk_tmp;
    const int passes = (bits_for((uint64_t)s->n_neurons) + 7) / 8;
    for (int ps = 0; ps < passes; ps++) {
        uint32_t c[257] = {0};
        const int sh = 8 * ps;
        for (uint32_t j = 0; j < n; j++)
            c[((src[j] >> sh) & 255) + 1]++;
        for (int b = 0; b < 256; b++)
            c[b + 1] += c[b];
        for (uint32_t j = 0; j < n; j++)
            dst[c[(src[j] >> sh) & 255]++] = src[j];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != s->spk_out)
        memcpy(s->spk_out, src, n * sizeof *src);
}

void ref_step(ref_sim *s)
{
    const size_t N = s->n_neurons;
    uint32_t *const slot = s->ring + (size_t)(s->t % s->R) * N;
    uint32_t k = 0;

    if (s->nthr > 1) {
        /* every thread: its inputs, then level by level */
        s->cur_slot = slot;
        s->cur_t = s->t;
        post(s, &s->bar.go, atomic_load_explicit(&s->bar.go, memory_order_relaxed) + 1);
        step_part(s, &s->thr[0], slot, s->t);
        /* the spikes in single-thread order: by level, then ascending */
        const uint32_t L1 = s->n_levels + 1;
        const size_t par = (size_t)(s->t & 1);
        const uint32_t *const lvp = s->lvs + par * REF_MAX_THREADS * L1;
        const uint32_t *const spk = s->spk_thr + par * N;
        for (uint32_t l = 0; l < s->n_levels; l++)
            for (uint32_t u = 0; u < s->nthr; u++) {
                const uint32_t f = lvp[u * L1 + l], n = lvp[u * L1 + l + 1] - f;
                memcpy(s->spk_int + k, spk + f, n * sizeof *s->spk_int);
                k += n;
            }
        /* events: each thread's own counter (ref_get_counters) */
    } else {
        /* 1. inputs; 2. level by level, update, then deliver the spikes */
#ifdef REF_PROF
        const uint64_t p0 = prof_ns();
#endif
        uint64_t events = deliver_inputs(s, slot, s->in_list, s->n_in_list, 0, s->n_neurons);
#ifdef REF_PROF
        s->thr[0].prof_in_ns += prof_ns() - p0;
#endif
        for (uint32_t l = 0; l < s->n_levels; l++) {
            const uint32_t f = k;
            k = update_level(s, slot, l, 0, s->n_neurons, s->spk_int, k);
            events += deliver_spikes(s, slot, s->spk_int + f, k - f, -1);
        }
        s->cnt.syn_events += events;
#ifdef REF_PROF
        s->thr[0].prof_part_ns += prof_ns() - p0;
#endif
    }
    next_inputs(s);

    /* 3. outputs: the spike list in SEIR numbering, ascending */
    if (s->identity) {
        memcpy(s->spk_out, s->spk_int, k * sizeof *s->spk_out);
    } else {
        for (uint32_t j = 0; j < k; j++)
            s->spk_out[j] = s->seir_of[s->spk_int[j]];
        sort_spikes(s, k);
    }
    s->n_spk = k;
    s->t++;
    s->cnt.steps++;
    s->cnt.neuron_updates += N;
    s->cnt.spikes += k;
}

int ref_set_fast(ref_sim *s, int path)
{
    sync_threads(s);
    s->vec = 0;
#ifdef REF_HAVE_VEC
    if (path >= 1 && s->arch.s <= 20) {
        s->vec = 1;
#ifdef REF_HAVE_AVX2
        __builtin_cpu_init();
        if (path >= 2 && __builtin_cpu_supports("avx2"))
            s->vec = 2;
#endif
    }
#endif
    return s->vec;
}

uint64_t ref_time(const ref_sim *s) { return s->t; }

const uint32_t *ref_spikes(const ref_sim *s, uint32_t *count)
{
    *count = s->n_spk;
    return s->spk_out;
}

int ref_spiked(const ref_sim *s, uint32_t n)
{
    uint32_t lo = 0, hi = s->n_spk;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->spk_out[mid] < n)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n_spk && s->spk_out[lo] == n;
}

int32_t ref_i(const ref_sim *s, uint32_t n)
{
    return n < s->n_neurons ? s->i[s->int_of[n]] : 0;
}

int32_t ref_v(const ref_sim *s, uint32_t n)
{
    return n < s->n_neurons ? s->v[s->int_of[n]] : 0;
}

int32_t ref_pending(const ref_sim *s, uint32_t n, uint32_t k)
{
    if (n >= s->n_neurons || k >= s->R)
        return 0;
    sync_threads((ref_sim *)s); /* the workers' deliveries of the last step */
    const size_t slot = (size_t)((s->t + k) % s->R);
    return (int32_t)loom_wrap((int64_t)s->ring[slot * s->n_neurons + s->int_of[n]], s->arch.a);
}

void ref_get_counters(const ref_sim *s, ref_counters *c)
{
    sync_threads((ref_sim *)s);
    *c = s->cnt;
    for (uint32_t t = 0; t < s->nthr; t++)
        c->syn_events += s->thr[t].events;
}

size_t ref_memory_bytes(const ref_sim *s) { return s ? s->bytes : 0; }
