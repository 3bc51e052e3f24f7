/*
 * ctrl.h -- the spiking altitude controller: its structure, its parameter
 * vector (what CMA-ES evolves), its input encoding and output decoding, and
 * a transport-independent "controller step" that flies it.
 *
 * Structure (docs/blimp.md).  Two controllers share three graded input
 * channels and form ONE SEIR network of 160 neurons:
 *
 *   inputs   err   altitude error setpoint - measured, in mm (saturated at
 *                  +-1400: graded max=1400)
 *            derr  its change per second, mm/s (saturated at +-1400), the same difference
 *                  the reference PID's D term uses
 *            u     (only with the efference copy, ctrl_build_eff) the
 *                  controller's own previous command, saturated at +-10
 *                  command units, in hundredths (graded max=1000)
 *   Every encoder's threshold is its own bias (seir_set_bias): a constant
 *   added to v every step, so no constant input has to be sent (a net
 *   written before had a third channel `bias` carrying CTRL_BIAS_VALUE
 *   every step, weighted per encoder: the same sums; such a net still flies)
 *   PD part  pd_enc_p[20] / pd_enc_n[20]  encoders in +- pairs: p fires for
 *                  g_e*err + g_d*derr (+ g_u*u) above its threshold, n for the mirror
 *            pd_hid_p[20] / pd_hid_n[20]  hidden LIF layer; hidden k listens
 *                  to encoders k (own weight) and k+1 (shared weight)
 *            pd_out  leaky integrator (reset none): v / 1000 is the PD command
 *   I part   i_enc_p[20] / i_enc_n[20], i_hid_p[19] / i_hid_n[19], i_out:
 *            the same on err alone; v / 8000 is the I command
 *
 * Everything is symmetric: a "n" neuron has the parameters of its "p" twin
 * with the signal inverted, and the read-out weights of the n side are the
 * negated p-side ones.  All zero-delay: one timestep per control period,
 * levels encoders 0, hidden 1, read-out 2.  The built network is valid for
 * any arch with W >= 8, S >= 16, A >= 16 (the icebreaker's is W=12 S=20 A=20
 * D=15) and passes seir_check_acc by
 * construction (bounded inputs; every gene is clamped to a range that
 * guarantees it).
 *
 * Genes are real numbers of order 1; ctrl_build maps them to the integers of
 * the machine (scales and ranges in ctrl.c), so CMA-ES searches a smooth
 * space while the network is exactly what the hardware runs.
 */
#ifndef CTRL_H
#define CTRL_H

#include <stdint.h>

#include "loom_status.h"
#include "plant.h"
#include "ref.h"
#include "seir.h"

/* Input channels of a controller network (in this order): err, derr and
 * an optional third one, `u` (the efference copy) in a net built with
 * ctrl_build_eff, or `bias` (the constant CTRL_BIAS_VALUE) in a net written
 * before the encoders' thresholds became their own biases. */
enum { CTRL_IN_ERR = 0, CTRL_IN_DERR = 1, CTRL_IN_THIRD = 2, CTRL_N_INPUTS = 3 };
#define CTRL_BIAS_VALUE 80
/* What the third channel carries (ctrl_snn.third). */
typedef enum ctrl_third { CTRL_THIRD_NONE = 0, CTRL_THIRD_BIAS = 1, CTRL_THIRD_U = 2 } ctrl_third;
/* The efference copy: the previous command (command units) saturated at
 * +-CTRL_U_SAT, times CTRL_U_SCALE; declared graded max=CTRL_U_MAX. */
#define CTRL_U_SAT 10.0
#define CTRL_U_SCALE 100.0
#define CTRL_U_MAX 1000
/* Genes of the efference copy (appended after the PD and I parts' genes):
 * the weight u -> every PD encoder, x * CTRL_U_GAIN_SCALE, |w| <=
 * CTRL_U_GAIN_MAX, so an encoder's accumulator bound is at most
 * 16 * 1400 + 10 * 1000 = 32400 (A = 16). */
