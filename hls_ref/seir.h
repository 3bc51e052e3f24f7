/*
 * seir.h -- the in-memory form of a SEIR network (spike-event IR).
 *
 * A seir_net is what every front-end produces (SEIR text, AIGER, NIR), what
 * the validator checks, what the reference model and the mapper consume, and
 * what the printer writes back as text.  It holds integers only: the
 * quantised, machine-level network of docs/machine-model.md.
 *
 * Numbering.  Neurons are numbered 0..n_neurons-1 in declaration order of
 * their groups; input channels 0..n_inputs-1 likewise.  A group declared
 * with a size (`neuron h[38] lif`) names its members h[0]..h[37]; a group
 * declared without one (`neuron out lif`) is a single neuron named `out`.
 *
 * Synapses live in one flat array (no order is implied by the machine
 * model).  A synapse source is a neuron index, or an input channel index
 * with SEIR_SRC_INPUT set.  Dense blocks are a printing hint only: they
 * record that synapses [syn_first, syn_first+syn_count) came from (and are
 * printed as) one weight matrix between two contiguous ranges.
 *
 * Ownership: the net owns every array and string it points to;
 * seir_net_free releases them all.  Builder functions copy their string
 * arguments.  Invariants the builder keeps: neuron_profile[n] < n_profiles,
 * group ranges tile the index space in order.  Value ranges (weights in W
 * bits, delays <= D, ...) are NOT enforced by the builder: seir_validate
 * checks them, so a front-end can build first and report all problems with
 * context afterwards.
 */
#ifndef SEIR_H
#define SEIR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "loom_status.h"

#define SEIR_FORMAT_VERSION 1

/* Architecture parameters a network assumes (docs/machine-model.md). */
typedef struct seir_arch {
    int w; /* weight bits W, 2..16 [8] */
    int s; /* state bits S (i, v, theta, v_reset, bias), 4..32 [16] */
    int a; /* accumulator bits A, 4..32 [24] */
    int d; /* max delay D in steps, 0..255 [15]; the ring has D+1 slots */
} seir_arch;

#define SEIR_ARCH_DEFAULT_W 8
#define SEIR_ARCH_DEFAULT_S 16
#define SEIR_ARCH_DEFAULT_A 24
#define SEIR_ARCH_DEFAULT_D 15

/* Fills *a with the defaults W=8 S=16 A=24 D=15. */
void seir_arch_default(seir_arch *a);

/* Checks the ranges above; the message names the parameter and its range. */
loom_status seir_arch_check(const seir_arch *a, loom_err *e);

typedef enum seir_reset {
    SEIR_RESET_ZERO = 0,     /* on a spike v = v_reset */
    SEIR_RESET_SUBTRACT = 1, /* on a spike v = sat_S(v - theta) */
    SEIR_RESET_NONE = 2      /* never spikes: leaky integrator read-out */
} seir_reset;

/* Neuron parameters shared by every neuron of a profile. */
typedef struct seir_profile {
    char *name;
    int32_t a_syn;   /* synaptic current decay, 0..4096 (4096 = no leak) */
    int32_t a_mem;   /* membrane decay, 0..4096 */
    int32_t theta;   /* threshold, S bits */
    int32_t v_reset; /* reset value for reset=zero, S bits */
    seir_reset reset;
    int32_t shift;   /* input scaling: in = a*2^shift or a>>-shift, -16..15 */
    int32_t bias;    /* added to v every step, S bits */
} seir_profile;

/* Defaults of a profile parameter that a SEIR line leaves out. */
#define SEIR_PROFILE_DEFAULT_A_SYN 0
#define SEIR_PROFILE_DEFAULT_A_MEM 4096
#define SEIR_PROFILE_DEFAULT_THETA 1
#define SEIR_PROFILE_DEFAULT_V_RESET 0
#define SEIR_PROFILE_DEFAULT_SHIFT 0
#define SEIR_PROFILE_DEFAULT_BIAS 0

/* Fills *p with the defaults above, reset=zero and name NULL. */
void seir_profile_default(seir_profile *p);

