/*
 * test_aig_read.c -- the AIGER reader: ASCII and binary files, AIGER 1.9
 * sections, symbols and comments, and every class of malformed input
 * rejected with its line (ASCII) or byte offset (binary).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "aig.h"
#include "aig_samples.h"


/* The same circuit in ABC's ASCII form (../shared/data/aig/seq/s27.aag). */
static const char s27_aag[] =
    "aag 15 4 3 1 8\n2\n4\n6\n8\n10 28\n12 26\n14 30\n27\n"
    "16 12 3\n18 17 9\n20 15 5\n22 21 17\n24 23 19\n26 24 11\n28 27 2\n30 21 7\n"
    "i0 G0\ni1 G1\ni2 G2\ni3 G3\nl0 G5\nl1 G6\nl2 G7\no0 G17\nc\ns27.bench\n";

static aig_file *read_ok(const char *text)
{
    aig_file *f = NULL;
    loom_err e;
    loom_err_clear(&e);
    loom_status st = aig_read_mem((const uint8_t *)text, strlen(text), "t.aag", &f, &e);
    if (st != LOOM_OK)
        fail_msg("unexpected error: %s", e.msg);
    return f;
}

/* Reading must fail with a message containing every given fragment. */
static void read_bad(const void *buf, size_t len, const char *name, const char *frag1,
                     const char *frag2)
{
    aig_file *f = (aig_file *)0x1;
    loom_err e;
    loom_err_clear(&e);
    loom_status st = aig_read_mem(buf, len, name, &f, &e);
    assert_int_equal(st, LOOM_E_PARSE);
    assert_null(f);
    if (!strstr(e.msg, frag1) || (frag2 && !strstr(e.msg, frag2)))
        fail_msg("message '%s' lacks '%s' / '%s'", e.msg, frag1, frag2 ? frag2 : "");
}

static void bad_text(const char *text, const char *frag1, const char *frag2)
{
    read_bad(text, strlen(text), "t.aag", frag1, frag2);
}

static void test_and(void **state)
{
    (void)state;
    aig_file *f = read_ok("aag 3 2 0 1 1\n2\n4\n6\n6 2 4\n");
    assert_false(f->binary);
    assert_int_equal(f->maxvar, 3);
    assert_int_equal(f->n_inputs, 2);
    assert_int_equal(f->inputs[1], 4);
    assert_int_equal(f->n_outputs, 1);
    assert_int_equal(f->outputs[0], 6);
    assert_int_equal(f->n_ands, 1);
    assert_int_equal(f->ands[0].lhs, 6);
    assert_int_equal(f->ands[0].rhs0, 2);
    assert_int_equal(f->ands[0].rhs1, 4);
    assert_null(f->input_names);
    assert_null(f->comment);
    assert_int_equal(aig_depth(f), 1);
    aig_file_free(f);
}

static void test_symbols_and_comment(void **state)
{
    (void)state;
    aig_file *f = read_ok("aag 7 2 0 2 3\n2\n4\n6\n12\n6 13 15\n12 2 4\n14 3 5\n"
                          "i0 x\ni1 y\no0 s\no1 c\nc\nhalf adder\nmore\n");
    assert_string_equal(f->input_names[0], "x");
    assert_string_equal(f->input_names[1], "y");
    assert_string_equal(f->output_names[0], "s");
    assert_string_equal(f->output_names[1], "c");
    assert_string_equal(f->comment, "half adder\nmore\n");
    assert_int_equal(f->n_symbols, 4);
    /* 6 uses 13 and 15 (defined later in the file): sorted topologically */
    assert_int_equal(f->ands[2].lhs, 6);
    assert_int_equal(aig_depth(f), 2);
    aig_file_free(f);

    /* names with spaces, a constraint symbol "c0 ..." is not a comment */
    f = read_ok("aag 1 1 0 0 0 0 1\n2\n3\ni0 my input\nc0 never x\nc\n");
    assert_string_equal(f->input_names[0], "my input");
    assert_int_equal(f->n_constraints, 1);
    assert_int_equal(f->constraints[0], 3);
    assert_string_equal(f->comment, "");
    aig_file_free(f);
}

