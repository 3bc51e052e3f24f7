// loom_board_hx8k_breakout -- Lattice iCE40-HX8K Breakout Board (CT256).
//
//   12 MHz (J3) ─> SB_PLL40_CORE (DIVR 0, DIVF 63, DIVQ 5: 24 MHz) ─> clk
//   FT2232H channel B: RX B10, TX B12
//   LEDs D2..D9 (B5 B4 A2 A1 C5 C4 B3 C3): heartbeat, link activity,
//   overrun, busy, booting, PLL lock, and the two UART lines
module loom_board_hx8k_breakout #(
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
        .heartbeat_o(heartbeat), .activity_o(activity));

    assign LED = {~tx_pin, ~rx_pin, lock, booting, busy, overrun, activity, heartbeat};
endmodule
