/*
 * test_link_retry.c -- the host link's give-up rule (sw/link/retry.c): a
 * link that makes progress, however slowly and however many resends it
 * costs, is never given up; silence is given up after max_tries timeouts;
 * a board that answers only with NAKs and damaged frames after both
 * max_sends resends and giveup_ms of wall time with no answer.
 */
#include <stddef.h>
#include <stdint.h>

#include "unit.h"

#include "retry.h"

/* 5 % faults on a loaded machine, as the old rule saw it: one request may
 * need hundreds of sends (go-back-N resends behind a damaged frame, early
 * resends to a slow board), but now and then an answer arrives.  The old
 * rule (16 x max_tries sends of one request) gave up here; this one never
 * does. */
static void test_progress_never_gives_up(void **st)
{
    (void)st;
    link_retry r;
    double t = 1000;
    link_retry_init(&r, 8, 16 * 8 * 4, 10000, t);
    unsigned answers = 0;
    for (unsigned k = 0; k < 200000; k++) {
        link_retry_resent(&r);
        t += 0.5;                       /* 100 s in all */
        if (k % 700 == 699) {           /* an answer every 350 ms and 700 resends */
            link_retry_progress(&r, t);
            answers++;
        }
        if (k % 2000 == 1999)           /* a silent timeout now and then */
            link_retry_silent(&r);
        assert_int_equal(link_retry_check(&r, t), LINK_RETRY_GO);
    }
    assert_int_equal(answers, 285);
    /* the same resends with no answer at all: given up once both limits
     * are passed, not before */
    link_retry_init(&r, 8, 100, 10000, t);
    unsigned k = 0;
    while (link_retry_check(&r, t) == LINK_RETRY_GO && k < 1000000) {
        link_retry_resent(&r);
        t += 0.5;
        k++;
    }
    assert_int_equal(link_retry_check(&r, t), LINK_RETRY_REFUSED);
    assert_int_equal(k, 20000); /* 10 s at 2 resends per ms: the wall time decided */
    assert_true(link_retry_stalled_ms(&r, t) >= 10000);
}

/* Many resends in a short time are not enough: the wall-time limit holds a
 * fast-resending host back; a long wait with few resends neither. */
static void test_refused_needs_both(void **st)
{
    (void)st;
    link_retry r;
    link_retry_init(&r, 8, 50, 4000, 0);
    for (int i = 0; i < 10000; i++)
        link_retry_resent(&r);
    assert_int_equal(link_retry_check(&r, 3999), LINK_RETRY_GO);
    assert_int_equal(link_retry_check(&r, 4000), LINK_RETRY_REFUSED);
    link_retry_init(&r, 8, 50, 4000, 0);
    for (int i = 0; i < 49; i++)
        link_retry_resent(&r);
    assert_int_equal(link_retry_check(&r, 1e6), LINK_RETRY_GO);
    link_retry_resent(&r);
    assert_int_equal(link_retry_check(&r, 1e6), LINK_RETRY_REFUSED);
    /* an answer starts both counts again */
    link_retry_progress(&r, 1e6);
    assert_int_equal(link_retry_check(&r, 1e6 + 5000), LINK_RETRY_GO);
    assert_true(link_retry_stalled_ms(&r, 1e6 + 5000) == 5000);
    assert_true(link_retry_stalled_ms(&r, 0) == 0); /* a clock before progress: 0 */
}

/* Silence: max_tries silent timeouts in a row with no answer, however
 * little wall time (the timeouts themselves are the wait); an answer in
 * between starts the count again. */
static void test_silent(void **st)
{
    (void)st;
    link_retry r;
    link_retry_init(&r, 3, 1000, 10000, 0);
    link_retry_silent(&r);
    link_retry_silent(&r);
    assert_int_equal(link_retry_check(&r, 100), LINK_RETRY_GO);
    link_retry_progress(&r, 100);
    link_retry_silent(&r);
    link_retry_silent(&r);
    assert_int_equal(link_retry_check(&r, 200), LINK_RETRY_GO);
    link_retry_silent(&r);
    assert_int_equal(link_retry_check(&r, 200), LINK_RETRY_SILENT);
    /* silence is named before a refusal when both hold */
    for (int i = 0; i < 2000; i++)
        link_retry_resent(&r);
    assert_int_equal(link_retry_check(&r, 1e6), LINK_RETRY_SILENT);
    /* zero limits are taken as 1, not as "give up at once" */
    link_retry_init(&r, 0, 0, -5, 0);
    assert_int_equal(link_retry_check(&r, 0), LINK_RETRY_GO);
    link_retry_silent(&r);
    assert_int_equal(link_retry_check(&r, 0), LINK_RETRY_SILENT);
}

UNIT_MAIN(test_progress_never_gives_up, test_refused_needs_both, test_silent)
