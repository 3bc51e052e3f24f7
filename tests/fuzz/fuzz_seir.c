/* fuzz_seir.c -- libFuzzer harness: the SEIR text parser (seir_parse) and,
 * for what it accepts, the printer and the reparse of its output.
 *
 * The neuron and input-channel limits are lowered to 2^16 here: a 79-byte
 * file declaring 14 million neurons is valid under the default limits and
 * its print-and-reparse took over 10 s under ASan (a libFuzzer timeout, kept
 * in tests/fuzz/regress/seir/); at 2^20 such declarations still cost tens of
 * milliseconds each and halved the long run's rate as the corpus filled with
 * them.  What the harness checks, that every count is refused above the
 * limit in force, holds at any limit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loom_limits.h"
#include "seir.h"
#include "seir_text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    loom_limit_set(LOOM_LIM_NEURONS, 1u << 16);
    loom_limit_set(LOOM_LIM_INPUTS, 1u << 16);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seir_net *net = NULL;
    loom_err e;
    if (seir_parse((const char *)data, size, "fuzz.seir", &net, &e) != LOOM_OK)
        return 0;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (f && seir_print(net, f, &e) == LOOM_OK) {
        fclose(f);
        seir_net *again = NULL;
        if (seir_parse(buf, n, "reprint.seir", &again, &e) != LOOM_OK)
            abort(); /* the printer wrote something the parser refuses */
        seir_net_free(again);
    } else if (f) {
        fclose(f);
    }
    free(buf);
    seir_net_free(net);
    return 0;
}
