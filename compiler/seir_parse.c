/*
 * seir_parse.c -- reading SEIR text (docs/seir.md) into a validated seir_net.
 *
 * One pass over the text, line by line, with no allocation per token: the
 * file is read whole (or mapped), names are looked up in an open-addressing
 * hash table that points back into the net's own strings, integers are
 * converted in place.  Every statement is checked as it is read, so most
 * diagnostics point at the offending token (file:line:col, columns counted
 * in bytes from 1).  Names must be declared before they are used; that is
 * what lets a single pass resolve everything.
 *
 * Two rules need the whole network: zero-delay cycles and the accumulator
 * bound.  They are checked after the pass by seir_check.c; when one fails,
 * the text is parsed a second time in a "locate" mode that stops at the
 * statement that closes the cycle / first pushes the bound past the limit,
 * so these errors also carry a line.  The success path pays nothing for it.
 *
 * Error statuses: LOOM_E_PARSE for text that does not follow the grammar,
 * LOOM_E_INVALID for well-formed statements that break a rule (unknown or
 * duplicate names, values out of range, cycles, accumulator bound),
 * LOOM_E_UNSUPPORTED for another format version, LOOM_E_IO / LOOM_E_NOMEM.
 */
#include "seir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loom_arith.h"
#include "loom_mem.h"
#include "seir_text.h"
#include "loom_limits.h"
#include "loom_cmp.h"

typedef struct span {
    const char *s;
    size_t n;
} span;

enum { T_INPUT = 0, T_NEURON = 1, T_PROFILE = 2 };

/* Hash entry: a group or profile by index; the name lives in the net. */
typedef struct hent {
    uint32_t hash;
    uint32_t idx;
    uint32_t line; /* where it was defined, for "already defined" messages */
    uint8_t tag;   /* T_* ; profiles and groups are separate name spaces */
    uint8_t used;
} hent;

/* A resolved reference: a contiguous run of one group's members. */
typedef struct ref {
    int is_input;
    uint32_t group;
    uint32_t first, count; /* absolute indices */
    span text;
} ref;

/* A ring init entry with its source position, for duplicate messages. */
typedef struct pring {
    uint32_t neuron, slot;
    int32_t value;
    uint32_t line, col;
} pring;

enum { LOC_NONE, LOC_SYN, LOC_ACC };

typedef struct parser {
    const char *name;
    const char *end, *p;
    const char *ls; /* start of the current line */
    uint32_t line;
    const char *stmt; /* first byte of the current statement */
    span prev;        /* the token read last, for "after '...'" */
    seir_net *net;
    loom_err *e;
    int stmts; /* statements after the header */

    hent *ht;
    size_t ht_cap, ht_n;

    uint8_t *init_set; /* per neuron: bit 0 i given, bit 1 v given, bit 2 bias given */
    size_t init_cap;
    pring *ring;
    size_t n_ring, cap_ring;

    /* locate mode (second pass after a whole-net check failed) */
    int loc;
    size_t loc_syn;
    uint32_t loc_neuron;
    uint64_t loc_sum, loc_ring, loc_limit;
    int found;
    uint32_t found_line, found_col;
} parser;

/* ---- diagnostics ------------------------------------------------------------ */

static loom_status perr_lc(parser *ps, loom_status st, uint32_t line, uint32_t col,
                           const char *fmt, va_list ap)
{
    char msg[LOOM_ERR_MSG];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return loom_fail(ps->e, st, "%s:%u:%u: %s", ps->name, line, col, msg);
}

/* Error at byte `at` of the current line. */
static loom_status __attribute__((format(printf, 4, 5)))
perr(parser *ps, loom_status st, const char *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    loom_status r = perr_lc(ps, st, ps->line, (uint32_t)(at - ps->ls + 1), fmt, ap);
    va_end(ap);
    return r;
}

static loom_status __attribute__((format(printf, 5, 6)))
perr_at(parser *ps, loom_status st, uint32_t line, uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    loom_status r = perr_lc(ps, st, line, col, fmt, ap);
    va_end(ap);
    return r;
}

static int is_eol_char(char c) { return c == '\n' || c == '#'; }
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Describes the token at `at` for "got ..." ('text' or "end of line"). */
static const char *tok(parser *ps, const char *at, char *buf, size_t len)
{
    if (at >= ps->end)
        return "end of file";
    if (is_eol_char(*at))
        return "end of line";
    if (is_space(*at))
        return "a space";
    size_t n = 0;
    buf[n++] = '\'';
    const char *q = at;
    while (q < ps->end && !is_space(*q) && !is_eol_char(*q) && n + 5 < len && q - at < 40) {
        unsigned char c = (unsigned char)*q++;
        buf[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (q < ps->end && !is_space(*q) && !is_eol_char(*q)) {
        buf[n++] = '.', buf[n++] = '.', buf[n++] = '.';
    }
    buf[n++] = '\'';
    buf[n] = '\0';
    return buf;
}

#define TOKBUF 64

/* "expected WHAT after 'PREV', got TOKEN" at the cursor. */
static loom_status expected(parser *ps, const char *what)
{
    char b[TOKBUF];
    return perr(ps, LOOM_E_PARSE, ps->p, "expected %s after '%.*s', got %s", what, (int)ps->prev.n,
                ps->prev.s, tok(ps, ps->p, b, sizeof b));
}

/* ---- lexing -------------------------------------------------------------------- */

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && is_space(*ps->p))
        ps->p++;
}

static int at_eol(const parser *ps) { return ps->p >= ps->end || is_eol_char(*ps->p); }

static void next_line(parser *ps)
{
    const char *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
    ps->p = nl ? nl + 1 : ps->end;
    ps->ls = ps->p;
    ps->line++;
}

static int name_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int name_char(char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '.'; }

static int span_is(span s, const char *w)
{
    size_t n = strlen(w);
    return s.n == n && memcmp(s.s, w, n) == 0;
}

/* Reads a name at the cursor.  0, or -1 (nothing consumed) when none. */
static int read_name(parser *ps, span *out)
{
    const char *q = ps->p;
    if (q >= ps->end || !name_start(*q))
        return -1;
    while (q < ps->end && name_char(*q))
        q++;
    out->s = ps->p;
    out->n = (size_t)(q - ps->p);
    ps->p = q;
    ps->prev = *out;
    return 0;
}

/* Reads an optionally signed decimal integer that must end at a space, the
 * end of the line or one of the characters in `stop`.  Magnitudes beyond
 * 2^62 clamp there (every range check then rejects them, quoting the text).
 * 0, or -1 with nothing consumed. */
