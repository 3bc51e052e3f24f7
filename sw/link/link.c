/*
 * link.c -- framing, CRC, resynchronisation, the board's sequence rule and
 * response cache, and BATCH payloads of the Loom link v2 (see link.h and
 * docs/protocol.md).
 *
 * Invariants: a frame is handed upwards only when its stuffing, its length
 * field and its CRC all agree; the board (link_srv) executes a request only
 * when its seq is the expected one (IDENTIFY excepted), so a request is
 * executed at most once and never out of order (a request that arrives
 * ahead of its turn waits in the receive ring); a retry of one of the last
 * `depth` executed requests gets its cached response.  The RTL
 * (rtl/loom_link_rx.v, loom_link_tx.v, loom_cmd.v) implements the same rules;
 * tests/rtl/tb_link.cpp holds both to them byte for byte.
 */
#include "link.h"

#include <string.h>

uint16_t link_crc16(uint16_t crc, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

/* ---- stuffing ------------------------------------------------------------- */

size_t link_stuff(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] == LINK_FLAG || in[i] == LINK_ESC) {
            out[o++] = LINK_ESC;
            out[o++] = in[i] ^ 0x20;
        } else {
            out[o++] = in[i];
        }
    }
    return o;
}

/* ---- frames ----------------------------------------------------------------- */

size_t link_frame_encode(const link_frame *f, uint8_t *out)
{
    uint8_t body[LINK_MAX_BODY];
    if (f->len > LINK_MAX_PAYLOAD)
        return 0;
    body[0] = f->seq;
    body[1] = f->cmd;
    link_put_le(body + 2, f->len, 2);
    memcpy(body + LINK_HDR, f->payload, f->len);
    size_t n = LINK_HDR + f->len;
    uint16_t crc = link_crc16(0xFFFF, body, n);
    body[n++] = (uint8_t)(crc >> 8);
    body[n++] = (uint8_t)crc;
    out[0] = LINK_FLAG;
    size_t m = link_stuff(body, n, out + 1);
    out[1 + m] = LINK_FLAG;
    return m + 2;
}

loom_status link_frame_parse(const uint8_t *body, size_t n, link_frame *f, loom_err *e)
{
    if (n < LINK_HDR + LINK_CRC)
        return loom_fail(e, LOOM_E_PARSE, "frame of %zu bytes, at least %d expected", n,
                         LINK_HDR + LINK_CRC);
    if (n > LINK_MAX_BODY)
        return loom_fail(e, LOOM_E_PARSE, "frame of %zu bytes, at most %d allowed", n,
                         LINK_MAX_BODY);
    uint16_t len = (uint16_t)link_get_le(body + 2, 2);
    if ((size_t)len + LINK_HDR + LINK_CRC != n)
        return loom_fail(e, LOOM_E_PARSE, "length field says %u payload bytes, frame carries %zu",
                         len, n - LINK_HDR - LINK_CRC);
    uint16_t want = link_crc16(0xFFFF, body, n - LINK_CRC);
    uint16_t got = (uint16_t)(body[n - 2] << 8 | body[n - 1]);
    if (want != got)
        return loom_fail(e, LOOM_E_PARSE, "CRC 0x%04X in frame seq %u, computed 0x%04X", got,
                         body[0], want);
    f->seq = body[0];
    f->cmd = body[1];
    f->len = len;
    f->crc = got;
    memcpy(f->payload, body + LINK_HDR, len);
    return LOOM_OK;
}

/* ---- streaming receiver ------------------------------------------------------- */

void link_rx_init(link_rx *rx)
{
    memset(rx, 0, sizeof *rx);
    rx->max_payload = LINK_MAX_PAYLOAD;
}

