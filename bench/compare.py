#!/usr/bin/python3
"""Sleipnir vs Brian2: the benchmark comparison harness.

    /usr/bin/python3 bench/compare.py [--suite tiny|quick|standard] [--sleipnir PATH]
        [--reps N] [--out DIR] [--seed S] [--skip-sleipnir] [--with-brian2]

Suites (all runs one thread, dt = 0.1 ms where a step exists):

  tiny      CUBA (4000 neurons) for 0.05 s: sleipnir exact and grid, one rep;
            Brian2 cpp_standalone only with --with-brian2.  A smoke test.
  quick     CUBA 1 s: sleipnir exact, sleipnir grid, brian2 cpp_standalone;
            Brunel 12.5k for 0.3 s: sleipnir grid, sleipnir exact, brian2
            cpp_standalone; 3 rounds.  What `make bench` runs (< 5 min here).
  standard  the same networks, both at 1 s, 5 rounds.

Each round runs every configuration of a network once (A/B/C, then C/B/A on the next
round, ...), so slow drift of the machine hits all systems alike.  Per configuration
the report gives the median and min-max of run wall seconds per simulated second; the
ratio against Brian2 is computed within each round (Brian2's run time / this run time:
> 1 means faster than Brian2) and then the median of those per-round ratios is taken.

Writes <out>/results.jsonl (one JSON object per run) and <out>/report.md, and prints
the report.  <out> defaults to bench/results/<suite>-<YYYYmmdd-HHMMSS>.  Exits 1 if any
run failed (the command and its stderr are shown), 2 on bad usage.
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
BRIAN2_PYTHON = "/usr/bin/python3"  # Debian's interpreter: the one with Brian2 2.5.1

sys.path.insert(0, BENCH_DIR)
import brian2_cuba  # noqa: E402  (network descriptions only; brian2 itself is not imported)
import brian2_brunel  # noqa: E402

# input_fanout: synapses per input-source spike in the model file (Brunel's external
# Poisson sources are one_to_one), used to take the input deliveries out of sleipnir's
# event count so that "recurrent events" mean the same for every system.
NETWORKS = {
    "cuba": {"network": brian2_cuba.NETWORK, "model": "examples/cuba.yaml",
             "brian2": "brian2_cuba.py", "input_fanout": 0},
    "brunel": {"network": brian2_brunel.NETWORK, "model": "examples/brunel.yaml",
               "brian2": "brian2_brunel.py", "input_fanout": 1},
    # CUBA with additive pair STDP on E->E (brian2_cuba.py's docstring has the rule).
    "cuba_stdp": {"network": {"name": "cuba_stdp", "params": dict(
                      brian2_cuba.PARAMS, stdp="E->E additive all-to-all pair STDP, "
                      "tau 20 ms, A+ 0.0324 mV, A- -0.03402 mV, w in [0, 3.24] mV")},
                  "model": "examples/cuba_stdp.yaml", "brian2": "brian2_cuba.py",
                  "brian2_args": ["--stdp"], "input_fanout": 0},
}

# A configuration is (system, mode).  Order = order within the first round.
SUITES = {
    "tiny": {"reps": 1, "runs": [
        ("cuba", 0.05, [("sleipnir", "exact"), ("sleipnir", "grid")]),
    ]},
    "quick": {"reps": 3, "runs": [
        ("cuba", 1.0, [("sleipnir", "exact"), ("sleipnir", "grid"),
                       ("brian2", "cpp_standalone")]),
        ("brunel", 0.3, [("sleipnir", "grid"), ("sleipnir", "exact"),
                         ("brian2", "cpp_standalone")]),
    ]},
    "standard": {"reps": 5, "runs": [
        ("cuba", 1.0, [("sleipnir", "exact"), ("sleipnir", "grid"),
                       ("brian2", "cpp_standalone")]),
        ("brunel", 1.0, [("sleipnir", "grid"), ("sleipnir", "exact"),
                         ("brian2", "cpp_standalone")]),
    ]},
}
BASELINE = ("brian2", "cpp_standalone")
DT_MS = 0.1
THREADS = 1

RESULT_KEYS = ("system", "mode", "network", "threads", "sim_time_s", "build_wall_s",
               "run_wall_s", "wall_per_sim_s", "spikes", "mean_rate_hz", "synaptic_events",
               "events_per_s", "peak_rss_bytes", "bytes_per_synapse", "neurons", "synapses",
               "input_spikes")


class RunFailed(Exception):
    def __init__(self, cmd, returncode, stderr, why):
        super().__init__(why)
        self.cmd, self.returncode, self.stderr, self.why = cmd, returncode, stderr, why


# ---------------------------------------------------------------- machine

def machine_static():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) * 1024
                    break
    except OSError:
        pass
    return {"cpu_model": cpu, "cores": os.cpu_count(), "mem_total_bytes": mem,
            "kernel": platform.release(), "hostname": platform.node()}


def machine_now(static):
    m = dict(static)
    try:
        m["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        m["loadavg"] = None
    return m


# ---------------------------------------------------------------- running

def last_json_line(stdout):
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line:
            try:
                obj = json.loads(line)
            except ValueError:
                return None
            return obj if isinstance(obj, dict) else None
    return None


def execute(cmd, timeout, cwd):
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        raise RunFailed(cmd, None, err, f"timed out after {timeout:g} s")
    except OSError as e:
        raise RunFailed(cmd, None, "", f"cannot execute: {e}")
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RunFailed(cmd, p.returncode, p.stderr, f"exit status {p.returncode}")
    obj = last_json_line(p.stdout)
    if obj is None:
        raise RunFailed(cmd, p.returncode, p.stderr + "\n[stdout]\n" + p.stdout[-2000:],
                        "the last stdout line is not a JSON object")
    for k in ("run_wall_s", "spikes"):
        if not isinstance(obj.get(k), (int, float)):
            raise RunFailed(cmd, p.returncode, p.stderr, f"the JSON has no numeric '{k}'")
    return obj, wall, p.stderr


def fmt_time_arg(t):
    return f"{t * 1000:g}ms"


def sleipnir_cmd(opts, net, T, mode, scratch):
    # The example models record spikes to a CSV relative to the working directory;
    # the runs go to a scratch directory instead, in sleipnir's compact binary form
    # (Brian2's side only counts spikes; the binary spike file costs next to nothing).
    cmd = [opts.sleipnir, "run", os.path.join(REPO_ROOT, NETWORKS[net]["model"]),
           "--time", fmt_time_arg(T), "--mode", mode, "--seed", str(opts.seed),
           "--threads", str(THREADS), "--spikes", os.path.join(scratch, f"{net}-{mode}.bin")]
    if mode == "grid":
        cmd += ["--dt", f"{DT_MS:g}ms"]
    return cmd + ["--json", "--quiet"]


def brian2_cmd(opts, net, T, mode, build_dir):
    return [opts.brian2_python, os.path.join(BENCH_DIR, NETWORKS[net]["brian2"]),
            "--device", mode, "--time", f"{T:g}", "--seed", str(opts.seed),
            "--threads", str(THREADS), "--dt", f"{DT_MS:g}", "--build-dir", build_dir
            ] + NETWORKS[net].get("brian2_args", [])


def normalise(raw, system, mode, net, T, opts):
    """One results.jsonl record from a program's JSON object."""
    rec = {k: raw.get(k) for k in RESULT_KEYS}
    rec["system"] = system
    rec["mode"] = raw.get("mode", mode)
    if rec["mode"] != mode:
        print(f"warning: {system} asked for mode {mode} reports mode {rec['mode']}",
              file=sys.stderr)
    rec["network"] = NETWORKS[net]["network"]  # identical for all runs of this network
    rec["threads"] = raw.get("threads", THREADS)
    sim = raw.get("sim_time_s")
    if not isinstance(sim, (int, float)) or sim <= 0:
        sim = T
    elif abs(sim - T) > 1e-9 * max(1.0, T):
        print(f"warning: {system} {mode} simulated {sim} s, asked for {T} s", file=sys.stderr)
    rec["sim_time_s"] = sim
    rec["wall_per_sim_s"] = raw["run_wall_s"] / sim
    ev = raw.get("synaptic_events")
    if isinstance(ev, (int, float)) and raw["run_wall_s"] > 0:
        rec["events_per_s"] = ev / raw["run_wall_s"]  # the system's own count
    # Recurrent events: deliveries through neuron-to-neuron synapses only.  Brian2's
    # count is that already (its PoissonInput delivers no individual events);
    # sleipnir's count includes the deliveries of input sources.
    rec["recurrent_events"] = None
    if isinstance(ev, (int, float)):
        if system == "brian2":
            rec["recurrent_events"] = ev
        elif isinstance(raw.get("input_spikes"), (int, float)):
            rec["recurrent_events"] = ev - raw["input_spikes"] * NETWORKS[net]["input_fanout"]
        elif NETWORKS[net]["input_fanout"] == 0:
            rec["recurrent_events"] = ev
    rec["recurrent_events_per_s"] = (rec["recurrent_events"] / raw["run_wall_s"]
                                     if rec["recurrent_events"] is not None
                                     and raw["run_wall_s"] > 0 else None)
    n = raw.get("neurons")
    if rec.get("mean_rate_hz") is None and isinstance(n, int) and n > 0:
        rec["mean_rate_hz"] = raw["spikes"] / n / sim
    rec["seed"] = opts.seed
    rec["dt_ms"] = DT_MS if mode != "exact" else None
    return rec


