/*
 * nir_lower.c -- an NIR graph in machine terms: populations of neurons and
 * the float weights and delays of every neuron's inputs.
 *
 * Numbering (the compiled net's, and the float reference's): input channels
 * are the elements of the Input nodes in topological order (C order inside
 * a multi-dimensional Input); neurons are the elements of the neuron nodes
 * (LIF, CubaLIF, LI, IF, I, Threshold) in topological order, then one
 * read-out population per Output that is not fed directly by a neuron node
 * (at its place in the order).
 *
 * Everything between populations is linear in the spikes: Affine, Linear,
 * Scale, Conv1d/2d, SumPool2d, AvgPool2d, Flatten, Delay and edges (edges
 * into one node add up).  So each neuron's input u is a sum of terms
 * w * x_src(t - d), where x is a channel's value or a neuron's spike, plus
 * a constant (the biases of the Affine and Conv nodes on the way).  The terms of a node's output are computed once
 * per node (memoised) by pushing its input terms through the node's
 * operation; equal (src, d) pairs are merged.  A back edge adds one step of
 * delay.  A cycle that passes no neuron would be an infinite sum and is
 * refused; so is an LI or I node feeding anything but an Output, because
 * only spikes travel on the machine's synapses.
 */
#include "nir_int.h"
#include "loom_mem.h"
#include "loom_cmp.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BIAS_SRC 0x7FFFFFFFu /* placeholder source of bias terms until numbering ends */

typedef struct tmap {
    size_t n;      /* elements */
    size_t *off;   /* [n + 1] */
    nir_term *t;
} tmap;

typedef struct tbuf {
    size_t n, cap;
    uint32_t *elem;
    nir_term *t;
} tbuf;

typedef struct lw {
    nir_graph *g;
    loom_err *e;
    double dt;
    tmap *maps;       /* per node, memoised output terms */
    uint8_t *state;   /* 0 none, 1 in progress, 2 done */
    int32_t *pop_of_node;
    int32_t *chan_of_node; /* first channel of an Input node, -1 otherwise */
} lw;

static void tmap_free(tmap *m)
{
    free(m->off);
    free(m->t);
    memset(m, 0, sizeof *m);
}

static void tb_free(tbuf *b)
{
    free(b->elem);
    free(b->t);
    memset(b, 0, sizeof *b);
}

static int tb_push(tbuf *b, uint32_t elem, uint32_t src, uint32_t d, double w)
{
    if (w == 0.0)
        return 0;
    size_t ce = b->cap, ct = b->cap; /* two arrays, one capacity */
    if (LOOM_GROW(b->elem, ce, b->n + 1, 1024) || LOOM_GROW(b->t, ct, b->n + 1, 1024))
        return -1;
    b->cap = ct;
    b->elem[b->n] = elem;
    b->t[b->n].src = src;
    b->t[b->n].d = d;
    b->t[b->n].w = w;
    b->n++;
    return 0;
}

static int term_cmp(const void *a, const void *b)
{
    const nir_term *x = a, *y = b;
    return LOOM_CMP_KEYS(x, y, src, d);
}

/* Groups b by element (n_elem elements), sorts and merges each element's
 * terms.  Frees b's arrays.  0 or -1 (OOM). */
