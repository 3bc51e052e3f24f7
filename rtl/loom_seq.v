// loom_seq -- the timestep sequencer of the array.
//
// One step, as the machine model orders it:
//   START   pulse step_start (cores rewind their slot pointers)
//   SCAN    read the step's input events {x, channel} from the input list
//           and put the nonzero ones on the router's input port
//   INWAIT  barrier: wait until every core has delivered them
//   (SCAN and INWAIT are skipped when ovl_in_i, which is valid from START
//   on: with K > 1 and a dual-port ring the router's input lanes deliver
//   while the first level updates, each core's update held below the
//   slots an input of the step may still reach: loom_router.v)
//   UPD     pulse upd_start(level); wait until every core has updated the
//           slots of that level (barrier)
//   DRAIN   let the router walk the cores' spike lists; wait until every
//           core has delivered every event (barrier); next level or:
//   FINISH  advance t and t mod R, flip the output bank, report cycles
// With OVL (dual-port ring) the router walks the spike lists while the
// level's update appends to them, so a level's deliveries overlap its
// update; UPDW is then the one barrier of the level (update done, lists
// sent, every event delivered) and DRAIN is skipped.  The deliveries of a
// level only ever add to ring words the update of that level does not read
// (the machine model's level order), so this changes no result.
// It counts the cycles of each step (START..FINISH inclusive).
module loom_seq #(
    parameter D     = 15,
    parameter LMAX  = 256,
    parameter MAXIN = 64,
    parameter FAN   = 320,
    parameter OVL   = 0     // 1: walk the spike lists during the update
) (
    input  wire            clk_i,
    input  wire            rst_i,
    input  wire            go_i,          // start a step when idle
    input  wire            time_clear_i,  // t := 0 (host, when idle)
    input  wire [LB:0]     n_levels_i,
    output wire            busy_o,
    output wire            started_o,     // pulse: a step starts
    output wire            done_o,        // pulse: a step ends
    output wire [31:0]     cycles_o,      // cycles of the step ending (at done_o)
    output reg  [31:0]     time_o,        // steps done since the clear
    output reg  [RB-1:0]   tmod_o,        // time_o mod (D+1)
    output reg             out_bank_o,    // bank the cores write this step
    // input list of this step
    input  wire [IB:0]     in_count_i,
    output wire            in_re_o,
    output wire [IB-1:0]   in_raddr_o,
    input  wire [31:0]     in_rdata_i,
    // router
    output wire            in_valid_o,
    output wire [FB-1:0]   in_src_o,
    output wire [15:0]     in_x_o,
    input  wire            in_ready_i,
    output wire            walk_o,        // router: send the spike lists

    input  wire            router_busy_i,
    input  wire            ovl_in_i,      // the router's input lanes run this step's inputs
                                          // while the first level updates (no SCAN, INWAIT)
    // cores
    output wire            step_start_o,
    output wire            upd_start_o,
    output wire [LB-1:0]   upd_level_o,
    input  wire            upd_busy_i,
    input  wire            dlv_busy_i
);
    localparam RB0 = $clog2(D + 1);
    localparam RB  = (RB0 < 1) ? 1 : RB0;
    localparam LB  = (LMAX < 2) ? 1 : $clog2(LMAX);
    localparam IB  = (MAXIN < 2) ? 1 : $clog2(MAXIN);
    localparam FB  = (FAN < 2) ? 1 : $clog2(FAN);

    localparam S_IDLE = 4'd0, S_START = 4'd1, S_SCAN = 4'd2, S_INWAIT = 4'd3,
               S_UPD = 4'd4, S_UPDW = 4'd5, S_DRAIN = 4'd6, S_DLVW = 4'd7,
               S_FIN = 4'd8;

    reg [3:0]  st_q;
    reg [LB:0] lvl_q;
    reg [IB:0] c_q;
    reg        rv_q;
    reg [31:0] cyc_q;      // cycles of the step so far, counting this one (cycles_o)

    wire [15:0] x = in_rdata_i[31:16];
    wire x_nz = (x != 16'd0);
    wire consumed = rv_q & (~x_nz | in_ready_i);
    wire scan_issue = (st_q == S_SCAN) & (c_q < in_count_i) & (~rv_q | consumed);

    assign in_re_o    = scan_issue;
    assign in_raddr_o = c_q[IB-1:0];
    assign in_valid_o = rv_q & x_nz;
    /* verilator lint_off WIDTH */
    assign in_src_o   = in_rdata_i[15:0];
    /* verilator lint_on WIDTH */
    assign in_x_o     = x;

    assign busy_o       = (st_q != S_IDLE);
    assign started_o    = (st_q == S_IDLE) & go_i;
    assign step_start_o = (st_q == S_START);
    assign upd_start_o  = (st_q == S_UPD);
    assign upd_level_o  = lvl_q[LB-1:0];
    assign walk_o       = (OVL != 0) ? ((st_q == S_UPD) | (st_q == S_UPDW))
                                     : ((st_q == S_DRAIN) | (st_q == S_DLVW));
    assign done_o       = (st_q == S_FIN);
    assign cycles_o     = cyc_q;

    wire [LB:0] lvl_next = lvl_q + 1'b1;

    always @(posedge clk_i) begin
        if (rst_i) begin
            st_q       <= S_IDLE;
            lvl_q      <= {(LB+1){1'b0}};
            c_q        <= {(IB+1){1'b0}};
            rv_q       <= 1'b0;
            cyc_q      <= 32'd1;
            time_o     <= 32'd0;
            tmod_o     <= {RB{1'b0}};
            out_bank_o <= 1'b0;
        end else begin
            if (st_q == S_IDLE)
                cyc_q <= 32'd1;
            else
                cyc_q <= cyc_q + 32'd1;
            if (scan_issue)
                c_q <= c_q + 1'b1;
            if (scan_issue)
                rv_q <= 1'b1;
            else if (consumed)
                rv_q <= 1'b0;
            case (st_q)
                S_IDLE: begin
                    if (time_clear_i) begin
                        time_o <= 32'd0;
                        tmod_o <= {RB{1'b0}};
                    end
                    if (go_i)
                        st_q <= S_START;
                end
                S_START: begin
                    c_q <= {(IB+1){1'b0}};
                    if (ovl_in_i & (n_levels_i != {(LB+1){1'b0}})) begin
                        lvl_q <= {(LB+1){1'b0}};
                        st_q  <= S_UPD;
                    end else begin
                        st_q  <= S_SCAN;
                    end
                end
                S_SCAN: begin
                    if ((c_q >= in_count_i) & ~rv_q)
                        st_q <= S_INWAIT;
                end
                S_INWAIT: begin
                    if (~router_busy_i & ~dlv_busy_i) begin
                        lvl_q <= {(LB+1){1'b0}};
                        st_q  <= (n_levels_i == {(LB+1){1'b0}}) ? S_FIN : S_UPD;
                    end
                end
                S_UPD:  st_q <= S_UPDW;
                S_UPDW: begin
                    if (OVL == 0) begin
                        if (~upd_busy_i)
                            st_q <= S_DRAIN;
                    end else if (~upd_busy_i & ~router_busy_i & ~dlv_busy_i) begin
                        lvl_q <= lvl_next;
                        st_q  <= (lvl_next >= n_levels_i) ? S_FIN : S_UPD;
                    end
                end
                S_DRAIN: st_q <= S_DLVW;
                S_DLVW: begin
                    if (~router_busy_i & ~dlv_busy_i) begin
                        lvl_q <= lvl_next;
                        st_q  <= (lvl_next >= n_levels_i) ? S_FIN : S_UPD;
                    end
                end
                default: begin
                    time_o     <= time_o + 32'd1;
                    tmod_o     <= (tmod_o == D[RB-1:0]) ? {RB{1'b0}} : tmod_o + 1'b1;
                    out_bank_o <= ~out_bank_o;
                    st_q       <= S_IDLE;
                end
            endcase
        end
    end
endmodule
