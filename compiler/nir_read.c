/*
 * nir_read.c -- the NIR file reader on libhdf5: HDF5 groups -> nir_graph.
 *
 * NIR files (0.x and 1.0.x alike) hold a dataset /version and a group /node
 * that is an NIRGraph: a `type` (string dataset, or string attribute in
 * some writers), a group `nodes` with one group per node, a dataset `edges`
 * of (source, destination) name pairs, and optional `metadata`.  A node
 * group holds `type` and its parameters as datasets (integer or float,
 * 32 or 64 bits, plain or gzip-compressed: HDF5 converts all of them to
 * double for us).  Unknown extra members (input_type/output_type groups,
 * metadata) are ignored.  A node that is itself an NIRGraph is flattened
 * into the outer graph: its nodes are named "outer.inner", its Input and
 * Output nodes become identity nodes, and outer edges that name the
 * subgraph are routed to its single Input (as destination) or single
 * Output (as source).
 *
 * After reading, the graph is checked (unknown types, missing parameters,
 * dangling and duplicate edges, wrong shapes: every error names the node),
 * the edges that close a cycle are marked as back edges (a depth-first
 * search from the Input nodes, following edges in file order), and every
 * node's shape is inferred in topological order.
 *
 * HDF5's own error printing is switched off: a malformed file yields one
 * loom_err line, never a stack dump on stderr.  (libhdf5 1.10 itself trusts
 * the lengths in a file's global heap: a file whose variable-length string
 * data is corrupt, rather than truncated or structurally wrong, can still
 * crash inside H5Dread; see docs/nir.md.)
 */
#include "nir_int.h"
#include "loom_limits.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Largest single dimension, stride, padding, dilation or kernel size. */
#define NIR_MAX_DIM (1 << 24)

static const char *const kind_names[NIR_N_KINDS] = {
    "Input", "Output", "Affine", "Linear", "Scale", "LIF", "CubaLIF", "LI", "IF", "I",
    "Threshold", "Delay", "Flatten", "Conv1d", "Conv2d", "SumPool2d", "AvgPool2d",
    "(identity)"};

const char *nir_kind_name(nir_kind k)
{
    return (k >= 0 && k < NIR_N_KINDS) ? kind_names[k] : "?";
}

const nir_array *nir_param(const nir_node *node, const char *name)
{
    for (uint32_t i = 0; i < node->n_params; i++)
        if (strcmp(node->params[i].name, name) == 0)
            return &node->params[i];
    return NULL;
}

/* ---- reading state ---------------------------------------------------- */

typedef struct raw_edge {
    char *src, *dst; /* full names */
    char *where;     /* graph prefix, for messages */
} raw_edge;

typedef struct subgraph {
    char *name; /* full name of the NIRGraph node */
} subgraph;

typedef struct rd {
    const char *path;
    loom_err *e;
    nir_graph *g;
    uint32_t cap_nodes;
    raw_edge *redges;
    size_t n_redges, cap_redges;
    subgraph *subs;
    size_t n_subs, cap_subs;
    int depth;
} rd;

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static char *cat3(const char *a, const char *b, const char *c)
{
    size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
    char *p = malloc(na + nb + nc + 1);
    if (!p)
        return NULL;
    memcpy(p, a, na);
    memcpy(p + na, b, nb);
    memcpy(p + na + nb, c, nc + 1);
    return p;
}

static loom_status oom(rd *r) { return loom_fail(r->e, LOOM_E_NOMEM, "%s: out of memory", r->path); }

/* Reads a string from a dataset or attribute (is_attr) holding one string,
 * fixed-length or variable-length.  Returns a malloc'ed copy, or NULL when
 * the object is not a single string. */
