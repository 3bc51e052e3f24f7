/*
 * jsonw.c -- streaming JSON writer (jsonw.h).
 *
 * Strings are written as UTF-8 as given, with '"', '\\' and every control
 * character below 0x20 escaped, so any C string (a file name with quotes or
 * newlines, a network name) becomes a valid JSON string.
 */
#include "jsonw.h"

#include <inttypes.h>
#include <math.h>

void jsonw_init(jsonw *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    j->overflow = 0;
    j->first[0] = 1;
}

static void put_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

/* The separator and the key before a value. */
static void member(jsonw *j, const char *key)
{
    int d = j->depth < JSONW_MAX_DEPTH ? j->depth : JSONW_MAX_DEPTH - 1;
    if (!j->first[d])
        fputc(',', j->f);
    j->first[d] = 0;
    if (key) {
        put_string(j->f, key);
        fputc(':', j->f);
    }
}

static void open_c(jsonw *j, const char *key, char c)
{
    member(j, key);
    fputc(c, j->f);
    if (j->depth + 1 >= JSONW_MAX_DEPTH) {
        j->overflow = 1;
        j->depth++;
        return;
    }
    j->depth++;
    j->first[j->depth] = 1;
}

static void close_c(jsonw *j, char c)
{
    if (j->depth > 0)
        j->depth--;
    fputc(c, j->f);
}

void jsonw_obj_begin(jsonw *j, const char *key) { open_c(j, key, '{'); }
void jsonw_obj_end(jsonw *j) { close_c(j, '}'); }
void jsonw_arr_begin(jsonw *j, const char *key) { open_c(j, key, '['); }
void jsonw_arr_end(jsonw *j) { close_c(j, ']'); }

void jsonw_str(jsonw *j, const char *key, const char *v)
{
    member(j, key);
    if (v)
        put_string(j->f, v);
    else
        fputs("null", j->f);
}

void jsonw_int(jsonw *j, const char *key, int64_t v)
{
    member(j, key);
    fprintf(j->f, "%" PRId64, v);
}

void jsonw_uint(jsonw *j, const char *key, uint64_t v)
{
    member(j, key);
    fprintf(j->f, "%" PRIu64, v);
}

void jsonw_num(jsonw *j, const char *key, double v)
{
    member(j, key);
    if (isfinite(v))
        fprintf(j->f, "%.17g", v);
    else
        fputs("null", j->f);
}

void jsonw_bool(jsonw *j, const char *key, int v)
{
    member(j, key);
    fputs(v ? "true" : "false", j->f);
}

void jsonw_key(jsonw *j, const char *key)
{
    member(j, key);
}

void jsonw_null(jsonw *j, const char *key)
{
    member(j, key);
    fputs("null", j->f);
}

loom_status jsonw_end(jsonw *j, loom_err *e)
{
    fputc('\n', j->f);
    if (j->overflow)
        return loom_fail(e, LOOM_E_INVALID, "JSON nesting deeper than %d", JSONW_MAX_DEPTH);
    if (j->depth != 0)
        return loom_fail(e, LOOM_E_INVALID, "JSON document ends with %d containers open", j->depth);
    if (fflush(j->f) != 0 || ferror(j->f))
        return loom_fail(e, LOOM_E_IO, "write error on the JSON output");
    return LOOM_OK;
}
