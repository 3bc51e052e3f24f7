/*
 * nir_quant.c -- the quantiser: a lowered NIR graph -> integer seir_net.
 *
 * Every population P gets two scales (docs/nir.md has a worked example):
 *   K  integer weight units per float unit of effective weight, chosen so
 *      the largest |effective weight| of P's inputs maps to 2^(W-1)-1 (less
 *      only when the accumulator bound sum|q| would leave A bits);
 *   sigma = K * 2^shift  state units per float unit of v, with the largest
 *      shift in [-16, 15] that keeps sigma * V <= 2^(S-1)-1, where V bounds
 *      the states P must hold (16 x, or 32 x with inhibition, the largest |threshold|, |v_reset|,
 *      |v_leak| for spiking neurons; the steady state of LI read-outs).
 * The effective weight of a term w into neuron k is g_k * w, the float
 * change of v (of the synaptic current, for CubaLIF, in v units) one unit
 * of u causes in one step: LIF/LI dt/tau*r, CubaLIF (dt/tau_mem) r (dt/tau_syn)
 * w_in, IF/I r, Threshold/read-out 1.  Decays are a = round(4096 (1 - dt/tau))
 * clamped to 0..4096; the strict float threshold v > theta becomes the
 * machine's v >= floor(sigma*theta) + 1 (exact for the scaled state); v_reset
 * and the per-step constant (dt/tau) v_leak are rounded to the state scale.
 * Biases (Affine/Conv) become the profile bias, sigma * gain * b per step:
 * exact for LIF, IF, LI, I, Threshold and read-outs; for CubaLIF, whose
 * bias feeds the synaptic current and so ramps up as 1 - a^(t+1), the
 * profile bias adds the steady state and an initial i of minus the steady
 * state supplies the decaying difference.
 *
 * Neurons of a population with equal integer parameters share a profile;
 * a population whose parameters vary is split into runs (groups) of equal
 * profile.  Inputs from one source population (or Input node) with one
 * delay that fill at least half of the matrix are written as a dense block.
 */
#include "nir_cluster.h"
#include "nir_int.h"

#include "loom_arith.h"
#include "loom_mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Weight splitting: at most this many extra synapses per input term of a
 * population, and a weight split into at most this many synapses. */
#define NIR_SPLIT_BUDGET 0.25
#define NIR_SPLIT_MAX 64
/* ... but a population may always use up to NIR_SPLIT_SMALL extra synapses
 * per term, at most NIR_SPLIT_SMALL_CAP in all: small recurrent nets (the
 * Braille net: 2298 -> 6190 synapses) gain 2 weight bits for a few thousand
 * synapses, while large nets (the CNN) keep the 25% budget.  Measured on
 * braille_nirtorch.nir (docs/nir.md): mean output agreement over seeds
 * 1..10 0.858 -> 0.917 at W=8, S=16.  16 per term (splits up to 256) gave
 * the snnTorch RLeaky export (tests/data/export) at the icebreaker's arch
 * a mean over seeds 1..5 of 0.981 instead of 0.968, but grew the Braille
 * net to 21,110 synapses, past the 8,192 of a cosim config's core. */
#define NIR_SPLIT_SMALL 4.0
#define NIR_SPLIT_SMALL_CAP 16384.0

/* Spiking neurons: the state range covers this many times the largest
 * |threshold| (|v_reset|, |v_leak|): room for inhibition below zero.
 * NIR_HEADROOM_INHIB when some input weight, the bias, v_leak or v_reset
 * of the population is negative: the Braille hidden layer's membranes
 * reach -25 x theta within 15 steps and clipping them at 16 x makes the
 * neuron fire early (mean output agreement over seeds 1..10 at W=8, S=16:
 * 0.917 -> 0.942; CNN class agreement unchanged).  Without inhibition the
 * extra range would only cost resolution (lif_norse.nir: 0.989 -> 0.976
 * at seed 2). */
#define NIR_HEADROOM 16.0
#define NIR_HEADROOM_INHIB 32.0

