/* fuzz_nir.c -- libFuzzer harness: the NIR reader on the path the CLI uses
 * (cli_nir_sandbox: the HDF5 read in a child process with CPU and memory
 * limits; then, for a file the child read cleanly, nir_compile_file in this
 * process: the checks, shape inference and lowering).  The children are
 * forked by a fork server started before the corpus is loaded
 * (cli_sandbox_server_start), so each costs the fork of a small process. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "cli_sandbox.h"
#include "fuzz_common.h"
#include "model.h"
#include "nir.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    loom_err e;
    if (cli_sandbox_server_start(&e) != LOOM_OK) {
        fprintf(stderr, "fuzz_nir: %s\n", e.msg);
        return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = fuzz_file(data, size, ".nir");
    if (!p)
        return 0;
    model_opts o;
    model_opts_default(&o);
    seir_net *net = NULL;
    nir_graph *g = NULL;
    loom_err e;
    if (cli_nir_sandbox(p, &e) == LOOM_OK && nir_compile_file(p, &o, &net, &g, &e) == LOOM_OK) {
        seir_net_free(net);
        nir_graph_free(g);
    }
    unlink(p);
    return 0;
}