static char *read_string(hid_t obj, int is_attr)
{
    char *out = NULL;
    hid_t t = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    hid_t s = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    hid_t mt = -1;
    if (t < 0 || s < 0 || H5Tget_class(t) != H5T_STRING)
        goto done;
    hssize_t npts = H5Sget_simple_extent_npoints(s);
    if (npts != 1)
        goto done;
    mt = H5Tcopy(H5T_C_S1);
    if (mt < 0)
        goto done;
    H5Tset_cset(mt, H5Tget_cset(t)); /* ASCII <-> UTF-8 is no conversion HDF5 makes */
    if (H5Tis_variable_str(t) > 0) {
        char *p = NULL;
        if (H5Tset_size(mt, H5T_VARIABLE) < 0)
            goto done;
        herr_t rc = is_attr ? H5Aread(obj, mt, &p) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p);
        if (rc >= 0 && p) {
            out = xstrdup(p);
            H5free_memory(p);
        }
    } else {
        size_t sz = H5Tget_size(t);
        if (sz == 0 || sz > 65536 || H5Tset_size(mt, sz + 1) < 0)
            goto done;
        char *buf = calloc(1, sz + 2);
        if (!buf)
            goto done;
        herr_t rc = is_attr ? H5Aread(obj, mt, buf) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        if (rc >= 0)
            out = buf;
        else
            free(buf);
    }
done:
    if (out) { /* trim trailing blanks (fixed-length space padding) */
        size_t n = strlen(out);
        while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\n'))
            out[--n] = '\0';
    }
    if (mt >= 0)
        H5Tclose(mt);
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    return out;
}

/* The `type` of a node group: a dataset, else an attribute.  NULL if none. */
static char *read_type(hid_t grp)
{
    if (H5Lexists(grp, "type", H5P_DEFAULT) > 0) {
        hid_t d = H5Dopen2(grp, "type", H5P_DEFAULT);
        if (d >= 0) {
            char *s = read_string(d, 0);
            H5Dclose(d);
            if (s)
                return s;
        }
    }
    if (H5Aexists(grp, "type") > 0) {
        hid_t a = H5Aopen(grp, "type", H5P_DEFAULT);
        if (a >= 0) {
            char *s = read_string(a, 1);
            H5Aclose(a);
            return s;
        }
    }
    return NULL;
}

/* Link name number i of group grp (name order).  malloc'ed or NULL. */
static char *link_name(hid_t grp, hsize_t i)
{
    ssize_t n = H5Lget_name_by_idx(grp, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
    if (n < 0 || n > 4096)
        return NULL;
    char *p = malloc((size_t)n + 1);
    if (!p)
        return NULL;
    if (H5Lget_name_by_idx(grp, ".", H5_INDEX_NAME, H5_ITER_INC, i, p, (size_t)n + 1, H5P_DEFAULT) < 0) {
        free(p);
        return NULL;
    }
    return p;
}

/* Reads a numeric dataset as doubles.  Returns 1 when the dataset is not
 * numeric (skipped), 0 on success, -1 on error (e set). */
static int read_array(rd *r, hid_t grp, const char *dname, const char *node, nir_array *a)
{
    memset(a, 0, sizeof *a);
    hid_t d = H5Dopen2(grp, dname, H5P_DEFAULT);
    if (d < 0)
        return 1; /* a group (metadata, input_type, ...) */
    int ret = -1;
    hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    if (t < 0 || s < 0) {
        loom_fail(r->e, LOOM_E_PARSE, "%s: node '%s': dataset '%s' is unreadable", r->path, node, dname);
        goto done;
    }
    H5T_class_t cls = H5Tget_class(t);
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
        ret = 1;
        goto done;
    }
    int rank = H5Sget_simple_extent_ndims(s);
    if (rank < 0 || rank > NIR_MAX_RANK) {
        loom_fail(r->e, LOOM_E_UNSUPPORTED, "%s: node '%s': dataset '%s' has rank %d (at most %d supported)",
                  r->path, node, dname, rank, NIR_MAX_RANK);
        goto done;
    }
    hsize_t dims[NIR_MAX_RANK];
    if (rank > 0 && H5Sget_simple_extent_dims(s, dims, NULL) < 0) {
        loom_fail(r->e, LOOM_E_PARSE, "%s: node '%s': dataset '%s': bad dataspace", r->path, node, dname);
        goto done;
    }
    size_t n = 1;
    const uint64_t lim = loom_limit(LOOM_LIM_TENSOR);
    for (int k = 0; k < rank; k++) {
        if (dims[k] > lim || (n > 0 && dims[k] > lim / n)) {
            loom_fail(r->e, LOOM_E_CAPACITY,
                      "%s: node '%s': dataset '%s' has more than the limit of %llu elements (set %s to raise it)",
                      r->path, node, dname, (unsigned long long)lim, loom_limit_env(LOOM_LIM_TENSOR));
            goto done;
        }
        n *= (size_t)dims[k];
        a->dims[k] = (int64_t)dims[k];
    }
    a->rank = rank;
    a->n = n;
    a->name = xstrdup(dname);
    a->v = malloc((n ? n : 1) * sizeof(double));
    if (!a->name || !a->v) {
        oom(r);
        goto done;
    }
    if (n > 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a->v) < 0) {
        loom_fail(r->e, LOOM_E_PARSE,
                  "%s: node '%s': dataset '%s' cannot be read (corrupt data or an unavailable filter)",
                  r->path, node, dname);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a->v[i])) {
            loom_fail(r->e, LOOM_E_INVALID, "%s: node '%s': parameter '%s'[%zu] is not finite", r->path,
                      node, dname, i);
            goto done;
        }
    ret = 0;
