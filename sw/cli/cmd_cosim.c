/*
 * cmd_cosim.c -- `loom cosim`: the reference model and the Verilator model
 * of the array in lockstep, compared after every step.
 *
 * The net is mapped (mapper.h) onto a built arch config (vsim.h), the
 * image loaded through the array's bus, and both models are fed the same
 * input events each step.  After every step every neuron's spike bit, i
 * and v are compared; at the end every pending ring value too.  On the
 * first divergent step the mismatches are printed (step, core, slot, SEIR
 * name, field, both values), the run is replayed with an FST waveform of
 * the steps around it, and the exit code is 1.  With --fst FILE the run
 * itself writes the waveform of steps --from..--to, mismatch or not.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "intr.h"
#include "benchnet.h"
#include "cli_model.h"
#include "jsonw.h"
#include "limg.h"
#include "loom_map.h"
#include "mapper.h"
#include "model.h"
#include "ref.h"
#include "stim.h"
#include "vsim.h"

const char cmd_cosim_summary[] = "run the RTL (Verilator) and the reference model in lockstep and compare";

static const char usage[] =
    "usage: loom cosim NET --steps N [--poisson RATE --seed S | --inputs FILE] [options]\n"
    "\n"
    "Maps NET (.seir, .aag/.aig/.nir compiled on the fly) onto a built arch\n"
    "config, runs the Verilator model of the array and the reference model on\n"
    "the same inputs, and compares every neuron's spike, i and v after every\n"
    "step (and every pending ring value at the end).  Exit 0 only when nothing\n"
    "differs; prints 'mismatches N'.\n"
    "\n"
    "  --steps N          timesteps to run [100]\n"
    "  --poisson RATE     every input channel fires with probability RATE per step\n"
    "  --seed S           seed of the Poisson generator [1]\n"
    "  --inputs FILE      CSV 'step,channel,value' or .lin (docs/inputs.md)\n"
    "  --cores K          use a built config with K cores\n"
    "  --config NAME      use this built config (see --list-configs)\n"
    "  --list-configs     print the built configs and their arch, then exit\n"
    "  --fst FILE         FST waveform of steps --from..--to of this run, mismatch\n"
    "                     or not (GTKWave: gtkwave FILE)\n"
    "  --mismatch-fst FILE  without --fst, a mismatch replays the two steps around\n"
    "                     it into FILE [cosim-mismatch.fst]\n"
    "  --from S, --to T   the window of --fst, inclusive [0, N-1]\n"
    "  --limg FILE        also write the runtime image\n"
    "  --readmemh DIR     also write $readmemh files of the image\n"
    "  --ring-every-step  compare the pending ring values after every step\n"
    "  --inject STEP      test the checker: after STEP, add 1 to the RTL's v of\n"
    "                     the first neuron (the run must then report a mismatch)\n"
    "  --bench 1k|10k     use a benchmark network (hls_ref/benchnet.h, seed --seed)\n"
    "                     instead of NET\n"
    "  --rtl-only         run only the RTL (no reference, no comparison) and print\n"
    "                     its simulation speed: cycles/s and steps/s\n"
    "  --quiet            print only the summary lines\n"
    "  --json             print the summary as one JSON object (docs/json.md)\n"
    "%s"
    "\n"
    "examples:\n"
    "  loom cosim net.seir --steps 200 --poisson 0.1 --seed 7\n"
    "  loom cosim net.seir --steps 500 --poisson 0.1 --fst run.fst --from 100 --to 120\n"
    "  loom cosim model.nir --steps 100 --inputs in.csv --config c4\n"
    "  loom cosim --bench 1k --config b2 --steps 1000 --poisson 0.1 --rtl-only\n";

typedef struct opts {
    const char *net, *poisson, *inputs, *config, *fst, *limg_out, *hexdir;
    uint64_t steps, seed;
    int64_t cores;
    int quiet, ring_every, rtl_only, json;
    int window;          /* --fst given: trace steps from..to of the run itself */
    uint64_t from, to;
    const char *bench;
    int64_t inject;
    double rate;
} opts;

static loom_status open_stim(const opts *o, const seir_net *net, stim_src **s, loom_err *e)
{
    *s = NULL;
    if (o->inputs)
        return stim_open_file(net, o->inputs, s, e);
    if (o->poisson)
        return stim_poisson(net, o->rate, o->seed, s, e);
    return LOOM_OK;
}

/* Picks the config: --config, else the first built config that fits
 * (with --cores K cores) and maps.  Returns an open vsim and the mapping. */