typedef struct qpop {
    double K, sigma;
    int32_t shift;
    double keep_room; /* accumulator units per neuron left for kept connections */
} qpop;

/* Effective gain g_k and per-step v constant c_k (float units) and decays. */
static void neuron_coeffs(const nir_graph *g, const nir_pop *p, uint32_t k, double *gain, double *c, double *fa_syn,
                          double *fa_mem)
{
    const double dt = g->dt;
    *gain = 1.0;
    *c = 0.0;
    *fa_syn = 0.0;
    *fa_mem = 0.0;
    switch (p->kind) {
    case NIR_POP_LIF:
    case NIR_POP_LI:
        *gain = dt / p->tau[k] * p->r[k];
        *c = dt / p->tau[k] * p->v_leak[k];
        *fa_mem = 1.0 - dt / p->tau[k];
        break;
    case NIR_POP_CUBALIF:
        *gain = dt / p->tau[k] * p->r[k] * (dt / p->tau_syn[k]) * p->w_in[k];
        *c = dt / p->tau[k] * p->v_leak[k];
        *fa_mem = 1.0 - dt / p->tau[k];
        *fa_syn = 1.0 - dt / p->tau_syn[k];
        break;
    case NIR_POP_IF:
    case NIR_POP_I:
        *gain = p->r[k];
        *fa_mem = 1.0;
        break;
    default:
        break;
    }
    /* the constant input (biases) as a per-step v constant; for CubaLIF its
     * steady state (the float current reaches it within a few tau_syn) */
    double b = g->bias_u[p->first + k];
    if (p->kind == NIR_POP_CUBALIF)
        *c += dt / p->tau[k] * p->r[k] * p->w_in[k] * b;
    else
        *c += *gain * b;
}

static int32_t decay_factor(double f)
{
    double a = floor(f * LOOM_DECAY_ONE + 0.5);
    if (!(a > 0))
        return 0;
    return a > LOOM_DECAY_ONE ? LOOM_DECAY_ONE : (int32_t)a;
}

static int32_t clamp_s(double x, int bits)
{
    double hi = (double)loom_max_s(bits), lo = (double)loom_min_s(bits);
    if (!(x == x))
        return 0;
    return (int32_t)(x > hi ? hi : (x < lo ? lo : x));
}

static int is_spiking(nir_pop_kind k)
{
    return k == NIR_POP_LIF || k == NIR_POP_CUBALIF || k == NIR_POP_IF || k == NIR_POP_THRESHOLD;
}

/* Chooses K, shift, sigma for population p; adj is added to the shift the
 * state range allows (nir_qsearch). */
