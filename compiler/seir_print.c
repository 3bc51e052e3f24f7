/*
 * seir_print.c -- the canonical SEIR text of a seir_net.
 *
 * Canonical means: one spelling per network, so that print(parse(print(x)))
 * is byte-identical to print(x).  The order is fixed (header, arch,
 * profiles, input groups, neuron groups, synapses, outputs, initial state),
 * every profile parameter and every synapse delay is written out, outputs
 * are merged into slices, and initial state is written per neuron in neuron
 * order.  Dense-block hints are trusted only after checking that they
 * describe their synapses exactly (and fit one group on each side);
 * otherwise those synapses are printed as `syn` lines, which reparse to the
 * same array.  docs/seir.md describes the format.
 *
 * Speed: networks of 1e8 synapses get printed, so the hot path formats
 * integers and names by hand into a private 1 MiB buffer (no printf per
 * synapse), and every step is linear apart from sorting the ring inits.
 */
#include "seir.h"

#include "afile.h"
#include "seir_text.h"
#include "loom_cmp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUT_BUF (1u << 20)

typedef struct out {
    FILE *f;
    char *buf;
    size_t n;
    int failed;
} out;

static void out_flush(out *o)
{
    if (o->n && !o->failed && fwrite(o->buf, 1, o->n, o->f) != o->n)
        o->failed = errno ? errno : EIO;
    o->n = 0;
}

/* Makes room for `need` bytes (need <= OUT_BUF). */
static inline char *out_room(out *o, size_t need)
{
    if (o->n + need > OUT_BUF)
        out_flush(o);
    return o->buf + o->n;
}

static void out_mem(out *o, const char *s, size_t len)
{
    while (len) {
        size_t k = len < OUT_BUF / 2 ? len : OUT_BUF / 2;
        memcpy(out_room(o, k), s, k);
        o->n += k;
        s += k;
        len -= k;
    }
}

static void out_str(out *o, const char *s) { out_mem(o, s, strlen(s)); }

static inline void out_ch(out *o, char c)
{
    *out_room(o, 1) = c;
    o->n++;
}

static inline void out_i64(out *o, int64_t v)
{
    char tmp[24], *p = tmp + sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    out_mem(o, p, (size_t)(tmp + sizeof tmp - p));
}

/* ---- names ---------------------------------------------------------------- */

/* Group lookup with a one-entry cache: consecutive synapses usually stay in
 * the same group. */
typedef struct gset {
    const seir_group *g;
    uint32_t n, total;
    uint32_t last;
    size_t *len; /* strlen of each group name */
} gset;

static uint32_t gset_find(gset *s, uint32_t idx)
{
    const seir_group *g = s->g;
    if (s->last < s->n && idx >= g[s->last].first && idx - g[s->last].first < g[s->last].count)
        return s->last;
    return s->last = seir_group_find(g, s->n, idx);
}

/* Writes the member name of index idx ("h[3]" or "out"); "#idx" when it is
 * outside every group (only for nets that would fail validation). */
static void out_member(out *o, gset *s, uint32_t idx)
{
    if (idx >= s->total || s->n == 0) {
        out_ch(o, '#');
        out_i64(o, idx);
        return;
    }
    uint32_t k = gset_find(s, idx);
    out_mem(o, s->g[k].name, s->len[k]);
    if (s->g[k].is_array) {
        out_ch(o, '[');
        out_i64(o, idx - s->g[k].first);
        out_ch(o, ']');
    }
}

/* A reference to [first, first+count) as one token: the group name when it
 * is the whole group, name[i] or name[i..j] for part of an array group.
 * Returns 0, or -1 when the range is not inside one group. */
static int range_ok(gset *s, uint32_t first, uint32_t count)
{
    if (count == 0 || first >= s->total || s->n == 0)
        return -1;
    const seir_group *g = &s->g[gset_find(s, first)];
    return (uint64_t)first + count <= (uint64_t)g->first + g->count ? 0 : -1;
}

static void out_range(out *o, gset *s, uint32_t first, uint32_t count)
{
    uint32_t k = gset_find(s, first);
    const seir_group *g = &s->g[k];
    out_mem(o, g->name, s->len[k]);
    if (first == g->first && count == g->count)
        return;
    out_ch(o, '[');
    out_i64(o, first - g->first);
    if (count > 1) {
        out_mem(o, "..", 2);
        out_i64(o, first + count - 1 - g->first);
    }
    out_ch(o, ']');
}

