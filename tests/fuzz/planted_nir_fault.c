/* planted_nir_fault.c -- linked only into $(BUILD)/fuzz/fuzz_nir_planted
 * (tests/fuzz.mk, with -Wl,--wrap=nir_read_file): a heap overflow planted
 * in front of Loom's NIR reader, for the fuzzer's input files only.  The
 * reader runs in the guard's child process, where libhdf5's own crashes are
 * contained; tests/integration/fuzz_smoke.sh checks that a fault in Loom's
 * code there still stops the harness with the sanitizer's report instead
 * of being counted as "HDF5 crashed". */
#include <stdlib.h>
#include <string.h>

#include "nir.h"

loom_status __real_nir_read_file(const char *path, nir_graph **out, loom_err *e);
loom_status __wrap_nir_read_file(const char *path, nir_graph **out, loom_err *e);

loom_status __wrap_nir_read_file(const char *path, nir_graph **out, loom_err *e)
{
    if (strstr(path, "/loom-fuzz-")) {
        volatile char *x = malloc(4);
        if (x)
            x[4] = 1; /* one byte past the block */
        free((void *)x);
    }
    return __real_nir_read_file(path, out, e);
}
