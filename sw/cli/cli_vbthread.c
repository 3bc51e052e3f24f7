/*
 * cli_vbthread.c -- see cli_vbthread.h.  The thread serves the pty until
 * asked to stop; a host closing the pty (LOOM_E_LINK) only ends that
 * connection, the next one is served by the same model.
 */
#include "cli_vbthread.h"

#include <string.h>

static void *serve(void *arg)
{
    cli_vbthread *v = arg;
    v->st = LOOM_OK;
    while (!v->stop) {
        loom_status st = vboard_serve(v->b, v->t, &v->stop, &v->e);
        if (st && st != LOOM_E_LINK) {
            v->st = st;
            break;
        }
    }
    return NULL;
}

loom_status cli_vbthread_start(cli_vbthread *v, const vboard_opts *o, loom_err *e)
{
    memset(v, 0, sizeof *v);
    loom_status st = vboard_open(o, &v->b, e);
    if (st)
        return st;
    if ((st = transport_pty_create(&v->t, v->pty, sizeof v->pty, 1, e))) {
        vboard_close(v->b);
        v->b = NULL;
        return st;
    }
    if (pthread_create(&v->th, NULL, serve, v)) {
        transport_close(v->t);
        vboard_close(v->b);
        memset(v, 0, sizeof *v);
        return loom_fail(e, LOOM_E_INTERNAL, "cannot start the virtual board thread");
    }
    v->started = 1;
    return LOOM_OK;
}

loom_status cli_vbthread_stop(cli_vbthread *v, loom_err *e)
{
    if (v->started) {
        v->stop = 1;
        pthread_join(v->th, NULL);
        v->started = 0;
    }
    transport_close(v->t);
    v->t = NULL;
    if (v->st && e)
        *e = v->e;
    return v->st;
}

void cli_vbthread_close(cli_vbthread *v)
{
    cli_vbthread_stop(v, NULL);
    vboard_close(v->b);
    v->b = NULL;
}
