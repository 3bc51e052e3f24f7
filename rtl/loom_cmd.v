// loom_cmd -- the command unit (protocol v3): runs the frames of the receive
// ring in sequence order as bus bursts and keeps the board side of the
// link's exactly-once rule with a window of W cached responses.
//
//   rx ring ─ header (seq cmd len) ─> sequence rule
//     marker (cmd 0)                ─> NAK FRAME(expected)      not cached,
//                                      its seq byte the held mask (below)
//     IDENTIFY, or seq == expected  ─> execute, response cached, expected++
//     1 <= expected - seq <= depth  ─> replay the cached response (no bus access)
//     1 <= seq - expected <= W - 1  ─> held: left in the ring, no answer yet
//     anything else                 ─> NAK SEQ(expected)        not cached
//
// Selective repeat (v3): a request that arrives ahead of a damaged one is
// held where it is in the rx ring (the ring's free pointer stays at the
// first held frame) and the frames after it are run as usual.  Once a
// frame is executed while frames are held, the unit goes back over the
// held region (from the first held frame up to where it was: a rescan)
// and runs every frame whose seq is now the expected one, silently
// skipping the rest (they were answered on the first pass); a rescan
// that ran something and left frames held goes over them once more.  So
// a damaged request costs its own resend only, not the window behind it.
// When the processed region reaches half the ring, the held frames are
// given up (the host resends them: their answers do not come), so a
// frame of any size still fits and the board never waits on a full ring.
// IDENTIFY gives them up as well (a new session).  A NAK FRAME carries in
// its seq byte the mask of the requests held (bit k - 1: expected + k), so
// the host can tell which frame was the damaged one and resend just that.
//   execute: IDENTIFY | COUNTERS | RESET | BATCH; the response body goes to
//   the tx ring at rstart (payload from rstart + 4, header written last),
//   its offset kept in tab[seq mod W] for replays
//   BATCH ops run as they are read: WRITE / READ bursts on the host bus and
//   WAIT (until the array's busy pin is low, at most T cycles); an op cut
//   short, an unknown op or n = 0 stops the batch with NAK FORMAT, a READ
//   word past MAXP with NAK SIZE, a WAIT past T with NAK TIMEOUT -- ops
//   before the stop have been applied, and the NAK is cached like any
//   response, so a retry does not apply them again.
//
// The host keeps at most W requests in flight and no more response bytes
// than the tx ring holds (docs/protocol.md), so the response of every request
// it may still retry is intact in the ring.  Bytes are fetched from the rx
// ring into a shift register, two cycles per byte.  WAIT counts its cycles
// in the address register (loaded with ~T, done when it reaches all ones).
module loom_cmd #(
    parameter RB = 9,                          // rx ring address bits
    parameter TB = 9,                          // tx ring address bits
    parameter WB = 2,                          // log2 of the window (cached responses)
    parameter MAXP = 248,                      // largest payload either way
    parameter CNT_W = 16,
    parameter [15:0] RTL_VERSION = 16'd3,
    parameter [15:0] BOARD_ID = 16'd0,
    parameter [31:0] CLK_HZ = 32'd12000000,
    parameter [15:0] CLKS_PER_BIT = 16'd4
) (
    input  wire             clk_i,
    input  wire             rst_i,
    // rx ring
    input  wire [RB-1:0]    head_i,     // end of the committed frames
    output wire [RB-1:0]    free_o,     // start of the frame in use
    output wire [RB-1:0]    raddr_o,
    input  wire [7:0]       rdata_i,
    input  wire [CNT_W-1:0] ok_cnt_i,
    input  wire [CNT_W-1:0] crc_cnt_i,
    input  wire [CNT_W-1:0] fmt_cnt_i,
    output wire             clr_cnt_o,
    // tx ring and sender
    output wire             twe_o,
    output wire [TB-1:0]    twaddr_o,
    output reg  [7:0]       twdata_o,
    output wire             tx_start_o,
    input  wire             tx_ready_i,
    output wire [TB-1:0]    tx_off_o,
    output wire             tx_nak_o,
    output wire [7:0]       tx_seq_o,
    output wire             tx_frame_o,   // the NAK is NAK FRAME (else NAK SEQ)
    output wire [7:0]       tx_byte_o,
    // host bus of the array
    output wire             bus_valid_o,
    output wire             bus_we_o,
    output wire [23:0]      bus_addr_o,
    output wire [31:0]      bus_wdata_o,
    input  wire             bus_ready_i,
    input  wire [31:0]      bus_rdata_i,
    input  wire             busy_i,     // the array runs or has a step pending
    output wire             array_rst_o
);
    localparam [7:0] C_IDENTIFY = 8'h01, C_BATCH = 8'h02, C_COUNTERS = 8'h03, C_RESET = 8'h04;
    // response codes in 4 bits: {nak, low 3 bits}; the cmd byte is
    // {1, nak, 000, low}: ACK 0x81..0x84, NAK 0xC1..0xC6
    localparam [3:0] NAK_CMD = 4'h9, NAK_FORMAT = 4'hA, NAK_SEQ = 4'hB, NAK_TIMEOUT = 4'hC,
                     NAK_SIZE = 4'hD, NAK_FRAME = 4'hE;
    localparam W = 1 << WB;
    localparam [15:0] RXB = 1 << RB, TXB = 1 << TB, WIN = W;
    localparam [31:0] MAXP32 = MAXP;
    localparam [15:0] MAXP16 = MAXP32[15:0];
    localparam [TB-1:0] MAXPT = MAXP32[TB-1:0];
    localparam [TB-1:0] T4 = 4;
    localparam [RB-1:0] R2 = 2, R4 = 4;

    localparam [3:0] S_IDLE = 4'd0, S_F_REQ = 4'd1, S_F_CAP = 4'd2, S_HDR = 4'd3,
                     S_INFO = 4'd4, S_RST = 4'd5, S_OP = 4'd6, S_OPD = 4'd7,
                     S_N = 4'd8, S_WBUS = 4'd9, S_RCHK = 4'd10, S_RBUS = 4'd11,
                     S_RBYTE = 4'd12, S_WAIT = 4'd13, S_FIN = 4'd14, S_TX = 4'd15;

    reg [3:0]    st_q, fret_q;
    reg [1:0]    fc_q;           // bytes still to fetch - 1
    reg [RB-1:0] rp_q, fbase_q, fend_q;
    reg [31:0]   data_q;         // fetch shift register / bus word
    reg [7:0]    seq_q, exp_q;
    reg [3:0]    rc_q;           // response code, see above
    reg [WB:0]   depth_q;        // cached responses valid (0..W)
    reg [TB-1:0] tab_q [0:W-1];
    reg [TB-1:0] rstart_q, rlen_q;  // response body start, payload bytes
    reg [1:0]    hk_q;           // header / read byte index
    reg          nak_q;          // S_TX: an uncached NAK (rc_q, payload exp_q)
    reg          info_q;         // S_INFO: 1 IDENTIFY, 0 COUNTERS
    reg [2:0]    op_q;           // {fixed, kind[1:0]}
    reg [23:0]   addr_q;
    reg          ones_q;         // &addr_q, kept beside it (WAIT's timeout test
                                 // off the state machine's path: the UP5K's clock)
    reg [15:0]   n_q;
    reg          hold_q;         // frames are held: fbase_q is the first held one
    reg          resc_q;         // going over the held region again, up to sc_q
    reg [RB-1:0] sc_q;           // rescan: where the first pass goes on
    reg [RB-1:0] nh_q;           // rescan: the first frame still held (when nhf_q)
    reg          nhf_q, exe_q;   // rescan: a frame left held; a frame run
    reg          skip_q;         // S_TX: no answer (held, or skipped by a rescan)
    reg          ex_q;           // S_TX: the frame was executed (not IDENTIFY)
    reg [W-2:0]  hm_q;           // held mask: bit k - 1 = a copy of exp + k is held
    // the array's busy pin, registered: its decode (a 32-bit zero test in
    // the array) does not reach the state machine in the same cycle (the
    // UP5K's clock).  WAIT is entered cycles after the bus write that
    // starts a step, so busy_q is already high then; WAIT ends a cycle
    // after busy falls.
    reg          busy_q;
    always @(posedge clk_i)
        busy_q <= busy_i;

    wire [159:0] id_vec = {WIN, TXB, RXB, CLKS_PER_BIT, CLK_HZ, MAXP16, BOARD_ID, RTL_VERSION,
                           16'd3};
    wire [47:0] cnt_vec = {fmt_cnt_i, crc_cnt_i, ok_cnt_i};
    wire [7:0]  cmd_b = data_q[15:8];                // in S_HDR
    // in S_HDR: replay_q = (behind != 0) & (depth >= behind), behind = exp -
    // seq, decided a cycle ahead (27 MHz on the UP5K): S_HDR always follows
    // the S_F_CAP that shifts the sequence byte from data_q[15:8] into
    // data_q[7:0], and exp_q and depth_q do not change in that cycle
    wire [7:0]  behind_n = exp_q - data_q[15:8];
    reg         replay_q, ahead_q;
    always @(posedge clk_i) begin
        replay_q <= (behind_n != 8'd0) & ({{(7 - WB){1'b0}}, depth_q} >= behind_n);
        // 1 <= seq - exp <= W - 1: exp - seq is 256 - (W - 1) .. 255
        ahead_q <= (&behind_n[7:WB]) & (|behind_n[WB-1:0]);
    end
    wire        at_end = (rp_q == fend_q);
    wire [RB-1:0] fnext = fend_q + R2;
    // in S_HDR: the frame runs (a rescan runs only the expected seq)
    wire        run_n = (cmd_b != 8'h00) &
                        (resc_q ? ((data_q[7:0] == exp_q) & (cmd_b != C_IDENTIFY))
                                : ((cmd_b == C_IDENTIFY) | (data_q[7:0] == exp_q)));
    // the processed region from the first held frame to the end of this one
    wire [RB-1:0] region = fnext - fbase_q;
    // in S_HDR: the held mask with this frame's bit (seq - exp) set
    localparam [W-2:0] HM1 = 1;
    wire [WB-1:0] ahead_k1 = data_q[WB-1:0] - exp_q[WB-1:0] - 1'b1;
    wire [W-2:0]  ahead_bit = HM1 << ahead_k1;
    // the tx ring: payload bytes go to rstart + 4 + rlen, header byte k to rstart + k
    wire [TB-1:0] twoff = (st_q == S_FIN) ? {{(TB - 2){1'b0}}, hk_q} : rlen_q + T4;
    wire [TB-1:0] twp = rstart_q + twoff;
    wire [TB-1:0] info_n = info_q ? 20 : 6;
    wire        addr_ones = ones_q;
    wire [23:0] addr_opd  = (data_q[7:0] == 8'h03) ? ~data_q[31:8] : data_q[31:8];
    wire        ones_inc  = (addr_q == 24'hFFFFFE);   // &(addr_q + 1)
    // a fetch of fc + 1 bytes continuing at state r
    `define LOOM_FETCH(k, r) begin fc_q <= (k); fret_q <= (r); st_q <= S_F_REQ; end
    `define LOOM_FIN begin hk_q <= 2'd0; st_q <= S_FIN; end
    `define LOOM_NAK(code) begin rc_q <= (code); rlen_q <= {TB{1'b0}}; `LOOM_FIN end

    always @(posedge clk_i) begin
        if (rst_i) begin
            st_q <= S_IDLE;
            fret_q <= S_IDLE;
            fc_q <= 2'd0;
            rp_q <= {RB{1'b0}};
            fbase_q <= {RB{1'b0}};
            fend_q <= {RB{1'b0}};
            data_q <= 32'd0;
            seq_q <= 8'd0;
            exp_q <= 8'd0;
            rc_q <= 4'd0;
            depth_q <= {(WB + 1){1'b0}};
            rstart_q <= {TB{1'b0}};
            rlen_q <= {TB{1'b0}};
            hk_q <= 2'd0;
            nak_q <= 1'b0;
            info_q <= 1'b0;
            op_q <= 3'd0;
            addr_q <= 24'd0;
            ones_q <= 1'b0;
            n_q <= 16'd0;
            hold_q <= 1'b0;
            resc_q <= 1'b0;
            sc_q <= {RB{1'b0}};
            nh_q <= {RB{1'b0}};
            nhf_q <= 1'b0;
            exe_q <= 1'b0;
            skip_q <= 1'b0;
            ex_q <= 1'b0;
            hm_q <= {(W - 1){1'b0}};
        end else begin
            case (st_q)
                S_IDLE: if (resc_q & (rp_q == sc_q)) begin
                    // the end of a rescan
                    nhf_q <= 1'b0;
                    exe_q <= 1'b0;
                    if (nhf_q & exe_q) begin
                        rp_q <= nh_q;        // frames ran: those held may be next
                        fbase_q <= nh_q;
                    end else begin
                        resc_q <= 1'b0;
                        hold_q <= nhf_q;
                        if (!nhf_q) hm_q <= {(W - 1){1'b0}};
                        fbase_q <= nhf_q ? nh_q : sc_q;
                    end
                end else if (rp_q != head_i) begin
                    fend_q <= head_i;        // a header never reaches it
                    `LOOM_FETCH(2'd3, S_HDR)
                end
                // ---- fetch fc_q + 1 bytes into the top of data_q -------------
                S_F_REQ: if (at_end) `LOOM_NAK(NAK_FORMAT)
                    else st_q <= S_F_CAP;
                S_F_CAP: begin
                    data_q <= {rdata_i, data_q[31:8]};
                    rp_q <= rp_q + 1'b1;
                    fc_q <= fc_q - 2'd1;
                    st_q <= (fc_q == 2'd0) ? fret_q : S_F_REQ;
                end
                // ---- the sequence rule ------------------------------------------
                S_HDR: begin
                    seq_q <= data_q[7:0];
                    fend_q <= rp_q + data_q[16 +: RB];
                    rc_q <= {1'b0, cmd_b[2:0]};
                    nak_q <= 1'b0;
                    info_q <= (cmd_b == C_IDENTIFY);
                    ex_q <= (cmd_b != C_IDENTIFY);
                    skip_q <= 1'b0;
                    if (run_n) begin
                        rstart_q <= twp;     // after the last response
                        rlen_q <= {TB{1'b0}};
                        if (resc_q) exe_q <= 1'b1;
                        if (cmd_b == C_IDENTIFY) begin
                            depth_q <= {(WB + 1){1'b0}};
                            hold_q <= 1'b0;  // a new session: the held frames are gone
                            hm_q <= {(W - 1){1'b0}};
                            st_q <= S_INFO;
                        end else if (cmd_b == C_COUNTERS) st_q <= S_INFO;
                        else if (cmd_b == C_RESET) begin
                            hk_q <= 2'd3;
                            st_q <= S_RST;
                        end else if (cmd_b == C_BATCH) st_q <= S_OP;
                        else `LOOM_NAK(NAK_CMD)
                    end else begin
                        ex_q <= 1'b0;
                        st_q <= S_TX;
                        if (resc_q) begin
                            // answered on the first pass, or still held
                            skip_q <= 1'b1;
                            if (ahead_q & ~nhf_q) begin
                                nhf_q <= 1'b1;
                                nh_q <= rp_q - R4;
                            end
                        end else if (cmd_b == 8'h00) begin
                            nak_q <= 1'b1;
                            rc_q <= NAK_FRAME;
                            seq_q <= {{(9 - W){1'b0}}, hm_q};
                        end else if (replay_q) begin
                            nak_q <= 1'b0;
                        end else if (ahead_q) begin
                            hold_q <= 1'b1;  // fbase_q stays at the first held frame
                            hm_q <= hm_q | ahead_bit;
                            skip_q <= 1'b1;
                        end else begin
                            nak_q <= 1'b1;
                            rc_q <= NAK_SEQ;
                        end
                    end
                end
                S_INFO: if (rlen_q == info_n) `LOOM_FIN
                    else rlen_q <= rlen_q + 1'b1;
                S_RST: begin
                    hk_q <= hk_q - 2'd1;
                    if (hk_q == 2'd0) `LOOM_FIN
                end
                // ---- BATCH --------------------------------------------------------
                S_OP: if (at_end) `LOOM_FIN
                    else `LOOM_FETCH(2'd3, S_OPD)
                S_OPD: begin
                    op_q <= {data_q[4], data_q[1:0]};
                    addr_q <= addr_opd;
                    ones_q <= &addr_opd;
                    if (data_q[7:0] == 8'h03) st_q <= S_WAIT;
                    else if (data_q[7:0] == 8'h01 || data_q[7:0] == 8'h11 ||
                             data_q[7:0] == 8'h02 || data_q[7:0] == 8'h12) `LOOM_FETCH(2'd1, S_N)
                    else `LOOM_NAK(NAK_FORMAT)
                end
                S_N: begin
                    n_q <= data_q[31:16];
                    if (data_q[31:16] == 16'd0) `LOOM_NAK(NAK_FORMAT)
                    else if (op_q[1:0] == 2'd1) `LOOM_FETCH(2'd3, S_WBUS)
                    else st_q <= S_RCHK;
                end
                S_WBUS: if (bus_ready_i) begin
                    n_q <= n_q - 16'd1;
                    if (!op_q[2]) begin addr_q <= addr_q + 24'd1; ones_q <= ones_inc; end
                    if (n_q == 16'd1) st_q <= S_OP;
                    else `LOOM_FETCH(2'd3, S_WBUS)
                end
                S_RCHK: if (rlen_q > MAXPT - T4) `LOOM_NAK(NAK_SIZE)
                    else st_q <= S_RBUS;
                S_RBUS: if (bus_ready_i) begin
                    data_q <= bus_rdata_i;
                    hk_q <= 2'd0;
                    st_q <= S_RBYTE;
                end
                S_RBYTE: begin
                    data_q <= {8'd0, data_q[31:8]};
                    rlen_q <= rlen_q + 1'b1;
                    hk_q <= hk_q + 2'd1;
                    if (hk_q == 2'd3) begin
                        n_q <= n_q - 16'd1;
                        if (!op_q[2]) begin addr_q <= addr_q + 24'd1; ones_q <= ones_inc; end
                        st_q <= (n_q == 16'd1) ? S_OP : S_RCHK;
                    end
                end
                // WAIT T: until busy_i is low, at most T cycles (addr_q = ~T + cycles)
                S_WAIT: if (!busy_q) st_q <= S_OP;
                    else if (addr_ones) `LOOM_NAK(NAK_TIMEOUT)
                    else begin addr_q <= addr_q + 24'd1; ones_q <= ones_inc; end
                // ---- the response header, then the cache entry ----------------------
                S_FIN: begin
                    hk_q <= hk_q + 2'd1;
                    if (hk_q == 2'd3) begin
                        tab_q[seq_q[WB-1:0]] <= rstart_q;
                        if (depth_q != W[WB:0]) depth_q <= depth_q + 1'b1;
                        exp_q <= seq_q + 8'd1;
                        hm_q <= hm_q >> 1;   // relative to the new exp
                        st_q <= S_TX;
                    end
                end
                S_TX: if (tx_ready_i | skip_q) begin
                    rp_q <= fnext;
                    st_q <= S_IDLE;
                    if (resc_q) begin
                        // going over the held region: fbase_q stays
                    end else if (hold_q & ex_q) begin
                        // run the held frames that are next now
                        resc_q <= 1'b1;
                        sc_q <= fnext;
                        rp_q <= fbase_q;
                    end else if (~hold_q | region[RB-1]) begin
                        hold_q <= 1'b0;      // half the ring: give the held frames up
                        hm_q <= {(W - 1){1'b0}};
                        fbase_q <= fnext;
                    end
                end
                default: st_q <= S_IDLE;
            endcase
        end
    end
    `undef LOOM_FETCH
    `undef LOOM_NAK
    `undef LOOM_FIN

    always @(*) begin
        twdata_o = data_q[7:0];                                   // S_RBYTE
        if (st_q == S_INFO)
            twdata_o = info_q ? id_vec[8 * rlen_q[4:0] +: 8] : cnt_vec[8 * rlen_q[2:0] +: 8];
        else if (st_q == S_FIN)
            case (hk_q)
                2'd0: twdata_o = seq_q;
                2'd1: twdata_o = {1'b1, rc_q[3], 3'b000, rc_q[2:0]};
                2'd2: twdata_o = rlen_q[7:0];
                default: twdata_o = {{(16 - TB){1'b0}}, rlen_q[TB-1:8]};
            endcase
    end
    assign twe_o = (st_q == S_FIN) | (st_q == S_RBYTE) | ((st_q == S_INFO) & (rlen_q != info_n));
    assign twaddr_o = twp;

    assign tx_start_o = (st_q == S_TX) & ~skip_q;
    assign tx_off_o = tab_q[seq_q[WB-1:0]];
    assign tx_nak_o = nak_q;
    assign tx_seq_o = seq_q;
    assign tx_frame_o = rc_q[2];
    assign tx_byte_o = exp_q;

    assign free_o = fbase_q;
    assign raddr_o = rp_q;
    assign clr_cnt_o = (st_q == S_RST) & (hk_q == 2'd0);
    assign array_rst_o = (st_q == S_RST);
    assign bus_valid_o = (st_q == S_WBUS) | (st_q == S_RBUS);
    assign bus_we_o = (st_q == S_WBUS);
    assign bus_addr_o = addr_q;
    assign bus_wdata_o = data_q;
endmodule
