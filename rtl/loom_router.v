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
//   - the spike lists of the level being run: clear_i (the level's start)
//     rewinds one read pointer per core; while walk_i is high, every entry
//     a core has appended and the router not yet sent goes on the bus, the
//     cores taken round-robin, so a list may still be growing (the
//     sequencer walks during the update when the ring is dual-port).  The
//     slot s of core k becomes source id MAXIN + k*N + s with x = 1.  The
//     lists are synchronous RAMs: a read issued in one cycle is on the bus
//     the next, and is held there (no new read) until all cores accept it.
//     An entry is read only below the core's count, never where the core
//     writes.
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
    input  wire               clear_i,
    input  wire               walk_i,
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
    localparam KB = (K < 2) ? 1 : $clog2(K);

    reg [NB:0]   ptr_q [0:K-1];  // next entry to send of each core's list
    reg          rv_q;           // a list entry is on the bus
    reg [KB-1:0] rk_q;           // ... from this core
    reg [KB-1:0] last_q;         // core sent from last (round-robin)

    // cores with entries to send; the next one after last_q is chosen
    reg [K-1:0]  pend;
    reg          sel_v;
    reg [KB-1:0] sel;
    integer i;
    always @(*) begin
        for (i = 0; i < K; i = i + 1)
            pend[i] = walk_i & (ptr_q[i] < spk_count_i[i*(NB+1) +: (NB+1)]);
        sel_v = 1'b0;
        sel   = {KB{1'b0}};
        for (i = 0; i < K; i = i + 1)
            if (~sel_v & pend[i] & (i > {{(32-KB){1'b0}}, last_q})) begin
                sel_v = 1'b1;
                sel   = i[KB-1:0];
            end
        for (i = 0; i < K; i = i + 1)
            if (~sel_v & pend[i]) begin
                sel_v = 1'b1;
                sel   = i[KB-1:0];
            end
    end
    wire issue = sel_v & (~rv_q | all_ready_i);

    always @(posedge clk_i) begin
        if (rst_i) begin
            rv_q   <= 1'b0;
            last_q <= {KB{1'b0}};
            for (i = 0; i < K; i = i + 1)
                ptr_q[i] <= {(NB+1){1'b0}};
        end else begin
            if (clear_i) begin
                for (i = 0; i < K; i = i + 1)
                    ptr_q[i] <= {(NB+1){1'b0}};
            end else if (issue) begin
                ptr_q[sel] <= ptr_q[sel] + 1'b1;
            end
            if (issue) begin
                rv_q   <= 1'b1;
                rk_q   <= sel;
                last_q <= sel;
            end else if (all_ready_i) begin
                rv_q <= 1'b0;
            end
        end
    end

    genvar g;
    generate
        for (g = 0; g < K; g = g + 1) begin : g_re
            assign spk_re_o[g] = issue & (sel == g);
        end
    endgenerate
    assign spk_raddr_o = ptr_q[sel][NB-1:0];

    wire [NB-1:0] slot = spk_rdata_i[rk_q*NB +: NB];
    /* verilator lint_off WIDTH */
    wire [FB-1:0] spk_src = MAXIN + rk_q * N + slot;
    /* verilator lint_on WIDTH */

    assign in_ready_o = ~rv_q & ~(|pend) & all_ready_i;
    assign ev_valid_o = rv_q ? all_ready_i : (in_valid_i & all_ready_i);
    assign ev_src_o   = rv_q ? spk_src : in_src_i;
    assign ev_x_o     = rv_q ? 16'd1 : in_x_i;
    assign busy_o     = rv_q | (|pend);
endmodule
