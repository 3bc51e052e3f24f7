#!/bin/sh
# tests/bench/30-nir.sh -- the NIR front-end on the N-MNIST CNN
# (../shared/data/nir/cnn_sinabs.nir, 8970 neurons, 1.3 M synapses):
# compile time, and 200 steps of Poisson input (rate 0.1) in the float
# reference and in the quantised net on hls_ref (each including the
# compile); then `nir.<file>.agreement` per NIR file at the icebreaker's
# arch (below).  Prints `bench <name> <value> <unit>` lines.
set -e
BUILD=${BUILD:-build}
LOOM=${LOOM:-$BUILD/bin/loom}
DATA=${DATA:-${LOOM_DATA:-../shared/data}}
CNN="$DATA/nir/cnn_sinabs.nir"
[ -f "$CNN" ] || { echo "nir bench: $CNN missing (test data, see LOOM_DATA)" >&2; exit 1; }
now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
t0=$(now); "$LOOM" compile "$CNN" -o /dev/null; t1=$(now)
echo "bench nir_cnn_compile $(dt "$t0" "$t1") s"
t0=$(now); "$LOOM" sim "$CNN" --steps 200 --poisson 0.1 --float --quiet; t1=$(now)
echo "bench nir_cnn_float_200_steps $(dt "$t0" "$t1") s"
t0=$(now); "$LOOM" sim "$CNN" --steps 200 --poisson 0.1 --quiet; t1=$(now)
echo "bench nir_cnn_quantised_200_steps $(dt "$t0" "$t1") s"
# Quantised-vs-float output agreement (loom compile --report: 1000 steps of
# Poisson input, rate 0.1, seed 1) at the icebreaker's arch, for every
# shared NIR file and the snnTorch exports of tests/data/export.
# A net too big for the board (cnn_sinabs) is measured at the board's
# widths (W S A D of `loom build --list`) without its capacity, and says so.
ib_arch=$("$LOOM" build --list | awk '$1 == "icebreaker" { for (i = 1; i <= NF; i++) if ($i ~ /^[WSAD]=/) a = a (a ? "," : "") $i; print a }')
for f in "$DATA"/nir/*.nir tests/data/export/*.nir; do
    [ -f "$f" ] || continue
    a=$("$LOOM" compile "$f" --board icebreaker -o /dev/null --report --quiet 2>/dev/null | sed -n 's/^agreement \([0-9.]*\).*/\1/p' | tail -n 1) || a=
    if [ -z "$a" ]; then
        echo "note nir.$(basename "$f" .nir).agreement: too big for the icebreaker, measured at its widths $ib_arch"
        a=$("$LOOM" compile "$f" --arch "$ib_arch" -o /dev/null --report --quiet | sed -n 's/^agreement \([0-9.]*\).*/\1/p' | tail -n 1)
    fi
    echo "bench nir.$(basename "$f" .nir).agreement ${a:-error} fraction"
done
