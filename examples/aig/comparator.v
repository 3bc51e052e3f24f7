// comparator.v -- unsigned 4-bit magnitude comparator.
module comparator (
    input  wire [3:0] a,
    input  wire [3:0] b,
    output wire       lt,
    output wire       eq,
    output wire       gt
);
    assign lt = a < b;
    assign eq = a == b;
    assign gt = a > b;
endmodule
