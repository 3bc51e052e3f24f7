// loom_link_tx -- sending half of the link layer (protocol v2): the
// response ring, CRC and HDLC-style byte stuffing, streamed with no buffer.
//
//   command unit ─ write port ─> ring (one EBR): response bodies
//                                seq cmd len_lo len_hi payload, back to back
//   start (offset) ─> 0x7E, stuff(body from the ring, crc hi, crc lo), 0x7E
//   start (nak)    ─> 0x7E, stuff(seq, cmd, 1, 0, byte, crc hi, crc lo), 0x7E
//                     ─> byte stream (ready/valid) ─> UART
//
// Stuffing: 0x7E and 0x7D in the body or CRC go out as 0x7D, byte ^ 0x20.
// The CRC is computed over the body bytes as they leave.  A response stays
// in the ring after it is sent, so starting again at the same offset sends
// the same frame: that is the board's response cache (the command unit
// keeps the offsets).  NAK SEQ / NAK FRAME answers are not cached: they are
// built from registers.  Ring reads are synchronous, one cycle ahead.
module loom_link_tx #(
    parameter TB = 9             // ring address bits (2^TB bytes, TB >= 9)
) (
    input  wire          clk_i,
    input  wire          rst_i,
    input  wire          start_i,   // taken when ready_o
    input  wire [TB-1:0] off_i,     // ring offset of the body (start_i & ~nak_i)
    input  wire          nak_i,     // send {seq_i, NAK, 1, 0, byte_i} instead
    input  wire [7:0]    seq_i,
    input  wire          frame_i,   // NAK FRAME (0xC6), else NAK SEQ (0xC3)
    input  wire [7:0]    byte_i,
    output wire          ready_o,
    input  wire          we_i,
    input  wire [TB-1:0] waddr_i,
    input  wire [7:0]    wdata_i,
    output reg  [7:0]    tx_data_o,
    output reg           tx_valid_o,
    input  wire          tx_ready_i
);
    localparam [2:0] S_IDLE = 3'd0, S_OPEN = 3'd1, S_FETCH = 3'd2, S_BODY = 3'd3,
                     S_CRC_HI = 3'd4, S_CRC_LO = 3'd5, S_CLOSE = 3'd6;

    // responses are written past the ones the host may still ask for again,
    // which are the only ones read (docs/protocol.md): no read meets a write
    (* no_rw_check *)
    reg [7:0] mem [0:(1 << TB) - 1];
    reg [7:0] rdata_q;

    reg [2:0]    st_q;
    reg [TB-1:0] rp_q;       // ring read pointer
    reg [2:0]    hdr_q;      // header bytes sent (0..4)
    reg [TB-1:0] left_q;     // payload bytes still to send
    reg [7:0]    lenlo_q;
    reg [15:0]   crc_q;
    reg          esc_q;      // the escape of the current byte has been sent
    reg          nak_q;
    reg [7:0]    nseq_q, nbyte_q;
    reg          nframe_q;

    always @(posedge clk_i) begin
        if (we_i)
            mem[waddr_i] <= wdata_i;
        rdata_q <= mem[rp_q];
    end

    // the body byte being sent
    reg [7:0] b;
    always @(*) begin
        if (!nak_q) b = rdata_q;
        else case (hdr_q)
            3'd0: b = nseq_q;
            3'd1: b = nframe_q ? 8'hC6 : 8'hC3;
            3'd2: b = 8'd1;
            3'd3: b = 8'd0;
            default: b = nbyte_q;
        endcase
    end
    wire [7:0] cb = (st_q == S_CRC_HI) ? crc_q[15:8] : (st_q == S_CRC_LO) ? crc_q[7:0] : b;
    wire special = (cb == 8'h7E) | (cb == 8'h7D);
    wire [15:0] crc_next;
    loom_crc16 u_crc (.crc_i(crc_q), .data_i(b), .crc_o(crc_next));

    wire stuffing = (st_q == S_BODY) | (st_q == S_CRC_HI) | (st_q == S_CRC_LO);
    // a stuffed byte is done when its second wire byte is taken
    wire done = tx_ready_i & (~special | esc_q);
    wire last_body = (hdr_q == 3'd4) & (left_q == {{(TB - 1){1'b0}}, 1'b1});

    always @(*) begin
        tx_valid_o = 1'b0;
        tx_data_o = 8'h7E;
        if ((st_q == S_OPEN) | (st_q == S_CLOSE))
            tx_valid_o = 1'b1;
        else if (stuffing) begin
            tx_valid_o = 1'b1;
            tx_data_o = (special & ~esc_q) ? 8'h7D : special ? (cb ^ 8'h20) : cb;
        end
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            st_q <= S_IDLE;
            rp_q <= {TB{1'b0}};
            hdr_q <= 3'd0;
            left_q <= {TB{1'b0}};
            lenlo_q <= 8'd0;
            crc_q <= 16'hFFFF;
            esc_q <= 1'b0;
            nak_q <= 1'b0;
            nseq_q <= 8'd0;
            nbyte_q <= 8'd0;
            nframe_q <= 1'b0;
        end else begin
            if (stuffing & tx_ready_i)
                esc_q <= special & ~esc_q;
            case (st_q)
                S_IDLE: if (start_i) begin
                    rp_q <= off_i;
                    nak_q <= nak_i;
                    nseq_q <= seq_i;
                    nframe_q <= frame_i;
                    nbyte_q <= byte_i;
                    hdr_q <= 3'd0;
                    left_q <= {TB{1'b0}};
                    crc_q <= 16'hFFFF;
                    st_q <= S_OPEN;
                end
                S_OPEN: if (tx_ready_i) st_q <= S_BODY;
                S_FETCH: st_q <= S_BODY;
                S_BODY: if (done) begin
                    crc_q <= crc_next;
                    rp_q <= rp_q + 1'b1;
                    if (hdr_q != 3'd4) hdr_q <= hdr_q + 3'd1;
                    else left_q <= left_q - 1'b1;
                    if (hdr_q == 3'd2) lenlo_q <= b;
                    if (hdr_q == 3'd3)
                        left_q <= nak_q ? {{(TB - 1){1'b0}}, 1'b1} : {b[TB-9:0], lenlo_q};
                    // header byte 3 with a zero length, or the last payload byte
                    if ((hdr_q == 3'd3 & ~nak_q & {b[TB-9:0], lenlo_q} == {TB{1'b0}}) | last_body)
                        st_q <= S_CRC_HI;
                    else
                        st_q <= S_FETCH;
                end
                S_CRC_HI: if (done) st_q <= S_CRC_LO;
                S_CRC_LO: if (done) st_q <= S_CLOSE;
                S_CLOSE: if (tx_ready_i) st_q <= S_IDLE;
                default: st_q <= S_IDLE;
            endcase
        end
    end

    assign ready_o = (st_q == S_IDLE);
endmodule
