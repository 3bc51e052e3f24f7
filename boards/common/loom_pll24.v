// loom_pll24 -- 12 MHz in, 24 MHz out through an iCE40 SB_PLL40_CORE (the
// settings of `icepll -i 12 -o 24`: DIVR 0, DIVF 63, DIVQ 5, FILTER_RANGE
// 1), for the boards whose 12 MHz oscillator reaches the PLL through the
// fabric (hx8k-breakout, icestick).  The icebreaker's pin 35 is the PLL's
// own pad and uses SB_PLL40_PAD instead.
module loom_pll24 (
    input  wire clk12_i,
    output wire clk_o,     // 24 MHz, global buffer
    output wire lock_o
);
    SB_PLL40_CORE #(
        .FEEDBACK_PATH("SIMPLE"),
        .DIVR(4'b0000),
        .DIVF(7'b0111111),
        .DIVQ(3'b101),
        .FILTER_RANGE(3'b001)
    ) u_pll (
        .REFERENCECLK(clk12_i), .PLLOUTGLOBAL(clk_o), .LOCK(lock_o),
        .RESETB(1'b1), .BYPASS(1'b0));
endmodule
