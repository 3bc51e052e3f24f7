#!/usr/bin/env bash
# aig_traces.sh -- every aigsim reference trace in $DATA/aig reproduced by
# `loom sim CIRCUIT --stim STIM`: the first three columns (latches, inputs,
# outputs) of every vector line, byte for byte.  Combinational circuits run
# in both modes, --pipeline also with small max delays (buffer chains);
# the sequential s27 runs cycle by cycle and is refused by --pipeline.
# Also: the SEIR text that `loom compile` prints simulates identically.
set -u
A="$DATA/aig"
[ -d "$A" ] || { echo "no AIGER data in $A"; exit 77; }
fail=0 n=0
check() { # label, expected-trace, loom args...
    local label=$1 ref=$2; shift 2
    grep -v '^Trace is a witness' "$ref" | cut -d' ' -f1-3 > "$WORK/ref.txt"
    if ! "$LOOM" sim "$@" > "$WORK/out.txt" 2> "$WORK/err.txt"; then
        echo "FAIL $label: loom exited with an error:"; cat "$WORK/err.txt"; fail=1; return
    fi
    if ! cmp -s "$WORK/out.txt" "$WORK/ref.txt"; then
        echo "FAIL $label: trace differs"; diff "$WORK/out.txt" "$WORK/ref.txt" | head -5; fail=1; return
    fi
    [ -s "$WORK/ref.txt" ] || { echo "FAIL $label: empty reference"; fail=1; return; }
    n=$((n + 1))
}
want=0 traces=0
for trace in "$A"/epfl/*.aigsim.trace; do
    [ -f "$trace" ] || continue
    base=${trace%.aigsim.trace}; name=$(basename "$base")
    traces=$((traces + 1))
    [ -f "$base.aig" ] || [ -f "$base.aag" ] || { echo "FAIL $name: a trace without its circuit"; fail=1; }
    for circ in "$base.aig" "$base.aag"; do
        [ -f "$circ" ] || continue
        want=$((want + 4))
        check "$name comb" "$trace" "$circ" --stim "$base.stim"
        check "$name pipeline" "$trace" "$circ" --stim "$base.stim" --pipeline
        check "$name pipeline D=1" "$trace" "$circ" --stim "$base.stim" --pipeline --arch W=8,S=16,A=24,D=1
        check "$name pipeline D=4" "$trace" "$circ" --stim "$base.stim" --pipeline --arch W=2,S=4,A=8,D=4
    done
done
[ $traces -ge 4 ] || { echo "FAIL: $traces EPFL traces in $A/epfl, expected at least 4"; fail=1; }
for circ in "$A"/seq/s27.aig "$A"/seq/s27.aag; do
    want=$((want + 2))
    check "s27 $(basename "$circ")" "$A/seq/s27.aigsim.trace" "$circ" --stim "$A/seq/s27.stim"
    check "s27 W=2 D=1" "$A/seq/s27.aigsim.trace" "$circ" --stim "$A/seq/s27.stim" --arch W=2,S=4,A=4,D=1
done
# a sequential circuit under --pipeline: refused, saying why
if "$LOOM" sim "$A/seq/s27.aig" --stim "$A/seq/s27.stim" --pipeline > "$WORK/out.txt" 2> "$WORK/err.txt"; then
    echo "FAIL: --pipeline accepted a sequential circuit"; fail=1
elif ! grep -q "combinational circuits only" "$WORK/err.txt"; then
    echo "FAIL: unclear refusal:"; cat "$WORK/err.txt"; fail=1
fi
# the printed SEIR is the same network: every spike of every neuron agrees
# between the circuit compiled on the fly and its SEIR text, on the vectors
# of the stimulus file (as CSV input events)
for base in "$A"/epfl/ctrl "$A"/epfl/router "$A"/seq/s27; do
    awk 'BEGIN { print "step,channel,value" } $0 != "." { for (k = 1; k <= length($0); k++) if (substr($0, k, 1) == "1") print NR - 1 "," k - 1 ",1" }' \
        "$base.stim" > "$WORK/in.csv"
    steps=$(grep -cv '^\.$' "$base.stim")
    modes=("" --pipeline); [[ $base == */s27 ]] && modes=("")
    for mode in "${modes[@]}"; do
        want=$((want + 1))
        "$LOOM" compile "$base.aig" $mode -o "$WORK/c.seir" --quiet &&
        "$LOOM" sim "$base.aig" $mode --inputs "$WORK/in.csv" --steps $((steps + 60)) --out-spikes "$WORK/a.csv" --quiet &&
        "$LOOM" sim "$WORK/c.seir" --inputs "$WORK/in.csv" --steps $((steps + 60)) --out-spikes "$WORK/b.csv" --quiet ||
            { echo "FAIL: SEIR round trip of $base $mode did not run"; fail=1; continue; }
        if cmp -s "$WORK/a.csv" "$WORK/b.csv" && [ "$(wc -l < "$WORK/a.csv")" -gt 100 ]; then n=$((n + 1)); else
            echo "FAIL: $base $mode: spikes of the SEIR text differ from the circuit's"; fail=1
        fi
    done
done
echo "$n of $want traces and SEIR round trips reproduced"
[ $n -eq $want ] || { echo "FAIL: $n of $want cases passed"; fail=1; }
exit $fail
