#!/bin/sh
# blimp_flight: `loom evolve --objective flight` is deterministic (threads 1
# vs 2 give byte-identical networks, genes and generation lines), improves
# on its starting point on training flights, ends with the held-out table;
# the held-out evaluation of the shipped controller reproduces the figures
# documented in docs/blimp.md; the flight objective refuses --checkpoint.
set -eu
cd "$(dirname "$0")/../.."
common="--objective flight --generations 3 --flights 2 --duration 20 --seed 5"
"$LOOM" evolve $common --threads 2 -o "$WORK/a.seir" --genes "$WORK/a.genes" > "$WORK/a.log"
cat "$WORK/a.log"
"$LOOM" evolve $common --threads 1 -o "$WORK/b.seir" --genes "$WORK/b.genes" > "$WORK/b.log"
cmp "$WORK/a.seir" "$WORK/b.seir"
cmp "$WORK/a.genes" "$WORK/b.genes"
gens() { grep '^gen ' "$1" | sed 's/  ([0-9]* s)$//'; }
[ "$(gens "$WORK/a.log" | wc -l)" = 3 ]
[ "$(gens "$WORK/a.log")" = "$(gens "$WORK/b.log")" ]
grep -q 'objective flight, plant blimp, 131 genes .* arch W=12 S=20 A=[0-9]* D=[0-9]* (board icebreaker)' "$WORK/a.log"
grep -q '^held-out (blimp): 24 flights of 60 s' "$WORK/a.log"
grep -q '^held-out RMSE ratio: evolved/PID [0-9.]*, evolved/start [0-9.]*$' "$WORK/a.log"
"$LOOM" fly --sim --controller "$WORK/a.seir" --duration 10 --quiet | grep -q 'neurons=160 path=ref'

# the shipped controller's held-out figures are the documented ones
"$LOOM" fly --sim --heldout > "$WORK/h.txt"
cat "$WORK/h.txt"
for row in 'mean RMSE (m)' 'worst RMSE (m)' 'mean steady-state err (m)' 'mean overshoot (m)'; do
    got=$(grep "^$row " "$WORK/h.txt" | sed "s/^$row *//" | tr -s ' ')
    want=$(grep "^| $row |" docs/blimp.md | sed "s/^| $row | //; s/ |$//; s/ | / /g")
    [ -n "$want" ] || { echo "docs/blimp.md has no row '$row'"; exit 1; }
    [ "$got" = "$want" ] || { echo "held-out '$row': measured '$got', documented '$want'"; exit 1; }
done
"$LOOM" fly --sim --heldout --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["flights"] == 24, d
assert d["rmse_ratio_pid"] > 0 and d["controller_under_test"]["rmse_mean_m"] > 0, d'

set +e
"$LOOM" evolve --objective flight --checkpoint "$WORK/ck" -o "$WORK/x.seir" 2> "$WORK/err.txt"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'checkpoint is for the imitation objective' "$WORK/err.txt"
echo "blimp_flight ok"