static int tmap_from(tbuf *b, size_t n_elem, tmap *m)
{
    memset(m, 0, sizeof *m);
    m->n = n_elem;
    m->off = calloc(n_elem + 1, sizeof *m->off);
    m->t = malloc((b->n ? b->n : 1) * sizeof *m->t);
    if (!m->off || !m->t) {
        tb_free(b);
        tmap_free(m);
        return -1;
    }
    for (size_t i = 0; i < b->n; i++)
        m->off[b->elem[i] + 1]++;
    for (size_t i = 0; i < n_elem; i++)
        m->off[i + 1] += m->off[i];
    size_t *pos = malloc((n_elem + 1) * sizeof *pos);
    if (!pos) {
        tb_free(b);
        tmap_free(m);
        return -1;
    }
    memcpy(pos, m->off, (n_elem + 1) * sizeof *pos);
    for (size_t i = 0; i < b->n; i++)
        m->t[pos[b->elem[i]]++] = b->t[i];
    free(pos);
    tb_free(b);
    /* sort and merge in place, compacting */
    size_t w = 0;
    for (size_t i = 0; i < n_elem; i++) {
        size_t lo = m->off[i], hi = m->off[i + 1];
        qsort(m->t + lo, hi - lo, sizeof *m->t, term_cmp);
        size_t start = w;
        for (size_t k = lo; k < hi; k++) {
            if (w > start && m->t[w - 1].src == m->t[k].src && m->t[w - 1].d == m->t[k].d)
                m->t[w - 1].w += m->t[k].w;
            else
                m->t[w++] = m->t[k];
        }
        /* drop exact cancellations */
        size_t w2 = start;
        for (size_t k = start; k < w; k++)
            if (m->t[k].w != 0.0)
                m->t[w2++] = m->t[k];
        w = w2;
        m->off[i] = start;
    }
    m->off[n_elem] = w;
    return 0;
}

static int is_neuron(nir_kind k)
{
    return k == NIR_LIF || k == NIR_CUBALIF || k == NIR_LI || k == NIR_IF || k == NIR_I || k == NIR_THRESHOLD;
}

static loom_status oom(lw *L) { return loom_fail(L->e, LOOM_E_NOMEM, "%s: out of memory", L->g->path); }

static loom_status node_out(lw *L, uint32_t ni, const tmap **out);

/* Sum of the outputs of node ni's predecessors (back edges one step late). */
static loom_status input_map(lw *L, uint32_t ni, tmap *m)
{
    nir_graph *g = L->g;
    tbuf b;
    memset(&b, 0, sizeof b);
    for (uint32_t k = 0; k < g->n_edges; k++) {
        const nir_edge *ed = &g->edges[k];
        if (ed->dst != ni)
            continue;
        const tmap *pm = NULL;
        loom_status st = node_out(L, ed->src, &pm);
        if (st) {
            tb_free(&b);
            return st;
        }
        for (size_t el = 0; el < pm->n && el < g->nodes[ni].in_size; el++)
            for (size_t q = pm->off[el]; q < pm->off[el + 1]; q++)
                if (tb_push(&b, (uint32_t)el, pm->t[q].src, pm->t[q].d + (ed->back ? 1u : 0u), pm->t[q].w)) {
                    tb_free(&b);
                    return oom(L);
                }
    }
    if (tmap_from(&b, g->nodes[ni].in_size, m))
        return oom(L);
    return LOOM_OK;
}

static double pval(const nir_array *a, size_t i, double def)
{
    if (!a || a->n == 0)
        return def;
    return a->v[a->n == 1 ? 0 : i];
}

/* Pushes every term of input element j, scaled by w, to output element o. */
static int fwd(tbuf *b, const tmap *in, size_t j, uint32_t o, double w, uint32_t dd)
{
    if (w == 0.0)
        return 0;
    for (size_t q = in->off[j]; q < in->off[j + 1]; q++)
        if (tb_push(b, o, in->t[q].src, in->t[q].d + dd, in->t[q].w * w))
            return -1;
    return 0;
}

