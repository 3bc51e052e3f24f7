/*
 * test_plant.c -- blimp plant physics against closed-form solutions, the
 * parameter file, the altimeter noise, profiles, flights and metrics.
 * Expected values are derived by hand in the comments.
 */
#include <stddef.h>
#include <stdint.h>
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pid.h"
#include "plant.h"

static plant_params quiet_params(void)
{
    plant_params p;
    plant_params_default(&p);
    p.sensor_noise = 0;
    return p;
}

/* No drag, motors off: constant acceleration -W/m.  W = 0.05 N, m = 0.25 kg
 * gives -0.2 m/s^2; after 2 s: v = -0.4 m/s, z = 100 - 0.5*0.2*4 = 99.6 m.
 * RK4 is exact on this polynomial motion. */
static void test_free_fall(void **state)
{
    (void)state;
    plant_params p = quiet_params();
    p.drag = 0;
    p.net_weight = 0.05;
    p.mass = 0.25;
    p.z0 = 100;
    plant s;
    plant_init(&s, &p, 1);
    plant_command(&s, 0);
    plant_advance(&s, 2000);
    assert_true(fabs(s.t - 2.0) < 1e-12);
    assert_true(fabs(s.vz + 0.4) < 1e-9);
    assert_true(fabs(s.z - 99.6) < 1e-9);
    /* Negative net weight (lighter than air) rises the same way. */
    p.net_weight = -0.05;
    plant_init(&s, &p, 1);
    plant_advance(&s, 2000);
    assert_true(fabs(s.z - 100.4) < 1e-9);
}

/* Quadratic drag: terminal velocity where k v^2 = W, v = -sqrt(W/k) =
 * -sqrt(0.03/0.15) = -0.447214 m/s; the time constant is about
 * v_t / (W/m) = 3.7 s, so 60 s is plenty. */
static void test_terminal_velocity(void **state)
{
    (void)state;
    plant_params p = quiet_params();
    p.drag = 0.15;
    p.net_weight = 0.03;
    p.z0 = 1000;
    plant s;
    plant_init(&s, &p, 1);
    plant_advance(&s, 60000);
    assert_true(fabs(s.vz + sqrt(0.2)) < 1e-6);
    /* Rising under full thrust: c*10 - W = 0.3 - 0.03 = 0.27 N = k v^2,
     * v = sqrt(0.27/0.15) = 1.341641 m/s. */
    plant_init(&s, &p, 1);
    plant_command(&s, 10);
    plant_advance(&s, 60000);
    assert_true(fabs(s.vz - sqrt(1.8)) < 1e-6);
}

/* Dead zone and saturation of the command. */
static void test_dead_zone(void **state)
{
    (void)state;
    plant_params p = quiet_params(); /* c = 0.03 N, dead zone 0.3, u_max 10 */
    assert_true(plant_force_cmd(&p, 0.29) == 0.0);
    assert_true(plant_force_cmd(&p, -0.29) == 0.0);
    assert_true(fabs(plant_force_cmd(&p, 0.3) - 0.009) < 1e-15);
    assert_true(fabs(plant_force_cmd(&p, -0.5) + 0.015) < 1e-15);
    assert_true(fabs(plant_force_cmd(&p, 15) - 0.3) < 1e-15);
    assert_true(fabs(plant_force_cmd(&p, -1e9) + 0.3) < 1e-15);
    assert_true(plant_force_cmd(&p, NAN) == 0.0);
    /* A command inside the dead zone flies exactly like no command. */
    plant a, b;
    p.z0 = 50;
    plant_init(&a, &p, 1);
    plant_init(&b, &p, 1);
    plant_command(&a, 0.29);
    plant_command(&b, 0);
    plant_advance(&a, 3000);
    plant_advance(&b, 3000);
    assert_true(a.z == b.z && a.vz == b.vz);
    assert_true(a.z < 50);
}

/* Motor lag: F(t) = F0 (1 - exp(-t/tau)) with F0 = 0.03*5 = 0.15 N, tau =
 * 0.2 s: F(0.2) = 0.15 * (1 - 1/e) = 0.0948180 N.  With W = 0, no drag,
 * m = 0.25: v(t) = F0/m (t - tau (1 - exp(-t/tau))); v(0.2) = 0.6 * (0.2 -
 * 0.2 * 0.632121) = 0.0441455 m/s. */
