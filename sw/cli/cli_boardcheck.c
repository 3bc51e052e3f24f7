/*
 * cli_boardcheck.c -- see cli_boardcheck.h.  Request/response, one step
 * per exchange (loom_host_step_read): a check is about agreement, not about
 * the link's bandwidth, and a divergence then names its own step.
 */
#include "cli_boardcheck.h"

#include <stdlib.h>
#include <string.h>

#include "cli_vbthread.h"
#include "host.h"
#include "mapper.h"
#include "model.h"
#include "ref.h"
#include "stim.h"

loom_status cli_boardcheck(const char *path, const char *board, uint64_t steps, double rate, uint64_t seed,
                           cli_lockstep_result *r, loom_err *e)
{
    memset(r, 0, sizeof *r);
    vboard_opts vo;
    vboard_opts_default(&vo);
    vo.config = board;
    cli_vbthread v;
    loom_status st = cli_vbthread_start(&v, &vo, e);
    if (st)
        return loom_err_prefix(e, "virtual board %s", board);
    loom_host *h = NULL;
    model m;
    memset(&m, 0, sizeof m);
    map_result *map = NULL;
    ref_sim *ref = NULL;
    stim_src *src = NULL;
    stim_event *ev = NULL;
    uint32_t *evw = NULL, *words = NULL;
    limg_arch arch;
    st = loom_host_open(v.pty, vboard_baud(v.b), NULL, &h, e);
    if (!st)
        st = loom_host_arch(h, &arch, e);
    if (!st) {
        model_opts mo;
        model_opts_default(&mo);
        mo.quiet = 1;
        mo.arch = arch.arch; /* as loom run: compiled for the board */
        mo.max_profiles = arch.profiles * arch.cores;
        st = model_load(path, &mo, &m, e);
    }
    if (!st)
        st = map_net(m.net, &arch, &map, e);
    if (!st && !(st = loom_host_reset(h, e)))
        st = loom_host_load(h, map->img, e);
    if (!st)
        st = ref_create(m.net, &ref, e);
    if (!st)
        st = stim_poisson(m.net, rate, seed, &src, e);
    const uint32_t nin = !st && m.net->n_inputs ? m.net->n_inputs : 1;
    const uint32_t ow = st ? 0 : (arch.neurons + 31) / 32, nw = st ? 1 : arch.cores * ow;
    if (!st && (!(ev = malloc(nin * sizeof *ev)) || !(evw = malloc(nin * sizeof *evw)) ||
                !(words = calloc(nw ? nw : 1, sizeof *words))))
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
    for (uint64_t t = 0; !st && t < steps && !r->diverged; t++) {
        uint32_t nev = 0;
        if ((st = stim_next(src, t, ev, m.net->n_inputs, &nev, e)))
            break;
        for (uint32_t k = 0; k < nev; k++) {
            evw[k] = loom_host_event(ev[k].channel, ev[k].value);
            ref_set_input(ref, ev[k].channel, ev[k].value);
        }
        if ((st = loom_host_step_read(h, evw, nev, arch.cores, ow, words, NULL, 0, NULL, 1000000000u, e)))
            break;
        ref_step(ref);
        r->steps = t + 1;
        uint32_t nr;
        const uint32_t *rs = ref_spikes(ref, &nr);
        r->spikes += nr;
        uint32_t j = 0; /* next reference spike */
        for (uint32_t n = 0; n < m.net->n_neurons; n++) {
            const uint32_t c = map->img->core_of[n], s = map->img->slot_of[n];
            const int hs = (int)((words[c * ow + (s >> 5)] >> (s & 31)) & 1);
            const int rsp = j < nr && rs[j] == n;
            j += (uint32_t)rsp;
            if (hs != rsp) {
                r->diverged = 1;
                r->step = t;
                r->core = c;
                r->slot = s;
                seir_neuron_name(m.net, n, r->neuron, sizeof r->neuron);
                strcpy(r->field, "spike");
                r->ref = rsp;
                r->rtl = hs;
                break;
            }
        }
    }
    free(ev);
    free(evw);
    free(words);
    stim_close(src);
    ref_destroy(ref);
    map_free(map);
    model_free(&m);
    loom_host_close(h);
    loom_err se;
    const loom_status sst = cli_vbthread_stop(&v, &se);
    cli_vbthread_close(&v);
    if (!st && sst != LOOM_OK && sst != LOOM_E_LINK) { /* the host closing the pty ends serving */
        *e = se;
        st = loom_err_prefix(e, "virtual board %s", board);
    }
    return st;
}
