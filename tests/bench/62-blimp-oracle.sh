#!/bin/sh
# tests/bench/62-blimp-oracle.sh -- how far the blimp's held-out RMSE target
# (<= 0.9 x the un-evolved start) is from what ANY controller reaches: two
# non-spiking high-gain (bang-bang) laws, one with the true state and plant,
# one with a model-based observer on the altimeter the SNN sees, at the
# protocol's 10 Hz and at 50 Hz (tests/bench/blimp_oracle.c, docs/blimp.md
# "What limits the RMSE").  Gains were chosen on validation flights only.
set -e
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror -Isw/blimp -Ihls_ref -Icompiler -Iinclude -Isw/io \
    tests/bench/blimp_oracle.c "$BUILD/lib/libloom.a" -lm -lpthread -o "$tmp/oracle"
"$tmp/oracle" 10
"$tmp/oracle" 50
