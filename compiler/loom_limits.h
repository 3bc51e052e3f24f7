/*
 * loom_limits.h -- the documented size limits of every input format.
 *
 * Every count a reader takes from a file (SEIR group sizes, AIGER header
 * counts, NIR shapes and datasets, .limg fields, stimulus steps) is checked
 * against one of these limits before anything is allocated for it, so a
 * small hostile file cannot make Loom allocate gigabytes.  Each limit has a
 * default and an environment variable that raises (or lowers) it for users
 * with really big networks, e.g. LOOM_MAX_NEURONS=200000000; the table is in
 * docs/reliability.md.  Values are read from the environment once, on first
 * use (or by loom_limits_init, which also reports malformed values).
 */
#ifndef LOOM_LIMITS_H
#define LOOM_LIMITS_H

#include <stdint.h>

#include "loom_status.h"

typedef enum loom_limit_id {
    LOOM_LIM_NEURONS,  /* neurons of a network (SEIR, NIR, AIGER lowering) */
    LOOM_LIM_INPUTS,   /* input channels of a network */
    LOOM_LIM_AIG_VARS, /* AIGER variables (header M) */
    LOOM_LIM_TENSOR,   /* elements of one NIR dataset */
    LOOM_LIM_STEPS,    /* step numbers in stimulus files */
    LOOM_LIM_COUNT
} loom_limit_id;

/* The limit in force (the environment variable if set and valid, else the
 * default). */
uint64_t loom_limit(loom_limit_id id);
/* The default and the environment variable of a limit ("LOOM_MAX_NEURONS"). */
uint64_t loom_limit_default(loom_limit_id id);
const char *loom_limit_env(loom_limit_id id);
/* Overrides a limit for this process (tests, embedding programs). */
void loom_limit_set(loom_limit_id id, uint64_t value);
/* Reads every LOOM_MAX_* variable now; LOOM_E_ARG names a malformed one
 * (not a positive decimal integer).  The valid ones still take effect. */
loom_status loom_limits_init(loom_err *e);

#endif
