/*
 * cmd_demo.c -- `loom demo NAME`: the project's showcase jobs.
 *
 * `loom demo blimp` flies the shipped evolved controller
 * (examples/blimp/controller.seir) on the 60 s demo profile against the
 * PID, prints the comparison table and the `blimp ...` summary line, and
 * writes the plot (default build/demo/blimp.png).  The loop runs through
 * `loom fly`, whose controller step is transport-independent (ctrl.h): today
 * the reference model (path=ref); the virtual-board path plugs in the same
 * step once `loom vboard` serves networks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

const char cmd_demo_summary[] = "showcase jobs: 'loom demo blimp' flies the evolved SNN blimp controller";

int cmd_fly(int argc, char **argv);

static const char usage_text[] =
    "usage: loom demo blimp [--seed S] [--controller NET.seir] [--plot FILE.png]\n"
    "Flies the shipped evolved spiking controller (160 neurons, bit-exact\n"
    "reference model) and the PID on the same blimp plant and noise seed over\n"
    "the 60 s demo profile; prints the comparison and the summary line\n"
    "'blimp rmse_snn=.. ... path=ref'.  Defaults: seed 1,\n"
    "examples/blimp/controller.seir, plot build/demo/blimp.png.\n";

/* mkdir -p of the folder part of path. */
static int make_parent(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0777) && errno != EEXIST) return -1;
        *p = '/';
    }
    return 0;
}

int cmd_demo(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "blimp")) return cli_usage_error("demo", "unknown demo '%s' (known: blimp)", argv[1]);
    const char *seed = "1", *controller = "examples/blimp/controller.seir", *png = "build/demo/blimp.png";
    for (int i = 2; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return cli_usage_error("demo", "%s needs a value (see loom demo --help)", argv[i]);
        if (!strcmp(argv[i], "--seed")) seed = v;
        else if (!strcmp(argv[i], "--controller")) controller = v;
        else if (!strcmp(argv[i], "--plot")) png = v;
        else return cli_usage_error("demo", "unknown option '%s' (see loom demo --help)", argv[i]);
        i++;
    }
    if (make_parent(png)) return cli_usage_error("demo", "cannot create the folder of %s: %s", png, strerror(errno));
    char *av[] = {"fly", "--sim", "--seed", (char *)seed, "--controller", (char *)controller,
                  "--duration", "60", "--profile", "demo", "--plot", (char *)png, NULL};
    return cmd_fly(12, av);
}
