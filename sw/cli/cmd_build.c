/*
 * cmd_build.c -- `loom build`: a bitstream for an iCE40 board (sw/fpga/build.h),
 * generic or with a model baked in, and weight patching of an existing one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "build.h"
#include "cli.h"
#include "cli_choice.h"
#include "cli_model.h"
#include "cli_sandbox.h"
#include "cli_vbthread.h"
#include "host.h"
#include "loom_map.h"
#include "stim.h"

const char cmd_build_summary[] = "build an iCE40 bitstream for a board (generic, baked model, or --patch)";

static const char usage[] =
    "usage: loom build [--board B] [MODEL] -o DIR [options]\n"
    "       loom build [--board B] --patch MODEL [-o DIR]\n"
    "\n"
    "Synthesises the Loom array for board B (yosys), places and routes it\n"
    "(nextpnr-ice40) and packs DIR/loom.bin (icepack), with the logs, the\n"
    "nextpnr report and DIR/report.json (see loom report) next to it.\n"
    "Without MODEL the bitstream is generic: the host loads a network over\n"
    "the link at run time (loom run).  With MODEL (.seir, .aag, .aig, .nir)\n"
    "the network is compiled for the board's arch config (NIR and AIGER\n"
    "models unless --arch says otherwise), mapped onto it and baked in: the\n"
    "link frames that load it go into the boot ROM, which replays them after\n"
    "configuration, so the board computes as soon as it is configured.\n"
    "On the icebreaker they go into DIR/flash.bin instead, an image for the\n"
    "board's SPI flash at 1 MiB (after the bitstream; make flash writes both),\n"
    "which the design reads at power-up: any model that fits the array bakes,\n"
    "and the bitstream itself stays generic.  On the icestick the baked\n"
    "image is the firmware's RAM (DIR/boot.hex).\n"
    "Rebuilds are incremental: when no input of synthesis changed (hash in\n"
    "DIR/inputs.hash) only the boot ROM is refilled, in seconds.\n"
    "\n"
    "  --board B             icebreaker (default), upduino3, icestick, hx8k-breakout\n"
    "  -o, --out DIR         build folder [build/boards/B]\n"
    "  --patch MODEL         put MODEL into DIR's existing build (a new flash\n"
    "                        image, or the boot ROM through icebram; no\n"
    "                        synthesis, no place and route); refused when\n"
    "                        MODEL does not fit the board's arch or boot ROM\n"
    "  --force               synthesise even when nothing changed\n"
    "  --seeds N             nextpnr placements to try, seed 1, 2, ..., until\n"
    "                        one reaches the clock (with --timing-margin); the\n"
    "                        first that does is kept, else the fastest [3]\n"
    "  --timing-margin PCT   how far above the board clock Fmax must be for a\n"
    "                        seed to be kept at once, in percent [0]\n"
    "  --allow-timing-fail   keep a bitstream that misses the board clock\n"
    "  --rate P              activity assumed for the timestep prediction [0.05]\n"
    "  --min-agreement X     NIR: agreement the chosen arch must reach [0.99]\n"
    "  --plan                only choose the arch: print it, write DIR/arch.json\n"
    "                        and DIR/plan.json; runs no tools\n"
    "  --no-cache            do not use the synthesis cache (docs/boards.md)\n"
    "  --boot-only           only map MODEL and write DIR/boot.hex (the boot ROM\n"
    "                        image; DIR/flash.bin on the icebreaker), to check\n"
    "                        that it fits; runs no tools\n"
    "  --list                list the boards and their arch configs\n"
    "  -q, --quiet           no progress lines\n"
    "%s"
    "\n"
    "examples:\n"
    "  loom build --board icebreaker -o build/ib\n"
    "  loom build --board icebreaker net.seir -o build/ib-net\n"
    "  loom build --board icebreaker --patch other.seir -o build/ib-net\n"
    "  loom build --board icestick --seeds 4 --timing-margin 20 -o build/is\n";

typedef struct prog {
    int quiet;
} prog;

static void on_progress(void *ctx, const char *stage, const char *msg, double elapsed)
{
    const prog *p = ctx;
    if (p->quiet)
        return;
    if (elapsed < 0)
        fprintf(stderr, "[%-7s] %s\n", stage, msg);
    else
        fprintf(stderr, "[%-7s] %s (%.1f s)\n", stage, msg, elapsed);
}

/* build_bake_fn for firmware boards: the model is loaded on the board's
 * virtual board (the same RTL and firmware image as the bitstream) through
 * the host library, exactly as loom run loads it; the RAM at rest is the
 * baked image.  Then BAKE_STEPS steps of random input measure a step. */