/* ---- dense blocks ------------------------------------------------------------ */

/* 1 when block b describes synapses [syn_first, +syn_count) exactly. */
static int dense_ok(const seir_net *net, const seir_dense *b, gset *in, gset *neu)
{
    if (b->syn_first > net->n_syn || b->syn_count > net->n_syn - b->syn_first)
        return 0;
    if (range_ok(b->src_is_input ? in : neu, b->src_first, b->src_count) ||
        range_ok(neu, b->dst_first, b->dst_count) || b->d > (uint32_t)net->arch.d)
        return 0;
    const uint32_t tag = b->src_is_input ? SEIR_SRC_INPUT : 0;
    uint64_t prev = 0;
    for (size_t k = b->syn_first; k < b->syn_first + b->syn_count; k++) {
        const seir_syn *s = &net->syn[k];
        if ((s->src & SEIR_SRC_INPUT) != tag || s->d != b->d || s->w == 0)
            return 0;
        uint32_t c = SEIR_SRC_INDEX(s->src) - b->src_first, r = s->dst - b->dst_first;
        if (SEIR_SRC_INDEX(s->src) < b->src_first || c >= b->src_count || s->dst < b->dst_first ||
            r >= b->dst_count)
            return 0;
        uint64_t pos = (uint64_t)r * b->src_count + c + 1; /* strictly increasing */
        if (pos <= prev)
            return 0;
        prev = pos;
    }
    return 1;
}

static void print_dense(out *o, const seir_net *net, const seir_dense *b, gset *in, gset *neu)
{
    out_mem(o, "dense ", 6);
    out_range(o, b->src_is_input ? in : neu, b->src_first, b->src_count);
    out_ch(o, ' ');
    out_range(o, neu, b->dst_first, b->dst_count);
    out_mem(o, " d=", 3);
    out_i64(o, b->d);
    out_ch(o, '\n');
    size_t k = b->syn_first, end = b->syn_first + b->syn_count;
    for (uint32_t r = 0; r < b->dst_count; r++) {
        out_ch(o, ' ');
        for (uint32_t c = 0; c < b->src_count; c++) {
            out_ch(o, ' ');
            const seir_syn *s = k < end ? &net->syn[k] : NULL;
            if (s && s->dst == b->dst_first + r && SEIR_SRC_INDEX(s->src) == b->src_first + c) {
                out_i64(o, s->w);
                k++;
            } else {
                out_ch(o, '0');
            }
        }
        out_ch(o, '\n');
    }
    out_mem(o, "end\n", 4);
}

typedef struct dref {
    size_t first;
    uint32_t idx;
} dref;

static int cmp_dref(const void *a, const void *b)
{
    const dref *x = a, *y = b;
    return LOOM_CMP_KEYS(x, y, first, idx);
}

