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
    "  --json    print DIR/report.json unchanged (keys in docs/boards.md)\n";

/* Text after "key": in j (from `from` on); NULL when absent. */
static const char *val(const char *j, const char *key)
{
    char pat[96];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(j, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    while (*p == ' ')
        p++;
    return p;
}

static double num(const char *j, const char *key)
{
    const char *p = val(j, key);
    return p ? strtod(p, NULL) : 0.0;
}

static void str(const char *j, const char *key, char *buf, size_t len)
{
    const char *p = val(j, key);
    buf[0] = 0;
    if (!p || *p != '"')
        return;
    p++;
    size_t n = 0;
    while (*p && *p != '"' && n + 1 < len)
        buf[n++] = *p++;
    buf[n] = 0;
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
    for (int k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
            fputs(usage, stdout);
            return 0;
        }
        if (!strcmp(argv[k], "--json"))
            json = 1;
        else if (argv[k][0] == '-' && argv[k][1])
            return cli_usage_error(C, "unknown option '%s'", argv[k]);
        else if (dir)
            return cli_usage_error(C, "one folder expected, got '%s' and '%s'", dir, argv[k]);
        else
            dir = argv[k];
    }
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
    char board[64], dev[64], pkg[32], clk[128], engine[32];
    str(j, "board", board, sizeof board);
    str(j, "engine", engine, sizeof engine);
    str(j, "device", dev, sizeof dev);
    str(j, "package", pkg, sizeof pkg);
    str(j, "clock_source", clk, sizeof clk);
    double cmhz = num(j, "clock_mhz"), fmax = num(j, "fmax_mhz");
    printf("board     %s (%s-%s), clock %s\n", board, dev, pkg, clk);
    if (!strcmp(engine, "firmware"))
        printf("engine    firmware on the loom_rv processor (rtl/loom_mcu.v, docs/icestick.md)\n");
    printf("timing    Fmax %.2f MHz against %.2f MHz: %s (slack %+.1f%%)\n", fmax, cmhz,
           fmax >= cmhz ? "met" : "NOT MET", pct(fmax - cmhz, cmhz));
    printf("\n%-14s %8s %8s %7s\n", "resource", "used", "total", "share");
    static const struct {
        const char *name, *used, *total;
    } rows[] = {{"logic cells", "luts_used", "luts_total"},
                {"block RAM", "bram_used", "bram_total"},
                {"SPRAM", "spram_used", "spram_total"},
                {"DSP (MAC16)", "dsp_used", "dsp_total"}};
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double u = num(j, rows[i].used), t = num(j, rows[i].total);
        printf("%-14s %8.0f %8.0f %6.1f%%\n", rows[i].name, u, t, pct(u, t));
    }
    printf("%-14s %8.0f\n%-14s %8.0f\n%-14s %8.0f\n", "LUT4 cells", num(j, "lut4_cells"), "carries",
           num(j, "carries"), "flip-flops", num(j, "ffs"));
    printf("\narch      W=%.0f S=%.0f A=%.0f D=%.0f, %.0f core(s), %.0f inputs, %.0f levels\n",
           num(j, "W"), num(j, "S"), num(j, "A"), num(j, "max_delay"), num(j, "cores"),
           num(j, "inputs"), num(j, "levels"));
    const char *m = strstr(j, "\"model\": {");
    double nn = num(j, "neurons"), ns = num(j, "synapses");
    printf("capacity  %.0f neurons, %.0f synapses, max delay %.0f, %.0f profiles\n", nn, ns,
           num(j, "max_delay"), num(j, "profiles"));
    if (m) {
        char path[1024];
        str(m, "path", path, sizeof path);
        printf("model     %s: %.0f neurons (%.1f%%), %.0f synapses (%.1f%%), %.0f levels\n", path,
               num(m, "neurons"), 100 * num(m, "neuron_share"), num(m, "synapses"),
               100 * num(m, "synapse_share"), num(m, "levels"));
        if (!strcmp(engine, "firmware")) {
            printf("RAM image the firmware's RAM as loading the model left it (boot.hex)\n");
            printf("speed     %.1f cycles/step measured (the most of 40 steps at activity %g on the "
                   "virtual board) -> %.0f timesteps/s at %.1f MHz\n",
                   num(m, "cycles_per_step"), num(m, "input_rate"), num(m, "steps_per_s"), cmhz);
        } else {
            printf("boot ROM  %.0f of %.0f bytes\n", num(m, "boot_bytes_used"), num(j, "boot_bytes_total"));
            printf("speed     %.1f cycles/step predicted at activity %g -> %.0f timesteps/s at %.1f MHz\n",
                   num(m, "cycles_per_step"), num(m, "input_rate"), num(m, "steps_per_s"), cmhz);
        }
    } else {
        printf("model     none baked in (generic: load one at run time with loom run)\n");
    }
    printf("tools     yosys %.1f s, nextpnr %.1f s%s\n", num(j, "yosys_s"), num(j, "nextpnr_s"),
           strstr(j, "\"cached\": true") ? " (reused: inputs unchanged)" : "");
    free(j);
    return 0;
}
