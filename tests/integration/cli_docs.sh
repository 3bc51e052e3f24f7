#!/usr/bin/env bash
# Runs every command block of the user docs -- README.md, docs/*.md and
# examples/*/README.md -- exactly as written, in a clean copy of the
# source tree (the files git tracks, nothing else), one block after another
# in document order, each as a bash script with `set -e -o pipefail`.
#
# The rule the docs keep (checked here, so a new block cannot slip by):
#   ```sh             commands; run, must exit 0
#   ```sh norun: WHY  commands that need a board on USB or rebuild the
#                     whole tree; not run, counted and listed with WHY
#   ```text / seir / c / python / ...   not commands; not run
# An opening fence without an info string is an error.
#
# In the copy, build/bin is the tree's built bin/ (so `build/bin/loom` and
# `make`'s products exist), ../shared is the data's parent, `loom` is $LOOM
# and /tmp/ is $WORK/tmp/.  Background jobs a block starts (`loom vboard
# ... &`) are killed when the block ends.
set -u
fail() { echo "FAIL: $*"; exit 1; }
top=$(cd "$(dirname "$0")/../.." && pwd)
bindir=$(cd "$(dirname "$LOOM")" && pwd)
clone="$WORK/clone"
rm -rf "$clone" "$WORK/shared" "$WORK/blocks" "$WORK/tmp"
mkdir -p "$clone/build" "$WORK/blocks" "$WORK/tmp"
if git -C "$top" rev-parse --git-dir > /dev/null 2>&1; then
    # tracked files as they are in the work tree, plus new files not ignored
    (cd "$top" && git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
        tar --null -T - -cf -) | tar -xf - -C "$clone" || fail "cannot copy the tree"
else
    (cd "$top" && tar --exclude=./build -cf - .) | tar -xf - -C "$clone" || fail "cannot copy the tree"
fi
ln -s "$bindir" "$clone/build/bin"
ln -s "$(cd "$DATA/.." && pwd)" "$WORK/shared"

docs=(README.md)
for d in "$clone"/docs/*.md "$clone"/examples/*/README.md; do docs+=("${d#"$clone"/}"); done

# one file per block: blocks/NNN.sh (run) or NNN.norun; first line says where
awk -v out="$WORK/blocks" -v tmpd="$WORK/tmp/" '
    FNR == 1 { inb = 0 }
    /^```/ {
        if (!inb) {
            info = substr($0, 4); sub(/^[ \t]+/, "", info)
            if (info == "") { printf "untagged\t%s:%d\n", FILENAME, FNR; bad = 1 }
            split(info, w, /[ \t]+/)
            n++; f = sprintf("%s/%03d.%s", out, n, (w[1] == "sh" && info !~ /norun/) ? "sh" : (w[1] == "sh" ? "norun" : "skip"))
            printf "# %s:%d %s\n", FILENAME, FNR, info > f
            inb = 1
        } else { close(f); inb = 0 }
        next
    }
    !inb && /^    +(\$ )?(build\/bin\/)?(loom|make) / { printf "indented\t%s:%d\n", FILENAME, FNR; bad = 1 }
    inb { line = $0; gsub(/\/tmp\//, tmpd, line); print line > f }
    END { exit bad }' $(printf '%s ' "${docs[@]/#/$clone/}") > "$WORK/awk.out" ||
    fail "commands outside a \`\`\`sh block or fences without a language (use sh, text, seir, ...): $(sed "s#$clone/##" "$WORK/awk.out")"

ran=0 skipped=0
for b in "$WORK"/blocks/*; do
    where=$(head -n 1 "$b" | sed -e "s#^\# $clone/##")
    case "$b" in
    *.skip) continue ;;
    *.norun)
        echo "not run: $where"; skipped=$((skipped + 1))
        echo "$where" | grep -q 'norun: ..' || fail "$where: 'norun' without a reason"
        continue ;;
    esac
    echo "+ block $where"
    sed 's/^/    /' "$b" | tail -n +2
    script="$WORK/run.sh"
    {
        echo 'set -e -o pipefail'
        echo 'loom() { "$LOOM" "$@"; }'
        # a background `loom vboard ... &` is a subshell running the loom
        # function: its loom child must go too, not only the subshell
        echo 'trap '\''for j in $(jobs -p); do pkill -TERM -P "$j" || true; kill "$j" || true; done 2> /dev/null; wait || true'\'' EXIT'
        tail -n +2 "$b"
    } > "$script"
    t0=$SECONDS
    (cd "$clone" && timeout 300 bash "$script") > "$WORK/block.out" 2> "$WORK/block.err" < /dev/null || {
        tail -n 20 "$WORK/block.out"
        tail -n 20 "$WORK/block.err"
        fail "$where: the block failed"
    }
    echo "  ($((SECONDS - t0)) s)"
    ran=$((ran + 1))
done
[ $ran -ge 15 ] || fail "only $ran blocks found: the extraction is broken"
echo "cli_docs: $ran blocks ran, $skipped not run (listed above)"
