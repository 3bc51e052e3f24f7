/*
 * seir_net.c -- building, naming and freeing seir_net networks.
 *
 * The builder only grows arrays and keeps the bookkeeping invariants of
 * seir.h (groups tile the index space, neuron_profile mirrors the groups).
 * Range rules belong to seir_validate, so nothing here rejects a value.
 */
#include "seir.h"
#include "loom_mem.h"

#include <stdlib.h>
#include <string.h>

void seir_arch_default(seir_arch *a)
{
    a->w = SEIR_ARCH_DEFAULT_W;
    a->s = SEIR_ARCH_DEFAULT_S;
    a->a = SEIR_ARCH_DEFAULT_A;
    a->d = SEIR_ARCH_DEFAULT_D;
}

loom_status seir_arch_check(const seir_arch *a, loom_err *e)
{
    if (a->w < 2 || a->w > 16)
        return loom_fail(e, LOOM_E_INVALID, "arch W=%d out of range: weight bits must be 2..16", a->w);
    if (a->s < 4 || a->s > 32)
        return loom_fail(e, LOOM_E_INVALID, "arch S=%d out of range: state bits must be 4..32", a->s);
    if (a->a < 4 || a->a > 32)
        return loom_fail(e, LOOM_E_INVALID, "arch A=%d out of range: accumulator bits must be 4..32", a->a);
    if (a->d < 0 || a->d > 255)
        return loom_fail(e, LOOM_E_INVALID, "arch D=%d out of range: max delay must be 0..255", a->d);
    return LOOM_OK;
}

void seir_profile_default(seir_profile *p)
{
    p->name = NULL;
    p->a_syn = SEIR_PROFILE_DEFAULT_A_SYN;
    p->a_mem = SEIR_PROFILE_DEFAULT_A_MEM;
    p->theta = SEIR_PROFILE_DEFAULT_THETA;
    p->v_reset = SEIR_PROFILE_DEFAULT_V_RESET;
    p->reset = SEIR_RESET_ZERO;
    p->shift = SEIR_PROFILE_DEFAULT_SHIFT;
    p->bias = SEIR_PROFILE_DEFAULT_BIAS;
}

void seir_profile_gate(seir_profile *p, const char *name, int32_t theta, int32_t bias,
                       seir_reset reset)
{
    seir_profile_default(p);
    p->name = (char *)name;
    p->a_syn = 0;
    p->a_mem = 0;
    p->theta = theta;
    p->v_reset = 0;
    p->reset = reset;
    p->shift = 0;
    p->bias = bias;
}

