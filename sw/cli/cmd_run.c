/*
 * cmd_run.c -- `loom run`: a model on a board (or virtual board) through
 * the host driver: compile and map it for the board's arch (or take a ready
 * .limg image), load it, stream the inputs one step per frame and write the
 * output neurons' spikes (and the v of v outputs) as they arrive; --check
 * replays the same inputs through the reference model.
 *
 * The loop puts one exchange per step (inputs of step t in, the output words
 * of step t-1 back; loom_host_stream_put), plus one at the end for the last
 * step, and keeps up to 8 exchanges in flight, so steps run on the board
 * while the next requests and the last answers are on the wire and a long
 * run is bound by the link's bandwidth.  On a lost link the spikes received so far stay in the output file
 * and the exit code is 1.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "intr.h"
#include "cli_model.h"
#include "cli_sandbox.h"
#include "jsonw.h"
#include "host.h"
#include "loom_map.h"
#include "mapper.h"
#include "model.h"
#include "outw.h"
#include "ref.h"
#include "stim.h"
#include "transport.h"

const char cmd_run_summary[] = "run a model on a board or virtual board over the serial link";

static const char usage[] =
    "usage: loom run --port PORT NET --steps N [input] [--out-spikes FILE] [options]\n"
    "       loom run --list-ports\n"
    "\n"
    "Compiles NET (.seir, .aag/.aig, .nir) for the arch the board reports, maps\n"
    "and loads it over the link (or loads NET.limg, a runtime image, e.g. from\n"
    "loom cosim --limg, refused unless built for the board's arch), streams N\n"
    "steps of inputs and writes the spikes of the OUTPUT NEURONS ONLY (the\n"
    "neurons NET declares as spike outputs) -- the same file as\n"
    "'loom sim ... --outputs-only' with the same input flags -- and with --out-v\n"
    "the v of the outputs declared v, the same file as 'loom sim ... --out-v'.\n"
    "\n"
    "  --port PORT             /dev/ttyUSB0, /dev/ttyACM0, /dev/pts/N (e.g. from\n"
    "                          loom vboard) or tcp:HOST:PORT\n"
    "  --baud B                serial rate [3000000]\n"
    "  --poisson RATE          every channel fires with probability RATE per step;\n"
    "                          'RATEHz' is converted with --dt as loom sim does\n"
    "  --seed S                seed of the Poisson generator [1]\n"
    "  --inputs FILE           CSV 'step,channel,value' or .lin; '-' = stdin, one\n"
    "                          step after another as lines arrive\n"
    "  --out-spikes FILE       CSV 'step,neuron' of the output neurons ('-' = stdout)\n"
    "  --out-v FILE            CSV 'step,<name>,...': v of the outputs declared v after\n"
    "                          each step (read back in the same frame)\n"
    "  --graded                .limg only: an image records no channel kinds; treat\n"
    "                          every channel as graded for --poisson (16-bit values,\n"
    "                          as loom sim draws them for graded channels) [spike].\n"
    "                          --inputs files always pass their values through, so\n"
    "                          graded values and 0/1 spikes both work\n"
    "  --baked                 the board already holds NET (a bitstream built with\n"
    "                          loom build --board B NET): it is not reset or\n"
    "                          loaded; its tables are read back and must equal\n"
    "                          NET's, and it runs on from the state it is in\n"
    "  --check                 also run the reference model on the same inputs and\n"
    "                          report every step where the board's spikes or v\n"
    "                          outputs differ (needs the network, not a .limg)\n"
    "  --timeout-ms T          wait per try before resending a frame [500]\n"
    "  --tries N               silent resend timeouts in a row, no frame answered,\n"
    "                          before the link counts as lost [8]; a link that\n"
    "                          answers now and then is never given up\n"
    "  --max-payload BYTES     cap on frame payloads (64..1024); small frames get\n"
    "                          through noisy lines [the board's maximum]\n"
    "  --list-ports            list the serial ports libserialport finds\n"
    "  --quiet                 print nothing but errors\n"
    "  --json                  print the summary as one JSON object (docs/json.md)\n"
    "%s"
    "\n"
    "examples:\n"
    "  loom vboard --board icebreaker --pty-file pty.txt &     # a virtual board\n"
    "  loom run --port \"$(cat pty.txt)\" net.seir --steps 1000 --poisson 0.1 --seed 7 \\\n"
    "      --out-spikes out.csv --check\n"
    "  loom run --port /dev/ttyUSB0 ctrl.aig --inputs in.csv --out-spikes out.csv\n"
    "  loom run --port tcp:127.0.0.1:5000 net.limg --graded --poisson 0.2 --steps 500\n"
    "  loom run --list-ports\n";

/* A stand-in network for a .limg image, which carries no SEIR: the image's
 * input channels (all graded, or all spike) as in[k], its neurons as n[k]
 * (one neutral profile) and its outputs, so that the stimulus sources and
 * the output writers work as for a network.  No synapses: never simulated. */
