#!/usr/bin/env bash
# Hostile use of loom sim / compile / info / gen: every bad input must give
# exit 2 and one line saying where and what, never a crash, a hang, a file
# named after an option, or a destroyed input.  Each case is a regression
# test for a defect found in review (see the comments).
set -u
fail() { echo "FAIL: $*"; exit 1; }
cd "$WORK"

# expect RC PATTERN CMD...: runs CMD (10 s limit), checks the exit code and
# that stderr matches PATTERN (grep -E); no sanitizer report allowed.
expect() {
    local want=$1 pat=$2
    shift 2
    timeout 10 "$@" > out.txt 2> err.txt < /dev/null
    local rc=$?
    [ "$rc" = "$want" ] || { cat err.txt; fail "'$*': exit $rc, expected $want"; }
    { [ -z "$pat" ] || grep -qE -e "$pat" err.txt; } || { cat err.txt; fail "'$*': stderr does not match '$pat'"; }
    ! grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' err.txt || { cat err.txt; fail "'$*': sanitizer report"; }
}

# tests/run.sh gives this test the ASan+UBSan build: otherwise the
# sanitizer checks in expect() could never fire
ldd "$LOOM" | grep -q libasan || fail "$LOOM is not the sanitizer build (make build/bin/loom-san)"

cat > n.seir <<'SEIR'
seir 1
profile p theta=1 bias=1
input x[2] spike
neuron a p
neuron b p
syn x[0] b 1
output a spike
SEIR
cp n.seir n.orig

# options without values must not be taken as file names
expect 2 "--out-spikes expects a value, got the option '--quiet'" "$LOOM" sim n.seir --steps 3 --out-spikes --quiet
[ ! -e ./--quiet ] || fail "a file named --quiet was created"
expect 2 "-o expects a value, got the option '-q'" "$LOOM" gen -o -q
expect 2 "--steps expects a value" "$LOOM" sim n.seir --steps
# duplicated options are refused, not silently overridden
expect 2 "option --steps given twice" "$LOOM" sim n.seir --steps 3 --steps=5
expect 2 "option --seed given twice" "$LOOM" gen --seed 1 --seed 2
expect 2 "option -o given twice" "$LOOM" compile n.seir -o a.seir -o b.seir
# numbers
expect 2 "--steps expects a non-negative integer, got '-1'" "$LOOM" sim n.seir --steps -1
expect 2 "--steps expects a non-negative integer, got '1e3'" "$LOOM" sim n.seir --steps 1e3
expect 2 "--poisson -0.5 is out of range 0..1" "$LOOM" sim n.seir --steps 3 --poisson -0.5
expect 2 "--density expects a number, got 'nan'" "$LOOM" gen --density nan
expect 0 "" "$LOOM" sim n.seir --steps 0 --quiet

# an output must never overwrite an input, also through another name
expect 2 "--out-spikes n.seir is the NET n.seir: refusing to overwrite" "$LOOM" sim n.seir --steps 3 --out-spikes n.seir
expect 2 "--out-v ./n.seir is the NET" "$LOOM" sim n.seir --steps 3 --out-v ./n.seir
ln -sf n.seir link.seir
expect 2 "--trace-all n.seir is the NET link.seir" "$LOOM" sim link.seir --steps 3 --trace-all n.seir
printf 'step,channel,value\n0,0,1\n' > in.csv
cp in.csv in.orig
expect 2 "--save-inputs in.csv is the --inputs in.csv" "$LOOM" sim n.seir --inputs in.csv --save-inputs in.csv
cmp -s n.seir n.orig || fail "the net was modified"
cmp -s in.csv in.orig || fail "the input file was modified"
expect 2 "--out-spikes and --out-v both write s.csv" "$LOOM" sim n.seir --steps 3 --out-spikes s.csv --out-v s.csv
expect 2 "both write to stdout" "$LOOM" sim n.seir --steps 3 --out-spikes - --trace-all -
expect 2 "cannot both come from stdin" "$LOOM" sim - --inputs - --steps 3
# compile -o onto its own input rewrites it canonically (atomic replace)
"$LOOM" compile n.seir -o canon.seir || fail "compile"
cp n.seir self.seir
"$LOOM" compile self.seir -o self.seir || fail "compile -o onto the input"
cmp -s self.seir canon.seir || fail "compile in place differs from compile to a new file"
# a failed compile leaves the previous output intact and no temporary behind
cp n.orig keep.seir
expect 2 "missing.seir: cannot open" "$LOOM" compile missing.seir -o keep.seir
cmp -s keep.seir n.orig || fail "a failed compile touched its output"
[ -z "$(ls | grep '\.tmp')" ] || fail "temporary file left behind"
if [ -w /dev/full ]; then
    expect 2 "/dev/full: .*(No space|write)" "$LOOM" gen -o /dev/full
    expect 2 "/dev/full: write error" "$LOOM" sim n.seir --steps 3 --out-spikes /dev/full
fi

# a run that fails half way keeps the old outputs and leaves no half file
echo precious > s.csv
printf 'step,channel,value\n0,0,1\n2,zz,1\n' > bad2.csv
expect 2 "bad2.csv:3: unknown input channel 'zz'" "$LOOM" sim n.seir --inputs bad2.csv --steps 5 --out-spikes s.csv --save-inputs new.lin
[ "$(cat s.csv)" = precious ] || fail "a failed sim overwrote its old --out-spikes file"
[ ! -e new.lin ] || fail "a failed sim left a half-written --save-inputs file"
[ -z "$(ls | grep '\.tmp')" ] || fail "temporary file left behind by sim"

