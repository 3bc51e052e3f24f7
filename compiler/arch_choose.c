/*
 * arch_choose.c -- the arch config of a build chosen from its model
 * (arch_choose.h).
 *
 * The resource model follows the memories of rtl/loom_core.v and
 * rtl/loom_array.v one by one (docs/boards.md, "What limits the
 * icebreaker"): with SP=1 the ring (N << RB words of A bits) and the
 * synapse pairs (SYN + N words of NB + W + RB bits, two to a word) are
 * single-ported loom_spram memories, which yosys puts into SPRAMs on the
 * UP5K (16K x 16 each) and into block RAM elsewhere; every other memory
 * (i, v, spike list, profile indices, level/profile table, output banks,
 * fan-out index, input list; the link's two rings; the boot ROM) is block
 * RAM.  With SP=1 and S > 16, i and v are a 16-bit and an (S-16)-bit RAM
 * each and the level table two halves of at most 16 bits; synapse words
 * wider than 24 bits are stored one to a RAM word.  Checked against the
 * measured builds: the icebreaker's generic arch (W=12 S=20 A=20, 15,360
 * synapses) takes 30 of 30 block RAMs and 4 of 4 SPRAMs; before the split
 * RAMs, W=8 S=16 A=16 took 28 and 4, S=18 32 block RAMs and A=24 a fifth
 * SPRAM, and the Braille net's chosen arch (W=10 S=20 A=20,
 * 64 neurons, D=1) 19 block RAMs and 3 SPRAMs (tests/unit/test_arch_choose.c).
 * Logic and DSP blocks are estimates calibrated on icebreaker builds
 * (4,395 logic cells and 4 DSPs at W=8 S=16 A=16; 6 DSPs at S=18; 4,825
 * cells and 5 DSPs at W=10 S=20 A=20, 4,325 cells, 6 DSPs, 22 block RAMs
 * and 3 SPRAMs at W=16 S=24 A=16, both with the Braille net's tables).
 */
#include "arch_choose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map_fit.h"
#include "mapper.h"

/* ---- resources -------------------------------------------------------------- */

static uint32_t clog2(uint64_t x)
{
    uint32_t b = 0;
    while ((1ull << b) < x)
        b++;
    return b;
}

static uint32_t bits_of(uint32_t n) /* the RTL's (n < 2) ? 1 : $clog2(n) */
{
    return n < 2 ? 1 : clog2(n);
}

static uint32_t cdiv(uint64_t a, uint64_t b)
{
    return (uint32_t)((a + b - 1) / b);
}

uint32_t arch_ebr_blocks(uint32_t depth, uint32_t width)
{
    static const uint32_t cfg[4][2] = {{256, 16}, {512, 8}, {1024, 4}, {2048, 2}};
    if (depth == 0 || width == 0)
        return 0;
    uint32_t best = UINT32_MAX;
    for (int k = 0; k < 4; k++) {
        uint32_t n = cdiv(depth, cfg[k][0]) * cdiv(width, cfg[k][1]);
        if (n < best)
            best = n;
    }
    return best;
}

uint32_t arch_spram_blocks(uint32_t depth, uint32_t width)
{
    if (depth == 0 || width == 0)
        return 0;
    return cdiv(depth, 16384) * cdiv(width, 16);
}

/* A loom_spram memory: SPRAM where yosys' memory mapper finds it cheaper
 * than block RAM (its ice40 costs: 2,048 per SPRAM, 64 per block RAM), else
 * block RAM. */
static void single_port_ram(int has_spram, uint32_t depth, uint32_t width, uint32_t *ebr, uint32_t *spram)
{
    const uint32_t nb = arch_ebr_blocks(depth, width), ns = arch_spram_blocks(depth, width);
    if (has_spram && (uint64_t)ns * 2048 < (uint64_t)nb * 64)
        *spram += ns;
    else
        *ebr += nb;
}

/* The profile index and the level/profile table: yosys builds them from
 * logic when they hold at most 128 bits (measured: 64 x 1 and 6 x 20 went
 * to logic, 1,024 x 4 and 256 x 16 to block RAM). */
static void small_ram(uint32_t depth, uint32_t width, uint32_t *ebr, uint32_t *logic_bits)
{
    if ((uint64_t)depth * width <= 128)
        *logic_bits += depth * width;
    else
        *ebr += arch_ebr_blocks(depth, width);
}

