#!/bin/sh
# tests/bench/10-ref.sh -- speed and memory of the reference model (hls_ref)
# on the standard networks: bench-1k and bench-10k for 10,000 steps each,
# bench-100k for 1,000 steps on 1 and on 2 threads (and the two by turns,
# --compare 2, whose cmp_speedup_clean is the speedup on idle cores), and the
# 1,000,000-neuron / 100,000,000-synapse memory test for 50 steps.
# Each network runs in its own process so that peak_rss_mb (VmHWM) is its
# own.  Prints `bench <name> <value> <unit>` lines (see `loom bench --help`);
# the 2-thread run's lines are renamed ref.bench100k_t2.*.
set -e
BUILD=${BUILD:-build}
LOOM=${LOOM:-$BUILD/bin/loom}
"$LOOM" bench ref --net 1k --steps 10000
"$LOOM" bench ref --net 10k --steps 10000
"$LOOM" bench ref --net 100k --steps 1000
"$LOOM" bench ref --net 100k --steps 1000 --threads 2 | sed 's/^bench ref\.bench100k\./bench ref.bench100k_t2./'
"$LOOM" bench ref --net 100k --steps 1200 --compare 2
"$LOOM" bench ref --net 1m --steps 50
