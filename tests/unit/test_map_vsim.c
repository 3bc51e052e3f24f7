/*
 * test_map_vsim.c -- the Verilator model through its C API (sim/vsim.h)
 * on a network small enough to work out by hand, independently of the
 * reference model:
 *
 *   in (spike, fires every step) --w 4, d 0--> n0: a_syn 0, a_mem 4096,
 *       theta 10, reset to 0
 *   n0 --w -3, d 2--> n1: a_syn 2048, a_mem 4096, reset none
 *
 * n0: i = 4 every step, v = 4, 8, 12 -> spike at t = 2, 5, 8, ... (v = 0)
 * n1: gets -3 at t = 4, 7, ...:  t=4: i = -3, v = -3;  t=5: i = trunc(-1.5)
 *     = -1, v = -4;  t=6: i = trunc(-0.5) = 0, v = -4;  t=7: i = -3, v = -7.
 * Also the ID / arch registers, the cycle counter, the overrun flag and the
 * refusal of an image built for another config.  The same trace on the
 * 4-core build (each core scans its own input list there, filled when the
 * input is pushed), and an input pushed before the image that gives its
 * channel synapses is loaded (the step then takes the array's list).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"

#include "limg.h"
#include "loom_map.h"
#include "mapper.h"
#include "seir.h"
#include "vsim.h"

static seir_net *hand_net(void)
{
    seir_net *net = seir_net_new(NULL);
    seir_profile p;
    seir_profile_default(&p);
    p.name = "lif";
    p.a_syn = 0;
    p.a_mem = 4096;
    p.theta = 10;
    seir_add_profile(net, &p);
    p.name = "li";
    p.a_syn = 2048;
    p.reset = SEIR_RESET_NONE;
    seir_add_profile(net, &p);
    seir_add_inputs(net, "in", 1, 0, SEIR_IN_SPIKE);
    seir_add_neurons(net, "n0", 1, 0, 0);
    seir_add_neurons(net, "n1", 1, 0, 1);
    seir_add_syn(net, SEIR_SRC_INPUT | 0, 0, 4, 0);
    seir_add_syn(net, 0, 1, -3, 2);
    return net;
}

static void test_hand_net(void **state)
{
    (void)state;
    vsim *s;
    loom_err e;
    assert_int_equal(vsim_open("c1", &s, &e), LOOM_OK);
    uint32_t id;
    assert_int_equal(vsim_read(s, LOOM_REG_ID, &id, &e), LOOM_OK);
    assert_int_equal(id, 0x4C4F4F4D);
    const limg_arch *a = vsim_arch(s);
    assert_int_equal(a->cores, 1);
    assert_int_equal(a->arch.d, 15);

    seir_net *net = hand_net();
    map_result *m;
    assert_int_equal(map_net(net, a, &m, &e), LOOM_OK);
    assert_int_equal(vsim_load(s, m->img, &e), LOOM_OK);
    const uint32_t k0 = m->img->core_of[0], s0 = m->img->slot_of[0];
    const uint32_t k1 = m->img->core_of[1], s1 = m->img->slot_of[1];
    static const int spike0[9] = {0, 0, 1, 0, 0, 1, 0, 0, 1};
    static const int32_t v0[9] = {4, 8, 0, 4, 8, 0, 4, 8, 0};
    static const int32_t i1[9] = {0, 0, 0, 0, -3, -1, 0, -3, -1};
    static const int32_t v1[9] = {0, 0, 0, 0, -3, -4, -4, -7, -8};
    for (int t = 0; t < 9; t++) {
        assert_int_equal(vsim_input(s, 0, 1, &e), LOOM_OK);
        assert_int_equal(vsim_step(s, 1, 100000, &e), LOOM_OK);
        int sp;
        int32_t i, v;
        assert_int_equal(vsim_spiked(s, k0, s0, &sp, &e), LOOM_OK);
        assert_int_equal(sp, spike0[t]);
        assert_int_equal(vsim_state(s, k0, s0, &i, &v, &e), LOOM_OK);
        assert_int_equal(i, 4);
        assert_int_equal(v, v0[t]);
        assert_int_equal(vsim_state(s, k1, s1, &i, &v, &e), LOOM_OK);
        assert_int_equal(i, i1[t]);
        assert_int_equal(v, v1[t]);
        assert_int_equal(vsim_spiked(s, k1, s1, &sp, &e), LOOM_OK);
        assert_int_equal(sp, 0);
    }
    /* after t = 8 (spike of n0), -3 is pending for n1 two steps later */
    int32_t p;
    assert_int_equal(vsim_pending(s, k1, s1, 1, &p, &e), LOOM_OK);
    assert_int_equal(p, -3);
    assert_int_equal(vsim_pending(s, k1, s1, 0, &p, &e), LOOM_OK);
    assert_int_equal(p, 0);
    uint32_t t, cyc, evs, st;
    assert_int_equal(vsim_read(s, LOOM_REG_TIME, &t, &e), LOOM_OK);
    assert_int_equal(t, 9);
    assert_int_equal(vsim_read(s, LOOM_REG_CYCLES_LAST, &cyc, &e), LOOM_OK);
    assert_true(cyc > 10 && cyc < 100);
    /* step 8: the input event and the spike of n0: 2 synaptic events */
    assert_int_equal(vsim_read(s, LOOM_REG_EVENTS_LAST, &evs, &e), LOOM_OK);
    assert_int_equal(evs, 2);
    /* a budget below the step's cycles raises the sticky overrun flag */
    assert_int_equal(vsim_read(s, LOOM_REG_STATUS, &st, &e), LOOM_OK);
    assert_int_equal(st & LOOM_STATUS_OVERRUN, 0);
    assert_int_equal(vsim_write(s, LOOM_REG_BUDGET, 5, &e), LOOM_OK);
    assert_int_equal(vsim_step(s, 2, 100000, &e), LOOM_OK);
    assert_int_equal(vsim_read(s, LOOM_REG_STATUS, &st, &e), LOOM_OK);
    assert_int_equal(st & (LOOM_STATUS_OVERRUN | LOOM_STATUS_BUSY), LOOM_STATUS_OVERRUN);
    assert_int_equal(vsim_read(s, LOOM_REG_OVERRUNS, &st, &e), LOOM_OK);
    assert_int_equal(st, 2);
    assert_int_equal(vsim_write(s, LOOM_REG_STATUS, LOOM_STATUS_OVERRUN, &e), LOOM_OK);
    assert_int_equal(vsim_read(s, LOOM_REG_STATUS, &st, &e), LOOM_OK);
    assert_int_equal(st & LOOM_STATUS_OVERRUN, 0);
    map_free(m);

    /* an image for the 4-core build is refused by the 1-core one */
    vsim *s4;
    assert_int_equal(vsim_open("c4", &s4, &e), LOOM_OK);
    assert_int_equal(map_net(net, vsim_arch(s4), &m, &e), LOOM_OK);
    assert_int_equal(vsim_load(s, m->img, &e), LOOM_E_CAPACITY);
    assert_non_null(strstr(e.msg, "cores=4"));
    map_free(m);
    vsim_close(s4);
    assert_int_equal(vsim_open("no-such-config", &s4, &e), LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "c1"));
    seir_net_free(net);
    vsim_close(s);
}

