/*
 * board.c -- the board table of board.h.
 *
 * Arch configs are chosen to fit each part with the RTL as it is: on the
 * UP5K boards the array is built single-ported (SP=1: ring and synapse
 * pairs in the four SPRAMs, the profiles in block RAM words) with A = 16 so
 * that the ring fits one SPRAM.  docs/boards.md gives the arithmetic and
 * the measured utilisation behind each choice; `loom report` gives the
 * utilisation of a build.  The HX1K (icestick) cannot hold the array: its
 * board runs the same memory map and machine model as firmware on a small
 * RV32I processor (fw_ram_bytes > 0, docs/icestick.md); its arch config is
 * what that firmware implements.
 */
#include "board.h"

#include <stdio.h>
#include <string.h>

#define ARCH(k, n, syn, p, lv, in, acc, d) \
    { {8, 16, (acc), (d)}, (k), (n), (syn), (p), (lv), (in) }

static const board_info boards[] = {
    {"icebreaker", "iCE40UP5K", "up5k", "sg48",
     "12 MHz on pin 35 -> SB_PLL40_PAD -> 24 MHz", 12.0, 24.0, 3000000, 1, 1024,
     ARCH(1, 1024, 31744, 16, 224, 128, 16, 15), 4, 1, 512, 0, 5280, 30, 4, 8},
    {"upduino3", "iCE40UP5K", "up5k", "sg48",
     "SB_HFOSC 48 MHz / 2 -> 24 MHz", 48.0, 24.0, 3000000, 2, 1024,
     ARCH(1, 1024, 31744, 16, 224, 128, 16, 15), 4, 1, 512, 0, 5280, 30, 4, 8},
    {"icestick", "iCE40HX1K", "hx1k", "tq144",
     "12 MHz on pin 21 -> SB_PLL40_CORE -> 24 MHz", 12.0, 24.0, 3000000, 3, 0,
     ARCH(1, 32, 256, 8, 8, 8, 24, 7), 4, 1, 96, 7168, 1280, 16, 0, 0},
    {"hx8k-breakout", "iCE40HX8K", "hx8k", "ct256",
     "12 MHz on J3 -> SB_PLL40_CORE -> 24 MHz", 12.0, 24.0, 3000000, 4, 1024,
     ARCH(1, 64, 960, 16, 32, 32, 24, 15), 4, 1, 256, 0, 7680, 32, 0, 0},
};

#define N_BOARDS (sizeof boards / sizeof boards[0])

unsigned board_count(void)
{
    return (unsigned)N_BOARDS;
}

const board_info *board_at(unsigned i)
{
    return i < N_BOARDS ? &boards[i] : NULL;
}

const board_info *board_default(void)
{
    return &boards[0];
}

const board_info *board_find(const char *name, loom_err *e)
{
    char list[256] = "";
    size_t len = 0;
    for (unsigned i = 0; i < N_BOARDS; i++) {
        if (name && !strcmp(name, boards[i].name))
            return &boards[i];
        int w = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", boards[i].name);
        if (w > 0 && (size_t)w < sizeof list - len)
            len += (size_t)w;
    }
    loom_fail(e, LOOM_E_ARG, "unknown board '%s' (known: %s)", name ? name : "(none)", list);
    return NULL;
}

uint32_t board_clks_per_bit(const board_info *b)
{
    double c = b->clock_mhz * 1e6 / (double)b->baud;
    return (uint32_t)(c + 0.5);
}

uint64_t board_neurons(const board_info *b)
{
    return (uint64_t)b->arch.cores * b->arch.neurons;
}

uint64_t board_synapses(const board_info *b)
{
    return (uint64_t)b->arch.cores * b->arch.syn_words;
}
