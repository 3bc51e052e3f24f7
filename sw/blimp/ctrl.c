/*
 * ctrl.c -- the spiking altitude controller (see ctrl.h for the structure).
 *
 * Genome layout of one part (E encoder pairs, H hidden pairs):
 *
 *   g_err                 weight err -> encoders          (x * scale, |w| <= 16)
 *   g_derr (PD only)      weight derr -> encoders         (x * scale, |w| <= 16 - |g_err|)
 *   thr[E]                encoder j's own bias is -round(thr_j * 127) * 80 (|.| <= 127 * 80)
 *   enc_amem              encoder a_mem = x * 4096        (0..4096)
 *   hid_w[H]              weight enc k -> hid k           (x * 64, |w| <= 127)
 *   hid_side              weight enc k+1 -> hid k         (x * 64, |w| <= 127)
 *   hid_theta             hidden theta = x * 64           (1..32767)
 *   hid_amem              hidden a_mem = x * 4096         (0..4096)
 *   out_w[H]              weight hid_p k -> out (hid_n k: negated) (x * out_scale)
 *   out_amem              read-out a_mem = x * 4096       (0..4096)
 *
 * err and derr are bounded graded channels (max=CTRL_IN_MAX, 1.4 m and
 * 1.4 m/s); |g_err| + |g_derr| <= 16 keeps every encoder's accumulator
 * bound at most 16 * 1400 = 22400 (with the efference copy, 16 * 1400 +
 * 10 * 1000 = 32400) <= 2^15 - 1, so the network always passes
 * seir_check_acc for A = 16 (the icebreaker's arch).  The threshold is the
 * encoder's own bias, added to v after the accumulator: the same sum the
 * former `bias` channel (80, weight -round(thr_j * 127)) put into it, so the
 * same genes fly exactly as before (every accumulator sum fits S bits, so
 * nothing saturates differently).
 */
#include "ctrl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pid.h"

typedef struct part_desc {
    const char *pfx;
    uint32_t n_enc, n_hid; /* pairs */
    int has_derr;
    double g_err_scale, g_derr_scale;
    double out_scale;      /* read-out weight per unit gene */
    int32_t out_shift;
    double v_per_cmd;
} part_desc;

static const part_desc parts[CTRL_N_PARTS] = {
    {"pd", 20, 20, 1, 9.0, 7.0, 64.0, 3, CTRL_V_PER_CMD_PD},
    {"i", 20, 19, 0, 16.0, 0.0, 8.0, 0, CTRL_V_PER_CMD_I},
};

/* Offsets of the genes of a part. */
typedef struct layout {
    uint32_t g_err, g_derr, thr, enc_amem, hid_w, hid_side, hid_theta, hid_amem, out_w,
        out_amem, n;
} layout;

static layout layout_of(ctrl_part part)
{
    const part_desc *d = &parts[part];
    layout l;
    uint32_t k = 0;
    l.g_err = k++;
    l.g_derr = d->has_derr ? k++ : UINT32_MAX;
    l.thr = k;
    k += d->n_enc;
    l.enc_amem = k++;
    l.hid_w = k;
    k += d->n_hid;
    l.hid_side = k++;
    l.hid_theta = k++;
    l.hid_amem = k++;
    l.out_w = k;
    k += d->n_hid;
    l.out_amem = k++;
    l.n = k;
    return l;
}

uint32_t ctrl_n_genes(ctrl_part part) { return layout_of(part).n; }

uint32_t ctrl_n_neurons(ctrl_part part)
{
    return 2 * parts[part].n_enc + 2 * parts[part].n_hid + 1;
}

