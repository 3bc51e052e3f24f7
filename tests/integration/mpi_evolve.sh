#!/usr/bin/env bash
# mpi_evolve.sh -- loom evolve under mpirun (docs/scale.md):
#  - plain, and mpirun -np 1, 2 and 4 (with 1 or 2 threads per rank) write
#    byte-identical controllers, gene files and checkpoints, and print the
#    same generation lines;
#  - a run checkpointed at -np 2 and resumed at -np 4 ends like the plain run;
#  - a rank killed with SIGKILL ends the job with loom's note naming the
#    checkpoint, and that checkpoint resumed without mpirun ends exactly like
#    an uninterrupted run of as many generations.
. "$(dirname "$0")/../support/mpi.sh"
A="--seed 3 --generations 4 --flights 2 --duration 20 --lambda 10"
gens() { grep '^gen ' "$1" | sed 's/  ([0-9]* s)$//'; }

"$LOOM" evolve $A --threads 1 -o ref.seir --genes ref.genes --checkpoint ref.ck > ref.log || fail "plain run"
[ "$(gens ref.log | wc -l)" = 4 ] || fail "plain run: not 4 generation lines"
for nt in "1 2" "2 1" "4 2"; do
    set -- $nt
    "${MPI[@]}" -np "$1" "$LOOM" evolve $A --threads "$2" -o "np$1.seir" --genes "np$1.genes" \
        --checkpoint "np$1.ck" > "np$1.log" 2> "np$1.err" || { cat "np$1.err"; fail "-np $1 --threads $2"; }
    grep -q "^evolve: $1 MPI ranks$" "np$1.log" || fail "-np $1: rank count not reported"
    for f in seir genes ck; do cmp "ref.$f" "np$1.$f" || fail "-np $1 --threads $2: $f differs"; done
    diff <(gens ref.log) <(gens "np$1.log") || fail "-np $1: generation lines differ"
    echo "ok -np $1 --threads $2: identical controller, genes, checkpoint and generation lines"
done

"${MPI[@]}" -np 2 "$LOOM" evolve $A --generations 2 --checkpoint r.ck -o r2.seir --quiet || fail "-np 2 first half"
"${MPI[@]}" -np 4 "$LOOM" evolve --generations 4 --checkpoint r.ck --resume -o r.seir --genes r.genes > r.log ||
    fail "-np 4 resume"
grep -q 'resumed r.ck at generation 2' r.log || fail "resume line"
for f in seir genes ck; do cmp "ref.$f" "r.$f" || fail "resumed at another N: $f differs"; done
echo "ok checkpoint at -np 2, resumed at -np 4: identical"

# a rank dies: SIGKILL to rank 1 once the first checkpoint exists
"${MPI[@]}" -np 2 "$LOOM" evolve --seed 3 --flights 2 --duration 20 --lambda 10 --generations 100000 \
    --checkpoint k.ck -o k.seir --quiet > k.out 2> k.err &
mp=$!
for _ in $(seq 600); do [ -e k.ck ] && break; sleep 0.1; done
[ -e k.ck ] || { kill $mp; fail "no checkpoint after 60 s"; }
victim=""
for p in $(pgrep -P $mp); do
    tr '\0' '\n' < "/proc/$p/environ" 2> /dev/null | grep -qx OMPI_COMM_WORLD_RANK=1 && victim=$p
done
[ -n "$victim" ] || { kill $mp; fail "rank 1 not found among mpirun's children"; }
kill -9 "$victim"
for _ in $(seq 300); do kill -0 $mp 2> /dev/null || break; sleep 0.1; done
kill -0 $mp 2> /dev/null && { kill $mp; fail "the job did not end within 30 s of rank 1's death"; }
wait $mp; rc=$?
cat k.err
[ $rc -ne 0 ] || fail "a dead rank: exit 0"
[ ! -e k.seir ] || fail "a dead rank: a controller was written"
note=$(grep '^loom evolve: stopped by the launcher' k.err) || fail "no note from rank 0"
g=$(sed -n 's/.* k\.ck holds generation \([0-9]*\): continue with --checkpoint k\.ck --resume.*/\1/p' <<< "$note")
[ -n "$g" ] || fail "the note does not name the checkpoint's generation: $note"
"$LOOM" evolve --generations $((g + 1)) --checkpoint k.ck --resume -o k.seir --genes k.genes > k.log ||
    fail "resume after the kill"
grep -q "resumed k.ck at generation $g\$" k.log || fail "the checkpoint is not at generation $g"
"$LOOM" evolve --seed 3 --flights 2 --duration 20 --lambda 10 --generations $((g + 1)) -o u.seir \
    --genes u.genes --quiet || fail "uninterrupted run"
cmp u.seir k.seir && cmp u.genes k.genes || fail "resumed after the kill: differs from an uninterrupted run"
echo "ok rank 1 killed in generation $((g + 1)): clear note, checkpoint at $g resumes bit-identically"