done:
    if (ret != 0) {
        free(a->name);
        free(a->v);
        memset(a, 0, sizeof *a);
    }
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    H5Dclose(d);
    return ret;
}

static int kind_of(const char *type)
{
    for (int k = 0; k < NIR_IDENTITY; k++)
        if (strcmp(type, kind_names[k]) == 0)
            return k;
    return -1;
}

static nir_node *new_node(rd *r)
{
    nir_graph *g = r->g;
    if (g->n_nodes == r->cap_nodes) {
        uint32_t nc = r->cap_nodes ? 2 * r->cap_nodes : 16;
        nir_node *p = realloc(g->nodes, nc * sizeof *p);
        if (!p)
            return NULL;
        g->nodes = p;
        r->cap_nodes = nc;
    }
    nir_node *n = &g->nodes[g->n_nodes++];
    memset(n, 0, sizeof *n);
    return n;
}

static loom_status read_graph(rd *r, hid_t grp, const char *prefix);

static loom_status read_node(rd *r, hid_t ng, const char *full)
{
    char *type = read_type(ng);
    if (!type)
        return loom_fail(r->e, LOOM_E_PARSE, "%s: node '%s' has no 'type' (expected a string dataset or attribute)",
                         r->path, full);
    if (strcmp(type, "NIRGraph") == 0) {
        free(type);
        if (r->n_subs == r->cap_subs) {
            size_t nc = r->cap_subs ? 2 * r->cap_subs : 4;
            subgraph *p = realloc(r->subs, nc * sizeof *p);
            if (!p)
                return oom(r);
            r->subs = p;
            r->cap_subs = nc;
        }
        r->subs[r->n_subs].name = xstrdup(full);
        if (!r->subs[r->n_subs].name)
            return oom(r);
        r->n_subs++;
        if (++r->depth > 16)
            return loom_fail(r->e, LOOM_E_UNSUPPORTED, "%s: node '%s': NIRGraphs nested deeper than 16", r->path, full);
        char *pre = cat3(full, ".", "");
        if (!pre)
            return oom(r);
        loom_status st = read_graph(r, ng, pre);
        free(pre);
        r->depth--;
        return st;
    }
    int k = kind_of(type);
    if (k < 0) {
        loom_status st = loom_fail(r->e, LOOM_E_UNSUPPORTED,
                                   "%s: node '%s' has unknown type '%s' (expected Input, Output, Affine, Linear, "
                                   "Scale, LIF, CubaLIF, LI, IF, I, Threshold, Delay, Flatten, Conv1d, Conv2d, "
                                   "SumPool2d, AvgPool2d or NIRGraph)",
                                   r->path, full, type);
        free(type);
        return st;
    }
    free(type);
    nir_node *n = new_node(r);
    if (!n)
        return oom(r);
    n->kind = (nir_kind)k;
    n->name = xstrdup(full);
    if (!n->name)
        return oom(r);
    H5G_info_t info;
    if (H5Gget_info(ng, &info) < 0)
        return loom_fail(r->e, LOOM_E_PARSE, "%s: node '%s': unreadable group", r->path, full);
    n->params = calloc(info.nlinks ? info.nlinks : 1, sizeof *n->params);
    if (!n->params)
        return oom(r);
    for (hsize_t i = 0; i < info.nlinks; i++) {
        char *ln = link_name(ng, i);
        if (!ln)
            return loom_fail(r->e, LOOM_E_PARSE, "%s: node '%s': unreadable member %llu", r->path, full,
                             (unsigned long long)i);
        if (strcmp(ln, "type") == 0) {
            free(ln);
            continue;
        }
        int rc = read_array(r, ng, ln, full, &n->params[n->n_params]);
        free(ln);
        if (rc < 0)
            return r->e ? r->e->status : LOOM_E_PARSE;
        if (rc == 0)
            n->n_params++;
    }
    return LOOM_OK;
}

