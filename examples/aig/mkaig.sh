#!/bin/sh
# mkaig.sh -- turns one of the Verilog designs here into AIGER with yosys:
#
#   sh examples/aig/mkaig.sh examples/aig/adder.v OUTDIR
#
# writes OUTDIR/adder.aag (ASCII) and OUTDIR/adder.aig (binary), both with
# symbol tables.  The module must be named after the file.  Flip-flops are
# legalised to plain positive-edge D flip-flops without reset or enable
# (their logic moves into AND gates) and written as zero-initialised
# AIGER latches; the clock stays an (unused) input.
set -eu
v=$1
out=${2:-.}
top=$(basename "$v" .v)
for fmt in "-ascii $out/$top.aag" "$out/$top.aig"; do
    yosys -q -p "read_verilog $v; synth -flatten -top $top; dfflegalize -cell \$_DFF_P_ 01; aigmap; write_aiger -symbols -zinit $fmt"
done
