/*
 * intr.c -- the stop flag behind SIGINT / SIGTERM (intr.h).
 */
#include "intr.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t intr_sig;
static int intr_installed;

static void on_signal(int sig)
{
    intr_sig = sig;
    signal(sig, SIG_DFL); /* a second one ends the process */
}

void loom_intr_install(void)
{
    if (intr_installed)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: blocking calls return with EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    intr_installed = 1;
}

int loom_intr_pending(void)
{
    return (int)intr_sig;
}

const char *loom_intr_name(int sig)
{
    static char buf[32];
    if (sig == SIGINT)
        return "SIGINT";
    if (sig == SIGTERM)
        return "SIGTERM";
    snprintf(buf, sizeof buf, "signal %d", sig);
    return buf;
}

loom_status loom_intr_check(loom_err *e)
{
    int s = loom_intr_pending();
    if (!s)
        return LOOM_OK;
    return loom_fail(e, LOOM_E_INTERRUPTED, "interrupted by %s", loom_intr_name(s));
}
