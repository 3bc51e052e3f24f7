/*
 * cli_lockstep.h -- one lockstep check: a net mapped onto a built arch
 * config (vsim.h), the Verilator model and the reference model run on the
 * same Poisson inputs (stim.h, the generator of loom sim / loom cosim
 * --poisson), every neuron's spike, i and v compared after every step and
 * every pending ring value after the last one.  It reports the FIRST
 * divergence only (loom cosim prints the mismatches of that step and a
 * waveform; loom verify runs many of these and replays a failure with loom
 * cosim).
 */
#ifndef CLI_LOCKSTEP_H
#define CLI_LOCKSTEP_H

#include <stdint.h>

#include "loom_status.h"
#include "seir.h"

typedef struct cli_lockstep_result {
    uint64_t steps;       /* steps run (up to and including a divergent one) */
    uint64_t spikes;      /* reference spikes over those steps */
    uint64_t events;      /* synaptic events the RTL counted */
    int diverged;         /* 1: the fields below name the first difference */
    uint64_t step;        /* step of the first difference */
    uint32_t core, slot;  /* where it sits in the array */
    char neuron[64];      /* its SEIR name */
    char field[16];       /* "spike", "i", "v" or "pending[+k]" */
    int32_t ref, rtl;     /* both values */
} cli_lockstep_result;

/* Maps net onto config `config` (LOOM_E_CAPACITY / LOOM_E_INVALID when it
 * does not take the net: the caller may count that as "does not fit") and
 * runs `steps` steps with every input channel firing with probability rate
 * (stim_poisson, seed).  inject >= 0 tests the checker: after step inject
 * the RTL's v of neuron 0 is raised by 1 (loom cosim --inject).  Returns
 * LOOM_OK whether or not the models agree (r->diverged says); other errors
 * are failures of the run itself. */
loom_status cli_lockstep(const seir_net *net, const char *config, uint64_t steps, double rate, uint64_t seed,
                         int64_t inject, cli_lockstep_result *r, loom_err *e);

#endif
