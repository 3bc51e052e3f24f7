// loom_core_prof -- the level table, the neuron profiles and the output
// spike banks of one core (rtl/loom_core.v).
//
// Both builds keep the level ends in the level-table block RAM (read once
// per level, at upd_start) and the spike words of the two output banks in
// the output-bank block RAM (written by the update's collector, read by the
// bus).  The seven profile fields are held
//   SP = 0 (a neuron per cycle): in flip-flops, theta in the level table;
//   SP = 1 (a neuron every other cycle): in block RAM words the pipeline
//     reads in U1 and U2, so only the reset mode (2 bits) is a register:
//       output-bank memory, word OPF + p: a_syn (low half), a_mem (high half),
//         read in U1 (the bus's output-word reads wait for the cycles
//         without a U1, see o_ack_o);
//       level table, two halves lo / hi of two words per profile:
//         LMAX + 2p:   lo theta, hi shift   (read in U1, used in U2 / U3)
//         LMAX + 2p+1: lo unused, hi v_reset (read in U2, used in U3).
// The bias is no profile field: every slot has its own (loom_core_syn).
// The profile index comes from the update's pidx memory (px_rdata_i, valid
// in U1 and, with SP = 1, held through U2).
module loom_core_prof #(
    parameter S    = 16,    // state bits
    parameter N    = 256,   // neuron slots
    parameter P    = 16,    // profiles (<= 32)
    parameter LMAX = 256,   // levels
    parameter SP   = 0      // 1: profile fields in block RAM (a neuron every other cycle)
) (
    input  wire              clk_i,
    // update pipeline
    input  wire              upd_start_i,
    input  wire [LB-1:0]     upd_level_i,
    output wire [NB:0]       lt_rdata_o,     // level end (read at upd_start) / host level word
    input  wire [PB-1:0]     px_rdata_i,     // profile index of the slot in U1
    input  wire              u1_v_i,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire              u2_v_i,         // SP = 1 only
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [12:0]       pf_u2_asyn_o,   // valid in U2
    output wire [12:0]       pf_u2_amem_o,
    output wire [4:0]        pf_u2_shift_o,
    output wire [S-1:0]      pf_u3_theta_o,  // valid in U3
    output wire [S-1:0]      pf_u3_vreset_o,
    output wire [1:0]        pf_u3_reset_o,
    // spike words of the collector (write-back stage w)
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire              w_v_i,          // SP = 1 only
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire              ow_we_i,
    input  wire [OB:0]       ow_waddr_i,
    input  wire [31:0]       ow_wdata_i,
    // output banks, read by the bus
    input  wire              o_re_i,
    input  wire [OB:0]       o_addr_i,
    output wire [31:0]       o_rdata_o,
    output wire              o_ack_o,
    // host: misc region (levels, profiles)
    input  wire              h_valid_i,
    input  wire              h_rd_i,
    input  wire              h_wr_i,
    input  wire              h_prof_i,       // profile field
    input  wire              h_lvl_i,        // level word
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [15:0]       h_off_i,
    input  wire [31:0]       h_wdata_i,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [31:0]       pf_ff_d_o,      // host read of a register field (same cycle)
    output wire              h_pfm_o,        // host read of a field in block RAM ...
    output wire [31:0]       h_pfm_rdata_o   // ... whose value is here the next cycle
);
    localparam NB  = (N < 2) ? 1 : $clog2(N);        // slot bits
    localparam LB  = (LMAX < 2) ? 1 : $clog2(LMAX);  // level bits
    localparam PB  = (P < 2) ? 1 : $clog2(P);        // profile index bits
    localparam NW  = (N + 31) / 32;                  // spike words per bank
    localparam OB0 = $clog2(NW);
    localparam OB  = (OB0 < 1) ? 1 : OB0;
    // level table memory: LMAX level ends, then the profile words (SP = 0:
    // theta of profile p at LMAX + p; SP = 1: two words per profile in two
    // halves)
    localparam PFW = (SP != 0) ? 2 : 1;              // level-memory words per profile
    localparam LTD = LMAX + PFW * P;
    localparam LTB = (LTD < 2) ? 1 : $clog2(LTD);
    localparam LW  = (S > NB + 1) ? S : NB + 1;
    /* verilator lint_off UNUSEDSIGNAL */
    localparam [31:0] LT_PF32 = LMAX;
    localparam [31:0] OPF32   = 2 << OB;
    /* verilator lint_on UNUSEDSIGNAL */
    localparam [LTB-1:0] LT_PF = LT_PF32[LTB-1:0];     // first profile entry
    // output-bank memory: 2 banks of NW spike words, then (SP = 1) the
    // decay factors of the P profiles
    localparam ODP = (2 << OB) + ((SP != 0) ? P : 0);
    localparam OAB = $clog2(ODP);
    localparam [OAB-1:0] OPF = OPF32[OAB-1:0];         // first profile word

    // sign extension of an S-bit field to a host word
    function [31:0] pf_sx32;
        input [S-1:0] x;
        begin
            pf_sx32 = {{(32-S+1){x[S-1]}}, x[S-2:0]};
        end
    endfunction

    wire h_rd   = h_rd_i;
    wire h_wr   = h_wr_i;
    wire h_prof = h_prof_i;
    wire h_lvl  = h_lvl_i;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [4:0] h_prof_idx = h_off_i[7:3];
    /* verilator lint_on UNUSEDSIGNAL */
    wire [2:0] h_prof_fld = h_off_i[2:0];
    wire [PB-1:0] h_pidx = h_prof_idx[PB-1:0];

    wire [NB:0]   lt_rdata;                  // level end read at upd_start
    wire [12:0]   pf_u2_asyn, pf_u2_amem;     // valid in U2
    wire [4:0]    pf_u2_shift;
    wire [S-1:0]  pf_u3_theta, pf_u3_vreset;   // valid in U3
    wire [1:0]    pf_u3_reset;
    wire [31:0]   pf_ff_d;
    wire          h_pfm;
    wire [31:0]   h_pfm_rdata;
    // zero extensions (written so that no replication count can be 0)
    /* verilator lint_off UNUSEDSIGNAL */
    wire [LTB+LB-1:0] lvl_x   = {{LTB{1'b0}}, h_off_i[LB-1:0]};
    wire [LTB+LB-1:0] ulvl_x  = {{LTB{1'b0}}, upd_level_i};
    wire [LW+NB:0]    hlv_x   = {{LW{1'b0}}, h_wdata_i[NB:0]};
    wire [LW+S-1:0]   hth_x   = {{LW{1'b0}}, h_wdata_i[S-1:0]};
    /* verilator lint_on UNUSEDSIGNAL */

    generate
        if (SP == 0) begin : g_pf_ff
            reg [12:0]  pf_asyn_q   [0:P-1];
            reg [12:0]  pf_amem_q   [0:P-1];
            reg [S-1:0] pf_vreset_q [0:P-1];
            reg [1:0]   pf_reset_q  [0:P-1];
            reg [4:0]   pf_shift_q  [0:P-1];
            always @(posedge clk_i) begin
                if (h_wr & h_prof) begin
`ifdef VERILATOR
                    // blocking: the host writes a profile only while the
                    // pipeline is idle, and no read uses the word in the
                    // cycle it is written (no delayed copy per array)
                    /* verilator lint_off BLKSEQ */
                    case (h_prof_fld)
                        3'd0: pf_asyn_q[h_pidx]   = h_wdata_i[12:0];
                        3'd1: pf_amem_q[h_pidx]   = h_wdata_i[12:0];
                        3'd3: pf_vreset_q[h_pidx] = h_wdata_i[S-1:0];
                        3'd4: pf_reset_q[h_pidx]  = h_wdata_i[1:0];
                        3'd5: pf_shift_q[h_pidx]  = h_wdata_i[4:0];
                        default: ;
                    endcase
                    /* verilator lint_on BLKSEQ */
`else
                    case (h_prof_fld)
                        3'd0: pf_asyn_q[h_pidx]   <= h_wdata_i[12:0];
                        3'd1: pf_amem_q[h_pidx]   <= h_wdata_i[12:0];
                        3'd3: pf_vreset_q[h_pidx] <= h_wdata_i[S-1:0];
                        3'd4: pf_reset_q[h_pidx]  <= h_wdata_i[1:0];
                        3'd5: pf_shift_q[h_pidx]  <= h_wdata_i[4:0];
                        default: ;
                    endcase
`endif
                end
            end
            // One profile lookup serves the update pipeline (U1, index from
            // the pidx memory) and host reads (only while the pipeline is
            // idle), so the wide P:1 multiplexers exist once.
            wire [PB-1:0] pf_idx    = (h_valid_i & h_prof) ? h_pidx : px_rdata_i;
            wire [12:0]   pf_asyn   = pf_asyn_q[pf_idx];
            wire [12:0]   pf_amem   = pf_amem_q[pf_idx];
            wire [S-1:0]  pf_vreset = pf_vreset_q[pf_idx];
            wire [1:0]    pf_reset  = pf_reset_q[pf_idx];
            wire [4:0]    pf_shift  = pf_shift_q[pf_idx];
            reg  [31:0]   ff_d;
            always @(*) begin
                case (h_prof_fld)
                    3'd0: ff_d = {19'd0, pf_asyn};
                    3'd1: ff_d = {19'd0, pf_amem};
                    3'd3: ff_d = pf_sx32(pf_vreset);
                    3'd4: ff_d = {30'd0, pf_reset};
                    3'd5: ff_d = {{27{pf_shift[4]}}, pf_shift};
                    default: ff_d = 32'd0;
                endcase
            end
            assign pf_ff_d = ff_d;

            // level table: level ends, then theta of profile p at LMAX + p
            /* verilator lint_off UNUSEDSIGNAL */
            wire [LTB+PB-1:0] hp_x = {{LTB{1'b0}}, h_pidx};
            wire [LTB+PB-1:0] up_x = {{LTB{1'b0}}, px_rdata_i};
            /* verilator lint_on UNUSEDSIGNAL */
            wire              h_th = h_prof & (h_prof_fld == 3'd2);
            wire [LTB-1:0] h_lt_addr = h_lvl ? lvl_x[LTB-1:0] : LT_PF + hp_x[LTB-1:0];
            wire [LW-1:0]  h_lt_data = h_lvl ? hlv_x[LW-1:0] : hth_x[LW-1:0];
            wire           lt_re = upd_start_i | u1_v_i | (h_rd & (h_lvl | h_th));
            wire [LTB-1:0] lt_raddr = upd_start_i ? ulvl_x[LTB-1:0]
                                    : (u1_v_i ? LT_PF + up_x[LTB-1:0] : h_lt_addr);
            wire [LW-1:0]  lt_word;
            loom_ram #(.DW(LW), .AW(LTB), .DEPTH(LTD)) u_lvl (
                .clk_i(clk_i), .re_i(lt_re), .raddr_i(lt_raddr), .rdata_o(lt_word),
                .we_i(h_wr & (h_lvl | h_th)), .waddr_i(h_lt_addr), .wdata_i(h_lt_data));
            assign lt_rdata    = lt_word[NB:0];
            assign h_pfm       = h_th;
            assign h_pfm_rdata = pf_sx32(lt_word[S-1:0]);

            // U1: profile lookup; U2: theta from the level table
            reg [12:0]  u2_asyn_q, u2_amem_q;
            reg [S-1:0] u2_vreset_q;
            reg [1:0]   u2_reset_q;
            reg [4:0]   u2_shift_q;
            reg [S-1:0] u3_theta_q, u3_vreset_q;
            reg [1:0]   u3_reset_q;
            always @(posedge clk_i) begin
                u2_asyn_q   <= pf_asyn;
                u2_amem_q   <= pf_amem;
                u2_vreset_q <= pf_vreset;
                u2_reset_q  <= pf_reset;
                u2_shift_q  <= pf_shift;
                u3_theta_q  <= lt_word[S-1:0];
                u3_vreset_q <= u2_vreset_q;
                u3_reset_q  <= u2_reset_q;
            end
            assign pf_u2_asyn   = u2_asyn_q;
            assign pf_u2_amem   = u2_amem_q;
            assign pf_u2_shift  = u2_shift_q;
            assign pf_u3_theta  = u3_theta_q;
            assign pf_u3_vreset = u3_vreset_q;
            assign pf_u3_reset  = u3_reset_q;

            // spike words, two banks {bank, word}
            loom_ram #(.DW(32), .AW(OB+1), .DEPTH(2 << OB)) u_out (
                .clk_i(clk_i), .re_i(o_re_i), .raddr_i(o_addr_i), .rdata_o(o_rdata_o),
                .we_i(ow_we_i), .waddr_i(ow_waddr_i), .wdata_i(ow_wdata_i));
            assign o_ack_o = o_re_i;
        end else begin : g_pf_ram
            // reset mode and input shift: the fields left in flip-flops
            reg [1:0] pf_reset_q [0:P-1];
            reg [4:0] pf_shift_q [0:P-1];
            always @(posedge clk_i) begin
                if (h_wr & h_prof & (h_prof_fld == 3'd4))
                    pf_reset_q[h_pidx] <= h_wdata_i[1:0];
                if (h_wr & h_prof & (h_prof_fld == 3'd5))
                    pf_shift_q[h_pidx] <= h_wdata_i[4:0];
            end
            wire [4:0] h_shift = pf_shift_q[h_pidx];
            assign pf_ff_d = (h_prof_fld == 3'd4) ? {30'd0, pf_reset_q[h_pidx]}
                           : (h_prof_fld == 3'd5) ? {{27{h_shift[4]}}, h_shift} : 32'd0;

            // level table halves lo / hi, at most 16 bits wide each (one
            // block RAM each on the iCE40 up to 256 words): the level ends
            // in lo, then two words per profile at LMAX + 2p (+1):
            //   LMAX + 2p:   lo theta[15:0],           hi theta[S-1:16]
            //   LMAX + 2p+1: lo v_reset[S-1:16],       hi v_reset[15:0]
            // (the high parts only when S > 16; S <= 32)
            localparam HLO = (S > 16) ? 16 : S;            // low-part bits
            localparam LLW = (HLO > NB + 1) ? HLO : NB + 1; // lo RAM width
            /* verilator lint_off UNUSEDSIGNAL */
            wire [LTB+PB:0] hp2_x = {{LTB{1'b0}}, h_pidx, (h_prof_fld == 3'd3)};
            wire [LTB+PB:0] up1_x = {{LTB{1'b0}}, px_rdata_i, 1'b0};
            wire [LTB+PB:0] up2_x = {{LTB{1'b0}}, px_rdata_i, 1'b1};
            wire [LLW+31:0] hw_lo_x = {{LLW{1'b0}}, h_wdata_i};
            wire [LLW+15:0] hw_hi_x = {{LLW{1'b0}}, h_wdata_i[31:16]};
            /* verilator lint_on UNUSEDSIGNAL */
            wire h_th = h_prof & (h_prof_fld == 3'd2);
            wire h_vr = h_prof & (h_prof_fld == 3'd3);
            wire h_lo = h_lvl | h_th | h_vr;
            wire h_hi = h_th | h_vr;
            wire [LTB-1:0] h_lt_addr = h_lvl ? lvl_x[LTB-1:0] : LT_PF + hp2_x[LTB-1:0];
            wire [LLW-1:0] h_lo_data = h_lvl ? hlv_x[LLW-1:0]
                                     : (h_vr ? hw_hi_x[LLW-1:0] : hw_lo_x[LLW-1:0]);
            wire [HLO-1:0] h_hi_data = h_vr ? h_wdata_i[HLO-1:0] : hw_hi_x[HLO-1:0];
            wire           lt_re = upd_start_i | u1_v_i | u2_v_i | (h_rd & h_lo);
            wire [LTB-1:0] lt_raddr = upd_start_i ? ulvl_x[LTB-1:0]
                                    : (u1_v_i ? LT_PF + up1_x[LTB-1:0]
                                    : (u2_v_i ? LT_PF + up2_x[LTB-1:0] : h_lt_addr));
            wire [LLW-1:0] lt_lo;
            wire [HLO-1:0] lt_hi;
            loom_ram #(.DW(LLW), .AW(LTB), .DEPTH(LTD)) u_lvl_lo (
                .clk_i(clk_i), .re_i(lt_re), .raddr_i(lt_raddr), .rdata_o(lt_lo),
                .we_i(h_wr & h_lo), .waddr_i(h_lt_addr), .wdata_i(h_lo_data));
            loom_ram #(.DW(HLO), .AW(LTB), .DEPTH(LTD)) u_lvl_hi (
                .clk_i(clk_i), .re_i(lt_re), .raddr_i(lt_raddr), .rdata_o(lt_hi),
                .we_i(h_wr & h_hi), .waddr_i(h_lt_addr), .wdata_i(h_hi_data));
            assign lt_rdata = lt_lo[NB:0];
            /* verilator lint_off UNUSEDSIGNAL */
            wire [2*HLO-1:0]   lt_th = {lt_hi, lt_lo[HLO-1:0]};   // theta: word 2p
            wire [HLO+LLW-1:0] lt_vr = {lt_lo, lt_hi};            // v_reset: word 2p+1
            /* verilator lint_on UNUSEDSIGNAL */

            // output-bank memory halves: spike words, then the decay factors.
            // Its read port: U1 first, then host profile reads (idle only,
            // so never with U1), then the bus's output-word reads.
            /* verilator lint_off UNUSEDSIGNAL */
            wire [OAB+PB-1:0] hpo_x = {{OAB{1'b0}}, h_pidx};
            wire [OAB+PB-1:0] upo_x = {{OAB{1'b0}}, px_rdata_i};
            wire [OAB+OB:0]   oa_x  = {{OAB{1'b0}}, o_addr_i};
            wire [OAB+OB:0]   ow_x  = {{OAB{1'b0}}, ow_waddr_i};
            /* verilator lint_on UNUSEDSIGNAL */
            wire h_dec = h_prof & ((h_prof_fld == 3'd0) | (h_prof_fld == 3'd1));
            wire o_go  = o_re_i & ~u1_v_i;
            wire           or_re = u1_v_i | (h_rd & h_dec) | o_go;
            wire [OAB-1:0] or_addr = u1_v_i ? OPF + upo_x[OAB-1:0]
                                   : ((h_rd & h_dec) ? OPF + hpo_x[OAB-1:0] : oa_x[OAB-1:0]);
            // the host writes only while the pipeline is idle, so the
            // collector's write-back stage selects the write port
            wire [OAB-1:0] ow_addr = w_v_i ? ow_x[OAB-1:0] : OPF + hpo_x[OAB-1:0];
            wire [15:0]    h_dec_data = {3'd0, h_wdata_i[12:0]};
            wire [15:0]    o_lo, o_hi;
            loom_ram #(.DW(16), .AW(OAB), .DEPTH(ODP)) u_out_lo (
                .clk_i(clk_i), .re_i(or_re), .raddr_i(or_addr), .rdata_o(o_lo),
                .we_i(ow_we_i | (h_wr & h_prof & (h_prof_fld == 3'd0))), .waddr_i(ow_addr),
                .wdata_i(w_v_i ? ow_wdata_i[15:0] : h_dec_data));
            loom_ram #(.DW(16), .AW(OAB), .DEPTH(ODP)) u_out_hi (
                .clk_i(clk_i), .re_i(or_re), .raddr_i(or_addr), .rdata_o(o_hi),
                .we_i(ow_we_i | (h_wr & h_prof & (h_prof_fld == 3'd1))), .waddr_i(ow_addr),
                .wdata_i(w_v_i ? ow_wdata_i[31:16] : h_dec_data));
            assign o_rdata_o = {o_hi, o_lo};
            assign o_ack_o   = o_go;

            // U2 reads the U1 words straight from the RAMs; theta waits a
            // stage, the U2 word (v_reset) arrives in U3; the shift is
            // registered from the flip-flops in U1 (px_rdata_i holds through U2)
            reg [S-1:0] u3_theta_q;
            reg [1:0]   u3_reset_q;
            reg [4:0]   u2_shift_q;
            always @(posedge clk_i) begin
                u2_shift_q <= pf_shift_q[px_rdata_i];
                u3_theta_q <= lt_th[S-1:0];
                u3_reset_q <= pf_reset_q[px_rdata_i];   // px_rdata_i holds through U2
            end
            assign pf_u2_asyn   = o_lo[12:0];
            assign pf_u2_amem   = o_hi[12:0];
            assign pf_u2_shift  = u2_shift_q;
            assign pf_u3_theta  = u3_theta_q;
            assign pf_u3_vreset = lt_vr[S-1:0];
            assign pf_u3_reset  = u3_reset_q;

            // host reads of the RAM fields: the field selects the half
            reg [2:0] h_fld_q;
            always @(posedge clk_i)
                if (h_valid_i)
                    h_fld_q <= h_prof_fld;
            assign h_pfm = h_dec | h_lo;
            assign h_pfm_rdata = (h_fld_q == 3'd0) ? {19'd0, o_lo[12:0]}
                               : (h_fld_q == 3'd1) ? {19'd0, o_hi[12:0]}
                               : (h_fld_q == 3'd3) ? pf_sx32(lt_vr[S-1:0])
                               : pf_sx32(lt_th[S-1:0]);
        end
    endgenerate
    assign lt_rdata_o     = lt_rdata;
    assign pf_u2_asyn_o   = pf_u2_asyn;
    assign pf_u2_amem_o   = pf_u2_amem;
    assign pf_u2_shift_o  = pf_u2_shift;
    assign pf_u3_theta_o  = pf_u3_theta;
    assign pf_u3_vreset_o = pf_u3_vreset;
    assign pf_u3_reset_o  = pf_u3_reset;
    assign pf_ff_d_o      = pf_ff_d;
    assign h_pfm_o        = h_pfm;
    assign h_pfm_rdata_o  = h_pfm_rdata;
endmodule