static int read_int(parser *ps, const char *stop, int64_t *v, span *text)
{
    const char *q = ps->p;
    int neg = 0;
    if (q < ps->end && (*q == '-' || *q == '+'))
        neg = *q++ == '-';
    if (q >= ps->end || *q < '0' || *q > '9')
        return -1;
    uint64_t u = 0;
    const uint64_t big = (uint64_t)1 << 62;
    for (; q < ps->end && *q >= '0' && *q <= '9'; q++)
        u = u >= big / 10 ? big : u * 10 + (uint64_t)(*q - '0');
    if (q < ps->end && !is_space(*q) && !is_eol_char(*q) && !(*q && strchr(stop, *q)))
        return -1;
    *v = neg ? -(int64_t)u : (int64_t)u;
    span t = {ps->p, (size_t)(q - ps->p)};
    ps->p = q;
    ps->prev = t;
    if (text)
        *text = t;
    return 0;
}

/* Reads "key=" (a name and '='); the value follows at the cursor. */
static loom_status read_key(parser *ps, const char *what, span *key)
{
    skip_ws(ps);
    if (read_name(ps, key))
        return expected(ps, what);
    if (ps->p >= ps->end || *ps->p != '=') {
        char b[TOKBUF];
        return perr(ps, LOOM_E_PARSE, ps->p, "expected '=' after '%.*s', got %s", (int)key->n,
                    key->s, tok(ps, ps->p, b, sizeof b));
    }
    ps->p++;
    ps->prev = (span){key->s, key->n + 1};
    return LOOM_OK;
}

/* ---- names ------------------------------------------------------------------- */

static uint32_t hash_name(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t k = 0; k < n; k++)
        h = (h ^ (unsigned char)s[k]) * 16777619u;
    return h;
}

static const char *ent_name(const parser *ps, const hent *h)
{
    switch (h->tag) {
    case T_INPUT: return ps->net->input_groups[h->idx].name;
    case T_NEURON: return ps->net->neuron_groups[h->idx].name;
    default: return ps->net->profiles[h->idx].name;
    }
}

/* The entry for name in name space `prof` (1: profiles, 0: groups), or NULL. */
static hent *ht_find(parser *ps, int prof, span nm)
{
    if (!ps->ht_cap)
        return NULL;
    uint32_t h = hash_name(nm.s, nm.n);
    for (size_t k = h & (ps->ht_cap - 1);; k = (k + 1) & (ps->ht_cap - 1)) {
        hent *x = &ps->ht[k];
        if (!x->used)
            return NULL;
        if (x->hash == h && (x->tag == T_PROFILE) == prof) {
            const char *s = ent_name(ps, x);
            if (strncmp(s, nm.s, nm.n) == 0 && s[nm.n] == '\0')
                return x;
        }
    }
}

static int ht_add(parser *ps, int tag, uint32_t idx, span nm)
{
    if (2 * (ps->ht_n + 1) > ps->ht_cap) {
        size_t nc = ps->ht_cap ? 2 * ps->ht_cap : 64;
        hent *t = calloc(nc, sizeof *t);
        if (!t)
            return -1;
        for (size_t k = 0; k < ps->ht_cap; k++)
            if (ps->ht[k].used) {
                size_t j = ps->ht[k].hash & (nc - 1);
                while (t[j].used)
                    j = (j + 1) & (nc - 1);
                t[j] = ps->ht[k];
            }
        free(ps->ht);
        ps->ht = t;
        ps->ht_cap = nc;
    }
    uint32_t h = hash_name(nm.s, nm.n);
    size_t j = h & (ps->ht_cap - 1);
    while (ps->ht[j].used)
        j = (j + 1) & (ps->ht_cap - 1);
    ps->ht[j] = (hent){h, idx, ps->line, (uint8_t)tag, 1};
    ps->ht_n++;
    return 0;
}

static const char *what_of(int is_input, uint32_t count)
{
    if (is_input)
        return count == 1 ? "input channel" : "input channels";
    return count == 1 ? "neuron" : "neurons";
}

/* Reads a reference: name, name[k] or name[i..j], and resolves it. */
static loom_status read_ref(parser *ps, const char *what, ref *r)
{
    skip_ws(ps);
    const char *at = ps->p;
    span nm;
    if (read_name(ps, &nm))
        return expected(ps, what);
    hent *h = ht_find(ps, 0, nm);
    if (!h)
        return perr(ps, LOOM_E_INVALID, at,
                    "unknown name '%.*s' (no input or neuron group of that name is declared before "
                    "this line)",
                    (int)nm.n, nm.s);
    r->is_input = h->tag == T_INPUT;
    r->group = h->idx;
    const seir_group *g =
        r->is_input ? &ps->net->input_groups[h->idx] : &ps->net->neuron_groups[h->idx];
    r->first = g->first;
    r->count = g->count;
    if (ps->p < ps->end && *ps->p == '[') {
        if (!g->is_array)
            return perr(ps, LOOM_E_INVALID, ps->p,
                        "'%s' is a single %s, not an array: refer to it without an index", g->name,
                        what_of(r->is_input, 1));
        ps->p++;
        int64_t i, j;
        span ti, tj;
        ps->prev = (span){at, (size_t)(ps->p - at)};
        if (read_int(ps, "].", &i, &ti))
            return expected(ps, "an index");
        j = i;
        tj = ti;
        if (ps->end - ps->p >= 2 && ps->p[0] == '.' && ps->p[1] == '.') {
            ps->p += 2;
            ps->prev = (span){at, (size_t)(ps->p - at)};
            if (read_int(ps, "]", &j, &tj))
                return expected(ps, "the last index of the slice");
        }
        if (ps->p >= ps->end || *ps->p != ']') {
            ps->prev = (span){at, (size_t)(ps->p - at)};
            return expected(ps, "']'");
        }
        ps->p++;
        const int64_t idx[2] = {i, j};
        const span tt[2] = {ti, tj};
        for (int k = 0; k < 2; k++)
            if (idx[k] < 0 || idx[k] >= (int64_t)g->count)
                return perr(ps, LOOM_E_INVALID, tt[k].s,
                            "index %.*s out of range: '%s' has %u %s (%s[0]..%s[%u])", (int)tt[k].n,
                            tt[k].s, g->name, g->count, what_of(r->is_input, g->count), g->name,
                            g->name, g->count - 1);
        if (j < i)
            return perr(ps, LOOM_E_INVALID, ti.s,
                        "empty slice %s[%lld..%lld]: the first index must not exceed the last",
                        g->name, (long long)i, (long long)j);
        r->first = g->first + (uint32_t)i;
        r->count = (uint32_t)(j - i + 1);
    }
    r->text = (span){at, (size_t)(ps->p - at)};
    ps->prev = r->text;
    if (ps->p < ps->end && !is_space(*ps->p) && !is_eol_char(*ps->p)) {
        char b[TOKBUF];
        return perr(ps, LOOM_E_PARSE, ps->p, "unexpected %s right after '%.*s'",
                    tok(ps, ps->p, b, sizeof b), (int)r->text.n, r->text.s);
    }
    return LOOM_OK;
}