static char *dupstr(const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

seir_net *seir_net_new(const seir_arch *a)
{
    seir_net *net = calloc(1, sizeof *net);
    if (!net)
        return NULL;
    if (a)
        net->arch = *a;
    else
        seir_arch_default(&net->arch);
    return net;
}

void seir_net_free(seir_net *net)
{
    if (!net)
        return;
    for (uint32_t k = 0; k < net->n_profiles; k++)
        free(net->profiles[k].name);
    for (uint32_t k = 0; k < net->n_input_groups; k++)
        free(net->input_groups[k].name);
    for (uint32_t k = 0; k < net->n_neuron_groups; k++)
        free(net->neuron_groups[k].name);
    LOOM_FREE(net->profiles, net->input_kind, net->input_max, net->input_groups, net->neuron_profile,
              net->neuron_groups, net->syn, net->dense, net->outputs, net->neuron_bias, net->init_i,
              net->init_v, net->ring_init, net->ring_index, net);
}

int32_t seir_add_profile(seir_net *net, const seir_profile *p)
{
    if (LOOM_GROW(net->profiles, net->cap_profiles, (size_t)net->n_profiles + 1, 16))
        return -1;
    seir_profile *q = &net->profiles[net->n_profiles];
    *q = *p;
    q->name = dupstr(p->name);
    if (!q->name)
        return -1;
    return (int32_t)net->n_profiles++;
}

int32_t seir_find_profile(const seir_net *net, const char *name)
{
    for (uint32_t k = 0; k < net->n_profiles; k++)
        if (strcmp(net->profiles[k].name, name) == 0)
            return (int32_t)k;
    return -1;
}

static int32_t find_group(const seir_group *g, uint32_t n, const char *name)
{
    for (uint32_t k = 0; k < n; k++)
        if (strcmp(g[k].name, name) == 0)
            return (int32_t)k;
    return -1;
}

int32_t seir_find_neuron_group(const seir_net *net, const char *name)
{
    return find_group(net->neuron_groups, net->n_neuron_groups, name);
}

int32_t seir_find_input_group(const seir_net *net, const char *name)
{
    return find_group(net->input_groups, net->n_input_groups, name);
}

/* Grows an optional per-member array (NULL: none, nothing to do) from old
 * to need members, the new ones zero. */
static int extend_zero(int32_t **arr, size_t old, size_t need)
{
    if (!*arr)
        return 0;
    int32_t *p = realloc(*arr, need * sizeof *p);
    if (!p)
        return -1;
    memset(p + old, 0, (need - old) * sizeof *p);
    *arr = p;
    return 0;
}

/* Appends the group {name, first, count, is_array, kind} to g[*n] (the
 * caller made room). */
static int put_group(seir_group *g, uint32_t *n, const char *name, uint32_t first, uint32_t count,
                     int is_array, uint32_t kind)
{
    char *nm = dupstr(name);
    if (!nm)
        return -1;
    g[(*n)++] = (seir_group){nm, first, count, is_array, kind};
    return 0;
}

/* Appends `count` neurons (inputs 0) or input channels (inputs 1) as one
 * group whose kind is the neurons' profile or the channels' input kind. */
static int64_t add_group(seir_net *net, int inputs, const char *name, uint32_t count, int is_array,
                         uint32_t kind)
{
    uint32_t *members = inputs ? &net->n_inputs : &net->n_neurons;
    const size_t first = *members, need = first + count;
    if (count == 0 || need > SEIR_SRC_INPUT - 1)
        return -1;
    /* room for the group, its members and the per-member arrays that exist */
    int fail = inputs ? LOOM_GROW(net->input_groups, net->cap_input_groups, (size_t)net->n_input_groups + 1, 16) ||
                            LOOM_GROW(net->input_kind, net->cap_inputs, need, 16) ||
                            extend_zero(&net->input_max, first, need)
                      : LOOM_GROW(net->neuron_groups, net->cap_neuron_groups, (size_t)net->n_neuron_groups + 1, 16) ||
                            LOOM_GROW(net->neuron_profile, net->cap_neurons, need, 16) ||
                            extend_zero(&net->init_i, first, need) || extend_zero(&net->init_v, first, need) ||
                            extend_zero(&net->neuron_bias, first, need);
    if (fail || put_group(inputs ? net->input_groups : net->neuron_groups,
                          inputs ? &net->n_input_groups : &net->n_neuron_groups, name, (uint32_t)first, count,
                          is_array, kind))
        return -1;
    if (inputs)
        memset(net->input_kind + first, (int)kind, count);
    for (uint32_t k = 0; !inputs && k < count; k++)
        net->neuron_profile[first + k] = kind;
    *members += count;
    return (int64_t)first;
}

int64_t seir_add_neurons(seir_net *net, const char *name, uint32_t count, int is_array, uint32_t profile)
{
    return add_group(net, 0, name, count, is_array, profile);
}

int64_t seir_add_inputs(seir_net *net, const char *name, uint32_t count, int is_array, seir_input_kind kind)
{
    return add_group(net, 1, name, count, is_array, (uint32_t)kind);
}

int seir_set_input_max(seir_net *net, uint32_t first, uint32_t count, int32_t max)
{
    if (max < 1 || max > 32767 || first > net->n_inputs || count > net->n_inputs - first)
        return -1;
    if (!net->input_max) {
        net->input_max = calloc(net->n_inputs ? net->n_inputs : 1, sizeof *net->input_max);
        if (!net->input_max)
            return -1;
    }
    for (uint32_t c = first; c < first + count; c++)
        net->input_max[c] = max;
    return 0;
}

int seir_reserve_syn(seir_net *net, size_t extra)
{
    return LOOM_GROW(net->syn, net->cap_syn, net->n_syn + extra, 16);
}

int seir_add_syn(seir_net *net, uint32_t src, uint32_t dst, int32_t w, uint32_t d)
{
    if (net->n_syn == net->cap_syn && seir_reserve_syn(net, 1))
        return -1;
    net->syn[net->n_syn++] = (seir_syn){src, dst, w, d};
    return 0;
}

int seir_add_dense(seir_net *net, int src_is_input, uint32_t src_first,
                   uint32_t src_count, uint32_t dst_first, uint32_t dst_count,
                   uint32_t d, const int32_t *weights)
{
    if (LOOM_GROW(net->dense, net->cap_dense, (size_t)net->n_dense + 1, 16))
        return -1;
    size_t nz = 0;
    for (size_t k = 0; k < (size_t)src_count * dst_count; k++)
        nz += weights[k] != 0;
    if (seir_reserve_syn(net, nz))
        return -1;
    seir_dense *b = &net->dense[net->n_dense];
    b->src_is_input = src_is_input;
    b->src_first = src_first;
    b->src_count = src_count;
    b->dst_first = dst_first;
    b->dst_count = dst_count;
    b->d = d;
    b->syn_first = net->n_syn;
    uint32_t tag = src_is_input ? SEIR_SRC_INPUT : 0;
    for (uint32_t r = 0; r < dst_count; r++)
        for (uint32_t c = 0; c < src_count; c++) {
            int32_t w = weights[(size_t)r * src_count + c];
            if (w)
                net->syn[net->n_syn++] = (seir_syn){tag | (src_first + c), dst_first + r, w, d};
        }
    b->syn_count = net->n_syn - b->syn_first;
    net->n_dense++;
    return 0;
}

int seir_add_output(seir_net *net, uint32_t neuron, seir_out_kind kind)
{
    if (LOOM_GROW(net->outputs, net->cap_outputs, (size_t)net->n_outputs + 1, 16))
        return -1;
    net->outputs[net->n_outputs++] = (seir_output){neuron, kind};
    return 0;
}

int seir_set_init(seir_net *net, uint32_t neuron, int32_t i, int32_t v)
{
    if (!net->init_i) {
        net->init_i = calloc(net->n_neurons ? net->n_neurons : 1, sizeof *net->init_i);
        net->init_v = calloc(net->n_neurons ? net->n_neurons : 1, sizeof *net->init_v);
        if (!net->init_i || !net->init_v)
            return -1;
    }
    net->init_i[neuron] = i;
    net->init_v[neuron] = v;
    return 0;
}

int seir_set_bias(seir_net *net, uint32_t neuron, int32_t bias)
{
    if (!net->neuron_bias) {
        net->neuron_bias = calloc(net->n_neurons ? net->n_neurons : 1, sizeof *net->neuron_bias);
        if (!net->neuron_bias)
            return -1;
    }
    net->neuron_bias[neuron] = bias;
    return 0;
}

static size_t ring_hash(uint32_t neuron, uint32_t slot, size_t cap)
{
    uint64_t h = ((uint64_t)neuron << 8 | slot) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 17) & (cap - 1);
}

