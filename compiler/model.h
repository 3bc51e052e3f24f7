/*
 * model.h -- loading any model Loom takes (.seir, .aag, .aig, .nir) into a
 * seir_net, compiling on the fly, so that every subcommand (compile, sim,
 * cosim, run, info) accepts every format with the same flags.
 *
 * The front-end is chosen by the file name's ending.  Front-ends that know
 * more than the integer network (an AIGER circuit's signal map, an NIR
 * graph's float form) leave it in the model for commands that need it.
 */
#ifndef MODEL_H
#define MODEL_H

#include "loom_status.h"
#include "seir.h"

struct aig_lowering; /* aig.h */
struct nir_graph;    /* nir.h */

typedef enum model_kind { MODEL_SEIR, MODEL_AIGER, MODEL_NIR } model_kind;

/* Compile options shared by every front-end (ignored where meaningless). */
typedef struct model_opts {
    seir_arch arch;     /* target arch (SEIR files carry their own) */
    double dt;          /* NIR: timestep in seconds [1e-4] */
    int dt_set;         /* NIR: dt was given explicitly (else a graph's metadata dt wins) */
    int pipeline;       /* AIGER: --pipeline mode */
    int reset_subtract; /* NIR: --reset subtract (else reset by value) */
    int quiet;          /* no warnings */
    /* Where warnings go (e.g. "latch 3 ... is uninitialised"): called with
     * the model's path and the message, never when quiet; NULL drops them.
     * The library never prints (the CLI passes cli_warn). */
    void (*warn)(void *ctx, const char *path, const char *msg);
    void *warn_ctx;
    const char *top;    /* Verilog: top module [yosys -auto-top] (not owned) */
    uint32_t group_sum; /* AIGER/Verilog: K group-sum read-outs (verilog.h); 0 = none */
    uint32_t max_profiles; /* NIR: profile table to fit; layers with more distinct per-neuron
                              theta/v_reset/decays are clustered (nir_cluster.h); 0 = no limit */
} model_opts;

void model_opts_default(model_opts *o);

typedef struct model {
    model_kind kind;
    seir_net *net;               /* owned */
    struct aig_lowering *aig;    /* AIGER only, owned */
    struct nir_graph *nir;       /* NIR only, owned */
} model;

/* Loads path into *m (zeroed first).  A Verilog file (.v, .sv) is
 * synthesised by yosys and loads as MODEL_AIGER (verilog.h).  The net is validated.  On failure *m
 * holds nothing and e says what and where. */
loom_status model_load(const char *path, const model_opts *o, model *m, loom_err *e);

/* Frees what *m owns; *m becomes empty. */
void model_free(model *m);

/* The kind a path would load as, from its ending; -1 when unknown. */
int model_kind_of(const char *path);

#endif
