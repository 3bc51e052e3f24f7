/*
 * test_nir_read.c -- the NIR reader (nir_read.c) on the four real files in
 * ../shared/data/nir (shapes and parameter values checked against h5dump
 * output) and on small files written here with the HDF5 API: nested
 * graphs, `type` as an attribute, scalar parameters broadcast, and broken
 * files (no type, wrong shapes, dangling and duplicate edges, unknown type,
 * not HDF5, truncated HDF5), each of which must fail with a message that
 * names the culprit, never crash and never print HDF5's error stack.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "nir_h5w.h"
#include "nir_int.h"

static char path_buf[4096];

static const char *data_file(const char *name)
{
    const char *d = getenv("DATA");
    snprintf(path_buf, sizeof path_buf, "%s/nir/%s", d ? d : "../shared/data", name);
    return path_buf;
}

static char tmp_path[256];
static const char *tmp_file(const char *tag)
{
    snprintf(tmp_path, sizeof tmp_path, "/tmp/loom_test_nir_%ld_%s.nir", (long)getpid(), tag);
    return tmp_path;
}

static const nir_node *node(const nir_graph *g, const char *name)
{
    for (uint32_t i = 0; i < g->n_nodes; i++)
        if (strcmp(g->nodes[i].name, name) == 0)
            return &g->nodes[i];
    fail_msg("node '%s' not found", name);
    return NULL;
}

static int edge_back(const nir_graph *g, const char *a, const char *b)
{
    for (uint32_t k = 0; k < g->n_edges; k++)
        if (strcmp(g->nodes[g->edges[k].src].name, a) == 0 && strcmp(g->nodes[g->edges[k].dst].name, b) == 0)
            return g->edges[k].back;
    fail_msg("edge %s -> %s not found", a, b);
    return -1;
}

static nir_graph *read_ok(const char *path)
{
    nir_graph *g = NULL;
    loom_err e;
    loom_status st = nir_read_file(path, &g, &e);
    if (st != LOOM_OK)
        fail_msg("%s", e.msg);
    return g;
}

/* A data file that must read, with its NIR version and node and edge counts. */
static nir_graph *read_graph(const char *name, const char *version, uint32_t nodes, uint32_t edges)
{
    nir_graph *g = read_ok(data_file(name));
    assert_string_equal(g->version, version);
    assert_int_equal(g->n_nodes, nodes);
    assert_int_equal(g->n_edges, edges);
    return g;
}

static void test_lif_norse(void **state)
{
    (void)state;
    nir_graph *g = read_graph("lif_norse.nir", "0.1.1", 4, 3);
    const nir_node *lif = node(g, "1");
    assert_int_equal(lif->kind, NIR_LIF);
    assert_int_equal(lif->size, 1);
    /* h5dump: tau 0.0025, r 1, v_leak 0, v_threshold 0.1 (float32), no v_reset */
    assert_float_equal(nir_param(lif, "tau")->v[0], 0.0025, 1e-9);
    assert_float_equal(nir_param(lif, "v_threshold")->v[0], 0.1, 1e-7);
    assert_null(nir_param(lif, "v_reset"));
    const nir_node *aff = node(g, "0");
    assert_int_equal(aff->kind, NIR_AFFINE);
    assert_float_equal(nir_param(aff, "weight")->v[0], 1.0, 0);
    assert_int_equal(node(g, "input")->size, 1);
    assert_int_equal(g->file_dt, 0);
    nir_graph_free(g);
}