static void choose_scale(const nir_graph *g, const seir_arch *arch, const nir_pop *p, int adj, qpop *q,
                         nir_qinfo *info)
{
    const double wmax = (double)loom_max_s(arch->w), smax = (double)loom_max_s(arch->s),
                 amax = (double)loom_max_s(arch->a);
    double M = 0, sum_max = 0, vb = 0, sum_w_max = 0;
    size_t max_terms = 0;
    int inhib = 0;
    for (uint32_t k = 0; k < p->count; k++) {
        uint32_t n = p->first + k;
        double gain, c, fs, fm;
        neuron_coeffs(g, p, k, &gain, &c, &fs, &fm);
        if (c < 0 || (p->v_reset && p->v_reset[k] < 0) || (p->v_leak && p->v_leak[k] < 0))
            inhib = 1;
        double sum_pos = 0, sum_neg = 0, sumw = 0;
        for (size_t t = g->in_off[n]; t < g->in_off[n + 1]; t++) {
            if (gain * g->in_terms[t].w < 0)
                inhib = 1;
            double a = fabs(gain * g->in_terms[t].w);
            if (a > M)
                M = a;
            if (gain * g->in_terms[t].w > 0)
                sum_pos += a;
            else
                sum_neg += a;
            sumw += fabs(g->in_terms[t].w);
        }
        /* the accumulator proof (seir_check_acc) bounds sum |q| (a sign-
         * aware bound, max(positive sum, negative sum), was tried: no
         * measurable gain on the nets of docs/nir.md at 4 splits per term) */
        double sum = sum_pos + sum_neg;
        if (sum > sum_max)
            sum_max = sum;
        size_t nt = g->in_off[n + 1] - g->in_off[n];
        if (nt > max_terms)
            max_terms = nt;
        double r = p->r ? fabs(p->r[k]) : 1.0;
        double leak = p->v_leak ? fabs(p->v_leak[k]) : 0.0;
        double b;
        if (is_spiking(p->kind)) {
            b = fabs(p->theta[k]);
            if (fabs(p->v_reset[k]) > b)
                b = fabs(p->v_reset[k]);
            if (leak > b)
                b = leak;
        } else if (p->kind == NIR_POP_LI) {
            b = leak + r * sumw;
        } else if (p->kind == NIR_POP_I) {
            b = 16.0 * r * sumw;
        } else {
            b = sumw;
        }
        if (b > vb)
            vb = b;
        if (sumw > sum_w_max)
            sum_w_max = sumw;
    }
    if (is_spiking(p->kind)) {
        /* the headroom, but no more than the neuron can reach: with spike
         * inputs (at most one event per term and step), a leaky v stays
         * within (sum |g w| + |c|) / (1 - a_mem) (CubaLIF: the current
         * within sum |g w| / (1 - a_syn) of that), so a neuron fed only by
         * small weights keeps the resolution its inputs need (a two-neuron
         * chain whose second neuron never nears the threshold got a scale
         * at which its only connection moved v by less than one unit) */
        const double H = inhib ? NIR_HEADROOM_INHIB : NIR_HEADROOM;
        vb = 0;
        for (uint32_t k = 0; k < p->count; k++) {
            uint32_t n = p->first + k;
            double gain, c, fs, fm;
            neuron_coeffs(g, p, k, &gain, &c, &fs, &fm);
            double b = fabs(p->theta[k]), sum = 0;
            if (fabs(p->v_reset[k]) > b)
                b = fabs(p->v_reset[k]);
            if (p->v_leak && fabs(p->v_leak[k]) > b)
                b = fabs(p->v_leak[k]);
            for (size_t t = g->in_off[n]; t < g->in_off[n + 1]; t++)
                sum += fabs(gain * g->in_terms[t].w);
            double vk = H * b;
            if (fm < 1.0 && (p->kind != NIR_POP_CUBALIF || fs < 1.0)) {
                double reach = (p->kind == NIR_POP_CUBALIF ? sum / (1.0 - fs) : sum) / (1.0 - fm) +
                               fabs(c) / (1.0 - fm);
                reach *= 1.25; /* rounding of weights and decays */
                if (reach < vk)
                    vk = reach > b ? reach : b;
            }
            if (vk > vb)
                vb = vk;
        }
    }
    if (!(vb > 0))
        vb = sum_max > 0 ? 8.0 * sum_max : 1.0;
    /* room in the accumulator: each rounded weight may exceed K |g w| by
     * half a unit, and a kept connection (qweight_ex) by one */
    double aroom = amax - 0.5 * (double)max_terms - 1.0;
    if (aroom < 1.0)
        aroom = 1.0;
    double K = M > 0 ? wmax / M : 1.0;
    if (K * sum_max > aroom)
        K = aroom / sum_max;
    /* Heavy-tailed weights: a larger K gives the many small weights more
     * bits, and the few weights beyond the W-bit range are split into
     * parallel synapses.  Take the largest power-of-two multiple of K whose
     * extra synapses stay within the budget and whose accumulator bound fits. */
    if (M > 0) {
        size_t n_terms = g->in_off[p->first + p->count] - g->in_off[p->first];
        double budget = NIR_SPLIT_BUDGET * (double)n_terms, small = NIR_SPLIT_SMALL * (double)n_terms;
        if (small > NIR_SPLIT_SMALL_CAP)
            small = NIR_SPLIT_SMALL_CAP;
        if (small > budget)
            budget = small;
        for (int m = NIR_SPLIT_MAX; m > 1; m /= 2) {
            double Km = K * m, extra = 0;
            if (Km * sum_max > aroom)
                continue;
            for (uint32_t k = 0; k < p->count && extra <= budget; k++) {
                double gain, c, fs, fm;
                neuron_coeffs(g, p, k, &gain, &c, &fs, &fm);
                uint32_t n = p->first + k;
                for (size_t t = g->in_off[n]; t < g->in_off[n + 1]; t++) {
                    double qa = floor(fabs(Km * gain * g->in_terms[t].w) + 0.5);
                    if (qa > wmax)
                        extra += ceil(qa / wmax) - 1;
                }
            }
            if (extra <= budget) {
                K = Km;
                break;
            }
        }
    }
    double st = ldexp(smax / vb, adj);
    /* clamped before the conversion: st / K is 0 or infinite for values
     * near the double range (a bound vb or weight sum that overflowed) */
    const double lg = floor(log2(st / K));
    int sh = lg > 15 ? 15 : lg >= -16 ? (int)lg : -16;
    if (!(lg >= -16))
        K = st * 65536.0;
    q->K = K;
    q->shift = sh;
    q->keep_room = amax - (K * sum_max + 0.5 * (double)max_terms);
    q->sigma = K * ldexp(1.0, sh);
    if (info) {
        info->sigma = q->sigma;
        info->kscale = K;
        info->shift = sh;
        info->v_bound = vb;
        info->w_use = 0;
        info->in_bound = 0;
        info->n_profiles = 0;
        info->sat_risk = 0;
        info->adj = adj;
        info->n_weights = info->n_weights_lost = info->n_weights_kept = 0;
        info->n_biases = info->n_biases_lost = 0;
        info->n_ex = 0;
    }
}

