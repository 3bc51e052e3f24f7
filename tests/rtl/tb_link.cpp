// tb_link.cpp -- loom_link (UART, link layer, command unit) under Verilator,
// driven bit by bit at 3 Mbaud (CLKS_PER_BIT = 4), against a bus memory
// model with random latency, cross-checked byte for byte with the C twin of
// the board (link_rx + link_srv + link_batch_exec from sw/link/link.c).
//
// Every byte stream the host side sends goes to both; every byte the RTL
// sends back must equal what link_frame_encode makes of the C board's
// response, and both bus memories must stay equal.  The streams are random
// and adversarial: valid batches (writes, reads, fixed-address ports, WAITs
// on the busy pin that succeed or time out, payloads full of bytes that need
// stuffing, up to the 248-byte maximum), duplicates (answered from the
// response cache), bit flips, truncations, garbage, out-of-order sequence
// numbers, malformed and oversized batches, unknown commands, COUNTERS,
// RESET, IDENTIFY, frames doubled back to back.  Absolute checks on top:
// the IDENTIFY fields, read-back of written words, no bus access for a
// duplicate, no bus write for any rejected frame.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "Vloom_link.h"
#include "tb_common.h"
#include "verilated.h"

extern "C" {
#include "link.h"
#include "loom_map.h"
}

static const int CPB = 4;
static const uint16_t MAXP = 248;

struct BusMem {
    uint32_t mem[4096];
    uint32_t busy = 0, steps = 0;
    uint64_t accesses = 0, writes = 0;
    BusMem() { std::memset(mem, 0, sizeof mem); }
    void write(uint32_t a, uint32_t d) {
        accesses++;
        writes++;
        if (a == 0xF00) busy = d;
        else if (a == 0xF01) steps += d;
        else mem[a & 0xFFF] = d;
    }
    uint32_t read(uint32_t a) {
        accesses++;
        if (a == 0xF00) return busy != 0;
        if (a == 0xF01) return steps;
        return mem[a & 0xFFF];
    }
    bool same(const BusMem &o) const {
        return !std::memcmp(mem, o.mem, sizeof mem) && busy == o.busy && steps == o.steps;
    }
};

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint32_t rnd() {
    rs ^= rs >> 12; rs ^= rs << 25; rs ^= rs >> 27;
    return (uint32_t)((rs * 0x2545F4914F6CDD1Dull) >> 32);
}

// ---- the C board ---------------------------------------------------------------
static BusMem cmem;
static link_rx crx;
static link_srv csrv;
static uint32_t tot_crc, tot_fmt;   // C twin rejects before the last RESET

static void cb_write(void *, uint32_t a, uint32_t d) { cmem.write(a, d); }
static uint32_t cb_read(void *, uint32_t a) { return cmem.read(a); }
// the busy pin: a flag set by writing 1..3 to 0xF00, cleared by writing 0
static int cb_busy(void *) { return cmem.busy != 0; }

static void c_exec(void *, const link_frame *req, link_frame *resp) {
    resp->len = 0;
    switch (req->cmd) {
    case LINK_CMD_IDENTIFY: {
        link_identify id = {LINK_PROTO_VERSION, LOOM_MAP_RTL_VERSION, 7, MAXP, 12000000, CPB, 512, 512, 4};
        link_identify_format(&id, resp->payload);
        resp->len = LINK_IDENTIFY_LEN;
        resp->cmd = LINK_ACK(req->cmd);
        break;
    }
    case LINK_CMD_COUNTERS: {
        uint32_t c[3] = {crx.cnt.frames_ok, crx.cnt.crc_errors, crx.cnt.format_errors};
        for (int i = 0; i < 3; i++) link_put_le(resp->payload + 2 * i, c[i] & 0xFFFF, 2);
        resp->len = LINK_COUNTERS_LEN;
        resp->cmd = LINK_ACK(req->cmd);
        break;
    }
    case LINK_CMD_RESET:
        tot_crc += crx.cnt.crc_errors;
        tot_fmt += crx.cnt.format_errors;
        std::memset(&crx.cnt, 0, sizeof crx.cnt);
        resp->cmd = LINK_ACK(req->cmd);
        break;
    case LINK_CMD_BATCH: {
        link_bus bus = {nullptr, cb_write, cb_read, cb_busy};
        link_batch_exec(req, &bus, MAXP, resp);
        break;
    }
    default:
        resp->cmd = LINK_NAK(LINK_NAK_CMD);
    }
}

