/*
 * netgen.c -- the one network generator (netgen.h has the shapes).  One
 * function per shape, each drawing from one splitmix64 stream in a fixed
 * order; the draws below and src_xmax are shared.  The order of draws is
 * pinned by tests/unit/test_netgen.c: a change to it changes every seed's
 * network and must show up there.
 */
#include "netgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loom_arith.h"
#include "loom_mem.h"

uint32_t netgen_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(loom_rng_next(s) % n);
}

int64_t netgen_between(uint64_t *s, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(span ? loom_rng_next(s) % span : loom_rng_next(s));
}

int netgen_chance(uint64_t *s, uint32_t num, uint32_t den)
{
    return loom_rng_next(s) % den < num;
}

void netgen_default(netgen_recipe *r, netgen_shape shape)
{
    memset(r, 0, sizeof *r);
    r->shape = shape;
    r->seed = 1;
    seir_arch_default(&r->arch);
    r->density = 0.1;
    r->max_delay = -1;
    r->graded = -1;
    r->levels = -1;
    switch (shape) {
    case NETGEN_BENCH:
        r->neurons = 1000;
        break;
    case NETGEN_FEATURES:
        r->neurons = 48;
        r->inputs = 12;
        break;
    default:
        r->neurons = 64;
        r->inputs = 8;
        break;
    }
    r->max_syn = 160;
    r->max_dense = 3;
    r->fanout = 100;
    r->w_exc = 6;
    r->w_inh = -24;
    r->inh_per_256 = 51;
    r->w_in = 30;
    r->theta = 100;
    r->a_mem = 3896;
    r->shift = 0;
}

/* The largest magnitude a source delivers: 32768 for a graded channel. */
static int64_t src_xmax(const seir_net *net, uint32_t src)
{
    if (SEIR_IS_INPUT(src) && net->input_kind[SEIR_SRC_INDEX(src)] == SEIR_IN_GRADED)
        return 32768;
    return 1;
}

/* ---- NETGEN_CORNERS: `loom gen` ------------------------------------------
 *
 * Structure (all choices in a fixed order):
 *   - input groups `in[...]` (spike) and `gin[...]` / `gin` (graded);
 *   - up to eight profiles, each pinned to one corner of the machine model
 *     (see corners[]), and one neuron group per profile;
 *   - neurons fall into `levels` contiguous index bands; zero-delay
 *     synapses only go from a lower band to a higher one, which makes the
 *     zero-delay graph a DAG with at most `levels` levels, and a chain with
 *     one neuron per band makes it exactly `levels`;
 *   - a dense input block, a dense neuron block, then sparse synapses with
 *     probability `density` per (source, target) pair;
 *   - initial i / v and ring contents on about one neuron in eight;
 *   - spike outputs and v outputs.
 * Every weight is clamped against a per-neuron budget that mirrors the
 * accumulator bound of seir_check_acc: sum |w| * max|x| plus the largest
 * initial ring value stays <= 2^(A-1) - 1.
 */
typedef struct gen {
    uint64_t *r;
    seir_net *net;
    int64_t smin, smax, wmin, wmax;
    int64_t *budget;   /* [n_neurons] room left under the accumulator bound */
    uint32_t *band;    /* [n_neurons] zero-delay band */
    uint32_t maxd;
} gen;

static int32_t clamp_s(const gen *g, int64_t x)
{
    return (int32_t)(x < g->smin ? g->smin : (x > g->smax ? g->smax : x));
}

/* A weight: often at either end of the W-bit range, otherwise moderate:
 * biased positive from inputs (drive), balanced between neurons (so big
 * recurrent nets do not all fire every step). */
static int32_t draw_w(gen *g, int from_input)
{
    uint64_t k = loom_rng_next(g->r) % 10;
    if (k == 0)
        return (int32_t)g->wmin;
    if (k == 1)
        return (int32_t)g->wmax;
    int64_t lo = from_input ? -(g->wmax / 4) : -(g->wmax / 2), hi = g->wmax / 2;
    if (hi < 1)
        hi = 1;
    int64_t w = netgen_between(g->r, lo, hi);
    return (int32_t)(w ? w : 1);
}

/* Clamps w for target dst and source magnitude xmax against the budget;
 * charges the budget and returns the weight actually used (0 = none). */
static int32_t charge(gen *g, uint32_t dst, int32_t w, int64_t xmax)
{
    int64_t cap = g->budget[dst] / xmax;
    int64_t m = w < 0 ? -(int64_t)w : w;
    if (m > cap)
        m = cap;
    if (m == 0)
        return 0;
    g->budget[dst] -= m * xmax;
    return (int32_t)(w < 0 ? -m : m);
}

/* A random sub-range of at most 64 members of group grp. */
static void pick_range(gen *g, const seir_group *grp, uint32_t *first, uint32_t *count)
{
    uint32_t c = (uint32_t)netgen_between(g->r, 1, grp->count < 64 ? grp->count : 64);
    *first = grp->first + (uint32_t)netgen_between(g->r, 0, grp->count - c);
    *count = c;
}

/* A delay for a synapse src -> dst: 0 only where the bands allow it; -1 when
 * no delay is possible (a backward edge with max delay 0). */
static int64_t draw_d(gen *g, uint32_t src, uint32_t dst)
{
    int zero_ok = SEIR_IS_INPUT(src) || g->band[src] < g->band[dst];
    if (!zero_ok && g->maxd == 0)
        return -1;
    if (zero_ok && (g->maxd == 0 || netgen_chance(g->r, 1, 3)))
        return 0;
    /* favour the corners 1 and D */
    uint64_t k = loom_rng_next(g->r) % 6;
    if (k == 0)
        return 1;
    if (k == 1)
        return g->maxd;
    return netgen_between(g->r, 1, g->maxd);
}