static loom_status apply_op(lw *L, const nir_node *n, const tmap *in, tmap *out)
{
    tbuf b;
    memset(&b, 0, sizeof b);
    int bad = 0;
    switch (n->kind) {
    case NIR_AFFINE:
    case NIR_LINEAR: {
        const nir_array *w = nir_param(n, "weight"), *bias = nir_param(n, "bias");
        size_t no = (size_t)w->dims[0], ni = (size_t)w->dims[1];
        for (size_t o = 0; o < no && !bad; o++) {
            for (size_t j = 0; j < ni && !bad; j++)
                bad = fwd(&b, in, j, (uint32_t)o, w->v[o * ni + j], 0);
            if (bias && !bad) {
                double bv = pval(bias, o, 0);
                if (bv != 0.0) {
                    bad = tb_push(&b, (uint32_t)o, BIAS_SRC, 0, bv);
                }
            }
        }
        break;
    }
    case NIR_SCALE: {
        const nir_array *s = nir_param(n, "scale");
        for (size_t i = 0; i < n->size && !bad; i++)
            bad = fwd(&b, in, i, (uint32_t)i, pval(s, i, 1), 0);
        break;
    }
    case NIR_DELAY: {
        const nir_array *s = nir_param(n, "delay");
        for (size_t i = 0; i < n->size && !bad; i++) {
            double dl = pval(s, i, 0);
            if (dl < 0) {
                tb_free(&b);
                return loom_fail(L->e, LOOM_E_INVALID, "%s: node '%s' (Delay): negative delay %g s at element %zu",
                                 L->g->path, n->name, dl, i);
            }
            double steps = floor(dl / L->dt + 0.5);
            if (steps > 1e6) {
                tb_free(&b);
                return loom_fail(L->e, LOOM_E_CAPACITY, "%s: node '%s' (Delay): delay %g s is %.0f steps of %g s",
                                 L->g->path, n->name, dl, steps, L->dt);
            }
            bad = fwd(&b, in, i, (uint32_t)i, 1.0, (uint32_t)steps);
        }
        break;
    }
    case NIR_FLATTEN:
    case NIR_IDENTITY:
        for (size_t i = 0; i < n->size && !bad; i++)
            bad = fwd(&b, in, i, (uint32_t)i, 1.0, 0);
        break;
    case NIR_CONV1D:
    case NIR_CONV2D: {
        int two = n->kind == NIR_CONV2D;
        const nir_array *w = nir_param(n, "weight"), *bias = nir_param(n, "bias");
        const nir_array *sa = nir_param(n, "stride"), *pa = nir_param(n, "padding"), *da = nir_param(n, "dilation"),
                        *ga = nir_param(n, "groups");
        int64_t co_n = n->shape[0], oh = n->shape[1], ow = two ? n->shape[2] : 1;
        int64_t ci_n = n->in_shape[0], ih = n->in_shape[1], iw = two ? n->in_shape[2] : 1;
        int64_t kh = w->dims[2], kw = two ? w->dims[3] : 1, cpg = w->dims[1];
        int64_t groups = (int64_t)pval(ga, 0, 1);
        int64_t sh = (int64_t)pval(sa, 0, 1), sw = two ? (int64_t)pval(sa, 1, 1) : 1;
        int64_t ph = (int64_t)pval(pa, 0, 0), pw = two ? (int64_t)pval(pa, 1, 0) : 0;
        int64_t dh = (int64_t)pval(da, 0, 1), dw = two ? (int64_t)pval(da, 1, 1) : 1;
        int64_t opg = co_n / groups;
        (void)ci_n;
        for (int64_t co = 0; co < co_n && !bad; co++) {
            int64_t grp = co / opg;
            double bv = pval(bias, (size_t)co, 0);
            for (int64_t y = 0; y < oh && !bad; y++)
                for (int64_t x = 0; x < ow && !bad; x++) {
                    uint32_t o = (uint32_t)((co * oh + y) * ow + x);
                    for (int64_t c = 0; c < cpg && !bad; c++) {
                        int64_t ci = grp * cpg + c;
                        for (int64_t ky = 0; ky < kh && !bad; ky++) {
                            int64_t iy = y * sh - ph + ky * dh;
                            if (iy < 0 || iy >= ih)
                                continue;
                            for (int64_t kx = 0; kx < kw && !bad; kx++) {
                                int64_t ix = x * sw - pw + kx * dw;
                                if (ix < 0 || ix >= iw)
                                    continue;
                                double wv = w->v[((co * cpg + c) * kh + ky) * kw + kx];
                                bad = fwd(&b, in, (size_t)((ci * ih + iy) * iw + ix), o, wv, 0);
                            }
                        }
                    }
                    if (bv != 0.0 && !bad) {
                        bad = tb_push(&b, o, BIAS_SRC, 0, bv);
                    }
                }
        }
        break;
    }
    case NIR_SUMPOOL2D:
    case NIR_AVGPOOL2D: {
        const nir_array *ka = nir_param(n, "kernel_size"), *sa = nir_param(n, "stride"), *pa = nir_param(n, "padding");
        int64_t kh = (int64_t)pval(ka, 0, 1), kw = (int64_t)pval(ka, 1, 1);
        int64_t sh = (int64_t)pval(sa, 0, 1), sw = (int64_t)pval(sa, 1, 1);
        int64_t ph = (int64_t)pval(pa, 0, 0), pw = (int64_t)pval(pa, 1, 0);
        int64_t c_n = n->shape[0], oh = n->shape[1], ow = n->shape[2], ih = n->in_shape[1], iw = n->in_shape[2];
        double wv = n->kind == NIR_AVGPOOL2D ? 1.0 / (double)(kh * kw) : 1.0;
        for (int64_t c = 0; c < c_n && !bad; c++)
            for (int64_t y = 0; y < oh && !bad; y++)
                for (int64_t x = 0; x < ow && !bad; x++) {
                    uint32_t o = (uint32_t)((c * oh + y) * ow + x);
                    for (int64_t ky = 0; ky < kh && !bad; ky++) {
                        int64_t iy = y * sh - ph + ky;
                        if (iy < 0 || iy >= ih)
                            continue;
                        for (int64_t kx = 0; kx < kw && !bad; kx++) {
                            int64_t ix = x * sw - pw + kx;
                            if (ix >= 0 && ix < iw)
                                bad = fwd(&b, in, (size_t)((c * ih + iy) * iw + ix), o, wv, 0);
                        }
                    }
                }
        break;
    }
    default:
        tb_free(&b);
        return loom_fail(L->e, LOOM_E_INTERNAL, "%s: node '%s': no linear form", L->g->path, n->name);
    }
    if (bad) {
        tb_free(&b);
        return oom(L);
    }
    if (tmap_from(&b, n->size, out))
        return oom(L);
    return LOOM_OK;
}