static std::vector<uint8_t> c_board(const std::vector<uint8_t> &in) {
    static link_frame req;
    static uint8_t w[LINK_MAX_WIRE];
    std::vector<uint8_t> out;
    size_t off = 0;
    while (off < in.size()) {
        int got;
        off += link_rx_feed(&crx, in.data() + off, in.size() - off, &req, &got);
        if (got) {
            const link_frame *r = got > 0 ? link_srv_handle(&csrv, &req, c_exec, nullptr)
                                          : link_srv_dropped(&csrv);
            for (; r; r = link_srv_more(&csrv)) { // held requests that ran follow
                size_t m = link_frame_encode(r, w);
                out.insert(out.end(), w, w + m);
            }
        }
    }
    return out;
}

// ---- the RTL board ---------------------------------------------------------------
static Vloom_link *m;
static uint64_t cyc;
static BusMem rmem;
static UartDriver drv(CPB);
static UartMonitor mon(CPB);
static int bus_pending = 0, bus_wait = 0, bus_we = 0;
static uint32_t bus_addr = 0, bus_wdata = 0;
static uint64_t array_resets = 0;
static int prev_rst = 0;

static void tick() {
    // bus model: answer after a random latency, ready for one cycle
    m->bus_ready_i = 0;
    if (bus_pending && bus_wait == 0) {
        m->bus_ready_i = 1;
        if (bus_we) rmem.write(bus_addr, bus_wdata);
        else m->bus_rdata_i = rmem.read(bus_addr);
    }
    m->uart_rx_i = drv.level(cyc);
    m->busy_i = rmem.busy != 0;
    m->clk_i = 0;
    m->eval();
    m->clk_i = 1;
    m->eval();
    cyc++;
    mon.sample(m->uart_tx_o);
    if (m->bus_ready_i) bus_pending = 0;
    else if (bus_pending) bus_wait--;
    else if (m->bus_valid_o) {
        bus_pending = 1;
        bus_wait = rnd() % 4;
        bus_we = m->bus_we_o;
        bus_addr = m->bus_addr_o;
        bus_wdata = m->bus_wdata_o;
    }
    if (m->array_rst_o && !prev_rst) array_resets++;
    prev_rst = m->array_rst_o;
}

// Sends bytes to the RTL and collects what it answers until the line has
// been quiet for a while.
static std::vector<uint8_t> rtl_board(const std::vector<uint8_t> &in) {
    mon.bytes.clear();
    drv.push(in);
    while (!drv.idle()) tick();
    size_t seen = 0;
    uint64_t quiet = 0;
    while (quiet < 8000) {
        tick();
        if (mon.bytes.size() != seen || mon.state >= 0) {
            seen = mon.bytes.size();
            quiet = 0;
        } else
            quiet++;
    }
    return mon.bytes;
}

static int exchanges = 0, responses = 0;
static std::vector<uint8_t> last_rtl;

// Both boards get the same stream; they must answer the same bytes.
static void both(const std::vector<uint8_t> &in, const char *what) {
    std::vector<uint8_t> want = c_board(in);
    uint64_t before_w = rmem.writes;
    std::vector<uint8_t> got = rtl_board(in);
    exchanges++;
    if (!want.empty()) responses++;
    if (got != want) {
        TB_CHECK(got == want, "%s (exchange %d): RTL sent %zu bytes, C board %zu", what, exchanges,
                 got.size(), want.size());
        for (size_t i = 0; i < got.size() || i < want.size(); i++)
            if (i >= got.size() || i >= want.size() || got[i] != want[i]) {
                std::fprintf(stderr, "  first difference at byte %zu: rtl %02X c %02X\n", i,
                             i < got.size() ? got[i] : 0, i < want.size() ? want[i] : 0);
                break;
            }
    }
    TB_CHECK(rmem.same(cmem), "%s (exchange %d): bus memories differ", what, exchanges);
    if (want.empty()) TB_CHECK(rmem.writes == before_w, "%s: rejected frame wrote the bus", what);
    last_rtl = got;
}

