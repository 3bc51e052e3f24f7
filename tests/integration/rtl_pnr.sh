#!/usr/bin/env bash
# rtl_pnr.sh -- place and route of loom_array ALONE in the icebreaker board's
# arch config (from `loom build --list`) on the iCE40UP5K-SG48: yosys
# `synth_ice40 -dsp -spram`, then nextpnr-ice40 at the board clock.  The
# array sits in tests/rtl/loom_pnr_harness.v (a 4-pin shift-register
# harness, ~150 logic cells), so the figures are the array's share of the
# board design, without the link and the boot ROM.  Checks: it fits in at
# most 3,700 logic cells (harness included), 26 RAM blocks, the 4 SPRAMs,
# and meets the board clock; prints the figures.
set -u
for t in yosys nextpnr-ice40; do
    command -v $t >/dev/null || { echo "skip: $t not installed"; exit 77; }
done
root=$(cd "$(dirname "$0")/../.." && pwd)
line=$("$LOOM" build --list | awk '$1=="icebreaker"')
[ -n "$line" ] || { echo "icebreaker not in loom build --list"; exit 1; }
val() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$line"; }
clk=$(awk '{print $4}' <<<"$line")
params="-set W $(val W) -set S $(val S) -set A $(val A) -set D $(val D) -set K $(val cores)"
params="$params -set N $(val neurons) -set SYN $(val syn_words) -set P $(val profiles)"
params="$params -set LMAX $(val levels) -set MAXIN $(val inputs) -set EQ $(val eq) -set SP $(val sp)"
echo "icebreaker arch: $params, clock $clk MHz"
src=$(ls "$root"/rtl/loom_array.v "$root"/rtl/loom_core*.v "$root"/rtl/loom_router.v \
         "$root"/rtl/loom_seq.v "$root"/rtl/loom_ram.v "$root"/rtl/loom_spram.v)
cat > "$WORK/pnr.ys" <<YS
read_verilog -I$root/rtl $(echo $src) $root/tests/rtl/loom_pnr_harness.v
chparam $params loom_pnr_harness
synth_ice40 -top loom_pnr_harness -dsp -spram -json $WORK/h.json
YS
printf 'set_io CLK 35\nset_io SIN 6\nset_io SLOAD 11\nset_io SOUT 9\n' > "$WORK/h.pcf"
t0=$SECONDS
yosys -q -l "$WORK/yosys.log" "$WORK/pnr.ys" >/dev/null 2>&1 || { echo "yosys failed"; tail "$WORK/yosys.log"; exit 1; }
if ! nextpnr-ice40 --up5k --package sg48 --json "$WORK/h.json" --pcf "$WORK/h.pcf" --freq "$clk" \
        --seed 1 --timing-allow-fail --report "$WORK/report.json" -q -l "$WORK/pnr.log" >/dev/null 2>&1; then
    echo "nextpnr failed:"; grep -E "ERROR|ICESTORM" "$WORK/pnr.log" | head; exit 1
fi
echo "yosys + nextpnr: $((SECONDS - t0)) s"
python3 - "$WORK/report.json" "$clk" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
clk = float(sys.argv[2])
u = r["utilization"]
lc, ram, spr, dsp = (u[k]["used"] for k in ("ICESTORM_LC", "ICESTORM_RAM", "ICESTORM_SPRAM", "ICESTORM_DSP"))
fmax = min(v["achieved"] for v in r["fmax"].values())
print(f"logic cells {lc} / {u['ICESTORM_LC']['available']}, RAM blocks {ram}, SPRAM {spr}, DSP {dsp}, "
      f"Fmax {fmax:.2f} MHz (clock {clk:g} MHz)")
bad = []
if lc > 3700: bad.append(f"{lc} logic cells > 3,700")
if ram > 26: bad.append(f"{ram} RAM blocks > 26")
if spr != 4: bad.append(f"{spr} SPRAMs, expected 4 (ring 2, synapses 2)")
if fmax < clk: bad.append(f"Fmax {fmax:.2f} MHz < {clk:g} MHz")
if bad:
    print("FAIL: " + "; ".join(bad)); sys.exit(1)
PY
