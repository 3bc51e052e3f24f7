#!/usr/bin/env bash
# aig_abc.sh -- Loom against ABC on circuits that yosys makes from the
# Verilog designs in examples/aig (adder, comparator, counter).
#
#  1. Combinational designs, exhaustively: ABC's truth tables of every
#     output (&write_truths) against `loom sim --stim` on all 2^I input
#     vectors, in both modes, from the binary and the ASCII file.
#  2. Every design on 300 random vectors (the counter's clear kept rare so
#     that it counts through its wrap-around): ABC reads the AIGER file and
#     writes it back as a Verilog netlist, iverilog simulates that netlist
#     (clocking latches after each vector, as aigsim does), and its
#     input/output columns must equal Loom's line for line.
set -u
for t in yosys berkeley-abc iverilog vvp; do
    command -v $t > /dev/null || { echo "$t not installed"; exit 77; }
done
EX="$(dirname "$0")/../../examples/aig"
fail=0 checks=0
for v in "$EX"/adder.v "$EX"/comparator.v "$EX"/counter.v; do
    d=$(basename "$v" .v)
    sh "$EX/mkaig.sh" "$v" "$WORK" || { echo "FAIL: yosys on $d"; fail=1; continue; }
    read -r _ M I L O A < "$WORK/$d.aag"
    # ---- 1. exhaustive truth tables (combinational only) ----
    if [ "$L" = 0 ]; then
        (cd "$WORK" && berkeley-abc -q "&r $d.aig; &write_truths -x $d.truth" > /dev/null) ||
            { echo "FAIL: ABC truth tables of $d"; fail=1; }
        # vector m: input k = bit k of m; ABC's rows list minterm 2^I-1 first
        awk -v I="$I" 'BEGIN { for (m = 0; m < 2^I; m++) { s = ""; for (k = 0; k < I; k++) s = s (int(m / 2^k) % 2); print s } }' > "$WORK/all.stim"
        awk -v I="$I" 'NR == FNR { row[NR] = $0; n = NR; next }
            { m = FNR - 1; s = ""; for (o = 1; o <= n; o++) s = s substr(row[o], 2^I - m, 1); print " " $0 " " s }' \
            "$WORK/$d.truth" "$WORK/all.stim" > "$WORK/abc.txt"
        [ "$(wc -l < "$WORK/abc.txt")" -eq $((1 << I)) ] || { echo "FAIL: ABC table of $d"; fail=1; }
        for f in "$d.aig" "$d.aag"; do
            for mode in "" --pipeline; do
                "$LOOM" sim "$WORK/$f" --stim "$WORK/all.stim" $mode > "$WORK/loom.txt" 2> "$WORK/err.txt" ||
                    { echo "FAIL: loom sim $f $mode"; cat "$WORK/err.txt"; fail=1; continue; }
                if cmp -s "$WORK/loom.txt" "$WORK/abc.txt"; then checks=$((checks + 1)); else
                    echo "FAIL: $f $mode differs from ABC's truth table"; diff "$WORK/loom.txt" "$WORK/abc.txt" | head -4; fail=1
                fi
            done
        done
    fi
    # ---- 2. random vectors: ABC's netlist under iverilog ----
    (cd "$WORK" && berkeley-abc -q "&r $d.aig; &put; write_verilog ${d}_abc.v" > /dev/null) ||
        { echo "FAIL: ABC write_verilog of $d"; fail=1; continue; }
    N=300
    # probability of a 1 per input: the counter's clear is rare, so it wraps
    probs=""
    [ "$d" = counter ] && probs="0.5 0.9 0.03"
    awk -v I="$I" -v N=$N -v seed=$((7 + ${#d})) -v probs="$probs" 'BEGIN {
        srand(seed); split(probs, p, " ")
        for (t = 0; t < N; t++) { s = ""; for (k = 0; k < I; k++) s = s (rand() < (k + 1 in p ? p[k + 1] : 0.5) ? 1 : 0); print s } }' > "$WORK/rand.stim"
    # $readmemb puts the first character in the top bit: store reversed
    rev "$WORK/rand.stim" > "$WORK/rand.mem"
    {
        echo "module tb;"
        echo "  reg clock = 0; reg [$((I - 1)):0] vin; wire [$((O - 1)):0] vout;"
        echo "  reg [$((I - 1)):0] mem [0:$((N - 1))]; integer t;"
        printf '  %s dut(' "$d"
        ports=""
        [ "$L" -gt 0 ] && ports="clock"
        for ((k = 0; k < I; k++)); do ports="$ports${ports:+, }vin[$k]"; done
        for ((k = 0; k < O; k++)); do ports="$ports${ports:+, }vout[$k]"; done
        echo "$ports);"
        echo "  initial begin"
        echo "    \$readmemb(\"$WORK/rand.mem\", mem);"
        echo "    for (t = 0; t < $N; t = t + 1) begin"
        echo "      vin = mem[t]; #1;"
        printf '      $write(" ");'
        for ((k = 0; k < I; k++)); do printf ' $write("%%b", vin[%d]);' $k; done
        printf ' $write(" ");'
        for ((k = 0; k < O; k++)); do printf ' $write("%%b", vout[%d]);' $k; done
        echo ' $write("\n");'
        echo "      clock = 1; #1; clock = 0; #1;"
        echo "    end"
        echo "    \$finish;"
        echo "  end"
        echo "endmodule"
    } > "$WORK/tb_$d.v"
    if ! iverilog -o "$WORK/tb_$d" "$WORK/tb_$d.v" "$WORK/${d}_abc.v" 2> "$WORK/err.txt"; then
        echo "FAIL: iverilog on ABC's netlist of $d"; cat "$WORK/err.txt"; fail=1; continue
    fi
    vvp -n "$WORK/tb_$d" | grep -v '^\$finish\|^VCD' > "$WORK/ivl.txt"
    for f in "$d.aig" "$d.aag"; do
        "$LOOM" sim "$WORK/$f" --stim "$WORK/rand.stim" > "$WORK/loom.txt" 2> "$WORK/err.txt" ||
            { echo "FAIL: loom sim $f"; cat "$WORK/err.txt"; fail=1; continue; }
        # latch column aside (ABC's netlist keeps its registers inside)
        sed 's/^[01]*//' "$WORK/loom.txt" > "$WORK/loom_io.txt"
        [ "$(wc -l < "$WORK/ivl.txt")" -eq $N ] || { echo "FAIL: iverilog gave $(wc -l < "$WORK/ivl.txt") lines"; fail=1; }
        if cmp -s "$WORK/loom_io.txt" "$WORK/ivl.txt"; then checks=$((checks + 1)); else
            echo "FAIL: $f differs from ABC's netlist under iverilog"; diff "$WORK/loom_io.txt" "$WORK/ivl.txt" | head -4; fail=1
        fi
    done
done
echo "$checks comparisons with ABC agree"
exit $fail
