/*
 * seir_gen.h -- random SEIR networks and inputs for unit tests.
 *
 * seirgen_net is the NETGEN_FEATURES shape of the one generator
 * (hls_ref/netgen.h): small valid nets that use every feature of SEIR,
 * deterministic per seed.  The draws (netgen_below, netgen_between) come
 * from netgen.h too.  Linked into every unit test; the names carry the
 * prefix seirgen_.
 */
#ifndef SEIR_GEN_H
#define SEIR_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "loom_status.h"
#include "netgen.h"
#include "seir.h"

/* The value of input channel c of net in one step of a random run: none
 * (0) unless a draw below 100 falls under pct, then 1 for a spike channel
 * or a random 16-bit value (maybe 0) for a graded one. */
int32_t seirgen_input(uint64_t *state, const seir_net *net, uint32_t c, uint32_t pct);

/* The canonical text of net (seir_print), malloc'd and NUL-terminated,
 * its length in *len (may be NULL); NULL with *e on failure. */
char *seirgen_text(const seir_net *net, size_t *len, loom_err *e);

/* A new random valid network for `seed`: netgen_build of recipe o (NULL:
 * the NETGEN_FEATURES defaults) with that seed, owned by the caller
 * (seir_net_free).  NULL only when out of memory. */
seir_net *seirgen_net(uint64_t seed, const netgen_recipe *o);

#endif