static loom_status pick(const opts *o, const seir_net *net, vsim **vs, map_result **mr, loom_err *e)
{
    *vs = NULL;
    *mr = NULL;
    loom_err first;
    const char *first_name = "";
    int tried = 0;
    first.status = LOOM_OK;
    first.msg[0] = 0;
    for (unsigned c = 0; c < vsim_config_count(); c++) {
        const char *name = vsim_config_name(c);
        if (o->config && strcmp(o->config, name))
            continue;
        vsim *s;
        loom_status st = vsim_open(name, &s, e);
        if (st != LOOM_OK)
            return st;
        const limg_arch *a = vsim_arch(s);
        if (o->cores > 0 && a->cores != (uint64_t)o->cores) {
            vsim_close(s);
            continue;
        }
        loom_err me;
        st = map_net(net, a, mr, &me);
        if (st == LOOM_OK) {
            *vs = s;
            return LOOM_OK;
        }
        if (!tried++) {
            first = me;
            first_name = name;
        }
        vsim_close(s);
    }
    if (o->config && !tried) {
        vsim *s;
        return vsim_open(o->config, &s, e); /* names the known configs */
    }
    if (!tried)
        return loom_fail(e, LOOM_E_ARG, "no built config has %" PRId64 " cores", o->cores);
    *e = first;
    if (o->config)
        return loom_err_prefix(e, "config %s cannot hold this net", o->config);
    return loom_err_prefix(e, "no built config takes this net (%d tried; the first, %s)", tried,
                           first_name);
}

/* Replays steps 0..upto on a fresh model, tracing from step `from`. */
static loom_status replay_trace(const opts *o, const seir_net *net, const map_result *m,
                                const char *cfg, uint64_t from, uint64_t upto, loom_err *e)
{
    vsim *s;
    stim_src *src = NULL;
    loom_status st = vsim_open(cfg, &s, e);
    if (st != LOOM_OK)
        return st;
    st = vsim_load(s, m->img, e);
    if (st == LOOM_OK)
        st = open_stim(o, net, &src, e);
    stim_event *ev = malloc((net->n_inputs + 1) * sizeof *ev);
    if (!ev && st == LOOM_OK)
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory");
    for (uint64_t t = 0; st == LOOM_OK && t <= upto; t++) {
        if (t == from)
            st = vsim_trace_open(s, o->fst, e);
        uint32_t n = 0;
        if (st == LOOM_OK && src)
            st = stim_next(src, t, ev, net->n_inputs + 1, &n, e);
        for (uint32_t j = 0; st == LOOM_OK && j < n; j++)
            if (ev[j].value != 0)
                st = vsim_input(s, ev[j].channel, ev[j].value, e);
        if (st == LOOM_OK)
            st = vsim_step(s, 1, 0, e);
    }
    free(ev);
    stim_close(src);
    vsim_close(s);
    return st;
}

