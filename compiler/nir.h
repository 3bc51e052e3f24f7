/*
 * nir.h -- NIR front-end: NIR graphs (HDF5) read, simulated in floating
 * point, and quantised to SEIR (docs/nir.md).
 */
#ifndef NIR_H
#define NIR_H

#include "loom_status.h"
#include "model.h"
#include "seir.h"
#include "stim.h"

#include <stdint.h>
#include <stdio.h>

/* The float graph as read from the file. */
typedef struct nir_graph nir_graph;

/* Reads an NIR file and quantises it.  On success *net and *g are new and
 * owned by the caller (free with seir_net_free / nir_graph_free); on
 * failure both are NULL and e names the file and the node or edge at fault.
 * dt (seconds): o->dt when o->dt_set, else the graph's metadata dt when it
 * has one, else o->dt.  The net is not yet validated (model_load does). */
loom_status nir_compile_file(const char *path, const model_opts *o, seir_net **net,
                             nir_graph **g, loom_err *e);

/* Frees the graph and everything it owns.  NULL is fine. */
void nir_graph_free(nir_graph *g);

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

#endif
