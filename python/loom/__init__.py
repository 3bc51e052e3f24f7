"""Loom from Python: load, compile, simulate and run spiking networks.

A thin layer over libloom.so (include/loom/loom.h) through ctypes; numpy
arrays in and out.  See docs/python.md.

    import loom, numpy as np
    net = loom.load("model.nir", board="icebreaker")
    print(net.report()["agreement"])
    x = (np.random.default_rng(1).random((200, net.n_inputs)) < 0.1)
    spikes = net.sim(x)                      # [steps, neurons], bit-exact
    ref = net.sim_float(x)                   # the float reference of the graph
    with loom.VirtualBoard("icebreaker") as vb, loom.Board(vb) as board:
        assert (board.run(net, x) == spikes).all()
"""
import ctypes
import os

import numpy as np

from ._lib import Arch, Err, LoadOpts, LoomError, ReportOpts, check, lib

__all__ = ["load", "Net", "Board", "VirtualBoard", "LoomError", "version", "data_root"]

KINDS = {0: "seir", 1: "aiger", 2: "nir"}


def version():
    """Version of libloom ("0.1.0")."""
    return lib.loom_version().decode()


def data_root():
    """The data folder in use (RTL, boards, firmware, examples, docs)."""
    buf = ctypes.create_string_buffer(4096)
    return lib.loom_data_root(buf, len(buf)).decode()


def _parse_arch(arch):
    """arch as 'W=8,S=16,A=24,D=15' (the CLI's --arch), a dict or a tuple."""
    keys = ("w", "s", "a", "d")
    a = Arch(8, 16, 24, 15)
    if isinstance(arch, str):
        for tok in arch.replace(" ", "").split(","):
            if not tok:
                continue
            k, sep, v = tok.partition("=")
            if not sep or k.lower() not in keys:
                raise ValueError("arch: '%s' is not KEY=VALUE with KEY one of W, S, A, D" % tok)
            setattr(a, k.lower(), int(v))
    elif isinstance(arch, dict):
        for k, v in arch.items():
            if k.lower() not in keys:
                raise ValueError("arch: unknown key %r (W, S, A, D)" % k)
            setattr(a, k.lower(), int(v))
    else:
        a.w, a.s, a.a, a.d = (int(v) for v in arch)
    return a


def _inputs(x, channels):
    """x as a C-contiguous int32 [steps, channels] array (checked: integral values)."""
    arr = np.asarray(x)
    if arr.ndim == 1 and channels == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError("x must be a [steps, channels] array, got shape %s" % (arr.shape,))
    if arr.shape[1] != channels:
        raise ValueError("x has %d channels per step, the network takes %d" % (arr.shape[1], channels))
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError("x must hold integers (spikes 0/1 or graded -32768..32767)")
    out = np.ascontiguousarray(arr.astype(np.int32))
    return out


def _ptr(a, ctype):
    return a.ctypes.data_as(ctypes.POINTER(ctype)) if a is not None else None


def _num(tok):
    try:
        return int(tok)
    except ValueError:
        try:
            return float(tok.rstrip("%")) / (100.0 if tok.endswith("%") else 1.0)
        except ValueError:
            return {"yes": True, "no": False}.get(tok, tok)


def _nir_layer_lines(text, layers):
    """Adds the NIR front-end's per-layer figures of the report text
    (docs/nir.md: 'layer NAME KIND key value ...' and 'spikes NAME float F
    quantised Q spike-agreement A') to the layer dicts."""
    for line in text.splitlines():
        tok = line.split()
        if len(tok) >= 3 and tok[0] == "layer" and tok[1] in layers:
            d = layers[tok[1]]
            d["nir_kind"] = tok[2]
            for k in range(3, len(tok) - 1, 2):
                key = tok[k].replace("-", "_")
                if key not in ("neurons", "profiles"):
                    d[key] = _num(tok[k + 1])
        elif len(tok) >= 8 and tok[0] == "spikes" and tok[1] in layers:
            d = layers[tok[1]]
            d["float_spikes"], d["quantised_spikes"] = int(tok[3]), int(tok[5])
            d["spike_agreement"] = float(tok[7])


