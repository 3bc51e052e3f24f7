#!/usr/bin/env python3
"""nir_out_check.py -- reads a file of `loom compile --emit-nir` with NIR's own
reader (nir.read, type checking on; the pure-Python `nir` package vendored in
tests/third_party/nirpy, needs numpy and h5py) and checks what it says:

  nir_out_check.py OUT.nir load
      loads it, checks node types and that every Linear weight is an integer
      and every neuron's input gain (dt/tau * r, CubaLIF dt/tau_syn * w_in) is
      a power of two; prints "nodes N neurons M".
  nir_out_check.py OUT.nir sim INPUTS.csv STEPS SPIKES.csv
      simulates the graph *as NIR says it* (forward Euler of LIF / LI /
      CubaLIF, Linear, Delay; written here from the NIR definitions, no Loom
      code) on the input events of INPUTS.csv and writes every spike as
      `step,neuron` (neuron = the node's loom_first + index, loom's
      numbering), sorted like loom sim --out-spikes.
"""
import sys

import numpy as np

import nir


def neuron_nodes(g):
    return {k: n for k, n in g.nodes.items() if isinstance(n, (nir.LIF, nir.LI, nir.CubaLIF))}


def load(path):
    g = nir.read(path)  # type_check=True
    dt = float(g.metadata["dt"])
    kinds = (nir.Input, nir.Output, nir.Linear, nir.Delay, nir.LIF, nir.LI, nir.CubaLIF)
    neurons = 0
    for k, n in g.nodes.items():
        assert isinstance(n, kinds), f"node {k}: unexpected {type(n).__name__}"
        if isinstance(n, nir.Linear):
            w = np.asarray(n.weight)
            assert np.all(w == np.round(w)), f"node {k}: non-integer weight"
        if isinstance(n, (nir.LIF, nir.LI)):
            gain = dt / np.asarray(n.tau) * np.asarray(n.r)
        elif isinstance(n, nir.CubaLIF):
            gain = dt / np.asarray(n.tau_syn) * np.asarray(n.w_in)
        else:
            continue
        lg = np.log2(gain)
        assert np.allclose(lg, np.round(lg), atol=1e-9), f"node {k}: input gain {gain} not a power of two"
        neurons += np.asarray(n.r).size
    assert neurons == int(g.metadata["loom_neurons"]), (neurons, g.metadata["loom_neurons"])
    return g, dt


def simulate(g, dt, events, steps):
    nodes, edges = g.nodes, g.edges
    ins = {}
    for a, b in edges:
        ins.setdefault(b, []).append(a)
    size = {}
    for k, n in nodes.items():
        if isinstance(n, nir.Input):
            size[k] = int(np.prod(n.input_type["input"]))
        elif isinstance(n, nir.Linear):
            size[k] = np.asarray(n.weight).shape[0]
        elif isinstance(n, nir.Delay):
            size[k] = np.asarray(n.delay).size
        elif isinstance(n, nir.Output):
            size[k] = int(np.prod(n.output_type["output"]))
        else:
            size[k] = np.asarray(n.r).size
    # evaluation order within a step: Delay outputs come from the past, so
    # they are sources; the rest is acyclic
    order, done = [], set()

    def visit(k, stack=()):
        if k in done:
            return
        assert k not in stack, f"zero-delay cycle through {k}"
        if not isinstance(nodes[k], nir.Delay):
            for a in ins.get(k, []):
                visit(a, stack + (k,))
        done.add(k)
        order.append(k)

    for k in nodes:
        visit(k)
    v = {k: np.zeros(size[k]) for k in nodes}
    cur = {k: np.zeros(size[k]) for k in nodes}
    hist = {k: [] for k, n in nodes.items() if isinstance(n, nir.Delay)}
    dsteps = {k: int(round(float(np.asarray(n.delay).flat[0]) / dt)) for k, n in nodes.items()
              if isinstance(n, nir.Delay)}
    # what NIR cannot say, from the metadata: input pending before step 0
    # (neuron, step, value), added to the neuron's input u at that step
    pend = {}
    ri = np.asarray(g.metadata.get("loom_ring_init", np.zeros((0, 3)))).reshape(-1, 3)
    for n, slot, val in ri:
        pend.setdefault(int(slot), []).append((int(n), float(val)))
    out = {}
    spikes = []
    for t in range(steps):
        for k in order:
            n = nodes[k]
            u = 0.0
            if not isinstance(n, (nir.Input, nir.Delay)):
                for a in ins.get(k, []):
                    u = u + out[a]
            if isinstance(n, nir.Input):
                first = int(n.metadata.get("loom_first", -1 << 40))
                x = np.zeros(size[k])
                for c, val in events.get(t, {}).items():
                    if first <= c < first + size[k]:
                        x[c - first] = val
                out[k] = x
            elif isinstance(n, nir.Delay):
                h, d = hist[k], dsteps[k]
                out[k] = h[t - d] if t - d >= 0 else np.zeros(size[k])
            elif isinstance(n, nir.Linear):
                out[k] = np.asarray(n.weight) @ u
            elif isinstance(n, nir.Output):
                out[k] = u
            if isinstance(n, (nir.LIF, nir.LI, nir.CubaLIF)) and t in pend:
                first = int(n.metadata["loom_first"])
                u = u + np.zeros(size[k])
                for nn, val in pend[t]:
                    if first <= nn < first + size[k]:
                        u[nn - first] += val
            if isinstance(n, (nir.Input, nir.Delay, nir.Linear, nir.Output)):
                pass
            elif isinstance(n, (nir.LIF, nir.LI)):
                a = dt / np.asarray(n.tau)
                v[k] = v[k] + a * (np.asarray(n.v_leak) - v[k] + np.asarray(n.r) * u)
                if isinstance(n, nir.LIF):
                    s = v[k] > np.asarray(n.v_threshold)
                    v[k] = np.where(s, np.asarray(n.v_reset), v[k])
                    out[k] = s.astype(float)
                else:
                    out[k] = v[k].copy()
            elif isinstance(n, nir.CubaLIF):
                a_s = dt / np.asarray(n.tau_syn)
                cur[k] = cur[k] + a_s * (-cur[k] + np.asarray(n.w_in) * u)
                a_m = dt / np.asarray(n.tau_mem)
                v[k] = v[k] + a_m * (np.asarray(n.v_leak) - v[k] + np.asarray(n.r) * cur[k])
                s = v[k] > np.asarray(n.v_threshold)
                v[k] = np.where(s, np.asarray(n.v_reset), v[k])
                out[k] = s.astype(float)
            if isinstance(n, (nir.LIF, nir.CubaLIF)):
                first = int(n.metadata["loom_first"])
                spikes.extend((t, first + i) for i in np.nonzero(out[k])[0])
        # Delay nodes record this step's input for later steps
        for k in hist:
            u = 0.0
            for a in ins.get(k, []):
                u = u + out[a]
            hist[k].append(u)
    return sorted(spikes)


def main():
    path, mode = sys.argv[1], sys.argv[2]
    g, dt = load(path)
    if mode == "load":
        print(f"nodes {len(g.nodes)} neurons {int(g.metadata['loom_neurons'])}")
        return
    inputs, steps, spath = sys.argv[3], int(sys.argv[4]), sys.argv[5]
    events = {}
    for line in open(inputs):
        if line.startswith("step"):
            continue
        t, c, val = (int(f) for f in line.split(","))
        events.setdefault(t, {})[c] = val
    with open(spath, "w") as f:
        f.write("step,neuron\n")
        for t, n in simulate(g, dt, events, steps):
            f.write(f"{t},{n}\n")


if __name__ == "__main__":
    main()
