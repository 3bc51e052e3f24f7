/*
 * cmd_compile.c -- `loom compile IN [-o OUT.seir]`: load any model (compiling
 * AIGER / NIR through their front-ends), validate it, print canonical SEIR.
 * `--report` adds the front-end's report (AIGER: gates, levels, latency;
 * NIR: per-layer quantisation and float/integer agreement; SEIR: the
 * structural summary of `loom info`).
 */
#include <string.h>

#include "aig.h"
#include "board.h"
#include "build.h"
#include "cli_choice.h"
#include "check.h"
#include "cli.h"
#include "cli_model.h"
#include "jsonw.h"
#include "model.h"
#include "netinfo.h"
#include "nir.h"
#include "nir_write.h"
#include "seir_text.h"

const char cmd_compile_summary[] = "compile .seir/.aag/.aig/.nir to validated canonical SEIR";

static const char usage[] =
    "usage: loom compile IN [-o OUT.seir] [--report] [model options]\n"
    "\n"
    "Loads IN (.seir, .aag, .aig or .nir), lowers / quantises it to SEIR,\n"
    "validates it against the machine model and prints the canonical SEIR\n"
    "text to OUT (stdout without -o).  Front-end warnings go to stderr.\n"
    "\n"
    "  -o, --output FILE       where the SEIR goes ('-' = stdout)\n"
    "  --report                print a report after compiling (to stdout, or to\n"
    "                          stderr when the SEIR goes to stdout)\n"
    "  --poisson RATE          NIR --report: input rate per step of the agreement\n"
    "                          run [0.1]\n"
    "  --seed S                NIR --report: Poisson seed [1]\n"
    "  --steps N               NIR --report: steps of the agreement run [1000]\n"
    "  --board NAME            compile for the arch loom build would choose for this\n"
    "                          model on that board (the board's generic arch when it\n"
    "                          holds the model and reaches --min-agreement, else the\n"
    "                          smallest that does and fits); --arch forces the widths\n"
    "  --min-agreement X       NIR with --board: agreement target of the choice [0.99]\n"
    "  --json                  the report as one JSON object on stdout instead\n"
    "                          (implies --report; needs -o; docs/json.md)\n"
    "  --emit-nir FILE         also write the compiled net as an NIR graph (integer\n"
    "                          weights, decays, thresholds, delays as NIR nodes;\n"
    "                          loom reads it back exactly; docs/nir.md \"NIR out\")\n"
    "  --quiet                 no warnings\n"
    "%s"
    "\n"
    "examples:\n"
    "  loom compile adder.aag -o adder.seir --report\n"
    "  loom compile adder.aag --pipeline -o adder_pipe.seir\n"
    "  loom compile braille.nir --dt 1e-4 -o braille.seir --report\n"
    "  loom compile braille.nir --board icebreaker -o braille.seir --report\n"
    "  loom compile net.seir            # validate and print canonically\n"
    "  loom compile net.seir -o /dev/null --emit-nir net.nir\n";