static void test_aiger19_sections(void **state)
{
    (void)state;
    /* M I L O A B C J F: 1 bad, 1 constraint, 2 justice (sizes 2 and 1), 1 fairness */
    aig_file *f = read_ok("aag 3 1 1 1 1 1 1 2 1\n2\n4 6 1\n6\n7\n2\n2\n1\n5\n7\n3\n4\n6 2 5\n"
                          "b0 bad\nj1 just\nf0 fair\n");
    assert_int_equal(f->n_bad, 1);
    assert_int_equal(f->bad[0], 7);
    assert_int_equal(f->n_constraints, 1);
    assert_int_equal(f->constraints[0], 2);
    assert_int_equal(f->n_justice, 2);
    assert_int_equal(f->justice_first[0], 0);
    assert_int_equal(f->justice_first[1], 2);
    assert_int_equal(f->justice_first[2], 3);
    assert_int_equal(f->justice_lits[0], 5);
    assert_int_equal(f->justice_lits[1], 7);
    assert_int_equal(f->justice_lits[2], 3);
    assert_int_equal(f->n_fairness, 1);
    assert_int_equal(f->fairness[0], 4);
    assert_int_equal(f->latches[0].reset, 1);
    assert_int_equal(f->n_symbols, 3);
    aig_file_free(f);
}

static void test_latch_resets(void **state)
{
    (void)state;
    aig_file *f = read_ok("aag 3 0 3 0 0\n2 3\n4 5 0\n6 7 6\n");
    assert_int_equal(f->latches[0].reset, 0); /* no reset field: 0 */
    assert_int_equal(f->latches[1].reset, 0);
    assert_int_equal(f->latches[2].reset, 6); /* uninitialised */
    aig_file_free(f);
    bad_text("aag 1 0 1 0 0\n2 3 4\n", "t.aag:2:5:", "reset value 0, 1 or the latch literal 2");
}

/* Binary and ASCII s27 (both from ABC) describe the same circuit. */
static void test_binary_s27(void **state)
{
    (void)state;
    aig_file *b = NULL;
    loom_err e;
    assert_int_equal(aig_read_mem(s27_aig, s27_aig_len, "s27.aig", &b, &e), LOOM_OK);
    aig_file *a = read_ok(s27_aag);
    assert_true(b->binary);
    assert_int_equal(b->n_inputs, 4);
    assert_int_equal(b->n_latches, 3);
    assert_int_equal(b->n_ands, 8);
    for (uint32_t k = 0; k < 3; k++) {
        assert_int_equal(b->latches[k].lit, a->latches[k].lit);
        assert_int_equal(b->latches[k].next, a->latches[k].next);
    }
    assert_int_equal(b->outputs[0], 27);
    /* ABC lists gates in order, so the topological sort keeps the order */
    for (uint32_t k = 0; k < 8; k++) {
        assert_int_equal(b->ands[k].lhs, a->ands[k].lhs);
        assert_int_equal(b->ands[k].rhs0, a->ands[k].rhs0);
        assert_int_equal(b->ands[k].rhs1, a->ands[k].rhs1);
    }
    assert_string_equal(b->latch_names[2], "G7");
    assert_string_equal(b->output_names[0], "G17");
    assert_non_null(strstr(b->comment, "s27.bench"));
    aig_file_free(a);
    aig_file_free(b);
}

/* An independent writer of the binary encoding (7-bit groups, low first). */
static size_t put_varint(uint8_t *p, uint32_t x)
{
    size_t n = 0;
    while (x >= 0x80) {
        p[n++] = (uint8_t)(x & 0x7f) | 0x80;
        x >>= 7;
    }
    p[n++] = (uint8_t)x;
    return n;
}

