/*
 * nir_check.c -- checks that run a compiled NIR net: the float reference
 * on a stimulus (nir_float_run, `loom sim --float`) and what quantisation
 * costs (nir_report: the quantised net on the reference model against the
 * float reference).
 */
#include "check.h"
#include "jsonw.h"

#include "loom_arith.h"
#include "nir_int.h"
#include "ref.h"
#include "seir_relay.h"
#include "loom_mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Runs step t of the quantised net (rs) and the float reference (fs) on the
 * same inputs from src.  x (n_inputs doubles, all zero on entry and exit)
 * and ev (room for n_inputs events) are the caller's scratch buffers. */
static loom_status step_both(stim_src *src, uint64_t t, uint32_t n_inputs, stim_event *ev,
                             double *x, ref_sim *rs, nir_fsim *fs, loom_err *e)
{
    uint32_t n = 0;
    loom_status st = stim_next(src, t, ev, n_inputs, &n, e);
    if (st)
        return st;
    for (uint32_t k = 0; k < n; k++)
        if (ev[k].channel < n_inputs) {
            x[ev[k].channel] = ev[k].value;
            ref_set_input(rs, ev[k].channel, ev[k].value);
        }
    ref_step(rs);
    nir_fsim_step(fs, x);
    for (uint32_t k = 0; k < n; k++)
        if (ev[k].channel < n_inputs)
            x[ev[k].channel] = 0.0;
    return LOOM_OK;
}

/* 1 when neuron nn of population pp agrees with the float reference this
 * step: a spike by bit, a v output within the report's tolerance. */
static int cell_agrees(const nir_pop *pp, const nir_qinfo *q, const ref_sim *rs, const nir_fsim *fs, uint32_t nn)
{
    if (pp->out_v)
        return fabs(ref_v(rs, nn) / q->sigma - nir_fsim_v(fs)[nn]) <= 0.02 * q->v_bound + 2.0 / q->sigma;
    return (ref_spiked(rs, nn) != 0) == (nir_fsim_spikes(fs)[nn] != 0);
}

/* Output agreement of g quantised for arch (or of qnet, when given: g
 * compiled for arch) against the float reference on Poisson input (rate,
 * seed, steps): the fraction of (step, output neuron) cells that agree,
 * spikes by bit, v outputs within the report's tolerance. */
static loom_status out_agreement(const nir_graph *g, const seir_arch *arch, const seir_net *qnet, double rate,
                                 uint64_t seed, uint64_t steps, double *agreement, loom_err *e)
{
    seir_net *net = NULL;
    ref_sim *rs = NULL;
    nir_fsim *fs = NULL;
    stim_src *src = NULL;
    nir_qinfo *info = calloc(g->n_pops + 1, sizeof *info);
    double *x = calloc(g->n_inputs + 1, sizeof *x);
    stim_event *ev = malloc((g->n_inputs + 1) * sizeof *ev);
    uint64_t cells = 0, ok = 0;
    loom_status st = LOOM_OK;
    if (!info || !x || !ev) {
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
        goto done;
    }
    if ((st = nir_quantise_relay(g, arch, &net, info, e)))
        goto done;
    if (qnet) {
        seir_net_free(net);
        net = NULL;
    }
    const seir_net *run = qnet ? qnet : net;
    if ((st = ref_create(run, &rs, e)) || (st = nir_fsim_new(g, &fs, e)) ||
        (st = stim_poisson(run, rate, seed, &src, e)))
        goto done;
    for (uint64_t t = 0; t < steps; t++) {
        if ((st = step_both(src, t, g->n_inputs, ev, x, rs, fs, e)))
            goto done;
        for (uint32_t p = 0; p < g->n_pops; p++)
            for (uint32_t k = 0; g->pops[p].is_output && k < g->pops[p].count; k++, cells++)
                ok += (uint64_t)cell_agrees(&g->pops[p], &info[p], rs, fs, g->pops[p].first + k);
    }
    *agreement = cells ? (double)ok / (double)cells : 1.0;
done:
    stim_close(src);
    ref_destroy(rs);
    nir_fsim_free(fs);
    seir_net_free(net);
    LOOM_FREE(info, x, ev);
    return st;
}

