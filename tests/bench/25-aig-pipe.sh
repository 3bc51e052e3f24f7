#!/bin/sh
# tests/bench/25-aig-pipe.sh -- a deep AIGER circuit simulated in both
# modes: `loom sim X.aag --stim V.stim` (combinational: one step per vector,
# the gates in 25,622 zero-delay levels) against the same with --pipeline
# (every edge a delay, buffer chains every D = 15 steps, the 16 vectors
# entering one per step and leaving L = 25,622 steps later).  The circuit is
# generated here (awk, no tools): r := r + rotl(r, 1 + j mod 63) for j =
# 0..371 over 64-bit words with ripple-carry adders, 211,296 AND gates of
# depth 25,621, about the size and depth of the EPFL `hyp` benchmark that
# issue 22 measured (214k ANDs, depth 24,801).  Figures are CPU seconds
# (user + system) of the whole `loom sim` (read, lower, simulate, print),
# best of 3, divided by the 16 vectors; both traces must be identical.
set -e
BUILD=${BUILD:-build}
LOOM=${LOOM:-$BUILD/bin/loom}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
B=64 M=372 V=16
awk -v B=$B -v M=$M '
function and2(x, y) { nv++; g[ng++] = (2 * nv) " " x " " y; return 2 * nv }
function inv(x) { return x + 1 - 2 * (x % 2) }
function xor2(x, y,  p, q) { p = and2(x, inv(y)); q = and2(inv(x), y); return inv(and2(inv(p), inv(q))) }
BEGIN {
    nv = B; ng = 0
    for (k = 0; k < B; k++) r[k] = 2 * (k + 1)
    for (j = 0; j < M; j++) {
        s = 1 + j % (B - 1)
        for (k = 0; k < B; k++) b[k] = r[(k - s + B) % B]
        for (k = 0; k < B; k++) {
            t = xor2(r[k], b[k])
            if (k == 0) { n[k] = t; c = and2(r[k], b[k]); continue }
            n[k] = xor2(t, c)
            if (k < B - 1) c = inv(and2(inv(and2(r[k], b[k])), inv(and2(c, t))))
        }
        for (k = 0; k < B; k++) r[k] = n[k]
    }
    print "aag", nv, B, 0, B, ng
    for (k = 0; k < B; k++) print 2 * (k + 1)
    for (k = 0; k < B; k++) print r[k]
    for (i = 0; i < ng; i++) print g[i]
}' > "$tmp/deep.aag"
awk -v B=$B -v V=$V 'BEGIN { srand(5); for (t = 0; t < V; t++) { s = ""; for (k = 0; k < B; k++) s = s (rand() < 0.5 ? 1 : 0); print s } }' > "$tmp/v.stim"
# best CPU seconds (children's user + system) of 3 runs of loom sim
cpu() { # out, args...
    python3 - "$@" <<'PY'
import resource, subprocess, sys
best = None
for _ in range(3):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(sys.argv[1], "w") as f:
        subprocess.run(sys.argv[2:], stdout=f, check=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    best = t if best is None or t < best else best
print("%.4f" % best)
PY
}
"$LOOM" compile "$tmp/deep.aag" --pipeline --report -o "$tmp/p.seir" > "$tmp/rep.txt"
gates=$(awk '$2 == "gates" { print $3 }' "$tmp/rep.txt")
lat=$(awk '$2 == "latency" { print $3 }' "$tmp/rep.txt")
neu=$(awk '$2 == "neurons" { print $3 }' "$tmp/rep.txt")
buf=$(awk '$2 == "neurons" { gsub(/\)/, ""); print $NF }' "$tmp/rep.txt")
c=$(cpu "$tmp/c.txt" "$LOOM" sim "$tmp/deep.aag" --stim "$tmp/v.stim")
p=$(cpu "$tmp/p.txt" "$LOOM" sim "$tmp/deep.aag" --stim "$tmp/v.stim" --pipeline)
cmp -s "$tmp/c.txt" "$tmp/p.txt" || { echo "note: the pipelined trace differs from the combinational one" >&2; exit 1; }
[ "$(wc -l < "$tmp/p.txt")" -eq $V ] || { echo "note: expected $V trace lines" >&2; exit 1; }
echo "note aig: deep${B}x$M: $gates ANDs, pipeline latency $lat steps, $neu neurons ($buf delay buffers), $V vectors"
awk -v c="$c" -v p="$p" -v V=$V 'BEGIN {
    printf "bench aig.deep.comb_cpu_s_per_vector %.5f s\n", c / V
    printf "bench aig.deep.pipe_cpu_s_per_vector %.5f s\n", p / V
    printf "bench aig.deep.pipe_vs_comb_ratio %.2f x\n", p / c
}'
