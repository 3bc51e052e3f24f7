/*
 * cmd_demo.c -- `loom demo NAME`: the project's showcase jobs.
 *
 * `loom demo blimp` flies the shipped evolved controller
 * (examples/blimp/controller.seir) on the 60 s demo profile through a
 * virtual board and compares it with the PID:
 *
 *   1. `loom fly --sim` (reference model alone) writes the trajectory to match;
 *   2. the virtual board of the board (--board, default icebreaker: its own
 *      top and arch config, the RTL with its UART under Verilator,
 *      sim/vboard.h) is served on a pty by a thread of this process; a
 *      controller built for another arch than the board's is an error (no
 *      fallback); --config picks any virtual board by name;
 *   3. `loom fly --port PTY` compiles, maps and loads the controller onto it
 *      and flies the same profile and seed, writing the plot;
 *   4. the two trajectories are compared line by line: identical, the table
 *      and the summary line are printed with path=vboard; different, the demo
 *      fails loudly (exit 1) and keeps both traces.
 * --sim skips the board (path=ref).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loom_paths.h"
#include "cli.h"
#include "cli_opt.h"
#include "cli_model.h"
#include "cli_vbthread.h"
#include "transport.h"
#include "board.h"
#include "model.h"
#include "vboard.h"
#include "flight.h"

const char cmd_demo_summary[] = "showcase jobs: 'loom demo blimp|attitude' flies an evolved SNN controller";

int cmd_fly(int argc, char **argv);
extern void (*fly_board_hook)(void *ctx, int end);
extern void *fly_board_hook_ctx;

/* The board's counters at the start and the end of the control periods. */
typedef struct loop_meter {
    vboard *b;
    uint64_t cyc[2], in[2], out[2], xc[2], xn[2];
    int seen[2];
    uint32_t clk_hz, baud;
} loop_meter;

/* The loop's figures: per period bytes each way, the round trip in the
 * board's simulated time, the rate the virtual board sustained and the rate
 * a real link at this baud allows (10 bits per byte, request then answer). */
static void loop_report(const loop_meter *m, uint64_t periods, const char *board, double ctrl_hz, int fast,
                        char *buf, size_t cap)
{
    const double bin = (double)(m->in[1] - m->in[0]) / (double)periods;
    const double bout = (double)(m->out[1] - m->out[0]) / (double)periods;
    const uint64_t nx = m->xn[1] - m->xn[0]; /* one per period, more if the host resent */
    const double cyc = (double)(m->xc[1] - m->xc[0]) / (double)periods; /* resends included */
    const double rt_us = 1e6 * cyc / m->clk_hz;
    const double link_hz = m->baud / (10.0 * (bin + bout));
    int n = snprintf(buf, cap,
             "loop: %llu control periods at %g Hz through the %s virtual board at %u baud: %.1f bytes to the "
             "board and %.1f back per period; round trip %.1f us of simulated time (%.0f cycles at %.0f MHz, "
             "%llu exchanges)\n",
             (unsigned long long)periods, ctrl_hz, board, m->baud, bin, bout, rt_us, cyc, m->clk_hz / 1e6,
             (unsigned long long)nx);
    if (fast && n > 0 && (size_t)n < cap) /* the machine-readable line of the fast plant (tests/bench) */
        snprintf(buf + n, cap - (size_t)n,
                 "fastloop vboard_hz=%.0f board_hz_max=%.0f bytes_in=%.1f bytes_out=%.1f round_trip_us=%.1f\n",
                 1e6 / rt_us, link_hz, bin, bout, rt_us);
}

static void on_board(void *ctx, int end)
{
    loop_meter *m = ctx; /* the board thread is idle here: it answered and waits for the next request */
    m->cyc[end] = vboard_cycles(m->b);
    m->in[end] = vboard_bytes_in(m->b);
    m->out[end] = vboard_bytes_out(m->b);
    m->xc[end] = vboard_exchange_cycles(m->b, &m->xn[end]);
    m->seen[end] = 1;
}

