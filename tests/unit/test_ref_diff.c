/*
 * test_ref_diff.c -- differential test of the reference model against a
 * second, deliberately naive implementation written here straight from the
 * text of the machine model: dense per-neuron accumulator rings of int64
 * wrapped after every add, levels by repeated relaxation, and for every
 * delivery a scan of the whole synapse list (no CSR, no reordering, no
 * vectors).  Many random networks cover every parameter corner (decays 0,
 * 1, 4095, 4096; shifts -16..15; all reset modes; W, S, A, D across their
 * ranges, including the 64-bit fan-out encoding), and every step compares
 * spikes, i, v and every pending ring value of every neuron, for both
 * neuron-update paths of the model.  The networks come from a generator of
 * this file (corner-heavy, also networks the validator would refuse, e.g.
 * accumulators that wrap) and from the shared tests/support/seir_gen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ref.h"
#include "netgen.h"
#include "seir_gen.h"
#include "loom_rng.h"
#include "loom_mem.h"

/* ---- the arithmetic, from docs/machine-model.md alone ------------------
 * Written from the text, not from hls_ref/loom_arith.h (the reference
 * model's copy), so that a bug there cannot hide in both models. */

/* sat_B(x): x clamped to [-2^(B-1), 2^(B-1) - 1]. */
static int64_t nv_min(int bits) { return -((int64_t)1 << (bits - 1)); }
static int64_t nv_max(int bits) { return ((int64_t)1 << (bits - 1)) - 1; }
static int64_t nv_sat(int64_t x, int bits)
{
    if (x < nv_min(bits))
        return nv_min(bits);
    if (x > nv_max(bits))
        return nv_max(bits);
    return x;
}

/* wrap_A(x): the value in [-2^(A-1), 2^(A-1) - 1] congruent to x modulo
 * 2^A, found by adding or subtracting 2^A (x is within a few 2^A here). */
static int64_t nv_wrap(int64_t x, int bits)
{
    const int64_t m = (int64_t)1 << bits;
    int64_t r = x % m; /* in (-m, m), the sign of x */
    if (r > nv_max(bits))
        r -= m;
    if (r < nv_min(bits))
        r += m;
    return r;
}

/* decay(x, a) = (x * a) / 4096, truncated toward zero. */
static int64_t nv_decay(int64_t x, int64_t a)
{
    const int64_t p = x * a;
    const int64_t q = (p < 0 ? -p : p) / 4096; /* magnitude, rounded down */
    return p < 0 ? -q : q;
}

/* shift(a, s) = a * 2^s for s >= 0; floor(a / 2^-s) for s < 0. */
static int64_t nv_shift(int64_t a, int s)
{
    if (s >= 0)
        return a * ((int64_t)1 << s);
    const int64_t d = (int64_t)1 << -s;
    int64_t q = a / d;
    if (a % d != 0 && a < 0)
        q -= 1; /* toward minus infinity */
    return q;
}

/* ---- the naive model ---------------------------------------------------- */

/* Totals over the suite, printed so a reader can see the nets were busy. */
static uint64_t g_spikes, g_events, g_steps;

typedef struct naive {
    const seir_net *net;
    uint32_t R;
    uint64_t t;
    int64_t *acc;     /* [n * R + slot], always wrapped to A bits */
    int64_t *i, *v;
    uint8_t *spiked;
    uint32_t *level, max_level;
    uint64_t events;
} naive;

static void naive_reset(naive *m)
{
    const seir_net *net = m->net;
    const uint32_t N = net->n_neurons;
    m->t = 0;
    m->events = 0;
    memset(m->acc, 0, (size_t)N * m->R * sizeof *m->acc);
    for (uint32_t n = 0; n < N; n++) {
        m->i[n] = net->init_i ? net->init_i[n] : 0;
        m->v[n] = net->init_v ? net->init_v[n] : 0;
        m->spiked[n] = 0;
    }
    for (size_t k = 0; k < net->n_ring_init; k++) {
        int64_t *a = &m->acc[(size_t)net->ring_init[k].neuron * m->R + net->ring_init[k].slot];
        *a = nv_wrap(*a + net->ring_init[k].value, net->arch.a);
    }
}

