/*
 * mapper.c -- SEIR net + arch config -> placement, fan-out tables, runtime
 * image, cycle prediction (see mapper.h for the placement rules).
 *
 * The image is a list of bus writes in address order per region (limg_put
 * merges consecutive addresses into segments): N_LEVELS, then per core its
 * registers, profiles, level table, state, ring (every word of every used
 * slot, so a reloaded array starts clean), fan-out index (1 + the start of
 * every source id's run, 1 + the end of the last) and synapse words; last a write to TIME, which restarts the step count
 * and the ring phase at t = 0 -- the state the image describes.
 */
#include "mapper.h"

#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loom_arith.h"
#include "loom_map.h"
#include "map_balance.h"
#include "map_order.h"
#include "seir_relay.h"
#include "loom_mem.h"

const char *map_thousands(uint64_t v, char *buf, size_t len)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < len; i++) {
        buf[o++] = tmp[i];
        int left = n - 1 - i;
        if (left > 0 && left % 3 == 0)
            buf[o++] = ',';
    }
    buf[o] = 0;
    return buf;
}

uint32_t map_src_id(const limg_arch *a, uint32_t core, uint32_t slot)
{
    return a->max_inputs + core * a->neurons + slot;
}

uint32_t map_syn_word(const limg_arch *a, uint32_t dst_slot, int32_t w, uint32_t d)
{
    const uint32_t nb = limg_slot_bits(a);
    const uint32_t wmask = (uint32_t)((1ull << a->arch.w) - 1);
    return dst_slot | ((uint32_t)w & wmask) << nb | d << (nb + (uint32_t)a->arch.w);
}

/* Profiles as the hardware holds them: the bias is per slot (LOOM_CORE_BIAS),
 * so profiles that differ only in bias share one entry.  pcls[p] is the
 * lowest profile index with p's other fields. */
static const seir_profile *g_cls_prof; /* qsort context (the mapper is not reentrant here) */

static int cls_cmp(const void *x, const void *y)
{
    const seir_profile *a = &g_cls_prof[*(const uint32_t *)x], *b = &g_cls_prof[*(const uint32_t *)y];
    const int32_t fa[6] = {a->a_syn, a->a_mem, a->theta, a->v_reset, (int32_t)a->reset, a->shift};
    const int32_t fb[6] = {b->a_syn, b->a_mem, b->theta, b->v_reset, (int32_t)b->reset, b->shift};
    for (int j = 0; j < 6; j++)
        if (fa[j] != fb[j])
            return fa[j] < fb[j] ? -1 : 1;
    uint32_t i = *(const uint32_t *)x, k = *(const uint32_t *)y;
    return i < k ? -1 : i > k;
}

uint32_t *map_profile_class(const seir_net *net)
{
    const uint32_t P = net->n_profiles;
    uint32_t *ord = malloc((P ? P : 1) * sizeof *ord), *pcls = malloc((P ? P : 1) * sizeof *pcls);
    if (!ord || !pcls) {
        free(ord);
        free(pcls);
        return NULL;
    }
    for (uint32_t p = 0; p < P; p++)
        ord[p] = p;
    g_cls_prof = net->profiles;
    qsort(ord, P, sizeof *ord, cls_cmp);
    for (uint32_t j = 0; j < P; j++) {
        uint32_t head = ord[j];
        if (j > 0) {
            const seir_profile *a = &net->profiles[ord[j - 1]], *b = &net->profiles[ord[j]];
            if (a->a_syn == b->a_syn && a->a_mem == b->a_mem && a->theta == b->theta &&
                a->v_reset == b->v_reset && a->reset == b->reset && a->shift == b->shift)
                head = pcls[ord[j - 1]];
        }
        pcls[ord[j]] = head;
    }
    free(ord);
    return pcls;
}

uint32_t map_profile_classes(const seir_net *net)
{
    uint32_t *pcls = map_profile_class(net), n = 0;
    if (!pcls)
        return net->n_profiles;
    for (uint32_t p = 0; p < net->n_profiles; p++)
        n += pcls[p] == p;
    free(pcls);
    return n;
}

void map_free(map_result *m)
{
    if (!m)
        return;
    limg_free(m->img);
    LOOM_FREE(m->level_of, m->core_used, m->core_syn, m->core_profiles, m->lvl_count, m->fo_count, m->fo_d0,
              m->in_low, m);
}

static uint32_t src_of(const map_result *m, uint32_t src)
{
    if (SEIR_IS_INPUT(src))
        return SEIR_SRC_INDEX(src);
    return map_src_id(&m->arch, m->img->core_of[src], m->img->slot_of[src]);
}

/* ceil(log2 x), x >= 1 */
static uint32_t clog2_32(uint32_t x)
{
    uint32_t b = 0;
    while (b < 32 && (1ull << b) < x)
        b++;
    return b;
}

static uint32_t sword(int64_t v)
{
    return (uint32_t)v;
}

/* map_net, step 1: the net's arch against the build's (S equal, W and A
 * within; longer delays are map_net's relay case). */
static loom_status check_arch(const seir_arch *na, const limg_arch *a, loom_err *e)
{
    if (na->s != a->arch.s)
        return loom_fail(e, LOOM_E_INVALID, "the net has state width S=%d, the build S=%d (they must be equal)",
                         na->s, a->arch.s);
    if (na->w > a->arch.w)
        return loom_fail(e, LOOM_E_INVALID, "the net has weights of W=%d bits, the build holds W=%d",
                         na->w, a->arch.w);
    if (na->a > a->arch.a)
        return loom_fail(e, LOOM_E_INVALID, "the net assumes accumulators of A=%d bits, the build has A=%d",
                         na->a, a->arch.a);
    return LOOM_OK;
}

/* Step 2: the input channels and neuron slots the net needs. */
static loom_status check_size(const seir_net *net, const limg_arch *a, loom_err *e)
{
    char b1[32], b2[32];
    if (net->n_inputs > a->max_inputs)
        return loom_fail(e, LOOM_E_CAPACITY, "the net needs %s input channels, %s available",
                         map_thousands(net->n_inputs, b1, sizeof b1), map_thousands(a->max_inputs, b2, sizeof b2));
    const uint64_t slots = (uint64_t)a->cores * a->neurons;
    if (net->n_neurons > slots)
        return loom_fail(e, LOOM_E_CAPACITY,
                         "the net needs %s neuron slots, %u cores x %u = %s available (it needs %llu cores of this size)",
                         map_thousands(net->n_neurons, b1, sizeof b1), a->cores, a->neurons,
                         map_thousands(slots, b2, sizeof b2),
                         (unsigned long long)((net->n_neurons + a->neurons - 1) / a->neurons));
    return LOOM_OK;
}

/* Step 3: the result with its per-core tables (zeroed) and an empty image;
 * NULL when out of memory. */
static map_result *map_alloc(const seir_net *net, const limg_arch *a)
{
    map_result *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    const uint32_t K = a->cores, N = net->n_neurons;
    m->arch = *a;
    m->n_neurons = N;
    m->n_inputs = net->n_inputs;
    m->fan = limg_fanout_entries(a);
    m->port_cycles = 1;
    m->ring_rams = 1;
    m->level_of = calloc(N ? N : 1, sizeof *m->level_of);
    m->core_used = calloc(K, sizeof *m->core_used);
    m->core_syn = calloc(K, sizeof *m->core_syn);
    m->core_profiles = calloc(K, sizeof *m->core_profiles);
    m->fo_count = calloc((size_t)K * m->fan, sizeof *m->fo_count);
    m->fo_d0 = calloc((size_t)K * m->fan, sizeof *m->fo_d0);
    m->in_low = calloc((size_t)K * (net->n_inputs ? net->n_inputs : 1), sizeof *m->in_low);
    m->img = limg_new(a, N, net->n_inputs, net->n_outputs);
    if (!m->level_of || !m->core_used || !m->core_syn || !m->core_profiles || !m->fo_count ||
        !m->fo_d0 || !m->in_low || !m->img) {
        map_free(m);
        return NULL;
    }
    return m;
}

/* Step 4: levels of the zero-delay graph, then placement: the neurons
 * sorted by level (SEIR order inside a level) into order[N], dealt
 * round-robin over the cores, then swapped between cores so that every
 * source's synapses split evenly (map_balance.h); slots in level order
 * within each core, inside a level by decreasing drive (map_order.h). */
static loom_status place(map_result *m, const seir_net *net, uint32_t *order, loom_err *e)
{
    const limg_arch *a = &m->arch;
    const uint32_t K = a->cores, N = net->n_neurons;
    char b1[32], b2[32];
    loom_status st = seir_levels(net, m->level_of, &m->n_levels, e);
    if (st != LOOM_OK)
        return st;
    if (m->n_levels > a->levels)
        return loom_fail(e, LOOM_E_CAPACITY, "the net has %s levels of zero-delay neurons, the level table holds %s",
                         map_thousands(m->n_levels, b1, sizeof b1), map_thousands(a->levels, b2, sizeof b2));
    const uint32_t L = m->n_levels ? m->n_levels : 1;
    m->img->n_levels = m->n_levels;
    m->lvl_count = calloc((size_t)K * L, sizeof *m->lvl_count);
    uint32_t *lstart = calloc((size_t)L + 1, sizeof *lstart);
    if (!m->lvl_count || !lstart) {
        free(lstart);
        return loom_fail(e, LOOM_E_NOMEM, "mapper: out of memory");
    }
    /* counting sort by level, SEIR order inside a level */
    for (uint32_t n = 0; n < N; n++)
        lstart[m->level_of[n] + 1]++;
    for (uint32_t l = 0; l < L; l++)
        lstart[l + 1] += lstart[l];
    for (uint32_t n = 0; n < N; n++)
        order[lstart[m->level_of[n]]++] = n;
    free(lstart);
    /* deal round-robin, then balance each source's synapses over the
     * cores (map_balance.h); slots in level order within each core */
    for (uint32_t j = 0; j < N; j++)
        m->img->core_of[order[j]] = j % K;
    if (K > 1) {
        uint32_t *pcls = map_profile_class(net);
        if (!pcls)
            return loom_fail(e, LOOM_E_NOMEM, "mapper: out of memory");
        st = map_balance(net, m->level_of, pcls, K, a->syn_words, m->img->core_of, e);
        free(pcls);
        if (st != LOOM_OK)
            return st;
    }
    /* inside a level, the neurons most likely to spike first (map_order.h) */
    if ((st = map_order_by_drive(net, m->level_of, K, order, e)) != LOOM_OK)
        return st;
    for (uint32_t j = 0; j < N; j++) {
        const uint32_t n = order[j], k = m->img->core_of[n];
        if (m->core_used[k] >= a->neurons)
            return loom_fail(e, LOOM_E_INTERNAL, "mapper: core %u overfull", k);
        m->img->slot_of[n] = m->core_used[k]++;
        m->lvl_count[(size_t)k * L + m->level_of[n]]++;
    }
    return LOOM_OK;
}

