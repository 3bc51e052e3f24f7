// loom_link -- the board's end of the host link (protocol v2), everything
// between the UART pins and the array's host bus.
//
//   uart_rx_i ─> loom_uart_rx ─> loom_link_rx (unstuff, CRC, rx ring) ─┐
//                                                                      v
//   bus_* <──────────────────────────────────────────── loom_cmd (sequence
//                                                       rule, window, bursts)
//   uart_tx_o <─ loom_uart_tx <─ loom_link_tx (tx ring = response cache,
//                                              CRC, stuffing) <───────┘
//
// Board-independent; the protocol is docs/protocol.md.  CLKS_PER_BIT sets
// the baud rate (12 MHz / 4 = 3 Mbaud).  Both rings are 512 bytes (one EBR
// each); the payload limit is MAX_PAYLOAD but at most 248 bytes, so that
// the rx ring always buffers a frame while another one runs (link_max_payload
// in sw/link/link.h computes the same).  IDENTIFY reports RTL_VERSION, BOARD_ID,
// the payload limit, CLK_HZ, CLKS_PER_BIT, the ring sizes and the window.
module loom_link #(
    parameter CLKS_PER_BIT = 4,
    parameter CLK_HZ = 12000000,
    parameter BOARD_ID = 0,
    parameter RTL_VERSION = 3,
    parameter MAX_PAYLOAD = 248,
    parameter CNT_W = 16
) (
    input  wire        clk_i,
    input  wire        rst_i,
    input  wire        uart_rx_i,
    output wire        uart_tx_o,
    output wire        bus_valid_o,
    output wire        bus_we_o,
    output wire [23:0] bus_addr_o,
    output wire [31:0] bus_wdata_o,
    input  wire        bus_ready_i,
    input  wire [31:0] bus_rdata_i,
    input  wire        busy_i,      // the array's busy pin (WAIT)
    output wire        array_rst_o
);
    localparam RB = 9, TB = 9, WB = 2;
    localparam MAXP = ((MAX_PAYLOAD < 248) ? MAX_PAYLOAD : 248) / 4 * 4;

    wire [7:0]  rx_data;
    wire        rx_valid;
    // A framing error (stop bit 0) drops the byte; the frame's CRC or shape
    // check then rejects the frame, so nothing else needs the pulse.
    /* verilator lint_off UNUSEDSIGNAL */
    wire        rx_ferr;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [RB-1:0] head, free, raddr;
    wire [7:0]  rdata;
    wire        clr;
    wire [CNT_W-1:0] ok_cnt, crc_cnt, fmt_cnt;
    wire        twe, tx_start, tx_ready, tx_nak;
    wire [TB-1:0] twaddr, tx_off;
    wire [7:0]  twdata, tx_seq, tx_byte;
    wire        tx_frame;
    wire [7:0]  out_data;
    wire        out_valid, out_ready;

    loom_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_urx (
        .clk_i(clk_i), .rst_i(rst_i), .rx_i(uart_rx_i),
        .data_o(rx_data), .valid_o(rx_valid), .frame_err_o(rx_ferr));

    loom_link_rx #(.RB(RB), .MAXP(MAXP), .CNT_W(CNT_W)) u_lrx (
        .clk_i(clk_i), .rst_i(rst_i), .data_i(rx_data), .valid_i(rx_valid), .clr_i(clr),
        .free_i(free), .head_o(head), .raddr_i(raddr), .rdata_o(rdata),
        .ok_cnt_o(ok_cnt), .crc_cnt_o(crc_cnt), .fmt_cnt_o(fmt_cnt));

    loom_cmd #(.RB(RB), .TB(TB), .WB(WB), .MAXP(MAXP), .CNT_W(CNT_W),
               .RTL_VERSION(RTL_VERSION[15:0]), .BOARD_ID(BOARD_ID[15:0]), .CLK_HZ(CLK_HZ),
               .CLKS_PER_BIT(CLKS_PER_BIT[15:0])) u_cmd (
        .clk_i(clk_i), .rst_i(rst_i),
        .head_i(head), .free_o(free), .raddr_o(raddr), .rdata_i(rdata),
        .ok_cnt_i(ok_cnt), .crc_cnt_i(crc_cnt), .fmt_cnt_i(fmt_cnt), .clr_cnt_o(clr),
        .twe_o(twe), .twaddr_o(twaddr), .twdata_o(twdata),
        .tx_start_o(tx_start), .tx_ready_i(tx_ready), .tx_off_o(tx_off), .tx_nak_o(tx_nak),
        .tx_seq_o(tx_seq), .tx_frame_o(tx_frame), .tx_byte_o(tx_byte),
        .bus_valid_o(bus_valid_o), .bus_we_o(bus_we_o), .bus_addr_o(bus_addr_o),
        .bus_wdata_o(bus_wdata_o), .bus_ready_i(bus_ready_i), .bus_rdata_i(bus_rdata_i),
        .busy_i(busy_i), .array_rst_o(array_rst_o));

    loom_link_tx #(.TB(TB)) u_ltx (
        .clk_i(clk_i), .rst_i(rst_i), .start_i(tx_start), .off_i(tx_off), .nak_i(tx_nak),
        .seq_i(tx_seq), .frame_i(tx_frame), .byte_i(tx_byte), .ready_o(tx_ready),
        .we_i(twe), .waddr_i(twaddr), .wdata_i(twdata),
        .tx_data_o(out_data), .tx_valid_o(out_valid), .tx_ready_i(out_ready));

    loom_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_utx (
        .clk_i(clk_i), .rst_i(rst_i), .data_i(out_data), .valid_i(out_valid),
        .ready_o(out_ready), .tx_o(uart_tx_o));
endmodule
