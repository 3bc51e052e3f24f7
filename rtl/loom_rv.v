// loom_rv -- a small multi-cycle RV32I processor: the engine of the boards
// too small for the hardware array (iCE40HX1K, boards/icestick), where the
// link protocol, the array's memory map and the machine model run as
// firmware (boards/icestick/fw) instead of as gates.
//
//   DECODE  instruction word (read in the cycle before) -> ir; reads x[rs1]
//   RS1     x[rs1] (or pc for AUIPC, 0 for LUI) -> a; reads x[rs2]
//   EXEC    ALU on a and x[rs2] / immediate; writes rd, picks the next pc and
//           reads the next instruction in the same cycle, or starts a load
//           (address a + imm) or a shift
//   LOAD    aligns the loaded word, writes rd, reads the next instruction
//   SHIFT   shifts a by 4 or by 1 per cycle (the count in cnt), then writes rd
//
// So an ALU op, a store, a branch or a jump takes 3 cycles, a load 4, a
// shift by k 4 + k/4 + k%4.  The register file is 32 words of the RAM
// itself, at byte address RF (x0 must hold 0 there: it is never written),
// read through the same port as instructions and data in the cycles where
// that port is free anyway (rs1 while decoding, rs2 while a is loaded) and
// written through the write port when an instruction completes (a store
// writes memory in EXEC and no register), so the processor needs no block
// RAM of its own.  The program counter has PCW bits: code lives in the
// first 2^PCW bytes.  Reads are synchronous (the word arrives the cycle
// after re_o); the read and write ports are separate so a store and the next
// fetch share a cycle.  stall_i holds a write (an I/O register that is not
// ready) in EXEC, with re_o low so the read data (the store's x[rs2]) holds.
//
// Not implemented (the firmware is built -march=rv32i, which never emits
// them): CSRs, ECALL/EBREAK, interrupts, misaligned accesses.  FENCE and
// SYSTEM instructions execute as no-ops.
module loom_rv #(
    parameter AW  = 17,   // byte-address bits of the bus
    parameter PCW = 13,   // program counter bits
    parameter RF  = 7040  // byte address of x0 (32 words of RAM: the register file)
) (
    input  wire          clk_i,
    input  wire          rst_i,
    output wire [AW-1:0] raddr_o,   // byte address of a read (low 2 bits: load offset)
    output wire          re_o,
    input  wire [31:0]   rdata_i,   // the word of the read issued the cycle before
    output wire [AW-1:0] waddr_o,
    output wire [3:0]    we_o,      // byte enables of a write
    output wire [31:0]   wdata_o,
    input  wire          stall_i
);
    localparam [2:0] S_FETCH = 3'd0, S_DECODE = 3'd1, S_RS1 = 3'd2, S_EXEC = 3'd3,
                     S_LOAD = 3'd4, S_SHIFT = 3'd5;

    reg [2:0]     state_q, state_d;
    reg [PCW-1:0] pc_q, pc_d;
    reg [31:2]    ir_q;                       // bits 1:0 are always 11
    reg [31:0]    a_q, a_d;
    reg [4:0]     cnt_q, cnt_d;
    wire [31:0]   rf_q = rdata_i;             // x[rs1] in RS1, x[rs2] in EXEC

    // ---- decode ----
    wire [4:0] opc    = ir_q[6:2];
    wire [2:0] f3     = ir_q[14:12];
    wire       is_lui = (opc == 5'b01101);
    wire       is_aui = (opc == 5'b00101);
    wire       is_jal = (opc == 5'b11011);
    wire       is_jr  = (opc == 5'b11001);
    wire       is_br  = (opc == 5'b11000);
    wire       is_ld  = (opc == 5'b00000);
    wire       is_st  = (opc == 5'b01000);
    wire       is_opi = (opc == 5'b00100);
    wire       is_op  = (opc == 5'b01100);
    wire       is_sh  = (is_op | is_opi) & (f3[1:0] == 2'b01);
    wire       has_rd = ~(is_br | is_st | (opc == 5'b00011) | (opc == 5'b11100));
    wire [4:0] rd     = ir_q[11:7];

    reg [31:0] imm;
    always @(*) begin
        if (is_st)
            imm = {{20{ir_q[31]}}, ir_q[31:25], ir_q[11:7]};
        else if (is_br)
            imm = {{19{ir_q[31]}}, ir_q[31], ir_q[7], ir_q[30:25], ir_q[11:8], 1'b0};
        else if (is_lui | is_aui)
            imm = {ir_q[31:12], 12'b0};
        else if (is_jal)
            imm = {{11{ir_q[31]}}, ir_q[31], ir_q[19:12], ir_q[20], ir_q[30:21], 1'b0};
        else
            imm = {{20{ir_q[31]}}, ir_q[31:20]};
    end

    // ---- ALU: one adder (add, sub, compares, addresses), three logic ops ----
    wire        use_rs2 = is_op | is_br;
    wire [31:0] b       = use_rs2 ? rf_q : imm;
    wire        arith   = is_op | is_opi;
    wire        sub     = is_br | (arith & (f3[2:1] == 2'b01)) | (is_op & (f3 == 3'b000) & ir_q[30]);
    wire [32:0] sum     = {1'b0, a_q} + {1'b0, b ^ {32{sub}}} + {32'b0, sub};
    wire        ltu     = ~sum[32];
    wire        lt      = (a_q[31] ^ b[31]) ? a_q[31] : sum[31];
    wire [31:0] x_ab    = a_q ^ b;
    wire        eq      = (x_ab == 32'b0);
    reg  [31:0] alu;
    always @(*) begin
        case (arith ? f3 : 3'b000)
            3'b010:  alu = {31'b0, lt};
            3'b011:  alu = {31'b0, ltu};
            3'b100:  alu = x_ab;
            3'b110:  alu = a_q | b;
            3'b111:  alu = a_q & b;
            default: alu = sum[31:0];
        endcase
    end
    wire taken = (f3[2] ? (f3[1] ? ltu : lt) : eq) ^ f3[0];

    // ---- next pc ----
    wire [PCW-1:0] pc4  = pc_q + {{(PCW - 3){1'b0}}, 3'd4};
    wire [PCW-1:0] tgt  = pc_q + imm[PCW-1:0];
    wire [PCW-1:0] npc  = is_jr ? {sum[PCW-1:1], 1'b0}
                        : (is_jal | (is_br & taken)) ? tgt : pc4;

    // ---- loads and stores ----
    wire [1:0]  off   = sum[1:0];
    wire [15:0] lsh   = off[1] ? {off[0] ? 8'h00 : rdata_i[31:24], off[0] ? rdata_i[31:24] : rdata_i[23:16]}
                               : (off[0] ? rdata_i[23:8] : rdata_i[15:0]);
    wire [31:0] ldata = (f3[1:0] == 2'b00) ? {{24{lsh[7] & ~f3[2]}}, lsh[7:0]}
                      : (f3[1:0] == 2'b01) ? {{16{lsh[15] & ~f3[2]}}, lsh[15:0]}
                      : rdata_i;
    wire [31:0] st_data = (f3[1:0] == 2'b00) ? {4{rf_q[7:0]}}
                        : (f3[1:0] == 2'b01) ? {2{rf_q[15:0]}} : rf_q;
    wire [3:0]  st_we   = (state_q != S_EXEC || !is_st) ? 4'b0000
                        : (f3[1:0] == 2'b00) ? (4'b0001 << off)
                        : (f3[1:0] == 2'b01) ? (off[1] ? 4'b1100 : 4'b0011) : 4'b1111;

    // ---- control ----
    wire exec_done = (state_q == S_EXEC) & ~is_ld & ~is_sh & ~(is_st & stall_i);
    wire done      = exec_done | (state_q == S_LOAD) | ((state_q == S_SHIFT) & (cnt_q == 5'd0));
    wire [PCW-1:0] next_pc = (state_q == S_EXEC) ? npc : pc4;
    reg  [31:0] wb;
    always @(*) begin
        if (state_q == S_LOAD)       wb = ldata;
        else if (state_q == S_SHIFT) wb = a_q;
        else if (is_jal | is_jr)     wb = {{(32 - PCW){1'b0}}, pc4};
        else                         wb = alu;
    end
    // (not through done: a store never writes a register, and this way the
    // write port does not depend on stall_i, which depends on it)
    wire rf_we = has_rd & (rd != 5'd0) & (((state_q == S_EXEC) & ~is_ld & ~is_sh) |
                                          (state_q == S_LOAD) | ((state_q == S_SHIFT) & (cnt_q == 5'd0)));

    // register file addresses: RF + 4 * index
    localparam [AW-1:0] RFA = RF[AW-1:0];
    wire [AW-1:0] rf_ra = RFA | {{(AW - 7){1'b0}},
                                 (state_q == S_DECODE) ? rdata_i[19:15] : ir_q[24:20], 2'b00};
    wire [AW-1:0] rf_wa = RFA | {{(AW - 7){1'b0}}, rd, 2'b00};

    assign re_o    = (state_q == S_FETCH) | (state_q == S_DECODE) | (state_q == S_RS1) | done |
                     ((state_q == S_EXEC) & is_ld);
    assign raddr_o = (state_q == S_FETCH) ? {{(AW - PCW){1'b0}}, pc_q}
                   : ((state_q == S_DECODE) | (state_q == S_RS1)) ? rf_ra
                   : ((state_q == S_EXEC) & is_ld) ? sum[AW-1:0]
                   : {{(AW - PCW){1'b0}}, next_pc};
    assign waddr_o = rf_we ? rf_wa : sum[AW-1:0];
    assign we_o    = rf_we ? 4'b1111 : st_we;
    assign wdata_o = rf_we ? wb : st_data;

    always @(*) begin
        state_d = state_q;
        pc_d    = pc_q;
        a_d     = a_q;
        cnt_d   = cnt_q;
        case (state_q)
            S_FETCH:  state_d = S_DECODE;
            S_DECODE: state_d = S_RS1;
            S_RS1: begin
                a_d     = is_lui ? 32'b0 : is_aui ? {{(32 - PCW){1'b0}}, pc_q} : rf_q;
                state_d = S_EXEC;
            end
            S_EXEC: begin
                if (is_ld)
                    state_d = S_LOAD;
                else if (is_sh) begin
                    cnt_d   = is_op ? rf_q[4:0] : ir_q[24:20];
                    state_d = S_SHIFT;
                end
            end
            S_SHIFT: begin
                if (cnt_q[4:2] != 3'd0) begin
                    a_d   = f3[2] ? {{4{ir_q[30] & a_q[31]}}, a_q[31:4]} : {a_q[27:0], 4'b0};
                    cnt_d = cnt_q - 5'd4;
                end else if (cnt_q != 5'd0) begin
                    a_d   = f3[2] ? {ir_q[30] & a_q[31], a_q[31:1]} : {a_q[30:0], 1'b0};
                    cnt_d = cnt_q - 5'd1;
                end
            end
            default: ;
        endcase
        if (done) begin
            pc_d    = next_pc;
            state_d = S_DECODE;
        end
    end

    always @(posedge clk_i) begin
        if (state_q == S_DECODE)
            ir_q <= rdata_i[31:2];
        a_q   <= a_d;
        cnt_q <= cnt_d;
        if (rst_i) begin
            state_q <= S_FETCH;
            pc_q    <= {PCW{1'b0}};
        end else begin
            state_q <= state_d;
            pc_q    <= pc_d;
        end
    end
endmodule
