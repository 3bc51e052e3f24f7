#!/usr/bin/env bash
# aig_small.sh -- the small AIGER examples ($DATA/aig/small) compile and
# behave as their truth tables say.  The expected lines below were worked
# out by hand from each circuit's definition (aigsim format: latches,
# inputs, outputs), not produced by Loom.  Also: warnings for AIGER 1.9
# property sections, `loom compile` to SEIR, and readable errors for a
# malformed file and a malformed stimulus.
set -u
S="$DATA/aig/small"
[ -d "$S" ] || { echo "no AIGER data in $S"; exit 77; }
fail=0 n=0
run() { # circuit, stimulus lines (\n-separated), expected lines, [extra args]
    local c=$1 stim=$2 want=$3; shift 3
    printf '%b' "$stim" > "$WORK/s.stim"
    printf '%b' "$want" > "$WORK/want.txt"
    if ! "$LOOM" sim "$S/$c.aag" --stim "$WORK/s.stim" "$@" > "$WORK/got.txt" 2> "$WORK/err.txt"; then
        echo "FAIL $c $*: error"; cat "$WORK/err.txt"; fail=1; return
    fi
    if ! cmp -s "$WORK/got.txt" "$WORK/want.txt"; then
        echo "FAIL $c $*:"; diff "$WORK/got.txt" "$WORK/want.txt"; fail=1; return
    fi
    n=$((n + 1))
}
v2='00\n01\n10\n11\n'
for mode in "" --pipeline; do
    run and "$v2" ' 00 0\n 01 0\n 10 0\n 11 1\n' $mode
    run or "$v2" ' 00 0\n 01 1\n 10 1\n 11 1\n' $mode
    run halfadder "$v2" ' 00 00\n 01 10\n 10 10\n 11 01\n' $mode      # outputs sum, carry
    run xor1 "$v2" ' 00 0\n 01 1\n 10 1\n 11 0\n' $mode
    run xorxormiter "$v2" ' 00 0\n 01 0\n 10 0\n 11 0\n' $mode        # two equal XORs: miter 0
    run buffer '0\n1\n.\n' ' 0 0\n 1 1\n' $mode
    run inverter '0\n1\n' ' 0 1\n 1 0\n' $mode
    run true '\n\n' '  1\n  1\n' $mode
    run false '\n\n' '  0\n  0\n' $mode
    run empty '\n' '  \n' $mode
done
# sequential: one clock cycle per step; latch column = value before the edge
run toggle '\n\n\n\n' '0  01\n1  10\n0  01\n1  10\n'          # Q <- !Q, outputs Q, !Q
run cnt1 '\n\n\n' '0  \n1  \n0  \n'                           # no outputs, bad-state only
run notcnt1 '\n\n\n' '0  \n1  \n0  \n'
run cnt1e '1\n1\n1\n0\n1\n' '0 1 \n1 1 \n0 1 \n1 0 \n1 1 \n'   # l <- l xor enable
run notcnt1e '1\n1\n1\n0\n1\n' '0 1 \n1 1 \n0 1 \n1 0 \n1 1 \n'
# toggle-re: Q <- reset_n & (enable xor Q); outputs Q, !Q
run toggle-re '11\n11\n01\n11\n10\n11\n' '0 11 01\n1 11 10\n0 01 01\n0 11 01\n1 10 10\n0 11 01\n'

# every example compiles to valid SEIR in both modes (sequential: comb only)
for c in "$S"/*.aag; do
    "$LOOM" compile "$c" -o "$WORK/x.seir" --quiet || { echo "FAIL compile $c"; fail=1; }
    "$LOOM" compile "$WORK/x.seir" -o "$WORK/y.seir" || { echo "FAIL re-reading SEIR of $c"; fail=1; }
    if ! grep -q '^aag [0-9]* [0-9]* [1-9]' "$c"; then
        "$LOOM" compile "$c" --pipeline -o "$WORK/x.seir" --quiet || { echo "FAIL --pipeline $c"; fail=1; }
    fi
done
# AIGER 1.9 sections: read, reported as ignored
"$LOOM" compile "$S/cnt1e.aag" -o "$WORK/x.seir" 2> "$WORK/err.txt"
grep -q "1 bad-state.*ignored for mapping" "$WORK/err.txt" || { echo "FAIL: no warning for B"; cat "$WORK/err.txt"; fail=1; }
# an uninitialised latch: warning, starts at 0
printf 'aag 1 0 1 1 0\n2 3 2\n2\n' > "$WORK/u.aag"
printf '\n\n\n' > "$WORK/u.stim"
"$LOOM" sim "$WORK/u.aag" --stim "$WORK/u.stim" > "$WORK/got.txt" 2> "$WORK/err.txt"
printf '0  0\n1  1\n0  0\n' | cmp -s - "$WORK/got.txt" || { echo "FAIL uninitialised latch"; fail=1; }
grep -q "uninitialised" "$WORK/err.txt" || { echo "FAIL: no warning for uninitialised latch"; fail=1; }
# malformed inputs: errors say where
printf 'aag 4 2 0 1 1\n2\n4\n6\n6 2 8\n' > "$WORK/bad.aag"
if "$LOOM" compile "$WORK/bad.aag" -o "$WORK/x.seir" 2> "$WORK/err.txt"; then echo "FAIL: bad.aag accepted"; fail=1; fi
grep -q "bad.aag:5:1:.*variable 4 is not defined" "$WORK/err.txt" || { echo "FAIL: unclear error:"; cat "$WORK/err.txt"; fail=1; }
printf '01\n0\n' > "$WORK/bad.stim"
if "$LOOM" sim "$S/and.aag" --stim "$WORK/bad.stim" > /dev/null 2> "$WORK/err.txt"; then echo "FAIL: bad.stim accepted"; fail=1; fi
grep -q "bad.stim:2:.*exactly 2 characters" "$WORK/err.txt" || { echo "FAIL: unclear stim error:"; cat "$WORK/err.txt"; fail=1; }
echo "$n truth tables checked"
exit $fail
