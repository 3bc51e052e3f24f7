/*
 * test_seir_parse.c -- the SEIR reader: malformed inputs (each with the
 * exact file:line:col and a key phrase of its message), the meaning of
 * well-formed statements, the file reader, and speed on a 1M-synapse text.
 *
 * Expected positions were counted by hand from the texts below (columns
 * are 1-based bytes).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#include "seir.h"
#include "seir_text.h"

#define P3 "seir 1\nprofile p\nneuron h[38] p\n" /* lines 1..3 */

typedef struct bad {
    const char *text;
    const char *where; /* "line:col" */
    const char *phrase;
    loom_status status;
} bad;

static const bad bads[] = {
    {"", "1:1", "expected the header 'seir 1', got end of file", LOOM_E_PARSE},
    {"# c\n\nneuron x p\n", "3:1", "expected the header 'seir 1' first, got 'neuron'", LOOM_E_PARSE},
    {"seir 2\n", "1:6", "unsupported SEIR version 2", LOOM_E_UNSUPPORTED},
    {"seir x\n", "1:6", "expected the format version (1) after 'seir', got 'x'", LOOM_E_PARSE},
    {"seir 1 extra\n", "1:8", "expected end of line after '1', got 'extra'", LOOM_E_PARSE},
    {"seir 1\nseir 1\n", "2:1", "header 'seir' given twice", LOOM_E_PARSE},
    {"seir 1\nfoo bar\n", "2:1", "unknown statement 'foo'", LOOM_E_PARSE},
    {"seir 1\n42\n", "2:1", "expected a statement (arch, profile", LOOM_E_PARSE},
    {"seir 1\nprofile p\nneuron h[3] p\nbias h 1 2\n", "4:11", "bias of 'h' has 2 values, expected 3", LOOM_E_PARSE},
    {"seir 1\nprofile p\nneuron h[2] p\nbias h 1 2 3\n", "4:12", "bias of 'h' has more than 2 values", LOOM_E_PARSE},
    {"seir 1\nprofile p\nneuron h[2] p\nbias h[1] 4\nbias h 1 2\n", "5:10", "duplicate bias: the bias of h[1]", LOOM_E_INVALID},
    {"seir 1\nprofile p\nneuron h[2] p\nbias h 40000 0\n", "4:8", "bias 40000 out of range for S=16 bits", LOOM_E_INVALID},
    {"seir 1\nprofile p bias=30000\nneuron h[2] p\nbias h 0 3000\n", "4:10", "bias of h[1]: 3000 + its profile's 30000 = 33000 is outside S=16 bits", LOOM_E_INVALID},
    {"seir 1\ninput x\nbias x 1\n", "3:6", "biases belong to neurons, but 'x' is an input", LOOM_E_INVALID},
    {"seir 1\nprofile p\narch W=8\n", "3:1", "'arch' must come right after the header", LOOM_E_INVALID},
    {"seir 1\narch W=20\n", "2:8", "arch W=20 out of range: weight bits must be 2..16", LOOM_E_INVALID},
    {"seir 1\narch D=256\n", "2:8", "arch D=256 out of range: max delay must be 0..255", LOOM_E_INVALID},
    {"seir 1\narch Q=3\n", "2:6", "unknown arch parameter 'Q' (expected W, S, A or D)", LOOM_E_INVALID},
    {"seir 1\narch W=8 W=9\n", "2:10", "arch parameter W given twice", LOOM_E_INVALID},
    {"seir 1\nprofile p a_syn=5000\n", "2:17", "a_syn=5000 out of range 0..4096", LOOM_E_INVALID},
    {"seir 1\nprofile p a_mem=-1\n", "2:17", "a_mem=-1 out of range 0..4096", LOOM_E_INVALID},
    {"seir 1\nprofile p theta=40000\n", "2:17", "theta=40000 out of range for S=16 bits (-32768..32767)",
     LOOM_E_INVALID},
    {"seir 1\narch S=8\nprofile p bias=-129\n", "3:16", "bias=-129 out of range for S=8 bits (-128..127)",
     LOOM_E_INVALID},
    {"seir 1\nprofile p shift=16\n", "2:17", "shift=16 out of range -16..15", LOOM_E_INVALID},
    {"seir 1\nprofile p reset=maybe\n", "2:17", "unknown reset mode 'maybe' (expected zero, subtract or none)",
     LOOM_E_INVALID},
    {"seir 1\nprofile p foo=1\n", "2:11", "unknown profile parameter 'foo'", LOOM_E_INVALID},
    {"seir 1\nprofile p theta=1 theta=2\n", "2:19", "profile parameter 'theta' given twice", LOOM_E_INVALID},
    {"seir 1\nprofile p\nprofile p\n", "3:9", "duplicate profile 'p' (already defined at line 2)", LOOM_E_INVALID},
    {"seir 1\nprofile p theta\n", "2:16", "expected '=' after 'theta', got end of line", LOOM_E_PARSE},
    {"seir 1\ninput x[0]\n", "2:9", "group size 0: a group has at least 1 member", LOOM_E_INVALID},
    {"seir 1\ninput x[3] fuzzy\n", "2:12", "unknown input kind 'fuzzy' (expected spike or graded)", LOOM_E_INVALID},
    {"seir 1\ninput x\nprofile p\nneuron x p\n", "4:8", "duplicate name 'x' (already an input group at line 2)",
     LOOM_E_INVALID},
    {"seir 1\nneuron h[3] lif\n", "2:13", "unknown profile 'lif'", LOOM_E_INVALID},
    {"seir 1\nprofile p\nneuron h[3]\n", "3:12", "expected a profile name after 'h[3]', got end of line",
     LOOM_E_PARSE},
    {"seir 1\nprofile p\nneuron h[3] p extra\n", "3:15", "expected end of line after 'p', got 'extra'", LOOM_E_PARSE},
    {P3 "syn h[0] h[40] 1\n", "4:12", "index 40 out of range: 'h' has 38 neurons (h[0]..h[37])", LOOM_E_INVALID},
    {P3 "syn h[0] h[1] x\n", "4:15", "expected an integer weight after 'h[1]', got 'x'", LOOM_E_PARSE},
    {P3 "syn h[0] h[1] 300\n", "4:15", "weight 300 out of range for W=8 bits (-128..127)", LOOM_E_INVALID},
    {P3 "syn h[0] h[1] -129\n", "4:15", "weight -129 out of range for W=8 bits", LOOM_E_INVALID},
    {P3 "syn h[0] h[1] 99999999999999999999999\n", "4:15", "weight 99999999999999999999999 out of range",
     LOOM_E_INVALID},
    {P3 "syn h[0] h[1] 1 16\n", "4:17", "delay 16 out of range 0..15 (D=15)", LOOM_E_INVALID},
    {P3 "syn h[0] h[1] 1 -1\n", "4:17", "delay -1 out of range 0..15", LOOM_E_INVALID},
    {P3 "syn h[0] h[1] 1 2 3\n", "4:19", "expected end of line after '2', got '3'", LOOM_E_PARSE},
    {P3 "syn h[0] g[1] 1\n", "4:10", "unknown name 'g'", LOOM_E_INVALID},
    {P3 "syn h h[1] 1\n", "4:5", "a synapse connects single elements, but 'h' is 38 neurons", LOOM_E_INVALID},
    {P3 "input x[2]\nsyn h[0] x[1] 1\n", "5:10", "synapse into input channel 'x[1]'", LOOM_E_INVALID},
    {P3 "syn h[2..1] h[0] 1\n", "4:7", "empty slice h[2..1]", LOOM_E_INVALID},
    {P3 "neuron o p\nsyn o[0] h[0] 1\n", "5:6", "'o' is a single neuron, not an array", LOOM_E_INVALID},
    {P3 "syn h[0 h[1] 1\n", "4:8", "expected ']' after 'h[0', got a space", LOOM_E_PARSE},
    {P3 "syn h[0]x h[1] 1\n", "4:9", "unexpected 'x' right after 'h[0]'", LOOM_E_PARSE},
    {P3 "dense h[0..1] h[2..3] d=1\n 1 2\n 3\nend\n", "6:3", "row 2 of the dense block has 1 weights, expected 2",
     LOOM_E_INVALID},
    {P3 "dense h[0..1] h[2..3]\n 1 2\nend\n", "6:1",
     "dense block has 1 rows, expected 2 (one per neuron of 'h[2..3]')", LOOM_E_INVALID},
    {P3 "dense h[0..1] h[2]\n 1 2\n 3 4\nend\n", "6:2", "expected 'end' after the 1 rows of the dense block",
     LOOM_E_PARSE},
    {P3 "dense h[0..1] h[2]\n 1 2 3\nend\n", "5:6", "row 1 of the dense block has more than 2 weights",
     LOOM_E_INVALID},
    {P3 "dense h[0..1] h[2]\n\n 1 2\n", "4:1", "dense block has no 'end' (the file ends after 1 of its 1 rows)",
     LOOM_E_PARSE},
    {P3 "dense h[0..1] h[2] q=1\n", "4:20", "unknown dense parameter 'q' (expected d=DELAY)", LOOM_E_INVALID},
    {P3 "dense h[0..1] h[2] d=99\n", "4:22", "delay 99 out of range 0..15", LOOM_E_INVALID},
    {P3 "dense h[0..1] h[2]\n 1 x\nend\n", "5:4", "expected an integer weight, got 'x'", LOOM_E_PARSE},
    {P3 "dense h[0..1] h[2]\n 1 200\nend\n", "5:4", "weight 200 out of range for W=8 bits", LOOM_E_INVALID},
    {P3 "input x[2]\ndense h[0..1] x\n", "5:15", "dense block into input channels 'x'", LOOM_E_INVALID},
    {P3 "output h[0] maybe\n", "4:13", "unknown output kind 'maybe' (expected spike or v)", LOOM_E_INVALID},
    {P3 "input x\noutput x\n", "5:8", "outputs are neurons, but 'x' is an input", LOOM_E_INVALID},
    {P3 "init h[1] i=1\ninit h i=2\n", "5:1", "duplicate init: initial i of h[1] already given", LOOM_E_INVALID},
    {P3 "init h[1] ring 16=1\n", "4:16", "ring slot 16 out of range 0..15 (D=15)", LOOM_E_INVALID},
    {P3 "init h[1] ring 2=1\ninit h[0..3] ring 2=5\n", "5:1",
     "duplicate init: ring slot 2 of h[1] already given at line 4", LOOM_E_INVALID},
    {P3 "init h[1] ring 2=9999999999\n", "4:18", "ring value 9999999999 out of range for A=24 bits", LOOM_E_INVALID},
    {P3 "init h[1] i=40000\n", "4:13", "initial i=40000 out of range for S=16 bits", LOOM_E_INVALID},
    {P3 "init h[1] w=3\n", "4:11", "unknown init field 'w' (expected i=, v= or ring)", LOOM_E_INVALID},
    {P3 "init h[1]\n", "4:10", "expected 'i=', 'v=' or 'ring' after 'h[1]', got end of line", LOOM_E_PARSE},
    {P3 "init h[1] ring\n", "4:15", "expected SLOT=VALUE after 'ring', got end of line", LOOM_E_PARSE},
    /* whole-net rules, located at the statement that breaks them */
    {P3 "syn h[0] h[1] 1\nsyn h[1] h[2] 1 0\n# the edge that closes it:\nsyn h[2] h[0] 1\n", "7:1",
     "zero-delay cycle: h[0] -> h[1] -> h[2] -> h[0]", LOOM_E_INVALID},
    {P3 "syn h[3] h[3] 1\n", "4:1", "zero-delay cycle: h[3] -> h[3]", LOOM_E_INVALID},
    {P3 "dense h[0..1] h[0..1]\n 0 1\n 1 0\nend\n", "6:2", "zero-delay cycle: h[1] -> h[0] -> h[1]",
     LOOM_E_INVALID},
    {"seir 1\narch A=8\nprofile p\nneuron a p\ninput g graded\nsyn g a 1\n", "6:1",
     "neuron a: accumulator bound 32768 exceeds the limit 127 = 2^(A-1)-1 for A=8", LOOM_E_INVALID},
    {"seir 1\narch A=9\nprofile p\nneuron a[3] p\ndense a a d=1\n 127 127 1\n 0 0 0\n 1 1 1\nend\n"
     "init a[0] ring 1=1\n",
     "10:1", "neuron a[0]: accumulator bound 256 exceeds the limit 255", LOOM_E_INVALID},
    /* CR LF line ends and tabs */
    {"seir 1\r\nprofile\tp\r\nneuron h[2] p\r\nsyn h[0] h[9] 1\r\n", "4:12", "index 9 out of range", LOOM_E_INVALID},
};

