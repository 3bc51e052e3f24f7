#!/bin/sh
# tests/bench/60-blimp.sh -- the shipped blimp controller on the held-out
# protocol (docs/blimp.md): its mean RMSE over 24 held-out flights divided
# by the PID's and by the un-evolved start's (lower is better; the target is
# <= 0.9), and the steady-state error ratio to the PID.
set -e
BUILD=${BUILD:-build}
LOOM=${LOOM:-$BUILD/bin/loom}
"$LOOM" fly --sim --heldout --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
c, p = d["controller_under_test"], d["pid"]
print("bench blimp.heldout.rmse_ratio_pid %.4f ratio" % d["rmse_ratio_pid"])
print("bench blimp.heldout.rmse_ratio_start %.4f ratio" % d["rmse_ratio_start"])
print("bench blimp.heldout.sse_ratio_pid %.4f ratio" % (c["steady_state_error_mean_m"] / p["steady_state_error_mean_m"]))'
