#!/bin/sh
# mkaig.sh -- remakes the AIGER circuits of tests/data/aig from their Verilog
# with yosys (README.md):
#
#   sh tests/data/aig/mkaig.sh [OUTDIR]
#
# Each NAME.v (module NAME) goes through `synth -flatten`, `aigmap` and
# `write_aiger -symbols` into OUTDIR/NAME.aig (default: this folder).
# yosys 0.23 (Debian bookworm) made the files kept here; another version
# may give a few gates more or less.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
for v in "$here"/*.v; do
    top=$(basename "$v" .v)
    yosys -q -p "read_verilog $v; synth -flatten -top $top; aigmap; write_aiger -symbols $out/$top.aig"
done