# ---------------------------------------------------------------- statistics / report

def med_range(xs):
    xs = [x for x in xs if isinstance(x, (int, float))]
    if not xs:
        return None, None, None
    return statistics.median(xs), min(xs), max(xs)


def fmt_num(x, digits=3):
    if x is None:
        return "–"
    if x == 0:
        return "0"
    ax = abs(x)
    if ax >= 1e6 or ax < 1e-3:
        return f"{x:.{digits - 1}e}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")
    return f"{x:.{digits}g}" if ax < 1000 else f"{x:.0f}"


def fmt_mr(xs, digits=3):
    m, lo, hi = med_range(xs)
    if m is None:
        return "–"
    if len([x for x in xs if isinstance(x, (int, float))]) == 1 or lo == hi:
        return fmt_num(m, digits)
    return f"{fmt_num(m, digits)} [{fmt_num(lo, digits)}–{fmt_num(hi, digits)}]"


def per_round_ratios(records, net, T, cfg):
    """Brian2 run wall / cfg run wall, computed within each round."""
    by_round = {}
    for r in records:
        if r["_net"] == net and r["sim_time_s"] and r["_T"] == T:
            by_round.setdefault(r["round"], {})[(r["system"], r["mode"])] = r
    out = []
    for rnd in sorted(by_round):
        d = by_round[rnd]
        if cfg in d and BASELINE in d and d[cfg]["run_wall_s"] > 0:
            out.append(d[BASELINE]["run_wall_s"] / d[cfg]["run_wall_s"])
    return out