static const char usage_text[] =
    "usage: loom demo blimp|attitude [--plant blimp|attitude] [--seed S]\n"
    "                       [--controller NET.seir] [--plot FILE.png] [--duration SEC]\n"
    "                       [--board icebreaker | --config NAME] [--sim]\n"
    "Flies the shipped evolved spiking controller (160 neurons) through a virtual\n"
    "board (the RTL with its UART under Verilator, on a pty served by this\n"
    "process) and the PID on the same plant and noise seed over the demo profile;\n"
    "checks that the trajectory equals the reference model's (fails otherwise),\n"
    "prints the held-out table (loom fly --sim --heldout), the comparison, the\n"
    "loop measured on the board (bytes per period, round trip in simulated time)\n"
    "and the summary line 'blimp rmse_snn=.. ... board=icebreaker path=vboard'.\n"
    "The controller must be built for the board's arch (no fallback).  --sim\n"
    "flies on the reference model only (path=ref).  blimp (docs/blimp.md):\n"
    "altitude at 10 Hz, 60 s, examples/blimp/controller.seir, plot\n"
    "build/demo/blimp.png.  attitude (docs/attitude.md): a quadrotor attitude\n"
    "axis at 1 kHz, 5 s, examples/attitude/controller.seir, plot\n"
    "build/demo/attitude.png; the board's spike words are not read (the plot\n"
    "comes from the identical reference flight) and a 'fastloop ...' line\n"
    "gives the loop's figures.\n"
    "\n"
    "examples:\n"
    "  loom demo blimp                       # what make demo runs\n"
    "  loom demo blimp --seed 4 --plot seed4.png\n"
    "  loom demo attitude --duration 1\n"
    "  loom demo blimp --sim --controller my.seir\n";

/* mkdir -p of the folder part of path. */
static int make_parent(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0777) && errno != EEXIST) return -1;
        *p = '/';
    }
    return 0;
}

/* Runs cmd_fly with stdout going to the file `capture` (stderr untouched). */
static int fly_captured(int argc, char **argv, const char *capture)
{
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (saved < 0 || fd < 0) {
        if (saved >= 0) close(saved);
        if (fd >= 0) close(fd);
        fprintf(stderr, "loom demo: cannot write %s: %s\n", capture, strerror(errno));
        return 1;
    }
    dup2(fd, STDOUT_FILENO);
    close(fd);
    int rc = cmd_fly(argc, argv);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    return rc;
}


/* Compares two trace files line by line; 0 when identical, else the first
 * differing line (1-based) in *line. */
static int traces_differ(const char *a, const char *b, long *line, long *lines)
{
    FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
    int differ = !fa || !fb;
    *line = 0;
    *lines = 0;
    char la[512], lb[512];
    while (!differ) {
        char *ra = fgets(la, sizeof la, fa), *rb = fgets(lb, sizeof lb, fb);
        if (!ra && !rb) break;
        ++*lines;
        if (!ra || !rb || strcmp(la, lb)) {
            differ = 1;
            *line = *lines;
        }
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return differ;
}

/* Copies the captured output of the board flight to stdout, with the
 * summary line's path=ref turned into `board=BOARD path=PATH` (no board:
 * just the path); the note goes before it. */
static char replay_prefix[32] = "blimp "; /* the summary line's first word and a space */

static int replay(const char *capture, const char *note, const char *board, const char *path)
{
    FILE *f = fopen(capture, "r");
    if (!f) return -1;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        char *p = strstr(line, " path=ref\n");
        if (!strncmp(line, replay_prefix, strlen(replay_prefix)) && p) {
            if (note) fputs(note, stdout);
            *p = 0; /* the line is printed as it was, with the path replaced */
            if (board)
                printf("%s board=%s path=%s\n", line, board, path);
            else
                printf("%s path=%s\n", line, path);
            continue;
        }
        fputs(line, stdout);
    }
    free(line);
    fclose(f);
    return 0;
}

/* The held-out table of the controller (loom fly --sim --heldout). */
static int demo_heldout(const char *controller, const flight_plant *kind)
{
    char *av[] = {"fly", "--sim", "--heldout", "--plant", (char *)kind->name, "--controller", (char *)controller,
                  NULL};
    fflush(stdout);
    int rc = cmd_fly(7, av);
    fflush(stdout);
    if (rc) fprintf(stderr, "loom demo: the held-out flights failed\n");
    return rc;
}

