/*
 * aig_read.c -- the AIGER reader: ASCII ("aag") and binary ("aig") files of
 * format 1.9 (header M I L O A [B C J F]) into an aig_file.
 *
 * The reader never trusts the header: every count is checked against the
 * bytes left in the buffer before anything is allocated for it, every
 * number against 32 bits, every literal against 2M+1, and M against
 * the limit LOOM_LIM_AIG_VARS (loom_limits.h, at most AIG_MAX_VAR).  Nothing is indexed by variable number: ASCII definitions
 * are looked up in a sorted table, so memory follows the number of objects
 * the header declares (bounded by the file's size, except for the inputs
 * of a binary file, which take no bytes), never the value of M.  Positions in
 * diagnostics are "name:line:col" in ASCII files and "name: byte offset N"
 * in binary ones (for the text lines of a binary file too), counted from 0.
 *
 * After reading, ASCII gates are sorted topologically (iteratively, so deep
 * circuits cannot overflow the stack); a cycle is an error naming the line
 * of a gate on it.  Binary gates are ordered by construction.
 */
#include "aig.h"
#include "loom_limits.h"
#include "loom_mem.h"
#include "loom_cmp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The largest M we accept: far beyond any circuit Loom can map, small
 * enough that per-variable tables stay affordable. */
#define AIG_MAX_VAR (1u << 26)

typedef struct rd {
    const uint8_t *p;
    size_t len, pos;
    size_t line, line_start; /* 1-based line of pos, byte where it starts */
    const char *name;
    int binary;
    loom_err *e;
} rd;

/* Where an item starts: enough to re-create a diagnostic position. */
typedef struct where {
    size_t pos, line, col;
} where;

static where here(const rd *r)
{
    return (where){r->pos, r->line, r->pos - r->line_start + 1};
}

static loom_status failv(const rd *r, where w, loom_status st, const char *fmt, va_list ap)
{
    char msg[LOOM_ERR_MSG - 128];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (r->binary)
        return loom_fail(r->e, st, "%s: byte offset %zu: %s", r->name, w.pos, msg);
    return loom_fail(r->e, st, "%s:%zu:%zu: %s", r->name, w.line, w.col, msg);
}

