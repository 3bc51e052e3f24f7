/*
 * fw_link.c -- the board's end of link protocol v2 (docs/protocol.md), as
 * rtl/loom_link_rx.v, rtl/loom_cmd.v and rtl/loom_link_tx.v implement it,
 * and the main loop.
 *
 * Receiving: bytes are unstuffed into fw.rx as they are read from IO_RX.
 * At a flag the frame is checked exactly as loom_link_rx checks it (not
 * aborted, not cut short by a full buffer or by bytes the hardware ring
 * lost, at least 6 bytes, len = body - 6 <= max payload, CRC over the whole
 * body 0) and counted; a good frame runs at once, a bad one is answered
 * NAK FRAME(expected) with seq 0, where the RTL leaves its marker.  Frames
 * that arrive meanwhile wait in the 512-byte hardware ring.
 *
 * The sequence rule and the response cache are loom_cmd's: responses are
 * written back to back into the ring fw.tx (header seq, cmd, len, then the
 * payload), the offsets of the last FW_WINDOW in fw.tab, `depth` of them
 * valid; a retry of one of them is sent again from the ring.  NAK SEQ and
 * NAK FRAME are built on the fly and not cached.
 *
 * Sending streams a body out of a buffer with the CRC computed on the way
 * (a 16-entry nibble table: 32 bytes of table, 8 table steps per byte) and
 * HDLC stuffing; each IO_TX store waits for the UART.
 */
#include "fw.h"
#include "fw_hal.h"

fw_state fw;

enum { CMD_IDENTIFY = 1, CMD_BATCH = 2, CMD_COUNTERS = 3, CMD_RESET = 4 };
enum { NAK_CMD = 1, NAK_SEQ = 3, NAK_FRAME = 6 };

static const uint16_t crc_nib[16] = {
    0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50A5, 0x60C6, 0x70E7,
    0x8108, 0x9129, 0xA14A, 0xB16B, 0xC18C, 0xD1AD, 0xE1CE, 0xF1EF,
};

/* CRC-16/CCITT-FALSE of one more byte. */
static uint32_t crc_byte(uint32_t crc, uint32_t b)
{
    crc = ((crc << 4) & 0xFFFFu) ^ crc_nib[((crc >> 12) ^ (b >> 4)) & 15u];
    crc = ((crc << 4) & 0xFFFFu) ^ crc_nib[((crc >> 12) ^ b) & 15u];
    return crc;
}

/* IDENTIFY's payload (loom_cmd's id_vec): proto, rtl version, board id,
 * max payload, clock Hz, clocks per bit, rx bytes, tx bytes, window. */
#define FW_LE16(x) (uint8_t)((x) & 0xFF), (uint8_t)(((x) >> 8) & 0xFF)
static const uint8_t identify[20] = {
    FW_LE16(2), FW_LE16(LOOM_MAP_RTL_VERSION), FW_LE16(FW_BOARD_ID), FW_LE16(FW_MAXP),
    FW_LE16(FW_CLK_HZ & 0xFFFF), FW_LE16((FW_CLK_HZ >> 16) & 0xFFFF), FW_LE16(FW_CLKS_PER_BIT),
    FW_LE16(FW_RX_BYTES), FW_LE16(FW_TX_BYTES), FW_LE16(FW_WINDOW),
};

static void send_stuffed(uint32_t b)
{
    if (b == 0x7E || b == 0x7D) {
        fw_io_tx(0x7D);
        b ^= 0x20;
    }
    fw_io_tx(b);
}

/* Sends the frame whose body (without CRC) is the n bytes of buf at
 * (off + k) & mask. */
static void send_frame(const uint8_t *buf, uint32_t off, uint32_t n, uint32_t mask)
{
    uint32_t crc = 0xFFFF;
    fw_io_tx(0x7E);
    for (uint32_t k = 0; k < n; k++) {
        const uint32_t b = buf[(off + k) & mask];
        crc = crc_byte(crc, b);
        send_stuffed(b);
    }
    send_stuffed(crc >> 8);
    send_stuffed(crc & 0xFF);
    fw_io_tx(0x7E);
}

/* A cached response: its header says how long it is. */
static void send_cached(uint32_t off)
{
    const uint32_t m = FW_TX_BYTES - 1u;
    const uint32_t len = fw.tx[(off + 2) & m] | (uint32_t)fw.tx[(off + 3) & m] << 8;
    send_frame(fw.tx, off, 4 + len, m);
}

