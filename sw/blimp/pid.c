/*
 * pid.c -- the reference PID controller (see pid.h).  The integral uses the
 * rectangle rule on the error of the current period, so after k periods of
 * constant error e it is k * e * dt exactly.
 */
#include "pid.h"

void pid_init(pid *c, double kp, double ki, double kd, double dt)
{
    c->kp = kp;
    c->ki = ki;
    c->kd = kd;
    c->dt = dt;
    c->i_max = 10.0;
    pid_reset(c);
}

void pid_reset(pid *c)
{
    c->integ = 0;
    c->last_p = c->last_i = c->last_d = 0;
}

loom_status pid_step(void *ctx, double err, double derr, double *u, loom_err *e)
{
    (void)e;
    pid *c = ctx;
    c->integ += err * c->dt;
    double i = c->ki * c->integ;
    if (i > c->i_max || i < -c->i_max) { /* anti-windup: hold the integral at the bound */
        i = i > 0 ? c->i_max : -c->i_max;
        c->integ = i / c->ki;
    }
    c->last_p = c->kp * err;
    c->last_i = i;
    c->last_d = c->kd * derr;
    *u = c->last_p + c->last_i + c->last_d;
    return LOOM_OK;
}
