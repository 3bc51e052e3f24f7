#!/usr/bin/env bash
# mpi_verify.sh -- loom verify, plain and under mpirun -np 1, 2 and 4: the
# same report and the same JSON for every rank count (random nets on two
# configs and a folder of an AIGER, a NIR and a SEIR model, the models also
# through the c4 virtual board's UART and link); the JSON's
# counts add up; and with a fault injected into the RTL every check fails,
# and the reproducer printed for a failure, run as printed, reports the same
# first divergence through loom gen + loom cosim.
. "$(dirname "$0")/../support/mpi.sh"
mkdir -p models
"$LOOM" gen --seed 5 --neurons 30 --inputs 4 -o models/g5.seir || fail "gen"
for m in "$DATA/aig/seq/s27.aig" "$DATA/nir/lif_norse.nir"; do [ -f "$m" ] && cp "$m" models/; done
V=(verify --random 2 --models models --configs c1,d0 --boards c4 --steps 40)

# with --json the object goes to stdout, the report lines and the timing line to stderr
report() { grep -v '^verify: .* checks in .* s on ' "$1"; }
"$LOOM" "${V[@]}" --json > plain.json 2> plain.err || { cat plain.err; fail "plain run"; }
report plain.err
for n in 1 2 4; do
    "${MPI[@]}" -np $n "$LOOM" "${V[@]}" --json > "np$n.json" 2> "np$n.err" || { cat "np$n.err"; fail "-np $n"; }
    diff <(report plain.err) <(report "np$n.err") || fail "-np $n: the report differs"
    cmp plain.json "np$n.json" || fail "-np $n: the JSON differs"
    grep -q "on $n rank" "np$n.err" || fail "-np $n: timing line"
    echo "ok -np $n: identical report and JSON ($(tail -n 1 "np$n.err"))"
done
python3 - plain.json models <<'PY' || fail "JSON"
import json, os, sys
d = json.load(open(sys.argv[1]))
models = len(os.listdir(sys.argv[2]))
r = d["results"]
assert d["checks"] == len(r) == (2 + models) * 2 + models, (d["checks"], len(r), models)
boards = [x for x in r if x["board"]]
assert len(boards) == models and all(x["board"] == "c4" and x["verdict"] == "pass" for x in boards), boards
assert d["checks"] == d["passed"] + d["failed"] + d["errors"] + d["skipped"]
assert d["passed"] == sum(x["verdict"] == "pass" for x in r) > 0
assert d["failed"] == 0 and d["errors"] == 0
for x in r:
    if x["verdict"] == "pass":
        assert x["steps"] == 40 and x["divergence"] is None and x["reproduce"] is None, x
    assert (x["events"] is None) == (x["board"] is not None), x
print("json ok:", d["checks"], "checks,", d["passed"], "passed,", d["skipped"], "skipped")
PY

# the checker itself: a fault after step 7 in every check
"${MPI[@]}" -np 2 "$LOOM" verify --random 2 --configs c1,c4 --steps 20 --inject 7 --json \
    > inj.json 2> inj.out; rc=$?
cat inj.out
[ $rc -eq 1 ] || fail "injected faults: exit $rc, expected 1"
grep -q '^verify: 4 checks: 0 passed, 4 failed, 0 errors, 0 skipped' inj.out || fail "injected: summary"
[ "$(grep -c '^FAIL .*first divergence at step 7 .* field v: ref -\?[0-9]* rtl -\?[0-9]*$' inj.out)" = 4 ] ||
    fail "injected: not 4 divergences at step 7"
first=$(grep -m1 '^FAIL' inj.out)
rep=$(grep -m1 '^      reproduce: ' inj.out | sed 's/^      reproduce: //')
run=$(sed -e 's#^loom #"$LOOM" #' -e 's#&& loom #\&\& "$LOOM" #' <<< "$rep")
out=$(eval "$run" 2>&1)
want=$(sed -n 's/.*first divergence at step 7 core \([0-9]*\) slot \([0-9]*\) neuron \([^ ]*\) field v: ref \(-\?[0-9]*\) rtl \(-\?[0-9]*\)$/mismatch: step 7 core \1 slot \2 neuron \3 field v: ref \4 rtl \5/p' <<< "$first")
grep -qxF "$want" <<< "$out" || { echo "$out"; fail "the reproducer does not show '$want'"; }
echo "ok reproducer: $want"
