#!/bin/sh
# 20-rtl.sh -- RTL figures on bench-1k (hls_ref/benchnet.h, Poisson 0.1):
# cycles per step measured by the array's CYCLES_LAST counter vs the
# mapper's prediction, synaptic events per cycle per core, and the speed of
# the Verilator model (clock cycles and timesteps per wall second), on the
# 2-core build b2 and the 4-core build b4 of sim/sim.mk.  Then the Verilator
# speed of every built config (verilator.<config>.*): bench-1k on b2 and b4,
# on the others (64 inputs at most) a `loom gen` net of 200 neurons, 32
# inputs, density 0.05, delays up to the config's D, 1,000 steps of Poisson
# 0.1.  cycles_per_s is over wall time (what cosim prints); cycles_per_cpu_s
# over the CPU time of 1,000 steps less that of 10 (so setup, mapping and
# loading drop out), meaningful on a busy machine.
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
# CPU seconds of one command (children's user + system)
cpu() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    subprocess.run(sys.argv[2:], stdout=f, check=True)
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.4f" % ((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)))
PY
}
"$LOOM" cosim --list-configs > "$tmp/cfg.txt"
while read -r cfg arch; do
    case $cfg in
    b2 | b4) set -- --bench 1k ;;
    *)
        a=$(echo "$arch" | cut -d' ' -f1-4 | tr ' ' ',')
        d=$(echo "$arch" | sed 's/.*D=\([0-9]*\).*/\1/')
        "$LOOM" gen --seed 1 --neurons 200 --inputs 32 --density 0.05 --max-delay "$d" --arch "$a" \
            -o "$tmp/$cfg.seir"
        set -- "$tmp/$cfg.seir" ;;
    esac
    c0=$(cpu "$tmp/r0.txt" "$LOOM" cosim "$@" --config "$cfg" --steps 10 --poisson 0.1 --seed 1 --quiet --rtl-only)
    c1=$(cpu "$tmp/r1.txt" "$LOOM" cosim "$@" --config "$cfg" --steps 1000 --poisson 0.1 --seed 1 --quiet --rtl-only)
    cps=$(get cycles_per_step "$tmp/r1.txt")
    echo "bench verilator.$cfg.cycles_per_s $(get sim_cycles_per_s "$tmp/r1.txt") cycles/s"
    awk -v c0="$c0" -v c1="$c1" -v k="$cps" -v cfg="$cfg" 'BEGIN {
        printf "bench verilator.%s.cycles_per_cpu_s %.0f cycles/s\n", cfg, (c1 > c0) ? k * 990 / (c1 - c0) : 0 }'
done < "$tmp/cfg.txt"
