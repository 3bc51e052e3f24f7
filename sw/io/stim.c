/*
 * stim.c -- input stimuli: the portable Poisson generator, sparse CSV files
 * and the binary .lin form (docs/inputs.md is the normative description).
 *
 * Every source is a stream: stim_next hands out the nonzero input values of
 * one step at a time, in increasing step order, and a file is read
 * incrementally (one line or one record of lookahead), never whole.  Values
 * are checked against the channel kinds of the net the source was opened
 * for: spike channels carry 0 or 1, graded channels -32768..32767.  A
 * channel may appear at most once per step; zero values are accepted and
 * dropped (only nonzero values are events).
 *
 * The .lin layout (little-endian):
 *   header, 24 bytes: "LLIN" | u32 version (1) | u32 channels | u32 flags (0)
 *                     | u64 last step with an event (UINT64_MAX: unknown/none)
 *   records:          u64 step | u32 count (>= 1) | count x (u32 channel, i16 value)
 *   end:              u64 0xFFFFFFFFFFFFFFFF | u32 0
 * Steps strictly increase from record to record; a file without the end
 * record is truncated and rejected at the byte offset where it stops.
 */
#include "stim.h"

#include "afile.h"
#include "loom_poisson.h"
#include "loom_limits.h"
#include "loom_mem.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define LIN_MAGIC "LLIN"
#define LIN_VERSION 1u
#define LIN_HEADER_BYTES 24
#define LIN_END_STEP UINT64_MAX

typedef enum { SRC_POISSON, SRC_CSV, SRC_LIN } src_kind;

struct stim_src {
    src_kind kind;
    const seir_net *net;  /* channel kinds and names; must outlive the source */
    uint32_t n_inputs;
    /* Poisson */
    uint64_t seed;
    uint64_t thresh;      /* fire iff (hash >> 11) < thresh */
    /* files */
    FILE *f;
    int own_f;
    char *path;
    uint64_t line;        /* CSV: line number of the lookahead event */
    uint64_t offset;      /* .lin: byte offset of the next unread byte */
    char *buf;            /* CSV line buffer (getline) */
    size_t buf_cap;
    int eof;
    int have_next;        /* a lookahead event / record is pending */
    uint64_t next_step;
    stim_event next_ev;   /* CSV lookahead event */
    uint32_t lin_count;   /* .lin: events left in the current record */
    uint64_t last_step;   /* stim_last_step */
    uint64_t prev_step;   /* last step read from the file (order check) */
    int any_read;
    uint64_t *seen;       /* [n_inputs] step+1 at which the channel last appeared */
};

uint64_t stim_hash(uint64_t seed, uint64_t t, uint32_t c) { return loom_poisson_hash(seed, t, c); }

static stim_src *src_new(const seir_net *net, src_kind kind)
{
    stim_src *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->kind = kind;
    s->net = net;
    s->n_inputs = net->n_inputs;
    s->last_step = UINT64_MAX;
    return s;
}

loom_status stim_poisson(const seir_net *net, double rate, uint64_t seed,
                         stim_src **out, loom_err *e)
{
    *out = NULL;
    if (!(rate >= 0.0 && rate <= 1.0))
        return loom_fail(e, LOOM_E_ARG,
                         "Poisson rate %g is not a probability per step (expected 0..1)", rate);
    stim_src *s = src_new(net, SRC_POISSON);
    if (!s)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory for the Poisson source");
    s->seed = seed;
    s->thresh = loom_poisson_threshold(rate);
    *out = s;
    return LOOM_OK;
}

void stim_close(stim_src *s)
{
    if (!s)
        return;
    if (s->f && s->own_f)
        fclose(s->f);
    free(s->path);
    free(s->buf);
    free(s->seen);
    free(s);
}

uint64_t stim_last_step(const stim_src *s)
{
    return s->last_step;
}

/* ---- value checks shared by CSV and .lin --------------------------------- */

