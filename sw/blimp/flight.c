/*
 * flight.c -- closed-loop fitness and the held-out protocol (flight.h).
 */
#include "flight.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "loom_rng.h"
#include "pid.h"

/* The attitude axis's reference PID (command units per rad, per rad s,
 * per rad/s) and the I read-out's scale. */
#define ATT_KP 30.0
#define ATT_KI 0.0
#define ATT_KD 2.0
#define ATT_V_PER_CMD_I 80000.0

/* Uniform in [0, 1) from (seed, salt). */
static double u01(uint64_t seed, uint64_t salt)
{
    uint64_t h = loom_splitmix64(loom_splitmix64(seed ^ 0x666c69676874ull) ^ loom_splitmix64(salt));
    return (double)(h >> 11) / 9007199254740992.0;
}

static const flight_plant plants[] = {
    {.name = "blimp", .unit = "m", .controller = "examples/blimp/controller.seir", .sp_lo = 1.0, .sp_hi = 3.0,
     .hold_min = 4.0, .hold_max = 12.0, .z0_spread = 1.0, .sse_window = 2.0, .scale_err = 1000.0,
     .scale_derr = 1000.0, .v_per_cmd_i = CTRL_V_PER_CMD_I, .kp = CTRL_KP, .ki = 0.0, .kd = CTRL_KD,
     .heldout_duration = 60.0, .demo_duration = 60.0, .w_sse = 0.5, .w_overshoot = 0.0, .w_effort = 0.0,
     .efference = 0},
    /* PID gains: the best of a grid search on training-range flights
     * (docs/attitude.md); input scales map them onto the prior's kp 9, kd 7 */
    {.name = "attitude", .unit = "rad", .controller = "examples/attitude/controller.seir", .sp_lo = -0.4,
     .sp_hi = 0.4, .hold_min = 0.5, .hold_max = 1.5, .z0_spread = 0.2, .sse_window = 0.25,
     .scale_err = 1000.0 * ATT_KP / CTRL_KP, .scale_derr = 1000.0 * ATT_KD / CTRL_KD, .v_per_cmd_i = ATT_V_PER_CMD_I,
     .kp = ATT_KP, .ki = ATT_KI, .kd = ATT_KD, .heldout_duration = 5.0, .demo_duration = 5.0,
     .w_sse = 1.0, .w_overshoot = 0.1, .w_effort = 0.02},
};

const char flight_plant_names[] = "blimp|attitude";

const flight_plant *flight_plant_find(const char *name)
{
    for (size_t i = 0; i < sizeof plants / sizeof plants[0]; i++)
        if (!strcmp(plants[i].name, name)) return &plants[i];
    return NULL;
}

void flight_plant_params(const flight_plant *k, plant_params *p)
{
    plant_params_default(p);
    if (!strcmp(k->name, "attitude")) {
        p->mass = 0.001;        /* kg m^2, roll inertia of a ~250 g quadrotor */
        p->net_weight = 0.002;  /* N m, disturbance torque (centre of mass off the axis) */
        p->drag = 0.0005;       /* N m s^2, rotational drag */
        p->thrust_gain = 0.01;  /* N m per command unit (0.1 N m at full command) */
        p->dead_zone = 0.05;
        p->u_max = 10.0;
        p->motor_tau = 0.02;    /* s, ESC + rotor spin-up */
        p->sensor_noise = 0.003; /* rad, gyro-integrated angle noise */
        p->sensor_rate = 1000.0;
        p->ctrl_rate = 1000.0;
        p->dt = 1e-4;
        p->z0 = 0.0;
        p->floor = 0.0;
    }
}

void flight_plant_demo(const flight_plant *k, plant_profile *pr)
{
    if (strcmp(k->name, "attitude")) {
        plant_profile_demo(pr);
        return;
    }
    static const double t[] = {0, 1, 2, 3, 4};
    static const double sp[] = {0.3, -0.2, 0.4, -0.4, 0.1};
    memset(pr, 0, sizeof *pr);
    pr->n = 5;
    pr->sse_window = k->sse_window;
    for (int j = 0; j < pr->n; j++) {
        pr->t[j] = t[j];
        pr->sp[j] = sp[j];
    }
}

loom_status flight_plant_snn(const flight_plant *k, const seir_net *net, ctrl_snn *c, ctrl_backend be, loom_err *e)
{
    ctrl_snn_init(c, be);
    c->scale_err = k->scale_err;
    c->scale_derr = k->scale_derr;
    c->v_per_cmd[CTRL_I] = k->v_per_cmd_i;
    return ctrl_snn_net(c, net, e);
}

uint32_t flight_n_genes(const flight_plant *k)
{
    return ctrl_n_genes(CTRL_PD) + ctrl_n_genes(CTRL_I) + (k->efference ? CTRL_N_EFF_GENES : 0);
}

