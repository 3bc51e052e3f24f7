// tb_uart.cpp -- loom_uart_rx / loom_uart_tx under Verilator at the
// CLKS_PER_BIT the model was built with (4 = 3 Mbaud at 12 MHz).
//
// Receiver: 2,000 random bytes sent back to back by an ideal line driver,
// then by drivers whose bit period is off by +-1% and (CLKS_PER_BIT >= 8)
// +-2% (at 4 clocks per bit the sampling phase alone can be a quarter bit
// off), glitches
// shorter than half a bit on an idle line (must be ignored) and a byte with a
// broken stop bit (frame error, no byte).  Transmitter: 2,000 random bytes
// through the ready/valid handshake, decoded by an independent monitor,
// and back-to-back timing checked (10 bits per byte exactly).
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "Vloom_tb_uart.h"
#include "tb_common.h"
#include "verilated.h"

static Vloom_tb_uart *m;
static uint64_t cyc;

static void tick() {
    m->clk_i = 0;
    m->eval();
    m->clk_i = 1;
    m->eval();
    cyc++;
}

static uint32_t rng = 12345;
static uint8_t rnd8() {
    rng = rng * 1103515245u + 12345u;
    return (uint8_t)(rng >> 16);
}

// Sends n random bytes at bit period `period`; returns 1 if all arrived.
static void rx_run(int cpb, double period, int n, double gap) {
    UartDriver d(period);
    d.gap = gap;
    std::vector<uint8_t> sent, got;
    for (int i = 0; i < n; i++) sent.push_back(rnd8());
    d.push(sent);
    d.t0 = (double)cyc + 3.3; // arbitrary phase
    uint64_t limit = cyc + (uint64_t)((n + 2) * (10 + gap) * period) + 100;
    uint64_t ferr = 0;
    while (cyc < limit) {
        m->rx_i = d.level(cyc);
        tick();
        if (m->rx_valid_o) got.push_back(m->rx_data_o);
        if (m->rx_ferr_o) ferr++;
    }
    size_t first = 0;
    while (first < got.size() && first < sent.size() && got[first] == sent[first]) first++;
    TB_CHECK(got == sent, "cpb %d period %.3f: %zu of %zu bytes, first mismatch at byte %zu",
             cpb, period, got.size(), sent.size(), first);
    TB_CHECK(ferr == 0, "cpb %d period %.3f: %llu frame errors", cpb, period,
             (unsigned long long)ferr);
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    int cpb = argc > 1 ? std::atoi(argv[1]) : 4;
    m = new Vloom_tb_uart;
    m->rst_i = 1;
    m->rx_i = 1;
    m->tx_valid_i = 0;
    for (int i = 0; i < 5; i++) tick();
    m->rst_i = 0;
    tick();

    rx_run(cpb, cpb, 2000, 0);
    rx_run(cpb, cpb, 300, 1.5);
    for (double off : {-0.02, -0.01, 0.01, 0.02})
        if (cpb >= 8 || (off > -0.015 && off < 0.015)) rx_run(cpb, cpb * (1 + off), 500, 0);

    // glitches shorter than half a bit on an idle line are not start bits
    {
        int glitch = cpb / 2 - 1 > 0 ? cpb / 2 - 1 : 0;
        int got = 0;
        for (int k = 0; k < 20; k++) {
            m->rx_i = 1;
            for (int i = 0; i < 3 * cpb; i++) { tick(); got += m->rx_valid_o + m->rx_ferr_o; }
            m->rx_i = 0;
            for (int i = 0; i < glitch; i++) { tick(); got += m->rx_valid_o + m->rx_ferr_o; }
            m->rx_i = 1;
            for (int i = 0; i < 12 * cpb; i++) { tick(); got += m->rx_valid_o + m->rx_ferr_o; }
        }
        TB_CHECK(got == 0, "cpb %d: %d bytes from glitches of %d cycles", cpb, got, glitch);
    }
    // a byte whose stop bit is 0: a frame error and no byte; the next byte is fine
    {
        int valid = 0, ferr = 0;
        m->rx_i = 0; // start + 8 zero bits + zero stop bit, then idle
        for (int i = 0; i < 10 * cpb; i++) { tick(); valid += m->rx_valid_o; ferr += m->rx_ferr_o; }
        m->rx_i = 1;
        for (int i = 0; i < 3 * cpb; i++) { tick(); valid += m->rx_valid_o; ferr += m->rx_ferr_o; }
        TB_CHECK(valid == 0 && ferr == 1, "cpb %d: broken stop bit gave %d bytes %d errors", cpb,
                 valid, ferr);
        rx_run(cpb, cpb, 20, 0);
    }

    // transmitter: random bytes, random gaps in offering them
    {
        UartMonitor mon(cpb);
        std::vector<uint8_t> sent;
        for (int i = 0; i < 2000; i++) sent.push_back(rnd8());
        size_t k = 0;
        uint64_t first = 0, last = 0;
        while (k < sent.size()) {
            m->tx_valid_i = (k < 1000) ? 1 : (rnd8() & 1);
            m->tx_data_i = sent[k];
            int take = m->tx_valid_i && m->tx_ready_o;
            if (take && k == 0) first = cyc;
            if (take && k == 999) last = cyc;
            tick();
            mon.sample(m->tx_o);
            if (take) k++;
        }
        m->tx_valid_i = 0;
        for (int i = 0; i < 12 * cpb; i++) { tick(); mon.sample(m->tx_o); }
        TB_CHECK(mon.bytes == sent, "cpb %d: tx sent %zu bytes, monitor decoded %zu", cpb,
                 sent.size(), mon.bytes.size());
        TB_CHECK(mon.frame_errors == 0, "cpb %d: monitor saw frame errors", cpb);
        // back to back: 999 byte times of exactly 10 bits
        TB_CHECK(last - first == (uint64_t)999 * 10 * cpb, "cpb %d: 999 bytes took %llu cycles",
                 cpb, (unsigned long long)(last - first));
    }
    delete m;
    if (tb_failures) {
        std::printf("tb_uart cpb %d: %d failures\n", cpb, tb_failures);
        return 1;
    }
    std::printf("tb_uart cpb %d (%.0f baud at 12 MHz): ok\n", cpb, 12e6 / cpb);
    return 0;
}
