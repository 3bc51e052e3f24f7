/*
 * outw.h -- the CSV files a simulation run writes (docs/cli.md):
 *
 *   spikes    "step,neuron" then one line per spike, by step then neuron;
 *             neurons numbered as in the SEIR file.  With outputs_only,
 *             only neurons declared as spike outputs (the file `loom run`
 *             writes for a board).
 *   v traces  "step,<name>,<name>,..." with one column per output declared
 *             `v` (in declaration order), one line per step.
 *   trace-all "step,neuron,i,v,spike" for every neuron every step.
 *   inputs    "step,channel,value" (the CSV input format of docs/inputs.md),
 *             so a run's inputs (e.g. Poisson) can be saved and replayed.
 *
 * Every writer owns its FILE and buffers; "-" writes to stdout.  Files
 * appear under their name only when closed successfully (afile.h).  Steps must
 * be written in increasing order (the writers do not sort across steps).
 * Errors (cannot create, write failed) name the file.
 */
#ifndef OUTW_H
#define OUTW_H

#include <stdint.h>

#include "loom_status.h"
#include "seir.h"
#include "stim.h"

typedef struct outw outw;

/* Spike CSV.  outputs_only keeps only neurons declared as spike outputs. */
loom_status outw_spikes_open(const char *path, const seir_net *net, int outputs_only,
                             outw **out, loom_err *e);
/* The neurons that spiked at `step`, ascending (as ref_spikes gives them). */
loom_status outw_spikes_step(outw *w, uint64_t step, const uint32_t *spiked, uint32_t n,
                             loom_err *e);

/* v-trace CSV over the net's v outputs (a header only when there are none). */
loom_status outw_v_open(const char *path, const seir_net *net, outw **out, loom_err *e);
/* One line: v[k] for the k-th v output (integers of the machine). */
loom_status outw_v_step(outw *w, uint64_t step, const int32_t *v, loom_err *e);
/* The same for the float reference (values printed with %.9g). */
loom_status outw_v_step_f(outw *w, uint64_t step, const double *v, loom_err *e);

/* Number of v outputs of net and their neuron indices (idx may be NULL);
 * idx needs room for n_outputs entries. */
uint32_t outw_v_outputs(const seir_net *net, uint32_t *idx);

/* trace-all CSV. */
loom_status outw_trace_open(const char *path, outw **out, loom_err *e);
/* One line per neuron n < count: step,n,i[n],v[n],spiked[n] (0/1). */
loom_status outw_trace_step(outw *w, uint64_t step, const int32_t *i, const int32_t *v,
                            const uint8_t *spiked, uint32_t count, loom_err *e);

/* Input-event CSV (docs/inputs.md format, header line included). */
loom_status outw_inputs_open(const char *path, outw **out, loom_err *e);
loom_status outw_inputs_step(outw *w, uint64_t step, const stim_event *ev, uint32_t n,
                             loom_err *e);

/* Flushes and closes; reports a write error that happened at any point.
 * The file replaces an existing one of that name only now, when complete
 * (afile.h); after a write error the old file stays.  NULL is fine. */
loom_status outw_close(outw *w, loom_err *e);

/* Closes and throws the output away (a failed run): an existing file of
 * that name keeps its old contents.  NULL is fine. */
void outw_discard(outw *w);

#endif
