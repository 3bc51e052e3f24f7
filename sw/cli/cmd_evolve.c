/*
 * cmd_evolve.c -- `loom evolve`: CMA-ES over the blimp controller's genes.
 *
 * Two independent CMA-ES runs, one per part (PD-like and I-like, ctrl.h),
 * advance together generation by generation.  Each generation records
 * --flights fresh flights of the target PID on random setpoint profiles
 * (seeds derived from --seed and the generation, so the training data
 * changes every generation but a run is reproducible), and every candidate's
 * fitness is the MSE between its part's output, run on the bit-exact
 * reference model, and the PID component it mimics.  Candidates are spread
 * over --threads pthreads by a fixed assignment (candidate k goes to thread
 * k mod T), each building its own ref_sim, so the result does not depend on
 * the number of threads.  At the end the distribution means (or the best
 * candidates, whichever does better on held-out flights) become one SEIR
 * network.  The state after every generation can go to --checkpoint; a run
 * continued with --resume is bit-identical to one that was never stopped.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmaes.h"
#include "ctrl.h"
#include "plant.h"

const char cmd_evolve_summary[] = "evolve the blimp's spiking altitude controller with CMA-ES";

static const char usage_text[] =
    "usage: loom evolve [-o NET.seir] [--seed S] [--generations G] [--flights K]\n"
    "                   [--duration SEC] [--threads T] [--sigma S] [--plant FILE]\n"
    "                   [--genes FILE] [--checkpoint FILE [--resume]] [--quiet]\n"
    "Evolves the two parts of the blimp controller (PD-like, I-like; 160 LIF\n"
    "neurons) so that, run on the bit-exact reference model, they mimic the\n"
    "PID's components (kp 9, kd 7; ki 0.5) on simulated flights.  Prints per\n"
    "generation: best, median and sigma of both parts.  Defaults: seed 1,\n"
    "300 generations, 4 flights of 60 s, 2 threads, sigma 0.02, output\n"
    "controller.seir.  See docs/blimp.md.\n"
    "\n"
    "examples:\n"
    "  loom evolve --seed 1 -o controller.seir     # the shipped controller, ~11 s CPU\n"
    "  loom evolve --generations 20 --flights 2 --checkpoint ck.txt -o quick.seir\n"
    "  loom evolve --checkpoint ck.txt --resume --generations 40 -o quick.seir\n"
    "  loom fly --sim --controller quick.seir --seed 1   # fly the result\n";

typedef struct opts {
    const char *out, *plant_file, *ckpt, *genes_out;
    uint64_t seed;
    int64_t generations, flights, threads;
    double duration, sigma;
    int resume, quiet;
} opts;

/* One generation's work for the threads. */
typedef struct work {
    const double *x[CTRL_N_PARTS]; /* candidates, lambda x n each */
    uint32_t lambda[CTRL_N_PARTS], n[CTRL_N_PARTS];
    double *fit[CTRL_N_PARTS];
    const ctrl_trace *tr;
    uint32_t n_tr;
    double u_max;
    uint32_t n_threads;
} work;

typedef struct thread_arg {
    const work *w;
    uint32_t id;
    loom_status st;
    loom_err err;
} thread_arg;

static void *eval_thread(void *p)
{
    thread_arg *a = p;
    const work *w = a->w;
    uint32_t item = 0;
    for (int part = 0; part < CTRL_N_PARTS; part++)
        for (uint32_t k = 0; k < w->lambda[part]; k++, item++) {
            if (item % w->n_threads != a->id) continue;
            double f;
            loom_status st = ctrl_fitness((ctrl_part)part, w->x[part] + (size_t)k * w->n[part], w->tr,
                                          w->n_tr, w->u_max, &f, &a->err);
            if (st) {
                a->st = st;
                return NULL;
            }
            w->fit[part][k] = f;
        }
    return NULL;
}

static loom_status run_parallel(work *w, loom_err *e)
{
    pthread_t th[64];
    thread_arg args[64];
    for (uint32_t t = 0; t < w->n_threads; t++) {
        args[t] = (thread_arg){w, t, LOOM_OK, {0}};
        if (t > 0 && pthread_create(&th[t], NULL, eval_thread, &args[t]))
            return loom_fail(e, LOOM_E_INTERNAL, "evolve: cannot start thread %u", t);
    }
    eval_thread(&args[0]);
    for (uint32_t t = 1; t < w->n_threads; t++) pthread_join(th[t], NULL);
    for (uint32_t t = 0; t < w->n_threads; t++)
        if (args[t].st) {
            *e = args[t].err;
            return args[t].st;
        }
    return LOOM_OK;
}

