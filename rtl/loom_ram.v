// loom_ram -- simple dual-port RAM: one synchronous read port, one write
// port, one clock.  Written the way yosys infers iCE40 block RAM
// (SB_RAM40_4K): registered read data that holds its value while re_i is
// low, write enable per word.
//
// A read of the address being written in the same cycle returns an
// UNDEFINED word: the memory carries (* no_rw_check *), so yosys maps it
// onto the bare block RAM instead of adding ~35 flip-flops and ~30 LUTs of
// read-first emulation per instance.  Callers never use such a read (they
// forward the written word themselves, see loom_core's ring
// read-modify-write).  Under Verilator a colliding read returns a word that
// differs from both the old and the new one, so a caller that relied on
// either would diverge from the reference model in `loom cosim`.
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
    (* no_rw_check *) reg [DW-1:0] mem_q [0:DEPTH-1];

`ifdef VERILATOR
    // Simulation: the read comes first and the write is a blocking
    // assignment.  mem_q is read nowhere else, so this is the nonblocking
    // write of the synthesis branch, without the delayed-write copy that a
    // nonblocking memory write costs the simulator in every cycle of every
    // RAM (docs/performance.md).
    always @(posedge clk_i) begin
        if (re_i)
            // collision poison: ~old, or ~old ^ 1 when that happens to be
            // the new word (computed here, not as wires, so that an idle
            // RAM costs the simulation nothing)
            rdata_o <= !(we_i && (waddr_i == raddr_i)) ? mem_q[raddr_i]
                     : ((~mem_q[raddr_i] == wdata_i) ? (~mem_q[raddr_i] ^ {{(DW-1){1'b0}}, 1'b1})
                                                    : ~mem_q[raddr_i]);
        /* verilator lint_off BLKSEQ */
        if (we_i)
            mem_q[waddr_i] = wdata_i;
        /* verilator lint_on BLKSEQ */
    end
`else
    always @(posedge clk_i) begin
        if (we_i)
            mem_q[waddr_i] <= wdata_i;
        if (re_i)
            rdata_o <= mem_q[raddr_i];
    end
`endif
endmodule
