/*
 * tests/bench/blimp_oracle.c -- what controllers that are not limited to the
 * SNN's inputs achieve on the blimp's held-out flights (docs/blimp.md,
 * "What limits the RMSE").  Built and run by tests/bench/62-blimp-oracle.sh.
 *
 * Two controllers, each a saturating high-gain law (bang-bang with a linear
 * switching surface in the linear band), and a retuned PID:
 *
 *   truestate  u = W/c + K (e - c1 v - c2 v|v| - c3 (F - W)/m), with the TRUE
 *              altitude z, speed v, motor force F and the varied plant's
 *              net weight W and mass m (e = setpoint - z)
 *   observer   the same law on the state of a copy of the NOMINAL plant
 *              driven by the same commands and corrected once per period by
 *              the altimeter reading the SNN sees (z += Lz r, v += Lv r,
 *              W -= Lw r with r the reading minus the copy's)
 *   pid_filtered  u = K (err + c1 d) + ki integral(err), d the change of err
 *              per second through a first-order filter d = a d + (1 - a) derr:
 *              the SNN's own inputs, kp, ki, kd and the filter retuned
 *
 * Their gains were chosen by a random search on the 16 validation flights
 * (flight_valid_seed, 60 s, varied plants), never on held-out seeds:
 * `blimp_oracle --search N RATE` repeats it.  `blimp_oracle --rollout`
 * improves the true-state law by a one-step rollout (a simple MPC, about a
 * minute of CPU; not run by the bench); `blimp_oracle --valid NET.seir...`
 * flies controllers on 48 further validation flights (valid_table).  Flown on the 24 held-out
 * flights of the protocol (flight_heldout_seed); prints bench lines with
 * their mean RMSE and, at 10 Hz, its ratio to the un-evolved start's and the
 * PID's.  Argument RATE (Hz, default 10) flies them at another control rate
 * (the altimeter then samples at max(20, RATE) Hz; gains are kept for 10
 * and 50 Hz only, other rates need --search) and compares the true-state
 * law with the PID retuned for that rate.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "flight.h"
#include "loom_rng.h"
#include "plant.h"
#include "seir_text.h"

typedef struct law {
    int observer, pid;
    double K, c1, c2, c3, Lz, Lv, Lw;
    double ki, a; /* pid: integral gain, derivative filter pole */
    int rollout;  /* true state: pick the first command by rollout (below) */
} law;

/* One-step rollout (policy improvement) on the TRUE plant without noise:
 * each of 21 commands -10..10 and the law's own u held for one period,
 * then the true-state law for 3 s (integrated at 5 ms); the command with
 * the least sum of squared errors at the control instants wins. */
static double rollout(const plant *s, const law *q, double sp, double u_law, double rate)
{
    const double w = s->p.net_weight, m = s->p.mass, h = 0.005;
    const uint64_t per = (uint64_t)llround(1.0 / (rate * h));
    double best = INFINITY, pick = u_law;
    for (int g = -10; g <= 11; g++) {
        const double u0 = g <= 10 ? g : u_law;
        plant r = *s;
        r.p.dt = h;
        double cost = 0;
        for (int j = 0; j < (int)(3 * rate); j++) {
            const double sig = sp - r.z - q->c1 * r.vz - q->c3 * (r.force - w) / m;
            plant_command(&r, j ? w / r.p.thrust_gain + q->K * sig : u0);
            plant_advance(&r, per);
            cost += (sp - r.z) * (sp - r.z);
        }
        if (cost < best) best = cost, pick = u0;
    }
    return pick;
}

