// adder.v -- 4-bit ripple adder with carry in: {cout, s} = a + b + cin.
module adder (
    input  wire [3:0] a,
    input  wire [3:0] b,
    input  wire       cin,
    output wire [3:0] s,
    output wire       cout
);
    assign {cout, s} = a + b + {3'd0, cin};
endmodule
