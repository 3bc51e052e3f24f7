/*
 * nir_exact.c -- NIR in for files written by NIR out (nir_write.h): the
 * integer net rebuilt exactly, without quantising.
 *
 * A file written by loom compile --emit-nir carries graph metadata
 * `loom_arch` (W, S, A, D).  Its neuron nodes (LIF, LI, CubaLIF) hold
 * parameters from which the machine's integers follow exactly (nir_write.h):
 * a = round(4096 (1 - dt/tau)), shift = log2(dt/tau * r) (CubaLIF: log2(
 * dt/tau_syn * w_in), with dt/tau_mem * r = 1), bias = dt/tau * v_leak,
 * theta = floor(v_threshold) + 1; Linear nodes hold integer weights (split
 * into W-bit synapses here), Delay nodes whole steps.  The metadata gives
 * what NIR cannot say (reset mode, initial state, ring contents, input
 * kinds and bounds, outputs, numbering).  Anything else (another node kind,
 * a non-integer weight, a tau that is no multiple of dt/4096) is refused
 * naming the node: such a file is no longer the machine loom wrote.
 */
#include "nir_write.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nir_int.h"

int nir_exact_is(const nir_graph *g)
{
    const nir_array *a = g ? nir_graph_meta(g, "loom_arch") : NULL;
    return a && a->n == 4;
}

typedef struct ex {
    const nir_graph *g;
    seir_net *net;
    loom_err *e;
    double dt;
    uint32_t *in_cnt, *in_one, *out_cnt; /* per node */
    int64_t *first;                      /* per node: loom_first, -1 */
} ex;

static int is_neuron(nir_kind k)
{
    return k == NIR_LIF || k == NIR_LI || k == NIR_CUBALIF;
}

static loom_status bad(ex *x, const nir_node *n, const char *what)
{
    return loom_fail(x->e, LOOM_E_INVALID,
                     "%s: node '%s': %s (a graph loom compile --emit-nir wrote, with loom_arch metadata, "
                     "must stay the machine it describes)",
                     x->g->path, n->name, what);
}

/* Element k of a parameter broadcast to the node (def when absent). */
static double pv(const nir_node *n, const char *name, uint32_t k, double def)
{
    const nir_array *a = nir_param(n, name);
    if (!a || a->n == 0)
        return def;
    return a->v[a->n == 1 ? 0 : k];
}

static double mv(const nir_node *n, const char *name, uint32_t k, double def)
{
    const nir_array *a = nir_node_meta(n, name);
    if (!a || a->n == 0)
        return def;
    return a->v[a->n == 1 ? 0 : (k < a->n ? k : a->n - 1)];
}

/* a = 4096 (1 - k), checked to be a whole number in 0..4096. */
static int decay_of(double k, int32_t *a)
{
    double v = 4096.0 * (1.0 - k);
    double r = nearbyint(v);
    if (!(fabs(v - r) <= 1e-6 * 4096) || r < 0 || r > 4096)
        return -1;
    *a = (int32_t)r;
    return 0;
}

static int shift_of(double g, int32_t *s)
{
    if (!(g > 0) || !isfinite(g))
        return -1;
    double l = nearbyint(log2(g));
    if (l < -16 || l > 15 || fabs(g / ldexp(1.0, (int)l) - 1.0) > 1e-9)
        return -1;
    *s = (int32_t)l;
    return 0;
}

static int int_of(double v, int32_t *out)
{
    double r = nearbyint(v);
    if (!(fabs(v - r) <= 1e-6 * fmax(1.0, fabs(v))) || r < -2147483648.0 || r > 2147483647.0)
        return -1;
    *out = (int32_t)r;
    return 0;
}

