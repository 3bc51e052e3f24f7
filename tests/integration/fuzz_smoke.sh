#!/usr/bin/env bash
# fuzz_smoke.sh -- every libFuzzer harness of tests/fuzz/ (built by make
# test: tests/fuzz.mk) runs FUZZ_SMOKE_SECONDS [10] on its seed corpus and
# the kept regression inputs, with no crash, leak, timeout or OOM report;
# all harnesses must be there and must have run.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bins=()
for src in tests/fuzz/fuzz_*.c; do
    b="$BUILD/fuzz/$(basename "$src" .c)"
    [ -x "$b" ] || { echo "FAIL: $b not built"; exit 1; }
    bins+=("$b")
done
[ ${#bins[@]} -ge 7 ] || { echo "FAIL: only ${#bins[@]} harnesses"; exit 1; }
out=$(BUILD=$BUILD tests/fuzz/run.sh "${FUZZ_SMOKE_SECONDS:-10}" "${bins[@]}"); rc=$?
echo "$out"
[ $rc -eq 0 ] || { echo "FAIL: a harness found a failure"; exit 1; }
[ "$(echo "$out" | grep -c ', 0 crashes$')" -eq ${#bins[@]} ] || { echo "FAIL: not every harness reported"; exit 1; }
