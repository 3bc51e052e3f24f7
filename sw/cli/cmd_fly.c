/*
 * cmd_fly.c -- `loom fly`: fly the blimp plant closed-loop with a controller.
 *
 * Two flights on the same plant, profile and noise seed: the controller
 * under test (the SNN network reached through the transport-independent
 * ctrl_backend: the reference model with --sim, a board or virtual board
 * behind the link with --port, checked step by step against a lockstep
 * reference model; or the PID itself) and the reference PID (kp 9, ki 0,
 * kd 7 at the plant's control rate).  path=ref in the summary names the
 * trajectory, the reference model's, in both modes: --sim and --port print
 * the same final line (docs/blimp.md).  Prints a comparison
 * table and the one-line summary the acceptance checks read:
 *
 *   blimp rmse_snn=.. rmse_pid=.. rmse_start=.. sse_snn=.. sse_pid=.. sse_start=.. overshoot_snn=..
 *         overshoot_pid=.. neurons=N path=ref
 *
 * --trace writes one CSV line per control period; --plot draws altitude vs
 * setpoint, motor commands and the controller's spike raster with gnuplot.
 * `loom demo blimp` calls cmd_fly with its own arguments.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loom_paths.h"
#include "cli.h"
#include "cli_opt.h"
#include "intr.h"
#include "board.h"
#include "ctrl.h"
#include "flight.h"
#include "ctrl_link.h"
#include "host.h"
#include "jsonw.h"
#include "plot.h"
#include "pid.h"
#include "plant.h"
#include "seir_text.h"

const char cmd_fly_summary[] = "fly the blimp altitude plant with the SNN controller and compare with the PID";

static const char usage_text[] =
    "usage: loom fly (--sim | --port PORT [--baud B] [--timeout-ms T] [--tries N]\n"
    "                                     [--max-payload BYTES])\n"
    "                [--seed S] [--controller NET.seir|pid] [--duration SEC]\n"
    "                [--profile demo|T:ALT,T:ALT,...] [--plant blimp|attitude|FILE]\n"
    "                [--trace FILE.csv]\n"
    "                [--plot FILE.png] [--quiet] [--json]\n"
    "       loom fly --sim --heldout [--controller NET.seir] [--plant NAME|FILE] [--json]\n"
    "Flies the blimp altitude plant (docs/blimp.md) with the controller under\n"
    "test and with the reference PID (kp 9, ki 0, kd 7) on the same plant and\n"
    "noise seed, prints a comparison table and a final line\n"
    "'blimp rmse_snn=.. ... neurons=N path=ref'.\n"
    "--sim runs the network on the bit-exact reference model.  --port PORT runs\n"
    "it on a board or virtual board (/dev/ttyUSB0, /dev/pts/N from loom vboard,\n"
    "tcp:HOST:PORT; --baud [3000000]; --timeout-ms [500], --tries [8] and\n"
    "--max-payload as for loom run): the network is mapped for the board's arch\n"
    "and loaded, then every control period sends the graded inputs, runs one\n"
    "step and reads the read-outs' v back (and the spike words, for --plot's\n"
    "raster).  A reference model\n"
    "runs in lockstep and the flight stops at the first step that differs, so a\n"
    "completed --port flight is the --sim flight: same --trace file, same final\n"
    "line (path=ref names the trajectory: the reference model's).\n"
    "Defaults: seed 1, controller examples/blimp/controller.seir, 60 s, the\n"
    "demo profile (steps between 1 and 3 m every 10 s), default plant.\n"
    "--json prints the table as one JSON object instead (docs/json.md).\n"
    "--plant attitude flies a quadrotor attitude axis at 1 kHz instead, against a\n"
    "tuned PID (kp 30, kd 2), with examples/attitude/controller.seir and a 5 s\n"
    "demo profile (docs/attitude.md); --plant FILE reads the blimp's parameters.\n"
    "--heldout flies the held-out protocol instead (docs/blimp.md): 24 flights of\n"
    "60 s on varied plants with seeds evolution never uses; prints mean and worst\n"
    "RMSE, steady-state error and overshoot of the controller, the un-evolved\n"
    "start (built for the icebreaker's arch) and the PID.\n"
    "\n"
    "examples:\n"
    "  loom fly --sim --seed 1 --plot blimp.png\n"
    "  loom fly --sim --controller pid --duration 30 --json\n"
    "  loom fly --sim --heldout\n"
    "  loom fly --sim --plant attitude --plot attitude.png\n"
    "  loom vboard --config c1 --pty-file pty.txt &\n"
    "  loom fly --port \"$(cat pty.txt)\" --seed 1 --trace board.csv\n";

typedef struct opts {
    const char *controller, *profile, *plant_file, *trace, *plot, *port;
    int64_t baud, timeout_ms, tries, max_payload;
    uint64_t seed;
    double duration;
    int sim, quiet, json, heldout, set_duration, set_controller;
    const flight_plant *kind;
} opts;

/* Spikes of the controller, for the raster. */
typedef struct raster {
    size_t n, cap;
    uint32_t *step, *neuron;
    uint32_t t;
    int oom;
} raster;

