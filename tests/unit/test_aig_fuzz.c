/*
 * test_aig_fuzz.c -- random mutations of AIGER sample files (ASCII and
 * binary) fed to the reader and, when they still parse, to the lowering;
 * and mutated stimulus files fed to the aigsim-style runner.
 * Nothing may crash, hang or leak (the sanitizer build runs this too), and
 * every file that parses must keep the reader's promises: literals within
 * 2M+1, gates topological.  A few thousand mutations run in well under a
 * second.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "aig.h"
#include "aig_samples.h"
#include "check.h"


static const char *ascii_samples[] = {
    "aag 7 2 0 2 3\n2\n4\n6\n12\n6 13 15\n12 2 4\n14 3 5\ni0 x\ni1 y\no0 s\no1 c\nc\nhalf adder\n",
    "aag 7 2 1 2 4\n2\n4\n6 8\n6\n7\n8 4 10\n10 13 15\n12 2 6\n14 3 7\ni0 enable\ni1 reset\no0 Q\no1 !Q\n",
    "aag 5 1 1 0 3 1\n2\n4 10\n4\n6 5 3\n8 4 2\n10 9 7\nb0 AIGER_NEVER\n",
    "aag 3 1 1 1 1 1 1 2 1\n2\n4 6 1\n6\n7\n2\n2\n1\n5\n7\n3\n4\n6 2 5\nb0 bad\nj1 just\nf0 fair\n",
    "aag 11 2 0 1 9\n2\n4\n22\n6 2 4\n8 3 5\n10 7 9\n12 2 5\n14 3 4\n16 13 15\n18 10 17\n20 11 16\n22 19 21\n",
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n) { return unit_xorshift(&rng, n); }

/* Bytes that matter to the format, so mutations reach deep states. */
static uint8_t interesting(void)
{
    static const uint8_t b[] = {'0', '1', '2', '3', '7', '9', ' ', '\n', 'c', 'i', 'o',
                                'l', 'b', 0x80, 0xff, 0x00, 0x7f, 'a', 'g'};
    return rnd(3) ? b[rnd(sizeof b)] : (uint8_t)rnd(256);
}

static size_t mutate(uint8_t *buf, size_t len, size_t cap)
{
    int n = 1 + (int)rnd(4);
    for (int k = 0; k < n; k++) {
        switch (rnd(5)) {
        case 0: /* replace */
            if (len)
                buf[rnd((uint32_t)len)] = interesting();
            break;
        case 1: /* insert */
            if (len < cap) {
                size_t at = rnd((uint32_t)len + 1);
                memmove(buf + at + 1, buf + at, len - at);
                buf[at] = interesting();
                len++;
            }
            break;
        case 2: /* delete */
            if (len) {
                size_t at = rnd((uint32_t)len);
                memmove(buf + at, buf + at + 1, len - at - 1);
                len--;
            }
            break;
        case 3: /* truncate */
            len = rnd((uint32_t)len + 1);
            break;
        default: /* bump a digit */
            for (size_t t = 0; t < 8 && len; t++) {
                size_t at = rnd((uint32_t)len);
                if (buf[at] >= '0' && buf[at] <= '8') {
                    buf[at]++;
                    break;
                }
            }
        }
    }
    return len;
}

static void check_parsed(const aig_file *f)
{
    uint64_t lim = 2ull * f->maxvar + 1;
    for (uint32_t k = 0; k < f->n_outputs; k++)
        assert_true(f->outputs[k] <= lim);
    for (uint32_t k = 0; k < f->n_latches; k++)
        assert_true(f->latches[k].next <= lim);
    /* topological: a gate's fanins are not gates defined later */
    uint32_t nv = f->maxvar + 1;
    if (nv > (1u << 20))
        return;
    uint8_t *seen = calloc(nv, 1), *isand = calloc(nv, 1);
    for (uint32_t k = 0; k < f->n_ands; k++)
        isand[f->ands[k].lhs / 2] = 1;
    for (uint32_t k = 0; k < f->n_ands; k++) {
        const aig_and *g = &f->ands[k];
        assert_true(g->rhs0 <= lim && g->rhs1 <= lim);
        assert_true(!isand[g->rhs0 / 2] || seen[g->rhs0 / 2]);
        assert_true(!isand[g->rhs1 / 2] || seen[g->rhs1 / 2]);
        seen[g->lhs / 2] = 1;
    }
    free(seen);
    free(isand);
}

