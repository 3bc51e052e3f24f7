#!/usr/bin/env bash
# link_run.sh -- `loom run` against `loom vboard` (the RTL with its UART
# under Verilator), 1,000 streamed steps each, spikes identical to `loom sim
# --outputs-only` and --check clean: an EPFL AIGER circuit and a small NIR
# model on the icebreaker's own virtual board; the braille NIR model (45
# profiles: too many for the icebreaker) on the generic 4-core config c4;
# the braille model again, 1,000 steps with 1% of the bytes dropped or
# corrupted in each direction over TCP (every step exactly once: the spikes
# still equal loom sim's); and a board killed mid-run: non-zero exit within
# the retry budget, the spikes received so far kept.
set -u
. "$(dirname "$0")/../support/vboard.sh"
nir="$DATA/nir/braille_nirtorch.nir"
small="$DATA/nir/lif_norse.nir"
aig="$DATA/aig/epfl/ctrl.aig"
[ -f "$nir" ] && [ -f "$aig" ] && [ -f "$small" ] || { echo "test data missing in $DATA"; exit 77; }

"$LOOM" vboard --quiet --board icebreaker --pty-file "$WORK/pty0" >/dev/null 2>"$WORK/vb0.err" &
pids+=($!)
"$LOOM" vboard --quiet --config c4 --pty-file "$WORK/pty" >/dev/null 2>"$WORK/vb1.err" &
pids+=($!)
wait_file "$WORK/pty0" || fail "no pty 0"
wait_file "$WORK/pty" || fail "no pty"

for model in "$aig" "$small" "$nir"; do  # (acceptance: 1,000 steps each)
    pty=$(cat "$WORK/pty0")
    [ "$model" = "$nir" ] && pty=$(cat "$WORK/pty")
    run_vs_sim "$pty" "$model" 1000 0.2 7
done

# 1% faults each way, over TCP
"$LOOM" vboard --quiet --config c4 --tcp 0 --port-file "$WORK/tcp" --fault-rate 0.01 --seed 11 >/dev/null 2>"$WORK/vb2.err" &
pids+=($!)
wait_file "$WORK/tcp" || fail "no port file"
run_faulty "$(cat "$WORK/tcp")" "$nir" 1000 0.2 7 30
b=$(basename "$nir")

# kill the board mid-run
"$LOOM" vboard --quiet --config c4 --pty-file "$WORK/pty3" >/dev/null 2>&1 &
vb3=$!
pids+=($vb3)
wait_file "$WORK/pty3" || fail "no pty 3"
LOOM_PROGRESS=1 "$LOOM" run --port "$(cat "$WORK/pty3")" "$nir" --steps 1000000 --poisson 0.2 --seed 7 \
    --out-spikes "$WORK/killed.csv" --timeout-ms 200 --tries 3 >"$WORK/killed.log" 2>&1 &
run=$!
i=0   # the progress line shows once the run has streamed for a second
until grep -q 'run: [0-9]*/1000000' "$WORK/killed.log" 2>/dev/null; do
    [ $i -lt 600 ] || fail "loom run showed no progress in 60 s"
    sleep 0.1; i=$((i + 1))
done
kill "$vb3"
t0=$(date +%s%N)
wait "$run"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
tr '\r' '\n' <"$WORK/killed.log" | tail -n 3
[ $rc -ne 0 ] || fail "loom run exited 0 after the board died"
[ $ms -lt 3000 ] || fail "loom run took $ms ms to notice the lost board"
grep -q "lost" "$WORK/killed.log" || fail "no 'link lost' message"
lines=$(wc -l <"$WORK/killed.csv")
[ "$lines" -gt 2 ] || fail "the spikes received before the loss were not kept"
head -n "$((lines - 1))" "$WORK/killed.csv" | cmp - <(head -n "$((lines - 1))" "$WORK/$b.sim.csv") \
    || fail "the kept spikes differ from loom sim"
echo "killed board: exit $rc after $ms ms, $((lines - 1)) spike lines kept"
