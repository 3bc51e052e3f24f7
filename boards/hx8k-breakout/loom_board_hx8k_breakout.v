// loom_board_hx8k_breakout -- Lattice iCE40-HX8K Breakout Board (CT256).
//
//   12 MHz (J3) ─> SB_PLL40_CORE (DIVR 0, DIVF 63, DIVQ 5: 24 MHz) ─> clk
//   FT2232H channel B: RX B10, TX B12
//   LEDs D2..D9 (B5 B4 A2 A1 C5 C4 B3 C3): heartbeat, link activity,
//   overrun, busy, booting, PLL lock, and the two UART lines
`include "loom_arch.vh"

module loom_board_hx8k_breakout #(
    parameter CLK_HZ       = `LOOM_ARCH_HX8K_BREAKOUT_CLK_HZ,
    parameter CLKS_PER_BIT = `LOOM_ARCH_HX8K_BREAKOUT_CLKS_PER_BIT,
    parameter BOARD_ID     = `LOOM_ARCH_HX8K_BREAKOUT_BOARD_ID,
    parameter MAX_PAYLOAD  = `LOOM_ARCH_HX8K_BREAKOUT_MAX_PAYLOAD,
    parameter BOOT_BYTES   = `LOOM_ARCH_HX8K_BREAKOUT_BOOT_BYTES,
    parameter BOOT_FILE    = "boot.hex",
    parameter W     = `LOOM_ARCH_HX8K_BREAKOUT_W,
    parameter S     = `LOOM_ARCH_HX8K_BREAKOUT_S,
    parameter A     = `LOOM_ARCH_HX8K_BREAKOUT_A,
    parameter D     = `LOOM_ARCH_HX8K_BREAKOUT_D,
    parameter K     = `LOOM_ARCH_HX8K_BREAKOUT_K,
    parameter N     = `LOOM_ARCH_HX8K_BREAKOUT_N,
    parameter SYN   = `LOOM_ARCH_HX8K_BREAKOUT_SYN,
    parameter P     = `LOOM_ARCH_HX8K_BREAKOUT_P,
    parameter LMAX  = `LOOM_ARCH_HX8K_BREAKOUT_LMAX,
    parameter MAXIN = `LOOM_ARCH_HX8K_BREAKOUT_MAXIN,
    parameter EQ    = `LOOM_ARCH_HX8K_BREAKOUT_EQ
) (
    input  wire CLK,
    input  wire RX,
    output wire TX,
    output wire [7:0] LED
);
    wire clk, lock;
    loom_pll24 u_pll (.clk12_i(CLK), .clk_o(clk), .lock_o(lock));

    wire rx_pin = RX;
    wire tx_pin;
    assign TX = tx_pin;

    wire booting, busy, overrun, heartbeat, activity;
    loom_board_core #(.CLK_HZ(CLK_HZ), .CLKS_PER_BIT(CLKS_PER_BIT), .BOARD_ID(BOARD_ID),
                      .MAX_PAYLOAD(MAX_PAYLOAD), .BOOT_BYTES(BOOT_BYTES), .BOOT_FILE(BOOT_FILE),
                      .W(W), .S(S), .A(A), .D(D), .K(K), .N(N), .SYN(SYN), .P(P),
                      .LMAX(LMAX), .MAXIN(MAXIN), .EQ(EQ)) u_core (
        .clk_i(clk), .lock_i(lock), .rx_pin_i(rx_pin), .tx_pin_o(tx_pin),
        .booting_o(booting), .busy_o(busy), .overrun_o(overrun),
        .heartbeat_o(heartbeat), .activity_o(activity),
        .spi_cs_o(flash_cs_unused), .spi_sck_o(flash_sck_unused), .spi_mosi_o(flash_mosi_unused),
        .spi_miso_i(1'b1));   // no flash reader on this board (FLASH_OFFSET 0)
    /* verilator lint_off UNUSED */
    wire flash_cs_unused, flash_sck_unused, flash_mosi_unused;
    /* verilator lint_on UNUSED */

    assign LED = {~tx_pin, ~rx_pin, lock, booting, busy, overrun, activity, heartbeat};
endmodule