void ctrl_genes_prior(ctrl_part part, double *x)
{
    const part_desc *d = &parts[part];
    const layout l = layout_of(part);
    memset(x, 0, sizeof(double) * l.n);
    x[l.g_err] = 1.0;
    if (d->has_derr) x[l.g_derr] = 1.0;
    /* Thermometer thresholds in units of the encoder sum s = g_e*err (+
     * g_d*derr): PD levels every 500 (half a command unit, s = 1000 * u),
     * I levels every 20 mm of error (s = 16 * mm). */
    const double step = part == CTRL_PD ? 500.0 : 16.0 * 20.0;
    for (uint32_t j = 0; j < d->n_enc; j++)
        x[l.thr + j] = (j + 0.5) * step / CTRL_BIAS_VALUE / 127.0;
    for (uint32_t k = 0; k < d->n_hid; k++) x[l.hid_w + k] = 1.0; /* relay */
    x[l.hid_theta] = 0.5;
    /* One level is worth `step` in the target's units. */
    const double per_level_v = part == CTRL_PD
        ? 500.0 / 1000.0 * CTRL_V_PER_CMD_PD / (1 << d->out_shift)
        : CTRL_KI * 0.1 * 20.0 / 1000.0 * CTRL_V_PER_CMD_I; /* ki * dt * 20 mm, in v */
    for (uint32_t k = 0; k < d->n_hid; k++) x[l.out_w + k] = per_level_v / d->out_scale;
    x[l.out_amem] = part == CTRL_PD ? 0.0 : 1.0;
}

static int32_t clampi(double v, int32_t lo, int32_t hi)
{
    if (!(v == v)) return 0;
    double r = nearbyint(v);
    return r < lo ? lo : (r > hi ? hi : (int32_t)r);
}

static loom_status oom(loom_err *e) { return loom_fail(e, LOOM_E_NOMEM, "ctrl: out of memory"); }

static loom_status build_part(seir_net *net, ctrl_part part, const double *x, int32_t g_u, loom_err *e)
{
    const part_desc *d = &parts[part];
    const layout l = layout_of(part);
    char name[32];
    seir_profile pe, ph, po;
    seir_profile_default(&pe);
    seir_profile_default(&ph);
    seir_profile_default(&po);

    /* |g_err| + |g_derr| <= CTRL_G_SUM_MAX (the derr gain takes what the
     * err gain leaves): with |w_bias| <= 127 every encoder's accumulator
     * bound is at most 16 * 1400 + 127 * 80 = 32560 <= 32767 (A = 16). */
    const int32_t g_err = clampi(x[l.g_err] * d->g_err_scale, -CTRL_G_SUM_MAX, CTRL_G_SUM_MAX);
    const int32_t g_left = CTRL_G_SUM_MAX - (g_err < 0 ? -g_err : g_err);
    const int32_t g_derr = d->has_derr ? clampi(x[l.g_derr] * d->g_derr_scale, -g_left, g_left) : 0;

    snprintf(name, sizeof name, "%s_enc", d->pfx);
    pe.name = name;
    pe.a_syn = 0;
    pe.a_mem = clampi(x[l.enc_amem] * 4096, 0, 4096);
    pe.theta = 1;
    pe.reset = SEIR_RESET_ZERO;
    int32_t pe_i = seir_add_profile(net, &pe);
    snprintf(name, sizeof name, "%s_hid", d->pfx);
    ph.name = name;
    ph.a_syn = 0;
    ph.a_mem = clampi(x[l.hid_amem] * 4096, 0, 4096);
    ph.theta = clampi(x[l.hid_theta] * 64, 1, 32767);
    ph.reset = SEIR_RESET_ZERO;
    int32_t ph_i = seir_add_profile(net, &ph);
    snprintf(name, sizeof name, "%s_out", d->pfx);
    po.name = name;
    po.a_syn = 0;
    po.a_mem = clampi(x[l.out_amem] * 4096, 0, 4096);
    po.theta = 1;
    po.reset = SEIR_RESET_NONE;
    po.shift = d->out_shift;
    int32_t po_i = seir_add_profile(net, &po);
    if (pe_i < 0 || ph_i < 0 || po_i < 0) return oom(e);

    int64_t enc[2], hid[2], out;
    static const char side_name[2] = {'p', 'n'};
    for (int s = 0; s < 2; s++) {
        snprintf(name, sizeof name, "%s_enc_%c", d->pfx, side_name[s]);
        enc[s] = seir_add_neurons(net, name, d->n_enc, 1, (uint32_t)pe_i);
        if (enc[s] < 0) return oom(e);
    }
    for (int s = 0; s < 2; s++) {
        snprintf(name, sizeof name, "%s_hid_%c", d->pfx, side_name[s]);
        hid[s] = seir_add_neurons(net, name, d->n_hid, 1, (uint32_t)ph_i);
        if (hid[s] < 0) return oom(e);
    }
    snprintf(name, sizeof name, "%s_out", d->pfx);
    out = seir_add_neurons(net, name, 1, 0, (uint32_t)po_i);
    if (out < 0) return oom(e);

    int rc = 0;
    const int32_t hid_side = clampi(x[l.hid_side] * 64, -127, 127);
    for (int s = 0; s < 2; s++) {
        const int32_t sign = s == 0 ? 1 : -1;
        for (uint32_t j = 0; j < d->n_enc; j++) {
            const uint32_t n = (uint32_t)enc[s] + j;
            const int32_t wb = clampi(-x[l.thr + j] * 127, -127, 127);
            if (g_err) rc |= seir_add_syn(net, SEIR_SRC_INPUT | CTRL_IN_ERR, n, sign * g_err, 0);
            if (g_derr) rc |= seir_add_syn(net, SEIR_SRC_INPUT | CTRL_IN_DERR, n, sign * g_derr, 0);
            if (g_u) rc |= seir_add_syn(net, SEIR_SRC_INPUT | CTRL_IN_THIRD, n, sign * g_u, 0);
            if (wb) rc |= seir_set_bias(net, n, wb * CTRL_BIAS_VALUE);
        }
        for (uint32_t k = 0; k < d->n_hid; k++) {
            const uint32_t h = (uint32_t)hid[s] + k;
            const int32_t wc = clampi(x[l.hid_w + k] * 64, -127, 127);
            if (wc) rc |= seir_add_syn(net, (uint32_t)enc[s] + k, h, wc, 0);
            if (hid_side && k + 1 < d->n_enc)
                rc |= seir_add_syn(net, (uint32_t)enc[s] + k + 1, h, hid_side, 0);
            const int32_t wo = clampi(x[l.out_w + k] * d->out_scale, -127, 127);
            if (wo) rc |= seir_add_syn(net, h, (uint32_t)out, sign * wo, 0);
        }
    }
    rc |= seir_add_output(net, (uint32_t)out, SEIR_OUT_V);
    return rc ? oom(e) : LOOM_OK;
}

