#!/usr/bin/env bash
# build_fail_fast: `loom build` loads, compiles and maps the model before
# yosys runs (issue 17), so a missing model or one that does not fit is
# refused at once, without a build folder, and a model over several limits
# has every one named with its figures.
set -eu
cd "$WORK"
expect_fail() { # pattern, args...
    local pat=$1; shift
    if "$LOOM" build "$@" > out.txt 2> err.txt; then echo "loom build $* succeeded"; exit 1; fi
    grep -q -- "$pat" err.txt || { echo "expected '$pat' from loom build $*:"; cat err.txt; exit 1; }
    if grep -q "yosys\|nextpnr" out.txt err.txt; then echo "a tool ran for loom build $*"; exit 1; fi
}
expect_fail "nosuch.seir: cannot open" --board icestick nosuch.seir -o b1
[ ! -e b1 ] || { echo "a failed build left a folder"; exit 1; }
expect_fail "nosuch.seir: cannot open" --board icebreaker nosuch.seir -o b1
# three limits at once, with figures (8,970 neurons, 2,312 inputs)
cnn=$DATA/nir/cnn_sinabs.nir
[ -f "$cnn" ] || { echo "missing $cnn"; exit 1; }
expect_fail "limits exceeded: neurons 8,970 > 1,024; synapses [0-9,]* > 15,360; input channels 2,312 > 128" \
    --board icebreaker "$cnn" -o b2
[ ! -e b2 ] || { echo "a failed build left a folder"; exit 1; }
# a random net too wide for the HX8K board: neurons and inputs both named
"$LOOM" gen --seed 2 --neurons 300 --inputs 200 --arch W=8,S=16,A=16,D=7 -o wide.seir
expect_fail "neurons 300 > .*input channels 200 >" --board hx8k-breakout wide.seir -o b3
echo "build_fail_fast ok"