static uint64_t flight_seed(uint64_t seed, uint64_t gen, uint64_t k)
{
    return seed * 1000003ull + gen * 1009ull + k + 0x5eedull;
}

static loom_status record(const plant_params *pp, uint64_t seed, uint64_t gen, uint32_t n, double dur,
                          ctrl_trace *tr, loom_err *e)
{
    for (uint32_t k = 0; k < n; k++) {
        loom_status st = ctrl_trace_record(pp, flight_seed(seed, gen, k), dur, &tr[k], e);
        if (st) {
            for (uint32_t j = 0; j < k; j++) ctrl_trace_free(&tr[j]);
            return st;
        }
    }
    return LOOM_OK;
}

/* Checkpoint: header line, then the two CMA-ES states. */
static loom_status save_ckpt(const char *path, const opts *o, cmaes *const cm[2], loom_err *e)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return loom_fail(e, LOOM_E_IO, "%s: cannot write: %s", tmp, strerror(errno));
    fprintf(f, "loom-evolve 1 seed %llu flights %lld duration %a\n", (unsigned long long)o->seed,
            (long long)o->flights, o->duration);
    loom_status st = cmaes_save(cm[0], f, e);
    if (!st) st = cmaes_save(cm[1], f, e);
    if (fclose(f) && !st) st = loom_fail(e, LOOM_E_IO, "%s: write error", tmp);
    if (!st && rename(tmp, path)) st = loom_fail(e, LOOM_E_IO, "%s: cannot rename: %s", path, strerror(errno));
    return st;
}

static loom_status load_ckpt(const char *path, opts *o, cmaes *cm[2], loom_err *e)
{
    FILE *f = fopen(path, "r");
    if (!f) return loom_fail(e, LOOM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    unsigned long long seed;
    long long flights;
    double dur;
    loom_status st = LOOM_OK;
    if (fscanf(f, "loom-evolve 1 seed %llu flights %lld duration %la\n", &seed, &flights, &dur) != 3 ||
        flights < 1 || flights > 1000 || !(dur > 0))
        st = loom_fail(e, LOOM_E_PARSE, "%s:1: expected 'loom-evolve 1 seed S flights K duration D'", path);
    if (!st) st = cmaes_load(f, path, &cm[0], e);
    if (!st) st = cmaes_load(f, path, &cm[1], e);
    fclose(f);
    if (!st && (cmaes_dim(cm[0]) != ctrl_n_genes(CTRL_PD) || cmaes_dim(cm[1]) != ctrl_n_genes(CTRL_I)))
        st = loom_fail(e, LOOM_E_INVALID, "%s: gene counts %u/%u do not match this controller (%u/%u)", path,
                       cmaes_dim(cm[0]), cmaes_dim(cm[1]), ctrl_n_genes(CTRL_PD), ctrl_n_genes(CTRL_I));
    if (!st && cmaes_generation(cm[0]) != cmaes_generation(cm[1]))
        st = loom_fail(e, LOOM_E_INVALID, "%s: the two parts are at different generations", path);
    if (st) {
        cmaes_free(cm[0]);
        cmaes_free(cm[1]);
        cm[0] = cm[1] = NULL;
        return st;
    }
    o->seed = seed;
    o->flights = flights;
    o->duration = dur;
    return LOOM_OK;
}

static int parse(int argc, char **argv, opts *o)
{
    *o = (opts){.out = "controller.seir", .seed = 1, .generations = 300, .flights = 4,
                .threads = 2, .duration = 60, .sigma = 0.02};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED() do { if (!v) return cli_usage_error("evolve", "%s needs a value", a); i++; } while (0)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_text, stdout);
            return -1;
        } else if (!strcmp(a, "-o")) { NEED(); o->out = v; }
        else if (!strcmp(a, "--seed")) { NEED(); if (cli_parse_u64("evolve", a, v, &o->seed)) return 2; }
        else if (!strcmp(a, "--generations")) { NEED(); if (cli_parse_i64("evolve", a, v, 0, 1000000, &o->generations)) return 2; }
        else if (!strcmp(a, "--flights")) { NEED(); if (cli_parse_i64("evolve", a, v, 1, 1000, &o->flights)) return 2; }
        else if (!strcmp(a, "--threads")) { NEED(); if (cli_parse_i64("evolve", a, v, 1, 64, &o->threads)) return 2; }
        else if (!strcmp(a, "--duration")) { NEED(); if (cli_parse_double("evolve", a, v, 1, 3600, &o->duration)) return 2; }
        else if (!strcmp(a, "--sigma")) { NEED(); if (cli_parse_double("evolve", a, v, 1e-6, 10, &o->sigma)) return 2; }
        else if (!strcmp(a, "--plant")) { NEED(); o->plant_file = v; }
        else if (!strcmp(a, "--checkpoint")) { NEED(); o->ckpt = v; }
        else if (!strcmp(a, "--genes")) { NEED(); o->genes_out = v; }
        else if (!strcmp(a, "--resume")) o->resume = 1;
        else if (!strcmp(a, "--quiet")) o->quiet = 1;
        else return cli_usage_error("evolve", "unknown option '%s' (see loom evolve --help)", a);
