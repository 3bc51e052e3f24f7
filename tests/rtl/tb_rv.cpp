// tb_rv.cpp -- runs firmware on rtl/loom_mcu.v (the loom_rv processor with
// its RAM, UART and I/O) under Verilator and prints what it sends on the
// UART, decoded bit by bit, to stdout.
//
//   tb_rv [--max-cycles N] [--until TEXT]
//
// The firmware image is the FW_FILE the model was built with.  Stops when
// TEXT (default "done\n") has been printed, or after N cycles (default
// 50,000,000: exit 1, "timeout" on stderr).  The cycle count goes to stderr.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <verilated.h>

#include "Vloom_mcu.h"

int main(int argc, char **argv)
{
    uint64_t max_cycles = 50000000;
    std::string until = "done\n";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--max-cycles") && i + 1 < argc)
            max_cycles = strtoull(argv[++i], nullptr, 0);
        else if (!strcmp(argv[i], "--until") && i + 1 < argc)
            until = std::string(argv[++i]) + "\n";
        else {
            fprintf(stderr, "usage: tb_rv [--max-cycles N] [--until TEXT]\n");
            return 2;
        }
    }
    VerilatedContext ctx;
    Vloom_mcu top(&ctx, "loom_mcu");
    const int cpb = CLKS_PER_BIT;
    top.lock_i = 1;
    top.rx_pin_i = 1;
    top.clk_i = 0;
    top.eval();
    std::string out;
    int state = -1, tick = 0, bit = 0, prev = 1;
    unsigned shift = 0;
    for (uint64_t c = 0; c < max_cycles; c++) {
        top.clk_i = 1;
        top.eval();
        top.clk_i = 0;
        top.eval();
        const int tx = top.tx_pin_o;
        if (state < 0) {
            if (prev && !tx) { // start bit: sample each bit in its middle
                state = 0;
                tick = cpb + cpb / 2;
                bit = 0;
                shift = 0;
            }
        } else if (--tick == 0) {
            if (bit < 8) {
                shift |= (unsigned)tx << bit;
                bit++;
                tick = cpb;
            } else {
                if (!tx) {
                    fprintf(stderr, "tb_rv: framing error at cycle %llu\n", (unsigned long long)c);
                    return 1;
                }
                out.push_back((char)shift);
                fputc((int)shift, stdout);
                state = -1;
                if (out.size() >= until.size() &&
                    out.compare(out.size() - until.size(), until.size(), until) == 0) {
                    fflush(stdout);
                    fprintf(stderr, "tb_rv: %llu cycles\n", (unsigned long long)c);
                    return 0;
                }
            }
        }
        prev = tx;
    }
    fflush(stdout);
    fprintf(stderr, "tb_rv: timeout after %llu cycles\n", (unsigned long long)max_cycles);
    return 1;
}