typedef struct corner {
    const char *profile, *group;
} corner;

/* The profiles, each pinned to a corner; parameters scaled to S bits. */
static const corner corners[] = {
    {"p_lif", "lif"},     /* leaky, reset to zero */
    {"p_gate", "gate"},   /* a = 0: no memory (AIGER-like threshold gate) */
    {"p_integ", "integ"}, /* a = 4096: perfect integrator, reset by subtraction */
    {"p_ro", "ro"},       /* reset none: leaky read-out */
    {"p_hi", "hi"},       /* shift +15, big bias: saturates at the top */
    {"p_lo", "lo"},       /* shift +15, very negative bias: saturates at the bottom */
    {"p_shr", "shr"},     /* shift -16: input floored away, negative reset value */
    {"p_mix", "mix"},     /* everything random */
};
#define N_CORNERS (sizeof corners / sizeof corners[0])

static void corner_profile(gen *g, uint32_t k, seir_profile *p)
{
    seir_profile_default(p);
    p->name = (char *)corners[k].profile;
    int64_t q = g->smax / 64 > 0 ? g->smax / 64 : 1; /* a "moderate" unit of S */
    switch (k) {
    case 0:
        p->a_syn = (int32_t)netgen_between(g->r, 2800, 3600);
        p->a_mem = (int32_t)netgen_between(g->r, 3700, 4000);
        p->theta = clamp_s(g, netgen_between(g->r, 2, 6) * q / 2 + 20);
        p->reset = SEIR_RESET_ZERO;
        break;
    case 1:
        p->a_syn = 0;
        p->a_mem = 0;
        p->theta = clamp_s(g, netgen_between(g->r, 1, 3));
        p->bias = clamp_s(g, netgen_between(g->r, -1, 1));
        break;
    case 2:
        p->a_syn = 4096;
        p->a_mem = 4096;
        p->theta = clamp_s(g, netgen_between(g->r, 4, 16) * q);
        p->reset = SEIR_RESET_SUBTRACT;
        p->shift = (int32_t)netgen_between(g->r, -3, -1);
        p->bias = clamp_s(g, -netgen_between(g->r, 0, 2));
        break;
    case 3:
        p->a_syn = (int32_t)netgen_between(g->r, 1024, 3072);
        p->a_mem = (int32_t)netgen_between(g->r, 3500, 4095);
        p->theta = clamp_s(g, netgen_between(g->r, 1, 8) * q);
        p->reset = SEIR_RESET_NONE;
        break;
    case 4:
        p->a_syn = 4096;
        p->a_mem = 4096;
        p->shift = 15;
        p->bias = clamp_s(g, g->smax - netgen_between(g->r, 0, 3));
        p->theta = clamp_s(g, g->smax);
        p->reset = SEIR_RESET_SUBTRACT;
        break;
    case 5:
        p->a_syn = 4096;
        p->a_mem = (int32_t)netgen_between(g->r, 4000, 4096);
        p->shift = 15;
        p->bias = clamp_s(g, g->smin / 2 - netgen_between(g->r, 0, 3));
        p->theta = clamp_s(g, g->smax);
        p->v_reset = clamp_s(g, g->smin);
        p->reset = SEIR_RESET_ZERO;
        break;
    case 6:
        p->a_syn = 4096;
        p->a_mem = 2048;
        p->shift = -16;
        p->theta = clamp_s(g, netgen_between(g->r, -1, 1));
        p->v_reset = clamp_s(g, -netgen_between(g->r, 1, 4) * q);
        p->bias = clamp_s(g, netgen_between(g->r, -1, 0));
        p->reset = SEIR_RESET_ZERO;
        break;
    default:
        p->a_syn = (int32_t)netgen_between(g->r, 0, 4096);
        p->a_mem = (int32_t)netgen_between(g->r, 0, 4096);
        p->shift = (int32_t)netgen_between(g->r, -16, 15);
        p->theta = clamp_s(g, netgen_between(g->r, g->smin, g->smax));
        p->v_reset = clamp_s(g, netgen_between(g->r, g->smin, g->smax));
        p->bias = clamp_s(g, netgen_between(g->r, -q, q));
        p->reset = (seir_reset)netgen_between(g->r, 0, 2);
        break;
    }
}

/* An S-bit value for initial state: often at either end. */
static int32_t draw_state(gen *g)
{
    uint64_t k = loom_rng_next(g->r) % 4;
    if (k == 0)
        return (int32_t)g->smin;
    if (k == 1)
        return (int32_t)g->smax;
    return (int32_t)netgen_between(g->r, g->smin, g->smax);
}

static loom_status check_corners(const netgen_recipe *o, loom_err *e)
{
    loom_status st = seir_arch_check(&o->arch, e);
    if (st)
        return loom_err_prefix(e, "gen");
    if (o->neurons == 0 || o->neurons > 50000000u)
        return loom_fail(e, LOOM_E_ARG, "gen: neurons %u out of range 1..50000000", o->neurons);
    if (o->inputs > 1000000u)
        return loom_fail(e, LOOM_E_ARG, "gen: inputs %u out of range 0..1000000", o->inputs);
    if (!(o->density >= 0.0 && o->density <= 1.0))
        return loom_fail(e, LOOM_E_ARG, "gen: density %g out of range 0..1", o->density);
    if (o->max_delay < -1 || o->max_delay > o->arch.d)
        return loom_fail(e, LOOM_E_ARG, "gen: max delay %d out of range 0..%d (the arch's D)",
                         (int)o->max_delay, o->arch.d);
    if (o->graded < -1 || (o->graded >= 0 && (uint32_t)o->graded > o->inputs))
        return loom_fail(e, LOOM_E_ARG, "gen: graded channels %d out of range 0..%u (the input count)",
                         (int)o->graded, o->inputs);
    if (o->levels == 0 || o->levels < -1 || (o->levels > 0 && (uint32_t)o->levels > o->neurons))
        return loom_fail(e, LOOM_E_ARG, "gen: levels %d out of range 1..%u (the neuron count)",
                         (int)o->levels, o->neurons);
    return LOOM_OK;
}

