#!/usr/bin/python3
"""brian2_net.py -- the anchor of `make bench`: Brian2 on Loom's benchmark
recipe (hls_ref/benchnet.h), in Brian2's fastest mode available here.

  brian2_net.py N P STEPS WORKDIR

(cpp_standalone: compiled once, run 3 times, best of 3 for each timer;
same network and same spikes in each run, Brian2's seed being fixed.)

N LIF neurons (tau = 20 ms, the float form of Loom's a_mem = 3896 ~
4096*exp(-1/20)), threshold 100, reset to 0, dt = 1 ms; each driven by its
own Poisson source at 100 Hz (0.1 per step) through a synapse of weight 30;
recurrent synapses i -> j (i != j) drawn with probability P (Brian2's
connect(p=P): about P*N per neuron, binomial, where Loom draws exactly
K = P*N distinct targets), 51/256 of them inhibitory (-24), the rest +6,
delays uniform in 1..15 ms like Loom's D = 15.  Updates are Brian2's float
arithmetic (exact exponential Euler), not Loom's integers: the firing rate
is close (it is printed), not equal.

Timers: cpu_s and wall_s bracket net.run only (C++ code inserted around the
run in main.cpp: CLOCK_PROCESS_CPUTIME_ID and CLOCK_MONOTONIC), i.e. not
code generation, compilation or building the synapses.  Events are what
Loom counts: one per input spike plus the out-degree of each neuron spike.

Prints `key value` lines: mode, events, cpu_s, wall_s, rate_hz, synapses.
"""
import os
import sys
import time
import warnings

import numpy as np

warnings.simplefilter('ignore')

N, P, STEPS, WORK = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
REPEAT = 3

import brian2 as b2  # noqa: E402

b2.prefs.logging.console_log_level = 'ERROR'
b2.seed(1)


def network():
    tau = 20 * b2.ms
    G = b2.NeuronGroup(N, 'dv/dt = -v/tau : 1', threshold='v >= 100', reset='v = 0',
                       method='exact', namespace={'tau': tau})
    Pin = b2.PoissonGroup(N, 100 * b2.Hz)
    Sin = b2.Synapses(Pin, G, on_pre='v += 30')
    Sin.connect(j='i')
    S = b2.Synapses(G, G, 'w : 1', on_pre='v += w')
    S.connect(condition='i != j', p=P)
    S.w = '6 - 30 * int(rand() < 51.0/256)'
    S.delay = '(1 + floor(15 * rand())) * ms'
    mg = b2.SpikeMonitor(G, record=False)
    mp = b2.SpikeMonitor(Pin, record=False)
    return [G, Pin, Sin, S, mg, mp], S, mg, mp


def standalone():
    b2.set_device('cpp_standalone', directory=os.path.join(WORK, 'brian2_%d' % N),
                  build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    objs, S, mg, mp = network()
    net = b2.Network(*objs)
    dev = b2.get_device()
    dev.insert_code('main', 'struct timespec loom_c0, loom_w0, loom_c1, loom_w1;\n'
                    'clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &loom_c0);\n'
                    'clock_gettime(CLOCK_MONOTONIC, &loom_w0);')
    net.run(STEPS * b2.ms)
    dev.insert_code('main', 'clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &loom_c1);\n'
                    'clock_gettime(CLOCK_MONOTONIC, &loom_w1);\n'
                    '{ std::ofstream f("results/loom_times.txt");\n'
                    '  f << (loom_c1.tv_sec - loom_c0.tv_sec) + 1e-9 * (loom_c1.tv_nsec - loom_c0.tv_nsec)\n'
                    '    << " " << (loom_w1.tv_sec - loom_w0.tv_sec) + 1e-9 * (loom_w1.tv_nsec - loom_w0.tv_nsec)\n'
                    '    << std::endl; }')
    d = os.path.join(WORK, 'brian2_%d' % N)
    dev.build(directory=d, compile=True, run=True, with_output=False)
    cpu_s = wall_s = float('inf')
    for rep in range(REPEAT):  # best of REPEAT runs of the compiled program
        if rep:
            dev.run(d, False, [])
        with open(os.path.join(d, 'results', 'loom_times.txt')) as f:
            c, w = (float(x) for x in f.read().split())
        cpu_s, wall_s = min(cpu_s, c), min(wall_s, w)
    return 'cpp_standalone', S, mg, mp, cpu_s, wall_s, np.zeros(N), 0


def runtime():
    b2.set_device('runtime')
    b2.prefs.codegen.target = 'cython'
    objs, S, mg, mp = network()
    net = b2.Network(*objs)
    net.run(10 * b2.ms)  # compiles the code objects outside the timer
    base, base_in = np.array(mg.count[:]), int(mp.num_spikes)
    c0, w0 = time.process_time(), time.perf_counter()
    net.run(STEPS * b2.ms)
    return ('cython', S, mg, mp, time.process_time() - c0, time.perf_counter() - w0, base,
            base_in)


try:
    mode, S, mg, mp, cpu_s, wall_s, base, base_in = standalone()
except Exception as ex:  # no working C++ compiler: the next fastest mode
    print('note cpp_standalone failed (%s); using cython' % str(ex).splitlines()[0])
    b2.device.reinit()
    mode, S, mg, mp, cpu_s, wall_s, base, base_in = runtime()

outdeg = np.bincount(np.asarray(S.i[:]), minlength=N)
counts = np.asarray(mg.count[:]) - base
events = int(np.sum(counts * outdeg)) + int(mp.num_spikes) - base_in
print('mode', mode)
print('synapses', len(S.i[:]))
print('events', events)
print('cpu_s', '%.4f' % cpu_s)
print('wall_s', '%.4f' % wall_s)
print('rate_hz', '%.2f' % (np.sum(counts) / (N * STEPS * 1e-3)))
