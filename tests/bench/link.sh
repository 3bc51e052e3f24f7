#!/bin/sh
# link.sh -- the host link through the virtual board (loom vboard: the RTL
# top with its UART under Verilator, 3 Mbaud of a 12 MHz clock, on a pty):
# request/response round trip, streaming steps per second, bytes on the wire
# per step (16 input events + all output words of config c1), and the
# line-rate bounds of a real board at the same baud rate.
set -u
BUILD=${BUILD:-build}
LOOM="$BUILD/bin/loom"
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$LOOM" vboard --quiet --pty-file "$tmp/pty" >/dev/null &
pid=$!
i=0
while [ ! -s "$tmp/pty" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$tmp/pty" ] || { echo "link bench: virtual board did not start" >&2; exit 1; }
"$LOOM" vboard --ping "$(cat "$tmp/pty")" --bench 300 | grep '^bench '
