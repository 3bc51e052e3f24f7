/*
 * intr.h -- SIGINT / SIGTERM as a request to stop a run cleanly.
 *
 * loom_intr_install makes SIGINT and SIGTERM set a flag instead of killing
 * the process (without SA_RESTART, so a blocking read returns early).  The
 * run loops of `loom run`, `sim`, `cosim`, `fly` and `evolve`, and the host
 * link's wait for the board (host.c), look at loom_intr_pending() and stop
 * with LOOM_E_INTERRUPTED; the command then closes its output files, which
 * hold every complete step so far, says where they are and exits with
 * 128 + the signal number, as a shell reports a process killed by it.  A
 * second signal while stopping ends the process at once (the default
 * action is restored by the first).
 */
#ifndef LOOM_INTR_H
#define LOOM_INTR_H

#include "loom_status.h"

/* Installs the handlers (idempotent). */
void loom_intr_install(void);
/* The signal number received since loom_intr_install, or 0. */
int loom_intr_pending(void);
/* "SIGINT", "SIGTERM" or "signal N". */
const char *loom_intr_name(int sig);
/* LOOM_E_INTERRUPTED with "interrupted by SIGINT" in *e when a signal is
 * pending, LOOM_OK otherwise: the check a loop makes once per step. */
loom_status loom_intr_check(loom_err *e);

#endif
