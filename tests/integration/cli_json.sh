#!/usr/bin/env bash
# cli_json: the --json objects of sim, compile --report, cosim, run and fly
# (docs/json.md) parse, carry every documented key, and agree with what
# the same runs write as CSV or text; cosim --fst --from/--to traces the
# window asked for; and the "what a user sees" fixes of issue 21: model
# options that would be ignored are refused, a real error is not preceded
# by notes, a silent port fails fast with a hint, every subcommand's help
# has examples, evolve --generations 0 prints no "inf".
set -u
fail() { echo "FAIL: $*"; exit 1; }
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$WORK"
L="$LOOM"
py() { python3 -c "$@"; }
rows() { tail -n +2 "$1" | grep -c . || true; } # data rows of a CSV with a header

"$L" gen --seed 7 -o net.seir || fail "gen"

# --- sim: spikes = rows of --out-spikes, output_spikes = rows of --outputs-only
"$L" sim net.seir --steps 300 --poisson 0.1 --seed 3 --out-spikes all.csv --json > sim.json || fail "sim --json"
"$L" sim net.seir --steps 300 --poisson 0.1 --seed 3 --outputs-only --out-spikes out.csv --quiet || fail "sim"
py "
import json; d = json.load(open('sim.json'))
keys = 'command file kind model steps neurons inputs spikes output_spikes synaptic_events wall_s events_per_s'.split()
missing = [k for k in keys if k not in d]; assert not missing, missing
assert d['command'] == 'sim' and d['kind'] == 'seir' and d['steps'] == 300 and d['model'] == 'integer', d
assert d['spikes'] == $(rows all.csv), (d['spikes'], $(rows all.csv))
assert d['output_spikes'] == $(rows out.csv), (d['output_spikes'], $(rows out.csv))
assert 0 < d['output_spikes'] < d['spikes']
" || fail "sim --json disagrees with its CSV files"
"$L" sim net.seir --steps 10 --out-spikes - --json > /dev/null 2> err.txt && fail "sim --json with --out-spikes - accepted"
grep -q -- "--json prints on stdout" err.txt || fail "sim: no reason for refusing --json with stdout output"
echo "sim --json ok"

# --- compile --json: NIR layers and agreement = the text report's
nir="$DATA/nir/lif_norse.nir"
"$L" compile "$nir" -o l.seir --report > rep.txt || fail "compile --report"
"$L" compile "$nir" -o l2.seir --json > comp.json || fail "compile --json"
cmp l.seir l2.seir || fail "compile --json wrote another SEIR"
py "
import json; d = json.load(open('comp.json'))
assert d['command'] == 'compile' and d['kind'] == 'nir' and d['output'] == 'l2.seir'
n = d['nir']
for k in 'dt reset input_channels neurons synapses max_delay agreement_run layers saturated_neurons agreement_target arch_needed arch_needed_agreement agreement'.split():
    assert k in n, k
text = open('rep.txt').read().split('\n')
names = [l.split()[1] for l in text if l.startswith('layer ')]
assert [l['name'] for l in n['layers']] == names, ([l['name'] for l in n['layers']], names)
for l in n['layers']:
    line = [t for t in text if t.startswith('spikes ' + l['name'] + ' ')][0].split()
    assert int(line[3]) == l['float_spikes'] and int(line[5]) == l['quantised_spikes'], (line, l)
    assert abs(float(line[7]) - l['agreement']) < 1e-6, (line, l)
agree = float([t for t in text if t.startswith('agreement ')][0].split()[1])
assert abs(agree - n['agreement']) < 1e-6, (agree, n['agreement'])
assert d['neurons'] == n['neurons'], d
" || fail "compile --json (NIR) disagrees with the text report"
aig="$DATA/aig/seq/s27.aig"
"$L" compile "$aig" -o s27.seir --report > arep.txt || fail "compile aig --report"
"$L" compile "$aig" -o s27b.seir --json > acomp.json || fail "compile aig --json"
py "
import json; a = json.load(open('acomp.json'))['aiger']
t = dict((l.split()[1], l.split()[2]) for l in open('arep.txt') if l.startswith('aiger '))
for k in 'inputs outputs latches gates depth levels latency'.split():
    assert a[k] == int(t[k]), (k, a[k], t[k])
