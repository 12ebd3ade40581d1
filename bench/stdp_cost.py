#!/usr/bin/env python3
"""The cost of STDP: CUBA with plastic E->E synapses against the same network
with static ones, both in Sleipnir (issue 5's target: <= 1.3x the static
cost).

The plastic network is examples/cuba_stdp.yaml (additive all-to-all STDP on
E->E, lambda = 0.01, alpha = 1.05, tau = 20 ms, w_max = 2 w_e); the static
twin is the same file with its `plasticity` blocks and `record` section
removed, so both have the same projections, segments and seeds.  Each round
runs both (in alternating order, to spread machine noise over both) for T
simulated seconds; the report gives the median run wall time per simulated
second and the per-round ratio plastic / static.

    python3 bench/stdp_cost.py [--sleipnir ./sleipnir] [--time 10] [--rounds 3]
                               [--mode exact|grid ...] [--with-brian2]
                               [--compare OTHER_SLEIPNIR]

--with-brian2 also runs Brian2 (C++ standalone, one thread) on the same
network, static and with E->E STDP (bench/brian2_cuba.py --stdp), in the
same rounds, and reports its costs and ratio beside Sleipnir's.

--compare also runs the plastic network with another build (say, the
commit before a change) in the same rounds, in rotating order with the two
others, and reports its cost and its ratio to the same static runs: on a
shared machine, an A/B within rounds is what shows a few per cent.  Min
and median are both printed; the min is the less noisy.

One core (threads 1).  Run on a quiet machine: this is a measurement, not a
test.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODEL = os.path.join(ROOT, "examples", "cuba_stdp.yaml")


def static_twin(text):
    """The model without plasticity: drop each `plasticity:` block (the
    lines indented deeper than its key) and the `record` section."""
    out, skip_indent = [], None
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip())
        if skip_indent is not None:
            if line.strip() == "" or indent > skip_indent:
                continue
            skip_indent = None
        if re.match(r"\s*plasticity:", line):
            skip_indent = indent
            continue
        if line.startswith("record:"):
            break
        out.append(line)
    return "\n".join(out) + "\n"


def run(sleipnir, model, T, mode):
    cmd = [sleipnir, "run", model, "--time", "%gs" % T, "--mode", mode,
           "--threads", "1", "--json", "--quiet"]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=tempfile.gettempdir())
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
    return json.loads(p.stdout.strip().splitlines()[-1])


def run_brian2(T, stdp, build_dir):
    cmd = ["/usr/bin/python3", os.path.join(HERE, "brian2_cuba.py"), "--time", "%g" % T,
           "--build-dir", build_dir] + (["--stdp"] if stdp else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr[-2000:]))
    return json.loads(p.stdout.strip().splitlines()[-1])


def brian2_rounds(opts):
    """Brian2's static and STDP CUBA, alternating, opts.rounds times."""
    per = {"static": [], "stdp": []}
    ratios, last = [], {}
    dirs = {k: tempfile.mkdtemp(prefix="b2_cuba_%s_" % k) for k in per}
    for r in range(opts.rounds):
        order = ["static", "stdp"] if r % 2 == 0 else ["stdp", "static"]
        got = {}
        for name in order:
            rec = run_brian2(opts.time, name == "stdp", dirs[name])
            got[name] = rec
            per[name].append(rec["run_wall_s"] / rec["sim_time_s"])
        ratios.append(got["stdp"]["run_wall_s"] / got["static"]["run_wall_s"])
        last = got
    print("Brian2 %s (cpp_standalone, one thread), T = %g s, %d rounds" % (
        last["static"]["version"], opts.time, opts.rounds))
    for name in ("static", "stdp"):
        xs = per[name]
        print("  %-6s  %.4f s wall per simulated s (min %.4f, max %.4f); %d spikes" % (
            name, statistics.median(xs), min(xs), max(xs), last[name]["spikes"]))
    print("  ratio stdp/static: median %.3f (per round: %s)" % (
        statistics.median(ratios), ", ".join("%.3f" % x for x in ratios)))
    print("  weights ee: mean %.4f mV, sd %.4f mV" % (
        last["stdp"]["w_mean_mV"], last["stdp"]["w_sd_mV"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sleipnir", default=os.path.join(ROOT, "sleipnir"))
    ap.add_argument("--time", type=float, default=10.0, help="simulated seconds")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mode", action="append", choices=["exact", "grid"])
    ap.add_argument("--with-brian2", action="store_true",
                    help="also time Brian2 on the same network, static and plastic")
    ap.add_argument("--compare", metavar="SLEIPNIR",
                    help="another build: its plastic run joins each round")
    opts = ap.parse_args()
    modes = opts.mode or ["exact", "grid"]
    with open(MODEL) as f:
        text = f.read()
    fd, static_path = tempfile.mkstemp(suffix=".yaml", prefix="cuba_static_")
    with os.fdopen(fd, "w") as f:
        f.write(static_twin(text))
    try:
        for mode in modes:
            runs = [("static", opts.sleipnir, static_path),
                    ("stdp", opts.sleipnir, MODEL)]
            if opts.compare:
                runs.append(("other", opts.compare, MODEL))
            per = {name: [] for name, _, _ in runs}
            ratios = {name: [] for name, _, _ in runs[1:]}
            last = {}
            for r in range(opts.rounds):
                if opts.compare:  # rotate, so each takes each place
                    order = runs[r % 3:] + runs[:r % 3]
                else:
                    order = runs[::-1] if r % 2 else runs
                got = {}
                for name, binary, path in order:
                    rec = run(binary, path, opts.time, mode)
                    got[name] = rec
                    per[name].append(rec["run_wall_s"] / rec["sim_time_s"])
                for name in ratios:
                    ratios[name].append(got[name]["run_wall_s"] /
                                        got["static"]["run_wall_s"])
                last = got
            print("mode %s, T = %g s, %d rounds, one thread" % (mode, opts.time, opts.rounds))
            for name, _, _ in runs:
                xs = per[name]
                print("  %-6s  %.4f s wall per simulated s (min %.4f, max %.4f); "
                      "%d spikes, %.3g synaptic events/s wall" % (
                          name, statistics.median(xs), min(xs), max(xs),
                          last[name]["spikes"], last[name]["events_per_s"]))
            for name, xs in ratios.items():
                print("  ratio %s/static: median %.3f, of the mins %.3f (per round: %s)" % (
                    name, statistics.median(xs), min(per[name]) / min(per["static"]),
                    ", ".join("%.3f" % x for x in xs)))
            if opts.compare:
                print("  (other: %s)" % opts.compare)
            w = last["stdp"].get("weights") or []
            for e in w:
                print("  weights %s: mean %.4f mV, sd %.4f mV" % (
                    e["projection"], e["mean"], e["sd"]))
        if opts.with_brian2:
            brian2_rounds(opts)
    finally:
        os.unlink(static_path)


if __name__ == "__main__":
    main()
