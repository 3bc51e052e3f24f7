#!/bin/sh
# 20-rtl.sh -- RTL figures on bench-1k (hls_ref/benchnet.h, Poisson 0.1):
# cycles per step measured by the array's CYCLES_LAST counter vs the
# mapper's prediction, synaptic events per cycle per core, and the speed of
# the Verilator model (clock cycles and timesteps per wall second), on the
# 2-core build b2 and the 4-core build b4 of sim/sim.mk.
set -e
LOOM=${LOOM:-${BUILD:-build}/bin/loom}
get() { sed -n "s/^$1 \([-0-9.e+]*\).*/\1/p" "$2" | head -n 1; }
pred() { sed -n 's/^cycles_per_step [0-9.]* predicted \([0-9.]*\).*/\1/p' "$1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for cfg in b2 b4; do
    case $cfg in b2) tag=bench1k ;; b4) tag=bench1k_4core ;; esac
    "$LOOM" cosim --bench 1k --config $cfg --steps 200 --poisson 0.1 --seed 1 --quiet > "$tmp/c.txt"
    grep -q '^mismatches 0$' "$tmp/c.txt" || { cat "$tmp/c.txt"; exit 1; }
    "$LOOM" cosim --bench 1k --config $cfg --steps 1000 --poisson 0.1 --seed 1 --quiet --rtl-only > "$tmp/r.txt"
    echo "bench rtl.$tag.cycles_per_step $(get cycles_per_step "$tmp/c.txt") cycles"
    echo "bench rtl.$tag.predicted_cycles_per_step $(pred "$tmp/c.txt") cycles"
    echo "bench rtl.$tag.events_per_cycle $(get events_per_cycle_per_core "$tmp/c.txt") events/cycle/core"
    echo "bench verilator.$tag.cycles_per_s $(get sim_cycles_per_s "$tmp/r.txt") cycles/s"
    echo "bench verilator.$tag.timesteps_per_s $(get sim_steps_per_s "$tmp/r.txt") steps/s"
done