/* LOOM_OK when v fits `bits` signed bits; else "WHAT<text> out of range for
 * L=bits bits (lo..hi)" at the value's text t. */
static loom_status check_bits(parser *ps, int64_t v, span t, const char *what, char letter, int bits)
{
    if (v >= loom_min_s(bits) && v <= loom_max_s(bits))
        return LOOM_OK;
    return perr(ps, LOOM_E_INVALID, t.s, "%s%.*s out of range for %c=%d bits (%lld..%lld)", what,
                (int)t.n, t.s, letter, bits, (long long)loom_min_s(bits), (long long)loom_max_s(bits));
}

/* Reads a reference that must name neurons; "THING to neurons, but 'x' is
 * an input" otherwise (thing: "biases belong", ...). */
static loom_status read_neuron_ref(parser *ps, const char *thing, ref *r)
{
    loom_status st = read_ref(ps, "a neuron, group or slice", r);
    if (!st && r->is_input)
        st = perr(ps, LOOM_E_INVALID, r->text.s, "%s to neurons, but '%.*s' is an input", thing,
                  (int)r->text.n, r->text.s);
    return st;
}


/* ---- building, with the locate hooks ----------------------------------------- */

static void locate(parser *ps, const char *at)
{
    ps->found = 1;
    ps->found_line = ps->line;
    ps->found_col = (uint32_t)(at - ps->ls + 1);
}

static loom_status add_syn(parser *ps, uint32_t src, uint32_t dst, int32_t w, uint32_t d,
                           const char *at)
{
    seir_net *net = ps->net;
    if (ps->loc == LOC_SYN && net->n_syn == ps->loc_syn)
        locate(ps, at);
    else if (ps->loc == LOC_ACC && dst == ps->loc_neuron && !ps->found) {
        uint64_t x = SEIR_IS_INPUT(src) ? (uint64_t)seir_input_xmax(net, SEIR_SRC_INDEX(src)) : 1;
        ps->loc_sum += (uint64_t)(w < 0 ? -(int64_t)w : w) * x;
        if (ps->loc_sum + ps->loc_ring > ps->loc_limit)
            locate(ps, at);
    }
    if (seir_add_syn(net, src, dst, w, d))
        return loom_fail(ps->e, LOOM_E_NOMEM, "%s: out of memory at line %u", ps->name, ps->line);
    return LOOM_OK;
}

static loom_status nomem(parser *ps)
{
    return loom_fail(ps->e, LOOM_E_NOMEM, "%s: out of memory at line %u", ps->name, ps->line);
}

/* ---- statements -------------------------------------------------------------- */

static loom_status st_arch(parser *ps)
{
    if (ps->stmts > 0)
        return perr(ps, LOOM_E_INVALID, ps->stmt,
                    "'arch' must come right after the header, before every other statement "
                    "(and only once)");
    static const char *keys[4] = {"W", "S", "A", "D"};
    static const int lo[4] = {2, 4, 4, 0}, hi[4] = {16, 32, 32, 255};
    static const char *what[4] = {"weight bits", "state bits", "accumulator bits", "max delay"};
    int *dst[4] = {&ps->net->arch.w, &ps->net->arch.s, &ps->net->arch.a, &ps->net->arch.d};
    unsigned seen = 0;
    loom_status st;
    for (;;) {
        skip_ws(ps);
        if (at_eol(ps))
            return LOOM_OK;
        span key;
        if ((st = read_key(ps, "an arch parameter W=, S=, A= or D=", &key)))
            return st;
        int k = 0;
        while (k < 4 && !span_is(key, keys[k]))
            k++;
        if (k == 4)
            return perr(ps, LOOM_E_INVALID, key.s,
                        "unknown arch parameter '%.*s' (expected W, S, A or D)", (int)key.n, key.s);
        if (seen & (1u << k))
            return perr(ps, LOOM_E_INVALID, key.s, "arch parameter %s given twice", keys[k]);
        seen |= 1u << k;
        int64_t v;
        span t;
        if (read_int(ps, "", &v, &t))
            return expected(ps, "an integer");
        if (v < lo[k] || v > hi[k])
            return perr(ps, LOOM_E_INVALID, t.s, "arch %s=%.*s out of range: %s must be %d..%d",
                        keys[k], (int)t.n, t.s, what[k], lo[k], hi[k]);
        *dst[k] = (int)v;
    }
}

