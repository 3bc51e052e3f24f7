// loom_core_ring -- the delay ring of one core (rtl/loom_core.v) and the
// sharing of its RAM ports between the update, the delivery and the host.
//
// Word r of slot s (host address {s, r}) holds the input pending for the
// steps t with t mod R = r.  Ports:
//   update:   U1 reads {u1_slot, t mod R}, U2 clears {u2_slot, t mod R};
//   delivery: D1 reads {d1_dst, d1_r}, D2 writes d2_sum at s2_addr;
//   host:     idle only.
// Three codings, by SP and RBANK:
//   SP = 1:    one single-port RAM (the sequencer never runs update and
//              delivery together, and they never read and write the ring
//              in one cycle);
//   RBANK = 0: one RAM; D1 waits for every cycle in which U1 reads;
//   RBANK = 1: R banks, bank r holding word r of every slot, so the update
//              (bank t mod R) and a delivery of delay d >= 1 (bank
//              (t+d) mod R) run in the same cycle; only delay 0 waits.
//              Coded as one memory with a read register per bank (below).
// A waiting D1 is d1_stall_o: the update then issues no slot, so D1 goes
// in the next cycle.
module loom_core_ring #(
    parameter A     = 24,    // accumulator bits
    parameter D     = 15,    // max delay (ring of D+1 words)
    parameter N     = 256,   // neuron slots
    parameter SP    = 0,     // 1: single-port RAM
    parameter RBANK = 0      // 1 (SP = 0 only): one RAM per ring word
) (
    input  wire              clk_i,
    input  wire [RB-1:0]     tmod_i,
    // update
    input  wire              u1_v_i,
    input  wire [NB-1:0]     u1_slot_i,
    input  wire              u2_v_i,
    input  wire [NB-1:0]     u2_slot_i,
    output wire [A-1:0]      upd_rdata_o,    // U2: the word U1 read
    // delivery
    input  wire              s1_v_i,         // D1 holds a synapse word
    input  wire [NB-1:0]     d1_dst_i,
    input  wire [RB-1:0]     d1_r_i,
    output wire              d1_stall_o,     // D1 waits this cycle
    input  wire              s2_v_i,
    input  wire [NB+RB-1:0]  s2_addr_i,
    input  wire [A-1:0]      d2_sum_i,
    output wire [A-1:0]      dlv_rdata_o,    // D2 and host: the word D1 (or the host) read
    // host (ring region, address {s, r})
    input  wire              h_re_i,
    input  wire              h_we_i,
    input  wire [NB+RB-1:0]  h_addr_i,
    input  wire [A-1:0]      h_wdata_i
);
    localparam RB0 = $clog2(D + 1);
    localparam RB  = (RB0 < 1) ? 1 : RB0;           // ring slot bits
    localparam R   = D + 1;
    localparam NB  = (N < 2) ? 1 : $clog2(N);        // slot bits
    localparam RBK = ((SP == 0) && (RBANK != 0)) ? R : 1;

    wire d1_re = s1_v_i & ~d1_stall_o;

    generate
        if (SP != 0) begin : g_ring_sp
            wire [NB+RB-1:0] upd_raddr = {u1_slot_i, tmod_i};
            wire [NB+RB-1:0] upd_waddr = {u2_slot_i, tmod_i};
            wire [NB+RB-1:0] dlv_raddr = {d1_dst_i, d1_r_i};
            wire             rg_re    = u1_v_i | d1_re | h_re_i;
            wire             rg_we    = u2_v_i | s2_v_i | h_we_i;
            wire [NB+RB-1:0] rg_raddr = u1_v_i ? upd_raddr : (d1_re ? dlv_raddr : h_addr_i);
            wire [NB+RB-1:0] rg_waddr = u2_v_i ? upd_waddr : (s2_v_i ? s2_addr_i : h_addr_i);
            wire [A-1:0]     rg_wdata = u2_v_i ? {A{1'b0}} : (s2_v_i ? d2_sum_i : h_wdata_i);
            wire [A-1:0]     rg_rdata;
            loom_spram #(.DW(A), .AW(NB+RB), .DEPTH(N << RB)) u_ring (
                .clk_i(clk_i), .en_i(rg_re | rg_we), .we_i(rg_we),
                .addr_i(rg_we ? rg_waddr : rg_raddr), .wdata_i(rg_wdata), .rdata_o(rg_rdata));
            assign upd_rdata_o = rg_rdata;
            assign dlv_rdata_o = rg_rdata;
            assign d1_stall_o  = 1'b0;
        end else if (RBK == 1) begin : g_ring_one
            // one RAM: D1 waits for every cycle in which U1 reads
            wire [NB+RB-1:0] upd_raddr = {u1_slot_i, tmod_i};
            wire [NB+RB-1:0] upd_waddr = {u2_slot_i, tmod_i};
            wire [NB+RB-1:0] dlv_raddr = {d1_dst_i, d1_r_i};
            wire             rg_re    = u1_v_i | d1_re | h_re_i;
            wire             rg_we    = u2_v_i | s2_v_i | h_we_i;
            wire [NB+RB-1:0] rg_raddr = u1_v_i ? upd_raddr : (d1_re ? dlv_raddr : h_addr_i);
            wire [NB+RB-1:0] rg_waddr = u2_v_i ? upd_waddr : (s2_v_i ? s2_addr_i : h_addr_i);
            wire [A-1:0]     rg_wdata = u2_v_i ? {A{1'b0}} : (s2_v_i ? d2_sum_i : h_wdata_i);
            wire [A-1:0]     rg_rdata;
            loom_ram #(.DW(A), .AW(NB+RB), .DEPTH(N << RB)) u_ring (
                .clk_i(clk_i), .re_i(rg_re), .raddr_i(rg_raddr), .rdata_o(rg_rdata),
                .we_i(rg_we), .waddr_i(rg_waddr), .wdata_i(rg_wdata));
            assign upd_rdata_o = rg_rdata;
            assign dlv_rdata_o = rg_rdata;
            assign d1_stall_o  = s1_v_i & u1_v_i;
        end else begin : g_ring_bank
            // R banks, bank r holding word r of every slot; U1/U2 use bank
            // t mod R, D1/D2 bank (t+d) mod R: they meet only for d = 0, and
            // then D1 waits (d1_stall).  The banks are coded as ONE memory
            // (word {r, s}) with a read register per bank: each bank keeps
            // the ports and timing of a loom_ram (one read, priority U1, D1,
            // host; one write, priority U2, D2, host; its read register
            // holds while the bank is not read; a read of the word the bank
            // writes in the same cycle is undefined, poisoned as loom_ram
            // does under Verilator), but a simulator evaluates one memory
            // and three read ports instead of R RAMs with their port
            // multiplexers (docs/performance.md).
            /* verilator lint_off UNUSEDSIGNAL */
            localparam [31:0] R32 = R;
            /* verilator lint_on UNUSEDSIGNAL */
            reg  [A-1:0]  mem_q [0:(R << NB)-1];
            reg  [A-1:0]  rd_q  [0:R-1];             // read register of every bank
            reg  [RB-1:0] rsel_q;                    // bank of the last delivery / host read
            wire [RB-1:0] h_r  = h_addr_i[RB-1:0];
            wire [NB-1:0] h_s  = h_addr_i[NB+RB-1:RB];
            wire          h_in = ({1'b0, h_r} < R32[RB:0]);   // a bank (host words r >= R: none)
            wire [RB-1:0] s2_r = s2_addr_i[RB-1:0];
            wire [NB-1:0] s2_s = s2_addr_i[NB+RB-1:RB];
            // each port after the per-bank priorities (U2 / U1 first)
            wire          wd = s2_v_i & ~(u2_v_i & (s2_r == tmod_i));
            wire          wh = h_we_i & h_in & ~(u2_v_i & (h_r == tmod_i)) & ~(s2_v_i & (h_r == s2_r));
            wire          rd = d1_re & ~(u1_v_i & (d1_r_i == tmod_i));
            wire          rh = h_re_i & h_in & ~(u1_v_i & (h_r == tmod_i)) & ~(d1_re & (h_r == d1_r_i));
            // the word a read of bank b, slot s returns: the stored word, or
            // loom_ram's poison (Verilator only) when bank b writes slot s in the
            // same cycle.  Functions, so that only the reads that happen
            // are evaluated.
`ifdef VERILATOR
            function [A-1:0] rdw;
                input [RB-1:0] b;
                input [NB-1:0] s;
                reg           we;
                reg [NB-1:0]  ws;
                reg [A-1:0]   wv, old;
                begin
                    if (u2_v_i & (b == tmod_i)) begin
                        we = 1'b1; ws = u2_slot_i; wv = {A{1'b0}};
                    end else if (s2_v_i & (b == s2_r)) begin
                        we = 1'b1; ws = s2_s; wv = d2_sum_i;
                    end else begin
                        we = h_we_i & (b == h_r); ws = h_s; wv = h_wdata_i;
                    end
                    old = mem_q[{b, s}];
                    rdw = !(we && (ws == s)) ? old
                        : ((~old == wv) ? (~old ^ {{(A-1){1'b0}}, 1'b1}) : ~old);
                end
            endfunction
`else
            function [A-1:0] rdw;
                input [RB-1:0] b;
                input [NB-1:0] s;
                rdw = mem_q[{b, s}];
            endfunction
`endif
            always @(posedge clk_i) begin
`ifdef VERILATOR
                // the read registers blocking too: the three ports write
                // three different banks (rd and rh yield), and rd_q is read
                // only by upd_rdata_o and dlv_rdata_o below, combinational
                // logic that the generated code evaluates after this block,
                // so this is the nonblocking write without the delayed copy
                // that the simulator makes of every array written that way
                /* verilator lint_off BLKSEQ */
                if (u1_v_i)
                    rd_q[tmod_i] = rdw(tmod_i, u1_slot_i);
                if (rd)
                    rd_q[d1_r_i] = rdw(d1_r_i, d1_dst_i);
                if (rh)
                    rd_q[h_r] = rdw(h_r, h_s);
                /* verilator lint_on BLKSEQ */
`else
                if (u1_v_i)
                    rd_q[tmod_i] <= rdw(tmod_i, u1_slot_i);
                if (rd)
                    rd_q[d1_r_i] <= rdw(d1_r_i, d1_dst_i);
                if (rh)
                    rd_q[h_r] <= rdw(h_r, h_s);
`endif
`ifdef VERILATOR
                // after the reads, blocking: mem_q is read only by them
                // (as in loom_ram's simulation branch)
                /* verilator lint_off BLKSEQ */
                if (u2_v_i)
                    mem_q[{tmod_i, u2_slot_i}] = {A{1'b0}};
                if (wd)
                    mem_q[{s2_r, s2_s}] = d2_sum_i;
                if (wh)
                    mem_q[{h_r, h_s}] = h_wdata_i;
                /* verilator lint_on BLKSEQ */
`else
                if (u2_v_i)
                    mem_q[{tmod_i, u2_slot_i}] <= {A{1'b0}};
                if (wd)
                    mem_q[{s2_r, s2_s}] <= d2_sum_i;
                if (wh)
                    mem_q[{h_r, h_s}] <= h_wdata_i;
`endif
                if (d1_re)
                    rsel_q <= d1_r_i;
                else if (h_re_i)
                    rsel_q <= h_r;
            end
            assign upd_rdata_o = rd_q[tmod_i];
            assign dlv_rdata_o = ({1'b0, rsel_q} < R32[RB:0]) ? rd_q[rsel_q] : {A{1'b0}};
            assign d1_stall_o  = s1_v_i & u1_v_i & (d1_r_i == tmod_i);
        end
    endgenerate
endmodule
