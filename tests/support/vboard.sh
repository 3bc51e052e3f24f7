# tests/support/vboard.sh -- sourced by the integration tests that start
# virtual boards (or other background processes):
#   pids+=($!)      after starting one: it is killed when the test exits
#   stop_pid PID    stops one of them early and forgets it
#   wait_file F     waits up to 15 s for F to be non-empty (a --pty-file or
#                   --port-file the process writes once it is ready)
#   fail MSG        prints "FAIL: MSG" and exits 1
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap cleanup EXIT
# stop_pid PID: stops a process started here and forgets it, so the EXIT
# trap does not wait for it again
stop_pid() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    local q=() p
    for p in "${pids[@]}"; do [ "$p" = "$1" ] || q+=("$p"); done
    pids=("${q[@]}")
}
wait_file() { local i=0; while [ ! -s "$1" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done; [ -s "$1" ]; }
fail() { echo "FAIL: $*"; exit 1; }
