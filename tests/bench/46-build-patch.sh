#!/bin/sh
# tests/bench/46-build-patch.sh -- how long `loom build --patch` takes to
# put new weights into an existing icebreaker build: Braille (45 neurons,
# 4,201 synapses, a 23 KB flash image) into a copy of the generic build
# $BUILD/boards/icebreaker (made, or found cached, as 40-board.sh does).
# No tool runs: the model is compiled, mapped and written as DIR/flash.bin
# (wall seconds).
set -e
BUILD=${BUILD:-build}
LOOM=${LOOM:-$BUILD/bin/loom}
DATA=${LOOM_DATA:-../shared/data}
dir="$BUILD/boards/icebreaker"
"$LOOM" build --board icebreaker -o "$dir" --quiet >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in generic.asc loom.asc loom.bin boot_placeholder.hex boot.hex report.json arch.json \
         nextpnr-report.json yosys-stat.json inputs.hash; do
    [ -f "$dir/$f" ] && cp "$dir/$f" "$tmp/"
done
t0=$(date +%s.%N)
"$LOOM" build --board icebreaker --patch "$DATA/nir/braille_nirtorch.nir" -o "$tmp" --quiet
t1=$(date +%s.%N)
[ -s "$tmp/flash.bin" ] || exit 1
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "bench build.icebreaker.patch_s %.3f s\n", b - a }'