static loom_status check_value(const stim_src *s, uint32_t c, int64_t v, const char *where,
                               loom_err *e)
{
    char nm[128];
    if (c >= s->n_inputs)
        return loom_fail(e, LOOM_E_PARSE, "%s: channel %u does not exist (the net has %u input channels)",
                         where, c, s->n_inputs);
    if (s->net->input_kind[c] == SEIR_IN_SPIKE) {
        if (v != 0 && v != 1)
            return loom_fail(e, LOOM_E_PARSE,
                             "%s: value %" PRId64 " for spike channel %s (expected 0 or 1)", where, v,
                             seir_input_name(s->net, c, nm, sizeof nm));
    } else if (v < INT16_MIN || v > INT16_MAX) {
        return loom_fail(e, LOOM_E_PARSE,
                         "%s: value %" PRId64 " for graded channel %s (expected -32768..32767)", where,
                         v, seir_input_name(s->net, c, nm, sizeof nm));
    } else if (seir_input_sat(s->net, c, v) != v) {
        return loom_fail(e, LOOM_E_PARSE,
                         "%s: value %" PRId64 " for graded channel %s beyond its declared bound max=%lld",
                         where, v, seir_input_name(s->net, c, nm, sizeof nm),
                         (long long)seir_input_xmax(s->net, c));
    }
    return LOOM_OK;
}

/* Records that channel c appears at step t; fails on a repeat within a step. */
static loom_status check_once(stim_src *s, uint32_t c, uint64_t t, const char *where, loom_err *e)
{
    if (s->seen[c] == t + 1) {
        char nm[128];
        return loom_fail(e, LOOM_E_PARSE, "%s: channel %s appears twice at step %" PRIu64, where,
                         seir_input_name(s->net, c, nm, sizeof nm), t);
    }
    s->seen[c] = t + 1;
    return LOOM_OK;
}

/* ---- CSV ------------------------------------------------------------------- */

