// loom_link_rx -- receiving half of the link layer: COBS decoding, CRC
// check and frame buffer.
//
//   bytes ─> COBS decoder ─> body buffer (seq cmd len payload crc)
//                        └─> CRC-16 over every body byte (must end at 0)
//   0x00  ─> shape + CRC check ─> frame_o pulse, header on seq_o.. crc_o
//                              └─> or one of the reject counters
//
// The decoder is streaming: a code byte c announces c-1 data bytes; the
// 0x00 implied by a block with c < 0xFF is written only when the next code
// byte arrives, which proves it was not the last block.  At most one body
// byte is written per received byte.  A frame is handed on only when its
// last block is complete, its length field equals the body length minus 6,
// it fits the buffer and the CRC over the whole body (CRC sent high byte
// first) is 0 -- the same rules as link_rx in sw/link.c.  Frames that
// arrive while busy_i is 1 (the command unit still owns the buffer) are
// dropped whole and not counted: the host retries them.  Empty frames
// (0x00 0x00) are ignored.  The buffer has a synchronous read port for the
// command unit (body offsets: payload byte i is at 4 + i); it stores the
// payload bytes only (MAX_PAYLOAD deep).
module loom_link_rx #(
    parameter MAX_PAYLOAD = 512,
    parameter CNT_W = 16,
    parameter BW = $clog2(MAX_PAYLOAD + 6)   // derived: body address bits
) (
    input  wire             clk_i,
    input  wire             rst_i,
    input  wire [7:0]       data_i,
    input  wire             valid_i,
    input  wire             busy_i,
    input  wire             clr_i,      // clears the counters
    output reg              frame_o,
    output reg  [7:0]       seq_o,
    output reg  [7:0]       cmd_o,
    output reg  [15:0]      len_o,
    output reg  [15:0]      crc_o,
    input  wire [BW-1:0]    raddr_i,
    output reg  [7:0]       rdata_o,
    output reg  [CNT_W-1:0] ok_cnt_o,
    output reg  [CNT_W-1:0] crc_cnt_o,
    output reg  [CNT_W-1:0] fmt_cnt_o
);
    localparam BODY = MAX_PAYLOAD + 6;
    localparam [BW:0] BODY_N = BODY[BW:0];

    localparam PB = (MAX_PAYLOAD < 2) ? 1 : $clog2(MAX_PAYLOAD);
    reg [7:0] mem [0:(1 << PB) - 1];

    reg [BW:0]  n_q;        // body bytes decoded so far (saturates at BODY)
    reg [7:0]   blk_q;      // data bytes left in the current block
    reg         pend_q;     // a 0x00 is owed if another block follows
    reg         ovf_q;      // body longer than the buffer
    reg         drop_q;     // a byte arrived while busy
    reg         any_q;      // the frame is not empty
    reg [15:0]  crc_q;
    reg [7:0]   seq_q, cmd_q, lenlo_q, lenhi_q;
    reg [15:0]  last2_q;    // the last two body bytes: the frame's CRC

    // the body byte this input byte produces, if any
    wire        is_delim = valid_i & (data_i == 8'h00);
    wire        is_code  = valid_i & ~is_delim & (blk_q == 8'd0);
    wire        emit     = valid_i & ~is_delim & (is_code ? pend_q : 1'b1);
    wire [7:0]  ebyte    = is_code ? 8'h00 : data_i;
    wire        room     = (n_q < BODY_N);
    wire [15:0] crc_next;

    loom_crc16 u_crc (.crc_i(crc_q), .data_i(ebyte), .crc_o(crc_next));

    wire [15:0] len_field = {lenhi_q, lenlo_q};
    wire [16:0] body_len  = {{(16 - BW){1'b0}}, n_q};
    wire        shape_ok  = (blk_q == 8'd0) & ~ovf_q & (body_len >= 17'd6) &
                            ({1'b0, len_field} == body_len - 17'd6);

    // Only payload bytes are stored (the header is held in registers and
    // the CRC is checked on the fly): body byte n (n >= 4) goes to buffer
    // byte n - 4, bytes past MAX_PAYLOAD (the CRC of a full frame) are not
    // stored, so the buffer is MAX_PAYLOAD deep (one EBR for 512).
    /* verilator lint_off UNUSEDSIGNAL */
    localparam [BW:0] HDR = 4;
    localparam [31:0] PMAX32 = MAX_PAYLOAD;
    localparam [BW:0] PMAX = PMAX32[BW:0];
    wire [BW:0] poff = n_q - HDR;
    wire [BW-1:0] roff = raddr_i - HDR[BW-1:0];
    /* verilator lint_on UNUSEDSIGNAL */
    wire        pstore = (n_q >= HDR) & (poff < PMAX);
    always @(posedge clk_i) begin
        if (emit & room & ~busy_i & pstore)
            mem[poff[PB-1:0]] <= ebyte;
        rdata_o <= mem[roff[PB-1:0]];
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            n_q <= {(BW + 1){1'b0}};
            blk_q <= 8'd0;
            pend_q <= 1'b0;
            ovf_q <= 1'b0;
            drop_q <= 1'b0;
            any_q <= 1'b0;
            crc_q <= 16'hFFFF;
            seq_q <= 8'd0;
            cmd_q <= 8'd0;
            lenlo_q <= 8'd0;
            lenhi_q <= 8'd0;
            last2_q <= 16'd0;
            frame_o <= 1'b0;
            seq_o <= 8'd0;
            cmd_o <= 8'd0;
            len_o <= 16'd0;
            crc_o <= 16'd0;
            ok_cnt_o <= {CNT_W{1'b0}};
            crc_cnt_o <= {CNT_W{1'b0}};
            fmt_cnt_o <= {CNT_W{1'b0}};
        end else begin
            frame_o <= 1'b0;
            if (clr_i) begin
                ok_cnt_o <= {CNT_W{1'b0}};
                crc_cnt_o <= {CNT_W{1'b0}};
                fmt_cnt_o <= {CNT_W{1'b0}};
            end
            if (is_delim) begin
                if (any_q & ~drop_q) begin
                    if (!shape_ok)
                        fmt_cnt_o <= fmt_cnt_o + 1'b1;
                    else if (crc_q != 16'd0)
                        crc_cnt_o <= crc_cnt_o + 1'b1;
                    else begin
                        ok_cnt_o <= ok_cnt_o + 1'b1;
                        frame_o <= 1'b1;
                        seq_o <= seq_q;
                        cmd_o <= cmd_q;
                        len_o <= len_field;
                        crc_o <= last2_q;
                    end
                end
                n_q <= {(BW + 1){1'b0}};
                blk_q <= 8'd0;
                pend_q <= 1'b0;
                ovf_q <= 1'b0;
                drop_q <= 1'b0;
                any_q <= 1'b0;
                crc_q <= 16'hFFFF;
            end else if (valid_i) begin
                any_q <= 1'b1;
                if (busy_i)
                    drop_q <= 1'b1;
                if (is_code) begin
                    blk_q <= data_i - 8'd1;
                    pend_q <= (data_i != 8'hFF);
                end else
                    blk_q <= blk_q - 8'd1;
                if (emit) begin
                    if (room) begin
                        n_q <= n_q + 1'b1;
                        crc_q <= crc_next;
                        last2_q <= {last2_q[7:0], ebyte};
                        case (n_q)
                            0: seq_q <= ebyte;
                            1: cmd_q <= ebyte;
                            2: lenlo_q <= ebyte;
                            3: lenhi_q <= ebyte;
                            default: ;
                        endcase
                    end else
                        ovf_q <= 1'b1;
                end
            end
        end
    end
endmodule