static std::vector<uint8_t> frame(uint8_t seq, uint8_t cmd, const uint8_t *p, size_t n) {
    static link_frame f;
    static uint8_t w[LINK_MAX_WIRE];
    f.seq = seq;
    f.cmd = cmd;
    f.len = (uint16_t)n;
    if (n) std::memcpy(f.payload, p, n);
    size_t k = link_frame_encode(&f, w);
    return std::vector<uint8_t>(w, w + k);
}

// Decodes the RTL's answer: its last valid frame (a stream that follows a
// truncated one is answered NAK FRAME for the fragment first).
static bool parse_one(const std::vector<uint8_t> &b, link_frame *f) {
    static link_rx rx;
    static link_frame g;
    link_rx_init(&rx);
    size_t off = 0;
    bool any = false;
    while (off < b.size()) {
        int got;
        off += link_rx_feed(&rx, b.data() + off, b.size() - off, &g, &got);
        if (got > 0) {
            *f = g;
            any = true;
        }
    }
    return any;
}

static uint32_t rand_word() {
    switch (rnd() % 4) {
    case 0: return 0;
    case 1: return (rnd() % 2) ? 0x7E7D7E7Du : 0x01010101u * (1 + rnd() % 255);  // stuffing
    default: return rnd();
    }
}

