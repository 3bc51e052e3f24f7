#!/usr/bin/env python3
"""Writes perneuron_lif.nir with NIR's own writer (nir.write, the package in
tests/third_party/nirpy): a layer of 45 LIF neurons whose tau and threshold differ
per neuron, as trained layers with learnable time constants and thresholds
export them, between two Affine layers.  Deterministic (numpy seed 16).

    PYTHONPATH=tests/third_party/nirpy /usr/bin/python3 tests/data/perneuron/make_perneuron.py
"""
import os

import numpy as np

import nir

rng = np.random.default_rng(16)
n_in, n_hid, n_out = 16, 45, 4
dt = 1e-3
w1 = rng.normal(0.3, 1.2, size=(n_hid, n_in))
b1 = rng.normal(0.1, 0.05, size=n_hid)
tau1 = rng.uniform(2e-3, 20e-3, size=n_hid)          # 45 distinct time constants
theta1 = rng.uniform(0.4, 1.6, size=n_hid)            # 45 distinct thresholds
w2 = rng.normal(0.2, 0.5, size=(n_out, n_hid))
graph = nir.NIRGraph(
    nodes={
        "input": nir.Input(input_type=np.array([n_in])),
        "fc1": nir.Affine(weight=w1, bias=b1),
        "lif1": nir.LIF(tau=tau1, r=np.ones(n_hid), v_leak=np.zeros(n_hid), v_threshold=theta1,
                        v_reset=np.zeros(n_hid)),
        "fc2": nir.Linear(weight=w2),
        "lif2": nir.LIF(tau=np.full(n_out, 5e-3), r=np.ones(n_out), v_leak=np.zeros(n_out),
                        v_threshold=np.full(n_out, 1.0), v_reset=np.zeros(n_out)),
        "output": nir.Output(output_type=np.array([n_out])),
    },
    edges=[("input", "fc1"), ("fc1", "lif1"), ("lif1", "fc2"), ("fc2", "lif2"), ("lif2", "output")],
    metadata={"dt": dt},
)
# nir.write stores nir.version, which comes from the installed package's
# metadata; the vendored source is not installed
if not hasattr(nir, "version"):
    nir.version = "1.0.7"
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "perneuron_lif.nir")
nir.write(out, graph)
print(out)