#undef NEED
    }
    if (o->resume && !o->ckpt) return cli_usage_error("evolve", "--resume needs --checkpoint FILE");
    return 0;
}

/* Held-out score of a full controller: PD + I MSE on flights no generation used. */
static loom_status holdout(const plant_params *pp, const double *pd, const double *gi, double *score,
                           loom_err *e)
{
    ctrl_trace tr[4];
    loom_status st = record(pp, 0xbeefull, 999999999ull, 4, 60, tr, e);
    if (st) return st;
    double a = 0, b = 0;
    st = ctrl_fitness(CTRL_PD, pd, tr, 4, pp->u_max, &a, e);
    if (!st) st = ctrl_fitness(CTRL_I, gi, tr, 4, pp->u_max, &b, e);
    for (int k = 0; k < 4; k++) ctrl_trace_free(&tr[k]);
    *score = a + b;
    return st;
}

int cmd_evolve(int argc, char **argv)
{
    opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    loom_err e;
    plant_params pp;
    plant_params_default(&pp);
    if (o.plant_file && plant_params_load(o.plant_file, &pp, &e)) return cli_report("evolve", &e);

    cmaes *cm[2] = {NULL, NULL};
    if (o.resume) {
        if (load_ckpt(o.ckpt, &o, cm, &e)) return cli_report("evolve", &e);
        if (!o.quiet)
            printf("evolve: resumed %s at generation %llu\n", o.ckpt, (unsigned long long)cmaes_generation(cm[0]));
    } else {
        for (int part = 0; part < CTRL_N_PARTS; part++) {
            double x0[256];
            ctrl_genes_prior((ctrl_part)part, x0);
            if (cmaes_create(ctrl_n_genes((ctrl_part)part), x0, o.sigma, 0, o.seed * 2 + (uint64_t)part,
                             &cm[part], &e)) {
                cmaes_free(cm[0]);
                return cli_report("evolve", &e);
            }
        }
    }
    if (!o.quiet)
        printf("evolve: PD part %u genes, I part %u genes, lambda %u/%u, %lld flights of %g s per generation, "
               "%lld threads\n",
               cmaes_dim(cm[0]), cmaes_dim(cm[1]), cmaes_lambda(cm[0]), cmaes_lambda(cm[1]),
               (long long)o.flights, o.duration, (long long)o.threads);

    loom_status st = LOOM_OK;
    double *fit[2] = {calloc(cmaes_lambda(cm[0]), sizeof(double)), calloc(cmaes_lambda(cm[1]), sizeof(double))};
    ctrl_trace *tr = calloc((size_t)o.flights, sizeof *tr);
    if (!fit[0] || !fit[1] || !tr) st = loom_fail(&e, LOOM_E_NOMEM, "evolve: out of memory");
    const double t0 = cli_now();
    while (!st && (int64_t)cmaes_generation(cm[0]) < o.generations) {
        const uint64_t g = cmaes_generation(cm[0]);
        if ((st = record(&pp, o.seed, g, (uint32_t)o.flights, o.duration, tr, &e))) break;
        work w = {.tr = tr, .n_tr = (uint32_t)o.flights, .u_max = pp.u_max, .n_threads = (uint32_t)o.threads};
        for (int part = 0; part < CTRL_N_PARTS; part++) {
            w.x[part] = cmaes_ask(cm[part]);
            w.lambda[part] = cmaes_lambda(cm[part]);
            w.n[part] = cmaes_dim(cm[part]);
            w.fit[part] = fit[part];
        }
        st = run_parallel(&w, &e);
        for (int64_t k = 0; k < o.flights; k++) ctrl_trace_free(&tr[k]);
        for (int part = 0; part < CTRL_N_PARTS && !st; part++) st = cmaes_tell(cm[part], fit[part], &e);
        if (st) break;
        if (!o.quiet) {
            double b0, b1;
            cmaes_best(cm[0], &b0);
            cmaes_best(cm[1], &b1);
            double gb[2];
            for (int part = 0; part < 2; part++) {
                gb[part] = INFINITY;
                for (uint32_t k = 0; k < cmaes_lambda(cm[part]); k++) gb[part] = fmin(gb[part], fit[part][k]);
            }
            printf("gen %4llu  pd best %.5f median %.5f sigma %.4f | i best %.5f median %.5f sigma %.4f  "
                   "(%.0f s)\n",
                   (unsigned long long)g + 1, gb[0], cmaes_median(cm[0]), cmaes_sigma(cm[0]), gb[1],
                   cmaes_median(cm[1]), cmaes_sigma(cm[1]), cli_now() - t0);
            fflush(stdout);
        }
        if (o.ckpt && (st = save_ckpt(o.ckpt, &o, cm, &e))) break;
    }
    free(fit[0]);
    free(fit[1]);
    free(tr);

    /* Pick means or best-ever by a held-out score, then write the network. */
    seir_net *net = NULL;
    if (!st) {
        const double *mean[2] = {cmaes_mean(cm[0]), cmaes_mean(cm[1])};
        const double *best[2] = {cmaes_best(cm[0], NULL), cmaes_best(cm[1], NULL)};
        double s_mean = 0, s_best = INFINITY;
        st = holdout(&pp, mean[0], mean[1], &s_mean, &e);
        if (!st && cmaes_evals(cm[0]) > 0) st = holdout(&pp, best[0], best[1], &s_best, &e);
        const double **pick = s_best < s_mean ? best : mean;
        double prior[2][256], s_prior = 0;
        ctrl_genes_prior(CTRL_PD, prior[0]);
        ctrl_genes_prior(CTRL_I, prior[1]);
        if (!st) st = holdout(&pp, prior[0], prior[1], &s_prior, &e);
        if (!st && !o.quiet && cmaes_evals(cm[0]) > 0)
            printf("evolve: held-out MSE (PD + I, command units^2): starting point %.5f, means %.5f, "
                   "best %.5f: writing the %s\n",
                   s_prior, s_mean, s_best, pick == best ? "best" : "means");
        else if (!st && !o.quiet) /* --generations 0 (or a checkpoint at 0): nothing evaluated */
            printf("evolve: held-out MSE (PD + I, command units^2): starting point %.5f, means %.5f "
                   "(no candidate evaluated yet, so no best): writing the means\n",
                   s_prior, s_mean);
        if (!st && o.genes_out) {
            FILE *f = fopen(o.genes_out, "w");
            if (!f) st = loom_fail(&e, LOOM_E_IO, "%s: cannot write: %s", o.genes_out, strerror(errno));
            for (int part = 0; f && part < 2; part++) {
                fprintf(f, "%s", part == 0 ? "pd" : "i");
                for (uint32_t k = 0; k < cmaes_dim(cm[part]); k++) fprintf(f, " %.17g", pick[part][k]);
                fputc('\n', f);
            }
            if (f) fclose(f);
        }
        if (!st) st = ctrl_build(pick[0], pick[1], &net, &e);
        if (!st) st = seir_validate(net, &e);
        if (!st) st = seir_print_file(net, o.out, &e);
        if (!st && !o.quiet)
            printf("evolve: wrote %s (%u neurons, %zu synapses) after %llu generations, %.1f s\n", o.out,
                   net->n_neurons, net->n_syn, (unsigned long long)cmaes_generation(cm[0]), cli_now() - t0);
    }
    seir_net_free(net);
    cmaes_free(cm[0]);
    cmaes_free(cm[1]);
    return st ? cli_report("evolve", &e) : 0;
}
