/*
 * cli_vbthread.h -- a virtual board (sim/vboard.h) served on a new
 * pseudo-terminal by a thread of this process, for subcommands that need a
 * board without a separate `loom vboard` (loom demo blimp: the flight;
 * loom build --board icestick MODEL: loading the model to take the RAM
 * image of a baked build).
 */
#ifndef CLI_VBTHREAD_H
#define CLI_VBTHREAD_H

#include <pthread.h>
#include <signal.h>

#include "loom_status.h"
#include "transport.h"
#include "vboard.h"

typedef struct cli_vbthread {
    vboard *b;                  /* the model (stays open after stop) */
    transport *t;               /* the pty it is served on */
    char pty[256];              /* its path, for loom_host_open */
    pthread_t th;
    int started;
    volatile sig_atomic_t stop;
    loom_status st;             /* how the serving thread ended */
    loom_err e;
} cli_vbthread;

/* Opens the model of o and starts serving it on a new pty (v->pty).  On an
 * error nothing is left open. */
loom_status cli_vbthread_start(cli_vbthread *v, const vboard_opts *o, loom_err *e);

/* Stops the thread and closes the pty; the model stays open (v->b: its
 * counters and RAM can still be read).  Returns how serving ended (the
 * thread's error, if any, in e). */
loom_status cli_vbthread_stop(cli_vbthread *v, loom_err *e);

/* Stops (if needed) and closes everything. */
void cli_vbthread_close(cli_vbthread *v);

#endif
