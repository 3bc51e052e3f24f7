/*
 * nir_qsearch.c -- per-population scales chosen for agreement, not only range.
 *
 * The quantiser (nir_quant.c) derives each population's state scale from a
 * bound on the states it must hold: 16 or 32 times the largest threshold, a
 * headroom that real trained layers rarely use.  Every halving of that
 * headroom doubles the resolution of v, i and the bias, which is what the
 * truncating decays and the flooring input shift of the machine eat into.
 * This search tries extra shifts NIR_QADJ_MIN..NIR_QADJ_MAX per population
 * and keeps, population by
 * population in neuron order (sources first), the one whose quantised net
 * agrees best with the float reference: the fraction of agreeing output
 * cells (spike bits, v within the report's tolerance) plus the fraction of
 * agreeing cells of every population (a few output neurons alone are a
 * noisy measure; hidden layers that follow the float ones are what keeps
 * the outputs faithful on other inputs).  Equal scores go to the finer
 * scale when no state reached the S-bit limit in the runs, else to the
 * coarser one (0 is tried first).
 * The search input is Poisson, three runs (rates 0.1, 0.1, 0.05) with
 * seeds of their own, so the report's agreement run (seed 1 by default) is
 * not the data it was tuned on; several runs because a recurrent net that
 * follows the float one exactly on one input can part from it on another.
 */
#include "nir_cluster.h"
#include "nir_int.h"

#include "loom_arith.h"
#include "ref.h"
#include "loom_poisson.h"
#include "loom_mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define QSEARCH_RUNS 3
static const double qsearch_rate[QSEARCH_RUNS] = {0.1, 0.1, 0.05};
static const uint64_t qsearch_seed[QSEARCH_RUNS] = {0x5ea5c4ull, 0x5ea5c5ull, 0x5ea5c6ull};

/* One input event of the search's Poisson input (hls_ref/loom_poisson.h,
 * the generator of loom sim --poisson). */
typedef struct qs_event {
    uint32_t channel;
    int32_t value;
} qs_event;

/* The events of step t, ordered by channel (as stim_next gives them). */
static uint32_t poisson_events(const seir_net *net, uint64_t seed, uint64_t thresh, uint64_t t,
                               qs_event *ev)
{
    uint32_t n = 0;
    if (thresh == 0)
        return 0;
    for (uint32_t c = 0; c < net->n_inputs; c++) {
        int32_t v = seir_input_as_taken(
            net, c, loom_poisson_value(seed, thresh, t, c, net->input_kind[c] != SEIR_IN_SPIKE));
        if (v != 0)
            ev[n++] = (qs_event){c, v};
    }
    return n;
}

typedef struct fref {
    uint32_t steps;
    uint8_t *spk;  /* [steps][n_neurons] float spikes */
    double *v;     /* [steps][n_neurons] float v */
    uint32_t n_ev; /* events per step */
    qs_event *ev;
    uint32_t *ev_off; /* [steps + 1] */
} fref;

static void fref_free(fref *f)
{
    LOOM_FREE(f->spk, f->v, f->ev, f->ev_off);
}

/* Runs the float reference on the search input and records it. */
static loom_status fref_run(const nir_graph *g, const seir_net *net, double rate, uint64_t seed, fref *f,
                            loom_err *e)
{
    memset(f, 0, sizeof *f);
    f->steps = NIR_QSEARCH_STEPS;
    nir_fsim *fs = NULL;
    size_t cells = (size_t)f->steps * g->n_neurons, cap = 0, nev = 0;
    double *x = calloc(g->n_inputs + 1, sizeof *x);
    qs_event *buf = malloc((g->n_inputs + 1) * sizeof *buf);
    f->spk = malloc(cells + 1);
    f->v = malloc((cells + 1) * sizeof *f->v);
    f->ev_off = calloc(f->steps + 1, sizeof *f->ev_off);
    loom_status st = LOOM_OK;
    if (!x || !buf || !f->spk || !f->v || !f->ev_off) {
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
        goto done;
    }
    if (!(rate >= 0.0 && rate <= 1.0)) {
        st = loom_fail(e, LOOM_E_ARG, "Poisson rate %g is not a probability per step (expected 0..1)", rate);
        goto done;
    }
    const uint64_t thresh = loom_poisson_threshold(rate);
    if ((st = nir_fsim_new(g, &fs, e)))
        goto done;
    for (uint32_t t = 0; t < f->steps; t++) {
        uint32_t n = poisson_events(net, seed, thresh, t, buf);
        if (nev + n > cap) {
            size_t nc = 2 * (nev + n) + 64;
            qs_event *p = realloc(f->ev, nc * sizeof *p);
            if (!p) {
                st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
                goto done;
            }
            f->ev = p;
            cap = nc;
        }
        for (uint32_t k = 0; k < n; k++) {
            if (buf[k].channel >= g->n_inputs)
                continue;
            x[buf[k].channel] = buf[k].value;
            f->ev[nev++] = buf[k];
        }
        f->ev_off[t + 1] = (uint32_t)nev;
        nir_fsim_step(fs, x);
        for (uint32_t k = 0; k < n; k++)
            if (buf[k].channel < g->n_inputs)
                x[buf[k].channel] = 0.0;
        memcpy(f->spk + (size_t)t * g->n_neurons, nir_fsim_spikes(fs), g->n_neurons);
        memcpy(f->v + (size_t)t * g->n_neurons, nir_fsim_v(fs), g->n_neurons * sizeof *f->v);
    }
done:
    nir_fsim_free(fs);
    free(x);
    free(buf);
    if (st)
        fref_free(f);
    return st;
}