static int cmp_ring(const void *a, const void *b)
{
    const seir_ring_init *x = a, *y = b;
    if (x->neuron != y->neuron)
        return x->neuron < y->neuron ? -1 : 1;
    return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static const char *reset_name(seir_reset r)
{
    switch (r) {
    case SEIR_RESET_ZERO: return "zero";
    case SEIR_RESET_SUBTRACT: return "subtract";
    case SEIR_RESET_NONE: return "none";
    }
    return "?";
}

static void out_kv(out *o, const char *key, int64_t v)
{
    out_ch(o, ' ');
    out_str(o, key);
    out_ch(o, '=');
    out_i64(o, v);
}

/* ---- the whole net -------------------------------------------------------- */

static loom_status print_net(const seir_net *net, out *o, loom_err *e)
{
    loom_status st = LOOM_OK;
    size_t *len = malloc(((size_t)net->n_input_groups + net->n_neuron_groups + 1) * sizeof *len);
    dref *dr = malloc(((size_t)net->n_dense + 1) * sizeof *dr);
    seir_ring_init *ring = malloc((net->n_ring_init + 1) * sizeof *ring);
    if (!len || !dr || !ring) {
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory printing SEIR");
        goto done;
    }
    gset in = {net->input_groups, net->n_input_groups, net->n_inputs, 0, len};
    gset neu = {net->neuron_groups, net->n_neuron_groups, net->n_neurons, 0,
                len + net->n_input_groups};
    for (uint32_t k = 0; k < net->n_input_groups; k++)
        in.len[k] = strlen(net->input_groups[k].name);
    for (uint32_t k = 0; k < net->n_neuron_groups; k++)
        neu.len[k] = strlen(net->neuron_groups[k].name);

    out_mem(o, "seir 1\n", 7);
    out_str(o, "arch");
    out_kv(o, "W", net->arch.w);
    out_kv(o, "S", net->arch.s);
    out_kv(o, "A", net->arch.a);
    out_kv(o, "D", net->arch.d);
    out_ch(o, '\n');
    for (uint32_t k = 0; k < net->n_profiles; k++) {
        const seir_profile *p = &net->profiles[k];
        out_str(o, "profile ");
        out_str(o, p->name);
        out_kv(o, "a_syn", p->a_syn);
        out_kv(o, "a_mem", p->a_mem);
        out_kv(o, "theta", p->theta);
        out_kv(o, "v_reset", p->v_reset);
        out_str(o, " reset=");
        out_str(o, reset_name(p->reset));
        out_kv(o, "shift", p->shift);
        out_kv(o, "bias", p->bias);
        out_ch(o, '\n');
    }
    for (uint32_t k = 0; k < net->n_input_groups; k++) {
        const seir_group *g = &net->input_groups[k];
        out_str(o, "input ");
        out_str(o, g->name);
        if (g->is_array) {
            out_ch(o, '[');
            out_i64(o, g->count);
            out_ch(o, ']');
        }
        out_str(o, g->kind == SEIR_IN_GRADED ? " graded" : " spike");
        if (g->kind == SEIR_IN_GRADED && net->input_max && net->input_max[g->first]) {
            out_str(o, " max=");
            out_i64(o, net->input_max[g->first]);
        }
        out_ch(o, '\n');
    }
    for (uint32_t k = 0; k < net->n_neuron_groups; k++) {
        const seir_group *g = &net->neuron_groups[k];
        out_str(o, "neuron ");
        out_str(o, g->name);
        if (g->is_array) {
            out_ch(o, '[');
            out_i64(o, g->count);
            out_ch(o, ']');
        }
        out_ch(o, ' ');
        out_str(o, g->kind < net->n_profiles ? net->profiles[g->kind].name : "?");
        out_ch(o, '\n');
    }
    /* per-neuron biases: one line per group that has any */
    for (uint32_t k = 0; net->neuron_bias && k < net->n_neuron_groups; k++) {
        const seir_group *g = &net->neuron_groups[k];
        uint32_t j = 0;
        while (j < g->count && net->neuron_bias[g->first + j] == 0)
            j++;
        if (j == g->count)
            continue;
        out_str(o, "bias ");
        out_range(o, &neu, g->first, g->count);
        for (j = 0; j < g->count; j++) {
            out_ch(o, ' ');
            out_i64(o, net->neuron_bias[g->first + j]);
        }
        out_ch(o, '\n');
    }

    /* synapses: trusted dense blocks at their first synapse, the rest as syn */
    uint32_t nd = 0;
    size_t covered = 0;
    for (uint32_t k = 0; k < net->n_dense; k++)
        dr[k] = (dref){net->dense[k].syn_first, k};
    qsort(dr, net->n_dense, sizeof *dr, cmp_dref);
    for (uint32_t k = 0; k < net->n_dense; k++) {
        const seir_dense *b = &net->dense[dr[k].idx];
        if (b->syn_first >= covered && dense_ok(net, b, &in, &neu)) {
            dr[nd++] = dr[k];
            covered = b->syn_first + b->syn_count;
        }
    }
    uint32_t di = 0;
    for (size_t k = 0; k <= net->n_syn;) {
        if (di < nd && dr[di].first == k) {
            const seir_dense *b = &net->dense[dr[di++].idx];
            print_dense(o, net, b, &in, &neu);
            k += b->syn_count;
            continue;
        }
        if (k == net->n_syn)
            break;
        const seir_syn *s = &net->syn[k++];
        out_mem(o, "syn ", 4);
        if (SEIR_IS_INPUT(s->src))
            out_member(o, &in, SEIR_SRC_INDEX(s->src));
        else
            out_member(o, &neu, s->src);
        out_ch(o, ' ');
        out_member(o, &neu, s->dst);
        out_ch(o, ' ');
        out_i64(o, s->w);
        out_ch(o, ' ');
        out_i64(o, s->d);
        out_ch(o, '\n');
        if (o->failed)
            break;
    }

    /* outputs: runs of consecutive neurons of one group and one kind */
    for (uint32_t k = 0; k < net->n_outputs;) {
        const seir_output *a = &net->outputs[k];
        uint32_t m = 1;
        if (a->neuron < net->n_neurons && neu.n) {
            uint32_t g = gset_find(&neu, a->neuron);
            uint32_t gend = net->neuron_groups[g].first + net->neuron_groups[g].count;
            while (k + m < net->n_outputs && net->outputs[k + m].kind == a->kind &&
                   net->outputs[k + m].neuron == a->neuron + m && a->neuron + m < gend)
                m++;
            out_str(o, "output ");
            out_range(o, &neu, a->neuron, m);
        } else {
            out_str(o, "output ");
            out_member(o, &neu, a->neuron);
        }
        out_str(o, a->kind == SEIR_OUT_V ? " v\n" : " spike\n");
        k += m;
    }

    /* initial state per neuron: i/v, then pending input by slot */
    if (net->n_ring_init)
        memcpy(ring, net->ring_init, net->n_ring_init * sizeof *ring);
    qsort(ring, net->n_ring_init, sizeof *ring, cmp_ring);
    size_t ri = 0;
    for (uint32_t n = 0; n < net->n_neurons; n++) {
        int32_t i = net->init_i ? net->init_i[n] : 0, v = net->init_v ? net->init_v[n] : 0;
        if (i || v) {
            out_str(o, "init ");
            out_member(o, &neu, n);
            out_kv(o, "i", i);
            out_kv(o, "v", v);
            out_ch(o, '\n');
        }
        while (ri < net->n_ring_init && ring[ri].neuron < n)
            ri++;
        int started = 0;
        while (ri < net->n_ring_init && ring[ri].neuron == n) {
            uint32_t slot = ring[ri].slot;
            int64_t sum = 0;
            for (; ri < net->n_ring_init && ring[ri].neuron == n && ring[ri].slot == slot; ri++)
                sum += ring[ri].value;
            if (sum == 0)
                continue;
            if (!started) {
                out_str(o, "init ");
                out_member(o, &neu, n);
                out_str(o, " ring");
                started = 1;
            }
            out_ch(o, ' ');
            out_i64(o, slot);
            out_ch(o, '=');
            out_i64(o, sum);
        }
        if (started)
            out_ch(o, '\n');
    }
    /* ring entries of neurons that do not exist (invalid nets only) */
    for (; ri < net->n_ring_init; ri++) {
        out_str(o, "init ");
        out_member(o, &neu, ring[ri].neuron);
        out_str(o, " ring ");
        out_i64(o, ring[ri].slot);
        out_ch(o, '=');
        out_i64(o, ring[ri].value);
        out_ch(o, '\n');
    }
done:
    free(len), free(dr), free(ring);
    return st;
}

loom_status seir_print(const seir_net *net, FILE *f, loom_err *e)
{
    out o = {f, malloc(OUT_BUF), 0, 0};
    if (!o.buf)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory printing SEIR");
    errno = 0;
    loom_status st = print_net(net, &o, e);
    out_flush(&o);
    free(o.buf);
    if (st == LOOM_OK && (o.failed || fflush(f) != 0))
        st = loom_fail(e, LOOM_E_IO, "writing SEIR failed: %s", strerror(o.failed ? o.failed : errno));
    return st;
}

/* Through afile.h: a regular file is replaced only when the whole text
 * was written, so "-o" may name the input and a failure keeps the old file. */
loom_status seir_print_file(const seir_net *net, const char *path, loom_err *e)
{
    if (strcmp(path, "-") == 0)
        return seir_print(net, stdout, e);
    afile *a;
    loom_status st = afile_open(path, &a, e);
    if (st)
        return st;
    st = seir_print(net, afile_fp(a), e);
    if (st == LOOM_E_IO)
        loom_err_prefix(e, "%s", path);
    if (st) {
        afile_discard(a);
        return st;
    }
    return afile_commit(a, e);
}
