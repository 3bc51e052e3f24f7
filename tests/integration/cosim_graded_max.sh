#!/usr/bin/env bash
# cosim_graded_max.sh -- a graded channel declared `max=N` takes values in
# [-N, N].  The Poisson generator draws graded values far beyond that (the
# blimp controller's err/derr channels are max=1400; --poisson 0.3 draws
# -9161 at step 1): it gives them saturated, as the reference model takes
# them, so that (1) `loom sim --save-inputs` writes a stimulus its own
# readers accept and that replays to the same run, (2) `loom cosim` feeds
# the RTL the same values, and (3) `loom run` sends a board the same values.
# (Before the cosim fix the RTL took them raw and 120 fields mismatched at
# step 1; before the generator fix the saved CSV was refused on replay:
# "beyond its declared bound max=1400".)
set -u
fail() { echo "FAIL: $*"; exit 1; }
root=$(cd "$(dirname "$0")/../.." && pwd)
net="$root/examples/blimp/controller.seir"
grep -q 'graded max=1400' "$net" || fail "$net has no channel declared graded max=1400"
"$LOOM" sim "$net" --steps 50 --poisson 0.3 --seed 1 --save-inputs "$WORK/in.csv" \
    --out-spikes "$WORK/poisson.spk" --quiet >/dev/null || fail "sim --poisson --save-inputs"
awk -F, 'NR > 1 && ($3 > 1400 || $3 < -1400) { bad++ } NR > 1 && ($3 == 1400 || $3 == -1400) { sat++ }
         END { if (bad) { print "values beyond max=1400: " bad; exit 1 }
               if (!sat) { print "no saturated value, so this test checks nothing"; exit 1 } }' \
    "$WORK/in.csv" || fail "saved Poisson stimulus"
"$LOOM" sim "$net" --steps 50 --inputs "$WORK/in.csv" --out-spikes "$WORK/replay.spk" --quiet >/dev/null ||
    fail "the saved Poisson stimulus does not replay"
[ "$(wc -l < "$WORK/poisson.spk")" -gt 1 ] || fail "no spikes, so the replay comparison checks nothing"
cmp -s "$WORK/poisson.spk" "$WORK/replay.spk" || fail "the replay's spikes differ from the Poisson run's"
out=$(cd "$WORK" && "$LOOM" cosim "$net" --config up5k --steps 200 --poisson 0.3 --seed 1 --quiet 2>&1); rc=$?
echo "$out" | tail -3
[ $rc -eq 0 ] || fail "cosim exit $rc"
grep -q '^mismatches 0$' <<<"$out" || fail "RTL and reference differ on saturated graded inputs"
grep -q '^steps 200$' <<<"$out" || fail "not all 200 steps ran"
# (3) a board gets the saturated values too: before the generator fix
# `loom run --poisson --check` on the icebreaker's virtual board differed
# from the reference in 98 of 100 steps (the RTL took -9161 raw)
"$LOOM" vboard --board icebreaker --pty-file "$WORK/pty.txt" --quiet > /dev/null &
vb=$!
trap 'kill $vb 2>/dev/null' EXIT
for _ in $(seq 300); do [ -s "$WORK/pty.txt" ] && break; sleep 0.1; done
[ -s "$WORK/pty.txt" ] || fail "the virtual board never got ready"
"$LOOM" run --port "$(cat "$WORK/pty.txt")" "$net" --steps 100 --poisson 0.3 --seed 1 --check \
    > "$WORK/run.txt" 2>&1 || { cat "$WORK/run.txt"; fail "loom run --check"; }
grep -q '^check: 0 steps differ' "$WORK/run.txt" || { cat "$WORK/run.txt"; fail "the board differs from the reference"; }
grep -q '^run: 100 steps' "$WORK/run.txt" || { cat "$WORK/run.txt"; fail "not all 100 steps ran on the board"; }
echo "PASS cosim_graded_max"
