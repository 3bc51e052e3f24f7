/*
 * check.h -- checks that run the reference model (hls_ref/) or the float
 * reference on networks the compiler made: aigsim-style runs of AIGER
 * circuits and the NIR float-vs-quantised agreement.  This layer sits above
 * compiler/ and hls_ref/ (docs/architecture.md).
 */
#ifndef LOOM_CHECK_H
#define LOOM_CHECK_H

#include <stdint.h>
#include <stdio.h>

#include "aig.h"
#include "loom_status.h"
#include "model.h"
#include "nir.h"
#include "seir.h"
#include "stim.h"

/* `loom sim CIRCUIT --stim FILE`: runs the compiled circuit on the stimulus
 * vectors of an aigsim stimulus file (one line of 0/1 per vector, optional
 * final "." line) and prints one line per vector as aigsim does: latch
 * values, inputs, outputs separated by single spaces.  In --pipeline mode
 * the lines come in input order after the pipeline latency, and the net
 * runs change-driven from its settled state (dsim.h): the same lines as on
 * the reference model, at the cost of the vectors' wavefronts only.  The whole
 * file is checked before anything is printed: a line that is not exactly
 * I characters 0/1 is LOOM_E_PARSE naming "FILE:line[:col]"; a model that
 * is not an AIGER circuit is LOOM_E_ARG; LOOM_E_IO when FILE cannot be
 * read or out cannot be written.  m must come from model_load. */
loom_status aig_run_stim(const model *m, const char *stim_path, FILE *out, loom_err *e);

/* Same on stimulus text already in memory (`name` for diagnostics
 * "name:line: ..."). */
loom_status aig_run_stim_mem(const model *m, const char *text, size_t len,
                             const char *name, FILE *out, loom_err *e);

/* Called after each float step with every neuron's spike (0/1) and v (in the
 * graph's units), numbered as in the compiled net; n = neuron count. */
typedef loom_status (*nir_step_fn)(void *ctx, uint64_t step, const uint8_t *spiked,
                                   const double *v, uint32_t n, loom_err *e);

/* `loom sim --float`: runs the float reference of the graph for `steps`
 * steps on the inputs of src (channels numbered as in the compiled net;
 * src NULL = no input), with the dt and reset mode the graph was compiled
 * with (docs/nir.md).  Stops at the first error of src or fn. */
loom_status nir_float_run(const nir_graph *g, stim_src *src, uint64_t steps,
                          nir_step_fn fn, void *ctx, loom_err *e);

/* `loom compile --report` for NIR models: per layer scale, weight-range use,
 * predicted saturation, and the spike agreement between the float reference
 * and the quantised net on `steps` steps of Poisson input (rate per step,
 * seed); the last line is "agreement <fraction>".  With j non-NULL the same
 * figures go into j as the members of an object the caller has opened
 * (keys in docs/json.md) and out is not used. */
struct jsonw;
loom_status nir_report(const model *m, const model_opts *o, double rate, uint64_t seed,
                       uint64_t steps, FILE *out, struct jsonw *j, loom_err *e);

/* The "agreement" figure of nir_report alone: the fraction of (step,
 * output neuron) cells where m's compiled net (on the reference model)
 * agrees with the float reference on `steps` steps of Poisson input. */
loom_status nir_agreement(const model *m, double rate, uint64_t seed, uint64_t steps, double *agreement,
                          loom_err *e);

#endif
