/*
 * fw.h -- the icestick firmware: the Loom board as a program for a small
 * RV32I soft CPU (the iCE40HX1K cannot hold the array and the link as
 * logic).  Seen over the wire it is the RTL board: link protocol v2 as
 * rtl/loom_link_rx.v, loom_link_tx.v and loom_cmd.v speak it (they speak
 * v3, v2 plus selective repeat, which needs RAM for held frames that the
 * firmware does not have: a host uses go-back-N with it), the register
 * and memory map of hls_ref/loom_map.h as rtl/loom_array.v and
 * rtl/loom_core.v implement it (storage widths, sign extension, address
 * aliasing), and the step of rtl/loom_seq.v (inputs, then per level the
 * update of its slots followed by the deliveries of its spikes).
 *
 *   fw_link.c  receiver (unstuffing, shape and CRC check, counters), the
 *              sequence rule, the response cache, IDENTIFY/COUNTERS/RESET,
 *              the sender (CRC, stuffing), the main loop
 *   fw_bus.c   the bus map (fw_bus_read / fw_bus_write), array reset,
 *              BATCH execution
 *   fw_step.c  one timestep
 *   fw_main.c  main (rv32 only; the host-native test drives fw_poll)
 *
 * Every build constant comes from a -D flag (boards/fw.mk, generated from
 * the icestick entry of compiler/board.c).  All state is in one struct,
 * `fw`, zeroed by crt0 (.bss) at power-on: a microcontroller has one board.
 */
#ifndef FW_H
#define FW_H

#include <stdint.h>

#include "loom_map.h"

/* ---- build constants (-D flags) -------------------------------------------- */
#if !defined(FW_N) || !defined(FW_SYN) || !defined(FW_D) || !defined(FW_W) || \
    !defined(FW_S) || !defined(FW_A) || !defined(FW_P) || !defined(FW_LMAX) || \
    !defined(FW_MAXIN) || !defined(FW_CLK_HZ) || !defined(FW_CLKS_PER_BIT) || \
    !defined(FW_BOARD_ID) || !defined(FW_MAX_PAYLOAD) || !defined(FW_RX_BYTES) || \
    !defined(FW_TX_BYTES) || !defined(FW_WINDOW) || !defined(FW_SP)
#error "fw.h: build constants missing: boards/fw.mk passes FW_N, FW_SYN, FW_D, FW_W, FW_S, FW_A, FW_P, FW_LMAX, FW_MAXIN, FW_CLK_HZ, FW_CLKS_PER_BIT, FW_BOARD_ID, FW_MAX_PAYLOAD, FW_RX_BYTES, FW_TX_BYTES, FW_WINDOW, FW_SP"
#endif

/* ceil(log2(x)) for 1 <= x <= 65536, as a constant expression */
#define FW_CLOG2(x)                                                                      \
    ((x) <= 1 ? 0 : (x) <= 2 ? 1 : (x) <= 4 ? 2 : (x) <= 8 ? 3 : (x) <= 16 ? 4 :          \
     (x) <= 32 ? 5 : (x) <= 64 ? 6 : (x) <= 128 ? 7 : (x) <= 256 ? 8 : (x) <= 512 ? 9 :   \
     (x) <= 1024 ? 10 : (x) <= 2048 ? 11 : (x) <= 4096 ? 12 : (x) <= 8192 ? 13 :          \
     (x) <= 16384 ? 14 : (x) <= 32768 ? 15 : 16)
#define FW_BITS(x) (FW_CLOG2(x) < 1 ? 1 : FW_CLOG2(x))   /* at least one bit */