/* One frame (between flags) in rx->buf: 1 valid, -1 dropped, 0 empty. */
static int rx_finish(link_rx *rx, link_frame *out)
{
    int r = -1;
    if (rx->n == 0 && !rx->bad && !rx->esc) {
        r = 0; /* empty frame: a sync marker, nothing to count */
    } else if (rx->bad || rx->esc) {
        if (rx->esc)
            loom_fail(&rx->last, LOOM_E_PARSE, "frame aborted (escape before the flag)");
        else
            loom_fail(&rx->last, LOOM_E_PARSE, "frame longer than %d bytes", LINK_MAX_BODY);
        rx->cnt.format_errors++;
    } else if (link_frame_parse(rx->buf, rx->n, out, &rx->last) != LOOM_OK) {
        /* distinguish the CRC from the shape: the shape is checked first */
        if (strncmp(rx->last.msg, "CRC", 3) == 0)
            rx->cnt.crc_errors++;
        else
            rx->cnt.format_errors++;
    } else if (out->len > rx->max_payload) {
        loom_fail(&rx->last, LOOM_E_PARSE, "payload of %u bytes, at most %u accepted", out->len,
                  rx->max_payload);
        rx->cnt.format_errors++;
    } else {
        rx->cnt.frames_ok++;
        r = 1;
    }
    rx->n = 0;
    rx->bad = 0;
    rx->esc = 0;
    return r;
}

size_t link_rx_feed(link_rx *rx, const uint8_t *p, size_t n, link_frame *out, int *got)
{
    *got = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c == LINK_FLAG) {
            int r = rx_finish(rx, out);
            if (r) {
                *got = r;
                return i + 1;
            }
        } else if (c == LINK_ESC && !rx->esc) {
            rx->esc = 1;
        } else {
            if (rx->esc)
                c ^= 0x20;
            rx->esc = 0;
            if (rx->n < sizeof rx->buf)
                rx->buf[rx->n++] = c;
            else
                rx->bad = 1;
        }
    }
    return n;
}

/* ---- board: sequence rule and response cache ------------------------------------ */

void link_srv_init(link_srv *s, unsigned window, unsigned ring_bytes)
{
    memset(s, 0, sizeof *s);
    s->window = window ? window : 4;
    s->ring_bytes = ring_bytes ? ring_bytes : 512;
    s->sr = 1;
}

/* The frame whose body starts at ring offset off. */
static const link_frame *srv_from_ring(link_srv *s, unsigned off)
{
    const unsigned m = s->ring_bytes - 1;
    s->out.seq = s->ring[off & m];
    s->out.cmd = s->ring[(off + 1) & m];
    s->out.len = (uint16_t)(s->ring[(off + 2) & m] | s->ring[(off + 3) & m] << 8);
    if (s->out.len > LINK_MAX_PAYLOAD)
        s->out.len = LINK_MAX_PAYLOAD;
    for (unsigned i = 0; i < s->out.len; i++)
        s->out.payload[i] = s->ring[(off + 4 + i) & m];
    return &s->out;
}

static const link_frame *srv_nak(link_srv *s, uint8_t seq, int code)
{
    s->out.seq = seq;
    s->out.cmd = LINK_NAK(code);
    s->out.len = 1;
    s->out.payload[0] = s->expected;
    return &s->out;
}

/* Executes the request in s->req: response cached, expected advanced. */
static const link_frame *srv_exec(link_srv *s)
{
    const link_frame *req = &s->req;
    if (req->cmd == LINK_CMD_IDENTIFY)
        s->depth = 0;
    static _Thread_local link_frame resp;
    resp.seq = req->seq;
    resp.len = 0;
    s->fn(s->ctx, req, &resp);
    if (LINK_IS_NAK(resp.cmd))
        resp.len = 0;
    const unsigned m = s->ring_bytes - 1, at = s->twp;
    s->ring[at & m] = req->seq;
    s->ring[(at + 1) & m] = resp.cmd;
    s->ring[(at + 2) & m] = (uint8_t)resp.len;
    s->ring[(at + 3) & m] = (uint8_t)(resp.len >> 8);
    for (unsigned i = 0; i < resp.len; i++)
        s->ring[(at + 4 + i) & m] = resp.payload[i];
    s->twp = (at + 4 + resp.len) & m;
    s->tab[req->seq & (s->window - 1)] = (uint16_t)at;
    if (s->depth < s->window)
        s->depth++;
    s->expected = (uint8_t)(req->seq + 1);
    s->hm >>= 1; /* the held mask is relative to expected */
    s->cnt.frames_ok++;
    return srv_from_ring(s, at);
}

/* loom_cmd's loop over the receive ring (S_IDLE .. S_TX): the frames from
 * rp on, in ring order, until one is answered (returned) or none is left
 * (NULL).  A rescan goes over the held region again, from the first held
 * frame to sc, running the frames whose seq is the expected one and
 * skipping the rest without an answer. */
