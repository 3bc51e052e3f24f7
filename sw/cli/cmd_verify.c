/*
 * cmd_verify.c -- `loom verify`: a batch of lockstep checks (cli_lockstep.h),
 * spread over the ranks of an MPI job (mpi_farm.h) when started by mpirun
 * or srun, in one process otherwise.
 *
 * The batch is a list of items, built the same way on every rank: K random
 * networks per arch config (loom gen's generator, sized from the seed and
 * the config), then every model file of a folder (.seir, .aag, .aig, .nir)
 * on every config, then (--boards) every model file on every named virtual
 * board (cli_boardcheck.h: the whole board's RTL through the host link).  Item i runs on rank i mod N; its result is a fixed-size
 * record that farm_collect brings back to rank 0 in item order, and rank 0
 * alone prints and writes the JSON.  Nothing in a result depends on where
 * or when it ran (no times, no rank), so stdout and the JSON are the same
 * for every N; the time taken goes to stderr.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_boardcheck.h"
#include "cli_lockstep.h"
#include "cli_model.h"
#include "netgen.h"
#include "jsonw.h"
#include "limg.h"
#include "model.h"
#include "mpi_farm.h"
#include "vboard.h"
#include "vsim.h"

const char cmd_verify_summary[] = "lockstep-check random nets and model folders on every arch config (MPI farm)";

static const char usage[] =
    "usage: loom verify [--random K] [--models DIR [--boards LIST]] [--configs LIST]\n"
    "                   [--steps N]"
    " [--seed S] [--rate P] [--inject STEP] [--json] [--quiet]\n"
    "\n"
    "Runs a batch of lockstep checks of the Verilator model of the array against\n"
    "the reference model (as loom cosim does: every neuron's spike, i and v after\n"
    "every step, the rings at the end) and prints one line per check, the first\n"
    "divergence of each failure with a command that reproduces it, and a summary.\n"
    "Under mpirun -np N (or srun) the checks are spread over the N ranks; the\n"
    "output is the same for every N.  Exit 0 when every check passed, 1 otherwise.\n"
    "\n"
    "  --random K      K random networks per config (loom gen, seeds S..S+K-1,\n"
    "                  sizes, inputs, density and levels drawn from the seed) [8,\n"
    "                  0 when --models is given]\n"
    "  --models DIR    also every .seir/.aag/.aig/.nir file of DIR on every config\n"
    "                  (AIGER and NIR compiled for the config's arch)\n"
    "  --boards LIST   also every model file on these virtual boards (loom vboard\n"
    "                  --list-configs: icebreaker, c1, ...): the board's RTL with\n"
    "                  its UART and link, driven through the host driver, every\n"
    "                  neuron's spikes compared with the reference after every step\n"
    "  --configs LIST  comma-separated built configs (loom cosim --list-configs)\n"
    "                  [every built config with at least 8 profiles]\n"
    "  --steps N       steps per check [200]\n"
    "  --seed S        first seed of the random nets and the Poisson seed [1]\n"
    "  --rate P        Poisson input rate per channel and step [random nets: 0.1 to\n"
    "                  0.5 from the seed; models: 0.3]\n"
    "  --inject STEP   test the checker: after STEP, add 1 to the RTL's v of the\n"
    "                  first neuron in every check (each must then fail)\n"
    "  --json          print the result as one JSON object on stdout (docs/json.md);\n"
    "                  the report lines go to stderr\n"
    "  --quiet         print only failures and the summary\n";

enum { MAX_CONFIGS = 64, MAX_MODELS = 4096 };

typedef struct opts {
    const char *models_dir, *configs, *boards, *rate_str;
    uint64_t steps, seed;
    int64_t random, inject;
    double rate;
    int quiet, json;
} opts;

/* One check, derived from its index alone (the same on every rank). */
typedef struct item {
    int is_model;
    const char *config;     /* an arch config (vsim), or NULL for a board check */
    const char *board;      /* a virtual board (vboard), or NULL */
    const char *model;      /* model path */
    uint64_t seed;          /* random net: its seed; model: the Poisson seed */
    netgen_recipe g;             /* random net */
    char density[8], rate[32];
} item;

