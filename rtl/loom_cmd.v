// loom_cmd -- the command unit: executes link requests as bus bursts and
// keeps the board side of the link's exactly-once rule.
//
//   loom_link_rx ─ frame_i, header, rx buffer read port ─┐
//                                                        v
//   sequence rule ─> duplicate: re-send the cached response (not executed)
//               ├──> out of order: NAK SEQ (not executed, not cached)
//               └──> execute: IDENTIFY | COUNTERS | RESET | BATCH
//   BATCH: pass 1 validates every op (nothing applied if malformed or if
//          the reads would not fit MAX_PAYLOAD), pass 2 runs the ops in
//          order: WRITE / READ bursts and WAIT polls on the host bus
//   response payload ─> loom_link_tx buffer (write port) ─> tx start
//
// Sequence rule (the same as link_srv in sw/link.c): a request with the
// seq and CRC of the last executed one is a duplicate; IDENTIFY, the first
// request after reset and seq == last + 1 are executed; anything else is
// refused with NAK SEQ.  The last response's header is kept here and its
// payload stays in the tx buffer, so a duplicate costs no bus access.
// Payload bytes are fetched from the rx buffer one per two cycles
// (synchronous read), which is far faster than the UART delivers them.
module loom_cmd #(
    parameter MAX_PAYLOAD = 512,
    parameter CNT_W = 16,
    parameter [15:0] RTL_VERSION = 16'd1,
    parameter [15:0] BOARD_ID = 16'd0,
    parameter [31:0] CLK_HZ = 32'd12000000,
    parameter [31:0] CLKS_PER_BIT = 32'd4,
    parameter RBW = $clog2(MAX_PAYLOAD + 6),   // derived: rx body address bits
    parameter PW = $clog2(MAX_PAYLOAD)         // derived: tx payload address bits
) (
    input  wire             clk_i,
    input  wire             rst_i,
    // link_rx
    input  wire             frame_i,
    input  wire [7:0]       seq_i,
    input  wire [7:0]       cmd_i,
    input  wire [15:0]      len_i,
    input  wire [15:0]      crc_i,
    output wire             busy_o,
    output wire [RBW-1:0]   raddr_o,
    input  wire [7:0]       rdata_i,
    input  wire [CNT_W-1:0] ok_cnt_i,
    input  wire [CNT_W-1:0] crc_cnt_i,
    input  wire [CNT_W-1:0] fmt_cnt_i,
    output wire             clr_cnt_o,
    // link_tx
    output reg              tx_start_o,
    output reg  [7:0]       tx_seq_o,
    output reg  [7:0]       tx_cmd_o,
    output reg  [15:0]      tx_len_o,
    input  wire             tx_busy_i,
    output reg              tx_we_o,
    output reg  [PW-1:0]    tx_waddr_o,
    output reg  [7:0]       tx_wdata_o,
    // host bus of the array
    output wire             bus_valid_o,
    output wire             bus_we_o,
    output wire [23:0]      bus_addr_o,
    output wire [31:0]      bus_wdata_o,
    input  wire             bus_ready_i,
    input  wire [31:0]      bus_rdata_i,
    output wire             array_rst_o
);
    localparam [7:0] C_IDENTIFY = 8'h01, C_BATCH = 8'h02, C_COUNTERS = 8'h03, C_RESET = 8'h04;
    localparam [7:0] NAK_CMD = 8'hC1, NAK_FORMAT = 8'hC2, NAK_SEQ = 8'hC3, NAK_TIMEOUT = 8'hC4,
                     NAK_SIZE = 8'hC5;
    localparam [31:0] MAXP = MAX_PAYLOAD;

    localparam [4:0] S_IDLE = 5'd0, S_DECIDE = 5'd1, S_ID = 5'd2, S_CNT = 5'd3, S_RST = 5'd4,
                     S_FIN = 5'd5, S_F_REQ = 5'd6, S_F_CAP = 5'd7,
                     S_V_OP = 5'd8, S_V_OPD = 5'd9, S_V_N = 5'd10, S_V_DONE = 5'd11,
                     S_X_OP = 5'd12, S_X_DEC = 5'd13, S_X_N = 5'd14, S_X_WWORD = 5'd15,
                     S_X_WBUS = 5'd16, S_X_RD = 5'd17, S_X_RBUS = 5'd18, S_X_RST = 5'd19,
                     S_X_WMASK = 5'd20, S_X_WVAL = 5'd21, S_X_WPOLLS = 5'd22, S_X_WCHK = 5'd23,
                     S_X_WBUS2 = 5'd24;

    reg [4:0]  state_q, state_d;
    // the request being handled
    reg [7:0]  fseq_q, fseq_d, fcmd_q, fcmd_d;
    reg [15:0] flen_q, flen_d, fcrc_q, fcrc_d;
    // the last executed request and its response header (the cache)
    reg        have_q, have_d;
    reg [7:0]  lseq_q, lseq_d, rcmd_q, rcmd_d;
    reg [15:0] lcrc_q, lcrc_d, rlen_q, rlen_d;
    // counters kept here
    reg [CNT_W-1:0] seqe_q, seqe_d, dup_q, dup_d;
    // response being built
    reg [7:0]  rc_q, rc_d;       // response cmd for S_FIN
    reg [15:0] out_q, out_d;     // response payload bytes written
    reg [4:0]  wi_q, wi_d;       // byte index for IDENTIFY / COUNTERS / read words
    reg [2:0]  rst_q, rst_d;
    // fetch of up to 4 payload bytes (little-endian) into facc
    reg [15:0] fpos_q, fpos_d;
    reg [2:0]  fcnt_q, fcnt_d, fbi_q, fbi_d;
    reg [31:0] facc_q, facc_d;
    reg [4:0]  fret_q, fret_d;
    // batch walk
    reg [15:0] pos_q, pos_d;
    // read words of a batch: at most 85 ops of 65,535 words < 2^23
    reg [23:0] words_q, words_d;
    reg [7:0]  op_q, op_d;
    reg [23:0] addr_q, addr_d;
    reg [15:0] n_q, n_d;
    reg [31:0] mask_q, mask_d, val_q, val_d, polls_q, polls_d, rword_q, rword_d;

    wire [127:0] id_vec = {CLKS_PER_BIT, CLK_HZ, MAXP[15:0], BOARD_ID, RTL_VERSION, 16'd1};
    wire [159:0] cnt_vec = {{(32 - CNT_W){1'b0}}, dup_q, {(32 - CNT_W){1'b0}}, seqe_q,
                            {(32 - CNT_W){1'b0}}, fmt_cnt_i, {(32 - CNT_W){1'b0}}, crc_cnt_i,
                            {(32 - CNT_W){1'b0}}, ok_cnt_i};
    wire [RBW-1:0] fpos_body = fpos_q[RBW-1:0] + {{(RBW - 3){1'b0}}, 3'd4};
    wire        fixed = op_q[4];
    wire        is_write = (op_q[3:0] == 4'h1);
    // pos, len < 2^16 and n << 2 < 2^18: 19 bits hold every sum exactly
    wire [18:0] pos32 = {3'd0, pos_q};
    wire [18:0] len32 = {3'd0, flen_q};
    wire [18:0] n32 = {3'd0, facc_q[15:0]};

    always @(*) begin
        state_d = state_q;
        fseq_d = fseq_q; fcmd_d = fcmd_q; flen_d = flen_q; fcrc_d = fcrc_q;
        have_d = have_q; lseq_d = lseq_q; rcmd_d = rcmd_q; lcrc_d = lcrc_q; rlen_d = rlen_q;
        seqe_d = seqe_q; dup_d = dup_q;
        rc_d = rc_q; out_d = out_q; wi_d = wi_q; rst_d = rst_q;
        fpos_d = fpos_q; fcnt_d = fcnt_q; fbi_d = fbi_q; facc_d = facc_q; fret_d = fret_q;
        pos_d = pos_q; words_d = words_q; op_d = op_q; addr_d = addr_q; n_d = n_q;
        mask_d = mask_q; val_d = val_q; polls_d = polls_q; rword_d = rword_q;
        tx_start_o = 1'b0;
        tx_seq_o = fseq_q;
        tx_cmd_o = rc_q;
        tx_len_o = out_q;
        tx_we_o = 1'b0;
        tx_waddr_o = out_q[PW-1:0];
        tx_wdata_o = 8'h00;

        case (state_q)
            S_IDLE: if (frame_i) begin
                fseq_d = seq_i;
                fcmd_d = cmd_i;
                flen_d = len_i;
                fcrc_d = crc_i;
                state_d = S_DECIDE;
            end
            S_DECIDE: if (!tx_busy_i) begin
                out_d = 16'd0;
                wi_d = 5'd0;
                if (have_q && fseq_q == lseq_q && fcrc_q == lcrc_q) begin
                    dup_d = dup_q + 1'b1;
                    tx_start_o = 1'b1;
                    tx_seq_o = lseq_q;
                    tx_cmd_o = rcmd_q;
                    tx_len_o = rlen_q;
                    state_d = S_IDLE;
                end else if (have_q && fcmd_q != C_IDENTIFY && fseq_q != lseq_q + 8'd1) begin
                    seqe_d = seqe_q + 1'b1;
                    tx_start_o = 1'b1;
                    tx_cmd_o = NAK_SEQ;
                    tx_len_o = 16'd0;
                    state_d = S_IDLE;
                end else if (fcmd_q == C_IDENTIFY) state_d = S_ID;
                else if (fcmd_q == C_COUNTERS) state_d = S_CNT;
                else if (fcmd_q == C_RESET) begin
                    rst_d = 3'd4;
                    state_d = S_RST;
                end else if (fcmd_q == C_BATCH) begin
                    pos_d = 16'd0;
                    words_d = 24'd0;
                    state_d = S_V_OP;
                end else begin
                    rc_d = NAK_CMD;
                    state_d = S_FIN;
                end
            end
            S_ID: begin
                tx_we_o = 1'b1;
                tx_wdata_o = id_vec[8 * wi_q +: 8];
                out_d = out_q + 16'd1;
                wi_d = wi_q + 5'd1;
                if (wi_q == 5'd15) begin
                    rc_d = 8'h80 | C_IDENTIFY;
                    state_d = S_FIN;
                end
            end
            S_CNT: begin
                tx_we_o = 1'b1;
                tx_wdata_o = cnt_vec[8 * wi_q +: 8];
                out_d = out_q + 16'd1;
                wi_d = wi_q + 5'd1;
                if (wi_q == 5'd19) begin
                    rc_d = 8'h80 | C_COUNTERS;
                    state_d = S_FIN;
                end
            end
            S_RST: begin
                rst_d = rst_q - 3'd1;
                if (rst_q == 3'd1) begin
                    seqe_d = {CNT_W{1'b0}};
                    dup_d = {CNT_W{1'b0}};
                    rc_d = 8'h80 | C_RESET;
                    state_d = S_FIN;
                end
            end
            S_FIN: begin
                have_d = 1'b1;
                lseq_d = fseq_q;
                lcrc_d = fcrc_q;
                rcmd_d = rc_q;
                rlen_d = out_q;
                tx_start_o = 1'b1;
                state_d = S_IDLE;
            end
            // ---- fetch fcnt bytes at payload offset fpos into facc --------
            S_F_REQ: state_d = S_F_CAP;
            S_F_CAP: begin
                facc_d[8 * fbi_q +: 8] = rdata_i;
                fbi_d = fbi_q + 3'd1;
                fpos_d = fpos_q + 16'd1;
                state_d = (fbi_q + 3'd1 == fcnt_q) ? fret_q : S_F_REQ;
            end
            // ---- pass 1: validate -------------------------------------------
            S_V_OP: if (pos_q == flen_q) state_d = S_V_DONE;
                else begin
                    fpos_d = pos_q; fcnt_d = 3'd1; fbi_d = 3'd0; facc_d = 32'd0;
                    fret_d = S_V_OPD; state_d = S_F_REQ;
                end
            S_V_OPD: begin
                op_d = facc_q[7:0];
                if (facc_q[7:0] == 8'h03) begin
                    if (pos32 + 19'd16 > len32) begin
                        rc_d = NAK_FORMAT; state_d = S_FIN;
                    end else begin
                        pos_d = pos_q + 16'd16; state_d = S_V_OP;
                    end
                end else if (facc_q[7:0] == 8'h01 || facc_q[7:0] == 8'h11 ||
                             facc_q[7:0] == 8'h02 || facc_q[7:0] == 8'h12) begin
                    if (pos32 + 19'd6 > len32) begin
                        rc_d = NAK_FORMAT; state_d = S_FIN;
                    end else begin
                        fpos_d = pos_q + 16'd4; fcnt_d = 3'd2; fbi_d = 3'd0; facc_d = 32'd0;
                        fret_d = S_V_N; state_d = S_F_REQ;
                    end
                end else begin
                    rc_d = NAK_FORMAT; state_d = S_FIN;
                end
            end
            S_V_N: begin
                if (n32 == 19'd0) begin
                    rc_d = NAK_FORMAT; state_d = S_FIN;
                end else if (is_write) begin
                    if (pos32 + 19'd6 + (n32 << 2) > len32) begin
                        rc_d = NAK_FORMAT; state_d = S_FIN;
                    end else begin
                        pos_d = pos_q + 16'd6 + {facc_q[13:0], 2'b00}; state_d = S_V_OP;
                    end
                end else begin
                    words_d = words_q + {5'd0, n32};
                    pos_d = pos_q + 16'd6;
                    state_d = S_V_OP;
                end
            end
            S_V_DONE: if ({8'd0, words_q} > (MAXP >> 2)) begin
                    rc_d = NAK_SIZE; state_d = S_FIN;
                end else begin
                    pos_d = 16'd0; state_d = S_X_OP;
                end
            // ---- pass 2: execute ----------------------------------------------
            S_X_OP: if (pos_q == flen_q) begin
                    rc_d = 8'h80 | C_BATCH; state_d = S_FIN;
                end else begin
                    fpos_d = pos_q; fcnt_d = 3'd4; fbi_d = 3'd0; facc_d = 32'd0;
                    fret_d = S_X_DEC; state_d = S_F_REQ;
                end
            S_X_DEC: begin
                op_d = facc_q[7:0];
                addr_d = facc_q[31:8];
                fbi_d = 3'd0; facc_d = 32'd0; state_d = S_F_REQ;
                if (facc_q[7:0] == 8'h03) begin
                    fcnt_d = 3'd4; fret_d = S_X_WMASK;
                end else begin
                    fcnt_d = 3'd2; fret_d = S_X_N;
                end
            end
            S_X_N: begin
                n_d = facc_q[15:0];
                state_d = is_write ? S_X_WWORD : S_X_RD;
            end
            S_X_WWORD: if (n_q == 16'd0) begin
                    pos_d = fpos_q; state_d = S_X_OP;
                end else begin
                    fcnt_d = 3'd4; fbi_d = 3'd0; facc_d = 32'd0;
                    fret_d = S_X_WBUS; state_d = S_F_REQ;
                end
            S_X_WBUS: if (bus_ready_i) begin
                    n_d = n_q - 16'd1;
                    if (!fixed) addr_d = addr_q + 24'd1;
                    state_d = S_X_WWORD;
                end
            S_X_RD: if (n_q == 16'd0) begin
                    pos_d = fpos_q; state_d = S_X_OP;
                end else state_d = S_X_RBUS;
            S_X_RBUS: if (bus_ready_i) begin
                    rword_d = bus_rdata_i;
                    wi_d = 5'd0;
                    state_d = S_X_RST;
                end
            S_X_RST: begin
                tx_we_o = 1'b1;
                tx_wdata_o = rword_q[8 * wi_q[1:0] +: 8];
                out_d = out_q + 16'd1;
                wi_d = wi_q + 5'd1;
                if (wi_q == 5'd3) begin
                    n_d = n_q - 16'd1;
                    if (!fixed) addr_d = addr_q + 24'd1;
                    state_d = S_X_RD;
                end
            end
            S_X_WMASK: begin
                mask_d = facc_q;
                fcnt_d = 3'd4; fbi_d = 3'd0; facc_d = 32'd0;
                fret_d = S_X_WVAL; state_d = S_F_REQ;
            end
            S_X_WVAL: begin
                val_d = facc_q;
                fcnt_d = 3'd4; fbi_d = 3'd0; facc_d = 32'd0;
                fret_d = S_X_WPOLLS; state_d = S_F_REQ;
            end
            S_X_WPOLLS: begin
                polls_d = facc_q;
                pos_d = fpos_q;
                state_d = S_X_WCHK;
            end
            S_X_WCHK: if (polls_q == 32'd0) begin
                    out_d = 16'd0; rc_d = NAK_TIMEOUT; state_d = S_FIN;
                end else state_d = S_X_WBUS2;
            S_X_WBUS2: if (bus_ready_i) begin
                    if ((bus_rdata_i & mask_q) == val_q) state_d = S_X_OP;
                    else begin
                        polls_d = polls_q - 32'd1;
                        state_d = S_X_WCHK;
                    end
                end
            default: state_d = S_IDLE;
        endcase
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            state_q <= S_IDLE;
            fseq_q <= 8'd0; fcmd_q <= 8'd0; flen_q <= 16'd0; fcrc_q <= 16'd0;
            have_q <= 1'b0; lseq_q <= 8'd0; rcmd_q <= 8'd0; lcrc_q <= 16'd0; rlen_q <= 16'd0;
            seqe_q <= {CNT_W{1'b0}}; dup_q <= {CNT_W{1'b0}};
            rc_q <= 8'd0; out_q <= 16'd0; wi_q <= 5'd0; rst_q <= 3'd0;
            fpos_q <= 16'd0; fcnt_q <= 3'd0; fbi_q <= 3'd0; facc_q <= 32'd0; fret_q <= S_IDLE;
            pos_q <= 16'd0; words_q <= 24'd0; op_q <= 8'd0; addr_q <= 24'd0; n_q <= 16'd0;
            mask_q <= 32'd0; val_q <= 32'd0; polls_q <= 32'd0; rword_q <= 32'd0;
        end else begin
            state_q <= state_d;
            fseq_q <= fseq_d; fcmd_q <= fcmd_d; flen_q <= flen_d; fcrc_q <= fcrc_d;
            have_q <= have_d; lseq_q <= lseq_d; rcmd_q <= rcmd_d; lcrc_q <= lcrc_d;
            rlen_q <= rlen_d;
            seqe_q <= seqe_d; dup_q <= dup_d;
            rc_q <= rc_d; out_q <= out_d; wi_q <= wi_d; rst_q <= rst_d;
            fpos_q <= fpos_d; fcnt_q <= fcnt_d; fbi_q <= fbi_d; facc_q <= facc_d;
            fret_q <= fret_d;
            pos_q <= pos_d; words_q <= words_d; op_q <= op_d; addr_q <= addr_d; n_q <= n_d;
            mask_q <= mask_d; val_q <= val_d; polls_q <= polls_d; rword_q <= rword_d;
        end
    end

    assign busy_o = (state_q != S_IDLE) | frame_i;
    assign raddr_o = fpos_body;
    assign clr_cnt_o = (state_q == S_RST) & (rst_q == 3'd1);
    assign array_rst_o = (state_q == S_RST);
    assign bus_valid_o = (state_q == S_X_WBUS) | (state_q == S_X_RBUS) | (state_q == S_X_WBUS2);
    assign bus_we_o = (state_q == S_X_WBUS);
    assign bus_addr_o = addr_q;
    assign bus_wdata_o = facc_q;
endmodule