def build_report(suite, opts, records, failures, static, started, finished, plan, versions):
    L = []
    L.append(f"# Sleipnir vs Brian2 — suite `{suite}`")
    L.append("")
    L.append(f"- Date: {started:%Y-%m-%d %H:%M:%S} – {finished:%H:%M:%S} (local time)")
    L.append(f"- Machine: {static['cpu_model']}, {static['cores']} cores"
             + (f", {static['mem_total_bytes'] / 2**30:.1f} GiB RAM" if static.get("mem_total_bytes") else "")
             + f", Linux {static['kernel']}")
    loads = [r["machine"]["loadavg"][0] for r in records if r["machine"].get("loadavg")]
    if loads:
        L.append(f"- Load average (1 min) before the runs: median {statistics.median(loads):.2f}, "
                 f"max {max(loads):.2f}")
        if max(loads) > static["cores"] - 0.5:
            L.append(f"- **Warning**: the machine was busy (load up to {max(loads):.2f} on "
                     f"{static['cores']} cores); the timings are noisy.")
    for k, v in versions.items():
        L.append(f"- {k}: {v}")
    L.append(f"- Rounds: {opts.reps} (configurations interleaved, order reversed every other "
             f"round); threads: {THREADS}; seed: {opts.seed}; dt = {DT_MS:g} ms for grid and Brian2")
    L.append("")
    L.append("Wall s / sim s = run wall time (simulation loop only, no construction) per "
             "simulated second: median [min–max] over the rounds. Events/s = recurrent "
             "synaptic events (spikes × out-degree; deliveries from input sources such as "
             "Brunel's external drive are not counted) per run wall second, median. "
             "Events/spike = recurrent events ÷ spikes, a check that both sides simulate the "
             "same connectivity. vs Brian2 = Brian2 "
             "cpp_standalone's run time ÷ this run time, computed within each round, "
             "median [min–max] (> 1: faster than Brian2). Build s = network construction "
             "(Brian2: code generation + compilation + the binary's setup), median.")
    L.append("")
    L.append("| network | T (s) | system / mode | wall s / sim s | build s | events/s | "
             "rate (Hz) | events/spike | peak RSS (MB) | B/synapse | vs Brian2 |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for net, T, cfgs in plan:
        desc = NETWORKS[net]["network"]
        for cfg in cfgs:
            rs = [r for r in records if r["_net"] == net and r["_T"] == T
                  and (r["system"], r["mode"]) == cfg]
            failed = any(f["net"] == net and f["T"] == T and f["cfg"] == cfg for f in failures)
            name = f"{cfg[0]} / {cfg[1]}"
            if not rs:
                L.append(f"| {desc['name']} | {T:g} | {name} | FAILED | | | | | | | |")
                continue
            ratios = per_round_ratios(records, net, T, cfg) if cfg != BASELINE else []
            rate = med_range([r.get("mean_rate_hz") for r in rs])[0]
            eps = med_range([r.get("recurrent_events_per_s") for r in rs])[0]
            evsp = med_range([r["recurrent_events"] / r["spikes"] for r in rs
                              if isinstance(r.get("recurrent_events"), (int, float)) and r["spikes"]])[0]
            rss = med_range([r.get("peak_rss_bytes") for r in rs])[0]
            bps = med_range([r.get("bytes_per_synapse") for r in rs])[0]
            build = med_range([r.get("build_wall_s") for r in rs])[0]
            ratio = "1 (baseline)" if cfg == BASELINE else (fmt_mr(ratios) if ratios else "–")
            L.append(f"| {desc['name']} | {T:g} | {name}{' (some runs FAILED)' if failed else ''} | "
                     f"{fmt_mr([r['wall_per_sim_s'] for r in rs])} | {fmt_num(build)} | "
                     f"{fmt_num(eps)} | {fmt_num(rate)} | {fmt_num(evsp)} | "
                     f"{fmt_num(rss / 2**20) if rss else '–'} | {fmt_num(bps)} | {ratio} |")
    L.append("")
    notes = []
    cold = [r for r in records if r["system"] == "brian2" and r.get("build_cold")]
    if cold:
        bits = []
        for r in cold:
            bd = r.get("build_breakdown") or {}
            bits.append(f"{r['network']['name']} {fmt_num(r['build_wall_s'])} s "
                        f"(compile {fmt_num(bd.get('compile_s'))} s, binary setup "
                        f"{fmt_num(bd.get('binary_setup_s'))} s)")
        notes.append("Brian2's first build of each network compiles the whole project "
                     "(later rounds reuse the objects and recompile little): first build "
                     + "; ".join(bits) + ".")
    # Sanity: same network, similar rates?
    for net, T, cfgs in plan:
        base = [r.get("mean_rate_hz") for r in records if r["_net"] == net and r["_T"] == T
                and (r["system"], r["mode"]) == BASELINE]
        b = med_range(base)[0]
        if not b:
            continue
        for cfg in cfgs:
            if cfg == BASELINE:
                continue
            x = med_range([r.get("mean_rate_hz") for r in records if r["_net"] == net
                           and r["_T"] == T and (r["system"], r["mode"]) == cfg])[0]
            if x is not None and abs(x - b) > 0.25 * b:
                notes.append(f"**Check**: {net} {cfg[0]}/{cfg[1]} fires at {x:.3g} Hz, Brian2 at "
                             f"{b:.3g} Hz (> 25 % apart): the two may not simulate the same network.")
            def evsp(c):
                return med_range([r["recurrent_events"] / r["spikes"] for r in records
                                  if r["_net"] == net and r["_T"] == T
                                  and (r["system"], r["mode"]) == c and r["spikes"]
                                  and isinstance(r.get("recurrent_events"), (int, float))])[0]
            es, eb = evsp(cfg), evsp(BASELINE)
            if es and eb and abs(es - eb) > 0.1 * eb:
                notes.append(f"**Check**: {net}: {cfg[0]}/{cfg[1]} delivers {es:.4g} recurrent "
                             f"events per spike, Brian2 {eb:.4g} (> 10 % apart): different "
                             f"connectivity, or events counted differently.")
    ext = [r for r in records if r["system"] == "brian2" and r.get("external_events_expected")]
    if ext:
        r = ext[0]
        notes.append(f"Brian2's {r['network']['name']} external drive (PoissonInput, one binomial draw "
                     f"per neuron per step) stands for {r['external_events_expected'] / r['sim_time_s']:.3g} "
                     f"input events per simulated second; the events/s above leave input "
                     f"deliveries out on every side (sleipnir's own synaptic_events in "
                     f"results.jsonl include them).")
    if failures:
        notes.append(f"**{len(failures)} run(s) failed**: "
                     + "; ".join(f"{f['net']} {f['cfg'][0]}/{f['cfg'][1]} round {f['round']}: "
                                 f"{f['why']} (`{shlex.join(f['cmd'])}`)" for f in failures)
                     + ". Later rounds of a failed configuration are skipped.")
    if notes:
        L.append("Notes:")
        L.append("")
        for n in notes:
            L.append(f"- {n}")
        L.append("")
    return "\n".join(L)


# ---------------------------------------------------------------- main

def tool_version(cmd):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=30, cwd=REPO_ROOT)
        out = p.stdout.strip().splitlines()
        return out[-1].strip() if p.returncode == 0 and out else None
    except (OSError, subprocess.TimeoutExpired):
        return None


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Benchmark sleipnir against Brian2 (see bench/README.md).")
    ap.add_argument("--suite", choices=sorted(SUITES), default="quick",
                    help="which suite to run (default quick)")
    ap.add_argument("--sleipnir", default=os.path.join(REPO_ROOT, "sleipnir"),
                    help="the sleipnir program (default: ./sleipnir at the repository root)")
    ap.add_argument("--reps", type=int, default=None,
                    help="rounds (default: 1 for tiny, 3 for quick, 5 for standard)")
    ap.add_argument("--out", default=None,
                    help="output directory (default bench/results/<suite>-<YYYYmmdd-HHMMSS>)")
    ap.add_argument("--seed", type=int, default=1, help="seed given to every run (default 1)")
    ap.add_argument("--skip-sleipnir", action="store_true",
                    help="run only the Brian2 configurations")
    ap.add_argument("--with-brian2", action="store_true",
                    help="tiny suite: also run Brian2 cpp_standalone")
    ap.add_argument("--brian2-python", default=BRIAN2_PYTHON,
                    help="Python with Brian2 (default %(default)s)")
    ap.add_argument("--timeout", type=float, default=1800.0,
                    help="seconds allowed per run (default %(default)g)")
    opts = ap.parse_args(argv)
    if opts.reps is not None and opts.reps < 1:
        ap.error("--reps must be >= 1")
    if opts.reps is None:
        opts.reps = SUITES[opts.suite]["reps"]
    opts.sleipnir = os.path.abspath(opts.sleipnir)
    return opts