static int run(const opts *o, const seir_net *net)
{
    const char *C = "cosim";
    loom_err e;
    vsim *s = NULL;
    map_result *m = NULL;
    ref_sim *ref = NULL;
    stim_src *src = NULL;
    stim_event *ev = NULL;
    uint64_t *spk_count = NULL;
    double *rate = NULL;
    int rc = 1;
    loom_status st = pick(o, net, &s, &m, &e);
    if (st != LOOM_OK)
        return cli_report(C, &e);
    /* copies: on a mismatch s is closed before the summary */
    const limg_arch a_copy = *vsim_arch(s), *a = &a_copy;
    char cfgname[64], ab[256];
    snprintf(cfgname, sizeof cfgname, "%s", vsim_name(s));
    if (!o->quiet && !o->json)
        printf("config %s: %s\n", cfgname, limg_arch_str(a, ab, sizeof ab));
    if (!o->quiet && !o->json && net->arch.d > a->arch.d)
        printf("relays %u: delays up to %d on a ring of D=%d (spikes, i and v compared; pending input is not)\n",
               m->n_neurons - net->n_neurons, net->arch.d, a->arch.d);
    if (o->limg_out && (st = limg_write(m->img, o->limg_out, &e)) != LOOM_OK)
        goto fail;
    if (o->hexdir && (st = map_write_readmemh(m, o->hexdir, &e)) != LOOM_OK)
        goto fail;
    if ((st = vsim_load(s, m->img, &e)) != LOOM_OK)
        goto fail;
    uint32_t single_port = 0;
    if ((st = vsim_read(s, LOOM_REG_SINGLE_PORT, &single_port, &e)) != LOOM_OK)
        goto fail;
    m->port_cycles = single_port ? 2 : 1;
    if ((st = vsim_read(s, LOOM_REG_RING_RAMS, &m->ring_rams, &e)) != LOOM_OK)
        goto fail;
    if ((st = ref_create(net, &ref, &e)) != LOOM_OK)
        goto fail;
    if ((st = open_stim(o, net, &src, &e)) != LOOM_OK)
        goto fail;
    ev = malloc((net->n_inputs + 1) * sizeof *ev);
    spk_count = calloc(net->n_neurons + 1, sizeof *spk_count);
    rate = calloc(net->n_neurons + 1, sizeof *rate);
    if (!ev || !spk_count || !rate) {
        st = loom_fail(&e, LOOM_E_NOMEM, "out of memory");
        goto fail;
    }
    const uint32_t D = (uint32_t)a->arch.d;
    uint64_t trace_from = UINT64_MAX, trace_to = 0;
    FILE *mf = o->json ? stderr : stdout; /* mismatch lines */
    uint64_t cyc_sum = 0, in_events = 0, mismatches = 0, sim_cycles = 0, rtl_events = 0;
    double spk_s1 = 0, spk_s2 = 0; /* sum of spikes per step and of its square */
    double wall = 0;
    uint64_t t = 0;
    int tracing = 0;
    cli_progress prog;
    cli_progress_start(&prog, "cosim", o->steps, o->quiet || o->json);
    for (; t < o->steps; t++) {
        if (loom_intr_pending())
            break; /* the figures below cover steps 0..t-1 */
        cli_progress_update(&prog, t);
        if (o->window && t == o->from) {
            if ((st = vsim_trace_open(s, o->fst, &e)) != LOOM_OK)
                goto fail;
            tracing = 1;
        }
        uint32_t n = 0;
        if (src && (st = stim_next(src, t, ev, net->n_inputs + 1, &n, &e)) != LOOM_OK)
            goto fail;
        for (uint32_t j = 0; j < n; j++) {
            if (ev[j].value == 0)
                continue;
            in_events++;
            if (!o->rtl_only)
                ref_set_input(ref, ev[j].channel, ev[j].value);
            if ((st = vsim_input(s, ev[j].channel, ev[j].value, &e)) !=
                LOOM_OK)
                goto fail;
        }
        if (!o->rtl_only)
            ref_step(ref);
        const uint64_t c0 = vsim_cycles(s);
        const double w0 = cli_now();
        if ((st = vsim_step(s, 1, 0, &e)) != LOOM_OK)
            goto fail;
        wall += cli_now() - w0;
        if (tracing && t == o->to) {
            vsim_trace_close(s);
            tracing = 0;
        }
        sim_cycles += vsim_cycles(s) - c0;
        uint32_t cyc, evl;
        if ((st = vsim_read(s, LOOM_REG_CYCLES_LAST, &cyc, &e)) != LOOM_OK ||
            (st = vsim_read(s, LOOM_REG_EVENTS_LAST, &evl, &e)) != LOOM_OK)
            goto fail;
        cyc_sum += cyc;
        rtl_events += evl;
        if (o->rtl_only)
            continue;
        if (o->inject >= 0 && (uint64_t)o->inject == t && net->n_neurons > 0) {
            const uint32_t k = m->img->core_of[0], sl = m->img->slot_of[0];
            int32_t hi, hv;
            if ((st = vsim_state(s, k, sl, &hi, &hv, &e)) != LOOM_OK ||
                (st = vsim_write(s, LOOM_MAP_CORE_BASE(k) + LOOM_CORE_V + sl, (uint32_t)(hv + 1), &e)) != LOOM_OK)
                goto fail;
        }
        const int last = (t + 1 == o->steps);
        uint64_t step_spk = 0;
        for (uint32_t nn = 0; nn < net->n_neurons; nn++) {
            const uint32_t k = m->img->core_of[nn], sl = m->img->slot_of[nn];
            int hs;
            int32_t hi, hv;
            if ((st = vsim_spiked(s, k, sl, &hs, &e)) != LOOM_OK ||
                (st = vsim_state(s, k, sl, &hi, &hv, &e)) != LOOM_OK)
                goto fail;
            const int rs = ref_spiked(ref, nn);
            spk_count[nn] += (uint64_t)rs;
            step_spk += (uint64_t)rs;
            const int32_t ri = ref_i(ref, nn), rv = ref_v(ref, nn);
            struct {
                const char *f;
                int32_t r, h;
            } cmp[3] = {{"spike", rs, hs}, {"i", ri, hi}, {"v", rv, hv}};
            int nf = 3;
            for (int f = 0; f < nf; f++) {
                if (cmp[f].r == cmp[f].h)
                    continue;
                if (mismatches < 10) {
                    char name[128];
                    fprintf(mf, "mismatch: step %" PRIu64 " core %u slot %u neuron %s field %s: ref %d rtl %d\n",
                           t, k, sl, seir_neuron_name(net, nn, name, sizeof name), cmp[f].f,
                           cmp[f].r, cmp[f].h);
                }
                mismatches++;
            }
            /* pending input is compared where both rings hold the same:
             * with relays (net D > the build's) a long delay's input waits
             * in a relay chain, not in its target's ring */
            if ((last || o->ring_every) && !mismatches && net->arch.d <= a->arch.d) {
                for (uint32_t r = 0; r <= D; r++) {
                    int32_t hp;
                    if ((st = vsim_pending(s, k, sl, r, &hp, &e)) != LOOM_OK)
                        goto fail;
                    const int32_t rp = ref_pending(ref, nn, r);
                    if (rp != hp) {
                        if (mismatches < 10) {
                            char name[128];
                            fprintf(mf, "mismatch: step %" PRIu64 " core %u slot %u neuron %s field pending[+%u]: ref %d rtl %d\n",
                                   t, k, sl, seir_neuron_name(net, nn, name, sizeof name), r, rp, hp);
                        }
                        mismatches++;
                    }
                }
            }
        }
        spk_s1 += (double)step_spk;
        spk_s2 += (double)step_spk * (double)step_spk;
        if (mismatches && o->window) {
            t++;
            break; /* the run's own trace covers what --from/--to asked for */
        }
        if (mismatches) {
            const uint64_t from = t > 0 ? t - 1 : 0;
            loom_err te;
            char cfg[64];
            snprintf(cfg, sizeof cfg, "%s", vsim_name(s));
            vsim_close(s);
            s = NULL;
            if (replay_trace(o, net, m, cfg, from, t, &te) == LOOM_OK) {
                trace_from = from;
                trace_to = t;
                if (!o->json)
                    printf("trace: %s (steps %" PRIu64 "..%" PRIu64 ")\n", o->fst, from, t);
            }
            else
                fprintf(stderr, "loom cosim: no trace: %s\n", te.msg);
            t++;
            break;
        }
    }
    {
        ref_counters rc_;
        ref_get_counters(ref, &rc_);
        const uint64_t steps = t ? t : 1;
        for (uint32_t nn = 0; nn < net->n_neurons; nn++)
            rate[nn] = (double)spk_count[nn] / (double)steps;
        const double in_rate = net->n_inputs ? (double)in_events / ((double)steps * net->n_inputs) : 0;
        const double meas = (double)cyc_sum / (double)steps;
        const double epc = cyc_sum ? (double)rtl_events / (double)cyc_sum / a->cores : 0.0;
        double pred = 0;
        if (!o->rtl_only) {
            /* the swing of the spike count per step beyond what
             * independent neurons at these rates give (binomial) */
            double mean = spk_s1 / (double)steps, binom = 0;
            for (uint32_t nn = 0; nn < net->n_neurons; nn++)
                binom += rate[nn] * (1.0 - rate[nn]);
            const double excess = spk_s2 / (double)steps - mean * mean - binom;
            m->rate_gain_sd = mean > 0 && excess > 0 ? sqrt(excess) / mean : 0;
            pred = map_predict_cycles(m, in_rate, rate, 0);
        }
        if (tracing) {
            vsim_trace_close(s);
            tracing = 0;
        }
        if (o->window && t > o->from) {
            trace_from = o->from;
            trace_to = o->to < t - 1 ? o->to : t - 1;
        } else if (o->window) {
            fprintf(stderr, "loom cosim: no trace written: the run stopped at step %" PRIu64
                            ", before --from %" PRIu64 "\n", t ? t - 1 : 0, o->from);
        }
        cli_progress_end(&prog, t);
        if (o->json) {
            jsonw j;
            jsonw_init(&j, stdout);
            jsonw_obj_begin(&j, NULL);
            jsonw_str(&j, "command", "cosim");
            jsonw_str(&j, "file", o->net);
            jsonw_str(&j, "bench", o->bench);
            jsonw_str(&j, "config", cfgname);
            jsonw_obj_begin(&j, "arch");
            jsonw_int(&j, "W", a_copy.arch.w);
            jsonw_int(&j, "S", a_copy.arch.s);
            jsonw_int(&j, "A", a_copy.arch.a);
            jsonw_int(&j, "D", a_copy.arch.d);
            jsonw_uint(&j, "cores", a_copy.cores);
            jsonw_uint(&j, "neurons_per_core", a_copy.neurons);
            jsonw_obj_end(&j);
            jsonw_uint(&j, "steps", t);
            jsonw_uint(&j, "events", rtl_events);
            jsonw_num(&j, "events_per_cycle_per_core", epc);
            jsonw_num(&j, "cycles_per_step", meas);
            if (o->rtl_only) {
                jsonw_num(&j, "sim_cycles_per_s", wall > 0 ? (double)sim_cycles / wall : 0.0);
                jsonw_num(&j, "sim_steps_per_s", wall > 0 ? (double)t / wall : 0.0);
                jsonw_null(&j, "spikes");
                jsonw_null(&j, "predicted_cycles_per_step");
                jsonw_null(&j, "mismatches");
                jsonw_null(&j, "reference_events");
            } else {
                jsonw_null(&j, "sim_cycles_per_s");
                jsonw_null(&j, "sim_steps_per_s");
                jsonw_uint(&j, "spikes", rc_.spikes);
                jsonw_num(&j, "predicted_cycles_per_step", pred);
                jsonw_uint(&j, "mismatches", mismatches);
                jsonw_uint(&j, "reference_events", rc_.syn_events);
            }
            if (trace_from != UINT64_MAX) {
                jsonw_obj_begin(&j, "trace");
                jsonw_str(&j, "file", o->fst);
                jsonw_uint(&j, "from", trace_from);
                jsonw_uint(&j, "to", trace_to);
                jsonw_obj_end(&j);
            } else {
                jsonw_null(&j, "trace");
            }
            jsonw_obj_end(&j);
            if ((st = jsonw_end(&j, &e)) != LOOM_OK)
                goto fail;
        } else {
            printf("steps %" PRIu64 "\n", t);
            printf("events %" PRIu64 "\n", rtl_events);
            printf("events_per_cycle_per_core %.3f\n", epc);
            if (o->rtl_only) {
                printf("cycles_per_step %.1f\n", meas);
                printf("sim_cycles_per_s %.0f\n", wall > 0 ? (double)sim_cycles / wall : 0.0);
                printf("sim_steps_per_s %.1f\n", wall > 0 ? (double)t / wall : 0.0);
            } else {
                printf("spikes %" PRIu64 "\n", rc_.spikes);
                printf("cycles_per_step %.1f predicted %.1f (%+.1f%%)\n", meas, pred,
                       meas > 0 ? 100.0 * (pred - meas) / meas : 0.0);
                printf("mismatches %" PRIu64 "\n", mismatches);
                if (rc_.syn_events != rtl_events && !mismatches)
                    printf("reference delivered %" PRIu64 " events, the RTL counted %" PRIu64 "\n",
                           rc_.syn_events, rtl_events);
            }
            if (o->window && t > o->from)
                printf("trace: %s (steps %" PRIu64 "..%" PRIu64 ")\n", o->fst, trace_from, trace_to);
        }
    }
    rc = mismatches ? 1 : 0;
    if (loom_intr_pending()) {
        fflush(stdout);
        fprintf(stderr, "loom cosim: interrupted by %s after %" PRIu64 " complete steps; the figures above "
                        "cover them\n", loom_intr_name(loom_intr_pending()), t);
        rc = 128 + loom_intr_pending();
    }
    goto out;
fail:
    rc = cli_report(C, &e);
out:
    free(ev);
    free(spk_count);
    free(rate);
    stim_close(src);
    ref_destroy(ref);
    map_free(m);
    vsim_close(s);
    return rc;
}

