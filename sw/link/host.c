/*
 * host.c -- the host driver: link protocol v3 (and v2) sessions over a transport
 * (see host.h and docs/protocol.md).  The calls that know the memory map
 * are in host_map.c; the session state both share is host_int.h.
 *
 * Requests go out through a window of up to `window` frames in flight
 * (the board's announced window, capped by opts.window), limited further
 * so that the request bytes in flight fit the board's rx ring and their
 * response bytes its tx ring (the board's response cache).  Responses are
 * matched to requests by seq and retired in order.  Retransmission is
 * selective repeat with a version-3 board (it holds requests that arrive
 * ahead of a damaged one, and NAK FRAME names them: only the others are
 * resent), go-back-N with a version-2 one, driven by what the board says:
 * NAK SEQ and NAK FRAME carry the
 * seq the board expects, and the host keeps the order of the frames it
 * sent (`fifo`), so it can tell which requests the frames still on the wire
 * will get executed and resends exactly the others; a damaged response
 * makes it resend the request that response belonged to; a timeout resends
 * everything not yet answered and doubles the next wait (up to 8 times;
 * answers to requests sent once halve it again).  NAK- and damage-driven
 * resends pause while `window` frames sent since the last timeout are
 * unanswered, so copies never queue up faster than the board answers.
 * The board executes only the expected seq and answers older ones from
 * its cache, so no request runs twice or is skipped.  Received bytes go through one link_rx that lives as long as the
 * session, so a response split over reads or preceded by garbage is found.
 */
#include "host.h"
#include "host_int.h"

#include "intr.h"
#include "loom_map.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