static double fly(const flight_case *c, const law *q, double rate)
{
    plant_params p = c->p;
    p.ctrl_rate = rate;
    if (p.sensor_rate < rate) p.sensor_rate = rate;
    plant_params nom;
    flight_plant_params(c->kind, &nom);
    nom.z0 = p.z0;
    nom.ctrl_rate = p.ctrl_rate;
    nom.sensor_rate = p.sensor_rate;
    nom.floor = 0;
    plant s, o;
    plant_init(&s, &p, c->seed);
    plant_init(&o, &nom, 0);
    const uint64_t n_total = (uint64_t)llround(c->duration / p.dt);
    const uint64_t n_ctrl = (uint64_t)llround(1.0 / (p.ctrl_rate * p.dt));
    const uint64_t n_sens = (uint64_t)llround(1.0 / (p.sensor_rate * p.dt));
    double acc = 0, oacc = 0, w_hat = nom.net_weight, err_prev = 0, df = 0, integ = 0;
    int n_acc = 0;
    uint64_t ks = 0;
    size_t n = 0;
    plant_sample *log = malloc(((size_t)(c->duration * rate) + 2) * sizeof *log);
    if (!log) return NAN;
    for (uint64_t step = 0; step <= n_total; step++) {
        if (step % n_sens == 0) {
            acc += s.z + plant_noise(&s, ks++);
            oacc += o.z;
            n_acc++;
        }
        if (step % n_ctrl == 0) {
            const double t = (double)step * p.dt, sp = plant_profile_at(&c->pr, t);
            double z = s.z, v = s.vz, f = s.force, w = p.net_weight, m = p.mass;
            if (q->observer) {
                const double r = (acc - oacc) / n_acc;
                o.z += q->Lz * r;
                o.vz += q->Lv * r;
                w_hat -= q->Lw * r;
                o.p.net_weight = w_hat;
                z = o.z, v = o.vz, f = o.force, w = w_hat, m = nom.mass;
            }
            double u;
            if (q->pid) { /* the SNN's inputs: err and its change per second */
                const double err = sp - acc / n_acc, derr = n ? (err - err_prev) * rate : 0;
                df = q->a * df + (1 - q->a) * derr;
                integ += err / rate;
                if (q->ki * integ > 10 || q->ki * integ < -10) integ = (q->ki * integ > 0 ? 10 : -10) / q->ki;
                u = q->K * (err + q->c1 * df) + q->ki * integ;
                err_prev = err;
            } else {
                const double sig = sp - z - q->c1 * v - q->c2 * v * fabs(v) - q->c3 * (f - w) / m;
                u = w / p.thrust_gain + q->K * sig;
            }
            if (q->rollout) u = rollout(&s, q, sp, u, rate);
            plant_command(&s, u);
            plant_command(&o, u);
            log[n++] = (plant_sample){t, sp, s.z, acc / n_acc, u};
            acc = oacc = 0;
            n_acc = 0;
        }
        if (step < n_total) {
            plant_advance(&s, 1);
            plant_advance(&o, 1);
        }
    }
    plant_metrics m;
    plant_metrics_compute(log, n, &c->pr, &m);
    free(log);
    return m.rmse;
}

static double mean_rmse(const flight_case *cs, int n, const law *q, double rate)
{
    double s = 0;
    for (int k = 0; k < n; k++) s += fly(&cs[k], q, rate);
    return s / n;
}

/* Random search (log-normal steps, shrinking) on the validation flights. */
static law search(law q, int iters, const flight_case *val, int nv, double rate)
{
    double best = mean_rmse(val, nv, &q, rate), step = 0.3;
    uint64_t rng = 1;
    for (int it = 0; it < iters; it++) {
        law t = q;
        double *f[] = {&t.K, &t.c1, &t.c2, &t.c3, &t.Lz, &t.Lv, &t.Lw, &t.ki, &t.a};
        for (int j = 0; j < 9; j++) {
            const double r = (double)(loom_splitmix64(rng++) >> 11) / 9007199254740992.0;
            if (*f[j] != 0) *f[j] *= exp(step * (2 * r - 1));
        }
        if (t.a > 0.99) t.a = 0.99;
        const double c = mean_rmse(val, nv, &t, rate);
        if (c < best) best = c, q = t;
        if (it % 100 == 99) step *= 0.7;
    }
    printf("validation %.4f: K %.4g c1 %.4g c2 %.4g c3 %.4g Lz %.4g Lv %.4g Lw %.4g ki %.4g a %.4g\n", best, q.K,
           q.c1, q.c2, q.c3, q.Lz, q.Lv, q.Lw, q.ki, q.a);
    return q;
}

/* --valid NET.seir...: each controller's mean RMSE on 48 validation flights
 * of 60 s (flight_valid_seed(1000 + k): neither evolution's 8 nor the
 * search's 16), with the un-evolved start's and the PID's; how evolution
 * settings were compared without looking at held-out flights
 * (docs/blimp.md). */
