/*
 * vboard.h -- the virtual board: rtl/loom_top.v (UART, link layer, command
 * unit and the array) under Verilator, its UART pins driven and watched bit
 * by bit, served to a host over any transport (a pseudo-terminal or a TCP
 * connection, see sw/link/transport.h).
 *
 * Models are built by sim/vboard.mk: one per board of compiler/board.c,
 * named after it ("icebreaker", ...: the board's loom_board_core with its
 * clock, UART rate and arch config), and generic ones ("c1", "c4":
 * rtl/loom_top.v at 12 MHz and 3 Mbaud).  The
 * virtual board runs the clock only while there is something to do (bytes
 * to shift in or out, the array busy, or the command unit possibly busy),
 * and otherwise sleeps in poll() on the transport.  Optional fault
 * injection corrupts or drops bytes in both directions.  Not thread-safe;
 * separate vboards are independent.
 */
#ifndef VBOARD_H
#define VBOARD_H

#include <signal.h>
#include <stdint.h>

#include "loom_status.h"
#include "transport.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vboard vboard;

typedef struct vboard_opts {
    const char *config;   /* model name: a board ("icebreaker", ...) or a
                             generic config ("c1", ...) [the first: the
                             default board] */
    double fault_rate;    /* fraction of bytes, each direction, that are
                             dropped (half) or get one bit flipped (half) [0] */
    uint64_t seed;        /* fault injection PRNG seed [1] */
    const char *fw_image; /* firmware boards: a RAM image ($readmemh hex, one
                             32-bit word per line, every word of the RAM) to
                             run instead of the built-in firmware, e.g. a
                             baked build's fw_baked.hex [NULL] */
    const char *flash_image; /* boards that boot from SPI flash (the
                             icebreaker): a flash image (DIR/flash.bin of
                             loom build) the flash model holds at
                             flash_offset; the board boots from it before
                             vboard_open returns.  NULL: an erased flash */
    uint32_t flash_offset;   /* [0x100000] */
    uint64_t boot_cycles_max; /* give up booting after this many cycles [2e8] */
    const char *model_lib;   /* a board model built at run time for a build
                             folder's own arch (sw/cli/vboard_dyn.c: a shared
                             object of sim/vboard_dyn.cpp), loaded instead of
                             a built-in config; config then only names it [NULL] */
    uint32_t model_clk_hz, model_cpb; /* its clock and clocks per UART bit */
} vboard_opts;

void vboard_opts_default(vboard_opts *o);

/* Vboard models built into this binary. */
unsigned vboard_config_count(void);
const char *vboard_config_name(unsigned i);

/* Opens a model and resets it.  LOOM_E_ARG (listing the known configs) for
 * an unknown name.  *out owned by the caller (vboard_close). */
loom_status vboard_open(const vboard_opts *o, vboard **out, loom_err *e);
void vboard_close(vboard *b);

/* Clock, baud and bits per second the model was built with. */
uint32_t vboard_clk_hz(const vboard *b);
uint32_t vboard_baud(const vboard *b);

/* Serves t until *stop becomes non-zero (LOOM_OK) or t fails: LOOM_E_LINK
 * when the peer went away (the model keeps its state: serve the next
 * connection with the same vboard). */
loom_status vboard_serve(vboard *b, transport *t, volatile sig_atomic_t *stop, loom_err *e);

/* Cycles the power-up boot took, and READ commands the flash served then
 * (2 for a valid image: check, replay; 1 for one the design refused; 0 with
 * no flash reader). */
uint64_t vboard_boot_cycles(const vboard *b, uint64_t *flash_reads);

/* Cycles simulated, bytes received and sent (after fault injection). */
uint64_t vboard_cycles(const vboard *b);
uint64_t vboard_bytes_in(const vboard *b);
uint64_t vboard_bytes_out(const vboard *b);
/* Request/answer exchanges so far (*n, the last one counted once answered)
 * and their summed length in cycles, each from the first bit of the request
 * into the model to the last bit of the answer out: the board's side of a
 * round trip, without the time the host takes between exchanges. */
uint64_t vboard_exchange_cycles(const vboard *b, uint64_t *n);

/* Firmware boards (rtl/loom_mcu.v): reads (write = 0) or writes the first n
 * words of the processor's RAM.  LOOM_E_ARG for another board or n larger
 * than the RAM.  A read of a board at rest after a model was loaded is a
 * baked image (boards/icestick/fw/crt0.S). */
loom_status vboard_ram(vboard *b, uint32_t *words, size_t n, int write, loom_err *e);

#ifdef __cplusplus
}
#endif

#endif
