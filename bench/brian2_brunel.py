#!/usr/bin/python3
"""Brunel (2000) model A, delta synapses, in Brian2, timed.

The same network as examples/brunel.yaml: NE = 10000 excitatory, NI = 2500 inhibitory
LIF neurons; every neuron receives exactly C_E = 1000 excitatory and C_I = 250
inhibitory inputs (fixed in-degree, sources drawn without replacement, autapses
allowed), J = 0.1 mV, g = 5 (inhibitory weight -0.5 mV), delay 1.5 ms, tau_m = 20 ms,
theta = 20 mV, v_reset = 0 mV, refractory 2 ms with inputs arriving during
refractoriness discarded, v0 = 0 mV, external drive: independent Poisson input to
every neuron, 1000 sources at 20 Hz (20 kHz in total) of weight J, via PoissonInput.

    /usr/bin/python3 bench/brian2_brunel.py [--device cpp_standalone|runtime] [--time 1]
        [--seed 1] [--threads 1] [--build-dir DIR]

Brian2 forms used (its recommended fast ones): ``method='exact'`` with
``(unless refractory)``; ``on_pre='v_post += J*int(not_refractory_post)'`` so inputs
during refractoriness are discarded (``unless refractory`` alone only freezes the ODE,
an on_pre would still add to v); ``PoissonInput`` (one binomial draw per neuron per
step) with the same ``int(not_refractory)`` gate in its weight.

``synaptic_events`` counts recurrent deliveries only (sum over neurons of spikes x
out-degree, refractory targets included); the external Poisson drive is reported
separately as ``external_events_expected`` (N x 20 kHz x T), since PoissonInput does
not deliver individual events.

Prints one JSON line (see brian2_common.py for what the timings mean).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brian2_common as bc  # noqa: E402

PARAMS = {
    "n_exc": 10000, "n_inh": 2500, "c_exc": 1000, "c_inh": 250,
    "J_mV": 0.1, "g": 5.0, "delay_ms": 1.5,
    "tau_mem_ms": 20.0, "v_leak_mV": 0.0, "v_th_mV": 20.0, "v_reset_mV": 0.0,
    "refractory_ms": 2.0, "v0_mV": 0.0,
    "ext_sources": 1000, "ext_rate_hz": 20.0, "ext_weight_mV": 0.1,
}
NETWORK = {"name": "brunel", "params": PARAMS}


def main():
    args = bc.parse_args("Brunel 2000 model A network in Brian2 (benchmark)", default_time=1.0)
    b = bc.Bench(args)
    from brian2 import (NeuronGroup, Synapses, SpikeMonitor, PoissonInput, Network,
                        ms, mV, Hz)

    P_ = PARAMS
    NE, NI = P_["n_exc"], P_["n_inh"]
    N = NE + NI
    J = P_["J_mV"] * mV
    namespace = {
        "tau": P_["tau_mem_ms"] * ms, "theta": P_["v_th_mV"] * mV,
        "Vr": P_["v_reset_mV"] * mV, "El": P_["v_leak_mV"] * mV,
        "JE": J, "JI": -P_["g"] * J, "Jext": P_["ext_weight_mV"] * mV,
        "CE": P_["c_exc"], "CI": P_["c_inh"],
    }
    G = NeuronGroup(N, "dv/dt = -(v - El)/tau : volt (unless refractory)",
                    threshold="v > theta", reset="v = Vr",
                    refractory=P_["refractory_ms"] * ms, method="exact",
                    namespace=namespace, name="brunel_neurons")
    G.v = P_["v0_mV"] * mV
    GE = G[:NE]
    GI = G[NE:]
    SE = Synapses(GE, G, on_pre="v_post += JE*int(not_refractory_post)",
                  delay=P_["delay_ms"] * ms, namespace=namespace, name="brunel_exc")
    SI = Synapses(GI, G, on_pre="v_post += JI*int(not_refractory_post)",
                  delay=P_["delay_ms"] * ms, namespace=namespace, name="brunel_inh")
    # Fixed in-degree: for every target j, C_E (C_I) distinct sources.
    SE.connect(i="k for k in sample(N_pre, size=CE)")
    SI.connect(i="k for k in sample(N_pre, size=CI)")
    ext = PoissonInput(G, "v", N=P_["ext_sources"], rate=P_["ext_rate_hz"] * Hz,
                       weight="Jext*int(not_refractory)")
    mon = SpikeMonitor(G, record=False, name="brunel_spikes")

    b.before_run()
    timing = b.run(Network(G, SE, SI, ext, mon), args.time)

    import numpy as np
    counts = np.asarray(mon.count[:], dtype=np.int64)
    spikes = int(counts.sum())
    se_i = SE.i[:]
    si_i = SI.i[:]
    ev = bc.outdegree_events(counts[:NE], se_i, NE) + bc.outdegree_events(counts[NE:], si_i, NI)
    n_syn = int(len(se_i) + len(si_i))
    if n_syn != N * (P_["c_exc"] + P_["c_inh"]):
        print(f"warning: {n_syn} synapses, expected {N * (P_['c_exc'] + P_['c_inh'])}",
              file=sys.stderr)
    ext_events = N * P_["ext_sources"] * P_["ext_rate_hz"] * args.time
    b.finish(NETWORK, timing, spikes, N, ev,
             extra={"synapses": n_syn,
                    "exc_rate_hz": float(counts[:NE].sum()) / NE / args.time,
                    "inh_rate_hz": float(counts[NE:].sum()) / NI / args.time,
                    "external_events_expected": int(round(ext_events))})


if __name__ == "__main__":
    main()
