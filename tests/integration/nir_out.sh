#!/usr/bin/env bash
# nir_out.sh -- NIR out (`loom compile X --emit-nir out.nir`, docs/nir.md):
#   * round trip: `loom sim out.nir` equals `loom sim X` bit for bit (every
#     spike and every v value) for generated nets over several arches
#     (saturation, decays 0 and 4096, shifts -16..15, every reset, graded
#     channels, initial state and ring contents, delays to 63), the
#     snnTorch exports of tests/data/export, the shared NIR files that are
#     small, an AIGER circuit with latches and a Verilog design;
#   * NIR's own reader (nir.read of the vendored package tests/third_party/nirpy,
#     type checking on) loads every out.nir, and for the AIGER circuits an
#     independent float simulation of the graph as NIR defines it (forward
#     Euler, nir_out_check.py, no Loom code) gives exactly loom's spikes;
#   * an edited file (a weight made fractional) is refused naming the node.
set -euo pipefail
SRC="$PWD"
cd "$WORK"
fail() { echo "FAIL: $*"; exit 1; }
PY=/usr/bin/python3
CHECK="$SRC/tests/integration/nir_out_check.py"
if ! $PY -c 'import numpy, h5py' 2>/dev/null; then
    echo "skip: python3-numpy / python3-h5py are not installed (make deps)"; exit 77
fi
nirpy() { PYTHONPATH="$SRC/tests/third_party/nirpy" $PY "$CHECK" "$@"; }
n=0
same() { # model args... : compile --emit-nir, sim both, compare spikes and v
    local m=$1; shift
    "$LOOM" compile "$m" -o x.seir --emit-nir x.nir --quiet "$@" || fail "$m: compile --emit-nir"
    "$LOOM" sim x.seir --steps 300 --poisson 0.2 --seed 5 --out-spikes a.csv --out-v av.csv --quiet \
        || fail "$m: sim seir"
    "$LOOM" sim x.nir --steps 300 --poisson 0.2 --seed 5 --out-spikes b.csv --out-v bv.csv --quiet \
        || fail "$m: sim out.nir"
    cmp -s a.csv b.csv || fail "$m $*: spikes differ after the NIR round trip"
    cmp -s av.csv bv.csv || fail "$m $*: v differs after the NIR round trip"
    [ "$(wc -l < a.csv)" -gt 1 ] || [ "${ALLOW_SILENT:-0}" = 1 ] || fail "$m: no spikes at all (a test that cannot fail)"
    nirpy x.nir load > load.txt || fail "$m: NIR's reader refused out.nir: $(cat load.txt)"
    n=$((n + 1))
}
for s in 1 2; do
    "$LOOM" gen --seed $s -o g$s.seir
    same g$s.seir
    "$LOOM" gen --seed $s --arch W=12,S=24,A=32,D=31 --levels 20 -o w$s.seir
    same w$s.seir
    "$LOOM" gen --seed $s --arch W=4,S=8,A=16,D=63 --max-delay 63 -o d$s.seir
    same d$s.seir
done
echo "generated nets: $n round trips exact"
for f in "$SRC"/tests/data/export/snn_*.nir; do same "$f"; done
for f in lif_norse braille_nirtorch; do
    [ -f "$DATA/nir/$f.nir" ] && same "$DATA/nir/$f.nir"
done
# AIGER: the machine is integer-exact in NIR's float semantics too
# (decays 0, shift 0): NIR's reader + a float simulation from the NIR
# definitions reproduce loom's spikes exactly
for f in adder counter; do
    same "$SRC/examples/aig/$f.aag"
    nin=$("$LOOM" info x.seir | awk '/^inputs/ { print $2 }')
    $PY -c "
import random
random.seed(7)
print('step,channel,value')
for t in range(300):
    for c in range($nin):
        if random.random() < 0.4: print(f'{t},{c},1')" > in.csv
    "$LOOM" sim x.nir --inputs in.csv --steps 300 --out-spikes l.csv --quiet || fail "$f: sim"
    nirpy x.nir sim in.csv 300 p.csv || fail "$f: NIR float simulation"
    cmp -s <(sort l.csv) <(sort p.csv) || fail "$f: NIR's float semantics of out.nir differ from loom's spikes"
    echo "$f.aag: NIR float semantics == machine, $(($(wc -l < l.csv) - 1)) spikes"
done
if command -v yosys > /dev/null; then same "$SRC/examples/aig/counter.v"; fi
echo "round trips: $n exact"
# an edited file is no machine any more: refused naming the node
"$LOOM" compile "$SRC/examples/aig/adder.aag" -o /dev/null --emit-nir e.nir
$PY - e.nir <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    nodes = f["node/nodes"]
    k = next(k for k in nodes if nodes[k]["type"][()] == b"Linear" and nodes[k]["weight"][()].any())
    w = nodes[k]["weight"][()]
    w[w != 0] = 0.5
    del nodes[k]["weight"]
    nodes[k].create_dataset("weight", data=w)
PY
if "$LOOM" sim e.nir --steps 5 --quiet 2> err.txt; then fail "an edited (fractional) weight was accepted"; fi
grep -q "node '.*': weight \[.*\] = 0.5 is not an integer" err.txt || fail "edit refusal: $(cat err.txt)"
echo "nir_out: ok"