void flight_genes_prior(const flight_plant *k, double *x)
{
    ctrl_genes_prior(CTRL_PD, x);
    ctrl_genes_prior(CTRL_I, x + ctrl_n_genes(CTRL_PD));
    for (uint32_t j = ctrl_n_genes(CTRL_PD) + ctrl_n_genes(CTRL_I); j < flight_n_genes(k); j++) x[j] = 0;
}

loom_status flight_build(const flight_plant *k, const seir_arch *a, const double *genes, seir_net **out, loom_err *e)
{
    const uint32_t npd = ctrl_n_genes(CTRL_PD), ni = ctrl_n_genes(CTRL_I);
    return ctrl_build_eff(a, genes, genes + npd, k->efference ? genes + npd + ni : NULL, out, e);
}

uint64_t flight_train_seed(uint64_t seed, uint64_t gen, uint64_t k)
{
    return seed * 1000003ull + gen * 1009ull + k + 0x5eedull;
}

uint64_t flight_valid_seed(uint64_t k) { return 0x56414c4944000000ull + k; }

uint64_t flight_heldout_seed(uint64_t k) { return 0x48454c444f555400ull + k; }

void flight_case_make(const flight_plant *k, const plant_params *base, uint64_t seed, double duration,
                      int vary, flight_case *c)
{
    memset(c, 0, sizeof *c);
    c->kind = k;
    c->p = *base;
    c->seed = seed;
    c->duration = duration;
    plant_profile_random(&c->pr, seed, duration, k->sp_lo, k->sp_hi, k->hold_min, k->hold_max);
    c->pr.sse_window = k->sse_window;
    if (vary) {
        c->p.mass *= 0.8 + 0.4 * u01(seed, 1);
        c->p.net_weight *= 0.8 + 0.4 * u01(seed, 2);
        c->p.drag *= 0.8 + 0.4 * u01(seed, 3);
        c->p.motor_tau *= 0.8 + 0.4 * u01(seed, 4);
        c->p.sensor_noise *= 1.0 + u01(seed, 5);
    }
    c->p.z0 = c->pr.sp[0] + k->z0_spread * (u01(seed, 6) - 0.5); /* start near the first setpoint */
    if (c->p.floor != 0 && c->p.z0 < 0) c->p.z0 = 0;
}

/* Wraps a controller to sum the effort. */
typedef struct eff_ctx {
    plant_ctrl inner;
    double u_max, sum;
    size_t n;
} eff_ctx;

static loom_status eff_step(void *ctx, double err, double derr, double *u, loom_err *e)
{
    eff_ctx *c = ctx;
    loom_status st = c->inner.step(c->inner.ctx, err, derr, u, e);
    double a = fabs(*u);
    if (!(a <= c->u_max)) a = c->u_max; /* also NaN */
    c->sum += a / c->u_max;
    c->n++;
    return st;
}

loom_status flight_fly(const flight_case *c, plant_ctrl ctl, flight_result *r, loom_err *e)
{
    const size_t cap = (size_t)(c->duration * c->p.ctrl_rate) + 2;
    plant_sample *log = malloc(cap * sizeof *log);
    if (!log) return loom_fail(e, LOOM_E_NOMEM, "flight: out of memory");
    eff_ctx ec = {ctl, c->p.u_max, 0, 0};
    size_t n = 0;
    loom_status st = plant_fly(&c->p, c->seed, &c->pr, c->duration, (plant_ctrl){&ec, eff_step}, log, &n, e);
    if (!st) {
        plant_metrics_compute(log, n, &c->pr, &r->m);
        r->effort = ec.n ? ec.sum / (double)ec.n : 0;
        r->cost = r->m.rmse + c->kind->w_sse * r->m.sse + c->kind->w_overshoot * r->m.overshoot +
                  c->kind->w_effort * r->effort;
    }
    free(log);
    return st;
}

loom_status flight_fly_net(const flight_plant *k, const seir_net *net, const flight_case *c, flight_result *r,
                           loom_err *e)
{
    ctrl_ref ref;
    loom_status st = ctrl_ref_open(net, &ref, e);
    if (st) return st;
    ctrl_snn snn;
    st = flight_plant_snn(k, net, &snn, ctrl_ref_backend(&ref), e);
    if (!st) st = flight_fly(c, (plant_ctrl){&snn, ctrl_snn_step}, r, e);
    ctrl_ref_close(&ref);
    return st;
}

loom_status flight_fly_pid(const flight_plant *k, const flight_case *c, flight_result *r, loom_err *e)
{
    pid p;
    pid_init(&p, k->kp, k->ki, k->kd, 1.0 / c->p.ctrl_rate);
    return flight_fly(c, (plant_ctrl){&p, pid_step}, r, e);
}

