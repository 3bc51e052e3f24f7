// add147 -- a 64-bit adder with a masked operand and an equality compare:
// 147 inputs (two 64-bit operands, an 18-bit mask, a carry-in), 66 outputs.
module add147(input [63:0] a, input [63:0] b, input [17:0] m, input ci, output [64:0] y, output z);
    wire [63:0] mb = b ^ {m, m, m, m[9:0]};
    assign y = {1'b0, a} + {1'b0, mb} + ci;
    assign z = a == mb;
endmodule
