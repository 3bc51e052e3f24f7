#!/usr/bin/env bash
# build_seeds.sh -- `loom build --seeds N --timing-margin PCT`: nextpnr places
# with seed 1, 2, ... until a placement clears the board clock by the margin,
# and keeps the first that does, else the fastest.  On the icestick (24 MHz,
# about 33-35 MHz placed) a margin of 100 % is out of reach, so all three
# seeds run: the kept bitstream must be the fastest one's (its log, its
# report, report.json and nextpnr-seeds.txt agree), the others' logs stay as
# nextpnr-seedK.log, and a second build with the same options runs no tool.
# Bad values are refused before anything runs.
set -eu
expect_fail() { # message-pattern, command...
    local pat=$1; shift
    if "$@" 2> "$WORK/err"; then echo "succeeded: $*"; exit 1; fi
    cat "$WORK/err"
    grep -q "$pat" "$WORK/err" || { echo "message lacks '$pat'"; exit 1; }
}
expect_fail "loom build: --seeds 0 is out of range 1..16" "$LOOM" build --board icestick --seeds 0 -o "$WORK/x"
expect_fail "loom build: --seeds 17 is out of range 1..16" "$LOOM" build --board icestick --seeds 17 -o "$WORK/x"
expect_fail "loom build: --timing-margin" "$LOOM" build --board icestick --timing-margin -5 -o "$WORK/x"
[ ! -e "$WORK/x" ] || { echo "a refused build created its folder"; exit 1; }

D=$WORK/seeds
"$LOOM" build --board icestick --seeds 3 --timing-margin 100 --no-cache -o "$D" 2> "$WORK/log" || {
    cat "$WORK/log"; exit 1; }
cat "$WORK/log"
[ "$(grep -c '^\[nextpnr\] placing' "$WORK/log")" = 3 ] || { echo "expected 3 placements"; exit 1; }
grep -q "^\[nextpnr\] done: kept seed [123] of 3 tried" "$WORK/log"
python3 - "$D" <<'EOF'
import json, re, sys
d = sys.argv[1]
r = json.load(open(d + "/report.json"))
tries = r["pnr_tries"]
assert [t["seed"] for t in tries] == [1, 2, 3], tries
best = max(tries, key=lambda t: t["fmax_mhz"])
assert r["pnr_seeds_tried"] == 3 and r["pnr_seed"] == best["seed"], (r["pnr_seed"], tries)
assert abs(r["fmax_mhz"] - best["fmax_mhz"]) < 0.01, (r["fmax_mhz"], best)
assert r["timing_met"] is True and abs(r["timing_margin"] - 1.0) < 1e-9
def last_fmax(path):
    v = re.findall(r"Max frequency for clock +'clk': ([0-9.]+) MHz", open(path).read())
    return float(v[-1])
# the kept placement's own log and report are the ones beside loom.bin
assert abs(last_fmax(d + "/nextpnr.log") - best["fmax_mhz"]) < 0.01
for t in tries:
    if t["seed"] != best["seed"]:
        assert abs(last_fmax("%s/nextpnr-seed%d.log" % (d, t["seed"])) - t["fmax_mhz"]) < 0.01, t
lines = open(d + "/nextpnr-seeds.txt").read().split("\n")
assert "chosen %d" % best["seed"] in lines, lines
print("seeds:", [(t["seed"], t["fmax_mhz"]) for t in tries], "kept", best["seed"])
EOF
! ls "$D"/generic-seed*.asc > /dev/null 2>&1 && [ -s "$D/loom.bin" ]
"$LOOM" report "$D" | grep -q "nextpnr seed [123], 3 placement(s) tried"
# settled: the same options again run neither yosys nor nextpnr
"$LOOM" build --board icestick --seeds 3 --timing-margin 100 --no-cache -o "$D" 2> "$WORK/log2"
if grep -q "^\[yosys\|^\[nextpnr" "$WORK/log2"; then cat "$WORK/log2"; echo "placed again"; exit 1; fi
echo "build_seeds ok"
