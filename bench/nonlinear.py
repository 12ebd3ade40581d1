#!/usr/bin/env python3
"""Cost of the nonlinear neuron models: wall seconds per neuron per simulated
second, measured with `sleipnir run --json` (run_wall_s, the simulation loop
only).

Each model runs N unconnected-but-driven neurons: tonic drive (each neuron
fires on its own at 10-60 Hz) plus a Poisson input of 100 sources at 10 Hz,
each source reaching 10 % of the neurons with a 1 ms delay -- so every
neuron is advanced across every 1 ms window and also takes ~100 inputs per
simulated second.  The linear lif (exact, event-driven) is the baseline.

    /usr/bin/python3 bench/nonlinear.py [--n 1000] [--time 1] [--reps 3]
                                        [--sleipnir ./sleipnir] [--tol 1e-6]
                                        [--with-brian2]

--with-brian2 also runs bench/brian2_nonlinear.py (Brian2 cpp_standalone,
rk4, dt = 0.1 ms; ~30 s of compilation per model) and adds its figure.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

# model -> (params, init v range in mV, input weight)
MODELS = {
    "lif": ("{tau_mem: 10 ms, v_leak: -49 mV, v_th: -50 mV, v_reset: -65 mV}",
            (-65, -50), "2 mV"),
    "lif_ex": ("{tau_mem: 10 ms, tau_syn: 5 ms, v_leak: -49 mV, v_th: -50 mV,"
               " delta_T: 2 mV, v_reset: -65 mV%TOL%}", (-65, -50), "2 mV"),
    "adex": ("{preset: bio, v_leak: -45 mV, v_th: -50 mV, v_reset: -60 mV,"
             " adaptation_current: 0.5, adaptation_spike: 2 mV%TOL%}",
             (-60, -50), "2 mV"),
    "adex_refrac": ("{preset: bio, v_leak: -45 mV, v_th: -50 mV,"
                    " v_reset: -60 mV, adaptation_current: 0.5,"
                    " adaptation_spike: 2 mV, t_ref: 2 ms%TOL%}",
                    (-60, -50), "2 mV"),
    "coba_lif": ("{c_m: 20 ms, g_l: 1, v_rest: -49 mV, e_rev_E: 0 mV,"
                 " e_rev_I: -80 mV, tau_syn_exc: 5 ms, tau_syn_inh: 10 ms,"
                 " v_reset: -60 mV, v_thresh: -50 mV%TOL%}",
                 (-60, -50), "0.1"),
    "izhikevich": ("{preset: tonic_spiking, bias: 154 mV%TOL%}",
                   (-70, -60), "1 mV"),
}

TEMPLATE = """\
simulation: {time: %(time)g s, seed: 1, mode: exact}
populations:
  p:
    size: %(n)d
    model: %(model)s
    params: %(params)s
    init: {v: {uniform: [%(lo)g mV, %(hi)g mV]}}
inputs:
  ext: {type: poisson, size: 100, rate: 10 Hz}
projections:
  - {from: ext, to: p, connect: {fixed_probability: 0.1}, weight: %(w)s,
     delay: 1 ms}
"""


def run(sleipnir, path):
    out = subprocess.run([sleipnir, "run", path, "--threads", "1", "--json", "--quiet"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def brian2(model, a):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "brian2_nonlinear.py")
    out = subprocess.run(["/usr/bin/python3", script, "--model", model,
                          "--n", str(a.n), "--time", str(a.time)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--time", type=float, default=1.0)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--tol", type=float, default=None,
                    help="ode_abs_tol = ode_rel_tol (default: the model's)")
    ap.add_argument("--sleipnir", default="./sleipnir")
    ap.add_argument("--with-brian2", action="store_true")
    a = ap.parse_args()
    if not os.access(a.sleipnir, os.X_OK):
        sys.exit("no sleipnir program at %s (build it first)" % a.sleipnir)
    tol = "" if a.tol is None else \
        ", ode_abs_tol: %g, ode_rel_tol: %g" % (a.tol, a.tol)
    print("| model | neurons | rate (Hz) | run wall (s) | us per neuron per "
          "simulated s | Brian2 rk4 0.1 ms: rate (Hz), us per neuron per "
          "simulated s |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as d:
        for model, (params, (lo, hi), w) in MODELS.items():
            path = os.path.join(d, model + ".yaml")
            with open(path, "w") as f:
                f.write(TEMPLATE % dict(time=a.time, n=a.n, model=model,
                                        params=params.replace("%TOL%", tol),
                                        lo=lo, hi=hi, w=w))
            best = None
            for _ in range(a.reps):
                r = run(a.sleipnir, path)
                if best is None or r["run_wall_s"] < best["run_wall_s"]:
                    best = r
            cost = best["run_wall_s"] / (a.n * a.time) * 1e6
            b2 = "-"
            if a.with_brian2 and model in ("lif_ex", "adex", "coba_lif",
                                           "izhikevich"):
                r = brian2(model, a)
                b2 = "%.1f, %.2f" % (r["mean_rate_hz"],
                                     r["run_wall_s"] / (a.n * a.time) * 1e6)
            print("| %s | %d | %.1f | %.3f | %.2f | %s |" % (
                model, a.n, best["mean_rate_hz"], best["run_wall_s"], cost,
                b2), flush=True)


if __name__ == "__main__":
    main()
