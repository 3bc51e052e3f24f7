#!/usr/bin/env bash
# build_boot_sim.sh -- the baked-model path in simulation (iverilog): a boot
# ROM written by `loom build --boot-only` for the hx8k-breakout arch config
# is replayed by boards/common/loom_boot.v into the real rtl/loom_top.v; the
# testbench then checks the array's level count, slots in use, fan-out
# synapse counts (against `loom info`) and that every frame ran in order.
# Also: a model too big for the boot ROM is refused with the sizes named.
set -eu
command -v iverilog >/dev/null || { echo "skip: iverilog not installed"; exit 77; }
cd "$(dirname "$0")/../.."
"$LOOM" gen --seed 5 --neurons 12 --inputs 4 --density 0.1 -o "$WORK/net.seir"
"$LOOM" build --board hx8k-breakout "$WORK/net.seir" --boot-only -o "$WORK/b"
info=$("$LOOM" info "$WORK/net.seir" --json | tr ',' '\n')
neurons=$(echo "$info" | grep -m1 '"neurons"' | grep -o '[0-9]*$')
synapses=$(echo "$info" | grep -m1 '"synapses"' | grep -o '[0-9]*$')
levels=$(echo "$info" | grep -m1 '"levels"' | grep -o '[0-9]*$')
# the ROM file holds 16-bit words, low byte first: split it into bytes
sed 's/^\(..\)\(..\)$/\2\n\1/' "$WORK/b/boot.hex" > "$WORK/bytes"
bytes=$(grep -c . "$WORK/bytes")
[ "$(head -2 "$WORK/bytes" | tr '\n' ' ')" = "b0 07 " ] || { echo "no boot header"; exit 1; }
# frames on the wire are 0x7E stuffed-body 0x7E: two flags each in the used part
len=$(( 0x$(sed -n 3p "$WORK/bytes") + 256 * 0x$(sed -n 4p "$WORK/bytes") ))
frames=$(( $(sed -n "5,$((len + 4))p" "$WORK/bytes" | grep -c '^7e$') / 2 ))
arch=$("$LOOM" build --list | awk '$1=="hx8k-breakout"')
par() { echo "$arch" | grep -o "$1=[0-9]*" | cut -d= -f2; }
echo "model: $neurons neurons, $synapses synapses, $levels levels; ROM $len of $bytes bytes, $frames frames"
iverilog -g2005 -Irtl -o "$WORK/tb" -s loom_tb_boot \
    -Ploom_tb_boot.BOOT_FILE="\"$WORK/b/boot.hex\"" -Ploom_tb_boot.BYTES=$bytes \
    -Ploom_tb_boot.LEVELS=$levels -Ploom_tb_boot.NUSED=$neurons -Ploom_tb_boot.SYNAPSES=$synapses \
    -Ploom_tb_boot.FRAMES=$frames -Ploom_tb_boot.A=$(par A) -Ploom_tb_boot.D=$(par D) \
    -Ploom_tb_boot.N=$(par neurons) -Ploom_tb_boot.SYN=$(par syn_words) \
    -Ploom_tb_boot.P=$(par profiles) -Ploom_tb_boot.LMAX=$(par levels) \
    -Ploom_tb_boot.MAXIN=$(par inputs) \
    boards/common/tb/loom_tb_boot.v boards/common/loom_boot.v rtl/loom_*.v
vvp -n "$WORK/tb" | tee "$WORK/sim.log"
grep -q '^PASS' "$WORK/sim.log"
! grep -q '^FAIL' "$WORK/sim.log"

# too big for the ROM: refused, naming the need and the size
"$LOOM" gen --seed 6 --neurons 40 --inputs 8 --density 0.1 -o "$WORK/big.seir"
if "$LOOM" build --board hx8k-breakout "$WORK/big.seir" --boot-only -o "$WORK/c" 2> "$WORK/err"; then
    echo "an oversized model was accepted for the boot ROM"; exit 1
fi
cat "$WORK/err"
grep -q "boot ROM bytes, the board has $bytes" "$WORK/err"
# the upduino3 refuses Braille (18,719 bytes) and says why its flash cannot take it (its UART is on the
# flash's SPI pins), where the icebreaker bakes the same model into flash
if "$LOOM" build --board upduino3 "$DATA/nir/braille_nirtorch.nir" --boot-only -o "$WORK/u" 2> "$WORK/uerr"; then
    echo "an oversized model was accepted for the upduino3's boot ROM"; exit 1
fi
grep -q "boot ROM bytes, the board has 1024; .*FT232H UART lines are the flash's SCK and SDO pins" "$WORK/uerr" ||
    { cat "$WORK/uerr"; exit 1; }
"$LOOM" build --board icebreaker "$DATA/nir/braille_nirtorch.nir" --boot-only -o "$WORK/i" > /dev/null 2>&1
[ -s "$WORK/i/flash.bin" ] || { echo "the icebreaker did not bake it into flash"; exit 1; }
echo ok
