#!/bin/sh
# tests/bench/50-mpi.sh -- the MPI farms (docs/scale.md) at 1 and 2 ranks,
# one thread per rank: loom evolve's fitness evaluations per second (lambda
# 32 per part, 8 flights of 60 s: 64 evaluations per generation, 3
# generations; from rank 0's --profile line, so mpirun's start-up is not
# counted) and loom verify's random networks per second (4 nets on each of
# c1, c4, d0 and wide, 200 steps; from its timing line).  On a 2-core
# machine np2 should approach twice np1 when nothing else runs.  Waiting
# ranks yield the CPU (mpi_yield_when_idle) and are not bound to cores, as
# suits a machine shared with other work (docs/scale.md).
set -e
BUILD=${BUILD:-build}
LOOM=${LOOM:-$BUILD/bin/loom}
MPI="mpirun --oversubscribe --allow-run-as-root --bind-to none"
export OMPI_MCA_mpi_yield_when_idle=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for n in 1 2; do
    $MPI -np $n "$LOOM" evolve --seed 1 --generations 3 --flights 8 --duration 60 --lambda 32 --threads 1 \
        --quiet --profile -o "$tmp/c.seir" 2> "$tmp/evolve.err" || { cat "$tmp/evolve.err"; exit 1; }
    v=$(sed -n 's/^evolve: profile: .* s: \([0-9.]*\) evals\/s$/\1/p' "$tmp/evolve.err")
    [ -n "$v" ] || { cat "$tmp/evolve.err"; exit 1; }
    echo "bench evolve.mpi.evals_per_s.np$n $v evals/s"
done
for n in 1 2; do
    $MPI -np $n "$LOOM" verify --random 4 --configs c1,c4,d0,wide --steps 200 --quiet \
        > "$tmp/verify.out" 2> "$tmp/verify.err" || { cat "$tmp/verify.out" "$tmp/verify.err"; exit 1; }
    v=$(sed -n 's/^verify: .* checks\/s$/&/p' "$tmp/verify.err" | sed 's/.*: \([0-9.]*\) checks\/s$/\1/')
    [ -n "$v" ] || { cat "$tmp/verify.err"; exit 1; }
    echo "bench verify.mpi.nets_per_s.np$n $v nets/s"
done
