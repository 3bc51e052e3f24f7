#!/bin/sh
# tests/bench/61-fastloop.sh -- the quadrotor attitude loop (docs/attitude.md)
# through the icebreaker's virtual board at 3 Mbaud: the control rate the
# virtual board sustained (1 / the round trip of one period in simulated
# time), the rate a real link at the board's baud allows for the bytes of one
# period, the bytes per period each way, and the shipped attitude
# controller's held-out RMSE against the tuned PID's.
set -e
BUILD=${BUILD:-build}
LOOM=${LOOM:-$BUILD/bin/loom}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$LOOM" demo attitude --duration 0.5 --plot "$tmp/a.png" > "$tmp/out.txt" 2> "$tmp/err.txt" || { cat "$tmp/err.txt" >&2; exit 1; }
line=$(grep '^fastloop ' "$tmp/out.txt")
val() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
echo "bench fastloop.vboard.hz $(val vboard_hz) Hz"
echo "bench fastloop.board.hz_max $(val board_hz_max) Hz"
echo "bench fastloop.bytes_in $(val bytes_in) bytes/period"
echo "bench fastloop.bytes_out $(val bytes_out) bytes/period"
echo "bench fastloop.round_trip $(val round_trip_us) us"
"$LOOM" fly --sim --heldout --plant attitude --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("bench fastloop.heldout.rmse_ratio_pid %.4f ratio" % d["rmse_ratio_pid"])'
