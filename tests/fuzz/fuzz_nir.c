/* fuzz_nir.c -- libFuzzer harness: the NIR reader on the path the CLI uses
 * (nir_compile_file: the guarded HDF5 read in a child process, then the
 * checks, shape inference and lowering).  Slow (a fork per input), so its
 * long runs are shorter than the others'. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "model.h"
#include "nir.h"

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
    if (nir_compile_file(p, &o, &net, &g, &e) == LOOM_OK) {
        seir_net_free(net);
        nir_graph_free(g);
    }
    unlink(p);
    return 0;
}
