#!/usr/bin/env bash
# icestick_vboard.sh -- the icestick (iCE40HX1K) runs the array as firmware
# on the loom_rv processor (rtl/loom_mcu.v + boards/icestick/fw); its virtual
# board is that RTL with that firmware image under Verilator.  Checks: the
# identity, rings and arch registers announced over the link equal the board
# table; an AIGER circuit, a NIR model and random nets of every neuron-
# parameter corner (loom gen, 30 neurons, delays up to 7, graded inputs) run
# 300 steps through `loom run` with spikes identical to `loom sim` and
# `--check` (membranes and spikes against the reference model each step)
# clean; the same with 1% of the bytes dropped or corrupted each way; 20 KB
# of random bytes on the line are counted as damaged frames and the board
# still answers; a net larger than the board is refused with the resource
# named.
set -u
. "$(dirname "$0")/../support/vboard.sh"
aig="$DATA/aig/seq/s27.aig"
nir="$DATA/nir/lif_norse.nir"
[ -f "$aig" ] && [ -f "$nir" ] || { echo "test data missing in $DATA"; exit 77; }

"$LOOM" vboard --quiet --board icestick --pty-file "$WORK/pty" >/dev/null 2>"$WORK/vb.err" &
pids+=($!)
wait_file "$WORK/pty" || { cat "$WORK/vb.err"; fail "no pty"; }
pty=$(cat "$WORK/pty")
"$LOOM" vboard --ping "$pty" >"$WORK/ping" 2>&1 || { cat "$WORK/ping"; fail "ping"; }
cat "$WORK/ping"
arch=$("$LOOM" build --list | awk '$1=="icestick"')
par() { echo "$arch" | grep -o " $1=[0-9]*" | cut -d= -f2; }
clk=$(echo "$arch" | awk '{printf "%d", $4 * 1000000}')
ver=$(sed -n 's/^#define LOOM_MAP_RTL_VERSION \([0-9]*\).*/\1/p' "$(dirname "$0")/../../hls_ref/loom_map.h")
grep -q "^link proto 2 rtl $ver board 3 max_payload 96 clk_hz $clk baud 3000000\$" "$WORK/ping" || fail "identity"
grep -q "^arch W=$(par W) S=$(par S) A=$(par A) D=$(par D) cores=$(par cores) neurons=$(par neurons) syn_words=$(par syn_words) profiles=$(par profiles) max_inputs=$(par inputs) levels=$(par levels)\$" \
    "$WORK/ping" || fail "arch registers differ from the board table: $arch"
grep -q "^link rings rx 248 tx 128 window 4$" "$WORK/ping" || fail "rings and window"

D=$(par D)
models=("$aig" "$nir")
for s in 1 2 3; do
    "$LOOM" gen --seed $s --neurons 30 --inputs 8 --max-delay "$D" --arch "W=8,S=16,A=24,D=$D" \
        -o "$WORK/gen$s.seir" || fail "loom gen $s"
    models+=("$WORK/gen$s.seir")
done
steps=300
for model in "${models[@]}"; do
    run_vs_sim "$pty" "$model" $steps 0.3 5
done

# 1% faults each way, over TCP
"$LOOM" vboard --quiet --board icestick --tcp 0 --port-file "$WORK/tcp" --fault-rate 0.01 --seed 13 \
    >/dev/null 2>"$WORK/vb2.err" &
pids+=($!)
wait_file "$WORK/tcp" || fail "no port file"
run_faulty "$(cat "$WORK/tcp")" "$WORK/gen2.seir" $steps 0.3 5 50

# garbage on the line: counted, and the board answers the next ping
head -c 20000 /dev/urandom > "$pty"
"$LOOM" vboard --ping "$pty" --timeout-ms 500 --tries 20 >"$WORK/ping2" 2>&1 || { cat "$WORK/ping2"; fail "ping after garbage"; }
cat "$WORK/ping2"
bad=$(sed -n 's/^board counters ok [0-9]* crc \([0-9]*\) format \([0-9]*\)$/\1 \2/p' "$WORK/ping2")
[ -n "$bad" ] && [ "$(echo "$bad" | awk '{print $1 + $2}')" -gt 0 ] || fail "the garbage was not counted: $bad"

# --fw: a RAM image that is not one is refused, naming the file and what is wrong
head -n 5 "$BUILD/fw/icestick.hex" > "$WORK/short.hex"
printf 'zz\n' > "$WORK/bad.hex"
for c in "$WORK/short.hex:5 words, board icestick has 1792 words of RAM" "$WORK/bad.hex:bad.hex:1: not a 32-bit hex word" \
         "$WORK/none.hex:cannot open"; do
    f=${c%%:*} msg=${c#*:}
    "$LOOM" vboard --board icestick --fw "$f" --pty-file "$WORK/x" 2>"$WORK/fw.err" && fail "--fw $f accepted"
    grep -q "$msg" "$WORK/fw.err" || { cat "$WORK/fw.err"; fail "--fw $f: message"; }
done
"$LOOM" vboard --board icebreaker --fw "$BUILD/fw/icestick.hex" --pty-file "$WORK/x" 2>"$WORK/fw.err" && fail "--fw on the icebreaker"
grep -q "runs no firmware" "$WORK/fw.err" || { cat "$WORK/fw.err"; fail "--fw on the icebreaker: message"; }

# too big for the board: refused before anything is sent, the resource named
"$LOOM" gen --seed 4 --neurons 40 --inputs 8 --max-delay "$D" --arch "W=8,S=16,A=24,D=$D" -o "$WORK/big.seir"
"$LOOM" run --port "$pty" "$WORK/big.seir" --steps 10 >"$WORK/big.log" 2>&1 && fail "a 40-neuron net ran on a 32-neuron board"
cat "$WORK/big.log"
grep -qi "neuron" "$WORK/big.log" || fail "the refusal does not name the neurons"
echo "ok"
