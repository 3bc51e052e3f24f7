/*
 * nir_write.h -- NIR out: the integer machine of a seir_net written as an NIR
 * graph (HDF5, the layout of NIR's nir/serialization.py), and read back
 * exactly (docs/nir.md, "NIR out").
 *
 * The file says what the machine executes with the scales folded in:
 * Linear nodes hold the integer weights (parallel synapses summed), Delay
 * nodes the delays (d * dt seconds), and one LIF / LI / CubaLIF node per run
 * of neurons holds parameters whose NIR (forward Euler) semantics are the
 * machine's update without its rounding and saturation: with k = 1 - a/4096
 * (2^-100 for a = 4096), tau = dt/k, r = 2^shift/k (CubaLIF: w_in =
 * 2^shift/k_syn, r = 1/k_mem), v_leak = bias/k_mem, v_threshold = theta - 1
 * (an integer v exceeds it iff v >= theta).  What NIR cannot say (reset by
 * subtraction, initial state and ring contents, graded channels and their
 * bounds, v outputs of spiking neurons, the arch W/S/A/D) is in `metadata`
 * groups (loom_*) that NIR's reader keeps as metadata.
 *
 * Loom's reader recognises such a file by the graph metadata `loom_arch`
 * and rebuilds the integer net from it (nir_exact_build) instead of
 * quantising: weights from the Linear nodes, delays from the Delay nodes,
 * decays, shifts, biases and thresholds from the neuron parameters, the
 * rest from the metadata.  `loom sim out.nir` then equals `loom sim X.seir`
 * bit for bit.
 */
#ifndef NIR_WRITE_H
#define NIR_WRITE_H

#include "loom_status.h"
#include "model.h"
#include "seir.h"

struct nir_graph;

/* Writes net as an NIR file at path with timestep dt seconds (> 0; the
 * graph metadata `dt`, and the unit of every tau and delay).  Fails naming
 * the file when it cannot be written. */
loom_status nir_write_file(const seir_net *net, double dt, const char *path, loom_err *e);

/* nir_write_file for a loaded model: dt is the NIR graph's when the model
 * came from NIR, else o->dt. */
loom_status nir_write_model(const model *m, const model_opts *o, const char *path, loom_err *e);

/* 1 when g (read by nir_read_file) was written by nir_write_file: its graph
 * metadata has `loom_arch`. */
int nir_exact_is(const struct nir_graph *g);

/* Rebuilds the integer net a nir_write_file graph says (see above).  On
 * success *out is new and owned by the caller; errors name the file and the
 * node at fault (a file edited into something that is no machine net). */
loom_status nir_exact_build(const struct nir_graph *g, seir_net **out, loom_err *e);

#endif
