/*
 * nir_float.c -- the double-precision reference of a lowered NIR graph
 * (`loom sim --float`), against which the quantised net is measured.
 *
 * Semantics, per step t, forward Euler with the graph's dt (docs/nir.md):
 *   u      = bias + sum of the neuron's terms w * x_src(t - d)   (x:
 *            channel value or neuron spike 0/1; nothing before t = 0)
 *   LIF    v += dt/tau * (v_leak - v + r*u)
 *   CubaLIF I += dt/tau_syn * (-I + w_in*u); then v += dt/tau_mem * (v_leak - v + r*I)
 *   LI     v += dt/tau * (v_leak - v + r*u)             (never spikes)
 *   IF     v += r*u;  I: v += r*u (never spikes)        (per step, see docs)
 *   Threshold v = u;  read-out v = u
 *   spike iff v > theta (strict); then v = v_reset, or v -= theta with
 *   --reset subtract.
 * Neurons are updated in numbering order, which is a topological order of
 * the zero-delay terms, and a spike is delivered at once into per-neuron rings of max_delay+1 slots, as
 * the machine does, so the float and integer runs differ only by rounding.
 */
#include "nir_int.h"
#include "loom_mem.h"

#include <stdlib.h>
#include <string.h>

typedef struct fan {
    uint32_t dst, d;
    double w;
} fan;

struct nir_fsim {
    const nir_graph *g;
    uint32_t n, R;
    uint64_t t;
    size_t *out_off; /* fan-out CSR by source: inputs first, then neurons */
    fan *out;
    double *acc;     /* [n * R] */
    double *v, *i;
    uint8_t *spk;
};

static size_t src_slot(const nir_graph *g, uint32_t src)
{
    return SEIR_IS_INPUT(src) ? SEIR_SRC_INDEX(src) : (size_t)g->n_inputs + src;
}

loom_status nir_fsim_new(const nir_graph *g, nir_fsim **out, loom_err *e)
{
    *out = NULL;
    if (!g->in_off)
        return loom_fail(e, LOOM_E_INTERNAL, "%s: the graph has not been lowered", g->path);
    nir_fsim *s = calloc(1, sizeof *s);
    if (!s)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    s->g = g;
    s->n = g->n_neurons;
    s->R = g->max_delay + 1;
    size_t ns = (size_t)g->n_inputs + g->n_neurons;
    size_t nt = g->in_off[g->n_neurons];
    s->out_off = calloc(ns + 1, sizeof *s->out_off);
    s->out = malloc((nt ? nt : 1) * sizeof *s->out);
    s->acc = calloc((size_t)s->n * s->R + 1, sizeof *s->acc);
    s->v = calloc(s->n + 1, sizeof *s->v);
    s->i = calloc(s->n + 1, sizeof *s->i);
    s->spk = calloc(s->n + 1, 1);
    if (!s->out_off || !s->out || !s->acc || !s->v || !s->i || !s->spk) {
        nir_fsim_free(s);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    for (uint32_t n = 0; n < g->n_neurons; n++)
        for (size_t q = g->in_off[n]; q < g->in_off[n + 1]; q++)
            s->out_off[src_slot(g, g->in_terms[q].src) + 1]++;
    for (size_t k = 0; k < ns; k++)
        s->out_off[k + 1] += s->out_off[k];
    size_t *pos = malloc((ns + 1) * sizeof *pos);
    if (!pos) {
        nir_fsim_free(s);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    memcpy(pos, s->out_off, (ns + 1) * sizeof *pos);
    for (uint32_t n = 0; n < g->n_neurons; n++)
        for (size_t q = g->in_off[n]; q < g->in_off[n + 1]; q++) {
            fan *f = &s->out[pos[src_slot(g, g->in_terms[q].src)]++];
            f->dst = n;
            f->d = g->in_terms[q].d;
            f->w = g->in_terms[q].w;
        }
    free(pos);
    *out = s;
    return LOOM_OK;
}

void nir_fsim_free(nir_fsim *s)
{
    if (!s)
        return;
    LOOM_FREE(s->out_off, s->out, s->acc, s->v, s->i, s->spk, s);
}

void nir_fsim_reset(nir_fsim *s)
{
    s->t = 0;
    memset(s->acc, 0, (size_t)s->n * s->R * sizeof *s->acc);
    memset(s->v, 0, s->n * sizeof *s->v);
    memset(s->i, 0, s->n * sizeof *s->i);
    memset(s->spk, 0, s->n);
}

static void deliver(nir_fsim *s, size_t slot, double x)
{
    for (size_t k = s->out_off[slot]; k < s->out_off[slot + 1]; k++) {
        const fan *f = &s->out[k];
        s->acc[(size_t)f->dst * s->R + (s->t + f->d) % s->R] += f->w * x;
    }
}

void nir_fsim_step(nir_fsim *s, const double *x)
{
    const nir_graph *g = s->g;
    const double dt = g->dt;
    const uint32_t slot = (uint32_t)(s->t % s->R);
    for (uint32_t c = 0; c < g->n_inputs; c++)
        if (x[c] != 0.0)
            deliver(s, c, x[c]);
    for (uint32_t p = 0; p < g->n_pops; p++) {
        const nir_pop *pp = &g->pops[p];
        for (uint32_t k = 0; k < pp->count; k++) {
            uint32_t n = pp->first + k;
            double *a = &s->acc[(size_t)n * s->R + slot];
            double u = *a + g->bias_u[n], v = s->v[n];
            *a = 0.0;
            int can_spike = 1;
            switch (pp->kind) {
            case NIR_POP_LIF:
                v += dt / pp->tau[k] * (pp->v_leak[k] - v + pp->r[k] * u);
                break;
            case NIR_POP_CUBALIF:
                s->i[n] += dt / pp->tau_syn[k] * (-s->i[n] + pp->w_in[k] * u);
                v += dt / pp->tau[k] * (pp->v_leak[k] - v + pp->r[k] * s->i[n]);
                break;
            case NIR_POP_LI:
                v += dt / pp->tau[k] * (pp->v_leak[k] - v + pp->r[k] * u);
                can_spike = 0;
                break;
            case NIR_POP_IF:
                v += pp->r[k] * u;
                break;
            case NIR_POP_I:
                v += pp->r[k] * u;
                can_spike = 0;
                break;
            case NIR_POP_THRESHOLD:
                v = u;
                break;
            default: /* read-out */
                v = u;
                can_spike = 0;
                break;
            }
            uint8_t sp = can_spike && v > pp->theta[k];
            if (sp) {
                v = g->reset_subtract ? v - pp->theta[k] : pp->v_reset[k];
                deliver(s, (size_t)g->n_inputs + n, 1.0);
            }
            s->spk[n] = sp;
            s->v[n] = v;
        }
    }
    s->t++;
}

const uint8_t *nir_fsim_spikes(const nir_fsim *s) { return s->spk; }
const double *nir_fsim_v(const nir_fsim *s) { return s->v; }
const double *nir_fsim_i(const nir_fsim *s) { return s->i; }