static int valid_table(int n, char **files)
{
    const flight_plant *k = flight_plant_find("blimp");
    plant_params base;
    flight_plant_params(k, &base);
    loom_err e;
    double g[512];
    flight_genes_prior(k, g);
    const board_info *bi = board_find("icebreaker", &e);
    seir_net *start = NULL;
    if (!bi || ctrl_build_arch(&bi->arch.arch, g, g + ctrl_n_genes(CTRL_PD), &start, &e)) {
        fprintf(stderr, "blimp_oracle: %s\n", e.msg);
        return 1;
    }
    static flight_case val[48];
    double rs = 0, rp = 0;
    for (int i = 0; i < 48; i++) {
        flight_case_make(k, &base, flight_valid_seed(1000 + (uint64_t)i), 60, 1, &val[i]);
        flight_result r;
        if (flight_fly_net(k, start, &val[i], &r, &e) || (rs += r.m.rmse, flight_fly_pid(k, &val[i], &r, &e))) {
            fprintf(stderr, "blimp_oracle: %s\n", e.msg);
            return 1;
        }
        rp += r.m.rmse;
    }
    seir_net_free(start);
    printf("validation (48 flights of 60 s): start %.4f PID %.4f\n", rs / 48, rp / 48);
    for (int f = 0; f < n; f++) {
        seir_net *net;
        if (seir_parse_file(files[f], &net, &e)) {
            fprintf(stderr, "blimp_oracle: %s\n", e.msg);
            return 1;
        }
        double rm = 0, sse = 0;
        for (int i = 0; i < 48; i++) {
            flight_result r;
            if (flight_fly_net(k, net, &val[i], &r, &e)) {
                fprintf(stderr, "blimp_oracle: %s: %s\n", files[f], e.msg);
                return 1;
            }
            rm += r.m.rmse;
            sse += r.m.sse;
        }
        seir_net_free(net);
        printf("%s: mean RMSE %.4f (%.4f x start, %.4f x PID), steady-state error %.4f\n", files[f], rm / 48,
               rm / rs, rm / rp, sse / 48);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int iters = 0, a = 1, roll = 0;
    if (argc > 1 && !strcmp(argv[1], "--valid")) return valid_table(argc - 2, argv + 2);
    if (argc > 2 && !strcmp(argv[1], "--search")) iters = atoi(argv[2]), a = 3;
    if (argc > 1 && !strcmp(argv[1], "--rollout")) roll = 1, a = 2;
    const double rate = argc > a ? atof(argv[a]) : 10.0;
    if (!(rate >= 1 && rate <= 1000)) {
        fprintf(stderr, "blimp_oracle: rate %s: expected 1..1000 Hz\n", argc > a ? argv[a] : "");
        return 2;
    }
    const flight_plant *k = flight_plant_find("blimp");
    plant_params base;
    flight_plant_params(k, &base);
    static flight_case val[16], ho[FLIGHT_HELDOUT_N];
    for (int i = 0; i < 16; i++) flight_case_make(k, &base, flight_valid_seed((uint64_t)i), 60, 1, &val[i]);
    for (int i = 0; i < FLIGHT_HELDOUT_N; i++)
        flight_case_make(k, &base, flight_heldout_seed((uint64_t)i), k->heldout_duration, 1, &ho[i]);
    /* the gains the search found on the validation flights (10 Hz; 50 Hz) */
    law ts = {.K = 101.9, .c1 = 0.557, .c3 = 0.024};
    law ob = {.observer = 1, .K = 99.84, .c1 = 0.542, .c3 = 0.033, .Lz = 0.571, .Lv = 0.981, .Lw = 0.0051};
    law pd = {.pid = 1, .K = 30.55, .c1 = 0.726, .ki = 0.196, .a = 0.228};
    if (rate == 50) {
        ts = (law){.K = 100.8, .c1 = 0.532, .c3 = 0.022};
        ob = (law){.observer = 1, .K = 67.98, .c1 = 0.558, .c3 = 0.018, .Lz = 0.722, .Lv = 1.039, .Lw = 0.0052};
        pd = (law){.pid = 1, .K = 65.09, .c1 = 0.650, .ki = 0.525, .a = 0.887};
    }
    if (roll) {
        law r = ts;
        r.rollout = 1;
        printf("rollout on the true state: held-out mean RMSE %.4f m (the law alone %.4f)\n",
               mean_rmse(ho, FLIGHT_HELDOUT_N, &r, rate), mean_rmse(ho, FLIGHT_HELDOUT_N, &ts, rate));
        return 0;
    }
    if (iters) {
        ts = search(ts, iters, val, 16, rate);
        ob = search(ob, iters, val, 16, rate);
        pd = search(pd, iters, val, 16, rate);
    }
    loom_err e = {0};
    const board_info *bi = board_find("icebreaker", &e);
    flight_summary s[3];
    if (!bi || flight_heldout(k, &base, NULL, &bi->arch.arch, s, &e)) {
        fprintf(stderr, "blimp_oracle: %s\n", e.msg);
        return 1;
    }
    const double r_ts = mean_rmse(ho, FLIGHT_HELDOUT_N, &ts, rate), r_ob = mean_rmse(ho, FLIGHT_HELDOUT_N, &ob, rate);
    const double r_pd = mean_rmse(ho, FLIGHT_HELDOUT_N, &pd, rate);
    if (rate == 10) { /* against the protocol's start and PID */
        printf("bench blimp.oracle.truestate.rmse %.4f m\n", r_ts);
        printf("bench blimp.oracle.truestate.rmse_ratio_start %.4f ratio\n", r_ts / s[1].rmse);
        printf("bench blimp.oracle.observer.rmse %.4f m\n", r_ob);
        printf("bench blimp.oracle.observer.rmse_ratio_start %.4f ratio\n", r_ob / s[1].rmse);
        printf("bench blimp.oracle.observer.rmse_ratio_pid %.4f ratio\n", r_ob / s[2].rmse);
        printf("bench blimp.oracle.pid_filtered.rmse %.4f m\n", r_pd);
    } else { /* against the PID retuned for this rate */
        const int hz = (int)rate;
        printf("bench blimp.oracle.%dhz.truestate.rmse %.4f m\n", hz, r_ts);
        printf("bench blimp.oracle.%dhz.observer.rmse %.4f m\n", hz, r_ob);
        printf("bench blimp.oracle.%dhz.pid_filtered.rmse %.4f m\n", hz, r_pd);
        printf("bench blimp.oracle.%dhz.truestate.rmse_ratio_pid_filtered %.4f ratio\n", hz, r_ts / r_pd);
    }
    return 0;
}
