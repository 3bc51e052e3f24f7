#!/usr/bin/env bash
# rv_selftest.sh -- the loom_rv processor (rtl/loom_rv.v in rtl/loom_mcu.v)
# runs tests/rtl/rv_selftest.c, compiled for rv32i, under Verilator; its
# UART output must equal the same program's output on this machine, line
# for line (every RV32I instruction gcc emits, the libgcc multiply/divide
# helpers, the machine arithmetic of hls_ref/loom_arith.h).  Also: lint of
# the processor and its SoC, and yosys synth_ice40 for the HX1K: no latches,
# RAM, register file and receive ring in block RAM.
set -u
dir="$BUILD/rv"
for b in tb_rv selftest_host; do
    [ -x "$dir/$b" ] || { echo "missing $dir/$b (built by 'make $dir/$b' or 'make test')"; exit 1; }
done
rc=0
"$dir/selftest_host" > "$WORK/host.out" || { echo "selftest_host failed"; exit 1; }
if ! "$dir/tb_rv" > "$WORK/rv.out" 2> "$WORK/rv.err"; then
    echo "tb_rv failed:"; cat "$WORK/rv.err"; rc=1
fi
if diff -u "$WORK/host.out" "$WORK/rv.out"; then
    echo "selftest: $(grep -c . "$WORK/host.out") lines identical on loom_rv and the host ($(cat "$WORK/rv.err"))"
else
    echo "selftest: loom_rv output differs from the host's"; rc=1
fi
[ "$(tail -n 1 "$WORK/host.out")" = "done" ] || { echo "selftest did not finish on the host"; rc=1; }

src=(rtl/loom_mcu.v rtl/loom_rv.v rtl/loom_uart_rx.v rtl/loom_uart_tx.v)
for top in loom_rv loom_mcu; do
    verilator --lint-only -Wall -Irtl --top-module $top "${src[@]}" || { echo "lint: $top"; rc=1; }
done

if command -v yosys >/dev/null; then
    cat > "$WORK/syn.ys" <<YS
read_verilog ${src[*]}
chparam -set FW_FILE "$dir/selftest.hex" loom_mcu
synth_ice40 -top loom_mcu
tee -o $WORK/stat.txt stat
YS
    if yosys -q -l "$WORK/yosys.log" "$WORK/syn.ys" > /dev/null 2>&1; then
        lut=$(awk '/SB_LUT4/ {n=$2} END {print n+0}' "$WORK/stat.txt")
        ram=$(awk '/SB_RAM40_4K/ {n=$2} END {print n+0}' "$WORK/stat.txt")
        echo "synth_ice40 loom_mcu: $lut LUT4, $ram SB_RAM40_4K"
        [ "$ram" -eq 15 ] || { echo "expected 15 block RAMs (14 RAM with the register file, 1 receive ring)"; rc=1; }
        if grep -qi "latch" "$WORK/stat.txt"; then echo "latches inferred"; rc=1; fi
    else
        echo "yosys failed (log $WORK/yosys.log)"; rc=1
    fi
fi
exit $rc
