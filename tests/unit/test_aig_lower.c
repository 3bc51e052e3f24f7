/*
 * test_aig_lower.c -- the AIGER lowering, checked by running the lowered
 * net on the reference model: hand-written truth tables of small circuits,
 * latch reset values, the neuron parameters the lowering promises, and
 * random circuits (combinational and sequential) compared step by step
 * against a direct evaluation of the AIG written here, in both modes and
 * for several max delays D (buffer chains).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "aig.h"
#include "check.h"
#include "ref.h"
#include "loom_mem.h"

typedef struct lowered {
    aig_file *f;
    model m;
} lowered;

static void lower_text(const char *text, int pipeline, int d, lowered *out)
{
    loom_err e;
    memset(out, 0, sizeof *out);
    if (aig_read_mem((const uint8_t *)text, strlen(text), "t.aag", &out->f, &e))
        fail_msg("read: %s", e.msg);
    model_opts o;
    model_opts_default(&o);
    o.pipeline = pipeline;
    o.quiet = 1;
    if (d >= 0)
        o.arch.d = d;
    out->m.kind = MODEL_AIGER;
    if (aig_lower(out->f, "t.aag", &o, &out->m.net, &out->m.aig, &e))
        fail_msg("lower: %s", e.msg);
}

static void lowered_free(lowered *l)
{
    aig_file_free(l->f);
    seir_net_free(l->m.net);
    aig_lowering_free(l->m.aig);
}

/* Runs the stimulus text and compares the printed trace with `expect`. */
static void check_trace(const char *circuit, int pipeline, const char *stim, const char *expect)
{
    lowered l;
    lower_text(circuit, pipeline, -1, &l);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    loom_err e;
    if (aig_run_stim_mem(&l.m, stim, strlen(stim), "s.stim", out, &e))
        fail_msg("run: %s", e.msg);
    fclose(out);
    assert_string_equal(buf, expect);
    free(buf);
    lowered_free(&l);
}

/* Truth tables written by hand from the circuits' definitions. */
static void test_truth_tables(void **state)
{
    (void)state;
    const char *v2 = "00\n01\n10\n11\n";
    for (int p = 0; p < 2; p++) {
        check_trace("aag 3 2 0 1 1\n2\n4\n6\n6 2 4\n", p, v2, " 00 0\n 01 0\n 10 0\n 11 1\n");
        check_trace("aag 3 2 0 1 1\n2\n4\n7\n6 3 5\n", p, v2, " 00 0\n 01 1\n 10 1\n 11 1\n");
        /* half adder: outputs sum, carry */
        check_trace("aag 7 2 0 2 3\n2\n4\n6\n12\n6 13 15\n12 2 4\n14 3 5\n", p, v2,
                    " 00 00\n 01 10\n 10 10\n 11 01\n");
        check_trace("aag 1 1 0 1 0\n2\n2\n", p, "0\n1\n.\n", " 0 0\n 1 1\n");
        check_trace("aag 1 1 0 1 0\n2\n3\n", p, "0\n1\n", " 0 1\n 1 0\n");
        /* constants, an output twice, an input as output next to gates */
        check_trace("aag 3 2 0 5 1\n2\n4\n0\n1\n6\n6\n4\n6 3 4\n", p, v2,
                    " 00 01000\n 01 01111\n 10 01000\n 11 01001\n");
        /* x & x, x & !x, !x & !x, x & 1 */
        check_trace("aag 6 1 0 4 4\n2\n4\n6\n8\n10\n4 2 2\n6 2 3\n8 3 3\n10 2 1\n", p, "0\n1\n",
                    " 0 0010\n 1 1001\n");
    }
}

static void test_sequential(void **state)
{
    (void)state;
    /* toggle: latch 2 <- !2, outputs Q and !Q; no inputs: empty vectors */
    check_trace("aag 1 0 1 2 0\n2 3\n2\n3\n", 0, "\n\n\n\n", "0  01\n1  10\n0  01\n1  10\n");
    /* the same latch with reset value 1 starts high */
    check_trace("aag 1 0 1 2 0\n2 3 1\n2\n3\n", 0, "\n\n\n", "1  10\n0  01\n1  10\n");
    /* uninitialised (reset = own literal) starts at 0 */
    check_trace("aag 1 0 1 1 0\n2 3 2\n2\n", 0, "\n\n", "0  0\n1  1\n");
    /* a latch with a constant next state (1) and reset 0, and with next 0 and reset 1 */
    check_trace("aag 2 0 2 2 0\n2 1 0\n4 0 1\n2\n4\n", 0, "\n\n\n", "01  01\n10  10\n10  10\n");
    /* a 2-bit shift register from input x: l0 <- x, l1 <- !l0 (reset 1) */
    check_trace("aag 3 1 2 1 0\n2\n4 2\n6 5 1\n6\n", 0, "1\n0\n0\n1\n1\n",
                "01 1 1\n11 0 1\n00 0 0\n01 1 1\n11 1 1\n");
}