/* The agreement score of the net quantised with adj against the recorded
 * reference runs f[0..QSEARCH_RUNS-1]: the fraction of agreeing output
 * cells plus the fraction of agreeing cells of all populations. */
static loom_status score(const nir_graph *g, const seir_arch *arch, const int8_t *adj, const fref *f,
                         double *sc, loom_err *e)
{
    seir_net *net = NULL;
    ref_sim *rs = NULL;
    nir_qinfo *info = calloc(g->n_pops + 1, sizeof *info);
    uint64_t ok_out = 0, ok_all = 0, c_out = 0, c_all = 0;
    const int32_t smax = (int32_t)loom_max_s(arch->s), smin = (int32_t)loom_min_s(arch->s);
    int sat = 0;
    *sc = 0;
    loom_status st = LOOM_OK;
    if (!info)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    if ((st = nir_quantise_adj(g, arch, adj, &net, info, e)))
        goto done;
    for (int r = 0; r < QSEARCH_RUNS; r++, f++) {
    ref_destroy(rs);
    rs = NULL;
    if ((st = ref_create(net, &rs, e)))
        goto done;
    for (uint32_t t = 0; t < f->steps; t++) {
        for (uint32_t k = f->ev_off[t]; k < f->ev_off[t + 1]; k++)
            ref_set_input(rs, f->ev[k].channel, f->ev[k].value);
        ref_step(rs);
        const uint8_t *fs = f->spk + (size_t)t * g->n_neurons;
        const double *fv = f->v + (size_t)t * g->n_neurons;
        for (uint32_t p = 0; p < g->n_pops; p++) {
            const nir_pop *pp = &g->pops[p];
            double tol = 0.02 * info[p].v_bound + 2.0 / info[p].sigma;
            for (uint32_t k = 0; k < pp->count; k++) {
                uint32_t nn = pp->first + k;
                int ok = pp->out_v ? fabs(ref_v(rs, nn) / info[p].sigma - fv[nn]) <= tol
                                   : (ref_spiked(rs, nn) != 0) == (fs[nn] != 0);
                ok_all += (uint64_t)ok;
                int32_t v = ref_v(rs, nn);
                sat |= v >= smax || v <= smin;
                c_all++;
                if (pp->is_output) {
                    ok_out += (uint64_t)ok;
                    c_out++;
                }
            }
        }
    }
    }
    *sc = (c_out ? (double)ok_out / (double)c_out : 1.0) + (c_all ? (double)ok_all / (double)c_all : 1.0);
    /* equal agreement: the finer state scale wins unless a state reached the
     * S-bit limit (other inputs would clip it sooner) */
    if (!sat)
        for (uint32_t p = 0; p < g->n_pops; p++)
            *sc += 1e-9 * (adj ? adj[p] : 0);
done:
    ref_destroy(rs);
    seir_net_free(net);
    free(info);
    return st;
}

loom_status nir_qsearch(const nir_graph *g, const seir_arch *arch, int8_t *adj, loom_err *e)
{
    memset(adj, 0, g->n_pops * sizeof *adj);
    if (!g->in_off)
        return loom_fail(e, LOOM_E_INTERNAL, "%s: the graph has not been lowered", g->path);
    if (g->n_pops == 0 || g->in_off[g->n_neurons] > NIR_QSEARCH_MAX_TERMS)
        return LOOM_OK;
    seir_net *net = NULL;
    loom_status st = nir_quantise_adj(g, arch, adj, &net, NULL, e);
    if (st)
        return st;
    fref f[QSEARCH_RUNS];
    int nf = 0;
    for (; nf < QSEARCH_RUNS && st == LOOM_OK; nf++)
        st = fref_run(g, net, qsearch_rate[nf], qsearch_seed[nf], &f[nf], e);
    seir_net_free(net);
    if (st) {
        for (int r = 0; r < nf - 1; r++)
            fref_free(&f[r]);
        return st;
    }
    double best = 0;
    if ((st = score(g, arch, adj, f, &best, e)) == LOOM_OK) {
        for (uint32_t p = 0; p < g->n_pops && st == LOOM_OK; p++) {
            int8_t keep = adj[p];
            for (int c = NIR_QADJ_MIN; c <= NIR_QADJ_MAX && st == LOOM_OK; c++) {
                if (c == 0)
                    continue;
                double sc = 0;
                adj[p] = (int8_t)c;
                if ((st = score(g, arch, adj, f, &sc, e)))
                    break;
                if (sc > best) {
                    best = sc;
                    keep = (int8_t)c;
                }
            }
            adj[p] = keep;
        }
    }
    /* populations whose profiles are clustered (nir_cluster.c): the
     * feature weighting with the best agreement */
    uint32_t *budget = st == LOOM_OK && g->cl_mode ? calloc(g->n_pops + 1, sizeof *budget) : NULL;
    if (budget && nir_profile_budget(g, arch, budget) == 0) {
        for (uint32_t p = 0; p < g->n_pops && st == LOOM_OK; p++) {
            if (!budget[p] || g->pops[p].count <= budget[p])
                continue;
            uint8_t keep = g->cl_mode[p];
            for (int m = 0; m < NIR_CL_MODES && st == LOOM_OK; m++) {
                if (m == keep)
                    continue;
                double sc = 0;
                g->cl_mode[p] = (uint8_t)m;
                if ((st = score(g, arch, adj, f, &sc, e)))
                    break;
                if (sc > best) {
                    best = sc;
                    keep = (uint8_t)m;
                }
            }
            g->cl_mode[p] = keep;
        }
    }
    free(budget);
    for (int r = 0; r < QSEARCH_RUNS; r++)
        fref_free(&f[r]);
    if (st)
        memset(adj, 0, g->n_pops * sizeof *adj);
    return st;
}
