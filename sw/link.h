/*
 * link.h -- the Loom link protocol, pure C, no I/O (docs/protocol.md).
 *
 * A frame body is   seq(1) cmd(1) len(2, LE) payload(len) crc(2, big-endian)
 * with crc = CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection,
 * no xorout; check value of "123456789" is 0x29B1) over seq..payload.
 * Sending the CRC most significant byte first makes the CRC over the whole
 * body 0, which is what the RTL checks.  On the wire the body is COBS
 * encoded and delimited by 0x00 bytes, so a receiver resynchronises at the
 * next 0x00 after any garbage.
 *
 * This module holds every rule of the protocol that is not I/O: CRC, COBS,
 * frame encode/parse, a streaming receiver that resynchronises and counts
 * what it rejects, the host's retry state machine (link_arq), the board's
 * duplicate filter and response cache (link_srv, the C twin of the RTL), and
 * the BATCH payload (bus bursts) builder and executor.  Nothing here
 * allocates; all state lives in structs the caller holds.
 */
#ifndef LINK_H
#define LINK_H

#include <stddef.h>
#include <stdint.h>

#include "loom_status.h"

#define LINK_PROTO_VERSION 1
#define LINK_HDR 4                /* seq, cmd, len lo, len hi */
#define LINK_CRC 2
#define LINK_MAX_PAYLOAD 1024     /* protocol limit; a board may announce less */
#define LINK_MAX_BODY (LINK_HDR + LINK_MAX_PAYLOAD + LINK_CRC)
/* COBS adds one byte per started 254-byte block (plus one); a frame on the
 * wire also carries a leading and a trailing 0x00. */
#define LINK_COBS_MAX(n) ((n) + (n) / 254 + 1)
#define LINK_MAX_WIRE (LINK_COBS_MAX(LINK_MAX_BODY) + 2)

/* Request commands (cmd byte of a request, 0x01..0x3F). */
enum link_cmd {
    LINK_CMD_IDENTIFY = 0x01, /* -> link_identify; accepted with any seq */
    LINK_CMD_BATCH = 0x02,    /* payload: ops (LINK_OP_*); response: read words */
    LINK_CMD_COUNTERS = 0x03, /* -> 5 x u32 link counters (link_counters order) */
    LINK_CMD_RESET = 0x04     /* resets the array and the link counters */
};
/* A response's cmd byte is LINK_ACK(cmd) or LINK_NAK(code), empty payload
 * for a NAK. */
#define LINK_ACK(cmd) (0x80 | (cmd))
#define LINK_NAK(code) (0xC0 | (code))
#define LINK_IS_NAK(c) (((c) & 0xC0) == 0xC0)
enum link_nak {
    LINK_NAK_CMD = 1,     /* unknown command */
    LINK_NAK_FORMAT = 2,  /* malformed payload (bad op, truncated op, n = 0) */
    LINK_NAK_SEQ = 3,     /* sequence number neither next nor a duplicate */
    LINK_NAK_TIMEOUT = 4, /* a WAIT op ran out of polls (earlier ops applied) */
    LINK_NAK_SIZE = 5     /* the response would exceed the board's max payload */
};

/* BATCH ops; all multi-byte fields little-endian, addresses are 24-bit
 * word addresses, data words 32-bit.
 *   WRITE  01 addr(3) n(2) word(4)*n   words to addr, addr+1, ...
 *   READ   02 addr(3) n(2)             appends n words to the response
 *   WAIT   03 addr(3) mask(4) value(4) polls(4)
 *          reads addr until (word & mask) == value, at most `polls` reads;
 *          otherwise the batch stops with NAK TIMEOUT
 * OR-ing LINK_OP_FIXED into WRITE/READ keeps the address fixed (a port).
 * n is 1..65535.  The whole batch is validated before any op runs, so a
 * malformed batch is never partially applied. */
enum link_op { LINK_OP_WRITE = 0x01, LINK_OP_READ = 0x02, LINK_OP_WAIT = 0x03 };
#define LINK_OP_FIXED 0x10

