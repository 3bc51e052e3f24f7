/*
 * test_fw_icestick.c -- the icestick firmware (boards/icestick/fw), built
 * for the host, against the real host library and the reference model.
 *
 * The firmware's four I/O accessors (fw_hal.h) are provided here: either
 * in-memory byte queues (direct mode: the test writes frames built with
 * sw/link/link.c and parses the answers with link_rx) or a pseudo-terminal
 * served by a thread that runs fw_poll (session mode: sw/link/host.c opens the
 * slave exactly as `loom run` would), with optional byte faults both ways
 * and "lost bytes" reported through IO_RX bit 9.
 *
 * Checks: the 32-bit step arithmetic equals hls_ref/loom_arith.h over the
 * fields' ranges; IDENTIFY and the arch registers equal the icestick entry
 * of the board table; register and memory semantics (widths, sign
 * extension, aliasing, single-port synapse pairs, W1C flags, input list);
 * BATCH NAK FORMAT / SIZE / TIMEOUT with the ops before the stop applied
 * and the NAK cached; NAK CMD / SEQ / FRAME, replays, counters, RESET;
 * random nets from `loom gen` mapped for the icestick and run 200+ steps
 * with every step's spikes and v equal to hls_ref, also through faults;
 * a net too big for 32 slots refused by the mapper.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include <pthread.h>

#include "board.h"
#include "fw.h"
#include "fw_hal.h"
#include "netgen.h"
#include "host.h"
#include "link.h"
#include "loom_arith.h"
#include "loom_map.h"
#include "mapper.h"
#include "ref.h"
#include "seir_gen.h"
#include "transport.h"

/* ---- the native HAL ------------------------------------------------------------ */

static struct {
    transport *t;                 /* session mode: the pty master; NULL: direct mode */
    uint8_t in[1 << 16];          /* direct mode: bytes for IO_RX */
    size_t in_n, in_off;
    uint8_t out[1 << 16];         /* bytes IO_TX sent (direct mode), or not yet flushed */
    size_t out_n;
    uint32_t cycles, leds;
    double fault;                 /* probability of a fault per byte, each way */
    uint64_t rng;
    int lost;                     /* report bit 9 on the next IO_RX read */
    unsigned faults;
} hal;

static int chance(double p)
{
    return p > 0 && (double)(loom_rng_next(&hal.rng) >> 11) * 0x1p-53 < p;
}

static void hal_flush(void)
{
    if (hal.t && hal.out_n) {
        loom_err e;
        (void)transport_write(hal.t, hal.out, hal.out_n, 1000, &e);
        hal.out_n = 0;
    }
}

/* on the board it lives in crt0.S's .data */
uint32_t fw_kept;

uint32_t fw_io_rx(void)
{
    if (hal.in_off == hal.in_n && hal.t) {
        hal_flush();
        size_t got = 0;
        loom_err e;
        hal.in_off = hal.in_n = 0;
        if (transport_read(hal.t, hal.in, sizeof hal.in, FW_REG(CTRL) ? 0 : 2, &got, &e) == LOOM_OK)
            hal.in_n = got;
    }
    uint32_t w = hal.lost ? FW_RX_LOST : 0;
    hal.lost = 0;
    while (hal.in_off < hal.in_n) {
        uint8_t b = hal.in[hal.in_off++];
        if (chance(hal.fault)) {
            hal.faults++;
            switch (netgen_below(&hal.rng, 3)) {
            case 0: continue;                             /* dropped on the line */
            case 1: hal.lost = 1; continue;               /* lost in a full hardware ring */
            default: b ^= (uint8_t)(1u << netgen_below(&hal.rng, 8)); break;
            }
        }
        return w | FW_RX_VALID | b;
    }
    return w;
}

void fw_io_tx(uint32_t b)
{
    if (chance(hal.fault)) {
        hal.faults++;
        if (netgen_below(&hal.rng, 2))
            return;
        b ^= 1u << netgen_below(&hal.rng, 8);
    }
    if (hal.out_n == sizeof hal.out)
        hal_flush();
    if (hal.out_n < sizeof hal.out)
        hal.out[hal.out_n++] = (uint8_t)b;
}

uint32_t fw_io_cycles(void)
{
    return hal.cycles += 3; /* some cycles pass between any two reads */
}

void fw_io_leds(uint32_t bits)
{
    hal.leds = bits;
}

/* power-on: the firmware's .bss and the HAL */
static void power_on(void)
{
    memset(&fw, 0, sizeof fw);
    memset(&hal, 0, sizeof hal);
    hal.rng = 12345;
}

/* ---- direct mode: frames in, frames out ----------------------------------------- */

static uint8_t g_seq;

