/*
 * loom_status.c -- formatting of loom_err diagnostics.
 */
#include "loom_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

loom_status loom_fail(loom_err *e, loom_status st, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        e->status = st;
    }
    return st;
}

loom_status loom_err_prefix(loom_err *e, const char *fmt, ...)
{
    if (!e)
        return LOOM_OK;
    char pre[LOOM_ERR_MSG], old[LOOM_ERR_MSG];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    size_t n = strlen(pre);
    if (n > sizeof e->msg - 3)
        n = sizeof e->msg - 3;
    memcpy(e->msg, pre, n);
    e->msg[n] = ':';
    e->msg[n + 1] = ' ';
    size_t room = sizeof e->msg - n - 3;
    size_t m = strlen(old);
    if (m > room)
        m = room;
    memcpy(e->msg + n + 2, old, m);
    e->msg[n + 2 + m] = '\0';
    return e->status;
}

void loom_err_clear(loom_err *e)
{
    if (e) {
        e->status = LOOM_OK;
        e->msg[0] = '\0';
    }
}

const char *loom_status_str(loom_status st)
{
    switch (st) {
    case LOOM_OK: return "ok";
    case LOOM_E_ARG: return "bad argument";
    case LOOM_E_IO: return "i/o error";
    case LOOM_E_PARSE: return "parse error";
    case LOOM_E_INVALID: return "invalid network";
    case LOOM_E_CAPACITY: return "does not fit";
    case LOOM_E_UNSUPPORTED: return "unsupported";
    case LOOM_E_NOMEM: return "out of memory";
    case LOOM_E_LINK: return "link error";
    case LOOM_E_TIMEOUT: return "timeout";
    case LOOM_E_MISMATCH: return "mismatch";
    case LOOM_E_INTERNAL: return "internal error";
    case LOOM_E_INTERRUPTED: return "interrupted";
    }
    return "unknown status";
}
