/*
 * netinfo.c -- the numbers behind `loom info` (netinfo.h).
 *
 * One pass over the synapses gives fan-in, fan-out, the delay histogram and
 * the accumulator bound (sum over a neuron's synapses of |w| * max|x|, with
 * max|x| = 32768 for graded channels and 1 otherwise, plus the largest
 * |initial ring value| of the neuron), exactly as seir_check_acc defines it.
 */
#include "netinfo.h"
#include "mapper.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "loom_arith.h"

void netinfo_free(netinfo *ni)
{
    free(ni->delay_hist);
    free(ni->profile_neurons);
    memset(ni, 0, sizeof *ni);
}

loom_status netinfo_compute(const seir_net *net, netinfo *ni, loom_err *e)
{
    memset(ni, 0, sizeof *ni);
    const uint32_t N = net->n_neurons, C = net->n_inputs;
    ni->neurons = N;
    ni->neuron_groups = net->n_neuron_groups;
    ni->profiles = net->n_profiles;
    ni->synapses = net->n_syn;
    ni->dense_blocks = net->n_dense;
    for (uint32_t k = 0; k < net->n_dense; k++)
        ni->syn_in_dense += net->dense[k].syn_count;
    ni->inputs = C;
    ni->input_groups = net->n_input_groups;
    for (uint32_t c = 0; c < C; c++) {
        if (net->input_kind[c] == SEIR_IN_GRADED)
            ni->inputs_graded++;
        else
            ni->inputs_spike++;
    }
    ni->outputs = net->n_outputs;
    for (uint32_t k = 0; k < net->n_outputs; k++) {
        if (net->outputs[k].kind == SEIR_OUT_V)
            ni->outputs_v++;
        else
            ni->outputs_spike++;
    }
    ni->acc_limit = loom_max_s(net->arch.a);
    uint32_t D = net->arch.d >= 0 ? (uint32_t)net->arch.d : 0;

    ni->delay_hist = calloc(D + 1, sizeof *ni->delay_hist);
    ni->profile_neurons = calloc(net->n_profiles ? net->n_profiles : 1, sizeof *ni->profile_neurons);
    uint32_t *fin = calloc(N ? N : 1, sizeof *fin);
    uint32_t *fout = calloc((size_t)N + C ? (size_t)N + C : 1, sizeof *fout);
    int64_t *acc = calloc(N ? N : 1, sizeof *acc);
    int64_t *ring = calloc(N ? N : 1, sizeof *ring);
    uint32_t *level = malloc((N ? N : 1) * sizeof *level);
    loom_status st = LOOM_OK;
    if (!ni->delay_hist || !ni->profile_neurons || !fin || !fout || !acc || !ring || !level) {
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory summarising the net");
        goto done;
    }
    for (uint32_t n = 0; n < N; n++)
        if (net->neuron_profile[n] < net->n_profiles)
            ni->profile_neurons[net->neuron_profile[n]]++;
    for (size_t k = 0; k < net->n_syn; k++) {
        const seir_syn *s = &net->syn[k];
        if (s->dst >= N)
            continue; /* the validator rejects these; stay safe on any net */
        int64_t xmax = 1;
        uint64_t so;
        if (SEIR_IS_INPUT(s->src)) {
            uint32_t c = SEIR_SRC_INDEX(s->src);
            if (c >= C)
                continue;
            ni->syn_from_inputs++;
            if (net->input_kind[c] == SEIR_IN_GRADED)
                xmax = 32768;
            so = (uint64_t)N + c;
        } else {
            if (s->src >= N)
                continue;
            so = s->src;
        }
        fin[s->dst]++;
        fout[so]++;
        acc[s->dst] += (s->w < 0 ? -(int64_t)s->w : s->w) * xmax;
        if (s->d <= D)
            ni->delay_hist[s->d]++;
    }
    for (size_t k = 0; k < net->n_ring_init; k++) {
        const seir_ring_init *r = &net->ring_init[k];
        int64_t m = r->value < 0 ? -(int64_t)r->value : r->value;
        if (r->neuron < N && m > ring[r->neuron])
            ring[r->neuron] = m;
    }
    ni->ring_init = net->n_ring_init;
    uint64_t sum_in = 0;
    for (uint32_t n = 0; n < N; n++) {
        sum_in += fin[n];
        if (fin[n] > ni->max_fan_in || n == 0) {
            ni->max_fan_in = fin[n];
            ni->max_fan_in_neuron = n;
        }
        int64_t b = acc[n] + ring[n];
        if (b > ni->acc_bound || n == 0) {
            ni->acc_bound = b;
            ni->acc_bound_neuron = n;
        }
        if ((net->init_i && net->init_i[n]) || (net->init_v && net->init_v[n]))
            ni->init_neurons++;
    }
    ni->mean_fan_in = N ? (double)sum_in / N : 0.0;
    for (uint64_t s = 0; s < (uint64_t)N + C; s++)
        if (fout[s] > ni->max_fan_out || s == 0) {
            ni->max_fan_out = fout[s];
            ni->max_fan_out_src = s < N ? (uint32_t)s : (SEIR_SRC_INPUT | (uint32_t)(s - N));
        }
    st = seir_levels(net, level, &ni->levels, e);
done:
    free(fin);
    free(fout);
    free(acc);
    free(ring);
    free(level);
    if (st)
        netinfo_free(ni);
    return st;
}

