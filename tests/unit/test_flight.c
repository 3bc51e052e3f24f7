/*
 * test_flight.c -- closed-loop fitness and the held-out protocol
 * (sw/blimp/flight.h): cases are pure functions of their seed with the
 * documented variation ranges, the training, validation and held-out seed
 * ranges do not meet, the fitness of the starting point equals flying its
 * network case by case, the cost is the documented sum, the attitude plant
 * has no floor, ctrl_build_arch refuses a too narrow arch, and the held-out
 * evaluation is deterministic.
 */
#include <stdint.h>
#include "unit.h"

#include <math.h>
#include <string.h>

#include "flight.h"

static const seir_arch arch16 = {8, 16, 16, 15};

static void test_cases(void **state)
{
    (void)state;
    const flight_plant *k = flight_plant_find("blimp");
    assert_non_null(k);
    assert_null(flight_plant_find("zeppelin"));
    plant_params base;
    flight_plant_params(k, &base);
    flight_case a, b, c;
    flight_case_make(k, &base, 42, 30, 1, &a);
    flight_case_make(k, &base, 42, 30, 1, &b);
    assert_memory_equal(&a, &b, sizeof a);
    flight_case_make(k, &base, 43, 30, 1, &c);
    assert_true(memcmp(&a.p, &c.p, sizeof a.p) != 0);
    for (uint64_t s = 0; s < 200; s++) {
        flight_case_make(k, &base, s, 30, 1, &c);
        assert_true(c.p.mass >= 0.8 * base.mass && c.p.mass <= 1.2 * base.mass);
        assert_true(c.p.net_weight >= 0.8 * base.net_weight && c.p.net_weight <= 1.2 * base.net_weight);
        assert_true(c.p.drag >= 0.8 * base.drag && c.p.drag <= 1.2 * base.drag);
        assert_true(c.p.motor_tau >= 0.8 * base.motor_tau && c.p.motor_tau <= 1.2 * base.motor_tau);
        assert_true(c.p.sensor_noise >= base.sensor_noise && c.p.sensor_noise <= 2 * base.sensor_noise);
        assert_true(fabs(c.p.z0 - c.pr.sp[0]) <= 0.5);
        loom_err e;
        assert_int_equal(plant_params_check(&c.p, &e), LOOM_OK);
    }
    flight_case_make(k, &base, 42, 30, 0, &c); /* no variation: the base plant */
    assert_true(c.p.mass == base.mass && c.p.sensor_noise == base.sensor_noise);
    /* the seed ranges: training seeds for seeds < 2^20 and generations < 2^20 stay below 2^42 */
    assert_true(flight_train_seed(1u << 20, 1u << 20, 100) < (1ull << 42));
    assert_true(flight_valid_seed(0) > (1ull << 42) && flight_heldout_seed(0) > (1ull << 42));
    assert_true(flight_heldout_seed(FLIGHT_HELDOUT_N) < flight_valid_seed(0) ||
                flight_valid_seed(1000) < flight_heldout_seed(0));
}

