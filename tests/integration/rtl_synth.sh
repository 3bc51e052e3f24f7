#!/usr/bin/env bash
# rtl_synth.sh -- yosys `synth_ice40 -dsp -spram` of loom_array in the
# icebreaker board's config (1 core, 1,024 neurons, 15,360 synapse words and 1,024 bias words,
# 16 profiles, 224 levels, 128 inputs, W=12 S=20 A=20, D=15, single-port
# ring and synapses: SP=1) must succeed with no latches, with the memories
# in block RAM rather than flip-flops -- the ring (16 K x 20) and the
# synapses (16 K x 26) in 2 + 2 SPRAMs, the rest in at most 26 EBRs (30
# less the link's 2 and the boot ROM's 2) -- the multipliers (decays, w*x)
# in DSPs and at most 3,000 LUTs and 1,300 flip-flops (the profile table is
# block RAM, not registers).  Reads `stat -json`; prints the cell
# counts.  tests/integration/rtl_pnr.sh places and routes the same config.
set -u
command -v yosys >/dev/null || { echo "yosys not installed"; exit 77; }
root=$(cd "$(dirname "$0")/../.." && pwd)
params="-set K 1 -set N 1024 -set SYN 15360 -set P 16 -set LMAX 224 -set MAXIN 128 -set W 12 -set S 20 -set A 20 -set SP 1"
cat > "$WORK/synth.ys" <<YS
read_verilog -I$root/rtl $root/rtl/loom_array.v $(echo $root/rtl/loom_core*.v) $root/rtl/loom_router.v $root/rtl/loom_seq.v $root/rtl/loom_ram.v $root/rtl/loom_spram.v
chparam $params loom_array
synth_ice40 -top loom_array -dsp -spram
tee -q -o $WORK/stat.json stat -json
YS
if ! yosys -q -l "$WORK/yosys.log" "$WORK/synth.ys" >/dev/null 2>&1; then
    echo "yosys failed:"; tail -n 20 "$WORK/yosys.log"; exit 1
fi
python3 - "$WORK/stat.json" "$WORK/yosys.log" <<'PY'
import json, re, sys
stat = json.load(open(sys.argv[1]))
mods = stat["modules"]
cells = {}
for m in mods.values():
    for k, v in m.get("num_cells_by_type", {}).items():
        cells[k] = cells.get(k, 0) + v
print("cells:", ", ".join(f"{k} {v}" for k, v in sorted(cells.items())))
log = open(sys.argv[2]).read()
bad = []
latches = {k: v for k, v in cells.items() if "LATCH" in k.upper()}
if latches or re.search(r"Latch inferred", log):
    bad.append(f"latches: {latches}")
ebr, spram = cells.get("SB_RAM40_4K", 0), cells.get("SB_SPRAM256KA", 0)
ram = ebr + spram
if spram != 4:
    bad.append(f"{spram} SPRAMs: the ring (16 K x 20) takes 2 and the synapses (16 K x 26) 2")
if ebr < 10 or ebr > 26:
    bad.append(f"{ebr} EBRs: expected the small memories in EBR, at most 26")
if cells.get("SB_LUT4", 0) > 3000:
    bad.append(f"{cells.get('SB_LUT4', 0)} LUTs > 3,000")
ff = sum(v for k, v in cells.items() if k.startswith("SB_DFF"))
if ff > 1300:
    bad.append(f"{ff} flip-flops > 1,300: a memory or the profile table was built from registers")
if cells.get("SB_MAC16", 0) < 4:
    bad.append("multipliers not in SB_MAC16 (at least 4 expected: two decays of S=20 bits, w*x)")
print(f"ebr {ebr} spram {spram} flip_flops {ff} luts {cells.get('SB_LUT4', 0)} dsp {cells.get('SB_MAC16', 0)}")
if bad:
    print("FAIL: " + "; ".join(bad)); sys.exit(1)
PY
