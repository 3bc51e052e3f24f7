/*
 * test_link.c -- framing, CRC, byte stuffing, resynchronisation, the
 * board's window rule (executed / answered from the cache / NAK SEQ / NAK
 * FRAME) and BATCH of sw/link/link.c, against hand-computed vectors (CRC
 * catalogue check value, stuffing examples) and adversarial byte streams
 * with a deterministic PRNG.  The host's window and retransmission rules
 * are tested against a faulty software board in test_transport.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

#include "link.h"

static uint64_t rng_state;
static uint32_t rnd(void) /* xorshift64*, deterministic */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

/* ---- CRC ---------------------------------------------------------------------- */

static void test_crc_check_value(void **st)
{
    (void)st;
    const uint8_t s[] = "123456789";
    assert_int_equal(link_crc16(0xFFFF, s, 9), 0x29B1);
    /* split updates give the same */
    assert_int_equal(link_crc16(link_crc16(0xFFFF, s, 4), s + 4, 5), 0x29B1);
    /* appending the CRC big-endian gives residue 0 (what the RTL checks) */
    uint8_t t[11];
    memcpy(t, s, 9);
    t[9] = 0x29;
    t[10] = 0xB1;
    assert_int_equal(link_crc16(0xFFFF, t, 11), 0);
    /* a single byte 'A' (CRC-16/CCITT-FALSE of "A" is 0xB915) */
    assert_int_equal(link_crc16(0xFFFF, (const uint8_t *)"A", 1), 0xB915);
}

static link_frame fa, fb;
static uint8_t wire[LINK_MAX_WIRE];

static void fill_frame(link_frame *f, uint8_t seq, uint8_t cmd, uint16_t len, int mode)
{
    f->seq = seq;
    f->cmd = cmd;
    f->len = len;
    for (uint16_t i = 0; i < len; i++)
        f->payload[i] = mode == 0 ? 0 : mode == 1 ? (uint8_t)(1 + i % 255) : (uint8_t)rnd();
}

static void check_roundtrip(const link_frame *f)
{
    size_t m = link_frame_encode(f, wire);
    assert_true(m >= 8);
    assert_int_equal(wire[0], LINK_FLAG);
    assert_int_equal(wire[m - 1], LINK_FLAG);
    for (size_t i = 1; i + 1 < m; i++)
        assert_int_not_equal(wire[i], LINK_FLAG);
    assert_true(m <= LINK_MAX_WIRE);
    link_rx rx;
    link_rx_init(&rx);
    int got = 0;
    size_t used = link_rx_feed(&rx, wire, m, &fb, &got);
    assert_int_equal(got, 1);
    assert_int_equal(used, m);
    assert_int_equal(fb.seq, f->seq);
    assert_int_equal(fb.cmd, f->cmd);
    assert_int_equal(fb.len, f->len);
    if (f->len)
        assert_memory_equal(fb.payload, f->payload, f->len);
    /* the CRC the frame carries is the CRC of its header + payload */
    uint8_t hdr[4] = {f->seq, f->cmd, (uint8_t)f->len, (uint8_t)(f->len >> 8)};
    assert_int_equal(fb.crc, link_crc16(link_crc16(0xFFFF, hdr, 4), f->payload, f->len));
}

static int feed_all(link_rx *rx, const uint8_t *p, size_t n, link_frame *out);

/* ---- stuffing ------------------------------------------------------------------ */

static void test_stuff_vectors(void **st)
{
    (void)st;
    uint8_t out[64];
    const uint8_t a[] = {0x11, 0x7E, 0x22, 0x7D, 0x5E};
    const uint8_t wa[] = {0x11, 0x7D, 0x5E, 0x22, 0x7D, 0x5D, 0x5E};
    assert_int_equal(link_stuff(a, sizeof a, out), sizeof wa);
    assert_memory_equal(out, wa, sizeof wa);
    assert_int_equal(link_stuff(a, 0, out), 0);
    /* worst case: every byte doubles, never a flag inside */
    uint8_t all[32], big[64];
    memset(all, 0x7E, sizeof all);
    assert_int_equal(link_stuff(all, sizeof all, big), LINK_STUFF_MAX(sizeof all));
    for (size_t i = 0; i < sizeof big; i++)
        assert_int_not_equal(big[i], LINK_FLAG);
}

