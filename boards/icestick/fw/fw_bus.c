/*
 * fw_bus.c -- the array's host bus on one core: the register file of
 * rtl/loom_array.v and the memories of rtl/loom_core.v with the RTL's
 * storage widths (a read returns what the RTL returns after that write:
 * S- and A-bit fields sign-extended, the others truncated to their width
 * and zero-extended) and its address decoding (an index reaches only the
 * low bits of its field, so e.g. slot s + N aliases slot s), and BATCH
 * execution (loom_cmd's S_OP .. S_WAIT).
 *
 * Steps run only between bus operations (fw_poll, WAIT), so the sequencer
 * is always idle here: core memories are reachable at once, TIME writes
 * always take effect, and the inputs written before a step starts are that
 * step's list (loom_array's two lists: the list written so far becomes the
 * step's list when it starts).
 */
#include <stddef.h>

#include "fw.h"
#include "fw_hal.h"

enum { NAK_FORMAT = 2, NAK_TIMEOUT = 4, NAK_SIZE = 5 };

/* registers 0x000..0x00F are constants of the build */
static const uint32_t reg_const[16] = {
    LOOM_MAP_ID_VALUE, LOOM_MAP_RTL_VERSION, FW_W, FW_S, FW_A, FW_D, 1, FW_N, FW_SYN, FW_P,
    FW_MAXIN, FW_FAN, FW_LMAX, FW_RB, FW_SP ? 1 : 0, 1,
};

static uint32_t reg_read(uint32_t ra)
{
    const struct fw_regs *r = &fw.r;
    if (ra < 16)
        return reg_const[ra];
    if (ra == LOOM_REG_STATUS)
        return (uint32_t)r->in_ovf << 3 | (uint32_t)(FW_REG(CTRL) == 0) << 2 |
               (uint32_t)r->overrun << 1 | (uint32_t)(FW_REG(CTRL) != 0);
    if (ra <= LOOM_REG_SPIKES_LAST)
        return r->reg[ra - LOOM_REG_CTRL];
    return ra == LOOM_REG_INPUT ? r->in_count : 0;
}

static void reg_write(uint32_t ra, uint32_t d)
{
    struct fw_regs *r = &fw.r;
    switch (ra) {
    case LOOM_REG_CTRL: FW_REG(CTRL) += d; break;
    case LOOM_REG_STATUS:
        if (d & LOOM_STATUS_OVERRUN)
            r->overrun = 0;
        if (d & LOOM_STATUS_IN_OVERFLOW)
            r->in_ovf = 0;
        break;
    case LOOM_REG_TIME: FW_REG(TIME) = 0; r->tmod = 0; break;
    case LOOM_REG_CYCLES_MAX: FW_REG(CYCLES_MAX) = 0; break;
    case LOOM_REG_BUDGET: FW_REG(BUDGET) = d; break;
    case LOOM_REG_N_LEVELS: FW_REG(N_LEVELS) = d & FW_MASK(FW_LB + 1); break;
    case LOOM_REG_INPUT:
        /* a full list or a channel outside 0..MAXIN-1 drops the event */
        if (r->in_count < FW_MAXIN && (d & 0xFFFF) < FW_MAXIN)
            fw.in_list[r->in_count++] = d;
        else
            r->in_ovf = 1;
        break;
    default: break;
    }
}

/* A memory (or register) of the core: where it is in fw, its element size
 * (1 << lg bytes; lg = 3: the ring's 3-byte words), the index bits of its address decoder (imask) and its
 * storage format: fmt = width | 0x80 when sign-extended on reads (0: the
 * profile table, whose format depends on the field). */
typedef struct region {
    uint16_t off, imask;
    uint8_t lg, fmt;
} region;

#define OFF(m) ((uint16_t)__builtin_offsetof(fw_state, m))
#define SGN 0x80
enum { RG_PROF = 0, RG_SYN = 6, RG_BIAS = 7, RG_LEVEL = 8, RG_NUSED = 9 };
static const region regions[10] = {
    {OFF(prof), FW_P * 8 - 1, 1, 0},                        /* 0x00100 + p*8 + f */
    {OFF(i), FW_N - 1, 1, FW_S | SGN},                      /* 0x10000 */
    {OFF(v), FW_N - 1, 1, FW_S | SGN},                      /* 0x20000 */
    {OFF(pidx), FW_N - 1, 0, FW_PB},                        /* 0x30000 */
    {OFF(ring), FW_MASK(FW_NB + FW_RB), 3, FW_A | SGN},     /* 0x40000 */
    {OFF(fo), 0xFFFF, 1, FW_SB + 1},                        /* 0x50000, entries 0..FAN */
    {OFF(syn), FW_SYN - 1, 1, FW_YW},                       /* 0x60000 */
    {OFF(bias), FW_N - 1, 1, FW_S | SGN},                   /* 0x70000 */
    {OFF(level), FW_LMAX - 1, 0, FW_NB + 1},                /* 0x08000 */
    {OFF(r.n_used), 0, 0, FW_NB + 1},                       /* 0x00000 */
};
/* profile fields a_syn, a_mem, theta, v_reset, reset, shift, -, - (field 6,
 * the bias before RTL version 3, is per slot now: it reads 0, like the RTL) */
