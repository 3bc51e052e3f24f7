#!/bin/sh
# link_faults.sh -- `loom run` throughput through the icebreaker's virtual
# board with 0, 1 % and 5 % of the bytes dropped or corrupted in each
# direction (loom vboard --fault-rate): streamed steps per second of a
# 300-neuron net with Poisson inputs, image loading not counted.  A run that
# gives up or does not finish within its time budget prints 0 (and why on
# stderr): the figure is what a user would get.  300 steps at 0 and 1 %,
# 100 at 5 % (a run of 20 or 100 steps lasted well under a second, and one
# lost frame more or less moved the figure by a tenth).
#   bench link.vboard.faults_<rate>.steps_per_s <value> steps/s
set -u
BUILD=${BUILD:-build}
LOOM="$BUILD/bin/loom"
[ -x "$LOOM" ] || { echo "link_faults bench: $LOOM missing (make first)" >&2; exit 1; }
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$LOOM" gen --seed 3 --neurons 300 --inputs 20 --arch W=12,S=20,A=20,D=15 -o "$tmp/net.seir" >/dev/null || exit 1
n=0
for spec in 0:300:120 0.01:300:300 0.05:100:420; do
    rate=${spec%%:*}; rest=${spec#*:}; steps=${rest%%:*}; budget=${rest#*:}
    rm -f "$tmp/pty"
    "$LOOM" vboard --quiet --board icebreaker --fault-rate "$rate" --seed 5 --pty-file "$tmp/pty" >/dev/null 2>&1 &
    pid=$!
    i=0
    while [ ! -s "$tmp/pty" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
    [ -s "$tmp/pty" ] || { echo "link_faults bench: virtual board did not start" >&2; exit 1; }
    v=$(timeout "$budget" "$LOOM" run --port "$(cat "$tmp/pty")" "$tmp/net.seir" --steps "$steps" \
            --poisson 0.05 --seed 1 2>"$tmp/err" | sed -n 's/^run: .*(\([0-9.]*\) steps\/s).*/\1/p')
    if [ -z "$v" ]; then
        echo "link_faults bench: fault rate $rate: no complete run in $budget s: $(tail -n 1 "$tmp/err")" >&2
        v=0
    fi
    echo "bench link.vboard.faults_$rate.steps_per_s $v steps/s"
    n=$((n + 1))
    kill $pid 2>/dev/null; wait $pid 2>/dev/null; pid=
done
[ $n -eq 3 ] || { echo "link_faults bench: measured $n of 3 fault rates" >&2; exit 1; }
