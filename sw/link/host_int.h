/*
 * host_int.h -- the state of a loom_host session, shared by host.c (the
 * ARQ session: window, resends, pipelining) and host_map.c (the calls that
 * know the memory map).  Internal to sw/link.
 */
#ifndef HOST_INT_H
#define HOST_INT_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "link.h"
#include "loom_status.h"
#include "retry.h"
#include "transport.h"

typedef struct pend {
    link_frame req;      /* seq, cmd, len, payload */
    link_frame resp;     /* valid when done */
    uint16_t resp_max;   /* response payload bytes at most (tx ring accounting) */
    int done;
    int piped;           /* response words go to the word queue */
    unsigned sends;      /* all sends, NAK-driven resends included */
    unsigned timeouts;   /* full timeouts (a wait of opts.timeout_ms or more) while oldest */
    unsigned early;      /* shorter adaptive timeouts while it was the oldest unanswered */
    double sent_ms;      /* time of its last send */
    unsigned wire;       /* bytes of one exchange on the wire: request + longest answer */
} pend;

#define FIFO_CAP 64
#define BACKOFF_MAX 3
#define MIN_NOISY_PAYLOAD 16 /* the floor of the payload cap on a noisy line */
#define SHORT_PAYLOAD 64  /* the payload cap goes below this only at DMG_SHORT */
#define DMG_HIGH 0.45     /* damaged fraction of answers above which frames get shorter */
#define DMG_SHORT 0.75    /* ... and shorter than SHORT_PAYLOAD */
#define DMG_BACK 0.30     /* ... below which a cap under SHORT_PAYLOAD doubles */
#define DMG_LOW 0.15      /* ... and below which they get longer again */
#define DMG_EVERY 16      /* answers between two changes of the payload cap */
#define RTO_MIN_MS 20.0   /* the adaptive resend timeout's floor */
#define GAP_MIN_MS 2.0    /* the answer-gap wait's floor (pump) */
#define GAP_SAMPLES 8     /* answer gaps measured before the answer-gap wait is used */
#define RTO_SHIFT_MAX 16  /* log2 of the largest backoff of the adaptive timeout */
#define GIVEUP_MIN_MS 10000.0 /* no answer for this long at least before a board that
                                 still sends NAKs or damaged frames is given up */

struct loom_host {
    transport *t;
    loom_host_opts o;
    link_rx rx;
    link_identify id;
    uint16_t max_payload;  /* frame payload cap now: full_payload, lowered on a noisy line */
    uint16_t full_payload; /* min(board's, protocol's, opts) */
    double dmg;            /* damaged fraction of the frames the board sent (moving average) */
    unsigned dmg_n;        /* answers since the payload cap last changed */
    double heard_ms;       /* ms: when the board last sent anything (bytes, even garbled) */
    unsigned window;
    uint8_t inbuf[4096];
    size_t in_off, in_n;   /* unconsumed received bytes */
    uint64_t bytes_sent, bytes_received;
    uint8_t wire[LINK_MAX_WIRE + 1]; /* + a second closing flag */
    uint8_t next_seq;
    pend win[LINK_WINDOW_MAX];
    unsigned head, count;  /* oldest entry, entries in the window */
    uint8_t fifo[FIFO_CAP]; /* seqs of the frames sent and not answered, in order */
    unsigned f_head, f_n;
    double last_event;     /* ms: last completion or timeout resend */
    unsigned backoff;      /* log2 of the timeout multiplier, 0..BACKOFF_MAX */
    unsigned unanswered;   /* frames sent since the last timeout and not answered */
    double srtt, rttvar;   /* ms: smoothed round trip and its variation (RFC 6298), srtt 0: none */
    double byte_ms;        /* ms per wire byte of an exchange (smoothed round trip / bytes of
                              the Karn samples, at least the UART's), 0: none yet */
    double uart_byte_ms;   /* ms per byte at the board's baud rate (IDENTIFY), 0: unknown */
    link_retry retry;      /* the give-up rule (retry.h) */
    unsigned stale;        /* answers to requests already answered (spurious resends) */
    double stall_note;     /* ms: when the last stall progress line was given (0: none) */
    link_counters cnt;     /* seq_errors = NAKs received, duplicates = resends */
    unsigned timeouts;     /* resend timeouts waited out (loom_host_timeouts) */
    uint32_t *wq;          /* word queue of piped responses */
    size_t wq_n, wq_off, wq_cap;
    loom_status pst;       /* deferred error of a piped request */
    loom_err perr;
    link_frame resp;
    link_frame fr;
    int debug;             /* LOOM_LINK_DEBUG set at loom_host_open: trace frames on stderr */
    int sr;                /* the board holds requests ahead of a damaged one (protocol 3,
                              selective repeat): only the damaged one is resent */
    double ans_ms;         /* ms: when the last request was answered (0: none yet) */
    double ans_sent_ms;    /* ms: the last send of that request */
    double gap_ms, gap_var; /* ms: smoothed time from one answer to the next while the board
                              had the next request already, and its variation */
    unsigned gap_n;        /* answer-gap samples taken */
};

#endif
