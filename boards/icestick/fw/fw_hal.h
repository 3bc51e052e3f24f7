/*
 * fw_hal.h -- the four I/O accessors of the icestick SoC (32-bit words at
 * fixed addresses; lw/sw only):
 *
 *   0x10000 IO_RX     read: bit 8 = a received byte (bits 7:0), popped by
 *                     this read; bit 9 = the 512-byte hardware receive
 *                     ring overflowed since the last read (bytes lost)
 *   0x10004 IO_TX     write: bits 7:0 go out on the UART (the store stalls
 *                     until the transmitter takes the byte)
 *   0x10008 IO_CYCLES read: free-running clock-cycle counter (wraps)
 *   0x1000C IO_LEDS   write: bit 0 busy, bit 1 overrun
 *
 * On rv32 they are inline loads and stores.  The host-native build
 * (FW_NATIVE: the firmware's own sources linked into a test) calls
 * functions of that name which the test provides (byte queues on a
 * pseudo-terminal, fault injection, a cycle count).
 */
#ifndef FW_HAL_H
#define FW_HAL_H

#include <stdint.h>

#define FW_IO_RX 0x10000u
#define FW_IO_TX 0x10004u
#define FW_IO_CYCLES 0x10008u
#define FW_IO_LEDS 0x1000Cu
#define FW_RX_VALID 0x100u
#define FW_RX_LOST 0x200u

#ifdef FW_NATIVE
uint32_t fw_io_rx(void);
void fw_io_tx(uint32_t byte);
uint32_t fw_io_cycles(void);
void fw_io_leds(uint32_t bits);
#else
#define FW_IO(a) (*(volatile uint32_t *)(uintptr_t)(a))
static inline uint32_t fw_io_rx(void) { return FW_IO(FW_IO_RX); }
static inline void fw_io_tx(uint32_t byte) { FW_IO(FW_IO_TX) = byte; }
static inline uint32_t fw_io_cycles(void) { return FW_IO(FW_IO_CYCLES); }
static inline void fw_io_leds(uint32_t bits) { FW_IO(FW_IO_LEDS) = bits; }
#endif

#endif
