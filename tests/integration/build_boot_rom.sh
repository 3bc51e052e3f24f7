#!/usr/bin/env bash
# build_boot_rom.sh -- weight patching at the bitstream level, independent
# of whether the whole array fits a board: loom_boot alone is placed and
# routed for the HX8K with a random placeholder ROM; icebram must replace it
# by a boot image from `loom build --boot-only` (the .asc changes), the
# packed .bin must carry it (iceunpack), and replacing it back must give
# the original .asc byte for byte.
set -eu
for t in yosys nextpnr-ice40 icepack iceunpack icebram; do
    command -v $t >/dev/null || { echo "skip: $t not installed (make deps)"; exit 77; }
done
cd "$(dirname "$0")/../.."
W=$WORK
awk 'BEGIN { srand(11); for (i = 0; i < 512; i++) printf "%04x\n", int(rand() * 65536) }' > "$W/ph.hex"
"$LOOM" gen --seed 5 --neurons 12 --inputs 4 --density 0.1 -o "$W/net.seir"
"$LOOM" build --board hx8k-breakout "$W/net.seir" --boot-only -o "$W/b"
[ "$(grep -c . "$W/b/boot.hex")" = 512 ]
printf 'set_io CLK J3\nset_io RX B10\nset_io TX B12\nset_io LED B5\n' > "$W/t.pcf"
yosys -q -l "$W/yosys.log" -p "read_verilog -Irtl boards/common/loom_boot.v rtl/loom_uart_tx.v boards/common/tb/loom_tb_rom.v; chparam -set BOOT_FILE \"$W/ph.hex\" loom_tb_rom; synth_ice40 -top loom_tb_rom -json $W/t.json"
nextpnr-ice40 --hx8k --package ct256 --json "$W/t.json" --pcf "$W/t.pcf" --asc "$W/t.asc" -q -l "$W/pnr.log"
icebram "$W/ph.hex" "$W/b/boot.hex" < "$W/t.asc" > "$W/p.asc"
! cmp -s "$W/t.asc" "$W/p.asc"
icepack "$W/p.asc" "$W/p.bin"
iceunpack "$W/p.bin" "$W/u.asc"
icebram "$W/b/boot.hex" "$W/ph.hex" < "$W/u.asc" > "$W/back.asc"
icebram "$W/ph.hex" "$W/b/boot.hex" < "$W/back.asc" | cmp - "$W/u.asc"
icebram "$W/b/boot.hex" "$W/ph.hex" < "$W/p.asc" | cmp - "$W/t.asc"
echo ok