static void on_spikes(void *ctx, const uint32_t *idx, uint32_t count)
{
    raster *r = ctx;
    if (r->n + count > r->cap && !r->oom) {
        size_t cap = (r->cap ? r->cap * 2 : 4096);
        while (cap < r->n + count) cap *= 2;
        uint32_t *s = realloc(r->step, cap * sizeof *s);
        if (s) r->step = s;
        uint32_t *n = s ? realloc(r->neuron, cap * sizeof *n) : NULL;
        if (n) r->neuron = n;
        if (!s || !n) r->oom = 1;
        else r->cap = cap;
    }
    for (uint32_t k = 0; k < count && !r->oom; k++) {
        r->step[r->n] = r->t;
        r->neuron[r->n++] = idx[k];
    }
    r->t++;
}

/* Set by `loom demo` to measure the board's side of the loop: called with
 * end = 0 just before the first control period of a --port flight (after
 * the load) and with end = 1 after its last. */
void (*fly_board_hook)(void *ctx, int end);
void *fly_board_hook_ctx;

/* The controller under test: logs the two parts' commands per period. */
typedef struct snn_log {
    ctrl_snn snn;
    double *u_pd, *u_i;
    size_t n;
    int port; /* the network runs behind the link */
} snn_log;

static loom_status snn_log_step(void *ctx, double err, double derr, double *u, loom_err *e)
{
    snn_log *s = ctx;
    loom_status st = loom_intr_check(e); /* the periods so far stay: n counts them */
    if (st)
        return st;
    if (s->n == 0 && s->port && fly_board_hook) fly_board_hook(fly_board_hook_ctx, 0);
    st = ctrl_snn_step(&s->snn, err, derr, u, e);
    if (!st) {
        s->u_pd[s->n] = s->snn.last_u[CTRL_PD];
        s->u_i[s->n] = s->snn.last_u[CTRL_I];
        s->n++;
    }
    return st;
}

static int parse(int argc, char **argv, opts *o)
{
    *o = (opts){.controller = "examples/blimp/controller.seir", .profile = "demo", .seed = 1, .duration = 60,
            .baud = 3000000, .timeout_ms = 500, .tries = 8};
    cli_plant plant = {0};
    const cli_opt opts[] = {
        {"--sim", NULL, CLI_FLAG, CLI_DST(o->sim)},
        {"--quiet", NULL, CLI_FLAG, CLI_DST(o->quiet)},
        {"--json", NULL, CLI_FLAG, CLI_DST(o->json)},
        {"--heldout", NULL, CLI_FLAG, CLI_DST(o->heldout)},
        {"--seed", NULL, CLI_U64, CLI_DST(o->seed)},
        {"--duration", NULL, CLI_DOUBLE, .dmin = 0.1, .dmax = 3600, CLI_DST(o->duration), .seen = &o->set_duration},
        {"--controller", NULL, CLI_PATH, CLI_DST(o->controller), .seen = &o->set_controller},
        {"--port", NULL, CLI_PATH, CLI_DST(o->port)},
        CLI_LINK_ROWS(o->baud, o->timeout_ms, o->tries),
        CLI_PAYLOAD_ROW(o->max_payload),
        {"--profile", NULL, CLI_STRING, CLI_DST(o->profile)},
        {"--plant", NULL, CLI_CUSTOM, .fn = cli_opt_plant, .dst = &plant},
        {"--trace", NULL, CLI_PATH, CLI_DST(o->trace)},
        {"--plot", NULL, CLI_PATH, CLI_DST(o->plot)},
    };
    const cli_spec spec = {.cmd = "fly", CLI_TABLE(opts), .usage = usage_text, .last_wins = 1};
    int pr = cli_parse_args(&spec, argc, argv);
    if (pr)
        return pr;
    if (cli_plant_get("fly", &plant, &o->kind, &o->plant_file)) return 2;
    if (!o->set_controller) o->controller = o->kind->controller;
    if (!o->set_duration) o->duration = o->kind->demo_duration;
    /* a relative controller path missing here is looked up in the data folder */
    static char ctl[4096];
    if (strcmp(o->controller, "pid"))
        o->controller = loom_data_file(o->controller, ctl, sizeof ctl);
    if (!o->sim && !o->port)
        return cli_usage_error("fly", "say where the controller runs: --sim (the reference model) "
                                      "or --port PORT (a board or virtual board)");
    if (o->sim && o->port)
        return cli_usage_error("fly", "--sim and --port exclude each other");
    if (o->heldout && o->port)
        return cli_usage_error("fly", "--heldout flies on the reference model: use it with --sim");
    if (o->plot && cli_check_png("fly", "--plot", o->plot))
        return 2;
    return 0;
}

