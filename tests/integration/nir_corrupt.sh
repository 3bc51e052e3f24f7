#!/bin/bash
# nir_corrupt.sh -- bit-flipped NIR files never crash or hang loom: libhdf5
# itself can segfault or loop on some of them, so compiler/nir_read.c reads
# in a guarded child first.  Every mutant must end in exit 0 or a clean
# error that names the file; some must hit the guard (the HDF5 library
# crashing), or the test proves nothing.
set -u
src="$DATA/nir/lif_norse.nir"
[ -f "$src" ] || { echo "no $src"; exit 77; }
# tests/run.sh gives this test the ASan+UBSan build, so the sanitizer check
# below can fire
ldd "$LOOM" | grep -q libasan || { echo "FAIL: $LOOM is not the sanitizer build (make build/bin/loom-san)"; exit 1; }
size=$(stat -c %s "$src")
m="$WORK/m.nir"
ok=0 err=0 guarded=0 n=${NIR_MUTANTS:-90}
for s in $(seq 1 "$n"); do
    cp "$src" "$m"; chmod u+w "$m"
    RANDOM=$s
    for _ in $(seq 1 $((RANDOM % 8 + 1))); do
        off=$(( (RANDOM * 32768 + RANDOM) % size )); bit=$((RANDOM % 8))
        b=$(od -An -tu1 -j"$off" -N1 "$m" | tr -d ' ')
        printf "\\$(printf %03o $((b ^ (1 << bit))))" | dd of="$m" bs=1 seek="$off" conv=notrunc status=none
    done
    "$LOOM" info "$m" > "$WORK/out" 2> "$WORK/err"; rc=$?
    if [ $rc -eq 0 ]; then ok=$((ok + 1)); continue; fi
    # a sanitizer report is a failure unless it comes from inside libhdf5 in
    # the guarded child (frame #1 in libhdf5: the crash the guard is for)
    san=0
    if grep -q "Sanitizer\|runtime error" "$WORK/err"; then
        san=1
        grep -q "HDF5 library crashed\|HDF5 library gave up" "$WORK/err" &&
            grep -m1 '^ *#1 ' "$WORK/err" | grep -q 'libhdf5' && san=0
    fi
    if [ $rc -ge 126 ] || [ $san -eq 1 ] || ! grep -q "m.nir" "$WORK/err"; then
        echo "seed $s: exit $rc"; cat "$WORK/err"; cp "$m" "$WORK/crash-$s.nir"; exit 1
    fi
    err=$((err + 1))
    grep -q "HDF5 library crashed\|HDF5 library gave up\|CPU time limit" "$WORK/err" && { guarded=$((guarded + 1)); echo "seed $s: $(cat "$WORK/err")"; }
done
echo "$n mutants: $ok read, $err refused cleanly ($guarded by the HDF5 guard)"
[ $guarded -gt 0 ] || { echo "no mutant reached the HDF5 guard"; exit 1; }
