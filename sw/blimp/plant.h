/*
 * plant.h -- altitude dynamics of an indoor blimp, and the flights flown on it.
 *
 * The plant is one vertical axis:
 *
 *     m * dvz/dt = F - W - k * vz * |vz|        dz/dt = vz
 *     tau * dF/dt = F_cmd(u) - F                 (first-order motor lag)
 *     F_cmd(u) = c * clamp(u, -u_max, u_max)  when |u| >= dead_zone, else 0
 *
 * with m the mass (kg, envelope, gondola and added air mass), W the net
 * weight (N, gravity minus buoyancy: a blimp that is not neutrally buoyant
 * sinks or rises without thrust), k the quadratic drag coefficient (N s^2/m^2),
 * c the thrust per command unit (N), tau the motor lag (s).  The floor is at
 * z = 0 (the blimp rests on it, it does not go through).  Integration is RK4
 * with a fixed internal step dt (default 1 ms) so a flight is a pure function
 * of (parameters, seed, commands).  The altimeter samples z at sensor_rate Hz
 * with Gaussian noise drawn from a counter-based hash of (seed, sample index),
 * so noise never depends on the order in which things are asked.
 *
 * A flight (plant_fly) runs a controller at ctrl_rate Hz against a setpoint
 * profile; the controller sees the mean of the altimeter samples of the last
 * control period.  The controller is reached through plant_ctrl, one
 * callback per control period, so the same loop flies a PID, the SNN on the
 * reference model, or the SNN on a (virtual) board.
 */
#ifndef PLANT_H
#define PLANT_H

#include <stdint.h>
#include <stdio.h>

#include "loom_status.h"

/* Physical and sensor parameters; units in the comments. */
typedef struct plant_params {
    double mass;         /* kg, > 0 */
    double net_weight;   /* N, gravity minus buoyancy (positive: sinks) */
    double drag;         /* N s^2 / m^2, >= 0 */
    double thrust_gain;  /* N per command unit, > 0 */
    double dead_zone;    /* command units: |u| below this gives no thrust, >= 0 */
    double u_max;        /* command saturation (command units), > 0 */
    double motor_tau;    /* s, first-order motor lag, > 0 */
    double sensor_noise; /* m, standard deviation of altimeter noise, >= 0 */
    double sensor_rate;  /* Hz, altimeter sample rate, 10..10000 */
    double ctrl_rate;    /* Hz, control rate, 1..sensor_rate */
    double dt;           /* s, internal integration step, 1e-5..0.01 */
    double z0;           /* m, initial altitude (at rest) */
    double floor;        /* 1: a floor at z = 0 stops the body (the blimp); 0: none */
} plant_params;

/* Defaults for a small indoor blimp (docs/blimp.md, examples/blimp/plant.txt). */
void plant_params_default(plant_params *p);

/* Checks every range above; the message names the key and its range. */
loom_status plant_params_check(const plant_params *p, loom_err *e);

/* Reads "key = value" lines ('#' starts a comment, blank lines are fine)
 * over the defaults.  Unknown keys, malformed numbers and out-of-range values
 * fail with "path:line: ..." naming the key.  *p is only written on success. */
loom_status plant_params_load(const char *path, plant_params *p, loom_err *e);

/* Writes p in the file format above, with units, to f. */
void plant_params_write(const plant_params *p, FILE *f);

/* The plant state.  Plain data: copy it to fork a flight. */
typedef struct plant {
    plant_params p;
    uint64_t seed;
    double t;        /* s since start */
    double z, vz;    /* m, m/s */
    double force;    /* N, current (lagged) motor force */
    double f_cmd;    /* N, force the motors are driven towards */
    uint64_t steps;  /* internal steps taken */
} plant;

/* Starts at rest at altitude p->z0 with the motors off.  p must pass
 * plant_params_check (not re-checked). */
void plant_init(plant *s, const plant_params *p, uint64_t seed);

/* The force the motors settle at for command u (dead zone, saturation). */
double plant_force_cmd(const plant_params *p, double u);

/* Applies command u from now on. */
void plant_command(plant *s, double u);

/* Integrates n internal steps of p.dt each. */
void plant_advance(plant *s, uint64_t n);

/* Noise (m) of altimeter sample k (taken at t = k / sensor_rate): a pure
 * function of (seed, k); the reading is the true altitude plus this. */
double plant_noise(const plant *s, uint64_t k);

/* Standard normal deviate from (seed, k): portable, counter-based. */
double plant_gauss(uint64_t seed, uint64_t k);

/* ---- setpoint profiles -------------------------------------------------- */

#define PLANT_PROFILE_MAX 64

/* A piecewise-constant setpoint: sp[j] holds from t[j] (s) on; t[0] = 0. */
typedef struct plant_profile {
    int n;
    double sse_window; /* s, the steady-state error window before each change; 0: 2 s */
    double t[PLANT_PROFILE_MAX];
    double sp[PLANT_PROFILE_MAX]; /* m */
} plant_profile;

/* The demo profile: 60 s of steps up and down between 1 and 3 m. */
void plant_profile_demo(plant_profile *pr);

/* Random steps every hold_min..hold_max s between lo and hi m, for duration
 * s; a pure function of seed. */
void plant_profile_random(plant_profile *pr, uint64_t seed, double duration,
                          double lo, double hi, double hold_min, double hold_max);

/* Parses "t:sp,t:sp,..." (s:m, t ascending, first t = 0).  Errors name the
 * entry (1-based). */
loom_status plant_profile_parse(const char *s, plant_profile *pr, loom_err *e);

/* Setpoint at time t. */
double plant_profile_at(const plant_profile *pr, double t);

/* ---- flights ------------------------------------------------------------- */

/* A controller: one call per control period.  err = setpoint - measured
 * altitude (m), derr = its change per second since the last period (m/s,
 * 0 on the first).  Writes the command (command units, any sign; the plant
 * applies dead zone and saturation).  Returns LOOM_OK or an error that stops
 * the flight. */
typedef struct plant_ctrl {
    void *ctx;
    loom_status (*step)(void *ctx, double err, double derr, double *u, loom_err *e);
} plant_ctrl;

/* One control period of a flight, as written to traces. */
typedef struct plant_sample {
    double t;        /* s */
    double sp;       /* m, setpoint */
    double z;        /* m, true altitude */
    double meas;     /* m, what the controller saw */
    double u;        /* command units, the controller's output */
} plant_sample;

/* Flies pr for duration s.  When log is non-NULL it must have room for
 * floor(duration * ctrl_rate) + 1 samples and *n_log is set.  The flight
 * is a pure function of (params, seed, profile, controller). */
loom_status plant_fly(const plant_params *p, uint64_t seed, const plant_profile *pr,
                      double duration, plant_ctrl ctrl, plant_sample *log,
                      size_t *n_log, loom_err *e);

/* Figures of merit of a flight. */
typedef struct plant_metrics {
    double rmse;      /* m, RMS of (setpoint - true altitude) over the flight */
    double overshoot; /* m, largest excursion past a new setpoint, over all steps */
    double settling;  /* s, mean time per step to stay within the band (see .c) */
    double sse;       /* m, mean |setpoint - z| over the last 2 s before each change */
} plant_metrics;

/* Computes the metrics of n samples flown on profile pr. */
void plant_metrics_compute(const plant_sample *log, size_t n, const plant_profile *pr,
                           plant_metrics *m);

#endif