static int parse_u64(const char *s, uint64_t *out)
{
    if (!isdigit((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno)
        return -1;
    *out = v;
    return 0;
}

static int parse_i64(const char *s, int64_t *out)
{
    if (!*s)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno)
        return -1;
    *out = v;
    return 0;
}

/* Resolves a channel token: an index, or a SEIR input name "x[3]" / "x". */
static loom_status resolve_channel(const stim_src *s, char *tok, uint32_t *c, const char *where,
                                   loom_err *e)
{
    uint64_t idx;
    if (isdigit((unsigned char)tok[0])) {
        if (s->n_inputs == 0)
            return loom_fail(e, LOOM_E_PARSE, "%s: channel '%s': the net has no input channels",
                             where, tok);
        if (parse_u64(tok, &idx) || idx >= s->n_inputs)
            return loom_fail(e, LOOM_E_PARSE,
                             "%s: channel '%s' does not exist (expected an index 0..%u or an input name)",
                             where, tok, s->n_inputs ? s->n_inputs - 1 : 0);
        *c = (uint32_t)idx;
        return LOOM_OK;
    }
    char *br = strchr(tok, '[');
    int has_index = br != NULL;
    if (has_index) {
        size_t n = strlen(br);
        if (n < 3 || br[n - 1] != ']')
            return loom_fail(e, LOOM_E_PARSE, "%s: malformed channel name '%s' (expected name or name[k])",
                             where, tok);
        br[n - 1] = '\0';
        if (parse_u64(br + 1, &idx)) {
            br[n - 1] = ']';
            return loom_fail(e, LOOM_E_PARSE, "%s: malformed channel name '%s' (expected name or name[k])",
                             where, tok);
        }
        *br = '\0';
    }
    int32_t g = seir_find_input_group(s->net, tok);
    if (has_index) {
        *br = '[';
        br[strlen(br)] = ']';
    }
    if (g < 0)
        return loom_fail(e, LOOM_E_PARSE, "%s: unknown input channel '%s'", where, tok);
    const seir_group *gr = &s->net->input_groups[g];
    if (has_index != (gr->is_array != 0))
        return loom_fail(e, LOOM_E_PARSE, "%s: input '%s' is %s", where, tok,
                         gr->is_array ? "an array: name one member as name[k]"
                                      : "a single channel: name it without an index");
    if (has_index && idx >= gr->count)
        return loom_fail(e, LOOM_E_PARSE, "%s: input '%s' is out of range (the group has %u members)",
                         where, tok, gr->count);
    *c = gr->first + (has_index ? (uint32_t)idx : 0);
    return LOOM_OK;
}

static char *trim(char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
        p[--n] = '\0';
    return p;
}

/* A printable excerpt of text for messages: at most 40 bytes, anything but
 * printable ASCII shown as '?'. */
static const char *clip(const char *p, char out[48])
{
    size_t n = 0;
    for (; p[n] && n < 40; n++)
        out[n] = (p[n] >= 0x20 && p[n] < 0x7f) ? p[n] : '?';
    if (p[n])
        out[n++] = '.', out[n++] = '.', out[n++] = '.';
    out[n] = '\0';
    return out;
}

/* Reads the next event line into the lookahead; sets s->eof at the end. */
static loom_status csv_advance(stim_src *s, loom_err *e)
{
    s->have_next = 0;
    for (;;) {
        errno = 0;
        ssize_t r = getline(&s->buf, &s->buf_cap, s->f);
        if (r < 0) {
            if (ferror(s->f))
                return loom_fail(e, LOOM_E_IO, "%s:%" PRIu64 ": read error: %s", s->path,
                                 s->line + 1, strerror(errno));
            s->eof = 1;
            return LOOM_OK;
        }
        s->line++;
        if ((size_t)r != strlen(s->buf))
            return loom_fail(e, LOOM_E_PARSE, "%s:%" PRIu64 ": NUL byte in a text line", s->path,
                             s->line);
        for (size_t k = 0; k < (size_t)r; k++) {
            unsigned char c = (unsigned char)s->buf[k];
            if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
                return loom_fail(e, LOOM_E_PARSE,
                                 "%s:%" PRIu64 ":%zu: control byte 0x%02x (expected CSV text "
                                 "'step,channel,value'; binary inputs must end in .lin)",
                                 s->path, s->line, k + 1, c);
        }
        char *hash = strchr(s->buf, '#');
        if (hash)
            *hash = '\0';
        char *p = trim(s->buf);
        if (!*p)
            continue;
        char where[512];
        snprintf(where, sizeof where, "%s:%" PRIu64, s->path, s->line);
        char *f1 = p, *f2 = strchr(f1, ',');
        char *f3 = f2 ? strchr(f2 + 1, ',') : NULL;
        char ex[48];
        if (!f2 || !f3 || strchr(f3 + 1, ','))
            return loom_fail(e, LOOM_E_PARSE,
                             "%s: expected 3 fields 'step,channel,value', got '%s'", where,
                             clip(p, ex));
        *f2++ = '\0';
        *f3++ = '\0';
        f1 = trim(f1);
        f2 = trim(f2);
        f3 = trim(f3);
        if (!s->any_read && !strcmp(f1, "step") && !strcmp(f2, "channel") && !strcmp(f3, "value"))
            continue; /* header */
        uint64_t step;
        int64_t val;
        uint32_t c = 0;
        if (parse_u64(f1, &step))
            return loom_fail(e, LOOM_E_PARSE, "%s: step '%s' is not a non-negative integer", where, f1);
        if (step > loom_limit(LOOM_LIM_STEPS))
            return loom_fail(e, LOOM_E_CAPACITY, "%s:%zu: step %" PRIu64 " exceeds the limit of %" PRIu64
                             " steps (set %s to raise it)", where, (size_t)(f1 - s->buf) + 1, step,
                             loom_limit(LOOM_LIM_STEPS), loom_limit_env(LOOM_LIM_STEPS));
        loom_status st = resolve_channel(s, f2, &c, where, e);
        if (st)
            return st;
        if (parse_i64(f3, &val))
            return loom_fail(e, LOOM_E_PARSE, "%s: value '%s' is not an integer", where, f3);
        if ((st = check_value(s, c, val, where, e)))
            return st;
        if (s->any_read && step < s->prev_step)
            return loom_fail(e, LOOM_E_PARSE,
                             "%s: step %" PRIu64 " after step %" PRIu64 " (steps must not decrease)",
                             where, step, s->prev_step);
        if ((st = check_once(s, c, step, where, e)))
            return st;
        s->any_read = 1;
        s->prev_step = step;
        if (val == 0)
            continue;
        s->have_next = 1;
        s->next_step = step;
        s->next_ev = (stim_event){c, (int32_t)val};
        return LOOM_OK;
    }
}

/* Finds the last step with a nonzero event by scanning only the step column
 * (cheap; the full checks happen while streaming). */
static loom_status csv_prescan(stim_src *s, loom_err *e)
{
    long pos = ftell(s->f);
    if (pos < 0)
        return LOOM_OK;
    uint64_t last = UINT64_MAX, lno = s->line;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, s->f) >= 0) {
        lno++;
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!isdigit((unsigned char)*p))
            continue;
        const char *at = p;
        errno = 0;
        uint64_t st = strtoull(p, &p, 10);
        if (errno || st > loom_limit(LOOM_LIM_STEPS)) {
            loom_status r = loom_fail(e, LOOM_E_CAPACITY, "%s:%" PRIu64 ":%zu: step %.*s exceeds the limit of %"
                                      PRIu64 " steps (set %s to raise it)", s->path, lno,
                                      (size_t)(at - line) + 1, (int)(p - at > 40 ? 40 : p - at), at,
                                      loom_limit(LOOM_LIM_STEPS), loom_limit_env(LOOM_LIM_STEPS));
            free(line);
            return r;
        }
        char *v = strrchr(line, ',');
        if (!v)
            continue;
        v++;
        while (*v == ' ' || *v == '\t')
            v++;
        if (strtoll(v, NULL, 10) != 0 && (last == UINT64_MAX || st > last))
            last = st;
    }
    free(line);
    clearerr(s->f);
    if (fseek(s->f, pos, SEEK_SET) == 0)
        s->last_step = last;
    return LOOM_OK;
}

