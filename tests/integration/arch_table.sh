#!/usr/bin/env bash
# arch_table.sh -- every consumer of the arch table (compiler/board.c:
# boards and simulation configs) agrees with it: the Make lists of boards,
# virtual boards, firmware boards and simulation configs; the -G flags each
# Verilator model of rtl/loom_array.v was built with (every parameter, from
# the table's row); the virtual boards' -G flags; the firmware's -D flags.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
P=$BUILD/gen/vboard_params
[ -x "$P" ] || { echo "$P missing: run make first"; exit 1; }
fail=0
bad() { echo "FAIL: $*"; fail=1; }

lists=$(make --no-print-directory -s BUILD="$BUILD" arch-lists) || { echo "make arch-lists failed"; exit 1; }
get() { sed -n "s/^$1: *//p" <<<"$lists" | xargs; }
names=$("$P" -n | xargs) fw=$("$P" -w | xargs) cfgs=$("$P" -c | xargs)
[ -n "$names" ] && [ -n "$cfgs" ] || bad "the table lists no boards or no configs"
[ "$(get boards)" = "$names" ] || bad "boards.mk BOARDS '$(get boards)' != table '$names'"
[ "$(get vboard_boards)" = "$names" ] || bad "vboard.mk VBOARD_BOARDS '$(get vboard_boards)' != table '$names'"
[ "$(get fw_boards)" = "$fw" ] || bad "fw.mk FW_BOARDS '$(get fw_boards)' != table '$fw'"
[ "$(get vsim_configs)" = "$cfgs" ] || bad "sim.mk VSIM_CONFIGS '$(get vsim_configs)' != table '$cfgs'"
"$P" -M | cmp -s - "$BUILD/gen/arch.mk" || bad "$BUILD/gen/arch.mk is not what the table gives"
echo "lists: boards [$names], firmware boards [$fw], configs [$cfgs]"

# the -G flags a model was verilated with (Verilator records its command line)
gflags() { sed -n '2s/^C "//p' "$1" | tr ' ' '\n' | grep '^-G' | xargs; }
for c in $cfgs; do
    f=$BUILD/sim/$c/Vloom_${c}__verFiles.dat
    [ -f "$f" ] || { bad "no Verilator model for config $c ($f)"; continue; }
    want=$("$P" -V "$c")
    # every parameter of loom_array is set, so no module default is used
    for p in $(sed -n 's/^ *parameter \([A-Z0-9_]*\) *=.*/\1/p' rtl/loom_array.v); do
        grep -q -- "-G$p=" <<<"$want" || bad "config $c does not set loom_array's parameter $p"
    done
    [ "$(gflags "$f")" = "$want" ] || bad "model $c built with [$(gflags "$f")], table says [$want]"
done
echo "sim models: $(wc -w <<<"$cfgs") built with their table rows"

for b in $names; do
    id=${b//-/_}
    f=$(ls "$BUILD"/vboard/$id/*__verFiles.dat 2>/dev/null | head -n 1)
    [ -n "$f" ] || { bad "no virtual board model for $b"; continue; }
    want=$("$P" -G "$b" -F "$BUILD/fw" | tr ' ' '\n' | grep '^-G' | grep -v FW_FILE | xargs)
    got=$(gflags "$f" | tr ' ' '\n' | grep -v FW_FILE | xargs)
    [ "$got" = "$want" ] || bad "virtual board $b built with [$got], table says [$want]"
done
echo "virtual boards: checked against the table"

for b in $fw; do
    [ -f "$BUILD/fw/$b.flags" ] || { bad "no firmware flags for $b"; continue; }
    [ "$(cat "$BUILD/fw/$b.flags")" = "$("$P" -D "$b")" ] || bad "firmware flags of $b differ from the table"
done
echo "firmware: -D flags of [$fw] are the table's"

# the board tops' defaults: rtl/loom_arch.vh is what the table gives, and
# every numeric parameter default of a hardware board top names it
"$P" -H | cmp -s - rtl/loom_arch.vh || bad "rtl/loom_arch.vh is not what the table gives (regenerate: $P -H > rtl/loom_arch.vh)"
for b in $names; do
    [[ " $fw " == *" $b "* ]] && continue
    top=boards/$b/loom_board_${b//-/_}.v id=$(tr 'a-z-' 'A-Z_' <<<"$b")
    stale=$(sed -n '/^module/,/^) (/p' "$top" | grep -E 'parameter +[A-Z_]+ *= *[0-9]' || true)
    [ -z "$stale" ] || bad "$top keeps defaults of its own: $stale"
    for p in $(sed -n '/^module/,/^) (/s/.*parameter \([A-Z_]*\) *= *`LOOM_ARCH_.*/\1/p' "$top"); do
        grep -q "^\`define LOOM_ARCH_${id}_$p " rtl/loom_arch.vh || bad "$top: no LOOM_ARCH_${id}_$p in rtl/loom_arch.vh"
    done
done
echo "board tops: defaults from rtl/loom_arch.vh"
exit $fail
