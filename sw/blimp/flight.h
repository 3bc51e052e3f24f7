/*
 * flight.h -- closed-loop fitness and the held-out protocol of the blimp
 * controller (`loom evolve --objective flight`, `loom fly --heldout`).
 *
 * A flight case is one random setpoint profile flown on one plant
 * variation: mass, net weight (the unbalanced part of buoyancy), drag and
 * motor lag are each scaled by a factor drawn uniformly in [0.8, 1.2], the
 * altimeter noise by a factor in [1, 2], the start altitude is drawn near
 * the first setpoint.  Everything is a pure function of (base plant, case
 * seed, duration), drawn from counter-based hashes, so a case never depends
 * on the order in which cases are made.
 *
 * Training cases use seeds flight_train_seed(seed, generation, k) (below
 * 2^40 for every seed < 2^20); validation cases (picking the mean or the
 * best candidate at the end of a run) and held-out cases use seeds in their
 * own ranges (flight_valid_seed, flight_heldout_seed), so no held-out
 * profile or plant variation is ever seen in evolution.
 *
 * The cost of a flight (lower is better) is
 *
 *     rmse + w_sse * sse + w_overshoot * overshoot + w_effort * effort
 *
 * in the plant's unit (rmse, steady-state error, overshoot: plant_metrics)
 * with effort the mean |u| / u_max (the saturated command, 0..1) and the
 * weights the plant's (flight_plant).
 */
#ifndef FLIGHT_H
#define FLIGHT_H

#include <stdint.h>
#include <stdio.h>

#include "ctrl.h"
#include "loom_status.h"
#include "plant.h"
#include "seir.h"

/* A plant the controller flies: the blimp's altitude, or a quadrotor's
 * attitude axis (the same equations with z an angle in rad, mass an inertia
 * in kg m^2, net_weight a disturbance torque in N m, thrust_gain a torque per
 * command unit, no floor; docs/attitude.md), with its profiles, the scales
 * of the controller's inputs and read-outs, and its reference PID. */
typedef struct flight_plant {
    const char *name, *unit;         /* "blimp", "m" */
    const char *controller;          /* the shipped controller (data folder) */
    double sp_lo, sp_hi;             /* random setpoints, unit */
    double hold_min, hold_max;       /* s */
    double z0_spread;                /* start within +-z0_spread/2 of the first setpoint */
    double sse_window;               /* s */
    double scale_err, scale_derr;    /* controller input units per unit, per unit/s */
    double v_per_cmd_i;              /* I read-out v per command unit */
    double kp, ki, kd;               /* the reference PID */
    double heldout_duration;         /* s */
    double demo_duration;            /* s, of the demo profile */
    double w_sse, w_overshoot, w_effort; /* the cost's weights (below) */
    int efference;                   /* 1: the evolved controller gets its previous command (ctrl_build_eff);
                                        0 for both plants (loom evolve --efference on sets it) */
} flight_plant;

/* "blimp" or "attitude"; NULL otherwise. */
const flight_plant *flight_plant_find(const char *name);
/* The plant's default parameters. */
void flight_plant_params(const flight_plant *k, plant_params *p);
/* The plant's demo profile. */
void flight_plant_demo(const flight_plant *k, plant_profile *pr);
/* A controller step for k flying net: c's scales set from k, its third
 * channel from net (ctrl_snn_net; fails if net is not a controller). */
loom_status flight_plant_snn(const flight_plant *k, const seir_net *net, ctrl_snn *c, ctrl_backend be, loom_err *e);
/* Genes of k's evolved controller: the PD part's, the I part's and, with
 * k->efference, CTRL_N_EFF_GENES more. */
uint32_t flight_n_genes(const flight_plant *k);
/* The start of k's search (the structured prior; efference gain 0) into
 * x[flight_n_genes(k)]. */
void flight_genes_prior(const flight_plant *k, double *x);
/* The controller network of genes (flight_n_genes(k) of them) for arch a. */
loom_status flight_build(const flight_plant *k, const seir_arch *a, const double *genes, seir_net **out, loom_err *e);
/* The names, "blimp|attitude". */
extern const char flight_plant_names[];


/* Held-out protocol: this many flights (of k->heldout_duration s). */
#define FLIGHT_HELDOUT_N 24

typedef struct flight_case {
    const flight_plant *kind;
    plant_params p;    /* the varied plant */
    plant_profile pr;  /* the setpoints */
    uint64_t seed;     /* the plant's noise seed */
    double duration;   /* s */
} flight_case;

uint64_t flight_train_seed(uint64_t seed, uint64_t gen, uint64_t k);
uint64_t flight_valid_seed(uint64_t k);
uint64_t flight_heldout_seed(uint64_t k);

/* Makes the case of `seed`: a random profile (1..3 m, holds of 4 to 12 s)
 * of duration s on base with the variations above when vary != 0 (base
 * itself, except z0, otherwise). */
void flight_case_make(const flight_plant *k, const plant_params *base, uint64_t seed, double duration, int vary,
                      flight_case *c);

/* What one flight measured. */
typedef struct flight_result {
    plant_metrics m;
    double effort; /* mean |u| / u_max, saturated */
    double cost;
} flight_result;

/* Flies c with controller ctl (plant_fly convention) and scores it. */
loom_status flight_fly(const flight_case *c, plant_ctrl ctl, flight_result *r, loom_err *e);

/* Flies c with a fresh reference model of net (a controller network,
 * ctrl_check_net). */
loom_status flight_fly_net(const flight_plant *k, const seir_net *net, const flight_case *c, flight_result *r, loom_err *e);

/* Flies c with the reference PID (kp CTRL_KP, ki 0, kd CTRL_KD). */
loom_status flight_fly_pid(const flight_plant *k, const flight_case *c, flight_result *r, loom_err *e);

/* Mean cost of the controller built from genes (flight_build) for arch a
 * over n cases. */
loom_status flight_fitness(const flight_plant *k, const seir_arch *a, const double *genes, const flight_case *cases,
                           uint32_t n, double *cost, loom_err *e);

/* Summary of one controller over a set of flights. */
typedef struct flight_summary {
    uint32_t n;
    double rmse, sse, overshoot, effort, cost; /* means */
    double rmse_worst, sse_worst, overshoot_worst;
} flight_summary;

/* Adds one flight to s (zero s first). */
void flight_summary_add(flight_summary *s, const flight_result *r);
/* Turns the sums into means (call once, after the last add). */
void flight_summary_end(flight_summary *s);

/* The held-out protocol: FLIGHT_HELDOUT_N flights of
 * FLIGHT_HELDOUT_DURATION s with varied plants from base, each flown by
 * net (may be NULL), the un-evolved start (the structured prior of both
 * parts, built for arch a) and the PID.  out[0] net, out[1] start, out[2]
 * PID (out[0] zeroed when net is NULL). */
loom_status flight_heldout(const flight_plant *k, const plant_params *base, const seir_net *net, const seir_arch *a,
                           flight_summary out[3], loom_err *e);



/* Writes the held-out table (s from flight_heldout; the net's column left
 * out when s[0].n == 0) to f, with the RMSE ratios to the PID and the start. */
void flight_heldout_print(const flight_plant *k, const flight_summary s[3], FILE *f);
#endif
