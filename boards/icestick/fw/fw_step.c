/*
 * fw_step.c -- one timestep of the machine model (docs/machine-model.md)
 * as rtl/loom_seq.v and rtl/loom_core.v run it on one core:
 *
 *   START   the list of INPUT events becomes this step's; slot 0
 *   SCAN    each event {x, channel} with x != 0 is delivered
 *   levels  l = 0 .. N_LEVELS-1: update the slots [slot, LEVEL[l]) in
 *           ascending order (the slot pointer runs on from level to level),
 *           then deliver the spikes of that level (a single-port core
 *           alternates update and delivery: SP = 1)
 *   FINISH  t += 1, t mod R, the output bank flips, counters
 *
 * A delivery of source g (input channel c, or MAXIN + slot) streams the
 * synapse words [E[g] - 1, E[g+1] - 1) of the fan-out index (none unless
 * E[g] != 0 and E[g+1] > E[g]), each word dst | w << NB | d << (NB+W)
 * adding w * x to ring word (t + d) mod R of slot dst, modulo 2^A (a ring
 * word keeps 24 bits; only the low A count, reads sign-extend them).  An update
 * reads and clears ring word t mod R of its slot:
 *
 *   in = sat_S(shift(acc)), i = sat_S(decay_S(i, a_syn) + in),
 *   v = sat_S(decay_S(v, a_mem) + bias[s] + i), spike iff reset != none and
 *   v >= theta, then v = v_reset (zero) or sat_S(v - theta) (subtract)
 *
 * with decay_S the RTL's: (x * a) / 4096 truncated toward zero and kept to
 * S bits (a is 13 bits; for a <= 4096 nothing is lost).  The arithmetic is
 * 32-bit (RV32I has no 64-bit registers; products go through libgcc's
 * __mulsi3); tests/unit/test_fw_icestick.c proves it equal to
 * hls_ref/loom_arith.h over every operand range the fields allow.
 */
#include "fw.h"
#include "fw_hal.h"

#define SMAX ((int32_t)FW_MASK(FW_S - 1))
#define SMIN (-SMAX - 1)

static int32_t sat_s(int32_t x)
{
    return x > SMAX ? SMAX : (x < SMIN ? SMIN : x);
}

/* sat_S(acc * 2^sh) for sh >= 0, sat_S(floor(acc / 2^-sh)) for sh < 0. */
int32_t fw_in_scale(int32_t acc, int32_t sh)
{
    if (sh < 0)
        return sat_s(acc >> -sh); /* GCC: arithmetic shift */
    const int32_t hi = acc >> (31 - sh);
    if (hi != 0 && hi != -1) /* acc * 2^sh does not fit 32 bits */
        return acc < 0 ? SMIN : SMAX;
    return sat_s((int32_t)((uint32_t)acc << sh));
}

/* The RTL's decay: (x * a) / 4096 truncated toward zero, kept to S bits. */
int32_t fw_decay(int32_t x, uint32_t a)
{
    return FW_SX((uint32_t)((x * (int32_t)a) / 4096), FW_S);
}

/* Delivers source g with value x; returns the synaptic events. */
static uint32_t deliver(uint32_t g, int32_t x)
{
    const uint32_t e0 = fw.fo[g], e1 = fw.fo[g + 1];
    if (e0 == 0 || e1 <= e0)
        return 0;
    const uint32_t n = e1 - e0, tm = fw.r.tmod;
    uint32_t j = e0 - 1;
    for (uint32_t k = 0; k < n; k++, j++) {
        const uint32_t y = fw.syn[j & (FW_SYN - 1)];
        const int32_t w = FW_SX(y >> FW_NB, FW_W);
        uint32_t r = tm + ((y >> (FW_NB + FW_W)) & FW_MASK(FW_RB));
        if (r >= FW_R)
            r -= FW_R;
        const uint32_t k = (y & (FW_N - 1)) << FW_RB | (r & FW_MASK(FW_RB));
        fw_ring_set(k, fw_ring_get(k) + (uint32_t)(x == 1 ? w : w * x));
    }
    return n;
}

