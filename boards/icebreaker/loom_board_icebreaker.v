// loom_board_icebreaker -- 1BitSquared iCEBreaker (iCE40UP5K-SG48).
//
//   12 MHz (pin 35) ─> SB_PLL40_PAD (DIVR 0, DIVF 79, DIVQ 5: 30 MHz) ─> clk
//   FT2232H channel B: RX pin 6 (host -> FPGA), TX pin 9
//   LEDR_N (pin 11): on while the overrun flag is set or while booting
//   LEDG_N (pin 37): heartbeat, flickering with link activity
//   SPI flash (16 MB, configuration + baked image at FLASH_OFFSET):
//   FLASH_SSB pin 16, FLASH_SCK 15, FLASH_IO0 14 (FPGA out), FLASH_IO1 17 (in)
// The PLL settings come from `icepll -i 12 -o 30` (VCO 960 MHz); CLK_HZ must
// match them (compiler/board.c: 30 MHz, 10 clocks per bit at 3 Mbaud).
`include "loom_arch.vh"

module loom_board_icebreaker #(
    parameter CLK_HZ       = `LOOM_ARCH_ICEBREAKER_CLK_HZ,
    parameter CLKS_PER_BIT = `LOOM_ARCH_ICEBREAKER_CLKS_PER_BIT,
    parameter BOARD_ID     = `LOOM_ARCH_ICEBREAKER_BOARD_ID,
    parameter MAX_PAYLOAD  = `LOOM_ARCH_ICEBREAKER_MAX_PAYLOAD,
    parameter BOOT_BYTES   = `LOOM_ARCH_ICEBREAKER_BOOT_BYTES,
    parameter BOOT_FILE    = "boot.hex",
    parameter FLASH_OFFSET = `LOOM_ARCH_ICEBREAKER_FLASH_OFFSET,
    parameter W     = `LOOM_ARCH_ICEBREAKER_W,
    parameter S     = `LOOM_ARCH_ICEBREAKER_S,
    parameter A     = `LOOM_ARCH_ICEBREAKER_A,
    parameter D     = `LOOM_ARCH_ICEBREAKER_D,
    parameter K     = `LOOM_ARCH_ICEBREAKER_K,
    parameter N     = `LOOM_ARCH_ICEBREAKER_N,
    parameter SYN   = `LOOM_ARCH_ICEBREAKER_SYN,
    parameter P     = `LOOM_ARCH_ICEBREAKER_P,
    parameter LMAX  = `LOOM_ARCH_ICEBREAKER_LMAX,
    parameter MAXIN = `LOOM_ARCH_ICEBREAKER_MAXIN,
    parameter EQ    = `LOOM_ARCH_ICEBREAKER_EQ
) (
    input  wire CLK,
    input  wire RX,
    output wire TX,
    output wire LEDR_N,
    output wire LEDG_N,
    output wire FLASH_SSB,
    output wire FLASH_SCK,
    output wire FLASH_IO0,
    input  wire FLASH_IO1
);
    wire clk, lock;
    SB_PLL40_PAD #(
        .FEEDBACK_PATH("SIMPLE"),
        .DIVR(4'b0000),
        .DIVF(7'b1001111),
        .DIVQ(3'b101),
        .FILTER_RANGE(3'b001)
    ) u_pll (
        .PACKAGEPIN(CLK), .PLLOUTGLOBAL(clk), .LOCK(lock),
        .RESETB(1'b1), .BYPASS(1'b0));

    wire rx_pin = RX;
    wire tx_pin;
    assign TX = tx_pin;

    wire booting, busy, overrun, heartbeat, activity;
    loom_board_core #(.CLK_HZ(CLK_HZ), .CLKS_PER_BIT(CLKS_PER_BIT), .BOARD_ID(BOARD_ID),
                      .MAX_PAYLOAD(MAX_PAYLOAD), .BOOT_BYTES(BOOT_BYTES), .BOOT_FILE(BOOT_FILE),
                      .FLASH_OFFSET(FLASH_OFFSET),
                      .W(W), .S(S), .A(A), .D(D), .K(K), .N(N), .SYN(SYN), .P(P),
                      .LMAX(LMAX), .MAXIN(MAXIN), .EQ(EQ)) u_core (
        .clk_i(clk), .lock_i(lock), .rx_pin_i(rx_pin), .tx_pin_o(tx_pin),
        .booting_o(booting), .busy_o(busy), .overrun_o(overrun),
        .heartbeat_o(heartbeat), .activity_o(activity),
        .spi_cs_o(FLASH_SSB), .spi_sck_o(FLASH_SCK), .spi_mosi_o(FLASH_IO0), .spi_miso_i(FLASH_IO1));

    assign LEDR_N = ~(overrun | booting);
    assign LEDG_N = ~(heartbeat ^ activity);
endmodule
