/*
 * arch_measure.c -- a model file measured at candidate widths (arch_measure.h).
 */
#include "arch_measure.h"

#include <string.h>

#include "check.h"

void arch_measure_init(arch_measure *am, const char *path, const model_opts *mo)
{
    memset(am, 0, sizeof *am);
    am->path = path;
    am->mo = *mo;
    am->mo.quiet = 1; /* one warning per candidate would repeat itself */
    am->rate = 0.1;
    am->seed = 1;
    am->steps = 1000;
}

loom_status arch_measure_model(void *ctx, const seir_arch *a, const seir_net **net, double *agreement,
                               loom_err *e)
{
    arch_measure *am = ctx;
    if (am->have) {
        model_free(&am->m);
        am->have = 0;
    }
    am->mo.arch = *a;
    loom_status st = model_load(am->path, &am->mo, &am->m, e);
    if (st)
        return st;
    am->have = 1;
    *net = am->m.net;
    *agreement = -1;
    if (am->m.kind == MODEL_NIR)
        st = nir_agreement(&am->m, am->rate, am->seed, am->steps, agreement, e);
    return st;
}

void arch_measure_free(arch_measure *am)
{
    if (am->have)
        model_free(&am->m);
    am->have = 0;
}
