/*
 * link.h -- the Loom link protocol v3 (v2 + selective repeat of requests on
 * the board), pure C, no I/O (docs/protocol.md).
 *
 * A frame body is   seq(1) cmd(1) len(2, LE) payload(len) crc(2, big-endian)
 * with crc = CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection,
 * no xorout; check value of "123456789" is 0x29B1) over seq..payload.
 * Sending the CRC most significant byte first makes the CRC over the whole
 * body 0, which is what the RTL checks.  On the wire the body is
 * byte-stuffed HDLC style and delimited by flags: 0x7E ends (and starts) a
 * frame, 0x7E and 0x7D inside go out as 0x7D, byte ^ 0x20.  A receiver
 * resynchronises at the next 0x7E after any garbage; stuffing needs no
 * look-ahead, so the board streams frames with no buffer.
 *
 * This module holds every rule of the protocol that is not I/O: CRC,
 * stuffing, frame encode/parse, a streaming receiver that resynchronises
 * and counts what it rejects, the board's sequence rule with its window of
 * cached responses (link_srv, the C twin of rtl/loom_cmd.v), and the BATCH
 * payload (bus bursts) builder, checker and executor.  The host's window and
 * retransmission rules are in sw/link/host.c.  Nothing here allocates; all state
 * lives in structs the caller holds.
 */
#ifndef LINK_H
#define LINK_H

#include <stddef.h>
#include <stdint.h>

#include "loom_status.h"

/* Version 3 is version 2 plus selective repeat on the board: a request
 * ahead of the expected one by 1..window-1 is held (not NAKed) and run once
 * the ones before it have run.  A host speaks both (a version-2 board, such
 * as the icestick's firmware, gets go-back-N). */
#define LINK_PROTO_VERSION 3
#define LINK_PROTO_GBN 2          /* the oldest version a host accepts */
#define LINK_HDR 4                /* seq, cmd, len lo, len hi */
#define LINK_CRC 2
#define LINK_MAX_PAYLOAD 1024     /* protocol limit; a board announces less */
#define LINK_MAX_BODY (LINK_HDR + LINK_MAX_PAYLOAD + LINK_CRC)
#define LINK_FLAG 0x7E
#define LINK_ESC 0x7D
/* Stuffing at most doubles a body; a frame on the wire also carries a
 * leading and a trailing flag. */
#define LINK_STUFF_MAX(n) (2 * (n))
#define LINK_MAX_WIRE (LINK_STUFF_MAX(LINK_MAX_BODY) + 2)
#define LINK_WINDOW_MAX 8         /* largest window a board may announce */
#define LINK_RING_MAX 4096        /* largest ring a board may announce */

/* The payload limit of the RTL link (rtl/loom_link.v) built with parameter
 * MAX_PAYLOAD: at most 248 bytes so that its 512-byte rx ring always holds
 * a frame while another one runs, rounded down to whole words. */
static inline unsigned link_max_payload(unsigned max_payload_param)
{
    unsigned p = max_payload_param < 248 ? max_payload_param : 248;
    return p / 4 * 4;
}

/* Request commands (cmd byte of a request, 0x01..0x3F). */
enum link_cmd {
    LINK_CMD_IDENTIFY = 0x01, /* -> link_identify; accepted with any seq */
    LINK_CMD_BATCH = 0x02,    /* payload: ops (LINK_OP_*); response: read words */
    LINK_CMD_COUNTERS = 0x03, /* -> 3 x u16: frames ok, CRC errors, format errors */
    LINK_CMD_RESET = 0x04     /* resets the array and the link counters */
};
/* A response's cmd byte is LINK_ACK(cmd) or LINK_NAK(code).  A NAK has an
 * empty payload, except NAK SEQ and NAK FRAME, which carry one byte: the
 * sequence number the board expects next.  cmd 0x00 is never a request. */
