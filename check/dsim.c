/*
 * dsim.c -- change-driven simulation of memoryless delay nets (dsim.h).
 *
 * State: each neuron's running accumulator sum (the exact sum of w * x over
 * its synapses for the current step, before the A-bit wrap the ring
 * applies), its last spike, and a wheel of R = max delay + 1 event lists:
 * list t mod R holds the (neuron, +-w) changes that reach the accumulators
 * in step t.  A step applies its changes, re-evaluates the neurons whose sum
 * changed (every neuron in step 0, since a bias alone can make one fire),
 * and schedules +-w at t + d for every synapse of a neuron whose spike
 * changed.  The spike function is the reference model's update with
 * a_syn = a_mem = 0 (hls_ref/ref.c update_run): decays of the old i and v
 * are 0, so v = sat(sat(shift(wrap(acc, A)), S) + bias, S) and the neuron
 * fires iff v >= theta (never with reset mode none).
 */
#include "dsim.h"

#include <stdlib.h>
#include <string.h>

#include "loom_arith.h"
#include "loom_mem.h"

typedef struct dsim_fo {
    uint32_t dst;
    int32_t w;
    uint32_t d;
} dsim_fo;

typedef struct dsim_ev {
    uint32_t dst;
    int32_t delta;
} dsim_ev;

typedef struct dsim_list {
    dsim_ev *ev;
    size_t n, cap;
} dsim_list;

struct dsim {
    const seir_net *net;
    uint32_t N, C, R;
    uint64_t t, evals;
    int settled;     /* dsim_settle ran: step 0 need not look at every neuron */
    uint32_t *off;   /* [N + C + 1] fan-out of source k (neurons, then channels) */
    dsim_fo *fo;
    int64_t *sum;    /* [N] */
    int64_t *bias;   /* [N] profile + own bias */
    uint8_t *spk;    /* [N] spiked in the last step */
    uint8_t *dirty;  /* [N] in dl this step */
    uint32_t *dl, ndl;
    uint8_t *x, *xprev; /* [C] this step's input, the last step's */
    dsim_list *slot; /* [R] */
};

int dsim_supports(const seir_net *net, const char **why)
{
    const char *w = NULL;
    for (uint32_t p = 0; p < net->n_profiles && !w; p++)
        if (net->profiles[p].a_syn != 0 || net->profiles[p].a_mem != 0)
            w = "a profile keeps state between steps (a_syn or a_mem is not 0)";
    for (uint32_t c = 0; c < net->n_inputs && !w; c++)
        if (net->input_kind[c] != SEIR_IN_SPIKE)
            w = "an input channel is graded";
    for (size_t k = 0; k < net->n_syn && !w; k++)
        if (net->syn[k].d == 0 && !SEIR_IS_INPUT(net->syn[k].src))
            w = "a synapse between neurons has delay 0";
    if (!w && net->n_ring_init)
        w = "the net has initial pending input";
    if (why)
        *why = w;
    return w == NULL;
}

void dsim_destroy(dsim *s)
{
    if (!s)
        return;
    if (s->slot)
        for (uint32_t r = 0; r < s->R; r++)
            free(s->slot[r].ev);
    LOOM_FREE(s->slot, s->off, s->fo, s->sum, s->bias, s->spk, s->dirty, s->dl, s->x, s->xprev, s);
}

loom_status dsim_create(const seir_net *net, dsim **out, loom_err *e)
{
    *out = NULL;
    const char *why;
    if (!dsim_supports(net, &why))
        return loom_fail(e, LOOM_E_UNSUPPORTED, "change-driven simulation needs a memoryless net: %s",
                         why);
    dsim *s = calloc(1, sizeof *s);
    if (!s)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory creating the simulation");
    const uint32_t N = net->n_neurons, C = net->n_inputs;
    uint32_t maxd = 0;
    s->net = net;
    s->N = N;
    s->C = C;
    for (size_t k = 0; k < net->n_syn; k++)
        maxd = net->syn[k].d > maxd ? net->syn[k].d : maxd;
    s->R = maxd + 1;
    s->off = calloc((size_t)N + C + 1, sizeof *s->off);
    s->fo = malloc((net->n_syn ? net->n_syn : 1) * sizeof *s->fo);
    s->sum = calloc(N ? N : 1, sizeof *s->sum);
    s->bias = malloc((N ? N : 1) * sizeof *s->bias);
    s->spk = calloc(N ? N : 1, 1);
    s->dirty = calloc(N ? N : 1, 1);
    s->dl = malloc((N ? N : 1) * sizeof *s->dl);
    s->x = calloc(C ? C : 1, 1);
    s->xprev = calloc(C ? C : 1, 1);
    s->slot = calloc(s->R, sizeof *s->slot);
    if (!s->off || !s->fo || !s->sum || !s->bias || !s->spk || !s->dirty || !s->dl || !s->x ||
        !s->xprev || !s->slot) {
        dsim_destroy(s);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory creating the simulation");
    }
    /* fan-out lists by source: count, prefix sums, fill */
    for (size_t k = 0; k < net->n_syn; k++) {
        const seir_syn *y = &net->syn[k];
        s->off[(SEIR_IS_INPUT(y->src) ? N + SEIR_SRC_INDEX(y->src) : y->src) + 1]++;
    }
    for (uint32_t k = 0; k < N + C; k++)
        s->off[k + 1] += s->off[k];
    uint32_t *fill = malloc(((size_t)N + C + 1) * sizeof *fill);
    if (!fill) {
        dsim_destroy(s);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory creating the simulation");
    }
    memcpy(fill, s->off, ((size_t)N + C + 1) * sizeof *fill);
    for (size_t k = 0; k < net->n_syn; k++) {
        const seir_syn *y = &net->syn[k];
        uint32_t src = SEIR_IS_INPUT(y->src) ? N + SEIR_SRC_INDEX(y->src) : y->src;
        s->fo[fill[src]++] = (dsim_fo){y->dst, y->w, y->d};
    }
    free(fill);
    for (uint32_t n = 0; n < N; n++)
        s->bias[n] = seir_bias_of(net, n);
    *out = s;
    return LOOM_OK;
}