void loom_host_opts_default(loom_host_opts *o)
{
    o->timeout_ms = 500;
    o->max_tries = 8;
    o->giveup_ms = 0;
    o->connect_ms = 2000;
    o->max_payload = 0;
    o->window = 0;
    o->on_stall = NULL;
    o->stall_ctx = NULL;
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The wall time with no request answered after which a link whose board
 * still sends (NAKs, damaged frames) is given up: opts.giveup_ms, or
 * timeout_ms x max_tries but at least GIVEUP_MIN_MS. */
static double giveup_ms(const loom_host_opts *o)
{
    if (o->giveup_ms > 0)
        return o->giveup_ms;
    double g = (double)o->timeout_ms * o->max_tries;
    return g > GIVEUP_MIN_MS ? g : GIVEUP_MIN_MS;
}

static const char *nak_name(uint8_t code)
{
    switch (code) {
    case LINK_NAK_CMD: return "unknown command";
    case LINK_NAK_FORMAT: return "malformed payload";
    case LINK_NAK_SEQ: return "sequence number out of order";
    case LINK_NAK_TIMEOUT: return "WAIT ran out of polls";
    case LINK_NAK_SIZE: return "response longer than the board's max payload";
    case LINK_NAK_FRAME: return "damaged frame";
    default: return "unknown NAK code";
    }
}

static pend *win_at(loom_host *h, unsigned i)
{
    return &h->win[(h->head + i) % LINK_WINDOW_MAX];
}

static void fifo_push(loom_host *h, uint8_t seq)
{
    if (h->f_n == FIFO_CAP) { /* forget the oldest: only a prediction */
        h->f_head = (h->f_head + 1) % FIFO_CAP;
        h->f_n--;
    }
    h->fifo[(h->f_head + h->f_n++) % FIFO_CAP] = seq;
}

/* A copy of request v, read by a selective-repeat board while it expects
 * seq `base` (or later), is held there and answered once the requests
 * before it have run: 1 <= v - base <= the board's window - 1. */
static int held_by_board(const loom_host *h, uint8_t v, uint8_t base)
{
    uint8_t d = (uint8_t)(v - base);
    return h->sr && d >= 1 && d < h->id.window;
}

/* Drops the fifo entries up to and including the first with seq (all of
 * them when it is not there: that answer came from an earlier send).  The
 * entries before it, frames sent before the one answered, are the answers
 * lost on the way (the board answers in the order it reads, and the line
 * keeps the order): their seqs go to lost[] (*n_lost of them; none when seq
 * is not there).  On a selective-repeat board, entries ahead of seq were
 * held and are answered after it: they stay on the wire. */
static void fifo_pop_through(loom_host *h, uint8_t seq, uint8_t *lost, unsigned *n_lost)
{
    *n_lost = 0;
    for (unsigned i = 0; i < h->f_n; i++)
        if (h->fifo[(h->f_head + i) % FIFO_CAP] == seq) {
            unsigned keep = 0;
            uint8_t kept[FIFO_CAP];
            for (unsigned j = 0; j < i; j++) {
                uint8_t v = h->fifo[(h->f_head + j) % FIFO_CAP];
                if (held_by_board(h, v, seq))
                    kept[keep++] = v;
                else
                    lost[(*n_lost)++] = v;
            }
            h->f_head = (h->f_head + i + 1 - keep) % FIFO_CAP;
            h->f_n -= i + 1 - keep;
            for (unsigned j = 0; j < keep; j++)
                h->fifo[(h->f_head + j) % FIFO_CAP] = kept[j];
            return;
        }
}

/* v is held by the board, which expects E and holds mask (NAK FRAME's seq
 * byte: bit k - 1 = E + k). */
static int in_mask(uint8_t v, uint8_t E, unsigned mask)
{
    uint8_t d = (uint8_t)(v - E);
    return d >= 1 && d <= 8 && (mask >> (d - 1) & 1u);
}

/* Drops the oldest frame on the wire, its seq in *seq; 0 when there is none.
 * On a selective-repeat board the frames that it holds got no answer yet:
 * the oldest of the others.  Held are the frames in mask (mask_known) or,
 * when the board did not say, any ahead of base (the seq it expects). */
static int fifo_pop(loom_host *h, uint8_t base, int mask_known, unsigned mask, uint8_t *seq)
{
    if (!h->f_n)
        return 0;
    unsigned i = 0;
    while (i < h->f_n) {
        uint8_t v = h->fifo[(h->f_head + i) % FIFO_CAP];
        if (!(h->sr && (mask_known ? in_mask(v, base, mask) : held_by_board(h, v, base))))
            break;
        i++;
    }
    if (i == h->f_n)
        i = 0;
    *seq = h->fifo[(h->f_head + i) % FIFO_CAP];
    for (; i > 0; i--) /* close the gap: the held ones move up by one */
        h->fifo[(h->f_head + i) % FIFO_CAP] = h->fifo[(h->f_head + i - 1) % FIFO_CAP];
    h->f_head = (h->f_head + 1) % FIFO_CAP;
    h->f_n--;
    return 1;
}

/* Forgets every copy of seq on the wire (its answer is presumed lost). */
static void fifo_drop(loom_host *h, uint8_t seq)
{
    unsigned k = 0;
    for (unsigned i = 0; i < h->f_n; i++) {
        uint8_t v = h->fifo[(h->f_head + i) % FIFO_CAP];
        if (v != seq)
            h->fifo[(h->f_head + k++) % FIFO_CAP] = v;
    }
    h->f_n = k;
}

static int fifo_has(const loom_host *h, uint8_t seq)
{
    for (unsigned i = 0; i < h->f_n; i++)
        if (h->fifo[(h->f_head + i) % FIFO_CAP] == seq)
            return 1;
    return 0;
}

static loom_status send_pend(loom_host *h, pend *p, loom_err *e)
{
    size_t m = link_frame_encode(&p->req, h->wire);
    /* Selective repeat: a second closing flag (an empty frame, ignored).
     * A frame whose closing flag is lost waits in the board's receiver
     * for the next flag; when it is the resend that the board's held
     * frames wait for, nothing else is sent to close it (the window is
     * full) and the link stood still until the resend timeout. */
    if (h->sr)
        h->wire[m++] = LINK_FLAG;
    if (h->debug)
        fprintf(stderr, "%.1f send seq %u cmd %02X len %u\n", mono_ms(), p->req.seq, p->req.cmd, p->req.len);
    loom_status st = transport_write(h->t, h->wire, m, h->o.timeout_ms, e);
    if (st && st != LOOM_E_TIMEOUT)
        return st;
    h->bytes_sent += m;
    h->unanswered++;
    p->sent_ms = mono_ms();
    /* the exchange on the wire: this request and the longest answer (flags,
     * header, CRC; stuffing not counted) */
    p->wire = (unsigned)m + LINK_HDR + LINK_CRC + 2u + p->resp_max;
    if (p->sends++) {
        h->cnt.duplicates++;
        link_retry_resent(&h->retry);
    }
    fifo_push(h, p->req.seq);
    return LOOM_OK;
}

/* The give-up message names what actually happened (retry.h): silence (no
 * answer and nothing else for max_tries backed-off timeouts), or a line
 * that carries the board's NAKs and damaged frames but no request through
 * for giveup_ms and max_sends resends. */
static loom_status give_up(loom_host *h, const pend *p, link_retry_verdict v, loom_err *e)
{
    double stalled = link_retry_stalled_ms(&h->retry, mono_ms()) / 1e3;
    if (v == LINK_RETRY_REFUSED)
        return loom_fail(e, LOOM_E_LINK,
                         "%s: no request answered for %.1f s although the board keeps sending: "
                         "request seq %u (command 0x%02X) was resent %u times in that time on the "
                         "board's NAKs, damaged answers and timeouts (a line too noisy for any "
                         "frame; session: NAKs received %u, frames received %u, CRC errors %u, "
                         "format errors %u, %u resends)",
                         transport_name(h->t), stalled, p->req.seq, p->req.cmd,
                         h->retry.resends, h->cnt.seq_errors, h->rx.cnt.frames_ok,
                         h->rx.cnt.crc_errors, h->rx.cnt.format_errors, h->cnt.duplicates);
    return loom_fail(e, LOOM_E_TIMEOUT,
                     "%s: no valid response to request seq %u (command 0x%02X) for %.1f s, after "
                     "%u timeouts of %d ms or more (backed off) and %u shorter adaptive ones "
                     "(%u sends; frames received %u, CRC errors %u, format errors %u)",
                     transport_name(h->t), p->req.seq, p->req.cmd, stalled, h->retry.silent,
                     h->o.timeout_ms, p->early, p->sends, h->rx.cnt.frames_ok,
                     h->rx.cnt.crc_errors, h->rx.cnt.format_errors);
}

/* Gives up (LOOM_E_LINK) when the link has made no progress for long
 * enough (retry.h); a board that answers now and then is never given up. */
static loom_status check_refused(loom_host *h, const pend *p, loom_err *e)
{
    if (link_retry_check(&h->retry, mono_ms()) == LINK_RETRY_REFUSED)
        return give_up(h, p, LINK_RETRY_REFUSED, e);
    return LOOM_OK;
}

/* The answer to the frame of seq s was lost on the way (a later frame's
 * answer or a damaged frame came in its place): if s is still unanswered
 * and no other copy of it is on the wire, it is resent at once, one copy for
 * the one lost (so not held back by the cap on copies in flight; the board
 * answers it from its cache).  Waiting for the resend timeout instead
 * stalled the whole window for a round trip and more on every lost answer. */
static loom_status resend_lost(loom_host *h, uint8_t s, int seen, loom_err *e)
{
    if (!seen && h->unanswered)
        h->unanswered--; /* its answer will not come (a damaged one was counted) */
    if (fifo_has(h, s))
        return LOOM_OK;
    for (unsigned i = 0; i < h->count; i++) {
        pend *p = win_at(h, i);
        if (p->req.seq != s || p->done)
            continue;
        loom_status st = check_refused(h, p, e);
        return st ? st : send_pend(h, p, e);
    }
    return LOOM_OK;
}

/* The board expects seq E next (and, selective repeat, holds the requests
 * in mask, see in_mask): resend every unanswered request that the frames
 * still on the wire will not get answered. */
static loom_status resend_from(loom_host *h, uint8_t E, int mask_known, unsigned mask,
                               loom_err *e)
{
    if (!h->count)
        return LOOM_OK;
    uint8_t base = win_at(h, 0)->req.seq;
    unsigned iE = (uint8_t)(E - base);
    if (iE > h->count)
        return LOOM_OK; /* stale: the board is behind what we retired */
    uint8_t exp = E;
    for (unsigned j = 0; j < h->f_n; j++)
        if (h->fifo[(h->f_head + j) % FIFO_CAP] == exp)
            exp++;
    for (unsigned i = iE; i < h->count; i++)
        if (win_at(h, i)->done)
            return LOOM_OK; /* stale: answered after the board said E */
    /* frames a selective-repeat board holds are in its ring, not queued on
     * the line: they do not count against the cap on copies in flight */
    unsigned held = 0;
    for (unsigned i = iE; i < h->count; i++)
        held += h->sr && in_mask(win_at(h, i)->req.seq, E, mask);
    for (unsigned i = 0; i < h->count; i++) {
        pend *p = win_at(h, i);
        if (p->done)
            continue;
        /* before E: answered, the answer lost unless a copy is on the way;
         * from E on: go-back-N, those not continuing E, E+1, ... on the wire;
         * selective repeat, those with no copy on the wire (held or run) */
        int need = i < iE || h->sr ? !fifo_has(h, p->req.seq)
                                   : (uint8_t)(p->req.seq - E) >= (uint8_t)(exp - E);
        if (h->sr && i >= iE && mask_known)
            /* the board says which it holds: every other one from E on is
             * resent, one of them the damaged frame (a copy still on the
             * wire may be resent too: cheaper than a resend timeout when the
             * frames on the wire were mistaken for the damaged one) */
            need = !in_mask(p->req.seq, E, mask);
        if (!need)
            continue;
        loom_status st = check_refused(h, p, e);
        if (st)
            return st;
        if (h->unanswered >= h->window + held)
            return LOOM_OK; /* a later answer or the timeout resends the rest */
        st = send_pend(h, p, e);
        if (st)
            return st;
        if (i >= iE)
            exp = (uint8_t)(p->req.seq + 1);
    }
    return LOOM_OK;
}

/* Retires answered requests at the head of the window, in order. */
static void retire(loom_host *h)
{
    while (h->count && win_at(h, 0)->done) {
        pend *p = win_at(h, 0);
        if (p->piped) {
            if (LINK_IS_NAK(p->resp.cmd)) {
                if (!h->pst)
                    h->pst = loom_fail(&h->perr, p->resp.cmd == LINK_NAK(LINK_NAK_TIMEOUT)
                                                     ? LOOM_E_TIMEOUT : LOOM_E_LINK,
                                       "%s: board refused command 0x%02X (seq %u): NAK %u, %s",
                                       transport_name(h->t), p->req.cmd, p->req.seq,
                                       p->resp.cmd & 0x3F, nak_name(p->resp.cmd & 0x3F));
            } else {
                size_t n = p->resp.len / 4;
                if (h->wq_n + n > h->wq_cap) {
                    size_t cap = h->wq_cap ? h->wq_cap * 2 : 1024;
                    while (cap < h->wq_n + n)
                        cap *= 2;
                    uint32_t *q = realloc(h->wq, cap * sizeof *q);
                    if (!q) {
                        if (!h->pst)
                            h->pst = loom_fail(&h->perr, LOOM_E_NOMEM, "out of memory");
                    } else {
                        h->wq = q;
                        h->wq_cap = cap;
                    }
                }
                for (size_t i = 0; i < n && h->wq_n < h->wq_cap; i++)
                    h->wq[h->wq_n++] = link_get_le(p->resp.payload + 4 * i, 4);
            }
        }
        h->head = (h->head + 1) % LINK_WINDOW_MAX;
        h->count--;
    }
}

/* The frame payload cap follows the line: a moving average of the damaged
 * fraction of what the board sends (damaged answers, and NAK FRAME for
 * damaged requests) above DMG_HIGH halves the cap down to SHORT_PAYLOAD,
 * above DMG_SHORT further down to MIN_NOISY_PAYLOAD; below DMG_LOW it
 * doubles again (below DMG_BACK up to SHORT_PAYLOAD), up to the session's
 * full cap, at most once every DMG_EVERY answers.  A frame of n bytes
 * arrives whole with probability (1 - p)^n at byte error rate p, so short
 * frames get through a noisy line (1 %: a 72-byte answer half the time, a
 * 24-byte one 79 %) and long ones waste nothing on a clean one. */
static void track_damage(loom_host *h, int damaged)
{
    h->dmg = 0.9 * h->dmg + (damaged ? 0.1 : 0.0);
    if (++h->dmg_n < DMG_EVERY)
        return;
    /* below SHORT_PAYLOAD only on a line that damages most frames even so:
     * a step's request no longer fits one frame there, and every frame more
     * is one more chance of a lost frame costing a round trip */
    double high = h->max_payload > SHORT_PAYLOAD ? DMG_HIGH : DMG_SHORT;
    /* ... and back up to it below DMG_BACK (at 1 % a 40-byte frame is
     * damaged a third of the time: with DMG_LOW a chance dip to 32 bytes
     * during the image load stayed for the run; at 5 % short frames are
     * damaged half the time or more, and a frame built at 64 bytes, sent
     * as it is, rarely gets through) */
    double low = h->max_payload < SHORT_PAYLOAD ? DMG_BACK : DMG_LOW;
    if (h->dmg > high && h->max_payload > MIN_NOISY_PAYLOAD) {
        h->max_payload = h->max_payload / 2 < MIN_NOISY_PAYLOAD ? MIN_NOISY_PAYLOAD
                                                                : h->max_payload / 2;
        h->dmg_n = 0;
        h->dmg = (DMG_HIGH + DMG_LOW) / 2; /* measure the new length afresh */
    } else if (h->dmg < low && h->max_payload < h->full_payload) {
        h->max_payload = h->max_payload * 2 > h->full_payload ? h->full_payload
                                                              : h->max_payload * 2;
        h->dmg_n = 0;
        h->dmg = (DMG_HIGH + DMG_LOW) / 2;
    }
}

/* RFC 6298's smoothing of a time x into *mean and its variation *var
 * (the first sample sets both). */
static void smooth(double *mean, double *var, int first, double x)
{
    if (first) {
        *mean = x;
        *var = x / 2;
        return;
    }
    double d = *mean - x;
    *var = 0.75 * *var + 0.25 * (d < 0 ? -d : d);
    *mean = 0.875 * *mean + 0.125 * x;
}

/* One received frame (got 1) or a damaged one (got -1). */
static loom_status on_frame(loom_host *h, int got, const link_frame *f, loom_err *e)
{
    if (h->debug)
        fprintf(stderr, "%.1f recv got %d seq %u cmd %02X len %u w0 %08X\n", mono_ms(), got, f->seq, f->cmd, f->len, f->len >= 4 ? link_get_le(f->payload, 4) : f->len ? f->payload[0] : 0);
    if (h->unanswered)
        h->unanswered--; /* every frame the board reads gets one answer */
    track_damage(h, got < 0 || f->cmd == LINK_NAK(LINK_NAK_FRAME));
    uint8_t s;
    if (got < 0 || f->cmd == LINK_NAK(LINK_NAK_FRAME))
        h->heard_ms = mono_ms(); /* something fresh: the board reads and answers */
    if (got < 0) {
        /* most likely the answer to the oldest frame on the wire (not held) */
        if (!h->count)
            return LOOM_OK;
        uint8_t base = win_at(h, 0)->req.seq;
        for (unsigned i = 0; i < h->count && win_at(h, i)->done; i++)
            base = (uint8_t)(win_at(h, i)->req.seq + 1);
        if (fifo_pop(h, base, 0, 0, &s))
            return resend_lost(h, s, 1, e);
        for (unsigned i = 0; i < h->count; i++)
            if (!win_at(h, i)->done)
                return resend_from(h, win_at(h, i)->req.seq, 0, 0, e);
        return LOOM_OK;
    }
    if (f->cmd == LINK_NAK(LINK_NAK_FRAME)) {
        h->cnt.seq_errors++;
        /* selective repeat: the seq byte is the mask of the requests the
         * board holds, so the damaged frame is the oldest on the wire not
         * among them */
        if (f->len < 1)
            return LOOM_OK;
        unsigned mask = h->sr ? f->seq : 0;
        fifo_pop(h, f->payload[0], 1, mask, &s);
        return resend_from(h, f->payload[0], h->sr, mask, e);
    }
    pend *p = NULL;
    for (unsigned i = 0; i < h->count; i++)
        if (win_at(h, i)->req.seq == f->seq && !win_at(h, i)->done)
            p = win_at(h, i);
    uint8_t lost[FIFO_CAP];
    unsigned n_lost;
    if (!p) {
        /* stale: a duplicate answer (to a copy resent too early) or another
         * session's.  Not counted as heard: a board busy answering copies is
         * not a sign that the oldest request was lost, and taking it for one
         * resent copies of long frames to a slow board faster than it
         * answered them, each copy's answer triggering the next.  Its copy
         * leaves the frames on the wire all the same (left there, it made
         * later NAKs resend requests whose copies were still on the way). */
        h->stale++;
        if (!fifo_has(h, f->seq))
            return LOOM_OK;
        fifo_pop_through(h, f->seq, lost, &n_lost);
        for (unsigned i = 0; i < n_lost; i++) {
            loom_status st = resend_lost(h, lost[i], 0, e);
            if (st)
                return st;
        }
        return LOOM_OK;
    }
    h->heard_ms = mono_ms();
    fifo_pop_through(h, f->seq, lost, &n_lost);
    if (f->cmd == LINK_NAK(LINK_NAK_SEQ)) {
        h->cnt.seq_errors++;
        return f->len >= 1 ? resend_from(h, f->payload[0], 0, 0, e) : LOOM_OK;
    }
    for (unsigned i = 0; i < n_lost; i++) {
        loom_status st = resend_lost(h, lost[i], 0, e);
        if (st)
            return st;
    }
    if (f->cmd != LINK_ACK(p->req.cmd) && !LINK_IS_NAK(f->cmd))
        return loom_fail(e, LOOM_E_LINK,
                         "%s: response 0x%02X to request 0x%02X (seq %u) is neither its ACK nor a "
                         "NAK", transport_name(h->t), f->cmd, p->req.cmd, f->seq);
    p->resp = *f;
    p->done = 1;
    h->cnt.frames_ok++;
    h->last_event = mono_ms();
    /* the answer gap: a request whose last copy went out before the
     * previous answer came was in the board's ring (or damaged) by then,
     * so its answer follows that one after the board's own time per
     * request (a step, then the answer's bytes) */
    if (h->ans_ms > 0 && p->sent_ms < h->ans_ms)
        smooth(&h->gap_ms, &h->gap_var, !h->gap_n++, h->last_event - h->ans_ms);
    h->ans_ms = h->last_event;
    h->ans_sent_ms = p->sent_ms;
    link_retry_progress(&h->retry, h->last_event);
    if (p->sends == 1) {
        /* Karn: only a request sent once gives a round-trip sample */
        double r = h->last_event - p->sent_ms;
        if (r < 0)
            r = 0;
        /* the time per byte of the exchange, fixed costs included (so an
         * over-estimate for longer frames, never an under-estimate) */
        double b = r / (double)(p->wire > p->resp_max ? p->wire - p->resp_max + f->len : 1);
        h->byte_ms = h->byte_ms > 0 ? 0.875 * h->byte_ms + 0.125 * b : b;
        const int first = h->srtt <= 0;
        smooth(&h->srtt, &h->rttvar, first, r);
        if (first && h->srtt < 0.01) /* (srtt > 0: a sample was taken) */
            h->srtt = 0.01;
        h->backoff = 0; /* a fresh sample: the timeout is measured again */
    } else if (h->backoff) {
        h->backoff--; /* the board answers: back off less */
    }
    h->stall_note = 0;
    return LOOM_OK;
}

/* The resend timeout (RFC 6298): smoothed RTT + 4 x its variation of the
 * answers to requests sent once (Karn's rule: an answer to a resent request
 * may belong to either send), clamped to [RTO_MIN_MS, timeout_ms];
 * timeout_ms until the first sample. */
static double rto_ms(const loom_host *h)
{
    double t = h->o.timeout_ms;
    if (h->srtt > 0) {
        double r = h->srtt + 4 * h->rttvar;
        if (r < RTO_MIN_MS)
            r = RTO_MIN_MS;
        if (r < t)
            t = r;
    }
    return t;
}

/* The wait before a timeout resend: the adaptive timeout doubled by every
 * timeout, halved by every answer and reset by every new round-trip sample, at most timeout_ms x 2^BACKOFF_MAX.
 * The requests of a timeout may not be lost but still queued in front of a
 * slow board; resending at a fixed rate would then queue copies faster
 * than the board answers them, and every copy delays the answers further. */
static double wait_ms(const loom_host *h, const pend *old)
{
    double w = rto_ms(h);
    /* ... and never shorter than the exchange of the oldest request can
     * take: its bytes both ways at the measured time per byte (at least the
     * board's baud rate) plus the measured variation.  The round trip of
     * short frames (a few ms) is no timeout for a 250-byte frame through a
     * slow (sanitized, loaded) virtual board: resending it before its
     * answer could be back queued copies faster than the board answered. */
    if (old) {
        double per = h->byte_ms > h->uart_byte_ms ? h->byte_ms : h->uart_byte_ms;
        double x = old->wire * per + 4 * h->rttvar;
        if (x > w)
            w = x;
    }
    w *= (double)(1u << h->backoff);
    double cap = (double)h->o.timeout_ms * (1u << BACKOFF_MAX);
    return w < cap ? w : cap;
}

/* The board has not answered for a second or more: tell the caller (a
 * progress line on a terminal), at most once a second. */
static void note_stall(loom_host *h, const pend *old, double now)
{
    if (!h->o.on_stall || now - h->last_event < 1000 ||
        (h->stall_note > 0 && now - h->stall_note < 1000))
        return;
    h->stall_note = now;
    char msg[200];
    snprintf(msg, sizeof msg, "link stalled: no answer for %.1f s to request seq %u (command "
             "0x%02X), %u sends, %u of %u silent timeouts; CRC errors %u",
             (now - h->last_event) / 1e3, old->req.seq, old->req.cmd, old->sends,
             h->retry.silent, h->o.max_tries, h->rx.cnt.crc_errors);
    h->o.on_stall(h->o.stall_ctx, msg);
}

/* Resends the oldest unanswered request alone, presumed lost (its copies
 * on the wire forgotten), neither backed off nor counted against
 * max_tries; the cap on its sends still holds. */
static loom_status resend_alone(loom_host *h, pend *old, loom_err *e)
{
    loom_status st = check_refused(h, old, e);
    if (st)
        return st;
    old->early++;
    fifo_drop(h, old->req.seq);
    if (h->unanswered)
        h->unanswered--;
    return send_pend(h, old, e);
}

/* Waits for and handles what the board sends, at most until the timeout of
 * the oldest unanswered request (then resends all unanswered ones). */
static loom_status pump(loom_host *h, loom_err *e)
{
    loom_status st;
    if ((st = loom_intr_check(e))) /* SIGINT / SIGTERM: stop waiting (intr.h) */
        return st;
    while (h->in_off < h->in_n) {
        int got;
        h->in_off += link_rx_feed(&h->rx, h->inbuf + h->in_off, h->in_n - h->in_off, &h->fr,
                                  &got);
        if (got && (st = on_frame(h, got, &h->fr, e)))
            return st;
        if (got)
            return LOOM_OK;
    }
    pend *old = NULL;
    for (unsigned i = 0; i < h->count && !old; i++)
        if (!win_at(h, i)->done)
            old = win_at(h, i);
    double now = mono_ms(), w = wait_ms(h, old);
    /* never before the oldest request's last send is w old: its answer may
     * still be on the way, and a copy would only queue behind it */
    double since = h->last_event;
    if (old && old->sent_ms > since)
        since = old->sent_ms;
    double left_ms = since + w - now;
    if (old)
        note_stall(h, old, now);
    /* The answer gap: the oldest unanswered request went out before the
     * request answered last did, so the board had read it (or a damaged
     * copy) when it answered that one, and answers in order: its answer is
     * due one answer gap after the last answer.  When it is that late, the
     * board dropped it (a damaged copy whose NAK was lost too, or a held
     * copy given up when the held region passed half its receive ring)
     * and waits for it: resend it alone now, instead of after the resend
     * timeout (tens of ms at 1 % faults, most of the time lost there).  A
     * wrong guess costs one answer replayed from the board's cache. */
    if (old && h->gap_n >= GAP_SAMPLES && old->sent_ms < h->ans_sent_ms && left_ms > 0) {
        double g = h->gap_ms + 4 * h->gap_var;
        if (g < GAP_MIN_MS)
            g = GAP_MIN_MS;
        if (now >= h->ans_ms + g) {
            if (h->debug)
                fprintf(stderr, "%.1f gap seq %u after %.1f ms (gap %.1f var %.1f)\n", now,
                        old->req.seq, now - h->ans_ms, h->gap_ms, h->gap_var);
            return resend_alone(h, old, e);
        }
        if (h->ans_ms + g - now < left_ms)
            left_ms = h->ans_ms + g - now;
    }
    if (left_ms <= 0) {
        if (!old)
            return LOOM_OK;
        /* The board has answered in this session and sent something
         * (answers, NAKs, garbled frames) since the oldest request's last
         * send: it is alive and reading (not a wrong baud rate), and the
         * oldest's answer (or its request) was lost on a noisy line.  That
         * resends the oldest alone, at the measured timeout, neither backed
         * off nor counted against max_tries (the 16 x max_tries cap on its
         * sends still holds).  Only silence is a timeout that backs off and
         * counts: a board that is gone or still busy with queued copies. */
        if (h->cnt.frames_ok && h->heard_ms > since) {
            h->timeouts++;
            if (h->debug)
                fprintf(stderr, "%.1f lost seq %u wait %.1f srtt %.1f var %.1f\n", now,
                        old->req.seq, w, h->srtt, h->rttvar);
            if ((st = resend_alone(h, old, e)))
                return st;
            h->last_event = mono_ms();
            return LOOM_OK;
        }
        int full = w >= h->o.timeout_ms;
        h->timeouts++;
        if (full) {
            old->timeouts++;
            link_retry_silent(&h->retry);
            link_retry_verdict v = link_retry_check(&h->retry, now);
            if (v)
                return give_up(h, old, v, e);
        } else {
            old->early++;
        }
        if (h->debug)
            fprintf(stderr, "%.1f timeout seq %u wait %.1f srtt %.1f var %.1f\n", now, old->req.seq,
                    w, h->srtt, h->rttvar);
        if (h->backoff < RTO_SHIFT_MAX && w < h->o.timeout_ms * (double)(1u << BACKOFF_MAX))
            h->backoff++;
        if (full) {
            h->f_n = 0; /* everything on the wire is presumed lost */
            h->unanswered = 0;
        } else if (h->unanswered > h->window) {
            /* a short timeout: what is on the wire may still come back, so
             * NAK-driven resends stay capped by what is unanswered */
            h->unanswered = h->window;
        }
        for (unsigned i = 0; i < h->count; i++)
            if (!win_at(h, i)->done && (st = send_pend(h, win_at(h, i), e)))
                return st;
        h->last_event = mono_ms();
        return LOOM_OK;
    }
    int left = left_ms > 1000 ? 1000 : (int)left_ms + 1;
    size_t got = 0;
    st = transport_read(h->t, h->inbuf, sizeof h->inbuf, left, &got, e);
    if (st)
        return st;
    h->in_off = 0;
    h->in_n = got;
    h->bytes_received += got;
    return LOOM_OK;
}

static int has_room(const loom_host *h, uint16_t len, uint16_t resp_max)
{
    if (h->count >= h->window)
        return 0;
    unsigned rx = LINK_HDR + LINK_CRC + len, tx = LINK_HDR + resp_max;
    for (unsigned i = 0; i < h->count; i++) {
        const pend *p = &h->win[(h->head + i) % LINK_WINDOW_MAX];
        rx += LINK_HDR + LINK_CRC + p->req.len;
        tx += LINK_HDR + p->resp_max;
    }
    /* a selective-repeat board gives held frames up once the frames since
     * the first of them fill half its ring: on a noisy line (short frames)
     * keep the requests in flight within that half */
    unsigned rx_cap = h->id.rx_bytes - 1u;
    if (h->sr && h->max_payload < h->full_payload)
        rx_cap = h->id.rx_bytes / 2 - 1u;
    return (rx <= rx_cap || !h->count) && rx <= h->id.rx_bytes - 1u && tx <= h->id.tx_bytes;
}

/* Queues a request (waiting for room in the window) and sends it. */
static loom_status submit(loom_host *h, uint8_t cmd, const uint8_t *p, uint16_t len,
                          uint16_t resp_max, int piped, pend **out, loom_err *e)
{
    if (len > LINK_MAX_PAYLOAD)
        return loom_fail(e, LOOM_E_ARG, "link: payload of %u bytes, at most %d allowed", len,
                         LINK_MAX_PAYLOAD);
    loom_status st;
    if (!h->count) {
        h->last_event = mono_ms();
        link_retry_progress(&h->retry, h->last_event); /* an idle link made no progress to make */
    }
    while (!has_room(h, len, resp_max)) {
        if (!h->count)
            return loom_fail(e, LOOM_E_ARG, "link: a request of %u bytes with a %u-byte response "
                             "does not fit the board's rings (%u / %u bytes)", len, resp_max,
                             h->id.rx_bytes, h->id.tx_bytes);
        if ((st = pump(h, e)))
            return st;
        retire(h);
    }
    pend *q = win_at(h, h->count++);
    memset(q, 0, offsetof(pend, resp));
    q->req.seq = h->next_seq++;
    q->req.cmd = cmd;
    q->req.len = len;
    if (len)
        memcpy(q->req.payload, p, len);
    q->resp_max = resp_max;
    q->piped = piped;
    q->done = 0;
    q->sends = 0;
    q->timeouts = 0;
    q->early = 0;
    if (out)
        *out = q;
    return send_pend(h, q, e);
}

/* Waits until every request in flight is answered and retired. */
static loom_status drain(loom_host *h, loom_err *e)
{
    while (h->count) {
        loom_status st = pump(h, e);
        if (st)
            return st;
        retire(h);
    }
    return LOOM_OK;
}

static loom_status take_deferred(loom_host *h, loom_err *e)
{
    loom_status st = h->pst;
    if (st) {
        if (e)
            *e = h->perr;
        h->pst = LOOM_OK;
    }
    return st;
}

/* One request, stop-and-wait, its response in *resp. */
static loom_status request(loom_host *h, uint8_t cmd, const uint8_t *p, uint16_t len,
                           uint16_t resp_max, link_frame *resp, loom_err *e)
{
    loom_status st = drain(h, e);
    if (!st)
        st = take_deferred(h, e);
    pend *q = NULL;
    if (!st)
        st = submit(h, cmd, p, len, resp_max, 0, &q, e);
    while (!st && !q->done)
        st = pump(h, e);
    if (st)
        return st;
    *resp = q->resp;
    retire(h);
    return LOOM_OK;
}

static loom_status do_identify(loom_host *h, link_identify *id, loom_err *e)
{
    loom_status st = request(h, LINK_CMD_IDENTIFY, NULL, 0, LINK_IDENTIFY_LEN, &h->resp, e);
    if (st)
        return st;
    if (h->resp.cmd != LINK_ACK(LINK_CMD_IDENTIFY))
        return loom_fail(e, LOOM_E_LINK, "%s: IDENTIFY answered with NAK: %s",
                         transport_name(h->t), nak_name(h->resp.cmd & 0x3F));
    unsigned proto = h->resp.len >= 2 ? (unsigned)link_get_le(h->resp.payload, 2) : 0;
    if (proto < LINK_PROTO_GBN || proto > LINK_PROTO_VERSION)
        return loom_fail(e, LOOM_E_UNSUPPORTED, "%s: board speaks link protocol %u, this host "
                         "%d to %d", transport_name(h->t), proto, LINK_PROTO_GBN,
                         LINK_PROTO_VERSION);
    st = link_identify_parse(h->resp.payload, h->resp.len, id, e);
    if (st)
        return loom_err_prefix(e, "%s", transport_name(h->t));
    h->sr = proto >= 3; /* the board holds requests that arrive ahead of their turn */
    return LOOM_OK;
}

static uint16_t resp_bound(loom_host *h, uint8_t cmd, const uint8_t *p, uint16_t len)
{
    size_t words = 0;
    if (cmd == LINK_CMD_BATCH && link_batch_check(p, len, &words) == 0)
        return (uint16_t)(words * 4 < h->full_payload ? words * 4 : h->full_payload);
    if (cmd == LINK_CMD_IDENTIFY)
        return LINK_IDENTIFY_LEN;
    if (cmd == LINK_CMD_COUNTERS)
        return LINK_COUNTERS_LEN;
    return cmd == LINK_CMD_RESET ? 0 : h->full_payload;
}

loom_status loom_host_transact(loom_host *h, uint8_t cmd, const uint8_t *payload, uint16_t len,
                               link_frame *resp, loom_err *e)
{
    if (len > h->full_payload)
        return loom_fail(e, LOOM_E_ARG, "request of %u bytes, the board takes at most %u", len,
                         h->full_payload);
    size_t words;
    if (cmd == LINK_CMD_BATCH && link_batch_check(payload, len, &words))
        return loom_fail(e, LOOM_E_ARG, "malformed BATCH payload of %u bytes", len);
    loom_status st = request(h, cmd, payload, len, resp_bound(h, cmd, payload, len), resp, e);
    if (st)
        return st;
    if (LINK_IS_NAK(resp->cmd))
        return loom_fail(e, resp->cmd == LINK_NAK(LINK_NAK_TIMEOUT) ? LOOM_E_TIMEOUT : LOOM_E_LINK,
                         "%s: board refused command 0x%02X (seq %u): NAK %u, %s",
                         transport_name(h->t), cmd, resp->seq, resp->cmd & 0x3F,
                         nak_name(resp->cmd & 0x3F));
    return LOOM_OK;
}

loom_status loom_host_pipe_batch(loom_host *h, const uint8_t *ops, size_t len, loom_err *e)
{
    size_t words;
    if (len > h->full_payload)
        return loom_fail(e, LOOM_E_ARG, "batch of %zu bytes, the board takes at most %u", len,
                         h->full_payload);
    if (link_batch_check(ops, len, &words))
        return loom_fail(e, LOOM_E_ARG, "malformed BATCH payload of %zu bytes", len);
    if (words * 4 > h->full_payload)
        return loom_fail(e, LOOM_E_ARG, "batch reads %zu words, the board returns at most %u",
                         words, h->full_payload / 4);
    loom_status st = take_deferred(h, e);
    if (!st)
        st = submit(h, LINK_CMD_BATCH, ops, (uint16_t)len, (uint16_t)(words * 4), 1, NULL, e);
    if (!st)
        retire(h);
    return st;
}

loom_status loom_host_pipe_words(loom_host *h, uint32_t *w, size_t n, loom_err *e)
{
    loom_status st;
    while (h->wq_n - h->wq_off < n) {
        if ((st = take_deferred(h, e)))
            return st;
        if (!h->count)
            return loom_fail(e, LOOM_E_ARG, "%s: %zu words wanted, %zu queued and nothing in "
                             "flight", transport_name(h->t), n, h->wq_n - h->wq_off);
        if ((st = pump(h, e)))
            return st;
        retire(h);
    }
    if (w)
        memcpy(w, h->wq + h->wq_off, n * sizeof *w);
    h->wq_off += n;
    if (h->wq_off == h->wq_n)
        h->wq_off = h->wq_n = 0;
    return take_deferred(h, e);
}

size_t loom_host_pipe_pending(const loom_host *h)
{
    return h->count;
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
    h->debug = getenv("LOOM_LINK_DEBUG") != NULL; /* read once, not per frame */
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
    h->next_seq = (uint8_t)(ts.tv_nsec ^ getpid());
    link_rx_init(&h->rx);
    h->max_payload = h->full_payload = LINK_MAX_PAYLOAD;
    h->window = 1;
    h->id.rx_bytes = h->id.tx_bytes = 64; /* until IDENTIFY says */
    /* a leading flag ends whatever partial frame the board holds */
    static const uint8_t z = LINK_FLAG;
    /* a port with nothing (or the wrong thing) behind it is told within 3
     * tries, not after the whole retry budget of a running link */
    const unsigned tries = h->o.max_tries;
    if (h->o.max_tries > 3)
        h->o.max_tries = 3;
    link_retry_init(&h->retry, h->o.max_tries, 16 * h->o.max_tries, giveup_ms(&h->o), mono_ms());
    if ((st = transport_write(h->t, &z, 1, h->o.timeout_ms, e)) ||
        (st = do_identify(h, &h->id, e))) {
        if (st == LOOM_E_TIMEOUT) {
            size_t l = strlen(e->msg);
            snprintf(e->msg + l, sizeof e->msg - l,
                     "; nothing answered IDENTIFY at %u baud%s: is a board with a Loom bitstream "
                     "(loom build) on this port, and is %u its baud rate (--baud; loom build "
                     "--list shows the boards)?", baud,
                     h->rx.cnt.crc_errors + h->rx.cnt.format_errors ? " (garbled bytes came back: "
                     "a wrong baud rate?)" : "", baud);
        }
        loom_host_close(h);
        return st;
    }
    h->o.max_tries = tries;
    if (h->id.clk_hz && h->id.clks_per_bit)
        h->uart_byte_ms = 10e3 * h->id.clks_per_bit / h->id.clk_hz;
    if (h->id.max_payload < 64) {
        loom_fail(e, LOOM_E_LINK, "%s: board announces a max payload of %u bytes, at least 64 "
                  "expected", port, h->id.max_payload);
        loom_host_close(h);
        return LOOM_E_LINK;
    }
    if (h->id.max_payload < h->max_payload)
        h->max_payload = h->id.max_payload;
    h->window = h->id.window;
    if (h->o.window && h->o.window < h->window)
        h->window = h->o.window;
    if (h->o.max_payload && h->o.max_payload < h->max_payload)
        h->max_payload = (uint16_t)(h->o.max_payload < 64 ? 64 : h->o.max_payload);
    h->full_payload = h->max_payload;
    /* N resends per request of the window in a row with no answer at all */
    link_retry_init(&h->retry, h->o.max_tries, 16 * h->o.max_tries * h->window,
                    giveup_ms(&h->o), mono_ms());
    *out = h;
    return LOOM_OK;
}

void loom_host_close(loom_host *h)
{
    if (!h)
        return;
    transport_close(h->t);
    free(h->wq);
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
    if (len > h->full_payload)
        return loom_fail(e, LOOM_E_ARG, "batch of %zu bytes, the board takes at most %u", len,
                         h->full_payload);
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

/* The frames are pipelined (up to the window in flight, as a stream's are):
 * a stop-and-wait write costs a round trip per frame, and on a noisy line,
 * where the payload cap is down to a few words, an image load would take
 * minutes.  Returns once every frame has been answered. */
loom_status loom_host_write(loom_host *h, uint32_t addr, const uint32_t *w, size_t n, loom_err *e)
{
    uint8_t ops[LINK_MAX_PAYLOAD];
    loom_status st = take_deferred(h, e);
    while (!st && n) {
        size_t per = (h->max_payload - 6) / 4; /* per frame: a noisy line may have lowered the cap */
        size_t k = n < per ? n : per, len = 0;
        st = link_batch_write(ops, sizeof ops, &len, addr, w, k, 0, e);
        if (!st)
            st = loom_host_pipe_batch(h, ops, len, e);
        addr += (uint32_t)k;
        w += k;
        n -= k;
    }
    if (!st)
        st = drain(h, e);
    return st ? st : take_deferred(h, e);
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
    /* the board's WAIT watches the busy pin only: other conditions are
     * polled from here, one read per round trip */
    for (uint32_t k = 0; k < polls; k++) {
        uint32_t w;
        loom_status st = loom_host_read(h, addr, &w, 1, e);
        if (st)
            return st;
        if ((w & mask) == value)
            return LOOM_OK;
    }
    return loom_fail(e, LOOM_E_TIMEOUT, "%s: word at 0x%06X never matched 0x%08X under mask "
                     "0x%08X in %u reads", transport_name(h->t), addr, value, mask, polls);
}

loom_status loom_host_step(loom_host *h, uint32_t ctrl_addr, uint32_t value, uint32_t status_addr,
                           uint32_t busy_mask, uint32_t polls, loom_err *e)
{
    uint8_t ops[32];
    size_t len = 0;
    loom_status st = link_batch_write(ops, sizeof ops, &len, ctrl_addr, &value, 1, 0, e);
    (void)status_addr;
    (void)busy_mask;
    if (!st)
        st = link_batch_wait(ops, sizeof ops, &len, polls, e);
    return st ? st : loom_host_batch(h, ops, len, NULL, 0, NULL, e);
}

loom_status loom_host_counters(loom_host *h, link_counters *board, loom_err *e)
{
    loom_status st = loom_host_transact(h, LINK_CMD_COUNTERS, NULL, 0, &h->resp, e);
    if (st)
        return st;
    if (h->resp.len < LINK_COUNTERS_LEN)
        return loom_fail(e, LOOM_E_LINK, "%s: COUNTERS returned %u bytes, %d expected",
                         transport_name(h->t), h->resp.len, LINK_COUNTERS_LEN);
    const uint8_t *p = h->resp.payload;
    board->frames_ok = link_get_le(p, 2);
    board->crc_errors = link_get_le(p + 2, 2);
    board->format_errors = link_get_le(p + 4, 2);
    board->seq_errors = board->duplicates = 0; /* the host counts these */
    return LOOM_OK;
}

loom_status loom_host_reset(loom_host *h, loom_err *e)
{
    return loom_host_transact(h, LINK_CMD_RESET, NULL, 0, &h->resp, e);
}

link_counters loom_host_stats(const loom_host *h)
{
    link_counters c = h->rx.cnt;
    c.seq_errors = h->cnt.seq_errors;
    c.duplicates = h->cnt.duplicates;
    return c;
}

unsigned loom_host_timeouts(const loom_host *h)
{
    return h->timeouts;
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