assert a['mode'] == t['mode']
" || fail "compile --json (AIGER) disagrees with the text report"
"$L" compile net.seir -o n2.seir --json > scomp.json || fail "compile seir --json"
"$L" info net.seir --json > info.json || fail "info --json"
py "
import json; d = json.load(open('scomp.json')); i = json.load(open('info.json'))
assert d['info']['synapses'] == i['synapses'] == d['synapses'] and d['info']['profiles'] == i['profiles']
" || fail "compile --json (SEIR) disagrees with info --json"
"$L" compile net.seir --json > /dev/null 2> err.txt && fail "compile --json with SEIR on stdout accepted"
echo "compile --json ok"

# --- cosim --json: the reference spikes = loom sim's on the same inputs
"$L" cosim net.seir --steps 150 --poisson 0.1 --seed 3 --json > cos.json || fail "cosim --json"
"$L" sim net.seir --steps 150 --poisson 0.1 --seed 3 --json > sim150.json || fail "sim 150"
py "
import json; c = json.load(open('cos.json')); s = json.load(open('sim150.json'))
for k in 'command file bench config arch steps events events_per_cycle_per_core cycles_per_step spikes predicted_cycles_per_step mismatches reference_events sim_cycles_per_s sim_steps_per_s trace'.split():
    assert k in c, k
assert c['mismatches'] == 0 and c['steps'] == 150 and c['trace'] is None, c
assert c['spikes'] == s['spikes'], (c['spikes'], s['spikes'])
assert c['events'] == c['reference_events'] == s['synaptic_events'], (c, s)
" || fail "cosim --json disagrees with loom sim"
# a mismatch: exit 1, the object still printed, mismatch lines on stderr
"$L" cosim net.seir --steps 20 --poisson 0.1 --inject 5 --json > inj.json 2> inj.err
[ $? = 1 ] || fail "cosim --inject --json: exit code not 1"
py "
import json; c = json.load(open('inj.json'))
assert c['mismatches'] > 0 and c['steps'] == 6 and c['trace']['from'] == 4 and c['trace']['to'] == 5, c
" || fail "cosim --json after a mismatch"
grep -q "^mismatch: step 5" inj.err || fail "cosim --json: mismatch lines not on stderr"
echo "cosim --json ok"

# --- cosim --fst window: FST header times (big-endian u64 start/end at
# offsets 9 and 17 of the header block) of a window lie inside the run's
"$L" cosim net.seir --steps 200 --poisson 0.1 --seed 7 --fst all.fst --quiet > all.txt || fail "cosim --fst"
grep -q "trace: all.fst (steps 0..199)" all.txt || fail "cosim --fst: no trace line"
"$L" cosim net.seir --steps 200 --poisson 0.1 --seed 7 --fst win.fst --from 100 --to 120 --json > win.json ||
    fail "cosim --fst --from --to"
"$L" cosim net.seir --steps 200 --poisson 0.1 --seed 7 --fst win2.fst --from 100 --to 110 --quiet > /dev/null ||
    fail "cosim --fst --from --to (short)"
py "
import json, struct
def span(f):
    b = open(f, 'rb').read(25)
    assert b[0] == 0, (f, 'not an FST header block')
    return struct.unpack('>QQ', b[9:25])
a, w, w2 = span('all.fst'), span('win.fst'), span('win2.fst')
assert a[0] < w[0] < w[1] < a[1], (a, w)
assert w2[0] == w[0] and w2[1] < w[1], (w, w2)
per_step = (a[1] - a[0]) / 200.0
assert abs((w[1] - w[0]) / 21.0 - per_step) < 0.25 * per_step, (w, per_step)
assert abs(w[0] - a[0] - 100 * per_step) < 0.1 * (w[0] - a[0]), (a, w)
t = json.load(open('win.json'))['trace']; assert t == {'file': 'win.fst', 'from': 100, 'to': 120}, t
" || fail "cosim --fst window: the FST does not cover steps 100..120"
# a mismatch before the window: no trace, and it says why
"$L" cosim net.seir --steps 50 --poisson 0.1 --inject 3 --fst late.fst --from 30 --json > late.json 2> late.err
[ $? = 1 ] || fail "cosim --inject before --from: exit code"
py "import json; assert json.load(open('late.json'))['trace'] is None" || fail "a trace reported for a window never reached"
grep -q "no trace written: the run stopped at step 3, before --from 30" late.err || fail "late window: $(cat late.err)"
"$L" cosim net.seir --steps 20 --from 3 2> err.txt && fail "--from without --fst accepted"
"$L" cosim net.seir --steps 20 --fst x.fst --to 20 2> err.txt && fail "--to past the run accepted"
grep -q "past the last step 19" err.txt || fail "--to: no reason"
"$L" cosim net.seir --steps 20 --fst x.fst --from 9 --to 3 2> err.txt && fail "--from > --to accepted"
echo "cosim --fst window ok"

