// loom_pnr_harness -- loom_array alone on a real iCE40 package, for
// place-and-route figures of the array without the link (tests/integration/
// rtl_pnr.sh).  The array's 60 bus inputs are loaded from a shift register
// (SIN, SLOAD) and its read data shifted out (SOUT), so nothing is
// optimised away and only four pins are used.  The harness itself costs
// about 150 logic cells (148 flip-flops).
module loom_pnr_harness #(
    parameter W = 8, S = 16, A = 16, D = 15, K = 1, N = 1024, SYN = 32768,
    parameter P = 8, LMAX = 64, MAXIN = 128, EQ = 4, SP = 1
) (
    input  wire CLK,
    input  wire SIN,
    input  wire SLOAD,
    output wire SOUT
);
    reg  [57:0] sh_q, bus_q;
    reg  [31:0] rd_q;
    wire        ready, busy, ovr;
    wire [31:0] rdata;
    always @(posedge CLK) begin
        sh_q <= {sh_q[56:0], SIN};
        if (SLOAD)
            bus_q <= sh_q;
        rd_q <= ready ? rdata : {rd_q[30:0], 1'b0};
    end
    loom_array #(.W(W), .S(S), .A(A), .D(D), .K(K), .N(N), .SYN(SYN), .P(P), .LMAX(LMAX),
                 .MAXIN(MAXIN), .EQ(EQ), .SP(SP)) u_array (
        .clk_i(CLK), .rst_i(bus_q[57] & bus_q[56] & ~SLOAD),
        .bus_valid_i(bus_q[57]), .bus_we_i(bus_q[56]), .bus_addr_i(bus_q[55:32]),
        .bus_wdata_i(bus_q[31:0]), .bus_ready_o(ready), .bus_rdata_o(rdata),
        .busy_o(busy), .overrun_o(ovr));
    assign SOUT = rd_q[31] ^ busy ^ ovr;
endmodule
