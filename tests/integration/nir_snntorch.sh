#!/usr/bin/env bash
# nir_snntorch.sh -- the snnTorch exports of tests/data/export (Leaky
# feed-forward, Synaptic, RLeaky with a recurrent bias; written by
# snnTorch's own NIR exporter) against snnTorch's recorded spikes, without
# torch:
#   * loom's float reference (loom sim --float) on the recorded input must
#     agree with snnTorch in >= 0.99 of the (step, neuron) cells of all 36
#     neurons (it is exact today; the threshold allows for a float64
#     rounding tie);
#   * the net compiled for the icebreaker's generic arch (loom compile --board
#     icebreaker --min-agreement 0, which keeps the generic arch that holds it
#     --report) must report agreement >= the floor below on its own
#     Poisson run, and its spikes on the recorded input must agree with
#     snnTorch's in >= the second floor of all cells.
set -euo pipefail
SRC="$PWD/tests/data/export"
cd "$WORK"
fail() { echo "FAIL: $*"; exit 1; }
STEPS=1000 CELLS=36000
# floors at the icebreaker arch, regression guards below the measured
# figures (docs/nir.md; the 0.99 target is not met for Synaptic and
# RLeaky at W=8 S=16 A=16): --report output agreement (measured 1.000,
# 0.9525, 0.968) and all-cell agreement with snnTorch on the recorded
# input (measured 1.000, 0.9936, 0.9589)
IB_ARCH=$("$LOOM" build --list | awk '$1 == "icebreaker" { print $7, $8, $9, $10 }')
declare -A FLOOR=([leaky_ff]=0.99 [synaptic]=0.94 [rleaky]=0.96)
declare -A FLOOR_REC=([leaky_ff]=0.99 [synaptic]=0.99 [rleaky]=0.95)
agree() { # spikes-a spikes-b -> fraction of agreeing cells
    local d
    d=$(diff <(tail -n +2 "$1" | sort) <(tail -n +2 "$2" | sort) | grep -c '^[<>]' || true)
    awk -v d="$d" -v c="$CELLS" 'BEGIN { printf "%.6f", 1 - d / c }'
}
for k in leaky_ff synaptic rleaky; do
    nir="$SRC/snn_$k.nir" rec="$SRC/snn_$k.spikes.csv"
    [ "$(head -1 "$rec")" = "step,neuron" ] || fail "$rec: header"
    [ "$(wc -l < "$rec")" -gt 100 ] || fail "$rec: too few spikes recorded"
    "$LOOM" sim "$nir" --float --inputs "$SRC/snn_input.csv" --steps $STEPS --out-spikes f_$k.csv --quiet \
        || fail "$k: loom sim --float"
    af=$(agree f_$k.csv "$rec")
    echo "$k: float reference vs snnTorch agreement $af"
    awk -v a="$af" 'BEGIN { exit !(a >= 0.99) }' || fail "$k: float vs snnTorch $af < 0.99"
    "$LOOM" compile "$nir" --board icebreaker --min-agreement 0 -o $k.seir --report > rep_$k.txt || fail "$k: compile"
    [ "$(grep '^arch ' $k.seir)" = "arch $IB_ARCH" ] \
        || fail "$k: not compiled for the icebreaker's arch ($IB_ARCH): $(grep '^arch' $k.seir)"
    grep -q '^layer .* lost-weights [0-9.]* lost-biases [0-9.]*$' rep_$k.txt || fail "$k: report layer lines"
    ar=$(sed -n 's/^agreement //p' rep_$k.txt)
    echo "$k: quantised (icebreaker) report agreement $ar"
    awk -v a="$ar" -v f="${FLOOR[$k]}" 'BEGIN { exit !(a >= f) }' || fail "$k: report agreement $ar < ${FLOOR[$k]}"
    "$LOOM" sim $k.seir --inputs "$SRC/snn_input.csv" --steps $STEPS --out-spikes q_$k.csv --quiet \
        || fail "$k: loom sim quantised"
    aq=$(agree q_$k.csv "$rec")
    echo "$k: quantised (icebreaker) vs snnTorch agreement $aq"
    awk -v a="$aq" -v f="${FLOOR_REC[$k]}" 'BEGIN { exit !(a >= f) }' \
        || fail "$k: quantised vs snnTorch $aq < ${FLOOR_REC[$k]}"
done
echo "nir_snntorch: ok"
