/*
 * jsonw.h -- a small streaming JSON writer for the machine-readable results
 * of the loom subcommands (`--json`, schema in docs/json.md).
 *
 * Values are written as they come: a caller opens objects and arrays,
 * writes members and closes them again; commas, quoting and escaping are
 * the writer's job.  Inside an object every value takes a key, inside an
 * array (and at the top) key is NULL.  Non-finite numbers are written as
 * null (JSON has no inf/NaN).  Nesting deeper than JSONW_MAX_DEPTH is
 * ignored (the writer never overflows; jsonw_end then reports it).
 * The writer owns nothing; the FILE stays the caller's.
 */
#ifndef JSONW_H
#define JSONW_H

#include <stdint.h>
#include <stdio.h>

#include "loom_status.h"

#define JSONW_MAX_DEPTH 32

typedef struct jsonw {
    FILE *f;
    int depth;                           /* open containers */
    int overflow;                        /* nesting went past JSONW_MAX_DEPTH */
    unsigned char first[JSONW_MAX_DEPTH]; /* no member yet at this depth */
} jsonw;

void jsonw_init(jsonw *j, FILE *f);
void jsonw_obj_begin(jsonw *j, const char *key);
void jsonw_obj_end(jsonw *j);
void jsonw_arr_begin(jsonw *j, const char *key);
void jsonw_arr_end(jsonw *j);
void jsonw_str(jsonw *j, const char *key, const char *v); /* NULL -> null */
void jsonw_int(jsonw *j, const char *key, int64_t v);
void jsonw_uint(jsonw *j, const char *key, uint64_t v);
void jsonw_num(jsonw *j, const char *key, double v);      /* %.17g; non-finite -> null */
void jsonw_bool(jsonw *j, const char *key, int v);
void jsonw_null(jsonw *j, const char *key);
/* Writes the separator and key of a member whose value the caller then
 * writes to j->f itself (one complete JSON value, e.g. from another
 * printer). */
void jsonw_key(jsonw *j, const char *key);

/* Ends the document with a newline and flushes.  LOOM_E_INVALID when
 * containers are still open or nesting overflowed, LOOM_E_IO on a write
 * error (e says which). */
loom_status jsonw_end(jsonw *j, loom_err *e);

#endif
