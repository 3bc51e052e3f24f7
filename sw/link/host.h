/*
 * host.h -- the host driver library: talks the link protocol (link.h) to a
 * Loom board or virtual board over a transport (transport.h).
 *
 * A loom_host is a session: open picks the back-end from the port spec,
 * synchronises sequence numbers with IDENTIFY, and keeps the board's
 * identity.  Requests go out through a window of frames in flight (link
 * protocol v3 or v2, docs/protocol.md): the synchronous calls wait for their own
 * answer, the pipe / stream_put calls do not, so a long run is bound by the
 * link's bandwidth rather than its round trip.  Lost or damaged frames are
 * resent (selective repeat or go-back-N, driven by the board's NAKs, or after an adaptive
 * timeout no shorter than the frame's bytes take, doubled on repeated
 * timeouts; the link is given up only when no request is answered for
 * opts.max_tries silent timeouts, or for opts.giveup_ms while the board
 * sends only NAKs and damaged frames: sw/link/retry.h); the board answers a
 * retried request from its cache, so no request is executed twice or
 * skipped, and answers are delivered in order.
 * Every call returns a loom_status with a readable message; a lost link is
 * LOOM_E_LINK (peer gone) or LOOM_E_TIMEOUT (no valid answer after all tries).
 *
 * Word access is map-agnostic (24-bit word addresses, 32-bit words); the
 * calls at the end (arch, load, stream, state) use the register map of
 * hls_ref/loom_map.h and the runtime images of compiler/limg.h.
 */
#ifndef LOOM_HOST_H
#define LOOM_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "limg.h"
#include "link.h"
#include "loom_status.h"
#include "transport.h"

typedef struct loom_host loom_host;

typedef struct loom_host_opts {
    int timeout_ms;      /* the longest wait for a response before resending [500]; the
                            wait adapts to the measured round trip (RFC 6298:
                            smoothed RTT + 4 x variation, at least 20 ms) */
    unsigned max_tries;  /* silent timeouts of timeout_ms or more in a row, no request
                            answered, before giving up [8]; shorter adaptive timeouts
                            do not count (sw/link/retry.h) */
    int giveup_ms;       /* a board that keeps sending NAKs and damaged frames but
                            answers no request is given up after this long and
                            16 x max_tries resends per frame of the window
                            [0: timeout_ms x max_tries, at least 10 s]; while
                            requests are answered the link is never given up */
    int connect_ms;      /* TCP connect timeout [2000] */
    unsigned max_payload; /* cap on frame payloads in bytes, 0 = the board's;
                             small frames survive noisy lines better; the
                             host also halves it (down to 64) after any
                             request that needed 3 or more sends [0] */
    unsigned window;     /* cap on frames in flight, 0 = the board's [0];
                            1 = stop-and-wait */
    /* called (when set) while the board has not answered for a second or
     * more, at most once a second: what is waited for, in words [NULL] */
    void (*on_stall)(void *ctx, const char *what);
    void *stall_ctx;
} loom_host_opts;

void loom_host_opts_default(loom_host_opts *o);

/* Opens port ("/dev/ttyUSB0", "/dev/pts/5", "tcp:127.0.0.1:PORT"; see
 * transport_open) at baud bits/s and identifies the board.  Refuses a board
 * speaking another protocol version (LOOM_E_UNSUPPORTED).  opts may be NULL
 * (defaults).  *out is owned by the caller: loom_host_close. */
loom_status loom_host_open(const char *port, unsigned baud, const loom_host_opts *opts,
                           loom_host **out, loom_err *e);

/* Closes the transport and frees h (NULL is fine). */
void loom_host_close(loom_host *h);

/* The identity read at open (or by the last loom_host_identify). */
const link_identify *loom_host_identity(const loom_host *h);

/* Asks the board again (IDENTIFY also resynchronises sequence numbers). */
loom_status loom_host_identify(loom_host *h, link_identify *id, loom_err *e);

/* One request (cmd, payload[len]) with retries; the response lands in
 * *resp.  A NAK from the board is LOOM_E_LINK naming the code, except NAK
 * SEQ (the board lost our sequence), after which the host resynchronises
 * with IDENTIFY and sends the request once more as a new one. */
