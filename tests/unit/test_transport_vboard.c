/*
 * test_transport_vboard.c -- the whole host path against the whole board:
 * the host driver (sw/link/host.c) over a real pseudo-terminal to the virtual
 * board (sim/vboard.h: rtl/loom_top.v under Verilator, UART bit by bit)
 * served in a thread.  A random network is mapped, loaded over the link and
 * run with random inputs in streaming mode; every step's output words and
 * the final neuron states must equal those of the same image run directly on
 * the array's bus through the Verilator harness (sim/vsim.h), which the
 * co-simulation tests hold to the reference model.  Then the same with 1% of
 * the bytes dropped or corrupted in each direction.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include <pthread.h>

#include "host.h"
#include "loom_map.h"
#include "mapper.h"
#include "netgen.h"
#include "seir_gen.h"
#include "transport.h"
#include "vboard.h"
#include "vsim.h"

typedef struct served {
    vboard *b;
    transport *t;
    volatile sig_atomic_t stop;
    loom_status st;
} served;

static void *serve_main(void *arg)
{
    served *s = arg;
    loom_err e;
    s->st = vboard_serve(s->b, s->t, &s->stop, &e);
    return NULL;
}

/* A random net for the board's arch: `loom gen`'s generator (every corner
 * of the machine model, graded channels, a zero-delay chain). */
static map_result *some_mapped_net(const limg_arch *a, uint64_t seed, seir_net **net_out)
{
    netgen_recipe o;
    netgen_default(&o, NETGEN_CORNERS);
    o.seed = seed;
    o.neurons = 60;
    o.inputs = 12;
    o.arch = a->arch;
    seir_net *net = NULL;
    map_result *m = NULL;
    loom_err e;
    if (netgen_build(&o, &net, &e) != LOOM_OK)
        fail_msg("gen: %s", e.msg);
    if (map_net(net, a, &m, &e) != LOOM_OK)
        fail_msg("map: %s", e.msg);
    *net_out = net;
    return m;
}

