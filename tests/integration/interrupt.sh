#!/usr/bin/env bash
# interrupt.sh -- SIGINT / SIGTERM in the middle of a run (issue 15): loom
# sim, run (against a virtual board), cosim, fly and evolve stop cleanly:
# exit 128 + the signal, say on stderr where the steps so far are, and every
# output file is complete and valid for the steps it holds (a CSV with its
# header and whole steps 0..N-1, a .lin that loom sim reads back), with no
# FILE.tmpPID left behind.
set -u
. "$(dirname "$0")/../support/vboard.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$WORK"
"$LOOM" gen --seed 3 --neurons 300 --inputs 20 --arch W=12,S=20,A=20,D=15 -o net.seir >/dev/null || fail "loom gen"
checked=0

# no temporaries next to the outputs
no_tmp() { ls | grep -q '\.tmp[0-9]' && { ls -l; fail "$1: a .tmpPID file was left"; }; return 0; }
# starts "$@" in the background, waits until file $1 (or its temporary) is
# there and one second more, sends signal $2, and waits; sets rc
# (f = progress: until the progress line shows a complete step; f = -: no wait)
stop_after() {
    local f=$1 sig=$2; shift 2
    LOOM_PROGRESS=1 "$@" >run.out 2>run.err &
    local p=$! i=0
    if [ "$f" = - ]; then
        :
    elif [ "$f" = progress ]; then
        while [ $i -lt 1200 ] && ! grep -q $'\r[a-z]*: [1-9]' run.err; do sleep 0.05; i=$((i + 1)); done
    else
        while [ $i -lt 600 ] && [ ! -e "$f" ] && ! compgen -G "$f.tmp*" >/dev/null; do sleep 0.05; i=$((i + 1)); done
    fi
    sleep "${DELAY:-1}"
    kill -"$sig" $p
    wait $p; rc=$?
}
# a spike CSV: header, steps in order, every step < n
valid_spikes() { # file n
    awk -F, -v n="$2" 'NR == 1 { if ($0 != "step,neuron") exit 1; next }
        $1 !~ /^[0-9]+$/ || $1 >= n || $1 < last { exit 1 } { last = $1 }' "$1" \
        || fail "$1 is not a valid spike file of $2 steps"
}

# ---- loom sim, SIGINT and SIGTERM
for sig in INT TERM; do
    rm -f s.csv v.csv in.lin
    DELAY=0.2 stop_after s.csv $sig "$LOOM" sim net.seir --steps 100000000 --poisson 0.05 --seed 1 \
        --out-spikes s.csv --out-v v.csv --save-inputs in.lin
    want=130; [ $sig = TERM ] && want=143
    [ $rc -eq $want ] || { cat run.err; fail "sim SIG$sig: exit $rc, expected $want"; }
    n=$(sed -n "s/^loom sim: interrupted by SIG$sig after \([0-9]*\) complete steps; they are in s.csv, v.csv, in.lin$/\1/p" run.err)
    [ -n "$n" ] && [ "$n" -gt 0 ] || { cat run.err; fail "sim SIG$sig: no 'interrupted ... they are in' line"; }
    no_tmp "sim SIG$sig"
    valid_spikes s.csv "$n"
    [ "$(($(wc -l <v.csv) - 1))" -eq "$n" ] || fail "sim SIG$sig: v.csv has $(wc -l <v.csv) lines for $n steps"
    [ "$(tail -n 1 v.csv | cut -d, -f1)" -eq $((n - 1)) ] || fail "sim SIG$sig: v.csv does not end at step $((n - 1))"
    # the inputs file is a complete .lin: replaying it gives the same spikes
    "$LOOM" sim net.seir --inputs in.lin --steps "$n" --out-spikes s2.csv --quiet || fail "in.lin unreadable"
    cmp s.csv s2.csv || fail "sim SIG$sig: the replayed inputs give other spikes"
    echo "sim SIG$sig: stopped after $n steps, outputs complete"
    checked=$((checked + 1))
done

# ---- loom run on a virtual board
"$LOOM" vboard --quiet --board icebreaker --pty-file pty >/dev/null 2>vb.err &
pids+=($!)
wait_file pty || fail "no virtual board"
rm -f r.csv rv.csv
DELAY=0.5 stop_after progress INT "$LOOM" run --port "$(cat pty)" net.seir --steps 100000000 --poisson 0.05 --seed 1 \
    --out-spikes r.csv
