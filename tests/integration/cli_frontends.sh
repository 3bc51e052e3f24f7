#!/usr/bin/env bash
# The CLI paths into the front-ends: loom sim --stim (AIGER, aigsim lines),
# loom sim --float (NIR float reference) with the same output files as the
# integer run, loom info / compile --report on every kind.
set -u
fail() { echo "FAIL: $*"; exit 1; }
cd "$WORK"
[ -f "$DATA/aig/seq/s27.aag" ] && [ -f "$DATA/nir/lif_norse.nir" ] || { echo "no test data in $DATA"; exit 77; }
S27=$DATA/aig/seq/s27
"$LOOM" sim "$S27.aag" --stim "$S27.stim" > s27.out || fail "sim --stim"
# trace lines are 'latches inputs outputs x': the fourth column is an aigsim quirk
grep -v '^Trace' "$S27.aigsim.trace" | cut -d' ' -f1-3 > want.txt
cmp s27.out want.txt || fail "s27 --stim lines differ from aigsim"
"$LOOM" info "$S27.aag" | grep -q '(AIGER)$' || fail "info kind AIGER"
"$LOOM" compile "$DATA/aig/small/and.aag" -o and.seir --report > rep.txt || fail "compile --report aag"
[ -s rep.txt ] || fail "empty AIGER report"
# and.aag: one AND gate of inputs 0 and 1; drive all four vectors
printf '0,0,1\n1,1,1\n2,0,1\n2,1,1\n' > v.csv
"$LOOM" sim "$DATA/aig/small/and.aag" --steps 4 --inputs v.csv --out-spikes s.csv --outputs-only --quiet || fail "sim aag"
printf 'step,neuron\n2,0\n' > want.csv
cmp s.csv want.csv || { cat s.csv; fail "AND gate fires only at step 2"; }

N=$DATA/nir/lif_norse.nir
"$LOOM" info "$N" | grep -q '(NIR)$' || fail "info kind NIR"
"$LOOM" sim "$N" --steps 100 --poisson 0.3 --seed 2 --float --out-spikes f.csv --quiet || fail "sim --float"
"$LOOM" sim "$N" --steps 100 --poisson 0.3 --seed 2 --out-spikes q.csv --quiet || fail "sim quantised"
[ "$(head -1 f.csv)" = step,neuron ] || fail "float spike header"
[ "$(wc -l < f.csv)" -gt 1 ] || fail "the float LIF never spiked"
# one neuron, same inputs: the float and integer spike counts are close
python3 - f.csv q.csv <<'PY' || fail "float and quantised runs disagree badly"
import sys
f = sum(1 for _ in open(sys.argv[1])) - 1
q = sum(1 for _ in open(sys.argv[2])) - 1
assert abs(f - q) <= max(2, 0.2 * f), (f, q)
PY
"$LOOM" compile "$N" --report -o n.seir > rep.txt || fail "compile --report nir"
tail -1 rep.txt | grep -q '^agreement [0-9.]*$' || fail "NIR report ends with agreement"
"$LOOM" sim "$N" --steps 5 --float --trace-all t.csv 2> err.txt && fail "--float --trace-all accepted"
grep -q 'not available with --float' err.txt || fail "--float --trace-all message"
echo ok
