/*
 * pid.h -- the reference PID altitude controller.
 *
 * u = kp * e + ki * integral(e dt) + kd * de/dt, evaluated once per control
 * period.  The derivative is the one the flight loop hands over (the change
 * of the error since the last period, per second), so the PID and the SNN
 * controller see exactly the same inputs.  The integral term is clamped to
 * +-i_max (anti-windup).  The paper's controller is kp = 9, ki = 0, kd = 7
 * at 10 Hz; its command's magnitude 0..10 drives the motors, the sign picks
 * up or down (dead zone and saturation are the plant's, see plant.h).
 *
 * pid_step has the plant_ctrl calling convention, so a pid is flown with
 * plant_fly((plant_ctrl){&pid, pid_step}).
 */
#ifndef PID_H
#define PID_H

#include "loom_status.h"

typedef struct pid {
    double kp;    /* command units per m */
    double ki;    /* command units per (m s) */
    double kd;    /* command units per (m/s) */
    double dt;    /* s, control period */
    double i_max; /* command units, bound of the integral term */
    double integ; /* m s, running integral of the error */
    /* components of the last step, command units */
    double last_p, last_i, last_d;
} pid;

/* A PID with the given gains and period, integral zero; i_max = 10. */
void pid_init(pid *c, double kp, double ki, double kd, double dt);

/* Clears the integral and the last components. */
void pid_reset(pid *c);

/* One control period (plant_ctrl convention; ctx is a pid *): err in m,
 * derr in m/s; *u = p + i + d (unsaturated).  Never fails. */
loom_status pid_step(void *ctx, double err, double derr, double *u, loom_err *e);

#endif
