#!/bin/sh
# tests/bench/40-board.sh -- the icebreaker and icestick bitstreams (yosys
# -> nextpnr -> icepack through `loom build`, cached in $BUILD/boards/B when
# the design is unchanged): utilisation, Fmax against the 24 MHz board
# clock, and the capacity of the arch config, from the build's report.json.
# (The icestick runs the array as firmware on loom_rv: docs/icestick.md.)
set -e
BUILD=${BUILD:-build}
LOOM=${LOOM:-$BUILD/bin/loom}
command -v nextpnr-ice40 >/dev/null || { echo "bench board_skipped 1 no-nextpnr"; exit 0; }
for b in icebreaker icestick; do
    dir="$BUILD/boards/$b"
    "$LOOM" build --board "$b" -o "$dir" --quiet >/dev/null
    num() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p" "$dir/report.json" | head -n 1; }
    echo "bench board.$b.luts_used $(num luts_used) logic-cells"
    echo "bench board.$b.luts_total $(num luts_total) logic-cells"
    echo "bench board.$b.bram_used $(num bram_used) blocks"
    echo "bench board.$b.spram_used $(num spram_used) blocks"
    echo "bench board.$b.dsp_used $(num dsp_used) blocks"
    echo "bench board.$b.fmax_mhz $(num fmax_mhz) MHz"
    echo "bench board.$b.clock_mhz $(num clock_mhz) MHz"
    echo "bench board.$b.neurons $(num neurons) neurons"
    echo "bench board.$b.synapses $(num synapses) synapses"
done
