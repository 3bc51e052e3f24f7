/*
 * seir_gen.c -- random networks and inputs for tests (see seir_gen.h); the
 * networks come from the one generator, hls_ref/netgen.c.
 */
#include "seir_gen.h"

#include <stdio.h>
#include <stdlib.h>

#include "seir_text.h"

int32_t seirgen_input(uint64_t *state, const seir_net *net, uint32_t c, uint32_t pct)
{
    if (netgen_below(state, 100) >= pct)
        return 0;
    return net->input_kind[c] == SEIR_IN_GRADED ? (int32_t)netgen_between(state, -32768, 32767) : 1;
}

char *seirgen_text(const seir_net *net, size_t *len, loom_err *e)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f) {
        loom_fail(e, LOOM_E_NOMEM, "open_memstream failed");
        return NULL;
    }
    loom_status st = seir_print(net, f, e);
    fclose(f);
    if (st) {
        free(buf);
        return NULL;
    }
    if (len)
        *len = n;
    return buf;
}

seir_net *seirgen_net(uint64_t seed, const netgen_recipe *o)
{
    netgen_recipe r;
    if (o)
        r = *o;
    else
        netgen_default(&r, NETGEN_FEATURES);
    r.seed = seed;
    seir_net *net;
    loom_err e;
    return netgen_build(&r, &net, &e) == LOOM_OK ? net : NULL;
}
