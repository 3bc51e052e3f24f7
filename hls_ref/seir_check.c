/*
 * seir_check.c -- the rules every seir_net must satisfy before anything
 * simulates or maps it: value ranges of the machine model, well-formed
 * names and groups, acyclic zero-delay wiring (levels) and the proof that
 * no accumulator slot can wrap.
 *
 * Every front-end (SEIR text, AIGER, NIR, the random generator) builds with
 * the builder API and then calls seir_validate, so the messages here name
 * elements the way a user knows them (profile and neuron names, synapse
 * numbers with their endpoints), never line numbers.  The SEIR parser adds
 * the line itself (seir_levels_ex / seir_check_acc_ex tell it which element
 * to look for).
 *
 * Everything is O(neurons + synapses) and iterative: chains of zero-delay
 * synapses may be hundreds of thousands of neurons deep.
 */
#include "seir.h"

#include <stdlib.h>
#include <string.h>

#include "loom_arith.h"
#include "loom_cmp.h"

/* ---- names ------------------------------------------------------------ */

static int name_ok(const char *s)
{
    if (!s)
        return 0;
    size_t n = strlen(s);
    if (n == 0 || n > SEIR_NAME_MAX)
        return 0;
    char c = s[0];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'))
        return 0;
    for (size_t k = 1; k < n; k++) {
        c = s[k];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

#define NAME_RULE "names are [A-Za-z_][A-Za-z0-9_.]*, at most 255 characters"

typedef struct named {
    const char *name;
    const char *what; /* "profile", "input group", "neuron group" */
} named;

static int cmp_named(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* Fails when two entries of v share a name (sorting a copy: n log n). */
static loom_status check_unique(named *v, size_t n, loom_err *e)
{
    qsort(v, n, sizeof *v, cmp_named);
    for (size_t k = 1; k < n; k++)
        if (strcmp(v[k - 1].name, v[k].name) == 0)
            return loom_fail(e, LOOM_E_INVALID, "duplicate name '%s' (%s and %s)", v[k].name,
                             v[k - 1].what, v[k].what);
    return LOOM_OK;
}

/* ---- parts of seir_validate --------------------------------------------- */

static int in_bits(int64_t x, int bits)
{
    return x >= loom_min_s(bits) && x <= loom_max_s(bits);
}

static loom_status check_profiles(const seir_net *net, loom_err *e)
{
    const int s = net->arch.s;
    for (uint32_t k = 0; k < net->n_profiles; k++) {
        const seir_profile *p = &net->profiles[k];
        if (!name_ok(p->name))
            return loom_fail(e, LOOM_E_INVALID, "profile %u: invalid name '%s' (" NAME_RULE ")", k,
                             p->name ? p->name : "(null)");
        const char *nm = p->name;
        if (p->a_syn < 0 || p->a_syn > LOOM_DECAY_ONE)
            return loom_fail(e, LOOM_E_INVALID, "profile '%s': a_syn=%d out of range 0..4096", nm,
                             (int)p->a_syn);
        if (p->a_mem < 0 || p->a_mem > LOOM_DECAY_ONE)
            return loom_fail(e, LOOM_E_INVALID, "profile '%s': a_mem=%d out of range 0..4096", nm,
                             (int)p->a_mem);
        const struct { const char *key; int32_t v; } sb[3] = {
            {"theta", p->theta}, {"v_reset", p->v_reset}, {"bias", p->bias}};
        for (int j = 0; j < 3; j++)
            if (!in_bits(sb[j].v, s))
                return loom_fail(e, LOOM_E_INVALID,
                                 "profile '%s': %s=%d outside S=%d bits (%lld..%lld)", nm, sb[j].key,
                                 (int)sb[j].v, s, (long long)loom_min_s(s), (long long)loom_max_s(s));
        if (p->shift < -16 || p->shift > 15)
            return loom_fail(e, LOOM_E_INVALID, "profile '%s': shift=%d out of range -16..15", nm,
                             (int)p->shift);
        if (p->reset != SEIR_RESET_ZERO && p->reset != SEIR_RESET_SUBTRACT &&
            p->reset != SEIR_RESET_NONE)
            return loom_fail(e, LOOM_E_INVALID, "profile '%s': unknown reset mode %d", nm,
                             (int)p->reset);
    }
    return LOOM_OK;
}

/* Groups must tile [0, total) in order with valid names and sizes. */
static loom_status check_groups(const seir_group *g, uint32_t ng, uint32_t total,
                                const char *what, loom_err *e)
{
    uint32_t next = 0;
    for (uint32_t k = 0; k < ng; k++) {
        if (!name_ok(g[k].name))
            return loom_fail(e, LOOM_E_INVALID, "%s group %u: invalid name '%s' (" NAME_RULE ")",
                             what, k, g[k].name ? g[k].name : "(null)");
        if (g[k].count == 0 || g[k].first != next || (!g[k].is_array && g[k].count != 1))
            return loom_fail(e, LOOM_E_INVALID,
                             "%s group '%s': bad extent (first %u, count %u, expected first %u%s)",
                             what, g[k].name, g[k].first, g[k].count, next,
                             g[k].is_array ? "" : ", count 1 for a group without [size]");
        next += g[k].count;
    }
    if (next != total)
        return loom_fail(e, LOOM_E_INVALID, "%s groups cover %u %ss, the net has %u", what, next,
                         what, total);
    return LOOM_OK;
}

static loom_status check_names(const seir_net *net, loom_err *e)
{
    loom_status st;
    if ((st = check_groups(net->input_groups, net->n_input_groups, net->n_inputs, "input", e)) ||
        (st = check_groups(net->neuron_groups, net->n_neuron_groups, net->n_neurons, "neuron", e)))
        return st;
    for (uint32_t k = 0; k < net->n_input_groups; k++) {
        const seir_group *g = &net->input_groups[k];
        if (g->kind != SEIR_IN_SPIKE && g->kind != SEIR_IN_GRADED)
            return loom_fail(e, LOOM_E_INVALID, "input group '%s': unknown kind %u", g->name, g->kind);
        for (uint32_t c = g->first; c < g->first + g->count; c++)
            if (net->input_kind[c] != g->kind)
                return loom_fail(e, LOOM_E_INVALID,
                                 "input group '%s': channel %u has kind %u, its group says %u",
                                 g->name, c, net->input_kind[c], g->kind);
    }
    for (uint32_t k = 0; k < net->n_neuron_groups; k++) {
        const seir_group *g = &net->neuron_groups[k];
        if (g->kind >= net->n_profiles)
            return loom_fail(e, LOOM_E_INVALID, "neuron group '%s': profile %u does not exist (%u profiles)",
                             g->name, g->kind, net->n_profiles);
        for (uint32_t n = g->first; n < g->first + g->count; n++)
            if (net->neuron_profile[n] != g->kind)
                return loom_fail(e, LOOM_E_INVALID,
                                 "neuron group '%s': neuron %u has profile %u, its group says %u",
                                 g->name, n, net->neuron_profile[n], g->kind);
    }
    /* profiles have their own name space; input and neuron groups share one */
    size_t n = net->n_profiles > (size_t)net->n_input_groups + net->n_neuron_groups
                   ? net->n_profiles
                   : (size_t)net->n_input_groups + net->n_neuron_groups;
    named *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory checking names");
    for (uint32_t k = 0; k < net->n_profiles; k++)
        v[k] = (named){net->profiles[k].name, "profile"};
    st = check_unique(v, net->n_profiles, e);
    if (st == LOOM_OK) {
        size_t m = 0;
        for (uint32_t k = 0; k < net->n_input_groups; k++)
            v[m++] = (named){net->input_groups[k].name, "input group"};
        for (uint32_t k = 0; k < net->n_neuron_groups; k++)
            v[m++] = (named){net->neuron_groups[k].name, "neuron group"};
        st = check_unique(v, m, e);
    }
    free(v);
    return st;
}

static void syn_desc(const seir_net *net, size_t k, char *buf, size_t len)
{
    const seir_syn *s = &net->syn[k];
    char a[SEIR_NAME_MAX + 16], b[SEIR_NAME_MAX + 16];
    if (SEIR_IS_INPUT(s->src))
        seir_input_name(net, SEIR_SRC_INDEX(s->src), a, sizeof a);
    else
        seir_neuron_name(net, s->src, a, sizeof a);
    seir_neuron_name(net, s->dst, b, sizeof b);
    snprintf(buf, len, "synapse %zu (%s -> %s)", k, a, b);
}

static loom_status check_syn(const seir_net *net, loom_err *e)
{
    const int64_t wlo = loom_min_s(net->arch.w), whi = loom_max_s(net->arch.w);
    char d[2 * SEIR_NAME_MAX + 96];
    for (size_t k = 0; k < net->n_syn; k++) {
        const seir_syn *s = &net->syn[k];
        int src_bad = SEIR_IS_INPUT(s->src) ? SEIR_SRC_INDEX(s->src) >= net->n_inputs
                                            : s->src >= net->n_neurons;
        if (src_bad || s->dst >= net->n_neurons) {
            syn_desc(net, k, d, sizeof d);
            return loom_fail(e, LOOM_E_INVALID,
                             "%s: %s does not exist (the net has %u inputs and %u neurons)", d,
                             src_bad ? "source" : "destination", net->n_inputs, net->n_neurons);
        }
        if (s->w < wlo || s->w > whi) {
            syn_desc(net, k, d, sizeof d);
            return loom_fail(e, LOOM_E_INVALID, "%s: weight %d outside W=%d bits (%lld..%lld)", d,
                             (int)s->w, net->arch.w, (long long)wlo, (long long)whi);
        }
        if (s->d > (uint32_t)net->arch.d) {
            syn_desc(net, k, d, sizeof d);
            return loom_fail(e, LOOM_E_INVALID, "%s: delay %u out of range 0..%d (D=%d)", d, s->d,
                             net->arch.d, net->arch.d);
        }
    }
    return LOOM_OK;
}

static int cmp_ring(const void *a, const void *b)
{
    const seir_ring_init *x = a, *y = b;
    return LOOM_CMP_KEYS(x, y, neuron, slot);
}

static loom_status check_state(const seir_net *net, loom_err *e)
{
    char nm[SEIR_NAME_MAX + 16];
    const int s = net->arch.s;
    for (uint32_t k = 0; k < net->n_outputs; k++) {
        const seir_output *o = &net->outputs[k];
        if (o->neuron >= net->n_neurons)
            return loom_fail(e, LOOM_E_INVALID, "output %u: neuron %u does not exist (%u neurons)", k,
                             o->neuron, net->n_neurons);
        if (o->kind != SEIR_OUT_SPIKE && o->kind != SEIR_OUT_V)
            return loom_fail(e, LOOM_E_INVALID, "output %u: unknown kind %d", k, (int)o->kind);
    }
    for (uint32_t n = 0; n < net->n_neurons; n++) {
        int32_t iv[2] = {net->init_i ? net->init_i[n] : 0, net->init_v ? net->init_v[n] : 0};
        for (int j = 0; j < 2; j++)
            if (!in_bits(iv[j], s))
                return loom_fail(e, LOOM_E_INVALID, "neuron %s: initial %c=%d outside S=%d bits (%lld..%lld)",
                                 seir_neuron_name(net, n, nm, sizeof nm), j ? 'v' : 'i', (int)iv[j], s,
                                 (long long)loom_min_s(s), (long long)loom_max_s(s));
        if (net->neuron_bias && net->neuron_profile[n] < net->n_profiles) {
            int64_t b = seir_bias_of(net, n);
            if (b < loom_min_s(s) || b > loom_max_s(s))
                return loom_fail(e, LOOM_E_INVALID,
                                 "neuron %s: bias %lld (profile '%s' %d + own %d) outside S=%d bits (%lld..%lld)",
                                 seir_neuron_name(net, n, nm, sizeof nm), (long long)b,
                                 net->profiles[net->neuron_profile[n]].name,
                                 (int)net->profiles[net->neuron_profile[n]].bias, (int)net->neuron_bias[n], s,
                                 (long long)loom_min_s(s), (long long)loom_max_s(s));
        }
    }
    for (size_t k = 0; k < net->n_ring_init; k++) {
        const seir_ring_init *r = &net->ring_init[k];
        if (r->neuron >= net->n_neurons)
            return loom_fail(e, LOOM_E_INVALID, "ring init %zu: neuron %u does not exist (%u neurons)",
                             k, r->neuron, net->n_neurons);
        seir_neuron_name(net, r->neuron, nm, sizeof nm);
        if (r->slot > (uint32_t)net->arch.d)
            return loom_fail(e, LOOM_E_INVALID, "neuron %s: ring init slot %u out of range 0..%d (D=%d)",
                             nm, r->slot, net->arch.d, net->arch.d);
        if (!in_bits(r->value, net->arch.a))
            return loom_fail(e, LOOM_E_INVALID, "neuron %s: ring init value %d outside A=%d bits", nm,
                             (int)r->value, net->arch.a);
    }
    if (net->n_ring_init > 1) {
        seir_ring_init *c = malloc(net->n_ring_init * sizeof *c);
        if (!c)
            return loom_fail(e, LOOM_E_NOMEM, "out of memory checking ring init");
        memcpy(c, net->ring_init, net->n_ring_init * sizeof *c);
        qsort(c, net->n_ring_init, sizeof *c, cmp_ring);
        for (size_t k = 1; k < net->n_ring_init; k++)
            if (c[k].neuron == c[k - 1].neuron && c[k].slot == c[k - 1].slot) {
                uint32_t n = c[k].neuron, sl = c[k].slot;
                free(c);
                return loom_fail(e, LOOM_E_INVALID, "neuron %s: two ring init entries for slot %u",
                                 seir_neuron_name(net, n, nm, sizeof nm), sl);
            }
        free(c);
    }
    return LOOM_OK;
}

loom_status seir_validate(const seir_net *net, loom_err *e)
{
    loom_status st;
    if (!net)
        return loom_fail(e, LOOM_E_ARG, "no network");
    if ((st = seir_arch_check(&net->arch, e)) || (st = check_profiles(net, e)) ||
        (st = check_names(net, e)) || (st = check_syn(net, e)) || (st = check_state(net, e)))
        return st;
    if ((st = seir_levels_ex(net, NULL, NULL, NULL, e)))
        return st;
    return seir_check_acc(net, e);
}

/* ---- levels --------------------------------------------------------------- */

static int zero_delay_edge(const seir_net *net, const seir_syn *s)
{
    return s->d == 0 && !SEIR_IS_INPUT(s->src) && s->src < net->n_neurons && s->dst < net->n_neurons;
}

/* Writes "a -> b -> ... -> a" for the cycle nodes c[0..m) into buf, eliding
 * the middle of long cycles so the message stays one readable line. */
static void cycle_text(const seir_net *net, const uint32_t *c, size_t m, char *buf, size_t len)
{
    char nm[SEIR_NAME_MAX + 16];
    size_t pos = 0;
    const size_t head = 6, tail = 3;
#define APPEND(...)                                                                          \
    do {                                                                                     \
        int w_ = snprintf(buf + pos, len - pos, __VA_ARGS__);                                \
        if (w_ > 0)                                                                          \
            pos = pos + (size_t)w_ < len ? pos + (size_t)w_ : len - 1;                       \
    } while (0)
    for (size_t k = 0; k <= m; k++) {
        if (m > head + tail + 1 && k == head) {
            APPEND(" -> ... (%zu more)", m - head - tail);
            k = m - tail - 1;
            continue;
        }
        APPEND("%s%s", k ? " -> " : "", seir_neuron_name(net, c[k % m], nm, sizeof nm));
    }
#undef APPEND
}

loom_status seir_levels_ex(const seir_net *net, uint32_t *level, uint32_t *n_levels,
                           size_t *cycle_syn, loom_err *e)
{
    const uint32_t n = net->n_neurons;
    if (n_levels)
        *n_levels = 0;
    if (n == 0)
        return LOOM_OK;
    loom_status st = LOOM_OK;
    uint32_t *own_level = NULL;
    if (!level) {
        level = own_level = malloc((size_t)n * sizeof *level);
        if (!level)
            return loom_fail(e, LOOM_E_NOMEM, "out of memory computing levels");
    }
    /* CSR of zero-delay neuron->neuron edges by source */
    size_t *off = calloc((size_t)n + 1, sizeof *off);
    uint32_t *indeg = calloc(n, sizeof *indeg);
    uint32_t *queue = malloc((size_t)n * sizeof *queue);
    uint32_t *adj = NULL;
    size_t m = 0;
    if (!off || !indeg || !queue)
        goto nomem;
    for (size_t k = 0; k < net->n_syn; k++)
        if (zero_delay_edge(net, &net->syn[k])) {
            off[net->syn[k].src + 1]++;
            indeg[net->syn[k].dst]++;
            m++;
        }
    for (uint32_t v = 0; v < n; v++)
        off[v + 1] += off[v];
    adj = malloc((m ? m : 1) * sizeof *adj);
    if (!adj)
        goto nomem;
    /* fill using off[] as per-source cursors, then shift them back */
    for (size_t k = 0; k < net->n_syn; k++)
        if (zero_delay_edge(net, &net->syn[k]))
            adj[off[net->syn[k].src]++] = net->syn[k].dst;
    for (uint32_t v = n; v > 0; v--)
        off[v] = off[v - 1];
    off[0] = 0;
    /* Kahn's algorithm: a neuron is queued once all its sources are done */
    size_t qh = 0, qt = 0;
    for (uint32_t v = 0; v < n; v++) {
        level[v] = 0;
        if (indeg[v] == 0)
            queue[qt++] = v;
    }
    uint32_t maxl = 0;
    while (qh < qt) {
        uint32_t u = queue[qh++];
        if (level[u] > maxl)
            maxl = level[u];
        for (size_t j = off[u]; j < off[u + 1]; j++) {
            uint32_t w = adj[j];
            if (level[w] < level[u] + 1)
                level[w] = level[u] + 1;
            if (--indeg[w] == 0)
                queue[qt++] = w;
        }
    }
    if (qt == n) {
        if (n_levels)
            *n_levels = maxl + 1;
        goto done;
    }
    {
        /* A cycle exists.  Every neuron never queued still has an unfinished
         * source, so walking backwards over unfinished sources must revisit
         * a neuron: the revisited stretch is a cycle.  Reuse the buffers:
         * level[] marks finished (UINT32_MAX) neurons, then queue[] holds
         * each neuron's position on the walk. */
        for (uint32_t v = 0; v < n; v++)
            level[v] = 0;
        for (size_t k = 0; k < qt; k++)
            level[queue[k]] = UINT32_MAX;
        /* incoming CSR of syn indices (only edges between unfinished neurons) */
        size_t *ioff = calloc((size_t)n + 1, sizeof *ioff);
        size_t *isyn = NULL, *pedge = NULL;
        uint32_t *pnode = NULL;
        if (!ioff)
            goto nomem;
        size_t mi = 0;
        for (size_t k = 0; k < net->n_syn; k++) {
            const seir_syn *s = &net->syn[k];
            if (zero_delay_edge(net, s) && level[s->src] != UINT32_MAX && level[s->dst] != UINT32_MAX) {
                ioff[s->dst + 1]++;
                mi++;
            }
        }
        for (uint32_t v = 0; v < n; v++)
            ioff[v + 1] += ioff[v];
        isyn = malloc((mi ? mi : 1) * sizeof *isyn);
        pedge = malloc((size_t)n * sizeof *pedge);
        pnode = malloc(((size_t)n + 1) * sizeof *pnode);
        if (!isyn || !pedge || !pnode) {
            free(ioff), free(isyn), free(pedge), free(pnode);
            goto nomem;
        }
        for (size_t k = 0; k < net->n_syn; k++) {
            const seir_syn *s = &net->syn[k];
            if (zero_delay_edge(net, s) && level[s->src] != UINT32_MAX && level[s->dst] != UINT32_MAX)
                isyn[ioff[s->dst]++] = k;
        }
        for (uint32_t v = n; v > 0; v--)
            ioff[v] = ioff[v - 1];
        ioff[0] = 0;
        for (uint32_t v = 0; v < n; v++)
            queue[v] = UINT32_MAX;
        uint32_t u = 0;
        while (level[u] == UINT32_MAX)
            u++;
        size_t len = 0;
        while (queue[u] == UINT32_MAX) {
            queue[u] = (uint32_t)len;
            pnode[len] = u;
            size_t k = isyn[ioff[u]]; /* every unfinished neuron has one */
            pedge[len++] = k;
            u = net->syn[k].src;
        }
        /* walk: pnode[i] <-pedge[i]- pnode[i+1]; cycle is pnode[queue[u]..len) */
        size_t start = queue[u], cl = len - start;
        /* forward order: c[j] = pnode[len-1-j]; the edge c[j] -> c[j+1 mod cl]
         * is the one into c[j+1], pedge[len-1-((j+1) mod cl)] */
#define EDGE_AFTER(j) pedge[len - 1 - (((j) + 1) % cl)]
        size_t best = 0;
        for (size_t j = 0; j < cl; j++)
            if (EDGE_AFTER(j) > EDGE_AFTER(best))
                best = j;
        /* start the text right after the closing edge so it ends with it */
        uint32_t *c = malloc(cl * sizeof *c);
        if (!c) {
            free(ioff), free(isyn), free(pedge), free(pnode);
            goto nomem;
        }
        for (size_t j = 0; j < cl; j++)
            c[j] = pnode[len - 1 - ((best + 1 + j) % cl)];
        if (cycle_syn)
            *cycle_syn = EDGE_AFTER(best);
#undef EDGE_AFTER
        char text[LOOM_ERR_MSG - 64];
        cycle_text(net, c, cl, text, sizeof text);
        st = loom_fail(e, LOOM_E_INVALID, "zero-delay cycle: %s", text);
        free(c), free(ioff), free(isyn), free(pedge), free(pnode);
        goto done;
    }
nomem:
    st = loom_fail(e, LOOM_E_NOMEM, "out of memory computing levels");
done:
    free(off), free(indeg), free(queue), free(adj), free(own_level);
    return st;
}

loom_status seir_levels(const seir_net *net, uint32_t *level, uint32_t *n_levels, loom_err *e)
{
    return seir_levels_ex(net, level, n_levels, NULL, e);
}

/* ---- accumulator proof ------------------------------------------------------ */

loom_status seir_check_acc_ex(const seir_net *net, uint32_t *worst, loom_err *e)
{
    const uint32_t n = net->n_neurons;
    if (n == 0)
        return LOOM_OK;
    uint64_t *sum = calloc(n, sizeof *sum);
    uint64_t *ring = net->n_ring_init ? calloc(n, sizeof *ring) : NULL;
    if (!sum || (net->n_ring_init && !ring)) {
        free(sum), free(ring);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory proving accumulator bounds");
    }
    const uint64_t cap = UINT64_MAX / 4; /* saturate: far above any limit */
    for (size_t k = 0; k < net->n_syn; k++) {
        const seir_syn *s = &net->syn[k];
        if (s->dst >= n)
            continue;
        uint64_t x = 1;
        if (SEIR_IS_INPUT(s->src))
            x = (uint64_t)seir_input_xmax(net, SEIR_SRC_INDEX(s->src));
        uint64_t w = (uint64_t)(s->w < 0 ? -(int64_t)s->w : (int64_t)s->w);
        sum[s->dst] += w * x;
        if (sum[s->dst] > cap)
            sum[s->dst] = cap;
    }
    for (size_t k = 0; k < net->n_ring_init; k++) {
        const seir_ring_init *r = &net->ring_init[k];
        uint64_t a = (uint64_t)(r->value < 0 ? -(int64_t)r->value : (int64_t)r->value);
        if (r->neuron < n && a > ring[r->neuron])
            ring[r->neuron] = a;
    }
    uint32_t wn = 0;
    uint64_t wb = 0;
    for (uint32_t v = 0; v < n; v++) {
        uint64_t b = sum[v] + (ring ? ring[v] : 0);
        if (b > wb)
            wb = b, wn = v;
    }
    const uint64_t limit = (uint64_t)loom_max_s(net->arch.a);
    loom_status st = LOOM_OK;
    if (wb > limit) {
        char nm[SEIR_NAME_MAX + 16];
        if (worst)
            *worst = wn;
        st = loom_fail(e, LOOM_E_INVALID,
                       "neuron %s: accumulator bound %llu exceeds the limit %llu = 2^(A-1)-1 for "
                       "A=%d (sum of |w|*max|x| over its synapses %llu, largest initial ring value %llu)",
                       seir_neuron_name(net, wn, nm, sizeof nm), (unsigned long long)wb,
                       (unsigned long long)limit, net->arch.a, (unsigned long long)sum[wn],
                       (unsigned long long)(ring ? ring[wn] : 0));
    }
    free(sum), free(ring);
    return st;
}

loom_status seir_check_acc(const seir_net *net, loom_err *e)
{
    return seir_check_acc_ex(net, NULL, e);
}