/* NAK SEQ / NAK FRAME: payload = the sequence number expected next. */
static void send_nak(uint32_t seq, uint32_t code)
{
    uint8_t b[8] = {(uint8_t)seq, (uint8_t)(0xC0 | code), 1, 0, fw.expected, 0, 0, 0};
    send_frame(b, 0, 5, 7);
}

static void put16(uint32_t x)
{
    fw_put(x & 0xFF);
    fw_put((x >> 8) & 0xFF);
}

/* Runs the good frame in fw.rx (loom_cmd's S_HDR onwards). */
static void run_frame(uint32_t n)
{
    const uint32_t seq = fw.rx[0], cmd = fw.rx[1];
    const uint32_t m = FW_TX_BYTES - 1u;
    if (cmd == 0) { /* never a request: loom_cmd reads it as a dropped frame's marker */
        send_nak(seq, NAK_FRAME);
        return;
    }
    if (cmd != CMD_IDENTIFY && seq != fw.expected) {
        const uint32_t behind = (fw.expected - seq) & 0xFF;
        if (behind != 0 && behind <= fw.depth)
            send_cached(fw.tab[seq & (FW_WINDOW - 1u)]);
        else
            send_nak(seq, NAK_SEQ);
        return;
    }
    /* executed: the response goes after the last one */
    fw.rstart = (uint16_t)((fw.rstart + fw.rlen + 4u) & m);
    fw.rlen = 0;
    uint32_t code = 0x80 | (cmd & 7u);
    if (cmd == CMD_IDENTIFY) {
        fw.depth = 0;
        for (uint32_t k = 0; k < sizeof identify; k++)
            fw_put(identify[k]);
    } else if (cmd == CMD_COUNTERS) {
        put16(fw.cnt_ok);
        put16(fw.cnt_crc);
        put16(fw.cnt_fmt);
    } else if (cmd == CMD_RESET) {
        fw_array_reset();
        fw.cnt_ok = fw.cnt_crc = fw.cnt_fmt = 0;
    } else if (cmd == CMD_BATCH) {
        const uint32_t nak = fw_batch(fw.rx + 4, n - 6);
        if (nak) {
            code = 0xC0 | nak;
            fw.rlen = 0;
        }
    } else {
        code = 0xC0 | NAK_CMD;
    }
    const uint32_t s = fw.rstart;
    fw.tx[s] = (uint8_t)seq;
    fw.tx[(s + 1) & m] = (uint8_t)code;
    fw.tx[(s + 2) & m] = (uint8_t)(fw.rlen & 0xFF);
    fw.tx[(s + 3) & m] = (uint8_t)(fw.rlen >> 8);
    fw.tab[seq & (FW_WINDOW - 1u)] = (uint16_t)s;
    if (fw.depth < FW_WINDOW)
        fw.depth++;
    fw.expected = (uint8_t)(seq + 1);
    send_cached(s);
}

/* A flag: the end of a frame (or of nothing). */
static void frame_end(void)
{
    const uint32_t n = fw.rx_n;
    if (n != 0 || fw.rx_bad || fw.rx_esc) {
        const uint32_t len = fw.rx[2] | (uint32_t)fw.rx[3] << 8;
        const int shape_ok = !fw.rx_bad && !fw.rx_esc && n >= 6 && len <= FW_MAXP && n == len + 6;
        uint32_t crc = 0xFFFF;
        if (shape_ok)
            for (uint32_t k = 0; k < n; k++)
                crc = crc_byte(crc, fw.rx[k]);
        if (shape_ok && crc == 0) {
            fw.cnt_ok++;
            run_frame(n);
        } else {
            if (shape_ok)
                fw.cnt_crc++;
            else
                fw.cnt_fmt++;
            send_nak(0, NAK_FRAME);
        }
        fw_leds_update(0);
    }
    fw.rx_n = 0;
    fw.rx_esc = 0;
    fw.rx_bad = 0;
}

void fw_poll(void)
{
    const uint32_t w = fw_io_rx();
    if (w & FW_RX_LOST)
        fw.rx_bad = 1; /* the hardware ring dropped bytes: the frame is damaged */
    if (!(w & FW_RX_VALID)) {
        if (FW_REG(CTRL))
            fw_step();
        return;
    }
    uint32_t b = w & 0xFF;
    if (b == 0x7E) {
        frame_end();
        return;
    }
    if (fw.rx_esc) {
        b ^= 0x20;
        fw.rx_esc = 0;
    } else if (b == 0x7D) {
        fw.rx_esc = 1;
        return;
    }
    if (fw.rx_n < FW_BODY)
        fw.rx[fw.rx_n++] = (uint8_t)b;
    else
        fw.rx_bad = 1;
}
