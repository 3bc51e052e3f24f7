/*
 * sim.c -- bit-exact simulation and the NIR float reference through the
 * public API (include/loom/loom.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_int.h"
#include "nir.h"
#include "check.h"
#include "ref.h"
#include "stim.h"
#include "loom_mem.h"

struct loom_sim {
    ref_sim *ref;
    uint32_t n_inputs, n_neurons;
    uint8_t *input_kind; /* [n_inputs] seir_input_kind, for checking inputs */
};

loom_status loom_sim_new(const loom_net *net, loom_sim **out, loom_err *e)
{
    if (!out)
        return loom_fail(e, LOOM_E_ARG, "loom_sim_new: out is NULL");
    *out = NULL;
    loom_sim *s = calloc(1, sizeof *s);
    if (!s)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    loom_status st = ref_create(net->m.net, &s->ref, e);
    if (st) {
        free(s);
        return st;
    }
    s->n_inputs = net->m.net->n_inputs;
    s->n_neurons = net->m.net->n_neurons;
    s->input_kind = calloc(s->n_inputs ? s->n_inputs : 1, 1);
    if (!s->input_kind) {
        ref_destroy(s->ref);
        free(s);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    if (net->m.net->input_kind)
        memcpy(s->input_kind, net->m.net->input_kind, s->n_inputs);
    *out = s;
    return LOOM_OK;
}

void loom_sim_free(loom_sim *sim)
{
    if (!sim)
        return;
    ref_destroy(sim->ref);
    LOOM_FREE(sim->input_kind, sim);
}

void loom_sim_reset(loom_sim *sim)
{
    ref_reset(sim->ref);
}

loom_status loom_sim_set_input(loom_sim *sim, uint32_t c, int32_t value, loom_err *e)
{
    if (c >= sim->n_inputs)
        return loom_fail(e, LOOM_E_ARG, "input channel %u: the network has %u", c, sim->n_inputs);
    int graded = sim->input_kind[c] == SEIR_IN_GRADED;
    if (graded ? (value < -32768 || value > 32767) : (value != 0 && value != 1))
        return loom_fail(e, LOOM_E_ARG, "input channel %u: value %d (a %s channel takes %s)", c,
                         (int)value, graded ? "graded" : "spike", graded ? "-32768..32767" : "0 or 1");
    ref_set_input(sim->ref, c, value);
    return LOOM_OK;
}

void loom_sim_step(loom_sim *sim)
{
    ref_step(sim->ref);
}

uint64_t loom_sim_time(const loom_sim *sim)
{
    return ref_time(sim->ref);
}

uint32_t loom_sim_spikes(const loom_sim *sim, const uint32_t **neurons)
{
    uint32_t n = 0;
    const uint32_t *s = ref_spikes(sim->ref, &n);
    if (neurons)
        *neurons = s;
    return n;
}

int loom_sim_spiked(const loom_sim *sim, uint32_t n)
{
    return ref_spiked(sim->ref, n);
}

int32_t loom_sim_i(const loom_sim *sim, uint32_t n)
{
    return ref_i(sim->ref, n);
}

int32_t loom_sim_v(const loom_sim *sim, uint32_t n)
{
    return ref_v(sim->ref, n);
}

loom_status loom_sim_run(loom_sim *sim, const int32_t *x, uint64_t steps, uint32_t channels,
                         uint8_t *spikes, int32_t *v, loom_err *e)
{
    loom_status st = loom_api_check_kinds(sim->n_inputs, sim->input_kind, x, steps, channels, e);
    if (st)
        return st;
    uint32_t nn = sim->n_neurons;
    for (uint64_t t = 0; t < steps; t++) {
        for (uint32_t c = 0; c < channels; c++)
            if (x[t * channels + c])
                ref_set_input(sim->ref, c, x[t * channels + c]);
        ref_step(sim->ref);
        if (spikes) {
            uint8_t *row = spikes + t * nn;
            memset(row, 0, nn);
            uint32_t n;
            const uint32_t *s = ref_spikes(sim->ref, &n);
            for (uint32_t k = 0; k < n; k++)
                row[s[k]] = 1;
        }
        if (v)
            for (uint32_t n = 0; n < nn; n++)
                v[t * nn + n] = ref_v(sim->ref, n);
    }
    return LOOM_OK;
}

/* ---- the float reference ------------------------------------------------------ */

typedef struct float_out {
    uint8_t *spikes;
    double *v;
    uint64_t steps;
    uint32_t nn;
} float_out;

static loom_status float_step(void *ctx, uint64_t step, const uint8_t *spiked, const double *v,
                              uint32_t n, loom_err *e)
{
    float_out *o = ctx;
    if (n != o->nn)
        return loom_fail(e, LOOM_E_INTERNAL, "float reference reports %u neurons, the net has %u",
                         n, o->nn);
    if (step >= o->steps)
        return LOOM_OK;
    if (o->spikes)
        for (uint32_t k = 0; k < n; k++)
            o->spikes[step * n + k] = spiked[k] ? 1 : 0;
    if (o->v)
        memcpy(o->v + step * n, v, (size_t)n * sizeof *v);
    return LOOM_OK;
}

/* The inputs as a temporary .lin file (docs/inputs.md), the stimulus form
 * the float reference reads; unlinked once opened. */
static loom_status x_source(const seir_net *net, const int32_t *x, uint64_t steps, uint32_t ch,
                            stim_src **src, loom_err *e)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/loom-x-XXXXXX.lin", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemps(path, 4);
    if (fd < 0)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create a temporary input file", path);
    close(fd);
    stim_writer *w = NULL;
    stim_event *ev = malloc((ch ? ch : 1) * sizeof *ev);
    loom_status st = ev ? stim_writer_open(path, ch, &w, e) : loom_fail(e, LOOM_E_NOMEM, "out of memory");
    for (uint64_t t = 0; !st && t < steps; t++) {
        uint32_t n = 0;
        for (uint32_t c = 0; c < ch; c++)
            if (x[t * ch + c])
                ev[n++] = (stim_event){c, x[t * ch + c]};
        if (n)
            st = stim_writer_step(w, t, ev, n, e);
    }
    free(ev);
    if (st) {
        stim_writer_discard(w);
        remove(path);
        return st;
    }
    if ((st = stim_writer_close(w, e)) == LOOM_OK)
        st = stim_open_file(net, path, src, e);
    remove(path);
    return st;
}

loom_status loom_net_sim_float(const loom_net *net, const int32_t *x, uint64_t steps,
                               uint32_t channels, uint8_t *spikes, double *v, loom_err *e)
{
    if (net->m.kind != MODEL_NIR || !net->m.nir)
        return loom_fail(e, LOOM_E_UNSUPPORTED, "%s: the float reference needs an NIR model",
                         net->path);
    const seir_net *sn = net->m.net;
    loom_status st = loom_api_check_x(sn, x, steps, channels, e);
    if (st)
        return st;
    stim_src *src = NULL;
    if ((st = x_source(sn, x, steps, channels, &src, e)))
        return st;
    float_out o = {spikes, v, steps, sn->n_neurons};
    st = nir_float_run(net->m.nir, src, steps, float_step, &o, e);
    stim_close(src);
    return st;
}
