#!/usr/bin/env bash
# loom sim on small hand-checked networks: spike CSV format, --outputs-only,
# v traces, graded inputs with a negative shift, --trace-all, inputs by name.
set -u
fail() { echo "FAIL: $*"; exit 1; }
cd "$WORK"

# a = AND(x[0], x[1]) (no memory, theta 2); b fires 3 steps after a (delay 3).
cat > and.seir <<'SEIR'
seir 1
arch W=8 S=16 A=24 D=15
profile p a_syn=0 a_mem=0 theta=2 v_reset=0 reset=zero shift=0 bias=0
input x[2] spike
neuron a p
neuron b p
syn x[0] a 1 0
syn x[1] a 1 0
syn a b 2 3
output b spike
SEIR
cat > and.csv <<'CSV'
step,channel,value
# both inputs at 0 and 5, one at 1
0,x[0],1
0,x[1],1
1,0,1
5,1,1
5,0,1
CSV
"$LOOM" sim and.seir --steps 10 --inputs and.csv --out-spikes s.csv --quiet || fail "sim and.seir"
printf 'step,neuron\n0,0\n3,1\n5,0\n8,1\n' > want.csv
cmp s.csv want.csv || { cat s.csv; fail "spikes of and.seir"; }
"$LOOM" sim and.seir --steps 10 --inputs and.csv --out-spikes o.csv --outputs-only --quiet || fail "outputs-only"
printf 'step,neuron\n3,1\n8,1\n' > want.csv
cmp o.csv want.csv || { cat o.csv; fail "--outputs-only keeps only b"; }
# without --steps the run ends at the last input step (5): b's spike at 8 is not reached
"$LOOM" sim and.seir --inputs and.csv --out-spikes d.csv --quiet || fail "default steps"
printf 'step,neuron\n0,0\n3,1\n5,0\n' > want.csv
cmp d.csv want.csv || { cat d.csv; fail "default --steps = last input step + 1"; }
# the summary line counts steps and spikes
out=$("$LOOM" sim and.seir --steps 10 --inputs and.csv 2>/dev/null) || fail "summary run"
echo "$out" | grep -q '^sim: 10 steps, 4 spikes, ' || fail "summary line: $out"

# leaky integrator read-out: v halves every step (a_mem = 2048), truncating toward zero;
# graded g through shift -2: floor(-5 / 4) = -2 on a memoryless neuron.
cat > li.seir <<'SEIR'
seir 1
arch W=8 S=16 A=24 D=15
profile li a_syn=0 a_mem=2048 theta=100 v_reset=0 reset=none shift=0 bias=0
profile gr a_syn=0 a_mem=0 theta=100 v_reset=0 reset=none shift=-2 bias=0
input x spike
input g graded
neuron c li
neuron d gr
syn x c 100 0
syn g d 1 0
output c v
output d v
SEIR
printf '0,x,1\n0,g,-5\n1,g,7\n' > li.csv
"$LOOM" sim li.seir --steps 9 --inputs li.csv --out-v v.csv --quiet || fail "sim li.seir"
printf 'step,c,d\n0,100,-2\n1,50,1\n2,25,0\n3,12,0\n4,6,0\n5,3,0\n6,1,0\n7,0,0\n8,0,0\n' > want.csv
cmp v.csv want.csv || { cat v.csv; fail "v trace of li.seir"; }
"$LOOM" sim li.seir --steps 3 --inputs li.csv --trace-all t.csv --quiet || fail "trace-all"
printf 'step,neuron,i,v,spike\n0,0,100,100,0\n0,1,-2,-2,0\n1,0,0,50,0\n1,1,1,1,0\n2,0,0,25,0\n2,1,0,0,0\n' > want.csv
cmp t.csv want.csv || { cat t.csv; fail "trace-all of li.seir"; }
# spikes to stdout: the summary moves to stderr
out=$("$LOOM" sim and.seir --steps 4 --inputs and.csv --out-spikes - 2>/dev/null)
[ "$out" = "$(printf 'step,neuron\n0,0\n3,1')" ] || fail "--out-spikes - : $out"
echo ok