static loom_status st_profile(parser *ps)
{
    skip_ws(ps);
    const char *at = ps->p;
    span nm;
    if (read_name(ps, &nm))
        return expected(ps, "a profile name");
    if (nm.n > SEIR_NAME_MAX)
        return perr(ps, LOOM_E_INVALID, at, "name longer than %d characters", SEIR_NAME_MAX);
    hent *h = ht_find(ps, 1, nm);
    if (h)
        return perr(ps, LOOM_E_INVALID, at, "duplicate profile '%.*s' (already defined at line %u)",
                    (int)nm.n, nm.s, h->line);
    seir_profile p;
    seir_profile_default(&p);
    const int s = ps->net->arch.s;
    const int64_t slo = loom_min_s(s), shi = loom_max_s(s);
    static const char *keys[7] = {"a_syn", "a_mem", "theta", "v_reset", "reset", "shift", "bias"};
    int32_t *val[7] = {&p.a_syn, &p.a_mem, &p.theta, &p.v_reset, NULL, &p.shift, &p.bias};
    const int64_t lo[7] = {0, 0, slo, slo, 0, -16, slo}, hi[7] = {4096, 4096, shi, shi, 0, 15, shi};
    unsigned seen = 0;
    loom_status st;
    for (;;) {
        skip_ws(ps);
        if (at_eol(ps))
            break;
        span key;
        if ((st = read_key(ps, "a parameter name=value", &key)))
            return st;
        int k = 0;
        while (k < 7 && !span_is(key, keys[k]))
            k++;
        if (k == 7)
            return perr(ps, LOOM_E_INVALID, key.s,
                        "unknown profile parameter '%.*s' (expected a_syn, a_mem, theta, v_reset, "
                        "reset, shift or bias)",
                        (int)key.n, key.s);
        if (seen & (1u << k))
            return perr(ps, LOOM_E_INVALID, key.s, "profile parameter '%s' given twice", keys[k]);
        seen |= 1u << k;
        if (k == 4) {
            span w;
            const char *wa = ps->p;
            if (read_name(ps, &w))
                return expected(ps, "a reset mode (zero, subtract or none)");
            if (span_is(w, "zero"))
                p.reset = SEIR_RESET_ZERO;
            else if (span_is(w, "subtract"))
                p.reset = SEIR_RESET_SUBTRACT;
            else if (span_is(w, "none"))
                p.reset = SEIR_RESET_NONE;
            else
                return perr(ps, LOOM_E_INVALID, wa,
                            "unknown reset mode '%.*s' (expected zero, subtract or none)", (int)w.n,
                            w.s);
            continue;
        }
        int64_t v;
        span t;
        if (read_int(ps, "", &v, &t))
            return expected(ps, "an integer");
        if (v < lo[k] || v > hi[k]) {
            if (k == 2 || k == 3 || k == 6)
                return perr(ps, LOOM_E_INVALID, t.s,
                            "%s=%.*s out of range for S=%d bits (%lld..%lld)", keys[k], (int)t.n,
                            t.s, s, (long long)slo, (long long)shi);
            return perr(ps, LOOM_E_INVALID, t.s, "%s=%.*s out of range %lld..%lld", keys[k],
                        (int)t.n, t.s, (long long)lo[k], (long long)hi[k]);
        }
        *val[k] = (int32_t)v;
    }
    char buf[SEIR_NAME_MAX + 1];
    memcpy(buf, nm.s, nm.n);
    buf[nm.n] = '\0';
    p.name = buf;
    int32_t idx = seir_add_profile(ps->net, &p);
    if (idx < 0 || ht_add(ps, T_PROFILE, (uint32_t)idx, nm))
        return nomem(ps);
    return LOOM_OK;
}

/* `input NAME[N] KIND` and `neuron NAME[N] PROFILE`. */
static loom_status st_group(parser *ps, int is_input)
{
    skip_ws(ps);
    const char *at = ps->p;
    span nm;
    if (read_name(ps, &nm))
        return expected(ps, is_input ? "an input group name" : "a neuron group name");
    if (nm.n > SEIR_NAME_MAX)
        return perr(ps, LOOM_E_INVALID, at, "name longer than %d characters", SEIR_NAME_MAX);
    hent *h = ht_find(ps, 0, nm);
    if (h)
        return perr(ps, LOOM_E_INVALID, at, "duplicate name '%.*s' (already %s group at line %u)",
                    (int)nm.n, nm.s, h->tag == T_INPUT ? "an input" : "a neuron", h->line);
    int64_t count = 1;
    int is_array = 0;
    const char *size_at = at;
    if (ps->p < ps->end && *ps->p == '[') {
        ps->p++;
        ps->prev = (span){at, (size_t)(ps->p - at)};
        span t;
        if (read_int(ps, "]", &count, &t))
            return expected(ps, "a group size");
        if (ps->p >= ps->end || *ps->p != ']') {
            ps->prev = (span){at, (size_t)(ps->p - at)};
            return expected(ps, "']'");
        }
        ps->p++;
        uint64_t have = is_input ? ps->net->n_inputs : ps->net->n_neurons;
        if (count < 1)
            return perr(ps, LOOM_E_INVALID, t.s, "group size %.*s: a group has at least 1 member",
                        (int)t.n, t.s);
        if ((uint64_t)count > (uint64_t)(SEIR_SRC_INPUT - 1) - have)
            return perr(ps, LOOM_E_INVALID, t.s, "group size %.*s: more than %u %s in all",
                        (int)t.n, t.s, SEIR_SRC_INPUT - 1, is_input ? "input channels" : "neurons");
        is_array = 1;
        size_at = t.s;
        ps->prev = (span){at, (size_t)(ps->p - at)};
    }
    {
        const loom_limit_id lid = is_input ? LOOM_LIM_INPUTS : LOOM_LIM_NEURONS;
        const uint64_t lim = loom_limit(lid);
        const uint64_t have = is_input ? ps->net->n_inputs : ps->net->n_neurons;
        if ((uint64_t)count > lim || have > lim - (uint64_t)count)
            return perr(ps, LOOM_E_CAPACITY, is_array ? size_at : at,
                        "group of %lld %s: more than the limit of %llu in all (%llu declared before; "
                        "set %s to raise it)",
                        (long long)count, is_input ? "input channels" : "neurons",
                        (unsigned long long)lim, (unsigned long long)have, loom_limit_env(lid));
    }
    if (ps->p < ps->end && !is_space(*ps->p) && !is_eol_char(*ps->p)) {
        char b[TOKBUF];
        return perr(ps, LOOM_E_PARSE, ps->p, "unexpected %s right after '%.*s'",
                    tok(ps, ps->p, b, sizeof b), (int)ps->prev.n, ps->prev.s);
    }
    char buf[SEIR_NAME_MAX + 1];
    memcpy(buf, nm.s, nm.n);
    buf[nm.n] = '\0';
    int64_t first;
    uint32_t gidx;
    skip_ws(ps);
    if (is_input) {
        seir_input_kind kind = SEIR_IN_SPIKE;
        if (!at_eol(ps)) {
            span w;
            const char *wa = ps->p;
            if (read_name(ps, &w))
                return expected(ps, "'spike' or 'graded'");
            if (span_is(w, "graded"))
                kind = SEIR_IN_GRADED;
            else if (!span_is(w, "spike"))
                return perr(ps, LOOM_E_INVALID, wa,
                            "unknown input kind '%.*s' (expected spike or graded)", (int)w.n, w.s);
        }
        int64_t in_max = 0;
        skip_ws(ps);
        if (kind == SEIR_IN_GRADED && !at_eol(ps)) {
            span w;
            const char *wa = ps->p;
            if (read_name(ps, &w) || !span_is(w, "max") || ps->p >= ps->end || *ps->p != '=')
                return perr(ps, LOOM_E_PARSE, wa, "expected 'max=N' or the end of the line after 'graded'");
            ps->p++;
            span t;
            const char *va = ps->p;
            if (ps->p >= ps->end || is_space(*ps->p) || read_int(ps, "", &in_max, &t))
                return perr(ps, LOOM_E_PARSE, va, "expected an integer after 'max='");
            if (in_max < 1 || in_max > 32767)
                return perr(ps, LOOM_E_INVALID, t.s, "input max %.*s out of range (1..32767)", (int)t.n, t.s);
        }
        gidx = ps->net->n_input_groups;
        first = seir_add_inputs(ps->net, buf, (uint32_t)count, is_array, kind);
        if (first >= 0 && in_max && seir_set_input_max(ps->net, (uint32_t)first, (uint32_t)count, (int32_t)in_max))
            first = -1;
    } else {
        span pn;
        const char *pa = ps->p;
        if (read_name(ps, &pn))
            return expected(ps, "a profile name");
        hent *ph = ht_find(ps, 1, pn);
        if (!ph)
            return perr(ps, LOOM_E_INVALID, pa,
                        "unknown profile '%.*s' (profiles must be declared before their neurons)",
                        (int)pn.n, pn.s);
        gidx = ps->net->n_neuron_groups;
        first = seir_add_neurons(ps->net, buf, (uint32_t)count, is_array, ph->idx);
    }
    if (first < 0 || ht_add(ps, is_input ? T_INPUT : T_NEURON, gidx, nm))
        return nomem(ps);
    return LOOM_OK;
}