static void naive_init(naive *m, const seir_net *net)
{
    const uint32_t N = net->n_neurons;
    m->net = net;
    m->R = (uint32_t)net->arch.d + 1;
    m->acc = calloc((size_t)N * m->R + 1, sizeof *m->acc);
    m->i = calloc(N + 1, sizeof *m->i);
    m->v = calloc(N + 1, sizeof *m->v);
    m->spiked = calloc(N + 1, 1);
    m->level = calloc(N + 1, sizeof *m->level);
    assert_non_null(m->acc);
    assert_non_null(m->level);
    /* level(n) = 1 + max level of zero-delay neuron sources: relax until
     * nothing changes (at most N rounds for a DAG) */
    for (uint32_t round = 0; round <= N; round++) {
        int changed = 0;
        for (size_t k = 0; k < net->n_syn; k++) {
            const seir_syn *y = &net->syn[k];
            if (!SEIR_IS_INPUT(y->src) && y->d == 0 && m->level[y->dst] < m->level[y->src] + 1) {
                m->level[y->dst] = m->level[y->src] + 1;
                changed = 1;
            }
        }
        if (!changed)
            break;
    }
    m->max_level = 0;
    for (uint32_t n = 0; n < N; n++)
        if (m->level[n] > m->max_level)
            m->max_level = m->level[n];
    naive_reset(m);
}

static void naive_free(naive *m)
{
    LOOM_FREE(m->acc, m->i, m->v, m->spiked, m->level);
}

static void naive_deliver(naive *m, uint32_t src, int64_t x)
{
    const seir_net *net = m->net;
    for (size_t k = 0; k < net->n_syn; k++) {
        const seir_syn *y = &net->syn[k];
        if (y->src != src)
            continue;
        int64_t *a = &m->acc[(size_t)y->dst * m->R + (m->t + y->d) % m->R];
        *a = nv_wrap(*a + (int64_t)y->w * x, net->arch.a);
        m->events++;
        g_events++;
    }
}

/* x[c] is channel c's value this step. */
static void naive_step(naive *m, const int32_t *x)
{
    const seir_net *net = m->net;
    const int S = net->arch.s;
    for (uint32_t c = 0; c < net->n_inputs; c++)
        if (x[c] != 0)
            naive_deliver(m, SEIR_SRC_INPUT | c,
                          net->input_kind[c] == SEIR_IN_SPIKE ? 1 : (int64_t)x[c]);
    for (uint32_t n = 0; n < net->n_neurons; n++)
        m->spiked[n] = 0;
    for (uint32_t l = 0; l <= m->max_level; l++)
        for (uint32_t n = 0; n < net->n_neurons; n++) {
            if (m->level[n] != l)
                continue;
            const seir_profile *p = &net->profiles[net->neuron_profile[n]];
            int64_t *slot = &m->acc[(size_t)n * m->R + m->t % m->R];
            const int64_t a = *slot;
            *slot = 0;
            const int64_t in = nv_sat(p->shift >= 0 ? a * ((int64_t)1 << p->shift)
                                                      : nv_shift(a, p->shift), S);
            m->i[n] = nv_sat(nv_decay(m->i[n], p->a_syn) + in, S);
            /* bias: the profile's plus the neuron's own */
            const int64_t b = (int64_t)p->bias + (net->neuron_bias ? net->neuron_bias[n] : 0);
            m->v[n] = nv_sat(nv_decay(m->v[n], p->a_mem) + m->i[n] + b, S);
            if (p->reset != SEIR_RESET_NONE && m->v[n] >= p->theta) {
                m->spiked[n] = 1;
                m->v[n] = p->reset == SEIR_RESET_ZERO ? p->v_reset : nv_sat(m->v[n] - p->theta, S);
                naive_deliver(m, n, 1);
            }
        }
    m->t++;
}