#define LINK_ACK(cmd) (0x80 | (cmd))
#define LINK_NAK(code) (0xC0 | (code))
#define LINK_IS_NAK(c) (((c) & 0xC0) == 0xC0)
enum link_nak {
    LINK_NAK_CMD = 1,     /* unknown command */
    LINK_NAK_FORMAT = 2,  /* malformed payload (bad op, truncated op, n = 0) */
    LINK_NAK_SEQ = 3,     /* seq neither expected nor a cached one (not executed) */
    LINK_NAK_TIMEOUT = 4, /* a WAIT op ran out of polls (earlier ops applied) */
    LINK_NAK_SIZE = 5,    /* the response would exceed the board's max payload */
    LINK_NAK_FRAME = 6    /* a damaged frame arrived (sent in its place; seq: the
                             mask of the held requests, bit k - 1 = expected + k) */
};

/* BATCH ops; all multi-byte fields little-endian, addresses are 24-bit
 * word addresses, data words 32-bit.
 *   WRITE  01 addr(3) n(2) word(4)*n   words to addr, addr+1, ...
 *   READ   02 addr(3) n(2)             appends n words to the response
 *   WAIT   03 t(3)
 *          waits until the array is idle (its busy pin, STATUS bit 0, is
 *          low), at most t clock cycles; otherwise the batch stops with NAK
 *          TIMEOUT
 * OR-ing LINK_OP_FIXED into WRITE/READ keeps the address fixed (a port).
 * n is 1..65535.  The board runs ops as it reads them: an op cut short, an
 * unknown op or n = 0 stops the batch with NAK FORMAT (ops before it have
 * been applied).  The host checks every batch with link_batch_check before
 * it sends it, so it never sends one. */
enum link_op { LINK_OP_WRITE = 0x01, LINK_OP_READ = 0x02, LINK_OP_WAIT = 0x03 };
#define LINK_OP_FIXED 0x10

/* Link counters of a receiver (board or host side), in COUNTERS order (the
 * board sends each as u16, wrapping). */
typedef struct link_counters {
    uint32_t frames_ok;     /* well-formed frames accepted */
    uint32_t crc_errors;    /* frames dropped for a wrong CRC */
    uint32_t format_errors; /* dropped: aborted, too short/long, len mismatch, no room */
    uint32_t seq_errors;    /* requests refused with NAK SEQ (board) or
                               NAKs received (host) */
    uint32_t duplicates;    /* requests answered from the cache (board) or
                               frames resent (host) */
} link_counters;
#define LINK_N_COUNTERS 5

/* A decoded frame.  crc is the CRC the frame carried (its identity for the
 * duplicate filter). */
typedef struct link_frame {
    uint8_t seq, cmd;
    uint16_t len;   /* payload bytes, <= LINK_MAX_PAYLOAD */
    uint16_t crc;
    uint8_t payload[LINK_MAX_PAYLOAD];
} link_frame;

/* IDENTIFY response payload (20 bytes, LE): proto u16, rtl version u16,
 * board id u16, max payload u16, clock Hz u32, clocks per UART bit u16,
 * rx ring bytes u16, tx ring bytes u16, window u16 (requests in flight). */
typedef struct link_identify {
    uint16_t proto, rtl_version, board_id, max_payload;
    uint32_t clk_hz, clks_per_bit;
    uint16_t rx_bytes, tx_bytes, window;
} link_identify;
#define LINK_IDENTIFY_LEN 20
#define LINK_COUNTERS_LEN 6

/* ---- CRC and stuffing ------------------------------------------------- */

/* CRC-16/CCITT-FALSE update: pass 0xFFFF to start. */
uint16_t link_crc16(uint16_t crc, const uint8_t *p, size_t n);

/* Stuffs n bytes into out (room for LINK_STUFF_MAX(n)); no flags are
 * written.  Returns the stuffed length. */
size_t link_stuff(const uint8_t *in, size_t n, uint8_t *out);

/* ---- frames -------------------------------------------------------------- */

/* Writes f (seq, cmd, len, payload; f->crc is ignored) as wire bytes:
 * 0x7E, stuff(body), 0x7E, into out (room for LINK_MAX_WIRE).  Returns the
 * byte count, 0 when f->len > LINK_MAX_PAYLOAD. */