loom_status ctrl_build(const double *pd_genes, const double *i_genes, seir_net **out,
                       loom_err *e)
{
    seir_arch a;
    seir_arch_default(&a);
    a.a = CTRL_ARCH_A; /* the icebreaker's accumulators */
    return ctrl_build_arch(&a, pd_genes, i_genes, out, e);
}

loom_status ctrl_build_arch(const seir_arch *arch, const double *pd_genes, const double *i_genes,
                            seir_net **out, loom_err *e)
{
    return ctrl_build_eff(arch, pd_genes, i_genes, NULL, out, e);
}

loom_status ctrl_build_eff(const seir_arch *arch, const double *pd_genes, const double *i_genes,
                           const double *eff_genes, seir_net **out, loom_err *e)
{
    *out = NULL;
    if (eff_genes && !pd_genes)
        return loom_fail(e, LOOM_E_ARG, "controller: the efference copy feeds the PD part, which is left out");
    if (arch->a < CTRL_ARCH_A || arch->w < 8 || arch->s < 16)
        return loom_fail(e, LOOM_E_INVALID,
                         "controller: arch W=%d S=%d A=%d: the controller needs W >= 8, S >= 16 and A >= %d",
                         arch->w, arch->s, arch->a, CTRL_ARCH_A);
    seir_arch a = *arch;
    seir_net *net = seir_net_new(&a);
    if (!net) return oom(e);
    loom_status st = LOOM_OK;
    if (seir_add_inputs(net, "err", 1, 0, SEIR_IN_GRADED) < 0 ||
        seir_add_inputs(net, "derr", 1, 0, SEIR_IN_GRADED) < 0 ||
        seir_set_input_max(net, CTRL_IN_ERR, 1, CTRL_IN_MAX) ||
        seir_set_input_max(net, CTRL_IN_DERR, 1, CTRL_IN_MAX))
        st = oom(e);
    if (!st && eff_genes &&
        (seir_add_inputs(net, "u", 1, 0, SEIR_IN_GRADED) < 0 || seir_set_input_max(net, CTRL_IN_THIRD, 1, CTRL_U_MAX)))
        st = oom(e);
    const int32_t g_u = eff_genes ? clampi(eff_genes[0] * CTRL_U_GAIN_SCALE, -CTRL_U_GAIN_MAX, CTRL_U_GAIN_MAX) : 0;
    if (!st && pd_genes) st = build_part(net, CTRL_PD, pd_genes, g_u, e);
    if (!st && i_genes) st = build_part(net, CTRL_I, i_genes, 0, e);
    if (st) {
        seir_net_free(net);
        return st;
    }
    *out = net;
    return LOOM_OK;
}