typedef struct key {
    int is_input;
    uint32_t idx; /* source population or Input node */
    uint32_t d;
    size_t count;
} key;

static void src_group(const nir_graph *g, uint32_t src, int *is_input, uint32_t *idx, uint32_t *first, uint32_t *count)
{
    if (SEIR_IS_INPUT(src)) {
        uint32_t c = SEIR_SRC_INDEX(src), j = 0;
        while (j + 1 < g->n_input_nodes && g->input_first[j + 1] <= c)
            j++;
        *is_input = 1;
        *idx = j;
        *first = g->input_first[j];
        *count = (uint32_t)g->nodes[g->input_node[j]].size;
    } else {
        uint32_t p = g->pop_of[src];
        *is_input = 0;
        *idx = p;
        *first = g->pops[p].first;
        *count = g->pops[p].count;
    }
}

/* The integer weight of term w into neuron n, rounded to nearest, and (want)
 * its float value in state units per event, sigma * gain * w.
 *
 * A connection never rounds to no effect when it has one in float: where
 * the weight scale K rounds it to 0, or the right shift of a negative
 * `shift` floors its single-event effect q * 2^shift to 0, while its float
 * effect is at least half a state unit (for a left shift: at least half the
 * threshold), the weight is raised to the smallest value with an effect of
 * one state unit (*kept = 1), as far as the accumulator proof allows
 * (*room: what the neuron's accumulator bound has left).  Before this, a layer whose few large weights
 * were split into parallel synapses got a scale at which a lone small
 * connection could vanish (a two-neuron chain lost its only connection). */
static int64_t qweight_ex(const nir_graph *g, const nir_pop *p, const qpop *q, uint32_t n, double w, double *room,
                          double *want, int *kept)
{
    double gain, c, fs, fm;
    neuron_coeffs(g, p, n - p->first, &gain, &c, &fs, &fm);
    double x = floor(q->K * gain * w + 0.5);
    if (x > 1e15)
        x = 1e15;
    if (x < -1e15)
        x = -1e15;
    int64_t v = (int64_t)x;
    double e = q->sigma * gain * w, ae = fabs(e);
    if (want)
        *want = e;
    if (kept)
        *kept = 0;
    int64_t one; /* the smallest |q| whose single event moves the state by one unit */
    double need; /* the float effect from which a connection must not vanish */
    if (q->shift < 0) {
        one = (int64_t)1 << -q->shift;
        need = 0.5;
    } else {
        one = 1;
        need = is_spiking(p->kind) ? 0.5 * q->sigma * fabs(p->theta[n - p->first]) : HUGE_VAL;
        if (need < 0.5)
            need = 0.5;
    }
    /* a negative q never floors to 0: only positive effects can vanish */
    int vanished = v == 0 ? ae > 0 : (v > 0 && v < one);
    double extra = (double)one - (double)(v < 0 ? -v : v);
    if (vanished && ae >= need && extra <= *room) {
        *room -= extra;
        v = e < 0 ? -one : one;
        if (kept)
            *kept = 1;
    }
    return v;
}