static loom_status write_trace(const char *path, const plant_sample *a, const plant_sample *b,
                               const snn_log *sl, size_t n, loom_err *e)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f) return loom_fail(e, LOOM_E_IO, "%s: cannot write: %s", path, strerror(errno));
    fprintf(f, "t_s,setpoint_m,z_snn_m,meas_snn_m,u_snn,u_pd,u_i,z_pid_m,meas_pid_m,u_pid\n");
    for (size_t k = 0; k < n; k++)
        fprintf(f, "%.3f,%.3f,%.9f,%.9f,%.9f,%.9f,%.9f,%.9f,%.9f,%.9f\n", a[k].t, a[k].sp, a[k].z, a[k].meas,
                a[k].u, sl ? sl->u_pd[k] : a[k].u, sl ? sl->u_i[k] : 0.0, b[k].z, b[k].meas, b[k].u);
    int bad = ferror(f);
    if (f != stdout) bad |= fclose(f);
    return bad ? loom_fail(e, LOOM_E_IO, "%s: write error", path) : LOOM_OK;
}

/* What the flight plot's script needs besides the PNG name. */
typedef struct fly_plot {
    const char *flight, *raster, *where; /* data files; controller path shown in the title */
    double t_end, u_max;
    uint32_t n_neurons;
    const flight_plant *kind;
} fly_plot;

/* Every string from outside (the PNG name, the path in the title, the data
 * files) goes through plot_put_quoted, so none can start a gnuplot command. */
static void fly_script(FILE *g, const char *png, const void *ctx)
{
    const fly_plot *p = ctx;
    fputs("set terminal pngcairo size 1000,1000 font ',10'\nset output ", g);
    plot_put_quoted(g, png);
    fputs("\nset termoption noenhanced\nset multiplot layout 3,1 title ", g);
    char title[600];
    snprintf(title, sizeof title, "%s: SNN controller (%s) vs PID", strcmp(p->kind->name, "blimp") ?
             "quadrotor attitude axis" : "blimp altitude", p->where);
    plot_put_quoted(g, title);
    fprintf(g, "\nset grid\nset xrange [0:%g]\nset ylabel '%s (%s)'\nplot ", p->t_end,
            strcmp(p->kind->name, "blimp") ? "angle" : "altitude", p->kind->unit);
    plot_put_quoted(g, p->flight);
    fputs(" u 1:2 w steps lw 2 lc rgb 'black' t 'setpoint', "
          "'' u 1:3 w l lw 2 lc rgb '#d62728' t 'SNN', '' u 1:4 w l lw 1.5 lc rgb '#1f77b4' t 'PID'\n", g);
    fprintf(g, "set ylabel 'motor command'\nset yrange [%g:%g]\nplot ", -1.1 * p->u_max, 1.1 * p->u_max);
    plot_put_quoted(g, p->flight);
    fputs(" u 1:6 w steps lw 1.5 lc rgb '#1f77b4' t 'PID', '' u 1:5 w steps lc rgb '#d62728' t 'SNN'\n", g);
    fprintf(g, "set ylabel 'neuron'\nset xlabel 'time (s)'\nset yrange [-1:%u]\nplot ",
            p->n_neurons ? p->n_neurons : 1);
    plot_put_quoted(g, p->raster);
    fputs(" u 1:2 w dots lc rgb 'black' t 'spikes'\nunset multiplot\nset output\n", g);
}