/* Step 5: synapse words per core and per (core, source), against the
 * cores' synapse memory. */
static loom_status count_synapses(map_result *m, const seir_net *net, loom_err *e)
{
    const limg_arch *a = &m->arch;
    char b1[32], b2[32];
    for (size_t s = 0; s < net->n_syn; s++) {
        const seir_syn *y = &net->syn[s];
        const uint32_t k = m->img->core_of[y->dst];
        m->core_syn[k]++;
        m->fo_count[(size_t)k * m->fan + src_of(m, y->src)]++;
        if (y->d == 0)
            m->fo_d0[(size_t)k * m->fan + src_of(m, y->src)]++;
    }
    m->n_syn = net->n_syn;
    uint64_t total_syn = net->n_syn;
    for (uint32_t k = 0; k < a->cores; k++) {
        if (m->core_syn[k] > a->syn_words) {
            uint64_t need = (total_syn + a->syn_words - 1) / a->syn_words;
            if (need <= a->cores)
                need = a->cores + 1;
            return loom_fail(e, LOOM_E_CAPACITY, "core %u needs %s synapse words, %s available (it needs %llu cores of this size)",
                             k, map_thousands(m->core_syn[k], b1, sizeof b1),
                             map_thousands(a->syn_words, b2, sizeof b2), (unsigned long long)need);
        }
    }
    return LOOM_OK;
}

/* Step 6: the local profile table of each core: *lprof [cores * n_profiles]
 * gives machine profile p's entry in core k (UINT32_MAX: unused), *pcls the
 * machine profile of each profile (map_profile_class); entries in order of
 * first use in placement order. */
static loom_status local_profiles(map_result *m, const seir_net *net, const uint32_t *order,
                                  uint32_t **lprof_out, uint32_t **pcls_out, loom_err *e)
{
    const limg_arch *a = &m->arch;
    const uint32_t K = a->cores, P1 = net->n_profiles ? net->n_profiles : 1;
    uint32_t *lprof = *lprof_out = malloc((size_t)K * P1 * sizeof *lprof);
    uint32_t *pcls = *pcls_out = map_profile_class(net);
    if (!lprof || !pcls)
        return loom_fail(e, LOOM_E_NOMEM, "mapper: out of memory");
    memset(lprof, 0xFF, (size_t)K * P1 * sizeof *lprof);
    for (uint32_t j = 0; j < net->n_neurons; j++) {
        const uint32_t n = order[j], k = m->img->core_of[n], p = pcls[net->neuron_profile[n]];
        uint32_t *lp = &lprof[(size_t)k * net->n_profiles + p];
        if (*lp == UINT32_MAX)
            *lp = m->core_profiles[k]++;
    }
    for (uint32_t k = 0; k < K; k++)
        if (m->core_profiles[k] > a->profiles)
            return loom_fail(e, LOOM_E_CAPACITY, "core %u needs %u neuron profiles, %u available",
                             k, m->core_profiles[k], a->profiles);
    return LOOM_OK;
}

/* Scratch of write_core, sized once for every core. */
typedef struct core_scratch {
    uint32_t *neuron_at; /* [neurons]: the neuron in each slot */
    int32_t *ring;       /* [neurons << ring_log2] */
    uint32_t *fo_next;   /* [fan]: next free word of each source's run */
} core_scratch;

/* Step 7a: core k's profile entries (lprof_k: this core's row of lprof). */
static int write_profiles(limg *img, uint32_t base, const seir_net *net, const uint32_t *lprof_k)
{
    int fail = 0;
    for (uint32_t p = 0; p < net->n_profiles; p++) {
        const uint32_t lp = lprof_k[p];
        if (lp == UINT32_MAX)
            continue;
        const seir_profile *pf = &net->profiles[p];
        const uint32_t pa = base + LOOM_CORE_PROFILE + lp * LOOM_PF_WORDS;
        fail |= limg_put(img, pa + LOOM_PF_A_SYN, (uint32_t)pf->a_syn);
        fail |= limg_put(img, pa + LOOM_PF_A_MEM, (uint32_t)pf->a_mem);
        fail |= limg_put(img, pa + LOOM_PF_THETA, sword(pf->theta));
        fail |= limg_put(img, pa + LOOM_PF_V_RESET, sword(pf->v_reset));
        fail |= limg_put(img, pa + LOOM_PF_RESET, (uint32_t)pf->reset);
        fail |= limg_put(img, pa + LOOM_PF_SHIFT, sword(pf->shift) & 0x1F);
    }
    return fail;
}

/* Step 7b: core k's initial ring (every word of every used slot). */
static int write_ring(map_result *m, const seir_net *net, uint32_t k, int32_t *ring)
{
    const limg_arch *a = &m->arch;
    limg *img = m->img;
    const uint32_t rl = limg_ring_log2(a), R = (uint32_t)a->arch.d + 1, used = m->core_used[k];
    int fail = 0;
    memset(ring, 0, ((size_t)a->neurons << rl) * sizeof *ring);
    for (size_t r = 0; r < net->n_ring_init; r++) {
        const seir_ring_init *ri = &net->ring_init[r];
        if (img->core_of[ri->neuron] != k)
            continue;
        int32_t *w = &ring[((size_t)img->slot_of[ri->neuron] << rl) + ri->slot % R];
        *w = (int32_t)loom_wrap((int64_t)*w + ri->value, a->arch.a);
    }
    for (uint32_t s = 0; s < (used << rl); s++)
        fail |= limg_put(img, LOOM_MAP_CORE_BASE(k) + LOOM_CORE_RING + s, (uint32_t)ring[s]);
    return fail;
}

/* Step 7c: core k's fan-out index and synapse words.  Returns the limg_put
 * failures, or -1 when out of memory. */
static int write_synapses(map_result *m, const seir_net *net, uint32_t k, uint32_t *fo_next)
{
    const limg_arch *a = &m->arch;
    limg *img = m->img;
    const uint32_t base = LOOM_MAP_CORE_BASE(k);
    int fail = 0;
    /* fan-out index: runs in source-id order, entry g = 1 + the start
     * of source g's run, entry fan = 1 + the end of the last */
    const uint32_t *cnt = &m->fo_count[(size_t)k * m->fan];
    /* K > 1: the top NB+1 bits of an input channel's entry hold 1 + the
     * lowest slot its delay-0 synapses reach in this core (0: none); the
     * core ignores them, the router's input lanes hold the update below
     * it (docs/rtl.md, "How a step runs") */
    const uint32_t nb = limg_slot_bits(a), sb = a->syn_words < 2 ? 1 : clog2_32(a->syn_words);
    const int low_bits = a->cores > 1 && nb + sb + 2 <= 32;
    if (low_bits) {
        for (uint32_t c = 0; c < a->max_inputs; c++)
            fo_next[c] = 0;
        for (size_t s = 0; s < net->n_syn; s++) {
            const seir_syn *y = &net->syn[s];
            if (y->d != 0 || !SEIR_IS_INPUT(y->src) || img->core_of[y->dst] != k)
                continue;
            const uint32_t c = SEIR_SRC_INDEX(y->src), l = img->slot_of[y->dst] + 1;
            if (fo_next[c] == 0 || l < fo_next[c])
                fo_next[c] = l;
        }
        for (uint32_t c = 0; c < net->n_inputs && c < a->max_inputs; c++)
            m->in_low[(size_t)k * net->n_inputs + c] = fo_next[c];
    }
    uint32_t start = 0;
    for (uint32_t g = 0; g <= m->fan; g++) {
        const uint32_t top = low_bits && g < a->max_inputs ? fo_next[g] << (32 - (nb + 1)) : 0;
        if (g < m->fan)
            fo_next[g] = start;
        fail |= limg_put(img, base + LOOM_CORE_FANOUT + g, (start + 1) | top);
        if (g < m->fan)
            start += cnt[g];
    }
    /* synapse words: place each into its source's run */
    uint32_t *sw = calloc(m->core_syn[k] ? m->core_syn[k] : 1, sizeof *sw);
    if (!sw)
        return -1;
    for (size_t s = 0; s < net->n_syn; s++) {
        const seir_syn *y = &net->syn[s];
        if (img->core_of[y->dst] != k)
            continue;
        const uint32_t g = src_of(m, y->src);
        sw[fo_next[g]++] = map_syn_word(a, img->slot_of[y->dst], y->w, y->d);
    }
    for (uint32_t j = 0; j < m->core_syn[k]; j++)
        fail |= limg_put(img, base + LOOM_CORE_SYN + j, sw[j]);
    /* single-port builds store synapse words in pairs written on the
     * odd word: complete the last pair */
    if ((m->core_syn[k] & 1) && m->core_syn[k] < a->syn_words)
        fail |= limg_put(img, base + LOOM_CORE_SYN + m->core_syn[k], 0);
    free(sw);
    return fail;
}

/* Step 7: core k's part of the image: registers, profiles, level table,
 * state, ring, fan-out index, synapse words.  Returns the limg_put
 * failures, or -1 when out of memory. */
