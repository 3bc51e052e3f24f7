// loom_tb_boot -- iverilog testbench of the baked-model path: loom_boot
// replays a boot ROM written by `loom build --boot-only` into loom_top's
// UART, and afterwards the array must hold the model: the level count, the
// slots in use and the synapse counts of the fan-out index (their sum is
// the model's synapse count), every frame executed in order (last seq
// = FRAMES-1, no sequence errors), and the host TX line held idle while
// booting.  tests/integration/build_boot_sim.sh runs it; it prints PASS or
// FAIL lines and finishes.
`timescale 1ns / 1ps
module loom_tb_boot #(
    parameter BOOT_FILE = "boot.hex",
    parameter BYTES     = 1024,
    parameter LEVELS    = 1,
    parameter NUSED     = 1,
    parameter SYNAPSES  = 0,
    parameter FRAMES    = 1,
    parameter W = 8, parameter S = 16, parameter A = 24, parameter D = 15,
    parameter N = 64, parameter SYN = 512, parameter P = 16, parameter LMAX = 32,
    parameter MAXIN = 32
);
    reg clk = 1'b0, rst = 1'b1;
    always #5 clk = ~clk;
    wire rx_top, tx_top, tx_pin, booting, busy, overrun;

    loom_boot #(.CLKS_PER_BIT(4), .BYTES(BYTES), .GAP(4096), .BOOT_FILE(BOOT_FILE)) u_boot (
        .clk_i(clk), .rst_i(rst), .uart_rx_i(1'b1), .uart_rx_o(rx_top),
        .uart_tx_i(tx_top), .uart_tx_o(tx_pin), .busy_o(booting));
    loom_top #(.CLK_HZ(12000000), .CLKS_PER_BIT(4), .W(W), .S(S), .A(A), .D(D), .K(1), .N(N),
               .SYN(SYN), .P(P), .LMAX(LMAX), .MAXIN(MAXIN)) u_top (
        .clk_i(clk), .rst_i(rst), .uart_rx_i(rx_top), .uart_tx_o(tx_top),
        .busy_o(busy), .overrun_o(overrun));

    integer cyc = 0, fails = 0, g, sum, e0, e1, tx_low = 0;
    always @(posedge clk) begin
        cyc <= cyc + 1;
        if (booting && !tx_pin)
            tx_low <= tx_low + 1;
    end
    initial begin
        repeat (8) @(posedge clk);
        rst <= 1'b0;
        @(posedge clk);
        while (booting && cyc < 2000000)
            @(posedge clk);
        repeat (100) @(posedge clk);
        if (booting) begin
            $display("FAIL boot still running after %0d cycles", cyc);
            fails = fails + 1;
        end
        if (u_top.u_array.n_levels_q != LEVELS) begin
            $display("FAIL n_levels %0d, expected %0d", u_top.u_array.n_levels_q, LEVELS);
            fails = fails + 1;
        end
        if (u_top.u_array.g_core[0].u_core.n_used_q != NUSED) begin
            $display("FAIL n_used %0d, expected %0d", u_top.u_array.g_core[0].u_core.n_used_q, NUSED);
            fails = fails + 1;
        end
        sum = 0;
        // fan-out entry e (1 + first synapse word of source e, 0 = not
        // given) is word e/2 of the even or odd entry RAM; source g has
        // E[g+1] - E[g] synapse words when E[g] != 0 and E[g+1] > E[g]
        for (g = 0; g < MAXIN + N; g = g + 1) begin
            e0 = (g % 2) ? u_top.u_array.g_core[0].u_core.u_dlv.u_fo_odd.mem_q[g / 2]
                         : u_top.u_array.g_core[0].u_core.u_dlv.u_fo_even.mem_q[g / 2];
            e1 = (g % 2) ? u_top.u_array.g_core[0].u_core.u_dlv.u_fo_even.mem_q[(g + 1) / 2]
                         : u_top.u_array.g_core[0].u_core.u_dlv.u_fo_odd.mem_q[g / 2];
            if (e0 != 0 && e1 > e0)
                sum = sum + e1 - e0;
        end
        if (sum != SYNAPSES) begin
            $display("FAIL fan-out counts sum to %0d, expected %0d synapses", sum, SYNAPSES);
            fails = fails + 1;
        end
        // frames carry seq 0, 1, ...: the expected seq counts the executed ones
        if (u_top.u_link.u_cmd.exp_q != FRAMES[7:0] || u_top.u_link.u_lrx.ok_cnt_o != FRAMES ||
            u_top.u_link.u_lrx.crc_cnt_o != 0 || u_top.u_link.u_lrx.fmt_cnt_o != 0) begin
            $display("FAIL expected seq %0d after %0d frames (%0d ok, %0d CRC, %0d format errors)",
                     u_top.u_link.u_cmd.exp_q, FRAMES, u_top.u_link.u_lrx.ok_cnt_o,
                     u_top.u_link.u_lrx.crc_cnt_o, u_top.u_link.u_lrx.fmt_cnt_o);
            fails = fails + 1;
        end
        if (tx_low != 0) begin
            $display("FAIL host TX driven low for %0d cycles while booting", tx_low);
            fails = fails + 1;
        end
        if (fails == 0)
            $display("PASS boot done after %0d cycles: %0d levels, %0d slots, %0d synapses",
                     cyc, LEVELS, NUSED, SYNAPSES);
        $finish;
    end
endmodule