/* The motor panel shows the range the motors can follow (+-1.1 u_max): the
 * derivative kicks at setpoint steps go past it and are cut. */
static loom_status plot(const char *png, const plant_sample *a, const plant_sample *b, size_t n,
                        const raster *r, uint32_t n_neurons, double dt_ctrl, double u_max, const char *where,
                        const flight_plant *kind, loom_err *e)
{
    char dir[] = "/tmp/loom-fly-XXXXXX";
    if (!mkdtemp(dir)) return loom_fail(e, LOOM_E_IO, "plot: cannot make a temporary folder: %s", strerror(errno));
    char fa[64], fr[64];
    snprintf(fa, sizeof fa, "%s/flight.dat", dir);
    snprintf(fr, sizeof fr, "%s/raster.dat", dir);
    loom_status st = LOOM_OK;
    FILE *f = fopen(fa, "w");
    if (f) {
        for (size_t k = 0; k < n; k++)
            fprintf(f, "%.3f %.4f %.5f %.5f %.4f %.4f\n", a[k].t, a[k].sp, a[k].z, b[k].z, a[k].u, b[k].u);
        fclose(f);
    }
    FILE *g = fopen(fr, "w");
    if (g) {
        for (size_t k = 0; r && k < r->n; k++) fprintf(g, "%.3f %u\n", r->step[k] * dt_ctrl, r->neuron[k]);
        if (!r || r->n == 0) fprintf(g, "0 -1\n"); /* keep gnuplot happy with an empty raster */
        fclose(g);
    }
    if (!f || !g) st = loom_fail(e, LOOM_E_IO, "plot: cannot write data in %s", dir);
    if (!st) {
        fly_plot p = {fa, fr, where, n ? a[n - 1].t : 1.0, u_max, n_neurons, kind};
        st = plot_script_png(png, fly_script, &p, e);
    }
    remove(fa);
    remove(fr);
    rmdir(dir);
    return st;
}

/* --heldout: the held-out protocol (flight.h) for the controller, the
 * un-evolved start and the PID; a table, or JSON. */
static int fly_heldout(const opts *o, const plant_params *pp)
{
    loom_err e;
    seir_net *net = NULL;
    loom_status st = LOOM_OK;
    if (strcmp(o->controller, "pid")) {
        st = seir_parse_file(o->controller, &net, &e);
        if (!st && (st = ctrl_check_net(net, &e))) loom_err_prefix(&e, "%s", o->controller);
    }
    const board_info *bi = st ? NULL : board_find("icebreaker", &e);
    if (!st && !bi) st = e.status;
    flight_summary s[3];
    if (!st) st = flight_heldout(o->kind, pp, net, &bi->arch.arch, s, &e);
    seir_net_free(net);
    if (st) return cli_report("fly", &e);
    if (!o->json) {
        flight_heldout_print(o->kind, s, stdout);
        return 0;
    }
    jsonw j;
    jsonw_init(&j, stdout);
    jsonw_obj_begin(&j, NULL);
    jsonw_str(&j, "command", "fly");
    jsonw_str(&j, "mode", "heldout");
    jsonw_str(&j, "controller", o->controller);
    jsonw_uint(&j, "flights", s[1].n);
    jsonw_str(&j, "plant", o->kind->name);
    jsonw_num(&j, "duration_s", o->kind->heldout_duration);
    static const char *const who[3] = {"controller_under_test", "unevolved_start", "pid"};
    for (int k = 0; k < 3; k++) {
        if (!s[k].n) {
            jsonw_null(&j, who[k]);
            continue;
        }
        jsonw_obj_begin(&j, who[k]);
        jsonw_num(&j, "rmse_mean_m", s[k].rmse);
        jsonw_num(&j, "rmse_worst_m", s[k].rmse_worst);
        jsonw_num(&j, "steady_state_error_mean_m", s[k].sse);
        jsonw_num(&j, "steady_state_error_worst_m", s[k].sse_worst);
        jsonw_num(&j, "overshoot_mean_m", s[k].overshoot);
        jsonw_num(&j, "overshoot_worst_m", s[k].overshoot_worst);
        jsonw_num(&j, "effort_mean", s[k].effort);
        jsonw_num(&j, "cost_mean", s[k].cost);
        jsonw_obj_end(&j);
    }
    if (s[0].n) {
        jsonw_num(&j, "rmse_ratio_pid", s[0].rmse / s[2].rmse);
        jsonw_num(&j, "rmse_ratio_start", s[0].rmse / s[1].rmse);
    } else {
        jsonw_null(&j, "rmse_ratio_pid");
        jsonw_null(&j, "rmse_ratio_start");
    }
    jsonw_obj_end(&j);
    return jsonw_end(&j, &e) ? cli_report("fly", &e) : 0;
}