/* n0 and n1 of hand_net on core 0 and 1 of c4 */
static void run_trace(vsim *s, const map_result *m, int steps)
{
    static const int32_t v0[9] = {4, 8, 0, 4, 8, 0, 4, 8, 0};
    static const int32_t v1[9] = {0, 0, 0, 0, -3, -4, -4, -7, -8};
    loom_err e;
    for (int t = 0; t < steps; t++) {
        int32_t i, v;
        assert_int_equal(vsim_input(s, 0, 1, &e), LOOM_OK);
        assert_int_equal(vsim_step(s, 1, 100000, &e), LOOM_OK);
        assert_int_equal(vsim_state(s, m->img->core_of[0], m->img->slot_of[0], &i, &v, &e), LOOM_OK);
        assert_int_equal(i, 4);
        assert_int_equal(v, v0[t]);
        assert_int_equal(vsim_state(s, m->img->core_of[1], m->img->slot_of[1], &i, &v, &e), LOOM_OK);
        assert_int_equal(v, v1[t]);
    }
}

static void test_four_cores(void **state)
{
    (void)state;
    vsim *s;
    loom_err e;
    seir_net *net = hand_net();
    map_result *m;
    assert_int_equal(vsim_open("c4", &s, &e), LOOM_OK);
    assert_int_equal(map_net(net, vsim_arch(s), &m, &e), LOOM_OK);
    assert_int_equal(m->img->core_of[0], 0);
    assert_int_equal(m->img->core_of[1], 1);
    assert_int_equal(vsim_load(s, m->img, &e), LOOM_OK);
    run_trace(s, m, 9);
    uint32_t evs, cyc_lane, cyc_all;
    assert_int_equal(vsim_read(s, LOOM_REG_EVENTS_LAST, &evs, &e), LOOM_OK);
    assert_int_equal(evs, 2);
    assert_int_equal(vsim_read(s, LOOM_REG_CYCLES_LAST, &cyc_lane, &e), LOOM_OK);
    vsim_close(s);

    /* pushed while no core's fan-out index gives channel 0 a run: the
     * image's fan-out writes make the pending list stale, so the step
     * scans the array's list (one event on every core: v = 4, not 0) */
    assert_int_equal(vsim_open("c4", &s, &e), LOOM_OK);
    assert_int_equal(vsim_input(s, 0, 1, &e), LOOM_OK);
    assert_int_equal(vsim_load(s, m->img, &e), LOOM_OK);
    int32_t i, v;
    assert_int_equal(vsim_step(s, 1, 100000, &e), LOOM_OK);
    assert_int_equal(vsim_state(s, 0, m->img->slot_of[0], &i, &v, &e), LOOM_OK);
    assert_int_equal(v, 4);
    assert_int_equal(vsim_read(s, LOOM_REG_EVENTS_LAST, &evs, &e), LOOM_OK);
    assert_int_equal(evs, 1);
    assert_int_equal(vsim_read(s, LOOM_REG_CYCLES_LAST, &cyc_all, &e), LOOM_OK);
    /* the next steps take the cores' own lists again */
    vsim_close(s);
    assert_int_equal(vsim_open("c4", &s, &e), LOOM_OK);
    assert_int_equal(vsim_load(s, m->img, &e), LOOM_OK);
    run_trace(s, m, 1);
    uint32_t cyc_first;
    assert_int_equal(vsim_read(s, LOOM_REG_CYCLES_LAST, &cyc_first, &e), LOOM_OK);
    /* the array's list passes the event through the router: slower */
    assert_true(cyc_all > cyc_first);
    assert_true(cyc_lane > 10 && cyc_lane < 100);
    map_free(m);
    seir_net_free(net);
    vsim_close(s);
}

UNIT_MAIN(test_hand_net, test_four_cores)
