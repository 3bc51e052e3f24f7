#!/bin/sh
# link.sh -- the host link through the virtual board of the default board
# (loom vboard --board icebreaker: its loom_board_core with its UART under
# Verilator, 3 Mbaud of a 24 MHz clock, on a pty): round trip, steps per
# second request/response and streaming, bytes on the wire per step (16
# input events + all output words of the board's array), and the line-rate
# bounds of a real board at the same baud rate.
set -u
BUILD=${BUILD:-build}
LOOM="$BUILD/bin/loom"
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$LOOM" vboard --board icebreaker --quiet --pty-file "$tmp/pty" >/dev/null &
pid=$!
i=0
while [ ! -s "$tmp/pty" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$tmp/pty" ] || { echo "link bench: virtual board did not start" >&2; exit 1; }
"$LOOM" vboard --ping "$(cat "$tmp/pty")" --bench 300 | grep '^bench '
