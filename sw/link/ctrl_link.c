/*
 * ctrl_link.c -- the controller backend over the host link (ctrl_link.h).
 */
#include "ctrl_link.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mapper.h"

static loom_status oom(loom_err *e)
{
    return loom_fail(e, LOOM_E_NOMEM, "controller link: out of memory");
}

void ctrl_link_close(ctrl_link *l)
{
    free(l->core_of);
    free(l->slot_of);
    free(l->words);
    free(l->spk);
    free(l->ev);
    free(l->in_max);
    free(l->shadow_out);
    ctrl_ref_close(&l->shadow);
    memset(l, 0, sizeof *l);
}

loom_status ctrl_link_open(loom_host *h, const seir_net *net, int verify, ctrl_link *l,
                           loom_err *e)
{
    memset(l, 0, sizeof *l);
    if (net->n_outputs > CTRL_LINK_MAX_OUT)
        return loom_fail(e, LOOM_E_ARG, "controller: %u outputs, at most %d supported",
                         net->n_outputs, CTRL_LINK_MAX_OUT);
    for (uint32_t k = 0; k < net->n_outputs; k++)
        if (net->outputs[k].kind != SEIR_OUT_V)
            return loom_fail(e, LOOM_E_ARG, "controller: output %u is a spike output, a v "
                                            "read-out is expected", k);
    loom_status st = loom_host_arch(h, &l->arch, e);
    if (st)
        return st;
    if (net->n_inputs > l->arch.max_inputs)
        return loom_fail(e, LOOM_E_CAPACITY, "controller: %u input channels, the board has %u",
                         net->n_inputs, l->arch.max_inputs);
    map_result *map = NULL;
    if ((st = map_net(net, &l->arch, &map, e))) {
        char buf[256];
        loom_err_prefix(e, "does not fit the board (%s)", limg_arch_str(&l->arch, buf, sizeof buf));
        return st;
    }
    l->h = h;
    l->verify = verify;
    l->read_spikes = 1;
    l->n_neurons = net->n_neurons;
    l->n_inputs = net->n_inputs;
    l->n_out = net->n_outputs;
    l->out_words = (l->arch.neurons + 31) / 32;
    size_t nw = (size_t)l->arch.cores * l->out_words;
    l->core_of = malloc((net->n_neurons + 1) * sizeof *l->core_of);
    l->slot_of = malloc((net->n_neurons + 1) * sizeof *l->slot_of);
    l->words = calloc(nw ? nw : 1, sizeof *l->words);
    l->spk = malloc((net->n_neurons + 1) * sizeof *l->spk);
    l->ev = malloc((net->n_inputs + 1) * sizeof *l->ev);
    if (net->input_max) {
        l->in_max = malloc((net->n_inputs + 1) * sizeof *l->in_max);
        if (l->in_max)
            for (uint32_t c = 0; c < net->n_inputs; c++)
                l->in_max[c] = net->input_kind[c] == SEIR_IN_GRADED ? net->input_max[c] : 0;
    }
    if (net->input_max && !l->in_max) {
        map_free(map);
        ctrl_link_close(l);
        return oom(e);
    }
    l->shadow_out = malloc((net->n_outputs + 1) * sizeof *l->shadow_out);
    if (!l->core_of || !l->slot_of || !l->words || !l->spk || !l->ev || !l->shadow_out) {
        map_free(map);
        ctrl_link_close(l);
        return oom(e);
    }
    memcpy(l->core_of, map->img->core_of, net->n_neurons * sizeof *l->core_of);
    memcpy(l->slot_of, map->img->slot_of, net->n_neurons * sizeof *l->slot_of);
    for (uint32_t k = 0; k < net->n_outputs; k++) {
        uint32_t n = net->outputs[k].neuron;
        l->v_addr[k] = loom_host_v_addr(l->core_of[n], l->slot_of[n]);
    }
    st = loom_host_reset(h, e);
    if (!st)
        st = loom_host_load(h, map->img, e);
    map_free(map);
    if (!st && verify)
        st = ctrl_ref_open(net, &l->shadow, e);
    if (st) {
        ctrl_link_close(l);
        return st;
    }
    return LOOM_OK;
}

