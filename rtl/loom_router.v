// loom_router -- moves events to every core of the array.
//
// The array has one event bus that reaches all cores (a broadcast): an
// event is a global source id and a value x, and every core looks the
// source up in its own fan-out index, so any core reaches any core.  An
// event is put on the bus only in a cycle where every core's event FIFO
// has room (all_ready_i), so no core ever drops one.
//
// Two producers share the bus, never at the same time:
//   - the input port (in_*): the sequencer's input scan, passed through;
//   - the spike lists: after a level's update, drain_i starts a walk over
//     the cores' spike lists (core 0 first, each list in order); the slot s
//     of core k becomes source id MAXIN + k*N + s with x = 1.  The lists
//     are synchronous RAMs: a read issued in one cycle is on the bus the
//     next, and is held there (no new read) until all cores accept it.
module loom_router #(
    parameter K     = 1,    // cores
    parameter N     = 256,  // slots per core
    parameter MAXIN = 64,   // input channels (source ids below MAXIN)
    parameter FAN   = 320   // source ids in all (MAXIN + K*N)
) (
    input  wire               clk_i,
    input  wire               rst_i,
    input  wire               in_valid_i,
    input  wire [FB-1:0]      in_src_i,
    input  wire [15:0]        in_x_i,
    output wire               in_ready_o,
    input  wire               drain_i,
    output wire               busy_o,
    input  wire [K*(NB+1)-1:0] spk_count_i,
    output wire [K-1:0]       spk_re_o,
    output wire [NB-1:0]      spk_raddr_o,
    input  wire [K*NB-1:0]    spk_rdata_i,
    output wire               ev_valid_o,
    output wire [FB-1:0]      ev_src_o,
    output wire [15:0]        ev_x_o,
    input  wire               all_ready_i
);
    localparam NB = (N < 2) ? 1 : $clog2(N);
    localparam FB = (FAN < 2) ? 1 : $clog2(FAN);
    localparam KB = $clog2(K + 1);

    reg          run_q;    // walking the spike lists
    reg [KB-1:0] k_q;      // core being read
    reg [NB:0]   ptr_q;    // next entry of that core's list
    reg          rv_q;     // a list entry is on the bus
    reg [KB-1:0] rk_q;     // ... from this core

    wire [NB:0] cnt_k = spk_count_i[k_q*(NB+1) +: (NB+1)];
    wire more  = run_q & (k_q < K[KB-1:0]) & (ptr_q < cnt_k);
    wire issue = more & (~rv_q | all_ready_i);

    always @(posedge clk_i) begin
        if (rst_i) begin
            run_q <= 1'b0;
            k_q   <= {KB{1'b0}};
            ptr_q <= {(NB+1){1'b0}};
            rv_q  <= 1'b0;
        end else begin
            if (drain_i) begin
                run_q <= 1'b1;
                k_q   <= {KB{1'b0}};
                ptr_q <= {(NB+1){1'b0}};
            end else if (run_q) begin
                if (k_q == K[KB-1:0]) begin
                    if (~rv_q)
                        run_q <= 1'b0;
                end else if (ptr_q >= cnt_k) begin
                    k_q   <= k_q + 1'b1;
                    ptr_q <= {(NB+1){1'b0}};
                end else if (issue) begin
                    ptr_q <= ptr_q + 1'b1;
                end
            end
            if (issue) begin
                rv_q <= 1'b1;
                rk_q <= k_q;
            end else if (all_ready_i) begin
                rv_q <= 1'b0;
            end
        end
    end

    genvar g;
    generate
        for (g = 0; g < K; g = g + 1) begin : g_re
            assign spk_re_o[g] = issue & (k_q == g);
        end
    endgenerate
    assign spk_raddr_o = ptr_q[NB-1:0];

    wire [NB-1:0] slot = spk_rdata_i[rk_q*NB +: NB];
    /* verilator lint_off WIDTH */
    wire [FB-1:0] spk_src = MAXIN + rk_q * N + slot;
    /* verilator lint_on WIDTH */

    assign in_ready_o = ~run_q & all_ready_i;
    assign ev_valid_o = rv_q ? all_ready_i : (in_valid_i & all_ready_i);
    assign ev_src_o   = rv_q ? spk_src : in_src_i;
    assign ev_x_o     = rv_q ? 16'd1 : in_x_i;
    assign busy_o     = run_q | rv_q;
endmodule
