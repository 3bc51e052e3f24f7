// loom_mcu -- the board core of parts too small for the hardware array
// (iCE40HX1K): a loom_rv processor whose firmware is the link, the command
// unit, the array's memory map and the machine model.  Same ports as
// boards/common/loom_board_core.v, so a board top and the virtual board
// (sim/vboard.cpp) use either the same way.
//
//   rx_pin_i ─> loom_uart_rx ─> receive ring (512 bytes, block RAM) ─┐
//                                                                    ├─ I/O ─ loom_rv ─ RAM (code + data)
//   tx_pin_o <─ loom_uart_tx <── IO_TX store (stalls while busy) ────┘
//
// The processor's bus (byte addresses):
//   0x00000 .. RAM_WORDS*4-1  RAM: one word-wide block-RAM array with byte
//                             enables, initialised from FW_FILE ($readmemh,
//                             one 32-bit word per line); execution starts at
//                             0; its last 32 words are the processor's
//                             registers (x0 first, zero in the image)
//   0x10000 IO_RX      R   bit 8: a byte was waiting (bits 7:0, now consumed);
//                          bit 9: bytes were lost (ring full) since the last read
//   0x10004 IO_TX      W   bits 7:0 go out on the UART; the store waits for the
//                          transmitter
//   0x10008 IO_CYCLES  R   clock cycles since reset (wraps)
//   0x1000C IO_LEDS    W   bit 0 busy, bit 1 overrun (the board's LEDs)
//
// The receive ring decouples the line (a byte every 10 x CLKS_PER_BIT
// cycles) from the firmware, which is slower per byte: frames wait there
// while the firmware runs a step.  It announces a receive window small
// enough that the ring never overflows (docs/icestick.md); if it does,
// IO_RX bit 9 tells the firmware that the frame in progress is damaged.
module loom_mcu #(
    parameter CLKS_PER_BIT = 4,
    parameter RAM_WORDS    = 1792,        // a multiple of 32 (14 block RAMs)
    parameter FW_FILE      = "",          // $readmemh file of the RAM ("": all zero)
    parameter RB           = 9            // receive ring: 2^RB bytes
) (
    input  wire clk_i,
    input  wire lock_i,
    input  wire rx_pin_i,
    output wire tx_pin_o,
    output wire booting_o,
    output wire busy_o,
    output wire overrun_o,
    output wire heartbeat_o,
    output wire activity_o
);
    localparam AW = 17, PCW = 13, WAW = PCW - 2;

    // reset, heartbeat and link activity as in loom_board_misc, but from the
    // cycle counter below instead of counters of their own (about 45 logic
    // cells: on the HX1K they are worth it)
    reg [4:0]  por_q = 5'd0;
    reg [1:0]  rxs_q = 2'b11;
    reg        act_q = 1'b0, seen_q = 1'b0;
    reg [31:0] cycles_q;
    wire       rst = ~por_q[4];
    always @(posedge clk_i) begin
        if (!lock_i)
            por_q <= 5'd0;
        else if (rst)
            por_q <= por_q + 1'b1;
        rxs_q <= {rxs_q[0], rx_pin_i};
        // a byte either way lights the LED for the rest of this 2^20-cycle
        // period and the whole next one
        if (cycles_q[19:0] == 20'd0) begin
            act_q  <= seen_q;
            seen_q <= 1'b0;
        end else if (!rxs_q[1] || !tx_pin_o) begin
            act_q  <= 1'b1;
            seen_q <= 1'b1;
        end
    end
    assign heartbeat_o = cycles_q[23];
    assign activity_o  = act_q;

    wire [AW-1:0] raddr, waddr;
    wire          re, stall;
    wire [3:0]    we;
    wire [31:0]   wdata;
    reg  [31:0]   rdata;
    loom_rv #(.AW(AW), .PCW(PCW), .RF((RAM_WORDS - 32) * 4)) u_cpu (
        .clk_i(clk_i), .rst_i(rst), .raddr_o(raddr), .re_o(re), .rdata_i(rdata),
        .waddr_o(waddr), .we_o(we), .wdata_o(wdata), .stall_i(stall));

    // ---- RAM ----
    // (public: the virtual board reads and writes it, sim/vboard.cpp: RAM
    // images of baked models and `loom vboard --fw`)
    (* no_rw_check *) reg [31:0] ram [0:RAM_WORDS-1] /* verilator public_flat_rw */;
    generate
        if (FW_FILE != "") begin : g_init
            initial $readmemh(FW_FILE, ram);
        end
    endgenerate
    reg  [31:0]    ram_q;
    wire [WAW-1:0] ram_ra = raddr[PCW-1:2];
    wire [WAW-1:0] ram_wa = waddr[PCW-1:2];
    wire           ram_w  = ~waddr[16];
    always @(posedge clk_i) begin
        if (ram_w & we[0]) ram[ram_wa][7:0]   <= wdata[7:0];
        if (ram_w & we[1]) ram[ram_wa][15:8]  <= wdata[15:8];
        if (ram_w & we[2]) ram[ram_wa][23:16] <= wdata[23:16];
        if (ram_w & we[3]) ram[ram_wa][31:24] <= wdata[31:24];
        if (re)
            ram_q <= ram[ram_ra];
    end

    // ---- receive ring ----
    wire [7:0] rx_byte;
    wire       rx_valid;
    /* verilator lint_off PINCONNECTEMPTY */
    loom_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_rx (
        .clk_i(clk_i), .rst_i(rst), .rx_i(rx_pin_i), .data_o(rx_byte), .valid_o(rx_valid),
        .frame_err_o());
    /* verilator lint_on PINCONNECTEMPTY */
    (* no_rw_check *) reg [7:0] ring [0:(1 << RB) - 1];
    reg  [RB-1:0] wp_q, wp1_q, rp_q;
    reg  [7:0]    ring_q;
    reg           lost_q;
    wire          io_rd   = re & raddr[16];
    wire          rx_read = io_rd & (raddr[3:2] == 2'd0);
    wire          avail   = (wp1_q != rp_q);           // wp1_q: the write is readable
    wire          full    = (wp_q + 1'b1 == rp_q);
    wire [RB-1:0] rp_d    = rp_q + {{(RB - 1){1'b0}}, rx_read & avail};
    always @(posedge clk_i) begin
        if (rx_valid & ~full)
            ring[wp_q] <= rx_byte;
        ring_q <= ring[rp_d];
        if (rst) begin
            wp_q   <= {RB{1'b0}};
            wp1_q  <= {RB{1'b0}};
            rp_q   <= {RB{1'b0}};
            lost_q <= 1'b0;
        end else begin
            if (rx_valid & ~full)
                wp_q <= wp_q + 1'b1;
            wp1_q <= wp_q;
            rp_q  <= rp_d;
            if (rx_valid & full)
                lost_q <= 1'b1;
            else if (rx_read)
                lost_q <= 1'b0;
        end
    end

    // ---- transmitter, cycle counter, LEDs ----
    wire tx_ready;
    wire tx_store = waddr[16] & (waddr[3:2] == 2'd1) & (we != 4'b0000);
    assign stall = tx_store & ~tx_ready;
    loom_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
        .clk_i(clk_i), .rst_i(rst), .data_i(wdata[7:0]), .valid_i(tx_store), .ready_o(tx_ready),
        .tx_o(tx_pin_o));

    reg [1:0]  leds_q;
    reg [31:0] io_q;
    reg        io_sel_q;
    always @(posedge clk_i) begin
        cycles_q <= rst ? 32'b0 : cycles_q + 1'b1;
        if (rst)
            leds_q <= 2'b00;
        else if (waddr[16] & (waddr[3:2] == 2'd3) & (we != 4'b0000))
            leds_q <= wdata[1:0];
        if (re) begin
            io_sel_q <= raddr[16];
            case (raddr[3:2])
                2'd0:    io_q <= {22'b0, lost_q, avail, avail ? ring_q : 8'h00};
                2'd2:    io_q <= cycles_q;
                default: io_q <= 32'b0;
            endcase
        end
    end
    always @(*) rdata = io_sel_q ? io_q : ram_q;

    assign booting_o = 1'b0;
    assign busy_o    = leds_q[0];
    assign overrun_o = leds_q[1];

    // bus bits this map does not decode
    wire unused = &{1'b0, raddr[15:PCW], raddr[1:0], waddr[15:PCW], waddr[1:0]};
endmodule
