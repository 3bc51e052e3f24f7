#!/bin/sh
# tests/bench/40-board.sh -- the icebreaker and icestick bitstreams (yosys
# -> nextpnr -> icepack through `loom build`, cached in $BUILD/boards/B when
# the design is unchanged): utilisation, Fmax against the board
# clock, and the capacity of the arch config, from the build's report.json.
# (The icestick runs the array as firmware on loom_rv: docs/icestick.md.)
set -e
BUILD=${BUILD:-build}
LOOM=${LOOM:-$BUILD/bin/loom}
command -v nextpnr-ice40 >/dev/null || { echo "board bench: nextpnr-ice40 missing (make deps)" >&2; exit 1; }
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

# the icestick's firmware: clock cycles per step on its virtual board (the
# same RTL and firmware image) for a full net of the board (30 neurons, 8
# profiles, graded inputs) and for an AIGER circuit, and what that means
# in steps per second at the board's clock
tmp=$(mktemp -d)
trap 'kill $vb 2>/dev/null; wait $vb 2>/dev/null; rm -rf "$tmp"' EXIT
"$LOOM" vboard --quiet --board icestick --pty-file "$tmp/pty" >/dev/null 2>&1 &
vb=$!
i=0
while [ ! -s "$tmp/pty" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
"$LOOM" gen --seed 2 --neurons 30 --inputs 8 --max-delay 7 --arch W=8,S=16,A=24,D=7 -o "$tmp/g.seir"
DATA=${DATA:-../shared/data}
for m in "$tmp/g.seir:net30" "$DATA/aig/seq/s27.aig:s27"; do
    f=${m%%:*} n=${m##*:}
    [ -f "$f" ] || continue
    out=$("$LOOM" run --port "$(cat "$tmp/pty")" "$f" --steps 300 --poisson 0.3 --seed 5 --out-spikes /dev/null)
    max=$(echo "$out" | sed -n 's/^board: a step took [0-9]* clock cycles (last), at most \([0-9]*\) .*/\1/p')
    [ -n "$max" ] || continue
    echo "bench board.icestick.fw_cycles_per_step_max.$n $max cycles"
    echo "bench board.icestick.fw_steps_per_s.$n $(awk -v c="$max" 'BEGIN {printf "%.0f", 24e6 / c}') steps/s"
done
