#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS BIN... -- runs each libFuzzer harness for SECONDS
# on a seed corpus made from the repository's own files (examples/, and
# files loom writes from them), and prints per harness
#   fuzz <target>: N execs in S s, 0 crashes
#   bench fuzz.<target>.execs_per_s X execs/s
# Exit 1 on any crash, leak, timeout or out-of-memory report; the input that
# failed is kept as $BUILD/fuzz/crash-<target>-* (add it to
# tests/fuzz/regress/<target>/ once fixed: those run first, every time).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LOOM="$PWD/$BUILD/bin/loom"
secs=$1; shift
seeds="$BUILD/fuzz/seeds"
rm -rf "$seeds"; mkdir -p "$seeds"/{seir,aiger,limg,stim,link,nir}
cp examples/seir/*.seir examples/blimp/*.seir "$seeds/seir/"
cp examples/aig/*.aag "$seeds/aiger/"
# .limg images and stimuli, written by loom from the examples
for n in xor feedforward ring; do
    "$LOOM" cosim "examples/seir/$n.seir" --steps 2 --limg "$seeds/limg/$n.limg" >/dev/null 2>&1
done
printf 'seir 1\nprofile p\ninput x[4] spike\ninput g[2] graded\nneuron n p\nsyn x[0] n 1\nsyn g[1] n 2\n' > "$seeds/stim.seir"
"$LOOM" sim "$seeds/stim.seir" --steps 20 --poisson 0.3 --seed 1 --save-inputs "$seeds/s.lin" --quiet >/dev/null 2>&1
"$LOOM" sim "$seeds/stim.seir" --steps 20 --poisson 0.3 --seed 2 --save-inputs "$seeds/s.csv" --quiet >/dev/null 2>&1
{ printf '\001'; cat "$seeds/s.lin"; } > "$seeds/stim/lin"
{ printf '\000'; cat "$seeds/s.csv"; } > "$seeds/stim/csv"
printf '\000step,channel,value\n0,x[1],1\n2,g[0],-300\n2,g[1],7\n' > "$seeds/stim/named"
# link: an IDENTIFY and a BATCH (write 2 words, read them back) on the wire
python3 - "$seeds/link" <<'PY'
import sys
def crc(b):
    c = 0xFFFF
    for x in b:
        c ^= x << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x1021) & 0xFFFF if c & 0x8000 else (c << 1) & 0xFFFF
    return c
def frame(seq, cmd, p):
    body = bytes([seq, cmd, len(p) & 255, len(p) >> 8]) + p
    c = crc(body); body += bytes([c >> 8, c & 255])
    out = bytearray([0x7E])
    for x in body:
        out += bytes([0x7D, x ^ 0x20]) if x in (0x7E, 0x7D) else bytes([x])
    return bytes(out + b'\x7E')
batch = bytes([1, 0x10, 0, 0, 2, 0]) + (7).to_bytes(4, 'little') + (0x7E7D).to_bytes(4, 'little') + bytes([2, 0x10, 0, 0, 2, 0])
open(sys.argv[1] + '/identify', 'wb').write(frame(0, 1, b''))
open(sys.argv[1] + '/batch', 'wb').write(frame(0, 1, b'') + frame(0, 2, batch) + frame(1, 2, batch))
PY
[ -d "${LOOM_DATA:-../shared/data}/nir" ] && cp "${LOOM_DATA:-../shared/data}"/nir/lif_norse.nir "$seeds/nir/" 2>/dev/null

fails=0 ran=0
for bin in "$@"; do
    t=$(basename "$bin"); t=${t#fuzz_}
    kind=${t%_crc}
    corpus="$BUILD/fuzz/corpus/$t"; mkdir -p "$corpus"
    dirs=("$corpus" "$seeds/$kind")
    [ -d "tests/fuzz/regress/$t" ] && dirs+=("tests/fuzz/regress/$t")
    log="$BUILD/fuzz/$t.log"
    supp=()
    [ "$kind" = nir ] && supp=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}suppressions=$PWD/tests/fuzz/asan-hdf5.supp"
                               "LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$PWD/tests/fuzz/lsan-hdf5.supp:print_suppressions=0")
    tmo=10
    [ "$kind" = nir ] && tmo=40 # a child on a loaded machine: 200 ms of CPU can be seconds of wall
    "${supp[@]}" "$bin" -max_total_time="$secs" -timeout=$tmo -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$BUILD/fuzz/crash-$t-" "${dirs[@]}" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    took=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    ran=$((ran + 1))
    if [ $rc -ne 0 ] || grep -qE '^==[0-9]+==ERROR|runtime error|ERROR: libFuzzer' "$log"; then
        echo "fuzz $t: FAILED (exit $rc) after ${execs:-?} execs; see $log and $BUILD/fuzz/crash-$t-*"
        grep -m 5 -E 'ERROR|runtime error|SUMMARY' "$log"
        fails=$((fails + 1))
        continue
    fi
    [ -n "$execs" ] && [ "$execs" -gt 0 ] || { echo "fuzz $t: no executions recorded"; fails=$((fails + 1)); continue; }
    echo "fuzz $t: $execs execs in $secs s, 0 crashes"
    echo "bench fuzz.$t.execs_per_s $took execs/s"
done
[ $ran -eq $# ] && [ $ran -gt 0 ] || { echo "fuzz: ran $ran of $# harnesses"; exit 1; }
[ $fails -eq 0 ]