/* Part k of `parts` equal shares of the weight total q (sum of parts == q). */
static int32_t wpart(int64_t q, int64_t parts, int64_t k)
{
    int64_t a = q < 0 ? -q : q;
    int64_t v = a / parts + (k < a % parts ? 1 : 0);
    return (int32_t)(q < 0 ? -v : v);
}

static int64_t nparts(int64_t q, const seir_arch *arch)
{
    int64_t a = q < 0 ? -q : q, wm = loom_max_s(arch->w);
    return a <= wm ? 1 : (a + wm - 1) / wm;
}

static loom_status emit_synapses(const nir_graph *g, const seir_arch *arch, seir_net *net, const nir_pop *p,
                                 const qpop *q, nir_qinfo *info, loom_err *e)
{
    key *keys = NULL;
    size_t nk = 0, ck = 0;
    loom_status st = LOOM_OK;
    double smax = (double)loom_max_s(arch->s);
    int32_t wbig = 0;
    double in_bound = 0;
    const size_t t0 = g->in_off[p->first];
    int64_t *qt = malloc((g->in_off[p->first + p->count] - t0 + 1) * sizeof *qt); /* final weight per term */
    if (!qt)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    for (uint32_t n = p->first; n < p->first + p->count; n++) {
        double sum_pos = 0, sum_neg = 0, room = q->keep_room;
        for (size_t t = g->in_off[n]; t < g->in_off[n + 1]; t++) {
            const nir_term *tm = &g->in_terms[t];
            if (tm->d > (uint32_t)arch->d) {
                free(keys);
                free(qt);
                const char *nn = p->node >= 0 ? g->nodes[p->node].name : p->name;
                return loom_fail(e, LOOM_E_CAPACITY,
                                 "%s: node '%s': an input needs a delay of %u steps (dt %g s) but the arch allows D = %d",
                                 g->path, nn, tm->d, g->dt, arch->d);
            }
            double want;
            int kept;
            int64_t w = qweight_ex(g, p, q, n, tm->w, &room, &want, &kept);
            qt[t - t0] = w;
            int32_t w0 = wpart(w, nparts(w, arch), 0);
            if (info && want != 0.0) {
                double got = ldexp((double)w, q->shift);
                info->n_weights++;
                info->n_weights_kept += (uint64_t)kept;
                if ((want > 0 ? got : -got) < 0.5 * fabs(want)) { /* less than half kept */
                    if (info->n_ex < NIR_QLOST_EX) {
                        info->ex[info->n_ex].src = tm->src;
                        info->ex[info->n_ex].dst = n;
                        info->ex[info->n_ex].want = want;
                        info->ex[info->n_ex].got = got;
                        info->n_ex++;
                    }
                    info->n_weights_lost++;
                }
            }
            if (abs(w0) > wbig)
                wbig = abs(w0);
            if (w > 0)
                sum_pos += (double)w;
            else
                sum_neg += (double)-w;
            int is_in;
            uint32_t idx, f, c;
            src_group(g, tm->src, &is_in, &idx, &f, &c);
            size_t j = 0;
            while (j < nk && !(keys[j].is_input == is_in && keys[j].idx == idx && keys[j].d == tm->d))
                j++;
            if (j == nk) {
                if (LOOM_GROW(keys, ck, nk + 1, 8)) {
                    free(keys);
                    free(qt);
                    return loom_fail(e, LOOM_E_NOMEM, "out of memory");
                }
                keys[nk].is_input = is_in;
                keys[nk].idx = idx;
                keys[nk].d = tm->d;
                keys[nk].count = 0;
                nk++;
            }
            keys[j].count++;
        }
        double b = ldexp(sum_pos > sum_neg ? sum_pos : sum_neg, q->shift);
        if (b > in_bound)
            in_bound = b;
    }
    if (info) {
        info->w_use = wbig / (double)loom_max_s(arch->w);
        info->in_bound = in_bound;
        info->sat_risk = in_bound > smax;
    }
    for (size_t j = 0; j < nk && st == LOOM_OK; j++) {
        const key *k = &keys[j];
        uint32_t sfirst, scount;
        if (k->is_input) {
            sfirst = g->input_first[k->idx];
            scount = (uint32_t)g->nodes[g->input_node[k->idx]].size;
        } else {
            sfirst = g->pops[k->idx].first;
            scount = g->pops[k->idx].count;
        }
        uint64_t cells = (uint64_t)scount * p->count;
        int dense = k->count * 2 >= cells && cells <= (1u << 22);
        int32_t *mat = NULL;
        if (dense && !(mat = calloc(cells, sizeof *mat))) {
            free(keys);
            free(qt);
            return loom_fail(e, LOOM_E_NOMEM, "out of memory");
        }
        for (uint32_t n = p->first; n < p->first + p->count && st == LOOM_OK; n++)
            for (size_t t = g->in_off[n]; t < g->in_off[n + 1]; t++) {
                const nir_term *tm = &g->in_terms[t];
                if (tm->d != k->d || SEIR_IS_INPUT(tm->src) != (k->is_input != 0))
                    continue;
                int is_in;
                uint32_t idx, f, c;
                src_group(g, tm->src, &is_in, &idx, &f, &c);
                if (idx != k->idx)
                    continue;
                int64_t w = qt[t - t0];
                int64_t parts = nparts(w, arch);
                uint32_t sidx = SEIR_SRC_INDEX(tm->src);
                for (int64_t pk = 0; pk < parts && st == LOOM_OK; pk++) {
                    int32_t wp = wpart(w, parts, pk);
                    if (dense && pk == 0)
                        mat[(size_t)(n - p->first) * scount + (sidx - sfirst)] = wp;
                    else if (wp != 0 && seir_add_syn(net, tm->src, n, wp, tm->d))
                        st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
                }
            }
        /* one block per destination group, so each block names whole
         * groups (or slices of one) when printed */
        for (uint32_t gi = 0; dense && st == LOOM_OK && gi < net->n_neuron_groups; gi++) {
            const seir_group *gr = &net->neuron_groups[gi];
            if (gr->first < p->first || gr->first >= p->first + p->count)
                continue;
            if (seir_add_dense(net, k->is_input, sfirst, scount, gr->first, gr->count, k->d,
                               mat + (size_t)(gr->first - p->first) * scount))
                st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
        }
        free(mat);
    }
    free(keys);
    free(qt);
    return st;
}