static void test_braille(void **state)
{
    (void)state;
    nir_graph *g = read_graph("braille_nirtorch.nir", "0.2.0", 7, 7);
    const nir_node *fc1 = node(g, "fc1");
    const nir_array *w = nir_param(fc1, "weight");
    assert_int_equal(w->rank, 2);
    assert_int_equal(w->dims[0], 38);
    assert_int_equal(w->dims[1], 12);
    assert_int_equal(fc1->size, 38);
    const nir_node *lif = node(g, "lif1.lif");
    assert_int_equal(lif->kind, NIR_CUBALIF);
    assert_int_equal(lif->size, 38);
    /* h5dump: tau_syn 0.000222222, tau_mem 0.001, w_in 2.22222, r 10, v_threshold 1 */
    assert_float_equal(nir_param(lif, "tau_syn")->v[5], 0.000222222, 1e-9);
    assert_float_equal(nir_param(lif, "tau_mem")->v[37], 0.001, 1e-9);
    assert_float_equal(nir_param(lif, "w_in")->v[0], 2.22222, 1e-5);
    assert_float_equal(nir_param(lif, "v_threshold")->v[37], 1.0, 0);
    assert_float_equal(nir_param(lif, "r")->v[0], 10.0, 1e-5);
    assert_int_equal(node(g, "lif2")->size, 7);
    /* the recurrence: DFS from input reaches lif1.lif first, so the edge
     * back into it closes the cycle */
    assert_int_equal(edge_back(g, "lif1.w_rec", "lif1.lif"), 1);
    assert_int_equal(edge_back(g, "lif1.lif", "lif1.w_rec"), 0);
    assert_int_equal(edge_back(g, "fc1", "lif1.lif"), 0);
    nir_graph_free(g);
}

static void test_cnn(void **state)
{
    (void)state;
    nir_graph *g = read_ok(data_file("cnn_sinabs.nir"));
    assert_int_equal(g->n_nodes, 15);
    const nir_node *in = node(g, "input");
    assert_int_equal(in->rank, 3);
    assert_int_equal(in->size, 2 * 34 * 34);
    const nir_node *c0 = node(g, "0");
    assert_int_equal(c0->kind, NIR_CONV2D);
    const nir_array *w = nir_param(c0, "weight");
    assert_int_equal(w->dims[0], 16);
    assert_int_equal(w->dims[1], 2);
    assert_int_equal(w->dims[2], 5);
    /* (34 + 2*1 - 5) / 2 + 1 = 16 */
    assert_int_equal(c0->shape[0], 16);
    assert_int_equal(c0->shape[1], 16);
    assert_int_equal(c0->shape[2], 16);
    assert_int_equal(node(g, "1")->size, 4096);
    const nir_node *p4 = node(g, "4");
    assert_int_equal(p4->kind, NIR_SUMPOOL2D);
    assert_int_equal(p4->shape[1], 8);
    assert_int_equal(node(g, "5")->size, 8 * 8 * 8);
    const nir_node *fl = node(g, "8");
    assert_int_equal(fl->kind, NIR_FLATTEN);
    assert_int_equal(fl->rank, 1);
    assert_int_equal(fl->size, 128);
    assert_int_equal(node(g, "9")->size, 256);
    assert_int_equal(node(g, "12")->size, 10);
    assert_int_equal(node(g, "output")->size, 10);
    nir_graph_free(g);
}

static void test_all_primitives(void **state)
{
    (void)state;
    nir_graph *g = read_ok(data_file("all_primitives_gzip.nir"));
    assert_string_equal(g->version, "1.0.7-test");
    assert_float_equal(g->file_dt, 0.001, 1e-15);
    assert_int_equal(node(g, "cuba")->kind, NIR_CUBALIF);
    /* gzip'ed float64: delay 0.002, scale 2, Linear identity */
    assert_float_equal(nir_param(node(g, "delay"), "delay")->v[3], 0.002, 1e-15);
    assert_float_equal(nir_param(node(g, "scale"), "scale")->v[0], 2.0, 0);
    const nir_array *lw = nir_param(node(g, "lin"), "weight");
    assert_float_equal(lw->v[0], 1.0, 0);
    assert_float_equal(lw->v[1], 0.0, 0);
    assert_float_equal(lw->v[5], 1.0, 0);
    assert_float_equal(nir_param(node(g, "lif"), "v_reset")->v[0], 0.0, 0);
    assert_int_equal(node(g, "aff")->size, 4);
    assert_int_equal(edge_back(g, "lin", "lif"), 1);
    assert_int_equal(edge_back(g, "cuba", "lin"), 0);
    nir_graph_free(g);
}