static void send_raw(const uint8_t *p, size_t n)
{
    memcpy(hal.in + hal.in_n, p, n);
    hal.in_n += n;
}

static void send_frame(uint8_t seq, uint8_t cmd, const uint8_t *pl, uint16_t len)
{
    static link_frame f;
    static uint8_t wire[LINK_MAX_WIRE];
    f.seq = seq;
    f.cmd = cmd;
    f.len = len;
    if (len)
        memcpy(f.payload, pl, len);
    send_raw(wire, link_frame_encode(&f, wire));
}

/* Runs the firmware until it has taken every queued byte and has no step
 * pending, then parses what it sent: up to cap frames into out. */
static size_t run_fw(link_frame *out, size_t cap)
{
    while (hal.in_off < hal.in_n || FW_REG(CTRL))
        fw_poll();
    fw_poll();
    link_rx rx;
    link_rx_init(&rx);
    size_t k = 0, off = 0;
    while (off < hal.out_n) {
        int got = 0;
        off += link_rx_feed(&rx, hal.out + off, hal.out_n - off, k < cap ? &out[k] : &out[cap - 1],
                            &got);
        assert_true(got >= 0); /* the firmware never sends a damaged frame */
        if (got == 1)
            k++;
    }
    hal.out_n = 0;
    hal.in_n = hal.in_off = 0;
    return k;
}

/* One request, one answer: returns the response. */
static link_frame *xfer(uint8_t seq, uint8_t cmd, const uint8_t *pl, uint16_t len)
{
    static link_frame r[4];
    send_frame(seq, cmd, pl, len);
    assert_int_equal(run_fw(r, 4), 1);
    return &r[0];
}

static uint8_t ops[LINK_MAX_PAYLOAD];
static size_t n_ops;

static void op_rw(uint8_t op, uint32_t addr, uint16_t n, const uint32_t *w)
{
    ops[n_ops++] = op;
    ops[n_ops++] = (uint8_t)addr;
    ops[n_ops++] = (uint8_t)(addr >> 8);
    ops[n_ops++] = (uint8_t)(addr >> 16);
    if (op == LINK_OP_WAIT)
        return;
    ops[n_ops++] = (uint8_t)n;
    ops[n_ops++] = (uint8_t)(n >> 8);
    for (uint16_t k = 0; w && k < n; k++)
        for (int b = 0; b < 4; b++)
            ops[n_ops++] = (uint8_t)(w[k] >> (8 * b));
}

/* BATCH of ops[0..n_ops) with the next seq; the response */
static link_frame *batch(void)
{
    link_frame *r = xfer(g_seq++, LINK_CMD_BATCH, ops, (uint16_t)n_ops);
    n_ops = 0;
    return r;
}

