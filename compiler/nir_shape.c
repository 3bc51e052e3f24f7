/*
 * nir_shape.c -- the checks and shapes of a graph nir_read.c has read:
 * unknown types, missing parameters, dangling and duplicate edges, wrong
 * shapes (every error names the node); the edges that close a cycle are
 * marked as back edges (a depth-first search from the Input nodes,
 * following edges in file order), and every node's shape is inferred in
 * topological order.
 */
#include "nir_int.h"
#include "nir_rd.h"
#include "loom_limits.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- checks and shapes ------------------------------------------------ */

static int32_t find_node(const nir_graph *g, const char *name)
{
    for (uint32_t i = 0; i < g->n_nodes; i++)
        if (strcmp(g->nodes[i].name, name) == 0)
            return (int32_t)i;
    return -1;
}

/* Resolves an edge end naming a subgraph to its single Input (want_input)
 * or Output node. */
static int32_t resolve_end(rd *r, const char *name, int want_input, loom_status *st)
{
    int32_t i = find_node(r->g, name);
    if (i >= 0)
        return i;
    for (size_t s = 0; s < r->n_subs; s++) {
        if (strcmp(r->subs[s].name, name) != 0)
            continue;
        size_t pl = strlen(name);
        int32_t found = -1, count = 0;
        for (uint32_t k = 0; k < r->g->n_nodes; k++) {
            const nir_node *n = &r->g->nodes[k];
            if (strncmp(n->name, name, pl) != 0 || n->name[pl] != '.' || strchr(n->name + pl + 1, '.'))
                continue;
            if (n->kind == (want_input ? NIR_INPUT : NIR_OUTPUT)) {
                found = (int32_t)k;
                count++;
            }
        }
        if (count != 1) {
            *st = loom_fail(r->e, LOOM_E_INVALID, "%s: subgraph '%s' has %d %s nodes; an edge naming it needs exactly one",
                            r->path, name, count, want_input ? "Input" : "Output");
            return -1;
        }
        return found;
    }
    return -1;
}

/* Elements of a shape; SIZE_MAX when that overflows or a dim is negative
 * (the caller's limit check then refuses it). */
static size_t shape_size(int rank, const int64_t *shape)
{
    size_t n = 1;
    for (int i = 0; i < rank; i++) {
        if (shape[i] < 0 || (shape[i] > 0 && n > SIZE_MAX / (size_t)shape[i]))
            return SIZE_MAX;
        n *= (size_t)shape[i];
    }
    return n;
}

/* Reads an integer-valued parameter with 1 or `want` entries into out[want]
 * (broadcast), default `def` when absent (def < 0: required). */
static loom_status int_param(rd *r, const nir_node *n, const char *pname, int want, int64_t def, int64_t *out)
{
    const nir_array *a = nir_param(n, pname);
    if (!a) {
        if (def < 0)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s) lacks parameter '%s'", r->path, n->name,
                             nir_kind_name(n->kind), pname);
        for (int i = 0; i < want; i++)
            out[i] = def;
        return LOOM_OK;
    }
    if (a->n != 1 && a->n != (size_t)want)
        return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s): parameter '%s' has %zu entries, expected %d or 1",
                         r->path, n->name, nir_kind_name(n->kind), pname, a->n, want);
    for (int i = 0; i < want; i++) {
        double v = a->v[a->n == 1 ? 0 : i];
        if (v != floor(v) || v < -1e6 || v > 1e6)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s': parameter '%s' must hold integers", r->path,
                             n->name, pname);
        out[i] = (int64_t)v;
    }
    return LOOM_OK;
}

static const char *const lif_p[] = {"tau", "r", "v_leak", "v_threshold", NULL};
static const char *const cuba_p[] = {"tau_syn", "tau_mem", "r", "v_leak", "v_threshold", NULL};
static const char *const li_p[] = {"tau", "r", "v_leak", NULL};
static const char *const if_p[] = {"r", "v_threshold", NULL};
static const char *const i_p[] = {"r", NULL};
static const char *const thr_p[] = {"threshold", NULL};
static const char *const opt_p[] = {"v_reset", "w_in", NULL};