/* Sets *p to a memoryless threshold gate called `name` (not copied): a_syn =
 * a_mem = 0, so v is this step's input plus `bias`; spikes at v >= theta;
 * shift 0; `reset` with v_reset 0.  The AIGER gates, the relay neurons and
 * the Verilog group sums are such profiles. */
void seir_profile_gate(seir_profile *p, const char *name, int32_t theta, int32_t bias,
                       seir_reset reset);

typedef enum seir_input_kind {
    SEIR_IN_SPIKE = 0, /* carries 0 or 1 each step */
    SEIR_IN_GRADED = 1 /* carries a signed 16-bit value each step */
} seir_input_kind;

/* A named, contiguous run of neurons or of input channels. */
typedef struct seir_group {
    char *name;
    uint32_t first;  /* index of the first member */
    uint32_t count;  /* members, >= 1 */
    int is_array;    /* declared as name[count]: members are name[k] */
    uint32_t kind;   /* neuron group: profile index; input group: seir_input_kind */
} seir_group;

/* Source encoding: an input channel c is (SEIR_SRC_INPUT | c). */
#define SEIR_SRC_INPUT 0x80000000u
#define SEIR_IS_INPUT(src) (((src) & SEIR_SRC_INPUT) != 0)
#define SEIR_SRC_INDEX(src) ((src) & ~SEIR_SRC_INPUT)

typedef struct seir_syn {
    uint32_t src; /* neuron index, or SEIR_SRC_INPUT | channel */
    uint32_t dst; /* neuron index */
    int32_t w;    /* weight, W bits */
    uint32_t d;   /* delay in steps, 0..D */
} seir_syn;

/* Printing hint: synapses [syn_first, syn_first + syn_count) form the
 * nonzero entries of a dense matrix from sources [src_first, src_first +
 * src_count) (input channels when src_is_input) to neurons [dst_first,
 * dst_first + dst_count), all with delay d.  Entries are stored row by row
 * (dst-major, then src ascending). */
typedef struct seir_dense {
    int src_is_input;
    uint32_t src_first, src_count;
    uint32_t dst_first, dst_count;
    uint32_t d;
    size_t syn_first, syn_count;
} seir_dense;

typedef enum seir_out_kind {
    SEIR_OUT_SPIKE = 0, /* the neuron's spike bit */
    SEIR_OUT_V = 1      /* the neuron's membrane value v */
} seir_out_kind;

typedef struct seir_output {
    uint32_t neuron;
    seir_out_kind kind;
} seir_output;

/* Input pending for neuron at step `slot` (0..D) before any step runs. */
typedef struct seir_ring_init {
    uint32_t neuron;
    uint32_t slot;
    int32_t value;
} seir_ring_init;

typedef struct seir_net {
    seir_arch arch;

    uint32_t n_profiles;
    seir_profile *profiles;

    uint32_t n_inputs;        /* input channels */
    uint8_t *input_kind;      /* [n_inputs] seir_input_kind */
    int32_t *input_max;       /* NULL or [n_inputs]: a graded channel's declared bound
                                 on |x| (1..32767; 0: the whole 16-bit range); its
                                 values saturate to [-max, max] (seir_input_xmax) */
    uint32_t n_input_groups;
    seir_group *input_groups;

    uint32_t n_neurons;
    uint32_t *neuron_profile; /* [n_neurons] index into profiles */
    uint32_t n_neuron_groups;
    seir_group *neuron_groups;

    size_t n_syn;
    seir_syn *syn;

    uint32_t n_dense;
    seir_dense *dense;

    uint32_t n_outputs;
    seir_output *outputs;     /* in declaration order */

    int32_t *neuron_bias;     /* NULL (all zero) or [n_neurons]: each neuron's own
                                 bias, added to its profile's (docs/machine-model.md);
                                 profile bias + neuron bias must fit S bits */
    int32_t *init_i;          /* NULL (all zero) or [n_neurons] */
    int32_t *init_v;          /* NULL (all zero) or [n_neurons] */
    size_t n_ring_init;
    seir_ring_init *ring_init;

    /* capacities of the growable arrays (builder bookkeeping) */
    size_t cap_syn, cap_ring_init;
    /* open-addressing index over ring_init (neuron, slot) for
     * seir_add_ring_init; rebuilt whenever ring_indexed != n_ring_init */
    size_t *ring_index, ring_index_cap, ring_indexed;
    uint32_t cap_profiles, cap_inputs, cap_input_groups, cap_neurons,
        cap_neuron_groups, cap_dense, cap_outputs;
} seir_net;