static void test_neuron_parameters(void **state)
{
    (void)state;
    lowered l;
    /* gate 6 = !2 & 4 */
    lower_text("aag 3 2 0 1 1\n2\n4\n6\n6 3 4\ni0 a[0]\ni1 a[1]\no0 y\n", 0, -1, &l);
    const seir_net *n = l.m.net;
    assert_int_equal(n->n_inputs, 2);
    assert_int_equal(n->n_input_groups, 1); /* a[0], a[1] form the array a[2] */
    assert_string_equal(n->input_groups[0].name, "a");
    assert_true(n->input_groups[0].is_array);
    assert_int_equal(n->n_neurons, 1);
    const seir_profile *p = &n->profiles[n->neuron_profile[0]];
    assert_int_equal(p->a_syn, 0);
    assert_int_equal(p->a_mem, 0);
    assert_int_equal(p->theta, 2);
    assert_int_equal(p->bias, 1);
    assert_int_equal(p->reset, SEIR_RESET_ZERO);
    assert_int_equal(n->n_syn, 2);
    for (size_t k = 0; k < 2; k++) {
        const seir_syn *s = &n->syn[k];
        assert_true(SEIR_IS_INPUT(s->src));
        assert_int_equal(s->d, 0);
        assert_int_equal(s->w, SEIR_SRC_INDEX(s->src) == 0 ? -1 : 1);
    }
    assert_int_equal(n->n_outputs, 1);
    assert_int_equal(n->outputs[0].neuron, 0);
    assert_int_equal(n->outputs[0].kind, SEIR_OUT_SPIKE);
    lowered_free(&l);

    /* a latch: delay-1 edge and its reset value as ring input at step 0 */
    lower_text("aag 1 0 1 1 0\n2 3 1\n2\nl0 q\n", 0, -1, &l);
    n = l.m.net;
    assert_int_equal(n->n_neurons, 1);
    assert_string_equal(n->neuron_groups[0].name, "q");
    assert_int_equal(n->n_syn, 1);
    assert_int_equal(n->syn[0].d, 1);
    assert_int_equal(n->syn[0].w, -1);
    assert_int_equal(n->profiles[n->neuron_profile[0]].bias, 2);
    assert_int_equal(n->n_ring_init, 0); /* bias 2 alone reaches theta: starts at 1 */
    lowered_free(&l);

    /* names that SEIR cannot take are sanitised and kept unique */
    lower_text("aag 3 3 0 1 0\n2\n4\n6\n3\ni0 1st\ni1 a-b\ni2 a-b\no0 and_b0\n", 0, -1, &l);
    n = l.m.net;
    assert_string_equal(n->input_groups[0].name, "_1st");
    assert_string_equal(n->input_groups[1].name, "a_b");
    assert_string_equal(n->input_groups[2].name, "a_b_2");
    assert_string_equal(n->neuron_groups[0].name, "and_b0_2");
    lowered_free(&l);
}

static void test_refusals(void **state)
{
    (void)state;
    aig_file *f;
    loom_err e;
    const char *t = "aag 1 0 1 1 0\n2 3\n2\n";
    assert_int_equal(aig_read_mem((const uint8_t *)t, strlen(t), "t.aag", &f, &e), LOOM_OK);
    model_opts o;
    model_opts_default(&o);
    o.quiet = 1;
    seir_net *net = (seir_net *)1;
    aig_lowering *low = (aig_lowering *)1;
    o.pipeline = 1;
    assert_int_equal(aig_lower(f, "t.aag", &o, &net, &low, &e), LOOM_E_UNSUPPORTED);
    assert_null(net);
    assert_null(low);
    assert_non_null(strstr(e.msg, "--pipeline takes combinational circuits only"));
    o.pipeline = 0;
    o.arch.d = 0;
    assert_int_equal(aig_lower(f, "t.aag", &o, &net, &low, &e), LOOM_E_CAPACITY);
    assert_non_null(strstr(e.msg, "D = 0"));
    aig_file_free(f);
}

