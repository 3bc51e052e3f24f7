/*
 * test_seir_fuzz.c -- the reader on corrupted text.
 *
 * Canonical texts of random networks are mutated (bytes flipped, lines
 * dropped, duplicated or swapped, the text cut short, tokens replaced by
 * junk).  Whatever comes out, the reader must either return a network that
 * passes seir_validate and reprints stably, or fail with one message of the
 * form "fuzz.seir:LINE:COL: ..." whose LINE exists in the text (or LINE is
 * one past the end for an empty or truncated file) and whose COL is within
 * that line.  Run under ASan/UBSan as well, this is the reader's guard
 * against out-of-bounds reads on malformed input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "seir.h"
#include "seir_gen.h"
#include "seir_text.h"

static char *print_str(const seir_net *net, size_t *len)
{
    loom_err e;
    char *t = seirgen_text(net, len, &e);
    assert_non_null(t);
    return t;
}

/* Offsets of line starts; returns the number of lines. */
static size_t line_starts(const char *t, size_t n, size_t *at, size_t max)
{
    size_t k = 0;
    at[k++] = 0;
    for (size_t i = 0; i < n && k < max; i++)
        if (t[i] == '\n' && i + 1 < n)
            at[k++] = i + 1;
    return k;
}

static size_t mutate(uint64_t *r, const char *in, size_t n, char *out)
{
    static const char *junk[] = {"x", "-", "[", "]", "..", "=", "#", "99999999999", "h[1]", "\t",
                                 "end", "dense", "syn", "\n", "0", "ring", "\r", "\x01"};
    size_t ls[4096];
    size_t nl = line_starts(in, n, ls, 4096);
    memcpy(out, in, n);
    switch (netgen_below(r, 6)) {
    case 0: { /* flip a few bytes */
        for (uint32_t k = 1 + netgen_below(r, 3); k > 0 && n; k--)
            out[netgen_below(r, (uint32_t)n)] = (char)netgen_below(r, 128);
        return n;
    }
    case 1: { /* drop a line */
        size_t l = netgen_below(r, (uint32_t)nl), a = ls[l], b = l + 1 < nl ? ls[l + 1] : n;
        memmove(out + a, in + b, n - b);
        return n - (b - a);
    }
    case 2: { /* duplicate a line */
        size_t l = netgen_below(r, (uint32_t)nl), a = ls[l], b = l + 1 < nl ? ls[l + 1] : n;
        memcpy(out + b, in + a, b - a);
        memcpy(out + b + (b - a), in + b, n - b);
        return n + (b - a);
    }
    case 3: /* cut short */
        return netgen_below(r, (uint32_t)n + 1);
    case 4: { /* swap two lines' order by moving one to the end */
        size_t l = netgen_below(r, (uint32_t)nl), a = ls[l], b = l + 1 < nl ? ls[l + 1] : n;
        memmove(out + a, in + b, n - b);
        memcpy(out + a + (n - b), in + a, b - a);
        return n;
    }
    default: { /* insert a junk token somewhere */
        const char *j = junk[netgen_below(r, sizeof junk / sizeof junk[0])];
        size_t at = netgen_below(r, (uint32_t)n + 1), m = strlen(j);
        memcpy(out + at, j, m);
        memcpy(out + at + m, in + at, n - at);
        return n + m;
    }
    }
}

static void test_fuzz(void **state)
{
    (void)state;
    uint64_t r = 77;
    int ok = 0, bad = 0;
    netgen_recipe o;
    netgen_default(&o, NETGEN_FEATURES);
    o.neurons = 12;
    o.max_syn = 20;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        seir_net *x = seirgen_net(seed, &o);
        size_t n;
        char *text = print_str(x, &n);
        char *buf = malloc(2 * n + 64);
        for (int round = 0; round < 60; round++) {
            size_t m = mutate(&r, text, n, buf);
            /* exact-size copy so ASan sees any read past the end */
            char *t = malloc(m ? m : 1);
            memcpy(t, buf, m);
            seir_net *y = NULL;
            loom_err e;
            loom_status st = seir_parse(t, m, "fuzz.seir", &y, &e);
            if (st == LOOM_OK) {
                assert_int_equal(seir_validate(y, &e), LOOM_OK);
                size_t n1, n2;
                char *p1 = print_str(y, &n1);
                seir_net *z = NULL;
                if (seir_parse(p1, n1, "re.seir", &z, &e))
                    fail_msg("reparse of an accepted mutant failed: %s", e.msg);
                char *p2 = print_str(z, &n2);
                assert_int_equal(n1, n2);
                assert_memory_equal(p1, p2, n1);
                free(p1), free(p2);
                seir_net_free(y), seir_net_free(z);
                ok++;
            } else {
                assert_null(y);
                unsigned line = 0, col = 0;
                if (sscanf(e.msg, "fuzz.seir:%u:%u: ", &line, &col) != 2)
                    fail_msg("message without a position: %s", e.msg);
                size_t lines = 1, len = 0, cur = 0;
                for (size_t i = 0; i < m; i++)
                    if (t[i] == '\n') {
                        if (lines == line)
                            len = cur;
                        lines++, cur = 0;
                    } else {
                        cur++;
                    }
                if (lines == line)
                    len = cur;
                if (line < 1 || line > lines || col < 1 || col > len + 1)
                    fail_msg("position %u:%u outside the text (%zu lines; line length %zu): %s", line,
                             col, lines, len, e.msg);
                bad++;
            }
            free(t);
        }
        free(buf);
        free(text);
        seir_net_free(x);
    }
    printf("fuzz: %d mutants accepted, %d refused with a position\n", ok, bad);
    assert_true(bad > 1000 && ok > 50);
}

UNIT_MAIN(test_fuzz)
