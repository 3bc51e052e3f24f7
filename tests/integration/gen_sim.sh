#!/usr/bin/env bash
# loom gen: deterministic per seed, valid (compiles, simulates), honours its
# options (checked through loom info --json), round-trips through SEIR text.
set -u
fail() { echo "FAIL: $*"; exit 1; }
cd "$WORK"
"$LOOM" gen --seed 7 -o a.seir || fail "gen"
"$LOOM" gen --seed 7 -o b.seir || fail "gen again"
"$LOOM" gen --seed 8 -o c.seir || fail "gen seed 8"
cmp -s a.seir b.seir || fail "same seed, different nets"
cmp -s a.seir c.seir && fail "seeds 7 and 8 gave the same net"
"$LOOM" gen --seed 7 > d.seir || fail "gen to stdout"
cmp -s a.seir d.seir || fail "stdout differs from -o"
# canonical: compile (parse + validate + print) reproduces the file byte for byte
"$LOOM" compile a.seir -o a2.seir || fail "compile a.seir"
cmp a.seir a2.seir || fail "gen output is not canonical SEIR"
# simulate it, with every output kind
"$LOOM" sim a.seir --steps 300 --poisson 0.2 --seed 3 --out-spikes s.csv --out-v v.csv \
    --trace-all t.csv --quiet || fail "sim"
[ "$(head -1 s.csv)" = step,neuron ] || fail "spike header"
[ "$(wc -l < v.csv)" = 301 ] || fail "v trace rows"
[ "$(wc -l < t.csv)" = $((300 * 64 + 1)) ] || fail "trace-all rows"
# the spikes of --out-spikes are exactly the spike=1 rows of --trace-all
awk -F, 'NR > 1 && $5 == 1 { print $1 "," $2 }' t.csv > t_spikes.csv
tail -n +2 s.csv | cmp - t_spikes.csv || fail "--out-spikes disagrees with --trace-all"
[ "$(wc -l < t_spikes.csv)" -gt 100 ] || fail "a default net should spike"
# v saturates at both ends somewhere (the corners the generator promises)
grep -q ',32767,[01]$' t.csv || fail "no v at +32767"
grep -q ',-32768,[01]$' t.csv || fail "no v at -32768"

# options show up in the structure (loom info --json, parsed by python)
"$LOOM" gen --seed 3 --neurons 300 --inputs 12 --graded 5 --levels 13 --max-delay 4 \
    --density 0.05 -o o.seir || fail "gen with options"
"$LOOM" info o.seir --json > o.json || fail "info --json"
python3 - o.json <<'PY' || fail "gen options not honoured"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["neurons"] == 300, j["neurons"]
assert j["inputs"] == {"channels": 12, "spike": 7, "graded": 5}, j["inputs"]
assert j["levels"] == 13, j["levels"]
assert j["arch"]["D"] == 4 and len(j["delay_histogram"]) == 5, j["arch"]
assert j["acc_bound"] <= j["acc_limit"]
assert j["outputs"]["spike"] > 0 and j["outputs"]["v"] > 0
assert 0.03 < (j["synapses"] - 0) / (300 * 312) < 0.09, j["synapses"]
PY
"$LOOM" gen --seed 3 --arch W=12,S=24,A=32,D=31 --max-delay 20 -o w.seir || fail "wide arch"
grep -q '^arch W=12 S=24 A=32 D=31$' w.seir || fail "arch line of w.seir"
"$LOOM" sim w.seir --steps 100 --poisson 0.1 --quiet || fail "sim wide"
"$LOOM" gen --seed 4 --max-delay 0 -o z.seir || fail "D=0"
grep -q '^arch W=8 S=16 A=24 D=0$' z.seir || fail "--max-delay 0 sets D=0"
"$LOOM" sim z.seir --steps 100 --poisson 0.1 --quiet || fail "sim D=0"

# bad options
expect_err() { local want=$1; shift; "$LOOM" "$@" >/dev/null 2>err.txt && fail "accepted: $*"
    grep -qF -- "$want" err.txt || { cat err.txt; fail "'$*' should say: $want"; }; }
expect_err "--neurons 0 is out of range" gen --neurons 0
expect_err "--levels 9 exceeds --neurons 5" gen --neurons 5 --levels 9
expect_err "--graded 3 exceeds --inputs 2" gen --inputs 2 --graded 3
expect_err "--max-delay 9 exceeds the arch's D=4" gen --arch D=4 --max-delay 9
expect_err "--density expects a number" gen --density lots
expect_err "unknown option '--bogus'" gen --bogus
echo ok
