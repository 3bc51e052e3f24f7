/*
 * plant.c -- blimp altitude dynamics, altimeter, setpoint profiles, flights.
 *
 * Everything here is deterministic: the noise of altimeter sample k is a
 * pure function of (seed, k) (splitmix64 + Box-Muller), random profiles are
 * a pure function of their seed, and integration is fixed-step RK4 on
 * (z, vz, F) with the commanded force held over each step.  Two flights with
 * the same parameters, seed, profile and controller are bit-identical.
 */
#include "plant.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loom_rng.h"

void plant_params_default(plant_params *p)
{
    p->mass = 0.25;         /* envelope + gondola + added air mass */
    p->net_weight = 0.03;   /* about 3 g heavier than neutral */
    p->drag = 0.15;         /* 0.5 * rho 1.2 * Cd 0.5 * A 0.5 m^2 */
    p->thrust_gain = 0.03;  /* 0.3 N at full command */
    p->dead_zone = 0.3;
    p->u_max = 10.0;
    p->motor_tau = 0.2;
    p->sensor_noise = 0.02;
    p->sensor_rate = 20.0;
    p->ctrl_rate = 10.0;
    p->dt = 0.001;
    p->z0 = 1.0;
    p->floor = 1.0;
}

/* The file keys, in file order, with their units, ranges and offsets. */
typedef struct key_desc {
    const char *key, *unit, *what;
    double lo, hi;
    int lo_open; /* lo itself is excluded */
    size_t off;
} key_desc;

#define KD(k, u, w, lo, hi, open) { #k, u, w, lo, hi, open, offsetof(plant_params, k) }
static const key_desc keys[] = {
    KD(mass, "kg", "total moving mass incl. added air mass", 0, 1e3, 1),
    KD(net_weight, "N", "gravity minus buoyancy (positive sinks)", -1e3, 1e3, 0),
    KD(drag, "N s^2/m^2", "quadratic drag coefficient", 0, 1e3, 0),
    KD(thrust_gain, "N", "thrust per command unit", 0, 1e3, 1),
    KD(dead_zone, "cmd", "commands below this magnitude give no thrust", 0, 1e3, 0),
    KD(u_max, "cmd", "command saturation", 0, 1e3, 1),
    KD(motor_tau, "s", "first-order motor lag", 0, 100, 1),
    KD(sensor_noise, "m", "altimeter noise standard deviation", 0, 100, 0),
    KD(sensor_rate, "Hz", "altimeter sample rate", 10, 10000, 0),
    KD(ctrl_rate, "Hz", "control rate (<= sensor_rate)", 1, 10000, 0),
    KD(dt, "s", "internal integration step", 1e-5, 0.01, 0),
    KD(z0, "m", "initial altitude (at rest)", -1e3, 1e3, 0),
    KD(floor, "0/1", "1: a floor at 0 stops the body, 0: none", 0, 1, 0),
};
#define N_KEYS (sizeof keys / sizeof keys[0])

static double *field(plant_params *p, const key_desc *k)
{
    return (double *)((char *)p + k->off);
}

static loom_status check_one(const key_desc *k, double v, loom_err *e)
{
    if (!isfinite(v) || v > k->hi || (k->lo_open ? v <= k->lo : v < k->lo))
        return loom_fail(e, LOOM_E_INVALID, "%s = %g is out of range: expected %s%g..%g %s",
                         k->key, v, k->lo_open ? "more than " : "", k->lo, k->hi, k->unit);
    return LOOM_OK;
}

loom_status plant_params_check(const plant_params *p, loom_err *e)
{
    plant_params c = *p;
    for (size_t i = 0; i < N_KEYS; i++) {
        loom_status st = check_one(&keys[i], *field(&c, &keys[i]), e);
        if (st) return st;
    }
    if (p->ctrl_rate > p->sensor_rate)
        return loom_fail(e, LOOM_E_INVALID, "ctrl_rate = %g Hz exceeds sensor_rate = %g Hz",
                         p->ctrl_rate, p->sensor_rate);
    if (p->floor != 0 && p->floor != 1)
        return loom_fail(e, LOOM_E_INVALID, "floor = %g: expected 0 or 1", p->floor);
    if (p->floor != 0 && p->z0 < 0)
        return loom_fail(e, LOOM_E_INVALID, "z0 = %g m is below the floor (z = 0)", p->z0);
    if (p->dt * p->sensor_rate > 1.0)
        return loom_fail(e, LOOM_E_INVALID, "dt = %g s is longer than one altimeter period", p->dt);
    return LOOM_OK;
}