static loom_status link_step(void *ctx, const int32_t *in, uint32_t n_in, int32_t *out,
                             uint32_t n_out, loom_err *e)
{
    ctrl_link *l = ctx;
    if (n_in > l->n_inputs || n_out > l->n_out)
        return loom_fail(e, LOOM_E_ARG, "controller link: %u inputs / %u outputs asked, the "
                                        "network has %u / %u", n_in, n_out, l->n_inputs, l->n_out);
    /* The machine model: a graded channel is saturated to 16 bits (or to its
     * declared bound, seir_input_sat) and only
     * a nonzero value is an event (ref_set_input does the same). */
    uint32_t nev = 0;
    for (uint32_t c = 0; c < n_in; c++) {
        int32_t v = l->in_max && l->in_max[c] ? (in[c] > l->in_max[c] ? l->in_max[c]
                                                 : (in[c] < -l->in_max[c] ? -l->in_max[c] : in[c]))
                                              : (in[c] > 32767 ? 32767 : (in[c] < -32768 ? -32768 : in[c]));
        if (v)
            l->ev[nev++] = loom_host_event(c, v);
    }
    uint32_t v_raw[CTRL_LINK_MAX_OUT];
    loom_status st = loom_host_step_read(l->h, l->ev, nev, l->arch.cores, l->read_spikes ? l->out_words : 0,
                                         l->read_spikes ? l->words : NULL,
                                         l->v_addr, l->n_out, v_raw, 1000000000u, e);
    if (st) {
        loom_err_prefix(e, "control step %" PRIu64, l->steps);
        return st;
    }
    l->n_spk = 0;
    for (uint32_t n = 0; l->read_spikes && n < l->n_neurons; n++) {
        uint32_t c = l->core_of[n], s = l->slot_of[n];
        if ((l->words[(size_t)c * l->out_words + (s >> 5)] >> (s & 31)) & 1)
            l->spk[l->n_spk++] = n;
    }
    for (uint32_t k = 0; k < n_out; k++)
        out[k] = (int32_t)v_raw[k];
    if (l->verify) {
        ctrl_backend sb = ctrl_ref_backend(&l->shadow);
        if ((st = sb.step(sb.ctx, in, n_in, l->shadow_out, l->n_out, e)))
            return st;
        for (uint32_t k = 0; k < l->n_out; k++)
            if ((int32_t)v_raw[k] != l->shadow_out[k])
                return loom_fail(e, LOOM_E_INTERNAL,
                                 "control step %" PRIu64 ": the board's read-out %u has v=%" PRId32
                                 ", the reference model's v=%" PRId32,
                                 l->steps, k, (int32_t)v_raw[k], l->shadow_out[k]);
        uint32_t nr;
        const uint32_t *rs = ref_spikes(l->shadow.sim, &nr);
        if (l->read_spikes && (nr != l->n_spk || (nr && memcmp(rs, l->spk, nr * sizeof *rs)))) {
            uint32_t i = 0;
            while (i < nr && i < l->n_spk && rs[i] == l->spk[i])
                i++;
            return loom_fail(e, LOOM_E_INTERNAL,
                             "control step %" PRIu64 ": the board has %u spikes, the reference "
                             "model %u; first difference at neuron %u",
                             l->steps, l->n_spk, nr, i < l->n_spk ? l->spk[i] : rs[i]);
        }
    }
    l->steps++;
    return LOOM_OK;
}

static loom_status link_spikes(void *ctx, const uint32_t **idx, uint32_t *count, loom_err *e)
{
    (void)e;
    ctrl_link *l = ctx;
    *idx = l->spk;
    *count = l->n_spk;
    return LOOM_OK;
}

ctrl_backend ctrl_link_backend(ctrl_link *l)
{
    return (ctrl_backend){.ctx = l, .step = link_step, .spikes = link_spikes};
}
