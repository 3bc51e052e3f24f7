// loom_core_dlv -- the delivery pipeline of one core (rtl/loom_core.v):
// one synaptic event per cycle.
//
//   event FIFO (src, x, EQ deep)
//   L1  read the fan-out entries E[g], E[g+1] (the even and odd RAMs here)
//   L2  the source's run [E[g] - 1, E[g+1] - 1), decoded into registers
//   stream synapse words (dst, w, d), one per cycle (the synapse memory is
//       loom_core_syn: sy_re_o / sy_raddr_o, word in sy_rdata_i)
//   D1  read ring[dst][(t+d) mod R] (loom_core_ring), product w*x
//   D2  ring += w*x (wraps modulo 2^A); the word written in the previous
//       cycle is forwarded, so back-to-back events to one accumulator add up.
//
// D1 waits (d1_stall_i) while the update's U1 reads its ring RAM; with
// SP = 1 (single-port ring) a synapse goes every other cycle.  A source
// without synapses here is dropped at the lookup, even mid-stream.
//
// Fan-out index: entry e (0 <= e <= FAN) holds 1 + the first synapse word
// of source id e, or 0 ("not given"); source g owns the words
// [E[g] - 1, E[g+1] - 1) when E[g] != 0 and E[g+1] > E[g], none otherwise
// (CSR plus one: a loader may skip every entry not next to a source with
// synapses).  Even and odd entries live in two RAMs, so E[g] and E[g+1]
// come in one read.
module loom_core_dlv #(
    parameter W    = 8,     // weight bits
    parameter A    = 24,    // accumulator bits
    parameter D    = 15,    // max delay
    parameter N    = 256,   // neuron slots
    parameter SYN  = 4096,  // synapse words
    parameter FAN  = 320,   // fan-out index entries (global source ids)
    parameter EQ   = 4,     // event FIFO depth (power of two)
    parameter SP   = 0,     // 1: single-port ring (a synapse every other cycle)
    parameter MAXIN = 64    // source ids below it are input channels
) (
    input  wire              clk_i,
    input  wire              rst_i,
    input  wire [RB-1:0]     tmod_i,
    // events from the router
    input  wire              ev_valid_i,
    input  wire [FB-1:0]     ev_src_i,
    input  wire [15:0]       ev_x_i,
    output wire              ev_ready_o,
    output wire              dlv_busy_o,
    output wire              syn_event_o,
    output wire              ev_done_o,      // an input event's last synapse word is written (SP = 0)
    output wire              in_word_o,      // the synapse word read now is an input event's
    // synapse memory read port (the host's reads of it too)
    output wire              sy_re_o,
    output wire [SB-1:0]     sy_raddr_o,
    input  wire [YW-1:0]     sy_rdata_i,
    // ring (loom_core_ring)
    input  wire              d1_stall_i,
    output wire              s1_v_o,
    output wire [NB-1:0]     d1_dst_o,
    output wire [RB-1:0]     d1_r_o,
    output wire              s2_v_o,
    output wire [NB+RB-1:0]  s2_addr_o,
    output wire [A-1:0]      d2_sum_o,
    input  wire [A-1:0]      ring_rdata_i,
    // host: fan-out entries (h_fo_i: a valid entry address) and synapse reads
    input  wire              h_rd_i,
    input  wire              h_wr_i,
    input  wire              h_fo_i,
    input  wire              h_syn_rd_i,
    input  wire [15:0]       h_off_i,
    input  wire [SB:0]       h_wdata_i,
    output wire [SB:0]       fo_even_o,
    output wire [SB:0]       fo_odd_o
);
    localparam RB0 = $clog2(D + 1);
    localparam RB  = (RB0 < 1) ? 1 : RB0;           // ring slot bits
    localparam R   = D + 1;
    localparam NB  = (N < 2) ? 1 : $clog2(N);        // slot bits
    localparam SB  = (SYN < 2) ? 1 : $clog2(SYN);    // synapse address bits
    localparam FB  = (FAN < 2) ? 1 : $clog2(FAN);    // source id bits
    localparam YW  = NB + W + RB;                    // synapse word bits
    localparam EB  = (EQ < 2) ? 1 : $clog2(EQ);

    // ---- fan-out index RAMs ------------------------------------------------
    localparam FE   = FAN + 1;                          // entries
    localparam FEB  = $clog2(FE);                       // entry index bits
    localparam FDE  = FAN / 2 + 1;                      // even entries
    localparam FDO  = (FAN + 1) / 2;                    // odd entries
    localparam FAE  = (FDE < 2) ? 1 : $clog2(FDE);      // address bits of the even RAM
    localparam FAO  = (FDO < 2) ? 1 : $clog2(FDO);      // ... and of the odd one
    wire           fo_re;
    wire [FB-1:0]  fo_src;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [FB+FEB+16:0] fo_src_x = {{(FEB+17){1'b0}}, fo_src};
    wire [FB+FEB+16:0] fo_src_1 = fo_src_x + 1'b1;
    wire [FB+FEB+16:0] fo_h_x   = {{(FB+FEB+1){1'b0}}, h_off_i};
    /* verilator lint_on UNUSEDSIGNAL */
    wire           fo_h_re  = h_rd_i & h_fo_i;
    // source g: E[g] and E[g+1] are the even entry at (g+1)/2 and the odd
    // one at g/2, in either order
    wire [FAE-1:0] fo_ea    = fo_h_re ? fo_h_x[FAE:1] : fo_src_1[FAE:1];
    wire [FAO-1:0] fo_oa    = fo_h_re ? fo_h_x[FAO:1] : fo_src_x[FAO:1];
    wire [SB:0]    fo_even, fo_odd;
    loom_ram #(.DW(SB+1), .AW(FAE), .DEPTH(FDE)) u_fo_even (
        .clk_i(clk_i), .re_i(fo_re | fo_h_re), .raddr_i(fo_ea), .rdata_o(fo_even),
        .we_i(h_wr_i & h_fo_i & ~h_off_i[0]), .waddr_i(fo_h_x[FAE:1]), .wdata_i(h_wdata_i));
    loom_ram #(.DW(SB+1), .AW(FAO), .DEPTH(FDO)) u_fo_odd (
        .clk_i(clk_i), .re_i(fo_re | fo_h_re), .raddr_i(fo_oa), .rdata_o(fo_odd),
        .we_i(h_wr_i & h_fo_i & h_off_i[0]), .waddr_i(fo_h_x[FAO:1]), .wdata_i(h_wdata_i));
    assign fo_even_o = fo_even;
    assign fo_odd_o  = fo_odd;

    // ---- event FIFO, lookup, stream ----------------------------------------
    reg [FB-1:0] fq_src_q [0:EQ-1];
    reg [15:0]   fq_x_q   [0:EQ-1];
    reg          fq_in_q  [0:EQ-1];  // the event is an input channel's
    reg          fl_in_q, lk_in_q, sin_q, s1_in_q, s2_in_q;
    reg [EB-1:0] fq_rd_q, fq_wr_q;
    reg [EB:0]   fq_n_q;
    reg          fl_v_q, fl_odd_q;   // L1: the fan-out RAMs' words of this event are out
    reg [15:0]   fl_x_q;
    reg          lk_v_q, lk_some_q;  // L2: its run, decoded into registers
    reg [15:0]   lk_x_q;
    reg [SB:0]   lk_cm1_q;    // the run's length - 1
    reg          left_q;      // rem_q != 0, kept as a register
    reg [SB-1:0] lk_start_q;
    reg [SB:0]   rem_q;
    reg [SB-1:0] ptr_q;
    reg [15:0]   sx_q;
    reg          s1_v_q, s2_v_q, wq_v_q;
    reg          s1_last_q, s2_last_q;   // the word is its event's last (ev_done_o)
    wire         s0_v;               // D0 (SP = 1): the synapse word is out of the SPRAM
    reg [15:0]   s1_x_q;
    reg [NB+RB-1:0] s2_addr_q, wq_addr_q;
    reg [A-1:0]  wq_data_q;

    /* verilator lint_off WIDTH */
    wire         ev_in    = (ev_src_i < MAXIN);
    /* verilator lint_on WIDTH */
    assign ev_ready_o = (fq_n_q != EQ[EB:0]);
    // the run of the looked-up source: [E[g] - 1, E[g+1] - 1), empty unless
    // E[g] != 0 and E[g+1] > E[g]
    // decoded between L1 and L2, so that the RAM read, the subtraction and
    // the stream's start are not one combinational path (24 MHz on the UP5K)
    wire [SB:0] lk_e0    = fl_odd_q ? fo_odd : fo_even;
    wire [SB:0] lk_e1    = fl_odd_q ? fo_even : fo_odd;
    // one adder gives the length - 1 and, in its sign, E[g+1] > E[g]
    // (E[g+1] - E[g] - 1 = E[g+1] + ~E[g]): no zero test after the carry
    // chain (the UP5K's clock, docs/boards.md)
    wire [SB+1:0] lk_m1  = {1'b0, lk_e1} + {1'b1, ~lk_e0};
    wire [SB:0] lk_cm1   = lk_m1[SB:0];
    wire        lk_some  = (lk_e0 != {(SB+1){1'b0}}) & ~lk_m1[SB+1];
    /* verilator lint_off UNUSEDSIGNAL */
    wire [SB:0] lk_start = lk_e0 - 1'b1;
    /* verilator lint_on UNUSEDSIGNAL */

    // D1 waits one cycle when U1 reads its ring RAM (U2 then writes it, as
    // D2 would): with one ring RAM any delivery, with banks one of delay 0.
    // The update issues no slot in that cycle, so D1 goes in the next one.
    // Such an event goes to a higher level (machine model), so it never
    // touches a word the update uses; only the RAM's ports are shared.
    // single-port ring: a synapse every other cycle (D1 reads, D2 writes)
    wire hold    = ((SP != 0) & s0_v) | d1_stall_i;
    // a source without synapses here is dropped at once, even mid-stream
    wire lk_take = lk_v_q & (~lk_some_q | (~left_q & ~hold));
    wire fl_adv  = fl_v_q & (~lk_v_q | lk_take);        // L1 -> L2
    wire fq_pop  = (fq_n_q != {(EB+1){1'b0}}) & (~fl_v_q | fl_adv);
    assign fo_re  = fq_pop;
    assign fo_src = fq_src_q[fq_rd_q];

    wire stream_go = lk_take & lk_some_q;
    wire stream_left = left_q;
    wire stream_on = stream_left & ~hold;
    assign sy_re_o    = stream_on | stream_go | h_syn_rd_i;
    assign sy_raddr_o = stream_on ? ptr_q : (stream_go ? lk_start_q : h_off_i[SB-1:0]);

    always @(posedge clk_i) begin
        if (rst_i) begin
            fq_rd_q <= {EB{1'b0}};
            fq_wr_q <= {EB{1'b0}};
            fq_n_q  <= {(EB+1){1'b0}};
            fl_v_q  <= 1'b0;
            lk_v_q  <= 1'b0;
            rem_q   <= {(SB+1){1'b0}};
            left_q  <= 1'b0;
            s1_v_q  <= 1'b0;
            s2_v_q  <= 1'b0;
            wq_v_q  <= 1'b0;
        end else begin
            if (ev_valid_i) begin
`ifdef VERILATOR
                // blocking: the slot written is never the one read in the
                // same cycle (wr = rd only when the FIFO is empty, then
                // nothing pops; full, then nothing comes), so this is the
                // nonblocking write without its delayed copy
                /* verilator lint_off BLKSEQ */
                fq_src_q[fq_wr_q] = ev_src_i;
                fq_x_q[fq_wr_q]   = ev_x_i;
                /* verilator lint_off WIDTH */
                fq_in_q[fq_wr_q]  = ev_in;
                /* verilator lint_on WIDTH */
                /* verilator lint_on BLKSEQ */
`else
                fq_src_q[fq_wr_q] <= ev_src_i;
                fq_x_q[fq_wr_q]   <= ev_x_i;
                /* verilator lint_off WIDTH */
                fq_in_q[fq_wr_q]  <= ev_in;
                /* verilator lint_on WIDTH */
`endif
                fq_wr_q <= fq_wr_q + 1'b1;
            end
            if (fq_pop)
                fq_rd_q <= fq_rd_q + 1'b1;
            fq_n_q <= fq_n_q + {{EB{1'b0}}, ev_valid_i} - {{EB{1'b0}}, fq_pop};
            if (fq_pop) begin
                fl_v_q   <= 1'b1;
                fl_x_q   <= fq_x_q[fq_rd_q];
                fl_in_q  <= fq_in_q[fq_rd_q];
                fl_odd_q <= fo_src[0];
            end else if (fl_adv) begin
                fl_v_q <= 1'b0;
            end
            if (fl_adv) begin
                lk_v_q     <= 1'b1;
                lk_x_q     <= fl_x_q;
                lk_in_q    <= fl_in_q;
                lk_some_q  <= lk_some;
                lk_cm1_q   <= lk_cm1;
                lk_start_q <= lk_start[SB-1:0];
            end else if (lk_take) begin
                lk_v_q <= 1'b0;
            end
            if (stream_on) begin
                ptr_q <= ptr_q + 1'b1;
                rem_q <= rem_q - 1'b1;
                left_q <= (rem_q != {{SB{1'b0}}, 1'b1});
            end else if (stream_go) begin
                ptr_q <= lk_start_q + 1'b1;
                rem_q <= lk_cm1_q;
                left_q <= (lk_cm1_q != {(SB+1){1'b0}});
                sx_q  <= lk_x_q;
                sin_q <= lk_in_q;
            end
            s1_v_q <= d1_stall_i | ((SP != 0) ? s0_v : (stream_on | stream_go));
            if (~d1_stall_i)
                s1_x_q <= stream_on ? sx_q : lk_x_q;
            s2_v_q <= s1_v_q & ~d1_stall_i;
            wq_v_q <= s2_v_q;
            if (~d1_stall_i) begin
                s1_last_q <= stream_on ? (rem_q == {{SB{1'b0}}, 1'b1}) : (lk_cm1_q == {(SB+1){1'b0}});
                s1_in_q   <= stream_on ? sin_q : lk_in_q;
            end
            s2_last_q <= s1_last_q;
            s2_in_q   <= s1_in_q;
        end
    end

    // ---- D1: decode the synapse word (held by the synapse RAM while D1
    // waits), read its accumulator, form w*x.  With SP = 1 the word first
    // goes through a register stage D0 (the synapse SPRAM's read data, with
    // its ring word (t+d) mod R, registered), so the synapse SPRAM's output
    // does not reach the ring SPRAM's address in one cycle (27 MHz on the
    // UP5K); the stream still issues a word every other cycle, so D1 reads
    // and D2 writes the ring in alternate cycles as before, and x is
    // delayed with it. ------------------------------------------------------
    wire [NB-1:0]   sy_dst = sy_rdata_i[NB-1:0];
    wire [W-1:0]    sy_w   = sy_rdata_i[NB+W-1:NB];
    wire [RB-1:0]   sy_d   = sy_rdata_i[YW-1:NB+W];
    wire [RB:0]     r_sum = {1'b0, tmod_i} + {1'b0, sy_d};
    /* verilator lint_off UNUSEDSIGNAL */
    wire [RB:0]     r_wrap = (r_sum >= R[RB:0]) ? (r_sum - R[RB:0]) : r_sum;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [NB-1:0]   y_dst;
    wire [W-1:0]    y_w;
    wire [RB-1:0]   d1_r;
    wire [15:0]     d1_x;
    generate
        if (SP != 0) begin : g_d0
            reg          s0_v_q;
            reg [NB-1:0] d0_dst_q;
            reg [W-1:0]  d0_w_q;
            reg [RB-1:0] d0_r_q;
            reg [15:0]   d0_x_q;
            always @(posedge clk_i) begin
                if (rst_i)
                    s0_v_q <= 1'b0;
                else
                    s0_v_q <= stream_on | stream_go;
                d0_dst_q <= sy_dst;
                d0_w_q   <= sy_w;
                d0_r_q   <= r_wrap[RB-1:0];
                d0_x_q   <= s1_x_q;
            end
            assign s0_v  = s0_v_q;
            assign y_dst = d0_dst_q;
            assign y_w   = d0_w_q;
            assign d1_r  = d0_r_q;
            assign d1_x  = d0_x_q;
        end else begin : g_d1
            assign s0_v  = 1'b0;
            assign y_dst = sy_dst;
            assign y_w   = sy_w;
            assign d1_r  = r_wrap[RB-1:0];
            assign d1_x  = s1_x_q;
        end
    endgenerate
    // w*x as a full 32-bit product of 16-bit operands, registered whole: a
    // narrower or partly used product trips an assertion in yosys 0.23's
    // ice40_dsp pass.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0] w32 = {{(32-W){y_w[W-1]}}, y_w};
    wire signed [31:0] prod = $signed(w32[15:0]) * $signed(d1_x);
    reg  [31:0]  s2_prod_q;
    /* verilator lint_on UNUSEDSIGNAL */
    always @(posedge clk_i) begin
        s2_addr_q <= {y_dst, d1_r};
        s2_prod_q <= prod;
    end
    wire [A-1:0] s2_inc = s2_prod_q[A-1:0];

    // ---- D2: accumulate, forwarding the previous cycle's write (a read of
    // the word being written returns no defined value, see loom_ram) --------
    // (single-port ring: D2 writes every other cycle, so the word written
    // in the cycle before a D2 is never one; the SPRAM returns the word
    // written before a read, and nothing is forwarded)
    wire [A-1:0] d2_base = ((SP == 0) & wq_v_q & (wq_addr_q == s2_addr_q)) ? wq_data_q : ring_rdata_i;
    wire [A-1:0] d2_sum  = d2_base + s2_inc;
    always @(posedge clk_i) begin
        wq_addr_q <= s2_addr_q;
        wq_data_q <= d2_sum;
    end
    assign syn_event_o = s2_v_q;
    // the last word of an input event is written in this cycle: events
    // leave in the order they came (the router's input lanes count them,
    // docs/rtl.md); an event without words here gives none (the lanes send
    // no such event).  in_word_o: an input event's word is read from the
    // synapse memory now, so it is in D1 next cycle (the update, BOUND = 1,
    // then leaves the ring to it)
    assign ev_done_o   = (SP == 0) & s2_v_q & s2_last_q & s2_in_q;
    assign in_word_o   = (SP == 0) & ((stream_on & sin_q) | (stream_go & lk_in_q));
    assign dlv_busy_o  = (fq_n_q != {(EB+1){1'b0}}) | fl_v_q | lk_v_q | stream_left | s0_v | s1_v_q | s2_v_q;

    assign s1_v_o    = s1_v_q;
    assign d1_dst_o  = y_dst;
    assign d1_r_o    = d1_r;
    assign s2_v_o    = s2_v_q;
    assign s2_addr_o = s2_addr_q;
    assign d2_sum_o  = d2_sum;
endmodule