int cmd_cosim(int argc, char **argv)
{
    loom_intr_install(); /* SIGINT/SIGTERM stop the run cleanly (intr.h) */
    const char *C = "cosim";
    opts o;
    memset(&o, 0, sizeof o);
    o.steps = 100;
    o.seed = 1;
    o.fst = "cosim-mismatch.fst";
    o.inject = -1;
    model_opts mo;
    model_opts_default(&mo);
    mo.quiet = 1;
    int list = 0, from_given = 0, to_given = 0;
    const char *mismatch_fst = NULL;
    const cli_opt opts[] = {
        {"--steps", NULL, CLI_U64, CLI_DST(o.steps)},
        {"--seed", NULL, CLI_U64, CLI_DST(o.seed)},
        {"--poisson", NULL, CLI_DOUBLE, .dmin = 0, .dmax = 1, CLI_DST(o.rate), .text = &o.poisson},
        {"--inputs", NULL, CLI_PATH, CLI_DST(o.inputs)},
        {"--cores", NULL, CLI_INT, 1, 16, CLI_DST(o.cores)},
        {"--inject", NULL, CLI_INT, 0, INT64_MAX, CLI_DST(o.inject)},
        {"--config", NULL, CLI_STRING, CLI_DST(o.config)},
        {"--fst", NULL, CLI_PATH, CLI_DST(o.fst), .seen = &o.window},
        {"--mismatch-fst", NULL, CLI_PATH, CLI_DST(mismatch_fst)},
        {"--from", NULL, CLI_U64, CLI_DST(o.from), .seen = &from_given},
        {"--to", NULL, CLI_U64, CLI_DST(o.to), .seen = &to_given},
        {"--limg", NULL, CLI_PATH, CLI_DST(o.limg_out)},
        {"--readmemh", NULL, CLI_PATH, CLI_DST(o.hexdir)},
        {"--list-configs", NULL, CLI_FLAG, CLI_DST(list)},
        {"--ring-every-step", NULL, CLI_FLAG, CLI_DST(o.ring_every)},
        {"--bench", NULL, CLI_PATH, CLI_DST(o.bench)},
        {"--rtl-only", NULL, CLI_FLAG, CLI_DST(o.rtl_only)},
        {"--quiet", NULL, CLI_FLAG, CLI_DST(o.quiet)},
        {"--json", NULL, CLI_FLAG, CLI_DST(o.json)},
    };
    const cli_spec spec = {.cmd = C, CLI_TABLE(opts), .model = &mo,
                           .pos = &o.net, .pos_twice = "more than one NET ('%s', '%s')",
                           .usage = usage, .usage_arg = cli_model_help};
    CLI_PARSE_OR_RETURN(&spec, argc, argv);
    if (list) {
        for (unsigned c = 0; c < vsim_config_count(); c++) {
            vsim *s;
            loom_err e;
            if (vsim_open(vsim_config_name(c), &s, &e) != LOOM_OK)
                return cli_report(C, &e);
            char ab[256];
            printf("%-6s %s\n", vsim_config_name(c), limg_arch_str(vsim_arch(s), ab, sizeof ab));
            vsim_close(s);
        }
        return 0;
    }
    if (mismatch_fst && o.window)
        return cli_usage_error(C, "--mismatch-fst is for runs without --fst (whose trace is the window)");
    if (mismatch_fst)
        o.fst = mismatch_fst;
    if ((from_given || to_given) && !o.window)
        return cli_usage_error(C, "--from/--to set the window of --fst FILE; give --fst");
    if (o.window) {
        if (!to_given)
            o.to = o.steps ? o.steps - 1 : 0;
        if (o.from > o.to)
            return cli_usage_error(C, "--from %" PRIu64 " is after --to %" PRIu64, o.from, o.to);
        if (o.to >= o.steps)
            return cli_usage_error(C, "--to %" PRIu64 " is past the last step %" PRIu64
                                      " (--steps %" PRIu64 ")", o.to, o.steps ? o.steps - 1 : 0, o.steps);
    }
    if (o.bench) {
        benchnet_kind kind;
        if (o.net)
            return cli_usage_error(C, "--bench and NET exclude each other");
        if (benchnet_parse(o.bench, &kind))
            return cli_usage_error(C, "--bench expects 1k or 10k, got '%s'", o.bench);
        seir_net *bn;
        loom_err e;
        if (benchnet_build(kind, o.seed, &bn, &e) != LOOM_OK)
            return cli_report(C, &e);
        int rc = run(&o, bn);
        seir_net_free(bn);
        return rc;
    }
    if (!o.net)
        return cli_usage_error(C, "no NET given (see loom cosim --help)");
    if (o.poisson && o.inputs)
        return cli_usage_error(C, "--poisson and --inputs exclude each other");
    model md;
    int rc = cli_model_open(C, o.net, argc, argv, &mo, NULL, &md);
    if (rc)
        return rc;
    rc = run(&o, md.net);
    model_free(&md);
    return rc;
}
