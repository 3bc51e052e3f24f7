/*
 * cmd_vboard.c -- `loom vboard`: the virtual board (sim/vboard.h) served on
 * a pseudo-terminal or a loopback TCP port until SIGINT/SIGTERM, and
 * `loom vboard --ping PORT`, a quick host-side check of any board.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "build.h"
#include "cli.h"
#include "cli_opt.h"
#include "host.h"
#include "loom_map.h"
#include "report_json.h"
#include "transport.h"
#include "vboard.h"
#include "vboard_dyn.h"

const char cmd_vboard_summary[] = "serve the RTL board (UART included) under Verilator on a pty or TCP port";

static const char *usage =
    "usage: loom vboard [--board NAME | --config NAME] [--baud 3000000]\n"
    "                   [--pty-file FILE | --tcp PORT [--port-file FILE]]\n"
    "                   [--fault-rate P] [--seed S] [--fw RAM.hex] [--flash IMAGE]\n"
    "                   [--build DIR] [--until-stdin-eof] [--quiet]\n"
    "       loom vboard --ping PORT [--baud B] [--timeout-ms T] [--tries N] [--bench STEPS]\n"
    "\n"
    "Runs a board's RTL (its loom_board_core: boot ROM, UART, link, array, with\n"
    "the board's clock, baud rate and arch config from the board table; for the\n"
    "icestick, rtl/loom_mcu.v running the board's firmware image) under\n"
    "Verilator, its UART bit by bit, and serves it until interrupted:\n"
    "on a new pseudo-terminal (its path is printed and, with --pty-file, written\n"
    "to FILE once the board is ready) or on 127.0.0.1:PORT with --tcp (0 picks a\n"
    "free port; the spec tcp:127.0.0.1:PORT is printed and written to\n"
    "--port-file).  --fault-rate P drops or corrupts a fraction P of the bytes in\n"
    "each direction.  --fw RAM.hex (the icestick) runs that RAM image instead\n"
    "of the built-in firmware, e.g. DIR/fw_baked.hex of `loom build --board\n"
    "icestick MODEL -o DIR`: the board then holds MODEL from the start.\n"
    "--flash IMAGE (the icebreaker) puts a flash image (DIR/flash.bin of loom\n"
    "build) into the board's SPI flash model at 1 MiB, where the design reads\n"
    "it at power-up; without it the flash is erased and the board boots\n"
    "generic.  --build DIR runs the design in build folder DIR: its board and\n"
    "arch (DIR/arch.json) with its baked model (DIR/flash.bin, the boot ROM's\n"
    "DIR/boot.hex, or the icestick's RAM image), so `loom run --baked` can be\n"
    "checked against `loom sim` for any bitstream loom build makes.  A design\n"
    "the built-in models do not hold (an arch of its own, a boot ROM with a\n"
    "model) is Verilated into DIR/vboard/ first (cached; needs verilator).\n"
    "--until-stdin-eof also stops serving when standard input reaches end of\n"
    "file: a program that starts the board with a pipe on its standard input\n"
    "(libloom's loom_vboard_start does) takes the board with it when it dies.\n"
    "--board B picks board B (icebreaker, the default,\n"
    "upduino3, icestick, hx8k-breakout); --config picks any built model by name,\n"
    "including the generic rtl/loom_top.v configs c1 and c4 (see --list-configs).\n"
    "--ping PORT opens any board (e.g. /dev/ttyUSB0, /dev/pts/N, tcp:HOST:PORT),\n"
    "prints its identity, arch registers and link counters, and exits; with\n"
    "--bench STEPS it also measures the round trip (1-word reads), STEPS steps\n"
    "request/response (one exchange at a time) and STEPS steps streaming (8\n"
    "exchanges in flight; 16 input events and every output word per step, on\n"
    "whatever the board holds) and prints `bench NAME VALUE UNIT` lines,\n"
    "including the line-rate bounds of a real board at the identified baud rate.\n"
    "\n"
    "examples:\n"
    "  loom vboard --board icebreaker --pty-file pty.txt &   # serve; pty.txt once ready\n"
    "  loom vboard --build build/ib-net --pty-file pty.txt &  # a build folder's design\n"
    "  loom run --port \"$(cat pty.txt)\" net.seir --steps 100 --poisson 0.1 --check\n"
    "  loom vboard --config c4 --tcp 0 --port-file port.txt --fault-rate 0.01 &\n"
    "  loom vboard --ping \"$(cat port.txt)\" --bench 300\n"
    "  loom vboard --list-configs\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* --until-stdin-eof: reads standard input until end of file (the writer,
 * the process that started this board, has closed it or died) or an error,
 * then stops the board as SIGTERM would. */