static uint32_t word_at(const link_frame *r, size_t k)
{
    const uint8_t *p = r->payload + 4 * k;
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t rd(uint32_t addr)
{
    op_rw(LINK_OP_READ, addr, 1, NULL);
    link_frame *r = batch();
    assert_int_equal(r->cmd, LINK_ACK(LINK_CMD_BATCH));
    assert_int_equal(r->len, 4);
    return word_at(r, 0);
}

static void wr(uint32_t addr, uint32_t w)
{
    op_rw(LINK_OP_WRITE, addr, 1, &w);
    link_frame *r = batch();
    assert_int_equal(r->cmd, LINK_ACK(LINK_CMD_BATCH));
    assert_int_equal(r->len, 0);
}

static void direct_start(void)
{
    power_on();
    g_seq = 0;
    n_ops = 0;
    link_frame *r = xfer(0, LINK_CMD_IDENTIFY, NULL, 0);
    assert_int_equal(r->cmd, LINK_ACK(LINK_CMD_IDENTIFY));
    g_seq = 1;
}

#define CORE0 LOOM_MAP_CORE_BASE(0)

/* ---- arithmetic ------------------------------------------------------------------ */

static void test_arith(void **st)
{
    (void)st;
    uint64_t rng = 99;
    /* decay: every S-bit x for corner factors, random pairs over the 13-bit field */
    static const uint32_t as[] = {0, 1, 2, 3, 7, 100, 2047, 2048, 2049, 4000, 4095, 4096};
    for (size_t k = 0; k < sizeof as / sizeof as[0]; k++)
        for (int32_t x = -32768; x <= 32767; x++)
            if (fw_decay(x, as[k]) != (int32_t)loom_decay(x, (int32_t)as[k]))
                fail_msg("decay(%d, %u): fw %d, loom_arith %lld", x, as[k], fw_decay(x, as[k]),
                         (long long)loom_decay(x, (int32_t)as[k]));
    for (int n = 0; n < 1000000; n++) {
        int32_t x = (int32_t)netgen_between(&rng, -32768, 32767);
        uint32_t a = netgen_below(&rng, 8192);
        /* above 4096 the RTL keeps S bits of the quotient (loom_core's di) */
        int32_t want = (int32_t)loom_wrap(loom_decay(x, (int32_t)a), 16);
        assert_int_equal(fw_decay(x, a), want);
    }
    /* input scaling: every shift, accumulator corners and random 24-bit values */
    for (int32_t sh = -16; sh <= 15; sh++) {
        for (int k = 0; k < 24; k++)
            for (int32_t d = -2; d <= 2; d++)
                for (int sgn = -1; sgn <= 1; sgn += 2) {
                    int64_t acc = loom_wrap(sgn * (((int64_t)1 << k) + d), 24);
                    int32_t want = (int32_t)loom_sat(loom_shift(acc, sh), 16);
                    if (fw_in_scale((int32_t)acc, sh) != want)
                        fail_msg("in_scale(%lld, %d): fw %d, loom_arith %d", (long long)acc, sh,
                                 fw_in_scale((int32_t)acc, sh), want);
                }
        for (int n = 0; n < 30000; n++) {
            int32_t acc = (int32_t)netgen_between(&rng, -(1 << 23), (1 << 23) - 1);
            if (n & 1)
                acc >>= netgen_below(&rng, 23);
            assert_int_equal(fw_in_scale(acc, sh), (int32_t)loom_sat(loom_shift(acc, sh), 16));
        }
    }
}

/* ---- link protocol ---------------------------------------------------------------- */

static void test_identify_and_arch(void **st)
{
    (void)st;
    power_on();
    link_frame *r = xfer(77, LINK_CMD_IDENTIFY, NULL, 0); /* any seq */
    assert_int_equal(r->seq, 77);
    assert_int_equal(r->cmd, LINK_ACK(LINK_CMD_IDENTIFY));
    assert_int_equal(r->len, LINK_IDENTIFY_LEN);
    const uint8_t *p = r->payload;
#define U16(o) (p[o] | p[(o) + 1] << 8)
    assert_int_equal(U16(0), 2);               /* proto */
    assert_int_equal(U16(2), LOOM_MAP_RTL_VERSION);
    loom_err e;
    const board_info *b = board_find("icestick", &e);
    assert_non_null(b);
    assert_int_equal(U16(4), b->board_id);
    assert_int_equal(U16(6), b->max_payload);  /* max payload */
    assert_int_equal(p[8] | p[9] << 8 | p[10] << 16 | (uint32_t)p[11] << 24,
                     (uint32_t)(b->clock_mhz * 1e6));
    assert_int_equal(U16(12), board_clks_per_bit(b));
    assert_int_equal(U16(14), FW_RX_BYTES);
    assert_int_equal(U16(16), FW_TX_BYTES);
    assert_int_equal(U16(18), FW_WINDOW);
#undef U16
    g_seq = 78;
    /* the arch registers, one READ of 16 words */
    op_rw(LINK_OP_READ, LOOM_REG_ID, 16, NULL);
    r = batch();
    assert_int_equal(r->len, 64);
    const uint32_t want[16] = {LOOM_MAP_ID_VALUE, LOOM_MAP_RTL_VERSION, (uint32_t)b->arch.arch.w,
                               (uint32_t)b->arch.arch.s, (uint32_t)b->arch.arch.a,
                               (uint32_t)b->arch.arch.d, b->arch.cores, b->arch.neurons,
                               b->arch.syn_words, b->arch.profiles, b->arch.max_inputs,
                               b->arch.max_inputs + b->arch.cores * b->arch.neurons,
                               b->arch.levels, 3, b->single_port, 1};
    for (int k = 0; k < 16; k++)
        assert_int_equal(word_at(r, (size_t)k), want[k]);
}

static void test_link_rules(void **st)
{
    (void)st;
    direct_start();
    /* a damaged frame: NAK FRAME, seq 0, payload = expected; counted */
    send_frame(1, LINK_CMD_COUNTERS, NULL, 0);
    hal.in[2] ^= 0x01; /* the cmd byte: the CRC no longer matches */
    link_frame r[8];
    assert_int_equal(run_fw(r, 8), 1);
    assert_int_equal(r[0].seq, 0);
    assert_int_equal(r[0].cmd, LINK_NAK(LINK_NAK_FRAME));
    assert_int_equal(r[0].len, 1);
    assert_int_equal(r[0].payload[0], 1);
    /* an aborted frame (escape, flag), a too-long one, lost bytes: format
     * errors; an empty frame: nothing */
    const uint8_t abort_[] = {0x7E, 0x01, 0x03, 0x7D, 0x7E, 0x7E, 0x7E};
    send_raw(abort_, sizeof abort_);
    uint8_t big[200];
    memset(big, 0, sizeof big);
    send_frame(1, LINK_CMD_BATCH, big, 140); /* longer than the 128-byte limit */
    assert_int_equal(run_fw(r, 8), 2);
    assert_int_equal(r[0].cmd, LINK_NAK(LINK_NAK_FRAME));
    assert_int_equal(r[1].cmd, LINK_NAK(LINK_NAK_FRAME));
    send_frame(1, LINK_CMD_COUNTERS, NULL, 0);
    for (int k = 0; k < 3; k++)
        fw_poll();
    hal.lost = 1; /* the hardware ring overflowed while this frame came in */
    assert_int_equal(run_fw(r, 8), 1);
    assert_int_equal(r[0].cmd, LINK_NAK(LINK_NAK_FRAME));
    /* cmd 0 in a good frame reads as a marker: NAK FRAME with its seq */
    send_frame(9, 0, NULL, 0);
    assert_int_equal(run_fw(r, 8), 1);
    assert_int_equal(r[0].seq, 9);
    assert_int_equal(r[0].cmd, LINK_NAK(LINK_NAK_FRAME));
    /* counters: ok = IDENTIFY + the cmd-0 frame + this one; crc 1; format 3 */
    link_frame *c = xfer(1, LINK_CMD_COUNTERS, NULL, 0);
    assert_int_equal(c->cmd, LINK_ACK(LINK_CMD_COUNTERS));
    assert_int_equal(c->len, 6);
    assert_int_equal(c->payload[0], 3);
    assert_int_equal(c->payload[2], 1);
    assert_int_equal(c->payload[4], 3);
    /* a future seq: NAK SEQ(expected), not executed */
    uint32_t one = 1;
    n_ops = 0;
    op_rw(LINK_OP_WRITE, LOOM_REG_CTRL, 1, &one);
    link_frame *q = xfer(5, LINK_CMD_BATCH, ops, (uint16_t)n_ops);
    assert_int_equal(q->cmd, LINK_NAK(LINK_NAK_SEQ));
    assert_int_equal(q->seq, 5);
    assert_int_equal(q->payload[0], 2);
    assert_int_equal(fw.r.reg[0], 0);
    /* executed once; the retry is the cached answer and runs nothing */
    link_frame a1 = *xfer(2, LINK_CMD_BATCH, ops, (uint16_t)n_ops);
    assert_int_equal(a1.cmd, LINK_ACK(LINK_CMD_BATCH));
    assert_int_equal(FW_REG(TIME), 1); /* run_fw ran the step */
    link_frame a2 = *xfer(2, LINK_CMD_BATCH, ops, (uint16_t)n_ops);
    assert_int_equal(a2.cmd, a1.cmd);
    assert_int_equal(FW_REG(TIME), 1);
    /* an unknown command is executed as NAK CMD, cached */
    q = xfer(3, 0x09, NULL, 0);
    assert_int_equal(q->cmd, LINK_NAK(LINK_NAK_CMD));
    q = xfer(3, 0x09, NULL, 0);
    assert_int_equal(q->cmd, LINK_NAK(LINK_NAK_CMD));
    /* the window: 4 back, but not 5 */
    for (uint8_t s = 4; s < 8; s++)
        assert_int_equal(xfer(s, LINK_CMD_COUNTERS, NULL, 0)->cmd, LINK_ACK(LINK_CMD_COUNTERS));
    assert_int_equal(xfer(4, LINK_CMD_COUNTERS, NULL, 0)->cmd, LINK_ACK(LINK_CMD_COUNTERS));
    q = xfer(3, LINK_CMD_COUNTERS, NULL, 0);
    assert_int_equal(q->cmd, LINK_NAK(LINK_NAK_SEQ));
    assert_int_equal(q->payload[0], 8);
    /* RESET clears the counters and the array registers */
    g_seq = 8;
    wr(LOOM_REG_BUDGET, 5); /* seq 8 */
    assert_int_equal(xfer(9, LINK_CMD_RESET, NULL, 0)->cmd, LINK_ACK(LINK_CMD_RESET));
    c = xfer(10, LINK_CMD_COUNTERS, NULL, 0);
    assert_int_equal(c->payload[0], 1); /* this frame only */
    assert_int_equal(c->payload[2] + c->payload[4], 0);
    g_seq = 11;
    assert_int_equal(rd(LOOM_REG_BUDGET), 0);
    assert_int_equal(rd(LOOM_REG_TIME), 0);
    /* IDENTIFY starts a session: nothing before it is replayed */
    assert_int_equal(xfer(200, LINK_CMD_IDENTIFY, NULL, 0)->cmd, LINK_ACK(LINK_CMD_IDENTIFY));
    assert_int_equal(xfer(199, LINK_CMD_COUNTERS, NULL, 0)->cmd, LINK_NAK(LINK_NAK_SEQ));
}

static void test_batch_naks(void **st)
{
    (void)st;
    direct_start();
    uint32_t w[2] = {11, 22};
    /* unknown op after a write: FORMAT, the write applied, the NAK cached */
    op_rw(LINK_OP_WRITE, LOOM_REG_BUDGET, 1, w);
    ops[n_ops++] = 0x07;
    ops[n_ops++] = 0;
    ops[n_ops++] = 0;
    ops[n_ops++] = 0;
    uint8_t s = g_seq;
    link_frame *r = batch();
    assert_int_equal(r->cmd, LINK_NAK(LINK_NAK_FORMAT));
    assert_int_equal(r->len, 0);
    assert_int_equal(rd(LOOM_REG_BUDGET), 11);
    assert_int_equal(xfer(s, LINK_CMD_BATCH, ops, 0)->cmd, LINK_NAK(LINK_NAK_FORMAT)); /* replay */
    /* n = 0; an op cut short; write data cut short after one word */
    op_rw(LINK_OP_READ, LOOM_REG_ID, 0, NULL);
    assert_int_equal(batch()->cmd, LINK_NAK(LINK_NAK_FORMAT));
    op_rw(LINK_OP_READ, LOOM_REG_ID, 1, NULL);
    n_ops -= 1;
    assert_int_equal(batch()->cmd, LINK_NAK(LINK_NAK_FORMAT));
    const uint32_t w2[2] = {33, 44};
    op_rw(LINK_OP_WRITE, LOOM_REG_BUDGET, 2, w2);
    n_ops -= 2;
    assert_int_equal(batch()->cmd, LINK_NAK(LINK_NAK_FORMAT));
    /* the first word went to BUDGET, the second (cut) never came */
    assert_int_equal(rd(LOOM_REG_BUDGET), 33);
    op_rw(LINK_OP_WRITE | LINK_OP_FIXED, LOOM_REG_BUDGET, 2, w);
    assert_int_equal(batch()->cmd, LINK_ACK(LINK_CMD_BATCH));
    assert_int_equal(rd(LOOM_REG_BUDGET), 22);
    /* reads: max_payload / 4 words fit, one more is NAK SIZE */
    op_rw(LINK_OP_READ | LINK_OP_FIXED, LOOM_REG_ID, FW_MAX_PAYLOAD / 4, NULL);
    r = batch();
    assert_int_equal(r->cmd, LINK_ACK(LINK_CMD_BATCH));
    assert_int_equal(r->len, FW_MAX_PAYLOAD);
    assert_int_equal(word_at(r, FW_MAX_PAYLOAD / 4 - 1), LOOM_MAP_ID_VALUE);
    op_rw(LINK_OP_WRITE, LOOM_REG_BUDGET, 1, w);
    op_rw(LINK_OP_READ, LOOM_REG_ID, 33, NULL);
    assert_int_equal(batch()->cmd, LINK_NAK(LINK_NAK_SIZE));
    assert_int_equal(rd(LOOM_REG_BUDGET), 11);
    /* WAIT: idle passes at once, even with t = 0; a pending step takes
     * more than 0 cycles (NAK TIMEOUT), but the step has run */
    uint32_t one = 1;
    op_rw(LINK_OP_WAIT, 0, 0, NULL);
    assert_int_equal(batch()->cmd, LINK_ACK(LINK_CMD_BATCH));
    op_rw(LINK_OP_WRITE, LOOM_REG_CTRL, 1, &one);
    op_rw(LINK_OP_WAIT, 0, 0, NULL);
    op_rw(LINK_OP_READ, LOOM_REG_TIME, 1, NULL);
    assert_int_equal(batch()->cmd, LINK_NAK(LINK_NAK_TIMEOUT));
    assert_int_equal(rd(LOOM_REG_TIME), 1);
    op_rw(LINK_OP_WRITE, LOOM_REG_CTRL, 1, &one);
    op_rw(LINK_OP_READ, LOOM_REG_STATUS, 1, NULL); /* the step is pending */
    op_rw(LINK_OP_WAIT, 1000000, 0, NULL);
    op_rw(LINK_OP_READ, LOOM_REG_TIME, 1, NULL);
    op_rw(LINK_OP_READ, LOOM_REG_STATUS, 1, NULL);
    r = batch();
    assert_int_equal(r->cmd, LINK_ACK(LINK_CMD_BATCH));
    assert_int_equal(word_at(r, 0), LOOM_STATUS_BUSY);
    assert_int_equal(word_at(r, 1), 2);
    assert_int_equal(word_at(r, 2), LOOM_STATUS_IN_READY);
}

/* ---- the bus map --------------------------------------------------------------------- */

static void test_bus_map(void **st)
{
    (void)st;
    direct_start();
    /* state words: S bits, sign-extended; slot s + N aliases slot s */
    wr(CORE0 + LOOM_CORE_I + 3, 0x12348000);
    assert_int_equal(rd(CORE0 + LOOM_CORE_I + 3), 0xFFFF8000);
    assert_int_equal(rd(CORE0 + LOOM_CORE_I + 3 + 32), 0xFFFF8000);
    wr(CORE0 + LOOM_CORE_V + 31, 0x7FFF);
    assert_int_equal(rd(CORE0 + LOOM_CORE_V + 31), 0x7FFF);
    /* ring: A bits sign-extended, (s << 3) + r */
    wr(CORE0 + LOOM_CORE_RING + (5 << 3) + 2, 0x01800001);
    assert_int_equal(rd(CORE0 + LOOM_CORE_RING + (5 << 3) + 2), 0xFF800001);
    /* profile fields: widths and signs; profile p + P aliases p */
    const uint32_t pw[8] = {0xFFFF, 0x1001, 0x18000, 0xFFFF7FFF, 7, 0x1F, 0x12345, 9};
    /* field 6 (the bias before RTL version 3) is per slot now: reads 0 */
    const uint32_t pr[8] = {0x1FFF, 0x1001, 0xFFFF8000, 0x7FFF, 3, 0xFFFFFFFF, 0, 0};
    for (uint32_t f = 0; f < 8; f++)
        wr(CORE0 + LOOM_CORE_PROFILE + (FW_P + 1) * 8 + f, pw[f]);
    for (uint32_t f = 0; f < 8; f++)
        assert_int_equal(rd(CORE0 + LOOM_CORE_PROFILE + 1 * 8 + f), pr[f]);
    /* pidx log2(P) bits, level ends NB+1 bits, N_USED, fan-out SB+1 bits up to FAN */
    wr(CORE0 + LOOM_CORE_PIDX + 4, 2 * FW_P - 1);
    assert_int_equal(rd(CORE0 + LOOM_CORE_PIDX + 4), FW_P - 1);
    wr(CORE0 + LOOM_CORE_LEVEL + 9, 0x7F);
    assert_int_equal(rd(CORE0 + LOOM_CORE_LEVEL + 1), 0x3F);
    wr(CORE0 + LOOM_CORE_N_USED, 0x61);
    assert_int_equal(rd(CORE0 + LOOM_CORE_N_USED), 0x21);
    wr(CORE0 + LOOM_CORE_FANOUT + 40, 0xFFFF);
    assert_int_equal(rd(CORE0 + LOOM_CORE_FANOUT + 40), 0x1FF);
    wr(CORE0 + LOOM_CORE_FANOUT + 41, 5);
    assert_int_equal(rd(CORE0 + LOOM_CORE_FANOUT + 41), 0);
    /* single-port synapse words: 2j is held until 2j + 1 is written */
    wr(CORE0 + LOOM_CORE_SYN + 10, 0x1ABCD);
    assert_int_equal(rd(CORE0 + LOOM_CORE_SYN + 10), 0);
    wr(CORE0 + LOOM_CORE_SYN + 11, 0x2345);
    assert_int_equal(rd(CORE0 + LOOM_CORE_SYN + 10), 0xABCD);
    assert_int_equal(rd(CORE0 + LOOM_CORE_SYN + 11), 0x2345);
    /* per-slot bias: S bits, sign-extended; slot s + N aliases slot s */
    wr(CORE0 + LOOM_CORE_BIAS + 7, 0x1C000);
    assert_int_equal(rd(CORE0 + LOOM_CORE_BIAS + 7), 0xFFFFC000);
    assert_int_equal(rd(CORE0 + LOOM_CORE_BIAS + 7 + 32), 0xFFFFC000);
    wr(CORE0 + LOOM_CORE_BIAS + 8, 0x1234);
    assert_int_equal(rd(CORE0 + LOOM_CORE_BIAS + 8), 0x1234);
    /* unmapped: other cores, misc gaps, output words of core 1 */
    assert_int_equal(rd(LOOM_MAP_CORE_BASE(1) + LOOM_CORE_I + 3), 0);
    assert_int_equal(rd(CORE0 + 0x00050), 0);
    assert_int_equal(rd(LOOM_MAP_OUT_BASE + (1 << 8)), 0);
    assert_int_equal(rd(0x001000), 0);
    /* registers: N_LEVELS LB+1 bits, inputs, overflow W1C */
    wr(LOOM_REG_N_LEVELS, 0x1F);
    assert_int_equal(rd(LOOM_REG_N_LEVELS), 0xF);
    wr(LOOM_REG_N_LEVELS, 0);
    for (uint32_t c = 0; c < 9; c++)
        wr(LOOM_REG_INPUT, (1u << 16) | c); /* channel 8 is out of range */
    assert_int_equal(rd(LOOM_REG_INPUT), 8);
    assert_int_equal(rd(LOOM_REG_STATUS), LOOM_STATUS_IN_READY | LOOM_STATUS_IN_OVERFLOW);
    wr(LOOM_REG_STATUS, LOOM_STATUS_IN_OVERFLOW);
    assert_int_equal(rd(LOOM_REG_STATUS), LOOM_STATUS_IN_READY);
    /* a step takes the list; BUDGET 1 < the step's cycles: overrun, sticky */
    wr(LOOM_REG_BUDGET, 1);
    wr(LOOM_REG_CTRL, 2);
    assert_int_equal(rd(LOOM_REG_TIME), 2);
    assert_int_equal(rd(LOOM_REG_INPUT), 0);
    assert_int_equal(rd(LOOM_REG_OVERRUNS), 2);
    assert_int_equal(rd(LOOM_REG_STATUS), LOOM_STATUS_IN_READY | LOOM_STATUS_OVERRUN);
    assert_int_equal(hal.leds, 2);
    wr(LOOM_REG_STATUS, LOOM_STATUS_OVERRUN);
    assert_int_equal(rd(LOOM_REG_STATUS), LOOM_STATUS_IN_READY);
    assert_true(rd(LOOM_REG_CYCLES_LAST) > 0 && rd(LOOM_REG_CYCLES_MAX) >= rd(LOOM_REG_CYCLES_LAST));
    wr(LOOM_REG_CYCLES_MAX, 0);
    assert_int_equal(rd(LOOM_REG_CYCLES_MAX), 0);
    wr(LOOM_REG_TIME, 123);
    assert_int_equal(rd(LOOM_REG_TIME), 0);
}

/* ---- sessions: the host library over a pty, random nets vs hls_ref ----------------- */

static volatile int fw_stop;

static void *fw_thread(void *arg)
{
    (void)arg;
    while (!fw_stop)
        fw_poll();
    hal_flush();
    return NULL;
}

static limg_arch icestick_arch(void)
{
    loom_err e;
    const board_info *b = board_find("icestick", &e);
    assert_non_null(b);
    return b->arch;
}

static void run_session(double fault, uint64_t seed, unsigned steps, unsigned nets)
{
    power_on();
    hal.fault = fault;
    hal.rng = seed * 31 + 7;
    loom_err e;
    char slave[128];
    assert_int_equal(transport_pty_create(&hal.t, slave, sizeof slave, 1, &e), LOOM_OK);
    fw_stop = 0;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, fw_thread, NULL), 0);

    loom_host_opts ho;
    loom_host_opts_default(&ho);
    ho.timeout_ms = fault > 0 ? 40 : 2000;
    ho.max_tries = fault > 0 ? 100 : 3;
    loom_host *h = NULL;
    if (loom_host_open(slave, 3000000, &ho, &h, &e) != LOOM_OK)
        fail_msg("open %s: %s", slave, e.msg);
    const link_identify *id = loom_host_identity(h);
    assert_int_equal(id->board_id, 3);
    assert_int_equal(id->max_payload, FW_MAX_PAYLOAD);
    limg_arch a, want = icestick_arch();
    assert_int_equal(loom_host_arch(h, &a, &e), LOOM_OK);
    assert_int_equal(limg_arch_cmp(&a, &want), 0);

    unsigned total_spikes = 0;
    for (unsigned net_k = 0; net_k < nets; net_k++) {
        netgen_recipe o;
        netgen_default(&o, NETGEN_CORNERS);
        o.seed = seed + net_k;
        o.neurons = 20 + (unsigned)(seed + net_k) % 11;   /* 20..30 of 32 slots */
        o.inputs = 8;
        o.arch = a.arch;
        o.levels = 1 + (int32_t)((seed + net_k) % 7);
        seir_net *net = NULL;
        map_result *m = NULL;
        if (netgen_build(&o, &net, &e) != LOOM_OK)
            fail_msg("gen: %s", e.msg);
        /* the generator pins up to 8 profiles to the model's corners; a
         * board with fewer (P < 8) gets alternate halves of them */
        if (net->n_profiles > FW_P) {
            const uint32_t base = (net_k % 2) * FW_P % net->n_profiles;
            for (uint32_t n = 0; n < net->n_neurons; n++)
                net->neuron_profile[n] = base + net->neuron_profile[n] % FW_P;
            for (uint32_t g = 0; g < net->n_neuron_groups; g++)
                net->neuron_groups[g].kind = base + net->neuron_groups[g].kind % FW_P;
        }
        if (seir_validate(net, &e) != LOOM_OK)
            fail_msg("validate: %s", e.msg);
        if (map_net(net, &a, &m, &e) != LOOM_OK)
            fail_msg("map: %s", e.msg);
        ref_sim *ref = NULL;
        assert_int_equal(ref_create(net, &ref, &e), LOOM_OK);
        if (loom_host_reset(h, &e) != LOOM_OK || loom_host_load(h, m->img, &e) != LOOM_OK)
            fail_msg("reset/load: %s", e.msg);

        const uint32_t nn = m->n_neurons;
        uint32_t rd_addr[32], vals[32], out = 0, events[8];
        for (uint32_t n = 0; n < nn; n++)
            rd_addr[n] = loom_host_v_addr(m->img->core_of[n], m->img->slot_of[n]);
        uint64_t rng = seed * 7919 + net_k;
        for (unsigned t = 0; t <= steps; t++) {
            size_t ne = 0;
            if (t < steps)
                for (uint32_t c = 0; c < net->n_inputs; c++) {
                    int32_t val = seirgen_input(&rng, net, c, 35);
                    if (!val)
                        continue;
                    events[ne++] = loom_host_event(c, val);
                    ref_set_input(ref, c, val);
                }
            if (loom_host_stream_read(h, events, ne, t < steps, 1, 1, &out, rd_addr, nn, vals,
                                      100000000, &e) != LOOM_OK)
                fail_msg("net %u step %u: %s", net_k, t, e.msg);
            if (t > 0) /* out and vals are step t-1's, ref has run step t-1 */
                for (uint32_t n = 0; n < nn; n++) {
                    const uint32_t bit = (out >> m->img->slot_of[n]) & 1;
                    if (bit != (uint32_t)ref_spiked(ref, n) || (int32_t)vals[n] != ref_v(ref, n))
                        fail_msg("net %u step %u neuron %u: firmware spike %u v %d, hls_ref "
                                 "spike %d v %d",
                                 net_k, t - 1, n, bit, (int32_t)vals[n], ref_spiked(ref, n),
                                 ref_v(ref, n));
                    total_spikes += bit;
                }
            if (t < steps)
                ref_step(ref);
        }
        uint32_t time_reg = 0;
        assert_int_equal(loom_host_read(h, LOOM_REG_TIME, &time_reg, 1, &e), LOOM_OK);
        assert_int_equal(time_reg, steps); /* every step ran exactly once */
        ref_destroy(ref);
        map_free(m);
        seir_net_free(net);
    }
    link_counters bc, hc = loom_host_stats(h);
    assert_int_equal(loom_host_counters(h, &bc, &e), LOOM_OK);
    print_message("fw fault %.4f: %u nets x %u steps, %u spikes; board ok %u crc %u format %u; "
                  "host resent %u; %u byte faults\n",
                  fault, nets, steps, total_spikes, bc.frames_ok, bc.crc_errors, bc.format_errors,
                  hc.duplicates, hal.faults);
    assert_true(total_spikes > 0);
    if (fault > 0)
        assert_true(hc.duplicates > 0 && hal.faults > 0);
    else
        assert_int_equal(bc.crc_errors + bc.format_errors, 0);
    loom_host_close(h);
    fw_stop = 1;
    pthread_join(th, NULL);
    transport_close(hal.t);
    hal.t = NULL;
}

static void test_nets_clean(void **st)
{
    (void)st;
    run_session(0, 1, 220, 6);
}

static void test_nets_faults(void **st)
{
    (void)st;
    run_session(0.002, 41, 200, 2);
}

static void test_too_big(void **st)
{
    (void)st;
    limg_arch a = icestick_arch();
    netgen_recipe o;
    netgen_default(&o, NETGEN_CORNERS);
    o.seed = 3;
    o.neurons = 40;
    o.inputs = 8;
    o.arch = a.arch;
    seir_net *net = NULL;
    map_result *m = NULL;
    loom_err e;
    assert_int_equal(netgen_build(&o, &net, &e), LOOM_OK);
    assert_int_equal(map_net(net, &a, &m, &e), LOOM_E_CAPACITY);
    assert_null(m);
    seir_net_free(net);
}

UNIT_MAIN(test_arith, test_identify_and_arch, test_link_rules, test_batch_naks, test_bus_map,
          test_nets_clean, test_nets_faults, test_too_big)
