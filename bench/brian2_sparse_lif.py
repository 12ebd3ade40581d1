#!/usr/bin/python3
"""The sparse recurrent LIF network of run_suite.py's sweep, in Brian2, timed.

The same network as run_suite.py's sparse_lif() / sparse_lif_yaml() (what Sleipnir runs
from a generated model file and bench/torch_lif.py in PyTorch):

    tau_mem dv/dt = v_leak - v + i,    tau_syn di/dt = -i     (current-based, i in mV;
                                                               `isyn` in the code: Brian2
                                                               reserves the name i)
    v > v_th: spike, v = v_reset; no refractory period

N neurons, the first round(frac_exc N) excitatory, the rest inhibitory; Bernoulli(p)
connectivity from every neuron to every other one, no autapses
(``connect(condition='i != j', p=p)``), one delay for all synapses; a spike of an
excitatory (inhibitory) neuron adds w_exc (w_inh, negative) to the target's i, as
Sleipnir's `lif` does on its receptors `exc` / `inh` (its i_exc and i_inh have the same
tau_syn here, so their sum is this single i) and as Brian2's CUBA example does (a weight
in mV makes the current jump by that many mV).  The drive: one Poisson source per neuron
(a PoissonGroup at rate_in) connected one to one with weight w_in on the same current and
the same delay (Sleipnir's `drive` input, `one_to_one`, receptor `exc`).  The initial
state is Sleipnir's default, since the generated model file has no `init`: v = v_leak,
i = 0 for every neuron.

    /usr/bin/python3 bench/brian2_sparse_lif.py --n 4000 --p 0.01 --rate-in 5 \
        --w-in 160 --w-exc 0.632 --w-inh -2.53 [--device cpp_standalone|runtime]
        [--time 1] [--seed 1] [--threads 1] [--build-dir DIR] [--dt 0.1] ...

The drive costs Brian2 far more than the network at these rates: a PoissonGroup draws one
rand() per source per step (10^4 per source per simulated second, 84 % of the run time at
N = 4000, 5 Hz, by Brian2's profiling_summary), where Sleipnir draws per spike.
``--drive generator`` replays the same kind of trains (Poisson counts, uniform times on
the dt grid, numpy's generator seeded with --seed) from a SpikeGeneratorGroup drawn
before the run, which measures the network's own cost; run_suite.py uses it, so that
the comparison is with Brian2 at its fastest (Sleipnir draws its drive during the run).

``synaptic_events`` counts what Sleipnir's own ``synaptic_events`` counts for this
network: every synapse delivered within the simulated time -- a spike of a neuron with
out-degree K is K events, an input spike (one one-to-one synapse) is one event -- and
only deliveries that happen before the end (a spike in the last delay before T is
delivered after it and is not counted; Sleipnir counts at delivery too).  They are
counted from the recorded spike times and the synapses Brian2 built:
``recurrent_events`` + ``input_events``.  ``input_spikes`` is every spike the Poisson
sources emitted, delivered or not (as Sleipnir's ``input_spikes``).

Prints one JSON line (see brian2_common.py for what the timings mean).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brian2_common as bc  # noqa: E402


def options(ap):
    ap.add_argument("--n", type=int, required=True, help="neurons")
    ap.add_argument("--p", type=float, required=True, help="connection probability")
    ap.add_argument("--frac-exc", type=float, default=0.8)
    ap.add_argument("--v-leak", type=float, default=0.0, help="mV")
    ap.add_argument("--w-exc", type=float, required=True, help="mV")
    ap.add_argument("--w-inh", type=float, required=True, help="mV (negative)")
    ap.add_argument("--rate-in", type=float, default=0.0, help="Hz per neuron (0: no drive)")
    ap.add_argument("--w-in", type=float, default=0.0, help="mV")
    ap.add_argument("--tau-mem", type=float, default=20.0, help="ms")
    ap.add_argument("--tau-syn", type=float, default=5.0, help="ms")
    ap.add_argument("--v-th", type=float, default=20.0, help="mV")
    ap.add_argument("--v-reset", type=float, default=0.0, help="mV")
    ap.add_argument("--delay-ms", type=float, default=1.0)
    ap.add_argument("--drive", choices=("poissongroup", "generator"), default="poissongroup",
                    help="poissongroup (default: the sources drawn in the run, one rand() per "
                         "source per step) or generator (the same Poisson trains drawn in "
                         "Python beforehand, replayed by a SpikeGeneratorGroup: the network's "
                         "own cost without the drive's draws)")


def main():
    args = bc.parse_args("The sparse recurrent LIF network of run_suite.py in Brian2 "
                         "(benchmark)", default_time=1.0, extra=options)
    if args.n < 2 or not 0.0 <= args.p <= 1.0 or not 0.0 <= args.frac_exc <= 1.0:
        sys.exit("brian2_sparse_lif.py: need --n >= 2, 0 <= --p <= 1, 0 <= --frac-exc <= 1")
    b = bc.Bench(args)
    from brian2 import (NeuronGroup, PoissonGroup, SpikeGeneratorGroup, Synapses,
                        SpikeMonitor, Network, ms, mV, Hz)

    N = args.n
    NE = int(round(args.frac_exc * N))
    NI = N - NE
    network = {"name": "sparse_lif", "neurons": N, "p": args.p, "frac_exc": args.frac_exc,
               "model": "lif", "tau_mem_ms": args.tau_mem, "tau_syn_ms": args.tau_syn,
               "v_leak_mV": args.v_leak, "v_th_mV": args.v_th, "v_reset_mV": args.v_reset,
               "v0": "v_leak (Sleipnir's default)",
               "input": "poisson one_to_one", "drive": args.drive, "rate_in_hz": args.rate_in, "w_in_mV": args.w_in,
               "w_exc_mV": args.w_exc, "w_inh_mV": args.w_inh, "delay_ms": args.delay_ms}
    namespace = {"tau_mem": args.tau_mem * ms, "tau_syn": args.tau_syn * ms,
                 "v_leak": args.v_leak * mV, "v_th": args.v_th * mV,
                 "v_reset": args.v_reset * mV, "w_exc": args.w_exc * mV,
                 "w_inh": args.w_inh * mV, "w_in": args.w_in * mV,
                 "p_conn": args.p, "n_exc": NE}
    eqs = """
    dv/dt = (v_leak - v + isyn)/tau_mem : volt
    disyn/dt = -isyn/tau_syn : volt
    """
    G = NeuronGroup(N, eqs, threshold="v > v_th", reset="v = v_reset", method="exact",
                    namespace=namespace, name="sparse_neurons")
    G.v = args.v_leak * mV  # Sleipnir's default init (the model file has none)
    G.isyn = 0 * mV
    delay = args.delay_ms * ms
    objs = [G]
    projs = []  # (Synapses, offset of its source indices in G)
    if NE > 0:
        Se = Synapses(G[:NE], G, on_pre="isyn_post += w_exc", delay=delay,
                      namespace=namespace, name="sparse_exc")
        Se.connect(condition="i != j", p=args.p)
        projs.append((Se, 0, NE))
    if NI > 0:
        # Subgroup indices start at 0: the source's index in G is i + n_exc.
        Si = Synapses(G[NE:], G, on_pre="isyn_post += w_inh", delay=delay,
                      namespace=namespace, name="sparse_inh")
        Si.connect(condition="i + n_exc != j", p=args.p)
        projs.append((Si, NE, NI))
    objs += [S for S, _, _ in projs]
    mon = SpikeMonitor(G, name="sparse_spikes")  # times: events are counted at delivery
    objs.append(mon)
    pmon = None
    if args.rate_in > 0 and args.drive == "generator":
        import numpy as np
        rng = np.random.default_rng(args.seed)
        steps = int(round(args.time * 1000.0 / args.dt))
        # Poisson counts per source, uniform times on the dt grid; one spike per source
        # and step at most (SpikeGeneratorGroup's rule; rate dt << 1 here).
        cnt = rng.poisson(args.rate_in * args.time, size=N)
        src = np.repeat(np.arange(N), cnt)
        k = rng.integers(0, steps, size=len(src))
        uniq = np.unique(src.astype(np.int64) * steps + k)
        P = SpikeGeneratorGroup(N, uniq // steps, (uniq % steps) * args.dt * ms,
                                name="sparse_drive")
    elif args.rate_in > 0:
        P = PoissonGroup(N, rates=args.rate_in * Hz, name="sparse_drive")
    if args.rate_in > 0:
        Sin = Synapses(P, G, on_pre="isyn_post += w_in", delay=delay, namespace=namespace,
                       name="sparse_drive_syn")
        Sin.connect(j="i")
        pmon = SpikeMonitor(P, name="sparse_drive_spikes")
        objs += [P, Sin, pmon]

    b.before_run()
    timing = b.run(Network(*objs), args.time)

    import numpy as np
    steps = int(round(args.time * 1000.0 / args.dt))
    d_steps = int(round(args.delay_ms / args.dt))

    def delivered(m):
        """Which of monitor m's spikes were delivered before the end (step + delay < steps)."""
        k = np.rint(np.asarray(m.t_[:], dtype=np.float64) / (args.dt * 1e-3)).astype(np.int64)
        return np.asarray(m.i[:], dtype=np.int64), k + d_steps < steps

    idx, ok = delivered(mon)
    spikes = int(len(idx))
    outdeg = np.zeros(N, dtype=np.int64)
    n_syn = 0
    autapses = 0
    for S, off, n_pre in projs:
        pre = np.asarray(S.i[:], dtype=np.int64) + off
        post = np.asarray(S.j[:], dtype=np.int64)
        outdeg += np.bincount(pre, minlength=N)
        n_syn += len(pre)
        autapses += int(np.count_nonzero(pre == post))
    if autapses:
        print(f"warning: {autapses} autapses", file=sys.stderr)
    rec_events = int(outdeg[idx[ok]].sum())
    in_spikes = in_events = 0
    if pmon is not None:
        pidx, pok = delivered(pmon)
        in_spikes, in_events = int(len(pidx)), int(np.count_nonzero(pok))
    counts = np.bincount(idx, minlength=N)
    b.finish(network, timing, spikes, N, rec_events + in_events,
             extra={"synapses": n_syn + (N if pmon is not None else 0),
                    "recurrent_synapses": n_syn,
                    "recurrent_events": rec_events, "input_events": in_events,
                    "input_spikes": in_spikes, "autapses": autapses,
                    "exc_rate_hz": float(counts[:NE].sum()) / max(NE, 1) / args.time,
                    "inh_rate_hz": float(counts[NE:].sum()) / max(NI, 1) / args.time})


if __name__ == "__main__":
    main()
