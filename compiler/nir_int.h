/*
 * nir_int.h -- private interface between the parts of the NIR front-end
 * (nir_read.c, nir_lower.c, nir_float.c, nir_quant.c, nir.c).  Not a public
 * header: only files of the NIR front-end and its unit tests include it.
 *
 * The pipeline is
 *
 *   nir_read_file   HDF5 file -> nir_graph: nodes with double parameter
 *                   arrays, edges by index, nested NIRGraphs flattened
 *                   ("outer.inner" names), shapes inferred, back edges of
 *                   cycles marked (they carry a one-step delay);
 *   nir_lower       the graph -> populations of neurons numbered exactly as
 *                   the compiled net numbers them, and one incoming list of
 *                   (source, weight, delay) terms per neuron in float units:
 *                   chains of Affine/Linear/Scale/Conv/Pool/Flatten/Delay
 *                   nodes are multiplied out, biases summed into a
 *                   constant input per neuron;
 *   nir_fsim_*      the double-precision reference on the lowered form;
 *   nir_quantise    the lowered form -> seir_net, one scale per population.
 */
#ifndef NIR_INT_H
#define NIR_INT_H

#include <stddef.h>
#include <stdint.h>

#include "loom_status.h"
#include "nir.h"
#include "seir.h"

#define NIR_MAX_RANK 6

typedef enum nir_kind {
    NIR_INPUT, NIR_OUTPUT, NIR_AFFINE, NIR_LINEAR, NIR_SCALE, NIR_LIF,
    NIR_CUBALIF, NIR_LI, NIR_IF, NIR_I, NIR_THRESHOLD, NIR_DELAY, NIR_FLATTEN,
    NIR_CONV1D, NIR_CONV2D, NIR_SUMPOOL2D, NIR_AVGPOOL2D,
    NIR_IDENTITY, /* the Input/Output plumbing of a nested graph */
    NIR_N_KINDS
} nir_kind;

/* The NIR type name of a kind ("CubaLIF"). */
const char *nir_kind_name(nir_kind k);

/* A parameter as stored in the file, converted to double. */
typedef struct nir_array {
    char *name;
    int rank;                    /* 0 for a scalar */
    int64_t dims[NIR_MAX_RANK];
    size_t n;                    /* element count (1 for a scalar) */
    double *v;                   /* owned */
} nir_array;

typedef struct nir_node {
    char *name;                  /* flattened name, owned */
    nir_kind kind;
    uint32_t n_params;
    nir_array *params;           /* owned */
    /* inferred by nir_read_file */
    int rank;                    /* output shape */
    int64_t shape[NIR_MAX_RANK];
    size_t size;                 /* output element count */
    int in_rank;                 /* input shape (from the incoming edges) */
    int64_t in_shape[NIR_MAX_RANK];
    size_t in_size;
    /* numeric datasets of the node's `metadata` group (loom_* of NIR out,
     * nir_write.h); owned */
    uint32_t n_meta;
    nir_array *meta;
} nir_node;

typedef struct nir_edge {
    uint32_t src, dst;           /* node indices */
    int back;                    /* closes a cycle: delivered one step later */
} nir_edge;

/* Population kinds of the lowered form: the neuron node kinds plus */
typedef enum nir_pop_kind {
    NIR_POP_LIF, NIR_POP_CUBALIF, NIR_POP_LI, NIR_POP_IF, NIR_POP_I,
    NIR_POP_THRESHOLD,
    NIR_POP_READOUT  /* v = u each step, never spikes: an Output fed by synapses */
} nir_pop_kind;

/* A run of neurons that come from one node, numbered first..first+count-1. */
typedef struct nir_pop {
    nir_pop_kind kind;
    int32_t node;                /* node index (the Output node for a read-out) */
    char *name;                  /* SEIR-safe group name, owned */
    uint32_t first, count;
    int out_v;                   /* an Output reads v (LI, I, readout) */
    int is_output;               /* feeds an Output node */
    /* per-neuron parameters broadcast to count (NULL when unused), owned */
    double *tau, *tau_syn, *r, *v_leak, *theta, *v_reset, *w_in;
} nir_pop;

/* One incoming term of neuron n: u_n(t) += w * x_src(t - d). */
typedef struct nir_term {
    uint32_t src;                /* neuron index, or SEIR_SRC_INPUT | channel */
    uint32_t d;                  /* delay in steps */
    double w;
} nir_term;

struct nir_graph {
    char *path;
    char *version;               /* "" when the file has none */
    double file_dt;              /* graph metadata dt, 0 when absent */
    double dt;                   /* the dt the graph was lowered with */
    int reset_subtract;
    uint32_t max_profiles;       /* profile table to fit (0: no limit; nir_cluster.h) */
    uint8_t *cl_mode;            /* NULL or [n_pops]: the clustering's feature weighting per
                                    population, chosen for agreement by nir_qsearch; owned */
    uint32_t n_nodes;
    nir_node *nodes;
    uint32_t n_edges;
    nir_edge *edges;
    uint32_t *topo;              /* node indices, sources first (back edges ignored) */
    uint32_t n_meta;             /* numeric datasets of the top graph's metadata, owned */
    nir_array *meta;

    /* lowered form (nir_lower) */
    uint32_t n_inputs;           /* input channels */
    uint32_t n_input_nodes;
    uint32_t *input_node;        /* node index per Input node, channel order */
    uint32_t *input_first;       /* first channel of each Input node */
    uint32_t n_pops;
    nir_pop *pops;               /* in neuron order */
    uint32_t n_neurons;
    uint32_t *pop_of;            /* [n_neurons] population of each neuron */
    size_t *in_off;              /* [n_neurons + 1] CSR offsets into in_terms */
    nir_term *in_terms;          /* incoming terms, per neuron sorted (src, d) */
    double *bias_u;              /* [n_neurons] constant part of u (biases) */
    uint32_t max_delay;          /* largest term delay */
};

