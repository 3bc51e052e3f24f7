/*
 * cmd_gen.c -- `loom gen`: write a random valid SEIR network (netgen.h, NETGEN_CORNERS).
 */
#include <string.h>

#include "cli.h"
#include "cli_model.h"
#include "netgen.h"
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

/* --arch: the arch, and whether it names D (then --max-delay must fit it). */
typedef struct arch_arg {
    seir_arch *arch;
    int d_given;
} arch_arg;

static int parse_arch(const char *cmd, const char *opt, const char *v, void *dst)
{
    (void)opt;
    arch_arg *aa = dst;
    seir_arch before = *aa->arch;
    if (cli_parse_arch(cmd, v, aa->arch))
        return -1;
    aa->d_given = aa->arch->d != before.d || strchr(v, 'D') || strchr(v, 'd');
    return 0;
}

int cmd_gen(int argc, char **argv)
{
    const char *C = "gen";
    netgen_recipe go;
    netgen_default(&go, NETGEN_CORNERS);
    const char *out = "-";
    int64_t max_delay = -1;
    arch_arg aa = {&go.arch, 0};
    const cli_opt opts[] = {
        {"--output", "-o", CLI_PATH, CLI_DST(out)},
        {"--seed", NULL, CLI_U64, CLI_DST(go.seed)},
        {"--neurons", NULL, CLI_INT, 1, 50000000, CLI_DST(go.neurons)},
        {"--inputs", NULL, CLI_INT, 0, 1000000, CLI_DST(go.inputs)},
        {"--density", NULL, CLI_DOUBLE, .dmin = 0, .dmax = 1, CLI_DST(go.density)},
        {"--max-delay", NULL, CLI_INT, 0, 255, CLI_DST(max_delay)},
        {"--graded", NULL, CLI_INT, 0, 1000000, CLI_DST(go.graded)},
        {"--levels", NULL, CLI_INT, 1, 50000000, CLI_DST(go.levels)},
        {"--arch", NULL, CLI_CUSTOM, .fn = parse_arch, .dst = &aa},
    };
    const cli_spec spec = {.cmd = C, CLI_TABLE(opts), .usage = usage};
    CLI_PARSE_OR_RETURN(&spec, argc, argv);
    int arch_d_given = aa.d_given;
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
    if (netgen_build(&go, &net, &e))
        return cli_report(C, &e);
    loom_status st = seir_print_file(net, out, &e);
    seir_net_free(net);
    if (st == LOOM_OK && fflush(stdout) != 0)
        st = loom_fail(&e, LOOM_E_IO, "write error on stdout");
    return st ? cli_report(C, &e) : 0;
}
