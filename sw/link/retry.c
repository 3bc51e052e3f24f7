/*
 * retry.c -- the give-up rule of the host link (see retry.h).
 */
#include "retry.h"

void link_retry_init(link_retry *r, unsigned max_tries, unsigned max_sends, double giveup_ms,
                     double now)
{
    r->max_tries = max_tries ? max_tries : 1;
    r->max_sends = max_sends ? max_sends : 1;
    r->giveup_ms = giveup_ms > 0 ? giveup_ms : 0;
    r->progress_ms = now;
    r->silent = 0;
    r->resends = 0;
}

void link_retry_progress(link_retry *r, double now)
{
    r->progress_ms = now;
    r->silent = 0;
    r->resends = 0;
}

void link_retry_resent(link_retry *r)
{
    if (r->resends < ~0u)
        r->resends++;
}

void link_retry_silent(link_retry *r)
{
    if (r->silent < ~0u)
        r->silent++;
}

double link_retry_stalled_ms(const link_retry *r, double now)
{
    double d = now - r->progress_ms;
    return d > 0 ? d : 0;
}

link_retry_verdict link_retry_check(const link_retry *r, double now)
{
    if (r->silent >= r->max_tries)
        return LINK_RETRY_SILENT;
    if (r->resends >= r->max_sends && link_retry_stalled_ms(r, now) >= r->giveup_ms)
        return LINK_RETRY_REFUSED;
    return LINK_RETRY_GO;
}