static loom_status add_raw_edge(rd *r, const char *prefix, const char *a, const char *b)
{
    if (r->n_redges == r->cap_redges) {
        size_t nc = r->cap_redges ? 2 * r->cap_redges : 32;
        raw_edge *p = realloc(r->redges, nc * sizeof *p);
        if (!p)
            return oom(r);
        r->redges = p;
        r->cap_redges = nc;
    }
    raw_edge *x = &r->redges[r->n_redges];
    x->src = cat3(prefix, a, "");
    x->dst = cat3(prefix, b, "");
    x->where = xstrdup(prefix);
    if (!x->src || !x->dst || !x->where) {
        free(x->src);
        free(x->dst);
        free(x->where);
        return oom(r);
    }
    r->n_redges++;
    return LOOM_OK;
}

static loom_status read_edges(rd *r, hid_t grp, const char *prefix)
{
    const char *gname = prefix[0] ? prefix : "the top-level graph";
    if (H5Lexists(grp, "edges", H5P_DEFAULT) <= 0)
        return loom_fail(r->e, LOOM_E_PARSE, "%s: %s has no 'edges' dataset", r->path, gname);
    hid_t d = H5Dopen2(grp, "edges", H5P_DEFAULT);
    if (d < 0)
        return loom_fail(r->e, LOOM_E_PARSE, "%s: %s: 'edges' is not a dataset", r->path, gname);
    loom_status st = LOOM_OK;
    hid_t t = H5Dget_type(d), s = H5Dget_space(d), mt = -1;
    char **vs = NULL, *fs = NULL;
    hsize_t dims[2] = {0, 0};
    int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    if (t < 0 || H5Tget_class(t) != H5T_STRING) {
        hssize_t np = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
        if (np == 0) /* an empty edge list written as a numeric array */
            goto done;
        st = loom_fail(r->e, LOOM_E_PARSE, "%s: %s: 'edges' must hold strings (pairs of node names)", r->path,
                       gname);
        goto done;
    }
    if (rank == 1 || rank == 2)
        H5Sget_simple_extent_dims(s, dims, NULL);
    if (rank == 1 && dims[0] == 0)
        goto done;
    if (rank != 2 || dims[1] != 2) {
        st = loom_fail(r->e, LOOM_E_PARSE, "%s: %s: 'edges' must be an N x 2 array of names", r->path, gname);
        goto done;
    }
    if (dims[0] > (1u << 24)) {
        st = loom_fail(r->e, LOOM_E_CAPACITY, "%s: %s: too many edges", r->path, gname);
        goto done;
    }
    size_t n = (size_t)dims[0] * 2;
    mt = H5Tcopy(H5T_C_S1);
    H5Tset_cset(mt, H5Tget_cset(t));
    if (H5Tis_variable_str(t) > 0) {
        H5Tset_size(mt, H5T_VARIABLE);
        vs = calloc(n ? n : 1, sizeof *vs);
        if (!vs) {
            st = oom(r);
            goto done;
        }
        if (H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, vs) < 0) {
            st = loom_fail(r->e, LOOM_E_PARSE, "%s: %s: 'edges' cannot be read", r->path, gname);
            goto done;
        }
        for (size_t i = 0; i < dims[0] && st == LOOM_OK; i++) {
            if (!vs[2 * i] || !vs[2 * i + 1])
                st = loom_fail(r->e, LOOM_E_PARSE, "%s: %s: edge %zu has an empty name", r->path, gname, i);
            else
                st = add_raw_edge(r, prefix, vs[2 * i], vs[2 * i + 1]);
        }
    } else {
        size_t sz = H5Tget_size(t);
        if (sz == 0 || sz > 4096) {
            st = loom_fail(r->e, LOOM_E_PARSE, "%s: %s: 'edges' has a bad string size", r->path, gname);
            goto done;
        }
        H5Tset_size(mt, sz + 1);
        fs = calloc(n ? n : 1, sz + 1);
        if (!fs) {
            st = oom(r);
            goto done;
        }
        if (H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, fs) < 0) {
            st = loom_fail(r->e, LOOM_E_PARSE, "%s: %s: 'edges' cannot be read", r->path, gname);
            goto done;
        }
        for (size_t i = 0; i < dims[0] && st == LOOM_OK; i++)
            st = add_raw_edge(r, prefix, fs + (2 * i) * (sz + 1), fs + (2 * i + 1) * (sz + 1));
    }
