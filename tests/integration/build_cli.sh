#!/usr/bin/env bash
# build_cli.sh -- `loom build` / `loom report` argument handling without the
# FPGA tools: board list, unknown board, report of a missing folder, a patch
# with nothing to patch, a model that does not fit the board's arch config.
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
expect_fail "no boot ROM" "$LOOM" build --board icestick "$WORK/n.seir" --boot-only -o "$WORK/s"
"$LOOM" gen --seed 2 --neurons 100 --inputs 4 --density 0.05 -o "$WORK/big.seir"
expect_fail "does not fit board hx8k-breakout" "$LOOM" build --board hx8k-breakout "$WORK/big.seir" --boot-only -o "$WORK/h"
expect_fail "one model expected" "$LOOM" build a.seir b.seir
echo ok