static loom_status fail_at(const rd *r, where w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static loom_status fail_at(const rd *r, where w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    loom_status st = failv(r, w, LOOM_E_PARSE, fmt, ap);
    va_end(ap);
    return st;
}

static loom_status fail_cap(const rd *r, where w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static loom_status fail_cap(const rd *r, where w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    loom_status st = failv(r, w, LOOM_E_CAPACITY, fmt, ap);
    va_end(ap);
    return st;
}

static loom_status fail_here(const rd *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static loom_status fail_here(const rd *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    loom_status st = failv(r, here(r), LOOM_E_PARSE, fmt, ap);
    va_end(ap);
    return st;
}

/* A printable description of the byte at pos ("end of file", "'x'",
 * "byte 0x07"). */
static const char *seen(const rd *r, char *buf, size_t n)
{
    if (r->pos >= r->len)
        return "end of file";
    int c = r->p[r->pos];
    if (c == '\n')
        return "end of line";
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, n, "'%c'", c);
    else
        snprintf(buf, n, "byte 0x%02x", (unsigned)c);
    return buf;
}

static void advance(rd *r)
{
    if (r->p[r->pos] == '\n') {
        r->line++;
        r->line_start = r->pos + 1;
    }
    r->pos++;
}

/* An unsigned decimal number of at most 32 bits. */
static loom_status read_u32(rd *r, const char *what, uint32_t *out)
{
    char b[16];
    if (r->pos >= r->len || r->p[r->pos] < '0' || r->p[r->pos] > '9')
        return fail_here(r, "expected %s (an unsigned decimal number), got %s", what,
                         seen(r, b, sizeof b));
    where w = here(r);
    uint64_t v = 0;
    while (r->pos < r->len && r->p[r->pos] >= '0' && r->p[r->pos] <= '9') {
        v = v * 10 + (uint64_t)(r->p[r->pos] - '0');
        if (v > UINT32_MAX)
            return fail_at(r, w, "%s does not fit 32 bits", what);
        advance(r);
    }
    *out = (uint32_t)v;
    return LOOM_OK;
}

static loom_status expect_space(rd *r, const char *before)
{
    char b[16];
    if (r->pos >= r->len || r->p[r->pos] != ' ')
        return fail_here(r, "expected a single space before %s, got %s", before,
                         seen(r, b, sizeof b));
    advance(r);
    return LOOM_OK;
}

/* End of a line: '\n', or the end of the file. */
static loom_status expect_eol(rd *r, const char *after)
{
    char b[16];
    if (r->pos >= r->len)
        return LOOM_OK;
    if (r->p[r->pos] != '\n')
        return fail_here(r, "expected end of line after %s, got %s", after, seen(r, b, sizeof b));
    advance(r);
    return LOOM_OK;
}

/* One line holding one literal <= 2M+1. */
static loom_status read_lit_line(rd *r, uint32_t maxvar, const char *what, uint32_t *lit,
                                 where *w)
{
    *w = here(r);
    loom_status st = read_u32(r, what, lit);
    if (st)
        return st;
    if (*lit / 2 > maxvar)
        return fail_at(r, *w, "%s %u exceeds 2M+1 = %llu (M = %u)", what, *lit,
                       2ull * maxvar + 1, maxvar);
    return expect_eol(r, what);
}

void aig_file_free(aig_file *f)
{
    if (!f)
        return;
    for (uint32_t k = 0; f->input_names && k < f->n_inputs; k++)
        free(f->input_names[k]);
    for (uint32_t k = 0; f->latch_names && k < f->n_latches; k++)
        free(f->latch_names[k]);
    for (uint32_t k = 0; f->output_names && k < f->n_outputs; k++)
        free(f->output_names[k]);
    LOOM_FREE(f->input_names, f->latch_names, f->output_names, f->inputs, f->latches, f->outputs, f->bad,
              f->constraints, f->justice_first, f->justice_lits, f->fairness, f->ands, f->comment, f);
}

/* Position of every item, for the checks after reading (ASCII). */
typedef struct places {
    where *input, *latch, *output, *bad, *cons, *just, *fair, *and_;
} places;

static void places_free(places *pl)
{
    LOOM_FREE(pl->input, pl->latch, pl->output, pl->bad, pl->cons, pl->just, pl->fair, pl->and_);
}

static void *xcalloc(size_t n, size_t size) { return calloc(n ? n : 1, size); }

/* Reads the 7-bit little-endian varint of the binary format. */
static loom_status read_delta(rd *r, uint32_t gate, uint32_t n_gates, uint32_t lhs, int which,
                              uint32_t *out)
{
    where w = here(r);
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (r->pos >= r->len)
            return fail_at(r, w,
                           "truncated binary AND gate %u (literal %u): delta %d runs into the end of "
                           "the file (the header declares %u gates)",
                           gate, lhs, which, n_gates);
        uint8_t c = r->p[r->pos++];
        if (shift >= 35 || (shift == 28 && (c & 0x70)))
            return fail_at(r, w, "invalid delta %d of binary AND gate %u (literal %u): more than 32 bits",
                           which, gate, lhs);
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            break;
    }
    *out = (uint32_t)v;
    return LOOM_OK;
}

/* The symbol table and the comment, up to the end of the file. */
static loom_status read_symbols(rd *r, aig_file *f)
{
    char b[16];
    while (r->pos < r->len) {
        where w = here(r);
        int kind = r->p[r->pos];
        if (kind == 'c' && (r->pos + 1 >= r->len || r->p[r->pos + 1] == '\n')) {
            advance(r);
            if (r->pos < r->len)
                advance(r);
            size_t n = r->len - r->pos;
            f->comment = malloc(n + 1);
            if (!f->comment)
                return loom_fail(r->e, LOOM_E_NOMEM, "%s: out of memory", r->name);
            memcpy(f->comment, r->p + r->pos, n);
            f->comment[n] = 0;
            r->pos = r->len;
            return LOOM_OK;
        }
        uint32_t count;
        char ***names = NULL;
        const char *kname;
        switch (kind) {
        case 'i': count = f->n_inputs; names = &f->input_names; kname = "input"; break;
        case 'l': count = f->n_latches; names = &f->latch_names; kname = "latch"; break;
        case 'o': count = f->n_outputs; names = &f->output_names; kname = "output"; break;
        case 'b': count = f->n_bad; kname = "bad-state property"; break;
        case 'c': count = f->n_constraints; kname = "invariant constraint"; break;
        case 'j': count = f->n_justice; kname = "justice property"; break;
        case 'f': count = f->n_fairness; kname = "fairness constraint"; break;
        default:
            return fail_here(r, "expected a symbol line (i, l, o, b, c, j or f followed by a "
                                "position, a space and a name) or a lone 'c' starting the comment, got %s",
                             seen(r, b, sizeof b));
        }
        advance(r);
        uint32_t pos;
        loom_status st = read_u32(r, "a symbol position", &pos);
        if (st)
            return st;
        if (pos >= count)
            return fail_at(r, w, "symbol for %s %u, but the header declares %u of them", kname, pos,
                           count);
        st = expect_space(r, "the symbol name");
        if (st)
            return st;
        size_t start = r->pos;
        while (r->pos < r->len && r->p[r->pos] != '\n')
            r->pos++;
        size_t n = r->pos - start;
        if (n == 0)
            return fail_at(r, w, "empty symbol name for %s %u", kname, pos);
        if (r->pos < r->len)
            advance(r);
        f->n_symbols++;
        if (!names)
            continue; /* b/c/j/f names: counted, not kept */
        if (!*names && !(*names = xcalloc(count, sizeof **names)))
            return loom_fail(r->e, LOOM_E_NOMEM, "%s: out of memory", r->name);
        if ((*names)[pos])
            return fail_at(r, w, "second symbol for %s %u (already named '%s')", kname, pos,
                           (*names)[pos]);
        char *s = malloc(n + 1);
        if (!s)
            return loom_fail(r->e, LOOM_E_NOMEM, "%s: out of memory", r->name);
        memcpy(s, r->p + start, n);
        s[n] = 0;
        for (size_t k = 0; k < n; k++)
            if (s[k] == 0)
                s[k] = '?';
        (*names)[pos] = s;
    }
    return LOOM_OK;
}

/* Kinds of variable definitions (ASCII checks). */
enum { DEF_NONE = 0, DEF_INPUT, DEF_LATCH, DEF_AND };

/* One definition of an ASCII file, kept sorted by variable so that lookups
 * cost memory in proportion to the definitions, not to M. */
typedef struct vdef {
    uint32_t var, idx, order; /* idx among its kind; order in the file */
    uint8_t kind;
} vdef;

static int vdef_cmp(const void *a, const void *b)
{
    const vdef *x = a, *y = b;
    return LOOM_CMP_KEYS(x, y, var, order);
}

/* The first definition of var, or NULL. */
static const vdef *find_def(const vdef *d, uint32_t n, uint32_t var)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (d[mid].var < var)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && d[lo].var == var ? &d[lo] : NULL;
}

