#!/bin/sh
# vsim_patch.sh DIR NAME -- after Verilator has written the model
# Vloom_NAME into DIR: make its input-combinational trigger read
# vsim_ico_skip (defined and explained in sim/vsim.cpp), so that an eval
# with unchanged inputs skips the `ico` region.  The generated line (Verilator
# 5.0xx) is
#     vlSelf->__VicoTriggered.at(0U) = (0U == vlSelf->__VicoIterCount);
# A Verilator that writes something else is left alone (the region then runs
# in every eval, as before): the script says so and succeeds.
set -e
dir=$1
name=$2
files=$(ls "$dir"/Vloom_"$name"___024root__DepSet_*.cpp)
sed -i 's/^    \(vlSelf->__VicoTriggered\.at(0U) = (0U == vlSelf->__VicoIterCount)\);$/    { extern thread_local bool vsim_ico_skip; \1 \&\& !vsim_ico_skip; }/' $files
if ! grep -q 'vsim_ico_skip' $files; then
    echo "sim/vsim_patch.sh: $dir: no ico trigger of the expected form; the model evaluates its inputs every cycle" >&2
fi
