// loom_link_tx -- sending half of the link layer: response buffer, CRC and
// COBS encoding.
//
//   payload buffer <─ command unit (write port)
//   start_i + seq/cmd/len ─> pass 1: CRC-16 over header and payload
//                          └> pass 2: 0x00, COBS(header payload crc), 0x00
//                                     ─> byte stream (ready/valid) ─> UART
//
// The frame body is seq, cmd, len (2 bytes LE), payload, CRC (high byte
// first); the encoder scans ahead in the body for the next 0x00 (at most
// 254 bytes) to emit each code byte, then emits the block, exactly like
// link_cobs_encode in sw/link.c (canonical COBS: no empty block after a
// 254-byte block that ends the body).  The buffer is only read here, so
// starting again with the same header re-sends the same frame: that is the
// board's response cache.  Reads from the buffer are synchronous (one cycle).
module loom_link_tx #(
    parameter MAX_PAYLOAD = 512,
    parameter PW = $clog2(MAX_PAYLOAD)   // derived: payload address bits
) (
    input  wire          clk_i,
    input  wire          rst_i,
    input  wire          start_i,
    input  wire [7:0]    seq_i,
    input  wire [7:0]    cmd_i,
    input  wire [15:0]   len_i,     // <= MAX_PAYLOAD
    output wire          busy_o,
    input  wire          we_i,
    input  wire [PW-1:0] waddr_i,
    input  wire [7:0]    wdata_i,
    output reg  [7:0]    tx_data_o,
    output reg           tx_valid_o,
    input  wire          tx_ready_i
);
    localparam [3:0] S_IDLE = 4'd0, S_CRC_REQ = 4'd1, S_CRC_CHK = 4'd2, S_LEAD = 4'd3,
                     S_SCAN_REQ = 4'd4, S_SCAN_CHK = 4'd5, S_CODE = 4'd6, S_EMIT_REQ = 4'd7,
                     S_EMIT_CHK = 4'd8, S_AFTER = 4'd9, S_TRAIL = 4'd10;

    reg [7:0] mem [0:(1 << PW) - 1];
    reg [7:0] rdata_q;

    reg [3:0]  state_q, state_d;
    reg [7:0]  seq_q, seq_d, cmd_q, cmd_d;
    reg [15:0] len_q, len_d;
    reg [15:0] crc_q, crc_d;
    reg [15:0] k_q, k_d;     // body index for CRC and emission
    reg [15:0] p_q, p_d;     // start of the current block
    reg [15:0] j_q, j_d;     // scan position: end of the current block

    wire [15:0] n_body = len_q + 16'd6;
    wire        scanning = (state_q == S_SCAN_REQ) | (state_q == S_SCAN_CHK);
    wire [15:0] idx = scanning ? j_q : k_q;
    wire [PW-1:0] raddr = idx[PW-1:0] - {{(PW - 3){1'b0}}, 3'd4}; // payload index
    wire [15:0] run = j_q - p_q;
    wire [15:0] crc_next;
    reg  [7:0]  vbyte;       // body byte idx (valid in the *_CHK states)

    always @(*) begin
        if (idx == 16'd0) vbyte = seq_q;
        else if (idx == 16'd1) vbyte = cmd_q;
        else if (idx == 16'd2) vbyte = len_q[7:0];
        else if (idx == 16'd3) vbyte = len_q[15:8];
        else if (idx == n_body - 16'd2) vbyte = crc_q[15:8];
        else if (idx == n_body - 16'd1) vbyte = crc_q[7:0];
        else vbyte = rdata_q;
    end

    loom_crc16 u_crc (.crc_i(crc_q), .data_i(vbyte), .crc_o(crc_next));

    always @(posedge clk_i) begin
        if (we_i)
            mem[waddr_i] <= wdata_i;
        rdata_q <= mem[raddr];
    end

    always @(*) begin
        state_d = state_q;
        seq_d = seq_q;
        cmd_d = cmd_q;
        len_d = len_q;
        crc_d = crc_q;
        k_d = k_q;
        p_d = p_q;
        j_d = j_q;
        tx_valid_o = 1'b0;
        tx_data_o = 8'h00;
        case (state_q)
            S_IDLE: if (start_i) begin
                seq_d = seq_i;
                cmd_d = cmd_i;
                len_d = len_i;
                crc_d = 16'hFFFF;
                k_d = 16'd0;
                state_d = S_CRC_REQ;
            end
            S_CRC_REQ: state_d = S_CRC_CHK;
            S_CRC_CHK: begin
                crc_d = crc_next;
                k_d = k_q + 16'd1;
                state_d = (k_q + 16'd3 == n_body) ? S_LEAD : S_CRC_REQ;
            end
            S_LEAD: begin
                tx_valid_o = 1'b1;
                if (tx_ready_i) begin
                    p_d = 16'd0;
                    j_d = 16'd0;
                    state_d = S_SCAN_REQ;
                end
            end
            S_SCAN_REQ: state_d = (j_q == n_body || run == 16'd254) ? S_CODE : S_SCAN_CHK;
            S_SCAN_CHK: if (vbyte == 8'h00) state_d = S_CODE;
                else begin
                    j_d = j_q + 16'd1;
                    state_d = S_SCAN_REQ;
                end
            S_CODE: begin
                tx_valid_o = 1'b1;
                tx_data_o = run[7:0] + 8'd1;
                if (tx_ready_i) begin
                    k_d = p_q;
                    state_d = (run == 16'd0) ? S_AFTER : S_EMIT_REQ;
                end
            end
            S_EMIT_REQ: state_d = S_EMIT_CHK;
            S_EMIT_CHK: begin
                tx_valid_o = 1'b1;
                tx_data_o = vbyte;
                if (tx_ready_i) begin
                    k_d = k_q + 16'd1;
                    state_d = (k_q + 16'd1 == j_q) ? S_AFTER : S_EMIT_REQ;
                end
            end
            S_AFTER: begin
                if (j_q == n_body) state_d = S_TRAIL;
                else begin
                    // a full block implies no 0x00; otherwise skip the 0x00 at j
                    p_d = (run == 16'd254) ? j_q : j_q + 16'd1;
                    j_d = p_d;
                    state_d = S_SCAN_REQ;
                end
            end
            S_TRAIL: begin
                tx_valid_o = 1'b1;
                if (tx_ready_i) state_d = S_IDLE;
            end
            default: state_d = S_IDLE;
        endcase
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            state_q <= S_IDLE;
            seq_q <= 8'd0;
            cmd_q <= 8'd0;
            len_q <= 16'd0;
            crc_q <= 16'hFFFF;
            k_q <= 16'd0;
            p_q <= 16'd0;
            j_q <= 16'd0;
        end else begin
            state_q <= state_d;
            seq_q <= seq_d;
            cmd_q <= cmd_d;
            len_q <= len_d;
            crc_q <= crc_d;
            k_q <= k_d;
            p_q <= p_d;
            j_q <= j_d;
        end
    end

    assign busy_o = (state_q != S_IDLE);
endmodule
