// loom_spram -- single-port RAM: one address for reads and writes, one
// access per cycle, registered read data that holds while not reading.
// Written the way yosys (synth_ice40 -spram) infers the iCE40UP5K's
// SB_SPRAM256KA blocks (16 K x 16 bits each; wider or deeper memories take
// several).  A write does not change rdata_o.
module loom_spram #(
    parameter DW    = 16,
    parameter AW    = 14,
    parameter DEPTH = 16384
) (
    input  wire          clk_i,
    input  wire          en_i,
    input  wire          we_i,
    input  wire [AW-1:0] addr_i,
    input  wire [DW-1:0] wdata_i,
    output reg  [DW-1:0] rdata_o
);
    reg [DW-1:0] mem_q [0:DEPTH-1];

    always @(posedge clk_i) begin
        if (en_i) begin
            if (we_i)
                mem_q[addr_i] <= wdata_i;
            else
                rdata_o <= mem_q[addr_i];
        end
    end
endmodule
