// loom_board_misc -- what every board top needs around loom_top: a
// power-on reset held until the clock is stable, a heartbeat, and a link
// activity pulse stretched so the eye sees single bytes.
//
//   lock_i ─> POR counter ─> rst_o (synchronous, 2^POR_BITS cycles)
//   free counter ─> heartbeat_o (~1.4 Hz at 24 MHz with HB_BIT 23)
//   rx_i/tx_i low (start bits) ─> reload stretch counter ─> activity_o
module loom_board_misc #(
    parameter POR_BITS = 4,
    parameter HB_BIT   = 23,
    parameter ACT_BITS = 20
) (
    input  wire clk_i,
    input  wire lock_i,
    input  wire rx_i,
    input  wire tx_i,
    output wire rst_o,
    output wire heartbeat_o,
    output wire activity_o
);
    reg [POR_BITS:0] por_q = {(POR_BITS + 1){1'b0}};
    reg [HB_BIT:0]   hb_q  = {(HB_BIT + 1){1'b0}};
    reg [ACT_BITS:0] act_q = {(ACT_BITS + 1){1'b0}};
    reg [1:0]        rx_q  = 2'b11;
    reg              tx_q  = 1'b1;    // the TX pin's multiplexer stays out of act_q's path

    always @(posedge clk_i) begin
        if (!lock_i)
            por_q <= {(POR_BITS + 1){1'b0}};
        else if (!por_q[POR_BITS])
            por_q <= por_q + 1'b1;
        hb_q <= hb_q + 1'b1;
        rx_q <= {rx_q[0], rx_i};
        tx_q <= tx_i;
        if (!rx_q[1] || !tx_q)
            act_q <= {1'b1, {ACT_BITS{1'b0}}};
        else if (act_q != {(ACT_BITS + 1){1'b0}})
            act_q <= act_q - 1'b1;
    end
    assign rst_o       = ~por_q[POR_BITS];
    assign heartbeat_o = hb_q[HB_BIT];
    assign activity_o  = act_q[ACT_BITS];
endmodule
