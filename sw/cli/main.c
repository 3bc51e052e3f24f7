/*
 * main.c -- the `loom` command: git-style dispatch to sw/cli/cmd_*.c.
 *
 * The table is generated from the file names (build/gen/loom_commands.h), so
 * adding a subcommand is adding a file.
 */
#include "loom_paths.h"
#include <stdio.h>
#include <string.h>

#include "loom_limits.h"

#define LOOM_CMD(n) int cmd_##n(int argc, char **argv); extern const char cmd_##n##_summary[];
#include "loom_commands.h"
#undef LOOM_CMD

typedef struct command {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} command;

static const command commands[] = {
#define LOOM_CMD(n) {#n, cmd_##n, cmd_##n##_summary},
#include "loom_commands.h"
#undef LOOM_CMD
};

static void usage(FILE *f)
{
    fprintf(f, "usage: loom <command> [options]\n\n"
               "Loom compiles spiking and logic networks onto time-multiplexed LIF cores,\n"
               "simulates them bit-exactly, and runs them on iCE40 boards.\n\ncommands:\n");
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        fprintf(f, "  %-10s %s\n", commands[k].name, commands[k].summary);
    fprintf(f, "\n'loom <command> --help' explains a command; docs/ has the reference.\n");
    char root[4096];
    fprintf(f, "\ndata folder (RTL, boards, firmware, examples, docs): %s\n"
               "  found beside this loom (PREFIX/share/loom, or the source tree);\n"
               "  LOOM_DATADIR=DIR overrides it (docs/install.md).\n",
            loom_data_root(root, sizeof root));
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    loom_err le;
    if (loom_limits_init(&le) != LOOM_OK) {
        fprintf(stderr, "loom: %s\n", le.msg);
        return 2;
    }
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        if (argc > 2) {
            for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
                if (!strcmp(commands[k].name, argv[2])) {
                    char *av[] = {argv[2], "--help", NULL};
                    return commands[k].fn(2, av);
                }
        }
        usage(stdout);
        return 0;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("loom %s\n", LOOM_VERSION);
        return 0;
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (!strcmp(commands[k].name, name))
            return commands[k].fn(argc - 1, argv + 1);
    fprintf(stderr, "loom: '%s' is not a loom command\n\n", name);
    usage(stderr);
    return 2;
}