/* What a rank sends back for one check: a fixed-size record (farm_collect). */
typedef enum verdict { V_PASS, V_FAIL, V_SKIP, V_ERROR } verdict;
typedef struct result {
    int32_t verdict;
    cli_lockstep_result r;
    char note[LOOM_ERR_MSG]; /* skip / error reason */
} result;

static const char *const densities[] = {"0.03", "0.08", "0.13", "0.25"};
static const char *const rates[] = {"0.1", "0.2", "0.3", "0.4", "0.5"};

/* The sizes of random net `seed` for arch a (as tests/integration/cosim_random.sh
 * varies them): neurons within half the slots, channels within the inputs. */
static void random_item(const limg_arch *a, uint64_t seed, item *it)
{
    netgen_default(&it->g, NETGEN_CORNERS);
    const uint64_t slots = (uint64_t)a->cores * a->neurons;
    const uint64_t nmax = slots / 2 < 120 ? slots / 2 : 120;
    it->g.seed = seed;
    it->g.arch = a->arch;
    it->g.neurons = (uint32_t)(4 + (seed * 37) % (nmax > 4 ? nmax - 3 : 1));
    it->g.inputs = (uint32_t)((seed * 7) % 17);
    if (it->g.inputs > a->max_inputs) it->g.inputs = a->max_inputs;
    const uint32_t lmax = it->g.neurons < 24 ? it->g.neurons : 24;
    it->g.levels = (int32_t)(1 + (seed * 5) % (lmax < a->levels ? lmax : a->levels));
    snprintf(it->density, sizeof it->density, "%s", densities[seed % 4]);
    it->g.density = strtod(it->density, NULL);
    snprintf(it->rate, sizeof it->rate, "%s", rates[seed % 5]);
}

typedef struct batch {
    const char *cfg[MAX_CONFIGS];
    limg_arch arch[MAX_CONFIGS];
    unsigned n_cfg;
    const char *board[MAX_CONFIGS];
    unsigned n_board;
    char **models;
    unsigned n_models;
} batch;

static uint64_t batch_items(const opts *o, const batch *b)
{
    return ((uint64_t)o->random + b->n_models) * b->n_cfg + (uint64_t)b->n_models * b->n_board;
}

static void batch_item(const opts *o, const batch *b, uint64_t i, item *it)
{
    memset(it, 0, sizeof *it);
    const uint64_t n_rand = (uint64_t)o->random * b->n_cfg, n_cfg_items = n_rand + (uint64_t)b->n_models * b->n_cfg;
    const unsigned c = (unsigned)(i % b->n_cfg);
    it->config = b->cfg[c];
    if (i >= n_cfg_items) { /* a model on a virtual board */
        const uint64_t j = i - n_cfg_items;
        it->config = NULL;
        it->board = b->board[j % b->n_board];
        it->is_model = 1;
        it->model = b->models[j / b->n_board];
        it->seed = o->seed;
        snprintf(it->rate, sizeof it->rate, "0.3");
    } else if (i < n_rand) {
        random_item(&b->arch[c], o->seed + i, it); /* a net of its own per item */
    } else {
        it->is_model = 1;
        it->model = b->models[(i - n_rand) / b->n_cfg];
        it->seed = o->seed;
        snprintf(it->rate, sizeof it->rate, "0.3");
    }
    if (o->rate_str) snprintf(it->rate, sizeof it->rate, "%.31s", o->rate_str);
}

static int is_fit_error(loom_status st) { return st == LOOM_E_CAPACITY || st == LOOM_E_INVALID; }

static void run_item(const opts *o, const batch *b, uint64_t i, result *res)
{
    memset(res, 0, sizeof *res);
    item it;
    batch_item(o, b, i, &it);
    const limg_arch *a = &b->arch[i % b->n_cfg];
    loom_err e;
    if (it.board) {
        loom_status st = cli_boardcheck(it.model, it.board, o->steps, strtod(it.rate, NULL), it.seed, &res->r, &e);
        if (st != LOOM_OK) {
            res->verdict = is_fit_error(st) ? V_SKIP : V_ERROR;
            snprintf(res->note, sizeof res->note, "%s", e.msg);
        } else {
            res->verdict = res->r.diverged ? V_FAIL : V_PASS;
        }
        return;
    }
    seir_net *net = NULL;
    model md;
    memset(&md, 0, sizeof md);
    loom_status st;
    if (it.is_model) {
        model_opts mo;
        model_opts_default(&mo);
        mo.quiet = 1;
        mo.arch = a->arch;
        st = model_load(it.model, &mo, &md, &e);
        net = md.net;
    } else {
        st = netgen_build(&it.g, &net, &e);
    }
    if (st == LOOM_OK)
        st = cli_lockstep(net, it.config, o->steps, strtod(it.rate, NULL), it.seed, o->inject, &res->r, &e);
    if (st != LOOM_OK) {
        res->verdict = is_fit_error(st) ? V_SKIP : V_ERROR;
        snprintf(res->note, sizeof res->note, "%s", e.msg);
    } else {
        res->verdict = res->r.diverged ? V_FAIL : V_PASS;
    }
    if (it.is_model)
        model_free(&md);
    else
        seir_net_free(net);
}