size_t link_frame_encode(const link_frame *f, uint8_t *out);

/* Parses a decoded body of n bytes into *f.  LOOM_E_PARSE for a body shorter
 * than 6 bytes, longer than LINK_MAX_BODY, a len field that disagrees with n
 * (message gives both), or a CRC mismatch (message gives both CRCs). */
loom_status link_frame_parse(const uint8_t *body, size_t n, link_frame *f, loom_err *e);

/* ---- streaming receiver -------------------------------------------------- */

/* Unstuffs wire bytes up to each 0x7E and parses the body.  An escape
 * followed by a flag (abort), a body longer than LINK_MAX_BODY, bad length
 * and bad CRC are counted and dropped; the receiver is in sync again at the
 * next flag.  Empty frames (two flags in a row) are ignored silently. */
typedef struct link_rx {
    uint8_t buf[LINK_MAX_BODY];
    size_t n;
    int esc;               /* the last byte was an escape */
    int bad;               /* current frame aborted or too long */
    uint16_t max_payload;  /* longer payloads are format errors; link_rx_init
                              sets LINK_MAX_PAYLOAD, a board model may lower it */
    link_counters cnt;     /* frames_ok, crc_errors, format_errors */
    loom_err last;         /* why the last frame was dropped */
} link_rx;

void link_rx_init(link_rx *rx);

/* Consumes bytes from p[0..n) up to and including the flag that completes
 * a frame: *got = 1 and the frame in *out when it is valid, *got = -1 when
 * it was a non-empty frame that was dropped (counted, reason in rx->last);
 * or all n bytes (*got = 0).  Returns the number of bytes consumed: call
 * again with the rest. */
size_t link_rx_feed(link_rx *rx, const uint8_t *p, size_t n, link_frame *out, int *got);

/* ---- board side: sequence rule and response cache --------------------------- */

/* Executes one request: fills resp->cmd, resp->len and resp->payload.  It
 * is called at most once per request (duplicates are answered from the
 * cache). */
typedef void (*link_exec_fn)(void *ctx, const link_frame *req, link_frame *resp);

/* The C twin of rtl/loom_cmd.v + loom_link_tx.v: responses are kept back to
 * back in a ring of ring_bytes (seq cmd len payload), the ring offsets of
 * the last `window` in a table, and the requests back to back in a receive
 * ring (a dropped frame as a 6-byte marker of zeros), exactly like the RTL,
 * so that the two answer every stream alike (tests/rtl/tb_link.cpp). */
typedef struct link_srv {
    uint8_t expected;       /* the next seq to execute */
    unsigned depth;         /* cached responses valid, 0..window */
    unsigned window;        /* power of two <= LINK_WINDOW_MAX */
    unsigned ring_bytes;    /* power of two <= LINK_RING_MAX */
    unsigned twp;           /* ring write offset */
    uint16_t tab[LINK_WINDOW_MAX];
    uint8_t ring[LINK_RING_MAX];
    int sr;                 /* 1 (link_srv_init): selective repeat, protocol 3 (the RTL);
                               0: go-back-N, protocol 2 (the icestick's firmware) */
    /* the receive ring: offsets count up, taken mod LINK_RING_MAX */
    uint8_t rxr[LINK_RING_MAX];
    unsigned wp, rp, fbase; /* end of the frames, next frame, first byte in use */
    unsigned sc, nh;        /* rescan: where the first pass goes on; first still held */
    int hold, resc, nhf, exe;
    unsigned hm;            /* held mask: bit k - 1 = a copy of expected + k is held */
    link_exec_fn fn;        /* of the last link_srv_handle, for link_srv_more */
    void *ctx;
    link_frame req;         /* the request being run */
    link_frame out;         /* the frame to send */
    link_counters cnt;      /* seq_errors, duplicates (+ frames_ok executed) */
} link_srv;

/* window 0 / ring_bytes 0 pick the RTL's 4 and 512; selective repeat on. */
void link_srv_init(link_srv *s, unsigned window, unsigned ring_bytes);

