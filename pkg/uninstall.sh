#!/bin/sh
# pkg/uninstall.sh -- `make uninstall`: removes exactly the files listed in
# $PREFIX/share/loom/install-manifest.txt (written by pkg/install.sh), then
# the folders that became empty.
set -eu
: "${PREFIX:?}"
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX%/}
MANIFEST=$PREFIX/share/loom/install-manifest.txt
if [ ! -f "$DESTDIR$MANIFEST" ]; then
    echo "uninstall: $DESTDIR$MANIFEST: no such file (nothing installed under $DESTDIR$PREFIX?)" >&2
    exit 1
fi
dirs=$(mktemp)
trap 'rm -f "$dirs"' EXIT
n=0
while read -r f; do
    case "$f" in "$PREFIX"/*) ;; *) echo "uninstall: skipping '$f' (not under $PREFIX)" >&2; continue ;; esac
    [ "$f" = "$MANIFEST" ] && continue
    if [ -e "$DESTDIR$f" ] || [ -L "$DESTDIR$f" ]; then
        rm -f "$DESTDIR$f"
        n=$((n + 1))
    fi
    d=$(dirname "$f")
    while [ "$d" != "$PREFIX" ] && [ "$d" != / ]; do echo "$d"; d=$(dirname "$d"); done >> "$dirs"
done < "$DESTDIR$MANIFEST"
rm -f "$DESTDIR$MANIFEST"
n=$((n + 1))
# the folders of those files, deepest first, when empty (never PREFIX itself)
sort -ru "$dirs" | while read -r d; do rmdir "$DESTDIR$d" 2>/dev/null || true; done
if [ -z "$DESTDIR" ] && [ "$(id -u)" = 0 ] && command -v ldconfig > /dev/null; then
    case "$PREFIX" in /usr | /usr/local) ldconfig ;; esac
fi
echo "uninstall: removed $n files from $DESTDIR$PREFIX"
