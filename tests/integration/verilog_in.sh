#!/usr/bin/env bash
# verilog_in: `loom compile/sim design.v` runs yosys and continues as for
# AIGER.  The example designs give the same aigsim traces as their AIGER
# files (made by examples/aig/mkaig.sh); --top picks a module; file names
# with shell and yosys metacharacters are harmless; a bad design or top is
# refused with yosys' reason.  A trained-logic-net shape -- random two-input
# gates of difflogic's 16 kinds and a group-sum head (--group-sum K) -- is
# checked step by step against a C evaluation of the same netlist.
set -u
fail() { echo "FAIL: $*"; exit 1; }
command -v yosys > /dev/null || { echo "yosys not installed"; exit 77; }
top=$(cd "$(dirname "$0")/../.." && pwd)
ex="$top/examples/aig"
cd "$WORK"
L="$LOOM"

# the examples: the Verilog and the checked-in AIGER trace alike
for d in adder comparator counter; do
    "$L" sim "$ex/$d.v" --stim "$ex/$d.stim" > v.trace || fail "sim $d.v"
    "$L" sim "$ex/$d.aag" --stim "$ex/$d.stim" > a.trace || fail "sim $d.aag"
    cmp v.trace a.trace || fail "$d.v and $d.aag disagree"
    [ -s v.trace ] || fail "$d: empty trace"
done
"$L" compile "$ex/adder.v" -o adder.seir --report > rep.txt || fail "compile adder.v"
grep -q '^aiger inputs 9$' rep.txt && grep -q '^aiger outputs 5$' rep.txt || fail "adder.v report: $(cat rep.txt)"
echo "examples ok"

# --top, and names yosys or a shell would read as commands
cat > "two mods; echo PWNED'x.v" <<'V'
module helper(input wire a, input wire b, output wire y);
    assign y = a ^ b;
endmodule
module top2(input wire [1:0] p, output wire q, output wire r);
    helper h(.a(p[0]), .b(p[1]), .y(q));
    assign r = p[0] & p[1];
endmodule
V
printf '00\n01\n10\n11\n' > two.stim
"$L" sim "two mods; echo PWNED'x.v" --top top2 --stim two.stim > two.out 2> err.txt || fail "--top top2: $(cat err.txt)"
[ "$(awk '{print $2}' two.out | tr '\n' ' ')" = "00 10 10 01 " ] || fail "top2 outputs: $(cat two.out)"
[ ! -e PWNED ] && ! grep -rq PWNED err.txt || fail "a file name reached a shell or a script"
"$L" compile "two mods; echo PWNED'x.v" --top 'top2; shell' -o x.seir 2> err.txt
[ $? = 2 ] || fail "a top name with ';' was not refused"
grep -q "is not a Verilog module name" err.txt || fail "bad --top: $(cat err.txt)"
"$L" compile "two mods; echo PWNED'x.v" --top nothere -o x.seir 2> err.txt && fail "a missing top module worked"
grep -q "yosys could not synthesise it" err.txt && grep -q "nothere" err.txt || fail "missing top: $(cat err.txt)"
printf 'module broken(input a, output y);\n assign y = a &;\nendmodule\n' > broken.v
"$L" compile broken.v -o x.seir 2> err.txt && fail "a syntax error passed"
grep -q "broken.v: yosys could not synthesise it (exit 1): .*syntax error" err.txt || fail "syntax error: $(cat err.txt)"
"$L" compile adder.seir --top x -o y.seir 2> err.txt && fail "--top on SEIR accepted"
ls -d "${TMPDIR:-/tmp}"/loom-verilog-* 2> /dev/null | grep -q . && echo "note: loom-verilog-* folders exist in TMPDIR (maybe other runs)"
echo "--top and names ok"

# a logic net: random gates + group sum, against C
python3 - <<'PY' || fail "generating the logic net"
import random
rnd = random.Random(21)
NI, NG, K, PER = 24, 300, 5, 12
ops = [  # difflogic's 16 two-input functions, as Verilog and as C ({A}, {B}: the operands)
    ("1'b0", "0"), ("{A} & {B}", "{A} & {B}"), ("{A} & ~{B}", "{A} & !{B}"), ("{A}", "{A}"),
    ("~{A} & {B}", "!{A} & {B}"), ("{B}", "{B}"), ("{A} ^ {B}", "{A} ^ {B}"), ("{A} | {B}", "{A} | {B}"),
    ("~({A} | {B})", "!({A} | {B})"), ("~({A} ^ {B})", "!({A} ^ {B})"), ("~{B}", "!{B}"),
    ("{A} | ~{B}", "{A} | !{B}"), ("~{A}", "!{A}"), ("~{A} | {B}", "!{A} | {B}"),
    ("~({A} & {B})", "!({A} & {B})"), ("1'b1", "1")]