/* Reads and checks the file into a new graph (no lowering yet).  Errors name
 * the file and the node or edge at fault. */
loom_status nir_read_file(const char *path, nir_graph **out, loom_err *e);

/* Parameter `name` of node, or NULL. */
const nir_array *nir_param(const nir_node *node, const char *name);

/* Metadata dataset `name` of a node / of the top graph, or NULL. */
const nir_array *nir_node_meta(const nir_node *node, const char *name);
const nir_array *nir_graph_meta(const nir_graph *g, const char *name);

/* Lowers g with timestep dt (seconds) into the populations and terms above.
 * Fails naming the node when a construct has no machine form (an LI feeding
 * synapses, a cycle through no neuron, a delay that is not a whole number
 * of steps is rounded, not refused). */
loom_status nir_lower(nir_graph *g, double dt, int reset_subtract, loom_err *e);

/* A SEIR-safe group name for raw (letters, digits, '_'; not a SEIR word),
 * unique among the first `upto` populations.  malloc'ed, NULL on OOM. */
char *nir_safe_name(const nir_graph *g, const char *raw, uint32_t upto);

/* ---- float reference (nir_float.c) ---- */
typedef struct nir_fsim nir_fsim;

loom_status nir_fsim_new(const nir_graph *g, nir_fsim **out, loom_err *e);
void nir_fsim_free(nir_fsim *s);
/* Back to t = 0 with zero state. */
void nir_fsim_reset(nir_fsim *s);
/* One step: x[c] is input channel c's value (n_inputs entries). */
void nir_fsim_step(nir_fsim *s, const double *x);
const uint8_t *nir_fsim_spikes(const nir_fsim *s);
const double *nir_fsim_v(const nir_fsim *s);
/* CubaLIF synaptic currents I (float units of u; 0 for other kinds). */
const double *nir_fsim_i(const nir_fsim *s);

/* ---- quantiser (nir_quant.c) ---- */

/* What the quantiser chose for one population (for nir_report). */
typedef struct nir_qinfo {
    double sigma;        /* state units per float unit of v */
    double kscale;       /* integer weight units per float unit of effective weight */
    int32_t shift;
    double w_use;        /* largest |weight| / (2^(W-1)-1) */
    double in_bound;     /* largest possible |in| per step, state units */
    double v_bound;      /* state bound the scale was chosen for, float units */
    int32_t n_profiles;
    uint32_t n_values;   /* distinct profiles before clustering (>= n_profiles) */
    int sat_risk;        /* in_bound exceeds the S-bit range */
    int32_t adj;         /* extra shift the agreement search chose (nir_qsearch) */
    /* what quantisation lost: a weight (input term) whose machine value
     * q * 2^shift keeps less than half of its float value sigma * gain * w
     * (or has the other sign), a constant input (bias) likewise; kept: terms
     * that would have rounded to no effect at all and were raised to one
     * state unit (the connection is kept) */
    uint64_t n_weights, n_weights_lost, n_weights_kept;
    uint32_t n_biases, n_biases_lost;
    uint32_t n_ex;       /* the first NIR_QLOST_EX lost weights, for warnings */
    struct {
        uint32_t src, dst; /* src: neuron, or SEIR_SRC_INPUT | channel */
        double want, got;  /* state units per event: float, machine */
    } ex[8];
} nir_qinfo;
#define NIR_QLOST_EX 8

/* Builds the integer net from a lowered graph, with the per-population
 * scales nir_qsearch picks for arch (for small nets: see nir_qsearch).
 * info (n_pops entries) may be NULL.  On success *out is a new net owned by
 * the caller. */
loom_status nir_quantise(const nir_graph *g, const seir_arch *arch, seir_net **out,
                         nir_qinfo *info, loom_err *e);

/* nir_quantise for arch; delays longer than arch->d are quantised at their
 * own D and then chained through relay neurons (seir_relay.h), so the net
 * runs exactly on a ring of arch->d (nir_compile.c). */
loom_status nir_quantise_relay(const nir_graph *g, const seir_arch *arch, seir_net **net,
                               nir_qinfo *info, loom_err *e);

/* The same with explicit extra shifts: adj[p] (n_pops entries, or NULL for
 * all 0) is added to population p's range-derived shift, i.e. the state
 * scale sigma doubles per unit and the state headroom halves. */
loom_status nir_quantise_adj(const nir_graph *g, const seir_arch *arch, const int8_t *adj, seir_net **out,
                             nir_qinfo *info, loom_err *e);

/* ---- agreement search (nir_qsearch.c) ---- */

/* The extra shifts search: candidates NIR_QADJ_MIN..NIR_QADJ_MAX per
 * population, chosen greedily population by population (sources first) to
 * maximise the spike (and v) agreement of the quantised net with the float
 * reference on NIR_QSEARCH_STEPS steps of Poisson input (rate 0.1, a seed
 * of its own, not the report's).  Nets with more than NIR_QSEARCH_MAX_TERMS
 * input terms are not searched (adj all 0).  adj has n_pops entries. */
#define NIR_QADJ_MIN (-1)
#define NIR_QADJ_MAX 4
#define NIR_QSEARCH_STEPS 1000u
#define NIR_QSEARCH_MAX_TERMS 50000u
loom_status nir_qsearch(const nir_graph *g, const seir_arch *arch, int8_t *adj, loom_err *e);

#endif
