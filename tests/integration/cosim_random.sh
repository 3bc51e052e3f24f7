#!/usr/bin/env bash
# cosim_random.sh -- lockstep co-simulation (loom cosim: Verilator RTL vs the
# reference model, every neuron's spike/i/v after every step, the rings at
# the end) on 290 random networks x 200 steps over seven arch configs:
#   c1   1 core,  default W/S/A, D=15
#   c4   4 cores, default W/S/A, D=15
#   d0   2 cores, D=0 (every synapse zero-delay: deep level chains)
#   wide 2 cores, W=12 S=24 A=32 D=7
#   sp   2 cores, single-port ring and synapse RAM (the UP5K SPRAM datapath),
#        every other i
#   bk   2 cores, D=9: a ring banked into 10 RAMs (not a power of two),
#        every other i
# c1, c4, d0 and bk bank the ring by ring word (RBANK=1), wide keeps one
# ring RAM: both ways of overlapping deliveries with the update.
#   up5k the icebreaker board's config (1 core, 1,024 slots, W=12 S=20
#        A=20; SP=1: profiles in block RAM in 16-bit halves, i and v in
#        16 + 4-bit RAMs, one synapse per SPRAM word, U4 stage), every
#        other i, and 4 nets with all 16 profiles in use (theta, v_reset
#        and bias beyond 16 bits among them)
# Every run prints its seeds; replay one with the printed commands.
set -u
fail=0 runs=0 modeled=0
run() { # config, seed, gen options...
    local cfg=$1 seed=$2; shift 2
    local net="$WORK/$cfg-$seed.seir"
    if ! "$LOOM" gen --seed "$seed" "$@" -o "$net" 2>"$WORK/gen.err"; then
        echo "FAIL gen --seed $seed $*: $(cat "$WORK/gen.err")"; fail=$((fail + 1)); return
    fi
    local rate=$(( (seed % 5) + 1 ))
    local out
    out=$("$LOOM" cosim "$net" --config "$cfg" --steps 200 --poisson "0.$rate" --seed "$seed" \
          --quiet --mismatch-fst "$WORK/$cfg-$seed.fst" 2>&1)
    local rc=$?
    runs=$((runs + 1))
    if [ $rc -ne 0 ] || ! grep -q '^mismatches 0$' <<<"$out"; then
        echo "FAIL config $cfg seed $seed: loom gen --seed $seed $* -o net.seir &&" \
             "loom cosim net.seir --config $cfg --steps 200 --poisson 0.$rate --seed $seed"
        sed 's/^/    /' <<<"$out"
        fail=$((fail + 1))
    else
        echo "ok $cfg seed $seed ($*): $(grep -E '^(events|cycles_per_step)' <<<"$out" | tr '\n' ' ')"
        # the mapper's cycle model within 5 % of the measured cycles (issue 22)
        local off
        off=$(sed -n 's/^cycles_per_step .* predicted .* (\([-+]*[0-9.]*\)%)$/\1/p' <<<"$out")
        if [ -z "$off" ]; then
            echo "FAIL config $cfg seed $seed: no predicted cycles in loom cosim's output"; fail=$((fail + 1))
        elif awk -v x="$off" 'BEGIN { exit !(x > 5 || x < -5) }'; then
            echo "FAIL config $cfg seed $seed: cycle model off by $off % (limit 5 %)"; fail=$((fail + 1))
        else
            modeled=$((modeled + 1))
        fi
    fi
}
for i in $(seq 1 52); do
    n=$(( 4 + (i * 37) % 120 ))
    c=$(( (i * 7) % 17 ))
    lv=$(( 1 + (i * 5) % (n < 24 ? n : 24) ))
    dens=$(echo 0.03 0.08 0.13 0.25 | cut -d' ' -f$(( 1 + i % 4 )))
    run c1   $((1000 + i)) --neurons "$n" --inputs "$c" --density "$dens" --levels "$lv"
    run c4   $((2000 + i)) --neurons $(( 4 + (i * 53) % 250 )) --inputs "$c" --density "0.0$(( 2 + i % 8 ))"
    run d0   $((3000 + i)) --neurons "$n" --inputs "$c" --density "$dens" --max-delay 0 --arch D=0 --levels "$lv"
    run wide $((4000 + i)) --neurons "$n" --inputs "$c" --density "$dens" --arch W=12,S=24,A=32,D=7
    [ $((i % 2)) -eq 0 ] && run sp $((5000 + i)) --neurons "$n" --inputs "$c" --density "$dens" --levels "$lv"
    [ $((i % 2)) -eq 1 ] && run bk $((6000 + i)) --neurons "$n" --inputs "$c" --density "$dens" --levels "$lv" --arch D=9
    # (density at most 0.13: 15,360 synapse words)
    [ $((i % 2)) -eq 1 ] && run up5k $((6000 + i)) --neurons $(( n * 3 )) --inputs "$c" \
        --density "$([ "$dens" = 0.25 ] && echo 0.1 || echo "$dens")" --levels "$lv" --arch W=12,S=20,A=20