static loom_status want_weight(parser *ps, const char *what, int64_t *w, const char **at)
{
    span t;
    skip_ws(ps);
    if (read_int(ps, "", w, &t))
        return expected(ps, what);
    loom_status st = check_bits(ps, *w, t, "weight ", 'W', ps->net->arch.w);
    if (st)
        return st;
    *at = t.s;
    return LOOM_OK;
}

static loom_status check_delay(parser *ps, int64_t d, span t)
{
    if (d < 0 || d > ps->net->arch.d)
        return perr(ps, LOOM_E_INVALID, t.s, "delay %.*s out of range 0..%d (D=%d)", (int)t.n, t.s,
                    ps->net->arch.d, ps->net->arch.d);
    return LOOM_OK;
}

static loom_status st_syn(parser *ps)
{
    ref a, b;
    loom_status st;
    if ((st = read_ref(ps, "a source (input or neuron)", &a)))
        return st;
    if (a.count != 1)
        return perr(ps, LOOM_E_INVALID, a.text.s,
                    "a synapse connects single elements, but '%.*s' is %u %s (use 'dense' for "
                    "blocks)",
                    (int)a.text.n, a.text.s, a.count, what_of(a.is_input, a.count));
    if ((st = read_ref(ps, "a destination neuron", &b)))
        return st;
    if (b.is_input)
        return perr(ps, LOOM_E_INVALID, b.text.s,
                    "synapse into input channel '%.*s': only neurons receive synapses",
                    (int)b.text.n, b.text.s);
    if (b.count != 1)
        return perr(ps, LOOM_E_INVALID, b.text.s,
                    "a synapse connects single elements, but '%.*s' is %u neurons (use 'dense' "
                    "for blocks)",
                    (int)b.text.n, b.text.s, b.count);
    int64_t w, d = 0;
    const char *wat;
    if ((st = want_weight(ps, "an integer weight", &w, &wat)))
        return st;
    skip_ws(ps);
    if (!at_eol(ps)) {
        span t;
        if (read_int(ps, "", &d, &t))
            return expected(ps, "an integer delay");
        if ((st = check_delay(ps, d, t)))
            return st;
    }
    return add_syn(ps, a.is_input ? SEIR_SRC_INPUT | a.first : a.first, b.first, (int32_t)w,
                   (uint32_t)d, ps->stmt);
}

static loom_status st_dense(parser *ps)
{
    ref a, b;
    loom_status st;
    if ((st = read_ref(ps, "a source group or slice", &a)) ||
        (st = read_ref(ps, "a destination neuron group or slice", &b)))
        return st;
    if (b.is_input)
        return perr(ps, LOOM_E_INVALID, b.text.s,
                    "dense block into input channels '%.*s': only neurons receive synapses",
                    (int)b.text.n, b.text.s);
    int64_t d = 0;
    skip_ws(ps);
    if (!at_eol(ps)) {
        span key, t;
        if ((st = read_key(ps, "d=DELAY or end of line", &key)))
            return st;
        if (!span_is(key, "d"))
            return perr(ps, LOOM_E_INVALID, key.s,
                        "unknown dense parameter '%.*s' (expected d=DELAY)", (int)key.n, key.s);
        if (read_int(ps, "", &d, &t))
            return expected(ps, "an integer delay");
        if ((st = check_delay(ps, d, t)))
            return st;
    }
    skip_ws(ps);
    if (!at_eol(ps))
        return expected(ps, "end of line (the weight rows start on the next line)");
    const uint32_t sline = ps->line, scol = (uint32_t)(ps->stmt - ps->ls + 1);
    /* the block record: filled in by hand because rows arrive one by one */
    if (seir_add_dense(ps->net, a.is_input, a.first, 0, b.first, b.count, (uint32_t)d, NULL))
        return nomem(ps);
    const uint32_t bi = ps->net->n_dense - 1;
    ps->net->dense[bi].src_count = a.count;
    const uint32_t tag = a.is_input ? SEIR_SRC_INPUT : 0;
    char tb[TOKBUF];
    uint32_t rows = 0;
    for (;;) {
        next_line(ps);
        if (ps->p >= ps->end)
            return perr_at(ps, LOOM_E_PARSE, sline, scol,
                           "dense block has no 'end' (the file ends after %u of its %u rows)", rows,
                           b.count);
        skip_ws(ps);
        if (at_eol(ps))
            continue;
        const char *la = ps->p;
        span w;
        if (read_name(ps, &w) == 0) {
            if (!span_is(w, "end"))
                return perr(ps, LOOM_E_PARSE, la, "expected an integer weight or 'end', got %s",
                            tok(ps, la, tb, sizeof tb));
            if (rows != b.count)
                return perr(ps, LOOM_E_INVALID, la,
                            "dense block has %u rows, expected %u (one per neuron of '%.*s')", rows,
                            b.count, (int)b.text.n, b.text.s);
            break;
        }
        if (rows == b.count)
            return perr(ps, LOOM_E_PARSE, la,
                        "expected 'end' after the %u rows of the dense block (one per neuron of "
                        "'%.*s'), got %s",
                        b.count, (int)b.text.n, b.text.s, tok(ps, la, tb, sizeof tb));
        for (uint32_t c = 0; c < a.count; c++) {
            skip_ws(ps);
            if (at_eol(ps))
                return perr(ps, LOOM_E_INVALID, ps->p,
                            "row %u of the dense block has %u weights, expected %u (one per source "
                            "in '%.*s')",
                            rows + 1, c, a.count, (int)a.text.n, a.text.s);
            int64_t v;
            span t;
            if (read_int(ps, "", &v, &t))
                return perr(ps, LOOM_E_PARSE, ps->p, "expected an integer weight, got %s",
                            tok(ps, ps->p, tb, sizeof tb));
            if ((st = check_bits(ps, v, t, "weight ", 'W', ps->net->arch.w)))
                return st;
            if (v && (st = add_syn(ps, tag | (a.first + c), b.first + rows, (int32_t)v,
                                   (uint32_t)d, t.s)))
                return st;
            if (ps->found)
                return LOOM_OK;
        }
        skip_ws(ps);
        if (!at_eol(ps))
            return perr(ps, LOOM_E_INVALID, ps->p,
                        "row %u of the dense block has more than %u weights (one per source in "
                        "'%.*s')",
                        rows + 1, a.count, (int)a.text.n, a.text.s);
        rows++;
    }
    seir_dense *blk = &ps->net->dense[bi];
    blk->syn_count = ps->net->n_syn - blk->syn_first;
    return LOOM_OK;
}

