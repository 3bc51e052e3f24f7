// loom_tb_uart -- testbench wrapper: the UART receiver and transmitter side
// by side (not looped), so tests/rtl/tb_uart.cpp can drive and watch both.
module loom_tb_uart #(
    parameter CLKS_PER_BIT = 4
) (
    input  wire       clk_i,
    input  wire       rst_i,
    input  wire       rx_i,
    output wire [7:0] rx_data_o,
    output wire       rx_valid_o,
    output wire       rx_ferr_o,
    input  wire [7:0] tx_data_i,
    input  wire       tx_valid_i,
    output wire       tx_ready_o,
    output wire       tx_o
);
    loom_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_rx (
        .clk_i(clk_i), .rst_i(rst_i), .rx_i(rx_i),
        .data_o(rx_data_o), .valid_o(rx_valid_o), .frame_err_o(rx_ferr_o));
    loom_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
        .clk_i(clk_i), .rst_i(rst_i), .data_i(tx_data_i), .valid_i(tx_valid_i),
        .ready_o(tx_ready_o), .tx_o(tx_o));
endmodule
