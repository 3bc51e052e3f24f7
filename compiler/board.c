/*
 * board.c -- the board table of board.h.
 *
 * Arch configs are chosen to fit each part with the RTL as it is: on the
 * UP5K boards the array is built single-ported (SP=1: ring and synapse
 * words in the four SPRAMs, two each, the profiles in block RAM words) at
 * W=12 S=20 A=20, chosen for trained networks (their quantised agreement
 * reaches 0.99 there, not at the earlier 8/16/16), with 15,360 synapses
 * (one 26-bit synapse word per SPRAM word) instead of 31,744.  docs/boards.md gives the arithmetic and
 * the measured utilisation behind each choice; `loom report` gives the
 * utilisation of a build.  The HX1K (icestick) cannot hold the array: its
 * board runs the same memory map and machine model as firmware on a small
 * RV32I processor (fw_ram_bytes > 0, docs/icestick.md); its arch config is
 * what that firmware implements.
 */
#include "board.h"

#include <stdio.h>
#include <string.h>

/* One row per board and one per simulation config, side by side: adding
 * either is one row here.  sim/vboard_params prints every consumer's form of
 * this table (Verilator -G flags, firmware -D flags, Make lists); loom build
 * writes the yosys chparam list from it. */
#define ARCH(w_, s_, a_, d_, k_, n_, syn_, p_, lv_, in_)                                      \
    {.arch = {.w = (w_), .s = (s_), .a = (a_), .d = (d_)}, .cores = (k_), .neurons = (n_),     \
     .syn_words = (syn_), .profiles = (p_), .levels = (lv_), .max_inputs = (in_)}

static const board_info boards[] = {
    {.name = "icebreaker", .device = "iCE40UP5K", .pnr_device = "up5k", .package = "sg48",
     .clock_src = "12 MHz on pin 35 -> SB_PLL40_PAD -> 30 MHz", .osc_mhz = 12.0, .clock_mhz = 30.0,
     .baud = 3000000, .board_id = 1, .boot_bytes = 0,
     .arch = ARCH(12, 20, 20, 15, 1, 1024, 15360, 16, 224, 128), .eq = 4, .single_port = 1,
     .max_payload = 512, .fw_ram_bytes = 0, .luts = 5280, .brams = 30, .sprams = 4, .dsps = 8,
     .flash_offset = 0x100000, .flash_bytes = 16u << 20},
    {.name = "upduino3", .device = "iCE40UP5K", .pnr_device = "up5k", .package = "sg48",
     .clock_src = "SB_HFOSC 48 MHz / 2 -> 24 MHz", .osc_mhz = 48.0, .clock_mhz = 24.0,
     .baud = 3000000, .board_id = 2, .boot_bytes = 1024,
     .arch = ARCH(12, 20, 20, 15, 1, 1024, 15360, 16, 224, 128), .eq = 4, .single_port = 1,
     .max_payload = 512, .fw_ram_bytes = 0, .luts = 5280, .brams = 30, .sprams = 4, .dsps = 8,
     .bake_limit = "the UPduino 3's SPI flash cannot hold a baked model: its FT232H UART lines are "
                   "the flash's SCK and SDO pins (15, 14), so a design reading the flash would drive "
                   "against the USB chip; the boot ROM in block RAM is what is left"},
    {.name = "icestick", .device = "iCE40HX1K", .pnr_device = "hx1k", .package = "tq144",
     .clock_src = "12 MHz on pin 21 -> SB_PLL40_CORE -> 24 MHz", .osc_mhz = 12.0, .clock_mhz = 24.0,
     .baud = 3000000, .board_id = 3, .boot_bytes = 0,
     .arch = ARCH(8, 16, 24, 7, 1, 32, 256, 8, 8, 8), .eq = 4, .single_port = 1,
     .max_payload = 96, .fw_ram_bytes = 7168, .luts = 1280, .brams = 16, .sprams = 0, .dsps = 0},
    {.name = "hx8k-breakout", .device = "iCE40HX8K", .pnr_device = "hx8k", .package = "ct256",
     .clock_src = "12 MHz on J3 -> SB_PLL40_CORE -> 24 MHz", .osc_mhz = 12.0, .clock_mhz = 24.0,
     .baud = 3000000, .board_id = 4, .boot_bytes = 1024,
     .arch = ARCH(8, 16, 24, 15, 1, 64, 960, 16, 32, 32), .eq = 4, .single_port = 1,
     .max_payload = 256, .fw_ram_bytes = 0, .luts = 7680, .brams = 32, .sprams = 0, .dsps = 0},
};

/* The Verilator models of rtl/loom_array.v linked into loom (sim/sim.mk,
 * vsim_open(name)).  ARCH(W, S, A, D, cores, neurons, syn_words, profiles,
 * levels, max_inputs). */
static const arch_config configs[] = {
    {.name = "c1", .arch = ARCH(8, 16, 24, 15, 1, 256, 8192, 16, 256, 64), .eq = 4, .ring_banked = 1},
    {.name = "c4", .arch = ARCH(8, 16, 24, 15, 4, 64, 2048, 16, 64, 64), .eq = 4, .ring_banked = 1},
    {.name = "d0", .arch = ARCH(8, 16, 24, 0, 2, 128, 4096, 16, 128, 64),
     .eq = 4, .ring_banked = 1},
    {.name = "wide", .arch = ARCH(12, 24, 32, 7, 2, 128, 4096, 16, 128, 64),
     .eq = 4},
    {.name = "sp", .arch = ARCH(8, 16, 24, 15, 2, 128, 4096, 16, 128, 64), .eq = 4, .single_port = 1},
    {.name = "bk", .arch = ARCH(8, 16, 24, 9, 2, 128, 4096, 16, 128, 64),
     .eq = 4, .ring_banked = 1},
    {.name = "b2", .arch = ARCH(8, 16, 24, 15, 2, 512, 65536, 4, 16, 1024), .eq = 4, .ring_banked = 1},
    {.name = "b4", .arch = ARCH(8, 16, 24, 15, 4, 256, 32768, 4, 16, 1024), .eq = 4, .ring_banked = 1},
    /* the icebreaker / upduino3 arch: W=12 S=20 A=20 (i and v in 16 + 4-bit
     * RAMs, profile words in 16-bit halves, one synapse per SPRAM word);
     * SP=1, so the profiles are in block RAM */
    {.name = "up5k", .arch = ARCH(12, 20, 20, 15, 1, 1024, 15360, 16, 224, 128), .eq = 4, .single_port = 1},
};

#define N_CONFIGS (sizeof configs / sizeof configs[0])

unsigned arch_config_count(void)
{
    return (unsigned)N_CONFIGS;
}

const arch_config *arch_config_at(unsigned i)
{
    return i < N_CONFIGS ? &configs[i] : NULL;
}

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
