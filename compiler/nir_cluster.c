/*
 * nir_cluster.c -- per-neuron theta, v_reset and decays without a profile
 * per distinct value (issue 16): when the layers of a trained net set them
 * per neuron and the distinct values exceed the board's profile table, each
 * layer's values are clustered into a share of the table and the neurons of
 * a cluster share one quantised profile.  (Per-neuron biases never cost a
 * profile: they are the neuron's own bias word.)
 *
 * Budget: every population needs one profile class at least; the table's
 * remaining entries (less one for relay neurons when delays exceed D) go to
 * the populations whose neurons differ, in proportion to their distinct
 * float parameter tuples (largest remainders first).
 *
 * Clustering: Ward's agglomerative clustering of a population's distinct
 * integer profiles (weighted by their neuron counts) in the features that
 * set behaviour on a common scale: ln of the time constants 1/(1 - a/4096)
 * (steps; a = 4096 counts as 2^13 steps), and theta and v_reset relative to
 * the layer's typical |theta| (ln-spaced time constants: a 10% error in tau
 * weighs like a 10% error in the threshold), the time constants weighted by
 * one of NIR_CL_MODES factors, which nir_qsearch chooses per population by
 * the agreement of the quantised net with the float reference.  The closest pair (least
 * increase of the weighted squared error) merges until the budget is met;
 * each cluster takes the count-weighted mean of its features, rounded back
 * to integers.
 */
#include "nir_cluster.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NF 4
#define CL_MAX_DISTINCT 512 /* more distinct profiles are pre-merged by theta rank */

static double tau_steps(int32_t a)
{
    return a >= 4096 ? 8192.0 : 4096.0 / (4096.0 - a);
}

static int32_t a_of_tau(double tau)
{
    if (tau >= 8192.0 * 0.999)
        return 4096;
    double a = 4096.0 * (1.0 - 1.0 / tau);
    return (int32_t)(a < 0 ? 0 : a > 4095 ? 4095 : floor(a + 0.5));
}

static int same(const seir_profile *a, const seir_profile *b)
{
    return a->a_syn == b->a_syn && a->a_mem == b->a_mem && a->theta == b->theta && a->v_reset == b->v_reset &&
           a->reset == b->reset && a->shift == b->shift;
}

typedef struct cl {
    double f[NF]; /* count-weighted mean */
    double w;     /* neurons */
    int alive;
} cl;

static int cmp_theta(const void *a, const void *b)
{
    const cl *x = a, *y = b;
    return (x->f[2] > y->f[2]) - (x->f[2] < y->f[2]);
}

static double ward(const cl *a, const cl *b)
{
    double d = 0;
    for (int k = 0; k < NF; k++)
        d += (a->f[k] - b->f[k]) * (a->f[k] - b->f[k]);
    return a->w * b->w / (a->w + b->w) * d;
}

static void merge(cl *a, cl *b)
{
    for (int k = 0; k < NF; k++)
        a->f[k] = (a->f[k] * a->w + b->f[k] * b->w) / (a->w + b->w);
    a->w += b->w;
    b->alive = 0;
}

static const double mode_tau_weight[4] = {1.0, 0.25, 4.0, 0.0625};