void arch_resources(const board_info *b, const arch_config *c, arch_res *r)
{
    memset(r, 0, sizeof *r);
    const limg_arch *a = &c->arch;
    const uint32_t N = a->neurons, S = (uint32_t)a->arch.s, A = (uint32_t)a->arch.a,
                   W = (uint32_t)a->arch.w, D = (uint32_t)a->arch.d, P = a->profiles,
                   LMAX = a->levels, MAXIN = a->max_inputs, SYN = a->syn_words, K = a->cores;
    const uint32_t RB = D + 1 < 2 ? 1 : clog2(D + 1), NB = bits_of(N), SB = bits_of(SYN),
                   PB = bits_of(P), NW = (N + 31) / 32, OB = NW < 2 ? 1 : clog2(NW);
    const uint32_t YW = NB + W + RB, FAN = MAXIN + K * N, LW = S > NB + 1 ? S : NB + 1;
    const int sp = c->single_port != 0, has_spram = b->sprams > 0;
    uint32_t ebr = 0, spram = 0, logic_bits = 0;
    /* per core */
    small_ram(N, PB, &ebr, &logic_bits);                 /* u_pidx */
    if (sp && S > 16) /* u_i, u_v: a 16-bit and an (S-16)-bit RAM each */
        ebr += 2 * (arch_ebr_blocks(N, 16) + arch_ebr_blocks(N, S - 16));
    else
        ebr += 2 * arch_ebr_blocks(N, S);                /* u_i, u_v */
    ebr += arch_ebr_blocks(N, NB);                       /* u_spk */
    ebr += arch_ebr_blocks(FAN / 2 + 1, SB + 1);         /* u_fo_even */
    ebr += arch_ebr_blocks((FAN + 1) / 2, SB + 1);       /* u_fo_odd */
    if (sp) {
        const uint32_t LTD = LMAX + 2 * P, ODP = (2u << OB) + P;
        /* the level table in halves of at most 16 bits (theta's and
         * v_reset's high bits in the half the other field leaves free) */
        const uint32_t hlo = S > 16 ? 16 : S, llw = hlo > NB + 1 ? hlo : NB + 1;
        small_ram(LTD, llw, &ebr, &logic_bits);                    /* u_lvl_lo */
        small_ram(LTD, hlo, &ebr, &logic_bits);                    /* u_lvl_hi */
        ebr += 2 * arch_ebr_blocks(ODP, 16);                       /* u_out_lo, u_out_hi */
        const int bsyn = YW >= S;
        const uint32_t sw = SYN + (bsyn ? N : 0);
        if (!bsyn)
            ebr += arch_ebr_blocks(N, S); /* u_nb */
        if (2 * YW <= 48) /* u_syn: two words to a RAM word, or one when wider */
            single_port_ram(has_spram, (sw + 1) / 2, 2 * YW, &ebr, &spram);
        else
            single_port_ram(has_spram, sw, YW, &ebr, &spram);
        single_port_ram(has_spram, N << RB, A, &ebr, &spram);           /* u_ring */
    } else {
        ebr += arch_ebr_blocks(LMAX + P, LW);                /* u_lvl (profiles in flip-flops) */
        ebr += arch_ebr_blocks(2u << OB, 32);                /* u_out */
        ebr += arch_ebr_blocks(SYN, YW) + arch_ebr_blocks(N, S); /* u_syn, u_nb */
        ebr += c->ring_banked ? (D + 1) * arch_ebr_blocks(N, A) : arch_ebr_blocks(N << RB, A);
    }
    ebr *= K;
    logic_bits *= K;
    ebr += arch_ebr_blocks(2 * MAXIN, 16 + bits_of(MAXIN)); /* u_inlist */
    ebr += 2;                                               /* the link's receive and send rings */
    if (b->boot_bytes)
        ebr += arch_ebr_blocks(b->boot_bytes / 2, 16);      /* boot ROM */
    r->bram = ebr;
    r->spram = spram;
    /* estimates (module comment): multipliers on DSPs where the part has them */
    const int sd = (int)S - 16, ad = (int)A - 16, wd = (int)W - 8;
    if (b->dsps) {
        /* 4 at W=8 S=16 A=16, 6 at S=18 A=16, 5 at W=10 S=20 A=20 (with
         * A > 16 the input shift leaves its multiplier) */
        r->dsp = K * (4u + (S > 16 ? 2u : 0u) - (A > 16 ? 1u : 0u));
        /* logic cells: 4,395 at W=8 S=16 A=16 (1,024 neurons), 4,401 at
         * S=18, 4,325 at W=16 S=24 A=16 (64 neurons), 4,734 at W=12 S=20
         * A=20 (1,024 neurons, the input shift as one barrel shifter): the
         * widths cost little while A <= 16; above, the input shift in logic
         * costs about 200 + 20 per bit; tables in logic about a cell per two
         * bits */
        long l = 4395 + (long)K * (8L * wd + 5L * sd + (A > 16 ? 200L + 20L * ad : 0L) + logic_bits / 2) +
                 3000L * ((long)K - 1);
        r->luts = l < 0 ? 0 : (uint32_t)l;
    } else {
        /* no DSPs: the core's three multipliers in logic (about 1,560 LUT4
         * at W=8 S=16 A=24, docs/boards.md) grow with their widths; 5,866
         * cells measured for the hx8k-breakout's generic arch */
        long l = 5866 + (long)K * (90L * wd + 60L * sd + 60L * ((int)A - 24) + logic_bits / 2) +
                 4500L * ((long)K - 1);
        r->luts = l < 0 ? 0 : (uint32_t)l;
    }
}

