#!/usr/bin/env bash
# board_flow.sh -- `loom build` / `loom report` / weight patching for
# the default board from scratch, as CI must, through the real tools (one
# synthesis + P&R, then only icebram and icepack).  LOOM_BUILD_BOARD picks
# another board for the same checks.
#   1. generic bitstream: fits, meets the board clock, loom.bin exists,
#      report.json has every key, `loom report --json` prints it verbatim
#   2. rebuild with nothing changed: synthesis is skipped (cached); a new
#      folder for the same arch comes from the synthesis cache (no tool run)
#   3. baked model: the only change to the .asc is the boot ROM (icebram
#      from the placeholder to boot.hex on generic.asc gives it byte for byte;
#      the other way round icebram cannot locate a low-entropy ROM), the
#      ROM starts with the boot header, the report carries the model
#   4. --patch with another net of the same shape: same checks, seconds
#   5. --patch with a net that does not fit: refused with a clear message
# On a firmware board (the icestick) 3-5 check the RAM image instead of the
# boot ROM, and run the baked image on the virtual board (loom vboard --fw,
# loom run --baked --check).  On a flash board (the icebreaker) the model is
# DIR/flash.bin and the bitstream stays generic: 3-5 run the build folder's
# design (loom vboard --build DIR) with nets of over 1,000 synapses, and
# the patch must take under 5 s.
set -eu
for t in yosys nextpnr-ice40 icepack icebram; do
    command -v $t >/dev/null || { echo "skip: $t not installed (make deps)"; exit 77; }
done
B=${LOOM_BUILD_BOARD:-icebreaker}
# The build folder's name is hostile on purpose (issue 15): yosys treats ';'
# as a command separator and has `exec`, so a name pasted into its script
# would run `touch PWNED`; spaces and quotes must simply work.
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$WORK"
# the synthesis cache of this run (LOOM_SYNTH_CACHE=DIR reuses one, e.g. to
# rerun the flow without synthesis)
export LOOM_SYNTH_CACHE="${LOOM_SYNTH_CACHE:-$WORK/synth-cache}"
D="$WORK/ib o ; exec -- touch PWNED ; 'q\"x"
ln -sfn "$D" "$WORK/ib" # the plain name board_icestick.sh reads the report by
line=$("$LOOM" build --list | awk -v b="$B" '$1==b')
arch() { echo "$line" | grep -o " $1=[0-9]*" | head -1 | cut -d= -f2; }
# random nets in the board's own arch (loom gen: W, S, A, D and delays up to D)
GA="W=$(arch W),S=$(arch S),A=$(arch A),D=$(arch D)"
GD=$(arch D)
N=$("$LOOM" build --list | awk -v b="$B" '$1==b{for(i=1;i<=NF;i++) if($i ~ /^neurons=/){sub("neurons=","",$i); print $i}}')

t0=$SECONDS
if ! "$LOOM" build --board "$B" -o "$D"; then
    grep -h "ERROR\|ICESTORM_LC\|ICESTORM_RAM\|SPRAM\|Max frequency" "$D"/nextpnr*.log 2>/dev/null | head -20
    exit 1
fi
echo "generic build: $((SECONDS - t0)) s"
test -s "$D/loom.bin"
for k in board device clock_mhz fmax_mhz luts_used luts_total bram_used spram_used neurons synapses max_delay; do
    grep -q "\"$k\":" "$D/report.json" || { echo "report.json lacks $k"; exit 1; }
done
grep -q "\"board\": \"$B\"" "$D/report.json"
grep -q '"timing_met": true' "$D/report.json"
"$LOOM" report "$D" --json | cmp - "$D/report.json"
"$LOOM" report "$D" | grep -q "Fmax"
# utilisation figures come from nextpnr's own report
lc=$(grep -o '"luts_used": [0-9]*' "$D/report.json" | grep -o '[0-9]*$')
lc_pnr=$(tr -d ' \n' < "$D/nextpnr-report.json" | grep -o '"ICESTORM_LC":{[^}]*}' | grep -o '"used":[0-9]*' | grep -o '[0-9]*$')
[ "$lc" = "$lc_pnr" ] || { echo "luts_used $lc != nextpnr $lc_pnr"; exit 1; }
cmp "$D/generic.asc" "$D/loom.asc"
[ ! -e "$WORK/PWNED" ] && [ ! -e PWNED ] || { echo "the build folder's name ran a yosys command"; exit 1; }
if grep -F "exec" "$D/yosys.ys"; then echo "the build folder's name reached the yosys script"; exit 1; fi