static void *watch_stdin(void *arg)
{
    (void)arg;
    char buf[256];
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EINTR))
            break;
    }
    kill(getpid(), SIGTERM);
    return NULL;
}

static int write_file(const char *path, const char *text)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f, "%s\n", text);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

/* Request/response: one step exchange at a time, each waiting for its answer. */
static loom_status bench_rr(loom_host *h, const limg_arch *a, const uint32_t *ev, uint32_t n_ev,
                            uint32_t steps, uint32_t *out, loom_err *e)
{
    uint32_t words = (a->neurons + 31) / 32;
    for (uint32_t t = 0; t <= steps; t++) {
        loom_status st = loom_host_stream(h, ev, t < steps ? n_ev : 0, t < steps, a->cores, words,
                                          out, 1000000, e);
        if (st)
            return st;
    }
    return LOOM_OK;
}

/* Streaming: up to 8 step exchanges in flight (what loom run does). */
static loom_status bench_stream(loom_host *h, const limg_arch *a, const uint32_t *ev,
                                uint32_t n_ev, uint32_t steps, uint32_t *out, loom_err *e)
{
    uint32_t words = (a->neurons + 31) / 32;
    loom_status st = LOOM_OK;
    for (uint32_t t = 0, g = 0; !st && g <= steps;) {
        if (t <= steps && t - g < 8) {
            st = loom_host_stream_put(h, ev, t < steps ? n_ev : 0, t < steps, a->cores, words, NULL,
                                      0, 1000000, e);
            t++;
        } else {
            st = loom_host_stream_get(h, out, (size_t)a->cores * words, NULL, 0, e);
            g++;
        }
    }
    return st;
}

static int bench(loom_host *h, uint32_t steps, uint32_t baud)
{
    loom_err e;
    limg_arch a;
    if (loom_host_arch(h, &a, &e))
        return cli_report("vboard", &e);
    const int n_rtt = 200;
    uint32_t x;
    double t0 = cli_now();
    for (int i = 0; i < n_rtt; i++)
        if (loom_host_read(h, LOOM_REG_ID, &x, 1, &e))
            return cli_report("vboard", &e);
    double rtt = (cli_now() - t0) / n_rtt;
    uint32_t words = (a.neurons + 31) / 32, n_ev = a.max_inputs < 16 ? a.max_inputs : 16;
    uint32_t ev[16], *out = calloc((size_t)a.cores * words, sizeof *out);
    if (!out)
        return 1;
    for (uint32_t c = 0; c < n_ev; c++)
        ev[c] = loom_host_event(c, 1);
    t0 = cli_now();
    if (bench_rr(h, &a, ev, n_ev, steps, out, &e)) {
        free(out);
        return cli_report("vboard", &e);
    }
    double dt_rr = cli_now() - t0;
    uint64_t s0, r0, s1, r1;
    loom_host_bytes(h, &s0, &r0);
    t0 = cli_now();
    if (bench_stream(h, &a, ev, n_ev, steps, out, &e)) {
        free(out);
        return cli_report("vboard", &e);
    }
    double dt = cli_now() - t0;
    loom_host_bytes(h, &s1, &r1);
    free(out);
    double up = (double)(s1 - s0) / (steps + 1), down = (double)(r1 - r0) / (steps + 1);
    /* a real board: the line is the limit, 10 bits per byte.  Streaming
     * overlaps the two directions (full duplex), request/response sends
     * them one after the other; a 1-word read is 14 + 12 bytes. */
    double byte_s = 10.0 / baud;
    printf("bench link.vboard.rtt_ms %.3f ms\n", rtt * 1e3);
    printf("bench link.vboard.rr_steps_per_s %.1f steps/s\n", steps / dt_rr);
    printf("bench link.vboard.steps_per_s %.1f steps/s\n", steps / dt);
    printf("bench link.bytes_per_step %.1f bytes\n", up + down);
    printf("bench link.bytes_per_step_up %.1f bytes\n", up);
    printf("bench link.bytes_per_step_down %.1f bytes\n", down);
    printf("bench link.board.rtt_ms %.3f ms\n", (14 + 12) * byte_s * 1e3);
    printf("bench link.board.rr_steps_per_s %.0f steps/s\n", 1.0 / ((up + down) * byte_s));
    printf("bench link.board.steps_per_s %.0f steps/s\n", 1.0 / ((up > down ? up : down) * byte_s));
    return 0;
}