static void add_why(char *buf, size_t len, size_t *at, const char *what, uint32_t need, uint32_t have)
{
    if (!buf || !len)
        return;
    int w = snprintf(buf + *at, len - *at, "%s%s %u > %u", *at ? "; " : "", what, need, have);
    if (w > 0 && (size_t)w < len - *at)
        *at += (size_t)w;
}

int arch_fits(const board_info *b, const arch_config *c, arch_res *r, char *why, size_t len)
{
    arch_res tmp;
    if (!r)
        r = &tmp;
    arch_resources(b, c, r);
    size_t at = 0;
    if (why && len)
        why[0] = 0;
    int ok = 1;
    if (r->bram > b->brams) {
        add_why(why, len, &at, "block RAM", r->bram, b->brams);
        ok = 0;
    }
    if (r->spram > b->sprams) {
        add_why(why, len, &at, "SPRAM", r->spram, b->sprams);
        ok = 0;
    }
    if (r->dsp > b->dsps) {
        add_why(why, len, &at, "DSP", r->dsp, b->dsps);
        ok = 0;
    }
    if (r->luts > b->luts) {
        add_why(why, len, &at, "logic cells (estimate)", r->luts, b->luts);
        ok = 0;
    }
    if (b->sprams && c->arch.arch.a > 20) {
        /* timing: with A > 16 the input shift leaves its DSP for logic
         * (rtl/loom_core.v g_shift_lut: one barrel shifter, overflow a bit
         * test), measured on the UP5K up to A = 20 (W=12 S=20 A=20: Fmax
         * 27.8 MHz; two shifters and comparators had given 21.1 MHz at
         * W=10 S=20 A=20); wider accumulators are not measured */
        if (why && len) {
            int w = snprintf(why + at, len - at, "%stiming: A %d > 20, the widest input shift in logic "
                             "measured to meet %.0f MHz", at ? "; " : "", c->arch.arch.a,
                             b->clock_mhz);
            if (w > 0 && (size_t)w < len - at)
                at += (size_t)w;
        }
        ok = 0;
    }
    return ok;
}

/* ---- needs and table sizes ------------------------------------------------------ */

static uint32_t pow2_at_least(uint64_t x, uint32_t lo)
{
    uint64_t p = 1;
    while (p < x || p < lo)
        p <<= 1;
    return (uint32_t)p;
}

loom_status arch_need_of(const seir_net *net, uint32_t cores, arch_need *n, loom_err *e)
{
    memset(n, 0, sizeof *n);
    for (size_t k = 0; k < net->n_syn; k++)
        if (net->syn[k].d > n->max_delay)
            n->max_delay = net->syn[k].d;
    for (size_t k = 0; k < net->n_ring_init; k++) /* pending input for step `slot` needs a ring that deep */
        if (net->ring_init[k].slot > n->max_delay)
            n->max_delay = net->ring_init[k].slot;
    /* a roomy config at the net's widths: every table as large as the
     * packing rules of limg_arch_check allow */
    limg_arch a = {.arch = net->arch, .cores = cores ? cores : 1, .profiles = 32, .levels = 32768,
                   .syn_words = 65536};
    /* the ring only as deep as the synapses' delays (a net declared at a
     * larger D maps unchanged: no synapse needs a relay), so that the
     * neuron table can take its largest size */
    a.arch.d = (int)(pow2_at_least((uint64_t)n->max_delay + 1, 2) - 1);
    const uint32_t rb = limg_ring_log2(&a);
    uint32_t nb = 13;
    while (nb > 1 && (nb + (uint32_t)a.arch.w + rb > 31 || (1u << nb << rb) > 65536))
        nb--;
    a.neurons = 1u << nb;
    uint64_t in = 65534 - (uint64_t)a.cores * a.neurons;
    a.max_inputs = (uint32_t)(in > 65536 ? 65536 : in);
    map_result *mr = NULL;
    loom_status st = map_fit_explain(map_net(net, &a, &mr, e), net, &a, e);
    if (st)
        return st;
    for (uint32_t k = 0; k < a.cores; k++) {
        if (mr->core_used[k] > n->neurons)
            n->neurons = mr->core_used[k];
        if (mr->core_syn[k] > n->syn_words)
            n->syn_words = mr->core_syn[k];
        if (mr->core_profiles[k] > n->profiles)
            n->profiles = mr->core_profiles[k];
    }
    n->levels = mr->n_levels;
    n->inputs = mr->n_inputs;
    map_free(mr);
    return LOOM_OK;
}

