#!/usr/bin/env bash
# Input files: CSV -> .lin -> CSV through --save-inputs, the same spikes from
# both forms, and the errors of bad inputs (file:line, byte offsets).
set -u
fail() { echo "FAIL: $*"; exit 1; }
cd "$WORK"
"$LOOM" gen --seed 5 --neurons 30 --inputs 6 --graded 2 -o net.seir || fail "gen"
cat > in.csv <<'CSV'
# step,channel,value with names and indices, out of channel order
0,gin[1],-1234
0,in[0],1
3,2,1
3,in[3],1
3,gin[0],32767
40,5,-32768
41,in[1],0
CSV
"$LOOM" sim net.seir --steps 60 --inputs in.csv --save-inputs in.lin --out-spikes a.csv --quiet || fail "csv run"
"$LOOM" sim net.seir --steps 60 --inputs in.lin --save-inputs back.csv --out-spikes b.csv --quiet || fail "lin run"
printf 'step,channel,value\n0,0,1\n0,5,-1234\n3,2,1\n3,3,1\n3,4,32767\n40,5,-32768\n' > want.csv
cmp back.csv want.csv || { cat back.csv; fail "CSV -> lin -> CSV"; }
cmp a.csv b.csv || fail "spikes differ between CSV and .lin inputs"
[ "$(head -c 4 in.lin)" = LLIN ] || fail ".lin magic"
# CSV from stdin
"$LOOM" sim net.seir --steps 60 --inputs - --out-spikes c.csv --quiet < in.csv || fail "stdin"
cmp a.csv c.csv || fail "stdin CSV"

expect_err() { # expected-text, loom args...
    local want=$1; shift
    "$LOOM" "$@" > out.txt 2> err.txt && fail "accepted: $*"
    grep -qF -- "$want" err.txt || { cat err.txt; fail "'$*' should say: $want"; }
}
printf '0,0,1\n1,in[9],1\n' > bad1.csv
expect_err "bad1.csv:2: input 'in[9]' is out of range" sim net.seir --steps 5 --inputs bad1.csv
printf '0,0,1\n\n# c\n2,0\n' > bad2.csv
expect_err "bad2.csv:4: expected 3 fields" sim net.seir --steps 5 --inputs bad2.csv
printf '0,nosuch,1\n' > bad3.csv
expect_err "bad3.csv:1: unknown input channel 'nosuch'" sim net.seir --steps 5 --inputs bad3.csv
printf '5,0,1\n4,0,1\n' > bad4.csv
expect_err "bad4.csv:2: step 4 after step 5" sim net.seir --steps 9 --inputs bad4.csv
printf '0,0,3\n' > bad5.csv
expect_err "bad5.csv:1: value 3 for spike channel in[0] (expected 0 or 1)" sim net.seir --steps 2 --inputs bad5.csv
expect_err "nofile.csv: cannot open input file" sim net.seir --steps 2 --inputs nofile.csv
head -c 30 in.lin > trunc.lin
expect_err "trunc.lin: truncated at byte offset 30" sim net.seir --steps 5 --inputs trunc.lin
expect_err "missing.seir" sim missing.seir --steps 2
expect_err "--poisson 2 is out of range" sim net.seir --steps 2 --poisson 2
expect_err "exclude each other" sim net.seir --steps 2 --poisson 0.1 --inputs in.csv
expect_err "unknown option '--frobnicate'" sim net.seir --steps 2 --frobnicate
expect_err "--steps N is required" sim net.seir --poisson 0.1
expect_err "--float needs an NIR model" sim net.seir --steps 2 --float
expect_err "--stim needs an AIGER model" sim net.seir --stim x.stim
expect_err "unknown model format" sim net.txt --steps 2
LOOM_GNUPLOT=/nonexistent/gnuplot expect_err "gnuplot is not installed" sim net.seir --steps 2 --plot p.png
echo ok