/* ---- .lin ------------------------------------------------------------------ */

static uint32_t rd32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t rd64(const unsigned char *b)
{
    return (uint64_t)rd32(b) | (uint64_t)rd32(b + 4) << 32;
}

static loom_status lin_read(stim_src *s, void *dst, size_t n, const char *what, loom_err *e)
{
    size_t got = fread(dst, 1, n, s->f);
    if (got != n) {
        if (ferror(s->f))
            return loom_fail(e, LOOM_E_IO, "%s: read error at byte offset %" PRIu64 ": %s", s->path,
                             s->offset + got, strerror(errno));
        return loom_fail(e, LOOM_E_PARSE,
                         "%s: truncated at byte offset %" PRIu64 " (expected %s; a .lin file ends "
                         "with an end record)",
                         s->path, s->offset + got, what);
    }
    s->offset += n;
    return LOOM_OK;
}

/* Reads the next record header into the lookahead (next_step, lin_count). */
static loom_status lin_advance(stim_src *s, loom_err *e)
{
    unsigned char b[12];
    s->have_next = 0;
    uint64_t at = s->offset;
    loom_status st = lin_read(s, b, 12, "a record header", e);
    if (st)
        return st;
    uint64_t step = rd64(b);
    uint32_t count = rd32(b + 8);
    if (step == LIN_END_STEP) {
        if (count != 0)
            return loom_fail(e, LOOM_E_PARSE, "%s: byte offset %" PRIu64 ": end record with count %u (expected 0)",
                             s->path, at, count);
        if (fgetc(s->f) != EOF)
            return loom_fail(e, LOOM_E_PARSE, "%s: byte offset %" PRIu64 ": data after the end record",
                             s->path, s->offset);
        s->eof = 1;
        return LOOM_OK;
    }
    if (step > loom_limit(LOOM_LIM_STEPS))
        return loom_fail(e, LOOM_E_CAPACITY, "%s: byte offset %" PRIu64 ": step %" PRIu64 " exceeds the limit of %"
                         PRIu64 " steps (set %s to raise it)", s->path, at, step, loom_limit(LOOM_LIM_STEPS),
                         loom_limit_env(LOOM_LIM_STEPS));
    if (count == 0 || count > s->n_inputs)
        return loom_fail(e, LOOM_E_PARSE,
                         "%s: byte offset %" PRIu64 ": record of step %" PRIu64 " has %u events (expected 1..%u)",
                         s->path, at, step, count, s->n_inputs);
    if (s->any_read && step <= s->prev_step)
        return loom_fail(e, LOOM_E_PARSE,
                         "%s: byte offset %" PRIu64 ": step %" PRIu64 " after step %" PRIu64
                         " (record steps must increase)",
                         s->path, at, step, s->prev_step);
    s->any_read = 1;
    s->prev_step = step;
    s->have_next = 1;
    s->next_step = step;
    s->lin_count = count;
    return LOOM_OK;
}

