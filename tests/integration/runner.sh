#!/usr/bin/env bash
# runner.sh -- tests/run.sh itself, on a build tree of stand-in unit tests
# (shell scripts in WORK/b/tests): TEST_JOBS=2 runs two at once (each of a
# pair waits for the other's mark, so run one at a time they would both
# fail), every result is reported once with the right counts and exit
# status, a failing test's output is shown, TEST_JOBS is checked, and
# SIGTERM stops the run and the tests it started.
set -u
fail() { echo "FAIL: $*"; exit 1; }
top=$(cd "$(dirname "$0")/../.." && pwd)
B="$WORK/b"
mkdir -p "$B/tests" "$WORK/marks"
mk() { printf '#!/usr/bin/env bash\n%s\n' "$2" > "$B/tests/test_$1"; chmod +x "$B/tests/test_$1"; }
M="$WORK/marks"
# a pair that passes only when both run at the same time
mk pair_a "touch $M/a; for i in \$(seq 100); do [ -e $M/b ] && exit 0; sleep 0.1; done; echo 'b never started'; exit 1"
mk pair_b "touch $M/b; for i in \$(seq 100); do [ -e $M/a ] && exit 0; sleep 0.1; done; echo 'a never started'; exit 1"
mk broken "echo 'the reason it failed'; exit 3"
mk skipped "echo 'needs a thing'; exit 77"
for k in 1 2 3 4 5; do mk "plain$k" "exit 0"; done

# run PATTERN VAR=VALUE...: never the caller's TESTS (int:runner would run itself)
run() { local p=$1; shift; (cd "$top" && env BUILD="$B" TESTS="$p" "$@" tests/run.sh); }
out=$(run unit: TEST_JOBS=2 2>&1); rc=$?
echo "$out"
[ $rc -ne 0 ] || fail "a run with a failing test exited 0"
echo "$out" | grep -q '^PASS unit:pair_a ' || fail "pair_a did not pass with TEST_JOBS=2"
echo "$out" | grep -q '^PASS unit:pair_b ' || fail "pair_b did not pass with TEST_JOBS=2"
echo "$out" | grep -q '^FAIL unit:broken .*(exit 3)' || fail "no FAIL line for broken"
echo "$out" | grep -q '| the reason it failed' || fail "the failing test's output is not shown"
echo "$out" | grep -q '^SKIP unit:skipped .*needs a thing' || fail "no SKIP line"
[ "$(echo "$out" | grep -c '^\(PASS\|FAIL\|SKIP\) ')" -eq 9 ] || fail "not 9 result lines"
echo "$out" | tail -n 1 | grep -qx '7 passed, 1 failed, 1 skipped' || fail "wrong final line"

# one at a time the pair cannot meet: the first waits for the second in vain
rm -f "$M"/*
out=$(run unit:pair TEST_JOBS=1 2>&1)
echo "$out" | grep -q '^FAIL unit:pair_a .*(exit 1)' || fail "TEST_JOBS=1 ran the pair at once: $out"
echo "$out" | tail -n 1 | grep -qx '1 passed, 1 failed' || fail "TEST_JOBS=1: wrong final line: $out"

for bad in 0 x -1 1000; do
    out=$(run unit: TEST_JOBS=$bad 2>&1) && fail "TEST_JOBS=$bad accepted"
    echo "$out" | grep -q "TEST_JOBS=$bad" || fail "TEST_JOBS=$bad: no message naming it"
done

# SIGTERM: exit 130, a line saying so, and the running tests stopped
rm -f "$M"/*
rm -f "$B"/tests/test_*
mk long "touch $M/long.\$\$; sleep 60; touch $M/finished"
(cd "$top" && BUILD="$B" TESTS=unit: TEST_JOBS=2 exec tests/run.sh) > "$WORK/term.out" 2>&1 &
r=$!
for i in $(seq 100); do ls "$M"/long.* > /dev/null 2>&1 && break; sleep 0.1; done
ls "$M"/long.* > /dev/null 2>&1 || fail "the long test never started"
kill -TERM $r
wait $r; rc=$?
[ $rc -eq 130 ] || fail "run.sh exited $rc on SIGTERM, not 130"
grep -q "interrupted" "$WORK/term.out" || fail "no line saying the run was interrupted"
p=$(ls "$M"/long.* | sed 's/.*long\.//')
# gone, or a zombie its new parent has not reaped yet
alive() { local st; st=$(ps -o stat= -p "$1" 2> /dev/null) && [[ "$st" != Z* ]]; }
for i in $(seq 50); do alive "$p" || break; sleep 0.1; done
alive "$p" && fail "the test's process $p still runs 5 s after SIGTERM"
[ -e "$M/finished" ] && fail "the test ran to its end"
echo "runner: ok"
