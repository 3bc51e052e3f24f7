#!/usr/bin/env bash
# build_flash.sh -- baking into the icebreaker's SPI flash, without P&R:
# `loom build --boot-only` writes DIR/flash.bin and DIR/arch.json, and
# `loom vboard --build DIR` runs the board's design (boards/common/
# loom_flash_boot.v reading the flash model of sim/vboard.cpp).
#   1. Braille (18 KB+ of boot stream, far beyond the old 1 KiB boot ROM)
#      and the snnTorch exports bake; the image's header is "LOOM", its
#      length field is the file size - 12
#   2. the board boots from the image: `loom run --baked` verifies every
#      table word and its spikes equal `loom sim` of the model compiled for
#      the board's arch
#   3. an erased flash (no flash.bin; or a file of FF) boots generic: --baked
#      is refused, a run-time load works
#   4. a corrupted image (a stream byte, or the length) is named as such
#      and ignored by the design: it boots generic
set -eu
. "$(dirname "$0")/../support/vboard.sh"
NIR="$DATA/nir/braille_nirtorch.nir"
[ -f "$NIR" ] || { echo "skip: $NIR missing"; exit 77; }
EXP="$(dirname "$0")/../data/export"
ARCH=$("$LOOM" build --list | awk '$1=="icebreaker"' | grep -o ' W=[0-9]* S=[0-9]* A=[0-9]* D=[0-9]*' | tr ' ' ',' | cut -c2-)
[ -n "$ARCH" ] || fail "no icebreaker arch in loom build --list"

# serve DIR-or-options on a pty; the board's boot lines in $WORK/vb.err
serve() {
    rm -f "$WORK/pty"
    "$LOOM" vboard "$@" --pty-file "$WORK/pty" > /dev/null 2> "$WORK/vb.err" &
    vb=$!
    pids+=($vb)
    local i=0
    while [ ! -s "$WORK/pty" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
    [ -s "$WORK/pty" ] || { cat "$WORK/vb.err"; fail "vboard $* did not come up"; }
    cat "$WORK/vb.err"
}
stop() { stop_pid "$vb"; }
# generic_with FLASH TEXT WHAT: the icebreaker served with FLASH says TEXT
# and runs the generic design (replays no image); WHAT names FLASH in failures
generic_with() {
    serve --board icebreaker --flash "$1"
    grep -q "$2" "$WORK/vb.err" || fail "$3: no '$2'"
    grep -q "generic (no image replayed)" "$WORK/vb.err" || fail "$3: the design replayed it"
}
# run_baked MODEL: the board holds MODEL and computes exactly what loom sim does
run_baked() {
    "$LOOM" run --port "$(cat "$WORK/pty")" "$1" --baked --steps 1000 --poisson 0.1 --seed 1 \
        --out-spikes "$WORK/run.csv" > "$WORK/run.log" 2>&1 || { cat "$WORK/run.log"; fail "run --baked $1"; }
    tail -2 "$WORK/run.log"
    "$LOOM" sim "$1" --arch "$ARCH" --steps 1000 --poisson 0.1 --seed 1 --outputs-only \
        --out-spikes "$WORK/sim.csv" --quiet
    [ "$(wc -l < "$WORK/sim.csv")" -gt 10 ] || fail "$1: too few spikes to compare"
    cmp "$WORK/sim.csv" "$WORK/run.csv" || fail "$1: baked board's spikes differ from loom sim"
}
le32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }

# 1. images
for m in "$NIR" "$EXP"/snn_*.nir; do
    d="$WORK/$(basename "$m" .nir)"
    # --min-agreement 0: the board's generic arch (its prebuilt virtual board);
    # a chosen arch of its own is tests/integration/vboard_build.sh's case
    "$LOOM" build --board icebreaker --boot-only "$m" --min-agreement 0 -o "$d" 2> "$WORK/b.err" || { cat "$WORK/b.err"; fail "boot-only $m"; }
    grep -q "flash.bin" "$WORK/b.err" || fail "boot-only did not name flash.bin"
    [ "$(head -c 4 "$d/flash.bin")" = LOOM ] || fail "$d/flash.bin: no LOOM header"
    size=$(stat -c %s "$d/flash.bin")
    [ "$(le32 "$d/flash.bin" 4)" = $((size - 12)) ] || fail "$d/flash.bin: length field $(le32 "$d/flash.bin" 4), file $size"
    grep -q '"board": "icebreaker"' "$d/arch.json" || fail "$d/arch.json: no board"
    echo "$(basename "$m"): flash image $size bytes"
done
size=$(stat -c %s "$WORK/braille_nirtorch/flash.bin")
[ "$size" -gt 1024 ] || fail "Braille's image is only $size bytes?"

# 2. the baked board computes the model
serve --build "$WORK/braille_nirtorch"
grep -q "the flash image replayed" "$WORK/vb.err" || fail "Braille: the image was not replayed"
run_baked "$NIR"
stop
serve --build "$WORK/snn_rleaky"
run_baked "$EXP/snn_rleaky.nir"
stop

# 3. erased flash: generic
mkdir -p "$WORK/erased"
cp "$WORK/snn_leaky_ff/arch.json" "$WORK/erased/"
serve --build "$WORK/erased"
grep -q "generic (no image replayed)" "$WORK/vb.err" || fail "erased flash: not generic"
if "$LOOM" run --port "$(cat "$WORK/pty")" "$EXP/snn_leaky_ff.nir" --baked --steps 5 > "$WORK/w.log" 2>&1; then
    fail "an erased board claims to hold a model"
fi
grep -q "does not hold this network" "$WORK/w.log" || { cat "$WORK/w.log"; fail "erased: wrong refusal"; }
"$LOOM" run --port "$(cat "$WORK/pty")" "$EXP/snn_leaky_ff.nir" --steps 200 --poisson 0.1 --seed 3 --check \
    > "$WORK/load.log" 2>&1 || { cat "$WORK/load.log"; fail "erased board: run-time load"; }
stop
head -c 65536 /dev/zero | tr '\0' '\377' > "$WORK/ff.bin"
generic_with "$WORK/ff.bin" "the flash is erased" "a flash of FF"
stop

# 4. corrupted images: refused by the design, named by loom vboard
cp "$WORK/snn_leaky_ff/flash.bin" "$WORK/bad.bin"
printf '\x55' | dd of="$WORK/bad.bin" bs=1 seek=100 conv=notrunc status=none
generic_with "$WORK/bad.bin" "corrupted; the design ignores it" "a bad CRC"
if "$LOOM" run --port "$(cat "$WORK/pty")" "$EXP/snn_leaky_ff.nir" --baked --steps 5 > "$WORK/w.log" 2>&1; then
    fail "a corrupted image was taken"
fi
stop
cp "$WORK/snn_leaky_ff/flash.bin" "$WORK/badlen.bin"
printf '\xff\xff\x7f' | dd of="$WORK/badlen.bin" bs=1 seek=4 conv=notrunc status=none
generic_with "$WORK/badlen.bin" "image length .* outside" "a bad length"
stop
echo ok
