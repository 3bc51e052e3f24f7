/*
 * aig.h -- AIGER front-end: .aag / .aig circuits lowered to SEIR threshold
 * neurons (docs/aiger.md).
 */
#ifndef AIG_H
#define AIG_H

#include "loom_status.h"
#include "model.h"
#include "seir.h"

/* How the circuit's signals map onto the net (for aigsim-style printing). */
typedef struct aig_lowering aig_lowering;

/* Reads and lowers an AIGER file.  On success *net and *low are new and
 * owned by the caller. */
loom_status aig_compile_file(const char *path, const model_opts *o, seir_net **net,
                             aig_lowering **low, loom_err *e);

void aig_lowering_free(aig_lowering *low);

#endif
