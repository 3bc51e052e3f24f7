/*
 * cli.c -- shared helpers of the loom subcommands: errors, numbers, progress.
 */
#include "cli.h"
#include "intr.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

int cli_report(const char *cmd, const loom_err *e)
{
    fprintf(stderr, "loom %s: %s\n", cmd, e->msg[0] ? e->msg : loom_status_str(e->status));
    switch (e->status) {
    case LOOM_E_ARG:
    case LOOM_E_PARSE:
    case LOOM_E_INVALID:
    case LOOM_E_CAPACITY:
    case LOOM_E_UNSUPPORTED:
    case LOOM_E_IO:
        return 2;
    case LOOM_E_INTERRUPTED:
        return 128 + (loom_intr_pending() ? loom_intr_pending() : 2); /* as the shell reports a signal */
    default:
        return 1;
    }
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "loom %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'loom %s --help')\n", cmd);
    return 2;
}

int cli_parse_i64(const char *cmd, const char *opt, const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (!*s || *end || errno) {
        cli_usage_error(cmd, "%s expects an integer, got '%s'", opt, s);
        return -1;
    }
    if (v < lo || v > hi) {
        cli_usage_error(cmd, "%s %lld is out of range %" PRId64 "..%" PRId64, opt, v, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '-') {
        cli_usage_error(cmd, "%s expects a non-negative integer, got '%s'", opt, s);
        return -1;
    }
    unsigned long long v = strtoull(s, &end, 0);
    if (!*s || *end || errno) {
        cli_usage_error(cmd, "%s expects a non-negative integer, got '%s'", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v)) {
        cli_usage_error(cmd, "%s expects a number, got '%s'", opt, s);
        return -1;
    }
    if (v < lo || v > hi) {
        cli_usage_error(cmd, "%s %g is out of range %g..%g", opt, v, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_poisson(const char *cmd, const char *s, double dt, double *rate, int *in_hz)
{
    size_t n = strlen(s);
    *in_hz = n > 2 && (!strcmp(s + n - 2, "Hz") || !strcmp(s + n - 2, "hz"));
    if (!*in_hz)
        return cli_parse_double(cmd, "--poisson", s, 0.0, 1.0, rate);
    char num[64];
    double hz;
    if (n - 2 >= sizeof num) {
        cli_usage_error(cmd, "--poisson '%s' is too long", s);
        return -1;
    }
    memcpy(num, s, n - 2);
    num[n - 2] = '\0';
    if (cli_parse_double(cmd, "--poisson", num, 0, 1e12, &hz))
        return -1;
    *rate = hz * dt;
    if (*rate > 1.0) {
        cli_usage_error(cmd, "--poisson %s with dt %g s is %g spikes per step; at most 1 is possible",
                        s, dt, *rate);
        return -1;
    }
    return 0;
}

void cli_note(cli_notes *n, const char *cmd, const char *fmt, ...)
{
    if (n->n >= sizeof n->buf - 1)
        return;
    int k = snprintf(n->buf + n->n, sizeof n->buf - n->n, "loom %s: ", cmd);
    if (k > 0)
        n->n += (size_t)k < sizeof n->buf - n->n ? (size_t)k : sizeof n->buf - n->n - 1;
    va_list ap;
    va_start(ap, fmt);
    k = vsnprintf(n->buf + n->n, sizeof n->buf - n->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        n->n += (size_t)k < sizeof n->buf - n->n ? (size_t)k : sizeof n->buf - n->n - 1;
    if (n->n < sizeof n->buf - 1)
        n->buf[n->n++] = '\n';
    n->buf[n->n] = '\0';
}

void cli_notes_flush(cli_notes *n)
{
    if (n->n)
        fputs(n->buf, stderr);
    n->n = 0;
    n->buf[0] = '\0';
}

int cli_check_png(const char *cmd, const char *opt, const char *path)
{
    size_t n = strlen(path);
    if (n > 4 && !strcasecmp(path + n - 4, ".png"))
        return 0;
    cli_usage_error(cmd, "%s %s: the plot is a PNG image; give a file name ending in .png", opt, path);
    return -1;
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_start(cli_progress *p, const char *what, uint64_t total, int quiet)
{
    const char *env = getenv("LOOM_PROGRESS");
    p->what = what;
    p->total = total;
    p->t0 = p->last = cli_now();
    p->quiet = quiet;
    p->shown = 0;
    p->enabled = !quiet && ((env && strcmp(env, "1") == 0) || isatty(STDERR_FILENO));
}

void cli_progress_update(cli_progress *p, uint64_t done)
{
    if (!p->enabled)
        return;
    double now = cli_now();
    if (now - p->t0 < 1.0 || now - p->last < 0.25)
        return;
    p->last = now;
    p->shown = 1;
    double el = now - p->t0;
    if (p->total && p->total != UINT64_MAX) {
        double frac = (double)done / (double)p->total;
        double eta = frac > 0 ? el * (1 - frac) / frac : 0;
        fprintf(stderr, "\r%s: %" PRIu64 "/%" PRIu64 " (%.0f%%), %.1f s, ~%.0f s left   ",
                p->what, done, p->total, 100 * frac, el, eta);
    } else {
        fprintf(stderr, "\r%s: %" PRIu64 ", %.1f s   ", p->what, done, el);
    }
    fflush(stderr);
}

void cli_link_stall(void *ctx, const char *what)
{
    const char *env = getenv("LOOM_PROGRESS");
    if (!((env && strcmp(env, "1") == 0) || isatty(STDERR_FILENO)))
        return;
    fprintf(stderr, "\r%s: %s\n", (const char *)ctx, what);
    fflush(stderr);
}

void cli_progress_end(cli_progress *p, uint64_t done)
{
    if (!p->enabled || !p->shown)
        return;
    fprintf(stderr, "\r%s: %" PRIu64 " done in %.1f s%20s\n", p->what, done, cli_now() - p->t0, "");
}