/* Reads the events of the current record; keep=0 only checks and drops them. */
static loom_status lin_events(stim_src *s, stim_event *ev, uint32_t max_ev, uint32_t *n, int keep,
                              loom_err *e)
{
    for (uint32_t k = 0; k < s->lin_count; k++) {
        unsigned char b[6];
        uint64_t at = s->offset;
        loom_status st = lin_read(s, b, 6, "an event", e);
        if (st)
            return st;
        uint32_t c = rd32(b);
        int16_t v = (int16_t)(uint16_t)((uint16_t)b[4] | (uint16_t)b[5] << 8);
        char where[512];
        snprintf(where, sizeof where, "%s: byte offset %" PRIu64, s->path, at);
        if ((st = check_value(s, c, v, where, e)) || (st = check_once(s, c, s->next_step, where, e)))
            return st;
        if (keep && v != 0) {
            if (*n >= max_ev)
                return loom_fail(e, LOOM_E_ARG, "%s: more events in step %" PRIu64 " than room for %u",
                                 s->path, s->next_step, max_ev);
            ev[(*n)++] = (stim_event){c, v};
        }
    }
    return LOOM_OK;
}

/* ---- opening and stepping ------------------------------------------------ */

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

loom_status stim_open_file(const seir_net *net, const char *path, stim_src **out, loom_err *e)
{
    *out = NULL;
    int is_lin = ends_with(path, ".lin");
    stim_src *s = src_new(net, is_lin ? SRC_LIN : SRC_CSV);
    if (!s)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory opening %s", path);
    s->path = strdup(path);
    s->seen = calloc(net->n_inputs ? net->n_inputs : 1, sizeof *s->seen);
    if (!s->path || !s->seen) {
        stim_close(s);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory opening %s", path);
    }
    if (!strcmp(path, "-")) {
        s->f = stdin;
        s->kind = SRC_CSV;
    } else {
        s->f = fopen(path, "rb");
        if (!s->f) {
            loom_status st = loom_fail(e, LOOM_E_IO, "%s: cannot open input file: %s", path, strerror(errno));
            stim_close(s);
            return st;
        }
        s->own_f = 1;
    }
    loom_status st;
    if (s->kind == SRC_LIN) {
        unsigned char h[LIN_HEADER_BYTES];
        st = lin_read(s, h, sizeof h, "the 24-byte header", e);
        if (!st && memcmp(h, LIN_MAGIC, 4) != 0)
            st = loom_fail(e, LOOM_E_PARSE, "%s: byte offset 0: not a .lin file (magic \"LLIN\" missing)", path);
        if (!st && rd32(h + 4) != LIN_VERSION)
            st = loom_fail(e, LOOM_E_PARSE, "%s: byte offset 4: .lin version %u, this Loom reads version %u",
                           path, rd32(h + 4), LIN_VERSION);
        if (!st && rd32(h + 8) != net->n_inputs)
            st = loom_fail(e, LOOM_E_PARSE,
                           "%s: byte offset 8: the file has %u channels, the net has %u input channels",
                           path, rd32(h + 8), net->n_inputs);
        if (!st && rd32(h + 12) != 0)
            st = loom_fail(e, LOOM_E_PARSE, "%s: byte offset 12: unknown flags 0x%x (expected 0)", path,
                           rd32(h + 12));
        if (!st && rd64(h + 16) != UINT64_MAX && rd64(h + 16) > loom_limit(LOOM_LIM_STEPS))
            st = loom_fail(e, LOOM_E_CAPACITY, "%s: byte offset 16: last step %" PRIu64 " exceeds the limit of %"
                           PRIu64 " steps (set %s to raise it)", path, rd64(h + 16),
                           loom_limit(LOOM_LIM_STEPS), loom_limit_env(LOOM_LIM_STEPS));
        if (!st) {
            s->last_step = rd64(h + 16);
            st = lin_advance(s, e);
        }
    } else {
        st = s->own_f ? csv_prescan(s, e) : LOOM_OK;
        if (!st)
            st = csv_advance(s, e);
    }
    if (st) {
        stim_close(s);
        return st;
    }
    *out = s;
    return LOOM_OK;
}