loom_status loom_host_transact(loom_host *h, uint8_t cmd, const uint8_t *payload, uint16_t len,
                               link_frame *resp, loom_err *e);

/* Runs a BATCH payload (link_batch_* ops, at most the board's max payload)
 * and copies the read words into words[0..cap); *n_words is how many the
 * board returned.  LOOM_E_CAPACITY when they do not fit cap. */
loom_status loom_host_batch(loom_host *h, const uint8_t *ops, size_t len, uint32_t *words,
                            size_t cap, size_t *n_words, loom_err *e);

/* Writes / reads n consecutive words from word address addr (split into as
 * many frames as the board's max payload needs; each frame applied once). */
loom_status loom_host_write(loom_host *h, uint32_t addr, const uint32_t *w, size_t n, loom_err *e);
loom_status loom_host_read(loom_host *h, uint32_t addr, uint32_t *w, size_t n, loom_err *e);

/* Polls addr until (word & mask) == value, at most polls reads, one round
 * trip each (the board's WAIT op watches only the array's busy pin).
 * LOOM_E_TIMEOUT otherwise. */
loom_status loom_host_wait(loom_host *h, uint32_t addr, uint32_t mask, uint32_t value,
                           uint32_t polls, loom_err *e);

/* Writes value to ctrl_addr (e.g. "run N steps") and, in the same frame,
 * waits on the board until the array is idle (its busy pin, STATUS bit 0),
 * at most `polls` clock cycles (capped at LINK_WAIT_MAX).  status_addr and
 * busy_mask are not used any more (protocol v2 waits on the pin). */
loom_status loom_host_step(loom_host *h, uint32_t ctrl_addr, uint32_t value, uint32_t status_addr,
                           uint32_t busy_mask, uint32_t polls, loom_err *e);

/* The board's link counters: frames ok, CRC errors, format errors (u16
 * each, wrapping); seq_errors and duplicates are 0 (the host counts NAKs
 * and resends: loom_host_stats). */
loom_status loom_host_counters(loom_host *h, link_counters *board, loom_err *e);

/* ---- pipelining: requests in flight without waiting ------------------------ */

/* Sends a BATCH (checked with link_batch_check first; LOOM_E_ARG if
 * malformed or too long) once the window has room, without waiting for its
 * answer; the words its READs return are queued in order.  A NAK or a lost
 * link is reported by this or a later pipe call. */
loom_status loom_host_pipe_batch(loom_host *h, const uint8_t *ops, size_t len, loom_err *e);

/* Takes the next n queued words (w may be NULL to drop them), waiting for
 * the answers in flight.  LOOM_E_ARG when fewer are queued and in flight. */
loom_status loom_host_pipe_words(loom_host *h, uint32_t *w, size_t n, loom_err *e);

/* Requests in flight (sent, not yet answered and retired). */
size_t loom_host_pipe_pending(const loom_host *h);

/* Resets the board's array and link counters (sequence numbers continue). */
loom_status loom_host_reset(loom_host *h, loom_err *e);

/* What this host saw: frames_ok/crc_errors/format_errors of its receiver,
 * seq_errors = stale responses ignored, duplicates = resends. */
link_counters loom_host_stats(const loom_host *h);

/* Resend timeouts this session waited out (the adaptive ones and those of
 * timeout_ms or more): on a live, noisy link a lost answer or request is
 * seen sooner (a later answer, a damaged one, a NAK) and costs none. */
unsigned loom_host_timeouts(const loom_host *h);

/* Bytes this session wrote to and read from the transport (frames,
 * retries and garbage included). */
void loom_host_bytes(const loom_host *h, uint64_t *sent, uint64_t *received);

/* The transport underneath (for its name or kind). */
transport *loom_host_transport(loom_host *h);

/* ---- calls that know the memory map (hls_ref/loom_map.h) ---------------- */

/* Reads the board's arch registers into *a.  LOOM_E_LINK when the ID
 * register is not LOOM_MAP_ID_VALUE (not a Loom array). */
loom_status loom_host_arch(loom_host *h, limg_arch *a, loom_err *e);

