#!/usr/bin/env bash
# loom info / loom compile on a hand-counted net, help texts of the
# subcommands of docs/cli.md.
set -u
fail() { echo "FAIL: $*"; exit 1; }
cd "$WORK"
cat > n.seir <<'SEIR'
seir 1
arch W=8 S=16 A=24 D=15
profile p a_syn=0 a_mem=0 theta=2 v_reset=0 reset=zero shift=0 bias=0
profile q a_syn=4096 a_mem=4000 theta=50 v_reset=0 reset=none shift=0 bias=0
input x[2] spike
input g graded
neuron a p
neuron b p
neuron c q
syn x[0] a 1 0
syn x[1] a -3 0
syn a b 2 0
syn b c 5 0
syn a c -7 3
syn g c 2 3
syn c a 1 15
output b spike
output c v
SEIR
"$LOOM" info n.seir > info.txt || fail "info"
cat info.txt
grep -q '^neurons     3 in 3 groups$' info.txt || fail "neurons line"
grep -q '^synapses    7 (3 from inputs' info.txt || fail "synapses line"
grep -q '^inputs      3 channels: 2 spike, 1 graded$' info.txt || fail "inputs line"
grep -q '^outputs     2: 1 spike, 1 v$' info.txt || fail "outputs line"
grep -q '^levels      3$' info.txt || fail "levels: a -> b -> c is a zero-delay chain"
grep -q '^fan-in      max 3 (a), mean 2.33$' info.txt || fail "fan-in line (a and c tie at 3: the first wins)"
grep -q '^fan-out     max 2 (a)$' info.txt || fail "fan-out line"
grep -q '^delays      0:4 3:2 15:1$' info.txt || fail "delay histogram"
# c: |5| + |-7| + |2| * 32768 = 65548
grep -q '^acc bound   65548 of 8388607 (0.8%) at c$' info.txt || fail "acc bound line"
grep -q 'file        n.seir (SEIR)' info.txt || fail "kind"
"$LOOM" info n.seir --json > i.json || fail "info --json"
python3 - i.json <<'PY' || fail "json content"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["kind"] == "SEIR" and j["neurons"] == 3 and j["synapses"] == 7
assert j["levels"] == 3 and j["max_fan_in"] == 3 and j["max_fan_in_neuron"] == "a"
assert j["delay_histogram"][0] == 4 and j["delay_histogram"][3] == 2 and j["delay_histogram"][15] == 1
assert j["acc_bound"] == 65548 and j["acc_limit"] == 8388607
assert [p["neurons"] for p in j["profiles"]] == [2, 1]
PY
# compile: canonical SEIR to stdout, the report to stderr then
"$LOOM" compile n.seir > c.seir 2> rep.txt || fail "compile"
grep -q '^neuron a p' c.seir || fail "compile output"
[ ! -s rep.txt ] || fail "compile without --report printed: $(cat rep.txt)"
"$LOOM" compile n.seir -o c2.seir --report > rep.txt || fail "compile --report"
cmp c.seir c2.seir || fail "-o and stdout differ"
grep -q '^levels      3$' rep.txt || fail "SEIR report"
# errors
"$LOOM" info nope.seir 2> err.txt && fail "info of a missing file"
grep -q 'nope.seir' err.txt || fail "error names the file"
printf 'seir 1\nneuron a nosuch\n' > bad.seir
"$LOOM" compile bad.seir > /dev/null 2> err.txt && fail "compile of a bad file"
grep -q 'bad.seir:2' err.txt || { cat err.txt; fail "compile error names file:line"; }
# help texts teach: usage, formats, examples
for c in sim compile info gen; do
    "$LOOM" $c --help > h.txt || fail "$c --help"
    grep -q "^usage: loom $c" h.txt || fail "$c --help usage line"
    grep -q '^examples:' h.txt || fail "$c --help has no examples"
    "$LOOM" help $c | cmp - h.txt || fail "loom help $c"
done
"$LOOM" sim --help | grep -q 'step,channel,value' || fail "sim --help names the input format"
"$LOOM" --help | grep -q '^  gen ' || fail "gen listed in loom --help"
echo ok