/* The commands that replay item i as loom gen + loom cosim. */
static void reproducer(const opts *o, const batch *b, uint64_t i, char *buf, size_t len)
{
    item it;
    batch_item(o, b, i, &it);
    const seir_arch *w = &b->arch[i % b->n_cfg].arch;
    char inj[48] = "";
    if (o->inject >= 0) snprintf(inj, sizeof inj, " --inject %" PRId64, o->inject);
    if (it.board)
        snprintf(buf, len,
                 "loom vboard --config %s --pty-file pty.txt & until [ -s pty.txt ]; do sleep 0.1; done; "
                 "loom run --port \"$(cat pty.txt)\" %s"
                 " --steps %" PRIu64 " --poisson %s --seed %" PRIu64 " --check",
                 it.board, it.model, o->steps, it.rate, it.seed);
    else if (it.is_model)
        snprintf(buf, len,
                 "loom cosim %s --config %s --arch W=%d,S=%d,A=%d,D=%d --steps %" PRIu64
                 " --poisson %s --seed %" PRIu64 "%s",
                 it.model, it.config, w->w, w->s, w->a, w->d, o->steps, it.rate, it.seed, inj);
    else
        snprintf(buf, len,
                 "loom gen --seed %" PRIu64 " --neurons %u --inputs %u --density %s --levels %d"
                 " --arch W=%d,S=%d,A=%d,D=%d -o net.seir && loom cosim net.seir --config %s --steps %" PRIu64
                 " --poisson %s --seed %" PRIu64 "%s",
                 it.g.seed, it.g.neurons, it.g.inputs, it.density, it.g.levels, w->w, w->s, w->a, w->d, it.config,
                 o->steps, it.rate, it.g.seed, inj);
}

static void item_name(const opts *o, const batch *b, uint64_t i, char *buf, size_t len)
{
    item it;
    batch_item(o, b, i, &it);
    if (it.board)
        snprintf(buf, len, "model %s on board %s", it.model, it.board);
    else if (it.is_model)
        snprintf(buf, len, "model %s on %s", it.model, it.config);
    else
        snprintf(buf, len, "random seed %" PRIu64 " on %s (%u neurons, %u inputs, density %s, %d levels)",
                 it.g.seed, it.config, it.g.neurons, it.g.inputs, it.density, it.g.levels);
}

static int cmp_str(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }

/* The model files of dir, sorted by name (so every rank lists them alike). */
static loom_status list_models(const char *dir, batch *b, loom_err *e)
{
    DIR *d = opendir(dir);
    if (!d) return loom_fail(e, LOOM_E_IO, "%s: cannot open folder: %s", dir, strerror(errno));
    loom_status st = LOOM_OK;
    struct dirent *de;
    while (st == LOOM_OK && (de = readdir(d))) {
        const char *dot = strrchr(de->d_name, '.');
        if (!dot || (strcmp(dot, ".seir") && strcmp(dot, ".aag") && strcmp(dot, ".aig") && strcmp(dot, ".nir")))
            continue;
        if (b->n_models == MAX_MODELS) {
            st = loom_fail(e, LOOM_E_CAPACITY, "%s: more than %d model files", dir, MAX_MODELS);
            break;
        }
        const size_t len = strlen(dir) + strlen(de->d_name) + 2;
        char *p = malloc(len);
        if (!p) {
            st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
            break;
        }
        snprintf(p, len, "%s/%s", dir, de->d_name);
        b->models[b->n_models++] = p;
    }
    closedir(d);
    if (st == LOOM_OK && b->n_models == 0)
        st = loom_fail(e, LOOM_E_ARG, "%s: no .seir, .aag, .aig or .nir file", dir);
    qsort(b->models, b->n_models, sizeof *b->models, cmp_str);
    return st;
}

