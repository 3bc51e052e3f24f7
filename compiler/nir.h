/*
 * nir.h -- NIR front-end: NIR graphs (HDF5) read, simulated in floating
 * point, and quantised to SEIR (docs/nir.md).
 */
#ifndef NIR_H
#define NIR_H

#include "loom_status.h"
#include "model.h"
#include "seir.h"

/* The float graph as read from the file. */
typedef struct nir_graph nir_graph;

/* Reads an NIR file and quantises it.  On success *net and *g are new and
 * owned by the caller. */
loom_status nir_compile_file(const char *path, const model_opts *o, seir_net **net,
                             nir_graph **g, loom_err *e);

void nir_graph_free(nir_graph *g);

#endif
