/*
 * test_ctrl.c -- the spiking controller: structure and validity of the
 * built network (also for extreme genes), encoding and decoding, what the
 * starting-point networks compute (worked out by hand from the thermometer
 * thresholds), fitness against an independent computation, and
 * determinism of closed-loop flights on the reference model.
 */
#include <stddef.h>
#include <stdint.h>
#include "unit.h"

#include <math.h>
#include <string.h>

#include "ctrl.h"
#include "pid.h"

static seir_net *prior_net(void)
{
    double pd[256], gi[256];
    ctrl_genes_prior(CTRL_PD, pd);
    ctrl_genes_prior(CTRL_I, gi);
    seir_net *net;
    loom_err e;
    assert_int_equal(ctrl_build(pd, gi, &net, &e), LOOM_OK);
    return net;
}

/* The starting-point network on the reference model, driven by a controller. */
typedef struct {
    seir_net *net;
    ctrl_ref r;
    ctrl_snn c;
} prior_ctrl;

static ctrl_snn *prior_ctrl_open(prior_ctrl *f)
{
    loom_err e;
    f->net = prior_net();
    assert_int_equal(ctrl_ref_open(f->net, &f->r, &e), LOOM_OK);
    ctrl_snn_init(&f->c, ctrl_ref_backend(&f->r));
    return &f->c;
}

static void prior_ctrl_close(prior_ctrl *f)
{
    ctrl_ref_close(&f->r);
    seir_net_free(f->net);
}

/* One controller step that must succeed; returns the command. */
static double snn_step(ctrl_snn *c, double err, double derr)
{
    double u;
    loom_err e;
    if (ctrl_snn_step(c, err, derr, &u, &e) != LOOM_OK) fail_msg("ctrl_snn_step: %s", e.msg);
    return u;
}

static void test_structure(void **state)
{
    (void)state;
    assert_int_equal(ctrl_n_neurons(CTRL_PD) + ctrl_n_neurons(CTRL_I), 160);
    assert_int_equal(ctrl_n_genes(CTRL_PD), 67);
    assert_int_equal(ctrl_n_genes(CTRL_I), 64);
    seir_net *net = prior_net();
    loom_err e;
    assert_int_equal(net->n_neurons, 160);
    assert_int_equal(net->n_inputs, 3);
    assert_int_equal(seir_validate(net, &e), LOOM_OK);
    assert_int_equal(net->arch.a, 16); /* the icebreaker's accumulators */
    assert_int_equal(seir_check_acc(net, &e), LOOM_OK);
    assert_int_equal(seir_input_xmax(net, CTRL_IN_ERR), 1400);
    assert_int_equal(seir_input_xmax(net, CTRL_IN_BIAS), 80);
    assert_int_equal(ctrl_check_net(net, &e), LOOM_OK);
    assert_int_equal(net->n_outputs, 2);
    char buf[32];
    assert_string_equal(seir_neuron_name(net, net->outputs[0].neuron, buf, sizeof buf), "pd_out");
    assert_string_equal(seir_neuron_name(net, net->outputs[1].neuron, buf, sizeof buf), "i_out");
    assert_int_equal(seir_find_neuron_group(net, "pd_enc_p") >= 0, 1);
    uint32_t level[160], nl;
    assert_int_equal(seir_levels(net, level, &nl, &e), LOOM_OK);
    assert_int_equal(nl, 3); /* encoders, hidden, read-out in one step */
    seir_net_free(net);
}

/* Genes far outside their ranges are clamped into a valid network. */
static void test_extreme_genes(void **state)
{
    (void)state;
    double pd[256], gi[256];
    for (double v = -1e6; v <= 1e6; v += 1e6) {
        for (int k = 0; k < 256; k++) pd[k] = gi[k] = (k % 2 ? v : -v);
        seir_net *net;
        loom_err e;
        assert_int_equal(ctrl_build(pd, gi, &net, &e), LOOM_OK);
        assert_int_equal(seir_validate(net, &e), LOOM_OK);
        seir_net_free(net);
    }
    for (int k = 0; k < 256; k++) pd[k] = gi[k] = NAN;
    seir_net *net;
    loom_err e;
    assert_int_equal(ctrl_build(pd, gi, &net, &e), LOOM_OK);
    assert_int_equal(seir_validate(net, &e), LOOM_OK);
    seir_net_free(net);
}

