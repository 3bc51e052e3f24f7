/*
 * board.h -- the iCE40 boards Loom builds bitstreams for: device, package,
 * clocks, UART, the arch config of the Loom array that fits the part, and
 * the device's resource totals (for utilisation reports).
 *
 * The table is constant data (compiler/board.c); the pins and the clock
 * set-up of each board live in boards/<name>/ (a .pcf and a board top
 * loom_board_<name>.v), which this table names.  docs/boards.md explains
 * every entry.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

#include "limg.h"
#include "loom_status.h"

typedef struct board_info {
    const char *name;        /* "icebreaker" */
    const char *device;      /* "iCE40UP5K" */
    const char *pnr_device;  /* nextpnr-ice40 device flag without dashes: "up5k" */
    const char *package;     /* nextpnr --package: "sg48" */
    const char *clock_src;   /* one line: where the clock comes from */
    double osc_mhz;          /* oscillator feeding the clock set-up, MHz */
    double clock_mhz;        /* array/link clock after the PLL or divider, MHz */
    uint32_t baud;           /* UART baud rate of the link, bits/s */
    uint32_t board_id;       /* BOARD_ID reported by IDENTIFY */
    uint32_t boot_bytes;     /* boot ROM size (bytes of link frames replayed
                                after configuration; 0 = no baked models) */
    limg_arch arch;          /* the array's arch config */
    uint32_t eq;             /* event FIFO depth per core (EQ parameter) */
    uint32_t single_port;    /* 1: ring and synapse memories single-ported
                                (loom_array SP=1), so UP5K SPRAM holds them */
    uint32_t max_payload;    /* link MAX_PAYLOAD, bytes */
    uint32_t fw_ram_bytes;   /* 0: the hardware array (boards/common/loom_board_core.v);
                                > 0: the array runs as firmware (boards/icestick/fw) on
                                the loom_rv processor of rtl/loom_mcu.v with this much
                                RAM, for parts too small for the array (docs/icestick.md) */
    /* device totals */
    uint32_t luts, brams, sprams, dsps;
    uint32_t flash_offset;   /* > 0: a baked model is an image in the board's SPI
                                flash at this byte address, after the bitstream,
                                read at power-up (boards/common/loom_flash_boot.v,
                                sw/fpga/build_flash.c); boot_bytes is then 0 */
    uint32_t flash_bytes;    /* size of that flash */
    const char *bake_limit;  /* NULL, or why a model that fits the array may
                                still not be baked (said with the refusal) */
} board_info;

/* A simulation config: the arch of one Verilator model of rtl/loom_array.v
 * (sim/sim.mk builds one per row; vsim_open(name) selects it). */
typedef struct arch_config {
    const char *name;        /* "c4" */
    limg_arch arch;
    uint32_t eq;             /* EQ */
    uint32_t single_port;    /* SP */
    uint32_t ring_banked;    /* RBANK: one ring RAM per ring word */
} arch_config;

/* Number of simulation configs; arch_config_at(i) for i < arch_config_count(). */
unsigned arch_config_count(void);
const arch_config *arch_config_at(unsigned i);

/* Number of boards in the table; board_at(i) for i < board_count(). */
unsigned board_count(void);
const board_info *board_at(unsigned i);

/* The default board (icebreaker). */
const board_info *board_default(void);

/* Looks a board up by name.  NULL for an unknown name, with a message in e
 * that lists the known boards (LOOM_E_ARG). */
const board_info *board_find(const char *name, loom_err *e);

/* UART clocks per bit: clock / baud rounded to nearest.  Units: cycles. */
uint32_t board_clks_per_bit(const board_info *b);

/* Capacity of the board's array: neuron slots (cores * neurons) and
 * synapse words (cores * syn_words). */
uint64_t board_neurons(const board_info *b);
uint64_t board_synapses(const board_info *b);

#endif
