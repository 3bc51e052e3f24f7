// loom_board_icestick -- Lattice iCEstick (iCE40HX1K-TQ144).
//
//   12 MHz (pin 21) drives the array directly (no PLL: the small HX1K
//   configuration gains nothing from a faster clock that it could not meet)
//   FT2232H channel B: RX pin 9, TX pin 8
//   LEDs: D5 green (95) heartbeat, D1 (99) link activity, D2 (98) overrun,
//   D3 (97) busy (a step runs or is pending), D4 (96) booting
module loom_board_icestick #(
    parameter CLK_HZ       = 24000000,
    parameter CLKS_PER_BIT = 8,
    parameter BOARD_ID     = 1,
    parameter MAX_PAYLOAD  = 512,
    parameter BOOT_BYTES   = 2048,
    parameter BOOT_FILE    = "boot.hex",
    parameter W     = 8,
    parameter S     = 16,
    parameter A     = 24,
    parameter D     = 15,
    parameter K     = 1,
    parameter N     = 128,
    parameter SYN   = 1024,
    parameter P     = 16,
    parameter LMAX  = 64,
    parameter MAXIN = 64,
    parameter EQ    = 4
) (
    input  wire CLK,
    input  wire RX,
    output wire TX,
    output wire LED1,
    output wire LED2,
    output wire LED3,
    output wire LED4,
    output wire LED5
);
    wire clk = CLK;
    wire lock = 1'b1;
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
        .heartbeat_o(heartbeat), .activity_o(activity));

    assign LED1 = activity;
    assign LED2 = overrun;
    assign LED3 = busy;
    assign LED4 = booting;
    assign LED5 = heartbeat;
endmodule