static const char *const *required_params(nir_kind k)
{
    switch (k) {
    case NIR_LIF: return lif_p;
    case NIR_CUBALIF: return cuba_p;
    case NIR_LI: return li_p;
    case NIR_IF: return if_p;
    case NIR_I: return i_p;
    case NIR_THRESHOLD: return thr_p;
    default: return NULL;
    }
}

/* Element-wise parameter nodes: neurons, Scale, Delay.  Node size is the
 * largest parameter size; every parameter has that size or 1. */
static loom_status elementwise_shape(rd *r, nir_node *n)
{
    const char *const *req = required_params(n->kind);
    const char *only[2] = {NULL, NULL};
    if (n->kind == NIR_SCALE)
        only[0] = "scale", req = only;
    if (n->kind == NIR_DELAY)
        only[0] = "delay", req = only;
    const nir_array *big = NULL;
    for (int i = 0; req[i]; i++) {
        const nir_array *a = nir_param(n, req[i]);
        if (!a)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s) lacks parameter '%s'", r->path, n->name,
                             nir_kind_name(n->kind), req[i]);
        if (!big || a->n > big->n)
            big = a;
    }
    for (int i = 0; opt_p[i]; i++) {
        const nir_array *a = nir_param(n, opt_p[i]);
        if (a && a->n > big->n)
            big = a;
    }
    size_t size = big->n;
    if (size == 0)
        return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s): parameter '%s' is empty", r->path, n->name,
                         nir_kind_name(n->kind), big->name);
    for (uint32_t i = 0; i < n->n_params; i++) {
        const nir_array *a = &n->params[i];
        int relevant = 0;
        for (int k = 0; req[k]; k++)
            relevant |= strcmp(a->name, req[k]) == 0;
        for (int k = 0; opt_p[k]; k++)
            relevant |= strcmp(a->name, opt_p[k]) == 0;
        if (relevant && a->n != size && a->n != 1)
            return loom_fail(r->e, LOOM_E_INVALID,
                             "%s: node '%s' (%s): parameter '%s' has %zu elements, expected %zu (as '%s') or 1",
                             r->path, n->name, nir_kind_name(n->kind), a->name, a->n, size, big->name);
    }
    if (size == 1 && n->in_size > 1) { /* all scalar: broadcast to the input */
        n->rank = n->in_rank;
        memcpy(n->shape, n->in_shape, sizeof n->shape);
        n->size = n->in_size;
        return LOOM_OK;
    }
    if (n->in_size && n->in_size != size)
        return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s) has %zu elements but its input has %zu", r->path,
                         n->name, nir_kind_name(n->kind), size, n->in_size);
    n->rank = big->rank ? big->rank : 1;
    if (big->rank)
        memcpy(n->shape, big->dims, sizeof n->shape);
    else
        n->shape[0] = 1;
    n->size = size;
    return LOOM_OK;
}

static loom_status need_input(rd *r, const nir_node *n)
{
    if (n->in_size == 0)
        return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s) has no input, so its shape is unknown", r->path,
                         n->name, nir_kind_name(n->kind));
    return LOOM_OK;
}

