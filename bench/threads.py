#!/usr/bin/python3
"""Thread scaling of Sleipnir: the speedup of T threads over one, and the
per-window costs that docs/scaling.md extrapolates from.

    /usr/bin/python3 bench/threads.py [--threads 1,2] [--rounds 5]
                                      [--sleipnir ./sleipnir] [--json]

Networks (each run with `sleipnir run ... --json --quiet`, run_wall_s: the
simulation loop, not the build):
  brunel_grid  examples/brunel.yaml, grid mode (dt 0.1 ms), 1 s
  cuba_exact   the built-in CUBA (4000 LIF), exact mode, 2 s
  cuba_stdp    examples/cuba_stdp.yaml (STDP on E->E), exact mode, 2 s
  idle         2048 silent LIF neurons with 0.1 ms delays: windows with no
               work, so that wall time / windows is what one window costs
               the threads to meet and exchange (the barrier), by itself

The report ends with the machine's own ceiling: bench/parallel_ceiling.c,
two threads doing independent random read-modify-writes over 8 MiB each (no
synchronisation at all), against one -- what two cores deliver for work
like the simulator's, measured in the same invocation.

Rounds are interleaved (every configuration once per round) and the median
is reported, because the machine may be shared: a speedup is the ratio of
medians measured in one invocation.  Results do not depend on the thread
count (tests/test_threads.c), so only the times are compared here.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

IDLE_MODEL = """\
simulation: {time: 2 s, seed: 1}
populations:
  quiet: {size: 2048, model: lif}
projections:
  - {from: quiet, to: quiet, connect: {fixed_indegree: 1}, weight: 0 mV, delay: 0.1 ms}
"""

NETWORKS = {
    "brunel_grid": (["examples/brunel.yaml", "--mode", "grid", "--time", "1s"]),
    "cuba_exact": (["--mode", "exact", "--time", "2s"]),
    "cuba_stdp": (["examples/cuba_stdp.yaml", "--mode", "exact", "--time", "2s"]),
    "idle": (["{idle}"]),
}


def run(sleipnir, args, threads, scratch):
    cmd = [sleipnir, "run"] + args + ["--threads", str(threads), "--json", "--quiet",
                                      "--spikes", os.path.join(scratch, "spikes.bin")]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=scratch)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
    return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sleipnir", default=os.path.join(REPO, "sleipnir"))
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--networks", default=",".join(NETWORKS))
    ap.add_argument("--json", action="store_true", help="print one JSON line per network")
    opts = ap.parse_args()
    counts = [int(x) for x in opts.threads.split(",")]
    nets = opts.networks.split(",")
    scratch = tempfile.mkdtemp(prefix="slp_threads_")
    idle = os.path.join(scratch, "idle.yaml")
    with open(idle, "w") as f:
        f.write(IDLE_MODEL)
    walls = {(n, t): [] for n in nets for t in counts}
    last = {}
    for _ in range(opts.rounds):
        for n in nets:
            args = [a.format(idle=idle) for a in NETWORKS[n]]
            args = [os.path.join(REPO, a) if a.endswith(".yaml") and not os.path.isabs(a) else a
                    for a in args]
            for t in counts:
                r = run(opts.sleipnir, args, t, scratch)
                walls[(n, t)].append(r["run_wall_s"])
                last[(n, t)] = r
    ceiling = None
    exe = os.path.join(scratch, "parallel_ceiling")
    if subprocess.run(["cc", "-O2", "-pthread", os.path.join(REPO, "bench", "parallel_ceiling.c"),
                       "-o", exe], capture_output=True).returncode == 0:
        ceiling = json.loads(subprocess.run([exe], capture_output=True, text=True).stdout)
    load = os.getloadavg()[0]
    rows = []
    for n in nets:
        base = statistics.median(walls[(n, counts[0])])
        r1 = last[(n, counts[0])]
        for t in counts:
            med = statistics.median(walls[(n, t)])
            r = last[(n, t)]
            rows.append({
                "network": n, "threads": t, "run_wall_s": med,
                "speedup": base / med if med > 0 else None,
                "windows": r["windows"], "window_s": r["window_s"],
                "wall_per_window_us": 1e6 * med / max(r["windows"], 1),
                "spikes_per_window": r["exchanged_spikes"] / max(r["windows"], 1),
                "events_per_s": r["events_per_s"], "sim_time_s": r["sim_time_s"],
                "spikes": r["spikes"], "same_spikes_as_first": r["spikes"] == r1["spikes"],
                "rounds": opts.rounds, "load_after": load,
            })
    if opts.json:
        for row in rows:
            print(json.dumps(row))
        if ceiling is not None:
            print(json.dumps({"parallel_ceiling": ceiling}))
        return
    print("| network | threads | run wall s (median of %d) | speedup | windows | µs per window"
          " | spikes exchanged per window |" % opts.rounds)
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| %s | %d | %.3f | %.2f× | %d | %.1f | %.1f |" % (
            row["network"], row["threads"], row["run_wall_s"], row["speedup"],
            row["windows"], row["wall_per_window_us"], row["spikes_per_window"]))
    if ceiling is not None:
        print("\nthis machine's ceiling for 2 threads (bench/parallel_ceiling.c): %.2f×"
              " (%.3f s on one thread, %.3f s for two at once)" % (
                  ceiling["ceiling"], ceiling["one_s"], ceiling["two_s"]))
    print("load average after the runs: %.2f (%d cores)" % (load, os.cpu_count()))


if __name__ == "__main__":
    main()