static loom_status st_output(parser *ps)
{
    ref r;
    loom_status st;
    if ((st = read_ref(ps, "a neuron, group or slice", &r)))
        return st;
    if (r.is_input)
        return perr(ps, LOOM_E_INVALID, r.text.s, "outputs are neurons, but '%.*s' is an input",
                    (int)r.text.n, r.text.s);
    seir_out_kind kind = SEIR_OUT_SPIKE;
    skip_ws(ps);
    if (!at_eol(ps)) {
        span w;
        const char *wa = ps->p;
        if (read_name(ps, &w))
            return expected(ps, "'spike' or 'v'");
        if (span_is(w, "v"))
            kind = SEIR_OUT_V;
        else if (!span_is(w, "spike"))
            return perr(ps, LOOM_E_INVALID, wa, "unknown output kind '%.*s' (expected spike or v)",
                        (int)w.n, w.s);
    }
    for (uint32_t k = 0; k < r.count; k++)
        if (seir_add_output(ps->net, r.first + k, kind))
            return nomem(ps);
    return LOOM_OK;
}

/* Grows init_set to the neuron count. */
static loom_status grow_init_set(parser *ps)
{
    seir_net *net = ps->net;
    if (ps->init_cap < net->n_neurons) {
        uint8_t *q = realloc(ps->init_set, net->n_neurons);
        if (!q)
            return nomem(ps);
        memset(q + ps->init_cap, 0, net->n_neurons - ps->init_cap);
        ps->init_set = q;
        ps->init_cap = net->n_neurons;
    }
    return LOOM_OK;
}

static loom_status st_init(parser *ps)
{
    ref r;
    loom_status st;
    seir_net *net = ps->net;
    if ((st = read_neuron_ref(ps, "initial state belongs", &r)))
        return st;
    skip_ws(ps);
    if (at_eol(ps))
        return expected(ps, "'i=', 'v=' or 'ring'");
    const char *kw = ps->p;
    span w;
    if (read_name(ps, &w) == 0 && span_is(w, "ring") &&
        (ps->p >= ps->end || *ps->p != '=')) {
        int any = 0;
        for (;;) {
            skip_ws(ps);
            if (at_eol(ps)) {
                if (!any)
                    return expected(ps, "SLOT=VALUE");
                return LOOM_OK;
            }
            int64_t slot, val;
            span ts, tv;
            if (read_int(ps, "=", &slot, &ts))
                return expected(ps, "SLOT=VALUE");
            if (ps->p >= ps->end || *ps->p != '=')
                return expected(ps, "'='");
            ps->p++;
            if (read_int(ps, "", &val, &tv))
                return expected(ps, "an integer value");
            if (slot < 0 || slot > net->arch.d)
                return perr(ps, LOOM_E_INVALID, ts.s, "ring slot %.*s out of range 0..%d (D=%d)",
                            (int)ts.n, ts.s, net->arch.d, net->arch.d);
            if ((st = check_bits(ps, val, tv, "ring value ", 'A', net->arch.a)))
                return st;
            any = 1;
            if (LOOM_GROW(ps->ring, ps->cap_ring, ps->n_ring + r.count, 64))
                return nomem(ps);
            for (uint32_t k = 0; k < r.count; k++)
                ps->ring[ps->n_ring++] = (pring){r.first + k, (uint32_t)slot, (int32_t)val,
                                                 ps->line, (uint32_t)(ps->stmt - ps->ls + 1)};
            if (ps->loc == LOC_ACC && ps->loc_neuron >= r.first &&
                ps->loc_neuron - r.first < r.count && !ps->found) {
                uint64_t m = (uint64_t)(val < 0 ? -val : val);
                if (m > ps->loc_ring)
                    ps->loc_ring = m;
                if (ps->loc_sum + ps->loc_ring > ps->loc_limit)
                    locate(ps, ps->stmt);
            }
        }
    }
    /* i=... and/or v=... */
    ps->p = kw;
    int64_t val[2] = {0, 0};
    unsigned seen = 0;
    const int S = net->arch.s;
    while (!at_eol(ps)) {
        span key;
        if ((st = read_key(ps, "'i=', 'v=' or 'ring'", &key)))
            return st;
        int k = span_is(key, "i") ? 0 : span_is(key, "v") ? 1 : -1;
        if (k < 0)
            return perr(ps, LOOM_E_INVALID, key.s,
                        "unknown init field '%.*s' (expected i=, v= or ring)", (int)key.n, key.s);
        if (seen & (1u << k))
            return perr(ps, LOOM_E_INVALID, key.s, "'%c' given twice", "iv"[k]);
        seen |= 1u << k;
        span t;
        if (read_int(ps, "", &val[k], &t))
            return expected(ps, "an integer");
        if ((st = check_bits(ps, val[k], t, k ? "initial v=" : "initial i=", 'S', S)))
            return st;
        skip_ws(ps);
    }
    if ((st = grow_init_set(ps)))
        return st;
    for (uint32_t k = 0; k < r.count; k++) {
        uint32_t n = r.first + k;
        if (ps->init_set[n] & seen) {
            char nm[SEIR_NAME_MAX + 16];
            return perr(ps, LOOM_E_INVALID, ps->stmt,
                        "duplicate init: initial %s of %s already given by an earlier init",
                        (ps->init_set[n] & seen) == 3 ? "i and v" : (ps->init_set[n] & seen & 1) ? "i" : "v",
                        seir_neuron_name(net, n, nm, sizeof nm));
        }
        ps->init_set[n] |= (uint8_t)seen;
        int32_t i = (seen & 1) ? (int32_t)val[0] : (net->init_i ? net->init_i[n] : 0);
        int32_t v = (seen & 2) ? (int32_t)val[1] : (net->init_v ? net->init_v[n] : 0);
        if (seir_set_init(net, n, i, v))
            return nomem(ps);
    }
    return LOOM_OK;
}

