// loom_flash_boot -- replays a baked image stored in the board's SPI flash
// (after the bitstream, at byte OFFSET) into loom_top's UART input once
// after configuration: the same replay as loom_boot, with the flash as the
// byte source instead of a block-RAM ROM, so an image of any size (up to
// MAXLEN) needs no EBR and a new model is a new flash image, no new
// bitstream (sw/fpga/build_flash.c writes it; docs/boards.md "Baking").
//
//   SPI flash (mode 0, SCK = clk / (2 * SCK_DIV)) ─> byte reader ─┐
//        ─> loom_uart_tx ─> uart_rx_o (mux with the host pin, as loom_boot)
//
// Image (bytes at OFFSET): "LOOM" (4C 4F 4F 4D), length (4 bytes, little-
// endian), CRC-32 of the stream (4 bytes LE; polynomial 04C11DB7, bits MSB
// first, initial value FFFFFFFF, no final xor), then `length` bytes of wire
// frames (0x7E, stuffed body, 0x7E each; docs/protocol.md).
//
// Sequence: release from deep power-down (0xAB; the flash may have been
// left there), wait WAKE cycles; pass 1: READ (0x03) from OFFSET, check the
// magic and the length (0 < length <= MAXLEN) and sum the stream into the
// CRC; pass 2, only when the CRC matches: READ from OFFSET + 12 and send
// each byte through the UART, idling GAP cycles after each 0x7E flag and
// after the last byte (the link runs a frame before the next one starts).
// Any other content -- an erased flash (all FF), another design's data, a
// corrupted image -- replays nothing: the design boots generic, and the
// host loads a model at run time.  The flash is left deselected and awake.
module loom_flash_boot #(
    parameter CLKS_PER_BIT = 4,
    parameter OFFSET       = 24'h100000, // byte address of the image
    parameter MAXLEN       = 1048576,    // longest stream accepted (bytes)
    parameter GAP          = 16384,      // idle cycles after each 0x7E flag
    parameter SCK_DIV      = 2,          // clocks per SCK half period
    parameter WAKE         = 1024        // cycles with CS high after a command
) (
    input  wire clk_i,
    input  wire rst_i,
    input  wire uart_rx_i,
    output wire uart_rx_o,
    input  wire uart_tx_i,
    output wire uart_tx_o,
    output wire busy_o,
    output wire spi_cs_o,                // active low
    output wire spi_sck_o,
    output wire spi_mosi_o,
    input  wire spi_miso_i
);
    localparam LB = $clog2(MAXLEN + 1);
    localparam GB = $clog2(GAP + 1);
    localparam WB = $clog2(WAKE + 1);
    localparam DB = (SCK_DIV < 2) ? 1 : $clog2(SCK_DIV);
    localparam [31:0] MAXLEN32 = MAXLEN;
    localparam [31:0] POLY = 32'h04C11DB7;
    localparam [31:0] OFF32 = OFFSET;
    localparam [23:0] OFF = OFF32[23:0];
    localparam [23:0] OFF_DATA = OFF + 24'd12;
    localparam integer DIV_I = SCK_DIV - 1;
    localparam [DB-1:0] DIV_LAST = DIV_I[DB-1:0];
    localparam integer GAP_I = GAP;
    localparam integer WAKE_I = WAKE;

    // ---- SPI byte engine: go pulses with tx_q loaded; done_q pulses with rx_q
    reg [7:0]    tx_q, rx_q;
    reg [2:0]    bit_q;
    reg [DB-1:0] div_q;
    reg          sck_q, run_q, done_q, cs_q;
    reg          go;        // from the controller (combinational)
    reg [7:0]    go_byte;

    always @(posedge clk_i) begin
        done_q <= 1'b0;
        if (rst_i) begin
            run_q <= 1'b0;
            sck_q <= 1'b0;
            bit_q <= 3'd0;
            div_q <= {DB{1'b0}};
        end else if (go) begin
            tx_q  <= go_byte;
            run_q <= 1'b1;
            sck_q <= 1'b0;
            bit_q <= 3'd0;
            div_q <= {DB{1'b0}};
        end else if (run_q) begin
            div_q <= div_q + 1'b1;
            if (div_q == DIV_LAST) begin
                div_q <= {DB{1'b0}};
                if (!sck_q) begin             // rising edge: sample
                    sck_q <= 1'b1;
                    rx_q  <= {rx_q[6:0], spi_miso_i};
                end else begin                // falling edge: next bit out
                    sck_q <= 1'b0;
                    tx_q  <= {tx_q[6:0], 1'b0};
                    bit_q <= bit_q + 1'b1;
                    if (bit_q == 3'd7) begin
                        run_q  <= 1'b0;
                        done_q <= 1'b1;
                    end
                end
            end
        end
    end

    // ---- controller
    localparam [3:0] S_START = 4'd0, S_WAKE = 4'd1, S_PAUSE = 4'd2, S_CMD = 4'd3,
                     S_HDR = 4'd4, S_SUM = 4'd5, S_CRC = 4'd6, S_CHECK = 4'd7,
                     S_READ = 4'd8, S_SEND = 4'd9, S_GAP = 4'd10, S_DONE = 4'd11;
    reg [3:0]    st_q;
    reg          pass_q;     // 0: check the image, 1: replay it
    reg [3:0]    n_q;        // byte index within the command or header
    reg          wait_q;     // a byte is being shifted
    reg [WB-1:0] wake_q;
    reg [31:0]   len_q;      // the header's length
    reg [31:0]   want_q;     // the header's CRC
    reg [31:0]   crc_q;
    reg [LB-1:0] left_q;
    reg [7:0]    byte_q;
    reg [2:0]    cb_q;       // CRC bit
    reg [GB-1:0] gap_q;
    reg          last_q;

    wire tx_ready, boot_tx;
    wire take = (st_q == S_SEND) & tx_ready;
    wire [23:0] addr = pass_q ? OFF_DATA : OFF;
    // the header byte n (magic "LOOM")
    reg [7:0] magic;
    always @(*) begin
        case (n_q[1:0])
            2'd0: magic = 8'h4C;
            2'd1: magic = 8'h4F;
            2'd2: magic = 8'h4F;
            default: magic = 8'h4D;
        endcase
    end
    // bytes sent by the controller: the command, then dummies
    always @(*) begin
        go = 1'b0;
        go_byte = 8'h00;
        if (!wait_q && !rst_i)
            case (st_q)
                S_WAKE: begin go = 1'b1; go_byte = 8'hAB; end
                S_CMD: begin
                    go = 1'b1;
                    case (n_q[1:0])
                        2'd0: go_byte = 8'h03;
                        2'd1: go_byte = addr[23:16];
                        2'd2: go_byte = addr[15:8];
                        default: go_byte = addr[7:0];
                    endcase
                end
                S_HDR, S_SUM, S_READ: go = 1'b1;
                default: ;
            endcase
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            st_q   <= S_START;
            cs_q   <= 1'b1;
            pass_q <= 1'b0;
            n_q    <= 4'd0;
            wait_q <= 1'b0;
            wake_q <= {WB{1'b0}};
            len_q  <= 32'd0;
            want_q <= 32'd0;
            crc_q  <= 32'hFFFFFFFF;
            left_q <= {LB{1'b0}};
            byte_q <= 8'd0;
            cb_q   <= 3'd0;
            gap_q  <= {GB{1'b0}};
            last_q <= 1'b0;
        end else begin
            if (go)
                wait_q <= 1'b1;
            if (done_q)
                wait_q <= 1'b0;
            case (st_q)
                S_START: begin          // CS low, then 0xAB
                    cs_q <= 1'b0;
                    st_q <= S_WAKE;
                end
                S_WAKE: if (done_q) begin
                    cs_q   <= 1'b1;
                    wake_q <= WAKE_I[WB-1:0];
                    st_q   <= S_PAUSE;
                end
                S_PAUSE: begin          // CS high for WAKE cycles, then a READ
                    wake_q <= wake_q - 1'b1;
                    if (wake_q == {WB{1'b0}}) begin
                        cs_q <= 1'b0;
                        n_q  <= 4'd0;
                        st_q <= S_CMD;
                    end
                end
                S_CMD: if (done_q) begin
                    n_q <= n_q + 1'b1;
                    if (n_q == 4'd3) begin
                        n_q    <= 4'd0;
                        left_q <= len_q[LB-1:0];
                        st_q   <= pass_q ? S_READ : S_HDR;
                    end
                end
                S_HDR: if (done_q) begin
                    n_q <= n_q + 1'b1;
                    if (n_q < 4'd4) begin
                        if (rx_q != magic)
                            st_q <= S_DONE;
                    end else if (n_q < 4'd8)
                        len_q <= {rx_q, len_q[31:8]};
                    else
                        want_q <= {rx_q, want_q[31:8]};
                    if (n_q == 4'd11)
                        st_q <= S_CHECK;
                end
                S_CHECK: begin          // the length read: sane?
                    left_q <= len_q[LB-1:0];
                    crc_q  <= 32'hFFFFFFFF;
                    st_q   <= (len_q == 32'd0 || len_q > MAXLEN32) ? S_DONE : S_SUM;
                end
                S_SUM: if (done_q) begin
                    byte_q <= rx_q;
                    cb_q   <= 3'd0;
                    st_q   <= S_CRC;
                end
                S_CRC: begin            // one bit per cycle, MSB first
                    crc_q  <= {crc_q[30:0], 1'b0} ^ ((crc_q[31] ^ byte_q[7]) ? POLY : 32'd0);
                    byte_q <= {byte_q[6:0], 1'b0};
                    cb_q   <= cb_q + 1'b1;
                    if (cb_q == 3'd7) begin
                        left_q <= left_q - 1'b1;
                        if (left_q == {{(LB - 1){1'b0}}, 1'b1}) begin
                            st_q <= S_PAUSE;
                            cs_q <= 1'b1;
                            wake_q <= WAKE_I[WB-1:0];
                            pass_q <= 1'b1;
                        end else
                            st_q <= S_SUM;
                    end
                end
                S_READ: if (done_q) begin
                    byte_q <= rx_q;
                    st_q   <= S_SEND;
                end
                S_SEND: if (take) begin
                    left_q <= left_q - 1'b1;
                    gap_q  <= GAP_I[GB-1:0];
                    last_q <= (left_q == {{(LB - 1){1'b0}}, 1'b1});
                    st_q   <= (left_q == {{(LB - 1){1'b0}}, 1'b1} || byte_q == 8'h7E) ? S_GAP : S_READ;
                    if (left_q == {{(LB - 1){1'b0}}, 1'b1})
                        cs_q <= 1'b1;
                end
                S_GAP: begin
                    gap_q <= gap_q - 1'b1;
                    if (gap_q == {GB{1'b0}})
                        st_q <= last_q ? S_DONE : S_READ;
                end
                default: begin
                    st_q <= S_DONE;
                    cs_q <= 1'b1;
                end
            endcase
            // pass 1 over: replay only when the CRC matches
            if (st_q == S_PAUSE && pass_q && wake_q == {WB{1'b0}} && crc_q != want_q) begin
                st_q <= S_DONE;
                cs_q <= 1'b1;
            end
        end
    end

    loom_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
        .clk_i(clk_i), .rst_i(rst_i), .data_i(byte_q), .valid_i(st_q == S_SEND),
        .ready_o(tx_ready), .tx_o(boot_tx));

    wire booting = (st_q != S_DONE);
    assign uart_rx_o  = booting ? boot_tx : uart_rx_i;
    assign uart_tx_o  = booting ? 1'b1 : uart_tx_i;
    assign busy_o     = booting;
    assign spi_cs_o   = cs_q;
    assign spi_sck_o  = sck_q;
    assign spi_mosi_o = tx_q[7];
endmodule
