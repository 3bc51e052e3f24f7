#!/bin/sh
# blimp_evolve: `loom evolve` is deterministic (same result with 1 or 2
# threads), a run stopped and resumed from its checkpoint ends exactly like
# an uninterrupted one, progress lines appear per generation, the result is
# a flyable 160-neuron controller that differs from the starting point, and
# a bad plant file is refused naming its line.
set -eu
cd "$(dirname "$0")/../.."
common="--generations 4 --flights 1 --duration 20 --seed 7"
"$LOOM" evolve $common --threads 2 -o "$WORK/a.seir" > "$WORK/a.log"
cat "$WORK/a.log"
[ "$(grep -c '^gen  *[0-9]*  pd best [0-9.]* median [0-9.]* sigma [0-9.]* | i best' "$WORK/a.log")" = 4 ]
"$LOOM" evolve $common --threads 1 -o "$WORK/b.seir" --quiet
cmp "$WORK/a.seir" "$WORK/b.seir"
"$LOOM" evolve --generations 2 --flights 1 --duration 20 --seed 7 --checkpoint "$WORK/ck" -o "$WORK/c0.seir" --quiet
"$LOOM" evolve --generations 4 --checkpoint "$WORK/ck" --resume -o "$WORK/c.seir" | tee "$WORK/c.log"
grep -q 'resumed .* at generation 2' "$WORK/c.log"
[ "$(grep -c '^gen ' "$WORK/c.log")" = 2 ]
cmp "$WORK/a.seir" "$WORK/c.seir"
"$LOOM" evolve --generations 0 --seed 7 -o "$WORK/z.seir" --quiet
if cmp -s "$WORK/a.seir" "$WORK/z.seir"; then echo "evolution changed nothing"; exit 1; fi
"$LOOM" fly --sim --controller "$WORK/a.seir" --duration 10 --quiet | grep -q 'neurons=160 path=ref'
printf 'mass = 0.3\nthrust = 2\n' > "$WORK/bad.txt"
set +e
"$LOOM" evolve --plant "$WORK/bad.txt" -o "$WORK/x.seir" > /dev/null 2> "$WORK/err.txt"; rc=$?
set -e
cat "$WORK/err.txt"
[ $rc -eq 2 ] && grep -q "bad.txt:2: unknown key 'thrust'" "$WORK/err.txt"
[ ! -e "$WORK/x.seir" ]
echo "blimp_evolve ok"
