/*
 * report_json.h -- reading the JSON reports of the FPGA tools (nextpnr's
 * --report, yosys' `stat -json`) and Loom's own DIR/report.json, with a
 * JSON parser (jansson), for `loom build` and `loom report`.
 *
 * Every reader takes a file path, parses the whole file and looks values
 * up by their place in the document (not by searching for a key's text),
 * so a cell or net named like a key cannot be mistaken for it.  A value
 * that is absent reads as -1; a file that is missing or not JSON is an
 * error naming the file (and the line and column for a syntax error).
 */
#ifndef REPORT_JSON_H
#define REPORT_JSON_H

#include <stddef.h>

#include "loom_status.h"

/* nextpnr --report: "utilization" {BEL: {"used", "available"}} of each of
 * the n bels (e.g. "ICESTORM_LC") into used[k] / avail[k] (avail may be
 * NULL), and the lowest "achieved" of the "fmax" clocks in MHz into
 * *fmax_mhz (-1 when no clock is reported). */
loom_status report_pnr_read(const char *path, const char *const *bels, size_t n, double *used,
                            double *avail, double *fmax_mhz, loom_err *e);

/* yosys `stat -json`: for each of the n prefixes, the sum of the counts of
 * design.num_cells_by_type whose type starts with it (e.g. "SB_DFF" sums
 * SB_DFF, SB_DFFE, SB_DFFSR, ...), into sums[k]; -1 when the design has no
 * cell table. */
loom_status report_stat_cells(const char *path, const char *const *prefixes, size_t n, long *sums,
                              loom_err *e);

/* Any JSON object file, for lookups by dotted path ("model.neurons"). */
typedef struct report_doc report_doc;
loom_status report_doc_load(const char *path, report_doc **d, loom_err *e);
void report_doc_free(report_doc *d);
/* The number at path, or -1 when absent or not a number. */
double report_doc_num(const report_doc *d, const char *path);
/* The string at path (owned by d), or NULL when absent or not a string. */
const char *report_doc_str(const report_doc *d, const char *path);
/* 1 when the member at path is the JSON value true. */
int report_doc_true(const report_doc *d, const char *path);
/* 1 when path names a member that is not null. */
int report_doc_has(const report_doc *d, const char *path);

/* Loom's DIR/report.json: the number at the top-level key into *v (-1 when
 * absent or not a number); the string at key compared with s into *equal. */
loom_status report_top_num(const char *path, const char *key, double *v, loom_err *e);
loom_status report_top_str_is(const char *path, const char *key, const char *s, int *equal,
                              loom_err *e);

#endif
