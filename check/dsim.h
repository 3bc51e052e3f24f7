/*
 * dsim.h -- change-driven simulation of memoryless delay nets, bit-exact
 * with the reference model (hls_ref/ref.h) on the spikes.
 *
 * A net is memoryless when every profile has a_syn = a_mem = 0: a neuron's
 * spike in step t is then a function of its accumulator alone, and the
 * accumulator is sum(w * x(src, t - d)) over its synapses (x: the source's
 * spike or spike input, 0/1).  When in addition every neuron-to-neuron
 * synapse has d >= 1, a step only needs to look at the neurons one of whose
 * sources changed d steps ago: dsim keeps each neuron's running sum and
 * schedules +-w at t + d when a source's spike changes at t.  The work per
 * step is the number of changes, not the number of neurons.
 *
 * This is what `loom sim X.aig --pipeline --stim` runs on (check/aig_check.c):
 * a pipelined circuit of depth L needs L steps to fill, during which only the
 * wavefront of each vector changes anything.  tests/unit/test_dsim.c compares
 * every neuron's spike with ref_step, step by step.
 */
#ifndef LOOM_DSIM_H
#define LOOM_DSIM_H

#include <stdint.h>

#include "loom_status.h"
#include "seir.h"

typedef struct dsim dsim;

/* 1 if dsim can run net: every profile memoryless (a_syn = a_mem = 0), every
 * input channel a spike channel, no synapse from a neuron with delay 0, no
 * initial pending input (ring_init).  Otherwise 0 and, when why is not NULL,
 * *why says which rule fails. */
int dsim_supports(const seir_net *net, const char **why);

/* A new simulation at t = 0 of a net seir_check accepts.  LOOM_E_UNSUPPORTED
 * naming the rule when dsim_supports refuses; LOOM_E_NOMEM.  The net must
 * outlive the simulation. */
loom_status dsim_create(const seir_net *net, dsim **out, loom_err *e);

void dsim_destroy(dsim *s);

/* Starts from the settled state instead of the empty one: every neuron's
 * spike and accumulator as if the net had run forever with every input at 0
 * (the state the reference model reaches after max-path-delay steps of zero
 * input on an acyclic net).  Only at step 0; LOOM_E_UNSUPPORTED when the
 * synapses between neurons form a cycle (the state is left empty then).
 *
 * Why: in a net where every path from an input to a neuron has the same
 * total delay (a --pipeline lowering: neuron at stage s computes, in step t,
 * the function of the input of step t - s), a neuron's spikes from step s on
 * do not depend on the starting state, so the settled start gives the
 * reference model's spikes there, while the L steps that fill the pipeline
 * change nothing but the wavefront.  Before step s they differ. */
loom_status dsim_settle(dsim *s, loom_err *e);

/* Input channel c's value for the next dsim_step (nonzero: a spike); values
 * are cleared after each step, as ref_set_input.  Out-of-range c is ignored. */
void dsim_set_input(dsim *s, uint32_t c, int32_t value);

/* Runs step t and advances.  LOOM_E_NOMEM when an event list cannot grow
 * (the simulation is then unusable). */
loom_status dsim_step(dsim *s, loom_err *e);

/* 1 if neuron n spiked in the last step (0 before the first step or for n
 * out of range). */
int dsim_spiked(const dsim *s, uint32_t n);

/* Neuron evaluations done so far (neurons looked at because an input of
 * theirs changed, plus every neuron in step 0). */
uint64_t dsim_evaluations(const dsim *s);

#endif