static loom_status node_out(lw *L, uint32_t ni, const tmap **out)
{
    nir_graph *g = L->g;
    nir_node *n = &g->nodes[ni];
    if (L->state[ni] == 2) {
        *out = &L->maps[ni];
        return LOOM_OK;
    }
    if (L->state[ni] == 1)
        return loom_fail(L->e, LOOM_E_INVALID, "%s: node '%s' (%s) lies on a cycle that passes through no neuron node",
                         g->path, n->name, nir_kind_name(n->kind));
    L->state[ni] = 1;
    loom_status st = LOOM_OK;
    tmap *m = &L->maps[ni];
    if (n->kind == NIR_INPUT || is_neuron(n->kind)) {
        if (n->kind == NIR_LI || n->kind == NIR_I)
            return loom_fail(L->e, LOOM_E_UNSUPPORTED,
                             "%s: node '%s' (%s) feeds another node: its output is v, and only spikes travel on "
                             "synapses (LI and I may only feed an Output)",
                             g->path, n->name, nir_kind_name(n->kind));
        tbuf b;
        memset(&b, 0, sizeof b);
        uint32_t base = n->kind == NIR_INPUT ? (SEIR_SRC_INPUT | (uint32_t)L->chan_of_node[ni])
                                             : g->pops[L->pop_of_node[ni]].first;
        for (size_t i = 0; i < n->size; i++)
            if (tb_push(&b, (uint32_t)i, base + (uint32_t)i, 0, 1.0)) {
                tb_free(&b);
                return oom(L);
            }
        if (tmap_from(&b, n->size, m))
            return oom(L);
    } else if (n->kind == NIR_OUTPUT) {
        return loom_fail(L->e, LOOM_E_INVALID, "%s: node '%s' (Output) feeds another node", g->path, n->name);
    } else {
        tmap in;
        if ((st = input_map(L, ni, &in)))
            return st;
        st = apply_op(L, n, &in, m);
        tmap_free(&in);
        if (st)
            return st;
    }
    L->state[ni] = 2;
    *out = m;
    return LOOM_OK;
}

