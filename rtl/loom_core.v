// loom_core -- one time-multiplexed LIF core of the Loom array.
//
// A core owns up to N neurons ("slots"), their state and parameters, the
// delay ring of accumulators of those neurons, and the synapses that END in
// them (grouped by source: the fan-out index maps a global source id to a
// run of the synapse memory).  Two datapaths:
//
//   update (one neuron per cycle, slots of one level, ascending; with
//   SP = 1 one every other cycle):
//     U0  read profile index of slot
//     U1  look up profile (SP = 0: register table, theta from the level
//         memory; SP = 1: first profile words from block RAM);
//         read i, v, ring[slot][t mod R]
//     U2  in = sat_S(shift(acc)), decay(i, a_syn), decay(v, a_mem);
//         clear ring[slot][t mod R]; (SP = 1: second profile words)
//     U3  i' = sat(di + in), v' = sat(dv + bias + i'), bias the slot's own
//         (read in U1, see "per-neuron bias" below)
//     U3 (SP = 0) / U4 (SP = 1): spike, reset; write i, v; append slot
//         to the spike list; collect spike bit
//
//   delivery (one synaptic event per cycle):
//     event FIFO (src, x) -> fan-out lookup (entries E[g], E[g+1])
//       -> stream synapse words (dst, w, d), one per cycle
//       D1  read ring[dst][(t+d) mod R], product w*x
//       D2  ring += w*x (wraps modulo 2^A); the word written in the
//           previous cycle is forwarded, so back-to-back events to one
//           accumulator add up correctly.
//
// With a dual-port ring (SP = 0) both run at once: the sequencer lets the
// router feed a level's spikes while that level is being updated.  A
// delivery reads and writes a ring word of a higher level (delay 0) or of
// another step (delay >= 1), never one the update uses, so only the RAM
// ports are shared: D1 waits while U1 uses the same ring RAM (RBANK: one
// RAM per ring word, so only delay-0 events ever wait).  With SP = 1 the
// sequencer alternates them.
//
// The host port (h_*) reaches every memory and register of the core; the
// array only drives it while the sequencer is idle.  Region map (address
// bits [18:16]) is in compiler/loom_map.h / docs/memory-map.md.
module loom_core #(
    parameter W    = 8,     // weight bits
    parameter S    = 16,    // state bits
    parameter A    = 24,    // accumulator bits
    parameter D    = 15,    // max delay (ring of D+1 slots)
    parameter N    = 256,   // neuron slots
    parameter SYN  = 4096,  // synapse words
    parameter P    = 16,    // profiles (<= 32)
    parameter FAN  = 320,   // fan-out index entries (global source ids)
    parameter LMAX = 256,   // levels
    parameter EQ   = 4,     // event FIFO depth (power of two)
    parameter SP   = 0,     // 1: ring and synapses in single-port RAM (UP5K SPRAM)
    parameter RBANK = 0     // 1 (SP = 0 only): one ring RAM per ring word, so
                            // deliveries overlap updates (D+1 RAMs of N words)
) (
    input  wire                 clk_i,
    input  wire                 rst_i,
    // step context from the sequencer
    input  wire [RB-1:0]        tmod_i,
    input  wire                 out_bank_i,
    input  wire                 step_start_i,
    input  wire                 upd_start_i,
    input  wire [LB-1:0]        upd_level_i,
    output wire                 upd_busy_o,
    // events from the router (valid only when every core is ready)
    input  wire                 ev_valid_i,
    input  wire [FB-1:0]        ev_src_i,
    input  wire [15:0]          ev_x_i,
    output wire                 ev_ready_o,
    output wire                 dlv_busy_o,
    output wire                 syn_event_o,
    output wire                 spike_o,
    // spike list of the current level, read by the router
    output wire [NB:0]          spk_count_o,
    input  wire                 spk_re_i,
    input  wire [NB-1:0]        spk_raddr_i,
    output wire [NB-1:0]        spk_rdata_o,
    // host port (sequencer idle only)
    input  wire                 h_valid_i,
    input  wire                 h_we_i,
    input  wire [18:0]          h_addr_i,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [31:0]          h_wdata_i,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire                 h_ready_o,
    output wire [31:0]          h_rdata_o,
    // spike words of the output banks (readable at any time)
    input  wire                 o_re_i,
    input  wire [OB:0]          o_addr_i,
    output wire [31:0]          o_rdata_o,
    output wire                 o_ack_o     // the read of o_addr_i was done: o_rdata_o next cycle
);
    // ---- derived widths --------------------------------------------------
    localparam RB0 = $clog2(D + 1);
    localparam RB  = (RB0 < 1) ? 1 : RB0;           // ring slot bits
    localparam R   = D + 1;
    localparam NB  = (N < 2) ? 1 : $clog2(N);        // slot bits
    localparam SB  = (SYN < 2) ? 1 : $clog2(SYN);    // synapse address bits
    localparam FB  = (FAN < 2) ? 1 : $clog2(FAN);    // source id bits
    localparam LB  = (LMAX < 2) ? 1 : $clog2(LMAX);  // level bits
    localparam PB  = (P < 2) ? 1 : $clog2(P);        // profile index bits
    localparam NW  = (N + 31) / 32;                  // spike words per bank
    localparam OB0 = $clog2(NW);
    localparam OB  = (OB0 < 1) ? 1 : OB0;
    localparam YW  = NB + W + RB;                    // synapse word bits
    localparam EB  = (EQ < 2) ? 1 : $clog2(EQ);
    localparam XW  = A + 16;                         // shift/saturate width
    // level table memory: LMAX level ends, then the profile words (SP = 0:
    // theta of profile p at LMAX + p; SP = 1: two words per profile in two
    // halves, see "profiles" below)
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

    // ---- host decode -------------------------------------------------------
    wire [2:0]  h_reg = h_addr_i[18:16];
    wire [15:0] h_off = h_addr_i[15:0];
    wire h_rd = h_valid_i & ~h_we_i;
    wire h_wr = h_valid_i & h_we_i;
    wire h_misc = (h_reg == 3'd0);
    wire h_lvl  = h_misc & h_off[15];
    wire h_nused = h_misc & (h_off == 16'h0000);
    wire h_prof = h_misc & (h_off[15:8] == 8'h01);
    /* verilator lint_off UNUSEDSIGNAL */
    wire [4:0] h_prof_idx = h_off[7:3];
    /* verilator lint_on UNUSEDSIGNAL */
    wire [2:0] h_prof_fld = h_off[2:0];
    wire h_fo   = (h_reg == 3'd5) & ({16'd0, h_off} < FAN + 1);   // fan-out entry 0..FAN
    wire [PB-1:0] h_pidx = h_prof_idx[PB-1:0];

    reg        h_ready_q;
    reg [2:0]  h_reg_q;
    reg        h_lvl_q;
    reg        h_fo_q, h_fo_odd_q;   // host read of a fan-out entry, odd entry
    reg        h_pfm_q;     // host read of a profile field held in block RAM
    reg [31:0] h_misc_q;
    assign h_ready_o = h_ready_q;

    // sign extension of an S-bit field to a host word
    function [31:0] sx32;
        input [S-1:0] x;
        begin
            sx32 = {{(32-S+1){x[S-1]}}, x[S-2:0]};
        end
    endfunction

    // ---- per-core registers ------------------------------------------------
    reg [NB:0] n_used_q;
    reg [NB:0] n_last_q;     // n_used - 1: the slot whose spike word ends the bank
    always @(posedge clk_i) begin
        if (rst_i) begin
            n_used_q <= {(NB+1){1'b0}};
            n_last_q <= {(NB+1){1'b1}};
        end else if (h_wr & h_nused) begin
            n_used_q <= h_wdata_i[NB:0];
            n_last_q <= h_wdata_i[NB:0] - 1'b1;
        end
    end

    // slots in the update stages U1..U3 (the pipeline is below)
    reg [NB-1:0] u1_slot_q, u2_slot_q, u3_slot_q;

    // ---- memories ----------------------------------------------------------
    // profile index per slot
    wire          px_re;
    wire [NB-1:0] px_raddr;
    wire [PB-1:0] px_rdata;
    loom_ram #(.DW(PB), .AW(NB), .DEPTH(N)) u_pidx (
        .clk_i(clk_i), .re_i(px_re), .raddr_i(px_raddr), .rdata_o(px_rdata),
        .we_i(h_wr & (h_reg == 3'd3)), .waddr_i(h_off[NB-1:0]), .wdata_i(h_wdata_i[PB-1:0]));

    // ---- level table, profiles, output banks ---------------------------------
    // Both builds keep the level ends in the level-table block RAM (read once
    // per level, at upd_start) and the spike words of the two output banks in
    // the output-bank block RAM (written by the collector, read by the bus).
    // The seven profile fields are held
    //   SP = 0 (a neuron per cycle): in flip-flops, theta in the level table;
    //   SP = 1 (a neuron every other cycle): in block RAM words the pipeline
    //     reads in U1 and U2, so only the reset mode (2 bits) is a register:
    //       output-bank memory, word OPF + p: a_syn (low half), a_mem (high half),
    //         read in U1 (the bus's output-word reads wait for the cycles
    //         without a U1, see o_ack_o);
    //       level table, two halves lo / hi of two words per profile:
    //         LMAX + 2p:   lo theta, hi shift   (read in U1, used in U2 / U3)
    //         LMAX + 2p+1: lo unused, hi v_reset (read in U2, used in U3).
    // The bias is no profile field: every slot has its own (below).
    wire [NB:0]   lt_rdata;                  // level end read at upd_start
    wire [12:0]   pf_u2_asyn, pf_u2_amem;     // valid in U2
    wire [4:0]    pf_u2_shift;
    wire [S-1:0]  pf_u3_theta, pf_u3_vreset;   // valid in U3
    wire [1:0]    pf_u3_reset;
    wire [31:0]   pf_ff_d;                    // host read of a register field (same cycle)
    wire          h_pfm;                      // host read of a field in block RAM ...
    wire [31:0]   h_pfm_rdata;                // ... whose value is here the next cycle
    wire          ow_we;                      // spike word of the collector
    wire [OB:0]   ow_waddr;
    wire [31:0]   ow_wdata;
    reg           u1_v_q, u2_v_q;
    // the write-back stage: U4 (SP = 1) or U3 (SP = 0), see below
    wire          w_v;
    wire [NB-1:0] w_slot;
    wire [S-1:0]  w_inew, w_v1, w_theta, w_vreset;
    wire [1:0]    w_reset;
    // zero extensions (written so that no replication count can be 0)
    /* verilator lint_off UNUSEDSIGNAL */
    wire [LTB+LB-1:0] lvl_x   = {{LTB{1'b0}}, h_off[LB-1:0]};
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
                    case (h_prof_fld)
                        3'd0: pf_asyn_q[h_pidx]   <= h_wdata_i[12:0];
                        3'd1: pf_amem_q[h_pidx]   <= h_wdata_i[12:0];
                        3'd3: pf_vreset_q[h_pidx] <= h_wdata_i[S-1:0];
                        3'd4: pf_reset_q[h_pidx]  <= h_wdata_i[1:0];
                        3'd5: pf_shift_q[h_pidx]  <= h_wdata_i[4:0];
                        default: ;
                    endcase
                end
            end
            // One profile lookup serves the update pipeline (U1, index from
            // the pidx memory) and host reads (only while the pipeline is
            // idle), so the wide P:1 multiplexers exist once.
            wire [PB-1:0] pf_idx    = (h_valid_i & h_prof) ? h_pidx : px_rdata;
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
                    3'd3: ff_d = sx32(pf_vreset);
                    3'd4: ff_d = {30'd0, pf_reset};
                    3'd5: ff_d = {{27{pf_shift[4]}}, pf_shift};
                    default: ff_d = 32'd0;
                endcase
            end
            assign pf_ff_d = ff_d;

            // level table: level ends, then theta of profile p at LMAX + p
            /* verilator lint_off UNUSEDSIGNAL */
            wire [LTB+PB-1:0] hp_x = {{LTB{1'b0}}, h_pidx};
            wire [LTB+PB-1:0] up_x = {{LTB{1'b0}}, px_rdata};
            /* verilator lint_on UNUSEDSIGNAL */
            wire              h_th = h_prof & (h_prof_fld == 3'd2);
            wire [LTB-1:0] h_lt_addr = h_lvl ? lvl_x[LTB-1:0] : LT_PF + hp_x[LTB-1:0];
            wire [LW-1:0]  h_lt_data = h_lvl ? hlv_x[LW-1:0] : hth_x[LW-1:0];
            wire           lt_re = upd_start_i | u1_v_q | (h_rd & (h_lvl | h_th));
            wire [LTB-1:0] lt_raddr = upd_start_i ? ulvl_x[LTB-1:0]
                                    : (u1_v_q ? LT_PF + up_x[LTB-1:0] : h_lt_addr);
            wire [LW-1:0]  lt_word;
            loom_ram #(.DW(LW), .AW(LTB), .DEPTH(LTD)) u_lvl (
                .clk_i(clk_i), .re_i(lt_re), .raddr_i(lt_raddr), .rdata_o(lt_word),
                .we_i(h_wr & (h_lvl | h_th)), .waddr_i(h_lt_addr), .wdata_i(h_lt_data));
            assign lt_rdata    = lt_word[NB:0];
            assign h_pfm       = h_th;
            assign h_pfm_rdata = sx32(lt_word[S-1:0]);

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
                .we_i(ow_we), .waddr_i(ow_waddr), .wdata_i(ow_wdata));
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
            wire [LTB+PB:0] up1_x = {{LTB{1'b0}}, px_rdata, 1'b0};
            wire [LTB+PB:0] up2_x = {{LTB{1'b0}}, px_rdata, 1'b1};
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
            wire           lt_re = upd_start_i | u1_v_q | u2_v_q | (h_rd & h_lo);
            wire [LTB-1:0] lt_raddr = upd_start_i ? ulvl_x[LTB-1:0]
                                    : (u1_v_q ? LT_PF + up1_x[LTB-1:0]
                                    : (u2_v_q ? LT_PF + up2_x[LTB-1:0] : h_lt_addr));
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
            wire [OAB+PB-1:0] upo_x = {{OAB{1'b0}}, px_rdata};
            wire [OAB+OB:0]   oa_x  = {{OAB{1'b0}}, o_addr_i};
            wire [OAB+OB:0]   ow_x  = {{OAB{1'b0}}, ow_waddr};
            /* verilator lint_on UNUSEDSIGNAL */
            wire h_dec = h_prof & ((h_prof_fld == 3'd0) | (h_prof_fld == 3'd1));
            wire o_go  = o_re_i & ~u1_v_q;
            wire           or_re = u1_v_q | (h_rd & h_dec) | o_go;
            wire [OAB-1:0] or_addr = u1_v_q ? OPF + upo_x[OAB-1:0]
                                   : ((h_rd & h_dec) ? OPF + hpo_x[OAB-1:0] : oa_x[OAB-1:0]);
            // the host writes only while the pipeline is idle, so the
            // collector's write-back stage selects the write port
            wire [OAB-1:0] ow_addr = w_v ? ow_x[OAB-1:0] : OPF + hpo_x[OAB-1:0];
            wire [15:0]    h_dec_data = {3'd0, h_wdata_i[12:0]};
            wire [15:0]    o_lo, o_hi;
            loom_ram #(.DW(16), .AW(OAB), .DEPTH(ODP)) u_out_lo (
                .clk_i(clk_i), .re_i(or_re), .raddr_i(or_addr), .rdata_o(o_lo),
                .we_i(ow_we | (h_wr & h_prof & (h_prof_fld == 3'd0))), .waddr_i(ow_addr),
                .wdata_i(w_v ? ow_wdata[15:0] : h_dec_data));
            loom_ram #(.DW(16), .AW(OAB), .DEPTH(ODP)) u_out_hi (
                .clk_i(clk_i), .re_i(or_re), .raddr_i(or_addr), .rdata_o(o_hi),
                .we_i(ow_we | (h_wr & h_prof & (h_prof_fld == 3'd1))), .waddr_i(ow_addr),
                .wdata_i(w_v ? ow_wdata[31:16] : h_dec_data));
            assign o_rdata_o = {o_hi, o_lo};
            assign o_ack_o   = o_go;

            // U2 reads the U1 words straight from the RAMs; theta waits a
            // stage, the U2 word (v_reset) arrives in U3; the shift is
            // registered from the flip-flops in U1 (px_rdata holds through U2)
            reg [S-1:0] u3_theta_q;
            reg [1:0]   u3_reset_q;
            reg [4:0]   u2_shift_q;
            always @(posedge clk_i) begin
                u2_shift_q <= pf_shift_q[px_rdata];
                u3_theta_q <= lt_th[S-1:0];
                u3_reset_q <= pf_reset_q[px_rdata];   // px_rdata holds through U2
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
                               : (h_fld_q == 3'd3) ? sx32(lt_vr[S-1:0])
                               : sx32(lt_th[S-1:0]);
        end
    endgenerate

    reg [31:0] h_misc_d;
    always @(*) begin
        h_misc_d = 32'd0;
        if (h_nused)
            h_misc_d = {{(31-NB){1'b0}}, n_used_q};
        else if (h_prof)
            h_misc_d = pf_ff_d;
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            h_ready_q <= 1'b0;
        end else begin
            h_ready_q <= h_valid_i;
        end
        if (h_valid_i) begin
            h_reg_q  <= h_reg;
            h_lvl_q  <= h_lvl;
            h_fo_q   <= h_fo;
            h_fo_odd_q <= h_off[0];
            h_pfm_q  <= h_pfm & ~h_lvl;
            h_misc_q <= h_misc_d;
        end
    end

    // neuron state
    wire          st_re;
    wire [NB-1:0] st_raddr;
    wire [S-1:0]  i_rdata, v_rdata;
    wire          st_we;
    wire [NB-1:0] st_waddr;
    wire [S-1:0]  i_wdata, v_wdata;
    wire          i_we = st_we | (h_wr & (h_reg == 3'd1));
    wire          v_we = st_we | (h_wr & (h_reg == 3'd2));
    wire [NB-1:0] iv_waddr = st_we ? st_waddr : h_off[NB-1:0];
    wire [S-1:0]  i_wd = st_we ? i_wdata : h_wdata_i[S-1:0];
    wire [S-1:0]  v_wd = st_we ? v_wdata : h_wdata_i[S-1:0];
    generate
        if ((SP != 0) && (S > 16)) begin : g_iv_split
            // S > 16 bits as a 16-bit RAM and an (S-16)-bit one each: the
            // iCE40's 1024 x 4 block RAM mode then adds one block per memory
            // (yosys 0.23 maps a 1024 x 18 memory at twice the width)
            loom_ram #(.DW(16), .AW(NB), .DEPTH(N)) u_i (
                .clk_i(clk_i), .re_i(st_re), .raddr_i(st_raddr), .rdata_o(i_rdata[15:0]),
                .we_i(i_we), .waddr_i(iv_waddr), .wdata_i(i_wd[15:0]));
            loom_ram #(.DW(S-16), .AW(NB), .DEPTH(N)) u_ih (
                .clk_i(clk_i), .re_i(st_re), .raddr_i(st_raddr), .rdata_o(i_rdata[S-1:16]),
                .we_i(i_we), .waddr_i(iv_waddr), .wdata_i(i_wd[S-1:16]));
            loom_ram #(.DW(16), .AW(NB), .DEPTH(N)) u_v (
                .clk_i(clk_i), .re_i(st_re), .raddr_i(st_raddr), .rdata_o(v_rdata[15:0]),
                .we_i(v_we), .waddr_i(iv_waddr), .wdata_i(v_wd[15:0]));
            loom_ram #(.DW(S-16), .AW(NB), .DEPTH(N)) u_vh (
                .clk_i(clk_i), .re_i(st_re), .raddr_i(st_raddr), .rdata_o(v_rdata[S-1:16]),
                .we_i(v_we), .waddr_i(iv_waddr), .wdata_i(v_wd[S-1:16]));
        end else begin : g_iv
            loom_ram #(.DW(S), .AW(NB), .DEPTH(N)) u_i (
                .clk_i(clk_i), .re_i(st_re), .raddr_i(st_raddr), .rdata_o(i_rdata),
                .we_i(i_we), .waddr_i(iv_waddr), .wdata_i(i_wd));
            loom_ram #(.DW(S), .AW(NB), .DEPTH(N)) u_v (
                .clk_i(clk_i), .re_i(st_re), .raddr_i(st_raddr), .rdata_o(v_rdata),
                .we_i(v_we), .waddr_i(iv_waddr), .wdata_i(v_wd));
        end
    endgenerate

    // delay ring: word r of slot s, host address {s, r}.  RBK RAMs: with
    // RBANK (dual-port builds only) one RAM per ring word r, holding word r
    // of every slot, so the update (word t mod R only) and the deliveries of
    // delay d >= 1 (word (t+d) mod R) use different RAMs and run in the same
    // cycles; otherwise one RAM of N << RB words.  Ports: see "ring port
    // sharing" below.
    localparam RBK = ((SP == 0) && (RBANK != 0)) ? R : 1;
    wire [A-1:0] rg_upd_rdata;   // U2: the word U1 read
    wire [A-1:0] rg_dlv_rdata;   // D2 and host: the word D1 (or the host) read
    wire         h_ring = (h_reg == 3'd4);

    // fan-out index: entry e (0 <= e <= FAN) holds 1 + the first synapse
    // word of source id e, or 0 ("not given"); source g owns the words
    // [E[g] - 1, E[g+1] - 1) when E[g] != 0 and E[g+1] > E[g], none
    // otherwise (CSR plus one: a loader may skip every entry not next to a
    // source with synapses).  Even and odd entries live in two RAMs, so
    // E[g] and E[g+1] come in one read.
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
    wire [FB+FEB+16:0] fo_h_x   = {{(FB+FEB+1){1'b0}}, h_off};
    /* verilator lint_on UNUSEDSIGNAL */
    wire           fo_h_re  = h_rd & h_fo;
    // source g: E[g] and E[g+1] are the even entry at (g+1)/2 and the odd
    // one at g/2, in either order
    wire [FAE-1:0] fo_ea    = fo_h_re ? fo_h_x[FAE:1] : fo_src_1[FAE:1];
    wire [FAO-1:0] fo_oa    = fo_h_re ? fo_h_x[FAO:1] : fo_src_x[FAO:1];
    wire [SB:0]    fo_even, fo_odd;
    loom_ram #(.DW(SB+1), .AW(FAE), .DEPTH(FDE)) u_fo_even (
        .clk_i(clk_i), .re_i(fo_re | fo_h_re), .raddr_i(fo_ea), .rdata_o(fo_even),
        .we_i(h_wr & h_fo & ~h_off[0]), .waddr_i(fo_h_x[FAE:1]), .wdata_i(h_wdata_i[SB:0]));
    loom_ram #(.DW(SB+1), .AW(FAO), .DEPTH(FDO)) u_fo_odd (
        .clk_i(clk_i), .re_i(fo_re | fo_h_re), .raddr_i(fo_oa), .rdata_o(fo_odd),
        .we_i(h_wr & h_fo & h_off[0]), .waddr_i(fo_h_x[FAO:1]), .wdata_i(h_wdata_i[SB:0]));

    // synapses: {d, w, dst}
    wire          sy_re;
    wire [SB-1:0] sy_raddr;
    wire [YW-1:0] sy_rdata;
    // per-neuron bias: slot s's bias is word s of region 7, read in U1 (the
    // slot in u1_slot_q) and registered into U3.  With SP = 1 (and synapse
    // words at least S bits wide) it is synapse word SYN + s of the
    // single-port synapse memory, which the update has to itself (the
    // sequencer never runs deliveries during an update with SP = 1): the
    // memory holds SYN + N words, so the UP5K's SPRAM also holds the biases;
    // otherwise it is a block RAM of its own.
    localparam BSYN = ((SP != 0) && (YW >= S)) ? 1 : 0;
    wire          h_nb = (h_reg == 3'd7);
    wire [S-1:0]  nb_rdata;                  // the word read in the cycle before
    reg  [S-1:0]  nb_u3_q;                   // the bias of the slot in U3
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
            wire [XB+NB:0] h_bw = {{(XB+1){1'b0}}, h_off[NB-1:0]} + {{(NB+1){1'b0}}, SYN32[XB-1:0]};
            wire [XB+NB:0] u_bw = {{(XB+1){1'b0}}, u1_slot_q} + {{(NB+1){1'b0}}, SYN32[XB-1:0]};
            wire [XB+SB:0] h_sw = {{(XB+1){1'b0}}, h_off[SB-1:0]};
            wire [XB+SB:0] s_sw = {{(XB+1){1'b0}}, sy_raddr};
            /* verilator lint_on UNUSEDSIGNAL */
            wire            h_bias  = (BSYN != 0) & h_nb;
            wire [XB-1:0]   h_w     = h_bias ? h_bw[XB-1:0] : h_sw[XB-1:0];
            reg  [YW-1:0]   stage_q;
            reg             half_q;
            wire [2*YW-1:0] pair;
            wire            h_syn = h_wr & ((h_reg == 3'd6) | h_bias);
            wire            pair_we = h_syn & h_w[0];
            wire            nb_re = (BSYN != 0) & (u1_v_q | (h_rd & h_nb));
            wire [XB-1:0]   nb_ra = u1_v_q ? u_bw[XB-1:0] : h_bw[XB-1:0];
            always @(posedge clk_i) begin
                if (h_syn & ~h_w[0])
                    stage_q <= h_wdata_i[YW-1:0];
                if (nb_re)
                    half_q <= nb_ra[0];
                else if (sy_re)
                    half_q <= sy_raddr[0];
            end
            loom_spram #(.DW(2*YW), .AW(XB-1), .DEPTH((SW + 1) / 2)) u_syn (
                .clk_i(clk_i), .en_i(sy_re | nb_re | pair_we), .we_i(pair_we),
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
            wire [XB+NB:0] h_bw = {{(XB+1){1'b0}}, h_off[NB-1:0]} + {{(NB+1){1'b0}}, SYN32[XB-1:0]};
            wire [XB+NB:0] u_bw = {{(XB+1){1'b0}}, u1_slot_q} + {{(NB+1){1'b0}}, SYN32[XB-1:0]};
            wire [XB+SB:0] h_sw = {{(XB+1){1'b0}}, h_off[SB-1:0]};
            wire [XB+SB:0] s_sw = {{(XB+1){1'b0}}, sy_raddr};
            /* verilator lint_on UNUSEDSIGNAL */
            wire            h_bias  = (BSYN != 0) & h_nb;
            wire [XB-1:0]   h_w     = h_bias ? h_bw[XB-1:0] : h_sw[XB-1:0];
            wire            h_syn = h_wr & ((h_reg == 3'd6) | h_bias);
            wire            nb_re = (BSYN != 0) & (u1_v_q | (h_rd & h_nb));
            wire [XB-1:0]   nb_ra = u1_v_q ? u_bw[XB-1:0] : h_bw[XB-1:0];
            loom_spram #(.DW(YW), .AW(XB), .DEPTH(SW)) u_syn (
                .clk_i(clk_i), .en_i(sy_re | nb_re | h_syn), .we_i(h_syn),
                .addr_i(h_syn ? h_w : (nb_re ? nb_ra : s_sw[XB-1:0])),
                .wdata_i(h_wdata_i[YW-1:0]), .rdata_o(sy_rdata));
        end else begin : g_syn_dp
            loom_ram #(.DW(YW), .AW(SB), .DEPTH(SYN)) u_syn (
                .clk_i(clk_i), .re_i(sy_re), .raddr_i(sy_raddr), .rdata_o(sy_rdata),
                .we_i(h_wr & (h_reg == 3'd6)), .waddr_i(h_off[SB-1:0]), .wdata_i(h_wdata_i[YW-1:0]));
        end
        if (BSYN != 0) begin : g_nb_syn
            assign nb_rdata = sy_rdata[S-1:0];
        end else begin : g_nb_ram
            loom_ram #(.DW(S), .AW(NB), .DEPTH(N)) u_nb (
                .clk_i(clk_i), .re_i(u1_v_q | (h_rd & h_nb)),
                .raddr_i(u1_v_q ? u1_slot_q : h_off[NB-1:0]), .rdata_o(nb_rdata),
                .we_i(h_wr & h_nb), .waddr_i(h_off[NB-1:0]), .wdata_i(h_wdata_i[S-1:0]));
        end
    endgenerate
    always @(posedge clk_i)
        nb_u3_q <= nb_rdata;

    // spike list of the level being updated
    wire          sl_we;
    reg  [NB:0]   spk_cnt_q;
    wire [NB-1:0] sl_wdata;
    loom_ram #(.DW(NB), .AW(NB), .DEPTH(N)) u_spk (
        .clk_i(clk_i), .re_i(spk_re_i), .raddr_i(spk_raddr_i), .rdata_o(spk_rdata_o),
        .we_i(sl_we), .waddr_i(spk_cnt_q[NB-1:0]), .wdata_i(sl_wdata));
    assign spk_count_o = spk_cnt_q;

    // ---- update pipeline ---------------------------------------------------
    reg          lvl_wait_q, upd_run_q;
    reg [NB:0]   slot_q, lvl_end_q;
    reg          u3_v_q;
    // U3 registers (the profile fields come from the profile block above)
    reg [S-1:0]  u3_in_q, u3_di_q, u3_dv_q;
    reg [31:0]   coll_q;

    // single-port ring: a neuron every other cycle (U1 reads, U2 clears);
    // dual-port: no slot issues while a delivery waits for the ring RAM U1
    // holds (d1_stall), so that delivery goes next cycle
    wire d1_stall;
    wire issue = upd_run_q & (slot_q < lvl_end_q) & ~((SP != 0) & u1_v_q) & ~d1_stall;
    assign px_re    = issue | (h_rd & (h_reg == 3'd3));
    assign px_raddr = issue ? slot_q[NB-1:0] : h_off[NB-1:0];
    assign st_re    = u1_v_q | (h_rd & ((h_reg == 3'd1) | (h_reg == 3'd2)));
    assign st_raddr = u1_v_q ? u1_slot_q : h_off[NB-1:0];
    assign upd_busy_o = lvl_wait_q | upd_run_q | u1_v_q | u2_v_q | u3_v_q | w_v;

    always @(posedge clk_i) begin
        if (rst_i) begin
            lvl_wait_q <= 1'b0;
            upd_run_q  <= 1'b0;
            slot_q     <= {(NB+1){1'b0}};
            lvl_end_q  <= {(NB+1){1'b0}};
            u1_v_q <= 1'b0;
            u2_v_q <= 1'b0;
            u3_v_q <= 1'b0;
        end else begin
            lvl_wait_q <= upd_start_i;
            if (lvl_wait_q) begin
                lvl_end_q <= lt_rdata;
                upd_run_q <= 1'b1;
            end else if (upd_run_q & ~(slot_q < lvl_end_q)) begin
                upd_run_q <= 1'b0;
            end
            if (step_start_i)
                slot_q <= {(NB+1){1'b0}};
            else if (issue)
                slot_q <= slot_q + 1'b1;
            u1_v_q <= issue;
            u2_v_q <= u1_v_q;
            u3_v_q <= u2_v_q;
        end
        u1_slot_q <= slot_q[NB-1:0];
        u2_slot_q <= u1_slot_q;
        u3_slot_q <= u2_slot_q;
    end

    // U2: input scaling and the two decays
    /* verilator lint_off UNUSEDSIGNAL */
    wire signed [XW-1:0] acc_x = {{16{rg_upd_rdata[A-1]}}, rg_upd_rdata};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [S-1:0] in_s;                       // sat_S(shift(acc))
    generate
        if (A <= 16) begin : g_shift_dsp
            // acc * 2^shift (shift >= 0) or floor(acc / 2^-shift) (shift < 0)
            // as ONE 16 x 16 multiply (a DSP block instead of two barrel
            // shifters) by 2^k, k = shift mod 16:
            //   0 <= shift <= 14: the product itself;
            //   -16 <= shift <= -2: its upper half (acc * 2^(16+shift) / 2^16);
            //   shift = 15 and -1 need the factor 2^15, which is no 16-bit
            //   signed number: acc << 15 and acc >>> 1 are plain wiring.
            // The product is fully used (see the decays below).
            wire [4:0]          sh  = pf_u2_shift;
            wire signed [15:0]  a16 = acc_x[15:0];
            wire [15:0]         f16 = 16'd1 << sh[3:0];
            wire signed [31:0]  sp  = a16 * $signed(f16);
            wire [31:0] v32 = (sh == 5'd15) ? {a16[15], a16, 15'd0}
                            : (sh == 5'd31) ? {{17{a16[15]}}, a16[15:1]}
                            : (sh[4] ? {{16{sp[31]}}, sp[31:16]} : sp);
            // saturate: the value fits in S bits iff bits 31..S-1 agree
            wire ovf = ~((&v32[31:S-1]) | ~(|v32[31:S-1]));
            assign in_s = ovf ? {v32[31], {(S-1){~v32[31]}}} : v32[S-1:0];
        end else begin : g_shift_lut
            // acc * 2^shift, shift in [-16, 15], floor for shift < 0, as ONE
            // arithmetic right shift: (acc << 15) >>> (15 - shift), where
            // 15 - shift (mod 32) = {shift[4], ~shift[3:0]} is wiring; the
            // result fits in S bits iff its bits XW-1..S-1 agree (no
            // comparators on the path from the ring RAM)
            wire [4:0]           sh    = pf_u2_shift;
            wire [4:0]           ramt  = {sh[4], ~sh[3:0]};
            wire signed [XW-1:0] acc15 = acc_x <<< 15;
            wire signed [XW-1:0] in_x  = acc15 >>> ramt;
            wire ovf = ~((&in_x[XW-1:S-1]) | ~(|in_x[XW-1:S-1]));
            assign in_s = ovf ? {in_x[XW-1], {(S-1){~in_x[XW-1]}}} : in_x[S-1:0];
        end
    endgenerate

    // |x * a| <= 2^(S-1) * 2^12: S+13 bits hold every product, and every
    // bit of it is used (a partly unused product trips yosys 0.23's
    // ice40_dsp pass)
    wire signed [S+12:0] pi = $signed(i_rdata) * $signed({1'b0, pf_u2_asyn});
    wire signed [S+12:0] pv = $signed(v_rdata) * $signed({1'b0, pf_u2_amem});
    /* verilator lint_off UNUSEDSIGNAL */
    wire signed [S+12:0] pi_f = pi >>> 12;
    /* verilator lint_on UNUSEDSIGNAL */
    /* verilator lint_off UNUSEDSIGNAL */
    wire signed [S+12:0] pv_f = pv >>> 12;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [S-1:0] di = pi_f[S-1:0] + {{(S-1){1'b0}}, (pi[S+12] & (|pi[11:0]))};
    wire [S-1:0] dv = pv_f[S-1:0] + {{(S-1){1'b0}}, (pv[S+12] & (|pv[11:0]))};

    always @(posedge clk_i) begin
        u3_in_q     <= in_s;
        u3_di_q     <= di;
        u3_dv_q     <= dv;
    end

    // U3: new state, spike, reset.  Sums are S+2 bits wide (they cannot
    // wrap); one saturates to S bits when its bits S+1..S-1 disagree.
    function [S+1:0] sat2;
        input [S+1:0] x;
        begin
            if ((&x[S+1:S-1]) | ~(|x[S+1:S-1]))
                sat2 = x;
            else
                sat2 = {{3{x[S+1]}}, {(S-1){~x[S+1]}}};
        end
    endfunction
    wire [S+1:0] isum = {{2{u3_di_q[S-1]}}, u3_di_q} + {{2{u3_in_q[S-1]}}, u3_in_q};
    wire [S+1:0] inew = sat2(isum);
    // dv + bias does not wait for inew: one adder less on the long path
    wire [S+1:0] dvb  = {{2{u3_dv_q[S-1]}}, u3_dv_q} + {{2{nb_u3_q[S-1]}}, nb_u3_q};
    wire [S+1:0] vsum = dvb + inew;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [S+1:0] v1   = sat2(vsum);
    /* verilator lint_on UNUSEDSIGNAL */

    // U4 (SP = 1 only): with a neuron every other cycle the threshold,
    // reset and write-back get a stage of their own (the U3 chain in one
    // cycle does not meet 24 MHz on the iCE40UP5K); with SP = 0 they are
    // part of U3.  "w" is the stage that writes back.
    generate
        if (SP != 0) begin : g_u4
            reg          u4_v_q;
            reg [NB-1:0] u4_slot_q;
            reg [S-1:0]  u4_inew_q, u4_v1_q, u4_theta_q, u4_vreset_q;
            reg [1:0]    u4_reset_q;
            always @(posedge clk_i) begin
                if (rst_i)
                    u4_v_q <= 1'b0;
                else
                    u4_v_q <= u3_v_q;
                u4_slot_q   <= u3_slot_q;
                u4_inew_q   <= inew[S-1:0];
                u4_v1_q     <= v1[S-1:0];
                u4_theta_q  <= pf_u3_theta;
                u4_vreset_q <= pf_u3_vreset;
                u4_reset_q  <= pf_u3_reset;
            end
            assign w_v      = u4_v_q;
            assign w_slot   = u4_slot_q;
            assign w_inew   = u4_inew_q;
            assign w_v1     = u4_v1_q;
            assign w_theta  = u4_theta_q;
            assign w_vreset = u4_vreset_q;
            assign w_reset  = u4_reset_q;
        end else begin : g_u3w
            assign w_v      = u3_v_q;
            assign w_slot   = u3_slot_q;
            assign w_inew   = inew[S-1:0];
            assign w_v1     = v1[S-1:0];
            assign w_theta  = pf_u3_theta;
            assign w_vreset = pf_u3_vreset;
            assign w_reset  = pf_u3_reset;
        end
    endgenerate
    wire [S+1:0] wv1  = {{2{w_v1[S-1]}}, w_v1};
    wire [S+1:0] vdif = wv1 - {{2{w_theta[S-1]}}, w_theta};
    wire [S+1:0] vsub = sat2(vdif);
    wire spike = (w_reset != 2'd2) & ~vdif[S+1];     // v1 >= theta
    /* verilator lint_off UNUSEDSIGNAL */
    wire [S+1:0] vnew = ~spike ? wv1 : ((w_reset == 2'd0) ? {{2{w_vreset[S-1]}}, w_vreset} : vsub);
    /* verilator lint_on UNUSEDSIGNAL */

    assign st_we    = w_v;
    assign st_waddr = w_slot;
    assign i_wdata  = w_inew;
    assign v_wdata  = vnew[S-1:0];
    assign sl_we    = w_v & spike;
    assign sl_wdata = w_slot;
    assign spike_o  = w_v & spike;

    // spike bit collector: slots are updated in ascending order during a step
    /* verilator lint_off UNUSEDSIGNAL */
    wire [NB+5:0] slot_x   = {6'd0, w_slot};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [31:0]   coll_new = coll_q | ({31'd0, spike} << slot_x[4:0]);
    wire          coll_last = (slot_x[4:0] == 5'd31) | ({1'b0, w_slot} == n_last_q);
    assign ow_we    = w_v & coll_last;
    assign ow_waddr = {out_bank_i, slot_x[OB+4:5]};
    assign ow_wdata = coll_new;

    always @(posedge clk_i) begin
        if (rst_i | upd_start_i)
            spk_cnt_q <= {(NB+1){1'b0}};
        else if (sl_we)
            spk_cnt_q <= spk_cnt_q + 1'b1;
        if (rst_i | step_start_i)
            coll_q <= 32'd0;
        else if (w_v)
            coll_q <= coll_last ? 32'd0 : coll_new;
    end

    // ---- delivery pipeline -------------------------------------------------
    reg [FB-1:0] fq_src_q [0:EQ-1];
    reg [15:0]   fq_x_q   [0:EQ-1];
    reg [EB-1:0] fq_rd_q, fq_wr_q;
    reg [EB:0]   fq_n_q;
    reg          fl_v_q, fl_odd_q;   // L1: the fan-out RAMs' words of this event are out
    reg [15:0]   fl_x_q;
    reg          lk_v_q, lk_some_q;  // L2: its run, decoded into registers
    reg [15:0]   lk_x_q;
    reg [SB:0]   lk_count_q;
    reg [SB-1:0] lk_start_q;
    reg [SB:0]   rem_q;
    reg [SB-1:0] ptr_q;
    reg [15:0]   sx_q;
    reg          s1_v_q, s2_v_q, wq_v_q;
    reg [15:0]   s1_x_q;
    reg [NB+RB-1:0] s2_addr_q, wq_addr_q;
    reg [A-1:0]  wq_data_q;

    assign ev_ready_o = (fq_n_q != EQ[EB:0]);
    // the run of the looked-up source: [E[g] - 1, E[g+1] - 1), empty unless
    // E[g] != 0 and E[g+1] > E[g]
    // decoded between L1 and L2, so that the RAM read, the subtraction and
    // the stream's start are not one combinational path (24 MHz on the UP5K)
    wire [SB:0] lk_e0    = fl_odd_q ? fo_odd : fo_even;
    wire [SB:0] lk_e1    = fl_odd_q ? fo_even : fo_odd;
    wire [SB+1:0] lk_dif = {1'b0, lk_e1} - {1'b0, lk_e0};   // one subtractor: length and sign
    wire [SB:0] lk_count = lk_dif[SB:0];
    wire        lk_some  = (lk_e0 != {(SB+1){1'b0}}) & ~lk_dif[SB+1] & (lk_count != {(SB+1){1'b0}});
    /* verilator lint_off UNUSEDSIGNAL */
    wire [SB:0] lk_start = lk_e0 - 1'b1;
    /* verilator lint_on UNUSEDSIGNAL */

    // D1 waits one cycle when U1 reads its ring RAM (U2 then writes it, as
    // D2 would): with one ring RAM any delivery, with banks one of delay 0.
    // The update issues no slot in that cycle, so D1 goes in the next one.
    // Such an event goes to a higher level (machine model), so it never
    // touches a word the update uses; only the RAM's ports are shared.
    // single-port ring: a synapse every other cycle (D1 reads, D2 writes)
    wire hold    = ((SP != 0) & s1_v_q) | d1_stall;
    // a source without synapses here is dropped at once, even mid-stream
    wire lk_take = lk_v_q & (~lk_some_q | ((rem_q == {(SB+1){1'b0}}) & ~hold));
    wire fl_adv  = fl_v_q & (~lk_v_q | lk_take);        // L1 -> L2
    wire fq_pop  = (fq_n_q != {(EB+1){1'b0}}) & (~fl_v_q | fl_adv);
    assign fo_re  = fq_pop;
    assign fo_src = fq_src_q[fq_rd_q];

    wire stream_go = lk_take & lk_some_q;
    wire stream_left = (rem_q != {(SB+1){1'b0}});
    wire stream_on = stream_left & ~hold;
    assign sy_re    = stream_on | stream_go | (h_rd & (h_reg == 3'd6));
    assign sy_raddr = stream_on ? ptr_q : (stream_go ? lk_start_q : h_off[SB-1:0]);

    always @(posedge clk_i) begin
        if (rst_i) begin
            fq_rd_q <= {EB{1'b0}};
            fq_wr_q <= {EB{1'b0}};
            fq_n_q  <= {(EB+1){1'b0}};
            fl_v_q  <= 1'b0;
            lk_v_q  <= 1'b0;
            rem_q   <= {(SB+1){1'b0}};
            s1_v_q  <= 1'b0;
            s2_v_q  <= 1'b0;
            wq_v_q  <= 1'b0;
        end else begin
            if (ev_valid_i) begin
                fq_src_q[fq_wr_q] <= ev_src_i;
                fq_x_q[fq_wr_q]   <= ev_x_i;
                fq_wr_q <= fq_wr_q + 1'b1;
            end
            if (fq_pop)
                fq_rd_q <= fq_rd_q + 1'b1;
            fq_n_q <= fq_n_q + {{EB{1'b0}}, ev_valid_i} - {{EB{1'b0}}, fq_pop};
            if (fq_pop) begin
                fl_v_q   <= 1'b1;
                fl_x_q   <= fq_x_q[fq_rd_q];
                fl_odd_q <= fo_src[0];
            end else if (fl_adv) begin
                fl_v_q <= 1'b0;
            end
            if (fl_adv) begin
                lk_v_q     <= 1'b1;
                lk_x_q     <= fl_x_q;
                lk_some_q  <= lk_some;
                lk_count_q <= lk_count;
                lk_start_q <= lk_start[SB-1:0];
            end else if (lk_take) begin
                lk_v_q <= 1'b0;
            end
            if (stream_on) begin
                ptr_q <= ptr_q + 1'b1;
                rem_q <= rem_q - 1'b1;
            end else if (stream_go) begin
                ptr_q <= lk_start_q + 1'b1;
                rem_q <= lk_count_q - 1'b1;
                sx_q  <= lk_x_q;
            end
            s1_v_q <= d1_stall | stream_on | stream_go;
            if (~d1_stall)
                s1_x_q <= stream_on ? sx_q : lk_x_q;
            s2_v_q <= s1_v_q & ~d1_stall;
            wq_v_q <= s2_v_q;
        end
    end

    // D1: decode the synapse word (held by the synapse RAM while D1 waits),
    // read its accumulator, form w*x
    wire [NB-1:0]   y_dst = sy_rdata[NB-1:0];
    wire [W-1:0]    y_w   = sy_rdata[NB+W-1:NB];
    wire [RB-1:0]   y_d   = sy_rdata[YW-1:NB+W];
    wire [RB:0]     r_sum = {1'b0, tmod_i} + {1'b0, y_d};
    /* verilator lint_off UNUSEDSIGNAL */
    wire [RB:0]     r_wrap = (r_sum >= R[RB:0]) ? (r_sum - R[RB:0]) : r_sum;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [RB-1:0]   d1_r   = r_wrap[RB-1:0];
    wire            d1_re  = s1_v_q & ~d1_stall;
    // w*x as a full 32-bit product of 16-bit operands, registered whole: a
    // narrower or partly used product trips an assertion in yosys 0.23's
    // ice40_dsp pass.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0] w32 = {{(32-W){y_w[W-1]}}, y_w};
    wire signed [31:0] prod = $signed(w32[15:0]) * $signed(s1_x_q);
    reg  [31:0]  s2_prod_q;
    /* verilator lint_on UNUSEDSIGNAL */
    always @(posedge clk_i) begin
        s2_addr_q <= {y_dst, d1_r};
        s2_prod_q <= prod;
    end
    wire [A-1:0] s2_inc = s2_prod_q[A-1:0];

    // D2: accumulate, forwarding the previous cycle's write (a read of the
    // word being written returns no defined value, see loom_ram)
    wire [A-1:0] d2_base = (wq_v_q & (wq_addr_q == s2_addr_q)) ? wq_data_q : rg_dlv_rdata;
    wire [A-1:0] d2_sum  = d2_base + s2_inc;
    always @(posedge clk_i) begin
        wq_addr_q <= s2_addr_q;
        wq_data_q <= d2_sum;
    end
    assign syn_event_o = s2_v_q;
    assign dlv_busy_o  = (fq_n_q != {(EB+1){1'b0}}) | fl_v_q | lk_v_q | stream_left | s1_v_q | s2_v_q;

    // ---- ring port sharing -------------------------------------------------
    // update: U1 reads {u1_slot, t mod R}, U2 clears {u2_slot, t mod R};
    // delivery: D1 reads {y_dst, d1_r}, D2 writes {s2_addr}; host: idle only.
    generate
        if (SP != 0) begin : g_ring_sp
            // the sequencer never runs update and delivery together here,
            // and they never read and write the ring in one cycle
            wire [NB+RB-1:0] upd_raddr = {u1_slot_q, tmod_i};
            wire [NB+RB-1:0] upd_waddr = {u2_slot_q, tmod_i};
            wire [NB+RB-1:0] dlv_raddr = {y_dst, d1_r};
            wire             rg_re    = u1_v_q | d1_re | (h_rd & h_ring);
            wire             rg_we    = u2_v_q | s2_v_q | (h_wr & h_ring);
            wire [NB+RB-1:0] rg_raddr = u1_v_q ? upd_raddr : (d1_re ? dlv_raddr : h_off[NB+RB-1:0]);
            wire [NB+RB-1:0] rg_waddr = u2_v_q ? upd_waddr : (s2_v_q ? s2_addr_q : h_off[NB+RB-1:0]);
            wire [A-1:0]     rg_wdata = u2_v_q ? {A{1'b0}} : (s2_v_q ? d2_sum : h_wdata_i[A-1:0]);
            wire [A-1:0]     rg_rdata;
            loom_spram #(.DW(A), .AW(NB+RB), .DEPTH(N << RB)) u_ring (
                .clk_i(clk_i), .en_i(rg_re | rg_we), .we_i(rg_we),
                .addr_i(rg_we ? rg_waddr : rg_raddr), .wdata_i(rg_wdata), .rdata_o(rg_rdata));
            assign rg_upd_rdata = rg_rdata;
            assign rg_dlv_rdata = rg_rdata;
            assign d1_stall = 1'b0;
        end else if (RBK == 1) begin : g_ring_one
            // one RAM: D1 waits for every cycle in which U1 reads
            wire [NB+RB-1:0] upd_raddr = {u1_slot_q, tmod_i};
            wire [NB+RB-1:0] upd_waddr = {u2_slot_q, tmod_i};
            wire [NB+RB-1:0] dlv_raddr = {y_dst, d1_r};
            wire             rg_re    = u1_v_q | d1_re | (h_rd & h_ring);
            wire             rg_we    = u2_v_q | s2_v_q | (h_wr & h_ring);
            wire [NB+RB-1:0] rg_raddr = u1_v_q ? upd_raddr : (d1_re ? dlv_raddr : h_off[NB+RB-1:0]);
            wire [NB+RB-1:0] rg_waddr = u2_v_q ? upd_waddr : (s2_v_q ? s2_addr_q : h_off[NB+RB-1:0]);
            wire [A-1:0]     rg_wdata = u2_v_q ? {A{1'b0}} : (s2_v_q ? d2_sum : h_wdata_i[A-1:0]);
            wire [A-1:0]     rg_rdata;
            loom_ram #(.DW(A), .AW(NB+RB), .DEPTH(N << RB)) u_ring (
                .clk_i(clk_i), .re_i(rg_re), .raddr_i(rg_raddr), .rdata_o(rg_rdata),
                .we_i(rg_we), .waddr_i(rg_waddr), .wdata_i(rg_wdata));
            assign rg_upd_rdata = rg_rdata;
            assign rg_dlv_rdata = rg_rdata;
            assign d1_stall = s1_v_q & u1_v_q;
        end else begin : g_ring_bank
            // R RAMs; U1/U2 use RAM t mod R, D1/D2 RAM (t+d) mod R: they
            // meet only for d = 0, and then D1 waits (d1_stall)
            localparam RP = 1 << RB;                 // R rounded up to a power of two
            wire [RP*A-1:0] bk_rd;                   // read data of every RAM (0 above R)
            reg  [RB-1:0]   rsel_q;                  // RAM of the last delivery / host read
            wire [RB-1:0]   h_r = h_off[RB-1:0];
            wire [NB-1:0]   h_s = h_off[NB+RB-1:RB];
            // one-hot RAM selects, decoded once (bits R and up unused)
            /* verilator lint_off UNUSEDSIGNAL */
            wire [RP-1:0]   t_oh  = {{(RP-1){1'b0}}, 1'b1} << tmod_i;
            wire [RP-1:0]   d1_oh = {{(RP-1){1'b0}}, d1_re} << d1_r;
            wire [RP-1:0]   d2_oh = {{(RP-1){1'b0}}, s2_v_q} << s2_addr_q[RB-1:0];
            wire [RP-1:0]   h_oh  = {{(RP-1){1'b0}}, h_ring} << h_r;
            /* verilator lint_on UNUSEDSIGNAL */
            genvar b;
            for (b = 0; b < RP; b = b + 1) begin : g_bk
                if (b < R) begin : g_ram
                    wire ub_r = u1_v_q & t_oh[b];
                    wire db_r = d1_oh[b];
                    wire ub_w = u2_v_q & t_oh[b];
                    wire db_w = d2_oh[b];
                    wire hb   = h_oh[b];
                    loom_ram #(.DW(A), .AW(NB), .DEPTH(N)) u_ring (
                        .clk_i(clk_i), .re_i(ub_r | db_r | (h_rd & hb)),
                        .raddr_i(ub_r ? u1_slot_q : (db_r ? y_dst : h_s)),
                        .rdata_o(bk_rd[b*A +: A]),
                        .we_i(ub_w | db_w | (h_wr & hb)),
                        .waddr_i(ub_w ? u2_slot_q : (db_w ? s2_addr_q[NB+RB-1:RB] : h_s)),
                        .wdata_i(ub_w ? {A{1'b0}} : (db_w ? d2_sum : h_wdata_i[A-1:0])));
                end else begin : g_none
                    assign bk_rd[b*A +: A] = {A{1'b0}};
                end
            end
            always @(posedge clk_i) begin
                if (d1_re)
                    rsel_q <= d1_r;
                else if (h_rd & h_ring)
                    rsel_q <= h_r;
            end
            assign rg_upd_rdata = bk_rd[tmod_i*A +: A];
            assign rg_dlv_rdata = bk_rd[rsel_q*A +: A];
            assign d1_stall = s1_v_q & u1_v_q & (d1_r == tmod_i);
        end
    endgenerate

    // ---- host read data ----------------------------------------------------
    reg [31:0] h_rdata;
    always @(*) begin
        case (h_reg_q)
            3'd0: h_rdata = h_lvl_q ? {{(31-NB){1'b0}}, lt_rdata}
                          : (h_pfm_q ? h_pfm_rdata : h_misc_q);
            3'd1: h_rdata = sx32(i_rdata);
            3'd2: h_rdata = sx32(v_rdata);
            3'd3: h_rdata = {{(32-PB){1'b0}}, px_rdata};
            3'd4: h_rdata = {{(32-A+1){rg_dlv_rdata[A-1]}}, rg_dlv_rdata[A-2:0]};
            3'd5: h_rdata = h_fo_q ? {{(31-SB){1'b0}}, h_fo_odd_q ? fo_odd : fo_even} : 32'd0;
            3'd6: h_rdata = {{(32-YW){1'b0}}, sy_rdata};
            3'd7: h_rdata = sx32(nb_rdata);
            default: h_rdata = 32'd0;
        endcase
    end
    assign h_rdata_o = h_rdata;
endmodule
