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
 *
 * Under an MPI launcher (mpirun -np N loom evolve ..., srun; mpi_farm.h)
 * the candidates are spread over the ranks as well: candidate k (the PD
 * part's first, then the I part's) goes to rank k mod N and, inside the
 * rank, to thread (k div N) mod T.  Rank 0 owns the CMA-ES state, the
 * checkpoint and all output; it broadcasts each generation's header and
 * candidates, flight k of the generation is recorded by rank k mod N and
 * shared with all (a trace is a pure function of seed and generation),
 * every rank evaluates its candidates, and the fitness values come back to
 * rank 0 in candidate order.  Evaluations
 * are bit-exact, so the run is byte-identical for every N and T.  A failed
 * evaluation on any rank ends the run with "rank R: ..." after the last
 * good checkpoint; a rank that dies makes the launcher stop the job, and
 * rank 0 then says which checkpoint to --resume from (any N will do).
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_opt.h"
#include "intr.h"
#include "board.h"
#include "cmaes.h"
#include "ctrl.h"
#include "flight.h"
#include "mpi_farm.h"
#include "plant.h"
#include "seir_text.h"

const char cmd_evolve_summary[] = "evolve the blimp's spiking altitude controller with CMA-ES";

static const char usage_text[] =
    "usage: loom evolve [-o NET.seir] [--seed S] [--generations G] [--flights K]\n"
    "                   [--duration SEC] [--threads T] [--sigma S] [--plant FILE]\n"
    "                   [--lambda L] [--genes FILE] [--checkpoint FILE [--resume]]\n"
    "                   [--profile] [--quiet] [--objective imitation|flight]\n"
    "                   [--board NAME] [--plant blimp|attitude|FILE]\n"
    "                   [--efference on|off]\n"
    "Evolves the two parts of the blimp controller (PD-like, I-like; 160 LIF\n"
    "neurons) so that, run on the bit-exact reference model, they mimic the\n"
    "PID's components (kp 9, kd 7; ki 0.5) on simulated flights.  Prints per\n"
    "generation: best, median and sigma of both parts.  Defaults: seed 1,\n"
    "300 generations, 4 flights of 60 s, 2 threads, sigma 0.02, output\n"
    "controller.seir.  --lambda L sets the population of both parts (default\n"
    "4 + 3 ln n).  Under mpirun -np N the candidates are spread over N ranks\n"
    "too, with the same result for every N (docs/scale.md); --profile prints\n"
    "where rank 0's time went and the CPU cost of one evaluation on stderr.\n"
    "--objective flight (docs/blimp.md, \"Closed-loop evolution\") evolves both\n"
    "parts together, each candidate flying the plant on --flights random\n"
    "profiles and plant variations per generation (defaults there: 800\n"
    "generations, 6 flights of 40 s, sigma 0.05), scored on tracking error,\n"
    "steady-state error, overshoot and effort; it ends with the held-out table.\n"
    "The network is built for the arch of --board (default icebreaker).\n"
    "--efference on|off gives the controller its own previous command as a\n"
    "third input (default off).\n"
    "--plant attitude evolves the quadrotor attitude controller flown at 1 kHz\n"
    "(docs/attitude.md; defaults there 300 generations, 4 flights of 3 s);\n"
    "--plant FILE reads the blimp's parameters.\n"
    "See docs/blimp.md.\n"
    "\n"
    "examples:\n"
    "  loom evolve --objective flight --seed 1 -o controller.seir  # the shipped one\n"
    "  loom evolve --seed 1 -o imitation.seir       # imitation of the PID, ~11 s CPU\n"
    "  loom evolve --generations 20 --flights 2 --checkpoint ck.txt -o quick.seir\n"
    "  loom evolve --checkpoint ck.txt --resume --generations 40 -o quick.seir\n"
    "  loom fly --sim --controller quick.seir --seed 1   # fly the result\n"
    "  mpirun -np 4 loom evolve --threads 1 --lambda 64 -o big.seir   # docs/scale.md\n";

#define FLIGHT_DEF_GENERATIONS 800
#define FLIGHT_DEF_FLIGHTS 6
#define FLIGHT_DEF_DURATION 40.0
#define FLIGHT_DEF_SIGMA 0.05
#define FLIGHT_FAST_GENERATIONS 300
#define FLIGHT_FAST_FLIGHTS 4
#define FLIGHT_FAST_DURATION 3.0

typedef struct opts {
    const char *out, *plant_file, *ckpt, *genes_out, *board;
    uint64_t seed;
    int64_t generations, flights, threads, lambda;
    double duration, sigma;
    int resume, quiet, profile, flight;
    int set_generations, set_flights, set_duration, set_sigma;
    seir_arch arch; /* the board's */
    const flight_plant *kind;
    flight_plant kind_own; /* the plant with --efference applied (kind points here then) */
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
    uint32_t rank, n_ranks; /* this process's share: items k with k mod n_ranks == rank */
    double cpu;             /* out: thread CPU seconds spent in ctrl_fitness */
    uint32_t evals;         /* out: evaluations done here */
} work;

