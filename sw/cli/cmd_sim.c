/*
 * cmd_sim.c -- `loom sim`: run a model on the bit-exact reference model (or,
 * for NIR with --float, on the float reference) and write what it did.
 *
 * The loop is: inputs of step t from the stimulus source -> ref_step ->
 * writers (spikes, v traces, trace-all) and the plot buffers.  Everything
 * the loop touches is allocated before it starts.  Output files are the
 * formats of outw.h; inputs those of stim.h (docs/inputs.md).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aig.h"
#include "check.h"
#include "cli.h"
#include "cli_model.h"
#include "jsonw.h"
#include "model.h"
#include "nir.h"
#include "outw.h"
#include "intr.h"
#include "plot.h"
#include "ref.h"
#include "stim.h"

const char cmd_sim_summary[] = "simulate a model bit-exactly (inputs from Poisson or files; CSV/PNG out)";

static const char usage[] =
    "usage: loom sim NET --steps N [input] [outputs] [options]\n"
    "\n"
    "Runs NET (.seir, or .aag/.aig/.nir compiled on the fly) on the bit-exact\n"
    "reference model for N timesteps.\n"
    "\n"
    "input (default: none, every channel 0 every step):\n"
    "  --poisson RATE          every channel fires independently with probability\n"
    "                          RATE per step (0..1); 'RATEHz' (e.g. 100Hz) is\n"
    "                          converted with --dt (default 1e-3 s; NIR: its dt)\n"
    "  --seed S                seed of the Poisson generator [1]\n"
    "  --inputs FILE           CSV 'step,channel,value' or binary .lin; '-' reads\n"
    "                          CSV from stdin; --steps defaults to the last step+1\n"
    "  --stim FILE             AIGER only: aigsim stimulus file, prints aigsim lines\n"
    "\n"
    "outputs:\n"
    "  --out-spikes FILE       CSV 'step,neuron': every spike of every neuron, by\n"
    "                          step then neuron ('-' = stdout)\n"
    "  --outputs-only          ... only the neurons declared as spike outputs\n"
    "  --out-v FILE            CSV 'step,<name>,...': v of the outputs declared v\n"
    "  --trace-all FILE        CSV 'step,neuron,i,v,spike' for every neuron, every\n"
    "                          step (big: steps x neurons lines)\n"
    "  --plot FILE.png         spike raster (+ v traces of v outputs) via gnuplot\n"
    "  --save-inputs FILE      the inputs used, as CSV or (FILE.lin) binary\n"
    "\n"
    "options:\n"
    "  --float                 NIR only: run the float reference instead\n"
    "  --quiet                 print nothing but errors\n"
    "  --json                  print the summary as one JSON object on stdout\n"
    "                          (docs/json.md)\n"
    "%s"
    "\n"
    "examples:\n"
    "  loom sim net.seir --steps 1000 --poisson 0.05 --seed 7 --out-spikes s.csv\n"
    "  loom sim net.seir --inputs in.csv --out-v v.csv --plot run.png\n"
    "  loom sim model.nir --dt 1e-4 --steps 500 --poisson 200Hz --float --out-spikes f.csv\n"
    "  loom sim adder.aag --stim adder.stim\n"
    "\n"
    "Input formats, the Poisson generator and output formats: docs/inputs.md, docs/cli.md.\n";

/* Largest number of spikes / steps kept for --plot. */
#define PLOT_MAX_SPIKES 5000000u
#define PLOT_MAX_STEPS 200000u