static loom_status conv_pool_shape(rd *r, nir_node *n)
{
    int two = n->kind != NIR_CONV1D;
    int sp = two ? 2 : 1; /* spatial dims */
    int64_t stride[2], pad[2], dil[2] = {1, 1}, ks[2], groups = 1, cin, cout;
    loom_status st;
    if (n->kind == NIR_CONV1D || n->kind == NIR_CONV2D) {
        const nir_array *w = nir_param(n, "weight");
        if (!w || w->rank != 2 + sp)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s): 'weight' must have rank %d", r->path, n->name,
                             nir_kind_name(n->kind), 2 + sp);
        if ((st = int_param(r, n, "stride", sp, 1, stride)) || (st = int_param(r, n, "padding", sp, 0, pad)) ||
            (st = int_param(r, n, "dilation", sp, 1, dil)) || (st = int_param(r, n, "groups", 1, 1, &groups)))
            return st;
        cout = w->dims[0];
        for (int i = 0; i < sp; i++)
            ks[i] = w->dims[2 + i];
        if (groups < 1 || cout % groups)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s': groups=%lld does not divide %lld output channels",
                             r->path, n->name, (long long)groups, (long long)cout);
        cin = w->dims[1] * groups;
        const nir_array *b = nir_param(n, "bias");
        if (b && b->n != 1 && b->n != (size_t)cout)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s': 'bias' has %zu entries, expected %lld", r->path,
                             n->name, b->n, (long long)cout);
    } else {
        if ((st = int_param(r, n, "kernel_size", 2, -1, ks)) || (st = int_param(r, n, "stride", 2, -1, stride)) ||
            (st = int_param(r, n, "padding", 2, 0, pad)))
            return st;
        cin = cout = n->in_rank >= 3 ? n->in_shape[0] : 0;
    }
    if ((st = need_input(r, n)))
        return st;
    /* input shape: (C, spatial...) from the predecessor, or C and input_shape */
    int64_t in_sp[2] = {0, 0};
    if (n->in_rank == 1 + sp) {
        for (int i = 0; i < sp; i++)
            in_sp[i] = n->in_shape[1 + i];
        if (n->kind == NIR_SUMPOOL2D || n->kind == NIR_AVGPOOL2D)
            cin = cout = n->in_shape[0];
    } else {
        const nir_array *is = nir_param(n, "input_shape");
        if (!is || is->n != (size_t)sp || cin == 0)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s): input of shape rank %d, expected (C%s)", r->path,
                             n->name, nir_kind_name(n->kind), n->in_rank, two ? ", H, W" : ", L");
        for (int i = 0; i < sp; i++)
            in_sp[i] = (int64_t)is->v[i];
    }
    if (cin == 0 || (size_t)cin * shape_size(sp, in_sp) != n->in_size)
        return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s): input has %zu elements, expected %lld channels x %lld%s%lld",
                         r->path, n->name, nir_kind_name(n->kind), n->in_size, (long long)cin, (long long)in_sp[0],
                         two ? " x " : "", two ? (long long)in_sp[1] : 1LL);
    n->in_rank = 1 + sp;
    n->in_shape[0] = cin;
    n->rank = 1 + sp;
    n->shape[0] = cout;
    for (int i = 0; i < sp; i++) {
        if (stride[i] < 1 || pad[i] < 0 || dil[i] < 1 || ks[i] < 1 || stride[i] > NIR_MAX_DIM ||
            pad[i] > NIR_MAX_DIM || dil[i] > NIR_MAX_DIM || ks[i] > NIR_MAX_DIM)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s': bad stride/padding/dilation/kernel", r->path,
                             n->name);
        n->in_shape[1 + i] = in_sp[i];
        int64_t o = (in_sp[i] + 2 * pad[i] - dil[i] * (ks[i] - 1) - 1) / stride[i] + 1;
        if (o < 1)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s': output would be empty", r->path, n->name);
        n->shape[1 + i] = o;
    }
    n->size = shape_size(n->rank, n->shape);
    return LOOM_OK;
}

