#!/usr/bin/env bash
# rtl_synth.sh -- yosys `synth_ice40 -dsp -spram` of loom_array in the
# UP5K-target config (1 core, 1,024 neurons, 32,768 synapse words, A=16,
# D=15, single-port ring and synapses: SP=1) must succeed with no latches,
# with the memories in block RAM rather than flip-flops -- the ring and the
# synapses in the 4 SPRAMs, the rest in at most the part's 30 EBRs -- the
# multipliers in DSPs and the logic within the UP5K's 5,280 LUTs.  Reads
# `stat -json`; prints the cell counts.
set -u
command -v yosys >/dev/null || { echo "yosys not installed"; exit 77; }
root=$(cd "$(dirname "$0")/../.." && pwd)
params="-set K 1 -set N 1024 -set SYN 32768 -set P 8 -set LMAX 64 -set MAXIN 256 -set A 16 -set SP 1"
cat > "$WORK/synth.ys" <<YS
read_verilog -I$root/rtl $root/rtl/loom_array.v $root/rtl/loom_core.v $root/rtl/loom_router.v $root/rtl/loom_seq.v $root/rtl/loom_ram.v $root/rtl/loom_spram.v
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
    bad.append(f"{spram} SPRAMs: the ring (16 K x 16) takes 1 and the synapses (16 K x 44) 3")
if ebr < 10 or ebr > 30:
    bad.append(f"{ebr} EBRs: expected the small memories in EBR, at most the UP5K's 30")
if cells.get("SB_LUT4", 0) > 5280:
    bad.append(f"{cells.get('SB_LUT4', 0)} LUTs, the UP5K has 5,280")
ff = sum(v for k, v in cells.items() if k.startswith("SB_DFF"))
if ff > 6000:
    bad.append(f"{ff} flip-flops: a memory was built from registers")
if cells.get("SB_MAC16", 0) < 3:
    bad.append("multipliers not in SB_MAC16")
print(f"ebr {ebr} spram {spram} flip_flops {ff} luts {cells.get('SB_LUT4', 0)} dsp {cells.get('SB_MAC16', 0)}")
if bad:
    print("FAIL: " + "; ".join(bad)); sys.exit(1)
PY
