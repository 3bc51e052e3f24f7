// loom_core_syn -- the synapse memory of one core (rtl/loom_core.v) and the
// per-neuron bias words.
//
// Synapse words {d, w, dst} are read by the delivery's stream (and the
// host), at sy_raddr_i.  The bias of slot s is word s of region 7, read in
// U1 (the slot in u1_slot_i; the update registers it into U3).  With
// SP = 1 (and synapse words at least S bits wide) it is synapse word
// SYN + s of the single-port synapse memory, which the update has to itself
// (the sequencer never runs deliveries during an update with SP = 1): the
// memory holds SYN + N words, so the UP5K's SPRAM also holds the biases;
// otherwise it is a block RAM of its own.
module loom_core_syn #(
    parameter W    = 8,     // weight bits
    parameter S    = 16,    // state bits
    parameter D    = 15,    // max delay
    parameter N    = 256,   // neuron slots
    parameter SYN  = 4096,  // synapse words
    parameter SP   = 0      // 1: single-port synapse memory (UP5K SPRAM)
) (
    input  wire              clk_i,
    // delivery stream (and host reads of region 6)
    input  wire              sy_re_i,
    input  wire [SB-1:0]     sy_raddr_i,
    output wire [YW-1:0]     sy_rdata_o,
    // bias read of the update (U1)
    input  wire              u1_v_i,
    input  wire [NB-1:0]     u1_slot_i,
    output wire [S-1:0]      nb_rdata_o,     // the word read in the cycle before
    // host: region 6 (synapses), region 7 (biases)
    input  wire              h_rd_i,
    input  wire              h_wr_i,
    input  wire              h_syn_i,        // region 6
    input  wire              h_nb_i,         // region 7
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [15:0]       h_off_i,
    input  wire [31:0]       h_wdata_i
    /* verilator lint_on UNUSEDSIGNAL */
);
    localparam RB0 = $clog2(D + 1);
    localparam RB  = (RB0 < 1) ? 1 : RB0;           // ring slot bits
    localparam NB  = (N < 2) ? 1 : $clog2(N);        // slot bits
    localparam SB  = (SYN < 2) ? 1 : $clog2(SYN);    // synapse address bits
    localparam YW  = NB + W + RB;                    // synapse word bits
    localparam BSYN = ((SP != 0) && (YW >= S)) ? 1 : 0;

    wire [YW-1:0] sy_rdata;
    assign sy_rdata_o = sy_rdata;
    generate
        if ((SP != 0) && (2 * YW <= 48)) begin : g_syn_sp
            // two synapse words per RAM word (three 16-bit SPRAM columns);
            // the host writes word 2j (staged) and then 2j+1, which writes
            // the pair
            localparam SW  = SYN + ((BSYN != 0) ? N : 0);   // words in all
            localparam XB0 = $clog2(SW);
            localparam XB  = (XB0 < SB) ? SB : XB0;
            /* verilator lint_off UNUSEDSIGNAL */
            localparam [31:0] SYN32 = SYN;
            wire [XB+NB:0] h_bw = {{(XB+1){1'b0}}, h_off_i[NB-1:0]} + {{(NB+1){1'b0}}, SYN32[XB-1:0]};
            wire [XB+NB:0] u_bw = {{(XB+1){1'b0}}, u1_slot_i} + {{(NB+1){1'b0}}, SYN32[XB-1:0]};
            wire [XB+SB:0] h_sw = {{(XB+1){1'b0}}, h_off_i[SB-1:0]};
            wire [XB+SB:0] s_sw = {{(XB+1){1'b0}}, sy_raddr_i};
            /* verilator lint_on UNUSEDSIGNAL */
            wire            h_bias  = (BSYN != 0) & h_nb_i;
            wire [XB-1:0]   h_w     = h_bias ? h_bw[XB-1:0] : h_sw[XB-1:0];
            reg  [YW-1:0]   stage_q;
            reg             half_q;
            wire [2*YW-1:0] pair;
            wire            h_syn = h_wr_i & (h_syn_i | h_bias);
            wire            pair_we = h_syn & h_w[0];
            wire            nb_re = (BSYN != 0) & (u1_v_i | (h_rd_i & h_nb_i));
            wire [XB-1:0]   nb_ra = u1_v_i ? u_bw[XB-1:0] : h_bw[XB-1:0];
            always @(posedge clk_i) begin
                if (h_syn & ~h_w[0])
                    stage_q <= h_wdata_i[YW-1:0];
                if (nb_re)
                    half_q <= nb_ra[0];
                else if (sy_re_i)
                    half_q <= sy_raddr_i[0];
            end
            loom_spram #(.DW(2*YW), .AW(XB-1), .DEPTH((SW + 1) / 2)) u_syn (
                .clk_i(clk_i), .en_i(sy_re_i | nb_re | pair_we), .we_i(pair_we),
                .addr_i(pair_we ? h_w[XB-1:1] : (nb_re ? nb_ra[XB-1:1] : s_sw[XB-1:1])),
                .wdata_i({h_wdata_i[YW-1:0], stage_q}), .rdata_o(pair));
            assign sy_rdata = half_q ? pair[2*YW-1:YW] : pair[YW-1:0];
        end else if (SP != 0) begin : g_syn_sp1
            // one synapse word per RAM word (words wider than 24 bits: two
            // 16-bit SPRAM columns hold 16 K of them)
            localparam SW  = SYN + ((BSYN != 0) ? N : 0);   // words in all
            localparam XB0 = $clog2(SW);
            localparam XB  = (XB0 < SB) ? SB : XB0;
            /* verilator lint_off UNUSEDSIGNAL */
            localparam [31:0] SYN32 = SYN;
            wire [XB+NB:0] h_bw = {{(XB+1){1'b0}}, h_off_i[NB-1:0]} + {{(NB+1){1'b0}}, SYN32[XB-1:0]};
            wire [XB+NB:0] u_bw = {{(XB+1){1'b0}}, u1_slot_i} + {{(NB+1){1'b0}}, SYN32[XB-1:0]};
            wire [XB+SB:0] h_sw = {{(XB+1){1'b0}}, h_off_i[SB-1:0]};
            wire [XB+SB:0] s_sw = {{(XB+1){1'b0}}, sy_raddr_i};
            /* verilator lint_on UNUSEDSIGNAL */
            wire            h_bias  = (BSYN != 0) & h_nb_i;
            wire [XB-1:0]   h_w     = h_bias ? h_bw[XB-1:0] : h_sw[XB-1:0];
            wire            h_syn = h_wr_i & (h_syn_i | h_bias);
            wire            nb_re = (BSYN != 0) & (u1_v_i | (h_rd_i & h_nb_i));
            wire [XB-1:0]   nb_ra = u1_v_i ? u_bw[XB-1:0] : h_bw[XB-1:0];
            loom_spram #(.DW(YW), .AW(XB), .DEPTH(SW)) u_syn (
                .clk_i(clk_i), .en_i(sy_re_i | nb_re | h_syn), .we_i(h_syn),
                .addr_i(h_syn ? h_w : (nb_re ? nb_ra : s_sw[XB-1:0])),
                .wdata_i(h_wdata_i[YW-1:0]), .rdata_o(sy_rdata));
        end else begin : g_syn_dp
            loom_ram #(.DW(YW), .AW(SB), .DEPTH(SYN)) u_syn (
                .clk_i(clk_i), .re_i(sy_re_i), .raddr_i(sy_raddr_i), .rdata_o(sy_rdata),
                .we_i(h_wr_i & h_syn_i), .waddr_i(h_off_i[SB-1:0]), .wdata_i(h_wdata_i[YW-1:0]));
        end
        if (BSYN != 0) begin : g_nb_syn
            assign nb_rdata_o = sy_rdata[S-1:0];
        end else begin : g_nb_ram
            loom_ram #(.DW(S), .AW(NB), .DEPTH(N)) u_nb (
                .clk_i(clk_i), .re_i(u1_v_i | (h_rd_i & h_nb_i)),
                .raddr_i(u1_v_i ? u1_slot_i : h_off_i[NB-1:0]), .rdata_o(nb_rdata_o),
                .we_i(h_wr_i & h_nb_i), .waddr_i(h_off_i[NB-1:0]), .wdata_i(h_wdata_i[S-1:0]));
        end
    endgenerate
endmodule
