#!/usr/bin/env bash
# cosim_relay.sh -- delays longer than the build's ring (issue 16, item 4):
# generated nets with delays up to 63 run on D=15 (and D=9) configs, whose
# mapper chains relay neurons (compiler/seir_relay.c), and loom cosim
# compares every original neuron's spike, i and v with the reference model,
# which runs the nets at their own D=63, after every step.  Graded inputs
# and initial pending input beyond the ring cannot be relayed: the nets
# have no graded channels and keep the ring contents of steps 0..9, and a
# net that needs either is refused by name.
set -u
fail=0 runs=0
cut_ring() { # keep initial pending input for steps 0..9 only
    awk '$1=="init" && $3=="ring" { o=$1" "$2" ring"; n=0
         for (i = 4; i <= NF; i++) { split($i, a, "="); if (a[1] + 0 <= 9) { o=o" "$i; n++ } }
         if (n) print o; next } { print }' "$1"
}
for cfg_seed in c1:5 sp:6 c4:7 bk:8 c1:9; do
    cfg=${cfg_seed%%:*} seed=${cfg_seed##*:}
    net="$WORK/relay-$seed.seir"
    "$LOOM" gen --seed "$seed" --neurons 40 --inputs 6 --graded 0 --max-delay 63 -o "$WORK/g.seir" || { fail=1; continue; }
    cut_ring "$WORK/g.seir" >"$net"
    out=$("$LOOM" cosim "$net" --config "$cfg" --steps 300 --poisson 0.2 --seed "$seed" --fst "$WORK/relay-$seed.fst" 2>&1)
    runs=$((runs + 1))
    if ! echo "$out" | grep -q '^mismatches 0$' || ! echo "$out" | grep -q '^relays [1-9]'; then
        echo "FAIL $cfg seed $seed: loom cosim $net --config $cfg --steps 300 --poisson 0.2 --seed $seed"
        echo "$out" | tail -15; fail=1
    else
        echo "ok $cfg seed $seed: $(echo "$out" | grep -E '^relays|^spikes' | tr '\n' ' ')"
    fi
done
# the comparison is live on relayed nets: --inject changes neuron 0's v on
# the RTL side, and the run must fail
out=$("$LOOM" cosim "$WORK/relay-5.seir" --config c1 --steps 40 --poisson 0.2 --seed 5 --inject 10 --fst "$WORK/inj.fst" 2>&1)
echo "$out" | grep -q '^mismatches [1-9]' || { echo "FAIL: --inject went unnoticed"; fail=1; }
# refusals: a graded channel with a long delay, pending input beyond D.
# refused NAME TEXT: the net of NAME.seir (from stdin) must be refused by
# loom cosim with a message holding TEXT
refused() {
    cat >"$WORK/$1.seir"
    out=$("$LOOM" cosim "$WORK/$1.seir" --config c1 --steps 5 2>&1) && { echo "FAIL: $1 accepted"; fail=1; }
    echo "$out" | grep -q "$2" || { echo "FAIL: $1 refusal: $out"; fail=1; }
}
refused graded "graded input g has delay 30 > D=15" <<'SEIR'
seir 1
arch W=8 S=16 A=24 D=40
profile p a_syn=0 a_mem=0 theta=1
input g graded
neuron n p
syn g n 1 30
SEIR
refused ring "initial pending input for step 20, beyond the machine's D=15" <<'SEIR'
seir 1
arch W=8 S=16 A=24 D=40
profile p a_syn=0 a_mem=0 theta=1
neuron n p
init n ring 20=1
SEIR
echo "$runs relay cosim runs"
[ $fail -eq 0 ]
