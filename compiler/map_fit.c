/*
 * map_fit.c -- every whole-array capacity limit a network exceeds, at once
 * (see map_fit.h).  Only totals are compared, so the list is cheap (one
 * pass over the neurons for the profiles, one level computation) and never
 * names a limit that a perfect placement could meet.
 */
#include "map_fit.h"

#include "mapper.h"
#include "mapper.h"
#include "seir_relay.h"
#include "loom_mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(char *buf, size_t len, int *count, const char *what, uint64_t need, uint64_t have)
{
    char a[32], b[32];
    size_t used = strlen(buf);
    if (used < len)
        snprintf(buf + used, len - used, "%s%s %s > %s", *count ? "; " : "", what,
                 map_thousands(need, a, sizeof a), map_thousands(have, b, sizeof b));
    (*count)++;
}

int map_fit_limits(const seir_net *net, const limg_arch *a, char *buf, size_t len)
{
    if (len)
        buf[0] = 0;
    int count = 0;
    const uint64_t neurons = (uint64_t)a->cores * a->neurons;
    const uint64_t words = (uint64_t)a->cores * a->syn_words;
    const uint64_t profiles = (uint64_t)a->cores * a->profiles;
    /* delays beyond the build's D cost relay neurons and chain synapses */
    const uint64_t relays = net->arch.d > a->arch.d ? seir_relay_count(net, a->arch.d) : 0;
    if (net->n_neurons + relays > neurons)
        add(buf, len, &count, "neurons", net->n_neurons + relays, neurons);
    if (net->n_syn + relays > words)
        add(buf, len, &count, "synapses", net->n_syn + relays, words);
    if (net->n_inputs > a->max_inputs)
        add(buf, len, &count, "input channels", net->n_inputs, a->max_inputs);
    /* machine profiles in use (a profile no neuron uses costs nothing;
     * profiles that differ only in bias are one, map_profile_class) */
    uint8_t *used = calloc(net->n_profiles ? net->n_profiles : 1, 1);
    uint32_t *level = malloc((net->n_neurons ? net->n_neurons : 1) * sizeof *level);
    uint32_t *cls = map_profile_class(net);
    if (!used || !level || !cls) {
        LOOM_FREE(used, level, cls);
        return -1;
    }
    uint64_t n_used = 0;
    for (uint32_t n = 0; n < net->n_neurons; n++)
        if (!used[cls[net->neuron_profile[n]]]) {
            used[cls[net->neuron_profile[n]]] = 1;
            n_used++;
        }
    n_used += relays > 0;
    free(used);
    free(cls);
    if (n_used > profiles)
        add(buf, len, &count, "neuron profiles", n_used, profiles);
    uint32_t n_levels = 0;
    loom_err e;
    memset(&e, 0, sizeof e);
    int ok = seir_levels(net, level, &n_levels, &e) == LOOM_OK;
    free(level);
    if (!ok)
        return -1;
    if (n_levels > a->levels)
        add(buf, len, &count, "levels", n_levels, a->levels);
    return count;
}

loom_status map_fit_explain(loom_status st, const seir_net *net, const limg_arch *arch, loom_err *e)
{
    if (st != LOOM_E_CAPACITY)
        return st;
    char list[1024];
    if (map_fit_limits(net, arch, list, sizeof list) > 0)
        loom_fail(e, LOOM_E_CAPACITY, "limits exceeded: %s", list);
    return st;
}
