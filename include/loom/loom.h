/*
 * <loom/loom.h> -- the public C API of Loom (docs/api.md).
 *
 * One header for a host program: load any model Loom takes (SEIR, NIR,
 * AIGER) with options, compile / quantise it with a report, simulate it
 * bit-exactly (set inputs, step, read spikes and state), run the float
 * reference of an NIR graph, and stream it through a board or a virtual
 * board.  Every type and function is prefixed loom_; the objects are opaque.
 *
 * Errors: every fallible call returns a loom_status (LOOM_OK = 0) and, when
 * the caller passes a loom_err, fills it with one line saying where and what
 * (<loom/loom_status.h>).  The library never prints and never exits.
 *
 * Threads: objects are independent; one object must not be used by two
 * threads at once.
 *
 * Link with `pkg-config --cflags --libs loom` (shared, libloom.so) or
 * `pkg-config --static --cflags --libs loom` (libloom.a).
 */
#ifndef LOOM_LOOM_H
#define LOOM_LOOM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "loom_status.h" /* loom_status, loom_err, loom_status_str */

/* Version of the library ("0.1.0") and of this API (bumped on breaking changes). */
#define LOOM_API_VERSION 1
const char *loom_version(void);

/* ---- models ----------------------------------------------------------------- */

/* The machine's integer widths (docs/machine-model.md). */
typedef struct loom_arch {
    int w; /* weight bits, 2..16 [8] */
    int s; /* state bits, 4..32 [16] */
    int a; /* accumulator bits, 4..32 [24] */
    int d; /* max delay in steps, 0..255 [15] */
} loom_arch;

typedef enum loom_kind { LOOM_KIND_SEIR = 0, LOOM_KIND_AIGER = 1, LOOM_KIND_NIR = 2 } loom_kind;

/* How a model is compiled (the model options of `loom compile`). */
typedef struct loom_load_opts {
    const char *board;  /* compile for this board's arch ("icebreaker", ...); NULL: arch */
    int arch_set;       /* 1: compile for arch (ignored when board is set) */
    loom_arch arch;     /* [the default arch]; SEIR files carry their own */
    double dt;          /* NIR timestep in seconds, used when dt_set [1e-4] */
    int dt_set;         /* 0: the graph's metadata dt, else 1e-4 */
    int reset_subtract; /* NIR: reset by subtraction (else to v_reset) [0] */
    int pipeline;       /* AIGER: pipelined lowering [0] */
} loom_load_opts;

/* Fills *o with the defaults above. */
void loom_load_opts_default(loom_load_opts *o);

typedef struct loom_net loom_net;

/* Loads path (.seir, .nir, .aag or .aig, by its ending), compiling it with
 * o (NULL: defaults), and validates it against the machine model.  *out is
 * owned by the caller (loom_net_free); NULL on failure. */
loom_status loom_net_load(const char *path, const loom_load_opts *o, loom_net **out,
                          loom_err *e);
void loom_net_free(loom_net *net);

loom_kind loom_net_kind(const loom_net *net);
void loom_net_arch(const loom_net *net, loom_arch *a);
uint32_t loom_net_inputs(const loom_net *net);  /* input channels */
uint32_t loom_net_neurons(const loom_net *net); /* neurons, numbered 0..n-1 */
uint32_t loom_net_outputs(const loom_net *net); /* declared outputs */
/* Neuron of output k (declaration order); UINT32_MAX when k is out of range. */
uint32_t loom_net_output(const loom_net *net, uint32_t k);
/* 1 when input channel c takes graded 16-bit values, 0 for spikes (0/1). */
int loom_net_input_graded(const loom_net *net, uint32_t c);
/* SEIR name of neuron n ("hidden[3]") into buf; returns buf. */
char *loom_net_neuron_name(const loom_net *net, uint32_t n, char *buf, size_t len);
/* Writes the compiled network as canonical SEIR text ("-" = stdout). */
loom_status loom_net_save_seir(const loom_net *net, const char *path, loom_err *e);

/* ---- compile report ------------------------------------------------------------ */

/* One layer: a neuron group of the compiled network, or the run of groups
 * stem_0, stem_1, ... into which the NIR front-end splits a population
 * whose neurons got different profiles (then named stem). */
typedef struct loom_layer {
    char name[64];      /* layer name */
    uint32_t first;     /* first neuron (its neurons are consecutive) */
    uint32_t count;     /* neurons */
    char profile[64];   /* profile of its first neuron */
    int32_t theta;      /* that profile's threshold */
    uint64_t synapses;  /* synapses into the layer */
    uint32_t sources;   /* distinct sources (neurons and input channels) feeding it */
    int32_t w_min;      /* smallest weight into the layer (0 without synapses) */
    int32_t w_max;      /* largest */
    double w_use;       /* max |w| / (2^(W-1) - 1): how much of the W-bit range it uses */
    uint32_t outputs;   /* declared outputs among its neurons */
    uint32_t profiles;  /* distinct neuron profiles among its neurons */
} loom_layer;

typedef struct loom_report_opts {
    double rate;    /* NIR: Poisson input rate per step of the agreement run [0.1] */
    uint64_t seed;  /* its seed [1] */
    uint64_t steps; /* its steps [1000] */
} loom_report_opts;
void loom_report_opts_default(loom_report_opts *o);

typedef struct loom_report loom_report;

/* The report of `loom compile --report` for net (NIR: per-layer scale,
 * saturation and float/integer spike agreement; AIGER: gates, levels,
 * latency; SEIR: the structural summary) plus the per-layer table above.
 * o may be NULL (defaults).  Free with loom_report_free. */