int cmd_demo(int argc, char **argv)
{
    const char *name = NULL, *plant = NULL, *seed = "1", *controller = NULL, *png = NULL;
    const char *duration = NULL, *config = NULL;
    const board_info *bi = board_default();
    int config_given = 0, sim_only = 0;
    const cli_opt opts[] = {
        {"--sim", NULL, CLI_FLAG, CLI_DST(sim_only)},
        {"--seed", NULL, CLI_STRING, CLI_DST(seed)},
        {"--controller", NULL, CLI_PATH, CLI_DST(controller)},
        {"--plot", NULL, CLI_PATH, CLI_DST(png)},
        {"--duration", NULL, CLI_STRING, CLI_DST(duration)},
        {"--plant", NULL, CLI_STRING, CLI_DST(plant)},
        {"--board", NULL, CLI_CUSTOM, .fn = cli_opt_board, .dst = &bi},
        {"--config", NULL, CLI_STRING, CLI_DST(config), .seen = &config_given},
    };
    const cli_spec spec = {.cmd = "demo", CLI_TABLE(opts),
                           .pos = &name, .pos_twice = "one demo expected, got '%s' and '%s'",
                           .usage = usage_text};
    CLI_PARSE_OR_RETURN(&spec, argc, argv);
    if (!name) {
        fputs(usage_text, stderr);
        return 2;
    }
    const flight_plant *kind = flight_plant_find(name);
    if (!kind) return cli_usage_error("demo", "unknown demo '%s' (known: %s)", name, flight_plant_names);
    if (plant && !(kind = flight_plant_find(plant))) /* --plant NAME picks the plant */
        return cli_usage_error("demo", "--plant: unknown plant '%s' (known: %s)", plant, flight_plant_names);
    if (!config_given)
        config = bi->name; /* the board's own virtual board, as loom vboard --board */
    const int fast = strcmp(kind->name, "blimp") != 0;
    char png_def[64], dur_def[32];
    snprintf(png_def, sizeof png_def, "build/demo/%s.png", kind->name);
    snprintf(dur_def, sizeof dur_def, "%g", kind->demo_duration);
    if (!png)
        png = png_def;
    if (!duration)
        duration = dur_def;
    if (!controller)
        controller = kind->controller;
    char ctl[4096]; /* a relative path missing here: the data folder's (the shipped controller) */
    if (strcmp(controller, "pid"))
        controller = loom_data_file(controller, ctl, sizeof ctl);
    if (!strcmp(controller, "pid"))
        return cli_usage_error("demo", "--controller needs a network (NET.seir): the demo compares it with the PID");
    if (make_parent(png)) return cli_usage_error("demo", "cannot create the folder of %s: %s", png, strerror(errno));
    if (sim_only) {
        if (demo_heldout(controller, kind)) return 1;
        char *av[] = {"fly", "--sim", "--plant", (char *)kind->name, "--seed", (char *)seed, "--controller",
                      (char *)controller, "--duration", (char *)duration, "--profile", "demo", "--plot", (char *)png,
                      NULL};
        return cmd_fly(14, av);
    }

    char dir[] = "/tmp/loom-demo-XXXXXX";
    if (!mkdtemp(dir)) {
        fprintf(stderr, "loom demo: cannot make a temporary folder: %s\n", strerror(errno));
        return 1;
    }
    char ref_csv[64], vb_csv[64], ref_out[64], vb_out[64];
    snprintf(ref_csv, sizeof ref_csv, "%s/ref.csv", dir);
    snprintf(vb_csv, sizeof vb_csv, "%s/vboard.csv", dir);
    snprintf(ref_out, sizeof ref_out, "%s/ref.txt", dir);
    snprintf(vb_out, sizeof vb_out, "%s/vboard.txt", dir);
    int rc = 0;

    /* 1. the flight on the reference model alone: the trajectory to match */
    char *ar[] = {"fly", "--sim", "--plant", (char *)kind->name, "--seed", (char *)seed, "--controller",
                  (char *)controller, "--duration", (char *)duration, "--profile", "demo", "--trace", ref_csv,
                  "--quiet", fast ? "--plot" : NULL, (char *)png, NULL};
    rc = fly_captured(fast ? 17 : 15, ar, ref_out);
    if (rc) {
        replay(ref_out, NULL, NULL, "ref");
        fprintf(stderr, "loom demo: the reference flight failed\n");
    }

    /* 2. a virtual board on a pty, served by a thread of this process: the
     * board's own, unless the controller is built for another arch */
    if (!rc && !config_given) {
        model_opts mo;
        model_opts_default(&mo);
        model m;
        rc = cli_model_open("demo", controller, 0, NULL, &mo, NULL, &m);
        if (!rc) {
            const seir_arch *na = &m.net->arch, *ba = &bi->arch.arch;
            if (na->w != ba->w || na->s != ba->s || na->a != ba->a || na->d != ba->d) {
                fprintf(stderr, "loom demo: %s is built for W=%d S=%d A=%d D=%d, the %s has W=%d S=%d "
                                "A=%d D=%d: it cannot fly on the board (rebuild it for the board's arch)\n",
                        controller, na->w, na->s, na->a, na->d, bi->name, ba->w, ba->s, ba->a,
                        ba->d);
                rc = 1;
            }
        }
        model_free(&m);
    }
    cli_vbthread vt;
    memset(&vt, 0, sizeof vt);
    loop_meter meter;
    memset(&meter, 0, sizeof meter);
    int started = 0;
    const char *pty = vt.pty;
    if (!rc) {
        vboard_opts o;
        vboard_opts_default(&o);
        o.config = config;
        loom_err e;
        if (cli_vbthread_start(&vt, &o, &e)) {
            rc = cli_report("demo", &e);
        } else {
            started = 1;
            fprintf(stderr, "demo: virtual board (%s, %u baud, RTL under Verilator) on %s\n",
                    config, vboard_baud(vt.b), pty);
        }
    }

    /* 3. the same flight through the board, with the plot */
    if (!rc) {
        /* the fast plant reads only the read-outs from the board (its plot,
         * raster included, comes from the identical reference flight), and
         * waits longer before resending, so that a slow host does not add
         * resent frames to the bytes measured per period */
        char *av[] = {"fly", "--port", (char *)pty, "--plant", (char *)kind->name, "--seed", (char *)seed,
                      "--controller", (char *)controller, "--duration", (char *)duration, "--profile", "demo",
                      "--trace", vb_csv, "--timeout-ms", fast ? "5000" : "500", fast ? NULL : "--plot", (char *)png,
                      NULL};
        meter.b = vt.b;
        meter.clk_hz = vboard_clk_hz(vt.b);
        meter.baud = vboard_baud(vt.b);
        fly_board_hook = on_board;
        fly_board_hook_ctx = &meter;
        double t0 = cli_now();
        rc = fly_captured(fast ? 17 : 19, av, vb_out);
        double wall = cli_now() - t0;
        fly_board_hook = NULL;
        if (rc) {
            replay(vb_out, NULL, config, "vboard");
            fprintf(stderr, "loom demo: the flight through the virtual board failed\n");
        } else {
            fprintf(stderr, "demo: board flight took %.1f s (%llu board cycles, %llu bytes in, %llu out)\n",
                    wall, (unsigned long long)vboard_cycles(vt.b), (unsigned long long)vboard_bytes_in(vt.b),
                    (unsigned long long)vboard_bytes_out(vt.b));
        }
    }
    if (started) {
        loom_err e;
        if (cli_vbthread_stop(&vt, &e) && !rc)
            rc = cli_report("demo", &e);
        cli_vbthread_close(&vt);
    }

    /* 4. the two trajectories must be identical */
    if (!rc) {
        long line, lines;
        if (traces_differ(ref_csv, vb_csv, &line, &lines)) {
            fprintf(stderr, "loom demo: FAILED: the trajectory through the virtual board differs from the "
                            "reference model's (trace line %ld; files kept in %s)\n", line, dir);
            return 1;
        }
        char note[1024];
        snprintf(replay_prefix, sizeof replay_prefix, "%s ", kind->name);
        if (demo_heldout(controller, kind)) rc = 1;
        int off = snprintf(note, sizeof note, "demo: trajectory through the virtual board identical to the "
                                              "reference model's (%ld control periods, seed %s)\n", lines - 1, seed);
        if (!rc && meter.seen[0] && meter.seen[1] && lines > 2 && off > 0 && (size_t)off < sizeof note) {
            plant_params pp;
            flight_plant_params(kind, &pp);
            loop_report(&meter, (uint64_t)lines - 1, config, pp.ctrl_rate, fast, note + off,
                        sizeof note - (size_t)off);
        }
        if (!rc && replay(vb_out, note, config, "vboard")) {
            fprintf(stderr, "loom demo: cannot read %s\n", vb_out);
            rc = 1;
        }
    }
    remove(ref_csv);
    remove(vb_csv);
    remove(ref_out);
    remove(vb_out);
    rmdir(dir);
    return rc;
}