static void test_malformed(void **state)
{
    (void)state;
    const size_t n = sizeof bads / sizeof bads[0];
    assert_true(n >= 30);
    for (size_t k = 0; k < n; k++) {
        seir_net *net = (seir_net *)1;
        loom_err e;
        loom_status st = seir_parse(bads[k].text, strlen(bads[k].text), "t.seir", &net, &e);
        char want[64];
        snprintf(want, sizeof want, "t.seir:%s: ", bads[k].where);
        if (st == LOOM_OK || strncmp(e.msg, want, strlen(want)) != 0 ||
            !strstr(e.msg, bads[k].phrase) || st != bads[k].status || net != NULL)
            fail_msg("case %zu (status %d): got \"%s\", want \"%s...%s\" status %d", k, st,
                     st ? e.msg : "success", want, bads[k].phrase, bads[k].status);
    }
}

/* Statements mean what docs/seir.md says: numbering, slices, defaults. */
static void test_meaning(void **state)
{
    (void)state;
    static const char text[] =
        "# numbering is per kind, in declaration order\n"
        "seir 1\n"
        "arch W=6 D=3   # S and A keep their defaults\n"
        "profile l.1 theta=7 reset=subtract shift=-2 bias=-1 a_syn=12\n"
        "input a[2] graded\n"
        "neuron n[4] l.1\n"
        "input b\n"
        "neuron one l.1\n"
        "syn b n[3] -32 3\n"
        "syn n[0] one 31\n"
        "dense a[1] n[1..2]\n"
        "  5\n"
        "\n"
        "  0   # no synapse\n"
        "end\n"
        "output n[1..3] v\n"
        "output one\n"
        "init n[0..1] v=-2\n"
        "init n[1] i=3\n"
        "init one ring 3=-7\n";
    seir_net *net;
    loom_err e;
    if (seir_parse(text, sizeof text - 1, "m.seir", &net, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(net->arch.w, 6);
    assert_int_equal(net->arch.s, 16);
    assert_int_equal(net->arch.a, 24);
    assert_int_equal(net->arch.d, 3);
    const seir_profile *p = &net->profiles[0];
    assert_string_equal(p->name, "l.1");
    assert_int_equal(p->theta, 7);
    assert_int_equal(p->reset, SEIR_RESET_SUBTRACT);
    assert_int_equal(p->shift, -2);
    assert_int_equal(p->bias, -1);
    assert_int_equal(p->a_syn, 12);
    assert_int_equal(p->a_mem, SEIR_PROFILE_DEFAULT_A_MEM);
    assert_int_equal(p->v_reset, SEIR_PROFILE_DEFAULT_V_RESET);
    assert_int_equal(net->n_inputs, 3); /* a[0] a[1] b */
    assert_int_equal(net->input_kind[1], SEIR_IN_GRADED);
    assert_int_equal(net->input_kind[2], SEIR_IN_SPIKE);
    assert_int_equal(net->n_neurons, 5); /* n[0..3] one */
    assert_int_equal(net->n_syn, 3);
    /* syn b n[3] -32 3 */
    assert_int_equal(net->syn[0].src, SEIR_SRC_INPUT | 2);
    assert_int_equal(net->syn[0].dst, 3);
    assert_int_equal(net->syn[0].w, -32);
    assert_int_equal(net->syn[0].d, 3);
    /* syn n[0] one 31, delay defaults to 0 */
    assert_int_equal(net->syn[1].src, 0);
    assert_int_equal(net->syn[1].dst, 4);
    assert_int_equal(net->syn[1].d, 0);
    /* the dense block: only the nonzero entry a[1] -> n[1] */
    assert_int_equal(net->syn[2].src, SEIR_SRC_INPUT | 1);
    assert_int_equal(net->syn[2].dst, 1);
    assert_int_equal(net->syn[2].w, 5);
    assert_int_equal(net->n_dense, 1);
    assert_int_equal(net->dense[0].src_is_input, 1);
    assert_int_equal(net->dense[0].src_first, 1);
    assert_int_equal(net->dense[0].src_count, 1);
    assert_int_equal(net->dense[0].dst_first, 1);
    assert_int_equal(net->dense[0].dst_count, 2);
    assert_int_equal(net->dense[0].syn_first, 2);
    assert_int_equal(net->dense[0].syn_count, 1);
    assert_int_equal(net->n_outputs, 4);
    for (uint32_t k = 0; k < 3; k++) {
        assert_int_equal(net->outputs[k].neuron, 1 + k);
        assert_int_equal(net->outputs[k].kind, SEIR_OUT_V);
    }
    assert_int_equal(net->outputs[3].neuron, 4);
    assert_int_equal(net->outputs[3].kind, SEIR_OUT_SPIKE);
    assert_int_equal(net->init_v[0], -2);
    assert_int_equal(net->init_v[1], -2);
    assert_int_equal(net->init_i[1], 3);
    assert_int_equal(net->init_i[0], 0);
    assert_int_equal(net->init_v[2], 0);
    assert_int_equal(net->n_ring_init, 1);
    assert_int_equal(net->ring_init[0].neuron, 4);
    assert_int_equal(net->ring_init[0].slot, 3);
    assert_int_equal(net->ring_init[0].value, -7);
    seir_net_free(net);
}

static void test_file_reader(void **state)
{
    (void)state;
    char path[] = "/tmp/test_seir_parse_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("seir 1\nprofile p\nneuron a p\nsyn a a 1\n", f);
    fclose(f);
    seir_net *net;
    loom_err e;
    assert_int_equal(seir_parse_file(path, &net, &e), LOOM_E_INVALID);
    char want[128];
    snprintf(want, sizeof want, "%s:4:1: zero-delay cycle: a -> a", path);
    assert_string_equal(e.msg, want);
    unlink(path);
    assert_int_equal(seir_parse_file("/nonexistent/x.seir", &net, &e), LOOM_E_IO);
    assert_non_null(strstr(e.msg, "/nonexistent/x.seir: cannot open"));
    assert_null(net);
}

/* 1M synapses between 1000 neurons: parse + validate take about 0.15 s of
 * CPU on this machine (the figure is printed; the assertion is loose so the
 * sanitizer build does not fail it, and uses CPU time, not wall time, so a
 * busy shared machine does not either). */
static void test_million(void **state)
{
    (void)state;
    const uint32_t nn = 1000, ns = 1000000;
    size_t cap = (size_t)ns * 32 + 256, len = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    len += (size_t)sprintf(t, "seir 1\nprofile p a_mem=3900 theta=100\nneuron h[%u] p\n", nn);
    uint64_t x = 12345;
    int64_t sum_w = 0;
    for (uint32_t k = 0; k < ns; k++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t a = (uint32_t)(x >> 33) % nn, b = (uint32_t)(x >> 13) % nn;
        int w = (int)((x >> 45) % 255) - 127;
        sum_w += w;
        len += (size_t)sprintf(t + len, "syn h[%u] h[%u] %d %u\n", a, b, w, 1 + (k % 15));
    }
    seir_net *net;
    loom_err e;
    struct timespec t0, t1, c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    loom_status st = seir_parse(t, len, "big.seir", &net, &e);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st)
        fail_msg("%s", e.msg);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    double sec = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
    printf("parse+validate of %u synapses (%.1f MB): %.3f s CPU, %.3f s wall\n", ns,
           (double)len / 1e6, sec, wall);
    assert_int_equal(net->n_syn, ns);
    int64_t got = 0;
    for (size_t k = 0; k < net->n_syn; k++)
        got += net->syn[k].w;
    assert_int_equal(got, sum_w);
    assert_int_equal(net->syn[ns - 1].d, 1 + ((ns - 1) % 15));
    assert_true(sec < 10.0);
    seir_net_free(net);
    free(t);
}

UNIT_MAIN(test_malformed, test_meaning, test_file_reader, test_million)