loom_status plant_params_load(const char *path, plant_params *out, loom_err *e)
{
    FILE *f = fopen(path, "r");
    if (!f) return loom_fail(e, LOOM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    plant_params p = *out;
    char line[512];
    int ln = 0;
    loom_status st = LOOM_OK;
    while (fgets(line, sizeof line, f)) {
        ln++;
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *s = line;
        while (isspace((unsigned char)*s)) s++;
        if (!*s) continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            st = loom_fail(e, LOOM_E_PARSE, "%s:%d: expected 'key = value'", path, ln);
            break;
        }
        char *kend = eq;
        while (kend > s && isspace((unsigned char)kend[-1])) kend--;
        *kend = 0;
        const key_desc *k = NULL;
        for (size_t i = 0; i < N_KEYS; i++)
            if (!strcmp(keys[i].key, s)) k = &keys[i];
        if (!k) {
            st = loom_fail(e, LOOM_E_PARSE, "%s:%d: unknown key '%s' (see docs/blimp.md)", path, ln, s);
            break;
        }
        char *v = eq + 1, *end;
        errno = 0;
        double d = strtod(v, &end);
        while (isspace((unsigned char)*end)) end++;
        if (end == v || *end || errno) {
            st = loom_fail(e, LOOM_E_PARSE, "%s:%d: %s: expected a number in %s", path, ln, k->key, k->unit);
            break;
        }
        if ((st = check_one(k, d, e))) {
            loom_err_prefix(e, "%s:%d", path, ln);
            break;
        }
        *field(&p, k) = d;
    }
    if (!st && ferror(f)) st = loom_fail(e, LOOM_E_IO, "%s: read error", path);
    fclose(f);
    if (!st && (st = plant_params_check(&p, e))) loom_err_prefix(e, "%s", path);
    if (!st) *out = p;
    return st;
}

void plant_params_write(const plant_params *p, FILE *f)
{
    plant_params c = *p;
    for (size_t i = 0; i < N_KEYS; i++)
        fprintf(f, "%-13s = %-10.6g # %s, %s\n", keys[i].key, *field(&c, &keys[i]),
                keys[i].unit, keys[i].what);
}

/* ---- dynamics ------------------------------------------------------------ */

void plant_init(plant *s, const plant_params *p, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->p = *p;
    s->seed = seed;
    s->z = p->z0;
}

double plant_force_cmd(const plant_params *p, double u)
{
    if (!(fabs(u) >= p->dead_zone)) return 0.0; /* also catches NaN */
    if (u > p->u_max) u = p->u_max;
    if (u < -p->u_max) u = -p->u_max;
    return p->thrust_gain * u;
}

void plant_command(plant *s, double u) { s->f_cmd = plant_force_cmd(&s->p, u); }

typedef struct deriv { double z, v, f; } deriv;

static deriv rates(const plant_params *p, double f_cmd, double v, double f)
{
    deriv d;
    d.z = v;
    d.v = (f - p->net_weight - p->drag * v * fabs(v)) / p->mass;
    d.f = (f_cmd - f) / p->motor_tau;
    return d;
}

