#!/usr/bin/env bash
# --plot draws a PNG through gnuplot (skipped without gnuplot).
set -u
fail() { echo "FAIL: $*"; exit 1; }
cd "$WORK"
command -v gnuplot >/dev/null || { echo "gnuplot not installed"; exit 77; }
"$LOOM" gen --seed 2 --neurons 40 --inputs 5 -o net.seir || fail gen
"$LOOM" sim net.seir --steps 300 --poisson 0.1 --seed 4 --plot r.png --out-v v.csv --quiet || fail "plot"
[ "$(head -c 8 r.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "not a PNG"
[ "$(stat -c %s r.png)" -gt 5000 ] || fail "PNG too small"
# a net without v outputs and without spikes still plots (an empty raster)
printf 'seir 1\narch W=8 S=16 A=24 D=15\nprofile p a_syn=0 a_mem=0 theta=5 v_reset=0 reset=zero shift=0 bias=0\nneuron n[3] p\n' > quiet.seir
"$LOOM" sim quiet.seir --steps 10 --plot q.png --quiet || fail "empty raster"
[ -s q.png ] || fail "no PNG for an empty raster"
echo ok