/* A new empty network with arch *a (defaults when a is NULL).  NULL on OOM. */
seir_net *seir_net_new(const seir_arch *a);

/* Frees the net and everything it owns.  NULL is fine. */
void seir_net_free(seir_net *net);

/* Adds a profile (name and values copied).  Returns its index, or -1 on OOM.
 * Duplicate names are the caller's (or the validator's) business. */
int32_t seir_add_profile(seir_net *net, const seir_profile *p);

/* Index of the profile / neuron group / input group called `name`, or -1. */
int32_t seir_find_profile(const seir_net *net, const char *name);
int32_t seir_find_neuron_group(const seir_net *net, const char *name);
int32_t seir_find_input_group(const seir_net *net, const char *name);

/* Appends `count` neurons with profile `profile` as a group.  is_array
 * selects name[k] naming (count must be 1 when is_array is 0).  Returns the
 * index of the first new neuron, or -1 on OOM. */
int64_t seir_add_neurons(seir_net *net, const char *name, uint32_t count,
                         int is_array, uint32_t profile);

/* Appends `count` input channels of one kind as a group; as above. */
int64_t seir_add_inputs(seir_net *net, const char *name, uint32_t count,
                        int is_array, seir_input_kind kind);

/* Declares channels first..first+count-1 (graded) bounded: their values
 * saturate to [-max, max] and the accumulator proof counts max|x| = max.
 * max 1..32767.  Returns 0, or -1 on OOM or a bad argument. */
int seir_set_input_max(seir_net *net, uint32_t first, uint32_t count, int32_t max);

/* max|x| of input channel c as the accumulator proof counts it: 1 for a
 * spike channel, the declared bound or 32768 for a graded one. */
static inline int64_t seir_input_xmax(const seir_net *net, uint32_t c)
{
    if (c >= net->n_inputs || net->input_kind[c] != SEIR_IN_GRADED)
        return 1;
    return net->input_max && net->input_max[c] ? net->input_max[c] : 32768;
}

/* Value v as graded channel c receives it: saturated to 16 bits and to the
 * channel's declared bound. */
static inline int32_t seir_input_sat(const seir_net *net, uint32_t c, int64_t v)
{
    int64_t m = seir_input_xmax(net, c);
    int64_t lo = m == 32768 ? -32768 : -m, hi = m == 32768 ? 32767 : m;
    return (int32_t)(v < lo ? lo : (v > hi ? hi : v));
}

/* Value v as channel c carries it into the machine, as the reference model
 * takes it: a graded channel's saturated (seir_input_sat), a spike
 * channel's unchanged.  The Poisson generator gives its draws this way, so
 * every stimulus source hands the RTL values within a channel's bound. */
static inline int32_t seir_input_as_taken(const seir_net *net, uint32_t c, int32_t v)
{
    return c < net->n_inputs && net->input_kind[c] == SEIR_IN_GRADED ? seir_input_sat(net, c, v) : v;
}

/* Appends one synapse.  Returns 0, or -1 on OOM. */
int seir_add_syn(seir_net *net, uint32_t src, uint32_t dst, int32_t w, uint32_t d);

/* Reserves room for `extra` more synapses (avoids regrowth for big nets). */
int seir_reserve_syn(seir_net *net, size_t extra);

/* Appends a dense block: weights is dst_count x src_count, row-major (one
 * row per destination); zero entries add no synapse.  Returns 0 or -1 (OOM). */
int seir_add_dense(seir_net *net, int src_is_input, uint32_t src_first,
                   uint32_t src_count, uint32_t dst_first, uint32_t dst_count,
                   uint32_t d, const int32_t *weights);

/* Appends one output.  Returns 0 or -1 on OOM. */
int seir_add_output(seir_net *net, uint32_t neuron, seir_out_kind kind);