static void run_session(double fault_rate, uint64_t seed0, unsigned steps)
{
    loom_err e;
    vboard_opts vo;
    vboard_opts_default(&vo);
    vo.config = "c1";
    vo.fault_rate = fault_rate;
    vo.seed = seed0;
    static served s;
    memset(&s, 0, sizeof s);
    assert_int_equal(vboard_open(&vo, &s.b, &e), LOOM_OK);
    char slave[128];
    assert_int_equal(transport_pty_create(&s.t, slave, sizeof slave, 1, &e), LOOM_OK);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, serve_main, &s), 0);

    loom_host_opts ho;
    loom_host_opts_default(&ho);
    ho.timeout_ms = fault_rate > 0 ? 60 : 2000;
    ho.max_tries = fault_rate > 0 ? 100 : 3;
    if (fault_rate > 0)
        ho.max_payload = 64;
    loom_host *h = NULL;
    loom_status st = loom_host_open(slave, 3000000, &ho, &h, &e);
    if (st)
        fail_msg("open %s: %s", slave, e.msg);
    const link_identify *id = loom_host_identity(h);
    assert_int_equal(id->clk_hz, 12000000);
    assert_int_equal(id->clk_hz / id->clks_per_bit, 3000000);
    assert_int_equal(id->max_payload, 248);

    /* the board's arch is config c1's, as the harness reports it */
    vsim *v = NULL;
    assert_int_equal(vsim_open("c1", &v, &e), LOOM_OK);
    limg_arch a;
    assert_int_equal(loom_host_arch(h, &a, &e), LOOM_OK);
    assert_int_equal(limg_arch_cmp(&a, vsim_arch(v)), 0);

    uint64_t seed = seed0;
    seir_net *net = NULL;
    map_result *m = some_mapped_net(&a, seed, &net);
    st = loom_host_load(h, m->img, &e);
    if (st)
        fail_msg("load: %s", e.msg);
    assert_int_equal(vsim_load(v, m->img, &e), LOOM_OK);

    uint32_t words = (a.neurons + 31) / 32;
    uint32_t *got = calloc((size_t)a.cores * words, sizeof *got);
    uint32_t *want = calloc((size_t)a.cores * words, sizeof *want);
    uint32_t events[64];
    uint64_t rng = seed * 7919 + 1;
    unsigned spikes = 0;
    for (unsigned t = 0; t <= steps; t++) {
        size_t ne = 0;
        if (t < steps)
            for (uint32_t c = 0; c < net->n_inputs && ne < 64; c++) {
                int32_t val = seirgen_input(&rng, net, c, 30);
                if (!val)
                    continue;
                events[ne++] = loom_host_event(c, val);
                assert_int_equal(vsim_input(v, c, val, &e), LOOM_OK);
            }
        st = loom_host_stream(h, events, ne, t < steps, a.cores, words, got, 1000000, &e);
        if (st)
            fail_msg("stream step %u: %s", t, e.msg);
        if (t > 0)
            for (size_t k = 0; k < (size_t)a.cores * words; k++) {
                if (got[k] != want[k])
                    fail_msg("step %u: output word %zu is 0x%08X over the link, 0x%08X on the bus",
                             t - 1, k, got[k], want[k]);
                spikes += (unsigned)__builtin_popcount(got[k]);
            }
        if (t < steps) {
            assert_int_equal(vsim_step(v, 1, 0, &e), LOOM_OK);
            for (uint32_t k = 0; k < a.cores; k++)
                for (uint32_t j = 0; j < words; j++)
                    assert_int_equal(vsim_read(v, LOOM_MAP_OUT_BASE +
                                                      (k << LOOM_MAP_OUT_CORE_SHIFT) + j,
                                               &want[k * words + j], &e),
                                     LOOM_OK);
        }
    }
    /* final state of every neuron */
    for (uint32_t n = 0; n < m->n_neurons; n++) {
        int32_t i1, v1, i2, v2;
        uint32_t core = m->img->core_of[n], slot = m->img->slot_of[n];
        assert_int_equal(loom_host_state(h, core, slot, &i1, &v1, &e), LOOM_OK);
        assert_int_equal(vsim_state(v, core, slot, &i2, &v2, &e), LOOM_OK);
        assert_int_equal(i1, i2);
        assert_int_equal(v1, v2);
    }
    uint32_t time_reg = 0;
    assert_int_equal(loom_host_read(h, LOOM_REG_TIME, &time_reg, 1, &e), LOOM_OK);
    assert_int_equal(time_reg, steps); /* every step ran exactly once */
    link_counters bc, hc = loom_host_stats(h);
    assert_int_equal(loom_host_counters(h, &bc, &e), LOOM_OK);
    print_message("vboard fault %.2f: net seed %llu, %u neurons, %u steps, %u spikes; board: "
                  "ok %u crc %u format %u dup %u; host resent %u\n",
                  fault_rate, (unsigned long long)seed, m->n_neurons, steps, spikes, bc.frames_ok,
                  bc.crc_errors, bc.format_errors, bc.duplicates, hc.duplicates);
    if (fault_rate > 0)
        assert_true(hc.duplicates > 0 && bc.crc_errors + bc.format_errors > 0);
    else
        assert_int_equal(bc.crc_errors + bc.format_errors + bc.duplicates, 0);
    free(got);
    free(want);
    map_free(m);
    seir_net_free(net);
    vsim_close(v);
    /* the board goes away: the host notices within its retry budget */
    s.stop = 1;
    pthread_join(th, NULL);
    transport_close(s.t);
    vboard_close(s.b);
    uint32_t x;
    st = loom_host_read(h, LOOM_REG_ID, &x, 1, &e);
    assert_true(st == LOOM_E_LINK || st == LOOM_E_TIMEOUT);
    loom_host_close(h);
}

static void test_vboard_clean(void **st)
{
    (void)st;
    run_session(0, 1, 60);
}

static void test_vboard_faults(void **st)
{
    (void)st;
    run_session(0.01, 5, 20);
}

UNIT_MAIN(test_vboard_clean, test_vboard_faults)
