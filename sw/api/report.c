/*
 * report.c -- the compile report of the public API (include/loom/loom.h):
 * the per-layer table and the text of `loom compile --report`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aig.h"
#include "api_int.h"
#include "netinfo.h"
#include "nir.h"
#include "check.h"
#include "loom_mem.h"

struct loom_report {
    uint32_t n_layers;
    loom_layer *layers;
    double agreement;
    char *text;
};

void loom_report_opts_default(loom_report_opts *o)
{
    o->rate = 0.1;
    o->seed = 1;
    o->steps = 1000;
}

void loom_report_free(loom_report *r)
{
    if (!r)
        return;
    LOOM_FREE(r->layers, r->text, r);
}

uint32_t loom_report_layers(const loom_report *r)
{
    return r->n_layers;
}

const loom_layer *loom_report_layer(const loom_report *r, uint32_t k)
{
    return k < r->n_layers ? &r->layers[k] : NULL;
}

double loom_report_agreement(const loom_report *r)
{
    return r->agreement;
}

const char *loom_report_text(const loom_report *r)
{
    return r->text;
}

/* Splits "stem_K" (K decimal) into the stem's length and K; 0 otherwise. */
static int run_suffix(const char *name, size_t *stem_len, unsigned long *k)
{
    const char *u = strrchr(name, '_');
    if (!u || u == name || !u[1])
        return 0;
    char *end;
    *k = strtoul(u + 1, &end, 10);
    if (*end || u[1] < '0' || u[1] > '9')
        return 0;
    *stem_len = (size_t)(u - name);
    return 1;
}

/* The layer of every neuron group into layer_of[]: a group is a layer of its
 * own, except that runs of groups named stem_0, stem_1, ... (how the NIR
 * front-end splits a population whose neurons got different profiles) form
 * one layer named stem.  Returns the number of layers; names into r. */
static uint32_t group_layers(const seir_net *net, uint32_t *layer_of, loom_layer *L)
{
    uint32_t ng = net->n_neuron_groups, nl = 0;
    for (uint32_t g = 0; g < ng;) {
        const char *name = net->neuron_groups[g].name ? net->neuron_groups[g].name : "";
        size_t sl;
        unsigned long k;
        uint32_t end = g + 1;
        if (run_suffix(name, &sl, &k) && k == 0) {
            for (unsigned long want = 1; end < ng; end++, want++) {
                const char *nx = net->neuron_groups[end].name ? net->neuron_groups[end].name : "";
                size_t sl2;
                unsigned long k2;
                if (!run_suffix(nx, &sl2, &k2) || k2 != want || sl2 != sl || strncmp(nx, name, sl))
                    break;
            }
        }
        if (end - g > 1)
            snprintf(L[nl].name, sizeof L[nl].name, "%.*s", (int)sl, name);
        else
            snprintf(L[nl].name, sizeof L[nl].name, "%s", name);
        for (uint32_t h = g; h < end; h++)
            layer_of[h] = nl;
        nl++;
        g = end;
    }
    return nl;
}

