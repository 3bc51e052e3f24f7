/*
 * test_seir_roundtrip.c -- print -> parse -> print on random networks, the
 * shipped examples and the examples in docs/seir.md.
 *
 * Byte-identical reprinting alone would also pass for a printer/parser pair
 * that loses information symmetrically, so for the random networks the
 * parsed net is also compared field by field with the one the generator
 * built (the generator makes canonical nets: valid dense hints, no
 * zero-valued ring entries left after merging are expected to survive).
 *
 * Paths (examples/seir, docs/seir.md) are relative to the repository root,
 * where tests/run.sh runs every test.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include "unit.h"

#include "seir.h"
#include "seir_gen.h"
#include "seir_text.h"
#include "loom_cmp.h"

/* The canonical text of net (malloc'd, NUL-terminated). */
static char *print_str(const seir_net *net, size_t *len)
{
    loom_err e;
    char *t = seirgen_text(net, len, &e);
    if (!t)
        fail_msg("print failed: %s", e.msg);
    return t;
}

static seir_net *parse_str(const char *text, size_t len, const char *name)
{
    seir_net *net = NULL;
    loom_err e;
    if (seir_parse(text, len, name, &net, &e))
        fail_msg("parse of %s failed: %s", name, e.msg);
    return net;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (tests run from the repository root)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* ---- field-by-field comparison ----------------------------------------- */

static int cmp_ring(const void *a, const void *b)
{
    const seir_ring_init *x = a, *y = b;
    return LOOM_CMP_KEYS(x, y, neuron, slot);
}

/* Ring entries as a set: sorted, same slot merged, zeros dropped. */
static size_t ring_canon(const seir_net *net, seir_ring_init *out)
{
    if (net->n_ring_init)
        memcpy(out, net->ring_init, net->n_ring_init * sizeof *out);
    qsort(out, net->n_ring_init, sizeof *out, cmp_ring);
    size_t m = 0;
    for (size_t k = 0; k < net->n_ring_init; k++) {
        if (m && out[m - 1].neuron == out[k].neuron && out[m - 1].slot == out[k].slot)
            out[m - 1].value += out[k].value;
        else
            out[m++] = out[k];
        if (out[m - 1].value == 0)
            m--;
    }
    return m;
}

static void groups_equal(const seir_group *a, const seir_group *b, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        assert_string_equal(a[k].name, b[k].name);
        assert_int_equal(a[k].first, b[k].first);
        assert_int_equal(a[k].count, b[k].count);
        assert_int_equal(a[k].is_array, b[k].is_array);
        assert_int_equal(a[k].kind, b[k].kind);
    }
}

static void nets_equal(const seir_net *a, const seir_net *b)
{
    assert_memory_equal(&a->arch, &b->arch, sizeof a->arch);
    assert_int_equal(a->n_profiles, b->n_profiles);
    for (uint32_t k = 0; k < a->n_profiles; k++) {
        const seir_profile *p = &a->profiles[k], *q = &b->profiles[k];
        assert_string_equal(p->name, q->name);
        assert_int_equal(p->a_syn, q->a_syn);
        assert_int_equal(p->a_mem, q->a_mem);
        assert_int_equal(p->theta, q->theta);
        assert_int_equal(p->v_reset, q->v_reset);
        assert_int_equal(p->reset, q->reset);
        assert_int_equal(p->shift, q->shift);
        assert_int_equal(p->bias, q->bias);
    }
    assert_int_equal(a->n_inputs, b->n_inputs);
    assert_int_equal(a->n_input_groups, b->n_input_groups);
    groups_equal(a->input_groups, b->input_groups, a->n_input_groups);
    if (a->n_inputs)
        assert_memory_equal(a->input_kind, b->input_kind, a->n_inputs);
    assert_int_equal(a->n_neurons, b->n_neurons);
    assert_int_equal(a->n_neuron_groups, b->n_neuron_groups);
    groups_equal(a->neuron_groups, b->neuron_groups, a->n_neuron_groups);
    assert_memory_equal(a->neuron_profile, b->neuron_profile, a->n_neurons * sizeof(uint32_t));
    assert_int_equal(a->n_syn, b->n_syn);
    for (size_t k = 0; k < a->n_syn; k++) {
        assert_int_equal(a->syn[k].src, b->syn[k].src);
        assert_int_equal(a->syn[k].dst, b->syn[k].dst);
        assert_int_equal(a->syn[k].w, b->syn[k].w);
        assert_int_equal(a->syn[k].d, b->syn[k].d);
    }
    assert_int_equal(a->n_dense, b->n_dense);
    for (uint32_t k = 0; k < a->n_dense; k++) {
        const seir_dense *x = &a->dense[k], *y = &b->dense[k];
        assert_int_equal(x->src_is_input, y->src_is_input);
        assert_int_equal(x->src_first, y->src_first);
        assert_int_equal(x->src_count, y->src_count);
        assert_int_equal(x->dst_first, y->dst_first);
        assert_int_equal(x->dst_count, y->dst_count);
        assert_int_equal(x->d, y->d);
        assert_int_equal(x->syn_first, y->syn_first);
        assert_int_equal(x->syn_count, y->syn_count);
    }
    assert_int_equal(a->n_outputs, b->n_outputs);
    for (uint32_t k = 0; k < a->n_outputs; k++) {
        assert_int_equal(a->outputs[k].neuron, b->outputs[k].neuron);
        assert_int_equal(a->outputs[k].kind, b->outputs[k].kind);
    }
    for (uint32_t n = 0; n < a->n_neurons; n++) {
        assert_int_equal(a->init_i ? a->init_i[n] : 0, b->init_i ? b->init_i[n] : 0);
        assert_int_equal(a->init_v ? a->init_v[n] : 0, b->init_v ? b->init_v[n] : 0);
        assert_int_equal(a->neuron_bias ? a->neuron_bias[n] : 0, b->neuron_bias ? b->neuron_bias[n] : 0);
    }
    seir_ring_init *ra = malloc((a->n_ring_init + 1) * sizeof *ra);
    seir_ring_init *rb = malloc((b->n_ring_init + 1) * sizeof *rb);
    size_t na = ring_canon(a, ra), nb = ring_canon(b, rb);
    assert_int_equal(na, nb);
    for (size_t k = 0; k < na; k++) {
        assert_int_equal(ra[k].neuron, rb[k].neuron);
        assert_int_equal(ra[k].slot, rb[k].slot);
        assert_int_equal(ra[k].value, rb[k].value);
    }
    free(ra);
    free(rb);
}

