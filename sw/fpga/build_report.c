/*
 * build_report.c -- the place-and-route report of loom build: over-capacity
 * messages and report.json (the nextpnr and yosys JSON reports are read by
 * report_json.c).
 */
#include "build_int.h"
#include "ramhex.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "link.h"
#include "loom_map.h"
#include "mapper.h"
#include "report_json.h"

/* After a failed placement: the resources nextpnr's utilisation table
 * shows over 100 % ("ICESTORM_LC:  5581/ 1280   436%"), as "5581 of 1280
 * logic cells, 17 of 16 RAM blocks".  0 when none is over. */
int pnr_overflow(const char *log, char *out, size_t n)
{
    static const struct { const char *cell, *what; } kinds[] = {
        {"ICESTORM_LC:", "logic cells"}, {"ICESTORM_RAM:", "RAM blocks"},
        {"ICESTORM_SPRAM:", "SPRAM blocks"}, {"ICESTORM_DSP:", "DSP blocks"}, {"SB_IO:", "I/O pins"}};
    FILE *f = fopen(log, "r");
    if (!f)
        return 0;
    char line[512];
    size_t len = 0;
    unsigned seen = 0;
    out[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            const char *c = strstr(line, kinds[k].cell);
            long used, total;
            if (!c || sscanf(c + strlen(kinds[k].cell), " %ld/ %ld", &used, &total) != 2 || used <= total)
                continue;
            if (seen & (1u << k))
                continue; /* the table can appear more than once */
            seen |= 1u << k;
            int w = snprintf(out + len, n - len, "%s%ld of %ld %s", len ? ", " : "", used, total, kinds[k].what);
            if (w > 0 && (size_t)w < n - len)
                len += (size_t)w;
        }
    }
    fclose(f);
    return len > 0;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static void ind(FILE *f, int n)
{
    fprintf(f, "\n%*s", n, "");
}

static void num_or_null(FILE *f, double v)
{
    if (v < 0)
        fprintf(f, "null");
    else
        fprintf(f, "%.6f", v);
}

void build_choice_json(FILE *f, const board_info *b, const arch_choice *c, int indent)
{
    const limg_arch *a = &c->cfg.arch;
    const int i1 = indent + 2, i2 = indent + 4;
    fprintf(f, "{");
    ind(f, i1);
    fprintf(f, "\"chosen\": \"%s\",", c->forced ? "forced" : c->generic ? "generic" : "chosen");
    ind(f, i1);
    fprintf(f, "\"generic_bitstream\": %s,", c->generic ? "true" : "false");
    ind(f, i1);
    fprintf(f, "\"arch\": {\"W\": %d, \"S\": %d, \"A\": %d, \"D\": %d, \"cores\": %u, \"neurons\": %u, "
               "\"syn_words\": %u, \"profiles\": %u, \"levels\": %u, \"max_inputs\": %u, \"eq\": %u, "
               "\"single_port\": %u},",
            a->arch.w, a->arch.s, a->arch.a, a->arch.d, a->cores, a->neurons, a->syn_words, a->profiles,
            a->levels, a->max_inputs, c->cfg.eq, c->cfg.single_port);
    ind(f, i1);
    fprintf(f, "\"reason\": ");
    json_str(f, c->reason);
    fprintf(f, ",");
    ind(f, i1);
    fprintf(f, "\"agreement_target\": %.4f,", c->target);
    ind(f, i1);
    fprintf(f, "\"agreement\": ");
    num_or_null(f, c->agreement);
    fprintf(f, ",");
    ind(f, i1);
    fprintf(f, "\"smaller\": ");
    if (c->have_smaller) {
        fprintf(f, "{\"W\": %d, \"S\": %d, \"A\": %d, \"agreement\": ", c->smaller.w, c->smaller.s,
                c->smaller.a);
        num_or_null(f, c->smaller_agreement);
        fprintf(f, ", \"why_not\": ");
        json_str(f, c->smaller_why);
        fprintf(f, "},");
    } else {
        fprintf(f, "null,");
    }
    ind(f, i1);
    fprintf(f, "\"model_needs\": {\"neurons\": %u, \"syn_words\": %u, \"profiles\": %u, \"levels\": %u, "
               "\"inputs\": %u, \"max_delay\": %u},",
            c->need.neurons, c->need.syn_words, c->need.profiles, c->need.levels, c->need.inputs,
            c->need.max_delay);
    ind(f, i1);
    fprintf(f, "\"candidates_tried\": %u,", c->tried);
    ind(f, i1);
    if (b->fw_ram_bytes) { /* the firmware's RAM, not the array's memories */
        fprintf(f, "\"part\": null");
        ind(f, indent);
        fprintf(f, "}");
        return;
    }
    fprintf(f, "\"part\": {");
    static const char *const names[4] = {"bram", "spram", "dsp", "logic_cells_estimate"};
    const uint32_t used[4] = {c->used.bram, c->used.spram, c->used.dsp, c->used.luts};
    const uint32_t total[4] = {b->brams, b->sprams, b->dsps, b->luts};
    for (int k = 0; k < 4; k++) {
        ind(f, i2);
        fprintf(f, "\"%s\": {\"used\": %u, \"total\": %u, \"left\": %d}%s", names[k], used[k], total[k],
                (int)total[k] - (int)used[k], k < 3 ? "," : "");
    }
    ind(f, i1);
    fprintf(f, "}");
    ind(f, indent);
    fprintf(f, "}");
}

