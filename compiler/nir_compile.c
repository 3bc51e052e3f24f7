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

#include "nir_int.h"

loom_status nir_compile_file(const char *path, const model_opts *o, seir_net **net, nir_graph **g,
                             loom_err *e)
{
    *net = NULL;
    *g = NULL;
    nir_graph *gr;
    loom_status st = nir_read_file(path, &gr, e);
    if (st)
        return st;
    double dt = (!o->dt_set && gr->file_dt > 0) ? gr->file_dt : o->dt;
    if ((st = nir_lower(gr, dt, o->reset_subtract, e)) == LOOM_OK)
        st = nir_quantise(gr, &o->arch, net, NULL, e);
    if (st) {
        nir_graph_free(gr);
        return st;
    }
    *g = gr;
    return LOOM_OK;
}
