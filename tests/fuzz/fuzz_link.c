/* fuzz_link.c -- libFuzzer harness: the link layer as a board sees it.  The
 * bytes are a wire stream: link_rx_feed de-stuffs and checks frames; every
 * valid frame goes through the board server (link_srv_handle: sequence
 * rule and response cache) and the BATCH executor (link_batch_exec) against
 * a 256-word memory; every dropped one gets link_srv_dropped.  Each
 * response is encoded again and fed to a host-side receiver, which must
 * find exactly that frame (abort otherwise), and IDENTIFY payloads go
 * through link_identify_parse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"

typedef struct mem {
    uint32_t w[256];
} mem;

static void mem_write(void *ctx, uint32_t addr, uint32_t data) { ((mem *)ctx)->w[addr & 255] = data; }
static uint32_t mem_read(void *ctx, uint32_t addr) { return ((mem *)ctx)->w[addr & 255]; }

typedef struct board {
    mem m;
    link_bus bus;
} board;

static void exec_fn(void *ctx, const link_frame *req, link_frame *resp)
{
    board *b = ctx;
    resp->seq = req->seq;
    if (req->cmd == LINK_CMD_BATCH) {
        link_batch_exec(req, &b->bus, 248, resp);
    } else {
        resp->cmd = LINK_NAK(LINK_NAK_CMD);
        resp->len = 0;
    }
}

static void echo_check(const link_frame *f)
{
    static uint8_t wire[LINK_MAX_WIRE];
    size_t n = link_frame_encode(f, wire);
    link_rx rx;
    link_rx_init(&rx);
    link_frame got;
    int g = 0;
    size_t used = 0;
    while (used < n && g == 0)
        used += link_rx_feed(&rx, wire + used, n - used, &got, &g);
    if (g != 1 || got.seq != f->seq || got.cmd != f->cmd || got.len != f->len ||
        memcmp(got.payload, f->payload, f->len))
        abort(); /* encode and receive disagree */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static board b;
    memset(&b, 0, sizeof b);
    b.bus = (link_bus){&b.m, mem_write, mem_read, NULL};
    static link_srv srv;
    link_srv_init(&srv, 0, 0);
    link_rx rx;
    link_rx_init(&rx);
    static link_frame f;
    size_t off = 0;
    while (off < size) {
        int got = 0;
        off += link_rx_feed(&rx, data + off, size - off, &f, &got);
        const link_frame *resp = NULL;
        if (got == 1) {
            link_identify id;
            loom_err e;
            (void)link_identify_parse(f.payload, f.len, &id, &e);
            resp = link_srv_handle(&srv, &f, exec_fn, &b);
        } else if (got < 0) {
            resp = link_srv_dropped(&srv);
        }
        for (; resp; resp = link_srv_more(&srv)) /* held requests that ran follow */
            echo_check(resp);
    }
    return 0;
}
