// loom_board_core -- what every board top has in common.
//
//   rx_pin_i ─> [loom_boot: replays a baked image, then passes the host through]
//            ─> loom_top (UART + link + command unit + core array) ─> tx_pin_o
//   loom_board_misc: reset from the clock's lock, heartbeat, link activity
//
// A board top only brings its clock (PLL, oscillator or pin), wires the
// pins, and decides what its LEDs show from the status outputs here.  With
// BOOT_BYTES = 0 there is no boot ROM and the host loads the network.
// With FLASH_OFFSET > 0 the image comes from the board's SPI flash at that
// byte address instead (loom_flash_boot, no block RAM; BOOT_BYTES is then
// ignored); a board without a flash reader leaves the spi_* pins idle.
module loom_board_core #(
    parameter CLK_HZ       = 24000000,
    parameter CLKS_PER_BIT = 8,
    parameter BOARD_ID     = 1,
    parameter MAX_PAYLOAD  = 512,
    parameter BOOT_BYTES   = 0,         // 0: no boot ROM (the host loads the net)
    parameter BOOT_FILE    = "",
    parameter FLASH_OFFSET = 0,         // >0: boot from the SPI flash at this address
    parameter W     = 8,
    parameter S     = 16,
    parameter A     = 24,
    parameter D     = 15,
    parameter K     = 1,
    parameter N     = 128,
    parameter SYN   = 1024,
    parameter P     = 16,
    parameter LMAX  = 64,
    parameter MAXIN = 64,
    parameter EQ    = 4,
    parameter SP    = 0      // 1: single-port ring and synapse RAM (UP5K SPRAM)
) (
    input  wire clk_i,
    input  wire lock_i,      // clock stable (1 where there is no PLL)
    input  wire rx_pin_i,    // UART from the host
    output wire tx_pin_o,    // UART to the host
    output wire booting_o,   // the boot ROM is replaying the baked image
    output wire busy_o,      // a step runs or is pending
    output wire overrun_o,   // sticky: a step exceeded its cycle budget
    output wire heartbeat_o,
    output wire activity_o,  // link traffic in either direction
    output wire spi_cs_o,    // SPI flash (FLASH_OFFSET > 0), CS active low
    output wire spi_sck_o,
    output wire spi_mosi_o,
    input  wire spi_miso_i
);
    wire rst, rx_top, tx_top;
    generate
        if (FLASH_OFFSET > 0) begin : g_flash
            loom_flash_boot #(.CLKS_PER_BIT(CLKS_PER_BIT), .OFFSET(FLASH_OFFSET)) u_boot (
                .clk_i(clk_i), .rst_i(rst), .uart_rx_i(rx_pin_i), .uart_rx_o(rx_top),
                .uart_tx_i(tx_top), .uart_tx_o(tx_pin_o), .busy_o(booting_o),
                .spi_cs_o(spi_cs_o), .spi_sck_o(spi_sck_o), .spi_mosi_o(spi_mosi_o),
                .spi_miso_i(spi_miso_i));
        end else if (BOOT_BYTES > 0) begin : g_boot
            loom_boot #(.CLKS_PER_BIT(CLKS_PER_BIT), .BYTES(BOOT_BYTES), .BOOT_FILE(BOOT_FILE)) u_boot (
                .clk_i(clk_i), .rst_i(rst), .uart_rx_i(rx_pin_i), .uart_rx_o(rx_top),
                .uart_tx_i(tx_top), .uart_tx_o(tx_pin_o), .busy_o(booting_o));
        end else begin : g_noboot
            assign rx_top    = rx_pin_i;
            assign tx_pin_o  = tx_top;
            assign booting_o = 1'b0;
        end
    endgenerate
    generate
        if (FLASH_OFFSET == 0) begin : g_noflash
            assign spi_cs_o   = 1'b1;
            assign spi_sck_o  = 1'b0;
            assign spi_mosi_o = 1'b0;
            /* verilator lint_off UNUSED */
            wire unused_miso = spi_miso_i;
            /* verilator lint_on UNUSED */
        end
    endgenerate

    loom_top #(.CLK_HZ(CLK_HZ), .CLKS_PER_BIT(CLKS_PER_BIT), .BOARD_ID(BOARD_ID),
               .MAX_PAYLOAD(MAX_PAYLOAD), .W(W), .S(S), .A(A), .D(D), .K(K), .N(N),
               .SYN(SYN), .P(P), .LMAX(LMAX), .MAXIN(MAXIN), .EQ(EQ), .SP(SP)) u_top (
        .clk_i(clk_i), .rst_i(rst), .uart_rx_i(rx_top), .uart_tx_o(tx_top),
        .busy_o(busy_o), .overrun_o(overrun_o));

    loom_board_misc u_misc (
        .clk_i(clk_i), .lock_i(lock_i), .rx_i(rx_pin_i), .tx_i(tx_pin_o), .rst_o(rst),
        .heartbeat_o(heartbeat_o), .activity_o(activity_o));
endmodule
