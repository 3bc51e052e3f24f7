/*
 * cmd_bench.c -- `loom bench ref`: speed and memory of the reference model
 * on the standard benchmark networks (hls_ref/benchnet.h).
 *
 * Prints one figure per line as `bench <name> <value> <unit>` so scripts
 * (make bench) can collect them.  The simulation time counts only
 * ref_set_input + ref_step; drawing the Poisson inputs (stim_next) is done
 * a chunk of steps ahead and timed separately, since it is the stimulus
 * generator's cost, not the model's.  Rates divide by the thread's CPU
 * time, which on a shared machine is the closest thing to "one core".
 * Peak memory is the process's VmHWM, so run one network per process.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchnet.h"
#include "cli.h"
#include "cli_opt.h"
#include "ref.h"
#include "stim.h"

const char cmd_bench_summary[] = "benchmark the reference model on the standard networks";

static const char usage_text[] =
            "usage: loom bench ref [--net 1k|10k|100k|1m] [--steps N] [--seed S]\n"
            "                      [--threads T | --compare T]\n\n"
            "Builds a benchmark network (bench-1k: 1,000 LIF neurons, p = 0.1; bench-10k:\n"
            "10,000 neurons, p = 0.01; bench-100k: 100,000 neurons, p = 0.001; 1m:\n"
            "1,000,000 neurons and 100,000,000 synapses),\n"
            "drives every neuron with Poisson spikes at 0.1 per step and runs N steps\n"
            "(default 10000; 1000 for 100k; 50 for 1m) on T threads (default 1; the\n"
            "results are identical for every T).  Prints `bench <name> <value> <unit>`\n"
            "lines: synaptic events, neuron updates, wall and CPU time, events/s,\n"
            "updates/s, mean firing rate (Hz at 1 ms steps), setup time and memory.\n"
            "The rates (events_per_s, neuron_updates_per_s, steps_per_s) divide by the\n"
            "calling thread's CPU time, which other processes on a shared machine do\n"
            "not inflate; events_per_s_wall divides by wall time (compare thread\n"
            "counts by it).\n"
            "With --compare T it runs two copies of the net, one on 1 thread and one on\n"
            "T, by turns in chunks of 20 steps with the same inputs, fails unless they\n"
            "spike alike, and prints ref.<net>.cmp_* lines: events per CPU second of\n"
            "all threads on each (cmp_cpu_ratio: T threads over 1), the wall speedup\n"
            "over all chunks, and over the clean chunks only (those in which T threads\n"
            "had T cores to themselves, CPU >= 0.95 T wall, and 1 thread one core):\n"
            "the speedup on idle cores, measured on a machine others also use.\n"
            "\n"
            "examples:\n"
            "  loom bench ref --net 1k --steps 2000\n"
            "  loom bench ref --net 10k --seed 3\n"
            "  loom bench ref --net 10k --steps 1000 --threads 2\n"
            "  loom bench ref --net 10k --steps 200 --compare 2\n";

static void usage(FILE *f)
{
    fputs(usage_text, f);
}

/* CPU time of the calling thread (or with all = 1 of the whole process)
 * in seconds (0 when unavailable). */
static double cpu_of(int all)
{
    struct timespec ts;
    if (clock_gettime(all ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_THREAD_CPUTIME_ID, &ts))
        return 0;
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double cpu_now(void) { return cpu_of(0); }

/* Peak resident set size of this process in MiB (VmHWM), or -1. */
static double peak_rss_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    double mb = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0) {
            mb = strtod(line + 6, NULL) / 1024.0;
            break;
        }
    fclose(f);
    return mb;
}

static int parse_net(const char *cmd, const char *opt, const char *v, void *dst)
{
    if (benchnet_parse(v, dst) == 0)
        return 0;
    cli_usage_error(cmd, "%s %s: expected 1k, 10k, 100k or 1m", opt, v);
    return -1;
}

/* Draws the inputs of steps t0 .. t0 + nc - 1 into ev, count[k] of them
 * for step t0 + k (at most n_inputs a step). */
static loom_status draw_inputs(stim_src *src, uint64_t t0, uint64_t nc, uint32_t n_inputs,
                               stim_event *ev, uint32_t *count, loom_err *e)
{
    size_t fill = 0;
    for (uint64_t k = 0; k < nc; k++) {
        uint32_t n = 0;
        loom_status st = stim_next(src, t0 + k, ev + fill, n_inputs, &n, e);
        if (st)
            return st;
        count[k] = n;
        fill += n;
    }
    return LOOM_OK;
}

