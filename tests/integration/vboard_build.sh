#!/usr/bin/env bash
# vboard_build.sh -- `loom vboard --build DIR` for a design the built-in
# virtual boards do not hold: an hx8k-breakout folder whose arch.json
# records an arch of its own (event FIFO depth 8, the board's is 4) and
# whose boot ROM holds a baked model.  The board core is Verilated with
# DIR's parameters and boot.hex into DIR/vboard/ (one build, ~30 s), loaded,
# and must compute the model exactly (`loom run --baked` = `loom sim`);
# a second start reuses the cached model.  Then Braille on the icebreaker
# with the arch loom build chooses for it (not the board's), baked into
# the flash: the same check through the Verilated icebreaker core.
set -eu
. "$(dirname "$0")/../support/vboard.sh"
command -v verilator > /dev/null || { echo "skip: verilator not installed (make deps)"; exit 77; }
ARCH=$("$LOOM" build --list | awk '$1=="hx8k-breakout"' | grep -o ' W=[0-9]* S=[0-9]* A=[0-9]* D=[0-9]*' | tr ' ' ',' | cut -c2-)
"$LOOM" gen --seed 5 --neurons 12 --inputs 4 --density 0.1 --arch "$ARCH" -o "$WORK/n.seir"
D="$WORK/hx dir"
"$LOOM" build --board hx8k-breakout --boot-only "$WORK/n.seir" -o "$D" --quiet
head -1 "$D/boot.hex" | grep -qx 07b0 || fail "no boot header"
sed -i 's/"eq": [0-9]*/"eq": 8/' "$D/arch.json"
grep -q '"eq": 8' "$D/arch.json" || fail "arch.json has no eq"

serve_build "$D" 120
grep -q "verilating the hx8k-breakout board core" "$WORK/vb.err" || fail "no progress line"
[ -s "$D/vboard/model.so" ] || fail "no DIR/vboard/model.so"
"$LOOM" run --port "$(cat "$WORK/pty")" "$WORK/n.seir" --baked --steps 1000 --poisson 0.1 --seed 1 \
    --out-spikes "$WORK/run.csv" > "$WORK/run.log" 2>&1 || { cat "$WORK/run.log"; fail "run --baked"; }
tail -2 "$WORK/run.log"
"$LOOM" sim "$WORK/n.seir" --steps 1000 --poisson 0.1 --seed 1 --outputs-only --out-spikes "$WORK/sim.csv" --quiet
[ "$(wc -l < "$WORK/sim.csv")" -gt 10 ] || fail "too few spikes to compare"
cmp "$WORK/sim.csv" "$WORK/run.csv" || fail "the Verilated build's spikes differ from loom sim"
stop_pid $vb

# cached: no Verilator run
serve_build "$D" 120
grep -q "cached (key" "$WORK/vb.err" || fail "the model was rebuilt though nothing changed"
stop_pid $vb

# a flash board with an arch of its own for Braille (not the board's: the
# generic W=12 S=20 A=20 holds Braille at 0.9997, so --arch forces other
# widths, tables shrunk to the model): the icebreaker core Verilated with
# it reads DIR/flash.bin
NIR="$DATA/nir/braille_nirtorch.nir"
if [ -f "$NIR" ]; then
    B="$WORK/braille"
    "$LOOM" build --board icebreaker --arch W=16,S=24,A=16 --boot-only "$NIR" -o "$B" --quiet > /dev/null
    "$LOOM" compile "$NIR" --board icebreaker --arch W=16,S=24,A=16 -o "$WORK/br.seir" > /dev/null
    serve_build "$B" 120
    grep -q "verilating the icebreaker board core" "$WORK/vb.err" || fail "Braille's chosen arch is the board's?"
    grep -q "the flash image replayed" "$WORK/vb.err" || fail "the chosen-arch board did not boot its flash image"
    "$LOOM" run --port "$(cat "$WORK/pty")" "$WORK/br.seir" --baked --steps 1000 --poisson 0.1 --seed 1 \
        --out-spikes "$WORK/run.csv" > "$WORK/run.log" 2>&1 || { cat "$WORK/run.log"; fail "run --baked Braille"; }
    "$LOOM" sim "$WORK/br.seir" --steps 1000 --poisson 0.1 --seed 1 --outputs-only --out-spikes "$WORK/sim.csv" --quiet
    [ "$(wc -l < "$WORK/sim.csv")" -gt 10 ] || fail "too few spikes to compare"
    cmp "$WORK/sim.csv" "$WORK/run.csv" || fail "Braille on its chosen arch: spikes differ from loom sim"
    stop_pid $vb
fi

# an arch no board model has, and which no Verilator run can build: named
sed -i 's/"neurons": [0-9]*/"neurons": 0/' "$D/arch.json"
if "$LOOM" vboard --build "$D" --pty-file "$WORK/pty2" > /dev/null 2> "$WORK/bad.err"; then
    fail "a zero-neuron arch was served"
fi
cat "$WORK/bad.err"
grep -q "build.log" "$WORK/bad.err" || fail "the failure does not name the log"
echo ok