/* ---- tests ------------------------------------------------------------------- */

/* Counts what the random nets exercised, so the test proves its coverage. */
typedef struct coverage {
    unsigned dense_in, dense_neu, graded, ring, init, reset[3], out_slice, out_v, zero_d;
} coverage;

static void count_features(const seir_net *n, const char *text, coverage *c)
{
    for (uint32_t k = 0; k < n->n_dense; k++)
        n->dense[k].src_is_input ? c->dense_in++ : c->dense_neu++;
    for (uint32_t k = 0; k < n->n_inputs; k++)
        c->graded += n->input_kind[k] == SEIR_IN_GRADED;
    c->ring += n->n_ring_init > 0;
    c->init += strstr(text, " i=") != NULL;
    for (uint32_t k = 0; k < n->n_profiles; k++)
        c->reset[n->profiles[k].reset]++;
    c->out_slice += strstr(text, "..") != NULL;
    c->out_v += strstr(text, " v\n") != NULL;
    for (size_t k = 0; k < n->n_syn; k++)
        c->zero_d += n->syn[k].d == 0 && !SEIR_IS_INPUT(n->syn[k].src);
}

static void test_random_nets(void **state)
{
    (void)state;
    coverage cov = {0};
    for (uint64_t seed = 1; seed <= 120; seed++) {
        seir_net *x = seirgen_net(seed, NULL);
        assert_non_null(x);
        loom_err e;
        if (seir_validate(x, &e))
            fail_msg("seed %llu: generator made an invalid net: %s", (unsigned long long)seed, e.msg);
        size_t n1, n2;
        char *t1 = print_str(x, &n1);
        seir_net *y = parse_str(t1, n1, "random.seir");
        nets_equal(x, y);
        char *t2 = print_str(y, &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(t1, t2, n1);
        count_features(x, t1, &cov);
        free(t1);
        free(t2);
        seir_net_free(x);
        seir_net_free(y);
    }
    /* every feature showed up in several nets */
    assert_true(cov.dense_in >= 5 && cov.dense_neu >= 5);
    assert_true(cov.graded >= 5 && cov.ring >= 5 && cov.init >= 5);
    assert_true(cov.reset[0] >= 5 && cov.reset[1] >= 5 && cov.reset[2] >= 5);
    assert_true(cov.out_slice >= 5 && cov.out_v >= 5 && cov.zero_d >= 5);
}

/* Nets whose dense hints lie (or cannot be printed as one block) print the
 * synapses as syn lines; the round trip still holds. */
static void test_bad_dense_hints(void **state)
{
    (void)state;
    seir_net *x = seir_net_new(NULL);
    seir_profile p;
    seir_profile_default(&p);
    p.name = "p";
    seir_add_profile(x, &p);
    seir_add_neurons(x, "a", 2, 1, 0);
    seir_add_neurons(x, "b", 2, 1, 0);
    const int32_t w[4] = {1, 2, 3, 4};
    /* block 0 spans groups a and b: not one reference */
    seir_add_dense(x, 0, 1, 2, 2, 2, 1, w);
    /* block 1 is fine, but then its first synapse gets another delay */
    seir_add_dense(x, 0, 0, 2, 2, 2, 1, w);
    x->syn[x->dense[1].syn_first].d = 2;
    seir_add_dense(x, 0, 0, 1, 2, 1, 1, w); /* block 2: valid, 1x1 */
    size_t n1, n2;
    char *t1 = print_str(x, &n1);
    assert_null(strstr(t1, "dense a[1..1]")); /* no block for 0 */
    assert_non_null(strstr(t1, "syn a[1] b[0] 1 1\n"));
    assert_non_null(strstr(t1, "syn a[0] b[0] 1 2\n"));
    assert_non_null(strstr(t1, "syn a[1] b[1] 4 1\n"));
    assert_non_null(strstr(t1, "dense a[0] b[0] d=1\n  1\nend\n"));
    seir_net *y = parse_str(t1, n1, "hints.seir");
    assert_int_equal(y->n_dense, 1);
    assert_int_equal(y->n_syn, x->n_syn);
    char *t2 = print_str(y, &n2);
    assert_string_equal(t1, t2);
    free(t1), free(t2);
    seir_net_free(x), seir_net_free(y);
}

/* The canonical text of a small net, written out by hand. */
static void test_canonical_text(void **state)
{
    (void)state;
    static const char in[] =
        "seir 1  # header\n"
        "profile q reset=none theta=5 a_mem=4000\n"
        "input c[2]\n"
        "neuron n[3] q\n"
        "output n[2] v\n"
        "output n[0] spike\n"
        "output n[1] spike\n"
        "syn c[1] n[0] -2\n"
        "init n[2] v=7\n"
        "init n[1] ring 3=1 0=-4\n";
    static const char want[] =
        "seir 1\n"
        "arch W=8 S=16 A=24 D=15\n"
        "profile q a_syn=0 a_mem=4000 theta=5 v_reset=0 reset=none shift=0 bias=0\n"
        "input c[2] spike\n"
        "neuron n[3] q\n"
        "syn c[1] n[0] -2 0\n"
        "output n[2] v\n"
        "output n[0..1] spike\n"
        "init n[1] ring 0=-4 3=1\n"
        "init n[2] i=0 v=7\n";
    seir_net *y = parse_str(in, sizeof in - 1, "canon.seir");
    char *t = print_str(y, NULL);
    assert_string_equal(t, want);
    free(t);
    seir_net_free(y);
}

/* Parses, prints, reparses, reprints one text; returns the first print. */
static void roundtrip_text(const char *text, size_t len, const char *name)
{
    seir_net *a = parse_str(text, len, name);
    size_t n1, n2;
    char *t1 = print_str(a, &n1);
    seir_net *b = parse_str(t1, n1, name);
    nets_equal(a, b);
    char *t2 = print_str(b, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(t1, t2, n1);
    free(t1), free(t2);
    seir_net_free(a), seir_net_free(b);
}

static void test_examples(void **state)
{
    (void)state;
    DIR *d = opendir("examples/seir");
    if (!d)
        fail_msg("cannot open examples/seir (tests run from the repository root)");
    struct dirent *de;
    int n = 0, ring = 0;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".seir") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "examples/seir/%s", de->d_name);
        size_t len;
        char *text = read_all(path, &len);
        roundtrip_text(text, len, path);
        free(text);
        /* the file reader gives the same net as the text reader */
        seir_net *net;
        loom_err e;
        if (seir_parse_file(path, &net, &e))
            fail_msg("%s", e.msg);
        seir_net_free(net);
        ring += strcmp(de->d_name, "ring.seir") == 0;
        n++;
    }
    closedir(d);
    assert_true(n >= 3);
    assert_int_equal(ring, 1);
}

