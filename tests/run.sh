#!/usr/bin/env bash
# tests/run.sh -- runs every test of `make test` and ends with one line
# "N passed, N failed".
#
#   unit:NAME   build/tests/test_NAME          (cmocka, -O2)
#   san:NAME    build/tests-san/test_NAME      (the same under ASan+UBSan)
#   int:NAME    tests/integration/NAME.sh      (drives build/bin/loom; those in
#                                               SAN_INTEGRATION build/bin/loom-san)
#
# Integration scripts get LOOM (the binary), BUILD, DATA (../shared/data)
# and WORK (a fresh scratch folder) in the environment; exit 0 = pass,
# 77 = skipped (with the reason on stdout).  Output of a failing test is
# printed in full; a passing one prints one line.  TESTS=pattern selects.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
export LOOM="$PWD/$BUILD/bin/loom"
export DATA="${LOOM_DATA:-$PWD/../shared/data}"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pattern=${TESTS:-}
# one run at a time per build tree: two would share test-work/ and test-logs/
mkdir -p "$BUILD"
exec 9> "$BUILD/.test-run.lock"
if ! flock -n 9; then
    echo "tests/run.sh: another test run is using $BUILD (it holds $BUILD/.test-run.lock);" \
        "wait for it to end, or give this one a build tree of its own (BUILD=...)" >&2
    exit 1
fi
pass=0 fail=0 skip=0 failed=()
logdir="$BUILD/test-logs"
rm -rf "$logdir" && mkdir -p "$logdir"

run_one() { # name, command...
    local name=$1; shift
    if [ -n "$pattern" ] && [[ "$name" != *$pattern* ]]; then return; fi
    local log="$logdir/${name//[:\/]/_}.log" t0=$SECONDS rc
    "$@" >"$log" 2>&1 9>&-; rc=$?
    local dt=$((SECONDS - t0))
    if [ $rc -eq 0 ]; then
        pass=$((pass + 1)); printf 'PASS %-40s %4ds\n' "$name" "$dt"
    elif [ $rc -eq 77 ]; then
        skip=$((skip + 1)); printf 'SKIP %-40s %s\n' "$name" "$(tail -n 1 "$log")"
    else
        fail=$((fail + 1)); failed+=("$name"); printf 'FAIL %-40s %4ds (exit %d)\n' "$name" "$dt" "$rc"
        sed 's/^/    | /' "$log" | tail -n 60
    fi
}

for b in "$BUILD"/tests/test_*; do
    [ -x "$b" ] && [[ "$b" != *.o ]] || continue
    n=$(basename "$b"); run_one "unit:${n#test_}" "$b"
done
for b in "$BUILD"/tests-san/test_*; do
    [ -x "$b" ] && [[ "$b" != *.o ]] || continue
    n=$(basename "$b"); run_one "san:${n#test_}" "$b"
done
# the tests that feed loom bad input (errors, corrupt files, limits,
# interrupted runs) drive the ASan+UBSan build (tests/san.mk)
SAN_INTEGRATION=" cli_errors nir_corrupt interrupt link_faults_san "
for s in tests/integration/*.sh; do
    [ -f "$s" ] || continue
    n=$(basename "$s" .sh)
    work="$BUILD/test-work/$n"; rm -rf "$work"; mkdir -p "$work"
    if [[ "$SAN_INTEGRATION" == *" $n "* ]]; then
        LOOM="$PWD/$BUILD/bin/loom-san" WORK="$PWD/$work" run_one "int:$n" bash "$s"
    else
        WORK="$PWD/$work" run_one "int:$n" bash "$s"
    fi
done

echo
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
if [ $skip -gt 0 ]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ] && [ $pass -gt 0 ]