/* Entry k's place in the index (index slots hold k + 1; 0 = empty). */
static void ring_index_put(seir_net *net, size_t k)
{
    size_t h = ring_hash(net->ring_init[k].neuron, net->ring_init[k].slot, net->ring_index_cap);
    while (net->ring_index[h])
        h = (h + 1) & (net->ring_index_cap - 1);
    net->ring_index[h] = k + 1;
}

/* Makes the index cover every entry with room for one more, load <= 1/2. */
static int ring_index_sync(seir_net *net)
{
    size_t want = net->ring_index_cap ? net->ring_index_cap : 64;
    while (want < 2 * (net->n_ring_init + 1))
        want *= 2;
    if (want == net->ring_index_cap && net->ring_indexed == net->n_ring_init)
        return 0;
    size_t *idx = calloc(want, sizeof *idx);
    if (!idx)
        return -1;
    free(net->ring_index);
    net->ring_index = idx;
    net->ring_index_cap = want;
    for (size_t k = 0; k < net->n_ring_init; k++)
        ring_index_put(net, k);
    net->ring_indexed = net->n_ring_init;
    return 0;
}

int seir_add_ring_init(seir_net *net, uint32_t neuron, uint32_t slot, int32_t value)
{
    if (ring_index_sync(net))
        return -1;
    size_t h = ring_hash(neuron, slot, net->ring_index_cap);
    for (; net->ring_index[h]; h = (h + 1) & (net->ring_index_cap - 1)) {
        seir_ring_init *r = &net->ring_init[net->ring_index[h] - 1];
        if (r->neuron == neuron && r->slot == slot) {
            /* sums wrap like the accumulator they preload (mod 2^32 here,
             * mod 2^A when read), never overflow as C ints */
            r->value = (int32_t)((uint32_t)r->value + (uint32_t)value);
            return 0;
        }
    }
    if (LOOM_GROW(net->ring_init, net->cap_ring_init, net->n_ring_init + 1, 16))
        return -1;
    net->ring_init[net->n_ring_init++] = (seir_ring_init){neuron, slot, value};
    ring_index_put(net, net->n_ring_init - 1);
    net->ring_indexed = net->n_ring_init;
    return 0;
}

uint32_t seir_group_find(const seir_group *g, uint32_t n, uint32_t idx)
{
    uint32_t lo = 0, hi = n;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (g[mid].first <= idx)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

uint32_t seir_neuron_group_of(const seir_net *net, uint32_t n)
{
    return seir_group_find(net->neuron_groups, net->n_neuron_groups, n);
}

uint32_t seir_input_group_of(const seir_net *net, uint32_t c)
{
    return seir_group_find(net->input_groups, net->n_input_groups, c);
}

static char *member_name(const seir_group *g, uint32_t idx, char *buf, size_t len)
{
    if (g->is_array)
        snprintf(buf, len, "%s[%u]", g->name, idx - g->first);
    else
        snprintf(buf, len, "%s", g->name);
    return buf;
}

char *seir_neuron_name(const seir_net *net, uint32_t n, char *buf, size_t len)
{
    if (n >= net->n_neurons) {
        snprintf(buf, len, "#%u", n);
        return buf;
    }
    return member_name(&net->neuron_groups[seir_neuron_group_of(net, n)], n, buf, len);
}

char *seir_input_name(const seir_net *net, uint32_t c, char *buf, size_t len)
{
    if (c >= net->n_inputs) {
        snprintf(buf, len, "#in%u", c);
        return buf;
    }
    return member_name(&net->input_groups[seir_input_group_of(net, c)], c, buf, len);
}