#define OOM() do { st = loom_fail(e, LOOM_E_NOMEM, "gen: out of memory"); goto fail; } while (0)

static loom_status build_corners(const netgen_recipe *o, uint64_t *r, seir_net **out, loom_err *e)
{
    *out = NULL;
    loom_status st = check_corners(o, e);
    if (st)
        return st;
    gen g;
    memset(&g, 0, sizeof g);
    g.r = r;
    g.smin = loom_min_s(o->arch.s);
    g.smax = loom_max_s(o->arch.s);
    g.wmin = loom_min_s(o->arch.w);
    g.wmax = loom_max_s(o->arch.w);
    g.maxd = o->max_delay < 0 ? (uint32_t)o->arch.d : (uint32_t)o->max_delay;
    const uint32_t N = o->neurons, C = o->inputs;
    uint32_t graded = o->graded >= 0 ? (uint32_t)o->graded : (C >= 2 ? (C / 4 ? C / 4 : 1) : 0);
    uint32_t L = o->levels > 0 ? (uint32_t)o->levels : (N < 8 ? N : 8);
    seir_net *net = g.net = seir_net_new(&o->arch);
    if (!net)
        return loom_fail(e, LOOM_E_NOMEM, "gen: out of memory");

    /* inputs */
    if (C - graded > 0 && seir_add_inputs(net, "in", C - graded, 1, SEIR_IN_SPIKE) < 0)
        OOM();
    if (graded > 0 && seir_add_inputs(net, "gin", graded, graded > 1, SEIR_IN_GRADED) < 0)
        OOM();

    /* profiles and groups: group k has profile k; sizes random, >= 1 */
    uint32_t ng = N < N_CORNERS ? N : (uint32_t)N_CORNERS;
    uint32_t sizes[N_CORNERS];
    uint32_t left = N - ng;
    for (uint32_t k = 0; k < ng; k++)
        sizes[k] = 1;
    for (uint32_t k = 0; k + 1 < ng && left; k++) {
        /* share about 1/ng of the remainder each, randomised by +-50% */
        uint64_t share = left / (ng - k);
        uint64_t add = share / 2 + (share ? loom_rng_next(g.r) % (share + 1) : 0);
        if (add > left)
            add = left;
        sizes[k] += (uint32_t)add;
        left -= (uint32_t)add;
    }
    sizes[ng - 1] += left;
    for (uint32_t k = 0; k < ng; k++) {
        seir_profile p;
        corner_profile(&g, k, &p);
        int32_t pi = seir_add_profile(net, &p);
        if (pi < 0 || seir_add_neurons(net, corners[k].group, sizes[k], sizes[k] > 1, (uint32_t)pi) < 0)
            OOM();
    }

    g.budget = malloc(N * sizeof *g.budget);
    g.band = malloc(N * sizeof *g.band);
    if (!g.budget || !g.band)
        OOM();
    const int64_t limit = loom_max_s(o->arch.a);
    const int64_t ring_res = limit / 8 < 64 ? limit / 8 : 64;
    for (uint32_t n = 0; n < N; n++) {
        g.budget[n] = limit - ring_res;
        g.band[n] = (uint32_t)((uint64_t)n * L / N);
    }

    /* the deep chain: one neuron per band, zero delay, strong positive weights */
    {
        uint32_t prev = 0;
        for (uint32_t b = 0; b < L; b++) {
            uint32_t lo = (uint32_t)(((uint64_t)b * N + L - 1) / L);
            uint32_t hi = (uint32_t)(((uint64_t)(b + 1) * N + L - 1) / L) - 1;
            uint32_t n = (uint32_t)netgen_between(g.r, lo, hi);
            if (b > 0) {
                int32_t w = charge(&g, n, (int32_t)(g.wmax - netgen_between(g.r, 0, g.wmax / 4)), 1);
                if (w && seir_add_syn(net, prev, n, w, 0))
                    OOM();
            }
            prev = n;
        }
    }

    /* dense blocks: spike inputs -> a neuron range, and neurons -> neurons;
     * each range lies inside one group, so SEIR prints it as a dense block */
    for (int blk = 0; blk < 2; blk++) {
        int from_inputs = blk == 0;
        if ((from_inputs && C - graded == 0) || N < 2)
            continue;
        const seir_group *sg = from_inputs
            ? &net->input_groups[0]
            : &net->neuron_groups[netgen_between(g.r, 0, net->n_neuron_groups - 1)];
        const seir_group *dg = &net->neuron_groups[netgen_between(g.r, 0, net->n_neuron_groups - 1)];
        uint32_t sc, sf, dc, df;
        pick_range(&g, sg, &sf, &sc);
        pick_range(&g, dg, &df, &dc);
        int64_t d;
        if (from_inputs) {
            d = netgen_between(g.r, 0, g.maxd);
        } else {
            int zero_ok = g.band[sf + sc - 1] < g.band[df];
            if (!zero_ok && g.maxd == 0)
                continue;
            d = zero_ok ? netgen_between(g.r, 0, g.maxd) : netgen_between(g.r, 1, g.maxd);
        }
        int32_t *wm = malloc((size_t)sc * dc * sizeof *wm);
        if (!wm)
            OOM();
        for (uint32_t r = 0; r < dc; r++)
            for (uint32_t c = 0; c < sc; c++)
                wm[(size_t)r * sc + c] =
                    netgen_chance(g.r, 3, 4) ? charge(&g, df + r, draw_w(&g, from_inputs), 1) : 0;
        int rc = seir_add_dense(net, from_inputs, sf, sc, df, dc, (uint32_t)d, wm);
        free(wm);
        if (rc)
            OOM();
    }

    /* sparse synapses: every (source, target) pair with probability density */
    {
        uint64_t thr = (uint64_t)(o->density * 9007199254740992.0); /* density * 2^53 */
        for (uint32_t dst = 0; dst < N; dst++)
            for (uint64_t s = 0; s < (uint64_t)C + N; s++) {
                if ((loom_rng_next(g.r) >> 11) >= thr)
                    continue;
                uint32_t src = s < C ? (SEIR_SRC_INPUT | (uint32_t)s) : (uint32_t)(s - C);
                int64_t d = draw_d(&g, src, dst);
                if (d < 0)
                    continue;
                int32_t w = charge(&g, dst, draw_w(&g, SEIR_IS_INPUT(src)), src_xmax(g.net, src));
                if (w && seir_add_syn(net, src, dst, w, (uint32_t)d))
                    OOM();
            }
    }

    /* initial state and ring contents on about one neuron in eight */
    for (uint32_t n = 0; n < N; n++) {
        if (netgen_chance(g.r, 1, 8) && seir_set_init(net, n, draw_state(&g), draw_state(&g)))
            OOM();
        if (netgen_chance(g.r, 1, 8) && ring_res > 0) {
            int32_t v = (int32_t)netgen_between(g.r, -ring_res, ring_res);
            if (v && seir_add_ring_init(net, n, (uint32_t)netgen_between(g.r, 0, o->arch.d), v))
                OOM();
        }
    }

    /* outputs: v of the read-out group (and one more neuron), spikes of up
     * to eight others; a neuron is an output at most once */
    {
        uint8_t *used = calloc(N, 1);
        if (!used)
            OOM();
        int rc = 0;
        uint32_t nv = 0;
        if (ng > 3) {
            const seir_group *ro = &net->neuron_groups[3];
            for (uint32_t k = 0; k < ro->count && k < 4 && !rc; k++, nv++) {
                used[ro->first + k] = 1;
                rc = seir_add_output(net, ro->first + k, SEIR_OUT_V);
            }
        }
        if (!rc && N >= 2 && nv < 5) {
            uint32_t n = (uint32_t)netgen_between(g.r, 0, N - 1);
            if (!used[n]) {
                used[n] = 1;
                rc = seir_add_output(net, n, SEIR_OUT_V);
            }
        }
        uint32_t want = N - nv < 8 ? N - nv : 8;
        for (uint32_t k = 0, tries = 0; k < want && tries < 64 && !rc; tries++) {
            uint32_t n = (uint32_t)netgen_between(g.r, 0, N - 1);
            if (used[n])
                continue;
            used[n] = 1;
            rc = seir_add_output(net, n, SEIR_OUT_SPIKE);
            k++;
        }
        free(used);
        if (rc)
            OOM();
    }

    free(g.budget);
    free(g.band);
    if ((st = seir_validate(net, e)) != LOOM_OK) {
        loom_err_prefix(e, "gen (a bug: the generated net is invalid)");
        seir_net_free(net);
        return LOOM_E_INTERNAL;
    }
    *out = net;
    return LOOM_OK;

fail:
    free(g.budget);
    free(g.band);
    seir_net_free(net);
    return st;
}