/* A chain of 300 gates g_k = g_{k-1} & !x: deltas of one, two and three
 * bytes (the first input is far below the last gates). */
static void test_binary_multibyte_deltas(void **state)
{
    (void)state;
    enum { A = 20000 };
    uint8_t *buf = malloc(64 + A * 8);
    size_t n = (size_t)sprintf((char *)buf, "aig %u 2 0 1 %u\n%u\n", A + 2, A, 2 * (A + 2));
    for (uint32_t k = 0; k < A; k++) {
        uint32_t lhs = 2 * (3 + k), r0 = k ? lhs - 2 : 4, r1 = 3; /* (prev or y) & !x */
        n += put_varint(buf + n, lhs - r0);
        n += put_varint(buf + n, r0 - r1);
    }
    n += (size_t)sprintf((char *)buf + n, "i0 x\no0 out[0]\n");
    aig_file *f = NULL;
    loom_err e;
    assert_int_equal(aig_read_mem(buf, n, "chain.aig", &f, &e), LOOM_OK);
    assert_int_equal(f->n_ands, A);
    assert_int_equal(f->ands[A - 1].lhs, 2 * (A + 2));
    assert_int_equal(f->ands[A - 1].rhs0, 2 * (A + 1));
    assert_int_equal(f->ands[A - 1].rhs1, 3);
    assert_int_equal(f->ands[0].rhs0, 4);
    assert_int_equal(aig_depth(f), A);
    assert_string_equal(f->output_names[0], "out[0]");
    aig_file_free(f);

    /* truncated inside the varint of the last gate: its byte offset */
    size_t cut = n - strlen("i0 x\no0 out[0]\n") - 1;
    read_bad(buf, cut, "chain.aig", "chain.aig: byte offset", "truncated binary AND gate 19999");
    free(buf);
}

static void test_binary_errors(void **state)
{
    (void)state;
    /* M != I + L + A */
    read_bad("aig 4 2 0 1 1\n6\n\x02\x02", 19, "b.aig", "byte offset 0", "M = I + L + A");
    /* delta0 = 0 (rhs0 == lhs) at byte 16 */
    read_bad("aig 3 2 0 1 1\n6\n\x00\x02", 18, "b.aig", "byte offset 16", "invalid delta 0 = 0");
    /* delta0 = 7 > lhs 6 */
    read_bad("aig 3 2 0 1 1\n6\n\x07\x00", 18, "b.aig", "byte offset 16", "invalid delta 0 = 7");
    /* delta1 = 5 > rhs0 = 4 at byte 17 */
    read_bad("aig 3 2 0 1 1\n6\n\x02\x05", 18, "b.aig", "byte offset 17", "invalid delta 1 = 5");
    /* truncated inside a varint (its continuation bit runs off the end) */
    read_bad("aig 3 2 0 1 1\n6\n\x82\x80", 18, "b.aig", "byte offset 16", "truncated");
    /* header counts that cannot fit the bytes left */
    read_bad("aig 3 2 0 1 1\n6\n\x02", 17, "b.aig", "byte offset 14", "wrong header counts");
    /* a varint of more than 32 bits */
    read_bad("aig 3 2 0 1 1\n6\n\xff\xff\xff\xff\x7f\x00", 22, "b.aig", "byte offset 16",
             "more than 32 bits");
    /* output literal beyond 2M+1 in the text part of a binary file */
    read_bad("aig 3 2 0 1 1\n8\n\x02\x02", 18, "b.aig", "byte offset 14", "exceeds 2M+1 = 7");
    /* garbage instead of symbols */
    read_bad("aig 3 2 0 1 1\n6\n\x02\x02x0 y\n", 23, "b.aig", "byte offset 18", "symbol line");
}

