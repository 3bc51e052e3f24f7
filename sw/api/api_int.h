/*
 * api_int.h -- what the files of the public API (include/loom/loom.h) share
 * (internal, not installed).
 */
#ifndef LOOM_API_INT_H
#define LOOM_API_INT_H
#include "loom/loom.h"
#include "model.h"

struct loom_net {
    model m;          /* the compiled model (owns the net) */
    char *path;       /* where it was loaded from (for recompiling) */
    model_opts mo;    /* the options it was compiled with */
};

/* model_opts from the public options (board names resolved). */
loom_status loom_api_model_opts(const loom_load_opts *o, model_opts *mo, loom_err *e);

/* Checks a [steps][channels] input array against net: channels must equal
 * its inputs, spike channels take 0/1, graded ones 16 bits. */
loom_status loom_api_check_x(const seir_net *net, const int32_t *x, uint64_t steps,
                             uint32_t channels, loom_err *e);
/* The same for n_inputs channels of the given kinds (NULL: all spike). */
loom_status loom_api_check_kinds(uint32_t n_inputs, const uint8_t *input_kind, const int32_t *x,
                                 uint64_t steps, uint32_t channels, loom_err *e);
#endif