static int prof_eq(const seir_profile *a, const seir_profile *b)
{
    return a->a_syn == b->a_syn && a->a_mem == b->a_mem && a->theta == b->theta && a->v_reset == b->v_reset &&
           a->reset == b->reset && a->shift == b->shift;   /* bias: per neuron where it varies */
}

static loom_status add_pop_neurons(const nir_graph *g, const seir_arch *arch, seir_net *net, const nir_pop *p,
                                   const qpop *q, uint32_t budget, nir_qinfo *info, loom_err *e)
{
    seir_profile *prof = malloc(p->count * sizeof *prof);
    int32_t *pidx = malloc(p->count * sizeof *pidx);
    uint32_t np = 0;
    int32_t *made = malloc(p->count * sizeof *made); /* net profile index per distinct profile */
    seir_profile *uniq = malloc(p->count * sizeof *uniq);
    int32_t *init_i = malloc(p->count * sizeof *init_i);
    uint32_t *cls = malloc(p->count * sizeof *cls);
    char name[512];
    loom_status st = LOOM_OK;
    if (!prof || !pidx || !made || !uniq || !init_i || !cls) {
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
        goto done;
    }
    for (uint32_t k = 0; k < p->count; k++) {
        seir_profile *pr = &prof[k];
        seir_profile_default(pr);
        {
            double gain, c, fs, fm;
            neuron_coeffs(g, p, k, &gain, &c, &fs, &fm);
            pr->a_syn = decay_factor(fs);
            pr->a_mem = decay_factor(fm);
            pr->shift = q->shift;
            pr->bias = clamp_s(floor(q->sigma * c + 0.5), arch->s);
            if (info && c != 0.0) {
                info->n_biases++;
                if ((c > 0 ? (double)pr->bias : -(double)pr->bias) < 0.5 * fabs(q->sigma * c))
                    info->n_biases_lost++;
            }
            if (is_spiking(p->kind)) {
                pr->theta = clamp_s(floor(q->sigma * p->theta[k]) + 1, arch->s);
                pr->v_reset = clamp_s(floor(q->sigma * p->v_reset[k] + 0.5), arch->s);
                pr->reset = g->reset_subtract ? SEIR_RESET_SUBTRACT : SEIR_RESET_ZERO;
            } else {
                pr->theta = (int32_t)loom_max_s(arch->s);
                pr->v_reset = 0;
                pr->reset = SEIR_RESET_NONE;
            }
        }
        /* CubaLIF bias: the float current ramps up as 1 - a_syn^(t+1); an
         * initial i of minus the steady state, decaying with a_syn, gives
         * exactly that ramp on top of the profile bias. */
        double b = g->bias_u[p->first + k];
        init_i[k] = 0;
        if (p->kind == NIR_POP_CUBALIF && b != 0.0) {
            double cb = g->dt / p->tau[k] * p->r[k] * p->w_in[k] * b;
            init_i[k] = clamp_s(-floor(q->sigma * cb + 0.5), arch->s);
        }
    }
    /* per-neuron theta / v_reset / decays beyond the budget: clustered */
    uint32_t n_values = 0;
    if (nir_cluster_profiles(prof, p->count, budget, g->cl_mode ? g->cl_mode[p - g->pops] : 0, &n_values)) {
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
        goto done;
    }
    for (uint32_t k = 0; k < p->count; k++) {
        seir_profile *pr = &prof[k];
        uint32_t j = 0;
        while (j < np && !prof_eq(&uniq[j], pr))
            j++;
        if (j == np) {
            uniq[np] = *pr;
            if (np == 0)
                snprintf(name, sizeof name, "p_%s", p->name);
            else
                snprintf(name, sizeof name, "p_%s_%u", p->name, np);
            uniq[np].name = name;
            made[np] = seir_add_profile(net, &uniq[np]);
            uniq[np].name = NULL;
            if (made[np] < 0) {
                st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
                goto done;
            }
            np++;
        }
        pidx[k] = made[j];
        cls[k] = j;
    }
    if (info) {
        info->n_profiles = (int32_t)np;
        info->n_values = n_values;
    }
    /* a profile whose neurons have different biases keeps bias 0 and each
     * neuron its own (SEIR `bias`); one whose neurons agree keeps theirs */
    for (uint32_t k = 0; k < p->count; k++)
        if (prof[k].bias != uniq[cls[k]].bias)
            net->profiles[made[cls[k]]].bias = 0;
    /* groups: runs of equal profile */
    uint32_t runs = 0;
    for (uint32_t k = 0; k < p->count; k++)
        if (k == 0 || pidx[k] != pidx[k - 1])
            runs++;
    uint32_t run = 0;
    for (uint32_t k = 0; k < p->count;) {
        uint32_t end = k + 1;
        while (end < p->count && pidx[end] == pidx[k])
            end++;
        if (runs == 1)
            snprintf(name, sizeof name, "%s", p->name);
        else
            snprintf(name, sizeof name, "%s_%u", p->name, run);
        uint32_t cnt = end - k;
        int is_array = cnt > 1;
        if (seir_add_neurons(net, name, cnt, is_array, (uint32_t)pidx[k]) < 0) {
            st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
            goto done;
        }
        run++;
        k = end;
    }
    for (uint32_t k = 0; k < p->count; k++) {
        const int32_t own = prof[k].bias - net->profiles[pidx[k]].bias;
        if ((init_i[k] != 0 && seir_set_init(net, p->first + k, init_i[k], 0)) ||
            (own != 0 && seir_set_bias(net, p->first + k, own))) {
            st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
            goto done;
        }
    }
done:
    free(init_i);
    LOOM_FREE(cls, prof, pidx, made, uniq);
    return st;
}

