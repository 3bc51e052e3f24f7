#!/bin/sh
# gen_map_vh.sh -- writes rtl/loom_map.vh (Verilog `defines) from
# hls_ref/loom_map.h, the one source of the register map.
#   sh rtl/gen_map_vh.sh [OUT]     (default rtl/loom_map.vh)
set -e
cd "$(dirname "$0")/.."
out=${1:-rtl/loom_map.vh}
{
  echo "// loom_map.vh -- GENERATED from hls_ref/loom_map.h by rtl/gen_map_vh.sh; do not edit."
  grep -E '^#define (LOOM_REG_|LOOM_STATUS_|LOOM_MAP_|LOOM_CORE_|LOOM_PF_)[A-Z0-9_]+ ' hls_ref/loom_map.h |
    awk '$2 !~ /\(/ { v=$3; if (v ~ /^0x/) { v = "'"'"'h" substr(v, 3) } else { v = v }; print "`define " $2 " " v }'
} > "$out.tmp"
mv "$out.tmp" "$out"