/* (W, S) pairs the report tries, in order of cost, when the given arch
 * misses NIR_AGREE_TARGET (A and D stay those of the given arch; the
 * quantiser lowers K where the accumulator proof needs it).  Only for nets
 * of at most NIR_ARCH_SEARCH_MAX_SYN synapses: each try is a full run. */
#define NIR_AGREE_TARGET 0.99
#define NIR_ARCH_SEARCH_MAX_SYN 200000u
static const int arch_ladder[][2] = {{8, 16},  {8, 20},  {10, 18}, {10, 20}, {12, 20},
                                     {12, 22}, {12, 24}, {16, 24}, {16, 32}};

static const char *pop_kind_name(const nir_graph *g, const nir_pop *p)
{
    if (p->kind == NIR_POP_READOUT)
        return "readout";
    return nir_kind_name(g->nodes[p->node].kind);
}

/* A warning line per connection (and a count of biases) that kept less
 * than half its value, and a note on kept connections (text report). */
static void nir_report_lost(const nir_graph *g, const nir_qinfo *info, FILE *out)
{
    for (uint32_t p = 0; p < g->n_pops; p++) {
        const nir_pop *pp = &g->pops[p];
        const nir_qinfo *q = &info[p];
        for (uint32_t j = 0; j < q->n_ex; j++) {
            char src[64];
            uint32_t s = q->ex[j].src;
            if (SEIR_IS_INPUT(s))
                snprintf(src, sizeof src, "input channel %u", SEIR_SRC_INDEX(s));
            else
                snprintf(src, sizeof src, "neuron %u (%s)", s, g->pops[g->pop_of[s]].name);
            fprintf(out, "warning: layer %s: the connection %s -> neuron %u lost more than half its value: "
                         "%.4g state units per event in float, %.4g quantised\n",
                    pp->name, src, q->ex[j].dst, q->ex[j].want, q->ex[j].got);
        }
        if (q->n_weights_lost > q->n_ex)
            fprintf(out, "warning: layer %s: ... and %llu more such connections (%llu of %llu)\n", pp->name,
                    (unsigned long long)(q->n_weights_lost - q->n_ex), (unsigned long long)q->n_weights_lost,
                    (unsigned long long)q->n_weights);
        if (q->n_biases_lost)
            fprintf(out, "warning: layer %s: %u of %u biases lost more than half their value\n", pp->name,
                    q->n_biases_lost, q->n_biases);
        if (q->n_weights_kept)
            fprintf(out, "note: layer %s: %llu connections that would have rounded to no effect were kept at one "
                         "state unit\n", pp->name, (unsigned long long)q->n_weights_kept);
    }
}

