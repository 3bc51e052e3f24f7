/*
 * cli_opt.c -- the option table of the loom subcommands (cli_opt.h).
 */
#include "cli_opt.h"

#include <stdio.h>
#include <string.h>

#include "board.h"
#include "cli.h"
#include "cli_model.h"
#include "flight.h"

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
    /* "--out-spikes --quiet" is a forgotten value, not a file named
     * "--quiet"; "-" (stdin/stdout) and "-1" stay values.  A value that
     * really starts so is still possible as --opt=VALUE. */
    const char *nx = argv[*k + 1];
    if (nx[0] == '-' && (nx[1] == '-' || (nx[1] >= 'a' && nx[1] <= 'z') ||
                         (nx[1] >= 'A' && nx[1] <= 'Z'))) {
        cli_usage_error(cmd, "%s expects a value, got the option '%s' (write %s=VALUE for a "
                             "value that starts with '-')", name, nx, name);
        return -1;
    }
    *val = nx;
    *k += 2;
    return 1;
}

/* Length of the option name of a: "--steps=5" -> 7; 0 if a is no option. */
static size_t opt_name_len(const char *a)
{
    if (a[0] != '-' || a[1] == '\0')
        return 0;
    if (a[1] != '-' && (a[2] != '\0' || !((a[1] >= 'a' && a[1] <= 'z') || (a[1] >= 'A' && a[1] <= 'Z'))))
        return 0; /* "-1", "-0.5": a value, not a short option */
    size_t n = strcspn(a, "=");
    return n;
}

int cli_no_repeats(const char *cmd, int argc, char **argv)
{
    for (int k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "--"))
            break;
        size_t n = opt_name_len(argv[k]);
        if (!n)
            continue;
        for (int j = 1; j < k; j++)
            if (opt_name_len(argv[j]) == n && !strncmp(argv[j], argv[k], n)) {
                cli_usage_error(cmd, "option %.*s given twice; give it once", (int)n, argv[k]);
                return -1;
            }
    }
    return 0;
}

static int take_value(const char *cmd, const cli_opt *o, const char *name, const char *v)
{
    if (o->text)
        *o->text = v;
    switch (o->kind) {
    case CLI_INT: {
        int64_t x;
        if (cli_parse_i64(cmd, name, v, o->imin, o->imax, &x))
            return -1;
        switch (o->size) {
        case 1: *(int8_t *)o->dst = (int8_t)x; break;
        case 2: *(int16_t *)o->dst = (int16_t)x; break;
        case 4: *(int32_t *)o->dst = (int32_t)x; break;
        default: *(int64_t *)o->dst = x; break;
        }
        return 0;
    }
    case CLI_U64:
        return cli_parse_u64(cmd, name, v, o->dst);
    case CLI_DOUBLE:
        return cli_parse_double(cmd, name, v, o->dmin, o->dmax, o->dst);
    case CLI_PATH:
        if (!*v) {
            cli_usage_error(cmd, "%s expects a file name, got ''", name);
            return -1;
        }
        *(const char **)o->dst = v;
        return 0;
    case CLI_STRING:
        *(const char **)o->dst = v;
        return 0;
    case CLI_CUSTOM:
        return o->fn(cmd, name, v, o->dst);
    case CLI_FLAG:
        break;
    }
    return -1;
}

int cli_opt_take(const char *cmd, int argc, char **argv, int *k, const cli_opt *tab, size_t n)
{
    const char *a = argv[*k];
    for (size_t i = 0; i < n; i++) {
        const cli_opt *o = &tab[i];
        const char *names[2] = {o->name, o->alias};
        for (int j = 0; j < 2; j++) {
            if (!names[j])
                continue;
            if (o->kind == CLI_FLAG) {
                if (strcmp(a, names[j]) != 0)
                    continue;
                *(int *)o->dst = 1;
                (*k)++;
            } else {
                const char *v;
                int r = cli_opt_value(cmd, argc, argv, k, names[j], &v);
                if (r == 0)
                    continue;
                if (r < 0 || take_value(cmd, o, names[j], v))
                    return -1;
            }
            if (o->seen)
                *o->seen = 1;
            return 1;
        }
    }
    return 0;
}

int cli_parse_args(const cli_spec *s, int argc, char **argv)
{
    const char *C = s->cmd;
    if (!s->last_wins && cli_no_repeats(C, argc, argv))
        return 2;
    for (int k = 1; k < argc;) {
        const char *a = argv[k];
        int r;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            if (s->usage_arg)
                printf(s->usage, s->usage_arg);
            else
                fputs(s->usage, stdout);
            return -1;
        }
        if (s->model &&
            (r = cli_model_option(C, argc, argv, &k, s->model, s->dt_given, s->arch_given)) != 0) {
            if (r < 0)
                return 2;
            continue;
        }
        if ((r = cli_opt_take(C, argc, argv, &k, s->opts, s->n_opts)) != 0) {
            if (r < 0)
                return 2;
            continue;
        }
        if (a[0] == '-' && a[1] != '\0')
            return cli_usage_error(C, "unknown option '%s'", a);
        if (!s->pos)
            return cli_usage_error(C, "unexpected argument '%s'", a);
        if (*s->pos)
            return cli_usage_error(C, s->pos_twice, *s->pos, a);
        *s->pos = a;
        k++;
    }
    return 0;
}

int cli_opt_board(const char *cmd, const char *opt, const char *val, void *dst)
{
    (void)opt;
    loom_err e;
    loom_err_clear(&e);
    const board_info *b = board_find(val, &e);
    if (!b) {
        cli_usage_error(cmd, "%s", e.msg);
        return -1;
    }
    *(const board_info **)dst = b;
    return 0;
}

int cli_opt_plant(const char *cmd, const char *opt, const char *val, void *dst)
{
    (void)cmd;
    (void)opt;
    cli_plant *p = dst;
    const flight_plant *k = flight_plant_find(val);
    if (k)
        p->kind = k;
    else
        p->file = val;
    return 0;
}

int cli_plant_get(const char *cmd, const cli_plant *p, const flight_plant **kind, const char **file)
{
    *kind = p->kind ? p->kind : flight_plant_find("blimp");
    *file = p->file;
    if (p->file && strcmp((*kind)->name, "blimp"))
        return cli_usage_error(cmd, "a plant file gives the blimp's parameters; it does not go with --plant %s",
                               (*kind)->name);
    return 0;
}