loom_status write_plan(const build_opts *o, const char *dir, loom_err *e)
{
    char path[4096];
    fmt_to(path, sizeof path, "%s/plan.json", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", path, strerror(errno));
    fprintf(f, "{\n  \"board\": ");
    json_str(f, o->board->name);
    fprintf(f, ",\n  \"model\": ");
    if (o->model_path)
        json_str(f, o->model_path);
    else
        fprintf(f, "null");
    fprintf(f, ",\n  \"arch_choice\": ");
    if (o->choice)
        build_choice_json(f, o->board, o->choice, 2);
    else
        fprintf(f, "null");
    fprintf(f, "\n}\n");
    if (fclose(f) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: write failed", path);
    return LOOM_OK;
}

/* DIR/nextpnr-seeds.txt: "seed K fmax F" per placement in the order
 * run, then "chosen K". */
loom_status pnr_tries_write(const char *dir, const pnr_tries *t, loom_err *e)
{
    char path[4096];
    fmt_to(path, sizeof path, "%s/%s", dir, PNR_TRIES_FILE);
    FILE *f = fopen(path, "w");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", path, strerror(errno));
    fprintf(f, "# loom build: the nextpnr placements tried (seed, Fmax in MHz) and the one kept\n");
    for (int k = 0; k < t->n; k++)
        fprintf(f, "seed %d fmax %.2f\n", t->seed[k], t->fmax[k]);
    fprintf(f, "chosen %d\n", t->seed[t->chosen]);
    if (fclose(f) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: write failed", path);
    return LOOM_OK;
}

int pnr_tries_read(const char *dir, pnr_tries *t)
{
    char path[4096];
    memset(t, 0, sizeof *t);
    fmt_to(path, sizeof path, "%s/%s", dir, PNR_TRIES_FILE);
    FILE *f = fopen(path, "r");
    if (f) {
        char line[256];
        int chosen = 0, ok = 1;
        while (ok && fgets(line, sizeof line, f)) {
            int k;
            double v;
            if (line[0] == '#')
                continue;
            if (sscanf(line, "seed %d fmax %lf", &k, &v) == 2 && t->n < BUILD_MAX_SEEDS && k > 0 &&
                v >= 0)
                t->seed[t->n] = k, t->fmax[t->n++] = v;
            else if (sscanf(line, "chosen %d", &k) == 1)
                chosen = k;
            else
                ok = 0;
        }
        fclose(f);
        for (int k = 0; ok && k < t->n; k++)
            if (t->seed[k] == chosen) {
                t->chosen = k;
                return 1;
            }
        memset(t, 0, sizeof *t); /* damaged: read the report as an older folder's */
    }
    fmt_to(path, sizeof path, "%s/nextpnr-report.json", dir);
    double fmax;
    loom_err e;
    if (access(path, R_OK) != 0 || report_pnr_read(path, NULL, 0, NULL, NULL, &fmax, &e) || fmax < 0)
        return 0;
    t->n = 1;
    t->seed[0] = 1;
    t->fmax[0] = fmax;
    return 1;
}

loom_status write_report(const build_opts *o, const char *dir, const model_share *ms,
                                double t_yosys, double t_pnr, int cached, loom_err *e)
{
    const board_info *b = o->board;
    char path[4096];
    fmt_to(path, sizeof path, "%s/nextpnr-report.json", dir);
    if (access(path, R_OK) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: missing (was the build interrupted? rerun with --force)", path);
    static const char *const bels[4] = {"ICESTORM_LC", "ICESTORM_RAM", "ICESTORM_SPRAM", "ICESTORM_DSP"};
    double used[4], avail[4], fmax;
    loom_status rst = report_pnr_read(path, bels, 4, used, avail, &fmax, e);
    if (rst)
        return rst;
    double lc = used[0], ram = used[1], spr = used[2], dsp = used[3];
    double lc_av = avail[0], ram_av = avail[1], spr_av = avail[2], dsp_av = avail[3];
    fmt_to(path, sizeof path, "%s/yosys-stat.json", dir);
    static const char *const cells[3] = {"SB_CARRY", "SB_DFF", "SB_LUT4"};
    long sums[3] = {-1, -1, -1};
    if (access(path, R_OK) == 0 && (rst = report_stat_cells(path, cells, 3, sums, e)))
        return rst;
    long carries = sums[0], ffs = sums[1], lut4 = sums[2];
    const arch_config cfg = build_arch(o);
    const limg_arch *a = &cfg.arch;
    const uint64_t cap_n = (uint64_t)a->cores * a->neurons, cap_s = (uint64_t)a->cores * a->syn_words;
    fmt_to(path, sizeof path, "%s/report.json", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", path, strerror(errno));
    fprintf(f, "{\n  \"board\": ");
    json_str(f, b->name);
    fprintf(f, ",\n  \"device\": ");
    json_str(f, b->device);
    fprintf(f, ",\n  \"package\": ");
    json_str(f, b->package);
    fprintf(f, ",\n  \"clock_source\": ");
    json_str(f, b->clock_src);
    fprintf(f, ",\n  \"engine\": \"%s\"", b->fw_ram_bytes ? "firmware" : "array");
    fprintf(f,
            ",\n  \"clock_mhz\": %.3f,\n  \"fmax_mhz\": %.2f,\n  \"timing_met\": %s,\n"
            "  \"luts_used\": %.0f,\n  \"luts_total\": %.0f,\n  \"lut4_cells\": %ld,\n"
            "  \"carries\": %ld,\n  \"ffs\": %ld,\n"
            "  \"bram_used\": %.0f,\n  \"bram_total\": %.0f,\n"
            "  \"spram_used\": %.0f,\n  \"spram_total\": %.0f,\n"
            "  \"dsp_used\": %.0f,\n  \"dsp_total\": %.0f,\n",
            b->clock_mhz, fmax, fmax >= b->clock_mhz ? "true" : "false", lc < 0 ? 0 : lc,
            lc_av > 0 ? lc_av : (double)b->luts, lut4, carries, ffs, ram < 0 ? 0 : ram,
            ram_av > 0 ? ram_av : (double)b->brams, spr < 0 ? 0 : spr,
            spr_av > 0 ? spr_av : (double)b->sprams, dsp < 0 ? 0 : dsp,
            dsp_av > 0 ? dsp_av : (double)b->dsps);
    fprintf(f,
            "  \"W\": %u,\n  \"S\": %u,\n  \"A\": %u,\n  \"cores\": %u,\n"
            "  \"neurons\": %llu,\n  \"synapses\": %llu,\n  \"max_delay\": %u,\n"
            "  \"profiles\": %u,\n  \"levels\": %u,\n  \"inputs\": %u,\n"
            "  \"baud\": %u,\n  \"boot_bytes_total\": %u,\n  \"flash_offset\": %u,\n",
            (unsigned)a->arch.w, (unsigned)a->arch.s, (unsigned)a->arch.a, a->cores, (unsigned long long)cap_n,
            (unsigned long long)cap_s, (unsigned)a->arch.d, a->profiles * a->cores, a->levels,
            a->max_inputs, b->baud, b->boot_bytes, b->flash_offset);
    pnr_tries pt;
    if (pnr_tries_read(dir, &pt) && pt.n > 0) {
        fprintf(f, "  \"timing_margin\": %.3f,\n  \"pnr_seed\": %d,\n  \"pnr_seeds_tried\": %d,\n"
                   "  \"pnr_tries\": [", o->timing_margin, pt.seed[pt.chosen], pt.n);
        for (int k = 0; k < pt.n; k++)
            fprintf(f, "%s{\"seed\": %d, \"fmax_mhz\": %.2f}", k ? ", " : "", pt.seed[k], pt.fmax[k]);
        fprintf(f, "],\n");
    }
    fprintf(f, "  \"yosys_s\": %.1f,\n  \"nextpnr_s\": %.1f,\n  \"cached\": %s,\n"
               "  \"synth_cache\": %s,\n", t_yosys, t_pnr, cached ? "true" : "false",
            cached == 2 ? "true" : "false");
    fprintf(f, "  \"arch_choice\": ");
    if (o->choice)
        build_choice_json(f, b, o->choice, 2);
    else
        fprintf(f, "null");
    fprintf(f, ",\n");
    if (ms && ms->have) {
        fprintf(f, "  \"model\": {\n    \"path\": ");
        json_str(f, ms->path);
        fprintf(f,
                ",\n    \"neurons\": %u,\n    \"synapses\": %llu,\n    \"inputs\": %u,\n"
                "    \"levels\": %u,\n    \"neuron_share\": %.4f,\n    \"synapse_share\": %.4f,\n"
                "    \"boot_bytes_used\": %u,\n    \"input_rate\": %g,\n    \"neuron_rate\": %g,\n"
                "    \"cycles_per_step\": %.1f,\n    \"steps_per_s\": %.0f\n  }\n}\n",
                ms->neurons, (unsigned long long)ms->synapses, ms->inputs, ms->levels,
                (double)ms->neurons / (double)cap_n,
                (double)ms->synapses / (double)cap_s, ms->boot_used, o->input_rate,
                o->neuron_rate, ms->cycles, ms->steps_per_s);
    } else {
        fprintf(f, "  \"model\": null\n}\n");
    }
    if (fclose(f) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: write failed", path);
    if (fmax < b->clock_mhz && !o->allow_timing_fail) {
        char tried[64] = "";
        if (pt.n > 1)
            fmt_to(tried, sizeof tried, " with the fastest of nextpnr seeds 1-%d", pt.n);
        return loom_fail(e, LOOM_E_CAPACITY,
                         "timing not met on %s: Fmax %.2f MHz < clock %.2f MHz%s (see %s/nextpnr.log; "
                         "--seeds N tries more placements, --allow-timing-fail keeps the bitstream)",
                         b->name, fmax, b->clock_mhz, tried, dir);
    }
    return LOOM_OK;
}

loom_status build_read_report(const char *dir, char **out, loom_err *e)
{
    char path[4096];
    fmt_to(path, sizeof path, "%s/report.json", dir);
    *out = slurp(path, NULL);
    if (!*out)
        return loom_fail(e, LOOM_E_IO, "%s: cannot read (not a loom build folder?)", path);
    return LOOM_OK;
}