/* Sets the initial i and v of a neuron (allocating the arrays on first use).
 * Returns 0 or -1 on OOM. */
int seir_set_init(seir_net *net, uint32_t neuron, int32_t i, int32_t v);

/* Sets neuron n's own bias (allocating the array on first use).  Returns 0
 * or -1 on OOM. */
int seir_set_bias(seir_net *net, uint32_t neuron, int32_t bias);

/* The bias neuron n adds to v every step: its profile's bias plus its own. */
static inline int64_t seir_bias_of(const seir_net *net, uint32_t n)
{
    return (int64_t)net->profiles[net->neuron_profile[n]].bias +
           (net->neuron_bias ? net->neuron_bias[n] : 0);
}

/* Adds pending input `value` for `neuron` at step `slot` (0..D).  A second
 * entry for the same neuron and slot adds to the first.  0 or -1 on OOM. */
int seir_add_ring_init(seir_net *net, uint32_t neuron, uint32_t slot, int32_t value);

/* Writes the SEIR name of neuron n ("h[3]" or "out") into buf (always
 * NUL-terminated).  Returns buf. */
char *seir_neuron_name(const seir_net *net, uint32_t n, char *buf, size_t len);

/* Same for input channel c. */
char *seir_input_name(const seir_net *net, uint32_t c, char *buf, size_t len);

/* The group among g[0..n) (sorted by first) whose range holds idx: the last
 * one with first <= idx (binary search; 0 when n is 0). */
uint32_t seir_group_find(const seir_group *g, uint32_t n, uint32_t idx);

/* Group index holding neuron n / input channel c (seir_group_find). */
uint32_t seir_neuron_group_of(const seir_net *net, uint32_t n);
uint32_t seir_input_group_of(const seir_net *net, uint32_t c);

/* ---- validation and analysis (seir_check.c) ---- */

/* Checks every rule of the machine model: arch ranges, profile parameter
 * ranges (decays 0..4096, theta/v_reset/bias in S bits, shift -16..15),
 * synapse endpoints exist, weights in W bits, delays <= D, outputs and
 * initial state in range, zero-delay neuron-to-neuron synapses acyclic
 * (the message names the neurons on one cycle), and that no accumulator can
 * wrap (seir_check_acc).  The message names the offending element. */
loom_status seir_validate(const seir_net *net, loom_err *e);

/* Computes level[n] for every neuron (0 with no zero-delay neuron inputs,
 * else 1 + max level of its zero-delay sources) and *n_levels (max+1, 0
 * for an empty net).  level must have room for n_neurons entries.  Fails
 * with LOOM_E_INVALID naming a cycle when the zero-delay graph is cyclic. */
loom_status seir_levels(const seir_net *net, uint32_t *level,
                        uint32_t *n_levels, loom_err *e);

/* Proves that no accumulator slot can leave the signed A-bit range: for
 * every neuron, sum over its incoming synapses of |w| * max|x| (1 for
 * neurons and spike channels, 32768 for graded channels) plus the largest
 * |initial ring value| must be <= 2^(A-1) - 1.  Fails with LOOM_E_INVALID
 * naming the worst neuron, its bound and the limit. */
loom_status seir_check_acc(const seir_net *net, loom_err *e);

/* Longest name a SEIR group or profile may have, in bytes. */
#define SEIR_NAME_MAX 255

/* seir_levels that also says where a cycle is: on LOOM_E_INVALID for a
 * cycle, *cycle_syn (when non-NULL) is the index of the synapse that closes
 * the named cycle (the highest-numbered synapse on it; the message ends with
 * its edge).  level may be NULL when only the check is wanted.  Synapses
 * with endpoints out of range are ignored here (seir_validate reports them). */
loom_status seir_levels_ex(const seir_net *net, uint32_t *level, uint32_t *n_levels,
                           size_t *cycle_syn, loom_err *e);

/* seir_check_acc that also gives the neuron named in a failure (*worst,
 * when non-NULL). */
loom_status seir_check_acc_ex(const seir_net *net, uint32_t *worst, loom_err *e);

#endif
