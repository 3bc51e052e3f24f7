#!/bin/sh
# tests/bench/11-brian2.sh -- the anchor of the reference model's speed:
# Brian2 (Debian python3-brian, `make deps`) on Loom's benchmark recipe at
# 10,000 and 100,000 neurons (tests/bench/brian2_net.py says how the work
# compares), run here next to `loom bench ref` on the same nets, best of 3
# for both.  Prints the Brian2 figures and
#   bench ref.bench10k.brian2_ratio   Loom events/s / Brian2 events/s
#   bench ref.bench100k.brian2_ratio  (both from CPU time of the timed loop)
# and the same ratios from wall time (*_wall).  Skips (exit 0, one note
# line) when python3-brian is missing.
set -e
BUILD=${BUILD:-build}
LOOM=${LOOM:-$BUILD/bin/loom}
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
if ! "$PY" -c 'import brian2' 2>/dev/null; then
    echo "note brian2: python3-brian is not installed (make deps); no anchor figures"
    exit 0
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/loom-brian2.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# best (largest) events/s over 3 runs of `loom bench ref`: "cpu wall"
loom_best() {
    for k in 1 2 3; do
        "$LOOM" bench ref --net "$1" --steps "$2" | awk '
            $2 ~ /\.events_per_s$/ { c = $3 } $2 ~ /\.events_per_s_wall$/ { w = $3 }
            END { print c, w }'
    done | awk '{ if ($1 > c) c = $1; if ($2 > w) w = $2 } END { printf "%.4g %.4g\n", c, w }'
}

for spec in "10k 10000 0.01 10000" "100k 100000 0.001 1000"; do
    set -- $spec
    net=$1 n=$2 p=$3 steps=$4
    out=$( cd "$WORK" && "$PY" "$HERE/brian2_net.py" "$n" "$p" "$steps" "$WORK" 2>/dev/null | grep -v '^ ') ||
        { echo "note brian2: bench$net failed"; continue; }
    val() { echo "$out" | awk -v k="$1" '$1 == k { print $2 }'; }
    mode=$(val mode) ev=$(val events) cpu=$(val cpu_s) wall=$(val wall_s)
    echo "$out" | grep '^note' || true
    echo "note brian2: bench$net in $mode mode, 1 thread"
    echo "bench brian2.bench$net.events $ev events"
    echo "bench brian2.bench$net.sim_cpu_s $cpu s"
    echo "bench brian2.bench$net.sim_s $wall s"
    echo "bench brian2.bench$net.firing_rate_hz $(val rate_hz) Hz"
    echo "bench brian2.bench$net.synapses $(val synapses) synapses"
    bcpu=$(awk -v e="$ev" -v t="$cpu" 'BEGIN { printf "%.4g", e / t }')
    bwall=$(awk -v e="$ev" -v t="$wall" 'BEGIN { printf "%.4g", e / t }')
    echo "bench brian2.bench$net.events_per_s $bcpu events/s"
    echo "bench brian2.bench$net.events_per_s_wall $bwall events/s"
    set -- $(loom_best "$net" "$steps")
    echo "bench ref.bench$net.best_events_per_s $1 events/s"
    echo "bench ref.bench$net.best_events_per_s_wall $2 events/s"
    echo "bench ref.bench$net.brian2_ratio $(awk -v a="$1" -v b="$bcpu" 'BEGIN { printf "%.2f", a / b }') x"
    echo "bench ref.bench$net.brian2_ratio_wall $(awk -v a="$2" -v b="$bwall" 'BEGIN { printf "%.2f", a / b }') x"
done
