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
 * After reading, the graph is checked and shaped (nir_shape.c).
 *
 * HDF5's own error printing is switched off: a malformed file yields one
 * loom_err line, never a stack dump on stderr.  (libhdf5 1.10 itself trusts
 * the lengths in a file's global heap: a file whose variable-length string
 * data is corrupt, rather than truncated or structurally wrong, can still
 * crash inside H5Dread; see docs/nir.md.  This library never forks: the
 * command line reads NIR files first in a sandboxed child process,
 * sw/cli/cli_sandbox.c.)
 */
#include "nir_int.h"
#include "nir_h5.h"
#include "nir_rd.h"
#include "loom_limits.h"
#include "loom_mem.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static const nir_array *find_array(const nir_array *a, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(a[i].name, name) == 0)
            return &a[i];
    return NULL;
}

const nir_array *nir_node_meta(const nir_node *node, const char *name)
{
    return find_array(node->meta, node->n_meta, name);
}

const nir_array *nir_graph_meta(const nir_graph *g, const char *name)
{
    return find_array(g->meta, g->n_meta, name);
}

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

loom_status nir_rd_oom(rd *r) {
    return loom_fail(r->e, LOOM_E_NOMEM, "%s: out of memory", r->path);
}

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
    nir_h5_close(-1, s, t, mt);
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
        nir_rd_oom(r);
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
    nir_h5_close(d, s, t, -1);
    return ret;
}

/* The numeric datasets of grp's `metadata` group (when there is one) into
 * *arr / *n.  Metadata is optional: a dataset that cannot be read is
 * skipped, not an error.  Fails only on OOM. */
static loom_status read_meta(rd *r, hid_t grp, const char *node, uint32_t *n, nir_array **arr)
{
    *n = 0;
    *arr = NULL;
    if (H5Lexists(grp, "metadata", H5P_DEFAULT) <= 0)
        return LOOM_OK;
    hid_t mg = H5Gopen2(grp, "metadata", H5P_DEFAULT);
    if (mg < 0)
        return LOOM_OK;
    H5G_info_t info;
    loom_status st = LOOM_OK;
    if (H5Gget_info(mg, &info) >= 0 && info.nlinks > 0) {
        *arr = calloc(info.nlinks, sizeof **arr);
        if (!*arr)
            st = nir_rd_oom(r);
        for (hsize_t i = 0; st == LOOM_OK && i < info.nlinks; i++) {
            char *ln = link_name(mg, i);
            if (!ln)
                continue;
            loom_err keep = r->e ? *r->e : (loom_err){0};
            int rc = read_array(r, mg, ln, node, &(*arr)[*n]);
            free(ln);
            if (rc == 0)
                (*n)++;
            else if (rc < 0) {
                if (r->e && r->e->status == LOOM_E_NOMEM)
                    st = LOOM_E_NOMEM;
                else if (r->e)
                    *r->e = keep;
            }
        }
    }
    H5Gclose(mg);
    return st;
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
    if (LOOM_GROW(g->nodes, r->cap_nodes, (size_t)g->n_nodes + 1, 16))
        return NULL;
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
        if (LOOM_GROW(r->subs, r->cap_subs, r->n_subs + 1, 4))
            return nir_rd_oom(r);
        r->subs[r->n_subs].name = xstrdup(full);
        if (!r->subs[r->n_subs].name)
            return nir_rd_oom(r);
        r->n_subs++;
        if (++r->depth > 16)
            return loom_fail(r->e, LOOM_E_UNSUPPORTED, "%s: node '%s': NIRGraphs nested deeper than 16", r->path, full);
        char *pre = cat3(full, ".", "");
        if (!pre)
            return nir_rd_oom(r);
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
        return nir_rd_oom(r);
    n->kind = (nir_kind)k;
    n->name = xstrdup(full);
    if (!n->name)
        return nir_rd_oom(r);
    H5G_info_t info;
    if (H5Gget_info(ng, &info) < 0)
        return loom_fail(r->e, LOOM_E_PARSE, "%s: node '%s': unreadable group", r->path, full);
    n->params = calloc(info.nlinks ? info.nlinks : 1, sizeof *n->params);
    if (!n->params)
        return nir_rd_oom(r);
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
    return read_meta(r, ng, full, &n->n_meta, &n->meta);
}

static loom_status add_raw_edge(rd *r, const char *prefix, const char *a, const char *b)
{
    if (LOOM_GROW(r->redges, r->cap_redges, r->n_redges + 1, 32))
        return nir_rd_oom(r);
    raw_edge *x = &r->redges[r->n_redges];
    x->src = cat3(prefix, a, "");
    x->dst = cat3(prefix, b, "");
    x->where = xstrdup(prefix);
    if (!x->src || !x->dst || !x->where) {
        LOOM_FREE(x->src, x->dst, x->where);
        return nir_rd_oom(r);
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
    const int var = H5Tis_variable_str(t) > 0; /* char * per name, else fixed size */
    const size_t sz = var ? 0 : H5Tget_size(t);
    if (!var && (sz == 0 || sz > 4096)) {
        st = loom_fail(r->e, LOOM_E_PARSE, "%s: %s: 'edges' has a bad string size", r->path, gname);
        goto done;
    }
    H5Tset_size(mt, var ? H5T_VARIABLE : sz + 1);
    void *buf = calloc(n ? n : 1, var ? sizeof *vs : sz + 1);
    if (var)
        vs = buf;
    else
        fs = buf;
    if (!buf) {
        st = nir_rd_oom(r);
        goto done;
    }
    if (H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        st = loom_fail(r->e, LOOM_E_PARSE, "%s: %s: 'edges' cannot be read", r->path, gname);
        goto done;
    }
    for (size_t i = 0; i < dims[0] && st == LOOM_OK; i++) {
        if (var && (!vs[2 * i] || !vs[2 * i + 1]))
            st = loom_fail(r->e, LOOM_E_PARSE, "%s: %s: edge %zu has an empty name", r->path, gname, i);
        else if (var)
            st = add_raw_edge(r, prefix, vs[2 * i], vs[2 * i + 1]);
        else
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
    nir_h5_close(d, s, t, mt);
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
        /* graph metadata: dt, and loom_* (NIR out, nir_write.h) */
        loom_status mst = read_meta(r, grp, "metadata", &r->g->n_meta, &r->g->meta);
        if (mst)
            return mst;
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
            st = nir_rd_oom(r);
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
        for (uint32_t k = 0; k < g->nodes[i].n_meta; k++) {
            free(g->nodes[i].meta[k].name);
            free(g->nodes[i].meta[k].v);
        }
        free(g->nodes[i].meta);
    }
    for (uint32_t k = 0; k < g->n_meta; k++) {
        free(g->meta[k].name);
        free(g->meta[k].v);
    }
    LOOM_FREE(g->meta, g->nodes, g->edges, g->topo, g->input_node, g->input_first);
    for (uint32_t i = 0; i < g->n_pops; i++) {
        nir_pop *p = &g->pops[i];
        free(p->name);
        free(p->tau), free(p->tau_syn), free(p->r), free(p->v_leak), free(p->theta), free(p->v_reset),
            free(p->w_in);
    }
    LOOM_FREE(g->pops, g->cl_mode, g->pop_of, g->in_off, g->in_terms, g->bias_u, g->path, g->version, g);
}

loom_status nir_read_file(const char *path, nir_graph **out, loom_err *e)
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
        st = nir_check_and_shape(&r);
    for (size_t i = 0; i < r.n_redges; i++) {
        LOOM_FREE(r.redges[i].src, r.redges[i].dst, r.redges[i].where);
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
