/*
 * seir_relay.h -- delays longer than a machine's D, made exact with relay
 * neurons (docs/machine-model.md, "Delays beyond D").
 *
 * A relay is a neuron that fires exactly one step-delay after each spike it
 * receives: a_syn = a_mem = 0, theta = 1, reset to zero, no bias, one input
 * of weight 1 from one source (so its accumulator holds 0 or 1).  A source
 * with synapses longer than D gets one chain r1, r2, ... (source -> r1 and
 * r_j -> r_j+1, weight 1, delay D each), so r_k fires k*D steps after the
 * source; a synapse (src, dst, w, d) with d > D becomes (r_k, dst, w, d -
 * k*D) with k = ceil(d / D) - 1, whose delay is in 1..D.  Every target sees
 * the same input at the same step as before, bit for bit.  Sources are
 * neurons and spike input channels; a graded channel's value cannot ride a
 * spike, so a long synapse from one is refused, as is any delay with D = 0
 * and initial pending input beyond step D.
 */
#ifndef SEIR_RELAY_H
#define SEIR_RELAY_H

#include "seir.h"

/* Relay neurons needed to run net on a machine with max delay d (0 when
 * every synapse fits). */
uint64_t seir_relay_count(const seir_net *net, int d);

/* A copy of net with arch D = d and its long synapses relayed: the relays
 * are one neuron group appended after every other neuron (so neuron numbers
 * 0 .. n_neurons-1 keep their meaning) with a profile of their own; dense
 * blocks with delays above d are dropped as printing hints (their synapses
 * stay).  *out is a new validated net.  Fails (LOOM_E_INVALID /
 * LOOM_E_CAPACITY) naming the synapse or state that cannot be relayed. */
loom_status seir_relay_delays(const seir_net *net, int d, seir_net **out, loom_err *e);

#endif
