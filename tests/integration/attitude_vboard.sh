#!/bin/sh
# attitude_vboard: the fast plant (docs/attitude.md).  `loom demo attitude`
# flies the shipped controller at 1 kHz through the icebreaker's virtual
# board, its trajectory identical to the reference model's (the demo fails
# otherwise), reports the loop (bytes per period, round trip in simulated
# time, the rates) with a round trip short enough for 1 kHz and 42 bytes to
# the board per period, and ends with
# the summary line; `loom fly --plant attitude` is deterministic and says
# where it ran; --plant with a file and a fast plant is refused.
set -eu
cd "$(dirname "$0")/../.."
command -v gnuplot > /dev/null || { echo "gnuplot not installed"; exit 77; }
"$LOOM" demo attitude --duration 0.2 --plot "$WORK/att.png" > "$WORK/out.txt"
cat "$WORK/out.txt"
grep -q '^demo: trajectory through the virtual board identical to the reference model.s (201 control periods, seed 1)' "$WORK/out.txt"
grep -Eq '^loop: 201 control periods at 1000 Hz through the icebreaker virtual board at 3000000 baud' "$WORK/out.txt"
line=$(grep '^fastloop ' "$WORK/out.txt")
val() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
hz=$(val vboard_hz); max=$(val board_hz_max); rt=$(val round_trip_us)
[ "$hz" -ge 1000 ] || { echo "the virtual board sustained only $hz Hz"; exit 1; }
[ "$max" -ge 1000 ] || { echo "the link allows only $max Hz"; exit 1; }
awk -v rt="$rt" 'BEGIN { exit !(rt > 0 && rt < 1000) }'
# only the varying inputs go to the board (err, derr: no constant channel)
# and the two adjacent read-outs come back in one READ op: 42 bytes a
# period (docs/attitude.md; a resent frame adds a little, and the meter's
# two snapshots can fall either side of one frame: 41.9 was seen)
bi=$(val bytes_in)
awk -v b="$bi" 'BEGIN { exit !(b >= 41.5 && b < 44) }' || { echo "bytes to the board per period: $bi, expected 42"; exit 1; }
grep -q '^held-out (attitude): 24 flights of 5 s' "$WORK/out.txt"
tail -n 1 "$WORK/out.txt" | grep -Eq '^attitude rmse_snn=[0-9.]+ rmse_pid=[0-9.]+ rmse_start=[0-9.]+ sse_snn=[0-9.]+ sse_pid=[0-9.]+ sse_start=[0-9.]+ overshoot_snn=[0-9.]+ overshoot_pid=[0-9.]+ neurons=160 board=icebreaker path=vboard$'
[ "$(head -c 8 "$WORK/att.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
"$LOOM" fly --sim --plant attitude --duration 1 --trace "$WORK/a.csv" --quiet > "$WORK/a.txt"
"$LOOM" fly --sim --plant attitude --duration 1 --trace "$WORK/b.csv" --quiet > "$WORK/b.txt"
cmp "$WORK/a.csv" "$WORK/b.csv"
cmp "$WORK/a.txt" "$WORK/b.txt"
[ "$(wc -l < "$WORK/a.csv")" = 1002 ]
grep -Eq '^attitude rmse_snn=.* neurons=160 path=ref$' "$WORK/a.txt"
set +e
"$LOOM" fly --sim --plant attitude --plant examples/blimp/plant.txt > /dev/null 2> "$WORK/err.txt"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "a plant file gives the blimp's parameters" "$WORK/err.txt"
echo "attitude_vboard ok"
