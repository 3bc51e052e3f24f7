/*
 * loom_status.h -- the one error convention of every Loom library.
 *
 * Every fallible call returns a loom_status and, when the caller passes a
 * loom_err, fills it with one readable line that says *where* (file:line:col
 * for text, byte offset for binary input, node name for NIR, neuron name for
 * networks) and *what was expected*.  Libraries never print and never exit;
 * the CLI turns the status into one line on stderr and a non-zero exit code.
 */
#ifndef LOOM_STATUS_H
#define LOOM_STATUS_H

#include <stddef.h>

typedef enum loom_status {
    LOOM_OK = 0,
    LOOM_E_ARG,         /* bad argument from the caller or the command line */
    LOOM_E_IO,          /* a file or device could not be opened, read or written */
    LOOM_E_PARSE,       /* malformed text or binary input */
    LOOM_E_INVALID,     /* well-formed input that breaks a rule of the machine model */
    LOOM_E_CAPACITY,    /* does not fit the architecture or the board */
    LOOM_E_UNSUPPORTED, /* valid input that Loom does not handle */
    LOOM_E_NOMEM,       /* an allocation failed */
    LOOM_E_LINK,        /* the serial link or the board misbehaved */
    LOOM_E_TIMEOUT,     /* the board did not answer in time */
    LOOM_E_MISMATCH,    /* two models that must agree did not */
    LOOM_E_INTERNAL,    /* a broken invariant inside Loom: a bug */
    LOOM_E_INTERRUPTED  /* SIGINT or SIGTERM arrived (sw/io/intr.h); outputs hold the steps so far */
} loom_status;

/* Room for one diagnostic line. */
#define LOOM_ERR_MSG 1024

typedef struct loom_err {
    loom_status status;
    char msg[LOOM_ERR_MSG];
} loom_err;

/* Fills *e (when e is non-NULL) with status st and a printf-style message,
 * and returns st, so a failing path reads `return loom_fail(e, ...)`. */
loom_status loom_fail(loom_err *e, loom_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the message already in *e with "prefix: " (for adding context
 * such as a file name on the way up).  No-op for e == NULL.  Returns e->status. */
loom_status loom_err_prefix(loom_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Clears *e to LOOM_OK with an empty message. */
void loom_err_clear(loom_err *e);

/* A short constant name for a status ("parse error", "capacity", ...). */
const char *loom_status_str(loom_status st);

#endif
