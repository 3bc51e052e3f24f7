#!/usr/bin/env python3
"""export_snntorch.py -- trains three small snnTorch networks and exports
them to NIR with snnTorch's own exporter (snntorch.export_nir), then records
snnTorch's output on a fixed input beside each file, so that Loom's tests can
compare against snnTorch without torch.

Needs torch (Debian: python3-torch), numpy, h5py and the sources of snnTorch,
NIR and NIRTorch on PYTHONPATH (tests/data/export/README.md says how).

Writes, into the directory given as the first argument (default: this
script's directory, tests/data/export/):

  snn_leaky_ff.nir     Linear(16,32) -> Leaky -> Linear(32,4) -> Leaky
  snn_synaptic.nir     Linear(16,32) -> Synaptic -> Linear(32,4) -> Synaptic
  snn_rleaky.nir       Linear(16,32) -> RLeaky(all-to-all, recurrent Linear
                       with bias) -> Linear(32,4) -> Leaky
  snn_input.csv        the fixed input: 1000 steps of loom's Poisson
                       generator (rate 0.1, seed 1; docs/inputs.md) on 16
                       channels, as `step,channel,value`
  <name>.spikes.csv    snnTorch's spikes on that input, `step,neuron`, every
                       neuron of both layers, numbered as Loom numbers them
                       (the 32 hidden neurons 0..31, then the 4 outputs
                       32..35), by step then neuron: the format of
                       `loom sim --out-spikes`

The task: 4 classes; class c raises the rate of input channels 4c..4c+3 to
0.3 per step (the others fire at 0.05); the loss is the cross entropy of the
output spike counts over 50 steps.  300 Adam iterations of batch 32.

Reset: reset_mechanism="zero" with reset_delay=False, which is exactly the
NIR neuron (v is set to v_reset = 0 in the step that spikes).  snnTorch's
default delayed reset has no NIR form (its Synaptic and RLeaky variants drop
the whole next step's input), so an export of it would not mean what it
computed.  The nets run in float64 so that the recorded spikes are those of
the exported parameters, not of float32 rounding.

Decays: beta = 0.875 and alpha = 0.75 (fixed, not learned), values the
machine's decay factors (1/4096 steps, docs/machine-model.md) hold exactly.
With beta = 0.9 (3686.4/4096, stored as 3686) the trained RLeaky net is
chaotic enough that even at W=16, S=32 its quantised spikes leave the float
ones after ~500 steps (agreement 0.92 over 1000 steps), so the export would
measure the decay grid, not the quantiser.
"""
import os
import sys

import numpy as np
import torch

import nir

if not hasattr(nir, "version"):
    # NIR from a source tree (not pip-installed) has no package metadata, and
    # nir.write stores nir.version; the fetched tree is v1.0.7 + 9 commits
    nir.version = nir.__version__ = os.environ.get("NIR_VERSION", "1.0.7")
import snntorch as snn
from snntorch import utils
from snntorch.export_nir import export_to_nir

N_IN, N_HID, N_OUT = 16, 32, 4
T_TRAIN, ITERS, BATCH = 50, 300, 32
REC_STEPS, REC_RATE, REC_SEED = 1000, 0.1, 1

M64 = (1 << 64) - 1


def poisson_fires(seed, t, c, rate):
    """loom's portable Poisson generator (docs/inputs.md)."""
    z = (seed + 0x9E3779B97F4A7C15 * ((t << 32) + c + 1)) & M64
    z ^= z >> 30
    z = (z * 0xBF58476D1CE4E5B9) & M64
    z ^= z >> 27
    z = (z * 0x94D049BB133111EB) & M64
    z ^= z >> 31
    return (z >> 11) < int(rate * (1 << 53))


def make_batch(gen, n):
    labels = torch.randint(0, N_OUT, (n,), generator=gen)
    rate = torch.full((n, N_IN), 0.05, dtype=torch.float64)
    for b in range(n):
        c = int(labels[b])
        rate[b, 4 * c:4 * c + 4] = 0.3
    x = (torch.rand((T_TRAIN, n, N_IN), generator=gen, dtype=torch.float64) < rate).double()
    return x, labels


