#!/bin/sh
# blimp_demo: `loom demo blimp` prints the comparison table and the summary
# line (board=icebreaker path=vboard: the icebreaker's own design), writes
# the PNG, and stays well inside its 3-minute budget; a controller for
# another arch fails (no fallback).
set -eu
cd "$(dirname "$0")/../.."
command -v gnuplot > /dev/null || { echo "gnuplot not installed"; exit 77; }
t0=$(date +%s)
"$LOOM" demo blimp --plot "$WORK/demo/blimp.png" > "$WORK/out.txt"
t1=$(date +%s)
cat "$WORK/out.txt"
grep -q '^altitude RMSE (m)' "$WORK/out.txt"
grep -q '^steady-state error (m)' "$WORK/out.txt"
grep -q '^settling time (s)' "$WORK/out.txt"
tail -n 1 "$WORK/out.txt" | grep -Eq '^blimp rmse_snn=[0-9.]+ rmse_pid=[0-9.]+ rmse_start=[0-9.]+ sse_snn=[0-9.]+ sse_pid=[0-9.]+ sse_start=[0-9.]+ overshoot_snn=[0-9.]+ overshoot_pid=[0-9.]+ neurons=160 board=icebreaker path=vboard$'
grep -q "^demo: trajectory through the virtual board identical" "$WORK/out.txt"
# the held-out table of the shipped controller, before the summary line
grep -q '^held-out (blimp): 24 flights of 60 s' "$WORK/out.txt"
grep -Eq '^held-out RMSE ratio: evolved/PID [0-9.]+, evolved/start [0-9.]+$' "$WORK/out.txt"
# a PNG: 8-byte signature 89 50 4E 47 0D 0A 1A 0A
[ "$(head -c 8 "$WORK/demo/blimp.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
[ $((t1 - t0)) -lt 180 ]
set +e
"$LOOM" demo kite > /dev/null 2>&1; rc=$?
set -e
[ $rc -eq 2 ]
# a controller built for another arch than the board's is an error, not a fallback
sed 's/^arch W=8 S=16 A=16 D=15$/arch W=8 S=16 A=24 D=15/' examples/blimp/controller.seir > "$WORK/a24.seir"
grep -q '^arch W=8 S=16 A=24' "$WORK/a24.seir"
set +e
"$LOOM" demo blimp --controller "$WORK/a24.seir" --plot "$WORK/a24.png" > /dev/null 2> "$WORK/a24.err"; rc=$?
set -e
[ $rc -eq 1 ]
grep -q 'is built for W=8 S=16 A=24 D=15, the icebreaker has W=8 S=16 A=16 D=15: it cannot fly on the board' "$WORK/a24.err"
echo "blimp_demo ok ($((t1 - t0)) s)"