#define CTRL_N_EFF_GENES 1
#define CTRL_U_GAIN_SCALE 10.0
#define CTRL_U_GAIN_MAX 10
/* Bound of the err and derr channels (mm, mm/s): they are declared
 * `graded max=1400` and saturate there, so the network fits A=16. */
#define CTRL_IN_MAX 1400
/* Largest |g_err| + |g_derr| of an encoder (see ctrl.c). */
#define CTRL_G_SUM_MAX 16
/* The accumulator width the controller is built for: the icebreaker's. */
#define CTRL_ARCH_A 16

/* The two parts; also the index of their v output in a full network. */
typedef enum ctrl_part { CTRL_PD = 0, CTRL_I = 1 } ctrl_part;
#define CTRL_N_PARTS 2

/* Command units per unit of read-out v, per part. */
#define CTRL_V_PER_CMD_PD 1000.0
#define CTRL_V_PER_CMD_I 8000.0

/* Gain of the I component the I part mimics (command units per m s); the
 * PD part mimics kp = 9, kd = 7 (the paper's PID). */
#define CTRL_KP 9.0
#define CTRL_KD 7.0
#define CTRL_KI 0.5

/* Number of genes of a part, and neurons it builds. */
uint32_t ctrl_n_genes(ctrl_part part);
uint32_t ctrl_n_neurons(ctrl_part part);

/* Writes the structured starting point of the search (an evenly spaced
 * thermometer code of the target) into x[ctrl_n_genes(part)]. */
void ctrl_genes_prior(ctrl_part part, double *x);

/* A new network with the three input channels and the given parts: pd_genes
 * and/or i_genes may be NULL to leave that part out; outputs are the v of the
 * read-outs in part order (PD first).  The result passes seir_validate.
 * Fails only on OOM.  The caller owns *out. */
loom_status ctrl_build(const double *pd_genes, const double *i_genes, seir_net **out,
                       loom_err *e);

/* ctrl_build for the W S A D of arch a (a board's, from the board table:
 * the CLI passes board_find(...)->arch.arch).  The gene clamps keep every
 * accumulator within CTRL_ARCH_A bits, so an arch with fewer accumulator
 * bits (or fewer than 8 weight bits) is refused with LOOM_E_INVALID naming
 * the field. */
loom_status ctrl_build_arch(const seir_arch *a, const double *pd_genes, const double *i_genes,
                            seir_net **out, loom_err *e);

/* ctrl_build_arch with the efference copy when eff_genes is non-NULL
 * (CTRL_N_EFF_GENES of them; pd_genes must be given too): a third input
 * channel `u` and its weight to every PD encoder.  eff_genes NULL is
 * ctrl_build_arch. */
loom_status ctrl_build_eff(const seir_arch *a, const double *pd_genes, const double *i_genes,
                           const double *eff_genes, seir_net **out, loom_err *e);

/* Input values of one control period: err in m, derr in m/s (in[0], in[1];
 * the third channel is ctrl_snn_step's). */
void ctrl_encode(double err, double derr, int32_t in[2]);

/* Command (command units) of part for read-out value v. */
double ctrl_decode(ctrl_part part, int32_t v);

/* Checks that net has the controller's interface: graded input channels
 * err, derr and at most one more, `u` or `bias`, and exactly two v outputs
 * (PD, I).  The message names what is missing.  *third (may be NULL) is set
 * to what the third channel carries. */
loom_status ctrl_check_net(const seir_net *net, loom_err *e);
loom_status ctrl_check_net_third(const seir_net *net, ctrl_third *third, loom_err *e);

/* ---- the controller step, independent of where the network runs -------- */

/* Where the network runs: the reference model here; a board or the virtual
 * board behind the link later.  step runs ONE timestep with the n_in input
 * values and returns the v of the network's n_out outputs (in declaration
 * order).  spikes (may be NULL) gives the neurons that spiked in the last
 * step (for rasters); the array stays owned by the backend. */
typedef struct ctrl_backend {
    void *ctx;
    loom_status (*step)(void *ctx, const int32_t *in, uint32_t n_in, int32_t *out,
                        uint32_t n_out, loom_err *e);
    loom_status (*spikes)(void *ctx, const uint32_t **idx, uint32_t *count, loom_err *e);
} ctrl_backend;

