/*
 * link.c -- framing, CRC, resynchronisation, sequence numbers and retries of
 * the Loom link (see link.h and docs/protocol.md).
 *
 * Invariants: a frame is handed upwards only when its COBS decoding, its
 * length field and its CRC all agree; a request is executed at most once per
 * (seq, crc) identity (link_srv), and the host matches a response to its
 * request by seq (link_arq).  The RTL (rtl/loom_link_rx.v, loom_link_tx.v,
 * loom_cmd.v) implements the same rules; the tests hold both to them.
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

/* ---- COBS ----------------------------------------------------------------- */

size_t link_cobs_encode(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t o = 0, code_at = 0, i = 0;
    uint8_t code = 1;
    out[o++] = 0; /* placeholder for the first code byte */
    while (i < n) {
        if (in[i] == 0) {
            out[code_at] = code;
            code_at = o++;
            code = 1;
        } else {
            out[o++] = in[i];
            if (++code == 0xFF) {
                out[code_at] = code;
                if (i + 1 == n)
                    return o; /* a full block at the end implies no 0x00 */
                code_at = o++;
                code = 1;
            }
        }
        i++;
    }
    out[code_at] = code;
    return o;
}

loom_status link_cobs_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
                             size_t *out_n, loom_err *e)
{
    size_t i = 0, o = 0;
    while (i < n) {
        uint8_t code = in[i];
        if (code == 0)
            return loom_fail(e, LOOM_E_PARSE, "COBS: 0x00 inside a frame at byte %zu", i);
        if (i + code > n)
            return loom_fail(e, LOOM_E_PARSE,
                             "COBS: block at byte %zu announces %u bytes, frame ends after %zu",
                             i, code - 1u, n - i - 1);
        for (size_t k = 1; k < code; k++) {
            if (in[i + k] == 0)
                return loom_fail(e, LOOM_E_PARSE, "COBS: 0x00 inside a frame at byte %zu", i + k);
            if (o >= cap)
                return loom_fail(e, LOOM_E_PARSE, "COBS: decoded frame longer than %zu bytes", cap);
            out[o++] = in[i + k];
        }
        i += code;
        if (code != 0xFF && i < n) {
            if (o >= cap)
                return loom_fail(e, LOOM_E_PARSE, "COBS: decoded frame longer than %zu bytes", cap);
            out[o++] = 0;
        }
    }
    *out_n = o;
    return LOOM_OK;
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
    out[0] = 0;
    size_t m = link_cobs_encode(body, n, out + 1);
    out[1 + m] = 0;
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

/* One complete wire frame (between delimiters) in rx->buf: decode or count. */
static int rx_finish(link_rx *rx, link_frame *out)
{
    uint8_t body[LINK_MAX_BODY];
    size_t n = 0;
    int ok = 0;
    if (rx->overflow) {
        loom_fail(&rx->last, LOOM_E_PARSE, "frame longer than %d wire bytes", LINK_MAX_WIRE);
        rx->cnt.format_errors++;
    } else if (rx->n == 0) {
        /* empty frame: a sync marker, nothing to count */
    } else if (link_cobs_decode(rx->buf, rx->n, body, sizeof body, &n, &rx->last) != LOOM_OK) {
        rx->cnt.format_errors++;
    } else if (link_frame_parse(body, n, out, &rx->last) != LOOM_OK) {
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
        ok = 1;
    }
    rx->n = 0;
    rx->overflow = 0;
    return ok;
}

size_t link_rx_feed(link_rx *rx, const uint8_t *p, size_t n, link_frame *out, int *got)
{
    *got = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == 0) {
            if (rx_finish(rx, out)) {
                *got = 1;
                return i + 1;
            }
        } else if (rx->n < sizeof rx->buf) {
            rx->buf[rx->n++] = p[i];
        } else {
            rx->overflow = 1;
        }
    }
    return n;
}

/* ---- host retry state machine ---------------------------------------------------- */

void link_arq_init(link_arq *a, uint8_t first_seq, unsigned max_tries)
{
    memset(a, 0, sizeof *a);
    a->next_seq = first_seq;
    a->max_tries = max_tries ? max_tries : 1;
}

loom_status link_arq_request(link_arq *a, uint8_t cmd, const uint8_t *payload, uint16_t len,
                             loom_err *e)
{
    if (a->outstanding)
        return loom_fail(e, LOOM_E_ARG, "link: request seq %u still outstanding", a->req.seq);
    if (len > LINK_MAX_PAYLOAD)
        return loom_fail(e, LOOM_E_ARG, "link: payload of %u bytes, at most %d allowed", len,
                         LINK_MAX_PAYLOAD);
    a->req.seq = a->next_seq++;
    a->req.cmd = cmd;
    a->req.len = len;
    if (len)
        memcpy(a->req.payload, payload, len);
    a->tries = 0;
    a->outstanding = 1;
    return LOOM_OK;
}

link_verdict link_arq_accept(link_arq *a, const link_frame *resp)
{
    if (!a->outstanding || resp->seq != a->req.seq) {
        a->cnt.seq_errors++;
        return LINK_V_STALE;
    }
    if (resp->cmd != LINK_ACK(a->req.cmd) && !LINK_IS_NAK(resp->cmd))
        return LINK_V_BAD;
    a->outstanding = 0;
    a->cnt.frames_ok++;
    return LINK_V_DONE;
}