loom_status nir_report(const model *m, const model_opts *o, double rate, uint64_t seed, uint64_t steps, FILE *out,
                       jsonw *j, loom_err *e)
{
    (void)o;
    if (m && m->kind == MODEL_NIR && !m->nir && m->net)
        return loom_fail(e, LOOM_E_UNSUPPORTED,
                         "no quantisation report: this NIR file was written by loom compile --emit-nir and is "
                         "the integer machine itself (loom info shows what it holds)");
    if (!m || m->kind != MODEL_NIR || !m->nir || !m->net)
        return loom_fail(e, LOOM_E_ARG, "nir_report: the model is not a compiled NIR graph");
    if (!(rate >= 0 && rate <= 1))
        return loom_fail(e, LOOM_E_ARG, "nir_report: rate %g is not a probability per step", rate);
    const nir_graph *g = m->nir;
    const seir_net *net = m->net;
    nir_qinfo *info = calloc(g->n_pops + 1, sizeof *info);
    if (!info)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    seir_net *tmp = NULL;
    loom_status st = nir_quantise_relay(g, &net->arch, &tmp, info, e);
    seir_net_free(tmp);
    if (st) {
        free(info);
        return st;
    }
    if (j) {
        jsonw_str(j, "nir_version", g->version[0] ? g->version : NULL);
        jsonw_num(j, "dt", g->dt);
        jsonw_str(j, "reset", g->reset_subtract ? "subtract" : "zero");
        jsonw_uint(j, "input_channels", g->n_inputs);
        jsonw_uint(j, "neurons", g->n_neurons);
        jsonw_uint(j, "synapses", net->n_syn);
        jsonw_uint(j, "max_delay", g->max_delay);
    } else {
        fprintf(out, "nir %s: NIR %s, dt %g s, reset %s, arch W=%d S=%d A=%d D=%d\n", g->path,
                g->version[0] ? g->version : "(no version)", g->dt, g->reset_subtract ? "subtract" : "by value",
                net->arch.w, net->arch.s, net->arch.a, net->arch.d);
        fprintf(out, "nir %u input channels, %u neurons, %zu synapses, max delay %u steps\n", g->n_inputs,
                g->n_neurons, net->n_syn, g->max_delay);
        for (uint32_t p = 0; p < g->n_pops; p++) {
            const nir_pop *pp = &g->pops[p];
            const nir_qinfo *q = &info[p];
            fprintf(out,
                    "layer %s %s neurons %u profiles %d scale %.6g shift %d weight-scale %.6g weight-use %.1f%% "
                    "in-bound %.0f predicted-saturation %s search-shift %+d lost-weights %.4f lost-biases %.4f\n",
                    pp->name, pop_kind_name(g, pp), pp->count, q->n_profiles, q->sigma, q->shift, q->kscale,
                    100.0 * q->w_use, q->in_bound, q->sat_risk ? "yes" : "no", q->adj,
                    q->n_weights ? (double)q->n_weights_lost / (double)q->n_weights : 0.0,
                    q->n_biases ? (double)q->n_biases_lost / (double)q->n_biases : 0.0);
        }
        nir_report_lost(g, info, out);
    }
    /* agreement run */
    ref_sim *rs = NULL;
    nir_fsim *fs = NULL;
    stim_src *src = NULL;
    double *x = calloc(g->n_inputs + 1, sizeof *x);
    stim_event *ev = malloc((g->n_inputs + 1) * sizeof *ev);
    uint64_t *fsp = calloc(g->n_pops + 1, sizeof *fsp), *qsp = calloc(g->n_pops + 1, sizeof *qsp);
    uint64_t *agree = calloc(g->n_pops + 1, sizeof *agree);
    uint8_t *sat = calloc(g->n_neurons + 1, 1);
    if (!x || !ev || !fsp || !qsp || !agree || !sat) {
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
        goto done;
    }
    if ((st = ref_create(net, &rs, e)) || (st = nir_fsim_new(g, &fs, e)) ||
        (st = stim_poisson(net, rate, seed, &src, e)))
        goto done;
    const int32_t smax = (int32_t)loom_max_s(net->arch.s), smin = (int32_t)loom_min_s(net->arch.s);
    for (uint64_t t = 0; t < steps; t++) {
        if ((st = step_both(src, t, g->n_inputs, ev, x, rs, fs, e)))
            goto done;
        const uint8_t *fspk = nir_fsim_spikes(fs);
        for (uint32_t p = 0; p < g->n_pops; p++) {
            const nir_pop *pp = &g->pops[p];
            for (uint32_t k = 0; k < pp->count; k++) {
                uint32_t nn = pp->first + k;
                int32_t qv = ref_v(rs, nn);
                if (qv >= smax || qv <= smin)
                    sat[nn] = 1;
                fsp[p] += fspk[nn];
                qsp[p] += (uint64_t)ref_spiked(rs, nn);
                agree[p] += (uint64_t)cell_agrees(pp, &info[p], rs, fs, nn);
            }
        }
    }
    if (j) {
        jsonw_obj_begin(j, "agreement_run");
        jsonw_uint(j, "steps", steps);
        jsonw_num(j, "poisson_rate", rate);
        jsonw_uint(j, "seed", seed);
        jsonw_obj_end(j);
    } else {
        fprintf(out, "run %llu steps of Poisson input, rate %g per step, seed %llu\n", (unsigned long long)steps,
                rate, (unsigned long long)seed);
    }
    uint64_t cells = 0, ok = 0, nsat = 0;
    for (uint32_t nn = 0; nn < g->n_neurons; nn++)
        nsat += sat[nn];
    if (j)
        jsonw_arr_begin(j, "layers");
    for (uint32_t p = 0; p < g->n_pops; p++) {
        const nir_pop *pp = &g->pops[p];
        const nir_qinfo *q = &info[p];
        uint64_t c = (uint64_t)pp->count * steps;
        if (j) {
            uint64_t ns = 0;
            for (uint32_t k = 0; k < pp->count; k++)
                ns += sat[pp->first + k];
            jsonw_obj_begin(j, NULL);
            jsonw_str(j, "name", pp->name);
            jsonw_str(j, "kind", pop_kind_name(g, pp));
            jsonw_uint(j, "neurons", pp->count);
            jsonw_int(j, "profiles", q->n_profiles);
            jsonw_num(j, "scale", q->sigma);
            jsonw_int(j, "shift", q->shift);
            jsonw_num(j, "weight_scale", q->kscale);
            jsonw_num(j, "weight_use", q->w_use);
            jsonw_num(j, "in_bound", q->in_bound);
            jsonw_bool(j, "predicted_saturation", q->sat_risk);
            jsonw_int(j, "search_shift", q->adj);
            jsonw_num(j, "lost_weights", q->n_weights ? (double)q->n_weights_lost / (double)q->n_weights : 0.0);
            jsonw_num(j, "lost_biases", q->n_biases ? (double)q->n_biases_lost / (double)q->n_biases : 0.0);
            jsonw_bool(j, "output", pp->is_output);
            jsonw_str(j, "compared", pp->out_v ? "v" : "spike");
            jsonw_uint(j, "float_spikes", fsp[p]);
            jsonw_uint(j, "quantised_spikes", qsp[p]);
            jsonw_num(j, "agreement", c ? (double)agree[p] / (double)c : 1.0);
            jsonw_uint(j, "saturated_neurons", ns);
            jsonw_uint(j, "profile_values", q->n_values);
            jsonw_obj_end(j);
        } else {
            fprintf(out, "spikes %s float %llu quantised %llu %s-agreement %.6f%s\n", pp->name,
                    (unsigned long long)fsp[p], (unsigned long long)qsp[p], pp->out_v ? "v" : "spike",
                    c ? (double)agree[p] / (double)c : 1.0, pp->is_output ? " (output)" : "");
            if (q->n_values > (uint32_t)q->n_profiles) /* nir_cluster.c */
                fprintf(out, "profiles %s: %u values clustered into %d, agreement %.6f\n", pp->name, q->n_values,
                        q->n_profiles, c ? (double)agree[p] / (double)c : 1.0);
        }
        if (pp->is_output) {
            cells += c;
            ok += agree[p];
        }
    }
    if (j) {
        jsonw_arr_end(j);
        jsonw_uint(j, "saturated_neurons", nsat);
    } else {
        fprintf(out, "saturated-neurons %llu (reached the S-bit limit at least once)\n", (unsigned long long)nsat);
    }
    double agreement = cells ? (double)ok / (double)cells : 1.0;
    /* arch_needed: "" unknown (search skipped), "none", or "W=..,S=..,A=.." */
    char needed[64] = "";
    double needed_agree = agreement;
    if (agreement < NIR_AGREE_TARGET && net->n_syn > NIR_ARCH_SEARCH_MAX_SYN) {
        if (!j)
            fprintf(out, "arch-needed unknown: agreement below %.2f; the arch search is skipped for nets over %u "
                         "synapses\n", NIR_AGREE_TARGET, NIR_ARCH_SEARCH_MAX_SYN);
    } else if (agreement < NIR_AGREE_TARGET) {
        /* the smallest arch of the ladder that reaches the target on these inputs */
        int found = 0;
        for (size_t k = 0; k < sizeof arch_ladder / sizeof arch_ladder[0] && !found && st == LOOM_OK; k++) {
            seir_arch a = net->arch;
            a.w = arch_ladder[k][0];
            a.s = arch_ladder[k][1];
            if ((a.w <= net->arch.w && a.s <= net->arch.s) || a.s < a.w)
                continue; /* no wider than the given arch, or not a valid arch */
            double ag = 0;
            loom_err e2;
            if (out_agreement(g, &a, NULL, rate, seed, steps, &ag, &e2) != LOOM_OK)
                continue; /* e.g. a delay beyond D: not a candidate */
            if (ag >= NIR_AGREE_TARGET) {
                if (!j)
                    fprintf(out, "arch-needed W=%d,S=%d,A=%d agreement %.6f (the first of the tried arches to "
                                 "reach %.2f on these inputs)\n", a.w, a.s, a.a, ag, NIR_AGREE_TARGET);
                snprintf(needed, sizeof needed, "W=%d,S=%d,A=%d", a.w, a.s, a.a);
                needed_agree = ag;
                found = 1;
            }
        }
        if (!found) {
            if (!j)
                fprintf(out, "arch-needed none: no tried arch up to W=16,S=32 reaches %.2f on these inputs\n",
                        NIR_AGREE_TARGET);
            snprintf(needed, sizeof needed, "none");
        }
    } else {
        if (!j)
            fprintf(out, "arch-needed W=%d,S=%d,A=%d (this arch reaches %.2f)\n", net->arch.w, net->arch.s,
                    net->arch.a, NIR_AGREE_TARGET);
        snprintf(needed, sizeof needed, "W=%d,S=%d,A=%d", net->arch.w, net->arch.s, net->arch.a);
    }
    if (j) {
        jsonw_num(j, "agreement_target", NIR_AGREE_TARGET);
        jsonw_str(j, "arch_needed", needed[0] ? needed : NULL);
        if (needed[0] && strcmp(needed, "none"))
            jsonw_num(j, "arch_needed_agreement", needed_agree);
        else
            jsonw_null(j, "arch_needed_agreement");
        jsonw_num(j, "agreement", agreement);
    } else {
        fprintf(out, "agreement %.6f\n", agreement);
    }
done:
    stim_close(src);
    ref_destroy(rs);
    nir_fsim_free(fs);
    LOOM_FREE(x, ev, fsp, qsp, agree, sat, info);
    return st;
}

