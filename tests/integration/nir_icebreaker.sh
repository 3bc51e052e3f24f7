#!/usr/bin/env bash
# nir_icebreaker.sh -- issue 16's acceptance at the icebreaker's arch: the
# trained networks (the snnTorch exports of tests/data/export and the NIR
# sample nets of ../shared/data/nir that fit the board by neurons and
# synapses) compiled with `loom compile --board icebreaker --report` must
# end with `agreement A`, A >= 0.99; one of them (snnTorch's Synaptic net)
# run on the icebreaker's virtual board (`loom vboard --board icebreaker`,
# the board's own RTL under Verilator) with `loom run --port` must give
# exactly the spikes of `loom sim` on the compiled net with the same
# options.  `loom build --boot-only` then bakes each net (the icebreaker
# into its SPI flash image; a net too large for a board's store is refused
# with both sizes).
set -u
. "$(dirname "$0")/../support/vboard.sh"
cd "$(dirname "$0")/../.."
EXP=tests/data/export
nets="$EXP/snn_leaky_ff.nir $EXP/snn_synaptic.nir $EXP/snn_rleaky.nir"
for f in braille_nirtorch lif_norse all_primitives_gzip; do
    [ -f "$DATA/nir/$f.nir" ] && nets="$nets $DATA/nir/$f.nir"
done
IB_ARCH=$("$LOOM" build --list | awk '$1 == "icebreaker" { print $7, $8, $9, $10 }')
for nir in $nets; do
    k=$(basename "$nir" .nir)
    "$LOOM" compile "$nir" --board icebreaker -o "$WORK/$k.seir" --report >"$WORK/$k.rep" 2>"$WORK/$k.err" \
        || { cat "$WORK/$k.err"; fail "$k: loom compile --board icebreaker"; }
    [ "$(grep '^arch ' "$WORK/$k.seir")" = "arch $IB_ARCH" ] || fail "$k: not compiled for $IB_ARCH"
    a=$(tail -n 1 "$WORK/$k.rep" | sed -n 's/^agreement //p')
    [ -n "$a" ] || fail "$k: the report does not end with 'agreement A': $(tail -n 1 "$WORK/$k.rep")"
    awk -v a="$a" 'BEGIN { exit !(a >= 0.99) }' || fail "$k: agreement $a < 0.99 at $IB_ARCH"
    echo "$k: agreement $a at $IB_ARCH"
    if "$LOOM" build --board icebreaker --boot-only "$nir" -o "$WORK/boot_$k" >"$WORK/b_$k.out" 2>"$WORK/b_$k.err"; then
        # the icebreaker bakes into its SPI flash (flash.bin), a boot-ROM board into boot.hex
        [ -s "$WORK/boot_$k/flash.bin" ] || [ -s "$WORK/boot_$k/boot.hex" ] || fail "$k: --boot-only wrote no image"
        echo "$k: baked ($(ls "$WORK/boot_$k" | grep -E '^(flash.bin|boot.hex)$'), $(wc -c < "$(ls -d "$WORK/boot_$k"/flash.bin "$WORK/boot_$k"/boot.hex 2>/dev/null | head -n 1)") bytes)"
    else
        grep -q "boot" "$WORK/b_$k.err" || { cat "$WORK/b_$k.err"; fail "$k: --boot-only refused for another reason"; }
        echo "$k: not baked: $(head -n 1 "$WORK/b_$k.err")"
    fi
done

# the Synaptic net on the icebreaker's virtual board, spike for spike
"$LOOM" vboard --board icebreaker --quiet --pty-file "$WORK/pty" >/dev/null 2>"$WORK/vb.err" &
pids+=($!)
wait_file "$WORK/pty" || { cat "$WORK/vb.err"; fail "no pty"; }
opts="--steps 1000 --poisson 0.1 --seed 1"
"$LOOM" run --port "$(cat "$WORK/pty")" "$EXP/snn_synaptic.nir" $opts --out-spikes "$WORK/board.csv" \
    >"$WORK/run.out" 2>"$WORK/run.err" || { cat "$WORK/run.err"; fail "loom run --port"; }
"$LOOM" sim "$WORK/snn_synaptic.seir" $opts --out-spikes "$WORK/sim.csv" --quiet || fail "loom sim"
# loom run writes the spikes of the output neurons (the population of the
# net's `output` line), loom sim those of every neuron: every line of the
# board's file is a line of sim's, and sim's lines of the output
# neurons are exactly the board's
read -r lo hi < <(awk '$1 == "neuron" { split($2, a, /[][]/); first[a[1]] = n; n += a[2]; size[a[1]] = a[2] }
    $1 == "output" { print first[$2], first[$2] + size[$2] - 1 }' "$WORK/snn_synaptic.seir")
[ -n "$hi" ] || fail "no output population in snn_synaptic.seir"
awk -F, -v lo="$lo" -v hi="$hi" 'NR == 1 || ($2 >= lo && $2 <= hi)' "$WORK/sim.csv" >"$WORK/sim_out.csv"
[ "$(wc -l <"$WORK/sim_out.csv")" -gt 100 ] || fail "too few output spikes in sim.csv"
[ -z "$(comm -23 <(sort "$WORK/board.csv") <(sort "$WORK/sim.csv"))" ] \
    || fail "a line of the board's --out-spikes is not a line of sim's"
cmp "$WORK/board.csv" "$WORK/sim_out.csv" || fail "vboard output spikes differ from loom sim's (neurons $lo..$hi)"
echo "snn_synaptic: $(($(wc -l <"$WORK/board.csv") - 1)) output spikes (neurons $lo..$hi) identical on the icebreaker's virtual board"
echo "nir_icebreaker: ok"
