"""pytest tests of the loom Python package (python/loom), run by make test
(tests/integration/python_api.sh and install_prefix.sh) against libloom.so.

Cross-checks go through the loom command ($LOOM): the package must give
what `loom sim` / `loom compile --report` give on the same input."""
import os
import re
import subprocess

import numpy as np
import pytest

import loom

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data")
LOOM = os.environ.get("LOOM") or "loom"
FEEDFORWARD = os.path.join(loom.data_root(), "examples", "seir", "feedforward.seir")
NIR = os.path.join(DATA, "nir", "lif_norse.nir")


def poisson(steps, channels, rate, seed):
    return (np.random.default_rng(seed).random((steps, channels)) < rate).astype(np.uint8)


def write_inputs(path, x):
    with open(path, "w") as f:
        f.write("step,channel,value\n")
        for t, c in zip(*np.nonzero(x)):
            f.write("%d,%d,%d\n" % (t, c, x[t, c]))




def cli_spikes(net_path, x, tmp_path, *extra):
    """Spikes of `loom sim` on x, every neuron, as [steps, neurons]."""
    net = loom.load(net_path)
    inp, outp = tmp_path / "in.csv", tmp_path / "spikes.csv"
    write_inputs(inp, x)
    subprocess.run([LOOM, "sim", net_path, "--inputs", str(inp), "--steps", str(len(x)),
                    "--out-spikes", str(outp), "--quiet", *extra], check=True)
    names = {name: k for k, name in enumerate(net.neuron_names())}
    out = np.zeros((len(x), net.n_neurons), dtype=np.uint8)
    with open(outp) as f:
        for line in f:
            line = line.strip()
            if not line or not line[0].isdigit():
                continue
            t, n = line.split(",")[:2]
            out[int(t), int(n) if n.isdigit() else names[n]] = 1
    return out


def test_version_and_data_root():
    assert re.fullmatch(r"\d+\.\d+\.\d+", loom.version())
    assert os.path.isfile(os.path.join(loom.data_root(), "rtl", "loom_top.v"))


def test_load_and_shape():
    net = loom.load(FEEDFORWARD)
    assert net.kind == "seir"
    assert (net.n_inputs, net.n_neurons) == (4, 5)
    assert net.arch == {"W": 8, "S": 16, "A": 24, "D": 15}
    assert [net.neuron_names()[k] for k in net.outputs] == ["o[0]", "o[1]", "hidden[0]", "hidden[1]", "hidden[2]"]


def dense_nonzeros(path):
    """Synapses per destination group, counted from the dense blocks of the SEIR text."""
    counts, cur = {}, None
    for line in open(path):
        line = line.split("#")[0].strip()
        if line.startswith("dense "):
            cur = line.split()[2]
            counts.setdefault(cur, 0)
        elif line == "end":
            cur = None
        elif cur and line:
            counts[cur] += sum(1 for w in line.split() if int(w) != 0)
    return counts


def test_report_per_layer():
    net = loom.load(FEEDFORWARD)
    rep = net.report()
    assert set(rep["layers"]) == {"hidden", "o"}
    want = dense_nonzeros(FEEDFORWARD)
    for name, layer in rep["layers"].items():
        assert layer["synapses"] == want[name], name
        assert 0 < layer["w_use"] <= 1
    assert rep["layers"]["o"]["outputs"] == 2 and rep["layers"]["hidden"]["outputs"] == 3
    assert rep["layers"]["hidden"]["sources"] == 4  # every input channel feeds it
    assert rep["agreement"] is None and "neurons" in rep["text"]


def test_sim_matches_cli(tmp_path):
    net = loom.load(FEEDFORWARD)
    x = poisson(300, net.n_inputs, 0.3, 2)
    spikes, v = net.sim(x, v=True)
    assert spikes.shape == (300, 5) and v.shape == (300, 5) and spikes.sum() > 0
    assert np.array_equal(spikes, cli_spikes(FEEDFORWARD, x, tmp_path))
    # the same run again starts from t = 0
    assert np.array_equal(net.sim(x), spikes)


def test_aiger_matches_cli(tmp_path):
    adder = os.path.join(loom.data_root(), "examples", "aig", "adder.aag")
    net = loom.load(adder)
    assert net.kind == "aiger" and net.n_inputs > 0
    x = poisson(60, net.n_inputs, 0.5, 4)
    spikes = net.sim(x)
    assert spikes.sum() > 0
    assert np.array_equal(spikes, cli_spikes(adder, x, tmp_path))
    # pipeline=True is another lowering (docs/aiger.md)
    piped = loom.load(adder, pipeline=True)
    assert piped.kind == "aiger" and piped.n_inputs == net.n_inputs
    assert piped.report()["text"] != net.report()["text"]


