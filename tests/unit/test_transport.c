/*
 * test_transport.c -- the three transport back-ends and the host driver
 * (sw/link/transport.c, sw/link/host.c) against real pseudo-terminals and loopback
 * sockets, with a software board (link_srv + a word memory) in a thread on
 * the serving end, optionally corrupting and dropping bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include <pthread.h>
#include <stdatomic.h>

#include "host.h"
#include "link.h"
#include "transport.h"

static double ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Reads exactly n bytes or fails the test. */
static void read_exact(transport *t, uint8_t *p, size_t n)
{
    size_t done = 0;
    double end = ms_now() + 3000;
    while (done < n && ms_now() < end) {
        size_t got = 0;
        loom_err e;
        assert_int_equal(transport_read(t, p + done, n - done, 200, &got, &e), LOOM_OK);
        done += got;
    }
    assert_int_equal(done, n);
}

static void test_list_ports(void **st)
{
    (void)st;
    transport_port *ports = NULL;
    size_t n = 99;
    loom_err e;
    assert_int_equal(transport_list_ports(&ports, &n, &e), LOOM_OK);
    assert_true(n < 99);
    for (size_t i = 0; i < n; i++) {
        assert_true(ports[i].name[0] != 0);
        assert_null(strstr(ports[i].name, "/dev/pts/")); /* ptys are never listed */
    }
    if (n == 0)
        assert_null(ports);
    free(ports);
}

static void test_open_errors(void **st)
{
    (void)st;
    transport *t = NULL;
    loom_err e;
    assert_int_equal(transport_open("/dev/ttyUSB9", 115200, 100, &t, &e), LOOM_E_IO);
    assert_null(t);
    assert_non_null(strstr(e.msg, "/dev/ttyUSB9"));
    assert_non_null(strstr(e.msg, "--list-ports"));
    assert_int_equal(transport_open("", 115200, 100, &t, &e), LOOM_E_ARG);
    assert_int_equal(transport_open("tcp:127.0.0.1", 0, 100, &t, &e), LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "tcp:HOST:PORT"));
    /* a regular file is not a port */
    assert_int_equal(transport_open("/etc/hostname", 115200, 100, &t, &e), LOOM_E_ARG);
    /* libserialport refuses a pty: forcing it gives its reason, not a hang */
    char slave[128];
    transport *m = NULL;
    assert_int_equal(transport_pty_create(&m, slave, sizeof slave, 0, &e), LOOM_OK);
    char spec[160];
    snprintf(spec, sizeof spec, "serial:%s", slave);
    loom_status s = transport_open(spec, 115200, 100, &t, &e);
    if (s == LOOM_OK) {
        transport_close(t); /* a newer libserialport may accept ptys */
    } else {
        assert_int_equal(s, LOOM_E_LINK);
        assert_non_null(strstr(e.msg, slave));
    }
    /* an unsupported baud rate on termios */
    assert_int_equal(transport_open(slave, 12345, 100, &t, &e), LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "12345"));
    transport_close(m);
    /* nobody listens on this port (bound, then closed, so it is free) */
    transport_listener *l;
    int port = 0;
    assert_int_equal(transport_tcp_listen(0, &port, &l, &e), LOOM_OK);
    transport_listener_close(l);
    snprintf(spec, sizeof spec, "tcp:127.0.0.1:%d", port);
    assert_int_equal(transport_open(spec, 0, 500, &t, &e), LOOM_E_LINK);
    assert_non_null(strstr(e.msg, spec));
}

/* Sends all 256 byte values both ways: the line must be 8-bit clean (no
 * echo, no CR/LF mapping, no XON/XOFF, no ^C). */