static void test_motor_lag(void **state)
{
    (void)state;
    plant_params p = quiet_params();
    p.net_weight = 0;
    p.drag = 0;
    p.z0 = 10;
    plant s;
    plant_init(&s, &p, 1);
    plant_command(&s, 5);
    plant_advance(&s, 200);
    const double f = 0.15 * (1 - exp(-1.0));
    assert_true(fabs(s.force - f) < 1e-9);
    const double v = 0.6 * (0.2 - 0.2 * (1 - exp(-1.0)));
    assert_true(fabs(s.vz - v) < 1e-9);
    plant_advance(&s, 2000); /* 11 tau later: within e^-11 of F0 */
    assert_true(fabs(s.force - 0.15) < 0.15 * 2e-5);
}

/* The floor: a heavy blimp at z = 0 stays there at rest. */
static void test_floor(void **state)
{
    (void)state;
    plant_params p = quiet_params();
    p.z0 = 0;
    plant s;
    plant_init(&s, &p, 1);
    plant_advance(&s, 1000);
    assert_true(s.z == 0.0 && s.vz == 0.0);
}

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/test_plant_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_params_file(void **state)
{
    (void)state;
    plant_params p;
    plant_params_default(&p);
    loom_err e;
    char *path = write_tmp("# a heavier blimp\nmass = 0.5 # kg\n\n  net_weight=0.04\nsensor_rate = 50 # Hz\n");
    assert_int_equal(plant_params_load(path, &p, &e), LOOM_OK);
    assert_true(p.mass == 0.5 && p.net_weight == 0.04 && p.sensor_rate == 50);
    assert_true(p.drag == 0.15); /* untouched keys keep the defaults */
    unlink(path);

    path = write_tmp("mass = 0.5\nmas = 1\n");
    assert_int_equal(plant_params_load(path, &p, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, ":2: unknown key 'mas'"));
    unlink(path);
    path = write_tmp("\n\ndrag = fast\n");
    assert_int_equal(plant_params_load(path, &p, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, ":3: drag: expected a number"));
    unlink(path);
    path = write_tmp("sensor_rate = 50000\n");
    assert_int_equal(plant_params_load(path, &p, &e), LOOM_E_INVALID);
    assert_non_null(strstr(e.msg, ":1: sensor_rate = 50000 is out of range"));
    unlink(path);
    path = write_tmp("mass 3\n");
    assert_int_equal(plant_params_load(path, &p, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, ":1: expected 'key = value'"));
    unlink(path);
    path = write_tmp("ctrl_rate = 50\nsensor_rate = 20\n");
    assert_int_equal(plant_params_load(path, &p, &e), LOOM_E_INVALID);
    assert_non_null(strstr(e.msg, "ctrl_rate"));
    unlink(path);
    assert_int_equal(plant_params_load("/nonexistent/plant.txt", &p, &e), LOOM_E_IO);
    assert_true(p.mass == 0.5); /* failed loads leave *p alone */

    /* What plant_params_write writes reads back identically. */
    plant_params q, r;
    plant_params_default(&q);
    q.mass = 0.3125;
    char tmpl[] = "/tmp/test_plant_wXXXXXX";
    int fd = mkstemp(tmpl);
    FILE *f = fdopen(fd, "w");
    plant_params_write(&q, f);
    fclose(f);
    plant_params_default(&r);
    assert_int_equal(plant_params_load(tmpl, &r, &e), LOOM_OK);
    assert_memory_equal(&q, &r, sizeof q);
    unlink(tmpl);
}

static void test_noise(void **state)
{
    (void)state;
    double s1 = 0, s2 = 0;
    const int n = 200000;
    for (int k = 0; k < n; k++) {
        double g = plant_gauss(7, (uint64_t)k);
        s1 += g;
        s2 += g * g;
    }
    /* standard normal: mean 0 +- 3/sqrt(n) = 0.0067, variance 1 +- 0.01 */
    assert_true(fabs(s1 / n) < 0.0067);
    assert_true(fabs(s2 / n - 1) < 0.01);
    assert_true(plant_gauss(7, 12345) == plant_gauss(7, 12345));
    assert_true(plant_gauss(7, 12345) != plant_gauss(8, 12345));
}

static void test_profiles(void **state)
{
    (void)state;
    plant_profile pr;
    loom_err e;
    assert_int_equal(plant_profile_parse("0:1.5,10:2,20.5:1", &pr, &e), LOOM_OK);
    assert_int_equal(pr.n, 3);
    assert_true(plant_profile_at(&pr, 0) == 1.5 && plant_profile_at(&pr, 9.99) == 1.5);
    assert_true(plant_profile_at(&pr, 10) == 2 && plant_profile_at(&pr, 25) == 1);
    assert_int_equal(plant_profile_parse("0:1,5:x", &pr, &e), LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "entry 2"));
    assert_int_equal(plant_profile_parse("1:1", &pr, &e), LOOM_E_ARG);
    assert_int_equal(plant_profile_parse("0:1,5:2,4:1", &pr, &e), LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "entry 3"));
    plant_profile a, b;
    plant_profile_random(&a, 42, 60, 1, 3, 4, 12);
    plant_profile_random(&b, 42, 60, 1, 3, 4, 12);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(a.n >= 5 && a.n <= 15);
    for (int j = 1; j < a.n; j++) {
        assert_true(a.t[j] - a.t[j - 1] >= 4 && a.t[j] - a.t[j - 1] <= 12);
        assert_true(fabs(a.sp[j] - a.sp[j - 1]) >= 0.4); /* a fifth of the range */
    }
}