/* A small valid graph: input(3) -> aff (2x3) -> lif (scalar params,
 * broadcast) -> output; mutated by `flaw`. */
enum flaw { OK, NO_TYPE, BAD_SHAPE, DANGLING, DUPLICATE, UNKNOWN, BAD_PARAM, NESTED, ATTR_TYPE };

static const char *write_graph(enum flaw flaw)
{
    const char *p = tmp_file("g");
    hid_t f;
    hid_t g = h5w_open(p, &f);
    h5w_io(g, "input", "Input", 3);
    h5w_io(g, "output", "Output", 2);
    double w[6] = {0.5, -0.25, 1.0, 0.0, 0.75, -1.0}, b[2] = {0.1, 0.0};
    hid_t n = h5w_node(g, "aff", flaw == NO_TYPE ? NULL : (flaw == UNKNOWN ? "Sigmoid" : "Affine"));
    if (flaw == ATTR_TYPE) {
        H5Ldelete(n, "type", H5P_DEFAULT);
        h5w_str_attr(n, "type", "Affine");
    }
    h5w_mat(n, "weight", 2, flaw == BAD_SHAPE ? 2 : 3, w);
    h5w_vec(n, "bias", 2, b);
    H5Gclose(n);
    if (flaw == NESTED) {
        /* lif inside a subgraph "sub" with its own Input/Output */
        hid_t s = h5w_node(g, "sub", "NIRGraph");
        hid_t sn = H5Gcreate2(s, "nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Gclose(sn);
        h5w_io(s, "i", "Input", 2);
        h5w_io(s, "o", "Output", 2);
        n = h5w_node(s, "lif", "LIF");
        const char *se[] = {"i", "lif", "lif", "o"};
        h5w_edges(s, 2, se);
        H5Gclose(s);
    } else
        n = h5w_node(g, "lif", "LIF");
    double tau = 1e-3, one = 1, zero = 0, thr[2] = {1.0, 0.5};
    h5w_num(n, "tau", 0, NULL, &tau, H5T_IEEE_F64LE, 0);
    h5w_num(n, "r", 0, NULL, &one, H5T_IEEE_F32LE, 0);
    h5w_num(n, "v_leak", 0, NULL, &zero, H5T_IEEE_F64LE, 0);
    if (flaw == BAD_PARAM) {
        double t3[3] = {1, 1, 1};
        h5w_vec(n, "v_threshold", 3, t3);
    } else
        h5w_vec(n, "v_threshold", 2, thr);
    H5Gclose(n);
    const char *lif = flaw == NESTED ? "sub" : "lif";
    const char *e[] = {"input", "aff", "aff", lif, lif, "output", "aff", "lif"};
    size_t ne = 3;
    if (flaw == DANGLING)
        e[3] = "lfi";
    if (flaw == DUPLICATE) {
        e[6] = "aff", e[7] = lif;
        ne = 4;
    }
    h5w_close(g, f, ne, e);
    return p;
}

static void read_bad(const char *path, loom_status want, const char *frag1, const char *frag2)
{
    nir_graph *g = (nir_graph *)1;
    loom_err e;
    loom_status st = nir_read_file(path, &g, &e);
    if (st == LOOM_OK)
        fail_msg("%s: accepted, expected an error with '%s'", path, frag1);
    assert_null(g);
    assert_int_equal(st, want);
    if (!strstr(e.msg, frag1) || (frag2 && !strstr(e.msg, frag2)))
        fail_msg("message '%s' lacks '%s' / '%s'", e.msg, frag1, frag2 ? frag2 : "");
}

static void test_small_ok(void **state)
{
    (void)state;
    nir_graph *g = read_ok(write_graph(OK));
    const nir_node *lif = node(g, "lif");
    assert_int_equal(lif->size, 2); /* from v_threshold; tau/r/v_leak broadcast */
    assert_int_equal(node(g, "aff")->in_size, 3);
    nir_graph_free(g);
    g = read_ok(write_graph(ATTR_TYPE));
    assert_int_equal(node(g, "aff")->kind, NIR_AFFINE);
    nir_graph_free(g);
    unlink(tmp_path);
}

static void test_nested(void **state)
{
    (void)state;
    nir_graph *g = read_ok(write_graph(NESTED));
    const nir_node *lif = node(g, "sub.lif");
    assert_int_equal(lif->kind, NIR_LIF);
    assert_int_equal(node(g, "sub.i")->kind, NIR_IDENTITY);
    assert_int_equal(node(g, "sub.o")->kind, NIR_IDENTITY);
    /* the outer edges aff -> sub and sub -> output go to sub.i / from sub.o */
    assert_int_equal(edge_back(g, "aff", "sub.i"), 0);
    assert_int_equal(edge_back(g, "sub.o", "output"), 0);
    assert_int_equal(node(g, "output")->size, 2);
    /* and it lowers: 3 channels, 2 LIF neurons fed by the Affine */
    loom_err e;
    assert_int_equal(nir_lower(g, 1e-4, 0, &e), LOOM_OK);
    assert_int_equal(g->n_inputs, 3);
    assert_int_equal(g->n_neurons, 2);
    assert_int_equal(g->pops[0].is_output, 1);
    /* neuron 0: 0.5*x0 - 0.25*x1 + 1.0*x2 and bias 0.1 */
    assert_int_equal(g->in_off[1] - g->in_off[0], 3);
    assert_float_equal(g->in_terms[g->in_off[0] + 1].w, -0.25, 1e-7);
    assert_float_equal(g->bias_u[0], 0.1, 1e-7);
    nir_graph_free(g);
    unlink(tmp_path);
}

static void test_malformed(void **state)
{
    (void)state;
    read_bad(write_graph(NO_TYPE), LOOM_E_PARSE, "'aff'", "no 'type'");
    read_bad(write_graph(UNKNOWN), LOOM_E_UNSUPPORTED, "'aff'", "Sigmoid");
    read_bad(write_graph(BAD_SHAPE), LOOM_E_INVALID, "'aff'", "3 elements");
    read_bad(write_graph(DANGLING), LOOM_E_INVALID, "'lfi'", "does not exist");
    read_bad(write_graph(DUPLICATE), LOOM_E_INVALID, "duplicate edge", "'aff' -> 'lif'");
    read_bad(write_graph(BAD_PARAM), LOOM_E_INVALID, "'lif'", "3 elements");
    unlink(tmp_path);
    /* not HDF5 at all */
    const char *p = tmp_file("text");
    FILE *f = fopen(p, "w");
    fputs("this is not an HDF5 file\n", f);
    fclose(f);
    read_bad(p, LOOM_E_PARSE, "not an HDF5 file", NULL);
    unlink(p);
    read_bad("/nonexistent/x.nir", LOOM_E_IO, "cannot open", NULL);
    /* a real file cut short */
    FILE *in = fopen(data_file("braille_nirtorch.nir"), "rb");
    assert_non_null(in);
    static unsigned char buf[40000];
    size_t n = fread(buf, 1, sizeof buf, in);
    fclose(in);
    for (size_t cut = 1000; cut < n; cut += 7000) {
        p = tmp_file("cut");
        f = fopen(p, "wb");
        fwrite(buf, 1, cut, f);
        fclose(f);
        nir_graph *g = NULL;
        loom_err e;
        assert_int_not_equal(nir_read_file(p, &g, &e), LOOM_OK);
        assert_null(g);
        unlink(p);
    }
}

UNIT_MAIN(test_lif_norse, test_braille, test_cnn, test_all_primitives, test_small_ok, test_nested,
          test_malformed)