void dsim_set_input(dsim *s, uint32_t c, int32_t value)
{
    if (c < s->C)
        s->x[c] = value != 0;
}

int dsim_spiked(const dsim *s, uint32_t n) { return n < s->N && s->spk[n]; }

uint64_t dsim_evaluations(const dsim *s) { return s->evals; }

/* The reference model's spike for accumulator sum when a_syn = a_mem = 0. */
static int fires(const dsim *s, uint32_t n, int64_t sum)
{
    const seir_profile *p = &s->net->profiles[s->net->neuron_profile[n]];
    if (p->reset == SEIR_RESET_NONE)
        return 0;
    const int A = s->net->arch.a, S = s->net->arch.s;
    const int64_t in = loom_sat(loom_shift(loom_wrap(sum, A), p->shift), S);
    const int64_t v = loom_sat(in + s->bias[n], S); /* i = in, already S bits */
    return v >= p->theta;
}

static int push(dsim_list *l, uint32_t dst, int32_t delta)
{
    if (LOOM_GROW(l->ev, l->cap, l->n + 1, 64))
        return -1;
    l->ev[l->n++] = (dsim_ev){dst, delta};
    return 0;
}

static void touch(dsim *s, uint32_t n)
{
    if (!s->dirty[n]) {
        s->dirty[n] = 1;
        s->dl[s->ndl++] = n;
    }
}

/* Schedules source k's change (sign +1 or -1) along its fan-out. */
static int send(dsim *s, uint32_t k, int sign)
{
    for (uint32_t j = s->off[k]; j < s->off[k + 1]; j++) {
        const dsim_fo *f = &s->fo[j];
        const int32_t delta = sign > 0 ? f->w : -f->w;
        if (f->d == 0) { /* spike inputs only (dsim_supports) */
            s->sum[f->dst] += delta;
            touch(s, f->dst);
        } else if (push(&s->slot[(s->t + f->d) % s->R], f->dst, delta)) {
            return -1;
        }
    }
    return 0;
}

loom_status dsim_step(dsim *s, loom_err *e)
{
    const uint32_t N = s->N;
    s->ndl = 0;
    for (uint32_t c = 0; c < s->C; c++) {
        if (s->x[c] != s->xprev[c] && send(s, N + c, s->x[c] ? 1 : -1))
            return loom_fail(e, LOOM_E_NOMEM, "out of memory in step %llu", (unsigned long long)s->t);
        s->xprev[c] = s->x[c];
        s->x[c] = 0;
    }
    dsim_list *l = &s->slot[s->t % s->R];
    for (size_t k = 0; k < l->n; k++) {
        s->sum[l->ev[k].dst] += l->ev[k].delta;
        touch(s, l->ev[k].dst);
    }
    l->n = 0;
    if (s->t == 0 && !s->settled)
        for (uint32_t n = 0; n < N; n++)
            touch(s, n);
    s->evals += s->ndl;
    for (uint32_t k = 0; k < s->ndl; k++) {
        const uint32_t n = s->dl[k];
        s->dirty[n] = 0;
        const uint8_t f = (uint8_t)fires(s, n, s->sum[n]);
        if (f != s->spk[n]) {
            s->spk[n] = f;
            if (send(s, n, f ? 1 : -1))
                return loom_fail(e, LOOM_E_NOMEM, "out of memory in step %llu",
                                 (unsigned long long)s->t);
        }
    }
    s->t++;
    return LOOM_OK;
}

loom_status dsim_settle(dsim *s, loom_err *e)
{
    const uint32_t N = s->N;
    if (s->t != 0)
        return loom_fail(e, LOOM_E_ARG, "dsim_settle: the simulation is at step %llu, not 0",
                         (unsigned long long)s->t);
    /* Kahn's order over the synapses between neurons */
    uint32_t *indeg = calloc(N ? N : 1, sizeof *indeg), *q = malloc((N ? N : 1) * sizeof *q);
    if (!indeg || !q) {
        free(indeg);
        free(q);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory settling the simulation");
    }
    for (uint32_t j = 0; j < s->off[N]; j++)
        indeg[s->fo[j].dst]++;
    uint32_t head = 0, tail = 0;
    for (uint32_t n = 0; n < N; n++)
        if (!indeg[n])
            q[tail++] = n;
    memset(s->sum, 0, (N ? N : 1) * sizeof *s->sum);
    while (head < tail) {
        const uint32_t n = q[head++];
        s->spk[n] = (uint8_t)fires(s, n, s->sum[n]);
        for (uint32_t j = s->off[n]; j < s->off[n + 1]; j++) {
            const dsim_fo *f = &s->fo[j];
            if (s->spk[n])
                s->sum[f->dst] += f->w;
            if (--indeg[f->dst] == 0)
                q[tail++] = f->dst;
        }
    }
    free(indeg);
    free(q);
    if (tail != N) {
        memset(s->sum, 0, (N ? N : 1) * sizeof *s->sum);
        memset(s->spk, 0, N ? N : 1);
        return loom_fail(e, LOOM_E_UNSUPPORTED,
                         "dsim_settle: the net has a cycle through %u neurons, so no settled state "
                         "is known", N - tail);
    }
    s->settled = 1;
    return LOOM_OK;
}