class Net:
    """A compiled network (loom_net).  Create with loom.load()."""

    def __init__(self, handle, path):
        self._h = handle
        self.path = path

    def close(self):
        if self._h:
            lib.loom_net_free(self._h)
            self._h = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    @property
    def _handle(self):
        if not self._h:
            raise ValueError("network is closed")
        return self._h

    @property
    def kind(self):
        """'seir', 'nir' or 'aiger'."""
        return KINDS[lib.loom_net_kind(self._handle)]

    @property
    def arch(self):
        a = Arch()
        lib.loom_net_arch(self._handle, ctypes.byref(a))
        return {"W": a.w, "S": a.s, "A": a.a, "D": a.d}

    @property
    def n_inputs(self):
        return lib.loom_net_inputs(self._handle)

    @property
    def n_neurons(self):
        return lib.loom_net_neurons(self._handle)

    @property
    def outputs(self):
        """Neuron indices of the declared outputs, in declaration order."""
        h = self._handle
        return np.array([lib.loom_net_output(h, k) for k in range(lib.loom_net_outputs(h))], dtype=np.int64)

    @property
    def graded_inputs(self):
        """Boolean mask of the input channels that take graded 16-bit values."""
        h = self._handle
        return np.array([bool(lib.loom_net_input_graded(h, c)) for c in range(self.n_inputs)], dtype=bool)

    def neuron_names(self):
        h, buf = self._handle, ctypes.create_string_buffer(256)
        return [lib.loom_net_neuron_name(h, n, buf, len(buf)).decode() for n in range(self.n_neurons)]

    def report(self, rate=0.1, seed=1, steps=1000):
        """The compile report: {'layers': {name: {...}}, 'agreement', 'arch', 'kind', 'text'}.

        Per layer (neuron group): first, neurons, profile, theta, synapses,
        sources, w_min, w_max, w_use (fraction of the W-bit weight range
        used), outputs, profiles (distinct neuron profiles); for NIR also the
        front-end's scale, shift, weight_scale, weight_use, in_bound,
        predicted_saturation, float_spikes, quantised_spikes and
        spike_agreement of the layer (docs/nir.md).  'agreement' (NIR only, else None) is the fraction of
        spike decisions on which the float reference and the quantised net
        agree on `steps` steps of Poisson input at `rate` per step."""
        o = ReportOpts(float(rate), int(seed), int(steps))
        r, err = ctypes.c_void_p(), Err()
        check(lib.loom_net_report(self._handle, ctypes.byref(o), ctypes.byref(r), ctypes.byref(err)), err)
        try:
            layers = {}
            for k in range(lib.loom_report_layers(r)):
                L = lib.loom_report_layer(r, k).contents
                layers[L.name.decode()] = {
                    "first": L.first, "neurons": L.count, "profile": L.profile.decode(),
                    "theta": L.theta, "synapses": L.synapses, "sources": L.sources,
                    "w_min": L.w_min, "w_max": L.w_max, "w_use": L.w_use, "outputs": L.outputs,
                    "profiles": L.profiles}
            ag = lib.loom_report_agreement(r)
            text = lib.loom_report_text(r).decode()
            _nir_layer_lines(text, layers)
            return {"kind": self.kind, "arch": self.arch, "layers": layers,
                    "agreement": None if ag < 0 else ag, "text": text}
        finally:
            lib.loom_report_free(r)

    def sim(self, x, v=False):
        """Bit-exact simulation (the reference model) from t = 0.

        x: [steps, channels] integers (spikes 0/1, graded -32768..32767).
        Returns spikes as uint8 [steps, neurons]; with v=True also the
        membrane states, int32 [steps, neurons] (the machine's integers)."""
        xi = _inputs(x, self.n_inputs)
        steps, nn = xi.shape[0], self.n_neurons
        spikes = np.zeros((steps, nn), dtype=np.uint8)
        vv = np.zeros((steps, nn), dtype=np.int32) if v else None
        s, err = ctypes.c_void_p(), Err()
        check(lib.loom_sim_new(self._handle, ctypes.byref(s), ctypes.byref(err)), err)
        try:
            check(lib.loom_sim_run(s, _ptr(xi, ctypes.c_int32), steps, xi.shape[1],
                                   _ptr(spikes, ctypes.c_uint8), _ptr(vv, ctypes.c_int32),
                                   ctypes.byref(err)), err)
        finally:
            lib.loom_sim_free(s)
        return (spikes, vv) if v else spikes

    def sim_float(self, x, v=False):
        """The float reference of an NIR graph on the same input (loom sim --float).

        Returns spikes uint8 [steps, neurons] (and with v=True the float v in
        the graph's units, float64 [steps, neurons])."""
        xi = _inputs(x, self.n_inputs)
        steps, nn = xi.shape[0], self.n_neurons
        spikes = np.zeros((steps, nn), dtype=np.uint8)
        vv = np.zeros((steps, nn), dtype=np.float64) if v else None
        err = Err()
        check(lib.loom_net_sim_float(self._handle, _ptr(xi, ctypes.c_int32), steps, xi.shape[1],
                                     _ptr(spikes, ctypes.c_uint8), _ptr(vv, ctypes.c_double),
                                     ctypes.byref(err)), err)
        return (spikes, vv) if v else spikes

    def save_seir(self, path):
        """Writes the compiled network as canonical SEIR text."""
        err = Err()
        check(lib.loom_net_save_seir(self._handle, os.fsencode(path), ctypes.byref(err)), err)
        return path