/* --boards LIST: every name must be a built virtual board. */
static loom_status pick_boards(const opts *o, batch *b, loom_err *e)
{
    const char *p = o->boards;
    while (p && *p) {
        const char *q = strchr(p, ',');
        const size_t l = q ? (size_t)(q - p) : strlen(p);
        const char *hit = NULL;
        for (unsigned c = 0; c < vboard_config_count(); c++)
            if (strlen(vboard_config_name(c)) == l && !strncmp(vboard_config_name(c), p, l)) hit = vboard_config_name(c);
        if (!hit) {
            char known[512] = "";
            for (unsigned c = 0; c < vboard_config_count(); c++)
                snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", c ? ", " : "",
                         vboard_config_name(c));
            return loom_fail(e, LOOM_E_ARG, "--boards: no virtual board '%.*s' (built: %s)", (int)(l < 64 ? l : 64),
                             p, known);
        }
        if (b->n_board == MAX_CONFIGS) return loom_fail(e, LOOM_E_CAPACITY, "more than %d boards", MAX_CONFIGS);
        b->board[b->n_board++] = hit;
        p += l + (q ? 1 : 0);
    }
    return LOOM_OK;
}

/* --configs LIST, or every built config with >= 8 profiles (loom gen's count). */
static loom_status pick_configs(const opts *o, batch *b, loom_err *e)
{
    for (unsigned c = 0; c < vsim_config_count(); c++) {
        const char *name = vsim_config_name(c);
        if (o->configs) {
            const size_t n = strlen(name);
            const char *p = o->configs;
            int hit = 0;
            while (*p) {
                const char *q = strchr(p, ',');
                const size_t l = q ? (size_t)(q - p) : strlen(p);
                if (l == n && !strncmp(p, name, n)) hit = 1;
                p += l + (q ? 1 : 0);
            }
            if (!hit) continue;
        }
        vsim *s;
        loom_status st = vsim_open(name, &s, e);
        if (st != LOOM_OK) return st;
        const limg_arch a = *vsim_arch(s);
        vsim_close(s);
        if (!o->configs && a.profiles < 8) continue;
        if (b->n_cfg == MAX_CONFIGS) return loom_fail(e, LOOM_E_CAPACITY, "more than %d configs", MAX_CONFIGS);
        b->cfg[b->n_cfg] = name;
        b->arch[b->n_cfg++] = a;
    }
    if (o->configs) { /* every name given must exist */
        const char *p = o->configs;
        while (*p) {
            const char *q = strchr(p, ',');
            const size_t l = q ? (size_t)(q - p) : strlen(p);
            int found = 0;
            for (unsigned c = 0; c < b->n_cfg; c++)
                if (strlen(b->cfg[c]) == l && !strncmp(b->cfg[c], p, l)) found = 1;
            if (!found) {
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)(l < 63 ? l : 63), p);
                vsim *s;
                if (vsim_open(name, &s, e) == LOOM_OK) vsim_close(s); /* names the known ones */
                return loom_err_prefix(e, "--configs");
            }
            p += l + (q ? 1 : 0);
        }
    }
    if (b->n_cfg == 0) return loom_fail(e, LOOM_E_ARG, "--configs: no config selected");
    return LOOM_OK;
}

