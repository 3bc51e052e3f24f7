/*
 * loom_limits.c -- defaults and environment overrides of the input limits.
 */
#include "loom_limits.h"

#include <errno.h>
#include <stdlib.h>

static const struct {
    const char *env;
    uint64_t def;
} lim_tab[LOOM_LIM_COUNT] = {
    [LOOM_LIM_NEURONS] = {"LOOM_MAX_NEURONS", 1u << 24},
    [LOOM_LIM_INPUTS] = {"LOOM_MAX_INPUTS", 1u << 24},
    [LOOM_LIM_AIG_VARS] = {"LOOM_MAX_AIG_VARS", 1u << 22},
    [LOOM_LIM_TENSOR] = {"LOOM_MAX_TENSOR", 1u << 24},
    [LOOM_LIM_STEPS] = {"LOOM_MAX_STEPS", 1u << 30},
};

static uint64_t lim_val[LOOM_LIM_COUNT];
static int lim_ready;

/* 0 and *v on a positive decimal integer, -1 otherwise. */
static int parse_pos(const char *s, uint64_t *v)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end || x == 0)
        return -1;
    *v = x;
    return 0;
}

static loom_status load(loom_err *e)
{
    loom_status st = LOOM_OK;
    for (int i = 0; i < LOOM_LIM_COUNT; i++) {
        lim_val[i] = lim_tab[i].def;
        const char *s = getenv(lim_tab[i].env);
        uint64_t v;
        if (!s)
            continue;
        if (parse_pos(s, &v) == 0)
            lim_val[i] = v;
        else if (st == LOOM_OK)
            st = loom_fail(e, LOOM_E_ARG, "environment variable %s='%s': expected a positive integer "
                           "(default %llu)", lim_tab[i].env, s, (unsigned long long)lim_tab[i].def);
    }
    lim_ready = 1;
    return st;
}

uint64_t loom_limit(loom_limit_id id)
{
    if (!lim_ready)
        load(NULL);
    return id < LOOM_LIM_COUNT ? lim_val[id] : 0;
}

uint64_t loom_limit_default(loom_limit_id id) { return id < LOOM_LIM_COUNT ? lim_tab[id].def : 0; }

const char *loom_limit_env(loom_limit_id id) { return id < LOOM_LIM_COUNT ? lim_tab[id].env : "?"; }

void loom_limit_set(loom_limit_id id, uint64_t value)
{
    if (!lim_ready)
        load(NULL);
    if (id < LOOM_LIM_COUNT)
        lim_val[id] = value;
}

loom_status loom_limits_init(loom_err *e) { return load(e); }