static void test_stuff_random_roundtrip(void **st)
{
    (void)st;
    rng_state = 11;
    link_rx rx;
    link_rx_init(&rx);
    for (int it = 0; it < 2000; it++) {
        size_t n = rnd() % 300;
        fill_frame(&fa, (uint8_t)it, LINK_CMD_BATCH, n, rnd() % 4);
        for (size_t i = 0; i < n; i++)
            if (rnd() % 4 == 0)
                fa.payload[i] = (rnd() % 2) ? LINK_FLAG : LINK_ESC;
        size_t m = link_frame_encode(&fa, wire);
        assert_true(m <= LINK_MAX_WIRE);
        for (size_t i = 1; i + 1 < m; i++)
            assert_int_not_equal(wire[i], LINK_FLAG);
        assert_int_equal(feed_all(&rx, wire, m, &fb), 1);
        assert_int_equal(fb.len, n);
        assert_memory_equal(fb.payload, fa.payload, n);
    }
    /* an escape right before the flag aborts the frame */
    fill_frame(&fa, 1, LINK_CMD_BATCH, 10, 0);
    size_t m = link_frame_encode(&fa, wire);
    wire[m - 2] = LINK_ESC;
    assert_int_equal(feed_all(&rx, wire, m, &fb), 0);
    assert_non_null(strstr(rx.last.msg, "aborted"));
}

static void test_frame_roundtrip_lengths(void **st)
{
    (void)st;
    rng_state = 99;
    static const uint16_t lens[] = {0, 1, 2, 247, 248, 249, 250, 253, 254, 255, 256,
                                    500, 507, 508, 509, 762, 1000, 1023, LINK_MAX_PAYLOAD};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
        for (int mode = 0; mode < 3; mode++) {
            fill_frame(&fa, (uint8_t)k, LINK_CMD_BATCH, lens[k], mode);
            check_roundtrip(&fa);
        }
    /* header bytes that are zero and 0xFF */
    fill_frame(&fa, 0, 0, 0, 0);
    check_roundtrip(&fa);
    fill_frame(&fa, 0xFF, 0xFF, 3, 1);
    check_roundtrip(&fa);
    /* too long for the protocol: refused by the encoder */
    fa.len = LINK_MAX_PAYLOAD + 1;
    assert_int_equal(link_frame_encode(&fa, wire), 0);
}

static void test_frame_parse_errors(void **st)
{
    (void)st;
    loom_err e;
    uint8_t body[16] = {1, 2, 3, 0};
    assert_int_equal(link_frame_parse(body, 5, &fa, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "at least 6"));
    /* length field 3, carries 2 */
    body[2] = 3;
    body[3] = 0;
    assert_int_equal(link_frame_parse(body, 8, &fa, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "says 3"));
    /* correct length, wrong CRC */
    body[2] = 2;
    body[4] = 0xAA;
    body[5] = 0x55;
    uint16_t c = link_crc16(0xFFFF, body, 6);
    body[6] = (uint8_t)(c >> 8);
    body[7] = (uint8_t)(c ^ 1);
    assert_int_equal(link_frame_parse(body, 8, &fa, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "CRC"));
    body[7] = (uint8_t)c;
    assert_int_equal(link_frame_parse(body, 8, &fa, &e), LOOM_OK);
    assert_int_equal(fa.len, 2);
    assert_int_equal(fa.payload[0], 0xAA);
    /* longer than the protocol allows */
    static uint8_t big[LINK_MAX_BODY + 1];
    assert_int_equal(link_frame_parse(big, sizeof big, &fa, &e), LOOM_E_PARSE);
}

/* ---- receiver: garbage, flips, truncation ------------------------------------------- */

/* Feeds all bytes; returns the number of frames received, last in *out. */
static int feed_all(link_rx *rx, const uint8_t *p, size_t n, link_frame *out)
{
    int frames = 0;
    while (n) {
        int got;
        size_t u = link_rx_feed(rx, p, n, out, &got);
        frames += got > 0;
        p += u;
        n -= u;
    }
    return frames;
}

