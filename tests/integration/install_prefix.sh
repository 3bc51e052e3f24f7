#!/usr/bin/env bash
# install_prefix: `make install` into a temporary prefix, then everything a
# user does with the installed tree only, from an empty folder under /tmp
# (docs/install.md): the loom subcommands (compile, sim, cosim, vboard +
# run, fly, demo; build in install_build.sh) find the RTL, board files, firmware, examples and
# docs beside the installed loom; the example of docs/api.md builds against
# the prefix with `pkg-config --libs loom` (libloom.so) and `--static`
# (libloom.a) and runs; the Python package passes its tests and runs the
# python blocks of docs/python.md; `make uninstall` leaves the prefix empty;
# DESTDIR stages the same files.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/support/vboard.sh"
BUILD=${BUILD:-build}
P="$WORK/prefix"
run=$(mktemp -d /tmp/loom-install-XXXXXX)
cleanup2() { cleanup; rm -rf "$run"; }
trap cleanup2 EXIT
t0=$(date +%s)
unset LOOM_DATADIR LOOM_LIBRARY

# ---- install ------------------------------------------------------------------
make -s -C "$top" install PREFIX="$P" BUILD="$BUILD" > "$WORK/install.log" 2>&1 ||
    { cat "$WORK/install.log"; fail "make install"; }
cat "$WORK/install.log"
for f in bin/loom lib/libloom.a lib/libloom.so lib/libloom.so.0 include/loom/loom.h \
         include/loom/loom_status.h lib/pkgconfig/loom.pc share/man/man1/loom.1 \
         share/loom/rtl/loom_top.v share/loom/boards/common/loom_board_core.v \
         share/loom/boards/icestick/icestick.pcf share/loom/boards/icestick/fw/fw_main.c \
         share/loom/fw/icestick.hex share/loom/examples/blimp/controller.seir \
         share/loom/examples/api/loom_example.c share/loom/docs/api.md share/loom/docs/python.md; do
    [ -e "$P/$f" ] || fail "not installed: $f"
done
# one public header and its part; nothing internal
[ "$(ls "$P/include/loom" | tr '\n' ' ')" = "loom.h loom_status.h " ] || fail "headers: $(ls "$P/include/loom")"
# the soname, and nothing but loom_ exported by the shared library
soname=$(readelf -d "$P/lib/libloom.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = libloom.so.0 ] || fail "soname '$soname'"
bad=$(nm -D --defined-only "$P/lib/libloom.so" | awk '$2 ~ /^[TDBR]$/ && $3 !~ /^loom_/ {print $3}' | head -n 5)
[ -z "$bad" ] || fail "libloom.so exports non-loom_ symbols: $bad"
nm -D --defined-only "$P/lib/libloom.so" | grep -q ' T loom_net_load@@LOOM_0$' || fail "loom_net_load not exported"
bad=$(nm --defined-only "$P/lib/libloom.a" | awk '$2 ~ /^[TDBRC]$/ && $3 !~ /^loom_/ {print $3}' | head -n 5)
[ -z "$bad" ] || fail "libloom.a has global non-loom_ symbols: $bad"
nm --defined-only "$P/lib/libloom.a" | grep -q ' T loom_sim_run$' || fail "libloom.a without loom_sim_run"
# the manifest lists exactly the files under the prefix
(cd "$P" && find . \( -type f -o -type l \) | sed "s#^\.#$P#" | sort) > "$WORK/found.txt"
sort "$P/share/loom/install-manifest.txt" > "$WORK/manifest.txt"
diff "$WORK/manifest.txt" "$WORK/found.txt" > "$WORK/manifest.diff" || { cat "$WORK/manifest.diff"; fail "manifest != installed files"; }
req=$(sed -n 's/^Requires.private: //p' "$P/lib/pkgconfig/loom.pc")
for lib in hdf5 libserialport; do
    case " $req " in *" $lib "*) ;; *) fail "loom.pc: Requires.private '$req' without $lib" ;; esac
