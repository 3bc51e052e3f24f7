/*
 * seir_relay.c -- long delays as relay chains (see seir_relay.h).
 */
#include "seir_relay.h"
#include "loom_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Chain length source s needs for delay d on a machine of max delay D. */
static uint32_t hops(uint32_t d, uint32_t D)
{
    return d > D ? (d + D - 1) / D - 1 : 0;
}

/* Source index in [0, n_neurons + n_inputs): neurons first. */
static uint32_t src_key(const seir_net *net, uint32_t src)
{
    return SEIR_IS_INPUT(src) ? net->n_neurons + SEIR_SRC_INDEX(src) : src;
}

uint64_t seir_relay_count(const seir_net *net, int d)
{
    if (d <= 0)
        return 0;
    const size_t ns = (size_t)net->n_neurons + net->n_inputs;
    uint32_t *k = calloc(ns ? ns : 1, sizeof *k);
    if (!k)
        return 0;
    for (size_t j = 0; j < net->n_syn; j++) {
        const seir_syn *y = &net->syn[j];
        const uint32_t h = hops(y->d, (uint32_t)d), s = src_key(net, y->src);
        if (s < ns && h > k[s])
            k[s] = h;
    }
    uint64_t n = 0;
    for (size_t s = 0; s < ns; s++)
        n += k[s];
    free(k);
    return n;
}

/* A name not yet used by any group (profiles: by any profile). */
static void fresh_name(const seir_net *net, int profile, char *buf, size_t len)
{
    for (unsigned k = 1;; k++) {
        if (k == 1)
            snprintf(buf, len, "loom_relay");
        else
            snprintf(buf, len, "loom_relay_%u", k);
        if (profile ? seir_find_profile(net, buf) < 0
                    : seir_find_neuron_group(net, buf) < 0 && seir_find_input_group(net, buf) < 0)
            return;
    }
}

