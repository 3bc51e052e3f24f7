/*
 * model.c -- front-end dispatch by file ending.
 */
#include "model.h"

#include <string.h>

#include "aig.h"
#include "nir.h"
#include "seir_text.h"
#include "verilog.h"

void model_opts_default(model_opts *o)
{
    memset(o, 0, sizeof *o);
    seir_arch_default(&o->arch);
    o->dt = 1e-4;
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

int model_kind_of(const char *path)
{
    if (ends_with(path, ".seir") || strcmp(path, "-") == 0)
        return MODEL_SEIR;
    if (ends_with(path, ".aag") || ends_with(path, ".aig") || ends_with(path, ".v") || ends_with(path, ".sv"))
        return MODEL_AIGER;
    if (ends_with(path, ".nir") || ends_with(path, ".h5") || ends_with(path, ".hdf5"))
        return MODEL_NIR;
    return -1;
}

loom_status model_load(const char *path, const model_opts *o, model *m, loom_err *e)
{
    memset(m, 0, sizeof *m);
    int kind = model_kind_of(path);
    loom_status st;
    switch (kind) {
    case MODEL_SEIR:
        m->kind = MODEL_SEIR;
        return seir_parse_file(path, &m->net, e);
    case MODEL_AIGER:
        m->kind = MODEL_AIGER;
        if (ends_with(path, ".v") || ends_with(path, ".sv"))
            st = verilog_compile_file(path, o, &m->net, &m->aig, e);
        else
            st = aig_compile_file(path, o, &m->net, &m->aig, e);
        if (st == LOOM_OK && o->group_sum)
            st = verilog_group_sum(m->net, m->aig, o->group_sum, e);
        break;
    case MODEL_NIR:
        m->kind = MODEL_NIR;
        st = nir_compile_file(path, o, &m->net, &m->nir, e);
        break;
    default:
        return loom_fail(e, LOOM_E_ARG,
                         "%s: unknown model format (expected a name ending in .seir, .aag, .aig, .v, .sv "
                         "or .nir)",
                         path);
    }
    if (st == LOOM_OK)
        st = seir_validate(m->net, e);
    if (st != LOOM_OK)
        model_free(m);
    return st;
}

void model_free(model *m)
{
    seir_net_free(m->net);
    aig_lowering_free(m->aig);
    nir_graph_free(m->nir);
    memset(m, 0, sizeof *m);
}