/* Checks that lit is constant or defined; `what` says who refers to it. */
static loom_status check_defined(const rd *r, const vdef *d, uint32_t n, uint32_t lit, where w,
                                 const char *what, uint32_t idx)
{
    uint32_t v = lit / 2;
    if (v == 0 || find_def(d, n, v))
        return LOOM_OK;
    return fail_at(r, w,
                   "%s %u uses literal %u, but variable %u is not defined (expected an input, latch "
                   "or AND gate with literal %u)",
                   what, idx, lit, v, 2 * v);
}

/* Sorts ASCII gates topologically, rejecting cycles (iterative DFS). */
static loom_status topo_sort(const rd *r, aig_file *f, where *and_where, const vdef *d, uint32_t nd)
{
    loom_status st = LOOM_OK;
    uint32_t A = f->n_ands;
    uint8_t *mark = xcalloc(A, 1); /* 0 new, 1 on stack, 2 done */
    uint32_t *stack = malloc(((size_t)A + 1) * sizeof *stack);
    aig_and *out = malloc(((size_t)A + 1) * sizeof *out);
    where *outw = malloc(((size_t)A + 1) * sizeof *outw);
    if (!mark || !stack || !out || !outw) {
        st = loom_fail(r->e, LOOM_E_NOMEM, "%s: out of memory", r->name);
        goto done;
    }
    uint32_t n_out = 0;
    for (uint32_t root = 0; root < A; root++) {
        if (mark[root])
            continue;
        uint32_t sp = 0;
        stack[sp++] = root;
        mark[root] = 1;
        while (sp) {
            uint32_t g = stack[sp - 1];
            uint32_t next = UINT32_MAX;
            for (int k = 0; k < 2 && next == UINT32_MAX; k++) {
                const vdef *def = find_def(d, nd, (k ? f->ands[g].rhs1 : f->ands[g].rhs0) / 2);
                if (!def || def->kind != DEF_AND)
                    continue;
                uint32_t h = def->idx;
                if (mark[h] == 1) {
                    st = fail_at(r, and_where[h],
                                 "cyclic definition: AND gate %u depends on itself (through the gate "
                                 "defined at line %zu)",
                                 f->ands[h].lhs, and_where[g].line);
                    goto done;
                }
                if (mark[h] == 0)
                    next = h;
            }
            if (next == UINT32_MAX) {
                mark[g] = 2;
                out[n_out] = f->ands[g];
                outw[n_out++] = and_where[g];
                sp--;
            } else {
                mark[next] = 1;
                stack[sp++] = next;
            }
        }
    }
    memcpy(f->ands, out, (size_t)A * sizeof *out);
    memcpy(and_where, outw, (size_t)A * sizeof *outw);
done:
    free(mark);
    LOOM_FREE(stack, out, outw);
    return st;
}