loom_status flight_fitness(const flight_plant *kind, const seir_arch *a, const double *genes, const flight_case *cases,
                           uint32_t n, double *cost, loom_err *e)
{
    seir_net *net;
    loom_status st = flight_build(kind, a, genes, &net, e);
    if (st) return st;
    ctrl_ref ref;
    st = ctrl_ref_open(net, &ref, e);
    if (st) {
        seir_net_free(net);
        return st;
    }
    double sum = 0;
    for (uint32_t k = 0; k < n && !st; k++) {
        ref_reset(ref.sim);
        ctrl_snn snn;
        flight_result r;
        st = flight_plant_snn(kind, net, &snn, ctrl_ref_backend(&ref), e);
        if (!st) st = flight_fly(&cases[k], (plant_ctrl){&snn, ctrl_snn_step}, &r, e);
        if (!st) sum += r.cost;
    }
    seir_net_free(net);
    ctrl_ref_close(&ref);
    if (!st) *cost = n ? sum / n : 0;
    return st;
}

void flight_summary_add(flight_summary *s, const flight_result *r)
{
    s->n++;
    s->rmse += r->m.rmse;
    s->sse += r->m.sse;
    s->overshoot += r->m.overshoot;
    s->effort += r->effort;
    s->cost += r->cost;
    s->rmse_worst = fmax(s->rmse_worst, r->m.rmse);
    s->sse_worst = fmax(s->sse_worst, r->m.sse);
    s->overshoot_worst = fmax(s->overshoot_worst, r->m.overshoot);
}

void flight_summary_end(flight_summary *s)
{
    if (!s->n) return;
    const double n = s->n;
    s->rmse /= n;
    s->sse /= n;
    s->overshoot /= n;
    s->effort /= n;
    s->cost /= n;
}

loom_status flight_heldout(const flight_plant *kind, const plant_params *base, const seir_net *net, const seir_arch *a,
                           flight_summary out[3], loom_err *e)
{
    memset(out, 0, 3 * sizeof *out);
    double *g = calloc((size_t)ctrl_n_genes(CTRL_PD) + ctrl_n_genes(CTRL_I), sizeof *g);
    if (!g) return loom_fail(e, LOOM_E_NOMEM, "flight: out of memory");
    ctrl_genes_prior(CTRL_PD, g);
    ctrl_genes_prior(CTRL_I, g + ctrl_n_genes(CTRL_PD));
    seir_net *start = NULL;
    loom_status st = ctrl_build_arch(a, g, g + ctrl_n_genes(CTRL_PD), &start, e);
    free(g);
    for (uint32_t k = 0; k < FLIGHT_HELDOUT_N && !st; k++) {
        flight_case c;
        flight_case_make(kind, base, flight_heldout_seed(k), kind->heldout_duration, 1, &c);
        flight_result r;
        if (net) {
            if ((st = flight_fly_net(kind, net, &c, &r, e))) break;
            flight_summary_add(&out[0], &r);
        }
        if ((st = flight_fly_net(kind, start, &c, &r, e))) {
            loom_err_prefix(e, "the un-evolved start");
            break;
        }
        flight_summary_add(&out[1], &r);
        if ((st = flight_fly_pid(kind, &c, &r, e))) break;
        flight_summary_add(&out[2], &r);
    }
    seir_net_free(start);
    if (st) return loom_err_prefix(e, "held-out flights");
    for (int k = 0; k < 3; k++) flight_summary_end(&out[k]);
    return LOOM_OK;
}

void flight_heldout_print(const flight_plant *kind, const flight_summary s[3], FILE *f)
{
    static const char *const who[3] = {"evolved", "start", "PID"};
    const int k0 = s[0].n ? 0 : 1;
    fprintf(f, "held-out (%s): %u flights of %g s, varied plants (mass, net weight, drag, motor lag +-20 %%, "
               "noise x1..2), seeds never used in evolution\n", kind->name, s[1].n, kind->heldout_duration);
    fprintf(f, "%-26s", "");
    for (int k = k0; k < 3; k++) fprintf(f, " %10s", who[k]);
    fputc('\n', f);
    const struct { const char *name; size_t off; } rows[] = {
        {"mean RMSE", offsetof(flight_summary, rmse)},
        {"worst RMSE", offsetof(flight_summary, rmse_worst)},
        {"mean steady-state err", offsetof(flight_summary, sse)},
        {"worst steady-state err", offsetof(flight_summary, sse_worst)},
        {"mean overshoot", offsetof(flight_summary, overshoot)},
        {"worst overshoot", offsetof(flight_summary, overshoot_worst)},
        {"mean effort (|u|/u_max)", offsetof(flight_summary, effort)},
        {"mean cost", offsetof(flight_summary, cost)},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        char name[64];
        snprintf(name, sizeof name, "%s%s%s%s", rows[r].name, r < 6 ? " (" : "", r < 6 ? kind->unit : "",
                 r < 6 ? ")" : "");
        fprintf(f, "%-26s", name);
        for (int k = k0; k < 3; k++) fprintf(f, " %10.4f", *(const double *)((const char *)&s[k] + rows[r].off));
        fputc('\n', f);
    }
    if (s[0].n)
        fprintf(f, "held-out RMSE ratio: evolved/PID %.3f, evolved/start %.3f\n", s[0].rmse / s[2].rmse,
                s[0].rmse / s[1].rmse);
}
