/*
 * netinfo.h -- structural summary of a seir_net for `loom info` and the
 * generic `loom compile --report`: counts, levels, fan-in / fan-out, delay
 * histogram, initial state and how much of the accumulator range the
 * worst neuron can use (the bound of seir_check_acc).
 */
#ifndef NETINFO_H
#define NETINFO_H

#include <stdint.h>
#include <stdio.h>

#include "loom_status.h"
#include "seir.h"

typedef struct netinfo {
    uint32_t neurons, neuron_groups, profiles;
    uint64_t synapses, syn_from_inputs, syn_in_dense, dense_blocks;
    uint32_t inputs, inputs_spike, inputs_graded, input_groups;
    uint32_t outputs, outputs_spike, outputs_v;
    uint32_t levels;
    uint32_t max_fan_in, max_fan_in_neuron;   /* synapses into one neuron */
    double mean_fan_in;
    uint32_t max_fan_out, max_fan_out_src;    /* source encoding of seir_syn */
    uint64_t *delay_hist;                     /* [arch.d + 1] synapses per delay */
    uint32_t init_neurons;                    /* neurons with nonzero initial i or v */
    uint64_t ring_init;                       /* initial ring entries */
    int64_t acc_bound;                        /* max over neurons of the bound */
    uint32_t acc_bound_neuron;
    int64_t acc_limit;                        /* 2^(A-1) - 1 */
    uint32_t *profile_neurons;                /* [profiles] neurons using each */
} netinfo;

/* Computes the summary (levels via seir_levels: fails like it on a
 * zero-delay cycle).  *ni owns two arrays: free with netinfo_free. */
loom_status netinfo_compute(const seir_net *net, netinfo *ni, loom_err *e);
void netinfo_free(netinfo *ni);

/* Human-readable summary; `kind` names the front-end ("SEIR", "AIGER",
 * "NIR") and `path` the file (both may be NULL). */
void netinfo_print(const seir_net *net, const netinfo *ni, const char *path, const char *kind,
                   FILE *f);

/* The same as one JSON object (keys documented in docs/cli.md). */
void netinfo_print_json(const seir_net *net, const netinfo *ni, const char *path,
                        const char *kind, FILE *f);

#endif
