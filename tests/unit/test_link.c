/*
 * test_link.c -- framing, CRC, COBS, resynchronisation, duplicate filter,
 * BATCH and the retry state machine of sw/link.c, against hand-computed
 * vectors (CRC catalogue check value, the COBS paper's examples) and
 * adversarial byte streams with a deterministic PRNG.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

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

/* ---- COBS ---------------------------------------------------------------------- */

static void cobs_vec(const uint8_t *in, size_t n, const uint8_t *want, size_t wn)
{
    uint8_t out[600], back[600];
    size_t m = link_cobs_encode(in, n, out);
    assert_int_equal(m, wn);
    assert_memory_equal(out, want, wn);
    assert_true(m <= LINK_COBS_MAX(n));
    size_t bn = 0;
    loom_err e;
    assert_int_equal(link_cobs_decode(out, m, back, sizeof back, &bn, &e), LOOM_OK);
    assert_int_equal(bn, n);
    if (n)
        assert_memory_equal(back, in, n);
}

static void test_cobs_vectors(void **st)
{
    (void)st;
    /* the examples of the COBS paper / its usual summary */
    cobs_vec((const uint8_t[]){0}, 0, (const uint8_t[]){0x01}, 1);
    cobs_vec((const uint8_t[]){0x00}, 1, (const uint8_t[]){0x01, 0x01}, 2);
    cobs_vec((const uint8_t[]){0x00, 0x00}, 2, (const uint8_t[]){0x01, 0x01, 0x01}, 3);
    cobs_vec((const uint8_t[]){0x00, 0x11, 0x00}, 3, (const uint8_t[]){0x01, 0x02, 0x11, 0x01}, 4);
    cobs_vec((const uint8_t[]){0x11, 0x22, 0x00, 0x33}, 4,
             (const uint8_t[]){0x03, 0x11, 0x22, 0x02, 0x33}, 5);
    cobs_vec((const uint8_t[]){0x11, 0x22, 0x33, 0x44}, 4,
             (const uint8_t[]){0x05, 0x11, 0x22, 0x33, 0x44}, 5);
    cobs_vec((const uint8_t[]){0x11, 0x00, 0x00, 0x00}, 4,
             (const uint8_t[]){0x02, 0x11, 0x01, 0x01, 0x01}, 5);

    uint8_t in[300], want[300];
    /* 01..FE (254 bytes) -> FF 01..FE */
    for (int i = 0; i < 254; i++)
        in[i] = (uint8_t)(i + 1);
    want[0] = 0xFF;
    memcpy(want + 1, in, 254);
    cobs_vec(in, 254, want, 255);
    /* 00 01..FE (255 bytes) -> 01 FF 01..FE */
    in[0] = 0;
    for (int i = 1; i < 255; i++)
        in[i] = (uint8_t)i;
    want[0] = 0x01;
    want[1] = 0xFF;
    memcpy(want + 2, in + 1, 254);
    cobs_vec(in, 255, want, 256);
    /* 01..FF (255 bytes) -> FF 01..FE 02 FF */
    for (int i = 0; i < 255; i++)
        in[i] = (uint8_t)(i + 1);
    want[0] = 0xFF;
    memcpy(want + 1, in, 254);
    want[255] = 0x02;
    want[256] = 0xFF;
    cobs_vec(in, 255, want, 257);
    /* 02..FF 00 (255 bytes) -> FF 02..FF 01 01 */
    for (int i = 0; i < 254; i++)
        in[i] = (uint8_t)(i + 2);
    in[254] = 0;
    want[0] = 0xFF;
    memcpy(want + 1, in, 254);
    want[255] = 0x01;
    want[256] = 0x01;
    cobs_vec(in, 255, want, 257);
    /* 03..FF 00 01 (255 bytes) -> FE 03..FF 02 01 */
    for (int i = 0; i < 253; i++)
        in[i] = (uint8_t)(i + 3);
    in[253] = 0;
    in[254] = 1;
    want[0] = 0xFE;
    memcpy(want + 1, in, 253);
    want[254] = 0x02;
    want[255] = 0x01;
    cobs_vec(in, 255, want, 256);
}

