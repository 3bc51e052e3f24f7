// loom_array -- K LIF cores, the event router, the timestep sequencer and
// the host bus: the whole Loom machine below the link.
//
//   host bus ──> register file, input event lists (2 banks), output banks
//            └─> core k memories (only while the sequencer is idle;
//                a pending step waits for the access)
//   loom_seq ──> step_start / upd_start(level) / drain ──> cores, router
//   router  <──  input scan (seq) | spike lists (cores) ──> event bus ──> cores
//
// Bus: bus_valid_i is held with bus_we_i / bus_addr_i / bus_wdata_i until
// bus_ready_o pulses for one cycle (write done, or bus_rdata_o valid).
// Addresses and register meanings: hls_ref/loom_map.h (rtl/loom_map.vh).
//
// Streaming: INPUT pushes go to the list of the next step to start (two
// banks swap when a step starts); the output spike words of the last
// finished step stay readable while the next step runs (two banks swap when
// a step finishes).
`include "loom_map.vh"
module loom_array #(
    parameter W     = 8,
    parameter S     = 16,
    parameter A     = 24,
    parameter D     = 15,
    parameter K     = 1,     // cores (<= 16)
    parameter N     = 256,   // neuron slots per core (<= 8192)
    parameter SYN   = 4096,  // synapse words per core
    parameter P     = 16,    // profiles per core (<= 32)
    parameter LMAX  = 256,   // level table entries per core
    parameter MAXIN = 64,    // input channels
    parameter EQ    = 4,     // event FIFO depth per core
    parameter SP    = 0,     // 1: single-port ring and synapse RAM (UP5K SPRAM)
    parameter RBANK = 0      // 1 (SP = 0): one ring RAM per ring word (docs/rtl.md)
) (
    input  wire        clk_i,
    input  wire        rst_i,
    input  wire        bus_valid_i,
    input  wire        bus_we_i,
    input  wire [23:0] bus_addr_i,
    input  wire [31:0] bus_wdata_i,
    output wire        bus_ready_o,
    output wire [31:0] bus_rdata_o,
    output wire        busy_o,
    output wire        overrun_o
);
    localparam FAN = MAXIN + K * N;
    localparam RB0 = $clog2(D + 1);
    localparam RB  = (RB0 < 1) ? 1 : RB0;
    localparam NB  = (N < 2) ? 1 : $clog2(N);
    localparam FB  = (FAN < 2) ? 1 : $clog2(FAN);
    localparam LB  = (LMAX < 2) ? 1 : $clog2(LMAX);
    localparam IB  = (MAXIN < 2) ? 1 : $clog2(MAXIN);
    localparam NW  = (N + 31) / 32;
    localparam OB0 = $clog2(NW);
    localparam OB  = (OB0 < 1) ? 1 : OB0;
    localparam KB  = (K < 2) ? 1 : $clog2(K);
    localparam OVL = (SP == 0) ? 1 : 0;                  // deliveries overlap updates
    // the input lanes overlap the first level's update (K > 1, dual-port,
    // the fan-out entry holds a slot above its run: loom_router.v)
    localparam OVLIN = ((K > 1) && (SP == 0) && (NB + ((SYN < 2) ? 1 : $clog2(SYN)) + 2 <= 32)) ? 1 : 0;
    localparam RBK = ((SP == 0) && (RBANK != 0)) ? D + 1 : 1;   // ring RAMs per core
    // Counter widths that cannot overflow: a step delivers at most
    // (MAXIN + 1) * SYN synaptic events per core (each input-list entry at
    // most SYN words, every slot's run once) and has at most K*N spikes.
    localparam EVB0 = KB + ((SYN < 2) ? 1 : $clog2(SYN)) + $clog2(MAXIN + 1) + 1;
    localparam EVB  = (EVB0 > 32) ? 32 : EVB0;
    localparam SPB  = $clog2(K * N + 1);

    // ---- sequencer ---------------------------------------------------------
    wire        seq_busy, started, done;
    wire [31:0] cycles, time_now;
    wire [RB-1:0] tmod;
    wire        out_bank;
    wire [IB:0] run_count;
    wire        in_re;
    wire [IB-1:0] in_raddr;
    wire [31:0] in_rdata;
    wire        si_valid, si_ready, walk, rt_busy;
    wire [FB-1:0] si_src;
    wire [15:0] si_x;
    wire        step_start, upd_start;
    wire [LB-1:0] upd_level;
    wire [K-1:0] upd_busy, dlv_busy, ev_ready, syn_ev, spk, ev_done;
    wire [K*(NB+1)-1:0] upd_bound;
    wire        go, time_clear;
    reg  [LB:0] n_levels_q;

    loom_seq #(.D(D), .LMAX(LMAX), .MAXIN(MAXIN), .FAN(FAN), .OVL(OVL)) u_seq (
        .clk_i(clk_i), .rst_i(rst_i), .go_i(go), .time_clear_i(time_clear),
        .n_levels_i(n_levels_q), .busy_o(seq_busy), .started_o(started),
        .done_o(done), .cycles_o(cycles), .time_o(time_now), .tmod_o(tmod),
        .out_bank_o(out_bank), .in_count_i(run_count), .in_re_o(in_re),
        .in_raddr_o(in_raddr), .in_rdata_i(in_rdata), .in_valid_o(si_valid),
        .in_src_o(si_src), .in_x_o(si_x), .in_ready_i(si_ready), .walk_o(walk),
        .router_busy_i(rt_busy), .ovl_in_i((OVLIN != 0) & ~in_all), .step_start_o(step_start), .upd_start_o(upd_start),
        .upd_level_o(upd_level), .upd_busy_i(|upd_busy), .dlv_busy_i(|dlv_busy));

    // ---- bus ---------------------------------------------------------------
    localparam B_IDLE = 2'd0, B_CORE = 2'd1, B_WAIT = 2'd2, B_RESP = 2'd3;
    // The master holds bus_we_i / bus_addr_i / bus_wdata_i with bus_valid_i
    // until bus_ready_o, so the bus uses them directly (no address or data
    // latches).
    reg  [1:0]  bs_q;
    reg  [31:0] rdata_q;
    reg         cvalid_q;     // core access issued, waiting for h_ready
    reg         o_got_q;      // output-word read done, its data valid now

    // A request is accepted in its second cycle, with its address decoded
    // into registers in the first (the master holds the address, and
    // rq_q is low in the cycle after bus_ready_o): the decode does not reach
    // the step start and the bus state in one cycle (the UP5K's clock)
    reg         rq_q, a_core_q, a_reg_q, a_out_q, ra_in_q, ra_ctrl_q;
    reg         blk_q;        // the request held since last cycle is a core access, a push or a CTRL write
    wire        accept   = (bs_q == B_IDLE) & bus_valid_i & rq_q;
    wire [4:0]  top      = bus_addr_i[23:19];
    wire        a_core   = a_core_q;
    wire        a_reg    = a_reg_q;
    wire        a_out    = a_out_q;
    wire [11:0] ra       = bus_addr_i[11:0];
    wire        wr_reg   = accept & bus_we_i & a_reg;
    always @(posedge clk_i) begin
        rq_q      <= bus_valid_i & ~bus_ready_o & ~rst_i;
        a_core_q  <= (top != 5'd0);
        a_reg_q   <= (bus_addr_i[23:12] == 12'h000);
        a_out_q   <= (bus_addr_i[23:12] == 12'h002);
        ra_in_q   <= (ra == `LOOM_REG_INPUT);
        ra_ctrl_q <= (ra == `LOOM_REG_CTRL);
        blk_q     <= bus_valid_i & ~bus_ready_o & ~rst_i &
                     ((top != 5'd0) | (bus_we_i & (bus_addr_i[23:12] == 12'h000) &
                                       ((ra == `LOOM_REG_INPUT) | (ra == `LOOM_REG_CTRL))));
    end

    // core selected by the address
    wire [4:0]  ctop     = bus_addr_i[23:19] - 5'd1;
    wire        c_ok     = ({27'd0, ctop} < K);
    wire [K-1:0] h_ready;
    wire [32*K-1:0] h_rdata;
    wire [32*K-1:0] o_rdata;
    wire        h_fire   = (bs_q == B_CORE) & ~cvalid_q & ~seq_busy;

    // ---- registers -----------------------------------------------------------
    reg  [31:0] pending_q, cyc_last_q, cyc_max_q, budget_q, overruns_q;
    reg  [EVB-1:0] events_q, events_last_q;
    reg  [SPB-1:0] spikes_q, spikes_last_q;
    reg         overrun_q, in_ovf_q;
    reg         in_wb_q;                // input bank the host writes
    reg  [IB:0] in_wcount_q, run_count_q;
    reg         run_bank_q;

    wire push      = wr_reg & ra_in_q;
    // a channel outside 0..MAXIN-1 is dropped like a push into a full list
    wire push_ok   = push & ({{(31-IB){1'b0}}, in_wcount_q} < MAXIN) &
                     ({16'd0, bus_wdata_i[15:0]} < MAXIN);
    wire wr_ctrl      = wr_reg & ra_ctrl_q;
    // no step starts in the cycle of a CTRL write, so `started` (late: it
    // depends on the bus decode) only selects a precomputed decrement
    // (K > 1: nor in the cycle after a push, when the router appends it)
    reg         push_q;
    always @(posedge clk_i)
        push_q <= (K > 1) & push_ok & ~rst_i;
    // (blk_q covers every accept of a push, a CTRL write or a core access,
    // and the cycles such a request waits; from registers only)
    assign go         = (pending_q != 32'd0) & ~push_q & ~blk_q & (bs_q != B_CORE);
    assign time_clear = wr_reg & (ra == `LOOM_REG_TIME);
    assign run_count  = in_all ? run_count_q : {(IB+1){1'b0}};   // K > 1: the router's lists

    // list entries are {value, channel} with the channel in IB bits only
    wire [15+IB:0] in_word;
    loom_ram #(.DW(16+IB), .AW(IB+1), .DEPTH(2*MAXIN)) u_inlist (
        .clk_i(clk_i), .re_i(in_re), .raddr_i({run_bank_q, in_raddr}), .rdata_o(in_word),
        .we_i(push_ok), .waddr_i({in_wb_q, in_wcount_q[IB-1:0]}),
        .wdata_i({bus_wdata_i[31:16], bus_wdata_i[IB-1:0]}));
    assign in_rdata = {in_word[15+IB:IB], {(16-IB){1'b0}}, in_word[IB-1:0]};

    // events and spikes of the running step
    integer j;
    reg [KB+1:0] n_ev, n_sp;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [KB+33:0] n_ev_x = {32'd0, n_ev};
    wire [KB+33:0] n_sp_x = {32'd0, n_sp};
    wire [63:0]    ev_last_x = {{(64-EVB){1'b0}}, events_last_q};
    wire [63:0]    sp_last_x = {{(64-SPB){1'b0}}, spikes_last_q};
    /* verilator lint_on UNUSEDSIGNAL */
    always @(*) begin
        n_ev = {(KB+2){1'b0}};
        n_sp = {(KB+2){1'b0}};
        for (j = 0; j < K; j = j + 1) begin
            n_ev = n_ev + {{(KB+1){1'b0}}, syn_ev[j]};
            n_sp = n_sp + {{(KB+1){1'b0}}, spk[j]};
        end
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            pending_q   <= 32'd0;
            cyc_last_q  <= 32'd0;
            cyc_max_q   <= 32'd0;
            budget_q    <= 32'd0;
            overruns_q  <= 32'd0;
            overrun_q   <= 1'b0;
            in_ovf_q    <= 1'b0;
            in_wb_q     <= 1'b0;
            in_wcount_q <= {(IB+1){1'b0}};
            run_count_q <= {(IB+1){1'b0}};
            run_bank_q  <= 1'b0;
            n_levels_q  <= {(LB+1){1'b0}};
            events_q    <= {EVB{1'b0}};
            events_last_q <= {EVB{1'b0}};
            spikes_q    <= {SPB{1'b0}};
            spikes_last_q <= {SPB{1'b0}};
        end else begin
            if (wr_ctrl)
                pending_q <= pending_q + bus_wdata_i;
            else if (started)
                pending_q <= pending_q - 32'd1;
            if (started) begin
                run_bank_q  <= in_wb_q;
                run_count_q <= in_wcount_q;
                in_wb_q     <= ~in_wb_q;
                in_wcount_q <= {(IB+1){1'b0}};
            end else if (push_ok) begin
                in_wcount_q <= in_wcount_q + 1'b1;
            end
            if (push & ~push_ok)
                in_ovf_q <= 1'b1;
            else if (wr_reg & (ra == `LOOM_REG_STATUS) & bus_wdata_i[3])
                in_ovf_q <= 1'b0;
            if (started) begin
                events_q <= {EVB{1'b0}};
                spikes_q <= {SPB{1'b0}};
            end else begin
                events_q <= events_q + n_ev_x[EVB-1:0];
                spikes_q <= spikes_q + n_sp_x[SPB-1:0];
            end
            if (done) begin
                cyc_last_q    <= cycles;
                events_last_q <= events_q;
                spikes_last_q <= spikes_q;
            end
            if (wr_reg & (ra == `LOOM_REG_CYCLES_MAX))
                cyc_max_q <= 32'd0;
            else if (done & (ge_max_q | (cyc_max_q == 32'd0)))
                cyc_max_q <= cycles;
            if (done & (budget_q != 32'd0) & ge_budget_q) begin
                overrun_q  <= 1'b1;
                overruns_q <= overruns_q + 32'd1;
            end else if (wr_reg & (ra == `LOOM_REG_STATUS) & bus_wdata_i[1]) begin
                overrun_q <= 1'b0;
            end
            if (wr_reg & (ra == `LOOM_REG_BUDGET))
                budget_q <= bus_wdata_i;
            if (wr_reg & (ra == `LOOM_REG_N_LEVELS))
                n_levels_q <= bus_wdata_i[LB:0];
        end
    end

    // The comparisons with BUDGET and CYCLES_MAX are made a cycle early:
    // the cycle before done, cycles is one less than at done (the counter
    // runs in every state but idle), so cycles >= X then means cycles > X at
    // done, and the long carry chains end in a register.
    reg ge_budget_q, ge_max_q;
    always @(posedge clk_i) begin
        ge_budget_q <= (cycles >= budget_q);
        ge_max_q    <= (cycles >= cyc_max_q);
    end

    reg [31:0] reg_rd;
    always @(*) begin
        case (ra)
            `LOOM_REG_ID:          reg_rd = `LOOM_MAP_ID_VALUE;
            `LOOM_REG_VERSION:     reg_rd = `LOOM_MAP_RTL_VERSION;
            `LOOM_REG_ARCH_W:      reg_rd = W;
            `LOOM_REG_ARCH_S:      reg_rd = S;
            `LOOM_REG_ARCH_A:      reg_rd = A;
            `LOOM_REG_ARCH_D:      reg_rd = D;
            `LOOM_REG_CORES:       reg_rd = K;
            `LOOM_REG_NEURONS:     reg_rd = N;
            `LOOM_REG_SYN_WORDS:   reg_rd = SYN;
            `LOOM_REG_PROFILES:    reg_rd = P;
            `LOOM_REG_MAX_INPUTS:  reg_rd = MAXIN;
            `LOOM_REG_FANOUT:      reg_rd = FAN;
            `LOOM_REG_LEVELS_MAX:  reg_rd = LMAX;
            `LOOM_REG_RING_LOG2:   reg_rd = RB;
            `LOOM_REG_SINGLE_PORT: reg_rd = (SP != 0) ? 1 : 0;
            `LOOM_REG_RING_RAMS:   reg_rd = RBK;
            `LOOM_REG_CTRL:        reg_rd = pending_q;
            `LOOM_REG_STATUS:      reg_rd = {28'd0, in_ovf_q, (pending_q == 32'd0),
                                             overrun_q, (seq_busy | (pending_q != 32'd0))};
            `LOOM_REG_TIME:        reg_rd = time_now;
            `LOOM_REG_CYCLES_LAST: reg_rd = cyc_last_q;
            `LOOM_REG_CYCLES_MAX:  reg_rd = cyc_max_q;
            `LOOM_REG_BUDGET:      reg_rd = budget_q;
            `LOOM_REG_OVERRUNS:    reg_rd = overruns_q;
            `LOOM_REG_N_LEVELS:    reg_rd = {{(31-LB){1'b0}}, n_levels_q};
            `LOOM_REG_EVENTS_LAST: reg_rd = ev_last_x[31:0];
            `LOOM_REG_SPIKES_LAST: reg_rd = sp_last_x[31:0];
            `LOOM_REG_INPUT:       reg_rd = {{(31-IB){1'b0}}, in_wcount_q};
            default:               reg_rd = 32'd0;
        endcase
    end

    // output word read: core bits [11:8], word bits [7:0].  A core may
    // take some cycles to serve it (its output-bank RAM also holds profile
    // words the update pipeline reads): the read is asked for in the accept
    // cycle and then in B_WAIT until the core acknowledges it (o_ack), and
    // its data is taken the cycle after.
    wire [3:0]  o_core = bus_addr_i[11:8];
    wire        o_ok   = ({28'd0, o_core} < K);
    wire        o_fire = accept & a_out & ~bus_we_i & o_ok;
    wire        o_req  = o_fire | ((bs_q == B_WAIT) & ~o_got_q);
    wire [K-1:0] o_ack;

    always @(posedge clk_i) begin
        if (rst_i) begin
            bs_q     <= B_IDLE;
            cvalid_q <= 1'b0;
            o_got_q  <= 1'b0;
        end else begin
            o_got_q <= o_req & o_ack[o_core[KB-1:0]];
            case (bs_q)
                B_IDLE: if (accept) begin
                    rdata_q  <= a_reg ? reg_rd : 32'd0;
                    if (a_core)
                        bs_q <= B_CORE;
                    else if (o_fire)
                        bs_q <= B_WAIT;
                    else
                        bs_q <= B_RESP;
                end
                B_CORE: begin
                    if (~c_ok) begin
                        rdata_q <= 32'd0;
                        bs_q    <= B_RESP;
                    end else if (h_fire) begin
                        cvalid_q <= 1'b1;
                    end else if (cvalid_q & h_ready[ctop[KB-1:0]]) begin
                        cvalid_q <= 1'b0;
                        rdata_q  <= h_rdata[ctop[KB-1:0]*32 +: 32];
                        bs_q     <= B_RESP;
                    end
                end
                B_WAIT: if (o_got_q) begin
                    rdata_q <= o_rdata[o_core[KB-1:0]*32 +: 32];
                    bs_q    <= B_RESP;
                end
                default: bs_q <= B_IDLE;
            endcase
        end
    end
    assign bus_ready_o = (bs_q == B_RESP);
    assign bus_rdata_o = rdata_q;
    assign busy_o      = seq_busy | (pending_q != 32'd0);
    assign overrun_o   = overrun_q;

    // ---- router ------------------------------------------------------------
    wire [K*(NB+1)-1:0] spk_count;
    wire [K-1:0]        spk_re;
    wire [NB-1:0]       spk_raddr;
    wire [K*NB-1:0]     spk_rdata;
    wire [K-1:0]        ev_valid;
    wire [K*FB-1:0]     ev_src;
    wire [K*16-1:0]     ev_x;
    wire [K-1:0]        fo_we;     // a host write of core k's fan-out entry (the router copies inputs')

    wire                in_all;
    loom_router #(.K(K), .N(N), .MAXIN(MAXIN), .FAN(FAN), .SYN(SYN), .OVLIN(OVLIN)) u_router (
        .clk_i(clk_i), .rst_i(rst_i), .in_valid_i(si_valid), .in_src_i(si_src),
        .in_x_i(si_x), .in_ready_o(si_ready), .clear_i(upd_start), .walk_i(walk),
        .busy_o(rt_busy),
        .spk_count_i(spk_count), .spk_re_o(spk_re), .spk_raddr_o(spk_raddr),
        .spk_rdata_i(spk_rdata), .ev_valid_o(ev_valid), .ev_src_o(ev_src),
        .ev_x_o(ev_x), .ev_ready_i(ev_ready),
        .started_i(started), .wb_i(in_wb_q), .rb_i(run_bank_q), .push_i(push_ok),
        .push_data_i(bus_wdata_i), .pend_i(in_wcount_q != {(IB+1){1'b0}}),
        .fo_we_i(fo_we), .fo_idx_i(bus_addr_i[15:0]), .fo_val_i(bus_wdata_i),
        .in_all_o(in_all), .done_i(ev_done), .bound_o(upd_bound));

    // ---- cores ---------------------------------------------------------------
    genvar g;
    generate
        for (g = 0; g < K; g = g + 1) begin : g_core
            loom_core #(.W(W), .S(S), .A(A), .D(D), .N(N), .SYN(SYN), .P(P),
                        .FAN(FAN), .LMAX(LMAX), .EQ(EQ), .SP(SP), .RBANK(RBANK), .BOUND(OVLIN), .MAXIN(MAXIN)) u_core (
                .clk_i(clk_i), .rst_i(rst_i), .tmod_i(tmod), .out_bank_i(out_bank),
                .step_start_i(step_start), .upd_start_i(upd_start), .upd_level_i(upd_level),
                .upd_busy_o(upd_busy[g]), .upd_bound_i(upd_bound[g*(NB+1) +: (NB+1)]),
                .ev_valid_i(ev_valid[g]), .ev_src_i(ev_src[g*FB +: FB]), .ev_x_i(ev_x[g*16 +: 16]),
                .ev_ready_o(ev_ready[g]), .dlv_busy_o(dlv_busy[g]),
                .syn_event_o(syn_ev[g]), .ev_done_o(ev_done[g]), .spike_o(spk[g]),
                .spk_count_o(spk_count[g*(NB+1) +: (NB+1)]), .spk_re_i(spk_re[g]),
                .spk_raddr_i(spk_raddr), .spk_rdata_o(spk_rdata[g*NB +: NB]),
                .h_valid_i(h_fire & (ctop == g)), .h_we_i(bus_we_i), .h_addr_i(bus_addr_i[18:0]),
                .h_wdata_i(bus_wdata_i), .h_ready_o(h_ready[g]), .h_rdata_o(h_rdata[g*32 +: 32]),
                .o_re_i(o_req & (o_core == g)), .o_addr_i({~out_bank, bus_addr_i[OB-1:0]}),
                .o_rdata_o(o_rdata[g*32 +: 32]), .o_ack_o(o_ack[g]));
            assign fo_we[g] = h_fire & (ctop == g) & bus_we_i & (bus_addr_i[18:16] == 3'd5);
        end
    endgenerate
endmodule