static loom_status neuron_profile(ex *x, const nir_node *n, uint32_t k, seir_profile *p, int32_t *own)
{
    seir_profile_default(p);
    double dt = x->dt, km, g;
    char why[160];
    if (n->kind == NIR_CUBALIF) {
        double ks = dt / pv(n, "tau_syn", k, NAN);
        if (decay_of(ks, &p->a_syn))
            goto bad_tau;
        km = dt / pv(n, "tau_mem", k, NAN);
        g = ks * pv(n, "w_in", k, 1.0);
        if (!(fabs(km * pv(n, "r", k, NAN) - 1.0) <= 1e-9)) {
            snprintf(why, sizeof why, "neuron %u: dt/tau_mem * r is %.17g, not 1", k, km * pv(n, "r", k, NAN));
            return bad(x, n, why);
        }
    } else {
        km = dt / pv(n, "tau", k, NAN);
        g = km * pv(n, "r", k, NAN);
    }
    if (decay_of(km, &p->a_mem))
        goto bad_tau;
    if (shift_of(g, &p->shift)) {
        snprintf(why, sizeof why, "neuron %u: the input gain %.17g is not a power of two in 2^-16..2^15", k, g);
        return bad(x, n, why);
    }
    int32_t bias;
    if (int_of(km * pv(n, "v_leak", k, 0.0), &bias)) {
        snprintf(why, sizeof why, "neuron %u: dt/tau * v_leak = %.17g is not an integer bias", k,
                 km * pv(n, "v_leak", k, 0.0));
        return bad(x, n, why);
    }
    int reset = (int)mv(n, "loom_reset", k, n->kind == NIR_LI ? SEIR_RESET_NONE : SEIR_RESET_ZERO);
    if (reset < SEIR_RESET_ZERO || reset > SEIR_RESET_NONE || (n->kind == NIR_LI && reset != SEIR_RESET_NONE))
        return bad(x, n, "metadata loom_reset is not 0 (zero), 1 (subtract) or 2 (none, LI)");
    p->reset = (seir_reset)reset;
    if (reset == SEIR_RESET_NONE) {
        if (int_of(mv(n, "loom_theta", k, 1.0), &p->theta))
            return bad(x, n, "metadata loom_theta is not an integer");
    } else if (int_of(floor(pv(n, "v_threshold", k, NAN)) + 1.0, &p->theta)) {
        return bad(x, n, "v_threshold is not a number in the S-bit range");
    }
    if (n->kind != NIR_LI && int_of(pv(n, "v_reset", k, 0.0), &p->v_reset))
        return bad(x, n, "v_reset is not an integer");
    if (int_of(mv(n, "loom_own_bias", k, 0.0), own))
        return bad(x, n, "metadata loom_own_bias is not an integer");
    p->bias = (int32_t)((int64_t)bias - *own);
    return LOOM_OK;
bad_tau:
    snprintf(why, sizeof why, "neuron %u: a decay dt/tau is not a multiple of 1/4096 in 0..1 at dt %g", k, dt);
    return bad(x, n, why);
}

/* Node indices of kind class `want` (0 inputs, 1 neurons) sorted by
 * loom_first, checked to tile 0..total-1. */
static loom_status ordered(ex *x, int want, uint32_t **out, uint32_t *n_out, uint64_t *total)
{
    const nir_graph *g = x->g;
    uint32_t *v = malloc((g->n_nodes + 1) * sizeof *v), n = 0;
    if (!v)
        return loom_fail(x->e, LOOM_E_NOMEM, "%s: out of memory", g->path);
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        const nir_node *nd = &g->nodes[i];
        if (want == 0 ? nd->kind != NIR_INPUT : !is_neuron(nd->kind))
            continue;
        if (nir_node_meta(nd, "loom_dummy"))
            continue; /* the one-channel Input of a net without inputs */
        const nir_array *f = nir_node_meta(nd, "loom_first");
        if (!f || f->n != 1 || f->v[0] < 0 || f->v[0] != floor(f->v[0])) {
            free(v);
            return bad(x, nd, "no metadata loom_first (its first index in the machine's numbering)");
        }
        x->first[i] = (int64_t)f->v[0];
        /* insertion sort by first (node counts are small) */
        uint32_t k = n++;
        while (k > 0 && x->first[v[k - 1]] > x->first[i]) {
            v[k] = v[k - 1];
            k--;
        }
        v[k] = i;
    }
    uint64_t at = 0;
    for (uint32_t k = 0; k < n; k++) {
        if ((uint64_t)x->first[v[k]] != at) {
            loom_status st = bad(x, &g->nodes[v[k]], "loom_first leaves a gap or overlaps the previous node");
            free(v);
            return st;
        }
        at += g->nodes[v[k]].size;
    }
    *out = v, *n_out = n, *total = at;
    return LOOM_OK;
}

