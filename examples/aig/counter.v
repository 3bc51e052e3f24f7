// counter.v -- 4-bit up counter with enable and synchronous clear.
// q counts up by one on every clock edge with en=1; clr=1 clears it
// (clear wins over enable); wrap is high while q is 15 and en is 1.
module counter (
    input  wire       clk,
    input  wire       en,
    input  wire       clr,
    output reg  [3:0] q,
    output wire       wrap
);
    initial q = 4'd0;
    always @(posedge clk) begin
        if (clr)
            q <= 4'd0;
        else if (en)
            q <= q + 4'd1;
    end
    assign wrap = en & (q == 4'd15);
endmodule
