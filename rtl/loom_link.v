// loom_link -- the board's end of the host link, everything between the
// UART pins and the array's host bus.
//
//   uart_rx_i ─> loom_uart_rx ─> loom_link_rx (COBS, CRC, buffer) ─┐
//                                                                   v
//   bus_* <────────────────────────────────────────────── loom_cmd (sequence
//                                                                   rule, bursts)
//   uart_tx_o <─ loom_uart_tx <─ loom_link_tx (buffer, CRC, COBS) <─┘
//
// Board-independent; the protocol is docs/protocol.md.  CLKS_PER_BIT sets
// the baud rate (12 MHz / 4 = 3 Mbaud).  IDENTIFY reports RTL_VERSION,
// BOARD_ID, MAX_PAYLOAD, CLK_HZ and CLKS_PER_BIT.
module loom_link #(
    parameter CLKS_PER_BIT = 4,
    parameter CLK_HZ = 12000000,
    parameter BOARD_ID = 0,
    parameter RTL_VERSION = 1,
    parameter MAX_PAYLOAD = 512,
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
    output wire        array_rst_o
);
    localparam RBW = $clog2(MAX_PAYLOAD + 6);
    localparam PW = $clog2(MAX_PAYLOAD);

    wire [7:0]  rx_data;
    wire        rx_valid;
    // A framing error (stop bit 0) drops the byte; the frame's CRC or shape
    // check then rejects the frame, so nothing else needs the pulse.
    /* verilator lint_off UNUSEDSIGNAL */
    wire        rx_ferr;
    /* verilator lint_on UNUSEDSIGNAL */
    wire        frame, busy, clr;
    wire [7:0]  f_seq, f_cmd, rd_data;
    wire [15:0] f_len, f_crc;
    wire [RBW-1:0] rd_addr;
    wire [CNT_W-1:0] ok_cnt, crc_cnt, fmt_cnt;
    wire        tx_start, tx_busy, tx_we;
    wire [7:0]  tx_seq, tx_cmd, tx_wdata;
    wire [15:0] tx_len;
    wire [PW-1:0] tx_waddr;
    wire [7:0]  out_data;
    wire        out_valid, out_ready;

    loom_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_urx (
        .clk_i(clk_i), .rst_i(rst_i), .rx_i(uart_rx_i),
        .data_o(rx_data), .valid_o(rx_valid), .frame_err_o(rx_ferr));

    loom_link_rx #(.MAX_PAYLOAD(MAX_PAYLOAD), .CNT_W(CNT_W)) u_lrx (
        .clk_i(clk_i), .rst_i(rst_i), .data_i(rx_data), .valid_i(rx_valid), .busy_i(busy),
        .clr_i(clr), .frame_o(frame), .seq_o(f_seq), .cmd_o(f_cmd), .len_o(f_len),
        .crc_o(f_crc), .raddr_i(rd_addr), .rdata_o(rd_data),
        .ok_cnt_o(ok_cnt), .crc_cnt_o(crc_cnt), .fmt_cnt_o(fmt_cnt));

    loom_cmd #(.MAX_PAYLOAD(MAX_PAYLOAD), .CNT_W(CNT_W), .RTL_VERSION(RTL_VERSION[15:0]),
               .BOARD_ID(BOARD_ID[15:0]), .CLK_HZ(CLK_HZ), .CLKS_PER_BIT(CLKS_PER_BIT)) u_cmd (
        .clk_i(clk_i), .rst_i(rst_i),
        .frame_i(frame), .seq_i(f_seq), .cmd_i(f_cmd), .len_i(f_len), .crc_i(f_crc),
        .busy_o(busy), .raddr_o(rd_addr), .rdata_i(rd_data),
        .ok_cnt_i(ok_cnt), .crc_cnt_i(crc_cnt), .fmt_cnt_i(fmt_cnt), .clr_cnt_o(clr),
        .tx_start_o(tx_start), .tx_seq_o(tx_seq), .tx_cmd_o(tx_cmd), .tx_len_o(tx_len),
        .tx_busy_i(tx_busy), .tx_we_o(tx_we), .tx_waddr_o(tx_waddr), .tx_wdata_o(tx_wdata),
        .bus_valid_o(bus_valid_o), .bus_we_o(bus_we_o), .bus_addr_o(bus_addr_o),
        .bus_wdata_o(bus_wdata_o), .bus_ready_i(bus_ready_i), .bus_rdata_i(bus_rdata_i),
        .array_rst_o(array_rst_o));

    loom_link_tx #(.MAX_PAYLOAD(MAX_PAYLOAD)) u_ltx (
        .clk_i(clk_i), .rst_i(rst_i), .start_i(tx_start), .seq_i(tx_seq), .cmd_i(tx_cmd),
        .len_i(tx_len), .busy_o(tx_busy), .we_i(tx_we), .waddr_i(tx_waddr), .wdata_i(tx_wdata),
        .tx_data_o(out_data), .tx_valid_o(out_valid), .tx_ready_i(out_ready));

    loom_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_utx (
        .clk_i(clk_i), .rst_i(rst_i), .data_i(out_data), .valid_i(out_valid),
        .ready_o(out_ready), .tx_o(uart_tx_o));
endmodule