static const link_frame *srv_run(link_srv *s)
{
    const unsigned rm = LINK_RING_MAX - 1;
    for (;;) {
        if (s->resc && s->rp == s->sc) {
            if (s->nhf && s->exe) {
                s->rp = s->fbase = s->nh; /* frames ran: those held may be next */
            } else {
                s->resc = 0;
                s->hold = s->nhf;
                if (!s->nhf)
                    s->hm = 0;
                s->fbase = s->nhf ? s->nh : s->sc;
            }
            s->nhf = s->exe = 0;
            continue;
        }
        if (s->rp == s->wp)
            return NULL;
        const unsigned off = s->rp;
        const uint8_t seq = s->rxr[off & rm], cmd = s->rxr[(off + 1) & rm];
        const unsigned len = s->rxr[(off + 2) & rm] | (unsigned)s->rxr[(off + 3) & rm] << 8;
        const unsigned next = off + LINK_HDR + LINK_CRC + len;
        const uint8_t behind = (uint8_t)(s->expected - seq), ahead = (uint8_t)(seq - s->expected);
        const int held = s->sr && ahead >= 1 && ahead < s->window;
        const int run = cmd != 0 && (s->resc ? seq == s->expected && cmd != LINK_CMD_IDENTIFY
                                             : cmd == LINK_CMD_IDENTIFY || seq == s->expected);
        const link_frame *r = NULL;
        int ex = 0;
        if (run && !s->fn)
            return NULL; /* nothing to run it with before the first link_srv_handle */
        if (run) {
            s->req.seq = seq;
            s->req.cmd = cmd;
            s->req.len = (uint16_t)len;
            for (unsigned i = 0; i < len; i++)
                s->req.payload[i] = s->rxr[(off + LINK_HDR + i) & rm];
            if (s->resc)
                s->exe = 1;
            if (cmd == LINK_CMD_IDENTIFY)
                s->hold = 0, s->hm = 0; /* a new session: the held frames are gone */
            ex = cmd != LINK_CMD_IDENTIFY;
            r = srv_exec(s);
        } else if (s->resc) {
            if (held && !s->nhf) { /* still held; anything else was answered before */
                s->nhf = 1;
                s->nh = off;
            }
        } else if (cmd == 0) {
            r = srv_nak(s, (uint8_t)s->hm, LINK_NAK_FRAME); /* seq: the held mask */
        } else if (behind != 0 && behind <= s->depth) {
            s->cnt.duplicates++;
            r = srv_from_ring(s, s->tab[seq & (s->window - 1)]);
        } else if (held) {
            s->hold = 1; /* fbase stays at the first held frame */
            s->hm |= 1u << (ahead - 1);
        } else {
            s->cnt.seq_errors++;
            r = srv_nak(s, seq, LINK_NAK_SEQ);
        }
        s->rp = next;
        if (s->resc) {
            /* going over the held region: fbase stays */
        } else if (s->hold && ex) {
            s->resc = 1; /* run the held frames that are next now */
            s->sc = next;
            s->rp = s->fbase;
        } else if (!s->hold || next - s->fbase >= s->ring_bytes / 2) {
            s->hold = 0; /* half the ring: the held frames are given up */
            s->hm = 0;
            s->fbase = next;
        }
        if (r)
            return r;
    }
}

/* Appends a body of n bytes (NULL: a marker of zeros) to the receive ring,
 * unless it does not fit beside the bytes in use. */
static void srv_put(link_srv *s, const uint8_t *hdr, const uint8_t *payload, unsigned len,
                    uint16_t crc)
{
    const unsigned rm = LINK_RING_MAX - 1, n = LINK_HDR + LINK_CRC + len;
    if (s->wp - s->fbase + n > LINK_RING_MAX)
        return;
    for (unsigned i = 0; i < n; i++) {
        uint8_t b = 0;
        if (hdr && i < LINK_HDR)
            b = hdr[i];
        else if (hdr && i < LINK_HDR + len)
            b = payload[i - LINK_HDR];
        else if (hdr)
            b = i == LINK_HDR + len ? (uint8_t)(crc >> 8) : (uint8_t)crc;
        s->rxr[(s->wp + i) & rm] = b;
    }
    s->wp += n;
}