done
# and every library libloom.so needs, except libc, libm and the loader, comes from it
for so in $(readelf -d "$P/lib/libloom.so" | sed -n 's/.*NEEDED.*\[lib\([a-z0-9_]*\).*/\1/p'); do
    case "$so" in c | m | pthread | dl | ld) continue ;; esac
    pkg-config --static --libs "$req" 2>/dev/null | grep -q -- "-l${so%_serial}\b" ||
        fail "libloom.so needs lib$so, which Requires.private ($req) does not give"
done
grep -q '^\.B compile$' "$P/share/man/man1/loom.1" || fail "man page without the command table"

# ---- the loom command, from an empty folder, with nothing but the prefix ------
L="$P/bin/loom"
E="$P/share/loom/examples"
cd "$run"
"$L" --help | grep -q "data folder.*: $P/share/loom\$" || { "$L" --help | tail -n 3; fail "--help: data folder"; }
"$L" compile "$E/seir/feedforward.seir" -o ff.seir --report > compile.txt || fail "compile"
"$L" sim ff.seir --steps 200 --poisson 0.3 --seed 2 --out-spikes s.csv --quiet || fail "sim"
[ "$(wc -l < s.csv)" -gt 5 ] || fail "sim wrote no spikes"
"$L" cosim ff.seir --steps 100 --poisson 0.3 --seed 2 > cosim.txt || { cat cosim.txt; fail "cosim"; }
"$L" vboard --board hx8k-breakout --pty-file pty.txt --quiet & pids+=($!)
wait_file pty.txt || fail "vboard did not start"
"$L" run --port "$(cat pty.txt)" ff.seir --steps 300 --poisson 0.3 --seed 2 --check --quiet || fail "run --check"
"$L" fly --sim --seed 1 --duration 5 > fly.txt || { cat fly.txt; fail "fly (default controller from the data folder)"; }
"$L" demo blimp --duration 5 --plot demo/blimp.png > demo.txt || { cat demo.txt; fail "demo blimp"; }
grep -q 'path=vboard$' demo.txt || { cat demo.txt; fail "demo: no virtual board flight"; }
"$L" build --board hx8k-breakout ff.seir -o hx --boot-only --quiet || fail "build --boot-only"
[ -s hx/boot.hex ] || fail "build --boot-only: no hx/boot.hex"
# (a full bitstream from the installed tree: tests/integration/install_build.sh)

# ---- C: the example of docs/api.md, shared and static ----------------------------
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
sed -n '/^```c$/,/^```$/p' "$top/docs/api.md" | sed '1d;$d' > doc_example.c
cmp -s doc_example.c "$E/api/loom_example.c" || fail "docs/api.md's example differs from examples/api/loom_example.c"
cc -std=c11 -Wall -Wextra -Werror doc_example.c $(pkg-config --cflags --libs loom) -o ex_shared || fail "cc (shared)"
# the header alone, from C99 -pedantic and from C++
printf '#include <loom/loom.h>\nint main(void) { loom_err e; return loom_net_load("x.seir", 0, 0, &e) == LOOM_OK; }\n' > hdr.c
cc -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only $(pkg-config --cflags loom) hdr.c || fail "loom.h under C99"
c++ -x c++ -std=c++17 -Wall -Wextra -Werror -fsyntax-only $(pkg-config --cflags loom) hdr.c || fail "loom.h under C++"
ldd ex_shared | grep -q "libloom.so.0 => $P/lib/libloom.so.0" ||
    ldd ex_shared | grep -q "libloom.so.0 => not found" || fail "ex_shared: $(ldd ex_shared | grep loom)"
LD_LIBRARY_PATH="$P/lib" ./ex_shared --vboard > ex_shared.txt || { cat ex_shared.txt; fail "example (shared)"; }
cat ex_shared.txt
grep -q "spikes exactly as the simulator" ex_shared.txt || fail "example (shared): board != simulator"
# --static: libloom.a with every library it needs from loom.pc (Libs.private,
# Requires.private); -l:libloom.a picks the archive over the .so beside it
static_libs=$(pkg-config --static --libs loom)
case " $static_libs " in *" -lloom "*) ;; *) fail "pkg-config --static --libs loom: $static_libs" ;; esac
echo "$static_libs" | grep -q -- -lhdf5 || fail "--static without hdf5: $static_libs"
echo "$static_libs" | grep -q -- -lserialport || fail "--static without libserialport: $static_libs"
cc -std=c11 -Wall -Wextra -Werror doc_example.c $(pkg-config --static --cflags loom) \
    $(echo " $static_libs " | sed 's/ -lloom / -l:libloom.a /') -o ex_static || fail "cc (static)"