int nir_cluster_profiles(seir_profile *prof, uint32_t n, uint32_t max_prof, int mode, uint32_t *n_values)
{
    if (mode < 0 || mode >= NIR_CL_MODES)
        mode = 0;
    const double tw = sqrt(mode_tau_weight[mode & 3]);
    *n_values = 0;
    if (n == 0)
        return 0;
    uint32_t *cls = malloc(n * sizeof *cls), u = 0;
    uint32_t *rep = malloc(n * sizeof *rep); /* first neuron of each distinct profile */
    cl *c = malloc(n * sizeof *c);
    if (!cls || !rep || !c) {
        free(cls), free(rep), free(c);
        return -1;
    }
    for (uint32_t k = 0; k < n; k++) {
        uint32_t j = 0;
        while (j < u && !same(&prof[rep[j]], &prof[k]))
            j++;
        if (j == u)
            rep[u++] = k;
        cls[k] = j;
    }
    *n_values = u;
    if (max_prof == 0 || u <= max_prof) {
        free(cls), free(rep), free(c);
        return 0;
    }
    /* the layer's typical |theta|: the mean over its neurons */
    double ts = 0;
    for (uint32_t k = 0; k < n; k++)
        ts += fabs((double)prof[k].theta);
    ts = ts / n > 1 ? ts / n : 1;
    for (uint32_t j = 0; j < u; j++) {
        const seir_profile *p = &prof[rep[j]];
        c[j].f[0] = tw * log(tau_steps(p->a_syn));
        c[j].f[1] = tw * log(tau_steps(p->a_mem));
        c[j].f[2] = p->theta / ts;
        c[j].f[3] = p->v_reset / ts;
        c[j].w = 0;
        c[j].alive = 1;
    }
    for (uint32_t k = 0; k < n; k++)
        c[cls[k]].w += 1;
    /* too many distinct profiles for the quadratic search: merge neighbours
     * in theta order first.  (cls is remapped through the sort by keeping
     * each distinct profile's index in f-order: store it in rep.) */
    uint32_t *where = malloc(u * sizeof *where);
    if (!where) {
        free(cls), free(rep), free(c);
        return -1;
    }
    for (uint32_t j = 0; j < u; j++)
        where[j] = j;
    if (u > CL_MAX_DISTINCT) {
        /* sort cluster indices by theta feature */
        cl *tmp = malloc(u * sizeof *tmp);
        uint32_t *order = malloc(u * sizeof *order);
        if (!tmp || !order) {
            free(tmp), free(order), free(where), free(cls), free(rep), free(c);
            return -1;
        }
        for (uint32_t j = 0; j < u; j++) {
            tmp[j] = c[j];
            tmp[j].alive = (int)j; /* carry the index through the sort */
        }
        qsort(tmp, u, sizeof *tmp, cmp_theta);
        for (uint32_t j = 0; j < u; j++)
            order[j] = (uint32_t)tmp[j].alive;
        uint32_t per = (u + CL_MAX_DISTINCT - 1) / CL_MAX_DISTINCT;
        for (uint32_t j = 0; j < u; j++) {
            uint32_t head = order[j - j % per];
            where[order[j]] = head;
            if (head != order[j])
                merge(&c[head], &c[order[j]]);
        }
        free(tmp), free(order);
    }
    uint32_t alive = 0;
    for (uint32_t j = 0; j < u; j++)
        alive += c[j].alive;
    while (alive > max_prof) {
        double best = INFINITY;
        uint32_t ba = 0, bb = 0;
        for (uint32_t a = 0; a < u; a++) {
            if (!c[a].alive)
                continue;
            for (uint32_t b = a + 1; b < u; b++) {
                if (!c[b].alive)
                    continue;
                double d = ward(&c[a], &c[b]);
                if (d < best)
                    best = d, ba = a, bb = b;
            }
        }
        merge(&c[ba], &c[bb]);
        for (uint32_t j = 0; j < u; j++)
            if (where[j] == bb)
                where[j] = ba;
        alive--;
    }
    if (mode & 4) {
        /* k-means refinement: each distinct profile to its nearest centre,
         * centres to the weighted means, a few rounds */
        double *f0 = malloc((size_t)u * NF * sizeof *f0), *cnt = malloc(u * sizeof *cnt);
        if (!f0 || !cnt) {
            free(f0), free(cnt), free(where), free(cls), free(rep), free(c);
            return -1;
        }
        for (uint32_t j = 0; j < u; j++) {
            const seir_profile *p = &prof[rep[j]];
            f0[j * NF + 0] = tw * log(tau_steps(p->a_syn));
            f0[j * NF + 1] = tw * log(tau_steps(p->a_mem));
            f0[j * NF + 2] = p->theta / ts;
            f0[j * NF + 3] = p->v_reset / ts;
            cnt[j] = 0;
        }
        for (uint32_t k = 0; k < n; k++)
            cnt[cls[k]] += 1;
        for (int round = 0; round < 8; round++) {
            int moved = 0;
            for (uint32_t j = 0; j < u; j++) {
                uint32_t best = where[j];
                double bd = INFINITY;
                for (uint32_t h = 0; h < u; h++) {
                    if (!c[h].alive)
                        continue;
                    double d = 0;
                    for (int q = 0; q < NF; q++)
                        d += (f0[j * NF + q] - c[h].f[q]) * (f0[j * NF + q] - c[h].f[q]);
                    if (d < bd)
                        bd = d, best = h;
                }
                moved |= best != where[j];
                where[j] = best;
            }
            for (uint32_t h = 0; h < u; h++)
                if (c[h].alive) {
                    memset(c[h].f, 0, sizeof c[h].f);
                    c[h].w = 0;
                }
            for (uint32_t j = 0; j < u; j++) {
                cl *h = &c[where[j]];
                for (int q = 0; q < NF; q++)
                    h->f[q] += cnt[j] * f0[j * NF + q];
                h->w += cnt[j];
            }
            for (uint32_t h = 0; h < u; h++)
                if (c[h].alive && c[h].w > 0)
                    for (int q = 0; q < NF; q++)
                        c[h].f[q] /= c[h].w;
            if (!moved)
                break;
        }
        free(f0), free(cnt);
    }
    for (uint32_t k = 0; k < n; k++) {
        const cl *r = &c[where[cls[k]]];
        prof[k].a_syn = a_of_tau(exp(r->f[0] / tw));
        prof[k].a_mem = a_of_tau(exp(r->f[1] / tw));
        prof[k].theta = (int32_t)floor(r->f[2] * ts + 0.5);
        prof[k].v_reset = (int32_t)floor(r->f[3] * ts + 0.5);
    }
    free(where), free(cls), free(rep), free(c);
    return 0;
}

