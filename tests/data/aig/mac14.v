// mac14 -- a 14 x 14 bit multiply plus a 4-bit addend (32 inputs, 28
// outputs): 2,037 AND gates after yosys' synth and aigmap.
module mac14(input [13:0] a, input [13:0] b, input [3:0] c, output [27:0] p);
    assign p = a * b + c;
endmodule