/* Loads a runtime image: refuses (LOOM_E_CAPACITY, naming both configs) an
 * image built for another arch than the board's, then writes every segment,
 * as few frames as the board's max payload allows. */
loom_status loom_host_load(loom_host *h, const limg *img, loom_err *e);

/* Reads back every segment of img (with tables_only, not the neuron state
 * and delay ring, which change as the board runs) and compares: LOOM_OK
 * when the board holds img -- a baked bitstream, or a board loaded before
 * -- else LOOM_E_MISMATCH with the count of differing words and the first
 * one.  Also refuses an image for another arch (LOOM_E_CAPACITY). */
loom_status loom_host_verify(loom_host *h, const limg *img, int tables_only, loom_err *e);

/* An input event word for LOOM_REG_INPUT: value (16-bit) << 16 | channel. */
uint32_t loom_host_event(uint32_t channel, int32_t value);

/* One streaming exchange, normally one frame each way: waits (on the board,
 * at most `polls` clock cycles) until no step is running, reads
 * out_words output words of each of `cores` cores -- the spikes of the last
 * finished step, core k word j into out[k * out_words + j] -- pushes
 * n_events input events for the next step and, when start is non-zero,
 * starts one step.  Call it once per step with start = 1 (each call returns
 * the previous step's outputs) and once more with start = 0 for the last
 * step's.  Frames are split when the board's max payload needs it. */
loom_status loom_host_stream(loom_host *h, const uint32_t *events, size_t n_events, int start,
                             uint32_t cores, uint32_t out_words, uint32_t *out, uint32_t polls,
                             loom_err *e);

/* i and v of (core, slot) (sign-extended state words). */
loom_status loom_host_state(loom_host *h, uint32_t core, uint32_t slot, int32_t *i, int32_t *v,
                            loom_err *e);

/* ---- control-loop and read-out calls (added for loom fly / loom run) ---- */

/* One step with its results in ONE exchange (normally one frame each way):
 * pushes n_events input events, starts one step, waits on the board (at
 * most `polls` clock cycles) until it has finished, then reads out_words
 * spike words of each of `cores` cores into out (as loom_host_stream; out
 * may be NULL) and the n_rd words at word addresses rd_addr[] into rd[]
 * (e.g. read-out v: loom_host_v_addr).  Returns THIS step's results, so a
 * closed loop costs one round trip per step.  Errors as loom_host_stream. */
loom_status loom_host_step_read(loom_host *h, const uint32_t *events, size_t n_events,
                                uint32_t cores, uint32_t out_words, uint32_t *out,
                                const uint32_t *rd_addr, size_t n_rd, uint32_t *rd, uint32_t polls,
                                loom_err *e);

/* loom_host_stream plus n_rd extra words read at rd_addr[] into rd[] in the
 * same exchange, after the previous step finished and before the next one
 * starts (so rd holds the state after the previous step, e.g. its v
 * read-outs). */
loom_status loom_host_stream_read(loom_host *h, const uint32_t *events, size_t n_events,
                                  int start, uint32_t cores, uint32_t out_words, uint32_t *out,
                                  const uint32_t *rd_addr, size_t n_rd, uint32_t *rd,
                                  uint32_t polls, loom_err *e);

/* loom_host_stream_read, pipelined: queues the frames of one step exchange
 * (waiting only for room in the window) and returns; loom_host_stream_get
 * then takes its cores * out_words output words and n_rd read words, in
 * the order the exchanges were put.  So a run keeps several steps in
 * flight: put(t), put(t+1), ... get(t), ... */
loom_status loom_host_stream_put(loom_host *h, const uint32_t *events, size_t n_events, int start,
                                 uint32_t cores, uint32_t out_words, const uint32_t *rd_addr,
                                 size_t n_rd, uint32_t polls, loom_err *e);
loom_status loom_host_stream_get(loom_host *h, uint32_t *out, size_t n_out, uint32_t *rd,
                                 size_t n_rd, loom_err *e);

/* Word address of the v of (core, slot) (a sign-extended S-bit word). */
uint32_t loom_host_v_addr(uint32_t core, uint32_t slot);

#endif