typedef struct thread_arg {
    const work *w;
    uint32_t id;
    loom_status st;
    loom_err err;
    double cpu;
    uint32_t evals;
} thread_arg;

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *eval_thread(void *p)
{
    thread_arg *a = p;
    const work *w = a->w;
    uint32_t item = 0;
    for (int part = 0; part < CTRL_N_PARTS; part++)
        for (uint32_t k = 0; k < w->lambda[part]; k++, item++) {
            if (item % w->n_ranks != w->rank || (item / w->n_ranks) % w->n_threads != a->id) continue;
            double f;
            const double c0 = thread_cpu();
            loom_status st = ctrl_fitness((ctrl_part)part, w->x[part] + (size_t)k * w->n[part], w->tr,
                                          w->n_tr, w->u_max, &f, &a->err);
            a->cpu += thread_cpu() - c0;
            a->evals++;
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
    uint32_t started = 1;
    for (uint32_t t = 0; t < w->n_threads; t++) {
        args[t] = (thread_arg){w, t, LOOM_OK, {0}, 0, 0};
        if (t > 0 && pthread_create(&th[t], NULL, eval_thread, &args[t])) break;
        if (t > 0) started++;
    }
    if (started == w->n_threads) eval_thread(&args[0]);
    for (uint32_t t = 1; t < started; t++) pthread_join(th[t], NULL);
    if (started < w->n_threads)
        return loom_fail(e, LOOM_E_INTERNAL, "evolve: cannot start thread %u", started);
    for (uint32_t t = 0; t < w->n_threads; t++) {
        w->cpu += args[t].cpu;
        w->evals += args[t].evals;
    }
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
                .threads = 2, .duration = 60, .sigma = 0.02, .board = "icebreaker"};
    const char *objective = NULL, *efference = NULL;
    cli_plant plant = {0};
    const cli_opt opts[] = {
        {"-o", NULL, CLI_PATH, CLI_DST(o->out)},
        {"--seed", NULL, CLI_U64, CLI_DST(o->seed)},
        {"--objective", NULL, CLI_STRING, CLI_DST(objective)},
        {"--efference", NULL, CLI_STRING, CLI_DST(efference)},
        {"--board", NULL, CLI_STRING, CLI_DST(o->board)},
        {"--generations", NULL, CLI_INT, 0, 1000000, CLI_DST(o->generations), .seen = &o->set_generations},
        {"--flights", NULL, CLI_INT, 1, 1000, CLI_DST(o->flights), .seen = &o->set_flights},
        {"--threads", NULL, CLI_INT, 1, 64, CLI_DST(o->threads)},
        {"--duration", NULL, CLI_DOUBLE, .dmin = 1, .dmax = 3600, CLI_DST(o->duration), .seen = &o->set_duration},
        {"--lambda", NULL, CLI_INT, 2, 100000, CLI_DST(o->lambda)},
        {"--sigma", NULL, CLI_DOUBLE, .dmin = 1e-6, .dmax = 10, CLI_DST(o->sigma), .seen = &o->set_sigma},
        {"--plant", NULL, CLI_CUSTOM, .fn = cli_opt_plant, .dst = &plant},
        {"--checkpoint", NULL, CLI_PATH, CLI_DST(o->ckpt)},
        {"--genes", NULL, CLI_PATH, CLI_DST(o->genes_out)},
        {"--resume", NULL, CLI_FLAG, CLI_DST(o->resume)},
        {"--quiet", NULL, CLI_FLAG, CLI_DST(o->quiet)},
        {"--profile", NULL, CLI_FLAG, CLI_DST(o->profile)},
    };
    const cli_spec spec = {.cmd = "evolve", CLI_TABLE(opts), .usage = usage_text, .last_wins = 1};
    int pr = cli_parse_args(&spec, argc, argv);
    if (pr)
        return pr;
    if (objective && !strcmp(objective, "flight")) o->flight = 1;
    else if (objective && strcmp(objective, "imitation"))
        return cli_usage_error("evolve", "--objective: expected imitation or flight, got '%s'", objective);
    if (o->resume && !o->ckpt) return cli_usage_error("evolve", "--resume needs --checkpoint FILE");
    loom_err e;
    const board_info *b = board_find(o->board, &e);
    if (!b) return cli_usage_error("evolve", "--board: %s", e.msg);
    o->arch = b->arch.arch;
    if (plant.kind && strcmp(plant.kind->name, "blimp") && !o->flight)
        return cli_usage_error("evolve", "--plant %s: the imitation objective is the blimp's; use --objective flight",
                               plant.kind->name);
    if (cli_plant_get("evolve", &plant, &o->kind, &o->plant_file)) return 2;
    if (o->flight) {
        if (o->ckpt) return cli_usage_error("evolve", "--checkpoint is for the imitation objective");
        if (!o->set_generations) o->generations = FLIGHT_DEF_GENERATIONS;
        if (!o->set_flights) o->flights = FLIGHT_DEF_FLIGHTS;
        if (!o->set_duration) o->duration = FLIGHT_DEF_DURATION;
        if (!o->set_sigma) o->sigma = FLIGHT_DEF_SIGMA;
    }
    if (efference) {
        if (!o->flight) return cli_usage_error("evolve", "--efference is for --objective flight");
        if (strcmp(efference, "on") && strcmp(efference, "off"))
            return cli_usage_error("evolve", "--efference: expected on or off, got '%s'", efference);
        o->kind_own = *o->kind;
        o->kind_own.efference = !strcmp(efference, "on");
        o->kind = &o->kind_own;
    }
    if (o->flight && strcmp(o->kind->name, "blimp")) {
        if (!o->set_generations) o->generations = FLIGHT_FAST_GENERATIONS;
        if (!o->set_flights) o->flights = FLIGHT_FAST_FLIGHTS;
        if (!o->set_duration) o->duration = FLIGHT_FAST_DURATION;
    }
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

/* What rank 0 broadcasts before each generation; go = 0 ends the workers. */
typedef struct gen_msg {
    int32_t go;
    uint32_t lambda[CTRL_N_PARTS], n[CTRL_N_PARTS], flights;
    uint64_t seed, gen;
    double duration;
    plant_params pp;
} gen_msg;

/* Where rank 0's time goes (--profile): wall seconds, summed over generations. */
typedef struct profile {
    double record, eval, collect, cmaes; /* flights, own evaluations, waiting for the rest, ask/tell/bcast */
    double cpu;                          /* thread CPU seconds of the own evaluations */
    double record_cpu, cmaes_cpu;        /* CPU seconds of rank 0's main thread in those phases */
    uint64_t evals;                      /* own evaluations */
} profile;

/* The generation's flights on every rank: flight k is recorded by rank
 * k mod N, and one farm_share gives everyone every trace (a trace is a pure
 * function of the plant, the seed and the generation, so who records it
 * does not matter).  A rank's blob holds its flights in order, each as n
 * then its err, derr and target arrays.  Collective; on an error every
 * rank returns it and holds no trace. */
static loom_status share_flights(farm *fm, const gen_msg *m, ctrl_trace *tr, loom_err *e)
{
    const int rank = farm_rank(fm), size = farm_size(fm);
    loom_status st = LOOM_OK;
    size_t len = 0;
    for (uint32_t k = 0; k < m->flights && !st; k++)
        if (farm_owner(fm, k) == rank) {
            st = ctrl_trace_record(&m->pp, flight_seed(m->seed, m->gen, k), m->duration, &tr[k], e);
            if (!st) len += sizeof(double) * (1 + (2 + CTRL_N_PARTS) * tr[k].n);
        }
    st = farm_collect(fm, 0, 1, NULL, st, e); /* every rank learns of a failed recording */
    if (st || size == 1) {
        if (st)
            for (uint32_t k = 0; k < m->flights; k++) ctrl_trace_free(&tr[k]);
        return st;
    }
    double *mine = malloc(len ? len : 1), *p = mine;
    for (uint32_t k = 0; mine && k < m->flights; k++)
        if (farm_owner(fm, k) == rank) {
            *p++ = (double)tr[k].n;
            const double *arr[2 + CTRL_N_PARTS] = {tr[k].err, tr[k].derr, tr[k].target[0], tr[k].target[1]};
            for (int a = 0; a < 2 + CTRL_N_PARTS; a++, p += tr[k].n) memcpy(p, arr[a], tr[k].n * sizeof *p);
        }
    void *all = NULL;
    size_t *lens = NULL;
    if (!mine) st = loom_fail(e, LOOM_E_NOMEM, "evolve: out of memory");
    loom_err se; /* a rank without its blob still takes part, with nothing to share */
    loom_status sst = farm_share(fm, st ? NULL : mine, st ? 0 : len, &all, &lens, &se);
    if (!st && sst) {
        st = sst;
        *e = se;
    }
    free(mine);
    st = farm_collect(fm, 0, 1, NULL, st, e);
    /* unpack the other ranks' flights: rank r's blob holds flights r, r + N, ... */
    const char *blob = all;
    for (int r = 0; !st && r < size; r++) {
        const double *q = (const double *)blob, *end = (const double *)(blob + lens[r]);
        for (uint32_t k = (uint32_t)r; k < m->flights && !st; k += (uint32_t)size) {
            if (r == rank || q >= end) {
                if (r != rank) st = loom_fail(e, LOOM_E_INTERNAL, "evolve: rank %d shared too few flights", r);
                continue;
            }
            const size_t n = (size_t)*q++;
            tr[k].n = n;
            tr[k].err = malloc(n * sizeof(double));
            tr[k].derr = malloc(n * sizeof(double));
            for (int part = 0; part < CTRL_N_PARTS; part++) tr[k].target[part] = malloc(n * sizeof(double));
            double *arr[2 + CTRL_N_PARTS] = {tr[k].err, tr[k].derr, tr[k].target[0], tr[k].target[1]};
            for (int a = 0; a < 2 + CTRL_N_PARTS && !st; a++) {
                if (!arr[a]) st = loom_fail(e, LOOM_E_NOMEM, "evolve: out of memory for flight %u", k);
                else memcpy(arr[a], q, n * sizeof(double));
                q += n;
            }
        }
        blob += lens[r];
    }
    free(all);
    free(lens);
    st = farm_collect(fm, 0, 1, NULL, st, e);
    if (st)
        for (uint32_t k = 0; k < m->flights; k++) ctrl_trace_free(&tr[k]);
    return st;
}

/* One generation on every rank: record the flights, evaluate this rank's
 * candidates x (all of them, PD part first) and collect the fitness values
 * (fit, lambda[0] + lambda[1] of them) on rank 0.  Collective.  pr (may be
 * NULL) accumulates the time taken. */
static loom_status farm_generation(farm *fm, const gen_msg *m, const double *x, double *fit, uint32_t threads,
                                   profile *pr, loom_err *e)
{
    double t0 = cli_now(), c0 = thread_cpu();
    ctrl_trace *tr = calloc(m->flights, sizeof *tr);
    loom_status st = tr ? share_flights(fm, m, tr, e) : loom_fail(e, LOOM_E_NOMEM, "evolve: out of memory");
    double t1 = cli_now();
    if (pr) {
        pr->record += t1 - t0;
        pr->record_cpu += thread_cpu() - c0;
    }
    if (!st) {
        work w = {.tr = tr, .n_tr = m->flights, .u_max = m->pp.u_max, .n_threads = threads,
                  .rank = (uint32_t)farm_rank(fm), .n_ranks = (uint32_t)farm_size(fm)};
        for (int part = 0; part < CTRL_N_PARTS; part++) {
            w.x[part] = part ? x + (size_t)m->lambda[0] * m->n[0] : x;
            w.lambda[part] = m->lambda[part];
            w.n[part] = m->n[part];
            w.fit[part] = part ? fit + m->lambda[0] : fit;
        }
        st = run_parallel(&w, e);
        for (uint32_t k = 0; k < m->flights; k++) ctrl_trace_free(&tr[k]);
        if (pr) {
            pr->cpu += w.cpu;
            pr->evals += w.evals;
        }
    }
    free(tr);
    if (st) loom_err_prefix(e, "generation %llu", (unsigned long long)m->gen + 1);
    t0 = cli_now();
    if (pr) pr->eval += t0 - t1;
    st = farm_collect(fm, (uint64_t)m->lambda[0] + m->lambda[1], sizeof(double), fit, st, e);
    if (pr) pr->collect += cli_now() - t0;
    return st;
}

/* Ranks 1..N-1: evaluate generations until rank 0 says stop (or a batch
 * fails: rank 0 reports it).  Exit code 0, or 1 after a failure. */
static int worker(farm *fm, uint32_t threads)
{
    loom_err e;
    double *x = NULL, *fit = NULL;
    int rc = 0;
    for (;;) {
        gen_msg m;
        if (farm_bcast(fm, &m, sizeof m, &e)) { rc = 1; break; }
        if (!m.go) break;
        const size_t nx = (size_t)m.lambda[0] * m.n[0] + (size_t)m.lambda[1] * m.n[1];
        double *nxp = realloc(x, nx * sizeof *x), *nf = realloc(fit, ((size_t)m.lambda[0] + m.lambda[1]) * sizeof *fit);
        if (nxp) x = nxp;
        if (nf) fit = nf;
        if (!nxp || !nf) { rc = 1; break; } /* cannot take part: the launcher ends the job */
        if (farm_bcast(fm, x, nx * sizeof *x, &e) || farm_generation(fm, &m, x, fit, threads, NULL, &e)) {
            rc = 1;
            break;
        }
    }
    free(x);
    free(fit);
    return rc;
}

/* Rank 0 of an MPI run: what to say when the launcher stops the job (a rank
 * died, or the job was cancelled).  Written from the signal handler, so it
 * is a ready string; updated after every checkpoint. */
static char stop_note[8192];
static size_t stop_note_len;

static void on_stop(int sig)
{
    (void)sig;
    ssize_t w = write(2, stop_note, stop_note_len);
    (void)w;
    _exit(1);
}

static void set_stop_note(const opts *o, uint64_t done)
{
    if (o->ckpt)
        snprintf(stop_note, sizeof stop_note,
                 "loom evolve: stopped by the launcher during generation %llu (a rank died or the job was "
                 "cancelled); %s holds generation %llu: continue with --checkpoint %s --resume (any number "
                 "of ranks)\n",
                 (unsigned long long)done + 1, o->ckpt, (unsigned long long)done, o->ckpt);
    else
        snprintf(stop_note, sizeof stop_note,
                 "loom evolve: stopped by the launcher during generation %llu (a rank died or the job was "
                 "cancelled); no --checkpoint was given, so the run is lost\n",
                 (unsigned long long)done + 1);
    stop_note_len = strlen(stop_note);
}

/* Rank 0: ends the workers (go = 0) and reports e; for failures before
 * the first generation. */
static int early_fail(farm *fm, const loom_err *e)
{
    gen_msg stop = {.go = 0};
    loom_err be;
    farm_bcast(fm, &stop, sizeof stop, &be);
    return cli_report("evolve", e);
}

/* Rank 0 (or the only process): the CMA-ES state, checkpoints, output. */
static int evolve_root(opts *op, farm *fm)
{
    opts o = *op;
    loom_err e;
    plant_params pp;
    plant_params_default(&pp);
    if (o.plant_file && plant_params_load(o.plant_file, &pp, &e)) return early_fail(fm, &e);

    cmaes *cm[2] = {NULL, NULL};
    if (o.resume) {
        if (load_ckpt(o.ckpt, &o, cm, &e)) return early_fail(fm, &e);
        if (!o.quiet)
            printf("evolve: resumed %s at generation %llu\n", o.ckpt, (unsigned long long)cmaes_generation(cm[0]));
    } else {
        for (int part = 0; part < CTRL_N_PARTS; part++) {
            double x0[256];
            ctrl_genes_prior((ctrl_part)part, x0);
            if (cmaes_create(ctrl_n_genes((ctrl_part)part), x0, o.sigma, (uint32_t)o.lambda,
                             o.seed * 2 + (uint64_t)part,
                             &cm[part], &e)) {
                cmaes_free(cm[0]);
                return early_fail(fm, &e);
            }
        }
    }
    if (!o.quiet)
        printf("evolve: PD part %u genes, I part %u genes, lambda %u/%u, %lld flights of %g s per generation, "
               "%lld threads%s\n",
               cmaes_dim(cm[0]), cmaes_dim(cm[1]), cmaes_lambda(cm[0]), cmaes_lambda(cm[1]),
               (long long)o.flights, o.duration, (long long)o.threads,
               farm_is_mpi(fm) ? " per rank" : "");
    if (farm_is_mpi(fm) && !o.quiet)
        printf("evolve: %d MPI ranks\n", farm_size(fm));

    loom_status st = LOOM_OK;
    const uint32_t lam[2] = {cmaes_lambda(cm[0]), cmaes_lambda(cm[1])}, dim[2] = {cmaes_dim(cm[0]), cmaes_dim(cm[1])};
    double *fit = calloc((size_t)lam[0] + lam[1], sizeof(double));
    double *x = calloc((size_t)lam[0] * dim[0] + (size_t)lam[1] * dim[1], sizeof(double));
    if (!fit || !x) st = loom_fail(&e, LOOM_E_NOMEM, "evolve: out of memory");
    int workers_left = 0; /* a failed batch has already ended the workers */
    if (farm_is_mpi(fm)) {
        set_stop_note(&o, cmaes_generation(cm[0]));
        signal(SIGTERM, on_stop);
        signal(SIGINT, on_stop);
    }
    const double t0 = cli_now();
    profile pr = {0, 0, 0, 0, 0, 0, 0, 0};
    const uint64_t g0 = cmaes_generation(cm[0]);
    while (!st && (int64_t)cmaes_generation(cm[0]) < o.generations) {
        if (loom_intr_pending())
            break; /* a signal ends the run after a complete generation */
        const uint64_t g = cmaes_generation(cm[0]);
        double tg = cli_now(), cg = thread_cpu();
        gen_msg m = {.go = 1, .lambda = {lam[0], lam[1]}, .n = {dim[0], dim[1]}, .flights = (uint32_t)o.flights,
                     .seed = o.seed, .gen = g, .duration = o.duration, .pp = pp};
        for (int part = 0; part < CTRL_N_PARTS; part++)
            memcpy(part ? x + (size_t)lam[0] * dim[0] : x, cmaes_ask(cm[part]),
                   (size_t)lam[part] * dim[part] * sizeof *x);
        if ((st = farm_bcast(fm, &m, sizeof m, &e))) break;
        if ((st = farm_bcast(fm, x, ((size_t)lam[0] * dim[0] + (size_t)lam[1] * dim[1]) * sizeof *x, &e))) break;
        pr.cmaes += cli_now() - tg;
        pr.cmaes_cpu += thread_cpu() - cg;
        if ((st = farm_generation(fm, &m, x, fit, (uint32_t)o.threads, &pr, &e))) {
            workers_left = 1;
            break;
        }
        tg = cli_now();
        cg = thread_cpu();
        const double *fp[2] = {fit, fit + lam[0]};
        for (int part = 0; part < CTRL_N_PARTS && !st; part++) st = cmaes_tell(cm[part], fp[part], &e);
        pr.cmaes += cli_now() - tg;
        pr.cmaes_cpu += thread_cpu() - cg;
        if (st) break;
        if (!o.quiet) {
            double gb[2];
            for (int part = 0; part < 2; part++) {
                gb[part] = INFINITY;
                for (uint32_t k = 0; k < lam[part]; k++) gb[part] = fmin(gb[part], fp[part][k]);
            }
            printf("gen %4llu  pd best %.5f median %.5f sigma %.4f | i best %.5f median %.5f sigma %.4f  "
                   "(%.0f s)\n",
                   (unsigned long long)g + 1, gb[0], cmaes_median(cm[0]), cmaes_sigma(cm[0]), gb[1],
                   cmaes_median(cm[1]), cmaes_sigma(cm[1]), cli_now() - t0);
            fflush(stdout);
        }
        /* the checkpoint and the note that names it change together */
        sigset_t stops, old;
        sigemptyset(&stops);
        sigaddset(&stops, SIGTERM);
        sigaddset(&stops, SIGINT);
        pthread_sigmask(SIG_BLOCK, &stops, &old);
        if (o.ckpt) st = save_ckpt(o.ckpt, &o, cm, &e);
        if (!st && farm_is_mpi(fm)) set_stop_note(&o, g + 1);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (st) break;
    }
    if (!workers_left) {
        gen_msg stop = {.go = 0};
        loom_err be;
        if (farm_bcast(fm, &stop, sizeof stop, &be) && !st) {
            e = be;
            st = be.status;
        }
    }
    if (farm_is_mpi(fm))
        loom_intr_install(); /* back to intr.h's handlers */
    free(fit);
    free(x);
    const uint64_t done = cmaes_generation(cm[0]) - g0;
    if (!st && o.profile && done > 0) {
        const double wall = cli_now() - t0, ng = (double)done, evals = ng * (double)(lam[0] + lam[1]);
        fprintf(stderr,
                "evolve: profile: %d rank%s x %lld thread%s, %llu generations x %u evaluations in %.3f s: "
                "%.1f evals/s\n"
                "evolve: profile: rank 0 per generation, wall ms (CPU ms): flights %.2f (%.2f), own evaluations "
                "%.2f, waiting for the other ranks %.2f, CMA-ES and broadcasts %.2f (%.2f)\n"
                "evolve: profile: one evaluation (%lld flights of %g s) takes %.3f ms of CPU\n",
                farm_size(fm), farm_size(fm) > 1 ? "s" : "", (long long)o.threads, o.threads > 1 ? "s" : "",
                (unsigned long long)done, lam[0] + lam[1], wall, evals / wall, 1e3 * pr.record / ng,
                1e3 * pr.record_cpu / ng, 1e3 * pr.eval / ng, 1e3 * pr.collect / ng, 1e3 * pr.cmaes / ng,
                1e3 * pr.cmaes_cpu / ng, (long long)o.flights, o.duration,
                pr.evals ? 1e3 * pr.cpu / (double)pr.evals : 0.0);
    }

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
        if (!st) st = ctrl_build_arch(&o.arch, pick[0], pick[1], &net, &e);
        if (!st) st = seir_validate(net, &e);
        if (!st) st = seir_print_file(net, o.out, &e);
        if (!st && !o.quiet)
            printf("evolve: wrote %s (%u neurons, %zu synapses) after %llu generations, %.1f s\n", o.out,
                   net->n_neurons, net->n_syn, (unsigned long long)cmaes_generation(cm[0]), cli_now() - t0);
    }
    int rc = 0;
    if (!st && loom_intr_pending()) {
        fprintf(stderr, "loom evolve: interrupted by %s after %llu generations; %s holds the network of "
                        "them%s%s%s\n",
                loom_intr_name(loom_intr_pending()), (unsigned long long)cmaes_generation(cm[0]), o.out,
                o.ckpt ? ", " : "", o.ckpt ? o.ckpt : "", o.ckpt ? " the state to continue with --resume" : "");
        rc = 128 + loom_intr_pending();
    }
    seir_net_free(net);
    cmaes_free(cm[0]);
    cmaes_free(cm[1]);
    return st ? cli_report("evolve", &e) : rc;
}

