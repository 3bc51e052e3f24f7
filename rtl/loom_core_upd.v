// loom_core_upd -- the update pipeline of one core (rtl/loom_core.v): one
// neuron per cycle (SP = 1: one every other cycle), the slots of one level
// in ascending order.
//
//   U0  read the profile index of the slot (pidx memory, here)
//   U1  profile lookup (loom_core_prof); read i, v (here), the ring word
//       ring[slot][t mod R] (loom_core_ring) and the slot's bias
//       (loom_core_syn)
//   U2  in = sat_S(shift(acc)), decay(i, a_syn), decay(v, a_mem)
//       (SP = 1: the decays' products; their rounding is U3's carry in);
//       the ring word is cleared (by loom_core_ring)
//   U3  i' = sat(di + in), v' = sat(dv + bias + i')
//   U3 (SP = 0) / U6 (SP = 1, after U4 v1 and U5 the threshold): spike,
//       reset; write i, v; append the slot
//       to the spike list (here, read by the router); collect the spike
//       bit into the 32-bit words of the output banks (loom_core_prof)
//
// No slot issues while D1 waits for the ring RAM U1 holds (d1_stall_i).
// The host reaches the pidx, i and v memories through h_* (sequencer idle
// only).
module loom_core_upd #(
    parameter S    = 16,    // state bits
    parameter A    = 24,    // accumulator bits
    parameter N    = 256,   // neuron slots
    parameter P    = 16,    // profiles (<= 32)
    parameter SP   = 0,     // 1: a neuron every other cycle, stages U4..U6
    parameter BOUND = 0     // 1: slots issue only below bound_i
) (
    input  wire              clk_i,
    input  wire              rst_i,
    // step context from the sequencer
    input  wire              out_bank_i,
    input  wire              step_start_i,
    input  wire              upd_start_i,
    output wire              upd_busy_o,
    input  wire [NB:0]       n_last_i,       // n_used - 1: the slot whose spike word ends the bank
    // the level's end slot (level table, valid the cycle after upd_start)
    input  wire [NB:0]       lvl_end_i,
    // profile of the slot: index out (U1), fields in (U2, U3)
    output wire [PB-1:0]     px_rdata_o,
    input  wire [12:0]       pf_u2_asyn_i,
    input  wire [12:0]       pf_u2_amem_i,
    input  wire [4:0]        pf_u2_shift_i,
    input  wire [S-1:0]      pf_u3_theta_i,
    input  wire [S-1:0]      pf_u3_vreset_i,
    input  wire [1:0]        pf_u3_reset_i,
    // stages U1, U2 (ring, bias, profile memories)
    output wire              u1_v_o,
    output wire [NB-1:0]     u1_slot_o,
    output wire              u2_v_o,
    output wire [NB-1:0]     u2_slot_o,
    input  wire [A-1:0]      acc_i,          // U2: the ring word U1 read
    input  wire [S-1:0]      bias_i,         // U2: the bias word U1 read
    input  wire              d1_stall_i,
    // no slot at or above bound_i issues (a delay-0 input may still come
    // to it: the array's input lanes, docs/rtl.md); used when BOUND = 1
    input  wire [NB:0]       bound_i,
    input  wire              yield_i,        // BOUND = 1: an input's word is in D1 next cycle
    // write-back stage and the collector's spike words
    output wire              w_v_o,
    output wire              ow_we_o,
    output wire [OB:0]       ow_waddr_o,
    output wire [31:0]       ow_wdata_o,
    output wire              spike_o,
    // spike list of the current level, read by the router
    output wire [NB:0]       spk_count_o,
    input  wire              spk_re_i,
    input  wire [NB-1:0]     spk_raddr_i,
    output wire [NB-1:0]     spk_rdata_o,
    // host: regions 1 (i), 2 (v), 3 (profile index)
    input  wire              h_rd_i,
    input  wire              h_wr_i,
    input  wire [2:0]        h_reg_i,
    input  wire [NB-1:0]     h_slot_i,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [31:0]       h_wdata_i,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [S-1:0]      i_rdata_o,
    output wire [S-1:0]      v_rdata_o
);
    localparam NB  = (N < 2) ? 1 : $clog2(N);        // slot bits
    localparam PB  = (P < 2) ? 1 : $clog2(P);        // profile index bits
    localparam NW  = (N + 31) / 32;                  // spike words per bank
    localparam OB0 = $clog2(NW);
    localparam OB  = (OB0 < 1) ? 1 : OB0;
    localparam XW  = A + 16;                         // shift/saturate width

    wire h_rd = h_rd_i;
    wire h_wr = h_wr_i;
    wire [2:0] h_reg = h_reg_i;
    wire [NB-1:0] h_slot = h_slot_i;
    wire [A-1:0] rg_upd_rdata = acc_i;
    wire [12:0]  pf_u2_asyn   = pf_u2_asyn_i;
    wire [12:0]  pf_u2_amem   = pf_u2_amem_i;
    wire [4:0]   pf_u2_shift  = pf_u2_shift_i;
    wire [S-1:0] pf_u3_theta  = pf_u3_theta_i;
    wire [S-1:0] pf_u3_vreset = pf_u3_vreset_i;
    wire [1:0]   pf_u3_reset  = pf_u3_reset_i;
    wire         d1_stall     = d1_stall_i;

    // slots in the update stages U1..U3
    reg [NB-1:0] u1_slot_q, u2_slot_q, u3_slot_q;
    reg          u1_v_q, u2_v_q;
    // the write-back stage: U6 (SP = 1) or U3 (SP = 0), see below
    wire          w_v;
    wire [NB-1:0] w_slot;
    wire [S-1:0]  w_inew;
    wire          ow_we;                      // spike word of the collector
    wire [OB:0]   ow_waddr;
    wire [31:0]   ow_wdata;

    // profile index per slot
    wire          px_re;
    wire [NB-1:0] px_raddr;
    wire [PB-1:0] px_rdata;
    loom_ram #(.DW(PB), .AW(NB), .DEPTH(N)) u_pidx (
        .clk_i(clk_i), .re_i(px_re), .raddr_i(px_raddr), .rdata_o(px_rdata),
        .we_i(h_wr & (h_reg == 3'd3)), .waddr_i(h_slot), .wdata_i(h_wdata_i[PB-1:0]));

    // the slot's bias, registered into U3
    reg  [S-1:0]  nb_u3_q;
    always @(posedge clk_i)
        nb_u3_q <= bias_i;

    // neuron state
    wire          st_re;
    wire [NB-1:0] st_raddr;
    wire [S-1:0]  i_rdata, v_rdata;
    wire          st_we;
    wire [NB-1:0] st_waddr;
    wire [S-1:0]  i_wdata, v_wdata;
    wire          i_we = st_we | (h_wr & (h_reg == 3'd1));
    wire          v_we = st_we | (h_wr & (h_reg == 3'd2));
    wire [NB-1:0] iv_waddr = st_we ? st_waddr : h_slot;
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

    // spike list of the level being updated
    wire          sl_we;
    reg  [NB:0]   spk_cnt_q;
    wire [NB-1:0] sl_wdata;
    loom_ram #(.DW(NB), .AW(NB), .DEPTH(N)) u_spk (
        .clk_i(clk_i), .re_i(spk_re_i), .raddr_i(spk_raddr_i), .rdata_o(spk_rdata_o),
        .we_i(sl_we), .waddr_i(spk_cnt_q[NB-1:0]), .wdata_i(sl_wdata));
    // the count the router compares, a copy of spk_cnt_q of its own, kept
    // complemented (counting down from all ones) so that synthesis does not
    // merge it with spk_cnt_q: placed by the router's compare, away from the
    // spike-list RAM (the UP5K's clock)
    // A simulation runs on spk_cnt_q itself: the copy is equal to it by
    // construction (same reset, step by step the complement), and in the
    // 4-core models it cost a third of the simulation speed (b4: 1.31 against
    // 1.01 CPU s for 1,500 bench-1k steps)
`ifdef VERILATOR
    assign spk_count_o = spk_cnt_q;
`else
    reg  [NB:0]   spk_cnt_n_q;
    assign spk_count_o = ~spk_cnt_n_q;
`endif

    // ---- update pipeline ---------------------------------------------------
    reg          lvl_wait_q, upd_run_q;
    reg [NB:0]   slot_q, lvl_end_q;
    reg          u3_v_q;
    // U3 registers (the profile fields come from loom_core_prof)
    reg [S-1:0]  u3_in_q;
    reg [31:0]   coll_q;

    // single-port ring: a neuron every other cycle (U1 reads, U2 clears);
    // dual-port: no slot issues while a delivery waits for the ring RAM U1
    // holds (d1_stall), so that delivery goes next cycle
    wire below = (BOUND == 0) | ((slot_q < bound_i) & ~yield_i);
    wire issue = upd_run_q & (slot_q < lvl_end_q) & below & ~((SP != 0) & u1_v_q) & ~d1_stall;
    assign px_re    = issue | (h_rd & (h_reg == 3'd3));
    assign px_raddr = issue ? slot_q[NB-1:0] : h_slot;
    assign st_re    = u1_v_q | (h_rd & ((h_reg == 3'd1) | (h_reg == 3'd2)));
    assign st_raddr = u1_v_q ? u1_slot_q : h_slot;
    assign upd_busy_o = lvl_wait_q | upd_run_q | u1_v_q | u2_v_q | u3_v_q | w_v | w_more;

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
                lvl_end_q <= lvl_end_i;
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

    // decay(x, a) = x * a / 4096 truncated toward zero = floor(p / 4096),
    // plus 1 when p is negative with a fraction.  Since a <= 4096 the
    // result fits in S bits, so floor(p / 4096) + 1 never wraps.
    //   SP = 1 registers the products themselves into U3 and the "+ 1"
    //   becomes the carry into U3's sums.  On the UP5K the multipliers are
    //   SB_MAC16 blocks whose inner delay nextpnr 0.4 does not time; with
    //   nothing between product and register, yosys folds the register
    //   into the block (its output register), so the untimed part is the
    //   block alone, with a whole cycle less the RAM-to-block routing for
    //   it (docs/boards.md, "What Fmax leaves out").
    //   SP = 0 rounds in U2 (LUT multipliers, timed like any logic).
    wire [S-1:0] u3_di, u3_dv;        // floor(p / 4096), or rounded (SP = 0)
    wire         u3_ci, u3_cv;        // the rounding's + 1 (SP = 1), else 0
    generate
        if (SP != 0) begin : g_prod_q
            reg [S+12:0] u3_pi_q, u3_pv_q;
            always @(posedge clk_i) begin
                u3_pi_q <= pi;
                u3_pv_q <= pv;
            end
            assign u3_di = u3_pi_q[S+11:12];
            assign u3_dv = u3_pv_q[S+11:12];
            assign u3_ci = u3_pi_q[S+12] & (|u3_pi_q[11:0]);
            assign u3_cv = u3_pv_q[S+12] & (|u3_pv_q[11:0]);
        end else begin : g_round_u2
            /* verilator lint_off UNUSEDSIGNAL */
            wire signed [S+12:0] pi_f = pi >>> 12;
            wire signed [S+12:0] pv_f = pv >>> 12;
            /* verilator lint_on UNUSEDSIGNAL */
            wire [S-1:0] di = pi_f[S-1:0] + {{(S-1){1'b0}}, (pi[S+12] & (|pi[11:0]))};
            wire [S-1:0] dv = pv_f[S-1:0] + {{(S-1){1'b0}}, (pv[S+12] & (|pv[11:0]))};
            reg  [S-1:0] u3_di_q, u3_dv_q;
            always @(posedge clk_i) begin
                u3_di_q <= di;
                u3_dv_q <= dv;
            end
            assign u3_di = u3_di_q;
            assign u3_dv = u3_dv_q;
            assign u3_ci = 1'b0;
            assign u3_cv = 1'b0;
        end
    endgenerate

    always @(posedge clk_i)
        u3_in_q <= in_s;

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
    // i's sum with and without the rounding's carry, the carry (a 13-input
    // test) chosen after both: it does not delay the carry chain
    wire [S+1:0] isum0 = {{2{u3_di[S-1]}}, u3_di} + {{2{u3_in_q[S-1]}}, u3_in_q};
    wire [S+1:0] isum1 = {{2{u3_di[S-1]}}, u3_di} + {{2{u3_in_q[S-1]}}, u3_in_q}
                       + {{(S+1){1'b0}}, 1'b1};
    /* verilator lint_off UNUSEDSIGNAL */
    wire [S+1:0] inew = u3_ci ? sat2(isum1) : sat2(isum0);  // SP = 1 registers inew[S-1:0] into U4
    /* verilator lint_on UNUSEDSIGNAL */
    // dv + bias does not wait for inew: one adder less on the long path
    wire [S+1:0] dvb  = {{2{u3_dv[S-1]}}, u3_dv} + {{2{nb_u3_q[S-1]}}, nb_u3_q}
                      + {{(S+1){1'b0}}, u3_cv};

    // SP = 1 (a neuron every other cycle): the U3 chain takes three more
    // stages, each one carry chain and a multiplexer deep (27 MHz on the
    // iCE40UP5K; in one cycle it ran at 17 MHz):
    //   U3  inew = sat(di + in), dvb = dv + bias
    //   U4  v1 = sat(dvb + inew)
    //   U5  spike = v1 >= theta, reset
    //   U6  write back: i, v, spike list, spike word
    // With SP = 0 all of it is U3.  "c" is the stage that compares, "w" the
    // one that writes back.
    wire [S-1:0]  c_v1, c_theta, c_vreset;
    wire [1:0]    c_reset;
    wire          c_spike;
    wire [S-1:0]  c_vnew;
    wire          w_spike;
    wire [S-1:0]  w_vnew;
    wire          w_more;                     // a stage after U3 holds a slot
    generate
        if (SP != 0) begin : g_u4
            reg          u4_v_q, u5_v_q, u6_v_q;
            reg [NB-1:0] u4_slot_q, u5_slot_q, u6_slot_q;
            reg [S-1:0]  u4_inew_q, u5_inew_q, u6_inew_q;
            reg [S+1:0]  u4_dvb_q;
            reg [S-1:0]  u4_theta_q, u4_vreset_q, u5_theta_q, u5_vreset_q;
            reg [1:0]    u4_reset_q, u5_reset_q;
            reg [S-1:0]  u5_v1_q, u6_vnew_q;
            reg          u6_spike_q;
            // U4: v1 = sat(dvb + inew)
            wire [S+1:0] vsum = u4_dvb_q + {{2{u4_inew_q[S-1]}}, u4_inew_q};
            /* verilator lint_off UNUSEDSIGNAL */
            wire [S+1:0] v1   = sat2(vsum);
            /* verilator lint_on UNUSEDSIGNAL */
            always @(posedge clk_i) begin
                if (rst_i) begin
                    u4_v_q <= 1'b0;
                    u5_v_q <= 1'b0;
                    u6_v_q <= 1'b0;
                end else begin
                    u4_v_q <= u3_v_q;
                    u5_v_q <= u4_v_q;
                    u6_v_q <= u5_v_q;
                end
                u4_slot_q   <= u3_slot_q;
                u4_inew_q   <= inew[S-1:0];
                u4_dvb_q    <= dvb;
                u4_theta_q  <= pf_u3_theta;
                u4_vreset_q <= pf_u3_vreset;
                u4_reset_q  <= pf_u3_reset;
                u5_slot_q   <= u4_slot_q;
                u5_inew_q   <= u4_inew_q;
                u5_v1_q     <= v1[S-1:0];
                u5_theta_q  <= u4_theta_q;
                u5_vreset_q <= u4_vreset_q;
                u5_reset_q  <= u4_reset_q;
                u6_slot_q   <= u5_slot_q;
                u6_inew_q   <= u5_inew_q;
                u6_vnew_q   <= c_vnew;
                u6_spike_q  <= c_spike;
            end
            assign c_v1     = u5_v1_q;
            assign c_theta  = u5_theta_q;
            assign c_vreset = u5_vreset_q;
            assign c_reset  = u5_reset_q;
            assign w_v      = u6_v_q;
            assign w_slot   = u6_slot_q;
            assign w_inew   = u6_inew_q;
            assign w_vnew   = u6_vnew_q;
            assign w_spike  = u6_spike_q;
            assign w_more   = u4_v_q | u5_v_q | u6_v_q;
        end else begin : g_u3w
            wire [S+1:0] vsum = dvb + inew;
            /* verilator lint_off UNUSEDSIGNAL */
            wire [S+1:0] v1   = sat2(vsum);
            /* verilator lint_on UNUSEDSIGNAL */
            assign c_v1     = v1[S-1:0];
            assign c_theta  = pf_u3_theta;
            assign c_vreset = pf_u3_vreset;
            assign c_reset  = pf_u3_reset;
            assign w_v      = u3_v_q;
            assign w_slot   = u3_slot_q;
            assign w_inew   = inew[S-1:0];
            assign w_vnew   = c_vnew;
            assign w_spike  = c_spike;
            assign w_more   = 1'b0;
        end
    endgenerate
    wire [S+1:0] cv1  = {{2{c_v1[S-1]}}, c_v1};
    wire [S+1:0] vdif = cv1 - {{2{c_theta[S-1]}}, c_theta};
    wire [S+1:0] vsub = sat2(vdif);
    assign c_spike = (c_reset != 2'd2) & ~vdif[S+1];     // v1 >= theta
    /* verilator lint_off UNUSEDSIGNAL */
    wire [S+1:0] vnew = ~c_spike ? cv1 : ((c_reset == 2'd0) ? {{2{c_vreset[S-1]}}, c_vreset} : vsub);
    /* verilator lint_on UNUSEDSIGNAL */
    assign c_vnew = vnew[S-1:0];
    wire spike = w_spike;

    assign st_we    = w_v;
    assign st_waddr = w_slot;
    assign i_wdata  = w_inew;
    assign v_wdata  = w_vnew;
    assign sl_we    = w_v & spike;
    assign sl_wdata = w_slot;
    assign spike_o  = w_v & spike;

    // spike bit collector: slots are updated in ascending order during a step
    /* verilator lint_off UNUSEDSIGNAL */
    wire [NB+5:0] slot_x   = {6'd0, w_slot};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [31:0]   coll_new = coll_q | ({31'd0, spike} << slot_x[4:0]);
    wire          coll_last = (slot_x[4:0] == 5'd31) | ({1'b0, w_slot} == n_last_i);
    assign ow_we    = w_v & coll_last;
    assign ow_waddr = {out_bank_i, slot_x[OB+4:5]};
    assign ow_wdata = coll_new;

    always @(posedge clk_i) begin
        if (rst_i | upd_start_i)
            spk_cnt_q <= {(NB+1){1'b0}};
        else if (sl_we)
            spk_cnt_q <= spk_cnt_q + 1'b1;
`ifndef VERILATOR
        if (rst_i | upd_start_i)
            spk_cnt_n_q <= {(NB+1){1'b1}};
        else if (sl_we)
            spk_cnt_n_q <= spk_cnt_n_q - 1'b1;
`endif
        if (rst_i | step_start_i)
            coll_q <= 32'd0;
        else if (w_v)
            coll_q <= coll_last ? 32'd0 : coll_new;
    end

    assign px_rdata_o = px_rdata;
    assign u1_v_o     = u1_v_q;
    assign u1_slot_o  = u1_slot_q;
    assign u2_v_o     = u2_v_q;
    assign u2_slot_o  = u2_slot_q;
    assign w_v_o      = w_v;
    assign ow_we_o    = ow_we;
    assign ow_waddr_o = ow_waddr;
    assign ow_wdata_o = ow_wdata;
    assign i_rdata_o  = i_rdata;
    assign v_rdata_o  = v_rdata;
endmodule
