#!/usr/bin/env bash
# blimp_vboard.sh -- `loom fly --port` through `loom vboard --board icebreaker`
# (the icebreaker's own design, W=8 S=16 A=16 D=15, the RTL with its UART
# under Verilator, on a pty): the shipped controller, built for that arch
# (bounded graded inputs, docs/blimp.md), is mapped, loaded and flown one
# board step per control period; its trajectory (--trace) and final line
# must be identical to `loom fly --sim` with the same seed.  Also: a network
# that does not fit the board is refused naming
# the board's arch, --controller pid with --port is a usage error, and a
# vanished board is reported (non-zero exit).
set -u
. "$(dirname "$0")/../support/vboard.sh"
cd "$(dirname "$0")/../.."
ctl=examples/blimp/controller.seir
[ -f "$ctl" ] || { echo "no $ctl"; exit 77; }

"$LOOM" vboard --board icebreaker --quiet --pty-file "$WORK/pty" >/dev/null 2>"$WORK/vb.err" &
vb=$!
pids+=($vb)
wait_file "$WORK/pty" || fail "no pty"
pty=$(cat "$WORK/pty")

# two seeds, two profiles: identical trace files and final lines
for args in "--seed 3 --duration 12" "--seed 8 --duration 6 --profile 0:1.5,2:2.5,4:1"; do
    "$LOOM" fly --sim $args --trace "$WORK/sim.csv" >"$WORK/sim.txt" || fail "fly --sim $args"
    "$LOOM" fly --port "$pty" $args --trace "$WORK/port.csv" >"$WORK/port.txt" 2>"$WORK/port.err" \
        || { cat "$WORK/port.err"; fail "fly --port $args"; }
    cmp "$WORK/sim.csv" "$WORK/port.csv" || fail "$args: trajectories differ"
    ls=$(tail -n 1 "$WORK/sim.txt"); lp=$(tail -n 1 "$WORK/port.txt")
    [ "$ls" = "$lp" ] || fail "$args: final lines differ: '$ls' vs '$lp'"
    echo "$lp" | grep -Eq '^blimp rmse_snn=[0-9.]+ rmse_pid=[0-9.]+ rmse_start=[0-9.]+ sse_snn=[0-9.]+ sse_pid=[0-9.]+ sse_start=[0-9.]+ overshoot_snn=[0-9.]+ overshoot_pid=[0-9.]+ neurons=160 path=ref$' \
        || fail "final line format: $lp"
    grep -q "^network ran on  *$pty" "$WORK/port.txt" || fail "the table does not name the port"
    n=$(($(wc -l <"$WORK/port.csv") - 1))
    # the flight really moved: the SNN's commands are not all equal
    [ "$(cut -d, -f5 "$WORK/port.csv" | sed 1d | sort -u | wc -l)" -gt 10 ] || fail "constant commands"
    echo "fly $args: $n control periods identical through the virtual board"
done

# 0.2% of the bytes dropped or corrupted each way (TCP): retries, same trajectory
"$LOOM" vboard --config c1 --quiet --tcp 0 --port-file "$WORK/tcp" --fault-rate 0.002 --seed 5 \
    >/dev/null 2>"$WORK/vb2.err" &
pids+=($!)
wait_file "$WORK/tcp" || fail "no tcp port file"
"$LOOM" fly --sim --seed 4 --duration 5 --trace "$WORK/sim.csv" >"$WORK/sim.txt" || fail "fly --sim seed 4"
"$LOOM" fly --port "$(cat "$WORK/tcp")" --seed 4 --duration 5 --trace "$WORK/noisy.csv" --timeout-ms 30 --tries 60 \
    --max-payload 128 >"$WORK/noisy.txt" 2>"$WORK/noisy.err" || { cat "$WORK/noisy.err"; fail "fly over a noisy link"; }
cmp "$WORK/sim.csv" "$WORK/noisy.csv" || fail "noisy link: trajectories differ"
[ "$(tail -n 1 "$WORK/sim.txt")" = "$(tail -n 1 "$WORK/noisy.txt")" ] || fail "noisy link: final lines differ"
resent=$(sed -n 's/^link frames resent  *\([0-9]*\) .*/\1/p' "$WORK/noisy.txt")
[ "${resent:-0}" -gt 0 ] || fail "no frame resent: were faults injected?"
echo "noisy link: identical trajectory, $resent frames resent"

# a net for another arch (S=24) does not fit: refused, naming the board's arch
sed 's/^arch W=8 S=16 A=16 D=15$/arch W=8 S=24 A=16 D=15/' "$ctl" >"$WORK/s24.seir"
grep -q '^arch W=8 S=24' "$WORK/s24.seir" || fail "could not make the S=24 net"
"$LOOM" fly --port "$pty" --controller "$WORK/s24.seir" --duration 1 >/dev/null 2>"$WORK/s24.err"
rc=$?
[ $rc -ne 0 ] || fail "S=24 controller accepted"
grep -q 'does not fit the board (W=8 S=16' "$WORK/s24.err" || { cat "$WORK/s24.err"; fail "refusal message"; }

# the same controller declared for A=24 is refused by the icebreaker, naming both
sed 's/^arch W=8 S=16 A=16 D=15$/arch W=8 S=16 A=24 D=15/' "$ctl" >"$WORK/a24.seir"
grep -q '^arch W=8 S=16 A=24' "$WORK/a24.seir" || fail "could not make the A=24 net"
"$LOOM" fly --port "$pty" --controller "$WORK/a24.seir" --duration 1 >/dev/null 2>"$WORK/ib.err" && fail "A=24 controller accepted by the icebreaker"
grep -q "the net assumes accumulators of A=24 bits, the build has A=16" "$WORK/ib.err" || { cat "$WORK/ib.err"; fail "icebreaker refusal message"; }

"$LOOM" fly --port "$pty" --controller pid --duration 1 >/dev/null 2>&1
[ $? -eq 2 ] || fail "--controller pid --port should be a usage error"
"$LOOM" fly --sim --port "$pty" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--sim --port should be a usage error"

# the board goes away mid-flight: a clear error, non-zero exit
"$LOOM" fly --port "$pty" --seed 1 --duration 3600 --timeout-ms 100 >"$WORK/k.txt" 2>"$WORK/k.err" &
fl=$!
sleep 8 # the load takes 1-4 s on a busy machine: lose the board mid-flight, not mid-load
# (3,600 s of flight: even a fast machine is still flying after 8 s)
kill "$vb"; wait "$vb" 2>/dev/null
i=0; while kill -0 "$fl" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$fl" 2>/dev/null && { kill "$fl"; fail "fly did not notice the lost board"; }
wait "$fl"; rc=$?
[ $rc -ne 0 ] || fail "fly exited 0 after losing the board"
grep -q 'control step [0-9]' "$WORK/k.err" || { cat "$WORK/k.err"; fail "lost-link message names no step"; }
echo "lost board: $(head -n 1 "$WORK/k.err")"
echo "blimp_vboard ok"