static const char *src_name(const seir_net *net, uint32_t src, char *buf, size_t len)
{
    if (SEIR_IS_INPUT(src))
        return seir_input_name(net, SEIR_SRC_INDEX(src), buf, len);
    return seir_neuron_name(net, src, buf, len);
}

static const char *reset_name(seir_reset r)
{
    return r == SEIR_RESET_ZERO ? "zero" : (r == SEIR_RESET_SUBTRACT ? "subtract" : "none");
}

/* Writes the delay histogram as "d:count ..." (nonzero entries), grouped
 * into at most 16 ranges when there are more distinct delays than that. */
static void print_delays(const netinfo *ni, uint32_t D, FILE *f)
{
    uint32_t distinct = 0;
    for (uint32_t d = 0; d <= D; d++)
        distinct += ni->delay_hist[d] != 0;
    if (distinct == 0) {
        fputs("none", f);
        return;
    }
    uint32_t width = distinct <= 16 ? 1 : (D + 16) / 16;
    const char *sep = "";
    for (uint32_t lo = 0; lo <= D; lo += width) {
        uint32_t hi = lo + width - 1 > D ? D : lo + width - 1;
        uint64_t c = 0;
        for (uint32_t d = lo; d <= hi; d++)
            c += ni->delay_hist[d];
        if (!c)
            continue;
        if (lo == hi)
            fprintf(f, "%s%u:%" PRIu64, sep, lo, c);
        else
            fprintf(f, "%s%u-%u:%" PRIu64, sep, lo, hi, c);
        sep = " ";
    }
}

void netinfo_print(const seir_net *net, const netinfo *ni, const char *path, const char *kind,
                   FILE *f)
{
    char b1[256];
    if (path)
        fprintf(f, "file        %s%s%s%s\n", path, kind ? " (" : "", kind ? kind : "", kind ? ")" : "");
    fprintf(f, "arch        W=%d S=%d A=%d D=%d\n", net->arch.w, net->arch.s, net->arch.a, net->arch.d);
    fprintf(f, "neurons     %u in %u group%s\n", ni->neurons, ni->neuron_groups,
            ni->neuron_groups == 1 ? "" : "s");
    fprintf(f, "synapses    %" PRIu64 " (%" PRIu64 " from inputs; %" PRIu64 " in %" PRIu64 " dense block%s)\n",
            ni->synapses, ni->syn_from_inputs, ni->syn_in_dense, ni->dense_blocks,
            ni->dense_blocks == 1 ? "" : "s");
    fprintf(f, "inputs      %u channel%s: %u spike, %u graded\n", ni->inputs, ni->inputs == 1 ? "" : "s",
            ni->inputs_spike, ni->inputs_graded);
    fprintf(f, "outputs     %u: %u spike, %u v\n", ni->outputs, ni->outputs_spike, ni->outputs_v);
    const uint32_t hw_prof = map_profile_classes(net);
    if (hw_prof != ni->profiles)
        fprintf(f, "profiles    %u (%u on the machine: profiles that differ only in bias share one)\n",
                ni->profiles, hw_prof);
    else
        fprintf(f, "profiles    %u\n", ni->profiles);
    for (uint32_t k = 0; k < net->n_profiles; k++) {
        const seir_profile *p = &net->profiles[k];
        fprintf(f, "  %-10s %u neuron%s: a_syn %d a_mem %d theta %d v_reset %d reset %s shift %d bias %d\n",
                p->name, ni->profile_neurons[k], ni->profile_neurons[k] == 1 ? "" : "s", (int)p->a_syn,
                (int)p->a_mem, (int)p->theta, (int)p->v_reset, reset_name(p->reset), (int)p->shift,
                (int)p->bias);
    }
    if (net->neuron_bias) {
        uint32_t own = 0;
        for (uint32_t n = 0; n < net->n_neurons; n++)
            own += net->neuron_bias[n] != 0;
        fprintf(f, "own biases  %u neuron%s (added to the profile's)\n", own, own == 1 ? "" : "s");
    }
    fprintf(f, "levels      %u\n", ni->levels);
    if (ni->neurons)
        fprintf(f, "fan-in      max %u (%s), mean %.2f\n", ni->max_fan_in,
                seir_neuron_name(net, ni->max_fan_in_neuron, b1, sizeof b1), ni->mean_fan_in);
    if (ni->neurons + ni->inputs)
        fprintf(f, "fan-out     max %u (%s)\n", ni->max_fan_out,
                src_name(net, ni->max_fan_out_src, b1, sizeof b1));
    fputs("delays      ", f);
    print_delays(ni, net->arch.d >= 0 ? (uint32_t)net->arch.d : 0, f);
    fputc('\n', f);
    fprintf(f, "init        i/v on %u neuron%s, %" PRIu64 " ring entr%s\n", ni->init_neurons,
            ni->init_neurons == 1 ? "" : "s", ni->ring_init, ni->ring_init == 1 ? "y" : "ies");
    if (ni->neurons)
        fprintf(f, "acc bound   %" PRId64 " of %" PRId64 " (%.1f%%) at %s\n", ni->acc_bound, ni->acc_limit,
                100.0 * (double)ni->acc_bound / (double)ni->acc_limit,
                seir_neuron_name(net, ni->acc_bound_neuron, b1, sizeof b1));
}

