/*
 * cmd_info.c -- `loom info FILE`: what a model file holds, for any format
 * Loom reads (the file is compiled on the fly like `loom sim` does).
 */
#include <string.h>

#include "cli.h"
#include "cli_model.h"
#include "model.h"
#include "netinfo.h"

const char cmd_info_summary[] = "summarise a model file (neurons, synapses, levels, fan-in, delays)";

static const char usage[] =
    "usage: loom info FILE [--json] [model options]\n"
    "\n"
    "Summarises FILE (.seir, .aag, .aig or .nir; other formats are compiled\n"
    "to SEIR first, with the model options below): the front-end kind, arch,\n"
    "neuron and synapse counts, input channels (spike / graded), outputs\n"
    "(spike / v), profiles, levels of the zero-delay graph, the largest fan-in\n"
    "and fan-out (and where), a delay histogram 'delay:count', initial state,\n"
    "and the accumulator bound of the worst neuron against the limit\n"
    "2^(A-1)-1.\n"
    "\n"
    "  --json                  one JSON object instead (keys in docs/cli.md)\n"
    "%s"
    "\n"
    "examples:\n"
    "  loom info net.seir\n"
    "  loom info model.nir --dt 1e-4 --json\n";

static const char *kind_name(model_kind k)
{
    return k == MODEL_SEIR ? "SEIR" : (k == MODEL_AIGER ? "AIGER" : "NIR");
}

int cmd_info(int argc, char **argv)
{
    const char *C = "info";
    model_opts mo;
    model_opts_default(&mo);
    const char *path = NULL;
    int json = 0;
    const cli_opt opts[] = {
        {"--json", NULL, CLI_FLAG, CLI_DST(json)},
    };
    const cli_spec spec = {.cmd = C, CLI_TABLE(opts), .model = &mo,
                           .pos = &path, .pos_twice = "one file expected, got '%s' and '%s'",
                           .usage = usage, .usage_arg = cli_model_help};
    CLI_PARSE_OR_RETURN(&spec, argc, argv);
    if (!path)
        return cli_usage_error(C, "expects a model file (.seir, .aag, .aig or .nir)");
    model m;
    int rc = cli_model_open(C, path, argc, argv, &mo, NULL, &m);
    if (rc)
        return rc;
    netinfo ni;
    loom_err e; /* set by every failure below */
    if (netinfo_compute(m.net, &ni, &e)) {
        model_free(&m);
        return cli_report(C, &e);
    }
    if (json)
        netinfo_print_json(m.net, &ni, path, kind_name(m.kind), stdout);
    else
        netinfo_print(m.net, &ni, path, kind_name(m.kind), stdout);
    netinfo_free(&ni);
    model_free(&m);
    if (fflush(stdout) != 0) {
        loom_fail(&e, LOOM_E_IO, "write error on stdout");
        return cli_report(C, &e);
    }
    return 0;
}
