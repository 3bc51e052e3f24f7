#!/usr/bin/env bash
# link_stall.sh -- the host link's adaptive resend timeout (docs/protocol.md)
# when the board stops answering for a while: the icebreaker's virtual board
# is frozen (SIGSTOP) for 3 s in the middle of a `loom run`; the run shows
# "link stalled" lines (LOOM_PROGRESS=1 stands for a terminal), resumes when
# the board does, and its spikes equal an unstalled run's; --quiet shows no
# such line.
set -u
. "$(dirname "$0")/../support/vboard.sh"
"$LOOM" gen --seed 3 --neurons 60 --inputs 8 --arch W=12,S=20,A=20,D=15 -o "$WORK/net.seir" >/dev/null \
    || fail "gen"
"$LOOM" vboard --quiet --board icebreaker --pty-file "$WORK/pty" >/dev/null 2>"$WORK/vb.err" &
vb=$!
pids+=($vb)
wait_file "$WORK/pty" || fail "no pty"
port=$(cat "$WORK/pty")
run() { "$LOOM" run --port "$port" "$WORK/net.seir" --steps 3000 --poisson 0.1 --seed 2 "$@"; }
run --out-spikes "$WORK/ref.csv" --quiet >/dev/null 2>&1 || fail "run without a stall"

LOOM_PROGRESS=1 run --out-spikes "$WORK/stall.csv" >"$WORK/stall.out" 2>"$WORK/stall.err" &
r=$!
sleep 0.5
kill -STOP $vb
sleep 3
kill -CONT $vb
wait $r || { cat "$WORK/stall.err"; fail "run with a 3 s stall"; }
grep -q 'run: link stalled: no answer for [0-9.]* s to request seq' "$WORK/stall.err" \
    || { cat "$WORK/stall.err"; fail "no stall line"; }
cmp -s "$WORK/ref.csv" "$WORK/stall.csv" || fail "spikes differ after a stall"
n=$(wc -l <"$WORK/ref.csv")
[ "$n" -gt 100 ] || fail "only $n lines of spikes compared"

# --quiet: no stall lines
LOOM_PROGRESS=1 run --quiet --out-spikes "$WORK/q.csv" >/dev/null 2>"$WORK/q.err" &
r=$!
sleep 0.5
kill -STOP $vb
sleep 2
kill -CONT $vb
wait $r || fail "quiet run with a stall"
! grep -q 'link stalled' "$WORK/q.err" || fail "--quiet printed a stall line"
cmp -s "$WORK/ref.csv" "$WORK/q.csv" || fail "spikes differ after a quiet stall"

echo "link_stall ok"
