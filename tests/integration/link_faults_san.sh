#!/usr/bin/env bash
# link_faults_san.sh -- the faulty-link path under ASan + UBSan: tests/run.sh
# runs this script with LOOM = build/bin/loom-san (SAN_INTEGRATION), so the
# board server (`loom vboard --fault-rate`, its fault injection and serving
# loop) and the host's link (frame receiver, resends, NAK handling, the
# adaptive timeout, payload halving) both run instrumented while 2 % of the
# bytes are dropped or corrupted each way.  The run's spikes must equal
# `loom sim --outputs-only` (every step exactly once), frames must have been
# resent (faults were injected), and neither process may print a sanitizer
# report.  The icebreaker's Verilator model is instrumented too (tests/san.mk).
set -u
. "$(dirname "$0")/../support/vboard.sh"
ldd "$LOOM" | grep -q libasan || fail "$LOOM is not the sanitizer build (make build/bin/loom-san)"
san_clean() { ! grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$1" || { cat "$1"; fail "$2: sanitizer report"; }; }

"$LOOM" gen --seed 3 --neurons 60 --inputs 8 --arch W=12,S=20,A=20,D=15 -o "$WORK/net.seir" >/dev/null \
    || fail "loom gen"
"$LOOM" sim "$WORK/net.seir" --steps 100 --poisson 0.1 --seed 4 --outputs-only \
    --out-spikes "$WORK/sim.csv" --quiet 2>"$WORK/sim.err" || { cat "$WORK/sim.err"; fail "loom sim"; }
"$LOOM" vboard --quiet --board icebreaker --fault-rate 0.02 --seed 9 --pty-file "$WORK/pty" \
    >/dev/null 2>"$WORK/vb.err" &
vb=$!
pids+=($vb)
wait_file "$WORK/pty" || { cat "$WORK/vb.err"; fail "virtual board did not start"; }
"$LOOM" run --port "$(cat "$WORK/pty")" "$WORK/net.seir" --steps 100 --poisson 0.1 --seed 4 \
    --out-spikes "$WORK/run.csv" >"$WORK/run.log" 2>&1 || { cat "$WORK/run.log"; fail "loom run with 2% faults"; }
cat "$WORK/run.log"
san_clean "$WORK/run.log" "loom run"
cmp "$WORK/sim.csv" "$WORK/run.csv" || fail "spikes with 2% faults differ from loom sim"
n=$(($(wc -l <"$WORK/run.csv") - 1))
[ "$n" -gt 0 ] || fail "no output spikes: the comparison checked nothing"
resent=$(sed -n 's/.* \([0-9]*\) frames resent$/\1/p' "$WORK/run.log")
[ "${resent:-0}" -gt 0 ] || fail "no frame was resent: were faults injected?"
kill "$vb"; wait "$vb" 2>/dev/null
san_clean "$WORK/vb.err" "loom vboard"
echo "link_faults_san: 100 steps at 2% faults under ASan+UBSan, $n output spikes identical, $resent frames resent"