static void exchange_all_bytes(transport *a, transport *b)
{
    uint8_t out[512], in[512];
    for (int i = 0; i < 512; i++)
        out[i] = (uint8_t)(i * 7 + (i >> 8));
    loom_err e;
    assert_int_equal(transport_write(a, out, 512, 1000, &e), LOOM_OK);
    read_exact(b, in, 512);
    assert_memory_equal(in, out, 512);
    assert_int_equal(transport_write(b, out, 300, 1000, &e), LOOM_OK);
    read_exact(a, in, 300);
    assert_memory_equal(in, out, 300);
    /* nothing echoed back */
    size_t got = 9;
    assert_int_equal(transport_read(a, in, sizeof in, 50, &got, &e), LOOM_OK);
    assert_int_equal(got, 0);
}

static void test_pty_pair(void **st)
{
    (void)st;
    char slave[128];
    transport *m = NULL, *s = NULL;
    loom_err e;
    assert_int_equal(transport_pty_create(&m, slave, sizeof slave, 0, &e), LOOM_OK);
    assert_int_equal(transport_open(slave, 3000000, 100, &s, &e), LOOM_OK);
    assert_int_equal(transport_kind_of(s), TRANSPORT_TTY);
    assert_string_equal(transport_name(s), slave);
    exchange_all_bytes(s, m);
    /* a read with nothing to read returns after its timeout, not before */
    uint8_t b[8];
    size_t got = 1;
    double t0 = ms_now();
    assert_int_equal(transport_read(s, b, 8, 120, &got, &e), LOOM_OK);
    double dt = ms_now() - t0;
    assert_int_equal(got, 0);
    assert_true(dt >= 110 && dt < 1000);
    /* the master goes away: the slave reports the lost link at once */
    transport_close(m);
    t0 = ms_now();
    assert_int_equal(transport_read(s, b, 8, 2000, &got, &e), LOOM_E_LINK);
    assert_true(ms_now() - t0 < 1000);
    assert_non_null(strstr(e.msg, slave));
    transport_close(s);
}

/* Queue one pipelined batch: write k to 0xE00 (the test board adds it to
 * the sum there) and read the sum back. */
static void pipe_add_read(loom_host *h, uint32_t k)
{
    uint8_t ops[32];
    size_t len = 0;
    loom_err e;
    assert_int_equal(link_batch_write(ops, sizeof ops, &len, 0xE00, &k, 1, 0, &e), LOOM_OK);
    assert_int_equal(link_batch_read(ops, sizeof ops, &len, 0xE00, 1, 0, &e), LOOM_OK);
    if (loom_host_pipe_batch(h, ops, len, &e) != LOOM_OK)
        fail_msg("pipe batch %u: %s", k, e.msg);
}

static void test_tcp_pair(void **st)
{
    (void)st;
    transport_listener *l;
    int port = 0;
    loom_err e;
    assert_int_equal(transport_tcp_listen(0, &port, &l, &e), LOOM_OK);
    assert_true(port > 0);
    transport *srv = NULL, *cli = NULL;
    /* no client yet: accept times out */
    assert_int_equal(transport_tcp_accept(l, 20, &srv, &e), LOOM_OK);
    assert_null(srv);
    char spec[64];
    snprintf(spec, sizeof spec, "tcp:127.0.0.1:%d", port);
    assert_int_equal(transport_open(spec, 0, 1000, &cli, &e), LOOM_OK);
    assert_int_equal(transport_kind_of(cli), TRANSPORT_TCP);
    assert_int_equal(transport_tcp_accept(l, 1000, &srv, &e), LOOM_OK);
    assert_non_null(srv);
    exchange_all_bytes(cli, srv);
    /* server closes: client read and write fail with LOOM_E_LINK */
    transport_close(srv);
    uint8_t b[8];
    size_t got;
    assert_int_equal(transport_read(cli, b, 8, 1000, &got, &e), LOOM_E_LINK);
    assert_non_null(strstr(e.msg, "closed"));
    transport_close(cli);
    transport_listener_close(l);
}

/* ---- a software board behind the serving end --------------------------------- */