static void test_rx_random_garbage(void **st)
{
    (void)st;
    rng_state = 7;
    static uint8_t g[200000];
    for (size_t i = 0; i < sizeof g; i++) {
        g[i] = (uint8_t)rnd();
        if (rnd() % 64 == 0)
            g[i] = LINK_FLAG; /* frequent flags: many candidate frames */
    }
    link_rx rx;
    link_rx_init(&rx);
    assert_int_equal(feed_all(&rx, g, sizeof g, &fb), 0);
    assert_true(rx.cnt.crc_errors + rx.cnt.format_errors > 1000);
    /* and a good frame right after the garbage is received */
    fill_frame(&fa, 5, LINK_CMD_COUNTERS, 10, 2);
    size_t m = link_frame_encode(&fa, wire);
    assert_int_equal(feed_all(&rx, wire, m, &fb), 1);
    assert_int_equal(fb.seq, 5);
    assert_memory_equal(fb.payload, fa.payload, 10);
}

static void test_rx_every_bit_flip(void **st)
{
    (void)st;
    rng_state = 11;
    static const uint16_t lens[] = {0, 1, 12, 253, 260};
    for (size_t k = 0; k < 5; k++) {
        fill_frame(&fa, (uint8_t)(40 + k), LINK_CMD_BATCH, lens[k], k % 2 ? 2 : 1);
        size_t m = link_frame_encode(&fa, wire);
        link_frame good = fa;
        uint8_t next[64];
        link_frame f2;
        fill_frame(&f2, 77, LINK_CMD_IDENTIFY, 3, 2);
        size_t m2 = link_frame_encode(&f2, next);
        static uint8_t bad[LINK_MAX_WIRE];
        for (size_t i = 1; i + 1 < m; i++)
            for (int b = 0; b < 8; b++) {
                memcpy(bad, wire, m);
                bad[i] ^= (uint8_t)(1 << b);
                link_rx rx;
                link_rx_init(&rx);
                assert_int_equal(feed_all(&rx, bad, m, &fb), 0);
                assert_int_equal(rx.cnt.crc_errors + rx.cnt.format_errors >= 1, 1);
                /* resynchronised: the following frame arrives intact */
                assert_int_equal(feed_all(&rx, next, m2, &fb), 1);
                assert_int_equal(fb.seq, 77);
                assert_memory_equal(fb.payload, f2.payload, 3);
            }
        (void)good;
    }
}

static void test_rx_truncation_and_overflow(void **st)
{
    (void)st;
    rng_state = 3;
    fill_frame(&fa, 9, LINK_CMD_BATCH, 300, 2);
    size_t m = link_frame_encode(&fa, wire);
    link_frame f2;
    fill_frame(&f2, 10, LINK_CMD_BATCH, 4, 1);
    uint8_t next[64];
    size_t m2 = link_frame_encode(&f2, next);
    link_rx rx;
    link_rx_init(&rx);
    /* every truncation of the frame (no closing flag), followed by the next
     * frame whose leading flag ends the fragment */
    for (size_t cut = 1; cut < m - 1; cut++) {
        assert_int_equal(feed_all(&rx, wire, cut, &fb), 0);
        assert_int_equal(feed_all(&rx, next, m2, &fb), 1);
        assert_int_equal(fb.seq, 10);
    }
    assert_int_equal(rx.cnt.frames_ok, m - 2);
    assert_int_equal(rx.cnt.crc_errors + rx.cnt.format_errors, m - 3); /* cut == 1: empty */
    /* a frame of 3 bytes is a format error */
    link_rx_init(&rx);
    uint8_t trunc[5] = {LINK_FLAG, 0x05, 0x11, 0x12, LINK_FLAG};
    assert_int_equal(feed_all(&rx, trunc, 5, &fb), 0);
    assert_int_equal(rx.cnt.format_errors, 1);
    /* an endless frame: counted once, no overrun, resync after the flag */
    static uint8_t longf[LINK_MAX_WIRE + 500];
    memset(longf, 0x42, sizeof longf);
    link_rx_init(&rx);
    assert_int_equal(feed_all(&rx, longf, sizeof longf, &fb), 0);
    assert_int_equal(feed_all(&rx, next, m2, &fb), 1);
    assert_int_equal(rx.cnt.format_errors, 1);
    /* several frames in one buffer come out one per call */
    uint8_t two[128];
    memcpy(two, next, m2);
    memcpy(two + m2, next, m2);
    link_rx_init(&rx);
    int got;
    size_t u = link_rx_feed(&rx, two, 2 * m2, &fb, &got);
    assert_int_equal(got, 1);
    assert_int_equal(u, m2);
    u = link_rx_feed(&rx, two + m2, m2, &fb, &got);
    assert_int_equal(got, 1);
    /* a receiver limited to 8 payload bytes (a board's max_payload) counts
     * a longer, otherwise valid frame as a format error */
    link_rx_init(&rx);
    rx.max_payload = 8;
    link_frame f9;
    fill_frame(&f9, 11, LINK_CMD_BATCH, 9, 1);
    uint8_t w9[64];
    size_t m9 = link_frame_encode(&f9, w9);
    assert_int_equal(feed_all(&rx, w9, m9, &fb), 0);
    assert_int_equal(rx.cnt.format_errors, 1);
    assert_non_null(strstr(rx.last.msg, "at most 8"));
    f9.len = 8;
    m9 = link_frame_encode(&f9, w9);
    assert_int_equal(feed_all(&rx, w9, m9, &fb), 1);
    /* empty frames are not errors */
    uint8_t zeros[8];
    memset(zeros, LINK_FLAG, sizeof zeros);
    link_rx_init(&rx);
    assert_int_equal(feed_all(&rx, zeros, 8, &fb), 0);
    assert_int_equal(rx.cnt.format_errors + rx.cnt.crc_errors, 0);
}