void arch_shrink(const board_info *b, const seir_arch *w, const arch_need *n, arch_config *out)
{
    memset(out, 0, sizeof *out);
    out->name = "chosen";
    out->eq = b->eq;
    out->single_port = b->single_port;
    limg_arch *a = &out->arch;
    a->arch = *w;
    a->arch.d = (int)(pow2_at_least((uint64_t)n->max_delay + 1, 1) - 1);
    a->cores = b->arch.cores;
    a->neurons = pow2_at_least(n->neurons, 2);
    a->profiles = pow2_at_least(n->profiles, 1);
    a->levels = pow2_at_least(n->levels, 1);
    a->max_inputs = pow2_at_least(n->inputs, 1);
    uint32_t syn = pow2_at_least(n->syn_words, 2);
    a->syn_words = syn > 65536 ? 65536 : syn;
    arch_res r;
    arch_resources(b, out, &r);
    if (b->sprams && b->single_port && r.bram > b->brams) {
        /* the synapse pairs (with the biases) in block RAM do not fit: fill
         * the rows of SPRAMs they need instead, which the memory mapper then
         * takes (a part-filled SPRAM costs it as much as a full one) */
        const uint64_t row = 2 * 16384;
        uint64_t rows = ((uint64_t)n->syn_words + a->neurons + row - 1) / row;
        if (rows * row > a->neurons && rows * row - a->neurons <= 65536 &&
            rows * row - a->neurons >= n->syn_words)
            a->syn_words = (uint32_t)(rows * row - a->neurons);
    }
}

/* ---- exact narrow widths -------------------------------------------------------- */

static int bits_signed(int64_t m) /* the fewest bits B with [-m, m] inside [-2^(B-1), 2^(B-1) - 1] */
{
    int b = 1;
    while (((int64_t)1 << (b - 1)) - 1 < m)
        b++;
    return b;
}

static int64_t abs64(int64_t x)
{
    return x < 0 ? -x : x;
}

int arch_exact_widths(const seir_net *net, seir_arch *w, char *why, size_t len)
{
    const uint32_t N = net->n_neurons;
    int64_t *acc = calloc(N ? N : 1, sizeof *acc);
    if (!acc)
        return -1;
    int64_t wmax = 0, amax = 0, smax = 0;
    for (size_t k = 0; k < net->n_syn; k++) {
        const seir_syn *y = &net->syn[k];
        const int64_t x = SEIR_IS_INPUT(y->src) ? seir_input_xmax(net, SEIR_SRC_INDEX(y->src)) : 1;
        acc[y->dst] += abs64(y->w) * x;
        if (abs64(y->w) > wmax)
            wmax = abs64(y->w);
    }
    for (size_t k = 0; k < net->n_ring_init; k++)
        acc[net->ring_init[k].neuron] += abs64(net->ring_init[k].value);
    int ok = 1;
    for (uint32_t n = 0; n < N && ok; n++) {
        const seir_profile *p = &net->profiles[net->neuron_profile[n]];
        if (p->a_syn != 0 || p->a_mem != 0) {
            /* a decay keeps state from step to step: no bound short of the
             * widths the model was compiled at */
            snprintf(why, len, "neuron %u (profile %s) carries i or v from step to step (a_syn %d, a_mem %d)",
                     n, p->name ? p->name : "?", p->a_syn, p->a_mem);
            ok = 0;
            break;
        }
        if (acc[n] > amax)
            amax = acc[n];
        /* in = shift(a); with no decay i = in and v = i + bias */
        const int64_t in = p->shift >= 0 ? acc[n] << p->shift : (acc[n] >> -p->shift) + 1;
        const int64_t bias = abs64((int64_t)p->bias + (net->neuron_bias ? net->neuron_bias[n] : 0));
        int64_t v = in + bias;
        int64_t m = v;
        if (p->reset == SEIR_RESET_SUBTRACT && v + abs64(p->theta) > m)
            m = v + abs64(p->theta);
        const int64_t f[] = {in, abs64(p->theta), abs64(p->v_reset), abs64(p->bias), bias,
                             net->init_i ? abs64(net->init_i[n]) : 0, net->init_v ? abs64(net->init_v[n]) : 0};
        for (size_t q = 0; q < sizeof f / sizeof f[0]; q++)
            if (f[q] > m)
                m = f[q];
        if (m > smax)
            smax = m;
    }
    free(acc);
    if (!ok)
        return 0;
    w->w = bits_signed(wmax);
    w->s = bits_signed(smax);
    w->a = bits_signed(amax);
    if (w->w < 2)
        w->w = 2;
    if (w->s < ARCH_EXACT_MIN_S)
        w->s = ARCH_EXACT_MIN_S;
    if (w->a < ARCH_EXACT_MIN_A)
        w->a = ARCH_EXACT_MIN_A;
    if (w->a + 15 < w->s)
        w->a = w->s - 15;
    w->d = net->arch.d;
    snprintf(why, len, "weights up to %lld, states within +-%lld, accumulators up to %lld", (long long)wmax,
             (long long)smax, (long long)amax);
    return 1;
}