static int run_one(const uint8_t *buf, size_t len, int pipeline)
{
    aig_file *f = NULL;
    loom_err e;
    loom_status st = aig_read_mem(buf, len, "fuzz", &f, &e);
    if (st != LOOM_OK) {
        assert_null(f);
        assert_true(st == LOOM_E_PARSE || st == LOOM_E_CAPACITY);
        assert_true(strncmp(e.msg, "fuzz", 4) == 0); /* always says where */
        return 0;
    }
    check_parsed(f);
    model_opts o;
    model_opts_default(&o);
    o.quiet = 1;
    o.pipeline = pipeline;
    o.arch.d = 1 + (int)rnd(4);
    seir_net *net = NULL;
    aig_lowering *low = NULL;
    if (aig_lower(f, "fuzz", &o, &net, &low, &e) == LOOM_OK) {
        assert_int_equal(net->n_outputs, f->n_outputs);
        assert_int_equal(net->n_inputs, f->n_inputs);
        for (size_t k = 0; k < net->n_syn; k++) {
            assert_true(net->syn[k].dst < net->n_neurons);
            assert_true(net->syn[k].d <= (uint32_t)o.arch.d);
        }
    }
    seir_net_free(net);
    aig_lowering_free(low);
    aig_file_free(f);
    return 1;
}

static void fuzz_sample(const uint8_t *orig, size_t olen, int rounds, int *parsed)
{
    size_t cap = olen + 64;
    uint8_t *buf = malloc(cap);
    for (int r = 0; r < rounds; r++) {
        memcpy(buf, orig, olen);
        size_t len = mutate(buf, olen, cap);
        /* an exact-size heap copy so ASan sees any read past the end */
        uint8_t *exact = malloc(len ? len : 1);
        memcpy(exact, buf, len);
        *parsed += run_one(exact, len, (int)rnd(2));
        free(exact);
    }
    free(buf);
}

static void test_fuzz_ascii(void **state)
{
    (void)state;
    int parsed = 0;
    for (size_t k = 0; k < sizeof ascii_samples / sizeof *ascii_samples; k++) {
        assert_int_equal(run_one((const uint8_t *)ascii_samples[k], strlen(ascii_samples[k]), 0), 1);
        fuzz_sample((const uint8_t *)ascii_samples[k], strlen(ascii_samples[k]), 1500, &parsed);
    }
    /* some mutations must survive, or the fuzzer never reaches the lowering */
    print_message("%d of the mutated files parsed\n", parsed);
    assert_true(parsed > 50);
}

static void test_fuzz_binary(void **state)
{
    (void)state;
    int parsed = 0;
    assert_int_equal(run_one(s27_aig, s27_aig_len, 0), 1);
    fuzz_sample(s27_aig, s27_aig_len, 10000, &parsed);
    print_message("%d of the mutated files parsed\n", parsed);
    assert_true(parsed > 50);
}

/* Mutated stimulus files: a clean error or a trace, never a crash. */
static void test_fuzz_stim(void **state)
{
    (void)state;
    const char *circ = ascii_samples[1]; /* toggle-re: 2 inputs, 1 latch */
    aig_file *f;
    loom_err e;
    assert_int_equal(aig_read_mem((const uint8_t *)circ, strlen(circ), "t.aag", &f, &e), LOOM_OK);
    model_opts o;
    model_opts_default(&o);
    o.quiet = 1;
    model m = {0};
    m.kind = MODEL_AIGER;
    assert_int_equal(aig_lower(f, "t.aag", &o, &m.net, &m.aig, &e), LOOM_OK);
    FILE *out = fopen("/dev/null", "w");
    assert_non_null(out);
    const char *stim = "10\n11\n01\n00\n11\n.\n";
    uint8_t buf[64];
    int ok = 0;
    for (int r = 0; r < 3000; r++) {
        size_t len = strlen(stim);
        memcpy(buf, stim, len);
        len = mutate(buf, len, sizeof buf);
        char *exact = malloc(len ? len : 1);
        memcpy(exact, buf, len);
        loom_status st = aig_run_stim_mem(&m, exact, len, "s.stim", out, &e);
        assert_true(st == LOOM_OK || (st == LOOM_E_PARSE && strncmp(e.msg, "s.stim:", 7) == 0));
        ok += st == LOOM_OK;
        free(exact);
    }
    assert_true(ok > 10);
    fclose(out);
    seir_net_free(m.net);
    aig_lowering_free(m.aig);
    aig_file_free(f);
}

UNIT_MAIN(test_fuzz_ascii, test_fuzz_binary, test_fuzz_stim)
