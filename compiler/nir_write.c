/*
 * nir_write.c -- NIR out (nir_write.h): a seir_net as an NIR graph in HDF5.
 *
 * Layout (as nir/serialization.py writes it): /version, /node (type
 * "NIRGraph") with nodes/NAME/{type, parameters, metadata/...}, edges (N x 2
 * variable-length UTF-8 strings) and metadata/{dt, loom_*}.  Parameters are
 * float64 datasets; matrices are gzip'ed.
 *
 * Nodes: one Input per input group; one neuron node per *segment*, a run of
 * neurons of one SEIR group with one NIR kind, reset mode and output kind;
 * for every (source node, delay d) with synapses a Delay node (d > 0) and for
 * every (source, d, destination) a Linear node of the summed integer
 * weights: source -> Delay -> Linear -> destination; an Output per segment
 * with outputs.
 */
#include "nir_h5.h"
#include "nir_write.h"

#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nir_int.h"
#include "loom_mem.h"
#include "loom_cmp.h"

#define NIRW_VERSION "1.0.7"
/* k = 1 - a/4096 for a = 4096 (no leak): 2^-100, so that tau = dt * 2^100,
 * r = 2^(shift+100) and v_leak = bias * 2^100 are exact and finite, and the
 * Euler step (1 - k) v + k r u is v + 2^shift u in double precision. */
#define NIRW_K_NOLEAK_EXP (-100)
/* v_threshold of a node that never spikes (reset none with a current). */
#define NIRW_NEVER 1e300

enum { K_LIF, K_LI, K_CUBALIF };
static const char *const kind_type[] = {"LIF", "LI", "CubaLIF"};

typedef struct seg {
    uint32_t group, first, count;
    int kind, reset, out; /* out: bit 0 spike output, bit 1 v output */
    char *name;
} seg;

typedef struct wr {
    const seir_net *net;
    const char *path;
    loom_err *e;
    double dt;
    hid_t file, graph, nodes;
    seg *segs;
    uint32_t n_segs;
    uint32_t *seg_of;  /* [n_neurons] */
    uint8_t *out_of;   /* [n_neurons] */
    char **in_names;   /* [n_input_groups] */
    char **names;      /* every node name, for uniqueness */
    size_t n_names, cap_names;
    char **edges;      /* flat pairs */
    size_t n_edges, cap_edges;
    int failed;
} wr;

static loom_status w_fail(wr *w, const char *what)
{
    if (!w->failed)
        loom_fail(w->e, LOOM_E_IO, "%s: cannot write the NIR file (%s)", w->path, what);
    w->failed = 1;
    return LOOM_E_IO;
}

static loom_status w_oom(wr *w)
{
    if (!w->failed)
        loom_fail(w->e, LOOM_E_NOMEM, "%s: out of memory writing the NIR file", w->path);
    w->failed = 1;
    return LOOM_E_NOMEM;
}

/* A node name not used yet: base, else base_2, base_3, ...  Owned by w. */
static const char *unique_name(wr *w, const char *base)
{
    size_t len = strlen(base) + 16;
    char *s = malloc(len);
    if (!s)
        return NULL;
    snprintf(s, len, "%s", base);
    for (unsigned k = 2;; k++) {
        int used = 0;
        for (size_t i = 0; i < w->n_names && !used; i++)
            used = strcmp(w->names[i], s) == 0;
        if (!used)
            break;
        snprintf(s, len, "%s_%u", base, k);
    }
    if (LOOM_GROW(w->names, w->cap_names, w->n_names + 1, 64)) {
        free(s);
        return NULL;
    }
    w->names[w->n_names++] = s;
    return s;
}

static loom_status add_edge(wr *w, const char *a, const char *b)
{
    if (LOOM_GROW(w->edges, w->cap_edges, w->n_edges + 2, 64))
        return w_oom(w);
    w->edges[w->n_edges++] = (char *)a;
    w->edges[w->n_edges++] = (char *)b;
    return LOOM_OK;
}