/* ---- the ladder ---------------------------------------------------------------- */

/* Widths in order of cost (the memories grow with S twice -- i and v --,
 * with A once and with W once): sorted by 2S + A + W, then S.  Includes
 * the boards' own widths (8, 16, 16) and (8, 16, 24). */
static const int ladder[][3] = {
    {8, 16, 16},  {8, 16, 20},  {8, 18, 16},  {8, 16, 24},  {8, 18, 20},  {8, 20, 16},
    {10, 16, 24}, {10, 20, 16}, {8, 18, 24},  {8, 20, 20},  {12, 20, 16}, {10, 18, 24},
    {10, 20, 20}, {12, 22, 16}, {8, 20, 24},  {12, 20, 20}, {10, 20, 24}, {12, 24, 16},
    {12, 20, 24}, {16, 24, 16}, {12, 22, 24}, {12, 24, 24}, {16, 24, 24}, {12, 24, 32},
    {16, 24, 32}, {16, 32, 32},
};
#define N_LADDER (sizeof ladder / sizeof ladder[0])

unsigned arch_ladder_count(void)
{
    return (unsigned)N_LADDER;
}

seir_arch arch_ladder_at(unsigned i)
{
    seir_arch a = {0};
    if (i < N_LADDER) {
        a.w = ladder[i][0];
        a.s = ladder[i][1];
        a.a = ladder[i][2];
    }
    return a;
}

/* ---- the choice ---------------------------------------------------------------- */

char *arch_config_str(const arch_config *c, char *buf, size_t len)
{
    const limg_arch *a = &c->arch;
    snprintf(buf, len, "W=%d S=%d A=%d D=%d cores=%u neurons=%u syn_words=%u profiles=%u levels=%u inputs=%u",
             a->arch.w, a->arch.s, a->arch.a, a->arch.d, a->cores, a->neurons, a->syn_words, a->profiles,
             a->levels, a->max_inputs);
    return buf;
}

