/*
 * cli_lockstep.c -- the lockstep check of cli_lockstep.h.
 *
 * The same comparison as loom cosim (cmd_cosim.c) without its reporting:
 * after each step the spike bit, i and v of every neuron, at the end every
 * pending ring value; the first difference (in neuron order within the
 * step, spike before i before v) is the one reported.
 */
#include "cli_lockstep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loom_map.h"
#include "mapper.h"
#include "ref.h"
#include "stim.h"
#include "vsim.h"

static void diverge(cli_lockstep_result *r, const seir_net *net, uint64_t t, uint32_t nn, uint32_t k,
                    uint32_t sl, const char *field, int32_t rv, int32_t hv)
{
    r->diverged = 1;
    r->step = t;
    r->core = k;
    r->slot = sl;
    seir_neuron_name(net, nn, r->neuron, sizeof r->neuron);
    snprintf(r->field, sizeof r->field, "%s", field);
    r->ref = rv;
    r->rtl = hv;
}

loom_status cli_lockstep(const seir_net *net, const char *config, uint64_t steps, double rate, uint64_t seed,
                         int64_t inject, cli_lockstep_result *r, loom_err *e)
{
    memset(r, 0, sizeof *r);
    vsim *s = NULL;
    map_result *m = NULL;
    ref_sim *ref = NULL;
    stim_src *src = NULL;
    stim_event *ev = NULL;
    loom_status st = vsim_open(config, &s, e);
    if (st == LOOM_OK)
        st = map_net(net, vsim_arch(s), &m, e);
    if (st == LOOM_OK)
        st = vsim_load(s, m->img, e);
    if (st == LOOM_OK)
        st = ref_create(net, &ref, e);
    if (st == LOOM_OK && net->n_inputs > 0)
        st = stim_poisson(net, rate, seed, &src, e);
    if (st == LOOM_OK && !(ev = malloc((net->n_inputs + 1) * sizeof *ev)))
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
    const uint32_t D = st == LOOM_OK ? (uint32_t)vsim_arch(s)->arch.d : 0;
    for (uint64_t t = 0; st == LOOM_OK && t < steps && !r->diverged; t++) {
        uint32_t n = 0;
        if (src && (st = stim_next(src, t, ev, net->n_inputs + 1, &n, e)) != LOOM_OK)
            break;
        for (uint32_t j = 0; j < n && st == LOOM_OK; j++) {
            if (ev[j].value == 0)
                continue;
            ref_set_input(ref, ev[j].channel, ev[j].value);
            st = vsim_input(s, ev[j].channel, ev[j].value, e);
        }
        if (st != LOOM_OK)
            break;
        ref_step(ref);
        uint32_t evl = 0;
        if ((st = vsim_step(s, 1, 0, e)) != LOOM_OK || (st = vsim_read(s, LOOM_REG_EVENTS_LAST, &evl, e)) != LOOM_OK)
            break;
        r->events += evl;
        r->steps = t + 1;
        if (inject >= 0 && (uint64_t)inject == t && net->n_neurons > 0) {
            const uint32_t k = m->img->core_of[0], sl = m->img->slot_of[0];
            int32_t hi, hv;
            if ((st = vsim_state(s, k, sl, &hi, &hv, e)) != LOOM_OK ||
                (st = vsim_write(s, LOOM_MAP_CORE_BASE(k) + LOOM_CORE_V + sl, (uint32_t)(hv + 1), e)) != LOOM_OK)
                break;
        }
        const int last = t + 1 == steps;
        for (uint32_t nn = 0; nn < net->n_neurons && st == LOOM_OK && !r->diverged; nn++) {
            const uint32_t k = m->img->core_of[nn], sl = m->img->slot_of[nn];
            int hs;
            int32_t hi, hv;
            if ((st = vsim_spiked(s, k, sl, &hs, e)) != LOOM_OK || (st = vsim_state(s, k, sl, &hi, &hv, e)) != LOOM_OK)
                break;
            const int rs = ref_spiked(ref, nn);
            r->spikes += (uint64_t)rs;
            if (rs != hs)
                diverge(r, net, t, nn, k, sl, "spike", rs, hs);
            else if (ref_i(ref, nn) != hi)
                diverge(r, net, t, nn, k, sl, "i", ref_i(ref, nn), hi);
            else if (ref_v(ref, nn) != hv)
                diverge(r, net, t, nn, k, sl, "v", ref_v(ref, nn), hv);
            for (uint32_t q = 0; last && !r->diverged && q <= D; q++) {
                int32_t hp;
                if ((st = vsim_pending(s, k, sl, q, &hp, e)) != LOOM_OK)
                    break;
                if (ref_pending(ref, nn, q) != hp) {
                    char f[16];
                    snprintf(f, sizeof f, "pending[+%u]", q);
                    diverge(r, net, t, nn, k, sl, f, ref_pending(ref, nn, q), hp);
                }
            }
        }
    }
    free(ev);
    stim_close(src);
    ref_destroy(ref);
    map_free(m);
    vsim_close(s);
    return st;
}