char *nir_safe_name(const nir_graph *g, const char *raw, uint32_t upto)
{
    static const char *const reserved[] = {"input", "output", "neuron", "profile", "syn", "synapse", "arch",
                                           "init", "ring", "dense", "spike", "graded", "v", "seir", "version",
                                           "bias", "reset", "lif", "none", "zero", "subtract", NULL};
    size_t n = strlen(raw);
    char *s = malloc(n + 16);
    if (!s)
        return NULL;
    size_t o = 0;
    if (!isalpha((unsigned char)raw[0]) && raw[0] != '_')
        s[o++] = 'n';
    for (size_t i = 0; i < n; i++)
        s[o++] = (isalnum((unsigned char)raw[i]) || raw[i] == '_') ? raw[i] : '_';
    s[o] = '\0';
    for (int i = 0; reserved[i]; i++)
        if (strcmp(s, reserved[i]) == 0) {
            s[o++] = '_';
            s[o] = '\0';
            break;
        }
    /* unique among populations so far (inputs share the namespace) */
    size_t base = o;
    for (int k = 2; k < 100000; k++) {
        int clash = 0;
        for (uint32_t p = 0; p < upto && !clash; p++)
            clash = g->pops[p].name && strcmp(g->pops[p].name, s) == 0;
        if (!clash)
            break;
        snprintf(s + base, 12, "_%d", k);
    }
    return s;
}