done:
    if (vs) {
        for (size_t i = 0; i < (size_t)dims[0] * 2; i++)
            if (vs[i])
                H5free_memory(vs[i]);
        free(vs);
    }
    free(fs);
    if (mt >= 0)
        H5Tclose(mt);
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    H5Dclose(d);
    return st;
}

static loom_status read_graph(rd *r, hid_t grp, const char *prefix)
{
    const char *gname = prefix[0] ? prefix : "the top-level graph";
    if (prefix[0] == '\0') {
        char *type = read_type(grp);
        if (!type)
            return loom_fail(r->e, LOOM_E_PARSE, "%s: /node has no 'type' (expected \"NIRGraph\")", r->path);
        int ok = strcmp(type, "NIRGraph") == 0;
        free(type);
        if (!ok)
            return loom_fail(r->e, LOOM_E_UNSUPPORTED, "%s: /node is not an NIRGraph", r->path);
        /* graph metadata: dt */
        if (H5Lexists(grp, "metadata", H5P_DEFAULT) > 0) {
            hid_t mg = H5Gopen2(grp, "metadata", H5P_DEFAULT);
            if (mg >= 0) {
                if (H5Lexists(mg, "dt", H5P_DEFAULT) > 0) {
                    nir_array a;
                    if (read_array(r, mg, "dt", "metadata", &a) == 0) {
                        if (a.n == 1 && a.v[0] > 0)
                            r->g->file_dt = a.v[0];
                        free(a.name);
                        free(a.v);
                    } else if (r->e) {
                        loom_err_clear(r->e);
                    }
                }
                H5Gclose(mg);
            }
        }
    }
    if (H5Lexists(grp, "nodes", H5P_DEFAULT) <= 0)
        return loom_fail(r->e, LOOM_E_PARSE, "%s: %s has no 'nodes' group", r->path, gname);
    hid_t nodes = H5Gopen2(grp, "nodes", H5P_DEFAULT);
    if (nodes < 0)
        return loom_fail(r->e, LOOM_E_PARSE, "%s: %s: 'nodes' is not a group", r->path, gname);
    H5G_info_t info;
    loom_status st = LOOM_OK;
    if (H5Gget_info(nodes, &info) < 0)
        st = loom_fail(r->e, LOOM_E_PARSE, "%s: %s: 'nodes' is unreadable", r->path, gname);
    for (hsize_t i = 0; st == LOOM_OK && i < info.nlinks; i++) {
        char *ln = link_name(nodes, i);
        if (!ln) {
            st = loom_fail(r->e, LOOM_E_PARSE, "%s: %s: node %llu has an unreadable name", r->path, gname,
                           (unsigned long long)i);
            break;
        }
        char *full = cat3(prefix, ln, "");
        free(ln);
        if (!full) {
            st = oom(r);
            break;
        }
        hid_t ng = H5Gopen2(nodes, full + strlen(prefix), H5P_DEFAULT);
        if (ng < 0)
            st = loom_fail(r->e, LOOM_E_PARSE, "%s: node '%s' is not a group", r->path, full);
        else {
            st = read_node(r, ng, full);
            H5Gclose(ng);
        }
        free(full);
    }
    H5Gclose(nodes);
    if (st == LOOM_OK)
        st = read_edges(r, grp, prefix);
    return st;
}

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
        return oom(r);
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

