/*
 * test_nir_relay.c -- NIR Delay nodes longer than the arch's D (issue 16,
 * item 4): a graph with delays of 40 and 25 steps compiled for D=15 gets
 * relay chains (compiler/seir_relay.c) and must run, on the reference
 * model, exactly like the same graph compiled for D=63 (where the delays
 * are native): every neuron's spike, i and v, every step, on random input.
 * Also: a per-neuron bias layer becomes one profile with own biases.
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
#include "ref.h"
#include "seir_relay.h"

static char path[256];

static void scalar(hid_t nd, const char *key, double v)
{
    h5w_num(nd, key, 0, NULL, &v, H5T_IEEE_F64LE, 0);
}

/* input(2) -> Delay [4 ms, 2.5 ms] -> Affine [[2, 0.5], [0.5, 2]] + [0.3, -0.2]
 * -> IF(r 1, theta 1.5) -> output; at dt 0.1 ms the delays are 40 and 25
 * steps, and the two IF neurons have different biases. */
static const char *graph(void)
{
    snprintf(path, sizeof path, "/tmp/loom_test_nirrelay_%ld.nir", (long)getpid());
    hid_t f, g = h5w_open(path, &f);
    h5w_io(g, "input", "Input", 2);
    h5w_io(g, "output", "Output", 2);
    double d[2] = {4e-3, 2.5e-3}, w[4] = {2, 0.5, 0.5, 2}, b[2] = {0.3, -0.2};
    hid_t n = h5w_node(g, "dly", "Delay");
    h5w_vec(n, "delay", 2, d);
    H5Gclose(n);
    n = h5w_node(g, "aff", "Affine");
    h5w_mat(n, "weight", 2, 2, w);
    h5w_vec(n, "bias", 2, b);
    H5Gclose(n);
    n = h5w_node(g, "ifn", "IF");
    scalar(n, "r", 1);
    scalar(n, "v_threshold", 1.5);
    H5Gclose(n);
    const char *e[] = {"input", "dly", "dly", "aff", "aff", "ifn", "ifn", "output"};
    h5w_close(g, f, 4, e);
    return path;
}

static seir_net *compile(int d)
{
    model_opts o;
    model_opts_default(&o);
    o.arch.d = d;
    seir_net *net;
    nir_graph *g;
    loom_err e;
    if (nir_compile_file(path, &o, &net, &g, &e) != LOOM_OK)
        fail_msg("D=%d: %s", d, e.msg);
    if (seir_validate(net, &e) != LOOM_OK)
        fail_msg("validate: %s", e.msg);
    nir_graph_free(g);
    return net;
}

static void test_delay_beyond_d(void **state)
{
    (void)state;
    graph();
    seir_net *wide = compile(63), *relay = compile(15);
    unlink(path);
    assert_int_equal(wide->arch.d, 63);
    assert_int_equal(relay->arch.d, 15);
    uint32_t maxd = 0;
    for (size_t s = 0; s < wide->n_syn; s++)
        if (wide->syn[s].d > maxd)
            maxd = wide->syn[s].d;
    assert_int_equal(maxd, 40);
    /* 40 = 2*15 + 10: two relays; 25 = 1*15 + 10: one */
    assert_int_equal(relay->n_neurons, wide->n_neurons + 3);
    assert_int_equal(seir_relay_count(wide, 15), 3);
    for (size_t s = 0; s < relay->n_syn; s++)
        assert_true(relay->syn[s].d <= 15);
    /* one profile, the two biases per neuron */
    assert_int_equal(wide->n_profiles, 1);
    assert_non_null(wide->neuron_bias);
    assert_true(seir_bias_of(wide, 0) > 0 && seir_bias_of(wide, 1) < 0);

    ref_sim *a, *b;
    loom_err e;
    assert_int_equal(ref_create(wide, &a, &e), LOOM_OK);
    assert_int_equal(ref_create(relay, &b, &e), LOOM_OK);
    uint64_t x = 12345, spikes = 0;
    for (int t = 0; t < 600; t++) {
        for (uint32_t c = 0; c < 2; c++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            if ((x >> 33) % 5 == 0) {
                ref_set_input(a, c, 1);
                ref_set_input(b, c, 1);
            }
        }
        ref_step(a);
        ref_step(b);
        for (uint32_t n = 0; n < wide->n_neurons; n++) {
            if (ref_spiked(a, n) != ref_spiked(b, n) || ref_i(a, n) != ref_i(b, n) ||
                ref_v(a, n) != ref_v(b, n))
                fail_msg("step %d neuron %u: D=63 spike %d i %d v %d, relayed spike %d i %d v %d", t, n,
                         ref_spiked(a, n), ref_i(a, n), ref_v(a, n), ref_spiked(b, n), ref_i(b, n),
                         ref_v(b, n));
            spikes += (uint64_t)ref_spiked(a, n);
        }
    }
    assert_true(spikes > 20);
    ref_destroy(a);
    ref_destroy(b);
    seir_net_free(wide);
    seir_net_free(relay);
}

UNIT_MAIN(test_delay_beyond_d)
