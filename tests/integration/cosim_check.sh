#!/usr/bin/env bash
# cosim_check.sh -- the checker of `loom cosim` itself and its edges:
#  - a fault injected into the RTL's state (--inject) is reported with step,
#    core, neuron name, field and both values, exit 1, and an FST waveform;
#  - AIGER and NIR models co-simulate with zero mismatches;
#  - a net too big for a build is refused naming resource, need and limit;
#  - --limg writes a checksummed image of the expected size.
set -u
fail() { echo "FAIL: $*"; exit 1; }
"$LOOM" gen --seed 5 --neurons 40 --inputs 6 -o "$WORK/net.seir" || fail "gen"

out=$("$LOOM" cosim "$WORK/net.seir" --config c1 --steps 50 --poisson 0.3 --seed 2 \
      --inject 20 --mismatch-fst "$WORK/bad.fst" 2>&1); rc=$?
echo "$out"
[ $rc -eq 1 ] || fail "injected fault: exit $rc, expected 1"
grep -Eq '^mismatch: step 20 core 0 slot [0-9]+ neuron [^ ]+ field v: ref -?[0-9]+ rtl -?[0-9]+$' <<<"$out" ||
    fail "no mismatch line for step 20"
grep -q '^mismatches 1$' <<<"$out" || fail "mismatch count"
[ -s "$WORK/bad.fst" ] || fail "no FST written"
# an FST file starts with a header block of type 0 (FST_BL_HDR)
[ "$(head -c 1 "$WORK/bad.fst" | od -An -tu1 | tr -d ' ')" = 0 ] || fail "not an FST file"

models=("$DATA/aig/epfl/ctrl.aag" "$DATA/aig/seq/s27.aig" "$DATA/nir/braille_nirtorch.nir")
cosimmed=0
for m in "${models[@]}"; do
    [ -f "$m" ] || fail "test data missing: $m"
    out=$("$LOOM" cosim "$m" --steps 100 --poisson 0.4 --seed 3 --quiet 2>&1) || fail "cosim $m: $out"
    grep -q '^mismatches 0$' <<<"$out" || fail "cosim $m: $out"
    grep -q '^steps 100$' <<<"$out" || fail "cosim $m did not run 100 steps: $out"
    echo "ok $(basename "$m"): $(tr '\n' ' ' <<<"$out")"
    cosimmed=$((cosimmed + 1))
done
[ $cosimmed -eq ${#models[@]} ] || fail "co-simulated $cosimmed of ${#models[@]} models"

"$LOOM" gen --seed 9 --neurons 200 --inputs 8 --density 0.3 -o "$WORK/big.seir" || fail "gen big"
out=$("$LOOM" cosim "$WORK/big.seir" --config c1 --steps 5 2>&1); rc=$?
echo "$out"
[ $rc -ne 0 ] || fail "an oversized net was accepted"
grep -Eq 'core 0 needs [0-9,]+ synapse words, 8,192 available \(it needs [0-9]+ cores of this size\)' <<<"$out" ||
    fail "capacity message"
grep -q '^loom cosim: config c1 cannot hold this net: ' <<<"$out" || fail "the refusal does not name the config asked for"
# with no --config every built config is tried: the message says how many
# and which refused first (a CNN with 2,312 input channels fits none)
out=$("$LOOM" cosim "$DATA/nir/cnn_sinabs.nir" --steps 5 2>&1); rc=$?
echo "$out"
[ $rc -eq 2 ] || fail "a net no config holds: exit $rc, expected 2"
grep -Eq '^loom cosim: no built config takes this net \([0-9]+ tried; the first, [a-z0-9]+\): the net needs 2,312 input channels, [0-9,]+ available$' <<<"$out" ||
    fail "refusal by every config"

out=$("$LOOM" cosim "$WORK/net.seir" --config c4 --steps 5 --limg "$WORK/net.limg" --quiet 2>&1) ||
    fail "cosim --limg: $out"
[ "$(head -c 4 "$WORK/net.limg")" = LIMG ] || fail "image magic"
size=$(wc -c < "$WORK/net.limg")
[ "$size" -gt 1000 ] || fail "image of $size bytes"
echo "image: $size bytes"
