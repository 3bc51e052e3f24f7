#!/usr/bin/env bash
# The NIR front-end through the loom binary: every sample graph compiles to
# SEIR that parses back byte-identically; `sim --float` and `sim` agree on
# the single LIF (float and quantised spikes are the same there); `info`
# counts the CNN; `compile --report` ends with the agreement line and names
# an arch that reaches 0.99 on the Braille net (checked by a second run); a broken
# file fails with one readable line and a non-zero exit.
set -u
fail() { echo "FAIL: $*"; exit 1; }
cd "$WORK"
N="$DATA/nir"
[ -f "$N/braille_nirtorch.nir" ] || { echo "no NIR sample data in $N"; exit 77; }

for f in lif_norse braille_nirtorch all_primitives_gzip cnn_sinabs; do
    "$LOOM" compile "$N/$f.nir" -o "$f.seir" || fail "compile $f"
    "$LOOM" compile "$f.seir" -o "$f.2.seir" || fail "recompile $f.seir"
    cmp -s "$f.seir" "$f.2.seir" || fail "$f: SEIR does not round-trip"
done
grep -q '^input input_ spike$' lif_norse.seir || fail "lif_norse: one input channel"
grep -q '^neuron lif1_lif\[38\] p_lif1_lif$' braille_nirtorch.seir || fail "braille: lif1.lif one group of one profile"
grep -q '^bias lif1_lif -1604 427 484 ' braille_nirtorch.seir || fail "braille: lif1.lif per-neuron biases"
# the recurrent back edge has delay 1, the rest 0
grep -q '^dense input_ lif1_lif d=0$' braille_nirtorch.seir || fail "braille: fc1 not written as a dense block"
grep -q '^dense lif1_lif lif1_lif d=1$' braille_nirtorch.seir || fail "braille: the recurrence is not delayed one step"

# float and quantised runs of the single LIF: identical spike trains
"$LOOM" sim "$N/lif_norse.nir" --steps 400 --poisson 0.2 --seed 5 --float --out-spikes f.csv --quiet || fail "sim --float"
"$LOOM" sim "$N/lif_norse.nir" --steps 400 --poisson 0.2 --seed 5 --out-spikes q.csv --quiet || fail "sim"
[ "$(wc -l < f.csv)" -gt 5 ] || fail "lif_norse: too few float spikes"
cmp -s f.csv q.csv || fail "lif_norse: float and quantised spikes differ"

# braille: float reference runs and numbers neurons as the SEIR does (45)
"$LOOM" sim "$N/braille_nirtorch.nir" --steps 200 --poisson 0.1 --float --out-spikes bf.csv --quiet || fail "braille float"
awk -F, 'NR > 1 && ($2 < 0 || $2 >= 45) { bad = 1 } END { exit bad }' bf.csv || fail "braille: neuron index out of range"

"$LOOM" info "$N/cnn_sinabs.nir" > info.txt || fail "info cnn"
grep -q '^neurons     8970 ' info.txt || { cat info.txt; fail "cnn: 8970 neurons"; }
grep -q '^inputs      2312 channels' info.txt || fail "cnn: 2312 input channels"

"$LOOM" compile "$N/braille_nirtorch.nir" -o b.seir --report --steps 300 > report.txt || fail "report"
cat report.txt
tail -n 1 report.txt | grep -Eq '^agreement (0\.[0-9]+|1\.0+)$' || fail "report does not end with 'agreement <fraction>'"
grep -q '^layer lif1_lif CubaLIF neurons 38 ' report.txt || fail "report: layer line"
awk '/^agreement/ { exit !($2 > 0.8) }' report.txt || fail "report: agreement below 0.8"

# below 0.99 the report names the smallest tried arch that reaches it; a
# second report with that arch must then reach 0.99 on the same inputs
"$LOOM" compile "$N/braille_nirtorch.nir" -o b.seir --report --steps 1000 --seed 1 > r1.txt || fail "report 1000"
if awk '/^agreement/ { exit !($2 >= 0.99) }' r1.txt; then
    arch=$(sed -n 's/^arch-needed \(W=[0-9]*,S=[0-9]*,A=[0-9]*\) (this arch reaches 0.99)$/\1/p' r1.txt)
else
    arch=$(sed -n 's/^arch-needed \(W=[0-9]*,S=[0-9]*,A=[0-9]*\) agreement .*/\1/p' r1.txt)
fi
[ -n "$arch" ] || { cat r1.txt; fail "report: no (consistent) arch-needed line"; }
"$LOOM" compile "$N/braille_nirtorch.nir" -o b2.seir --report --steps 1000 --seed 1 --arch "$arch" > r2.txt || fail "report --arch $arch"
awk '/^agreement/ { exit !($2 >= 0.99) }' r2.txt || { cat r2.txt; fail "braille --arch $arch: below 0.99"; }
grep -q "^arch-needed $arch (this arch reaches 0.99)" r2.txt || { cat r2.txt; fail "report with $arch: arch-needed line"; }

echo "not an HDF5 file" > bad.nir
if "$LOOM" compile bad.nir -o bad.seir 2> err.txt; then fail "bad.nir accepted"; fi
grep -q 'not an HDF5 file' err.txt || { cat err.txt; fail "bad.nir message"; }
echo "nir_cli: ok"