/* Writes s as a JSON string. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void netinfo_print_json(const seir_net *net, const netinfo *ni, const char *path,
                        const char *kind, FILE *f)
{
    char b1[256];
    fputs("{\"file\": ", f);
    json_str(f, path);
    fputs(", \"kind\": ", f);
    json_str(f, kind);
    fprintf(f, ", \"arch\": {\"W\": %d, \"S\": %d, \"A\": %d, \"D\": %d}", net->arch.w, net->arch.s,
            net->arch.a, net->arch.d);
    fprintf(f, ", \"neurons\": %u, \"neuron_groups\": %u", ni->neurons, ni->neuron_groups);
    fprintf(f, ", \"synapses\": %" PRIu64 ", \"synapses_from_inputs\": %" PRIu64 ", \"dense_blocks\": %" PRIu64,
            ni->synapses, ni->syn_from_inputs, ni->dense_blocks);
    fprintf(f, ", \"inputs\": {\"channels\": %u, \"spike\": %u, \"graded\": %u}", ni->inputs,
            ni->inputs_spike, ni->inputs_graded);
    fprintf(f, ", \"outputs\": {\"total\": %u, \"spike\": %u, \"v\": %u}", ni->outputs,
            ni->outputs_spike, ni->outputs_v);
    fputs(", \"profiles\": [", f);
    for (uint32_t k = 0; k < net->n_profiles; k++) {
        const seir_profile *p = &net->profiles[k];
        fputs(k ? ", {\"name\": " : "{\"name\": ", f);
        json_str(f, p->name);
        fprintf(f, ", \"neurons\": %u, \"a_syn\": %d, \"a_mem\": %d, \"theta\": %d, \"v_reset\": %d, "
                   "\"reset\": \"%s\", \"shift\": %d, \"bias\": %d}",
                ni->profile_neurons[k], (int)p->a_syn, (int)p->a_mem, (int)p->theta, (int)p->v_reset,
                reset_name(p->reset), (int)p->shift, (int)p->bias);
    }
    fprintf(f, "], \"levels\": %u", ni->levels);
    fprintf(f, ", \"max_fan_in\": %u, \"max_fan_in_neuron\": ", ni->max_fan_in);
    json_str(f, ni->neurons ? seir_neuron_name(net, ni->max_fan_in_neuron, b1, sizeof b1) : "");
    fprintf(f, ", \"mean_fan_in\": %.4f, \"max_fan_out\": %u, \"max_fan_out_source\": ", ni->mean_fan_in,
            ni->max_fan_out);
    json_str(f, ni->neurons + ni->inputs ? src_name(net, ni->max_fan_out_src, b1, sizeof b1) : "");
    fputs(", \"delay_histogram\": [", f);
    for (int d = 0; d <= net->arch.d; d++)
        fprintf(f, d ? ", %" PRIu64 : "%" PRIu64, ni->delay_hist[d]);
    fprintf(f, "], \"init_neurons\": %u, \"ring_init\": %" PRIu64, ni->init_neurons, ni->ring_init);
    fprintf(f, ", \"acc_bound\": %" PRId64 ", \"acc_limit\": %" PRId64 ", \"acc_bound_neuron\": ",
            ni->acc_bound, ni->acc_limit);
    json_str(f, ni->neurons ? seir_neuron_name(net, ni->acc_bound_neuron, b1, sizeof b1) : "");
    fputs("}\n", f);
}