static const uint8_t prof_fmt[8] = {13, 13, FW_S | SGN, FW_S | SGN, 2, 5 | SGN, 0, 0};

/* The core memory at bus address a (NULL: not one); *idx its element. */
static const region *decode(uint32_t a, uint32_t *idx, uint32_t *fmt)
{
    if ((a >> 19) != 1) /* only core 0 exists */
        return NULL;
    const uint32_t o = a & 0xFFFF;
    uint32_t k = (a >> 16) & 7;
    if (k == 0) {
        if (o & 0x8000)
            k = RG_LEVEL;
        else if (o == LOOM_CORE_N_USED)
            k = RG_NUSED;
        else if ((o >> 8) != (LOOM_CORE_PROFILE >> 8))
            return NULL;
    } else if (k == 5 && o > FW_FAN) {
        return NULL;
    }
    const region *g = &regions[k];
    *idx = o & g->imask;
    *fmt = g->fmt ? g->fmt : prof_fmt[o & 7];
    return g;
}

uint32_t fw_bus_read(uint32_t a)
{
    uint32_t j, fmt;
    const region *g = decode(a, &j, &fmt);
    if (g) {
        const uint8_t *p = (const uint8_t *)&fw + g->off;
        uint32_t x = g->lg == 3 ? fw_ring_get(j)
                   : g->lg == 1 ? ((const uint16_t *)p)[j] : p[j];
        return fmt & SGN ? (uint32_t)FW_SX(x, fmt & 63) : x;
    }
    if ((a >> 12) == 0)
        return reg_read(a & 0xFFF);
    if ((a >> 8) == (LOOM_MAP_OUT_BASE >> 8)) /* core 0's output words */
        return fw.out[fw.r.out_bank ^ 1][a & FW_MASK(FW_OB)];
    return 0;
}

void fw_bus_write(uint32_t a, uint32_t d)
{
    fw_kept = 1;
    uint32_t j, fmt;
    const region *g = decode(a, &j, &fmt);
    if (!g) {
        if ((a >> 12) == 0)
            reg_write(a & 0xFFF, d);
        return;
    }
    const uint32_t x = fmt & SGN ? (uint32_t)FW_SX(d, fmt & 63) : d & FW_MASK(fmt);
    uint8_t *p = (uint8_t *)&fw + g->off;
    if (FW_SP && g == &regions[RG_SYN]) {
        /* single-port synapse memory: word 2j waits for 2j + 1, which
         * writes both */
        if (!(j & 1)) {
            fw.syn_stage = (uint16_t)x;
            return;
        }
        fw.syn[j - 1] = fw.syn_stage;
    }
    if (g->lg == 3)
        fw_ring_set(j, x);
    else if (g->lg == 1)
        ((uint16_t *)p)[j] = (uint16_t)x;
    else
        p[j] = (uint8_t)x;
}

void fw_array_reset(void)
{
    uint8_t *p = (uint8_t *)&fw.r;
    for (uint32_t k = 0; k < sizeof fw.r; k++)
        p[k] = 0;
}

/* WAIT t: runs the pending steps; NAK TIMEOUT when the array was busy for
 * more than t cycles (it is idle again either way). */
static uint32_t wait_idle(uint32_t t)
{
    if (!FW_REG(CTRL))
        return 0;
    const uint32_t c0 = fw_io_cycles();
    while (FW_REG(CTRL))
        fw_step();
    return fw_io_cycles() - c0 > t ? NAK_TIMEOUT : 0;
}

uint32_t fw_batch(const uint8_t *p, uint32_t n)
{
    uint32_t k = 0;
    while (k < n) {
        if (n - k < 4)
            return NAK_FORMAT;
        const uint32_t op = p[k];
        uint32_t a = p[k + 1] | (uint32_t)p[k + 2] << 8 | (uint32_t)p[k + 3] << 16;
        k += 4;
        if (op == 0x03) {
            const uint32_t nak = wait_idle(a);
            if (nak)
                return nak;
            continue;
        }
        const uint32_t kind = op & ~0x10u, inc = (op & 0x10) ? 0 : 1;
        if ((kind != 0x01 && kind != 0x02) || n - k < 2)
            return NAK_FORMAT;
        uint32_t cnt = p[k] | (uint32_t)p[k + 1] << 8;
        k += 2;
        if (cnt == 0)
            return NAK_FORMAT;
        for (; cnt; cnt--, a = (a + inc) & 0xFFFFFF) {
            if (kind == 0x01) {
                if (n - k < 4)
                    return NAK_FORMAT;
                fw_bus_write(a, p[k] | (uint32_t)p[k + 1] << 8 | (uint32_t)p[k + 2] << 16 |
                                    (uint32_t)p[k + 3] << 24);
                k += 4;
            } else {
                if (fw.rlen > FW_MAXP - 4)
                    return NAK_SIZE;
                uint32_t w = fw_bus_read(a);
                for (int b = 0; b < 4; b++, w >>= 8)
                    fw_put(w & 0xFF);
            }
        }
    }
    return 0;
}