# garbage and odd files
: > empty.seir
expect 2 "empty.seir:1:1: expected the header 'seir 1'" "$LOOM" sim empty.seir --steps 3
printf '\001' > garbage.bin    # never a blank or comment first line
head -c 2000 /dev/urandom >> garbage.bin
printf '\001\002' >> garbage.bin
cp garbage.bin g.seir; cp garbage.bin g.aag; cp garbage.bin g.csv; cp garbage.bin g.lin
expect 2 "g.seir:1:1: expected the header" "$LOOM" sim g.seir --steps 3
expect 2 "g.aag:1:1: expected the header" "$LOOM" info g.aag
expect 2 "g.lin: byte offset 0: not a .lin file" "$LOOM" sim n.seir --inputs g.lin
# binary CSV: the message names line and column and shows no raw bytes
printf 'step,channel,value\n0,0,1\n\001\002\n' > bin.csv
expect 2 "bin.csv:3:1: control byte 0x01" "$LOOM" sim n.seir --inputs bin.csv --steps 3
printf '0,0\37771\n' > hi.csv
expect 2 "hi.csv:1: expected 3 fields 'step,channel,value', got '0,0\?+71'" "$LOOM" sim n.seir --inputs hi.csv --steps 3
mkdir -p d.seir
expect 2 "d.seir: is a directory" "$LOOM" sim d.seir --steps 3
expect 2 "/: cannot create: Is a directory" "$LOOM" sim n.seir --steps 3 --out-spikes /
expect 2 "nope.seir: cannot open" "$LOOM" compile nope.seir
printf 'step,channel,value\n' > hdr.csv
expect 2 "holds no nonzero event" "$LOOM" sim n.seir --inputs hdr.csv
printf 'seir 1\nprofile p theta=1\nneuron a p\n' > noin.seir
printf '0,3,1\n' > c3.csv
expect 2 "c3.csv:1: channel '3': the net has no input channels" "$LOOM" sim noin.seir --inputs c3.csv --steps 2
# --stim writes only aigsim lines: other outputs are refused, not ignored
expect 2 "--stim prints aigsim lines" "$LOOM" sim "$DATA/aig/seq/s27.aag" --stim "$DATA/aig/seq/s27.stim" --out-spikes s.csv

# CRLF and no trailing newline read like LF files
printf 'seir 1\r\nprofile p theta=1 bias=1\r\nneuron a p\r\noutput a spike\r\n' > crlf.seir
printf 'seir 1\nprofile p theta=1 bias=1\nneuron a p\noutput a spike' > nonl.seir
"$LOOM" sim crlf.seir --steps 3 --out-spikes crlf.csv --quiet || fail "CRLF net"
"$LOOM" sim nonl.seir --steps 3 --out-spikes nonl.csv --quiet || fail "net without final newline"
printf 'step,neuron\n0,0\n1,0\n2,0\n' > want.csv
cmp -s crlf.csv want.csv || fail "CRLF net: wrong spikes"
cmp -s nonl.csv want.csv || fail "no-newline net: wrong spikes"
# a net with no outputs, no synapses, and a plot of zero spikes
printf 'seir 1\nprofile p theta=100\nneuron a p\n' > silent.seir
"$LOOM" sim silent.seir --steps 5 --out-v v.csv --out-spikes s0.csv --quiet || fail "silent net"
[ "$(cat s0.csv)" = "step,neuron" ] || fail "silent net: spikes"
[ "$(wc -l < v.csv)" = 6 ] || fail "silent net: v file has a line per step"
if command -v "${LOOM_GNUPLOT:-gnuplot}" > /dev/null; then
    "$LOOM" sim silent.seir --steps 5 --plot p.png --quiet || fail "--plot with 0 spikes"
    [ -s p.png ] || fail "--plot with 0 spikes wrote no PNG"
fi

# issue 15: counts beyond the documented limits are refused before anything
# is allocated (these took gigabytes and tens of seconds), with the place
# and the limit; LOOM_MAX_* raise a limit, a malformed value is refused
printf 'seir 1\nprofile p\nneuron g[1000000000] p\n' > big.seir
expect 2 "^loom info: big.seir:3:10: group of 1000000000 neurons: more than the limit of 16777216 in all .*LOOM_MAX_NEURONS" "$LOOM" info big.seir
printf 'seir 1\ninput x[1000000000] spike\n' > bigin.seir
expect 2 "bigin.seir:2:9: group of 1000000000 input channels: more than the limit of 16777216 .*LOOM_MAX_INPUTS" "$LOOM" info bigin.seir
printf 'aig 67108863 67108863 0 1 0\n2\n' > big.aig
expect 2 "big.aig: byte offset 0: header: M = 67108863 is larger than the limit of 4194304 variables .*LOOM_MAX_AIG_VARS" "$LOOM" info big.aig
printf 'seir 1\nprofile p\nneuron g[20] p\n' > twenty.seir
expect 2 "twenty.seir:3:10: group of 20 neurons: more than the limit of 10 in all" env LOOM_MAX_NEURONS=10 "$LOOM" info twenty.seir
expect 0 "" env LOOM_MAX_NEURONS=20 "$LOOM" info twenty.seir
expect 2 "LOOM_MAX_NEURONS='many': expected a positive integer" env LOOM_MAX_NEURONS=many "$LOOM" info twenty.seir
printf 'step,channel,value\n0,0,1\n99999999999,1,1\n' > farin.csv
expect 2 "farin.csv:3:1: step 99999999999 exceeds the limit of 1073741824 steps .*LOOM_MAX_STEPS" "$LOOM" sim n.seir --inputs farin.csv

echo "cli_errors: ok"