# --- run --json on a virtual board: output_spikes = rows written
rm -f pty.txt
"$L" vboard --config c1 --pty-file pty.txt --quiet > /dev/null &
vb=$!
trap 'kill $vb 2> /dev/null; wait 2> /dev/null' EXIT
for _ in $(seq 100); do [ -s pty.txt ] && break; sleep 0.2; done
[ -s pty.txt ] || fail "vboard did not start"
"$L" run --port "$(cat pty.txt)" net.seir --steps 300 --poisson 0.1 --seed 3 --out-spikes run.csv --check \
    --json > run.json || fail "run --json"
"$L" run --port "$(cat pty.txt)" net.seir --steps 300 --poisson 0.1 --seed 3 > run.txt || fail "run (text)"
py "
import json; r = json.load(open('run.json'))
for k in 'command file port steps output_spikes spikes wall_s steps_per_s frames_resent check_mismatched_steps board'.split():
    assert k in r, k
assert r['output_spikes'] == $(rows run.csv) == $(rows out.csv), (r['output_spikes'], $(rows run.csv))
assert r['spikes'] == json.load(open('sim.json'))['spikes'], r
assert r['check_mismatched_steps'] == 0 and r['board']['clk_hz'] > 0, r
" || fail "run --json disagrees with its CSV / loom sim"
grep -q "run: 300 steps on .*, $(rows out.csv) spikes of output neurons (" run.txt ||
    fail "run: the summary does not count the output neurons' spikes: $(cat run.txt)"
"$L" run --port "$(cat pty.txt)" --arch A=16 net.seir --steps 3 2> err.txt && fail "run --arch on SEIR accepted"
echo "run --json ok"

# --- fly --json: the figures of the text line
ctl="$top/examples/blimp/controller.seir"
"$L" fly --sim --controller "$ctl" --duration 8 --seed 2 > fly.txt || fail "fly"
"$L" fly --sim --controller "$ctl" --duration 8 --seed 2 --json > fly.json || fail "fly --json"
py "
import json; f = json.load(open('fly.json'))
line = [l for l in open('fly.txt') if l.startswith('blimp ')][0].split()
t = dict(kv.split('=') for kv in line[1:])
assert abs(f['controller_under_test']['rmse_m'] - float(t['rmse_snn'])) < 6e-5, (f, t)
assert abs(f['pid']['overshoot_m'] - float(t['overshoot_pid'])) < 6e-5, (f, t)
assert f['neurons'] == int(t['neurons']) and f['spikes'] > 0 and f['network_ran_on'] == 'reference_model'
" || fail "fly --json disagrees with the text line"
echo "fly --json ok"

# --- options that would be ignored are refused, naming the option and file
"$L" compile net.seir --arch A=16 -o x.seir 2> err.txt; [ $? = 2 ] || fail "compile SEIR --arch not refused"
grep -q -- "--arch: net.seir is SEIR" err.txt || fail "compile --arch: message: $(cat err.txt)"
"$L" sim "$nir" --pipeline --steps 3 2> err.txt && fail "sim NIR --pipeline accepted"
"$L" cosim net.seir --reset subtract --steps 3 2> err.txt && fail "cosim SEIR --reset accepted"
"$L" compile "$DATA/nir/lif_norse.nir" --arch W=10,S=20 -o w.seir || fail "NIR --arch refused"
echo "ignored options refused ok"

# --- a real error is the only line: notes of a failed setup are dropped
"$L" sim net.seir --steps 5 --seed 3 --inputs missing.csv 2> err.txt && fail "missing inputs accepted"
[ "$(wc -l < err.txt)" = 1 ] || fail "sim error preceded by other lines: $(cat err.txt)"
"$L" sim net.seir --steps 5 --seed 3 2> err.txt > /dev/null || fail "sim"
grep -q "note: --seed has no effect" err.txt || fail "sim: notes of a good run lost"
echo "notes ok"