static loom_status infer_shape(rd *r, nir_node *n)
{
    loom_status st;
    switch (n->kind) {
    case NIR_INPUT: {
        const nir_array *s = nir_param(n, "shape");
        if (!s)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (Input) lacks parameter 'shape'", r->path, n->name);
        if (s->n == 0 || s->n > NIR_MAX_RANK)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (Input): 'shape' must have 1..%d entries", r->path,
                             n->name, NIR_MAX_RANK);
        n->rank = (int)s->n;
        for (size_t i = 0; i < s->n; i++) {
            if (s->v[i] < 1 || s->v[i] > NIR_MAX_DIM || s->v[i] != floor(s->v[i]))
                return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (Input): bad 'shape' entry %g", r->path,
                                 n->name, s->v[i]);
            n->shape[i] = (int64_t)s->v[i];
        }
        n->size = shape_size(n->rank, n->shape); /* the caller checks it against the limit */
        return LOOM_OK;
    }
    case NIR_OUTPUT: {
        if ((st = need_input(r, n)))
            return st;
        const nir_array *s = nir_param(n, "shape");
        if (s) {
            size_t want = 1;
            for (size_t i = 0; i < s->n; i++)
                want = s->v[i] >= 1 && s->v[i] <= NIR_MAX_DIM && want <= SIZE_MAX / NIR_MAX_DIM
                           ? want * (size_t)s->v[i]
                           : (s->v[i] >= 1 ? SIZE_MAX : 0);
            if (want != n->in_size)
                return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (Output): 'shape' has %zu elements but its input has %zu",
                                 r->path, n->name, want, n->in_size);
        }
        n->rank = n->in_rank;
        memcpy(n->shape, n->in_shape, sizeof n->shape);
        n->size = n->in_size;
        return LOOM_OK;
    }
    case NIR_IDENTITY:
        if ((st = need_input(r, n)))
            return st;
        n->rank = n->in_rank;
        memcpy(n->shape, n->in_shape, sizeof n->shape);
        n->size = n->in_size;
        return LOOM_OK;
    case NIR_AFFINE:
    case NIR_LINEAR: {
        const nir_array *w = nir_param(n, "weight");
        if (!w)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s) lacks parameter 'weight'", r->path, n->name,
                             nir_kind_name(n->kind));
        if (w->rank != 2)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s): 'weight' must be a matrix (rank 2), has rank %d",
                             r->path, n->name, nir_kind_name(n->kind), w->rank);
        if (n->kind == NIR_AFFINE) {
            const nir_array *b = nir_param(n, "bias");
            if (!b)
                return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (Affine) lacks parameter 'bias'", r->path,
                                 n->name);
            if (b->n != 1 && b->n != (size_t)w->dims[0])
                return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (Affine): 'bias' has %zu entries, expected %lld",
                                 r->path, n->name, b->n, (long long)w->dims[0]);
        }
        if ((st = need_input(r, n)))
            return st;
        if ((size_t)w->dims[1] != n->in_size)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s): 'weight' is %lld x %lld but its input has %zu elements",
                             r->path, n->name, nir_kind_name(n->kind), (long long)w->dims[0], (long long)w->dims[1],
                             n->in_size);
        n->rank = 1;
        n->shape[0] = w->dims[0];
        n->size = (size_t)w->dims[0];
        return LOOM_OK;
    }
    case NIR_FLATTEN: {
        if ((st = need_input(r, n)))
            return st;
        int64_t sd, ed;
        if ((st = int_param(r, n, "start_dim", 1, 0, &sd)) || (st = int_param(r, n, "end_dim", 1, -1, &ed)))
            return st;
        const nir_array *it = nir_param(n, "input_type");
        int rank = n->in_rank;
        int64_t shp[NIR_MAX_RANK];
        memcpy(shp, n->in_shape, sizeof shp);
        if (it && it->n >= 1 && it->n <= NIR_MAX_RANK) {
            size_t want = 1;
            for (size_t i = 0; i < it->n; i++)
                want *= (size_t)(it->v[i] > 0 ? it->v[i] : 0);
            if (want != n->in_size)
                return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (Flatten): 'input_type' has %zu elements but its input has %zu",
                                 r->path, n->name, want, n->in_size);
            rank = (int)it->n;
            for (int i = 0; i < rank; i++)
                shp[i] = (int64_t)it->v[i];
        }
        if (sd < 0)
            sd += rank;
        if (ed < 0)
            ed += rank;
        if (sd < 0 || ed >= rank || sd > ed) { /* flatten all: tolerate odd dims */
            sd = 0;
            ed = rank - 1;
        }
        int o = 0;
        for (int i = 0; i < sd; i++)
            n->shape[o++] = shp[i];
        int64_t m = 1;
        for (int64_t i = sd; i <= ed; i++)
            m *= shp[i];
        n->shape[o++] = m;
        for (int i = (int)ed + 1; i < rank; i++)
            n->shape[o++] = shp[i];
        n->rank = o;
        n->size = n->in_size;
        return LOOM_OK;
    }
    case NIR_CONV1D:
    case NIR_CONV2D:
    case NIR_SUMPOOL2D:
    case NIR_AVGPOOL2D:
        return conv_pool_shape(r, n);
    default:
        return elementwise_shape(r, n);
    }
}