/* Runs nc steps of sim on the inputs draw_inputs gave. */
static void run_inputs(ref_sim *sim, const stim_event *ev, const uint32_t *count, uint64_t nc)
{
    for (uint64_t k = 0; k < nc; k++) {
        for (uint32_t j = 0; j < count[k]; j++)
            ref_set_input(sim, ev[j].channel, ev[j].value);
        ev += count[k];
        ref_step(sim);
    }
}

/* One copy of a benchmark net for --compare: the sim and its inputs. */
typedef struct cmp_run {
    ref_sim *sim;
    double cpu, wall, ccpu, cwall; /* all chunks; clean chunks */
    uint64_t events, cevents;
    uint32_t chunks, clean;
} cmp_run;

/* --compare T: 1 thread (r[0]) and T threads (r[1]) by turns, CMP_CHUNK
 * steps at a time, the order swapped every chunk. */
#define CMP_CHUNK 20u
static int compare_threads(const char *cmd, benchnet_kind kind, uint64_t steps, uint64_t seed,
                           uint32_t threads)
{
    const benchnet_spec *sp = benchnet_get(kind);
    loom_err e;
    seir_net *net = NULL;
    stim_src *src = NULL;
    stim_event *ev = NULL;
    uint32_t *count = NULL;
    cmp_run r[2];
    memset(r, 0, sizeof r);
    int rc = 1;
    for (int k = 0; k < 2; k++) {
        benchnet_stream *gs = NULL;
        ref_syn_stream gen;
        seir_net *skel = NULL;
        if (benchnet_open(kind, seed, &skel, &gs, &gen, &e))
            goto fail;
        loom_status cst = ref_create_stream(skel, &gen, &r[k].sim, &e);
        benchnet_close(gs);
        if (k == 0)
            net = skel;
        else
            seir_net_free(skel);
        if (cst || ref_set_threads(r[k].sim, k ? threads : 1, &e))
            goto fail;
    }
    if (stim_poisson(net, sp->input_rate, seed, &src, &e))
        goto fail;
    const uint32_t NI = net->n_inputs ? net->n_inputs : 1;
    ev = malloc((size_t)CMP_CHUNK * NI * sizeof *ev);
    count = malloc(CMP_CHUNK * sizeof *count);
    if (!ev || !count) {
        loom_fail(&e, LOOM_E_NOMEM, "out of memory for %u input events", CMP_CHUNK * NI);
        goto fail;
    }
    for (uint64_t t0 = 0; t0 < steps; t0 += CMP_CHUNK) {
        const uint32_t nc = (uint32_t)(steps - t0 < CMP_CHUNK ? steps - t0 : CMP_CHUNK);
        if (draw_inputs(src, t0, nc, net->n_inputs, ev, count, &e))
            goto fail;
        for (int o = 0; o < 2; o++) {
            cmp_run *q = &r[(o + t0 / CMP_CHUNK) % 2];
            const double tt = q == &r[1] ? ref_threads(q->sim) : 1;
            ref_counters c0, c1;
            ref_get_counters(q->sim, &c0);
            const double a = cpu_of(1), b = cli_now();
            run_inputs(q->sim, ev, count, nc);
            ref_get_counters(q->sim, &c1); /* waits for the workers */
            const double cpu = cpu_of(1) - a, wall = cli_now() - b;
            const uint64_t n = c1.syn_events - c0.syn_events;
            q->cpu += cpu;
            q->wall += wall;
            q->events += n;
            q->chunks++;
            if (cpu >= 0.95 * tt * wall) {
                q->ccpu += cpu;
                q->cwall += wall;
                q->cevents += n;
                q->clean++;
            }
        }
        uint32_t n0, n1;
        const uint32_t *s0 = ref_spikes(r[0].sim, &n0), *s1 = ref_spikes(r[1].sim, &n1);
        if (n0 != n1 || memcmp(s0, s1, (size_t)n0 * sizeof *s0)) {
            loom_fail(&e, LOOM_E_INVALID, "step %" PRIu64 ": %u threads spiked unlike 1 thread "
                      "(%u spikes against %u)", t0 + nc - 1, ref_threads(r[1].sim), n1, n0);
            goto fail;
        }
    }
    const char *nm = sp->name;
    const double e0 = r[0].cpu > 0 ? r[0].events / r[0].cpu : 0;
    const double e1 = r[1].cpu > 0 ? r[1].events / r[1].cpu : 0;
    const double w0 = r[0].wall > 0 ? r[0].events / r[0].wall : 0;
    const double w1 = r[1].wall > 0 ? r[1].events / r[1].wall : 0;
    printf("bench ref.%s.cmp_threads %u threads\n", nm, ref_threads(r[1].sim));
    printf("bench ref.%s.cmp_steps %" PRIu64 " steps\n", nm, steps);
    printf("bench ref.%s.cmp_t1_events_per_cpu_s %.3g events/s\n", nm, e0);
    printf("bench ref.%s.cmp_tn_events_per_cpu_s %.3g events/s\n", nm, e1);
    printf("bench ref.%s.cmp_cpu_ratio %.3f x\n", nm, e0 > 0 ? e1 / e0 : 0);
    printf("bench ref.%s.cmp_speedup_wall %.3f x\n", nm, w0 > 0 ? w1 / w0 : 0);
    printf("bench ref.%s.cmp_t1_clean_chunks %u of %u\n", nm, r[0].clean, r[0].chunks);
    printf("bench ref.%s.cmp_tn_clean_chunks %u of %u\n", nm, r[1].clean, r[1].chunks);
    if (r[0].clean && r[1].clean && r[0].cwall > 0 && r[1].cwall > 0 && r[0].ccpu > 0) {
        const double c0 = r[0].cevents / r[0].cwall, c1 = r[1].cevents / r[1].cwall;
        printf("bench ref.%s.cmp_speedup_clean %.3f x\n", nm, c1 / c0);
        printf("bench ref.%s.cmp_cpu_ratio_clean %.3f x\n", nm,
               (r[1].cevents / r[1].ccpu) / (r[0].cevents / r[0].ccpu));
    }
    rc = 0;
    goto out;
fail:
    rc = cli_report(cmd, &e);
out:
    free(ev);
    free(count);
    stim_close(src);
    for (int k = 0; k < 2; k++)
        ref_destroy(r[k].sim);
    seir_net_free(net);
    return rc;
}