/* ---- NETGEN_BENCH: the benchmark recipe, as a synapse stream --------------
 *
 * Input synapses c -> c first, then `fanout` recurrent synapses out of each
 * neuron in turn. */
struct netgen_stream {
    netgen_recipe rc;
    uint64_t st;
    uint32_t D;
    uint32_t *mark; /* mark[m] == n + 1: m already chosen as a target of n */
    uint32_t c;     /* next input channel */
    uint32_t n, k;  /* next neuron and its next synapse */
};

static void bench_rewind(void *ctx)
{
    netgen_stream *g = ctx;
    g->st = g->rc.seed;
    g->c = g->n = g->k = 0;
    memset(g->mark, 0, (size_t)g->rc.neurons * sizeof *g->mark);
}

static size_t bench_next(void *ctx, seir_syn *buf, size_t cap)
{
    netgen_stream *g = ctx;
    const netgen_recipe *rc = &g->rc;
    const uint32_t N = rc->neurons, K = rc->fanout;
    size_t got = 0;
    while (got < cap && g->c < N) {
        buf[got++] = (seir_syn){SEIR_SRC_INPUT | g->c, g->c, rc->w_in, 0};
        g->c++;
    }
    while (got < cap && g->n < N) {
        const uint32_t n = g->n;
        if (g->k == 0)
            g->mark[n] = n + 1;
        if (g->k >= K || g->k + 1 >= N) {
            g->n++;
            g->k = 0;
            continue;
        }
        /* one draw: target from the high 32 bits, inhibitory from bits
         * 8..15, delay from bits 0..7 (redrawn on a repeat) */
        uint64_t r;
        uint32_t m;
        do {
            r = loom_rng_next(&g->st);
            m = (uint32_t)(((r >> 32) * N) >> 32);
        } while (g->mark[m] == n + 1);
        g->mark[m] = n + 1;
        const int inh = ((r >> 8) & 255) < rc->inh_per_256;
        const uint32_t d = 1 + (uint32_t)(((r & 255) * g->D) >> 8);
        buf[got++] = (seir_syn){n, m, inh ? rc->w_inh : rc->w_exc, d};
        g->k++;
    }
    return got;
}