# 2. nothing changed: no synthesis
"$LOOM" build --board "$B" -o "$D" 2>&1 | tee "$WORK/rebuild.log"
grep -q "synthesis and place-and-route skipped" "$WORK/rebuild.log"
grep -q '"cached": true' "$D/report.json"
# ... and a new folder for the same arch costs no synthesis: the cache
"$LOOM" build --board "$B" -o "$WORK/second" 2>&1 | tee "$WORK/second.log"
grep -q "synthesis cached: .*(yosys and nextpnr not run)" "$WORK/second.log"
if grep -q "^\[yosys\|^\[nextpnr" "$WORK/second.log"; then echo "a tool ran for a cached arch"; exit 1; fi
[ ! -e "$WORK/second/yosys.stderr" ] && [ ! -e "$WORK/second/nextpnr.stderr" ] || { echo "a tool ran in second/"; exit 1; }
grep -q '"synth_cache": true' "$WORK/second/report.json"
cmp "$WORK/second/generic.asc" "$D/generic.asc"
cmp "$WORK/second/arch.json" "$D/arch.json"

fw=0 flash=0
echo "$line" | grep -q " firmware " && fw=1
grep -q '"flash_offset": [1-9]' "$D/arch.json" && flash=1
if [ $fw = 1 ] || [ $flash = 1 ]; then
    # a firmware board (the icestick): a baked build is the RAM image the
    # firmware leaves after loading the model on the virtual board, swapped
    # into generic.asc's RAM blocks; the proof is that this image, run by
    # the same RTL, holds the model from the start and computes it exactly
    . "$HERE/../support/vboard.sh"
fi
# check_image MODEL: loom.asc holds DIR/boot.hex and the board computes MODEL
check_image() {
    if [ $flash = 1 ]; then
        cmp "$D/generic.asc" "$D/loom.asc" || fail "a flash board's bitstream changed with the model"
        [ "$(head -c 4 "$D/flash.bin")" = LOOM ] || fail "flash.bin: no LOOM header"
        rm -f "$WORK/pty"
        "$LOOM" vboard --build "$D" --pty-file "$WORK/pty" >/dev/null 2>"$WORK/vb.err" &
        pids+=($!)
        wait_file "$WORK/pty" || { cat "$WORK/vb.err"; fail "no pty"; }
        cat "$WORK/vb.err"
        grep -q "the flash image replayed" "$WORK/vb.err" || fail "the flash image was not replayed"
        "$LOOM" sim "$1" --steps 1000 --poisson 0.1 --seed 1 --outputs-only --out-spikes "$WORK/sim.csv" --quiet
        "$LOOM" run --port "$(cat "$WORK/pty")" "$1" --baked --steps 1000 --poisson 0.1 --seed 1 \
            --out-spikes "$WORK/run.csv" > "$WORK/run.log" 2>&1 || { cat "$WORK/run.log"; fail "run --baked $1"; }
        cat "$WORK/run.log"
        cmp "$WORK/sim.csv" "$WORK/run.csv" || fail "baked board: spikes differ from loom sim"
        stop_pid "${pids[-1]}"
        return
    fi
    if [ $fw = 0 ]; then
        icebram "$D/boot_placeholder.hex" "$D/boot.hex" < "$D/generic.asc" | cmp - "$D/loom.asc"
        return
    fi
    # only block-RAM data lines differ from generic.asc
    if diff "$D/generic.asc" "$D/loom.asc" | grep '^[<>]' | grep -qv '^[<>] [0-9a-f]\{64\}$'; then
        fail "baking changed more than block-RAM contents"
    fi
    rm -f "$WORK/pty"
    "$LOOM" vboard --quiet --board "$B" --fw "$D/boot.hex" --pty-file "$WORK/pty" >/dev/null 2>"$WORK/vb.err" &
    pids+=($!)
    wait_file "$WORK/pty" || { cat "$WORK/vb.err"; fail "no pty"; }
    "$LOOM" sim "$1" --steps 100 --poisson 0.3 --seed 5 --outputs-only --out-spikes "$WORK/sim.csv" --quiet
    "$LOOM" run --port "$(cat "$WORK/pty")" "$1" --baked --steps 100 --poisson 0.3 --seed 5 \
        --out-spikes "$WORK/run.csv" --check > "$WORK/run.log" 2>&1 || { cat "$WORK/run.log"; fail "run --baked $1"; }
    cat "$WORK/run.log"
    cmp "$WORK/sim.csv" "$WORK/run.csv" || fail "baked board: spikes differ from loom sim"
}

