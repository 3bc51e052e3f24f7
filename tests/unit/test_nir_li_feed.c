/*
 * test_nir_li_feed.c -- an LI or I node whose v drives a further layer
 * (not only an Output) is refused when the graph is compiled, naming the
 * node, its kind and the reason; the same graph ending at the integrator
 * (the first half of the workaround in docs/nir.md) compiles, with the
 * integrator as a v output.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "model.h"
#include "nir_h5w.h"

static char tmp_path[256];

/* input(2) -> aff1 -> integ (LI or I) -> [aff2 -> lif ->] output */
static const char *write_graph(const char *kind, int feed_on)
{
    snprintf(tmp_path, sizeof tmp_path, "/tmp/loom_test_nir_li_%ld_%s_%d.nir", (long)getpid(), kind, feed_on);
    hid_t f, g = h5w_open(tmp_path, &f);
    h5w_io(g, "input", "Input", 2);
    h5w_io(g, "output", "Output", 2);
    double w[4] = {1.0, 0.5, -0.5, 1.0}, b[2] = {0, 0};
    double tau = 1e-3, one = 1, zero = 0, thr[2] = {0.5, 0.5};
    hid_t n = h5w_node(g, "aff1", "Affine");
    h5w_mat(n, "weight", 2, 2, w);
    h5w_vec(n, "bias", 2, b);
    H5Gclose(n);
    n = h5w_node(g, "integ", kind);
    if (!strcmp(kind, "LI")) {
        h5w_vec(n, "tau", 2, (double[]){tau, tau});
        h5w_vec(n, "v_leak", 2, (double[]){zero, zero});
    }
    h5w_vec(n, "r", 2, (double[]){one, one});
    H5Gclose(n);
    if (feed_on) {
        n = h5w_node(g, "aff2", "Affine");
        h5w_mat(n, "weight", 2, 2, w);
        h5w_vec(n, "bias", 2, b);
        H5Gclose(n);
        n = h5w_node(g, "lif", "LIF");
        h5w_vec(n, "tau", 2, (double[]){tau, tau});
        h5w_vec(n, "r", 2, (double[]){one, one});
        h5w_vec(n, "v_leak", 2, (double[]){zero, zero});
        h5w_vec(n, "v_threshold", 2, thr);
        H5Gclose(n);
        const char *e[] = {"input", "aff1", "aff1", "integ", "integ", "aff2", "aff2", "lif", "lif", "output"};
        h5w_edges(g, 5, e);
    } else {
        const char *e[] = {"input", "aff1", "aff1", "integ", "integ", "output"};
        h5w_edges(g, 3, e);
    }
    H5Gclose(g);
    H5Fclose(f);
    return tmp_path;
}

static void check_refused(const char *kind)
{
    model m;
    model_opts o;
    model_opts_default(&o);
    o.quiet = 1;
    loom_err e;
    loom_status st = model_load(write_graph(kind, 1), &o, &m, &e);
    assert_int_equal(st, LOOM_E_UNSUPPORTED);
    char want[64];
    snprintf(want, sizeof want, "node 'integ' (%s) feeds another node", kind);
    if (!strstr(e.msg, want) || !strstr(e.msg, "only spikes travel on synapses") || !strstr(e.msg, tmp_path))
        fail_msg("message '%s' lacks '%s', the reason or the file", e.msg, want);
    unlink(tmp_path);

    st = model_load(write_graph(kind, 0), &o, &m, &e);
    if (st != LOOM_OK)
        fail_msg("%s ending at the integrator: %s", kind, e.msg);
    assert_int_equal(m.net->n_outputs, 2);
    assert_int_equal(m.net->outputs[0].kind, SEIR_OUT_V);
    model_free(&m);
    unlink(tmp_path);
}

static void test_li(void **state)
{
    (void)state;
    check_refused("LI");
}

static void test_i(void **state)
{
    (void)state;
    check_refused("I");
}

UNIT_MAIN(test_li, test_i)