loom_status nir_agreement(const model *m, double rate, uint64_t seed, uint64_t steps, double *agreement,
                          loom_err *e)
{
    if (!m || m->kind != MODEL_NIR || !m->nir || !m->net)
        return loom_fail(e, LOOM_E_ARG, "nir_agreement: the model is not a compiled NIR graph");
    if (!(rate >= 0 && rate <= 1))
        return loom_fail(e, LOOM_E_ARG, "nir_agreement: rate %g is not a probability per step", rate);
    return out_agreement(m->nir, &m->net->arch, m->net, rate, seed, steps, agreement, e);
}

loom_status nir_float_run(const nir_graph *g, stim_src *src, uint64_t steps, nir_step_fn fn, void *ctx,
                          loom_err *e)
{
    if (!g)
        return loom_fail(e, LOOM_E_UNSUPPORTED,
                         "no float reference: this NIR file was written by loom compile --emit-nir and is the "
                         "integer machine itself (run it without --float)");
    nir_fsim *s;
    loom_status st = nir_fsim_new(g, &s, e);
    if (st)
        return st;
    double *x = calloc(g->n_inputs + 1, sizeof *x);
    stim_event *ev = malloc((g->n_inputs + 1) * sizeof *ev);
    if (!x || !ev) {
        free(x);
        free(ev);
        nir_fsim_free(s);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    for (uint64_t t = 0; t < steps && st == LOOM_OK; t++) {
        uint32_t n = 0;
        if (src && (st = stim_next(src, t, ev, g->n_inputs, &n, e)))
            break;
        for (uint32_t k = 0; k < n; k++)
            if (ev[k].channel < g->n_inputs)
                x[ev[k].channel] = ev[k].value;
        nir_fsim_step(s, x);
        for (uint32_t k = 0; k < n; k++)
            if (ev[k].channel < g->n_inputs)
                x[ev[k].channel] = 0.0;
        if (fn)
            st = fn(ctx, t, nir_fsim_spikes(s), nir_fsim_v(s), g->n_neurons, e);
    }
    free(x);
    free(ev);
    nir_fsim_free(s);
    return st;
}
