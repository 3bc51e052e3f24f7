#!/usr/bin/env bash
# hostile_names: file names with ';', quotes, spaces, '$(...)' and newlines
# reach no script and no shell (issue 15).  gnuplot's system() and yosys's
# `exec` would each run `touch PWNED` if a name were pasted into their
# scripts unquoted; every command here must either work with the name as
# given or refuse it, and PWNED must never appear.  (`loom build -o` with a
# hostile folder is checked by board_flow.sh, inside its one synthesis run.)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$WORK"
have_gnuplot=0
command -v gnuplot > /dev/null && have_gnuplot=1
names=("a.png'; system('touch PWNED'); print '"
       'b.png"; system("touch PWNED"); print "'
       "c d \$(touch PWNED) \`touch PWNED\`.png"
       $'e\nsystem(\'touch PWNED\')\n.png')
checked=0
for n in "${names[@]}"; do
    "$LOOM" gen --seed 3 --neurons 20 --inputs 4 -o "$n.seir"
    "$LOOM" compile "$n.seir" -o "$n.out.seir"
    cmp "$n.seir" "$n.out.seir"
    "$LOOM" sim "$n.seir" --steps 20 --poisson 0.2 --seed 1 --out-spikes "$n.csv" --quiet
    [ -s "$n.csv" ]
    if [ $have_gnuplot = 1 ]; then
        # --plot takes names ending in .png only (issue 21): the hostile part stays inside
        "$LOOM" sim "$n.seir" --steps 20 --poisson 0.2 --seed 1 --plot "$n.png" --quiet
        [ -s "$n.png" ]
        "$LOOM" fly --sim --duration 2 --controller "$ROOT/examples/blimp/controller.seir" \
            --plot "$n.fly.png" --quiet > /dev/null
        head -c 4 "$n.fly.png" | grep -q PNG
        if [[ "$n" != *.png ]] && "$LOOM" sim "$n.seir" --steps 2 --plot "$n" --quiet 2> /dev/null; then
            echo "--plot without .png accepted: $n"; exit 1
        fi
    fi
    checked=$((checked + 1))
done
[ ! -e PWNED ] || { echo "a file name ran a command"; exit 1; }
[ $checked -eq ${#names[@]} ] || { echo "checked $checked of ${#names[@]} names"; exit 1; }
echo "hostile_names ok: $checked names (gnuplot: $have_gnuplot)"