static int write_core(map_result *m, const seir_net *net, uint32_t k, const uint32_t *lprof,
                      const uint32_t *pcls, core_scratch *sc)
{
    limg *img = m->img;
    const uint32_t base = LOOM_MAP_CORE_BASE(k), used = m->core_used[k];
    const uint32_t L = m->n_levels ? m->n_levels : 1, N = net->n_neurons;
    const uint32_t *lprof_k = &lprof[(size_t)k * net->n_profiles];
    uint32_t *neuron_at = sc->neuron_at;
    int fail = 0;
    for (uint32_t n = 0; n < N; n++)
        if (img->core_of[n] == k)
            neuron_at[img->slot_of[n]] = n;
    fail |= limg_put(img, base + LOOM_CORE_N_USED, used);
    fail |= write_profiles(img, base, net, lprof_k);
    uint32_t end = 0;
    for (uint32_t l = 0; l < m->n_levels; l++) {
        end += m->lvl_count[(size_t)k * L + l];
        fail |= limg_put(img, base + LOOM_CORE_LEVEL + l, end);
    }
    for (uint32_t s = 0; s < used; s++)
        fail |= limg_put(img, base + LOOM_CORE_I + s, sword(net->init_i ? net->init_i[neuron_at[s]] : 0));
    for (uint32_t s = 0; s < used; s++)
        fail |= limg_put(img, base + LOOM_CORE_V + s, sword(net->init_v ? net->init_v[neuron_at[s]] : 0));
    for (uint32_t s = 0; s < used; s++)
        fail |= limg_put(img, base + LOOM_CORE_PIDX + s, lprof_k[pcls[net->neuron_profile[neuron_at[s]]]]);
    /* each slot's bias (profile's + own); single-port builds write
     * these words in pairs, so the last pair is completed */
    for (uint32_t s = 0; s < used; s++)
        fail |= limg_put(img, base + LOOM_CORE_BIAS + s, sword((int32_t)seir_bias_of(net, neuron_at[s])));
    if ((used & 1) && used < m->arch.neurons)
        fail |= limg_put(img, base + LOOM_CORE_BIAS + used, 0);
    fail |= write_ring(m, net, k, sc->ring);
    int sf = write_synapses(m, net, k, sc->fo_next);
    return sf < 0 ? -1 : fail | sf;
}

/* Step 7, all of it: N_LEVELS, every core, then TIME. */
static loom_status write_image(map_result *m, const seir_net *net, const uint32_t *lprof,
                               const uint32_t *pcls, loom_err *e)
{
    const limg_arch *a = &m->arch;
    core_scratch sc;
    sc.neuron_at = calloc((size_t)a->neurons, sizeof *sc.neuron_at);
    sc.ring = calloc((size_t)a->neurons << limg_ring_log2(a), sizeof *sc.ring);
    sc.fo_next = calloc(m->fan, sizeof *sc.fo_next);
    int fail = !sc.neuron_at || !sc.ring || !sc.fo_next;
    if (!fail)
        fail |= limg_put(m->img, LOOM_REG_N_LEVELS, m->n_levels);
    for (uint32_t k = 0; !fail && k < a->cores; k++)
        fail |= write_core(m, net, k, lprof, pcls, &sc);
    if (!fail)
        fail |= limg_put(m->img, LOOM_REG_TIME, 0);
    LOOM_FREE(sc.neuron_at, sc.ring, sc.fo_next);
    return fail ? loom_fail(e, LOOM_E_NOMEM, "mapper: out of memory") : LOOM_OK;
}

loom_status map_net(const seir_net *net, const limg_arch *arch, map_result **out, loom_err *e)
{
    *out = NULL;
    loom_status st = limg_arch_check(arch, e);
    if (st == LOOM_OK)
        st = check_arch(&net->arch, arch, e);
    if (st != LOOM_OK)
        return st;
    if (net->arch.d > arch->arch.d) {
        /* longer delays than the ring holds: relay chains (seir_relay.h),
         * appended after the net's own neurons, whose numbers stay */
        seir_net *rn;
        if ((st = seir_relay_delays(net, arch->arch.d, &rn, e)) != LOOM_OK)
            return loom_err_prefix(e, "the net has delays up to D=%d, the build's ring holds D=%d",
                                   net->arch.d, arch->arch.d);
        st = map_net(rn, arch, out, e);
        seir_net_free(rn);
        return st;
    }
    if ((st = seir_check_acc(net, e)) != LOOM_OK || (st = check_size(net, arch, e)) != LOOM_OK)
        return st;
    map_result *m = map_alloc(net, arch);
    uint32_t *order = calloc(net->n_neurons ? net->n_neurons : 1, sizeof *order);
    uint32_t *lprof = NULL, *pcls = NULL;
    if (!m || !order)
        st = loom_fail(e, LOOM_E_NOMEM, "mapper: out of memory");
    if (st == LOOM_OK)
        st = place(m, net, order, e);
    if (st == LOOM_OK)
        st = count_synapses(m, net, e);
    if (st == LOOM_OK)
        st = local_profiles(m, net, order, &lprof, &pcls, e);
    if (st == LOOM_OK) {
        for (uint32_t o = 0; o < net->n_outputs; o++) {
            m->img->out_neuron[o] = net->outputs[o].neuron;
            m->img->out_kind[o] = (uint32_t)net->outputs[o].kind;
        }
        st = write_image(m, net, lprof, pcls, e);
    }
    LOOM_FREE(order, lprof, pcls);
    if (st != LOOM_OK) {
        map_free(m);
        return st;
    }
    *out = m;
    return LOOM_OK;
}

/* Cycle model of rtl/loom_seq.v + loom_core.v + loom_router.v (derived in
 * docs/rtl.md), in cycles counted as CYCLES_LAST counts them, with c =
 * port_cycles (1, or 2 for a single-port ring):
 *   START 1 + FIN 1
 *   inputs: no event 2, else max(E + 6, c*T + 7)
 *     (E events scanned one per cycle; T = the busiest core's synapse
 *     words: a source without synapses in a core costs it nothing)
 *   per level, single-port (update, then delivery):
 *     update c*(n-1) + 8 (n = the fullest core's slots in the level, 4
 *     when none); delivery 2 without spikes, else max(S + 5 + 2h, c*T + 6)
 *     (S spikes, h the share of them with words in the core)
 *   per level, dual-port (delivery overlaps the update):
 *     no spike: n + 6 (4 when no core has a slot in the level), else the
 *     largest over cores k of
 *       n + 6 + X_k            the update, delayed one cycle by each word
 *                              that takes its ring RAM (X_k of them)
 *       n + 12 + W_k + X_k     the deliveries: W_k is the work core k has
 *                              left when the last slot's spike arrives
 *     X_k = the words taking the RAM (every word with one ring RAM, the
 *     delay-0 words with banks) among those delivered while the update
 *     runs: of a spike at position t at most n - t - 9 (a spike's first
 *     word reaches D1 9 slots after it), and in all at most n - F - 9
 *     (F = the first spiking position), taken pro rata.  W_k is the
 *     queue of a one-word-per-cycle server fed, at each slot position, by
 *     the words in core k of the
 *     neurons there that spike, behind the router: the router sends one
 *     spike a cycle for the whole array, the cores' spikes of one
 *     position in turn, so a spike waits for the spikes ahead of it
 *     (those of every core, with words in core k or not) and core k
 *     streams its words from when it is sent or from when its earlier
 *     words are done, whichever is later.  The two queues overlap rather
 *     than add: the router's backlog costs core k only the cycles its
 *     own stream would have stood idle.  The joint distribution of the
 *     two backlogs is computed exactly from the firing probabilities
 *     (independent spikes), so the idle cycles of a delivery that waits
 *     for spikes are counted.
 *   the first level of K > 1 dual-port cores (the input lanes overlap
 *     its update; the inputs' E[max_k T_k] is counted before it):
 *     its slot 0 issues before the input words, so a spike there leads
 *     by LEAD = E[max T], its words behind core k's E[T_k] - LEAD_WORDS
 *     input words, and meets the slots 1 .. n - 1 the update issues
 *     after them (X); a delay-0 input word into slot b < 3 of a core
 *     holds its slots from b on (not slot 0's lead) 3 - b cycles
 *     (BOUND_HOLD), their spikes with them and the update's end past the
 *     fullest core's n, over the joint firing of the channels that set
 *     the bounds (bound_scenarios, bound_emax).
 * Expected values: a phase with events is weighted by the probability
 * that at least one event happens and uses the conditional means; a
 * swing of the whole net's firing from step to step (rate_gain_sd)
 * averages over a gain of the rates (map_predict_cycles). */
static double phase(double p_none, double cost_none, double e_mean, double a0, double t_mean,
                    double b0)
{
    const double p_some = 1.0 - p_none;
    if (p_some <= 1e-12)
        return cost_none;
    const double e = e_mean / p_some + a0, t = t_mean / p_some + b0;
    return p_none * cost_none + p_some * (e > t ? e : t);
}

static double dmax(double a, double b)
{
    return a > b ? a : b;
}

/* The distribution w[0..cap] of a sum (cap absorbs the tail): a term that
 * adds c with probability p. */
static void queue_add(double *w, uint32_t cap, double p, uint32_t c)
{
    if (p <= 0 || c == 0)
        return;
    if (c > cap)
        c = cap;
    /* w'[x] = (1-p) w[x] + p w[x-c]; whatever would pass cap lands on cap */
    double tail = 0;
    for (uint32_t x = cap - c; x <= cap; x++)
        tail += w[x];
    const double top = (1.0 - p) * w[cap] + p * tail;
    for (uint32_t x = cap - 1; x >= c; x--)
        w[x] = (1.0 - p) * w[x] + p * w[x - c];
    for (uint32_t x = 0; x < c; x++)
        w[x] *= 1.0 - p;
    w[cap] = top;
}

/* What predict works with: the rates, and per (core, level) and per level
 * sums over the neurons. */