static loom_status add_inputs(ex *x, const uint32_t *ord, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        const nir_node *nd = &x->g->nodes[ord[k]];
        int graded = mv(nd, "loom_graded", 0, 0.0) != 0;
        int arr = mv(nd, "loom_is_array", 0, 1.0) != 0 || nd->size != 1;
        int64_t f = seir_add_inputs(x->net, nd->name, (uint32_t)nd->size, arr,
                                    graded ? SEIR_IN_GRADED : SEIR_IN_SPIKE);
        if (f < 0)
            return loom_fail(x->e, LOOM_E_NOMEM, "%s: out of memory", x->g->path);
        const nir_array *mx = nir_node_meta(nd, "loom_max");
        if (mx && graded)
            for (uint32_t c = 0; c < nd->size && c < mx->n; c++)
                if (mx->v[c] != 0) {
                    if (!(mx->v[c] >= 1 && mx->v[c] <= 32767))
                        return bad(x, nd, "metadata loom_max holds a bound outside 1..32767");
                    if (seir_set_input_max(x->net, (uint32_t)f + c, 1, (int32_t)mx->v[c]))
                        return loom_fail(x->e, LOOM_E_NOMEM, "%s: out of memory", x->g->path);
                }
    }
    return LOOM_OK;
}

static int32_t find_or_add_profile(seir_net *net, const seir_profile *p)
{
    for (uint32_t i = 0; i < net->n_profiles; i++) {
        const seir_profile *q = &net->profiles[i];
        if (q->a_syn == p->a_syn && q->a_mem == p->a_mem && q->theta == p->theta && q->v_reset == p->v_reset &&
            q->reset == p->reset && q->shift == p->shift && q->bias == p->bias)
            return (int32_t)i;
    }
    seir_profile c = *p;
    char name[32];
    snprintf(name, sizeof name, "p%u", net->n_profiles);
    c.name = name;
    return seir_add_profile(net, &c);
}

static loom_status add_neurons(ex *x, const uint32_t *ord, uint32_t n, uint32_t total)
{
    seir_net *net = x->net;
    int32_t *prof = malloc((total + 1) * sizeof *prof), *own = malloc((total + 1) * sizeof *own);
    int64_t *gid = malloc((total + 1) * sizeof *gid);
    uint32_t *node_of = malloc((total + 1) * sizeof *node_of);
    loom_status st = LOOM_OK;
    if (!prof || !own || !gid || !node_of)
        st = loom_fail(x->e, LOOM_E_NOMEM, "%s: out of memory", x->g->path);
    /* every neuron's profile; loom_group: the SEIR group a node came from
     * (nodes split from one group are one group again) */
    for (uint32_t k = 0; k < n && !st; k++) {
        const nir_node *nd = &x->g->nodes[ord[k]];
        uint32_t base = (uint32_t)x->first[ord[k]];
        for (uint32_t j = 0; j < nd->size && !st; j++) {
            seir_profile p;
            if (!(st = neuron_profile(x, nd, j, &p, &own[base + j])) &&
                (prof[base + j] = find_or_add_profile(net, &p)) < 0)
                st = loom_fail(x->e, LOOM_E_NOMEM, "%s: out of memory", x->g->path);
            gid[base + j] = (int64_t)mv(nd, "loom_group", 0, -1.0 - k);
            node_of[base + j] = ord[k];
        }
    }
    /* one SEIR group per run of (group, profile), named after the group's
     * first node (NAME_k when the group needs several profiles) */
    for (uint32_t j = 0; j < total && !st;) {
        uint32_t ge = j, e = j;
        while (ge < total && gid[ge] == gid[j])
            ge++;
        int one = 1;
        for (uint32_t t = j; t < ge; t++)
            one &= prof[t] == prof[j];
        const nir_node *nd = &x->g->nodes[node_of[j]];
        for (uint32_t run = 0; j < ge && !st; run++, j = e) {
            e = j;
            while (e < ge && prof[e] == prof[j])
                e++;
            char name[SEIR_NAME_MAX + 16];
            if (one)
                snprintf(name, sizeof name, "%s", nd->name);
            else
                snprintf(name, sizeof name, "%s_%u", nd->name, run);
            int arr = !(one && e - j == 1 && mv(nd, "loom_is_array", 0, 1.0) == 0);
            if (seir_add_neurons(net, name, e - j, arr, (uint32_t)prof[j]) < 0)
                st = loom_fail(x->e, LOOM_E_NOMEM, "%s: out of memory", x->g->path);
        }
    }
    for (uint32_t k = 0; k < n && !st; k++) {
        const nir_node *nd = &x->g->nodes[ord[k]];
        uint32_t base = (uint32_t)x->first[ord[k]];
        const nir_array *ii = nir_node_meta(nd, "loom_init_i"), *iv = nir_node_meta(nd, "loom_init_v");
        for (uint32_t j = 0; j < nd->size && !st; j++) {
            if (own[base + j] && seir_set_bias(net, base + j, own[base + j]))
                st = loom_fail(x->e, LOOM_E_NOMEM, "%s: out of memory", x->g->path);
            int32_t i0 = 0, v0 = 0;
            if ((ii && int_of(mv(nd, "loom_init_i", j, 0), &i0)) || (iv && int_of(mv(nd, "loom_init_v", j, 0), &v0)))
                st = bad(x, nd, "metadata loom_init_i / loom_init_v is not an integer");
            else if ((i0 || v0) && seir_set_init(net, base + j, i0, v0))
                st = loom_fail(x->e, LOOM_E_NOMEM, "%s: out of memory", x->g->path);
        }
    }
    free(prof), free(own), free(gid), free(node_of);
    return st;
}