static void test_cobs_random_roundtrip(void **st)
{
    (void)st;
    rng_state = 0x1234567;
    uint8_t in[1100], enc[1200], back[1100];
    for (int t = 0; t < 400; t++) {
        size_t n = rnd() % 1100;
        int zeros = rnd() % 4; /* 0: none, 1: rare, 2: many, 3: all */
        for (size_t i = 0; i < n; i++) {
            uint8_t b = (uint8_t)rnd();
            if (zeros == 0 && b == 0)
                b = 1;
            if (zeros == 2 && rnd() % 3 == 0)
                b = 0;
            if (zeros == 3)
                b = 0;
            in[i] = b;
        }
        size_t m = link_cobs_encode(in, n, enc);
        assert_true(m <= LINK_COBS_MAX(n));
        for (size_t i = 0; i < m; i++)
            assert_int_not_equal(enc[i], 0);
        size_t bn;
        assert_int_equal(link_cobs_decode(enc, m, back, sizeof back, &bn, NULL), LOOM_OK);
        assert_int_equal(bn, n);
        assert_memory_equal(back, in, n);
    }
}

static void test_cobs_decode_errors(void **st)
{
    (void)st;
    uint8_t out[16];
    size_t n;
    loom_err e;
    /* block runs past the end */
    assert_int_equal(link_cobs_decode((const uint8_t[]){0x05, 0x11, 0x22}, 3, out, 16, &n, &e),
                     LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "byte 0"));
    /* 0x00 inside */
    assert_int_equal(link_cobs_decode((const uint8_t[]){0x03, 0x11, 0x00}, 3, out, 16, &n, &e),
                     LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "byte 2"));
    assert_int_equal(link_cobs_decode((const uint8_t[]){0x00}, 1, out, 16, &n, &e), LOOM_E_PARSE);
    /* output beyond cap */
    assert_int_equal(link_cobs_decode((const uint8_t[]){0x04, 1, 2, 3}, 4, out, 2, &n, &e),
                     LOOM_E_PARSE);
    assert_int_equal(link_cobs_decode((const uint8_t[]){0x01, 0x01, 0x01}, 3, out, 1, &n, &e),
                     LOOM_E_PARSE);
}

/* ---- frames ---------------------------------------------------------------------- */

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
    assert_int_equal(wire[0], 0);
    assert_int_equal(wire[m - 1], 0);
    for (size_t i = 1; i + 1 < m; i++)
        assert_int_not_equal(wire[i], 0);
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
        frames += got;
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
            g[i] = 0; /* frequent delimiters: many candidate frames */
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
    /* every truncation of the frame (no closing 0x00), followed by the next
     * frame whose leading 0x00 ends the fragment */
    for (size_t cut = 1; cut < m - 1; cut++) {
        assert_int_equal(feed_all(&rx, wire, cut, &fb), 0);
        assert_int_equal(feed_all(&rx, next, m2, &fb), 1);
        assert_int_equal(fb.seq, 10);
    }
    assert_int_equal(rx.cnt.frames_ok, m - 2);
    assert_int_equal(rx.cnt.crc_errors + rx.cnt.format_errors, m - 3); /* cut == 1: empty */
    /* the frame cut in the middle of its COBS stream is a format error */
    link_rx_init(&rx);
    uint8_t trunc[4] = {0, 0x05, 0x11, 0x00};
    assert_int_equal(feed_all(&rx, trunc, 4, &fb), 0);
    assert_int_equal(rx.cnt.format_errors, 1);
    assert_non_null(strstr(rx.last.msg, "COBS"));
    /* an endless frame: counted once, no overrun, resync after the 0x00 */
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
    uint8_t zeros[8] = {0};
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

