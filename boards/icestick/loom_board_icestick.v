// loom_board_icestick -- Lattice iCEstick (iCE40HX1K-TQ144).
//
//   12 MHz (pin 21) ─> SB_PLL40_CORE (DIVR 0, DIVF 63, DIVQ 5: 24 MHz) ─> clk
//   FT2232H channel B: RX pin 9, TX pin 8
//   LEDs: D5 green (95) heartbeat, D1 (99) link activity, D2 (98) overrun,
//   D3 (97) busy (a step runs or is pending), D4 (96) PLL lock
//
// The HX1K's 1,280 logic cells cannot hold the hardware array and link
// (about 5,600 cells at 32 neurons), so this board runs rtl/loom_mcu.v: a
// small RV32I processor whose firmware (boards/icestick/fw, FW_FILE) speaks
// the same link protocol and implements the same memory map and machine
// model.  docs/icestick.md has the numbers.
module loom_board_icestick #(
    parameter CLKS_PER_BIT = 8,
    parameter RAM_WORDS    = 1536,
    parameter FW_FILE      = ""
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
    wire clk, lock;
    loom_pll24 u_pll (.clk12_i(CLK), .clk_o(clk), .lock_o(lock));

    wire tx_pin, booting, busy, overrun, heartbeat, activity;
    assign TX = tx_pin;
    loom_mcu #(.CLKS_PER_BIT(CLKS_PER_BIT), .RAM_WORDS(RAM_WORDS), .FW_FILE(FW_FILE)) u_mcu (
        .clk_i(clk), .lock_i(lock), .rx_pin_i(RX), .tx_pin_o(tx_pin),
        .booting_o(booting), .busy_o(busy), .overrun_o(overrun),
        .heartbeat_o(heartbeat), .activity_o(activity));

    assign LED1 = activity;
    assign LED2 = overrun;
    assign LED3 = busy;
    assign LED4 = lock & ~booting;
    assign LED5 = heartbeat;
endmodule
