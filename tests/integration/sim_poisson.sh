#!/usr/bin/env bash
# --poisson against the generator's documented values (docs/inputs.md):
# seed 9, rate 0.25, four channels relayed 1:1 to four neurons.
set -u
fail() { echo "FAIL: $*"; exit 1; }
cd "$WORK"
cat > relay.seir <<'SEIR'
seir 1
arch W=8 S=16 A=24 D=15
profile r a_syn=0 a_mem=0 theta=1 v_reset=0 reset=zero shift=0 bias=0
input x[4] spike
neuron n[4] r
syn x[0] n[0] 1 0
syn x[1] n[1] 1 0
syn x[2] n[2] 1 0
syn x[3] n[3] 1 0
SEIR
"$LOOM" sim relay.seir --steps 6 --poisson 0.25 --seed 9 --out-spikes s.csv --quiet || fail "sim"
printf 'step,neuron\n2,0\n2,1\n2,3\n3,1\n3,3\n4,3\n5,0\n' > want.csv
cmp s.csv want.csv || { cat s.csv; fail "Poisson spikes differ from docs/inputs.md"; }
# 250Hz at dt 1e-3 s is the same rate 0.25
"$LOOM" sim relay.seir --steps 6 --poisson 250Hz --seed 9 --out-spikes h.csv --quiet || fail "Hz"
cmp h.csv want.csv || fail "--poisson 250Hz != 0.25 at the default dt 1e-3"
"$LOOM" sim relay.seir --steps 6 --poisson 2500Hz --dt 1e-4 --seed 9 --out-spikes h.csv --quiet || fail "Hz dt"
cmp h.csv want.csv || fail "--poisson 2500Hz --dt 1e-4 != 0.25"
# the inputs saved by --save-inputs are the Poisson events themselves
"$LOOM" sim relay.seir --steps 6 --poisson 0.25 --seed 9 --save-inputs in.csv --quiet || fail "save"
printf 'step,channel,value\n2,0,1\n2,1,1\n2,3,1\n3,1,1\n3,3,1\n4,3,1\n5,0,1\n' > want_in.csv
cmp in.csv want_in.csv || { cat in.csv; fail "saved Poisson inputs"; }
# a different seed gives different spikes; rate 0 none; rate 1 all
"$LOOM" sim relay.seir --steps 50 --poisson 0.25 --seed 10 --out-spikes s10.csv --quiet
"$LOOM" sim relay.seir --steps 50 --poisson 0.25 --seed 9 --out-spikes s9.csv --quiet
cmp -s s9.csv s10.csv && fail "seeds 9 and 10 gave the same spikes"
"$LOOM" sim relay.seir --steps 50 --poisson 1 --out-spikes s1.csv --quiet
[ "$(wc -l < s1.csv)" = 201 ] || fail "rate 1 should fire 4 x 50 times"
"$LOOM" sim relay.seir --steps 50 --out-spikes s0.csv 2> note.txt >/dev/null
[ "$(wc -l < s0.csv)" = 1 ] || fail "no input: no spikes"
grep -q 'every input is 0' note.txt || fail "note about missing inputs"
echo ok
