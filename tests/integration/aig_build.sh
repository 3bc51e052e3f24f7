#!/usr/bin/env bash
# aig_build.sh -- AIGER circuits of a few thousand gates on the icebreaker
# (issue 17's acceptance, issue 16 item 5), with the circuits of
# tests/data/aig (yosys-made, README.md there):
#   1. add147 (147 inputs > the generic 128, 1,002 ANDs) and mac14 (2,037
#      ANDs, 2,044 neurons > the generic 1,024): `loom build --plan` chooses
#      the narrowest exact widths (W=2 S=4) with tables shrunk to the
#      circuit, says why, and `loom compile --board` takes the same arch
#      (no refusal at input channels or neurons: they are tables)
#   2. mul16 (2,536 ANDs) does not fit: refused at once, naming the
#      generic arch's exceeded limit and the block RAM the smallest arch
#      holding it would need
#   3. mac14 built for real (yosys + nextpnr, about 3-5 min on 2 busy
#      cores; none when loom's synthesis cache holds the arch): fits,
#      meets the board clock, report.json has the chosen arch; then
#      `loom vboard --build DIR` + `loom run --baked` on Poisson inputs
#      equals `loom sim` of the compiled model.  Prints the times taken.
set -eu
. "$(dirname "$0")/../support/vboard.sh"
for t in yosys nextpnr-ice40 icepack verilator; do
    command -v $t > /dev/null || { echo "skip: $t not installed (make deps)"; exit 77; }
done
AIG="$(cd "$(dirname "$0")/../data/aig" && pwd)"
cd "$WORK"
# the synthesis cache is loom's own ($LOOM_SYNTH_CACHE, else the user's
# cache folder): a rerun with the same arch takes no yosys or nextpnr run
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval('d'+sys.argv[2]))" "$@"; }
t_all=$SECONDS

# 1. the choice, without tools
for c in add147 mac14; do
    "$LOOM" build --board icebreaker "$AIG/$c.aig" --plan -o "p_$c" -q > "p_$c.out" || { cat "p_$c.out"; fail "$c: --plan"; }
    [ "$(jget "p_$c/plan.json" "['arch_choice']['chosen']")" = chosen ] || { cat "p_$c/plan.json"; fail "$c: not chosen"; }
    [ "$(jget "p_$c/arch.json" "['W']") $(jget "p_$c/arch.json" "['S']")" = "2 4" ] ||
        { cat "p_$c/arch.json"; fail "$c: not the narrowest exact widths"; }
    grep -q "narrowest widths that run it exactly" "p_$c/plan.json" || { cat "p_$c/plan.json"; fail "$c: no reason"; }
    "$LOOM" compile "$AIG/$c.aig" --board icebreaker -o "$c.seir" --json > "c_$c.json" || fail "$c: compile --board"
    for k in W S A; do
        [ "$(jget "c_$c.json" "['arch']['$k']")" = "$(jget "p_$c/arch.json" "['$k']")" ] ||
            fail "$c: loom compile --board chose another $k"
    done
    echo "$c: $(jget "c_$c.json" "['aiger']['gates']") ANDs, $(jget "c_$c.json" "['aiger']['inputs']") inputs," \
         "arch $(grep '^arch' "p_$c.out" | cut -c11- | cut -d'(' -f1)"
done
[ "$(jget p_add147/arch.json "['max_inputs']")" -ge 147 ] || fail "add147: input table below 147"
[ "$(jget p_mac14/arch.json "['neurons']")" -ge 2044 ] || fail "mac14: neuron table below 2,044"

# 2. too large: refused in well under a second, naming the resources
t0=$(date +%s%N)
if "$LOOM" compile "$AIG/mul16.aig" --board icebreaker -o m.seir 2> m.err; then fail "mul16 accepted"; fi
t1=$(date +%s%N)
cat m.err
grep -q "limits exceeded: neurons 2,544 > 1,024" m.err || fail "mul16: the generic limit is not named"
grep -q "needs block RAM [0-9]* > 30" m.err || fail "mul16: the block RAM is not named"
! grep -q "input channels" m.err || fail "mul16: refused at input channels"
[ $(((t1 - t0) / 1000000)) -lt 5000 ] || fail "mul16: refusal took $(((t1 - t0) / 1000000)) ms"

# 3. mac14 for real
t0=$SECONDS
D="$WORK/mac14"
if ! "$LOOM" build --board icebreaker "$AIG/mac14.aig" -o "$D" -q > build.out 2>&1; then
    cat build.out
    grep -h "ERROR\|ICESTORM_LC\|ICESTORM_RAM\|SPRAM\|Max frequency" "$D"/nextpnr*.log 2> /dev/null | head -20
    fail "mac14: loom build"
fi
t_build=$((SECONDS - t0))
grep -q '"timing_met": true' "$D/report.json" || { cat "$D/report.json"; fail "mac14: timing not met"; }
python3 - "$D/report.json" "$D/arch.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); a = json.load(open(sys.argv[2]))
c = r["arch_choice"]
assert c["chosen"] == "chosen", c
for k in ("W", "S", "A", "D", "neurons", "syn_words", "profiles", "levels", "max_inputs"):
    assert c["arch"][k] == a[k], (k, c["arch"][k], a[k])
assert r["fmax_mhz"] >= r["clock_mhz"], (r["fmax_mhz"], r["clock_mhz"])
print("mac14: %d logic cells of %d, block RAM %d, SPRAM %d, Fmax %.1f MHz (clock %.0f)%s"
      % (r["luts_used"], r["luts_total"], r["bram_used"], r["spram_used"], r["fmax_mhz"], r["clock_mhz"],
         ", from the synthesis cache" if r.get("synth_cache") or r.get("cached") else ""))
PY
t0=$SECONDS
serve_build "$D" 240
t_vb=$((SECONDS - t0))
grep -q "the flash image replayed" "$WORK/vb.err" || fail "mac14: the board did not boot its flash image"
t0=$SECONDS
"$LOOM" run --port "$(cat "$WORK/pty")" mac14.seir --baked --steps 1000 --poisson 0.1 --seed 1 \
    --out-spikes run.csv > run.log 2>&1 || { cat run.log; fail "mac14: run --baked"; }
t_run=$((SECONDS - t0))
tail -2 run.log
"$LOOM" sim mac14.seir --steps 1000 --poisson 0.1 --seed 1 --outputs-only --out-spikes sim.csv --quiet
[ "$(wc -l < sim.csv)" -gt 100 ] || fail "mac14: too few spikes to compare"
cmp sim.csv run.csv || fail "mac14: the built design's spikes differ from loom sim"
stop_pid $vb
echo "mac14: build ${t_build} s, vboard --build ${t_vb} s, run --baked ${t_run} s; test $((SECONDS - t_all)) s"
echo ok