/* Link counters of a receiver (board or host side), in COUNTERS order. */
typedef struct link_counters {
    uint32_t frames_ok;     /* well-formed frames accepted */
    uint32_t crc_errors;    /* frames dropped for a wrong CRC */
    uint32_t format_errors; /* dropped: bad COBS, too short/long, len mismatch */
    uint32_t seq_errors;    /* requests refused with NAK SEQ (board) or
                               stale responses ignored (host) */
    uint32_t duplicates;    /* duplicate requests answered from the cache */
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

/* IDENTIFY response payload (16 bytes, LE): proto u16, rtl version u16,
 * board id u16, max payload u16, clock Hz u32, clocks per UART bit u32. */
typedef struct link_identify {
    uint16_t proto, rtl_version, board_id, max_payload;
    uint32_t clk_hz, clks_per_bit;
} link_identify;
#define LINK_IDENTIFY_LEN 16

/* ---- CRC and COBS ------------------------------------------------------- */

/* CRC-16/CCITT-FALSE update: pass 0xFFFF to start. */
uint16_t link_crc16(uint16_t crc, const uint8_t *p, size_t n);

/* COBS-encodes n bytes into out (room for LINK_COBS_MAX(n) bytes; no 0x00
 * is written).  Returns the encoded length.  Canonical COBS (Cheshire &
 * Baker): a block with code < 0xFF implies a 0x00 after it except at the
 * end; a 254-byte block ending the data gets no empty block after it. */
size_t link_cobs_encode(const uint8_t *in, size_t n, uint8_t *out);

/* Decodes n COBS bytes (no delimiters) into out (cap bytes).  Fails with
 * LOOM_E_PARSE naming the byte offset on a 0x00 inside, a block running past
 * the end, or output beyond cap. */
loom_status link_cobs_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
                             size_t *out_n, loom_err *e);

/* ---- frames -------------------------------------------------------------- */

/* Writes f (seq, cmd, len, payload; f->crc is ignored) as wire bytes:
 * 0x00, COBS(body), 0x00, into out (room for LINK_MAX_WIRE).  Returns the
 * byte count, 0 when f->len > LINK_MAX_PAYLOAD. */
size_t link_frame_encode(const link_frame *f, uint8_t *out);

/* Parses a decoded body of n bytes into *f.  LOOM_E_PARSE for a body shorter
 * than 6 bytes, longer than LINK_MAX_BODY, a len field that disagrees with n
 * (message gives both), or a CRC mismatch (message gives both CRCs). */
loom_status link_frame_parse(const uint8_t *body, size_t n, link_frame *f, loom_err *e);

/* ---- streaming receiver -------------------------------------------------- */

/* Collects wire bytes up to each 0x00 and decodes them.  Garbage, bad COBS,
 * bad length and bad CRC are counted and dropped; the receiver is in sync
 * again at the next 0x00.  Empty frames (0x00 0x00) are ignored silently. */
typedef struct link_rx {
    uint8_t buf[LINK_MAX_WIRE];
    size_t n;
    int overflow;          /* current frame exceeded LINK_MAX_WIRE */
    uint16_t max_payload;  /* longer payloads are format errors; link_rx_init
                              sets LINK_MAX_PAYLOAD, a board model may lower it */
    link_counters cnt;     /* frames_ok, crc_errors, format_errors */
    loom_err last;         /* why the last frame was dropped */
} link_rx;

void link_rx_init(link_rx *rx);

/* Consumes bytes from p[0..n) up to and including the 0x00 that completes
 * a valid frame, which is stored in *out and *got set to 1; or all n bytes
 * (*got = 0).  Returns the number of bytes consumed: call again with the
 * rest. */
size_t link_rx_feed(link_rx *rx, const uint8_t *p, size_t n, link_frame *out, int *got);

/* ---- host side: the retry state machine ----------------------------------- */

/* Stop-and-wait: one request outstanding.  The host sends req, waits for a
 * response with the same seq, resends req after each timeout (the board
 * answers a duplicate from its cache without executing it again) and gives
 * up after max_tries sends. */
