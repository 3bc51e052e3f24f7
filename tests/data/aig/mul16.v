// mul16 -- a 16 x 16 -> 32 bit unsigned multiplier (32 inputs).
module mul16(input [15:0] a, input [15:0] b, output [31:0] p);
    assign p = a * b;
endmodule