# 3. baked model (a flash board: over 1,000 synapses, beyond any boot ROM)
NN=12 NI=4
[ $flash = 1 ] && NN=150 NI=16
"$LOOM" gen --seed 5 --neurons $NN --inputs $NI --density 0.1 --arch "$GA" --max-delay "$GD" -o "$WORK/a.seir"
"$LOOM" build --board "$B" "$WORK/a.seir" -o "$D"
test -s "$D/loom.bin"
if [ $fw = 0 ] && [ $flash = 0 ]; then
    head -1 "$D/boot.hex" | grep -qx '07b0' || { echo "boot header missing"; exit 1; }
fi
[ $flash = 1 ] || ! cmp -s "$D/generic.asc" "$D/loom.asc"
check_image "$WORK/a.seir"
grep -q "\"neurons\": $NN," "$D/report.json"
"$LOOM" report "$D" | grep -q "a.seir"
IMG=boot.hex
[ $flash = 1 ] && IMG=flash.bin
cp "$D/$IMG" "$WORK/boot_a.hex"

# 4. patch another net of the same shape
"$LOOM" gen --seed 6 --neurons $NN --inputs $NI --density 0.1 --arch "$GA" --max-delay "$GD" -o "$WORK/b.seir"
cp "$D/loom.bin" "$WORK/before_patch.bin"
t0=$(date +%s.%N)
"$LOOM" build --board "$B" --patch "$WORK/b.seir" -o "$D"
dt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
echo "patch: $dt s"
lim=60
[ $flash = 1 ] && lim=5
awk -v t="$dt" -v l=$lim 'BEGIN { exit !(t < l) }' || fail "patch took $dt s (limit $lim s)"
! cmp -s "$D/$IMG" "$WORK/boot_a.hex"
check_image "$WORK/b.seir"
if [ $flash = 1 ]; then
    cmp "$D/loom.bin" "$WORK/before_patch.bin" || fail "a flash patch changed loom.bin"
elif [ $fw = 0 ]; then
    icebram "$D/boot_placeholder.hex" "$D/boot.hex" < "$D/generic.asc" > "$WORK/patched.asc"
    icepack "$WORK/patched.asc" "$WORK/patched.bin"
    cmp "$WORK/patched.bin" "$D/loom.bin"   # the new ROM is in the .bin
else  # the board now holds b: --baked refuses a
    if "$LOOM" run --port "$(cat "$WORK/pty")" "$WORK/a.seir" --baked --steps 5 > "$WORK/wrong.log" 2>&1; then
        fail "--baked accepted a network the board does not hold"
    fi
    cat "$WORK/wrong.log"
    grep -q "does not hold this network" "$WORK/wrong.log"
fi

# 5. refused: more neurons than the board holds
cp "$D/loom.asc" "$WORK/before.asc"
cp "$D/$IMG" "$WORK/before.img"
"$LOOM" gen --seed 7 --neurons $((N + 8)) --inputs 4 --density 0.01 --arch "$GA" --max-delay "$GD" -o "$WORK/big.seir"
if "$LOOM" build --board "$B" --patch "$WORK/big.seir" -o "$D" 2> "$WORK/err.txt"; then
    echo "an oversized net was patched in"; exit 1
fi
cat "$WORK/err.txt"
grep -q "does not fit board $B" "$WORK/err.txt"
# and the folder still holds the previous, valid bitstream
cmp "$D/loom.asc" "$WORK/before.asc"
cmp "$D/$IMG" "$WORK/before.img"
"$LOOM" report "$D" | grep -q "b.seir"
echo "ok"
