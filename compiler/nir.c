/* nir.c -- NIR front-end (being written; see issue 4). */
#include "nir.h"

struct nir_graph { int unused; };

loom_status nir_compile_file(const char *path, const model_opts *o, seir_net **net,
                             nir_graph **g, loom_err *e)
{
    (void)o;
    *net = NULL;
    *g = NULL;
    return loom_fail(e, LOOM_E_UNSUPPORTED, "%s: the NIR front-end is not built yet", path);
}

void nir_graph_free(nir_graph *g) { (void)g; }