static void test_ascii_errors(void **state)
{
    (void)state;
    bad_text("aig", "byte offset 3", "expected a single space before M");
    bad_text("abc 1 0 0 0 0\n", "t.aag:1:1:", "header 'aag M I L O A'");
    bad_text("aag 3 2 0 1\n", "t.aag:1:12:", "A (number of AND gates)");
    bad_text("aag 3 2 0 1 1 0 0 0 0 7\n", "t.aag:1:", "at most 9");
    bad_text("aag 2 2 0 1 1\n2\n4\n6\n6 2 4\n", "t.aag:1:1:", "M = 2 is too small");
    bad_text("aag 99999999999 1 0 0 0\n2\n", "t.aag:1:5:", "32 bits");
    bad_text("aag 3 2 0 1 1\n2\n4\n6\n", "t.aag:", "truncated file or wrong header counts");
    bad_text("aag 3 2 0 1 1\n2\n5\n6\n6 2 4\n", "t.aag:3:1:", "even literal");
    bad_text("aag 3 2 0 1 1\n2\n4\n8\n6 2 4\n", "t.aag:4:1:", "exceeds 2M+1 = 7");
    bad_text("aag 3 2 0 1 1\n2\n4\n6\n6 2 9\n", "t.aag:5:5:", "exceeds 2M+1 = 7");
    /* undefined: output 0 uses variable 3, nothing defines it */
    bad_text("aag 3 2 0 1 0\n2\n4\n6\n", "t.aag:4:1:", "variable 3 is not defined");
    bad_text("aag 4 2 0 1 1\n2\n4\n6\n6 2 8\n", "t.aag:5:1:", "literal 8");
    /* doubly defined: an AND over an input, an input twice */
    bad_text("aag 3 2 0 1 1\n2\n4\n4\n4 2 2\n", "t.aag:5:1:", "already an input");
    bad_text("aag 3 2 0 0 0\n2\n2\n", "t.aag:3:1:", "defines literal 2 again");
    /* cycles: direct and through two gates */
    bad_text("aag 2 1 0 1 1\n2\n4\n4 4 2\n", "t.aag:4:1:", "cyclic definition");
    bad_text("aag 4 1 0 1 3\n2\n8\n4 6 2\n6 5 2\n8 4 6\n", "cyclic definition", NULL);
    /* format details */
    bad_text("aag 3 2 0 1 1\n2\n4\n6\n6  2 4\n", "t.aag:5:3:", "AND input literal");
    bad_text("aag 3 2 0 1 1\n2\n4\n6\n6 2 4 \n", "t.aag:5:6:", "end of line");
    bad_text("aag 3 2 0 1 1\n2\n4\n6\n6 2 4\ni2 z\n", "t.aag:6:1:", "symbol for input 2");
    bad_text("aag 3 2 0 1 1\n2\n4\n6\n6 2 4\ni0 a\ni0 b\n", "t.aag:7:1:", "second symbol");
    bad_text("aag 3 2 0 1 1\n2\n4\n6\n6 2 4\ni0 \n", "t.aag:6:1:", "empty symbol name");
    bad_text("aag 3 2 0 1 1\n2\n4\n6\n6 2 4\nq\n", "t.aag:6:1:", "symbol line");
    bad_text("aag 1 0 1 0 0\n3 2\n", "t.aag:2:1:", "latch 0: expected an even literal");
}

static void test_read_file(void **state)
{
    (void)state;
    aig_file *f = (aig_file *)0x1;
    loom_err e;
    assert_int_equal(aig_read_file("/nonexistent/x.aag", &f, &e), LOOM_E_IO);
    assert_null(f);
    assert_non_null(strstr(e.msg, "/nonexistent/x.aag"));
}

UNIT_MAIN(test_and, test_symbols_and_comment, test_aiger19_sections, test_latch_resets,
          test_binary_s27, test_binary_multibyte_deltas, test_binary_errors, test_ascii_errors,
          test_read_file)
