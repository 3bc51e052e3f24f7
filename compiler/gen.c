/*
 * gen.c -- the random network generator behind `loom gen`.
 *
 * Structure of a generated net (all choices drawn from one splitmix64
 * stream seeded by gen_opts.seed, in a fixed order):
 *   - input groups `in[...]` (spike) and `gin[...]` / `gin` (graded);
 *   - up to eight profiles, each pinned to one corner of the machine model
 *     (see corner_profiles), and one neuron group per profile;
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
#include "gen.h"

#include <stdlib.h>
#include <string.h>

#include "loom_arith.h"
#include "loom_rng.h"

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    return loom_rng_next(&r->s);
}

/* Uniform integer in [lo, hi] (hi >= lo). */
static int64_t rng_range(rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(span ? rng_next(r) % span : rng_next(r));
}

/* 1 with probability num/den. */
static int rng_chance(rng *r, uint32_t num, uint32_t den)
{
    return rng_next(r) % den < num;
}

void gen_opts_default(gen_opts *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->neurons = 64;
    o->inputs = 8;
    o->density = 0.1;
    o->max_delay = -1;
    seir_arch_default(&o->arch);
    o->graded = -1;
    o->levels = -1;
}

typedef struct gen {
    rng r;
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
    uint64_t k = rng_next(&g->r) % 10;
    if (k == 0)
        return (int32_t)g->wmin;
    if (k == 1)
        return (int32_t)g->wmax;
    int64_t lo = from_input ? -(g->wmax / 4) : -(g->wmax / 2), hi = g->wmax / 2;
    if (hi < 1)
        hi = 1;
    int64_t w = rng_range(&g->r, lo, hi);
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
    uint32_t c = (uint32_t)rng_range(&g->r, 1, grp->count < 64 ? grp->count : 64);
    *first = grp->first + (uint32_t)rng_range(&g->r, 0, grp->count - c);
    *count = c;
}

static int64_t src_xmax(const gen *g, uint32_t src)
{
    if (SEIR_IS_INPUT(src) && g->net->input_kind[SEIR_SRC_INDEX(src)] == SEIR_IN_GRADED)
        return 32768;
    return 1;
}

/* A delay for a synapse src -> dst: 0 only where the bands allow it; -1 when
 * no delay is possible (a backward edge with max delay 0). */
static int64_t draw_d(gen *g, uint32_t src, uint32_t dst)
{
    int zero_ok = SEIR_IS_INPUT(src) || g->band[src] < g->band[dst];
    if (!zero_ok && g->maxd == 0)
        return -1;
    if (zero_ok && (g->maxd == 0 || rng_chance(&g->r, 1, 3)))
        return 0;
    /* favour the corners 1 and D */
    uint64_t k = rng_next(&g->r) % 6;
    if (k == 0)
        return 1;
    if (k == 1)
        return g->maxd;
    return rng_range(&g->r, 1, g->maxd);
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
        p->a_syn = (int32_t)rng_range(&g->r, 2800, 3600);
        p->a_mem = (int32_t)rng_range(&g->r, 3700, 4000);
        p->theta = clamp_s(g, rng_range(&g->r, 2, 6) * q / 2 + 20);
        p->reset = SEIR_RESET_ZERO;
        break;
    case 1:
        p->a_syn = 0;
        p->a_mem = 0;
        p->theta = clamp_s(g, rng_range(&g->r, 1, 3));
        p->bias = clamp_s(g, rng_range(&g->r, -1, 1));
        break;
    case 2:
        p->a_syn = 4096;
        p->a_mem = 4096;
        p->theta = clamp_s(g, rng_range(&g->r, 4, 16) * q);
        p->reset = SEIR_RESET_SUBTRACT;
        p->shift = (int32_t)rng_range(&g->r, -3, -1);
        p->bias = clamp_s(g, -rng_range(&g->r, 0, 2));
        break;
    case 3:
        p->a_syn = (int32_t)rng_range(&g->r, 1024, 3072);
        p->a_mem = (int32_t)rng_range(&g->r, 3500, 4095);
        p->theta = clamp_s(g, rng_range(&g->r, 1, 8) * q);
        p->reset = SEIR_RESET_NONE;
        break;
    case 4:
        p->a_syn = 4096;
        p->a_mem = 4096;
        p->shift = 15;
        p->bias = clamp_s(g, g->smax - rng_range(&g->r, 0, 3));
        p->theta = clamp_s(g, g->smax);
        p->reset = SEIR_RESET_SUBTRACT;
        break;
    case 5:
        p->a_syn = 4096;
        p->a_mem = (int32_t)rng_range(&g->r, 4000, 4096);
        p->shift = 15;
        p->bias = clamp_s(g, g->smin / 2 - rng_range(&g->r, 0, 3));
        p->theta = clamp_s(g, g->smax);
        p->v_reset = clamp_s(g, g->smin);
        p->reset = SEIR_RESET_ZERO;
        break;
    case 6:
        p->a_syn = 4096;
        p->a_mem = 2048;
        p->shift = -16;
        p->theta = clamp_s(g, rng_range(&g->r, -1, 1));
        p->v_reset = clamp_s(g, -rng_range(&g->r, 1, 4) * q);
        p->bias = clamp_s(g, rng_range(&g->r, -1, 0));
        p->reset = SEIR_RESET_ZERO;
        break;
    default:
        p->a_syn = (int32_t)rng_range(&g->r, 0, 4096);
        p->a_mem = (int32_t)rng_range(&g->r, 0, 4096);
        p->shift = (int32_t)rng_range(&g->r, -16, 15);
        p->theta = clamp_s(g, rng_range(&g->r, g->smin, g->smax));
        p->v_reset = clamp_s(g, rng_range(&g->r, g->smin, g->smax));
        p->bias = clamp_s(g, rng_range(&g->r, -q, q));
        p->reset = (seir_reset)rng_range(&g->r, 0, 2);
        break;
    }
}

