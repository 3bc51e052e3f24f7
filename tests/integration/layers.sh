#!/usr/bin/env bash
# layers.sh -- the include directions of docs/architecture.md are enforced by
# the build: each folder's sources are compiled with -I for exactly the
# folders its layer may include (Makefile LAYER_*).  For every layer this
# compiles a probe that includes each header of every folder the layer may
# use (must compile) and one header of every folder it may not use (must
# fail with "No such file"), and checks that the object rule really uses the
# layer's list (a dry run of one source per layer).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
WORK=${WORK:-$(mktemp -d)}
CC=${CC:-cc}
mk() { make --no-print-directory -s BUILD="$BUILD" "$@"; }

table=$(mk layers) || { echo "make layers failed"; exit 1; }
cflags=$(mk layer-cflags) || { echo "make layer-cflags failed"; exit 1; }
dirs_of() { sed -n "s|^$1: ||p" <<<"$table"; }
layers=$(cut -d: -f1 <<<"$table")
# the source folders (the CLI layer sees every one of them)
folders=$(dirs_of sw/cli | tr ' ' '\n' | grep -v "^$BUILD/")
[ -n "$layers" ] && [ -n "$folders" ] || { echo "no layers in the Makefile"; exit 1; }
[ -f "$BUILD/gen/loom_commands.h" ] || { echo "$BUILD/gen/loom_commands.h missing: run make first"; exit 1; }

fail=0 ok=0 refused=0
probe() { # flags header -> 0 compiles, 1 not found, 2 other error (printed)
    printf '#include "%s"\nint loom_probe;\n' "$2" > "$WORK/probe.c"
    local out
    if out=$(${CC} $1 -fsyntax-only "$WORK/probe.c" 2>&1); then return 0; fi
    if grep -q "$2: No such file" <<<"$out"; then return 1; fi
    echo "$out" | head -5; return 2
}
for L in $layers; do
    dirs=$(dirs_of "$L")
    flags="$cflags $(printf -- '-I%s ' $dirs)"
    for G in $folders; do
        hdrs=$(cd "$G" && ls *.h 2>/dev/null)
        [ -n "$hdrs" ] || continue
        if [[ " $dirs " == *" $G "* ]]; then
            for h in $hdrs; do
                probe "$flags" "$h"; rc=$?
                if [ $rc -ne 0 ]; then echo "FAIL: layer $L may include $G but $G/$h does not compile"; fail=1; else ok=$((ok + 1)); fi
            done
        else
            h=$(head -n 1 <<<"$hdrs")
            probe "$flags" "$h"; rc=$?
            if [ $rc -ne 1 ]; then echo "FAIL: layer $L must not see $G, yet #include \"$h\" did not fail as not found (rc $rc)"; fail=1
            else refused=$((refused + 1)); fi
        fi
    done
done
echo "layers: $ok allowed includes compile, $refused wrong-way includes refused"
[ $refused -gt 0 ] || { echo "FAIL: no wrong-way include was tried"; fail=1; }

# The object rule uses the layer lists: a dry run for one C source per folder.
targets=() srcs=()
for G in $folders; do
    src=$(cd "$G" && ls *.c 2>/dev/null | head -n 1)
    [ -n "$src" ] || continue
    srcs+=("$G/$src"); targets+=("$WORK/b/obj/$G/${src%.c}.o")
done
dry=$(make --no-print-directory -n -B BUILD="$WORK/b" "${targets[@]}" 2>/dev/null)
for s in "${srcs[@]}"; do
    G=${s%/*}
    cmd=$(grep -- " -c $s " <<<"$dry")
    want=$(dirs_of "$G" | tr ' ' '\n' | grep -v "^$BUILD/" | sed 's/^/-I/' | sort | tr '\n' ' ')
    got=$(tr ' ' '\n' <<<"$cmd" | grep '^-I[^/]' | sort | tr '\n' ' ')
    if [ -z "$cmd" ] || [ "$want" != "$got" ]; then echo "FAIL: $s is compiled with [$got], its layer says [$want]"; fail=1
    else echo "rule ok: $s with $got"; fi
done

# A wrong-way include in a real source fails: a copy of hls_ref/ref.c that
# includes the compiler's mapper.h, with the flags of hls_ref.
mkdir -p "$WORK/tree/hls_ref"
{ echo '#include "mapper.h"'; cat hls_ref/ref.c; } > "$WORK/tree/hls_ref/ref.c"
if ${CC} $cflags $(printf -- '-I%s ' $(dirs_of hls_ref)) -fsyntax-only "$WORK/tree/hls_ref/ref.c" 2>"$WORK/err"; then
    echo "FAIL: hls_ref/ref.c including compiler/mapper.h compiled"; fail=1
elif grep -q 'mapper.h: No such file' "$WORK/err"; then
    echo "refused: hls_ref/ref.c with #include \"mapper.h\" ($(head -n 1 "$WORK/err"))"
else
    cat "$WORK/err"; fail=1
fi
exit $fail
