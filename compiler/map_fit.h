/*
 * map_fit.h -- every capacity limit a network exceeds on an arch, at once.
 *
 * map_net stops at the first limit it meets (input channels before
 * neurons before synapses).  A user deciding whether a model can be made
 * to fit a board wants the whole list with the figures, in one line:
 *   limits exceeded: neurons 8,970 > 1,024; synapses 1,290,000 > 32,768; input channels 2,312 > 128
 * These are necessary conditions on whole-array totals (a net that passes
 * may still fail map_net on a per-core limit, whose message then stands).
 */
#ifndef MAP_FIT_H
#define MAP_FIT_H

#include <stddef.h>

#include "limg.h"
#include "loom_status.h"
#include "seir.h"

/* Writes "name need > have; ..." for every whole-array limit `net` exceeds
 * on `arch` into buf (always NUL-terminated; "" when none) and returns how
 * many there are, or -1 when the levels cannot be computed (a zero-delay
 * cycle; map_net names it) or memory runs out. */
int map_fit_limits(const seir_net *net, const limg_arch *arch, char *buf, size_t len);

/* map_net's capacity refusal made complete: when `st` (a map_net result) is
 * LOOM_E_CAPACITY and map_fit_limits finds limits, *e is replaced by
 * "limits exceeded: <the list>"; otherwise *e is left as it is.  Returns st. */
loom_status map_fit_explain(loom_status st, const seir_net *net, const limg_arch *arch, loom_err *e);

#endif