ldd ex_static | grep -q libloom && fail "ex_static links libloom.so"
PATH="$P/bin:$PATH" ./ex_static --vboard > ex_static.txt || { cat ex_static.txt; fail "example (static)"; }
grep -v 'virtual board on' ex_shared.txt > a.txt
grep -v 'virtual board on' ex_static.txt > b.txt
cmp -s a.txt b.txt || { diff a.txt b.txt; fail "static and shared examples differ"; }
grep -q "spikes exactly as the simulator" ex_static.txt || fail "example (static): board != simulator"
# docs/api.md shows this output
sed -n '/^Its output on the default model/,$p' "$top/docs/api.md" | sed -n '/^```text$/,/^```$/p' | sed '1d;$d' |
    grep -v 'virtual board on' > doc_out.txt
LD_LIBRARY_PATH="$P/lib" ./ex_shared > ex_plain.txt
diff doc_out.txt ex_plain.txt > /dev/null || { diff doc_out.txt ex_plain.txt; fail "docs/api.md's output is not the example's"; }

# ---- Python: the installed package --------------------------------------------------
PY=/usr/bin/python3
pydir=$(ls -d "$P"/lib/python3*/*-packages)
export PYTHONPATH="$pydir"
where=$($PY -c 'import loom; print(loom.__file__, loom.data_root())') || fail "import loom"
case "$where" in "$pydir/loom/__init__.py $P/share/loom") ;; *) fail "import loom: $where" ;; esac
cp "$top/python/tests/test_loom.py" .
LOOM="$L" DATA="$DATA" $PY -m pytest -q -p no:cacheprovider test_loom.py > pytest.txt 2>&1 ||
    { cat pytest.txt; fail "pytest"; }
tail -n 1 pytest.txt
awk '/^```python/ { inb = 1; n++; next } /^```/ { inb = 0; next } inb { print > ("doc_py" n ".py") }' "$top/docs/python.md"
if [ -f "$DATA/nir/braille_nirtorch.nir" ] && [ -f "$DATA/nir/all_primitives_gzip.nir" ]; then
    [ -f doc_py3.py ] || fail "docs/python.md: python blocks not found"
    for b in doc_py*.py; do
        sed -i "s#\.\./shared/data#$DATA#g" "$b"
        $PY "$b" > "$b.out" 2>&1 || { cat "$b.out"; fail "docs/python.md block $b"; }
    done
    grep -q "identical to the simulator: True" doc_py2.py.out || fail "docs/python.md: board run"
else
    echo "no NIR data under $DATA: docs/python.md's blocks not run"
fi
unset PYTHONPATH

# ---- uninstall: exactly what was installed -----------------------------------------
cd "$WORK"
cleanup; pids=()
make -s -C "$top" uninstall PREFIX="$P" > uninstall.log 2>&1 || { cat uninstall.log; fail "make uninstall"; }
cat uninstall.log
left=$(find "$P" -mindepth 1 | head -n 5)
[ -z "$left" ] || fail "left after uninstall: $left"
# DESTDIR: staged under DESTDIR, manifest without it
make -s -C "$top" install DESTDIR="$WORK/stage" PREFIX=/opt/loom BUILD="$BUILD" > stage.log 2>&1 || { cat stage.log; fail "DESTDIR install"; }
grep -q '^/opt/loom/bin/loom$' "$WORK/stage/opt/loom/share/loom/install-manifest.txt" || fail "DESTDIR manifest"
grep -q "^prefix=/opt/loom$" "$WORK/stage/opt/loom/lib/pkgconfig/loom.pc" || fail "DESTDIR loom.pc"
make -s -C "$top" uninstall DESTDIR="$WORK/stage" PREFIX=/opt/loom > /dev/null || fail "DESTDIR uninstall"
[ -z "$(find "$WORK/stage/opt/loom" -mindepth 1 2>/dev/null | head -n 1)" ] || fail "DESTDIR: files left"
echo "install_prefix ok ($(( $(date +%s) - t0 )) s)"