loom_status loom_net_report(const loom_net *net, const loom_report_opts *o, loom_report **out,
                            loom_err *e);
void loom_report_free(loom_report *r);
uint32_t loom_report_layers(const loom_report *r);
const loom_layer *loom_report_layer(const loom_report *r, uint32_t k); /* NULL out of range */
/* NIR: fraction of (step, neuron) spike decisions on which the float
 * reference and the quantised net agree; -1 for other kinds. */
double loom_report_agreement(const loom_report *r);
/* The text of `loom compile --report` (valid until loom_report_free). */
const char *loom_report_text(const loom_report *r);

/* ---- bit-exact simulation (the reference model) ------------------------------ */

typedef struct loom_sim loom_sim;

/* A simulator at t = 0 with the net's initial state; independent of net
 * afterwards (net may be freed). */
loom_status loom_sim_new(const loom_net *net, loom_sim **out, loom_err *e);
void loom_sim_free(loom_sim *sim);
void loom_sim_reset(loom_sim *sim);
/* Input of channel c for the next step (spike channels 0/1, graded ones
 * -32768..32767); cleared after each step.  LOOM_E_ARG for a bad channel. */
loom_status loom_sim_set_input(loom_sim *sim, uint32_t c, int32_t value, loom_err *e);
/* Runs one step. */
void loom_sim_step(loom_sim *sim);
/* Steps run so far. */
uint64_t loom_sim_time(const loom_sim *sim);
/* Neurons that spiked in the last step, ascending, into *neurons (owned by
 * sim, valid until the next step); returns their count. */
uint32_t loom_sim_spikes(const loom_sim *sim, const uint32_t **neurons);
int loom_sim_spiked(const loom_sim *sim, uint32_t n);
/* Synaptic current and membrane state of neuron n after the last step. */
int32_t loom_sim_i(const loom_sim *sim, uint32_t n);
int32_t loom_sim_v(const loom_sim *sim, uint32_t n);

/* Runs `steps` steps from the sim's current state.  x: row-major
 * [steps][channels] input values (channels must equal loom_net_inputs; x may
 * be NULL when channels is 0).  spikes (may be NULL): [steps][neurons] 0/1;
 * v (may be NULL): [steps][neurons] membrane states after each step. */
loom_status loom_sim_run(loom_sim *sim, const int32_t *x, uint64_t steps, uint32_t channels,
                         uint8_t *spikes, int32_t *v, loom_err *e);

/* The float reference of an NIR graph (`loom sim --float`) on the same
 * inputs, from t = 0: spikes [steps][neurons] 0/1 and v [steps][neurons] in
 * the graph's units (either may be NULL).  LOOM_E_UNSUPPORTED for models
 * other than NIR. */
loom_status loom_net_sim_float(const loom_net *net, const int32_t *x, uint64_t steps,
                               uint32_t channels, uint8_t *spikes, double *v, loom_err *e);

/* ---- boards and virtual boards -------------------------------------------------- */

typedef struct loom_board loom_board;

/* Opens a board on port ("/dev/ttyUSB1", "/dev/pts/N", "tcp:HOST:PORT") at
 * baud bits/s (0: 3000000) and identifies it. */
loom_status loom_board_open(const char *port, unsigned baud, loom_board **out, loom_err *e);
void loom_board_close(loom_board *b);
/* The board's arch (its integer widths) and array size. */
void loom_board_arch(const loom_board *b, loom_arch *a, uint32_t *cores, uint32_t *neurons_per_core);
/* Maps net onto the board, resets the board and loads it.  A NIR or AIGER
 * model compiled for another arch is recompiled for the board's first. */
loom_status loom_board_load(loom_board *b, const loom_net *net, loom_err *e);
/* Streams `steps` steps of input x ([steps][channels], as loom_sim_run) to
 * the net loaded last and reads every step's spikes ([steps][neurons]
 * 0/1, neurons numbered as in the net; may be NULL).  Steps are pipelined:
 * the run is bound by the link's bandwidth, not its round trip. */
loom_status loom_board_run(loom_board *b, const int32_t *x, uint64_t steps, uint32_t channels,
                           uint8_t *spikes, loom_err *e);

/* One step of a closed loop, its results in ONE exchange with the board:
 * pushes the step's inputs x[channels], runs the step, waits for it and
 * reads its spikes into spikes[neurons] (0/1; may be NULL).  Continues
 * from where the last loom_board_run / loom_board_step left the board. */
loom_status loom_board_step(loom_board *b, const int32_t *x, uint32_t channels, uint8_t *spikes,
                            loom_err *e);

typedef struct loom_vboard loom_vboard;

/* Starts a virtual board: the RTL of board `name` (NULL: icebreaker) under
 * Verilator, served by `loom vboard` (the loom executable beside
 * libloom.so, LIBDIR/../bin/loom) on a new pseudo-terminal.  Waits up to
 * timeout_ms (0: 60000) until it is ready. */
loom_status loom_vboard_start(const char *name, int timeout_ms, loom_vboard **out, loom_err *e);
/* The port to pass to loom_board_open. */
const char *loom_vboard_port(const loom_vboard *vb);
/* Stops the virtual board and frees vb (NULL is fine). */
void loom_vboard_stop(loom_vboard *vb);

/* ---- the installed toolchain ----------------------------------------------------- */

/* The data folder (RTL, boards, firmware, examples, docs): $LOOM_DATADIR,
 * else PREFIX/share/loom beside the library, else the source tree.  Into
 * buf; returns buf. */
char *loom_data_root(char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
