#!/usr/bin/env bash
# Runs the shell examples of the user docs exactly as written (docs/cli.md,
# docs/seir.md, docs/aiger.md, examples/aig/README.md,
# examples/blimp/README.md), with `loom` / `build/bin/loom` standing for
# $LOOM, /tmp for $WORK and ../shared/data for $DATA.  Each must exit 0.
# Left out on purpose: lines that name placeholder files (circuit.aig),
# write into the source tree (evolve -o examples/..., mkaig.sh), or need a
# board or a long run (--port, vboard, demo, evolve).
set -u
fail() { echo "FAIL: $*"; exit 1; }
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$WORK"
rm -rf examples && ln -s "$top/examples" examples
have_gnuplot=0
command -v "${LOOM_GNUPLOT:-gnuplot}" > /dev/null && have_gnuplot=1
n=0
for doc in docs/cli.md docs/seir.md docs/aiger.md examples/aig/README.md examples/blimp/README.md; do
    # fenced blocks and 4-space indented lines; a leading "$ " prompt is dropped
    cmds=$(awk '/^```/ { inb = !inb; next }
                { line = $0; if (!inb) { if (line !~ /^    /) next; sub(/^    /, "", line) }
                  sub(/^\$ /, "", line)
                  if (line ~ /^(build\/bin\/)?loom / && line !~ /^loom [a-z]+:/) print line }' "$top/$doc")
    while IFS= read -r c; do
        [ -n "$c" ] || continue
        case "$c" in
        *evolve* | *vboard* | *--port* | *" demo "* | *mkaig*) continue ;;
        esac
        if echo "$c" | grep -qE '(^| )[a-z_]+\.(aig|aag|stim)( |$)'; then continue; fi
        if [ $have_gnuplot = 0 ] && echo "$c" | grep -q -- '--plot'; then continue; fi
        run=$(echo "$c" | sed -e 's#^build/bin/loom #"$LOOM" #' -e 's#^loom #"$LOOM" #' \
                              -e 's#\.\./shared/data#"$DATA"#g' -e 's#/tmp/#"$WORK"/#g')
        echo "+ $run"
        (eval "$run") > cmd.out 2> cmd.err < /dev/null || {
            cat cmd.err
            fail "$doc: '$c' failed"
        }
        n=$((n + 1))
    done <<< "$cmds"
done
[ $n -ge 20 ] || fail "only $n doc commands found: the extraction is broken"
echo "cli_docs: $n commands ran"