def load(path, arch=None, board=None, dt=None, reset="value", pipeline=False):
    """Loads and compiles a model (.seir, .nir, .aag, .aig by its ending).

    arch: 'W=8,S=16,A=24,D=15', a dict or a (w, s, a, d) tuple; board: compile
    for that board's arch ('icebreaker', 'upduino3', 'icestick',
    'hx8k-breakout'); dt: NIR timestep in seconds (default: the graph's
    metadata, else 1e-4); reset: 'value' or 'subtract' (NIR);
    pipeline: AIGER pipelined lowering."""
    o = LoadOpts()
    lib.loom_load_opts_default(ctypes.byref(o))
    keep = None
    if board is not None:
        keep = board.encode()
        o.board = keep
    if arch is not None:
        o.arch = _parse_arch(arch)
        o.arch_set = 1
    if dt is not None:
        o.dt, o.dt_set = float(dt), 1
    if reset not in ("value", "subtract"):
        raise ValueError("reset must be 'value' or 'subtract'")
    o.reset_subtract = reset == "subtract"
    o.pipeline = bool(pipeline)
    h, err = ctypes.c_void_p(), Err()
    check(lib.loom_net_load(os.fsencode(path), ctypes.byref(o), ctypes.byref(h), ctypes.byref(err)), err)
    del keep
    return Net(h, os.fspath(path))


class VirtualBoard:
    """A virtual board: the board's RTL under Verilator behind `loom vboard`
    on a pseudo-terminal, until stop() (or the end of a with block)."""

    def __init__(self, name="icebreaker", timeout_ms=60000):
        h, err = ctypes.c_void_p(), Err()
        check(lib.loom_vboard_start(name.encode() if name else None, int(timeout_ms), ctypes.byref(h),
                                    ctypes.byref(err)), err)
        self._h = h
        self.name = name
        self.port = lib.loom_vboard_port(h).decode()

    def stop(self):
        if self._h:
            lib.loom_vboard_stop(self._h)
            self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def __del__(self):
        try:
            self.stop()
        except Exception:
            pass


class Board:
    """A board on a serial port ('/dev/ttyUSB1', '/dev/pts/N', 'tcp:HOST:PORT')
    or a VirtualBoard (or a board name, which starts one)."""

    def __init__(self, port="icebreaker", baud=0):
        self._vb = None
        if isinstance(port, VirtualBoard):
            port = port.port
        elif not (port.startswith("/") or port.startswith("tcp:")):
            self._vb = VirtualBoard(port)  # a board name: its virtual board, owned
            port = self._vb.port
        self.port = port
        h, err = ctypes.c_void_p(), Err()
        try:
            check(lib.loom_board_open(port.encode(), int(baud), ctypes.byref(h), ctypes.byref(err)), err)
        except Exception:
            if self._vb:
                self._vb.stop()
            raise
        self._h = h
        self._loaded = None

    @property
    def arch(self):
        a, cores, neurons = Arch(), ctypes.c_uint32(), ctypes.c_uint32()
        lib.loom_board_arch(self._h, ctypes.byref(a), ctypes.byref(cores), ctypes.byref(neurons))
        return {"W": a.w, "S": a.s, "A": a.a, "D": a.d, "cores": cores.value, "neurons": neurons.value}

    def load(self, net):
        """Maps net onto the board, resets and loads it."""
        err = Err()
        check(lib.loom_board_load(self._h, net._handle, ctypes.byref(err)), err)
        self._loaded = net

    def run(self, net, x):
        """Runs x ([steps, channels]) through net on the board (loading net
        first unless it is the one loaded last); returns the spikes, uint8
        [steps, neurons], neurons numbered as in net.  Runs continue from
        the board's state: load() again to start from t = 0."""
        if self._loaded is not net:
            self.load(net)
        xi = _inputs(x, net.n_inputs)
        spikes = np.zeros((xi.shape[0], net.n_neurons), dtype=np.uint8)
        err = Err()
        check(lib.loom_board_run(self._h, _ptr(xi, ctypes.c_int32), xi.shape[0], xi.shape[1],
                                 _ptr(spikes, ctypes.c_uint8), ctypes.byref(err)), err)
        return spikes

    def step(self, x):
        """One closed-loop step of the net loaded last: x[channels] in, its
        spikes (uint8 [neurons]) out, in one exchange with the board."""
        if self._loaded is None:
            raise ValueError("no network loaded: Board.load(net) or Board.run(net, x) first")
        xi = _inputs(np.asarray(x).reshape(1, -1), self._loaded.n_inputs)
        spikes = np.zeros(self._loaded.n_neurons, dtype=np.uint8)
        err = Err()
        check(lib.loom_board_step(self._h, _ptr(xi, ctypes.c_int32), xi.shape[1],
                                  _ptr(spikes, ctypes.c_uint8), ctypes.byref(err)), err)
        return spikes

    def close(self):
        if getattr(self, "_h", None):
            lib.loom_board_close(self._h)
            self._h = None
        if self._vb:
            self._vb.stop()
            self._vb = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
