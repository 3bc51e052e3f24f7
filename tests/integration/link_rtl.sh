#!/usr/bin/env bash
# link_rtl.sh -- the link RTL under Verilator (testbenches in tests/rtl/,
# built by sim/link.mk into $BUILD/link-rtl): the UART at 3 Mbaud, 1.5 Mbaud
# and 115,200 baud (12 MHz clock), and loom_link against the C board model
# on 300 random adversarial exchanges.  Also: `verilator --lint-only -Wall`
# of every link module, and yosys synth_ice40 of loom_link: no latches, and
# the two rings (receive ring, response cache) in block RAM (2 x SB_RAM40_4K).
set -u
dir="$BUILD/link-rtl"
for b in tb_uart_4 tb_uart_8 tb_uart_104 tb_link; do
    if [ ! -x "$dir/$b" ]; then
        echo "missing $dir/$b (built by 'make $dir/$b' or 'make test')"
        exit 1
    fi
done
rc=0
for cpb in 4 8 104; do
    "$dir/tb_uart_$cpb" "$cpb" || rc=1
done
"$dir/tb_link" 300 || rc=1
"$dir/tb_link" 300 7 || rc=1    # another seed of the random traffic

rtl=(rtl/loom_uart_rx.v rtl/loom_uart_tx.v rtl/loom_crc16.v rtl/loom_link_rx.v
     rtl/loom_link_tx.v rtl/loom_cmd.v rtl/loom_link.v)
for top in loom_uart_rx loom_uart_tx loom_crc16 loom_link_rx loom_link_tx loom_cmd loom_link; do
    verilator --lint-only -Wall -Irtl --top-module $top "${rtl[@]}" || { echo "lint: $top"; rc=1; }
done
verilator --lint-only -Wall -Irtl --top-module loom_top rtl/loom_top.v "${rtl[@]}" \
    rtl/loom_array.v rtl/loom_core*.v rtl/loom_router.v rtl/loom_seq.v rtl/loom_ram.v \
    || { echo "lint: loom_top"; rc=1; }
if command -v yosys >/dev/null; then
    yosys -q -p "read_verilog ${rtl[*]}; synth_ice40 -top loom_link; select -assert-none t:\$dlatch t:\$_DLATCH_*; tee -o $WORK/stat.txt stat" \
        >"$WORK/yosys.log" 2>&1 || { cat "$WORK/yosys.log"; echo "yosys failed"; rc=1; }
    ram=$(awk '/SB_RAM40_4K/ {print $2}' "$WORK/stat.txt")
    luts=$(awk '/SB_LUT4/ {print $2}' "$WORK/stat.txt")
    echo "loom_link on iCE40: ${luts:-?} LUT4, ${ram:-0} SB_RAM40_4K"
    [ "${ram:-0}" -ge 2 ] || { echo "frame buffers not in block RAM"; rc=1; }
fi
exit $rc
