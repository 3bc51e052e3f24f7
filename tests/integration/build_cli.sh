#!/usr/bin/env bash
# build_cli.sh -- `loom build` / `loom report` argument handling without the
# FPGA tools: board list, unknown board, report of a missing folder, a patch
# with nothing to patch, a model that does not fit the board's arch config;
# an AIGER and a NIR model are compiled for the board's own arch (the
# icebreaker's W=12 S=20 A=20) unless --arch says otherwise.
set -eu
"$LOOM" build --list > "$WORK/list"
for b in icebreaker upduino3 icestick hx8k-breakout; do
    grep -q "^$b " "$WORK/list" || { echo "board $b not listed"; exit 1; }
done
grep -q "^icebreaker .*iCE40UP5K .*sg48" "$WORK/list"
expect_fail() { # message-pattern, command...
    local pat=$1; shift
    if "$@" 2> "$WORK/err"; then echo "succeeded: $*"; exit 1; fi
    cat "$WORK/err"
    grep -q "$pat" "$WORK/err" || { echo "message lacks '$pat'"; exit 1; }
}
expect_fail "unknown board 'nope' (known: icebreaker, upduino3, icestick, hx8k-breakout)" \
    "$LOOM" build --board nope -o "$WORK/x"
expect_fail "report.json: cannot read" "$LOOM" report "$WORK/none"
"$LOOM" gen --seed 1 --neurons 8 --inputs 2 -o "$WORK/n.seir"
expect_fail "no previous build to patch" "$LOOM" build --board hx8k-breakout --patch "$WORK/n.seir" -o "$WORK/empty"
# delays up to 15 on the icestick's D=7 need relay neurons, and their profile
# is one more than the board's 8: refused with the figure
expect_fail "does not fit board icestick .*limits exceeded: neuron profiles 9 > 8" \
    "$LOOM" build --board icestick "$WORK/n.seir" --boot-only -o "$WORK/s"
# the icestick bakes by loading the net on its virtual board: boot.hex is its RAM image
"$LOOM" gen --seed 1 --neurons 8 --inputs 2 --max-delay 7 --arch W=8,S=16,A=24,D=7 -o "$WORK/n7.seir"
"$LOOM" build --board icestick "$WORK/n7.seir" --boot-only -o "$WORK/s" --quiet
[ "$(wc -l < "$WORK/s/boot.hex")" = 1792 ] || { echo "boot.hex is not the 1,792 words of the RAM"; exit 1; }
"$LOOM" gen --seed 2 --neurons 100 --inputs 4 --density 0.05 -o "$WORK/big.seir"
expect_fail "does not fit board hx8k-breakout" "$LOOM" build --board hx8k-breakout "$WORK/big.seir" --boot-only -o "$WORK/h"
expect_fail "one model expected" "$LOOM" build a.seir b.seir
grep -q "^icestick .* firmware " "$WORK/list" || { echo "the icestick is not listed as a firmware board"; exit 1; }
if [ -f "$DATA/aig/seq/s27.aig" ]; then
    for m in "$DATA/aig/seq/s27.aig" "$DATA/nir/lif_norse.nir"; do
        "$LOOM" build --board icebreaker "$m" --boot-only -o "$WORK/ib" --quiet
        test -s "$WORK/ib/flash.bin"
    done
    # --arch overrides the board's widths: the build's arch is S=20 (arch.json) ...
    "$LOOM" build --board icebreaker "$DATA/aig/seq/s27.aig" --arch S=20,A=16 --boot-only -o "$WORK/ib20" --quiet > /dev/null
    grep -q '"S": 20' "$WORK/ib20/arch.json" || { echo "--arch S=20 not in arch.json"; exit 1; }
    # ... and one the part cannot run at its clock is refused with the reason
    expect_fail "does not fit the iCE40UP5K .*timing: A 24 > 20" \
        "$LOOM" build --board icebreaker "$DATA/aig/seq/s27.aig" --arch A=24 --boot-only -o "$WORK/ib24"
fi
echo ok
