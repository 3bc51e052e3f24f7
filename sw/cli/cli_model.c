/*
 * cli_model.c -- parsing of the shared model options (cli_model.h).
 */
#include "cli_model.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cli_model_help[] =
    "model options (for .aag/.aig/.nir inputs; .seir files carry their own arch):\n"
    "  --pipeline              AIGER: pipelined lowering (a new vector every step)\n"
    "  --dt SECONDS            NIR: timestep in seconds [1e-4]\n"
    "  --reset zero|subtract   NIR: reset of the quantised neurons [zero]\n"
    "  --arch W=8,S=16,A=24,D=15\n"
    "                          target weight/state/accumulator bits and max delay\n";

int cli_opt_value(const char *cmd, int argc, char **argv, int *k, const char *name,
                  const char **val)
{
    const char *a = argv[*k];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        (*k)++;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*k + 1 >= argc) {
        cli_usage_error(cmd, "%s expects a value", name);
        return -1;
    }
    *val = argv[*k + 1];
    *k += 2;
    return 1;
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
        if (dt_given)
            *dt_given = 1;
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