static int parse(int argc, char **argv, opts *o)
{
    const char *C = "verify";
    memset(o, 0, sizeof *o);
    o->steps = 200;
    o->seed = 1;
    o->random = -1;
    o->inject = -1;
    const cli_opt opts[] = {
        {"--random", NULL, CLI_INT, 0, 1000000, CLI_DST(o->random)},
        {"--models", NULL, CLI_PATH, CLI_DST(o->models_dir)},
        {"--boards", NULL, CLI_STRING, CLI_DST(o->boards)},
        {"--configs", NULL, CLI_STRING, CLI_DST(o->configs)},
        {"--steps", NULL, CLI_INT, 1, 100000000, CLI_DST(o->steps)},
        {"--seed", NULL, CLI_U64, CLI_DST(o->seed)},
        {"--rate", NULL, CLI_DOUBLE, .dmin = 0, .dmax = 1, CLI_DST(o->rate), .text = &o->rate_str},
        {"--inject", NULL, CLI_INT, 0, INT64_MAX, CLI_DST(o->inject)},
        {"--json", NULL, CLI_FLAG, CLI_DST(o->json)},
        {"--quiet", NULL, CLI_FLAG, CLI_DST(o->quiet)},
    };
    const cli_spec spec = {.cmd = C, CLI_TABLE(opts), .usage = usage};
    int pr = cli_parse_args(&spec, argc, argv); /* -1 after --help, as this function returns it */
    if (pr)
        return pr;
    if (o->boards && !o->models_dir) return cli_usage_error(C, "--boards needs --models DIR (the models to run)");
    if (o->random < 0) o->random = o->models_dir ? 0 : 8;
    if (o->random == 0 && !o->models_dir) return cli_usage_error(C, "nothing to check: --random 0 and no --models");
    return 0;
}

/* Rank 0: the report (stdout, or stderr with --json) and the JSON object
 * (stdout).  Returns the exit code. */
static int report(const opts *o, const batch *b, const result *res, uint64_t n)
{
    uint64_t cnt[4] = {0, 0, 0, 0};
    char name[1024], rep[2048];
    FILE *out = o->json ? stderr : stdout;
    for (uint64_t i = 0; i < n; i++) {
        const result *r = &res[i];
        cnt[r->verdict]++;
        item_name(o, b, i, name, sizeof name);
        if (r->verdict == V_PASS) {
            item it;
            batch_item(o, b, i, &it);
            if (!o->quiet && it.board) /* the link reports no event count */
                fprintf(out, "ok    %s: %" PRIu64 " steps, %" PRIu64 " spikes\n", name, r->r.steps, r->r.spikes);
            else if (!o->quiet)
                fprintf(out, "ok    %s: %" PRIu64 " steps, %" PRIu64 " spikes, %" PRIu64 " events\n", name,
                        r->r.steps, r->r.spikes, r->r.events);
        } else if (r->verdict == V_SKIP) {
            if (!o->quiet) fprintf(out, "skip  %s: does not fit: %s\n", name, r->note);
        } else {
            reproducer(o, b, i, rep, sizeof rep);
            if (r->verdict == V_FAIL)
                fprintf(out, "FAIL  %s: first divergence at step %" PRIu64 " core %u slot %u neuron %s field %s: "
                             "ref %d rtl %d\n",
                        name, r->r.step, r->r.core, r->r.slot, r->r.neuron, r->r.field, r->r.ref, r->r.rtl);
            else
                fprintf(out, "ERROR %s: %s\n", name, r->note);
            fprintf(out, "      reproduce: %s\n", rep);
        }
    }
    fprintf(out, "verify: %" PRIu64 " checks: %" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " errors, %" PRIu64
                 " skipped (do not fit)\n",
            n, cnt[V_PASS], cnt[V_FAIL], cnt[V_ERROR], cnt[V_SKIP]);
    const int rc = cnt[V_FAIL] || cnt[V_ERROR] ? 1 : 0;
    if (!o->json)
        return rc;
    static const char *const vname[] = {"pass", "fail", "skip", "error"};
    jsonw j;
    jsonw_init(&j, stdout);
    jsonw_obj_begin(&j, NULL);
    jsonw_str(&j, "command", "verify");
    jsonw_uint(&j, "steps", o->steps);
    jsonw_uint(&j, "checks", n);
    jsonw_uint(&j, "passed", cnt[V_PASS]);
    jsonw_uint(&j, "failed", cnt[V_FAIL]);
    jsonw_uint(&j, "errors", cnt[V_ERROR]);
    jsonw_uint(&j, "skipped", cnt[V_SKIP]);
    jsonw_arr_begin(&j, "results");
    for (uint64_t i = 0; i < n; i++) {
        const result *r = &res[i];
        item it;
        batch_item(o, b, i, &it);
        const int rnd = !it.is_model;
        jsonw_obj_begin(&j, NULL);
        jsonw_str(&j, "kind", rnd ? "random" : "model");
        jsonw_str(&j, "file", rnd ? NULL : it.model);
        if (rnd) {
            jsonw_uint(&j, "seed", it.g.seed);
            jsonw_uint(&j, "neurons", it.g.neurons);
            jsonw_uint(&j, "inputs", it.g.inputs);
            jsonw_num(&j, "density", it.g.density);
            jsonw_int(&j, "levels", it.g.levels);
        } else {
            static const char *const na[] = {"seed", "neurons", "inputs", "density", "levels"};
            for (int k = 0; k < 5; k++) jsonw_null(&j, na[k]);
        }
        jsonw_str(&j, "config", it.config);
        jsonw_str(&j, "board", it.board);
        jsonw_num(&j, "rate", strtod(it.rate, NULL));
        jsonw_str(&j, "verdict", vname[r->verdict]);
        jsonw_uint(&j, "steps", r->r.steps);
        jsonw_uint(&j, "spikes", r->r.spikes);
        if (it.board) jsonw_null(&j, "events"); /* the link reports none */
        else jsonw_uint(&j, "events", r->r.events);
        if (r->verdict == V_FAIL) {
            jsonw_obj_begin(&j, "divergence");
            jsonw_uint(&j, "step", r->r.step);
            jsonw_uint(&j, "core", r->r.core);
            jsonw_uint(&j, "slot", r->r.slot);
            jsonw_str(&j, "neuron", r->r.neuron);
            jsonw_str(&j, "field", r->r.field);
            jsonw_int(&j, "ref", r->r.ref);
            jsonw_int(&j, "rtl", r->r.rtl);
            jsonw_obj_end(&j);
        } else {
            jsonw_null(&j, "divergence");
        }
        jsonw_str(&j, "note", r->verdict == V_SKIP || r->verdict == V_ERROR ? r->note : NULL);
        if (r->verdict == V_FAIL || r->verdict == V_ERROR) {
            reproducer(o, b, i, rep, sizeof rep);
            jsonw_str(&j, "reproduce", rep);
        } else {
            jsonw_null(&j, "reproduce");
        }
        jsonw_obj_end(&j);
    }
    jsonw_arr_end(&j);
    jsonw_obj_end(&j);
    loom_err e;
    if (jsonw_end(&j, &e) != LOOM_OK) {
        fprintf(stderr, "loom verify: %s\n", e.msg);
        return 1;
    }
    return rc;
}