static loom_status check_and_shape(rd *r)
{
    nir_graph *g = r->g;
    loom_status st;
    /* resolve edges */
    g->edges = calloc(r->n_redges ? r->n_redges : 1, sizeof *g->edges);
    if (!g->edges)
        return oom(r);
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

void nir_graph_free(nir_graph *g)
{
    if (!g)
        return;
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        for (uint32_t k = 0; k < g->nodes[i].n_params; k++) {
            free(g->nodes[i].params[k].name);
            free(g->nodes[i].params[k].v);
        }
        free(g->nodes[i].params);
        free(g->nodes[i].name);
    }
    free(g->nodes);
    free(g->edges);
    free(g->topo);
    free(g->input_node);
    free(g->input_first);
    for (uint32_t i = 0; i < g->n_pops; i++) {
        nir_pop *p = &g->pops[i];
        free(p->name);
        free(p->tau), free(p->tau_syn), free(p->r), free(p->v_leak), free(p->theta), free(p->v_reset),
            free(p->w_in);
    }
    free(g->pops);
    free(g->pop_of);
    free(g->in_off);
    free(g->in_terms);
    free(g->bias_u);
    free(g->path);
    free(g->version);
    free(g);
}

static loom_status read_direct(const char *path, nir_graph **out, loom_err *e)
{
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    rd r;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.e = e;
    nir_graph *g = calloc(1, sizeof *g);
    if (!g)
        return loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", path);
    r.g = g;
    g->path = xstrdup(path);
    loom_status st = LOOM_OK;
    if (!g->path) {
        nir_graph_free(g);
        return loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", path);
    }
    htri_t ish5 = H5Fis_hdf5(path);
    if (ish5 <= 0) {
        FILE *f = fopen(path, "rb");
        if (!f)
            st = loom_fail(e, LOOM_E_IO, "%s: cannot open the file", path);
        else {
            fclose(f);
            st = loom_fail(e, LOOM_E_PARSE, "%s: not an HDF5 file (an NIR file is HDF5)", path);
        }
        nir_graph_free(g);
        return st;
    }
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        nir_graph_free(g);
        return loom_fail(e, LOOM_E_PARSE, "%s: HDF5 could not open the file (truncated or corrupt)", path);
    }
    g->version = NULL;
    if (H5Lexists(f, "version", H5P_DEFAULT) > 0) {
        hid_t d = H5Dopen2(f, "version", H5P_DEFAULT);
        if (d >= 0) {
            g->version = read_string(d, 0);
            H5Dclose(d);
        }
    }
    if (!g->version)
        g->version = xstrdup("");
    if (H5Lexists(f, "node", H5P_DEFAULT) <= 0)
        st = loom_fail(e, LOOM_E_PARSE, "%s: no group /node (not an NIR file)", path);
    else {
        hid_t ng = H5Gopen2(f, "node", H5P_DEFAULT);
        if (ng < 0)
            st = loom_fail(e, LOOM_E_PARSE, "%s: /node is not a group", path);
        else {
            st = read_graph(&r, ng, "");
            H5Gclose(ng);
        }
    }
    H5Fclose(f);
    if (st == LOOM_OK)
        st = check_and_shape(&r);
    for (size_t i = 0; i < r.n_redges; i++) {
        free(r.redges[i].src);
        free(r.redges[i].dst);
        free(r.redges[i].where);
    }
    free(r.redges);
    for (size_t i = 0; i < r.n_subs; i++)
        free(r.subs[i].name);
    free(r.subs);
    if (st != LOOM_OK) {
        nir_graph_free(g);
        return st;
    }
    *out = g;
    return LOOM_OK;
}

/* libhdf5 (1.10) itself can crash or run away on a bit-flipped file: a
 * corrupt variable-length size makes it allocate and clear gigabytes, a
 * corrupt offset makes it follow a wild pointer.  So the file is first read
 * in a child process with a memory cap (1 GiB + 8 x the file's size; not
 * under AddressSanitizer, whose shadow memory a cap would break), a CPU
 * time limit (HDF5 can loop for ever in its global heap) and a wall-clock
 * backstop.  A child that fails reports its message through a pipe and this
 * process returns it; only a child that read the file cleanly makes this
 * process read it for real.  A child killed by a signal or over the limits
 * means a file corrupt in a way HDF5 cannot report. */
