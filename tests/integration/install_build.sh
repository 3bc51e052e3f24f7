#!/usr/bin/env bash
# install_build: `loom build` of an installed tree, from an empty folder
# under /tmp: the icestick's bitstream (the smallest device: yosys +
# nextpnr-ice40 take ~30-50 s on a loaded 2-core machine) from the RTL,
# board files and firmware image under PREFIX/share/loom alone; then
# `make uninstall`.  (install_prefix.sh covers the other subcommands.)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "FAIL: $*"; exit 1; }
command -v yosys > /dev/null && command -v nextpnr-ice40 > /dev/null ||
    { echo "yosys / nextpnr-ice40 not installed"; exit 77; }
BUILD=${BUILD:-build}
P="$WORK/prefix"
run=$(mktemp -d /tmp/loom-build-XXXXXX)
trap 'rm -rf "$run"' EXIT
unset LOOM_DATADIR
# a synthesis cache of this run only: an entry for the same arch and sources
# (e.g. from the user's own builds) would skip the build checked below
export LOOM_SYNTH_CACHE="$WORK/synth-cache"
make -s -C "$top" install PREFIX="$P" BUILD="$BUILD" > "$WORK/install.log" 2>&1 ||
    { cat "$WORK/install.log"; fail "make install"; }
cd "$run"
t0=$(date +%s)
"$P/bin/loom" build --board icestick -o ice > build.txt 2>&1 || { tail -n 20 build.txt; fail "build --board icestick"; }
t1=$(date +%s)
[ -s ice/loom.bin ] || fail "no ice/loom.bin"
# the sources came from the prefix, not from the source tree
# (loom build links the source tree it used into the build folder: loom-src)
[ "$(readlink ice/loom-src)" = "$(cd "$P/share/loom" && pwd -P)" ] ||
    fail "built from '$(readlink ice/loom-src)', not from $P/share/loom"
# and with the data folder moved away, loom build says where it looked
mv "$P/share/loom/rtl" "$P/share/loom/rtl.away"
"$P/bin/loom" build --board icestick -o ice2 > build2.txt 2>&1 && fail "build without RTL succeeded"
grep -q "no RTL sources" build2.txt || { cat build2.txt; fail "no message naming the missing RTL"; }
grep -q "LOOM_DATADIR" build2.txt || { cat build2.txt; fail "the message does not name LOOM_DATADIR"; }
# LOOM_DATADIR: the one override
mv "$P/share/loom/rtl.away" "$WORK/rtl-elsewhere"
mkdir -p "$WORK/data" && cp -r "$P/share/loom/boards" "$P/share/loom/fw" "$WORK/data/" && mv "$WORK/rtl-elsewhere" "$WORK/data/rtl"
LOOM_DATADIR="$WORK/data" "$P/bin/loom" --help | grep -q "data folder.*: $WORK/data\$" || fail "LOOM_DATADIR not used"
mv "$WORK/data/rtl" "$P/share/loom/rtl"
make -s -C "$top" uninstall PREFIX="$P" > /dev/null || fail "make uninstall"
[ -z "$(find "$P" -mindepth 1 | head -n 1)" ] || fail "files left after uninstall"
echo "install_build ok (build --board icestick: $((t1 - t0)) s)"