/* The layer table. */
static loom_status layers_of(const seir_net *net, loom_report *r, loom_err *e)
{
    uint32_t ng = net->n_neuron_groups;
    r->layers = calloc(ng ? ng : 1, sizeof *r->layers);
    uint32_t *layer_of = malloc((ng ? ng : 1) * sizeof *layer_of);
    /* per layer: the last source seen per source id, to count distinct ones;
     * the last layer seen per profile, to count distinct profiles */
    size_t n_src = (size_t)net->n_neurons + net->n_inputs;
    uint32_t *seen = malloc((n_src ? n_src : 1) * sizeof *seen);
    uint32_t *pseen = malloc((net->n_profiles ? net->n_profiles : 1) * sizeof *pseen);
    if (!r->layers || !layer_of || !seen || !pseen) {
        free(layer_of);
        free(seen);
        free(pseen);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    uint32_t nl = group_layers(net, layer_of, r->layers);
    r->n_layers = nl;
    for (uint32_t p = 0; p < net->n_profiles; p++)
        pseen[p] = UINT32_MAX;
    for (uint32_t g = 0; g < ng; g++) {
        const seir_group *gr = &net->neuron_groups[g];
        loom_layer *L = &r->layers[layer_of[g]];
        if (L->count == 0) {
            L->first = gr->first;
            if (gr->count && gr->first < net->n_neurons) {
                const seir_profile *p = &net->profiles[net->neuron_profile[gr->first]];
                snprintf(L->profile, sizeof L->profile, "%s", p->name ? p->name : "");
                L->theta = p->theta;
            }
        }
        L->count += gr->count;
        for (uint32_t n = gr->first; n < gr->first + gr->count && n < net->n_neurons; n++) {
            uint32_t p = net->neuron_profile[n];
            if (p < net->n_profiles && pseen[p] != layer_of[g]) {
                pseen[p] = layer_of[g];
                L->profiles++;
            }
        }
    }
    for (size_t k = 0; k < n_src; k++)
        seen[k] = UINT32_MAX;
    for (size_t k = 0; k < net->n_syn; k++) {
        const seir_syn *s = &net->syn[k];
        if (s->dst >= net->n_neurons)
            continue;
        uint32_t g = seir_neuron_group_of(net, s->dst);
        if (g >= ng)
            continue;
        uint32_t l = layer_of[g];
        loom_layer *L = &r->layers[l];
        if (L->synapses == 0 || s->w < L->w_min)
            L->w_min = s->w;
        if (L->synapses == 0 || s->w > L->w_max)
            L->w_max = s->w;
        L->synapses++;
        size_t id = (s->src & SEIR_SRC_INPUT) ? net->n_neurons + (s->src & ~SEIR_SRC_INPUT) : s->src;
        if (id < n_src && seen[id] != l) {
            seen[id] = l;
            L->sources++;
        }
    }
    double wmax = (double)((1 << (net->arch.w - 1)) - 1);
    for (uint32_t l = 0; l < nl; l++) {
        loom_layer *L = &r->layers[l];
        int32_t m = L->w_max > -L->w_min ? L->w_max : -L->w_min;
        L->w_use = wmax > 0 ? m / wmax : 0;
    }
    for (uint32_t k = 0; k < net->n_outputs; k++) {
        uint32_t g = seir_neuron_group_of(net, net->outputs[k].neuron);
        if (g < ng)
            r->layers[layer_of[g]].outputs++;
    }
    free(layer_of);
    free(seen);
    free(pseen);
    return LOOM_OK;
}

loom_status loom_net_report(const loom_net *net, const loom_report_opts *o, loom_report **out,
                            loom_err *e)
{
    if (!out)
        return loom_fail(e, LOOM_E_ARG, "loom_net_report: out is NULL");
    *out = NULL;
    loom_report_opts ro;
    loom_report_opts_default(&ro);
    if (o)
        ro = *o;
    if (!(ro.rate >= 0 && ro.rate <= 1))
        return loom_fail(e, LOOM_E_ARG, "report rate %g: expected a probability per step in [0, 1]",
                         ro.rate);
    loom_report *r = calloc(1, sizeof *r);
    if (!r)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    r->agreement = -1;
    loom_status st = layers_of(net->m.net, r, e);
    char *text = NULL;
    size_t len = 0;
    FILE *f = NULL;
    if (!st && !(f = open_memstream(&text, &len)))
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory (report buffer)");
    if (!st) {
        if (net->m.kind == MODEL_AIGER) {
            st = aig_report(&net->m, f, e);
        } else if (net->m.kind == MODEL_NIR) {
            st = nir_report(&net->m, &net->mo, ro.rate, ro.seed, ro.steps, f, NULL, e);
        } else {
            netinfo ni;
            if (!(st = netinfo_compute(net->m.net, &ni, e))) {
                netinfo_print(net->m.net, &ni, net->path, "SEIR", f);
                netinfo_free(&ni);
            }
        }
    }
    if (f && fclose(f) != 0 && !st)
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory (report buffer)");
    r->text = text;
    if (!st && net->m.kind == MODEL_NIR) {
        /* nir_report's last line is "agreement <fraction>" */
        const char *p = text ? strstr(text, "\nagreement ") : NULL;
        const char *last = NULL;
        while (p) {
            last = p;
            p = strstr(p + 1, "\nagreement ");
        }
        if (!last || sscanf(last + 11, "%lf", &r->agreement) != 1)
            st = loom_fail(e, LOOM_E_INTERNAL, "NIR report without its agreement line");
    }
    if (st) {
        loom_report_free(r);
        return st;
    }
    *out = r;
    return LOOM_OK;
}
