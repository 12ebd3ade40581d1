#!/usr/bin/python3
"""CUBA (Brette et al. 2007, benchmark 2; Brian2's examples/CUBA.py) in Brian2, timed.

The same network as examples/cuba.yaml: 3200 excitatory + 800 inhibitory LIF neurons,
exponential currents, p = 0.02 from every neuron to all 4000 (autapses allowed, as in
Brian2's example), delay 0.1 ms, v0 uniform in [v_reset, v_th].

    /usr/bin/python3 bench/brian2_cuba.py [--device cpp_standalone|runtime] [--time 1]
        [--seed 1] [--threads 1] [--build-dir DIR] [--stdp]

--stdp makes E->E plastic as examples/cuba_stdp.yaml does: additive all-to-all pair STDP
with event-driven traces (Brian2's standard form, Song et al. 2000), tau_pre = tau_post =
20 ms, A+ = 0.0324 mV, A- = -0.03402 mV, weights clipped to [0, 3.24 mV]; E->I stays
static.  (Brian2 transmits before it updates on a pre spike, Sleipnir after: the networks
are the same rule, not the same spikes.)

Prints one JSON line (see brian2_common.py for what the timings mean).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brian2_common as bc  # noqa: E402

PARAMS = {
    "n_exc": 3200, "n_inh": 800, "p": 0.02,
    "tau_mem_ms": 20.0, "tau_exc_ms": 5.0, "tau_inh_ms": 10.0,
    "v_leak_mV": -49.0, "v_th_mV": -50.0, "v_reset_mV": -60.0, "refractory_ms": 5.0,
    "w_exc_mV": 1.62, "w_inh_mV": -9.0, "delay_ms": 0.1,
    "v0": "uniform[-60, -50] mV",
}
NETWORK = {"name": "cuba", "params": PARAMS}


def main():
    args = bc.parse_args(
        "CUBA network in Brian2 (benchmark)", default_time=1.0,
        extra=lambda ap: ap.add_argument("--stdp", action="store_true",
                                         help="plastic E->E synapses (as examples/cuba_stdp.yaml)"))
    b = bc.Bench(args)
    from brian2 import (NeuronGroup, Synapses, SpikeMonitor, Network, ms, mV)

    P_ = PARAMS
    N = P_["n_exc"] + P_["n_inh"]
    namespace = {
        "taum": P_["tau_mem_ms"] * ms, "taue": P_["tau_exc_ms"] * ms, "taui": P_["tau_inh_ms"] * ms,
        "Vt": P_["v_th_mV"] * mV, "Vr": P_["v_reset_mV"] * mV, "El": P_["v_leak_mV"] * mV,
        "we": P_["w_exc_mV"] * mV, "wi": P_["w_inh_mV"] * mV,
    }
    eqs = """
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    """
    P = NeuronGroup(N, eqs, threshold="v>Vt", reset="v = Vr",
                    refractory=P_["refractory_ms"] * ms, method="exact",
                    namespace=namespace, name="cuba_neurons")
    P.v = "Vr + rand() * (Vt - Vr)"
    P.ge = 0 * mV
    P.gi = 0 * mV
    Pe = P[:P_["n_exc"]]
    Pi = P[P_["n_exc"]:]
    Ci = Synapses(Pi, P, on_pre="gi += wi", delay=P_["delay_ms"] * ms,
                  namespace=namespace, name="cuba_inh")
    Ci.connect(p=P_["p"])
    if args.stdp:
        namespace.update({"taupre": 20 * ms, "taupost": 20 * ms, "wmax": 3.24 * mV,
                          "dApre": 0.0324 * mV, "dApost": -0.03402 * mV})
        Cee = Synapses(Pe, Pe, model="""w : volt
                       dapre/dt = -apre/taupre : volt (event-driven)
                       dapost/dt = -apost/taupost : volt (event-driven)""",
                       on_pre="""ge += w
                       apre += dApre
                       w = clip(w + apost, 0*mV, wmax)""",
                       on_post="""apost += dApost
                       w = clip(w + apre, 0*mV, wmax)""",
                       delay=P_["delay_ms"] * ms, namespace=namespace, name="cuba_ee")
        Cee.connect(p=P_["p"])
        Cee.w = "we"
        Cei = Synapses(Pe, Pi, on_pre="ge += we", delay=P_["delay_ms"] * ms,
                       namespace=namespace, name="cuba_ei")
        Cei.connect(p=P_["p"])
        exc = [Cee, Cei]
    else:
        Ce = Synapses(Pe, P, on_pre="ge += we", delay=P_["delay_ms"] * ms,
                      namespace=namespace, name="cuba_exc")
        Ce.connect(p=P_["p"])
        exc = [Ce]
    mon = SpikeMonitor(P, record=False, name="cuba_spikes")

    b.before_run()
    timing = b.run(Network(P, Ci, mon, *exc), args.time)

    import numpy as np
    counts = np.asarray(mon.count[:], dtype=np.int64)
    spikes = int(counts.sum())
    ev = bc.outdegree_events(counts[P_["n_exc"]:], Ci.i[:], P_["n_inh"])
    for C in exc:
        ev += bc.outdegree_events(counts[:P_["n_exc"]], C.i[:], P_["n_exc"])
    n_syn = int(len(Ci.i[:]) + sum(len(C.i[:]) for C in exc))
    extra = {"synapses": n_syn, "stdp": bool(args.stdp)}
    if args.stdp:
        w = np.asarray(exc[0].w[:]) * 1e3  # mV
        extra.update({"w_mean_mV": float(w.mean()), "w_sd_mV": float(w.std())})
    b.finish(NETWORK, timing, spikes, N, ev, extra=extra)


if __name__ == "__main__":
    main()