static void test_encode_decode(void **state)
{
    (void)state;
    int32_t in[CTRL_N_INPUTS];
    ctrl_encode(0.1234, -0.5, in);
    assert_int_equal(in[CTRL_IN_ERR], 123);
    assert_int_equal(in[CTRL_IN_DERR], -500);
    assert_int_equal(in[CTRL_IN_BIAS], 80);
    ctrl_encode(-40, 40, in); /* +-40 m: saturated at the channels' bound 1400 */
    assert_int_equal(in[CTRL_IN_ERR], -1400);
    assert_int_equal(in[CTRL_IN_DERR], 1400);
    ctrl_encode(1.3996, -1.4004, in);
    assert_int_equal(in[CTRL_IN_ERR], 1400);
    assert_int_equal(in[CTRL_IN_DERR], -1400);
    assert_true(ctrl_decode(CTRL_PD, 2480) == 2.48);
    assert_true(ctrl_decode(CTRL_I, 8000) == 1.0);
}

/* PD starting point: encoder j of the p side fires when 9 err_mm +
 * 7 derr_mm/s >= 80 * round(6.25 (j + 0.5)) + 1, i.e. above 240, 720, 1280,
 * 1760, 2240, 2720, ...; each firing encoder drives one hidden relay and adds
 * 62 << 3 = 496 to the read-out.  err = 0.3 m: 2700 passes five thresholds,
 * v = 2480, u = 2.48 (the PID: 2.7).  err = -0.3 m: the n side, -2.48.
 * err = 0.1, derr = 0.2: 900 + 1400 = 2300, five: 2.48 as well. */
static void test_pd_prior_output(void **state)
{
    (void)state;
    prior_ctrl f;
    ctrl_snn *c = prior_ctrl_open(&f);
    snn_step(c, 0.3, 0);
    assert_int_equal(c->last_v[CTRL_PD], 2480);
    snn_step(c, -0.3, 0);
    assert_int_equal(c->last_v[CTRL_PD], -2480);
    snn_step(c, 0.1, 0.2);
    assert_int_equal(c->last_v[CTRL_PD], 2480);
    snn_step(c, 0.0, 0.0);
    assert_int_equal(c->last_v[CTRL_PD], 0);
    prior_ctrl_close(&f);
}

/* I starting point: encoder j fires when 16 err_mm >= 80 * round(4 (j +
 * 0.5)) + 1: thresholds 160, 480, 800, 1120, ...  err = 0.05 m gives 800,
 * which passes two (800 - 800 = 0 is below theta = 1); each adds 8 to the
 * non-leaking read-out every step: after 10 steps v = 160, u = 0.02 (the
 * PID's I: 0.5 * 0.05 * 1 s = 0.025).  Then err = -0.03 m (480: one level,
 * 480 - 480 < 1 so only j = 0) for 5 steps: 160 - 5 * 8 = 120. */
static void test_i_prior_output(void **state)
{
    (void)state;
    prior_ctrl f;
    ctrl_snn *c = prior_ctrl_open(&f);
    for (int k = 0; k < 10; k++) snn_step(c, 0.05, 0);
    assert_int_equal(c->last_v[CTRL_I], 160);
    assert_true(fabs(c->last_u[CTRL_I] - 0.02) < 1e-12);
    double u = 0;
    for (int k = 0; k < 5; k++) u = snn_step(c, -0.03, 0);
    assert_int_equal(c->last_v[CTRL_I], 120);
    /* total command = PD + I: err -0.03 m gives 270 >= 241 on the n side: one PD level */
    assert_int_equal(c->last_v[CTRL_PD], -496);
    assert_true(fabs(u - (-0.496 + 0.015)) < 1e-12);
    prior_ctrl_close(&f);
}

/* Fitness of an all-zero genome: the output is 0, so the MSE is the mean
 * square of the clamped target, computed here directly from the trace. */