/* Copies src into dst (len bytes), cut when longer. */
static void copy_str(char *dst, size_t len, const char *src)
{
    size_t n = strlen(src);
    if (n >= len)
        n = len - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static int holds(const limg_arch *a, const arch_need *n)
{
    return n->neurons <= a->neurons && n->syn_words <= a->syn_words && n->profiles <= a->profiles &&
           n->levels <= a->levels && n->inputs <= a->max_inputs && (int)n->max_delay <= a->arch.d;
}

static void set_used(const board_info *b, arch_choice *out)
{
    if (b->fw_ram_bytes) /* the array runs as firmware: the RTL's memories are not there */
        memset(&out->used, 0, sizeof out->used);
    else
        arch_resources(b, &out->cfg, &out->used);
    out->total = (arch_res){.bram = b->brams, .spram = b->sprams, .dsp = b->dsps, .luts = b->luts};
}

/* Candidate widths w with the board's D: measured, needs, shrunk, checked.
 * *ok: 1 when it reaches the target and fits (cfg filled); else why. */
static loom_status try_widths(const board_info *b, double target, seir_arch w, arch_measure_fn fn,
                              void *ctx, arch_config *cfg, arch_need *need, double *ag, int *ok,
                              int *fits, char *why, size_t len, loom_err *e)
{
    *ok = 0;
    *fits = 0;
    why[0] = 0;
    w.d = b->arch.arch.d;
    const seir_net *net = NULL;
    loom_status st = fn(ctx, &w, &net, ag, e);
    if (st)
        return st;
    if ((st = arch_need_of(net, b->arch.cores, need, e)))
        return st;
    arch_shrink(b, &net->arch, need, cfg);
    loom_err e2;
    if (limg_arch_check(&cfg->arch, &e2) != LOOM_OK)
        copy_str(why, len, e2.msg);
    else
        *fits = arch_fits(b, cfg, NULL, why, len);
    if (*ag >= 0 && *ag < target) {
        snprintf(why, len, "agreement %.4f < %.2f", *ag, target);
        return LOOM_OK;
    }
    *ok = *fits;
    return LOOM_OK;
}

/* The cheapest config of board b that holds need at widths w: the tables
 * shrunk to it, D and A raised where that moves the ring into SPRAM (the
 * memory mapper takes SPRAM only for deep enough, wide enough memories).
 * 1 when one fits (*best, *note says what was raised), else 0 with why for
 * the plain shrink. */
static int cheapest_fit(const board_info *b, const seir_arch *w, const arch_need *need, arch_config *best,
                        char *note, size_t nlen, char *why, size_t len)
{
    static const int dl[] = {-1, 1, 3, 7, 15};
    const int al[] = {w->a, 16, 20};
    int found = 0;
    arch_res br = {0};
    note[0] = 0;
    why[0] = 0;
    for (size_t i = 0; i < sizeof dl / sizeof dl[0]; i++) {
        if (dl[i] >= 0 && (dl[i] <= (int)need->max_delay || dl[i] > b->arch.arch.d))
            continue;
        for (size_t j = 0; j < sizeof al / sizeof al[0]; j++) {
            if (j && al[j] <= w->a)
                continue;
            arch_need n2 = *need;
            if (dl[i] >= 0)
                n2.max_delay = (uint32_t)dl[i];
            seir_arch w2 = *w;
            w2.a = al[j];
            arch_config cfg;
            arch_shrink(b, &w2, &n2, &cfg);
            loom_err e2;
            arch_res r;
            char why2[160];
            int ok = limg_arch_check(&cfg.arch, &e2) == LOOM_OK;
            if (!ok)
                copy_str(why2, sizeof why2, e2.msg);
            else
                ok = arch_fits(b, &cfg, &r, why2, sizeof why2);
            if (i == 0 && j == 0)
                copy_str(why, len, why2);
            if (ok && (!found || r.bram < br.bram || (r.bram == br.bram && r.spram < br.spram))) {
                found = 1;
                br = r;
                *best = cfg;
                if (i == 0 && j == 0)
                    note[0] = 0;
                else
                    snprintf(note, nlen, "; D=%d A=%d (more than the model needs) put the ring into SPRAM",
                             cfg.arch.arch.d, cfg.arch.arch.a);
            }
        }
    }
    return found;
}

/* A model without an agreement figure (arch_choose.h): the narrowest
 * widths that run it exactly when every neuron is memoryless, else its own
 * widths; the tables shrunk to it.  net (at the generic widths) is not
 * used after fn is called again. */
static loom_status choose_exact(const board_info *b, arch_measure_fn fn, void *ctx, const seir_net *net,
                                const arch_need *need, const char *glim, arch_choice *out, loom_err *e)
{
    char arch[256], why0[160], note[160], ex_why[160], raised[96];
    /* the tables shrunk at the model's own widths (today's fallback) */
    arch_config cfg0;
    const seir_arch own = net->arch;
    const int fits0 = cheapest_fit(b, &own, need, &cfg0, raised, sizeof raised, why0, sizeof why0);
    if (!fits0)
        arch_shrink(b, &own, need, &cfg0);
    seir_arch wn;
    const int ex = arch_exact_widths(net, &wn, ex_why, sizeof ex_why);
    if (ex < 0)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    arch_config cfg1;
    char why1[160] = "";
    int fits1 = 0, tried1 = 0;
    arch_need need1;
    if (ex == 1 && (wn.w < own.w || wn.s < own.s || wn.a < own.a)) {
        seir_arch req = wn;
        req.d = b->arch.arch.d;
        const seir_net *n1 = NULL;
        double ag1 = -1;
        loom_err e2;
        seir_arch w1;
        /* compiled at those widths (the model must take them) and shown
         * exact there too */
        if (fn(ctx, &req, &n1, &ag1, &e2) == LOOM_OK && n1->arch.w == req.w && n1->arch.s == req.s &&
            n1->arch.a == req.a && arch_exact_widths(n1, &w1, note, sizeof note) == 1 && w1.w <= req.w &&
            w1.s <= req.s && w1.a <= req.a && arch_need_of(n1, b->arch.cores, &need1, &e2) == LOOM_OK) {
            tried1 = 1;
            out->tried++;
            fits1 = cheapest_fit(b, &req, &need1, &cfg1, raised, sizeof raised, why1, sizeof why1);
            if (!fits1)
                arch_shrink(b, &req, &need1, &cfg1);
        }
    }
    if (tried1 && fits1) {
        out->cfg = cfg1;
        out->need = need1;
        set_used(b, out);
        snprintf(out->reason, sizeof out->reason,
                 "no agreement to reach; the generic arch does not hold the model; W=%d S=%d A=%d are the "
                 "narrowest widths that run it exactly (%s)%s; tables shrunk to it",
                 wn.w, wn.s, wn.a, ex_why, raised);
        return LOOM_OK;
    }
    if (fits0) {
        out->cfg = cfg0;
        set_used(b, out);
        snprintf(out->reason, sizeof out->reason,
                 "no agreement to reach; the generic arch does not hold the model; the smallest tables that "
                 "do at its widths%s%s%s", ex == 1 ? "" : " (", ex == 1 ? "" : ex_why, ex == 1 ? "" : ")");
        return LOOM_OK;
    }
    const arch_config *c = tried1 ? &cfg1 : &cfg0;
    out->cfg = *c;
    set_used(b, out);
    loom_err e2;
    if (limg_arch_check(&c->arch, &e2) != LOOM_OK)
        return loom_fail(e, LOOM_E_CAPACITY, "no arch of board %s holds the model: %s%s%s", b->name, glim,
                         glim[0] ? "; " : "", e2.msg);
    return loom_fail(e, LOOM_E_CAPACITY,
                     "does not fit board %s: %s%sthe smallest arch that holds it (%s) needs %s", b->name, glim,
                     glim[0] ? "; " : "", arch_config_str(c, arch, sizeof arch), tried1 ? why1 : why0);
}

loom_status arch_choose(const board_info *b, double target, const seir_arch *forced,
                        arch_measure_fn fn, void *ctx, arch_choice *out, loom_err *e)
{
    memset(out, 0, sizeof *out);
    out->target = target;
    out->agreement = -1;
    char arch[256], why[160];
    /* the board's generic arch first */
    seir_arch gw = b->arch.arch;
    if (forced) {
        gw = *forced;
        gw.d = b->arch.arch.d;
    }
    const seir_net *net = NULL;
    double ag = -1;
    loom_status st = fn(ctx, &gw, &net, &ag, e);
    if (st)
        return st;
    /* every limit of the generic arch the model exceeds, for the refusals */
    char glim[512] = "limits exceeded: ";
    const size_t gl = strlen(glim);
    if (map_fit_limits(net, &b->arch, glim + gl, sizeof glim - gl) <= 0)
        glim[0] = 0;
    arch_need need;
    st = arch_need_of(net, b->arch.cores, &need, e);
    if (st == LOOM_E_CAPACITY && glim[0]) /* nothing holds it: the board's limits say by how much */
        return loom_fail(e, LOOM_E_CAPACITY, "does not fit board %s: %s (and no table sizes of the array hold it)",
                         b->name, glim);
    if (st)
        return st;
    out->need = need;
    out->agreement = ag;
    out->tried = 1;
    /* the generic arch holds the model: its tables do, and the model is
     * compiled at its widths (a SEIR file brings its own) */
    const int gen_holds = holds(&b->arch, &need) && net->arch.w == b->arch.arch.w &&
                          net->arch.s == b->arch.arch.s && net->arch.a == b->arch.arch.a;
    if (b->fw_ram_bytes) { /* the firmware implements one arch */
        out->cfg = (arch_config){.name = "generic", .arch = b->arch, .eq = b->eq, .single_port = b->single_port};
        out->generic = 1;
        set_used(b, out);
        if (!gen_holds)
            return loom_fail(e, LOOM_E_CAPACITY, "does not fit board %s (%s)%s%s", b->name,
                             limg_arch_str(&b->arch, arch, sizeof arch), glim[0] ? ": " : "", glim);
        snprintf(out->reason, sizeof out->reason, "board %s runs its firmware's arch", b->name);
        return LOOM_OK;
    }
    if (forced) {
        out->forced = 1;
        arch_shrink(b, &net->arch, &need, &out->cfg);
        if (gen_holds && !memcmp(&net->arch, &b->arch.arch, sizeof net->arch)) {
            out->cfg = (arch_config){.name = "generic", .arch = b->arch, .eq = b->eq, .single_port = b->single_port};
            out->generic = 1;
        }
        set_used(b, out);
        loom_err e2;
        if (limg_arch_check(&out->cfg.arch, &e2) != LOOM_OK)
            return loom_fail(e, LOOM_E_ARG, "--arch W=%d S=%d A=%d: %s", gw.w, gw.s, gw.a, e2.msg);
        if (!arch_fits(b, &out->cfg, NULL, why, sizeof why))
            return loom_fail(e, LOOM_E_CAPACITY, "--arch W=%d S=%d A=%d does not fit the %s (%s): %s",
                             gw.w, gw.s, gw.a, b->device, arch_config_str(&out->cfg, arch, sizeof arch), why);
        snprintf(out->reason, sizeof out->reason, "--arch W=%d S=%d A=%d given%s", gw.w, gw.s, gw.a,
                 out->generic ? " (the board's generic arch)" : "; tables shrunk to the model");
        return LOOM_OK;
    }
    if (gen_holds && (ag < 0 || ag >= target)) {
        out->cfg = (arch_config){.name = "generic", .arch = b->arch, .eq = b->eq, .single_port = b->single_port};
        out->generic = 1;
        set_used(b, out);
        if (ag < 0)
            snprintf(out->reason, sizeof out->reason,
                     "the board's generic arch holds the model (no agreement to reach)");
        else
            snprintf(out->reason, sizeof out->reason,
                     "the board's generic arch holds the model and reaches agreement %.4f >= %.2f", ag, target);
        return LOOM_OK;
    }
    if (ag < 0) /* no agreement to reach */
        return choose_exact(b, fn, ctx, net, &need, glim, out, e);
    /* the ladder: first that reaches the target and fits */
    double best = ag, best_fit = gen_holds ? ag : -1;
    seir_arch best_w = net->arch, best_fit_w = net->arch;
    char best_why[160] = "", last_why[160];
    snprintf(last_why, sizeof last_why, gen_holds ? "agreement %.4f < %.2f" : "does not hold the model",
             ag, target);
    seir_arch last_w = net->arch;
    double last_ag = ag;
    int have_last = 1;
    for (unsigned i = 0; i < N_LADDER; i++) {
        seir_arch w = arch_ladder_at(i);
        arch_config cfg;
        int ok = 0;
        double a2 = -1;
        loom_err e2;
        int fits = 0;
        st = try_widths(b, target, w, fn, ctx, &cfg, &need, &a2, &ok, &fits, why, sizeof why, &e2);
        if (!st && fits && a2 > best_fit) {
            best_fit = a2;
            best_fit_w = w;
        }
        out->tried++;
        if (st == LOOM_E_NOMEM) {
            *e = e2;
            return st;
        }
        if (st) { /* this candidate cannot hold the model: say so and go on */
            copy_str(why, sizeof why, e2.msg);
            a2 = -1;
        }
        if (!st && a2 > best) {
            best = a2;
            best_w = w;
            copy_str(best_why, sizeof best_why, why);
        }
        if (ok) {
            out->cfg = cfg;
            out->need = need;
            out->agreement = a2;
            out->have_smaller = have_last;
            out->smaller = last_w;
            out->smaller_agreement = last_ag;
            copy_str(out->smaller_why, sizeof out->smaller_why, last_why);
            set_used(b, out);
            snprintf(out->reason, sizeof out->reason,
                     "the first widths of the ladder that reach agreement %.4f >= %.2f and fit the %s",
                     a2, target, b->device);
            return LOOM_OK;
        }
        last_w = w;
        last_ag = a2;
        copy_str(last_why, sizeof last_why, why);
    }
    char fit_note[96] = "";
    if (best_fit >= 0)
        snprintf(fit_note, sizeof fit_note, "; the best that fits reaches %.4f (W=%d S=%d A=%d)", best_fit,
                 best_fit_w.w, best_fit_w.s, best_fit_w.a);
    if (best >= target)
        return loom_fail(e, LOOM_E_CAPACITY,
                         "does not fit board %s: %s%sno arch for this model fits the %s: agreement %.4f is "
                         "reached at W=%d S=%d A=%d, which needs %s%s", b->name, glim, glim[0] ? "; " : "",
                         b->device, best, best_w.w, best_w.s, best_w.a,
                         best_why[0] ? best_why : "more than the part has", fit_note);
    return loom_fail(e, LOOM_E_CAPACITY,
                     "no arch reaches agreement %.2f on the %s: the best is %.4f at W=%d S=%d A=%d%s%s%s%s",
                     target, b->device, best, best_w.w, best_w.s, best_w.a, best_why[0] ? " (" : "",
                     best_why, best_why[0] ? ")" : "", fit_note);
}