void netgen_close(netgen_stream *g)
{
    if (g)
        LOOM_FREE(g->mark, g);
}

loom_status netgen_open(const netgen_recipe *rc, seir_net **skel, netgen_stream **st,
                        ref_syn_stream *gen, loom_err *e)
{
    *skel = NULL;
    *st = NULL;
    if (rc->shape != NETGEN_BENCH)
        return loom_fail(e, LOOM_E_ARG, "netgen: only a bench recipe streams its synapses");
    if (seir_arch_check(&rc->arch, e))
        return loom_err_prefix(e, "netgen");
    const uint32_t N = rc->neurons;
    if (N == 0 || N > 50000000u)
        return loom_fail(e, LOOM_E_ARG, "netgen: neurons %u out of range 1..50000000", N);
    seir_net *net = seir_net_new(&rc->arch);
    netgen_stream *g = calloc(1, sizeof *g);
    if (!net || !g || !(g->mark = calloc(N, sizeof *g->mark)))
        goto nomem;
    seir_profile p;
    seir_profile_default(&p);
    p.name = (char *)"lif";
    p.a_syn = 0;
    p.a_mem = rc->a_mem;
    p.theta = rc->theta;
    p.v_reset = 0;
    p.reset = SEIR_RESET_ZERO;
    p.shift = rc->shift;
    int32_t prof = seir_add_profile(net, &p);
    if (prof < 0 || seir_add_inputs(net, "in", N, 1, SEIR_IN_SPIKE) < 0 ||
        seir_add_neurons(net, "n", N, 1, (uint32_t)prof) < 0)
        goto nomem;
    g->rc = *rc;
    g->rc.stream = NULL;
    g->D = (uint32_t)net->arch.d;
    bench_rewind(g);
    *gen = (ref_syn_stream){g, bench_next, bench_rewind};
    *skel = net;
    *st = g;
    return LOOM_OK;
nomem:
    netgen_close(g);
    seir_net_free(net);
    return loom_fail(e, LOOM_E_NOMEM, "netgen: out of memory building a bench net (%u neurons)", N);
}

static loom_status build_bench(const netgen_recipe *rc, seir_net **out, loom_err *e)
{
    seir_net *net;
    netgen_stream *g;
    ref_syn_stream gen;
    loom_status st = netgen_open(rc, &net, &g, &gen, e);
    if (st)
        return st;
    seir_syn buf[256];
    if (seir_reserve_syn(net, (size_t)rc->neurons * (rc->fanout + 1)))
        goto nomem;
    for (size_t n; (n = bench_next(g, buf, 256)) > 0;)
        for (size_t k = 0; k < n; k++)
            if (seir_add_syn(net, buf[k].src, buf[k].dst, buf[k].w, buf[k].d))
                goto nomem;
    netgen_close(g);
    *out = net;
    return LOOM_OK;
nomem:
    netgen_close(g);
    seir_net_free(net);
    return loom_fail(e, LOOM_E_NOMEM, "netgen: out of memory building a bench net (%u neurons, %u synapses each)",
                     rc->neurons, rc->fanout);
}

/* ---- NETGEN_FEATURES: small nets using every feature of SEIR -------------
 *
 * Validity by construction rather than by retrying: values are drawn inside
 * their ranges, a zero-delay synapse between neurons always goes from a
 * lower to a higher neuron index (so the zero-delay graph is a DAG),
 * weights from graded channels stay small, and A is chosen last, large
 * enough for the accumulator bound computed here independently of
 * seir_check_acc.
 */

/* A value of `bits` signed bits, often at a corner. */
static int32_t corner_value(uint64_t *r, int bits)
{
    switch (netgen_below(r, 6)) {
    case 0: return (int32_t)loom_max_s(bits);
    case 1: return (int32_t)loom_min_s(bits);
    case 2: return 0;
    default: return (int32_t)netgen_between(r, loom_min_s(bits), loom_max_s(bits));
    }
}

/* Splits `total` members into 1..max_groups groups. */
static void add_groups(seir_net *net, uint64_t *r, uint32_t total, int inputs)
{
    static const char *stem[4] = {"g", "layer.", "n_", "X"};
    while (total) {
        uint32_t n = 1 + netgen_below(r, total);
        if (netgen_below(r, 3) == 0)
            n = total; /* sometimes one big group */
        int is_array = n > 1 || netgen_below(r, 2);
        char name[32];
        uint32_t id = inputs ? net->n_input_groups : net->n_neuron_groups;
        snprintf(name, sizeof name, "%s%s%u", inputs ? "in_" : "", stem[netgen_below(r, 4)], id);
        if (inputs)
            seir_add_inputs(net, name, n, is_array,
                            netgen_below(r, 3) == 0 ? SEIR_IN_GRADED : SEIR_IN_SPIKE);
        else
            seir_add_neurons(net, name, n, is_array, netgen_below(r, net->n_profiles));
        total -= n;
    }
}

/* A weight for a synapse from src (graded channels get small ones). */
static int32_t weight(const seir_net *net, uint64_t *r, uint32_t src)
{
    if (src_xmax(net, src) > 1)
        return (int32_t)netgen_between(r, loom_min_s(net->arch.w < 5 ? net->arch.w : 5),
                                        loom_max_s(net->arch.w < 5 ? net->arch.w : 5));
    return corner_value(r, net->arch.w);
}