/* ---- --objective flight ---------------------------------------------------- */

#define FLIGHT_VALID_N 8

typedef struct fwork {
    const double *x;
    uint32_t lambda, n, n_threads;
    double *fit;
    const flight_case *cases;
    uint32_t n_cases;
    const seir_arch *arch;
    const flight_plant *kind;
} fwork;

typedef struct fthread {
    const fwork *w;
    uint32_t id;
    loom_status st;
    loom_err err;
} fthread;

/* Candidate k goes to thread k mod T: the result does not depend on T. */
static void *flight_thread(void *p)
{
    fthread *a = p;
    const fwork *w = a->w;
    for (uint32_t k = a->id; k < w->lambda && !a->st; k += w->n_threads)
        a->st = flight_fitness(w->kind, w->arch, w->x + (size_t)k * w->n, w->cases, w->n_cases, &w->fit[k], &a->err);
    return NULL;
}

static loom_status flight_parallel(const fwork *w, loom_err *e)
{
    pthread_t th[64];
    fthread args[64];
    uint32_t started = 1;
    for (uint32_t t = 0; t < w->n_threads; t++) {
        args[t] = (fthread){w, t, LOOM_OK, {0}};
        if (t > 0 && pthread_create(&th[t], NULL, flight_thread, &args[t])) break;
        if (t > 0) started++;
    }
    if (started == w->n_threads) flight_thread(&args[0]);
    for (uint32_t t = 1; t < started; t++) pthread_join(th[t], NULL);
    if (started < w->n_threads) return loom_fail(e, LOOM_E_INTERNAL, "evolve: cannot start thread %u", started);
    for (uint32_t t = 0; t < w->n_threads; t++)
        if (args[t].st) {
            *e = args[t].err;
            return args[t].st;
        }
    return LOOM_OK;
}

