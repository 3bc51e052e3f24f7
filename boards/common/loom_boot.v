// loom_boot -- replays link frames from a ROM into loom_top's UART input
// once after configuration, so a bitstream can carry a network ("baked"):
// the frames are the very BATCH writes a host would send to load the image
// (sw/build.c writes them), so the link, the command unit and the array
// need nothing special for it, and every memory the bus reaches (UP5K
// SPRAM included) can be filled this way.
//
//   ROM (EBR, $readmemh BOOT_FILE) ─> byte reader ─> loom_uart_tx ─┐
//   uart_rx_i (host pin) ──────────────────────────────────────────┴─mux─> uart_rx_o
//   uart_tx_i (loom_top) ──── held idle (1) while booting ──────────────> uart_tx_o
//
// ROM layout (bytes; two per 16-bit ROM word, little-endian): 0xB0 0x07
// len_lo len_hi, then len bytes of wire frames
// (0x7E, stuffed body, 0x7E each; docs/protocol.md).  Any other header (e.g. the random contents
// of a generic build, see icebram -g) means "nothing to replay".  After each
// 0x00 the reader idles GAP cycles so the link has executed the frame and
// sent its response before the next one starts.  Host bytes that arrive
// while booting are dropped; the boot lasts a few milliseconds.
//
// Because the ROM is one block of EBR initialised from one file, a new
// network goes into an existing bitstream with icebram (weight patching).
module loom_boot #(
    parameter CLKS_PER_BIT = 4,
    parameter BYTES        = 2048,       // ROM size (power of two)
    parameter GAP          = 16384,      // idle cycles after each 0x7E flag
    parameter BOOT_FILE    = ""          // $readmemh file of the ROM ("": all zero)
) (
    input  wire clk_i,
    input  wire rst_i,
    input  wire uart_rx_i,
    output wire uart_rx_o,
    input  wire uart_tx_i,
    output wire uart_tx_o,
    output wire busy_o
);
    localparam AB = $clog2(BYTES);
    localparam GB = $clog2(GAP + 1);
    localparam [2:0] S_READ = 3'd0, S_HDR = 3'd1, S_CHK = 3'd2, S_SEND = 3'd3,
                     S_GAP = 3'd4, S_FIN = 3'd5, S_DONE = 3'd6;

    // a ROM of 16-bit words, byte 2j in bits [7:0] of word j: written only
    // by $readmemh (no file: all zero, nothing to replay).  16 bits is the
    // native EBR width (256 x 16), the layout icebram can find and replace;
    // with 8-bit words it reports conflicting bit slices.
    /* verilator lint_off UNDRIVEN */
    reg [15:0] rom_q [0:BYTES/2-1];
    /* verilator lint_on UNDRIVEN */
    generate
        if (BOOT_FILE != "") begin : g_init
            initial $readmemh(BOOT_FILE, rom_q);
        end
    endgenerate

    reg [2:0]    st_q;
    reg [AB:0]   p_q;
    reg [15:0]   len_q;
    reg [31:0]   hdr_q;
    reg [GB-1:0] gap_q;
    reg [15:0]   word_q;
    reg          hi_q;

    wire re = (st_q == S_READ);
    always @(posedge clk_i)
        if (re) begin
            word_q <= rom_q[p_q[AB-1:1]];
            hi_q   <= p_q[0];
        end
    wire [7:0] rdata_q = hi_q ? word_q[15:8] : word_q[7:0];

    wire        tx_ready, boot_tx;
    wire        tx_valid = (st_q == S_SEND);
    wire        take = tx_valid & tx_ready;
    wire [AB:0] p_next = p_q + 1'b1;
    wire [16:0] end_pos = {1'b0, len_q} + 17'd4;
    wire [16:0] p_ext = {{(16 - AB){1'b0}}, p_next};

    always @(posedge clk_i) begin
        if (rst_i) begin
            st_q  <= S_READ;
            p_q   <= {(AB + 1){1'b0}};
            len_q <= 16'd0;
            hdr_q <= 32'd0;
            gap_q <= {GB{1'b0}};
        end else begin
            case (st_q)
                S_READ: st_q <= (p_q < 4) ? S_HDR : S_SEND;
                S_HDR: begin
                    hdr_q <= {rdata_q, hdr_q[31:8]};
                    p_q   <= p_next;
                    st_q  <= (p_q == 3) ? S_CHK : S_READ;
                end
                S_CHK: begin
                    len_q <= hdr_q[31:16];
                    if (hdr_q[15:0] == 16'h07B0 && hdr_q[31:16] != 16'd0 &&
                        {16'd0, hdr_q[31:16]} <= BYTES - 4)
                        st_q <= S_READ;
                    else
                        st_q <= S_DONE;
                end
                S_SEND: if (take) begin
                    p_q   <= p_next;
                    gap_q <= GAP[GB-1:0];
                    if (p_ext == end_pos)
                        st_q <= S_FIN;
                    else if (rdata_q == 8'h7E)
                        st_q <= S_GAP;
                    else
                        st_q <= S_READ;
                end
                S_GAP: begin
                    gap_q <= gap_q - 1'b1;
                    if (gap_q == {GB{1'b0}})
                        st_q <= S_READ;
                end
                S_FIN: begin
                    gap_q <= gap_q - 1'b1;
                    if (gap_q == {GB{1'b0}})
                        st_q <= S_DONE;
                end
                default: st_q <= S_DONE;
            endcase
        end
    end

    loom_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
        .clk_i(clk_i), .rst_i(rst_i), .data_i(rdata_q), .valid_i(tx_valid),
        .ready_o(tx_ready), .tx_o(boot_tx));

    wire booting = (st_q != S_DONE);
    assign uart_rx_o = booting ? boot_tx : uart_rx_i;
    assign uart_tx_o = booting ? 1'b1 : uart_tx_i;
    assign busy_o    = booting;
endmodule
