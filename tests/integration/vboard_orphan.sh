#!/usr/bin/env bash
# vboard_orphan.sh -- a program that starts a virtual board through libloom
# (loom_vboard_start, here from Python) and dies without stopping it
# (SIGKILL: no finaliser, no atexit) takes the board with it: the board's
# stdin is a pipe only the program held, and `loom vboard
# --until-stdin-eof` stops at its end of file.  Before, the Verilator model
# ran on as an orphan until someone killed it; and its temporary folder
# (the port and log files) is gone once the board is up.  Also: --until-stdin-eof
# from a shell, and a board started without it keeps serving.
set -u
fail() { echo "FAIL: $*"; exit 1; }
root=$(cd "$(dirname "$0")/../.." && pwd)
lib="$root/$BUILD/lib/libloom.so"
[ -e "$lib" ] || lib="$BUILD/lib/libloom.so"
mkdir -p "$WORK/t"
boards() { pgrep -f -- "--pty-file $WORK/t/" | wc -l; }
gone_within() { # SECONDS: wait until no board of this test runs
    for _ in $(seq $(($1 * 10))); do [ "$(boards)" -eq 0 ] && return 0; sleep 0.1; done
    return 1
}
( TMPDIR="$WORK/t" LOOM_LIBRARY="$lib" PYTHONPATH="$root/python" /usr/bin/python3 -c '
import os, signal, sys, loom
vb = loom.VirtualBoard("hx8k-breakout")
print(vb.port, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
' > "$WORK/port.txt" 2> "$WORK/py.err"; exit $? ) 2>/dev/null # (bash's "Killed" line)
rc=$?
[ $rc -eq 137 ] || { cat "$WORK/py.err"; fail "python exited $rc, expected 137 (SIGKILL)"; }
grep -q '^/dev/pts/' "$WORK/port.txt" || { cat "$WORK/py.err"; fail "no board was started"; }
gone_within 10 || { pkill -f -- "--pty-file $WORK/t/"; fail "the virtual board outlived the program that started it"; }
left=$(ls -d "$WORK"/t/loom-vboard-* 2>/dev/null)
[ -z "$left" ] || fail "the board's temporary folder was left behind: $left"

# from a shell: the board serves while the writer lives, stops at its end
mkfifo "$WORK/life"
"$LOOM" vboard --config c1 --pty-file "$WORK/t/pty" --until-stdin-eof --quiet < "$WORK/life" > "$WORK/vb.out" &
vb=$!
exec 7> "$WORK/life"
for _ in $(seq 300); do [ -s "$WORK/t/pty" ] && break; sleep 0.1; done
[ -s "$WORK/t/pty" ] || { kill $vb; fail "vboard --until-stdin-eof never got ready"; }
"$LOOM" vboard --ping "$(cat "$WORK/t/pty")" > "$WORK/ping.txt" 2>&1 || { kill $vb; cat "$WORK/ping.txt"; fail "ping"; }
kill -0 $vb 2>/dev/null || fail "the board stopped while its stdin was open"
exec 7>&-
for _ in $(seq 100); do kill -0 $vb 2>/dev/null || break; sleep 0.1; done
kill -0 $vb 2>/dev/null && { kill $vb; fail "the board did not stop at the end of its stdin"; }
wait $vb; rc=$?
[ $rc -eq 0 ] || fail "vboard --until-stdin-eof exited $rc after its end of file, expected 0"
echo "PASS vboard_orphan"