/* bias REF B0 B1 ...: each neuron's own bias, one value per member. */
static loom_status st_bias(parser *ps)
{
    ref r;
    loom_status st;
    seir_net *net = ps->net;
    if ((st = read_neuron_ref(ps, "biases belong", &r)))
        return st;
    if ((st = grow_init_set(ps)))
        return st;
    const int S = net->arch.s;
    for (uint32_t k = 0; k < r.count; k++) {
        uint32_t n = r.first + k;
        int64_t b;
        span t;
        skip_ws(ps);
        if (at_eol(ps))
            return perr(ps, LOOM_E_PARSE, ps->p, "bias of '%.*s' has %u value%s, expected %u (one per neuron)",
                        (int)r.text.n, r.text.s, k, k == 1 ? "" : "s", r.count);
        if (read_int(ps, "", &b, &t))
            return expected(ps, "an integer bias");
        if ((st = check_bits(ps, b, t, "bias ", 'S', S)))
            return st;
        const int64_t pb = net->profiles[net->neuron_profile[n]].bias;
        if (pb + b < loom_min_s(S) || pb + b > loom_max_s(S)) {
            char nm[SEIR_NAME_MAX + 16];
            return perr(ps, LOOM_E_INVALID, t.s,
                        "bias of %s: %lld + its profile's %lld = %lld is outside S=%d bits (%lld..%lld)",
                        seir_neuron_name(net, n, nm, sizeof nm), (long long)b, (long long)pb,
                        (long long)(pb + b), S, (long long)loom_min_s(S), (long long)loom_max_s(S));
        }
        if (ps->init_set[n] & 4) {
            char nm[SEIR_NAME_MAX + 16];
            return perr(ps, LOOM_E_INVALID, t.s, "duplicate bias: the bias of %s is already given",
                        seir_neuron_name(net, n, nm, sizeof nm));
        }
        ps->init_set[n] |= 4;
        if ((b != 0 || net->neuron_bias) && seir_set_bias(net, n, (int32_t)b))
            return nomem(ps);
    }
    skip_ws(ps);
    if (!at_eol(ps))
        return perr(ps, LOOM_E_PARSE, ps->p, "bias of '%.*s' has more than %u values (one per neuron)",
                    (int)r.text.n, r.text.s, r.count);
    return LOOM_OK;
}

/* ---- the pass ------------------------------------------------------------------ */

static loom_status parse_text(parser *ps)
{
    char tb[TOKBUF];
    loom_status st;
    /* header: the first line that is not blank or a comment */
    for (;;) {
        if (ps->p >= ps->end)
            return perr(ps, LOOM_E_PARSE, ps->p, "expected the header 'seir 1', got end of file");
        skip_ws(ps);
        if (!at_eol(ps))
            break;
        next_line(ps);
    }
    span w;
    const char *at = ps->p;
    if (read_name(ps, &w) || !span_is(w, "seir"))
        return perr(ps, LOOM_E_PARSE, at, "expected the header 'seir 1' first, got %s",
                    tok(ps, at, tb, sizeof tb));
    int64_t ver;
    span vt;
    skip_ws(ps);
    if (read_int(ps, "", &ver, &vt))
        return expected(ps, "the format version (1)");
    if (ver != SEIR_FORMAT_VERSION)
        return perr(ps, LOOM_E_UNSUPPORTED, vt.s,
                    "unsupported SEIR version %.*s (this reader knows version %d)", (int)vt.n, vt.s,
                    SEIR_FORMAT_VERSION);
    skip_ws(ps);
    if (!at_eol(ps))
        return expected(ps, "end of line");
    next_line(ps);

    while (ps->p < ps->end) {
        skip_ws(ps);
        if (at_eol(ps)) {
            next_line(ps);
            continue;
        }
        ps->stmt = ps->p;
        span kw;
        if (read_name(ps, &kw))
            return perr(ps, LOOM_E_PARSE, ps->p,
                        "expected a statement (arch, profile, input, neuron, bias, syn, dense, "
                        "output or init), got %s",
                        tok(ps, ps->p, tb, sizeof tb));
        if (span_is(kw, "syn"))
            st = st_syn(ps);
        else if (span_is(kw, "dense"))
            st = st_dense(ps);
        else if (span_is(kw, "neuron"))
            st = st_group(ps, 0);
        else if (span_is(kw, "input"))
            st = st_group(ps, 1);
        else if (span_is(kw, "output"))
            st = st_output(ps);
        else if (span_is(kw, "init"))
            st = st_init(ps);
        else if (span_is(kw, "bias"))
            st = st_bias(ps);
        else if (span_is(kw, "profile"))
            st = st_profile(ps);
        else if (span_is(kw, "arch"))
            st = st_arch(ps);
        else if (span_is(kw, "seir"))
            st = perr(ps, LOOM_E_PARSE, ps->stmt, "header 'seir' given twice");
        else
            st = perr(ps, LOOM_E_PARSE, ps->stmt,
                      "unknown statement '%.*s' (expected arch, profile, input, neuron, bias, "
                      "syn, dense, output or init)",
                      (int)kw.n, kw.s);
        if (st)
            return st;
        if (ps->found)
            return LOOM_OK;
        ps->stmts++;
        skip_ws(ps);
        if (!at_eol(ps))
            return expected(ps, "end of line");
        next_line(ps);
    }
    return LOOM_OK;
}

static int cmp_pring(const void *a, const void *b)
{
    const pring *x = a, *y = b;
    return LOOM_CMP_KEYS(x, y, neuron, slot, line);
}

/* Rejects a neuron/slot given twice, then moves the entries into the net
 * (sorted by neuron and slot; written directly: the builder's one-by-one
 * merge would be quadratic). */
