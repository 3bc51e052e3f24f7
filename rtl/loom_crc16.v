// loom_crc16 -- one byte of CRC-16/CCITT-FALSE (poly 0x1021, MSB first),
// combinational: crc_o = CRC of crc_i continued by data_i.  Start from
// 16'hFFFF; "123456789" gives 16'h29B1, and a frame followed by its CRC
// (high byte first) gives 0.
module loom_crc16 (
    input  wire [15:0] crc_i,
    input  wire [7:0]  data_i,
    output wire [15:0] crc_o
);
    reg [15:0] c;
    integer k;
    always @(*) begin
        c = crc_i ^ {data_i, 8'h00};
        for (k = 0; k < 8; k = k + 1)
            c = c[15] ? ({c[14:0], 1'b0} ^ 16'h1021) : {c[14:0], 1'b0};
    end
    assign crc_o = c;
endmodule
