#!/usr/bin/env bash
# link_vboard.sh -- `loom vboard` as a process: served on a pty (path
# written to --pty-file) and on a TCP port with 2% of the bytes dropped or
# corrupted each way; `loom vboard --ping` identifies it, reads the arch
# registers and counters; after the board is killed, a ping fails within its
# timeout with a clear message and a non-zero exit code.
set -u
. "$(dirname "$0")/../support/vboard.sh"
# the array's VERSION register holds the map's version (one source)
ver=$(sed -n 's/^#define LOOM_MAP_RTL_VERSION \([0-9]*\).*/\1/p' "$(dirname "$0")/../../hls_ref/loom_map.h")
[ -n "$ver" ] || fail "no LOOM_MAP_RTL_VERSION in hls_ref/loom_map.h"

# pty
"$LOOM" vboard --board icebreaker --baud 3000000 --pty-file "$WORK/pty" >"$WORK/vb1.out" 2>"$WORK/vb1.err" &
pids+=($!)
wait_file "$WORK/pty" || fail "no pty file"
pty=$(cat "$WORK/pty")
[[ "$pty" == /dev/pts/* ]] || fail "pty file holds '$pty'"
"$LOOM" vboard --ping "$pty" >"$WORK/ping1" 2>&1 || { cat "$WORK/ping1"; fail "ping over the pty"; }
cat "$WORK/ping1"
grep -q "^id 0x4C4F4F4D version $ver\$" "$WORK/ping1" || fail "ID register"
# the icebreaker's own clock, UART and arch config, as the board table says
arch=$("$LOOM" build --list | awk '$1=="icebreaker"')
par() { echo "$arch" | grep -o " $1=[0-9]*" | cut -d= -f2; }
clk=$(echo "$arch" | awk '{printf "%d", $4 * 1000000}')
grep -q "^link proto 3 rtl $ver board 1 max_payload 248 clk_hz $clk baud 3000000\$" "$WORK/ping1" || fail "identity"
grep -q "^arch W=$(par W) S=$(par S) A=$(par A) D=$(par D) cores=$(par cores) neurons=$(par neurons) syn_words=$(par syn_words) profiles=$(par profiles) max_inputs=$(par inputs) levels=$(par levels)\$" \
    "$WORK/ping1" || fail "arch registers differ from the board table: $arch"
# every board of the table has its virtual board
for b in $("$LOOM" build --list | awk 'NR > 1 {print $1}'); do
    "$LOOM" vboard --list-configs | grep -qx "$b" || fail "no virtual board for $b"
done
"$LOOM" vboard --board nosuch --pty-file "$WORK/x" 2>"$WORK/nosuch.err" && fail "unknown board accepted"
grep -q "unknown board 'nosuch' (known: icebreaker" "$WORK/nosuch.err" || { cat "$WORK/nosuch.err"; fail "message for an unknown board"; }
grep -q '^board counters ok 3 crc 0 format 0$' "$WORK/ping1" || fail "board counters"
grep -q '^link rings rx 512 tx 512 window 4$' "$WORK/ping1" || fail "rings and window"
# a second client on the same pty: the board keeps serving
"$LOOM" vboard --ping "$pty" >"$WORK/ping2" 2>&1 || { cat "$WORK/ping2"; fail "second ping"; }

# TCP with faults
"$LOOM" vboard --tcp 0 --port-file "$WORK/tcp" --fault-rate 0.02 --seed 3 >"$WORK/vb2.out" 2>"$WORK/vb2.err" &
pids+=($!)
vb2=$!
wait_file "$WORK/tcp" || fail "no port file"
spec=$(cat "$WORK/tcp")
[[ "$spec" == tcp:127.0.0.1:* ]] || fail "port file holds '$spec'"
"$LOOM" vboard --ping "$spec" --timeout-ms 100 --tries 60 >"$WORK/ping3" 2>&1 || { cat "$WORK/ping3"; fail "ping over TCP with faults"; }
cat "$WORK/ping3"
grep -q "^id 0x4C4F4F4D version $ver\$" "$WORK/ping3" || fail "ID register with faults"

# the board dies: the host says so within its timeout budget (4 x 100 ms)
kill "$vb2"; wait "$vb2" 2>/dev/null
t0=$(date +%s%N)
"$LOOM" vboard --ping "$spec" --timeout-ms 100 --tries 4 >"$WORK/ping4" 2>&1 && fail "ping of a dead board succeeded"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
cat "$WORK/ping4"
grep -q "cannot connect to $spec" "$WORK/ping4" || fail "message for a dead TCP board"
[ "$ms" -lt 3000 ] || fail "took $ms ms"

kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null
"$LOOM" vboard --ping "$pty" --timeout-ms 100 --tries 4 >"$WORK/ping5" 2>&1 && fail "ping of a dead pty board succeeded"
cat "$WORK/ping5"
grep -q "$pty" "$WORK/ping5" || fail "message names the pty"
# unknown port: clear message
"$LOOM" vboard --ping /dev/ttyUSB9 >"$WORK/ping6" 2>&1 && fail "ping of /dev/ttyUSB9 succeeded"
grep -q "no such port /dev/ttyUSB9" "$WORK/ping6" || { cat "$WORK/ping6"; fail "message for /dev/ttyUSB9"; }
echo "ok"