void plant_advance(plant *s, uint64_t n)
{
    const plant_params *p = &s->p;
    const double h = p->dt;
    for (uint64_t i = 0; i < n; i++) {
        const double v = s->vz, f = s->force;
        deriv k1 = rates(p, s->f_cmd, v, f);
        deriv k2 = rates(p, s->f_cmd, v + 0.5 * h * k1.v, f + 0.5 * h * k1.f);
        deriv k3 = rates(p, s->f_cmd, v + 0.5 * h * k2.v, f + 0.5 * h * k2.f);
        deriv k4 = rates(p, s->f_cmd, v + h * k3.v, f + h * k3.f);
        s->z += h / 6.0 * (k1.z + 2 * k2.z + 2 * k3.z + k4.z);
        s->vz += h / 6.0 * (k1.v + 2 * k2.v + 2 * k3.v + k4.v);
        s->force += h / 6.0 * (k1.f + 2 * k2.f + 2 * k3.f + k4.f);
        if (p->floor != 0 && s->z < 0.0) { /* resting on the floor */
            s->z = 0.0;
            if (s->vz < 0.0) s->vz = 0.0;
        }
        s->steps++;
        s->t = (double)s->steps * h;
    }
}

/* Uniform in (0, 1) from (seed, k). */
static double unif(uint64_t seed, uint64_t k)
{
    uint64_t h = loom_splitmix64(loom_splitmix64(seed) ^ loom_splitmix64(k ^ 0x5bd1e9955bd1e995ull));
    return ((double)(h >> 11) + 0.5) / 9007199254740992.0;
}

