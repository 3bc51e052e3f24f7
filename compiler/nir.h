/*
 * nir.h -- NIR front-end: NIR graphs (HDF5) read, simulated in floating
 * point, and quantised to SEIR (docs/nir.md).  The checks that run a compiled
 * net (nir_float_run, nir_report) are in check/check.h.
 */
#ifndef NIR_H
#define NIR_H

#include "loom_status.h"
#include "model.h"
#include "seir.h"

#include <stdint.h>
#include <stdio.h>

/* The float graph as read from the file. */
typedef struct nir_graph nir_graph;

/* Reads an NIR file and quantises it.  On success *net and *g are new and
 * owned by the caller (free with seir_net_free / nir_graph_free); on
 * failure both are NULL and e names the file and the node or edge at fault.
 * dt (seconds): o->dt when o->dt_set, else the graph's metadata dt when it
 * has one, else o->dt.  The net is not yet validated (model_load does).
 * A file written by NIR out (nir_write.h) is rebuilt exactly, in its own
 * arch, and *g stays NULL (it has no float form). */
loom_status nir_compile_file(const char *path, const model_opts *o, seir_net **net,
                             nir_graph **g, loom_err *e);

/* Frees the graph and everything it owns.  NULL is fine. */
void nir_graph_free(nir_graph *g);

#endif