static void test_fitness(void **state)
{
    (void)state;
    plant_params p;
    plant_params_default(&p);
    ctrl_trace tr[2];
    loom_err e;
    assert_int_equal(ctrl_trace_record(&p, 11, 20, &tr[0], &e), LOOM_OK);
    assert_int_equal(ctrl_trace_record(&p, 12, 20, &tr[1], &e), LOOM_OK);
    assert_int_equal(tr[0].n, 201);
    double zero[256] = {0}, mse;
    for (int part = 0; part < 2; part++) {
        double ss = 0;
        for (int k = 0; k < 2; k++)
            for (size_t t = 0; t < tr[k].n; t++) {
                double v = fmin(10, fmax(-10, tr[k].target[part][t]));
                ss += v * v;
            }
        assert_int_equal(ctrl_fitness((ctrl_part)part, zero, tr, 2, 10, &mse, &e), LOOM_OK);
        assert_true(fabs(mse - ss / 402) < 1e-9 * (1 + mse));
    }
    /* the PD starting point imitates far better than silence */
    double pd[256], msez;
    ctrl_genes_prior(CTRL_PD, pd);
    ctrl_fitness(CTRL_PD, zero, tr, 2, 10, &msez, &e);
    assert_int_equal(ctrl_fitness(CTRL_PD, pd, tr, 2, 10, &mse, &e), LOOM_OK);
    assert_true(mse < 0.1 * msez);
    /* the recorded targets are the PID's components: p + d = 9 e + 7 de */
    assert_true(fabs(tr[0].target[CTRL_PD][50] - (9 * tr[0].err[50] + 7 * tr[0].derr[50])) < 1e-12);
    ctrl_trace_free(&tr[0]);
    ctrl_trace_free(&tr[1]);
}

/* Closed loop on the reference model: same seed, identical flight. */
static void test_flight_determinism(void **state)
{
    (void)state;
    plant_params p;
    plant_params_default(&p);
    plant_profile pr;
    plant_profile_demo(&pr);
    static plant_sample a[400], b[400];
    size_t na, nb;
    seir_net *net = prior_net();
    loom_err e;
    for (int run = 0; run < 2; run++) {
        ctrl_ref r;
        assert_int_equal(ctrl_ref_open(net, &r, &e), LOOM_OK);
        ctrl_snn c;
        ctrl_snn_init(&c, ctrl_ref_backend(&r));
        assert_int_equal(plant_fly(&p, 3, &pr, 30, (plant_ctrl){&c, ctrl_snn_step}, run ? b : a,
                                   run ? &nb : &na, &e), LOOM_OK);
        ctrl_ref_close(&r);
    }
    assert_int_equal(na, 301);
    assert_int_equal(nb, na);
    assert_memory_equal(a, b, na * sizeof a[0]);
    /* and it flies: within 0.3 m of the setpoint at the end of each hold */
    assert_true(fabs(a[99].z - 2.0) < 0.3 && fabs(a[199].z - 3.0) < 0.3 && fabs(a[299].z - 1.5) < 0.3);
    seir_net_free(net);
}

static void test_check_net(void **state)
{
    (void)state;
    double pd[256];
    ctrl_genes_prior(CTRL_PD, pd);
    seir_net *net;
    loom_err e;
    assert_int_equal(ctrl_build(pd, NULL, &net, &e), LOOM_OK); /* PD only: one output */
    assert_int_equal(ctrl_check_net(net, &e), LOOM_E_INVALID);
    assert_non_null(strstr(e.msg, "expected 2 v outputs"));
    seir_net_free(net);
    net = seir_net_new(NULL);
    seir_add_inputs(net, "x", 3, 1, SEIR_IN_GRADED);
    assert_int_equal(ctrl_check_net(net, &e), LOOM_E_INVALID);
    assert_non_null(strstr(e.msg, "'x[0]', expected graded 'err'"));
    seir_net_free(net);
}

UNIT_MAIN(test_structure, test_extreme_genes, test_encode_decode, test_pd_prior_output,
          test_i_prior_output, test_fitness, test_flight_determinism, test_check_net)