sig = ["x[%d]" % i for i in range(NI)]
csig = ["x[%d]" % i for i in range(NI)]
v, c = [], []
for g in range(NG):
    lo = max(0, len(sig) - 80)  # layered-ish: mostly recent signals
    a, b = rnd.randrange(lo, len(sig)), rnd.randrange(lo, len(sig))
    op = rnd.randrange(16)
    ve = ops[op][0].format(A=sig[a], B=sig[b])
    ce = ops[op][1].format(A=csig[a], B=csig[b])
    v.append("    wire g%d = %s;" % (g, ve))
    c.append("        int g%d = (%s) & 1;" % (g, ce))
    sig.append("g%d" % g); csig.append("g%d" % g)
outs = list(range(NG - K * PER, NG))
with open("lnet.v", "w") as f:
    f.write("module lnet(input wire [%d:0] x, output wire [%d:0] y);\n" % (NI - 1, K * PER - 1))
    f.write("\n".join(v) + "\n")
    for j, g in enumerate(outs):
        f.write("    assign y[%d] = g%d;\n" % (j, g))
    f.write("endmodule\n")
with open("lnet.c", "w") as f:
    f.write("#include <stdio.h>\nint main(void) {\n    int x[%d]; char line[256];\n" % NI)
    f.write("    for (int t = 0; fgets(line, sizeof line, stdin); t++) {\n")
    f.write("        for (int i = 0; i < %d; i++) x[i] = line[i] == '1';\n" % NI)
    f.write("\n".join(c) + "\n")
    f.write("        int y[%d] = {%s};\n" % (K * PER, ", ".join("g%d" % g for g in outs)))
    f.write("        printf(\"%d\", t);\n")
    f.write("        for (int k = 0; k < %d; k++) { int s = 0; for (int j = 0; j < %d; j++) s += y[k * %d + j]; printf(\",%%d\", s); }\n" % (K, PER, PER))
    f.write("        printf(\"\\n\");\n    }\n    return 0;\n}\n")
with open("vec.txt", "w") as f, open("in.csv", "w") as g:
    g.write("step,channel,value\n")
    for t in range(200):
        bits = [rnd.randrange(2) for _ in range(NI)]
        f.write("".join(map(str, bits)) + "\n")
        for i, b in enumerate(bits):
            if b:
                g.write("%d,x[%d],1\n" % (t, i))
PY
cc -O1 -o lnet lnet.c || fail "compiling the C evaluation"
./lnet < vec.txt > want.csv || fail "running the C evaluation"
"$L" compile lnet.v --group-sum 5 -o lnet.seir --report > lrep.txt || fail "compile lnet.v --group-sum 5"
grep -q '^output class v$' lnet.seir || fail "no class read-outs: $(grep '^output' lnet.seir)"
grep -q '^profile group_sum a_syn=0 a_mem=0 .*reset=none' lnet.seir || fail "read-out profile: $(grep '^profile group_sum' lnet.seir)"
"$L" sim lnet.v --group-sum 5 --inputs in.csv --steps 200 --out-v got.csv --quiet || fail "sim lnet.v"
tail -n +2 got.csv > got_rows.csv
cmp got_rows.csv want.csv || { diff got_rows.csv want.csv | head; fail "group sums differ from the C evaluation"; }
[ "$(cut -d, -f2- want.csv | tr ',' '\n' | sort -u | wc -l)" -gt 4 ] || fail "the class scores hardly vary: a weak test"
"$L" sim lnet.seir --inputs in.csv --steps 200 --out-v got2.csv --quiet || fail "sim lnet.seir"
cmp got.csv got2.csv || fail "the compiled SEIR and the Verilog run differ"
"$L" compile lnet.v --group-sum 7 -o x.seir 2> err.txt && fail "--group-sum 7 of 60 outputs accepted"
grep -q "60 outputs do not split into 7 equal groups" err.txt || fail "group-sum 7: $(cat err.txt)"
echo "logic net + group sum = C evaluation on 200 vectors ($(grep '^aiger gates' lrep.txt))"
