/* TEMP: loom info placeholder until the front-ends land. */
#include <stdio.h>
#include "cli.h"
#include "model.h"
const char cmd_info_summary[] = "summarise a model file (neurons, synapses, levels, fan-in, delays)";
int cmd_info(int argc, char **argv)
{
    if (argc < 2) return cli_usage_error("info", "expects a model file");
    model_opts o; model_opts_default(&o);
    model m; loom_err e;
    if (model_load(argv[1], &o, &m, &e)) return cli_report("info", &e);
    printf("neurons %u synapses %zu\n", m.net->n_neurons, m.net->n_syn);
    model_free(&m);
    return 0;
}