const link_frame *link_srv_handle(link_srv *s, const link_frame *req, link_exec_fn fn, void *ctx)
{
    const uint8_t hdr[LINK_HDR] = {req->seq, req->cmd, (uint8_t)req->len,
                                   (uint8_t)(req->len >> 8)};
    s->fn = fn;
    s->ctx = ctx;
    srv_put(s, hdr, req->payload, req->len, req->crc);
    return srv_run(s);
}

const link_frame *link_srv_dropped(link_srv *s)
{
    srv_put(s, NULL, NULL, 0, 0);
    return srv_run(s);
}

const link_frame *link_srv_more(link_srv *s)
{
    return srv_run(s);
}

/* ---- BATCH ------------------------------------------------------------------------- */

static loom_status batch_room(size_t cap, size_t len, size_t need, loom_err *e)
{
    if (len + need > cap)
        return loom_fail(e, LOOM_E_CAPACITY, "batch: op of %zu bytes does not fit (%zu of %zu used)",
                         need, len, cap);
    return LOOM_OK;
}

static loom_status batch_args(uint32_t addr, size_t n, loom_err *e)
{
    if (n == 0 || n > 65535)
        return loom_fail(e, LOOM_E_ARG, "batch: %zu words, 1..65535 allowed", n);
    if (addr >= (1u << 24))
        return loom_fail(e, LOOM_E_ARG, "batch: address 0x%X beyond 24 bits", addr);
    return LOOM_OK;
}

loom_status link_batch_write(uint8_t *buf, size_t cap, size_t *len, uint32_t addr,
                             const uint32_t *words, size_t n, int fixed, loom_err *e)
{
    if (batch_args(addr, n, e) || batch_room(cap, *len, 6 + 4 * n, e))
        return e ? e->status : LOOM_E_ARG;
    uint8_t *p = buf + *len;
    p[0] = (uint8_t)(LINK_OP_WRITE | (fixed ? LINK_OP_FIXED : 0));
    link_put_le(p + 1, addr, 3);
    link_put_le(p + 4, (uint32_t)n, 2);
    for (size_t i = 0; i < n; i++)
        link_put_le(p + 6 + 4 * i, words[i], 4);
    *len += 6 + 4 * n;
    return LOOM_OK;
}

loom_status link_batch_read(uint8_t *buf, size_t cap, size_t *len, uint32_t addr, size_t n,
                            int fixed, loom_err *e)
{
    if (batch_args(addr, n, e) || batch_room(cap, *len, 6, e))
        return e ? e->status : LOOM_E_ARG;
    uint8_t *p = buf + *len;
    p[0] = (uint8_t)(LINK_OP_READ | (fixed ? LINK_OP_FIXED : 0));
    link_put_le(p + 1, addr, 3);
    link_put_le(p + 4, (uint32_t)n, 2);
    *len += 6;
    return LOOM_OK;
}

loom_status link_batch_wait(uint8_t *buf, size_t cap, size_t *len, uint32_t max_cycles,
                            loom_err *e)
{
    if (batch_room(cap, *len, 4, e))
        return e ? e->status : LOOM_E_CAPACITY;
    uint8_t *p = buf + *len;
    p[0] = LINK_OP_WAIT;
    link_put_le(p + 1, max_cycles > LINK_WAIT_MAX ? LINK_WAIT_MAX : max_cycles, 3);
    *len += 4;
    return LOOM_OK;
}

int link_batch_check(const uint8_t *p, size_t n, size_t *read_words)
{
    size_t i = 0, words = 0;
    while (i < n) {
        uint8_t op = p[i];
        uint8_t base = op & (uint8_t)~LINK_OP_FIXED;
        if (base == LINK_OP_WAIT && op == LINK_OP_WAIT) {
            if (i + 4 > n)
                return LINK_NAK_FORMAT;
            i += 4;
        } else if (base == LINK_OP_WRITE || base == LINK_OP_READ) {
            if (i + 6 > n)
                return LINK_NAK_FORMAT;
            size_t cnt = link_get_le(p + i + 4, 2);
            if (cnt == 0)
                return LINK_NAK_FORMAT;
            if (base == LINK_OP_WRITE) {
                if (i + 6 + 4 * cnt > n)
                    return LINK_NAK_FORMAT;
                i += 6 + 4 * cnt;
            } else {
                words += cnt;
                i += 6;
            }
        } else {
            return LINK_NAK_FORMAT;
        }
    }
    *read_words = words;
    return 0;
}

