// loom_board_upduino3 -- tinyVision UPduino v3.x (iCE40UP5K-SG48).
//
//   SB_HFOSC 48 MHz, CLKHF_DIV 0b01 ─> 24 MHz clk (no crystal is routed;
//   with the 12 MHz jumper fitted, pin 35 could drive a PLL instead)
//   FT232H UART: TX pin 14, RX pin 15 -- shared with the configuration
//   flash's SPI, so the flash chip select (pin 16) is held high (deselected)
//   RGB LED through SB_RGBA_DRV (pins 39 green, 40 blue, 41 red):
//   green heartbeat, blue link activity, red overrun or booting
`include "loom_arch.vh"

module loom_board_upduino3 #(
    parameter CLK_HZ       = `LOOM_ARCH_UPDUINO3_CLK_HZ,
    parameter CLKS_PER_BIT = `LOOM_ARCH_UPDUINO3_CLKS_PER_BIT,
    parameter BOARD_ID     = `LOOM_ARCH_UPDUINO3_BOARD_ID,
    parameter MAX_PAYLOAD  = `LOOM_ARCH_UPDUINO3_MAX_PAYLOAD,
    parameter BOOT_BYTES   = `LOOM_ARCH_UPDUINO3_BOOT_BYTES,
    parameter BOOT_FILE    = "boot.hex",
    parameter W     = `LOOM_ARCH_UPDUINO3_W,
    parameter S     = `LOOM_ARCH_UPDUINO3_S,
    parameter A     = `LOOM_ARCH_UPDUINO3_A,
    parameter D     = `LOOM_ARCH_UPDUINO3_D,
    parameter K     = `LOOM_ARCH_UPDUINO3_K,
    parameter N     = `LOOM_ARCH_UPDUINO3_N,
    parameter SYN   = `LOOM_ARCH_UPDUINO3_SYN,
    parameter P     = `LOOM_ARCH_UPDUINO3_P,
    parameter LMAX  = `LOOM_ARCH_UPDUINO3_LMAX,
    parameter MAXIN = `LOOM_ARCH_UPDUINO3_MAXIN,
    parameter EQ    = `LOOM_ARCH_UPDUINO3_EQ
) (
    input  wire uart_rx,
    output wire uart_tx,
    output wire spi_cs,
    output wire led_green,
    output wire led_blue,
    output wire led_red
);
    wire clk;
    wire lock = 1'b1;
    SB_HFOSC #(.CLKHF_DIV("0b01")) u_osc (.CLKHFEN(1'b1), .CLKHFPU(1'b1), .CLKHF(clk));

    wire rx_pin = uart_rx;
    wire tx_pin;
    assign uart_tx = tx_pin;
    assign spi_cs  = 1'b1;

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

    SB_RGBA_DRV #(
        .CURRENT_MODE("0b1"),
        .RGB0_CURRENT("0b000001"),
        .RGB1_CURRENT("0b000001"),
        .RGB2_CURRENT("0b000001")
    ) u_rgb (
        .CURREN(1'b1), .RGBLEDEN(1'b1),
        .RGB0PWM(heartbeat), .RGB1PWM(activity), .RGB2PWM(overrun | booting),
        .RGB0(led_green), .RGB1(led_blue), .RGB2(led_red));
endmodule