/* A random contiguous part of one group: [*first, *first + *count). */
static void pick_part(const seir_group *g, uint32_t ng, uint64_t *r, uint32_t *first,
                       uint32_t *count)
{
    const seir_group *x = &g[netgen_below(r, ng)];
    if (netgen_below(r, 2)) {
        *first = x->first;
        *count = x->count;
        return;
    }
    uint32_t a = netgen_below(r, x->count);
    *first = x->first + a;
    *count = 1 + netgen_below(r, x->count - a);
}

static loom_status build_features(const netgen_recipe *o, uint64_t *r, seir_net **out, loom_err *e)
{
    if (o->neurons == 0 || o->neurons > 1000000u)
        return loom_fail(e, LOOM_E_ARG, "netgen: neurons %u out of range 1..1000000", o->neurons);
    if (o->inputs > 1000000u)
        return loom_fail(e, LOOM_E_ARG, "netgen: inputs %u out of range 0..1000000", o->inputs);
    static const int dchoice[7] = {0, 1, 2, 3, 7, 15, 255};
    /* one draw per statement: the order of evaluation inside an initializer
     * list or an argument list is unspecified, and a seed must give the same
     * net with every compiler */
    seir_arch arch;
    arch.w = (int)netgen_between(r, 2, 16);
    arch.s = (int)netgen_between(r, 4, 32);
    arch.a = 32;
    arch.d = dchoice[netgen_below(r, 7)];
    seir_net *net = seir_net_new(&arch);
    if (!net)
        return loom_fail(e, LOOM_E_NOMEM, "netgen: out of memory");
    const int S = arch.s, D = arch.d;

    uint32_t np = 1 + netgen_below(r, 4);
    for (uint32_t k = 0; k < np; k++) {
        seir_profile p;
        char name[32];
        snprintf(name, sizeof name, k % 2 ? "lif%u" : "p.%u", k);
        p.name = name;
        static const int32_t decays[5] = {0, 4096, 1, 4095, 3900};
        p.a_syn = netgen_below(r, 2) ? decays[netgen_below(r, 5)] : (int32_t)netgen_between(r, 0, 4096);
        p.a_mem = netgen_below(r, 2) ? decays[netgen_below(r, 5)] : (int32_t)netgen_between(r, 0, 4096);
        p.theta = corner_value(r, S);
        p.v_reset = corner_value(r, S);
        p.reset = (seir_reset)((k + netgen_below(r, 3)) % 3);
        p.shift = (int32_t)netgen_between(r, -16, 15);
        p.bias = netgen_below(r, 2) ? 0 : corner_value(r, S);
        if (seir_add_profile(net, &p) < 0)
            goto oom;
    }
    uint32_t ni = o->inputs ? netgen_below(r, o->inputs + 1) : 0;
    uint32_t nn = 1 + netgen_below(r, o->neurons);
    /* interleaving does not matter for numbering; inputs first keeps it simple */
    add_groups(net, r, ni, 1);
    add_groups(net, r, nn, 0);
    if (net->n_inputs != ni || net->n_neurons != nn)
        goto oom;

    /* dense blocks and sparse synapses, mixed in the synapse array */
    uint32_t nd = o->max_dense ? netgen_below(r, o->max_dense + 1) : 0;
    uint32_t ns = o->max_syn ? netgen_below(r, o->max_syn + 1) : 0;
    uint32_t dense_at = ns ? netgen_below(r, ns + 1) : 0;
    for (uint32_t k = 0; k <= ns; k++) {
        for (uint32_t b = 0; k == dense_at && b < nd; b++) {
            int from_in = ni && netgen_below(r, 2);
            uint32_t sf, sc, df, dc, d = (uint32_t)netgen_between(r, 0, D);
            if (from_in)
                pick_part(net->input_groups, net->n_input_groups, r, &sf, &sc);
            else
                pick_part(net->neuron_groups, net->n_neuron_groups, r, &sf, &sc);
            pick_part(net->neuron_groups, net->n_neuron_groups, r, &df, &dc);
            if (!from_in && d == 0 && sf + sc > df) {
                if (D == 0)
                    continue;
                d = 1 + netgen_below(r, (uint32_t)D);
            }
            int32_t *w = malloc((size_t)sc * dc * sizeof *w);
            if (!w)
                goto oom;
            for (size_t j = 0; j < (size_t)sc * dc; j++)
                w[j] = netgen_below(r, 5) < 2
                           ? 0
                           : weight(net, r, (from_in ? SEIR_SRC_INPUT : 0) | (sf + (uint32_t)(j % sc)));
            int fail = seir_add_dense(net, from_in, sf, sc, df, dc, d, w);
            free(w);
            if (fail)
                goto oom;
        }
        if (k == ns)
            break;
        uint32_t src = ni && netgen_below(r, 3) == 0 ? SEIR_SRC_INPUT | netgen_below(r, ni)
                                                      : netgen_below(r, nn);
        uint32_t dst = netgen_below(r, nn), d = (uint32_t)netgen_between(r, 0, D);
        if (!SEIR_IS_INPUT(src) && d == 0 && src >= dst) {
            if (D > 0)
                d = 1 + netgen_below(r, (uint32_t)D);
            else if (src > dst) {
                uint32_t t = src;
                src = dst, dst = t;
            } else
                continue;
        }
        if (seir_add_syn(net, src, dst, weight(net, r, src), d))
            goto oom;
    }

    /* outputs: a few runs over groups and slices */
    for (uint32_t k = netgen_below(r, 5); k > 0; k--) {
        uint32_t f, c;
        pick_part(net->neuron_groups, net->n_neuron_groups, r, &f, &c);
        seir_out_kind kind = netgen_below(r, 2) ? SEIR_OUT_V : SEIR_OUT_SPIKE;
        for (uint32_t j = 0; j < c; j++)
            if (seir_add_output(net, f + j, kind))
                goto oom;
    }
    /* initial state */
    if (netgen_below(r, 3)) {
        for (uint32_t k = netgen_below(r, nn + 1); k > 0; k--) {
            uint32_t n = netgen_below(r, nn);
            int32_t i0 = corner_value(r, S);
            int32_t v0 = corner_value(r, S);
            if (seir_set_init(net, n, i0, v0))
                goto oom;
        }
        for (uint32_t k = netgen_below(r, 8); k > 0; k--) {
            uint32_t n = netgen_below(r, nn);
            uint32_t slot = (uint32_t)netgen_between(r, 0, D);
            int32_t val = (int32_t)netgen_between(r, -1000, 1000);
            if (seir_add_ring_init(net, n, slot, val))
                goto oom;
        }
    }

    /* per-neuron biases on top of the profile's, the sum kept in S bits */
    if (netgen_below(r, 3) == 0) {
        for (uint32_t k = netgen_below(r, nn + 1); k > 0; k--) {
            uint32_t n = netgen_below(r, nn);
            int64_t pb = net->profiles[net->neuron_profile[n]].bias;
            int64_t b = (int64_t)corner_value(r, S) - pb;
            if (b < loom_min_s(S) || b > loom_max_s(S))
                b = -pb / 2;
            if (seir_set_bias(net, n, (int32_t)b))
                goto oom;
        }
    }

    /* smallest A (at least a random floor) that proves no accumulator wraps */
    uint64_t *bound = calloc(nn, sizeof *bound);
    if (!bound)
        goto oom;
    for (size_t k = 0; k < net->n_syn; k++) {
        const seir_syn *s = &net->syn[k];
        bound[s->dst] += (uint64_t)llabs(s->w) * (uint64_t)src_xmax(net, s->src);
    }
    uint64_t worst = 0;
    for (uint32_t n = 0; n < nn; n++) {
        uint64_t ring = 0;
        for (size_t k = 0; k < net->n_ring_init; k++)
            if (net->ring_init[k].neuron == n && (uint64_t)llabs(net->ring_init[k].value) > ring)
                ring = (uint64_t)llabs(net->ring_init[k].value);
        if (bound[n] + ring > worst)
            worst = bound[n] + ring;
    }
    free(bound);
    int a = (int)netgen_between(r, 4, 32);
    while (a < 32 && (uint64_t)loom_max_s(a) < worst)
        a++;
    net->arch.a = a;
    *out = net;
    return LOOM_OK;
oom:
    seir_net_free(net);
    return loom_fail(e, LOOM_E_NOMEM, "netgen: out of memory");
}