static int ping(const char *port, unsigned baud, int timeout_ms, unsigned tries, uint32_t steps)
{
    loom_host_opts o;
    loom_host_opts_default(&o);
    if (timeout_ms > 0)
        o.timeout_ms = timeout_ms;
    if (tries > 0)
        o.max_tries = tries;
    loom_host *h;
    loom_err e;
    if (loom_host_open(port, baud, &o, &h, &e))
        return cli_report("vboard", &e);
    const link_identify *id = loom_host_identity(h);
    printf("port %s\n", port);
    printf("link proto %u rtl %u board %u max_payload %u clk_hz %u baud %u\n", id->proto,
           id->rtl_version, id->board_id, id->max_payload, id->clk_hz,
           id->clks_per_bit ? id->clk_hz / id->clks_per_bit : 0);
    printf("link rings rx %u tx %u window %u\n", id->rx_bytes, id->tx_bytes, id->window);
    uint32_t r[LOOM_REG_RING_LOG2 + 1];
    if (loom_host_read(h, LOOM_REG_ID, r, LOOM_REG_RING_LOG2 + 1, &e)) {
        loom_host_close(h);
        return cli_report("vboard", &e);
    }
    printf("id 0x%08X version %u\n", r[LOOM_REG_ID], r[LOOM_REG_VERSION]);
    printf("arch W=%u S=%u A=%u D=%u cores=%u neurons=%u syn_words=%u profiles=%u "
           "max_inputs=%u levels=%u\n",
           r[LOOM_REG_ARCH_W], r[LOOM_REG_ARCH_S], r[LOOM_REG_ARCH_A], r[LOOM_REG_ARCH_D],
           r[LOOM_REG_CORES], r[LOOM_REG_NEURONS], r[LOOM_REG_SYN_WORDS], r[LOOM_REG_PROFILES],
           r[LOOM_REG_MAX_INPUTS], r[LOOM_REG_LEVELS_MAX]);
    link_counters c;
    if (loom_host_counters(h, &c, &e)) {
        loom_host_close(h);
        return cli_report("vboard", &e);
    }
    link_counters hs = loom_host_stats(h);
    printf("board counters ok %u crc %u format %u\n", c.frames_ok, c.crc_errors,
           c.format_errors);
    printf("host counters ok %u crc %u format %u naks %u resent %u\n", hs.frames_ok,
           hs.crc_errors, hs.format_errors, hs.seq_errors, hs.duplicates);
    int rc = steps ? bench(h, steps, id->clks_per_bit ? id->clk_hz / id->clks_per_bit : baud) : 0;
    loom_host_close(h);
    if (rc)
        return rc;
    if (r[LOOM_REG_ID] != LOOM_MAP_ID_VALUE) {
        fprintf(stderr, "loom vboard: %s answers but its ID register reads 0x%08X, not 0x%08X\n",
                port, r[LOOM_REG_ID], LOOM_MAP_ID_VALUE);
        return 1;
    }
    return 0;
}

