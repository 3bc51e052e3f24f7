/*
 * host.c -- the host driver: link protocol sessions over a transport
 * (see host.h).
 *
 * One request is outstanding at a time (link_arq).  Received bytes go
 * through one link_rx that lives as long as the session, so a response
 * split over reads or preceded by garbage is still found, and stale
 * duplicates of earlier responses are skipped by sequence number.
 */
#include "host.h"

#include "loom_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct loom_host {
    transport *t;
    loom_host_opts o;
    link_arq arq;
    link_rx rx;
    link_identify id;
    uint16_t max_payload;  /* min(board's, protocol's) */
    uint8_t inbuf[4096];
    size_t in_off, in_n;   /* unconsumed received bytes */
    uint64_t bytes_sent, bytes_received;
    uint8_t wire[LINK_MAX_WIRE];
    link_frame resp;
};

void loom_host_opts_default(loom_host_opts *o)
{
    o->timeout_ms = 500;
    o->max_tries = 8;
    o->connect_ms = 2000;
    o->max_payload = 0;
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static const char *nak_name(uint8_t code)
{
    switch (code) {
    case LINK_NAK_CMD: return "unknown command";
    case LINK_NAK_FORMAT: return "malformed payload";
    case LINK_NAK_SEQ: return "sequence number out of order";
    case LINK_NAK_TIMEOUT: return "WAIT ran out of polls";
    case LINK_NAK_SIZE: return "response longer than the board's max payload";
    default: return "unknown NAK code";
    }
}

/* Sends the outstanding request until its response arrives. */
static loom_status run_arq(loom_host *h, link_frame *resp, loom_err *e)
{
    size_t m = link_frame_encode(&h->arq.req, h->wire);
    while (link_arq_send(&h->arq)) {
        loom_status st = transport_write(h->t, h->wire, m, h->o.timeout_ms, e);
        h->bytes_sent += m;
        if (st == LOOM_E_TIMEOUT)
            continue; /* nothing drained the port: try again */
        if (st)
            return st;
        double end = mono_ms() + h->o.timeout_ms;
        uint32_t bad0 = h->rx.cnt.crc_errors + h->rx.cnt.format_errors;
        for (;;) {
            /* a damaged frame arrived: most likely our response, so resend
             * now instead of waiting for the timeout (a duplicate costs the
             * board nothing but the cached answer) */
            if (h->rx.cnt.crc_errors + h->rx.cnt.format_errors != bad0 && h->in_off >= h->in_n)
                break;
            while (h->in_off < h->in_n) {
                int got;
                h->in_off += link_rx_feed(&h->rx, h->inbuf + h->in_off, h->in_n - h->in_off,
                                          resp, &got);
                if (!got)
                    continue;
                link_verdict v = link_arq_accept(&h->arq, resp);
                if (v == LINK_V_DONE)
                    return LOOM_OK;
                if (v == LINK_V_BAD)
                    return loom_fail(e, LOOM_E_LINK,
                                     "%s: response 0x%02X to request 0x%02X (seq %u) is neither "
                                     "its ACK nor a NAK", transport_name(h->t), resp->cmd,
                                     h->arq.req.cmd, resp->seq);
            }
            int left = (int)(end - mono_ms());
            if (left <= 0)
                break;
            size_t got = 0;
            st = transport_read(h->t, h->inbuf, sizeof h->inbuf, left, &got, e);
            if (st)
                return st;
            h->in_off = 0;
            h->in_n = got;
            h->bytes_received += got;
        }
    }
    return loom_fail(e, LOOM_E_TIMEOUT,
                     "%s: no valid response to request seq %u (command 0x%02X) after %u tries of "
                     "%d ms (frames received %u, CRC errors %u, format errors %u)",
                     transport_name(h->t), h->arq.req.seq, h->arq.req.cmd, h->arq.tries,
                     h->o.timeout_ms, h->rx.cnt.frames_ok, h->rx.cnt.crc_errors,
                     h->rx.cnt.format_errors);
}

static loom_status request(loom_host *h, uint8_t cmd, const uint8_t *p, uint16_t len,
                           link_frame *resp, loom_err *e)
{
    loom_status st = link_arq_request(&h->arq, cmd, p, len, e);
    if (st)
        return st;
    return run_arq(h, resp, e);
}

static loom_status do_identify(loom_host *h, link_identify *id, loom_err *e)
{
    loom_status st = request(h, LINK_CMD_IDENTIFY, NULL, 0, &h->resp, e);
    if (st)
        return st;
    if (h->resp.cmd != LINK_ACK(LINK_CMD_IDENTIFY))
        return loom_fail(e, LOOM_E_LINK, "%s: IDENTIFY answered with NAK: %s",
                         transport_name(h->t), nak_name(h->resp.cmd & 0x3F));
    st = link_identify_parse(h->resp.payload, h->resp.len, id, e);
    if (st)
        return loom_err_prefix(e, "%s", transport_name(h->t));
    return LOOM_OK;
}

loom_status loom_host_transact(loom_host *h, uint8_t cmd, const uint8_t *payload, uint16_t len,
                               link_frame *resp, loom_err *e)
{
    if (len > h->max_payload)
        return loom_fail(e, LOOM_E_ARG, "request of %u bytes, the board takes at most %u", len,
                         h->max_payload);
    loom_status st = request(h, cmd, payload, len, resp, e);
    if (st)
        return st;
    /* a noisy line: a request that needed 3 or more sends makes the frames
     * of the following requests half as long (never below 64 bytes) */
    if (h->arq.tries >= 3 && h->max_payload > 64)
        h->max_payload = h->max_payload / 2 < 64 ? 64 : h->max_payload / 2;
    if (resp->cmd == LINK_NAK(LINK_NAK_SEQ) && cmd != LINK_CMD_IDENTIFY) {
        /* not executed: resynchronise and send it as a new request */
        link_identify id;
        if ((st = do_identify(h, &id, e)))
            return st;
        if ((st = request(h, cmd, payload, len, resp, e)))
            return st;
    }
    if (LINK_IS_NAK(resp->cmd))
        return loom_fail(e, resp->cmd == LINK_NAK(LINK_NAK_TIMEOUT) ? LOOM_E_TIMEOUT : LOOM_E_LINK,
                         "%s: board refused command 0x%02X (seq %u): NAK %u, %s",
                         transport_name(h->t), cmd, resp->seq, resp->cmd & 0x3F,
                         nak_name(resp->cmd & 0x3F));
    return LOOM_OK;
}

loom_status loom_host_open(const char *port, unsigned baud, const loom_host_opts *opts,
                           loom_host **out, loom_err *e)
{
    *out = NULL;
    loom_host *h = calloc(1, sizeof *h);
    if (!h)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    if (opts)
        h->o = *opts;
    else
        loom_host_opts_default(&h->o);
    if (h->o.timeout_ms <= 0 || h->o.max_tries == 0) {
        loom_fail(e, LOOM_E_ARG, "timeout (%d ms) and tries (%u) must be positive",
                  h->o.timeout_ms, h->o.max_tries);
        free(h);
        return LOOM_E_ARG;
    }
    loom_status st = transport_open(port, baud, h->o.connect_ms, &h->t, e);
    if (st) {
        free(h);
        return st;
    }
    /* any first seq works (the board also compares CRCs); vary it so that
     * two sessions rarely look alike */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    link_arq_init(&h->arq, (uint8_t)(ts.tv_nsec ^ getpid()), h->o.max_tries);
    link_rx_init(&h->rx);
    h->max_payload = LINK_MAX_PAYLOAD;
    /* a leading 0x00 ends whatever partial frame the board holds */
    static const uint8_t z = 0;
    if ((st = transport_write(h->t, &z, 1, h->o.timeout_ms, e)) ||
        (st = do_identify(h, &h->id, e))) {
        loom_host_close(h);
        return st;
    }
    if (h->id.proto != LINK_PROTO_VERSION) {
        loom_fail(e, LOOM_E_UNSUPPORTED, "%s: board speaks link protocol %u, this host %d", port,
                  h->id.proto, LINK_PROTO_VERSION);
        loom_host_close(h);
        return LOOM_E_UNSUPPORTED;
    }
    if (h->id.max_payload < 64) {
        loom_fail(e, LOOM_E_LINK, "%s: board announces a max payload of %u bytes, at least 64 "
                  "expected", port, h->id.max_payload);
        loom_host_close(h);
        return LOOM_E_LINK;
    }
    if (h->id.max_payload < h->max_payload)
        h->max_payload = h->id.max_payload;
    if (h->o.max_payload && h->o.max_payload < h->max_payload)
        h->max_payload = (uint16_t)(h->o.max_payload < 64 ? 64 : h->o.max_payload);
    *out = h;
    return LOOM_OK;
}

void loom_host_close(loom_host *h)
{
    if (!h)
        return;
    transport_close(h->t);
    free(h);
}

const link_identify *loom_host_identity(const loom_host *h)
{
    return &h->id;
}

loom_status loom_host_identify(loom_host *h, link_identify *id, loom_err *e)
{
    loom_status st = do_identify(h, &h->id, e);
    if (!st && id)
        *id = h->id;
    return st;
}

loom_status loom_host_batch(loom_host *h, const uint8_t *ops, size_t len, uint32_t *words,
                            size_t cap, size_t *n_words, loom_err *e)
{
    if (len > h->max_payload)
        return loom_fail(e, LOOM_E_ARG, "batch of %zu bytes, the board takes at most %u", len,
                         h->max_payload);
    loom_status st = loom_host_transact(h, LINK_CMD_BATCH, ops, (uint16_t)len, &h->resp, e);
    if (st)
        return st;
    size_t n = h->resp.len / 4;
    if (n_words)
        *n_words = n;
    if (n > cap)
        return loom_fail(e, LOOM_E_CAPACITY, "batch returned %zu words, room for %zu", n, cap);
    for (size_t i = 0; i < n; i++)
        words[i] = link_get_le(h->resp.payload + 4 * i, 4);
    return LOOM_OK;
}

loom_status loom_host_write(loom_host *h, uint32_t addr, const uint32_t *w, size_t n, loom_err *e)
{
    uint8_t ops[LINK_MAX_PAYLOAD];
    while (n) {
        size_t per = (h->max_payload - 6) / 4; /* per frame: a retry may have lowered the cap */
        size_t k = n < per ? n : per, len = 0;
        loom_status st = link_batch_write(ops, sizeof ops, &len, addr, w, k, 0, e);
        if (!st)
            st = loom_host_batch(h, ops, len, NULL, 0, NULL, e);
        if (st)
            return st;
        addr += (uint32_t)k;
        w += k;
        n -= k;
    }
    return LOOM_OK;
}

loom_status loom_host_read(loom_host *h, uint32_t addr, uint32_t *w, size_t n, loom_err *e)
{
    uint8_t ops[16];
    while (n) {
        size_t per = h->max_payload / 4; /* per frame: a retry may have lowered the cap */
        size_t k = n < per ? n : per, len = 0, got = 0;
        loom_status st = link_batch_read(ops, sizeof ops, &len, addr, k, 0, e);
        if (!st)
            st = loom_host_batch(h, ops, len, w, k, &got, e);
        if (st)
            return st;
        if (got != k)
            return loom_fail(e, LOOM_E_LINK, "%s: READ of %zu words at 0x%06X returned %zu",
                             transport_name(h->t), k, addr, got);
        addr += (uint32_t)k;
        w += k;
        n -= k;
    }
    return LOOM_OK;
}

loom_status loom_host_wait(loom_host *h, uint32_t addr, uint32_t mask, uint32_t value,
                           uint32_t polls, loom_err *e)
{
    uint8_t ops[16];
    size_t len = 0;
    loom_status st = link_batch_wait(ops, sizeof ops, &len, addr, mask, value, polls, e);
    return st ? st : loom_host_batch(h, ops, len, NULL, 0, NULL, e);
}

loom_status loom_host_step(loom_host *h, uint32_t ctrl_addr, uint32_t value, uint32_t status_addr,
                           uint32_t busy_mask, uint32_t polls, loom_err *e)
{
    uint8_t ops[32];
    size_t len = 0;
    loom_status st = link_batch_write(ops, sizeof ops, &len, ctrl_addr, &value, 1, 0, e);
    if (!st)
        st = link_batch_wait(ops, sizeof ops, &len, status_addr, busy_mask, 0, polls, e);
    return st ? st : loom_host_batch(h, ops, len, NULL, 0, NULL, e);
}

loom_status loom_host_counters(loom_host *h, link_counters *board, loom_err *e)
{
    loom_status st = loom_host_transact(h, LINK_CMD_COUNTERS, NULL, 0, &h->resp, e);
    if (st)
        return st;
    if (h->resp.len < 4 * LINK_N_COUNTERS)
        return loom_fail(e, LOOM_E_LINK, "%s: COUNTERS returned %u bytes, %d expected",
                         transport_name(h->t), h->resp.len, 4 * LINK_N_COUNTERS);
    const uint8_t *p = h->resp.payload;
    board->frames_ok = link_get_le(p, 4);
    board->crc_errors = link_get_le(p + 4, 4);
    board->format_errors = link_get_le(p + 8, 4);
    board->seq_errors = link_get_le(p + 12, 4);
    board->duplicates = link_get_le(p + 16, 4);
    return LOOM_OK;
}

loom_status loom_host_reset(loom_host *h, loom_err *e)
{
    return loom_host_transact(h, LINK_CMD_RESET, NULL, 0, &h->resp, e);
}

link_counters loom_host_stats(const loom_host *h)
{
    link_counters c = h->rx.cnt;
    c.seq_errors = h->arq.cnt.seq_errors;
    c.duplicates = h->arq.cnt.duplicates;
    return c;
}

void loom_host_bytes(const loom_host *h, uint64_t *sent, uint64_t *received)
{
    *sent = h->bytes_sent;
    *received = h->bytes_received;
}

transport *loom_host_transport(loom_host *h)
{
    return h->t;
}

/* ---- map-aware calls ----------------------------------------------------------- */

loom_status loom_host_arch(loom_host *h, limg_arch *a, loom_err *e)
{
    uint32_t r[LOOM_REG_RING_LOG2 + 1];
    loom_status st = loom_host_read(h, LOOM_REG_ID, r, LOOM_REG_RING_LOG2 + 1, e);
    if (st)
        return st;
    if (r[LOOM_REG_ID] != LOOM_MAP_ID_VALUE)
        return loom_fail(e, LOOM_E_LINK, "%s: ID register reads 0x%08X, a Loom array has 0x%08X",
                         transport_name(h->t), r[LOOM_REG_ID], (unsigned)LOOM_MAP_ID_VALUE);
    memset(a, 0, sizeof *a);
    a->arch.w = (int)r[LOOM_REG_ARCH_W];
    a->arch.s = (int)r[LOOM_REG_ARCH_S];
    a->arch.a = (int)r[LOOM_REG_ARCH_A];
    a->arch.d = (int)r[LOOM_REG_ARCH_D];
    a->cores = r[LOOM_REG_CORES];
    a->neurons = r[LOOM_REG_NEURONS];
    a->syn_words = r[LOOM_REG_SYN_WORDS];
    a->profiles = r[LOOM_REG_PROFILES];
    a->levels = r[LOOM_REG_LEVELS_MAX];
    a->max_inputs = r[LOOM_REG_MAX_INPUTS];
    return LOOM_OK;
}

loom_status loom_host_load(loom_host *h, const limg *img, loom_err *e)
{
    limg_arch a;
    loom_status st = loom_host_arch(h, &a, e);
    if (!st)
        st = limg_check_arch(img, &a, e);
    for (size_t g = 0; !st && g < img->n_segs; g++)
        st = loom_host_write(h, img->segs[g].addr, img->words + img->segs[g].off,
                             img->segs[g].count, e);
    return st;
}

uint32_t loom_host_event(uint32_t channel, int32_t value)
{
    return ((uint32_t)value << 16) | (channel & 0xFFFF);
}

/* Collects ops into frames of at most max_payload bytes each way. */
typedef struct hbatch {
    loom_host *h;
    uint8_t ops[LINK_MAX_PAYLOAD];
    size_t len, rd_words;
    uint32_t *out;
    size_t out_n, out_cap;
} hbatch;

static loom_status hb_flush(hbatch *b, loom_err *e)
{
    if (!b->len)
        return LOOM_OK;
    size_t got = 0;
    loom_status st = loom_host_batch(b->h, b->ops, b->len, b->out ? b->out + b->out_n : NULL,
                                     b->out ? b->out_cap - b->out_n : 0, &got, e);
    b->out_n += got;
    b->len = 0;
    b->rd_words = 0;
    return st;
}

static loom_status hb_room(hbatch *b, size_t bytes, loom_err *e)
{
    return b->len + bytes > b->h->max_payload ? hb_flush(b, e) : LOOM_OK;
}

static loom_status hb_read(hbatch *b, uint32_t addr, size_t n, loom_err *e)
{
    while (n) {
        loom_status st = hb_room(b, 6, e);
        size_t per = b->h->max_payload / 4; /* after hb_room: a flush may have lowered the cap */
        if (!st && b->rd_words >= per)
            st = hb_flush(b, e);
        if (st)
            return st;
        size_t k = per - b->rd_words < n ? per - b->rd_words : n;
        if ((st = link_batch_read(b->ops, b->h->max_payload, &b->len, addr, k, 0, e)))
            return st;
        b->rd_words += k;
        addr += (uint32_t)k;
        n -= k;
    }
    return LOOM_OK;
}

static loom_status hb_write(hbatch *b, uint32_t addr, const uint32_t *w, size_t n, int fixed,
                            loom_err *e)
{
    while (n) {
        loom_status st = hb_room(b, 10, e);
        if (st)
            return st;
        size_t k = (b->h->max_payload - b->len - 6) / 4;
        if (k > n)
            k = n;
        if ((st = link_batch_write(b->ops, b->h->max_payload, &b->len, addr, w, k, fixed, e)))
            return st;
        if (!fixed)
            addr += (uint32_t)k;
        w += k;
        n -= k;
    }
    return LOOM_OK;
}

loom_status loom_host_stream(loom_host *h, const uint32_t *events, size_t n_events, int start,
                             uint32_t cores, uint32_t out_words, uint32_t *out, uint32_t polls,
                             loom_err *e)
{
    hbatch b;
    b.h = h;
    b.len = b.rd_words = 0;
    b.out = out;
    b.out_n = 0;
    b.out_cap = (size_t)cores * out_words;
    loom_status st = link_batch_wait(b.ops, h->max_payload, &b.len, LOOM_REG_STATUS,
                                     LOOM_STATUS_BUSY, 0, polls, e);
    for (uint32_t k = 0; !st && out && k < cores && out_words; k++)
        st = hb_read(&b, LOOM_MAP_OUT_BASE + (k << LOOM_MAP_OUT_CORE_SHIFT), out_words, e);
    if (!st && n_events)
        st = hb_write(&b, LOOM_REG_INPUT, events, n_events, 1, e);
    if (!st && start) {
        uint32_t one = 1;
        st = hb_write(&b, LOOM_REG_CTRL, &one, 1, 0, e);
    }
    if (!st)
        st = hb_flush(&b, e);
    if (!st && b.out_n != b.out_cap)
        return loom_fail(e, LOOM_E_LINK, "%s: %zu output words returned, %zu expected",
                         transport_name(h->t), b.out_n, b.out_cap);
    return st;
}

loom_status loom_host_state(loom_host *h, uint32_t core, uint32_t slot, int32_t *i, int32_t *v,
                            loom_err *e)
{
    hbatch b;
    uint32_t w[2];
    b.h = h;
    b.len = b.rd_words = 0;
    b.out = w;
    b.out_n = 0;
    b.out_cap = 2;
    loom_status st = hb_read(&b, LOOM_MAP_CORE_BASE(core) + LOOM_CORE_I + slot, 1, e);
    if (!st)
        st = hb_read(&b, LOOM_MAP_CORE_BASE(core) + LOOM_CORE_V + slot, 1, e);
    if (!st)
        st = hb_flush(&b, e);
    if (!st && b.out_n != 2)
        return loom_fail(e, LOOM_E_LINK, "%s: state read returned %zu words", transport_name(h->t),
                         b.out_n);
    *i = (int32_t)w[0];
    *v = (int32_t)w[1];
    return st;
}

/* The exchange behind loom_host_step_read and loom_host_stream_read: the
 * ops of one step, split into frames only where the payload cap needs it
 * (frames are applied in order, so a split never reorders ops). */
static loom_status step_exchange(loom_host *h, int step_first, const uint32_t *events,
                                 size_t n_events, int start, uint32_t cores, uint32_t out_words,
                                 uint32_t *out, const uint32_t *rd_addr, size_t n_rd, uint32_t *rd,
                                 uint32_t polls, loom_err *e)
{
    size_t n_out = out ? (size_t)cores * out_words : 0;
    uint32_t *buf = malloc((n_out + n_rd ? n_out + n_rd : 1) * sizeof *buf);
    if (!buf)
        return loom_fail(e, LOOM_E_NOMEM, "%s: out of memory for a step's read-back",
                         transport_name(h->t));
    hbatch b;
    b.h = h;
    b.len = b.rd_words = 0;
    b.out = buf;
    b.out_n = 0;
    b.out_cap = n_out + n_rd;
    loom_status st = LOOM_OK;
    uint32_t one = 1;
    if (step_first) {
        if (n_events)
            st = hb_write(&b, LOOM_REG_INPUT, events, n_events, 1, e);
        if (!st && start)
            st = hb_write(&b, LOOM_REG_CTRL, &one, 1, 0, e);
    }
    if (!st)
        st = hb_room(&b, 16, e);
    if (!st)
        st = link_batch_wait(b.ops, h->max_payload, &b.len, LOOM_REG_STATUS, LOOM_STATUS_BUSY, 0,
                             polls, e);
    for (uint32_t k = 0; !st && n_out && k < cores; k++)
        st = hb_read(&b, LOOM_MAP_OUT_BASE + (k << LOOM_MAP_OUT_CORE_SHIFT), out_words, e);
    for (size_t k = 0; !st && k < n_rd; k++)
        st = hb_read(&b, rd_addr[k], 1, e);
    if (!step_first) {
        if (!st && n_events)
            st = hb_write(&b, LOOM_REG_INPUT, events, n_events, 1, e);
        if (!st && start)
            st = hb_write(&b, LOOM_REG_CTRL, &one, 1, 0, e);
    }
    if (!st)
        st = hb_flush(&b, e);
    if (!st && b.out_n != b.out_cap)
        st = loom_fail(e, LOOM_E_LINK, "%s: %zu words returned, %zu expected",
                       transport_name(h->t), b.out_n, b.out_cap);
    if (!st) {
        if (n_out)
            memcpy(out, buf, n_out * sizeof *buf);
        if (n_rd)
            memcpy(rd, buf + n_out, n_rd * sizeof *buf);
    }
    free(buf);
    return st;
}

loom_status loom_host_step_read(loom_host *h, const uint32_t *events, size_t n_events,
                                uint32_t cores, uint32_t out_words, uint32_t *out,
                                const uint32_t *rd_addr, size_t n_rd, uint32_t *rd, uint32_t polls,
                                loom_err *e)
{
    return step_exchange(h, 1, events, n_events, 1, cores, out_words, out, rd_addr, n_rd, rd,
                         polls, e);
}

loom_status loom_host_stream_read(loom_host *h, const uint32_t *events, size_t n_events,
                                  int start, uint32_t cores, uint32_t out_words, uint32_t *out,
                                  const uint32_t *rd_addr, size_t n_rd, uint32_t *rd,
                                  uint32_t polls, loom_err *e)
{
    return step_exchange(h, 0, events, n_events, start, cores, out_words, out, rd_addr, n_rd, rd,
                         polls, e);
}

uint32_t loom_host_v_addr(uint32_t core, uint32_t slot)
{
    return LOOM_MAP_CORE_BASE(core) + LOOM_CORE_V + slot;
}