/* Defines every variable and checks every reference (ASCII). */
static loom_status check_ascii(const rd *r, aig_file *f, places *pl)
{
    const uint32_t I = f->n_inputs, L = f->n_latches, A = f->n_ands;
    const uint32_t n = I + L + A; /* <= M <= AIG_MAX_VAR */
    vdef *d = xcalloc(n, sizeof *d);
    if (!d)
        return loom_fail(r->e, LOOM_E_NOMEM, "%s: out of memory", r->name);
    uint32_t k = 0;
    for (uint32_t j = 0; j < I; j++, k++)
        d[k] = (vdef){f->inputs[j] / 2, j, k, DEF_INPUT};
    for (uint32_t j = 0; j < L; j++, k++)
        d[k] = (vdef){f->latches[j].lit / 2, j, k, DEF_LATCH};
    for (uint32_t j = 0; j < A; j++, k++)
        d[k] = (vdef){f->ands[j].lhs / 2, j, k, DEF_AND};
    qsort(d, n, sizeof *d, vdef_cmp);

    /* the first redefinition in file order */
    loom_status st = LOOM_OK;
    const vdef *again = NULL, *first = NULL;
    for (uint32_t j = 1; j < n; j++)
        if (d[j].var == d[j - 1].var && (!again || d[j].order < again->order)) {
            again = &d[j];
            first = find_def(d, n, d[j].var);
        }
    if (again) {
        static const char *kinds[] = {"", "input", "latch", "AND gate"};
        const where *w = again->kind == DEF_INPUT ? pl->input : again->kind == DEF_LATCH ? pl->latch : pl->and_;
        uint32_t lit = 2 * again->var;
        st = fail_at(r, w[again->idx], "%s %u defines literal %u again (variable %u is already a%s %s)",
                     kinds[again->kind], again->idx, lit, again->var,
                     first->kind == DEF_INPUT ? "n" : "", kinds[first->kind]);
        goto done;
    }
#define CHECK(lit, w, what, idx)                                                 \
    do {                                                                         \
        if ((st = check_defined(r, d, n, lit, w, what, idx)) != LOOM_OK)         \
            goto done;                                                           \
    } while (0)
    for (uint32_t j = 0; j < L; j++)
        CHECK(f->latches[j].next, pl->latch[j], "latch", j);
    for (uint32_t j = 0; j < f->n_outputs; j++)
        CHECK(f->outputs[j], pl->output[j], "output", j);
    for (uint32_t j = 0; j < f->n_bad; j++)
        CHECK(f->bad[j], pl->bad[j], "bad-state property", j);
    for (uint32_t j = 0; j < f->n_constraints; j++)
        CHECK(f->constraints[j], pl->cons[j], "invariant constraint", j);
    for (uint32_t j = 0; j < f->justice_first[f->n_justice]; j++)
        CHECK(f->justice_lits[j], pl->just[j], "justice literal", j);
    for (uint32_t j = 0; j < f->n_fairness; j++)
        CHECK(f->fairness[j], pl->fair[j], "fairness constraint", j);
    for (uint32_t j = 0; j < A; j++) {
        CHECK(f->ands[j].rhs0, pl->and_[j], "AND gate", j);
        CHECK(f->ands[j].rhs1, pl->and_[j], "AND gate", j);
    }
#undef CHECK
    st = topo_sort(r, f, pl->and_, d, n);
done:
    free(d);
    return st;
}