static loom_status put_str(wr *w, hid_t loc, const char *name, const char *val)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    herr_t rc = t < 0 ? -1 : H5Tset_size(t, H5T_VARIABLE);
    if (rc >= 0)
        rc = H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t d = rc < 0 || s < 0 ? -1 : H5Dcreate2(loc, name, t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    rc = d < 0 ? -1 : H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &val);
    nir_h5_close(d, s, t, -1);
    return rc < 0 ? w_fail(w, name) : LOOM_OK;
}

/* A numeric dataset (rank 0..2) of doubles stored as float64 or int64;
 * gzip'ed when big. */
static loom_status put_num(wr *w, hid_t loc, const char *name, int rank, const hsize_t *dims, const void *v,
                           int is_int)
{
    hid_t s = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
    hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
    hsize_t total = 1;
    for (int k = 0; k < rank; k++)
        total *= dims[k];
    herr_t rc = s < 0 || pl < 0 ? -1 : 0;
    if (rc >= 0 && rank && total >= 256) {
        rc = H5Pset_chunk(pl, rank, dims);
        if (rc >= 0)
            rc = H5Pset_deflate(pl, 4);
    }
    hid_t d = rc < 0 ? -1
                     : H5Dcreate2(loc, name, is_int ? H5T_STD_I64LE : H5T_IEEE_F64LE, s, H5P_DEFAULT, pl,
                                  H5P_DEFAULT);
    rc = d < 0 ? -1
               : (total ? H5Dwrite(d, is_int ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                                   H5P_DEFAULT, v)
                        : 0);
    if (d >= 0)
        H5Dclose(d);
    if (pl >= 0)
        H5Pclose(pl);
    if (s >= 0)
        H5Sclose(s);
    return rc < 0 ? w_fail(w, name) : LOOM_OK;
}

static loom_status put_vec(wr *w, hid_t loc, const char *name, hsize_t n, const double *v)
{
    return put_num(w, loc, name, 1, &n, v, 0);
}

static loom_status put_ivec(wr *w, hid_t loc, const char *name, hsize_t n, const int64_t *v)
{
    return put_num(w, loc, name, 1, &n, v, 1);
}

static loom_status put_iscalar(wr *w, hid_t loc, const char *name, int64_t v)
{
    return put_num(w, loc, name, 0, NULL, &v, 1);
}

/* Creates node's "metadata" group in *m (-1 on failure; the caller closes
 * it) and writes the n integer scalars keys[k] = vals[k] into it, in order. */
