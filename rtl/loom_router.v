// loom_router -- moves events to the cores of the array.
//
// Every core has its own event port (ev_*[k], taken when ev_ready_i[k]),
// so events to different cores move in the same cycle.  Two kinds of
// traffic:
//
//   - spike events, a broadcast: an event is a global source id and a
//     value x, and every core looks the source up in its own fan-out
//     index, so any core reaches any core.  A spike goes to all cores in
//     a cycle where every core's event FIFO has room, so no core ever
//     drops one.  clear_i (the level's start) rewinds one read pointer per
//     core list; while walk_i is high, every entry a core has appended and
//     the router not yet sent goes out, the cores taken round-robin, so a
//     list may still be growing (the sequencer walks during the update
//     when the ring is dual-port).  The slot s of core k becomes source id
//     MAXIN + k*N + s with x = 1.  The lists are synchronous RAMs: a read
//     issued in one cycle is on the bus the next, and is held there (no
//     new read) until all cores accept it.  An entry is read only below
//     the core's count, never where the core writes.
//
//   - input events.  With K = 1, the sequencer's input scan (in_*) passes
//     through to the core.  With K > 1 each core has an input list of its
//     own (two banks, like the array's), filled when the host pushes an
//     INPUT: a push (channel c, x != 0) is appended to the list of every
//     core whose fan-out index gives c a run of synapses, so at the step
//     each core scans only its own events, all cores at once, straight
//     into its event FIFO (one per cycle per core).  Whether core k has a
//     run for c is known without reading its fan-out RAMs: the router
//     keeps, per core, a copy of the index's input entries as the host
//     writes them (lo[c] = E[c], hi[c] = E[c+1]; the core's own test, run
//     = [E[c] - 1, E[c+1] - 1) non-empty: E[c] != 0 and E[c+1] > E[c]).
//     A fan-out write to an input entry while pushes are pending would
//     make those pushes' lists stale: that step then runs from the array's
//     list through in_* like K = 1 (in_all_o high while it runs).
//     started_i (a step starts) swaps the banks: wb_i is the bank pushes
//     go to, rb_i the one the running step reads.  The array holds a step
//     back in the cycle after a push (the push is appended in that cycle).
module loom_router #(
    parameter K     = 1,    // cores
    parameter N     = 256,  // slots per core
    parameter MAXIN = 64,   // input channels (source ids below MAXIN)
    parameter FAN   = 320,  // source ids in all (MAXIN + K*N)
    parameter SYN   = 4096, // synapse words per core (fan-out entry width)
    parameter OVLIN = 0     // 1 (K > 1, dual-port): inputs overlap the first
                            // level's update, each core's held below bound_o
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
    output wire [K-1:0]       ev_valid_o,
    output wire [K*FB-1:0]    ev_src_o,
    output wire [K*16-1:0]    ev_x_o,
    input  wire [K-1:0]       ev_ready_i,
    // per-core input lists (used with K > 1 only)
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire               started_i,   // a step starts: banks swap
    input  wire               wb_i,        // bank pushes go to
    input  wire               rb_i,        // bank of the running step
    input  wire               push_i,      // INPUT accepted (channel < MAXIN, room)
    input  wire [31:0]        push_data_i, // {x, channel}
    input  wire               pend_i,      // pushes are pending (the array's count != 0)
    input  wire [K-1:0]       fo_we_i,     // host writes core k's fan-out entry ...
    input  wire [15:0]        fo_idx_i,    // ... number fo_idx_i
    input  wire [31:0]        fo_val_i,    // ... value (low SB+1 bits)
    /* verilator lint_on UNUSEDSIGNAL */
    output wire               in_all_o,    // the step runs its inputs through in_*
    // overlap of the input phase with the update (OVLIN = 1, K > 1)
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [K-1:0]       done_i,      // core k wrote an event's last synapse word
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [K*(NB+1)-1:0] bound_o     // core k may update the slots below this
);
    localparam NB = (N < 2) ? 1 : $clog2(N);
    localparam FB = (FAN < 2) ? 1 : $clog2(FAN);
    localparam KB = (K < 2) ? 1 : $clog2(K);
    localparam IB = (MAXIN < 2) ? 1 : $clog2(MAXIN);
    localparam SB = (SYN < 2) ? 1 : $clog2(SYN);

    reg [NB:0]   ptr_q [0:K-1];  // next entry to send of each core's list
    reg          rv_q;           // a list entry is on the bus
    reg [KB-1:0] rk_q;           // ... from this core
    reg [KB-1:0] last_q;         // core sent from last (round-robin)
    wire         all_ready = &ev_ready_i;

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
    // a broadcast goes in a cycle where every core can take it and no
    // input lane sends (a lane's event and a spike would meet at a port)
    wire [K-1:0] lane_want;
    wire bc_go = all_ready & ~(|lane_want);
    wire issue = sel_v & (~rv_q | bc_go);

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
            end else if (bc_go) begin
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

    // the broadcast (spikes, or the sequencer's input scan)
    wire          bc_valid = rv_q ? bc_go : (in_valid_i & bc_go);
    wire [FB-1:0] bc_src   = rv_q ? spk_src : in_src_i;
    wire [15:0]   bc_x     = rv_q ? 16'd1 : in_x_i;
    assign in_ready_o = ~rv_q & ~(|pend) & bc_go;

    generate
        if (K == 1) begin : g_one
            assign ev_valid_o = bc_valid;
            assign ev_src_o   = bc_src;
            assign ev_x_o     = bc_x;
            assign busy_o     = rv_q | (|pend);
            assign in_all_o   = 1'b1;
            assign lane_want  = {K{1'b0}};
            assign bound_o    = {(K*(NB+1)){1'b1}};
        end else begin : g_lanes
            // the push, appended in the next cycle (the copies' read)
            reg          push_q;
            reg [IB-1:0] pch_q;
            reg [15:0]   px_q;
            reg          stale_q, run_all_q;
            wire [K-1:0] lane_v, lane_busy;
            wire [K*FB-1:0] lane_src;
            wire [K*16-1:0] lane_x;
            wire fo_in = (fo_idx_i <= MAXIN[15:0]);   // an entry the copies hold
            always @(posedge clk_i) begin
                push_q <= push_i & ~rst_i;
                if (push_i) begin
                    pch_q <= push_data_i[IB-1:0];
                    px_q  <= push_data_i[31:16];
                end
                if (rst_i) begin
                    stale_q   <= 1'b0;
                    run_all_q <= 1'b0;
                end else if (started_i) begin
                    stale_q   <= 1'b0;
                    run_all_q <= stale_q;
                end else if ((|fo_we_i) & fo_in & pend_i) begin
                    stale_q <= 1'b1;
                end
            end
            for (g = 0; g < K; g = g + 1) begin : g_lane
                // copies of E[c] (lo) and E[c+1] (hi) of the input entries;
                // lo also keeps the entry's top NB+1 bits: 1 + the lowest
                // slot a delay-0 synapse of channel c reaches in this core
                // (0: none), written there by the mapper (K > 1), which
                // the core itself ignores
                wire [SB:0] lo, hi;
                wire [NB:0] lw;
                wire [IB-1:0] fo_c = fo_idx_i[IB-1:0];
                /* verilator lint_off UNUSEDSIGNAL */
                wire [15:0] fo_m1 = fo_idx_i - 16'd1;
                /* verilator lint_on UNUSEDSIGNAL */
                wire [IB-1:0] fo_cm1 = fo_m1[IB-1:0];
                loom_ram #(.DW(SB+NB+2), .AW(IB), .DEPTH(MAXIN)) u_lo (
                    .clk_i(clk_i), .re_i(push_i), .raddr_i(push_data_i[IB-1:0]), .rdata_o({lw, lo}),
                    .we_i(fo_we_i[g] & (fo_idx_i < MAXIN[15:0])), .waddr_i(fo_c),
                    .wdata_i({fo_val_i[31:31-NB], fo_val_i[SB:0]}));
                loom_ram #(.DW(SB+1), .AW(IB), .DEPTH(MAXIN)) u_hi (
                    .clk_i(clk_i), .re_i(push_i), .raddr_i(push_data_i[IB-1:0]), .rdata_o(hi),
                    .we_i(fo_we_i[g] & fo_in & (fo_idx_i != 16'd0)), .waddr_i(fo_cm1),
                    .wdata_i(fo_val_i[SB:0]));
                wire has = (lo != {(SB+1){1'b0}}) & (hi > lo);
                wire app = push_q & has & (px_q != 16'd0);

                // the list: {x, channel}
                reg  [IB:0] wcnt_q, rcnt_q, rptr_q;
                reg         rv, act;
                wire [15+IB:0] word;
                wire [NB:0] eff_w;
                assign lane_want[g] = rv & ev_ready_i[g];
                wire take  = lane_want[g];
                wire lissue = act & (rptr_q < rcnt_q) & (~rv | take);
                loom_ram #(.DW(16+IB), .AW(IB+1), .DEPTH(2*MAXIN)) u_list (
                    .clk_i(clk_i), .re_i(lissue), .raddr_i({rb_i, rptr_q[IB-1:0]}), .rdata_o(word),
                    .we_i(app), .waddr_i({wb_i, wcnt_q[IB-1:0]}), .wdata_i({px_q, pch_q}));
                always @(posedge clk_i) begin
                    if (rst_i) begin
                        wcnt_q <= {(IB+1){1'b0}};
                        rcnt_q <= {(IB+1){1'b0}};
                        rptr_q <= {(IB+1){1'b0}};
                        rv     <= 1'b0;
                        act    <= 1'b0;
                    end else if (started_i) begin
                        rcnt_q <= stale_q ? {(IB+1){1'b0}} : wcnt_q;
                        wcnt_q <= {(IB+1){1'b0}};
                        rptr_q <= {(IB+1){1'b0}};
                        act    <= 1'b1;
                    end else begin
                        if (app)
                            wcnt_q <= wcnt_q + 1'b1;
                        if (lissue) begin
                            rptr_q <= rptr_q + 1'b1;
                            rv     <= 1'b1;
                        end else if (take) begin
                            rv <= 1'b0;
                        end
                        if (act & (rptr_q >= rcnt_q) & (~rv | take))
                            act <= 1'b0;
                    end
                end
                // The bound (OVLIN): the core's update must not reach a slot
                // that a delay-0 input of this step still has to reach.
                // Per list: lw = 1 + lowest slot of each entry; when the
                // entries' slots never fall (none counting as the largest
                // so far, eff), the bound is eff of the oldest entry whose
                // words are not all written (the core's done_i count them,
                // in order: an event the lanes send has words there), or,
                // for a none before the first slot, the least slot of the
                // list; when they do fall, that least slot until all are
                // written (none at all: no bound).
                wire [NB:0] lslot = lw - 1'b1;
                reg  [NB:0] wmax_q, wmin_q, rmin_q;
                reg         wmono_q, rmono_q, fresh_q;
                reg  [IB:0] dcnt_q;
                assign eff_w = ((lw != {(NB+1){1'b0}}) & (lslot > wmax_q)) ? lslot : wmax_q;
                wire [NB:0] eff_r;
                wire        lead_r;              // no entry with a slot before it
                reg         wreal_q;             // the list has one
                loom_ram #(.DW(NB+2), .AW(IB+1), .DEPTH(2*MAXIN)) u_low (
                    .clk_i(clk_i), .re_i(1'b1), .raddr_i({rb_i, dcnt_q[IB-1:0]}), .rdata_o({lead_r, eff_r}),
                    .we_i(app), .waddr_i({wb_i, wcnt_q[IB-1:0]}),
                    .wdata_i({~wreal_q & (lw == {(NB+1){1'b0}}), eff_w}));
                always @(posedge clk_i) begin
                    if (rst_i) begin
                        wmax_q  <= {(NB+1){1'b0}};
                        wmin_q  <= {(NB+1){1'b1}};
                        wmono_q <= 1'b1;
                        wreal_q <= 1'b0;
                        rmin_q  <= {(NB+1){1'b1}};
                        rmono_q <= 1'b1;
                        dcnt_q  <= {(IB+1){1'b0}};
                        fresh_q <= 1'b0;
                    end else if (started_i) begin
                        rmin_q  <= wmin_q;
                        rmono_q <= wmono_q;
                        wmax_q  <= {(NB+1){1'b0}};
                        wmin_q  <= {(NB+1){1'b1}};
                        wmono_q <= 1'b1;
                        wreal_q <= 1'b0;
                        dcnt_q  <= {(IB+1){1'b0}};
                        fresh_q <= 1'b1;
                    end else begin
                        fresh_q <= 1'b0;
                        if (app & (lw != {(NB+1){1'b0}})) begin
                            wreal_q <= 1'b1;
                            wmax_q <= eff_w;
                            if (lslot < wmin_q)
                                wmin_q <= lslot;
                            if (lslot < wmax_q)
                                wmono_q <= 1'b0;
                        end
                        if (done_i[g] & (dcnt_q < rcnt_q))
                            dcnt_q <= dcnt_q + 1'b1;
                    end
                end
                wire [NB:0] bnd = (OVLIN == 0) ? {(NB+1){1'b1}} :
                                  (started_i | fresh_q) ? {(NB+1){1'b0}} :
                                  (dcnt_q >= rcnt_q) ? {(NB+1){1'b1}} :
                                  (rmono_q & ~lead_r) ? eff_r : rmin_q;
                assign bound_o[g*(NB+1) +: (NB+1)] = bnd;
                assign lane_v[g]    = take;
                assign lane_busy[g] = act;
                assign lane_src[g*FB +: FB] = {{(FB-IB){1'b0}}, word[IB-1:0]};
                assign lane_x[g*16 +: 16] = word[15+IB:IB];
                assign ev_valid_o[g] = lane_v[g] | bc_valid;
                assign ev_src_o[g*FB +: FB] = lane_v[g] ? lane_src[g*FB +: FB] : bc_src;
                assign ev_x_o[g*16 +: 16]   = lane_v[g] ? lane_x[g*16 +: 16] : bc_x;
            end
            assign busy_o   = rv_q | (|pend) | (|lane_busy);
            assign in_all_o = run_all_q;
        end
    endgenerate
endmodule
