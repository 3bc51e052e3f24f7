/*
 * cli_model.c -- parsing of the shared model options (cli_model.h).
 */
#include "cli_model.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_choice.h"
#include "cli_sandbox.h"

const char cli_model_help[] =
    "model options (for .aag/.aig/.nir inputs; .seir files carry their own arch):\n"
    "  --pipeline              AIGER: pipelined lowering (a new vector every step)\n"
    "  --top MODULE            Verilog (.v, .sv, through yosys): the top module\n"
    "  --group-sum K           AIGER/Verilog: the outputs in K equal groups, each\n"
    "                          summed by a read-out neuron class[k] (v output)\n"
    "  --dt SECONDS            NIR: timestep in seconds [the file's metadata dt, else 1e-4]\n"
    "  --reset zero|subtract   NIR: reset of the quantised neurons [zero]\n"
    "  --arch W=8,S=16,A=24,D=15\n"
    "                          target weight/state/accumulator bits and max delay\n";

int cli_check_files(const char *cmd, const cli_file *in, size_t n_in, const cli_file *out,
                    size_t n_out)
{
    const cli_file *stdout_user = NULL;
    for (size_t k = 0; k < n_out; k++) {
        const cli_file *o = &out[k];
        if (!o->path)
            continue;
        if (!strcmp(o->path, "-")) {
            if (stdout_user) {
                cli_usage_error(cmd, "%s and %s both write to stdout ('-'); give one of them a file",
                                stdout_user->what, o->what);
                return -1;
            }
            stdout_user = o;
            continue;
        }
        struct stat so;
        int o_exists = stat(o->path, &so) == 0;
        for (size_t j = 0; j < n_in; j++) {
            struct stat si;
            if (!in[j].path || !strcmp(in[j].path, "-") || !o_exists || stat(in[j].path, &si))
                continue;
            if (si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
                cli_usage_error(cmd, "%s %s is the %s %s: refusing to overwrite an input", o->what,
                                o->path, in[j].what, in[j].path);
                return -1;
            }
        }
        for (size_t j = 0; j < k; j++) {
            struct stat sj;
            if (!out[j].path || !strcmp(out[j].path, "-"))
                continue;
            int same = !strcmp(out[j].path, o->path) ||
                       (o_exists && stat(out[j].path, &sj) == 0 && sj.st_dev == so.st_dev &&
                        sj.st_ino == so.st_ino);
            if (same) {
                cli_usage_error(cmd, "%s and %s both write %s; give each its own file", out[j].what,
                                o->what, o->path);
                return -1;
            }
        }
    }
    return 0;
}

int cli_parse_arch(const char *cmd, const char *s, seir_arch *a)
{
    char *copy = strdup(s);
    if (!copy)
        return -1;
    int rc = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && !rc;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        int64_t v;
        if (!eq || eq != tok + 1 || !strchr("WSADwsad", tok[0])) {
            cli_usage_error(cmd, "--arch: '%s' is not KEY=VALUE with KEY one of W, S, A, D", tok);
            rc = -1;
            break;
        }
        char opt[16] = "--arch X";
        opt[7] = tok[0];
        if (cli_parse_i64(cmd, opt, eq + 1, 0, 255, &v)) {
            rc = -1;
            break;
        }
        switch (tok[0]) {
        case 'W': case 'w': a->w = (int)v; break;
        case 'S': case 's': a->s = (int)v; break;
        case 'A': case 'a': a->a = (int)v; break;
        default: a->d = (int)v; break;
        }
    }
    free(copy);
    if (rc)
        return rc;
    loom_err e;
    if (seir_arch_check(a, &e)) {
        cli_usage_error(cmd, "--arch %s: %s", s, e.msg);
        return -1;
    }
    return 0;
}

int cli_model_check_applies(const char *cmd, const char *path, int argc, char **argv)
{
    int kind = model_kind_of(path);
    if (kind < 0)
        return 0;
    size_t pl = strlen(path);
    int is_verilog = (pl > 2 && !strcmp(path + pl - 2, ".v")) || (pl > 3 && !strcmp(path + pl - 3, ".sv"));
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        size_t n = strcspn(a, "=");
        const char *why = NULL;
        if (n == 6 && !strncmp(a, "--arch", 6) && kind == MODEL_SEIR)
            why = "is SEIR and declares its own arch (its 'arch' line); --arch applies to "
                  ".aag/.aig/.nir inputs (a random net for an arch: loom gen --arch ...)";
        else if (n == 10 && !strncmp(a, "--pipeline", 10) && kind != MODEL_AIGER)
            why = "is not AIGER; --pipeline applies to .aag/.aig/.v inputs";
        else if (n == 11 && !strncmp(a, "--group-sum", 11) && kind != MODEL_AIGER)
            why = "is not AIGER; --group-sum applies to .aag/.aig/.v inputs";
        else if (n == 5 && !strncmp(a, "--top", 5) && !is_verilog)
            why = "is not Verilog; --top applies to .v/.sv inputs";
        else if (n == 7 && !strncmp(a, "--reset", 7) && kind != MODEL_NIR)
            why = "is not NIR; --reset applies to .nir inputs (SEIR declares reset per profile)";
        if (why) {
            cli_usage_error(cmd, "%.*s: %s %s", (int)n, a, path, why);
            return -1;
        }
    }
    return 0;
}