static int ev_cmp(const void *a, const void *b)
{
    uint32_t x = ((const stim_event *)a)->channel, y = ((const stim_event *)b)->channel;
    return (x > y) - (x < y);
}

loom_status stim_next(stim_src *s, uint64_t t, stim_event *ev, uint32_t max_ev, uint32_t *n,
                      loom_err *e)
{
    *n = 0;
    loom_status st;
    switch (s->kind) {
    case SRC_POISSON:
        if (s->thresh == 0)
            return LOOM_OK;
        for (uint32_t c = 0; c < s->n_inputs; c++) {
            /* A graded channel's draw is given saturated to its declared
             * bound (as the reference model would take it), so saved inputs
             * pass this file's own readers. */
            int32_t v = seir_input_as_taken(
                s->net, c, loom_poisson_value(s->seed, s->thresh, t, c, s->net->input_kind[c] != SEIR_IN_SPIKE));
            if (v == 0)
                continue;
            if (*n >= max_ev)
                return loom_fail(e, LOOM_E_ARG, "step %" PRIu64 ": more Poisson events than room for %u",
                                 t, max_ev);
            ev[(*n)++] = (stim_event){c, v};
        }
        return LOOM_OK;
    case SRC_CSV:
        while (s->have_next && s->next_step <= t) {
            if (s->next_step == t) {
                if (*n >= max_ev)
                    return loom_fail(e, LOOM_E_ARG, "%s:%" PRIu64 ": more events in step %" PRIu64
                                     " than room for %u", s->path, s->line, t, max_ev);
                ev[(*n)++] = s->next_ev;
            }
            if ((st = csv_advance(s, e)))
                return st;
        }
        if (*n > 1)
            qsort(ev, *n, sizeof *ev, ev_cmp); /* file order within a step is free */
        return LOOM_OK;
    case SRC_LIN:
        while (s->have_next && s->next_step <= t) {
            if ((st = lin_events(s, ev, max_ev, n, s->next_step == t, e)) || (st = lin_advance(s, e)))
                return st;
        }
        if (*n > 1)
            qsort(ev, *n, sizeof *ev, ev_cmp);
        return LOOM_OK;
    }
    return loom_fail(e, LOOM_E_INTERNAL, "unknown stimulus source kind");
}

/* ---- .lin writer ----------------------------------------------------------- */

struct stim_writer {
    afile *a;
    FILE *f;
    char *path;
    uint32_t n_channels;
    uint64_t last_step;
    int any;
};

static void wr32(unsigned char *b, uint32_t v)
{
    b[0] = (unsigned char)v;
    b[1] = (unsigned char)(v >> 8);
    b[2] = (unsigned char)(v >> 16);
    b[3] = (unsigned char)(v >> 24);
}