static int32_t sat_in(double v)
{
    if (!(v == v)) return 0;
    double r = nearbyint(v);
    return r > CTRL_IN_MAX ? CTRL_IN_MAX : (r < -CTRL_IN_MAX ? -CTRL_IN_MAX : (int32_t)r);
}

void ctrl_encode_scaled(double err, double derr, double scale_err, double scale_derr,
                        int32_t in[2])
{
    in[CTRL_IN_ERR] = sat_in(err * scale_err);
    in[CTRL_IN_DERR] = sat_in(derr * scale_derr);
}

void ctrl_encode(double err, double derr, int32_t in[2])
{
    ctrl_encode_scaled(err, derr, 1000.0, 1000.0, in);
}

double ctrl_decode(ctrl_part part, int32_t v) { return (double)v / parts[part].v_per_cmd; }

loom_status ctrl_check_net(const seir_net *net, loom_err *e) { return ctrl_check_net_third(net, NULL, e); }

loom_status ctrl_check_net_third(const seir_net *net, ctrl_third *third, loom_err *e)
{
    static const char *names[2] = {"err", "derr"};
    if (net->n_inputs < 2 || net->n_inputs > CTRL_N_INPUTS)
        return loom_fail(e, LOOM_E_INVALID,
                         "controller: expected 2 or 3 graded inputs (err, derr, and u or bias), found %u",
                         net->n_inputs);
    for (uint32_t c = 0; c < 2; c++) {
        char buf[64];
        seir_input_name(net, c, buf, sizeof buf);
        if (net->input_kind[c] != SEIR_IN_GRADED || strcmp(buf, names[c]))
            return loom_fail(e, LOOM_E_INVALID, "controller: input channel %u is '%s', expected graded '%s'",
                             c, buf, names[c]);
    }
    ctrl_third t = CTRL_THIRD_NONE;
    if (net->n_inputs == CTRL_N_INPUTS) {
        char buf[64];
        seir_input_name(net, CTRL_IN_THIRD, buf, sizeof buf);
        if (net->input_kind[CTRL_IN_THIRD] == SEIR_IN_GRADED && !strcmp(buf, "u"))
            t = CTRL_THIRD_U;
        else if (net->input_kind[CTRL_IN_THIRD] == SEIR_IN_GRADED && !strcmp(buf, "bias"))
            t = CTRL_THIRD_BIAS;
        else
            return loom_fail(e, LOOM_E_INVALID, "controller: input channel 2 is '%s', expected graded 'u' or 'bias'",
                             buf);
    }
    if (third) *third = t;
    if (net->n_outputs != CTRL_N_PARTS)
        return loom_fail(e, LOOM_E_INVALID, "controller: expected 2 v outputs (PD, I read-outs), found %u",
                         net->n_outputs);
    for (uint32_t k = 0; k < net->n_outputs; k++)
        if (net->outputs[k].kind != SEIR_OUT_V) {
            char buf[64];
            return loom_fail(e, LOOM_E_INVALID, "controller: output %u (%s) must be a v output", k,
                             seir_neuron_name(net, net->outputs[k].neuron, buf, sizeof buf));
        }
    return LOOM_OK;
}