#define BAKE_STEPS 40

static loom_status bake(void *ctx, const board_info *b, const seir_net *net, const limg *img,
                        double input_rate, uint32_t *ram, size_t words, double *cycles, loom_err *e)
{
    (void)ctx;
    vboard_opts vo;
    vboard_opts_default(&vo);
    vo.config = b->name;
    cli_vbthread v;
    loom_status st = cli_vbthread_start(&v, &vo, e);
    if (st)
        return loom_err_prefix(e, "the %s's virtual board", b->name);
    loom_host_opts ho;
    loom_host_opts_default(&ho);
    loom_host *h = NULL;
    st = loom_host_open(v.pty, b->baud, &ho, &h, e);
    if (!st)
        st = loom_host_reset(h, e);
    if (!st)
        st = loom_host_load(h, img, e);
    uint32_t probe;
    if (!st) /* answered only after every write before it ran: the board is at rest */
        st = loom_host_read(h, LOOM_REG_ID, &probe, 1, e);
    if (!st)
        st = vboard_ram(v.b, ram, words, 0, e);
    /* the cost of a step, now that the image is taken: BAKE_STEPS steps of
     * the Poisson input loom sim --poisson input_rate --seed 1 draws */
    stim_src *src = NULL;
    stim_event *sev = NULL;
    uint32_t *ev = NULL;
    const uint32_t nin = net->n_inputs ? net->n_inputs : 1;
    if (!st && !(st = stim_poisson(net, input_rate, 1, &src, e)) &&
        (!(sev = malloc(nin * sizeof *sev)) || !(ev = malloc(nin * sizeof *ev))))
        st = loom_fail(e, LOOM_E_NOMEM, "no memory for input events");
    for (unsigned t = 0; !st && t <= BAKE_STEPS; t++) {
        uint32_t n = 0;
        if (t < BAKE_STEPS)
            st = stim_next(src, t, sev, nin, &n, e);
        for (uint32_t k = 0; k < n; k++)
            ev[k] = loom_host_event(sev[k].channel, sev[k].value);
        if (!st)
            st = loom_host_stream(h, ev, n, t < BAKE_STEPS, img->arch.cores, 0, NULL, 100000000, e);
    }
    stim_close(src);
    free(sev);
    free(ev);
    uint32_t cmax = 0;
    if (!st)
        st = loom_host_read(h, LOOM_REG_CYCLES_MAX, &cmax, 1, e);
    *cycles = cmax;
    loom_host_close(h);
    loom_err e2;
    loom_status st2 = cli_vbthread_stop(&v, &e2);
    cli_vbthread_close(&v);
    if (!st && st2) {
        *e = e2;
        st = st2;
    }
    return st ? loom_err_prefix(e, "loading the model on the %s's virtual board", b->name) : LOOM_OK;
}

static void list_boards(void)
{
    printf("%-14s %-10s %-6s %7s %7s %-8s  %s\n", "board", "device", "pkg", "clk_MHz", "boot_B",
           "engine", "arch");
    for (unsigned i = 0; i < board_count(); i++) {
        const board_info *b = board_at(i);
        char arch[256];
        limg_arch_str(&b->arch, arch, sizeof arch);
        /* engine: the hardware array, or firmware on loom_rv (docs/icestick.md) */
        /* boot_B: the boot ROM's bytes, or "flash" where the model is baked
         * into the SPI flash (any size that fits the array) */
        char boot[16];
        snprintf(boot, sizeof boot, "%u", b->boot_bytes);
        printf("%-14s %-10s %-6s %7.1f %7s %-8s  %s eq=%u sp=%u\n", b->name, b->device, b->package,
               b->clock_mhz, b->flash_offset ? "flash" : boot, b->fw_ram_bytes ? "firmware" : "array",
               arch, b->eq, b->single_port);
    }
}