static void wr64(unsigned char *b, uint64_t v)
{
    wr32(b, (uint32_t)v);
    wr32(b + 4, (uint32_t)(v >> 32));
}

loom_status stim_writer_open(const char *path, uint32_t n_channels, stim_writer **out, loom_err *e)
{
    *out = NULL;
    stim_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path))) {
        free(w);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory opening %s", path);
    }
    w->n_channels = n_channels;
    loom_status st0 = afile_open(path, &w->a, e);
    if (st0) {
        free(w->path);
        free(w);
        return st0;
    }
    w->f = afile_fp(w->a);
    unsigned char h[LIN_HEADER_BYTES];
    memcpy(h, LIN_MAGIC, 4);
    wr32(h + 4, LIN_VERSION);
    wr32(h + 8, n_channels);
    wr32(h + 12, 0);
    wr64(h + 16, UINT64_MAX);
    if (fwrite(h, 1, sizeof h, w->f) != sizeof h) {
        loom_status st = loom_fail(e, LOOM_E_IO, "%s: write error: %s", path, strerror(errno));
        afile_discard(w->a);
        free(w->path);
        free(w);
        return st;
    }
    *out = w;
    return LOOM_OK;
}

loom_status stim_writer_step(stim_writer *w, uint64_t t, const stim_event *ev, uint32_t n, loom_err *e)
{
    uint32_t nz = 0;
    for (uint32_t k = 0; k < n; k++) {
        if (ev[k].channel >= w->n_channels)
            return loom_fail(e, LOOM_E_ARG, "%s: step %" PRIu64 ": channel %u out of range 0..%u",
                             w->path, t, ev[k].channel, w->n_channels - 1);
        if (ev[k].value < INT16_MIN || ev[k].value > INT16_MAX)
            return loom_fail(e, LOOM_E_ARG, "%s: step %" PRIu64 ": value %d does not fit 16 bits",
                             w->path, t, (int)ev[k].value);
        nz += ev[k].value != 0;
    }
    if (nz == 0)
        return LOOM_OK;
    if (t == LIN_END_STEP || (w->any && t <= w->last_step))
        return loom_fail(e, LOOM_E_ARG, "%s: step %" PRIu64 " written after step %" PRIu64
                         " (steps must increase)", w->path, t, w->last_step);
    unsigned char b[12];
    wr64(b, t);
    wr32(b + 8, nz);
    int ok = fwrite(b, 1, 12, w->f) == 12;
    for (uint32_t k = 0; ok && k < n; k++) {
        if (!ev[k].value)
            continue;
        unsigned char r[6];
        wr32(r, ev[k].channel);
        uint16_t v = (uint16_t)(int16_t)ev[k].value;
        r[4] = (unsigned char)v;
        r[5] = (unsigned char)(v >> 8);
        ok = fwrite(r, 1, 6, w->f) == 6;
    }
    if (!ok)
        return loom_fail(e, LOOM_E_IO, "%s: write error: %s", w->path, strerror(errno));
    w->any = 1;
    w->last_step = t;
    return LOOM_OK;
}

loom_status stim_writer_close(stim_writer *w, loom_err *e)
{
    if (!w)
        return LOOM_OK;
    unsigned char b[12];
    wr64(b, LIN_END_STEP);
    wr32(b + 8, 0);
    int ok = fwrite(b, 1, 12, w->f) == 12;
    if (ok && w->any && fseek(w->f, 16, SEEK_SET) == 0) {
        unsigned char l[8];
        wr64(l, w->last_step);
        ok = fwrite(l, 1, 8, w->f) == 8;
    }
    loom_status st;
    if (!ok) {
        st = loom_fail(e, LOOM_E_IO, "%s: write error: %s", w->path, strerror(errno));
        afile_discard(w->a);
    } else {
        st = afile_commit(w->a, e);
    }
    LOOM_FREE(w->path, w);
    return st;
}

void stim_writer_discard(stim_writer *w)
{
    if (!w)
        return;
    afile_discard(w->a);
    LOOM_FREE(w->path, w);
}