/* The node an edge into node i comes from (exactly one expected). */
static loom_status one_source(ex *x, uint32_t i, uint32_t *src)
{
    if (x->in_cnt[i] != 1)
        return bad(x, &x->g->nodes[i], "has not exactly one incoming edge");
    *src = x->g->edges[x->in_one[i]].src;
    return LOOM_OK;
}

static loom_status add_synapses(ex *x)
{
    const nir_graph *g = x->g;
    seir_net *net = x->net;
    int32_t wmax = (int32_t)((1u << (net->arch.w - 1)) - 1), wmin = -wmax - 1;
    for (uint32_t ei = 0; ei < g->n_edges; ei++) {
        const nir_node *s = &g->nodes[g->edges[ei].src], *d = &g->nodes[g->edges[ei].dst];
        int ok = (d->kind == NIR_LINEAR || d->kind == NIR_AFFINE)
                     ? (s->kind == NIR_INPUT || s->kind == NIR_DELAY || is_neuron(s->kind))
                 : d->kind == NIR_DELAY  ? (s->kind == NIR_INPUT || is_neuron(s->kind))
                 : d->kind == NIR_OUTPUT ? is_neuron(s->kind)
                 : is_neuron(d->kind)    ? (s->kind == NIR_LINEAR || s->kind == NIR_AFFINE)
                                         : 0;
        if (!ok) {
            char why[SEIR_NAME_MAX + 160];
            snprintf(why, sizeof why,
                     "edge '%s' (%s) -> here (%s) is not source -> [Delay] -> Linear -> neuron -> [Output]",
                     s->name, nir_kind_name(s->kind), nir_kind_name(d->kind));
            return bad(x, d, why);
        }
    }
    for (uint32_t li = 0; li < g->n_nodes; li++) {
        const nir_node *L = &g->nodes[li];
        if (L->kind != NIR_LINEAR && L->kind != NIR_AFFINE)
            continue;
        uint32_t si, di = 0, delay = 0;
        loom_status st = one_source(x, li, &si);
        if (st)
            return st;
        if (x->out_cnt[li] != 1)
            return bad(x, L, "has not exactly one outgoing edge");
        for (uint32_t ei = 0; ei < g->n_edges; ei++)
            if (g->edges[ei].src == li)
                di = g->edges[ei].dst;
        if (g->nodes[si].kind == NIR_DELAY) {
            const nir_node *D = &g->nodes[si];
            const nir_array *dv = nir_param(D, "delay");
            for (size_t k = 0; dv && k < dv->n; k++) {
                double steps = dv->v[k] / x->dt, r = nearbyint(steps);
                if (fabs(steps - r) > 1e-6 || r < 1 || r > 255 || (k > 0 && r != (double)delay))
                    return bad(x, D, "its delays are not one whole number of steps in 1..255");
                delay = (uint32_t)r;
            }
            if ((st = one_source(x, si, &si)))
                return st;
        }
        const nir_array *b = nir_param(L, "bias");
        for (size_t k = 0; b && k < b->n; k++)
            if (b->v[k] != 0)
                return bad(x, L, "has a nonzero bias (biases are the neurons' v_leak)");
        const nir_array *W = nir_param(L, "weight");
        const nir_node *S = &g->nodes[si], *Dn = &g->nodes[di];
        if (!W || W->rank != 2 || (size_t)W->dims[0] != Dn->size || (size_t)W->dims[1] != S->size)
            return bad(x, L, "its weight is not a (destination x source) matrix");
        if (x->first[si] < 0)
            continue; /* from the dummy Input: zero weights */
        uint32_t src0 = (uint32_t)x->first[si], dst0 = (uint32_t)x->first[di];
        uint32_t inflag = S->kind == NIR_INPUT ? SEIR_SRC_INPUT : 0;
        for (size_t r = 0; r < Dn->size; r++)
            for (size_t c = 0; c < S->size; c++) {
                double w = W->v[r * S->size + c];
                if (w == 0)
                    continue;
                if (w != floor(w) || fabs(w) > 1e12) {
                    char why[96];
                    snprintf(why, sizeof why, "weight [%zu][%zu] = %.17g is not an integer", r, c, w);
                    return bad(x, L, why);
                }
                int64_t q = (int64_t)w;
                while (q != 0) {
                    int32_t part = q > wmax ? wmax : q < wmin ? wmin : (int32_t)q;
                    if (seir_add_syn(net, inflag | (src0 + (uint32_t)c), dst0 + (uint32_t)r, part, delay))
                        return loom_fail(x->e, LOOM_E_NOMEM, "%s: out of memory", g->path);
                    q -= part;
                }
            }
    }
    return LOOM_OK;
}

