/*
 * cmd_report.c -- `loom report DIR [--json]`: what a `loom build` produced:
 * utilisation, Fmax against the board clock, the arch config's capacity and
 * the baked model's share of it.  The JSON form is DIR/report.json as
 * written by the build (sw/fpga/build.h), byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "cli.h"
#include "cli_opt.h"
#include "report_json.h"

const char cmd_report_summary[] = "utilisation, Fmax and capacity of a loom build folder";

static const char usage[] =
    "usage: loom report DIR [--json]\n"
    "\n"
    "Prints what `loom build -o DIR` measured: logic cells, carries,\n"
    "flip-flops, block RAM, SPRAM and DSP blocks used (nextpnr's report and\n"
    "yosys stat), Fmax against the board clock, the arch config's capacity\n"
    "(neurons, synapses, max delay, profiles) and, for a baked model, its\n"
    "share of it and the predicted timesteps per second.\n"
    "\n"
    "  --json    print DIR/report.json unchanged (keys in docs/boards.md)\n"
    "\n"
    "examples:\n"
    "  loom build --board icebreaker -o build/ib && loom report build/ib\n"
    "  loom report build/ib --json\n";

/* A number of the report, 0 when absent (as the report prints it). */
static double num(const report_doc *d, const char *path)
{
    double v = report_doc_num(d, path);
    return v < 0 ? 0.0 : v;
}

static const char *str(const report_doc *d, const char *path)
{
    const char *v = report_doc_str(d, path);
    return v ? v : "";
}

static double pct(double a, double b)
{
    return b > 0 ? 100.0 * a / b : 0.0;
}

