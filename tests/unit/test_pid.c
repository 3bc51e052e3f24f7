/*
 * test_pid.c -- the reference PID: its components by hand, anti-windup, and
 * its closed-loop steady state on a noise-free plant (computed from the
 * force balance, independently of the simulation).
 */
#include <stddef.h>
#include <stdint.h>
#include "unit.h"

#include <math.h>

#include "pid.h"
#include "plant.h"

static void test_components(void **state)
{
    (void)state;
    pid c;
    pid_init(&c, 9, 2, 7, 0.1);
    double u;
    loom_err e;
    /* err 0.5, derr 0.2: p = 4.5, i = 2 * 0.05 = 0.1, d = 1.4 */
    assert_int_equal(pid_step(&c, 0.5, 0.2, &u, &e), LOOM_OK);
    assert_true(fabs(c.last_p - 4.5) < 1e-12);
    assert_true(fabs(c.last_i - 0.1) < 1e-12);
    assert_true(fabs(c.last_d - 1.4) < 1e-12);
    assert_true(fabs(u - 6.0) < 1e-12);
    /* two more periods of err 1: integral 0.05 + 0.2 = 0.25, i = 0.5 */
    pid_step(&c, 1, 0, &u, &e);
    pid_step(&c, 1, 0, &u, &e);
    assert_true(fabs(c.last_i - 0.5) < 1e-12);
    assert_true(fabs(u - 9.5) < 1e-12);
    pid_reset(&c);
    pid_step(&c, 0, -1, &u, &e);
    assert_true(fabs(u + 7) < 1e-12);
}

static void test_antiwindup(void **state)
{
    (void)state;
    pid c;
    pid_init(&c, 0, 1, 0, 1.0);
    double u;
    pid_step(&c, 100, 0, &u, NULL); /* integral 100 s*m would be i = 100: held at 10 */
    assert_true(u == 10.0);
    pid_step(&c, -1, 0, &u, NULL);  /* unwinds from the bound at once: 10 - 1 */
    assert_true(fabs(u - 9.0) < 1e-12);
    c.i_max = 2;
    pid_step(&c, -100, 0, &u, NULL);
    assert_true(u == -2.0);
}

/* Closed loop without noise.  With kp = 9, ki = 0 the blimp hangs where the
 * thrust balances the net weight: c * 9 * e = W, e = 0.03 / (0.03 * 9) =
 * 0.1111 m below the setpoint (9 e = 1 is outside the 0.3 dead zone).
 * With ki = 0.5 the integral removes that error. */
static void test_closed_loop(void **state)
{
    (void)state;
    plant_params p;
    plant_params_default(&p);
    p.sensor_noise = 0;
    plant_profile pr = {.n = 1, .t = {0}, .sp = {2.0}};
    static plant_sample log[1300];
    size_t n;
    loom_err e;
    pid c;
    pid_init(&c, 9, 0, 7, 0.1);
    assert_int_equal(plant_fly(&p, 1, &pr, 60, (plant_ctrl){&c, pid_step}, log, &n, &e), LOOM_OK);
    assert_true(fabs(2.0 - log[n - 1].z - 1.0 / 9.0) < 1e-3);
    pid_init(&c, 9, 0.5, 7, 0.1);
    assert_int_equal(plant_fly(&p, 1, &pr, 120, (plant_ctrl){&c, pid_step}, log, &n, &e), LOOM_OK);
    assert_true(fabs(2.0 - log[n - 1].z) < 2e-3);
}

UNIT_MAIN(test_components, test_antiwindup, test_closed_loop)