static loom_status add_outputs_and_ring(ex *x)
{
    const nir_graph *g = x->g;
    seir_net *net = x->net;
    const nir_array *o = nir_graph_meta(g, "loom_outputs");
    if (o) {
        if (o->rank != 2 || o->dims[1] != 2)
            return loom_fail(x->e, LOOM_E_INVALID, "%s: metadata loom_outputs is not an N x 2 array", g->path);
        for (size_t k = 0; k < (size_t)o->dims[0]; k++) {
            double n = o->v[2 * k], kind = o->v[2 * k + 1];
            if (n < 0 || n >= net->n_neurons || (kind != 0 && kind != 1))
                return loom_fail(x->e, LOOM_E_INVALID, "%s: metadata loom_outputs row %zu is not (neuron, 0|1)",
                                 g->path, k);
            if (seir_add_output(net, (uint32_t)n, kind ? SEIR_OUT_V : SEIR_OUT_SPIKE))
                return loom_fail(x->e, LOOM_E_NOMEM, "%s: out of memory", g->path);
        }
    } else {
        for (uint32_t ei = 0; ei < g->n_edges; ei++) {
            const nir_node *s = &g->nodes[g->edges[ei].src];
            if (g->nodes[g->edges[ei].dst].kind != NIR_OUTPUT)
                continue;
            for (uint32_t k = 0; k < s->size; k++)
                if (seir_add_output(net, (uint32_t)x->first[g->edges[ei].src] + k,
                                    s->kind == NIR_LI ? SEIR_OUT_V : SEIR_OUT_SPIKE))
                    return loom_fail(x->e, LOOM_E_NOMEM, "%s: out of memory", g->path);
        }
    }
    const nir_array *ri = nir_graph_meta(g, "loom_ring_init");
    if (ri) {
        if (ri->rank != 2 || ri->dims[1] != 3)
            return loom_fail(x->e, LOOM_E_INVALID, "%s: metadata loom_ring_init is not an N x 3 array", g->path);
        for (size_t k = 0; k < (size_t)ri->dims[0]; k++) {
            double n = ri->v[3 * k], s = ri->v[3 * k + 1], v = ri->v[3 * k + 2];
            if (n < 0 || n >= net->n_neurons || s < 0 || s > net->arch.d || fabs(v) > 2147483647.0)
                return loom_fail(x->e, LOOM_E_INVALID, "%s: metadata loom_ring_init row %zu is out of range",
                                 g->path, k);
            if (seir_add_ring_init(net, (uint32_t)n, (uint32_t)s, (int32_t)v))
                return loom_fail(x->e, LOOM_E_NOMEM, "%s: out of memory", g->path);
        }
    }
    return LOOM_OK;
}