typedef struct swboard {
    transport *t;
    transport_listener *l; /* TCP: accept first */
    link_rx rx;
    link_srv srv;
    uint32_t mem[4096];
    uint32_t steps;        /* writes to 0xE00 add up here: once each */
    unsigned fault_pm;     /* per mille of bytes dropped and of bytes flipped */
    uint64_t rng;
    atomic_int stop;
    unsigned executed;
    atomic_uint drop_every; /* > 0: every drop_every-th answer is lost whole */
    atomic_uint answers, dropped;
    atomic_uint nak_keep;  /* > 0: only every nak_keep-th valid request gets through,
                              the others are taken as damaged (NAK FRAME) */
    atomic_uint nak_n;
    atomic_uint damage_next; /* > 0: the next valid request is taken as damaged */
    atomic_uint reqs_in;   /* valid request frames received */
    atomic_uint forget_held; /* > 0: when the request the held ones wait for arrives, the
                              held ones are given up first (as the board does when they
                              reach half its receive ring), silently */
    atomic_uint forgot;    /* ... times that happened */
    unsigned byte_us;      /* > 0: a slow line: each frame in and each answer out
                              takes byte_us per wire byte (a UART of 10 bits/byte) */
} swboard;

/* Waits us microseconds (a slow board's line time). */
static void sw_sleep_us(double us)
{
    struct timespec ts = {(time_t)(us / 1e6), (long)((us - 1e6 * (time_t)(us / 1e6)) * 1e3)};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static uint32_t sw_rnd(swboard *b)
{
    b->rng = b->rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(b->rng >> 33);
}

static void sw_write(void *ctx, uint32_t a, uint32_t d)
{
    swboard *b = ctx;
    if (a == 0xE00)
        b->steps += d;
    else
        b->mem[a & 0xFFF] = d;
}

static uint32_t sw_read(void *ctx, uint32_t a)
{
    swboard *b = ctx;
    if (a == 0xE00)
        return b->steps;
    if (a == 0)
        return 0x4C4F4F4D;
    return b->mem[a & 0xFFF];
}

static void sw_exec(void *ctx, const link_frame *req, link_frame *resp)
{
    swboard *b = ctx;
    b->executed++;
    link_bus bus = {b, sw_write, sw_read, NULL};
    resp->len = 0;
    switch (req->cmd) {
    case LINK_CMD_IDENTIFY: {
        link_identify id = {b->srv.sr ? LINK_PROTO_VERSION : LINK_PROTO_GBN, 1, 42, 248, 12000000,
                            4, 512, 512, 4};
        link_identify_format(&id, resp->payload);
        resp->len = LINK_IDENTIFY_LEN;
        resp->cmd = LINK_ACK(req->cmd);
        break;
    }
    case LINK_CMD_BATCH:
        link_batch_exec(req, &bus, 248, resp);
        break;
    case LINK_CMD_COUNTERS: {
        uint32_t c[3] = {b->rx.cnt.frames_ok, b->rx.cnt.crc_errors, b->rx.cnt.format_errors};
        for (int i = 0; i < 3; i++)
            link_put_le(resp->payload + 2 * i, c[i] & 0xFFFF, 2);
        resp->len = LINK_COUNTERS_LEN;
        resp->cmd = LINK_ACK(req->cmd);
        break;
    }
    case LINK_CMD_RESET:
        memset(b->mem, 0, sizeof b->mem);
        resp->cmd = LINK_ACK(req->cmd);
        break;
    default:
        resp->cmd = LINK_NAK(LINK_NAK_CMD);
    }
}

static void *sw_main(void *arg)
{
    swboard *b = arg;
    static _Thread_local uint8_t in[4096], w[LINK_MAX_WIRE], out[LINK_MAX_WIRE];
    static _Thread_local link_frame req;
    loom_err e;
    while (!b->t && !atomic_load(&b->stop))
        transport_tcp_accept(b->l, 50, &b->t, &e);
    while (!atomic_load(&b->stop)) {
        size_t got = 0;
        if (transport_read(b->t, in, sizeof in, 20, &got, &e) != LOOM_OK)
            break;
        if (b->fault_pm) { /* the line towards the board is noisy too */
            size_t k = 0;
            for (size_t i = 0; i < got; i++) {
                if (sw_rnd(b) % 1000 < b->fault_pm)
                    continue;
                in[k] = in[i];
                if (sw_rnd(b) % 1000 < b->fault_pm)
                    in[k] ^= (uint8_t)(1u << (sw_rnd(b) % 8));
                k++;
            }
            got = k;
        }
        size_t off = 0;
        while (off < got) {
            int f;
            off += link_rx_feed(&b->rx, in + off, got - off, &req, &f);
            if (!f)
                continue;
            if (f > 0) {
                atomic_fetch_add(&b->reqs_in, 1);
                unsigned one = 1;
                if (atomic_compare_exchange_strong(&b->damage_next, &one, 0))
                    f = -1;
            }
            unsigned yes = 1;
            if (f > 0 && b->srv.hold && req.seq == b->srv.expected &&
                atomic_compare_exchange_strong(&b->forget_held, &yes, 0)) {
                b->srv.hold = 0, b->srv.hm = 0; /* link.c's give-up, before this frame */
                b->srv.rp = b->srv.fbase = b->srv.wp;
                atomic_fetch_add(&b->forgot, 1);
            }
            unsigned keep = atomic_load(&b->nak_keep);
            if (f > 0 && keep && (atomic_fetch_add(&b->nak_n, 1) + 1) % keep != 0)
                f = -1;
            const link_frame *r = f > 0 ? link_srv_handle(&b->srv, &req, sw_exec, b)
                                        : link_srv_dropped(&b->srv);
            if (b->byte_us && f > 0) /* the request's bytes in */
                sw_sleep_us((double)b->byte_us * (LINK_HDR + LINK_CRC + 2 + req.len));
            for (; r; r = link_srv_more(&b->srv)) { /* held requests that ran follow */
                size_t m = link_frame_encode(r, w), k = 0;
                if (b->byte_us) /* the answer's bytes out */
                    sw_sleep_us((double)b->byte_us * m);
                for (size_t i = 0; i < m; i++) {
                    if (b->fault_pm && sw_rnd(b) % 1000 < b->fault_pm)
                        continue;
                    out[k] = w[i];
                    if (b->fault_pm && sw_rnd(b) % 1000 < b->fault_pm)
                        out[k] ^= (uint8_t)(1u << (sw_rnd(b) % 8));
                    k++;
                }
                /* adversarial extras on a faulty line: a burst of garbage
                 * before the answer, or the answer twice (a stale duplicate) */
                if (b->fault_pm && sw_rnd(b) % 40 == 0) {
                    uint8_t g[16];
                    for (size_t i = 0; i < sizeof g; i++)
                        g[i] = (uint8_t)sw_rnd(b);
                    if (transport_write(b->t, g, sizeof g, 1000, &e) != LOOM_OK)
                        return NULL;
                }
                unsigned de = atomic_load(&b->drop_every);
                if (de && (atomic_fetch_add(&b->answers, 1) + 1) % de == 0) {
                    atomic_fetch_add(&b->dropped, 1);
                    continue;
                }
                int twice = b->fault_pm && sw_rnd(b) % 40 == 0;
                for (int t = 0; t <= twice; t++)
                    if (transport_write(b->t, out, k, 1000, &e) != LOOM_OK)
                        return NULL;
            }
        }
    }
    return NULL;
}

static swboard board;
static pthread_t board_thread;

/* Starts the software board on a pty (tcp = 0) or a TCP port; writes the
 * port spec into spec. */
static void board_start(int tcp, unsigned fault_pm, char *spec, size_t cap)
{
    memset(&board, 0, sizeof board);
    link_rx_init(&board.rx);
    link_srv_init(&board.srv, 4, 512);
    board.rx.max_payload = 248;
    board.fault_pm = fault_pm;
    board.rng = 12345;
    loom_err e;
    if (tcp) {
        int port;
        assert_int_equal(transport_tcp_listen(0, &port, &board.l, &e), LOOM_OK);
        snprintf(spec, cap, "tcp:127.0.0.1:%d", port);
    } else {
        assert_int_equal(transport_pty_create(&board.t, spec, cap, 0, &e), LOOM_OK);
    }
    assert_int_equal(pthread_create(&board_thread, NULL, sw_main, &board), 0);
}

static void board_stop(void)
{
    atomic_store(&board.stop, 1);
    pthread_join(board_thread, NULL);
    transport_close(board.t);
    transport_listener_close(board.l);
    board.t = NULL;
    board.l = NULL;
}

static void host_session(int tcp, unsigned fault_pm)
{
    char spec[128];
    board_start(tcp, fault_pm, spec, sizeof spec);
    loom_host_opts o;
    loom_host_opts_default(&o);
    o.timeout_ms = fault_pm ? 15 : 40;
    o.max_tries = 60;
    o.max_payload = fault_pm ? 64 : 0;
    loom_host *h = NULL;
    loom_err e;
    loom_status s = loom_host_open(spec, 3000000, &o, &h, &e);
    if (s)
        print_error("open: %s\n", e.msg);
    assert_int_equal(s, LOOM_OK);
    const link_identify *id = loom_host_identity(h);
    assert_int_equal(id->board_id, 42);
    assert_int_equal(id->max_payload, 248);
    assert_int_equal(id->clks_per_bit, 4);
    /* register 0 is the ID word */
    uint32_t w[1500], r[1500];
    assert_int_equal(loom_host_read(h, 0, r, 1, &e), LOOM_OK);
    assert_int_equal(r[0], 0x4C4F4F4D);
    /* 1000 words: several frames each way (max payload 256 or 64 bytes) */
    int nw = fault_pm ? 300 : 1000;
    for (int i = 0; i < nw; i++)
        w[i] = (uint32_t)i * 2654435761u;
    assert_int_equal(loom_host_write(h, 100, w, nw, &e), LOOM_OK);
    memset(r, 0, sizeof r);
    assert_int_equal(loom_host_read(h, 100, r, nw, &e), LOOM_OK);
    assert_memory_equal(r, w, nw * sizeof w[0]);
    assert_int_equal(board.mem[100 + nw - 1], w[nw - 1]);
    /* steps: each executed exactly once, whatever the channel did */
    uint32_t want = 0;
    for (uint32_t k = 1; k <= 40; k++) {
        assert_int_equal(loom_host_step(h, 0xE00, k, 0x10, 0, 1, &e), LOOM_OK);
        want += k;
    }
    assert_int_equal(loom_host_read(h, 0xE00, r, 1, &e), LOOM_OK);
    assert_int_equal(r[0], want);
    /* pipelined: up to 8 batches queued, each adding k and reading the sum
     * back; the sums must come back in order and each k counted once */
    for (uint32_t k = 1; k <= 300 + 8; k++) {
        if (k <= 300) pipe_add_read(h, k);
        if (k > 8) {
            uint32_t got;
            if (loom_host_pipe_words(h, &got, 1, &e) != LOOM_OK)
                fail_msg("pipe words %u: %s", k - 8, e.msg);
            want += k - 8;
            assert_int_equal(got, want);
        }
    }
    assert_int_equal(loom_host_pipe_pending(h), 0);
    assert_int_equal(board.steps, want);
    /* a wait that cannot succeed is a timeout that says so */
    board.mem[0x20] = 1;
    assert_int_equal(loom_host_wait(h, 0x20, 1, 0, 5, &e), LOOM_E_TIMEOUT);
    assert_non_null(strstr(e.msg, "never matched"));
    /* counters: the board saw our frames; with faults, some were rejected */
    link_counters bc;
    assert_int_equal(loom_host_counters(h, &bc, &e), LOOM_OK);
    assert_true(bc.frames_ok >= 50);
    link_counters hc = loom_host_stats(h);
    if (fault_pm) {
        assert_true(bc.crc_errors + bc.format_errors > 0);
        assert_true(hc.duplicates > 0); /* the host resent */
    } else {
        assert_int_equal(bc.crc_errors + bc.format_errors, 0);
        assert_int_equal(hc.duplicates, 0);
    }
    assert_int_equal(loom_host_reset(h, &e), LOOM_OK);
    assert_int_equal(loom_host_read(h, 100, r, 1, &e), LOOM_OK);
    assert_int_equal(r[0], 0);
    /* the board vanishes: the next call fails within its retry budget */
    board_stop();
    double t0 = ms_now();
    s = loom_host_read(h, 0, r, 1, &e);
    assert_true(s == LOOM_E_LINK || s == LOOM_E_TIMEOUT);
    assert_true(ms_now() - t0 < o.timeout_ms * (double)o.max_tries + 500);
    loom_host_close(h);
}

/* A host on the software board (started on a pty), 2 s timeout, 8 tries,
 * with five round-trip samples taken. */
static loom_host *host_sampled(void)
{
    char spec[128];
    board_start(0, 0, spec, sizeof spec);
    loom_host_opts o;
    loom_host_opts_default(&o);
    o.timeout_ms = 2000;
    o.max_tries = 8;
    loom_host *h = NULL;
    loom_err e;
    if (loom_host_open(spec, 3000000, &o, &h, &e))
        fail_msg("open: %s", e.msg);
    uint32_t r;
    for (int i = 0; i < 5; i++)
        assert_int_equal(loom_host_read(h, 0, &r, 1, &e), LOOM_OK);
    return h;
}

/* 300 pipelined batches (8 queued), each adding k to the board's counter
 * and reading the sum back; before(k) runs before batch k is queued.  The
 * sums must come back in order and each batch run once.  Returns the
 * resend timeouts waited out meanwhile. */
static unsigned pipe_300(loom_host *h, void (*before)(uint32_t k))
{
    loom_err e;
    uint32_t r, want = 0, n = 0;
    unsigned t0 = loom_host_timeouts(h);
    for (uint32_t k = 1; k <= 300 + 8; k++) {
        if (k <= 300) {
            if (before)
                before(k);
            pipe_add_read(h, k);
        }
        if (k > 8) {
            if (loom_host_pipe_words(h, &r, 1, &e) != LOOM_OK)
                fail_msg("pipe words %u: %s", k - 8, e.msg);
            want += k - 8;
            assert_int_equal(r, want);
            n++;
        }
    }
    assert_int_equal(n, 300);
    assert_int_equal(board.steps, want);
    return loom_host_timeouts(h) - t0;
}

/* Whole answers lost on the way (not even a damaged frame arrives): the
 * host sees the loss when a frame sent after it is answered and resends at
 * once.  Before, every one cost a resend timeout (20 ms at least), during
 * which the window stood still. */
static void test_host_lost_answers(void **st)
{
    (void)st;
    loom_host *h = host_sampled();
    atomic_store(&board.drop_every, 7);
    unsigned touts = pipe_300(h, NULL);
    atomic_store(&board.drop_every, 0);
    unsigned dropped = atomic_load(&board.dropped);
    assert_true(dropped >= 40);
    /* a timeout only when the lost answer was the last one in flight (the
     * replay itself, or the end of the stream) */
    if (4 * touts > dropped)
        fail_msg("%u answers lost, %u resend timeouts waited out", dropped, touts);
    board_stop();
    loom_host_close(h);
}

/* Every 20th batch from the 60th on arrives damaged, and its resend finds
 * the ones behind it given up (test_host_gap). */
static void damage_and_forget(uint32_t k)
{
    if (k > 40 && k % 20 == 0 && !atomic_load(&board.forget_held)) {
        atomic_store(&board.damage_next, 1);
        atomic_store(&board.forget_held, 1);
    }
}

/* Held requests given up: a request arrives damaged (NAK FRAME), the ones
 * behind it are held, and when its resend arrives the board has given them
 * up (the frames it read since the first held one passed half its receive
 * ring), so it answers the resend and then nothing.  The host resends the
 * next request as soon as its answer is an answer gap late (it was on the
 * board before the resend was answered), not after the resend timeout
 * (20 ms at least, the window standing still meanwhile). */
static void test_host_gap(void **st)
{
    (void)st;
    loom_host *h = host_sampled();
    unsigned touts = pipe_300(h, damage_and_forget);
    unsigned forgot = atomic_load(&board.forgot);
    print_message("held requests given up %u times, %u resend timeouts\n", forgot, touts);
    assert_true(forgot >= 8);
    /* without the answer gap each give-up costs a resend timeout; a few
     * are allowed on a loaded machine */
    if (4 * touts > forgot)
        fail_msg("held requests given up %u times, %u resend timeouts waited out", forgot, touts);
    board_stop();
    loom_host_close(h);
}

/* A slow board (a slow line, or a sanitized virtual board on a loaded
 * machine): the round trip of short frames is a few ms, a 248-byte frame
 * takes ten times as long.  The resend wait scales with the frame's bytes
 * at the measured time per byte, so on this clean line nothing is resent.
 * Before, the wait was the short frames' round trip (20 ms at least): every
 * long frame was resent before its answer could be back, the copies queued
 * behind it, and their answers (taken for signs of a lost frame) triggered
 * more copies -- interrupt.sh's image load through loom-san's vboard took
 * over a minute. */
static void test_host_slow_long_frames(void **st)
{
    (void)st;
    char spec[128];
    board_start(0, 0, spec, sizeof spec);
    board.byte_us = 120; /* 83 kbyte/s: a 256-byte frame 31 ms, a short one 3 ms */
    loom_host_opts o;
    loom_host_opts_default(&o);
    loom_host *h = NULL;
    loom_err e;
    if (loom_host_open(spec, 3000000, &o, &h, &e))
        fail_msg("open: %s", e.msg);
    uint32_t r, w[1200], back[1200];
    for (int i = 0; i < 8; i++) /* round-trip samples of short frames */
        assert_int_equal(loom_host_read(h, 0, &r, 1, &e), LOOM_OK);
    for (int i = 0; i < 1200; i++)
        w[i] = (uint32_t)i * 2246822519u;
    double t0 = ms_now();
    assert_int_equal(loom_host_write(h, 200, w, 1200, &e), LOOM_OK); /* 20 frames of 248 bytes */
    double dt = ms_now() - t0;
    assert_int_equal(loom_host_read(h, 200, back, 1200, &e), LOOM_OK);
    assert_memory_equal(back, w, sizeof w);
    link_counters hc = loom_host_stats(h);
    if (hc.duplicates > 1)
        fail_msg("%u frames resent on a clean, slow line (%u resend timeouts, write %.0f ms)",
                 hc.duplicates, loom_host_timeouts(h), dt);
    board_stop();
    loom_host_close(h);
}

/* The give-up rule (sw/link/retry.h) on a live board: a line so noisy that
 * only one request in 50 gets through still makes progress, and is never
 * given up (before: a cap of 16 x max_tries = 32 sends of one request
 * did); a board that answers every frame with NAK FRAME and executes
 * nothing is given up after giveup_ms, with a message that says so. */
static void test_host_gives_up_on_progress_only(void **st)
{
    (void)st;
    char spec[128];
    board_start(0, 0, spec, sizeof spec);
    loom_host_opts o;
    loom_host_opts_default(&o);
    o.timeout_ms = 50;
    o.max_tries = 2;
    o.giveup_ms = 300;
    loom_host *h = NULL;
    loom_err e;
    if (loom_host_open(spec, 3000000, &o, &h, &e))
        fail_msg("open: %s", e.msg);
    uint32_t r;
    atomic_store(&board.nak_keep, 50);
    for (int i = 0; i < 20; i++)
        if (loom_host_read(h, 0, &r, 1, &e) != LOOM_OK || r != 0x4C4F4F4D)
            fail_msg("read %d through a line passing 1 request in 50: %s", i, e.msg);
    assert_true(loom_host_stats(h).duplicates >= 20 * 40);
    atomic_store(&board.nak_keep, 1000000000u); /* nothing gets through */
    double t0 = ms_now();
    assert_int_equal(loom_host_read(h, 0, &r, 1, &e), LOOM_E_LINK);
    double dt = ms_now() - t0;
    assert_true(dt >= 300 && dt < 5000);
    if (!strstr(e.msg, "although the board keeps sending") || !strstr(e.msg, "too noisy"))
        fail_msg("give-up message: %s", e.msg);
    board_stop();
    loom_host_close(h);
}

/* Selective repeat: the first of four pipelined requests is damaged on the
 * way.  A version-3 board holds the three behind it, and the host, told by
 * NAK FRAME which ones are held, resends the damaged one alone: 5 requests
 * on the wire for 4, no resend timeout.  A version-2 board (go-back-N, the
 * icestick's firmware) refuses the three with NAK SEQ and all four go
 * again. */
static unsigned repair_sends(int sr)
{
    char spec[128];
    board_start(0, 0, spec, sizeof spec);
    board.srv.sr = sr; /* before IDENTIFY: the board's protocol version */
    loom_host_opts o;
    loom_host_opts_default(&o);
    o.timeout_ms = 2000;
    loom_host *h = NULL;
    loom_err e;
    if (loom_host_open(spec, 3000000, &o, &h, &e))
        fail_msg("open: %s", e.msg);
    uint32_t r, want = 0;
    for (int i = 0; i < 3; i++)
        assert_int_equal(loom_host_read(h, 0, &r, 1, &e), LOOM_OK);
    unsigned t0 = loom_host_timeouts(h), in0 = atomic_load(&board.reqs_in);
    atomic_store(&board.damage_next, 1);
    for (uint32_t k = 1; k <= 4; k++)
        pipe_add_read(h, k);
    for (uint32_t k = 1; k <= 4; k++) {
        if (loom_host_pipe_words(h, &r, 1, &e) != LOOM_OK)
            fail_msg("pipe words %u: %s", k, e.msg);
        want += k;
        assert_int_equal(r, want);
    }
    assert_int_equal(board.steps, want); /* each ran once */
    unsigned sends = atomic_load(&board.reqs_in) - in0;
    assert_int_equal(loom_host_timeouts(h), t0);
    board_stop();
    loom_host_close(h);
    return sends;
}

static void test_host_selective_repeat(void **st)
{
    (void)st;
    unsigned sr = repair_sends(1), gbn = repair_sends(0);
    if (sr != 5)
        fail_msg("selective repeat: %u requests on the wire for 4 with one damaged, 5 expected", sr);
    if (gbn < 7)
        fail_msg("go-back-N: %u requests on the wire for 4 with one damaged, 8 expected", gbn);
}

static void test_host_pty(void **st) { (void)st; host_session(0, 0); }
static void test_host_tcp(void **st) { (void)st; host_session(1, 0); }
/* 0.5% of bytes dropped and 0.5% flipped, in each direction */
static void test_host_pty_faults(void **st) { (void)st; host_session(0, 5); }
static void test_host_tcp_faults(void **st) { (void)st; host_session(1, 5); }

static void test_host_no_board(void **st)
{
    (void)st;
    /* a pty with nobody serving it: open gives up after its tries */
    char slave[128];
    transport *m;
    loom_err e;
    assert_int_equal(transport_pty_create(&m, slave, sizeof slave, 0, &e), LOOM_OK);
    loom_host_opts o;
    loom_host_opts_default(&o);
    o.timeout_ms = 30;
    o.max_tries = 3;
    loom_host *h = NULL;
    double t0 = ms_now();
    assert_int_equal(loom_host_open(slave, 115200, &o, &h, &e), LOOM_E_TIMEOUT);
    assert_true(ms_now() - t0 < 1000);
    assert_null(h);
    assert_non_null(strstr(e.msg, "after 3 timeouts"));
    transport_close(m);
}

UNIT_MAIN(test_list_ports, test_open_errors, test_pty_pair, test_tcp_pair, test_host_pty,
          test_host_tcp, test_host_pty_faults, test_host_tcp_faults, test_host_no_board,
          test_host_lost_answers, test_host_gap, test_host_slow_long_frames,
          test_host_gives_up_on_progress_only, test_host_selective_repeat)