// A random batch; kind 0 valid, 1 malformed, 2 oversized reads.
static std::vector<uint8_t> rand_batch(int kind) {
    static uint8_t b[LINK_MAX_PAYLOAD];
    size_t len = 0, reads = 0;
    int nops = 1 + rnd() % 6;
    for (int k = 0; k < nops; k++) {
        int t = rnd() % 10;
        uint32_t addr = (rnd() % 8 == 0) ? 0xF00 + rnd() % 2 : rnd() % 4096;
        if (t < 4) {
            uint32_t w[64];
            size_t n = 1 + rnd() % (rnd() % 4 == 0 ? 60 : 8);
            if (len + 6 + 4 * n > 200) continue;
            for (size_t i = 0; i < n; i++) w[i] = rand_word();
            if (addr == 0xF00) w[0] %= 4;
            link_batch_write(b, sizeof b, &len, addr, w, n, rnd() % 5 == 0, nullptr);
        } else if (t < 8) {
            size_t n = 1 + rnd() % 30;
            if (len + 6 > 230 || reads + n > 62) continue;
            reads += n;
            link_batch_read(b, sizeof b, &len, addr, n, rnd() % 5 == 0, nullptr);
        } else {
            if (len + 16 > 230) continue;
            link_batch_wait(b, sizeof b, &len, rnd() % 50, nullptr);
        }
    }
    if (kind == 1) {
        static const uint8_t bad[][6] = {{0x07, 0, 0, 0, 1, 0}, {0x01, 0x30, 0, 0, 0, 0},
                                         {0x13, 1, 2, 3, 1, 0}, {0x02, 1, 2, 3, 1, 0}};
        int which = rnd() % 5;
        if (which < 3) {
            std::memcpy(b + len, bad[which], 6);
            len += 6;
        } else if (which == 3) {
            std::memcpy(b + len, bad[3], 5); /* READ header cut short */
            len += 5;
        } else {
            uint32_t w = 5;
            link_batch_write(b, sizeof b, &len, 0x40, &w, 1, 0, nullptr);
            len -= 2; /* WRITE data cut short */
        }
    } else if (kind == 2) {
        link_batch_read(b, sizeof b, &len, 0, 63, 0, nullptr);
    }
    return std::vector<uint8_t>(b, b + len);
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    if (argc > 2) // a seed for the random traffic (default: the fixed one)
        rs += std::strtoull(argv[2], nullptr, 0) * 0xD1B54A32D192ED03ull;
    m = new Vloom_link;
    link_rx_init(&crx);
    crx.max_payload = MAXP;
    link_srv_init(&csrv, 4, 512);
    m->rst_i = 1;
    m->uart_rx_i = 1;
    for (int i = 0; i < 5; i++) tick();
    m->rst_i = 0;

    uint8_t seq = 200;
    link_frame f;

    // IDENTIFY: fields as built (BOARD_ID 7, 248-byte payloads, 3 Mbaud at 12 MHz,
    // 512-byte rings, window 4)
    both(frame(seq, LINK_CMD_IDENTIFY, nullptr, 0), "identify");
    TB_CHECK(parse_one(last_rtl, &f), "no IDENTIFY response");
    link_identify id;
    TB_CHECK(link_identify_parse(f.payload, f.len, &id, nullptr) == LOOM_OK, "identify parse");
    TB_CHECK(f.seq == seq && f.cmd == 0x81, "identify header %u %02X", f.seq, f.cmd);
    TB_CHECK(id.proto == 3 && id.rtl_version == LOOM_MAP_RTL_VERSION && id.board_id == 7 && id.max_payload == 248 &&
                 id.clk_hz == 12000000 && id.clks_per_bit == 4 && id.rx_bytes == 512 &&
                 id.tx_bytes == 512 && id.window == 4,
             "identify fields %u %u %u %u %u %u %u %u %u", id.proto, id.rtl_version, id.board_id,
             id.max_payload, id.clk_hz, id.clks_per_bit, id.rx_bytes, id.tx_bytes, id.window);
    seq++;

    // write then read back, absolute values
    {
        uint8_t b[64];
        size_t len = 0;
        uint32_t w[3] = {0xDEADBEEF, 0, 0x00FF00FF};
        link_batch_write(b, sizeof b, &len, 0x123, w, 3, 0, nullptr);
        link_batch_read(b, sizeof b, &len, 0x122, 5, 0, nullptr);
        both(frame(seq, LINK_CMD_BATCH, b, len), "write+read");
        TB_CHECK(parse_one(last_rtl, &f) && f.cmd == 0x82 && f.len == 20, "batch response");
        TB_CHECK(link_get_le(f.payload + 4, 4) == 0xDEADBEEF &&
                     link_get_le(f.payload + 8, 4) == 0 &&
                     link_get_le(f.payload + 12, 4) == 0x00FF00FF,
                 "read-back");
        // the same frame again: answered from the cache, no bus access
        uint64_t acc = rmem.accesses;
        std::vector<uint8_t> first = last_rtl;
        both(frame(seq, LINK_CMD_BATCH, b, len), "duplicate");
        TB_CHECK(rmem.accesses == acc, "duplicate touched the bus");
        TB_CHECK(last_rtl == first, "duplicate answered differently");
        seq++;
    }

    // the maximum: a 248-byte payload write and a 248-byte read response
    // (0x7E / 0x7D words: every byte stuffed)
    {
        static uint8_t b[LINK_MAX_PAYLOAD];
        uint32_t w[59];
        for (int i = 0; i < 59; i++) w[i] = (i % 3) ? 0x01010101u * (1 + i) : (i % 2 ? 0x7E7D7E7Du : 0);
        size_t len = 0;
        link_batch_write(b, sizeof b, &len, 0x200, w, 59, 0, nullptr);
        link_batch_read(b, sizeof b, &len, 0x1C0, 1, 0, nullptr);
        TB_CHECK(len == 248, "max batch is %zu bytes", len);
        both(frame(seq++, LINK_CMD_BATCH, b, len), "max write");
        len = 0;
        link_batch_read(b, sizeof b, &len, 0x200, 62, 0, nullptr);
        both(frame(seq++, LINK_CMD_BATCH, b, len), "max read");
        TB_CHECK(parse_one(last_rtl, &f) && f.len == 248, "max read response");
        // one byte over the board's maximum: a format error, answered NAK FRAME
        static uint8_t big[520];
        std::memset(big, 0x11, sizeof big);
        both(frame(seq, LINK_CMD_BATCH, big, 249), "oversized frame");
        TB_CHECK(parse_one(last_rtl, &f) && f.cmd == 0xC6 && f.len == 1 && f.payload[0] == seq,
                 "oversized frame: NAK FRAME expected");
    }

    // selective repeat: seq + 1 .. seq + 3 arrive behind a damaged seq and
    // are held (no answer, no bus access); the resend of seq runs all four
    {
        std::vector<uint8_t> s;
        std::vector<uint8_t> reqs[4];
        for (int k = 0; k < 4; k++) {
            uint8_t b[16];
            size_t len = 0;
            uint32_t w = 0x100 + k;
            link_batch_write(b, sizeof b, &len, 0x300 + k, &w, 1, 0, nullptr);
            reqs[k] = frame((uint8_t)(seq + k), LINK_CMD_BATCH, b, len);
        }
        std::vector<uint8_t> bad = reqs[0];
        bad[3] ^= 0x10;
        s = bad;
        for (int k = 1; k < 4; k++) s.insert(s.end(), reqs[k].begin(), reqs[k].end());
        uint64_t w0 = rmem.writes;
        both(s, "damaged then held");
        TB_CHECK(rmem.writes == w0, "held frames wrote the bus");
        TB_CHECK(parse_one(last_rtl, &f) && f.cmd == 0xC6 && last_rtl.size() < 16,
                 "damaged then held: one NAK FRAME and nothing else");
        both(reqs[0], "the one resend");
        TB_CHECK(rmem.writes == w0 + 4 && rmem.mem[0x303] == 0x103, "resend: %llu writes",
                 (unsigned long long)(rmem.writes - w0));
        TB_CHECK(parse_one(last_rtl, &f) && f.seq == (uint8_t)(seq + 3) && f.cmd == 0x82,
                 "the last answer is seq + 3's");
        seq = (uint8_t)(seq + 4);
        // held frames are given up when the processed region reaches half
        // the ring: a 206-byte held frame and 9 markers (260 bytes)
        static uint8_t b[LINK_MAX_PAYLOAD];
        size_t len = 0;
        uint32_t w[50];
        for (int i = 0; i < 50; i++) w[i] = i;
        link_batch_write(b, sizeof b, &len, 0x400, w, 50, 0, nullptr);
        std::vector<uint8_t> big = frame((uint8_t)(seq + 1), LINK_CMD_BATCH, b, len);
        s = big;
        for (int i = 0; i < 9; i++) {
            static const uint8_t junk[] = {0x7E, 0x11, 0x22, 0x33, 0x7E};
            s.insert(s.end(), junk, junk + sizeof junk);
        }
        w0 = rmem.writes;
        both(s, "held, then given up");
        uint8_t one[16];
        size_t l1 = 0;
        uint32_t x = 9;
        link_batch_write(one, sizeof one, &l1, 0x500, &x, 1, 0, nullptr);
        both(frame(seq, LINK_CMD_BATCH, one, l1), "after a give-up");
        TB_CHECK(rmem.writes == w0 + 1, "a given-up frame ran (%llu writes)",
                 (unsigned long long)(rmem.writes - w0));
        both(big, "the given-up frame resent");
        TB_CHECK(rmem.writes == w0 + 51, "the given-up frame's resend did not run");
        seq = (uint8_t)(seq + 2);
    }

    // random adversarial traffic
    int n_iter = argc > 1 ? std::atoi(argv[1]) : 300;
    std::vector<uint8_t> prev = frame(seq - 1, LINK_CMD_BATCH, nullptr, 0);
    for (int it = 0; it < n_iter; it++) {
        int t = rnd() % 100;
        std::vector<uint8_t> s;
        const char *what;
        uint8_t cur = seq;
        if (t < 45) {
            std::vector<uint8_t> p = rand_batch(0);
            s = frame(cur, LINK_CMD_BATCH, p.data(), p.size());
            what = "batch";
        } else if (t < 52) {
            s = prev;
            what = "duplicate";
        } else if (t < 62) {
            std::vector<uint8_t> p = rand_batch(0);
            s = frame(cur, LINK_CMD_BATCH, p.data(), p.size());
            s[1 + rnd() % (s.size() - 2)] ^= (uint8_t)(1u << (rnd() % 8));
            what = "bit flip";
        } else if (t < 68) {
            std::vector<uint8_t> p = rand_batch(0);
            s = frame(cur, LINK_CMD_BATCH, p.data(), p.size());
            // cut at least the flag and one body byte; the fragment ends at
            // the next stream's leading flag (a damaged frame: NAK FRAME)
            s.resize(1 + rnd() % (s.size() - 2));
            what = "truncated";
        } else if (t < 72) {
            for (int i = 0, n = 1 + rnd() % 40; i < n; i++) s.push_back((uint8_t)rnd());
            what = "garbage";
        } else if (t < 74) {
            std::vector<uint8_t> p = rand_batch(0);
            s = frame((uint8_t)(cur + 1 + rnd() % 250), LINK_CMD_BATCH, p.data(), p.size());
            what = "out of order";
        } else if (t < 77) {
            // selective repeat: up to 3 requests ahead of cur in any order,
            // some damaged or doubled, then (mostly) cur: the held ones run
            // after it, in seq order
            int k = 1 + rnd() % 3;
            uint8_t order[3] = {1, 2, 3};
            for (int i = k - 1; i > 0; i--) std::swap(order[i], order[rnd() % (i + 1)]);
            for (int i = 0; i < k; i++) {
                std::vector<uint8_t> p = rand_batch(0);
                std::vector<uint8_t> g = frame((uint8_t)(cur + order[i]), LINK_CMD_BATCH, p.data(), p.size());
                int how = rnd() % 6;
                if (how == 0) g[1 + rnd() % (g.size() - 2)] ^= (uint8_t)(1u << (rnd() % 8));
                s.insert(s.end(), g.begin(), g.end());
                if (how == 1) s.insert(s.end(), g.begin(), g.end());
            }
            if (rnd() % 5) {
                std::vector<uint8_t> p = rand_batch(0);
                std::vector<uint8_t> g = frame(cur, LINK_CMD_BATCH, p.data(), p.size());
                s.insert(s.end(), g.begin(), g.end());
            }
            what = "held window";
        } else if (t < 83) {
            std::vector<uint8_t> p = rand_batch(1 + rnd() % 2);
            s = frame(cur, LINK_CMD_BATCH, p.data(), p.size());
            what = "malformed/oversized batch";
        } else if (t < 88) {
            s = frame(cur, LINK_CMD_COUNTERS, nullptr, 0);
            what = "counters";
        } else if (t < 91) {
            s = frame(cur, (uint8_t)(0x05 + rnd() % 0x3A), nullptr, 0);
            what = "unknown command";
        } else if (t < 93) {
            s = frame(cur, LINK_CMD_RESET, nullptr, 0);
            what = "reset";
        } else if (t < 96) {
            cur = (uint8_t)rnd();
            s = frame(cur, LINK_CMD_IDENTIFY, nullptr, 0);
            what = "identify";
        } else {
            std::vector<uint8_t> p = rand_batch(0);
            s = frame(cur, LINK_CMD_BATCH, p.data(), p.size());
            // the same frame twice in one stream, 80 empty frames apart:
            // the copy is answered from the cache
            std::vector<uint8_t> g = s;
            s.insert(s.end(), 80, (uint8_t)LINK_FLAG);
            s.insert(s.end(), g.begin(), g.end());
            what = "doubled";
        }
        uint8_t old_exp = csrv.expected;
        both(s, what);
        if (csrv.expected != old_exp || t >= 93) {
            seq = csrv.expected;
            prev = s;
        }
        if (getenv("TB_DEBUG")) {
            int before = tb_failures;
            both(frame(seq, LINK_CMD_COUNTERS, nullptr, 0), "debug counters");
            if (tb_failures != before) {
                std::fprintf(stderr, "after %s: stream of %zu bytes:", what, s.size());
                for (uint8_t b : s) std::fprintf(stderr, " %02X", b);
                std::fprintf(stderr, "\n");
                return 1;
            }
            seq++;
        }
    }
    // final counters agree as well (the C board's are the reference)
    both(frame(seq, LINK_CMD_COUNTERS, nullptr, 0), "final counters");
    if (getenv("TB_FINAL")) { parse_one(last_rtl, &f); std::fprintf(stderr, "final: seq %u expected %u resp seq %u cmd %02X len %u\n", seq, csrv.expected, f.seq, f.cmd, f.len); }
    TB_CHECK(parse_one(last_rtl, &f) && f.len == LINK_COUNTERS_LEN, "counters response");
    std::printf("tb_link: %d exchanges, %d answered, %llu cycles, board counters ok %u crc %u "
                "format %u; C twin: NAK SEQ %u, replays %u; array resets %llu\n",
                exchanges, responses, (unsigned long long)cyc, link_get_le(f.payload, 2),
                link_get_le(f.payload + 2, 2), link_get_le(f.payload + 4, 2),
                csrv.cnt.seq_errors, csrv.cnt.duplicates,
                (unsigned long long)array_resets);
    TB_CHECK(tot_crc + crx.cnt.crc_errors > 0 && tot_fmt + crx.cnt.format_errors > 0 &&
                 csrv.cnt.seq_errors > 0 && csrv.cnt.duplicates > 0,
             "every reject path was exercised");
    delete m;
    if (tb_failures) {
        std::printf("tb_link: %d failures\n", tb_failures);
        return 1;
    }
    std::printf("tb_link: ok\n");
    return 0;
}