/* The number of bytes that `items` lines need at least. */
static loom_status need_bytes(const rd *r, uint64_t items, uint64_t per, const char *what)
{
    uint64_t need = items * per, have = r->len - r->pos;
    if (need > have)
        return fail_here(r, "%s need at least %llu more bytes, but only %llu are left: truncated "
                            "file or wrong header counts",
                         what, (unsigned long long)need, (unsigned long long)have);
    return LOOM_OK;
}

static loom_status read_lit_section(rd *r, aig_file *f, uint32_t n, uint32_t **lits, where **w,
                                    const char *what)
{
    *lits = xcalloc(n, sizeof **lits);
    *w = xcalloc(n, sizeof **w);
    if (!*lits || !*w)
        return loom_fail(r->e, LOOM_E_NOMEM, "%s: out of memory", r->name);
    for (uint32_t k = 0; k < n; k++) {
        loom_status st = read_lit_line(r, f->maxvar, what, &(*lits)[k], &(*w)[k]);
        if (st)
            return st;
    }
    return LOOM_OK;
}

static loom_status read_body(rd *r, aig_file *f, places *pl)
{
    loom_status st;
    char b[16];
    /* header */
    if (r->len < 3 || (memcmp(r->p, "aag", 3) != 0 && memcmp(r->p, "aig", 3) != 0))
        return fail_here(r, "expected the header 'aag M I L O A' or 'aig M I L O A'");
    f->binary = r->binary = r->p[1] == 'i';
    r->pos = 3;
    static const char *fields[] = {"M (maximum variable index)", "I (number of inputs)",
                                   "L (number of latches)", "O (number of outputs)",
                                   "A (number of AND gates)", "B (number of bad-state properties)",
                                   "C (number of invariant constraints)",
                                   "J (number of justice properties)",
                                   "F (number of fairness constraints)"};
    uint32_t h[9] = {0};
    for (int k = 0; k < 9; k++) {
        if (k >= 5 && (r->pos >= r->len || r->p[r->pos] != ' '))
            break;
        if ((st = expect_space(r, fields[k])) || (st = read_u32(r, fields[k], &h[k])))
            return st;
    }
    if (r->pos < r->len && r->p[r->pos] != '\n')
        return fail_here(r, "expected end of the header line after %s, got %s",
                         "the counts (at most 9: M I L O A B C J F)", seen(r, b, sizeof b));
    f->maxvar = h[0];
    f->n_inputs = h[1];
    f->n_latches = h[2];
    f->n_outputs = h[3];
    f->n_ands = h[4];
    f->n_bad = h[5];
    f->n_constraints = h[6];
    f->n_justice = h[7];
    f->n_fairness = h[8];
    where hw = {0, 1, 1};
    uint64_t ila = (uint64_t)h[1] + h[2] + h[4];
    const uint64_t max_var = loom_limit(LOOM_LIM_AIG_VARS) < AIG_MAX_VAR ? loom_limit(LOOM_LIM_AIG_VARS)
                                                                          : AIG_MAX_VAR;
    if (h[0] > max_var) {
        return fail_cap(r, hw, "header: M = %u is larger than the limit of %llu variables (set %s to raise it, "
                     "up to %u)", h[0], (unsigned long long)max_var, loom_limit_env(LOOM_LIM_AIG_VARS),
                     AIG_MAX_VAR);
    }
    if (f->binary && ila != h[0])
        return fail_at(r, hw, "header: binary AIGER needs M = I + L + A, but M = %u and I + L + A = %llu",
                       h[0], (unsigned long long)ila);
    if (ila > h[0])
        return fail_at(r, hw, "header: M = %u is too small: I + L + A = %llu variables are defined",
                       h[0], (unsigned long long)ila);
    if ((st = expect_eol(r, "the header")))
        return st;

    /* inputs (ASCII only: binary inputs are implicit) */
    if (!f->binary && (st = need_bytes(r, (uint64_t)h[1] + h[2] + h[3] + h[4] + h[5] + h[6] + h[7] + h[8],
                                       2, "the header counts")))
        return st;
    if (f->binary && (st = need_bytes(r, (uint64_t)h[2] + h[3] + h[4] + h[5] + h[6] + h[7] + h[8], 2,
                                      "the header counts")))
        return st;
    f->inputs = xcalloc(f->n_inputs, sizeof *f->inputs);
    pl->input = xcalloc(f->binary ? 0 : f->n_inputs, sizeof *pl->input);
    if (!f->inputs || !pl->input)
        return loom_fail(r->e, LOOM_E_NOMEM, "%s: out of memory", r->name);
    for (uint32_t k = 0; k < f->n_inputs; k++) {
        if (f->binary) {
            f->inputs[k] = 2 * (k + 1);
            continue;
        }
        where w;
        if ((st = read_lit_line(r, f->maxvar, "input literal", &f->inputs[k], &w)))
            return st;
        pl->input[k] = w;
        if (f->inputs[k] < 2 || (f->inputs[k] & 1))
            return fail_at(r, w, "input %u: expected an even literal >= 2, got %u", k, f->inputs[k]);
    }

    /* latches: "lit next [reset]" (ASCII) or "next [reset]" (binary) */
    f->latches = xcalloc(f->n_latches, sizeof *f->latches);
    pl->latch = xcalloc(f->n_latches, sizeof *pl->latch);
    if (!f->latches || !pl->latch)
        return loom_fail(r->e, LOOM_E_NOMEM, "%s: out of memory", r->name);
    for (uint32_t k = 0; k < f->n_latches; k++) {
        aig_latch *l = &f->latches[k];
        where w = here(r);
        pl->latch[k] = w;
        if (f->binary) {
            l->lit = 2 * (f->n_inputs + k + 1);
        } else {
            if ((st = read_u32(r, "latch literal", &l->lit)))
                return st;
            if (l->lit < 2 || (l->lit & 1) || l->lit / 2 > f->maxvar)
                return fail_at(r, w, "latch %u: expected an even literal in 2..2M = %llu, got %u", k,
                               2ull * f->maxvar, l->lit);
            if ((st = expect_space(r, "the next-state literal")))
                return st;
        }
        where wn = here(r);
        if ((st = read_u32(r, "next-state literal", &l->next)))
            return st;
        if (l->next / 2 > f->maxvar)
            return fail_at(r, wn, "latch %u: next-state literal %u exceeds 2M+1 = %llu", k, l->next,
                           2ull * f->maxvar + 1);
        l->reset = 0;
        if (r->pos < r->len && r->p[r->pos] == ' ') {
            advance(r);
            where wr = here(r);
            if ((st = read_u32(r, "latch reset value", &l->reset)))
                return st;
            if (l->reset != 0 && l->reset != 1 && l->reset != l->lit)
                return fail_at(r, wr,
                               "latch %u: expected reset value 0, 1 or the latch literal %u "
                               "(uninitialised), got %u",
                               k, l->lit, l->reset);
        }
        if ((st = expect_eol(r, "the latch definition")))
            return st;
    }

    if ((st = read_lit_section(r, f, f->n_outputs, &f->outputs, &pl->output, "output literal")) ||
        (st = read_lit_section(r, f, f->n_bad, &f->bad, &pl->bad, "bad-state literal")) ||
        (st = read_lit_section(r, f, f->n_constraints, &f->constraints, &pl->cons,
                               "invariant-constraint literal")))
        return st;

    /* justice: J size lines, then the literals of each property */
    f->justice_first = xcalloc((size_t)f->n_justice + 1, sizeof *f->justice_first);
    if (!f->justice_first)
        return loom_fail(r->e, LOOM_E_NOMEM, "%s: out of memory", r->name);
    uint64_t total = 0;
    for (uint32_t k = 0; k < f->n_justice; k++) {
        uint32_t n;
        if ((st = read_u32(r, "justice property size", &n)) ||
            (st = expect_eol(r, "the justice property size")))
            return st;
        f->justice_first[k] = (uint32_t)total;
        total += n;
        if ((st = need_bytes(r, total, 2, "the justice literals")))
            return st;
    }
    f->justice_first[f->n_justice] = (uint32_t)total;
    f->justice_lits = xcalloc((size_t)total, sizeof *f->justice_lits);
    pl->just = xcalloc((size_t)total, sizeof *pl->just);
    if (!f->justice_lits || !pl->just)
        return loom_fail(r->e, LOOM_E_NOMEM, "%s: out of memory", r->name);
    for (uint64_t k = 0; k < total; k++)
        if ((st = read_lit_line(r, f->maxvar, "justice literal", &f->justice_lits[k], &pl->just[k])))
            return st;
    if ((st = read_lit_section(r, f, f->n_fairness, &f->fairness, &pl->fair, "fairness literal")))
        return st;

    /* AND gates */
    f->ands = xcalloc(f->n_ands, sizeof *f->ands);
    pl->and_ = xcalloc(f->n_ands, sizeof *pl->and_);
    if (!f->ands || !pl->and_)
        return loom_fail(r->e, LOOM_E_NOMEM, "%s: out of memory", r->name);
    for (uint32_t k = 0; k < f->n_ands; k++) {
        aig_and *g = &f->ands[k];
        where w = here(r);
        pl->and_[k] = w;
        if (f->binary) {
            g->lhs = 2 * (f->n_inputs + f->n_latches + k + 1);
            uint32_t d0, d1;
            if ((st = read_delta(r, k, f->n_ands, g->lhs, 0, &d0)))
                return st;
            if (d0 == 0 || d0 > g->lhs)
                return fail_at(r, w,
                               "invalid delta 0 = %u of binary AND gate %u (literal %u): expected "
                               "1..%u so that 0 <= rhs0 < lhs",
                               d0, k, g->lhs, g->lhs);
            g->rhs0 = g->lhs - d0;
            where w1 = here(r);
            if ((st = read_delta(r, k, f->n_ands, g->lhs, 1, &d1)))
                return st;
            if (d1 > g->rhs0)
                return fail_at(r, w1,
                               "invalid delta 1 = %u of binary AND gate %u (literal %u): expected "
                               "0..%u so that 0 <= rhs1 <= rhs0 = %u",
                               d1, k, g->lhs, g->rhs0, g->rhs0);
            g->rhs1 = g->rhs0 - d1;
            continue;
        }
        if ((st = read_u32(r, "AND gate literal", &g->lhs)))
            return st;
        if (g->lhs < 2 || (g->lhs & 1) || g->lhs / 2 > f->maxvar)
            return fail_at(r, w, "AND gate %u: expected an even literal in 2..2M = %llu, got %u", k,
                           2ull * f->maxvar, g->lhs);
        where w0, w1;
        if ((st = expect_space(r, "the first AND input")))
            return st;
        w0 = here(r);
        if ((st = read_u32(r, "AND input literal", &g->rhs0)))
            return st;
        if ((st = expect_space(r, "the second AND input")))
            return st;
        w1 = here(r);
        if ((st = read_u32(r, "AND input literal", &g->rhs1)))
            return st;
        if (g->rhs0 / 2 > f->maxvar)
            return fail_at(r, w0, "AND input literal %u exceeds 2M+1 = %llu", g->rhs0,
                           2ull * f->maxvar + 1);
        if (g->rhs1 / 2 > f->maxvar)
            return fail_at(r, w1, "AND input literal %u exceeds 2M+1 = %llu", g->rhs1,
                           2ull * f->maxvar + 1);
        if ((st = expect_eol(r, "the AND gate")))
            return st;
    }
    if ((st = read_symbols(r, f)))
        return st;
    if (!f->binary)
        return check_ascii(r, f, pl);
    return LOOM_OK;
}

