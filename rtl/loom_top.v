// loom_top -- the board-independent top: host link + the Loom array.
//
//   uart_rx_i ─> loom_link ─ host bus ─> loom_array ─> busy_o, overrun_o
//   uart_tx_o <─┘
//
// A board file wraps this with its clock (CLK_HZ), reset and pins, and sets
// CLKS_PER_BIT = CLK_HZ / baud.  The array is reset by rst_i and by the
// link's RESET command.
module loom_top #(
    parameter CLK_HZ       = 12000000,
    parameter CLKS_PER_BIT = 4,
    parameter BOARD_ID     = 0,
    parameter MAX_PAYLOAD  = 512,
    parameter W     = 8,
    parameter S     = 16,
    parameter A     = 24,
    parameter D     = 15,
    parameter K     = 1,
    parameter N     = 256,
    parameter SYN   = 4096,
    parameter P     = 16,
    parameter LMAX  = 256,
    parameter MAXIN = 64,
    parameter EQ    = 4,
    parameter SP    = 0,     // 1: single-port ring and synapse RAM (UP5K SPRAM)
    parameter RBANK = 0      // loom_array: ring banked by ring word (docs/rtl.md)
) (
    input  wire clk_i,
    input  wire rst_i,
    input  wire uart_rx_i,
    output wire uart_tx_o,
    output wire busy_o,
    output wire overrun_o
);
    wire        bus_valid, bus_we, bus_ready, array_rst;
    wire [23:0] bus_addr;
    wire [31:0] bus_wdata, bus_rdata;
    reg         arst_q;

    // one register between the command unit's reset request and the array
    always @(posedge clk_i) arst_q <= rst_i | array_rst;

    loom_link #(.CLKS_PER_BIT(CLKS_PER_BIT), .CLK_HZ(CLK_HZ), .BOARD_ID(BOARD_ID),
                .RTL_VERSION(3), .MAX_PAYLOAD(MAX_PAYLOAD)) u_link (
        .clk_i(clk_i), .rst_i(rst_i), .uart_rx_i(uart_rx_i), .uart_tx_o(uart_tx_o),
        .bus_valid_o(bus_valid), .bus_we_o(bus_we), .bus_addr_o(bus_addr),
        .bus_wdata_o(bus_wdata), .bus_ready_i(bus_ready), .bus_rdata_i(bus_rdata),
        .busy_i(busy_o), .array_rst_o(array_rst));

    loom_array #(.W(W), .S(S), .A(A), .D(D), .K(K), .N(N), .SYN(SYN), .P(P), .LMAX(LMAX),
                 .MAXIN(MAXIN), .EQ(EQ), .SP(SP), .RBANK(RBANK)) u_array (
        .clk_i(clk_i), .rst_i(arst_q),
        .bus_valid_i(bus_valid), .bus_we_i(bus_we), .bus_addr_i(bus_addr),
        .bus_wdata_i(bus_wdata), .bus_ready_o(bus_ready), .bus_rdata_o(bus_rdata),
        .busy_o(busy_o), .overrun_o(overrun_o));
endmodule