/* ---- random circuits against a direct evaluation ---- */

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(uint32_t n) { return unit_xorshift(&rng, n); }

/* Spreads variable numbers out (var -> 3 var) so the file has gaps. */
static int sparse_vars;
static uint32_t sp(uint32_t lit) { return lit < 2 || !sparse_vars ? lit : 6 * (lit / 2) + (lit & 1); }

/* Writes a random ASCII AIG: I inputs, L latches, A gates (listed in a
 * shuffled order), O outputs over any literal including constants. */
static char *random_aig(uint32_t I, uint32_t L, uint32_t A, uint32_t O, int deep)
{
    size_t cap = 64 + 40 * (size_t)(I + L + A + O), n = 0;
    char *s = malloc(cap);
    uint32_t M = I + L + A;
    n += (size_t)sprintf(s + n, "aag %u %u %u %u %u\n", sparse_vars ? 3 * M : M, I, L, O, A);
    for (uint32_t k = 0; k < I; k++)
        n += (size_t)sprintf(s + n, "%u\n", sp(2 * (k + 1)));
    for (uint32_t k = 0; k < L; k++) {
        uint32_t r = rnd(3);
        uint32_t lit = 2 * (I + k + 1);
        n += (size_t)sprintf(s + n, "%u %u %u\n", sp(lit), sp(rnd(2 * M + 2)), r == 2 ? sp(lit) : r);
    }
    for (uint32_t k = 0; k < O; k++)
        n += (size_t)sprintf(s + n, "%u\n", sp(rnd(2 * M + 2)));
    uint32_t *order = malloc((A + 1) * sizeof *order);
    for (uint32_t k = 0; k < A; k++)
        order[k] = k;
    for (uint32_t k = A; k > 1; k--) {
        uint32_t j = rnd(k), t = order[k - 1];
        order[k - 1] = order[j];
        order[j] = t;
    }
    for (uint32_t j = 0; j < A; j++) {
        uint32_t k = order[j], lhs = 2 * (I + L + k + 1);
        /* fanins below lhs: constants, inputs, latches or earlier gates */
        uint32_t a = rnd(lhs), b = rnd(20) == 0 ? a : rnd(lhs);
        if (deep) /* one fanin from the last few gates: long paths */
            a = lhs - 1 - rnd(lhs < 8 ? lhs : 8);
        n += (size_t)sprintf(s + n, "%u %u %u\n", sp(lhs), sp(a), sp(b));
    }
    free(order);
    return s;
}

static int lit_val(const uint8_t *val, uint32_t lit) { return val[lit / 2] ^ (lit & 1); }

