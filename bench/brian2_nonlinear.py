"""The networks of bench/nonlinear.py in Brian2, timed (one model per run).

N neurons of one nonlinear model with tonic drive, v0 uniform, plus 100
Poisson sources at 10 Hz reaching each neuron with probability 0.1 and a
1 ms delay.  Brian2 steps every neuron every dt (default 0.1 ms) with
method rk4 (a fixed-step 4th-order method: Brian2's usual choice for these
models is euler, less accurate); the threshold is tested once per step and
the spike lands on the step.

    /usr/bin/python3 bench/brian2_nonlinear.py --model izhikevich [--n 1000]
        [--device cpp_standalone|runtime] [--time 1] [--seed 1] [--dt 0.1]

Prints one JSON line (see brian2_common.py for what the timings mean).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brian2_common as bc  # noqa: E402

# The same parameters as bench/nonlinear.py's MODELS (ms, mV).
MODELS = {
    "lif_ex": dict(
        eqs="""dv/dt = (vl - v + isyn + dT*exp((v - vt)/dT))/taum : volt
               disyn/dt = -isyn/taus : volt""",
        reset="v = vr", threshold="v > vt", on_pre="isyn += w",
        v0=(-65, -50),
        ns=dict(taum=10, taus=5, vl=-49, vt=-50, dT=2, vr=-65, w=2)),
    "adex": dict(
        eqs="""dv/dt = (vl - v + dT*exp((v - vt)/dT) + isyn - a)/taum : volt
               disyn/dt = -isyn/taus : volt
               da/dt = (kappa*(v - vl) - a)/taua : volt""",
        reset="v = vr; a += b", threshold="v > vt", on_pre="isyn += w",
        v0=(-60, -50),
        ns=dict(taum=10, taus=2, taua=100, vl=-45, vt=-50, dT=2, vr=-60,
                kappa=0.5, b=2, w=2)),
    "coba_lif": dict(
        eqs="""dv/dt = (gl*(vrest - v) + ge*(ee - v) + gi*(ei - v))/c_m : volt
               dge/dt = -ge/tause : 1
               dgi/dt = -gi/tausi : 1""",
        reset="v = vr", threshold="v > vt", on_pre="ge += w", v0=(-60, -50),
        ns=dict(c_m=20, gl=1, vrest=-49, ee=0, ei=-80, tause=5, tausi=10,
                vr=-60, vt=-50, w=0.1)),
    "izhikevich": dict(
        eqs="""dv/dt = (0.04/mV*v**2 + 5*v + bias - u)/tau : volt
               du/dt = a*(b*v - u)/tau : volt""",
        reset="v = c; u += d", threshold="v > vt", on_pre="v += w",
        v0=(-70, -60),
        ns=dict(a=0.02, b=0.2, c=-65, d=6, bias=154, tau=4, vt=30, w=1)),
}
VOLT = {"vl", "vt", "dT", "vr", "b", "w", "vrest", "ee", "ei", "c", "d",
        "bias"}
TIME = {"taum", "taus", "taua", "c_m", "tause", "tausi", "tau"}


def main():
    model = None
    if "--model" in sys.argv:
        k = sys.argv.index("--model")
        model = sys.argv[k + 1]
        del sys.argv[k:k + 2]
    n = 1000
    if "--n" in sys.argv:
        k = sys.argv.index("--n")
        n = int(sys.argv[k + 1])
        del sys.argv[k:k + 2]
    if model not in MODELS:
        sys.exit("--model must be one of " + ", ".join(MODELS))
    args = bc.parse_args("nonlinear neurons in Brian2 (benchmark)",
                         default_time=1.0)
    b = bc.Bench(args)
    from brian2 import (NeuronGroup, PoissonGroup, Synapses, SpikeMonitor,
                        Network, ms, mV, Hz)
    m = MODELS[model]
    ns = {}
    for k, x in m["ns"].items():  # (not "v": Brian2 reads these locals)
        if model == "coba_lif" and k == "w":
            ns[k] = x
        else:
            ns[k] = x * (mV if k in VOLT else ms if k in TIME else 1)
    if model == "izhikevich":
        ns["b"] = m["ns"]["b"]
    if model == "coba_lif":
        ns["gl"] = m["ns"]["gl"]
    G = NeuronGroup(n, m["eqs"], threshold=m["threshold"], reset=m["reset"],
                    method="rk4", namespace=ns, name="nl_neurons")
    lo, hi = m["v0"]
    G.v = "(%g + rand()*%g)*mV" % (lo, hi - lo)
    if model == "izhikevich":
        G.u = "b*v"
    src = PoissonGroup(100, 10 * Hz, name="nl_input")
    S = Synapses(src, G, on_pre=m["on_pre"], delay=1 * ms, namespace=ns,
                 name="nl_syn")
    S.connect(p=0.1)
    mon = SpikeMonitor(G, record=False, name="nl_spikes")
    b.before_run()
    timing = b.run(Network(G, src, S, mon), args.time)
    import numpy as np
    spikes = int(np.asarray(mon.count[:], dtype=np.int64).sum())
    b.finish({"name": "nonlinear_" + model, "params": m["ns"]}, timing,
             spikes, n, 0, extra={"model": model})


if __name__ == "__main__":
    main()