/* the widths of rtl/loom_core.v and rtl/loom_array.v (K = 1 core) */
#define FW_R (FW_D + 1)                      /* ring words per slot */
#define FW_RB FW_BITS(FW_D + 1)              /* ring index bits (LOOM_REG_RING_LOG2) */
#define FW_NB FW_BITS(FW_N)                  /* slot bits */
#define FW_SB FW_BITS(FW_SYN)                /* synapse address bits */
#define FW_LB FW_BITS(FW_LMAX)               /* level bits */
#define FW_PB FW_BITS(FW_P)                  /* profile index bits */
#define FW_IB FW_BITS(FW_MAXIN)              /* input channel bits */
#define FW_FAN (FW_MAXIN + FW_N)             /* global source ids */
#define FW_YW (FW_NB + FW_W + FW_RB)         /* synapse word bits */
#define FW_NW ((FW_N + 31) / 32)             /* spike words per bank */
#define FW_OB FW_BITS(FW_NW)                 /* spike word address bits */
#define FW_EVB (1 + FW_SB + FW_CLOG2(FW_MAXIN + 1) + 1)   /* EVENTS_LAST bits (KB = 1) */
#define FW_SPB FW_CLOG2(FW_N + 1)            /* SPIKES_LAST bits */
#define FW_MAXP ((FW_MAX_PAYLOAD < 248 ? FW_MAX_PAYLOAD : 248) / 4 * 4)   /* payload limit */
#define FW_BODY (FW_MAXP + 6)                /* largest frame body the receiver buffers */
#define FW_MASK(b) ((b) >= 32 ? 0xFFFFFFFFu : ((1u << (b)) - 1u))

/* sign extension of the low `bits` bits (GCC: conversions to signed wrap) */
#define FW_SX(x, bits) ((int32_t)((((uint32_t)(x) & FW_MASK(bits)) ^ (1u << ((bits) - 1))) - \
                                  (1u << ((bits) - 1))))

#define FW_POW2(x) ((x) >= 1 && ((x) & ((x) - 1)) == 0)
_Static_assert(FW_POW2(FW_N) && FW_POW2(FW_SYN) && FW_POW2(FW_P) && FW_POW2(FW_LMAX) &&
                   FW_N >= 2 && FW_SYN >= 2 && FW_P >= 2 && FW_LMAX >= 2,
               "N, SYN, P and LMAX must be powers of two (the RTL's memories alias like that)");
_Static_assert(FW_POW2(FW_TX_BYTES) && FW_TX_BYTES >= FW_MAXP + 4 && FW_TX_BYTES <= 65536,
               "the response cache is a power-of-two ring that holds the largest response");
_Static_assert(FW_POW2(FW_WINDOW) && FW_WINDOW <= 8, "window: a power of two, at most 8");
_Static_assert(FW_S >= 2 && FW_S <= 16, "state words are stored in 16 bits");
_Static_assert(FW_A >= 2 && FW_A <= 24 && FW_W >= 2 && FW_W <= 16,
               "W and A ranges (ring words are kept in 3 bytes)");
_Static_assert(FW_YW <= 16 && FW_SB + 1 <= 16 && FW_NB + 1 <= 8, "synapse, fan-out and level words");
_Static_assert(FW_P <= 32 && FW_MAXIN <= 128, "profiles; inputs (the list count is a byte)");

/* ---- state ------------------------------------------------------------------------ */