int cmd_compile(int argc, char **argv)
{
    const char *C = "compile";
    model_opts mo;
    model_opts_default(&mo);
    const char *in = NULL, *out = "-", *emit_nir = NULL;
    int report = 0, json = 0;
    double rate = 0.1;
    uint64_t seed = 1, steps = 1000;
    cli_board_choice bc = {.target = ARCH_CHOOSE_TARGET};
    const cli_opt opts[] = {
        {"--output", "-o", CLI_PATH, CLI_DST(out)},
        {"--emit-nir", NULL, CLI_PATH, CLI_DST(emit_nir)},
        {"--board", NULL, CLI_CUSTOM, .fn = cli_opt_board, .dst = &bc.board},
        {"--min-agreement", NULL, CLI_DOUBLE, .dmin = 0, .dmax = 1, CLI_DST(bc.target)},
        {"--poisson", NULL, CLI_DOUBLE, .dmin = 0, .dmax = 1, CLI_DST(rate)},
        {"--seed", NULL, CLI_U64, CLI_DST(seed)},
        {"--steps", NULL, CLI_U64, CLI_DST(steps)},
        {"--report", NULL, CLI_FLAG, CLI_DST(report)},
        {"--json", NULL, CLI_FLAG, CLI_DST(json)},
        {"--quiet", "-q", CLI_FLAG, CLI_DST(mo.quiet)},
    };
    const cli_spec spec = {.cmd = C, CLI_TABLE(opts), .model = &mo,
                           .arch_given = &bc.arch_given, .pos = &in,
                           .pos_twice = "one input expected, got '%s' and '%s'",
                           .usage = usage, .usage_arg = cli_model_help};
    CLI_PARSE_OR_RETURN(&spec, argc, argv);
    if (json)
        report = 1;
    if (!in)
        return cli_usage_error(C, "expects an input model (.seir, .aag, .aig or .nir)");
    if (bc.board)
        mo.max_profiles = bc.board->arch.profiles * bc.board->arch.cores;
    if (json && !strcmp(out, "-"))
        return cli_usage_error(C, "--json prints the report on stdout; write the SEIR with -o FILE");
    /* --board: the arch loom build would choose (cli_choice.h) */
    model m;
    int rc = cli_model_open(C, in, argc, argv, &mo, &bc, &m);
    if (rc)
        return rc;
    loom_err e;
    loom_err_clear(&e);
    loom_status st = seir_print_file(m.net, out, &e);
    if (st == LOOM_OK && emit_nir)
        st = nir_write_model(&m, &mo, emit_nir, &e);
    if (st == LOOM_OK && json) {
        jsonw j;
        cli_json_model_begin(&j, "compile", in, m.kind);
        jsonw_str(&j, "output", out);
        jsonw_obj_begin(&j, "arch");
        jsonw_int(&j, "W", m.net->arch.w);
        jsonw_int(&j, "S", m.net->arch.s);
        jsonw_int(&j, "A", m.net->arch.a);
        jsonw_int(&j, "D", m.net->arch.d);
        jsonw_obj_end(&j);
        jsonw_uint(&j, "neurons", m.net->n_neurons);
        jsonw_uint(&j, "synapses", m.net->n_syn);
        if (bc.chose) {
            jsonw_key(&j, "arch_choice");
            build_choice_json(stdout, bc.board, &bc.choice, 2);
        }
        if (m.kind == MODEL_AIGER) {
            const aig_lowering *l = m.aig;
            jsonw_obj_begin(&j, "aiger");
            jsonw_str(&j, "mode", l->pipeline ? "pipeline" : "combinational");
            jsonw_uint(&j, "inputs", l->n_inputs);
            jsonw_uint(&j, "outputs", l->n_outputs);
            jsonw_uint(&j, "latches", l->n_latches);
            jsonw_uint(&j, "gates", l->gates);
            jsonw_uint(&j, "depth", l->depth);
            jsonw_uint(&j, "levels", l->levels);
            jsonw_uint(&j, "latency", l->latency);
            jsonw_uint(&j, "output_neurons_added", l->extra_neurons);
            jsonw_uint(&j, "delay_buffers", l->buffers);
            jsonw_uint(&j, "uninitialised_latches", l->n_uninit);
            jsonw_obj_end(&j);
        } else if (m.kind == MODEL_NIR) {
            jsonw_obj_begin(&j, "nir");
            st = nir_report(&m, &mo, rate, seed, steps, NULL, &j, &e);
            jsonw_obj_end(&j);
        } else {
            netinfo ni;
            st = netinfo_compute(m.net, &ni, &e);
            if (st == LOOM_OK) {
                jsonw_key(&j, "info");
                netinfo_print_json(m.net, &ni, in, "seir", stdout);
                netinfo_free(&ni);
            }
        }
        jsonw_obj_end(&j);
        if (st == LOOM_OK)
            st = jsonw_end(&j, &e);
    } else if (st == LOOM_OK && report) {
        FILE *rf = strcmp(out, "-") ? stdout : stderr;
        if (bc.chose)
            cli_choice_print(rf, bc.board, &bc.choice);
        if (m.kind == MODEL_AIGER) {
            st = aig_report(&m, rf, &e);
        } else if (m.kind == MODEL_NIR) {
            st = nir_report(&m, &mo, rate, seed, steps, rf, NULL, &e);
        } else {
            netinfo ni;
            st = netinfo_compute(m.net, &ni, &e);
            if (st == LOOM_OK) {
                netinfo_print(m.net, &ni, in, "SEIR", rf);
                netinfo_free(&ni);
            }
        }
        fflush(rf);
    }
    model_free(&m);
    if (st == LOOM_OK && fflush(stdout) != 0)
        st = loom_fail(&e, LOOM_E_IO, "write error on stdout");
    return st ? cli_report(C, &e) : 0;
}
