/*
 * net.c -- loading models and writing them back (include/loom/loom.h).
 */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "board.h"
#include "seir.h"
#include "seir_text.h"

const char *loom_version(void)
{
    return LOOM_VERSION;
}

void loom_load_opts_default(loom_load_opts *o)
{
    memset(o, 0, sizeof *o);
    seir_arch a;
    seir_arch_default(&a);
    o->arch = (loom_arch){a.w, a.s, a.a, a.d};
    o->dt = 1e-4;
}

loom_status loom_api_model_opts(const loom_load_opts *o, model_opts *mo, loom_err *e)
{
    model_opts_default(mo);
    mo->quiet = 1; /* the library never prints */
    if (!o)
        return LOOM_OK;
    if (o->board) {
        const board_info *b = board_find(o->board, e);
        if (!b)
            return e ? e->status : LOOM_E_ARG;
        mo->arch = b->arch.arch;
        mo->max_profiles = b->arch.profiles * b->arch.cores; /* NIR: cluster per-neuron profiles */
    } else if (o->arch_set) {
        seir_arch a = mo->arch;
        a.w = o->arch.w;
        a.s = o->arch.s;
        a.a = o->arch.a;
        a.d = o->arch.d;
        loom_status st = seir_arch_check(&a, e);
        if (st)
            return loom_err_prefix(e, "arch W=%d,S=%d,A=%d,D=%d", a.w, a.s, a.a, a.d);
        mo->arch = a;
    }
    if (o->dt_set) {
        if (!(o->dt > 0) || o->dt > 1)
            return loom_fail(e, LOOM_E_ARG, "dt %g s: expected 0 < dt <= 1", o->dt);
        mo->dt = o->dt;
        mo->dt_set = 1;
    }
    mo->reset_subtract = o->reset_subtract != 0;
    mo->pipeline = o->pipeline != 0;
    return LOOM_OK;
}

loom_status loom_net_load(const char *path, const loom_load_opts *o, loom_net **out, loom_err *e)
{
    if (!out)
        return loom_fail(e, LOOM_E_ARG, "loom_net_load: out is NULL");
    *out = NULL;
    if (!path || !*path)
        return loom_fail(e, LOOM_E_ARG, "loom_net_load: no path");
    loom_net *n = calloc(1, sizeof *n);
    if (!n)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    loom_status st = loom_api_model_opts(o, &n->mo, e);
    if (!st && !(n->path = strdup(path)))
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
    if (!st)
        st = model_load(path, &n->mo, &n->m, e);
    if (st) {
        free(n->path);
        free(n);
        return st;
    }
    *out = n;
    return LOOM_OK;
}

void loom_net_free(loom_net *net)
{
    if (!net)
        return;
    model_free(&net->m);
    free(net->path);
    free(net);
}

loom_kind loom_net_kind(const loom_net *net)
{
    return net->m.kind == MODEL_NIR ? LOOM_KIND_NIR : net->m.kind == MODEL_AIGER ? LOOM_KIND_AIGER
                                                                                : LOOM_KIND_SEIR;
}

void loom_net_arch(const loom_net *net, loom_arch *a)
{
    const seir_arch *s = &net->m.net->arch;
    *a = (loom_arch){s->w, s->s, s->a, s->d};
}

uint32_t loom_net_inputs(const loom_net *net)
{
    return net->m.net->n_inputs;
}

uint32_t loom_net_neurons(const loom_net *net)
{
    return net->m.net->n_neurons;
}

uint32_t loom_net_outputs(const loom_net *net)
{
    return net->m.net->n_outputs;
}

uint32_t loom_net_output(const loom_net *net, uint32_t k)
{
    return k < net->m.net->n_outputs ? net->m.net->outputs[k].neuron : UINT32_MAX;
}

int loom_net_input_graded(const loom_net *net, uint32_t c)
{
    const seir_net *s = net->m.net;
    return c < s->n_inputs && s->input_kind && s->input_kind[c] == SEIR_IN_GRADED;
}

char *loom_net_neuron_name(const loom_net *net, uint32_t n, char *buf, size_t len)
{
    return seir_neuron_name(net->m.net, n, buf, len);
}

loom_status loom_net_save_seir(const loom_net *net, const char *path, loom_err *e)
{
    if (!path || !*path)
        return loom_fail(e, LOOM_E_ARG, "loom_net_save_seir: no path");
    return seir_print_file(net->m.net, path, e);
}

loom_status loom_api_check_x(const seir_net *net, const int32_t *x, uint64_t steps,
                             uint32_t channels, loom_err *e)
{
    loom_status st = loom_api_check_kinds(net->n_inputs, net->input_kind, x, steps, channels, e);
    if (st || !net->input_max)
        return st;
    for (uint64_t t = 0; t < steps; t++)
        for (uint32_t c = 0; c < channels; c++) {
            int32_t v = x[t * channels + c];
            if (seir_input_sat(net, c, v) != v)
                return loom_fail(e, LOOM_E_ARG, "input step %llu channel %u: value %d beyond the channel's "
                                                "declared bound max=%lld", (unsigned long long)t, c, (int)v,
                                 (long long)seir_input_xmax(net, c));
        }
    return LOOM_OK;
}

loom_status loom_api_check_kinds(uint32_t n_inputs, const uint8_t *input_kind, const int32_t *x,
                                 uint64_t steps, uint32_t channels, loom_err *e)
{
    if (channels != n_inputs)
        return loom_fail(e, LOOM_E_ARG, "input has %u channels per step, the network takes %u",
                         channels, n_inputs);
    if (!x && channels && steps)
        return loom_fail(e, LOOM_E_ARG, "input array is NULL");
    for (uint64_t t = 0; t < steps; t++)
        for (uint32_t c = 0; c < channels; c++) {
            int32_t v = x[t * channels + c];
            int graded = input_kind && input_kind[c] == SEIR_IN_GRADED;
            if (graded ? (v < -32768 || v > 32767) : (v != 0 && v != 1))
                return loom_fail(e, LOOM_E_ARG,
                                 "input step %llu channel %u: value %d (a %s channel takes %s)",
                                 (unsigned long long)t, c, (int)v, graded ? "graded" : "spike",
                                 graded ? "-32768..32767" : "0 or 1");
        }
    return LOOM_OK;
}
