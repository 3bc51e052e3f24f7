/*
 * arch_measure.h -- the arch_measure_fn of arch_choose.h for a model file:
 * compiles it at the candidate widths (model_load) and measures its
 * agreement exactly as `loom compile --report` does (nir_agreement: rate
 * 0.1, seed 1, 1,000 steps by default).  AIGER and SEIR models have no
 * agreement (-1).
 */
#ifndef ARCH_MEASURE_H
#define ARCH_MEASURE_H

#include <stdint.h>

#include "arch_choose.h"
#include "model.h"

typedef struct arch_measure {
    const char *path;  /* the model file (not owned) */
    model_opts mo;     /* its compile options; .arch is set per candidate */
    double rate;       /* agreement run: Poisson rate [0.1] */
    uint64_t seed;     /* [1] */
    uint64_t steps;    /* [1000] */
    model m;           /* the last compiled candidate */
    int have;
} arch_measure;

void arch_measure_init(arch_measure *am, const char *path, const model_opts *mo);

/* arch_measure_fn: ctx is an arch_measure. */
loom_status arch_measure_model(void *ctx, const seir_arch *a, const seir_net **net, double *agreement,
                               loom_err *e);

void arch_measure_free(arch_measure *am);

#endif