done
# 16 profiles (the up5k config's P; loom gen writes 8): every profile of a
# generated net gets a twin with other theta, bias, v_reset, reset mode and
# shift (-1, 15, -16 among them), and every other neuron group uses the twin
for i in 1 2 3 4; do
    seed=$((6100 + i)) net="$WORK/p16-$i.seir"
    "$LOOM" gen --seed "$seed" --neurons $((100 + 90 * i)) --inputs $((2 * i)) --density 0.05 \
        --levels $((2 + i)) --arch W=12,S=20,A=20 -o "$WORK/p8-$i.seir" 2>/dev/null || { fail=$((fail + 1)); continue; }
    python3 - "$WORK/p8-$i.seir" "$net" <<'PY'
import re, sys
out, k = [], 0
for line in open(sys.argv[1]):
    out.append(line)
    if line.startswith("profile "):
        f = line.split()
        kv = dict(x.split("=") for x in f[2:])
        big = 70000 if k % 2 else 0   # beyond 16 bits (S=20)
        kv["theta"] = str(max(-524288, min(524287, int(kv["theta"]) - 7 + big)))
        kv["bias"] = str(max(-524288, min(524287, int(kv["bias"]) + 3 + big // 2)))
        kv["shift"] = str([-1, 15, -16, 2, -5, 0, 7, -2][k % 8])
        kv["reset"] = ["zero", "subtract", "none"][k % 3]
        kv["v_reset"] = str(max(-524288, int(kv["v_reset"]) // 2 - 5 - big))
        out.append("profile %s_b " % f[1] + " ".join("%s=%s" % (a, kv[a]) for a in
                   ("a_syn", "a_mem", "theta", "v_reset", "reset", "shift", "bias")) + "\n")
        k += 1
n = [0]
def twin(m):
    n[0] += 1
    return m.group(0) + ("_b" if n[0] % 2 else "")
open(sys.argv[2], "w").write(re.sub(r"^neuron \S+ \S+", twin, "".join(out), flags=re.M))
PY
    [ "$(grep -c '^profile' "$net")" -eq 16 ] || { echo "FAIL: $net has not 16 profiles"; fail=$((fail + 1)); continue; }
    out=$("$LOOM" cosim "$net" --config up5k --steps 200 --poisson 0.3 --seed "$seed" --quiet 2>&1)
    runs=$((runs + 1))
    if grep -q '^mismatches 0$' <<<"$out"; then
        echo "ok up5k 16 profiles seed $seed: $(grep -E '^(events|cycles_per_step)' <<<"$out" | tr '\n' ' ')"
    else
        echo "FAIL up5k 16 profiles seed $seed ($net)"; sed 's/^/    /' <<<"$out"; fail=$((fail + 1))
    fi
done
echo "$runs runs, $fail failed; cycle model within 5 % on $modeled"
[ "$runs" -ge 200 ] && [ "$modeled" -ge 200 ] && [ "$fail" -eq 0 ]