/* A build folder's design: its board (DIR/arch.json) and the baked image
 * of DIR as the board holds it.  The board's built-in model runs it when
 * the arch recorded is that board's (every field) and the image is in
 * flash or RAM; otherwise *dyn is set and da says what to Verilate (a
 * build's own arch, or a boot ROM holding DIR/boot.hex).  *flash / *fw
 * get paths ("" when DIR holds no model). */
static int from_build(const char *dir, const board_info **bo, int *dyn, vboard_dyn_arch *da,
                      char *flash, char *fw, char *boot, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/arch.json", dir);
    report_doc *d;
    loom_err e;
    if (report_doc_load(path, &d, &e)) {
        fprintf(stderr, "loom vboard: %s (not a folder of loom build, or built before arch.json)\n",
                e.msg);
        return 2;
    }
    const char *name = report_doc_str(d, "board");
    const board_info *b = name ? board_find(name, &e) : NULL;
    if (!b) {
        fprintf(stderr, "loom vboard: %s: %s\n", path, name ? e.msg : "no \"board\"");
        report_doc_free(d);
        return 2;
    }
    double off = report_doc_num(d, "flash_offset");
    report_doc_free(d);
    arch_config c;
    if (build_read_arch_fields(dir, &c, &e)) {
        fprintf(stderr, "loom vboard: %s\n", e.msg);
        return 2;
    }
    memset(da, 0, sizeof *da);
    da->arch = c.arch;
    da->eq = c.eq;
    da->single_port = c.single_port;
    da->flash_offset = off > 0 ? (uint32_t)off : 0;
    *dyn = memcmp(&c.arch, &b->arch, sizeof c.arch) != 0 || c.eq != b->eq || c.single_port != b->single_port;
    *bo = b;
    flash[0] = fw[0] = boot[0] = '\0';
    if (b->fw_ram_bytes) {
        if (*dyn) {
            fprintf(stderr, "loom vboard: %s: the %s runs the array as firmware of one arch; this "
                    "folder records another\n", path, b->name);
            return 2;
        }
        snprintf(fw, len, "%s/boot.hex", dir);
        if (access(fw, R_OK) != 0) {
            fprintf(stderr, "loom vboard: %s: missing (the RAM image of the build)\n", fw);
            return 2;
        }
        return 0;
    }
    if (da->flash_offset) {
        snprintf(flash, len, "%s/%s", dir, BUILD_FLASH_FILE);
        if (access(flash, R_OK) != 0)
            flash[0] = '\0'; /* a generic build: the flash is erased */
        return 0;
    }
    /* a boot-ROM board: a baked boot.hex (the boot header 07b0 first) is
     * synthesised into the ROM, so the model is Verilated with it */
    char bp[4096], line[16] = "";
    snprintf(bp, sizeof bp, "%s/boot.hex", dir);
    FILE *f = fopen(bp, "r");
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
    }
    if (!strncmp(line, "07b0", 4)) {
        if (!realpath(bp, boot)) {
            fprintf(stderr, "loom vboard: %s: cannot resolve\n", bp);
            return 2;
        }
        da->boot_file = boot;
        *dyn = 1;
    }
    return 0;
}

/* Says what the flash image holds, as the design will judge it. */
static void describe_flash(const char *path, int quiet)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return; /* vboard_open names the file */
    uint8_t *buf = malloc(BUILD_FLASH_MAX + BUILD_FLASH_HDR);
    size_t n = buf ? fread(buf, 1, BUILD_FLASH_MAX + BUILD_FLASH_HDR, f) : 0;
    fclose(f);
    loom_err e;
    uint32_t len = 0;
    if (buf && build_flash_check(buf, n, &len, &e))
        fprintf(stderr, "loom vboard: flash image %s: %s; the design ignores it and boots generic\n",
                path, e.msg);
    else if (buf && !quiet)
        fprintf(stderr, "loom vboard: flash image %s: %u bytes of boot stream\n", path, len);
    free(buf);
}