typedef struct pred {
    const map_result *m;
    const double *rate;   /* [n_neurons] or NULL: def for every neuron */
    double def;
    double in_rate;       /* every input channel's firing probability */
    double lead;          /* the overlapped input phase's E[max_k T_k] (input_lanes), else 0 */
    uint32_t nsc;         /* bound scenarios (bound_scenarios), 0 when not enumerated */
    double *scp;          /* [nsc] their probabilities */
    uint32_t *scb;        /* [nsc * K] their bounds per core, UINT32_MAX for none */
    double *scw;          /* [nsc * K] E[T_k] given each: the bound channels' words, the others' */
    uint32_t L;           /* levels */
    double *dl;           /* [K*L] expected words T of level l in core k */
    double *hl;           /* [K*L] spikes with words in the core */
    double *sl;           /* [L] expected spikes */
    double *pn;           /* [L] P(no spike) */
    uint32_t *lstart;     /* [K*L] first slot of level l in core k */
    uint32_t *pos;        /* [N] slot position of each neuron within its level */
    uint32_t *byl;        /* [L+1] neurons of level l: ord[byl[l]..byl[l+1]) */
    uint32_t *ord;        /* [N] neurons by level, then position */
    double *w;            /* queue distributions of core_delivery (grown there) */
} pred;

static double rate_of(const pred *p, uint32_t n)
{
    return p->rate ? p->rate[n] : p->def;
}

/* The words of neuron n in core k. */
static uint32_t words_in(const map_result *m, uint32_t k, uint32_t n)
{
    return m->fo_count[(size_t)k * m->fan + map_src_id(&m->arch, m->img->core_of[n], m->img->slot_of[n])];
}

/* K > 1, dual-port: the input lanes overlap the first level's update (the
 * RTL's OVLIN: the fan-out entries of the inputs carry their lowest
 * delay-0 slot, which needs slot bits + synapse address bits + 2 <= 32). */
static int input_overlap(const map_result *m)
{
    const limg_arch *a = &m->arch;
    const uint32_t sb = a->syn_words < 2 ? 1 : clog2_32(a->syn_words);
    return a->cores > 1 && m->port_cycles <= 1 && limg_slot_bits(a) + sb + 2 <= 32;
}

/* A channel's words common to every core: the least of its counts. */
static uint32_t common_words(const map_result *m, uint32_t c)
{
    uint32_t lo = UINT32_MAX;
    for (uint32_t k = 0; k < m->arch.cores; k++) {
        const uint32_t n = m->fo_count[(size_t)k * m->fan + c];
        lo = n < lo ? n : lo;
    }
    return lo;
}

/* The overlapped input phase (input_overlap) holds core k's update below
 * the bound its input lane sets (loom_router.v, loom_core_upd.v's
 * bound_i): when the lane's last entry is in, its words stream while the
 * update yields a cycle to each of them (the T of the input phase), and
 * the bound stays on until the last word is written (ev_done at D2,
 * counted a cycle later): 3 cycles after the stream's end.  Meanwhile the
 * slots below the bound issue; the one at it waits, so every slot at or
 * above a bound at slot s of the first level issues max(0, 3 - s) cycles
 * later (none for a bound beyond the level).  Core k's update then ends
 * n_k + 3 - s cycles on, which holds the level only as far as that passes
 * the fullest core's umax.  The bound at the end is, when the lane's
 * lowest delay-0 slots never fell in push order (channel order; an entry
 * without one does not count), the largest of them, else the least.
 * BOUND_HOLD: those 3 cycles. */
#define BOUND_HOLD 3
/* The channels with delay-0 words in the first level whose firing is
 * enumerated (2^n subsets); with more, the hold is left out. */
#define BOUND_ENUM_MAX 16
#define BOUND_ENUM_CORES 64 /* (bound_emax's arrays) */

/* The slot at which core k's lane holds the first level when the channels
 * of set (bit i: channel ch[i]) fire; UINT32_MAX when none (no bound, or
 * one beyond the level or at BOUND_HOLD or more, which costs nothing). */
static uint32_t lane_bound(const map_result *m, uint32_t k, const uint32_t *ch, uint32_t nb, uint32_t set)
{
    const uint32_t n0 = m->lvl_count[(size_t)k * m->n_levels];
    uint32_t mx = 0, mn = UINT32_MAX;
    int any = 0, mono = 1;
    for (uint32_t i = 0; i < nb; i++) {
        const uint32_t low = m->in_low[(size_t)k * m->n_inputs + ch[i]];
        if (!(set >> i & 1) || low == 0)
            continue;
        const uint32_t sl = low - 1;
        mono = mono && !(any && sl < mx);
        mx = !any || sl > mx ? sl : mx;
        mn = sl < mn ? sl : mn;
        any = 1;
    }
    const uint32_t b = mono ? mx : mn;
    return !any || b >= n0 || b >= BOUND_HOLD ? UINT32_MAX : b;
}

/* The cycles by which core k's lane holds the level when the channels of
 * set fire: its update ends n_k + BOUND_HOLD - b on. */
static uint32_t bound_hold(const map_result *m, uint32_t k, const uint32_t *ch, uint32_t nb, uint32_t set,
                           uint32_t umax)
{
    const uint32_t b = lane_bound(m, k, ch, nb, set);
    if (b == UINT32_MAX)
        return 0;
    const uint32_t late = m->lvl_count[(size_t)k * m->n_levels] + BOUND_HOLD - b;
    return late > umax ? late - umax : 0;
}

/* The channels that set a bound in some core (a first level, some
 * delay-0 word there), into ch; their number. */
static uint32_t bound_channels(const map_result *m, double input_rate, uint32_t *ch)
{
    uint32_t nb = 0;
    for (uint32_t c = 0; m->n_levels && input_rate > 0 && c < m->n_inputs; c++) {
        uint32_t low = 0;
        for (uint32_t k = 0; k < m->arch.cores; k++)
            low |= m->in_low[(size_t)k * m->n_inputs + c];
        if (low)
            ch[nb++] = c;
    }
    return nb;
}

/* The probability that exactly the channels of set (bit i: channel i of
 * the nb enumerated) fire, each with probability rate. */
static double set_prob(double rate, uint32_t nb, uint32_t set)
{
    double pr = 1;
    for (uint32_t i = 0; i < nb; i++)
        pr *= set >> i & 1 ? rate : 1.0 - rate;
    return pr;
}

/* E[max_k (P_k + hold_k)] of the overlapped input phase: the channels
 * that set a bound in some core (nb of them, ch) fire together for every
 * core, so their subsets are enumerated, each fixing every core's hold
 * and its words from them; the other channels' words stay independent
 * per core, their distribution functions F (K x (cap + 1)).  -1 when
 * there are too many to enumerate. */
static double bound_emax(const map_result *m, double rate, const uint32_t *ch, uint32_t nb,
                         const double *F, uint32_t cap, double *e0)
{
    const uint32_t K = m->arch.cores, L = m->n_levels;
    uint32_t umax = 0, sh[2][BOUND_ENUM_CORES], cw[BOUND_ENUM_MAX][BOUND_ENUM_CORES];
    for (uint32_t k = 0; k < K; k++)
        umax = m->lvl_count[(size_t)k * L] > umax ? m->lvl_count[(size_t)k * L] : umax;
    for (uint32_t i = 0; i < nb; i++) { /* each channel's words beyond the common ones */
        const uint32_t common = common_words(m, ch[i]);
        for (uint32_t k = 0; k < K; k++)
            cw[i][k] = m->fo_count[(size_t)k * m->fan + ch[i]] - common;
    }
    double e[2] = {0, 0};
    for (uint32_t set = 0; set < (1u << nb); set++) {
        const double pr = set_prob(rate, nb, set);
        uint32_t top[2] = {0, 0};
        for (uint32_t k = 0; k < K; k++) {
            sh[0][k] = 0;
            for (uint32_t i = 0; i < nb; i++)
                if (set >> i & 1)
                    sh[0][k] += cw[i][k];
            sh[1][k] = sh[0][k] + bound_hold(m, k, ch, nb, set, umax);
            for (int h = 0; h < 2; h++)
                top[h] = sh[h][k] > top[h] ? sh[h][k] : top[h];
        }
        for (int h = 0; h < 2; h++) { /* sum over x >= 1 of P(max >= x) */
            const uint32_t *d = sh[h];
            double es = 0;
            /* (past cap + the largest shift every factor is 1: nothing to add) */
            for (uint32_t x = 1; x <= cap + top[h]; x++) {
                double all = 1;
                for (uint32_t k = 0; k < K && all > 0; k++)
                    all *= x - 1 < d[k] ? 0
                                        : (x - 1 - d[k] >= cap ? 1 : F[(size_t)k * (cap + 1) + x - 1 - d[k]]);
                es += 1.0 - all;
            }
            e[h] += pr * es;
        }
    }
    *e0 = e[0];
    return e[1];
}

/* E[T_k], the words of core k's input events: all of them (bound = 0),
 * or those of the channels that set no bound (1), which a bound scenario
 * adds its own expected words to. */
static double lane_words(const pred *p, uint32_t k, int unbound)
{
    const map_result *m = p->m;
    double t = 0;
    for (uint32_t c = 0; c < m->n_inputs; c++) {
        int bound = 0;
        for (uint32_t j = 0; unbound && j < m->arch.cores; j++)
            bound |= m->in_low[(size_t)j * m->n_inputs + c] != 0;
        t += bound ? 0 : p->in_rate * m->fo_count[(size_t)k * m->fan + c];
    }
    return t;
}

/* The distinct vectors of the cores' bounds (lane_bound) over the subsets
 * of bound channels that fire, at most BOUND_SCEN of them, with their
 * probabilities and each core's E[T_k] given them, into p->nsc, scp, scb,
 * scw; none (nsc = 0) when there are more, or more channels than
 * BOUND_ENUM_MAX.  0, or -1 when out of memory. */
