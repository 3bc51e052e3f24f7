// tb_common.h -- shared pieces of the link testbenches: a serial line
// driver that turns bytes into 8N1 levels at any (fractional) bit period,
// and a monitor that decodes a UART output line, both cycle-based.
#ifndef TB_COMMON_H
#define TB_COMMON_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <vector>

static int tb_failures = 0;
#define TB_CHECK(cond, ...)                                                  \
    do {                                                                     \
        if (!(cond)) {                                                       \
            tb_failures++;                                                   \
            std::fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            std::fprintf(stderr, __VA_ARGS__);                               \
            std::fprintf(stderr, "\n");                                      \
            if (tb_failures > 20) std::exit(1);                              \
        }                                                                    \
    } while (0)

// Drives a serial line: bytes are queued and sent back to back (plus an
// optional idle gap), each bit lasting `period` clock cycles (fractional
// periods model a host whose baud rate is off).
struct UartDriver {
    double period;
    double gap = 0;            // idle bits between bytes
    std::deque<uint8_t> q;
    bool active = false;
    double t0 = 0;             // start of the current byte, in cycles
    uint8_t cur = 0;
    uint64_t sent = 0;
    explicit UartDriver(double p) : period(p) {}
    void push(const uint8_t *p, size_t n) { q.insert(q.end(), p, p + n); }
    void push(const std::vector<uint8_t> &v) { push(v.data(), v.size()); }
    bool idle() const { return !active && q.empty(); }
    // line level at cycle c (call once per cycle, increasing c)
    int level(uint64_t c) {
        if (!active) {
            if (q.empty()) return 1;
            cur = q.front();
            q.pop_front();
            active = true;
            if (t0 < (double)c) t0 = (double)c;
        }
        double bit = ((double)c - t0) / period;
        if (bit < 0) return 1;
        int b = (int)bit;
        if (bit >= 10 + gap) {   // done with this byte (stop bit + gap)
            sent++;
            t0 += (10 + gap) * period;
            if (q.empty()) {
                active = false;
                return 1;
            }
            cur = q.front();     // back to back: no rounding of t0
            q.pop_front();
            return level(c);
        }
        if (b == 0) return 0;
        if (b <= 8) return (cur >> (b - 1)) & 1;
        return 1;
    }
};

// Decodes a UART line sampled once per cycle at nominal `period` cycles per
// bit (an integer: the RTL's CLKS_PER_BIT).
struct UartMonitor {
    int period;
    int state = -1;            // -1 idle, else cycles since the start edge
    uint8_t shift = 0;
    int prev = 1;
    uint64_t frame_errors = 0;
    std::vector<uint8_t> bytes;
    explicit UartMonitor(int p) : period(p) {}
    void sample(int line) {
        if (state < 0) {
            if (prev == 1 && line == 0) state = 0;
        } else {
            state++;
            // sample bit i (0 = start) at the middle of its time
            if ((state - period / 2) % period == 0 && state >= period / 2) {
                int i = (state - period / 2) / period;
                if (i >= 1 && i <= 8) shift = (uint8_t)((shift >> 1) | (line ? 0x80 : 0));
                if (i == 9) {
                    if (line) bytes.push_back(shift); else frame_errors++;
                    state = -1;
                }
            }
        }
        prev = line;
    }
};

#endif