int link_arq_send(link_arq *a)
{
    if (!a->outstanding)
        return 0;
    if (a->tries >= a->max_tries) {
        a->outstanding = 0;
        return 0;
    }
    if (a->tries > 0)
        a->cnt.duplicates++; /* resends */
    a->tries++;
    return 1;
}

/* ---- board duplicate filter --------------------------------------------------------- */

void link_srv_init(link_srv *s)
{
    memset(s, 0, sizeof *s);
}

const link_frame *link_srv_handle(link_srv *s, const link_frame *req, link_exec_fn fn, void *ctx)
{
    if (s->have_last && req->seq == s->last_seq && req->crc == s->last_crc) {
        s->cnt.duplicates++;
        return &s->resp;
    }
    if (s->have_last && req->cmd != LINK_CMD_IDENTIFY && req->seq != (uint8_t)(s->last_seq + 1)) {
        s->cnt.seq_errors++;
        s->nak.seq = req->seq;
        s->nak.cmd = LINK_NAK(LINK_NAK_SEQ);
        s->nak.len = 0;
        return &s->nak;
    }
    s->cnt.frames_ok++;
    s->resp.seq = req->seq;
    s->resp.len = 0;
    fn(ctx, req, &s->resp);
    s->resp.seq = req->seq;
    s->have_last = 1;
    s->last_seq = req->seq;
    s->last_crc = req->crc;
    return &s->resp;
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

loom_status link_batch_wait(uint8_t *buf, size_t cap, size_t *len, uint32_t addr, uint32_t mask,
                            uint32_t value, uint32_t polls, loom_err *e)
{
    if (batch_args(addr, 1, e) || batch_room(cap, *len, 16, e))
        return e ? e->status : LOOM_E_ARG;
    uint8_t *p = buf + *len;
    p[0] = LINK_OP_WAIT;
    link_put_le(p + 1, addr, 3);
    link_put_le(p + 4, mask, 4);
    link_put_le(p + 8, value, 4);
    link_put_le(p + 12, polls, 4);
    *len += 16;
    return LOOM_OK;
}

int link_batch_check(const uint8_t *p, size_t n, size_t *read_words)
{
    size_t i = 0, words = 0;
    while (i < n) {
        uint8_t op = p[i];
        uint8_t base = op & (uint8_t)~LINK_OP_FIXED;
        if (base == LINK_OP_WAIT && op == LINK_OP_WAIT) {
            if (i + 16 > n)
                return LINK_NAK_FORMAT;
            i += 16;
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
    size_t words = 0;
    const uint8_t *p = req->payload;
    size_t n = req->len;
    resp->seq = req->seq;
    resp->len = 0;
    int nak = link_batch_check(p, n, &words);
    if (!nak && words * 4 > max_payload)
        nak = LINK_NAK_SIZE;
    if (nak) {
        resp->cmd = LINK_NAK(nak);
        return;
    }
    size_t i = 0, o = 0;
    while (i < n) {
        uint8_t op = p[i];
        uint32_t addr = link_get_le(p + i + 1, 3);
        int fixed = (op & LINK_OP_FIXED) != 0;
        if (op == LINK_OP_WAIT) {
            uint32_t mask = link_get_le(p + i + 4, 4), value = link_get_le(p + i + 8, 4);
            uint32_t polls = link_get_le(p + i + 12, 4), k = 0;
            for (; k < polls; k++)
                if ((bus->read(bus->ctx, addr) & mask) == value)
                    break;
            if (k == polls) {
                resp->cmd = LINK_NAK(LINK_NAK_TIMEOUT);
                resp->len = 0;
                return;
            }
            i += 16;
            continue;
        }
        size_t cnt = link_get_le(p + i + 4, 2);
        for (size_t k = 0; k < cnt; k++) {
            uint32_t a = (addr + (fixed ? 0 : (uint32_t)k)) & 0xFFFFFF;
            if ((op & ~LINK_OP_FIXED) == LINK_OP_WRITE) {
                bus->write(bus->ctx, a, link_get_le(p + i + 6 + 4 * k, 4));
            } else {
                link_put_le(resp->payload + o, bus->read(bus->ctx, a), 4);
                o += 4;
            }
        }
        i += ((op & ~LINK_OP_FIXED) == LINK_OP_WRITE) ? 6 + 4 * cnt : 6;
    }
    resp->cmd = LINK_ACK(LINK_CMD_BATCH);
    resp->len = (uint16_t)o;
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
    id->clks_per_bit = link_get_le(p + 12, 4);
    return LOOM_OK;
}

void link_identify_format(const link_identify *id, uint8_t *p)
{
    link_put_le(p, id->proto, 2);
    link_put_le(p + 2, id->rtl_version, 2);
    link_put_le(p + 4, id->board_id, 2);
    link_put_le(p + 6, id->max_payload, 2);
    link_put_le(p + 8, id->clk_hz, 4);
    link_put_le(p + 12, id->clks_per_bit, 4);
}
