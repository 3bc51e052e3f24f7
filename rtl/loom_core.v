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
//
// This module is the host port (decode, per-core registers, read data) and
// the wiring of the stages, one file each:
//   loom_core_upd.v   update pipeline U0..U4: slot sequencing, the pidx, i,
//                     v and spike-list memories, the arithmetic, the
//                     spike-bit collector
//   loom_core_prof.v  level table, profiles, output spike banks
//   loom_core_dlv.v   delivery: event FIFO, fan-out index and lookup,
//                     synapse stream, D1 / D2
//   loom_core_syn.v   synapse memory and per-neuron bias words
//   loom_core_ring.v  the delay ring and the sharing of its RAM ports
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
    parameter RBANK = 0,    // 1 (SP = 0 only): one ring RAM per ring word, so
                            // deliveries overlap updates (D+1 RAMs of N words)
    parameter BOUND = 0,    // 1: the update waits below upd_bound_i (K > 1
                            // dual-port arrays: inputs overlap the update)
    parameter MAXIN = 64    // input channels (source ids below it)
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
    input  wire [NB:0]          upd_bound_i,    // slots below it may update (BOUND = 1)
    // events from the router (valid only when every core is ready)
    input  wire                 ev_valid_i,
    input  wire [FB-1:0]        ev_src_i,
    input  wire [15:0]          ev_x_i,
    output wire                 ev_ready_o,
    output wire                 dlv_busy_o,
    output wire                 syn_event_o,
    output wire                 ev_done_o,      // an event's last word is written (SP = 0)
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
    localparam NB  = (N < 2) ? 1 : $clog2(N);        // slot bits
    localparam SB  = (SYN < 2) ? 1 : $clog2(SYN);    // synapse address bits
    localparam FB  = (FAN < 2) ? 1 : $clog2(FAN);    // source id bits
    localparam LB  = (LMAX < 2) ? 1 : $clog2(LMAX);  // level bits
    localparam PB  = (P < 2) ? 1 : $clog2(P);        // profile index bits
    localparam NW  = (N + 31) / 32;                  // spike words per bank
    localparam OB0 = $clog2(NW);
    localparam OB  = (OB0 < 1) ? 1 : OB0;
    localparam YW  = NB + W + RB;                    // synapse word bits

    // ---- host decode -------------------------------------------------------
    // The access is registered here, its address and the address decode
    // with it: the array's bus decode, the sequencer's idle test and the
    // link's address register do not reach the memories' address and enable
    // multiplexers in the same cycle (27 MHz on the UP5K).  The master holds
    // address and data until h_ready_o, which comes a cycle later for it.
    wire [2:0]  hi_reg = h_addr_i[18:16];
    wire [15:0] hi_off = h_addr_i[15:0];
    reg         h_valid_q, h_we_q;
    reg  [18:0] h_addr_q;
    reg         hd_lvl_q, hd_nused_q, hd_prof_q, hd_fo_q;
    always @(posedge clk_i) begin
        h_valid_q  <= h_valid_i & ~rst_i;
        h_we_q     <= h_we_i;
        h_addr_q   <= h_addr_i;
        hd_lvl_q   <= (hi_reg == 3'd0) & hi_off[15];
        hd_nused_q <= (hi_reg == 3'd0) & (hi_off == 16'h0000);
        hd_prof_q  <= (hi_reg == 3'd0) & (hi_off[15:8] == 8'h01);
        hd_fo_q    <= (hi_reg == 3'd5) & ({16'd0, hi_off} < FAN + 1);   // fan-out entry 0..FAN
    end
    wire [2:0]  h_reg = h_addr_q[18:16];
    wire [15:0] h_off = h_addr_q[15:0];
    wire h_valid = h_valid_q;
    wire h_rd = h_valid & ~h_we_q;
    wire h_wr = h_valid & h_we_q;
    wire h_lvl  = hd_lvl_q;
    wire h_nused = hd_nused_q;
    wire h_prof = hd_prof_q;
    wire h_fo   = hd_fo_q;
    wire h_ring = (h_reg == 3'd4);

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

    // ---- stage wiring --------------------------------------------------------
    // update <-> profiles / level table / output banks
    wire [NB:0]   lt_rdata;
    wire [PB-1:0] px_rdata;
    wire [12:0]   pf_u2_asyn, pf_u2_amem;
    wire [4:0]    pf_u2_shift;
    wire [S-1:0]  pf_u3_theta, pf_u3_vreset;
    wire [1:0]    pf_u3_reset;
    wire          w_v, ow_we;
    wire [OB:0]   ow_waddr;
    wire [31:0]   ow_wdata;
    wire [31:0]   pf_ff_d;
    wire          h_pfm;
    wire [31:0]   h_pfm_rdata;
    // update stages U1, U2 (ring, bias, profiles)
    wire          u1_v, u2_v;
    wire [NB-1:0] u1_slot, u2_slot;
    wire [S-1:0]  i_rdata, v_rdata, nb_rdata;
    // delivery <-> synapse memory and ring
    wire          sy_re;
    wire [SB-1:0] sy_raddr;
    wire [YW-1:0] sy_rdata;
    wire          d1_stall, s1_v, s2_v;
    wire [NB-1:0] d1_dst;
    wire [RB-1:0] d1_r;
    wire [NB+RB-1:0] s2_addr;
    wire [A-1:0]  d2_sum, rg_upd_rdata, rg_dlv_rdata;
    wire [SB:0]   fo_even, fo_odd;

    loom_core_upd #(.S(S), .A(A), .N(N), .P(P), .SP(SP), .BOUND(BOUND)) u_upd (
        .clk_i(clk_i), .rst_i(rst_i),
        .out_bank_i(out_bank_i), .step_start_i(step_start_i), .upd_start_i(upd_start_i),
        .upd_busy_o(upd_busy_o), .n_last_i(n_last_q), .lvl_end_i(lt_rdata),
        .px_rdata_o(px_rdata),
        .pf_u2_asyn_i(pf_u2_asyn), .pf_u2_amem_i(pf_u2_amem), .pf_u2_shift_i(pf_u2_shift),
        .pf_u3_theta_i(pf_u3_theta), .pf_u3_vreset_i(pf_u3_vreset), .pf_u3_reset_i(pf_u3_reset),
        .u1_v_o(u1_v), .u1_slot_o(u1_slot), .u2_v_o(u2_v), .u2_slot_o(u2_slot),
        .acc_i(rg_upd_rdata), .bias_i(nb_rdata), .d1_stall_i(d1_stall), .bound_i(upd_bound_i),
        .yield_i(in_word),
        .w_v_o(w_v), .ow_we_o(ow_we), .ow_waddr_o(ow_waddr), .ow_wdata_o(ow_wdata),
        .spike_o(spike_o),
        .spk_count_o(spk_count_o), .spk_re_i(spk_re_i), .spk_raddr_i(spk_raddr_i),
        .spk_rdata_o(spk_rdata_o),
        .h_rd_i(h_rd), .h_wr_i(h_wr), .h_reg_i(h_reg), .h_slot_i(h_off[NB-1:0]),
        .h_wdata_i(h_wdata_i), .i_rdata_o(i_rdata), .v_rdata_o(v_rdata));

    loom_core_prof #(.S(S), .N(N), .P(P), .LMAX(LMAX), .SP(SP)) u_prof (
        .clk_i(clk_i), .upd_start_i(upd_start_i), .upd_level_i(upd_level_i),
        .lt_rdata_o(lt_rdata), .px_rdata_i(px_rdata), .u1_v_i(u1_v), .u2_v_i(u2_v),
        .pf_u2_asyn_o(pf_u2_asyn), .pf_u2_amem_o(pf_u2_amem), .pf_u2_shift_o(pf_u2_shift),
        .pf_u3_theta_o(pf_u3_theta), .pf_u3_vreset_o(pf_u3_vreset), .pf_u3_reset_o(pf_u3_reset),
        .w_v_i(w_v), .ow_we_i(ow_we), .ow_waddr_i(ow_waddr), .ow_wdata_i(ow_wdata),
        .o_re_i(o_re_i), .o_addr_i(o_addr_i), .o_rdata_o(o_rdata_o), .o_ack_o(o_ack_o),
        .h_valid_i(h_valid), .h_rd_i(h_rd), .h_wr_i(h_wr), .h_prof_i(h_prof), .h_lvl_i(h_lvl),
        .h_off_i(h_off), .h_wdata_i(h_wdata_i),
        .pf_ff_d_o(pf_ff_d), .h_pfm_o(h_pfm), .h_pfm_rdata_o(h_pfm_rdata));

    wire          in_word;
    loom_core_dlv #(.W(W), .A(A), .D(D), .N(N), .SYN(SYN), .FAN(FAN), .EQ(EQ), .SP(SP),
                    .MAXIN(MAXIN)) u_dlv (
        .clk_i(clk_i), .rst_i(rst_i), .tmod_i(tmod_i),
        .ev_valid_i(ev_valid_i), .ev_src_i(ev_src_i), .ev_x_i(ev_x_i), .ev_ready_o(ev_ready_o),
        .dlv_busy_o(dlv_busy_o), .syn_event_o(syn_event_o), .ev_done_o(ev_done_o), .in_word_o(in_word),
        .sy_re_o(sy_re), .sy_raddr_o(sy_raddr), .sy_rdata_i(sy_rdata),
        .d1_stall_i(d1_stall), .s1_v_o(s1_v), .d1_dst_o(d1_dst), .d1_r_o(d1_r),
        .s2_v_o(s2_v), .s2_addr_o(s2_addr), .d2_sum_o(d2_sum), .ring_rdata_i(rg_dlv_rdata),
        .h_rd_i(h_rd), .h_wr_i(h_wr), .h_fo_i(h_fo), .h_syn_rd_i(h_rd & (h_reg == 3'd6)),
        .h_off_i(h_off), .h_wdata_i(h_wdata_i[SB:0]), .fo_even_o(fo_even), .fo_odd_o(fo_odd));

    loom_core_syn #(.W(W), .S(S), .D(D), .N(N), .SYN(SYN), .SP(SP)) u_syn (
        .clk_i(clk_i), .sy_re_i(sy_re), .sy_raddr_i(sy_raddr), .sy_rdata_o(sy_rdata),
        .u1_v_i(u1_v), .u1_slot_i(u1_slot), .nb_rdata_o(nb_rdata),
        .h_rd_i(h_rd), .h_wr_i(h_wr), .h_syn_i(h_reg == 3'd6), .h_nb_i(h_reg == 3'd7),
        .h_off_i(h_off), .h_wdata_i(h_wdata_i));

    loom_core_ring #(.A(A), .D(D), .N(N), .SP(SP), .RBANK(RBANK)) u_ring (
        .clk_i(clk_i), .tmod_i(tmod_i),
        .u1_v_i(u1_v), .u1_slot_i(u1_slot), .u2_v_i(u2_v), .u2_slot_i(u2_slot),
        .upd_rdata_o(rg_upd_rdata),
        .s1_v_i(s1_v), .d1_dst_i(d1_dst), .d1_r_i(d1_r), .d1_stall_o(d1_stall),
        .s2_v_i(s2_v), .s2_addr_i(s2_addr), .d2_sum_i(d2_sum), .dlv_rdata_o(rg_dlv_rdata),
        .h_re_i(h_rd & h_ring), .h_we_i(h_wr & h_ring), .h_addr_i(h_off[NB+RB-1:0]),
        .h_wdata_i(h_wdata_i[A-1:0]));

    // ---- host read data ----------------------------------------------------
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
            h_ready_q <= h_valid;
        end
        if (h_valid) begin
            h_reg_q  <= h_reg;
            h_lvl_q  <= h_lvl;
            h_fo_q   <= h_fo;
            h_fo_odd_q <= h_off[0];
            h_pfm_q  <= h_pfm & ~h_lvl;
            h_misc_q <= h_misc_d;
        end
    end

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
