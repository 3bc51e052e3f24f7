/*
 * cli.h -- small helpers shared by the `loom` subcommands.
 *
 * Subcommands live in sw/cli/cmd_NAME.c and define
 *     int cmd_NAME(int argc, char **argv);      argv[0] is "NAME"
 *     extern const char cmd_NAME_summary[];      one line for `loom help`
 * The Makefile generates the dispatch table from the file names.
 * A subcommand returns the process exit code: 0 success, 1 failure of the
 * job (mismatch, link lost, ...), 2 bad usage or bad input.
 */
#ifndef CLI_H
#define CLI_H

#include <stdint.h>
#include <stdio.h>

#include "loom_status.h"

/* Prints "loom CMD: message" to stderr for e and returns the exit code for
 * its status (2 for usage/input errors, 1 otherwise). */
int cli_report(const char *cmd, const loom_err *e);

/* Prints "loom CMD: <formatted>" to stderr and returns 2 (usage error). */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Strict number parsing of a whole option value; 0 on success, -1 (with a
 * message naming opt) on failure or when outside [lo, hi]. */
int cli_parse_i64(const char *cmd, const char *opt, const char *s, int64_t lo, int64_t hi, int64_t *out);
int cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t *out);
int cli_parse_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out);

/* A --poisson value: a rate per step in 0..1, or "RATEHz" (or "hz")
 * converted with dt, the seconds of a step (at most 1 spike per step).
 * 0 with *rate (and *in_hz: 1 for the Hz form), or -1 with a message
 * naming cmd. */
int cli_parse_poisson(const char *cmd, const char *s, double dt, double *rate, int *in_hz);

/* Progress line on stderr for long runs: shown only when stderr is a
 * terminal or LOOM_PROGRESS=1, at most ~4 times a second, and only once the
 * run has lasted longer than a second.  Pass quiet=1 to silence it. */
typedef struct cli_progress {
    const char *what;
    uint64_t total;
    double t0, last;
    int quiet, shown, enabled;
} cli_progress;
void cli_progress_start(cli_progress *p, const char *what, uint64_t total, int quiet);
void cli_progress_update(cli_progress *p, uint64_t done);
void cli_progress_end(cli_progress *p, uint64_t done);

/* loom_host_opts.on_stall for a command (ctx: its name): the link's stall
 * note as a line on stderr, under the progress line's rule (a terminal or
 * LOOM_PROGRESS=1). */
void cli_link_stall(void *ctx, const char *what);

/* Notes and warnings found while a command sets up, held back until the
 * setup succeeded (cli_notes_flush) so that a real error is not preceded by
 * lines that do not matter any more.  Overlong text is cut. */
typedef struct cli_notes {
    char buf[4096];
    size_t n;
} cli_notes;
void cli_note(cli_notes *n, const char *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cli_notes_flush(cli_notes *n);

/* 0 when path names a PNG file (ends in .png, any case); else prints
 * "loom CMD: OPT PATH: ..." and returns -1 (a plot is always a PNG; a
 * .txt name would get PNG bytes). */
int cli_check_png(const char *cmd, const char *opt, const char *path);

/* Monotonic seconds. */
double cli_now(void);

#endif
