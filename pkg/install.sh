#!/bin/sh
# pkg/install.sh -- `make install` (pkg/pkg.mk; docs/install.md).  Installs
# under $DESTDIR$PREFIX and lists every file it installed, as installed paths
# without DESTDIR, in $PREFIX/share/loom/install-manifest.txt, which
# `make uninstall` (pkg/uninstall.sh) reads.
set -eu
: "${PREFIX:?}" "${BUILD:?}" "${VERSION:?}" "${SOMAJOR:?}"
DESTDIR=${DESTDIR:-}
PYTHON=${PYTHON:-/usr/bin/python3}
case "$PREFIX" in /*) ;; *) echo "install: PREFIX must be an absolute path, got '$PREFIX'" >&2; exit 2 ;; esac
PREFIX=${PREFIX%/}
DATA=$PREFIX/share/loom
MANIFEST=$DATA/install-manifest.txt
list=$(mktemp)
trap 'rm -f "$list"' EXIT

# inst MODE SRC DST: installs SRC as DST (an installed path, without DESTDIR)
inst() {
    install -D -m "$1" "$2" "$DESTDIR$3"
    echo "$3" >> "$list"
}
# link TARGET NAME
link() {
    ln -sfn "$1" "$DESTDIR$2"
    echo "$2" >> "$list"
}
# tree SRCDIR DSTDIR FIND-ARGS...: the files under SRCDIR matching FIND-ARGS
tree() {
    src=$1 dst=$2; shift 2
    find "$src" -type f "$@" | sort | while read -r f; do
        mode=644; [ -x "$f" ] && mode=755
        inst $mode "$f" "$dst/${f#"$src"/}"
    done
}

# programs, libraries, the public header
inst 755 "$BUILD/bin/loom" "$PREFIX/bin/loom"
inst 755 "$BUILD/lib/libloom.so.$VERSION" "$PREFIX/lib/libloom.so.$VERSION"
link "libloom.so.$VERSION" "$PREFIX/lib/libloom.so.$SOMAJOR"
link "libloom.so.$SOMAJOR" "$PREFIX/lib/libloom.so"
inst 644 "$BUILD/pkg/libloom.a" "$PREFIX/lib/libloom.a"   # only loom_* global (pkg/pkg.mk)
inst 644 include/loom/loom.h "$PREFIX/include/loom/loom.h"
status_h=$(ls hls_ref/loom_status.h 2>/dev/null || find . -path ./build -prune -o -name loom_status.h -print | head -n 1)
inst 644 "$status_h" "$PREFIX/include/loom/loom_status.h"
pc=$(mktemp)
sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@VERSION@|$VERSION|g" \
    -e "s|@LIBS_PRIVATE@|${PC_LIBS_PRIVATE:-}|g" -e "s|@REQUIRES_PRIVATE@|${PC_REQUIRES_PRIVATE:-}|g" \
    loom.pc.in > "$pc"
inst 644 "$pc" "$PREFIX/lib/pkgconfig/loom.pc"
rm -f "$pc"
inst 644 "$BUILD/man/loom.1" "$PREFIX/share/man/man1/loom.1"

# the data folder: what loom build, fly, demo and friends read at run time
tree rtl "$DATA/rtl" \( -name '*.v' -o -name '*.vh' -o -name '*.sh' \)
tree boards "$DATA/boards" ! -name '*.mk'
# loom vboard --build Verilates a build's own board core around these
inst 644 sim/vboard_dyn.cpp "$DATA/sim/vboard_dyn.cpp"
inst 644 sim/vboard_model.hpp "$DATA/sim/vboard_model.hpp"
tree examples "$DATA/examples"
tree docs "$DATA/docs" -name '*.md'
inst 644 README.md "$DATA/README.md"
for hex in ${FW:-}; do
    inst 644 "$hex" "$DATA/fw/$(basename "$hex")"
done

# the Python package, into the interpreter's dist-/site-packages under PREFIX
if [ -x "$PYTHON" ] || command -v "$PYTHON" >/dev/null 2>&1; then
    pyrel=$("$PYTHON" -c 'import sys
v = "python%d.%d" % sys.version_info[:2]
deb = any(p.endswith("dist-packages") for p in sys.path)
print("lib/%s/%s" % (v, "dist-packages" if deb else "site-packages"))')
    PYDIR=$PREFIX/$pyrel
    for f in python/loom/*.py; do
        inst 644 "$f" "$PYDIR/loom/$(basename "$f")"
    done
    cfg=$(mktemp)
    printf '# written by make install: where libloom.so and the data folder are\nLIBDIR = %s\nDATADIR = %s\n' \
        "'$PREFIX/lib'" "'$DATA'" > "$cfg"
    inst 644 "$cfg" "$PYDIR/loom/_installed.py"
    rm -f "$cfg"
    # byte-compiled now, so that importing writes nothing uninstall does not know
    "$PYTHON" -m compileall -q "$DESTDIR$PYDIR/loom" >/dev/null
    find "$DESTDIR$PYDIR/loom/__pycache__" -type f -name '*.pyc' | sort | while read -r c; do
        echo "${c#"$DESTDIR"}" >> "$list"
    done
    echo "install: Python package loom in $PYDIR"
else
    echo "install: no $PYTHON; the Python package is not installed"
fi

# the dynamic loader's cache, for the system prefixes it searches
if [ -z "$DESTDIR" ] && [ "$(id -u)" = 0 ] && command -v ldconfig > /dev/null; then
    case "$PREFIX" in /usr | /usr/local) ldconfig ;; esac
fi

echo "$MANIFEST" >> "$list"
mkdir -p "$DESTDIR$DATA"
sort -u "$list" > "$DESTDIR$MANIFEST"
echo "install: $(wc -l < "$DESTDIR$MANIFEST") files under $DESTDIR$PREFIX (list: $MANIFEST)"