/* Marks back edges (DFS from Input nodes, then from any unvisited node) and
 * computes a topological order of the forward edges. */
static loom_status order_graph(rd *r)
{
    nir_graph *g = r->g;
    uint32_t nn = g->n_nodes, ne = g->n_edges;
    uint8_t *color = calloc(nn ? nn : 1, 1);
    uint32_t *stack = malloc((nn + 1) * sizeof *stack);
    uint32_t *next = malloc((nn + 1) * sizeof *next); /* per node: next edge index to try */
    uint32_t *indeg = calloc(nn ? nn : 1, sizeof *indeg);
    g->topo = malloc((nn ? nn : 1) * sizeof *g->topo);
    if (!color || !stack || !next || !indeg || !g->topo) {
        free(color), free(stack), free(next), free(indeg);
        return nir_rd_oom(r);
    }
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t s0 = 0; s0 < nn; s0++) {
            if (color[s0] || (pass == 0 && g->nodes[s0].kind != NIR_INPUT))
                continue;
            uint32_t sp = 0;
            stack[sp++] = s0;
            next[s0] = 0;
            color[s0] = 1;
            while (sp) {
                uint32_t u = stack[sp - 1];
                uint32_t k = next[u];
                while (k < ne && g->edges[k].src != u)
                    k++;
                if (k >= ne) {
                    color[u] = 2;
                    sp--;
                    continue;
                }
                next[u] = k + 1;
                uint32_t v = g->edges[k].dst;
                if (color[v] == 1)
                    g->edges[k].back = 1;
                else if (color[v] == 0) {
                    color[v] = 1;
                    next[v] = 0;
                    stack[sp++] = v;
                }
            }
        }
    for (uint32_t k = 0; k < ne; k++)
        if (!g->edges[k].back)
            indeg[g->edges[k].dst]++;
    uint32_t head = 0, tail = 0;
    for (uint32_t i = 0; i < nn; i++)
        if (indeg[i] == 0 && g->nodes[i].kind == NIR_INPUT)
            g->topo[tail++] = i;
    for (uint32_t i = 0; i < nn; i++)
        if (indeg[i] == 0 && g->nodes[i].kind != NIR_INPUT)
            g->topo[tail++] = i;
    while (head < tail) {
        uint32_t u = g->topo[head++];
        for (uint32_t k = 0; k < ne; k++)
            if (!g->edges[k].back && g->edges[k].src == u && --indeg[g->edges[k].dst] == 0)
                g->topo[tail++] = g->edges[k].dst;
    }
    free(color), free(stack), free(next), free(indeg);
    if (tail != nn)
        return loom_fail(r->e, LOOM_E_INTERNAL, "%s: graph ordering failed", r->path);
    return LOOM_OK;
}

