// loom_link_rx -- receiving half of the link layer (protocol v2): HDLC-style
// unstuffing, CRC and length check, and the receive ring.
//
//   bytes ─> unstuff (0x7E flag, 0x7D escape: next byte ^ 0x20)
//        ─> ring[wp++] (one EBR), CRC-16 over every body byte (must end at 0)
//   0x7E ─> good frame: commit (head_o = wp), the command unit may run it
//        └> bad frame:  count it, roll wp back and commit a 6-byte marker
//           {0, 0, 0, 0, 0, 0} (cmd 0: "a frame was dropped here"), so the
//           command unit answers NAK FRAME in order with the other frames
//
// The ring holds frame bodies back to back (seq, cmd, len, payload, crc);
// bytes from free_i (the start of the frame the command unit is working on)
// up to wp are in use, so frames that arrive while the command unit is busy
// are buffered, not dropped.  A frame that does not fit the free space is
// dropped (format error; a marker when 6 bytes are free).  A frame is good
// when it was not aborted (escape followed by a flag) or cut by a full
// ring, its body is at least 6 bytes, its length field is the body length
// minus 6 and at most MAXP, and the CRC over the whole body (CRC sent high
// byte first) is 0 -- the same rules as link_rx in sw/link/link.c.  Empty frames
// (two flags in a row) are ignored.
module loom_link_rx #(
    parameter RB = 9,            // ring address bits (2^RB bytes)
    parameter MAXP = 248,        // largest payload accepted (< 256)
    parameter CNT_W = 16
) (
    input  wire             clk_i,
    input  wire             rst_i,
    input  wire [7:0]       data_i,
    input  wire             valid_i,
    input  wire             clr_i,      // clears the counters
    input  wire [RB-1:0]    free_i,     // first byte still in use by the command unit
    output wire [RB-1:0]    head_o,     // end of the last committed frame
    input  wire [RB-1:0]    raddr_i,
    output reg  [7:0]       rdata_o,
    output reg  [CNT_W-1:0] ok_cnt_o,
    output reg  [CNT_W-1:0] crc_cnt_o,
    output reg  [CNT_W-1:0] fmt_cnt_o
);
    // the command unit reads only committed frames, this port writes only
    // past them: a read never meets a write to the same byte
    (* no_rw_check *)
    reg [7:0] mem [0:(1 << RB) - 1];

    reg [RB-1:0] wp_q, fs_q;     // write pointer, frame start (= committed end)
    reg [RB-1:0] wpn_q;          // wp_q + 1, kept beside it: the ring-full
                                 // test is a comparison, no adder (27 MHz)
    reg [RB-1:0] n_q;            // body bytes of the current frame
    reg          esc_q;          // the previous byte was an escape
    reg          bad_q;          // aborted or cut by a full ring
    reg [15:0]   crc_q;
    reg [RB-1:0] want_q;         // its low byte + 6: the body length it declares
    reg          lok_q;          // its low byte is at most MAXP
    reg          lhi_q;          // its high byte is not 0 (MAXP < 256)
    reg [2:0]    mk_q;           // marker bytes still to write

    wire is_flag = valid_i & (data_i == 8'h7E);
    wire is_esc  = valid_i & (data_i == 8'h7D) & ~esc_q;
    wire is_body = valid_i & ~is_flag & ~is_esc;
    wire [7:0] body = esc_q ? (data_i ^ 8'h20) : data_i;
    wire [RB-1:0] wp_next = wpn_q;
    wire full = (wp_next == free_i);
    wire [15:0] crc_next;

    loom_crc16 u_crc (.crc_i(crc_q), .data_i(body), .crc_o(crc_next));

    localparam [31:0] MAXP32 = MAXP;
    localparam [7:0] MAXP8 = MAXP32[7:0];
    localparam [RB-1:0] SIX = 6;
    // the length field's sum and range test are registered as its byte
    // arrives, off the frame end's path (27 MHz on the UP5K)
    wire shape_ok = ~bad_q & ~esc_q & ~lhi_q & lok_q & (n_q == want_q);
    wire store = (is_body & ~bad_q & ~full) | (mk_q != 3'd0);

    always @(posedge clk_i) begin
        if (store)
            mem[wp_q] <= (mk_q != 3'd0) ? 8'h00 : body;
        rdata_o <= mem[raddr_i];
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            wp_q <= {RB{1'b0}};
            wpn_q <= {RB{1'b0}} + 1'b1;
            fs_q <= {RB{1'b0}};
            n_q <= {RB{1'b0}};
            esc_q <= 1'b0;
            bad_q <= 1'b0;
            crc_q <= 16'hFFFF;
            want_q <= SIX;
            lok_q <= 1'b1;
            lhi_q <= 1'b0;
            mk_q <= 3'd0;
            ok_cnt_o <= {CNT_W{1'b0}};
            crc_cnt_o <= {CNT_W{1'b0}};
            fmt_cnt_o <= {CNT_W{1'b0}};
        end else begin
            if (clr_i) begin
                ok_cnt_o <= {CNT_W{1'b0}};
                crc_cnt_o <= {CNT_W{1'b0}};
                fmt_cnt_o <= {CNT_W{1'b0}};
            end
            if (mk_q != 3'd0) begin
                // the marker of a dropped frame, one byte per cycle (the
                // UART delivers a byte every 10 * CLKS_PER_BIT cycles at most)
                if (full) begin
                    wp_q <= fs_q;
                    wpn_q <= fs_q + 1'b1;
                    mk_q <= 3'd0;
                end else begin
                    wp_q <= wp_next;
                    wpn_q <= wp_next + 1'b1;
                    mk_q <= mk_q - 3'd1;
                    if (mk_q == 3'd1)
                        fs_q <= wp_next;
                end
            end else if (is_flag) begin
                if (n_q != {RB{1'b0}} | bad_q | esc_q) begin
                    if (shape_ok & (crc_q == 16'd0)) begin
                        ok_cnt_o <= ok_cnt_o + 1'b1;
                        fs_q <= wp_q;
                    end else begin
                        if (shape_ok)
                            crc_cnt_o <= crc_cnt_o + 1'b1;
                        else
                            fmt_cnt_o <= fmt_cnt_o + 1'b1;
                        wp_q <= fs_q;
                        wpn_q <= fs_q + 1'b1;
                        mk_q <= 3'd6;
                    end
                end
                n_q <= {RB{1'b0}};
                esc_q <= 1'b0;
                bad_q <= 1'b0;
                crc_q <= 16'hFFFF;
            end else if (is_esc) begin
                esc_q <= 1'b1;
            end else if (is_body) begin
                esc_q <= 1'b0;
                if (full | bad_q)
                    bad_q <= 1'b1;
                else begin
                    wp_q <= wp_next;
                    wpn_q <= wp_next + 1'b1;
                    n_q <= n_q + 1'b1;
                    crc_q <= crc_next;
                    if (n_q == 2) begin
                        want_q <= {{(RB - 8){1'b0}}, body} + SIX;
                        lok_q <= (body <= MAXP8);
                    end
                    if (n_q == 3) lhi_q <= (body != 8'd0);
                end
            end
        end
    end

    assign head_o = fs_q;
endmodule