typedef struct run {
    const seir_net *net;
    int quiet;
    outw *spikes, *vout, *trace, *inputs_csv;
    stim_writer *inputs_lin;
    uint32_t n_v;
    uint32_t *v_idx;     /* [n_v] neurons of the v outputs */
    int32_t *v_int;      /* [n_v] */
    double *v_dbl;       /* [n_v] */
    uint32_t *spk;       /* [n_neurons] spike list (float run) */
    int32_t *ti, *tv;    /* trace-all buffers */
    uint8_t *ts;
    /* plot */
    int plot;
    uint64_t plot_steps;
    size_t n_pts, cap_pts;
    uint64_t *pt_step;
    uint32_t *pt_neuron;
    uint32_t n_pv;       /* v traces kept for the plot: min(n_v, PLOT_MAX_V) */
    double *pv;          /* [plot_steps * n_pv] */
    int plot_truncated;
    uint64_t t_done;     /* complete steps written */
    /* totals */
    uint64_t spikes_total;
    uint64_t out_spikes_total; /* of the neurons declared spike outputs */
    uint8_t *is_out;           /* [n_neurons] 1 for a spike output */
    int32_t *plot_row;         /* --plot --outputs-only: [n_neurons] raster row or -1 */
    uint32_t plot_rows;        /* rows of the raster */
    uint32_t n_pg;             /* raster row groups (layers) ... */
    const char **pg_name;      /* ... their names [n_pg] */
    uint32_t *pg_first;        /* ... and first rows [n_pg] */
    cli_progress prog;
} run;

static loom_status record_spikes(run *r, uint64_t t, const uint32_t *spk, uint32_t n, loom_err *e)
{
    r->spikes_total += n;
    for (uint32_t k = 0; k < n; k++)
        r->out_spikes_total += r->is_out[spk[k]];
    if (r->spikes) {
        loom_status st = outw_spikes_step(r->spikes, t, spk, n, e);
        if (st)
            return st;
    }
    if (r->plot && t < r->plot_steps) {
        for (uint32_t k = 0; k < n; k++) {
            if (r->plot_row && r->plot_row[spk[k]] < 0)
                continue; /* --outputs-only: not an output */
            if (r->n_pts >= PLOT_MAX_SPIKES) {
                r->plot_truncated = 1;
                break;
            }
            if (r->n_pts == r->cap_pts) {
                size_t nc = r->cap_pts ? 2 * r->cap_pts : 4096;
                uint64_t *a = realloc(r->pt_step, nc * sizeof *a);
                if (!a)
                    return loom_fail(e, LOOM_E_NOMEM, "out of memory collecting spikes for --plot");
                r->pt_step = a;
                uint32_t *b = realloc(r->pt_neuron, nc * sizeof *b);
                if (!b)
                    return loom_fail(e, LOOM_E_NOMEM, "out of memory collecting spikes for --plot");
                r->pt_neuron = b;
                r->cap_pts = nc;
            }
            r->pt_step[r->n_pts] = t;
            r->pt_neuron[r->n_pts++] = r->plot_row ? (uint32_t)r->plot_row[spk[k]] : spk[k];
        }
    }
    return LOOM_OK;
}

/* After-step callback of the float reference. */
static loom_status float_step(void *ctx, uint64_t t, const uint8_t *spiked, const double *v,
                              uint32_t n, loom_err *e)
{
    run *r = ctx;
    if (n != r->net->n_neurons)
        return loom_fail(e, LOOM_E_INTERNAL, "float reference reports %u neurons, the net has %u", n,
                         r->net->n_neurons);
    uint32_t ns = 0;
    for (uint32_t k = 0; k < n; k++)
        if (spiked[k])
            r->spk[ns++] = k;
    loom_status st = record_spikes(r, t, r->spk, ns, e);
    if (st)
        return st;
    for (uint32_t k = 0; k < r->n_v; k++)
        r->v_dbl[k] = v[r->v_idx[k]];
    if (r->vout && (st = outw_v_step_f(r->vout, t, r->v_dbl, e)))
        return st;
    if (r->plot && t < r->plot_steps)
        memcpy(r->pv + t * r->n_pv, r->v_dbl, r->n_pv * sizeof *r->v_dbl);
    cli_progress_update(&r->prog, t + 1);
    r->t_done = t + 1;
    return loom_intr_check(e); /* stops the run after this complete step */
}

static void run_free(run *r)
{
    free(r->v_idx);
    free(r->v_int);
    free(r->v_dbl);
    free(r->spk);
    free(r->is_out);
    free(r->plot_row);
    free(r->pg_name);
    free(r->pg_first);
    free(r->ti);
    free(r->tv);
    free(r->ts);
    free(r->pt_step);
    free(r->pt_neuron);
    free(r->pv);
}