/* ---- board: duplicate filter, sequence rule ------------------------------------------- */

typedef struct counter_board {
    uint32_t acc;     /* bumped by every executed request: side effect to count */
    unsigned executed;
} counter_board;

static void counter_exec(void *ctx, const link_frame *req, link_frame *resp)
{
    counter_board *b = ctx;
    b->executed++;
    b->acc += req->len ? req->payload[0] : 1;
    resp->cmd = LINK_ACK(req->cmd);
    resp->len = 4;
    link_put_le(resp->payload, b->acc, 4);
}

static link_frame mkreq(uint8_t seq, uint8_t cmd, uint8_t v)
{
    link_frame f;
    memset(&f, 0, sizeof f);
    f.seq = seq;
    f.cmd = cmd;
    f.len = 1;
    f.payload[0] = v;
    uint8_t w[64];
    link_rx rx;
    link_rx_init(&rx);
    size_t m = link_frame_encode(&f, w);
    int n = feed_all(&rx, w, m, &f); /* sets f.crc as a receiver would */
    assert_int_equal(n, 1);
    return f;
}

static void test_srv_window(void **st)
{
    (void)st;
    link_srv s;
    counter_board b = {0, 0};
    link_srv_init(&s, 4, 512);
    /* the first request after reset: seq 0 */
    link_frame r0 = mkreq(0, LINK_CMD_BATCH, 5);
    const link_frame *o = link_srv_handle(&s, &r0, counter_exec, &b);
    assert_int_equal(o->seq, 0);
    assert_int_equal(link_get_le(o->payload, 4), 5);
    /* IDENTIFY resynchronises with any seq */
    link_frame id = mkreq(200, LINK_CMD_IDENTIFY, 0);
    o = link_srv_handle(&s, &id, counter_exec, &b);
    assert_int_equal(o->cmd, LINK_ACK(LINK_CMD_IDENTIFY));
    assert_int_equal(s.expected, 201);
    /* a window of requests, executed in order */
    uint32_t acc[8];
    for (int k = 0; k < 6; k++) {
        link_frame r = mkreq((uint8_t)(201 + k), LINK_CMD_BATCH, (uint8_t)(k + 1));
        o = link_srv_handle(&s, &r, counter_exec, &b);
        assert_int_equal(o->cmd, LINK_ACK(LINK_CMD_BATCH));
        acc[k] = link_get_le(o->payload, 4);
    }
    assert_int_equal(b.executed, 8);
    /* retries of the last 4: answered from the cache, not executed */
    for (int k = 2; k < 6; k++) {
        link_frame r = mkreq((uint8_t)(201 + k), LINK_CMD_BATCH, 99);
        o = link_srv_handle(&s, &r, counter_exec, &b);
        assert_int_equal(o->seq, 201 + k);
        assert_int_equal(link_get_le(o->payload, 4), acc[k]);
    }
    assert_int_equal(b.executed, 8);
    assert_int_equal(s.cnt.duplicates, 4);
    /* older than the window, or ahead of it: NAK SEQ carrying the expected seq */
    link_frame old = mkreq(202, LINK_CMD_BATCH, 1), ahead = mkreq(211, LINK_CMD_BATCH, 1);
    o = link_srv_handle(&s, &old, counter_exec, &b);
    assert_int_equal(o->cmd, LINK_NAK(LINK_NAK_SEQ));
    assert_int_equal(o->len, 1);
    assert_int_equal(o->payload[0], 207);
    o = link_srv_handle(&s, &ahead, counter_exec, &b);
    assert_int_equal(o->cmd, LINK_NAK(LINK_NAK_SEQ));
    assert_int_equal(o->seq, 211);
    assert_int_equal(b.executed, 8);
    assert_int_equal(s.cnt.seq_errors, 2);
    /* a dropped frame: NAK FRAME carrying the expected seq */
    o = link_srv_dropped(&s);
    assert_int_equal(o->cmd, LINK_NAK(LINK_NAK_FRAME));
    assert_int_equal(o->payload[0], 207);
    /* after IDENTIFY the old responses are forgotten */
    link_frame id2 = mkreq(206, LINK_CMD_IDENTIFY, 0);
    link_srv_handle(&s, &id2, counter_exec, &b);
    link_frame r5 = mkreq(205, LINK_CMD_BATCH, 1);
    o = link_srv_handle(&s, &r5, counter_exec, &b);
    assert_int_equal(o->cmd, LINK_NAK(LINK_NAK_SEQ));
    /* sequence numbers wrap 255 -> 0 */
    link_frame w1 = mkreq(255, LINK_CMD_IDENTIFY, 0), w2 = mkreq(0, LINK_CMD_BATCH, 1);
    link_srv_handle(&s, &w1, counter_exec, &b);
    o = link_srv_handle(&s, &w2, counter_exec, &b);
    assert_int_equal(o->cmd, LINK_ACK(LINK_CMD_BATCH));
    o = link_srv_handle(&s, &w1, counter_exec, &b); /* IDENTIFY always runs */
    assert_int_equal(o->cmd, LINK_ACK(LINK_CMD_IDENTIFY));
}

