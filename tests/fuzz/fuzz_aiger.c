/* fuzz_aiger.c -- libFuzzer harness: the AIGER reader (aig_read_mem), ASCII
 * and binary, on arbitrary bytes. */
#include <stdint.h>

#include "aig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aig_file *a = NULL;
    loom_err e;
    if (aig_read_mem(data, size, "fuzz.aig", &a, &e) == LOOM_OK)
        aig_file_free(a);
    return 0;
}
