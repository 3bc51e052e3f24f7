#!/usr/bin/env bash
# nir_cluster.sh -- per-neuron tau and threshold without a profile each
# (issue 16, compiler/nir_cluster.c): tests/data/perneuron/perneuron_lif.nir
# has a LIF layer of 45 neurons with 45 distinct (tau, threshold) pairs.
#   * compiled exactly (no board) it needs 46 profiles;
#   * for the icebreaker (16 profiles) the report says the layer's values
#     were clustered, the net has at most 16 profiles, the agreement with
#     the float reference stays above the floor (measured 0.995 output,
#     0.995 hidden cells, seed 1; thresholds are equalised by per-neuron
#     scaling, the time constants clustered), and `loom build --boot-only`
#     is not refused for profiles any more.
set -euo pipefail
SRC="$PWD/tests/data/perneuron"
cd "$WORK"
fail() { echo "FAIL: $*"; exit 1; }
M="$SRC/perneuron_lif.nir"
IB_ARCH=$("$LOOM" build --list | awk '$1 == "icebreaker" { print $7 "," $8 "," $9 "," $10 }' | tr -d ' ')
"$LOOM" compile "$M" --arch "$IB_ARCH" -o exact.seir --quiet || fail "compile exact"
ne=$(grep -c '^profile' exact.seir)
[ "$ne" -eq 46 ] || fail "expected 46 profiles without a board, got $ne"
"$LOOM" compile "$M" --board icebreaker -o ib.seir --report > rep.txt || fail "compile --board icebreaker"
np=$(grep -c '^profile' ib.seir)
[ "$np" -le 16 ] || fail "$np profiles for a 16-profile board"
line=$(grep '^profiles lif1: 45 values clustered into ' rep.txt) || fail "no clustering line: $(cat rep.txt)"
echo "$line"
a=$(sed -n 's/^agreement //p' rep.txt)
h=$(echo "$line" | sed 's/.*agreement //')
echo "icebreaker: $np profiles, output agreement $a, clustered layer agreement $h"
awk -v a="$a" -v h="$h" 'BEGIN { exit !(a >= 0.985 && h >= 0.985) }' || fail "agreement $a / $h below the floor"
if ! "$LOOM" build --board icebreaker --boot-only "$M" -o bo > build.txt 2>&1; then
    if grep -q 'profiles' build.txt; then fail "build still refuses the profiles: $(cat build.txt)"; fi
fi
echo "nir_cluster: ok"