def test_save_seir_roundtrip(tmp_path):
    net = loom.load(NIR) if os.path.exists(NIR) else loom.load(FEEDFORWARD)
    x = poisson(200, net.n_inputs, 0.2, 5)
    path = net.save_seir(tmp_path / "net.seir")
    again = loom.load(path)
    assert again.kind == "seir" and again.n_neurons == net.n_neurons
    assert np.array_equal(again.sim(x), net.sim(x))


def test_errors():
    with pytest.raises(loom.LoomError) as ex:
        loom.load("/nonexistent/model.seir")
    assert "/nonexistent/model.seir" in str(ex.value)
    net = loom.load(FEEDFORWARD)
    with pytest.raises(ValueError):
        net.sim(np.zeros((10, 3)))
    with pytest.raises(loom.LoomError) as ex:
        net.sim(np.full((10, 4), 2))  # spike channels take 0/1
    assert "channel" in str(ex.value)
    with pytest.raises(loom.LoomError):
        net.sim_float(np.zeros((10, 4)))  # no float reference for SEIR
    with pytest.raises(loom.LoomError):
        loom.load(FEEDFORWARD, board="no-such-board")


@pytest.mark.skipif(not os.path.exists(NIR), reason="no NIR data (%s)" % NIR)
def test_nir_float_and_agreement(tmp_path):
    net = loom.load(NIR, arch="W=8,S=16,A=24,D=15")
    assert net.kind == "nir"
    rep = net.report(rate=0.1, seed=1, steps=500)
    cli = subprocess.run([LOOM, "compile", NIR, "-o", str(tmp_path / "n.seir"), "--report",
                          "--steps", "500", "--seed", "1", "--poisson", "0.1"],
                         check=True, capture_output=True, text=True).stdout
    want = float(re.findall(r"^agreement ([0-9.]+)$", cli, re.M)[-1])
    assert abs(rep["agreement"] - want) < 1e-6
    x = poisson(400, net.n_inputs, 0.1, 3)
    fs, fv = net.sim_float(x, v=True)
    assert fs.shape == (400, net.n_neurons) and fv.dtype == np.float64 and np.isfinite(fv).all()
    assert np.array_equal(fs, cli_spikes(NIR, x, tmp_path, "--float"))
    qs = net.sim(x)
    # the quantised net follows the float reference closely (docs/nir.md)
    assert (qs == fs).mean() > 0.9


@pytest.mark.skipif(os.environ.get("LOOM_SKIP_VBOARD") == "1", reason="LOOM_SKIP_VBOARD=1")
def test_virtual_board_matches_sim():
    net = loom.load(FEEDFORWARD)
    x = poisson(150, net.n_inputs, 0.3, 9)
    with loom.VirtualBoard("hx8k-breakout") as vb:
        assert vb.port.startswith("/dev/")
        with loom.Board(vb) as board:
            assert board.arch["A"] == 24
            got = board.run(net, x)
            board.load(net)  # from t = 0 again, one closed-loop step at a time
            stepped = np.array([board.step(row) for row in x])
    assert got.sum() > 0
    assert np.array_equal(got, net.sim(x))
    assert np.array_equal(stepped, got)


BRAILLE = os.path.join(DATA, "nir", "braille_nirtorch.nir")


@pytest.mark.skipif(not os.path.exists(BRAILLE), reason="no NIR data (%s)" % BRAILLE)
def test_nir_report_layers():
    net = loom.load(BRAILLE)
    rep = net.report(steps=300)
    layers = rep["layers"]
    # the layers cover every neuron once, in order
    assert sum(L["neurons"] for L in layers.values()) == net.n_neurons
    firsts = sorted(L["first"] for L in layers.values())
    assert firsts[0] == 0
    # the synapse total of the front-end's summary line
    total = int(re.search(r"(\d+) synapses", rep["text"]).group(1))
    assert sum(L["synapses"] for L in layers.values()) == total
    # every layer has the front-end's figures; the outputs' agreement is the net's
    outs = [L for L in layers.values() if L["outputs"]]
    assert all("scale" in L and "spike_agreement" in L for L in layers.values())
    assert len(outs) == 1 and abs(outs[0]["spike_agreement"] - rep["agreement"]) < 1e-6
