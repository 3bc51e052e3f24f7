// loom_uart_rx -- 8N1 UART receiver.
//
//   rx_i ─> 2-FF synchroniser ─> start-bit detector ─> bit timer ─> shift
//   register ─> data_o / valid_o (one cycle per byte)
//
// A falling edge on the synchronised line starts a byte; the start bit is
// checked again half a bit later (a glitch shorter than that is ignored),
// then each data bit and the stop bit are sampled in the middle of their
// bit time, CLKS_PER_BIT clocks apart.  A byte whose stop bit is 0 is
// dropped and frame_err_o pulses instead (the link layer's CRC would catch
// it anyway; the pulse is for counters and tests).  CLKS_PER_BIT >= 4 works:
// 12 MHz / 4 = 3 Mbaud.
module loom_uart_rx #(
    parameter CLKS_PER_BIT = 4
) (
    input  wire       clk_i,
    input  wire       rst_i,
    input  wire       rx_i,
    output wire [7:0] data_o,
    output wire       valid_o,
    output wire       frame_err_o
);
    localparam CW = (CLKS_PER_BIT < 2) ? 1 : $clog2(CLKS_PER_BIT);
    localparam integer HALF_I = CLKS_PER_BIT / 2 - 1;
    localparam integer FULL_I = CLKS_PER_BIT - 1;
    localparam [CW-1:0] HALF = HALF_I[CW-1:0];
    localparam [CW-1:0] FULL = FULL_I[CW-1:0];

    localparam [1:0] S_IDLE = 2'd0, S_START = 2'd1, S_DATA = 2'd2, S_STOP = 2'd3;

    reg [1:0]    sync_q;
    reg [1:0]    state_q, state_d;
    reg [CW-1:0] tick_q, tick_d;
    reg [2:0]    bit_q, bit_d;
    reg [7:0]    shift_q, shift_d;
    reg          valid_q, valid_d;
    reg          ferr_q, ferr_d;

    wire rx_s = sync_q[1];

    always @(*) begin
        state_d = state_q;
        tick_d  = tick_q;
        bit_d   = bit_q;
        shift_d = shift_q;
        valid_d = 1'b0;
        ferr_d  = 1'b0;
        case (state_q)
            S_IDLE: if (!rx_s) begin
                state_d = S_START;
                tick_d  = HALF;
            end
            S_START: if (tick_q != 0) tick_d = tick_q - 1'b1;
                else if (rx_s) state_d = S_IDLE;          // glitch, not a start bit
                else begin
                    state_d = S_DATA;
                    tick_d  = FULL;
                    bit_d   = 3'd0;
                end
            S_DATA: if (tick_q != 0) tick_d = tick_q - 1'b1;
                else begin
                    shift_d = {rx_s, shift_q[7:1]};        // LSB first
                    tick_d  = FULL;
                    bit_d   = bit_q + 1'b1;
                    if (bit_q == 3'd7) state_d = S_STOP;
                end
            default: if (tick_q != 0) tick_d = tick_q - 1'b1;   // S_STOP
                else begin
                    state_d = S_IDLE;
                    valid_d = rx_s;
                    ferr_d  = !rx_s;
                end
        endcase
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            sync_q  <= 2'b11;
            state_q <= S_IDLE;
            tick_q  <= {CW{1'b0}};
            bit_q   <= 3'd0;
            shift_q <= 8'd0;
            valid_q <= 1'b0;
            ferr_q  <= 1'b0;
        end else begin
            sync_q  <= {sync_q[0], rx_i};
            state_q <= state_d;
            tick_q  <= tick_d;
            bit_q   <= bit_d;
            shift_q <= shift_d;
            valid_q <= valid_d;
            ferr_q  <= ferr_d;
        end
    end

    assign data_o      = shift_q;
    assign valid_o     = valid_q;
    assign frame_err_o = ferr_q;
endmodule
