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

# The NIR guard must not hide a fault of Loom's own code in its child: the
# harness with a heap overflow planted in front of the reader
# (tests/fuzz/planted_nir_fault.c) must stop on its first input with the
# sanitizer's report, blamed on Loom.
planted="$BUILD/fuzz/fuzz_nir_planted"
case $planted in /*) ;; *) planted="$root/$planted" ;; esac
[ -x "$planted" ] || { echo "FAIL: $planted not built"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
log="$tmp/log"
(cd "$tmp" && "$planted" -runs=1 -artifact_prefix="$tmp/" >"$log" 2>&1); rc=$?
[ $rc -ne 0 ] || { echo "FAIL: the planted fault in the NIR reader's child went unnoticed (exit 0)"; cat "$log"; exit 1; }
grep -q "blames Loom's code" "$log" && grep -q "heap-buffer-overflow" "$log" && grep -q "__wrap_nir_read_file" "$log" ||
    { echo "FAIL: the planted fault was not reported as Loom's"; cat "$log"; exit 1; }
echo "fuzz nir: a fault planted in Loom's reader is caught in the guard's child (exit $rc)"