int cmd_fly(int argc, char **argv)
{
    loom_intr_install(); /* SIGINT/SIGTERM stop the run cleanly (intr.h) */
    opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    loom_err e;
    plant_params pp;
    flight_plant_params(o.kind, &pp);
    if (o.plant_file && plant_params_load(o.plant_file, &pp, &e)) return cli_report("fly", &e);
    if (o.heldout) return fly_heldout(&o, &pp);
    plant_profile pr;
    if (!strcmp(o.profile, "demo")) flight_plant_demo(o.kind, &pr);
    else if (plant_profile_parse(o.profile, &pr, &e)) return cli_report("fly", &e);
    else pr.sse_window = o.kind->sse_window;

    const size_t cap = (size_t)(o.duration * pp.ctrl_rate) + 2;
    plant_sample *la = calloc(cap, sizeof *la), *lb = calloc(cap, sizeof *lb);
    snn_log sl = {.u_pd = calloc(cap, sizeof(double)), .u_i = calloc(cap, sizeof(double))};
    raster ras = {0};
    seir_net *net = NULL;
    ctrl_ref ref = {0};
    ctrl_link lnk;
    memset(&lnk, 0, sizeof lnk);
    loom_host *host = NULL;
    uint32_t neurons = 0;
    int is_pid = !strcmp(o.controller, "pid");
    if (is_pid && o.port) {
        free(la);
        free(lb);
        free(sl.u_pd);
        free(sl.u_i);
        return cli_usage_error("fly", "--controller pid runs on the host; --port needs a network (NET.seir)");
    }
    loom_status st = LOOM_OK;
    int stopped = 0; /* the signal that ended the flight early */
    if (!la || !lb || !sl.u_pd || !sl.u_i) st = loom_fail(&e, LOOM_E_NOMEM, "fly: out of memory");

    /* The controller under test. */
    size_t na = 0, nb = 0;
    pid pa, pb;
    const double dt = 1.0 / pp.ctrl_rate;
    if (!st && is_pid) {
        pid_init(&pa, o.kind->kp, o.kind->ki, o.kind->kd, dt);
        st = plant_fly(&pp, o.seed, &pr, o.duration, (plant_ctrl){&pa, pid_step}, la, &na, &e);
    } else if (!st) {
        st = seir_parse_file(o.controller, &net, &e);
        if (!st && (st = ctrl_check_net(net, &e))) loom_err_prefix(&e, "%s", o.controller);
        if (!st && o.port) {
            /* the board: open, map for its arch, load; a reference model in
             * lockstep checks every step */
            loom_host_opts ho;
            loom_host_opts_default(&ho);
            ho.timeout_ms = (int)o.timeout_ms;
            ho.max_tries = (unsigned)o.tries;
            ho.max_payload = (unsigned)o.max_payload;
            st = loom_host_open(o.port, (unsigned)o.baud, &ho, &host, &e);
            if (!st && (st = ctrl_link_open(host, net, 1, &lnk, &e)))
                loom_err_prefix(&e, "%s on %s", o.controller, o.port);
            lnk.read_spikes = o.plot != NULL; /* the raster is the only use of the spike words */
            sl.port = 1;
        } else if (!st) {
            st = ctrl_ref_open(net, &ref, &e);
        }
        if (!st) {
            neurons = net->n_neurons;
            st = flight_plant_snn(o.kind, net, &sl.snn, o.port ? ctrl_link_backend(&lnk) : ctrl_ref_backend(&ref), &e);
            sl.snn.on_spikes = on_spikes;
            sl.snn.spike_ctx = &ras;
            if (!st) st = plant_fly(&pp, o.seed, &pr, o.duration, (plant_ctrl){&sl, snn_log_step}, la, &na, &e);
            if (!st && o.port && fly_board_hook) fly_board_hook(fly_board_hook_ctx, 1);
            if (st == LOOM_E_INTERRUPTED && sl.n > 0) {
                /* keep the complete control periods: the PID flies as long */
                stopped = loom_intr_pending();
                na = sl.n;
                o.duration = (double)(na - 1) * dt;
                st = LOOM_OK;
            }
            if (!st && ras.oom) st = loom_fail(&e, LOOM_E_NOMEM, "fly: out of memory for the raster");
        }
    }
    /* The reference PID on the same plant, profile and seed. */
    if (!st) {
        pid_init(&pb, o.kind->kp, o.kind->ki, o.kind->kd, dt);
        st = plant_fly(&pp, o.seed, &pr, o.duration, (plant_ctrl){&pb, pid_step}, lb, &nb, &e);
    }
    /* The un-evolved starting point of `loom evolve` (the structured prior,
     * both parts) on the reference model, same plant, profile and seed: what
     * evolution is measured against (rmse_start). */
    plant_sample *lc = NULL;
    size_t nc = 0;
    if (!st) {
        lc = calloc(cap, sizeof *lc);
        double *gp = calloc(ctrl_n_genes(CTRL_PD), sizeof *gp), *gi = calloc(ctrl_n_genes(CTRL_I), sizeof *gi);
        seir_net *sn = NULL;
        ctrl_ref sr = {0};
        if (!lc || !gp || !gi) st = loom_fail(&e, LOOM_E_NOMEM, "fly: out of memory");
        if (!st) {
            ctrl_genes_prior(CTRL_PD, gp);
            ctrl_genes_prior(CTRL_I, gi);
            const board_info *bi = board_find("icebreaker", &e);
            st = bi ? ctrl_build_arch(&bi->arch.arch, gp, gi, &sn, &e) : e.status;
        }
        if (!st) st = ctrl_ref_open(sn, &sr, &e);
        if (!st) {
            ctrl_snn sc;
            st = flight_plant_snn(o.kind, sn, &sc, ctrl_ref_backend(&sr), &e);
            if (!st) st = plant_fly(&pp, o.seed, &pr, o.duration, (plant_ctrl){&sc, ctrl_snn_step}, lc, &nc, &e);
            if (st) loom_err_prefix(&e, "the un-evolved starting point");
        }
        ctrl_ref_close(&sr);
        seir_net_free(sn);
        free(gp);
        free(gi);
    }
    if (!st && o.trace) st = write_trace(o.trace, la, lb, is_pid ? NULL : &sl, na, &e);

    if (!st) {
        plant_metrics ma, mb, mc;
        plant_metrics_compute(la, na, &pr, &ma);
        plant_metrics_compute(lb, nb, &pr, &mb);
        plant_metrics_compute(lc, nc, &pr, &mc);
        if (o.json) {
            jsonw j;
            jsonw_init(&j, stdout);
            jsonw_obj_begin(&j, NULL);
            jsonw_str(&j, "command", "fly");
            jsonw_str(&j, "controller", o.controller);
            jsonw_str(&j, "network_ran_on", o.port ? "board" : "reference_model");
            jsonw_str(&j, "port", o.port);
            jsonw_uint(&j, "seed", o.seed);
            jsonw_num(&j, "duration_s", o.duration);
            jsonw_int(&j, "setpoints", pr.n);
            jsonw_str(&j, "plant", o.plant_file);
            jsonw_str(&j, "plant_kind", o.kind->name);
            jsonw_uint(&j, "neurons", neurons);
            const plant_metrics *mm[3] = {&ma, &mb, &mc};
            static const char *const who[3] = {"controller_under_test", "pid", "unevolved_start"};
            for (int k = 0; k < 3; k++) {
                jsonw_obj_begin(&j, who[k]);
                jsonw_num(&j, "rmse_m", mm[k]->rmse);
                jsonw_num(&j, "overshoot_m", mm[k]->overshoot);
                jsonw_num(&j, "settling_s", mm[k]->settling);
                jsonw_num(&j, "steady_state_error_m", mm[k]->sse);
                jsonw_obj_end(&j);
            }
            if (!is_pid) {
                ref_counters c;
                ref_get_counters(o.port ? lnk.shadow.sim : ref.sim, &c);
                jsonw_uint(&j, "spikes", c.spikes);
            } else {
                jsonw_null(&j, "spikes");
            }
            if (o.port)
                jsonw_uint(&j, "frames_resent", loom_host_stats(host).duplicates);
            else
                jsonw_null(&j, "frames_resent");
            jsonw_obj_end(&j);
            st = jsonw_end(&j, &e);
        } else if (!o.quiet) {
            printf("flight: %g s, seed %llu, %d setpoints, plant %s, controller %s\n", o.duration,
                   (unsigned long long)o.seed, pr.n, o.plant_file ? o.plant_file : "defaults", o.controller);
            printf("%-24s %12s %12s\n", "", is_pid ? "PID (test)" : "SNN", "PID");
            char row[64];
            snprintf(row, sizeof row, "%s RMSE (%s)", strcmp(o.kind->name, "blimp") ? "angle" : "altitude",
                     o.kind->unit);
            printf("%-24s %12.4f %12.4f\n", row, ma.rmse, mb.rmse);
            snprintf(row, sizeof row, "overshoot (%s)", o.kind->unit);
            printf("%-24s %12.4f %12.4f\n", row, ma.overshoot, mb.overshoot);
            printf("%-24s %12.2f %12.2f\n", "settling time (s)", ma.settling, mb.settling);
            snprintf(row, sizeof row, "steady-state error (%s)", o.kind->unit);
            printf("%-24s %12.4f %12.4f\n", row, ma.sse, mb.sse);
            printf("%-24s %12u %12s\n", "neurons", neurons, "-");
            if (!is_pid) {
                ref_counters c;
                ref_get_counters(o.port ? lnk.shadow.sim : ref.sim, &c);
                printf("%-24s %12llu %12s\n", "spikes", (unsigned long long)c.spikes, "-");
            }
            if (o.port) {
                printf("%-24s %12s %12s\n", "network ran on", o.port, "-");
                printf("%-24s %12u %12s\n", "link frames resent", loom_host_stats(host).duplicates, "-");
            }
        }
        if (o.plot) {
            st = plot(o.plot, la, lb, na, is_pid ? NULL : &ras, neurons, dt, pp.u_max,
                      o.port ? "on the board behind the link" : "reference model", o.kind, &e);
            if (!st && !o.quiet && !o.json) printf("fly: wrote %s\n", o.plot);
        }
        if (!st && !o.json)
            printf("%s rmse_snn=%.4f rmse_pid=%.4f rmse_start=%.4f sse_snn=%.4f sse_pid=%.4f "
                   "sse_start=%.4f overshoot_snn=%.4f overshoot_pid=%.4f neurons=%u path=ref\n",
                   o.kind->name, ma.rmse, mb.rmse, mc.rmse, ma.sse, mb.sse, mc.sse, ma.overshoot, mb.overshoot, neurons);
    }
    if (!st && stopped) {
        fprintf(stderr, "loom fly: interrupted by %s after %zu control periods (%.2f s)%s%s%s%s\n",
                loom_intr_name(stopped), na, o.duration, o.trace || o.plot ? "; the flight so far is in " : "",
                o.trace ? o.trace : "", o.trace && o.plot ? " and " : "", o.plot ? o.plot : "");
        rc = 128 + stopped;
    }
    ctrl_ref_close(&ref);
    ctrl_link_close(&lnk);
    loom_host_close(host);
    seir_net_free(net);
    free(la);
    free(lb);
    free(lc);
    free(sl.u_pd);
    free(sl.u_i);
    free(ras.step);
    free(ras.neuron);
    return st ? cli_report("fly", &e) : rc;
}