/* The reference-model backend: owns a ref_sim of net. */
typedef struct ctrl_ref {
    ref_sim *sim;
    uint32_t n_out;
    uint32_t out_neuron[8];
} ctrl_ref;

/* Creates the sim (net must pass seir_validate; at most 8 outputs, else
 * LOOM_E_ARG).  The net may be freed afterwards. */
loom_status ctrl_ref_open(const seir_net *net, ctrl_ref *r, loom_err *e);
/* Frees the sim; a zeroed or already closed ctrl_ref is fine. */
void ctrl_ref_close(ctrl_ref *r);
/* The backend view of r (r must outlive it): step sets every input, runs
 * ref_step and reads the outputs' v; spikes is ref_spikes. */
ctrl_backend ctrl_ref_backend(ctrl_ref *r);

/* Called after each control period with the spikes of that step. */
typedef void (*ctrl_spike_fn)(void *ctx, const uint32_t *idx, uint32_t count);

/* The SNN controller: encodes, steps the backend, decodes and sums the two
 * parts.  Use ctrl_snn_step as a plant_ctrl step with ctx = ctrl_snn *. */
typedef struct ctrl_snn {
    ctrl_backend be;
    double scale_err, scale_derr; /* input units per m and per m/s (1000: mm) */
    double v_per_cmd[CTRL_N_PARTS]; /* read-out v per command unit (CTRL_V_PER_CMD_*) */
    ctrl_spike_fn on_spikes; /* optional */
    void *spike_ctx;
    ctrl_third third;        /* the net's third channel (ctrl_snn_net); init: none */
    double u_prev;           /* the last command (command units), for the efference copy */
    int32_t last_v[CTRL_N_PARTS];
    double last_u[CTRL_N_PARTS];
} ctrl_snn;

/* ctrl_encode with other scales: input units per unit of err and of derr. */
void ctrl_encode_scaled(double err, double derr, double scale_err, double scale_derr,
                        int32_t in[2]);

/* Zeroes c and sets its backend (no spike callback), scales 1000 (mm), no
 * third channel (a net built by ctrl_build_arch). */
void ctrl_snn_init(ctrl_snn *c, ctrl_backend be);
/* Sets c's third channel from net's interface (ctrl_check_net_third). */
loom_status ctrl_snn_net(ctrl_snn *c, const seir_net *net, loom_err *e);
/* One control period (plant_ctrl convention): encodes err (m) and derr
 * (m/s) (and the third channel: the previous command or the constant),
 * runs one timestep, stores the read-outs in last_v / last_u and sets
 * *u to the sum of the two parts (command units).  Backend errors pass
 * through unchanged. */
loom_status ctrl_snn_step(void *ctx, double err, double derr, double *u, loom_err *e);

/* ---- fitness: imitation of the PID components on recorded flights ------ */

/* One recorded flight: what the controller saw and what the target PID
 * (CTRL_KP, CTRL_KI, CTRL_KD) produced, per control period. */
typedef struct ctrl_trace {
    size_t n;
    double *err, *derr;            /* m, m/s */
    double *target[CTRL_N_PARTS];  /* command units: p + d, and i */
} ctrl_trace;

/* Flies the target PID on a random setpoint profile (1..3 m, holds of 4 to
 * 12 s) of duration s with plant noise seed `seed`, and records it.  The
 * caller frees with ctrl_trace_free. */
loom_status ctrl_trace_record(const plant_params *p, uint64_t seed, double duration,
                              ctrl_trace *tr, loom_err *e);
void ctrl_trace_free(ctrl_trace *tr);

/* Mean squared error (command units^2) between the part's decoded output
 * and its target, both clamped to +-u_max, over n_tr traces; the network is
 * built from genes and run on a fresh reference model per trace. */
loom_status ctrl_fitness(ctrl_part part, const double *genes, const ctrl_trace *tr,
                         uint32_t n_tr, double u_max, double *mse, loom_err *e);

#endif
