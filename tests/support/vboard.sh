# tests/support/vboard.sh -- sourced by the integration tests that start
# virtual boards (or other background processes):
#   pids+=($!)      after starting one: it is killed when the test exits
#   stop_pid PID    stops one of them early and forgets it
#   wait_file F     waits up to 15 s for F to be non-empty (a --pty-file or
#                   --port-file the process writes once it is ready)
#   fail MSG        prints "FAIL: MSG" and exits 1
#   serve_build DIR SECS   starts `loom vboard --build DIR` (pid in $vb, its
#                   stderr in $WORK/vb.err, shown) and waits up to SECS for its pty
#   run_vs_sim PORT MODEL STEPS RATE SEED   loom sim vs loom run --check (below)
#   run_faulty PORT MODEL STEPS RATE SEED TIMEOUT_MS   the same over a faulty link
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
serve_build() {
    rm -f "$WORK/pty"
    "$LOOM" vboard --build "$1" --pty-file "$WORK/pty" > /dev/null 2> "$WORK/vb.err" &
    vb=$!
    pids+=($vb)
    local i=0
    while [ ! -s "$WORK/pty" ] && [ $i -lt $(($2 * 20)) ] && kill -0 $vb 2> /dev/null; do sleep 0.05; i=$((i + 1)); done
    cat "$WORK/vb.err"
    [ -s "$WORK/pty" ] || fail "vboard --build did not come up"
}
# run_vs_sim PORT MODEL STEPS RATE SEED: loom sim and loom run --check of
# MODEL on the board at PORT with the same Poisson input (files
# $WORK/NAME.{sim,run}.csv, NAME.run.log); fails unless the output spikes
# are identical and --check finds no step that differs
run_vs_sim() {
    local port=$1 model=$2 steps=$3 rate=$4 seed=$5 b
    b=$(basename "$model")
    "$LOOM" sim "$model" --steps "$steps" --poisson "$rate" --seed "$seed" --outputs-only \
        --out-spikes "$WORK/$b.sim.csv" --quiet || fail "loom sim $b"
    "$LOOM" run --port "$port" "$model" --steps "$steps" --poisson "$rate" --seed "$seed" \
        --out-spikes "$WORK/$b.run.csv" --check >"$WORK/$b.run.log" 2>&1 \
        || { cat "$WORK/$b.run.log"; fail "loom run $b"; }
    cat "$WORK/$b.run.log"
    cmp "$WORK/$b.sim.csv" "$WORK/$b.run.csv" || fail "$b: board spikes differ from loom sim"
    grep -q '^check: 0 steps differ' "$WORK/$b.run.log" || fail "$b: --check"
    echo "$b: $(($(wc -l <"$WORK/$b.run.csv") - 1)) output spike lines identical"
}
# run_faulty PORT MODEL STEPS RATE SEED TIMEOUT_MS: loom run --check of MODEL
# over a link with injected faults at PORT (log $WORK/faults.log, spikes
# $WORK/faults.csv); fails unless the spikes equal those of run_vs_sim's
# loom sim of MODEL, --check finds no step that differs and frames were resent
run_faulty() {
    local port=$1 model=$2 steps=$3 rate=$4 seed=$5 tmo=$6 b resent
    b=$(basename "$model")
    "$LOOM" run --port "$port" "$model" --steps "$steps" --poisson "$rate" --seed "$seed" \
        --out-spikes "$WORK/faults.csv" --timeout-ms "$tmo" --tries 60 --check >"$WORK/faults.log" 2>&1 \
        || { cat "$WORK/faults.log"; fail "run with faults"; }
    cat "$WORK/faults.log"
    cmp "$WORK/$b.sim.csv" "$WORK/faults.csv" || fail "spikes differ with 1% faults"
    grep -q '^check: 0 steps differ' "$WORK/faults.log" || fail "--check with faults"
    resent=$(sed -n 's/.* \([0-9]*\) frames resent$/\1/p' "$WORK/faults.log")
    [ "${resent:-0}" -gt 0 ] || fail "no frame was resent: were faults injected?"
}