typedef struct fw_state {
    /* small fields first: they are reached from the struct's base with a
     * 12-bit offset (RV32I loads and stores), the arrays after them */
    /* ---- array and core registers (rtl/loom_array.v, loom_seq.v): the
     * array's reset (fw_array_reset) zeroes exactly these ---- */
    struct fw_regs {
        uint32_t reg[LOOM_REG_SPIKES_LAST - LOOM_REG_CTRL + 1];   /* FW_REG(name); STATUS unused */
        uint8_t in_count, overrun, in_ovf, tmod, out_bank, n_used;
    } r;
    /* ---- link (rtl/loom_link_rx.v, loom_cmd.v) ---- */
    uint16_t rx_n;                  /* body bytes so far */
    uint8_t rx_esc, rx_bad;         /* escape pending; frame damaged (aborted, too long, bytes lost) */
    uint16_t cnt_ok, cnt_crc, cnt_fmt;
    uint8_t expected, depth;
    uint16_t tab[FW_WINDOW];        /* cache offsets of the last W responses */
    uint16_t rstart, rlen;          /* the response being built: body offset, payload bytes */
    uint16_t syn_stage;             /* FW_SP: synapse word 2j waiting for 2j + 1 */
    uint32_t in_list[FW_MAXIN];     /* {value, channel} of the next step */
    uint32_t out[2][1 << FW_OB];    /* output banks: spike words */
    /* ---- the core's memories (rtl/loom_core.v) ---- */
    int16_t i[FW_N], v[FW_N];       /* S bits, sign-extended */
    int16_t bias[FW_N];             /* each slot's bias (LOOM_CORE_BIAS), S bits; right
                                       after v: update() reaches i, v, bias from one pointer */
    int16_t prof[FW_P][8];          /* profile fields LOOM_PF_*: a_syn, a_mem 13 bits; theta,
                                       v_reset S bits and shift 5 bits, sign-extended;
                                       reset 2 bits; fields 6 (the bias before RTL
                                       version 3: per slot now) and 7 stay 0 */
    uint8_t pidx[FW_N];             /* PB bits */
    uint8_t level[FW_LMAX];         /* NB + 1 bits */
    uint16_t fo[FW_FAN + 1];        /* fan-out index, SB + 1 bits */
    uint8_t rx[FW_BODY];            /* body of the frame being received */
    uint16_t syn[FW_SYN];           /* synapse words, YW bits */
    uint8_t ring[3 * (FW_N << FW_RB)];   /* ring word k = (s << RB) | r of slot s: 3 bytes,
                                            little-endian, at 3k (fw_ring_get / _set) */
    uint8_t tx[FW_TX_BYTES];        /* the response cache: response bodies back to back */
} fw_state;
_Static_assert(__builtin_offsetof(fw_state, bias) == __builtin_offsetof(fw_state, i) + 4 * FW_N,
               "i, v, bias adjacent (fw_step.c update)");

extern fw_state fw;

/* Set once the host has written to the array (crt0.S, where it lives in
 * .data): a RAM image taken at rest after that keeps .bss at boot. */
extern uint32_t fw_kept;

/* the register LOOM_REG_<name> (CTRL: steps pending) */
#define FW_REG(name) (fw.r.reg[LOOM_REG_##name - LOOM_REG_CTRL])

/* Ring word k (its low A bits count; reads sign-extend them). */
static inline uint32_t fw_ring_get(uint32_t k)
{
    const uint8_t *p = &fw.ring[3 * k];
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static inline void fw_ring_set(uint32_t k, uint32_t x)
{
    uint8_t *p = &fw.ring[3 * k];
    p[0] = (uint8_t)x;
    p[1] = (uint8_t)(x >> 8);
    p[2] = (uint8_t)(x >> 16);
}

/* ---- fw_link.c ------------------------------------------------------------------ */

/* One round of the main loop: takes one received byte (ending and running a
 * frame on a flag), or, when nothing was received, runs one pending step. */
void fw_poll(void);

/* Appends one byte to the payload of the response being built (the caller
 * keeps it within FW_MAXP). */
static inline void fw_put(uint32_t b)
{
    fw.tx[(fw.rstart + 4u + fw.rlen) & (FW_TX_BYTES - 1u)] = (uint8_t)b;
    fw.rlen++;
}

/* ---- fw_bus.c ------------------------------------------------------------------- */

/* The array's host bus: 24-bit word address, 32-bit words; unmapped
 * addresses read 0 and ignore writes. */
uint32_t fw_bus_read(uint32_t addr);
void fw_bus_write(uint32_t addr, uint32_t data);

/* The array's reset (loom_cmd's RESET): every register, not the memories. */
void fw_array_reset(void);

/* Runs a BATCH payload of n bytes, appending READ words to the response.
 * Returns 0 (ACK) or the NAK code that stopped it (ops before it applied). */
uint32_t fw_batch(const uint8_t *p, uint32_t n);

/* ---- fw_step.c ------------------------------------------------------------------ */

/* The step's arithmetic (exported for the test that proves it equal to
 * hls_ref/loom_arith.h): sat_S(acc scaled by 2^shift, shift in -16..15), and
 * the RTL's decay (x * a) / 4096 toward zero, kept to S bits. */
int32_t fw_in_scale(int32_t acc, int32_t shift);
int32_t fw_decay(int32_t x, uint32_t a);

/* Runs one pending step (CTRL > 0). */
void fw_step(void);

/* The LEDs: bit 0 busy (a step runs or is pending), bit 1 overrun. */
void fw_leds_update(uint32_t busy);

#endif