double plant_gauss(uint64_t seed, uint64_t k)
{
    double u1 = unif(seed, 2 * k), u2 = unif(seed, 2 * k + 1);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double plant_noise(const plant *s, uint64_t k)
{
    return s->p.sensor_noise * plant_gauss(s->seed, k);
}

/* ---- profiles ------------------------------------------------------------ */

void plant_profile_demo(plant_profile *pr)
{
    static const double t[] = {0, 10, 20, 30, 40, 50};
    static const double sp[] = {2.0, 3.0, 1.5, 2.5, 1.0, 2.0};
    pr->n = 6;
    pr->sse_window = 0;
    for (int j = 0; j < pr->n; j++) {
        pr->t[j] = t[j];
        pr->sp[j] = sp[j];
    }
}

void plant_profile_random(plant_profile *pr, uint64_t seed, double duration,
                          double lo, double hi, double hold_min, double hold_max)
{
    uint64_t k = 0;
    double t = 0, prev = lo + (hi - lo) * 0.5;
    memset(pr, 0, sizeof *pr);
    while (t < duration && pr->n < PLANT_PROFILE_MAX) {
        double sp;
        do { /* a step of at least a fifth of the range */
            sp = lo + (hi - lo) * unif(seed ^ 0x70726f66ull, k++);
        } while (fabs(sp - prev) < 0.2 * (hi - lo));
        pr->t[pr->n] = t;
        pr->sp[pr->n] = sp;
        pr->n++;
        prev = sp;
        t += hold_min + (hold_max - hold_min) * unif(seed ^ 0x686f6c64ull, k++);
    }
}

loom_status plant_profile_parse(const char *s, plant_profile *pr, loom_err *e)
{
    plant_profile p = {0};
    const char *c = s;
    while (*c) {
        if (p.n == PLANT_PROFILE_MAX)
            return loom_fail(e, LOOM_E_ARG, "profile: more than %d entries", PLANT_PROFILE_MAX);
        char *end;
        errno = 0;
        double t = strtod(c, &end);
        if (end == c || *end != ':' || errno)
            return loom_fail(e, LOOM_E_ARG, "profile entry %d: expected TIME:ALTITUDE (s:m)", p.n + 1);
        c = end + 1;
        double sp = strtod(c, &end);
        if (end == c || (*end && *end != ',') || errno)
            return loom_fail(e, LOOM_E_ARG, "profile entry %d: expected an altitude in m after ':'", p.n + 1);
        if ((p.n == 0 && t != 0) || (p.n > 0 && !(t > p.t[p.n - 1])) || !isfinite(sp) || sp < 0)
            return loom_fail(e, LOOM_E_ARG,
                             "profile entry %d: times must start at 0 and rise, altitudes be >= 0", p.n + 1);
        p.t[p.n] = t;
        p.sp[p.n] = sp;
        p.n++;
        c = *end ? end + 1 : end;
    }
    if (p.n == 0) return loom_fail(e, LOOM_E_ARG, "profile: empty");
    *pr = p;
    return LOOM_OK;
}

double plant_profile_at(const plant_profile *pr, double t)
{
    double sp = pr->sp[0];
    for (int j = 1; j < pr->n && pr->t[j] <= t + 1e-9; j++) sp = pr->sp[j];
    return sp;
}

/* ---- flights ------------------------------------------------------------- */

loom_status plant_fly(const plant_params *p, uint64_t seed, const plant_profile *pr,
                      double duration, plant_ctrl ctrl, plant_sample *log,
                      size_t *n_log, loom_err *e)
{
    plant s;
    plant_init(&s, p, seed);
    const uint64_t n_total = (uint64_t)llround(duration / p->dt);
    uint64_t n_ctrl = (uint64_t)llround(1.0 / (p->ctrl_rate * p->dt));
    uint64_t n_sens = (uint64_t)llround(1.0 / (p->sensor_rate * p->dt));
    if (n_ctrl == 0) n_ctrl = 1;
    if (n_sens == 0) n_sens = 1;
    double acc = 0, err_prev = 0;
    int n_acc = 0, first = 1;
    uint64_t k_sens = 0;
    size_t n = 0;
    for (uint64_t step = 0; step <= n_total; step++) {
        if (step % n_sens == 0) {
            acc += s.z + plant_noise(&s, k_sens++);
            n_acc++;
        }
        if (step % n_ctrl == 0) {
            const double t = (double)step * p->dt;
            const double sp = plant_profile_at(pr, t);
            const double meas = acc / n_acc;
            const double err = sp - meas;
            const double derr = first ? 0.0 : (err - err_prev) * p->ctrl_rate;
            double u = 0;
            loom_status st = ctrl.step(ctrl.ctx, err, derr, &u, e);
            if (st) return loom_err_prefix(e, "at t=%.2f s", t);
            plant_command(&s, u);
            if (log) log[n] = (plant_sample){t, sp, s.z, meas, u};
            n++;
            acc = 0;
            n_acc = 0;
            err_prev = err;
            first = 0;
        }
        if (step < n_total) plant_advance(&s, 1);
    }
    if (n_log) *n_log = n;
    return LOOM_OK;
}

void plant_metrics_compute(const plant_sample *log, size_t n, const plant_profile *pr,
                           plant_metrics *m)
{
    memset(m, 0, sizeof *m);
    if (n == 0) return;
    double se = 0;
    for (size_t i = 0; i < n; i++) se += (log[i].sp - log[i].z) * (log[i].sp - log[i].z);
    m->rmse = sqrt(se / (double)n);
    const double t_end = log[n - 1].t;
    const double period = n > 1 ? log[1].t - log[0].t : 0;
    double sse_sum = 0, settle_sum = 0;
    int n_seg = 0;
    double prev_sp = log[0].z; /* the first "step" starts from where the blimp rests */
    const double win_s = pr->sse_window > 0 ? pr->sse_window : 2.0;
    for (int j = 0; j < pr->n && pr->t[j] < t_end; j++) {
        const double t0 = pr->t[j], t1 = (j + 1 < pr->n && pr->t[j + 1] < t_end) ? pr->t[j + 1] : t_end;
        const double sp = pr->sp[j], dir = sp >= prev_sp ? 1.0 : -1.0;
        const double band = fmax(0.05, 0.1 * fabs(sp - prev_sp));
        double over = 0, settled_at = t0, win = 0;
        int n_win = 0;
        for (size_t i = 0; i < n; i++) {
            if (log[i].t < t0 - 1e-9 || log[i].t >= t1 - 1e-9) continue;
            const double d = (log[i].z - sp) * dir;
            if (d > over) over = d;
            if (fabs(log[i].z - sp) > band) settled_at = log[i].t + period;
            if (log[i].t >= t1 - win_s - 1e-9) {
                win += sp - log[i].z;
                n_win++;
            }
        }
        if (over > m->overshoot) m->overshoot = over;
        settle_sum += settled_at - t0;
        sse_sum += n_win ? fabs(win / n_win) : 0;
        n_seg++;
        prev_sp = sp;
    }
    if (n_seg) {
        m->settling = settle_sum / n_seg;
        m->sse = sse_sum / n_seg;
    }
}