#define BOUND_SCEN 16
static int bound_scenarios(pred *p)
{
    const map_result *m = p->m;
    const uint32_t K = m->arch.cores;
    uint32_t *ch = calloc(m->n_inputs ? m->n_inputs : 1, sizeof *ch);
    uint32_t *b = malloc((size_t)K * sizeof *b);
    p->scp = calloc(BOUND_SCEN, sizeof *p->scp);
    p->scb = malloc((size_t)BOUND_SCEN * K * sizeof *p->scb);
    p->scw = calloc((size_t)BOUND_SCEN * K, sizeof *p->scw);
    if (!ch || !b || !p->scp || !p->scb || !p->scw) {
        LOOM_FREE(ch, b);
        return -1;
    }
    const uint32_t nb = bound_channels(m, p->in_rate, ch);
    uint32_t n = 0;
    for (uint32_t set = 0; nb <= BOUND_ENUM_MAX && set < (1u << nb) && n <= BOUND_SCEN; set++) {
        const double pr = set_prob(p->in_rate, nb, set);
        for (uint32_t k = 0; k < K; k++)
            b[k] = lane_bound(m, k, ch, nb, set);
        uint32_t i = 0;
        while (i < n && memcmp(&p->scb[(size_t)i * K], b, K * sizeof *b) != 0)
            i++;
        if (i == n && n++ < BOUND_SCEN)
            memcpy(&p->scb[(size_t)i * K], b, K * sizeof *b);
        if (i < BOUND_SCEN) {
            p->scp[i] += pr;
            for (uint32_t k = 0; k < K; k++)
                for (uint32_t c = 0; c < nb; c++)
                    if (set >> c & 1)
                        p->scw[(size_t)i * K + k] += pr * m->fo_count[(size_t)k * m->fan + ch[c]];
        }
    }
    for (uint32_t k = 0; k < K; k++) { /* given the scenario, plus the other channels' */
        const double other = lane_words(p, k, 1);
        for (uint32_t i = 0; i < n && i < BOUND_SCEN; i++) {
            p->scw[(size_t)i * K + k] /= p->scp[i] > 0 ? p->scp[i] : 1;
            p->scw[(size_t)i * K + k] += other;
        }
    }
    p->nsc = nb <= BOUND_ENUM_MAX && n <= BOUND_SCEN ? n : 0;
    LOOM_FREE(ch, b);
    return 0;
}

/* The input phase of an array of K > 1 cores: each core scans its own
 * list (the events with synapses there) into its own FIFO, all at once, so
 * the phase lasts as long as its busiest core: c*T_k + 6 for T_k > 0 words
 * (with a single-port ring the last write ends a cycle after its read, but
 * the synapse word waits a cycle in D0 before it), and 2 cycles (scan and
 * barrier) when no core has any:
 *   E = 2 + P(some event)(lane - 2) + c E[max_k T_k].
 * A channel's words common to every core (the least of its counts) add to
 * every T_k alike, so E[max T] = E[common] + E[max_k P_k] with P_k the
 * rest; the P_k are taken as independent, E[max] from their exact
 * distributions on [0, cap].  -1 when out of memory. */
static double input_lanes(const map_result *m, double input_rate, double pc, double *hold, double *lead)
{
    const uint32_t K = m->arch.cores;
    uint32_t cap = 1;
    double p_none = 1, common = 0;
    for (uint32_t c = 0; c < m->n_inputs; c++) {
        uint32_t lo = UINT32_MAX, any = 0;
        for (uint32_t k = 0; k < K; k++) {
            const uint32_t n = m->fo_count[(size_t)k * m->fan + c];
            lo = n < lo ? n : lo;
            any |= n;
        }
        if (any)
            p_none *= 1.0 - input_rate;
        common += input_rate * lo;
    }
    for (uint32_t k = 0; k < K; k++) {
        uint32_t tot = 0;
        for (uint32_t c = 0; c < m->n_inputs; c++)
            tot += m->fo_count[(size_t)k * m->fan + c];
        if (tot + 1 > cap)
            cap = tot + 1;
    }
    /* the channels that set a bound (overlapped input phase, a first
     * level, some delay-0 word there): enumerated by bound_emax */
    const int ovl = pc <= 1 && input_overlap(m);
    uint32_t nb = 0, *ch = calloc(m->n_inputs ? m->n_inputs : 1, sizeof *ch);
    double *w = malloc((size_t)K * (cap + 1) * sizeof *w);
    if (!w || !ch) {
        LOOM_FREE(w, ch);
        return -1;
    }
    if (ovl)
        nb = bound_channels(m, input_rate, ch);
    const int en = nb > 0 && nb <= BOUND_ENUM_MAX && K <= BOUND_ENUM_CORES;
    for (uint32_t k = 0; k < K; k++) {
        double *wk = &w[(size_t)k * (cap + 1)];
        memset(wk, 0, (cap + 1) * sizeof *wk);
        wk[0] = 1;
        for (uint32_t c = 0, i = 0; c < m->n_inputs; c++) {
            if (en && i < nb && ch[i] == c) { /* enumerated */
                i++;
                continue;
            }
            queue_add(wk, cap, input_rate, m->fo_count[(size_t)k * m->fan + c] - common_words(m, c));
        }
        for (uint32_t x = 1; x <= cap; x++) /* the distribution function */
            wk[x] += wk[x - 1];
    }
    double emax = common;
    *hold = 0;
    if (en) {
        double e0 = 0;
        const double e1 = bound_emax(m, input_rate, ch, nb, w, cap, &e0);
        emax += e0;
        *hold = e1 - e0;
    } else {
        for (uint32_t x = 1; x <= cap; x++) {
            double all = 1; /* P(every P_k < x) */
            for (uint32_t k = 0; k < K; k++)
                all *= w[(size_t)k * (cap + 1) + x - 1];
            emax += 1.0 - all;
        }
    }
    free(ch);
    free(w);
    /* dual-port (pc = 1): the lanes run while the first level updates
     * (docs/rtl.md, "How a step runs"): no scan and no barrier, the step
     * goes from START to the update; the update leaves the ring to every
     * input word and no spike goes out before the last lane is done, so
     * the level still waits about E[max T]: 2 cycles for the lane's read
     * and the last word's D1, D2 when there are any, less the ~2 cycles
     * the update runs before the first input word reaches D1.  (Both
     * only in a step with input words: until 7 Dec 2026 the 2 cycles
     * were taken off every step, which at input rate p left out
     * 2 (1 - p) of the E[max T]; a one-slot level with p = 0.4, the
     * lif_norse export on 4 cores, came out 19 % short.) */
    if (ovl) {
        *lead = emax;
        return emax;
    }
    return 2 + (1.0 - p_none) * (6 - 2) + pc * emax;
}

/* START, FIN and the input phase; -1 when out of memory. */
static double input_cycles(const map_result *m, double input_rate, double *hold, double *lead)
{
    const double pc = m->port_cycles > 1 ? (double)m->port_cycles : 1.0;
    *hold = 0;
    *lead = 0;
    if (m->arch.cores > 1) {
        const double e = input_lanes(m, input_rate, pc, hold, lead);
        return e < 0 ? -1 : 2 + e;
    }
    double p_none = 1, tmax = 0;
    for (uint32_t c = 0; c < m->n_inputs; c++)
        p_none *= 1.0 - input_rate;
    for (uint32_t k = 0; k < m->arch.cores; k++) {
        double d = 0;
        const uint32_t *cnt = &m->fo_count[(size_t)k * m->fan];
        for (uint32_t c = 0; c < m->n_inputs; c++)
            d += input_rate * cnt[c];
        if (d > tmax)
            tmax = d;
    }
    if (pc > 1) {
        /* single-port: the event-bound end is 5 cycles after the last event,
         * 8 when it has words in the core (the synapse word's stage D0, D1,
         * D2); the word-bound one c*T + 7 when there are words */
        double ew = 0;
        for (uint32_t c = 0; c < m->n_inputs; c++)
            ew += m->fo_count[c] ? input_rate : 0;
        const double e = input_rate * m->n_inputs;
        return 2 + phase(p_none, 2, e, e > 0 ? 5 + 3 * ew / e : 5, tmax * pc, tmax > 0 ? 7 : 0);
    }
    return 2 + phase(p_none, 2, input_rate * m->n_inputs, 6, tmax * pc, 7);
}

static void pred_free(pred *p)
{
    LOOM_FREE(p->dl, p->hl, p->sl, p->pn, p->lstart, p->pos, p->byl, p->ord, p->w, p->scp, p->scb, p->scw);
}

/* 0, or -1 when out of memory (p is then freed). */
static int pred_alloc(pred *p)
{
    const map_result *m = p->m;
    const uint32_t L1 = p->L ? p->L : 1, NN = m->n_neurons;
    const size_t KL = (size_t)m->arch.cores * L1;
    p->dl = calloc(KL, sizeof *p->dl);
    p->hl = calloc(KL, sizeof *p->hl);
    p->sl = calloc(L1, sizeof *p->sl);
    p->pn = malloc(L1 * sizeof *p->pn);
    p->lstart = calloc(KL, sizeof *p->lstart);
    p->pos = calloc(NN + 1, sizeof *p->pos);
    p->byl = calloc((size_t)L1 + 1, sizeof *p->byl);
    p->ord = calloc(NN + 1, sizeof *p->ord);
    p->w = NULL;
    p->scp = NULL;
    p->scb = NULL;
    p->scw = NULL;
    p->nsc = 0;
    if (p->dl && p->hl && p->sl && p->pn && p->lstart && p->pos && p->byl && p->ord)
        return 0;
    pred_free(p);
    return -1;
}

/* The per-(core, level) and per-level sums, each neuron's position. */
static void level_sums(pred *p)
{
    const map_result *m = p->m;
    const uint32_t K = m->arch.cores, L = p->L;
    for (uint32_t l = 0; l < L; l++)
        p->pn[l] = 1;
    for (uint32_t k = 0; k < K; k++)
        for (uint32_t l = 1; l < L; l++)
            p->lstart[(size_t)k * L + l] = p->lstart[(size_t)k * L + l - 1] + m->lvl_count[(size_t)k * L + l - 1];
    for (uint32_t n = 0; n < m->n_neurons; n++) {
        const double r = rate_of(p, n);
        const uint32_t l = m->level_of[n], kn = m->img->core_of[n];
        const uint32_t g = map_src_id(&m->arch, kn, m->img->slot_of[n]);
        p->pos[n] = m->img->slot_of[n] - p->lstart[(size_t)kn * L + l];
        p->byl[l + 1]++;
        p->sl[l] += r;
        p->pn[l] *= 1.0 - r;
        for (uint32_t k = 0; k < K; k++) {
            const size_t kg = (size_t)k * m->fan + g;
            p->dl[(size_t)k * L + l] += r * m->fo_count[kg];
            p->hl[(size_t)k * L + l] += m->fo_count[kg] ? r : 0;
        }
    }
}