/* ---- NETGEN_RANKED: the reference model's differential test --------------
 *
 * Any arch (A random too: accumulators may wrap, which the test checks),
 * profiles scaled to the weights, zero-delay synapses only up a random
 * ranking of the neurons, initial state, pending input, per-neuron biases.
 */

/* A value in signed `bits` bits: often a corner, else small or anywhere. */
static int32_t ranked_signed(uint64_t *r, int bits, int32_t small)
{
    const int64_t lo = loom_min_s(bits), hi = loom_max_s(bits);
    switch (loom_rng_next(r) % 6) {
    case 0:
        return (int32_t)lo;
    case 1:
        return (int32_t)hi;
    case 2:
        return (int32_t)netgen_between(r, lo, hi);
    default:
        return (int32_t)loom_sat(netgen_between(r, -small, small), bits);
    }
}

static loom_status build_ranked(const netgen_recipe *o, uint64_t *r, seir_net **out, loom_err *e)
{
    seir_arch ar;
    ar.w = (int)netgen_between(r, 2, 16);
    ar.s = loom_rng_next(r) % 3 ? (int)netgen_between(r, 4, 20) : (int)netgen_between(r, 21, 32);
    ar.a = (int)netgen_between(r, 4, 32);
    ar.d = loom_rng_next(r) % 4 ? (int)netgen_between(r, 0, 6) : (int)netgen_between(r, 7, 40);
    uint32_t N = loom_rng_next(r) % 4 ? (uint32_t)netgen_between(r, 1, 40) : (uint32_t)netgen_between(r, 41, 150);
    if (o->wide) {
        ar.w = 16;
        ar.d = 255;
        N = (uint32_t)netgen_between(r, 260, 300); /* 256 * 260 * 2^16 > 2^32 */
    }
    seir_net *net = seir_net_new(&ar);
    uint32_t *rank = NULL;
    if (!net)
        goto oom;

    static const int32_t decays[] = {0, 1, 2048, 3896, 4095, 4096};
    const uint32_t n_prof = (uint32_t)netgen_between(r, 1, 4);
    const int32_t wmax = (int32_t)loom_max_s(ar.w);
    for (uint32_t k = 0; k < n_prof; k++) {
        seir_profile p;
        seir_profile_default(&p);
        p.name = (char *)"p";
        p.a_syn = loom_rng_next(r) % 2 ? decays[loom_rng_next(r) % 6] : (int32_t)netgen_between(r, 0, 4096);
        p.a_mem = loom_rng_next(r) % 2 ? decays[loom_rng_next(r) % 6] : (int32_t)netgen_between(r, 0, 4096);
        p.shift = loom_rng_next(r) % 3 ? (int32_t)netgen_between(r, -3, 3) : (int32_t)netgen_between(r, -16, 15);
        const int32_t scale = (int32_t)loom_sat(loom_shift(wmax, p.shift > 0 ? p.shift : 0), ar.s);
        p.theta = loom_rng_next(r) % 4 ? (int32_t)loom_sat(netgen_between(r, -scale, 3 * scale), ar.s) : ranked_signed(r, ar.s, 100);
        p.v_reset = ranked_signed(r, ar.s, scale > 0 ? scale : 1);
        p.reset = (seir_reset)(loom_rng_next(r) % 3);
        p.bias = loom_rng_next(r) % 3 ? 0 : ranked_signed(r, ar.s, scale > 0 ? scale : 1);
        if (seir_add_profile(net, &p) < 0)
            goto oom;
    }
    uint32_t done = 0;
    while (done < N) {
        uint32_t cnt = (uint32_t)netgen_between(r, 1, N - done);
        char name[16];
        snprintf(name, sizeof name, "g%u", done);
        if (seir_add_neurons(net, name, cnt, 1, (uint32_t)(loom_rng_next(r) % n_prof)) < 0)
            goto oom;
        done += cnt;
    }
    const uint32_t n_in = (uint32_t)netgen_between(r, 0, 6);
    for (uint32_t c = 0; c < n_in; c++) {
        char name[16];
        snprintf(name, sizeof name, "i%u", c);
        if (seir_add_inputs(net, name, 1, 1, (seir_input_kind)(loom_rng_next(r) % 2)) < 0)
            goto oom;
    }
    /* zero-delay neuron synapses only go up a random ranking: a DAG whose
     * level order differs from index order */
    rank = malloc(N * sizeof *rank);
    if (!rank)
        goto oom;
    for (uint32_t n = 0; n < N; n++)
        rank[n] = n;
    for (uint32_t n = N; n > 1; n--) {
        uint32_t j = (uint32_t)(loom_rng_next(r) % n), t = rank[n - 1];
        rank[n - 1] = rank[j];
        rank[j] = t;
    }
    const size_t n_syn = (size_t)netgen_between(r, 0, 6 * (int64_t)N);
    for (size_t k = 0; k < n_syn; k++) {
        uint32_t dst = (uint32_t)(loom_rng_next(r) % N);
        uint32_t d = (uint32_t)netgen_between(r, 0, ar.d);
        uint32_t src;
        if (n_in && loom_rng_next(r) % 4 == 0) {
            src = SEIR_SRC_INPUT | (uint32_t)(loom_rng_next(r) % n_in);
        } else {
            src = (uint32_t)(loom_rng_next(r) % N);
            if (d == 0 && loom_rng_next(r) % 2)
                d = (uint32_t)netgen_between(r, 0, ar.d);
            if (d == 0 && rank[src] >= rank[dst]) {
                if (ar.d == 0)
                    continue;
                d = (uint32_t)netgen_between(r, 1, ar.d);
            }
        }
        if (seir_add_syn(net, src, dst, ranked_signed(r, ar.w, wmax), d))
                goto oom;
    }
    free(rank);
    rank = NULL;
    if (loom_rng_next(r) % 2)
        for (uint32_t n = 0; n < N; n++)
            if (loom_rng_next(r) % 2) {
                const int32_t i0 = ranked_signed(r, ar.s, 50); /* drawn in a fixed order */
                const int32_t v0 = ranked_signed(r, ar.s, 50);
                if (seir_set_init(net, n, i0, v0))
                goto oom;
            }
    /* initial pending input; one entry per (neuron, slot), since the
     * builder adds duplicates in int32_t */
    const uint32_t n_ring = (uint32_t)netgen_between(r, 0, 8);
    for (uint32_t k = 0; k < n_ring; k++) {
        const uint32_t n = (uint32_t)(loom_rng_next(r) % N), slot = (uint32_t)netgen_between(r, 0, ar.d);
        int dup = 0;
        for (size_t j = 0; j < net->n_ring_init; j++)
            dup |= net->ring_init[j].neuron == n && net->ring_init[j].slot == slot;
        if (!dup)
            if (seir_add_ring_init(net, n, slot, ranked_signed(r, ar.a, 200)))
                goto oom;
    }
    /* per-neuron biases on top of the profile's, the sum kept in S bits */
    if (loom_rng_next(r) % 2)
        for (uint32_t n = 0; n < N; n++)
            if (loom_rng_next(r) % 2) {
                const int64_t pb = net->profiles[net->neuron_profile[n]].bias;
                int64_t b = ranked_signed(r, ar.s, 1 + (int32_t)(loom_max_s(ar.s) / 4));
                b = loom_sat(pb + b, ar.s) - pb;
                if (seir_set_bias(net, n, (int32_t)b))
                goto oom;
            }
    *out = net;
    return LOOM_OK;
oom:
    free(rank);
    seir_net_free(net);
    return loom_fail(e, LOOM_E_NOMEM, "netgen: out of memory");
}


/* ---- the entry point ----------------------------------------------------- */

loom_status netgen_build(const netgen_recipe *r, seir_net **out, loom_err *e)
{
    *out = NULL;
    uint64_t local = r->seed;
    if (r->shape == NETGEN_FEATURES)
        local = r->seed * 0xD1B54A32D192ED03ull + 1;
    uint64_t *s = r->stream ? r->stream : &local;
    switch (r->shape) {
    case NETGEN_CORNERS:
        return build_corners(r, s, out, e);
    case NETGEN_BENCH:
        return build_bench(r, out, e);
    case NETGEN_FEATURES:
        return build_features(r, s, out, e);
    case NETGEN_RANKED:
        return build_ranked(r, s, out, e);
    }
    return loom_fail(e, LOOM_E_ARG, "netgen: unknown shape %d", (int)r->shape);
}