static void test_srv_duplicates_and_order(void **st)
{
    (void)st;
    link_srv s;
    counter_board b = {0, 0};
    link_srv_init(&s);
    link_frame r1 = mkreq(200, LINK_CMD_BATCH, 5);
    const link_frame *o = link_srv_handle(&s, &r1, counter_exec, &b);
    assert_int_equal(o->seq, 200);
    assert_int_equal(link_get_le(o->payload, 4), 5);
    /* duplicate: same answer, not executed again */
    o = link_srv_handle(&s, &r1, counter_exec, &b);
    assert_int_equal(b.executed, 1);
    assert_int_equal(link_get_le(o->payload, 4), 5);
    assert_int_equal(s.cnt.duplicates, 1);
    /* out of order (skips 201): NAK SEQ, not executed, not cached */
    link_frame r3 = mkreq(202, LINK_CMD_BATCH, 7);
    o = link_srv_handle(&s, &r3, counter_exec, &b);
    assert_int_equal(o->cmd, LINK_NAK(LINK_NAK_SEQ));
    assert_int_equal(o->seq, 202);
    assert_int_equal(b.executed, 1);
    /* the previous response is still the cached one */
    o = link_srv_handle(&s, &r1, counter_exec, &b);
    assert_int_equal(link_get_le(o->payload, 4), 5);
    /* in order: executed */
    link_frame r2 = mkreq(201, LINK_CMD_BATCH, 3);
    o = link_srv_handle(&s, &r2, counter_exec, &b);
    assert_int_equal(link_get_le(o->payload, 4), 8);
    /* a late replay of 200 is now out of order */
    o = link_srv_handle(&s, &r1, counter_exec, &b);
    assert_int_equal(o->cmd, LINK_NAK(LINK_NAK_SEQ));
    assert_int_equal(b.executed, 2);
    /* same seq as last but different content (a new host session): refused */
    link_frame r2b = mkreq(201, LINK_CMD_BATCH, 9);
    o = link_srv_handle(&s, &r2b, counter_exec, &b);
    assert_int_equal(o->cmd, LINK_NAK(LINK_NAK_SEQ));
    /* IDENTIFY resynchronises with any seq */
    link_frame id = mkreq(17, LINK_CMD_IDENTIFY, 0);
    o = link_srv_handle(&s, &id, counter_exec, &b);
    assert_int_equal(o->cmd, LINK_ACK(LINK_CMD_IDENTIFY));
    link_frame r18 = mkreq(18, LINK_CMD_BATCH, 1);
    o = link_srv_handle(&s, &r18, counter_exec, &b);
    assert_int_equal(o->cmd, LINK_ACK(LINK_CMD_BATCH));
    assert_int_equal(b.executed, 4);
    assert_int_equal(s.cnt.seq_errors, 3);
    /* sequence numbers wrap 255 -> 0 */
    link_frame w1 = mkreq(255, LINK_CMD_IDENTIFY, 0), w2 = mkreq(0, LINK_CMD_BATCH, 1);
    link_srv_handle(&s, &w1, counter_exec, &b);
    o = link_srv_handle(&s, &w2, counter_exec, &b);
    assert_int_equal(o->cmd, LINK_ACK(LINK_CMD_BATCH));
}

/* ---- BATCH ------------------------------------------------------------------------------ */