#define NIR_READ_LIMIT_S 120  /* wall clock, a backstop */
#define NIR_CPU_LIMIT_S 10    /* CPU seconds, + 1 per MB of file */

#if defined(__SANITIZE_ADDRESS__)
#define NIR_CAP_MEMORY 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NIR_CAP_MEMORY 0
#endif
#endif
#ifndef NIR_CAP_MEMORY
#define NIR_CAP_MEMORY 1
#endif

static void child_read(const char *path, int fd)
{
    struct stat sb;
    off_t size = stat(path, &sb) == 0 ? sb.st_size : 0;
    struct rlimit cpu = {(rlim_t)(NIR_CPU_LIMIT_S + size / 1000000), (rlim_t)(NIR_CPU_LIMIT_S + size / 1000000 + 1)};
    setrlimit(RLIMIT_CPU, &cpu);
    if (NIR_CAP_MEMORY) {
        rlim_t cap = ((rlim_t)1 << 30) + (rlim_t)size * 8;
        struct rlimit rl = {cap, cap};
        setrlimit(RLIMIT_AS, &rl);
    }
    nir_graph *g = NULL;
    loom_err ce;
    memset(&ce, 0, sizeof ce);
    loom_status st = read_direct(path, &g, &ce);
    if (st != LOOM_OK) {
        char msg[sizeof ce.msg + 16];
        int n = snprintf(msg, sizeof msg, "%d %s", (int)st, ce.msg);
        ssize_t w = write(fd, msg, (size_t)n);
        (void)w;
    }
    _exit(st == LOOM_OK ? 0 : 1);
}

loom_status nir_read_file(const char *path, nir_graph **out, loom_err *e)
{
    *out = NULL;
    int fds[2];
    if (pipe(fds) != 0)
        return read_direct(path, out, e);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) { /* no process to spare: read directly */
        close(fds[0]);
        close(fds[1]);
        return read_direct(path, out, e);
    }
    if (pid == 0) {
        close(fds[0]);
        child_read(path, fds[1]);
    }
    close(fds[1]);
    int status = 0;
    struct timespec nap = {0, 1000000};
    double waited = 0;
    loom_status st = LOOM_OK;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            st = loom_fail(e, LOOM_E_IO, "%s: lost the HDF5 reader process: %s", path, strerror(errno));
            break;
        }
        if (waited > NIR_READ_LIMIT_S) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            st = loom_fail(e, LOOM_E_PARSE,
                           "%s: HDF5 spent more than %d s reading this file; it is corrupt "
                           "(sizes or offsets that point nowhere)", path, NIR_READ_LIMIT_S);
            break;
        }
        nanosleep(&nap, NULL);
        waited += (double)nap.tv_nsec / 1e9;
        if (nap.tv_nsec < 50000000)
            nap.tv_nsec *= 2;
    }
    char msg[sizeof e->msg + 16];
    ssize_t n = 0, k;
    while (n < (ssize_t)sizeof msg - 1 && (k = read(fds[0], msg + n, sizeof msg - 1 - (size_t)n)) > 0)
        n += k;
    msg[n] = '\0';
    close(fds[0]);
    if (st != LOOM_OK)
        return st;
    if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL))
        return loom_fail(e, LOOM_E_PARSE,
                         "%s: HDF5 spent more than its CPU time limit reading this file (it loops); "
                         "the file is corrupt", path);
    if (WIFSIGNALED(status))
        return loom_fail(e, LOOM_E_PARSE,
                         "%s: the HDF5 library crashed reading this file (signal %d, %s); the file is corrupt",
                         path, WTERMSIG(status), strsignal(WTERMSIG(status)));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1 && n > 0) {
        int code = 0, used = 0;
        if (sscanf(msg, "%d %n", &code, &used) >= 1 && code > 0)
            return loom_fail(e, (loom_status)code, "%s", msg + used);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return loom_fail(e, LOOM_E_PARSE,
                         "%s: the HDF5 library gave up reading this file (out of memory or exit %d); "
                         "the file is corrupt", path, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return read_direct(path, out, e);
}