/* ---- random networks ---------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    return loom_rng_next(&rng_state);
}

static int64_t rrange(int64_t lo, int64_t hi) /* inclusive */
{
    return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

static int32_t rpick(const int32_t *v, size_t n) { return v[rnd() % n]; }

/* The nets: the NETGEN_RANKED shape of the one generator (netgen.h), drawn
 * from the same stream as the steps and inputs. */
static seir_net *random_net(int wide)
{
    netgen_recipe r;
    netgen_default(&r, NETGEN_RANKED);
    r.stream = &rng_state;
    r.wide = wide;
    seir_net *net;
    loom_err e;
    if (netgen_build(&r, &net, &e))
        fail_msg("netgen_build: %s", e.msg);
    return net;
}

/* ---- the comparison ------------------------------------------------------ */

/* Each net runs on every neuron-update path of the model (ref_set_fast). */
#define NPATH 3
static const char *const path_name[NPATH] = {"scalar", "vector", "avx2"};

static void compare(const naive *m, ref_sim *sim, int fast, int net_no, uint64_t t)
{
    const seir_net *net = m->net;
    uint32_t n_spk = 0;
    const uint32_t *spk = ref_spikes(sim, &n_spk);
    uint32_t want = 0;
    for (uint32_t n = 0; n < net->n_neurons; n++) {
        if (m->spiked[n]) {
            if (want >= n_spk || spk[want] != n)
                fail_msg("net %d (%s) step %llu: spike list differs at neuron %u", net_no,
                         path_name[fast], (unsigned long long)t, n);
            want++;
        }
        if (ref_spiked(sim, n) != m->spiked[n] || ref_i(sim, n) != m->i[n] ||
            ref_v(sim, n) != m->v[n])
            fail_msg("net %d (%s) step %llu neuron %u: ref spike %d i %d v %d, naive %d %lld %lld",
                     net_no, path_name[fast], (unsigned long long)t, n,
                     ref_spiked(sim, n), ref_i(sim, n), ref_v(sim, n), m->spiked[n],
                     (long long)m->i[n], (long long)m->v[n]);
        for (uint32_t k = 0; k < m->R; k++) {
            const int64_t a = m->acc[(size_t)n * m->R + (m->t + k) % m->R];
            if (ref_pending(sim, n, k) != a)
                fail_msg("net %d step %llu neuron %u pending +%u: ref %d naive %lld", net_no,
                         (unsigned long long)t, n, k, ref_pending(sim, n, k), (long long)a);
        }
    }
    assert_int_equal(want, n_spk);
    g_spikes += n_spk;
    g_steps++;
    ref_counters c;
    ref_get_counters(sim, &c);
    assert_int_equal(c.syn_events, m->events);
    assert_int_equal(c.steps, m->t);
    assert_int_equal(ref_time(sim), m->t);
}

/* Runs net (freed here) for `steps` steps, resets, runs half as long again. */
static void run_net(int net_no, seir_net *net, uint64_t steps)
{
    assert_non_null(net);
    naive m;
    naive_init(&m, net);
    ref_sim *sim[NPATH] = {NULL};
    loom_err e;
    for (int f = 0; f < NPATH; f++) {
        if (ref_create(net, &sim[f], &e))
            fail_msg("net %d: ref_create: %s", net_no, e.msg);
        ref_set_fast(sim[f], f);
    }
    int32_t *x = calloc(net->n_inputs + 1, sizeof *x);
    assert_non_null(x);
    static const int32_t graded[] = {1, -1, 32767, -32768, 100, -100};
    for (int pass = 0; pass < 2; pass++) {
        for (uint64_t t = 0; t < steps; t++) {
            for (uint32_t c = 0; c < net->n_inputs; c++) {
                x[c] = 0;
                if (rnd() % 3 == 0)
                    x[c] = net->input_kind[c] == SEIR_IN_SPIKE
                               ? 1
                               : (rnd() % 2 ? rpick(graded, 6) : (int32_t)rrange(-32768, 32767));
                for (int f = 0; f < NPATH; f++)
                    if (x[c] || rnd() % 4 == 0) /* setting 0 must be harmless */
                        ref_set_input(sim[f], c, x[c]);
            }
            naive_step(&m, x);
            for (int f = 0; f < NPATH; f++) {
                ref_step(sim[f]);
                compare(&m, sim[f], f, net_no, t);
            }
        }
        /* second pass: after ref_reset everything starts over */
        naive_reset(&m);
        for (int f = 0; f < NPATH; f++)
            ref_reset(sim[f]);
        steps = steps / 2 + 1;
    }
    free(x);
    for (int f = 0; f < NPATH; f++)
        ref_destroy(sim[f]);
    naive_free(&m);
    seir_net_free(net);
}

static void test_random_nets(void **state)
{
    (void)state;
    rng_state = 12345;
    for (int k = 0; k < 400; k++) {
        const uint64_t steps = (uint64_t)rrange(1, 60);
        run_net(k, random_net(0), steps);
    }
}

/* Long runs (many trips around the ring) on fewer nets. */
static void test_random_long(void **state)
{
    (void)state;
    rng_state = 999;
    for (int k = 0; k < 20; k++)
        run_net(1000 + k, random_net(0), 300);
}

/* R * N * 2^W > 2^32: the model switches to 64-bit fan-out entries. */
static void test_random_wide(void **state)
{
    (void)state;
    rng_state = 4242;
    for (int k = 0; k < 3; k++)
        run_net(2000 + k, random_net(1), 30);
}

/* The shared test generator's networks (tests/support/seir_gen.h): valid
 * nets with dense blocks, every reset mode, zero-delay chains. */
static void test_seirgen_nets(void **state)
{
    (void)state;
    rng_state = 77;
    for (uint64_t seed = 1; seed <= 150; seed++)
        run_net(3000 + (int)seed, seirgen_net(seed, NULL), (uint64_t)rrange(10, 80));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_nets),
        cmocka_unit_test(test_random_long),
        cmocka_unit_test(test_random_wide),
        cmocka_unit_test(test_seirgen_nets),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    print_message("compared %llu steps, %llu spikes, %llu synaptic events\n",
                  (unsigned long long)g_steps, (unsigned long long)g_spikes,
                  (unsigned long long)g_events);
    return rc;
}
