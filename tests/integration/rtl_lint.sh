#!/usr/bin/env bash
# rtl_lint.sh -- `verilator --lint-only -Wall` of the core array (loom_array
# and everything below it) must be clean in every arch config we build and
# in corner configs (D=0, W=16, odd sizes, the narrow W=2 S=4 of a logic
# circuit (S below the slot bits), a ring banked into D+1 = 6
# RAMs), and rtl/loom_map.vh must be the file rtl/gen_map_vh.sh generates
# from hls_ref/loom_map.h.
set -u
command -v verilator >/dev/null || { echo "verilator not installed"; exit 77; }
cd "$(dirname "$0")/../.."
src="rtl/loom_array.v rtl/loom_core.v rtl/loom_router.v rtl/loom_seq.v rtl/loom_ram.v rtl/loom_spram.v"
fail=0
while read -r name params; do
    [ -n "$name" ] || continue
    if out=$(verilator --lint-only -Wall -Irtl --top-module loom_array $params $src 2>&1); then
        echo "lint ok: $name ($params)"
    else
        echo "lint FAILED: $name ($params)"; echo "$out" | head -40; fail=1
    fi
done <<'CONFIGS'
default
c1   -GK=1 -GN=256 -GSYN=8192 -GP=16 -GLMAX=256 -GMAXIN=64 -GRBANK=1
c4   -GK=4 -GN=64 -GSYN=2048 -GP=16 -GLMAX=64 -GMAXIN=64 -GRBANK=1
d0   -GK=2 -GN=128 -GSYN=4096 -GP=16 -GLMAX=128 -GMAXIN=64 -GD=0 -GRBANK=1
b2   -GK=2 -GN=512 -GSYN=65536 -GP=4 -GLMAX=16 -GMAXIN=1024 -GRBANK=1
wide -GK=2 -GN=128 -GSYN=4096 -GP=16 -GLMAX=128 -GMAXIN=64 -GW=12 -GS=24 -GA=32 -GD=7
up5k -GK=1 -GN=1024 -GSYN=32768 -GP=8 -GLMAX=64 -GMAXIN=256 -GA=16
sp   -GK=2 -GN=128 -GSYN=4096 -GP=16 -GLMAX=128 -GMAXIN=64 -GSP=1
up5ksp -GK=1 -GN=1024 -GSYN=31744 -GP=8 -GLMAX=64 -GMAXIN=256 -GA=16 -GSP=1
up5k20 -GK=1 -GN=1024 -GSYN=15360 -GP=16 -GLMAX=224 -GMAXIN=128 -GW=12 -GS=20 -GA=20 -GSP=1
odd  -GK=3 -GN=20 -GSYN=100 -GP=3 -GLMAX=5 -GMAXIN=10 -GW=16 -GD=2
narrow -GK=1 -GN=2048 -GSYN=30720 -GP=1 -GLMAX=64 -GMAXIN=32 -GW=2 -GS=4 -GA=16 -GD=7 -GSP=1
narrow0 -GK=1 -GN=512 -GSYN=32256 -GP=1 -GLMAX=512 -GMAXIN=512 -GW=2 -GS=4 -GA=4 -GD=0 -GSP=1
oddbank -GK=3 -GN=20 -GSYN=100 -GP=3 -GLMAX=5 -GMAXIN=10 -GW=16 -GD=5 -GRBANK=1
CONFIGS
# the board core with each way of booting: none, the boot ROM, the SPI flash
bsrc="boards/common/loom_board_core.v boards/common/loom_board_misc.v boards/common/loom_boot.v
      boards/common/loom_flash_boot.v rtl/loom_top.v rtl/loom_link.v rtl/loom_uart_rx.v
      rtl/loom_uart_tx.v rtl/loom_crc16.v rtl/loom_link_rx.v rtl/loom_link_tx.v rtl/loom_cmd.v $src"
for boot in "-GBOOT_BYTES=0" "-GBOOT_BYTES=1024" "-GFLASH_OFFSET=1048576 -GSP=1"; do
    # shellcheck disable=SC2086
    if out=$(verilator --lint-only -Wall -Irtl --top-module loom_board_core $boot $bsrc 2>&1); then
        echo "lint ok: loom_board_core $boot"
    else
        echo "lint FAILED: loom_board_core $boot"; echo "$out" | head -40; fail=1
    fi
done
sh rtl/gen_map_vh.sh "$WORK/loom_map.vh"
if ! diff -u rtl/loom_map.vh "$WORK/loom_map.vh"; then
    echo "rtl/loom_map.vh is stale: run sh rtl/gen_map_vh.sh"; fail=1
else
    echo "rtl/loom_map.vh matches hls_ref/loom_map.h"
fi
[ $fail -eq 0 ] || exit 1
# docs/memory-map.md must name every constant of the map
missing=$(grep -oE '^#define (LOOM_[A-Z0-9_]+)' hls_ref/loom_map.h | awk '{print $2}' |
          grep -v '^LOOM_MAP_H$' | while read -r n; do grep -q "$n" docs/memory-map.md || echo "$n"; done)
if [ -n "$missing" ]; then
    echo "docs/memory-map.md does not mention: $missing"; exit 1
fi
echo "docs/memory-map.md names every constant of hls_ref/loom_map.h"