typedef struct mem_bus {
    uint32_t mem[256];
    uint32_t port_log[16];
    unsigned port_n, reads;
    unsigned busy_reads; /* STATUS (addr 0xF0) reads 1 this many times, then 0 */
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

static void test_batch_exec(void **st)
{
    (void)st;
    static mem_bus m;
    memset(&m, 0, sizeof m);
    link_bus bus = {&m, mb_write, mb_read};
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

    /* WAIT: succeeds after 3 busy polls, times out with fewer polls */
    len = 0;
    link_batch_wait(req.payload, LINK_MAX_PAYLOAD, &len, 0xF0, 1, 0, 4, NULL);
    link_batch_read(req.payload, LINK_MAX_PAYLOAD, &len, 0x12, 1, 0, NULL);
    req.len = (uint16_t)len;
    m.busy_reads = 3;
    m.reads = 0;
    link_batch_exec(&req, &bus, 512, &resp);
    assert_int_equal(resp.cmd, LINK_ACK(LINK_CMD_BATCH));
    assert_int_equal(m.reads, 5);
    assert_int_equal(link_get_le(resp.payload, 4), 0);
    m.busy_reads = 4;
    link_batch_exec(&req, &bus, 512, &resp);
    assert_int_equal(resp.cmd, LINK_NAK(LINK_NAK_TIMEOUT));
    assert_int_equal(resp.len, 0);

    /* the response would be too long for the board: refused before any op */
    len = 0;
    m.mem[0x20] = 1;
    link_batch_write(req.payload, LINK_MAX_PAYLOAD, &len, 0x20, w, 1, 0, NULL);
    link_batch_read(req.payload, LINK_MAX_PAYLOAD, &len, 0, 129, 0, NULL);
    req.len = (uint16_t)len;
    link_batch_exec(&req, &bus, 512, &resp);
    assert_int_equal(resp.cmd, LINK_NAK(LINK_NAK_SIZE));
    assert_int_equal(m.mem[0x20], 1);
    link_batch_exec(&req, &bus, 516, &resp);
    assert_int_equal(resp.cmd, LINK_ACK(LINK_CMD_BATCH));
    assert_int_equal(m.mem[0x20], 0x11111111);

    /* malformed batches: nothing applied */
    static const struct { uint8_t b[12]; size_t n; } bad[] = {
        {{0x07, 0, 0, 0, 1, 0}, 6},              /* unknown op */
        {{0x01, 0x30, 0, 0, 1, 0, 1, 2, 3}, 9},  /* WRITE data truncated */
        {{0x01, 0x30, 0, 0, 0, 0}, 6},           /* n = 0 */
        {{0x02, 0x30, 0, 0, 1}, 5},              /* READ header truncated */
        {{0x13, 0x30, 0, 0, 1, 0}, 6},           /* WAIT with FIXED flag */
        {{0x03, 0x30, 0, 0, 1, 0, 0, 0, 0}, 9},  /* WAIT truncated */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        uint8_t pre[10] = {0x01, 0x31, 0, 0, 1, 0, 0xAA, 0xAA, 0xAA, 0xAA}; /* valid WRITE first */
        memcpy(req.payload, pre, 10);
        memcpy(req.payload + 10, bad[k].b, bad[k].n);
        req.len = (uint16_t)(10 + bad[k].n);
        m.mem[0x31] = 0;
        link_batch_exec(&req, &bus, 512, &resp);
        assert_int_equal(resp.cmd, LINK_NAK(LINK_NAK_FORMAT));
        assert_int_equal(m.mem[0x31], 0);
    }
    /* builder argument checks */
    len = 0;
    loom_err e;
    assert_int_equal(link_batch_read(req.payload, 10, &len, 1u << 24, 1, 0, &e), LOOM_E_ARG);
    assert_int_equal(link_batch_read(req.payload, 10, &len, 0, 0, 0, &e), LOOM_E_ARG);
    assert_int_equal(link_batch_write(req.payload, 10, &len, 0, w, 2, 0, &e), LOOM_E_CAPACITY);
    assert_int_equal(len, 0);
}

/* ---- the retry state machine over a lossy channel ------------------------------------------ */

typedef struct chan {
    uint8_t q[1 << 16];
    size_t n;
    unsigned p_drop, p_flip, p_dup; /* per mille per byte (dup: per frame) */
    unsigned dropped, flipped;
} chan;

/* Sends bytes through the faulty channel into its queue. */
static void chan_send(chan *c, const uint8_t *p, size_t n)
{
    int dup = rnd() % 1000 < c->p_dup;
    for (int r = 0; r <= dup; r++)
        for (size_t i = 0; i < n; i++) {
            if (rnd() % 1000 < c->p_drop) {
                c->dropped++;
                continue;
            }
            uint8_t b = p[i];
            if (rnd() % 1000 < c->p_flip) {
                b ^= (uint8_t)(1u << (rnd() % 8));
                c->flipped++;
            }
            if (c->n < sizeof c->q)
                c->q[c->n++] = b;
        }
}

typedef struct sim_board {
    link_rx rx;
    link_srv srv;
    mem_bus mem;
    uint32_t steps; /* writes to 0xE0 add their value: never twice */
    link_bus bus;
} sim_board;

static void sb_write(void *ctx, uint32_t a, uint32_t d)
{
    sim_board *b = ctx;
    if (a == 0xE0)
        b->steps += d;
    else
        mb_write(&b->mem, a, d);
}

static uint32_t sb_read(void *ctx, uint32_t a)
{
    sim_board *b = ctx;
    return a == 0xE0 ? b->steps : mb_read(&b->mem, a);
}

static void sb_exec(void *ctx, const link_frame *req, link_frame *resp)
{
    sim_board *b = ctx;
    if (req->cmd == LINK_CMD_BATCH) {
        link_batch_exec(req, &b->bus, 512, resp);
    } else if (req->cmd == LINK_CMD_IDENTIFY) {
        link_identify id = {LINK_PROTO_VERSION, 3, 7, 512, 12000000, 4};
        resp->cmd = LINK_ACK(LINK_CMD_IDENTIFY);
        resp->len = LINK_IDENTIFY_LEN;
        link_identify_format(&id, resp->payload);
    } else {
        resp->cmd = LINK_NAK(LINK_NAK_CMD);
        resp->len = 0;
    }
}

/* One board turn: consume the host->board queue, answer into board->host. */
static void board_turn(sim_board *b, chan *in, chan *out)
{
    static link_frame req;
    static uint8_t w[LINK_MAX_WIRE];
    size_t off = 0;
    while (off < in->n) {
        int got;
        off += link_rx_feed(&b->rx, in->q + off, in->n - off, &req, &got);
        if (got) {
            const link_frame *r = link_srv_handle(&b->srv, &req, sb_exec, b);
            chan_send(out, w, link_frame_encode(r, w));
        }
    }
    in->n = 0;
}

static void run_lossy(unsigned p_drop, unsigned p_flip, unsigned p_dup, unsigned n_req,
                      unsigned *resends, unsigned *board_dups)
{
    static sim_board b;
    static chan up, down;
    static link_arq arq;
    static link_rx hrx;
    static link_frame resp;
    static uint8_t w[LINK_MAX_WIRE];
    memset(&b, 0, sizeof b);
    link_rx_init(&b.rx);
    link_srv_init(&b.srv);
    b.bus = (link_bus){&b, sb_write, sb_read};
    memset(&up, 0, sizeof up);
    memset(&down, 0, sizeof down);
    up.p_drop = down.p_drop = p_drop;
    up.p_flip = down.p_flip = p_flip;
    up.p_dup = down.p_dup = p_dup;
    link_arq_init(&arq, 250, 60);
    link_rx_init(&hrx);
    uint32_t want_steps = 0;
    for (unsigned r = 0; r < n_req; r++) {
        uint8_t pl[64];
        size_t len = 0;
        uint8_t cmd = LINK_CMD_BATCH;
        uint32_t v = 1 + r % 5;
        if (r == 0) {
            cmd = LINK_CMD_IDENTIFY;
        } else {
            link_batch_write(pl, sizeof pl, &len, 0xE0, &v, 1, 0, NULL);
            link_batch_read(pl, sizeof pl, &len, 0xE0, 1, 0, NULL);
            want_steps += v;
        }
        assert_int_equal(link_arq_request(&arq, cmd, pl, (uint16_t)len, NULL), LOOM_OK);
        int done = 0;
        while (!done) {
            assert_true(link_arq_send(&arq)); /* never gives up at these rates */
            chan_send(&up, w, link_frame_encode(&arq.req, w));
            board_turn(&b, &up, &down);
            size_t off = 0;
            while (off < down.n && !done) {
                int got;
                off += link_rx_feed(&hrx, down.q + off, down.n - off, &resp, &got);
                if (got) {
                    link_verdict vd = link_arq_accept(&arq, &resp);
                    assert_int_not_equal(vd, LINK_V_BAD);
                    done = vd == LINK_V_DONE;
                }
            }
            /* bytes after the response stay for the next turn (stale dups) */
            memmove(down.q, down.q + off, down.n - off);
            down.n -= off;
            /* no response: this is the host's timeout, resend */
        }
        assert_false(LINK_IS_NAK(resp.cmd));
        if (cmd == LINK_CMD_BATCH) {
            /* exactly once: the read-back equals the sum of all steps so far */
            assert_int_equal(resp.len, 4);
            assert_int_equal(link_get_le(resp.payload, 4), want_steps);
        } else {
            link_identify id;
            assert_int_equal(link_identify_parse(resp.payload, resp.len, &id, NULL), LOOM_OK);
            assert_int_equal(id.board_id, 7);
            assert_int_equal(id.clk_hz, 12000000);
        }
    }
    assert_int_equal(b.steps, want_steps);
    *resends = arq.cnt.duplicates;
    *board_dups = b.srv.cnt.duplicates;
}

static void test_arq_lossless(void **st)
{
    (void)st;
    rng_state = 42;
    unsigned res, dups;
    run_lossy(0, 0, 0, 300, &res, &dups);
    assert_int_equal(res, 0);
    assert_int_equal(dups, 0);
}

static void test_arq_lossy_channel(void **st)
{
    (void)st;
    rng_state = 43;
    unsigned res, dups;
    /* 1% of bytes dropped and 1% flipped in each direction, 5% of frames
     * duplicated: every step still counted exactly once */
    run_lossy(10, 10, 50, 3000, &res, &dups);
    assert_true(res > 100);  /* the channel really lost frames ... */
    assert_true(dups > 20);  /* ... including responses (board answered dups) */
    /* a harsh channel: 3% drops, 3% flips (frames of ~20 bytes get through
     * about half the time each way) */
    rng_state = 44;
    run_lossy(30, 30, 100, 300, &res, &dups);
    assert_true(res > 100);
}

static void test_arq_rules(void **st)
{
    (void)st;
    link_arq a;
    loom_err e;
    link_arq_init(&a, 255, 3);
    assert_int_equal(link_arq_request(&a, LINK_CMD_BATCH, NULL, 0, &e), LOOM_OK);
    assert_int_equal(a.req.seq, 255);
    assert_int_equal(link_arq_request(&a, LINK_CMD_BATCH, NULL, 0, &e), LOOM_E_ARG);
    link_frame r = {0};
    r.seq = 254;
    r.cmd = LINK_ACK(LINK_CMD_BATCH);
    assert_int_equal(link_arq_accept(&a, &r), LINK_V_STALE);
    r.seq = 255;
    r.cmd = LINK_ACK(LINK_CMD_IDENTIFY);
    assert_int_equal(link_arq_accept(&a, &r), LINK_V_BAD);
    assert_int_equal(link_arq_send(&a), 1);
    assert_int_equal(link_arq_send(&a), 1);
    assert_int_equal(link_arq_send(&a), 1);
    assert_int_equal(link_arq_send(&a), 0); /* gave up after 3 sends */
    assert_int_equal(link_arq_request(&a, LINK_CMD_BATCH, NULL, 0, &e), LOOM_OK);
    assert_int_equal(a.req.seq, 0); /* wraps */
    r.seq = 0;
    r.cmd = LINK_NAK(LINK_NAK_TIMEOUT);
    assert_int_equal(link_arq_accept(&a, &r), LINK_V_DONE);
    assert_int_equal(link_arq_accept(&a, &r), LINK_V_STALE); /* a dup of it later */
    assert_int_equal(link_arq_request(&a, 1, NULL, LINK_MAX_PAYLOAD + 1, &e), LOOM_E_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc_check_value),
        cmocka_unit_test(test_cobs_vectors),
        cmocka_unit_test(test_cobs_random_roundtrip),
        cmocka_unit_test(test_cobs_decode_errors),
        cmocka_unit_test(test_frame_roundtrip_lengths),
        cmocka_unit_test(test_frame_parse_errors),
        cmocka_unit_test(test_rx_random_garbage),
        cmocka_unit_test(test_rx_every_bit_flip),
        cmocka_unit_test(test_rx_truncation_and_overflow),
        cmocka_unit_test(test_srv_duplicates_and_order),
        cmocka_unit_test(test_batch_exec),
        cmocka_unit_test(test_arq_lossless),
        cmocka_unit_test(test_arq_lossy_channel),
        cmocka_unit_test(test_arq_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