class Spike(torch.autograd.Function):
    """snnTorch's ATan surrogate (alpha 2), with spikes in the input's dtype:
    snnTorch's own surrogates return float32 spikes, which a float64 net
    cannot feed to its next Linear or to RLeaky's recurrent Linear."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (1 + (np.pi * x).pow(2))


def build(kind):
    kw = dict(init_hidden=True, reset_mechanism="zero", reset_delay=False, spike_grad=Spike.apply)
    def full(n, v):
        # per-neuron decays and thresholds: with scalars, snnTorch 0.9.4 exports a LIF
        # of shape [] that NIR's type inference refuses
        return torch.full((n,), v, dtype=torch.float64)

    if kind == "leaky_ff":
        return torch.nn.Sequential(
            torch.nn.Linear(N_IN, N_HID), snn.Leaky(beta=full(N_HID, 0.875), threshold=full(N_HID, 1.0), **kw),
            torch.nn.Linear(N_HID, N_OUT), snn.Leaky(beta=full(N_OUT, 0.875), threshold=full(N_OUT, 1.0), **kw))
    if kind == "synaptic":
        return torch.nn.Sequential(
            torch.nn.Linear(N_IN, N_HID), snn.Synaptic(alpha=full(N_HID, 0.75), beta=full(N_HID, 0.875), threshold=full(N_HID, 1.0), **kw),
            torch.nn.Linear(N_HID, N_OUT), snn.Synaptic(alpha=full(N_OUT, 0.75), beta=full(N_OUT, 0.875), threshold=full(N_OUT, 1.0), **kw))
    if kind == "rleaky":
        return torch.nn.Sequential(
            torch.nn.Linear(N_IN, N_HID),
            snn.RLeaky(beta=0.875, linear_features=N_HID, all_to_all=True, **kw),
            torch.nn.Linear(N_HID, N_OUT), snn.Leaky(beta=full(N_OUT, 0.875), threshold=full(N_OUT, 1.0), **kw))
    raise ValueError(kind)


def run(net, x):
    """x: (T, batch, N_IN) -> hidden and output spikes (T, batch, n)."""
    utils.reset(net)
    hid, out = [], []
    for t in range(x.shape[0]):
        h = net[1](net[0](x[t]))
        o = net[3](net[2](h))
        hid.append(h)
        out.append(o)
    return torch.stack(hid), torch.stack(out)


def train(kind, seed):
    torch.manual_seed(seed)
    net = build(kind).double()
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=5e-3)
    for it in range(ITERS):
        x, y = make_batch(gen, BATCH)
        _, out = run(net, x)
        loss = torch.nn.functional.cross_entropy(out.sum(0), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        x, y = make_batch(gen, 256)
        _, out = run(net, x)
        acc = (out.sum(0).argmax(1) == y).double().mean().item()
    return net, loss.item(), acc


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    dest = sys.argv[1] if len(sys.argv) > 1 else here
    os.makedirs(dest, exist_ok=True)
    torch.set_num_threads(1)
    xin = np.zeros((REC_STEPS, N_IN))
    with open(os.path.join(dest, "snn_input.csv"), "w") as f:
        f.write("step,channel,value\n")
        for t in range(REC_STEPS):
            for c in range(N_IN):
                if poisson_fires(REC_SEED, t, c, REC_RATE):
                    xin[t, c] = 1.0
                    f.write("%d,%d,1\n" % (t, c))
    for i, kind in enumerate(("leaky_ff", "synaptic", "rleaky")):
        net, loss, acc = train(kind, 1 + i)
        net.eval()
        with torch.no_grad():
            hid, out = run(net, torch.from_numpy(xin).unsqueeze(1))
            graph = export_to_nir(net, torch.zeros((1, N_IN), dtype=torch.float64), ignore_dims=[0])
        path = os.path.join(dest, "snn_%s.nir" % kind)
        nir.write(path, graph)
        spk = torch.cat([hid[:, 0, :], out[:, 0, :]], dim=1).numpy()
        with open(os.path.join(dest, "snn_%s.spikes.csv" % kind), "w") as f:
            f.write("step,neuron\n")
            for t in range(REC_STEPS):
                for n in np.nonzero(spk[t])[0]:
                    f.write("%d,%d\n" % (t, n))
        print("%s: final loss %.4f, accuracy %.3f on 256 fresh samples, %d hidden + %d output spikes "
              "on the recorded input" % (kind, loss, acc, int(spk[:, :N_HID].sum()), int(spk[:, N_HID:].sum())))


if __name__ == "__main__":
    main()
