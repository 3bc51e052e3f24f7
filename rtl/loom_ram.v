// loom_ram -- simple dual-port RAM: one synchronous read port, one write
// port, one clock.  Written the way yosys infers iCE40 block RAM
// (SB_RAM40_4K): registered read data that holds its value while re_i is
// low, write enable per word.  A read of the address being written in the
// same cycle returns the OLD word (read-first); callers that need the new
// value forward it themselves (see loom_core's ring read-modify-write).
module loom_ram #(
    parameter DW    = 16,  // data bits
    parameter AW    = 8,   // address bits
    parameter DEPTH = 256  // words (<= 2^AW)
) (
    input  wire          clk_i,
    input  wire          re_i,
    input  wire [AW-1:0] raddr_i,
    output reg  [DW-1:0] rdata_o,
    input  wire          we_i,
    input  wire [AW-1:0] waddr_i,
    input  wire [DW-1:0] wdata_i
);
    reg [DW-1:0] mem_q [0:DEPTH-1];

    always @(posedge clk_i) begin
        if (we_i)
            mem_q[waddr_i] <= wdata_i;
        if (re_i)
            rdata_o <= mem_q[raddr_i];
    end
endmodule
