/*
 * retry.h -- when the host gives up on a link (the give-up rule of
 * sw/link/host.c), pure and without I/O so that it is unit-tested alone
 * (tests/unit/test_link_retry.c).
 *
 * Progress is any request answered.  The host gives up only when the link
 * has made none for a while, never while answers keep coming however many
 * frames a noisy line costs:
 *   silent   max_tries resend timeouts of timeout_ms or more in a row with
 *            nothing valid heard in between (a board that is gone, a wrong
 *            baud rate, a board hung in a step), and
 *   refused  max_sends resends since the last answer AND giveup_ms of wall
 *            time without one (the board sends NAKs and damaged frames but
 *            no request gets through: a line too noisy for any frame).
 * The first is bounded in time by the timeouts themselves (each at least
 * timeout_ms, backed off); the second needs both limits, so a loaded
 * machine that resends fast but slowly gets answers never trips it.
 */
#ifndef LINK_RETRY_H
#define LINK_RETRY_H

typedef enum link_retry_verdict {
    LINK_RETRY_GO = 0,     /* keep trying */
    LINK_RETRY_SILENT = 1, /* max_tries silent timeouts with no progress */
    LINK_RETRY_REFUSED = 2 /* max_sends resends and giveup_ms with no progress */
} link_retry_verdict;

typedef struct link_retry {
    unsigned max_tries;  /* silent timeouts in a row */
    unsigned max_sends;  /* resends since the last answer */
    double giveup_ms;    /* wall time since the last answer */
    double progress_ms;  /* when a request was last answered (or the start) */
    unsigned silent;     /* silent full timeouts since the last answer */
    unsigned resends;    /* resends since the last answer */
} link_retry;

/* now: the caller's clock in ms (monotonic). */
void link_retry_init(link_retry *r, unsigned max_tries, unsigned max_sends, double giveup_ms,
                     double now);
/* A request was answered: both counts start again. */
void link_retry_progress(link_retry *r, double now);
/* A frame was resent (for whatever reason). */
void link_retry_resent(link_retry *r);
/* A resend timeout of timeout_ms or more ran out with nothing heard. */
void link_retry_silent(link_retry *r);
/* Whether to give up now. */
link_retry_verdict link_retry_check(const link_retry *r, double now);
/* ms since the last progress. */
double link_retry_stalled_ms(const link_retry *r, double now);

#endif
