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

/* The first neuron of the group called name (which must exist). */
static uint32_t group_first(const seir_net *net, const char *name)
{
    const int32_t g = seir_find_neuron_group(net, name);
    assert_true(g >= 0);
    return net->neuron_groups[g].first;
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
    assert_int_equal(net->n_inputs, 2); /* err, derr: the thresholds are own biases */
    assert_int_equal(seir_validate(net, &e), LOOM_OK);
    assert_int_equal(net->arch.a, 16); /* the icebreaker's accumulators */
    assert_int_equal(seir_check_acc(net, &e), LOOM_OK);
    assert_int_equal(seir_input_xmax(net, CTRL_IN_ERR), 1400);
    assert_int_equal(ctrl_check_net(net, &e), LOOM_OK);
    /* encoder 0's threshold 240 = 80 * round(6.25 * 0.5) (test_pd_prior_output) */
    const uint32_t enc = group_first(net, "pd_enc_p");
    assert_int_equal(seir_bias_of(net, enc), -240);
    assert_int_equal(seir_bias_of(net, enc + 1), -720);
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
    int32_t in[2];
    ctrl_encode(0.1234, -0.5, in);
    assert_int_equal(in[CTRL_IN_ERR], 123);
    assert_int_equal(in[CTRL_IN_DERR], -500);
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

/* The same network in the form written before the thresholds became own
 * biases: a third input `bias` carrying 80 every step, weight b / 80 to
 * each encoder with own bias b.  It must fly exactly as the new form. */
static seir_net *legacy_form(seir_net *net)
{
    assert_true(seir_add_inputs(net, "bias", 1, 0, SEIR_IN_GRADED) >= 0);
    assert_int_equal(seir_set_input_max(net, CTRL_IN_THIRD, 1, CTRL_BIAS_VALUE), 0);
    unsigned moved = 0;
    for (uint32_t n = 0; n < net->n_neurons; n++) {
        const int32_t b = net->neuron_bias ? net->neuron_bias[n] : 0;
        if (!b) continue;
        assert_int_equal(b % CTRL_BIAS_VALUE, 0);
        assert_int_equal(seir_add_syn(net, SEIR_SRC_INPUT | CTRL_IN_THIRD, n, b / CTRL_BIAS_VALUE, 0), 0);
        assert_int_equal(seir_set_bias(net, n, 0), 0);
        moved++;
    }
    assert_true(moved >= 40);
    return net;
}

static void test_legacy_bias_channel(void **state)
{
    (void)state;
    seir_net *nets[2];
    nets[0] = prior_net();
    nets[1] = legacy_form(prior_net());
    loom_err e;
    assert_int_equal(seir_validate(nets[1], &e), LOOM_OK);
    ctrl_third t;
    assert_int_equal(ctrl_check_net_third(nets[1], &t, &e), LOOM_OK);
    assert_int_equal(t, CTRL_THIRD_BIAS);
    plant_params p;
    plant_params_default(&p);
    plant_profile pr;
    plant_profile_demo(&pr);
    static plant_sample a[2][400];
    size_t n[2];
    for (int k = 0; k < 2; k++) {
        ctrl_ref r;
        assert_int_equal(ctrl_ref_open(nets[k], &r, &e), LOOM_OK);
        ctrl_snn c;
        ctrl_snn_init(&c, ctrl_ref_backend(&r));
        assert_int_equal(ctrl_snn_net(&c, nets[k], &e), LOOM_OK);
        assert_int_equal(plant_fly(&p, 5, &pr, 30, (plant_ctrl){&c, ctrl_snn_step}, a[k], &n[k], &e), LOOM_OK);
        ctrl_ref_close(&r);
    }
    assert_int_equal(n[0], 301);
    assert_int_equal(n[1], n[0]);
    assert_memory_equal(a[0], a[1], n[0] * sizeof a[0][0]);
    /* without the constant the legacy net flies differently: the test can fail */
    ctrl_ref r;
    assert_int_equal(ctrl_ref_open(nets[1], &r, &e), LOOM_OK);
    ctrl_snn c;
    ctrl_snn_init(&c, ctrl_ref_backend(&r)); /* third channel left at none */
    assert_int_equal(plant_fly(&p, 5, &pr, 30, (plant_ctrl){&c, ctrl_snn_step}, a[1], &n[1], &e), LOOM_OK);
    ctrl_ref_close(&r);
    assert_true(memcmp(a[0], a[1], n[0] * sizeof a[0][0]) != 0);
    seir_net_free(nets[0]);
    seir_net_free(nets[1]);
}

/* A backend that records its inputs and returns fixed read-outs. */
typedef struct {
    int32_t in[4], v[2];
    uint32_t n_in;
} rec_be;

static loom_status rec_step(void *ctx, const int32_t *in, uint32_t n_in, int32_t *out, uint32_t n_out, loom_err *e)
{
    (void)e;
    rec_be *r = ctx;
    r->n_in = n_in;
    memcpy(r->in, in, n_in * sizeof *in);
    for (uint32_t k = 0; k < n_out; k++) out[k] = r->v[k];
    return LOOM_OK;
}

/* The efference copy: a third channel `u` (max 1000), weight round(10 x)
 * (at most 10) from it to every PD encoder, fed the previous command
 * saturated at +-10, in hundredths. */
static void test_efference(void **state)
{
    (void)state;
    double pd[256], gi[256], eff[1] = {0.46};
    ctrl_genes_prior(CTRL_PD, pd);
    ctrl_genes_prior(CTRL_I, gi);
    seir_arch a;
    seir_arch_default(&a);
    a.a = CTRL_ARCH_A;
    seir_net *net;
    loom_err e;
    assert_int_equal(ctrl_build_eff(&a, pd, gi, eff, &net, &e), LOOM_OK);
    assert_int_equal(net->n_inputs, 3);
    assert_int_equal(seir_input_xmax(net, CTRL_IN_THIRD), 1000);
    char buf[32];
    assert_string_equal(seir_input_name(net, CTRL_IN_THIRD, buf, sizeof buf), "u");
    const uint32_t p0 = group_first(net, "pd_enc_p");
    const uint32_t n0 = group_first(net, "pd_enc_n");
    const uint32_t i0 = group_first(net, "i_enc_p");
    int32_t wp = 0, wn = 0, wi = 0;
    for (size_t k = 0; k < net->n_syn; k++)
        if (net->syn[k].src == (SEIR_SRC_INPUT | CTRL_IN_THIRD)) {
            if (net->syn[k].dst == p0) wp = net->syn[k].w;
            if (net->syn[k].dst == n0) wn = net->syn[k].w;
            if (net->syn[k].dst == i0) wi = net->syn[k].w;
        }
    assert_int_equal(wp, 5);
    assert_int_equal(wn, -5);
    assert_int_equal(wi, 0); /* the I part does not listen */
    ctrl_third t;
    assert_int_equal(ctrl_check_net_third(net, &t, &e), LOOM_OK);
    assert_int_equal(t, CTRL_THIRD_U);
    seir_net_free(net);
    eff[0] = 1e9; /* clamped: the accumulator bound still fits A = 16 */
    for (int k = 0; k < 256; k++) pd[k] = k % 2 ? 1e9 : -1e9;
    assert_int_equal(ctrl_build_eff(&a, pd, gi, eff, &net, &e), LOOM_OK);
    assert_int_equal(seir_validate(net, &e), LOOM_OK);
    assert_int_equal(seir_check_acc(net, &e), LOOM_OK);
    /* what the controller step sends */
    rec_be rb = {{0}, {12345, 0}, 0};
    ctrl_snn c;
    ctrl_snn_init(&c, (ctrl_backend){&rb, rec_step, NULL});
    assert_int_equal(ctrl_snn_net(&c, net, &e), LOOM_OK);
    double u;
    assert_int_equal(ctrl_snn_step(&c, 0.2, 0.1, &u, &e), LOOM_OK);
    assert_int_equal(rb.n_in, 3);
    assert_int_equal(rb.in[CTRL_IN_THIRD], 0); /* no command yet */
    assert_true(fabs(u - 12.345) < 1e-12);
    rb.v[0] = -2487;
    assert_int_equal(ctrl_snn_step(&c, 0.2, 0.1, &u, &e), LOOM_OK);
    assert_int_equal(rb.in[CTRL_IN_THIRD], 1000); /* 12.345 saturated at 10 */
    assert_int_equal(ctrl_snn_step(&c, 0.2, 0.1, &u, &e), LOOM_OK);
    assert_int_equal(rb.in[CTRL_IN_THIRD], -249); /* -2.487 */
    assert_int_equal(rb.in[CTRL_IN_ERR], 200);
    seir_net_free(net);
    /* without it, two channels */
    assert_int_equal(ctrl_build_eff(&a, pd, gi, NULL, &net, &e), LOOM_OK);
    assert_int_equal(ctrl_snn_net(&c, net, &e), LOOM_OK);
    assert_int_equal(ctrl_snn_step(&c, 0.2, 0.1, &u, &e), LOOM_OK);
    assert_int_equal(rb.n_in, 2);
    seir_net_free(net);
    /* the efference copy feeds the PD part: refused without it */
    assert_int_equal(ctrl_build_eff(&a, NULL, gi, eff, &net, &e), LOOM_E_ARG);
}

UNIT_MAIN(test_structure, test_extreme_genes, test_encode_decode, test_pd_prior_output,
          test_i_prior_output, test_fitness, test_flight_determinism, test_check_net, test_legacy_bias_channel,
          test_efference)
