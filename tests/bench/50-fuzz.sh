#!/bin/sh
# 50-fuzz.sh -- executions per second of every libFuzzer harness (tests/fuzz/,
# ASan + UBSan), 10 s each on the seed corpus:
#   bench fuzz.<target>.execs_per_s <value> execs/s
set -u
BUILD=${BUILD:-build}
make --no-print-directory -s BUILD="$BUILD" $(for s in tests/fuzz/fuzz_*.c; do b=${s##*/}; echo "$BUILD/fuzz/${b%.c}"; done) >&2 || exit 1
BUILD=$BUILD tests/fuzz/run.sh 10 "$BUILD"/fuzz/fuzz_* | grep '^bench ' || exit 1