typedef struct link_arq {
    uint8_t next_seq;
    unsigned tries;       /* sends of the current request so far */
    unsigned max_tries;   /* >= 1 */
    int outstanding;
    link_frame req;
    link_counters cnt;    /* seq_errors = stale responses ignored */
} link_arq;

typedef enum link_verdict {
    LINK_V_DONE,     /* the response to req (ACK or NAK) */
    LINK_V_STALE,    /* another seq or no request outstanding: ignore it */
    LINK_V_BAD       /* right seq but the cmd is neither ACK(req.cmd) nor a NAK */
} link_verdict;

void link_arq_init(link_arq *a, uint8_t first_seq, unsigned max_tries);

/* Starts request (cmd, payload[len]) with the next seq; the frame to send is
 * a->req.  LOOM_E_ARG when len > LINK_MAX_PAYLOAD or a request is still
 * outstanding. */
loom_status link_arq_request(link_arq *a, uint8_t cmd, const uint8_t *payload, uint16_t len,
                             loom_err *e);

/* Classifies a received frame; on LINK_V_DONE the request is finished. */
link_verdict link_arq_accept(link_arq *a, const link_frame *resp);

/* Records one send of a->req (call before writing it).  Returns 1 when the
 * request may be sent (again), 0 when max_tries sends have been made: the
 * caller gives up and the request is abandoned. */
int link_arq_send(link_arq *a);

/* ---- board side: duplicate filter and response cache ------------------------ */

/* Executes one request: fills resp (seq = req seq).  Must be deterministic
 * given the board state; it is called at most once per request. */
typedef void (*link_exec_fn)(void *ctx, const link_frame *req, link_frame *resp);

typedef struct link_srv {
    int have_last;
    uint8_t last_seq;
    uint16_t last_crc;
    link_frame resp;        /* cached response to (last_seq, last_crc) */
    link_frame nak;         /* an uncached NAK SEQ */
    link_counters cnt;      /* seq_errors, duplicates (+ frames_ok) */
} link_srv;

void link_srv_init(link_srv *s);

/* The board's rule for a valid request frame: same seq and CRC as the last
 * executed request -> the cached response again (not executed); IDENTIFY,
 * the first request after reset, or seq == last + 1 -> executed via fn and
 * cached; anything else -> NAK SEQ, not executed, not cached.  Returns the
 * frame to send. */
const link_frame *link_srv_handle(link_srv *s, const link_frame *req, link_exec_fn fn, void *ctx);

/* ---- BATCH payloads ---------------------------------------------------------- */

/* Appends an op to a batch payload buf (capacity cap) at *len; LOOM_E_CAPACITY
 * when it does not fit, LOOM_E_ARG for n == 0, n > 65535 or addr >= 2^24. */
loom_status link_batch_write(uint8_t *buf, size_t cap, size_t *len, uint32_t addr,
                             const uint32_t *words, size_t n, int fixed, loom_err *e);
loom_status link_batch_read(uint8_t *buf, size_t cap, size_t *len, uint32_t addr, size_t n,
                            int fixed, loom_err *e);
loom_status link_batch_wait(uint8_t *buf, size_t cap, size_t *len, uint32_t addr, uint32_t mask,
                            uint32_t value, uint32_t polls, loom_err *e);

/* Checks a batch: returns 0 when well-formed and sets *read_words to the
 * words its READs return; otherwise the NAK code (LINK_NAK_FORMAT). */
int link_batch_check(const uint8_t *p, size_t n, size_t *read_words);

/* A board bus, for the C executor (tests, software boards). */
typedef struct link_bus {
    void *ctx;
    void (*write)(void *ctx, uint32_t addr, uint32_t data);
    uint32_t (*read)(void *ctx, uint32_t addr);
} link_bus;

/* Executes a BATCH request against bus into resp (cmd, len, payload; seq
 * copied), the way the RTL command unit does: validate all, refuse a response
 * longer than max_payload with NAK SIZE, then run ops in order. */
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
 * than LINK_IDENTIFY_LEN. */
loom_status link_identify_parse(const uint8_t *p, size_t n, link_identify *id, loom_err *e);
void link_identify_format(const link_identify *id, uint8_t *p);

#endif