loom_status nir_exact_build(const nir_graph *g, seir_net **out, loom_err *e)
{
    *out = NULL;
    const nir_array *aa = nir_graph_meta(g, "loom_arch");
    if (!aa || aa->n != 4)
        return loom_fail(e, LOOM_E_ARG, "%s: not written by loom compile --emit-nir (no loom_arch)", g->path);
    seir_arch arch = {(int)aa->v[0], (int)aa->v[1], (int)aa->v[2], (int)aa->v[3]};
    loom_status st = seir_arch_check(&arch, e);
    if (st)
        return loom_err_prefix(e, "%s: metadata loom_arch", g->path);
    if (!(g->file_dt > 0))
        return loom_fail(e, LOOM_E_INVALID, "%s: a graph with loom_arch needs its metadata dt", g->path);
    ex x;
    memset(&x, 0, sizeof x);
    x.g = g, x.e = e, x.dt = g->file_dt;
    uint32_t nn = g->n_nodes + 1;
    x.in_cnt = calloc(nn, sizeof *x.in_cnt);
    x.in_one = calloc(nn, sizeof *x.in_one);
    x.out_cnt = calloc(nn, sizeof *x.out_cnt);
    x.first = malloc(nn * sizeof *x.first);
    x.net = seir_net_new(&arch);
    uint32_t *ins = NULL, *neus = NULL, n_ins = 0, n_neus = 0;
    uint64_t tot_in = 0, tot_n = 0;
    if (!x.in_cnt || !x.in_one || !x.out_cnt || !x.first || !x.net) {
        st = loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", g->path);
        goto done;
    }
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        x.first[i] = -1;
        nir_kind k = g->nodes[i].kind;
        if (k != NIR_INPUT && k != NIR_OUTPUT && k != NIR_LINEAR && k != NIR_AFFINE && k != NIR_DELAY &&
            !is_neuron(k)) {
            st = bad(&x, &g->nodes[i], "is a node kind NIR out does not write");
            goto done;
        }
    }
    for (uint32_t ei = 0; ei < g->n_edges; ei++) {
        x.in_cnt[g->edges[ei].dst]++;
        x.in_one[g->edges[ei].dst] = ei;
        x.out_cnt[g->edges[ei].src]++;
    }
    if ((st = ordered(&x, 0, &ins, &n_ins, &tot_in)) || (st = ordered(&x, 1, &neus, &n_neus, &tot_n)))
        goto done;
    const nir_array *nn_meta = nir_graph_meta(g, "loom_neurons");
    if (nn_meta && nn_meta->n == 1 && nn_meta->v[0] != (double)tot_n) {
        st = loom_fail(e, LOOM_E_INVALID, "%s: metadata loom_neurons says %.0f neurons, the nodes hold %llu",
                       g->path, nn_meta->v[0], (unsigned long long)tot_n);
        goto done;
    }
    if ((st = add_inputs(&x, ins, n_ins)) || (st = add_neurons(&x, neus, n_neus, (uint32_t)tot_n)) || (st = add_synapses(&x)) ||
        (st = add_outputs_and_ring(&x)))
        goto done;
    *out = x.net;
    x.net = NULL;
done:
    seir_net_free(x.net);
    free(ins), free(neus);
    free(x.in_cnt), free(x.in_one), free(x.out_cnt), free(x.first);
    return st;
}
