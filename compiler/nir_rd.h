/*
 * nir_rd.h -- the state of one NIR file read, shared by the HDF5 reader
 * (nir_read.c) and the graph checks (nir_shape.c).  Internal to compiler/.
 */
#ifndef NIR_RD_H
#define NIR_RD_H

#include <stddef.h>
#include <stdint.h>

#include "loom_status.h"
#include "nir_int.h"

/* Largest single dimension, stride, padding, dilation or kernel size. */
#define NIR_MAX_DIM (1 << 24)

typedef struct raw_edge {
    char *src, *dst; /* full names */
    char *where;     /* graph prefix, for messages */
} raw_edge;

typedef struct subgraph {
    char *name; /* full name of the NIRGraph node */
} subgraph;

typedef struct rd {
    const char *path;
    loom_err *e;
    nir_graph *g;
    uint32_t cap_nodes;
    raw_edge *redges;
    size_t n_redges, cap_redges;
    subgraph *subs;
    size_t n_subs, cap_subs;
    int depth;
} rd;

/* LOOM_E_NOMEM naming the file. */
loom_status nir_rd_oom(rd *r);

/* Checks the graph read into r->g and infers its shapes (nir_shape.c). */
loom_status nir_check_and_shape(rd *r);

#endif
