#!/usr/bin/env bash
# bench_ref.sh -- `loom bench ref` (make bench) keeps working: every figure
# issue 2 names is printed as `bench <name> <value> <unit>`, the counts
# follow from the recipe (1,000 neurons x 2,000 steps = 2,000,000 updates;
# 1,000 x 100 recurrent + 1,000 input synapses), bench-1k fires in the
# 15-25 Hz band it was tuned for, and bad options are refused.
set -u
out="$WORK/bench.txt"
"$LOOM" bench ref --net 1k --steps 2000 > "$out" || { echo "loom bench failed"; exit 1; }
fail=0
val() { awk -v n="$1" '$1 == "bench" && $2 == n { print $3 }' "$out"; }
for n in events_per_s neuron_updates_per_s firing_rate_hz peak_rss_mb events \
         neuron_updates wall_s steps_per_s; do
    v=$(val "ref.bench1k.$n")
    if ! [[ "$v" =~ ^[0-9.e+-]+$ ]]; then echo "missing or bad figure ref.bench1k.$n: '$v'"; fail=1; fi
done
[ "$(val ref.bench1k.neuron_updates)" = 2000000 ] || { echo "neuron_updates $(val ref.bench1k.neuron_updates) != 2000000"; fail=1; }
[ "$(val ref.bench1k.synapses)" = 101000 ] || { echo "synapses $(val ref.bench1k.synapses) != 101000"; fail=1; }
[ "$(val ref.bench1k.steps)" = 2000 ] || { echo "steps $(val ref.bench1k.steps) != 2000"; fail=1; }
# every spike delivers 100 events, every input spike 1: events = 100*spikes + inputs
ev=$(val ref.bench1k.events) sp=$(val ref.bench1k.spikes)
inputs=$((ev - 100 * sp))
# inputs ~ Binomial(2e6, 0.1): 200,000 +- 5 sigma (sigma = 424)
if [ "$inputs" -lt 197880 ] || [ "$inputs" -gt 202120 ]; then
    echo "input events $inputs (events $ev - 100 x spikes $sp) not near 200000"; fail=1
fi
rate=$(val ref.bench1k.firing_rate_hz)
awk -v r="$rate" 'BEGIN { exit !(r >= 15 && r <= 25) }' || { echo "firing rate $rate Hz outside 15-25"; fail=1; }
# the same seed gives the same run
"$LOOM" bench ref --net 1k --steps 2000 > "$WORK/again.txt"
[ "$(awk '$2 == "ref.bench1k.events" { print $3 }' "$WORK/again.txt")" = "$ev" ] || { echo "not deterministic"; fail=1; }
# threads: the same events and spikes on 1 and 3 threads (bench-10k has blocks)
for t in 1 3; do
    "$LOOM" bench ref --net 10k --steps 300 --threads $t > "$WORK/t$t.txt" || { echo "--threads $t failed"; fail=1; }
done
t1=$(awk '$2 ~ /\.(events|spikes)$/ { print $3 }' "$WORK/t1.txt")
t3=$(awk '$2 ~ /\.(events|spikes)$/ { print $3 }' "$WORK/t3.txt")
[ -n "$t1" ] && [ "$t1" = "$t3" ] || { echo "--threads 3 gave '$t3', --threads 1 '$t1'"; fail=1; }
grep -q '^bench ref.bench10k.threads 3 threads$' "$WORK/t3.txt" || { echo "--threads 3 did not run 3 threads"; fail=1; }
# --compare: a copy on 1 thread and one on 3 by turns (it fails if they spike unlike)
"$LOOM" bench ref --net 10k --steps 100 --compare 3 > "$WORK/cmp.txt" || { echo "--compare 3 failed"; fail=1; }
grep -q '^bench ref.bench10k.cmp_threads 3 threads$' "$WORK/cmp.txt" || { echo "--compare 3 did not run 3 threads"; fail=1; }
for n in cmp_t1_events_per_cpu_s cmp_tn_events_per_cpu_s cmp_cpu_ratio cmp_speedup_wall; do
    grep -Eq "^bench ref.bench10k.$n [0-9][0-9.e+-]* " "$WORK/cmp.txt" || { echo "--compare: no figure $n"; fail=1; }
done
grep -q '^bench ref.bench10k.cmp_tn_clean_chunks [0-9]* of 5$' "$WORK/cmp.txt" || { echo "--compare: not 5 chunks of 20 steps"; fail=1; }
for bad in "--net 2k" "--steps -1" "--net" "--frob 1" "--threads 0" "--threads 17" "--compare 1" \
           "--compare 2 --threads 2"; do
    # shellcheck disable=SC2086
    "$LOOM" bench ref $bad > /dev/null 2>&1; rc=$?
    [ $rc -eq 2 ] || { echo "'loom bench ref $bad' exit $rc, expected 2"; fail=1; }
done
"$LOOM" bench nosuch > /dev/null 2>&1; [ $? -eq 2 ] || { echo "unknown benchmark accepted"; fail=1; }
[ $fail -eq 0 ] && echo "bench ref: figures present, counts consistent, rate $rate Hz"
exit $fail
