/* aig.c -- AIGER front-end (being written; see issue 4). */
#include "aig.h"

struct aig_lowering { int unused; };

loom_status aig_compile_file(const char *path, const model_opts *o, seir_net **net,
                             aig_lowering **low, loom_err *e)
{
    (void)o;
    *net = NULL;
    *low = NULL;
    return loom_fail(e, LOOM_E_UNSUPPORTED, "%s: the AIGER front-end is not built yet", path);
}

void aig_lowering_free(aig_lowering *low) { (void)low; }
