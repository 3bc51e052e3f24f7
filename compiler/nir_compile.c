/*
 * nir_compile.c -- the NIR front-end's entry point: compile a file (read,
 * lower, quantise).
 *
 * dt: an explicit --dt (model_opts.dt_set) wins; otherwise a graph that
 * carries metadata/dt is lowered with it; otherwise model_opts.dt (1e-4 s by
 * default, the NIR paper's step).  The graph keeps the dt and reset mode it
 * was lowered with, so the float reference (nir_float_run) always simulates
 * exactly the network the quantised net was made from.
 */
#include "nir.h"

#include <stdlib.h>

#include "nir_cluster.h"
#include "nir_int.h"
#include "nir_write.h"
#include "seir_relay.h"

/* nir_quantise for arch; delays longer than arch->d are quantised at their
 * own D and then chained through relay neurons (seir_relay.h), so the net
 * runs exactly on a ring of arch->d. */
loom_status nir_quantise_relay(const nir_graph *g, const seir_arch *arch, seir_net **net,
                               nir_qinfo *info, loom_err *e)
{
    if (g->max_delay <= (uint32_t)arch->d || g->max_delay > 255)
        return nir_quantise(g, arch, net, info, e);
    seir_arch wide = *arch;
    wide.d = (int)g->max_delay;
    seir_net *q;
    loom_status st = nir_quantise(g, &wide, &q, info, e);
    if (st)
        return st;
    st = seir_relay_delays(q, arch->d, net, e);
    seir_net_free(q);
    if (st)
        loom_err_prefix(e, "%s: delays up to %u steps on a ring of D=%d", g->path, g->max_delay, arch->d);
    return st;
}

loom_status nir_compile_file(const char *path, const model_opts *o, seir_net **net, nir_graph **g,
                             loom_err *e)
{
    *net = NULL;
    *g = NULL;
    nir_graph *gr;
    loom_status st = nir_read_file(path, &gr, e);
    if (st)
        return st;
    if (nir_exact_is(gr)) { /* written by NIR out: the integer net itself, no float form */
        st = nir_exact_build(gr, net, e);
        nir_graph_free(gr);
        return st;
    }
    double dt = (!o->dt_set && gr->file_dt > 0) ? gr->file_dt : o->dt;
    gr->max_profiles = o->max_profiles;
    if ((st = nir_lower(gr, dt, o->reset_subtract, e)) == LOOM_OK && gr->max_profiles &&
        !(gr->cl_mode = calloc(gr->n_pops + 1, 1)))
        st = loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", path);
    uint32_t scaled = 0;
    if (st == LOOM_OK && nir_cluster_normalise(gr, &o->arch, &scaled))
        st = loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", path);
    if (st == LOOM_OK)
        st = nir_quantise_relay(gr, &o->arch, net, NULL, e);
    if (st) {
        nir_graph_free(gr);
        return st;
    }
    *g = gr;
    return LOOM_OK;
}