/* The answers from o on (link_srv_more): their seqs and cmds, the count
 * returned. */
static int srv_answers(link_srv *s, const link_frame *o, uint8_t *seqs, uint8_t *cmds)
{
    int n = 0;
    for (; o; o = link_srv_more(s)) {
        seqs[n] = o->seq;
        cmds[n++] = o->cmd;
    }
    return n;
}

/* Selective repeat (protocol 3): requests that arrive after a damaged one
 * and ahead of the expected seq are held, and run (in seq order) as soon as
 * the damaged one's resend has run: one resend repairs the window. */
static void test_srv_selective_repeat(void **st)
{
    (void)st;
    link_srv s;
    counter_board b = {0, 0};
    link_srv_init(&s, 4, 512);
    uint8_t seqs[16], cmds[16];
    link_frame r0 = mkreq(10, LINK_CMD_IDENTIFY, 0);
    assert_non_null(link_srv_handle(&s, &r0, counter_exec, &b));
    assert_null(link_srv_more(&s));
    assert_int_equal(s.expected, 11);
    /* 11 is damaged on the way; 12, 13, 14 behind it are held, not NAKed */
    const link_frame *o = link_srv_dropped(&s);
    assert_int_equal(o->cmd, LINK_NAK(LINK_NAK_FRAME));
    assert_int_equal(o->payload[0], 11);
    assert_null(link_srv_more(&s));
    for (int k = 12; k <= 14; k++) {
        link_frame r = mkreq((uint8_t)k, LINK_CMD_BATCH, (uint8_t)k);
        assert_null(link_srv_handle(&s, &r, counter_exec, &b));
    }
    assert_int_equal(b.executed, 1);
    assert_int_equal(s.cnt.seq_errors, 0);
    /* a damaged frame now: NAK FRAME's seq byte is the held mask (12, 13, 14) */
    o = link_srv_dropped(&s);
    assert_int_equal(o->cmd, LINK_NAK(LINK_NAK_FRAME));
    assert_int_equal(o->seq, 7);
    assert_int_equal(o->payload[0], 11);
    /* the one resend: 11 runs, then 12, 13, 14, answered in order */
    link_frame r11 = mkreq(11, LINK_CMD_BATCH, 11);
    int n = srv_answers(&s, link_srv_handle(&s, &r11, counter_exec, &b), seqs, cmds);
    assert_int_equal(n, 4);
    for (int k = 0; k < 4; k++) {
        assert_int_equal(seqs[k], 11 + k);
        assert_int_equal(cmds[k], LINK_ACK(LINK_CMD_BATCH));
    }
    assert_int_equal(b.executed, 5);
    assert_int_equal(b.acc, 11 + 12 + 13 + 14);
    assert_int_equal(s.expected, 15);
    /* held out of order (17 before 16): one resend of 15 still runs all */
    link_frame r17 = mkreq(17, LINK_CMD_BATCH, 1), r16 = mkreq(16, LINK_CMD_BATCH, 1);
    assert_null(link_srv_handle(&s, &r17, counter_exec, &b));
    assert_int_equal(link_srv_dropped(&s)->seq, 2); /* 17 = 15 + 2 held */
    assert_null(link_srv_handle(&s, &r16, counter_exec, &b));
    link_frame r15 = mkreq(15, LINK_CMD_BATCH, 1);
    n = srv_answers(&s, link_srv_handle(&s, &r15, counter_exec, &b), seqs, cmds);
    assert_int_equal(n, 3);
    assert_int_equal(seqs[0], 15);
    assert_int_equal(seqs[1], 16);
    assert_int_equal(seqs[2], 17);
    /* a held request's copy is not run twice: 19 held twice, then 18 */
    link_frame r19 = mkreq(19, LINK_CMD_BATCH, 1), r18 = mkreq(18, LINK_CMD_BATCH, 1);
    assert_null(link_srv_handle(&s, &r19, counter_exec, &b));
    assert_null(link_srv_handle(&s, &r19, counter_exec, &b));
    unsigned ex = b.executed;
    n = srv_answers(&s, link_srv_handle(&s, &r18, counter_exec, &b), seqs, cmds);
    assert_int_equal(n, 2);
    assert_int_equal(b.executed, ex + 2);
    /* a copy arriving now is a retry: the cached answer */
    n = srv_answers(&s, link_srv_handle(&s, &r19, counter_exec, &b), seqs, cmds);
    assert_int_equal(n, 1);
    assert_int_equal(b.executed, ex + 2);
    /* held frames are given up once the frames since the first of them fill
     * half the receive ring (256 bytes): 21 (7 bytes) and 42 markers (252) */
    link_frame r21 = mkreq(21, LINK_CMD_BATCH, 1);
    assert_null(link_srv_handle(&s, &r21, counter_exec, &b));
    for (int k = 0; k < 42; k++)
        assert_non_null(link_srv_dropped(&s));
    link_frame r20 = mkreq(20, LINK_CMD_BATCH, 1);
    n = srv_answers(&s, link_srv_handle(&s, &r20, counter_exec, &b), seqs, cmds);
    assert_int_equal(n, 1); /* 21 is gone: the host resends it */
    n = srv_answers(&s, link_srv_handle(&s, &r21, counter_exec, &b), seqs, cmds);
    assert_int_equal(n, 1);
    assert_int_equal(seqs[0], 21);
    assert_int_equal(s.expected, 22);
    /* IDENTIFY starts a session: held frames are forgotten */
    link_frame r23 = mkreq(23, LINK_CMD_BATCH, 1), id = mkreq(100, LINK_CMD_IDENTIFY, 0);
    assert_null(link_srv_handle(&s, &r23, counter_exec, &b));
    assert_int_equal(srv_answers(&s, link_srv_handle(&s, &id, counter_exec, &b), seqs, cmds), 1);
    link_frame r22 = mkreq(22, LINK_CMD_BATCH, 1);
    o = link_srv_handle(&s, &r22, counter_exec, &b);
    assert_int_equal(o->cmd, LINK_NAK(LINK_NAK_SEQ));
    assert_null(link_srv_more(&s));
    /* go-back-N (protocol 2, the icestick firmware): ahead is NAK SEQ */
    link_srv_init(&s, 4, 512);
    s.sr = 0;
    link_frame g1 = mkreq(1, LINK_CMD_BATCH, 1);
    o = link_srv_handle(&s, &g1, counter_exec, &b);
    assert_int_equal(o->cmd, LINK_NAK(LINK_NAK_SEQ));
    assert_int_equal(o->payload[0], 0);
}