/* Updates slot s; returns 1 when it spiked. */
static uint32_t update(uint32_t s)
{
    const int16_t *pf = fw.prof[fw.pidx[s] & (FW_P - 1)];
    const uint32_t k = s << FW_RB | fw.r.tmod;
    const int32_t in = fw_in_scale(FW_SX(fw_ring_get(k), FW_A), pf[LOOM_PF_SHIFT]);
    fw_ring_set(k, 0);
    /* i, v and bias are adjacent arrays of FW_N (fw.h): one base pointer */
    int16_t *st = &fw.i[s];
    const int32_t i = sat_s(fw_decay(st[0], (uint32_t)pf[LOOM_PF_A_SYN]) + in);
    int32_t v = sat_s(fw_decay(st[FW_N], (uint32_t)pf[LOOM_PF_A_MEM]) + st[2 * FW_N] + i);
    uint32_t spike = 0;
    const int32_t reset = pf[LOOM_PF_RESET], theta = pf[LOOM_PF_THETA];
    if (reset != 2 && v >= theta) {
        spike = 1;
        v = reset == 0 ? pf[LOOM_PF_V_RESET] : sat_s(v - theta);
    }
    st[0] = (int16_t)i;
    st[FW_N] = (int16_t)v;
    return spike;
}

void fw_leds_update(uint32_t busy)
{
    fw_io_leds((busy | (FW_REG(CTRL) != 0)) | (uint32_t)fw.r.overrun << 1);
}

void fw_step(void)
{
    struct fw_regs *r = &fw.r;
    const uint32_t c0 = fw_io_cycles();
    fw_leds_update(1);
    FW_REG(CTRL)--;
    uint32_t events = 0, spikes = 0;
    for (uint32_t k = 0; k < r->in_count; k++) {
        const uint32_t e = fw.in_list[k];
        const int32_t x = FW_SX(e >> 16, 16);
        if (x)
            events += deliver(e & FW_MASK(FW_IB), x);
    }
    r->in_count = 0;
    /* the slot pointer and the level end are NB+1 bits, slot indices NB */
    const uint32_t last = (r->n_used - 1u) & FW_MASK(FW_NB + 1);
    const uint32_t bank = r->out_bank;
    uint32_t slot = 0, coll = 0;
    for (uint32_t l = 0; l < FW_REG(N_LEVELS); l++) {
        const uint32_t end = fw.level[l & (FW_LMAX - 1)];
        uint8_t spk[FW_N];
        uint32_t ns = 0;
        for (; slot < end; slot++) {
            const uint32_t s = slot & (FW_N - 1);
            const uint32_t sp = update(s);
            if (sp)
                spk[ns++ & (FW_N - 1)] = (uint8_t)s;
            /* the spike-word collector writes at bit 31 and at slot N_USED-1 */
            coll |= sp << (s & 31);
            if ((s & 31) == 31 || s == last) {
                fw.out[bank][(s >> 5) & FW_MASK(FW_OB)] = coll;
                coll = 0;
            }
        }
        spikes += ns;
        for (uint32_t k = 0; k < ns; k++)
            events += deliver(FW_MAXIN + spk[k & (FW_N - 1)], 1);
    }
    FW_REG(TIME)++;
    r->tmod = (uint8_t)(r->tmod == FW_D ? 0 : r->tmod + 1);
    r->out_bank = (uint8_t)(bank ^ 1);
    const uint32_t cyc = fw_io_cycles() - c0;
    FW_REG(CYCLES_LAST) = cyc;
    if (cyc > FW_REG(CYCLES_MAX) || FW_REG(CYCLES_MAX) == 0)
        FW_REG(CYCLES_MAX) = cyc;
    if (FW_REG(BUDGET) && cyc > FW_REG(BUDGET)) {
        r->overrun = 1;
        FW_REG(OVERRUNS)++;
    }
    FW_REG(EVENTS_LAST) = events & FW_MASK(FW_EVB);
    FW_REG(SPIKES_LAST) = spikes & FW_MASK(FW_SPB);
    fw_leds_update(0);
}
