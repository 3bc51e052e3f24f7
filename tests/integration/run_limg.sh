#!/usr/bin/env bash
# run_limg.sh -- `loom run` on a virtual board (the generic c1: the example
# and its image are built for A=24, the icebreaker has A=20; pty) with graded
# inputs, v outputs and runtime images:
#  * examples/seir/integrator.seir (a graded channel, a v output and a spike
#    output): --poisson (random 16-bit values on a graded channel) and a CSV
#    of graded values; --out-spikes and --out-v identical to
#    `loom sim --outputs-only`, --check finds no difference;
#  * the same network as a .limg image (loom cosim --limg): identical spikes
#    and v values (the header names neurons n[k]: an image has no names);
#  * refusals: an image for another arch (c4), a truncated image, --check
#    with an image, --graded with a network.
set -u
. "$(dirname "$0")/../support/vboard.sh"
cd "$(dirname "$0")/../.."
net=examples/seir/integrator.seir
[ -f "$net" ] || { echo "no $net"; exit 77; }
W=$WORK

"$LOOM" vboard --config c1 --quiet --pty-file "$W/pty" >/dev/null 2>"$W/vb.err" &
pids+=($!)
wait_file "$W/pty" || fail "no pty"
pty=$(cat "$W/pty")

# graded values, including negative ones, on about 2 steps in 3
awk 'BEGIN { print "step,channel,value"; x = 1
             for (t = 0; t < 250; t++) { x = (x * 1103515245 + 12345) % 2147483648
                                         if (x % 3) print t ",0," (x % 65536) - 32768 } }' >"$W/in.csv"
[ "$(grep -c ',-' "$W/in.csv")" -gt 50 ] || fail "input file has no negative values"

check_same() {  # name: compare sim vs run spikes and v
    cmp "$W/$1.sim.s" "$W/$1.run.s" || fail "$1: spikes differ from loom sim"
    cmp "$W/$1.sim.v" "$W/$1.run.v" || fail "$1: v differs from loom sim"
    [ "$(wc -l <"$W/$1.sim.v")" -gt 200 ] || fail "$1: too few v lines"
    [ "$(sed 1d "$W/$1.sim.v" | cut -d, -f2 | sort -u | wc -l)" -gt 50 ] || fail "$1: v barely moves"
    echo "$1: $(($(wc -l <"$W/$1.run.s") - 1)) output spikes and $(($(wc -l <"$W/$1.run.v") - 1)) v values identical"
}
for mode in poisson csv; do
    if [ $mode = poisson ]; then in=(--steps 300 --poisson 0.3 --seed 5); else in=(--inputs "$W/in.csv"); fi
    "$LOOM" sim "$net" "${in[@]}" --outputs-only --out-spikes "$W/$mode.sim.s" --out-v "$W/$mode.sim.v" --quiet \
        || fail "loom sim $mode"
    "$LOOM" run --port "$pty" "$net" "${in[@]}" --out-spikes "$W/$mode.run.s" --out-v "$W/$mode.run.v" --check \
        >"$W/$mode.log" 2>&1 || { cat "$W/$mode.log"; fail "loom run $mode"; }
    grep -q '^check: 0 steps differ' "$W/$mode.log" || fail "$mode: --check"
    check_same $mode
done
[ "$(wc -l <"$W/csv.sim.v")" -eq 251 ] || fail "--inputs without --steps: expected 250 steps"

# the same network as a runtime image for the board's config (c1)
"$LOOM" cosim "$net" --config c1 --steps 1 --limg "$W/int.limg" >/dev/null || fail "cosim --limg"
"$LOOM" cosim "$net" --config c4 --steps 1 --limg "$W/int4.limg" >/dev/null || fail "cosim --limg c4"
for mode in poisson csv; do
    if [ $mode = poisson ]; then in=(--steps 300 --poisson 0.3 --seed 5 --graded); else in=(--inputs "$W/in.csv"); fi
    "$LOOM" run --port "$pty" "$W/int.limg" "${in[@]}" --out-spikes "$W/img$mode.run.s" --out-v "$W/img$mode.v" --quiet \
        || fail "loom run .limg $mode"
    cp "$W/$mode.sim.s" "$W/img$mode.sim.s"
    sed 1d "$W/$mode.sim.v" >"$W/img$mode.sim.v"
    [ "$(head -n 1 "$W/img$mode.v")" = "step,n[0]" ] || fail "image v header: $(head -n 1 "$W/img$mode.v")"
    sed 1d "$W/img$mode.v" >"$W/img$mode.run.v"
    check_same "img$mode"
done
# without --graded a .limg's channels are spike channels: Poisson then sends 1s, not 16-bit values
"$LOOM" run --port "$pty" "$W/int.limg" --steps 300 --poisson 0.3 --seed 5 --out-v "$W/spk.v" --quiet || fail "spike run"
cmp -s "$W/spk.v" "$W/imgpoisson.v" && fail "--graded made no difference"

# refusals
"$LOOM" run --port "$pty" "$W/int4.limg" --steps 3 2>"$W/e1" && fail "a c4 image was accepted on c1"
grep -q 'int4.limg does not fit the board' "$W/e1" && grep -q 'cores=4' "$W/e1" || { cat "$W/e1"; fail "arch message"; }
head -c 100 "$W/int.limg" >"$W/trunc.limg"
"$LOOM" run --port "$pty" "$W/trunc.limg" --steps 3 2>"$W/e2" && fail "a truncated image was accepted"
grep -q 'trunc.limg: byte' "$W/e2" || { cat "$W/e2"; fail "truncation message"; }
"$LOOM" run --port "$pty" "$W/int.limg" --steps 3 --check >/dev/null 2>&1
[ $? -eq 2 ] || fail "--check with an image should be a usage error"
"$LOOM" run --port "$pty" "$net" --steps 3 --graded >/dev/null 2>&1
[ $? -eq 2 ] || fail "--graded with a network should be a usage error"
echo "run_limg ok"