/* Neuron a before b: by position, then by core (the router's round-robin
 * order of spikes that come in one cycle). */
static int pos_before(const map_result *m, const uint32_t *pos, uint32_t a, uint32_t b)
{
    if (pos[a] != pos[b])
        return pos[a] < pos[b];
    return m->img->core_of[a] < m->img->core_of[b];
}

/* The neurons by level, then by position (slots are in level order, so
 * the position order within a core is the slot order).  0, or -1 when out
 * of memory. */
static int level_order(pred *p)
{
    const map_result *m = p->m;
    const uint32_t L = p->L, L1 = L ? L : 1;
    uint32_t *byl = p->byl, *ord = p->ord;
    for (uint32_t l = 0; l < L; l++)
        byl[l + 1] += byl[l];
    uint32_t *fill = calloc((size_t)L1 + 1, sizeof *fill);
    if (!fill)
        return -1;
    for (uint32_t n = 0; n < m->n_neurons; n++)
        ord[byl[m->level_of[n]] + fill[m->level_of[n]]++] = n;
    free(fill);
    for (uint32_t l = 0; l < L; l++) { /* insertion sort by position: levels are small */
        for (uint32_t i = byl[l] + 1; i < byl[l + 1]; i++) {
            const uint32_t x = ord[i];
            uint32_t j = i;
            for (; j > byl[l] && pos_before(m, p->pos, x, ord[j - 1]); j--)
                ord[j] = ord[j - 1];
            ord[j] = x;
        }
    }
    return 0;
}

/* Level l of a single-port build: the update, then the delivery; adds both
 * to *cyc.  umax: the fullest core's slots in the level, dmx the largest T. */
static void level_single_port(const pred *p, uint32_t l, uint32_t umax, double dmx, double *cyc)
{
    const map_result *m = p->m;
    const uint32_t L = p->L;
    const double pc = m->port_cycles > 1 ? (double)m->port_cycles : 1.0;
    /* the spike-bound end: 4 cycles after the last event, 7 when
     * it has words in the core (D0, D1, D2) */
    double hmx = 0;
    for (uint32_t k = 0; k < m->arch.cores; k++)
        hmx = dmax(hmx, p->hl[(size_t)k * L + l]);
    *cyc += umax ? ((double)umax - 1) * pc + 10 : 4; /* U0..U6 */
    *cyc += phase(p->pn[l], 2, p->sl[l], p->sl[l] > 0 ? 5 + 3 * hmx / p->sl[l] : 8, dmx * pc, dmx > 0 ? 7 : 6);
}

/* E[first spiking position | some spike] of level l. */
static double first_spike(const pred *p, uint32_t l, double p_some)
{
    double surv = 1, ef = 0;
    for (uint32_t i = p->byl[l]; i < p->byl[l + 1]; i++) {
        const uint32_t n = p->ord[i];
        const double r = rate_of(p, n);
        ef += p->pos[n] * surv * r;
        surv *= 1.0 - r;
    }
    return ef / p_some;
}

/* The delivery queue of a core behind the router, as a joint distribution
 * w[r * (vcap + 1) + v] of R, the spikes of the array the router has not
 * sent yet, and V, the cycles until the core's synapse stream has written
 * every word of the spikes so far (both counted from the current slot
 * position; R on [0, rcap], V on [0, vcap], the tails absorbed at the caps).
 * The router sends one spike a cycle for the whole array, in the order the
 * spikes came, so a spike joining a backlog R leaves R + 1 cycles from now;
 * the core streams its c words from then or from when its earlier words
 * are done, whichever is later: V' = max(V, R + 1) + c.  A spike without
 * words here passes the core at once (V stays).  With one core a spike
 * never finds the router busy (R <= 1), and V - 1 is the old word queue
 * W: V' - 1 = max(V - 1, 0) + c. */
typedef struct dq {
    double *w, *t;       /* the distribution, scratch of the same size */
    uint32_t rcap, vcap;
    uint32_t vhi;        /* V <= vhi: w and t are read and written below it */
} dq;

static void dq_serve(dq *q)
{
    const uint32_t V1 = q->vcap + 1, hi = q->vhi ? q->vhi - 1 : 0;
    for (uint32_t r = 0; r <= q->rcap; r++)
        memset(&q->t[(size_t)r * V1], 0, ((size_t)hi + 1) * sizeof *q->t);
    for (uint32_t r = 0; r <= q->rcap; r++)
        for (uint32_t v = 0; v <= q->vhi; v++)
            q->t[(size_t)(r ? r - 1 : 0) * V1 + (v ? v - 1 : 0)] += q->w[(size_t)r * V1 + v];
    double *x = q->w;
    q->w = q->t;
    q->t = x;
    q->vhi = hi;
}

/* A neuron that spikes with probability p, c words in this core. */
static void dq_add(dq *q, double p, uint32_t c)
{
    if (p <= 0)
        return;
    const uint32_t V1 = q->vcap + 1;
    uint32_t hi = q->vhi;
    if (c) {
        const uint64_t e = (uint64_t)(hi > q->rcap + 1 ? hi : q->rcap + 1) + c;
        hi = e < q->vcap ? (uint32_t)e : q->vcap;
    }
    for (uint32_t r = 0; r <= q->rcap; r++) {
        double *t = &q->t[(size_t)r * V1];
        const double *w = &q->w[(size_t)r * V1];
        for (uint32_t v = 0; v <= hi; v++)
            t[v] = v <= q->vhi ? (1.0 - p) * w[v] : 0;
    }
    for (uint32_t r = 0; r <= q->rcap; r++) {
        const uint32_t r1 = r < q->rcap ? r + 1 : r;
        for (uint32_t v = 0; v <= q->vhi; v++) {
            const double x = q->w[(size_t)r * V1 + v];
            if (x == 0)
                continue;
            uint32_t v1 = v;
            if (c) {
                const uint64_t e = (uint64_t)(v > r + 1 ? v : r + 1) + c;
                v1 = e < q->vcap ? (uint32_t)e : q->vcap;
            }
            q->t[(size_t)r1 * V1 + v1] += p * x;
        }
    }
    double *x = q->w;
    q->w = q->t;
    q->t = x;
    q->vhi = hi;
}

/* The router's backlog that level l can reach with some probability
 * (above 1e-12) at any slot position, at most cap: R alone is the same
 * queue for every core, so this bounds the R of core_delivery's joint
 * distribution.  w: cap + 1 doubles of scratch. */
static uint32_t router_reach(const pred *p, uint32_t l, uint32_t umax, uint32_t cap, double *w)
{
    const uint32_t *ord = p->ord, *pos = p->pos, *byl = p->byl;
    memset(w, 0, ((size_t)cap + 1) * sizeof *w);
    w[0] = 1;
    uint32_t reach = 0, i = byl[l];
    for (uint32_t t = 0; t < umax; t++) {
        for (; i < byl[l + 1] && pos[ord[i]] == t; i++) {
            const double r = rate_of(p, ord[i]);
            if (r > 0)
                queue_add(w, cap, r, 1);
        }
        for (uint32_t x = cap; x > reach; x--)
            if (w[x] > 1e-12) {
                reach = x;
                break;
            }
        w[0] += w[1]; /* a spike a cycle goes out */
        memmove(&w[1], &w[2], (size_t)(cap - 1) * sizeof *w);
        w[cap] = 0;
    }
    return reach;
}

/* The overlapped input phase (input_overlap) runs while the first level
 * updates: its slot 0 issues before the first input word reaches D1 (the
 * update yields a cycle to each of them, loom_core_upd.v's yield_i), its
 * later slots after them.  A spike of slot 0 is so LEAD = E[max_k T_k]
 * cycles earlier than the model's level start (counted after the input
 * phase), and the router sends it as soon as the lanes have sent their
 * events (loom_router.v, bc_go): it waits in the core's event FIFO behind
 * the input events, its words after theirs.  Not when a delay-0 input
 * word reaches slot 0 of its core: the bound (loom_router.v) then holds
 * slot 0 until the inputs are written, and every slot at or above a
 * bound b < BOUND_HOLD issues BOUND_HOLD - b cycles late (bound_hold), its
 * spike with it. */
/* Where a leading spike's words join core k's stream: LEAD_WORDS words
 * short of E[T_k], in the model's units (V counted from the spike's time,
 * -LEAD).  In the RTL slot 0 issues 3 cycles after START, its spike is
 * in the list 4 cycles later and goes out the next (if no lane sends),
 * while the lane's words reach D1 one a cycle from START + 5; its words
 * follow the last input word at D1 (a waveform of the 4-core net of
 * test_predict_lead).  The 6 is measured: hand nets of a first level
 * whose slot 0 fires every step on 4 cores, 0 to 24 input words a core,
 * 1 to 8 words a spike, 0 to 5 slots after it: 77 of 84 the RTL's cycles
 * exactly, the others a cycle off. */
#define LEAD_WORDS 6

/* The times vt[j] of the first level's neurons ord[j] in a queue started
 * s (= LEAD, whole) cycles before the level: s + the position, 0 for a
 * leading spike, s + the position + BOUND_HOLD - b for a slot at or above
 * its core's bound b (bnd[k], UINT32_MAX for none; bnd NULL: slot 0 of a
 * core held, with no delay, when a delay-0 input reaches it, the
 * scenarios being too many).  The latest of them. */
static uint32_t first_times(const pred *p, const uint32_t *bnd, uint32_t s, uint32_t *vt)
{
    const map_result *m = p->m;
    uint32_t last = 0;
    for (uint32_t j = 0; j < p->byl[1] - p->byl[0]; j++) {
        const uint32_t n = p->ord[p->byl[0] + j], t = p->pos[n], k = m->img->core_of[n];
        uint32_t b = bnd ? bnd[k] : UINT32_MAX;
        if (!bnd) /* slot 0 held whenever a delay-0 input reaches it */
            for (uint32_t c = 0; c < m->n_inputs && b; c++)
                b = m->in_low[(size_t)k * m->n_inputs + c] == 1 ? 0 : b;
        vt[j] = b != UINT32_MAX && t >= b ? s + t + (bnd ? BOUND_HOLD - b : 0) : (t == 0 ? 0 : s + t);
        last = vt[j] > last ? vt[j] : last;
    }
    return last;
}