static void test_fitness(void **state)
{
    (void)state;
    const flight_plant *k = flight_plant_find("blimp");
    plant_params base;
    flight_plant_params(k, &base);
    const uint32_t npd = ctrl_n_genes(CTRL_PD);
    double g[256];
    assert_true(flight_n_genes(k) == npd + ctrl_n_genes(CTRL_I)); /* no efference copy by default */
    flight_genes_prior(k, g);
    flight_case cs[2];
    flight_case_make(k, &base, 7, 20, 1, &cs[0]);
    flight_case_make(k, &base, 8, 20, 1, &cs[1]);
    loom_err e;
    double cost;
    assert_int_equal(flight_fitness(k, &arch16, g, cs, 2, &cost, &e), LOOM_OK);
    seir_net *net;
    assert_int_equal(flight_build(k, &arch16, g, &net, &e), LOOM_OK);
    assert_int_equal(net->arch.a, 16);
    assert_int_equal(net->n_inputs, 2); /* err, derr */
    flight_result r0, r1;
    assert_int_equal(flight_fly_net(k, net, &cs[0], &r0, &e), LOOM_OK);
    assert_int_equal(flight_fly_net(k, net, &cs[1], &r1, &e), LOOM_OK);
    assert_true(cost == (r0.cost + r1.cost) / 2);
    const double want = r0.m.rmse + k->w_sse * r0.m.sse + k->w_overshoot * r0.m.overshoot +
                        k->w_effort * r0.effort;
    assert_true(r0.cost == want);
    assert_true(r0.effort > 0 && r0.effort <= 1);
    seir_net_free(net);
    /* with the efference copy at gain 0 (its start): one more gene, a third
     * input `u` without synapses, the same cost */
    flight_plant ke = *k;
    ke.efference = 1;
    assert_true(flight_n_genes(&ke) == flight_n_genes(k) + 1);
    g[flight_n_genes(k)] = 12345; /* overwritten by the prior */
    flight_genes_prior(&ke, g);
    assert_true(g[flight_n_genes(k)] == 0);
    double cost_e;
    assert_int_equal(flight_fitness(&ke, &arch16, g, cs, 2, &cost_e, &e), LOOM_OK);
    assert_true(cost_e == cost);
    assert_int_equal(flight_build(&ke, &arch16, g, &net, &e), LOOM_OK);
    assert_int_equal(net->n_inputs, 3);
    seir_net_free(net);
    g[flight_n_genes(k)] = 0.5; /* weight 5 from u: another flight */
    assert_int_equal(flight_fitness(&ke, &arch16, g, cs, 2, &cost_e, &e), LOOM_OK);
    assert_true(cost_e != cost);
    /* too narrow an accumulator is refused, naming it */
    seir_arch a12 = {8, 16, 12, 15};
    assert_int_equal(ctrl_build_arch(&a12, g, g + npd, &net, &e), LOOM_E_INVALID);
    assert_non_null(strstr(e.msg, "A=12"));
}

static void test_attitude(void **state)
{
    (void)state;
    const flight_plant *k = flight_plant_find("attitude");
    assert_non_null(k);
    plant_params p;
    flight_plant_params(k, &p);
    loom_err e;
    assert_int_equal(plant_params_check(&p, &e), LOOM_OK);
    assert_true(p.ctrl_rate >= 1000 && p.floor == 0);
    /* no floor: with the motors off the disturbance torque turns it below 0 */
    plant s;
    plant_init(&s, &p, 1);
    plant_advance(&s, 5000); /* 0.5 s */
    assert_true(s.z < -0.01);
    /* the blimp's floor still holds */
    plant_params b;
    flight_plant_params(flight_plant_find("blimp"), &b);
    b.z0 = 0.0;
    plant_init(&s, &b, 1);
    plant_advance(&s, 1000);
    assert_true(s.z == 0.0);
    /* a floor with a start below it is refused */
    b.z0 = -1;
    assert_int_equal(plant_params_check(&b, &e), LOOM_E_INVALID);
    assert_non_null(strstr(e.msg, "z0"));
}

static void test_heldout_deterministic(void **state)
{
    (void)state;
    const flight_plant *k = flight_plant_find("attitude");
    plant_params p;
    flight_plant_params(k, &p);
    flight_summary a[3], b[3];
    loom_err e;
    assert_int_equal(flight_heldout(k, &p, NULL, &arch16, a, &e), LOOM_OK);
    assert_int_equal(flight_heldout(k, &p, NULL, &arch16, b, &e), LOOM_OK);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(a[0].n, 0);
    assert_int_equal(a[1].n, FLIGHT_HELDOUT_N);
    assert_int_equal(a[2].n, FLIGHT_HELDOUT_N);
    assert_true(a[2].rmse > 0 && a[2].rmse_worst >= a[2].rmse);
}

UNIT_MAIN(test_cases, test_fitness, test_attitude, test_heldout_deterministic)
