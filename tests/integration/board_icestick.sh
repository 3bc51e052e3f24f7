#!/usr/bin/env bash
# board_icestick.sh -- tests/integration/board_flow.sh for the icestick
# (iCE40HX1K): the firmware board (rtl/loom_mcu.v with boards/icestick/fw)
# must fit the 1,280 logic cells and 16 block RAMs and meet its 24 MHz
# clock; the report must parse and say so.
set -eu
LOOM_BUILD_BOARD=icestick bash "$(dirname "$0")/board_flow.sh"
D=$WORK/ib
grep -q '"engine": "firmware"' "$D/report.json"
lc=$(grep -o '"luts_used": [0-9]*' "$D/report.json" | grep -o '[0-9]*$')
ram=$(grep -o '"bram_used": [0-9]*' "$D/report.json" | grep -o '[0-9]*$')
echo "icestick: $lc of 1280 logic cells, $ram of 16 block RAMs"
[ "$lc" -le 1280 ] && [ "$ram" -le 16 ]
"$LOOM" report "$D" | grep -q "engine    firmware"
