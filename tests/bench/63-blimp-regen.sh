#!/bin/sh
# tests/bench/63-blimp-regen.sh -- the shipped controllers are what the
# documented `loom evolve` commands make, byte for byte (docs/blimp.md,
# docs/attitude.md): the blimp's (400 generations of the closed-loop
# objective) and the attitude axis's (300).  Too long for `make test` on the
# shared 2-core machine (about 100 s of CPU each; tests/integration/
# blimp_flight.sh checks the determinism they rely on with short runs), so
# it is a bench script: it FAILS (exit 1, naming the file and the first
# differing byte) when a regenerated file differs from the shipped one, and
# prints the wall time of each regeneration.
set -e
BUILD=${BUILD:-build}
LOOM=${LOOM:-$BUILD/bin/loom}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
regen() { # name, shipped file, evolve options...
    name=$1 shipped=$2
    shift 2
    t0=$(date +%s.%N)
    "$LOOM" evolve --objective flight --seed 1 --threads 2 --quiet "$@" -o "$tmp/$name.seir" \
        || { echo "63-blimp-regen: loom evolve $* failed" >&2; exit 1; }
    t1=$(date +%s.%N)
    if ! cmp "$tmp/$name.seir" "$shipped" >&2; then
        echo "63-blimp-regen: FAIL: loom evolve --objective flight --seed 1 $* does not regenerate $shipped" >&2
        exit 1
    fi
    echo "bench $name.regen.wall $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
}
regen blimp examples/blimp/controller.seir
regen attitude examples/attitude/controller.seir --plant attitude