/* Distinct (tau, tau_syn, r, theta, v_reset, w_in) tuples of population p. */
static uint32_t distinct_float(const nir_pop *p)
{
    const double *v[6] = {p->tau, p->tau_syn, p->r, p->theta, p->v_reset, p->w_in};
    uint32_t u = 0;
    for (uint32_t k = 0; k < p->count; k++) {
        int seen = 0;
        for (uint32_t j = 0; j < k && !seen; j++) {
            int eq = 1;
            for (int f = 0; f < 6 && eq; f++)
                eq = !v[f] || v[f][j] == v[f][k];
            seen = eq;
        }
        u += !seen;
    }
    return u;
}

int nir_profile_budget(const nir_graph *g, const seir_arch *arch, uint32_t *budget)
{
    uint32_t P = g->max_profiles;
    for (uint32_t p = 0; p < g->n_pops; p++)
        budget[p] = 0;
    if (P == 0)
        return 0;
    if (g->max_delay > (uint32_t)arch->d && P > 1)
        P--; /* relay neurons' profile */
    uint32_t *u = malloc((g->n_pops + 1) * sizeof *u);
    double *rem = malloc((g->n_pops + 1) * sizeof *rem);
    if (!u || !rem) {
        free(u), free(rem);
        return -1;
    }
    uint64_t total = 0, extra = 0;
    for (uint32_t p = 0; p < g->n_pops; p++) {
        u[p] = distinct_float(&g->pops[p]);
        total += u[p];
        extra += u[p] - 1;
    }
    if (total <= P || P < g->n_pops) {
        /* fits as it is, or not even one profile per population: leave it
         * to the mapper to say so */
        free(u), free(rem);
        return 0;
    }
    uint32_t spare = P - g->n_pops, given = 0;
    for (uint32_t p = 0; p < g->n_pops; p++) {
        double share = extra ? (double)spare * (u[p] - 1) / (double)extra : 0;
        budget[p] = 1 + (uint32_t)floor(share);
        rem[p] = share - floor(share);
        given += budget[p] - 1;
    }
    while (given < spare) {
        uint32_t best = 0;
        for (uint32_t p = 1; p < g->n_pops; p++)
            if (rem[p] > rem[best])
                best = p;
        if (rem[best] < 0)
            break;
        budget[best]++;
        rem[best] = -1;
        given++;
    }
    free(u), free(rem);
    return 0;
}

/* Thresholds by scaling (nir_cluster.h): for a spiking population with
 * spike outputs only, scaling neuron k's state by s_k (its input weights,
 * constant input, v_leak, threshold and reset value) changes no spike in
 * the float semantics, so s_k = theta_ref / theta_k gives every neuron the
 * layer's geometric-mean threshold; the weights, which are per synapse
 * anyway, carry the difference, and the profiles only the time constants. */
int nir_cluster_normalise(nir_graph *g, const seir_arch *arch, uint32_t *n_pops_scaled)
{
    *n_pops_scaled = 0;
    if (!g->max_profiles)
        return 0;
    uint32_t *budget = calloc(g->n_pops + 1, sizeof *budget);
    if (!budget || nir_profile_budget(g, arch, budget)) {
        free(budget);
        return -1;
    }
    for (uint32_t pi = 0; pi < g->n_pops; pi++) {
        nir_pop *p = &g->pops[pi];
        if (!budget[pi] || p->out_v || !p->theta || p->count < 2 ||
            (p->kind != NIR_POP_LIF && p->kind != NIR_POP_CUBALIF && p->kind != NIR_POP_IF) ||
            distinct_float(p) <= budget[pi])
            continue;
        int ok = 1, varies = 0;
        double lsum = 0, ratio = p->v_reset ? p->v_reset[0] / p->theta[0] : 0;
        for (uint32_t k = 0; k < p->count && ok; k++) {
            ok = p->theta[k] > 0 && isfinite(p->theta[k]);
            if (ok && p->v_reset)
                ok = fabs(p->v_reset[k] / p->theta[k] - ratio) <= 1e-12 * (1 + fabs(ratio));
            if (ok)
                lsum += log(p->theta[k]);
            varies |= p->theta[k] != p->theta[0];
        }
        if (!ok || !varies)
            continue;
        double ref = exp(lsum / p->count);
        for (uint32_t k = 0; k < p->count; k++) {
            uint32_t n = p->first + k;
            double s = ref / p->theta[k];
            for (size_t t = g->in_off[n]; t < g->in_off[n + 1]; t++)
                g->in_terms[t].w *= s;
            g->bias_u[n] *= s;
            if (p->v_leak)
                p->v_leak[k] *= s;
            p->theta[k] = ref;
            if (p->v_reset)
                p->v_reset[k] = ratio * ref;
        }
        (*n_pops_scaled)++;
    }
    free(budget);
    return 0;
}