static loom_status finish_ring(parser *ps)
{
    seir_net *net = ps->net;
    if (!ps->n_ring)
        return LOOM_OK;
    qsort(ps->ring, ps->n_ring, sizeof *ps->ring, cmp_pring);
    for (size_t k = 1; k < ps->n_ring; k++)
        if (ps->ring[k].neuron == ps->ring[k - 1].neuron && ps->ring[k].slot == ps->ring[k - 1].slot) {
            char nm[SEIR_NAME_MAX + 16];
            return perr_at(ps, LOOM_E_INVALID, ps->ring[k].line, ps->ring[k].col,
                           "duplicate init: ring slot %u of %s already given at line %u",
                           ps->ring[k].slot, seir_neuron_name(net, ps->ring[k].neuron, nm, sizeof nm),
                           ps->ring[k - 1].line);
        }
    seir_ring_init *r = malloc(ps->n_ring * sizeof *r);
    if (!r)
        return nomem(ps);
    for (size_t k = 0; k < ps->n_ring; k++)
        r[k] = (seir_ring_init){ps->ring[k].neuron, ps->ring[k].slot, ps->ring[k].value};
    free(net->ring_init);
    net->ring_init = r;
    net->n_ring_init = net->cap_ring_init = ps->n_ring;
    return LOOM_OK;
}

static void parser_init(parser *ps, const char *text, size_t len, const char *name, loom_err *e)
{
    memset(ps, 0, sizeof *ps);
    ps->name = name ? name : "<seir>";
    ps->p = ps->ls = text;
    ps->end = text + len;
    ps->line = 1;
    ps->e = e;
    ps->prev = (span){"", 0};
}

static void parser_free(parser *ps)
{
    LOOM_FREE(ps->ht, ps->init_set, ps->ring);
    seir_net_free(ps->net);
    ps->net = NULL;
}

/* Second pass after a whole-net check failed: finds the statement that the
 * message in *why belongs to and reports "name:line:col: <why>". */
static loom_status relocate(const char *text, size_t len, const char *name, int mode, size_t syn,
                            uint32_t neuron, uint64_t limit, const loom_err *why, loom_err *e)
{
    parser ps;
    loom_err scratch;
    parser_init(&ps, text, len, name, &scratch);
    ps.loc = mode;
    ps.loc_syn = syn;
    ps.loc_neuron = neuron;
    ps.loc_limit = limit;
    ps.net = seir_net_new(NULL);
    if (!ps.net)
        return loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", ps.name);
    (void)parse_text(&ps);
    int found = ps.found;
    uint32_t line = ps.found_line, col = ps.found_col;
    parser_free(&ps);
    if (found)
        return loom_fail(e, why->status, "%s:%u:%u: %s", ps.name, line, col, why->msg);
    return loom_fail(e, why->status, "%s: %s", ps.name, why->msg);
}

loom_status seir_parse(const char *text, size_t len, const char *name, seir_net **out, loom_err *e)
{
    *out = NULL;
    parser ps;
    parser_init(&ps, text, len, name, e);
    ps.net = seir_net_new(NULL);
    if (!ps.net)
        return loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", ps.name);
    loom_status st = parse_text(&ps);
    if (st == LOOM_OK)
        st = finish_ring(&ps);
    if (st == LOOM_OK) {
        /* the two whole-net rules, located in the text when they fail */
        loom_err why;
        size_t cyc = 0;
        uint32_t worst = 0;
        const uint64_t limit = (uint64_t)loom_max_s(ps.net->arch.a);
        st = seir_levels_ex(ps.net, NULL, NULL, &cyc, &why);
        if (st == LOOM_E_INVALID) {
            parser_free(&ps);
            return relocate(text, len, ps.name, LOC_SYN, cyc, 0, 0, &why, e);
        }
        if (st == LOOM_OK) {
            st = seir_check_acc_ex(ps.net, &worst, &why);
            if (st == LOOM_E_INVALID) {
                parser_free(&ps);
                return relocate(text, len, ps.name, LOC_ACC, 0, worst, limit, &why, e);
            }
        }
        if (st != LOOM_OK)
            loom_fail(e, st, "%s: %s", ps.name, why.msg);
    }
    if (st == LOOM_OK && (st = seir_validate(ps.net, e)) != LOOM_OK)
        loom_err_prefix(e, "%s", ps.name);
    if (st == LOOM_OK) {
        *out = ps.net;
        ps.net = NULL;
    }
    parser_free(&ps);
    return st;
}

/* Reads all of a stream (stdin) into a malloc'd buffer. */
static loom_status slurp(FILE *f, const char *name, char **buf, size_t *len, loom_err *e)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    if (!b)
        return loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", name);
    for (;;) {
        if (n == cap) {
            char *q = realloc(b, cap * 2);
            if (!q) {
                free(b);
                return loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", name);
            }
            b = q;
            cap *= 2;
        }
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        free(b);
        return loom_fail(e, LOOM_E_IO, "%s: read failed", name);
    }
    *buf = b;
    *len = n;
    return LOOM_OK;
}

loom_status seir_parse_file(const char *path, seir_net **out, loom_err *e)
{
    *out = NULL;
    if (strcmp(path, "-") == 0) {
        char *buf;
        size_t len;
        loom_status st = slurp(stdin, "<stdin>", &buf, &len, e);
        if (st == LOOM_OK) {
            st = seir_parse(buf, len, "<stdin>", out, e);
            free(buf);
        }
        return st;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return loom_fail(e, LOOM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int err = errno;
        close(fd);
        return loom_fail(e, LOOM_E_IO, "%s: cannot stat: %s", path, strerror(err));
    }
    if (S_ISDIR(sb.st_mode)) {
        close(fd);
        return loom_fail(e, LOOM_E_IO, "%s: is a directory", path);
    }
    loom_status st;
    if (S_ISREG(sb.st_mode) && sb.st_size > 0) {
        size_t len = (size_t)sb.st_size;
        void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        close(fd);
        if (m == MAP_FAILED)
            return loom_fail(e, LOOM_E_IO, "%s: cannot map: %s", path, strerror(errno));
        st = seir_parse(m, len, path, out, e);
        munmap(m, len);
        return st;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return loom_fail(e, LOOM_E_IO, "%s: cannot read: %s", path, strerror(errno));
    }
    char *buf;
    size_t len;
    st = slurp(f, path, &buf, &len, e);
    fclose(f);
    if (st == LOOM_OK) {
        st = seir_parse(buf, len, path, out, e);
        free(buf);
    }
    return st;
}