int cmd_report(int argc, char **argv)
{
    const char *C = "report";
    const char *dir = NULL;
    int json = 0;
    const cli_opt opts[] = {
        {"--json", NULL, CLI_FLAG, CLI_DST(json)},
    };
    const cli_spec spec = {.cmd = C, CLI_TABLE(opts), .pos = &dir,
                           .pos_twice = "one folder expected, got '%s' and '%s'", .usage = usage};
    CLI_PARSE_OR_RETURN(&spec, argc, argv);
    if (!dir)
        return cli_usage_error(C, "which build folder? (usage: loom report DIR [--json])");
    char *j = NULL;
    loom_err e;
    if (build_read_report(dir, &j, &e))
        return cli_report(C, &e);
    if (json) {
        fputs(j, stdout);
        free(j);
        return 0;
    }
    free(j);
    char path[4096];
    snprintf(path, sizeof path, "%s/report.json", dir);
    report_doc *d;
    if (report_doc_load(path, &d, &e))
        return cli_report(C, &e);
    const char *board = str(d, "board"), *engine = str(d, "engine"), *dev = str(d, "device"),
               *pkg = str(d, "package"), *clk = str(d, "clock_source");
    double cmhz = num(d, "clock_mhz"), fmax = num(d, "fmax_mhz");
    printf("board     %s (%s-%s), clock %s\n", board, dev, pkg, clk);
    if (!strcmp(engine, "firmware"))
        printf("engine    firmware on the loom_rv processor (rtl/loom_mcu.v, docs/icestick.md)\n");
    printf("timing    Fmax %.2f MHz against %.2f MHz: %s (slack %+.1f%%)\n", fmax, cmhz,
           fmax >= cmhz ? "met" : "NOT MET", pct(fmax - cmhz, cmhz));
    if (report_doc_has(d, "pnr_seed")) /* loom build --seeds: which placement was kept */
        printf("          nextpnr seed %.0f, %.0f placement(s) tried (%s/nextpnr-seeds.txt)\n",
               num(d, "pnr_seed"), num(d, "pnr_seeds_tried"), dir);
    printf("\n%-14s %8s %8s %7s\n", "resource", "used", "total", "share");
    static const struct {
        const char *name, *used, *total;
    } rows[] = {{"logic cells", "luts_used", "luts_total"},
                {"block RAM", "bram_used", "bram_total"},
                {"SPRAM", "spram_used", "spram_total"},
                {"DSP (MAC16)", "dsp_used", "dsp_total"}};
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double u = num(d, rows[i].used), t = num(d, rows[i].total);
        printf("%-14s %8.0f %8.0f %6.1f%%\n", rows[i].name, u, t, pct(u, t));
    }
    printf("%-14s %8.0f\n%-14s %8.0f\n%-14s %8.0f\n", "LUT4 cells", num(d, "lut4_cells"), "carries",
           num(d, "carries"), "flip-flops", num(d, "ffs"));
    printf("\narch      W=%.0f S=%.0f A=%.0f D=%.0f, %.0f core(s), %.0f inputs, %.0f levels\n",
           num(d, "W"), num(d, "S"), num(d, "A"), num(d, "max_delay"), num(d, "cores"),
           num(d, "inputs"), num(d, "levels"));
    if (report_doc_has(d, "arch_choice")) { /* the arch chosen for the model (loom build MODEL) */
        printf("chosen    %s: %s\n", str(d, "arch_choice.chosen"), str(d, "arch_choice.reason"));
        if (report_doc_has(d, "arch_choice.agreement"))
            printf("agreement %.6f (target %.2f)", num(d, "arch_choice.agreement"),
                   num(d, "arch_choice.agreement_target"));
        else
            printf("agreement none for this kind of model");
        if (report_doc_has(d, "arch_choice.smaller"))
            printf("; the smaller W=%.0f S=%.0f A=%.0f not taken: %s", num(d, "arch_choice.smaller.W"),
                   num(d, "arch_choice.smaller.S"), num(d, "arch_choice.smaller.A"),
                   str(d, "arch_choice.smaller.why_not"));
        printf("\n");
    }
    const int m = report_doc_has(d, "model");
    double nn = num(d, "neurons"), ns = num(d, "synapses");
    printf("capacity  %.0f neurons, %.0f synapses, max delay %.0f, %.0f profiles\n", nn, ns,
           num(d, "max_delay"), num(d, "profiles"));
    if (m) {
        printf("model     %s: %.0f neurons (%.1f%%), %.0f synapses (%.1f%%), %.0f levels\n",
               str(d, "model.path"), num(d, "model.neurons"), 100 * num(d, "model.neuron_share"), num(d, "model.synapses"),
               100 * num(d, "model.synapse_share"), num(d, "model.levels"));
        if (!strcmp(engine, "firmware")) {
            printf("RAM image the firmware's RAM as loading the model left it (boot.hex)\n");
            printf("speed     %.1f cycles/step measured (the most of 40 steps at activity %g on the "
                   "virtual board) -> %.0f timesteps/s at %.1f MHz\n",
                   num(d, "model.cycles_per_step"), num(d, "model.input_rate"), num(d, "model.steps_per_s"), cmhz);
        } else {
            if (num(d, "flash_offset") > 0)
                printf("flash     image of %.0f bytes at %.0f (flash.bin; make flash, or iceprog -o %.0f)\n",
                       num(d, "model.boot_bytes_used"), num(d, "flash_offset"), num(d, "flash_offset"));
            else
                printf("boot ROM  %.0f of %.0f bytes\n", num(d, "model.boot_bytes_used"), num(d, "boot_bytes_total"));
            printf("speed     %.1f cycles/step predicted at activity %g -> %.0f timesteps/s at %.1f MHz\n",
                   num(d, "model.cycles_per_step"), num(d, "model.input_rate"), num(d, "model.steps_per_s"), cmhz);
        }
    } else {
        printf("model     none baked in (generic: load one at run time with loom run)\n");
    }
    printf("tools     yosys %.1f s, nextpnr %.1f s%s\n", num(d, "yosys_s"), num(d, "nextpnr_s"),
           report_doc_true(d, "synth_cache") ? " (reused from the synthesis cache: same arch and sources)"
           : report_doc_true(d, "cached")    ? " (reused: inputs unchanged)"
                                             : "");
    report_doc_free(d);
    return 0;
}