static loom_status put_meta(wr *w, hid_t node, hid_t *m, size_t n, const char *const *keys,
                            const int64_t *vals)
{
    *m = H5Gcreate2(node, "metadata", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (*m < 0)
        return w_fail(w, "metadata");
    loom_status st = LOOM_OK;
    for (size_t k = 0; k < n && !st; k++)
        st = put_iscalar(w, *m, keys[k], vals[k]);
    return st;
}

static hid_t new_node(wr *w, const char *name, const char *type)
{
    hid_t n = H5Gcreate2(w->nodes, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (n < 0) {
        w_fail(w, name);
        return -1;
    }
    if (put_str(w, n, "type", type)) {
        H5Gclose(n);
        return -1;
    }
    return n;
}

/* A Linear node `name` with the rows x cols weight matrix m (row-major). */
static loom_status put_linear(wr *w, const char *name, hsize_t rows, hsize_t cols, const double *m)
{
    hid_t n = new_node(w, name, "Linear");
    if (n < 0)
        return LOOM_E_IO;
    hsize_t dims[2] = {rows, cols};
    loom_status st = put_num(w, n, "weight", 2, dims, m, 0);
    H5Gclose(n);
    return st;
}

static int kind_of_profile(const seir_profile *p)
{
    if (p->a_syn != 0)
        return K_CUBALIF;
    return p->reset == SEIR_RESET_NONE ? K_LI : K_LIF;
}

/* k = 1 - a/4096, or 2^-100 for a = 4096. */
static double kfac(int32_t a)
{
    return a >= 4096 ? ldexp(1.0, NIRW_K_NOLEAK_EXP) : (4096.0 - a) / 4096.0;
}

static loom_status make_segments(wr *w)
{
    const seir_net *net = w->net;
    w->seg_of = malloc((net->n_neurons + 1) * sizeof *w->seg_of);
    w->out_of = calloc(net->n_neurons + 1, 1);
    w->segs = malloc((net->n_neurons + 1) * sizeof *w->segs);
    uint32_t *level = malloc((net->n_neurons + 1) * sizeof *level), n_levels;
    if (!w->seg_of || !w->out_of || !w->segs || !level) {
        free(level);
        return w_oom(w);
    }
    /* a zero-delay synapse always goes to a higher level, so segments of one
     * level keep the zero-delay node graph acyclic, as NIR needs it */
    loom_status lst = seir_levels(net, level, &n_levels, w->e);
    if (lst) {
        free(level);
        w->failed = 1;
        return loom_err_prefix(w->e, "%s", w->path);
    }
    for (uint32_t o = 0; o < net->n_outputs; o++)
        if (net->outputs[o].neuron < net->n_neurons)
            w->out_of[net->outputs[o].neuron] |= net->outputs[o].kind == SEIR_OUT_V ? 2 : 1;
    for (uint32_t gi = 0; gi < net->n_neuron_groups; gi++) {
        const seir_group *gr = &net->neuron_groups[gi];
        uint32_t start = w->n_segs;
        for (uint32_t n = gr->first; n < gr->first + gr->count; n++) {
            const seir_profile *p = &net->profiles[net->neuron_profile[n]];
            int kind = kind_of_profile(p), reset = (int)p->reset, out = w->out_of[n];
            seg *last = w->n_segs > start ? &w->segs[w->n_segs - 1] : NULL;
            if (last && last->kind == kind && last->reset == reset && last->out == out &&
                level[last->first] == level[n]) {
                last->count++;
            } else {
                seg *s = &w->segs[w->n_segs++];
                memset(s, 0, sizeof *s);
                s->group = gi, s->first = n, s->count = 1, s->kind = kind, s->reset = reset, s->out = out;
            }
            w->seg_of[n] = w->n_segs - 1;
        }
        for (uint32_t k = start; k < w->n_segs; k++) {
            char buf[SEIR_NAME_MAX + 32];
            if (k == start)
                snprintf(buf, sizeof buf, "%s", gr->name);
            else
                snprintf(buf, sizeof buf, "%s_%u", gr->name, k - start);
            if (!(w->segs[k].name = (char *)unique_name(w, buf))) {
                free(level);
                return w_oom(w);
            }
        }
    }
    free(level);
    return LOOM_OK;
}

static loom_status write_inputs(wr *w)
{
    const seir_net *net = w->net;
    w->in_names = calloc(net->n_input_groups + 1, sizeof *w->in_names);
    if (!w->in_names)
        return w_oom(w);
    for (uint32_t gi = 0; gi < net->n_input_groups; gi++) {
        const seir_group *gr = &net->input_groups[gi];
        char buf[SEIR_NAME_MAX + 16];
        snprintf(buf, sizeof buf, "%s", gr->name);
        if (!(w->in_names[gi] = (char *)unique_name(w, buf)))
            return w_oom(w);
        hid_t n = new_node(w, w->in_names[gi], "Input");
        if (n < 0)
            return LOOM_E_IO;
        int64_t shape = gr->count;
        loom_status st = put_ivec(w, n, "shape", 1, &shape);
        hid_t m = -1;
        if (!st)
            st = put_meta(w, n, &m, 3, (const char *const[]){"loom_first", "loom_is_array", "loom_graded"},
                          (const int64_t[]){gr->first, gr->is_array, gr->kind == SEIR_IN_GRADED});
        if (!st && net->input_max) {
            int64_t *mx = malloc(gr->count * sizeof *mx);
            if (!mx)
                st = w_oom(w);
            for (uint32_t c = 0; !st && c < gr->count; c++)
                mx[c] = net->input_max[gr->first + c];
            if (!st)
                st = put_ivec(w, m, "loom_max", gr->count, mx);
            free(mx);
        }
        if (m >= 0)
            H5Gclose(m);
        H5Gclose(n);
        if (st)
            return st;
    }
    return LOOM_OK;
}

static loom_status write_neurons(wr *w)
{
    const seir_net *net = w->net;
    for (uint32_t si = 0; si < w->n_segs; si++) {
        const seg *s = &w->segs[si];
        uint32_t c = s->count;
        double *buf = malloc(7 * (size_t)c * sizeof *buf);
        int64_t *ib = malloc(2 * (size_t)c * sizeof *ib);
        if (!buf || !ib) {
            free(buf);
            free(ib);
            return w_oom(w);
        }
        double *tau = buf, *tau_syn = buf + c, *r = buf + 2 * c, *v_leak = buf + 3 * c, *thr = buf + 4 * c,
               *v_reset = buf + 5 * c, *w_in = buf + 6 * c;
        for (uint32_t k = 0; k < c; k++) {
            uint32_t n = s->first + k;
            const seir_profile *p = &net->profiles[net->neuron_profile[n]];
            double km = kfac(p->a_mem), ks = kfac(p->a_syn), sh = ldexp(1.0, p->shift);
            double bias = (double)seir_bias_of(net, n);
            tau[k] = w->dt / km;
            v_leak[k] = bias / km;
            v_reset[k] = p->v_reset;
            thr[k] = p->reset == SEIR_RESET_NONE ? NIRW_NEVER : (double)p->theta - 1.0;
            if (s->kind == K_CUBALIF) {
                tau_syn[k] = w->dt / ks;
                w_in[k] = sh / ks;
                r[k] = 1.0 / km;
            } else {
                r[k] = sh / km;
            }
        }
        hid_t nd = new_node(w, s->name, kind_type[s->kind]);
        loom_status st = nd < 0 ? LOOM_E_IO : LOOM_OK;
        if (!st && s->kind == K_CUBALIF) {
            if (!(st = put_vec(w, nd, "tau_mem", c, tau)) && !(st = put_vec(w, nd, "tau_syn", c, tau_syn)))
                st = put_vec(w, nd, "w_in", c, w_in);
        } else if (!st) {
            st = put_vec(w, nd, "tau", c, tau);
        }
        if (!st && !(st = put_vec(w, nd, "r", c, r)))
            st = put_vec(w, nd, "v_leak", c, v_leak);
        if (!st && s->kind != K_LI && !(st = put_vec(w, nd, "v_threshold", c, thr)))
            st = put_vec(w, nd, "v_reset", c, v_reset);
        hid_t m = -1;
        if (!st)
            st = put_meta(w, nd, &m, 4,
                          (const char *const[]){"loom_first", "loom_reset", "loom_is_array", "loom_group"},
                          (const int64_t[]){s->first, s->reset, net->neuron_groups[s->group].is_array,
                                            s->group});
        if (!st && s->reset == SEIR_RESET_NONE) {
            for (uint32_t k = 0; k < c; k++)
                ib[k] = net->profiles[net->neuron_profile[s->first + k]].theta;
            st = put_ivec(w, m, "loom_theta", c, ib);
        }
        if (!st && net->neuron_bias) {
            for (uint32_t k = 0; k < c; k++)
                ib[k] = net->neuron_bias[s->first + k];
            st = put_ivec(w, m, "loom_own_bias", c, ib);
        }
        if (!st && (net->init_i || net->init_v)) {
            for (uint32_t k = 0; k < c; k++) {
                ib[k] = net->init_i ? net->init_i[s->first + k] : 0;
                ib[c + k] = net->init_v ? net->init_v[s->first + k] : 0;
            }
            if (!(st = put_ivec(w, m, "loom_init_i", c, ib)))
                st = put_ivec(w, m, "loom_init_v", c, ib + c);
        }
        if (m >= 0)
            H5Gclose(m);
        if (nd >= 0)
            H5Gclose(nd);
        free(buf);
        free(ib);
        if (st)
            return st;
        if (s->out) {
            char ob[SEIR_NAME_MAX + 48];
            snprintf(ob, sizeof ob, "%s_out", s->name);
            const char *on = unique_name(w, ob);
            if (!on)
                return w_oom(w);
            hid_t o = new_node(w, on, "Output");
            if (o < 0)
                return LOOM_E_IO;
            int64_t shape = c;
            st = put_ivec(w, o, "shape", 1, &shape);
            H5Gclose(o);
            if (st || (st = add_edge(w, s->name, on)))
                return st;
        }
    }
    return LOOM_OK;
}

/* Synapses grouped by (source node, delay, destination segment). */
typedef struct skey {
    uint32_t src_node; /* input group, or n_input_groups + segment */
    uint32_t d, dst_seg;
    size_t syn;
} skey;

static int skey_cmp(const void *a, const void *b)
{
    const skey *x = a, *y = b;
    return LOOM_CMP_KEYS(x, y, src_node, d, dst_seg, syn);
}

static loom_status write_synapses(wr *w)
{
    const seir_net *net = w->net;
    uint32_t nig = net->n_input_groups;
    skey *ks = malloc((net->n_syn + 1) * sizeof *ks);
    if (!ks)
        return w_oom(w);
    for (size_t i = 0; i < net->n_syn; i++) {
        const seir_syn *y = &net->syn[i];
        ks[i].src_node = SEIR_IS_INPUT(y->src) ? seir_input_group_of(net, SEIR_SRC_INDEX(y->src))
                                               : nig + w->seg_of[y->src];
        ks[i].d = y->d;
        ks[i].dst_seg = w->seg_of[y->dst];
        ks[i].syn = i;
    }
    qsort(ks, net->n_syn, sizeof *ks, skey_cmp);
    loom_status st = LOOM_OK;
    const char *delay_node = NULL;
    for (size_t i = 0; i < net->n_syn && !st;) {
        size_t j = i;
        while (j < net->n_syn && ks[j].src_node == ks[i].src_node && ks[j].d == ks[i].d &&
               ks[j].dst_seg == ks[i].dst_seg)
            j++;
        uint32_t sn = ks[i].src_node, d = ks[i].d;
        const seg *ds = &w->segs[ks[i].dst_seg];
        const char *src_name = sn < nig ? w->in_names[sn] : w->segs[sn - nig].name;
        uint32_t src_first = sn < nig ? net->input_groups[sn].first : w->segs[sn - nig].first;
        uint32_t src_count = sn < nig ? net->input_groups[sn].count : w->segs[sn - nig].count;
        /* one Delay node per (source, d) */
        if (d > 0 && (i == 0 || ks[i - 1].src_node != sn || ks[i - 1].d != d)) {
            char buf[SEIR_NAME_MAX + 48];
            snprintf(buf, sizeof buf, "%s_delay%u", src_name, d);
            if (!(delay_node = unique_name(w, buf)))
                return free(ks), w_oom(w);
            hid_t n = new_node(w, delay_node, "Delay");
            double *dv = malloc(src_count * sizeof *dv);
            if (n < 0 || !dv) {
                if (n >= 0)
                    H5Gclose(n);
                free(dv), free(ks);
                return n < 0 ? LOOM_E_IO : w_oom(w);
            }
            for (uint32_t k = 0; k < src_count; k++)
                dv[k] = d * w->dt;
            st = put_vec(w, n, "delay", src_count, dv);
            free(dv);
            H5Gclose(n);
            if (!st)
                st = add_edge(w, src_name, delay_node);
        }
        if (st)
            break;
        char buf[2 * SEIR_NAME_MAX + 48];
        snprintf(buf, sizeof buf, "%s_to_%s_d%u", src_name, ds->name, d);
        const char *lin = unique_name(w, buf);
        double *m = calloc((size_t)src_count * ds->count, sizeof *m);
        if (!lin || !m) {
            free(m), free(ks);
            return w_oom(w);
        }
        for (size_t k = i; k < j; k++) {
            const seir_syn *y = &net->syn[ks[k].syn];
            uint32_t s = SEIR_SRC_INDEX(y->src) - src_first;
            m[(size_t)(y->dst - ds->first) * src_count + s] += y->w;
        }
        st = put_linear(w, lin, ds->count, src_count, m);
        free(m);
        if (!st && !(st = add_edge(w, d > 0 ? delay_node : src_name, lin)))
            st = add_edge(w, lin, ds->name);
        i = j;
    }
    free(ks);
    return st;
}

/* NIR (nir.read's type check, loom's reader) wants an incoming edge on every
 * neuron node: a segment without synapses gets a zero Linear from the first
 * input group, or from an Input of one channel marked loom_dummy when the
 * net has no inputs (loom's reader skips it). */
static loom_status feed_rootless(wr *w)
{
    const seir_net *net = w->net;
    uint8_t *fed = calloc(w->n_segs + 1, 1);
    if (!fed)
        return w_oom(w);
    for (size_t i = 0; i < net->n_syn; i++)
        fed[w->seg_of[net->syn[i].dst]] = 1;
    loom_status st = LOOM_OK;
    const char *src = net->n_input_groups ? w->in_names[0] : NULL;
    uint32_t src_count = net->n_input_groups ? net->input_groups[0].count : 1;
    for (uint32_t si = 0; si < w->n_segs && !st; si++) {
        if (fed[si])
            continue;
        if (!src) {
            if (!(src = unique_name(w, "loom_no_input"))) {
                st = w_oom(w);
                break;
            }
            hid_t n = new_node(w, src, "Input");
            if (n < 0) {
                st = LOOM_E_IO;
                break;
            }
            int64_t shape = 1;
            st = put_ivec(w, n, "shape", 1, &shape);
            hid_t m = -1;
            if (!st)
                st = put_meta(w, n, &m, 1, (const char *const[]){"loom_dummy"}, (const int64_t[]){1});
            if (m >= 0)
                H5Gclose(m);
            H5Gclose(n);
            if (st)
                break;
        }
        const seg *ds = &w->segs[si];
        char buf[2 * SEIR_NAME_MAX + 48];
        snprintf(buf, sizeof buf, "%s_to_%s_none", src, ds->name);
        const char *lin = unique_name(w, buf);
        double *m = calloc((size_t)src_count * ds->count, sizeof *m);
        if (!lin || !m) {
            free(m);
            st = w_oom(w);
            break;
        }
        st = put_linear(w, lin, ds->count, src_count, m);
        free(m);
        if (!st && !(st = add_edge(w, src, lin)))
            st = add_edge(w, lin, ds->name);
    }
    free(fed);
    return st;
}

static loom_status write_graph_meta(wr *w)
{
    const seir_net *net = w->net;
    hid_t m = H5Gcreate2(w->graph, "metadata", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (m < 0)
        return w_fail(w, "metadata");
    int64_t arch[4] = {net->arch.w, net->arch.s, net->arch.a, net->arch.d};
    loom_status st = put_num(w, m, "dt", 0, NULL, &w->dt, 0);
    if (!st)
        st = put_ivec(w, m, "loom_arch", 4, arch);
    if (!st)
        st = put_iscalar(w, m, "loom_neurons", net->n_neurons);
    if (!st && net->n_outputs) {
        int64_t *o = malloc(2 * (size_t)net->n_outputs * sizeof *o);
        if (!o)
            st = w_oom(w);
        for (uint32_t k = 0; !st && k < net->n_outputs; k++)
            o[2 * k] = net->outputs[k].neuron, o[2 * k + 1] = net->outputs[k].kind;
        hsize_t dims[2] = {net->n_outputs, 2};
        if (!st)
            st = put_num(w, m, "loom_outputs", 2, dims, o, 1);
        free(o);
    }
    if (!st && net->n_ring_init) {
        int64_t *o = malloc(3 * net->n_ring_init * sizeof *o);
        if (!o)
            st = w_oom(w);
        for (size_t k = 0; !st && k < net->n_ring_init; k++) {
            o[3 * k] = net->ring_init[k].neuron;
            o[3 * k + 1] = net->ring_init[k].slot;
            o[3 * k + 2] = net->ring_init[k].value;
        }
        hsize_t dims[2] = {net->n_ring_init, 3};
        if (!st)
            st = put_num(w, m, "loom_ring_init", 2, dims, o, 1);
        free(o);
    }
    H5Gclose(m);
    return st;
}

static loom_status write_edges(wr *w)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    herr_t rc = t < 0 ? -1 : H5Tset_size(t, H5T_VARIABLE);
    if (rc >= 0)
        rc = H5Tset_cset(t, H5T_CSET_UTF8);
    hsize_t dims[2] = {w->n_edges / 2, 2};
    hid_t s = H5Screate_simple(2, dims, NULL);
    hid_t d = rc < 0 || s < 0 ? -1 : H5Dcreate2(w->graph, "edges", t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    rc = d < 0 ? -1 : (w->n_edges ? H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, w->edges) : 0);
    nir_h5_close(d, s, t, -1);
    return rc < 0 ? w_fail(w, "edges") : LOOM_OK;
}

loom_status nir_write_file(const seir_net *net, double dt, const char *path, loom_err *e)
{
    if (!net || !path)
        return loom_fail(e, LOOM_E_ARG, "nir_write_file: no net or no path");
    if (!(dt > 0) || !isfinite(dt))
        return loom_fail(e, LOOM_E_ARG, "%s: the timestep dt must be a positive number of seconds, not %g", path, dt);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    wr w;
    memset(&w, 0, sizeof w);
    w.net = net, w.path = path, w.e = e, w.dt = dt;
    w.graph = w.nodes = -1;
    w.file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    loom_status st;
    if (w.file < 0) {
        st = loom_fail(e, LOOM_E_IO, "%s: cannot create the file", path);
        goto out;
    }
    if ((st = put_str(&w, w.file, "version", NIRW_VERSION)))
        goto out;
    w.graph = H5Gcreate2(w.file, "node", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (w.graph < 0 || (st = put_str(&w, w.graph, "type", "NIRGraph")))
        goto bad;
    w.nodes = H5Gcreate2(w.graph, "nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (w.nodes < 0)
        goto bad;
    if ((st = make_segments(&w)) || (st = write_inputs(&w)) || (st = write_neurons(&w)) ||
        (st = write_synapses(&w)) || (st = feed_rootless(&w)) || (st = write_graph_meta(&w)) || (st = write_edges(&w)))
        goto out;
    goto out;
bad:
    st = w_fail(&w, "/node");
out:
    if (w.nodes >= 0)
        H5Gclose(w.nodes);
    if (w.graph >= 0)
        H5Gclose(w.graph);
    if (w.file >= 0 && H5Fclose(w.file) < 0 && !st)
        st = w_fail(&w, "closing the file");
    for (size_t i = 0; i < w.n_names; i++)
        free(w.names[i]);
    LOOM_FREE(w.names, w.edges, w.in_names, w.segs, w.seg_of, w.out_of);
    if (st)
        remove(path);
    return st;
}

loom_status nir_write_model(const model *m, const model_opts *o, const char *path, loom_err *e)
{
    double dt = m->kind == MODEL_NIR && m->nir && m->nir->dt > 0 ? m->nir->dt : o->dt;
    return nir_write_file(m->net, dt, path, e);
}
