/*
 * cmd_gen.c -- `loom gen`: write a random valid SEIR network (gen.h).
 */
#include <string.h>

#include "cli.h"
#include "cli_model.h"
#include "gen.h"
#include "seir_text.h"

const char cmd_gen_summary[] = "generate a random valid SEIR network that exercises every corner";

static const char usage[] =
    "usage: loom gen --seed S [options] -o NET.seir\n"
    "\n"
    "Writes a random, valid network, the same for the same options and seed.\n"
    "With the defaults it exercises every corner of the machine model:\n"
    "saturation at both ends, decays 0 and 4096, shifts -16..15, all reset\n"
    "modes, a deep zero-delay chain, delays 0..D, graded channels, initial\n"
    "state and ring contents, dense blocks and sparse synapses, spike and v\n"
    "outputs; weights respect the accumulator bound.\n"
    "\n"
    "  --seed S                PRNG seed [1]\n"
    "  --neurons N             neurons [64]\n"
    "  --inputs C              input channels [8]\n"
    "  --density P             probability of a synapse per (source, target) [0.1]\n"
    "  --max-delay D           largest delay; also the arch's D unless --arch\n"
    "                          sets it [15]\n"
    "  --graded K              graded channels among the inputs [C/4, >= 1 if C >= 2]\n"
    "  --levels L              levels of the zero-delay graph [min(N, 8)]\n"
    "  --arch W=8,S=16,A=24,D=15  arch of the net\n"
    "  -o, --output FILE       where the SEIR goes ('-' = stdout) [stdout]\n"
    "\n"
    "examples:\n"
    "  loom gen --seed 3 -o net.seir\n"
    "  loom gen --seed 9 --neurons 1000 --inputs 50 --density 0.02 --max-delay 0 -o big.seir\n"
    "  loom gen --seed 4 --arch W=12,S=24,A=32,D=31 --levels 20 -o wide.seir\n";

int cmd_gen(int argc, char **argv)
{
    const char *C = "gen";
    if (cli_no_repeats(C, argc, argv))
        return 2;
    gen_opts go;
    gen_opts_default(&go);
    const char *out = "-";
    int arch_d_given = 0;
    int64_t max_delay = -1;
    for (int k = 1; k < argc;) {
        const char *v;
        int r;
        int64_t x;
        uint64_t u;
        if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
            fputs(usage, stdout);
            return 0;
        }
        if ((r = cli_opt_value(C, argc, argv, &k, "-o", &v)) != 0 ||
            (r = cli_opt_value(C, argc, argv, &k, "--output", &v)) != 0) {
            if (r < 0)
                return 2;
            out = v;
        } else if ((r = cli_opt_value(C, argc, argv, &k, "--seed", &v)) != 0) {
            if (r < 0 || cli_parse_u64(C, "--seed", v, &u))
                return 2;
            go.seed = u;
        } else if ((r = cli_opt_value(C, argc, argv, &k, "--neurons", &v)) != 0) {
            if (r < 0 || cli_parse_i64(C, "--neurons", v, 1, 50000000, &x))
                return 2;
            go.neurons = (uint32_t)x;
        } else if ((r = cli_opt_value(C, argc, argv, &k, "--inputs", &v)) != 0) {
            if (r < 0 || cli_parse_i64(C, "--inputs", v, 0, 1000000, &x))
                return 2;
            go.inputs = (uint32_t)x;
        } else if ((r = cli_opt_value(C, argc, argv, &k, "--density", &v)) != 0) {
            if (r < 0 || cli_parse_double(C, "--density", v, 0, 1, &go.density))
                return 2;
        } else if ((r = cli_opt_value(C, argc, argv, &k, "--max-delay", &v)) != 0) {
            if (r < 0 || cli_parse_i64(C, "--max-delay", v, 0, 255, &max_delay))
                return 2;
        } else if ((r = cli_opt_value(C, argc, argv, &k, "--graded", &v)) != 0) {
            if (r < 0 || cli_parse_i64(C, "--graded", v, 0, 1000000, &x))
                return 2;
            go.graded = (int32_t)x;
        } else if ((r = cli_opt_value(C, argc, argv, &k, "--levels", &v)) != 0) {
            if (r < 0 || cli_parse_i64(C, "--levels", v, 1, 50000000, &x))
                return 2;
            go.levels = (int32_t)x;
        } else if ((r = cli_opt_value(C, argc, argv, &k, "--arch", &v)) != 0) {
            seir_arch before = go.arch;
            if (r < 0 || cli_parse_arch(C, v, &go.arch))
                return 2;
            arch_d_given = go.arch.d != before.d || strchr(v, 'D') || strchr(v, 'd');
        } else {
            return cli_usage_error(C, argv[k][0] == '-' ? "unknown option '%s'"
                                                        : "unexpected argument '%s'", argv[k]);
        }
    }
    if (max_delay >= 0) {
        if (!arch_d_given)
            go.arch.d = (int)max_delay;
        else if (max_delay > go.arch.d)
            return cli_usage_error(C, "--max-delay %d exceeds the arch's D=%d", (int)max_delay,
                                   go.arch.d);
        go.max_delay = (int32_t)max_delay;
    }
    if (go.graded > (int32_t)go.inputs)
        return cli_usage_error(C, "--graded %d exceeds --inputs %u", (int)go.graded, go.inputs);
    if (go.levels > (int32_t)go.neurons)
        return cli_usage_error(C, "--levels %d exceeds --neurons %u", (int)go.levels, go.neurons);
    seir_net *net;
    loom_err e;
    loom_err_clear(&e);
    if (gen_net(&go, &net, &e))
        return cli_report(C, &e);
    loom_status st = seir_print_file(net, out, &e);
    seir_net_free(net);
    if (st == LOOM_OK && fflush(stdout) != 0)
        st = loom_fail(&e, LOOM_E_IO, "write error on stdout");
    return st ? cli_report(C, &e) : 0;
}