int cmd_vboard(int argc, char **argv)
{
    const char *config = NULL, *pty_file = NULL, *port_file = NULL, *ping_port = NULL, *fw_image = NULL;
    const char *flash_image = NULL, *build_dir = NULL;
    static char build_flash[4096], build_fw[4096], build_boot[4096], build_lib[4200];
    const board_info *build_board = NULL;
    int dyn = 0;
    vboard_dyn_arch da;
    int64_t tcp = -1, baud = 0, timeout_ms = 0, tries = 0, bench_steps = 0;
    double fault = 0;
    uint64_t seed = 1;
    int quiet = 0, list_configs = 0, until_eof = 0;
    const board_info *board = NULL;
    const cli_opt opts[] = {
        {"--list-configs", NULL, CLI_FLAG, CLI_DST(list_configs)},
        {"--quiet", NULL, CLI_FLAG, CLI_DST(quiet)},
        {"--until-stdin-eof", NULL, CLI_FLAG, CLI_DST(until_eof)},
        {"--config", NULL, CLI_STRING, CLI_DST(config)},
        {"--board", NULL, CLI_CUSTOM, .fn = cli_opt_board, .dst = &board},
        {"--pty-file", NULL, CLI_PATH, CLI_DST(pty_file)},
        {"--fw", NULL, CLI_PATH, CLI_DST(fw_image)},
        {"--flash", NULL, CLI_PATH, CLI_DST(flash_image)},
        {"--build", NULL, CLI_PATH, CLI_DST(build_dir)},
        {"--port-file", NULL, CLI_PATH, CLI_DST(port_file)},
        {"--tcp", NULL, CLI_INT, 0, 65535, CLI_DST(tcp)},
        {"--fault-rate", NULL, CLI_DOUBLE, .dmin = 0, .dmax = 0.5, CLI_DST(fault)},
        {"--seed", NULL, CLI_U64, CLI_DST(seed)},
        {"--ping", NULL, CLI_STRING, CLI_DST(ping_port)},
        {"--bench", NULL, CLI_INT, 1, 10000000, CLI_DST(bench_steps)},
        CLI_LINK_ROWS(baud, timeout_ms, tries),
    };
    const cli_spec spec = {.cmd = "vboard", CLI_TABLE(opts),
                           .usage = usage};
    CLI_PARSE_OR_RETURN(&spec, argc, argv);
    if (list_configs) {
        for (unsigned k = 0; k < vboard_config_count(); k++)
            printf("%s\n", vboard_config_name(k));
        return 0;
    }
    if (board)
        config = board->name; /* the board's own top and arch config */
    if (ping_port)
        return ping(ping_port, baud ? (unsigned)baud : 3000000, (int)timeout_ms, (unsigned)tries,
                    (uint32_t)bench_steps);

    if (build_dir) {
        if (config || fw_image || flash_image)
            return cli_usage_error("vboard", "--build DIR takes the board and image from DIR; "
                                   "drop --board/--config/--fw/--flash");
        int rc = from_build(build_dir, &build_board, &dyn, &da, build_flash, build_fw, build_boot,
                            sizeof build_flash);
        if (rc)
            return rc;
        config = build_board->name;
        loom_err de;
        if (dyn && vboard_dyn_build(build_dir, build_board, &da, quiet, build_lib, sizeof build_lib, &de))
            return cli_report("vboard", &de);
        if (build_flash[0])
            flash_image = build_flash;
        if (build_fw[0])
            fw_image = build_fw;
    }
    vboard_opts o;
    vboard_opts_default(&o);
    o.config = config;
    o.fw_image = fw_image;
    o.flash_image = flash_image;
    if (dyn) {
        o.model_lib = build_lib;
        o.model_clk_hz = (uint32_t)(build_board->clock_mhz * 1e6 + 0.5);
        o.model_cpb = board_clks_per_bit(build_board);
        o.flash_offset = da.flash_offset ? da.flash_offset : o.flash_offset;
    }
    if (flash_image)
        describe_flash(flash_image, quiet);
    o.fault_rate = fault;
    o.seed = seed;
    vboard *b;
    loom_err e;
    if (!quiet && flash_image)
        fprintf(stderr, "loom vboard: booting from the flash model...\n");
    if (vboard_open(&o, &b, &e))
        return cli_report("vboard", &e);
    loom_err be;
    const board_info *bi = board_find(o.config ? o.config : vboard_config_name(0), &be);
    if (!quiet && bi && bi->flash_offset) {
        uint64_t reads;
        uint64_t cyc = vboard_boot_cycles(b, &reads);
        fprintf(stderr, "loom vboard: booted in %llu cycles (%.1f ms of board time), %s\n",
                (unsigned long long)cyc, cyc * 1e3 / vboard_clk_hz(b),
                reads >= 2 ? "the flash image replayed" : "generic (no image replayed)");
    }
    if (baud && (uint32_t)baud != vboard_baud(b)) {
        vboard_close(b);
        return cli_usage_error("vboard", "this virtual board is built for %u baud, not %lld",
                               vboard_baud(b), (long long)baud);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    pthread_t watcher;
    if (until_eof) {
        if (pthread_create(&watcher, NULL, watch_stdin, NULL) != 0) {
            vboard_close(b);
            fprintf(stderr, "loom vboard: cannot start the --until-stdin-eof watcher thread\n");
            return 2;
        }
        pthread_detach(watcher);
    }

    int rc = 0;
    if (tcp < 0) {
        transport *t;
        char path[256];
        if (transport_pty_create(&t, path, sizeof path, 1, &e)) {
            vboard_close(b);
            return cli_report("vboard", &e);
        }
        printf("%s\n", path);
        fflush(stdout);
        if (pty_file && write_file(pty_file, path)) {
            fprintf(stderr, "loom vboard: cannot write %s\n", pty_file);
            rc = 2;
        }
        if (!quiet)
            fprintf(stderr, "loom vboard: config %s, %u baud, fault rate %g, serving %s\n",
                    o.config ? o.config : vboard_config_name(0), vboard_baud(b), fault, path);
        while (!rc && !stop_flag) {
            loom_status st = vboard_serve(b, t, &stop_flag, &e);
            if (st && st != LOOM_E_LINK) {
                rc = cli_report("vboard", &e);
                break;
            }
        }
        transport_close(t);
    } else {
        transport_listener *l;
        int port = 0;
        if (transport_tcp_listen((int)tcp, &port, &l, &e)) {
            vboard_close(b);
            return cli_report("vboard", &e);
        }
        char spec[64];
        snprintf(spec, sizeof spec, "tcp:127.0.0.1:%d", port);
        printf("%s\n", spec);
        fflush(stdout);
        const char *pf = port_file ? port_file : pty_file;
        if (pf && write_file(pf, spec)) {
            fprintf(stderr, "loom vboard: cannot write %s\n", pf);
            rc = 2;
        }
        if (!quiet)
            fprintf(stderr, "loom vboard: config %s, fault rate %g, serving %s\n",
                    o.config ? o.config : vboard_config_name(0), fault, spec);
        while (!rc && !stop_flag) {
            transport *t = NULL;
            if (transport_tcp_accept(l, 200, &t, &e)) {
                rc = cli_report("vboard", &e);
                break;
            }
            if (!t)
                continue;
            loom_status st = vboard_serve(b, t, &stop_flag, &e);
            if (st && st != LOOM_E_LINK)
                rc = cli_report("vboard", &e);
            else if (st && !quiet)
                fprintf(stderr, "loom vboard: %s\n", e.msg);
            transport_close(t);
        }
        transport_listener_close(l);
    }
    if (!quiet)
        fprintf(stderr, "loom vboard: stopped after %llu cycles, %llu bytes in, %llu bytes out\n",
                (unsigned long long)vboard_cycles(b), (unsigned long long)vboard_bytes_in(b),
                (unsigned long long)vboard_bytes_out(b));
    vboard_close(b);
    return rc;
}