loom_status nir_quantise(const nir_graph *g, const seir_arch *arch, seir_net **out, nir_qinfo *info, loom_err *e)
{
    *out = NULL;
    if (!g->in_off)
        return loom_fail(e, LOOM_E_INTERNAL, "%s: the graph has not been lowered", g->path);
    int8_t *adj = calloc(g->n_pops + 1, sizeof *adj);
    if (!adj)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    loom_status st = nir_qsearch(g, arch, adj, e);
    if (st == LOOM_OK)
        st = nir_quantise_adj(g, arch, adj, out, info, e);
    free(adj);
    return st;
}

loom_status nir_quantise_adj(const nir_graph *g, const seir_arch *arch, const int8_t *adj, seir_net **out,
                             nir_qinfo *info, loom_err *e)
{
    *out = NULL;
    loom_status st = seir_arch_check(arch, e);
    if (st)
        return st;
    if (!g->in_off)
        return loom_fail(e, LOOM_E_INTERNAL, "%s: the graph has not been lowered", g->path);
    seir_net *net = seir_net_new(arch);
    qpop *qs = calloc(g->n_pops + 1, sizeof *qs);
    if (!net || !qs) {
        seir_net_free(net);
        free(qs);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    for (uint32_t j = 0; j < g->n_input_nodes && st == LOOM_OK; j++) {
        const nir_node *n = &g->nodes[g->input_node[j]];
        char *nm = nir_safe_name(g, n->name, g->n_pops);
        if (!nm || seir_add_inputs(net, nm, (uint32_t)n->size, n->size > 1, SEIR_IN_SPIKE) < 0)
            st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
        free(nm);
    }
    uint32_t *budget = st == LOOM_OK ? calloc(g->n_pops + 1, sizeof *budget) : NULL;
    if (st == LOOM_OK && (!budget || nir_profile_budget(g, arch, budget)))
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
    for (uint32_t p = 0; p < g->n_pops && st == LOOM_OK; p++) {
        const nir_pop *pp = &g->pops[p];
        choose_scale(g, arch, pp, adj ? adj[p] : 0, &qs[p], info ? &info[p] : NULL);
        st = add_pop_neurons(g, arch, net, pp, &qs[p], budget[p], info ? &info[p] : NULL, e);
    }
    for (uint32_t p = 0; p < g->n_pops && st == LOOM_OK; p++)
        st = emit_synapses(g, arch, net, &g->pops[p], &qs[p], info ? &info[p] : NULL, e);
    for (uint32_t p = 0; p < g->n_pops && st == LOOM_OK; p++) {
        const nir_pop *pp = &g->pops[p];
        if (!pp->is_output)
            continue;
        for (uint32_t k = 0; k < pp->count && st == LOOM_OK; k++)
            if (seir_add_output(net, pp->first + k, pp->out_v ? SEIR_OUT_V : SEIR_OUT_SPIKE))
                st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    free(qs);
    free(budget);
    if (st) {
        seir_net_free(net);
        return st;
    }
    if (net->n_neurons != g->n_neurons || net->n_inputs != g->n_inputs) {
        seir_net_free(net);
        return loom_fail(e, LOOM_E_INTERNAL, "%s: quantised numbering differs from the graph's", g->path);
    }
    *out = net;
    return LOOM_OK;
}