int cli_model_option(const char *cmd, int argc, char **argv, int *k, model_opts *o,
                     int *dt_given, int *arch_given)
{
    const char *v;
    int r;
    if (!strcmp(argv[*k], "--pipeline")) {
        o->pipeline = 1;
        (*k)++;
        return 1;
    }
    if ((r = cli_opt_value(cmd, argc, argv, k, "--dt", &v)) != 0) {
        if (r < 0 || cli_parse_double(cmd, "--dt", v, 1e-12, 1e6, &o->dt))
            return -1;
        o->dt_set = 1;
        if (dt_given)
            *dt_given = 1;
        return 1;
    }
    if ((r = cli_opt_value(cmd, argc, argv, k, "--top", &v)) != 0) {
        if (r < 0)
            return -1;
        o->top = v;
        return 1;
    }
    if ((r = cli_opt_value(cmd, argc, argv, k, "--group-sum", &v)) != 0) {
        int64_t g;
        if (r < 0 || cli_parse_i64(cmd, "--group-sum", v, 1, 1000000, &g))
            return -1;
        o->group_sum = (uint32_t)g;
        return 1;
    }
    if ((r = cli_opt_value(cmd, argc, argv, k, "--reset", &v)) != 0) {
        if (r < 0)
            return -1;
        if (!strcmp(v, "zero")) {
            o->reset_subtract = 0;
        } else if (!strcmp(v, "subtract")) {
            o->reset_subtract = 1;
        } else {
            cli_usage_error(cmd, "--reset expects zero or subtract, got '%s'", v);
            return -1;
        }
        return 1;
    }
    if ((r = cli_opt_value(cmd, argc, argv, k, "--arch", &v)) != 0) {
        if (r < 0 || cli_parse_arch(cmd, v, &o->arch))
            return -1;
        if (arch_given)
            *arch_given = 1;
        return 1;
    }
    return 0;
}

int cli_model_open(const char *cmd, const char *path, int argc, char **argv, model_opts *mo,
                   cli_board_choice *bc, model *m)
{
    memset(m, 0, sizeof *m);
    if (argv && cli_model_check_applies(cmd, path, argc, argv))
        return 2;
    loom_err e;
    loom_err_clear(&e);
    const int nir = model_kind_of(path) == MODEL_NIR;
    if (nir && cli_nir_sandbox(path, &e))
        return cli_report(cmd, &e);
    if (bc) {
        bc->chose = bc->board && model_kind_of(path) != MODEL_SEIR;
        if (bc->chose) {
            if (!bc->arch_given) /* the choice starts from the board's widths */
                mo->arch = bc->board->arch.arch;
            if (cli_choose_arch(bc->board, path, mo, bc->arch_given, bc->target, &bc->choice, &e))
                return cli_report(cmd, &e);
        }
    }
    model_opts o = *mo;
    if (!o.warn)
        o.warn = cli_warn;
    if (model_load(path, &o, m, &e))
        return cli_report(cmd, &e);
    return 0;
}

void cli_json_model_begin(jsonw *j, const char *cmd, const char *path, model_kind kind)
{
    jsonw_init(j, stdout);
    jsonw_obj_begin(j, NULL);
    jsonw_str(j, "command", cmd);
    jsonw_str(j, "file", path);
    jsonw_str(j, "kind", kind == MODEL_NIR ? "nir" : kind == MODEL_AIGER ? "aiger" : "seir");
}

int cli_run_source(const char *cmd, const seir_net *net, const char *poisson, const char *inputs,
                   uint64_t seed, const model_opts *mo, int dt_given, model_kind kind, cli_notes *notes,
                   stim_src **src, loom_err *e)
{
    loom_status st;
    if (poisson) {
        double rate, dt = dt_given || kind == MODEL_NIR ? mo->dt : 1e-3;
        int in_hz;
        if (cli_parse_poisson(cmd, poisson, dt, &rate, &in_hz))
            return 2;
        if (in_hz && notes)
            cli_note(notes, cmd, "note: --poisson %s at dt %g s = rate %g per step", poisson, dt, rate);
        st = stim_poisson(net, rate, seed, src, e);
    } else if (inputs) {
        st = stim_open_file(net, inputs, src, e);
    } else {
        if (notes && net->n_inputs > 0)
            cli_note(notes, cmd, "note: no --poisson or --inputs given: every input is 0");
        st = stim_poisson(net, 0.0, 0, src, e); /* rate 0: no events */
    }
    return st ? 1 : 0;
}