static loom_status standin_net(const limg *img, int graded, seir_net **out, loom_err *e)
{
    seir_net *net = seir_net_new(&img->arch.arch);
    seir_profile p;
    seir_profile_default(&p);
    p.name = "image";
    int bad = !net || seir_add_profile(net, &p) < 0;
    if (!bad && img->n_inputs)
        bad = seir_add_inputs(net, "in", img->n_inputs, 1, graded ? SEIR_IN_GRADED : SEIR_IN_SPIKE) < 0;
    if (!bad && img->n_neurons)
        bad = seir_add_neurons(net, "n", img->n_neurons, 1, 0) < 0;
    for (uint32_t k = 0; !bad && k < img->n_outputs; k++)
        bad = seir_add_output(net, img->out_neuron[k], (seir_out_kind)img->out_kind[k]) < 0;
    if (bad) {
        seir_net_free(net);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    *out = net;
    return LOOM_OK;
}

static int list_ports(void)
{
    transport_port *p;
    size_t n;
    loom_err e;
    if (transport_list_ports(&p, &n, &e))
        return cli_report("run", &e);
    for (size_t i = 0; i < n; i++)
        printf("%s%s%s\n", p[i].name, p[i].description[0] ? "  " : "", p[i].description);
    if (n == 0)
        fprintf(stderr, "loom run: no serial ports found (a virtual board: loom vboard)\n");
    free(p);
    return 0;
}

int cmd_run(int argc, char **argv)
{
    const char *C = "run";
    model_opts mo;
    model_opts_default(&mo);
    int dt_given = 0, arch_given = 0, quiet = 0, check = 0, have_steps = 0, baked = 0;
    uint64_t steps = 0, seed = 1;
    int64_t baud = 3000000, timeout_ms = 500, tries = 8, max_payload = 0;
    const char *port = NULL, *net_path = NULL, *poisson = NULL, *inputs = NULL, *out_spikes = NULL;
    const char *out_v = NULL;
    int graded = 0, json = 0;
    int list = 0;
    const cli_opt opts[] = {
        {"--list-ports", NULL, CLI_FLAG, CLI_DST(list)},
        {"--port", NULL, CLI_STRING, CLI_DST(port)},
        CLI_RUN_IO_ROWS(poisson, inputs, out_spikes, out_v),
        CLI_LINK_ROWS(baud, timeout_ms, tries),
        CLI_PAYLOAD_ROW(max_payload),
        {"--steps", NULL, CLI_U64, CLI_DST(steps), .seen = &have_steps},
        {"--seed", NULL, CLI_U64, CLI_DST(seed)},
        {"--quiet", "-q", CLI_FLAG, CLI_DST(quiet)},
        {"--check", NULL, CLI_FLAG, CLI_DST(check)},
        {"--json", NULL, CLI_FLAG, CLI_DST(json)},
        {"--baked", NULL, CLI_FLAG, CLI_DST(baked)},
        {"--graded", NULL, CLI_FLAG, CLI_DST(graded)},
    };
    const cli_spec spec = {.cmd = C, CLI_TABLE(opts), .model = &mo,
                           .dt_given = &dt_given, .arch_given = &arch_given, .pos = &net_path,
                           .pos_twice = "one network expected, got '%s' and '%s'",
                           .usage = usage, .usage_arg = cli_model_help};
    CLI_PARSE_OR_RETURN(&spec, argc, argv);
    if (list)
        return list_ports();
    if (!port)
        return cli_usage_error(C, "--port PORT is required (serial device, /dev/pts/N or "
                                  "tcp:HOST:PORT; --list-ports lists serial ports)");
    if (!net_path)
        return cli_usage_error(C, "expects a network file (NET.seir, .aag, .aig or .nir)");
    if (poisson && inputs)
        return cli_usage_error(C, "--poisson and --inputs exclude each other");
    size_t np = strlen(net_path);
    int is_limg = np > 5 && !strcmp(net_path + np - 5, ".limg");
    if (is_limg && check)
        return cli_usage_error(C, "--check needs the network (NET.seir, .aag, .aig or .nir): a "
                                  ".limg image holds no reference model input");
    if (!is_limg && graded)
        return cli_usage_error(C, "--graded is for .limg images; NET declares its channel kinds");
    if (out_spikes && out_v && !strcmp(out_spikes, "-") && !strcmp(out_v, "-"))
        return cli_usage_error(C, "--out-spikes and --out-v cannot both go to stdout");
    if (json && ((out_spikes && !strcmp(out_spikes, "-")) || (out_v && !strcmp(out_v, "-"))))
        return cli_usage_error(C, "--json prints on stdout; give --out-spikes/--out-v files");

    if (cli_model_check_applies(C, net_path, argc, argv))
        return 2;
    loom_intr_install(); /* from here on, SIGINT/SIGTERM stop the run cleanly */
    loom_err e;
    loom_status st = LOOM_OK;
    int rc = 0, had_spk = 0, had_v = 0;
    model m;
    memset(&m, 0, sizeof m);
    loom_host *h = NULL;
    map_result *map = NULL;
    stim_src *src = NULL;
    outw *spk_out = NULL, *v_out = NULL;
    limg *img_file = NULL;
    seir_net *standin = NULL;
    uint32_t n_v = 0, *v_idx = NULL, *v_addr = NULL, *v_raw = NULL;
    int32_t *v_val = NULL;
    ref_sim *ref = NULL;
    stim_event *ev = NULL, *evr = NULL;
    uint32_t nevr[9] = {0};
    uint32_t *evw = NULL, *words = NULL, *spk = NULL;
    const uint32_t *ref_spk = NULL;
    uint64_t mismatches = 0, spikes_total = 0, out_spikes_total = 0, t_done = 0;
    uint8_t *is_out = NULL; /* [n_neurons] 1 for a spike output: what --out-spikes writes */
    cli_progress prog;
    memset(&prog, 0, sizeof prog);

    loom_host_opts ho;
    loom_host_opts_default(&ho);
    ho.timeout_ms = (int)timeout_ms;
    ho.max_tries = (unsigned)tries;
    ho.max_payload = (unsigned)max_payload;
    if (!quiet && !json) {
        ho.on_stall = cli_link_stall;
        ho.stall_ctx = (void *)"run";
    }
    if ((st = loom_host_open(port, (unsigned)baud, &ho, &h, &e)))
        goto fail;
    limg_arch arch;
    if ((st = loom_host_arch(h, &arch, &e)))
        goto fail;
    if (!arch_given)
        mo.arch = arch.arch; /* compile NIR/AIGER for the board */
    mo.max_profiles = arch.profiles * arch.cores; /* NIR: cluster per-neuron profiles */
    const seir_net *net;
    const limg *img;
    if (is_limg) {
        if ((st = limg_read(net_path, &img_file, &e)))
            goto fail;
        if ((st = limg_check_arch(img_file, &arch, &e))) {
            loom_err_prefix(&e, "%s does not fit the board on %s", net_path, port);
            goto fail;
        }
        if ((st = standin_net(img_file, graded || (inputs != NULL), &standin, &e)))
            goto fail;
        net = standin;
        img = img_file;
    } else {
        if ((st = cli_model_load(net_path, &mo, &m, &e)))
            goto fail;
        net = m.net;
        if ((st = map_net(net, &arch, &map, &e))) {
            char as[256];
            limg_arch_str(&arch, as, sizeof as);
            loom_err_prefix(&e, "%s does not fit the board on %s (%s)", net_path, port, as);
            goto fail;
        }
        img = map->img;
    }

    if ((rc = cli_run_source(C, net, poisson, inputs, seed, &mo, dt_given, m.kind, NULL, &src, &e)) == 1)
        goto fail;
    if (rc)
        goto out;
    if (!have_steps) {
        uint64_t last = inputs ? stim_last_step(src) : UINT64_MAX;
        if (last == UINT64_MAX) {
            rc = cli_usage_error(C, "--steps N is required");
            goto out;
        }
        steps = last + 1;
    }
    /* the spike words read back per core: only up to the last one that holds
     * a neuron of the net (a net that fills a third of a core reads a third of
     * its words: on a noisy line every answer byte is a chance to lose it) */
    uint32_t ow = 0;
    for (uint32_t n = 0; n < net->n_neurons; n++)
        if (img->slot_of[n] / 32 + 1 > ow)
            ow = img->slot_of[n] / 32 + 1;
    if (ow > (arch.neurons + 31) / 32)
        ow = (arch.neurons + 31) / 32;
    uint32_t nw = arch.cores * ow;
    ev = malloc((net->n_inputs ? net->n_inputs : 1) * sizeof *ev);
    evw = malloc((net->n_inputs ? net->n_inputs : 1) * sizeof *evw);
    words = calloc(nw ? nw : 1, sizeof *words);
    spk = malloc((net->n_neurons ? net->n_neurons : 1) * sizeof *spk);
    is_out = calloc(net->n_neurons ? net->n_neurons : 1, 1);
    if (is_out)
        for (uint32_t k = 0; k < net->n_outputs; k++)
            if (net->outputs[k].kind == SEIR_OUT_SPIKE)
                is_out[net->outputs[k].neuron] = 1;
    if (!ev || !evw || !words || !spk || !is_out) {
        st = loom_fail(&e, LOOM_E_NOMEM, "out of memory");
        goto fail;
    }
    if (check && (st = ref_create(net, &ref, &e)))
        goto fail;
    if (out_spikes && (st = outw_spikes_open(out_spikes, net, 1, &spk_out, &e)))
        goto fail;
    /* the v outputs: read back in the same frame as the spike words */
    n_v = outw_v_outputs(net, NULL);
    v_idx = malloc((n_v + 1) * sizeof *v_idx);
    v_addr = malloc((n_v + 1) * sizeof *v_addr);
    v_raw = malloc((n_v + 1) * sizeof *v_raw);
    v_val = malloc((n_v + 1) * sizeof *v_val);
    if (!v_idx || !v_addr || !v_raw || !v_val) {
        st = loom_fail(&e, LOOM_E_NOMEM, "out of memory");
        goto fail;
    }
    outw_v_outputs(net, v_idx);
    for (uint32_t k = 0; k < n_v; k++)
        v_addr[k] = loom_host_v_addr(img->core_of[v_idx[k]], img->slot_of[v_idx[k]]);
    if (!out_v && !check)
        n_v = 0; /* nobody looks at them: do not read them */
    if (out_v && (st = outw_v_open(out_v, net, &v_out, &e)))
        goto fail;

    /* a clean board, then the image; or (--baked) a board that holds it */
    if (baked) {
        if ((st = loom_host_verify(h, img, 1, &e))) {
            loom_err_prefix(&e, "--baked: %s on %s", net_path, port);
            goto fail;
        }
    } else if ((st = loom_host_reset(h, &e)) || (st = loom_host_load(h, img, &e))) {
        goto fail;
    }

    /* inputs of the steps in flight, for the reference model (--check) */
    enum { LAG = 8 };
    uint32_t nin = net->n_inputs ? net->n_inputs : 1;
    evr = malloc((size_t)(LAG + 1) * nin * sizeof *evr);
    if (!evr) {
        st = loom_fail(&e, LOOM_E_NOMEM, "out of memory");
        goto fail;
    }
    double t0 = cli_now();
    cli_progress_start(&prog, "run", steps, quiet || json);
    /* exchange t pushes the inputs of step t (and starts it) and reads the
     * outputs of step t-1; up to LAG exchanges are in flight, so the run is
     * bound by the link's bandwidth, not its round trip */
    for (uint64_t t = 0, g = 0; g <= steps;) {
        if ((st = loom_intr_check(&e)))
            goto fail;
        if (t <= steps && t - g < LAG) {
            uint32_t nev = 0;
            stim_event *evt = evr + (size_t)(t % (LAG + 1)) * nin;
            if (t < steps && (st = stim_next(src, t, evt, net->n_inputs, &nev, &e)))
                goto fail;
            nevr[t % (LAG + 1)] = nev;
            for (uint32_t k = 0; k < nev; k++)
                evw[k] = loom_host_event(evt[k].channel, evt[k].value);
            if ((st = loom_host_stream_put(h, evw, nev, t < steps, arch.cores, ow, v_addr, n_v,
                                           1000000000u, &e)))
                goto fail;
            t++;
            continue;
        }
        if ((st = loom_host_stream_get(h, words, nw, v_raw, n_v, &e)))
            goto fail;
        if (g > 0) {
            uint32_t ns = 0;
            for (uint32_t n = 0; n < net->n_neurons; n++) {
                uint32_t c = img->core_of[n], s = img->slot_of[n];
                if ((words[c * ow + (s >> 5)] >> (s & 31)) & 1)
                    spk[ns++] = n;
            }
            spikes_total += ns;
            for (uint32_t k = 0; k < ns; k++)
                out_spikes_total += is_out[spk[k]];
            if (spk_out && (st = outw_spikes_step(spk_out, g - 1, spk, ns, &e)))
                goto fail;
            for (uint32_t k = 0; k < n_v; k++)
                v_val[k] = (int32_t)v_raw[k];
            if (v_out && (st = outw_v_step(v_out, g - 1, v_val, &e)))
                goto fail;
            if (ref) {
                const stim_event *evp = evr + (size_t)((g - 1) % (LAG + 1)) * nin;
                for (uint32_t k = 0; k < nevr[(g - 1) % (LAG + 1)]; k++)
                    ref_set_input(ref, evp[k].channel, evp[k].value);
                ref_step(ref);
                int differ = 0;
                for (uint32_t k = 0; k < n_v; k++) {
                    int32_t rv = ref_v(ref, v_idx[k]);
                    if (rv != v_val[k]) {
                        if (differ++ == 0 && mismatches < 10) {
                            char nb[64];
                            fprintf(stderr, "loom run: step %" PRIu64 ": v of %s: board %" PRId32
                                            ", reference %" PRId32 "\n", g - 1,
                                    seir_neuron_name(net, v_idx[k], nb, sizeof nb), v_val[k], rv);
                        }
                        break;
                    }
                }
                uint32_t nr;
                ref_spk = ref_spikes(ref, &nr);
                if (nr != ns || (ns && memcmp(ref_spk, spk, ns * sizeof *spk))) {
                    if (differ++ == 0 && mismatches < 10) {
                        uint32_t i = 0;
                        while (i < ns && i < nr && spk[i] == ref_spk[i])
                            i++;
                        fprintf(stderr, "loom run: step %" PRIu64 ": board %u spikes, reference %u; "
                                        "first difference at neuron %u\n", g - 1, ns, nr,
                                i < ns ? spk[i] : ref_spk[i]);
                    }
                }
                if (differ)
                    mismatches++;
            }
            t_done = g;
            cli_progress_update(&prog, g);
        }
        g++;
    }
    cli_progress_end(&prog, steps);
    double wall = cli_now() - t0;
    if ((st = outw_close(spk_out, &e)))
        goto fail_closed;
    spk_out = NULL;
    st = outw_close(v_out, &e);
    v_out = NULL;
    if (st)
        goto fail_closed;
    {
        link_counters hc = loom_host_stats(h);
        /* what a step costs the board itself (its clock, not the link): the
         * figure to hold against a control period */
        uint32_t cyc[2];
        const link_identify *id = loom_host_identity(h);
        int have_cyc = loom_host_read(h, LOOM_REG_CYCLES_LAST, cyc, 2, &e) == LOOM_OK && id->clk_hz;
        if (json) {
            jsonw j;
            jsonw_init(&j, stdout);
            jsonw_obj_begin(&j, NULL);
            jsonw_str(&j, "command", "run");
            jsonw_str(&j, "file", net_path);
            jsonw_str(&j, "port", port);
            jsonw_uint(&j, "steps", steps);
            jsonw_uint(&j, "output_spikes", out_spikes_total);
            jsonw_uint(&j, "spikes", spikes_total);
            jsonw_num(&j, "wall_s", wall);
            jsonw_num(&j, "steps_per_s", wall > 0 ? steps / wall : 0.0);
            jsonw_uint(&j, "frames_resent", hc.duplicates);
            if (check)
                jsonw_uint(&j, "check_mismatched_steps", mismatches);
            else
                jsonw_null(&j, "check_mismatched_steps");
            if (have_cyc) {
                jsonw_obj_begin(&j, "board");
                jsonw_uint(&j, "clk_hz", id->clk_hz);
                jsonw_uint(&j, "step_cycles_last", cyc[0]);
                jsonw_uint(&j, "step_cycles_max", cyc[1]);
                jsonw_obj_end(&j);
            } else {
                jsonw_null(&j, "board");
            }
            jsonw_obj_end(&j);
            if ((st = jsonw_end(&j, &e)))
                goto fail_closed;
        } else if (!quiet) {
            FILE *sf = (out_spikes && !strcmp(out_spikes, "-")) ? stderr : stdout;
            fprintf(sf, "run: %" PRIu64 " steps on %s, %" PRIu64 " spikes of output neurons (%" PRIu64
                        " of all neurons), %.3f s (%.1f steps/s), %u frames resent\n",
                    steps, port, out_spikes_total, spikes_total, wall, wall > 0 ? steps / wall : 0.0,
                    hc.duplicates);
            if (check)
                fprintf(sf, "check: %" PRIu64 " steps differ from the reference model\n", mismatches);
            if (have_cyc)
                fprintf(sf, "board: a step took %u clock cycles (last), at most %u (%.1f us at %.0f MHz)\n",
                        cyc[0], cyc[1], cyc[1] * 1e6 / id->clk_hz, id->clk_hz / 1e6);
        }
    }
    rc = mismatches ? 1 : 0;
    goto out;

fail:
    had_spk = spk_out != NULL;
    had_v = v_out != NULL;
    outw_close(spk_out, NULL);
    spk_out = NULL;
    outw_close(v_out, NULL);
    v_out = NULL;
fail_closed:
    if (prog.shown)
        fputc('\n', stderr); /* end the progress line */
    if (t_done || e.status == LOOM_E_INTERRUPTED)
        fprintf(stderr, "loom run: stopped after %" PRIu64 " steps%s%s%s%s\n", t_done,
                had_spk ? "; spikes so far are in " : "", had_spk ? out_spikes : "",
                had_v ? "; v so far in " : "", had_v ? out_v : "");
    rc = cli_report(C, &e);
out:
    outw_close(spk_out, NULL);
    outw_close(v_out, NULL);
    ref_destroy(ref);
    limg_free(img_file);
    seir_net_free(standin);
    free(v_idx);
    free(v_addr);
    free(v_raw);
    free(v_val);
    stim_close(src);
    free(ev);
    free(evr);
    free(evw);
    free(words);
    free(spk);
    free(is_out);
    map_free(map);
    model_free(&m);
    loom_host_close(h);
    return rc;
}