/* Level l in core k of a dual-port build, given some spike: the expected
 * end of the level (the update or the last delivery).  The deliveries are
 * the queue above (dq), fed at slot position t by the spikes of the
 * neurons at t, the cores' in the router's round-robin order (the first
 * level with leading spikes: at the times vt of first_times, over span
 * of them, s of them before the level's start, the queue starting with
 * v0 input words to go; vt NULL: t the position, s = v0 = 0).  Its last
 * busy cycle C is t + max(V - 1, R - 2) for the last position t with a
 * spike (R - 2: a spike with no words here still passes this core's event
 * FIFO, one cycle before the router would send the next), so
 *   E[max(tau, C)] = sum_t P(no spike after t) *
 *                    sum_{r,v} P(spike at t, R_t = r, V_t = v) max(tau, C),
 * with the joint distribution computed exactly position by position
 * (independent neurons).  0, or -1 when out of memory. */
static int core_delivery_at(pred *p, uint32_t l, uint32_t k, uint32_t umax, double ef, double p_some,
                            double hold, const uint32_t *vt, uint32_t span, uint32_t s, uint32_t v0,
                            double *out)
{
    const map_result *m = p->m;
    const uint32_t L = p->L, *ord = p->ord, *pos = p->pos, *byl = p->byl;
    double tot = 0, cmax = 0;
    for (uint32_t i = byl[l]; i < byl[l + 1]; i++) {
        const double c = words_in(m, k, ord[i]);
        tot += c;
        cmax = dmax(cmax, c);
    }
    const uint32_t nl = byl[l + 1] - byl[l], K = m->arch.cores;
    const uint32_t rmax = nl < 4 * K + 32 ? nl + 1 : 4 * K + 32;
    const double lim = 4 * p->dl[(size_t)k * L + l] + 16 * cmax + 64;
    double *nw = realloc(p->w, ((size_t)rmax + 1) * sizeof *p->w);
    if (!nw)
        return -1;
    p->w = nw;
    dq q = {.rcap = router_reach(p, l, umax, rmax, nw) + 1};
    q.rcap = q.rcap < rmax ? q.rcap : rmax;
    q.vcap = (uint32_t)(tot < lim ? tot : lim) + q.rcap + 2 + v0;
    const size_t n = (size_t)(q.rcap + 1) * (q.vcap + 1);
    nw = realloc(p->w, (3 * n + span + 1) * sizeof *p->w + (nl + span + 1) * sizeof(uint32_t));
    if (!nw)
        return -1;
    p->w = nw;
    q.w = nw;
    q.t = nw + n;
    double *wb = nw + 2 * n, *qa = wb + n; /* the queue before the spikes of vt; P(none after vt) */
    /* the level's neurons by time, each time's in ord's order (the
     * router's): vord[first[t]..first[t + 1]) */
    uint32_t *first = (uint32_t *)(qa + span + 1), *vord = first + span + 1;
    memset(q.w, 0, 2 * n * sizeof *q.w);
    q.w[v0] = 1; /* the input words ahead of the leading spikes */
    q.vhi = v0;
    memset(first, 0, (span + 1) * sizeof *first);
    for (uint32_t t = 0; t < span; t++)
        qa[t] = 1;
    for (uint32_t j = 0; j < nl; j++) {
        const uint32_t nn = ord[byl[l] + j], t = vt ? vt[j] : pos[nn];
        first[t + 1]++;
        if (t > 0)
            qa[t - 1] *= 1.0 - rate_of(p, nn);
    }
    for (uint32_t t = 0; t < span; t++)
        first[t + 1] += first[t];
    for (uint32_t j = 0; j < nl; j++) {
        const uint32_t t = vt ? vt[j] : pos[ord[byl[l] + j]];
        vord[first[t]++] = ord[byl[l] + j];
    }
    for (uint32_t t = span; t > 0; t--)
        first[t] = first[t - 1];
    first[0] = 0;
    for (uint32_t t = span - 1; t-- > 0;)
        qa[t] *= qa[t + 1];
    /* the update: one cycle later per word that takes its ring RAM
     * (X, only while it runs: a spike's first word reaches D1 9
     * slots after its own); deliveries: 13 cycles after C, plus X.
     * A spike at position t gets at most umax - t - 9 of its words
     * there before the update's last slot, none when it comes later
     * (counting them from the level's first spike alone put ctrl.aig,
     * a logic net with spikes all through its levels, 6 % over on one
     * core); tw of the level's words can, xw of them take the RAM.
     * A leading spike (first_times) is at -s and the router sends it
     * after the leading spikes ahead of it (a of them, expected), so its
     * words reach D1 at -s + 9 + a, but not before the input words are
     * done, at 0, when the update issues its slots 1 .. umax - 1 (slot 0
     * went before them): umax - 1 - max(0, 9 - s + a) of those can meet
     * its words, at most umax - 1 of all of them; [1] counts these. */
    double room[2] = {(double)umax - ef - 9 > 0 ? (double)umax - ef - 9 : 0, 0};
    double xw[2] = {0, 0}, tw[2] = {0, 0}, ahead = 0;
    for (uint32_t j = 0; j < nl; j++) {
        const uint32_t nn = ord[byl[l] + j];
        const uint32_t c = words_in(m, k, nn);
        const int lead = s > 0 && vt && vt[j] == 0;
        double in_time = (double)umax - pos[nn] - 9;
        if (lead) {
            in_time = dmax(0, (double)umax - 1 - dmax(0, 9.0 - s + ahead));
            room[1] = dmax(room[1], in_time);
            ahead += rate_of(p, nn);
        }
        if (c == 0 || in_time <= 0)
            continue;
        const size_t kg = (size_t)k * m->fan + map_src_id(&m->arch, m->img->core_of[nn], m->img->slot_of[nn]);
        const double share = in_time < c ? in_time / c : 1, r = rate_of(p, nn);
        tw[lead] += r * c * share;
        xw[lead] += r * (m->ring_rams > 1 ? m->fo_d0[kg] : c) * share;
    }
    /* of the tw words, at most room are delivered while the update
     * runs; the xw that take its RAM are as many of them pro rata */
    double xk = 0;
    for (int h = 0; h < 2; h++) { /* given some spike */
        xw[h] /= p_some;
        tw[h] /= p_some;
        xk += tw[h] > room[h] ? xw[h] * room[h] / tw[h] : xw[h];
    }
    const double upd = (double)umax + 6 + xk + hold, tau = upd - 13 - xk;
    double e = 0, p_spk = 0;
    for (uint32_t t = 0; t < span; t++) {
        double qn = 1;
        int any = 0;
        for (uint32_t j = first[t]; j < first[t + 1]; j++) {
            const uint32_t nn = vord[j];
            const double r = rate_of(p, nn);
            if (r <= 0)
                continue;
            if (!any) /* (w is only defined up to vhi) */
                for (uint32_t r1 = 0; r1 <= q.rcap; r1++) {
                    const size_t o = (size_t)r1 * (q.vcap + 1);
                    memcpy(&wb[o], &q.w[o], ((size_t)q.vhi + 1) * sizeof *wb);
                    memset(&wb[o + q.vhi + 1], 0, (size_t)(q.vcap - q.vhi) * sizeof *wb);
                }
            any = 1;
            qn *= 1.0 - r;
            dq_add(&q, r, words_in(m, k, nn));
        }
        if (any) {
            double pa = 0, ea = 0;
            for (uint32_t r = 0; r <= q.rcap; r++)
                for (uint32_t v = 0; v <= q.vhi; v++) {
                    const size_t x = (size_t)r * (q.vcap + 1) + v;
                    const double wa = q.w[x] - qn * wb[x];
                    if (wa == 0)
                        continue;
                    pa += wa;
                    ea += wa * dmax(tau, (double)t - s + dmax(v > 1 ? (double)v - 1 : -1, (double)r - 2));
                }
            p_spk += qa[t] * pa;
            e += qa[t] * ea;
        }
        if (t + 1 < span)
            dq_serve(&q);
    }
    /* E[max(upd, 12 + C + X)] over all steps, then given a spike */
    e = 13 + xk + e + (1.0 - p_spk) * tau;
    *out = (e - p->pn[l] * upd) / p_some;
    return 0;
}

/* Level l in core k (core_delivery_at); the first level of an overlapped
 * input phase (p->lead > 0) once per bound scenario (p->nsc), weighted by
 * their probabilities, each with its own LEAD: p->lead moved by as much
 * as the scenario's words from the bound channels move the fullest core's
 * E[T] (fractional: the two whole numbers around it, weighted), core k's
 * stream E[T_k] - LEAD_WORDS input words behind. */
static int core_delivery(pred *p, uint32_t l, uint32_t k, uint32_t umax, double ef, double p_some,
                         double hold, double *out)
{
    const map_result *m = p->m;
    const double lead = l == 0 ? p->lead : 0;
    if (!(lead > 0))
        return core_delivery_at(p, l, k, umax, ef, p_some, hold, NULL, umax, 0, 0, out);
    const uint32_t nl = p->byl[1] - p->byl[0], K = m->arch.cores;
    uint32_t *vt = malloc((nl ? nl : 1) * sizeof *vt);
    if (!vt)
        return -1;
    double tmax = 0, tk = 0; /* max_j E[T_j], E[T_k] */
    for (uint32_t j = 0; j < K; j++) {
        const double t = lane_words(p, j, 0);
        tmax = dmax(tmax, t);
        tk = j == k ? t : tk;
    }
    *out = 0;
    for (uint32_t i = 0; i < (p->nsc ? p->nsc : 1); i++) {
        double ld = lead, tki = tk;
        if (p->nsc) { /* the scenario's words */
            double smax = 0;
            for (uint32_t j = 0; j < K; j++) {
                const double t = p->scw[(size_t)i * K + j];
                smax = dmax(smax, t);
                tki = j == k ? t : tki;
            }
            ld = dmax(0, lead + smax - tmax);
        }
        const uint32_t s0 = (uint32_t)floor(ld);
        const double f = ld - s0;
        for (uint32_t j = 0; j < 2; j++) {
            const double wt = (j ? f : 1.0 - f) * (p->nsc ? p->scp[i] : 1);
            const double v = s0 + j - (ld - tki) - LEAD_WORDS;
            const uint32_t span = first_times(p, p->nsc ? &p->scb[(size_t)i * K] : NULL, s0 + j, vt) + 1;
            double e;
            if (wt <= 0)
                continue;
            if (core_delivery_at(p, l, k, umax, ef, p_some, hold, vt, span, s0 + j,
                                 v > 0 ? (uint32_t)lround(v) : 0, &e)) {
                free(vt);
                return -1;
            }
            *out += wt * e;
        }
    }
    free(vt);
    return 0;
}

