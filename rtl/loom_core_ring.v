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
//   RBANK = 1: R RAMs, RAM r holding word r of every slot, so the update
//              (RAM t mod R) and a delivery of delay d >= 1 (RAM
//              (t+d) mod R) run in the same cycle; only delay 0 waits.
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
            // R RAMs; U1/U2 use RAM t mod R, D1/D2 RAM (t+d) mod R: they
            // meet only for d = 0, and then D1 waits (d1_stall)
            localparam RP = 1 << RB;                 // R rounded up to a power of two
            wire [RP*A-1:0] bk_rd;                   // read data of every RAM (0 above R)
            reg  [RB-1:0]   rsel_q;                  // RAM of the last delivery / host read
            wire [RB-1:0]   h_r = h_addr_i[RB-1:0];
            wire [NB-1:0]   h_s = h_addr_i[NB+RB-1:RB];
            // one-hot RAM selects, decoded once (bits R and up unused)
            /* verilator lint_off UNUSEDSIGNAL */
            wire [RP-1:0]   t_oh  = {{(RP-1){1'b0}}, 1'b1} << tmod_i;
            wire [RP-1:0]   d1_oh = {{(RP-1){1'b0}}, d1_re} << d1_r_i;
            wire [RP-1:0]   d2_oh = {{(RP-1){1'b0}}, s2_v_i} << s2_addr_i[RB-1:0];
            wire [RP-1:0]   h_oh  = {{(RP-1){1'b0}}, 1'b1} << h_r;
            /* verilator lint_on UNUSEDSIGNAL */
            genvar b;
            for (b = 0; b < RP; b = b + 1) begin : g_bk
                if (b < R) begin : g_ram
                    wire ub_r = u1_v_i & t_oh[b];
                    wire db_r = d1_oh[b];
                    wire ub_w = u2_v_i & t_oh[b];
                    wire db_w = d2_oh[b];
                    wire hb   = h_oh[b];
                    loom_ram #(.DW(A), .AW(NB), .DEPTH(N)) u_ring (
                        .clk_i(clk_i), .re_i(ub_r | db_r | (h_re_i & hb)),
                        .raddr_i(ub_r ? u1_slot_i : (db_r ? d1_dst_i : h_s)),
                        .rdata_o(bk_rd[b*A +: A]),
                        .we_i(ub_w | db_w | (h_we_i & hb)),
                        .waddr_i(ub_w ? u2_slot_i : (db_w ? s2_addr_i[NB+RB-1:RB] : h_s)),
                        .wdata_i(ub_w ? {A{1'b0}} : (db_w ? d2_sum_i : h_wdata_i)));
                end else begin : g_none
                    assign bk_rd[b*A +: A] = {A{1'b0}};
                end
            end
            always @(posedge clk_i) begin
                if (d1_re)
                    rsel_q <= d1_r_i;
                else if (h_re_i)
                    rsel_q <= h_r;
            end
            assign upd_rdata_o = bk_rd[tmod_i*A +: A];
            assign dlv_rdata_o = bk_rd[rsel_q*A +: A];
            assign d1_stall_o  = s1_v_i & u1_v_i & (d1_r_i == tmod_i);
        end
    endgenerate
endmodule