static void check_random(uint32_t I, uint32_t L, uint32_t A, uint32_t O, int pipeline, int d,
                         uint32_t steps, int deep)
{
    char *text = random_aig(I, L, A, O, deep);
    lowered l;
    lower_text(text, pipeline, d, &l);
    const aig_file *f = l.f;
    ref_sim *sim;
    loom_err e;
    if (ref_create(l.m.net, &sim, &e))
        fail_msg("ref_create: %s", e.msg);
    uint32_t M = f->maxvar, lat = l.m.aig->latency;
    uint8_t *val = calloc(M + 1, 1), *next = calloc(L + 1, 1);
    uint8_t *expect = calloc((size_t)(steps + 1) * (O + 1), 1);
    uint8_t (*in)[64] = calloc(steps + 1, sizeof *in);
    for (uint32_t k = 0; k < L; k++)
        val[f->latches[k].lit / 2] = f->latches[k].reset == 1;
    for (uint32_t t = 0; t < steps + lat; t++) {
        if (t < steps) {
            for (uint32_t c = 0; c < I; c++) {
                in[t][c] = (uint8_t)rnd(2);
                val[f->inputs[c] / 2] = in[t][c];
                ref_set_input(sim, c, in[t][c]);
            }
            for (uint32_t k = 0; k < A; k++) /* ands are topological after reading */
                val[f->ands[k].lhs / 2] =
                    (uint8_t)(lit_val(val, f->ands[k].rhs0) & lit_val(val, f->ands[k].rhs1));
            for (uint32_t k = 0; k < O; k++)
                expect[(size_t)t * O + k] = (uint8_t)lit_val(val, f->outputs[k]);
        }
        ref_step(sim);
        if (t >= lat) {
            uint32_t v = t - lat;
            for (uint32_t k = 0; k < O; k++)
                if (ref_spiked(sim, l.m.aig->output_neuron[k]) != expect[(size_t)v * O + k])
                    fail_msg("pipeline=%d D=%d: vector %u output %u differs\n%s", pipeline, d, v, k,
                             text);
            for (uint32_t k = 0; k < L; k++)
                if (ref_spiked(sim, l.m.aig->latch_neuron[k]) != val[f->latches[k].lit / 2])
                    fail_msg("step %u latch %u differs\n%s", t, k, text);
        }
        if (t < steps) {
            for (uint32_t k = 0; k < L; k++)
                next[k] = (uint8_t)lit_val(val, f->latches[k].next);
            for (uint32_t k = 0; k < L; k++)
                val[f->latches[k].lit / 2] = next[k];
        }
    }
    ref_destroy(sim);
    /* the same vectors through aig_run_stim_mem (change-driven from the
     * settled state in pipeline mode, check/dsim.h): the same outputs */
    char *stim = malloc((size_t)steps * (I + 1) + 1), *buf = NULL;
    size_t sn = 0, blen = 0;
    for (uint32_t t = 0; t < steps; t++) {
        for (uint32_t c = 0; c < I; c++)
            stim[sn++] = (char)('0' + in[t][c]);
        stim[sn++] = '\n';
    }
    FILE *out = open_memstream(&buf, &blen);
    if (aig_run_stim_mem(&l.m, stim, sn, "r.stim", out, &e))
        fail_msg("aig_run_stim_mem: %s", e.msg);
    fclose(out);
    const char *line = buf;
    for (uint32_t t = 0; t < steps; t++) {
        const char *o = strchr(strchr(line, ' ') + 1, ' ') + 1; /* latches inputs OUTPUTS */
        for (uint32_t k = 0; k < O; k++)
            if (o[k] - '0' != expect[(size_t)t * O + k])
                fail_msg("aig_run_stim_mem pipeline=%d D=%d: vector %u output %u differs\n%s",
                         pipeline, d, t, k, text);
        line = strchr(line, '\n') + 1;
    }
    assert_int_equal(*line, 0);
    LOOM_FREE(buf, stim, val, next, expect, in, text);
    lowered_free(&l);
}

static void test_random_combinational(void **state)
{
    (void)state;
    static const int ds[] = {15, 1, 2, 3, 5};
    for (int round = 0; round < 40; round++) {
        uint32_t I = 1 + rnd(12), A = rnd(120), O = 1 + rnd(10);
        int deep = round % 3 == 0;
        sparse_vars = round % 4 == 1;
        check_random(I, 0, A, O, 0, 15, 30, deep);
        check_random(I, 0, A, O, 1, ds[round % 5], 30, deep);
    }
}

static void test_random_sequential(void **state)
{
    (void)state;
    for (int round = 0; round < 40; round++, sparse_vars = round % 4 == 1)
        check_random(rnd(6), 1 + rnd(8), rnd(60), 1 + rnd(6), 0, 1 + (int)rnd(15), 40, round % 2);
}

static void test_stim_errors(void **state)
{
    (void)state;
    lowered l;
    lower_text("aag 3 2 0 1 1\n2\n4\n6\n6 2 4\n", 0, -1, &l);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    loom_err e;
    assert_int_equal(aig_run_stim_mem(&l.m, "01\n011\n", 7, "s.stim", out, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "s.stim:2:"));
    assert_non_null(strstr(e.msg, "exactly 2 characters"));
    assert_int_equal(aig_run_stim_mem(&l.m, "01\n0x\n", 6, "s.stim", out, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "s.stim:2:2:"));
    /* nothing after the final '.' is read; CRLF lines are fine */
    assert_int_equal(aig_run_stim_mem(&l.m, "11\r\n.\ngarbage\n", 15, "s.stim", out, &e), LOOM_OK);
    fclose(out);
    assert_string_equal(buf, " 11 1\n");
    free(buf);
    lowered_free(&l);
}

UNIT_MAIN(test_truth_tables, test_sequential, test_neuron_parameters, test_refusals,
          test_random_combinational, test_random_sequential, test_stim_errors)