# --- a port with nothing behind it: fails within 3 tries, says what to check
py "
import os, pty, time, sys
m, s = pty.openpty()
open('silent.txt', 'w').write(os.ttyname(s) + '\n')
time.sleep(30)
" &
sp=$!
trap 'kill $vb $sp 2> /dev/null; wait 2> /dev/null' EXIT
for _ in $(seq 50); do [ -s silent.txt ] && break; sleep 0.1; done
t0=$(date +%s%N)
"$L" run --port "$(cat silent.txt)" net.seir --steps 3 --timeout-ms 200 2> err.txt && fail "a silent port worked"
ms=$((($(date +%s%N) - t0) / 1000000))
grep -q "nothing answered IDENTIFY at 3000000 baud" err.txt || fail "silent port: no hint: $(cat err.txt)"
grep -q -- "--baud" err.txt || fail "silent port: baud not mentioned"
[ $ms -lt 5000 ] || fail "silent port took $ms ms to fail (3 tries of 200 ms and backoff expected)"
echo "silent port ok ($ms ms)"

# --- loom report reads DIR/report.json by its structure: the capacity's
# "neurons" is not the model's, a path with quotes and a key inside it is
# printed as it is
mkdir -p rdir
cat > rdir/report.json <<'REP'
{
  "board": "icebreaker", "device": "up5k", "package": "sg48", "clock_source": "12 MHz osc",
  "engine": "array", "clock_mhz": 24.000, "fmax_mhz": 26.70, "timing_met": true,
  "luts_used": 4346, "luts_total": 5280, "lut4_cells": 3900, "carries": 300, "ffs": 1200,
  "bram_used": 28, "bram_total": 30, "spram_used": 4, "spram_total": 4, "dsp_used": 4, "dsp_total": 8,
  "W": 8, "S": 16, "A": 16, "cores": 1, "neurons": 1024, "synapses": 32768, "max_delay": 15,
  "profiles": 16, "levels": 64, "inputs": 128, "baud": 3000000, "boot_bytes_total": 8192,
  "yosys_s": 21.0, "nextpnr_s": 42.0, "cached": false,
  "model": {"path": "my \"neurons\": 5 net.seir", "neurons": 12, "synapses": 40, "inputs": 4,
            "levels": 3, "neuron_share": 0.0117, "synapse_share": 0.0012, "boot_bytes_used": 900,
            "input_rate": 0.1, "neuron_rate": 0.05, "cycles_per_step": 812.5, "steps_per_s": 29538}
}
REP
"$L" report rdir > rep.out || fail "loom report"
grep -q '^capacity  1024 neurons, 32768 synapses, max delay 15, 16 profiles$' rep.out || fail "report capacity: $(cat rep.out)"
grep -q '^model     my "neurons": 5 net.seir: 12 neurons (1.2%), 40 synapses (0.1%), 3 levels$' rep.out ||
    fail "report model line: $(cat rep.out)"
grep -q '^tools     yosys 21.0 s, nextpnr 42.0 s$' rep.out || fail "report tools line: $(cat rep.out)"
echo '{"board": ' > rdir/report.json
"$L" report rdir 2> err.txt && fail "a broken report.json was read"
grep -q "rdir/report.json:2:" err.txt || fail "broken report.json: no line: $(cat err.txt)"
echo "report ok"

# --- help: examples everywhere, no paragraph twice; evolve 0 generations
for c in sim compile gen cosim run vboard info build report evolve fly demo bench; do
    "$L" "$c" --help > help.txt 2>&1 || fail "$c --help"
    grep -q "^examples:" help.txt || fail "loom $c --help has no examples"
done
"$L" run --help > help.txt
[ "$(grep -c '^  --baked' help.txt)" = 1 ] || fail "run --help lists --baked more than once"
"$L" evolve --generations 0 --seed 3 -o e0.seir > ev.txt || fail "evolve --generations 0"
grep -qi "inf" ev.txt && fail "evolve --generations 0 prints: $(cat ev.txt)"
grep -q "no candidate evaluated" ev.txt || fail "evolve 0: $(cat ev.txt)"
echo "help and evolve ok"
echo "cli_json: all ok"