int cmd_verify(int argc, char **argv)
{
    const char *C = "verify";
    opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    loom_err e;
    batch b;
    memset(&b, 0, sizeof b);
    b.models = calloc(MAX_MODELS, sizeof *b.models);
    if (!b.models) return cli_usage_error(C, "out of memory");
    loom_status st = pick_configs(&o, &b, &e);
    if (st == LOOM_OK && o.models_dir) st = list_models(o.models_dir, &b, &e);
    if (st == LOOM_OK) st = pick_boards(&o, &b, &e);
    farm *fm = NULL;
    result *res = NULL;
    /* every rank builds the same batch; a bad option fails on every rank alike */
    if (st == LOOM_OK) st = farm_open(&fm, &e);
    const uint64_t n = batch_items(&o, &b);
    if (st == LOOM_OK && !(res = calloc(n ? n : 1, sizeof *res))) st = loom_fail(&e, LOOM_E_NOMEM, "out of memory");
    const double t0 = cli_now();
    if (st == LOOM_OK) {
        for (uint64_t i = 0; i < n; i++)
            if (farm_owner(fm, i) == farm_rank(fm)) run_item(&o, &b, i, &res[i]);
        st = farm_collect(fm, n, sizeof *res, res, LOOM_OK, &e);
    }
    if (st == LOOM_OK && farm_rank(fm) == 0) {
        const double dt = cli_now() - t0;
        rc = report(&o, &b, res, n);
        fprintf(stderr, "verify: %" PRIu64 " checks in %.2f s on %d rank%s: %.2f checks/s\n", n, dt, farm_size(fm),
                farm_size(fm) > 1 ? "s" : "", dt > 0 ? (double)n / dt : 0.0);
    } else if (st != LOOM_OK) {
        rc = (!fm || farm_rank(fm) == 0) ? cli_report(C, &e) : 1;
    }
    free(res);
    for (unsigned m = 0; m < b.n_models; m++) free(b.models[m]);
    free(b.models);
    farm_close(fm);
    return rc;
}
