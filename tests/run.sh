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
#
# TEST_JOBS=N tests run at once (default: one per CPU, at most 8), each line
# printed as its test ends; the longest tests start first so that the run
# takes about the longest test or its share of the total, whichever is more.
# Tests that share state outside their own WORK never overlap (SERIAL).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
export LOOM="$PWD/$BUILD/bin/loom"
export DATA="${LOOM_DATA:-$PWD/../shared/data}"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pattern=${TESTS:-}
cpus=$(nproc 2> /dev/null || echo 1)
jobs_max=${TEST_JOBS:-$((cpus < 8 ? cpus : 8))}
if ! [[ "$jobs_max" =~ ^[1-9][0-9]{0,2}$ ]]; then
    echo "tests/run.sh: TEST_JOBS=$jobs_max: give a number of tests to run at once, 1 to 999" >&2
    exit 2
fi
# one run at a time per build tree: two would share test-work/ and test-logs/
mkdir -p "$BUILD"
exec 9> "$BUILD/.test-run.lock"
if ! flock -n 9; then
    echo "tests/run.sh: another test run is using $BUILD (it holds $BUILD/.test-run.lock);" \
        "wait for it to end, or give this one a build tree of its own (BUILD=...)" >&2
    exit 1
fi
logdir="$BUILD/test-logs"
rm -rf "$logdir" && mkdir -p "$logdir"

# the tests that feed loom bad input (errors, corrupt files, limits,
# interrupted runs) drive the ASan+UBSan build (tests/san.mk)
SAN_INTEGRATION=" cli_errors nir_corrupt interrupt link_faults_san "
# started first, longest first (CI, 2 cores, 8 Dec 2026: 206, 81, 79, 64,
# 40, 38, 27, 20 s); the rest follow in the order below
LONG=" int:board_flow int:aig_build int:fuzz_smoke int:rtl_pnr int:cosim_random int:build_seeds int:cli_docs int:install_build "
# never two of one group at once: both installs run `make install` on the
# one build tree
SERIAL=" int:install_build=install int:install_prefix=install "

names=() cmds=() logs=()
add() { # name, the test's file
    if [ -n "$pattern" ] && [[ "$1" != *$pattern* ]]; then return; fi
    names+=("$1"); cmds+=("$2"); logs+=("$logdir/${1//[:\/]/_}")
}
for b in "$BUILD"/tests/test_* "$BUILD"/tests-san/test_*; do
    [ -x "$b" ] && [[ "$b" != *.o ]] || continue
    n=$(basename "$b"); n=${n#test_}
    if [[ "$b" == "$BUILD"/tests-san/* ]]; then add "san:$n" "$b"; else add "unit:$n" "$b"; fi
done
for s in tests/integration/*.sh; do
    [ -f "$s" ] || continue
    add "int:$(basename "$s" .sh)" "$s"
done
# the order: LONG's tests first, in LONG's order, then the others
order=()
for l in $LONG; do
    for i in "${!names[@]}"; do [ "${names[$i]}" = "$l" ] && order+=("$i"); done
done
for i in "${!names[@]}"; do [[ "$LONG" == *" ${names[$i]} "* ]] || order+=("$i"); done

group_of() { # name -> its SERIAL group, or nothing
    local g=${SERIAL#*" $1="}
    [ "$g" != "$SERIAL" ] && echo "${g%% *}"
}

start() { # index: runs the test in the background; its status and seconds go to LOG.rc
    local i=$1 name=${names[$1]} cmd=${cmds[$1]} log=${logs[$1]}
    (
        t0=$SECONDS
        case $name in
            int:*)
                n=${name#int:}
                work="$BUILD/test-work/$n"; rm -rf "$work"; mkdir -p "$work"
                bin=$LOOM
                [[ "$SAN_INTEGRATION" == *" $n "* ]] && bin="$PWD/$BUILD/bin/loom-san"
                LOOM=$bin WORK="$PWD/$work" env --default-signal=SIGINT,SIGQUIT bash "$cmd" ;;
            *) env --default-signal=SIGINT,SIGQUIT "$cmd" ;;
        esac > "$log.log" 2>&1
        rc=$?
        echo "$rc $((SECONDS - t0))" > "$log.rc.tmp" && mv "$log.rc.tmp" "$log.rc"
    ) 9>&- &
    pid[$i]=$!
}

report() { # index: one line, and the log's tail for a failure
    local name=${names[$1]} log=${logs[$1]} rc dt
    read -r rc dt < "$log.rc"
    if [ "$rc" -eq 0 ]; then
        pass=$((pass + 1)); printf 'PASS %-40s %4ds\n' "$name" "$dt"
    elif [ "$rc" -eq 77 ]; then
        skip=$((skip + 1)); printf 'SKIP %-40s %s\n' "$name" "$(tail -n 1 "$log.log")"
    else
        fail=$((fail + 1)); failed+=("$name"); printf 'FAIL %-40s %4ds (exit %d)\n' "$name" "$dt" "$rc"
        sed 's/^/    | /' "$log.log" | tail -n 60
    fi
}

# Ctrl-C / SIGTERM: stop the running tests (and what they started) and say so
declare -A pid=()
tree() { local c; echo "$1"; for c in $(pgrep -P "$1"); do tree "$c"; done; }
stop() {
    local i all=()
    # the whole tree first, then one signal to all of it: a parent that saw
    # its child die first could go on to its next command
    for i in "${!pid[@]}"; do all+=($(tree "${pid[$i]}")); done
    [ ${#all[@]} -gt 0 ] && kill -TERM "${all[@]}" 2> /dev/null
    echo
    echo "tests/run.sh: interrupted; $pass passed, $fail failed before it (logs in $logdir)" >&2
    exit 130
}
pass=0 fail=0 skip=0 failed=()
trap stop INT TERM

declare -A busy=() # SERIAL group -> running
next=0             # position in order of the first test not started
while :; do
    # start what may start: the first tests in order whose group is free
    k=$next
    while [ ${#pid[@]} -lt "$jobs_max" ] && [ "$k" -lt ${#order[@]} ]; do
        i=${order[$k]}
        if [ -n "$i" ]; then
            g=$(group_of "${names[$i]}")
            if [ -z "$g" ] || [ -z "${busy[$g]:-}" ]; then
                [ -n "$g" ] && busy[$g]=1
                start "$i"; order[$k]=""
            fi
        fi
        k=$((k + 1))
    done
    while [ "$next" -lt ${#order[@]} ] && [ -z "${order[$next]}" ]; do next=$((next + 1)); done
    [ ${#pid[@]} -eq 0 ] && [ "$next" -ge ${#order[@]} ] && break
    # report what ended
    ended=0
    for i in "${!pid[@]}"; do
        [ -f "${logs[$i]}.rc" ] || continue
        wait "${pid[$i]}" 2> /dev/null
        unset "pid[$i]"
        g=$(group_of "${names[$i]}"); [ -n "$g" ] && unset "busy[$g]"
        report "$i"; ended=1
    done
    [ $ended -eq 1 ] || sleep 0.2
done

echo
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
if [ $skip -gt 0 ]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ] && [ $pass -gt 0 ]