/* Closes every writer; keeps the first error. */
static loom_status close_all(run *r, loom_status st, loom_err *e)
{
    loom_err e2;
    outw *ws[] = {r->spikes, r->vout, r->trace, r->inputs_csv};
    for (size_t k = 0; k < sizeof ws / sizeof ws[0]; k++)
        if (outw_close(ws[k], &e2) && st == LOOM_OK) {
            st = e2.status;
            *e = e2;
        }
    if (stim_writer_close(r->inputs_lin, &e2) && st == LOOM_OK) {
        st = e2.status;
        *e = e2;
    }
    r->spikes = r->vout = r->trace = r->inputs_csv = NULL;
    r->inputs_lin = NULL;
    return st;
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

int cmd_sim(int argc, char **argv)
{
    loom_intr_install(); /* SIGINT/SIGTERM stop the run cleanly (intr.h) */
    const char *C = "sim";
    cli_notes notes = {.n = 0};
    int json = 0;
    model_opts mo;
    model_opts_default(&mo);
    int dt_given = 0, quiet = 0, outputs_only = 0, use_float = 0, have_steps = 0, have_seed = 0;
    uint64_t steps = 0, seed = 1;
    const char *net_path = NULL, *poisson = NULL, *inputs = NULL, *stim = NULL;
    const char *out_spikes = NULL, *out_v = NULL, *trace_all = NULL, *plot_path = NULL,
               *save_inputs = NULL;

    const cli_opt opts[] = {
        CLI_RUN_IO_ROWS(poisson, inputs, out_spikes, out_v),
        {"--stim", NULL, CLI_PATH, CLI_DST(stim)},
        {"--trace-all", NULL, CLI_PATH, CLI_DST(trace_all)},
        {"--plot", NULL, CLI_PATH, CLI_DST(plot_path)},
        {"--save-inputs", NULL, CLI_PATH, CLI_DST(save_inputs)},
        {"--steps", NULL, CLI_U64, CLI_DST(steps), .seen = &have_steps},
        {"--seed", NULL, CLI_U64, CLI_DST(seed), .seen = &have_seed},
        {"--quiet", "-q", CLI_FLAG, CLI_DST(quiet)},
        {"--outputs-only", NULL, CLI_FLAG, CLI_DST(outputs_only)},
        {"--float", NULL, CLI_FLAG, CLI_DST(use_float)},
        {"--json", NULL, CLI_FLAG, CLI_DST(json)},
    };
    const cli_spec spec = {.cmd = C, CLI_TABLE(opts), .model = &mo,
                           .dt_given = &dt_given, .pos = &net_path,
                           .pos_twice = "one network expected, got '%s' and '%s'",
                           .usage = usage, .usage_arg = cli_model_help};
    CLI_PARSE_OR_RETURN(&spec, argc, argv);
    if (!net_path)
        return cli_usage_error(C, "expects a network file (NET.seir, .aag, .aig or .nir)");
    if (poisson && inputs)
        return cli_usage_error(C, "--poisson and --inputs exclude each other");
    if (plot_path && cli_check_png(C, "--plot", plot_path))
        return 2;
    if (json && stim)
        return cli_usage_error(C, "--json and --stim exclude each other (--stim prints aigsim lines)");
    if (json && ((out_spikes && !strcmp(out_spikes, "-")) || (out_v && !strcmp(out_v, "-")) ||
                 (trace_all && !strcmp(trace_all, "-")) || (save_inputs && !strcmp(save_inputs, "-"))))
        return cli_usage_error(C, "--json prints on stdout; give the other outputs files");
    if (stim && (poisson || inputs || use_float))
        return cli_usage_error(C, "--stim takes its inputs from the stimulus file alone");
    if (have_seed && !poisson && !quiet)
        cli_note(&notes, C, "note: --seed has no effect without --poisson");
    if (use_float && trace_all)
        return cli_usage_error(C, "--trace-all is not available with --float (the float "
                                  "reference has no integer i/v)");
    if (use_float && save_inputs)
        return cli_usage_error(C, "--save-inputs is not available with --float");
    if (use_float && model_kind_of(net_path) != MODEL_NIR)
        return cli_usage_error(C, "--float needs an NIR model (.nir), got '%s'", net_path);
    if (stim && model_kind_of(net_path) != MODEL_AIGER)
        return cli_usage_error(C, "--stim needs an AIGER model (.aag or .aig), got '%s'", net_path);
    if (!strcmp(net_path, "-") && ((inputs && !strcmp(inputs, "-")) || (stim && !strcmp(stim, "-"))))
        return cli_usage_error(C, "the network and %s cannot both come from stdin ('-')",
                               inputs ? "--inputs" : "--stim");
    {
        const cli_file ins[] = {{net_path, "NET"}, {inputs, "--inputs"}, {stim, "--stim"}};
        const cli_file outs[] = {{out_spikes, "--out-spikes"}, {out_v, "--out-v"},
                                 {trace_all, "--trace-all"}, {plot_path, "--plot"},
                                 {save_inputs, "--save-inputs"}};
        if (cli_check_files(C, ins, 3, outs, 5))
            return 2;
        if (stim && (out_spikes || out_v || trace_all || plot_path || save_inputs))
            return cli_usage_error(C, "--stim prints aigsim lines on stdout and writes no other "
                                      "output");
    }

    mo.quiet = quiet;
    model m;
    int mrc = cli_model_open(C, net_path, argc, argv, &mo, NULL, &m);
    if (mrc)
        return mrc;
    loom_err e;
    loom_err_clear(&e);
    if (stim) {
        loom_status st = aig_run_stim(&m, stim, stdout, &e);
        model_free(&m);
        if (fflush(stdout) != 0 && st == LOOM_OK)
            st = loom_fail(&e, LOOM_E_IO, "write error on stdout");
        return st ? cli_report(C, &e) : 0;
    }
    const seir_net *net = m.net;
    int rc = 0;
    stim_src *src = NULL;
    ref_sim *sim = NULL;
    stim_event *ev = NULL;
    run r;
    memset(&r, 0, sizeof r);
    r.net = net;
    r.quiet = quiet;
    loom_status st = LOOM_OK;

    /* the input source */
    if ((rc = cli_run_source(C, net, poisson, inputs, seed, &mo, dt_given, m.kind, quiet ? NULL : &notes,
                                  &src, &e)) == 1)
        goto fail;
    if (rc)
        goto out;
    if (!have_steps) {
        uint64_t last = inputs ? stim_last_step(src) : UINT64_MAX;
        if (!inputs || last == UINT64_MAX) {
            rc = cli_usage_error(C, "--steps N is required%s",
                                 !inputs ? ""
                                 : !strcmp(inputs, "-") ? " (the length of input from stdin is not known)"
                                 : " (the input file holds no nonzero event to take the length from)");
            goto out;
        }
        steps = last + 1;
    }

    /* outputs */
    r.n_v = outw_v_outputs(net, NULL);
    r.v_idx = malloc((r.n_v ? r.n_v : 1) * sizeof *r.v_idx);
    r.v_int = malloc((r.n_v ? r.n_v : 1) * sizeof *r.v_int);
    r.v_dbl = malloc((r.n_v ? r.n_v : 1) * sizeof *r.v_dbl);
    r.spk = malloc((net->n_neurons ? net->n_neurons : 1) * sizeof *r.spk);
    r.is_out = calloc(net->n_neurons ? net->n_neurons : 1, 1);
    if (r.is_out)
        for (uint32_t k = 0; k < net->n_outputs; k++)
            if (net->outputs[k].kind == SEIR_OUT_SPIKE)
                r.is_out[net->outputs[k].neuron] = 1;
    ev = malloc((net->n_inputs ? net->n_inputs : 1) * sizeof *ev);
    if (!r.v_idx || !r.v_int || !r.v_dbl || !r.spk || !r.is_out || !ev) {
        st = loom_fail(&e, LOOM_E_NOMEM, "out of memory");
        goto fail;
    }
    outw_v_outputs(net, r.v_idx);
    if (out_spikes && (st = outw_spikes_open(out_spikes, net, outputs_only, &r.spikes, &e)))
        goto fail;
    if (outputs_only && !out_spikes && !plot_path && !quiet)
        cli_note(&notes, C, "note: --outputs-only only filters --out-spikes and --plot");
    if (out_v && (st = outw_v_open(out_v, net, &r.vout, &e)))
        goto fail;
    if (out_v && r.n_v == 0 && !quiet)
        cli_note(&notes, C, "note: %s declares no v outputs: %s gets the step column only",
                net_path, out_v);
    if (trace_all) {
        double lines = (double)steps * net->n_neurons;
        if (lines > 1e7 && !quiet)
            cli_note(&notes, C, "warning: --trace-all will write %.3g lines (about %.0f MB)",
                    lines, lines * 20 / 1e6);
        r.ti = malloc((net->n_neurons ? net->n_neurons : 1) * sizeof *r.ti);
        r.tv = malloc((net->n_neurons ? net->n_neurons : 1) * sizeof *r.tv);
        r.ts = malloc(net->n_neurons ? net->n_neurons : 1);
        if (!r.ti || !r.tv || !r.ts) {
            st = loom_fail(&e, LOOM_E_NOMEM, "out of memory");
            goto fail;
        }
        if ((st = outw_trace_open(trace_all, &r.trace, &e)))
            goto fail;
    }
    if (save_inputs) {
        st = ends_with(save_inputs, ".lin")
                 ? stim_writer_open(save_inputs, net->n_inputs, &r.inputs_lin, &e)
                 : outw_inputs_open(save_inputs, &r.inputs_csv, &e);
        if (st)
            goto fail;
    }
    if (plot_path) {
        if (!plot_available()) {
            st = plot_png(plot_path, &(plot_data){0}, &e); /* the "gnuplot missing" error */
            goto fail;
        }
        r.plot = 1;
        r.plot_steps = steps < PLOT_MAX_STEPS ? steps : PLOT_MAX_STEPS;
        /* the raster's rows: every neuron, or (--outputs-only) the spike
         * outputs in declaration order; named by their neuron groups */
        r.plot_rows = net->n_neurons;
        if (outputs_only) {
            r.plot_row = malloc((net->n_neurons ? net->n_neurons : 1) * sizeof *r.plot_row);
            if (!r.plot_row) {
                st = loom_fail(&e, LOOM_E_NOMEM, "out of memory");
                goto fail;
            }
            for (uint32_t n = 0; n < net->n_neurons; n++)
                r.plot_row[n] = -1;
            r.plot_rows = 0;
            for (uint32_t k = 0; k < net->n_outputs; k++)
                if (net->outputs[k].kind == SEIR_OUT_SPIKE && r.plot_row[net->outputs[k].neuron] < 0)
                    r.plot_row[net->outputs[k].neuron] = (int32_t)r.plot_rows++;
        }
        uint32_t ng_cap = (outputs_only ? r.plot_rows : net->n_neuron_groups) + 1;
        r.pg_name = malloc(ng_cap * sizeof *r.pg_name);
        r.pg_first = malloc(ng_cap * sizeof *r.pg_first);
        if (!r.pg_name || !r.pg_first) {
            st = loom_fail(&e, LOOM_E_NOMEM, "out of memory");
            goto fail;
        }
        if (!outputs_only) {
            for (uint32_t k = 0; k < net->n_neuron_groups; k++) {
                r.pg_name[k] = net->neuron_groups[k].name;
                r.pg_first[k] = net->neuron_groups[k].first;
            }
            r.n_pg = net->n_neuron_groups;
        } else {
            /* rows in output order: a new run wherever the group changes */
            uint32_t last = UINT32_MAX;
            for (uint32_t k = 0, row = 0; k < net->n_outputs; k++) {
                uint32_t nn = net->outputs[k].neuron;
                if (net->outputs[k].kind != SEIR_OUT_SPIKE || r.plot_row[nn] != (int32_t)row)
                    continue; /* a v output, or a neuron declared twice */
                uint32_t gi = seir_neuron_group_of(net, nn);
                if (gi != last) {
                    r.pg_name[r.n_pg] = net->neuron_groups[gi].name;
                    r.pg_first[r.n_pg++] = row;
                    last = gi;
                }
                row++;
            }
        }
        if (steps > PLOT_MAX_STEPS && !quiet)
            cli_note(&notes, C, "note: --plot shows the first %u steps", PLOT_MAX_STEPS);
        r.n_pv = r.n_v < PLOT_MAX_V ? r.n_v : PLOT_MAX_V; /* plot_png draws no more */
        if (r.n_v > PLOT_MAX_V && !quiet)
            cli_note(&notes, C, "note: --plot draws the first %u of the %u v outputs",
                    PLOT_MAX_V, r.n_v);
        size_t npv = (size_t)r.plot_steps * r.n_pv;
        r.pv = malloc((npv ? npv : 1) * sizeof *r.pv);
        if (!r.pv) {
            st = loom_fail(&e, LOOM_E_NOMEM, "out of memory for the --plot v traces");
            goto fail;
        }
    }
    if (!quiet && !json && !out_spikes && !out_v && !trace_all && !plot_path && !save_inputs)
        cli_note(&notes, C, "note: no output requested (see --out-spikes, --out-v, "
                        "--trace-all, --plot)");

    cli_notes_flush(&notes);
    /* the run */
    double t0 = cli_now();
    uint64_t events = 0;
    cli_progress_start(&r.prog, "sim", steps, quiet);
    if (use_float) {
        st = nir_float_run(m.nir, src, steps, float_step, &r, &e);
        if (st && st != LOOM_E_INTERRUPTED)
            goto fail;
    } else {
        if ((st = ref_create(net, &sim, &e)))
            goto fail;
        for (uint64_t t = 0; t < steps; t++) {
            if (loom_intr_pending())
                break; /* steps 0..t-1 are complete in every output */
            r.t_done = t + 1;
            uint32_t nev;
            if ((st = stim_next(src, t, ev, net->n_inputs, &nev, &e)))
                goto fail;
            for (uint32_t k = 0; k < nev; k++)
                ref_set_input(sim, ev[k].channel, ev[k].value);
            if (r.inputs_csv && (st = outw_inputs_step(r.inputs_csv, t, ev, nev, &e)))
                goto fail;
            if (r.inputs_lin && (st = stim_writer_step(r.inputs_lin, t, ev, nev, &e)))
                goto fail;
            ref_step(sim);
            uint32_t ns;
            const uint32_t *spk = ref_spikes(sim, &ns);
            if ((st = record_spikes(&r, t, spk, ns, &e)))
                goto fail;
            if (r.vout || (r.n_v && r.plot)) { /* a line per step even without v outputs */
                for (uint32_t k = 0; k < r.n_v; k++)
                    r.v_int[k] = ref_v(sim, r.v_idx[k]);
                if (r.vout && (st = outw_v_step(r.vout, t, r.v_int, &e)))
                    goto fail;
                if (r.plot && t < r.plot_steps)
                    for (uint32_t k = 0; k < r.n_pv; k++)
                        r.pv[t * r.n_pv + k] = r.v_int[k];
            }
            if (r.trace) {
                memset(r.ts, 0, net->n_neurons);
                for (uint32_t k = 0; k < ns; k++)
                    r.ts[spk[k]] = 1;
                for (uint32_t n = 0; n < net->n_neurons; n++) {
                    r.ti[n] = ref_i(sim, n);
                    r.tv[n] = ref_v(sim, n);
                }
                if ((st = outw_trace_step(r.trace, t, r.ti, r.tv, r.ts, net->n_neurons, &e)))
                    goto fail;
            }
            cli_progress_update(&r.prog, t + 1); /* a clock read: cheap next to a step */
        }
        ref_counters cnt;
        ref_get_counters(sim, &cnt);
        events = cnt.syn_events;
    }
    const int stopped = loom_intr_pending();
    if (stopped) {
        steps = r.t_done; /* the outputs, the plot and the summary cover the complete steps */
        if (r.plot_steps > steps)
            r.plot_steps = steps;
    }
    cli_progress_end(&r.prog, steps);
    double wall = cli_now() - t0;
    if ((st = close_all(&r, LOOM_OK, &e)))
        goto fail;

    if (r.plot) {
        char title[512];
        if (outputs_only)
            snprintf(title, sizeof title, "%s: %" PRIu64 " steps, %" PRIu64 " spikes of output neurons (%"
                     PRIu64 " in all)%s", net_path, steps, r.out_spikes_total, r.spikes_total,
                     use_float ? " (float reference)" : "");
        else
            snprintf(title, sizeof title, "%s: %" PRIu64 " steps, %" PRIu64 " spikes%s", net_path, steps,
                     r.spikes_total, use_float ? " (float reference)" : "");
        const char **names = calloc(r.n_pv ? r.n_pv : 1, sizeof *names);
        char *nbuf = malloc((size_t)(r.n_pv ? r.n_pv : 1) * 128);
        if (!names || !nbuf) {
            free(names);
            free(nbuf);
            st = loom_fail(&e, LOOM_E_NOMEM, "out of memory");
            goto fail;
        }
        for (uint32_t k = 0; k < r.n_pv; k++)
            names[k] = seir_neuron_name(net, r.v_idx[k], nbuf + (size_t)k * 128, 128);
        plot_data pd = {title, r.plot_steps, r.plot_rows, r.n_pts, r.pt_step, r.pt_neuron,
                        r.n_pv, names, r.pv, r.n_pg, r.pg_name, r.pg_first,
                        outputs_only ? "output neuron" : "neuron"};
        st = plot_png(plot_path, &pd, &e);
        free(names);
        free(nbuf);
        if (st)
            goto fail;
        if (r.plot_truncated && !quiet)
            fprintf(stderr, "loom sim: note: the raster shows the first %u spikes only\n",
                        PLOT_MAX_SPIKES);
    }
    if (json) {
        jsonw j;
        cli_json_model_begin(&j, "sim", net_path, m.kind);
        jsonw_str(&j, "model", use_float ? "float" : "integer");
        jsonw_uint(&j, "steps", steps);
        jsonw_uint(&j, "neurons", net->n_neurons);
        jsonw_uint(&j, "inputs", net->n_inputs);
        jsonw_uint(&j, "spikes", r.spikes_total);
        jsonw_uint(&j, "output_spikes", r.out_spikes_total);
        if (use_float)
            jsonw_null(&j, "synaptic_events");
        else
            jsonw_uint(&j, "synaptic_events", events);
        jsonw_num(&j, "wall_s", wall);
        jsonw_num(&j, "events_per_s", use_float || wall <= 0 ? NAN : (double)events / wall);
        jsonw_obj_end(&j);
        if ((st = jsonw_end(&j, &e)))
            goto fail;
    } else if (!quiet) {
        int to_stdout_used = (out_spikes && !strcmp(out_spikes, "-")) || (out_v && !strcmp(out_v, "-")) ||
                             (trace_all && !strcmp(trace_all, "-")) ||
                             (save_inputs && !strcmp(save_inputs, "-"));
        FILE *sf = to_stdout_used ? stderr : stdout;
        if (use_float)
            fprintf(sf, "sim: %" PRIu64 " steps, %" PRIu64 " spikes (float reference), %.3f s\n",
                    steps, r.spikes_total, wall);
        else
            fprintf(sf, "sim: %" PRIu64 " steps, %" PRIu64 " spikes, %" PRIu64
                        " synaptic events, %.3f s (%.3g events/s)\n",
                    steps, r.spikes_total, events, wall, wall > 0 ? (double)events / wall : 0.0);
    }
    if (stopped) {
        fprintf(stderr, "loom sim: interrupted by %s after %" PRIu64 " complete steps", loom_intr_name(stopped),
                steps);
        const char *outs[] = {out_spikes, out_v, trace_all, save_inputs, plot_path};
        int any = 0;
        for (size_t k = 0; k < sizeof outs / sizeof outs[0]; k++)
            if (outs[k] && strcmp(outs[k], "-")) {
                fprintf(stderr, "%s%s", any++ ? ", " : "; they are in ", outs[k]);
            }
        fputc('\n', stderr);
        rc = 128 + stopped;
    }
    goto out;

fail:
    /* a failed run keeps no half-written outputs (and no old file is lost) */
    outw_discard(r.spikes);
    outw_discard(r.vout);
    outw_discard(r.trace);
    outw_discard(r.inputs_csv);
    stim_writer_discard(r.inputs_lin);
    r.spikes = r.vout = r.trace = r.inputs_csv = NULL;
    r.inputs_lin = NULL;
    rc = cli_report(C, &e);
out:
    close_all(&r, LOOM_OK, &e);
    ref_destroy(sim);
    stim_close(src);
    free(ev);
    run_free(&r);
    model_free(&m);
    return rc;
}