/* The board's rule for a valid request frame, in the order frames arrive:
 * IDENTIFY, or seq == expected: executed via fn, response cached, expected
 * = seq + 1 (IDENTIFY also forgets the older cached responses and the held
 * frames); 1 <= expected - seq <= depth: the cached response again, not
 * executed; with s->sr, 1 <= seq - expected <= window - 1: held, no answer
 * (NULL) until the requests before it have run; anything else: NAK SEQ
 * carrying expected, not executed, not cached.  Returns the frame to send,
 * or NULL; once a request has run, the held ones that follow it run too:
 * their answers come from link_srv_more, which the caller calls (after
 * sending each frame: they share one buffer) until it returns NULL.  Held
 * frames are given up (never answered; the host resends them) when the
 * frames processed since the first of them reach ring_bytes / 2. */
const link_frame *link_srv_handle(link_srv *s, const link_frame *req, link_exec_fn fn, void *ctx);

/* The answer to a dropped frame (link_rx_feed *got = -1): NAK FRAME carrying
 * expected, its seq byte the mask of the held requests (bit k - 1: a copy of
 * expected + k is held; always 0 without s->sr). */
const link_frame *link_srv_dropped(link_srv *s);

/* The next frame to send after link_srv_handle or link_srv_dropped: the
 * answers of held requests that have run now; NULL when there is none. */
const link_frame *link_srv_more(link_srv *s);

/* ---- BATCH payloads ---------------------------------------------------------- */

/* Appends an op to a batch payload buf (capacity cap) at *len; LOOM_E_CAPACITY
 * when it does not fit, LOOM_E_ARG for n == 0, n > 65535 or addr >= 2^24. */
loom_status link_batch_write(uint8_t *buf, size_t cap, size_t *len, uint32_t addr,
                             const uint32_t *words, size_t n, int fixed, loom_err *e);
loom_status link_batch_read(uint8_t *buf, size_t cap, size_t *len, uint32_t addr, size_t n,
                            int fixed, loom_err *e);
/* WAIT for at most max_cycles clock cycles (capped at LINK_WAIT_MAX). */
#define LINK_WAIT_MAX 0xFFFFFFu
loom_status link_batch_wait(uint8_t *buf, size_t cap, size_t *len, uint32_t max_cycles,
                            loom_err *e);

/* Checks a batch: returns 0 when well-formed and sets *read_words to the
 * words its READs return; otherwise the NAK code (LINK_NAK_FORMAT). */
int link_batch_check(const uint8_t *p, size_t n, size_t *read_words);

/* A board bus, for the C executor (tests, software boards). */
typedef struct link_bus {
    void *ctx;
    void (*write)(void *ctx, uint32_t addr, uint32_t data);
    uint32_t (*read)(void *ctx, uint32_t addr);
    int (*busy)(void *ctx); /* the busy pin, sampled once per clock cycle of a
                               WAIT; NULL: never busy */
} link_bus;

/* Executes a BATCH request against bus into resp (cmd, len, payload; seq
 * copied), the way the RTL command unit does: ops in order as they are
 * read; an op cut short, an unknown op or n = 0 stops with NAK FORMAT, a
 * READ word that would take the response past max_payload with NAK SIZE, a
 * WAIT out of polls with NAK TIMEOUT (earlier ops stay applied). */
void link_batch_exec(const link_frame *req, const link_bus *bus, uint16_t max_payload,
                     link_frame *resp);

/* Little-endian helpers. */
static inline uint32_t link_get_le(const uint8_t *p, int nbytes)
{
    uint32_t v = 0;
    for (int i = nbytes - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}
static inline void link_put_le(uint8_t *p, uint32_t v, int nbytes)
{
    for (int i = 0; i < nbytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Parses / formats an IDENTIFY payload.  Parse: LOOM_E_LINK when shorter
 * than LINK_IDENTIFY_LEN or when the rings or window are out of range. */
loom_status link_identify_parse(const uint8_t *p, size_t n, link_identify *id, loom_err *e);
void link_identify_format(const link_identify *id, uint8_t *p);

#endif