/* E[max of K independent standard normals], K = 0..16 */
static const double max_normal[17] = {0,      0,      0.5642, 0.8463, 1.0294, 1.1630,
                                      1.2672, 1.3522, 1.4236, 1.4850, 1.5388, 1.5864,
                                      1.6292, 1.6680, 1.7034, 1.7359, 1.7660};

/* The step-to-step imbalance of a level's words between the cores: every
 * core gets every spike (broadcast), but a spike's words split unevenly,
 * so the busiest core of a step ends later than any core's expected end.
 * The deviations D_k = S_k - mean (S_k the words core k gets) sum to zero;
 * taken as Z_k - mean Z of independent normals, E[max D] = E[max Z] =
 * e_K * sd(D) / sqrt(1 - 1/K), given some spike. */
static double level_imbalance(const pred *p, uint32_t l, double p_some)
{
    const map_result *m = p->m;
    const uint32_t K = m->arch.cores;
    if (K < 2 || K > 16)
        return 0;
    double var = 0;
    for (uint32_t i = p->byl[l]; i < p->byl[l + 1]; i++) {
        const uint32_t n = p->ord[i];
        const double r = rate_of(p, n);
        double sum = 0, sq = 0;
        for (uint32_t k = 0; k < K; k++) {
            const double c = words_in(m, k, n);
            sum += c;
            sq += c * c;
        }
        var += r * (1.0 - r) * (sq - sum * sum / K) / K; /* mean over k of (c_k - mean)^2 */
    }
    return max_normal[K] * sqrt(var / p_some / (1.0 - 1.0 / K));
}

/* Level l of a dual-port build (the delivery overlaps the update): adds
 * its expected cycles to *cyc.  With K > 1 cores the level ends with the
 * busiest core of the step: the mean of the cores' expected ends plus the
 * expected largest deviation (level_imbalance), to the extent that the
 * deliveries, not the update, end the level (the share of that deviation
 * by which the mean end passes the update's n + 6), and at least the
 * largest expected end.  0, or -1 when out of memory. */
static int level_overlap(pred *p, uint32_t l, uint32_t umax, double hold, double *cyc)
{
    const double none = (umax ? (double)umax + 6 : 4) + hold, p_some = 1.0 - p->pn[l];
    if (p_some <= 1e-12) {
        *cyc += none;
        return 0;
    }
    const uint32_t K = p->m->arch.cores;
    const double ef = first_spike(p, l, p_some);
    double some = 0, mean = 0;
    for (uint32_t k = 0; k < K; k++) {
        double e;
        if (core_delivery(p, l, k, umax, ef, p_some, hold, &e))
            return -1;
        some = dmax(some, e);
        mean += e / K;
    }
    const double dev = level_imbalance(p, l, p_some);
    if (dev > 0) {
        double share = (mean - none) / dev;
        share = share < 0 ? 0 : (share > 1 ? 1 : share);
        some = dmax(some, mean + share * dev);
    }
    *cyc += p->pn[l] * none + p_some * some;
    return 0;
}

static double predict(const map_result *m, double input_rate, const double *neuron_rate,
                      double default_rate)
{
    pred p = {.m = m, .rate = neuron_rate, .def = default_rate, .in_rate = input_rate, .L = m->n_levels};
    double hold;
    double cyc = input_cycles(m, input_rate, &hold, &p.lead);
    if (cyc < 0 || pred_alloc(&p))
        return -1;
    if (p.lead > 0 && bound_scenarios(&p)) {
        pred_free(&p);
        return -1;
    }
    level_sums(&p);
    int ok = level_order(&p) == 0;
    for (uint32_t l = 0; ok && l < p.L; l++) {
        uint32_t umax = 0;
        double dmx = 0;
        for (uint32_t k = 0; k < m->arch.cores; k++) {
            if (m->lvl_count[(size_t)k * p.L + l] > umax)
                umax = m->lvl_count[(size_t)k * p.L + l];
            if (p.dl[(size_t)k * p.L + l] > dmx)
                dmx = p.dl[(size_t)k * p.L + l];
        }
        if (m->port_cycles > 1)
            level_single_port(&p, l, umax, dmx, &cyc);
        else
            ok = level_overlap(&p, l, umax, l == 0 ? hold : 0, &cyc) == 0;
    }
    pred_free(&p);
    return ok ? cyc : -1;
}

double map_predict_cycles(const map_result *m, double input_rate, const double *neuron_rate,
                          double default_rate)
{
    const double sd = m->rate_gain_sd;
    if (!(sd > 1e-6))
        return predict(m, input_rate, neuron_rate, default_rate);
    /* 3-point Gauss-Hermite over the gain g ~ N(1, sd^2): nodes 1 and
     * 1 -+ sqrt(3) sd, weights 2/3 and 1/6 each; each scaled rate capped
     * at 1 */
    double *r = malloc((m->n_neurons + 1) * sizeof *r);
    if (!r)
        return -1;
    const double sq3 = 1.7320508075688772;
    double node[3] = {1 - sq3 * sd, 1, 1 + sq3 * sd}, wt[3] = {1.0 / 6, 2.0 / 3, 1.0 / 6};
    if (node[0] < 0) {
        /* a swing beyond sd = 1/sqrt(3) would take the low node below 0
         * (clipping it there raised the mean gain: all_primitives' bursts,
         * sd 2.3, came out 1.5 times as busy): nodes 0, 1 and a,
         * the weights keeping the mean 1 and the variance sd^2, a as far
         * out as w_1 >= 0 needs (a >= 1 + sd^2; at the largest swings the
         * steps are all or none: w_1 = 0) */
        node[0] = 0;
        node[2] = dmax(1 + sq3 * sd, 1 + sd * sd);
        wt[2] = sd * sd / (node[2] * (node[2] - 1));
        wt[1] = 1 - wt[2] * node[2];
        wt[0] = 1 - wt[1] - wt[2];
    }
    double cyc = 0;
    for (int i = 0; i < 3; i++) {
        const double g = node[i];
        if (wt[i] <= 1e-12) /* (w_1 at the largest swings) */
            continue;
        for (uint32_t n = 0; n < m->n_neurons; n++) {
            const double p = g * (neuron_rate ? neuron_rate[n] : default_rate);
            r[n] = p < 1 ? p : 1;
        }
        const double c = predict(m, input_rate, r, 0);
        if (c < 0) {
            free(r);
            return -1;
        }
        cyc += wt[i] * c;
    }
    free(r);
    return cyc;
}

loom_status map_write_readmemh(const map_result *m, const char *dir, loom_err *e)
{
    static const struct {
        const char *name;
        uint32_t region, off;
    } mems[] = {{"lvl", 0, LOOM_CORE_LEVEL}, {"i", 1, 0}, {"v", 2, 0}, {"pidx", 3, 0},
                {"ring", 4, 0}, {"fanout", 5, 0}, {"syn", 6, 0},
                {"prof", 0, LOOM_CORE_PROFILE}};
    const limg_arch *a = &m->arch;
    const uint32_t depth[] = {a->levels, a->neurons, a->neurons, a->neurons,
                              a->neurons << limg_ring_log2(a), m->fan + 1, a->syn_words,
                              a->profiles * LOOM_PF_WORDS};
    const limg *img = m->img;
    uint32_t maxd = 0;
    for (unsigned i = 0; i < sizeof depth / sizeof depth[0]; i++)
        if (depth[i] > maxd)
            maxd = depth[i];
    uint32_t *buf = malloc((size_t)maxd * sizeof *buf);
    if (!buf)
        return loom_fail(e, LOOM_E_NOMEM, "readmemh: out of memory");
    char path[4096];
    for (uint32_t k = 0; k < a->cores; k++) {
        for (unsigned i = 0; i < sizeof mems / sizeof mems[0]; i++) {
            const uint32_t lo = LOOM_MAP_CORE_BASE(k) + (mems[i].region << LOOM_MAP_REGION_SHIFT) + mems[i].off;
            memset(buf, 0, (size_t)depth[i] * sizeof *buf);
            for (size_t s = 0; s < img->n_segs; s++)
                for (uint32_t j = 0; j < img->segs[s].count; j++) {
                    const uint32_t ad = img->segs[s].addr + j;
                    if (ad >= lo && ad - lo < depth[i])
                        buf[ad - lo] = img->words[img->segs[s].off + j];
                }
            snprintf(path, sizeof path, "%s/core%u_%s.hex", dir, k, mems[i].name);
            FILE *f = fopen(path, "w");
            if (!f) {
                free(buf);
                return loom_fail(e, LOOM_E_IO, "%s: cannot create", path);
            }
            for (uint32_t j = 0; j < depth[i]; j++)
                fprintf(f, "%08x\n", buf[j]);
            if (fclose(f) != 0) {
                free(buf);
                return loom_fail(e, LOOM_E_IO, "%s: write failed", path);
            }
        }
    }
    free(buf);
    snprintf(path, sizeof path, "%s/regs.hex", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create", path);
    fprintf(f, "%08x\n", m->n_levels);
    if (fclose(f) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: write failed", path);
    return LOOM_OK;
}