void link_batch_exec(const link_frame *req, const link_bus *bus, uint16_t max_payload,
                     link_frame *resp)
{
    const uint8_t *p = req->payload;
    const size_t n = req->len;
    size_t i = 0, o = 0;
    int nak = 0;
    resp->seq = req->seq;
    while (i < n && !nak) {
        if (i + 4 > n) {
            nak = LINK_NAK_FORMAT;
            break;
        }
        uint8_t op = p[i];
        uint32_t addr = link_get_le(p + i + 1, 3);
        int fixed = (op & LINK_OP_FIXED) != 0;
        i += 4;
        if (op == LINK_OP_WAIT) {
            /* addr is the cycle budget; the busy pin is sampled each cycle */
            for (uint32_t k = 0; bus->busy && bus->busy(bus->ctx); k++)
                if (k == addr) {
                    nak = LINK_NAK_TIMEOUT;
                    break;
                }
            continue;
        }
        if (op != LINK_OP_WRITE && op != LINK_OP_READ && op != (LINK_OP_WRITE | LINK_OP_FIXED) &&
            op != (LINK_OP_READ | LINK_OP_FIXED)) {
            nak = LINK_NAK_FORMAT;
            break;
        }
        if (i + 2 > n) {
            nak = LINK_NAK_FORMAT;
            break;
        }
        size_t cnt = link_get_le(p + i, 2);
        i += 2;
        if (cnt == 0) {
            nak = LINK_NAK_FORMAT;
            break;
        }
        for (size_t k = 0; k < cnt; k++) {
            if ((op & ~LINK_OP_FIXED) == LINK_OP_WRITE) {
                if (i + 4 > n) {
                    nak = LINK_NAK_FORMAT;
                    break;
                }
                bus->write(bus->ctx, addr, link_get_le(p + i, 4));
                i += 4;
            } else {
                if (o + 4 > max_payload) {
                    nak = LINK_NAK_SIZE;
                    break;
                }
                link_put_le(resp->payload + o, bus->read(bus->ctx, addr), 4);
                o += 4;
            }
            if (!fixed)
                addr = (addr + 1) & 0xFFFFFF;
        }
    }
    resp->cmd = nak ? LINK_NAK(nak) : LINK_ACK(LINK_CMD_BATCH);
    resp->len = nak ? 0 : (uint16_t)o;
}

loom_status link_identify_parse(const uint8_t *p, size_t n, link_identify *id, loom_err *e)
{
    if (n < LINK_IDENTIFY_LEN)
        return loom_fail(e, LOOM_E_LINK, "IDENTIFY response of %zu bytes, %d expected", n,
                         LINK_IDENTIFY_LEN);
    id->proto = (uint16_t)link_get_le(p, 2);
    id->rtl_version = (uint16_t)link_get_le(p + 2, 2);
    id->board_id = (uint16_t)link_get_le(p + 4, 2);
    id->max_payload = (uint16_t)link_get_le(p + 6, 2);
    id->clk_hz = link_get_le(p + 8, 4);
    id->clks_per_bit = link_get_le(p + 12, 2);
    id->rx_bytes = (uint16_t)link_get_le(p + 14, 2);
    id->tx_bytes = (uint16_t)link_get_le(p + 16, 2);
    id->window = (uint16_t)link_get_le(p + 18, 2);
    if (id->window == 0 || id->window > LINK_WINDOW_MAX || id->rx_bytes < 64 ||
        id->tx_bytes < 64)
        return loom_fail(e, LOOM_E_LINK, "IDENTIFY: window %u (1..%d) or rings %u/%u bytes "
                         "(64 at least) out of range", id->window, LINK_WINDOW_MAX, id->rx_bytes,
                         id->tx_bytes);
    return LOOM_OK;
}

void link_identify_format(const link_identify *id, uint8_t *p)
{
    link_put_le(p, id->proto, 2);
    link_put_le(p + 2, id->rtl_version, 2);
    link_put_le(p + 4, id->board_id, 2);
    link_put_le(p + 6, id->max_payload, 2);
    link_put_le(p + 8, id->clk_hz, 4);
    link_put_le(p + 12, id->clks_per_bit, 2);
    link_put_le(p + 14, id->rx_bytes, 2);
    link_put_le(p + 16, id->tx_bytes, 2);
    link_put_le(p + 18, id->window, 2);
}
