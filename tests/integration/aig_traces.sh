#!/usr/bin/env bash
# aig_traces.sh -- every aigsim reference trace in $DATA/aig reproduced by
# `loom sim CIRCUIT --stim STIM`: the first three columns (latches, inputs,
# outputs) of every vector line, byte for byte.  Combinational circuits run
# in both modes, --pipeline also with small max delays (buffer chains);
# the sequential s27 runs cycle by cycle and is refused by --pipeline.
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
for trace in "$A"/epfl/*.aigsim.trace; do
    base=${trace%.aigsim.trace}; name=$(basename "$base")
    for circ in "$base.aig" "$base.aag"; do
        [ -f "$circ" ] || continue
        check "$name comb" "$trace" "$circ" --stim "$base.stim"
        check "$name pipeline" "$trace" "$circ" --stim "$base.stim" --pipeline
        check "$name pipeline D=1" "$trace" "$circ" --stim "$base.stim" --pipeline --arch W=8,S=16,A=24,D=1
        check "$name pipeline D=4" "$trace" "$circ" --stim "$base.stim" --pipeline --arch W=2,S=4,A=8,D=4
    done
done
for circ in "$A"/seq/s27.aig "$A"/seq/s27.aag; do
    check "s27 $(basename "$circ")" "$A/seq/s27.aigsim.trace" "$circ" --stim "$A/seq/s27.stim"
    check "s27 W=2 D=1" "$A/seq/s27.aigsim.trace" "$circ" --stim "$A/seq/s27.stim" --arch W=2,S=4,A=4,D=1
done
# a sequential circuit under --pipeline: refused, saying why
if "$LOOM" sim "$A/seq/s27.aig" --stim "$A/seq/s27.stim" --pipeline > "$WORK/out.txt" 2> "$WORK/err.txt"; then
    echo "FAIL: --pipeline accepted a sequential circuit"; fail=1
elif ! grep -q "combinational circuits only" "$WORK/err.txt"; then
    echo "FAIL: unclear refusal:"; cat "$WORK/err.txt"; fail=1
fi
echo "$n traces reproduced"
exit $fail