int cmd_bench(int argc, char **argv)
{
    const char *cmd = "bench";
    benchnet_kind kind = BENCHNET_10K;
    uint64_t steps = 0, seed = 1;
    int have_steps = 0;
    uint32_t threads = 1, compare = 0;
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "ref") != 0)
        return cli_usage_error(cmd, "unknown benchmark '%s' (expected: ref)", argv[1]);
    const cli_opt opts[] = {
        {"--net", NULL, CLI_CUSTOM, .fn = parse_net, .dst = &kind},
        {"--steps", NULL, CLI_U64, CLI_DST(steps), .seen = &have_steps},
        {"--seed", NULL, CLI_U64, CLI_DST(seed)},
        {"--threads", NULL, CLI_INT, 1, REF_MAX_THREADS, CLI_DST(threads)},
        {"--compare", NULL, CLI_INT, 2, REF_MAX_THREADS, CLI_DST(compare)},
    };
    const cli_spec spec = {.cmd = cmd, CLI_TABLE(opts), .usage = usage_text};
    CLI_PARSE_OR_RETURN(&spec, argc - 1, argv + 1); /* after "ref" */
    if (!have_steps)
        steps = kind == BENCHNET_1M ? 50 : kind == BENCHNET_100K ? 1000 : 10000;
    if (compare) {
        if (threads != 1)
            return cli_usage_error(cmd, "--compare T runs 1 and T threads; drop --threads");
        return compare_threads(cmd, kind, steps, seed, compare);
    }

    const benchnet_spec *sp = benchnet_get(kind);
    loom_err e;
    seir_net *net = NULL;
    ref_sim *sim = NULL;
    stim_src *src = NULL;
    stim_event *ev = NULL;
    uint32_t *count = NULL;
    int rc = 1;

    /* The synapses stream from the generator into the sim: the net's
     * 16 B/synapse list never exists, so the peak while building is the
     * sim's own size plus a little. */
    benchnet_stream *gs = NULL;
    ref_syn_stream gen;
    double t0 = cli_now();
    if (benchnet_open(kind, seed, &net, &gs, &gen, &e))
        goto fail;
    double t1 = cli_now();
    const size_t n_syn = (size_t)sp->n_neurons * (1 + (sp->n_neurons > sp->fanout
                                                            ? sp->fanout
                                                            : sp->n_neurons - 1));
    loom_status cst = ref_create_stream(net, &gen, &sim, &e);
    benchnet_close(gs);
    if (cst)
        goto fail;
    double t2 = cli_now();
    const double build_rss = peak_rss_mb();
    if (ref_set_threads(sim, threads, &e))
        goto fail;
    if (stim_poisson(net, sp->input_rate, seed, &src, &e))
        goto fail;
    const uint64_t chunk = net->n_inputs < 1000000 ? 1000000 / (net->n_inputs ? net->n_inputs : 1) : 1;
    ev = malloc((size_t)chunk * (net->n_inputs ? net->n_inputs : 1) * sizeof *ev);
    count = malloc((size_t)chunk * sizeof *count);
    if (!ev || !count) {
        loom_fail(&e, LOOM_E_NOMEM, "out of memory for %u input events", net->n_inputs);
        goto fail;
    }

    /* Inputs are drawn a chunk of steps ahead into ev (about 10^6 events),
     * so the timed loop holds only the model. */
    double sim_s = 0, sim_cpu = 0, sim_cpu_all = 0, stim_s = 0;
    double w0 = cli_now();
    for (uint64_t t0c = 0; t0c < steps; t0c += chunk) {
        const uint64_t nc = steps - t0c < chunk ? steps - t0c : chunk;
        double a = cli_now();
        if (draw_inputs(src, t0c, nc, net->n_inputs, ev, count, &e))
            goto fail;
        double b = cli_now(), bc = cpu_now(), bca = cpu_of(1);
        run_inputs(sim, ev, count, nc);
        sim_cpu += cpu_now() - bc;
        sim_cpu_all += cpu_of(1) - bca;
        double c = cli_now();
        stim_s += b - a;
        sim_s += c - b;
    }
    double wall = cli_now() - w0;

    ref_counters cn;
    ref_get_counters(sim, &cn);
    const char *nm = sp->name;
    const double rate = steps ? (double)cn.spikes / ((double)steps * sp->n_neurons) : 0;
    printf("bench ref.%s.neurons %u neurons\n", nm, sp->n_neurons);
    printf("bench ref.%s.synapses %zu synapses\n", nm, n_syn);
    printf("bench ref.%s.steps %" PRIu64 " steps\n", nm, cn.steps);
    printf("bench ref.%s.threads %u threads\n", nm, ref_threads(sim));
    printf("bench ref.%s.build_s %.3f s\n", nm, t2 - t0);
    printf("bench ref.%s.generate_s %.3f s\n", nm, t1 - t0);
    printf("bench ref.%s.create_s %.3f s\n", nm, t2 - t1);
    printf("bench ref.%s.events %" PRIu64 " events\n", nm, cn.syn_events);
    printf("bench ref.%s.neuron_updates %" PRIu64 " updates\n", nm, cn.neuron_updates);
    printf("bench ref.%s.spikes %" PRIu64 " spikes\n", nm, cn.spikes);
    printf("bench ref.%s.sim_s %.4f s\n", nm, sim_s);
    printf("bench ref.%s.sim_cpu_s %.4f s\n", nm, sim_cpu);
    printf("bench ref.%s.sim_cpu_all_s %.4f s\n", nm, sim_cpu_all);
    printf("bench ref.%s.stimulus_s %.4f s\n", nm, stim_s);
    printf("bench ref.%s.wall_s %.4f s\n", nm, wall);
    /* Rates use the thread's CPU time: on a shared machine wall time also
     * counts other processes' turns on this core.  Quiet, the two agree
     * (compare sim_s and sim_cpu_s). */
    const double ts = sim_cpu > 0 ? sim_cpu : sim_s;
    printf("bench ref.%s.events_per_s %.3g events/s\n", nm, ts > 0 ? cn.syn_events / ts : 0);
    printf("bench ref.%s.events_per_s_wall %.3g events/s\n", nm,
           sim_s > 0 ? cn.syn_events / sim_s : 0);
    printf("bench ref.%s.neuron_updates_per_s %.3g updates/s\n", nm,
           ts > 0 ? cn.neuron_updates / ts : 0);
    printf("bench ref.%s.steps_per_s %.4g steps/s\n", nm, ts > 0 ? cn.steps / ts : 0);
    printf("bench ref.%s.firing_rate_hz %.2f Hz\n", nm, rate * 1000.0);
    printf("bench ref.%s.ref_mb %.1f MiB\n", nm, ref_memory_bytes(sim) / 1048576.0);
    printf("bench ref.%s.build_peak_rss_mb %.1f MiB\n", nm, build_rss);
    printf("bench ref.%s.build_bytes_per_synapse %.2f B\n", nm,
           n_syn ? build_rss * 1048576.0 / (double)n_syn : 0);
    printf("bench ref.%s.peak_rss_mb %.1f MiB\n", nm, peak_rss_mb());
    rc = 0;
    goto out;
fail:
    rc = cli_report(cmd, &e);
out:
    free(ev);
    free(count);
    stim_close(src);
    ref_destroy(sim);
    seir_net_free(net);
    return rc;
}