/* n varied flight cases from the seeds seed_of(0..n-1). */
static loom_status flight_cases(const flight_plant *kind, const plant_params *pp, uint64_t (*seed_of)(uint64_t), uint32_t n, double dur,
                                flight_case **out, loom_err *e)
{
    flight_case *c = calloc(n, sizeof *c);
    if (!c) return loom_fail(e, LOOM_E_NOMEM, "evolve: out of memory");
    for (uint32_t k = 0; k < n; k++) flight_case_make(kind, pp, seed_of(k), dur, 1, &c[k]);
    *out = c;
    return LOOM_OK;
}

static int evolve_flight(const opts *op)
{
    opts o = *op;
    loom_err e;
    plant_params pp;
    flight_plant_params(o.kind, &pp);
    if (o.plant_file && plant_params_load(o.plant_file, &pp, &e)) return cli_report("evolve", &e);
    const uint32_t npd = ctrl_n_genes(CTRL_PD), ni = ctrl_n_genes(CTRL_I), n = flight_n_genes(o.kind);
    double *x0 = calloc(n, sizeof *x0);
    if (!x0) {
        loom_fail(&e, LOOM_E_NOMEM, "evolve: out of memory");
        return cli_report("evolve", &e);
    }
    flight_genes_prior(o.kind, x0);
    cmaes *cm = NULL;
    loom_status st = cmaes_create(n, x0, o.sigma, (uint32_t)o.lambda, o.seed * 2 + 7, &cm, &e);
    free(x0);
    if (st) return cli_report("evolve", &e);
    const uint32_t lam = cmaes_lambda(cm);
    if (!o.quiet)
        printf("evolve: objective flight, plant %s, %u genes (PD %u, I %u, efference copy %u), lambda %u, %lld "
               "flights of %g s per generation on varied plants, arch W=%d S=%d A=%d D=%d (board %s), %lld threads\n",
               o.kind->name, n, npd, ni, n - npd - ni, lam, (long long)o.flights, o.duration, o.arch.w, o.arch.s, o.arch.a, o.arch.d,
               o.board, (long long)o.threads);
    double *fit = calloc(lam, sizeof *fit);
    flight_case *cases = calloc((size_t)o.flights, sizeof *cases);
    if (!fit || !cases) st = loom_fail(&e, LOOM_E_NOMEM, "evolve: out of memory");
    const double t0 = cli_now();
    while (!st && (int64_t)cmaes_generation(cm) < o.generations) {
        if (loom_intr_pending()) break;
        const uint64_t g = cmaes_generation(cm);
        for (uint32_t k = 0; k < (uint32_t)o.flights; k++)
            flight_case_make(o.kind, &pp, flight_train_seed(o.seed, g, k), o.duration, 1, &cases[k]);
        fwork w = {cmaes_ask(cm), lam, n, (uint32_t)o.threads, fit, cases, (uint32_t)o.flights, &o.arch, o.kind};
        if ((st = flight_parallel(&w, &e))) {
            loom_err_prefix(&e, "generation %llu", (unsigned long long)g + 1);
            break;
        }
        if ((st = cmaes_tell(cm, fit, &e))) break;
        if (!o.quiet) {
            double best = INFINITY;
            for (uint32_t k = 0; k < lam; k++) best = fmin(best, fit[k]);
            printf("gen %4llu  flight cost best %.5f median %.5f sigma %.4f  (%.0f s)\n", (unsigned long long)g + 1,
                   best, cmaes_median(cm), cmaes_sigma(cm), cli_now() - t0);
            fflush(stdout);
        }
    }
    free(fit);
    free(cases);
    /* the mean or the best-ever candidate, whichever does better on
     * validation flights (neither training nor held-out seeds) */
    seir_net *net = NULL;
    flight_case *val = NULL;
    if (!st) st = flight_cases(o.kind, &pp, flight_valid_seed, FLIGHT_VALID_N, o.kind->heldout_duration, &val, &e);
    if (!st) {
        const double *mean = cmaes_mean(cm), *best = cmaes_best(cm, NULL);
        double c_mean = 0, c_best = INFINITY;
        st = flight_fitness(o.kind, &o.arch, mean, val, FLIGHT_VALID_N, &c_mean, &e);
        if (!st && cmaes_evals(cm) > 0) st = flight_fitness(o.kind, &o.arch, best, val, FLIGHT_VALID_N, &c_best, &e);
        const double *pick = c_best < c_mean ? best : mean;
        if (!st && !o.quiet)
            printf("evolve: validation cost (%d flights): means %.5f, best %.5f: writing the %s\n", FLIGHT_VALID_N,
                   c_mean, c_best, pick == best ? "best" : "means");
        if (!st && o.genes_out) {
            FILE *f = fopen(o.genes_out, "w");
            if (!f) st = loom_fail(&e, LOOM_E_IO, "%s: cannot write: %s", o.genes_out, strerror(errno));
            static const char *const names[3] = {"pd", "i", "u"};
            const uint32_t lo[4] = {0, npd, npd + ni, n};
            for (int part = 0; f && part < 3; part++) {
                if (lo[part] == lo[part + 1]) continue; /* no efference copy */
                fprintf(f, "%s", names[part]);
                for (uint32_t k = lo[part]; k < lo[part + 1]; k++) fprintf(f, " %.17g", pick[k]);
                fputc('\n', f);
            }
            if (f) fclose(f);
        }
        if (!st) st = flight_build(o.kind, &o.arch, pick, &net, &e);
        if (!st) st = seir_validate(net, &e);
        if (!st) st = seir_print_file(net, o.out, &e);
        if (!st && !o.quiet)
            printf("evolve: wrote %s (%u neurons, %zu synapses) after %llu generations, %.1f s\n", o.out,
                   net->n_neurons, net->n_syn, (unsigned long long)cmaes_generation(cm), cli_now() - t0);
    }
    free(val);
    if (!st && !o.quiet) {
        flight_summary s[3];
        st = flight_heldout(o.kind, &pp, net, &o.arch, s, &e);
        if (!st) flight_heldout_print(o.kind, s, stdout);
    }
    int rc = 0;
    if (!st && loom_intr_pending()) {
        fprintf(stderr, "loom evolve: interrupted by %s after %llu generations; %s holds the network of them\n",
                loom_intr_name(loom_intr_pending()), (unsigned long long)cmaes_generation(cm), o.out);
        rc = 128 + loom_intr_pending();
    }
    seir_net_free(net);
    cmaes_free(cm);
    return st ? cli_report("evolve", &e) : rc;
}

int cmd_evolve(int argc, char **argv)
{
    loom_intr_install(); /* SIGINT/SIGTERM stop the run cleanly (intr.h) */
    opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    loom_err e;
    farm *fm;
    if (farm_open(&fm, &e)) return cli_report("evolve", &e);
    if (o.flight && farm_is_mpi(fm)) {
        farm_close(fm);
        return cli_usage_error("evolve", "--objective flight runs in one process (--threads T); "
                                         "mpirun is for the imitation objective");
    }
    if (farm_rank(fm) > 0) {
        rc = worker(fm, (uint32_t)o.threads);
        farm_close(fm);
        return rc;
    }
    rc = o.flight ? evolve_flight(&o) : evolve_root(&o, fm);
    farm_close(fm);
    return rc;
}