/* ---- reference-model backend --------------------------------------------- */

loom_status ctrl_ref_open(const seir_net *net, ctrl_ref *r, loom_err *e)
{
    memset(r, 0, sizeof *r);
    if (net->n_outputs > 8)
        return loom_fail(e, LOOM_E_ARG, "controller: %u outputs, at most 8 supported", net->n_outputs);
    r->n_out = net->n_outputs;
    for (uint32_t k = 0; k < net->n_outputs; k++) r->out_neuron[k] = net->outputs[k].neuron;
    return ref_create(net, &r->sim, e);
}

void ctrl_ref_close(ctrl_ref *r)
{
    ref_destroy(r->sim);
    r->sim = NULL;
}

static loom_status ref_be_step(void *ctx, const int32_t *in, uint32_t n_in, int32_t *out,
                               uint32_t n_out, loom_err *e)
{
    ctrl_ref *r = ctx;
    if (n_out > r->n_out)
        return loom_fail(e, LOOM_E_ARG, "controller: asked for %u outputs, the network has %u", n_out, r->n_out);
    for (uint32_t c = 0; c < n_in; c++)
        if (in[c]) ref_set_input(r->sim, c, in[c]);
    ref_step(r->sim);
    for (uint32_t k = 0; k < n_out; k++) out[k] = ref_v(r->sim, r->out_neuron[k]);
    return LOOM_OK;
}

static loom_status ref_be_spikes(void *ctx, const uint32_t **idx, uint32_t *count, loom_err *e)
{
    (void)e;
    ctrl_ref *r = ctx;
    *idx = ref_spikes(r->sim, count);
    return LOOM_OK;
}

ctrl_backend ctrl_ref_backend(ctrl_ref *r) { return (ctrl_backend){r, ref_be_step, ref_be_spikes}; }

/* ---- the SNN controller step ------------------------------------------------ */

void ctrl_snn_init(ctrl_snn *c, ctrl_backend be)
{
    memset(c, 0, sizeof *c);
    c->be = be;
    c->scale_err = c->scale_derr = 1000.0;
    c->v_per_cmd[CTRL_PD] = CTRL_V_PER_CMD_PD;
    c->v_per_cmd[CTRL_I] = CTRL_V_PER_CMD_I;
}

loom_status ctrl_snn_net(ctrl_snn *c, const seir_net *net, loom_err *e)
{
    return ctrl_check_net_third(net, &c->third, e);
}

loom_status ctrl_snn_step(void *ctx, double err, double derr, double *u, loom_err *e)
{
    ctrl_snn *c = ctx;
    int32_t in[CTRL_N_INPUTS];
    ctrl_encode_scaled(err, derr, c->scale_err, c->scale_derr, in);
    if (c->third == CTRL_THIRD_BIAS) {
        in[CTRL_IN_THIRD] = CTRL_BIAS_VALUE;
    } else if (c->third == CTRL_THIRD_U) {
        const double up = c->u_prev > CTRL_U_SAT ? CTRL_U_SAT : (c->u_prev < -CTRL_U_SAT ? -CTRL_U_SAT : c->u_prev);
        in[CTRL_IN_THIRD] = (int32_t)nearbyint(up * CTRL_U_SCALE); /* +-CTRL_U_MAX; NaN never: u_prev is a sum of v's */
    }
    const uint32_t n_in = c->third == CTRL_THIRD_NONE ? 2 : CTRL_N_INPUTS;
    loom_status st = c->be.step(c->be.ctx, in, n_in, c->last_v, CTRL_N_PARTS, e);
    if (st) return st;
    if (c->on_spikes && c->be.spikes) {
        const uint32_t *idx;
        uint32_t n;
        if ((st = c->be.spikes(c->be.ctx, &idx, &n, e))) return st;
        c->on_spikes(c->spike_ctx, idx, n);
    }
    c->last_u[CTRL_PD] = (double)c->last_v[CTRL_PD] / c->v_per_cmd[CTRL_PD];
    c->last_u[CTRL_I] = (double)c->last_v[CTRL_I] / c->v_per_cmd[CTRL_I];
    *u = c->last_u[CTRL_PD] + c->last_u[CTRL_I];
    c->u_prev = *u;
    return LOOM_OK;
}

