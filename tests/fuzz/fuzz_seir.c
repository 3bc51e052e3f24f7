/* fuzz_seir.c -- libFuzzer harness: the SEIR text parser (seir_parse) and,
 * for what it accepts, the printer and the reparse of its output. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seir.h"
#include "seir_text.h"

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