[ $rc -eq 130 ] || { cat run.err; fail "run: exit $rc, expected 130"; }
n=$(sed -n 's/^loom run: stopped after \([0-9]*\) steps; spikes so far are in r.csv$/\1/p' run.err)
[ -n "$n" ] && [ "$n" -gt 0 ] || { cat run.err; fail "run: no 'stopped after N steps' line"; }
grep -q '^loom run: interrupted by SIGINT$' run.err || { cat run.err; fail "run: the cause is not named"; }
no_tmp run
valid_spikes r.csv "$n"
# the board's spikes are loom sim's for those steps (only output neurons)
"$LOOM" sim net.seir --steps "$n" --poisson 0.05 --seed 1 --outputs-only --out-spikes rs.csv --quiet
cmp r.csv rs.csv || fail "run: the kept spikes differ from loom sim's first $n steps"
echo "run SIGINT: stopped after $n steps, spikes identical to loom sim"
checked=$((checked + 1))

# ---- loom fly on the virtual board: the trace holds the periods flown
rm -f t.csv
"$LOOM" vboard --quiet --board icebreaker --pty-file pty1 >/dev/null 2>vb1.err &
pids+=($!)
wait_file pty1 || fail "no second virtual board"
DELAY=6 stop_after - INT "$LOOM" fly --port "$(cat pty1)" --duration 600 --controller "$root/examples/blimp/controller.seir" --trace t.csv
[ $rc -eq 130 ] || { cat run.err; fail "fly: exit $rc, expected 130"; }
n=$(sed -n 's/^loom fly: interrupted by SIGINT after \([0-9]*\) control periods .*; the flight so far is in t.csv$/\1/p' run.err)
[ -n "$n" ] && [ "$n" -gt 0 ] || { cat run.err; fail "fly: no 'interrupted after N control periods' line"; }
[ "$(($(wc -l <t.csv) - 1))" -eq "$n" ] || fail "fly: t.csv has $(wc -l <t.csv) lines for $n periods"
no_tmp fly
echo "fly SIGINT: $n control periods in the trace"
checked=$((checked + 1))

# ---- loom cosim: the figures of the steps run
"$LOOM" cosim net.seir --steps 100000000 --poisson 0.05 >run.out 2>run.err &
p=$!; sleep 2; kill -INT $p; wait $p; rc=$?
[ $rc -eq 130 ] || { cat run.err; fail "cosim: exit $rc, expected 130"; }
n=$(sed -n 's/^steps \([0-9]*\)$/\1/p' run.out)
grep -q "^loom cosim: interrupted by SIGINT after $n complete steps" run.err || { cat run.out run.err; fail "cosim message"; }
grep -q '^mismatches 0$' run.out || fail "cosim: no mismatch count"
echo "cosim SIGINT: $n steps compared"
checked=$((checked + 1))

# ---- loom evolve: the checkpoint and the network of the generations done
"$LOOM" evolve --generations 1000 --flights 1 --duration 5 --seed 7 --checkpoint ck -o ev.seir >run.out 2>run.err &
p=$!
i=0; while [ ! -s ck ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
[ -s ck ] || fail "evolve wrote no checkpoint"
kill -INT $p; wait $p; rc=$?
[ $rc -eq 130 ] || { cat run.err; fail "evolve: exit $rc, expected 130"; }
g=$(sed -n 's/^loom evolve: interrupted by SIGINT after \([0-9]*\) generations; ev.seir holds .*, ck the state.*/\1/p' run.err)
[ -n "$g" ] && [ "$g" -gt 0 ] || { cat run.err; fail "evolve: no 'interrupted after N generations' line"; }
"$LOOM" info ev.seir >/dev/null || fail "evolve: ev.seir is not a valid network"
"$LOOM" evolve --generations "$((g + 1))" --checkpoint ck --resume -o ev2.seir --quiet || fail "evolve: resume"
no_tmp evolve
echo "evolve SIGINT: $g generations kept, resumed"
checked=$((checked + 1))

[ $checked -eq 6 ] || fail "ran $checked of 6 interrupted runs"
echo "interrupt: 6 interrupted runs left complete outputs"