static double *bcast(const nir_node *n, const char *pname, size_t count, double def)
{
    const nir_array *a = nir_param(n, pname);
    double *v = malloc((count ? count : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < count; i++)
        v[i] = pval(a, i, def);
    return v;
}

static loom_status add_pop(lw *L, nir_pop_kind kind, int32_t node, const char *raw_name, uint32_t count)
{
    nir_graph *g = L->g;
    nir_pop *np = realloc(g->pops, (g->n_pops + 1) * sizeof *np);
    if (!np)
        return oom(L);
    g->pops = np;
    nir_pop *p = &g->pops[g->n_pops];
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->node = node;
    p->first = g->n_neurons;
    p->count = count;
    p->name = nir_safe_name(g, raw_name, g->n_pops);
    g->n_pops++;
    if (!p->name)
        return oom(L);
    if ((uint64_t)g->n_neurons + count > (1u << 30))
        return loom_fail(L->e, LOOM_E_CAPACITY, "%s: too many neurons", g->path);
    g->n_neurons += count;
    if (node >= 0) {
        const nir_node *n = &g->nodes[node];
        int bad = 0;
        switch (kind) {
        case NIR_POP_LIF:
        case NIR_POP_LI:
            bad |= !(p->tau = bcast(n, "tau", count, 1));
            bad |= !(p->v_leak = bcast(n, "v_leak", count, 0));
            break;
        case NIR_POP_CUBALIF:
            bad |= !(p->tau = bcast(n, "tau_mem", count, 1));
            bad |= !(p->tau_syn = bcast(n, "tau_syn", count, 1));
            bad |= !(p->v_leak = bcast(n, "v_leak", count, 0));
            bad |= !(p->w_in = bcast(n, "w_in", count, 1));
            break;
        default:
            break;
        }
        if (kind != NIR_POP_THRESHOLD && kind != NIR_POP_READOUT)
            bad |= !(p->r = bcast(n, "r", count, 1));
        if (kind == NIR_POP_LIF || kind == NIR_POP_CUBALIF || kind == NIR_POP_IF)
            bad |= !(p->theta = bcast(n, "v_threshold", count, 0)) || !(p->v_reset = bcast(n, "v_reset", count, 0));
        if (kind == NIR_POP_THRESHOLD)
            bad |= !(p->theta = bcast(n, "threshold", count, 0)) || !(p->v_reset = bcast(n, "v_reset", count, 0));
        if (bad)
            return oom(L);
        if (p->tau)
            for (uint32_t i = 0; i < count; i++)
                if (!(p->tau[i] > 0))
                    return loom_fail(L->e, LOOM_E_INVALID, "%s: node '%s' (%s): time constant %g at element %u must be > 0",
                                     g->path, n->name, nir_kind_name(n->kind), p->tau[i], i);
        if (p->tau_syn)
            for (uint32_t i = 0; i < count; i++)
                if (!(p->tau_syn[i] > 0))
                    return loom_fail(L->e, LOOM_E_INVALID, "%s: node '%s' (CubaLIF): tau_syn %g at element %u must be > 0",
                                     g->path, n->name, p->tau_syn[i], i);
    }
    return LOOM_OK;
}

static nir_pop_kind pop_kind(nir_kind k)
{
    switch (k) {
    case NIR_LIF: return NIR_POP_LIF;
    case NIR_CUBALIF: return NIR_POP_CUBALIF;
    case NIR_LI: return NIR_POP_LI;
    case NIR_IF: return NIR_POP_IF;
    case NIR_I: return NIR_POP_I;
    default: return NIR_POP_THRESHOLD;
    }
}

loom_status nir_lower(nir_graph *g, double dt, int reset_subtract, loom_err *e)
{
    if (!(dt > 0) || !isfinite(dt))
        return loom_fail(e, LOOM_E_ARG, "%s: dt must be a positive number of seconds, got %g", g->path, dt);
    if (g->pops)
        return loom_fail(e, LOOM_E_INTERNAL, "%s: graph lowered twice", g->path);
    g->dt = dt;
    g->reset_subtract = reset_subtract;
    lw L;
    memset(&L, 0, sizeof L);
    L.g = g;
    L.e = e;
    L.dt = dt;
    uint32_t nn = g->n_nodes;
    L.maps = calloc(nn, sizeof *L.maps);
    L.state = calloc(nn, 1);
    L.pop_of_node = malloc(nn * sizeof *L.pop_of_node);
    L.chan_of_node = malloc(nn * sizeof *L.chan_of_node);
    g->input_node = malloc(nn * sizeof *g->input_node);
    g->input_first = malloc(nn * sizeof *g->input_first);
    loom_status st = LOOM_OK;
    int32_t *readout_of = malloc(nn * sizeof *readout_of);
    if (!L.maps || !L.state || !L.pop_of_node || !L.chan_of_node || !g->input_node || !g->input_first || !readout_of) {
        st = oom(&L);
        goto done;
    }
    for (uint32_t i = 0; i < nn; i++)
        L.pop_of_node[i] = L.chan_of_node[i] = readout_of[i] = -1;
    /* numbering */
    for (uint32_t t = 0; t < nn && st == LOOM_OK; t++) {
        uint32_t ni = g->topo[t];
        const nir_node *n = &g->nodes[ni];
        if (n->kind == NIR_INPUT) {
            L.chan_of_node[ni] = (int32_t)g->n_inputs;
            g->input_node[g->n_input_nodes] = ni;
            g->input_first[g->n_input_nodes++] = g->n_inputs;
            if ((uint64_t)g->n_inputs + n->size > (1u << 30))
                st = loom_fail(e, LOOM_E_CAPACITY, "%s: too many input channels", g->path);
            g->n_inputs += (uint32_t)n->size;
        } else if (is_neuron(n->kind)) {
            L.pop_of_node[ni] = (int32_t)g->n_pops;
            st = add_pop(&L, pop_kind(n->kind), (int32_t)ni, n->name, (uint32_t)n->size);
        } else if (n->kind == NIR_OUTPUT) {
            int n_in = 0;
            int32_t src = -1, back = 0;
            for (uint32_t k = 0; k < g->n_edges; k++)
                if (g->edges[k].dst == ni) {
                    n_in++;
                    src = (int32_t)g->edges[k].src;
                    back |= g->edges[k].back;
                }
            /* through the identity plumbing of nested graphs */
            while (n_in == 1 && !back && g->nodes[src].kind == NIR_IDENTITY) {
                uint32_t via = (uint32_t)src;
                n_in = 0;
                for (uint32_t k = 0; k < g->n_edges; k++)
                    if (g->edges[k].dst == via) {
                        n_in++;
                        src = (int32_t)g->edges[k].src;
                        back |= g->edges[k].back;
                    }
            }
            if (n_in == 1 && !back && is_neuron(g->nodes[src].kind)) {
                nir_pop *p = &g->pops[L.pop_of_node[src]];
                p->is_output = 1;
                p->out_v = p->kind == NIR_POP_LI || p->kind == NIR_POP_I;
            } else {
                readout_of[ni] = (int32_t)g->n_pops;
                st = add_pop(&L, NIR_POP_READOUT, (int32_t)ni, n->name, (uint32_t)n->size);
                if (st == LOOM_OK) {
                    g->pops[g->n_pops - 1].is_output = 1;
                    g->pops[g->n_pops - 1].out_v = 1;
                }
            }
        }
    }
    if (st)
        goto done;
    /* incoming terms of every neuron */
    tbuf all;
    memset(&all, 0, sizeof all);
    for (uint32_t p = 0; p < g->n_pops && st == LOOM_OK; p++) {
        nir_pop *pp = &g->pops[p];
        tmap in;
        if ((st = input_map(&L, (uint32_t)pp->node, &in)))
            break;
        for (size_t el = 0; el < in.n && el < pp->count; el++)
            for (size_t q = in.off[el]; q < in.off[el + 1]; q++)
                if (tb_push(&all, pp->first + (uint32_t)el, in.t[q].src, in.t[q].d, in.t[q].w)) {
                    st = oom(&L);
                    break;
                }
        tmap_free(&in);
    }
    if (st) {
        tb_free(&all);
        goto done;
    }
    /* biases: a constant part of u per neuron */
    g->bias_u = calloc(g->n_neurons + 1, sizeof *g->bias_u);
    if (!g->bias_u) {
        tb_free(&all);
        st = oom(&L);
        goto done;
    }
    {
        size_t w = 0;
        for (size_t i = 0; i < all.n; i++) {
            if (all.t[i].src == BIAS_SRC) {
                g->bias_u[all.elem[i]] += all.t[i].w;
                continue;
            }
            all.elem[w] = all.elem[i];
            all.t[w++] = all.t[i];
        }
        all.n = w;
    }
    tmap fin;
    if (tmap_from(&all, g->n_neurons, &fin)) {
        st = oom(&L);
        goto done;
    }
    g->in_off = fin.off;
    g->in_terms = fin.t;
    g->max_delay = 0;
    for (size_t i = 0; i < fin.off[fin.n]; i++)
        if (fin.t[i].d > g->max_delay)
            g->max_delay = fin.t[i].d;
    g->pop_of = malloc((g->n_neurons ? g->n_neurons : 1) * sizeof *g->pop_of);
    if (!g->pop_of) {
        st = oom(&L);
        goto done;
    }
    for (uint32_t p = 0; p < g->n_pops; p++)
        for (uint32_t k = 0; k < g->pops[p].count; k++)
            g->pop_of[g->pops[p].first + k] = p;
done:
    if (L.maps)
        for (uint32_t i = 0; i < nn; i++)
            tmap_free(&L.maps[i]);
    LOOM_FREE(L.maps, L.state, L.pop_of_node, L.chan_of_node, readout_of);
    return st;
}