/* Same seed, same flight; another seed, another noise. */
static void test_flight_determinism(void **state)
{
    (void)state;
    plant_params p;
    plant_params_default(&p);
    plant_profile pr;
    plant_profile_demo(&pr);
    static plant_sample a[700], b[700], c[700];
    size_t na, nb, nc;
    loom_err e;
    pid x, y, z;
    pid_init(&x, 9, 0, 7, 0.1);
    pid_init(&y, 9, 0, 7, 0.1);
    pid_init(&z, 9, 0, 7, 0.1);
    assert_int_equal(plant_fly(&p, 5, &pr, 60, (plant_ctrl){&x, pid_step}, a, &na, &e), LOOM_OK);
    assert_int_equal(plant_fly(&p, 5, &pr, 60, (plant_ctrl){&y, pid_step}, b, &nb, &e), LOOM_OK);
    assert_int_equal(plant_fly(&p, 6, &pr, 60, (plant_ctrl){&z, pid_step}, c, &nc, &e), LOOM_OK);
    assert_int_equal(na, 601); /* 60 s at 10 Hz, both ends */
    assert_int_equal(nb, na);
    assert_memory_equal(a, b, na * sizeof a[0]);
    assert_true(memcmp(a, c, na * sizeof a[0]) != 0);
    /* the controller saw the mean of two altimeter samples (20 Hz / 10 Hz) */
    assert_true(fabs(a[100].meas - a[100].z) < 0.2);
}

/* A controller error stops the flight and says when. */
static loom_status failing_step(void *ctx, double err, double derr, double *u, loom_err *e)
{
    (void)err;
    (void)derr;
    int *calls = ctx;
    *u = 0;
    if (++*calls == 3) return loom_fail(e, LOOM_E_LINK, "board gone");
    return LOOM_OK;
}

static void test_flight_error(void **state)
{
    (void)state;
    plant_params p;
    plant_params_default(&p);
    plant_profile pr;
    plant_profile_demo(&pr);
    int calls = 0;
    loom_err e;
    assert_int_equal(plant_fly(&p, 1, &pr, 60, (plant_ctrl){&calls, failing_step}, NULL, NULL, &e),
                     LOOM_E_LINK);
    assert_int_equal(calls, 3);
    assert_string_equal(e.msg, "at t=0.20 s: board gone");
}

/* Metrics on a hand-made flight: setpoint 1 m then 2 m at t = 10 s, the
 * blimp at 0.9 m for 10 s, then 2.3 m for 2 s, then 1.95 m. */
static void test_metrics(void **state)
{
    (void)state;
    plant_profile pr;
    loom_err e;
    assert_int_equal(plant_profile_parse("0:1,10:2", &pr, &e), LOOM_OK);
    static plant_sample log[201];
    for (int k = 0; k <= 200; k++) {
        const double t = k * 0.1;
        log[k].t = t;
        log[k].sp = t < 10 - 1e-9 ? 1 : 2;
        log[k].z = t < 10 - 1e-9 ? 0.9 : (t < 12 - 1e-9 ? 2.3 : 1.95);
    }
    plant_metrics m;
    plant_metrics_compute(log, 201, &pr, &m);
    /* errors: 100 samples of 0.1, 20 of 0.3, 81 of 0.05 */
    assert_true(fabs(m.rmse - sqrt((100 * 0.01 + 20 * 0.09 + 81 * 0.0025) / 201)) < 1e-12);
    assert_true(fabs(m.overshoot - 0.3) < 1e-12);
    /* steady state: the windows sit 0.1 and 0.05 m off */
    assert_true(fabs(m.sse - 0.075) < 1e-12);
    /* first segment starts at 0.9 = its own z: band 0.05, never inside: 10 s;
     * second: band 0.1, inside from t = 12 s: 2 s; mean 6 s */
    assert_true(fabs(m.settling - 6.0) < 1e-9);
}

UNIT_MAIN(test_free_fall, test_terminal_velocity, test_dead_zone, test_motor_lag, test_floor,
          test_params_file, test_noise, test_profiles, test_flight_determinism, test_metrics,
          test_flight_error)