/* Every ```seir block of docs/seir.md parses and round-trips. */
static void test_doc_examples(void **state)
{
    (void)state;
    size_t len;
    char *doc = read_all("docs/seir.md", &len);
    int blocks = 0, canonical = 0;
    for (char *p = doc; (p = strstr(p, "```seir\n")); ) {
        p += 8;
        char *q = strstr(p, "```");
        assert_non_null(q);
        char name[64];
        int line = 1;
        for (char *c = doc; c < p; c++)
            line += *c == '\n';
        snprintf(name, sizeof name, "docs/seir.md(block at line %d)", line);
        roundtrip_text(p, (size_t)(q - p), name);
        /* a block written in canonical form (no comments) must print as itself */
        if (strncmp(p, "seir 1\narch W=", 14) == 0 && !memchr(p, '#', (size_t)(q - p))) {
            seir_net *net = parse_str(p, (size_t)(q - p), name);
            size_t n;
            char *t = print_str(net, &n);
            if (n != (size_t)(q - p) || memcmp(t, p, n) != 0)
                fail_msg("%s is not canonical; the printer writes:\n%s", name, t);
            free(t);
            seir_net_free(net);
            canonical++;
        }
        blocks++;
        p = q + 3;
    }
    free(doc);
    assert_true(blocks >= 2);
    assert_true(canonical >= 1);
}

UNIT_MAIN(test_random_nets, test_bad_dense_hints, test_canonical_text, test_examples,
          test_doc_examples)