/* An S-bit value for initial state: often at either end. */
static int32_t draw_state(gen *g)
{
    uint64_t k = rng_next(&g->r) % 4;
    if (k == 0)
        return (int32_t)g->smin;
    if (k == 1)
        return (int32_t)g->smax;
    return (int32_t)rng_range(&g->r, g->smin, g->smax);
}

static loom_status check_opts(const gen_opts *o, loom_err *e)
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

loom_status gen_net(const gen_opts *o, seir_net **out, loom_err *e)
{
    *out = NULL;
    loom_status st = check_opts(o, e);
    if (st)
        return st;
    gen g;
    memset(&g, 0, sizeof g);
    g.r.s = o->seed;
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
        uint64_t add = share / 2 + (share ? rng_next(&g.r) % (share + 1) : 0);
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
            uint32_t n = (uint32_t)rng_range(&g.r, lo, hi);
            if (b > 0) {
                int32_t w = charge(&g, n, (int32_t)(g.wmax - rng_range(&g.r, 0, g.wmax / 4)), 1);
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
            : &net->neuron_groups[rng_range(&g.r, 0, net->n_neuron_groups - 1)];
        const seir_group *dg = &net->neuron_groups[rng_range(&g.r, 0, net->n_neuron_groups - 1)];
        uint32_t sc, sf, dc, df;
        pick_range(&g, sg, &sf, &sc);
        pick_range(&g, dg, &df, &dc);
        int64_t d;
        if (from_inputs) {
            d = rng_range(&g.r, 0, g.maxd);
        } else {
            int zero_ok = g.band[sf + sc - 1] < g.band[df];
            if (!zero_ok && g.maxd == 0)
                continue;
            d = zero_ok ? rng_range(&g.r, 0, g.maxd) : rng_range(&g.r, 1, g.maxd);
        }
        int32_t *wm = malloc((size_t)sc * dc * sizeof *wm);
        if (!wm)
            OOM();
        for (uint32_t r = 0; r < dc; r++)
            for (uint32_t c = 0; c < sc; c++)
                wm[(size_t)r * sc + c] =
                    rng_chance(&g.r, 3, 4) ? charge(&g, df + r, draw_w(&g, from_inputs), 1) : 0;
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
                if ((rng_next(&g.r) >> 11) >= thr)
                    continue;
                uint32_t src = s < C ? (SEIR_SRC_INPUT | (uint32_t)s) : (uint32_t)(s - C);
                int64_t d = draw_d(&g, src, dst);
                if (d < 0)
                    continue;
                int32_t w = charge(&g, dst, draw_w(&g, SEIR_IS_INPUT(src)), src_xmax(&g, src));
                if (w && seir_add_syn(net, src, dst, w, (uint32_t)d))
                    OOM();
            }
    }

    /* initial state and ring contents on about one neuron in eight */
    for (uint32_t n = 0; n < N; n++) {
        if (rng_chance(&g.r, 1, 8) && seir_set_init(net, n, draw_state(&g), draw_state(&g)))
            OOM();
        if (rng_chance(&g.r, 1, 8) && ring_res > 0) {
            int32_t v = (int32_t)rng_range(&g.r, -ring_res, ring_res);
            if (v && seir_add_ring_init(net, n, (uint32_t)rng_range(&g.r, 0, o->arch.d), v))
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
            uint32_t n = (uint32_t)rng_range(&g.r, 0, N - 1);
            if (!used[n]) {
                used[n] = 1;
                rc = seir_add_output(net, n, SEIR_OUT_V);
            }
        }
        uint32_t want = N - nv < 8 ? N - nv : 8;
        for (uint32_t k = 0, tries = 0; k < want && tries < 64 && !rc; tries++) {
            uint32_t n = (uint32_t)rng_range(&g.r, 0, N - 1);
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
