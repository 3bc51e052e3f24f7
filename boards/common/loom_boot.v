// loom_boot -- replays link frames from a ROM into loom_top's UART input
// once after configuration, so a bitstream can carry a network ("baked"):
// the frames are the very BATCH writes a host would send to load the image
// (sw/fpga/build.c writes them), so the link, the command unit and the array
// need nothing special for it, and every memory the bus reaches (UP5K
// SPRAM included) can be filled this way.
//
//   ROM (EBR, $readmemh BOOT_FILE) ─> byte reader ─> loom_uart_tx ─┐
//   uart_rx_i (host pin) ──────────────────────────────────────────┴─mux─> uart_rx_o
//   uart_tx_i (loom_top) ──── held idle (1) while booting ──────────────> uart_tx_o
//
// ROM layout (bytes; two per 16-bit ROM word, little-endian): 0xB0 0x07
// len_lo len_hi, then len bytes of wire frames (0x7E, stuffed body, 0x7E
// each; docs/protocol.md).  Any other header (e.g. the random contents of a
// generic build, see icebram -g) means "nothing to replay".  The header is
// checked byte by byte as it is read; then `left` counts the stream down.
// After each flag and after the last byte the reader idles GAP cycles, so
// the link has run the frame before the next one starts (the link buffers
// frames anyway; the gap keeps the boot independent of the array's speed).
// Host bytes that arrive while booting are dropped; the boot lasts a few
// milliseconds.
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
    localparam [2:0] S_READ = 3'd0, S_USE = 3'd1, S_SEND = 3'd2, S_GAP = 3'd3, S_DONE = 3'd4;
    localparam [31:0] MAXLEN32 = BYTES - 4;
    localparam [15:0] MAXLEN = MAXLEN32[15:0];

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
    reg [AB-1:0] p_q;        // byte address
    reg [15:0]   left_q;     // stream bytes still to send (header: the length)
    reg [GB-1:0] gap_q;
    reg          last_q;     // the gap after the last byte
    reg [15:0]   word_q;
    reg          hi_q;

    always @(posedge clk_i)
        if (st_q == S_READ) begin
            word_q <= rom_q[p_q[AB-1:1]];
            hi_q   <= p_q[0];
        end
    wire [7:0] byte_q = hi_q ? word_q[15:8] : word_q[7:0];

    wire tx_ready, boot_tx;
    wire take = (st_q == S_SEND) & tx_ready;
    wire in_hdr = (p_q[AB-1:2] == {(AB - 2){1'b0}});
    wire [15:0] len = {byte_q, left_q[7:0]};      // at header byte 3

    always @(posedge clk_i) begin
        if (rst_i) begin
            st_q   <= S_READ;
            p_q    <= {AB{1'b0}};
            left_q <= 16'd0;
            gap_q  <= {GB{1'b0}};
            last_q <= 1'b0;
        end else begin
            case (st_q)
                S_READ: st_q <= S_USE;
                S_USE: if (!in_hdr) st_q <= S_SEND;
                    else begin
                        p_q <= p_q + 1'b1;
                        st_q <= S_READ;
                        case (p_q[1:0])
                            2'd0: if (byte_q != 8'hB0) st_q <= S_DONE;
                            2'd1: if (byte_q != 8'h07) st_q <= S_DONE;
                            2'd2: left_q[7:0] <= byte_q;
                            default: begin
                                left_q <= len;
                                if (len == 16'd0 || len > MAXLEN) st_q <= S_DONE;
                            end
                        endcase
                    end
                S_SEND: if (take) begin
                    p_q    <= p_q + 1'b1;
                    left_q <= left_q - 1'b1;
                    gap_q  <= GAP[GB-1:0];
                    last_q <= (left_q == 16'd1);
                    st_q   <= (left_q == 16'd1 || byte_q == 8'h7E) ? S_GAP : S_READ;
                end
                S_GAP: begin
                    gap_q <= gap_q - 1'b1;
                    if (gap_q == {GB{1'b0}})
                        st_q <= last_q ? S_DONE : S_READ;
                end
                default: st_q <= S_DONE;
            endcase
        end
    end

    loom_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
        .clk_i(clk_i), .rst_i(rst_i), .data_i(byte_q), .valid_i(st_q == S_SEND),
        .ready_o(tx_ready), .tx_o(boot_tx));

    wire booting = (st_q != S_DONE);
    assign uart_rx_o = booting ? boot_tx : uart_rx_i;
    assign uart_tx_o = booting ? 1'b1 : uart_tx_i;
    assign busy_o    = booting;
endmodule
