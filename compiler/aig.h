/*
 * aig.h -- AIGER front-end: .aag / .aig circuits lowered to SEIR threshold
 * neurons (docs/aiger.md).
 *
 * Three layers, one file each:
 *   aig_read.c   the reader: ASCII and binary AIGER 1.9 into an aig_file
 *   aig_lower.c  the lowering of an aig_file into a seir_net
 *   aig.c        loading a file, aigsim-style simulation, the report
 */
#ifndef AIG_H
#define AIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "loom_status.h"
#include "model.h"
#include "seir.h"

/* ---- the circuit as read (aig_read.c) ---- */

/* One latch: literal, next-state literal and reset value.  reset is 0, 1,
 * or lit itself for an uninitialised latch. */
typedef struct aig_latch {
    uint32_t lit, next, reset;
} aig_latch;

/* One AND gate lhs = rhs0 & rhs1 (literals). */
typedef struct aig_and {
    uint32_t lhs, rhs0, rhs1;
} aig_and;

/* A whole AIGER file.  Literals are 2*var + complement; var 0 is constant
 * false.  Invariants after a successful read: every literal is <= 2M+1 and
 * defined (constant, input, latch or AND), and `ands` is in topological
 * order (each gate's fanins are inputs, latches, constants or gates earlier
 * in the array), also for ASCII files that list gates in any order.  Names
 * are NULL where the symbol table has none.  The struct owns every array. */
typedef struct aig_file {
    int binary;                 /* 1 for "aig", 0 for "aag" */
    uint32_t maxvar;            /* M */
    uint32_t n_inputs, n_latches, n_outputs, n_ands;
    uint32_t n_bad, n_constraints, n_justice, n_fairness;
    uint32_t *inputs;           /* [n_inputs] literals (even) */
    aig_latch *latches;         /* [n_latches] */
    uint32_t *outputs;          /* [n_outputs] literals */
    uint32_t *bad;              /* [n_bad] literals */
    uint32_t *constraints;      /* [n_constraints] literals */
    uint32_t *justice_first;    /* [n_justice + 1] offsets into justice_lits */
    uint32_t *justice_lits;     /* literals of all justice properties */
    uint32_t *fairness;         /* [n_fairness] literals */
    aig_and *ands;              /* [n_ands], topological order */
    char **input_names, **latch_names, **output_names; /* [n] each, entries may be NULL */
    uint32_t n_symbols;         /* symbol-table lines read (all kinds) */
    char *comment;              /* text after the "c" line, or NULL */
} aig_file;

/* Parses AIGER text or binary data (the first three bytes choose).  `name`
 * is used in diagnostics: "name:line:col: ..." for ASCII files and
 * "name: byte offset N: ..." for binary ones, saying what was expected.
 * Rejects bad header counts, M too small (ASCII) or M != I+L+A (binary),
 * literals > 2M+1, undefined or doubly defined literals, odd input or
 * gate literals, bad reset values, truncated or invalid binary deltas,
 * cyclic ASCII definitions and malformed symbol lines.  Never reads past
 * len.  On success *out is new and owned by the caller (aig_file_free). */
loom_status aig_read_mem(const uint8_t *buf, size_t len, const char *name,
                         aig_file **out, loom_err *e);

/* Reads the whole file path into a new NUL-terminated buffer *out (owned
 * by the caller, free()) of *len bytes (the NUL not counted).  LOOM_E_IO
 * naming path and the system's reason when it cannot be opened or read
 * (a directory, say), LOOM_E_NOMEM; *out is NULL then. */
loom_status aig_slurp(const char *path, char **out, size_t *len, loom_err *e);

/* Reads path and calls aig_read_mem; LOOM_E_IO when it cannot be read. */
loom_status aig_read_file(const char *path, aig_file **out, loom_err *e);

/* Frees f and everything it owns.  NULL is fine. */
void aig_file_free(aig_file *f);

/* AND depth: the longest chain of AND gates from an input, latch or
 * constant to any gate (0 without gates). */
uint32_t aig_depth(const aig_file *f);

/* ---- the lowering (aig_lower.c) ---- */

/* How the circuit's signals map onto the net (for aigsim-style printing
 * and for reports).  Input channel k of the net is AIGER input k; the net's
 * outputs are the AIGER outputs in order. */
typedef struct aig_lowering aig_lowering;
struct aig_lowering {
    int pipeline;            /* lowered in --pipeline mode */
    uint32_t latency;        /* pipeline: steps from a vector to its outputs; 0 otherwise */
    uint32_t n_inputs, n_latches, n_outputs;
    uint32_t *latch_neuron;  /* [n_latches] neuron spiking iff the latch holds 1 this step */
    uint32_t *output_neuron; /* [n_outputs] neuron spiking iff the output is 1 */
    /* figures for the report */
    uint32_t gates, depth, levels; /* AND gates, AND depth, zero-delay levels of the net */
    uint32_t n_bad, n_constraints, n_justice, n_fairness, n_uninit;
    uint32_t extra_neurons;  /* NOT/BUF/constant neurons added for outputs */
    uint32_t buffers;        /* pipeline buffer neurons (delays longer than D) */
    uint32_t neurons;
    size_t synapses;
};

/* Lowers f into a new net with arch o->arch (o->pipeline selects the
 * mode; docs/aiger.md).  Fails with LOOM_E_CAPACITY when a delay cannot
 * fit D (latches need D >= 1, --pipeline needs D >= 1), LOOM_E_UNSUPPORTED
 * for --pipeline on a sequential circuit, LOOM_E_INVALID for W < 2 or
 * S < 4.  Warnings (uninitialised latches, ignored B/C/J/F sections) go to
 * stderr prefixed by `name` unless o->quiet.  On success *net and *low are
 * new and owned by the caller. */
loom_status aig_lower(const aig_file *f, const char *name, const model_opts *o,
                      seir_net **net, aig_lowering **low, loom_err *e);

/* ---- loading, simulation, report (aig.c) ---- */

/* Reads and lowers an AIGER file.  On success *net and *low are new and
 * owned by the caller. */
loom_status aig_compile_file(const char *path, const model_opts *o, seir_net **net,
                             aig_lowering **low, loom_err *e);

/* Frees a lowering and its arrays.  NULL is fine. */
void aig_lowering_free(aig_lowering *low);

/* `loom compile --report` for AIGER models: one "aiger KEY VALUE" line
 * each for mode, inputs, outputs, latches, gates, depth, levels, pipeline
 * latency (steps), neurons and synapses, plus uninitialised latches and
 * ignored B/C/J/F properties when present.  LOOM_E_ARG for a model that is
 * not an AIGER circuit, LOOM_E_IO when out cannot be written. */
loom_status aig_report(const model *m, FILE *out, loom_err *e);

#endif