loom_status aig_read_mem(const uint8_t *buf, size_t len, const char *name, aig_file **out,
                         loom_err *e)
{
    *out = NULL;
    aig_file *f = calloc(1, sizeof *f);
    if (!f)
        return loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", name);
    rd r = {buf, len, 0, 1, 0, name, 0, e};
    places pl = {0};
    loom_status st = read_body(&r, f, &pl);
    places_free(&pl);
    if (st) {
        aig_file_free(f);
        return st;
    }
    *out = f;
    return LOOM_OK;
}

loom_status aig_slurp(const char *path, char **out, size_t *len, loom_err *e)
{
    *out = NULL;
    *len = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return loom_fail(e, LOOM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - 1 - n, fp);
        if (n < cap - 1)
            break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int err = ferror(fp) ? errno : 0;
    fclose(fp);
    if (!buf)
        return loom_fail(e, LOOM_E_NOMEM, "%s: out of memory reading the file", path);
    if (err) {
        free(buf);
        return loom_fail(e, LOOM_E_IO, "%s: read error: %s", path, strerror(err));
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return LOOM_OK;
}

loom_status aig_read_file(const char *path, aig_file **out, loom_err *e)
{
    *out = NULL;
    char *buf;
    size_t n;
    loom_status st0 = aig_slurp(path, &buf, &n, e);
    if (st0)
        return st0;
    loom_status st = aig_read_mem((const uint8_t *)buf, n, path, out, e);
    free(buf);
    return st;
}

uint32_t aig_depth(const aig_file *f)
{
    /* gates are topological, so one pass suffices; fanins that are gates
     * are found by binary search over the sorted gate variables */
    uint32_t A = f->n_ands, best = 0;
    if (A == 0)
        return 0;
    vdef *g = malloc((size_t)A * sizeof *g);
    uint32_t *d = malloc((size_t)A * sizeof *d);
    if (!g || !d) {
        free(g);
        free(d);
        return 0;
    }
    for (uint32_t k = 0; k < A; k++)
        g[k] = (vdef){f->ands[k].lhs / 2, k, k, DEF_AND};
    qsort(g, A, sizeof *g, vdef_cmp);
    for (uint32_t k = 0; k < A; k++) {
        uint32_t dk = 0;
        for (int j = 0; j < 2; j++) {
            const vdef *x = find_def(g, A, (j ? f->ands[k].rhs1 : f->ands[k].rhs0) / 2);
            if (x && d[x->idx] > dk)
                dk = d[x->idx];
        }
        d[k] = dk + 1;
        if (d[k] > best)
            best = d[k];
    }
    free(g);
    free(d);
    return best;
}
