#!/bin/sh
# tests/bench/45-build-fail.sh -- how long `loom build` takes to refuse a
# model that cannot be built: a missing file, and the NIR paper's Sinabs CNN
# (8,970 neurons) on the icebreaker.  Both are answered before any tool runs
# (wall seconds, the slower of the two).
set -e
BUILD=${BUILD:-build}
LOOM=${LOOM:-$BUILD/bin/loom}
DATA=${LOOM_DATA:-../shared/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t0=$(date +%s.%N)
"$LOOM" build --board icebreaker "$tmp/nosuch.seir" -o "$tmp/b1" 2>/dev/null && exit 1
"$LOOM" build --board icebreaker "$DATA/nir/cnn_sinabs.nir" -o "$tmp/b2" 2>/dev/null && exit 1
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "bench build.icebreaker.fail_fast_s %.3f s\n", b - a }'