/* ---- BATCH ------------------------------------------------------------------------------ */

typedef struct mem_bus {
    uint32_t mem[256];
    uint32_t port_log[16];
    unsigned port_n, reads;
    unsigned busy_reads; /* STATUS (addr 0xF0) reads 1 this many times, then 0 */
    unsigned busy_cycles; /* the busy pin is high for this many samples */
} mem_bus;

static void mb_write(void *ctx, uint32_t a, uint32_t d)
{
    mem_bus *m = ctx;
    if (a == 0xF8) {
        m->port_log[m->port_n++ % 16] = d;
        return;
    }
    m->mem[a & 0xFF] = d;
}

static uint32_t mb_read(void *ctx, uint32_t a)
{
    mem_bus *m = ctx;
    m->reads++;
    if (a == 0xF0) {
        if (m->busy_reads) {
            m->busy_reads--;
            return 0x10001;
        }
        return 0x10000;
    }
    return m->mem[a & 0xFF];
}

static int mb_busy(void *ctx)
{
    mem_bus *m = ctx;
    if (!m->busy_cycles)
        return 0;
    m->busy_cycles--;
    return 1;
}

static void test_batch_exec(void **st)
{
    (void)st;
    static mem_bus m;
    memset(&m, 0, sizeof m);
    link_bus bus = {&m, mb_write, mb_read, mb_busy};
    static link_frame req, resp;
    size_t len = 0;
    uint32_t w[3] = {0x11111111, 0xDEADBEEF, 0x00000000};
    assert_int_equal(link_batch_write(req.payload, LINK_MAX_PAYLOAD, &len, 0x10, w, 3, 0, NULL), 0);
    assert_int_equal(link_batch_write(req.payload, LINK_MAX_PAYLOAD, &len, 0xF8, w, 2, 1, NULL), 0);
    assert_int_equal(link_batch_read(req.payload, LINK_MAX_PAYLOAD, &len, 0x11, 2, 0, NULL), 0);
    assert_int_equal(link_batch_read(req.payload, LINK_MAX_PAYLOAD, &len, 0x10, 2, 1, NULL), 0);
    assert_int_equal(len, 18 + 14 + 6 + 6);
    req.len = (uint16_t)len;
    req.seq = 4;
    size_t words = 0;
    assert_int_equal(link_batch_check(req.payload, len, &words), 0);
    assert_int_equal(words, 4);
    link_batch_exec(&req, &bus, 512, &resp);
    assert_int_equal(resp.cmd, LINK_ACK(LINK_CMD_BATCH));
    assert_int_equal(resp.seq, 4);
    assert_int_equal(resp.len, 16);
    assert_int_equal(link_get_le(resp.payload, 4), 0xDEADBEEF);
    assert_int_equal(link_get_le(resp.payload + 4, 4), 0);
    assert_int_equal(link_get_le(resp.payload + 8, 4), 0x11111111);
    assert_int_equal(link_get_le(resp.payload + 12, 4), 0x11111111);
    assert_int_equal(m.port_n, 2);
    assert_int_equal(m.port_log[1], 0xDEADBEEF);

    /* WAIT t: the busy pin may stay high t cycles, not t + 1 */
    len = 0;
    link_batch_wait(req.payload, LINK_MAX_PAYLOAD, &len, 3, NULL);
    link_batch_read(req.payload, LINK_MAX_PAYLOAD, &len, 0x12, 1, 0, NULL);
    req.len = (uint16_t)len;
    assert_int_equal(len, 4 + 6);
    assert_int_equal(req.payload[0], LINK_OP_WAIT);
    assert_int_equal(link_get_le(req.payload + 1, 3), 3);
    m.busy_cycles = 3;
    m.reads = 0;
    link_batch_exec(&req, &bus, 512, &resp);
    assert_int_equal(resp.cmd, LINK_ACK(LINK_CMD_BATCH));
    assert_int_equal(m.reads, 1);
    assert_int_equal(m.busy_cycles, 0);
    assert_int_equal(link_get_le(resp.payload, 4), 0);
    m.busy_cycles = 4;
    link_batch_exec(&req, &bus, 512, &resp);
    assert_int_equal(resp.cmd, LINK_NAK(LINK_NAK_TIMEOUT));
    assert_int_equal(resp.len, 0);
    /* the budget is capped at 2^24 - 1 cycles */
    len = 0;
    link_batch_wait(req.payload, LINK_MAX_PAYLOAD, &len, 0xFFFFFFFFu, NULL);
    assert_int_equal(link_get_le(req.payload + 1, 3), LINK_WAIT_MAX);

    /* the response would be too long for the board: NAK SIZE at the READ,
     * the WRITE before it stays applied (ops run as they are read) */
    len = 0;
    m.mem[0x20] = 1;
    link_batch_write(req.payload, LINK_MAX_PAYLOAD, &len, 0x20, w, 1, 0, NULL);
    link_batch_read(req.payload, LINK_MAX_PAYLOAD, &len, 0, 129, 0, NULL);
    req.len = (uint16_t)len;
    link_batch_exec(&req, &bus, 512, &resp);
    assert_int_equal(resp.cmd, LINK_NAK(LINK_NAK_SIZE));
    assert_int_equal(resp.len, 0);
    assert_int_equal(m.mem[0x20], 0x11111111);
    m.mem[0x20] = 1;
    link_batch_exec(&req, &bus, 516, &resp);
    assert_int_equal(resp.cmd, LINK_ACK(LINK_CMD_BATCH));
    assert_int_equal(m.mem[0x20], 0x11111111);

    /* malformed batches: NAK FORMAT where the op goes wrong, the valid op
     * before it applied (the host never sends such a batch: link_batch_check) */
    static const struct { uint8_t b[12]; size_t n; } bad[] = {
        {{0x07, 0, 0, 0, 1, 0}, 6},              /* unknown op */
        {{0x01, 0x30, 0, 0, 1, 0, 1, 2, 3}, 9},  /* WRITE data truncated */
        {{0x01, 0x30, 0, 0, 0, 0}, 6},           /* n = 0 */
        {{0x02, 0x30, 0, 0, 1}, 5},              /* READ header truncated */
        {{0x13, 0x30, 0, 0, 1, 0}, 6},           /* WAIT with FIXED flag */
        {{0x03, 0x30, 0}, 3},                    /* WAIT truncated */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        uint8_t pre[10] = {0x01, 0x31, 0, 0, 1, 0, 0xAA, 0xAA, 0xAA, 0xAA}; /* valid WRITE first */
        memcpy(req.payload, pre, 10);
        memcpy(req.payload + 10, bad[k].b, bad[k].n);
        req.len = (uint16_t)(10 + bad[k].n);
        m.mem[0x31] = 0;
        link_batch_exec(&req, &bus, 512, &resp);
        assert_int_equal(resp.cmd, LINK_NAK(LINK_NAK_FORMAT));
        assert_int_equal(m.mem[0x31], 0xAAAAAAAA);
        size_t rw;
        assert_int_equal(link_batch_check(req.payload, req.len, &rw), LINK_NAK_FORMAT);
    }
    /* builder argument checks */
    len = 0;
    loom_err e;
    assert_int_equal(link_batch_read(req.payload, 10, &len, 1u << 24, 1, 0, &e), LOOM_E_ARG);
    assert_int_equal(link_batch_read(req.payload, 10, &len, 0, 0, 0, &e), LOOM_E_ARG);
    assert_int_equal(link_batch_write(req.payload, 10, &len, 0, w, 2, 0, &e), LOOM_E_CAPACITY);
    assert_int_equal(len, 0);
}

UNIT_MAIN(test_crc_check_value, test_stuff_vectors, test_stuff_random_roundtrip,
          test_frame_roundtrip_lengths, test_frame_parse_errors, test_rx_random_garbage,
          test_rx_every_bit_flip, test_rx_truncation_and_overflow, test_srv_window,
          test_srv_selective_repeat, test_batch_exec)
