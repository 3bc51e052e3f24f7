/*
 * test_ctrl_link.c -- the link-backed controller backend (sw/link/ctrl_link.h)
 * against the virtual board (sim/vboard.h, config c1, served on a pty by a
 * thread): the controller network built from the structured prior is
 * loaded over the link and stepped with random errors; every step's read-out
 * v values and spikes must equal an independent reference model of the same
 * network fed the same inputs.  Also: the lockstep check catches a board
 * whose state was tampered with, and nets that do not fit are refused.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include <pthread.h>

#include "ctrl.h"
#include "ctrl_link.h"
#include "host.h"
#include "ref.h"
#include "transport.h"
#include "vboard.h"

typedef struct served {
    vboard *b;
    transport *t;
    volatile sig_atomic_t stop;
    pthread_t th;
    loom_host *h;
} served;

static void *serve_main(void *arg)
{
    served *s = arg;
    loom_err e;
    while (!s->stop)
        if (vboard_serve(s->b, s->t, &s->stop, &e) != LOOM_E_LINK)
            break;
    return NULL;
}

static int setup(void **state)
{
    static served s;
    memset(&s, 0, sizeof s);
    loom_err e;
    vboard_opts vo;
    vboard_opts_default(&vo);
    vo.config = "c1";
    if (vboard_open(&vo, &s.b, &e))
        return -1;
    char slave[128];
    if (transport_pty_create(&s.t, slave, sizeof slave, 1, &e))
        return -1;
    if (pthread_create(&s.th, NULL, serve_main, &s))
        return -1;
    loom_host_opts ho;
    loom_host_opts_default(&ho);
    ho.timeout_ms = 2000;
    if (loom_host_open(slave, 3000000, &ho, &s.h, &e)) {
        fprintf(stderr, "open %s: %s\n", slave, e.msg);
        return -1;
    }
    *state = &s;
    return 0;
}

static int teardown(void **state)
{
    served *s = *state;
    loom_host_close(s->h);
    s->stop = 1;
    pthread_join(s->th, NULL);
    transport_close(s->t);
    vboard_close(s->b);
    return 0;
}

static seir_net *prior_net(void)
{
    double pd[256], ig[256];
    ctrl_genes_prior(CTRL_PD, pd);
    ctrl_genes_prior(CTRL_I, ig);
    seir_net *net = NULL;
    loom_err e;
    assert_int_equal(ctrl_build(pd, ig, &net, &e), LOOM_OK);
    return net;
}

/* xorshift in [-1, 1) */
static double rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (double)(*s >> 11) / (double)(1ull << 52) - 1.0;
}

static void test_link_matches_reference(void **state)
{
    served *s = *state;
    assert_true(ctrl_n_genes(CTRL_PD) <= 256 && ctrl_n_genes(CTRL_I) <= 256);
    seir_net *net = prior_net();
    loom_err e;
    ctrl_link l;
    loom_status st = ctrl_link_open(s->h, net, 0, &l, &e);
    if (st)
        fail_msg("open: %s", e.msg);
    ref_sim *ref = NULL;
    assert_int_equal(ref_create(net, &ref, &e), LOOM_OK);
    ctrl_backend be = ctrl_link_backend(&l);
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    unsigned spikes = 0, v_changes = 0;
    int32_t last_v1 = 0;
    for (unsigned t = 0; t < 120; t++) {
        int32_t in[2], out[2];
        /* errors up to +-2 m, rates up to +-3 m/s, and some exact zeros */
        ctrl_encode(t % 7 == 3 ? 0.0 : 2.0 * rnd(&rng), t % 5 == 1 ? 0.0 : 3.0 * rnd(&rng), in);
        st = be.step(be.ctx, in, 2, out, 2, &e);
        if (st)
            fail_msg("step %u: %s", t, e.msg);
        for (uint32_t c = 0; c < 2; c++)
            ref_set_input(ref, c, in[c]);
        ref_step(ref);
        for (uint32_t k = 0; k < 2; k++)
            if (out[k] != ref_v(ref, net->outputs[k].neuron))
                fail_msg("step %u: read-out %u v=%d on the board, %d in the reference", t, k,
                         out[k], ref_v(ref, net->outputs[k].neuron));
        const uint32_t *bs, *rs;
        uint32_t nb, nr;
        assert_int_equal(be.spikes(be.ctx, &bs, &nb, &e), LOOM_OK);
        rs = ref_spikes(ref, &nr);
        assert_int_equal(nb, nr);
        if (nr)
            assert_memory_equal(bs, rs, nr * sizeof *rs);
        spikes += nb;
        v_changes += out[1] != last_v1;
        last_v1 = out[1];
    }
    print_message("ctrl_link: 120 steps, %u spikes, I read-out changed %u times\n", spikes, v_changes);
    assert_true(spikes > 100);   /* the test exercises the network */
    assert_true(v_changes > 50);
    assert_int_equal(l.steps, 120);
    ref_destroy(ref);
    ctrl_link_close(&l);
    seir_net_free(net);
}

static void test_verify_catches_tampering(void **state)
{
    served *s = *state;
    seir_net *net = prior_net();
    loom_err e;
    ctrl_link l;
    assert_int_equal(ctrl_link_open(s->h, net, 1, &l, &e), LOOM_OK);
    ctrl_backend be = ctrl_link_backend(&l);
    int32_t in[2], out[2];
    ctrl_encode(0.3, 0.1, in);
    for (int t = 0; t < 3; t++)
        assert_int_equal(be.step(be.ctx, in, 2, out, 2, &e), LOOM_OK);
    /* the I read-out integrates (no leak): a changed v on the board stays */
    uint32_t w = (uint32_t)(out[1] + 777);
    assert_int_equal(loom_host_write(s->h, l.v_addr[1], &w, 1, &e), LOOM_OK);
    loom_status st = be.step(be.ctx, in, 2, out, 2, &e);
    assert_int_equal(st, LOOM_E_INTERNAL);
    assert_non_null(strstr(e.msg, "control step 3"));
    assert_non_null(strstr(e.msg, "read-out 1"));
    ctrl_link_close(&l);
    seir_net_free(net);
}

static void test_refusals(void **state)
{
    served *s = *state;
    loom_err e;
    ctrl_link l;
    /* another state width: the mapper refuses, the message names the board */
    seir_net *net = prior_net();
    net->arch.s = 24;
    loom_status st = ctrl_link_open(s->h, net, 0, &l, &e);
    assert_int_not_equal(st, LOOM_OK);
    assert_non_null(strstr(e.msg, "does not fit the board"));
    assert_non_null(strstr(e.msg, "neurons=256"));
    seir_net_free(net);
    /* a spike output is not a read-out */
    net = prior_net();
    net->outputs[0].kind = SEIR_OUT_SPIKE;
    assert_int_equal(ctrl_link_open(s->h, net, 0, &l, &e), LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "output 0"));
    seir_net_free(net);
    ctrl_link_close(&l); /* closed state: harmless */
}

UNIT_MAIN_WITH(setup, teardown, test_link_matches_reference, test_verify_catches_tampering,
          test_refusals)
