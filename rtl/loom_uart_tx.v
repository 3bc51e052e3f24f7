// loom_uart_tx -- 8N1 UART transmitter.
//
//   data_i/valid_i ─(ready_o)─> 10-bit shift register {stop, data, start}
//   ─> tx_o, one bit every CLKS_PER_BIT clocks, LSB first
//
// valid_i/ready_o is a ready/valid handshake: a byte is taken in a cycle
// where both are 1.  ready_o is 1 when idle and in the last cycle of a stop
// bit, so back-to-back bytes take exactly 10 bit times each.
module loom_uart_tx #(
    parameter CLKS_PER_BIT = 4
) (
    input  wire       clk_i,
    input  wire       rst_i,
    input  wire [7:0] data_i,
    input  wire       valid_i,
    output wire       ready_o,
    output wire       tx_o
);
    localparam CW = (CLKS_PER_BIT < 2) ? 1 : $clog2(CLKS_PER_BIT);
    localparam integer FULL_I = CLKS_PER_BIT - 1;
    localparam [CW-1:0] FULL = FULL_I[CW-1:0];

    reg [9:0]    shift_q, shift_d;   // bit 0 is on the line
    reg [3:0]    left_q, left_d;     // bits still to send, 0 = idle
    reg [CW-1:0] tick_q, tick_d;

    wire idle  = (left_q == 4'd0);
    wire last  = (left_q == 4'd1) & (tick_q == {CW{1'b0}});  // final cycle of the stop bit
    wire ready = idle | last;
    wire take  = ready & valid_i;

    always @(*) begin
        shift_d = shift_q;
        left_d  = left_q;
        tick_d  = tick_q;
        if (take) begin
            shift_d = {1'b1, data_i, 1'b0};
            left_d  = 4'd10;
            tick_d  = FULL;
        end else if (!idle) begin
            if (tick_q != 0) tick_d = tick_q - 1'b1;
            else begin
                shift_d = {1'b1, shift_q[9:1]};
                left_d  = left_q - 1'b1;
                tick_d  = FULL;
            end
        end
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            shift_q <= 10'h3FF;
            left_q  <= 4'd0;
            tick_q  <= {CW{1'b0}};
        end else begin
            shift_q <= shift_d;
            left_q  <= left_d;
            tick_q  <= tick_d;
        end
    end

    assign ready_o = ready;
    assign tx_o    = idle ? 1'b1 : shift_q[0];
endmodule