loom_status nir_check_and_shape(rd *r)
{
    nir_graph *g = r->g;
    loom_status st;
    /* resolve edges */
    g->edges = calloc(r->n_redges ? r->n_redges : 1, sizeof *g->edges);
    if (!g->edges)
        return nir_rd_oom(r);
    for (size_t i = 0; i < r->n_redges; i++) {
        st = LOOM_OK;
        int32_t a = resolve_end(r, r->redges[i].src, 0, &st);
        if (st)
            return st;
        int32_t b = resolve_end(r, r->redges[i].dst, 1, &st);
        if (st)
            return st;
        if (a < 0 || b < 0)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: edge '%s' -> '%s' names a node that does not exist: '%s'", r->path,
                             r->redges[i].src, r->redges[i].dst, a < 0 ? r->redges[i].src : r->redges[i].dst);
        for (uint32_t k = 0; k < g->n_edges; k++)
            if (g->edges[k].src == (uint32_t)a && g->edges[k].dst == (uint32_t)b)
                return loom_fail(r->e, LOOM_E_INVALID, "%s: duplicate edge '%s' -> '%s'", r->path, g->nodes[a].name,
                                 g->nodes[b].name);
        g->edges[g->n_edges].src = (uint32_t)a;
        g->edges[g->n_edges].dst = (uint32_t)b;
        g->n_edges++;
    }
    /* nested Input/Output nodes are plumbing */
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        nir_node *n = &g->nodes[i];
        if ((n->kind == NIR_INPUT || n->kind == NIR_OUTPUT) && strchr(n->name, '.')) {
            for (size_t s = 0; s < r->n_subs; s++) {
                size_t pl = strlen(r->subs[s].name);
                if (strncmp(n->name, r->subs[s].name, pl) == 0 && n->name[pl] == '.') {
                    n->kind = NIR_IDENTITY;
                    break;
                }
            }
        }
    }
    int n_in = 0, n_out = 0;
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        nir_node *n = &g->nodes[i];
        int has_in = 0, has_out = 0;
        for (uint32_t k = 0; k < g->n_edges; k++) {
            has_in |= g->edges[k].dst == i;
            has_out |= g->edges[k].src == i;
        }
        if (n->kind == NIR_INPUT) {
            n_in++;
            if (has_in)
                return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (Input) has an incoming edge", r->path, n->name);
        } else if (!has_in)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s) has no incoming edge", r->path, n->name,
                             nir_kind_name(n->kind));
        if (n->kind == NIR_OUTPUT) {
            n_out++;
            if (has_out)
                return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (Output) has an outgoing edge", r->path, n->name);
        }
    }
    if (n_in == 0)
        return loom_fail(r->e, LOOM_E_INVALID, "%s: the graph has no Input node", r->path);
    if (n_out == 0)
        return loom_fail(r->e, LOOM_E_INVALID, "%s: the graph has no Output node", r->path);
    if ((st = order_graph(r)))
        return st;
    for (uint32_t t = 0; t < g->n_nodes; t++) {
        nir_node *n = &g->nodes[g->topo[t]];
        n->in_size = 0;
        for (uint32_t k = 0; k < g->n_edges; k++) {
            const nir_edge *ed = &g->edges[k];
            if (ed->dst != g->topo[t] || ed->back)
                continue;
            const nir_node *p = &g->nodes[ed->src];
            if (n->in_size == 0) {
                n->in_rank = p->rank;
                memcpy(n->in_shape, p->shape, sizeof n->in_shape);
                n->in_size = p->size;
            } else if (p->size != n->in_size)
                return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s) gets %zu elements from '%s' but %zu from another input",
                                 r->path, n->name, nir_kind_name(n->kind), p->size, p->name, n->in_size);
        }
        if ((st = infer_shape(r, n)))
            return st;
        if (n->size > loom_limit(LOOM_LIM_NEURONS))
            return loom_fail(r->e, LOOM_E_CAPACITY,
                             "%s: node '%s' (%s) has %s%zu elements, more than the limit of %llu neurons (set %s "
                             "to raise it)", r->path, n->name, nir_kind_name(n->kind),
                             n->size == SIZE_MAX ? "at least " : "", n->size,
                             (unsigned long long)loom_limit(LOOM_LIM_NEURONS), loom_limit_env(LOOM_LIM_NEURONS));
        if (n->size == 0)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s' (%s) has no elements", r->path, n->name,
                             nir_kind_name(n->kind));
    }
    for (uint32_t k = 0; k < g->n_edges; k++) {
        const nir_edge *ed = &g->edges[k];
        const nir_node *a = &g->nodes[ed->src], *b = &g->nodes[ed->dst];
        if (ed->back && a->size != b->in_size)
            return loom_fail(r->e, LOOM_E_INVALID, "%s: edge '%s' -> '%s' carries %zu elements, '%s' takes %zu", r->path,
                             a->name, b->name, a->size, b->name, b->in_size);
    }
    return LOOM_OK;
}