def make_plan(opts):
    plan = []
    for net, T, cfgs in SUITES[opts.suite]["runs"]:
        cfgs = list(cfgs)
        if opts.suite == "tiny" and opts.with_brian2:
            cfgs.append(BASELINE)
        if opts.skip_sleipnir:
            cfgs = [c for c in cfgs if c[0] != "sleipnir"]
        if cfgs:
            plan.append((net, T, cfgs))
    return plan


def main(argv=None):
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    suite = opts.suite
    plan = make_plan(opts)
    if not plan:
        print("compare.py: nothing to run (--skip-sleipnir leaves no configuration in this "
              "suite; add --with-brian2 for tiny)", file=sys.stderr)
        return 2
    uses_sleipnir = any(c[0] == "sleipnir" for _, _, cfgs in plan for c in cfgs)
    uses_brian2 = any(c[0] == "brian2" for _, _, cfgs in plan for c in cfgs)
    if uses_sleipnir and not (os.path.isfile(opts.sleipnir) and os.access(opts.sleipnir, os.X_OK)):
        print(f"compare.py: no sleipnir program at {opts.sleipnir} (build it with "
              f"./autogen.sh && ./configure && make, give --sleipnir PATH, or use "
              f"--skip-sleipnir)", file=sys.stderr)
        return 2
    if uses_sleipnir:
        for net, _, _ in plan:
            model = os.path.join(REPO_ROOT, NETWORKS[net]["model"])
            if not os.path.isfile(model):
                print(f"compare.py: missing model file {model}", file=sys.stderr)
                return 2
    if uses_brian2 and not os.access(opts.brian2_python, os.X_OK):
        print(f"compare.py: no Python at {opts.brian2_python} for Brian2", file=sys.stderr)
        return 2

    started = datetime.datetime.now()
    out = opts.out or os.path.join(BENCH_DIR, "results", f"{suite}-{started:%Y%m%d-%H%M%S}")
    os.makedirs(out, exist_ok=True)
    static = machine_static()
    versions = {}
    if uses_sleipnir:
        versions["sleipnir"] = (tool_version([opts.sleipnir, "--version"]) or "?") + f" ({opts.sleipnir})"
    git = tool_version(["git", "-C", REPO_ROOT, "describe", "--always", "--dirty"])
    if git:
        versions["git"] = git
    if uses_brian2:
        versions["Brian2"] = tool_version([opts.brian2_python, "-c",
                                           "import brian2; print(brian2.__version__)"]) or "?"

    records, failures = [], []
    failed_cfgs = set()
    build_root = tempfile.mkdtemp(prefix="sleipnir-bench-")
    jsonl_path = os.path.join(out, "results.jsonl")
    total = sum(len(cfgs) for _, _, cfgs in plan) * opts.reps
    done = 0
    try:
        with open(jsonl_path, "w") as jf:
            for net, T, cfgs in plan:
                brian2_dir = os.path.join(build_root, "brian2-" + net)
                scratch = os.path.join(build_root, "sleipnir-" + net)
                os.makedirs(scratch, exist_ok=True)
                brian2_built = False
                for rnd in range(opts.reps):
                    order = cfgs if rnd % 2 == 0 else list(reversed(cfgs))
                    for cfg in order:
                        done += 1
                        system, mode = cfg
                        label = f"[{done}/{total}] {net} T={T:g}s round {rnd + 1}/{opts.reps} {system}/{mode}"
                        if (net, T, cfg) in failed_cfgs:
                            print(f"{label}: skipped (failed before)", file=sys.stderr)
                            continue
                        if system == "sleipnir":
                            cmd, cwd = sleipnir_cmd(opts, net, T, mode, scratch), scratch
                        else:
                            cmd, cwd = brian2_cmd(opts, net, T, mode, brian2_dir), REPO_ROOT
                        mach = machine_now(static)
                        print(f"{label} ...", file=sys.stderr, end="", flush=True)
                        try:
                            raw, wall, _ = execute(cmd, opts.timeout, cwd)
                        except RunFailed as e:
                            print(" FAILED", file=sys.stderr)
                            failed_cfgs.add((net, T, cfg))
                            failures.append({"net": net, "T": T, "cfg": cfg, "round": rnd + 1,
                                             "why": e.why, "cmd": e.cmd, "stderr": e.stderr})
                            print(f"compare.py: run failed ({e.why}): {shlex.join(e.cmd)}",
                                  file=sys.stderr)
                            if e.stderr.strip():
                                print("---- its stderr (last 40 lines) ----", file=sys.stderr)
                                print("\n".join(e.stderr.rstrip().splitlines()[-40:]), file=sys.stderr)
                                print("------------------------------------", file=sys.stderr)
                            continue
                        rec = normalise(raw, system, mode, net, T, opts)
                        rec.update({"suite": suite, "round": rnd + 1, "machine": mach,
                                    "command": shlex.join(cmd), "process_wall_s": wall})
                        if system == "brian2":
                            rec["build_cold"] = not brian2_built
                            brian2_built = True
                            for k in ("build_breakdown", "version", "brian2_last_run_time_s",
                                      "timing_source", "external_events_expected"):
                                if k in raw:
                                    rec[k] = raw[k]
                        else:
                            rec["raw"] = raw
                        jf.write(json.dumps(rec) + "\n")
                        jf.flush()
                        rec["_net"], rec["_T"] = net, T
                        records.append(rec)
                        print(f" run {rec['run_wall_s']:.3f} s ({rec['wall_per_sim_s']:.3f} s/sim s), "
                              f"build {fmt_num(rec.get('build_wall_s'))} s, "
                              f"{fmt_num(rec.get('mean_rate_hz'))} Hz", file=sys.stderr)
    finally:
        shutil.rmtree(build_root, ignore_errors=True)

    finished = datetime.datetime.now()
    report = build_report(suite, opts, records, failures, static, started, finished, plan, versions)
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write(report + "\n")
    print(report)
    print(f"(results: {jsonl_path}, report: {os.path.join(out, 'report.md')})")
    if failures:
        print(f"compare.py: {len(failures)} run(s) failed:", file=sys.stderr)
        for f in failures:
            print(f"  {shlex.join(f['cmd'])}\n    -> {f['why']}", file=sys.stderr)
            for line in f["stderr"].rstrip().splitlines()[-10:]:
                print(f"    | {line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