/* ---- traces and fitness -------------------------------------------------- */

typedef struct rec_ctx {
    pid pid;
    ctrl_trace *tr;
} rec_ctx;

static loom_status rec_step(void *ctx, double err, double derr, double *u, loom_err *e)
{
    rec_ctx *r = ctx;
    loom_status st = pid_step(&r->pid, err, derr, u, e);
    ctrl_trace *tr = r->tr;
    tr->err[tr->n] = err;
    tr->derr[tr->n] = derr;
    tr->target[CTRL_PD][tr->n] = r->pid.last_p + r->pid.last_d;
    tr->target[CTRL_I][tr->n] = r->pid.last_i;
    tr->n++;
    return st;
}

void ctrl_trace_free(ctrl_trace *tr)
{
    free(tr->err);
    free(tr->derr);
    for (int k = 0; k < CTRL_N_PARTS; k++) free(tr->target[k]);
    memset(tr, 0, sizeof *tr);
}

loom_status ctrl_trace_record(const plant_params *p, uint64_t seed, double duration,
                              ctrl_trace *tr, loom_err *e)
{
    memset(tr, 0, sizeof *tr);
    const size_t cap = (size_t)(duration * p->ctrl_rate) + 2;
    tr->err = calloc(cap, sizeof(double));
    tr->derr = calloc(cap, sizeof(double));
    for (int k = 0; k < CTRL_N_PARTS; k++) tr->target[k] = calloc(cap, sizeof(double));
    if (!tr->err || !tr->derr || !tr->target[0] || !tr->target[1]) {
        ctrl_trace_free(tr);
        return oom(e);
    }
    plant_profile pr;
    plant_profile_random(&pr, seed, duration, 1.0, 3.0, 4.0, 12.0);
    plant_params pp = *p;
    pp.z0 = pr.sp[0] - 0.5 + (double)(seed % 1000) / 1000.0; /* start near the first setpoint */
    if (pp.z0 < 0) pp.z0 = 0;
    rec_ctx r;
    pid_init(&r.pid, CTRL_KP, CTRL_KI, CTRL_KD, 1.0 / p->ctrl_rate);
    r.pid.i_max = 32767.0 / CTRL_V_PER_CMD_I; /* anti-windup at what the I read-out can hold */
    r.tr = tr;
    loom_status st = plant_fly(&pp, seed, &pr, duration, (plant_ctrl){&r, rec_step}, NULL, NULL, e);
    if (st) ctrl_trace_free(tr);
    return st;
}

static double clampd(double v, double m) { return v > m ? m : (v < -m ? -m : v); }

loom_status ctrl_fitness(ctrl_part part, const double *genes, const ctrl_trace *tr,
                         uint32_t n_tr, double u_max, double *mse, loom_err *e)
{
    seir_net *net;
    loom_status st = ctrl_build(part == CTRL_PD ? genes : NULL, part == CTRL_I ? genes : NULL, &net, e);
    if (st) return st;
    ref_sim *sim;
    st = ref_create(net, &sim, e);
    const uint32_t out = net->outputs[0].neuron;
    seir_net_free(net);
    if (st) return st;
    double se = 0;
    size_t n = 0;
    for (uint32_t k = 0; k < n_tr; k++) {
        ref_reset(sim);
        for (size_t t = 0; t < tr[k].n; t++) {
            int32_t in[2];
            ctrl_encode(tr[k].err[t], tr[k].derr[t], in);
            for (uint32_t c = 0; c < 2; c++) ref_set_input(sim, c, in[c]);
            ref_step(sim);
            const double u = clampd(ctrl_decode(part, ref_v(sim, out)), u_max);
            const double d = u - clampd(tr[k].target[part][t], u_max);
            se += d * d;
            n++;
        }
    }
    ref_destroy(sim);
    *mse = n ? se / (double)n : 0;
    return LOOM_OK;
}
