#!/usr/bin/env bash
# --plot draws a PNG through gnuplot (skipped without gnuplot).  The script
# gnuplot gets is captured (LOOM_GNUPLOT = a wrapper that tees it) and
# checked: text drawn as given (noenhanced), the PNG's pixel size, layer
# names on the raster, --outputs-only rows only, a y scale per v trace,
# dark colours; --plot with a name that is not .png is refused.
set -u
fail() { echo "FAIL: $*"; exit 1; }
cd "$WORK"
command -v gnuplot >/dev/null || { echo "gnuplot not installed"; exit 77; }
"$LOOM" gen --seed 2 --neurons 40 --inputs 5 -o net.seir || fail gen
"$LOOM" sim net.seir --steps 300 --poisson 0.1 --seed 4 --plot r.png --out-v v.csv --quiet || fail "plot"
[ "$(head -c 8 r.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "not a PNG"
[ "$(stat -c %s r.png)" -gt 5000 ] || fail "PNG too small"
# a net without v outputs and without spikes still plots (an empty raster)
printf 'seir 1\narch W=8 S=16 A=24 D=15\nprofile p a_syn=0 a_mem=0 theta=5 v_reset=0 reset=zero shift=0 bias=0\nneuron n[3] p\n' > quiet.seir
"$LOOM" sim quiet.seir --steps 10 --plot q.png --quiet || fail "empty raster"
[ -s q.png ] || fail "no PNG for an empty raster"

# the captured script
cat > gp.sh <<'GP'
#!/bin/sh
tee "$GP_SCRIPT" | gnuplot
GP
chmod +x gp.sh
cat > my_net.seir <<'NET'
seir 1
arch W=8 S=16 A=24 D=15
profile big a_syn=0 a_mem=4096 theta=0 v_reset=0 reset=none shift=8 bias=0
profile small a_syn=0 a_mem=3500 theta=0 v_reset=0 reset=none shift=0 bias=0
profile lif a_syn=0 a_mem=3900 theta=3 v_reset=0 reset=zero shift=0 bias=0
input x[2] spike
neuron hidden_layer[6] lif
neuron big_v big
neuron small_v small
neuron out_layer[2] lif
syn x[0] big_v 127
syn x[1] small_v 3
dense x hidden_layer
 2 1
 1 2
 3 0
 0 3
 2 2
 1 1
end
syn hidden_layer[0] out_layer[0] 2
syn hidden_layer[3] out_layer[1] 2
output big_v v
output small_v v
output out_layer spike
NET
GP_SCRIPT=all.gp LOOM_GNUPLOT="$PWD/gp.sh" "$LOOM" sim my_net.seir --steps 300 --poisson 0.3 --plot all.png \
    --out-spikes all.csv --quiet || fail "plot my_net"
GP_SCRIPT=out.gp LOOM_GNUPLOT="$PWD/gp.sh" "$LOOM" sim my_net.seir --steps 300 --poisson 0.3 --plot out.png \
    --outputs-only --out-spikes out.csv --quiet || fail "plot --outputs-only"
python3 - <<'PY' || fail "the gnuplot script or the PNG"
import re, struct
def png_size(f):
    b = open(f, 'rb').read(24)
    assert b[:8] == b'\x89PNG\r\n\x1a\n', f
    return struct.unpack('>II', b[16:24])
def blocks(script):
    # (command line, data rows) of every inline '-' data block
    out, lines, k = [], script.split('\n'), 0
    while k < len(lines):
        if lines[k].startswith('plot '):
            j = k + 1
            while lines[j] != 'e':
                j += 1
            out.append((lines[k], lines[k + 1:j]))
            k = j
        k += 1
    return out
rows = lambda f: len(open(f).read().strip().split('\n')) - 1
for name, png, csv, nrows in (('all.gp', 'all.png', 'all.csv', 10), ('out.gp', 'out.png', 'out.csv', 2)):
    s = open(name).read()
    m = re.search(r'^set terminal png noenhanced size (\d+),(\d+)$', s, re.M)
    assert m, 'no noenhanced png terminal'
    assert png_size(png) == (int(m.group(1)), int(m.group(2))) == (1100, 650 + 2 * 120), (png_size(png), m.groups())
    assert "title 'my_net.seir: 300 steps" in s, 'title not as given'
    b = blocks(s)
    assert len(b) == 3, [c for c, _ in b]            # raster + one strip per v output
    raster = [r for r in b[0][1] if not r.startswith('-10 ')]
    assert len(raster) == rows(csv), (len(raster), rows(csv))
    assert max(int(r.split()[1]) for r in raster) < nrows
    assert ("set yrange [-0.5:%g]" % (nrows - 0.5)) in s
    strips = re.findall(r"set yrange \[([-0-9.e]+):([-0-9.e]+)\]\nset ytics \(([-0-9.e]+), ([-0-9.e]+)\)", s)
    assert len(strips) == 2, strips
    (b0, b1, lo0, hi0), (s0, s1, lo1, hi1) = strips
    assert float(hi0) == 32767 and float(hi1) <= 20, strips   # each trace on its own scale
    assert "set ylabel 'big_v'" in s and "set ylabel 'small_v'" in s
    cols = re.findall(r"with lines lw [0-9.]+ lc rgb '#([0-9a-f]{6})'", s)
    assert len(set(cols)) == 2, cols
    for c in cols:                                   # dark enough on white
        r, g, bl = (int(c[i:i + 2], 16) for i in (0, 2, 4))
        assert 0.299 * r + 0.587 * g + 0.114 * bl < 140, c
s = open('all.gp').read()
assert "set ytics ('hidden_layer' 2.5, 'big_v' 6, 'small_v' 7, 'out_layer' 8.5)" in s, 'layer names'
assert s.count('nohead') == 3
s = open('out.gp').read()
assert "set ytics ('out_layer' 0.5)" in s and "set ylabel 'output neuron'" in s
PY
"$LOOM" sim my_net.seir --steps 5 --plot x.txt 2> err.txt && fail "--plot x.txt accepted"
grep -q "give a file name ending in .png" err.txt || fail "--plot x.txt: $(cat err.txt)"
[ ! -e x.txt ] || fail "--plot x.txt wrote a file"
echo ok
