// loom_tb_rom -- the smallest design around loom_boot (no array), placed
// and routed by tests/integration/build_boot_rom.sh to check that the boot
// ROM's block RAM is where icebram finds and replaces it.
module loom_tb_rom #(
    parameter BOOT_FILE = ""
) (
    input  wire CLK,
    input  wire RX,
    output wire TX,
    output wire LED
);
    wire rx_o, busy;
    loom_boot #(.CLKS_PER_BIT(4), .BYTES(1024), .BOOT_FILE(BOOT_FILE)) u_boot (
        .clk_i(CLK), .rst_i(1'b0), .uart_rx_i(RX), .uart_rx_o(rx_o), .uart_tx_i(RX),
        .uart_tx_o(TX), .busy_o(busy));
    assign LED = rx_o ^ busy;
endmodule