loom_status seir_relay_delays(const seir_net *net, int d, seir_net **out, loom_err *e)
{
    *out = NULL;
    char nm[SEIR_NAME_MAX + 16];
    if (d < 0 || d > 255)
        return loom_fail(e, LOOM_E_ARG, "relay: max delay %d out of range 0..255", d);
    const uint32_t D = (uint32_t)d;
    const size_t ns = (size_t)net->n_neurons + net->n_inputs;
    for (size_t j = 0; j < net->n_syn; j++) {
        const seir_syn *y = &net->syn[j];
        if (y->d <= D)
            continue;
        if (D == 0)
            return loom_fail(e, LOOM_E_CAPACITY,
                             "synapse %zu (to %s) has delay %u, and a machine with D=0 has no delays to chain",
                             j, seir_neuron_name(net, y->dst, nm, sizeof nm), y->d);
        if (SEIR_IS_INPUT(y->src) && SEIR_SRC_INDEX(y->src) < net->n_inputs &&
            net->input_kind[SEIR_SRC_INDEX(y->src)] == SEIR_IN_GRADED)
            return loom_fail(e, LOOM_E_CAPACITY,
                             "synapse %zu from graded input %s has delay %u > D=%u: a graded value cannot be relayed "
                             "by spikes",
                             j, seir_input_name(net, SEIR_SRC_INDEX(y->src), nm, sizeof nm), y->d, D);
    }
    for (size_t j = 0; j < net->n_ring_init; j++)
        if (net->ring_init[j].slot > D)
            return loom_fail(e, LOOM_E_CAPACITY,
                             "neuron %s: initial pending input for step %u, beyond the machine's D=%u",
                             seir_neuron_name(net, net->ring_init[j].neuron, nm, sizeof nm),
                             net->ring_init[j].slot, D);

    loom_status st = LOOM_OK;
    seir_arch ar = net->arch;
    ar.d = d;
    seir_net *o = seir_net_new(&ar);
    uint32_t *k = calloc(ns ? ns : 1, sizeof *k), *base = calloc(ns ? ns : 1, sizeof *base);
    if (!o || !k || !base)
        goto nomem;
    for (size_t j = 0; j < net->n_syn; j++) {
        const uint32_t h = hops(net->syn[j].d, D), s = src_key(net, net->syn[j].src);
        if (s < ns && h > k[s])
            k[s] = h;
    }
    uint64_t total = 0;
    for (size_t s = 0; s < ns; s++) {
        base[s] = net->n_neurons + (uint32_t)total;
        total += k[s];
    }
    if (total + net->n_neurons >= SEIR_SRC_INPUT) {
        free(k);
        free(base);
        seir_net_free(o);
        return loom_fail(e, LOOM_E_CAPACITY, "relay: %llu relay neurons are too many",
                         (unsigned long long)total);
    }

    /* everything but the synapses, as it is */
    for (uint32_t p = 0; p < net->n_profiles; p++)
        if (seir_add_profile(o, &net->profiles[p]) < 0)
            goto nomem;
    for (uint32_t g = 0; g < net->n_input_groups; g++) {
        const seir_group *gr = &net->input_groups[g];
        if (seir_add_inputs(o, gr->name, gr->count, gr->is_array, (seir_input_kind)gr->kind) < 0)
            goto nomem;
        if (net->input_max && net->input_max[gr->first] &&
            seir_set_input_max(o, gr->first, gr->count, net->input_max[gr->first]))
            goto nomem;
    }
    for (uint32_t g = 0; g < net->n_neuron_groups; g++) {
        const seir_group *gr = &net->neuron_groups[g];
        if (seir_add_neurons(o, gr->name, gr->count, gr->is_array, gr->kind) < 0)
            goto nomem;
    }
    if (total) {
        seir_profile rp;
        fresh_name(net, 1, nm, sizeof nm);
        seir_profile_gate(&rp, nm, 1, 0, SEIR_RESET_ZERO);
        int32_t pi = seir_add_profile(o, &rp);
        fresh_name(net, 0, nm, sizeof nm);
        if (pi < 0 || seir_add_neurons(o, nm, (uint32_t)total, 1, (uint32_t)pi) < 0)
            goto nomem;
    }
    for (uint32_t n = 0; n < net->n_neurons; n++) {
        if (net->neuron_bias && net->neuron_bias[n] && seir_set_bias(o, n, net->neuron_bias[n]))
            goto nomem;
        if (net->init_i && (net->init_i[n] || net->init_v[n]) &&
            seir_set_init(o, n, net->init_i[n], net->init_v[n]))
            goto nomem;
    }
    for (size_t j = 0; j < net->n_ring_init; j++)
        if (seir_add_ring_init(o, net->ring_init[j].neuron, net->ring_init[j].slot, net->ring_init[j].value))
            goto nomem;
    for (uint32_t j = 0; j < net->n_outputs; j++)
        if (seir_add_output(o, net->outputs[j].neuron, net->outputs[j].kind))
            goto nomem;

    /* synapses: same positions, long ones leave from their relay; then the chains */
    if (seir_reserve_syn(o, net->n_syn + total))
        goto nomem;
    for (size_t j = 0; j < net->n_syn; j++) {
        seir_syn y = net->syn[j];
        const uint32_t h = hops(y.d, D);
        if (h) {
            y.src = base[src_key(net, y.src)] + h - 1;
            y.d -= h * D;
        }
        if (seir_add_syn(o, y.src, y.dst, y.w, y.d))
            goto nomem;
    }
    for (size_t s = 0; s < ns; s++)
        for (uint32_t j = 0; j < k[s]; j++) {
            const uint32_t from = j ? base[s] + j - 1
                                    : (s < net->n_neurons ? (uint32_t)s
                                                          : SEIR_SRC_INPUT | (uint32_t)(s - net->n_neurons));
            if (seir_add_syn(o, from, base[s] + j, 1, D))
                goto nomem;
        }
    /* dense hints whose synapses kept their delay */
    for (uint32_t b = 0; b < net->n_dense; b++)
        if (net->dense[b].d <= D) {
            if (LOOM_GROW(o->dense, o->cap_dense, (size_t)o->n_dense + 1, 8))
                goto nomem;
            o->dense[o->n_dense++] = net->dense[b];
        }
    free(k);
    free(base);
    if ((st = seir_validate(o, e)) != LOOM_OK) {
        seir_net_free(o);
        return loom_err_prefix(e, "%s", "relay");
    }
    *out = o;
    return LOOM_OK;
nomem:
    free(k);
    free(base);
    seir_net_free(o);
    return loom_fail(e, LOOM_E_NOMEM, "relay: out of memory");
}
