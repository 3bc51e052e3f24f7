/*
 * tests/bench/blimp_oracle.c -- what controllers that are not limited to the
 * SNN's inputs achieve on the blimp's held-out flights (docs/blimp.md,
 * "What limits the RMSE").  Built and run by tests/bench/62-blimp-oracle.sh.
 *
 * Two controllers, each a saturating high-gain law (bang-bang with a linear
 * switching surface in the linear band):
 *
 *   truestate  u = W/c + K (e - c1 v - c2 v|v| - c3 (F - W)/m), with the TRUE
 *              altitude z, speed v, motor force F and the varied plant's
 *              net weight W and mass m (e = setpoint - z)
 *   observer   the same law on the state of a copy of the NOMINAL plant
 *              driven by the same commands and corrected once per period by
 *              the altimeter reading the SNN sees (z += Lz r, v += Lv r,
 *              W -= Lw r with r the reading minus the copy's)
 *
 * Their gains were chosen by a random search on the 16 validation flights
 * (flight_valid_seed, 60 s, varied plants), never on held-out seeds:
 * `blimp_oracle --search N RATE` repeats it.  Flown on the 24 held-out
 * flights of the protocol (flight_heldout_seed); prints bench lines with
 * their mean RMSE and its ratio to the un-evolved start's and the PID's
 * (both at the protocol's 10 Hz).  Argument RATE (Hz, default 10) flies the
 * oracles at another control rate (the altimeter then samples at
 * max(20, RATE) Hz).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "flight.h"
#include "loom_rng.h"
#include "plant.h"

typedef struct law {
    int observer;
    double K, c1, c2, c3, Lz, Lv, Lw;
} law;

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
    double acc = 0, oacc = 0, w_hat = nom.net_weight;
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
            const double sig = sp - z - q->c1 * v - q->c2 * v * fabs(v) - q->c3 * (f - w) / m;
            const double u = w / p.thrust_gain + q->K * sig;
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
        double *f[] = {&t.K, &t.c1, &t.c2, &t.c3, &t.Lz, &t.Lv, &t.Lw};
        for (int j = 0; j < 7; j++) {
            const double r = (double)(loom_splitmix64(rng++) >> 11) / 9007199254740992.0;
            if (*f[j] != 0) *f[j] *= exp(step * (2 * r - 1));
        }
        const double c = mean_rmse(val, nv, &t, rate);
        if (c < best) best = c, q = t;
        if (it % 100 == 99) step *= 0.7;
    }
    printf("validation %.4f: K %.4g c1 %.4g c2 %.4g c3 %.4g Lz %.4g Lv %.4g Lw %.4g\n", best, q.K, q.c1, q.c2,
           q.c3, q.Lz, q.Lv, q.Lw);
    return q;
}

int main(int argc, char **argv)
{
    int iters = 0, a = 1;
    if (argc > 2 && !strcmp(argv[1], "--search")) iters = atoi(argv[2]), a = 3;
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
    law ts = {0, 101.9, 0.557, 0, 0.024, 0, 0, 0};
    law ob = {1, 99.84, 0.542, 0, 0.033, 0.571, 0.981, 0.0051};
    if (rate == 50) ts = (law){0, 100.8, 0.532, 0, 0.022, 0, 0, 0}, ob = (law){1, 67.98, 0.558, 0, 0.018, 0.722, 1.039, 0.0052};
    if (iters) {
        ts = search(ts, iters, val, 16, rate);
        ob = search(ob, iters, val, 16, rate);
    }
    loom_err e = {0};
    const board_info *bi = board_find("icebreaker", &e);
    flight_summary s[3];
    if (!bi || flight_heldout(k, &base, NULL, &bi->arch.arch, s, &e)) {
        fprintf(stderr, "blimp_oracle: %s\n", e.msg);
        return 1;
    }
    const double r_ts = mean_rmse(ho, FLIGHT_HELDOUT_N, &ts, rate), r_ob = mean_rmse(ho, FLIGHT_HELDOUT_N, &ob, rate);
    const char *sfx = rate == 10 ? "" : (rate == 50 ? "50hz." : "other.");
    printf("bench blimp.oracle.%struestate.rmse %.4f m\n", sfx, r_ts);
    printf("bench blimp.oracle.%struestate.rmse_ratio_start %.4f ratio\n", sfx, r_ts / s[1].rmse);
    printf("bench blimp.oracle.%sobserver.rmse %.4f m\n", sfx, r_ob);
    printf("bench blimp.oracle.%sobserver.rmse_ratio_start %.4f ratio\n", sfx, r_ob / s[1].rmse);
    printf("bench blimp.oracle.%sobserver.rmse_ratio_pid %.4f ratio\n", sfx, r_ob / s[2].rmse);
    return 0;
}