int cmd_build(int argc, char **argv)
{
    const char *C = "build";
    build_opts o;
    build_opts_default(&o);
    o.board = board_default();
    prog pg = {0};
    o.progress = on_progress;
    o.progress_ctx = &pg;
    const char *out = NULL, *model = NULL, *patch = NULL;
    int arch_given = 0, rate_given = 0, list = 0;
    double target = ARCH_CHOOSE_TARGET, margin_pct = 0;
    const cli_opt opts[] = {
        {"--board", NULL, CLI_CUSTOM, .fn = cli_opt_board, .dst = &o.board},
        {"--out", "-o", CLI_PATH, CLI_DST(out)},
        {"--patch", NULL, CLI_PATH, CLI_DST(patch)},
        {"--rate", NULL, CLI_DOUBLE, .dmin = 0, .dmax = 1, CLI_DST(o.input_rate), .seen = &rate_given},
        {"--min-agreement", NULL, CLI_DOUBLE, .dmin = 0, .dmax = 1, CLI_DST(target)},
        {"--force", NULL, CLI_FLAG, CLI_DST(o.force)},
        {"--plan", NULL, CLI_FLAG, CLI_DST(o.plan)},
        {"--no-cache", NULL, CLI_FLAG, CLI_DST(o.no_cache)},
        {"--boot-only", NULL, CLI_FLAG, CLI_DST(o.boot_only)},
        {"--allow-timing-fail", NULL, CLI_FLAG, CLI_DST(o.allow_timing_fail)},
        {"--seeds", NULL, CLI_INT, 1, BUILD_MAX_SEEDS, CLI_DST(o.pnr_seeds)},
        {"--timing-margin", NULL, CLI_DOUBLE, .dmin = 0, .dmax = 100, CLI_DST(margin_pct)},
        {"--quiet", "-q", CLI_FLAG, CLI_DST(pg.quiet)},
        {"--list", NULL, CLI_FLAG, CLI_DST(list)},
    };
    const cli_spec spec = {.cmd = C, CLI_TABLE(opts), .model = &o.mopts,
                           .arch_given = &arch_given, .pos = &model,
                           .pos_twice = "one model expected, got '%s' and '%s'",
                           .usage = usage, .usage_arg = cli_model_help};
    CLI_PARSE_OR_RETURN(&spec, argc, argv);
    if (list) {
        list_boards();
        return 0;
    }
    if (rate_given)
        o.neuron_rate = o.input_rate;
    o.timing_margin = margin_pct / 100.0;
    if (patch && model)
        return cli_usage_error(C, "--patch takes the model; drop '%s'", model);
    char defdir[512];
    if (!out) {
        snprintf(defdir, sizeof defdir, "build/boards/%s", o.board->name);
        out = defdir;
    }
    o.outdir = out;
    o.bake = bake;
    o.mopts.max_profiles = o.board->arch.profiles * o.board->arch.cores; /* NIR: cluster per-neuron profiles */
    o.mopts.warn = cli_warn;
    o.model_path = patch ? patch : model;
    o.patch = patch != NULL;
    loom_err e;
    loom_err_clear(&e);
    double t0 = cli_now();
    arch_config dir_cfg;
    arch_choice choice;
    /* an NIR model is read in a sandbox first (cli_sandbox.h) */
    if (o.model_path && model_kind_of(o.model_path) == MODEL_NIR && cli_nir_sandbox(o.model_path, &e))
        return cli_report(C, &e);
    if (o.patch) {
        /* the model goes into the arch DIR was built with */
        char ap[4096];
        snprintf(ap, sizeof ap, "%s/arch.json", out);
        FILE *af = fopen(ap, "r");
        if (af) {
            fclose(af);
            if (build_read_arch(out, &dir_cfg, &e))
                return cli_report(C, &e);
            o.cfg = &dir_cfg;
            if (!arch_given)
                o.mopts.arch = dir_cfg.arch.arch;
        } else if (!arch_given) {
            o.mopts.arch = o.board->arch.arch;
        }
    } else if (o.model_path) {
        if (!arch_given) /* the choice starts from the board's widths */
            o.mopts.arch = o.board->arch.arch;
        if (cli_choose_arch(o.board, o.model_path, &o.mopts, arch_given, target, &choice, &e))
            return cli_report(C, &e);
        o.cfg = &choice.cfg;
        o.choice = &choice;
        cli_choice_print(stdout, o.board, &choice);
        fflush(stdout);
    }
    if (build_run(&o, &e))
        return cli_report(C, &e);
    if (!pg.quiet && o.plan)
        fprintf(stderr, "[done   ] %s/arch.json and %s/plan.json\n", out, out);
    else if (!pg.quiet && o.boot_only)
        fprintf(stderr, "[done   ] %s/%s\n", out, o.board->flash_offset ? BUILD_FLASH_FILE : "boot.hex");
    else if (!pg.quiet && o.model_path && o.board->flash_offset)
        fprintf(stderr, "[done   ] %s/loom.bin, %s/%s (flash at 0x%X) and %s/report.json (%.1f s)\n",
                out, out, BUILD_FLASH_FILE, o.board->flash_offset, out, cli_now() - t0);
    else if (!pg.quiet)
        fprintf(stderr, "[done   ] %s/loom.bin and %s/report.json (%.1f s)\n", out, out,
                cli_now() - t0);
    return 0;
}
